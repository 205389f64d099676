/* counter.h: gapless numbers from a counter row, taken inside the caller's transaction. */
#ifndef STORE_COUNTER_H
#define STORE_COUNTER_H

#include <stdint.h>
#include "store/db.h"

/*
 * Take the next number of the sequence (name, scope, period), starting at 1.
 * Must run inside a write transaction (db_begin) that also writes the row
 * using the number: if that transaction rolls back, so does the number, so
 * numbers are never skipped; the row lock means they are never duplicated
 * (DESIGN.md "Storage": never autoincrement or a sequence).
 */
int counter_next(struct db *db, const char *name, const char *scope, const char *period, int64_t *out);

/* The last number taken (0 when none), without taking one. */
int counter_peek(struct db *db, const char *name, const char *scope, const char *period, int64_t *out);

#endif
