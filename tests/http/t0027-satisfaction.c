/*
 * t0027-satisfaction: citizens rate returned dossiers (SIPAS) and the public sees the index.
 * A returned demo dossier is rated from its link's form and another through the API; a third at
 * the counter's kiosk, which wants a one-stop clerk's login and the right 4 digits. Refused, with
 * a Vietnamese message and nothing written: a dossier not yet returned, a second rating, levels
 * out of 1..5, a comment over 1000 characters, a bad or borrowed key, wrong 4 digits. The
 * index the API and the public page give equals the one computed here from the known ratings,
 * overall, per factor, per unit, per procedure and per month, and the period and unit filters
 * hold; no comment and no personal data is in either.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/timefmt.h"
#include "features/satisfaction.h"
#include "harness.h"
#include "rules/dossier.h"
#include "store/db.h"

#define DEMO_PASSWORD "ThanhXuan-Demo-2026"
#define WARD_AGENCY   "000.01.15.H26" /* Phường Nhân Chính */
#define DISTRICT      "000.00.15.H26"
#define MAX_MADE      8

static struct test_server srv;
static struct db *db; /* the test's own connection to the server's database */
static struct ts_user clerk, collector;
static char returned[6][64]; /* returned demo dossiers, none rated */
static char open_code[64];   /* a demo dossier being processed */

/* The ratings made here, to compute the index from. */
static struct made {
	char code[64];
	int levels[SF_COUNT];
	int64_t unit;
	char proc[32];
} made[MAX_MADE];
static size_t nmade;

/* ---- helpers ---- */

static long long num(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		fail_msg("no integer \"%s\"", key);
	return (long long)json_integer_value(v);
}

/* An index as the API gives it: per mille, -1 for null. */
static long long permille_of(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (json_is_null(v))
		return -1;
	if (!json_is_integer(v))
		fail_msg("no index \"%s\"", key);
	return (long long)json_integer_value(v);
}

static long long expect_permille(long long part, long long whole)
{
	return whole ? (2000 * part + whole) / (2 * whole) : -1;
}

/* The text of the first column of `sql` with one text argument into out; "" when no row. */
static const char *sql_text(const char *sql, const char *arg, char *out, size_t n)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, sql, "s", arg);
	out[0] = '\0';
	if (rc == DB_ROW)
		snprintf(out, n, "%s", db_col_text(st, 0) ? db_col_text(st, 0) : "");
	else if (rc < 0)
		fail_msg("%s: %s", sql, db_errmsg(db));
	db_release_statements(db);
	return out;
}

static long long sql_int_s(const char *sql, const char *arg)
{
	struct db_stmt *st;
	long long v = -1;
	int rc = db_query(db, &st, sql, "s", arg);
	if (rc == DB_ROW)
		v = db_col_int(st, 0);
	else if (rc < 0)
		fail_msg("%s: %s", sql, db_errmsg(db));
	db_release_statements(db);
	return v;
}

static long long ratings_of(const char *code)
{
	return sql_int_s("SELECT COUNT(*) FROM satisfaction_ratings r JOIN dossiers d ON d.id = r.dossier_id "
			 "WHERE d.code = ?",
			 code);
}

static long long ratings_all(void)
{
	return ts_sql_int(&srv, "SELECT COUNT(*) FROM satisfaction_ratings", NULL, 0, 0);
}

static const char *key_of(const char *code, char out[SATISFACTION_KEY_LEN + 1])
{
	if (satisfaction_key(db, code, out))
		fail_msg("no rating key for %s: %s", code, db_errmsg(db));
	return out;
}

static void remember(const char *code, const int lv[SF_COUNT])
{
	struct made *m = &made[nmade++];
	assert_true(nmade <= MAX_MADE);
	snprintf(m->code, sizeof(m->code), "%s", code);
	memcpy(m->levels, lv, sizeof(m->levels));
	m->unit = sql_int_s("SELECT receiving_unit FROM dossiers WHERE code = ?", code);
	sql_text("SELECT procedure_code FROM dossiers WHERE code = ?", code, m->proc, sizeof(m->proc));
}

/* A request; the status. The response stays in r (freed by the caller). */
static long req(const struct ts_user *u, const char *method, const char *path, const char *body,
		struct http_resp *r)
{
	resp_init(r);
	if (ts_as(&srv, u, method, path, body, r))
		fail_msg("%s %s: no response", method, path);
	return r->status;
}

static void expect_page(const struct ts_user *u, const char *method, const char *path, const char *body,
			long status, const char *text)
{
	struct http_resp r;
	long got = req(u, method, path, body, &r);
	if (got != status || (text && !strstr(r.body.ptr, text)))
		fail_msg("%s %s: status %ld (wanted %ld), \"%s\" %s", method, path, got, status,
			 text ? text : "", text && strstr(r.body.ptr, text) ? "there" : "missing");
	resp_free(&r);
}

/* The rating form's body: the key, the five levels as text, and more pairs (NULL-terminated). */
static char *form_body(const char *key, const char *a, const char *b, const char *c, const char *d,
		       const char *e, const char *comment)
{
	return ts_form(NULL, "k", key, "access", a, "procedure", b, "officials", c, "result", d, "feedback",
		       e, "comment", comment, NULL);
}

static char *api_body(const char *code, const char *key, const char *answers, const char *comment_json)
{
	char *b = NULL;
	if (asprintf(&b, "{\"dossier\":\"%s\",\"key\":\"%s\",\"answers\":%s,\"comment\":%s}", code, key,
		     answers, comment_json) < 0)
		fail_msg("out of memory");
	return b;
}

/* The error code and message of an API answer with status `want`. */
static void expect_api_error(const char *body, long want, const char *code, const char *message)
{
	long got;
	json_t *j = ts_json(&srv, NULL, "POST", "/api/v1/public/ratings", body, want, &got);
	const json_t *e;
	if (got != want || !j)
		fail_msg("POST /api/v1/public/ratings: status %ld, wanted %ld", got, want);
	e = json_object_get(j, "error");
	assert_string_equal(json_string_value(json_object_get(e, "code")), code);
	if (message && !strstr(json_string_value(json_object_get(e, "message")), message))
		fail_msg("message \"%s\" lacks \"%s\"", json_string_value(json_object_get(e, "message")),
			 message);
	json_decref(j);
}

/* A 422 answer of the API whose field `field` has `message`. */
static void expect_field_error(const char *body, const char *field, const char *message)
{
	json_t *j = ts_json(&srv, NULL, "POST", "/api/v1/public/ratings", body, 422, NULL);
	const char *got;
	assert_non_null(j);
	got = json_string_value(
		json_object_get(json_object_get(json_object_get(j, "error"), "fields"), field));
	if (!got || strcmp(got, message))
		fail_msg("field %s: \"%s\", wanted \"%s\"", field, got ? got : "(none)", message);
	json_decref(j);
}

static int setup(void **state)
{
	struct db_stmt *st;
	char *err = NULL;
	size_t n = 0;
	int rc;
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ts_init(&srv) || ts_demo(&srv) || ts_launch(&srv, NULL, NULL))
		return -1;
	if (ts_login(&srv, "motcua.nhanchinh", DEMO_PASSWORD, &clerk) != 201 ||
	    ts_login(&srv, "thuphi", DEMO_PASSWORD, &collector) != 201)
		return -1;
	db = db_open(srv.db, &err);
	if (!db) {
		fprintf(stderr, "# %s\n", err);
		free(err);
		return -1;
	}
	/* the demo's returned dossiers: the ward's first, then the district's */
	rc = db_query(
		db, &st,
		"SELECT d.code FROM dossiers d JOIN units u ON u.id = d.receiving_unit WHERE d.status = ? "
		"ORDER BY CASE WHEN u.agency_code = ? THEN 0 ELSE 1 END, d.code",
		"is", (int64_t)DS_RETURNED, WARD_AGENCY);
	for (; rc == DB_ROW && n < 6; rc = db_step(st))
		snprintf(returned[n++], sizeof(returned[0]), "%s", db_col_text(st, 0));
	db_release_statements(db);
	rc = db_query(db, &st, "SELECT code FROM dossiers WHERE status = ? ORDER BY code", "i",
		      (int64_t)DS_PROCESSING);
	if (rc == DB_ROW)
		snprintf(open_code, sizeof(open_code), "%s", db_col_text(st, 0));
	db_release_statements(db);
	if (n < 6 || !open_code[0]) {
		fprintf(stderr, "# the demo has %zu returned dossiers\n", n);
		return -1;
	}
	return ratings_all() == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	db_close(db);
	int rc = ts_stop(&srv);
	curl_global_cleanup();
	return rc;
}

/* ---- rating from the link ---- */

static void rate_from_the_link(void **state)
{
	const char *code = returned[0];
	const int lv[SF_COUNT] = { 5, 4, 5, 4, 3 };
	char key[SATISFACTION_KEY_LEN + 1], path[256], loc[512], name[256], cc[64], *body;
	struct http_resp r;
	(void)state;

	key_of(code, key);
	snprintf(path, sizeof(path), "/danh-gia/%s?k=%s", code, key);
	/* the lookup of a returned dossier, not yet rated, leads to this very link */
	{
		char phone[32], lookup[256];
		sql_text("SELECT a_phone FROM dossiers WHERE code = ?", code, phone, sizeof(phone));
		snprintf(lookup, sizeof(lookup), "/tra-cuu?code=%s&check=%s", code,
			 phone + strlen(phone) - 4);
		assert_int_equal(req(NULL, "GET", lookup, NULL, &r), 200);
		assert_non_null(strstr(r.body.ptr, path));
		resp_free(&r);
	}
	assert_int_equal(req(NULL, "GET", path, NULL, &r), 200);
	/* the five factors, the five levels, the dossier — and nobody's name */
	assert_non_null(strstr(r.body.ptr, code));
	assert_non_null(strstr(r.body.ptr, "Tiếp cận dịch vụ"));
	assert_non_null(strstr(r.body.ptr, "Thủ tục hành chính"));
	assert_non_null(strstr(r.body.ptr, "Công chức giải quyết"));
	assert_non_null(strstr(r.body.ptr, "Kết quả giải quyết"));
	assert_non_null(strstr(r.body.ptr, "Tiếp nhận, xử lý ý kiến góp ý"));
	assert_non_null(strstr(r.body.ptr, "Rất không hài lòng"));
	assert_non_null(strstr(r.body.ptr, "Bình thường"));
	assert_non_null(strstr(r.body.ptr, "Rất hài lòng"));
	assert_non_null(strstr(r.body.ptr, "name=\"feedback\" value=\"5\""));
	sql_text("SELECT a_name FROM dossiers WHERE code = ?", code, name, sizeof(name));
	assert_true(name[0]);
	assert_null(strstr(r.body.ptr, name));
	assert_null(strstr(r.body.ptr, "<script"));
	assert_non_null(resp_hdr(&r, "Cache-Control", cc, sizeof(cc)));
	assert_string_equal(cc, "no-store");
	resp_free(&r);

	/* sent: a redirect to the same page, which thanks */
	snprintf(path, sizeof(path), "/danh-gia/%s", code);
	body = form_body(key, "5", "4", "5", "4", "3", "Cán bộ tận tình, hướng dẫn rõ ràng.\r\nXin cảm ơn!");
	assert_int_equal(req(NULL, "POST", path, body, &r), 303);
	free(body);
	assert_non_null(resp_hdr(&r, "Location", loc, sizeof(loc)));
	resp_free(&r);
	snprintf(path, sizeof(path), "/danh-gia/%s?k=%s&da-gui=1", code, key);
	assert_string_equal(loc, path);
	expect_page(NULL, "GET", loc, NULL, 200, "Cảm ơn ông/bà. Đánh giá đã được ghi nhận.");
	remember(code, lv);

	/* what was written: the levels, the comment with one line break, how it came */
	assert_int_equal(ratings_of(code), 1);
	assert_int_equal(
		sql_int_s("SELECT r.f_access * 10000 + r.f_procedure * 1000 + r.f_officials * 100 + "
			  "r.f_result * 10 + r.f_feedback FROM satisfaction_ratings r JOIN dossiers d ON "
			  "d.id = r.dossier_id WHERE d.code = ?",
			  code),
		54543);
	assert_int_equal(
		sql_int_s("SELECT r.via FROM satisfaction_ratings r JOIN dossiers d ON d.id = r.dossier_id "
			  "WHERE d.code = ?",
			  code),
		SV_LINK);
	assert_string_equal(sql_text("SELECT r.comment FROM satisfaction_ratings r JOIN dossiers d ON d.id = "
				     "r.dossier_id WHERE d.code = ?",
				     code, name, sizeof(name)),
			    "Cán bộ tận tình, hướng dẫn rõ ràng.\nXin cảm ơn!");

	/* a second rating is refused and changes nothing */
	snprintf(path, sizeof(path), "/danh-gia/%s", code);
	body = form_body(key, "1", "1", "1", "1", "1", "");
	expect_page(NULL, "POST", path, body, 409,
		    "Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần.");
	free(body);
	assert_int_equal(ratings_of(code), 1);
	assert_int_equal(sql_int_s("SELECT r.f_access FROM satisfaction_ratings r JOIN dossiers d ON d.id = "
				   "r.dossier_id WHERE d.code = ?",
				   code),
			 5);
	/* the link now says it was rated, with no form */
	snprintf(path, sizeof(path), "/danh-gia/%s?k=%s", code, key);
	assert_int_equal(req(NULL, "GET", path, NULL, &r), 200);
	assert_non_null(strstr(r.body.ptr, "Hồ sơ này đã được đánh giá ngày"));
	assert_null(strstr(r.body.ptr, "method=\"post\""));
	resp_free(&r);
	/* and through the API too */
	body = api_body(code, key,
			"{\"access\":1,\"procedure\":1,\"officials\":1,\"result\":1,\"feedback\":1}", "null");
	expect_api_error(body, 409, "already_rated", "Hồ sơ này đã được đánh giá");
	free(body);
	assert_int_equal(ratings_all(), 1);
}

/* ---- rating through the API ---- */

static void rate_through_the_api(void **state)
{
	const char *code = returned[1];
	const int lv[SF_COUNT] = { 3, 5, 2, 5, 4 };
	char key[SATISFACTION_KEY_LEN + 1], *body;
	json_t *j;
	long got;
	(void)state;

	key_of(code, key);
	body = api_body(code, key,
			"{\"access\":3,\"procedure\":5,\"officials\":2,\"result\":5,\"feedback\":4}",
			"\"Thời gian chờ hơi lâu\"");
	j = ts_json(&srv, NULL, "POST", "/api/v1/public/ratings", body, 201, &got);
	free(body);
	assert_int_equal(got, 201);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "dossier")), code);
	assert_int_equal(num(json_object_get(j, "answers"), "officials"), 2);
	assert_true(json_is_true(json_object_get(j, "comment_given")));
	assert_null(json_object_get(j, "comment"));
	json_decref(j);
	remember(code, lv);
	assert_int_equal(ratings_of(code), 1);
	assert_int_equal(
		sql_int_s("SELECT r.via FROM satisfaction_ratings r JOIN dossiers d ON d.id = r.dossier_id "
			  "WHERE d.code = ?",
			  code),
		SV_API);

	/* the second is refused */
	body = api_body(code, key,
			"{\"access\":5,\"procedure\":5,\"officials\":5,\"result\":5,\"feedback\":5}", "null");
	expect_api_error(body, 409, "already_rated", "Mỗi hồ sơ chỉ được đánh giá một lần.");
	free(body);
	assert_int_equal(ratings_of(code), 1);
	assert_int_equal(
		sql_int_s("SELECT r.f_officials FROM satisfaction_ratings r JOIN dossiers d ON d.id = "
			  "r.dossier_id WHERE d.code = ?",
			  code),
		2);
}

/* ---- refusals ---- */

static void refusals(void **state)
{
	const char *code = returned[2], *other = returned[3];
	const int lv[SF_COUNT] = { 4, 4, 4, 4, 4 };
	char key[SATISFACTION_KEY_LEN + 1], okey[SATISFACTION_KEY_LEN + 1], bad[SATISFACTION_KEY_LEN + 1];
	char path[256], *body, *comment;
	const char *five = "{\"access\":4,\"procedure\":4,\"officials\":4,\"result\":4,\"feedback\":4}";
	struct http_resp r;
	long long before = ratings_all();
	(void)state;

	/* a dossier not yet returned: no form, no rating */
	key_of(open_code, key);
	snprintf(path, sizeof(path), "/danh-gia/%s?k=%s", open_code, key);
	expect_page(NULL, "GET", path, NULL, 409, "Hồ sơ này chưa thể đánh giá");
	snprintf(path, sizeof(path), "/danh-gia/%s", open_code);
	body = form_body(key, "5", "5", "5", "5", "5", "");
	expect_page(NULL, "POST", path, body, 409, "hồ sơ chỉ được đánh giá sau khi đã trả kết quả");
	free(body);
	body = api_body(open_code, key, five, "null");
	expect_api_error(body, 409, "not_returned", "Hồ sơ này chưa thể đánh giá");
	free(body);
	assert_int_equal(ratings_of(open_code), 0);

	/* bad levels: out of range, missing, not a number; the form comes back with what was chosen */
	key_of(code, key);
	snprintf(path, sizeof(path), "/danh-gia/%s", code);
	body = form_body(key, "6", "4", "5", "4", "3", "Tốt");
	assert_int_equal(req(NULL, "POST", path, body, &r), 422);
	free(body);
	assert_non_null(strstr(r.body.ptr, "Vui lòng chọn một trong năm mức đánh giá."));
	assert_non_null(strstr(r.body.ptr, "id=\"f-procedure-4\" name=\"procedure\" value=\"4\" checked"));
	assert_non_null(strstr(r.body.ptr, "id=\"error-access\""));
	assert_null(strstr(r.body.ptr, "id=\"error-procedure\""));
	assert_non_null(strstr(r.body.ptr, ">Tốt</textarea>"));
	resp_free(&r);
	body = ts_form(NULL, "k", key, "access", "4", "procedure", "4", "officials", "4", "result", "4",
		       NULL);
	expect_page(NULL, "POST", path, body, 422, "id=\"error-feedback\"");
	free(body);
	body = form_body(key, "4", "abc", "4", "4", "0", "");
	expect_page(NULL, "POST", path, body, 422, "id=\"error-procedure\"");
	free(body);
	body = api_body(code, key,
			"{\"access\":0,\"procedure\":4,\"officials\":4,\"result\":4,\"feedback\":4}", "null");
	expect_field_error(body, "answers.access", "Vui lòng chọn một trong năm mức đánh giá.");
	free(body);
	body = api_body(code, key,
			"{\"access\":4,\"procedure\":4,\"officials\":4,\"result\":4,\"feedback\":\"5\"}",
			"null");
	expect_api_error(body, 422, "invalid", NULL);
	free(body);
	body = api_body(code, key, "{\"access\":4,\"procedure\":4,\"officials\":4,\"result\":4}", "null");
	expect_api_error(body, 422, "invalid", NULL);
	free(body);
	body = api_body(code, key, five, "42");
	expect_api_error(body, 422, "invalid", NULL);
	free(body);
	/* a comment of 1001 characters, then control characters */
	comment = malloc(2 * 1001 + 3);
	comment[0] = '"';
	for (int i = 0; i < 1001; i++)
		memcpy(comment + 1 + 2 * i, "ư", 2);
	memcpy(comment + 1 + 2 * 1001, "\"", 2);
	body = api_body(code, key, five, comment);
	expect_field_error(body, "comment", "Ý kiến góp ý quá dài: tối đa 1000 ký tự.");
	free(body);
	/* control characters: a form carrying one is refused by the HTTP layer already, JSON here */
	body = form_body(key, "4", "4", "4", "4", "4", "Xin chào\x1b[31m");
	expect_page(NULL, "POST", path, body, 400, NULL);
	free(body);
	body = api_body(code, key, five, "\"Xin ch\\u00e0o\\u001b[31m\"");
	expect_field_error(body, "comment", "Ý kiến góp ý không được chứa ký tự điều khiển.");
	free(body);
	assert_int_equal(ratings_of(code), 0);

	/* a bad key, another dossier's key, none, an unknown dossier */
	key_of(other, okey);
	memcpy(bad, okey, sizeof(bad));
	bad[0] = bad[0] == 'A' ? 'B' : 'A';
	snprintf(path, sizeof(path), "/danh-gia/%s?k=%s", other, bad);
	expect_page(NULL, "GET", path, NULL, 403, "Đường dẫn đánh giá không hợp lệ.");
	snprintf(path, sizeof(path), "/danh-gia/%s?k=%s", other, key);
	expect_page(NULL, "GET", path, NULL, 403, "Đường dẫn đánh giá không hợp lệ.");
	snprintf(path, sizeof(path), "/danh-gia/%s", other);
	expect_page(NULL, "GET", path, NULL, 403, "Đường dẫn đánh giá không hợp lệ.");
	body = form_body(bad, "5", "5", "5", "5", "5", "");
	expect_page(NULL, "POST", path, body, 403, "Đường dẫn đánh giá không hợp lệ.");
	free(body);
	body = form_body(key, "5", "5", "5", "5", "5", "");
	expect_page(NULL, "POST", path, body, 403, "Đường dẫn đánh giá không hợp lệ.");
	free(body);
	body = api_body(other, bad, five, "null");
	expect_api_error(body, 403, "bad_key", "Đường dẫn đánh giá không hợp lệ.");
	free(body);
	body = api_body("000.01.15.H26-991231-9999", okey, five, "null");
	expect_api_error(body, 403, "bad_key", NULL);
	free(body);
	expect_api_error("[1,2]", 400, "bad_request", NULL);
	assert_int_equal(ratings_of(other), 0);
	assert_int_equal(ratings_all(), before);

	/* 1000 characters are accepted */
	memcpy(comment + 1 + 2 * 1000, "\"", 2);
	body = api_body(code, key, five, comment);
	free(comment);
	{
		json_t *j = ts_json(&srv, NULL, "POST", "/api/v1/public/ratings", body, 201, NULL);
		assert_non_null(j);
		json_decref(j);
	}
	free(body);
	remember(code, lv);
	assert_int_equal(
		sql_int_s("SELECT LENGTH(r.comment) FROM satisfaction_ratings r JOIN dossiers d ON d.id = "
			  "r.dossier_id WHERE d.code = ?",
			  code),
		1000);
}

/* ---- the kiosk at the counter ---- */

static void kiosk(void **state)
{
	const char *code = returned[3];
	const int lv[SF_COUNT] = { 2, 3, 4, 5, 1 };
	char key[SATISFACTION_KEY_LEN + 1], phone4[16], wrong[8], path[512], loc[512], field[64], *body;
	struct http_resp r;
	(void)state;

	/* anonymous: to the login; staff without the one-stop power: refused */
	assert_int_equal(req(NULL, "GET", "/mot-cua/danh-gia", NULL, &r), 303);
	assert_non_null(resp_hdr(&r, "Location", loc, sizeof(loc)));
	assert_int_equal(strncmp(loc, "/dang-nhap", 10), 0);
	resp_free(&r);
	expect_page(&collector, "GET", "/mot-cua/danh-gia", NULL, 403, "Chỉ công chức Bộ phận Một cửa");
	/* the clerk's screen: the code and the 4 digits */
	assert_int_equal(req(&clerk, "GET", "/mot-cua/danh-gia", NULL, &r), 200);
	assert_non_null(strstr(r.body.ptr, "name=\"code\""));
	assert_non_null(strstr(r.body.ptr, "name=\"check\""));
	assert_null(strstr(r.body.ptr, "name=\"k\""));
	resp_free(&r);

	sql_text("SELECT check_phone FROM dossiers WHERE code = ?", code, phone4, sizeof(phone4));
	assert_int_equal(strlen(phone4), 4);
	/* four digits that are neither the phone's nor the ID's */
	for (int i = 0; i < 10000; i++) {
		char id4[16];
		snprintf(wrong, sizeof(wrong), "%04d", (i * 7919 + 1234) % 10000);
		sql_text("SELECT check_id FROM dossiers WHERE code = ?", code, id4, sizeof(id4));
		if (strcmp(wrong, phone4) && strcmp(wrong, id4))
			break;
	}
	snprintf(path, sizeof(path), "/mot-cua/danh-gia?code=%s&check=%s", code, wrong);
	assert_int_equal(req(&clerk, "GET", path, NULL, &r), 404);
	assert_non_null(strstr(r.body.ptr, "Không tìm thấy hồ sơ với mã hồ sơ và 4 chữ số này."));
	assert_null(strstr(r.body.ptr, "name=\"k\""));
	/* the digits typed are not written back */
	assert_non_null(strstr(r.body.ptr, "name=\"check\" value=\"\""));
	resp_free(&r);
	snprintf(path, sizeof(path), "/mot-cua/danh-gia?code=%s&check=12a4", code);
	expect_page(&clerk, "GET", path, NULL, 400, "id=\"check-error\"");
	assert_int_equal(ratings_of(code), 0);

	/* the right digits (spaces and lower case forgiven): the form, with the key */
	{
		char lower[64];
		snprintf(lower, sizeof(lower), "%s", code);
		for (char *c = lower; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		snprintf(path, sizeof(path), "/mot-cua/danh-gia?code=%s&check=%c%c+%c%c", lower, phone4[0],
			 phone4[1], phone4[2], phone4[3]);
	}
	assert_int_equal(req(&clerk, "GET", path, NULL, &r), 200);
	assert_non_null(resp_field(&r, "k", field, sizeof(field)));
	assert_string_equal(field, key_of(code, key));
	assert_non_null(resp_field(&r, "via", field, sizeof(field)));
	assert_string_equal(field, "kiosk");
	assert_null(strstr(r.body.ptr, "name=\"check\""));
	resp_free(&r);

	snprintf(path, sizeof(path), "/danh-gia/%s", code);
	body = ts_form(NULL, "k", key, "via", "kiosk", "access", "2", "procedure", "3", "officials", "4",
		       "result", "5", "feedback", "1", "comment", "", NULL);
	assert_int_equal(req(NULL, "POST", path, body, &r), 303);
	free(body);
	assert_non_null(resp_hdr(&r, "Location", loc, sizeof(loc)));
	resp_free(&r);
	assert_non_null(strstr(loc, "tai-quay=1"));
	/* thanks, and the way back to the kiosk for the next citizen */
	assert_int_equal(req(&clerk, "GET", loc, NULL, &r), 200);
	assert_non_null(strstr(r.body.ptr, "Đánh giá đã được ghi nhận."));
	assert_non_null(strstr(r.body.ptr, "href=\"/mot-cua/danh-gia\""));
	resp_free(&r);
	remember(code, lv);
	assert_int_equal(
		sql_int_s("SELECT r.via FROM satisfaction_ratings r JOIN dossiers d ON d.id = r.dossier_id "
			  "WHERE d.code = ?",
			  code),
		SV_KIOSK);

	/* the same dossier again at the kiosk: rated already */
	snprintf(path, sizeof(path), "/mot-cua/danh-gia?code=%s&check=%s", code, phone4);
	expect_page(&clerk, "GET", path, NULL, 409, "Hồ sơ này đã được đánh giá.");
	/* a dossier not yet returned, found with its own digits */
	sql_text("SELECT check_phone FROM dossiers WHERE code = ?", open_code, phone4, sizeof(phone4));
	snprintf(path, sizeof(path), "/mot-cua/danh-gia?code=%s&check=%s", open_code, phone4);
	expect_page(&clerk, "GET", path, NULL, 409, "Hồ sơ này chưa thể đánh giá");
	assert_int_equal(ratings_of(open_code), 0);

	/* guessing the digits: after 10 wrong ones a clerk's account waits, even with the right ones */
	{
		struct ts_user other;
		const char *code2 = returned[4];
		char right[16];
		assert_int_equal(ts_login(&srv, "motcua", DEMO_PASSWORD, &other), 201);
		sql_text("SELECT check_phone FROM dossiers WHERE code = ?", code2, right, sizeof(right));
		for (int i = 0, tried = 0; tried < 10; i++) {
			char id4[16];
			snprintf(wrong, sizeof(wrong), "%04d", (i * 7919 + 4321) % 10000);
			sql_text("SELECT check_id FROM dossiers WHERE code = ?", code2, id4, sizeof(id4));
			if (!strcmp(wrong, right) || !strcmp(wrong, id4))
				continue;
			snprintf(path, sizeof(path), "/mot-cua/danh-gia?code=%s&check=%s", code2, wrong);
			expect_page(&other, "GET", path, NULL, 404, "Không tìm thấy hồ sơ");
			tried++;
		}
		snprintf(path, sizeof(path), "/mot-cua/danh-gia?code=%s&check=%s", code2, right);
		assert_int_equal(req(&other, "GET", path, NULL, &r), 429);
		assert_non_null(strstr(r.body.ptr, "Nhập sai mã hồ sơ hoặc 4 chữ số quá nhiều lần."));
		assert_non_null(resp_hdr(&r, "Retry-After", field, sizeof(field)));
		assert_true(strtol(field, NULL, 10) > 0 && strtol(field, NULL, 10) <= 600);
		assert_null(strstr(r.body.ptr, "name=\"k\""));
		resp_free(&r);
		/* the other clerk is not held up */
		assert_int_equal(req(&clerk, "GET", path, NULL, &r), 200);
		assert_non_null(resp_field(&r, "k", field, sizeof(field)));
		resp_free(&r);
		assert_int_equal(ratings_of(code2), 0);
	}
}

/* ---- the index ---- */

struct expect {
	long long ratings, satisfied, factor[SF_COUNT], levels[SF_COUNT][SATISFACTION_LEVELS];
};

static void expect_add(struct expect *e, const struct made *m)
{
	e->ratings++;
	for (int f = 0; f < SF_COUNT; f++) {
		e->levels[f][m->levels[f] - 1]++;
		if (m->levels[f] >= SL_SATISFIED) {
			e->satisfied++;
			e->factor[f]++;
		}
	}
}

/* The API's figures of a row equal the expected ones. */
static void check_row(const json_t *o, const struct expect *e)
{
	const json_t *f = json_object_get(o, "factors");
	assert_int_equal(num(o, "ratings"), e->ratings);
	assert_int_equal(num(o, "answers"), 5 * e->ratings);
	assert_int_equal(num(o, "satisfied_answers"), e->satisfied);
	assert_int_equal(permille_of(o, "index_permille"), expect_permille(e->satisfied, 5 * e->ratings));
	for (int k = 0; k < SF_COUNT; k++)
		assert_int_equal(permille_of(f, satisfaction_factor_name(k)),
				 expect_permille(e->factor[k], e->ratings));
}

static json_t *stats(const char *query, long want)
{
	char path[256];
	long got;
	json_t *j;
	snprintf(path, sizeof(path), "/api/v1/stats/satisfaction%s", query);
	j = ts_json(&srv, NULL, "GET", path, NULL, want, &got);
	if (got != want || !j)
		fail_msg("GET %s: %ld, wanted %ld", path, got, want);
	return j;
}

static void index_equals_known_ratings(void **state)
{
	struct expect all, ward;
	int64_t ward_id = sql_int_s("SELECT id FROM units WHERE agency_code = ?", WARD_AGENCY);
	long long day = ts_sql_int(&srv, "SELECT MAX(day) FROM satisfaction_ratings", NULL, 0, 0);
	char today[48], q[256], pctx[96], month_day[96];
	const json_t *row;
	json_t *j;
	struct http_resp r;
	size_t i;
	(void)state;

	assert_int_equal(nmade, 4);
	assert_int_equal(ts_sql_int(&srv, "SELECT MIN(day) FROM satisfaction_ratings", NULL, 0, 0), day);
	snprintf(today, sizeof(today), "%04lld-%02lld-%02lld", day / 10000, day / 100 % 100, day % 100);
	memset(&all, 0, sizeof(all));
	memset(&ward, 0, sizeof(ward));
	for (i = 0; i < nmade; i++) {
		expect_add(&all, &made[i]);
		if (made[i].unit == ward_id)
			expect_add(&ward, &made[i]);
	}
	assert_true(ward.ratings >= 3); /* the ward's dossiers come first */

	/* the whole of today */
	snprintf(q, sizeof(q), "?from=%s&to=%s", today, today);
	j = stats(q, 200);
	check_row(j, &all);
	assert_true(json_is_null(json_object_get(j, "unit")));
	assert_string_equal(json_string_value(json_object_get(j, "from")), today);
	/* each factor with its answers at each level */
	assert_int_equal(json_array_size(json_object_get(j, "by_factor")), SF_COUNT);
	json_array_foreach(json_object_get(j, "by_factor"), i, row)
	{
		const json_t *lv = json_object_get(row, "levels");
		assert_string_equal(json_string_value(json_object_get(row, "factor")),
				    satisfaction_factor_name((int)i));
		assert_int_equal(num(row, "satisfied"), all.factor[i]);
		for (int l = 1; l <= SATISFACTION_LEVELS; l++)
			assert_int_equal(num(lv, satisfaction_level_name(l)), all.levels[i][l - 1]);
	}
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(j, "by_factor"), 0), "label")),
			    "Tiếp cận dịch vụ");
	/* per unit: the ward's row is the ward's ratings; the rows add up */
	{
		long long sum = 0;
		int seen = 0;
		json_array_foreach(json_object_get(j, "by_unit"), i, row)
		{
			sum += num(row, "ratings");
			if (num(row, "id") == ward_id) {
				seen = 1;
				check_row(row, &ward);
				assert_string_equal(json_string_value(json_object_get(row, "agency_code")),
						    WARD_AGENCY);
			}
		}
		assert_true(seen);
		assert_int_equal(sum, all.ratings);
	}
	/* per procedure: each row is its dossiers' ratings */
	json_array_foreach(json_object_get(j, "by_procedure"), i, row)
	{
		struct expect p;
		memset(&p, 0, sizeof(p));
		for (size_t k = 0; k < nmade; k++)
			if (!strcmp(made[k].proc, json_string_value(json_object_get(row, "code"))))
				expect_add(&p, &made[k]);
		assert_true(p.ratings > 0);
		check_row(row, &p);
		assert_true(strlen(json_string_value(json_object_get(row, "name"))) > 0);
	}
	/* one month, the period's */
	assert_int_equal(json_array_size(json_object_get(j, "by_month")), 1);
	check_row(json_array_get(json_object_get(j, "by_month"), 0), &all);
	/* public figures only: no comment, no name */
	{
		char *text = json_dumps(j, 0), name[256];
		assert_null(strstr(text, "tận tình"));
		assert_null(strstr(text, "Thời gian chờ"));
		for (size_t k = 0; k < nmade; k++) {
			sql_text("SELECT a_name FROM dossiers WHERE code = ?", made[k].code, name,
				 sizeof(name));
			assert_null(strstr(text, name));
			assert_null(strstr(text, made[k].code));
		}
		free(text);
	}
	json_decref(j);

	/* the ward alone, by id and by agency code; the district covers its wards */
	snprintf(q, sizeof(q), "?unit=%lld&from=%s&to=%s", (long long)ward_id, today, today);
	j = stats(q, 200);
	check_row(j, &ward);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "unit"), "agency_code")),
			    WARD_AGENCY);
	json_decref(j);
	snprintf(q, sizeof(q), "?unit=" WARD_AGENCY "&from=%s&to=%s", today, today);
	j = stats(q, 200);
	check_row(j, &ward);
	json_decref(j);
	snprintf(q, sizeof(q), "?unit=" DISTRICT "&from=%s&to=%s", today, today);
	j = stats(q, 200);
	check_row(j, &all);
	json_decref(j);
	/* bad filters */
	j = stats("?unit=999999", 400);
	json_decref(j);
	j = stats("?from=2026-02-30", 400);
	json_decref(j);
	j = stats("?from=2024-01-01&to=2026-01-01", 400);
	json_decref(j);

	/* the public page says the same */
	snprintf(q, sizeof(q), "/chi-so-hai-long?from=%s&to=%s", today, today);
	assert_int_equal(req(NULL, "GET", q, NULL, &r), 200);
	{
		long long p = expect_permille(all.satisfied, 5 * all.ratings);
		snprintf(pctx, sizeof(pctx), "id=\"sat-index\">%lld,%lld %%<", p / 10, p % 10);
	}
	assert_non_null(strstr(r.body.ptr, pctx));
	assert_non_null(strstr(r.body.ptr, "<caption>Chỉ số theo đơn vị</caption>"));
	assert_non_null(strstr(r.body.ptr, "<th scope=\"col\">Rất không hài lòng</th>"));
	assert_non_null(strstr(r.body.ptr, "Tiếp nhận, xử lý ý kiến góp ý"));
	assert_null(strstr(r.body.ptr, "<script"));
	assert_null(strstr(r.body.ptr, "tận tình"));
	resp_free(&r);
	snprintf(q, sizeof(q), "/chi-so-hai-long?from=%s&to=2020-01-01", today);
	expect_page(NULL, "GET", q, NULL, 400, "Vui lòng chọn khoảng thời gian hợp lệ");

	/* one rating moved to the month before: today's figures lose it, the two months show each */
	{
		struct civil c;
		int py, pm;
		char from[16];
		struct expect rest, moved;
		time_to_civil(time_now_us() / 1000000, VN_UTC_OFFSET, &c);
		py = (int)(day / 10000);
		pm = (int)(day / 100 % 100) - 1;
		if (!pm) {
			pm = 12;
			py--;
		}
		c.year = py;
		c.month = pm;
		c.day = 15;
		c.hour = 10;
		c.min = c.sec = 0;
		assert_int_equal(db_begin(db), 0);
		assert_int_equal(
			db_exec(db,
				"UPDATE satisfaction_ratings SET rated_at = ?, day = ? WHERE dossier_id = "
				"(SELECT id FROM dossiers WHERE code = ?)",
				"iis", time_from_civil(&c, VN_UTC_OFFSET),
				(int64_t)(py * 10000 + pm * 100 + 15), made[0].code),
			0);
		assert_int_equal(db_commit(db), 0);
		memset(&rest, 0, sizeof(rest));
		memset(&moved, 0, sizeof(moved));
		expect_add(&moved, &made[0]);
		for (i = 1; i < nmade; i++)
			expect_add(&rest, &made[i]);
		snprintf(q, sizeof(q), "?from=%s&to=%s", today, today);
		j = stats(q, 200);
		check_row(j, &rest);
		json_decref(j);
		snprintf(from, sizeof(from), "%04d-%02d-01", py, pm);
		snprintf(q, sizeof(q), "?from=%s&to=%s", from, today);
		j = stats(q, 200);
		check_row(j, &all);
		assert_int_equal(json_array_size(json_object_get(j, "by_month")), 2);
		check_row(json_array_get(json_object_get(j, "by_month"), 0), &moved);
		check_row(json_array_get(json_object_get(j, "by_month"), 1), &rest);
		snprintf(month_day, sizeof(month_day), "%04d-%02d", py, pm);
		assert_string_equal(json_string_value(json_object_get(
					    json_array_get(json_object_get(j, "by_month"), 0), "month")),
				    month_day);
		json_decref(j);
		/* and on the page, the month before as its own row */
		snprintf(q, sizeof(q), "/chi-so-hai-long?from=%s&to=%s", from, today);
		snprintf(month_day, sizeof(month_day), "<th scope=\"row\">%02d/%04d</th><td>1</td>", pm, py);
		expect_page(NULL, "GET", q, NULL, 200, month_day);
	}
	/* none of this changed a rating's number */
	assert_int_equal(ratings_all(), (long long)nmade);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rate_from_the_link),
		cmocka_unit_test(rate_through_the_api),
		cmocka_unit_test(refusals),
		cmocka_unit_test(kiosk),
		cmocka_unit_test(index_equals_known_ratings),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("t0027-satisfaction", tests, setup, teardown);
}
