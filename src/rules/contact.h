/* contact.h: how a person is reached and named: Vietnamese mobile numbers, e-mail addresses, full names. */
#ifndef RULES_CONTACT_H
#define RULES_CONTACT_H

#include <stddef.h>

/* A mobile number once normalised: "0912345678" (10 digits). */
#define CONTACT_PHONE_LEN 10
/* Longest phone number accepted as typed, separators included (bytes). */
#define CONTACT_PHONE_MAX_INPUT 32
/* An e-mail address: at most 254 bytes in all (RFC 5321 path limit less the brackets), 64 before the "@". */
#define CONTACT_EMAIL_MAX	254
#define CONTACT_EMAIL_LOCAL_MAX 64
/* A full name: at most this many characters (code points) and bytes once tidied. */
#define CONTACT_NAME_MAX_CHARS 100
#define CONTACT_NAME_MAX_BYTES 300

/*
 * Check a Vietnamese mobile number as typed (NUL-terminated UTF-8) and
 * normalise it. Accepted: 10 digits starting 03, 05, 07, 08 or 09 (the
 * mobile prefixes since the 2018 renumbering, Decision 798/QĐ-BTTTT), or the
 * same without its leading 0 after "+84" or "84"; spaces and dots may
 * separate the digits ("+84 912.345.678"). Landlines (02x) and the old
 * 11-digit numbers are refused.
 *
 * Returns 0 with `out` (when not NULL) set to "0xxxxxxxxx"; otherwise -1,
 * `out` set to "", and *reason_msgid (when not NULL) an English message id
 * for the caller to translate with _().
 */
int contact_phone_check(const char *phone, char out[CONTACT_PHONE_LEN + 1], const char **reason_msgid);

/*
 * Check an e-mail address as typed (the caller trims it): at most
 * CONTACT_EMAIL_MAX bytes; exactly one "@"; the part before it 1 to
 * CONTACT_EMAIL_LOCAL_MAX bytes; the part after it a domain with at least one
 * dot and no empty label; no spaces, control characters or the specials
 * ( ) < > [ ] , ; : \ " anywhere. Bytes past ASCII (internationalised
 * addresses) are let through. Deliverability cannot be checked here.
 *
 * Returns 0 with `out` (when not NULL) the address with ASCII letters
 * lowercased, so one mailbox is one account whatever case it was typed in;
 * otherwise -1, `out` set to "", and *reason_msgid as above.
 */
int contact_email_check(const char *email, char out[CONTACT_EMAIL_MAX + 1], const char **reason_msgid);

/*
 * Check a person's full name (UTF-8, NUL-terminated, as typed) and tidy it:
 * leading and trailing white space removed, runs of white space inside
 * made one space. Then it must be valid UTF-8 without control characters
 * (C0, DEL, C1), not empty, at most CONTACT_NAME_MAX_CHARS code points and
 * CONTACT_NAME_MAX_BYTES bytes. The name is not otherwise judged: names
 * take many forms.
 *
 * Returns 0 with the tidy name in `out` (`n` bytes, at least
 * CONTACT_NAME_MAX_BYTES + 1); otherwise -1, `out` set to "" (when n > 0),
 * and *reason_msgid as above.
 */
int contact_name_check(const char *name, char *out, size_t n, const char **reason_msgid);

#endif
