/* calendar.h (features): the working-time calendar kept in the database, as admins edit it. */
#ifndef FEATURES_CALENDAR_H
#define FEATURES_CALENDAR_H

#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "rules/calendar.h"
#include "store/db.h"

/*
 * The calendar in force: the default week with the named days of the
 * database (table calendar_days; a year nobody has edited gets the days of
 * cal_year_defaults when first needed). The snapshot is shared and
 * immutable; it stays valid until the process ends (a change by an admin
 * makes a new one, seen by every server through a settings token). NULL on
 * a database error.
 *
 * It names the days of the year before this one to two years ahead;
 * calendar_due and calendar_worked widen it to the years they are asked
 * about. Outside a transaction the years not yet stored are stored (in a
 * transaction of their own); inside the caller's transaction nothing is
 * written and such a year gets the law's days in memory (the same days).
 */
const struct calendar *calendar_current(struct db *db);

/* Shorthands on calendar_current: -1 on error (as cal_add). */
int64_t calendar_due(struct db *db, int64_t from, int64_t work_seconds);
int64_t calendar_worked(struct db *db, int64_t a, int64_t b);

/* ---- what the admin page edits ---- */

/* A day the database names. Strings in the caller's arena. */
struct calendar_day_row {
	int32_t date; /* days since 1970-01-01, Vietnam time */
	int kind;     /* enum cal_day_kind; 0: the day is not named (follows its weekday) */
	const char *name;
	const char *set_by; /* "rules" (the law's defaults) or the admin ("account:12") */
	int64_t set_at;
};

/* "holiday", "workday" for enum cal_day_kind (NULL for another value), and back (0 when unknown). */
const char *calendar_kind_name(int kind);
int calendar_kind_from_name(const char *name);

/*
 * The named days of `year`, sorted, into *out (a's memory). A year never
 * stored is stored first with cal_year_defaults: in a transaction of its
 * own, or inside the caller's write transaction. 0 or a negative enum db_rc.
 */
int calendar_year(struct db *db, struct arena *a, int year, struct calendar_day_row **out, size_t *n);

/*
 * Changes, each inside the caller's write transaction (db_begin) that also
 * writes the audit row. Each stores the day's year first when it never was
 * (so the change applies to the year's concrete days) and gives the
 * calendar a new version token, so that calendar_current in every process
 * sees the change from its next call. `actor` is the audit log's actor.
 * `before` (may be NULL) gets what the day was (kind 0 when it was not
 * named), in a's memory.
 *
 * calendar_day_set: name `date` as `kind` with `name`.
 * calendar_day_clear: the day follows its weekday again; 1 when it was not
 * named (nothing changed).
 * calendar_year_reset: the year's named days become the law's defaults
 * again; *removed and *added (may be NULL) count the rows.
 * 0 or a negative enum db_rc.
 */
int calendar_day_set(struct db *db, struct arena *a, int32_t date, int kind, const char *name,
		     const char *actor, int64_t now, struct calendar_day_row *before);
int calendar_day_clear(struct db *db, struct arena *a, int32_t date, int64_t now,
		       struct calendar_day_row *before);
int calendar_year_reset(struct db *db, int year, const char *actor, int64_t now, size_t *removed,
			size_t *added);

#endif
