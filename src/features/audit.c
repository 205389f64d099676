/* audit.c: append to and verify the hash-chained audit log (table audit_log, migration 0003). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <sodium.h>
#include "core/buf.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "core/xalloc.h"
#include "features/audit.h"
#include "store/counter.h"
#include "core/banned.h"

#define HASH_BYTES 32 /* BLAKE2b-256 */
#define HASH_HEX   (2 * HASH_BYTES)

static const char format_tag[] = "motcua.audit.v1";
static const char genesis[HASH_HEX + 1] = "0000000000000000000000000000000000000000000000000000000000000000";

/* One field of the canonical encoding: its length (8 bytes, big endian), then its bytes. */
static void hash_field(crypto_generichash_state *h, const char *s)
{
	uint64_t len;
	if (!s)
		s = "";
	len = strlen(s);
	unsigned char prefix[8];
	for (int i = 0; i < 8; i++)
		prefix[i] = (unsigned char)(len >> (56 - 8 * i));
	crypto_generichash_update(h, prefix, sizeof(prefix));
	crypto_generichash_update(h, (const unsigned char *)s, len);
}

void audit_entry_hash(const struct audit_entry *e, char out[65])
{
	crypto_generichash_state h;
	unsigned char digest[HASH_BYTES];
	char seq[24];

	if (sodium_init() < 0)
		BUG("libsodium cannot be initialised");
	snprintf(seq, sizeof(seq), "%" PRId64, e->seq);
	crypto_generichash_init(&h, NULL, 0, sizeof(digest));
	hash_field(&h, format_tag);
	hash_field(&h, seq);
	hash_field(&h, e->at);
	hash_field(&h, e->actor);
	hash_field(&h, e->unit);
	hash_field(&h, e->client);
	hash_field(&h, e->action);
	hash_field(&h, e->object);
	hash_field(&h, e->detail);
	hash_field(&h, e->prev_hash);
	crypto_generichash_final(&h, digest, sizeof(digest));
	sodium_bin2hex(out, HASH_HEX + 1, digest, sizeof(digest));
}

/* NULL when the arguments can be written, else why not. */
static const char *refuse(struct db *db, const char *actor, const char *action, const char *object,
			  const char *detail)
{
	json_t *j;
	int is_object;

	if (!db_in_transaction(db))
		return "not_in_transaction";
	if (!actor || !*actor || !action || !*action || !object)
		return "missing_field";
	if (strlen(actor) > AUDIT_MAX_NAME || strlen(action) > AUDIT_MAX_NAME ||
	    strlen(object) > AUDIT_MAX_NAME)
		return "name_too_long";
	if (strlen(detail) > AUDIT_MAX_DETAIL)
		return "detail_too_long";
	j = json_loads(detail, JSON_REJECT_DUPLICATES, NULL);
	is_object = json_is_object(j);
	json_decref(j);
	return is_object ? NULL : "detail_not_json_object";
}

int audit_append(struct db *db, const char *actor, const char *action, const char *object,
		 const char *detail_json)
{
	return audit_append_by(db, actor, 0, "", action, object, detail_json);
}

int audit_append_by(struct db *db, const char *actor, int64_t unit_id, const char *client, const char *action,
		    const char *object, const char *detail_json)
{
	const char *detail = detail_json ? detail_json : "{}";
	char unit[24] = "";
	const char *why = refuse(db, actor, action, object, detail);
	struct audit_entry e = { 0 };
	struct db_stmt *st;
	char at[40], prev[HASH_HEX + 1], hash[HASH_HEX + 1];
	int rc;

	if (!why && client && strlen(client) > 128)
		why = "client hash too long";
	if (!client)
		client = "";
	if (unit_id > 0)
		snprintf(unit, sizeof(unit), "%" PRId64, unit_id);
	if (why) {
		char q[AUDIT_MAX_NAME * 4 + 8];
		log_error("event=audit_refused reason=%s action=%s", why,
			  log_quote(q, sizeof(q), action && strlen(action) <= AUDIT_MAX_NAME ? action : "?"));
		return DB_ERROR;
	}
	/*
	 * The number first: its row lock waits for any other appender to
	 * commit, so the last entry read below is the one numbered seq - 1
	 * (PostgreSQL writes in READ COMMITTED, each statement seeing what is
	 * committed; SQLite has one writer at a time anyway).
	 */
	rc = counter_next(db, "audit", "", "", &e.seq);
	if (rc)
		return rc;
	rc = db_query(db, &st, "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1", NULL);
	if (rc < 0)
		return rc;
	/* a stored hash of the wrong length is copied as it is, cut: verify names that entry */
	snprintf(prev, sizeof(prev), "%s", rc == DB_ROW ? db_col_text(st, 0) : genesis);
	while (rc == DB_ROW)
		rc = db_step(st);
	if (rc < 0)
		return rc;

	time_iso8601_utc(at, sizeof(at), time_now_us());
	e.at = at;
	e.actor = actor;
	e.unit = unit;
	e.client = client;
	e.action = action;
	e.object = object;
	e.detail = detail;
	e.prev_hash = prev;
	audit_entry_hash(&e, hash);
	return db_exec(
		db,
		"INSERT INTO audit_log (seq, at, actor, unit, client, action, object, detail, prev_hash, hash)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		"isssssssss", e.seq, at, actor, unit, client, action, object, detail, prev, hash);
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	char s[200];
	va_list ap;
	va_start(ap, f);
	vsnprintf(s, sizeof(s), f, ap);
	va_end(ap);
	return xstrdup(s);
}

/*
 * Check the entries of the open statement `st` (on its first row or done)
 * and the counter. Returns 0, AUDIT_BROKEN with *bad and *why, or a
 * negative enum db_rc.
 */
static int walk(struct db *db, struct db_stmt *st, int rc, int64_t *good, int64_t *bad, char **why)
{
	char last[HASH_HEX + 1], hash[HASH_HEX + 1];
	int64_t counter = 0;

	memcpy(last, genesis, sizeof(last));
	for (; rc == DB_ROW; rc = db_step(st)) {
		struct audit_entry e = { 0 };
		e.seq = db_col_int(st, 0);
		e.at = db_col_text(st, 1);
		e.actor = db_col_text(st, 2);
		e.action = db_col_text(st, 3);
		e.object = db_col_text(st, 4);
		e.detail = db_col_text(st, 5);
		e.prev_hash = db_col_text(st, 6);
		e.unit = db_col_text(st, 8);
		e.client = db_col_text(st, 9);
		if (e.seq != *good + 1) {
			*bad = *good + 1;
			*why = e.seq > *good + 1
				       ? fmt("missing: entry %" PRId64 " follows entry %" PRId64, e.seq,
					     *good)
				       : fmt("bad number %" PRId64 " after entry %" PRId64, e.seq, *good);
			return AUDIT_BROKEN;
		}
		if (strcmp(e.prev_hash, last)) {
			*bad = e.seq;
			*why = e.seq == 1 ? xstrdup("prev_hash of the first entry is not 64 zeros")
					  : fmt("prev_hash is not the hash of entry %" PRId64, e.seq - 1);
			return AUDIT_BROKEN;
		}
		audit_entry_hash(&e, hash);
		if (strcmp(db_col_text(st, 7), hash)) {
			*bad = e.seq;
			*why = xstrdup("hash does not match the entry's content");
			return AUDIT_BROKEN;
		}
		memcpy(last, hash, sizeof(last));
		(*good)++;
	}
	if (rc < 0)
		return rc;
	/* the chain cannot show entries cut from its end; the counter remembers how many were taken */
	rc = counter_peek(db, "audit", "", "", &counter);
	if (rc < 0)
		return rc;
	if (counter > *good) {
		*bad = *good + 1;
		*why = fmt("missing: the counter is at %" PRId64 " but the last entry is %" PRId64, counter,
			   *good);
		return AUDIT_BROKEN;
	}
	if (counter < *good) {
		*bad = counter + 1;
		*why = fmt("entry %" PRId64 " was never numbered: the counter is at %" PRId64, counter + 1,
			   counter);
		return AUDIT_BROKEN;
	}
	return 0;
}

int audit_verify(struct db *db, int64_t *rows, int64_t *bad_seq, char **why)
{
	struct db_stmt *st;
	int64_t good = 0, bad = 0;
	char *reason = NULL;
	int own = 0, rc;

	if (!db_in_transaction(db)) {
		rc = db_begin_read(db);
		if (rc)
			goto out;
		own = 1;
	}
	rc = db_query(
		db, &st,
		"SELECT seq, at, actor, action, object, detail, prev_hash, hash, unit, client FROM audit_log ORDER BY seq",
		NULL);
	if (rc >= 0)
		rc = walk(db, st, rc, &good, &bad, &reason);
out:
	if (rc < 0 && rc != AUDIT_BROKEN)
		reason = xstrdup(db_errmsg(db));
	/* a walk stopped at a bad entry leaves its statement on a row: end it */
	db_release_statements(db);
	if (own)
		db_rollback(db); /* read only: nothing to keep */
	if (rows)
		*rows = good;
	if (bad_seq)
		*bad_seq = bad;
	if (why)
		*why = reason;
	else
		free(reason);
	return rc;
}

/* Nonzero when s is NULL or "". */
static int unset(const char *s)
{
	return !s || !*s;
}

/* The LIKE pattern for "starts with p": ASCII lowercased, \ % _ escaped with \ (ESCAPE '\'). */
static char *like_prefix(const char *p)
{
	struct buf b = BUF_INIT;
	for (; *p; p++) {
		char c = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
		if (c == '\\' || c == '%' || c == '_')
			buf_addch(&b, '\\');
		buf_addch(&b, c);
	}
	buf_addch(&b, '%');
	return buf_detach(&b, NULL);
}

int audit_list(struct db *db, const struct audit_query *q, audit_entry_fn fn, void *ctx)
{
	struct buf sql = BUF_INIT;
	struct db_stmt *st;
	char *like = NULL;
	size_t slots = 0;
	int i = 1, rc = 0;

	if (!q->all_units && !q->nunits)
		return 0;
	/* as many placeholders as the next power of two, the last unit repeated: few statement texts */
	if (!q->all_units)
		for (slots = 1; slots < q->nunits; slots *= 2)
			;
	buf_adds(&sql,
		 "SELECT seq, at, actor, unit, client, action, object, detail, prev_hash FROM audit_log "
		 "WHERE 1 = 1");
	if (!unset(q->actor))
		buf_adds(&sql, " AND actor = ?");
	if (!unset(q->action_prefix))
		buf_adds(&sql, " AND action LIKE ? ESCAPE '\\'");
	if (!unset(q->object))
		buf_adds(&sql, " AND object = ?");
	if (!unset(q->at_from))
		buf_adds(&sql, " AND at >= ?");
	if (!unset(q->at_until))
		buf_adds(&sql, " AND at < ?");
	if (slots) {
		buf_adds(&sql, " AND unit IN (?");
		for (size_t k = 1; k < slots; k++)
			buf_adds(&sql, ", ?");
		buf_adds(&sql, ")");
	}
	buf_adds(&sql, " ORDER BY seq DESC LIMIT ? OFFSET ?");
	st = buf_err(&sql) ? NULL : db_prepare(db, sql.ptr);
	buf_release(&sql);
	if (!st)
		return DB_ERROR;
	if (!unset(q->actor))
		rc = db_bind_text(st, i++, q->actor, strlen(q->actor));
	if (!rc && !unset(q->action_prefix)) {
		like = like_prefix(q->action_prefix);
		rc = db_bind_text(st, i++, like, strlen(like));
		free(like);
	}
	if (!rc && !unset(q->object))
		rc = db_bind_text(st, i++, q->object, strlen(q->object));
	if (!rc && !unset(q->at_from))
		rc = db_bind_text(st, i++, q->at_from, strlen(q->at_from));
	if (!rc && !unset(q->at_until))
		rc = db_bind_text(st, i++, q->at_until, strlen(q->at_until));
	for (size_t k = 0; k < slots && !rc; k++) {
		/* the log keeps the unit as decimal text */
		char unit[24];
		int len =
			snprintf(unit, sizeof(unit), "%" PRId64, q->units[k < q->nunits ? k : q->nunits - 1]);
		rc = db_bind_text(st, i++, unit, (size_t)len);
	}
	if (!rc)
		rc = db_bind_int(st, i++, q->limit > 0 ? q->limit : 1);
	if (!rc)
		rc = db_bind_int(st, i++, q->offset > 0 ? q->offset : 0);
	if (rc)
		return rc;
	for (rc = db_step(st); rc == DB_ROW; rc = db_step(st)) {
		struct audit_entry e = { 0 };
		int stop;
		e.seq = db_col_int(st, 0);
		e.at = db_col_text(st, 1);
		e.actor = db_col_text(st, 2);
		e.unit = db_col_text(st, 3);
		e.client = db_col_text(st, 4);
		e.action = db_col_text(st, 5);
		e.object = db_col_text(st, 6);
		e.detail = db_col_text(st, 7);
		e.prev_hash = db_col_text(st, 8);
		if ((stop = fn(&e, ctx))) {
			db_release_statements(db); /* stopped on a row: end the statement's read */
			return stop;
		}
	}
	return rc < 0 ? rc : 0;
}
