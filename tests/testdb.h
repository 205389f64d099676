/* testdb.h: a fresh database per test on the backend MOTCUA_TEST_BACKEND names (tests/run.sh sets it). */
#ifndef TESTS_TESTDB_H
#define TESTS_TESTDB_H

#include <stddef.h>

/*
 * The tests run on SQLite unless MOTCUA_TEST_BACKEND is "pg"; then every
 * test gets its own database on the PostgreSQL server whose URL is in
 * MOTCUA_TEST_PG_URL (tests/pg.sh starts a throw-away one). These helpers
 * talk to that server through libpq directly, around motcua's store, so a
 * test can prepare or damage a database the way another program would.
 */

/* 1 when the tests run on PostgreSQL (MOTCUA_TEST_BACKEND=pg). */
int testdb_is_pg(void);

/*
 * CREATE DATABASE t_<random hex> on MOTCUA_TEST_PG_URL and write its URL
 * (the same server, user and options, that database) into `url`. Returns 0,
 * or -1 with a "# " message on stderr.
 */
int testdb_pg_create(char *url, size_t n);

/*
 * Drop a database made by testdb_pg_create, closing the connections still
 * open to it (DROP DATABASE … WITH (FORCE)). Returns 0 or -1 (message on stderr).
 */
int testdb_pg_drop(const char *url);

/*
 * A place for a fresh database: a new temporary folder /tmp/motcua-test-NAME-XXXXXX
 * in `dir` (64 bytes), and in `path` what db_open takes: a file in that folder,
 * or on PostgreSQL the URL of a new database (*pg = 1). Returns 0 or -1.
 */
int testdb_fresh(const char *name, char dir[64], char *path, size_t n, int *pg);
/* Remove what testdb_fresh made: the database (dropped on PostgreSQL) and the folder with its files. */
void testdb_remove(const char *dir, const char *path, int pg);

/* Run one SQL command with no parameters on the database `url`. Returns 0 or -1 (message on stderr). */
int testdb_pg_exec(const char *url, const char *sql);

/* The first column of the only row of `sql` on `url` as a number into *out. Returns 0 or -1. */
int testdb_pg_scalar(const char *url, const char *sql, long long *out);

#endif
