/* t0003-static: embedded assets with ETag, 304, caching and precompressed gzip; the favicon. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "harness.h"

static struct test_server srv;

static int setup(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return ts_start(&srv, NULL, NULL);
}

static int teardown(void **state)
{
	(void)state;
	int rc = ts_stop(&srv);
	curl_global_cleanup();
	return rc;
}

/* The file as it is in the source tree. */
static void read_source(const char *rel, struct buf *out)
{
	char path[1024], chunk[4096];
	size_t n;
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", SOURCE_ROOT, rel);
	f = fopen(path, "rb");
	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(out, chunk, n);
	fclose(f);
}

static void test_css_etag_304(void **state)
{
	struct http_resp r;
	struct buf src = BUF_INIT;
	char etag[128], h[256], inm[200];
	(void)state;
	read_source("static/site.css", &src);
	resp_init(&r);
	assert_int_equal(http_get(&srv, "/static/site.css", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(resp_hdr(&r, "Content-Type", h, sizeof(h)));
	assert_string_equal(h, "text/css; charset=utf-8");
	assert_non_null(resp_hdr(&r, "Cache-Control", h, sizeof(h)));
	assert_non_null(strstr(h, "max-age="));
	assert_non_null(resp_hdr(&r, "ETag", etag, sizeof(etag)));
	assert_true(etag[0] == '"');
	/* served byte for byte as in the tree */
	assert_int_equal(r.body.len, src.len);
	assert_memory_equal(r.body.ptr, src.ptr, src.len);
	resp_free(&r);

	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
	resp_init(&r);
	assert_int_equal(http_req(&srv, "GET", "/static/site.css", (const char *const[]){ inm, NULL }, NULL,
				  0, &r),
			 0);
	assert_int_equal(r.status, 304);
	assert_int_equal(r.body.len, 0);
	resp_free(&r);

	/* a list holding it, and a weak form */
	snprintf(inm, sizeof(inm), "If-None-Match: \"x\", W/%s", etag);
	resp_init(&r);
	assert_int_equal(http_req(&srv, "GET", "/static/site.css", (const char *const[]){ inm, NULL }, NULL,
				  0, &r),
			 0);
	assert_int_equal(r.status, 304);
	resp_free(&r);

	/* a stale tag gets the file */
	resp_init(&r);
	assert_int_equal(http_req(&srv, "GET", "/static/site.css",
				  (const char *const[]){ "If-None-Match: \"old\"", NULL }, NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	buf_release(&src);
}

/* Pages link assets with their content tag; such a URL is cached for a year, a bare one briefly. */
static void test_versioned_urls(void **state)
{
	struct http_resp r;
	char url[256], h[256];
	const char *p, *end;
	(void)state;
	resp_init(&r);
	assert_int_equal(http_get(&srv, "/", &r), 0);
	p = strstr(r.body.ptr, "href=\"/static/site.css?v=");
	assert_non_null(p);
	p += 6;
	end = strchr(p, '"');
	assert_non_null(end);
	snprintf(url, sizeof(url), "%.*s", (int)(end - p), p);
	resp_free(&r);

	resp_init(&r);
	assert_int_equal(http_get(&srv, url, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(resp_hdr(&r, "Cache-Control", h, sizeof(h)));
	assert_string_equal(h, "public, max-age=31536000, immutable");
	resp_free(&r);

	resp_init(&r);
	assert_int_equal(http_get(&srv, "/static/site.css?v=0123456789ab", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(resp_hdr(&r, "Cache-Control", h, sizeof(h)));
	assert_string_equal(h, "public, max-age=300");
	resp_free(&r);
}

/* Repeated requests for one file (answered from a kept response) still get their own request id. */
static void test_repeated_ids(void **state)
{
	char ids[4][64];
	struct buf src = BUF_INIT;
	(void)state;
	read_source("static/site.css", &src);
	for (int i = 0; i < 4; i++) {
		struct http_resp r;
		resp_init(&r);
		assert_int_equal(http_get(&srv, "/static/site.css", &r), 0);
		assert_int_equal(r.status, 200);
		assert_int_equal(r.body.len, src.len);
		assert_memory_equal(r.body.ptr, src.ptr, src.len);
		assert_non_null(resp_hdr(&r, "X-Request-Id", ids[i], sizeof(ids[i])));
		for (int j = 0; j < i; j++)
			assert_string_not_equal(ids[i], ids[j]);
		/* one id header, not an old one left beside the new */
		assert_null(strstr(strstr(r.headers.ptr, "X-Request-Id:") + 1, "X-Request-Id:"));
		resp_free(&r);
	}
	buf_release(&src);
}

/*
 * Every answer has one Date header with the current time, also a kept
 * response answered again seconds later (its Date is swapped, not left).
 */
static void test_date_header(void **state)
{
	char first[64], later[64];
	const char *paths[] = { "/static/site.css", "/", "/khong-co" };
	(void)state;
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
			struct http_resp r;
			char *date = round ? later : first;
			time_t now = time(NULL);
			struct tm tm;
			char want[64];
			resp_init(&r);
			assert_int_equal(http_get(&srv, paths[i], &r), 0);
			assert_non_null(resp_hdr(&r, "Date", date, 64));
			assert_null(strstr(strstr(r.headers.ptr, "Date:") + 1, "\nDate:"));
			/* the server's second, give or take one */
			gmtime_r(&now, &tm);
			strftime(want, sizeof(want), "%a, %d %b %Y", &tm);
			assert_memory_equal(date, want, strlen(want));
			assert_int_equal(strlen(date), 29);
			resp_free(&r);
		}
		if (!round)
			sleep(2);
	}
	assert_string_not_equal(first, later);
}

static void test_gzip_variant(void **state)
{
	struct http_resp r;
	char h[256];
	(void)state;
	resp_init(&r);
	assert_int_equal(http_req(&srv, "GET", "/static/site.css",
				  (const char *const[]){ "Accept-Encoding: gzip", NULL }, NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 200);
	assert_non_null(resp_hdr(&r, "Content-Encoding", h, sizeof(h)));
	assert_string_equal(h, "gzip");
	assert_non_null(resp_hdr(&r, "Vary", h, sizeof(h)));
	assert_string_equal(h, "Accept-Encoding");
	/* gzip magic */
	assert_true(r.body.len > 2 && (unsigned char)r.body.ptr[0] == 0x1f &&
		    (unsigned char)r.body.ptr[1] == 0x8b);
	resp_free(&r);

	/* refused with q=0: the plain file */
	resp_init(&r);
	assert_int_equal(http_req(&srv, "GET", "/static/site.css",
				  (const char *const[]){ "Accept-Encoding: gzip;q=0", NULL }, NULL, 0, &r),
			 0);
	assert_null(resp_hdr(&r, "Content-Encoding", h, sizeof(h)));
	resp_free(&r);
}

static void test_favicon_and_robots(void **state)
{
	struct http_resp r;
	char h[256];
	(void)state;
	resp_init(&r);
	assert_int_equal(http_get(&srv, "/favicon.ico", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(resp_hdr(&r, "Content-Type", h, sizeof(h)));
	assert_string_equal(h, "image/x-icon");
	assert_true(r.body.len > 6 && r.body.ptr[0] == 0 && r.body.ptr[2] == 1);
	resp_free(&r);

	resp_init(&r);
	assert_int_equal(http_get(&srv, "/robots.txt", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "User-agent: *"));
	resp_free(&r);

	resp_init(&r);
	assert_int_equal(http_get(&srv, "/static/emblem.svg", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(resp_hdr(&r, "Content-Type", h, sizeof(h)));
	assert_string_equal(h, "image/svg+xml");
	resp_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_css_etag_304),	   cmocka_unit_test(test_versioned_urls),
		cmocka_unit_test(test_repeated_ids),	   cmocka_unit_test(test_gzip_variant),
		cmocka_unit_test(test_favicon_and_robots), cmocka_unit_test(test_date_header),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
