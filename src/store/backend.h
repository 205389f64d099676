/* backend.h: what a storage backend implements behind db.h (sqlite.c, pg.c). Store-internal. */
#ifndef STORE_BACKEND_H
#define STORE_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include "store/db.h"

/*
 * Every backend's connection starts with `struct db`, and every statement
 * with `struct db_stmt`, so db.c can reach the operations. Backends return
 * enum db_rc codes and count their errors with db_count_error().
 */
struct db_ops {
	const char *name; /* "sqlite", "postgres" */
	struct db *(*open)(const char *url, char **err);
	void (*close)(struct db *db);
	/* from the connection's cache, reset and unbound; NULL on error */
	struct db_stmt *(*prepare)(struct db *db, const char *sql);
	int (*bind_int)(struct db_stmt *st, int i, int64_t v);
	int (*bind_real)(struct db_stmt *st, int i, double v);
	int (*bind_text)(struct db_stmt *st, int i, const char *s, size_t len);
	int (*bind_blob)(struct db_stmt *st, int i, const void *p, size_t len);
	int (*bind_null)(struct db_stmt *st, int i);
	int (*step)(struct db_stmt *st);
	/* finish the statement: drop its rows and any snapshot it holds */
	void (*reset)(struct db_stmt *st);
	int64_t (*col_int)(struct db_stmt *st, int i);
	double (*col_real)(struct db_stmt *st, int i);
	const char *(*col_text)(struct db_stmt *st, int i);
	const void *(*col_blob)(struct db_stmt *st, int i, size_t *len);
	int (*col_is_null)(struct db_stmt *st, int i);
	int (*exec_script)(struct db *db, const char *sql);
	/* BEGIN for writes (takes the write lock at once where the backend has one), BEGIN for reads */
	int (*begin)(struct db *db, int write);
	int (*commit)(struct db *db);
	int (*rollback)(struct db *db); /* no-op outside a transaction */
	int (*in_transaction)(struct db *db);
	int64_t (*last_id)(struct db *db);
	int64_t (*changes)(struct db *db);
	const char *(*errmsg)(struct db *db);
	int (*backup)(struct db *db, const char *path, char **err);
};

struct db {
	const struct db_ops *ops;
	struct db *next_thread; /* db_thread() list */
	struct db_stmt *active; /* statements that produced a row since the last release */
};

struct db_stmt {
	struct db *db;
	int listed; /* on db->active */
	struct db_stmt *next_active;
};

extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pg_ops;

/* Count one error for /metrics. */
void db_count_error(void);

#endif
