/*
 * html: writing HTML into a buf_t so that text is escaped unless the code
 * says, by the name of the function it calls, that it is not.
 *
 * Invariant: of the functions here, only html_raw_trusted copies a string
 * into the page as it is. Everything else escapes & < > " and ' in what it
 * is given: text between tags (html_text), attribute values (html_attr)
 * and every %s or %c argument of html_printf, whose format is the page's
 * own markup. So a participant's answer, a deck's title or a translation
 * can never open a tag or leave an attribute, whichever function it goes
 * through, and a review for injection needs to read only the calls of
 * html_raw_trusted.
 *
 * The escaping is buf_html's: the same bytes the pages had before the
 * writer existed (the tests pin them).
 */
#ifndef INSPRAAK_HTML_H
#define INSPRAAK_HTML_H

#include <stdarg.h>

#include "util/buf.h"

/* Text between tags, escaped. */
void html_text(buf_t *b, const char *s);
/* An attribute's value, escaped; the caller's markup holds the quotes
 * around it ("<a href=\"" ... "\">"). */
void html_attr(buf_t *b, const char *s);
/*
 * Markup: fmt is HTML written by the program (a string literal), and its
 * conversions put in the arguments: numbers as printf does (%d %i %u %x %f
 * %g with the l, ll and z sizes, width and precision), strings and
 * characters (%s %c) escaped. * widths and %n are not supported (an
 * assertion). Use it for every tag, so that no argument can slip in
 * unescaped.
 */
void html_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void html_vprintf(buf_t *b, const char *fmt, va_list ap);
/* HTML that is safe by construction elsewhere, copied as it is: the slides'
 * HTML that cmark rendered without raw HTML when the deck was parsed, or a
 * fragment built with the functions above. Each call is a claim that s
 * holds no text from outside that was not escaped; keep them few. */
void html_raw_trusted(buf_t *b, const char *s);
/* A malloc'd, escaped copy of s (for templates filled by value). */
char *html_escape_dup(const char *s);

#endif
