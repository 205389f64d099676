/* contact.c: Vietnamese mobile numbers, e-mail addresses and full names, checked and normalised. */
#include <assert.h>
#include <string.h>
#include "core/i18n.h"
#include "core/utf8.h"
#include "rules/contact.h"
#include "core/banned.h"

#define PHONE_LENGTH N_("The phone number must have 10 digits, like 0912345678.")
#define PHONE_CHARS  N_("The phone number may contain only digits, spaces, dots and +84 at the start.")
#define PHONE_PREFIX N_("This is not a Vietnamese mobile number: it must start with 03, 05, 07, 08 or 09.")

#define EMAIL_LONG   N_("The email address is too long (at most 254 characters).")
#define EMAIL_CHARS  N_("The email address contains a space or a character that is not allowed.")
#define EMAIL_AT     N_("The email address must have exactly one @, like ten@example.com.")
#define EMAIL_LOCAL  N_("The part before the @ must have 1 to 64 characters.")
#define EMAIL_DOMAIN N_("The part after the @ must be a domain name like example.com.")

#define NAME_EMPTY N_("Enter your full name.")
#define NAME_LONG  N_("The full name is too long (at most 100 characters).")
#define NAME_CHARS N_("The full name contains characters that are not allowed.")

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int contact_phone_check(const char *phone, char out[CONTACT_PHONE_LEN + 1], const char **reason_msgid)
{
	const char *reason = NULL, *p = phone;
	char digits[CONTACT_PHONE_LEN + 3]; /* room for "84" and one digit too many */
	size_t n = 0;
	int plus = 0;

	assert(phone);
	if (out)
		out[0] = '\0';
	if (strlen(phone) > CONTACT_PHONE_MAX_INPUT) {
		reason = PHONE_LENGTH;
		goto out;
	}
	if (*p == '+') {
		plus = 1;
		p++;
	}
	for (; *p; p++) {
		if (*p == ' ' || *p == '.')
			continue;
		if (!is_digit(*p)) {
			reason = PHONE_CHARS;
			goto out;
		}
		if (n == sizeof(digits) - 1) {
			reason = PHONE_LENGTH;
			goto out;
		}
		digits[n++] = *p;
	}
	digits[n] = '\0';
	/* +84 is Viet Nam's country code; the trunk 0 is dropped after it */
	if (plus && (n < 2 || digits[0] != '8' || digits[1] != '4')) {
		reason = PHONE_PREFIX;
		goto out;
	}
	if (plus || (n == CONTACT_PHONE_LEN + 1 && digits[0] == '8' && digits[1] == '4')) {
		if (n != CONTACT_PHONE_LEN + 1) {
			reason = PHONE_LENGTH;
			goto out;
		}
		memmove(digits + 1, digits + 2, n - 1); /* the NUL too */
		digits[0] = '0';
		n--;
	}
	if (n != CONTACT_PHONE_LEN) {
		reason = PHONE_LENGTH;
		goto out;
	}
	/* Decision 798/QĐ-BTTTT (2018): mobile numbers are 03x, 05x, 07x, 08x, 09x */
	if (digits[0] != '0' || !strchr("35789", digits[1])) {
		reason = PHONE_PREFIX;
		goto out;
	}
	if (out)
		memcpy(out, digits, CONTACT_PHONE_LEN + 1);
out:
	if (reason_msgid)
		*reason_msgid = reason;
	return reason ? -1 : 0;
}

int contact_email_check(const char *email, char out[CONTACT_EMAIL_MAX + 1], const char **reason_msgid)
{
	const char *reason = NULL, *at, *domain;
	size_t len;

	assert(email);
	if (out)
		out[0] = '\0';
	len = strlen(email);
	if (len > CONTACT_EMAIL_MAX) {
		reason = EMAIL_LONG;
		goto out;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)email[i];
		if (c <= ' ' || c == 0x7f || strchr("()<>[],;:\\\"", c)) {
			reason = EMAIL_CHARS;
			goto out;
		}
	}
	at = strchr(email, '@');
	if (!at || strchr(at + 1, '@')) {
		reason = EMAIL_AT;
		goto out;
	}
	if (at == email || (size_t)(at - email) > CONTACT_EMAIL_LOCAL_MAX) {
		reason = EMAIL_LOCAL;
		goto out;
	}
	/* a domain: labels joined by dots, at least two, none empty */
	domain = at + 1;
	if (!strchr(domain, '.') || domain[0] == '.' || email[len - 1] == '.' || strstr(domain, "..")) {
		reason = EMAIL_DOMAIN;
		goto out;
	}
	if (out) {
		for (size_t i = 0; i <= len; i++) {
			char c = email[i];
			out[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
		}
	}
out:
	if (reason_msgid)
		*reason_msgid = reason;
	return reason ? -1 : 0;
}

/* Characters no name needs: controls, and invisible ones that can disguise a name on screen. */
static int is_refused(long cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x200b && cp <= 0x200f) ||
	       (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int contact_name_check(const char *name, char *out, size_t n, const char **reason_msgid)
{
	const char *reason = NULL;
	size_t o = 0, chars = 0, left;
	int space = 0;

	assert(name && out && n > CONTACT_NAME_MAX_BYTES);
	for (const char *p = name; *p; p++) {
		if (is_space(*p)) {
			space = o > 0;
			continue;
		}
		if (o + (size_t)space >= CONTACT_NAME_MAX_BYTES) {
			reason = NAME_LONG;
			goto out;
		}
		if (space)
			out[o++] = ' ';
		space = 0;
		out[o++] = *p;
	}
	out[o] = '\0';
	if (!o) {
		reason = NAME_EMPTY;
		goto out;
	}
	left = o;
	for (const char *p = out; left; chars++) {
		long cp = utf8_next(&p, &left);
		if (cp < 0 || is_refused(cp)) {
			reason = NAME_CHARS;
			goto out;
		}
	}
	if (chars > CONTACT_NAME_MAX_CHARS)
		reason = NAME_LONG;
out:
	if (reason)
		out[0] = '\0';
	if (reason_msgid)
		*reason_msgid = reason;
	return reason ? -1 : 0;
}
