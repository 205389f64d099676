/* sessions.c: database sessions with hashed tokens, idle and absolute timeouts. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include "features/sessions.h"
#include "core/banned.h"

static void random_token(char out[SESSION_TOKEN_LEN + 1])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, SESSION_TOKEN_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

static void token_hash(char out[65], const char *token)
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

int session_create(struct db *db, int64_t account_id, int64_t now, char token[SESSION_TOKEN_LEN + 1],
		   char csrf[SESSION_TOKEN_LEN + 1])
{
	char hash[65];
	random_token(token);
	random_token(csrf);
	token_hash(hash, token);
	return db_exec(
		db,
		"INSERT INTO sessions (token_hash, account_id, csrf, created_at, last_seen) VALUES (?, ?, ?, ?, ?)",
		"sisii", hash, account_id, csrf, now, now);
}

int session_lookup(struct db *db, const char *token, int64_t now, int64_t *account_id,
		   char csrf[SESSION_TOKEN_LEN + 1])
{
	struct db_stmt *st;
	char hash[65];
	int64_t created, seen, acc;
	int rc;

	if (strlen(token) != SESSION_TOKEN_LEN)
		return 1;
	token_hash(hash, token);
	rc = db_query(db, &st,
		      "SELECT s.account_id, s.csrf, s.created_at, s.last_seen FROM sessions s "
		      "JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = ? AND s.ended_at IS NULL "
		      "AND a.active = 1",
		      "s", hash);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return 1;
	acc = db_col_int(st, 0);
	snprintf(csrf, SESSION_TOKEN_LEN + 1, "%s", db_col_text(st, 1));
	created = db_col_int(st, 2);
	seen = db_col_int(st, 3);
	while (rc == DB_ROW)
		rc = db_step(st);
	if (rc < 0)
		return rc;
	if (now - seen > SESSION_IDLE_STAFF || now - created > SESSION_ABSOLUTE) {
		rc = db_exec(db, "UPDATE sessions SET ended_at = ? WHERE token_hash = ?", "is", now, hash);
		return rc < 0 ? rc : 1;
	}
	/* move last_seen on at most once a minute: a write per request would be wasteful */
	if (now - seen >= 60) {
		rc = db_exec(db, "UPDATE sessions SET last_seen = ? WHERE token_hash = ?", "is", now, hash);
		if (rc < 0)
			return rc;
	}
	*account_id = acc;
	return 0;
}

int session_end(struct db *db, const char *token, int64_t now)
{
	char hash[65];
	token_hash(hash, token);
	return db_exec(db, "UPDATE sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL", "is",
		       now, hash);
}
