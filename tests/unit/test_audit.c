/*
 * test_audit.c: the hash-chained audit log (features/audit.c): appends that
 * commit and roll back with their change, verification, and the tampering
 * it catches and the one it cannot. Runs on SQLite, or on PostgreSQL with
 * MOTCUA_TEST_BACKEND=pg (tests/run.sh runs it both ways).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "features/audit.h"
#include "store/counter.h"
#include "store/db.h"
#include "store/migrate.h"
#include "testdb.h"
#include "core/banned.h"

#define GENESIS_TAIL63 "000000000000000000000000000000000000000000000000000000000000000"
#define GENESIS	       "0" GENESIS_TAIL63

/* A fresh, migrated database: a file in its own temporary directory, or a new PostgreSQL database. */
struct fixture {
	char dir[64];
	char path[320]; /* what db_open takes: the file's path or the database's URL */
	int pg;
	struct db *db;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char *err = NULL;
	int applied = 0;

	if (!fx)
		return -1;
	if (testdb_fresh("audit", fx->dir, fx->path, sizeof(fx->path), &fx->pg)) {
		free(fx);
		return -1;
	}
	*state = fx;
	fx->db = db_open(fx->path, &err);
	if (!fx->db) {
		fprintf(stderr, "# %s\n", err ? err : "db_open failed");
		free(err);
		return -1;
	}
	if (migrate_run(fx->db, &applied, &err)) {
		fprintf(stderr, "# %s\n", err ? err : "migrate_run failed");
		free(err);
		return -1;
	}
	/* the change an entry records: written in the same transaction */
	if (db_exec(fx->db, "CREATE TABLE change (who TEXT NOT NULL, n INTEGER NOT NULL)", NULL)) {
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

/* The integer in the first column of the only row of `sql`; fails the test otherwise. */
static int64_t scalar(struct db *db, const char *sql)
{
	struct db_stmt *st;
	int64_t v;
	int rc = db_query(db, &st, sql, NULL);
	if (rc != DB_ROW)
		fail_msg("\"%s\" gave %d: %s", sql, rc, db_errmsg(db));
	v = db_col_int(st, 0);
	while ((rc = db_step(st)) == DB_ROW)
		;
	assert_int_equal(rc, DB_DONE);
	return v;
}

/* One change and its entry in one transaction; returns 0 or the failing db_rc (rolled back). */
static int change(struct db *db, const char *actor, const char *action, const char *object,
		  const char *detail, int64_t n)
{
	int rc = db_begin(db);
	if (!rc)
		rc = db_exec(db, "INSERT INTO change (who, n) VALUES (?, ?)", "si", actor, n);
	if (!rc)
		rc = audit_append(db, actor, action, object, detail);
	if (!rc)
		rc = db_commit(db);
	if (rc)
		db_rollback(db);
	return rc;
}

static void append_ok(struct db *db, const char *actor, const char *action, const char *object,
		      const char *detail)
{
	int rc = change(db, actor, action, object, detail, 0);
	if (rc)
		fail_msg("append of %s gave %d: %s", action, rc, db_errmsg(db));
}

/* Three entries, as a clerk's morning might leave them. */
static void append_three(struct db *db)
{
	append_ok(db, "user:12", "unit.create", "unit:5",
		  "{\"name\":\"Phường Kim Giang\",\"code\":\"H26.12\"}");
	append_ok(db, "user:12", "role.grant", "user:31", "{\"role\":\"clerk\",\"unit\":5}");
	append_ok(db, "system", "session.login_failed", "", NULL);
}

/* audit_verify that must find the chain intact with `want` entries. */
static void verify_intact(struct db *db, int64_t want)
{
	int64_t rows = -1, bad = -1;
	char *why = NULL;
	int rc = audit_verify(db, &rows, &bad, &why);
	if (rc)
		fail_msg("audit_verify gave %d at %lld: %s", rc, (long long)bad, why ? why : "");
	assert_null(why);
	assert_int_equal(rows, want);
	assert_int_equal(bad, 0);
}

/* audit_verify that must find the chain broken at `want_bad` for a reason containing `want_why`. */
static void verify_broken(struct db *db, int64_t want_bad, int64_t want_rows, const char *want_why)
{
	int64_t rows = -1, bad = -1;
	char *why = NULL;
	int rc = audit_verify(db, &rows, &bad, &why);
	assert_int_equal(rc, AUDIT_BROKEN);
	assert_non_null(why);
	print_message("# broken at %lld: %s\n", (long long)bad, why);
	assert_int_equal(bad, want_bad);
	assert_int_equal(rows, want_rows);
	if (!strstr(why, want_why))
		fail_msg("reason \"%s\" does not say \"%s\"", why, want_why);
	free(why);
}

/* The hash of the entry `seq` as stored, into out (65 bytes). */
static void stored_hash(struct db *db, int64_t seq, const char *column, char *out)
{
	char sql[96];
	struct db_stmt *st;
	snprintf(sql, sizeof(sql), "SELECT %s FROM audit_log WHERE seq = ?", column);
	assert_int_equal(db_query(db, &st, sql, "i", seq), DB_ROW);
	assert_int_equal(strlen(db_col_text(st, 0)), 64);
	snprintf(out, 65, "%s", db_col_text(st, 0));
	assert_int_equal(db_step(st), DB_DONE);
}

/*
 * The encoding is fixed by audit.h so that others can check the log: these
 * hashes were computed apart from motcua (Python hashlib.blake2b, 32 bytes,
 * over 8-byte big-endian lengths and the fields).
 */
static void test_hash_known(void **state)
{
	struct audit_entry e = {
		.seq = 1,
		.at = "2026-11-26T17:04:01.123456Z",
		.actor = "user:12",
		.action = "unit.create",
		.object = "unit:5",
		.detail = "{\"name\":\"Phường Kim Giang\"}",
		.prev_hash = GENESIS,
	};
	struct audit_entry f = {
		.seq = 2,
		.at = "2026-11-26T17:04:02.000001Z",
		.actor = "system",
		.action = "session.login_failed",
		.object = "",
		.detail = "{}",
	};
	struct audit_entry a, b;
	char h1[65], h2[65];

	(void)state;
	audit_entry_hash(&e, h1);
	assert_string_equal(h1, "8b37c92c716459ee11f35256bba0e197e939ba84ef7b62e71dffb7aa98b7c072");
	f.prev_hash = h1;
	audit_entry_hash(&f, h2);
	assert_string_equal(h2, "3f8c4207c749b06ddfe2b178e3c95a12352798aa604f574dcfef7570323893de");
	/* the unit and the client's hashed address are in the hash too */
	{
		struct audit_entry u = e;
		char h3[65];
		u.unit = "7";
		u.client = "9f86d081884c7d65";
		audit_entry_hash(&u, h3);
		assert_string_equal(h3, "8f8ae680db87053123070f393e67d4f61b42551bcdb0a89db831f8952d10258a");
	}

	/* lengths keep field boundaries: moving a byte from one field to the next changes the hash */
	a = e;
	a.actor = "user:1";
	a.action = "2unit.create";
	audit_entry_hash(&a, h2);
	assert_string_not_equal(h1, h2);
	b = e;
	b.seq = 11;
	b.at = "2026-11-26T17:04:01.123456Z";
	audit_entry_hash(&b, h2);
	assert_string_not_equal(h1, h2);
}

static void test_append_verify(void **state)
{
	struct fixture *fx = *state;
	struct db *db = fx->db;
	struct db_stmt *st;
	char prev[65] = GENESIS;
	int64_t counter = -1;
	int rc, n = 0;

	/* an empty log is intact */
	verify_intact(db, 0);
	append_three(db);
	verify_intact(db, 3);
	assert_int_equal(scalar(db, "SELECT count(*) FROM change"), 3);
	assert_int_equal(counter_peek(db, "audit", "", "", &counter), 0);
	assert_int_equal(counter, 3);

	/* what is stored: numbered 1..3, each linked to the one before, hashes as audit.h says */
	for (rc = db_query(db, &st,
			   "SELECT seq, at, actor, action, object, detail, prev_hash, hash FROM audit_log"
			   " ORDER BY seq",
			   NULL);
	     rc == DB_ROW; rc = db_step(st)) {
		struct audit_entry e = { 0 };
		char h[65];
		const char *at = db_col_text(st, 1);
		n++;
		e.seq = db_col_int(st, 0);
		e.at = at;
		e.actor = db_col_text(st, 2);
		e.action = db_col_text(st, 3);
		e.object = db_col_text(st, 4);
		e.detail = db_col_text(st, 5);
		e.prev_hash = db_col_text(st, 6);
		assert_int_equal(e.seq, n);
		/* 2026-11-26T17:04:01.123456Z */
		assert_int_equal(strlen(at), 27);
		assert_int_equal(at[10], 'T');
		assert_int_equal(at[19], '.');
		assert_int_equal(at[26], 'Z');
		assert_string_equal(e.prev_hash, prev);
		audit_entry_hash(&e, h);
		assert_string_equal(db_col_text(st, 7), h);
		assert_int_equal(strspn(h, "0123456789abcdef"), 64);
		snprintf(prev, sizeof(prev), "%s", h);
		if (n == 1) {
			assert_string_equal(e.actor, "user:12");
			assert_string_equal(e.action, "unit.create");
			assert_string_equal(e.object, "unit:5");
			/* the UTF-8 detail is kept byte for byte */
			assert_string_equal(e.detail, "{\"name\":\"Phường Kim Giang\",\"code\":\"H26.12\"}");
		}
		if (n == 3) {
			assert_string_equal(e.object, "");
			/* no detail is an empty object */
			assert_string_equal(e.detail, "{}");
		}
	}
	assert_int_equal(rc, DB_DONE);
	assert_int_equal(n, 3);

	/* several entries in one transaction chain to each other */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(audit_append(db, "cli", "user.add", "user:40", NULL), 0);
	assert_int_equal(audit_append(db, "cli", "role.grant", "user:40", "{\"role\":\"admin\"}"), 0);
	assert_int_equal(db_commit(db), 0);
	verify_intact(db, 5);

	/* verify inside a transaction the caller holds leaves it open */
	assert_int_equal(db_begin_read(db), 0);
	verify_intact(db, 5);
	assert_true(db_in_transaction(db));
	assert_int_equal(db_commit(db), 0);

	/* the out-parameters may be NULL */
	assert_int_equal(audit_verify(db, NULL, NULL, NULL), 0);
}

/* An entry commits and rolls back with its change: a rolled-back one leaves no row and no number. */
static void test_rollback(void **state)
{
	struct fixture *fx = *state;
	struct db *db = fx->db;
	int64_t counter = -1;

	append_ok(db, "user:12", "unit.create", "unit:5", NULL);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(db_begin(db), 0);
		assert_int_equal(db_exec(db, "INSERT INTO change (who, n) VALUES (?, ?)", "si", "user:12",
					 (int64_t)99),
				 DB_DONE);
		assert_int_equal(audit_append(db, "user:12", "unit.delete", "unit:5", NULL), 0);
		assert_int_equal(scalar(db, "SELECT count(*) FROM audit_log"), 2);
		assert_int_equal(db_rollback(db), 0);
		assert_int_equal(scalar(db, "SELECT count(*) FROM audit_log"), 1);
		assert_int_equal(scalar(db, "SELECT count(*) FROM change WHERE n = 99"), 0);
		assert_int_equal(counter_peek(db, "audit", "", "", &counter), 0);
		assert_int_equal(counter, 1);
		verify_intact(db, 1);
	}
	/* the next entry takes the number the rolled-back one had */
	append_ok(db, "user:12", "unit.rename", "unit:5", "{\"name\":\"Phường Khương Đình\"}");
	assert_int_equal(scalar(db, "SELECT max(seq) FROM audit_log"), 2);
	assert_int_equal(scalar(db, "SELECT count(*) FROM audit_log WHERE action = 'unit.delete'"), 0);
	verify_intact(db, 2);
}

/* What audit_append refuses, it refuses whole: no row, no number. */
static void test_refused(void **state)
{
	struct fixture *fx = *state;
	struct db *db = fx->db;
	char *big;
	char name[AUDIT_MAX_NAME + 2];
	static const char *const bad_detail[] = {
		"", "not json", "[1, 2]", "\"text\"", "42", "{\"a\": 1", "{\"a\": 1, \"a\": 2}", "{} {}",
	};

	/* outside a transaction: the entry could not go with its change */
	assert_int_equal(audit_append(db, "user:1", "unit.create", "unit:1", NULL), DB_ERROR);
	assert_int_equal(scalar(db, "SELECT count(*) FROM audit_log"), 0);
	assert_int_equal(scalar(db, "SELECT count(*) FROM counters WHERE name = 'audit'"), 0);

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	big = calloc(1, AUDIT_MAX_DETAIL + 16);
	assert_non_null(big);
	memset(big, ' ', AUDIT_MAX_DETAIL + 1);
	big[0] = '{';
	big[AUDIT_MAX_DETAIL] = '}';

	assert_int_equal(db_begin(db), 0);
	for (size_t i = 0; i < sizeof(bad_detail) / sizeof(bad_detail[0]); i++)
		assert_int_equal(audit_append(db, "user:1", "unit.create", "unit:1", bad_detail[i]),
				 DB_ERROR);
	assert_int_equal(audit_append(db, "", "unit.create", "unit:1", NULL), DB_ERROR);
	assert_int_equal(audit_append(db, NULL, "unit.create", "unit:1", NULL), DB_ERROR);
	assert_int_equal(audit_append(db, "user:1", "", "unit:1", NULL), DB_ERROR);
	assert_int_equal(audit_append(db, "user:1", NULL, "unit:1", NULL), DB_ERROR);
	assert_int_equal(audit_append(db, "user:1", "unit.create", NULL, NULL), DB_ERROR);
	assert_int_equal(audit_append(db, name, "unit.create", "unit:1", NULL), DB_ERROR);
	assert_int_equal(audit_append(db, "user:1", name, "unit:1", NULL), DB_ERROR);
	assert_int_equal(audit_append(db, "user:1", "unit.create", name, NULL), DB_ERROR);
	assert_int_equal(audit_append(db, "user:1", "unit.create", "unit:1", big), DB_ERROR);
	/* nothing was written, so the transaction is still good on both databases */
	assert_int_equal(scalar(db, "SELECT count(*) FROM audit_log"), 0);
	assert_int_equal(scalar(db, "SELECT count(*) FROM counters WHERE name = 'audit'"), 0);

	/* at the caps exactly, it goes in */
	name[AUDIT_MAX_NAME] = '\0';
	big[AUDIT_MAX_DETAIL - 1] = '}';
	big[AUDIT_MAX_DETAIL] = '\0';
	assert_int_equal(audit_append(db, name, name, name, big), 0);
	assert_int_equal(db_commit(db), 0);
	free(big);
	verify_intact(db, 1);
}

/* An entry edited in the database is named by verify; so is the next one when the edit was rehashed. */
static void test_tamper_update(void **state)
{
	struct fixture *fx = *state;
	struct db *db = fx->db;
	struct db_stmt *st;
	struct audit_entry e = { 0 };
	char h[65], prev[65];

	append_three(db);
	verify_intact(db, 3);

	/* another program changes entry 2's detail */
	assert_int_equal(db_exec(db, "UPDATE audit_log SET detail = ? WHERE seq = ?", "si",
				 "{\"role\":\"admin\",\"unit\":5}", (int64_t)2),
			 DB_DONE);
	assert_int_equal(db_changes(db), 1);
	verify_broken(db, 2, 1, "hash does not match");

	/* and recomputes its hash: now entry 3 no longer links to it */
	stored_hash(db, 1, "hash", prev);
	assert_int_equal(
		db_query(db, &st,
			 "SELECT seq, at, actor, action, object, detail FROM audit_log WHERE seq = 2", NULL),
		DB_ROW);
	e.seq = 2;
	e.at = db_col_text(st, 1);
	e.actor = db_col_text(st, 2);
	e.action = db_col_text(st, 3);
	e.object = db_col_text(st, 4);
	e.detail = db_col_text(st, 5);
	e.prev_hash = prev;
	audit_entry_hash(&e, h);
	assert_int_equal(db_step(st), DB_DONE);
	assert_int_equal(db_exec(db, "UPDATE audit_log SET hash = ? WHERE seq = ?", "si", h, (int64_t)2),
			 DB_DONE);
	verify_broken(db, 3, 2, "prev_hash is not the hash of entry 2");

	/* an edit of the first entry's actor is caught at 1 */
	assert_int_equal(db_exec(db, "UPDATE audit_log SET actor = ? WHERE seq = ?", "si", "user:13",
				 (int64_t)1),
			 DB_DONE);
	verify_broken(db, 1, 0, "hash does not match");
	/* and a first entry that does not start from 64 zeros */
	assert_int_equal(db_exec(db, "UPDATE audit_log SET actor = ?, prev_hash = ? WHERE seq = ?", "ssi",
				 "user:12", "1" GENESIS_TAIL63, (int64_t)1),
			 DB_DONE);
	verify_broken(db, 1, 0, "first entry");

	/* an edited time is an edit too */
	assert_int_equal(db_exec(db, "UPDATE audit_log SET prev_hash = ? WHERE seq = ?", "si", GENESIS,
				 (int64_t)1),
			 DB_DONE);
	verify_broken(db, 3, 2, "prev_hash");
	assert_int_equal(db_exec(db, "UPDATE audit_log SET at = ? WHERE seq = ?", "si",
				 "2020-01-01T00:00:00.000000Z", (int64_t)1),
			 DB_DONE);
	verify_broken(db, 1, 0, "hash does not match");
}

/* A row deleted from the middle leaves a gap in the numbers, which verify names. */
static void test_delete_middle(void **state)
{
	struct fixture *fx = *state;
	struct db *db = fx->db;

	append_three(db);
	assert_int_equal(db_exec(db, "DELETE FROM audit_log WHERE seq = ?", "i", (int64_t)2), DB_DONE);
	assert_int_equal(db_changes(db), 1);
	verify_broken(db, 2, 1, "missing: entry 3 follows entry 1");

	/* appends go on after the last entry; the gap stays visible */
	append_ok(db, "system", "backup.run", "", NULL);
	verify_broken(db, 2, 1, "missing");
}

/*
 * Entries cut from the end leave a shorter chain that is valid by itself:
 * the chain alone cannot tell. The counter, which remembers how many numbers
 * were taken, catches it; an attacker who also sets the counter back is not
 * caught (audit.h: that needs the last hash kept outside the database).
 */
static void test_truncated_tail(void **state)
{
	struct fixture *fx = *state;
	struct db *db = fx->db;
	char h2[65], link[65];

	append_three(db);
	stored_hash(db, 2, "hash", h2);
	assert_int_equal(db_exec(db, "DELETE FROM audit_log WHERE seq = ?", "i", (int64_t)3), DB_DONE);
	verify_broken(db, 3, 2, "the counter is at 3 but the last entry is 2");

	/* the next entry takes number 4 and links to entry 2: the hole is a gap now */
	append_ok(db, "system", "backup.run", "", NULL);
	stored_hash(db, 4, "prev_hash", link);
	assert_string_equal(link, h2);
	verify_broken(db, 3, 2, "missing: entry 4 follows entry 2");

	/* cut both, and set the counter back: a valid chain of 2, which verify cannot tell from the real one
	 */
	assert_int_equal(db_exec(db, "DELETE FROM audit_log WHERE seq > ?", "i", (int64_t)2), DB_DONE);
	assert_int_equal(db_exec(db, "UPDATE counters SET value = ? WHERE name = 'audit'", "i", (int64_t)2),
			 DB_DONE);
	verify_intact(db, 2);
}

/* A row added at the end with a correct hash but no number taken from the counter is caught. */
static void test_forged_tail(void **state)
{
	struct fixture *fx = *state;
	struct db *db = fx->db;
	struct audit_entry e = {
		.seq = 4,
		.at = "2026-11-26T17:04:01.123456Z",
		.actor = "user:1",
		.action = "role.grant",
		.object = "user:1",
		.detail = "{}",
	};
	char prev[65], h[65];

	append_three(db);
	stored_hash(db, 3, "hash", prev);
	e.prev_hash = prev;
	audit_entry_hash(&e, h);
	assert_int_equal(
		db_exec(db,
			"INSERT INTO audit_log (seq, at, actor, action, object, detail, prev_hash, hash)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			"isssssss", e.seq, e.at, e.actor, e.action, e.object, e.detail, prev, h),
		DB_DONE);
	verify_broken(db, 4, 4, "entry 4 was never numbered");
}

#define THREADS	   4
#define PER_THREAD 50

struct appender {
	const char *path;
	int id;
	int err;
	int busy; /* retries after DB_BUSY */
	char errmsg[256];
};

/* Append PER_THREAD entries, each with its change, on a connection of its own; retry when busy. */
static void *appender_run(void *arg)
{
	struct appender *a = arg;
	char actor[32], detail[64];
	char *err = NULL;
	struct db *db = db_open(a->path, &err);

	if (!db) {
		a->err = DB_UNAVAILABLE;
		snprintf(a->errmsg, sizeof(a->errmsg), "%s", err ? err : "db_open failed");
		free(err);
		return NULL;
	}
	snprintf(actor, sizeof(actor), "user:%d", a->id);
	for (int i = 0; i < PER_THREAD;) {
		int rc;
		snprintf(detail, sizeof(detail), "{\"i\":%d}", i);
		rc = change(db, actor, "dossier.receive", "dossier:1", detail, i);
		if (rc == DB_BUSY) {
			a->busy++;
			continue;
		}
		if (rc) {
			a->err = rc;
			snprintf(a->errmsg, sizeof(a->errmsg), "%s", db_errmsg(db));
			break;
		}
		i++;
	}
	db_close(db);
	return NULL;
}

static void test_concurrent(void **state)
{
	struct fixture *fx = *state;
	struct appender a[THREADS];
	pthread_t th[THREADS];
	int busy = 0;

	for (int i = 0; i < THREADS; i++) {
		memset(&a[i], 0, sizeof(a[i]));
		a[i].path = fx->path;
		a[i].id = i + 1;
		assert_int_equal(pthread_create(&th[i], NULL, appender_run, &a[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		if (a[i].err)
			fail_msg("appender %d failed with %d: %s", i + 1, a[i].err, a[i].errmsg);
		busy += a[i].busy;
	}
	print_message("# %d appends, %d retried after DB_BUSY\n", THREADS * PER_THREAD, busy);
	verify_intact(fx->db, THREADS * PER_THREAD);
	assert_int_equal(scalar(fx->db, "SELECT count(*) FROM change"), THREADS * PER_THREAD);
	assert_int_equal(scalar(fx->db, "SELECT count(DISTINCT actor) FROM audit_log"), THREADS);
	assert_int_equal(scalar(fx->db, "SELECT count(*) FROM audit_log WHERE actor = 'user:3'"), PER_THREAD);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_known),
		cmocka_unit_test_setup_teardown(test_append_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_middle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent, setup, teardown),
	};
	return cmocka_run_group_tests_name("audit", tests, NULL, NULL) ? 1 : 0;
}
