/*
 * login_mail: the website's e-mail ladder (issue 14; docs/protocol.md,
 * "E-mail on the website"; docs/security.md): a resident confirms an
 * address with a one-time link, continues as the same participant on any
 * browser that follows such a link, opts in to a daily digest, and leaves
 * with one signed link. Only for processes whose facilitator turned
 * "email_login" on, and only with --smtp-url. The digest itself is
 * login_digest.c's, the invitation codes of a closed panel login_invite.c's
 * (login_mail.h has what the three share).
 *
 * Invariants:
 *  1. Nothing here waits on the loop: every store call runs through
 *     app_write (the pool, a connection of its own), and the answer to a
 *     link request is sent at once, the same whether the address is known,
 *     new, over its limit or refused by the mail server (no enumeration by
 *     content or by timing).
 *  2. A link's token is random (32 bytes) and only its SHA-256 is stored;
 *     it is taken once, within LINK_TTL_MS, by a POST (a GET shows a
 *     button: mail scanners that fetch links do not use them up).
 *  3. "The same participant on another device" is the same participant
 *     cookie: the device token of the person's first device is kept sealed
 *     (secretbox, a key derived from the store's secret) and handed to a
 *     browser that confirms, so contributions and supports are theirs
 *     there too, and supports count one per person.
 *  4. What pages need is in memory: a->mail_people holds, per event and
 *     participant, whether they confirmed, want the digest and are in the
 *     panel, a->mail_topics the digest's topics (loaded at start, changed
 *     after each commit). No address is kept in memory beyond one job.
 *     On several nodes each commit's change is news on the bus (BUS_PERSON:
 *     event, participant key); the other nodes read that participant's row
 *     off the loop and set their map the same (login_mail_heard), so a
 *     confirmation on one node holds on all within the bus's interval and
 *     one read.
 *  5. At a process's retention end every address and link of its event is
 *     deleted (process_retention calls login_mail_retention).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/login_mail.h"
#include "app/mail.h"
#include "util/html.h"
#include "util/log.h"
#include "util/xalloc.h"

enum {
	LINK_TTL_MS = 30 * 60 * 1000,
	LINKS_PER_ADDRESS = 3, /* per hour, per event */
	HOUR_MS = 60 * 60 * 1000,
};

/* auth.c's participant cookie */
static const char P_COOKIE[] = "inspraak_p";

/* ---- keys, seals and signatures ---- */

static uint64_t person_key(int64_t event_id, uint64_t pkey)
{
	return map_key(pkey ^ ((uint64_t)event_id * 0x9e3779b97f4a7c15ull));
}

int login__person_flags(app_t *a, int64_t event_id, uint64_t pkey)
{
	int64_t v = 0;
	map_get(&a->mail_people, person_key(event_id, pkey), &v);
	return (int)v;
}

/* Sets the flags of (event, participant) in m to flags, keeping those of
 * keep as they were. */
static void flags_put(map_t *m, int64_t event_id, uint64_t pkey, int flags, int keep)
{
	uint64_t k = person_key(event_id, pkey);
	int64_t old = 0;
	map_get(m, k, &old);
	flags = (flags & ~keep) | ((int)old & keep);
	if (flags)
		map_put(m, k, flags);
	else
		map_del(m, k);
}

/* Sets the e-mail flags of (event, participant), keeping PERSON_PANEL. */
static void person_set_key(app_t *a, int64_t event_id, uint64_t pkey, int flags)
{
	flags_put(&a->mail_people, event_id, pkey, flags, PERSON_PANEL);
	a->mail_changes++;
}

static void person_set(app_t *a, int64_t event_id, const char *participant, int flags)
{
	person_set_key(a, event_id, live_participant_key(participant), flags);
	/* other nodes hold the same map: they read it again (nodes.c) */
	bus_note(a->bus, BUS_PERSON, (uint64_t)event_id, live_participant_key(participant), 1);
}

static void panel_set_key(app_t *a, int64_t event_id, uint64_t pkey, bool in)
{
	flags_put(&a->mail_people, event_id, pkey, in ? PERSON_PANEL : 0, ~PERSON_PANEL);
	a->mail_changes++;
}

void login__panel_set(app_t *a, int64_t event_id, const char *participant, bool in)
{
	panel_set_key(a, event_id, live_participant_key(participant), in);
	bus_note(a->bus, BUS_PERSON, (uint64_t)event_id, live_participant_key(participant), 1);
}

static uint64_t topic_key(int64_t event_id, uint64_t pkey, int64_t topic)
{
	return map_key(person_key(event_id, pkey) ^ ((uint64_t)topic * 0xbf58476d1ce4e5b9ull));
}

/* Whether topic id is in ",ID,ID," */
bool login__topics_has(const char *topics, int64_t id)
{
	char want[32];
	snprintf(want, sizeof want, ",%lld,", (long long)id);
	return strstr(topics, want) != NULL;
}

/* The in-memory topics of (event, participant) become topics ("" none:
 * the whole process). */
static void topics_put(map_t *m, int64_t event_id, uint64_t pkey, const char *topics)
{
	for (const char *s = topics; *s;) {
		char *end;
		long long id = strtoll(s + (*s == ','), &end, 10);
		if (end == s + (*s == ','))
			break;
		map_put(m, topic_key(event_id, pkey, id), 1);
		s = end;
		if (*s == ',' && !s[1])
			break;
	}
}

static void topics_set_key(app_t *a, int64_t event_id, uint64_t pkey, const char *topics)
{
	process_t *p = process_by_event(a, event_id);
	for (size_t i = 0; p && i < p->n_topics; i++)
		map_del(&a->mail_topics, topic_key(event_id, pkey, p->topics[i].id));
	topics_put(&a->mail_topics, event_id, pkey, topics);
	a->mail_changes++;
}

static void topics_set(app_t *a, int64_t event_id, const char *participant, const char *topics)
{
	topics_set_key(a, event_id, live_participant_key(participant), topics);
}

const char *login_mail_refusal(app_t *a, const process_t *p, uint64_t pkey, bool known)
{
	int flags = known ? login__person_flags(a, p->event_id, pkey) : 0;
	if (p->invite_only && !(flags & PERSON_PANEL))
		return "invite.needed";
	if (p->email_required && mail_enabled(a) && !(flags & PERSON_CONFIRMED))
		return "mail.needed";
	return NULL;
}

/* The participant of the request, its cookie's token (32 hex digits) and
 * the Set-Cookie for a new one ("" when the browser had one). */
void login__participant_of(app_t *a, http_request_t *req, char token[33], char hex[33],
                           uint64_t *pkey, char cookie[160])
{
	auth_participant(a, req, hex, pkey, cookie);
	token[0] = '\0';
	const char *v = cookie[0] ? strstr(cookie, "=") : NULL;
	if (v)
		snprintf(token, 33, "%.32s", v + 1);
	else if (http_cookie(req, P_COOKIE, token, 33) != 32)
		token[0] = '\0';
}

static void seal_key(app_t *a, unsigned char key[crypto_secretbox_KEYBYTES])
{
	crypto_generichash(key, crypto_secretbox_KEYBYTES, (const unsigned char *)"mail-device", 11,
	                   store_secret(a->store), 32);
}

/* The device token sealed for the store, as hex. */
static void seal(app_t *a, const char token[33], char out[STORE_MAIL_DEVICE_MAX + 1])
{
	unsigned char key[crypto_secretbox_KEYBYTES];
	unsigned char box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 32];
	seal_key(a, key);
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)token, 32,
	                      box, key);
	sodium_bin2hex(out, STORE_MAIL_DEVICE_MAX + 1, box, sizeof box);
	sodium_memzero(key, sizeof key);
}

/* false when in is no seal of ours */
static bool unseal(app_t *a, const char *in, char token[33])
{
	unsigned char box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 32];
	unsigned char key[crypto_secretbox_KEYBYTES];
	size_t n = 0;
	if (sodium_hex2bin(box, sizeof box, in, strlen(in), NULL, &n, NULL) != 0 || n != sizeof box)
		return false;
	seal_key(a, key);
	unsigned char plain[33];
	int rc = crypto_secretbox_open_easy(plain, box + crypto_secretbox_NONCEBYTES,
	                                    sizeof box - crypto_secretbox_NONCEBYTES, box, key);
	sodium_memzero(key, sizeof key);
	if (rc != 0)
		return false;
	memcpy(token, plain, 32);
	token[32] = '\0';
	return strspn(token, "0123456789abcdef") == 32;
}

/* The unsubscribe link's signature of (event, participant). */
void login__unsub_sig(app_t *a, int64_t event_id, const char *participant, char out[33])
{
	char msg[80];
	unsigned char h[16];
	int n = snprintf(msg, sizeof msg, "unsubscribe:%lld:%s", (long long)event_id, participant);
	crypto_generichash(h, sizeof h, (const unsigned char *)msg, (size_t)n,
	                   store_secret(a->store), 32);
	sodium_bin2hex(out, 33, h, sizeof h);
}

static void token_hash(const char *token, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, 65, h, sizeof h);
}

/* ---- pages ---- */

void login__base_path(const process_t *p, char *out, size_t len)
{
	if (p->slug)
		snprintf(out, len, "/p/%s", p->slug);
	else
		snprintf(out, len, "/p/%lld", (long long)p->event_id);
}

const char *login__lang_q(const process_t *p, const char *lang, char sep)
{
	if (strcmp(lang, process_lang(p)) == 0)
		return "";
	static char q[2][12];
	int i = sep == '&';
	snprintf(q[i], sizeof q[i], "%clang=%s", sep, lang);
	return q[i];
}

/* A page of its own in the website's frame: title, notice or error, and
 * body (markup made with util/html). */
void login__page(app_t *a, http_request_t *req, process_t *p, const char *lang, int status,
                 const char *title, const char *notice, const char *error, const char *body,
                 const char *cookie)
{
	char base[96];
	login__base_path(p, base, sizeof base);
	buf_t b = BUF_INIT;
	html_printf(&b,
	            "<header class=\"topbar\"><a class=\"event-title\" href=\"%s%s\">%s</a>"
	            "</header><main id=\"main\" class=\"site\"><h1>%s</h1>",
	            base, login__lang_q(p, lang, '?'), p->title, title);
	if (notice)
		html_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>", notice);
	if (error)
		html_printf(&b, "<p class=\"error\" role=\"alert\">%s</p>", error);
	html_raw_trusted(&b, body);
	html_printf(&b, "</main>");
	pages_site(a, req, status, lang, title, b.data, cookie);
	buf_free(&b);
}

/* The form that asks for a link; address kept after an error. */
static void put_request_form(buf_t *b, process_t *p, const char *lang, const char *address,
                             bool invalid)
{
	char base[96];
	login__base_path(p, base, sizeof base);
	html_printf(b,
	            "<form method=\"post\" action=\"%s/email\" class=\"mail-form\">"
	            "<input type=\"hidden\" name=\"lang\" value=\"%s\">"
	            "<label for=\"address\">%s</label>"
	            "<input type=\"email\" id=\"address\" name=\"address\" autocomplete=\"email\" "
	            "maxlength=\"254\" required value=\"%s\"%s>"
	            "<p class=\"hint\">%s</p><button type=\"submit\">%s</button></form>",
	            base, lang, tr(lang, "mail.address"), address ? address : "",
	            invalid ? " aria-invalid=\"true\"" : "", tr(lang, "mail.address_hint"),
	            tr(lang, "mail.send_link"));
}

static process_t *mail_process(app_t *a, http_request_t *req, const app_match_t *m)
{
	process_t *p = process_by_name(a, m->name, m->name_len);
	if (!p) {
		pages_index(a, req, 404, tr("nl", "process.no_such"), NULL);
		return NULL;
	}
	if (!p->email_login || !mail_enabled(a)) {
		const char *lang = site_lang(req, p);
		login__page(a, req, p, lang, 404, tr(lang, "mail.title"), NULL,
		            tr(lang, "mail.off"), "", NULL);
		return NULL;
	}
	return p;
}

static const char *notice_key(const char *sent)
{
	static const struct {
		const char *v, *key;
	} keys[] = {{"mail", "mail.sent"},           {"confirmed", "mail.confirmed"},
	            {"digest_on", "mail.digest_on"}, {"digest_off", "mail.digest_off"},
	            {"forgotten", "mail.forgotten"}, {"unsubscribed", "mail.unsubscribed"}};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		if (strcmp(sent, keys[i].v) == 0)
			return keys[i].key;
	return NULL;
}

static void account_page(app_t *a, process_t *p, http_request_t *req, int status, const char *lang,
                         const char *error, const char *address)
{
	char token[33], hex[33], cookie[160], base[96], sent[16];
	uint64_t pkey;
	login__participant_of(a, req, token, hex, &pkey, cookie);
	login__base_path(p, base, sizeof base);
	int flags = cookie[0] ? 0 : login__person_flags(a, p->event_id, pkey);
	const char *key = NULL;
	if (!error && http_query(req, "sent", sent, sizeof sent) > 0)
		key = notice_key(sent);
	buf_t b = BUF_INIT;
	if (!(flags & PERSON_CONFIRMED)) {
		html_printf(&b, "<p>%s</p>", tr(lang, "mail.why"));
		put_request_form(&b, p, lang, address, error != NULL);
	} else {
		html_printf(&b, "<p>%s</p>", tr(lang, "mail.is_confirmed"));
		bool on = flags & PERSON_DIGEST;
		/* about the whole process, or some topics: checkboxes, none
		 * checked meaning the whole process */
		html_printf(&b,
		            "<section aria-labelledby=\"digest-h\"><h2 id=\"digest-h\">%s</h2>"
		            "<p>%s</p><form method=\"post\" action=\"%s/digest\">"
		            "<input type=\"hidden\" name=\"lang\" value=\"%s\">"
		            "<input type=\"hidden\" name=\"on\" value=\"1\">"
		            "<fieldset class=\"digest-topics\"><legend>%s</legend>",
		            tr(lang, "mail.digest"),
		            tr(lang, on ? "mail.digest_is_on" : "mail.digest_explain"), base, lang,
		            tr(lang, "mail.digest_topics"));
		for (size_t i = 0; i < p->n_topics; i++) {
			int64_t id = p->topics[i].id;
			bool mine =
			    on && map_get(&a->mail_topics, topic_key(p->event_id, pkey, id), NULL);
			html_printf(&b,
			            "<div class=\"check\"><input type=\"checkbox\" name=\"topic\" "
			            "id=\"topic-%lld\" value=\"%lld\"%s><label for=\"topic-%lld\" "
			            "dir=\"auto\">%s</label></div>",
			            (long long)id, (long long)id, mine ? " checked" : "",
			            (long long)id, p->topics[i].title);
		}
		html_printf(&b, "</fieldset><button type=\"submit\">%s</button></form>",
		            tr(lang, on ? "mail.digest_save" : "mail.digest_start"));
		if (on)
			html_printf(
			    &b,
			    "<form method=\"post\" action=\"%s/digest\">"
			    "<input type=\"hidden\" name=\"lang\" value=\"%s\">"
			    "<input type=\"hidden\" name=\"on\" value=\"0\">"
			    "<button type=\"submit\" class=\"secondary\">%s</button></form>",
			    base, lang, tr(lang, "mail.digest_stop"));
		html_printf(&b, "</section>");
		html_printf(&b,
		            "<section aria-labelledby=\"forget-h\"><h2 id=\"forget-h\">%s</h2>"
		            "<form method=\"post\" action=\"%s/forget\">"
		            "<input type=\"hidden\" name=\"lang\" value=\"%s\">"
		            "<button type=\"submit\" class=\"secondary\">%s</button></form>"
		            "</section>",
		            tr(lang, "mail.forget_title"), base, lang, tr(lang, "mail.forget"));
	}
	html_printf(&b, "<p class=\"hint privacy\">%s", tr(lang, "mail.privacy"));
	if (p->retention[0])
		html_printf(&b, " %s %s.", tr(lang, "mail.until"), p->retention);
	html_printf(&b, "</p><p><a href=\"%s%s\">%s</a></p>", base, login__lang_q(p, lang, '?'),
	            tr(lang, "mail.back"));
	login__page(a, req, p, lang, status, tr(lang, "mail.title"), key ? tr(lang, key) : NULL,
	            error, b.data, cookie);
	buf_free(&b);
}

/* GET /p/:name/account */
void login_mail_account(app_t *a, http_request_t *req, const app_match_t *m)
{
	process_t *p = mail_process(a, req, m);
	if (p)
		account_page(a, p, req, 200, site_lang(req, p), NULL, NULL);
}

static void see_other(http_request_t *req, process_t *p, const char *lang, const char *what,
                      const char *cookie)
{
	char base[96], hdr[600];
	login__base_path(p, base, sizeof base);
	snprintf(hdr, sizeof hdr, "Location: %s/account?sent=%s%s\r\n%s", base, what,
	         login__lang_q(p, lang, '&'), cookie ? cookie : "");
	http_respond(req, 303, "text/plain; charset=utf-8", hdr, "", 0);
}

/* ---- asking for a link ---- */

typedef struct link_job {
	app_write_t w;
	store_mail_token_t t;
	char hash[65];
	char url[700];
	char title[PROCESS_TITLE_MAX * 4 + 1];
	const char *lang;
	int rc;
} link_job_t;

static void link_run(app_write_t *w)
{
	link_job_t *j = (link_job_t *)w;
	j->rc = store_mail_token_add(w->st, j->hash, &j->t, j->t.created_at - HOUR_MS,
	                             LINKS_PER_ADDRESS);
}

static void link_done(app_write_t *w, int status)
{
	link_job_t *j = (link_job_t *)w;
	if (status == 0 && j->rc == 0) {
		char subject[400], text[2000];
		snprintf(subject, sizeof subject, tr(j->lang, "mail.link_subject"), j->title);
		snprintf(text, sizeof text, tr(j->lang, "mail.link_text"), j->title, j->url,
		         LINK_TTL_MS / 60000);
		int rc = mail_send(w->app, j->t.address, subject, text, NULL, NULL, NULL);
		if (rc < 0)
			log_warn("mail: a login link was not queued: %s", uv_strerror(rc));
	} else if (j->rc == UV_EAGAIN) {
		log_info("mail: a login link was refused: too many for one address this hour");
	}
	sodium_memzero(j, sizeof *j);
	free(j);
}

/* POST /p/:name/email: address. Answered at once, always alike. */
void login_mail_request(app_t *a, http_request_t *req, const app_match_t *m)
{
	process_t *p = mail_process(a, req, m);
	if (!p)
		return;
	const char *lang = site_lang(req, p);
	char address[MAIL_ADDRESS_MAX + 2] = "";
	http_form_field(req->body, req->body_len, "address", 0, address, sizeof address);
	/* trimmed and lower-cased: one address, one person */
	char *s = address;
	while (*s == ' ')
		s++;
	memmove(address, s, strlen(s) + 1);
	for (size_t n = strlen(address); n && address[n - 1] == ' '; n--)
		address[n - 1] = '\0';
	for (char *c = address; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	if (!mail_address_ok(address)) {
		account_page(a, p, req, 400, lang, tr(lang, "mail.bad_address"), address);
		return;
	}
	int64_t now = store_now_ms();
	if (p->retention_at && now > p->retention_at) {
		account_page(a, p, req, 409, lang, tr(lang, "process.closed"), NULL);
		return;
	}
	char token[33], hex[33], cookie[160];
	uint64_t pkey;
	login__participant_of(a, req, token, hex, &pkey, cookie);
	int retry;
	/* Over a budget: the same answer, and nothing sent (silent). Per
	 * participant and per network address (a venue's phones share one,
	 * so its budget is larger); the store counts per address. */
	if (!bucket_take(&a->mail_requests, pkey, uv_now(a->loop), true, &retry) ||
	    !bucket_take(&a->mail_peers, http_peer_key(req), uv_now(a->loop), true, &retry)) {
		log_info("mail: a login link was refused: too many requests");
		see_other(req, p, lang, "mail", cookie);
		return;
	}
	link_job_t *j = xcalloc(1, sizeof *j);
	unsigned char raw[32];
	char link[64];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(link, sizeof link, raw, sizeof raw,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	token_hash(link, j->hash);
	char base[96];
	login__base_path(p, base, sizeof base);
	snprintf(j->url, sizeof j->url, "%s%s/confirm?t=%s%s", a->public_url, base, link,
	         login__lang_q(p, lang, '&'));
	sodium_memzero(link, sizeof link);
	snprintf(j->title, sizeof j->title, "%s", p->title);
	j->lang = lang;
	j->t.event_id = p->event_id;
	j->t.created_at = now;
	j->t.expires_at = now + LINK_TTL_MS;
	snprintf(j->t.purpose, sizeof j->t.purpose, "login");
	memcpy(j->t.address, address, strlen(address) + 1); /* at most 254: mail_address_ok */
	snprintf(j->t.participant, sizeof j->t.participant, "%s", hex);
	seal(a, token, j->t.device);
	app_write(a, &j->w, link_run, link_done);
	see_other(req, p, lang, "mail", cookie);
}

/* ---- following a link ---- */

/* GET /p/:name/confirm?t=TOKEN: a button, so that a mail scanner that
 * fetches the link does not use it up. */
void login_mail_confirm_page(app_t *a, http_request_t *req, const app_match_t *m)
{
	process_t *p = mail_process(a, req, m);
	if (!p)
		return;
	const char *lang = site_lang(req, p);
	char t[80] = "", base[96];
	http_query(req, "t", t, sizeof t);
	login__base_path(p, base, sizeof base);
	buf_t b = BUF_INIT;
	html_printf(&b,
	            "<p>%s</p><form method=\"post\" action=\"%s/confirm\">"
	            "<input type=\"hidden\" name=\"lang\" value=\"%s\">"
	            "<input type=\"hidden\" name=\"t\" value=\"%s\">"
	            "<button type=\"submit\">%s</button></form>",
	            tr(lang, "mail.confirm_explain"), base, lang, t, tr(lang, "mail.confirm"));
	login__page(a, req, p, lang, 200, tr(lang, "mail.confirm_title"), NULL, NULL, b.data,
	            "Referrer-Policy: no-referrer\r\n");
	buf_free(&b);
}

typedef struct confirm_job {
	app_write_t w;
	http_request_t *req;
	int64_t event_id;
	char hash[65];
	const char *lang;
	int rc;
	store_mail_person_t person;
} confirm_job_t;

static void confirm_run(app_write_t *w)
{
	confirm_job_t *j = (confirm_job_t *)w;
	store_mail_token_t t;
	int64_t now = store_now_ms();
	j->rc = store_mail_token_take(w->st, j->hash, "login", now, &t);
	if (j->rc == 0 && t.event_id != j->event_id)
		j->rc = STORE_NOTFOUND; /* a link of another process */
	if (j->rc != 0)
		return;
	store_mail_person_t in = {.event_id = t.event_id, .confirmed_at = now};
	snprintf(in.address, sizeof in.address, "%s", t.address);
	snprintf(in.participant, sizeof in.participant, "%s", t.participant);
	snprintf(in.device, sizeof in.device, "%s", t.device);
	j->rc = store_mail_person_confirm(w->st, &in, &j->person);
	sodium_memzero(&t, sizeof t);
}

static void expired_page(app_t *a, http_request_t *req, process_t *p, const char *lang, int status,
                         const char *why)
{
	buf_t b = BUF_INIT;
	html_printf(&b, "<p>%s</p>", tr(lang, "mail.ask_again"));
	put_request_form(&b, p, lang, NULL, false);
	login__page(a, req, p, lang, status, tr(lang, "mail.link_title"), NULL, tr(lang, why),
	            b.data, NULL);
	buf_free(&b);
}

static void confirm_done(app_write_t *w, int status)
{
	confirm_job_t *j = (confirm_job_t *)w;
	app_t *a = w->app;
	process_t *p = process_by_event(a, j->event_id);
	int rc = status < 0 ? status : j->rc;
	char token[33];
	if (!p) {
		http_respond_error(j->req, 404, "not_found", tr(j->lang, "process.no_such"), NULL);
	} else if (rc == UV_EALREADY) {
		expired_page(a, j->req, p, j->lang, 410, "mail.link_used");
	} else if (rc == UV_ETIMEDOUT) {
		expired_page(a, j->req, p, j->lang, 410, "mail.link_expired");
	} else if (rc == STORE_NOTFOUND) {
		expired_page(a, j->req, p, j->lang, 404, "mail.link_unknown");
	} else if (rc < 0 || !unseal(a, j->person.device, token)) {
		expired_page(a, j->req, p, j->lang, 503, "err.unavailable");
	} else {
		person_set(a, j->event_id, j->person.participant,
		           PERSON_CONFIRMED | (j->person.digest ? PERSON_DIGEST : 0));
		/* this browser becomes the person's participant (invariant 3) */
		char cookie[200];
		snprintf(cookie, sizeof cookie,
		         "Set-Cookie: %s=%s; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax\r\n",
		         P_COOKIE, token);
		see_other(j->req, p, j->lang, "confirmed", cookie);
		sodium_memzero(token, sizeof token);
	}
	sodium_memzero(&j->person, sizeof j->person);
	free(j);
}

/* POST /p/:name/confirm: t */
void login_mail_confirm(app_t *a, http_request_t *req, const app_match_t *m)
{
	process_t *p = mail_process(a, req, m);
	if (!p)
		return;
	/* after the retention's end no address is taken in (invariant 5) */
	if (p->retention_at && store_now_ms() > p->retention_at) {
		const char *lang = site_lang(req, p);
		login__page(a, req, p, lang, 409, tr(lang, "mail.title"), NULL,
		            tr(lang, "process.closed"), "", NULL);
		return;
	}
	confirm_job_t *j = xcalloc(1, sizeof *j);
	char t[80] = "";
	http_form_field(req->body, req->body_len, "t", 0, t, sizeof t);
	token_hash(t, j->hash);
	j->req = req;
	j->event_id = p->event_id;
	j->lang = site_lang(req, p);
	app_write(a, &j->w, confirm_run, confirm_done);
}

/* ---- the resident's choices: digest, forget, unsubscribe ---- */

typedef struct choice_job {
	app_write_t w;
	http_request_t *req;
	int64_t event_id;
	char participant[33];
	int what; /* 1 digest on, 0 off, -1 forget */
	char topics[STORE_MAIL_TOPICS_MAX + 1];
	const char *lang;
	const char *sent;
	int rc;
} choice_job_t;

static void choice_run(app_write_t *w)
{
	choice_job_t *j = (choice_job_t *)w;
	j->rc = j->what < 0 ? store_mail_person_delete(w->st, j->event_id, j->participant)
	                    : store_mail_person_digest(w->st, j->event_id, j->participant,
	                                               j->what == 1, j->topics, store_now_ms());
}

static void choice_done(app_write_t *w, int status)
{
	choice_job_t *j = (choice_job_t *)w;
	app_t *a = w->app;
	process_t *p = process_by_event(a, j->event_id);
	int rc = status < 0 ? status : j->rc;
	if (rc == 0 || rc == STORE_NOTFOUND) {
		person_set(a, j->event_id, j->participant,
		           rc == 0 && j->what >= 0
		               ? PERSON_CONFIRMED | (j->what == 1 ? PERSON_DIGEST : 0)
		               : 0);
		topics_set(a, j->event_id, j->participant,
		           rc == 0 && j->what == 1 ? j->topics : "");
	}
	if (!p)
		http_respond_error(j->req, 404, "not_found", tr(j->lang, "process.no_such"), NULL);
	else if (rc < 0 && rc != STORE_NOTFOUND)
		login__page(a, j->req, p, j->lang, 503, tr(j->lang, "mail.title"), NULL,
		            tr(j->lang, "err.unavailable"), "", NULL);
	else
		see_other(j->req, p, j->lang, j->sent, NULL);
	free(j);
}

static choice_job_t *choice(app_t *a, http_request_t *req, process_t *p, const char *participant,
                            int what, const char *sent)
{
	choice_job_t *j = xcalloc(1, sizeof *j);
	j->req = req;
	j->event_id = p->event_id;
	snprintf(j->participant, sizeof j->participant, "%s", participant);
	j->what = what;
	j->lang = site_lang(req, p);
	j->sent = sent;
	/* the topics of the form: those of p, as ",ID,ID," */
	for (size_t i = 0; what == 1 && i < 4 * PROCESS_TOPICS_MAX; i++) {
		char num[24];
		if (http_form_field(req->body, req->body_len, "topic", i, num, sizeof num) < 0)
			break;
		char *end;
		long long id = strtoll(num, &end, 10);
		size_t n = strlen(j->topics);
		if (*end || !process_topic(p, id) || login__topics_has(j->topics, id) ||
		    n + 24 > sizeof j->topics)
			continue;
		snprintf(j->topics + n, sizeof j->topics - n, "%s%lld,", n ? "" : ",", id);
	}
	app_write(a, &j->w, choice_run, choice_done);
	return j;
}

/* POST /p/:name/digest (on=1|0) and /p/:name/forget (arg 1) */
void login_mail_choice(app_t *a, http_request_t *req, const app_match_t *m)
{
	process_t *p = mail_process(a, req, m);
	if (!p)
		return;
	char token[33], hex[33], cookie[160], on[4] = "";
	uint64_t pkey;
	login__participant_of(a, req, token, hex, &pkey, cookie);
	const char *lang = site_lang(req, p);
	if (cookie[0] || !(login__person_flags(a, p->event_id, pkey) & PERSON_CONFIRMED)) {
		account_page(a, p, req, 403, lang, tr(lang, "mail.not_confirmed"), NULL);
		return;
	}
	if (m->route->arg == 1) {
		choice(a, req, p, hex, -1, "forgotten");
		return;
	}
	http_form_field(req->body, req->body_len, "on", 0, on, sizeof on);
	bool yes = strcmp(on, "1") == 0;
	choice(a, req, p, hex, yes ? 1 : 0, yes ? "digest_on" : "digest_off");
}

/* The signed unsubscribe link's participant, or false. */
static bool unsub_of(app_t *a, http_request_t *req, process_t *p, char participant[33])
{
	char sig[40] = "", want[33];
	if (http_query(req, "u", participant, 33) != 32 ||
	    http_query(req, "s", sig, sizeof sig) != 32)
		return false;
	login__unsub_sig(a, p->event_id, participant, want);
	return sodium_memcmp(sig, want, 32) == 0;
}

/* GET /p/:name/unsubscribe?u=&s= shows a button; POST (the button, or a
 * mail client's one-click List-Unsubscribe-Post) stops the digest. */
void login_mail_unsubscribe(app_t *a, http_request_t *req, const app_match_t *m)
{
	process_t *p = process_by_name(a, m->name, m->name_len);
	if (!p) {
		pages_index(a, req, 404, tr("nl", "process.no_such"), NULL);
		return;
	}
	const char *lang = site_lang(req, p);
	char participant[33];
	if (!unsub_of(a, req, p, participant)) {
		login__page(a, req, p, lang, 400, tr(lang, "mail.unsubscribe_title"), NULL,
		            tr(lang, "mail.bad_unsubscribe"), "", NULL);
		return;
	}
	if (req->method == HTTP_M_POST) {
		choice(a, req, p, participant, 0, "unsubscribed");
		return;
	}
	char base[96];
	login__base_path(p, base, sizeof base);
	buf_t b = BUF_INIT;
	html_printf(&b,
	            "<form method=\"post\" action=\"%s/unsubscribe?%s\">"
	            "<input type=\"hidden\" name=\"lang\" value=\"%s\">"
	            "<button type=\"submit\">%s</button></form>",
	            base, req->query, lang, tr(lang, "mail.unsubscribe"));
	login__page(a, req, p, lang, 200, tr(lang, "mail.unsubscribe_title"), NULL, NULL, b.data,
	            "Referrer-Policy: no-referrer\r\n");
	buf_free(&b);
}

/* ---- retention ---- */

typedef struct purge_job {
	app_write_t w;
	int64_t event_id, n;
	char (*who)[33]; /* the participants whose flags go */
	size_t n_who, cap_who;
	int rc;
} purge_job_t;

static void purge_collect(const store_mail_person_t *who, void *arg)
{
	purge_job_t *j = arg;
	if (j->n_who == j->cap_who) {
		j->cap_who = j->cap_who ? 2 * j->cap_who : 16;
		j->who = xrealloc(j->who, j->cap_who * sizeof *j->who);
	}
	snprintf(j->who[j->n_who++], 33, "%s", who->participant);
}

static void purge_collect_code(int64_t event_id, const char *code, int64_t used_at,
                               const char *participant, void *arg)
{
	store_mail_person_t who = {.event_id = event_id};
	if (!participant[0])
		return;
	snprintf(who.participant, sizeof who.participant, "%s", participant);
	purge_collect(&who, arg);
}

static void purge_run(app_write_t *w)
{
	purge_job_t *j = (purge_job_t *)w;
	j->rc = store_mail_people(w->st, j->event_id, purge_collect, j);
	if (j->rc == 0)
		j->rc = store_invites(w->st, j->event_id, purge_collect_code, j);
	if (j->rc == 0)
		j->rc = store_mail_purge(w->st, j->event_id, &j->n);
}

static void purge_done(app_write_t *w, int status)
{
	purge_job_t *j = (purge_job_t *)w;
	process_t *p = process_by_event(w->app, j->event_id);
	if (status == 0 && j->rc == 0) {
		if (p)
			p->mail_purged = true;
		for (size_t i = 0; i < j->n_who; i++) {
			uint64_t pkey = live_participant_key(j->who[i]);
			person_set_key(w->app, j->event_id, pkey, 0);
			topics_set_key(w->app, j->event_id, pkey, "");
			panel_set_key(w->app, j->event_id, pkey, false);
		}
		/* one note for the whole event (participant key 0), not one per
		 * address: other nodes read everything again once */
		if (j->n_who)
			bus_note(w->app->bus, BUS_PERSON, (uint64_t)j->event_id, 0, 1);
		if (j->n)
			log_info("mail: %lld addresses of event %lld purged at the retention's end",
			         (long long)j->n, (long long)j->event_id);
	} else {
		log_error("mail: the addresses of event %lld were not purged; tried again later",
		          (long long)j->event_id);
	}
	if (p)
		p->mail_purging = false;
	free(j->who);
	free(j);
}

void login_mail_retention(app_t *a, process_t *p)
{
	if (p->mail_purged || p->mail_purging)
		return;
	purge_job_t *j = xcalloc(1, sizeof *j);
	j->event_id = p->event_id;
	p->mail_purging = true;
	app_write(a, &j->w, purge_run, purge_done);
}

/* ---- what other nodes changed (bus.h, BUS_PERSON) ---- */

/* The news names an event and a participant's key; the rows are read off
 * the loop, like every store call here (invariant 1), and the map follows
 * them: confirmed (and the digest's choice) when found, nothing when the
 * address was forgotten or purged; in the panel when a code of the event
 * names them. A participant is a few rows: the event's are read and the
 * one asked for kept (there is no read by key). */
typedef struct heard_job {
	app_write_t w;
	int64_t event_id;
	uint64_t pkey;
	bool found, digest, panel;
	char topics[STORE_MAIL_TOPICS_MAX + 1];
	int rc;
} heard_job_t;

static void heard_person(const store_mail_person_t *who, void *arg)
{
	heard_job_t *j = arg;
	if (live_participant_key(who->participant) != j->pkey)
		return;
	j->found = true;
	j->digest = who->digest;
	snprintf(j->topics, sizeof j->topics, "%s", who->topics);
}

static void heard_code(int64_t event_id, const char *code, int64_t used_at, const char *participant,
                       void *arg)
{
	heard_job_t *j = arg;
	if (participant[0] && live_participant_key(participant) == j->pkey)
		j->panel = true;
}

static void heard_run(app_write_t *w)
{
	heard_job_t *j = (heard_job_t *)w;
	j->rc = store_mail_people(w->st, j->event_id, heard_person, j);
	if (j->rc == 0)
		j->rc = store_invites(w->st, j->event_id, heard_code, j);
}

static void heard_done(app_write_t *w, int status)
{
	heard_job_t *j = (heard_job_t *)w;
	if (status == 0 && j->rc == 0) {
		person_set_key(w->app, j->event_id, j->pkey,
		               j->found ? PERSON_CONFIRMED | (j->digest ? PERSON_DIGEST : 0) : 0);
		topics_set_key(w->app, j->event_id, j->pkey, j->found ? j->topics : "");
		panel_set_key(w->app, j->event_id, j->pkey, j->panel);
	} else {
		/* the bus's next reconnection reads everything (login_mail_resync) */
		log_warn("mail: news of another node about event %lld not read",
		         (long long)j->event_id);
	}
	free(j);
}

void login_mail_heard(app_t *a, int64_t event_id, uint64_t pkey)
{
	if (pkey == 0) { /* the whole event (purge_done) */
		login_mail_resync(a);
		return;
	}
	heard_job_t *j = xcalloc(1, sizeof *j);
	j->event_id = event_id;
	j->pkey = pkey;
	app_write(a, &j->w, heard_run, heard_done);
}

/* News may have been missed (a gap, a reconnection): every row is read
 * into maps of its own, off the loop, which then replace the node's. A
 * change made here meanwhile (a->mail_changes moved) may be missing from
 * them: then they are dropped and read again. */
typedef struct resync_job {
	app_write_t w;
	map_t people, topics;
	uint64_t changes; /* a->mail_changes when the read began */
	int rc;
} resync_job_t;

static void resync_person(const store_mail_person_t *who, void *arg)
{
	resync_job_t *j = arg;
	uint64_t pkey = live_participant_key(who->participant);
	flags_put(&j->people, who->event_id, pkey,
	          PERSON_CONFIRMED | (who->digest ? PERSON_DIGEST : 0), PERSON_PANEL);
	topics_put(&j->topics, who->event_id, pkey, who->topics);
}

static void resync_code(int64_t event_id, const char *code, int64_t used_at,
                        const char *participant, void *arg)
{
	resync_job_t *j = arg;
	if (participant[0])
		flags_put(&j->people, event_id, live_participant_key(participant), PERSON_PANEL,
		          ~PERSON_PANEL);
}

static void resync_run(app_write_t *w)
{
	resync_job_t *j = (resync_job_t *)w;
	j->rc = store_mail_people(w->st, 0, resync_person, j);
	if (j->rc == 0)
		j->rc = store_invites(w->st, 0, resync_code, j);
}

static void resync_done(app_write_t *w, int status)
{
	resync_job_t *j = (resync_job_t *)w;
	app_t *a = w->app;
	bool again = a->mail_resync_again;
	a->mail_resyncing = a->mail_resync_again = false;
	if (status == 0 && j->rc == 0 && j->changes == a->mail_changes) {
		map_free(&a->mail_people);
		map_free(&a->mail_topics);
		a->mail_people = j->people;
		a->mail_topics = j->topics;
	} else {
		map_free(&j->people);
		map_free(&j->topics);
		/* changed here meanwhile: again; the database away: the bus's
		 * reconnection asks again */
		again |= status == 0 && j->rc == 0;
	}
	free(j);
	if (again && !atomic_load(&a->stopping))
		login_mail_resync(a);
}

void login_mail_resync(app_t *a)
{
	if (a->mail_resyncing) {
		a->mail_resync_again = true; /* one at a time; the next after it */
		return;
	}
	a->mail_resyncing = true;
	resync_job_t *j = xcalloc(1, sizeof *j);
	j->changes = a->mail_changes;
	app_write(a, &j->w, resync_run, resync_done);
}

/* ---- life cycle ---- */

static void load_person(const store_mail_person_t *who, void *arg)
{
	app_t *a = arg;
	uint64_t pkey = live_participant_key(who->participant);
	person_set_key(a, who->event_id, pkey,
	               PERSON_CONFIRMED | (who->digest ? PERSON_DIGEST : 0));
	topics_set_key(a, who->event_id, pkey, who->topics);
}

static void load_code(int64_t event_id, const char *code, int64_t used_at, const char *participant,
                      void *arg)
{
	if (participant[0])
		panel_set_key(arg, event_id, live_participant_key(participant), true);
}

int login_mail_load(app_t *a, store_t *st)
{
	int rc = store_mail_people(st, 0, load_person, a);
	return rc ? rc : store_invites(st, 0, load_code, a);
}

int login_mail_init(app_t *a)
{
	a->mail_requests = (bucket_set_t)BUCKET_SET(5, 10 * 60 * 1000);
	a->mail_peers = (bucket_set_t)BUCKET_SET(60, 60 * 1000);
	a->digest_hour = 7;
	return login_mail_load(a, a->store);
}

void login_mail_free(app_t *a)
{
	map_free(&a->mail_people);
	map_free(&a->mail_topics);
	bucket_free(&a->mail_requests);
	bucket_free(&a->mail_peers);
}
