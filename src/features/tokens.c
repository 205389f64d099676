/* tokens.c: API tokens, stored hashed. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include "features/tokens.h"
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
