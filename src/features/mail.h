/* mail.h: email to citizens through an outbox table, sent by a background thread over SMTP (libcurl). */
#ifndef FEATURES_MAIL_H
#define FEATURES_MAIL_H

#include <stdint.h>
#include "store/db.h"

/* Limits of what mail_enqueue takes (bytes). */
#define MAIL_SUBJECT_MAX 400
#define MAIL_BODY_MAX	 (256 * 1024)
#define MAIL_KIND_MAX	 64
#define MAIL_REF_MAX	 128

/* The sender's rules: attempts before a message is failed, a claim's lease, the periodic look. */
#define MAIL_MAX_ATTEMPTS 12
#define MAIL_LEASE	  300 /* seconds: a claim not recorded by then (a crashed sender) is retried */
#define MAIL_POLL	  3   /* seconds between looks at the outbox without a mail_wake() */

/*
 * Queue a message inside the caller's write transaction (so it is sent only
 * if what it tells of is committed). `to` is one address; subject and body
 * are UTF-8 plain text. `kind` names why ("dossier.received") and `ref`
 * what it is about (a dossier code): both recorded with the message.
 * 0, or -1 on error (a bad address is an error: nothing queued).
 *
 * Checks, before anything is written: `to` passes contact_email_check()
 * (rules/contact.h: one address, no space or control byte, at most 254
 * bytes, a local part and a domain with a dot); the subject is valid UTF-8
 * without control characters (no CR/LF: no header injection), 1 to
 * MAIL_SUBJECT_MAX bytes; the body valid UTF-8 without control characters
 * but tab and line breaks, at most MAIL_BODY_MAX bytes; `kind` 1 to
 * MAIL_KIND_MAX of [a-z0-9._-]; `ref` NULL or 1 to MAIL_REF_MAX printable
 * ASCII bytes. A database error after a check passed leaves the caller's
 * transaction to roll back, as any write does.
 */
int mail_enqueue(struct db *db, const char *to, const char *subject, const char *body, const char *kind,
		 const char *ref, int64_t now);

/* The SMTP server and sender, from configuration: "smtp://127.0.0.1:2525", "motcua@…". */
struct mail_config {
	const char *smtp_url; /* NULL or "": no sending (messages stay queued, recorded) */
	const char *from;
	const char *user, *password; /* or NULL */
};

/*
 * Start the sender: one thread that takes due messages from the outbox
 * (its own database connection, db_url), sends them, and records each
 * attempt; a failure is retried with back-off (1 min, 2, 4 … capped at 6 h,
 * at most 12 attempts, then marked failed). Sending never happens inside a
 * request. mail_wake() makes it look at once (after a commit that queued
 * mail); mail_stop() ends it, waiting for a message in flight.
 *
 * mail_start returns 0 (also when no SMTP server is configured: then no
 * thread runs and mail_wake does nothing), or -1 with the reason logged (a
 * URL that is not smtp:// or smtps://, a bad sender address, no thread).
 * Start it after the signal mask is set: the thread inherits it. Without a
 * wake it still looks every MAIL_POLL seconds, so messages queued by
 * another process (another server on the same database) go out too.
 * mail_stop does nothing when the sender is not running; a message still
 * connecting when it is called is given back to the outbox untried.
 */
int mail_start(const char *db_url, const struct mail_config *cfg);
void mail_wake(void);
void mail_stop(void);

/*
 * One look at the outbox, what the sender thread does each time it wakes:
 * every message due at `now` (status queued, next_at <= now, oldest first)
 * is claimed, sent and its attempt recorded, in batches. Returns the number
 * of messages it attempted, or a negative enum db_rc. Tests call it with
 * their own clock; nothing is sent when cfg->smtp_url is NULL or "".
 */
int mail_send_due(struct db *db, const struct mail_config *cfg, int64_t now);

/*
 * Claim a queued message seen with next_at `seen_next_at`, so that of
 * several senders on one database only one sends it: a compare-and-set that
 * counts the attempt and moves next_at to now + MAIL_LEASE. Returns 1 when
 * this caller won it, 0 when another sender did (or it is no longer queued
 * or due then), or a negative enum db_rc. Runs its own transaction.
 */
int mail_claim(struct db *db, int64_t id, int64_t seen_next_at, int64_t now);

/* Seconds to wait after the n-th failed attempt (n >= 1): 60 × 2^(n-1), at most 6 hours. */
int64_t mail_backoff(int attempts);

#endif
