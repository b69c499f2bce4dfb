/*
 * pool: work that must not run on the loop, queued on libuv's thread pool
 * with a bound on how many run at once (app_queue_t in internal.h).
 *
 * Two queues use it: password hashes (auth.c, workspace.c), at most one
 * core less than the machine has, so that the loop keeps a core; and the
 * workspace's writes to the database (workspace.c, media.c), one at a
 * time on a connection of their own (a->disk), so that a flush or a lock
 * held elsewhere (up to the store's 5 s) makes only that request wait.
 * A third queue reads for requests on PostgreSQL (app_read: an event's
 * access, images, ...) through connections of their own (a->readers), so
 * that the loop never waits for a round trip and a read that waits for a
 * lock stalls only the requests queued behind it, not the phones.
 * Jobs beyond the bound wait on the loop, in order; nothing is dropped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "app/internal.h"
#include "util/xalloc.h"

typedef struct app_slot {
	uv_work_t work;
	app_t *app;
	app_queue_t *q;
	uv_work_t *user;
	uv_work_cb fn;
	uv_after_work_cb after;
	struct app_slot *next;
} app_slot_t;

/* Pool work is background work: it yields the cores to the loop, which
 * serves every phone. Only this thread (Linux: a tid is a PRIO_PROCESS
 * target); a thread stays at this priority for the life of the process. */
static void lower_priority(void)
{
	static _Thread_local bool done;
	if (done)
		return;
	done = true;
	(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
}

static void slot_work(uv_work_t *w)
{
	app_slot_t *s = w->data;
	lower_priority();
	s->fn(s->user);
}

static void slot_start(app_slot_t *s);

static void slot_after(uv_work_t *w, int status)
{
	app_slot_t *s = w->data;
	app_queue_t *q = s->q;
	q->running--;
	if (q->head) {
		app_slot_t *next = q->head;
		q->head = next->next;
		if (!q->head)
			q->tail = NULL;
		slot_start(next);
	}
	s->after(s->user, status);
	free(s);
}

static void slot_start(app_slot_t *s)
{
	s->q->running++;
	s->work.data = s;
	if (uv_queue_work(s->app->loop, &s->work, slot_work, slot_after) < 0) {
		s->q->running--;
		s->after(s->user, UV_EINVAL);
		free(s);
	}
}

void app_queue_work(app_t *a, app_queue_t *q, uv_work_t *w, uv_work_cb fn, uv_after_work_cb after)
{
	app_slot_t *s = xcalloc(1, sizeof *s);
	s->app = a;
	s->q = q;
	s->user = w;
	s->fn = fn;
	s->after = after;
	if (q->running < q->limit) {
		slot_start(s);
		return;
	}
	if (q->tail)
		q->tail->next = s;
	else
		q->head = s;
	q->tail = s;
}

static void write_run(uv_work_t *w)
{
	app_write_t *job = w->data;
	job->run(job);
}

static void write_after(uv_work_t *w, int status)
{
	app_write_t *job = w->data;
	job->app->pool_jobs--;
	job->done(job, status);
}

void app_write(app_t *a, app_write_t *job, void (*run)(app_write_t *),
               void (*done)(app_write_t *, int))
{
	job->app = a;
	job->run = run;
	job->done = done;
	job->work.data = job;
	if (!a->disk) { /* no second connection: as before, on the loop */
		job->st = a->store;
		run(job);
		done(job, 0);
		return;
	}
	job->st = a->disk;
	a->pool_jobs++;
	app_queue_work(a, &a->writes, &job->work, write_run, write_after);
}

/* A read job takes a connection no other running read holds: at most
 * APP_READERS run at once (a->reads.limit), so one is always free. */
static store_t *reader_take(app_t *a, size_t *slot)
{
	for (;;) {
		for (size_t i = 0; i < APP_READERS; i++) {
			bool no = false;
			if (atomic_compare_exchange_strong(&a->reader_busy[i], &no, true)) {
				*slot = i;
				return a->readers[i];
			}
		}
	}
}

static void read_run(uv_work_t *w)
{
	app_read_t *job = w->data;
	size_t slot;
	job->st = reader_take(job->app, &slot);
	job->run(job);
	atomic_store(&job->app->reader_busy[slot], false);
}

static void read_after(uv_work_t *w, int status)
{
	app_read_t *job = w->data;
	job->app->pool_jobs--;
	job->done(job, status);
}

void app_read(app_t *a, app_read_t *job, void (*run)(app_read_t *), void (*done)(app_read_t *, int))
{
	job->app = a;
	job->run = run;
	job->done = done;
	job->work.data = job;
	/* SQLite, or no --db: on the loop, at once. A local SQLite read is
	 * faster inline than a hop through the pool: an image served 4000
	 * times, p50 50-74 us inline against 72-85 us through the pool (p99
	 * 0.2-1.5 ms against 0.3-4.1 ms), three alternating rounds on this
	 * 2-core machine under other load, 2026-12-03. */
	if (!a->readers[0]) {
		job->st = a->store;
		run(job);
		done(job, 0);
		return;
	}
	a->pool_jobs++;
	app_queue_work(a, &a->reads, &job->work, read_run, read_after);
}

/* One connection per read that runs at once (a->reads.limit). */
int app_readers_open(app_t *a, const char *db_path, char *err, size_t errlen)
{
	for (size_t i = 0; i < APP_READERS; i++)
		if (store_open(db_path, &a->readers[i], err, errlen) != STORE_OK)
			return UV_EIO;
	return 0;
}

void app_readers_close(app_t *a)
{
	for (size_t i = 0; i < APP_READERS; i++) {
		store_close(a->readers[i]);
		a->readers[i] = NULL;
	}
}

void app_queues_init(app_t *a)
{
	unsigned cores = uv_available_parallelism();
	a->hashes.limit = cores > 2 ? cores - 1 : 1;
	a->writes.limit = 1; /* one connection: one job at a time */
	a->reads.limit = APP_READERS;
}

int app_upload_queue(app_t *a, app_upload_t *up, void *job, http_request_t *req,
                     const app_match_t *m, uv_work_cb fn, uv_after_work_cb after)
{
	up->work.data = job;
	up->req = req;
	up->app = a;
	up->event_id = m->id;
	up->user = m->user;
	snprintf(up->lang, sizeof up->lang, "%s", tr_req_lang(req));
	up->len = req->body_len;
	up->body = xmalloc(up->len);
	memcpy(up->body, req->body, up->len);
	if (uv_queue_work(a->loop, &up->work, fn, after) < 0) {
		free(up->body);
		up->body = NULL;
		http_respond_error(req, 503, "unavailable", tr(up->lang, "reports.stopping"), NULL);
		return UV_EBUSY;
	}
	a->pool_jobs++;
	return 0;
}
