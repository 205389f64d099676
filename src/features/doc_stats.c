/* doc_stats.c: the e-office's figures (features/doc_stats.h). */
#include <stdlib.h>
#include <string.h>
#include "core/timefmt.h"
#include "features/doc_stats.h"
#include "core/banned.h"

static int32_t local_day(int64_t t)
{
	struct civil c;
	time_to_civil(t, VN_UTC_OFFSET, &c);
	return c.year * 10000 + c.month * 100 + c.day;
}

int doc_stats_add(struct db *db, int64_t agency, int64_t at, int kind, int type, int delta)
{
	if (kind < 1 || kind >= DOC_STAT_KIND_COUNT || type < 1 || type > 29 || agency <= 0)
		return DB_ERROR;
	if (!delta)
		return 0;
	return db_exec(db,
		       "INSERT INTO doc_stats (agency_id, day, kind, type, n) VALUES (?, ?, ?, ?, ?) "
		       "ON CONFLICT (agency_id, day, kind, type) DO UPDATE SET n = doc_stats.n + excluded.n",
		       "iiiii", agency, (int64_t)local_day(at), (int64_t)kind, (int64_t)type, (int64_t)delta);
}

int doc_stats_load(struct db *db, struct arena *a, const struct doc_stats_query *q,
		   struct doc_stats_row **rows, size_t *n_rows)
{
	struct db_stmt *st;
	struct doc_stats_row *r;
	size_t n = q->n_agencies, total = q->n_agencies;
	int rc;

	*rows = NULL;
	*n_rows = 0;
	r = arena_calloc(a, n + 1, sizeof(*r));
	for (size_t i = 0; i < n; i++)
		r[i].agency = q->agencies[i];
	*rows = r;
	*n_rows = n + 1;
	if (!n)
		return 0;
	/* one range of the key per agency: (agency, day, kind, type) */
	for (size_t k = 0; k < n; k++) {
		rc = db_query(
			db, &st,
			"SELECT kind, type, SUM(n) FROM doc_stats WHERE agency_id = ? AND day BETWEEN ? AND ? "
			"GROUP BY kind, type",
			"iii", r[k].agency, (int64_t)q->from, (int64_t)q->to);
		for (; rc == DB_ROW; rc = db_step(st)) {
			int64_t kind = db_col_int(st, 0), type = db_col_int(st, 1), v = db_col_int(st, 2);
			if (kind < 1 || kind >= DOC_STAT_KIND_COUNT || type < 1 || type > 29)
				continue;
			r[k].n[kind][type] += v;
			r[k].n[kind][0] += v;
			r[total].n[kind][type] += v;
			r[total].n[kind][0] += v;
		}
		db_release_statements(db);
		if (rc != DB_DONE)
			return rc;
	}
	return 0;
}
