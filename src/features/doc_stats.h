/*
 * doc_stats.h: the e-office's figures (issue 9 §5), kept up to date as documents move: counts
 * per agency, unit of the agency, local day, kind and document type, written in the transaction
 * that moves the document, so the totals always add up to the documents themselves.
 *
 * Units: every count belongs to an agency (cơ quan: the ward, the district) and to one unit of
 * it: the agency itself or one of its departments (phòng ban) or sections. Which unit counts:
 *   - an incoming document registered: the agency itself (it is registered by the agency's
 *     records clerk before anyone handles it);
 *   - an outgoing document issued or withdrawn: the unit that drafted it (doc_outgoing.unit_id;
 *     the agency itself for a draft of the agency's leaders);
 *   - an incoming document assigned as lead, assigned with a deadline, finished on time or late:
 *     the lead of the assignment (chủ trì): the lead unit, or the unit the lead person works in
 *     (a department, or the agency itself for a person at the agency level); a person who has
 *     since left the agency counts for the agency itself.
 * The figures of a department are those of the units in it; an agency's are those of all its
 * units, so its departments' rows and its own row add up to it.
 */
#ifndef FEATURES_DOC_STATS_H
#define FEATURES_DOC_STATS_H

#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "features/authz.h"
#include "store/db.h"

/* What is counted (the numbers are stored: append only). */
enum doc_stat_kind {
	DOC_STAT_IN = 1,	/* an incoming document registered (its arrival day) */
	DOC_STAT_OUT,		/* an outgoing document issued (its issue day) */
	DOC_STAT_OUT_WITHDRAWN, /* an issued document withdrawn (the withdrawal day) */
	DOC_STAT_IN_ASSIGNED,	/* an incoming document assigned with a deadline (the assignment day) */
	DOC_STAT_IN_ON_TIME,	/* one of those finished by its lead by the deadline (the day finished) */
	DOC_STAT_IN_LATE,	/* finished after the deadline (the day finished) */
	/*
	 * An incoming document assigned, with or without a deadline (the assignment day): what a
	 * department received to handle as lead, since registering counts for the agency alone.
	 * Counted from migration 0031 on: older assignments are only in DOC_STAT_IN_ASSIGNED.
	 */
	DOC_STAT_IN_LEAD,
	DOC_STAT_KIND_COUNT
};

/*
 * Add `delta` to the count of (agency, unit, local day of `at` in UTC+7, kind, type) inside the
 * caller's write transaction. `agency` is the agency (unit_tree_agency) the document belongs
 * to, `unit` the agency itself or a unit inside it that counts (see above; the caller knows it
 * is the agency's); `type` 1..29 (rules/document.h). 0, or a negative enum db_rc.
 */
int doc_stats_add(struct db *db, int64_t agency, int64_t unit, int64_t at, int kind, int type, int delta);

/* The figures of a period for some units. */
struct doc_stats_query {
	/*
	 * The units' ids: an agency stands for all its units, any other unit (a department) for
	 * itself and the units under it. n_units = 0 means none.
	 */
	const int64_t *units;
	size_t n_units;
	int32_t from, to; /* YYYYMMDD, both included */
};

struct doc_stats_row {
	int64_t unit;				/* the row's unit; 0 in doc_stats_load's total row */
	int64_t agency;				/* the agency it belongs to (itself for an agency) */
	int own;				/* 1: the agency's own figures, outside its departments */
	int64_t n[DOC_STAT_KIND_COUNT][1 + 29]; /* [kind][type]; [kind][0] is the kind's total */
};

/*
 * One row per unit asked for (in the order asked) and a last row with the sums of all (unit
 * 0; it counts a department twice if its agency is asked too: ask units that do not overlap);
 * *n_rows = n_units + 1. `t` is the unit tree; a unit not in it has no figures. 0, or a
 * negative enum db_rc.
 */
int doc_stats_load(struct db *db, struct arena *a, const struct unit_tree *t, const struct doc_stats_query *q,
		   struct doc_stats_row **rows, size_t *n_rows);

/*
 * The figures of `agency` split by its departments, for days [from, to]: first the agency's own
 * row (unit = agency, own = 1: its registrations, and what was drafted or led at the agency
 * level), then one row per department (the units whose parent is the agency and that do not
 * govern, in the tree's order; the units under one count for it; an inactive one only when it
 * has figures), then the agency's total (unit = agency, own = 0), which is the sum of the rows
 * above and equals doc_stats_load's row for the agency. 0, or a negative enum db_rc; an
 * `agency` that is not a governing unit of the tree gives no rows but the two of the agency.
 */
int doc_stats_load_departments(struct db *db, struct arena *a, const struct unit_tree *t, int64_t agency,
			       int32_t from, int32_t to, struct doc_stats_row **rows, size_t *n_rows);

#endif
