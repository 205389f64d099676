/*
 * fixture.h: a fresh, migrated database for a unit test's setup, and its removal at teardown
 * (testdb.h makes the place, store/ opens and migrates it). Header-only because the testdb
 * library links libpq alone, not motcua.
 *
 *	struct fixture { struct testdb_fx tdb; struct db *db; ... };
 *	setup:    fx->db = testdb_open_migrated("name", &fx->tdb); if (!fx->db) return -1;
 *	teardown: testdb_close(&fx->tdb, fx->db);
 */
#ifndef TESTS_UNIT_FIXTURE_H
#define TESTS_UNIT_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include "store/db.h"
#include "store/migrate.h"
#include "testdb.h"

/* Where the database is: what testdb_fresh made; dir[0] is '\0' when there is nothing to remove. */
struct testdb_fx {
	char dir[64];
	char path[320];
	int pg;
};

/*
 * Close `db` (NULL is fine) and remove the database and the folder in `fx`. Once they are
 * removed, or after a failed testdb_open_migrated, it only closes `db`.
 */
static inline void testdb_close(struct testdb_fx *fx, struct db *db)
{
	db_close(db);
	if (!fx->dir[0])
		return;
	testdb_remove(fx->dir, fx->path, fx->pg);
	fx->dir[0] = '\0';
}

/*
 * A new database in `fx` (testdb_fresh, named after `name`), opened and with every migration
 * applied. The caller owns the returned database and gives it back with testdb_close. Returns
 * NULL with a "# " message on stderr, having removed what it made (testdb_close is then a no-op).
 */
static inline struct db *testdb_open_migrated(const char *name, struct testdb_fx *fx)
{
	struct db *db = NULL;
	char *err = NULL;
	int applied = 0;

	if (testdb_fresh(name, fx->dir, fx->path, sizeof(fx->path), &fx->pg)) {
		fprintf(stderr, "# cannot make a test database for '%s'\n", name);
		fx->dir[0] = '\0';
		return NULL;
	}
	db = db_open(fx->path, &err);
	if (!db || migrate_run(db, &applied, &err)) {
		fprintf(stderr, "# %s\n", err ? err : "cannot open the database");
		free(err);
		db_close(db);
		testdb_close(fx, NULL);
		return NULL;
	}
	return db;
}

#endif
