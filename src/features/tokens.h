/* tokens.h: API tokens for integrations, sent as "Authorization: Bearer …". */
#ifndef FEATURES_TOKENS_H
#define FEATURES_TOKENS_H

#include <stdint.h>
#include "store/db.h"

#define TOKEN_PREFIX "mct_"
#define TOKEN_LEN    (4 + 43) /* "mct_" + 256 bits in base64url */

/*
 * Create a token for the account with `scopes` (space-separated, may be ""),
 * inside the caller's transaction. The token is written to `token` and never
 * stored: only its hash is. *id gets the token's id.
 */
int token_create(struct db *db, int64_t account_id, const char *scopes, int64_t now,
		 char token[TOKEN_LEN + 1], int64_t *id);

/* The account of a live token: 0 with *account_id (and its scopes copied, n bytes), 1 when unknown or
 * revoked. */
int token_lookup(struct db *db, const char *token, int64_t *account_id, char *scopes, size_t n);

/* Revoke a token by id; 1 when there is no live token with that id. */
int token_revoke(struct db *db, int64_t id, int64_t now);

#endif
