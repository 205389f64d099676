/* testdb.c: fresh PostgreSQL databases for tests, through libpq (see testdb.h). */
#include <libpq-fe.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include "testdb.h"

int testdb_is_pg(void)
{
	const char *b = getenv("MOTCUA_TEST_BACKEND");
	return b && (!strcmp(b, "pg") || !strcmp(b, "postgres") || !strcmp(b, "postgresql"));
}

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static PGconn *connect_url(const char *url)
{
	PGconn *c = PQconnectdb(url);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "# cannot connect to '%s': %s", url, PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	/* no NOTICEs (DROP … IF EXISTS) in the test output */
	PQsetNoticeProcessor(c, quiet, NULL);
	return c;
}

static int run(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		fprintf(stderr, "# \"%s\" failed: %s", sql, PQerrorMessage(c));
	PQclear(r);
	return ok ? 0 : -1;
}

/*
 * `base` with its database name replaced by `name` into out: the path of
 * postgresql://user@host:port/db?options. Returns 0 or -1 when it does not fit.
 */
static int url_with_db(const char *base, const char *name, char *out, size_t n)
{
	const char *auth = strstr(base, "://");
	const char *path, *query;
	int len;
	if (!auth)
		return -1;
	auth += 3;
	path = auth + strcspn(auth, "/?");
	query = path + strcspn(path, "?");
	len = snprintf(out, n, "%.*s/%s%s", (int)(path - base), base, name, query);
	return len < 0 || (size_t)len >= n ? -1 : 0;
}

/* The database name of a URL made by testdb_pg_create into out; -1 if it is not one of ours. */
static int db_name(const char *url, char *out, size_t n)
{
	const char *auth = strstr(url, "://");
	const char *p;
	size_t len;
	if (!auth)
		return -1;
	p = auth + 3 + strcspn(auth + 3, "/?");
	if (*p != '/')
		return -1;
	p++;
	len = strcspn(p, "?");
	/* t_ and 16 hex digits: nothing else is ever dropped */
	if (len != 18 || strncmp(p, "t_", 2) || strspn(p + 2, "0123456789abcdef") != 16 || len >= n)
		return -1;
	memcpy(out, p, len);
	out[len] = '\0';
	return 0;
}

static const char *base_url(void)
{
	const char *base = getenv("MOTCUA_TEST_PG_URL");
	if (!base || !*base) {
		fprintf(stderr,
			"# MOTCUA_TEST_BACKEND=pg needs MOTCUA_TEST_PG_URL (tests/run.sh sets both)\n");
		return NULL;
	}
	return base;
}

int testdb_pg_create(char *url, size_t n)
{
	const char *base = base_url();
	unsigned char rnd[8];
	char name[32], sql[64];
	PGconn *c;
	int rc;

	if (!base)
		return -1;
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -1;
	snprintf(name, sizeof(name), "t_");
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(name + 2 + 2 * i, sizeof(name) - 2 - 2 * i, "%02x", rnd[i]);
	if (url_with_db(base, name, url, n)) {
		fprintf(stderr, "# MOTCUA_TEST_PG_URL '%s' is too long\n", base);
		return -1;
	}
	c = connect_url(base);
	if (!c)
		return -1;
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	rc = run(c, sql);
	PQfinish(c);
	return rc;
}

int testdb_pg_drop(const char *url)
{
	const char *base = base_url();
	char name[32], sql[80];
	PGconn *c;
	int rc;

	if (!base)
		return -1;
	if (db_name(url, name, sizeof(name))) {
		fprintf(stderr, "# '%s' is not a test database; not dropping it\n", url);
		return -1;
	}
	c = connect_url(base);
	if (!c)
		return -1;
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
	rc = run(c, sql);
	PQfinish(c);
	return rc;
}

int testdb_pg_exec(const char *url, const char *sql)
{
	PGconn *c = connect_url(url);
	int rc;
	if (!c)
		return -1;
	rc = run(c, sql);
	PQfinish(c);
	return rc;
}

int testdb_pg_scalar(const char *url, const char *sql, long long *out)
{
	PGconn *c = connect_url(url);
	PGresult *r;
	int rc = -1;
	if (!c)
		return -1;
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 || PQnfields(r) < 1 ||
	    PQgetisnull(r, 0, 0))
		fprintf(stderr, "# \"%s\" gave no single value: %s", sql, PQerrorMessage(c));
	else {
		*out = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		rc = 0;
	}
	PQclear(r);
	PQfinish(c);
	return rc;
}

int testdb_fresh(const char *name, char dir[64], char *path, size_t n, int *pg)
{
	snprintf(dir, 64, "/tmp/motcua-test-%s-XXXXXX", name);
	if (!mkdtemp(dir))
		return -1;
	*pg = testdb_is_pg();
	if (!*pg) {
		snprintf(path, n, "%s/test.db", dir);
		return 0;
	}
	if (testdb_pg_create(path, n)) {
		rmdir(dir);
		return -1;
	}
	return 0;
}

void testdb_remove(const char *dir, const char *path, int pg)
{
	DIR *d;
	struct dirent *e;
	if (pg)
		testdb_pg_drop(path);
	d = opendir(dir);
	if (d) {
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				unlinkat(dirfd(d), e->d_name, 0);
		closedir(d);
	}
	rmdir(dir);
}
