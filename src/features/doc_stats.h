/*
 * doc_stats.h: the e-office's figures (issue 9 §5), kept up to date as documents move: counts
 * per agency, local day, kind and document type, written in the transaction that moves the
 * document, so the totals always add up to the documents themselves.
 */
#ifndef FEATURES_DOC_STATS_H
#define FEATURES_DOC_STATS_H

#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "store/db.h"

/* What is counted. */
enum doc_stat_kind {
	DOC_STAT_IN = 1,	/* an incoming document registered (its arrival day) */
	DOC_STAT_OUT,		/* an outgoing document issued (its issue day) */
	DOC_STAT_OUT_WITHDRAWN, /* an issued document withdrawn (the withdrawal day) */
	DOC_STAT_IN_ASSIGNED,	/* an incoming document assigned with a deadline (the assignment day) */
	DOC_STAT_IN_ON_TIME,	/* one of those finished by its lead by the deadline (the day finished) */
	DOC_STAT_IN_LATE,	/* finished after the deadline (the day finished) */
	DOC_STAT_KIND_COUNT
};

/*
 * Add `delta` to the count of (agency, local day of `at` in UTC+7, kind, type) inside the
 * caller's write transaction. `agency` is the agency (unit_tree_agency) the document belongs
 * to; `type` 1..29 (rules/document.h). 0, or a negative enum db_rc.
 */
int doc_stats_add(struct db *db, int64_t agency, int64_t at, int kind, int type, int delta);

/* The figures of a period for some agencies. */
struct doc_stats_query {
	const int64_t *agencies; /* the agencies' ids; n_agencies = 0 means none */
	size_t n_agencies;
	int32_t from, to; /* YYYYMMDD, both included */
};

struct doc_stats_row {
	int64_t agency;				/* 0 in the total row */
	int64_t n[DOC_STAT_KIND_COUNT][1 + 29]; /* [kind][type]; [kind][0] is the kind's total */
};

/*
 * One row per agency asked for (in the order asked) and a last row with the totals of all;
 * *n_rows = n_agencies + 1. 0, or a negative enum db_rc.
 */
int doc_stats_load(struct db *db, struct arena *a, const struct doc_stats_query *q,
		   struct doc_stats_row **rows, size_t *n_rows);

#endif
