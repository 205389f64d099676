/* accounts.h: staff and citizen accounts: Argon2id passwords, roles, login throttling. */
#ifndef FEATURES_ACCOUNTS_H
#define FEATURES_ACCOUNTS_H

#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "features/authz.h"
#include "store/db.h"

struct account {
	int64_t id;
	char kind[8]; /* "staff" or "citizen" */
	char username[65];
	char full_name[304]; /* CONTACT_NAME_MAX_BYTES + 1 */
	char position[128];
	int64_t unit_id;
	char unit_name[192];
	int active;
	/* how a citizen logs in and is reached ("" when not given) */
	char email[256];
	char phone[16];
	char citizen_id[16]; /* never in logs or the audit log */
};

/* What a citizen gives to register (tài khoản công dân), already checked and normalised. */
struct citizen_reg {
	const char *full_name;	/* contact_name_check() */
	const char *citizen_id; /* 12 digits, cccd_check() */
	const char *email;	/* contact_email_check(), or NULL/"" when not given */
	const char *phone;	/* contact_phone_check(), or NULL/"" when not given */
	const char *password;	/* password_check() */
};

/*
 * Create a staff account (inside the caller's transaction) with its roles
 * (NULL-terminated, may be NULL). The password is hashed with Argon2id
 * (libsodium crypto_pwhash_str, interactive limits); check it with
 * password_check() first. DB_CONSTRAINT when the user name is taken.
 */
int account_create_staff(struct db *db, const char *username, const char *full_name, const char *position,
			 int64_t unit_id, const char *password, const char *const *roles, int64_t *id);

/*
 * Create a citizen account (inside the caller's transaction, with its audit
 * entry): at least one of email and phone is given. The password is hashed
 * as for staff. DB_CONSTRAINT when an account already has this citizen ID
 * number, email or phone (or one of them as its user name); the caller rolls
 * back. NEEDSWORK: the Argon2id hash is computed inside the transaction,
 * holding the write lock for its ~0.1 s.
 */
int account_create_citizen(struct db *db, const struct citizen_reg *r, int64_t *id);

/*
 * Check a login name and password. The name is a staff user name, or a
 * citizen's email, phone or citizen ID number, matched in the form
 * account_login_name() gives. Returns 0 and *id when they match an active
 * account, 1 when they do not (the same work is done for an unknown name, so
 * timing does not tell which), negative on a database error.
 */
int account_login(struct db *db, const char *username, const char *password, int64_t *id);

/*
 * The canonical form of a name typed in the login form, into out (n bytes):
 * a mobile number as "0xxxxxxxxx", an e-mail address with ASCII letters
 * lowercased, a citizen ID number without spaces or dots, anything else as
 * typed less surrounding spaces. Login and its throttling count use it, so
 * "+84 912 345 678" and "0912345678" are one name.
 */
void account_login_name(const char *typed, char *out, size_t n);

/*
 * Set a new password (Argon2id) for the user name, or disable the account;
 * either ends all its sessions. Inside the caller's transaction. *id gets the
 * account; 1 when there is no such user name.
 */
int account_set_password(struct db *db, const char *username, const char *password, int64_t now, int64_t *id);
int account_disable(struct db *db, const char *username, int64_t now, int64_t *id);

/*
 * The active account a login name (user name, or a citizen's e-mail, phone or
 * citizen ID number, normalised) stands for: 0 with *id, 1 when none.
 */
int account_resolve(struct db *db, const char *name, int64_t *id);

/* Load an account with its unit's name; 1 when there is none. */
int account_load(struct db *db, int64_t id, struct account *out);

/* The roles an account may hold (NULL-terminated), and whether a name is one. */
extern const char *const account_roles[];
int account_role_valid(const char *role);

/* 1 when the account has the role, 0 when not, negative on error. */
int account_has_role(struct db *db, int64_t id, const char *role);

/*
 * Login throttling, kept in the database so every process counts the same
 * failures: at most LOGIN_MAX_PER_USER failures per user name and
 * LOGIN_MAX_PER_ADDR per client address in LOGIN_WINDOW seconds; never a
 * lockout for good: the count is of the window only.
 */
#define LOGIN_WINDOW	   (15 * 60)
#define LOGIN_MAX_PER_USER 5
#define LOGIN_MAX_PER_ADDR 5

/* Registrations from one client address: at most this many per LOGIN_WINDOW. */
#define REGISTER_MAX_PER_ADDR 5

/* 1 when `addr` has made REGISTER_MAX_PER_ADDR registration attempts in the window; records this one. */
int register_throttled(struct db *db, const char *addr, int64_t now);

/* 1 when another attempt must wait, 0 when it may go on, negative on error. */
int login_throttled(struct db *db, const char *username, const char *addr, int64_t now);
/* Record a failure (inside or outside a transaction). */
int login_failed(struct db *db, const char *username, const char *addr, int64_t now);
/* A success clears the user name's failures. */
int login_succeeded(struct db *db, const char *username, int64_t now);

/*
 * The same rules for a login about to check a password, safe against many
 * attempts at once: in one transaction of its own, serialised with every
 * other process's (a lock row in counters), check the counts and, when the
 * attempt may go on, count it as a failure in advance, under a random id
 * written to `attempt`. So the sixth of six attempts sent together waits
 * like the sixth sent one after another. Returns 0 to go on, 1 when it must
 * wait, negative on error. A wrong password then needs nothing more; a
 * right one calls login_attempt_succeeded, in the transaction that starts
 * the session: the attempt's rows and the name's failures go.
 */
#define LOGIN_ATTEMPT_LEN 32
int login_attempt_begin(struct db *db, const char *username, const char *addr, int64_t now,
			char attempt[LOGIN_ATTEMPT_LEN + 1]);
int login_attempt_succeeded(struct db *db, const char *attempt, const char *username, int64_t now);

/* ---- staff administration (issue 4 §2-§3) ---- */

/*
 * Set a new password (Argon2id) for the account `id`, staff or citizen, and
 * end all its sessions, inside the caller's transaction: 0, or 1 when there
 * is no such account.
 */
int account_set_password_id(struct db *db, int64_t id, const char *password, int64_t now);

/*
 * Whether `password` is the password of the active account `id`: 0 yes, 1
 * no (also for no such active account, after the same work), negative on a
 * database error.
 */
int account_check_password(struct db *db, int64_t id, const char *password);

/* A staff account's details an administrator changes, already checked and normalised. */
struct staff_details {
	const char *full_name; /* contact_name_check() */
	const char *position;  /* "" for none */
	const char *email;     /* contact_email_check(), "" for none */
	const char *phone;     /* contact_phone_check(), "" for none */
	int64_t unit_id;
};

/*
 * Write the details of the staff account `id`, inside the caller's
 * transaction: 0, or 1 when there is no such staff account.
 */
int account_update_staff(struct db *db, int64_t id, const struct staff_details *d);

/* Make the account active again (account_disable undoes it): 0, or 1 when there is none. */
int account_enable(struct db *db, int64_t id);

/*
 * Whether `name` already stands for an account other than `except` (0 =
 * none) as its user name, e-mail, phone or citizen ID number: account_login
 * tries all four, so one name must never reach two accounts. 1 taken, 0
 * free, negative on error.
 */
int account_name_taken(struct db *db, const char *name, int64_t except);

/* A staff account in a list; strings in the caller's arena. */
struct staff_row {
	int64_t id;
	const char *username;
	const char *full_name;
	const char *position;
	int64_t unit_id;
	const char *unit_name;
	int active;
};

/* Which staff accounts account_staff_list gives. */
struct staff_filter {
	const int64_t *units; /* only accounts of these units (ids sorted ascending) */
	size_t nunits;
	int64_t within;		      /* 0, or only accounts of this unit and the units below it... */
	const struct unit_tree *tree; /* ...in this tree */
	const char *q;		      /* NULL or "", or a part of the user name or full name, in any case */
	int active;		      /* -1 either, 0 inactive only, 1 active only */
	size_t offset, limit;	      /* the rows [offset, offset + limit) of the list */
};

/*
 * The staff accounts that pass the filter, sorted by user name: the page
 * asked for into *rows (arena), *n of them, and *total that pass in all.
 * Case is folded the Vietnamese way (signing_upper), the same on every
 * database. 0 or a negative enum db_rc.
 */
int account_staff_list(struct db *db, struct arena *a, const struct staff_filter *f, struct staff_row **rows,
		       size_t *n, size_t *total);

/* A role grant with the names a page shows; strings in the caller's arena. */
struct grant_row {
	struct role_grant g;
	const char *holder_username;
	const char *holder_name;
	int64_t holder_unit;   /* the holder's own unit */
	const char *unit_name; /* the unit the role is held at */
};

/*
 * The grants of account `account_id` (0: of every staff account), in force
 * and revoked, oldest first, into *rows (arena). 0 or a negative enum db_rc.
 */
int account_grants(struct db *db, struct arena *a, int64_t account_id, struct grant_row **rows, size_t *n);

#endif
