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

int doc_stats_add(struct db *db, int64_t agency, int64_t unit, int64_t at, int kind, int type, int delta)
{
	if (kind < 1 || kind >= DOC_STAT_KIND_COUNT || type < 1 || type > 29 || agency <= 0 || unit <= 0)
		return DB_ERROR;
	if (!delta)
		return 0;
	return db_exec(
		db,
		"INSERT INTO doc_stats (agency_id, day, unit_id, kind, type, n) VALUES (?, ?, ?, ?, ?, ?) "
		"ON CONFLICT (agency_id, day, unit_id, kind, type) DO UPDATE SET n = doc_stats.n + excluded.n",
		"iiiiii", agency, (int64_t)local_day(at), unit, (int64_t)kind, (int64_t)type, (int64_t)delta);
}

/*
 * The unit directly under `agency` that holds `unit` (its department), or `agency` for the
 * agency itself and for a unit not (or no longer) inside the agency's own part of the tree.
 */
static int64_t department_of(const struct unit_tree *t, int64_t agency, int64_t unit)
{
	int64_t below = 0;
	for (int depth = 0; depth < 16 && unit; depth++) {
		long i = unit_tree_find(t, unit);
		if (i < 0)
			return agency;
		if (unit == agency)
			return below ? below : agency;
		if (t->level[i]) /* another agency */
			return agency;
		below = unit;
		unit = t->parent[i];
	}
	return agency;
}

static void row_add(struct doc_stats_row *r, int64_t kind, int64_t type, int64_t v)
{
	r->n[kind][type] += v;
	r->n[kind][0] += v;
}

/*
 * Read `agency`'s counts of days [from, to] (one range of the key) and hand them to fn per unit,
 * kind and type (a day's or a period's: fn adds them up). 0, or a negative enum db_rc.
 */
static int agency_scan(struct db *db, int64_t agency, int32_t from, int32_t to,
		       void (*fn)(void *ctx, int64_t unit, int64_t kind, int64_t type, int64_t v), void *ctx)
{
	/*
	 * PostgreSQL sums by hashing in the server and sends a few hundred rows; SQLite would sort the
	 * whole range for a GROUP BY, so it sends the days and fn adds them up (bench_documents)
	 */
	const char *sql =
		strcmp(db_backend(db), "postgres")
			? "SELECT unit_id, kind, type, n FROM doc_stats WHERE agency_id = ? AND day BETWEEN ? AND ?"
			: "SELECT unit_id, kind, type, SUM(n) FROM doc_stats WHERE agency_id = ? AND day BETWEEN ? "
			  "AND ? GROUP BY unit_id, kind, type";
	struct db_stmt *st;
	int rc = db_query(db, &st, sql, "iii", agency, (int64_t)from, (int64_t)to);
	for (; rc == DB_ROW; rc = db_step(st)) {
		int64_t unit = db_col_int(st, 0), kind = db_col_int(st, 1), type = db_col_int(st, 2);
		if (kind < 1 || kind >= DOC_STAT_KIND_COUNT || type < 1 || type > 29)
			continue;
		fn(ctx, unit, kind, type, db_col_int(st, 3));
	}
	db_release_statements(db);
	return rc == DB_DONE ? 0 : rc < 0 ? rc : DB_ERROR;
}

struct load_ctx {
	const struct unit_tree *t;
	struct doc_stats_row *row, *total;
};

static void load_one(void *ctx, int64_t unit, int64_t kind, int64_t type, int64_t v)
{
	struct load_ctx *c = ctx;
	/* an agency's row takes all its units; a department's those inside it */
	if (c->row->unit != c->row->agency && !unit_tree_within(c->t, unit, c->row->unit))
		return;
	row_add(c->row, kind, type, v);
	row_add(c->total, kind, type, v);
}

int doc_stats_load(struct db *db, struct arena *a, const struct unit_tree *t, const struct doc_stats_query *q,
		   struct doc_stats_row **rows, size_t *n_rows)
{
	struct doc_stats_row *r;
	size_t n = q->n_units;

	*rows = NULL;
	*n_rows = 0;
	r = arena_calloc(a, n + 1, sizeof(*r));
	*rows = r;
	*n_rows = n + 1;
	for (size_t k = 0; k < n; k++) {
		struct load_ctx c = { t, &r[k], &r[n] };
		int rc;
		r[k].unit = q->units[k];
		r[k].agency = unit_tree_agency(t, q->units[k]);
		if (!r[k].agency)
			continue;
		if ((rc = agency_scan(db, r[k].agency, q->from, q->to, load_one, &c)))
			return rc;
	}
	return 0;
}

struct split_ctx {
	const struct unit_tree *t;
	struct doc_stats_row *rows; /* [0] the agency's own, [1..ndeps] departments, [ndeps + 1] total */
	size_t ndeps;
};

static void split_one(void *ctx, int64_t unit, int64_t kind, int64_t type, int64_t v)
{
	struct split_ctx *c = ctx;
	int64_t agency = c->rows[0].unit, dep = department_of(c->t, agency, unit);
	size_t k = 0;
	for (size_t i = 1; dep != agency && i <= c->ndeps; i++)
		if (c->rows[i].unit == dep)
			k = i;
	row_add(&c->rows[k], kind, type, v);
	row_add(&c->rows[c->ndeps + 1], kind, type, v);
}

static int row_empty(const struct doc_stats_row *r)
{
	for (int k = 1; k < DOC_STAT_KIND_COUNT; k++)
		if (r->n[k][0])
			return 0;
	return 1;
}

int doc_stats_load_departments(struct db *db, struct arena *a, const struct unit_tree *t, int64_t agency,
			       int32_t from, int32_t to, struct doc_stats_row **rows, size_t *n_rows)
{
	struct split_ctx c = { t, NULL, 0 };
	long ai = unit_tree_find(t, agency);
	size_t cap = 0, out = 1;
	int rc;

	*rows = NULL;
	*n_rows = 0;
	for (size_t i = 0; ai >= 0 && t->level[ai] && i < t->n; i++)
		cap += t->parent[i] == agency && !t->level[i];
	c.rows = arena_calloc(a, cap + 2, sizeof(*c.rows));
	c.rows[0].unit = c.rows[0].agency = agency;
	c.rows[0].own = 1;
	for (size_t i = 0; cap && i < t->n; i++)
		if (t->parent[i] == agency && !t->level[i]) {
			c.ndeps++;
			c.rows[c.ndeps].unit = t->id[i];
			c.rows[c.ndeps].agency = agency;
		}
	c.rows[c.ndeps + 1].unit = c.rows[c.ndeps + 1].agency = agency;
	if (ai >= 0 && t->level[ai] && (rc = agency_scan(db, agency, from, to, split_one, &c)))
		return rc;
	/* an inactive department only when it has figures; the total moves down with the rest */
	for (size_t i = 1; i <= c.ndeps + 1; i++) {
		if (i <= c.ndeps && !t->active[unit_tree_find(t, c.rows[i].unit)] && row_empty(&c.rows[i]))
			continue;
		if (out != i)
			c.rows[out] = c.rows[i];
		out++;
	}
	*rows = c.rows;
	*n_rows = out;
	return 0;
}
