/* accounts.h: staff and citizen accounts: Argon2id passwords, roles, login throttling. */
#ifndef FEATURES_ACCOUNTS_H
#define FEATURES_ACCOUNTS_H

#include <stddef.h>
#include <stdint.h>
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

#endif
