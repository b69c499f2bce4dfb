/*
 * kaart_sync: the sociale kaart on several nodes (docs/deploy.md, "Several
 * nodes"; nodes.c does the same for the sessions).
 *
 * Every node keeps every entry and the settings in memory (kaart.h,
 * invariant 1). A node that saved an entry or the settings tells the
 * others with a BUS_KAART note (kaart_put, kaart__settings_changed), which
 * the bus coalesces to one per interval however many entries an import
 * saved. They read every entry and the settings again off the loop
 * (nodes_read, through a->peer) and take:
 *
 *  1. an entry not known here, or one saved later than the one here
 *     (updated_at), so that a read that began before a save of this node
 *     never undoes it;
 *  2. the settings, unless they were changed here while the read ran
 *     (settings_gen moved): then all is read again.
 *
 * One read at a time; news heard meanwhile reads once more when it is
 * back, so a burst of saves costs at most two reads. A read is a few
 * milliseconds per thousand entries, on the pool's thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/kaart.h"
#include "util/log.h"
#include "util/xalloc.h"

typedef struct row {
	store_kaart_entry_t e; /* status and doc owned */
} row_t;

typedef struct kaart_read {
	app_write_t w; /* first: the callbacks get &w */
	uint64_t gen;  /* settings_gen when the read began */
	/* out */
	int rc;
	row_t *rows;
	size_t n, cap;
	char themes[8192];
	bool got_themes, got_review, got_months;
	char review[16], months[16];
} kaart_read_t;

void kaart__settings_changed(app_t *a)
{
	a->kaart->settings_gen++;
	bus_note(a->bus, BUS_KAART, 0, 0, 1);
}

static void one(const store_kaart_entry_t *e, void *arg)
{
	kaart_read_t *r = arg;
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->rows = xrealloc(r->rows, r->cap * sizeof *r->rows);
	}
	row_t *w = &r->rows[r->n++];
	w->e = *e;
	w->e.status = xstrdup(e->status);
	w->e.doc = xstrdup(e->doc);
}

static void read_run(app_write_t *w)
{
	kaart_read_t *r = (kaart_read_t *)w;
	r->got_themes =
	    store_meta_get(w->st, "kaart_themes", r->themes, sizeof r->themes) == STORE_OK;
	r->got_review =
	    store_meta_get(w->st, "kaart_claim_review", r->review, sizeof r->review) == STORE_OK;
	r->got_months = store_meta_get(w->st, "kaart_reconfirm_months", r->months,
	                               sizeof r->months) == STORE_OK;
	r->rc = store_kaart_entries(w->st, one, r);
}

static void read_free(kaart_read_t *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free((char *)r->rows[i].e.status);
		free((char *)r->rows[i].e.doc);
	}
	free(r->rows);
	free(r);
}

static void read_start(app_t *a);

static void read_done(app_write_t *w, int status)
{
	kaart_read_t *r = (kaart_read_t *)w;
	app_t *a = w->app;
	kaart_t *k = a->kaart;
	k->syncing = false;
	if (atomic_load(&a->stopping)) {
		read_free(r);
		return;
	}
	if (status < 0 || r->rc != STORE_OK) {
		/* the database is away: not again at once; the next news,
		 * or the bus's reconnection, reads all */
		log_warn("kaart: news of another node not read");
		read_free(r);
		return;
	}
	for (size_t i = 0; i < r->n; i++) {
		const store_kaart_entry_t *e = &r->rows[i].e;
		kaart_entry_t *have = kaart_find(a, e->id);
		if (!have || e->updated_at > have->updated_at)
			kaart__put_quiet(a, e);
	}
	if (k->settings_gen != r->gen) {
		k->sync_again = true; /* changed here meanwhile: read again */
	} else {
		json_t *t = r->got_themes ? json_loads(r->themes, 0, NULL) : NULL;
		if (json_is_array(t)) {
			json_decref(k->themes);
			k->themes = t;
		} else {
			json_decref(t); /* never saved: the defaults stay */
		}
		if (r->got_review)
			k->claim_review = strcmp(r->review, "0") != 0;
		if (r->got_months)
			k->reconfirm_months = atoi(r->months);
	}
	read_free(r);
	/* not from here when reads run on the loop (no a->peer): the next
	 * news reads again then */
	if (k->sync_again && a->peer)
		read_start(a);
}

static void read_start(app_t *a)
{
	kaart_t *k = a->kaart;
	if (k->syncing) {
		k->sync_again = true;
		return;
	}
	k->syncing = true;
	k->sync_again = false;
	kaart_read_t *r = xcalloc(1, sizeof *r);
	r->gen = k->settings_gen;
	nodes_read(a, &r->w, read_run, read_done);
}

void kaart_heard(app_t *a)
{
	if (a->kaart)
		read_start(a);
}
