/*
 * t0012-tokens: API tokens made by an administrator from the user page and the API: shown once, stored
 * hashed, never in the audit log or the server log; a token does only what its scopes name and only where
 * its account may; an administrator gives only permissions he holds himself; a token cannot make tokens;
 * revocation stops a token at once; CSRF.
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
#include <unistd.h>
#include "core/timefmt.h"
#include "harness.h"
#include "store/db.h"

#define DEMO_PASSWORD "ThanhXuan-Demo-2026"
#define FORM_TYPE     "Content-Type: application/x-www-form-urlencoded"
#define JSON_TYPE     "Content-Type: application/json"
#define FORBIDDEN     "Bạn không có quyền thực hiện thao tác này."
#define CSRF_REFUSED  "Biểu mẫu đã hết hạn hoặc không được gửi từ trang này."
#define SHOWN_ONCE    "mã chỉ hiển thị duy nhất lần này, sau đó không thể xem lại."
#define NOT_YOURS     "bạn chỉ được trao những quyền mà chính bạn nắm giữ tại đơn vị của người dùng"
#define NO_SCOPE      "Vui lòng chọn ít nhất một quyền cho mã API."
#define TOKEN_LEN     47 /* "mct_" + 43 */

/* Units of the demo tree. */
#define NHANCHINH  "000.01.15.H26" /* Phường Nhân Chính */
#define THUONGDINH "000.02.15.H26" /* Phường Thượng Đình */

static struct test_server srv;
static struct db *db; /* the server's database, to look at what changed and what did not */
/* the people of the story, logged in once through the API */
static struct ts_user district, ward;
/* chuyenvien's token made through the form in the first test, used by the later ones */
static char form_token[64];
static int64_t form_token_id;
/* every token a test saw, to look for in the database and the server log at the end */
static char seen[8][64];
static int nseen;

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

static void login(const char *user, struct ts_user *u)
{
	struct http_resp r;
	char body[256];
	json_t *j;
	memset(u, 0, sizeof(*u));
	snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"" DEMO_PASSWORD "\"}", user);
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", "/api/v1/session",
				  (const char *const[]){ JSON_TYPE, next_client(), NULL }, body, strlen(body),
				  &r),
			 0);
	if (r.status != 201)
		fail_msg("login as %s: status %ld", user, r.status);
	assert_non_null(resp_cookie(&r, "sid", u->sid, sizeof(u->sid)));
	j = json_loads(r.body.ptr, 0, NULL);
	assert_non_null(j);
	snprintf(u->csrf, sizeof(u->csrf), "%s", json_string_value(json_object_get(j, "csrf")));
	json_decref(j);
	snprintf(u->cookie, sizeof(u->cookie), "Cookie: sid=%s", u->sid);
	snprintf(u->token, sizeof(u->token), "X-CSRF-Token: %s", u->csrf);
	resp_free(&r);
}

/*
 * A request as u (cookie, CSRF header; a body is JSON when it starts with
 * '{', else a form) from a new client address. r is initialised here; the
 * caller frees it. Returns the status.
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

/* A request as an integration: "Authorization: Bearer TOKEN", no cookie, no CSRF token. */
static long bearer(const char *token, const char *method, const char *path, const char *body,
		   struct http_resp *r)
{
	char auth[128];
	const char *headers[4] = { auth, next_client(), body ? JSON_TYPE : NULL, NULL };
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	resp_init(r);
	assert_int_equal(http_req(&srv, method, path, headers, body, body ? strlen(body) : 0, r), 0);
	return r->status;
}

static long bearer_status(const char *token, const char *method, const char *path, const char *body)
{
	struct http_resp r;
	long status = bearer(token, method, path, body, &r);
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

static const char *path_of(const char *fmt, int64_t id)
{
	static char bufs[16][200];
	static unsigned n;
	char *b = bufs[n++ % 16];
	snprintf(b, sizeof(bufs[0]), fmt, (long long)id);
	return b;
}

/* The token in a page that shows one, remembered for the final checks. */
static void remember(const char *token)
{
	assert_int_equal(strlen(token), TOKEN_LEN);
	assert_memory_equal(token, "mct_", 4);
	assert_true(nseen < 8);
	snprintf(seen[nseen++], sizeof(seen[0]), "%s", token);
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

static int64_t db_int_id(const char *sql, int64_t id)
{
	struct db_stmt *st;
	int64_t v = -1;
	int rc = db_query(db, &st, sql, "i", id);
	if (rc == DB_ROW)
		v = db_col_int(st, 0);
	while (rc == DB_ROW)
		rc = db_step(st);
	assert_true(rc >= 0);
	return v;
}

/* The text column of one row, in out ("" when there is none). */
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

/* How many rows match `pattern` in each of the three LIKE of `sql`. */
static int64_t db_count_like(const char *sql, const char *pattern)
{
	struct db_stmt *st;
	int64_t v = -1;
	int rc = db_query(db, &st, sql, "sss", pattern, pattern, pattern);
	if (rc == DB_ROW)
		v = db_col_int(st, 0);
	while (rc == DB_ROW)
		rc = db_step(st);
	assert_true(rc >= 0);
	return v;
}

static int64_t count_tokens(void)
{
	return db_int("SELECT COUNT(*) FROM api_tokens WHERE scopes <> ?", "-");
}

static int64_t count_live_tokens(void)
{
	return db_int("SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL AND scopes <> ?", "-");
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
	login("quantri", &district);
	login("quantri.nhanchinh", &ward);
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

/* The district administrator makes a token for chuyenvien on his page: shown once, stored hashed, audited. */
static void test_form_creates_token(void **state)
{
	const int64_t cv = ts_account_id(db, "chuyenvien"), admin = ts_account_id(db, "quantri");
	const char *page = path_of("/quan-tri/nguoi-dung/%lld", cv);
	struct http_resp r;
	char csrf[128], h[64], text[400], today[16];
	(void)state;

	/* the page lists no token yet and offers what the administrator himself may do there */
	assert_int_equal(call(&district, "GET", page, NULL, &r), 200);
	expect_text(&r, "<h2 id=\"api-tokens\">Mã API</h2>");
	expect_text(&r, "Chưa có mã API nào.");
	expect_text(&r, "name=\"scope\" value=\"user.read\"");
	expect_text(&r, "<label for=\"token-scope-user.read\">Xem người dùng</label>");
	expect_text(&r, "name=\"scope\" value=\"audit.read\"");
	/* powers of a leader or a clerk are not his to give */
	expect_no_text(&r, "value=\"certification.sign\"");
	expect_no_text(&r, "value=\"dossier.process\"");
	assert_non_null(resp_field(&r, "csrf", csrf, sizeof(csrf)));
	assert_string_equal(csrf, district.csrf);
	resp_free(&r);

	assert_int_equal(post_form(&district, path_of("/quan-tri/nguoi-dung/%lld/ma-api", cv),
				   ts_form(&district, "scope", "user.read", NULL), &r),
			 200);
	assert_non_null(resp_hdr(&r, "Cache-Control", h, sizeof(h)));
	assert_string_equal(h, "no-store");
	expect_text(&r, "Đã tạo mã API.");
	expect_text(&r, SHOWN_ONCE);
	expect_text(&r, "Mã chỉ được làm những việc sau, và chỉ ở nơi người dùng được làm: Xem người dùng");
	expect_text(&r, "value=\"user.read\">"); /* a fresh form below, nothing ticked */
	assert_non_null(resp_field(&r, "new_token", form_token, sizeof(form_token)));
	remember(form_token);
	resp_free(&r);
	form_token_id = db_int_id("SELECT MAX(id) FROM api_tokens WHERE account_id = ?", cv);
	assert_true(form_token_id > 0);

	/* once: the page does not show it again; it lists the token by number, permissions, date, status */
	assert_int_equal(call(&district, "GET", page, NULL, &r), 200);
	expect_no_text(&r, form_token);
	expect_no_text(&r, "Đã tạo mã API.");
	time_fmt_date_vn(today, sizeof(today), time_now_us() / 1000000);
	snprintf(text, sizeof(text), "<tr><td>%lld</td><td>Xem người dùng</td><td>%s ",
		 (long long)form_token_id, today);
	expect_text(&r, text);
	expect_text(&r, "<td>Đang dùng</td>");
	expect_text(&r, path_of("action=\"/quan-tri/ma-api/%lld/thu-hoi\"", form_token_id));
	resp_free(&r);

	/* stored hashed: the table holds a hash, not the token */
	assert_int_equal(db_int("SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?", form_token), 0);
	db_text("SELECT token_hash FROM api_tokens WHERE id = ?", form_token_id, text, sizeof(text));
	assert_int_equal(strlen(text), 64);
	assert_null(strstr(text, form_token + 4));
	db_text("SELECT scopes FROM api_tokens WHERE id = ?", form_token_id, text, sizeof(text));
	assert_string_equal(text, "user.read");

	/* audited: who made it for whom with what, never the token */
	db_text("SELECT actor || ' ' || detail FROM audit_log WHERE action = 'token.create' AND object = "
		"'token:' || CAST(? AS TEXT)",
		form_token_id, text, sizeof(text));
	snprintf(h, sizeof(h), "account:%lld ", (long long)admin);
	assert_memory_equal(text, h, strlen(h));
	assert_string_equal(text + strlen(h),
			    path_of("{\"account_id\":%lld,\"scopes\":[\"user.read\"]}", cv));
}

/* The token does what its scope names only where its account may, and nothing outside its scope. */
static void test_scope_and_account(void **state)
{
	const int64_t cv = ts_account_id(db, "chuyenvien"), nc = ts_unit_id(db, NHANCHINH);
	const int64_t tuphap = ts_account_id(db, "tuphap.nhanchinh");
	struct http_resp r;
	char before[200], after[200], body[200];
	(void)state;
	assert_true(form_token[0]);

	/* a specialist does not read users: the scope gives no right the account lacks */
	assert_int_equal(bearer(form_token, "GET", "/api/v1/users", NULL, &r), 403);
	expect_text(&r, "\"code\":\"forbidden\"");
	resp_free(&r);

	/* he becomes administrator of the ward Nhân Chính: from the next request the token reads its users */
	snprintf(body, sizeof(body), "{\"account_id\":%lld,\"role\":\"admin\",\"unit_id\":%lld}",
		 (long long)cv, (long long)nc);
	assert_int_equal(status_of(&district, "POST", "/api/v1/roles", body), 201);
	assert_int_equal(bearer(form_token, "GET", "/api/v1/users?per_page=100", NULL, &r), 200);
	expect_text(&r, "\"username\":\"tuphap.nhanchinh\"");
	expect_no_text(&r, "\"username\":\"quantri\"");
	expect_no_text(&r, "\"username\":\"chuyenvien\"");
	resp_free(&r);
	assert_int_equal(bearer(form_token, "GET", path_of("/api/v1/users/%lld", tuphap), NULL, &r), 200);
	resp_free(&r);

	/* his account may now manage users and read the audit log there, but not with this token */
	db_text("SELECT position FROM accounts WHERE id = ?", tuphap, before, sizeof(before));
	assert_int_equal(bearer(form_token, "PATCH", path_of("/api/v1/users/%lld", tuphap),
				"{\"position\":\"Kẻ Mạo Danh\"}", &r),
			 403);
	expect_text(&r, "\"code\":\"forbidden\"");
	resp_free(&r);
	db_text("SELECT position FROM accounts WHERE id = ?", tuphap, after, sizeof(after));
	assert_string_equal(before, after);
	assert_int_equal(bearer_status(form_token, "GET", "/api/v1/audit", NULL), 403);
	assert_int_equal(bearer(form_token, "GET",
				path_of("/api/v1/permissions?action=user.manage&unit=%lld", nc), NULL, &r),
			 200);
	expect_text(&r, "\"allowed\":false");
	resp_free(&r);
	assert_int_equal(bearer(form_token, "GET",
				path_of("/api/v1/permissions?action=user.read&unit=%lld", nc), NULL, &r),
			 200);
	expect_text(&r, "\"allowed\":true");
	resp_free(&r);
	/* a token opens no page: outside /api/ it is not even looked at */
	assert_int_equal(bearer_status(form_token, "GET", "/quan-tri/nguoi-dung", NULL), 303);
}

/* The ward administrator gives tokens only to his ward's users, and only permissions he holds himself. */
static void test_ward_admin_limits(void **state)
{
	const int64_t cv = ts_account_id(db, "chuyenvien"), tuphap = ts_account_id(db, "tuphap.nhanchinh");
	const int64_t mc = ts_account_id(db, "motcua.nhanchinh"), td = ts_unit_id(db, THUONGDINH);
	const int64_t tokens = count_tokens();
	struct http_resp r;
	char body[300];
	int64_t gid;
	json_t *j;
	(void)state;

	/* not for a district user: 403, through the form and the API */
	assert_int_equal(post_form(&ward, path_of("/quan-tri/nguoi-dung/%lld/ma-api", cv),
				   ts_form(&ward, "scope", "user.read", NULL), &r),
			 403);
	expect_text(&r, FORBIDDEN);
	resp_free(&r);
	snprintf(body, sizeof(body), "{\"account_id\":%lld,\"scopes\":[\"user.read\"]}", (long long)cv);
	assert_int_equal(call(&ward, "POST", "/api/v1/tokens", body, &r), 403);
	expect_text(&r, "\"code\":\"forbidden\"");
	resp_free(&r);
	assert_int_equal(status_of(&ward, "GET", path_of("/api/v1/tokens?account=%lld", cv), NULL), 403);

	/* his ward's justice official: he offers only his own powers */
	assert_int_equal(call(&ward, "GET", path_of("/quan-tri/nguoi-dung/%lld", tuphap), NULL, &r), 200);
	expect_text(&r, "value=\"user.read\"");
	expect_no_text(&r, "value=\"certification.sign\"");
	resp_free(&r);
	/* the chairman's power to sign certifications, which the official holds by delegation: 422 */
	assert_int_equal(post_form(&ward, path_of("/quan-tri/nguoi-dung/%lld/ma-api", tuphap),
				   ts_form(&ward, "scope", "user.read", "scope", "certification.sign", NULL),
				   &r),
			 422);
	expect_text(&r, "id=\"token-scopes\" aria-invalid=\"true\" aria-describedby=\"token-scopes-error\"");
	expect_text(&r,
		    "<p class=\"field-error\" id=\"token-scopes-error\">Bạn không thể trao quyền “Ký chứng "
		    "thực”");
	expect_text(&r, "Vui lòng sửa các mục được đánh dấu dưới đây.");
	expect_text(&r, "value=\"user.read\" checked");
	expect_no_text(&r, "Đã tạo mã API.");
	resp_free(&r);
	snprintf(body, sizeof(body), "{\"account_id\":%lld,\"scopes\":[\"certification.sign\"]}",
		 (long long)tuphap);
	assert_int_equal(call(&ward, "POST", "/api/v1/tokens", body, &r), 422);
	expect_text(&r, "\"code\":\"invalid\"");
	expect_text(&r, NOT_YOURS);
	resp_free(&r);
	/* an action that does not exist */
	snprintf(body, sizeof(body), "{\"account_id\":%lld,\"scopes\":[\"user.read\",\"dossier.teleport\"]}",
		 (long long)tuphap);
	assert_int_equal(call(&ward, "POST", "/api/v1/tokens", body, &r), 422);
	expect_text(&r, "\"scopes\":\"Vui lòng chọn quyền trong danh sách.\"");
	resp_free(&r);
	/* no scope at all: a token made by an administrator always has one */
	assert_int_equal(post_form(&ward, path_of("/quan-tri/nguoi-dung/%lld/ma-api", tuphap),
				   ts_form(&ward, NULL), &r),
			 422);
	expect_text(&r, "<p class=\"field-error\" id=\"token-scopes-error\">" NO_SCOPE "</p>");
	resp_free(&r);
	snprintf(body, sizeof(body), "{\"account_id\":%lld,\"scopes\":[]}", (long long)tuphap);
	assert_int_equal(call(&ward, "POST", "/api/v1/tokens", body, &r), 422);
	expect_text(&r, "\"scopes\":\"" NO_SCOPE "\"");
	resp_free(&r);
	assert_int_equal(count_tokens(), tokens);

	/*
	 * A user of his ward who is also administrator of another ward: a token of his reading users would
	 * read that ward's too, which the ward administrator may not: his account is no longer the ward
	 * administrator's to change at all (403). The district administrator may.
	 */
	snprintf(body, sizeof(body), "{\"account_id\":%lld,\"role\":\"admin\",\"unit_id\":%lld}",
		 (long long)mc, (long long)td);
	assert_int_equal(call(&district, "POST", "/api/v1/roles", body, &r), 201);
	j = json_loads(r.body.ptr, 0, NULL);
	assert_non_null(j);
	gid = json_integer_value(json_object_get(json_object_get(j, "role"), "id"));
	json_decref(j);
	resp_free(&r);
	assert_int_equal(call(&ward, "GET", path_of("/quan-tri/nguoi-dung/%lld", mc), NULL, &r), 200);
	expect_no_text(&r, "value=\"user.read\"");
	expect_text(&r,
		    "Bạn không nắm giữ quyền nào tại đơn vị của người dùng này để có thể trao cho mã API.");
	resp_free(&r);
	assert_int_equal(post_form(&ward, path_of("/quan-tri/nguoi-dung/%lld/ma-api", mc),
				   ts_form(&ward, "scope", "user.read", NULL), &r),
			 403);
	expect_text(&r, "Cán bộ này còn giữ vai trò ở đơn vị ngoài phạm vi bạn quản lý");
	resp_free(&r);
	assert_int_equal(count_tokens(), tokens);
	snprintf(body, sizeof(body), "{\"account_id\":%lld,\"scopes\":[\"user.read\"]}", (long long)mc);
	assert_int_equal(call(&district, "POST", "/api/v1/tokens", body, &r), 201);
	{
		char t[64];
		j = json_loads(r.body.ptr, 0, NULL);
		assert_non_null(j);
		snprintf(t, sizeof(t), "%s", json_string_value(json_object_get(j, "token")));
		json_decref(j);
		remember(t);
		/* it reads users in the other ward */
		resp_free(&r);
		assert_int_equal(bearer(t, "GET",
					path_of("/api/v1/permissions?action=user.read&unit=%lld", td), NULL,
					&r),
				 200);
		expect_text(&r, "\"allowed\":true");
	}
	resp_free(&r);
	assert_int_equal(status_of(&district, "DELETE", path_of("/api/v1/roles/%lld", gid), NULL), 200);

	/* what he holds, for his ward's user: 201, the token in the answer and nowhere after */
	snprintf(body, sizeof(body), "{\"account_id\":%lld,\"scopes\":[\"user.read\",\"user.read\"]}",
		 (long long)tuphap);
	assert_int_equal(call(&ward, "POST", "/api/v1/tokens", body, &r), 201);
	j = json_loads(r.body.ptr, 0, NULL);
	assert_non_null(j);
	remember(json_string_value(json_object_get(j, "token")));
	assert_int_equal(json_integer_value(json_object_get(j, "account_id")), tuphap);
	expect_text(&r, "\"scopes\":[\"user.read\"]");
	json_decref(j);
	resp_free(&r);
	assert_int_equal(call(&ward, "GET", path_of("/api/v1/tokens?account=%lld", tuphap), NULL, &r), 200);
	expect_text(&r, "\"scopes\":[\"user.read\"]");
	expect_text(&r, "\"active\":true");
	expect_no_text(&r, seen[nseen - 1]);
	expect_no_text(&r, "mct_");
	expect_no_text(&r, "hash");
	resp_free(&r);
	assert_int_equal(count_tokens(), tokens + 2);
}

/* Revocation stops a token at once; the page says so; revoking twice or what is not there answers so. */
static void test_revoke(void **state)
{
	const int64_t cv = ts_account_id(db, "chuyenvien"), tuphap = ts_account_id(db, "tuphap.nhanchinh");
	struct http_resp r;
	char h[200];
	int64_t other;
	(void)state;
	assert_true(form_token_id > 0);
	assert_int_equal(bearer_status(form_token, "GET", "/api/v1/users", NULL), 200);

	/* the ward administrator may not revoke a district user's token */
	assert_int_equal(post_form(&ward, path_of("/quan-tri/ma-api/%lld/thu-hoi", form_token_id),
				   ts_form(&ward, NULL), &r),
			 403);
	resp_free(&r);
	assert_int_equal(status_of(&ward, "DELETE", path_of("/api/v1/tokens/%lld", form_token_id), NULL),
			 403);
	assert_int_equal(bearer_status(form_token, "GET", "/api/v1/users", NULL), 200);

	/* the district administrator revokes it from the user page */
	assert_int_equal(post_form(&district, path_of("/quan-tri/ma-api/%lld/thu-hoi", form_token_id),
				   ts_form(&district, NULL), &r),
			 303);
	assert_non_null(resp_hdr(&r, "Location", h, sizeof(h)));
	assert_string_equal(h, path_of("/quan-tri/nguoi-dung/%lld?msg=token_revoked", cv));
	resp_free(&r);
	assert_int_equal(bearer(form_token, "GET", "/api/v1/users", NULL, &r), 401);
	expect_text(&r, "\"code\":\"bad_token\"");
	resp_free(&r);
	assert_int_equal(call(&district, "GET", h, NULL, &r), 200);
	expect_text(&r, "Đã thu hồi mã API: mã không còn dùng được nữa.");
	expect_text(&r, "<td>Đã thu hồi (");
	expect_no_text(&r, path_of("action=\"/quan-tri/ma-api/%lld/thu-hoi\"", form_token_id));
	resp_free(&r);
	assert_int_equal(
		db_int_id("SELECT COUNT(*) FROM audit_log WHERE action = 'token.revoke' AND object = "
			  "'token:' || CAST(? AS TEXT)",
			  form_token_id),
		1);

	/* twice: 409; none such: 404 */
	assert_int_equal(post_form(&district, path_of("/quan-tri/ma-api/%lld/thu-hoi", form_token_id),
				   ts_form(&district, NULL), &r),
			 409);
	expect_text(&r, "Mã API này đã được thu hồi trước đó.");
	resp_free(&r);
	assert_int_equal(call(&district, "DELETE", path_of("/api/v1/tokens/%lld", form_token_id), NULL, &r),
			 409);
	expect_text(&r, "\"code\":\"already_revoked\"");
	resp_free(&r);
	assert_int_equal(call(&district, "DELETE", "/api/v1/tokens/999999", NULL, &r), 404);
	expect_text(&r, "\"message\":\"Không có mã API này.\"");
	resp_free(&r);

	/* through the API: 204, and the ward administrator's token for his official stops too */
	other = db_int_id("SELECT MAX(id) FROM api_tokens WHERE account_id = ?", tuphap);
	assert_int_equal(bearer_status(seen[nseen - 1], "GET", "/api/v1/session", NULL), 200);
	assert_int_equal(status_of(&ward, "DELETE", path_of("/api/v1/tokens/%lld", other), NULL), 204);
	assert_int_equal(bearer_status(seen[nseen - 1], "GET", "/api/v1/session", NULL), 401);
	assert_int_equal(call(&ward, "GET", path_of("/api/v1/tokens?account=%lld", tuphap), NULL, &r), 200);
	expect_text(&r, "\"active\":false");
	expect_no_text(&r, "\"revoked_at\":null");
	resp_free(&r);
}

/* A token, whatever its scopes, cannot make tokens: a leaked one must not mint others. */
static void test_token_cannot_mint(void **state)
{
	const int64_t admin = ts_account_id(db, "quantri"), cv = ts_account_id(db, "chuyenvien");
	const int64_t tokens = count_tokens();
	struct http_resp r;
	char body[200], t[64], h[64];
	json_t *j;
	(void)state;

	/* the administrator's own token, with the very permissions a token needs to make one */
	snprintf(body, sizeof(body), "{\"account_id\":%lld,\"scopes\":[\"user.manage\",\"user.read\"]}",
		 (long long)admin);
	assert_int_equal(call(&district, "POST", "/api/v1/tokens", body, &r), 201);
	assert_non_null(resp_hdr(&r, "Cache-Control", h, sizeof(h)));
	assert_string_equal(h, "no-store");
	j = json_loads(r.body.ptr, 0, NULL);
	assert_non_null(j);
	snprintf(t, sizeof(t), "%s", json_string_value(json_object_get(j, "token")));
	json_decref(j);
	/* in the order of the permission table */
	expect_text(&r, "\"scopes\":[\"user.read\",\"user.manage\"]");
	resp_free(&r);
	remember(t);

	/* it lists tokens, never their values */
	assert_int_equal(bearer(t, "GET", path_of("/api/v1/tokens?account=%lld", cv), NULL, &r), 200);
	expect_text(&r, path_of("\"account_id\":%lld", cv));
	expect_no_text(&r, "mct_");
	resp_free(&r);
	/* but makes none, for anyone */
	snprintf(body, sizeof(body), "{\"account_id\":%lld,\"scopes\":[\"user.read\"]}", (long long)cv);
	assert_int_equal(bearer(t, "POST", "/api/v1/tokens", body, &r), 403);
	expect_text(&r, "\"code\":\"token_not_allowed\"");
	expect_text(&r, "Không thể dùng mã API để tạo mã API");
	expect_no_text(&r, "mct_");
	resp_free(&r);
	snprintf(body, sizeof(body), "{\"account_id\":%lld,\"scopes\":[\"user.read\"]}", (long long)admin);
	assert_int_equal(bearer_status(t, "POST", "/api/v1/tokens", body), 403);
	assert_int_equal(count_tokens(), tokens + 1);
}

/* Without the CSRF token, or with a wrong one: 403, nothing made, nothing revoked. */
static void test_csrf(void **state)
{
	const int64_t cv = ts_account_id(db, "chuyenvien"), admin = ts_account_id(db, "quantri");
	const int64_t tokens = count_tokens(), live = count_live_tokens();
	const int64_t mine = db_int_id("SELECT MAX(id) FROM api_tokens WHERE account_id = ?", admin);
	(void)state;
	assert_true(mine > 0);
	for (int wrong = 0; wrong < 2; wrong++) {
		struct {
			const char *method, *path, *body, *type;
		} reqs[] = {
			{ "POST", path_of("/quan-tri/nguoi-dung/%lld/ma-api", cv), "scope=user.read",
			  FORM_TYPE },
			{ "POST", path_of("/quan-tri/ma-api/%lld/thu-hoi", mine), "", FORM_TYPE },
			{ "POST", "/api/v1/tokens",
			  path_of("{\"account_id\":%lld,\"scopes\":[\"user.read\"]}", cv), JSON_TYPE },
			{ "DELETE", path_of("/api/v1/tokens/%lld", mine), NULL, NULL },
		};
		for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
			struct http_resp r;
			char body[300];
			const char *headers[5];
			const int is_form = reqs[i].type && !strcmp(reqs[i].type, FORM_TYPE);
			size_t k = 0;
			headers[k++] = district.cookie;
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
			expect_no_text(&r, "mct_");
			resp_free(&r);
		}
	}
	assert_int_equal(count_tokens(), tokens);
	assert_int_equal(count_live_tokens(), live);
}

/* Requests the API cannot understand, and accounts that are not there. */
static void test_api_bad_requests(void **state)
{
	const int64_t cv = ts_account_id(db, "chuyenvien"), tokens = count_tokens();
	struct http_resp r;
	(void)state;
	assert_int_equal(call(&district, "GET", "/api/v1/tokens", NULL, &r), 400);
	expect_text(&r, "\"code\":\"bad_account\"");
	resp_free(&r);
	assert_int_equal(status_of(&district, "GET", "/api/v1/tokens?account=abc", NULL), 400);
	assert_int_equal(status_of(&district, "GET", "/api/v1/tokens?account=999999", NULL), 404);
	assert_int_equal(call(&district, "POST", "/api/v1/tokens",
			      path_of("{\"account_id\":%lld,\"scopes\":\"user.read\"}", cv), &r),
			 400);
	expect_text(&r, "\"code\":\"bad_request\"");
	resp_free(&r);
	assert_int_equal(status_of(&district, "POST", "/api/v1/tokens",
				   path_of("{\"account_id\":%lld,\"scopes\":[1]}", cv)),
			 400);
	assert_int_equal(
		status_of(&district, "POST", "/api/v1/tokens",
			  path_of("{\"account_id\":%lld,\"scopes\":[\"user.read\"],\"token\":\"mct_x\"}",
				  cv)),
		400);
	assert_int_equal(
		status_of(&district, "POST", "/api/v1/tokens", "{\"account_id\":999999,\"scopes\":[]}"), 404);
	/* a deactivated account gets no token (it could not use one): 409, and no form on its page */
	{
		const int64_t editor = ts_account_id(db, "bientap");
		const char *patch = path_of("/api/v1/users/%lld", editor);
		assert_int_equal(status_of(&district, "PATCH", patch, "{\"active\":false}"), 200);
		assert_int_equal(call(&district, "POST", "/api/v1/tokens",
				      path_of("{\"account_id\":%lld,\"scopes\":[\"user.read\"]}", editor),
				      &r),
				 409);
		expect_text(&r, "\"code\":\"account_inactive\"");
		resp_free(&r);
		assert_int_equal(post_form(&district, path_of("/quan-tri/nguoi-dung/%lld/ma-api", editor),
					   ts_form(&district, "scope", "user.read", NULL), &r),
				 409);
		expect_text(&r, "Tài khoản này đã bị khóa: vui lòng kích hoạt lại trước khi cấp mã API.");
		expect_no_text(&r, "name=\"scope\"");
		expect_no_text(&r, "Đã tạo mã API.");
		resp_free(&r);
		assert_int_equal(status_of(&district, "PATCH", patch, "{\"active\":true}"), 200);
	}
	assert_int_equal(post_form(&district, "/quan-tri/nguoi-dung/999999/ma-api",
				   ts_form(&district, "scope", "user.read", NULL), &r),
			 404);
	expect_text(&r, "Không có người dùng này.");
	resp_free(&r);
	assert_int_equal(count_tokens(), tokens);
}

/* The server's log so far, in out (initialised here; the caller releases it). */
static void read_log(struct buf *out)
{
	char chunk[4096];
	size_t got;
	FILE *f = fopen(srv.log, "r");
	buf_init(out, (size_t)64 << 20);
	assert_non_null(f);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(out, chunk, got);
	fclose(f);
}

/* No token anywhere but in the answers that made them: not in the database, the audit log or the log. */
static void test_tokens_nowhere_else(void **state)
{
	struct buf log;
	struct http_resp r;
	(void)state;
	assert_true(nseen >= 4);
	/* the log is written a moment later: wait for a last request to be in it */
	resp_init(&r);
	assert_int_equal(http_get(&srv, "/t0012-last-request", &r), 0);
	resp_free(&r);
	for (int i = 0;; i++) {
		read_log(&log);
		if (strstr(log.ptr, "path=/t0012-last-request"))
			break;
		buf_release(&log);
		if (i == 100)
			fail_msg("the last request is not in the server log");
		usleep(100 * 1000);
	}
	assert_non_null(strstr(log.ptr, "event=token_create"));
	for (int i = 0; i < nseen; i++) {
		char like[80];
		if (strstr(log.ptr, seen[i] + 4))
			fail_msg("token %d is in the server log", i);
		snprintf(like, sizeof(like), "%%%s%%", seen[i] + 4);
		assert_int_equal(
			db_count_like("SELECT COUNT(*) FROM audit_log WHERE detail LIKE ? OR object LIKE ? "
				      "OR actor LIKE ?",
				      like),
			0);
		assert_int_equal(
			db_count_like("SELECT COUNT(*) FROM api_tokens WHERE token_hash LIKE ? OR scopes "
				      "LIKE ? OR scopes LIKE ?",
				      like),
			0);
	}
	buf_release(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form_creates_token), cmocka_unit_test(test_scope_and_account),
		cmocka_unit_test(test_ward_admin_limits),  cmocka_unit_test(test_revoke),
		cmocka_unit_test(test_token_cannot_mint),  cmocka_unit_test(test_csrf),
		cmocka_unit_test(test_api_bad_requests),   cmocka_unit_test(test_tokens_nowhere_else),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
