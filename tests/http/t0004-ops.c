/* t0004-ops: health, metrics, graceful shutdown, backup while serving, the command line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "harness.h"
#include "testdb.h"

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Run a shell command; its exit status, and its output into out (may be NULL). */
static int run(const char *cmd, struct buf *out)
{
	char chunk[4096];
	size_t n;
	int st;
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		if (out)
			buf_add(out, chunk, n);
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_healthz(void **state)
{
	struct test_server s;
	struct http_resp r;
	char h[128], cmd[1024];
	(void)state;
	assert_int_equal(ts_start(&s, NULL, NULL), 0);
	resp_init(&r);
	assert_int_equal(http_get(&s, "/healthz", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "\"database\":\"ok\""));
	assert_non_null(resp_hdr(&r, "Cache-Control", h, sizeof(h)));
	assert_string_equal(h, "no-store");
	resp_free(&r);

	/* the database loses motcua's schema (wiped by another program): 503 */
	if (ts_backend_is_pg()) {
		assert_int_equal(testdb_pg_exec(s.db, "DROP TABLE schema_version"), 0);
	} else {
		snprintf(cmd, sizeof(cmd), "sqlite3 '%s' 'DROP TABLE schema_version'", s.db);
		assert_int_equal(run(cmd, NULL), 0);
	}
	for (int i = 0; i < 4; i++) { /* each worker thread's connection */
		resp_init(&r);
		assert_int_equal(http_get(&s, "/healthz", &r), 0);
		assert_int_equal(r.status, 503);
		assert_non_null(strstr(r.body.ptr, "\"database\":\"unreachable\""));
		resp_free(&r);
	}
	assert_int_equal(ts_stop(&s), 0);
}

static void test_metrics(void **state)
{
	struct test_server s;
	struct http_resp r;
	char h[128];
	(void)state;
	assert_int_equal(ts_start(&s, NULL, NULL), 0);
	for (int i = 0; i < 3; i++) {
		resp_init(&r);
		http_get(&s, "/khong-co", &r);
		resp_free(&r);
	}
	resp_init(&r);
	assert_int_equal(http_get(&s, "/metrics", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(resp_hdr(&r, "Content-Type", h, sizeof(h)));
	assert_non_null(strstr(h, "text/plain; version=0.0.4"));
	assert_non_null(strstr(r.body.ptr, "# TYPE motcua_http_requests_total counter"));
	assert_non_null(strstr(r.body.ptr, "motcua_http_requests_total{class=\"4xx\"} 3\n"));
	assert_non_null(strstr(r.body.ptr, "# TYPE motcua_http_request_duration_seconds histogram"));
	assert_non_null(strstr(r.body.ptr, "motcua_http_request_duration_seconds_bucket{le=\"+Inf\"}"));
	assert_non_null(strstr(r.body.ptr, "motcua_db_errors_total "));
	assert_non_null(strstr(r.body.ptr, "motcua_uptime_seconds "));
	assert_non_null(strstr(r.body.ptr, "motcua_build_info{version=\""));
	resp_free(&r);
	assert_int_equal(ts_stop(&s), 0);
}

/* SIGTERM while a request is half sent: it is answered in full, then the server exits 0. */
static void test_graceful_shutdown(void **state)
{
	struct test_server s;
	struct buf out = BUF_INIT;
	int fd;
	char path[512];
	(void)state;
	assert_int_equal(ts_start(&s, NULL, NULL), 0);
	fd = ts_connect(&s);
	assert_true(fd >= 0);
	assert_true(send(fd, "GET / HTTP/1.1\r\nHost: x\r\n", 25, MSG_NOSIGNAL) == 25);
	sleep_ms(200);
	kill(s.pid, SIGTERM);
	sleep_ms(300);
	/* no longer accepting new connections */
	assert_true(ts_connect(&s) < 0);
	assert_true(send(fd, "Connection: close\r\n\r\n", 21, MSG_NOSIGNAL) == 21);
	read_until_close(fd, &out, 5000);
	close(fd);
	assert_true(out.len > 0);
	assert_memory_equal(out.ptr, "HTTP/1.1 200", 12);
	assert_non_null(strstr(out.ptr, "</html>"));
	buf_release(&out);
	/* exit 0 and a log line saying the database was closed */
	snprintf(path, sizeof(path), "%s", s.log);
	assert_int_equal(ts_wait_exit(&s, 5000), 0);
	{
		struct buf log = BUF_INIT;
		char cmd[600];
		snprintf(cmd, sizeof(cmd), "cat '%s'", path);
		run(cmd, &log);
		assert_non_null(strstr(log.ptr, "event=shutdown"));
		assert_non_null(strstr(log.ptr, "event=stopped"));
		buf_release(&log);
	}
	ts_stop(&s);
}

/* A second SIGTERM while stopping changes nothing: requests finish, exit 0. */
static void test_second_signal(void **state)
{
	struct test_server s;
	struct buf out = BUF_INIT;
	int fd;
	(void)state;
	assert_int_equal(ts_start(&s, NULL, NULL), 0);
	fd = ts_connect(&s);
	assert_true(fd >= 0);
	assert_true(send(fd, "GET / HTTP/1.1\r\nHost: x\r\n", 25, MSG_NOSIGNAL) == 25);
	sleep_ms(200);
	kill(s.pid, SIGTERM);
	sleep_ms(200);
	kill(s.pid, SIGTERM);
	kill(s.pid, SIGINT);
	sleep_ms(200);
	assert_true(send(fd, "Connection: close\r\n\r\n", 21, MSG_NOSIGNAL) == 21);
	read_until_close(fd, &out, 5000);
	close(fd);
	assert_true(out.len > 12);
	assert_memory_equal(out.ptr, "HTTP/1.1 200", 12);
	buf_release(&out);
	assert_int_equal(ts_wait_exit(&s, 5000), 0);
	ts_stop(&s);
}

/*
 * `motcua backup` copies an SQLite database to a file. A PostgreSQL database
 * is backed up with pg_basebackup and WAL archiving (docs/deploy.md): the
 * command refuses, saying so, and writes nothing.
 */
static void test_backup_postgres_refused(void)
{
	struct test_server s;
	struct buf out = BUF_INIT;
	char cmd[1400], dest[400];
	assert_int_equal(ts_start(&s, NULL, NULL), 0);
	snprintf(dest, sizeof(dest), "%s/backup.db", s.dir);
	snprintf(cmd, sizeof(cmd), "'%s' backup --db '%s' '%s' 2>&1", MOTCUA_BIN, s.db, dest);
	assert_int_not_equal(run(cmd, &out), 0);
	assert_null(strstr(out.ptr, "backup written"));
	assert_non_null(strstr(out.ptr, "PostgreSQL"));
	assert_non_null(strstr(out.ptr, "pg_basebackup"));
	assert_int_equal(access(dest, F_OK), -1);
	buf_release(&out);
	assert_int_equal(ts_stop(&s), 0);
}

static void test_backup_while_serving(void **state)
{
	struct test_server s;
	struct buf out = BUF_INIT;
	char cmd[1400], dest[400];
	sqlite3 *db;
	sqlite3_stmt *st;
	(void)state;
	if (ts_backend_is_pg()) {
		test_backup_postgres_refused();
		return;
	}
	assert_int_equal(ts_start(&s, NULL, NULL), 0);
	snprintf(dest, sizeof(dest), "%s/backup.db", s.dir);
	snprintf(cmd, sizeof(cmd), "'%s' backup --db '%s' '%s' 2>&1", MOTCUA_BIN, s.db, dest);
	assert_int_equal(run(cmd, &out), 0);
	assert_non_null(strstr(out.ptr, "backup written"));
	/* the copy is a database at the same schema version */
	assert_int_equal(sqlite3_open_v2(dest, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT MAX(version) FROM schema_version", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_true(sqlite3_column_int(st, 0) >= 1);
	sqlite3_finalize(st);
	sqlite3_close(db);
	/* refuses to overwrite */
	buf_reset(&out);
	assert_int_equal(run(cmd, &out), 2);
	buf_release(&out);
	assert_int_equal(ts_stop(&s), 0);
}

static void test_cli(void **state)
{
	struct buf out = BUF_INIT;
	char cmd[1024];
	(void)state;
	snprintf(cmd, sizeof(cmd), "'%s' help 2>&1", MOTCUA_BIN);
	assert_int_equal(run(cmd, &out), 0);
	assert_non_null(strstr(out.ptr, "serve"));
	assert_non_null(strstr(out.ptr, "Exit codes"));
	buf_reset(&out);
	snprintf(cmd, sizeof(cmd), "'%s' serve --help 2>&1", MOTCUA_BIN);
	assert_int_equal(run(cmd, &out), 0);
	assert_non_null(strstr(out.ptr, "--listen HOST:PORT"));
	buf_reset(&out);
	snprintf(cmd, sizeof(cmd), "'%s' help migrate 2>&1", MOTCUA_BIN);
	assert_int_equal(run(cmd, &out), 0);
	assert_non_null(strstr(out.ptr, "--db PATH"));
	buf_reset(&out);
	snprintf(cmd, sizeof(cmd), "'%s' version 2>&1", MOTCUA_BIN);
	assert_int_equal(run(cmd, &out), 0);
	assert_non_null(strstr(out.ptr, "motcua "));
	buf_reset(&out);
	snprintf(cmd, sizeof(cmd), "'%s' frobnicate 2>&1", MOTCUA_BIN);
	assert_int_equal(run(cmd, &out), 2);
	assert_non_null(strstr(out.ptr, "unknown command 'frobnicate'"));
	buf_reset(&out);
	snprintf(cmd, sizeof(cmd), "'%s' serve --threads zero 2>&1", MOTCUA_BIN);
	assert_int_equal(run(cmd, &out), 2);
	buf_reset(&out);
	snprintf(
		cmd, sizeof(cmd),
		"MOTCUA_LISTEN=nonsense '%s' serve --db /tmp/motcua-t0004-$$.db --data /tmp/motcua-t0004-$$ 2>&1; "
		"rc=$?; rm -rf /tmp/motcua-t0004-$$*; exit $rc",
		MOTCUA_BIN);
	assert_int_equal(run(cmd, &out), 2);
	buf_release(&out);
}

/* The same on PostgreSQL: two new databases, and one that does not exist on the server. */
static void test_migrate_and_demo_postgres(void)
{
	struct buf out = BUF_INIT;
	char a[320], b[320], missing[320], cmd[1400];
	assert_int_equal(testdb_pg_create(a, sizeof(a)), 0);
	assert_int_equal(testdb_pg_create(b, sizeof(b)), 0);
	snprintf(cmd, sizeof(cmd), "'%s' migrate --db '%s' 2>&1", MOTCUA_BIN, a);
	assert_int_equal(run(cmd, &out), 0);
	assert_non_null(strstr(out.ptr, "applied"));
	buf_reset(&out);
	/* again: nothing to apply */
	assert_int_equal(run(cmd, &out), 0);
	assert_null(strstr(out.ptr, "applied"));
	buf_reset(&out);
	snprintf(cmd, sizeof(cmd), "MOTCUA_DB='%s' '%s' demo 2>&1", b, MOTCUA_BIN);
	assert_int_equal(run(cmd, &out), 0);
	assert_non_null(strstr(out.ptr, "demo database ready"));
	buf_reset(&out);
	/* the server answers, the database is not there */
	snprintf(missing, sizeof(missing), "%s", a);
	snprintf(strrchr(missing, '/'), sizeof(missing) - (size_t)(strrchr(missing, '/') - missing),
		 "/no_such_db");
	snprintf(cmd, sizeof(cmd), "'%s' migrate --db '%s' 2>&1", MOTCUA_BIN, missing);
	assert_int_equal(run(cmd, &out), 3);
	buf_release(&out);
	assert_int_equal(testdb_pg_drop(a), 0);
	assert_int_equal(testdb_pg_drop(b), 0);
}

/* migrate and demo on a new database; a database that cannot be opened exits 3. */
static void test_migrate_and_demo(void **state)
{
	struct buf out = BUF_INIT;
	char dir[] = "/tmp/motcua-mig-XXXXXX";
	char cmd[1024];
	(void)state;
	if (ts_backend_is_pg()) {
		test_migrate_and_demo_postgres();
		return;
	}
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "'%s' migrate --db '%s/a.db' 2>&1", MOTCUA_BIN, dir);
	assert_int_equal(run(cmd, &out), 0);
	assert_non_null(strstr(out.ptr, "applied"));
	buf_reset(&out);
	/* again: nothing to apply */
	assert_int_equal(run(cmd, &out), 0);
	assert_null(strstr(out.ptr, "applied"));
	buf_reset(&out);
	snprintf(cmd, sizeof(cmd), "MOTCUA_DB='%s/b.db' '%s' demo 2>&1", dir, MOTCUA_BIN);
	assert_int_equal(run(cmd, &out), 0);
	assert_non_null(strstr(out.ptr, "demo database ready"));
	buf_reset(&out);
	snprintf(cmd, sizeof(cmd), "'%s' migrate --db '%s/no/such/dir/c.db' 2>&1", MOTCUA_BIN, dir);
	assert_int_equal(run(cmd, &out), 3);
	buf_release(&out);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	run(cmd, NULL);
}

/* The same on PostgreSQL, the conflicting table made through libpq. */
static void test_failed_migration_refuses_start_postgres(void)
{
	struct test_server s;
	struct buf out = BUF_INIT;
	char cmd[1400];
	long long n = -1;
	assert_int_equal(ts_init(&s), 0);
	assert_int_equal(testdb_pg_exec(s.db, "CREATE TABLE counters (x INTEGER)"), 0);
	snprintf(cmd, sizeof(cmd), "'%s' serve --db '%s' --data '%s/data' --listen 127.0.0.1:0 2>&1",
		 MOTCUA_BIN, s.db, s.dir);
	assert_int_equal(run(cmd, &out), 3);
	assert_non_null(strstr(out.ptr, "migration 0001_init.sql failed"));
	buf_release(&out);
	/* nothing of it was kept */
	assert_int_equal(
		testdb_pg_scalar(s.db,
				 "SELECT count(*) FROM information_schema.tables"
				 " WHERE table_schema = current_schema() AND table_name = 'settings'",
				 &n),
		0);
	assert_int_equal(n, 0);
	ts_stop(&s);
}

/* A migration that fails is rolled back and the server refuses to start, naming it. */
static void test_failed_migration_refuses_start(void **state)
{
	struct buf out = BUF_INIT;
	char dir[] = "/tmp/motcua-mig-XXXXXX";
	char cmd[1400];
	(void)state;
	if (ts_backend_is_pg()) {
		test_failed_migration_refuses_start_postgres();
		return;
	}
	assert_non_null(mkdtemp(dir));
	/* a database that already has a table the first migration creates */
	snprintf(cmd, sizeof(cmd),
		 "sqlite3 '%s/x.db' 'CREATE TABLE counters (x INTEGER)' && "
		 "'%s' serve --db '%s/x.db' --data '%s/data' --listen 127.0.0.1:0 2>&1",
		 dir, MOTCUA_BIN, dir, dir);
	assert_int_equal(run(cmd, &out), 3);
	assert_non_null(strstr(out.ptr, "migration 0001_init.sql failed"));
	buf_reset(&out);
	/* nothing of it was kept */
	snprintf(cmd, sizeof(cmd),
		 "sqlite3 '%s/x.db' \"SELECT count(*) FROM sqlite_master WHERE name='settings'\"", dir);
	assert_int_equal(run(cmd, &out), 0);
	assert_int_equal(strtol(out.ptr, NULL, 10), 0);
	buf_release(&out);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	run(cmd, NULL);
}

static void test_site_name_from_demo(void **state)
{
	struct test_server s;
	struct http_resp r;
	char cmd[1024];
	(void)state;
	/* the demo database names the district; the server reads it from there */
	assert_int_equal(ts_init(&s), 0);
	snprintf(cmd, sizeof(cmd), "'%s' demo --db '%s' >/dev/null 2>&1", MOTCUA_BIN, s.db);
	assert_int_equal(run(cmd, NULL), 0);
	assert_int_equal(ts_launch(&s, NULL, NULL), 0);
	resp_init(&r);
	assert_int_equal(http_get(&s, "/", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "<span class=\"brand-name\">UBND quận Thanh Xuân</span>"));
	resp_free(&r);
	assert_int_equal(ts_stop(&s), 0);
}

/* --dev reads the templates from disk on every request: an edit shows at once. */
static void test_dev_templates(void **state)
{
	struct test_server s;
	struct http_resp r;
	char dir[400], cmd[1400];
	(void)state;
	assert_int_equal(ts_init(&s), 0);
	snprintf(dir, sizeof(dir), "%s/templates", s.dir);
	snprintf(cmd, sizeof(cmd), "cp -r '%s/templates' '%s'", SOURCE_ROOT, dir);
	assert_int_equal(run(cmd, NULL), 0);
	assert_int_equal(ts_launch(&s, NULL, (const char *const[]){ "--dev", "--templates", dir, NULL }), 0);
	resp_init(&r);
	assert_int_equal(http_get(&s, "/", &r), 0);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body.ptr, "Bản thử nghiệm"));
	resp_free(&r);
	snprintf(cmd, sizeof(cmd), "sed -i 's|<h1 id=\"hero-title\">|&Bản thử nghiệm |' '%s/home.mustache'",
		 dir);
	assert_int_equal(run(cmd, NULL), 0);
	resp_init(&r);
	assert_int_equal(http_get(&s, "/", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "Bản thử nghiệm"));
	resp_free(&r);
	assert_int_equal(ts_stop(&s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthz),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_graceful_shutdown),
		cmocka_unit_test(test_second_signal),
		cmocka_unit_test(test_backup_while_serving),
		cmocka_unit_test(test_cli),
		cmocka_unit_test(test_migrate_and_demo),
		cmocka_unit_test(test_failed_migration_refuses_start),
		cmocka_unit_test(test_site_name_from_demo),
		cmocka_unit_test(test_dev_templates),
	};
	curl_global_init(CURL_GLOBAL_DEFAULT);
	cmocka_set_message_output(CM_OUTPUT_TAP);
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
