/* dossier_stats.h: the one-stop shop's statistics, read from the tables dossiers keep up to date as they
 * move. */
#ifndef FEATURES_DOSSIER_STATS_H
#define FEATURES_DOSSIER_STATS_H

#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "store/db.h"

/*
 * The figures of a period, as dossier_create and dossier_apply count them
 * in dossier_stats (per receiving unit, procedure, channel and local day):
 * each on the day it happened (received on the day of receipt, finished on
 * the day of the decision, …). pending and overdue are not of the period
 * but of `now`.
 */
struct dossier_counts {
	int64_t submitted;	 /* submitted online (before receipt) */
	int64_t received;	 /* received (at the counter, by post, or online then received) */
	int64_t online_received; /* of those, submitted online */
	int64_t finished;	 /* decided (approved or rejected) */
	int64_t early, on_time, late;
	int64_t refused;   /* refused before receipt (form 03) */
	int64_t withdrawn; /* withdrawn by the citizen */
	int64_t returned;  /* result handed over */
	int64_t pending;   /* now: received and not yet decided (dossier_pending) */
	int64_t overdue;   /* now: received, processing or awaiting the fee, past the due instant */
};

/*
 * Rates in per mille of their base, -1 when the base is 0: the on-time rate
 * (early + on time) / finished (OpenCPS; refused and withdrawn dossiers are
 * not counted), and the online share: received online / received.
 */
int dossier_counts_on_time_permille(const struct dossier_counts *c);
int dossier_counts_online_permille(const struct dossier_counts *c);

struct dossier_stats_unit {
	int64_t unit_id;
	struct dossier_counts c;
};

struct dossier_stats_proc {
	const char *code;
	const char *name;	 /* the catalogue's name now, "" when the procedure is gone */
	struct dossier_counts c; /* overdue only when the query names the procedure (see below) */
};

struct dossier_stats_day {
	int32_t day;		 /* local date as YYYYMMDD */
	struct dossier_counts c; /* pending and overdue stay 0: they are of now */
};

/* The query: receiving agencies, a period of local days, optionally one procedure. */
struct dossier_stats_query {
	const int64_t *units; /* receiving units (agencies), at least one */
	size_t nunits;
	int32_t from, to;	    /* YYYYMMDD, inclusive, from <= to, at most DOSSIER_STATS_MAX_DAYS days */
	const char *procedure_code; /* NULL or "" = all */
	int64_t now;		    /* for overdue */
};

#define DOSSIER_STATS_MAX_DAYS 367

struct dossier_stats {
	struct dossier_counts total;
	struct dossier_stats_unit *units;
	size_t nunits;
	struct dossier_stats_proc *procs;
	size_t nprocs;
	struct dossier_stats_day *days;
	size_t ndays;
};

/*
 * The figures: the total, per unit (in the order of q->units), per
 * procedure (those with any figure, by code) and per day (every day of the
 * period, zeros included). Sums the rows of dossier_stats for the period
 * (their primary key starts with unit and day) and dossier_pending; the
 * overdue count is counted per unit on the index dossiers_open (receiving
 * unit, status, due instant) alone, so it is not split by procedure (a
 * procedure's overdue is there only when the query names the procedure).
 * Never reads the dossiers themselves for the totals.
 * Arrays in the arena. 0, -1 for a bad query, or a negative enum db_rc.
 */
int dossier_stats_load(struct db *db, struct arena *a, const struct dossier_stats_query *q,
		       struct dossier_stats *out);

/* YYYYMMDD ↔ days since 1970-01-01 (-1 for an impossible date, or one outside 1900–2199). */
int64_t dossier_stats_day_number(int32_t yyyymmdd);
int32_t dossier_stats_day_from_number(int64_t days);

#endif
