/* harness.h: start a real server on a free loopback port with a fresh database, talk HTTP to it. */
#ifndef TESTS_HARNESS_H
#define TESTS_HARNESS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "core/buf.h"

struct test_server {
	pid_t pid;
	unsigned port;
	char dir[256]; /* temporary folder: database (SQLite), data, log */
	char db[320];  /* the --db argument: a file in dir, or a PostgreSQL URL */
	int db_pg;     /* db is a database of its own on the test PostgreSQL: dropped by ts_stop */
	int peer;      /* shares another server's folder and database: ts_stop leaves them */
	char log[320];
	char base[64]; /* "http://127.0.0.1:PORT" */
};

/*
 * Start `motcua serve` (or another program given by `bin`, NULL = motcua)
 * with --db and --data in a new temporary folder, on a free port, plus
 * `extra` arguments (NULL-terminated, may be NULL; an argument "@BASE@" becomes
 * the server's own "http://127.0.0.1:PORT"). Waits until /healthz answers.
 * Returns 0 or -1.
 */
int ts_start(struct test_server *s, const char *bin, const char *const *extra);
/*
 * ts_start in two steps: make the folder and name the database (to prepare
 * it), then launch. The database is a file in the folder, or with
 * MOTCUA_TEST_BACKEND=pg a new empty database on MOTCUA_TEST_PG_URL.
 */
int ts_init(struct test_server *s);
int ts_launch(struct test_server *s, const char *bin, const char *const *extra);
/*
 * SIGTERM, wait up to 15 s; returns the exit status (or -1). Removes the
 * folder and, on PostgreSQL, drops the database once the server has stopped.
 */
int ts_stop(struct test_server *s);
/*
 * A second server on the same database and data folder as `first` (its own
 * port and log), as several `motcua serve` behind a load balancer. Stop it
 * before `first`. Returns 0 or -1.
 */
int ts_start_peer(struct test_server *peer, const struct test_server *first, const char *const *extra);
/* 1 when the servers run on PostgreSQL (MOTCUA_TEST_BACKEND=pg), 0 on SQLite. */
int ts_backend_is_pg(void);
/* Print the server's log to stderr (after a failure). */
void ts_dump_log(const struct test_server *s);

struct http_resp {
	long status;
	struct buf headers; /* raw header block */
	struct buf body;
};

void resp_init(struct http_resp *r);
void resp_free(struct http_resp *r);
/* The value of cookie `name` set by the response (Set-Cookie) into out ("" when cleared); NULL when not set.
 */
const char *resp_cookie(const struct http_resp *r, const char *name, char *out, size_t n);
/* The value="…" of the form input `name` in the page; NULL when there is none. */
const char *resp_field(const struct http_resp *r, const char *name, char *out, size_t n);

/* A response header's value (case-insensitive name) into out; NULL when absent. */
const char *resp_hdr(const struct http_resp *r, const char *name, char *out, size_t n);

/*
 * A request with libcurl. `headers` is a NULL-terminated list of "Name: value"
 * (may be NULL); `body` may be NULL for none. Returns 0 when a response came.
 */
int http_req(const struct test_server *s, const char *method, const char *path, const char *const *headers,
	     const char *body, size_t body_len, struct http_resp *r);
#define http_get(s, path, r) http_req((s), "GET", (path), NULL, NULL, 0, (r))

/* Connect a TCP socket to the server; -1 on failure. */
int ts_connect(const struct test_server *s);
/*
 * Send raw bytes on a new connection and read until the server closes or
 * `timeout_ms` passes; the status code of the first response line, or -1.
 */
int raw_req(const struct test_server *s, const char *data, size_t len, struct buf *out, int timeout_ms);

/* Read from fd into out until the peer closes or `timeout_ms` pass without data. */
void read_until_close(int fd, struct buf *out, int timeout_ms);
/*
 * Wait up to `timeout_ms` for the server to exit by itself: its exit status,
 * or -1 (still running, or killed by a signal). The pid is forgotten once it exited.
 */
int ts_wait_exit(struct test_server *s, int timeout_ms);

/*
 * An account's browser or integration, for tests of pages and the API that
 * need a login: the session cookie and its CSRF token.
 */
struct ts_user {
	char sid[128];
	char csrf[128];
	char cookie[160]; /* "Cookie: sid=…" */
	char token[160];  /* "X-CSRF-Token: …" */
};

/*
 * A request as u (NULL: none) with a JSON or form body (as ts_as): the JSON answer when the
 * status is `want` (0: any), else NULL after printing the answer; *got (may be NULL) the status,
 * 0 when no response came. The caller frees the answer.
 */
json_t *ts_json(const struct test_server *s, const struct ts_user *u, const char *method, const char *path,
		const char *body, long want, long *got);
/*
 * The first column of the first row of `sql` on the server's database, with up to two integer
 * parameters (types NULL, "i" or "ii"): -1 when there is no row, -2 on an error (printed).
 */
long long ts_sql_int(const struct test_server *s, const char *sql, const char *types, int64_t a, int64_t b);

/* Run `motcua demo` on the server's database (between ts_init and ts_launch). 0 or -1. */
int ts_demo(const struct test_server *s);
/*
 * Log in through POST /api/v1/session; fills u. Returns the HTTP status
 * (201 when logged in).
 */
long ts_login(const struct test_server *s, const char *user, const char *password, struct ts_user *u);
/*
 * A request as the logged-in user: his cookie, his CSRF token, and for a
 * body a Content-Type (JSON when it starts with '{', else a form); u NULL:
 * anonymous. 0 when a response came.
 */
int ts_as(const struct test_server *s, const struct ts_user *u, const char *method, const char *path,
	  const char *body, struct http_resp *r);

/*
 * A form body: "csrf=" u's token (none when u is NULL), then name/value pairs
 * (values percent-encoded) up to a NULL name. The caller frees it.
 */
char *ts_form(const struct ts_user *u, ...);

/*
 * Ids looked up in a server's database (opened by the test with db_open):
 * the unit with an agency code, the account with a user name. The test fails
 * when there is none.
 */
struct db;
int64_t ts_unit_id(struct db *db, const char *agency_code);
int64_t ts_account_id(struct db *db, const char *username);

/* A free loopback TCP port. */
unsigned free_port(void);

/* A one-page PDF (A4) whose text is `text` (ASCII, no parentheses or backslashes), into out. */
void ts_make_pdf(struct buf *out, const char *text);

#endif
