/* tokens.c: API tokens, stored hashed. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include "features/tokens.h"
#include "core/xalloc.h"
#include "store/counter.h"
#include "core/banned.h"

static void hash_token(char out[65], const char *token)
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

int token_create(struct db *db, int64_t account_id, const char *scopes, int64_t now,
		 char token[TOKEN_LEN + 1], int64_t *id)
{
	unsigned char raw[32];
	char hash[65];
	int rc;

	memcpy(token, TOKEN_PREFIX, 4);
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(token + 4, TOKEN_LEN - 4 + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	hash_token(hash, token);
	rc = counter_next(db, "id", "api_tokens", "", id);
	if (rc)
		return rc;
	return db_exec(
		db,
		"INSERT INTO api_tokens (id, account_id, token_hash, scopes, created_at) VALUES (?, ?, ?, ?, ?)",
		"iissi", *id, account_id, hash, scopes ? scopes : "", now);
}

int token_lookup(struct db *db, const char *token, int64_t *account_id, char *scopes, size_t n)
{
	struct db_stmt *st;
	char hash[65];
	int rc;

	if (strlen(token) != TOKEN_LEN || strncmp(token, TOKEN_PREFIX, 4))
		return 1;
	hash_token(hash, token);
	rc = db_query(
		db, &st,
		"SELECT t.account_id, t.scopes FROM api_tokens t JOIN accounts a ON a.id = t.account_id "
		"WHERE t.token_hash = ? AND t.revoked_at IS NULL AND a.active = 1",
		"s", hash);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return 1;
	*account_id = db_col_int(st, 0);
	if (scopes && n)
		snprintf(scopes, n, "%s", db_col_text(st, 1));
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : 0;
}

int token_revoke(struct db *db, int64_t id, int64_t now)
{
	int rc = db_exec(db, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", "ii",
			 now, id);
	if (rc)
		return rc;
	return db_changes(db) ? 0 : 1;
}

static void info_read(struct db_stmt *st, struct arena *a, struct token_info *t)
{
	t->id = db_col_int(st, 0);
	t->account_id = db_col_int(st, 1);
	t->scopes = arena_strdup(a, db_col_text(st, 2) ? db_col_text(st, 2) : "");
	t->created_at = db_col_int(st, 3);
	t->revoked_at = db_col_is_null(st, 4) ? 0 : db_col_int(st, 4);
}

int token_list(struct db *db, struct arena *a, int64_t account_id, size_t limit, struct token_info **out,
	       size_t *n)
{
	size_t cap = 8;
	struct db_stmt *st;
	int rc;

	*n = 0;
	*out = arena_alloc(a, cap * sizeof(**out));
	rc = db_query(db, &st,
		      "SELECT id, account_id, scopes, created_at, revoked_at FROM api_tokens "
		      "WHERE account_id = ? ORDER BY id DESC LIMIT ?",
		      "ii", account_id, (int64_t)limit);
	for (; rc == DB_ROW; rc = db_step(st)) {
		if (*n == cap) {
			struct token_info *more = arena_alloc(a, st_mult(cap, 2 * sizeof(*more)));
			memcpy(more, *out, cap * sizeof(*more));
			*out = more;
			cap *= 2;
		}
		info_read(st, a, &(*out)[(*n)++]);
	}
	return rc < 0 ? rc : 0;
}

int token_load(struct db *db, struct arena *a, int64_t id, struct token_info *out)
{
	struct db_stmt *st;
	int rc = db_query(
		db, &st, "SELECT id, account_id, scopes, created_at, revoked_at FROM api_tokens WHERE id = ?",
		"i", id);
	int found = rc == DB_ROW;
	if (found)
		info_read(st, a, out);
	while (rc == DB_ROW)
		rc = db_step(st);
	if (rc < 0)
		return rc;
	return found ? 0 : 1;
}
