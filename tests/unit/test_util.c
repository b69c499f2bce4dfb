/* Unit tests for src/util: buf, map, metrics and bucket. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/bucket.h"
#include "util/buf.h"
#include "util/map.h"
#include "util/metrics.h"

static void buf_appends_and_formats(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	buf_puts(&b, "answer");
	buf_printf(&b, " %d of %s", 3, "five");
	buf_putc(&b, '!');
	assert_string_equal(b.data, "answer 3 of five!");
	assert_int_equal(b.len, 17);
	for (int i = 0; i < 1000; i++)
		buf_puts(&b, "x");
	assert_int_equal(b.len, 1017);
	assert_int_equal(b.data[b.len], '\0');
	char *s = buf_steal(&b);
	assert_null(b.data);
	free(s);
	s = buf_steal(&b);
	assert_string_equal(s, "");
	free(s);
}

/* Formatting fills the free room when the text fits and grows the buffer
 * when it does not, at every boundary. */
static void buf_formats_at_every_size(void **state)
{
	(void)state;
	char want[300];
	for (int width = 0; width < 200; width++) {
		buf_t b = BUF_INIT;
		buf_puts(&b, "ab");
		buf_printf(&b, "[%*d]", width, 7);
		buf_printf(&b, "%s", "");
		buf_putc(&b, '.');
		snprintf(want, sizeof want, "ab[%*d].", width, 7);
		assert_string_equal(b.data, want);
		assert_int_equal(b.len, strlen(want));
		assert_true(b.cap > b.len);
		buf_free(&b);
	}
	buf_t e = BUF_INIT;
	buf_printf(&e, "%s", "");
	assert_int_equal(e.len, 0);
	buf_free(&e);
}

static void buf_escapes_html(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	const char *in = "<script>alert('x')</script> & \"q\"";
	buf_html(&b, in, strlen(in));
	assert_string_equal(b.data,
	                    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
	buf_free(&b);
}

static void map_puts_gets_and_deletes(void **state)
{
	(void)state;
	map_t m = MAP_INIT;
	for (uint64_t k = 1; k <= 10000; k++)
		map_put(&m, k * 7919, (int64_t)k);
	assert_int_equal(m.n, 10000);
	int64_t v;
	for (uint64_t k = 1; k <= 10000; k++) {
		assert_true(map_get(&m, k * 7919, &v));
		assert_int_equal(v, (int64_t)k);
	}
	assert_false(map_get(&m, 3, &v));
	/* Delete every other key; the rest must still be found (backward shift). */
	for (uint64_t k = 1; k <= 10000; k += 2)
		assert_true(map_del(&m, k * 7919));
	assert_false(map_del(&m, 7919));
	assert_int_equal(m.n, 5000);
	for (uint64_t k = 1; k <= 10000; k++)
		assert_int_equal(map_get(&m, k * 7919, NULL), k % 2 == 0);
	map_put(&m, 2 * 7919, -5);
	assert_true(map_get(&m, 2 * 7919, &v));
	assert_int_equal(v, -5);
	assert_int_equal(m.n, 5000);
	map_free(&m);
	assert_int_equal(map_key(0), 1);
}

/* Issue 11: keys from outside input are keyed hashes, not FNV-1a, so a
 * sender cannot pick words that all share one probe run. The same input
 * hashes the same within a process and differently in another one. */
static void map_hash_is_keyed_per_process(void **state)
{
	(void)state;
	const char w[] = "samenleven";
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		uint64_t h = map_hash(w, sizeof w - 1);
		_exit(write(fd[1], &h, sizeof h) == sizeof h ? 0 : 1);
	}
	uint64_t child = 0;
	assert_int_equal(read(fd[0], &child, sizeof child), sizeof child);
	waitpid(pid, NULL, 0);
	close(fd[0]);
	close(fd[1]);
	uint64_t mine = map_hash(w, sizeof w - 1);
	assert_int_equal(mine, map_hash(w, sizeof w - 1));
	assert_int_not_equal(mine, child);
	uint64_t fnv = 1469598103934665603ull;
	for (size_t i = 0; i < sizeof w - 1; i++)
		fnv = (fnv ^ (unsigned char)w[i]) * 1099511628211ull;
	assert_int_not_equal(mine, fnv);
	assert_int_not_equal(map_hash("", 0), 0);
}

static void *count_up(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++) {
		metrics_inc(METRIC_ANSWERS_STORED);
		metrics_add(METRIC_WRITER_QUEUE, 1);
	}
	metrics_observe(HIST_GROUP_SIZE, 3);
	return NULL;
}

static void *count_down(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++)
		metrics_add(METRIC_WRITER_QUEUE, -1);
	return NULL;
}

/* Issue 11: per-thread counters sum up across threads, a gauge may go up
 * on one thread and down on another, and the text is Prometheus'. */
static void metrics_sum_over_threads(void **state)
{
	(void)state;
	int64_t stored = metrics_get(METRIC_ANSWERS_STORED);
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, count_up, NULL), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, count_down, NULL), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(metrics_get(METRIC_ANSWERS_STORED), stored + 4000);
	assert_int_equal(metrics_get(METRIC_WRITER_QUEUE), 0);
	metrics_refused(429);
	metrics_observe(HIST_FLUSH_SECONDS, 0.00015); /* the second bucket, 0.2 ms */
	buf_t b = BUF_INIT;
	metrics_write(&b);
	assert_non_null(strstr(b.data, "# TYPE inspraak_answers_stored_total counter\n"));
	assert_non_null(strstr(b.data, "inspraak_answers_refused_total{code=\"429\"} 1\n"));
	assert_non_null(strstr(b.data, "inspraak_commit_group_size_bucket{le=\"2\"} 0\n"));
	assert_non_null(strstr(b.data, "inspraak_commit_group_size_bucket{le=\"4\"} 4\n"));
	assert_non_null(strstr(b.data, "inspraak_commit_group_size_count 4\n"));
	assert_non_null(strstr(b.data, "inspraak_flush_seconds_bucket{le=\"0.0001\"} 0\n"));
	assert_non_null(strstr(b.data, "inspraak_flush_seconds_bucket{le=\"0.0002\"} 1\n"));
	assert_non_null(strstr(b.data, "inspraak_flush_seconds_bucket{le=\"+Inf\"} 1\n"));
	buf_free(&b);
}

/* ---- bucket: budgets, and the hot keys other nodes are told about ---- */

typedef struct told {
	int calls;
	unsigned total, last;
	uint64_t key;
} told_t;

static void on_spent(const bucket_set_t *b, uint64_t key, unsigned n, void *arg)
{
	(void)b;
	told_t *t = arg;
	t->calls++;
	t->total += n;
	t->last = n;
	t->key = key;
}

static void bucket_takes_and_refills(void **state)
{
	(void)state;
	bucket_set_t b = BUCKET_SET(4, 1000);
	int retry = 0;
	for (int i = 0; i < 4; i++)
		assert_true(bucket_take(&b, 7, 100, true, &retry));
	assert_false(bucket_take(&b, 7, 100, false, &retry));
	assert_int_equal(retry, 1);
	assert_true(bucket_take(&b, 8, 100, true, &retry));  /* keys apart */
	assert_true(bucket_take(&b, 7, 1100, true, &retry)); /* one back */
	assert_false(bucket_take(&b, 7, 1100, true, &retry));
	assert_true(bucket_take(&b, 7, 100000, false, &retry));
	bucket_free(&b);
}

/* bucket.h, invariant 1: a key is told about from the take that spends
 * half its burst (with all it spent), then one take at a time, until full. */
static void bucket_tells_hot_keys_only(void **state)
{
	(void)state;
	told_t t = {0};
	bucket_set_t b = BUCKET_SET(20, 500);
	b.id = 1;
	b.spent = on_spent;
	b.spent_arg = &t;
	int retry;
	/* a phone answering a few questions, slowly: never told */
	for (int i = 0; i < 200; i++)
		assert_true(bucket_take(&b, 5, (uint64_t)i * 5000, true, &retry));
	for (int i = 0; i < 9; i++)
		assert_true(bucket_take(&b, 6, 1000000, true, &retry));
	assert_int_equal(t.calls, 0);
	/* the tenth of a burst of 20 makes it hot: all ten told at once */
	assert_true(bucket_take(&b, 6, 1000000, true, &retry));
	assert_int_equal(t.calls, 1);
	assert_int_equal(t.last, 10);
	assert_int_equal(t.key, 6);
	/* then one by one; looking is not spending */
	assert_true(bucket_take(&b, 6, 1000000, false, &retry));
	assert_true(bucket_take(&b, 6, 1000000, true, &retry));
	assert_int_equal(t.calls, 2);
	assert_int_equal(t.last, 1);
	assert_int_equal(t.total, 11);
	/* a refusal spends nothing */
	for (int i = 0; i < 9; i++)
		assert_true(bucket_take(&b, 6, 1000000, true, &retry));
	assert_false(bucket_take(&b, 6, 1000000, true, &retry));
	assert_int_equal(t.total, 20);
	/* refilled to full, it is cold again: the next half burst is quiet */
	for (int i = 0; i < 9; i++)
		assert_true(bucket_take(&b, 6, 2000000, true, &retry));
	assert_int_equal(t.total, 20);
	bucket_free(&b);
}

/* bucket.h, invariants 2 and 3: a charge spends here what another node
 * spent, makes the key hot (so it is not told back whole) and becomes a
 * debt of at most one burst. */
static void bucket_charges_what_others_spent(void **state)
{
	(void)state;
	told_t t = {0};
	bucket_set_t b = BUCKET_SET(20, 500);
	b.id = 1;
	b.spent = on_spent;
	b.spent_arg = &t;
	int retry;
	bucket_charge(&b, 9, 10, 1000);
	for (int i = 0; i < 10; i++)
		assert_true(bucket_take(&b, 9, 1000, true, &retry));
	assert_false(bucket_take(&b, 9, 1000, true, &retry));
	assert_int_equal(t.calls, 10); /* one by one: hot since the charge */
	assert_int_equal(t.total, 10);
	/* a debt: 4 tokens owed, so the next token comes after 5 refills */
	bucket_charge(&b, 9, 4, 1000);
	assert_false(bucket_take(&b, 9, 1000 + 4 * 500, true, &retry));
	assert_int_equal(retry, 1);
	assert_true(bucket_take(&b, 9, 1000 + 5 * 500, true, &retry));
	/* a huge charge owes one burst at most: 20 refills, then a token */
	bucket_charge(&b, 9, 4000000000u, 100000);
	assert_false(bucket_take(&b, 9, 100000, true, &retry));
	assert_int_equal(retry, 11); /* 10.5 s, rounded up */
	assert_false(bucket_take(&b, 9, 100000 + 20 * 500, true, &retry));
	assert_true(bucket_take(&b, 9, 100000 + 21 * 500, true, &retry));
	/* a charge of a key not held starts from a full bucket */
	bucket_charge(&b, 10, 3, 5000);
	for (int i = 0; i < 17; i++)
		assert_true(bucket_take(&b, 10, 5000, true, &retry));
	assert_false(bucket_take(&b, 10, 5000, true, &retry));
	bucket_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(buf_appends_and_formats),
	    cmocka_unit_test(buf_formats_at_every_size),
	    cmocka_unit_test(buf_escapes_html),
	    cmocka_unit_test(map_puts_gets_and_deletes),
	    cmocka_unit_test(map_hash_is_keyed_per_process),
	    cmocka_unit_test(metrics_sum_over_threads),
	    cmocka_unit_test(bucket_takes_and_refills),
	    cmocka_unit_test(bucket_tells_hot_keys_only),
	    cmocka_unit_test(bucket_charges_what_others_spent),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
