/* dossier_demo.h: dossiers for the demo (motcua demo) and for benchmarks (motcua generate --dossiers N). */
#ifndef FEATURES_DOSSIER_DEMO_H
#define FEATURES_DOSSIER_DEMO_H

#include <stdint.h>
#include <stdio.h>
#include "store/db.h"

/*
 * Both make their dossiers the way staff do, through dossier_create and
 * dossier_apply at instants in the past (working time for the counter's
 * work), so that codes, deadlines, verdicts, timelines and the statistics
 * (dossier_stats, dossier_pending) hold as if the work had been done: no
 * row is written to the dossier tables by hand. People are made up but
 * look real: Vietnamese names of both sexes, 12-digit personal
 * identification numbers of Hà Nội (province 001) that match the birth
 * year, mobile numbers; nobody has an email address, so no mail is queued.
 * They need the demo's units and catalogue (org_demo, procedure_demo):
 * Quận Thanh Xuân (000.00.15.H26) and its wards. Officials of Phường Nhân
 * Chính and of the district act under the demo accounts when those exist
 * (motcua.nhanchinh, tuphap.nhanchinh, chutich.nhanchinh; motcua,
 * chuyenvien, lanhdao, thuphi); elsewhere under made-up names without an
 * account. One audit entry ("dossier.demo", "dossier.generate") says how
 * many dossiers were added.
 */

/*
 * The demo's dossiers, about 200, at the eleven wards and the district,
 * received or submitted over the 60 days before the day of `now` (none on
 * that day itself, so today's codes start at 0001): online ones waiting,
 * received, being processed (one overdue), papers asked before and during
 * processing, awaiting the fee, result ready, returned early, on time and
 * late, rejected, refused, withdrawn, form 04 given, and inter-level ones
 * (1.001731, 1.010407, 1.001776: received at a ward, decided at the
 * district). The same every time for the same day (a fixed seed). Inside
 * the caller's write transaction. Does nothing when the database holds a
 * dossier already. 0, or a negative enum db_rc.
 */
int dossier_demo(struct db *db, int64_t now);

/*
 * Add `n` dossiers for benchmarks, spread over the working time of the
 * period before `now` (n / 800 days, at least 60, at most back to 1
 * January of last year, the years the calendar covers), about a quarter
 * received by the district and the rest by the wards, most of them taken
 * through to their return and the last ones still open, as dossier_demo
 * makes them. Its own transactions, one per 1,000 dossiers; a line of
 * progress to `progress` (may be NULL) after each. 0, or a negative enum
 * db_rc (what the earlier transactions made stays).
 */
int dossier_generate(struct db *db, int64_t n, int64_t now, FILE *progress);

/*
 * Keep the demo's scan (a one-page PDF) in the file store under data_dir:
 * the file the online demo dossiers attached for each required document.
 * 0, or -1 with errno.
 */
int dossier_demo_files(const char *data_dir);

#endif
