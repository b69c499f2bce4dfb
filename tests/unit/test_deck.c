/*
 * Unit tests for src/model/deck.c: good decks with every slide type and
 * setting, the defaults, safe HTML, the JSON round trip, the demo deck, and
 * one broken deck per error, each checked for the line it names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "model/deck.h"
#include "model/kind.h"
#include "util/buf.h"

#define FRONT "---\ntitle: Testavond\n---\n"

/* Parses src, which must succeed; the caller frees the deck. */
static deck_t *parse_ok(const char *src)
{
	deck_t *d = NULL;
	char err[256] = "";
	int rc = deck_parse(src, strlen(src), &d, err, sizeof err);
	if (rc != 0)
		print_error("unexpected error: %s\n", err);
	assert_int_equal(rc, 0);
	assert_non_null(d);
	return d;
}

/* Parses src, which must fail with a message starting with prefix. */
static void parse_bad(const char *src, size_t len, const char *prefix)
{
	deck_t *d = (deck_t *)1;
	char err[256] = "";
	int rc = deck_parse(src, len, &d, err, sizeof err);
	assert_int_equal(rc, UV_EINVAL);
	assert_null(d);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		print_error("expected \"%s...\", got \"%s\"\n", prefix, err);
	assert_true(strncmp(err, prefix, strlen(prefix)) == 0);
}

static void bad(const char *src, const char *prefix)
{
	parse_bad(src, strlen(src), prefix);
}

static const char all_types[] = "---\n"
                                "title: Samenleven in diversiteit\n"
                                "subtitle: Werkconferentie 16 en 26 oktober 2020\n"
                                "lang: en\n"
                                "dates: 2020-10-16, 2020-10-26\n"
                                "---\n"
                                "# Welkom *allemaal*\n" /* line 7 */
                                "\n"
                                "Een inhoudsdia.\n"
                                "---\n"
                                "? open: Wat vind je belangrijk?\n" /* 11 */
                                "max-length: 100\n"
                                "answers: 2\n"
                                "results: phones\n"
                                "\n"
                                "Schrijf *kort*.\n"
                                "---\n"
                                "? cloud: Eén woord over je buurt\n" /* 18 */
                                "entries: 5\n"
                                "max-length: 40\n"
                                "---\n"
                                "? choice: Welke onderwerpen?\n" /* 22 */
                                "multiple: yes\n"
                                "- Wonen\n"
                                "* Werk\n"
                                "- Zorg\n"
                                "---\n"
                                "? scale: Hoe eens ben je het hiermee?\n" /* 28 */
                                "scale: 7\n"
                                "labels: Helemaal oneens | Helemaal eens\n"
                                "- De buurt is veilig\n"
                                "---\n"
                                "? rank: Wat moet eerst?\n" /* 33 */
                                "- Onderwijs\n"
                                "- Ontmoeting\n"
                                "- Werk\n"
                                "---\n"
                                "? qa: Vragen aan de wethouder\n" /* 38 */
                                "max-length: 500\n"
                                "answers: 10\n"
                                "---\n";

static void parses_every_type_and_setting(void **state)
{
	(void)state;
	deck_t *d = parse_ok(all_types);
	assert_string_equal(d->title, "Samenleven in diversiteit");
	assert_string_equal(d->subtitle, "Werkconferentie 16 en 26 oktober 2020");
	assert_string_equal(d->lang, "en");
	assert_int_equal(d->n_dates, 2);
	assert_string_equal(d->dates[0], "2020-10-16");
	assert_string_equal(d->dates[1], "2020-10-26");
	assert_int_equal(d->n_slides, 7);

	slide_t *s = &d->slides[0];
	assert_int_equal(s->kind, SLIDE_CONTENT);
	assert_int_equal(s->line, 7);
	assert_string_equal(s->title, "Welkom allemaal");
	assert_string_equal(s->body_md, "# Welkom *allemaal*\n\nEen inhoudsdia.\n");
	assert_string_equal(s->body_html,
	                    "<h1>Welkom <em>allemaal</em></h1>\n<p>Een inhoudsdia.</p>\n");
	assert_false(slide_is_question(s));

	s = &d->slides[1];
	assert_int_equal(s->kind, SLIDE_OPEN);
	assert_int_equal(s->line, 11);
	assert_string_equal(s->title, "Wat vind je belangrijk?");
	assert_int_equal(s->max_length, 100);
	assert_int_equal(s->max_answers, 2);
	assert_true(s->results_on_phones);
	assert_string_equal(s->body_md, "Schrijf *kort*.\n");
	assert_string_equal(s->body_html, "<p>Schrijf <em>kort</em>.</p>\n");

	s = &d->slides[2];
	assert_int_equal(s->kind, SLIDE_CLOUD);
	assert_int_equal(s->line, 18);
	assert_string_equal(s->title, "Eén woord over je buurt");
	assert_int_equal(s->max_answers, 5);
	assert_int_equal(s->max_length, 40);
	assert_false(s->results_on_phones);
	assert_string_equal(s->body_md, "");
	assert_string_equal(s->body_html, "");

	s = &d->slides[3];
	assert_int_equal(s->kind, SLIDE_CHOICE);
	assert_int_equal(s->line, 22);
	assert_true(s->multiple);
	assert_int_equal(s->n_items, 3);
	assert_string_equal(s->items[0], "Wonen");
	assert_string_equal(s->items[1], "Werk");
	assert_string_equal(s->items[2], "Zorg");

	s = &d->slides[4];
	assert_int_equal(s->kind, SLIDE_SCALE);
	assert_int_equal(s->line, 28);
	assert_int_equal(s->scale_max, 7);
	assert_string_equal(s->label_low, "Helemaal oneens");
	assert_string_equal(s->label_high, "Helemaal eens");
	assert_int_equal(s->n_items, 1);
	assert_string_equal(s->items[0], "De buurt is veilig");

	s = &d->slides[5];
	assert_int_equal(s->kind, SLIDE_RANK);
	assert_int_equal(s->line, 33);
	assert_int_equal(s->n_items, 3);
	assert_string_equal(s->items[2], "Werk");

	s = &d->slides[6];
	assert_int_equal(s->kind, SLIDE_QA);
	assert_int_equal(s->line, 38);
	assert_int_equal(s->max_length, 500);
	assert_int_equal(s->max_answers, 10);
	deck_free(d);
}

static void fills_in_defaults(void **state)
{
	(void)state;
	deck_t *d = parse_ok("---\ntitle: T\n---\n"
	                     "? open: O\n---\n"
	                     "? cloud: C\n---\n"
	                     "? choice: K\n- a\n- b\n---\n"
	                     "? scale: S\n- s\n---\n"
	                     "? rank: R\n- a\n- b\n---\n"
	                     "? qa: Q\n");
	assert_string_equal(d->subtitle, "");
	assert_string_equal(d->lang, "nl");
	assert_int_equal(d->n_dates, 0);
	assert_int_equal(d->n_slides, 6);
	const slide_t *s = d->slides;
	assert_int_equal(s[0].max_length, DECK_OPEN_DEFAULT_LENGTH);
	assert_int_equal(s[0].max_answers, 1);
	assert_int_equal(s[1].max_length, DECK_CLOUD_DEFAULT_LENGTH);
	assert_int_equal(s[1].max_answers, DECK_CLOUD_DEFAULT_ENTRIES);
	assert_false(s[2].multiple);
	assert_int_equal(s[3].scale_max, DECK_SCALE_DEFAULT);
	assert_string_equal(s[3].label_low, "");
	assert_string_equal(s[3].label_high, "");
	assert_int_equal(s[5].max_length, 280);
	assert_int_equal(s[5].max_answers, 5);
	for (size_t i = 0; i < d->n_slides; i++)
		assert_false(s[i].results_on_phones);
	deck_free(d);
}

static void takes_titles_from_headings(void **state)
{
	(void)state;
	deck_t *d =
	    parse_ok(FRONT "Geen kop hier.\n---\n"
	                   "```\n# geen kop in code\n```\n\n## Wel een `snake_case` kop ##\n---\n"
	                   "Tekst\n\n### Eerste\n\n# Tweede\n---\n"
	                   "Onderstreept\n===\n");
	assert_string_equal(d->slides[0].title, "");
	assert_string_equal(d->slides[1].title, "Wel een snake_case kop");
	assert_string_equal(d->slides[2].title, "Eerste");
	assert_string_equal(d->slides[3].title, "Onderstreept");
	deck_free(d);
}

/* "? website: title": a content slide that shows the event's website. */
static void reads_website_slides(void **state)
{
	(void)state;
	deck_t *d = parse_ok(FRONT "? website: Praat verder online\n\nOp *alle* onderwerpen.\n"
	                           "???\nnoem de datum\n---\n# Gewoon\n");
	slide_t *s = &d->slides[0];
	assert_int_equal(s->kind, SLIDE_CONTENT);
	assert_false(slide_is_question(s));
	assert_true(s->website);
	assert_string_equal(s->title, "Praat verder online");
	assert_string_equal(s->body_md, "Op *alle* onderwerpen.\n");
	assert_non_null(strstr(s->body_html, "<em>alle</em>"));
	assert_string_equal(s->notes, "noem de datum");
	assert_false(d->slides[1].website);
	/* through JSON and back */
	json_t *j = slide_to_json(s, true);
	assert_true(json_is_true(json_object_get(j, "website")));
	assert_string_equal(json_string_value(json_object_get(j, "kind")), "content");
	slide_t back;
	assert_int_equal(slide_from_json(j, &back), 0);
	assert_true(back.website);
	assert_string_equal(back.title, "Praat verder online");
	slide_clear(&back);
	json_decref(j);
	j = slide_to_json(&d->slides[1], false);
	assert_null(json_object_get(j, "website"));
	json_decref(j);
	deck_free(d);
	bad(FRONT "? website:  \n", "line 4: the question has no title");
}

static void renders_safe_html(void **state)
{
	(void)state;
	deck_t *d =
	    parse_ok(FRONT "# Kop\n\n<script>alert(1)</script>\n\n"
	                   "[klik](javascript:alert(1)) <img src=x onerror=alert(1)>\n"
	                   "---\n? open: Vraag\n\n<iframe src=\"https://example.org\"></iframe>\n"
	                   "[x](JAVASCRIPT:alert(2))\n");
	for (size_t i = 0; i < d->n_slides; i++) {
		const char *h = d->slides[i].body_html;
		assert_null(strstr(h, "<script"));
		assert_null(strstr(h, "<iframe"));
		assert_null(strstr(h, "<img"));
		assert_null(strstr(h, "javascript:"));
		assert_null(strstr(h, "JAVASCRIPT:"));
		assert_non_null(strstr(h, "raw HTML omitted"));
	}
	assert_non_null(strstr(d->slides[0].body_html, "<a href=\"\">klik</a>"));
	deck_free(d);
}

static void reads_descriptions_lists_and_line_ends(void **state)
{
	(void)state;
	/* CRLF line ends, a byte order mark, spaces after separators, a
	 * description that starts with a URL, a bullet list in an open
	 * question's description, and text around a choice's options. */
	const char *src = "\xEF\xBB\xBF---\r\ntitle:  Avond  \r\n---  \r\n"
	                  "? open:   Wat   denk je?  \r\n"
	                  "https://example.org/uitleg\r\n"
	                  "- een punt\r\n"
	                  "---\t\r\n"
	                  "? choice: Kies\r\n"
	                  "Vooraf.\r\n"
	                  "- Ja\r\n"
	                  "- Nee\r\n"
	                  "\r\n"
	                  "Achteraf.\r\n";
	deck_t *d = parse_ok(src);
	assert_string_equal(d->title, "Avond");
	assert_int_equal(d->n_slides, 2);
	assert_string_equal(d->slides[0].title, "Wat denk je?");
	assert_string_equal(d->slides[0].body_md, "https://example.org/uitleg\n- een punt\n");
	assert_non_null(strstr(d->slides[0].body_html, "<li>een punt</li>"));
	assert_int_equal(d->slides[1].n_items, 2);
	assert_string_equal(d->slides[1].body_md, "Vooraf.\n\nAchteraf.\n");
	assert_int_equal(d->slides[1].line, 8);
	deck_free(d);
}

static void normalises_text(void **state)
{
	(void)state;
	/* "Café" with a combining accent becomes the composed form (NFC). */
	deck_t *d = parse_ok("---\ntitle: Cafe\xCC\x81\n---\n? choice: Cafe\xCC\x81?\n"
	                     "-   Cafe\xCC\x81   terras \n- Thuis\n");
	assert_string_equal(d->title, "Caf\xC3\xA9");
	assert_string_equal(d->slides[0].title, "Caf\xC3\xA9?");
	assert_string_equal(d->slides[0].items[0], "Caf\xC3\xA9 terras");
	deck_free(d);
}

static void accepts_bounds(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	buf_puts(&b, "---\ntitle: ");
	for (int i = 0; i < DECK_TITLE_MAX; i++)
		buf_puts(&b, "\xC3\xA9"); /* 200 code points, 400 bytes */
	buf_puts(&b, "\n---\n? open: O\nmax-length: 2000\nanswers: 50\n---\n"
	             "? open: P\nmax-length: 1\nanswers: 1\n---\n"
	             "? cloud: C\nentries: 10\nmax-length: 60\n---\n"
	             "? scale: S\nscale: 2\n");
	for (int i = 0; i < DECK_ITEMS_MAX; i++)
		buf_printf(&b, "- s%d\n", i);
	buf_puts(&b, "---\n? scale: T\nscale: 10\n- s\n---\n? rank: R\n");
	for (int i = 0; i < 10; i++)
		buf_printf(&b, "- r%d\n", i);
	deck_t *d = parse_ok(b.data);
	assert_int_equal(d->slides[0].max_length, 2000);
	assert_int_equal(d->slides[0].max_answers, 50);
	assert_int_equal(d->slides[1].max_length, 1);
	assert_int_equal(d->slides[2].max_answers, 10);
	assert_int_equal(d->slides[2].max_length, 60);
	assert_int_equal(d->slides[3].scale_max, 2);
	assert_int_equal(d->slides[3].n_items, DECK_ITEMS_MAX);
	assert_int_equal(d->slides[4].scale_max, 10);
	assert_int_equal(d->slides[5].n_items, 10);
	deck_free(d);
	buf_free(&b);
}

static void rejects_front_matter_errors(void **state)
{
	(void)state;
	bad("title: x\n---\n# a\n", "line 1: the deck does not start with its front matter");
	bad("", "line 1: the deck does not start with its front matter");
	bad("---\ntitle: x\n", "line 1: the front matter is not closed (expected a line '---'");
	bad("---\ntitel: x\n---\n# a\n",
	    "line 2: unknown key 'titel' (expected title, subtitle, lang or dates)");
	bad("---\nsubtitle: x\n\n---\n# a\n",
	    "line 4: the front matter has no title (expected a line 'title: ...')");
	bad("---\ntitle: x\nlang: de\n---\n# a\n",
	    "line 3: unknown language 'de' (expected nl or en)");
	bad("---\ntitle: x\ndates: 2020-10-16, 2020-02-30\n---\n# a\n",
	    "line 3: '2020-02-30' is not a date (expected YYYY-MM-DD");
	bad("---\ntitle: x\ndates: 16-10-2020\n---\n# a\n", "line 3: '16-10-2020' is not a date");
	bad("---\ntitle: x\ntitle: y\n---\n# a\n",
	    "line 3: 'title' appears twice (expected each key once)");
	bad("---\nGewoon tekst\n---\n# a\n", "line 2: not a 'key: value' line");
	bad("---\ntitle:   \n---\n# a\n", "line 2: the title is empty (expected some text");

	buf_t b = BUF_INIT;
	buf_puts(&b, "---\nlang: nl\nsubtitle: ");
	for (int i = 0; i <= DECK_TITLE_MAX; i++)
		buf_putc(&b, 'x');
	buf_puts(&b, "\n---\n# a\n");
	bad(b.data, "line 3: the subtitle is 201 characters (expected at most 200)");
	buf_free(&b);
	/* A leap day is a date; the same day in a common year is not. */
	deck_t *d = parse_ok("---\ntitle: x\ndates: 2024-02-29\n---\n# a\n");
	deck_free(d);
	bad("---\ntitle: x\ndates: 2023-02-29\n---\n# a\n", "line 3: '2023-02-29' is not a date");
}

static void rejects_slide_structure_errors(void **state)
{
	(void)state;
	bad(FRONT "# a\n---\n\n---\n# b\n",
	    "line 7: empty slide (expected some content between this '---' and the one before)");
	bad(FRONT "---\n# b\n", "line 4: empty slide");
	bad(FRONT, "line 3: no slides (expected at least one slide after the front matter)");
	bad(FRONT "\n  \n", "line 5: no slides");
	/* A trailing separator (with blank lines after it) is fine. */
	deck_t *d = parse_ok(FRONT "# a\n---\n\n");
	assert_int_equal(d->n_slides, 1);
	deck_free(d);
}

static void rejects_question_errors(void **state)
{
	(void)state;
	bad(FRONT "# a\n---\n? opne: Vraag\n",
	    "line 6: unknown question type 'opne' (expected open, cloud, choice, scale, rank or "
	    "qa)");
	bad(FRONT "? content: Vraag\n", "line 4: unknown question type 'content'");
	bad(FRONT "? open Vraag\n", "line 4: malformed question (expected '? TYPE: title'");
	bad(FRONT "?\n", "line 4: malformed question");
	bad(FRONT "? open:   \n",
	    "line 4: the question has no title (expected text after 'open:')");
	bad(FRONT "\n\n? choice: Kies\nmax-length: 3\n- a\n- b\n",
	    "line 7: unknown setting 'max-length' for a choice question (expected multiple or "
	    "results)");
	bad(FRONT "? cloud: C\nanswers: 3\n",
	    "line 5: unknown setting 'answers' for a cloud question (expected entries, max-length, "
	    "results or moderation)");
	bad(FRONT "? rank: R\nscale: 3\n- a\n- b\n",
	    "line 5: unknown setting 'scale' for a rank question (expected results)");
	bad(FRONT "? open: O\nmax-length: 2001\n",
	    "line 5: max-length 2001 is out of range (expected 1 to 2000)");
	bad(FRONT "? open: O\nmax-length: 0\n",
	    "line 5: max-length 0 is out of range (expected 1 to 2000)");
	bad(FRONT "? qa: Q\nanswers: 51\n",
	    "line 5: answers 51 is out of range (expected 1 to 50)");
	bad(FRONT "? open: O\nanswers: 99999999999999999999\n",
	    "line 5: answers 99999999999999999999 is out of range (expected 1 to 50)");
	bad(FRONT "? open: O\nanswers: veel\n",
	    "line 5: answers 'veel' is not a whole number (expected 1 to 50)");
	bad(FRONT "? open: O\nanswers: -1\n", "line 5: answers '-1' is not a whole number");
	bad(FRONT "? cloud: C\nmax-length: 61\n",
	    "line 5: max-length 61 is out of range (expected 1 to 60)");
	bad(FRONT "? cloud: C\nentries: 11\n",
	    "line 5: entries 11 is out of range (expected 1 to 10)");
	bad(FRONT "? scale: S\nscale: 1\n- s\n",
	    "line 5: scale 1 is out of range (expected 2 to 10)");
	bad(FRONT "? scale: S\nscale: 11\n- s\n",
	    "line 5: scale 11 is out of range (expected 2 to 10)");
	bad(FRONT "? choice: K\nmultiple: misschien\n- a\n- b\n",
	    "line 5: multiple is 'misschien' (expected yes or no)");
	bad(FRONT "? open: O\nresults: both\n",
	    "line 5: results is 'both' (expected screen or phones)");
	bad(FRONT "? scale: S\nlabels: oneens, eens\n- s\n",
	    "line 5: labels need one '|' (expected 'labels: low | high'");
	bad(FRONT "? open: O\nanswers: 2\nanswers: 3\n",
	    "line 6: 'answers' appears twice (expected each setting once)");
}

static void rejects_option_errors(void **state)
{
	(void)state;
	bad(FRONT "? choice: K\n- alleen\n",
	    "line 4: too few options for a choice question: 1 (expected 2 to 20 lines '- option')");
	bad(FRONT "# a\n---\n? choice: K\nmultiple: yes\n\nGeen opties.\n",
	    "line 6: too few options for a choice question: 0");
	bad(FRONT "? rank: R\n- a\n",
	    "line 4: too few options for a rank question: 1 (expected 2 to 10");
	bad(FRONT "? scale: S\nscale: 4\n",
	    "line 4: too few statements for a scale question: 0 (expected 1 to 20");
	bad(FRONT "? choice: K\n- FIETS\n- Bus\n- fiets\n",
	    "line 7: option 'fiets' appears twice (expected distinct options)");
	/* Same word once with a combining accent, once composed. */
	bad(FRONT "? choice: K\n- Caf\xC3\xA9\n- cafe\xCC\x81\n", "line 6: option 'caf");
	bad(FRONT "? choice: K\n- a\n-   \n- b\n",
	    "line 6: empty option (expected text after '- ')");
	bad(FRONT "? scale: S\n-\n", "line 5: empty statement");

	buf_t b = BUF_INIT;
	buf_puts(&b, FRONT "? rank: R\n");
	for (int i = 0; i < 11; i++)
		buf_printf(&b, "- r%d\n", i);
	bad(b.data, "line 15: option 11 is one too many (expected at most 10 options)");
	buf_clear(&b);
	buf_puts(&b, FRONT "? choice: K\n");
	for (int i = 0; i < 21; i++)
		buf_printf(&b, "- c%d\n", i);
	bad(b.data, "line 25: option 21 is one too many (expected at most 20 options)");
	buf_clear(&b);
	buf_puts(&b, FRONT "? choice: K\n- a\n- ");
	for (int i = 0; i <= DECK_ITEM_MAX; i++)
		buf_putc(&b, 'x');
	buf_puts(&b, "\n");
	bad(b.data, "line 6: the option is 201 characters (expected at most 200)");
	buf_free(&b);
}

static void rejects_long_titles(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	buf_puts(&b, FRONT "? open: ");
	for (int i = 0; i <= DECK_TITLE_MAX; i++)
		buf_puts(&b, "\xC3\xA9");
	bad(b.data, "line 4: the question is 201 characters (expected at most 200)");
	buf_clear(&b);
	/* A heading further down the slide is named by its own line. */
	buf_puts(&b, FRONT "# a\n---\nIntro.\n\n## ");
	for (int i = 0; i <= DECK_TITLE_MAX; i++)
		buf_putc(&b, 'k');
	buf_puts(&b, "\n");
	bad(b.data, "line 8: the heading is 201 characters (expected at most 200)");
	buf_free(&b);
}

static void rejects_bad_bytes(void **state)
{
	(void)state;
	bad(FRONT "# a\n\nCaf\xE9\n", "line 6: invalid UTF-8 at byte 4 (expected UTF-8 text)");
	bad("---\ntitle: \xC0\xAF\n---\n# a\n", "line 2: invalid UTF-8");
	bad(FRONT "# a\x07\n", "line 4: control character U+0007");
	bad(FRONT "# a\rb\n", "line 4: control character U+000D");
	bad(FRONT "# a\n\nC1 \xC2\x85\n", "line 6: control character U+0085");
	static const char with_nul[] = FRONT "# a\n\nb\0c\n";
	parse_bad(with_nul, sizeof with_nul - 1, "line 6: control character U+0000");
}

static void rejects_oversized_decks(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	buf_puts(&b, FRONT);
	for (int i = 0; i < DECK_MAX_SLIDES; i++)
		buf_printf(&b, "# s%d\n---\n", i);
	deck_t *d = parse_ok(b.data);
	assert_int_equal(d->n_slides, DECK_MAX_SLIDES);
	deck_free(d);
	buf_puts(&b, "# een te veel\n");
	/* 3 front matter lines, then two lines per slide. */
	char want[64];
	snprintf(want, sizeof want, "line %d: slide 201 is one too many", 4 + 2 * DECK_MAX_SLIDES);
	bad(b.data, want);
	buf_free(&b);

	size_t n = (size_t)DECK_MAX_BYTES + 1;
	char *big = malloc(n);
	assert_non_null(big);
	memset(big, 'x', n);
	parse_bad(big, n, "line 1: the deck is 1048577 bytes (expected at most 1048576)");
	free(big);
}

static void names_kinds(void **state)
{
	(void)state;
	static const char *const names[] = {"content", "open", "cloud", "choice",
	                                    "scale",   "rank", "qa"};
	for (int k = SLIDE_CONTENT; k <= SLIDE_QA; k++) {
		slide_kind_t back;
		assert_string_equal(slide_kind_name((slide_kind_t)k), names[k]);
		assert_int_equal(slide_kind_parse(names[k], &back), 0);
		assert_int_equal(back, k);
	}
	slide_kind_t x;
	assert_int_equal(slide_kind_parse("poll", &x), UV_EINVAL);
	assert_int_equal(slide_kind_parse("", &x), UV_EINVAL);
}

/* The kind table (model/kind.h): one entry per slide_kind_t, named as the
 * deck names it, with every required hook, and every setting an entry
 * lists is one the parser reads. */
static void kind_table_is_complete(void **state)
{
	(void)state;
	static const struct {
		const char *name, *value;
	} values[] = {
	    {"max-length", "10"},  {"answers", "2"},
	    {"entries", "2"},      {"multiple", "yes"},
	    {"scale", "4"},        {"labels", "laag | hoog"},
	    {"results", "phones"}, {"moderation", "approve"},
	};
	assert_int_equal(kind_count(), SLIDE_QA + 1);
	assert_null(kind_by_name("poll"));
	for (size_t i = 0; i < kind_count(); i++) {
		const question_kind_t *k = kind_of((slide_kind_t)i);
		assert_int_equal(k->kind, i);
		assert_string_equal(k->name, slide_kind_name((slide_kind_t)i));
		assert_ptr_equal(kind_by_name(k->name), k);
		assert_non_null(k->validate);
		assert_non_null(k->units);
		assert_non_null(k->text);
		assert_non_null(k->norm_ok);
		assert_non_null(k->tally_json);
		if (i == SLIDE_CONTENT)
			continue;
		assert_true(k->items_key == NULL || k->items_min >= 1);
		assert_true(k->max_length_max == 0 || k->answers_max >= k->default_answers);
		buf_t b = BUF_INIT;
		buf_printf(&b, FRONT "? %s: Vraag\n", k->name);
		for (size_t s = 0; s < KIND_SETTINGS_MAX && k->settings[s]; s++) {
			size_t v = 0;
			while (v < sizeof values / sizeof *values &&
			       strcmp(values[v].name, k->settings[s]) != 0)
				v++;
			assert_true(v < sizeof values / sizeof *values);
			buf_printf(&b, "%s: %s\n", k->settings[s], values[v].value);
		}
		if (k->items_key)
			buf_puts(&b, "- een\n- twee\n");
		deck_t *d = parse_ok(b.data);
		assert_int_equal(d->slides[0].kind, i);
		assert_true(d->slides[0].results_on_phones);
		deck_free(d);
		buf_free(&b);
	}
}

static void round_trips_through_json(void **state)
{
	(void)state;
	deck_t *d = parse_ok(all_types);
	for (size_t i = 0; i < d->n_slides; i++) {
		const slide_t *s = &d->slides[i];
		json_t *j = slide_to_json(s, true);
		slide_t back;
		assert_int_equal(slide_from_json(j, &back), 0);
		assert_int_equal(back.kind, s->kind);
		assert_int_equal(back.line, s->line);
		assert_string_equal(back.title, s->title);
		assert_string_equal(back.body_md, s->body_md);
		assert_string_equal(back.body_html, s->body_html);
		assert_int_equal(back.max_length, s->max_length);
		assert_int_equal(back.max_answers, s->max_answers);
		assert_int_equal(back.multiple, s->multiple);
		assert_int_equal(back.scale_max, s->scale_max);
		assert_int_equal(back.results_on_phones, s->results_on_phones);
		assert_int_equal(back.n_items, s->n_items);
		for (size_t k = 0; k < s->n_items; k++)
			assert_string_equal(back.items[k], s->items[k]);
		if (s->kind == SLIDE_SCALE) {
			assert_string_equal(back.label_low, s->label_low);
			assert_string_equal(back.label_high, s->label_high);
		}
		/* The same JSON again: nothing lost or added. */
		json_t *again = slide_to_json(&back, true);
		assert_true(json_equal(j, again));
		json_decref(again);
		json_decref(j);
		slide_clear(&back);
	}
	/* Without the source, phones get no Markdown and no line. */
	json_t *j = slide_to_json(&d->slides[1], false);
	assert_null(json_object_get(j, "md"));
	assert_null(json_object_get(j, "line"));
	assert_int_equal(json_integer_value(json_object_get(j, "max_length")), 100);
	assert_true(json_is_true(json_object_get(j, "results_on_phones")));
	json_decref(j);
	j = slide_to_json(&d->slides[4], false);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "labels"), 1)),
	                    "Helemaal eens");
	assert_int_equal(json_array_size(json_object_get(j, "statements")), 1);
	json_decref(j);
	deck_free(d);
}

static void rejects_json_out_of_bounds(void **state)
{
	(void)state;
	static const char *const bad_json[] = {
	    "{}",
	    "{\"kind\":\"poll\",\"title\":\"t\",\"html\":\"\",\"md\":\"\"}",
	    "{\"kind\":\"open\",\"title\":\"t\",\"html\":\"\",\"md\":\"\",\"max_length\":0,"
	    "\"max_answers\":1}",
	    "{\"kind\":\"open\",\"title\":\"\",\"html\":\"\",\"md\":\"\",\"max_length\":10,"
	    "\"max_answers\":1}",
	    "{\"kind\":\"open\",\"title\":\"t\",\"html\":\"\",\"md\":\"\",\"max_length\":10}",
	    "{\"kind\":\"cloud\",\"title\":\"t\",\"html\":\"\",\"md\":\"\",\"max_length\":61,"
	    "\"max_answers\":3}",
	    "{\"kind\":\"choice\",\"title\":\"t\",\"html\":\"\",\"md\":\"\",\"multiple\":false,"
	    "\"options\":[\"a\"]}",
	    "{\"kind\":\"choice\",\"title\":\"t\",\"html\":\"\",\"md\":\"\",\"multiple\":false,"
	    "\"options\":[\"a\",3]}",
	    "{\"kind\":\"rank\",\"title\":\"t\",\"html\":\"\",\"md\":\"\",\"options\":"
	    "[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\",\"11\"]}",
	    "{\"kind\":\"scale\",\"title\":\"t\",\"html\":\"\",\"md\":\"\",\"scale_max\":11,"
	    "\"labels\":[\"\",\"\"],\"statements\":[\"s\"]}",
	    "{\"kind\":\"scale\",\"title\":\"t\",\"html\":\"\",\"md\":\"\",\"scale_max\":5,"
	    "\"statements\":[\"s\"]}",
	    "{\"kind\":\"content\",\"title\":\"t\",\"html\":\"\"}",
	};
	for (size_t i = 0; i < sizeof bad_json / sizeof *bad_json; i++) {
		json_t *j = json_loads(bad_json[i], 0, NULL);
		assert_non_null(j);
		slide_t s;
		memset(&s, 0x55, sizeof s);
		int rc = slide_from_json(j, &s);
		if (rc != UV_EINVAL)
			print_error("accepted: %s\n", bad_json[i]);
		assert_int_equal(rc, UV_EINVAL);
		assert_null(s.title);
		assert_null(s.items);
		slide_clear(&s); /* harmless on a zeroed slide */
		json_decref(j);
	}
	/* html may be left out: it is rendered from md. */
	json_t *j = json_loads("{\"kind\":\"content\",\"title\":\"\",\"md\":\"*x*\"}", 0, NULL);
	slide_t s;
	assert_int_equal(slide_from_json(j, &s), 0);
	assert_string_equal(s.body_html, "<p><em>x</em></p>\n");
	slide_clear(&s);
	json_decref(j);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	buf_t b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return buf_steal(&b);
}

static void parses_the_demo_deck(void **state)
{
	(void)state;
	size_t len = 0;
	char *src = read_file("examples/samenleven-in-diversiteit.md", &len);
	if (!src)
		fail_msg("examples/samenleven-in-diversiteit.md not found: run from the repo root");
	deck_t *d = NULL;
	char err[256] = "";
	int rc = deck_parse(src, len, &d, err, sizeof err);
	if (rc)
		fail_msg("demo deck: %s", err);
	assert_string_equal(d->title, "Samenleven in diversiteit");
	assert_string_equal(d->subtitle, "Werkconferentie 16 en 26 oktober 2020");
	assert_string_equal(d->lang, "nl");
	assert_int_equal(d->n_dates, 2);
	assert_string_equal(d->dates[0], "2020-10-16");
	assert_string_equal(d->dates[1], "2020-10-26");
	static const char *const questions[] = {
	    "Beschrijf jouw ideale diverse Amersfoortse samenleving",
	    "Waar moeten we volgens jou als eerste aan werken?",
	    "Hoe kunnen we ervoor zorgen dat de aandacht voor dit thema permanent is, juist ook "
	    "bij professionals bij wie het thema minder leeft?",
	};
	size_t nq = 0;
	for (size_t i = 0; i < d->n_slides; i++) {
		const slide_t *s = &d->slides[i];
		if (!slide_is_question(s))
			continue;
		assert_int_equal(s->kind, SLIDE_OPEN);
		assert_true(nq < 3);
		assert_string_equal(s->title, questions[nq]);
		assert_int_equal(s->max_length, 400);
		nq++;
	}
	assert_int_equal(nq, 3);
	assert_string_equal(d->slides[0].title, "Samen aan de slag voor een inclusieve stad");
	assert_string_equal(d->slides[d->n_slides - 1].title, "Bedankt!");
	deck_free(d);
	free(src);
}

/* The same mistakes with the messages in Dutch, for the workspace. */
/* Issue 12: every question takes a countdown; it survives the store. */
static void takes_a_timer_on_every_question(void **state)
{
	(void)state;
	const char *kinds[] = {"open",       "cloud",          "choice\n- a\n- b",
	                       "scale\n- a", "rank\n- a\n- b", "qa"};
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		char src[256];
		const char *nl = strchr(kinds[i], '\n');
		int head = nl ? (int)(nl - kinds[i]) : (int)strlen(kinds[i]);
		snprintf(src, sizeof src, FRONT "? %.*s: Vraag\ntimer: 60%s\n", head, kinds[i],
		         nl ? nl : "");
		deck_t *d = parse_ok(src);
		assert_int_equal(d->slides[0].timer, 60);
		json_t *j = slide_to_json(&d->slides[0], true);
		assert_int_equal(json_integer_value(json_object_get(j, "timer")), 60);
		slide_t back;
		assert_int_equal(slide_from_json(j, &back), 0);
		assert_int_equal(back.timer, 60);
		slide_clear(&back);
		json_decref(j);
		deck_free(d);
	}
	deck_t *d = parse_ok(FRONT "? open: Zonder klok\n");
	assert_int_equal(d->slides[0].timer, 0);
	json_t *j = slide_to_json(&d->slides[0], false);
	assert_null(json_object_get(j, "timer"));
	json_decref(j);
	deck_free(d);
	bad(FRONT "? open: Vraag\ntimer: 4\n",
	    "line 5: timer 4 is out of range (expected 5 to 3600)");
	bad(FRONT "? open: Vraag\ntimer: 3601\n", "line 5: timer 3601 is out of range");
	bad(FRONT "? open: Vraag\ntimer: een minuut\n",
	    "line 5: timer 'een minuut' is not a whole");
	bad(FRONT "? open: Vraag\ntimer: 60\ntimer: 30\n", "line 6: 'timer' appears twice");
}

/* Issue 12: reactions are off unless the front matter turns them on. */
static void reads_reactions_from_the_front_matter(void **state)
{
	(void)state;
	deck_t *d = parse_ok(FRONT "# Hallo\n");
	assert_false(d->reactions);
	deck_free(d);
	d = parse_ok("---\ntitle: T\nreactions: on\n---\n# Hallo\n");
	assert_true(d->reactions);
	deck_free(d);
	d = parse_ok("---\ntitle: T\nreactions: off\n---\n# Hallo\n");
	assert_false(d->reactions);
	deck_free(d);
	bad("---\ntitle: T\nreactions: ja\n---\n# Hallo\n",
	    "line 3: reactions is 'ja' (expected on or off)");
	bad("---\ntitle: T\nreactions: on\nreactions: on\n---\n# Hallo\n",
	    "line 4: 'reactions' appears twice");
}

static void says_it_in_dutch(void **state)
{
	(void)state;
	static const struct {
		const char *src, *nl;
	} cases[] = {
	    {"---\ntitle: X\n---\n? opne: hoi\n",
	     "regel 4: onbekende vraagsoort 'opne' (verwacht: open, cloud, choice, scale, rank "
	     "of qa)"},
	    {"---\ntitle: X\n---\n? choice: Kies\n- een\n",
	     "regel 4: te weinig opties voor een "
	     "choice-vraag: 1 (verwacht: 2 tot en met 20 regels '- optie')"},
	    {"---\ntitle: X\n---\n? scale: Eens?\n- a\n- A\n",
	     "regel 6: stelling 'A' staat er twee keer (verwacht: verschillende stellingen)"},
	    {"---\ntitle: X\n---\n? open: Wat?\nanswers: 99\n",
	     "regel 5: answers 99 valt buiten het bereik (verwacht: 1 tot en met 50)"},
	    {"---\ntitle: X\n---\n? open: Wat?\nentries: 3\n",
	     "regel 5: onbekende instelling "
	     "'entries' voor een open-vraag (verwacht: max-length, answers, results of "
	     "moderation)"},
	    {"---\ntitle:\n---\n# A\n", "regel 2: de titel is leeg (verwacht: tekst na 'title:')"},
	    {"---\ntitle: X\n---\n# A\n---\n---\n# B\n",
	     "regel 6: lege dia (verwacht: inhoud tussen deze '---' en de vorige)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		deck_t *d = NULL;
		char err[256] = "";
		assert_int_equal(
		    deck_parse_lang(cases[i].src, strlen(cases[i].src), "nl", &d, err, sizeof err),
		    UV_EINVAL);
		assert_null(d);
		assert_string_equal(err, cases[i].nl);
		/* English for anything else, as deck_parse says it */
		char en[256] = "", plain[256] = "";
		deck_parse_lang(cases[i].src, strlen(cases[i].src), "fr", &d, en, sizeof en);
		deck_parse(cases[i].src, strlen(cases[i].src), &d, plain, sizeof plain);
		assert_string_equal(en, plain);
		assert_true(strncmp(en, "line ", 5) == 0);
	}
}

/* Speaker notes (issue 13): after "???" or on a last line "notes: …", on
 * any kind of slide; kept in the source JSON, never in what the stage and
 * phones receive. */
static void reads_speaker_notes(void **state)
{
	(void)state;
	deck_t *d = parse_ok("---\ntitle: T\n---\n# Welkom\n\nTekst\n\n???\nZeg eerst *hallo*.\n\n"
	                     "Dan de zaal.\n---\n? open: Wat vindt u?\nmax-length: 100\n"
	                     "notes: Lees de vraag voor\n---\n# Zonder\n");
	assert_int_equal(d->n_slides, 3);
	assert_string_equal(d->slides[0].notes, "Zeg eerst *hallo*.\n\nDan de zaal.");
	assert_string_equal(d->slides[0].body_md, "# Welkom\n\nTekst\n");
	assert_string_equal(d->slides[1].notes, "Lees de vraag voor");
	assert_int_equal(d->slides[1].max_length, 100);
	assert_string_equal(d->slides[2].notes, "");
	json_t *pub = slide_to_json(&d->slides[0], false);
	assert_null(json_object_get(pub, "notes"));
	json_decref(pub);
	json_t *src = slide_to_json(&d->slides[0], true);
	assert_string_equal(json_string_value(json_object_get(src, "notes")), d->slides[0].notes);
	slide_t back;
	assert_int_equal(slide_from_json(src, &back), 0);
	assert_string_equal(back.notes, d->slides[0].notes);
	slide_clear(&back);
	json_decref(src);
	src = slide_to_json(&d->slides[2], true);
	assert_null(json_object_get(src, "notes"));
	json_decref(src);
	deck_free(d);
	bad("---\ntitle: T\n---\n# A\n---\n???\nalleen notities\n",
	    "line 6: the slide has only speaker notes");
	char big[DECK_NOTES_MAX + 64];
	memset(big, 'x', sizeof big);
	char src2[sizeof big + 64];
	snprintf(src2, sizeof src2, "---\ntitle: T\n---\n# A\n???\n%.*s\n", (int)sizeof big - 1,
	         big);
	bad(src2, "line 5: the speaker notes are 5063 characters (expected at most 5000)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parses_every_type_and_setting),
	    cmocka_unit_test(fills_in_defaults),
	    cmocka_unit_test(takes_titles_from_headings),
	    cmocka_unit_test(reads_website_slides),
	    cmocka_unit_test(renders_safe_html),
	    cmocka_unit_test(reads_descriptions_lists_and_line_ends),
	    cmocka_unit_test(normalises_text),
	    cmocka_unit_test(accepts_bounds),
	    cmocka_unit_test(rejects_front_matter_errors),
	    cmocka_unit_test(rejects_slide_structure_errors),
	    cmocka_unit_test(rejects_question_errors),
	    cmocka_unit_test(rejects_option_errors),
	    cmocka_unit_test(rejects_long_titles),
	    cmocka_unit_test(rejects_bad_bytes),
	    cmocka_unit_test(rejects_oversized_decks),
	    cmocka_unit_test(names_kinds),
	    cmocka_unit_test(round_trips_through_json),
	    cmocka_unit_test(rejects_json_out_of_bounds),
	    cmocka_unit_test(parses_the_demo_deck),
	    cmocka_unit_test(says_it_in_dutch),
	    cmocka_unit_test(takes_a_timer_on_every_question),
	    cmocka_unit_test(reads_reactions_from_the_front_matter),
	    cmocka_unit_test(kind_table_is_complete),
	    cmocka_unit_test(reads_speaker_notes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
