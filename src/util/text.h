/*
 * text: UTF-8 checks and folding, the Unicode rules every module shares.
 *
 * All text that enters inspraak from outside passes text_valid() before it
 * is stored; text_fold() gives the key under which word-cloud entries (and
 * later, themes) are counted, so that "Café", "cafe" and "CAFÉ" in either
 * Unicode normal form count as one.
 */
#ifndef INSPRAAK_TEXT_H
#define INSPRAAK_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* True if s[0..n) is well-formed UTF-8 without NUL bytes and without
 * control characters other than tab, newline and carriage return. */
bool text_valid(const char *s, size_t n);
/* Number of code points in well-formed UTF-8. */
size_t text_length(const char *s, size_t n);
/* Folding key: NFKC, case folded, accents stripped, inner whitespace runs
 * collapsed to one space, ends trimmed. Returns a malloc'd string the
 * caller frees, or NULL when s is not valid UTF-8. */
char *text_fold(const char *s, size_t n);
/* True when s[0..n) (valid UTF-8) holds at least one character a reader
 * can see: not whitespace, not a control or format character (zero-width
 * space and joiners, bidi controls, soft hyphen), not a default-ignorable
 * or blank-looking filler (Hangul fillers, blank Braille), not a
 * combining mark without a base, not unassigned. */
bool text_visible(const char *s, size_t n);
/* A malloc'd copy of s with ends trimmed and, when multiline is false, every
 * run of whitespace (including newlines) collapsed to one space; with
 * multiline true, carriage returns are dropped and lines kept. NFC-normalised.
 * The bidi embedding, override and isolate controls (U+202A-U+202E,
 * U+2066-U+2069) are dropped: stored text cannot turn "bestand" U+202E
 * "gnp.exe" into "bestandexe.png" wherever it is shown (issue 11).
 * Returns NULL when s is not valid UTF-8. */
char *text_clean(const char *s, size_t n, bool multiline);

#endif
