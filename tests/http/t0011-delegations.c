/*
 * t0011-delegations: a ward chairman delegates a power (TUQ.) through the form and the API; the delegate
 * may use it within its window only, not after revocation, and cannot pass it on; the audit log page
 * lists and filters what happened, per unit, and shows a row edited in the database.
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
#include <sys/wait.h>
#include <unistd.h>
#include "core/timefmt.h"
#include "harness.h"
#include "store/db.h"

#define DEMO_PASSWORD "ThanhXuan-Demo-2026"
#define FORM_TYPE     "Content-Type: application/x-www-form-urlencoded"
#define WARD_CODE     "000.01.15.H26" /* Phường Nhân Chính */
#define OTHER_CODE    "000.02.15.H26" /* Phường Thượng Đình */
#define DISTRICT_CODE "000.00.15.H26" /* Quận Thanh Xuân */

static struct test_server srv;
/* the people of the story, logged in once through the API */
static struct ts_user chair, clerk, justice, ward_admin, admin, district_leader;
static int64_t ward, other_ward, district, clerk_id, justice_id, chair_id, ward_admin_id, specialist_id;
/* made by the tests in order, used by the later ones */
static int64_t form_deleg, api_deleg;

/* ---- the database, read and (once) damaged directly ---- */

static struct db *open_db(void)
{
	char *err = NULL;
	struct db *db = db_open(srv.db, &err);
	if (!db)
		fail_msg("cannot open the database: %s", err ? err : "?");
	return db;
}

/* The number in the first column of `sql` with one text argument (NULL: none); -1 when no row. */
static int64_t scalar(const char *sql, const char *arg)
{
	struct db *db = open_db();
	struct db_stmt *st;
	int64_t v = -1;
	int rc = arg ? db_query(db, &st, sql, "s", arg) : db_query(db, &st, sql, "");
	assert_true(rc >= 0);
	if (rc == DB_ROW)
		v = db_col_int(st, 0);
	db_release_statements(db);
	db_close(db);
	return v;
}

static int64_t count_delegations(void)
{
	return scalar("SELECT COUNT(*) FROM delegations", NULL);
}

static int64_t count_audit(void)
{
	return scalar("SELECT COUNT(*) FROM audit_log", NULL);
}

/* ---- time, as the form and the API write it ---- */

static int64_t now_s(void)
{
	return time_now_us() / 1000000;
}

/* "2026-11-27T08:00" in Vietnam time: what a datetime-local input sends. */
static const char *local_minute(int64_t t, char *out, size_t n)
{
	struct civil c;
	time_to_civil(t, VN_UTC_OFFSET, &c);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d", c.year, c.month, c.day, c.hour, c.min);
	return out;
}

/* "2026-11-27T08:00:05+07:00": what the API takes, to the second. */
static const char *iso(int64_t t, char *out, size_t n)
{
	struct civil c;
	time_to_civil(t, VN_UTC_OFFSET, &c);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", c.year, c.month, c.day, c.hour, c.min, c.sec);
	return out;
}

/* Today (+ days) in Vietnam as "2026-11-27". */
static const char *vn_day(int days, char *out, size_t n)
{
	struct civil c;
	time_to_civil(now_s() + (int64_t)days * 86400, VN_UTC_OFFSET, &c);
	snprintf(out, n, "%04d-%02d-%02d", c.year, c.month, c.day);
	return out;
}

/* ---- requests ---- */

static int setup(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ts_init(&srv) || ts_demo(&srv) || ts_launch(&srv, NULL, NULL))
		return -1;
	if (ts_login(&srv, "chutich.nhanchinh", DEMO_PASSWORD, &chair) != 201 ||
	    ts_login(&srv, "motcua.nhanchinh", DEMO_PASSWORD, &clerk) != 201 ||
	    ts_login(&srv, "tuphap.nhanchinh", DEMO_PASSWORD, &justice) != 201 ||
	    ts_login(&srv, "quantri.nhanchinh", DEMO_PASSWORD, &ward_admin) != 201 ||
	    ts_login(&srv, "quantri", DEMO_PASSWORD, &admin) != 201 ||
	    ts_login(&srv, "lanhdao", DEMO_PASSWORD, &district_leader) != 201)
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

/* The ids the tests need, from the demo database. */
static void test_ids(void **state)
{
	(void)state;
	ward = scalar("SELECT id FROM units WHERE agency_code = ?", WARD_CODE);
	other_ward = scalar("SELECT id FROM units WHERE agency_code = ?", OTHER_CODE);
	district = scalar("SELECT id FROM units WHERE agency_code = ?", DISTRICT_CODE);
	chair_id = scalar("SELECT id FROM accounts WHERE username = ?", "chutich.nhanchinh");
	clerk_id = scalar("SELECT id FROM accounts WHERE username = ?", "motcua.nhanchinh");
	justice_id = scalar("SELECT id FROM accounts WHERE username = ?", "tuphap.nhanchinh");
	ward_admin_id = scalar("SELECT id FROM accounts WHERE username = ?", "quantri.nhanchinh");
	specialist_id = scalar("SELECT id FROM accounts WHERE username = ?", "chuyenvien");
	assert_true(ward > 0 && other_ward > 0 && district > 0 && chair_id > 0 && clerk_id > 0 &&
		    justice_id > 0 && ward_admin_id > 0 && specialist_id > 0);
}

/* Append "&name=value" (value percent-encoded) to a form body. */
static void add(struct buf *b, const char *name, const char *value)
{
	char *enc = curl_easy_escape(NULL, value, 0);
	assert_non_null(enc);
	buf_addf(b, "%s%s=%s", b->len ? "&" : "", name, enc);
	curl_free(enc);
}

/* GET as u; the status. */
static long get_as(const struct ts_user *u, const char *path, struct http_resp *r)
{
	resp_init(r);
	assert_int_equal(ts_as(&srv, u, "GET", path, NULL, r), 0);
	return r->status;
}

/* POST a form as a browser does: the session cookie, the token in the form (no header). */
static long post_form(const struct ts_user *u, const char *path, const char *body, struct http_resp *r)
{
	resp_init(r);
	assert_int_equal(http_req(&srv, "POST", path, (const char *const[]){ u->cookie, FORM_TYPE, NULL },
				  body, strlen(body), r),
			 0);
	return r->status;
}

/* POST JSON as u (cookie and X-CSRF-Token); the status. */
static long post_json(const struct ts_user *u, const char *path, const char *json, struct http_resp *r)
{
	resp_init(r);
	assert_int_equal(ts_as(&srv, u, "POST", path, json, r), 0);
	return r->status;
}

static json_t *body_json(const struct http_resp *r)
{
	json_error_t e;
	json_t *j = json_loads(r->body.ptr, 0, &e);
	if (!j)
		fail_msg("not JSON (%s): %.300s", e.text, r->body.ptr);
	return j;
}

/*
 * May `u` use `action` at `unit` now, as /api/v1/permissions answers: 1 or 0;
 * *via (may be NULL) the delegation it goes through, 0 for none.
 */
static int allowed(const struct ts_user *u, const char *action, int64_t unit, int64_t *via)
{
	struct http_resp r;
	char path[200];
	json_t *j, *v;
	int yes;
	snprintf(path, sizeof(path), "/api/v1/permissions?action=%s&unit=%lld", action, (long long)unit);
	assert_int_equal(get_as(u, path, &r), 200);
	j = body_json(&r);
	yes = json_is_true(json_object_get(j, "allowed"));
	v = json_object_get(j, "via_delegation");
	if (via)
		*via = json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
	json_decref(j);
	resp_free(&r);
	return yes;
}

/* The CSRF token of the delegation form as u sees it (GET /quan-tri/uy-quyen/them). */
static void form_token(const struct ts_user *u, char *tok, size_t n)
{
	struct http_resp r;
	assert_int_equal(get_as(u, "/quan-tri/uy-quyen/them", &r), 200);
	assert_non_null(resp_field(&r, "csrf", tok, n));
	resp_free(&r);
}

/* A delegation form as the chairman fills it; NULL fields are sent empty. */
struct dform {
	const char *power, *unit, *to, *from, *until, *no, *date, *note;
};

static void dform_body(const struct dform *f, const char *tok, struct buf *b)
{
	add(b, "csrf", tok);
	add(b, "power", f->power ? f->power : "");
	add(b, "unit_id", f->unit ? f->unit : "");
	add(b, "to_account", f->to ? f->to : "");
	add(b, "valid_from", f->from ? f->from : "");
	add(b, "valid_to", f->until ? f->until : "");
	add(b, "decision_no", f->no ? f->no : "");
	add(b, "decision_date", f->date ? f->date : "");
	add(b, "note", f->note ? f->note : "");
}

/* The field `id` is marked invalid on the page and described by its error, which says `msg`. */
static void expect_field_error(const struct http_resp *r, const char *id, const char *msg)
{
	char pat[400];
	const char *input, *end;
	snprintf(pat, sizeof(pat), "id=\"%s\" name=\"", id);
	input = strstr(r->body.ptr, pat);
	if (!input)
		fail_msg("no field \"%s\" on the page", id);
	end = strchr(input, '>');
	assert_non_null(end);
	if (!memmem(input, (size_t)(end - input), "aria-invalid=\"true\"", 19))
		fail_msg("field \"%s\" is not marked invalid: %.*s", id, (int)(end - input), input);
	snprintf(pat, sizeof(pat), "<p class=\"field-error\" id=\"%s-error\">%s</p>", id, msg);
	if (!strstr(r->body.ptr, pat))
		fail_msg("no error \"%s\" for \"%s\" on the page", msg, id);
}

/* ---- delegating ---- */

/* Through the form: the chairman gives the one-stop clerk the signing of certifications at the ward. */
static void test_form_delegation(void **state)
{
	struct http_resp r;
	struct buf body = BUF_INIT;
	char tok[128], from[32], until[32], today[16], unit[24], to[24], want[200], loc[200];
	int64_t via = -1, audits;
	struct dform f;
	(void)state;

	assert_int_equal(allowed(&clerk, "certification.sign", ward, &via), 0);
	assert_int_equal(via, 0);

	/* the form offers his delegable powers, his ward and its officials */
	assert_int_equal(get_as(&chair, "/quan-tri/uy-quyen/them", &r), 200);
	assert_non_null(strstr(r.body.ptr, "<option value=\"certification.sign\">Ký chứng thực</option>"));
	snprintf(want, sizeof(want), "<option value=\"%lld\">Phường Nhân Chính</option>", (long long)ward);
	assert_non_null(strstr(r.body.ptr, want));
	snprintf(want, sizeof(want), "<option value=\"%lld\">Đỗ Văn Nhân", (long long)clerk_id);
	assert_non_null(strstr(r.body.ptr, want));
	/* not himself, not the district's officials, not powers that cannot be delegated */
	snprintf(want, sizeof(want), "<option value=\"%lld\">", (long long)chair_id);
	assert_null(strstr(r.body.ptr, want));
	snprintf(want, sizeof(want), "<option value=\"%lld\">", (long long)specialist_id);
	assert_null(strstr(r.body.ptr, want));
	assert_null(strstr(r.body.ptr, "news.publish"));
	assert_non_null(strstr(r.body.ptr, "type=\"datetime-local\" id=\"valid_from\" name=\"valid_from\""));
	assert_non_null(resp_field(&r, "csrf", tok, sizeof(tok)));
	resp_free(&r);

	audits = count_audit();
	snprintf(unit, sizeof(unit), "%lld", (long long)ward);
	snprintf(to, sizeof(to), "%lld", (long long)clerk_id);
	f = (struct dform){ "certification.sign",
			    unit,
			    to,
			    local_minute(now_s(), from, sizeof(from)),
			    local_minute(now_s() + 30 * 86400, until, sizeof(until)),
			    "21/QĐ-UBND",
			    vn_day(0, today, sizeof(today)),
			    "Ủy quyền ký chứng thực trong thời gian Chủ tịch đi công tác" };
	dform_body(&f, tok, &body);
	assert_int_equal(post_form(&chair, "/quan-tri/uy-quyen", body.ptr, &r), 303);
	buf_release(&body);
	form_deleg = scalar("SELECT MAX(id) FROM delegations", NULL);
	assert_non_null(resp_hdr(&r, "Location", loc, sizeof(loc)));
	snprintf(want, sizeof(want), "/quan-tri/uy-quyen?ok=created#uq-%lld", (long long)form_deleg);
	assert_string_equal(loc, want);
	resp_free(&r);
	/* recorded once, with its audit entry */
	assert_int_equal(count_audit(), audits + 1);
	snprintf(want, sizeof(want), "delegation:%lld", (long long)form_deleg);
	assert_int_equal(
		scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'delegation.create' AND object = ?",
		       want),
		1);
	assert_int_equal(
		scalar("SELECT from_account FROM delegations WHERE id = (SELECT MAX(id) FROM delegations)",
		       NULL),
		chair_id);

	/* the clerk may now sign certifications at the ward, through that delegation, and nowhere else */
	assert_int_equal(allowed(&clerk, "certification.sign", ward, &via), 1);
	assert_int_equal(via, form_deleg);
	assert_int_equal(allowed(&clerk, "certification.sign", other_ward, &via), 0);
	assert_int_equal(allowed(&clerk, "document.sign", ward, &via), 0);

	/* the list: who, what, when, the decision, in force, and the notation the clerk will print */
	assert_int_equal(get_as(&chair, "/quan-tri/uy-quyen?ok=created", &r), 200);
	assert_non_null(strstr(r.body.ptr, "Đã ghi nhận ủy quyền."));
	snprintf(want, sizeof(want), "<tr id=\"uq-%lld\">", (long long)form_deleg);
	{
		const char *row = strstr(r.body.ptr, want), *end;
		char period[64], fdate[32];
		struct civil c;
		assert_non_null(row);
		end = strstr(row, "</tr>");
		assert_non_null(end);
		assert_non_null(memmem(row, (size_t)(end - row), "Đặng Văn Chính", strlen("Đặng Văn Chính")));
		assert_non_null(memmem(row, (size_t)(end - row), "Đỗ Văn Nhân", strlen("Đỗ Văn Nhân")));
		assert_non_null(memmem(row, (size_t)(end - row), "Ký chứng thực", strlen("Ký chứng thực")));
		assert_non_null(memmem(row, (size_t)(end - row), "Số 21/QĐ-UBND", strlen("Số 21/QĐ-UBND")));
		time_to_civil(now_s(), VN_UTC_OFFSET, &c);
		snprintf(fdate, sizeof(fdate), "ngày %02d/%02d/%04d", c.day, c.month, c.year);
		assert_non_null(memmem(row, (size_t)(end - row), fdate, strlen(fdate)));
		snprintf(period, sizeof(period), "%.2s/%.2s/%.4s %.5s", from + 8, from + 5, from, from + 11);
		assert_non_null(memmem(row, (size_t)(end - row), period, strlen(period)));
		assert_non_null(memmem(row, (size_t)(end - row), "Đang hiệu lực", strlen("Đang hiệu lực")));
		assert_non_null(memmem(
			row, (size_t)(end - row),
			"<span>TUQ. CHỦ TỊCH</span><span>CÔNG CHỨC MỘT CỬA PHƯỜNG NHÂN CHÍNH</span>",
			strlen("<span>TUQ. CHỦ TỊCH</span><span>CÔNG CHỨC MỘT CỬA PHƯỜNG NHÂN CHÍNH</span>")));
		assert_non_null(memmem(row, (size_t)(end - row), "thu-hoi", 7));
	}
	/* and the demo delegation to the Tư pháp - Hộ tịch official */
	assert_non_null(
		strstr(r.body.ptr, "<span>TUQ. CHỦ TỊCH</span><span>CÔNG CHỨC TƯ PHÁP - HỘ TỊCH</span>"));
	assert_non_null(strstr(r.body.ptr, "href=\"/quan-tri/uy-quyen/them\""));
	resp_free(&r);

	/* the clerk sees the delegation made to him, without a button to make one */
	assert_int_equal(get_as(&clerk, "/quan-tri/uy-quyen", &r), 200);
	snprintf(want, sizeof(want), "<tr id=\"uq-%lld\">", (long long)form_deleg);
	assert_non_null(strstr(r.body.ptr, want));
	assert_null(strstr(r.body.ptr, "href=\"/quan-tri/uy-quyen/them\""));
	resp_free(&r);
}

/* Through the API: the signing of documents to the Tư pháp - Hộ tịch official, by user name. */
static void test_api_delegation(void **state)
{
	struct http_resp r;
	char body[800], from[40], until[40], today[16], path[64];
	json_t *j, *list;
	int64_t via = -1;
	size_t i;
	int found = 0;
	(void)state;

	assert_int_equal(allowed(&justice, "document.sign", ward, NULL), 0);
	snprintf(body, sizeof(body),
		 "{\"power\":\"document.sign\",\"unit_id\":%lld,\"to_account\":\"tuphap.nhanchinh\","
		 "\"valid_from\":\"%s\",\"valid_to\":\"%s\",\"decision_no\":\"22/QĐ-UBND\","
		 "\"decision_date\":\"%s\",\"note\":\"Ký thay văn bản hành chính thông thường\"}",
		 (long long)ward, iso(now_s() - 60, from, sizeof(from)),
		 iso(now_s() + 7 * 86400, until, sizeof(until)), vn_day(0, today, sizeof(today)));
	assert_int_equal(post_json(&chair, "/api/v1/delegations", body, &r), 201);
	j = body_json(&r);
	api_deleg = json_integer_value(json_object_get(j, "id"));
	assert_true(api_deleg > form_deleg);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "active");
	assert_string_equal(json_string_value(json_object_get(j, "power")), "document.sign");
	assert_string_equal(json_string_value(json_object_get(j, "valid_from")), from);
	assert_string_equal(json_string_value(json_object_get(j, "valid_to")), until);
	assert_string_equal(json_string_value(json_object_get(j, "decision_no")), "22/QĐ-UBND");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "to"), "id")), justice_id);
	assert_string_equal(json_string_value(json_object_get(j, "signing_notation")),
			    "TUQ. CHỦ TỊCH\nCÔNG CHỨC TƯ PHÁP - HỘ TỊCH");
	json_decref(j);
	snprintf(path, sizeof(path), "/api/v1/delegations/%lld", (long long)api_deleg);
	assert_non_null(resp_hdr(&r, "Location", body, sizeof(body)));
	assert_string_equal(body, path);
	resp_free(&r);

	assert_int_equal(allowed(&justice, "document.sign", ward, &via), 1);
	assert_int_equal(via, api_deleg);
	assert_int_equal(allowed(&justice, "document.sign", other_ward, NULL), 0);

	/* the delegate reads it; an official who is no party to it and cannot read delegations does not */
	assert_int_equal(get_as(&justice, path, &r), 200);
	resp_free(&r);
	assert_int_equal(get_as(&clerk, path, &r), 404);
	resp_free(&r);
	/* the ward's administrator reads the ward's delegations */
	assert_int_equal(get_as(&ward_admin, path, &r), 200);
	resp_free(&r);

	assert_int_equal(get_as(&chair, "/api/v1/delegations?status=active", &r), 200);
	j = body_json(&r);
	list = json_object_get(j, "delegations");
	assert_true(json_array_size(list) >= 3);
	for (i = 0; i < json_array_size(list); i++) {
		json_t *d = json_array_get(list, i);
		assert_string_equal(json_string_value(json_object_get(d, "status")), "active");
		found += json_integer_value(json_object_get(d, "id")) == api_deleg;
	}
	assert_int_equal(found, 1);
	json_decref(j);
	resp_free(&r);
	assert_int_equal(get_as(&chair, "/api/v1/delegations?status=sometimes", &r), 400);
	resp_free(&r);
}

/* The required test: a delegation of a few seconds works inside its window, then stops. */
static void test_expired_delegation_stops(void **state)
{
	struct http_resp r;
	char body[800], from[40], until[40], today[16], path[64];
	int64_t start = now_s(), end = start + 6, via = -1, id;
	json_t *j;
	(void)state;

	snprintf(body, sizeof(body),
		 "{\"power\":\"dossier.approve\",\"unit_id\":%lld,\"to_account\":%lld,\"valid_from\":\"%s\","
		 "\"valid_to\":\"%s\",\"decision_no\":\"23/QĐ-UBND\",\"decision_date\":\"%s\"}",
		 (long long)ward, (long long)clerk_id, iso(start, from, sizeof(from)),
		 iso(end, until, sizeof(until)), vn_day(0, today, sizeof(today)));
	assert_int_equal(allowed(&clerk, "dossier.approve", ward, NULL), 0);
	assert_int_equal(post_json(&chair, "/api/v1/delegations", body, &r), 201);
	j = body_json(&r);
	id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	resp_free(&r);
	if (now_s() < end - 1) {
		assert_int_equal(allowed(&clerk, "dossier.approve", ward, &via), 1);
		assert_int_equal(via, id);
	} else {
		print_message("# the server took too long to check inside the window\n");
	}
	/* past valid_to (exclusive): no longer, without anyone doing anything */
	while (now_s() <= end)
		usleep(200 * 1000);
	assert_int_equal(allowed(&clerk, "dossier.approve", ward, &via), 0);
	assert_int_equal(via, 0);
	snprintf(path, sizeof(path), "/api/v1/delegations/%lld", (long long)id);
	assert_int_equal(get_as(&chair, path, &r), 200);
	j = body_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "expired");
	assert_true(json_is_null(json_object_get(j, "signing_notation")));
	json_decref(j);
	resp_free(&r);
	/* an ended delegation is not revoked: there is nothing left to stop */
	snprintf(path, sizeof(path), "/api/v1/delegations/%lld/revoke", (long long)id);
	assert_int_equal(post_json(&chair, path, "{\"reason\":\"Hết việc\"}", &r), 409);
	resp_free(&r);
	assert_int_equal(get_as(&chair, "/quan-tri/uy-quyen?status=expired", &r), 200);
	assert_non_null(strstr(r.body.ptr, "Hết hiệu lực"));
	assert_non_null(strstr(r.body.ptr, "23/QĐ-UBND"));
	resp_free(&r);
}

/* Revocation works at once, from the page (a reason required) and from the API. */
static void test_revocation(void **state)
{
	struct http_resp r;
	char tok[128], path[80], want[120];
	struct buf body = BUF_INIT;
	int64_t audits, via = -1;
	json_t *j;
	(void)state;

	form_token(&chair, tok, sizeof(tok));
	snprintf(path, sizeof(path), "/quan-tri/uy-quyen/%lld/thu-hoi", (long long)form_deleg);
	/* no reason: refused, by the field, and the delegation still works */
	audits = count_audit();
	add(&body, "csrf", tok);
	add(&body, "reason", "  ");
	assert_int_equal(post_form(&chair, path, body.ptr, &r), 422);
	buf_release(&body);
	snprintf(want, sizeof(want), "reason-%lld", (long long)form_deleg);
	expect_field_error(&r, want, "Vui lòng nêu lý do thu hồi.");
	resp_free(&r);
	assert_int_equal(count_audit(), audits);
	assert_int_equal(allowed(&clerk, "certification.sign", ward, NULL), 1);

	/* someone who is no party to it cannot revoke it */
	{
		struct buf b2 = BUF_INIT;
		char jpath[80];
		add(&b2, "csrf", clerk.csrf);
		add(&b2, "reason", "Tự thu hồi");
		snprintf(jpath, sizeof(jpath), "/quan-tri/uy-quyen/%lld/thu-hoi", (long long)api_deleg);
		assert_int_equal(post_form(&clerk, jpath, b2.ptr, &r), 404);
		resp_free(&r);
		buf_release(&b2);
	}

	add(&body, "csrf", tok);
	add(&body, "reason", "Chủ tịch đã trở lại làm việc");
	assert_int_equal(post_form(&chair, path, body.ptr, &r), 303);
	buf_release(&body);
	resp_free(&r);
	/* at once: the next request */
	assert_int_equal(allowed(&clerk, "certification.sign", ward, &via), 0);
	assert_int_equal(via, 0);
	assert_int_equal(count_audit(), audits + 1);
	snprintf(want, sizeof(want), "delegation:%lld", (long long)form_deleg);
	assert_int_equal(
		scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'delegation.revoke' AND object = ?",
		       want),
		1);
	assert_int_equal(get_as(&chair, "/quan-tri/uy-quyen?status=revoked", &r), 200);
	snprintf(want, sizeof(want), "<tr id=\"uq-%lld\">", (long long)form_deleg);
	assert_non_null(strstr(r.body.ptr, want));
	assert_non_null(strstr(r.body.ptr, "Đã thu hồi"));
	assert_non_null(strstr(r.body.ptr, "bởi Đặng Văn Chính"));
	assert_non_null(strstr(r.body.ptr, "Lý do: Chủ tịch đã trở lại làm việc"));
	resp_free(&r);

	/* the API: a reason required, then revoked, then nothing more to revoke */
	snprintf(path, sizeof(path), "/api/v1/delegations/%lld/revoke", (long long)api_deleg);
	assert_int_equal(post_json(&chair, path, "{\"reason\":\"\"}", &r), 422);
	assert_non_null(strstr(r.body.ptr, "\"reason\":\"Vui lòng nêu lý do thu hồi.\""));
	resp_free(&r);
	assert_int_equal(allowed(&justice, "document.sign", ward, NULL), 1);
	assert_int_equal(post_json(&chair, path, "{\"reason\":\"Điều chuyển công tác\"}", &r), 200);
	j = body_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "revoked");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "revoked"), "reason")),
			    "Điều chuyển công tác");
	json_decref(j);
	resp_free(&r);
	assert_int_equal(allowed(&justice, "document.sign", ward, NULL), 0);
	assert_int_equal(post_json(&chair, path, "{\"reason\":\"Lần nữa\"}", &r), 409);
	resp_free(&r);
}

/* Decree 30/2020 art. 13: the delegate cannot delegate the power he got; nothing is recorded. */
static void test_no_redelegation(void **state)
{
	struct http_resp r;
	struct buf body = BUF_INIT;
	char json[800], from[40], until[40], today[16], unit[24], to[24], fmin[32], umin[32];
	int64_t dels = count_delegations(), audits, via = 0;
	(void)state;

	/* he holds certification.sign at the ward by the demo delegation */
	assert_int_equal(allowed(&justice, "certification.sign", ward, &via), 1);
	assert_true(via > 0);
	audits = count_audit();
	snprintf(
		json, sizeof(json),
		"{\"power\":\"certification.sign\",\"unit_id\":%lld,\"to_account\":%lld,\"valid_from\":\"%s\","
		"\"valid_to\":\"%s\",\"decision_no\":\"24/QĐ-UBND\",\"decision_date\":\"%s\"}",
		(long long)ward, (long long)clerk_id, iso(now_s(), from, sizeof(from)),
		iso(now_s() + 86400, until, sizeof(until)), vn_day(0, today, sizeof(today)));
	assert_int_equal(post_json(&justice, "/api/v1/delegations", json, &r), 403);
	assert_non_null(strstr(r.body.ptr, "Người được ủy quyền không được ủy quyền lại cho người khác."));
	resp_free(&r);

	/* nor through the form, which is not offered to him */
	assert_int_equal(get_as(&justice, "/quan-tri/uy-quyen/them", &r), 403);
	resp_free(&r);
	snprintf(unit, sizeof(unit), "%lld", (long long)ward);
	snprintf(to, sizeof(to), "%lld", (long long)clerk_id);
	dform_body(&(struct dform){ "certification.sign", unit, to, local_minute(now_s(), fmin, sizeof(fmin)),
				    local_minute(now_s() + 86400, umin, sizeof(umin)), "24/QĐ-UBND", today,
				    NULL },
		   justice.csrf, &body);
	assert_int_equal(post_form(&justice, "/quan-tri/uy-quyen", body.ptr, &r), 403);
	assert_non_null(strstr(r.body.ptr, "Người được ủy quyền không được ủy quyền lại cho người khác."));
	buf_release(&body);
	resp_free(&r);
	assert_int_equal(count_delegations(), dels);
	assert_int_equal(count_audit(), audits);
	assert_int_equal(allowed(&clerk, "certification.sign", ward, NULL), 0);
}

/* The chairman of one ward cannot delegate at another (403), nor can an official who leads nothing. */
static void test_other_ward(void **state)
{
	struct http_resp r;
	char json[800], from[40], until[40], today[16];
	int64_t dels = count_delegations(), audits = count_audit();
	(void)state;

	snprintf(
		json, sizeof(json),
		"{\"power\":\"certification.sign\",\"unit_id\":%lld,\"to_account\":%lld,\"valid_from\":\"%s\","
		"\"valid_to\":\"%s\",\"decision_no\":\"25/QĐ-UBND\",\"decision_date\":\"%s\"}",
		(long long)other_ward, (long long)clerk_id, iso(now_s(), from, sizeof(from)),
		iso(now_s() + 86400, until, sizeof(until)), vn_day(0, today, sizeof(today)));
	assert_int_equal(post_json(&chair, "/api/v1/delegations", json, &r), 403);
	assert_non_null(strstr(r.body.ptr, "\"code\":\"forbidden\""));
	assert_non_null(strstr(r.body.ptr, "Chỉ lãnh đạo đơn vị mới được ủy quyền"));
	resp_free(&r);
	assert_int_equal(post_json(&clerk, "/api/v1/delegations", json, &r), 403);
	resp_free(&r);
	assert_int_equal(count_delegations(), dels);
	assert_int_equal(count_audit(), audits);
}

/* One field wrong, the others right: 422, its message by that field, nothing recorded. */
static void expect_refused(const struct dform *f, const char *field, const char *msg)
{
	struct http_resp r;
	struct buf body = BUF_INIT;
	char tok[128];
	int64_t dels = count_delegations(), audits = count_audit();

	form_token(&chair, tok, sizeof(tok));
	dform_body(f, tok, &body);
	if (post_form(&chair, "/quan-tri/uy-quyen", body.ptr, &r) != 422)
		fail_msg("status %ld for a bad \"%s\", want 422", r.status, field);
	expect_field_error(&r, field, msg);
	assert_non_null(strstr(r.body.ptr, "Vui lòng sửa các mục được đánh dấu dưới đây."));
	/* what was typed stays */
	if (f->no && *f->no) {
		char want[120];
		snprintf(want, sizeof(want), "value=\"%s\"", f->no);
		assert_non_null(strstr(r.body.ptr, want));
	}
	buf_release(&body);
	resp_free(&r);
	assert_int_equal(count_delegations(), dels);
	assert_int_equal(count_audit(), audits);
}

static void test_each_bad_field(void **state)
{
	char unit[24], clerk_s[24], chair_s[24], spec_s[24], from[32], until[32], past[32], far[32],
		today[16], tomorrow[16], note[520], json[800], ifrom[40], iuntil[40], before[32];
	struct dform ok, f;
	struct http_resp r;
	int64_t dels;
	(void)state;

	snprintf(unit, sizeof(unit), "%lld", (long long)ward);
	snprintf(clerk_s, sizeof(clerk_s), "%lld", (long long)clerk_id);
	snprintf(chair_s, sizeof(chair_s), "%lld", (long long)chair_id);
	snprintf(spec_s, sizeof(spec_s), "%lld", (long long)specialist_id);
	ok = (struct dform){ "certification.sign",
			     unit,
			     clerk_s,
			     local_minute(now_s() + 86400, from, sizeof(from)),
			     local_minute(now_s() + 10 * 86400, until, sizeof(until)),
			     "30/QĐ-UBND",
			     vn_day(0, today, sizeof(today)),
			     NULL };
	local_minute(now_s() - 3600, past, sizeof(past));
	local_minute(now_s() + 400 * 86400, far, sizeof(far));
	vn_day(1, tomorrow, sizeof(tomorrow));
	memset(note, 'x', 501);
	note[501] = '\0';

	f = ok, f.power = "";
	expect_refused(&f, "power", "Vui lòng chọn thẩm quyền ủy quyền.");
	f = ok, f.power = "news.publish";
	expect_refused(&f, "power", "Thẩm quyền này không được phép ủy quyền.");
	f = ok, f.power = "everything";
	expect_refused(&f, "power", "Thẩm quyền này không tồn tại.");
	f = ok, f.unit = "";
	expect_refused(&f, "unit_id", "Vui lòng chọn đơn vị áp dụng ủy quyền.");
	f = ok, f.unit = "999999";
	expect_refused(&f, "unit_id", "Không tìm thấy đơn vị.");
	f = ok, f.to = "";
	expect_refused(&f, "to_account", "Vui lòng chọn người được ủy quyền.");
	f = ok, f.to = chair_s;
	expect_refused(&f, "to_account", "Không thể ủy quyền cho chính người đang giữ quyền đó.");
	f = ok, f.to = spec_s;
	expect_refused(&f, "to_account",
		       "Người được ủy quyền phải công tác tại đơn vị này hoặc đơn vị trực thuộc.");
	f = ok, f.to = "999999";
	expect_refused(&f, "to_account", "Không có cán bộ, công chức này.");
	f = ok, f.from = "";
	expect_refused(&f, "valid_from", "Vui lòng nhập thời điểm bắt đầu ủy quyền.");
	f = ok, f.from = "ngày mai";
	expect_refused(&f, "valid_from", "Vui lòng nhập ngày và giờ, ví dụ 27/11/2026 08:00.");
	f = ok, f.from = "2026-02-30T08:00";
	expect_refused(&f, "valid_from", "Vui lòng nhập ngày và giờ, ví dụ 27/11/2026 08:00.");
	f = ok, f.until = "";
	expect_refused(&f, "valid_to", "Vui lòng nhập thời điểm kết thúc ủy quyền.");
	f = ok, f.until = ok.from;
	expect_refused(&f, "valid_to", "Thời điểm kết thúc ủy quyền phải sau thời điểm bắt đầu.");
	f = ok, f.until = far;
	expect_refused(&f, "valid_to", "Thời hạn ủy quyền tối đa là một năm.");
	f = ok, f.from = local_minute(now_s() - 2 * 86400, before, sizeof(before)), f.until = past;
	expect_refused(&f, "valid_to", "Thời hạn ủy quyền này đã kết thúc.");
	f = ok, f.no = "";
	expect_refused(&f, "decision_no", "Vui lòng nhập số của văn bản ủy quyền.");
	f = ok, f.no = "QĐ-UBND";
	expect_refused(&f, "decision_no",
		       "Vui lòng ghi số quyết định đúng như trên văn bản, ví dụ 15/QĐ-UBND.");
	f = ok, f.date = "";
	expect_refused(&f, "decision_date", "Vui lòng nhập ngày của văn bản ủy quyền.");
	f = ok, f.date = "31/02/2026";
	expect_refused(&f, "decision_date", "Vui lòng nhập một ngày có thật, ví dụ 25/11/2026.");
	f = ok, f.date = tomorrow;
	expect_refused(&f, "decision_date", "Ngày ban hành quyết định không thể ở tương lai.");
	f = ok, f.note = note;
	expect_refused(&f, "note", "Ghi chú tối đa 500 ký tự.");

	/* the form as filled by hand in Vietnamese notation is fine: dd/mm/yyyy HH:MM and dd/mm/yyyy */
	{
		struct http_resp p;
		struct buf body = BUF_INIT;
		char tok[128], hand_from[32], hand_date[16], overlap[300];
		struct civil c;
		time_to_civil(now_s() + 2 * 86400, VN_UTC_OFFSET, &c);
		snprintf(hand_from, sizeof(hand_from), "%02d/%02d/%04d 07:30", c.day, c.month, c.year);
		time_to_civil(now_s(), VN_UTC_OFFSET, &c);
		snprintf(hand_date, sizeof(hand_date), "%02d/%02d/%04d", c.day, c.month, c.year);
		f = ok, f.from = hand_from, f.date = hand_date, f.power = "dossier.approve";
		form_token(&chair, tok, sizeof(tok));
		dform_body(&f, tok, &body);
		assert_int_equal(post_form(&chair, "/quan-tri/uy-quyen", body.ptr, &p), 303);
		buf_release(&body);
		resp_free(&p);
		/* not yet in force: the day after tomorrow */
		assert_int_equal(allowed(&clerk, "dossier.approve", ward, NULL), 0);
		assert_string_equal(local_minute(scalar("SELECT MAX(valid_from) FROM delegations", NULL),
						 hand_from, sizeof(hand_from)) +
					    11,
				    "07:30");
		/* the same again, from tomorrow: it overlaps that one */
		snprintf(
			overlap, sizeof(overlap),
			"Người này đã được ủy quyền thẩm quyền này tại đơn vị này trong một phần thời gian trên (ủy "
			"quyền số %lld).",
			(long long)scalar("SELECT MAX(id) FROM delegations", NULL));
		f.from = ok.from;
		expect_refused(&f, "valid_from", overlap);
	}

	/* the API names its fields the same way, with its own formats */
	dels = count_delegations();
	snprintf(
		json, sizeof(json),
		"{\"power\":\"certification.sign\",\"unit_id\":%lld,\"to_account\":%lld,\"valid_from\":\"%s\","
		"\"valid_to\":\"%.16s\",\"decision_no\":\"\",\"decision_date\":\"%s\"}",
		(long long)ward, (long long)clerk_id, iso(now_s() + 60, ifrom, sizeof(ifrom)),
		iso(now_s() + 86400, iuntil, sizeof(iuntil)), today);
	assert_int_equal(post_json(&chair, "/api/v1/delegations", json, &r), 422);
	{
		json_t *j = body_json(&r), *fields = json_object_get(json_object_get(j, "error"), "fields");
		assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "code")),
				    "invalid");
		assert_string_equal(
			json_string_value(json_object_get(fields, "valid_to")),
			"Ghi thời điểm theo ISO 8601 kèm độ lệch múi giờ, ví dụ 2026-11-27T08:00:00+07:00.");
		assert_string_equal(json_string_value(json_object_get(fields, "decision_no")),
				    "Vui lòng nhập số của văn bản ủy quyền.");
		assert_null(json_object_get(fields, "valid_from"));
		json_decref(j);
	}
	resp_free(&r);
	assert_int_equal(post_json(&chair, "/api/v1/delegations", "{\"power\":[1]}", &r), 400);
	resp_free(&r);
	assert_int_equal(count_delegations(), dels);
}

/* ---- who may see the pages ---- */

static void test_citizen_forbidden(void **state)
{
	static const char reg[] = "{\"full_name\":\"Nguyễn Văn An\",\"citizen_id\":\"001099012345\","
				  "\"email\":\"an.nguyen@example.com\",\"password\":\"Hoa-Sen-Ho-Tay-2026\"}";
	static const char *const paths[] = { "/quan-tri/uy-quyen", "/quan-tri/uy-quyen/them",
					     "/quan-tri/nhat-ky", "/api/v1/audit", "/api/v1/delegations" };
	struct ts_user citizen;
	struct http_resp r;
	(void)state;

	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", "/api/v1/citizens",
				  (const char *const[]){ "Content-Type: application/json", NULL }, reg,
				  sizeof(reg) - 1, &r),
			 0);
	assert_int_equal(r.status, 201);
	resp_free(&r);
	assert_int_equal(ts_login(&srv, "an.nguyen@example.com", "Hoa-Sen-Ho-Tay-2026", &citizen), 201);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (get_as(&citizen, paths[i], &r) != 403)
			fail_msg("%s: status %ld for a citizen, want 403", paths[i], r.status);
		resp_free(&r);
	}
	assert_int_equal(get_as(&citizen, "/quan-tri/nhat-ky", &r), 403);
	assert_non_null(
		strstr(r.body.ptr, "Trang này chỉ dành cho cán bộ, công chức của chính quyền địa phương."));
	resp_free(&r);
	/* staff without audit.read neither */
	assert_int_equal(get_as(&chair, "/quan-tri/nhat-ky", &r), 403);
	resp_free(&r);
	assert_int_equal(get_as(&clerk, "/api/v1/audit", &r), 403);
	resp_free(&r);
	/* and nobody logged in is sent to log in */
	resp_init(&r);
	assert_int_equal(http_get(&srv, "/quan-tri/nhat-ky", &r), 0);
	assert_int_equal(r.status, 303);
	resp_free(&r);
}

/* ---- the audit log ---- */

/* The district's administrator sees the ward's delegation rows and filters them by action. */
static void test_audit_page(void **state)
{
	struct http_resp r;
	char want[200];
	const char *row, *end;
	(void)state;

	assert_int_equal(get_as(&admin, "/quan-tri/nhat-ky", &r), 200);
	assert_non_null(strstr(r.body.ptr, "Kiểm tra tính toàn vẹn"));
	snprintf(want, sizeof(want), "<td><code>delegation:%lld</code></td>", (long long)form_deleg);
	row = strstr(r.body.ptr, want);
	assert_non_null(row);
	/* the row of its creation: back to its <tr> */
	end = strstr(row, "</tr>");
	while (row > r.body.ptr && strncmp(row, "<tr id=\"nk-", 11))
		row--;
	assert_non_null(memmem(row, (size_t)(end - row), "chutich.nhanchinh", 17));
	assert_non_null(memmem(row, (size_t)(end - row), "Đặng Văn Chính", strlen("Đặng Văn Chính")));
	assert_non_null(memmem(row, (size_t)(end - row), "Phường Nhân Chính", strlen("Phường Nhân Chính")));
	resp_free(&r);

	/* by action: the creations only, newest first, labelled */
	assert_int_equal(get_as(&admin, "/quan-tri/nhat-ky?action=delegation.create", &r), 200);
	assert_non_null(strstr(r.body.ptr, "Ủy quyền<br><code>delegation.create</code>"));
	assert_null(strstr(r.body.ptr, "<code>delegation.revoke</code>"));
	assert_null(strstr(r.body.ptr, "<code>session.login</code>"));
	assert_non_null(strstr(r.body.ptr, want));
	{
		/* the entries' times: dd/mm/yyyy HH:MM:SS */
		const char *t = strstr(r.body.ptr, "<td class=\"nowrap\">");
		assert_non_null(t);
		t += strlen("<td class=\"nowrap\">");
		assert_true(t[2] == '/' && t[5] == '/' && t[10] == ' ' && t[13] == ':' && t[16] == ':' &&
			    t[19] == '<');
	}
	resp_free(&r);
	/* a prefix: "delegation." holds both */
	assert_int_equal(get_as(&admin, "/quan-tri/nhat-ky?action=delegation.", &r), 200);
	assert_non_null(strstr(r.body.ptr, "<code>delegation.revoke</code>"));
	assert_non_null(strstr(r.body.ptr, "<code>delegation.create</code>"));
	resp_free(&r);
	/* by who: the chairman's, by user name; the delegate's refused attempts left none */
	assert_int_equal(get_as(&admin, "/quan-tri/nhat-ky?actor=chutich.nhanchinh&action=delegation.create",
				&r),
			 200);
	assert_non_null(strstr(r.body.ptr, want));
	assert_non_null(strstr(r.body.ptr, "value=\"chutich.nhanchinh\""));
	resp_free(&r);
	assert_int_equal(get_as(&admin, "/quan-tri/nhat-ky?actor=tuphap.nhanchinh&action=delegation.", &r),
			 200);
	assert_non_null(strstr(r.body.ptr, "Không có bản ghi nào phù hợp."));
	resp_free(&r);
	/* a bad date is said by its field */
	assert_int_equal(get_as(&admin, "/quan-tri/nhat-ky?from=31%2F02%2F2026", &r), 400);
	expect_field_error(&r, "from", "Vui lòng nhập một ngày có thật, ví dụ 25/11/2026.");
	resp_free(&r);

	/* the API: the same filters, JSON entries */
	assert_int_equal(get_as(&admin, "/api/v1/audit?action=delegation.create&per_page=2", &r), 200);
	{
		json_t *j = body_json(&r), *e = json_object_get(j, "entries");
		assert_int_equal(json_array_size(e), 2);
		assert_true(json_is_true(json_object_get(j, "has_more")));
		for (size_t i = 0; i < 2; i++) {
			json_t *x = json_array_get(e, i);
			assert_string_equal(json_string_value(json_object_get(x, "action")),
					    "delegation.create");
			assert_true(json_is_object(json_object_get(x, "detail")));
			assert_int_equal(json_integer_value(json_object_get(x, "unit")), ward);
		}
		assert_true(json_integer_value(json_object_get(json_array_get(e, 0), "seq")) >
			    json_integer_value(json_object_get(json_array_get(e, 1), "seq")));
		json_decref(j);
	}
	resp_free(&r);
	assert_int_equal(get_as(&admin, "/api/v1/audit?per_page=201", &r), 400);
	resp_free(&r);
}

/* A ward's administrator sees his ward's entries, not the district's. */
static void test_ward_admin_scope(void **state)
{
	struct http_resp r;
	char json[800], from[40], until[40], today[16];
	int64_t district_deleg;
	json_t *j, *e;
	size_t i;
	int saw_district = 0, saw_ward = 0;
	(void)state;

	/* the district's vice-chairman delegates at the district: an entry of the district */
	snprintf(
		json, sizeof(json),
		"{\"power\":\"document.sign\",\"unit_id\":%lld,\"to_account\":\"chuyenvien\",\"valid_from\":\"%s\","
		"\"valid_to\":\"%s\",\"decision_no\":\"120/QĐ-UBND\",\"decision_date\":\"%s\"}",
		(long long)district, iso(now_s(), from, sizeof(from)),
		iso(now_s() + 86400, until, sizeof(until)), vn_day(0, today, sizeof(today)));
	assert_int_equal(post_json(&district_leader, "/api/v1/delegations", json, &r), 201);
	j = body_json(&r);
	district_deleg = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	resp_free(&r);

	assert_int_equal(get_as(&admin, "/api/v1/audit?action=delegation.&per_page=200", &r), 200);
	j = body_json(&r);
	e = json_object_get(j, "entries");
	for (i = 0; i < json_array_size(e); i++) {
		json_t *x = json_array_get(e, i);
		saw_district += json_integer_value(json_object_get(x, "unit")) == district;
		saw_ward += json_integer_value(json_object_get(x, "unit")) == ward;
	}
	assert_true(saw_district >= 1 && saw_ward >= 1);
	json_decref(j);
	resp_free(&r);

	saw_district = saw_ward = 0;
	assert_int_equal(get_as(&ward_admin, "/api/v1/audit?per_page=200", &r), 200);
	j = body_json(&r);
	e = json_object_get(j, "entries");
	assert_true(json_array_size(e) > 0);
	for (i = 0; i < json_array_size(e); i++) {
		json_t *x = json_array_get(e, i);
		int64_t unit = json_integer_value(json_object_get(x, "unit"));
		if (unit != ward &&
		    unit != scalar("SELECT id FROM units WHERE agency_code = '100.01.15.H26'", NULL))
			fail_msg("the ward's administrator sees entry %lld of unit %lld",
				 (long long)json_integer_value(json_object_get(x, "seq")), (long long)unit);
		saw_ward++;
	}
	assert_true(saw_ward >= 3);
	json_decref(j);
	resp_free(&r);
	assert_int_equal(get_as(&ward_admin, "/quan-tri/nhat-ky?action=delegation.", &r), 200);
	snprintf(json, sizeof(json), "<code>delegation:%lld</code>", (long long)district_deleg);
	assert_null(strstr(r.body.ptr, json));
	snprintf(json, sizeof(json), "<code>delegation:%lld</code>", (long long)form_deleg);
	assert_non_null(strstr(r.body.ptr, json));
	resp_free(&r);
	/* the district's admin sees both */
	assert_int_equal(get_as(&admin, "/quan-tri/nhat-ky?action=delegation.", &r), 200);
	snprintf(json, sizeof(json), "<code>delegation:%lld</code>", (long long)district_deleg);
	assert_non_null(strstr(r.body.ptr, json));
	resp_free(&r);
}

/* Run a command; its exit status, its output into out. */
static int run(const char *cmd, char *out, size_t n)
{
	FILE *p = popen(cmd, "r");
	size_t got;
	int st;
	assert_non_null(p);
	got = fread(out, 1, n - 1, p);
	out[got] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The required test: a row edited in the database is named by `motcua audit verify` and the page. */
static void test_tampered_row(void **state)
{
	struct http_resp r;
	char cmd[1200], out[1024], obj[64], want[200];
	int64_t seq;
	struct db *db;
	(void)state;

	snprintf(cmd, sizeof(cmd), "'%s' audit verify --db '%s' 2>&1", MOTCUA_BIN, srv.db);
	assert_int_equal(run(cmd, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "audit chain intact"));
	assert_int_equal(get_as(&admin, "/quan-tri/nhat-ky?verify=1", &r), 200);
	assert_non_null(strstr(r.body.ptr, "Chuỗi nhật ký toàn vẹn: "));
	resp_free(&r);

	/* someone with write access to the database makes the delegation look like another */
	snprintf(obj, sizeof(obj), "delegation:%lld", (long long)form_deleg);
	seq = scalar("SELECT seq FROM audit_log WHERE action = 'delegation.create' AND object = ?", obj);
	assert_true(seq > 0);
	db = open_db();
	assert_int_equal(db_exec(db, "UPDATE audit_log SET detail = ? WHERE seq = ?", "si",
				 "{\"power\":\"document.sign\"}", seq),
			 0);
	db_close(db);

	assert_int_equal(run(cmd, out, sizeof(out)), 1);
	snprintf(want, sizeof(want), "audit chain broken at entry %lld", (long long)seq);
	if (!strstr(out, want))
		fail_msg("verify said: %s", out);
	assert_int_equal(get_as(&admin, "/quan-tri/nhat-ky?verify=1", &r), 200);
	snprintf(want, sizeof(want),
		 "Chuỗi nhật ký không toàn vẹn: bản ghi số %lld đã bị sửa hoặc xóa sau khi ghi.",
		 (long long)seq);
	if (!strstr(r.body.ptr, want))
		fail_msg("no \"%s\" on the page", want);
	assert_null(strstr(r.body.ptr, "Chuỗi nhật ký toàn vẹn: "));
	resp_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_form_delegation),
		cmocka_unit_test(test_api_delegation),
		cmocka_unit_test(test_expired_delegation_stops),
		cmocka_unit_test(test_revocation),
		cmocka_unit_test(test_no_redelegation),
		cmocka_unit_test(test_other_ward),
		cmocka_unit_test(test_each_bad_field),
		cmocka_unit_test(test_citizen_forbidden),
		cmocka_unit_test(test_audit_page),
		cmocka_unit_test(test_ward_admin_scope),
		cmocka_unit_test(test_tampered_row),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
