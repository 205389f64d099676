/* t0001-basics: the home page, routing (404/405), security headers, languages, keep-alive. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "harness.h"

static struct test_server srv;

static int setup(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return ts_start(&srv, NULL, (const char *const[]){ "--site-name", "UBND quận Thanh Xuân", NULL });
}

static int teardown(void **state)
{
	(void)state;
	int rc = ts_stop(&srv);
	curl_global_cleanup();
	return rc;
}

static void test_home_page(void **state)
{
	struct http_resp r;
	char h[256];
	(void)state;
	resp_init(&r);
	assert_int_equal(http_get(&srv, "/", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(resp_hdr(&r, "Content-Type", h, sizeof(h)));
	assert_string_equal(h, "text/html; charset=utf-8");
	/* Vietnamese by default, with the unit's name, the navigation and the skip link */
	assert_non_null(strstr(r.body.ptr, "<html lang=\"vi\">"));
	assert_non_null(strstr(r.body.ptr, "UBND quận Thanh Xuân"));
	assert_non_null(strstr(r.body.ptr, "Truy cập nội dung luôn"));
	assert_non_null(strstr(r.body.ptr, ">Trang chủ</a>"));
	assert_non_null(strstr(r.body.ptr, ">Tin tức - Sự kiện</a>"));
	assert_non_null(strstr(r.body.ptr, ">Thủ tục hành chính</a>"));
	assert_non_null(strstr(r.body.ptr, ">Tra cứu hồ sơ</a>"));
	assert_non_null(strstr(r.body.ptr, ">Đăng nhập</a>"));
	/* landmarks and the current page marked */
	assert_non_null(strstr(r.body.ptr, "<main id=\"main\""));
	assert_non_null(strstr(r.body.ptr, "<header"));
	assert_non_null(strstr(r.body.ptr, "<footer"));
	assert_non_null(strstr(r.body.ptr, "href=\"/\" aria-current=\"page\""));
	/* no inline script, no external resource */
	assert_null(strstr(r.body.ptr, "<script"));
	assert_null(strstr(r.body.ptr, "http://"));
	assert_null(strstr(r.body.ptr, "https://"));
	resp_free(&r);
}

static void test_security_headers(void **state)
{
	const char *paths[] = { "/", "/khong-co-trang-nay", "/static/site.css", "/api/v1/version",
				"/healthz" };
	(void)state;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct http_resp r;
		char h[512];
		resp_init(&r);
		assert_int_equal(http_get(&srv, paths[i], &r), 0);
		assert_non_null(resp_hdr(&r, "Content-Security-Policy", h, sizeof(h)));
		assert_non_null(strstr(h, "frame-ancestors 'none'"));
		/* scripts and styles from this origin only: nothing inline, nothing elsewhere */
		assert_non_null(strstr(h, "default-src 'self'"));
		assert_null(strstr(h, "script-src"));
		assert_null(strstr(h, "style-src"));
		assert_null(strstr(h, "unsafe-inline"));
		assert_non_null(strstr(h, "object-src 'none'"));
		assert_non_null(resp_hdr(&r, "X-Content-Type-Options", h, sizeof(h)));
		assert_string_equal(h, "nosniff");
		assert_non_null(resp_hdr(&r, "Referrer-Policy", h, sizeof(h)));
		assert_non_null(resp_hdr(&r, "X-Request-Id", h, sizeof(h)));
		assert_int_equal(strlen(h), 16);
		resp_free(&r);
	}
}

static void test_request_ids_differ(void **state)
{
	struct http_resp a, b;
	char ha[64], hb[64];
	(void)state;
	resp_init(&a);
	resp_init(&b);
	assert_int_equal(http_get(&srv, "/", &a), 0);
	assert_int_equal(http_get(&srv, "/", &b), 0);
	assert_non_null(resp_hdr(&a, "X-Request-Id", ha, sizeof(ha)));
	assert_non_null(resp_hdr(&b, "X-Request-Id", hb, sizeof(hb)));
	assert_string_not_equal(ha, hb);
	resp_free(&a);
	resp_free(&b);
}

static void test_not_found_html(void **state)
{
	struct http_resp r;
	char h[256];
	(void)state;
	resp_init(&r);
	assert_int_equal(http_get(&srv, "/khong-co-trang-nay", &r), 0);
	assert_int_equal(r.status, 404);
	assert_non_null(resp_hdr(&r, "Content-Type", h, sizeof(h)));
	assert_string_equal(h, "text/html; charset=utf-8");
	/* a page in the layout, in Vietnamese, with a way home */
	assert_non_null(strstr(r.body.ptr, "Không tìm thấy trang bạn yêu cầu."));
	assert_non_null(strstr(r.body.ptr, "Truy cập nội dung luôn"));
	assert_non_null(strstr(r.body.ptr, "href=\"/\""));
	resp_free(&r);
}

static void test_not_found_json_under_api(void **state)
{
	struct http_resp r;
	char h[256];
	(void)state;
	resp_init(&r);
	assert_int_equal(http_get(&srv, "/api/v1/khong-co", &r), 0);
	assert_int_equal(r.status, 404);
	assert_non_null(resp_hdr(&r, "Content-Type", h, sizeof(h)));
	assert_string_equal(h, "application/json; charset=utf-8");
	assert_non_null(strstr(
		r.body.ptr,
		"{\"error\":{\"code\":\"not_found\",\"message\":\"Không tìm thấy trang bạn yêu cầu.\"}}"));
	resp_free(&r);
}

static void test_method_not_allowed(void **state)
{
	struct http_resp r;
	char h[256];
	(void)state;
	resp_init(&r);
	assert_int_equal(http_req(&srv, "DELETE", "/", NULL, NULL, 0, &r), 0);
	assert_int_equal(r.status, 405);
	assert_non_null(resp_hdr(&r, "Allow", h, sizeof(h)));
	assert_string_equal(h, "GET, HEAD");
	resp_free(&r);

	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", "/api/v1/version", NULL, "{}", 2, &r), 0);
	assert_int_equal(r.status, 405);
	assert_non_null(strstr(r.body.ptr, "\"code\":\"method_not_allowed\""));
	resp_free(&r);
}

static void test_unknown_method(void **state)
{
	struct buf out = BUF_INIT;
	const char req[] = "BREW / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	(void)state;
	/* a 4xx that names the methods the page takes, never a 5xx */
	assert_int_equal(raw_req(&srv, req, sizeof(req) - 1, &out, 5000), 405);
	assert_non_null(strstr(out.ptr, "\r\nAllow: GET, HEAD\r\n"));
	assert_non_null(strstr(out.ptr, "Phương thức HTTP này không được hỗ trợ."));
	buf_release(&out);
}

/* A method that is not a token is refused and cannot forge a log line. */
static void test_bad_method_token(void **state)
{
	struct buf out = BUF_INIT;
	const char req[] = "GET\tuser=admin /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	char cmd[600];
	FILE *p;
	char line[64] = "";
	(void)state;
	assert_int_equal(raw_req(&srv, req, sizeof(req) - 1, &out, 5000), 400);
	buf_release(&out);
	/* the log (written within 100 ms) has no line with the injected key */
	usleep(300000);
	snprintf(cmd, sizeof(cmd), "grep -c 'user=admin' '%s'", srv.log);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(line, sizeof(line), p));
	pclose(p);
	assert_int_equal(strtol(line, NULL, 10), 0);
}

static void test_head(void **state)
{
	struct http_resp r;
	char h[64];
	(void)state;
	resp_init(&r);
	assert_int_equal(http_req(&srv, "HEAD", "/", NULL, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, 0);
	assert_non_null(resp_hdr(&r, "Content-Length", h, sizeof(h)));
	assert_true(strtol(h, NULL, 10) > 1000);
	resp_free(&r);
}

static void test_english(void **state)
{
	struct http_resp r;
	char h[256];
	(void)state;
	/* by Accept-Language */
	resp_init(&r);
	assert_int_equal(http_req(&srv, "GET", "/",
				  (const char *const[]){ "Accept-Language: en-GB,en;q=0.8,vi;q=0.5", NULL },
				  NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "<html lang=\"en\">"));
	assert_non_null(strstr(r.body.ptr, "Skip to content"));
	assert_non_null(strstr(r.body.ptr, ">Administrative procedures</a>"));
	resp_free(&r);

	/* the switch sets a cookie and goes back where the user was */
	resp_init(&r);
	assert_int_equal(http_get(&srv, "/ngon-ngu/en?next=/khong-co", &r), 0);
	assert_int_equal(r.status, 303);
	assert_non_null(resp_hdr(&r, "Location", h, sizeof(h)));
	assert_string_equal(h, "/khong-co");
	assert_non_null(resp_hdr(&r, "Set-Cookie", h, sizeof(h)));
	assert_non_null(strstr(h, "lang=en"));
	assert_non_null(strstr(h, "SameSite=Lax"));
	resp_free(&r);

	/* the cookie wins over Accept-Language, error pages too */
	resp_init(&r);
	assert_int_equal(http_req(&srv, "GET", "/khong-co",
				  (const char *const[]){ "Cookie: lang=en", "Accept-Language: vi", NULL },
				  NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(r.body.ptr, "The page you asked for was not found."));
	resp_free(&r);

	/* no open redirect through next= */
	resp_init(&r);
	assert_int_equal(http_get(&srv, "/ngon-ngu/vi?next=//evil.example/", &r), 0);
	assert_int_equal(r.status, 303);
	assert_non_null(resp_hdr(&r, "Location", h, sizeof(h)));
	assert_string_equal(h, "/");
	resp_free(&r);

	/* browsers drop tabs and read '\\' as '/': "/<TAB>/evil" would leave the site */
	{
		const char *tricks[] = { "/ngon-ngu/vi?next=/%09/evil.example/",
					 "/ngon-ngu/vi?next=/%5Cevil.example/",
					 "/ngon-ngu/vi?next=%2F%2Fevil.example" };
		for (size_t i = 0; i < sizeof(tricks) / sizeof(tricks[0]); i++) {
			resp_init(&r);
			assert_int_equal(http_get(&srv, tricks[i], &r), 0);
			assert_int_equal(r.status, 303);
			assert_non_null(resp_hdr(&r, "Location", h, sizeof(h)));
			assert_string_equal(h, "/");
			resp_free(&r);
		}
	}

	resp_init(&r);
	assert_int_equal(http_get(&srv, "/ngon-ngu/fr", &r), 0);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body.ptr, "Ngôn ngữ này không có."));
	resp_free(&r);
}

static size_t discard(char *p, size_t s, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return s * n;
}

/* libmicrohttpd 0.9.75 drops keep-alive when a response is queued on the first call: we never do. */
static void test_keepalive_1000(void **state)
{
	CURL *c = curl_easy_init();
	char url[128];
	long connects = 0, total = 0, status = 0;
	(void)state;
	snprintf(url, sizeof(url), "%s/", srv.base);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(curl_easy_perform(c), CURLE_OK);
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		assert_int_equal(status, 200);
		curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &connects);
		total += connects;
	}
	curl_easy_cleanup(c);
	/* one connection opened for the first request, none after */
	assert_int_equal(total, 1);
}

static void test_api_version(void **state)
{
	struct http_resp r;
	(void)state;
	resp_init(&r);
	assert_int_equal(http_get(&srv, "/api/v1/version", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "\"name\":\"motcua\""));
	resp_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_home_page),
		cmocka_unit_test(test_security_headers),
		cmocka_unit_test(test_request_ids_differ),
		cmocka_unit_test(test_not_found_html),
		cmocka_unit_test(test_not_found_json_under_api),
		cmocka_unit_test(test_method_not_allowed),
		cmocka_unit_test(test_unknown_method),
		cmocka_unit_test(test_bad_method_token),
		cmocka_unit_test(test_head),
		cmocka_unit_test(test_english),
		cmocka_unit_test(test_keepalive_1000),
		cmocka_unit_test(test_api_version),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
