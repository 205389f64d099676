/* audit.h: the append-only audit log, each entry chained to the previous one by its BLAKE2b hash. */
#ifndef FEATURES_AUDIT_H
#define FEATURES_AUDIT_H

#include <stdint.h>
#include "store/db.h"

/* Size caps on what an entry holds (bytes). */
#define AUDIT_MAX_NAME	 256	     /* actor, action, object */
#define AUDIT_MAX_DETAIL (64 * 1024) /* the detail JSON */

/* Returned by audit_verify when the chain is broken (a database error is a negative enum db_rc). */
#define AUDIT_BROKEN (-100)

/* One entry of the log (table audit_log); the strings are borrowed. */
struct audit_entry {
	int64_t seq;	       /* 1, 2, 3, … with no gap */
	const char *at;	       /* UTC, "2026-11-26T17:04:01.123456Z" */
	const char *actor;     /* "user:12", "system", "cli" */
	const char *unit;      /* the actor's unit id in decimal, "" when none */
	const char *client;    /* keyed hash of the client's address (hex), "" when none */
	const char *action;    /* "unit.create", "session.login_failed" */
	const char *object;    /* "unit:5", or "" */
	const char *detail;    /* a JSON object, "{}" when there is nothing more */
	const char *prev_hash; /* the previous entry's hash; 64 '0' for the first */
};

/*
 * The entry's hash as 64 lowercase hex digits and a NUL into `out`:
 * BLAKE2b with a 32-byte digest and no key (libsodium crypto_generichash)
 * over the fields below, each written as its length in bytes (8 bytes, big
 * endian) followed by its bytes, in this order:
 *
 *   "motcua.audit.v1", seq in decimal ASCII, at, actor, unit, client,
 *   action, object, detail, prev_hash
 *
 * (a NULL field counts as "")
 *
 * The lengths make the encoding unambiguous ("ab","c" ≠ "a","bc"); the
 * first field names the format, so that a later one can differ. Anyone can
 * check the log with this description and a BLAKE2b implementation.
 */
void audit_entry_hash(const struct audit_entry *e, char out[65]);

/*
 * Append an entry: `actor` did `action` on `object` (may be ""), with
 * `detail_json` a JSON object (NULL means "{}"). Never put passwords,
 * tokens or citizen ID numbers in any of them.
 *
 * Must run inside the caller's write transaction (db_begin) that makes the
 * change it records: the entry commits or rolls back with it. It takes the
 * next number from the counter ('audit', '', '') (store/counter.h), whose
 * row lock also orders concurrent appenders, links to the hash of the last
 * entry and inserts the row with the time of now.
 *
 * Returns 0, or a negative enum db_rc; then the caller rolls back. Outside
 * a transaction, with an empty actor or action, a name or detail over its
 * cap, or a detail that is not a JSON object it returns DB_ERROR, writes
 * nothing and logs why (db_errmsg() does not say it).
 *
 * There is no function to change or remove an entry, on purpose.
 */
int audit_append(struct db *db, const char *actor, const char *action, const char *object,
		 const char *detail_json);

/*
 * The same with the actor's unit (0 = none) and the client's address as a
 * keyed hash (hex, "" = none: never the raw address): what the web layer
 * records for every request that changes something.
 */
int audit_append_by(struct db *db, const char *actor, int64_t unit_id, const char *client, const char *action,
		    const char *object, const char *detail_json);

/*
 * Walk the whole log in seq order, in one read snapshot (its own read
 * transaction, unless the caller has one open; statements of the connection
 * left on a row are ended, as db_begin does), and check that seq runs
 * 1..N without a gap, that each prev_hash is the previous entry's hash (64
 * zeros for the first), that each hash is audit_entry_hash() of its entry,
 * and that the counter ('audit', '', '') is at N.
 *
 * Returns 0 when all holds, with *rows = N. Otherwise *bad_seq is the first
 * entry that fails (for a gap, the first missing number), *rows the number
 * of entries checked good before it, *why the reason (caller frees), and the
 * result is AUDIT_BROKEN; or a negative enum db_rc when the log could not
 * be read (*bad_seq = 0, *why the database's message). Any out-parameter may
 * be NULL.
 *
 * What the chain cannot show: entries removed from the end together with
 * the counter being set back (the remaining log is a valid shorter chain),
 * or a log rewritten from some entry on with every later hash recomputed.
 * Catching those needs the last hash kept outside the database (printed,
 * sent elsewhere): NEEDSWORK.
 */
int audit_verify(struct db *db, int64_t *rows, int64_t *bad_seq, char **why);

/* Which entries audit_list returns, newest first. Empty or NULL strings select everything. */
struct audit_query {
	const char *actor;	   /* exactly this actor: "account:12", "cli" */
	const char *action_prefix; /* actions starting with it: "unit." (ASCII letters compared lowercased) */
	const char *object;	   /* exactly this object: "delegation:5" */
	const char *at_from;  /* at >= at_from, an `at` of the same form: "2026-11-25T17:00:00.000000Z" */
	const char *at_until; /* at < at_until */
	int all_units;	      /* every entry, whatever its unit; otherwise only… */
	const int64_t *units; /* …those whose unit is one of these (none: no entry) */
	size_t nunits;
	int64_t offset; /* entries skipped, then at most `limit` (1 or more) */
	int limit;
};

/*
 * Call fn for each entry the query selects, newest first, with the entry's
 * strings valid during the call only (fn must not use the connection). A
 * non-zero return from fn stops the walk and is returned. Otherwise 0, or a
 * negative enum db_rc. Reading only: there is no function to change or
 * remove an entry.
 */
typedef int (*audit_entry_fn)(const struct audit_entry *e, void *ctx);
int audit_list(struct db *db, const struct audit_query *q, audit_entry_fn fn, void *ctx);

#endif
