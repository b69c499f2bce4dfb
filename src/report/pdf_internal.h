/*
 * report/pdf_internal.h: what the files of the PDF renderer share (pdf.c:
 * the drawing primitives, the contents and the document; pdf_slides.c: the
 * cover and the content slides; pdf_overview.c: a page per question, its
 * key figures and chart; pdf_appendix.c: every answer on cards and the
 * themes; pdf_website.c: a page per topic of the website). Nobody outside
 * them includes it. The drawing state is one pdf_t, passed to everything.
 */
#ifndef INSPRAAK_REPORT_PDF_INTERNAL_H
#define INSPRAAK_REPORT_PDF_INTERNAL_H

#include <cairo-pdf.h>
#include <cmark.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <string.h>

#include "report/image.h"
#include "report/internal.h"
#include "util/xalloc.h"

#define FONT "Noto Sans, DejaVu Sans"

enum { COLUMNS = 3 };
static const double PAGE_W = 841.89, PAGE_H = 595.28, MARGIN = 42, TOP = 74, BOTTOM = 46;
static const double GAP = 12, PAD = 9, CARD_SIZE = 10.5;

typedef struct rgb {
	double r, g, b;
} rgb_t;

static const rgb_t REACTION = {0.54, 0.29, 0.03}; /* the municipality's word */
static const rgb_t INK = {0.11, 0.15, 0.2}, MUTED = {0.38, 0.45, 0.52},
                   BRAND = {0.043, 0.31, 0.424}, CARD = {0.93, 0.957, 0.973},
                   RULE = {0.82, 0.86, 0.9};

typedef struct pdf {
	report_job_t *j;
	report_t *r;
	cairo_surface_t *surf;
	cairo_t *cr;
	PangoLayout *lay; /* reused for every piece of text: shaping state is kept */
	int page;
	int pages;      /* of the whole document, counted before drawing */
	bool drawing;   /* false while counting the pages */
	int64_t *until; /* per question: the last answer id the count read */
	bool open;      /* a page has been started and not shown yet */
	const char *section;
	const char *heading_prefix; /* "Thema's" on a question's themes pages */
	bool no_counts;             /* the overview's heading: its table has the counts */
	/* Where the parts start (1-based pages, 0: not in the document), found
	 * while counting and printed in the contents: */
	int toc_pages, at_summary, at_overview, at_website, at_presentation, at_appendix;
	int *q_overview, *q_appendix; /* per question */
	/* The event's website (report_website; NULL when it has none), read
	 * once for both passes, and each question's counts per session, kept
	 * from its overview page for the website's counts per channel. */
	json_t *site;
	report_counts_t *qc;
	/* The alternative text of each Figure tag, in the order drawn, for
	 * pdf_tags.c to put in the structure tree; owned. */
	char **alts;
	size_t n_alts;
} pdf_t;

/* The report's word for key (report.c) in the report's language; needs p. */
#define W(key) report_word(p->r->lang, key)

/* Small on purpose: a question of 100,000 answers has as many cards. */
typedef struct card {
	const char *text;
	double h;      /* measured height */
	int64_t votes; /* Q&A: votes, shown below with the answered mark */
	bool qa, answered;
	bool wide; /* spans all columns */
} card_t;

/*
 * How each kind is drawn. Open and Q&A questions have cards (answers that
 * may run over pages in the appendix, so the first pass counts pages and
 * fixes the answers it saw) and an overview of their own (themes, the
 * most supported questions); the other kinds have a chart on their
 * overview page, a Figure whose alternative text alt writes, and maybe a
 * list beside it (the counts of a word cloud).
 */
typedef struct pdf_kind {
	size_t (*cards)(const pdf_t *p, const report_question_t *q, card_t *cards);
	void (*overview)(pdf_t *p, const report_question_t *q, double y, double bottom);
	void (*chart)(pdf_t *p, const report_question_t *q, double y);
	void (*alt)(const pdf_t *p, const report_question_t *q, buf_t *b);
	void (*beside)(pdf_t *p, const report_question_t *q, double y, double bottom);
} pdf_kind_t;

/* ---- pdf.c: drawing, tags and pages ---- */

void pdf__color(cairo_t *cr, rgb_t c);
void pdf__tag(pdf_t *p, const char *name);
void pdf__untag(pdf_t *p, const char *name);
void pdf__figure(pdf_t *p, const char *alt);
double pdf__set(pdf_t *p, const char *text, bool markup, double size, bool bold, double width);
double pdf__set_height(pdf_t *p);
double pdf__set_width(pdf_t *p);
void pdf__show(pdf_t *p, double x, double y, rgb_t c);
double pdf__text(pdf_t *p, const char *s, double x, double y, double size, bool bold, double width,
                 rgb_t c);
void pdf__new_page(pdf_t *p, bool header);
const char *pdf__jstr(const json_t *o, const char *k);
void pdf__text_right(pdf_t *p, const char *s, double right, double y, double size, bool bold,
                     rgb_t c);

/* ---- pdf_slides.c: the cover, the summary and the content slides ---- */

void pdf__put_esc(buf_t *b, const char *s);
void pdf__divider(pdf_t *p, const char *name);
void pdf__cover(pdf_t *p);
void pdf__summary(pdf_t *p);
void pdf__content_slide(pdf_t *p, const slide_t *s);

/* ---- pdf_overview.c: a page per question ---- */

const pdf_kind_t *pdf__kind(const slide_t *s);
int pdf__overview_page(pdf_t *p, size_t slide, size_t k);

/* ---- pdf_appendix.c: question headings, cards and themes ---- */

double pdf__q_heading(pdf_t *p, const report_question_t *q, int part, int parts, bool draw);
size_t pdf__cards_open(const pdf_t *p, const report_question_t *q, card_t *cards);
size_t pdf__cards_qa(const pdf_t *p, const report_question_t *q, card_t *cards);
bool pdf__is_cards_kind(const slide_t *s);
int pdf__load_question(pdf_t *p, size_t slide, size_t k, report_question_t *q);
int pdf__appendix_question(pdf_t *p, size_t slide, size_t k, int *pages);

/* ---- pdf_website.c: a page per topic of the website (issue 14) ---- */

json_t *pdf__site_topics(const pdf_t *p);
void pdf__website_page(pdf_t *p, const json_t *t);

#endif
