/*
 * Fuzz target: a message between nodes as it comes from the wire (bus.h,
 * invariant 7). bus__parse either refuses it whole, calling nothing, or
 * reads it; what it read, written again with bus__format, reads back the
 * same. And bus__heard on an open bus takes anything without harm.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/bus.h"

enum { ITEMS_MAX = 4096 };

typedef struct got {
	bus_change_t c[ITEMS_MAX];
	bus_note_t n[ITEMS_MAX];
	size_t nc, nn, calls;
} got_t;

static void on_change(const bus_change_t *c, void *arg)
{
	got_t *g = arg;
	g->calls++;
	if (g->nc < ITEMS_MAX)
		g->c[g->nc++] = *c;
}

static void on_note(const bus_note_t *n, void *arg)
{
	got_t *g = arg;
	g->calls++;
	if (g->nn < ITEMS_MAX)
		g->n[g->nn++] = *n;
}

static void on_heard(const bus_change_t *c, void *arg)
{
	(void)c, (void)arg;
}

static void on_bus_note(const bus_note_t *n, void *arg)
{
	(void)n, (void)arg;
}

static got_t got, again;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *msg = malloc(size + 1);
	memcpy(msg, data, size);
	msg[size] = '\0';
	char node[17];
	uint64_t seq;
	got.nc = got.nn = got.calls = 0;
	int rc = bus__parse(msg, node, &seq, on_change, on_note, &got);
	if (rc < 0 && got.calls)
		abort(); /* refused, yet something was heard */
	if (rc == 0 && got.nc < ITEMS_MAX && got.nn < ITEMS_MAX) {
		/* what was read writes and reads back the same, as far as it fits */
		char out[BUS_PAYLOAD_MAX + 1], node2[17];
		uint64_t seq2;
		size_t uc, un;
		bus__format(out, node, seq, got.c, got.nc, got.n, got.nn, &uc, &un);
		again.nc = again.nn = again.calls = 0;
		if (bus__parse(out, node2, &seq2, on_change, on_note, &again) < 0)
			abort();
		if (strcmp(node, node2) || seq != seq2 || again.nc != uc || again.nn != un)
			abort();
		for (size_t i = 0; i < uc; i++)
			if (again.c[i].session_id != got.c[i].session_id ||
			    again.c[i].what != got.c[i].what ||
			    again.c[i].revision != got.c[i].revision)
				abort();
		for (size_t i = 0; i < un; i++)
			if (again.n[i].kind != got.n[i].kind || again.n[i].a != got.n[i].a ||
			    again.n[i].b != got.n[i].b || again.n[i].n != got.n[i].n)
				abort();
	}
	/* the engine's entry, on a bus of its own (the none engine) */
	uv_loop_t loop;
	uv_loop_init(&loop);
	bus_t *b;
	char err[64];
	if (bus_open(&loop, NULL, on_heard, NULL, &b, err, sizeof err) == 0) {
		bus_on_note(b, on_bus_note, NULL);
		bus__heard(b, msg);
		bus__heard(b, msg); /* the same number twice: a gap */
		bus_close(b);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	free(msg);
	return 0;
}
