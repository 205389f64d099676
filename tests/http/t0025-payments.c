/*
 * t0025-payments: paying a dossier's fee online through the sandbox provider
 * (tests/payment_gateway.py, started here on a loopback port): the citizen starts a payment
 * from the lookup with the dossier's code and 4 digits; a failed payment leaves the dossier
 * awaiting its fee; a callback with a bad signature changes nothing; a confirmed payment issues
 * one online receipt — the same callback twice issues no second — and the dossier goes on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness.h"
#include "smtp_sink.h"
#include "store/db.h"

#define AWAITING_FEE "2.001035" /* the demo's ward dossier waiting for its fee */

static struct test_server srv, gw;
static pid_t gw_pid;
static char code[64], check[8], secret_file[320], callback[128];
static long long dossier_id;

static int gateway_start(void)
{
	char port[16];
	unsigned p = sink_free_port();
	snprintf(port, sizeof(port), "%u", p);
	snprintf(gw.base, sizeof(gw.base), "http://127.0.0.1:%u", p);
	gw_pid = fork();
	if (gw_pid < 0)
		return -1;
	if (gw_pid == 0) {
		execl("/usr/bin/python3", "python3", SOURCE_ROOT "/tests/payment_gateway.py", port,
		      secret_file, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		struct http_resp r;
		resp_init(&r);
		if (!http_get(&gw, "/pay?payment=0", &r) && r.status == 200) {
			resp_free(&r);
			return 0;
		}
		resp_free(&r);
		sink_sleep_ms(50);
	}
	return -1;
}

static int setup(void **state)
{
	const char *extra[7];
	FILE *f;
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ts_init(&srv) || ts_demo(&srv))
		return -1;
	snprintf(secret_file, sizeof(secret_file), "%s/payment-secret", srv.dir);
	if (!(f = fopen(secret_file, "w")))
		return -1;
	fputs("sandbox-secret-shared-with-motcua-tests\n", f);
	fclose(f);
	if (gateway_start())
		return -1;
	extra[0] = "--payment-gateway";
	extra[1] = gw.base;
	extra[2] = "--payment-secret-file";
	extra[3] = secret_file;
	extra[4] = "--public-url";
	extra[5] = "@BASE@";
	extra[6] = NULL;
	if (ts_launch(&srv, NULL, extra))
		return -1;
	snprintf(callback, sizeof(callback), "%s/api/v1/payments/callback", srv.base);
	{
		char *err = NULL;
		struct db *db = db_open(srv.db, &err);
		struct db_stmt *st;
		if (!db ||
		    db_query(db, &st,
			     "SELECT id, code, a_phone FROM dossiers WHERE status = 5 AND procedure_code = '" AWAITING_FEE
			     "'",
			     NULL) != DB_ROW)
			return -1;
		dossier_id = db_col_int(st, 0);
		snprintf(code, sizeof(code), "%s", db_col_text(st, 1));
		snprintf(check, sizeof(check), "%s", db_col_text(st, 2) + strlen(db_col_text(st, 2)) - 4);
		db_release_statements(db);
		db_close(db);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (gw_pid > 0) {
		kill(gw_pid, SIGTERM);
		waitpid(gw_pid, NULL, 0);
	}
	int rc = ts_stop(&srv);
	curl_global_cleanup();
	return rc;
}

/* Start a payment as the citizen would from the lookup: its id and amount. */
static long long start(long long *amount)
{
	char body[256];
	long got;
	json_t *j;
	long long id;
	snprintf(body, sizeof(body), "{\"dossier\":\"%s\",\"check\":\"%s\"}", code, check);
	j = ts_json(&srv, NULL, "POST", "/api/v1/public/payments", body, 201, &got);
	if (!j)
		fail_msg("starting a payment: status %ld", got);
	id = (long long)json_integer_value(json_object_get(j, "payment"));
	*amount = (long long)json_integer_value(json_object_get(j, "amount"));
	{
		char want[128];
		snprintf(want, sizeof(want), "%s/pay?payment=%lld&", gw.base, id);
		assert_memory_equal(json_string_value(json_object_get(j, "redirect_url")), want,
				    strlen(want));
	}
	json_decref(j);
	return id;
}

/* The provider tells motcua `outcome` for payment `id`, `times` times: motcua's answers. */
static json_t *provider(long long id, long long amount, const char *outcome, int times, int bad)
{
	char body[512];
	struct http_resp r;
	const char *const headers[] = { "Content-Type: application/json", NULL };
	json_t *j;
	snprintf(body, sizeof(body),
		 "{\"payment\":%lld,\"amount\":%lld,\"callback\":\"%s\",\"outcome\":\"%s\",\"times\":%d,"
		 "\"bad_signature\":%s}",
		 id, amount, callback, outcome, times, bad ? "true" : "false");
	resp_init(&r);
	assert_int_equal(http_req(&gw, "POST", "/test/callback", headers, body, strlen(body), &r), 0);
	assert_int_equal(r.status, 200);
	j = json_loads(r.body.ptr, 0, NULL);
	resp_free(&r);
	assert_non_null(j);
	return j;
}

static long long status_of(int i, const json_t *j)
{
	return (long long)json_integer_value(json_array_get(json_object_get(j, "statuses"), (size_t)i));
}

static long long dossier_status(void)
{
	return ts_sql_int(&srv, "SELECT status FROM dossiers WHERE id = ?", "i", dossier_id, 0);
}

static long long receipts_of_dossier(void)
{
	return ts_sql_int(&srv, "SELECT COUNT(*) FROM receipts WHERE dossier_id = ?", "i", dossier_id, 0);
}

static void pay_online(void **state)
{
	long long p1, p2, amount;
	json_t *j;
	struct http_resp r;
	char path[256], body[256];
	(void)state;

	/* the lookup offers to pay */
	resp_init(&r);
	snprintf(path, sizeof(path), "/tra-cuu?code=%s&check=%s", code, check);
	assert_int_equal(http_get(&srv, path, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "/tra-cuu/thanh-toan"));
	resp_free(&r);
	/* wrong digits: nothing started */
	snprintf(body, sizeof(body), "{\"dossier\":\"%s\",\"check\":\"0000\"}", code);
	if (strcmp(check, "0000"))
		json_decref(ts_json(&srv, NULL, "POST", "/api/v1/public/payments", body, 404, NULL));
	assert_int_equal(ts_sql_int(&srv, "SELECT COUNT(*) FROM payments", NULL, 0, 0), 0);

	/* the payer gives up: the dossier still awaits its fee */
	p1 = start(&amount);
	assert_true(amount > 0);
	j = provider(p1, amount, "failed", 1, 0);
	assert_int_equal(status_of(0, j), 200);
	json_decref(j);
	assert_int_equal(ts_sql_int(&srv, "SELECT status FROM payments WHERE id = ?", "i", p1, 0), 3);
	assert_int_equal(dossier_status(), 5);
	assert_int_equal(receipts_of_dossier(), 0);

	/* a callback not signed by the provider's secret changes nothing */
	p2 = start(&amount);
	assert_true(p2 != p1);
	/* started again while it is pending: the same payment, not a second one */
	{
		long long again, amount2;
		again = start(&amount2);
		assert_int_equal(again, p2);
		assert_int_equal(amount2, amount);
	}
	j = provider(p2, amount, "paid", 1, 1);
	assert_int_equal(status_of(0, j), 401);
	json_decref(j);
	assert_int_equal(ts_sql_int(&srv, "SELECT status FROM payments WHERE id = ?", "i", p2, 0), 1);
	assert_int_equal(dossier_status(), 5);
	assert_int_equal(receipts_of_dossier(), 0);

	/* confirmed, and told twice: one receipt, paid online, and the dossier goes on */
	j = provider(p2, amount, "paid", 2, 0);
	assert_int_equal(status_of(0, j), 200);
	assert_int_equal(status_of(1, j), 200);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "bodies"), 0)),
			    json_string_value(json_array_get(json_object_get(j, "bodies"), 1)));
	json_decref(j);
	assert_int_equal(receipts_of_dossier(), 1);
	assert_int_equal(
		ts_sql_int(&srv, "SELECT method FROM receipts WHERE dossier_id = ?", "i", dossier_id, 0), 3);
	assert_int_equal(ts_sql_int(&srv, "SELECT total FROM receipts WHERE dossier_id = ?", "i", dossier_id,
				    0),
			 amount);
	assert_int_equal(ts_sql_int(&srv, "SELECT status FROM payments WHERE id = ?", "i", p2, 0), 2);
	assert_int_equal(ts_sql_int(&srv, "SELECT receipt_id FROM payments WHERE id = ?", "i", p2, 0),
			 ts_sql_int(&srv, "SELECT id FROM receipts WHERE dossier_id = ?", "i", dossier_id,
				    0));
	assert_int_equal(dossier_status(), 3);
	/* a failure told afterwards does not undo it */
	j = provider(p2, amount, "failed", 1, 0);
	assert_int_equal(status_of(0, j), 409);
	json_decref(j);
	assert_int_equal(ts_sql_int(&srv, "SELECT status FROM payments WHERE id = ?", "i", p2, 0), 2);
	/* each outcome is in the audit chain */
	assert_int_equal(ts_sql_int(&srv, "SELECT COUNT(*) FROM audit_log WHERE actor = 'payment:sandbox'",
				    NULL, 0, 0),
			 2);
	/* nothing left to pay */
	snprintf(body, sizeof(body), "{\"dossier\":\"%s\",\"check\":\"%s\"}", code, check);
	json_decref(ts_json(&srv, NULL, "POST", "/api/v1/public/payments", body, 409, NULL));
}

/*
 * Paid online while the fee was paid at the counter meanwhile: the money is recorded as a
 * payment to refund and no second receipt is issued.
 */
static void paid_after_the_counter_is_recorded(void **state)
{
	struct ts_user clerk;
	long long p, amount, book, id;
	char body[512];
	long got;
	json_t *j;
	(void)state;
	/* a second dossier of the ward awaiting its fee: the demo has one, so one more is set up here */
	id = ts_sql_int(
		&srv,
		"SELECT MIN(id) FROM dossiers WHERE status IN (2, 3, 6) AND fee_due > 0 AND fee_paid = 0 AND "
		"receiving_unit = (SELECT receiving_unit FROM dossiers WHERE id = ?)",
		"i", dossier_id, 0);
	assert_true(id > 0);
	{
		char *err = NULL;
		struct db *db = db_open(srv.db, &err);
		struct db_stmt *st;
		assert_non_null(db);
		assert_int_equal(db_exec(db, "UPDATE dossiers SET status = 5 WHERE id = ?", "i", (int64_t)id),
				 0);
		assert_int_equal(db_query(db, &st, "SELECT code, a_phone FROM dossiers WHERE id = ?", "i",
					  (int64_t)id),
				 DB_ROW);
		snprintf(code, sizeof(code), "%s", db_col_text(st, 0));
		snprintf(check, sizeof(check), "%s", db_col_text(st, 1) + strlen(db_col_text(st, 1)) - 4);
		db_release_statements(db);
		db_close(db);
	}
	dossier_id = id;
	p = start(&amount);
	/* meanwhile the citizen pays at the counter */
	assert_int_equal(ts_login(&srv, "motcua.nhanchinh", "ThanhXuan-Demo-2026", &clerk), 201);
	book = ts_sql_int(
		&srv,
		"SELECT b.id FROM receipt_books b JOIN units u ON u.id = b.unit_id WHERE u.agency_code = "
		"'100.01.15.H26'",
		NULL, 0, 0);
	snprintf(body, sizeof(body),
		 "{\"book\":%lld,\"dossier\":\"%s\",\"payer\":{\"name\":\"Người nộp\",\"address\":\"Nhân "
		 "Chính\"},\"method\":\"cash\"}",
		 book, code);
	json_decref(ts_json(&srv, &clerk, "POST", "/api/v1/receipts", body, 201, &got));
	assert_int_equal(got, 201);
	assert_int_equal(receipts_of_dossier(), 1);
	/* the provider's confirmation comes after: recorded, not applied */
	j = provider(p, amount, "paid", 1, 0);
	assert_int_equal(status_of(0, j), 200);
	json_decref(j);
	assert_int_equal(ts_sql_int(&srv, "SELECT status FROM payments WHERE id = ?", "i", p, 0), 4);
	assert_int_equal(receipts_of_dossier(), 1);
	assert_int_equal(ts_sql_int(&srv, "SELECT COUNT(*) FROM audit_log WHERE action = 'payment.unapplied'",
				    NULL, 0, 0),
			 1);
	/* and the report lists it to refund */
	{
		struct ts_user leader;
		json_t *rep, *rec;
		assert_int_equal(ts_login(&srv, "lanhdao", "ThanhXuan-Demo-2026", &leader), 201);
		rep = ts_json(&srv, &leader, "GET", "/api/v1/stats/receipts", NULL, 200, &got);
		assert_non_null(rep);
		rec = json_object_get(rep, "reconciliation");
		assert_int_equal(json_integer_value(json_object_get(rec, "payments_to_refund")), 1);
		assert_true(json_is_false(json_object_get(rec, "reconciled")));
		json_decref(rep);
	}
}

static void bad_callbacks(void **state)
{
	struct http_resp r;
	const char *const headers[] = { "Content-Type: application/json", "X-Signature: sha256=00", NULL };
	const char *body = "{\"payment\":1,\"status\":\"paid\",\"amount\":1}";
	(void)state;
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", "/api/v1/payments/callback", headers, body, strlen(body), &r),
			 0);
	assert_int_equal(r.status, 401);
	assert_non_null(strstr(r.body.ptr, "Chữ ký"));
	resp_free(&r);
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", "/api/v1/payments/callback", NULL, body, strlen(body), &r),
			 0);
	assert_true(r.status == 401 || r.status == 415);
	resp_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pay_online),
		cmocka_unit_test(paid_after_the_counter_is_recorded),
		cmocka_unit_test(bad_callbacks),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("tests", tests, setup, teardown);
}
