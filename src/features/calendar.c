/* calendar.c (features): the working-time calendar kept in the database, and the snapshot every thread reads.
 */
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/timefmt.h"
#include "core/xalloc.h"
#include "features/calendar.h"
#include "features/settings.h"
#include "store/counter.h"
#include "core/banned.h"

/*
 * The version of the calendar, in the settings: a random token written anew
 * in the transaction of every change an admin makes. calendar_current keeps
 * the calendar in memory for a token and reads it again when the token
 * differs, so a change made through one server reaches all of them.
 */
#define VERSION_KEY "calendar_version"
#define TOKEN_SIZE  33 /* 32 hex digits */

/* Years the database may hold: the lunar rules serve these well. */
#define YEAR_FLOOR 1900
#define YEAR_CEIL  2199
/* The law's days off in a year: 12 or so, never near this. */
#define YEAR_DEFAULTS_MAX 32

static const char *const kind_names[] = { [CAL_HOLIDAY] = "holiday", [CAL_WORKDAY] = "workday" };

const char *calendar_kind_name(int kind)
{
	return kind == CAL_HOLIDAY || kind == CAL_WORKDAY ? kind_names[kind] : NULL;
}

int calendar_kind_from_name(const char *name)
{
	if (name && !strcmp(name, "holiday"))
		return CAL_HOLIDAY;
	if (name && !strcmp(name, "workday"))
		return CAL_WORKDAY;
	return 0;
}

/* Step a statement to its end: the read is over and the statement can be used again. */
static int finish(struct db_stmt *st, int rc)
{
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : 0;
}

static int64_t now_seconds(void)
{
	return time_now_us() / 1000000;
}

/* The year (Vietnam time) of an instant, and of a local date. */
static int year_of_date(int32_t date)
{
	int y, m, d;
	cal_ymd(date, &y, &m, &d);
	return y;
}

static int year_of(int64_t t)
{
	int64_t l = t + VN_UTC_OFFSET, day = l / 86400 - (l % 86400 < 0);
	if (day < INT32_MIN || day > INT32_MAX)
		return day < 0 ? YEAR_FLOOR - 1 : YEAR_CEIL + 1;
	return year_of_date((int32_t)day);
}

static int clamp_year(int y)
{
	return y < YEAR_FLOOR ? YEAR_FLOOR : y > YEAR_CEIL ? YEAR_CEIL : y;
}

/* ---- storing years ---- */

/* Store `year` with the law's days off unless it is stored already (inside a write transaction). */
static int year_store(struct db *db, int year, int64_t now)
{
	struct cal_day v[YEAR_DEFAULTS_MAX];
	struct calendar c;
	struct db_stmt *st;
	size_t n;
	int rc = db_query(db, &st,
			  "INSERT INTO calendar_years (year, set_by, set_at) VALUES (?, 'rules', ?) "
			  "ON CONFLICT (year) DO NOTHING RETURNING year",
			  "ii", (int64_t)year, now);
	int added = rc == DB_ROW;

	if ((rc = finish(st, rc)) || !added)
		return rc;
	cal_default(&c);
	n = cal_year_defaults(&c, year, v, YEAR_DEFAULTS_MAX);
	for (size_t i = 0; i < n && i < YEAR_DEFAULTS_MAX && !rc; i++)
		rc = db_exec(
			db,
			"INSERT INTO calendar_days (date, kind, name, set_by, set_at) VALUES (?, ?, ?, 'rules', ?) "
			"ON CONFLICT (date) DO NOTHING",
			"issi", (int64_t)v[i].date, kind_names[v[i].kind], v[i].name, now);
	return rc;
}

/* Which of the years first..last are stored: stored[y - first] = 1. */
static int years_stored(struct db *db, int first, int last, char *stored)
{
	struct db_stmt *st;
	int rc;

	memset(stored, 0, (size_t)(last - first + 1));
	for (rc = db_query(db, &st, "SELECT year FROM calendar_years WHERE year >= ? AND year <= ?", "ii",
			   (int64_t)first, (int64_t)last);
	     rc == DB_ROW; rc = db_step(st)) {
		int64_t y = db_col_int(st, 0);
		if (y >= first && y <= last)
			stored[y - first] = 1;
	}
	return rc < 0 ? rc : 0;
}

/*
 * Store the years first..last that are not: inside the caller's transaction
 * when there is one (it must be a write transaction), else in one of their own.
 */
static int years_ensure(struct db *db, int first, int last, int64_t now)
{
	char *stored = xmalloc((size_t)(last - first + 1));
	int missing = 0, own = 0, rc;

	if ((rc = years_stored(db, first, last, stored)))
		goto out;
	for (int y = first; y <= last; y++)
		missing |= !stored[y - first];
	if (!missing)
		goto out;
	if (!db_in_transaction(db)) {
		if ((rc = db_begin(db)))
			goto out;
		own = 1;
	}
	for (int y = first; y <= last && !rc; y++)
		if (!stored[y - first])
			rc = year_store(db, y, now);
	if (own)
		rc = rc ? (db_rollback(db), rc) : db_commit(db);
out:
	free(stored);
	return rc;
}

/* ---- the snapshot ---- */

/*
 * A calendar for the years first..last, as the database had it at `token`
 * (or later). Snapshots are never freed while the process runs: a thread
 * may hold one for as long as it likes, and a change, which makes a new
 * one, is rare (a few a year). Every snapshot made stays on the list from
 * cache.cur, so none is lost to the leak checker either.
 */
struct snapshot {
	struct calendar cal;
	int first, last;
	char token[TOKEN_SIZE];
	struct snapshot *older;
};

static struct {
	pthread_mutex_t lock;
	struct snapshot *cur;
} cache = { PTHREAD_MUTEX_INITIALIZER, NULL };

static int version_token(struct db *db, char token[TOKEN_SIZE])
{
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT value FROM settings WHERE key = ?", "s", VERSION_KEY);

	token[0] = '\0';
	if (rc == DB_ROW)
		snprintf(token, TOKEN_SIZE, "%s", db_col_text(st, 0));
	return finish(st, rc);
}

static int day_cmp(const void *a, const void *b)
{
	const struct cal_day *x = a, *y = b;
	return (x->date > y->date) - (x->date < y->date);
}

/*
 * Read the named days of first..last into a new snapshot (cache.lock held:
 * reads only). A year not stored (the caller is inside a transaction, where
 * this does not write) gets the law's defaults in memory: the same days
 * that storing it will write.
 */
static struct snapshot *snapshot_build(struct db *db, const char *token, int first, int last)
{
	struct snapshot *s = NULL;
	struct cal_day *days = NULL;
	struct db_stmt *st;
	char *stored = xmalloc((size_t)(last - first + 1));
	size_t n = 0, cap = 64;
	int rc;

	if (years_stored(db, first, last, stored))
		goto out;
	days = xmalloc(cap * sizeof(*days));
	for (rc = db_query(
		     db, &st,
		     "SELECT date, kind, name FROM calendar_days WHERE date >= ? AND date <= ? ORDER BY date",
		     "ii", (int64_t)cal_date(first, 1, 1), (int64_t)cal_date(last, 12, 31));
	     rc == DB_ROW; rc = db_step(st)) {
		int kind = calendar_kind_from_name(db_col_text(st, 1));
		if (!kind)
			continue;
		if (n == cap) {
			cap *= 2;
			days = xrealloc(days, st_mult(cap, sizeof(*days)));
		}
		days[n].date = (int32_t)db_col_int(st, 0);
		days[n].kind = kind;
		days[n++].name = xstrdup(db_col_text(st, 2));
	}
	if (rc < 0) {
		for (size_t i = 0; i < n; i++)
			free((char *)days[i].name);
		free(days);
		goto out;
	}
	for (int y = first; y <= last; y++) {
		struct cal_day v[YEAR_DEFAULTS_MAX];
		struct calendar c;
		size_t k;
		if (stored[y - first])
			continue;
		cal_default(&c);
		k = cal_year_defaults(&c, y, v, YEAR_DEFAULTS_MAX);
		for (size_t i = 0; i < k && i < YEAR_DEFAULTS_MAX; i++) {
			if (n == cap) {
				cap *= 2;
				days = xrealloc(days, st_mult(cap, sizeof(*days)));
			}
			days[n] = v[i];
			days[n++].name = xstrdup(v[i].name);
		}
	}
	qsort(days, n, sizeof(*days), day_cmp);
	s = xcalloc(1, sizeof(*s));
	cal_default(&s->cal);
	s->cal.days = days;
	s->cal.ndays = n;
	s->first = first;
	s->last = last;
	snprintf(s->token, sizeof(s->token), "%s", token);
out:
	free(stored);
	return s;
}

/* The cached snapshot when it is at `token` and covers first..last (cache.lock held). */
static struct snapshot *snapshot_hit(const char *token, int first, int last)
{
	struct snapshot *s = cache.cur;
	return s && !strcmp(s->token, token) && s->first <= first && s->last >= last ? s : NULL;
}

/*
 * A snapshot covering at least the years first..last (clamped to what the
 * database holds), and the years around now: the year before this one to
 * two years ahead. NULL on a database error.
 */
static struct snapshot *snapshot_for(struct db *db, int first, int last)
{
	char token[TOKEN_SIZE];
	struct snapshot *s;
	int now_year = year_of(now_seconds());

	first = clamp_year(first < now_year - 1 ? first : now_year - 1);
	last = clamp_year(last > now_year + 2 ? last : now_year + 2);
	if (version_token(db, token))
		return NULL;
	pthread_mutex_lock(&cache.lock);
	s = snapshot_hit(token, first, last);
	if (!s && cache.cur && !strcmp(cache.cur->token, token)) {
		/* the same version, more years: keep those already covered */
		first = first < cache.cur->first ? first : cache.cur->first;
		last = last > cache.cur->last ? last : cache.cur->last;
	}
	pthread_mutex_unlock(&cache.lock);
	if (s)
		return s;
	/*
	 * Store the years not stored yet before taking the lock again, so that
	 * no thread waits for the lock while this one waits for the database's
	 * write lock (held perhaps by a thread waiting for ours). Inside a
	 * transaction nothing is written: snapshot_build fills in the defaults.
	 */
	if (!db_in_transaction(db) && years_ensure(db, first, last, now_seconds()))
		return NULL;
	pthread_mutex_lock(&cache.lock);
	s = snapshot_hit(token, first, last);
	if (!s && (s = snapshot_build(db, token, first, last))) {
		s->older = cache.cur;
		cache.cur = s;
	}
	pthread_mutex_unlock(&cache.lock);
	return s;
}

const struct calendar *calendar_current(struct db *db)
{
	/* an empty range (first after last): just the years around now */
	struct snapshot *s = snapshot_for(db, YEAR_CEIL, YEAR_FLOOR);
	return s ? &s->cal : NULL;
}

int64_t calendar_due(struct db *db, int64_t from, int64_t work_seconds)
{
	int first = year_of(from), last = first + 1;
	int64_t due = -1;

	if (work_seconds < 0)
		return -1;
	/* the due instant's year must be covered, or its holidays would be missed: widen and count again */
	for (int tries = 0; tries < 8; tries++) {
		struct snapshot *s = snapshot_for(db, first, last);
		int y;
		if (!s)
			return -1;
		due = cal_add(&s->cal, from, work_seconds);
		if (due < 0)
			return -1;
		y = year_of(due);
		if (y <= s->last || s->last >= YEAR_CEIL)
			return due;
		last = y + 1;
	}
	return due;
}

int64_t calendar_worked(struct db *db, int64_t a, int64_t b)
{
	struct snapshot *s = snapshot_for(db, year_of(a < b ? a : b), year_of(a < b ? b : a));
	return s ? cal_between(&s->cal, a, b) : -1;
}

/* ---- what the admin page edits ---- */

static void row_read(struct arena *a, struct db_stmt *st, struct calendar_day_row *r)
{
	r->date = (int32_t)db_col_int(st, 0);
	r->kind = calendar_kind_from_name(db_col_text(st, 1));
	r->name = arena_strdup(a, db_col_text(st, 2));
	r->set_by = arena_strdup(a, db_col_text(st, 3));
	r->set_at = db_col_int(st, 4);
}

#define ROW_COLUMNS "date, kind, name, set_by, set_at"

int calendar_year(struct db *db, struct arena *a, int year, struct calendar_day_row **out, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 16;
	int rc;

	*out = NULL;
	*n = 0;
	if (year < YEAR_FLOOR || year > YEAR_CEIL)
		return 0;
	if ((rc = years_ensure(db, year, year, now_seconds())))
		return rc;
	*out = arena_alloc(a, cap * sizeof(**out));
	for (rc = db_query(db, &st,
			   "SELECT " ROW_COLUMNS
			   " FROM calendar_days WHERE date >= ? AND date <= ? ORDER BY date",
			   "ii", (int64_t)cal_date(year, 1, 1), (int64_t)cal_date(year, 12, 31));
	     rc == DB_ROW; rc = db_step(st)) {
		if (*n == cap) {
			struct calendar_day_row *more = arena_alloc(a, st_mult(cap * 2, sizeof(*more)));
			memcpy(more, *out, cap * sizeof(*more));
			*out = more;
			cap *= 2;
		}
		row_read(a, st, &(*out)[(*n)++]);
	}
	return rc < 0 ? rc : 0;
}

/*
 * Before a change: the lock row first, so that two changes at once wait for
 * each other (on PostgreSQL, READ COMMITTED, they would otherwise read the
 * same "before"); then the day's year is stored, so the change lands on it.
 */
static int change_begin(struct db *db, int year, int64_t now)
{
	int64_t lock;
	int rc = counter_next(db, "lock", "calendar", "", &lock);
	return rc ? rc : year_store(db, year, now);
}

/* A new version token after a change. */
static int calendar_touch(struct db *db)
{
	unsigned char r[(TOKEN_SIZE - 1) / 2];
	char hex[TOKEN_SIZE];

	if (sodium_init() < 0)
		return DB_ERROR;
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(hex, sizeof(hex), r, sizeof(r));
	return settings_set(db, VERSION_KEY, hex);
}

/* The stored row of `date` into *r (kind 0 when none). */
static int day_read(struct db *db, struct arena *a, int32_t date, struct calendar_day_row *r)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT " ROW_COLUMNS " FROM calendar_days WHERE date = ?", "i",
			  (int64_t)date);

	memset(r, 0, sizeof(*r));
	r->date = date;
	if (rc == DB_ROW)
		row_read(a, st, r);
	return finish(st, rc);
}

int calendar_day_set(struct db *db, struct arena *a, int32_t date, int kind, const char *name,
		     const char *actor, int64_t now, struct calendar_day_row *before)
{
	struct calendar_day_row old;
	int rc;

	if (!calendar_kind_name(kind) || !name || !actor)
		return DB_ERROR;
	if ((rc = change_begin(db, year_of_date(date), now)) || (rc = day_read(db, a, date, &old)))
		return rc;
	if (before)
		*before = old;
	rc = db_exec(db,
		     "INSERT INTO calendar_days (date, kind, name, set_by, set_at) VALUES (?, ?, ?, ?, ?) "
		     "ON CONFLICT (date) DO UPDATE SET kind = excluded.kind, name = excluded.name, "
		     "set_by = excluded.set_by, set_at = excluded.set_at",
		     "isssi", (int64_t)date, kind_names[kind], name, actor, now);
	return rc ? rc : calendar_touch(db);
}

int calendar_day_clear(struct db *db, struct arena *a, int32_t date, int64_t now,
		       struct calendar_day_row *before)
{
	struct calendar_day_row old;
	int rc;

	if ((rc = change_begin(db, year_of_date(date), now)) || (rc = day_read(db, a, date, &old)))
		return rc;
	if (before)
		*before = old;
	if (!old.kind)
		return 1;
	rc = db_exec(db, "DELETE FROM calendar_days WHERE date = ?", "i", (int64_t)date);
	return rc ? rc : calendar_touch(db);
}

int calendar_year_reset(struct db *db, int year, const char *actor, int64_t now, size_t *removed,
			size_t *added)
{
	int64_t first = cal_date(year, 1, 1), last = cal_date(year, 12, 31);
	struct cal_day v[YEAR_DEFAULTS_MAX];
	struct calendar c;
	struct db_stmt *st;
	size_t n;
	int rc;

	if (removed)
		*removed = 0;
	if (added)
		*added = 0;
	if (year < YEAR_FLOOR || year > YEAR_CEIL || !actor)
		return DB_ERROR;
	if ((rc = change_begin(db, year, now)))
		return rc;
	rc = db_query(db, &st, "SELECT COUNT(*) FROM calendar_days WHERE date >= ? AND date <= ?", "ii",
		      first, last);
	if (rc == DB_ROW && removed)
		*removed = (size_t)db_col_int(st, 0);
	if ((rc = finish(st, rc)) ||
	    (rc = db_exec(db, "DELETE FROM calendar_days WHERE date >= ? AND date <= ?", "ii", first, last)))
		return rc;
	cal_default(&c);
	n = cal_year_defaults(&c, year, v, YEAR_DEFAULTS_MAX);
	for (size_t i = 0; i < n && i < YEAR_DEFAULTS_MAX && !rc; i++)
		rc = db_exec(
			db,
			"INSERT INTO calendar_days (date, kind, name, set_by, set_at) VALUES (?, ?, ?, 'rules', ?)",
			"issi", (int64_t)v[i].date, kind_names[v[i].kind], v[i].name, now);
	if (!rc)
		rc = db_exec(db, "UPDATE calendar_years SET set_by = ?, set_at = ? WHERE year = ?", "sii",
			     actor, now, (int64_t)year);
	if (!rc && added)
		*added = n < YEAR_DEFAULTS_MAX ? n : YEAR_DEFAULTS_MAX;
	return rc ? rc : calendar_touch(db);
}
