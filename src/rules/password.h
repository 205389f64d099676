/* password.h: which passwords an account may have (issue 4, accounts). */
#ifndef RULES_PASSWORD_H
#define RULES_PASSWORD_H

/* Longest password accepted, in bytes of UTF-8 (Argon2id hashes any length; this bounds the work). */
#define PASSWORD_MAX_BYTES 128
/* Shortest password accepted, in Unicode code points. */
#define PASSWORD_MIN_CHARS 8

/*
 * Whether `password` (UTF-8, NUL-terminated) is acceptable for the account
 * `username` (may be NULL or empty when there is none yet). Returns 0 when it
 * is; otherwise -1 with *reason_msgid set to an English message id for the
 * caller to translate with _() (reason_msgid may be NULL). The checks, in order:
 *
 *   - at most PASSWORD_MAX_BYTES bytes;
 *   - valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF);
 *   - at least PASSWORD_MIN_CHARS code points, so "mậtkhẩu!" (8 characters, 12
 *     bytes) counts as 8 (the text is not normalised: a letter typed as a
 *     base letter and combining marks counts as more than one);
 *   - does not contain the user name, ignoring ASCII case (nor the part of an
 *     e-mail address before the "@"); names shorter than 3 bytes are not
 *     looked for, or they would refuse half the dictionary;
 *   - not on the list of common passwords in data/common-passwords.txt, ignoring
 *     ASCII case, as a whole or once its trailing symbols, or its trailing digits
 *     and symbols, are removed ("Password2024!" is "password").
 *
 * Pure: no I/O. The list is read from the embedded copy on first use
 * (thread-safe) and kept for the life of the process.
 */
int password_check(const char *password, const char *username, const char **reason_msgid);

/*
 * Whether `word` (any case) is on the common-password list as it stands,
 * without the trailing-digits rule. Returns 1 or 0. Exposed for tests.
 */
int password_is_listed(const char *word);

/* How many entries the common-password list has. Exposed for tests. */
unsigned password_list_count(void);

#endif
