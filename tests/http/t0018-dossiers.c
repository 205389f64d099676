/*
 * t0018-dossiers: the one-stop shop as its staff use it: counter intake with codes that are never
 * duplicated or skipped (eight clerks at once too), validation that changes nothing, each transition
 * allowed to its role only, 409 with the actions possible now, the supplement restart, form 04 once and
 * only in time, the verdicts, an inter-level dossier measured per level, queues and the pages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/timefmt.h"
#include "harness.h"
#include "store/db.h"

#define DEMO_PASSWORD "ThanhXuan-Demo-2026"
#define WARD_AGENCY   "000.01.15.H26" /* UBND phường Nhân Chính */
#define DIST_AGENCY   "000.00.15.H26" /* UBND quận Thanh Xuân */
#define THREE_DAYS    "1.001022" /* đăng ký nhận cha, mẹ, con: ward, 3 working days, 2 documents */
#define INTER_LEVEL   "1.001731" /* hỗ trợ chi phí mai táng: received at the ward, decided at the district */
#define DISTRICT_ONLY "1.001612" /* đăng ký thành lập hộ kinh doanh: district */

static struct test_server srv;
/* the ward's clerk, specialist and chairman; the district's clerk, specialist and leader */
static struct ts_user w_clerk, w_spec, w_lead, d_clerk, d_spec, d_lead;

static struct db *open_db(void)
{
	char *err = NULL;
	struct db *db = db_open(srv.db, &err);
	if (!db)
		fail_msg("cannot open the database: %s", err ? err : "?");
	return db;
}

static long long sql_int(const char *sql, const char *arg)
{
	struct db *db = open_db();
	struct db_stmt *st;
	long long v = -1;
	int rc = arg ? db_query(db, &st, sql, "s", arg) : db_query(db, &st, sql, "");
	assert_true(rc >= 0);
	if (rc == DB_ROW)
		v = db_col_int(st, 0);
	db_release_statements(db);
	db_close(db);
	return v;
}

/* The first column of the first row as text (freed by the caller), or NULL. */
static char *sql_text(const char *sql, const char *a, const char *b)
{
	struct db *db = open_db();
	struct db_stmt *st;
	char *v = NULL;
	int rc = db_query(db, &st, sql, "ss", a, b);
	assert_true(rc >= 0);
	if (rc == DB_ROW)
		v = strdup(db_col_text(st, 0));
	db_release_statements(db);
	db_close(db);
	return v;
}

static void sql_exec(const char *sql, int64_t v, const char *code)
{
	struct db *db = open_db();
	assert_int_equal(db_exec(db, sql, "is", v, code), 0);
	db_close(db);
}

static int setup(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ts_init(&srv) || ts_demo(&srv) || ts_launch(&srv, NULL, NULL))
		return -1;
	if (ts_login(&srv, "motcua.nhanchinh", DEMO_PASSWORD, &w_clerk) != 201 ||
	    ts_login(&srv, "tuphap.nhanchinh", DEMO_PASSWORD, &w_spec) != 201 ||
	    ts_login(&srv, "chutich.nhanchinh", DEMO_PASSWORD, &w_lead) != 201 ||
	    ts_login(&srv, "motcua", DEMO_PASSWORD, &d_clerk) != 201 ||
	    ts_login(&srv, "chuyenvien", DEMO_PASSWORD, &d_spec) != 201 ||
	    ts_login(&srv, "lanhdao", DEMO_PASSWORD, &d_lead) != 201)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	int rc = ts_stop(&srv);
	curl_global_cleanup();
	return rc;
}

/* A request as u; the JSON answer (caller frees; NULL when the body is not JSON), *status. */
static json_t *call(const struct ts_user *u, const char *method, const char *path, const char *body,
		    long *status)
{
	struct http_resp r;
	json_t *j;
	resp_init(&r);
	assert_int_equal(ts_as(&srv, u, method, path, body, &r), 0);
	*status = r.status;
	j = json_loads(r.body.ptr ? r.body.ptr : "", 0, NULL);
	resp_free(&r);
	return j;
}

static json_t *call_ok(const struct ts_user *u, const char *method, const char *path, const char *body,
		       long want)
{
	long status;
	json_t *j = call(u, method, path, body, &status);
	if (status != want) {
		char *dump = j ? json_dumps(j, 0) : NULL;
		fail_msg("%s %s: status %ld, wanted %ld: %s", method, path, status, want, dump ? dump : "");
	}
	return j;
}

static const char *jpath(json_t *j, const char *a, const char *b)
{
	json_t *v = json_object_get(j, a);
	if (b)
		v = json_object_get(v, b);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The applicant's email in the next intakes ("" for none). */
static const char *intake_email = "";

/* An intake body for `procedure` with every document ticked. */
static char *intake_body(const char *procedure, const char *name, const char *id_no, const char *phone,
			 int ndocs)
{
	char *s = NULL;
	char docs[64] = "";
	size_t n = 0;
	for (int i = 0; i < ndocs; i++)
		n += (size_t)snprintf(docs + n, sizeof(docs) - n, "%s%d", i ? "," : "", i);
	if (asprintf(&s,
		     "{\"procedure\":\"%s\",\"applicant\":{\"name\":\"%s\",\"id_no\":\"%s\",\"birth\":\"1990-05-12\","
		     "\"phone\":\"%s\",\"email\":\"%s\",\"address\":\"Số 5 ngõ 12 Quan Nhân, Nhân Chính\"},"
		     "\"documents\":[%s]}",
		     procedure, name, id_no, phone, intake_email, docs) < 0)
		abort();
	return s;
}

/* Receive a dossier at the ward's counter; its code into out. */
static void receive(const char *procedure, int ndocs, char *out, size_t n)
{
	char *body = intake_body(procedure, "Nguyễn Thị Hồng Nhung", "001190012345", "0912345678", ndocs);
	json_t *j = call_ok(&w_clerk, "POST", "/api/v1/dossiers", body, 201);
	snprintf(out, n, "%s", jpath(j, "code", NULL));
	json_decref(j);
	free(body);
}

static json_t *act(const struct ts_user *u, const char *code, const char *body, long want)
{
	char path[160];
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s/actions", code);
	return call_ok(u, "POST", path, body, want);
}

static json_t *get_dossier(const struct ts_user *u, const char *code, long want)
{
	char path[160];
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", code);
	return call_ok(u, "GET", path, NULL, want);
}

static int has_action(json_t *list, const char *name)
{
	size_t i;
	json_t *v;
	json_array_foreach(list, i,
			   v) if (!strcmp(json_string_value(json_object_get(v, "name")), name)) return 1;
	return 0;
}

static void today_code_prefix(char *out, size_t n, const char *agency)
{
	struct civil c;
	time_to_civil((int64_t)time(NULL), VN_UTC_OFFSET, &c);
	snprintf(out, n, "%s-%02d%02d%02d-", agency, c.year % 100, c.month, c.day);
}

/* ---- intake ---- */

static void intake_codes_and_validation(void **state)
{
	char code[64], prefix[64], want[128];
	json_t *j;
	long status;
	long long seq, before;
	char *body;
	(void)state;

	today_code_prefix(prefix, sizeof(prefix), WARD_AGENCY);
	snprintf(want, sizeof(want), "%s%%", prefix);
	/* the demo may have received some today already: the next number follows them */
	seq = sql_int("SELECT COUNT(*) FROM dossiers WHERE code LIKE ?", want);
	before = sql_int("SELECT COUNT(*) FROM dossiers", NULL);
	receive(THREE_DAYS, 2, code, sizeof(code));
	snprintf(want, sizeof(want), "%s%04lld", prefix, seq + 1);
	assert_string_equal(code, want);
	j = get_dossier(&w_clerk, code, 200);
	assert_string_equal(jpath(j, "status", NULL), "received");
	assert_non_null(jpath(j, "received_at", NULL));
	assert_non_null(jpath(j, "due_at", NULL));
	assert_true(strcmp(jpath(j, "due_at", NULL), jpath(j, "received_at", NULL)) > 0);
	assert_string_equal(jpath(j, "receiving_unit", "name"), "Phường Nhân Chính");
	assert_int_equal(json_array_size(json_object_get(j, "timeline")), 1);
	assert_true(has_action(json_object_get(j, "actions"), "start"));
	json_decref(j);

	/* another ward's or the district's staff cannot see it */
	json_decref(get_dossier(&d_clerk, code, 404));

	/* bad input: each refused with a message in Vietnamese and nothing recorded */
	body = intake_body(THREE_DAYS, "", "00119001234", "0123", 2);
	j = call_ok(&w_clerk, "POST", "/api/v1/dossiers", body, 422);
	free(body);
	assert_non_null(jpath(j, "error", "message"));
	{
		json_t *f = json_object_get(json_object_get(j, "error"), "fields");
		assert_non_null(json_object_get(f, "applicant.name"));
		assert_non_null(json_object_get(f, "applicant.id_no"));
		assert_non_null(json_object_get(f, "applicant.phone"));
	}
	json_decref(j);
	/* a missing document */
	body = intake_body(THREE_DAYS, "Lê Văn Tám", "001190012345", "0912345678", 1);
	j = call_ok(&w_clerk, "POST", "/api/v1/dossiers", body, 422);
	assert_non_null(strstr(jpath(j, "error", "message"), "giấy tờ"));
	json_decref(j);
	free(body);
	/* a district procedure is not received at a ward */
	body = intake_body(DISTRICT_ONLY, "Lê Văn Tám", "001190012345", "0912345678", 4);
	json_decref(call_ok(&w_clerk, "POST", "/api/v1/dossiers", body, 422));
	free(body);
	/* a procedure not in the catalogue */
	body = intake_body("9.999999", "Lê Văn Tám", "001190012345", "0912345678", 1);
	json_decref(call_ok(&w_clerk, "POST", "/api/v1/dossiers", body, 404));
	free(body);
	/* not JSON */
	json_decref(call(&w_clerk, "POST", "/api/v1/dossiers", "{\"procedure\":", &status));
	assert_int_equal(status, 400);
	/* a specialist does not receive dossiers */
	body = intake_body(THREE_DAYS, "Lê Văn Tám", "001190012345", "0912345678", 2);
	json_decref(call_ok(&w_spec, "POST", "/api/v1/dossiers", body, 403));
	free(body);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM dossiers", NULL), before + 1);

	/* the next good one takes the next number: nothing was skipped */
	receive(THREE_DAYS, 2, code, sizeof(code));
	snprintf(want, sizeof(want), "%s%04lld", prefix, seq + 2);
	assert_string_equal(code, want);
}

struct racer {
	const struct ts_user *u;
	char code[64];
	long status;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	char *body = intake_body(THREE_DAYS, "Trần Văn Đua", "001090012345", "0987654321", 2);
	struct http_resp resp;
	json_t *j;
	resp_init(&resp);
	if (ts_as(&srv, r->u, "POST", "/api/v1/dossiers", body, &resp) == 0) {
		r->status = resp.status;
		j = json_loads(resp.body.ptr ? resp.body.ptr : "", 0, NULL);
		if (j && json_is_string(json_object_get(j, "code")))
			snprintf(r->code, sizeof(r->code), "%s",
				 json_string_value(json_object_get(j, "code")));
		json_decref(j);
	}
	resp_free(&resp);
	free(body);
	return NULL;
}

static void parallel_intakes(void **state)
{
	pthread_t th[8];
	struct racer r[8];
	char prefix[64], like[80];
	long long before, total_before = sql_int("SELECT COUNT(*) FROM dossiers", NULL);
	int seen[9] = { 0 };
	(void)state;
	today_code_prefix(prefix, sizeof(prefix), WARD_AGENCY);
	snprintf(like, sizeof(like), "%s%%", prefix);
	before = sql_int("SELECT COUNT(*) FROM dossiers WHERE code LIKE ?", like);
	for (int i = 0; i < 8; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].u = &w_clerk;
		assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
	}
	for (int i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < 8; i++) {
		int seq;
		assert_int_equal(r[i].status, 201);
		seq = atoi(r[i].code + strlen(r[i].code) - 4);
		/* numbers before + 1 … before + 8, each once */
		assert_true(seq > before && seq <= before + 8);
		assert_int_equal(seen[seq - before], 0);
		seen[seq - before] = 1;
	}
	assert_int_equal(sql_int("SELECT COUNT(*) FROM dossiers", NULL), total_before + 8);
}

/* ---- the lifecycle ---- */

static void main_road(void **state)
{
	char code[64];
	json_t *j;
	(void)state;
	intake_email = "nhung.nguyen@example.vn";
	receive(THREE_DAYS, 2, code, sizeof(code));
	intake_email = "";

	/* approve is not possible yet: 409 with what is possible now */
	j = act(&w_lead, code, "{\"action\":\"approve\"}", 409);
	assert_true(has_action(json_object_get(json_object_get(j, "error"), "allowed"), "start"));
	json_decref(j);
	/* an unknown action */
	json_decref(act(&w_clerk, code, "{\"action\":\"teleport\"}", 422));
	/* the ward's specialist takes it from the counter */
	json_decref(act(&w_spec, code, "{\"action\":\"start\"}", 200));
	j = get_dossier(&w_clerk, code, 200);
	assert_string_equal(jpath(j, "status", NULL), "processing");
	json_decref(j);
	/* the chairman cannot decide before the specialist's step is done: no step is skipped */
	j = act(&w_lead, code, "{\"action\":\"approve\",\"result\":\"x\"}", 409);
	assert_false(has_action(json_object_get(json_object_get(j, "error"), "allowed"), "approve"));
	json_decref(j);
	/* step 2 is the specialist's: the clerk may not pass it on, the leader may not either */
	json_decref(act(&w_clerk, code, "{\"action\":\"forward\"}", 403));
	json_decref(act(&w_spec, code, "{\"action\":\"forward\",\"note\":\"Hồ sơ hợp lệ\"}", 200));
	/* the specialist does not approve; the chairman does */
	json_decref(act(&w_spec, code, "{\"action\":\"approve\"}", 403));
	j = act(&w_lead, code, "{\"action\":\"approve\",\"result\":\"Trích lục đăng ký nhận cha, mẹ, con\"}",
		200);
	assert_string_equal(jpath(j, "status", NULL), "result_ready");
	assert_string_equal(jpath(j, "outcome", NULL), "approved");
	/* decided well before the due instant three working days away */
	assert_string_equal(jpath(j, "verdict", NULL), "early");
	json_decref(j);
	/* the result is handed over at the counter */
	json_decref(act(&w_spec, code, "{\"action\":\"return\"}", 403));
	j = act(&w_clerk, code, "{\"action\":\"return\"}", 200);
	assert_string_equal(jpath(j, "status", NULL), "returned");
	assert_non_null(jpath(j, "returned_at", NULL));
	{
		json_t *steps = json_object_get(j, "steps");
		size_t n = json_array_size(steps);
		for (size_t i = 0; i < n; i++)
			assert_non_null(jpath(json_array_get(steps, i), "finished_at", NULL));
	}
	/* the timeline: intake, start, forward, approve, return */
	assert_int_equal(json_array_size(json_object_get(j, "timeline")), 5);
	json_decref(j);
	/* the citizen is asked by email to rate it, with a link to the rating form that opens */
	{
		char *body = sql_text("SELECT body FROM mail_outbox WHERE kind = ? AND ref = ?",
				      "dossier.returned", code);
		char link[256], *p, *end;
		struct http_resp r;
		assert_non_null(body);
		assert_non_null(strstr(body, "đánh giá mức độ hài lòng"));
		snprintf(link, sizeof(link), "%s/danh-gia/%s?k=", srv.base, code);
		assert_non_null(p = strstr(body, link));
		p += strlen(srv.base);
		end = p + strcspn(p, " \n");
		*end = '\0';
		resp_init(&r);
		assert_int_equal(ts_as(&srv, NULL, "GET", p, NULL, &r), 0);
		assert_int_equal(r.status, 200);
		assert_non_null(strstr(r.body.ptr, code));
		assert_non_null(strstr(r.body.ptr, "name=\"access\""));
		resp_free(&r);
		free(body);
	}
	/* nothing more can happen to a returned dossier */
	j = act(&w_clerk, code, "{\"action\":\"return\"}", 409);
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "error"), "allowed")), 0);
	json_decref(j);
	/* every change is in the audit chain */
	assert_true(sql_int("SELECT COUNT(*) FROM audit_log WHERE object = 'dossier:' || ?", code) >= 5);
	/* the day's statistics counted it */
	assert_true(sql_int("SELECT SUM(early) FROM dossier_stats WHERE procedure_code = ?", THREE_DAYS) >=
		    1);
}

static void supplement_restarts_the_clock(void **state)
{
	char code[64];
	json_t *j;
	long long due_before;
	(void)state;
	receive(THREE_DAYS, 2, code, sizeof(code));
	json_decref(act(&w_clerk, code, "{\"action\":\"start\"}", 200));
	/* the papers asked must be listed */
	json_decref(act(&w_spec, code, "{\"action\":\"request_supplement\",\"note\":\"  \"}", 422));
	j = act(&w_spec, code,
		"{\"action\":\"request_supplement\",\"note\":\"Bản sao giấy khai sinh của người con\"}", 200);
	assert_string_equal(jpath(j, "status", NULL), "supplement");
	assert_true(json_is_true(json_object_get(j, "paused")));
	json_decref(j);
	/* as if the papers came back days later: the deadline had been near */
	sql_exec("UPDATE dossiers SET due_at = ?, first_due_at = due_at WHERE code = ?",
		 (int64_t)time(NULL) - 3600, code);
	sql_exec("UPDATE dossiers SET first_due_at = ? WHERE code = ?", (int64_t)time(NULL) - 3600, code);
	due_before = sql_int("SELECT due_at FROM dossiers WHERE code = ?", code);
	j = act(&w_spec, code, "{\"action\":\"supplied\"}", 200);
	assert_string_equal(jpath(j, "status", NULL), "processing");
	assert_false(json_is_true(json_object_get(j, "paused")));
	json_decref(j);
	/* restarted from zero: three full working days from now */
	assert_true(sql_int("SELECT due_at FROM dossiers WHERE code = ?", code) >=
		    (long long)time(NULL) + 24 * 3600);
	assert_true(sql_int("SELECT due_at FROM dossiers WHERE code = ?", code) > due_before);
	assert_true(sql_int("SELECT first_due_at FROM dossiers WHERE code = ?", code) > due_before);
}

static void apology_once_and_in_time(void **state)
{
	char code[64], body[200], when[32];
	json_t *j;
	struct civil c;
	(void)state;
	receive(THREE_DAYS, 2, code, sizeof(code));
	json_decref(act(&w_clerk, code, "{\"action\":\"start\"}", 200));
	/* the new appointment must be later than the current one */
	json_decref(
		act(&w_spec, code,
		    "{\"action\":\"apologize\",\"note\":\"Cần xác minh\",\"new_due\":\"2001-01-01T08:00\"}",
		    422));
	/* not past the statutory time again (three working days after the appointment), nor in 2100 */
	json_decref(
		act(&w_spec, code,
		    "{\"action\":\"apologize\",\"note\":\"Cần xác minh\",\"new_due\":\"2100-12-31T16:00\"}",
		    422));
	time_to_civil((int64_t)time(NULL) + 40 * 86400, VN_UTC_OFFSET, &c);
	snprintf(when, sizeof(when), "%04d-%02d-%02dT16:00", c.year, c.month, c.day);
	snprintf(body, sizeof(body),
		 "{\"action\":\"apologize\",\"note\":\"Cần xác minh\",\"new_due\":\"%s\"}", when);
	json_decref(act(&w_spec, code, body, 422));
	/* four working hours after the appointment, as the calendar counts them */
	{
		json_t *d = get_dossier(&w_clerk, code, 200), *due;
		char path[200];
		snprintf(path, sizeof(path), "/api/v1/calendar/due?from=%.19s%%2B07:00&hours=4",
			 jpath(d, "due_at", NULL));
		due = call_ok(&w_clerk, "GET", path, NULL, 200);
		snprintf(when, sizeof(when), "%.16s", jpath(due, "due", NULL));
		json_decref(due);
		json_decref(d);
	}
	/* at night: not an appointment anyone keeps */
	snprintf(body, sizeof(body),
		 "{\"action\":\"apologize\",\"note\":\"Cần xác minh\",\"new_due\":\"%.10sT22:00\"}", when);
	json_decref(act(&w_spec, code, body, 422));
	/* a reason is required */
	snprintf(body, sizeof(body), "{\"action\":\"apologize\",\"new_due\":\"%s\"}", when);
	json_decref(act(&w_spec, code, body, 422));
	snprintf(
		body, sizeof(body),
		"{\"action\":\"apologize\",\"note\":\"Phải xác minh tại nơi cư trú trước đây\",\"new_due\":\"%s\"}",
		when);
	j = act(&w_spec, code, body, 200);
	assert_non_null(json_object_get(j, "apology"));
	/* the new appointment shows, the first one stays for the verdict */
	assert_true(strcmp(jpath(j, "due_at", NULL), jpath(j, "first_due_at", NULL)) > 0);
	json_decref(j);
	/* once only */
	j = act(&w_spec, code, body, 422);
	assert_non_null(strstr(jpath(j, "error", "message"), "một lần"));
	json_decref(j);

	/* too late: less than a working day before the appointment */
	receive(THREE_DAYS, 2, code, sizeof(code));
	sql_exec("UPDATE dossiers SET due_at = ? WHERE code = ?", (int64_t)time(NULL) + 1800, code);
	j = act(&w_clerk, code, body, 422);
	assert_non_null(strstr(jpath(j, "error", "message"), "ngày làm việc"));
	json_decref(j);
}

static void withdraw_and_refuse_are_not_counted(void **state)
{
	char code[64];
	json_t *j;
	(void)state;
	receive(THREE_DAYS, 2, code, sizeof(code));
	j = act(&w_clerk, code, "{\"action\":\"withdraw\",\"note\":\"Công dân có đơn rút hồ sơ\"}", 200);
	assert_string_equal(jpath(j, "status", NULL), "withdrawn");
	assert_null(jpath(j, "verdict", NULL));
	json_decref(j);
	json_decref(act(&w_clerk, code, "{\"action\":\"start\"}", 409));
	/* refusal is for what was not received: a received dossier is rejected by the leader instead */
	receive(THREE_DAYS, 2, code, sizeof(code));
	json_decref(act(&w_clerk, code, "{\"action\":\"refuse\",\"note\":\"x\"}", 409));
}

static void inter_level(void **state)
{
	char code[64];
	json_t *j, *steps;
	(void)state;
	receive(INTER_LEVEL, 3, code, sizeof(code));
	/* the ward's clerk hands it to the chairman, who sends it up */
	json_decref(act(&w_clerk, code, "{\"action\":\"start\"}", 200));
	json_decref(act(&w_clerk, code, "{\"action\":\"forward\"}", 403));
	j = act(&w_lead, code, "{\"action\":\"forward\"}", 200);
	assert_string_equal(jpath(j, "current_unit", "name"), "Quận Thanh Xuân");
	json_decref(j);
	/* now the district works it; the ward still sees it, but may not act for the district */
	j = get_dossier(&w_clerk, code, 200);
	assert_int_equal(json_array_size(json_object_get(j, "actions")), 0);
	json_decref(j);
	json_decref(act(&w_lead, code, "{\"action\":\"forward\"}", 403));
	json_decref(act(&d_spec, code, "{\"action\":\"forward\"}", 200));
	j = act(&d_lead, code, "{\"action\":\"approve\",\"result\":\"Quyết định hỗ trợ chi phí mai táng\"}",
		200);
	/* the result comes back to the ward's counter */
	assert_string_equal(jpath(j, "current_unit", "name"), "Phường Nhân Chính");
	steps = json_object_get(j, "steps");
	assert_int_equal(json_array_size(steps), 4);
	/* each level's steps were timed against their own allotments */
	for (size_t i = 0; i < 4; i++) {
		json_t *s = json_array_get(steps, i);
		assert_non_null(jpath(s, "started_at", NULL));
		assert_non_null(jpath(s, "due_at", NULL));
		assert_non_null(jpath(s, "finished_at", NULL));
		assert_non_null(jpath(s, "verdict", NULL));
	}
	assert_string_equal(jpath(json_array_get(steps, 1), "level", NULL), "ward");
	assert_string_equal(jpath(json_array_get(steps, 2), "level", NULL), "district");
	json_decref(j);
	assert_int_equal(
		sql_int("SELECT COUNT(DISTINCT unit_id) FROM dossier_steps s JOIN dossiers d ON d.id = "
			"s.dossier_id WHERE d.code = ?",
			code),
		2);
	json_decref(act(&d_clerk, code, "{\"action\":\"return\"}", 403));
	json_decref(act(&w_clerk, code, "{\"action\":\"return\"}", 200));
}

static void queues_and_pages(void **state)
{
	json_t *j, *rows;
	struct http_resp r;
	char code[64], path[160];
	(void)state;
	receive(THREE_DAYS, 2, code, sizeof(code));
	j = call_ok(&w_clerk, "GET", "/api/v1/dossiers?queue=todo", NULL, 200);
	rows = json_object_get(j, "dossiers");
	assert_true(json_array_size(rows) >= 1);
	assert_true(json_integer_value(json_object_get(json_object_get(json_object_get(j, "queues"), "todo"),
						       "count")) >= 1);
	json_decref(j);
	/* the district's clerk sees the district's own and those a ward sent up (liên thông), no other */
	j = call_ok(&d_clerk, "GET", "/api/v1/dossiers?queue=all&per_page=100", NULL, 200);
	rows = json_object_get(j, "dossiers");
	for (size_t i = 0; i < json_array_size(rows); i++) {
		json_t *row = json_array_get(rows, i);
		const char *pc = jpath(row, "procedure_code", NULL);
		if (strncmp(jpath(row, "code", NULL), DIST_AGENCY "-", strlen(DIST_AGENCY) + 1))
			assert_true(!strcmp(pc, "1.001731") || !strcmp(pc, "1.010407") ||
				    !strcmp(pc, "1.001776"));
	}
	json_decref(j);
	snprintf(path, sizeof(path), "/api/v1/dossiers?queue=all&code=%s", code);
	j = call_ok(&d_clerk, "GET", path, NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 0);
	json_decref(j);
	/* overdue: a dossier past its due instant */
	sql_exec("UPDATE dossiers SET due_at = ? WHERE code = ?", (int64_t)time(NULL) - 60, code);
	j = call_ok(&w_clerk, "GET", "/api/v1/dossiers?queue=overdue", NULL, 200);
	assert_true(json_integer_value(json_object_get(j, "total")) >= 1);
	assert_true(
		json_is_true(json_object_get(json_array_get(json_object_get(j, "dossiers"), 0), "overdue")));
	json_decref(j);
	json_decref(call_ok(&w_clerk, "GET", "/api/v1/dossiers?queue=nope", NULL, 400));
	json_decref(call_ok(&w_clerk, "GET", "/api/v1/dossiers?page=0", NULL, 400));

	/* the pages */
	resp_init(&r);
	assert_int_equal(http_req(&srv, "GET", "/mot-cua", (const char *const[]){ w_clerk.cookie, NULL },
				  NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, code));
	assert_non_null(strstr(r.body.ptr, "Tiếp nhận hồ sơ"));
	resp_free(&r);
	snprintf(path, sizeof(path), "/mot-cua/ho-so/%s", code);
	resp_init(&r);
	assert_int_equal(
		http_req(&srv, "GET", path, (const char *const[]){ w_clerk.cookie, NULL }, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "Nguyễn Thị Hồng Nhung"));
	resp_free(&r);
	/* the receipt slip prints as a PDF */
	snprintf(path, sizeof(path), "/mot-cua/ho-so/%s/phieu/1", code);
	resp_init(&r);
	assert_int_equal(
		http_req(&srv, "GET", path, (const char *const[]){ w_clerk.cookie, NULL }, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_memory_equal(r.body.ptr, "%PDF-", 5);
	resp_free(&r);
	/* the tracking book (form 06) of today, as PDF and Excel, named by the dates */
	{
		char day[16], want[200], h[256];
		struct civil c;
		time_to_civil((int64_t)time(NULL), VN_UTC_OFFSET, &c);
		snprintf(day, sizeof(day), "%04d-%02d-%02d", c.year, c.month, c.day);
		snprintf(path, sizeof(path), "/mot-cua/so-theo-doi?from=%s&to=%s", day, day);
		resp_init(&r);
		assert_int_equal(http_req(&srv, "GET", path, (const char *const[]){ w_clerk.cookie, NULL },
					  NULL, 0, &r),
				 0);
		assert_int_equal(r.status, 200);
		assert_memory_equal(r.body.ptr, "%PDF-", 5);
		assert_non_null(resp_hdr(&r, "Content-Disposition", h, sizeof(h)));
		snprintf(want, sizeof(want),
			 "attachment; filename=\"so-theo-doi-ho-so-%04d%02d%02d-%04d%02d%02d.pdf\"", c.year,
			 c.month, c.day, c.year, c.month, c.day);
		assert_string_equal(h, want);
		resp_free(&r);
		snprintf(path, sizeof(path), "/mot-cua/so-theo-doi?from=%s&to=%s&format=xlsx", day, day);
		resp_init(&r);
		assert_int_equal(http_req(&srv, "GET", path, (const char *const[]){ w_clerk.cookie, NULL },
					  NULL, 0, &r),
				 0);
		assert_int_equal(r.status, 200);
		assert_memory_equal(r.body.ptr, "PK\x03\x04", 4);
		resp_free(&r);
		/* dates that are not dates, or the wrong way round */
		static const char *const bad[] = { "from=2026-+1-+1&to=2026-01-02",
						   "from=2026-02-31&to=2026-03-01",
						   "from=2026-03-01&to=2026-02-01",
						   "from=2020-01-01&to=2026-01-01" };
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			snprintf(path, sizeof(path), "/mot-cua/so-theo-doi?%s", bad[i]);
			resp_init(&r);
			assert_int_equal(http_req(&srv, "GET", path,
						  (const char *const[]){ w_clerk.cookie, NULL }, NULL, 0, &r),
					 0);
			assert_int_equal(r.status, 400);
			resp_free(&r);
		}
	}
	/* form 03 does not apply to a dossier that was not refused */
	snprintf(path, sizeof(path), "/mot-cua/ho-so/%s/phieu/3", code);
	resp_init(&r);
	assert_int_equal(
		http_req(&srv, "GET", path, (const char *const[]){ w_clerk.cookie, NULL }, NULL, 0, &r), 0);
	assert_int_equal(r.status, 404);
	resp_free(&r);
	/* another ward's staff get 404, not the dossier */
	snprintf(path, sizeof(path), "/mot-cua/ho-so/%s", code);
	resp_init(&r);
	assert_int_equal(
		http_req(&srv, "GET", path, (const char *const[]){ d_clerk.cookie, NULL }, NULL, 0, &r), 0);
	assert_int_equal(r.status, 404);
	assert_null(strstr(r.body.ptr, "Nguyễn Thị Hồng Nhung"));
	resp_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(intake_codes_and_validation),
		cmocka_unit_test(parallel_intakes),
		cmocka_unit_test(main_road),
		cmocka_unit_test(supplement_restarts_the_clock),
		cmocka_unit_test(apology_once_and_in_time),
		cmocka_unit_test(withdraw_and_refuse_are_not_counted),
		cmocka_unit_test(inter_level),
		cmocka_unit_test(queues_and_pages),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
