/*
 * metrics: counters for /metrics (Prometheus text format) that cost the
 * counting thread one relaxed load and store, no lock and no shared cache
 * line.
 *
 * Invariants:
 *  1. Every thread that counts owns one slab of counters; only that thread
 *     writes it. A slab is made on the thread's first count, linked into a
 *     list once (one compare-and-swap) and never freed: the loop, the
 *     store's writer and syncer and libuv's pool threads live as long as
 *     the process.
 *  2. A reader sums the slabs. A gauge may go up on one thread and down on
 *     another: each slab then holds a wrapped-around value, and the sum
 *     modulo 2^64 is still right.
 *  3. A histogram is METRICS_BUCKETS cumulative-free counters plus a sum
 *     and a count; the reader makes the buckets cumulative.
 */
#ifndef INSPRAAK_METRICS_H
#define INSPRAAK_METRICS_H

#include <stdint.h>

#include "util/buf.h"

/* name, kind ('c' counter, 'g' gauge), help */
#define METRICS_SCALARS(X)                                                                         \
	X(STREAMS_PARTICIPANT, "inspraak_streams_open{kind=\"participant\"}", 'g',                 \
	  "open event streams")                                                                    \
	X(STREAMS_PRESENTER, "inspraak_streams_open{kind=\"presenter\"}", 'g', "")                 \
	X(STREAMS_MODERATOR, "inspraak_streams_open{kind=\"moderator\"}", 'g', "")                 \
	X(ANSWERS_STORED, "inspraak_answers_stored_total", 'c', "answers committed")               \
	X(REFUSED_400, "inspraak_answers_refused_total{code=\"400\"}", 'c',                        \
	  "answers refused, by HTTP status")                                                       \
	X(REFUSED_403, "inspraak_answers_refused_total{code=\"403\"}", 'c', "")                    \
	X(REFUSED_404, "inspraak_answers_refused_total{code=\"404\"}", 'c', "")                    \
	X(REFUSED_409, "inspraak_answers_refused_total{code=\"409\"}", 'c', "")                    \
	X(REFUSED_413, "inspraak_answers_refused_total{code=\"413\"}", 'c', "")                    \
	X(REFUSED_429, "inspraak_answers_refused_total{code=\"429\"}", 'c', "")                    \
	X(REFUSED_503, "inspraak_answers_refused_total{code=\"503\"}", 'c', "")                    \
	X(REFUSED_OTHER, "inspraak_answers_refused_total{code=\"other\"}", 'c', "")                \
	X(HTTP_429, "inspraak_http_429_total", 'c', "responses 429 Too Many Requests, any path")   \
	X(HTTP_RESPONSES, "inspraak_http_responses_total", 'c', "responses sent")                  \
	X(WRITER_QUEUE, "inspraak_writer_queue_depth", 'g',                                        \
	  "writes submitted to the store and not yet reported back")                               \
	X(REPORT_JOBS, "inspraak_report_jobs", 'g', "report downloads being written")              \
	X(REPORT_JOBS_TOTAL, "inspraak_report_jobs_total", 'c', "report downloads started")        \
	X(PASSWORD_HASHES, "inspraak_password_hashes_total", 'c',                                  \
	  "Argon2id computations (logins, password changes, new users), all on the thread pool")   \
	X(MAIL_SENT, "inspraak_mail_total{result=\"sent\"}", 'c',                                  \
	  "messages handed to the SMTP server, and those it did not take after a retry")           \
	X(MAIL_FAILED, "inspraak_mail_total{result=\"failed\"}", 'c', "")

#define METRICS_HISTOGRAMS(X)                                                                      \
	X(GROUP_SIZE, "inspraak_commit_group_size", "writes per commit", 1.0)                      \
	X(FLUSH_SECONDS, "inspraak_flush_seconds", "time of one WAL flush (fdatasync)", 0.0001)

enum {
#define M_SCALAR(id, name, kind, help) METRIC_##id,
	METRICS_SCALARS(M_SCALAR)
#undef M_SCALAR
	    METRIC_N_SCALARS
};

/* Buckets double from the histogram's first bound: 1, 2, 4 ... 4096 writes
 * or 0.1 ms, 0.2 ms ... 0.4 s; the last is +Inf. */
enum { METRICS_BUCKETS = 14 };

enum {
#define M_HIST(id, name, help, first) HIST_##id,
	METRICS_HISTOGRAMS(M_HIST)
#undef M_HIST
	    METRIC_N_HISTOGRAMS
};

/* Adds d (may be negative for a gauge) to counter id on this thread. */
void metrics_add(int id, int64_t d);
static inline void metrics_inc(int id)
{
	metrics_add(id, 1);
}
/* Counts an answer refused with HTTP status (400 ... 503). */
void metrics_refused(int status);
/* Records one value in histogram h (in its unit: writes, seconds). */
void metrics_observe(int h, double value);
/* The sum over every thread of a counter. */
int64_t metrics_get(int id);
/* Appends every counter and histogram in the Prometheus text format. */
void metrics_write(buf_t *out);

#endif
