/*
 * mail: composes messages on the loop and sends them over SMTP with
 * libcurl on a thread of its own (mail.h has the invariants).
 *
 * Why a thread of its own and not libuv's pool: a mail server may take
 * seconds to answer (or a minute to time out), and the pool's four
 * threads also hash passwords and write the workspace; a slow mail server
 * must not hold those up. One thread is plenty: a process sends a few
 * messages a minute, and one at a time keeps a server's rate limits happy.
 *
 * A message's life: mail_send (loop) composes it and appends it to
 * m->head; the thread takes it, sends it (send_once, and once more after
 * a pause when the failure looks transient), appends it to m->finished and
 * wakes the loop through m->async; on_async (loop) runs its done and frees
 * it. mail_stop moves what still waits to m->finished with UV_ECANCELED.
 */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/internal.h"
#include "app/mail.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/text.h"
#include "util/xalloc.h"

typedef struct mail_job {
	struct mail_job *next;
	char *to;   /* "<addr>" for RCPT TO */
	char *body; /* the whole message, CRLF line ends */
	size_t len, off;
	void (*done)(void *arg, int status);
	void *arg;
	int status;
} mail_job_t;

struct mail {
	app_t *app;
	char url[512];
	char from[MAIL_ADDRESS_MAX + 3]; /* "<addr>" */
	char addr[MAIL_ADDRESS_MAX + 1];
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* under mu: waiting to be sent, and sent (or not) waiting for the loop */
	mail_job_t *head, *tail, *finished;
	size_t queued;
	atomic_bool stopping;
	/* loop thread only: accepted by mail_send, done not yet run */
	size_t outstanding;
	uv_async_t async;
	bool closing;
};

/* The pause before the one retry, in ms; a test may shorten it through
 * INSPRAAK_MAIL_RETRY_MS. */
static long retry_ms(void)
{
	const char *e = getenv("INSPRAAK_MAIL_RETRY_MS");
	long v = e ? strtol(e, NULL, 10) : 0;
	return v > 0 && v < 600000 ? v : 3000;
}

/* ---- the address and the message ---- */

bool mail_address_ok(const char *addr)
{
	if (!addr)
		return false;
	size_t n = strnlen(addr, MAIL_ADDRESS_MAX + 1);
	if (n == 0 || n > MAIL_ADDRESS_MAX)
		return false;
	const char *at = NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)addr[i];
		if (c <= ' ' || c >= 0x7f || strchr("<>()[],;:\\\"", c))
			return false;
		if (c == '@') {
			if (at)
				return false;
			at = addr + i;
		}
	}
	if (!at || at == addr || at - addr > 64)
		return false;
	const char *dom = at + 1, *end = addr + n;
	const char *dot = memchr(dom, '.', (size_t)(end - dom));
	/* a dot inside the domain, not at its ends, and no empty label */
	if (!dot || dom[0] == '.' || end[-1] == '.' || memmem(dom, (size_t)(end - dom), "..", 2))
		return false;
	return true;
}

static const char HEX[] = "0123456789ABCDEF";

static bool line_end(const char *s, size_t n, size_t i)
{
	return i >= n || s[i] == '\n' || (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n');
}

void mail_qp(buf_t *out, const char *s, size_t n)
{
	size_t col = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
			continue; /* the LF that follows makes the break */
		if (c == '\n') {
			buf_puts(out, "\r\n");
			col = 0;
			continue;
		}
		/* Literal: printable ASCII but '=', and a space or tab that does
		 * not end its line (trailing white space may be stripped on the
		 * way). A dot that starts a line is encoded too: SMTP's
		 * end-of-data marker then cannot appear whatever the relay does. */
		bool lit = (c > ' ' && c < 0x7f && c != '=') ||
		           ((c == ' ' || c == '\t') && !line_end(s, n, i + 1));
		if (c == '.' && col == 0)
			lit = false;
		size_t w = lit ? 1 : 3;
		/* a soft break keeps every line within 76 with its '=' */
		if (col + w > 75) {
			buf_puts(out, "=\r\n");
			col = 0;
			if (c == '.')
				lit = false, w = 3;
		}
		if (lit) {
			buf_putc(out, (char)c);
		} else {
			buf_putc(out, '=');
			buf_putc(out, HEX[c >> 4]);
			buf_putc(out, HEX[c & 15]);
		}
		col += w;
	}
}

void mail_subject(buf_t *out, const char *subject)
{
	size_t n = strlen(subject);
	bool ascii = true;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)subject[i] < ' ' || (unsigned char)subject[i] >= 0x7f)
			ascii = false;
	/* "=?" inside plain text would be read as the start of an encoded
	 * word: such a subject is encoded as well */
	if (ascii && !strstr(subject, "=?")) {
		buf_printf(out, "Subject: %s\r\n", subject);
		return;
	}
	/* RFC 2047 encoded words of at most 75 characters: 45 bytes give 60
	 * of base64 plus the 12 of "=?UTF-8?B?" and "?=". A word never splits
	 * a character: each must decode to whole UTF-8 on its own. */
	buf_puts(out, "Subject:");
	size_t i = 0;
	while (i < n) {
		size_t k = n - i > 45 ? 45 : n - i;
		while (i + k < n && k > 0 && ((unsigned char)subject[i + k] & 0xc0) == 0x80)
			k--;
		char b64[64];
		sodium_bin2base64(b64, sizeof b64, (const unsigned char *)subject + i, k,
		                  sodium_base64_VARIANT_ORIGINAL);
		buf_printf(out, "%s=?UTF-8?B?%s?=", i ? "\r\n " : " ", b64);
		i += k;
	}
	buf_puts(out, "\r\n");
}

/* "Name: value\r\n" lines, nothing else: no bare CR or LF, a name of
 * printable ASCII without ':'. */
static bool headers_ok(const char *h)
{
	if (!h)
		return true;
	while (*h) {
		const char *colon = h;
		while (*colon > ' ' && *colon < 0x7f && *colon != ':')
			colon++;
		if (colon == h || *colon != ':')
			return false;
		const char *eol = strstr(colon, "\r\n");
		if (!eol)
			return false;
		for (const char *p = colon; p < eol; p++)
			if (*p == '\r' || *p == '\n' || *p == '\0')
				return false;
		h = eol + 2;
	}
	return true;
}

static void date_header(buf_t *out, int64_t ms)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday],
	           tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	           tm.tm_sec);
}

static void part(buf_t *out, const char *type, const char *s)
{
	buf_printf(out,
	           "Content-Type: %s; charset=utf-8\r\n"
	           "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
	           type);
	mail_qp(out, s, strlen(s));
	buf_puts(out, "\r\n");
}

int mail_compose(buf_t *out, const mail_msg_t *m)
{
	if (!mail_address_ok(m->from) || !mail_address_ok(m->to) || !m->subject || !m->text ||
	    !m->id)
		return UV_EINVAL;
	size_t sl = strlen(m->subject), tl = strlen(m->text), hl = m->html ? strlen(m->html) : 0;
	if (sl > MAIL_SUBJECT_MAX || strpbrk(m->subject, "\r\n") || !text_valid(m->subject, sl) ||
	    tl > MAIL_BODY_MAX || !text_valid(m->text, tl) || hl > MAIL_BODY_MAX ||
	    (m->html && !text_valid(m->html, hl)) || !headers_ok(m->headers))
		return UV_EINVAL;
	for (const char *p = m->id; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z')))
			return UV_EINVAL;
	const char *domain = strchr(m->from, '@') + 1;
	date_header(out, m->date_ms);
	buf_printf(out, "From: %s\r\nTo: %s\r\n", m->from, m->to);
	mail_subject(out, m->subject);
	buf_printf(out, "Message-ID: <%s@%s>\r\nMIME-Version: 1.0\r\n", m->id, domain);
	if (m->headers)
		buf_puts(out, m->headers);
	if (!m->html) {
		part(out, "text/plain", m->text);
		return 0;
	}
	/* the boundary holds "=_", which quoted-printable never writes */
	buf_printf(out,
	           "Content-Type: multipart/alternative; boundary=\"=_%s\"\r\n\r\n"
	           "--=_%s\r\n",
	           m->id, m->id);
	part(out, "text/plain", m->text);
	buf_printf(out, "--=_%s\r\n", m->id);
	part(out, "text/html", m->html);
	buf_printf(out, "--=_%s--\r\n", m->id);
	return 0;
}

/* ---- the sending thread ---- */

static size_t on_read(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	mail_job_t *j = userdata;
	size_t room = size * nmemb, left = j->len - j->off;
	size_t n = left < room ? left : room;
	memcpy(ptr, j->body + j->off, n);
	j->off += n;
	return n;
}

static int on_progress(void *p, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct mail *m = p;
	return atomic_load(&m->stopping) ? 1 : 0;
}

/* One attempt. Returns 0 or a negative code; *transient says whether
 * another attempt may go better (no connection, a time-out, a 4xx reply). */
static int send_once(struct mail *m, mail_job_t *j, bool *transient)
{
	*transient = false;
	CURL *c = curl_easy_init();
	if (!c)
		return UV_ENOMEM;
	struct curl_slist *rcpt = curl_slist_append(NULL, j->to);
	j->off = 0;
	curl_easy_setopt(c, CURLOPT_URL, m->url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, m->from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(c, CURLOPT_READDATA, j);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, m);
	CURLcode res = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	if (res == CURLE_OK)
		return 0;
	/* the recipient's address stays out of the log */
	log_warn("mail: not sent: %s (SMTP reply %ld)", curl_easy_strerror(res), code);
	switch (res) {
	case CURLE_ABORTED_BY_CALLBACK: return UV_ECANCELED;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT: *transient = true; return UV_ECONNREFUSED;
	case CURLE_OPERATION_TIMEDOUT: *transient = true; return UV_ETIMEDOUT;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING: *transient = true; return UV_EIO;
	default: *transient = code >= 400 && code < 500; return UV_EIO;
	}
}

/* Waits ms unless the server stops first; under m->mu. */
static void pause_ms(struct mail *m, long ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	while (!atomic_load(&m->stopping))
		if (pthread_cond_timedwait(&m->cv, &m->mu, &ts) == ETIMEDOUT)
			break;
}

static void finish(struct mail *m, mail_job_t *j, int status)
{
	j->status = status;
	j->next = m->finished;
	m->finished = j;
}

static void *mail_thread(void *arg)
{
	struct mail *m = arg;
	pthread_mutex_lock(&m->mu);
	for (;;) {
		while (!m->head && !atomic_load(&m->stopping))
			pthread_cond_wait(&m->cv, &m->mu);
		if (atomic_load(&m->stopping)) {
			while (m->head) {
				mail_job_t *j = m->head;
				m->head = j->next;
				finish(m, j, UV_ECANCELED);
			}
			m->tail = NULL;
			bool moved = m->queued > 0;
			m->queued = 0;
			pthread_mutex_unlock(&m->mu);
			/* Nothing moved: nothing is outstanding, and mail_stop may
			 * have closed the handle already. */
			if (moved)
				uv_async_send(&m->async);
			return NULL;
		}
		mail_job_t *j = m->head;
		m->head = j->next;
		if (!m->head)
			m->tail = NULL;
		m->queued--;
		pthread_mutex_unlock(&m->mu);
		bool transient;
		int rc = send_once(m, j, &transient);
		if (rc < 0 && transient && !atomic_load(&m->stopping)) {
			pthread_mutex_lock(&m->mu);
			pause_ms(m, retry_ms() + (long)randombytes_uniform(1000));
			pthread_mutex_unlock(&m->mu);
			if (!atomic_load(&m->stopping))
				rc = send_once(m, j, &transient);
		}
		metrics_inc(rc == 0 ? METRIC_MAIL_SENT : METRIC_MAIL_FAILED);
		pthread_mutex_lock(&m->mu);
		finish(m, j, rc);
		pthread_mutex_unlock(&m->mu);
		uv_async_send(&m->async);
		pthread_mutex_lock(&m->mu);
	}
}

/* ---- on the loop ---- */

static void job_free(mail_job_t *j)
{
	free(j->to);
	free(j->body);
	free(j);
}

static void on_async(uv_async_t *h)
{
	struct mail *m = h->data;
	pthread_mutex_lock(&m->mu);
	mail_job_t *list = m->finished;
	m->finished = NULL;
	pthread_mutex_unlock(&m->mu);
	/* the list is newest first: run the dones in the order sent */
	mail_job_t *rev = NULL;
	while (list) {
		mail_job_t *next = list->next;
		list->next = rev;
		rev = list;
		list = next;
	}
	while (rev) {
		mail_job_t *j = rev;
		rev = j->next;
		if (j->done)
			j->done(j->arg, j->status);
		m->outstanding--;
		job_free(j);
	}
	if (atomic_load(&m->stopping) && m->outstanding == 0 && !m->closing) {
		m->closing = true;
		uv_close((uv_handle_t *)&m->async, NULL);
	}
}

/* m is freed only once the loop is done with its handle */
static void on_failed_close(uv_handle_t *h)
{
	struct mail *m = h->data;
	pthread_mutex_destroy(&m->mu);
	pthread_cond_destroy(&m->cv);
	free(m);
}

int mail_configure(app_t *a, const char *smtp_url, const char *from, char *err, size_t errlen)
{
	if (a->mail) {
		snprintf(err, errlen, "mail is configured already");
		return UV_EINVAL;
	}
	bool tls = strncmp(smtp_url, "smtps://", 8) == 0;
	if ((!tls && strncmp(smtp_url, "smtp://", 7) != 0) || !smtp_url[tls ? 8 : 7] ||
	    strlen(smtp_url) >= sizeof a->mail->url || strpbrk(smtp_url, " \t\r\n")) {
		snprintf(err, errlen, "--smtp-url wants smtp://HOST:PORT or smtps://HOST:PORT");
		return UV_EINVAL;
	}
	if (!mail_address_ok(from)) {
		snprintf(err, errlen,
		         "--mail-from wants an e-mail address such as inspraak@example.org");
		return UV_EINVAL;
	}
	static bool curl_ready;
	if (!curl_ready && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "libcurl could not start");
		return UV_EINVAL;
	}
	curl_ready = true;
	struct mail *m = xcalloc(1, sizeof *m);
	m->app = a;
	snprintf(m->url, sizeof m->url, "%s", smtp_url);
	snprintf(m->from, sizeof m->from, "<%s>", from);
	snprintf(m->addr, sizeof m->addr, "%s", from);
	pthread_mutex_init(&m->mu, NULL);
	pthread_cond_init(&m->cv, NULL);
	uv_async_init(a->loop, &m->async, on_async);
	m->async.data = m;
	if (pthread_create(&m->thread, NULL, mail_thread, m) != 0) {
		snprintf(err, errlen, "cannot start the mail thread");
		uv_close((uv_handle_t *)&m->async, on_failed_close);
		return UV_EINVAL;
	}
	a->mail = m;
	return 0;
}

bool mail_enabled(const app_t *a)
{
	return a->mail != NULL;
}

int mail_send_headers(app_t *a, const char *to, const char *subject, const char *headers,
                      const char *text, const char *html, void (*done)(void *arg, int status),
                      void *arg)
{
	struct mail *m = a->mail;
	if (!m)
		return UV_ENOSYS;
	if (atomic_load(&m->stopping))
		return UV_EAGAIN;
	unsigned char raw[12];
	char id[2 * sizeof raw + 1];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(id, sizeof id, raw, sizeof raw);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	mail_msg_t msg = {
	    .from = m->addr,
	    .to = to,
	    .subject = subject,
	    .headers = headers,
	    .text = text,
	    .html = html,
	    .date_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000,
	    .id = id,
	};
	buf_t b = BUF_INIT;
	int rc = mail_compose(&b, &msg);
	if (rc < 0) {
		buf_free(&b);
		return rc;
	}
	pthread_mutex_lock(&m->mu);
	if (m->queued >= MAIL_QUEUE_MAX) {
		pthread_mutex_unlock(&m->mu);
		buf_free(&b);
		return UV_EAGAIN;
	}
	mail_job_t *j = xcalloc(1, sizeof *j);
	size_t tn = strlen(to) + 3;
	j->to = xmalloc(tn);
	snprintf(j->to, tn, "<%s>", to);
	j->len = b.len;
	j->body = buf_steal(&b);
	j->done = done;
	j->arg = arg;
	if (m->tail)
		m->tail->next = j;
	else
		m->head = j;
	m->tail = j;
	m->queued++;
	pthread_cond_signal(&m->cv);
	pthread_mutex_unlock(&m->mu);
	m->outstanding++;
	return 0;
}

int mail_send(app_t *a, const char *to, const char *subject, const char *text, const char *html,
              void (*done)(void *arg, int status), void *arg)
{
	return mail_send_headers(a, to, subject, NULL, text, html, done, arg);
}

void mail_stop(app_t *a)
{
	struct mail *m = a->mail;
	if (!m)
		return;
	pthread_mutex_lock(&m->mu);
	atomic_store(&m->stopping, true);
	pthread_cond_signal(&m->cv);
	pthread_mutex_unlock(&m->mu);
	if (m->outstanding == 0 && !m->closing) {
		m->closing = true;
		uv_close((uv_handle_t *)&m->async, NULL);
	}
}

bool mail_busy(const app_t *a)
{
	return a->mail && a->mail->outstanding > 0;
}

void mail_free(app_t *a)
{
	struct mail *m = a->mail;
	if (!m)
		return;
	if (!atomic_load(&m->stopping))
		mail_stop(a);
	pthread_join(m->thread, NULL);
	/* dones that came back after the loop stopped running: freed unrun */
	while (m->finished) {
		mail_job_t *j = m->finished;
		m->finished = j->next;
		job_free(j);
	}
	pthread_mutex_destroy(&m->mu);
	pthread_cond_destroy(&m->cv);
	free(m);
	a->mail = NULL;
}

/* ---- POST /api/v1/mail/test: an operator's check of --smtp-url ---- */

static void test_done(void *arg, int status)
{
	http_request_t *req = arg;
	if (status == 0)
		http_respond_json(req, 200, json_pack("{s:b}", "sent", 1), NULL);
	else
		http_respond_error(req, 502, "mail_failed",
		                   "the SMTP server did not take the message (see the log)", NULL);
}

void mail_test_post(app_t *a, http_request_t *req, const app_match_t *mt)
{
	json_t *body = json_loadb(req->body, req->body_len, 0, NULL);
	const char *to = json_string_value(json_object_get(body, "to"));
	char addr[MAIL_ADDRESS_MAX + 1] = "";
	if (to)
		snprintf(addr, sizeof addr, "%s", to);
	json_decref(body);
	if (!mail_address_ok(addr)) {
		http_respond_error(req, 400, "bad_address", "\"to\" is not an e-mail address",
		                   NULL);
		return;
	}
	int rc =
	    mail_send(a, addr, "inspraak: test",
	              "This message shows that inspraak can send mail.\n", NULL, test_done, req);
	if (rc == UV_ENOSYS)
		http_respond_error(req, 503, "no_mail", "the server runs without --smtp-url", NULL);
	else if (rc < 0)
		http_respond_error(req, 503, "mail_busy", "too many messages wait to be sent",
		                   NULL);
}
