/* migrate.h: numbered SQL migrations, embedded in the binary, recorded in schema_version. */
#ifndef STORE_MIGRATE_H
#define STORE_MIGRATE_H

#include "store/db.h"

struct migration {
	int version;	  /* from the file name: 0001_counters.sql → 1 */
	const char *name; /* the file name */
	const char *sql;
};

/*
 * Apply, in order, every migration of `list` newer than the database's
 * version, each in its own transaction with its schema_version row. A failing
 * migration is rolled back and *err names it ("migration 0002_x.sql failed:
 * …", caller frees). *applied counts what was applied. Returns 0 or negative.
 */
int migrate_apply(struct db *db, const struct migration *list, int n, int *applied, char **err);

/*
 * The embedded migrations for `backend` ("sqlite", "postgres"), sorted, into
 * out (at most max): NNNN_name.sql serve both, NNNN_name.sqlite.sql and
 * NNNN_name.pg.sql one each (where the dialects differ). Returns the count.
 */
int migrate_embedded(const char *backend, struct migration *out, int max);

/* migrate_apply with the embedded migrations. */
int migrate_run(struct db *db, int *applied, char **err);

/* The highest applied version, 0 for a new database, negative on error. */
int migrate_version(struct db *db);

#endif
