/* mail.c: email to citizens: an outbox written in the caller's transaction, sent over SMTP by one thread. */
#include <assert.h>
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/buf.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "features/mail.h"
#include "rules/contact.h"
#include "store/counter.h"
#include "store/worker.h"
#include "core/banned.h"

#define BATCH		 32	      /* messages claimed from one look at the outbox */
#define ERROR_MAX	 400	      /* bytes of an error kept in last_error */
#define BACKOFF_FIRST	 60	      /* seconds after the first failed attempt */
#define BACKOFF_MAX	 (6 * 3600)   /* the longest wait between attempts */
#define CONNECT_TIMEOUT	 10L	      /* seconds */
#define TRANSFER_TIMEOUT 60L	      /* seconds for the whole SMTP session */
#define MESSAGE_MAX	 (512 * 1024) /* the composed message: a body at MAIL_BODY_MAX, base64 */
#define WORD_BYTES	 36	      /* UTF-8 bytes per RFC 2047 encoded-word: 48 base64 characters */

/* ---- checks ---- */

/*
 * 1 when s[0..n) is valid UTF-8 (no overlong form, surrogate or code point
 * past U+10FFFF) without control characters (C0, DEL, C1); `lines` lets tab,
 * CR and LF through.
 */
static int text_ok(const char *s, size_t n, int lines)
{
	while (n) {
		long cp = utf8_next(&s, &n);
		if (cp < 0 || (cp < 0x20 && !(lines && (cp == '\t' || cp == '\r' || cp == '\n'))) ||
		    (cp >= 0x7f && cp <= 0x9f))
			return 0;
	}
	return 1;
}

static int kind_ok(const char *kind)
{
	size_t n = kind ? strlen(kind) : 0;
	if (!n || n > MAIL_KIND_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((kind[i] >= 'a' && kind[i] <= 'z') || (kind[i] >= '0' && kind[i] <= '9') ||
		      strchr("._-", kind[i])))
			return 0;
	return 1;
}

static int ref_ok(const char *ref)
{
	size_t n;
	if (!ref)
		return 1;
	n = strlen(ref);
	if (!n || n > MAIL_REF_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (ref[i] <= ' ' || ref[i] >= 0x7f)
			return 0;
	return 1;
}

int mail_enqueue(struct db *db, const char *to, const char *subject, const char *body, const char *kind,
		 const char *ref, int64_t now)
{
	const char *why = NULL;
	char q[MAIL_REF_MAX * 2 + 8];
	int64_t id;
	size_t n;

	if (!kind_ok(kind))
		why = "bad kind";
	else if (!ref_ok(ref))
		why = "bad ref";
	else if (!to || contact_email_check(to, NULL, NULL))
		why = "bad recipient address";
	else if (!subject || !(n = strlen(subject)) || n > MAIL_SUBJECT_MAX || !text_ok(subject, n, 0))
		why = "bad subject";
	else if (!body || (n = strlen(body)) > MAIL_BODY_MAX || !text_ok(body, n, 1))
		why = "bad body";
	if (why) {
		/* neither the address nor the text: personal data stays out of the log */
		log_warn("event=mail msg=\"not queued: %s\" kind=%s ref=%s", why, kind_ok(kind) ? kind : "?",
			 ref_ok(ref) && ref ? log_quote(q, sizeof(q), ref) : "-");
		return -1;
	}
	assert(db_in_transaction(db));
	if (counter_next(db, "id", "mail_outbox", "", &id))
		return -1;
	if (db_exec(db,
		    "INSERT INTO mail_outbox (id, kind, ref, to_addr, subject, body, status, attempts, next_at,"
		    " created_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?)",
		    "isssssii", id, kind, ref, to, subject, body, now, now) != DB_DONE)
		return -1;
	return 0;
}

int64_t mail_backoff(int attempts)
{
	int64_t wait = BACKOFF_FIRST;
	for (int i = 1; i < attempts && wait < BACKOFF_MAX; i++)
		wait *= 2;
	return wait < BACKOFF_MAX ? wait : BACKOFF_MAX;
}

/* ---- the message (RFC 5322, MIME RFC 2045-2047) ---- */

struct outmsg {
	int64_t id, created_at;
	int attempts;
	char *kind, *ref, *to, *subject, *body;
};

static void outmsg_release(struct outmsg *m)
{
	free(m->kind);
	free(m->ref);
	free(m->to);
	free(m->subject);
	free(m->body);
	memset(m, 0, sizeof(*m));
}

static void add_base64(struct buf *b, const void *p, size_t n)
{
	size_t need = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	if (buf_grow(b, need))
		return;
	/* buf_grow left room for `need` bytes and the NUL: the encoder writes need - 1 and its own NUL */
	sodium_bin2base64(b->ptr + b->len, need, p, n, sodium_base64_VARIANT_ORIGINAL);
	b->len += need - 1;
}

/* "Wed, 18 Nov 2026 15:33:20 +0700": the message's date in Vietnam time. */
static void add_date(struct buf *b, int64_t t)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct civil c;
	time_to_civil(t, VN_UTC_OFFSET, &c);
	buf_addf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0700\r\n", days[c.wday], c.day,
		 months[c.month - 1], c.year, c.hour, c.min, c.sec);
}

/*
 * The Subject header. Plain ASCII that fits on a line goes as it is; anything
 * else as RFC 2047 encoded-words (UTF-8, base64), each cut at a character
 * boundary and short enough for 76-character lines, folded with CRLF SP.
 */
static void add_subject(struct buf *b, const char *s)
{
	size_t n = strlen(s), at = 0;
	int plain = n <= 66;

	for (size_t i = 0; i < n && plain; i++)
		plain = (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f;
	/* a plain subject that looks like an encoded-word would be decoded by readers */
	if (plain && !strstr(s, "=?")) {
		buf_addf(b, "Subject: %s\r\n", s);
		return;
	}
	buf_adds(b, "Subject:");
	while (at < n) {
		/* never split a UTF-8 sequence: back up to the start of the character cut */
		size_t len = utf8_cut(s + at, n - at < WORD_BYTES ? n - at : WORD_BYTES);
		if (!len)
			len = 1; /* continuation bytes only (text_ok lets none through): go on by one */
		buf_adds(b, at ? "\r\n =?UTF-8?B?" : " =?UTF-8?B?");
		add_base64(b, s + at, len);
		buf_adds(b, "?=");
		at += len;
	}
	buf_adds(b, "\r\n");
}

/*
 * The body: line breaks made CRLF; 7bit when it is ASCII with short lines,
 * else base64 in 76-character lines (no 8BITMIME needed from the server).
 */
static void add_body(struct buf *b, const char *body)
{
	struct buf text;
	size_t line = 0, longest = 0;
	int ascii = 1;

	buf_init(&text, MESSAGE_MAX);
	for (const char *p = body; *p; p++) {
		if (*p == '\r' && p[1] == '\n')
			continue;
		if (*p == '\r' || *p == '\n') {
			buf_add(&text, "\r\n", 2);
			line = 0;
			continue;
		}
		buf_addch(&text, *p);
		ascii &= (unsigned char)*p < 0x80;
		if (++line > longest)
			longest = line;
	}
	if (text.len < 2 || memcmp(text.ptr + text.len - 2, "\r\n", 2))
		buf_add(&text, "\r\n", 2);
	if (ascii && longest <= 76) {
		buf_adds(b, "Content-Transfer-Encoding: 7bit\r\n\r\n");
		buf_add(b, text.ptr, text.len);
	} else {
		buf_adds(b, "Content-Transfer-Encoding: base64\r\n\r\n");
		for (size_t at = 0; at < text.len; at += 57) {
			add_base64(b, text.ptr + at, text.len - at < 57 ? text.len - at : 57);
			buf_add(b, "\r\n", 2);
		}
	}
	if (buf_err(&text))
		b->toobig = 1;
	buf_release(&text);
}

/* The whole message with its headers into b; -1 when it would be too big. */
static int compose(struct buf *b, const struct outmsg *m, const char *from)
{
	const char *domain = strrchr(from, '@');

	add_date(b, m->created_at);
	buf_addf(b, "From: %s\r\n", from);
	buf_addf(b, "To: %s\r\n", m->to);
	add_subject(b, m->subject);
	/* the same on every attempt: a reader's client can tell a message delivered twice */
	buf_addf(b, "Message-ID: <motcua.%lld.%lld@%s>\r\n", (long long)m->id, (long long)m->created_at,
		 domain ? domain + 1 : "localhost");
	/* RFC 3834: a notice sent by a program; auto-responders do not answer it */
	buf_adds(b, "Auto-Submitted: auto-generated\r\n");
	buf_adds(b, "MIME-Version: 1.0\r\n");
	buf_adds(b, "Content-Type: text/plain; charset=UTF-8\r\n");
	add_body(b, m->body);
	return buf_err(b) ? -1 : 0;
}

/* ---- SMTP through libcurl ---- */

enum send_result {
	SEND_OK,
	SEND_FAILED,	  /* an attempt that failed: retried later */
	SEND_UNREACHABLE, /* failed before the server answered: the rest of the look waits too */
	SEND_STOPPED,	  /* given up untried because the sender is stopping */
};

/* The sender thread. Stopping ends a look after the message in flight and drops one still connecting. */
static int send_pass(void *arg, struct db *db);
static struct worker sender = WORKER_INIT("mail", send_pass, MAIL_POLL);

struct reader {
	const char *p;
	size_t left;
};

static size_t read_message(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct reader *r = userdata;
	size_t n = size * nmemb;
	if (n > r->left)
		n = r->left;
	memcpy(ptr, r->p, n);
	r->p += n;
	r->left -= n;
	return n;
}

/* Drop the session when the sender stops before the message itself has started to go out. */
static int progress(void *p, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	(void)p;
	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	return worker_stopping(&sender) && ulnow == 0;
}

/* 1 when the URL's host is this machine (no TLS is tried there). */
static int url_is_loopback(const char *url)
{
	CURLU *u = curl_url();
	char *host = NULL;
	int lo = 0;

	if (u && !curl_url_set(u, CURLUPART_URL, url, 0) && !curl_url_get(u, CURLUPART_HOST, &host, 0))
		lo = !strcasecmp(host, "localhost") || !strncmp(host, "127.", 4) || !strcmp(host, "[::1]");
	curl_free(host);
	curl_url_cleanup(u);
	return lo;
}

/* The URL without a user or password, for logs: "smtp://mail.example.vn:587". */
static void url_for_log(const char *url, char *out, size_t n)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL;

	snprintf(out, n, "?");
	if (u && !curl_url_set(u, CURLUPART_URL, url, 0) && !curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) &&
	    !curl_url_get(u, CURLUPART_HOST, &host, 0)) {
		curl_url_get(u, CURLUPART_PORT, &port, 0);
		snprintf(out, n, "%s://%s%s%s", scheme, host, port ? ":" : "", port ? port : "");
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
}

/* Cut every copy of `word` out of s (an error text that could quote the recipient). */
static void scrub(char *s, const char *word)
{
	size_t n = strlen(word);
	char *p;
	if (!n)
		return;
	while ((p = strstr(s, word)))
		memmove(p, p + n, strlen(p + n) + 1);
}

static enum send_result smtp_send(const struct mail_config *cfg, const char *to, const struct buf *msg,
				  char *err, size_t errn)
{
	char curl_err[CURL_ERROR_SIZE], rcpt[CONTACT_EMAIL_MAX + 3], from[CONTACT_EMAIL_MAX + 3];
	struct reader r = { msg->ptr, msg->len };
	struct curl_slist *rcpts = NULL;
	enum send_result res = SEND_FAILED;
	long code = 0;
	CURLcode rc;
	CURL *c;

	err[0] = curl_err[0] = '\0';
	c = curl_easy_init();
	if (!c) {
		snprintf(err, errn, "cannot start libcurl");
		return SEND_FAILED;
	}
	snprintf(rcpt, sizeof(rcpt), "<%s>", to);
	snprintf(from, sizeof(from), "<%s>", cfg->from);
	rcpts = curl_slist_append(NULL, rcpt);
	curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(c, CURLOPT_READDATA, &r);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg->len);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, TRANSFER_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress);
	/*
	 * smtps:// is TLS from the start; smtp:// to another machine must upgrade
	 * with STARTTLS (required, not tried: a stripped STARTTLS would expose
	 * the password and the citizens' mail); only loopback goes in the clear
	 */
	if (!strncasecmp(cfg->smtp_url, "smtp://", 7) && !url_is_loopback(cfg->smtp_url))
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (cfg->user && *cfg->user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, cfg->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->password ? cfg->password : "");
	}
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK) {
		res = SEND_OK;
	} else if (rc == CURLE_ABORTED_BY_CALLBACK) {
		res = SEND_STOPPED;
		snprintf(err, errn, "stopped before sending");
	} else {
		res = rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
				      (rc == CURLE_OPERATION_TIMEDOUT && !code)
			      ? SEND_UNREACHABLE
			      : SEND_FAILED;
		scrub(curl_err, to);
		if (code)
			snprintf(err, errn, "%s: %s (SMTP %ld)", curl_easy_strerror(rc), curl_err, code);
		else
			snprintf(err, errn, "%s: %s", curl_easy_strerror(rc), curl_err);
	}
	curl_slist_free_all(rcpts);
	curl_easy_cleanup(c);
	return res;
}

/* ---- the outbox ---- */

int mail_claim(struct db *db, int64_t id, int64_t seen_next_at, int64_t now)
{
	/*
	 * Compare and set: of several senders that saw the message at
	 * seen_next_at, the first UPDATE moves next_at and the others match no
	 * row (on PostgreSQL they wait for it and read the new next_at).
	 */
	return worker_update_one(db,
				 "UPDATE mail_outbox SET next_at = ?, attempts = attempts + 1"
				 " WHERE id = ? AND status = 'queued' AND next_at = ? AND next_at <= ?",
				 "iiii", now + MAIL_LEASE, id, seen_next_at, now);
}

static int load(struct db *db, int64_t id, struct outmsg *m)
{
	struct db_stmt *st;
	int rc = db_query(db, &st,
			  "SELECT kind, ref, to_addr, subject, body, attempts, created_at FROM mail_outbox"
			  " WHERE id = ?",
			  "i", id);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERROR;
	m->id = id;
	m->kind = xstrdup(db_col_text(st, 0));
	m->ref = db_col_is_null(st, 1) ? NULL : xstrdup(db_col_text(st, 1));
	m->to = xstrdup(db_col_text(st, 2));
	m->subject = xstrdup(db_col_text(st, 3));
	m->body = xstrdup(db_col_text(st, 4));
	m->attempts = (int)db_col_int(st, 5);
	m->created_at = db_col_int(st, 6);
	while ((rc = db_step(st)) == DB_ROW)
		;
	return rc;
}

/* An attempt is recorded only while its claim holds: the row still carries this sender's lease. */
#define HOLDS " WHERE id = ? AND status = 'queued' AND next_at = ?"

/* Claim, send and record one message: 1 attempted, 0 someone else's, or a negative enum db_rc. */
static int send_one(struct db *db, const struct mail_config *cfg, int64_t id, int64_t seen, int64_t now,
		    int *unreachable)
{
	char err[ERROR_MAX], qerr[ERROR_MAX * 2 + 8], qref[MAIL_REF_MAX * 2 + 8];
	struct outmsg m = { 0 };
	struct buf msg;
	enum send_result res;
	int64_t lease = now + MAIL_LEASE;
	int rc = mail_claim(db, id, seen, now);

	if (rc <= 0)
		return rc;
	buf_init(&msg, MESSAGE_MAX);
	if ((rc = load(db, id, &m)))
		goto out;
	log_quote(qref, sizeof(qref), m.ref ? m.ref : "-");
	if (m.attempts > MAIL_MAX_ATTEMPTS) {
		/* the last attempt was claimed but never recorded: its sender stopped during it */
		snprintf(err, sizeof(err), "no outcome recorded for the last attempt");
		res = SEND_FAILED;
		rc = worker_update_one(
			db,
			"UPDATE mail_outbox SET status = 'failed', attempts = attempts - 1, last_error = ?" HOLDS,
			"sii", err, id, lease);
		m.attempts--;
		goto logged;
	}
	if (compose(&msg, &m, cfg->from)) {
		snprintf(err, sizeof(err), "message too big");
		res = SEND_FAILED;
	} else {
		res = smtp_send(cfg, m.to, &msg, err, sizeof(err));
	}
	if (res == SEND_OK) {
		rc = worker_update_one(
			db, "UPDATE mail_outbox SET status = 'sent', sent_at = ?, last_error = NULL" HOLDS,
			"iii", now, id, lease);
	} else if (res == SEND_STOPPED) {
		/* given back as it was: due at once on the next start, this attempt not counted */
		rc = worker_update_one(db,
				       "UPDATE mail_outbox SET next_at = ?, attempts = attempts - 1" HOLDS,
				       "iii", now, id, lease);
	} else if (m.attempts >= MAIL_MAX_ATTEMPTS) {
		rc = worker_update_one(db, "UPDATE mail_outbox SET status = 'failed', last_error = ?" HOLDS,
				       "sii", err, id, lease);
	} else {
		rc = worker_update_one(db, "UPDATE mail_outbox SET next_at = ?, last_error = ?" HOLDS, "isii",
				       now + mail_backoff(m.attempts), err, id, lease);
	}
	if (res == SEND_UNREACHABLE && unreachable)
		*unreachable = 1;
logged:
	if (rc < 0) {
		log_error("event=mail id=%lld kind=%s ref=%s msg=\"cannot record the attempt\" error=%s",
			  (long long)id, m.kind, qref, log_quote(qerr, sizeof(qerr), db_errmsg(db)));
		goto out;
	}
	if (rc == 0)
		log_warn("event=mail id=%lld kind=%s ref=%s msg=\"the claim ran out before the attempt was"
			 " recorded\"",
			 (long long)id, m.kind, qref);
	else if (res == SEND_OK)
		log_info("event=mail id=%lld kind=%s ref=%s status=sent attempts=%d", (long long)id, m.kind,
			 qref, m.attempts);
	else if (res == SEND_STOPPED)
		log_info("event=mail id=%lld kind=%s ref=%s status=queued msg=\"left for the next start\"",
			 (long long)id, m.kind, qref);
	else if (m.attempts >= MAIL_MAX_ATTEMPTS)
		log_error("event=mail id=%lld kind=%s ref=%s status=failed attempts=%d error=%s",
			  (long long)id, m.kind, qref, m.attempts, log_quote(qerr, sizeof(qerr), err));
	else
		log_warn(
			"event=mail id=%lld kind=%s ref=%s status=queued attempts=%d retry_in=%llds error=%s",
			(long long)id, m.kind, qref, m.attempts, (long long)mail_backoff(m.attempts),
			log_quote(qerr, sizeof(qerr), err));
	rc = 1;
out:
	outmsg_release(&m);
	buf_release(&msg);
	return rc;
}

static int64_t now_s(void)
{
	return time_now_us() / 1000000;
}

/*
 * One look at `now`; *unreachable set when the server could not be reached
 * (the look ends there). With `live` each message is claimed at the time it
 * is taken, not at the look's start: the lease must run from the claim, as
 * a batch may take minutes when the server is slow.
 */
static int send_round(struct db *db, const struct mail_config *cfg, int64_t now, int live, int *unreachable)
{
	int64_t ids[BATCH], seen[BATCH];
	struct db_stmt *st;
	int n = 0, done = 0, rc;

	if (!cfg || !cfg->smtp_url || !*cfg->smtp_url)
		return 0;
	rc = db_query(db, &st,
		      "SELECT id, next_at FROM mail_outbox WHERE status = 'queued' AND next_at <= ?"
		      " ORDER BY next_at, id LIMIT 32", /* BATCH */
		      "i", now);
	for (; rc == DB_ROW; rc = db_step(st)) {
		if (n < BATCH) {
			ids[n] = db_col_int(st, 0);
			seen[n] = db_col_int(st, 1);
			n++;
		}
	}
	if (rc < 0)
		return rc;
	for (int i = 0; i < n && !worker_stopping(&sender); i++) {
		int unreach = 0;
		int64_t t = live && now_s() > now ? now_s() : now;
		rc = send_one(db, cfg, ids[i], seen[i], t, &unreach);
		if (rc < 0)
			return rc;
		done += rc;
		if (unreach) {
			if (unreachable)
				*unreachable = 1;
			break;
		}
	}
	return done;
}

int mail_send_due(struct db *db, const struct mail_config *cfg, int64_t now)
{
	return send_round(db, cfg, now, 0, NULL);
}

/* ---- the sender thread ---- */

static struct mail_config config; /* the sender's: copies, owned */

/* After a look that sent something, look again at once: more may be due (not when the server is away). */
static int send_pass(void *arg, struct db *db)
{
	int unreachable = 0, n = send_round(db, arg, now_s(), 1, &unreachable);
	if (n < 0)
		return n;
	return n > 0 && !unreachable ? 0 : MAIL_POLL;
}

static void config_free(void)
{
	free((char *)config.smtp_url);
	free((char *)config.from);
	free((char *)config.user);
	free((char *)config.password);
	memset(&config, 0, sizeof(config));
}

static char *dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

int mail_start(const char *db_url, const struct mail_config *cfg)
{
	char shown[300];

	if (!cfg || !cfg->smtp_url || !*cfg->smtp_url) {
		log_info("event=mail msg=\"no SMTP server configured: messages stay in the outbox\"");
		return 0;
	}
	if (strncasecmp(cfg->smtp_url, "smtp://", 7) && strncasecmp(cfg->smtp_url, "smtps://", 8)) {
		log_error("event=config msg=\"the SMTP server must be an smtp:// or smtps:// URL\"");
		return -1;
	}
	if (!cfg->from || contact_email_check(cfg->from, NULL, NULL)) {
		log_error("event=config msg=\"a sender address (--mail-from) is needed to send mail\"");
		return -1;
	}
	if (config.smtp_url)
		BUG("mail_start called twice");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	config.smtp_url = xstrdup(cfg->smtp_url);
	config.from = xstrdup(cfg->from);
	config.user = dup_or_null(cfg->user);
	config.password = dup_or_null(cfg->password);
	if (worker_start(&sender, db_url, &config)) {
		config_free();
		curl_global_cleanup();
		return -1;
	}
	url_for_log(cfg->smtp_url, shown, sizeof(shown));
	log_info("event=mail msg=\"sender started\" smtp=%s", shown);
	return 0;
}

void mail_wake(void)
{
	worker_wake(&sender);
}

void mail_stop(void)
{
	if (!worker_stop(&sender))
		return;
	config_free();
	curl_global_cleanup();
	log_info("event=mail msg=\"sender stopped\"");
}
