/*
 * metrics: see metrics.h. The hot path is metrics_add: a thread-local
 * pointer, then a relaxed load and store of a counter no other thread
 * writes. Atomics only so that a concurrent reader sees whole values.
 */
#include "util/metrics.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

typedef struct slab {
	_Atomic uint64_t v[METRIC_N_SCALARS];
	_Atomic uint64_t h[METRIC_N_HISTOGRAMS][METRICS_BUCKETS + 1]; /* buckets, then count */
	_Atomic double hsum[METRIC_N_HISTOGRAMS];
	struct slab *next;
} slab_t;

static _Atomic(slab_t *) slabs;
static _Thread_local slab_t *mine;

static const struct {
	const char *name, *help;
	char kind;
} scalars[] = {
#define M_SCALAR(id, n, k, h) {n, h, k},
    METRICS_SCALARS(M_SCALAR)
#undef M_SCALAR
};

static const struct {
	const char *name, *help;
	double first;
} hists[] = {
#define M_HIST(id, n, h, f) {n, h, f},
    METRICS_HISTOGRAMS(M_HIST)
#undef M_HIST
};

static slab_t *slab(void)
{
	if (mine)
		return mine;
	slab_t *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	s->next = atomic_load(&slabs);
	while (!atomic_compare_exchange_weak(&slabs, &s->next, s))
		;
	return mine = s;
}

static inline void bump(_Atomic uint64_t *c, uint64_t d)
{
	/* one writer per slab: no read-modify-write instruction needed */
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + d,
	                      memory_order_relaxed);
}

void metrics_add(int id, int64_t d)
{
	bump(&slab()->v[id], (uint64_t)d);
}

void metrics_refused(int status)
{
	int id = status == 400   ? METRIC_REFUSED_400
	         : status == 403 ? METRIC_REFUSED_403
	         : status == 404 ? METRIC_REFUSED_404
	         : status == 409 ? METRIC_REFUSED_409
	         : status == 413 ? METRIC_REFUSED_413
	         : status == 429 ? METRIC_REFUSED_429
	         : status == 503 ? METRIC_REFUSED_503
	                         : METRIC_REFUSED_OTHER;
	metrics_inc(id);
}

void metrics_observe(int h, double value)
{
	slab_t *s = slab();
	double bound = hists[h].first;
	int b = 0;
	while (b < METRICS_BUCKETS - 1 && value > bound) {
		bound *= 2;
		b++;
	}
	bump(&s->h[h][b], 1);
	bump(&s->h[h][METRICS_BUCKETS], 1);
	atomic_store_explicit(&s->hsum[h],
	                      atomic_load_explicit(&s->hsum[h], memory_order_relaxed) + value,
	                      memory_order_relaxed);
}

int64_t metrics_get(int id)
{
	uint64_t sum = 0;
	for (slab_t *s = atomic_load(&slabs); s; s = s->next)
		sum += atomic_load_explicit(&s->v[id], memory_order_relaxed);
	return (int64_t)sum;
}

/* "inspraak_x{kind=\"a\"}" -> "inspraak_x" */
static size_t base_len(const char *name)
{
	return strcspn(name, "{");
}

void metrics_write(buf_t *out)
{
	for (int i = 0; i < METRIC_N_SCALARS; i++) {
		if (scalars[i].help[0]) {
			int n = (int)base_len(scalars[i].name);
			buf_printf(out, "# HELP %.*s %s\n# TYPE %.*s %s\n", n, scalars[i].name,
			           scalars[i].help, n, scalars[i].name,
			           scalars[i].kind == 'c' ? "counter" : "gauge");
		}
		buf_printf(out, "%s %lld\n", scalars[i].name, (long long)metrics_get(i));
	}
	for (int h = 0; h < METRIC_N_HISTOGRAMS; h++) {
		uint64_t b[METRICS_BUCKETS + 1] = {0};
		double sum = 0;
		for (slab_t *s = atomic_load(&slabs); s; s = s->next) {
			for (int i = 0; i <= METRICS_BUCKETS; i++)
				b[i] += atomic_load_explicit(&s->h[h][i], memory_order_relaxed);
			sum += atomic_load_explicit(&s->hsum[h], memory_order_relaxed);
		}
		const char *name = hists[h].name;
		buf_printf(out, "# HELP %s %s\n# TYPE %s histogram\n", name, hists[h].help, name);
		uint64_t cum = 0;
		double bound = hists[h].first;
		for (int i = 0; i < METRICS_BUCKETS - 1; i++, bound *= 2) {
			cum += b[i];
			buf_printf(out, "%s_bucket{le=\"%g\"} %llu\n", name, bound,
			           (unsigned long long)cum);
		}
		cum += b[METRICS_BUCKETS - 1];
		buf_printf(out, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %g\n%s_count %llu\n", name,
		           (unsigned long long)cum, name, sum, name,
		           (unsigned long long)b[METRICS_BUCKETS]);
	}
}
