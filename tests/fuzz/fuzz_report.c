/*
 * Fuzz target: the report's text layout. Each input becomes participants'
 * answers (NUL-separated, as stored after validation) to an open question,
 * a word cloud and a Q&A question of a real event in a real store; then the
 * report is laid out as PDF (cairo and pango), HTML and Markdown, and the
 * themes are grouped. Any text a participant can send must lay out.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "report/report.h"
#include "util/text.h"

static const char DECK[] = "---\ntitle: Fuzz\nlang: nl\n---\n\n# Over de wijk\n\n"
                           "---\n\n? open: Wat vind je?\nanswers: 50\n\n---\n\n? cloud: Woord\n"
                           "entries: 10\n\n---\n\n? qa: Vragen\nanswers: 50\n";

static store_t *st;
static sqlite3 *db;
static int64_t event_id, session_id, slide_ids[3];
static char dir[64], out[96];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/inspraak-fuzz-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	char path[96], err[512], code[12];
	snprintf(path, sizeof path, "%s/f.db", dir);
	snprintf(out, sizeof out, "%s/out", dir);
	if (store_open(path, &st, err, sizeof err) != STORE_OK ||
	    app_import(st, DECK, strlen(DECK), 0, &event_id, code, err, sizeof err) != 0 ||
	    sqlite3_open(path, &db) != SQLITE_OK)
		abort();
	sqlite3_busy_timeout(db, 5000);
	sqlite3_stmt *q;
	sqlite3_prepare_v2(db, "SELECT id FROM sessions", -1, &q, NULL);
	sqlite3_step(q);
	session_id = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_prepare_v2(
	    db, "SELECT id FROM slides WHERE json NOT LIKE '%\"content\"%' ORDER BY position", -1,
	    &q, NULL);
	for (int i = 0; i < 3 && sqlite3_step(q) == SQLITE_ROW; i++)
		slide_ids[i] = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
}

static void add(int64_t slide, json_t *value, int n)
{
	char *v = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
	sqlite3_stmt *q;
	sqlite3_prepare_v2(db,
	                   "INSERT INTO answers(session_id, slide_id, participant, client_id,"
	                   " value, at, hidden) VALUES(?,?,?,?,?,?,?)",
	                   -1, &q, NULL);
	char who[40], id[40];
	snprintf(who, sizeof who, "%032d", n % 7);
	snprintf(id, sizeof id, "fuzz-%lld-%d", (long long)slide, n);
	sqlite3_bind_int64(q, 1, session_id);
	sqlite3_bind_int64(q, 2, slide);
	sqlite3_bind_text(q, 3, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, v, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, 1000 + n);
	sqlite3_bind_int(q, 7, n % 5 == 4);
	sqlite3_step(q);
	sqlite3_finalize(q);
	free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!st)
		setup();
	if (size > 4096)
		return 0;
	int n = 0;
	size_t start = 0;
	for (size_t i = 0; i <= size && n < 24; i++) {
		if (i < size && data[i] != 0)
			continue;
		const char *s = (const char *)data + start;
		size_t len = i - start;
		start = i + 1;
		/* only what validation lets through reaches a report */
		char *clean = text_clean(s, len, true);
		if (!clean || !*clean) {
			free(clean);
			continue;
		}
		json_t *open = json_string(clean);
		json_t *cloud = json_pack("[s]", clean);
		json_t *ask = json_pack("{s:s}", "ask", clean);
		add(slide_ids[0], open, n);
		add(slide_ids[1], cloud, n);
		add(slide_ids[2], ask, n);
		json_decref(open);
		json_decref(cloud);
		json_decref(ask);
		free(clean);
		n++;
	}
	report_t *r = NULL;
	char err[512];
	if (report_open(st, event_id, NULL, 0, &r, err, sizeof err) != 0)
		abort();
	static const report_format_t formats[] = {REPORT_PDF, REPORT_HTML, REPORT_MD};
	for (size_t k = 0; k < sizeof formats / sizeof *formats; k++)
		if (report_write(r, formats[k], out, NULL, NULL, err, sizeof err) != 0)
			abort();
	report_free(r);
	sqlite3_exec(db, "DELETE FROM answers", NULL, NULL, NULL);
	return 0;
}
