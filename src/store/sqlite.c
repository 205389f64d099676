/* sqlite.c: the SQLite backend of db.h (WAL, synchronous=FULL, cached statements). */
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "store/db.h"
#include "core/banned.h"

#define STMT_BUCKETS	128
#define BUSY_TIMEOUT_MS 5000

struct db_stmt {
	sqlite3_stmt *st;
	struct db *db;
	char *sql;
	uint64_t hash;
	int listed; /* on db->active */
	struct db_stmt *next;
	struct db_stmt *next_active;
};

struct db {
	sqlite3 *h;
	struct db_stmt *cache[STMT_BUCKETS];
	struct db_stmt *active; /* statements that produced a row since the last release */
	char errbuf[256];
	struct db *next_thread; /* list of db_thread() connections */
};

static atomic_uint_fast64_t errors;
static char *thread_url;
static pthread_mutex_t thread_lock = PTHREAD_MUTEX_INITIALIZER;
static struct db *thread_list;
static __thread struct db *thread_db;

uint64_t db_error_count(void)
{
	return atomic_load(&errors);
}

static int map_rc(struct db *db, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE: return DB_DONE;
	case SQLITE_ROW: return DB_ROW;
	case SQLITE_CONSTRAINT: atomic_fetch_add(&errors, 1); return DB_CONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: atomic_fetch_add(&errors, 1); return DB_BUSY;
	case SQLITE_CANTOPEN:
	case SQLITE_NOTADB:
	case SQLITE_IOERR: atomic_fetch_add(&errors, 1); return DB_UNAVAILABLE;
	default:
		(void)db;
		atomic_fetch_add(&errors, 1);
		return DB_ERROR;
	}
}

struct db *db_open(const char *url, char **err)
{
	struct db *db = xcalloc(1, sizeof(*db));
	int rc;
	static const char pragmas[] = "PRAGMA journal_mode=WAL;"
				      "PRAGMA synchronous=FULL;"
				      "PRAGMA foreign_keys=ON;"
				      "PRAGMA temp_store=MEMORY;";

	rc = sqlite3_open_v2(url, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, BUSY_TIMEOUT_MS);
	rc = sqlite3_exec(db->h, pragmas, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	return db;
fail:
	if (err) {
		size_t n = strlen(url) + 256;
		*err = xmalloc(n);
		snprintf(*err, n, "cannot open database '%s': %s", url,
			 db->h ? sqlite3_errmsg(db->h) : "out of memory");
	}
	db_close(db);
	return NULL;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (int i = 0; i < STMT_BUCKETS; i++) {
		struct db_stmt *s = db->cache[i];
		while (s) {
			struct db_stmt *next = s->next;
			sqlite3_finalize(s->st);
			free(s->sql);
			free(s);
			s = next;
		}
	}
	sqlite3_close_v2(db->h);
	free(db);
}

void db_thread_config(const char *url)
{
	pthread_mutex_lock(&thread_lock);
	free(thread_url);
	thread_url = xstrdup(url);
	pthread_mutex_unlock(&thread_lock);
}

struct db *db_thread(void)
{
	char *err = NULL;
	if (thread_db)
		return thread_db;
	pthread_mutex_lock(&thread_lock);
	if (thread_url)
		thread_db = db_open(thread_url, &err);
	if (thread_db) {
		thread_db->next_thread = thread_list;
		thread_list = thread_db;
	}
	pthread_mutex_unlock(&thread_lock);
	free(err);
	return thread_db;
}

struct db *db_thread_current(void)
{
	return thread_db;
}

void db_thread_close_all(void)
{
	pthread_mutex_lock(&thread_lock);
	while (thread_list) {
		struct db *next = thread_list->next_thread;
		db_close(thread_list);
		thread_list = next;
	}
	thread_db = NULL;
	free(thread_url);
	thread_url = NULL;
	pthread_mutex_unlock(&thread_lock);
}

static uint64_t hash_sql(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

struct db_stmt *db_prepare(struct db *db, const char *sql)
{
	uint64_t h = hash_sql(sql);
	struct db_stmt **head = &db->cache[h % STMT_BUCKETS];
	struct db_stmt *s;
	sqlite3_stmt *st = NULL;

	for (s = *head; s; s = s->next) {
		if (s->hash == h && !strcmp(s->sql, sql)) {
			sqlite3_reset(s->st);
			sqlite3_clear_bindings(s->st);
			return s;
		}
	}
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		map_rc(db, sqlite3_errcode(db->h));
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->st = st;
	s->db = db;
	s->sql = xstrdup(sql);
	s->hash = h;
	s->next = *head;
	*head = s;
	return s;
}

static int bind_rc(struct db_stmt *st, int rc)
{
	return rc == SQLITE_OK ? 0 : map_rc(st->db, rc);
}

int db_bind_int(struct db_stmt *st, int i, int64_t v)
{
	return bind_rc(st, sqlite3_bind_int64(st->st, i, v));
}

int db_bind_real(struct db_stmt *st, int i, double v)
{
	return bind_rc(st, sqlite3_bind_double(st->st, i, v));
}

int db_bind_text(struct db_stmt *st, int i, const char *s, size_t len)
{
	return bind_rc(st, sqlite3_bind_text64(st->st, i, s, len, SQLITE_TRANSIENT, SQLITE_UTF8));
}

int db_bind_blob(struct db_stmt *st, int i, const void *p, size_t len)
{
	return bind_rc(st, sqlite3_bind_blob64(st->st, i, p, len, SQLITE_TRANSIENT));
}

int db_bind_null(struct db_stmt *st, int i)
{
	return bind_rc(st, sqlite3_bind_null(st->st, i));
}

void db_release_statements(struct db *db)
{
	struct db_stmt *s = db->active;
	while (s) {
		struct db_stmt *next = s->next_active;
		sqlite3_reset(s->st);
		s->listed = 0;
		s->next_active = NULL;
		s = next;
	}
	db->active = NULL;
}

int db_step(struct db_stmt *st)
{
	int rc = sqlite3_step(st->st);
	if (rc == SQLITE_ROW) {
		if (!st->listed) {
			st->listed = 1;
			st->next_active = st->db->active;
			st->db->active = st;
		}
		return DB_ROW;
	}
	if (rc == SQLITE_DONE)
		return DB_DONE;
	rc = map_rc(st->db, rc);
	sqlite3_reset(st->st);
	return rc;
}

int64_t db_col_int(struct db_stmt *st, int i)
{
	return sqlite3_column_int64(st->st, i);
}

double db_col_real(struct db_stmt *st, int i)
{
	return sqlite3_column_double(st->st, i);
}

const char *db_col_text(struct db_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st->st, i);
	return s ? (const char *)s : "";
}

const void *db_col_blob(struct db_stmt *st, int i, size_t *len)
{
	const void *p = sqlite3_column_blob(st->st, i);
	*len = (size_t)sqlite3_column_bytes(st->st, i);
	return p;
}

int db_col_is_null(struct db_stmt *st, int i)
{
	return sqlite3_column_type(st->st, i) == SQLITE_NULL;
}

static int bind_va(struct db_stmt *st, const char *types, va_list ap)
{
	int i = 1, rc = 0;
	for (const char *t = types ? types : ""; *t && !rc; t++, i++) {
		switch (*t) {
		case 'i': rc = db_bind_int(st, i, va_arg(ap, int64_t)); break;
		case 'r': rc = db_bind_real(st, i, va_arg(ap, double)); break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			rc = s ? db_bind_text(st, i, s, strlen(s)) : db_bind_null(st, i);
			break;
		}
		case 'b': {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);
			rc = db_bind_blob(st, i, p, n);
			break;
		}
		case 'n': rc = db_bind_null(st, i); break;
		default: BUG("unknown bind type letter");
		}
	}
	return rc;
}

int db_exec(struct db *db, const char *sql, const char *types, ...)
{
	struct db_stmt *st = db_prepare(db, sql);
	va_list ap;
	int rc;
	if (!st)
		return DB_ERROR;
	va_start(ap, types);
	rc = bind_va(st, types, ap);
	va_end(ap);
	if (rc)
		return rc;
	while ((rc = db_step(st)) == DB_ROW)
		;
	sqlite3_reset(st->st);
	return rc;
}

int db_query(struct db *db, struct db_stmt **out, const char *sql, const char *types, ...)
{
	struct db_stmt *st = db_prepare(db, sql);
	va_list ap;
	int rc;
	*out = st;
	if (!st)
		return DB_ERROR;
	va_start(ap, types);
	rc = bind_va(st, types, ap);
	va_end(ap);
	if (rc)
		return rc;
	return db_step(st);
}

int db_exec_script(struct db *db, const char *sql)
{
	return map_rc(db, sqlite3_exec(db->h, sql, NULL, NULL, NULL));
}

int db_begin(struct db *db)
{
	db_release_statements(db);
	return db_exec(db, "BEGIN IMMEDIATE", NULL);
}

int db_begin_read(struct db *db)
{
	return db_exec(db, "BEGIN", NULL);
}

int db_commit(struct db *db)
{
	return db_exec(db, "COMMIT", NULL);
}

int db_rollback(struct db *db)
{
	if (sqlite3_get_autocommit(db->h))
		return 0;
	return db_exec(db, "ROLLBACK", NULL);
}

int64_t db_last_id(struct db *db)
{
	return sqlite3_last_insert_rowid(db->h);
}

int64_t db_changes(struct db *db)
{
	return sqlite3_changes64(db->h);
}

const char *db_errmsg(struct db *db)
{
	return sqlite3_errmsg(db->h);
}

int db_backup(struct db *db, const char *path, char **err)
{
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

const char *db_backend(struct db *db)
{
	(void)db;
	return "sqlite";
}
