/*
 * writer: the engine-independent group-commit writer behind store_submit.
 * It never calls a database directly; it reaches the engine through the
 * writer hooks of store_engine_t (engine.h).
 *
 * A job travels through four queues, each in submission order:
 *
 *   store_submit ──> batch ──(check/idle, loop)──> queue ──(writer)──>
 *     sync (pipelined engines) ──(syncers)──> done ──(uv_async, loop)──> job->done
 *
 * Invariants:
 *  1. The loop hands its batch over once per iteration, after its I/O
 *     (batch_check), so the requests read in one iteration reach the
 *     writer together: one lock and one wake-up for all of them. While a
 *     batch waits, batch_idle keeps the loop from sleeping in poll.
 *  2. Group commit: the writer takes every job queued so far (up to
 *     GROUP_MAX) and runs them between one group_begin and one
 *     group_commit. If anything in the group fails (a full disk), the whole
 *     group rolls back and every job reports STORE_ERROR: nothing
 *     half-written, nothing acknowledged that was not stored.
 *  3. A job is reported (done on the loop thread) only after its group is
 *     durable. With a pipelined engine, group_commit leaves the group
 *     unflushed; a syncer flushes (engine sync) while the writer commits
 *     the next group, and only then moves the groups to done. One flush
 *     covers every group committed before it.
 *  4. Reports keep commit order: groups pass from queue to sync to done in
 *     order, so a duplicate found in a later group is reported after the
 *     group that stored the original was flushed.
 *  5. A failed flush leaves committed but unflushed writes that cannot be
 *     reported either way, so the process stops and the database recovers
 *     on restart.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/engine.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/xalloc.h"

/* Flushes at once at most (syncer_main). */
enum { GROUP_MAX = 4096, SYNCERS = 2 };

struct store_writer {
	store_t *st;
	bool pipelined; /* the engine's commit needs a separate sync */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	store_job_t *queue_head, *queue_tail; /* waiting for the writer */
	store_job_t *done_head, *done_tail;   /* durable, for the loop */
	/* the syncers: groups committed (or failed) and waiting for a flush;
	 * positions count jobs ever appended to the sync queue */
	pthread_t syncer[SYNCERS];
	pthread_cond_t sync_cv;
	store_job_t *sync_head, *sync_tail;
	uint64_t sync_appended; /* jobs appended */
	uint64_t sync_ok_upto;  /* the end of the last group that committed */
	uint64_t sync_started;  /* jobs covered by a flush that started */
	uint64_t sync_durable;  /* jobs covered by a flush that ended */
	uint64_t sync_moved;    /* jobs moved on to done */
	bool writer_done;
	uv_async_t async;
	/* Submitted on the loop, handed to the writer once per loop iteration
	 * (invariant 1). */
	store_job_t *batch_head, *batch_tail;
	uv_check_t batch_check; /* hands the batch over after the loop's I/O */
	uv_idle_t batch_idle;   /* a batch is waiting: the loop must not sleep */
	bool stopping;
	uint64_t groups, jobs; /* commits and the writes in them (writer thread) */
	int closed;            /* handles closed by store__writer_stop */
};

/* Runs one group through the engine; sets every job's status. */
static void run_group(store_writer_t *w, store_job_t *head)
{
	store_t *st = w->st;
	const store_engine_t *e = st->eng;
	int rc = e->group_begin(st);
	store_job_t *j;
	if (rc == 0) {
		for (j = head; j && rc == 0; j = j->next)
			rc = (unsigned)j->kind < STORE_JOB_KINDS && e->job[j->kind]
			         ? e->job[j->kind](st, j)
			         : UV_EINVAL;
		if (rc == 0)
			rc = e->group_commit(st);
		if (rc != 0) {
			log_error("store: a write failed, %s (nothing of this group is stored)",
			          e->writer_errmsg(st));
			e->group_rollback(st);
		}
	} else {
		log_error("store: cannot start a write: %s", e->writer_errmsg(st));
	}
	for (j = head; j; j = j->next)
		j->status = rc == 0 ? STORE_OK : STORE_ERROR;
}

/* Appends the chain first..last to a queue (caller holds w->mu). */
static void append(store_job_t **head, store_job_t **tail, store_job_t *first, store_job_t *last)
{
	if (*tail)
		(*tail)->next = first;
	else
		*head = first;
	*tail = last;
}

static void *writer_main(void *arg)
{
	store_writer_t *w = arg;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->queue_head && !w->stopping)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->queue_head && w->stopping)
			break;
		/* Take up to GROUP_MAX jobs; the rest wait for the next group. */
		store_job_t *head = w->queue_head, *tail = head;
		for (int n = 1; n < GROUP_MAX && tail->next; n++)
			tail = tail->next;
		w->queue_head = tail->next;
		if (!w->queue_head)
			w->queue_tail = NULL;
		tail->next = NULL;
		pthread_mutex_unlock(&w->mu);

		run_group(w, head);
		w->groups++;
		unsigned n = 0;
		for (store_job_t *j = head; j; j = j->next)
			n++;
		w->jobs += n;
		metrics_observe(HIST_GROUP_SIZE, n);

		pthread_mutex_lock(&w->mu);
		if (w->pipelined) {
			append(&w->sync_head, &w->sync_tail, head, tail);
			w->sync_appended += n;
			if (head->status == STORE_OK)
				w->sync_ok_upto = w->sync_appended;
			pthread_cond_signal(&w->sync_cv);
		} else {
			append(&w->done_head, &w->done_tail, head, tail);
			uv_async_send(&w->async);
		}
	}
	w->writer_done = true;
	pthread_cond_broadcast(&w->sync_cv);
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Moves the jobs that may be reported from the head of the sync queue to
 * done (caller holds w->mu): those a completed flush covers, and a failed
 * group's once everything before it went (invariant 4). */
static void sync_move(store_writer_t *w)
{
	store_job_t *first = w->sync_head, *last = NULL;
	while (w->sync_head &&
	       (w->sync_moved < w->sync_durable || w->sync_head->status != STORE_OK)) {
		last = w->sync_head;
		w->sync_head = last->next;
		w->sync_moved++;
	}
	if (!last)
		return;
	if (!w->sync_head)
		w->sync_tail = NULL;
	last->next = NULL;
	append(&w->done_head, &w->done_tail, first, last);
	uv_async_send(&w->async);
}

/*
 * SYNCERS threads flush, each starting as soon as a commit is not covered
 * by a flush already started: a group committed while a flush runs gets
 * its own flush at once instead of waiting for that one to end (at 64
 * connections in a closed loop the flush's round trip is what sets the
 * rate). Concurrent fdatasync calls on one file overlap in the kernel and
 * the device. A flush started after job n's commit covers every job up to
 * n, whichever flush ends first (invariant 3).
 */
static void *syncer_main(void *arg)
{
	store_writer_t *w = arg;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		bool flush = w->sync_ok_upto > w->sync_started;
		bool movable = w->sync_head && (w->sync_moved < w->sync_durable ||
		                                w->sync_head->status != STORE_OK);
		if (w->writer_done && !w->sync_head)
			break;
		if (!flush && !movable) {
			pthread_cond_wait(&w->sync_cv, &w->mu);
			continue;
		}
		if (flush) {
			uint64_t target = w->sync_appended;
			w->sync_started = target;
			pthread_mutex_unlock(&w->mu);

			uint64_t t0 = uv_hrtime();
			int rc = w->st->eng->sync(w->st);
			if (rc != 0) {
				log_error(
				    "store: the disk did not confirm a write (%s); stopping, so"
				    " that nothing unconfirmed is acknowledged. The database"
				    " recovers when inspraak starts again.",
				    uv_strerror(rc));
				_exit(75);
			}
			metrics_observe(HIST_FLUSH_SECONDS, (double)(uv_hrtime() - t0) / 1e9);

			pthread_mutex_lock(&w->mu);
			if (target > w->sync_durable)
				w->sync_durable = target;
		}
		sync_move(w);
		if (w->writer_done) /* the others wait for the queue to empty */
			pthread_cond_broadcast(&w->sync_cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static void on_done(uv_async_t *a)
{
	store_writer_t *w = a->data;
	pthread_mutex_lock(&w->mu);
	store_job_t *j = w->done_head;
	w->done_head = w->done_tail = NULL;
	pthread_mutex_unlock(&w->mu);
	while (j) {
		store_job_t *next = j->next;
		j->next = NULL;
		metrics_add(METRIC_WRITER_QUEUE, -1);
		j->done(j);
		j = next;
	}
}

/* Hands the loop's batch to the writer (loop thread). */
static void batch_flush(store_writer_t *w)
{
	uv_idle_stop(&w->batch_idle);
	if (!w->batch_head)
		return;
	pthread_mutex_lock(&w->mu);
	append(&w->queue_head, &w->queue_tail, w->batch_head, w->batch_tail);
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	w->batch_head = w->batch_tail = NULL;
}

static void on_batch_check(uv_check_t *h)
{
	batch_flush(h->data);
}
static void on_batch_idle(uv_idle_t *h)
{
	batch_flush(h->data);
}

int store__writer_start(store_t *st, uv_loop_t *loop)
{
	char err[512];
	bool pipelined = false;
	int rc = st->eng->writer_open(st, &pipelined, err, sizeof err);
	if (rc) {
		log_error("store: %s", err);
		st->eng->writer_close(st);
		return rc;
	}
	store_writer_t *w = xcalloc(1, sizeof *w);
	w->st = st;
	w->pipelined = pipelined;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	pthread_cond_init(&w->sync_cv, NULL);
	/* The threads start before the handles: the writer reaches w->async
	 * only for a job, and jobs come after store_start returns. So a
	 * failure here leaves nothing on the loop. */
	rc = pthread_create(&w->thread, NULL, writer_main, w);
	if (rc != 0) {
		log_error("store: cannot start the writer thread: %s", strerror(rc));
		pthread_cond_destroy(&w->sync_cv);
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		free(w);
		st->eng->writer_close(st);
		return UV_EIO;
	}
	for (int i = 0; i < SYNCERS; i++)
		if (pthread_create(&w->syncer[i], NULL, syncer_main, w) != 0)
			abort(); /* the writer runs already and would wait for it forever */
	uv_async_init(loop, &w->async, on_done);
	w->async.data = w;
	uv_check_init(loop, &w->batch_check);
	uv_idle_init(loop, &w->batch_idle);
	w->batch_check.data = w->batch_idle.data = w;
	uv_check_start(&w->batch_check, on_batch_check);
	uv_unref((uv_handle_t *)&w->batch_check);
	st->writer = w;
	return STORE_OK;
}

void store_submit(store_t *st, store_job_t *job)
{
	store_writer_t *w = st->writer;
	job->next = NULL;
	metrics_inc(METRIC_WRITER_QUEUE);
	if (!w->batch_head)
		uv_idle_start(&w->batch_idle, on_batch_idle);
	append(&w->batch_head, &w->batch_tail, job, job);
}

static void on_closed(uv_handle_t *h)
{
	store_writer_t *w = h->data;
	/* libuv finishes closes in no promised order: free w with the last
	 * of its three handles, when the loop holds no pointer into it */
	if (++w->closed == 3)
		free(w);
}

void store__writer_stop(store_t *st)
{
	store_writer_t *w = st->writer;
	if (!w)
		return;
	batch_flush(w);
	pthread_mutex_lock(&w->mu);
	w->stopping = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	for (int i = 0; i < SYNCERS; i++)
		pthread_join(w->syncer[i], NULL);
	pthread_cond_destroy(&w->sync_cv);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	st->eng->writer_close(st);
	if (w->groups)
		log_info("store: %llu writes in %llu commits, %.1f per commit",
		         (unsigned long long)w->jobs, (unsigned long long)w->groups,
		         (double)w->jobs / (double)w->groups);
	/* Jobs finished after the loop stopped are dropped with the process;
	 * their writes are committed. The handles close when the loop runs
	 * again; the last one frees w. */
	st->writer = NULL;
	uv_close((uv_handle_t *)&w->async, on_closed);
	uv_close((uv_handle_t *)&w->batch_check, on_closed);
	uv_close((uv_handle_t *)&w->batch_idle, on_closed);
}
