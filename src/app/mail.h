/*
 * mail: e-mail to residents over SMTP (libcurl), off the loop thread.
 *
 * Invariants:
 *  1. Nothing on the loop waits for the mail server: mail_send copies the
 *     message into a bounded queue (MAIL_QUEUE_MAX) that one thread of the
 *     module's own drains; a full queue answers UV_EAGAIN at once.
 *  2. Every message that mail_send accepted gets its done callback on the
 *     loop thread exactly once: 0 when the server took it, a negative code
 *     when it did not after one retry, UV_ECANCELED when the server stops
 *     first. A call that fails never calls done.
 *  3. No header can be injected: addresses pass mail_address_ok, a subject
 *     or extra header with CR or LF in the wrong place is refused, and
 *     the body travels quoted-printable, so no line of it reaches the
 *     SMTP conversation as it was written.
 *
 * Without mail_configure (no --smtp-url) mail_send answers UV_ENOSYS and
 * the features that need mail say so.
 */
#ifndef INSPRAAK_MAIL_H
#define INSPRAAK_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "util/buf.h"

enum {
	MAIL_ADDRESS_MAX = 254, /* RFC 5321's path limit, less the brackets */
	MAIL_QUEUE_MAX = 256,   /* messages waiting for the sending thread */
	MAIL_SUBJECT_MAX = 998,
	MAIL_BODY_MAX = 1 << 20,
};

/* Whether addr is a plausible e-mail address (bounded 254 bytes, one @, no spaces/controls/CR/LF,
 * a dot in the domain). Also refused: bytes outside ASCII (no SMTPUTF8
 * is asked of the server) and the characters that delimit an address in a
 * header or an SMTP command (<>()[],;:\"). */
bool mail_address_ok(const char *addr);
/* Configure sending: smtp_url "smtp://HOST:PORT" (or smtps://), from an address. 0 or UV_EINVAL
 * with a reason in err. Not configured: mail_send answers UV_ENOSYS. */
int mail_configure(app_t *a, const char *smtp_url, const char *from, char *err, size_t errlen);
bool mail_enabled(const app_t *a);
/* Queue one UTF-8 plain-text message (may carry a text/html alternative: pass NULL if none). Sent
 * off the loop thread with libcurl, one retry with backoff on a transient failure; done (may be
 * NULL) runs on the loop thread with 0 or a negative code. Returns 0, UV_EINVAL (bad address,
 * header injection), UV_ENOSYS (no SMTP) or UV_EAGAIN (queue full). Strings are copied. */
int mail_send(app_t *a, const char *to, const char *subject, const char *text, const char *html,
              void (*done)(void *arg, int status), void *arg);
/* mail_send with extra header lines, "Name: value" each ended by "\r\n"
 * (List-Unsubscribe and the like); NULL for none. UV_EINVAL when a line
 * is not of that form or holds a bare CR or LF. */
int mail_send_headers(app_t *a, const char *to, const char *subject, const char *headers,
                      const char *text, const char *html, void (*done)(void *arg, int status),
                      void *arg);

/* The local hour (0-23) of the website's daily digest (login_mail.c);
 * 7 unless set. */
void login_mail_set_hour(app_t *a, int hour);

/* ---- used by app (routes.c) ---- */

/* Cancels what waits in the queue (done gets UV_ECANCELED) and aborts the
 * message being sent; the thread ends once its last done has run. */
void mail_stop(app_t *a);
/* True while some done has not yet run on the loop. */
bool mail_busy(const app_t *a);
/* Joins the thread and frees the module; after mail_busy is false. */
void mail_free(app_t *a);

/* ---- the message itself (no network; for the unit tests) ---- */

typedef struct mail_msg {
	const char *from, *to, *subject;
	const char *headers; /* extra header lines, each ending in CRLF; may be NULL */
	const char *text;    /* plain text, UTF-8, lines ended by LF or CRLF */
	const char *html;    /* NULL: no text/html alternative */
	int64_t date_ms;     /* wall-clock time for the Date header */
	const char *id;      /* the unique part of Message-ID and the MIME boundary */
} mail_msg_t;

/* Appends the whole message (headers, blank line, body) with CRLF line
 * ends: the subject RFC 2047-encoded when it is not ASCII, the bodies
 * quoted-printable (no line longer than 76, a leading dot encoded). Returns
 * 0 or UV_EINVAL (a bad address, a subject or header with a line break,
 * text that is not UTF-8); out is unchanged then. */
int mail_compose(buf_t *out, const mail_msg_t *m);
/* Appends s[0..n) quoted-printable: CRLF line ends, soft breaks at 76. */
void mail_qp(buf_t *out, const char *s, size_t n);
/* Appends "Subject: ..." (the header, folded, with its CRLF). */
void mail_subject(buf_t *out, const char *subject);

#endif
