/* t0008-citizens: citizens register themselves (form and JSON), log in with CCCD, email or phone; no staff
 * pages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "store/db.h"

#define FORM_TYPE "Content-Type: application/x-www-form-urlencoded"
#define JSON_TYPE "Content-Type: application/json"

/* A citizen who registers through the form (Hà Nội, man, born 1999). */
#define AN_NAME	    "Nguyễn Văn An"
#define AN_CCCD	    "001099012345"
#define AN_EMAIL    "an.nguyen@example.com"
#define AN_PHONE    "0912345678"
#define AN_PASSWORD "Hoa-Sen-Ho-Tay-2026"

static struct test_server srv;

/*
 * A new client address for each request (X-Forwarded-For from the trusted
 * proxy), so the per-address registration limit does not mix the tests up;
 * test_register_throttled sends from one address on purpose.
 */
static const char *next_client(void)
{
	static char bufs[4][64];
	static unsigned n;
	char *b = bufs[n % 4];
	snprintf(b, sizeof(bufs[0]), "X-Forwarded-For: 192.0.2.%u", 1 + n % 250);
	n++;
	return b;
}

static int setup(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ts_init(&srv))
		return -1;
	/* behind a trusted proxy: each registration can come from its own address (see next_client) */
	return ts_launch(&srv, NULL, (const char *const[]){ "--trusted-proxy", "127.0.0.1", NULL });
}

static int teardown(void **state)
{
	(void)state;
	int rc = ts_stop(&srv);
	curl_global_cleanup();
	return rc;
}

/* Append "&name=value" (value percent-encoded) to a form body. */
static void add(struct buf *b, const char *name, const char *value)
{
	char *enc = curl_easy_escape(NULL, value, 0);
	assert_non_null(enc);
	buf_addf(b, "%s%s=%s", b->len ? "&" : "", name, enc);
	curl_free(enc);
}

/* What the registration form is posted with; NULL fields are left out. */
struct reg {
	const char *name, *cccd, *email, *phone, *password, *repeat;
};

static const struct reg an = { AN_NAME, AN_CCCD, AN_EMAIL, AN_PHONE, AN_PASSWORD, AN_PASSWORD };

/*
 * Open /dang-ky, then post the form with its token (with_token) or without
 * one. Returns the status of the POST; the session cookie into sid.
 */
static long post_register(const struct reg *g, int with_token, char *sid, size_t n, struct http_resp *post)
{
	struct http_resp r;
	struct buf body = BUF_INIT;
	char tok[128], lc[128], cookie[300];
	resp_init(&r);
	assert_int_equal(http_get(&srv, "/dang-ky", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(resp_field(&r, "csrf", tok, sizeof(tok)));
	assert_non_null(resp_cookie(&r, "lcsrf", lc, sizeof(lc)));
	assert_non_null(strstr(r.headers.ptr, "; Path=/dang-ky; HttpOnly; SameSite=Strict"));
	resp_free(&r);
	snprintf(cookie, sizeof(cookie), "Cookie: lcsrf=%s", lc);
	if (with_token)
		add(&body, "csrf", tok);
	if (g->name)
		add(&body, "full_name", g->name);
	if (g->cccd)
		add(&body, "citizen_id", g->cccd);
	if (g->email)
		add(&body, "email", g->email);
	if (g->phone)
		add(&body, "phone", g->phone);
	if (g->password)
		add(&body, "password", g->password);
	if (g->repeat)
		add(&body, "password_repeat", g->repeat);
	assert_int_equal(
		http_req(&srv, "POST", "/dang-ky",
			 (const char *const[]){ FORM_TYPE, next_client(), with_token ? cookie : NULL, NULL },
			 body.ptr, body.len, post),
		0);
	buf_release(&body);
	if (sid && !resp_cookie(post, "sid", sid, n))
		sid[0] = '\0';
	return post->status;
}

/* Log in through the form (the name percent-encoded); the session cookie into sid. */
static long form_login(const char *user, const char *password, char *sid, size_t n, struct http_resp *post)
{
	struct http_resp r;
	struct buf body = BUF_INIT;
	char tok[128], lc[128], cookie[300];
	resp_init(&r);
	assert_int_equal(http_get(&srv, "/dang-nhap", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(resp_field(&r, "csrf", tok, sizeof(tok)));
	assert_non_null(resp_cookie(&r, "lcsrf", lc, sizeof(lc)));
	resp_free(&r);
	snprintf(cookie, sizeof(cookie), "Cookie: lcsrf=%s", lc);
	add(&body, "csrf", tok);
	add(&body, "next", "/quan-tri");
	add(&body, "username", user);
	add(&body, "password", password);
	assert_int_equal(http_req(&srv, "POST", "/dang-nhap",
				  (const char *const[]){ FORM_TYPE, next_client(), cookie, NULL }, body.ptr,
				  body.len, post),
			 0);
	buf_release(&body);
	if (sid && !resp_cookie(post, "sid", sid, n))
		sid[0] = '\0';
	return post->status;
}

/* GET path with the session cookie; the status. */
static long get_with(const char *path, const char *sid, struct http_resp *r)
{
	char cookie[300];
	snprintf(cookie, sizeof(cookie), "Cookie: sid=%s", sid);
	assert_int_equal(http_req(&srv, "GET", path, (const char *const[]){ cookie, NULL }, NULL, 0, r), 0);
	return r->status;
}

static long post_json(const char *path, const char *json, struct http_resp *r)
{
	assert_int_equal(http_req(&srv, "POST", path, (const char *const[]){ JSON_TYPE, next_client(), NULL },
				  json, strlen(json), r),
			 0);
	return r->status;
}

/* The field `id` is marked invalid on the page and described by its error, which says `msg`. */
static void expect_field_error(const struct http_resp *r, const char *id, const char *msg)
{
	char pat[300];
	const char *input, *end;
	snprintf(pat, sizeof(pat), "id=\"%s\" name=\"%s\"", id, id);
	input = strstr(r->body.ptr, pat);
	if (!input)
		fail_msg("no input \"%s\" on the page", id);
	end = strchr(input, '>');
	assert_non_null(end);
	snprintf(pat, sizeof(pat), "%s-error", id);
	if (!memmem(input, (size_t)(end - input), "aria-invalid=\"true\"", 19) ||
	    !memmem(input, (size_t)(end - input), pat, strlen(pat)))
		fail_msg("input \"%s\" is not marked invalid: %.*s", id, (int)(end - input), input);
	snprintf(pat, sizeof(pat), "<p class=\"field-error\" id=\"%s-error\">%s", id, msg);
	if (!strstr(r->body.ptr, pat))
		fail_msg("no error \"%s\" for \"%s\" on the page", msg, id);
}

static void test_pages_link(void **state)
{
	struct http_resp r;
	char h[256];
	(void)state;
	resp_init(&r);
	assert_int_equal(http_get(&srv, "/dang-ky", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "<label for=\"full_name\">Họ và tên</label>"));
	assert_non_null(strstr(r.body.ptr, "<label for=\"citizen_id\">Số định danh cá nhân (CCCD)</label>"));
	assert_non_null(strstr(r.body.ptr, "<label for=\"email\">Email</label>"));
	assert_non_null(strstr(r.body.ptr, "<label for=\"phone\">Số điện thoại</label>"));
	assert_non_null(strstr(r.body.ptr, "<label for=\"password\">Mật khẩu</label>"));
	assert_non_null(strstr(r.body.ptr, "<label for=\"password_repeat\">Nhập lại mật khẩu</label>"));
	assert_non_null(strstr(r.body.ptr, "autocomplete=\"new-password\""));
	assert_non_null(strstr(r.body.ptr, "Đã có tài khoản? <a href=\"/dang-nhap\">Đăng nhập</a>"));
	assert_non_null(resp_hdr(&r, "Cache-Control", h, sizeof(h)));
	assert_string_equal(h, "no-store");
	resp_free(&r);

	resp_init(&r);
	assert_int_equal(http_get(&srv, "/dang-nhap", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "Chưa có tài khoản? <a href=\"/dang-ky\">Đăng ký</a>"));
	resp_free(&r);
}

/* One field wrong, the others right: 400, the Vietnamese message by that field, no account. */
static void expect_refused(const struct reg *g, const char *id, const char *msg)
{
	struct http_resp r;
	char sid[128];
	resp_init(&r);
	if (post_register(g, 1, sid, sizeof(sid), &r) != 400)
		fail_msg("status %ld for a bad \"%s\", want 400", r.status, id);
	expect_field_error(&r, id, msg);
	assert_non_null(strstr(r.body.ptr, "Vui lòng sửa các mục được đánh dấu dưới đây."));
	assert_string_equal(sid, "");
	/* what was typed stays, except the passwords */
	if (g->name && !strcmp(g->name, AN_NAME)) {
		char want[200];
		snprintf(want, sizeof(want), "value=\"%s\"", g->name);
		assert_non_null(strstr(r.body.ptr, want));
	}
	if (g->password && strlen(g->password) > 3)
		assert_null(strstr(r.body.ptr, g->password));
	resp_free(&r);
}

static void test_each_invalid_field(void **state)
{
	struct reg g;
	(void)state;
	g = an, g.cccd = "003099012345";
	expect_refused(&g, "citizen_id", "Ba chữ số đầu không phải là mã tỉnh, thành phố.");
	g = an, g.cccd = "00109901234";
	expect_refused(&g, "citizen_id", "Số định danh cá nhân phải có đúng 12 chữ số.");
	g = an, g.cccd = "001299012345"; /* a man born in 2099 */
	expect_refused(&g, "citizen_id", "Năm sinh trong số định danh cá nhân không thể ở tương lai.");
	g = an, g.cccd = "";
	expect_refused(&g, "citizen_id", "Vui lòng nhập số định danh cá nhân.");
	g = an, g.phone = "0243826123";
	expect_refused(&g, "phone", "Đây không phải số điện thoại di động Việt Nam");
	g = an, g.phone = "09123";
	expect_refused(&g, "phone", "Số điện thoại phải có 10 chữ số, ví dụ 0912345678.");
	g = an, g.email = "an.nguyen@example";
	expect_refused(&g, "email", "Phần sau dấu @ phải là tên miền, ví dụ example.com.");
	g = an, g.email = "an nguyen@example.com";
	expect_refused(&g, "email", "Địa chỉ email chứa dấu cách hoặc ký tự không được phép.");
	g = an, g.email = "", g.phone = "";
	expect_refused(&g, "email", "Vui lòng nhập địa chỉ email hoặc số điện thoại (hoặc cả hai).");
	expect_refused(&g, "phone", "Vui lòng nhập địa chỉ email hoặc số điện thoại (hoặc cả hai).");
	g = an, g.name = "   ";
	expect_refused(&g, "full_name", "Vui lòng nhập họ và tên.");
	g = an, g.password = g.repeat = "Sen-202"; /* 7 characters */
	expect_refused(&g, "password", "Mật khẩu phải có ít nhất 8 ký tự.");
	g = an, g.password = g.repeat = "abc";
	expect_refused(&g, "password", "Mật khẩu phải có ít nhất 8 ký tự.");
	g = an, g.password = g.repeat = "Password2024!";
	expect_refused(&g, "password", "Mật khẩu này quá phổ biến: hãy chọn mật khẩu khác.");
	g = an, g.password = g.repeat = "x" AN_PHONE "!";
	expect_refused(&g, "password", "Mật khẩu không được chứa tên đăng nhập.");
	g = an, g.repeat = "Hoa-Sen-Ho-Tay-2025";
	expect_refused(&g, "password_repeat", "Hai mật khẩu không khớp nhau.");
	g = an, g.repeat = NULL;
	expect_refused(&g, "password_repeat", "Vui lòng nhập lại mật khẩu.");
}

/* Every error at once, each by its field. */
static void test_all_errors_shown(void **state)
{
	const struct reg g = { "", "003099012345", "an@", "0212345678", "abc", "abd" };
	struct http_resp r;
	(void)state;
	resp_init(&r);
	assert_int_equal(post_register(&g, 1, NULL, 0, &r), 400);
	expect_field_error(&r, "full_name", "Vui lòng nhập họ và tên.");
	expect_field_error(&r, "citizen_id", "Ba chữ số đầu không phải là mã tỉnh, thành phố.");
	expect_field_error(&r, "email", "Phần sau dấu @ phải là tên miền");
	expect_field_error(&r, "phone", "Đây không phải số điện thoại di động Việt Nam");
	expect_field_error(&r, "password", "Mật khẩu phải có ít nhất 8 ký tự.");
	expect_field_error(&r, "password_repeat", "Hai mật khẩu không khớp nhau.");
	/* the values typed are kept */
	assert_non_null(strstr(r.body.ptr, "value=\"003099012345\""));
	assert_non_null(strstr(r.body.ptr, "value=\"an@\""));
	assert_non_null(strstr(r.body.ptr, "value=\"0212345678\""));
	resp_free(&r);
}

/* Nothing was created by the refused attempts: the citizen cannot log in yet. */
static void test_nothing_created(void **state)
{
	struct http_resp r;
	char sid[128];
	(void)state;
	resp_init(&r);
	assert_int_equal(form_login(AN_CCCD, AN_PASSWORD, sid, sizeof(sid), &r), 401);
	assert_string_equal(sid, "");
	resp_free(&r);
}

static void test_form_without_token(void **state)
{
	struct http_resp r;
	char sid[128];
	(void)state;
	resp_init(&r);
	assert_int_equal(post_register(&an, 0, sid, sizeof(sid), &r), 403);
	assert_string_equal(sid, "");
	assert_non_null(strstr(r.body.ptr, "Biểu mẫu đã hết hạn hoặc không được gửi từ trang này."));
	resp_free(&r);
	/* a token that is not the cookie's */
	resp_init(&r);
	{
		struct buf body = BUF_INIT;
		add(&body, "csrf", "forged-token-forged-token");
		add(&body, "full_name", AN_NAME);
		add(&body, "citizen_id", AN_CCCD);
		add(&body, "email", AN_EMAIL);
		add(&body, "password", AN_PASSWORD);
		add(&body, "password_repeat", AN_PASSWORD);
		assert_int_equal(http_req(&srv, "POST", "/dang-ky",
					  (const char *const[]){ FORM_TYPE, next_client(),
								 "Cookie: lcsrf=another-token-xyz", NULL },
					  body.ptr, body.len, &r),
				 0);
		buf_release(&body);
	}
	assert_int_equal(r.status, 403);
	assert_null(strstr(r.headers.ptr, "sid="));
	resp_free(&r);
	/* still no account */
	resp_init(&r);
	assert_int_equal(form_login(AN_EMAIL, AN_PASSWORD, NULL, 0, &r), 401);
	resp_free(&r);
}

static void test_register_in_browser(void **state)
{
	struct http_resp r;
	char sid[128], h[300];
	(void)state;
	resp_init(&r);
	assert_int_equal(post_register(&an, 1, sid, sizeof(sid), &r), 303);
	assert_non_null(resp_hdr(&r, "Location", h, sizeof(h)));
	assert_string_equal(h, "/tai-khoan");
	assert_int_equal(strlen(sid), 43);
	assert_non_null(strstr(r.headers.ptr, "; HttpOnly; SameSite=Lax"));
	resp_free(&r);

	resp_init(&r);
	assert_int_equal(get_with("/tai-khoan", sid, &r), 200);
	assert_non_null(strstr(r.body.ptr, "Xin chào " AN_NAME));
	assert_non_null(strstr(r.body.ptr, "*********345"));
	assert_null(strstr(r.body.ptr, AN_CCCD));
	assert_non_null(strstr(r.body.ptr, AN_EMAIL));
	assert_non_null(strstr(r.body.ptr, "action=\"/dang-xuat\""));
	assert_non_null(resp_field(&r, "csrf", h, sizeof(h)));
	assert_non_null(resp_hdr(&r, "Cache-Control", h, sizeof(h)));
	assert_string_equal(h, "no-store");
	resp_free(&r);

	/* the staff workspace is closed to citizens */
	resp_init(&r);
	assert_int_equal(get_with("/quan-tri", sid, &r), 403);
	assert_non_null(strstr(r.body.ptr, "Trang này chỉ dành cho cán bộ, công chức"));
	resp_free(&r);
	/* and the register page sends a logged-in citizen home */
	resp_init(&r);
	assert_int_equal(get_with("/dang-ky", sid, &r), 303);
	assert_non_null(resp_hdr(&r, "Location", h, sizeof(h)));
	assert_string_equal(h, "/tai-khoan");
	resp_free(&r);
	/* without a session, the account page asks for a login */
	resp_init(&r);
	assert_int_equal(http_get(&srv, "/tai-khoan", &r), 0);
	assert_int_equal(r.status, 303);
	resp_free(&r);
}

static void test_duplicates(void **state)
{
	static const char exists[] =
		"Đã có tài khoản đăng ký với số định danh cá nhân, email hoặc số điện thoại này.";
	/* the same CCCD, the same email, the same phone (typed another way) */
	static const struct reg dups[] = {
		{ "Nguyễn Văn Anh", AN_CCCD, "anh@example.com", "0987654321", AN_PASSWORD, AN_PASSWORD },
		{ "Lê Thị Hoa", "001199054321", "AN.Nguyen@Example.com", NULL, AN_PASSWORD, AN_PASSWORD },
		{ "Lê Thị Hoa", "001199054321", NULL, "+84 912.345.678", AN_PASSWORD, AN_PASSWORD },
	};
	struct http_resp r;
	char sid[128];
	(void)state;
	for (size_t i = 0; i < sizeof(dups) / sizeof(dups[0]); i++) {
		resp_init(&r);
		if (post_register(&dups[i], 1, sid, sizeof(sid), &r) != 409)
			fail_msg("duplicate %zu: status %ld, want 409", i, r.status);
		assert_non_null(strstr(r.body.ptr, exists));
		assert_string_equal(sid, "");
		resp_free(&r);
	}
	/* nothing was created for Lê Thị Hoa */
	resp_init(&r);
	assert_int_equal(form_login("001199054321", AN_PASSWORD, NULL, 0, &r), 401);
	resp_free(&r);
}

static void test_login_with_each_name(void **state)
{
	static const char *const names[] = {
		AN_CCCD, AN_EMAIL, AN_PHONE, "+84 912 345 678", "An.Nguyen@example.COM", "001 099 012 345",
	};
	struct http_resp r;
	char sid[128], h[300];
	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		resp_init(&r);
		if (form_login(names[i], AN_PASSWORD, sid, sizeof(sid), &r) != 303)
			fail_msg("login as \"%s\": status %ld, want 303", names[i], r.status);
		/* citizens land on their own page, not the staff workspace */
		assert_non_null(resp_hdr(&r, "Location", h, sizeof(h)));
		assert_string_equal(h, "/tai-khoan");
		assert_int_equal(strlen(sid), 43);
		resp_free(&r);
		resp_init(&r);
		assert_int_equal(get_with("/tai-khoan", sid, &r), 200);
		assert_non_null(strstr(r.body.ptr, AN_NAME));
		resp_free(&r);
		resp_init(&r);
		assert_int_equal(get_with("/quan-tri", sid, &r), 403);
		resp_free(&r);
	}
	/* the wrong password still fails */
	resp_init(&r);
	assert_int_equal(form_login(AN_PHONE, "Hoa-Sen-Ho-Tay-2025", sid, sizeof(sid), &r), 401);
	assert_string_equal(sid, "");
	resp_free(&r);
}

static void test_register_json(void **state)
{
	static const char good[] = "{\"full_name\":\"Trần Thị Bình\",\"citizen_id\":\"079185001234\","
				   "\"email\":\"Binh.Tran@example.vn\",\"password\":\"Ben-Nha-Rong-1985\"}";
	struct http_resp r;
	char h[300];
	(void)state;
	/* every field checked, the errors by field, in Vietnamese */
	resp_init(&r);
	assert_int_equal(
		post_json(
			"/api/v1/citizens",
			"{\"full_name\":\"Trần Thị Bình\",\"citizen_id\":\"003185001234\",\"email\":\"binh@\","
			"\"phone\":\"0112345678\",\"password\":\"123\",\"password_repeat\":\"124\"}",
			&r),
		400);
	assert_non_null(strstr(r.body.ptr, "\"code\":\"invalid\""));
	assert_non_null(strstr(r.body.ptr, "\"fields\":{"));
	assert_non_null(
		strstr(r.body.ptr, "\"citizen_id\":\"Ba chữ số đầu không phải là mã tỉnh, thành phố.\""));
	assert_non_null(strstr(r.body.ptr, "\"email\":\"Phần sau dấu @ phải là tên miền"));
	assert_non_null(strstr(r.body.ptr, "\"phone\":\"Đây không phải số điện thoại di động Việt Nam"));
	assert_non_null(strstr(r.body.ptr, "\"password\":\"Mật khẩu phải có ít nhất 8 ký tự.\""));
	assert_non_null(strstr(r.body.ptr, "\"password_repeat\":\"Hai mật khẩu không khớp nhau.\""));
	assert_null(strstr(r.body.ptr, "\"full_name\":"));
	resp_free(&r);
	/* fields of the wrong type */
	resp_init(&r);
	assert_int_equal(post_json("/api/v1/citizens", "{\"full_name\":1}", &r), 400);
	assert_non_null(strstr(r.body.ptr, "\"code\":\"bad_request\""));
	resp_free(&r);
	resp_init(&r);
	assert_int_equal(post_json("/api/v1/citizens", "[]", &r), 400);
	resp_free(&r);

	resp_init(&r);
	assert_int_equal(post_json("/api/v1/citizens", good, &r), 201);
	assert_non_null(strstr(r.body.ptr, "\"kind\":\"citizen\""));
	assert_non_null(strstr(r.body.ptr, "\"full_name\":\"Trần Thị Bình\""));
	assert_non_null(strstr(r.body.ptr, "\"citizen_id\":\"*********234\""));
	assert_non_null(strstr(r.body.ptr, "\"email\":\"binh.tran@example.vn\""));
	assert_null(strstr(r.body.ptr, "079185001234"));
	assert_null(strstr(r.body.ptr, "Ben-Nha-Rong"));
	assert_null(resp_hdr(&r, "Set-Cookie", h, sizeof(h)));
	resp_free(&r);

	/* the same again */
	resp_init(&r);
	assert_int_equal(post_json("/api/v1/citizens", good, &r), 409);
	assert_non_null(strstr(r.body.ptr, "\"code\":\"account_exists\""));
	resp_free(&r);

	/* she logs in through the API with her email */
	resp_init(&r);
	assert_int_equal(
		post_json("/api/v1/session",
			  "{\"username\":\"binh.tran@example.vn\",\"password\":\"Ben-Nha-Rong-1985\"}", &r),
		201);
	assert_non_null(strstr(r.body.ptr, "\"kind\":\"citizen\""));
	resp_free(&r);
	/* in English when asked */
	resp_init(&r);
	assert_int_equal(
		http_req(&srv, "POST", "/api/v1/citizens",
			 (const char *const[]){ JSON_TYPE, next_client(), "Accept-Language: en", NULL }, good,
			 sizeof(good) - 1, &r),
		0);
	assert_int_equal(r.status, 409);
	assert_non_null(
		strstr(r.body.ptr, "An account with this citizen ID number, email or phone already exists."));
	resp_free(&r);
}

/* Registrations from one address: after five, the sixth waits (429, Retry-After). */
static void test_register_throttled(void **state)
{
	struct http_resp r;
	char h[32], body[300];
	(void)state;
	for (int i = 0; i < 6; i++) {
		/* valid but each a different person; the limit counts attempts, not successes */
		snprintf(
			body, sizeof(body),
			"{\"full_name\":\"Lý Văn Thử\",\"citizen_id\":\"0010990000%02d\",\"email\":\"thu%d@example.vn\","
			"\"password\":\"Thu-Nghiem-Dang-Ky-%d\"}",
			i + 10, i, i);
		resp_init(&r);
		assert_int_equal(
			http_req(&srv, "POST", "/api/v1/citizens",
				 (const char *const[]){ JSON_TYPE, "X-Forwarded-For: 198.18.0.7", NULL },
				 body, strlen(body), &r),
			0);
		if (i < 5) {
			assert_int_equal(r.status, 201);
		} else {
			assert_int_equal(r.status, 429);
			assert_non_null(resp_hdr(&r, "Retry-After", h, sizeof(h)));
			assert_non_null(strstr(r.body.ptr, "\"code\":\"too_many_attempts\""));
		}
		resp_free(&r);
	}
}

/* A citizen has three login names; failures through any of them count against the one account. */
static void test_throttle_counts_the_account(void **state)
{
	static const char reg[] =
		"{\"full_name\":\"Mai Thị Ba\",\"citizen_id\":\"001190012399\",\"email\":\"ba.mai@example.vn\","
		"\"phone\":\"0987654399\",\"password\":\"Ba-Ten-Dang-Nhap-3\"}";
	const char *names[] = { "001190012399", "ba.mai@example.vn", "0987654399", "001190012399",
				"ba.mai@example.vn" };
	struct http_resp r;
	char body[200];
	(void)state;
	resp_init(&r);
	assert_int_equal(post_json("/api/v1/citizens", reg, &r), 201);
	resp_free(&r);
	for (int i = 0; i < 5; i++) {
		snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"wrong-password\"}",
			 names[i]);
		resp_init(&r);
		assert_int_equal(post_json("/api/v1/session", body, &r), 401);
		resp_free(&r);
	}
	/* the sixth, by the phone with the right password: the account waits */
	resp_init(&r);
	assert_int_equal(post_json("/api/v1/session",
				   "{\"username\":\"0987654399\",\"password\":\"Ba-Ten-Dang-Nhap-3\"}", &r),
			 429);
	resp_free(&r);
}

/*
 * After all of the above (registrations, logins with each name, failures):
 * neither the audit log nor the server's log holds a citizen ID number or a
 * password.
 */
static void test_no_secrets_kept(void **state)
{
	const char *secrets[] = { AN_CCCD, AN_PASSWORD, NULL };
	struct buf all = BUF_INIT;
	char *err = NULL, chunk[4096];
	struct db *db = db_open(srv.db, &err);
	struct db_stmt *st;
	size_t got;
	FILE *f;
	int rc, rows = 0;
	(void)state;
	assert_non_null(db);
	for (rc = db_query(db, &st, "SELECT actor, unit, client, action, object, detail FROM audit_log",
			   NULL);
	     rc == DB_ROW; rc = db_step(st), rows++)
		for (int i = 0; i < 6; i++) {
			buf_adds(&all, db_col_text(st, i) ? db_col_text(st, i) : "");
			buf_adds(&all, "\n");
		}
	assert_int_equal(rc, DB_DONE);
	db_close(db);
	assert_true(rows > 5);
	f = fopen(srv.log, "r");
	assert_non_null(f);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&all, chunk, got);
	fclose(f);
	assert_non_null(strstr(all.ptr, "account.register")); /* the audit log was read */
	assert_non_null(strstr(all.ptr, "path=/dang-ky"));    /* and the server log */
	for (int i = 0; secrets[i]; i++)
		if (strstr(all.ptr, secrets[i]))
			fail_msg("'%s' is in the audit log or the server log", secrets[i]);
	buf_release(&all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pages_link),
		cmocka_unit_test(test_each_invalid_field),
		cmocka_unit_test(test_all_errors_shown),
		cmocka_unit_test(test_nothing_created),
		cmocka_unit_test(test_form_without_token),
		cmocka_unit_test(test_register_in_browser),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_login_with_each_name),
		cmocka_unit_test(test_register_json),
		cmocka_unit_test(test_register_throttled),
		cmocka_unit_test(test_throttle_counts_the_account),
		cmocka_unit_test(test_no_secrets_kept),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
