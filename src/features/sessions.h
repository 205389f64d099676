/* sessions.h: login sessions kept in the database (shared by every process), tokens stored hashed. */
#ifndef FEATURES_SESSIONS_H
#define FEATURES_SESSIONS_H

#include <stdint.h>
#include "store/db.h"

#define SESSION_IDLE_STAFF (30 * 60)	  /* 30 minutes without a request */
#define SESSION_ABSOLUTE   (12 * 60 * 60) /* 12 hours whatever happens */
#define SESSION_TOKEN_LEN  43		  /* 256 bits, base64url without padding */

/*
 * Start a session for the account: a new 256-bit random token (given to the
 * browser, never stored: only its BLAKE2b hash is) and a CSRF token.
 */
int session_create(struct db *db, int64_t account_id, int64_t now, char token[SESSION_TOKEN_LEN + 1],
		   char csrf[SESSION_TOKEN_LEN + 1]);

/*
 * The live session of `token`: 0 with its account and CSRF token (and its
 * last-seen time moved on), 1 when there is none or it expired (idle or
 * absolute timeout; an expired one is ended), negative on error.
 */
int session_lookup(struct db *db, const char *token, int64_t now, int64_t *account_id,
		   char csrf[SESSION_TOKEN_LEN + 1]);

/* End the session (logout). */
int session_end(struct db *db, const char *token, int64_t now);

#endif
