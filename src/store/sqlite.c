/* sqlite.c: the SQLite backend of db.h (WAL, synchronous=FULL, cached statements). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "store/backend.h"
#include "core/banned.h"

#define STMT_BUCKETS	128
#define BUSY_TIMEOUT_MS 5000

struct lite_stmt {
	struct db_stmt base;
	sqlite3_stmt *st;
	char *sql;
	uint64_t hash;
	struct lite_stmt *next;
};

struct lite_db {
	struct db base;
	sqlite3 *h;
	struct lite_stmt *cache[STMT_BUCKETS];
};

#define LDB(d) ((struct lite_db *)(d))
#define LST(s) ((struct lite_stmt *)(s))

static int map_rc(struct db *db, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE: return DB_DONE;
	case SQLITE_ROW: return DB_ROW;
	case SQLITE_CONSTRAINT: db_count_error(); return DB_CONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: db_count_error(); return DB_BUSY;
	case SQLITE_CANTOPEN:
	case SQLITE_NOTADB:
	case SQLITE_IOERR: db_count_error(); return DB_UNAVAILABLE;
	default:
		(void)db;
		db_count_error();
		return DB_ERROR;
	}
}

static void lite_close(struct db *d)
{
	struct lite_db *db = LDB(d);
	if (!db)
		return;
	for (int i = 0; i < STMT_BUCKETS; i++) {
		struct lite_stmt *s = db->cache[i];
		while (s) {
			struct lite_stmt *next = s->next;
			sqlite3_finalize(s->st);
			free(s->sql);
			free(s);
			s = next;
		}
	}
	sqlite3_close_v2(db->h);
	free(db);
}

static struct db *lite_open(const char *url, char **err)
{
	struct lite_db *db = xcalloc(1, sizeof(*db));
	int rc;
	static const char pragmas[] = "PRAGMA journal_mode=WAL;"
				      "PRAGMA synchronous=FULL;"
				      "PRAGMA foreign_keys=ON;"
				      "PRAGMA temp_store=MEMORY;";

	db->base.ops = &db_sqlite_ops;
	rc = sqlite3_open_v2(url, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, BUSY_TIMEOUT_MS);
	rc = sqlite3_exec(db->h, pragmas, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	return &db->base;
fail:
	if (err) {
		size_t n = strlen(url) + 256;
		*err = xmalloc(n);
		snprintf(*err, n, "cannot open database '%s': %s", url,
			 db->h ? sqlite3_errmsg(db->h) : "out of memory");
	}
	lite_close(&db->base);
	return NULL;
}

static uint64_t hash_sql(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct db_stmt *lite_prepare(struct db *d, const char *sql)
{
	struct lite_db *db = LDB(d);
	uint64_t h = hash_sql(sql);
	struct lite_stmt **head = &db->cache[h % STMT_BUCKETS];
	struct lite_stmt *s;
	sqlite3_stmt *st = NULL;

	for (s = *head; s; s = s->next) {
		if (s->hash == h && !strcmp(s->sql, sql)) {
			sqlite3_reset(s->st);
			sqlite3_clear_bindings(s->st);
			return &s->base;
		}
	}
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		map_rc(d, sqlite3_errcode(db->h));
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->base.db = d;
	s->st = st;
	s->sql = xstrdup(sql);
	s->hash = h;
	s->next = *head;
	*head = s;
	return &s->base;
}

static int bind_rc(struct db_stmt *st, int rc)
{
	return rc == SQLITE_OK ? 0 : map_rc(st->db, rc);
}

static int lite_bind_int(struct db_stmt *st, int i, int64_t v)
{
	return bind_rc(st, sqlite3_bind_int64(LST(st)->st, i, v));
}

static int lite_bind_real(struct db_stmt *st, int i, double v)
{
	return bind_rc(st, sqlite3_bind_double(LST(st)->st, i, v));
}

static int lite_bind_text(struct db_stmt *st, int i, const char *s, size_t len)
{
	return bind_rc(st, sqlite3_bind_text64(LST(st)->st, i, s, len, SQLITE_TRANSIENT, SQLITE_UTF8));
}

static int lite_bind_blob(struct db_stmt *st, int i, const void *p, size_t len)
{
	return bind_rc(st, sqlite3_bind_blob64(LST(st)->st, i, p, len, SQLITE_TRANSIENT));
}

static int lite_bind_null(struct db_stmt *st, int i)
{
	return bind_rc(st, sqlite3_bind_null(LST(st)->st, i));
}

static int lite_step(struct db_stmt *st)
{
	int rc = sqlite3_step(LST(st)->st);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	rc = map_rc(st->db, rc);
	sqlite3_reset(LST(st)->st);
	return rc;
}

static void lite_reset(struct db_stmt *st)
{
	sqlite3_reset(LST(st)->st);
}

static int64_t lite_col_int(struct db_stmt *st, int i)
{
	return sqlite3_column_int64(LST(st)->st, i);
}

static double lite_col_real(struct db_stmt *st, int i)
{
	return sqlite3_column_double(LST(st)->st, i);
}

static const char *lite_col_text(struct db_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(LST(st)->st, i);
	return s ? (const char *)s : "";
}

static const void *lite_col_blob(struct db_stmt *st, int i, size_t *len)
{
	const void *p = sqlite3_column_blob(LST(st)->st, i);
	*len = (size_t)sqlite3_column_bytes(LST(st)->st, i);
	return p;
}

static int lite_col_is_null(struct db_stmt *st, int i)
{
	return sqlite3_column_type(LST(st)->st, i) == SQLITE_NULL;
}

static int lite_exec_script(struct db *db, const char *sql)
{
	return map_rc(db, sqlite3_exec(LDB(db)->h, sql, NULL, NULL, NULL));
}

static int lite_simple(struct db *db, const char *sql)
{
	return map_rc(db, sqlite3_exec(LDB(db)->h, sql, NULL, NULL, NULL));
}

static int lite_begin(struct db *db, int write)
{
	/* IMMEDIATE takes the write lock now: no deadlock upgrading a read later */
	return lite_simple(db, write ? "BEGIN IMMEDIATE" : "BEGIN");
}

static int lite_commit(struct db *db)
{
	return lite_simple(db, "COMMIT");
}

static int lite_in_transaction(struct db *db)
{
	return !sqlite3_get_autocommit(LDB(db)->h);
}

static int lite_rollback(struct db *db)
{
	if (!lite_in_transaction(db))
		return 0;
	return lite_simple(db, "ROLLBACK");
}

static int64_t lite_last_id(struct db *db)
{
	return sqlite3_last_insert_rowid(LDB(db)->h);
}

static int64_t lite_changes(struct db *db)
{
	return sqlite3_changes64(LDB(db)->h);
}

static const char *lite_errmsg(struct db *db)
{
	return sqlite3_errmsg(LDB(db)->h);
}

static int lite_backup(struct db *d, const char *path, char **err)
{
	struct lite_db *db = LDB(d);
	sqlite3 *dst = NULL;
	sqlite3_backup *bk;
	const char *why = NULL;
	int rc, waits = 0;

	/* the copy reads through db: inside its own write transaction it would wait forever */
	if (sqlite3_txn_state(db->h, "main") == SQLITE_TXN_WRITE) {
		why = "the connection is inside a write transaction";
		rc = SQLITE_MISUSE;
		goto out;
	}
	rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK)
		goto out;
	bk = sqlite3_backup_init(dst, "main", db->h, "main");
	if (!bk) {
		rc = sqlite3_errcode(dst);
		goto out;
	}
	/*
	 * Copy everything in one step: in WAL mode it reads one snapshot while
	 * writers go on. Copying in small steps would start over from the first
	 * page whenever another connection commits between two steps, so under
	 * steady writes a large database would never finish.
	 */
	do {
		rc = sqlite3_backup_step(bk, -1);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
			if (++waits > BUSY_TIMEOUT_MS / 20) {
				why = "the database stayed locked";
				break;
			}
			sqlite3_sleep(20);
		}
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(bk);
	if (rc == SQLITE_DONE)
		rc = sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
out:
	if (rc != SQLITE_OK && err) {
		size_t n = strlen(path) + 256;
		*err = xmalloc(n);
		snprintf(*err, n, "backup to '%s' failed: %s", path,
			 why   ? why
			 : dst ? sqlite3_errmsg(dst)
			       : "cannot open");
	}
	sqlite3_close_v2(dst);
	return rc == SQLITE_OK ? 0 : DB_ERROR;
}

const struct db_ops db_sqlite_ops = {
	.name = "sqlite",
	.open = lite_open,
	.close = lite_close,
	.prepare = lite_prepare,
	.bind_int = lite_bind_int,
	.bind_real = lite_bind_real,
	.bind_text = lite_bind_text,
	.bind_blob = lite_bind_blob,
	.bind_null = lite_bind_null,
	.step = lite_step,
	.reset = lite_reset,
	.col_int = lite_col_int,
	.col_real = lite_col_real,
	.col_text = lite_col_text,
	.col_blob = lite_col_blob,
	.col_is_null = lite_col_is_null,
	.exec_script = lite_exec_script,
	.begin = lite_begin,
	.commit = lite_commit,
	.rollback = lite_rollback,
	.in_transaction = lite_in_transaction,
	.last_id = lite_last_id,
	.changes = lite_changes,
	.errmsg = lite_errmsg,
	.backup = lite_backup,
};
