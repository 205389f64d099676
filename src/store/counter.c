/* counter.c: gapless counters (portable SQL: ON CONFLICT … RETURNING). */
#include "store/counter.h"
#include "core/banned.h"

int counter_next(struct db *db, const char *name, const char *scope, const char *period, int64_t *out)
{
	struct db_stmt *st;
	int rc = db_query(db, &st,
			  "INSERT INTO counters (name, scope, period, value) VALUES (?, ?, ?, 1) "
			  "ON CONFLICT (name, scope, period) DO UPDATE SET value = counters.value + 1 "
			  "RETURNING value",
			  "sss", name, scope, period);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERROR;
	*out = db_col_int(st, 0);
	/* finish the statement so the write is complete before the caller goes on */
	while ((rc = db_step(st)) == DB_ROW)
		;
	return rc;
}

int counter_peek(struct db *db, const char *name, const char *scope, const char *period, int64_t *out)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT value FROM counters WHERE name = ? AND scope = ? AND period = ?",
			  "sss", name, scope, period);
	if (rc < 0)
		return rc;
	*out = rc == DB_ROW ? db_col_int(st, 0) : 0;
	/* finish the statement: one left on a row keeps the connection's read snapshot open */
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : 0;
}
