/* t0002-limits: bad input and limits get a clear 4xx, never a crash or a 5xx. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "harness.h"

static struct test_server srv;	/* motcua serve */
static struct test_server echo; /* the HTTP layer with echo routes */

static int setup(void **state)
{
	struct rlimit rl;
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	/* the idle-connections test needs more than the default 1024 descriptors */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < 4096) {
		rl.rlim_cur = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (ts_start(&srv, NULL, NULL))
		return -1;
	return ts_start(&echo, ECHO_BIN, NULL);
}

static int teardown(void **state)
{
	(void)state;
	int a = ts_stop(&srv), b = ts_stop(&echo);
	curl_global_cleanup();
	return a || b;
}

/* Send a raw request; assert the status and that the body carries `text` (may be NULL). */
static void raw_expect(struct test_server *s, const char *req, size_t len, int status, const char *text)
{
	struct buf out = BUF_INIT;
	int st = raw_req(s, req, len, &out, 5000);
	if (st != status || (text && !strstr(out.ptr, text)))
		fprintf(stderr, "# request: %.80s\n# response: %.400s\n", req, out.ptr);
	assert_int_equal(st, status);
	if (text)
		assert_non_null(strstr(out.ptr, text));
	buf_release(&out);
}
#define RAW(s, lit, status, text) raw_expect((s), (lit), sizeof(lit) - 1, (status), (text))

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
	buf_add(ud, p, size * n);
	return size * n;
}

static void test_bad_percent_encoding(void **state)
{
	(void)state;
	RAW(&srv, "GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400,
	    "Địa chỉ có mã hóa phần trăm sai");
	RAW(&srv, "GET /a%4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400, NULL);
	RAW(&srv, "GET /%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400, NULL);
	RAW(&srv, "GET /a%0Ab HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400, NULL);
	RAW(&srv, "GET /%7F HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400, NULL);
	RAW(&srv, "GET /%C3%28 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400, NULL);
	/* in the query string too */
	RAW(&srv, "GET /?q=%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400,
	    "Chuỗi truy vấn không hợp lệ.");
	RAW(&srv, "GET /?q=%ff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400, NULL);
	/* and as JSON under /api/ */
	RAW(&srv, "GET /api/v1/version?q=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400,
	    "\"code\":\"bad_query\"");
	/* a good encoding is fine */
	RAW(&srv, "GET /?q=ch%E1%BB%A9ng+th%E1%BB%B1c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 200,
	    NULL);
}

static void test_static_dotdot(void **state)
{
	(void)state;
	RAW(&srv, "GET /static/../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400, NULL);
	RAW(&srv, "GET /static/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	    400, NULL);
	RAW(&srv, "GET /static/.hidden HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400, NULL);
	RAW(&srv, "GET /static/nope.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 404, NULL);
}

static void test_header_too_large(void **state)
{
	struct buf req = BUF_INIT;
	struct buf out = BUF_INIT;
	(void)state;
	buf_adds(&req, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: ");
	for (int i = 0; i < 40000; i++)
		buf_addch(&req, 'a');
	buf_adds(&req, "\r\nConnection: close\r\n\r\n");
	assert_int_equal(raw_req(&srv, req.ptr, req.len, &out, 5000), 431);
	buf_release(&req);
	buf_release(&out);
	/* the server goes on serving */
	RAW(&srv, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 200, NULL);
}

static void test_body_too_large(void **state)
{
	(void)state;
	/* motcua: a declared body over --max-body (1 MiB) */
	RAW(&srv, "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 10485760\r\nConnection: close\r\n\r\nabc",
	    413, "Dữ liệu gửi lên vượt quá dung lượng cho phép.");
	/* echo server (max body 4096): declared, and chunked without a length */
	{
		struct http_resp r;
		char *big = malloc(5000);
		memset(big, 'a', 5000);
		memcpy(big, "a=", 2);
		resp_init(&r);
		assert_int_equal(http_req(&echo, "POST", "/echo",
					  (const char *const[]){
						  "Content-Type: application/x-www-form-urlencoded", NULL },
					  big, 5000, &r),
				 0);
		assert_int_equal(r.status, 413);
		resp_free(&r);
		free(big);
	}
	{
		struct buf req = BUF_INIT;
		struct buf out = BUF_INIT;
		buf_adds(
			&req,
			"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
			"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
		for (int i = 0; i < 5; i++) {
			buf_adds(&req, "400\r\n");
			for (int j = 0; j < 0x400; j++)
				buf_addch(&req, 'b');
			buf_adds(&req, "\r\n");
		}
		buf_adds(&req, "0\r\n\r\n");
		assert_int_equal(raw_req(&echo, req.ptr, req.len, &out, 5000), 413);
		buf_release(&req);
		buf_release(&out);
	}
}

/* Over the limit but worth reading: the body is dropped and the 413 comes on a live connection. */
static void test_body_discarded_keepalive(void **state)
{
	CURL *c = curl_easy_init();
	struct buf body = BUF_INIT, out = BUF_INIT;
	struct curl_slist *hl = NULL;
	char url[128];
	long status = 0, connects = 0;
	(void)state;
	buf_adds(&body, "a=");
	for (int i = 0; i < 100 * 1024; i++)
		buf_addch(&body, 'x');
	snprintf(url, sizeof(url), "%s/echo", echo.base);
	hl = curl_slist_append(hl, "Content-Type: application/x-www-form-urlencoded");
	hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.ptr);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body.len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &out);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	assert_int_equal(status, 413);
	assert_non_null(strstr(out.ptr, "Dữ liệu gửi lên vượt quá dung lượng cho phép."));
	/* the same connection serves the next request */
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, "a=1");
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 3L);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	assert_int_equal(status, 200);
	curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &connects);
	assert_int_equal(connects, 0);
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	buf_release(&body);
	buf_release(&out);
}

/* A big body to a page that takes none, sent only after "100 Continue": refused at once, no hang. */
static void test_expect_continue_refused(void **state)
{
	(void)state;
	RAW(&srv,
	    "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: 100000000\r\nExpect: 100-continue\r\n\r\n",
	    405, "Allow: GET, HEAD");
	/* without Expect the client starts sending: it is answered without waiting for the rest */
	RAW(&srv, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\na=xxxxxxxxxxxxxxxx", 405,
	    NULL);
}

static void test_forms(void **state)
{
	struct http_resp r;
	const char *const form[] = { "Content-Type: application/x-www-form-urlencoded", NULL };
	const char good[] = "ho_ten=Nguy%E1%BB%85n+V%C4%83n+A&dia_chi=Thanh+Xu%C3%A2n";
	const char bad_utf8[] = "ho_ten=%C3%28";
	const char bad_esc[] = "ho_ten=%G1";
	(void)state;
	resp_init(&r);
	assert_int_equal(http_req(&echo, "POST", "/echo", form, good, sizeof(good) - 1, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "\"ho_ten\":\"Nguyễn Văn A\""));
	assert_non_null(strstr(r.body.ptr, "\"dia_chi\":\"Thanh Xuân\""));
	resp_free(&r);

	resp_init(&r);
	assert_int_equal(http_req(&echo, "POST", "/echo", form, bad_utf8, sizeof(bad_utf8) - 1, &r), 0);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body.ptr, "Dữ liệu biểu mẫu không phải UTF-8 hợp lệ."));
	resp_free(&r);

	resp_init(&r);
	assert_int_equal(http_req(&echo, "POST", "/echo", form, bad_esc, sizeof(bad_esc) - 1, &r), 0);
	assert_int_equal(r.status, 400);
	resp_free(&r);

	/* raw invalid UTF-8 bytes, not percent-encoded */
	resp_init(&r);
	assert_int_equal(http_req(&echo, "POST", "/echo", form, "a=\xff\xfe", 4, &r), 0);
	assert_int_equal(r.status, 400);
	resp_free(&r);

	/* an unknown body type */
	resp_init(&r);
	assert_int_equal(http_req(&echo, "POST", "/echo",
				  (const char *const[]){ "Content-Type: text/x-nope", NULL }, "hello", 5, &r),
			 0);
	assert_int_equal(r.status, 415);
	resp_free(&r);
}

static void test_json_bodies(void **state)
{
	struct http_resp r;
	const char *const js[] = { "Content-Type: application/json", NULL };
	(void)state;
	resp_init(&r);
	assert_int_equal(http_req(&echo, "POST", "/echo", js, "{\"ma\":\"H26\"}", 12, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "\"json\":{\"ma\":\"H26\"}"));
	resp_free(&r);

	resp_init(&r);
	assert_int_equal(http_req(&echo, "POST", "/echo", js, "{\"ma\":", 6, &r), 0);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body.ptr, "Dữ liệu JSON không hợp lệ."));
	resp_free(&r);
}

#define BOUNDARY "----motcuaTestBoundary7MA4YWxk"
static const char mp_body[] =
	"--" BOUNDARY "\r\n"
	"Content-Disposition: form-data; name=\"ho_ten\"\r\n\r\n"
	"Trần Thị B\r\n"
	"--" BOUNDARY "\r\n"
	"Content-Disposition: form-data; name=\"tep\"; filename=\"C:\\\\scan\\\\cccd.pdf\"\r\n"
	"Content-Type: application/pdf\r\n\r\n"
	"%PDF-1.4 test\r\n"
	"--" BOUNDARY "--\r\n";

static void test_multipart(void **state)
{
	struct http_resp r;
	const char *const mp[] = { "Content-Type: multipart/form-data; boundary=" BOUNDARY, NULL };
	(void)state;
	resp_init(&r);
	assert_int_equal(http_req(&echo, "POST", "/upload", mp, mp_body, sizeof(mp_body) - 1, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "\"ho_ten\":\"Trần Thị B\""));
	assert_non_null(strstr(r.body.ptr, "\"filename\":\"cccd.pdf\""));
	assert_non_null(strstr(r.body.ptr, "\"size\":13"));
	resp_free(&r);

	/* truncated: the closing boundary never comes */
	resp_init(&r);
	assert_int_equal(http_req(&echo, "POST", "/upload", mp, mp_body, sizeof(mp_body) - 30, &r), 0);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body.ptr, "Dữ liệu multipart bị cắt cụt."));
	resp_free(&r);

	/* no boundary */
	resp_init(&r);
	assert_int_equal(http_req(&echo, "POST", "/upload",
				  (const char *const[]){ "Content-Type: multipart/form-data", NULL }, mp_body,
				  sizeof(mp_body) - 1, &r),
			 0);
	assert_int_equal(r.status, 400);
	resp_free(&r);

	/* a route that takes no files */
	resp_init(&r);
	assert_int_equal(http_req(&echo, "POST", "/echo", mp, mp_body, sizeof(mp_body) - 1, &r), 0);
	assert_int_equal(r.status, 415);
	resp_free(&r);

	/* a file over the per-file limit (128 KiB here) */
	{
		struct buf b = BUF_INIT;
		buf_adds(&b, "--" BOUNDARY
			     "\r\nContent-Disposition: form-data; name=\"tep\"; filename=\"a.bin\"\r\n\r\n");
		for (int i = 0; i < 140 * 1024; i++)
			buf_addch(&b, 'x');
		buf_adds(&b, "\r\n--" BOUNDARY "--\r\n");
		resp_init(&r);
		assert_int_equal(http_req(&echo, "POST", "/upload", mp, b.ptr, b.len, &r), 0);
		assert_int_equal(r.status, 413);
		resp_free(&r);
		buf_release(&b);
	}
	/* the spool folder is left empty: rejected and finished uploads are removed */
	{
		char cmd[512];
		FILE *p;
		char line[256] = "";
		snprintf(cmd, sizeof(cmd), "ls -A '%s/data' | wc -l", echo.dir);
		p = popen(cmd, "r");
		assert_non_null(p);
		assert_non_null(fgets(line, sizeof(line), p));
		pclose(p);
		assert_int_equal(strtol(line, NULL, 10), 0);
	}
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* A client holding 1,100 idle connections does not stop a normal request from being served. */
static void test_idle_connections(void **state)
{
	enum {
		N = 1100
	};
	static int fds[N];
	struct http_resp r;
	int opened = 0;
	(void)state;
	for (int i = 0; i < N; i++) {
		fds[i] = ts_connect(&srv);
		if (fds[i] >= 0)
			opened++;
	}
	assert_int_equal(opened, N);
	sleep_ms(200);
	resp_init(&r);
	assert_int_equal(http_get(&srv, "/", &r), 0);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	for (int i = 0; i < N; i++)
		close(fds[i]);
}

/* Slow clients: a connection idle past --conn-timeout is closed by the server. */
static void test_slow_client_timeout(void **state)
{
	struct test_server s2;
	int fd;
	char c;
	struct pollfd p;
	(void)state;
	assert_int_equal(ts_start(&s2, NULL, (const char *const[]){ "--conn-timeout", "1", NULL }), 0);
	fd = ts_connect(&s2);
	assert_true(fd >= 0);
	/* half a request, then nothing */
	assert_true(send(fd, "GET / HTTP/1.1\r\nHo", 18, MSG_NOSIGNAL) == 18);
	p.fd = fd;
	p.events = POLLIN;
	p.revents = 0;
	assert_int_equal(poll(&p, 1, 5000), 1);
	assert_true(recv(fd, &c, 1, 0) <= 0); /* closed, no answer */
	close(fd);
	assert_int_equal(ts_stop(&s2), 0);
}

/* Connections from one address past --max-per-ip are refused; others still work after. */
static void test_per_ip_limit(void **state)
{
	struct test_server s2;
	struct http_resp r;
	int fds[5];
	(void)state;
	assert_int_equal(ts_start(&s2, NULL, (const char *const[]){ "--max-per-ip", "5", NULL }), 0);
	/* five kept-alive connections, each proven accepted by a request answered on it */
	for (int i = 0; i < 5; i++) {
		struct buf out = BUF_INIT;
		static const char req[] = "GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n";
		char chunk[4096];
		ssize_t n;
		for (int attempt = 0; attempt < 50; attempt++) {
			fds[i] = ts_connect(&s2);
			assert_true(fds[i] >= 0);
			assert_true(send(fds[i], req, sizeof(req) - 1, MSG_NOSIGNAL) ==
				    (ssize_t)(sizeof(req) - 1));
			n = recv(fds[i], chunk, sizeof(chunk) - 1, 0);
			if (n > 12)
				break;
			/* refused while the harness's own probe was still counted: try again */
			close(fds[i]);
			sleep_ms(50);
		}
		assert_true(n > 12);
		buf_add(&out, chunk, (size_t)n);
		assert_memory_equal(out.ptr, "HTTP/1.1 200", 12);
		buf_release(&out);
	}
	resp_init(&r);
	assert_int_not_equal(http_get(&s2, "/", &r), 0); /* the sixth is refused: no response */
	resp_free(&r);
	for (int i = 0; i < 5; i++)
		close(fds[i]);
	sleep_ms(300);
	resp_init(&r);
	assert_int_equal(http_get(&s2, "/", &r), 0);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	assert_int_equal(ts_stop(&s2), 0);
}

/* X-Forwarded-For and -Proto count only from the configured proxy, and only a valid address. */
static void test_trusted_proxy(void **state)
{
	struct test_server p;
	struct http_resp r;
	const char *const fwd[] = { "X-Forwarded-For: 203.0.113.9, 198.51.100.7", "X-Forwarded-Proto: https",
				    NULL };
	(void)state;
	/* not trusted: the socket's address */
	resp_init(&r);
	assert_int_equal(http_req(&echo, "GET", "/echo", fwd, NULL, 0, &r), 0);
	assert_non_null(strstr(r.body.ptr, "\"client_ip\":\"127.0.0.1\""));
	assert_non_null(strstr(r.body.ptr, "\"tls\":false"));
	resp_free(&r);

	assert_int_equal(
		ts_start(&p, ECHO_BIN, (const char *const[]){ "--trusted-proxy", "127.0.0.1", NULL }), 0);
	resp_init(&r);
	assert_int_equal(http_req(&p, "GET", "/echo", fwd, NULL, 0, &r), 0);
	/* the address the proxy appended last */
	assert_non_null(strstr(r.body.ptr, "\"client_ip\":\"198.51.100.7\""));
	assert_non_null(strstr(r.body.ptr, "\"tls\":true"));
	resp_free(&r);
	resp_init(&r);
	assert_int_equal(http_req(&p, "GET", "/echo",
				  (const char *const[]){ "X-Forwarded-For: not-an-address", NULL }, NULL, 0,
				  &r),
			 0);
	assert_non_null(strstr(r.body.ptr, "\"client_ip\":\"127.0.0.1\""));
	resp_free(&r);
	assert_int_equal(ts_stop(&p), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_percent_encoding),
		cmocka_unit_test(test_static_dotdot),
		cmocka_unit_test(test_header_too_large),
		cmocka_unit_test(test_body_too_large),
		cmocka_unit_test(test_body_discarded_keepalive),
		cmocka_unit_test(test_expect_continue_refused),
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_json_bodies),
		cmocka_unit_test(test_multipart),
		cmocka_unit_test(test_idle_connections),
		cmocka_unit_test(test_slow_client_timeout),
		cmocka_unit_test(test_per_ip_limit),
		cmocka_unit_test(test_trusted_proxy),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
