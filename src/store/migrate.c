/* migrate.c: apply embedded, numbered SQL migrations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/embed.h"
#include "core/xalloc.h"
#include "store/migrate.h"
#include "core/banned.h"

#define MAX_MIGRATIONS 512

static const char schema_sql[] = "CREATE TABLE IF NOT EXISTS schema_version ("
				 " version INTEGER PRIMARY KEY,"
				 " name TEXT NOT NULL,"
				 " applied_at TEXT NOT NULL)";

static void set_err(char **err, const char *fmt, const char *a, const char *b)
{
	size_t n;
	if (!err)
		return;
	n = strlen(fmt) + strlen(a) + strlen(b) + 1;
	*err = xmalloc(n);
	snprintf(*err, n, fmt, a, b);
}

int migrate_version(struct db *db)
{
	struct db_stmt *st;
	int rc, version;
	if (db_exec(db, schema_sql, NULL) < 0)
		return DB_ERROR;
	rc = db_query(db, &st, "SELECT COALESCE(MAX(version), 0) FROM schema_version", NULL);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERROR;
	version = (int)db_col_int(st, 0);
	/* finish the statement: one left on a row keeps the connection's read snapshot open */
	while ((rc = db_step(st)) == DB_ROW)
		;
	return rc < 0 ? rc : version;
}

int migrate_apply(struct db *db, const struct migration *list, int n, int *applied, char **err)
{
	int current = migrate_version(db);
	int count = 0;

	if (current < 0) {
		set_err(err, "cannot read schema_version: %s%s", db_errmsg(db), "");
		return current;
	}
	for (int i = 0; i < n; i++) {
		const struct migration *m = &list[i];
		char now[32];
		int rc;
		if (i && m->version <= list[i - 1].version) {
			set_err(err, "migration %s is out of order%s", m->name, "");
			return DB_ERROR;
		}
		if (m->version <= current)
			continue;
		rc = db_begin(db);
		if (!rc) {
			/* another process may have applied it since we looked */
			int now_at = migrate_version(db);
			if (now_at >= m->version) {
				db_rollback(db);
				current = now_at;
				continue;
			}
			rc = now_at < 0 ? now_at : 0;
		}
		if (!rc)
			rc = db_exec_script(db, m->sql);
		if (!rc) {
			snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
			rc = db_exec(
				db, "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
				"iss", (int64_t)m->version, m->name, now);
		}
		if (!rc)
			rc = db_commit(db);
		if (rc) {
			set_err(err, "migration %s failed: %s", m->name, db_errmsg(db));
			db_rollback(db);
			if (applied)
				*applied = count;
			return rc;
		}
		count++;
	}
	if (applied)
		*applied = count;
	return 0;
}

/* 1 when the file is for `backend`: NNNN_name.sql for all, NNNN_name.sqlite.sql or .pg.sql for one. */
static int for_backend(const char *name, const char *backend)
{
	size_t n = strlen(name);
	if (n > 11 && !strcmp(name + n - 11, ".sqlite.sql"))
		return !strcmp(backend, "sqlite");
	if (n > 7 && !strcmp(name + n - 7, ".pg.sql"))
		return !strcmp(backend, "postgres");
	return 1;
}

int migrate_embedded(const char *backend, struct migration *out, int max)
{
	int n = 0;
	/* embed_files is sorted by name, so migrations come in order */
	for (unsigned i = 0; i < embed_count && n < max; i++) {
		const char *name = embed_files[i].name;
		size_t len = strlen(name);
		if (strncmp(name, "migrations/", 11) || len < 15 || strcmp(name + len - 4, ".sql"))
			continue;
		name += 11;
		/* NNNN_name.sql, four digits: anything else is a mistake in the tree */
		if (strspn(name, "0123456789") != 4 || name[4] != '_')
			BUG("migration file names are NNNN_name.sql");
		if (!for_backend(name, backend))
			continue;
		out[n].name = name;
		out[n].version = (int)strtol(name, NULL, 10);
		out[n].sql = (const char *)embed_files[i].data;
		n++;
	}
	return n;
}

int migrate_run(struct db *db, int *applied, char **err)
{
	struct migration list[MAX_MIGRATIONS];
	int n = migrate_embedded(db_backend(db), list, MAX_MIGRATIONS);
	return migrate_apply(db, list, n, applied, err);
}
