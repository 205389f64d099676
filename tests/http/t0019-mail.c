/*
 * t0019-mail: email to citizens through `motcua serve` (features/mail.c):
 * a message put in the outbox of the server's database is delivered by the
 * server's own sender to a local SMTP sink (tests/smtp_sink.py, Debian's
 * python3-aiosmtpd) with its Vietnamese subject intact; without --smtp it
 * waits in the outbox and goes once a server with --smtp runs; two servers on
 * one database send each message once; the server's log names messages by
 * kind and dossier code only, and the sender stops before the database closes.
 * The dossier code that will queue these messages comes later: the test
 * queues them with mail_enqueue on its own connection, as another process
 * would, so the server's periodic look (MAIL_POLL) must find them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/timefmt.h"
#include "features/mail.h"
#include "harness.h"
#include "smtp_sink.h"
#include "store/db.h"

#define CITIZEN "tran.thi.binh@example.vn"
#define SENDER	"motcua@thanhxuan.example.vn"
#define CODE	"000.01.15.H26-261118-0001"
#define SUBJECT "Hồ sơ " CODE " đã được tiếp nhận"
#define BODY                                                                              \
	"Kính gửi bà Trần Thị Bình,\n\n"                                         \
	"Bộ phận Một cửa UBND phường Nhân Chính đã tiếp nhận hồ sơ " CODE " của bà.\n" \
	"Ngày hẹn trả kết quả: 19/11/2026. Tra cứu tại https://thanhxuan.example.vn/tra-cuu\n"

static struct test_server srv, peer;
static struct smtp_sink sink;
static struct db *db;
static const char *smtp_args[5];

static int64_t now_s(void)
{
	return time_now_us() / 1000000;
}

static int64_t scalar(const char *sql)
{
	struct db_stmt *st;
	int64_t v;
	int rc = db_query(db, &st, sql, NULL);
	if (rc != DB_ROW)
		fail_msg("\"%s\" gave %d: %s", sql, rc, db_errmsg(db));
	v = db_col_is_null(st, 0) ? -1 : db_col_int(st, 0);
	while ((rc = db_step(st)) == DB_ROW)
		;
	assert_int_equal(rc, DB_DONE);
	return v;
}

/* Queue `n` messages in one transaction, as the dossier code will after a commit. */
static void queue(int n, const char *ref)
{
	assert_int_equal(db_begin(db), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(mail_enqueue(db, CITIZEN, SUBJECT, BODY, "dossier.received", ref, now_s()),
				 0);
	assert_int_equal(db_commit(db), 0);
}

static char *slurp(const char *path)
{
	char *data = NULL;
	long len;
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (len = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET) &&
	    (data = malloc((size_t)len + 1))) {
		size_t got = fread(data, 1, (size_t)len, f);
		data[got] = '\0';
	}
	fclose(f);
	return data;
}

static int count_in(const char *text, const char *word)
{
	int n = 0;
	for (const char *p = text; (p = strstr(p, word)); p += strlen(word))
		n++;
	return n;
}

/* SIGTERM and wait for a clean exit; the folder and the log stay. */
static int stop_keep(struct test_server *s)
{
	kill(s->pid, SIGTERM);
	return ts_wait_exit(s, 15000);
}

static int setup(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (sink_start(&sink))
		return -1;
	smtp_args[0] = "--smtp";
	smtp_args[1] = sink.url;
	smtp_args[2] = "--mail-from";
	smtp_args[3] = SENDER;
	smtp_args[4] = NULL;
	return ts_init(&srv);
}

static int teardown(void **state)
{
	(void)state;
	db_close(db);
	if (peer.pid > 0)
		ts_stop(&peer);
	ts_stop(&srv);
	sink_stop(&sink);
	curl_global_cleanup();
	return 0;
}

/* Without --smtp the server sends nothing: a message waits in the outbox, recorded. */
static void test_waits_without_smtp(void **state)
{
	char *err = NULL, *log;
	(void)state;
	assert_int_equal(ts_launch(&srv, NULL, NULL), 0);
	db = db_open(srv.db, &err);
	if (!db)
		fail_msg("cannot open %s: %s", srv.db, err ? err : "?");
	queue(1, CODE);
	sleep(MAIL_POLL + 1);
	assert_int_equal(scalar("SELECT COUNT(*) FROM mail_outbox WHERE status = 'queued' AND attempts = 0"),
			 1);
	assert_int_equal(sink_count(&sink), 0);
	assert_int_equal(stop_keep(&srv), 0);
	log = slurp(srv.log);
	assert_non_null(log);
	assert_non_null(
		strstr(log, "event=mail msg=\"no SMTP server configured: messages stay in the outbox\""));
	free(log);
}

/* A server with --smtp delivers what waited, then what is queued while it runs, without a wake. */
static void test_delivered_through_serve(void **state)
{
	json_t *msg;
	const char *subject, *body;
	char *lf;
	(void)state;
	assert_int_equal(ts_launch(&srv, NULL, smtp_args), 0);
	/* the sender's first look is at its start */
	assert_int_equal(sink_wait(&sink, 1, 5000), 1);
	msg = sink_message(&sink, 1);
	assert_non_null(msg);
	subject = json_string_value(json_object_get(json_object_get(msg, "headers"), "Subject"));
	assert_non_null(subject);
	assert_string_equal(subject, "Hồ sơ 000.01.15.H26-261118-0001 đã được tiếp nhận");
	assert_string_equal(json_string_value(json_array_get(json_object_get(msg, "rcpt_tos"), 0)), CITIZEN);
	assert_string_equal(json_string_value(json_object_get(msg, "mail_from")), SENDER);
	assert_string_equal(json_string_value(json_object_get(msg, "charset")), "utf-8");
	assert_int_equal(json_array_size(json_object_get(msg, "defects")), 0);
	body = json_string_value(json_object_get(msg, "body"));
	assert_non_null(body);
	lf = strdup(body);
	{
		char *w = lf;
		for (const char *p = body; *p; p++)
			if (!(p[0] == '\r' && p[1] == '\n'))
				*w++ = *p;
		*w = '\0';
	}
	assert_string_equal(lf, BODY);
	free(lf);
	json_decref(msg);
	/* recorded as sent, at the first attempt */
	for (int i = 0; i < 100 && scalar("SELECT COUNT(*) FROM mail_outbox WHERE status = 'sent'") < 1; i++)
		sink_sleep_ms(50);
	assert_int_equal(scalar("SELECT COUNT(*) FROM mail_outbox WHERE status = 'sent' AND attempts = 1 AND"
				" sent_at IS NOT NULL AND last_error IS NULL"),
			 1);

	/* queued while it runs, by another process: the periodic look finds it */
	queue(1, "000.01.15.H26-261118-0002");
	assert_int_equal(sink_wait(&sink, 2, (MAIL_POLL + 5) * 1000), 2);
	msg = sink_message(&sink, 2);
	assert_string_equal(json_string_value(json_object_get(json_object_get(msg, "headers"), "Subject")),
			    SUBJECT);
	json_decref(msg);
}

/* Two servers on one database (a deployment past one machine): each message goes once. */
static void test_two_servers_send_once(void **state)
{
	enum {
		N = 12
	};
	(void)state;
	assert_int_equal(ts_start_peer(&peer, &srv, smtp_args), 0);
	queue(N, "000.01.15.H26-261118-0003");
	assert_int_equal(sink_wait(&sink, 2 + N, (MAIL_POLL + 10) * 1000), 2 + N);
	/* and no second copy comes later */
	sleep(MAIL_POLL + 1);
	assert_int_equal(sink_count(&sink), 2 + N);
	assert_int_equal(scalar("SELECT COUNT(*) FROM mail_outbox WHERE status = 'sent' AND attempts = 1"),
			 2 + N);
	assert_int_equal(ts_stop(&peer), 0);
}

/*
 * The log says which message went (id, kind, dossier code), never to whom
 * or what it said; on SIGTERM the sender stops before the database closes.
 */
static void test_log_and_stop(void **state)
{
	char *log, *peer_log;
	const char *stopped, *closed;
	(void)state;
	assert_int_equal(stop_keep(&srv), 0);
	log = slurp(srv.log);
	peer_log = slurp(peer.log);
	assert_non_null(log);
	assert_non_null(peer_log);
	assert_non_null(strstr(log, "event=mail msg=\"sender started\" smtp=smtp://127.0.0.1:"));
	assert_non_null(
		strstr(log, "event=mail id=1 kind=dossier.received ref=" CODE " status=sent attempts=1"));
	/* the twelve went once in all, whichever server sent each */
	assert_int_equal(count_in(log, "ref=000.01.15.H26-261118-0003 status=sent") +
				 count_in(peer_log, "ref=000.01.15.H26-261118-0003 status=sent"),
			 12);
	for (int i = 0; i < 2; i++) {
		const char *text = i ? peer_log : log;
		assert_null(strstr(text, CITIZEN));
		assert_null(strstr(text, "Trần Thị Bình"));
		assert_null(strstr(text, "tiếp nhận"));
	}
	stopped = strstr(log, "event=mail msg=\"sender stopped\"");
	closed = strstr(log, "msg=\"database closed cleanly\"");
	assert_non_null(stopped);
	assert_non_null(closed);
	/* the last start's lines: the stop of this run comes after its own start */
	while (strstr(closed + 1, "msg=\"database closed cleanly\""))
		closed = strstr(closed + 1, "msg=\"database closed cleanly\"");
	assert_true(stopped < closed);
	free(log);
	free(peer_log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_waits_without_smtp),
		cmocka_unit_test(test_delivered_through_serve),
		cmocka_unit_test(test_two_servers_send_once),
		cmocka_unit_test(test_log_and_stop),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
