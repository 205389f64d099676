/*
 * test_accounts.c: logins, throttling, sessions and API tokens with a
 * controllable clock (every function takes `now`): the rules of issue 4 §2
 * without a server. Runs on SQLite, or on PostgreSQL with
 * MOTCUA_TEST_BACKEND=pg (tests/run.sh runs it both ways).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "features/accounts.h"
#include "features/org.h"
#include "features/sessions.h"
#include "features/tokens.h"
#include "store/db.h"
#include "store/migrate.h"
#include "testdb.h"
#include "core/banned.h"

#define PASSWORD "Hoa-Sen-Ho-Tay-2026"
#define T0	 ((int64_t)1795000000) /* the fixed clock's start */

struct fixture {
	char dir[64];
	char path[320];
	int pg;
	struct db *db;
	int64_t staff;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const char *roles[] = { "specialist", NULL };
	char *err = NULL;
	int applied = 0;

	if (!fx || testdb_fresh("accounts", fx->dir, fx->path, sizeof(fx->path), &fx->pg))
		return -1;
	*state = fx;
	fx->db = db_open(fx->path, &err);
	if (!fx->db || migrate_run(fx->db, &applied, &err)) {
		fprintf(stderr, "# %s\n", err ? err : "cannot open the database");
		free(err);
		return -1;
	}
	if (db_begin(fx->db) || org_demo(fx->db) ||
	    account_create_staff(fx->db, "chuyenvien", "Phạm Văn Chuyên", "Chuyên viên",
				 org_unit_by_code(fx->db, "002.15.00.H26"), PASSWORD, roles, &fx->staff) ||
	    db_commit(fx->db)) {
		fprintf(stderr, "# %s\n", db_errmsg(fx->db));
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	if (!fx)
		return 0;
	db_close(fx->db);
	testdb_remove(fx->dir, fx->path, fx->pg);
	free(fx);
	return 0;
}

static int64_t count(struct db *db, const char *sql, const char *text)
{
	struct db_stmt *st;
	int64_t n;
	assert_int_equal(db_query(db, &st, sql, "s", text), DB_ROW);
	n = db_col_int(st, 0);
	db_release_statements(db);
	return n;
}

static void fail_at(struct db *db, const char *name, const char *addr, int64_t now)
{
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(login_failed(db, name, addr, now), 0);
	assert_int_equal(db_commit(db), 0);
}

static void test_login(void **state)
{
	struct fixture *fx = *state;
	int64_t id = 0;
	assert_int_equal(account_login(fx->db, "chuyenvien", PASSWORD, &id), 0);
	assert_int_equal(id, fx->staff);
	assert_int_equal(account_login(fx->db, "chuyenvien", "Hoa-Sen-Ho-Tay-2025", &id), 1);
	assert_int_equal(account_login(fx->db, "nobody", PASSWORD, &id), 1);
	/* the hash is Argon2id, never the password */
	assert_int_equal(
		count(fx->db, "SELECT COUNT(*) FROM accounts WHERE password_hash LIKE ?", "$argon2id$%"), 1);
	/* disabled: the right password no longer opens it */
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(account_disable(fx->db, "chuyenvien", T0, &id), 0);
	assert_int_equal(db_commit(fx->db), 0);
	assert_int_equal(account_login(fx->db, "chuyenvien", PASSWORD, &id), 1);
}

/* Five failures for one name in 15 minutes: the sixth attempt waits; the window passes and it may try again.
 */
static void test_throttle_per_name(void **state)
{
	struct fixture *fx = *state;
	for (int i = 0; i < LOGIN_MAX_PER_USER - 1; i++)
		fail_at(fx->db, "#account:1", "192.0.2.1", T0 + i);
	assert_int_equal(login_throttled(fx->db, "#account:1", "192.0.2.9", T0 + 10), 0);
	fail_at(fx->db, "#account:1", "192.0.2.2", T0 + 10);
	assert_int_equal(login_throttled(fx->db, "#account:1", "192.0.2.9", T0 + 11), 1);
	/* names are compared without case */
	assert_int_equal(login_throttled(fx->db, "#ACCOUNT:1", "192.0.2.9", T0 + 11), 1);
	assert_int_equal(login_throttled(fx->db, "#account:2", "192.0.2.9", T0 + 11), 0);
	/* never for good: failures older than the window stop counting */
	assert_int_equal(login_throttled(fx->db, "#account:1", "192.0.2.9", T0 + LOGIN_WINDOW - 1), 1);
	assert_int_equal(login_throttled(fx->db, "#account:1", "192.0.2.9", T0 + LOGIN_WINDOW + 4), 0);
	/* no user name or address is stored, only hashes */
	assert_int_equal(count(fx->db, "SELECT COUNT(*) FROM login_failures WHERE key LIKE ?", "%account%"),
			 0);
	assert_int_equal(count(fx->db, "SELECT COUNT(*) FROM login_failures WHERE key LIKE ?", "%192.0.2%"),
			 0);
}

/* A success clears the name's failures (not the address's). */
static void test_throttle_success_clears(void **state)
{
	struct fixture *fx = *state;
	for (int i = 0; i < LOGIN_MAX_PER_USER; i++)
		fail_at(fx->db, "#account:1", "192.0.2.1", T0);
	assert_int_equal(login_throttled(fx->db, "#account:1", "192.0.2.3", T0 + 1), 1);
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(login_succeeded(fx->db, "#account:1", T0 + 2), 0);
	assert_int_equal(db_commit(fx->db), 0);
	assert_int_equal(login_throttled(fx->db, "#account:1", "192.0.2.3", T0 + 3), 0);
	/* the address that failed five times still waits */
	assert_int_equal(login_throttled(fx->db, "#account:1", "192.0.2.1", T0 + 3), 1);
}

/* One address trying many names waits after five failures; other addresses do not. */
static void test_throttle_per_address(void **state)
{
	struct fixture *fx = *state;
	char name[32];
	for (int i = 0; i < LOGIN_MAX_PER_ADDR; i++) {
		snprintf(name, sizeof(name), "name%d", i);
		fail_at(fx->db, name, "198.51.100.7", T0 + i);
	}
	assert_int_equal(login_throttled(fx->db, "someone-else", "198.51.100.7", T0 + 6), 1);
	assert_int_equal(login_throttled(fx->db, "someone-else", "198.51.100.8", T0 + 6), 0);
	assert_int_equal(login_throttled(fx->db, "someone-else", "198.51.100.7", T0 + 5 + LOGIN_WINDOW), 0);
}

static void test_register_throttle(void **state)
{
	struct fixture *fx = *state;
	for (int i = 0; i < REGISTER_MAX_PER_ADDR; i++)
		assert_int_equal(register_throttled(fx->db, "203.0.113.5", T0 + i), 0);
	assert_int_equal(register_throttled(fx->db, "203.0.113.5", T0 + 10), 1);
	assert_int_equal(register_throttled(fx->db, "203.0.113.6", T0 + 10), 0);
	assert_int_equal(register_throttled(fx->db, "203.0.113.5", T0 + 5 + LOGIN_WINDOW), 0);
}

/*
 * Attempts counted before the password is checked: five sent at once use up
 * the window like five sent one after another; a right password takes its
 * own attempt back.
 */
static void test_attempts_counted_first(void **state)
{
	struct fixture *fx = *state;
	char a[LOGIN_ATTEMPT_LEN + 1], first[LOGIN_ATTEMPT_LEN + 1];
	assert_int_equal(login_attempt_begin(fx->db, "#account:7", "192.0.2.50", T0, first), 0);
	assert_int_equal(strlen(first), LOGIN_ATTEMPT_LEN);
	/* four more begun before any password was checked */
	for (int i = 1; i < LOGIN_MAX_PER_USER; i++) {
		assert_int_equal(login_attempt_begin(fx->db, "#account:7", "192.0.2.50", T0, a), 0);
		assert_string_not_equal(a, first);
	}
	assert_int_equal(login_attempt_begin(fx->db, "#account:7", "192.0.2.51", T0, a), 1);
	/* the first one had the right password: its count goes, with the account's failures */
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(login_attempt_succeeded(fx->db, first, "#account:7", T0 + 1), 0);
	assert_int_equal(db_commit(fx->db), 0);
	assert_int_equal(login_attempt_begin(fx->db, "#account:7", "192.0.2.51", T0 + 2, a), 0);
	/* the address's other four attempts still count for it: one more and it waits */
	assert_int_equal(login_attempt_begin(fx->db, "#account:8", "192.0.2.50", T0 + 3, a), 0);
	assert_int_equal(login_attempt_begin(fx->db, "#account:9", "192.0.2.50", T0 + 3, a), 1);
}

/* A session: its token never stored, idle 30 minutes ends it, 12 hours end it whatever happens. */
static void test_sessions(void **state)
{
	struct fixture *fx = *state;
	char token[SESSION_TOKEN_LEN + 1], csrf[SESSION_TOKEN_LEN + 1], seen_csrf[SESSION_TOKEN_LEN + 1];
	char other[SESSION_TOKEN_LEN + 1], other_csrf[SESSION_TOKEN_LEN + 1];
	int64_t id = 0, t;

	assert_int_equal(session_create(fx->db, fx->staff, T0, token, csrf), 0);
	assert_int_equal(strlen(token), SESSION_TOKEN_LEN);
	assert_int_equal(strlen(csrf), SESSION_TOKEN_LEN);
	assert_string_not_equal(token, csrf);
	assert_int_equal(count(fx->db, "SELECT COUNT(*) FROM sessions WHERE token_hash = ?", token), 0);
	assert_int_equal(session_lookup(fx->db, token, T0 + 1, &id, seen_csrf), 0);
	assert_int_equal(id, fx->staff);
	assert_string_equal(seen_csrf, csrf);
	/* a new login gets a new token */
	assert_int_equal(session_create(fx->db, fx->staff, T0, other, other_csrf), 0);
	assert_string_not_equal(token, other);
	assert_string_not_equal(csrf, other_csrf);

	/* in use every 20 minutes, it lives; past 12 hours it ends anyway */
	for (t = T0 + 20 * 60; t <= T0 + SESSION_ABSOLUTE; t += 20 * 60)
		assert_int_equal(session_lookup(fx->db, token, t, &id, seen_csrf), 0);
	assert_int_equal(session_lookup(fx->db, token, T0 + SESSION_ABSOLUTE + 1, &id, seen_csrf), 1);
	/* and stays ended */
	assert_int_equal(session_lookup(fx->db, token, T0 + SESSION_ABSOLUTE + 2, &id, seen_csrf), 1);

	/* the other one was idle: ended after 30 minutes */
	assert_int_equal(session_lookup(fx->db, other, T0 + SESSION_IDLE_STAFF + 1, &id, seen_csrf), 1);

	/* logout ends it on the server */
	assert_int_equal(session_create(fx->db, fx->staff, T0, token, csrf), 0);
	assert_int_equal(session_end(fx->db, token, T0 + 5), 0);
	assert_int_equal(session_lookup(fx->db, token, T0 + 6, &id, seen_csrf), 1);
	/* a token of the wrong length or unknown */
	assert_int_equal(session_lookup(fx->db, "short", T0, &id, seen_csrf), 1);
	memset(token, 'A', SESSION_TOKEN_LEN);
	assert_int_equal(session_lookup(fx->db, token, T0, &id, seen_csrf), 1);
}

/* A new password ends every session of the account. */
static void test_password_ends_sessions(void **state)
{
	struct fixture *fx = *state;
	char token[SESSION_TOKEN_LEN + 1], csrf[SESSION_TOKEN_LEN + 1];
	int64_t id = 0;
	assert_int_equal(session_create(fx->db, fx->staff, T0, token, csrf), 0);
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(account_set_password(fx->db, "chuyenvien", "Sen-Vang-Quan-Ho-2027", T0 + 1, &id), 0);
	assert_int_equal(db_commit(fx->db), 0);
	assert_int_equal(session_lookup(fx->db, token, T0 + 2, &id, csrf), 1);
	assert_int_equal(account_login(fx->db, "chuyenvien", PASSWORD, &id), 1);
	assert_int_equal(account_login(fx->db, "chuyenvien", "Sen-Vang-Quan-Ho-2027", &id), 0);
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(account_set_password(fx->db, "nobody", "Sen-Vang-Quan-Ho-2027", T0 + 1, &id), 1);
	db_rollback(fx->db);
}

/* API tokens: shown once, stored hashed, with their scopes, revoked at once. */
static void test_tokens(void **state)
{
	struct fixture *fx = *state;
	char token[TOKEN_LEN + 1], scopes[64];
	int64_t id = 0, account = 0;

	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(token_create(fx->db, fx->staff, "user.read audit.read", T0, token, &id), 0);
	assert_int_equal(db_commit(fx->db), 0);
	assert_int_equal(strlen(token), TOKEN_LEN);
	assert_memory_equal(token, TOKEN_PREFIX, strlen(TOKEN_PREFIX));
	assert_int_equal(count(fx->db, "SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?", token), 0);
	assert_int_equal(count(fx->db, "SELECT COUNT(*) FROM api_tokens WHERE token_hash LIKE ?",
			       token + strlen(TOKEN_PREFIX)),
			 0);
	assert_int_equal(token_lookup(fx->db, token, &account, scopes, sizeof(scopes)), 0);
	assert_int_equal(account, fx->staff);
	assert_string_equal(scopes, "user.read audit.read");

	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(token_revoke(fx->db, id, T0 + 1), 0);
	assert_int_equal(token_revoke(fx->db, id, T0 + 2), 1);
	assert_int_equal(db_commit(fx->db), 0);
	assert_int_equal(token_lookup(fx->db, token, &account, scopes, sizeof(scopes)), 1);
	token[TOKEN_LEN - 1] = token[TOKEN_LEN - 1] == 'A' ? 'B' : 'A';
	assert_int_equal(token_lookup(fx->db, token, &account, scopes, sizeof(scopes)), 1);
	assert_int_equal(token_lookup(fx->db, "mct_short", &account, scopes, sizeof(scopes)), 1);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_login, setup, teardown),
		cmocka_unit_test_setup_teardown(test_throttle_per_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_throttle_success_clears, setup, teardown),
		cmocka_unit_test_setup_teardown(test_throttle_per_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_throttle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attempts_counted_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_password_ends_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
	};
	return cmocka_run_group_tests_name("accounts", tests, NULL, NULL) ? 1 : 0;
}
