/* t0007-sessions: staff log in and out, in the browser and through the API; CSRF, timeouts, throttling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "harness.h"
#include "store/db.h"

#define DEMO_PASSWORD "ThanhXuan-Demo-2026"

static struct test_server srv;

static int run_demo(const struct test_server *s)
{
	char cmd[1200];
	snprintf(cmd, sizeof(cmd), "'%s' demo --db '%s' >/dev/null 2>&1", MOTCUA_BIN, s->db);
	return system(cmd);
}

static int setup(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ts_init(&srv) || run_demo(&srv))
		return -1;
	/* behind a trusted proxy, so each test can be a different client address */
	return ts_launch(&srv, NULL, (const char *const[]){ "--trusted-proxy", "127.0.0.1", NULL });
}

static int teardown(void **state)
{
	(void)state;
	int rc = ts_stop(&srv);
	curl_global_cleanup();
	return rc;
}

/* Log in through the form; the session cookie into sid. Returns the status of the POST. */
static long form_login(struct test_server *s, const char *user, const char *password, char *sid, size_t n,
		       struct http_resp *post)
{
	struct http_resp r;
	char tok[128], lc[128], cookie[300], body[400];
	resp_init(&r);
	assert_int_equal(http_get(s, "/dang-nhap?next=/quan-tri", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(resp_field(&r, "csrf", tok, sizeof(tok)));
	assert_non_null(resp_cookie(&r, "lcsrf", lc, sizeof(lc)));
	resp_free(&r);
	snprintf(cookie, sizeof(cookie), "Cookie: lcsrf=%s", lc);
	snprintf(body, sizeof(body), "csrf=%s&next=%%2Fquan-tri&username=%s&password=%s", tok, user,
		 password);
	assert_int_equal(http_req(s, "POST", "/dang-nhap",
				  (const char *const[]){ "Content-Type: application/x-www-form-urlencoded",
							 cookie, NULL },
				  body, strlen(body), post),
			 0);
	if (sid && !resp_cookie(post, "sid", sid, n))
		sid[0] = '\0';
	return post->status;
}

static void test_login_page(void **state)
{
	struct http_resp r;
	char h[256];
	(void)state;
	resp_init(&r);
	assert_int_equal(http_get(&srv, "/dang-nhap", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "<label for=\"username\">Tên đăng nhập</label>"));
	assert_non_null(strstr(r.body.ptr, "<label for=\"password\">Mật khẩu</label>"));
	assert_non_null(strstr(r.body.ptr, "autocomplete=\"current-password\""));
	assert_non_null(resp_hdr(&r, "Cache-Control", h, sizeof(h)));
	assert_string_equal(h, "no-store");
	resp_free(&r);
}

static void test_login_logout(void **state)
{
	struct http_resp r;
	char sid[128], cookie[300], h[300], csrf[128], body[200];
	(void)state;
	resp_init(&r);
	assert_int_equal(form_login(&srv, "quantri", DEMO_PASSWORD, sid, sizeof(sid), &r), 303);
	assert_non_null(resp_hdr(&r, "Location", h, sizeof(h)));
	assert_string_equal(h, "/quan-tri");
	/* a 256-bit token, HttpOnly and SameSite */
	assert_int_equal(strlen(sid), 43);
	assert_non_null(strstr(r.headers.ptr, "; HttpOnly; SameSite=Lax"));
	resp_free(&r);

	snprintf(cookie, sizeof(cookie), "Cookie: sid=%s", sid);
	resp_init(&r);
	assert_int_equal(
		http_req(&srv, "GET", "/quan-tri", (const char *const[]){ cookie, NULL }, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "Nguyễn Quản Trị"));
	assert_non_null(strstr(r.body.ptr, "Quận Thanh Xuân"));
	assert_non_null(resp_field(&r, "csrf", csrf, sizeof(csrf)));
	resp_free(&r);

	/* logging out without the form's token changes nothing */
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", "/dang-xuat",
				  (const char *const[]){
					  cookie, "Content-Type: application/x-www-form-urlencoded", NULL },
				  "csrf=wrong", 10, &r),
			 0);
	assert_int_equal(r.status, 403);
	resp_free(&r);
	resp_init(&r);
	assert_int_equal(
		http_req(&srv, "GET", "/quan-tri", (const char *const[]){ cookie, NULL }, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	resp_free(&r);

	/* with it: the session ends on the server */
	snprintf(body, sizeof(body), "csrf=%s", csrf);
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", "/dang-xuat",
				  (const char *const[]){
					  cookie, "Content-Type: application/x-www-form-urlencoded", NULL },
				  body, strlen(body), &r),
			 0);
	assert_int_equal(r.status, 303);
	resp_free(&r);
	resp_init(&r);
	assert_int_equal(
		http_req(&srv, "GET", "/quan-tri", (const char *const[]){ cookie, NULL }, NULL, 0, &r), 0);
	assert_int_equal(r.status, 303); /* back to the login page */
	assert_non_null(resp_hdr(&r, "Location", h, sizeof(h)));
	assert_string_equal(h, "/dang-nhap?next=/quan-tri");
	resp_free(&r);
}

/* Logging in ends the session the browser already had: a new token every time, the old one dead. */
static void test_login_replaces_session(void **state)
{
	static const char login[] = "{\"username\":\"motcua\",\"password\":\"" DEMO_PASSWORD "\"}";
	struct http_resp r;
	char sid[128], sid2[128], cookie[300];
	(void)state;
	resp_init(&r);
	assert_int_equal(form_login(&srv, "quantri", DEMO_PASSWORD, sid, sizeof(sid), &r), 303);
	resp_free(&r);
	snprintf(cookie, sizeof(cookie), "Cookie: sid=%s", sid);
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", "/api/v1/session",
				  (const char *const[]){ "Content-Type: application/json", cookie, NULL },
				  login, sizeof(login) - 1, &r),
			 0);
	assert_int_equal(r.status, 201);
	assert_non_null(resp_cookie(&r, "sid", sid2, sizeof(sid2)));
	assert_string_not_equal(sid, sid2);
	resp_free(&r);
	resp_init(&r);
	assert_int_equal(http_req(&srv, "GET", "/api/v1/session", (const char *const[]){ cookie, NULL }, NULL,
				  0, &r),
			 0);
	assert_int_equal(r.status, 401);
	resp_free(&r);
}

/* A second, planted sid cookie beside the real one: neither is trusted. */
static void test_duplicate_session_cookie(void **state)
{
	struct http_resp r;
	char sid[128], cookie[400];
	(void)state;
	resp_init(&r);
	assert_int_equal(form_login(&srv, "lanhdao", DEMO_PASSWORD, sid, sizeof(sid), &r), 303);
	resp_free(&r);
	snprintf(cookie, sizeof(cookie), "Cookie: sid=%s; sid=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		 sid);
	resp_init(&r);
	assert_int_equal(http_req(&srv, "GET", "/api/v1/session", (const char *const[]){ cookie, NULL }, NULL,
				  0, &r),
			 0);
	assert_int_equal(r.status, 401);
	resp_free(&r);
}

static void test_bad_password_and_form_token(void **state)
{
	struct http_resp r;
	char sid[128];
	(void)state;
	resp_init(&r);
	assert_int_equal(form_login(&srv, "lanhdao", "not-the-password", sid, sizeof(sid), &r), 401);
	assert_non_null(strstr(r.body.ptr, "Tên đăng nhập hoặc mật khẩu không đúng."));
	assert_string_equal(sid, "");
	resp_free(&r);
	/* a login form posted from elsewhere (no matching cookie) */
	resp_init(&r);
	{
		static const char forged[] = "csrf=x&username=lanhdao&password=" DEMO_PASSWORD;
		assert_int_equal(http_req(&srv, "POST", "/dang-nhap",
					  (const char *const[]){
						  "Content-Type: application/x-www-form-urlencoded", NULL },
					  forged, sizeof(forged) - 1, &r),
				 0);
	}
	assert_int_equal(r.status, 403);
	assert_null(strstr(r.headers.ptr, "sid="));
	resp_free(&r);
}

static void test_api_session(void **state)
{
	struct http_resp r;
	char sid[128], cookie[300], csrf_hdr[200], csrf[128];
	const char *p;
	const char good[] = "{\"username\":\"chuyenvien\",\"password\":\"" DEMO_PASSWORD "\"}";
	(void)state;
	resp_init(&r);
	assert_int_equal(http_req(&srv, "GET", "/api/v1/session", NULL, NULL, 0, &r), 0);
	assert_int_equal(r.status, 401);
	assert_non_null(strstr(r.body.ptr, "\"code\":\"login_required\""));
	resp_free(&r);

	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", "/api/v1/session",
				  (const char *const[]){ "Content-Type: application/json", NULL },
				  "{\"username\":\"chuyenvien\"}", 25, &r),
			 0);
	assert_int_equal(r.status, 400);
	resp_free(&r);

	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", "/api/v1/session",
				  (const char *const[]){ "Content-Type: application/json", NULL }, good,
				  sizeof(good) - 1, &r),
			 0);
	assert_int_equal(r.status, 201);
	assert_non_null(strstr(r.body.ptr, "\"username\":\"chuyenvien\""));
	assert_non_null(resp_cookie(&r, "sid", sid, sizeof(sid)));
	p = strstr(r.body.ptr, "\"csrf\":\"");
	assert_non_null(p);
	snprintf(csrf, sizeof(csrf), "%.*s", (int)strcspn(p + 8, "\""), p + 8);
	resp_free(&r);

	snprintf(cookie, sizeof(cookie), "Cookie: sid=%s", sid);
	snprintf(csrf_hdr, sizeof(csrf_hdr), "X-CSRF-Token: %s", csrf);
	resp_init(&r);
	assert_int_equal(http_req(&srv, "DELETE", "/api/v1/session", (const char *const[]){ cookie, NULL },
				  NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 403);
	resp_free(&r);
	resp_init(&r);
	assert_int_equal(http_req(&srv, "DELETE", "/api/v1/session",
				  (const char *const[]){ cookie, csrf_hdr, NULL }, NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	resp_init(&r);
	assert_int_equal(http_req(&srv, "GET", "/api/v1/session", (const char *const[]){ cookie, NULL }, NULL,
				  0, &r),
			 0);
	assert_int_equal(r.status, 401);
	resp_free(&r);
}

/* After 5 failures for one user name, even the right password waits (429), in every process. */
static void test_throttling(void **state)
{
	struct http_resp r;
	const char bad[] = "{\"username\":\"vanthu\",\"password\":\"wrong-password\"}";
	const char good[] = "{\"username\":\"vanthu\",\"password\":\"" DEMO_PASSWORD "\"}";
	char h[32];
	const char *const from_a[] = { "Content-Type: application/json", "X-Forwarded-For: 198.51.100.1",
				       NULL };
	const char *const from_b[] = { "Content-Type: application/json", "X-Forwarded-For: 198.51.100.2",
				       NULL };
	const char *const from_c[] = { "Content-Type: application/json", "X-Forwarded-For: 198.51.100.3",
				       NULL };
	(void)state;
	/* per account: five failures from different addresses, then even the right password waits */
	for (int i = 0; i < 5; i++) {
		resp_init(&r);
		assert_int_equal(http_req(&srv, "POST", "/api/v1/session", i % 2 ? from_a : from_b, bad,
					  sizeof(bad) - 1, &r),
				 0);
		assert_int_equal(r.status, 401);
		resp_free(&r);
	}
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", "/api/v1/session", from_c, good, sizeof(good) - 1, &r), 0);
	assert_int_equal(r.status, 429);
	assert_non_null(strstr(r.body.ptr, "\"code\":\"too_many_attempts\""));
	assert_non_null(resp_hdr(&r, "Retry-After", h, sizeof(h)));
	assert_string_equal(h, "900");
	resp_free(&r);
}

/* A wrong password sent by one of twelve threads at once, each from its own address. */
struct burst {
	int n;
	long status;
};

static void *burst_one(void *arg)
{
	struct burst *b = arg;
	const char bad[] = "{\"username\":\"thuphi\",\"password\":\"wrong-password\"}";
	char from[64];
	struct http_resp r;
	snprintf(from, sizeof(from), "X-Forwarded-For: 203.0.113.%d", 10 + b->n);
	resp_init(&r);
	if (!http_req(&srv, "POST", "/api/v1/session",
		      (const char *const[]){ "Content-Type: application/json", from, NULL }, bad,
		      sizeof(bad) - 1, &r))
		b->status = r.status;
	resp_free(&r);
	return NULL;
}

/* Attempts sent at once are throttled like attempts sent one after another: five get an answer, the rest
 * wait. */
static void test_throttling_burst(void **state)
{
	pthread_t t[12];
	struct burst b[12];
	int wrong = 0, waits = 0;
	(void)state;
	for (int i = 0; i < 12; i++) {
		b[i].n = i;
		b[i].status = 0;
		assert_int_equal(pthread_create(&t[i], NULL, burst_one, &b[i]), 0);
	}
	for (int i = 0; i < 12; i++) {
		pthread_join(t[i], NULL);
		wrong += b[i].status == 401;
		waits += b[i].status == 429;
	}
	assert_int_equal(wrong, 5);
	assert_int_equal(waits, 7);
}

/* Per client address: five failures on different accounts from one address stop that address only. */
static void test_throttling_per_address(void **state)
{
	static const char *const users[] = { "u1", "u2", "u3", "u4", "u5" };
	static const char good[] = "{\"username\":\"bientap\",\"password\":\"" DEMO_PASSWORD "\"}";
	const char *const from_d[] = { "Content-Type: application/json", "X-Forwarded-For: 203.0.113.4",
				       NULL };
	const char *const from_e[] = { "Content-Type: application/json", "X-Forwarded-For: 203.0.113.5",
				       NULL };
	struct http_resp r;
	char body[128];
	(void)state;
	for (int i = 0; i < 5; i++) {
		snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"wrong-password\"}",
			 users[i]);
		resp_init(&r);
		assert_int_equal(http_req(&srv, "POST", "/api/v1/session", from_d, body, strlen(body), &r),
				 0);
		assert_int_equal(r.status, 401);
		resp_free(&r);
	}
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", "/api/v1/session", from_d, good, sizeof(good) - 1, &r), 0);
	assert_int_equal(r.status, 429);
	resp_free(&r);
	/* the same account from elsewhere is not locked out */
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", "/api/v1/session", from_e, good, sizeof(good) - 1, &r), 0);
	assert_int_equal(r.status, 201);
	resp_free(&r);
}

/* Run a command; its exit status, and its output into out. */
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

/* An administrator adds staff from the command line; the new account can log in at once. */
static void test_cli_user_add(void **state)
{
	char cmd[1400], out[1024], sid[128];
	struct http_resp r;
	(void)state;
	/* a common password is refused, in Vietnamese */
	snprintf(cmd, sizeof(cmd),
		 "MOTCUA_PASSWORD='Password2024!' '%s' user add tiepnhan.kimgiang --name 'Ngô Thị Giang' "
		 "--unit 100.11.15.H26 --role onestop_clerk --db '%s' 2>&1",
		 MOTCUA_BIN, srv.db);
	assert_int_equal(run(cmd, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "Mật khẩu này quá phổ biến"));
	/* an unknown unit */
	snprintf(
		cmd, sizeof(cmd),
		"MOTCUA_PASSWORD='Kim-Giang-Mot-Cua-7' '%s' user add tiepnhan.kimgiang --name 'Ngô Thị Giang' "
		"--unit 999.99.99.H26 --db '%s' 2>&1",
		MOTCUA_BIN, srv.db);
	assert_int_equal(run(cmd, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "no unit with agency code"));
	/* an unknown role */
	snprintf(
		cmd, sizeof(cmd),
		"MOTCUA_PASSWORD='Kim-Giang-Mot-Cua-7' '%s' user add tiepnhan.kimgiang --name 'Ngô Thị Giang' "
		"--unit 100.11.15.H26 --role mayor --db '%s' 2>&1",
		MOTCUA_BIN, srv.db);
	assert_int_equal(run(cmd, out, sizeof(out)), 2);
	/* the good one, then the same name again */
	snprintf(
		cmd, sizeof(cmd),
		"MOTCUA_PASSWORD='Kim-Giang-Mot-Cua-7' '%s' user add tiepnhan.kimgiang --name 'Ngô Thị Giang' "
		"--position 'Công chức một cửa' --unit 100.11.15.H26 --role onestop_clerk --db '%s' 2>&1",
		MOTCUA_BIN, srv.db);
	assert_int_equal(run(cmd, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "staff account 'tiepnhan.kimgiang' created"));
	assert_int_equal(run(cmd, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "is taken"));

	resp_init(&r);
	assert_int_equal(form_login(&srv, "tiepnhan.kimgiang", "Kim-Giang-Mot-Cua-7", sid, sizeof(sid), &r),
			 303);
	resp_free(&r);
	snprintf(cmd, sizeof(cmd), "Cookie: sid=%s", sid);
	resp_init(&r);
	assert_int_equal(http_req(&srv, "GET", "/quan-tri", (const char *const[]){ cmd, NULL }, NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "Ngô Thị Giang"));
	assert_non_null(strstr(r.body.ptr, "Bộ phận Một cửa phường Kim Giang"));
	resp_free(&r);

	/* a new password (from standard input) ends the running session and replaces the old one */
	{
		char c2[1400];
		snprintf(
			c2, sizeof(c2),
			"printf 'Giang-Doi-Mat-Khau-8\\n' | '%s' user passwd tiepnhan.kimgiang --password-stdin --db '%s' 2>&1",
			MOTCUA_BIN, srv.db);
		assert_int_equal(run(c2, out, sizeof(out)), 0);
	}
	resp_init(&r);
	assert_int_equal(http_req(&srv, "GET", "/quan-tri", (const char *const[]){ cmd, NULL }, NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 303);
	resp_free(&r);
	resp_init(&r);
	assert_int_equal(form_login(&srv, "tiepnhan.kimgiang", "Kim-Giang-Mot-Cua-7", sid, sizeof(sid), &r),
			 401);
	resp_free(&r);
	resp_init(&r);
	assert_int_equal(form_login(&srv, "tiepnhan.kimgiang", "Giang-Doi-Mat-Khau-8", sid, sizeof(sid), &r),
			 303);
	resp_free(&r);
	/* disabled: the session ends and logging in no longer works */
	{
		char c3[1200];
		snprintf(c3, sizeof(c3), "'%s' user disable tiepnhan.kimgiang --db '%s' 2>&1", MOTCUA_BIN,
			 srv.db);
		assert_int_equal(run(c3, out, sizeof(out)), 0);
		snprintf(c3, sizeof(c3), "'%s' user disable khong.co.ai --db '%s' 2>&1", MOTCUA_BIN, srv.db);
		assert_int_equal(run(c3, out, sizeof(out)), 1);
	}
	resp_init(&r);
	assert_int_equal(form_login(&srv, "tiepnhan.kimgiang", "Giang-Doi-Mat-Khau-8", sid, sizeof(sid), &r),
			 401);
	resp_free(&r);
}

/* An integration's API token: created once on the command line, sent as Bearer, no CSRF, revocable. */
static void test_api_token(void **state)
{
	char cmd[1400], out[1024], auth[200];
	const char *tok;
	long id;
	struct http_resp r;
	(void)state;
	/* a scope must be an action of the permission table */
	snprintf(cmd, sizeof(cmd), "'%s' token create chuyenvien --scope dossier.read --db '%s' 2>&1",
		 MOTCUA_BIN, srv.db);
	assert_int_equal(run(cmd, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "--scope"));
	snprintf(cmd, sizeof(cmd), "'%s' token create chuyenvien --db '%s' 2>&1", MOTCUA_BIN, srv.db);
	assert_int_equal(run(cmd, out, sizeof(out)), 0);
	assert_int_equal(sscanf(out, "token %ld", &id), 1);
	tok = strstr(out, "mct_");
	assert_non_null(tok);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %.*s", (int)strcspn(tok, "\n"), tok);

	resp_init(&r);
	assert_int_equal(http_req(&srv, "GET", "/api/v1/session", (const char *const[]){ auth, NULL }, NULL,
				  0, &r),
			 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "\"username\":\"chuyenvien\""));
	resp_free(&r);
	/* a change with the token needs no CSRF token (no cookie involved): here it is refused for what it is
	 */
	resp_init(&r);
	assert_int_equal(http_req(&srv, "DELETE", "/api/v1/session", (const char *const[]){ auth, NULL },
				  NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body.ptr, "\"code\":\"not_a_session\""));
	resp_free(&r);
	/* a wrong token */
	resp_init(&r);
	assert_int_equal(
		http_req(&srv, "GET", "/api/v1/session",
			 (const char *const[]){
				 "Authorization: Bearer mct_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
				 NULL },
			 NULL, 0, &r),
		0);
	assert_int_equal(r.status, 401);
	resp_free(&r);
	/* revoked: stops at once */
	snprintf(cmd, sizeof(cmd), "'%s' token revoke %ld --db '%s' 2>&1", MOTCUA_BIN, id, srv.db);
	assert_int_equal(run(cmd, out, sizeof(out)), 0);
	resp_init(&r);
	assert_int_equal(http_req(&srv, "GET", "/api/v1/session", (const char *const[]){ auth, NULL }, NULL,
				  0, &r),
			 0);
	assert_int_equal(r.status, 401);
	resp_free(&r);
	assert_int_equal(run(cmd, out, sizeof(out)), 1);
}

/* "GET /api/v1/permissions?action=…&unit=…" with `auth`: the "allowed" answer (1/0), -1 on another status. */
static int allowed(const char *auth, const char *action, int64_t unit)
{
	struct http_resp r;
	char path[200];
	int rc = -1;
	snprintf(path, sizeof(path), "/api/v1/permissions?action=%s&unit=%lld", action, (long long)unit);
	resp_init(&r);
	assert_int_equal(http_req(&srv, "GET", path, (const char *const[]){ auth, NULL }, NULL, 0, &r), 0);
	if (r.status == 200)
		rc = strstr(r.body.ptr, "\"allowed\":true") ? 1 : 0;
	resp_free(&r);
	return rc;
}

/* A token with scopes may do only those actions, and only where its account may. */
static void test_token_scopes(void **state)
{
	char cmd[1400], out[1024], auth[200];
	const char *tok;
	int64_t ward = 0, other = 0;
	struct ts_user chair;
	(void)state;
	{
		char *err = NULL;
		struct db *db = db_open(srv.db, &err);
		struct db_stmt *st;
		assert_non_null(db);
		assert_int_equal(db_query(db, &st, "SELECT id FROM units WHERE agency_code = ?", "s",
					  "000.01.15.H26"),
				 DB_ROW);
		ward = db_col_int(st, 0);
		db_release_statements(db);
		assert_int_equal(db_query(db, &st, "SELECT id FROM units WHERE agency_code = ?", "s",
					  "000.02.15.H26"),
				 DB_ROW);
		other = db_col_int(st, 0);
		db_release_statements(db);
		db_close(db);
	}
	/* the ward chairman himself may read and make delegations at his ward */
	assert_int_equal(ts_login(&srv, "chutich.nhanchinh", DEMO_PASSWORD, &chair), 201);
	assert_int_equal(allowed(chair.cookie, "delegation.read", ward), 1);
	assert_int_equal(allowed(chair.cookie, "delegation.create", ward), 1);
	assert_int_equal(allowed(chair.cookie, "delegation.create", other), 0);

	snprintf(cmd, sizeof(cmd),
		 "'%s' token create chutich.nhanchinh --scope delegation.read --db '%s' 2>&1", MOTCUA_BIN,
		 srv.db);
	assert_int_equal(run(cmd, out, sizeof(out)), 0);
	tok = strstr(out, "mct_");
	assert_non_null(tok);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %.*s", (int)strcspn(tok, "\n"), tok);
	assert_int_equal(allowed(auth, "delegation.read", ward), 1);
	/* outside the token's scopes, though the account may */
	assert_int_equal(allowed(auth, "delegation.create", ward), 0);
	/* inside them, but not where the account may not */
	assert_int_equal(allowed(auth, "delegation.read", other), 0);
	/* an unknown action is a bad request, not a "no" */
	assert_int_equal(allowed(auth, "everything", ward), -1);
}

/* Over TLS (the trusted proxy says so): a Secure cookie and Strict-Transport-Security; neither over plain
 * HTTP. */
static void test_tls_headers(void **state)
{
	const char body[] = "{\"username\":\"chuyenvien\",\"password\":\"" DEMO_PASSWORD "\"}";
	struct http_resp r;
	char h[300];
	(void)state;
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", "/api/v1/session",
				  (const char *const[]){ "Content-Type: application/json",
							 "X-Forwarded-Proto: https", NULL },
				  body, sizeof(body) - 1, &r),
			 0);
	assert_int_equal(r.status, 201);
	assert_non_null(resp_hdr(&r, "Set-Cookie", h, sizeof(h)));
	assert_non_null(strstr(h, "; Secure"));
	assert_non_null(strstr(h, "HttpOnly"));
	assert_non_null(resp_hdr(&r, "Strict-Transport-Security", h, sizeof(h)));
	assert_string_equal(h, "max-age=31536000");
	resp_free(&r);
	/* the same static file, over TLS and not: each with its own headers */
	for (int i = 0; i < 4; i++) {
		resp_init(&r);
		assert_int_equal(http_req(&srv, "GET", "/robots.txt",
					  (const char *const[]){
						  i % 2 ? "X-Forwarded-Proto: https" : "X-No: 1", NULL },
					  NULL, 0, &r),
				 0);
		assert_int_equal(r.status, 200);
		if (i % 2)
			assert_non_null(resp_hdr(&r, "Strict-Transport-Security", h, sizeof(h)));
		else
			assert_null(resp_hdr(&r, "Strict-Transport-Security", h, sizeof(h)));
		resp_free(&r);
	}
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", "/api/v1/session",
				  (const char *const[]){ "Content-Type: application/json", NULL }, body,
				  sizeof(body) - 1, &r),
			 0);
	assert_int_equal(r.status, 201);
	assert_non_null(resp_hdr(&r, "Set-Cookie", h, sizeof(h)));
	assert_null(strstr(h, "Secure"));
	assert_null(resp_hdr(&r, "Strict-Transport-Security", h, sizeof(h)));
	resp_free(&r);
}

/* The audit rows of logins: who (account), the client as a keyed hash (never the address), an intact chain.
 */
static void test_audit_rows(void **state)
{
	char *err = NULL;
	struct db *db = db_open(srv.db, &err);
	struct db_stmt *st;
	int rc, failed = 0, ok = 0;
	(void)state;
	assert_non_null(db);
	for (rc = db_query(db, &st,
			   "SELECT action, object, client, actor FROM audit_log WHERE action LIKE 'session.%'",
			   NULL);
	     rc == DB_ROW; rc = db_step(st)) {
		const char *action = db_col_text(st, 0), *object = db_col_text(st, 1),
			   *client = db_col_text(st, 2);
		assert_int_equal(strlen(client), 32);
		assert_int_equal(strspn(client, "0123456789abcdef"), 32);
		assert_null(strstr(client, "127.0.0.1"));
		if (!strcmp(action, "session.login_failed")) {
			/* a known name's failure names the account; the name typed is never stored */
			if (!strncmp(object, "account:", 8))
				failed++;
			assert_string_equal(db_col_text(st, 3), "anonymous");
		} else if (!strcmp(action, "session.login")) {
			ok++;
		}
	}
	assert_int_equal(rc, DB_DONE);
	assert_true(failed >= 1);
	assert_true(ok >= 1);
	db_close(db);
	{
		char cmd[1200], out[256];
		snprintf(cmd, sizeof(cmd), "'%s' audit verify --db '%s' 2>&1", MOTCUA_BIN, srv.db);
		assert_int_equal(run(cmd, out, sizeof(out)), 0);
		assert_non_null(strstr(out, "audit chain intact"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login_page),
		cmocka_unit_test(test_login_logout),
		cmocka_unit_test(test_bad_password_and_form_token),
		cmocka_unit_test(test_duplicate_session_cookie),
		cmocka_unit_test(test_login_replaces_session),
		cmocka_unit_test(test_api_session),
		cmocka_unit_test(test_throttling),
		cmocka_unit_test(test_throttling_burst),
		cmocka_unit_test(test_throttling_per_address),
		cmocka_unit_test(test_cli_user_add),
		cmocka_unit_test(test_api_token),
		cmocka_unit_test(test_token_scopes),
		cmocka_unit_test(test_tls_headers),
		cmocka_unit_test(test_audit_rows),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
