/* t0010-users: user administration, role granting and revoking, password change and reset (pages and API);
 * who may read and change which users. */
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
#include "harness.h"
#include "store/db.h"

#define DEMO_PASSWORD "ThanhXuan-Demo-2026"
#define FORM_TYPE     "Content-Type: application/x-www-form-urlencoded"
#define JSON_TYPE     "Content-Type: application/json"
#define FORBIDDEN     "Bạn không có quyền thực hiện thao tác này."
#define CSRF_REFUSED  "Biểu mẫu đã hết hạn hoặc không được gửi từ trang này."

/* Units of the demo tree. */
#define DISTRICT   "000.00.15.H26" /* Quận Thanh Xuân */
#define NHANCHINH  "000.01.15.H26" /* Phường Nhân Chính */
#define NC_ONESTOP "100.01.15.H26" /* Bộ phận Một cửa phường Nhân Chính */
#define THUONGDINH "000.02.15.H26" /* Phường Thượng Đình */

/* Made by the district administrator in test_district_admin_creates: one in another ward, one at the
 * district. */
#define TD_USER	    "canbo.thuongdinh"
#define TD_NAME	    "Trịnh Văn Đình"
#define TD_PASSWORD "Song-To-Lich-2026"
#define DI_USER	    "canbo.quan"
#define DI_PASSWORD "Cau-Moi-Nga-Tu-So-2026"

static struct test_server srv;
static struct db *db; /* the server's database, to look at what changed and what did not */

/* ---- talking to the server ---- */

/* A new client address for each request, so the per-address login limits do not mix tests up. */
static const char *next_client(void)
{
	static char bufs[8][64];
	static unsigned n;
	char *b = bufs[n % 8];
	snprintf(b, sizeof(bufs[0]), "X-Forwarded-For: 198.51.100.%u", 1 + n % 250);
	n++;
	return b;
}

/* Log in through the API from a new address; the status (201 when logged in). */
static long login_status(const char *user, const char *password, struct ts_user *u)
{
	struct http_resp r;
	char body[512];
	long status;
	json_t *j;
	memset(u, 0, sizeof(*u));
	snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"}", user, password);
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", "/api/v1/session",
				  (const char *const[]){ JSON_TYPE, next_client(), NULL }, body, strlen(body),
				  &r),
			 0);
	status = r.status;
	if (status == 201) {
		assert_non_null(resp_cookie(&r, "sid", u->sid, sizeof(u->sid)));
		j = json_loads(r.body.ptr, 0, NULL);
		assert_non_null(j);
		snprintf(u->csrf, sizeof(u->csrf), "%s", json_string_value(json_object_get(j, "csrf")));
		json_decref(j);
		snprintf(u->cookie, sizeof(u->cookie), "Cookie: sid=%s", u->sid);
		snprintf(u->token, sizeof(u->token), "X-CSRF-Token: %s", u->csrf);
	}
	resp_free(&r);
	return status;
}

static void login(const char *user, const char *password, struct ts_user *u)
{
	long status = login_status(user, password, u);
	if (status != 201)
		fail_msg("login as %s: status %ld", user, status);
}

/*
 * A request as u (cookie, CSRF header; a body is JSON when it starts with
 * '{', else a form) from a new client address. r is initialised here;
 * the caller frees it. Returns the status.
 */
static long call(const struct ts_user *u, const char *method, const char *path, const char *body,
		 struct http_resp *r)
{
	const char *type = !body ? NULL : body[0] == '{' ? JSON_TYPE : FORM_TYPE;
	const char *headers[5] = { u->cookie, u->token, next_client(), type, NULL };
	resp_init(r);
	assert_int_equal(http_req(&srv, method, path, headers, body, body ? strlen(body) : 0, r), 0);
	return r->status;
}

/* The status of a request as u, its response dropped. */
static long status_of(const struct ts_user *u, const char *method, const char *path, const char *body)
{
	struct http_resp r;
	long status = call(u, method, path, body, &r);
	resp_free(&r);
	return status;
}

/* POST a form as u; the status, the response in r (initialised here). */
static long post_form(const struct ts_user *u, const char *path, char *body, struct http_resp *r)
{
	long status = call(u, "POST", path, body, r);
	free(body);
	return status;
}

/* The field `id` is marked invalid on the page and its error, right by it, says `msg`. */
static void expect_field_error(const struct http_resp *r, const char *id, const char *msg)
{
	char pat[400];
	const char *input, *end;
	snprintf(pat, sizeof(pat), " id=\"%s\"", id);
	input = strstr(r->body.ptr, pat);
	if (!input)
		fail_msg("no field \"%s\" on the page", id);
	end = strchr(input, '>');
	assert_non_null(end);
	snprintf(pat, sizeof(pat), "%s-error", id);
	if (!memmem(input, (size_t)(end - input), "aria-invalid=\"true\"", 19) ||
	    !memmem(input, (size_t)(end - input), pat, strlen(pat)))
		fail_msg("field \"%s\" is not marked invalid: %.*s", id, (int)(end - input), input);
	snprintf(pat, sizeof(pat), "<p class=\"field-error\" id=\"%s-error\">%s", id, msg);
	if (!strstr(r->body.ptr, pat))
		fail_msg("no error \"%s\" for \"%s\" on the page", msg, id);
}

static void expect_text(const struct http_resp *r, const char *text)
{
	if (!strstr(r->body.ptr, text))
		fail_msg("\"%s\" is not in the answer (status %ld)", text, r->status);
}

static void expect_no_text(const struct http_resp *r, const char *text)
{
	if (strstr(r->body.ptr, text))
		fail_msg("\"%s\" should not be in the answer", text);
}

/* ---- looking at the database ---- */

static int64_t db_int(const char *sql, const char *arg)
{
	struct db_stmt *st;
	int64_t v = -1;
	int rc = db_query(db, &st, sql, "s", arg);
	if (rc == DB_ROW)
		v = db_col_int(st, 0);
	while (rc == DB_ROW)
		rc = db_step(st);
	assert_true(rc >= 0);
	return v;
}

static int64_t count_accounts(void)
{
	return db_int("SELECT COUNT(*) FROM accounts WHERE kind <> ?", "none");
}

static int64_t count_grants(void)
{
	return db_int("SELECT COUNT(*) FROM role_grants WHERE role <> ?", "none");
}

/* The text column of one row, in out. */
static const char *db_text(const char *sql, int64_t id, char *out, size_t n)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, sql, "i", id);
	out[0] = '\0';
	if (rc == DB_ROW)
		snprintf(out, n, "%s", db_col_text(st, 0) ? db_col_text(st, 0) : "");
	while (rc == DB_ROW)
		rc = db_step(st);
	assert_true(rc >= 0);
	return out;
}

static const char *path_of(const char *fmt, int64_t id)
{
	static char bufs[16][160];
	static unsigned n;
	char *b = bufs[n++ % 16];
	snprintf(b, sizeof(bufs[0]), fmt, (long long)id);
	return b;
}

/* ---- set-up ---- */

static int setup(void **state)
{
	char *err = NULL;
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ts_init(&srv) || ts_demo(&srv))
		return -1;
	/* behind a trusted proxy: each request comes from an address of its own (next_client) */
	if (ts_launch(&srv, NULL, (const char *const[]){ "--trusted-proxy", "127.0.0.1", NULL }))
		return -1;
	db = db_open(srv.db, &err);
	if (!db) {
		fprintf(stderr, "cannot open %s: %s\n", srv.db, err ? err : "?");
		free(err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	int rc;
	(void)state;
	db_close(db);
	rc = ts_stop(&srv);
	curl_global_cleanup();
	return rc;
}

/* ---- the tests ---- */

/* The district administrator makes a user in another ward (API) and one at the district (form). */
static void test_district_admin_creates(void **state)
{
	struct ts_user admin;
	struct http_resp r;
	char body[600], h[200];
	int64_t before = count_accounts(), id;
	(void)state;
	login("quantri", DEMO_PASSWORD, &admin);

	snprintf(body, sizeof(body),
		 "{\"username\":\"" TD_USER "\",\"full_name\":\"" TD_NAME
		 "\",\"position\":\"Công chức Văn phòng\","
		 "\"email\":\"Dinh.TV@ThanhXuan.gov.vn\",\"unit_id\":%lld,\"password\":\"" TD_PASSWORD
		 "\",\"role\":\"specialist\"}",
		 (long long)ts_unit_id(db, THUONGDINH));
	assert_int_equal(call(&admin, "POST", "/api/v1/users", body, &r), 201);
	expect_text(&r, "\"username\":\"" TD_USER "\"");
	expect_text(&r, "\"email\":\"dinh.tv@thanhxuan.gov.vn\"");
	expect_text(&r, "\"unit_name\":\"Phường Thượng Đình\"");
	expect_text(&r, "\"role\":\"specialist\"");
	expect_no_text(&r, TD_PASSWORD);
	resp_free(&r);

	/* the form: 303 to the new user's page, which says so */
	assert_int_equal(post_form(&admin, "/quan-tri/nguoi-dung",
				   ts_form(&admin, "username", DI_USER, "full_name", "  Phan   Thị Quận ",
					   "position", "Chuyên viên Phòng Nội vụ", "phone", "+84 912 000 111",
					   "unit_id", path_of("%lld", ts_unit_id(db, DISTRICT)), "role",
					   "leader", "password", DI_PASSWORD, NULL),
				   &r),
			 303);
	assert_non_null(resp_hdr(&r, "Location", h, sizeof(h)));
	id = ts_account_id(db, DI_USER);
	assert_string_equal(h, path_of("/quan-tri/nguoi-dung/%lld?msg=created", id));
	resp_free(&r);
	assert_int_equal(call(&admin, "GET", h, NULL, &r), 200);
	expect_text(&r, "Đã tạo tài khoản.");
	expect_text(&r, "value=\"Phan Thị Quận\"");
	expect_text(&r, "value=\"0912000111\"");
	expect_text(&r, "<td>Lãnh đạo</td><td>Quận Thanh Xuân</td><td>Nguyễn Quản Trị</td>");
	resp_free(&r);
	assert_int_equal(count_accounts(), before + 2);

	/* both can log in with the password the administrator gave */
	{
		struct ts_user u;
		login(TD_USER, TD_PASSWORD, &u);
		login(DI_USER, DI_PASSWORD, &u);
	}
	/* the audit log has the creations, never the passwords */
	{
		char detail[400];
		assert_true(db_int("SELECT COUNT(*) FROM audit_log WHERE action = ?", "account.create") >= 2);
		assert_int_equal(
			db_int("SELECT COUNT(*) FROM audit_log WHERE detail LIKE ?", "%Song-To-Lich%"), 0);
		assert_int_equal(db_int("SELECT COUNT(*) FROM audit_log WHERE detail LIKE ?", "%Cau-Moi%"),
				 0);
		db_text("SELECT detail FROM audit_log WHERE object = 'account:' || CAST(? AS TEXT) AND action = "
			"'account.create'",
			id, detail, sizeof(detail));
		assert_non_null(strstr(detail, "\"username\":\"" DI_USER "\""));
	}
}

/* A ward administrator neither reads nor changes the users of another ward or of the district. */
static void test_ward_admin_confined(void **state)
{
	struct ts_user ward, district;
	struct http_resp r;
	char body[400], before[400], after[400];
	const int64_t td = ts_account_id(db, TD_USER), di = ts_account_id(db, DI_USER);
	const int64_t td_unit = ts_unit_id(db, THUONGDINH), nc_unit = ts_unit_id(db, NHANCHINH);
	int64_t grants = count_grants(), td_grant;
	(void)state;
	assert_true(td > 0 && di > 0);
	login("quantri.nhanchinh", DEMO_PASSWORD, &ward);
	login("quantri", DEMO_PASSWORD, &district);
	td_grant = db_int("SELECT id FROM role_grants WHERE account_id = CAST(? AS INTEGER)",
			  path_of("%lld", td));

	/* reading: the page, the API, the grants */
	for (int i = 0; i < 2; i++) {
		int64_t who = i ? di : td;
		assert_int_equal(call(&ward, "GET", path_of("/quan-tri/nguoi-dung/%lld", who), NULL, &r),
				 403);
		expect_text(&r, FORBIDDEN);
		expect_no_text(&r, TD_NAME);
		resp_free(&r);
		assert_int_equal(call(&ward, "GET", path_of("/api/v1/users/%lld", who), NULL, &r), 403);
		expect_text(&r, "\"code\":\"forbidden\"");
		resp_free(&r);
		assert_int_equal(status_of(&ward, "GET", path_of("/api/v1/roles?account=%lld", who), NULL),
				 403);
	}
	/* his lists hold his ward's users only */
	assert_int_equal(call(&ward, "GET", "/quan-tri/nguoi-dung", NULL, &r), 200);
	expect_text(&r, ">tuphap.nhanchinh</a>");
	expect_text(&r, ">motcua.nhanchinh</a>");
	expect_no_text(&r, TD_USER);
	expect_no_text(&r, DI_USER);
	expect_no_text(&r, ">quantri</a>");
	expect_no_text(&r, "Phường Thượng Đình");
	resp_free(&r);
	assert_int_equal(call(&ward, "GET", "/api/v1/users?per_page=100", NULL, &r), 200);
	expect_text(&r, "\"username\":\"tuphap.nhanchinh\"");
	expect_no_text(&r, TD_USER);
	expect_no_text(&r, DI_USER);
	expect_no_text(&r, "\"username\":\"quantri\"");
	resp_free(&r);
	assert_int_equal(call(&ward, "GET", "/api/v1/roles", NULL, &r), 200);
	expect_no_text(&r, path_of("\"account_id\":%lld,", td));
	resp_free(&r);
	assert_int_equal(status_of(&ward, "GET", path_of("/quan-tri/nguoi-dung?unit=%lld", td_unit), NULL),
			 403);
	assert_int_equal(status_of(&ward, "GET", path_of("/api/v1/users?unit=%lld", td_unit), NULL), 403);

	/* changing: every form and every API call is refused */
	db_text("SELECT full_name || '|' || position || '|' || COALESCE(email, '') || '|' || CAST(unit_id AS TEXT) "
		"|| '|' || CAST(active AS TEXT) FROM accounts WHERE id = ?",
		td, before, sizeof(before));
	assert_int_equal(post_form(&ward, path_of("/quan-tri/nguoi-dung/%lld", td),
				   ts_form(&ward, "full_name", "Kẻ Mạo Danh", "position", "x", "email", "",
					   "phone", "", "unit_id", path_of("%lld", nc_unit), NULL),
				   &r),
			 403);
	expect_text(&r, FORBIDDEN);
	resp_free(&r);
	assert_int_equal(post_form(&ward, path_of("/quan-tri/nguoi-dung/%lld", td),
				   ts_form(&ward, "active", "0", NULL), &r),
			 403);
	resp_free(&r);
	assert_int_equal(post_form(&ward, path_of("/quan-tri/nguoi-dung/%lld/mat-khau", td),
				   ts_form(&ward, "password", "Mat-Khau-Moi-Cua-Ke-Xau", NULL), &r),
			 403);
	resp_free(&r);
	assert_int_equal(post_form(&ward, path_of("/quan-tri/nguoi-dung/%lld/vai-tro", td),
				   ts_form(&ward, "role", "admin", "unit_id", path_of("%lld", nc_unit), NULL),
				   &r),
			 403);
	resp_free(&r);
	assert_int_equal(status_of(&ward, "PATCH", path_of("/api/v1/users/%lld", td),
				   "{\"full_name\":\"Kẻ Mạo Danh\"}"),
			 403);
	assert_int_equal(status_of(&ward, "PATCH", path_of("/api/v1/users/%lld", di), "{\"active\":false}"),
			 403);
	assert_int_equal(status_of(&ward, "PATCH", path_of("/api/v1/users/%lld", td),
				   "{\"password\":\"Mat-Khau-Moi-9x\"}"),
			 403);
	assert_int_equal(post_form(&ward, path_of("/quan-tri/vai-tro/%lld/thu-hoi", td_grant),
				   ts_form(&ward, NULL), &r),
			 403);
	resp_free(&r);
	assert_int_equal(status_of(&ward, "DELETE", path_of("/api/v1/roles/%lld", td_grant), NULL), 403);
	/* nor does he put people into the other ward, or give himself power there */
	snprintf(
		body, sizeof(body),
		"{\"username\":\"gian.diep\",\"full_name\":\"Gián Điệp\",\"unit_id\":%lld,\"password\":\"Ba-Dinh-Ha-Noi-1945\"}",
		(long long)td_unit);
	assert_int_equal(status_of(&ward, "POST", "/api/v1/users", body), 403);
	assert_int_equal(post_form(&ward, "/quan-tri/nguoi-dung",
				   ts_form(&ward, "username", "gian.diep", "full_name", "Gián Điệp",
					   "unit_id", path_of("%lld", td_unit), "password",
					   "Ba-Dinh-Ha-Noi-1945", NULL),
				   &r),
			 403);
	resp_free(&r);
	snprintf(body, sizeof(body), "{\"account_id\":%lld,\"role\":\"admin\",\"unit_id\":%lld}",
		 (long long)ts_account_id(db, "quantri.nhanchinh"), (long long)td_unit);
	assert_int_equal(status_of(&ward, "POST", "/api/v1/roles", body), 403);
	assert_int_equal(
		post_form(&ward,
			  path_of("/quan-tri/nguoi-dung/%lld/vai-tro", ts_account_id(db, "tuphap.nhanchinh")),
			  ts_form(&ward, "role", "leader", "unit_id", path_of("%lld", td_unit), NULL), &r),
		403);
	resp_free(&r);
	/* nor move one of his users there */
	assert_int_equal(status_of(&ward, "PATCH",
				   path_of("/api/v1/users/%lld", ts_account_id(db, "motcua.nhanchinh")),
				   path_of("{\"unit_id\":%lld}", td_unit)),
			 403);

	/* nothing changed */
	db_text("SELECT full_name || '|' || position || '|' || COALESCE(email, '') || '|' || CAST(unit_id AS TEXT) "
		"|| '|' || CAST(active AS TEXT) FROM accounts WHERE id = ?",
		td, after, sizeof(after));
	assert_string_equal(before, after);
	assert_int_equal(count_grants(), grants);
	assert_int_equal(db_int("SELECT COUNT(*) FROM accounts WHERE username = ?", "gian.diep"), 0);
	assert_int_equal(db_int("SELECT unit_id FROM accounts WHERE username = ?", "motcua.nhanchinh"),
			 ts_unit_id(db, NC_ONESTOP));
	{
		struct ts_user u;
		login(TD_USER, TD_PASSWORD, &u);
	}
	/* the district administrator reads them all */
	assert_int_equal(call(&district, "GET", path_of("/quan-tri/nguoi-dung/%lld", td), NULL, &r), 200);
	expect_text(&r, TD_NAME);
	expect_text(&r, "<td>Chuyên viên</td><td>Phường Thượng Đình</td>");
	resp_free(&r);
	assert_int_equal(call(&district, "GET", "/quan-tri/nguoi-dung", NULL, &r), 200);
	expect_text(&r, ">" TD_USER "</a>");
	expect_text(&r, ">" DI_USER "</a>");
	expect_text(&r, ">tuphap.nhanchinh</a>");
	resp_free(&r);
	assert_int_equal(call(&district, "GET", path_of("/api/v1/users/%lld", td), NULL, &r), 200);
	expect_text(&r, "\"full_name\":\"" TD_NAME "\"");
	expect_text(&r, "\"grants\":[{");
	resp_free(&r);
}

/* Citizens and staff without user.read get 403 on every user page and API. */
static void test_citizen_and_clerk_refused(void **state)
{
	static const char *const paths[] = { "/quan-tri/nguoi-dung",   "/quan-tri/nguoi-dung/them",
					     "/api/v1/users",	       "/api/v1/roles",
					     "/quan-tri/nguoi-dung/1", "/api/v1/users/1" };
	struct ts_user citizen, clerk;
	struct http_resp r;
	(void)state;
	{
		static const char reg[] =
			"{\"full_name\":\"Lê Thị Dân\",\"citizen_id\":\"001199054321\",\"email\":\"dan.le@example.vn\","
			"\"password\":\"Dan-Thanh-Xuan-2026\"}";
		resp_init(&r);
		assert_int_equal(http_req(&srv, "POST", "/api/v1/citizens",
					  (const char *const[]){ JSON_TYPE, next_client(), NULL }, reg,
					  sizeof(reg) - 1, &r),
				 0);
		assert_int_equal(r.status, 201);
		resp_free(&r);
	}
	login("dan.le@example.vn", "Dan-Thanh-Xuan-2026", &citizen);
	login("tuphap.nhanchinh", DEMO_PASSWORD, &clerk);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		assert_int_equal(call(&citizen, "GET", paths[i], NULL, &r), 403);
		if (!strncmp(paths[i], "/api/", 5))
			expect_text(&r, "\"code\":\"forbidden\"");
		else
			expect_text(&r, "Trang này chỉ dành cho cán bộ, công chức");
		resp_free(&r);
		assert_int_equal(call(&clerk, "GET", paths[i], NULL, &r), 403);
		resp_free(&r);
	}
	assert_int_equal(
		status_of(&clerk, "GET",
			  path_of("/quan-tri/nguoi-dung/%lld", ts_account_id(db, "quantri.nhanchinh")), NULL),
		403);
	assert_int_equal(status_of(&citizen, "POST", "/api/v1/users", "{\"username\":\"x\"}"), 403);
	assert_int_equal(status_of(&citizen, "POST", "/api/v1/roles", "{}"), 403);
	/* a citizen account is no user of these pages: 404 to an administrator */
	{
		struct ts_user admin;
		int64_t cid = db_int("SELECT id FROM accounts WHERE email = ?", "dan.le@example.vn");
		login("quantri", DEMO_PASSWORD, &admin);
		assert_int_equal(status_of(&admin, "GET", path_of("/quan-tri/nguoi-dung/%lld", cid), NULL),
				 404);
		assert_int_equal(status_of(&admin, "GET", path_of("/api/v1/users/%lld", cid), NULL), 404);
		assert_int_equal(status_of(&admin, "GET", "/quan-tri/nguoi-dung/999999", NULL), 404);
		assert_int_equal(status_of(&admin, "GET", "/quan-tri/nguoi-dung/abc", NULL), 404);
	}
	/* but he changes his own password on the same page as staff */
	assert_int_equal(call(&citizen, "GET", "/tai-khoan/mat-khau", NULL, &r), 200);
	expect_text(&r, "autocomplete=\"current-password\"");
	resp_free(&r);
}

/* Without the CSRF token, or with a wrong one: 403 and nothing changed. */
static void test_csrf(void **state)
{
	struct ts_user admin;
	struct http_resp r;
	char before[300], after[300], cookie[200];
	const int64_t td = ts_account_id(db, TD_USER);
	const int64_t grants = count_grants(), accounts = count_accounts();
	(void)state;
	login("quantri", DEMO_PASSWORD, &admin);
	snprintf(cookie, sizeof(cookie), "%s", admin.cookie);
	db_text("SELECT full_name || '|' || CAST(active AS TEXT) FROM accounts WHERE id = ?", td, before,
		sizeof(before));
	for (int wrong = 0; wrong < 2; wrong++) {
		struct {
			const char *method, *path, *body, *type;
		} reqs[] = {
			{ "POST", path_of("/quan-tri/nguoi-dung/%lld", td),
			  "full_name=K%E1%BA%BB+M%E1%BA%A1o&position=&email=&phone=&active=0", FORM_TYPE },
			{ "POST", path_of("/quan-tri/nguoi-dung/%lld/mat-khau", td),
			  "password=Mat-Khau-Moi-Cua-Ke-Xau", FORM_TYPE },
			{ "POST", path_of("/quan-tri/nguoi-dung/%lld/vai-tro", td), "role=admin&unit_id=2",
			  FORM_TYPE },
			{ "POST", "/quan-tri/nguoi-dung",
			  "username=csrf.victim&full_name=Ai+Do&unit_id=2&password=Ba-Dinh-Ha-Noi-1945",
			  FORM_TYPE },
			{ "PATCH", path_of("/api/v1/users/%lld", td), "{\"active\":false}", JSON_TYPE },
			{ "POST", "/api/v1/roles",
			  path_of("{\"account_id\":%lld,\"role\":\"admin\",\"unit_id\":2}", td), JSON_TYPE },
			{ "DELETE", "/api/v1/roles/1", NULL, NULL },
		};
		for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
			char body[300];
			const char *headers[5];
			const int is_form = reqs[i].type && !strcmp(reqs[i].type, FORM_TYPE);
			size_t k = 0;
			headers[k++] = cookie;
			if (reqs[i].type)
				headers[k++] = reqs[i].type;
			headers[k++] = next_client();
			if (wrong && !is_form)
				headers[k++] = "X-CSRF-Token: forged-token-0123456789";
			headers[k] = NULL;
			if (wrong && is_form)
				snprintf(body, sizeof(body), "csrf=forged-token-0123456789&%s", reqs[i].body);
			else
				snprintf(body, sizeof(body), "%s", reqs[i].body ? reqs[i].body : "");
			resp_init(&r);
			assert_int_equal(http_req(&srv, reqs[i].method, reqs[i].path, headers,
						  reqs[i].body ? body : NULL, reqs[i].body ? strlen(body) : 0,
						  &r),
					 0);
			if (r.status != 403)
				fail_msg("%s %s (%s token): status %ld, want 403", reqs[i].method,
					 reqs[i].path, wrong ? "wrong" : "no", r.status);
			if (is_form)
				expect_text(&r, CSRF_REFUSED);
			else
				expect_text(&r, "\"code\":\"csrf\"");
			resp_free(&r);
		}
	}
	db_text("SELECT full_name || '|' || CAST(active AS TEXT) FROM accounts WHERE id = ?", td, after,
		sizeof(after));
	assert_string_equal(before, after);
	assert_int_equal(count_grants(), grants);
	assert_int_equal(count_accounts(), accounts);
	assert_int_equal(db_int("SELECT COUNT(*) FROM role_grants WHERE revoked_at IS NOT NULL AND role <> ?",
				"none"),
			 0);
	{
		struct ts_user u;
		login(TD_USER, TD_PASSWORD, &u);
	}
	/* the same change with the token goes through */
	assert_int_equal(status_of(&admin, "PATCH", path_of("/api/v1/users/%lld", td),
				   "{\"position\":\"Công chức Tư pháp\"}"),
			 200);
}

/* Granting a role opens the pages on the holder's next request; revoking closes them again. */
static void test_grant_and_revoke(void **state)
{
	struct ts_user admin, clerk;
	struct http_resp r;
	char h[200];
	const int64_t clerk_id = ts_account_id(db, "tuphap.nhanchinh"), ward = ts_unit_id(db, NHANCHINH);
	int64_t gid;
	(void)state;
	login("quantri.nhanchinh", DEMO_PASSWORD, &admin);
	login("tuphap.nhanchinh", DEMO_PASSWORD, &clerk);
	assert_int_equal(status_of(&clerk, "GET", "/quan-tri/nguoi-dung", NULL), 403);

	/* the grant form is on the user's page */
	assert_int_equal(call(&admin, "GET", path_of("/quan-tri/nguoi-dung/%lld", clerk_id), NULL, &r), 200);
	expect_text(&r, path_of("action=\"/quan-tri/nguoi-dung/%lld/vai-tro\"", clerk_id));
	expect_text(&r, "<option value=\"admin\">Quản trị hệ thống</option>");
	expect_text(&r, path_of("<option value=\"%lld\">Phường Nhân Chính</option>", ward));
	resp_free(&r);

	/* bad choices are named by their fields */
	assert_int_equal(post_form(&admin, path_of("/quan-tri/nguoi-dung/%lld/vai-tro", clerk_id),
				   ts_form(&admin, "role", "citizen", "unit_id", "", NULL), &r),
			 422);
	expect_field_error(&r, "grant-role", "Vui lòng chọn một vai trò trong danh sách.");
	expect_field_error(&r, "grant-unit", "Vui lòng chọn đơn vị.");
	resp_free(&r);

	assert_int_equal(post_form(&admin, path_of("/quan-tri/nguoi-dung/%lld/vai-tro", clerk_id),
				   ts_form(&admin, "role", "admin", "unit_id", path_of("%lld", ward),
					   "reaches_descendants", "1", NULL),
				   &r),
			 303);
	assert_non_null(resp_hdr(&r, "Location", h, sizeof(h)));
	assert_string_equal(h, path_of("/quan-tri/nguoi-dung/%lld?msg=granted", clerk_id));
	resp_free(&r);
	/* the same session, its next request */
	assert_int_equal(call(&clerk, "GET", "/quan-tri/nguoi-dung", NULL, &r), 200);
	expect_text(&r, ">motcua.nhanchinh</a>");
	resp_free(&r);
	assert_int_equal(status_of(&clerk, "GET", "/api/v1/users", NULL), 200);

	/* held already */
	assert_int_equal(post_form(&admin, path_of("/quan-tri/nguoi-dung/%lld/vai-tro", clerk_id),
				   ts_form(&admin, "role", "admin", "unit_id", path_of("%lld", ward), NULL),
				   &r),
			 409);
	expect_text(&r, "Người dùng đã có vai trò này tại đơn vị này.");
	resp_free(&r);

	assert_int_equal(call(&admin, "GET", path_of("/quan-tri/nguoi-dung/%lld", clerk_id), NULL, &r), 200);
	expect_text(
		&r,
		"<td>Quản trị hệ thống</td><td>Phường Nhân Chính (cả đơn vị cấp dưới)</td><td>Ngô Văn Quang</td>");
	resp_free(&r);
	gid = db_int(
		"SELECT id FROM role_grants WHERE role = 'admin' AND revoked_at IS NULL AND account_id = "
		"CAST(? AS INTEGER)",
		path_of("%lld", clerk_id));
	assert_true(gid > 0);
	assert_true(db_int("SELECT COUNT(*) FROM audit_log WHERE action = ?", "role.grant") >= 1);

	assert_int_equal(post_form(&admin, path_of("/quan-tri/vai-tro/%lld/thu-hoi", gid),
				   ts_form(&admin, NULL), &r),
			 303);
	assert_non_null(resp_hdr(&r, "Location", h, sizeof(h)));
	assert_string_equal(h, path_of("/quan-tri/nguoi-dung/%lld?msg=revoked", clerk_id));
	resp_free(&r);
	assert_int_equal(status_of(&clerk, "GET", "/quan-tri/nguoi-dung", NULL), 403);
	assert_int_equal(status_of(&clerk, "GET", "/api/v1/users", NULL), 403);

	/* the revoked grant stays as history; revoking it again says so */
	assert_int_equal(call(&admin, "GET", path_of("/quan-tri/nguoi-dung/%lld?msg=revoked", clerk_id), NULL,
			      &r),
			 200);
	expect_text(&r, "Đã thu hồi vai trò.");
	expect_text(&r, "<h2>Vai trò đã thu hồi</h2>");
	resp_free(&r);
	assert_int_equal(post_form(&admin, path_of("/quan-tri/vai-tro/%lld/thu-hoi", gid),
				   ts_form(&admin, NULL), &r),
			 409);
	expect_text(&r, "Vai trò này đã được thu hồi trước đó.");
	resp_free(&r);
	assert_int_equal(status_of(&admin, "POST", "/quan-tri/vai-tro/999999/thu-hoi", NULL), 404);
	assert_true(db_int("SELECT COUNT(*) FROM audit_log WHERE action = ?", "role.revoke") >= 1);
}

/* The API for roles: grant, list, revoke; the same rules. */
static void test_roles_api(void **state)
{
	struct ts_user admin;
	struct http_resp r;
	char body[300];
	const int64_t td = ts_account_id(db, TD_USER), td_unit = ts_unit_id(db, THUONGDINH);
	int64_t gid;
	json_t *j;
	(void)state;
	login("quantri", DEMO_PASSWORD, &admin);
	snprintf(body, sizeof(body),
		 "{\"account_id\":%lld,\"role\":\"leader\",\"unit_id\":%lld,\"reaches_descendants\":false}",
		 (long long)td, (long long)td_unit);
	assert_int_equal(call(&admin, "POST", "/api/v1/roles", body, &r), 201);
	j = json_loads(r.body.ptr, 0, NULL);
	assert_non_null(j);
	gid = json_integer_value(json_object_get(json_object_get(j, "role"), "id"));
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "role"), "role_name")),
			    "Lãnh đạo");
	assert_true(json_is_true(json_object_get(json_object_get(j, "role"), "in_force")));
	json_decref(j);
	resp_free(&r);
	assert_true(gid > 0);
	assert_int_equal(call(&admin, "POST", "/api/v1/roles", body, &r), 409);
	expect_text(&r, "\"code\":\"already_granted\"");
	resp_free(&r);
	/* a citizen's role, an unknown one, a unit that is none */
	snprintf(body, sizeof(body), "{\"account_id\":%lld,\"role\":\"citizen\",\"unit_id\":999999}",
		 (long long)td);
	assert_int_equal(call(&admin, "POST", "/api/v1/roles", body, &r), 422);
	expect_text(&r, "\"role\":\"Vui lòng chọn một vai trò trong danh sách.\"");
	expect_text(&r, "\"unit_id\":\"Vui lòng chọn một đơn vị trong danh sách.\"");
	resp_free(&r);
	assert_int_equal(status_of(&admin, "POST", "/api/v1/roles", "{\"account_id\":\"x\"}"), 400);
	assert_int_equal(status_of(&admin, "POST", "/api/v1/roles",
				   "{\"account_id\":999999,\"role\":\"leader\",\"unit_id\":2}"),
			 404);

	assert_int_equal(call(&admin, "GET", path_of("/api/v1/roles?account=%lld", td), NULL, &r), 200);
	expect_text(&r, path_of("\"id\":%lld,", gid));
	expect_text(&r, "\"role\":\"specialist\"");
	resp_free(&r);
	assert_int_equal(call(&admin, "DELETE", path_of("/api/v1/roles/%lld", gid), NULL, &r), 200);
	expect_text(&r, "\"in_force\":false");
	resp_free(&r);
	assert_int_equal(call(&admin, "DELETE", path_of("/api/v1/roles/%lld", gid), NULL, &r), 409);
	expect_text(&r, "\"code\":\"already_revoked\"");
	resp_free(&r);
	assert_int_equal(status_of(&admin, "DELETE", "/api/v1/roles/999999", NULL), 404);
}

/* No administrator locks himself out: his own admin role and his own account stay. */
static void test_no_self_lockout(void **state)
{
	struct ts_user admin;
	struct http_resp r;
	const int64_t me = ts_account_id(db, "quantri.nhanchinh");
	const int64_t gid =
		db_int("SELECT id FROM role_grants WHERE role = 'admin' AND account_id = CAST(? AS INTEGER)",
		       path_of("%lld", me));
	(void)state;
	login("quantri.nhanchinh", DEMO_PASSWORD, &admin);
	assert_int_equal(call(&admin, "GET", path_of("/quan-tri/nguoi-dung/%lld", me), NULL, &r), 200);
	expect_text(&r, "Vai trò quản trị của chính bạn: phải do một quản trị viên khác thu hồi.");
	expect_no_text(&r, path_of("/quan-tri/vai-tro/%lld/thu-hoi", gid));
	expect_no_text(&r, "Khóa tài khoản</button>");
	resp_free(&r);
	assert_int_equal(post_form(&admin, path_of("/quan-tri/vai-tro/%lld/thu-hoi", gid),
				   ts_form(&admin, NULL), &r),
			 409);
	expect_text(
		&r,
		"Bạn không thể tự thu hồi vai trò quản trị của chính mình: việc này phải do một quản trị viên "
		"khác thực hiện.");
	resp_free(&r);
	assert_int_equal(call(&admin, "DELETE", path_of("/api/v1/roles/%lld", gid), NULL, &r), 409);
	expect_text(&r, "\"code\":\"self_lockout\"");
	resp_free(&r);
	assert_int_equal(post_form(&admin, path_of("/quan-tri/nguoi-dung/%lld", me),
				   ts_form(&admin, "active", "0", NULL), &r),
			 422);
	expect_text(&r, "Bạn không thể tự khóa tài khoản của chính mình.");
	resp_free(&r);
	assert_int_equal(call(&admin, "PATCH", path_of("/api/v1/users/%lld", me), "{\"active\":false}", &r),
			 422);
	expect_text(&r, "\"active\":\"Bạn không thể tự khóa tài khoản của chính mình.\"");
	resp_free(&r);
	/* still an administrator */
	assert_int_equal(status_of(&admin, "GET", "/quan-tri/nguoi-dung", NULL), 200);
	assert_int_equal(db_int("SELECT active FROM accounts WHERE username = ?", "quantri.nhanchinh"), 1);
}

/* The create form: a Vietnamese message by each bad field, 422, nothing created. */
static void test_create_validation(void **state)
{
	static const struct {
		const char *field, *value, *id, *msg;
	} cases[] = {
		{ "username", "", "username", "Vui lòng nhập tên đăng nhập." },
		{ "username", "ab", "username", "Tên đăng nhập gồm 3 đến 64 ký tự" },
		{ "username", "Nguyen.Van.A", "username", "Tên đăng nhập gồm 3 đến 64 ký tự" },
		{ "username", "nguyễn", "username", "Tên đăng nhập gồm 3 đến 64 ký tự" },
		{ "username", "quantri", "username", "Tên đăng nhập này đã có người sử dụng." },
		{ "username", "dan.le@example.vn", "username", "Tên đăng nhập gồm 3 đến 64 ký tự" },
		{ "full_name", "   ", "full_name", "Vui lòng nhập họ và tên." },
		{ "email", "an@example", "email", "Phần sau dấu @ phải là tên miền, ví dụ example.com." },
		{ "email", "dan.le@example.vn", "email",
		  "Địa chỉ email này đã được dùng cho một tài khoản khác." },
		{ "phone", "0243826123", "phone", "Đây không phải số điện thoại di động Việt Nam" },
		{ "phone", "0912000111", "phone", "Số điện thoại này đã được dùng cho một tài khoản khác." },
		{ "unit_id", "", "unit_id", "Vui lòng chọn đơn vị." },
		{ "unit_id", "999999", "unit_id", "Vui lòng chọn một đơn vị trong danh sách." },
		{ "password", "", "password", "Vui lòng nhập mật khẩu." },
		{ "password", "Sen-202", "password", "Mật khẩu phải có ít nhất 8 ký tự." },
		{ "password", "Password2024!", "password",
		  "Mật khẩu này quá phổ biến: hãy chọn mật khẩu khác." },
		{ "password", "x-can.bo.moi-1", "password", "Mật khẩu không được chứa tên đăng nhập." },
		{ "role", "superuser", "role", "Vui lòng chọn một vai trò trong danh sách." },
	};
	struct ts_user admin;
	struct http_resp r;
	const int64_t accounts = count_accounts();
	const char *ward = path_of("%lld", ts_unit_id(db, NHANCHINH));
	(void)state;
	login("quantri.nhanchinh", DEMO_PASSWORD, &admin);
	assert_int_equal(call(&admin, "GET", "/quan-tri/nguoi-dung/them", NULL, &r), 200);
	expect_text(&r, "<label for=\"username\">Tên đăng nhập</label>");
	expect_text(&r, "autocomplete=\"new-password\"");
	expect_no_text(&r, "Phường Thượng Đình"); /* only units where he manages users */
	resp_free(&r);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *f[] = {
			"username",	    "can.bo.moi", "full_name", "Hà Thị Mới",	"position",
			"Văn thư",	    "email",	  "",	       "phone",		"",
			"unit_id",	    ward,	  "role",      "records_clerk", "password",
			"Ho-Guom-Xanh-2026"
		};
		for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k += 2)
			if (!strcmp(f[k], cases[i].field))
				f[k + 1] = cases[i].value;
		if (post_form(&admin, "/quan-tri/nguoi-dung",
			      ts_form(&admin, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9],
				      f[10], f[11], f[12], f[13], f[14], f[15], NULL),
			      &r) != 422)
			fail_msg("%s=\"%s\": status %ld, want 422", cases[i].field, cases[i].value, r.status);
		expect_field_error(&r, cases[i].id, cases[i].msg);
		expect_text(&r, "Vui lòng sửa các mục được đánh dấu dưới đây.");
		/* what was typed stays, the password never comes back */
		if (strcmp(cases[i].field, "full_name"))
			expect_text(&r, "value=\"Hà Thị Mới\"");
		expect_no_text(&r, "Ho-Guom-Xanh-2026");
		resp_free(&r);
	}
	assert_int_equal(count_accounts(), accounts);

	/* the API: the same messages by field; a taken user name is a conflict */
	assert_int_equal(
		call(&admin, "POST", "/api/v1/users",
		     "{\"username\":\"A\",\"full_name\":\"\",\"email\":\"x@\",\"unit_id\":999999,\"password\":\"abc\"}",
		     &r),
		422);
	expect_text(&r, "\"code\":\"invalid\"");
	expect_text(&r, "\"username\":\"Tên đăng nhập gồm 3 đến 64 ký tự");
	expect_text(&r, "\"full_name\":\"Vui lòng nhập họ và tên.\"");
	expect_text(&r, "\"email\":\"Phần sau dấu @ phải là tên miền");
	expect_text(&r, "\"unit_id\":\"Vui lòng chọn một đơn vị trong danh sách.\"");
	expect_text(&r, "\"password\":\"Mật khẩu phải có ít nhất 8 ký tự.\"");
	resp_free(&r);
	assert_int_equal(
		call(&admin, "POST", "/api/v1/users",
		     path_of("{\"username\":\"tuphap.nhanchinh\",\"full_name\":\"Trùng Tên\",\"unit_id\":%lld,"
			     "\"password\":\"Ho-Guom-Xanh-2026\"}",
			     ts_unit_id(db, NHANCHINH)),
		     &r),
		409);
	expect_text(&r, "\"code\":\"username_taken\"");
	expect_text(&r, "\"username\":\"Tên đăng nhập này đã có người sử dụng.\"");
	/* one field wrong: the message says which, not "some fields" */
	expect_text(&r, "\"message\":\"Tên đăng nhập này đã có người sử dụng.\"");
	resp_free(&r);
	assert_int_equal(status_of(&admin, "POST", "/api/v1/users", "{\"username\":12}"), 400);
	assert_int_equal(status_of(&admin, "POST", "/api/v1/users", "{\"is_admin\":true}"), 400);
	assert_int_equal(count_accounts(), accounts);
}

/* An administrator changes a user's details, moves and deactivates him. */
static void test_update_user(void **state)
{
	struct ts_user admin, user;
	struct http_resp r;
	char h[200], text[300];
	const int64_t ward = ts_unit_id(db, NHANCHINH), onestop = ts_unit_id(db, NC_ONESTOP);
	int64_t id;
	(void)state;
	login("quantri.nhanchinh", DEMO_PASSWORD, &admin);
	assert_int_equal(post_form(&admin, "/quan-tri/nguoi-dung",
				   ts_form(&admin, "username", "ketoan.nhanchinh", "full_name", "Mai Thị Kế",
					   "unit_id", path_of("%lld", ward), "password",
					   "Ho-Tay-Mua-Thu-2026", NULL),
				   &r),
			 303);
	resp_free(&r);
	id = ts_account_id(db, "ketoan.nhanchinh");
	assert_true(id > 0);
	login("ketoan.nhanchinh", "Ho-Tay-Mua-Thu-2026", &user);

	/* details and a move inside his ward */
	assert_int_equal(post_form(&admin, path_of("/quan-tri/nguoi-dung/%lld", id),
				   ts_form(&admin, "full_name", "Mai Thị Kế Toán", "position", "Kế toán",
					   "email", "ke.toan@nhanchinh.vn", "phone", "0988 111 222",
					   "unit_id", path_of("%lld", onestop), NULL),
				   &r),
			 303);
	assert_non_null(resp_hdr(&r, "Location", h, sizeof(h)));
	assert_string_equal(h, path_of("/quan-tri/nguoi-dung/%lld?msg=saved", id));
	resp_free(&r);
	db_text("SELECT full_name || '|' || position || '|' || email || '|' || phone || '|' || CAST(unit_id AS TEXT) "
		"FROM accounts WHERE id = ?",
		id, text, sizeof(text));
	assert_string_equal(text,
			    path_of("Mai Thị Kế Toán|Kế toán|ke.toan@nhanchinh.vn|0988111222|%lld", onestop));
	db_text("SELECT detail FROM audit_log WHERE action = 'account.update' AND object = 'account:' || CAST(? AS TEXT)",
		id, text, sizeof(text));
	assert_non_null(
		strstr(text, "\"changed\":[\"full_name\",\"position\",\"email\",\"phone\",\"unit_id\"]"));

	/* bad values: messages by the fields, nothing changed */
	assert_int_equal(post_form(&admin, path_of("/quan-tri/nguoi-dung/%lld", id),
				   ts_form(&admin, "full_name", "", "position", "Kế toán", "email",
					   "dan.le@example.vn", "phone", "09123", "unit_id",
					   path_of("%lld", onestop), NULL),
				   &r),
			 422);
	expect_field_error(&r, "full_name", "Vui lòng nhập họ và tên.");
	expect_field_error(&r, "email", "Địa chỉ email này đã được dùng cho một tài khoản khác.");
	expect_field_error(&r, "phone", "Số điện thoại phải có 10 chữ số, ví dụ 0912345678.");
	expect_text(&r, "value=\"dan.le@example.vn\"");
	resp_free(&r);
	assert_int_equal(call(&admin, "PATCH", path_of("/api/v1/users/%lld", id),
			      "{\"position\":\"\\u0001\"}", &r),
			 422);
	expect_text(&r, "\"position\":\"Chức vụ chứa ký tự không được phép.\"");
	resp_free(&r);
	db_text("SELECT full_name FROM accounts WHERE id = ?", id, text, sizeof(text));
	assert_string_equal(text, "Mai Thị Kế Toán");

	/* deactivated: his session ends, he cannot log in; activated again, he can */
	assert_int_equal(status_of(&user, "GET", "/api/v1/session", NULL), 200);
	assert_int_equal(post_form(&admin, path_of("/quan-tri/nguoi-dung/%lld", id),
				   ts_form(&admin, "active", "0", NULL), &r),
			 303);
	resp_free(&r);
	assert_int_equal(status_of(&user, "GET", "/api/v1/session", NULL), 401);
	assert_int_equal(login_status("ketoan.nhanchinh", "Ho-Tay-Mua-Thu-2026", &user), 401);
	assert_int_equal(call(&admin, "GET", path_of("/quan-tri/nguoi-dung/%lld", id), NULL, &r), 200);
	expect_text(&r, "Tài khoản này đã bị khóa: không thể đăng nhập.");
	expect_text(&r, "Mở khóa tài khoản</button>");
	resp_free(&r);
	assert_int_equal(call(&admin, "GET", "/quan-tri/nguoi-dung?active=0", NULL, &r), 200);
	expect_text(&r, ">ketoan.nhanchinh</a>");
	expect_no_text(&r, ">tuphap.nhanchinh</a>");
	resp_free(&r);
	assert_int_equal(call(&admin, "PATCH", path_of("/api/v1/users/%lld", id), "{\"active\":true}", &r),
			 200);
	expect_text(&r, "\"active\":true");
	resp_free(&r);
	login("ketoan.nhanchinh", "Ho-Tay-Mua-Thu-2026", &user);
}

/* One's own password: checks by field, old sessions ended, this one kept. */
static void test_password_change(void **state)
{
	struct ts_user a, b;
	struct http_resp r;
	char h[200], sid[128], cookie[200];
	(void)state;
	login(DI_USER, DI_PASSWORD, &a);
	login(DI_USER, DI_PASSWORD, &b);
	assert_int_equal(call(&a, "GET", "/tai-khoan/mat-khau", NULL, &r), 200);
	expect_text(&r, "<label for=\"current_password\">Mật khẩu hiện tại</label>");
	expect_text(&r,
		    "id=\"current_password\" name=\"current_password\" autocomplete=\"current-password\"");
	expect_text(&r, "id=\"new_password\" name=\"new_password\" autocomplete=\"new-password\"");
	assert_non_null(resp_hdr(&r, "Cache-Control", h, sizeof(h)));
	assert_string_equal(h, "no-store");
	resp_free(&r);

	assert_int_equal(post_form(&a, "/tai-khoan/mat-khau",
				   ts_form(&a, "current_password", "Khong-Phai-Mat-Khau", "new_password",
					   "abc", "new_password_repeat", "abd", NULL),
				   &r),
			 422);
	expect_field_error(&r, "current_password", "Mật khẩu hiện tại không đúng.");
	expect_field_error(&r, "new_password", "Mật khẩu phải có ít nhất 8 ký tự.");
	expect_field_error(&r, "new_password_repeat", "Hai mật khẩu không khớp nhau.");
	resp_free(&r);
	assert_int_equal(post_form(&a, "/tai-khoan/mat-khau",
				   ts_form(&a, "current_password", DI_PASSWORD, "new_password", DI_PASSWORD,
					   "new_password_repeat", DI_PASSWORD, NULL),
				   &r),
			 422);
	expect_field_error(&r, "new_password", "Mật khẩu mới phải khác mật khẩu hiện tại.");
	resp_free(&r);
	assert_int_equal(post_form(&a, "/tai-khoan/mat-khau",
				   ts_form(&a, "current_password", DI_PASSWORD, "new_password",
					   "Password2024!", "new_password_repeat", "Password2024!", NULL),
				   &r),
			 422);
	expect_field_error(&r, "new_password", "Mật khẩu này quá phổ biến: hãy chọn mật khẩu khác.");
	resp_free(&r);
	assert_int_equal(post_form(&a, "/tai-khoan/mat-khau", ts_form(&a, "current_password", "", NULL), &r),
			 422);
	expect_field_error(&r, "current_password", "Vui lòng nhập mật khẩu hiện tại.");
	expect_field_error(&r, "new_password", "Vui lòng nhập mật khẩu mới.");
	expect_field_error(&r, "new_password_repeat", "Vui lòng nhập lại mật khẩu mới.");
	resp_free(&r);
	/* the refusals changed nothing */
	assert_int_equal(status_of(&b, "GET", "/api/v1/session", NULL), 200);

	assert_int_equal(post_form(&a, "/tai-khoan/mat-khau",
				   ts_form(&a, "current_password", DI_PASSWORD, "new_password",
					   "Pho-Co-36-Pho-Phuong", "new_password_repeat",
					   "Pho-Co-36-Pho-Phuong", NULL),
				   &r),
			 303);
	assert_non_null(resp_hdr(&r, "Location", h, sizeof(h)));
	assert_string_equal(h, "/tai-khoan/mat-khau?xong=1");
	assert_non_null(resp_cookie(&r, "sid", sid, sizeof(sid)));
	assert_string_not_equal(sid, a.sid);
	resp_free(&r);
	/* this browser stays logged in with its new session; the others are out */
	snprintf(cookie, sizeof(cookie), "Cookie: sid=%s", sid);
	resp_init(&r);
	assert_int_equal(http_req(&srv, "GET", "/tai-khoan/mat-khau?xong=1",
				  (const char *const[]){ cookie, NULL }, NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 200);
	expect_text(&r, "Đã đổi mật khẩu.");
	resp_free(&r);
	assert_int_equal(status_of(&a, "GET", "/api/v1/session", NULL), 401);
	assert_int_equal(status_of(&b, "GET", "/api/v1/session", NULL), 401);
	assert_int_equal(login_status(DI_USER, DI_PASSWORD, &b), 401);
	login(DI_USER, "Pho-Co-36-Pho-Phuong", &b);
	assert_true(db_int("SELECT COUNT(*) FROM audit_log WHERE action = ?", "account.password_change") ==
		    1);
	assert_int_equal(db_int("SELECT COUNT(*) FROM audit_log WHERE detail LIKE ?", "%Pho-Co%"), 0);
}

/* An administrator's reset ends the user's sessions; the new password works. */
static void test_admin_reset(void **state)
{
	struct ts_user admin, user;
	struct http_resp r;
	const int64_t td = ts_account_id(db, TD_USER);
	(void)state;
	login("quantri", DEMO_PASSWORD, &admin);
	login(TD_USER, TD_PASSWORD, &user);
	assert_int_equal(post_form(&admin, path_of("/quan-tri/nguoi-dung/%lld/mat-khau", td),
				   ts_form(&admin, "password", "abc", NULL), &r),
			 422);
	expect_field_error(&r, "reset_password", "Mật khẩu phải có ít nhất 8 ký tự.");
	resp_free(&r);
	assert_int_equal(status_of(&user, "GET", "/api/v1/session", NULL), 200);
	assert_int_equal(post_form(&admin, path_of("/quan-tri/nguoi-dung/%lld/mat-khau", td),
				   ts_form(&admin, "password", "Lang-Bac-Ba-Dinh-2026", NULL), &r),
			 303);
	resp_free(&r);
	assert_int_equal(status_of(&user, "GET", "/api/v1/session", NULL), 401);
	assert_int_equal(login_status(TD_USER, TD_PASSWORD, &user), 401);
	login(TD_USER, "Lang-Bac-Ba-Dinh-2026", &user);
	/* through the API as well */
	assert_int_equal(status_of(&admin, "PATCH", path_of("/api/v1/users/%lld", td),
				   "{\"password\":\"" TD_PASSWORD "\"}"),
			 200);
	assert_int_equal(status_of(&user, "GET", "/api/v1/session", NULL), 401);
	login(TD_USER, TD_PASSWORD, &user);
	assert_true(db_int("SELECT COUNT(*) FROM audit_log WHERE action = ?", "account.password_reset") == 2);
	/* his own password is not reset this way */
	assert_int_equal(call(&admin, "PATCH", path_of("/api/v1/users/%lld", ts_account_id(db, "quantri")),
			      "{\"password\":\"Mot-Mat-Khau-Khac-1\"}", &r),
			 422);
	expect_text(&r, "Để đổi mật khẩu của chính mình, vui lòng dùng trang Đổi mật khẩu.");
	resp_free(&r);
}

/* A wrong current password counts as a failed login: the sixth try waits (429, Retry-After). */
static void test_password_change_throttled(void **state)
{
	struct ts_user u;
	struct http_resp r;
	char h[32];
	(void)state;
	login(TD_USER, TD_PASSWORD, &u);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(post_form(&u, "/tai-khoan/mat-khau",
					   ts_form(&u, "current_password", "Sai-Mat-Khau-Roi", "new_password",
						   "Hoan-Kiem-Ha-Noi-2026", "new_password_repeat",
						   "Hoan-Kiem-Ha-Noi-2026", NULL),
					   &r),
				 422);
		resp_free(&r);
	}
	/* from yet another address, and with the right password: the account waits */
	assert_int_equal(post_form(&u, "/tai-khoan/mat-khau",
				   ts_form(&u, "current_password", TD_PASSWORD, "new_password",
					   "Hoan-Kiem-Ha-Noi-2026", "new_password_repeat",
					   "Hoan-Kiem-Ha-Noi-2026", NULL),
				   &r),
			 429);
	assert_non_null(resp_hdr(&r, "Retry-After", h, sizeof(h)));
	assert_string_equal(h, "900");
	expect_text(&r, "Đăng nhập sai quá nhiều lần. Vui lòng chờ 15 phút rồi thử lại.");
	resp_free(&r);
	/* the password did not change, and logging in waits too */
	assert_int_equal(login_status(TD_USER, TD_PASSWORD, &u), 429);
}

/* The list: search in any case, filters, 50 a page with Trước / Sau; the API pages as asked. */
static void test_list_filters_and_paging(void **state)
{
	struct ts_user admin;
	struct http_resp r;
	const int64_t td_unit = ts_unit_id(db, THUONGDINH);
	json_t *j;
	(void)state;
	/* 55 more users in Thượng Đình, written straight into the database */
	for (int i = 0; i < 55; i++) {
		char name[40], full[60];
		snprintf(name, sizeof(name), "trang.%02d", i);
		snprintf(full, sizeof(full), "Người Thử Trang %02d", i);
		assert_int_equal(
			db_exec(db,
				"INSERT INTO accounts (id, kind, username, full_name, position, unit_id, "
				"password_hash, created_at) VALUES (?, 'staff', ?, ?, '', ?, 'x', "
				"'2026-01-01T00:00:00Z')",
				"issi", (int64_t)900000 + i, name, full, td_unit),
			0);
	}
	login("quantri", DEMO_PASSWORD, &admin);
	assert_int_equal(call(&admin, "GET", path_of("/quan-tri/nguoi-dung?unit=%lld", td_unit), NULL, &r),
			 200);
	expect_text(&r, "Số người dùng tìm thấy: 56");
	expect_text(&r, "<span>Trang 1 / 2</span>");
	expect_text(&r, path_of("<a href=\"/quan-tri/nguoi-dung?unit=%lld&amp;page=2\" rel=\"next\">Sau</a>",
				td_unit));
	expect_no_text(&r, "rel=\"prev\"");
	expect_text(&r, ">" TD_USER "</a>");
	expect_text(&r, ">trang.48</a>");
	expect_no_text(&r, ">trang.49</a>");
	expect_no_text(&r, ">tuphap.nhanchinh</a>");
	resp_free(&r);
	assert_int_equal(call(&admin, "GET", path_of("/quan-tri/nguoi-dung?unit=%lld&page=2", td_unit), NULL,
			      &r),
			 200);
	expect_text(&r, "<span>Trang 2 / 2</span>");
	expect_text(&r, "rel=\"prev\">Trước</a>");
	expect_text(&r, ">trang.49</a>");
	expect_text(&r, ">trang.54</a>");
	expect_no_text(&r, ">" TD_USER "</a>");
	resp_free(&r);

	/* the search folds case, Vietnamese letters included */
	assert_int_equal(call(&admin, "GET", "/quan-tri/nguoi-dung?q=%C4%90%E1%BA%B6NG%20V%C4%82N", NULL, &r),
			 200);
	expect_text(&r, ">chutich.nhanchinh</a>"); /* Đặng Văn Chính */
	expect_text(&r, "Số người dùng tìm thấy: 1");
	expect_text(&r, "value=\"ĐẶNG VĂN\"");
	resp_free(&r);
	assert_int_equal(call(&admin, "GET", "/quan-tri/nguoi-dung?q=NhanChinh", NULL, &r), 200);
	expect_text(&r, ">quantri.nhanchinh</a>");
	expect_text(&r, ">motcua.nhanchinh</a>");
	expect_no_text(&r, ">" TD_USER "</a>");
	resp_free(&r);
	assert_int_equal(status_of(&admin, "GET", "/quan-tri/nguoi-dung?active=2", NULL), 400);
	assert_int_equal(status_of(&admin, "GET", "/quan-tri/nguoi-dung?unit=abc", NULL), 400);

	/* the API */
	assert_int_equal(call(&admin, "GET", path_of("/api/v1/users?unit=%lld&per_page=20&page=3", td_unit),
			      NULL, &r),
			 200);
	j = json_loads(r.body.ptr, 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 56);
	assert_int_equal(json_integer_value(json_object_get(j, "page")), 3);
	assert_int_equal(json_array_size(json_object_get(j, "users")), 16);
	json_decref(j);
	resp_free(&r);
	assert_int_equal(call(&admin, "GET", "/api/v1/users?q=tuphap", NULL, &r), 200);
	expect_text(&r, "\"username\":\"tuphap.nhanchinh\"");
	expect_text(&r, "\"roles\":[\"specialist\"]");
	expect_text(&r, "\"total\":1");
	resp_free(&r);
	assert_int_equal(status_of(&admin, "GET", "/api/v1/users?per_page=101", NULL), 400);
	assert_int_equal(status_of(&admin, "GET", "/api/v1/users?page=0", NULL), 400);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_district_admin_creates),
		cmocka_unit_test(test_ward_admin_confined),
		cmocka_unit_test(test_citizen_and_clerk_refused),
		cmocka_unit_test(test_csrf),
		cmocka_unit_test(test_grant_and_revoke),
		cmocka_unit_test(test_roles_api),
		cmocka_unit_test(test_no_self_lockout),
		cmocka_unit_test(test_create_validation),
		cmocka_unit_test(test_update_user),
		cmocka_unit_test(test_password_change),
		cmocka_unit_test(test_admin_reset),
		cmocka_unit_test(test_password_change_throttled),
		cmocka_unit_test(test_list_filters_and_paging),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
