/*
 * Unit tests for src/store/bus*.c: the engines chosen by the URL, the
 * message's form, sequence gaps and a node's own messages (through the
 * engines' entry bus__heard), and, when INSPRAAK_TEST_STORE is a
 * PostgreSQL URL, two buses on one database: coalescing, large batches
 * split below PostgreSQL's payload limit, nothing heard by its sender.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/bus.h"

typedef struct heard {
	int reloads;        /* calls with NULL */
	int changes;        /* calls with a change */
	bus_change_t last;  /* the last change */
	unsigned what_of_7; /* what session 7's changes said, or-ed */
	int64_t revision_of_7;
	int distinct; /* sessions 1000..1599 heard */
	unsigned char seen[600];
} heard_t;

static void on_heard(const bus_change_t *c, void *arg)
{
	heard_t *h = arg;
	if (!c) {
		h->reloads++;
		return;
	}
	h->changes++;
	h->last = *c;
	if (c->session_id == 7) {
		h->what_of_7 |= c->what;
		h->revision_of_7 = c->revision;
	}
	if (c->session_id >= 1000 && c->session_id < 1600 && !h->seen[c->session_id - 1000]) {
		h->seen[c->session_id - 1000] = 1;
		h->distinct++;
	}
}

static void engines_by_url(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	heard_t h = {0};
	bus_t *b = NULL;
	char err[128] = "";
	assert_int_equal(bus_open(&loop, NULL, on_heard, &h, &b, err, sizeof err), 0);
	assert_string_equal(bus_engine_name(b), "none");
	assert_true(bus_up(b));
	assert_int_equal(strlen(bus_node(b)), 16);
	bus_publish(b, 1, BUS_STATE, 1); /* nothing to send it to */
	bus_close(b);
	assert_int_equal(bus_open(&loop, "none", on_heard, &h, &b, err, sizeof err), 0);
	bus_close(b);
	bus_t *bad = NULL;
	assert_int_equal(bus_open(&loop, "nats://127.0.0.1", on_heard, &h, &bad, err, sizeof err),
	                 UV_EINVAL);
	assert_null(bad);
	assert_non_null(strstr(err, "postgresql"));
	assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
	assert_int_equal(uv_loop_close(&loop), 0);
	assert_int_equal(h.changes + h.reloads, 0);
}

static void gaps_and_own_messages(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	heard_t h = {0};
	bus_t *b;
	char err[128];
	assert_int_equal(bus_open(&loop, NULL, on_heard, &h, &b, err, sizeof err), 0);

	bus__heard(b, "1 00000000000000aa 1 5:1:3 7:2:9");
	assert_int_equal(h.changes, 2);
	assert_int_equal(h.reloads, 0);
	assert_int_equal(h.what_of_7, BUS_TALLY);
	assert_int_equal(h.revision_of_7, 9);
	bus__heard(b, "1 00000000000000aa 2 5:1:4");
	assert_int_equal(h.reloads, 0);
	/* 3 went missing: the change is delivered, then everything reloads */
	bus__heard(b, "1 00000000000000aa 4 6:1:1");
	assert_int_equal(h.changes, 4);
	assert_int_equal(h.reloads, 1);
	assert_int_equal(h.last.session_id, 6);
	/* another node's first message is no gap, whatever its number */
	bus__heard(b, "1 00000000000000bb 41 6:1:2");
	assert_int_equal(h.reloads, 1);
	/* this node's own message, and what is not a message, are not heard */
	char own[64];
	snprintf(own, sizeof own, "1 %s 1 8:1:1", bus_node(b));
	bus__heard(b, own);
	bus__heard(b, "hallo");
	bus__heard(b, "2 00000000000000aa 5 8:1:1");
	assert_int_equal(h.changes, 5);
	bus_stats_t st;
	bus_get_stats(b, &st);
	assert_int_equal(st.received, 4);
	assert_int_equal(st.gaps, 1);

	bus_close(b);
	assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* ---- two nodes on PostgreSQL ---- */

typedef struct until {
	uv_timer_t timer;
	int (*done)(void *arg);
	void *arg;
	int left; /* ticks of 10 ms */
} until_t;

static void tick(uv_timer_t *t)
{
	until_t *u = t->data;
	if (u->done(u->arg) || --u->left <= 0)
		uv_stop(t->loop);
}

/* Runs the loop until done(arg) or ms passed; returns done(arg). */
static int run_until(uv_loop_t *loop, int (*done)(void *), void *arg, int ms)
{
	until_t u = {.done = done, .arg = arg, .left = ms / 10};
	uv_timer_init(loop, &u.timer);
	u.timer.data = &u;
	uv_timer_start(&u.timer, tick, 10, 10);
	uv_run(loop, UV_RUN_DEFAULT);
	uv_close((uv_handle_t *)&u.timer, NULL);
	uv_run(loop, UV_RUN_NOWAIT);
	return done(arg);
}

typedef struct pair {
	bus_t *a, *b;
	heard_t *ha, *hb;
	int want;
} pair_t;

static int both_up(void *arg)
{
	pair_t *p = arg;
	return bus_up(p->a) && bus_up(p->b) && p->ha->reloads > 0 && p->hb->reloads > 0;
}

static int b_heard_7(void *arg)
{
	pair_t *p = arg;
	return p->hb->revision_of_7 == 2;
}

static int b_heard_all(void *arg)
{
	pair_t *p = arg;
	return p->hb->distinct == p->want;
}

static void two_nodes_on_postgresql(void **state)
{
	(void)state;
	const char *url = getenv("INSPRAAK_TEST_STORE");
	if (!url || strncmp(url, "postgres", 8)) {
		skip();
		return;
	}
	uv_loop_t loop;
	uv_loop_init(&loop);
	heard_t ha = {0}, hb = {0};
	pair_t p = {.ha = &ha, .hb = &hb};
	char err[256];
	assert_int_equal(bus_open(&loop, url, on_heard, &ha, &p.a, err, sizeof err), 0);
	assert_int_equal(bus_open(&loop, url, on_heard, &hb, &p.b, err, sizeof err), 0);
	assert_string_equal(bus_engine_name(p.a), "postgresql");
	assert_true(run_until(&loop, both_up, &p, 10000));

	/* three changes of one session in one turn: one change heard */
	bus_publish(p.a, 7, BUS_STATE, 1);
	bus_publish(p.a, 7, BUS_TALLY, 1);
	bus_publish(p.a, 7, BUS_STATE, 2);
	assert_true(run_until(&loop, b_heard_7, &p, 5000));
	assert_int_equal(hb.changes, 1);
	assert_int_equal(hb.what_of_7, BUS_STATE | BUS_TALLY);
	assert_int_equal(ha.changes, 0); /* never its own */

	/* 600 sessions at once: more than one message can hold (about 24
	 * bytes each, BUS_PAYLOAD_MAX a message) */
	p.want = 600;
	for (int64_t i = 0; i < 600; i++)
		bus_publish(p.a, 1000 + i, BUS_TALLY, 1234567890123);
	assert_true(run_until(&loop, b_heard_all, &p, 10000));
	bus_stats_t st;
	bus_get_stats(p.a, &st);
	assert_true(st.sent >= 3); /* 1 + at least two for the 600 */
	assert_true(st.sent <= 5);
	assert_int_equal(hb.reloads, 1); /* no gap: only the first connection */

	bus_close(p.a);
	bus_close(p.b);
	assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
	assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(engines_by_url),
	    cmocka_unit_test(gaps_and_own_messages),
	    cmocka_unit_test(two_nodes_on_postgresql),
	};
	return cmocka_run_group_tests_name("bus", tests, NULL, NULL);
}
