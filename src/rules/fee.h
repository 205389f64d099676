/* fee.h: fees and charges (phí, lệ phí) of a procedure, and the amount a citizen pays. */
#ifndef RULES_FEE_H
#define RULES_FEE_H

#include <stddef.h>
#include <stdint.h>

/* What a fee line is counted by. */
enum fee_per {
	FEE_PER_DOSSIER = 1, /* once per dossier (hồ sơ) */
	FEE_PER_COPY,	     /* per copy (bản) */
	FEE_PER_PAGE,	     /* per page (trang) of each copy */
};

/* Largest amount anywhere (VND): amounts past it are refused, so sums cannot overflow. */
#define FEE_AMOUNT_MAX ((int64_t)1000000000000) /* 10^12 đ */
#define FEE_MAX_TIERS  8
#define FEE_COUNT_MAX  100000 /* pages or copies in one dossier */

/* Pages from..to (to = 0: and all after) each cost `amount` (FEE_PER_PAGE only). */
struct fee_tier {
	int from;
	int to;
	int64_t amount;
};

/*
 * One line of a procedure's fees. FEE_PER_PAGE with tiers: a copy of P
 * pages costs the sum over pages 1..P of the tier each page falls in (a
 * page in no tier is free); without tiers, amount × P. Then, per copy for
 * FEE_PER_PAGE and FEE_PER_COPY, per dossier for FEE_PER_DOSSIER, the amount
 * is raised to min and capped at max (0 = none): "2.000 đ/trang for pages
 * 1–2, 1.000 đ/trang from page 3, at most 200.000 đ/bản" is
 * { per PAGE, tiers {1,2,2000} {3,0,1000}, max 200000 }.
 */
struct fee_line {
	const char *name;
	int kind; /* 0 phí (fee), 1 lệ phí (charge): printed, not computed */
	int per;  /* enum fee_per */
	int64_t amount;
	struct fee_tier tiers[FEE_MAX_TIERS];
	int ntiers;
	int64_t min, max;
};

/*
 * The amount of one line for copies of `pages` pages each and `copies`
 * copies (pages is ignored but for FEE_PER_PAGE; copies for
 * FEE_PER_DOSSIER). -1 when pages or copies are below 1 or above
 * FEE_COUNT_MAX, the line is not valid (fee_line_check), or the amount
 * would be above FEE_AMOUNT_MAX (refused, never capped: nothing overflows).
 */
int64_t fee_line_amount(const struct fee_line *l, int64_t pages, int64_t copies);
/* The sum of the lines; -1 as above for any line, or when the sum would be above FEE_AMOUNT_MAX. */
int64_t fee_total(const struct fee_line *lines, size_t n, int64_t pages, int64_t copies);

/*
 * Check a line: a name; kind 0 or 1; `per` known; amount, min, max and
 * the tiers' amounts 0..FEE_AMOUNT_MAX; ntiers 0..FEE_MAX_TIERS; tiers only
 * for FEE_PER_PAGE, each from >= 1, to 0 or >= from, in order, not
 * overlapping, and following each other from page 1 with the last one
 * open-ended (no page is free by a gap: a free range has the amount 0);
 * min <= max when both are set. 0, or -1 with *why (may be
 * NULL) an English message id for _().
 */
int fee_line_check(const struct fee_line *l, const char **why);

/* "dossier", "copy", "page" ↔ enum fee_per (0 when unknown). */
const char *fee_per_name(int per);
int fee_per_from_name(const char *name);

#endif
