/* dossier_stats.c: the one-stop shop's statistics: sums of dossier_stats and dossier_pending, the overdue
 * count. */
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "core/timefmt.h"
#include "features/dossier_stats.h"
#include "rules/dossier.h"
#include "core/banned.h"

/* Procedure codes named at once in one IN list (the catalogue's names). */
#define NAMES_CHUNK 200

int dossier_counts_on_time_permille(const struct dossier_counts *c)
{
	if (c->finished <= 0)
		return -1;
	return (int)(((c->early + c->on_time) * 1000 + c->finished / 2) / c->finished);
}

int dossier_counts_online_permille(const struct dossier_counts *c)
{
	if (c->received <= 0)
		return -1;
	return (int)((c->online_received * 1000 + c->received / 2) / c->received);
}

int64_t dossier_stats_day_number(int32_t ymd)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (ymd <= 0 || y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1] + (m == 2 && leap))
		return -1;
	return days_from_civil(y, m, d);
}

int32_t dossier_stats_day_from_number(int64_t days)
{
	struct civil c;
	time_to_civil(days * 86400, 0, &c);
	return c.year * 10000 + c.month * 100 + c.day;
}

static void counts_add(struct dossier_counts *to, const struct dossier_counts *c)
{
	to->submitted += c->submitted;
	to->received += c->received;
	to->online_received += c->online_received;
	to->finished += c->finished;
	to->early += c->early;
	to->on_time += c->on_time;
	to->late += c->late;
	to->refused += c->refused;
	to->withdrawn += c->withdrawn;
	to->returned += c->returned;
	to->pending += c->pending;
	to->overdue += c->overdue;
}

static void counts_sub(struct dossier_counts *to, const struct dossier_counts *c)
{
	struct dossier_counts n = { 0 };
	n.submitted = -c->submitted;
	n.received = -c->received;
	n.online_received = -c->online_received;
	n.finished = -c->finished;
	n.early = -c->early;
	n.on_time = -c->on_time;
	n.late = -c->late;
	n.refused = -c->refused;
	n.withdrawn = -c->withdrawn;
	n.returned = -c->returned;
	n.pending = -c->pending;
	n.overdue = -c->overdue;
	counts_add(to, &n);
}

static int finish(struct db_stmt *st, int rc)
{
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : 0;
}

/* ---- lookups while summing ---- */

struct unit_slot {
	int64_t id;
	size_t idx;
};

static int slot_cmp(const void *a, const void *b)
{
	int64_t x = ((const struct unit_slot *)a)->id, y = ((const struct unit_slot *)b)->id;
	return (x > y) - (x < y);
}

struct summing {
	struct arena *a;
	struct dossier_stats *out;
	struct unit_slot *slots; /* the units sorted by id, with their index in out->units */
	size_t cap;		 /* of out->procs */
	int64_t first_day;	 /* day number of the period's first day */
};

static struct dossier_stats_unit *unit_of(struct summing *s, int64_t id)
{
	struct unit_slot key = { id, 0 }, *hit;
	hit = bsearch(&key, s->slots, s->out->nunits, sizeof(*s->slots), slot_cmp);
	return hit ? &s->out->units[hit->idx] : NULL;
}

/* The procedure `code` in out->procs (sorted by code), added when new. */
static struct dossier_stats_proc *proc_of(struct summing *s, const char *code)
{
	struct dossier_stats *o = s->out;
	size_t lo = 0, hi = o->nprocs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(o->procs[mid].code, code);
		if (!c)
			return &o->procs[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (o->nprocs == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		struct dossier_stats_proc *p = arena_calloc(s->a, cap, sizeof(*p));
		if (o->nprocs)
			memcpy(p, o->procs, o->nprocs * sizeof(*p));
		o->procs = p;
		s->cap = cap;
	}
	memmove(&o->procs[lo + 1], &o->procs[lo], (o->nprocs - lo) * sizeof(*o->procs));
	memset(&o->procs[lo], 0, sizeof(o->procs[lo]));
	o->procs[lo].code = arena_strdup(s->a, code);
	o->procs[lo].name = "";
	o->nprocs++;
	return &o->procs[lo];
}

/* "col IN (?, ?, …)" for n values. */
static void in_list(struct buf *sql, const char *col, size_t n)
{
	buf_addf(sql, "%s IN (", col);
	for (size_t i = 0; i < n; i++)
		buf_adds(sql, i ? ", ?" : "?");
	buf_adds(sql, ")");
}

/* Prepare sql, bind the units then (when given) the extra values; NULL on error. */
static struct db_stmt *prepare_units(struct db *db, const struct buf *sql,
				     const struct dossier_stats_query *q, int *next)
{
	struct db_stmt *st = buf_err(sql) ? NULL : db_prepare(db, sql->ptr);
	*next = 1;
	if (!st)
		return NULL;
	for (size_t i = 0; i < q->nunits; i++)
		db_bind_int(st, (*next)++, q->units[i]);
	return st;
}

static int has_procedure(const struct dossier_stats_query *q)
{
	return q->procedure_code && *q->procedure_code;
}

/* ---- the three reads ---- */

/*
 * The period's rows of dossier_stats, summed here rather than by GROUP BY:
 * adding ten integers in C costs less than ten SQL aggregates a row (a
 * year of a district and its wards is some 100,000 rows). The primary key
 * (unit_id, day, procedure_code, channel) finds them in that order, so the
 * unit, the day and the procedure of a row are mostly those of the last.
 */
static int read_days(struct db *db, struct summing *s, const struct dossier_stats_query *q)
{
	struct buf sql;
	struct db_stmt *st;
	struct dossier_stats_unit *u = NULL;
	struct dossier_stats_proc *p = NULL;
	int64_t last_unit = 0, last_ymd = 0, day = -1;
	int rc, i;
	buf_init(&sql, 64 * 1024);
	buf_adds(&sql, "SELECT unit_id, day, procedure_code, channel, submitted, received, finished, early, "
		       "on_time, late, refused, withdrawn, returned FROM dossier_stats WHERE ");
	in_list(&sql, "unit_id", q->nunits);
	buf_adds(&sql, " AND day >= ? AND day <= ?");
	if (has_procedure(q))
		buf_adds(&sql, " AND procedure_code = ?");
	st = prepare_units(db, &sql, q, &i);
	buf_release(&sql);
	if (!st)
		return DB_ERROR;
	db_bind_int(st, i++, q->from);
	db_bind_int(st, i++, q->to);
	if (has_procedure(q))
		db_bind_text(st, i++, q->procedure_code, strlen(q->procedure_code));
	for (rc = db_step(st); rc == DB_ROW; rc = db_step(st)) {
		struct dossier_counts c;
		int64_t unit = db_col_int(st, 0), ymd = db_col_int(st, 1);
		const char *code = db_col_text(st, 2);
		if (!u || unit != last_unit) {
			u = unit_of(s, unit);
			last_unit = unit;
		}
		if (ymd != last_ymd) {
			day = dossier_stats_day_number((int32_t)ymd) - s->first_day;
			last_ymd = ymd;
		}
		if (!u || day < 0 || (size_t)day >= s->out->ndays || !code)
			continue;
		if (!p || strcmp(p->code, code))
			p = proc_of(s, code);
		memset(&c, 0, sizeof(c));
		c.submitted = db_col_int(st, 4);
		c.received = db_col_int(st, 5);
		c.online_received = db_col_int(st, 3) == DCH_ONLINE ? c.received : 0;
		c.finished = db_col_int(st, 6);
		c.early = db_col_int(st, 7);
		c.on_time = db_col_int(st, 8);
		c.late = db_col_int(st, 9);
		c.refused = db_col_int(st, 10);
		c.withdrawn = db_col_int(st, 11);
		c.returned = db_col_int(st, 12);
		counts_add(&u->c, &c);
		counts_add(&s->out->days[day].c, &c);
		counts_add(&p->c, &c);
	}
	return finish(st, rc);
}

/* The counters of a row, from column `first` on (submitted … returned), channel at column `chan`. */
static void row_counts(struct db_stmt *st, int first, int chan, struct dossier_counts *c)
{
	memset(c, 0, sizeof(*c));
	c->submitted = db_col_int(st, first);
	c->received = db_col_int(st, first + 1);
	c->online_received = db_col_int(st, chan) == DCH_ONLINE ? c->received : 0;
	c->finished = db_col_int(st, first + 2);
	c->early = db_col_int(st, first + 3);
	c->on_time = db_col_int(st, first + 4);
	c->late = db_col_int(st, first + 5);
	c->refused = db_col_int(st, first + 6);
	c->withdrawn = db_col_int(st, first + 7);
	c->returned = db_col_int(st, first + 8);
}

#define COUNTER_COLUMNS "submitted, received, finished, early, on_time, late, refused, withdrawn, returned"

static int month_days(int64_t yyyymm)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y = (int)(yyyymm / 100), m = (int)(yyyymm % 100);
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m < 1 || m > 12 ? 31 : mdays[m - 1] + (m == 2 && leap);
}

static int64_t month_next(int64_t yyyymm)
{
	return yyyymm % 100 == 12 ? (yyyymm / 100 + 1) * 100 + 1 : yyyymm + 1;
}

static int64_t month_prev(int64_t yyyymm)
{
	return yyyymm % 100 == 1 ? (yyyymm / 100 - 1) * 100 + 12 : yyyymm - 1;
}

/*
 * Add (sign 1) or take off (-1) the rows of `table` (dossier_stats_month by `month`, or
 * dossier_stats by `day`) whose `column` is lo…hi, to the procedures.
 */
static int add_procedures(struct db *db, struct summing *s, const struct dossier_stats_query *q,
			  const char *table, const char *column, int64_t lo, int64_t hi, int sign)
{
	struct dossier_stats_proc *p = NULL;
	struct db_stmt *st;
	struct buf sql;
	int rc, i;
	buf_init(&sql, 64 * 1024);
	buf_addf(&sql, "SELECT unit_id, procedure_code, channel, " COUNTER_COLUMNS " FROM %s WHERE ", table);
	in_list(&sql, "unit_id", q->nunits);
	buf_addf(&sql, " AND %s >= ? AND %s <= ?", column, column);
	st = prepare_units(db, &sql, q, &i);
	buf_release(&sql);
	if (!st)
		return DB_ERROR;
	db_bind_int(st, i++, lo);
	db_bind_int(st, i++, hi);
	for (rc = db_step(st); rc == DB_ROW; rc = db_step(st)) {
		struct dossier_counts c;
		const char *code = db_col_text(st, 1);
		if (!code || !unit_of(s, db_col_int(st, 0)))
			continue;
		if (!p || strcmp(p->code, code))
			p = proc_of(s, code);
		row_counts(st, 3, 2, &c);
		if (sign < 0)
			counts_sub(&p->c, &c);
		else
			counts_add(&p->c, &c);
	}
	return finish(st, rc);
}

/* Today's date as YYYYMMDD, local (as the rows are dated). */
static int64_t today_ymd(int64_t now)
{
	struct civil c;
	time_to_civil(now, VN_UTC_OFFSET, &c);
	return (int64_t)c.year * 10000 + c.month * 100 + c.day;
}

/*
 * Without a procedure asked: the totals and the daily series from the
 * unit's days (dossier_stats_unit_day), the procedures from the whole
 * months of the period (dossier_stats_month) and the days of its partial
 * months at either end (dossier_stats): a year reads some 30,000 rows
 * instead of 370,000, whatever the number of dossiers.
 */
static int read_rollups(struct db *db, struct summing *s, const struct dossier_stats_query *q)
{
	struct buf sql;
	struct db_stmt *st;
	struct dossier_stats_unit *u = NULL;
	int64_t last_unit = 0, last_ymd = 0, day = -1;
	int64_t fm = q->from / 100, lm = q->to / 100;
	int rc, i;

	buf_init(&sql, 64 * 1024);
	buf_adds(&sql,
		 "SELECT unit_id, day, channel, " COUNTER_COLUMNS " FROM dossier_stats_unit_day WHERE ");
	in_list(&sql, "unit_id", q->nunits);
	buf_adds(&sql, " AND day >= ? AND day <= ?");
	st = prepare_units(db, &sql, q, &i);
	buf_release(&sql);
	if (!st)
		return DB_ERROR;
	db_bind_int(st, i++, q->from);
	db_bind_int(st, i++, q->to);
	for (rc = db_step(st); rc == DB_ROW; rc = db_step(st)) {
		struct dossier_counts c;
		int64_t unit = db_col_int(st, 0), ymd = db_col_int(st, 1);
		if (!u || unit != last_unit) {
			u = unit_of(s, unit);
			last_unit = unit;
		}
		if (ymd != last_ymd) {
			day = dossier_stats_day_number((int32_t)ymd) - s->first_day;
			last_ymd = ymd;
		}
		if (!u || day < 0 || (size_t)day >= s->out->ndays)
			continue;
		row_counts(st, 3, 2, &c);
		counts_add(&u->c, &c);
		counts_add(&s->out->days[day].c, &c);
	}
	if ((rc = finish(st, rc)))
		return rc;

	/*
	 * The procedures: the month rows of the months fm..lm, corrected by the
	 * day rows of two day ranges (a sign each) for the partial months at the
	 * period's ends. A partial month is read either as its days inside the
	 * period (+1) or, when fewer days lie outside, as its whole month less
	 * those days (-1). No statistic is dated after today (a row is the day
	 * of an event), so a month is whole up to today: "this month" and the
	 * last 365 days read their current month's rows, not its days.
	 */
	{
		int64_t today = q->now > 0 ? today_ymd(q->now) : INT64_MAX;
		int64_t fend = fm * 100 + month_days(fm), lstart = lm * 100 + 1;
		int64_t lend = lm * 100 + month_days(lm);
		int64_t lo[2] = { 0, 0 }, hi[2] = { -1, -1 };
		int sign[2] = { 1, 1 };

		int64_t lcap = lend < today ? lend : today; /* the last month's last day with rows */

		if (q->to >= lcap) {
			/* the last month is whole (up to today) */
		} else if (fm == lm || q->to % 100 <= lcap - q->to) {
			/* its days up to `to` */
			lo[1] = fm == lm ? q->from : lstart;
			hi[1] = q->to;
			lm = month_prev(lm);
		} else {
			/* the month less its days after `to` */
			lo[1] = q->to + 1;
			hi[1] = lcap;
			sign[1] = -1;
		}
		if (q->from % 100 != 1 && fm <= lm) {
			int64_t upto = fend < today ? fend : today;
			if (q->from % 100 - 1 < upto - q->from + 1) {
				/* the month less its days before `from` */
				lo[0] = fm * 100 + 1;
				hi[0] = q->from - 1;
				sign[0] = -1;
			} else {
				/* its days from `from` */
				lo[0] = q->from;
				hi[0] = fend;
				fm = month_next(fm);
			}
		}
		if (fm <= lm && (rc = add_procedures(db, s, q, "dossier_stats_month", "month", fm, lm, 1)))
			return rc;
		/* each range on its own: an OR of two ranges would not be read on the key */
		for (int k = 0; k < 2; k++)
			if (lo[k] <= hi[k] &&
			    (rc = add_procedures(db, s, q, "dossier_stats", "day", lo[k], hi[k], sign[k])))
				return rc;
	}
	return 0;
}

/* Pending now (dossier_pending), per unit and procedure. */
static int read_pending(struct db *db, struct summing *s, const struct dossier_stats_query *q)
{
	struct buf sql;
	struct db_stmt *st;
	int rc, i;
	buf_init(&sql, 64 * 1024);
	buf_adds(&sql, "SELECT unit_id, procedure_code, SUM(pending) FROM dossier_pending WHERE ");
	in_list(&sql, "unit_id", q->nunits);
	if (has_procedure(q))
		buf_adds(&sql, " AND procedure_code = ?");
	buf_adds(&sql, " GROUP BY unit_id, procedure_code");
	st = prepare_units(db, &sql, q, &i);
	buf_release(&sql);
	if (!st)
		return DB_ERROR;
	if (has_procedure(q))
		db_bind_text(st, i++, q->procedure_code, strlen(q->procedure_code));
	for (rc = db_step(st); rc == DB_ROW; rc = db_step(st)) {
		struct dossier_stats_unit *u = unit_of(s, db_col_int(st, 0));
		const char *code = db_col_text(st, 1);
		int64_t n = db_col_int(st, 2);
		if (!u || !code || !n)
			continue;
		u->c.pending += n;
		proc_of(s, code)->c.pending += n;
	}
	return finish(st, rc);
}

/*
 * Overdue now: open (received, processing, awaiting the fee) past the due
 * instant, as the work queue DQ_OVERDUE counts them (a dossier waiting for
 * the citizen's papers is paused, a decided one is not late any more).
 * Counted per unit on the index dossiers_open (receiving_unit, status,
 * due_at) alone, without reading a dossier; hence not per procedure, which
 * would read each overdue dossier (unless one procedure is asked, when the
 * count is that procedure's).
 */
static int read_overdue(struct db *db, struct summing *s, const struct dossier_stats_query *q)
{
	struct buf sql;
	struct db_stmt *st;
	int rc, i;
	buf_init(&sql, 64 * 1024);
	buf_adds(&sql, "SELECT receiving_unit, COUNT(*) FROM dossiers WHERE ");
	in_list(&sql, "receiving_unit", q->nunits);
	buf_addf(&sql, " AND status IN (%d, %d, %d) AND due_at > 0 AND due_at < ?", DS_RECEIVED,
		 DS_PROCESSING, DS_AWAITING_FEE);
	if (has_procedure(q))
		buf_adds(&sql, " AND procedure_code = ?");
	buf_adds(&sql, " GROUP BY receiving_unit");
	st = prepare_units(db, &sql, q, &i);
	buf_release(&sql);
	if (!st)
		return DB_ERROR;
	db_bind_int(st, i++, q->now);
	if (has_procedure(q))
		db_bind_text(st, i++, q->procedure_code, strlen(q->procedure_code));
	for (rc = db_step(st); rc == DB_ROW; rc = db_step(st)) {
		struct dossier_stats_unit *u = unit_of(s, db_col_int(st, 0));
		if (u)
			u->c.overdue += db_col_int(st, 1);
	}
	if ((rc = finish(st, rc)))
		return rc;
	if (has_procedure(q)) {
		int64_t n = 0;
		for (size_t k = 0; k < s->out->nunits; k++)
			n += s->out->units[k].c.overdue;
		if (n)
			proc_of(s, q->procedure_code)->c.overdue = n;
	}
	return 0;
}

/* The catalogue's names of the procedures found (published version, else the latest). */
static int read_names(struct db *db, struct summing *s)
{
	struct dossier_stats *o = s->out;
	for (size_t at = 0; at < o->nprocs; at += NAMES_CHUNK) {
		size_t n = o->nprocs - at < NAMES_CHUNK ? o->nprocs - at : NAMES_CHUNK;
		struct buf sql;
		struct db_stmt *st;
		int rc;
		buf_init(&sql, 64 * 1024);
		buf_adds(&sql, "SELECT p.code, v.name FROM procedures p JOIN procedure_versions v ON "
			       "v.procedure_id = p.id AND v.version = COALESCE(p.published_version, "
			       "p.latest_version) WHERE ");
		in_list(&sql, "p.code", n);
		st = buf_err(&sql) ? NULL : db_prepare(db, sql.ptr);
		buf_release(&sql);
		if (!st)
			return DB_ERROR;
		for (size_t i = 0; i < n; i++)
			db_bind_text(st, (int)i + 1, o->procs[at + i].code, strlen(o->procs[at + i].code));
		for (rc = db_step(st); rc == DB_ROW; rc = db_step(st)) {
			const char *code = db_col_text(st, 0), *name = db_col_text(st, 1);
			for (size_t i = 0; code && name && i < n; i++)
				if (!strcmp(o->procs[at + i].code, code))
					o->procs[at + i].name = arena_strdup(s->a, name);
		}
		if ((rc = finish(st, rc)))
			return rc;
	}
	return 0;
}

int dossier_stats_load(struct db *db, struct arena *a, const struct dossier_stats_query *q,
		       struct dossier_stats *out)
{
	struct summing s = { 0 };
	int64_t first = dossier_stats_day_number(q->from), last = dossier_stats_day_number(q->to);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!q->units || !q->nunits || first < 0 || last < first || last - first + 1 > DOSSIER_STATS_MAX_DAYS)
		return -1;
	s.a = a;
	s.out = out;
	s.first_day = first;
	out->ndays = (size_t)(last - first + 1);
	out->days = arena_calloc(a, out->ndays, sizeof(*out->days));
	for (size_t i = 0; i < out->ndays; i++)
		out->days[i].day = dossier_stats_day_from_number(first + (int64_t)i);
	out->nunits = q->nunits;
	out->units = arena_calloc(a, q->nunits, sizeof(*out->units));
	s.slots = arena_calloc(a, q->nunits, sizeof(*s.slots));
	for (size_t i = 0; i < q->nunits; i++) {
		out->units[i].unit_id = q->units[i];
		s.slots[i] = (struct unit_slot){ q->units[i], i };
	}
	qsort(s.slots, q->nunits, sizeof(*s.slots), slot_cmp);

	if ((rc = has_procedure(q) ? read_days(db, &s, q) : read_rollups(db, &s, q)) ||
	    (rc = read_pending(db, &s, q)) || (rc = read_overdue(db, &s, q)) || (rc = read_names(db, &s)))
		return rc;
	for (size_t i = 0; i < out->nunits; i++)
		counts_add(&out->total, &out->units[i].c);
	return 0;
}
