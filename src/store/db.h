/* db.h: the storage interface; one implementation per backend (sqlite.c, later pg.c). */
#ifndef STORE_DB_H
#define STORE_DB_H

#include <stddef.h>
#include <stdint.h>

/*
 * Feature code writes portable SQL with '?' placeholders (see
 * docs/portable-sql.md) and only binds values: no SQL is ever built by
 * pasting values into it.
 *
 * A `struct db` is one connection and belongs to one thread. Worker threads
 * get theirs from db_thread(), opened on first use with the configured URL.
 */
struct db;
struct db_stmt;

enum db_rc {
	DB_DONE = 0,	     /* statement finished; also "ok" */
	DB_ROW = 1,	     /* db_step produced a row */
	DB_ERROR = -1,	     /* anything else: see db_errmsg() */
	DB_CONSTRAINT = -2,  /* unique, foreign key, check or not-null violation */
	DB_BUSY = -3,	     /* the database stayed locked past the busy timeout */
	DB_UNAVAILABLE = -4, /* the database cannot be reached or opened */
};

/* Open a connection to `url` (a file path for SQLite). On error returns NULL and *err (caller frees). */
struct db *db_open(const char *url, char **err);
/* Finalize cached statements and close. NULL is a no-op. */
void db_close(struct db *db);

/* Configure the URL that db_thread() connections use. Call once at start-up. */
void db_thread_config(const char *url);
/* This thread's connection, opened on first use; NULL when it cannot be opened. */
struct db *db_thread(void);
/* This thread's connection if it has one, without opening it. */
struct db *db_thread_current(void);
/* Close every connection opened by db_thread() (after worker threads have stopped). */
void db_thread_close_all(void);

/*
 * A prepared statement for `sql` from the connection's cache (prepared once,
 * reset and unbound on every fetch). Returns NULL on a syntax error. The
 * statement stays owned by the connection.
 */
struct db_stmt *db_prepare(struct db *db, const char *sql);

/* Bind parameter `i` (1-based). Text and blobs are copied. Return 0 or DB_ERROR. */
int db_bind_int(struct db_stmt *st, int i, int64_t v);
int db_bind_real(struct db_stmt *st, int i, double v);
int db_bind_text(struct db_stmt *st, int i, const char *s, size_t len);
int db_bind_blob(struct db_stmt *st, int i, const void *p, size_t len);
int db_bind_null(struct db_stmt *st, int i);

/* Run until the next row: DB_ROW, DB_DONE, or a negative enum db_rc. */
int db_step(struct db_stmt *st);

/*
 * Reset every statement of the connection that was left on a row. A
 * statement stopped on a row keeps its read snapshot open (stale reads, and
 * on SQLite a later write transaction gets DB_BUSY), so read what you need and
 * step to DB_DONE, or let this end them: the web layer calls it after every
 * request and db_begin() calls it first.
 */
void db_release_statements(struct db *db);

/* Columns of the current row (0-based). Text is NUL-terminated, valid until the next step. */
int64_t db_col_int(struct db_stmt *st, int i);
double db_col_real(struct db_stmt *st, int i);
const char *db_col_text(struct db_stmt *st, int i);
const void *db_col_blob(struct db_stmt *st, int i, size_t *len);
int db_col_is_null(struct db_stmt *st, int i);

/*
 * Prepare `sql`, bind the arguments described by `types` and step once.
 * Type letters: 'i' int64_t, 'r' double, 's' NUL-terminated text (NULL binds
 * null), 'b' blob as (const void *, size_t), 'n' null (no argument).
 * db_exec finishes the statement (DB_DONE or an error); db_query leaves it on
 * its first row and returns the statement in *out (DB_ROW or DB_DONE).
 */
int db_exec(struct db *db, const char *sql, const char *types, ...);
int db_query(struct db *db, struct db_stmt **out, const char *sql, const char *types, ...);
/*
 * Several INSERT, UPDATE or DELETE statements run as one: on PostgreSQL a
 * single statement (data-modifying WITH, one round trip), on SQLite one after
 * another. None may read what another writes, nor return rows. types[i] goes
 * with sqls[i]; the arguments of all follow in order. 0 or a negative enum db_rc.
 */
int db_exec_group(struct db *db, size_t n, const char *const *sqls, const char *const *types, ...);

/* Run several ';'-separated statements with no parameters (migrations). */
int db_exec_script(struct db *db, const char *sql);

/*
 * Transactions: db_begin takes the write lock at once (BEGIN IMMEDIATE on
 * SQLite). After any error inside a transaction, roll it back: PostgreSQL
 * aborts the whole transaction on an error (SQLite only the statement), so
 * code that goes on after a DB_CONSTRAINT would work on one backend only.
 */
int db_begin(struct db *db);
int db_begin_read(struct db *db);
int db_commit(struct db *db);
int db_rollback(struct db *db);
/* 1 inside a transaction (also one that failed and waits for its rollback). */
int db_in_transaction(struct db *db);

int64_t db_last_id(struct db *db);
int64_t db_changes(struct db *db);
/* The last error's text, never NULL. */
const char *db_errmsg(struct db *db);
/* Count of errors seen by all connections (for /metrics). */
uint64_t db_error_count(void);

/*
 * A consistent copy of the database to `path` while others keep writing.
 * Refused inside this connection's own write transaction.
 */
int db_backup(struct db *db, const char *path, char **err);

/* 1 when `url` names a PostgreSQL database (postgres:// or postgresql://). */
int db_url_is_pg(const char *url);

/*
 * `url` fit for logs and messages: a password in a postgres:// URL becomes
 * "***". Returns out.
 */
const char *db_url_redact(const char *url, char *out, size_t n);

/* "sqlite" or "postgres". */
const char *db_backend(struct db *db);

#endif
