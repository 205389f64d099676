/* tokens.h: API tokens for integrations, sent as "Authorization: Bearer …". */
#ifndef FEATURES_TOKENS_H
#define FEATURES_TOKENS_H

#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "store/db.h"

#define TOKEN_PREFIX "mct_"
#define TOKEN_LEN    (4 + 43) /* "mct_" + 256 bits in base64url */
/* The longest scope list a token may carry: what the web layer keeps of it (struct app_req.scopes). */
#define TOKEN_SCOPES_MAX 255

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

/* A token as the admin pages list it: never its value, which is not stored. */
struct token_info {
	int64_t id;
	int64_t account_id;
	const char *scopes; /* space-separated actions, "" = the account's own rights (arena) */
	int64_t created_at;
	int64_t revoked_at; /* 0 while it works */
};

/*
 * The tokens of an account, newest first, at most `limit` of them, into *out
 * (arena), how many in *n. 0 or a negative enum db_rc.
 */
int token_list(struct db *db, struct arena *a, int64_t account_id, size_t limit, struct token_info **out,
	       size_t *n);

/* One token by id, revoked or not (scopes in the arena): 0, 1 when none, or a negative enum db_rc. */
int token_load(struct db *db, struct arena *a, int64_t id, struct token_info *out);

#endif
