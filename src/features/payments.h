/*
 * payments.h: online payment of a dossier's fee through a payment provider (issue 7 §6). A
 * payment is started for a dossier awaiting its fee and kept as a row; the provider confirms or
 * fails it by a callback signed with the shared secret (HMAC-SHA256 over the body). A confirmed
 * payment issues the receipt (method "online") and the dossier goes on; the same callback twice
 * issues one receipt; a callback with a bad signature changes nothing.
 */
#ifndef MOTCUA_FEATURES_PAYMENTS_H
#define MOTCUA_FEATURES_PAYMENTS_H

#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "store/db.h"

enum payment_status {
	PAY_PENDING = 1,
	PAY_PAID,      /* paid, its receipt issued */
	PAY_FAILED,    /* the payer gave up or the provider refused */
	PAY_UNAPPLIED, /* paid, but the fee was paid otherwise meanwhile: recorded, to refund */
};

enum payment_rc {
	PAYMENT_OK = 0,
	PAYMENT_NOT_FOUND = 1,
	PAYMENT_INVALID = 2,	   /* *why */
	PAYMENT_CONFLICT = 3,	   /* *why */
	PAYMENT_BAD_SIGNATURE = 4, /* the callback is not the provider's */
	PAYMENT_NO_RECEIPT = 5, /* paid, but no receipt could be issued (*why): the payment stays pending */
};

struct payment_config {
	const char *provider;	 /* "sandbox" */
	const char *gateway_url; /* where the payer is sent: {gateway_url}/pay?… ; NULL = online payment off
				  */
	const unsigned char *secret;
	size_t secret_len;
	const char *keys_dir; /* the collecting units' signing keys (features/receipts.h) */
};

/*
 * Start paying dossier `code` (awaiting its fee) inside the caller's write transaction: a
 * pending payment of its fee_due (the one started before, when one is still pending). *redirect is the
 * provider's page for the payer, with the payment, the amount, `return_url` and `callback_url`. PAYMENT_OK,
 * PAYMENT_NOT_FOUND, PAYMENT_CONFLICT (no fee to pay now) with *why, or a negative enum db_rc.
 */
int payment_start(struct db *db, struct arena *a, const struct payment_config *cfg, const char *code,
		  int64_t account, const char *return_url, const char *callback_url, int64_t now, int64_t *id,
		  int64_t *amount, const char **redirect, const char **why);

/*
 * A provider's callback: `signature` is "sha256=" and the lowercase hex HMAC-SHA256 of `body`
 * with the secret; the body {"payment": id, "status": "paid"|"failed", "amount": n, "ref": "…"}.
 * Runs its own transaction, audited as `payment:<provider>`. PAYMENT_OK (*receipt_id the
 * receipt when paid, the same one for a repeated callback; 0 when failed, or paid after the fee
 * was paid otherwise: then recorded PAY_UNAPPLIED, to refund), PAYMENT_BAD_SIGNATURE, PAYMENT_NOT_FOUND,
 * PAYMENT_INVALID / PAYMENT_CONFLICT / PAYMENT_NO_RECEIPT with *why, or a negative enum db_rc.
 */
int payment_callback(struct db *db, struct arena *a, const struct payment_config *cfg, const char *body,
		     size_t len, const char *signature, int64_t now, int64_t *receipt_id, const char **why);

/* The lowercase hex HMAC-SHA256 of body with the secret into hex (65 bytes). */
void payment_sign(const unsigned char *secret, size_t secret_len, const char *body, size_t len, char hex[65]);

#endif
