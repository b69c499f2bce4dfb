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

/* ---- the message's form: every field, the bound, what is refused ---- */

typedef struct got {
	bus_change_t c[700];
	bus_note_t n[700];
	size_t nc, nn;
} got_t;

static void got_change(const bus_change_t *c, void *arg)
{
	got_t *g = arg;
	g->c[g->nc++] = *c;
}

static void got_note(const bus_note_t *n, void *arg)
{
	got_t *g = arg;
	g->n[g->nn++] = *n;
}

static void form_round_trip(void **state)
{
	(void)state;
	bus_change_t c[2] = {{1, BUS_STATE | BUS_DECK, 0},
	                     {INT64_MAX, BUS_STATE | BUS_TALLY | BUS_DECK, INT64_MAX}};
	bus_note_t n[3] = {{BUS_SPENT, 5, 0xfedcba9876543210ull, 10},
	                   {BUS_REACT, UINT64_MAX, 4, UINT32_MAX},
	                   {BUS_PERSON, 0, 1, 1}};
	char msg[BUS_PAYLOAD_MAX + 1], node[17];
	size_t uc, un;
	size_t len = bus__format(msg, "0123456789abcdef", 42, c, 2, n, 3, &uc, &un);
	assert_int_equal(len, strlen(msg));
	assert_int_equal(uc, 2);
	assert_int_equal(un, 3);
	got_t *g = calloc(1, sizeof *g);
	uint64_t seq = 0;
	assert_int_equal(bus__parse(msg, node, &seq, got_change, got_note, g), 0);
	assert_string_equal(node, "0123456789abcdef");
	assert_int_equal(seq, 42);
	assert_int_equal(g->nc, 2);
	assert_int_equal(g->nn, 3);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(g->c[i].session_id, c[i].session_id);
		assert_int_equal(g->c[i].what, c[i].what);
		assert_int_equal(g->c[i].revision, c[i].revision);
	}
	for (int i = 0; i < 3; i++) {
		assert_int_equal(g->n[i].kind, n[i].kind);
		assert_int_equal(g->n[i].a, n[i].a);
		assert_int_equal(g->n[i].b, n[i].b);
		assert_int_equal(g->n[i].n, n[i].n);
	}
	/* changes come before notes: the order a node without notes reads */
	assert_true(strstr(msg, " s:") > strstr(msg, ":7:"));
	free(g);
}

static void form_is_bounded(void **state)
{
	(void)state;
	enum { N = 600 };
	bus_change_t *c = calloc(N, sizeof *c);
	bus_note_t *n = calloc(N, sizeof *n);
	for (int i = 0; i < N; i++) {
		c[i] = (bus_change_t){1000000000000 + i, BUS_TALLY, 1234567890123};
		n[i] = (bus_note_t){BUS_SPENT, 1, UINT64_MAX - (uint64_t)i, 255};
	}
	char msg[BUS_PAYLOAD_MAX + 1], node[17];
	size_t uc, un;
	/* more changes than fit: no note goes before every change went */
	size_t len = bus__format(msg, "00000000000000aa", 1, c, N, n, N, &uc, &un);
	assert_true(len <= BUS_PAYLOAD_MAX);
	assert_true(uc > 100 && uc < N);
	assert_int_equal(un, 0);
	/* notes alone, more than fit */
	len = bus__format(msg, "00000000000000aa", 2, c, 0, n, N, &uc, &un);
	assert_true(len <= BUS_PAYLOAD_MAX);
	assert_true(len > BUS_PAYLOAD_MAX - 60); /* full, not cut early */
	assert_true(un > 100 && un < N);
	got_t *g = calloc(1, sizeof *g);
	uint64_t seq;
	assert_int_equal(bus__parse(msg, node, &seq, got_change, got_note, g), 0);
	assert_int_equal(g->nn, un);
	assert_int_equal(g->n[un - 1].b, UINT64_MAX - (un - 1));
	free(g);
	free(c);
	free(n);
}

static void form_refuses_what_is_not_well_formed(void **state)
{
	(void)state;
	static const char *bad[] = {
	    "",
	    "1",
	    "1 ",
	    "1 00000000000000aa",
	    "1 00000000000000aa ",
	    "1 00000000000000AA 1", /* upper case */
	    "1 00000000000000a 1",  /* 15 digits */
	    "1 00000000000000aa -1",
	    "1 00000000000000aa 18446744073709551616", /* seq over 64 bits */
	    "1 00000000000000aa 1 ",                   /* a space and nothing */
	    "1 00000000000000aa 1  5:1:3",             /* two spaces */
	    "1 00000000000000aa 1 5:1",
	    "1 00000000000000aa 1 5:1:3x",
	    "1 00000000000000aa 1 -5:1:3",
	    "1 00000000000000aa 1 9223372036854775808:1:3", /* over INT64_MAX */
	    "1 00000000000000aa 1 5:4294967296:3",
	    "1 00000000000000aa 1 s:1:0000000000000001",
	    "1 00000000000000aa 1 s:1:000000000000001:1",
	    "1 00000000000000aa 1 s:1:00000000000000011:1",
	    "1 00000000000000aa 1 s:1:0000000000000001:4294967296",
	    "1 00000000000000aa 1 S:1:0000000000000001:1",
	    "1 00000000000000aa 1 s::0000000000000001:1",
	    "1 00000000000000aa 1 5:1:3 s:1:0000000000000001:1 x",
	    "2 00000000000000aa 1 5:1:3",
	};
	got_t *g = calloc(1, sizeof *g);
	char node[17];
	uint64_t seq;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (bus__parse(bad[i], node, &seq, got_change, got_note, g) != UV_EINVAL)
			fail_msg("accepted: [%s]", bad[i]);
		/* refused whole: nothing of it heard, not even what came first */
		assert_int_equal(g->nc + g->nn, 0);
	}
	/* a kind not known is carried (a newer node's); the receiver skips it */
	assert_int_equal(bus__parse("1 00000000000000aa 1 z:1:0000000000000001:1", node, &seq,
	                            got_change, got_note, g),
	                 0);
	assert_int_equal(g->nn, 1);
	assert_int_equal(g->n[0].kind, 'z');
	/* a message with no items is one (a sequence number alone) */
	assert_int_equal(bus__parse("1 00000000000000aa 7", node, &seq, NULL, NULL, NULL), 0);
	assert_int_equal(seq, 7);
	free(g);
}

typedef struct noted {
	int n;
	bus_note_t last;
} noted_t;

static void on_note(const bus_note_t *n, void *arg)
{
	noted_t *t = arg;
	t->n++;
	t->last = *n;
}

/* Notes come through bus__heard; a malformed message is refused and
 * counted, and leaves the sequence numbers as they were. */
static void notes_heard(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	heard_t h = {0};
	noted_t t = {0};
	bus_t *b;
	char err[128];
	assert_int_equal(bus_open(&loop, NULL, on_heard, &h, &b, err, sizeof err), 0);
	bus_on_note(b, on_note, &t);
	bus__heard(b, "1 00000000000000aa 1 5:1:3 r:5:0000000000000002:7");
	assert_int_equal(h.changes, 1);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.last.kind, BUS_REACT);
	assert_int_equal(t.last.a, 5);
	assert_int_equal(t.last.b, 2);
	assert_int_equal(t.last.n, 7);
	bus__heard(b, "1 00000000000000aa 2 5:1:3 r:5:00000000000000zz:7");
	assert_int_equal(h.changes, 1);
	assert_int_equal(t.n, 1);
	bus__heard(b, "1 00000000000000aa 2 p:9:0000000000000003:1");
	assert_int_equal(t.n, 2);
	assert_int_equal(h.reloads, 0); /* 2 after 1: no gap */
	bus_stats_t st;
	bus_get_stats(b, &st);
	assert_int_equal(st.refused, 1);
	assert_int_equal(st.received, 2);
	/* the none engine has no one to tell */
	bus_note(b, BUS_SPENT, 1, 2, 3);
	bus_get_stats(b, &st);
	assert_int_equal(st.notes_dropped, 0);
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

static noted_t b_notes;

static int b_heard_note(void *arg)
{
	(void)arg;
	return b_notes.n > 0;
}

static int b_heard_1000_notes(void *arg)
{
	(void)arg;
	return b_notes.n == 1000;
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

	/* three notes of one key in one interval: one note, their sum */
	bus_on_note(p.b, on_note, &b_notes);
	bus_note(p.a, BUS_SPENT, 1, 0xabcdef, 2);
	bus_note(p.a, BUS_SPENT, 1, 0xabcdef, 3);
	bus_note(p.a, BUS_SPENT, 1, 0xabcdef, 4);
	assert_true(run_until(&loop, b_heard_note, &p, 5000));
	assert_int_equal(b_notes.n, 1);
	assert_int_equal(b_notes.last.kind, BUS_SPENT);
	assert_int_equal(b_notes.last.a, 1);
	assert_int_equal(b_notes.last.b, 0xabcdef);
	assert_int_equal(b_notes.last.n, 9);
	/* more notes than one message holds: all heard, none dropped */
	b_notes.n = 0;
	for (uint64_t i = 0; i < 1000; i++)
		bus_note(p.a, BUS_REACT, 7, i, 1);
	p.want = 1000;
	assert_true(run_until(&loop, b_heard_1000_notes, &p, 10000));
	bus_get_stats(p.a, &st);
	assert_int_equal(st.notes_dropped, 0);

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
	    cmocka_unit_test(form_round_trip),
	    cmocka_unit_test(form_is_bounded),
	    cmocka_unit_test(form_refuses_what_is_not_well_formed),
	    cmocka_unit_test(notes_heard),
	    cmocka_unit_test(two_nodes_on_postgresql),
	};
	return cmocka_run_group_tests_name("bus", tests, NULL, NULL);
}
