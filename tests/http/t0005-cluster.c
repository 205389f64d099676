/*
 * t0005-cluster: two `motcua serve` processes on one database and one data
 * folder behind nginx (round-robin), as a deployment past one machine runs
 * them: both answer, either can go away, nothing lives in one process only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "harness.h"

static struct test_server a, b;
static struct test_server lb; /* nginx: only port, base and dir are used */
static char nginx_dir[300];

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static int start_nginx(void)
{
	char conf[400], cmd[1200];
	FILE *f;
	lb.port = free_port();
	snprintf(lb.base, sizeof(lb.base), "http://127.0.0.1:%u", lb.port);
	snprintf(nginx_dir, sizeof(nginx_dir), "%s/nginx", a.dir);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/tmp'", nginx_dir);
	if (system(cmd))
		return -1;
	snprintf(conf, sizeof(conf), "%s/nginx.conf", nginx_dir);
	f = fopen(conf, "w");
	if (!f)
		return -1;
	fprintf(f,
		"daemon on;\n"
		"worker_processes 1;\n"
		"pid %s/nginx.pid;\n"
		"error_log %s/error.log warn;\n"
		"events { worker_connections 256; }\n"
		"http {\n"
		"  access_log off;\n"
		"  client_body_temp_path %s/tmp;\n  proxy_temp_path %s/tmp;\n"
		"  fastcgi_temp_path %s/tmp;\n  uwsgi_temp_path %s/tmp;\n  scgi_temp_path %s/tmp;\n"
		"  upstream motcua { server 127.0.0.1:%u max_fails=1 fail_timeout=30s; "
		"server 127.0.0.1:%u max_fails=1 fail_timeout=30s; keepalive 8; }\n"
		"  server {\n"
		"    listen 127.0.0.1:%u;\n"
		"    location / {\n"
		"      proxy_pass http://motcua;\n"
		"      proxy_http_version 1.1;\n"
		"      proxy_set_header Connection \"\";\n"
		"      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
		"      proxy_next_upstream error timeout;\n"
		"    }\n"
		"  }\n"
		"}\n",
		nginx_dir, nginx_dir, nginx_dir, nginx_dir, nginx_dir, nginx_dir, nginx_dir, a.port, b.port,
		lb.port);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "/usr/sbin/nginx -c '%s' -p '%s' 2>>'%s/start.log'", conf, nginx_dir,
		 nginx_dir);
	if (system(cmd))
		return -1;
	for (int i = 0; i < 100; i++) {
		struct http_resp r;
		resp_init(&r);
		if (!http_get(&lb, "/healthz", &r) && r.status == 200) {
			resp_free(&r);
			return 0;
		}
		resp_free(&r);
		sleep_ms(50);
	}
	return -1;
}

static void stop_nginx(void)
{
	char cmd[700];
	snprintf(cmd, sizeof(cmd),
		 "[ -f '%s/nginx.pid' ] && kill -QUIT $(cat '%s/nginx.pid') 2>/dev/null; sleep 0.3",
		 nginx_dir, nginx_dir);
	if (system(cmd))
		return;
}

static int setup(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	char cmd[1200];
	if (ts_init(&a))
		return -1;
	/* the demo's staff accounts, to log in with */
	snprintf(cmd, sizeof(cmd), "'%s' demo --db '%s' >/dev/null 2>&1", MOTCUA_BIN, a.db);
	if (system(cmd) || ts_launch(&a, NULL, (const char *const[]){ "--trusted-proxy", "127.0.0.1", NULL }))
		return -1;
	if (ts_start_peer(&b, &a, (const char *const[]){ "--trusted-proxy", "127.0.0.1", NULL }))
		return -1;
	return start_nginx();
}

static int teardown(void **state)
{
	(void)state;
	stop_nginx();
	int rb = b.pid ? ts_stop(&b) : 0;
	int ra = ts_stop(&a);
	curl_global_cleanup();
	return ra || rb;
}

/* The process that answered: the request id starts with a prefix chosen at each start. */
static int prefix_of(const struct http_resp *r, char out[9])
{
	char id[64];
	if (!resp_hdr(r, "X-Request-Id", id, sizeof(id)) || strlen(id) != 16)
		return -1;
	memcpy(out, id, 8);
	out[8] = '\0';
	return 0;
}

static void test_both_answer(void **state)
{
	char first[9] = "", other[9] = "";
	int seen_other = 0;
	(void)state;
	for (int i = 0; i < 20; i++) {
		struct http_resp r;
		char p[9];
		resp_init(&r);
		assert_int_equal(http_get(&lb, "/", &r), 0);
		assert_int_equal(r.status, 200);
		assert_non_null(strstr(r.body.ptr, "Truy cập nội dung luôn"));
		assert_int_equal(prefix_of(&r, p), 0);
		if (!first[0])
			memcpy(first, p, 9);
		else if (strcmp(p, first)) {
			if (!seen_other)
				memcpy(other, p, 9);
			assert_string_equal(p, other); /* two processes, no third */
			seen_other = 1;
		}
		resp_free(&r);
	}
	assert_true(seen_other);
}

/* Both processes see one database: each one's health check reads the shared schema. */
static void test_same_database(void **state)
{
	struct http_resp r1, r2;
	(void)state;
	resp_init(&r1);
	resp_init(&r2);
	assert_int_equal(http_get(&a, "/healthz", &r1), 0);
	assert_int_equal(http_get(&b, "/healthz", &r2), 0);
	assert_int_equal(r1.status, 200);
	assert_int_equal(r2.status, 200);
	assert_non_null(strstr(r1.body.ptr, "\"database\":\"ok\""));
	assert_non_null(strstr(r2.body.ptr, "\"database\":\"ok\""));
	resp_free(&r1);
	resp_free(&r2);
}

/* The session cookie's value from a response. */
static const char *sid_of(const struct http_resp *r, char *out, size_t n)
{
	static const char pat[] = "\r\nSet-Cookie: sid=";
	const char *p = strcasestr(r->headers.ptr, pat);
	if (!p)
		return NULL;
	p += sizeof(pat) - 1;
	snprintf(out, n, "%.*s", (int)strcspn(p, ";\r"), p);
	return out;
}

/* Log in through one process, go on through the other, log out there: the session is the database's. */
static void test_session_across_processes(void **state)
{
	static const char login[] = "{\"username\":\"motcua\",\"password\":\"ThanhXuan-Demo-2026\"}";
	struct http_resp r;
	char sid[128], cookie[300], csrf_hdr[200];
	const char *p;
	(void)state;
	resp_init(&r);
	assert_int_equal(http_req(&a, "POST", "/api/v1/session",
				  (const char *const[]){ "Content-Type: application/json", NULL }, login,
				  sizeof(login) - 1, &r),
			 0);
	assert_int_equal(r.status, 201);
	assert_non_null(sid_of(&r, sid, sizeof(sid)));
	p = strstr(r.body.ptr, "\"csrf\":\"");
	assert_non_null(p);
	snprintf(csrf_hdr, sizeof(csrf_hdr), "X-CSRF-Token: %.*s", (int)strcspn(p + 8, "\""), p + 8);
	resp_free(&r);
	snprintf(cookie, sizeof(cookie), "Cookie: sid=%s", sid);

	/* the other process knows the session */
	resp_init(&r);
	assert_int_equal(http_req(&b, "GET", "/quan-tri", (const char *const[]){ cookie, NULL }, NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "Hoàng Thị Mai"));
	resp_free(&r);
	/* logging out there ends it here too */
	resp_init(&r);
	assert_int_equal(http_req(&b, "DELETE", "/api/v1/session",
				  (const char *const[]){ cookie, csrf_hdr, NULL }, NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	resp_init(&r);
	assert_int_equal(http_req(&a, "GET", "/api/v1/session", (const char *const[]){ cookie, NULL }, NULL,
				  0, &r),
			 0);
	assert_int_equal(r.status, 401);
	resp_free(&r);
}

/* Failed logins count in the database: failures through one process throttle the other. */
static void test_throttling_across_processes(void **state)
{
	static const char bad[] = "{\"username\":\"bientap\",\"password\":\"wrong-password\"}";
	static const char good[] = "{\"username\":\"bientap\",\"password\":\"ThanhXuan-Demo-2026\"}";
	struct http_resp r;
	(void)state;
	for (int i = 0; i < 5; i++) {
		resp_init(&r);
		assert_int_equal(http_req(i % 2 ? &a : &b, "POST", "/api/v1/session",
					  (const char *const[]){ "Content-Type: application/json",
								 "X-Forwarded-For: 198.51.100.9", NULL },
					  bad, sizeof(bad) - 1, &r),
				 0);
		assert_int_equal(r.status, 401);
		resp_free(&r);
	}
	resp_init(&r);
	assert_int_equal(http_req(&a, "POST", "/api/v1/session",
				  (const char *const[]){ "Content-Type: application/json",
							 "X-Forwarded-For: 198.51.100.9", NULL },
				  good, sizeof(good) - 1, &r),
			 0);
	assert_int_equal(r.status, 429);
	resp_free(&r);
}

struct login_loop {
	struct test_server *via[2];
	int n, ok;
	long bad; /* the status of a login that failed (0: none, -1: no answer) */
};

static void *login_loop_run(void *arg)
{
	static const char login[] = "{\"username\":\"lanhdao\",\"password\":\"ThanhXuan-Demo-2026\"}";
	struct login_loop *l = arg;
	for (int i = 0; i < l->n; i++) {
		struct http_resp r;
		resp_init(&r);
		if (!http_req(l->via[i % 2], "POST", "/api/v1/session",
			      (const char *const[]){ "Content-Type: application/json", NULL }, login,
			      sizeof(login) - 1, &r) &&
		    r.status == 201)
			l->ok++;
		else
			l->bad = r.status ? r.status : -1;
		resp_free(&r);
	}
	return NULL;
}

/*
 * Writes that take counter numbers, through both processes at once: every
 * login appends an audit entry numbered from a counter row; afterwards the
 * chain runs 1..N with no gap and no duplicate.
 */
static void test_concurrent_numbered_writes(void **state)
{
	struct login_loop loops[3] = { { { &a, &b }, 8, 0, 0 },
				       { { &b, &a }, 8, 0, 0 },
				       { { &a, &b }, 8, 0, 0 } };
	pthread_t th[3];
	char cmd[1200];
	FILE *p;
	char line[256] = "";
	(void)state;
	for (int i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&th[i], NULL, login_loop_run, &loops[i]), 0);
	for (int i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		if (loops[i].ok != 8)
			fail_msg("%d of 8 logins succeeded; a failed one answered %ld", loops[i].ok,
				 loops[i].bad);
	}
	snprintf(cmd, sizeof(cmd), "'%s' audit verify --db '%s' 2>&1", MOTCUA_BIN, a.db);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(line, sizeof(line), p));
	assert_int_equal(pclose(p), 0);
	assert_non_null(strstr(line, "audit chain intact"));
}

/* One process stops (a node goes away): every request through nginx still gets its page. */
static void test_one_goes_away(void **state)
{
	(void)state;
	assert_int_equal(ts_stop(&b), 0);
	for (int i = 0; i < 10; i++) {
		struct http_resp r;
		resp_init(&r);
		assert_int_equal(http_get(&lb, "/", &r), 0);
		assert_int_equal(r.status, 200);
		resp_free(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_answer),
		cmocka_unit_test(test_same_database),
		cmocka_unit_test(test_session_across_processes),
		cmocka_unit_test(test_throttling_across_processes),
		cmocka_unit_test(test_concurrent_numbered_writes),
		cmocka_unit_test(test_one_goes_away),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
