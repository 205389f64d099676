/*
 * receipt_report.h: what the collecting units took in a period — by day, by unit and by fee or
 * charge, issued and cancelled apart — and the reconciliation with the dossiers: a dossier
 * marked paid without a receipt, a receipt whose total is not its dossier's fee.
 */
#ifndef MOTCUA_FEATURES_RECEIPT_REPORT_H
#define MOTCUA_FEATURES_RECEIPT_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "core/buf.h"
#include "store/db.h"

#define RECEIPT_REPORT_PROBLEMS 500 /* reconciliation rows listed at most (counted all the same) */

struct receipt_sum {
	const char *key; /* "2026-11-27", a unit's name, a fee's name */
	int64_t id;	 /* the unit's id (by_unit), else 0 */
	int64_t count;	 /* receipts (by_fee: lines) */
	int64_t total;	 /* đồng */
};

struct receipt_problem {
	const char *dossier_code;
	int64_t payment_id; /* an online payment confirmed after the fee was paid otherwise: to refund */
	const char *receipt_number; /* NULL for a paid dossier without a receipt, and for a payment */
	const char *series;
	int64_t receipt_id;
	int64_t fee_due, total;
};

struct receipt_report {
	int64_t from, to; /* [from, to) */
	int64_t issued, issued_total;
	int64_t cancelled, cancelled_total;
	struct receipt_sum *by_day, *by_unit, *by_fee;
	size_t ndays, nunits, nfees;
	/* every paid dossier of these units' agencies has a receipt; every receipt its dossier's fee */
	struct receipt_problem *problems;
	size_t nproblems;
	int64_t paid_without_receipt, total_mismatch; /* counts */
	int64_t payments_to_refund;		      /* online payments recorded, not applied */
};

/*
 * The report of the receipts of the collecting units `units` (sorted ids) issued in [from, to)
 * (cancelled ones by the day they were issued, counted apart); the reconciliation over the
 * dossiers received by those units' agencies (`agencies`, sorted), whatever the period.
 * 0 or a negative enum db_rc.
 */
int receipt_report(struct db *db, struct arena *a, const int64_t *units, size_t nunits,
		   const int64_t *agencies, size_t nagencies, int64_t from, int64_t to,
		   struct receipt_report *out);

/* The report as a workbook (sheets: by day, by unit, by fee, reconciliation): 0 or -1. */
int receipt_report_xlsx(const struct receipt_report *r, struct buf *out);

#endif
