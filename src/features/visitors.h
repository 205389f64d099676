/*
 * visitors.h: the portal's visitor statistics (issue 8 §2). Every public page view counts
 * without slowing the page: counters kept in memory (per thread, or under a short lock) and
 * flushed to the database at least every 5 seconds and at shutdown. A visitor is a salted
 * daily hash of the address and User-Agent (no raw address is stored); a visit ends after 30
 * minutes without a request; known bots are not counted. Periods in Asia/Ho_Chi_Minh time.
 * The figures and their definitions: docs/visitors.md.
 */
#ifndef MOTCUA_FEATURES_VISITORS_H
#define MOTCUA_FEATURES_VISITORS_H

#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "store/db.h"

struct visitor_figures {
	int64_t online;				 /* distinct visitors seen in the last 5 minutes */
	int64_t today, week, month, year, total; /* visits; total >= year >= month >= today, week >= today */
	int64_t views_today;			 /* page views today */
};

/* Start the flushing thread (it opens its own database connection). 0 or -1. */
int visitors_start(void);
/* Flush what is counted and stop the thread (at shutdown, before the database closes). */
void visitors_stop(void);

/*
 * Count a public page view at `now` (seconds) by the client `addr` with `user_agent` (may be
 * NULL) of `path` (an article's page counts towards its views). Never blocks on the database.
 */
void visitors_hit(int64_t now, const char *addr, const char *user_agent, const char *path);

/* The widget's figures as of the last flush (or now): never touches the database. */
void visitors_widget(int64_t now, struct visitor_figures *out);

/* 1 when `user_agent` names a known robot (crawler, link preview, page auditor): not counted. */
int visitors_is_bot(const char *user_agent);

/*
 * Write what is counted to `db` and recompute the widget's figures as of `now`: the thread
 * visitors_start starts does it every 2 seconds and once more when stopped; tests call it
 * directly with their own clock instead of starting the thread. Loads the hashing key from the
 * settings on first use (until then hits are not counted). 0, or a negative enum db_rc: then
 * nothing was written and the counts wait in memory for the next flush.
 */
int visitors_flush(struct db *db, int64_t now);

/* ---- the analytics page (pages_visitors.c) ---- */

struct visitor_day {
	int32_t day; /* YYYYMMDD, Vietnam time */
	int64_t visits, views;
};

struct visitor_page {
	const char *path;
	int64_t views;
};

struct visitor_period {
	struct visitor_day *days; /* every day of the period in order, days without a view too */
	size_t ndays;
	struct visitor_page *pages; /* the most viewed paths first, at most `top` */
	size_t npages;
	int64_t visits, views; /* of the whole period */
};

/*
 * Visits and page views per day from `from` to `to` (YYYYMMDD, both included) and the `top`
 * most viewed paths, read from the daily and monthly roll-ups (a year reads some 12 monthly rows
 * per path, not every view). `today` (YYYYMMDD): no row is dated after it, so a period
 * reaching it reads the current month whole. Allocated in `a`. 0 or a negative enum db_rc.
 */
int visitors_period_load(struct db *db, struct arena *a, int32_t from, int32_t to, int32_t today, size_t top,
			 struct visitor_period *out);

/* The local day (YYYYMMDD, Vietnam time) of `t` seconds since the epoch. */
int32_t visitors_day(int64_t t);

#endif
