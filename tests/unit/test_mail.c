/*
 * test_mail.c: email to citizens (features/mail.c): the outbox takes only
 * good addresses and text, a due message reaches a local SMTP sink (Debian's
 * python3-aiosmtpd, tests/smtp_sink.py) as a reader would see it (Vietnamese
 * subject and body intact), a server that cannot be reached costs an attempt
 * and a back-off, twelve failed attempts fail the message, two senders never
 * both take one message, and the sender thread wakes, polls and stops
 * promptly (a message still connecting goes back to the outbox). Runs
 * on SQLite, or on PostgreSQL with MOTCUA_TEST_BACKEND=pg (tests/run.sh runs
 * it both ways).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <sodium.h>
#include "core/timefmt.h"
#include "features/mail.h"
#include "store/db.h"
#include "store/migrate.h"
#include "smtp_sink.h"
#include "testdb.h"
#include "core/banned.h"

#define NOW ((int64_t)1795000000) /* Wed, 18 Nov 2026 18:06:40 +0700 */

#define CITIZEN "nguyen.van.an@example.vn"
#define SENDER	"motcua@thanhxuan.example.vn"
#define SUBJECT "Hồ sơ 000.01.15.H26-261118-0001 đã được tiếp nhận"
#define BODY                                                                                                         \
	"Kính gửi ông Nguyễn Văn An,\n\n"                                                                     \
	"Bộ phận Một cửa UBND phường Nhân Chính đã tiếp nhận hồ sơ 000.01.15.H26-261118-0001 " \
	"(Chứng thực bản sao từ bản chính).\n"                                                            \
	"Ngày hẹn trả kết quả: 19/11/2026.\n"

struct fixture {
	char dir[64];
	char path[320];
	int pg;
	struct db *db;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char *err = NULL;
	int applied = 0;

	if (!fx)
		return -1;
	*state = fx;
	if (testdb_fresh("mail", fx->dir, fx->path, sizeof(fx->path), &fx->pg))
		return -1;
	fx->db = db_open(fx->path, &err);
	if (!fx->db || migrate_run(fx->db, &applied, &err)) {
		fprintf(stderr, "# %s\n", err ? err : "cannot open the database");
		free(err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	if (!fx)
		return 0;
	db_close(fx->db);
	testdb_remove(fx->dir, fx->path, fx->pg);
	free(fx);
	return 0;
}

static int64_t scalar(struct db *db, const char *sql, int64_t id)
{
	struct db_stmt *st;
	int64_t v;
	int rc = id ? db_query(db, &st, sql, "i", id) : db_query(db, &st, sql, NULL);
	if (rc != DB_ROW)
		fail_msg("\"%s\" gave %d: %s", sql, rc, db_errmsg(db));
	v = db_col_is_null(st, 0) ? -1 : db_col_int(st, 0);
	while ((rc = db_step(st)) == DB_ROW)
		;
	assert_int_equal(rc, DB_DONE);
	return v;
}

/* A text column of message `id` into out ("" for NULL). */
static const char *column(struct db *db, const char *col, int64_t id, char *out, size_t n)
{
	char sql[128];
	struct db_stmt *st;
	int rc;
	snprintf(sql, sizeof(sql), "SELECT %s FROM mail_outbox WHERE id = ?", col);
	rc = db_query(db, &st, sql, "i", id);
	assert_int_equal(rc, DB_ROW);
	snprintf(out, n, "%s", db_col_is_null(st, 0) ? "" : db_col_text(st, 0));
	while ((rc = db_step(st)) == DB_ROW)
		;
	return out;
}

static void expect_status(struct db *db, int64_t id, const char *status)
{
	char got[16];
	assert_string_equal(column(db, "status", id, got, sizeof(got)), status);
}

/* Queue one message in its own transaction; its id. */
static int64_t queue(struct db *db, const char *to, const char *subject, const char *body, const char *ref,
		     int64_t now)
{
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(mail_enqueue(db, to, subject, body, "dossier.received", ref, now), 0);
	assert_int_equal(db_commit(db), 0);
	return scalar(db, "SELECT MAX(id) FROM mail_outbox", 0);
}

static int64_t count_rows(struct db *db)
{
	return scalar(db, "SELECT COUNT(*) FROM mail_outbox", 0);
}

/* ---- the outbox takes only what can be sent safely ---- */

static void enqueue_refuses_bad_input(void **state)
{
	struct fixture *fx = *state;
	char long_addr[300];
	static const char *const bad_to[] = {
		"",
		"nguyen.van.an",
		"nguyen.van.an@localhost",
		"@example.vn",
		"an@example..vn",
		"an@example.vn.",
		"an@@example.vn",
		"an@example.vn, binh@example.vn",
		"an@example.vn\r\nBcc: everyone@example.vn",
		"an@example.vn\n",
		"Nguyễn Văn An <an@example.vn>",
		"an example@example.vn",
	};

	assert_int_equal(db_begin(fx->db), 0);
	for (size_t i = 0; i < sizeof(bad_to) / sizeof(bad_to[0]); i++)
		assert_int_equal(
			mail_enqueue(fx->db, bad_to[i], SUBJECT, BODY, "dossier.received", "X-1", NOW), -1);
	assert_int_equal(mail_enqueue(fx->db, NULL, SUBJECT, BODY, "dossier.received", "X-1", NOW), -1);
	/* 254 bytes is the SMTP limit: one more is refused; a local part past 64 bytes too */
	memcpy(long_addr, "an@", 3);
	memset(long_addr + 3, 'c', 248);
	memcpy(long_addr + 251, ".vn", 4);
	assert_int_equal(strlen(long_addr), 254);
	assert_int_equal(mail_enqueue(fx->db, long_addr, SUBJECT, BODY, "k", NULL, NOW), 0);
	memmove(long_addr + 4, long_addr + 3, 252);
	assert_int_equal(strlen(long_addr), 255);
	assert_int_equal(mail_enqueue(fx->db, long_addr, SUBJECT, BODY, "k", NULL, NOW), -1);
	memset(long_addr, 'a', 65);
	memcpy(long_addr + 65, "@example.vn", 12);
	assert_int_equal(mail_enqueue(fx->db, long_addr, SUBJECT, BODY, "k", NULL, NOW), -1);
	/* subjects: no line breaks (no header injection), no control bytes, valid UTF-8, not empty */
	assert_int_equal(mail_enqueue(fx->db, CITIZEN, "Hồ sơ\r\nBcc: x@example.vn", BODY, "k", NULL, NOW),
			 -1);
	assert_int_equal(mail_enqueue(fx->db, CITIZEN, "Hồ sơ\n", BODY, "k", NULL, NOW), -1);
	assert_int_equal(mail_enqueue(fx->db, CITIZEN, "Hồ\tsơ", BODY, "k", NULL, NOW), -1);
	assert_int_equal(mail_enqueue(fx->db, CITIZEN, "H\xe1\xbb", BODY, "k", NULL, NOW), -1);
	assert_int_equal(mail_enqueue(fx->db, CITIZEN, "H\xc0\xaf", BODY, "k", NULL, NOW), -1);
	assert_int_equal(mail_enqueue(fx->db, CITIZEN, "", BODY, "k", NULL, NOW), -1);
	assert_int_equal(mail_enqueue(fx->db, CITIZEN, NULL, BODY, "k", NULL, NOW), -1);
	/* bodies: lines and tabs are fine, other control bytes and bad UTF-8 are not */
	assert_int_equal(mail_enqueue(fx->db, CITIZEN, SUBJECT, "a\x01 b", "k", NULL, NOW), -1);
	assert_int_equal(mail_enqueue(fx->db, CITIZEN, SUBJECT, "\xff", "k", NULL, NOW), -1);
	assert_int_equal(mail_enqueue(fx->db, CITIZEN, SUBJECT, NULL, "k", NULL, NOW), -1);
	/* kind and ref are logged: a plain word, a code */
	assert_int_equal(mail_enqueue(fx->db, CITIZEN, SUBJECT, BODY, "", NULL, NOW), -1);
	assert_int_equal(mail_enqueue(fx->db, CITIZEN, SUBJECT, BODY, "Dossier received", NULL, NOW), -1);
	assert_int_equal(mail_enqueue(fx->db, CITIZEN, SUBJECT, BODY, "k", "a b", NOW), -1);
	assert_int_equal(mail_enqueue(fx->db, CITIZEN, SUBJECT, BODY, "k", "", NOW), -1);
	assert_int_equal(db_commit(fx->db), 0);
	/* only the one good message is there */
	assert_int_equal(count_rows(fx->db), 1);
}

static void enqueue_stores_the_message(void **state)
{
	struct fixture *fx = *state;
	char text[1024];
	int64_t id = queue(fx->db, CITIZEN, SUBJECT, BODY, "000.01.15.H26-261118-0001", NOW);

	expect_status(fx->db, id, "queued");
	assert_string_equal(column(fx->db, "to_addr", id, text, sizeof(text)), CITIZEN);
	assert_string_equal(column(fx->db, "subject", id, text, sizeof(text)), SUBJECT);
	assert_string_equal(column(fx->db, "body", id, text, sizeof(text)), BODY);
	assert_string_equal(column(fx->db, "kind", id, text, sizeof(text)), "dossier.received");
	assert_string_equal(column(fx->db, "ref", id, text, sizeof(text)), "000.01.15.H26-261118-0001");
	assert_string_equal(column(fx->db, "last_error", id, text, sizeof(text)), "");
	assert_int_equal(scalar(fx->db, "SELECT attempts FROM mail_outbox WHERE id = ?", id), 0);
	assert_int_equal(scalar(fx->db, "SELECT next_at FROM mail_outbox WHERE id = ?", id), NOW);
	assert_int_equal(scalar(fx->db, "SELECT created_at FROM mail_outbox WHERE id = ?", id), NOW);
	assert_int_equal(scalar(fx->db, "SELECT sent_at FROM mail_outbox WHERE id = ?", id), -1);
	/* ids follow each other; a message of a transaction rolled back is not there at all */
	assert_int_equal(queue(fx->db, CITIZEN, "Second", "Two", NULL, NOW), id + 1);
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(mail_enqueue(fx->db, CITIZEN, "Never", "Rolled back", "k", NULL, NOW), 0);
	assert_int_equal(db_rollback(fx->db), 0);
	assert_int_equal(count_rows(fx->db), 2);
	/* no SMTP server configured: nothing is sent, everything stays queued */
	{
		struct mail_config none = { NULL, SENDER, NULL, NULL };
		assert_int_equal(mail_send_due(fx->db, &none, NOW + 3600), 0);
		assert_int_equal(
			scalar(fx->db, "SELECT COUNT(*) FROM mail_outbox WHERE status = 'queued'", 0), 2);
	}
}

static void backoff_doubles_to_six_hours(void **state)
{
	static const int64_t want[] = { 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 21600, 21600, 21600 };
	(void)state;
	for (int i = 0; i < 12; i++)
		assert_int_equal(mail_backoff(i + 1), want[i]);
	assert_int_equal(mail_backoff(1000), 21600);
}

/* ---- sending ---- */

static const char *hdr(json_t *msg, const char *name)
{
	const char *v = json_string_value(json_object_get(json_object_get(msg, "headers"), name));
	if (!v)
		fail_msg("no %s header", name);
	return v;
}

/* s with every CRLF made LF (what the sink decodes keeps the message's CRLF). */
static char *lf(const char *s)
{
	char *out = strdup(s), *w = out;
	for (const char *p = s; *p; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			*w++ = *p;
	*w = '\0';
	return out;
}

static void sent_to_the_sink(void **state)
{
	struct fixture *fx = *state;
	struct smtp_sink sink;
	struct mail_config cfg = { NULL, SENDER, NULL, NULL };
	char text[64], *body, *raw;
	json_t *msg;
	int64_t id;

	if (sink_start(&sink))
		fail_msg("the SMTP sink did not start");
	cfg.smtp_url = sink.url;
	id = queue(fx->db, CITIZEN, SUBJECT, BODY, "000.01.15.H26-261118-0001", NOW);
	/* not yet due: nothing happens */
	assert_int_equal(mail_send_due(fx->db, &cfg, NOW - 1), 0);
	assert_int_equal(mail_send_due(fx->db, &cfg, NOW), 1);
	assert_int_equal(sink_count(&sink), 1);
	expect_status(fx->db, id, "sent");
	assert_int_equal(scalar(fx->db, "SELECT attempts FROM mail_outbox WHERE id = ?", id), 1);
	assert_int_equal(scalar(fx->db, "SELECT sent_at FROM mail_outbox WHERE id = ?", id), NOW);
	assert_string_equal(column(fx->db, "last_error", id, text, sizeof(text)), "");
	/* sent once: the next look finds nothing */
	assert_int_equal(mail_send_due(fx->db, &cfg, NOW + 7200), 0);
	assert_int_equal(sink_count(&sink), 1);

	msg = sink_message(&sink, 1);
	assert_non_null(msg);
	/* the envelope */
	assert_string_equal(json_string_value(json_object_get(msg, "mail_from")), SENDER);
	assert_int_equal(json_array_size(json_object_get(msg, "rcpt_tos")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(msg, "rcpt_tos"), 0)), CITIZEN);
	/* the headers, as a mail reader decodes them: the Vietnamese subject intact */
	assert_string_equal(hdr(msg, "Subject"), SUBJECT);
	assert_string_equal(hdr(msg, "From"), SENDER);
	assert_string_equal(hdr(msg, "To"), CITIZEN);
	assert_string_equal(hdr(msg, "Date"), "Wed, 18 Nov 2026 18:06:40 +0700");
	assert_string_equal(hdr(msg, "MIME-Version"), "1.0");
	assert_string_equal(hdr(msg, "Auto-Submitted"), "auto-generated");
	snprintf(text, sizeof(text), "<motcua.%lld.%lld@thanhxuan.example.vn>", (long long)id,
		 (long long)NOW);
	assert_string_equal(hdr(msg, "Message-ID"), text);
	assert_string_equal(json_string_value(json_object_get(msg, "content_type")), "text/plain");
	assert_string_equal(json_string_value(json_object_get(msg, "charset")), "utf-8");
	assert_string_equal(hdr(msg, "Content-Transfer-Encoding"), "base64");
	body = lf(json_string_value(json_object_get(msg, "body")));
	assert_string_equal(body, BODY);
	free(body);
	/* CRLF lines, none past 78 characters, a header of plain ASCII, nothing Python found wrong */
	assert_true(json_is_true(json_object_get(msg, "crlf")));
	assert_true(json_integer_value(json_object_get(msg, "longest_line")) <= 78);
	assert_true(json_is_true(json_object_get(msg, "header_ascii")));
	assert_int_equal(json_array_size(json_object_get(msg, "defects")), 0);
	raw = sink_raw(&sink, 1);
	assert_non_null(raw);
	assert_non_null(strstr(raw, "\r\nSubject: =?UTF-8?B?"));
	free(raw);
	json_decref(msg);

	/*
	 * A plain ASCII message goes as 7bit: lines that begin with a dot come
	 * through (SMTP dot-stuffing), a subject that looks like an encoded-word
	 * is encoded so that it reads as typed, a long subject and a 4-byte
	 * character are folded and cut on character boundaries.
	 */
	queue(fx->db, CITIZEN, "Price =?UTF-8?B?SGk=?= today", "Line one\n.\n..two\r\n.three", NULL, NOW);
	queue(fx->db, CITIZEN,
	      "Thông báo: hồ sơ của ông/bà đã có kết quả 🙂 — xin mời đến Bộ phận Một cửa UBND phường Nhân "
	      "Chính để nhận kết quả",
	      "Kết quả 🙂", "000.01.15.H26-261118-0002", NOW);
	assert_int_equal(mail_send_due(fx->db, &cfg, NOW), 2);
	assert_int_equal(sink_wait(&sink, 3, 2000), 3);
	msg = sink_message(&sink, 2);
	assert_string_equal(hdr(msg, "Subject"), "Price =?UTF-8?B?SGk=?= today");
	assert_string_equal(hdr(msg, "Content-Transfer-Encoding"), "7bit");
	body = lf(json_string_value(json_object_get(msg, "body")));
	assert_string_equal(body, "Line one\n.\n..two\n.three\n");
	free(body);
	json_decref(msg);
	msg = sink_message(&sink, 3);
	assert_string_equal(
		hdr(msg, "Subject"),
		"Thông báo: hồ sơ của ông/bà đã có kết quả 🙂 — xin mời đến Bộ phận Một cửa UBND "
		"phường Nhân Chính để nhận kết quả");
	assert_true(json_integer_value(json_object_get(msg, "longest_line")) <= 78);
	assert_int_equal(json_array_size(json_object_get(msg, "defects")), 0);
	body = lf(json_string_value(json_object_get(msg, "body")));
	assert_string_equal(body, "Kết quả 🙂\n");
	free(body);
	json_decref(msg);
	sink_stop(&sink);
}

static void unreachable_server_backs_off(void **state)
{
	struct fixture *fx = *state;
	struct mail_config cfg = { NULL, SENDER, NULL, NULL };
	char url[64], err[512];
	int64_t id, other;

	snprintf(url, sizeof(url), "smtp://127.0.0.1:%u", sink_free_port()); /* nothing listens there */
	cfg.smtp_url = url;
	id = queue(fx->db, CITIZEN, SUBJECT, BODY, "000.01.15.H26-261118-0001", NOW);
	other = queue(fx->db, CITIZEN, SUBJECT, BODY, "000.01.15.H26-261118-0002", NOW);
	/* the first attempt fails; the look ends there (the server is down for the other too) */
	assert_int_equal(mail_send_due(fx->db, &cfg, NOW), 1);
	expect_status(fx->db, id, "queued");
	assert_int_equal(scalar(fx->db, "SELECT attempts FROM mail_outbox WHERE id = ?", id), 1);
	assert_int_equal(scalar(fx->db, "SELECT next_at FROM mail_outbox WHERE id = ?", id), NOW + 60);
	column(fx->db, "last_error", id, err, sizeof(err));
	assert_non_null(strstr(err, "connect"));
	assert_null(strstr(err, CITIZEN));
	assert_int_equal(scalar(fx->db, "SELECT attempts FROM mail_outbox WHERE id = ?", other), 0);
	/* the next look takes the other; the first is not due before its back-off */
	assert_int_equal(mail_send_due(fx->db, &cfg, NOW + 59), 1);
	assert_int_equal(scalar(fx->db, "SELECT attempts FROM mail_outbox WHERE id = ?", other), 1);
	assert_int_equal(scalar(fx->db, "SELECT attempts FROM mail_outbox WHERE id = ?", id), 1);
	assert_int_equal(mail_send_due(fx->db, &cfg, NOW + 59), 0);
	/* the second failure doubles the wait */
	assert_int_equal(mail_send_due(fx->db, &cfg, NOW + 60), 1);
	assert_int_equal(scalar(fx->db, "SELECT attempts FROM mail_outbox WHERE id = ?", id), 2);
	assert_int_equal(scalar(fx->db, "SELECT next_at FROM mail_outbox WHERE id = ?", id), NOW + 60 + 120);
	expect_status(fx->db, id, "queued");
}

static void failed_after_twelve_attempts(void **state)
{
	struct fixture *fx = *state;
	struct mail_config cfg = { NULL, SENDER, NULL, NULL };
	char url[64], err[512];
	int64_t id, t = NOW;

	snprintf(url, sizeof(url), "smtp://127.0.0.1:%u", sink_free_port());
	cfg.smtp_url = url;
	id = queue(fx->db, CITIZEN, SUBJECT, BODY, "000.01.15.H26-261118-0001", NOW);
	for (int i = 1; i <= MAIL_MAX_ATTEMPTS; i++) {
		assert_int_equal(mail_send_due(fx->db, &cfg, t), 1);
		assert_int_equal(scalar(fx->db, "SELECT attempts FROM mail_outbox WHERE id = ?", id), i);
		if (i < MAIL_MAX_ATTEMPTS) {
			expect_status(fx->db, id, "queued");
			assert_int_equal(scalar(fx->db, "SELECT next_at FROM mail_outbox WHERE id = ?", id),
					 t + mail_backoff(i));
			t += mail_backoff(i);
		}
	}
	expect_status(fx->db, id, "failed");
	column(fx->db, "last_error", id, err, sizeof(err));
	assert_non_null(strstr(err, "connect"));
	assert_int_equal(scalar(fx->db, "SELECT sent_at FROM mail_outbox WHERE id = ?", id), -1);
	/* never tried again, even when the server is back */
	assert_int_equal(mail_send_due(fx->db, &cfg, t + 30 * 86400), 0);
	assert_int_equal(scalar(fx->db, "SELECT attempts FROM mail_outbox WHERE id = ?", id),
			 MAIL_MAX_ATTEMPTS);
}

/* ---- several senders on one database ---- */

static void one_claim_wins(void **state)
{
	struct fixture *fx = *state;
	struct smtp_sink sink;
	struct mail_config cfg = { NULL, SENDER, NULL, NULL };
	struct db *other;
	char *err = NULL;
	int64_t id, seen;

	other = db_open(fx->path, &err);
	assert_non_null(other);
	id = queue(fx->db, CITIZEN, SUBJECT, BODY, "000.01.15.H26-261118-0001", NOW);
	seen = scalar(fx->db, "SELECT next_at FROM mail_outbox WHERE id = ?", id);
	/* both saw it due at `seen`: the first claim wins, the second changes nothing */
	assert_int_equal(mail_claim(fx->db, id, seen, NOW), 1);
	assert_int_equal(mail_claim(other, id, seen, NOW), 0);
	assert_int_equal(mail_claim(fx->db, id, seen, NOW), 0);
	assert_int_equal(scalar(other, "SELECT attempts FROM mail_outbox WHERE id = ?", id), 1);
	assert_int_equal(scalar(other, "SELECT next_at FROM mail_outbox WHERE id = ?", id), NOW + MAIL_LEASE);
	/* while the claim holds, the other sender does not see it due */
	if (sink_start(&sink))
		fail_msg("the SMTP sink did not start");
	cfg.smtp_url = sink.url;
	assert_int_equal(mail_send_due(other, &cfg, NOW + MAIL_LEASE - 1), 0);
	/* its sender never recorded the attempt (it crashed): once the lease is over, another sends it */
	assert_int_equal(mail_send_due(other, &cfg, NOW + MAIL_LEASE), 1);
	assert_int_equal(sink_count(&sink), 1);
	expect_status(fx->db, id, "sent");
	assert_int_equal(scalar(fx->db, "SELECT attempts FROM mail_outbox WHERE id = ?", id), 2);
	sink_stop(&sink);
	db_close(other);
}

struct sender_run {
	const char *path;
	const struct mail_config *cfg;
	int sent;
};

static void *run_sender(void *arg)
{
	struct sender_run *r = arg;
	char *err = NULL;
	struct db *db = db_open(r->path, &err);
	int n;
	free(err);
	r->sent = -1000;
	if (!db)
		return NULL;
	r->sent = 0;
	while ((n = mail_send_due(db, r->cfg, NOW)) > 0)
		r->sent += n;
	if (n < 0)
		r->sent = n - 1000;
	db_close(db);
	return NULL;
}

static void two_senders_send_each_message_once(void **state)
{
	struct fixture *fx = *state;
	struct smtp_sink sink;
	struct mail_config cfg = { NULL, SENDER, NULL, NULL };
	struct sender_run runs[2];
	pthread_t threads[2];
	char seen[20][96];
	enum {
		N = 20
	};

	if (sink_start(&sink))
		fail_msg("the SMTP sink did not start");
	cfg.smtp_url = sink.url;
	for (int i = 0; i < N; i++)
		queue(fx->db, CITIZEN, SUBJECT, BODY, NULL, NOW);
	for (int i = 0; i < 2; i++) {
		runs[i] = (struct sender_run){ fx->path, &cfg, 0 };
		assert_int_equal(pthread_create(&threads[i], NULL, run_sender, &runs[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(threads[i], NULL);
	print_message("# senders sent %d and %d\n", runs[0].sent, runs[1].sent);
	assert_true(runs[0].sent >= 0 && runs[1].sent >= 0);
	assert_int_equal(runs[0].sent + runs[1].sent, N);
	assert_int_equal(sink_wait(&sink, N + 1, 500), N);
	assert_int_equal(scalar(fx->db,
				"SELECT COUNT(*) FROM mail_outbox WHERE status = 'sent' AND attempts = 1", 0),
			 N);
	/* twenty different messages */
	for (int i = 0; i < N; i++) {
		json_t *msg = sink_message(&sink, i + 1);
		assert_non_null(msg);
		snprintf(seen[i], sizeof(seen[i]), "%s", hdr(msg, "Message-ID"));
		for (int j = 0; j < i; j++)
			assert_string_not_equal(seen[i], seen[j]);
		json_decref(msg);
	}
	sink_stop(&sink);
}

/* ---- the sender thread ---- */

static int64_t wait_sent(struct db *db, int64_t id, int timeout_ms)
{
	int64_t start = time_mono_us();
	while (time_mono_us() - start < (int64_t)timeout_ms * 1000) {
		if (scalar(db, "SELECT COUNT(*) FROM mail_outbox WHERE id = ? AND status = 'sent'", id) == 1)
			return (time_mono_us() - start) / 1000;
		sink_sleep_ms(20);
	}
	return -1;
}

static void thread_wakes_polls_and_stops(void **state)
{
	struct fixture *fx = *state;
	struct smtp_sink sink;
	struct mail_config cfg = { NULL, SENDER, NULL, NULL };
	int64_t id, ms, now = time_now_us() / 1000000;

	if (sink_start(&sink))
		fail_msg("the SMTP sink did not start");
	cfg.smtp_url = sink.url;
	/* a bad configuration does not start */
	{
		struct mail_config bad = { "http://127.0.0.1:1", SENDER, NULL, NULL };
		assert_int_equal(mail_start(fx->path, &bad), -1);
		bad.smtp_url = sink.url;
		bad.from = "not an address";
		assert_int_equal(mail_start(fx->path, &bad), -1);
	}
	/* no SMTP server: no thread, and waking it or stopping it is harmless */
	{
		struct mail_config none = { "", SENDER, NULL, NULL };
		assert_int_equal(mail_start(fx->path, &none), 0);
		mail_wake();
		mail_stop();
	}
	assert_int_equal(mail_start(fx->path, &cfg), 0);
	/* the first look at start may take a moment; then a wake after a commit sends at once */
	sink_sleep_ms(300);
	id = queue(fx->db, CITIZEN, SUBJECT, BODY, "000.01.15.H26-261118-0001", now);
	mail_wake();
	ms = wait_sent(fx->db, id, 5000);
	print_message("# sent %lld ms after the wake\n", (long long)ms);
	assert_true(ms >= 0 && ms < (MAIL_POLL * 1000) / 2);
	assert_int_equal(sink_wait(&sink, 1, 1000), 1);
	/* without a wake (another process queued it), the periodic look finds it */
	id = queue(fx->db, CITIZEN, SUBJECT, BODY, "000.01.15.H26-261118-0002", now);
	ms = wait_sent(fx->db, id, (MAIL_POLL + 3) * 1000);
	print_message("# sent %lld ms after it was queued, without a wake\n", (long long)ms);
	assert_true(ms >= 0);
	assert_int_equal(sink_wait(&sink, 2, 1000), 2);
	/* stopping is prompt */
	{
		int64_t start = time_mono_us();
		mail_stop();
		assert_true(time_mono_us() - start < 2000000);
	}
	/* once stopped nothing more goes out */
	queue(fx->db, CITIZEN, SUBJECT, BODY, NULL, now);
	mail_wake();
	sink_sleep_ms(500);
	assert_int_equal(sink_count(&sink), 2);
	sink_stop(&sink);
}

/*
 * A server that takes the connection and never greets (hung): stopping the
 * sender does not wait for the 60 s timeout, and the message goes back to
 * the outbox untried, due at once for the next start.
 */
static void stop_gives_back_a_message_still_connecting(void **state)
{
	struct fixture *fx = *state;
	struct mail_config cfg = { NULL, SENDER, NULL, NULL };
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	char url[64], err[64];
	int64_t id, start, now = time_now_us() / 1000000;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 8), 0); /* the kernel completes the handshake; nobody answers */
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%u", (unsigned)ntohs(a.sin_port));
	cfg.smtp_url = url;

	id = queue(fx->db, CITIZEN, SUBJECT, BODY, "000.01.15.H26-261118-0001", now);
	assert_int_equal(mail_start(fx->path, &cfg), 0);
	mail_wake();
	/* the sender has claimed it and waits for the greeting */
	for (int i = 0; i < 100 && scalar(fx->db, "SELECT attempts FROM mail_outbox WHERE id = ?", id) == 0;
	     i++)
		sink_sleep_ms(20);
	assert_int_equal(scalar(fx->db, "SELECT attempts FROM mail_outbox WHERE id = ?", id), 1);
	sink_sleep_ms(300);
	start = time_mono_us();
	mail_stop();
	print_message("# stopped in %lld ms\n", (long long)(time_mono_us() - start) / 1000);
	assert_true(time_mono_us() - start < 3000000);
	expect_status(fx->db, id, "queued");
	assert_int_equal(scalar(fx->db, "SELECT attempts FROM mail_outbox WHERE id = ?", id), 0);
	assert_true(scalar(fx->db, "SELECT next_at FROM mail_outbox WHERE id = ?", id) <=
		    time_now_us() / 1000000);
	assert_string_equal(column(fx->db, "last_error", id, err, sizeof(err)), "");
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(enqueue_refuses_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(enqueue_stores_the_message, setup, teardown),
		cmocka_unit_test(backoff_doubles_to_six_hours),
		cmocka_unit_test_setup_teardown(sent_to_the_sink, setup, teardown),
		cmocka_unit_test_setup_teardown(unreachable_server_backs_off, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_after_twelve_attempts, setup, teardown),
		cmocka_unit_test_setup_teardown(one_claim_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(two_senders_send_each_message_once, setup, teardown),
		cmocka_unit_test_setup_teardown(thread_wakes_polls_and_stops, setup, teardown),
		cmocka_unit_test_setup_teardown(stop_gives_back_a_message_still_connecting, setup, teardown),
	};
	int rc;
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT))
		return 1;
	cmocka_set_message_output(CM_OUTPUT_TAP);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
