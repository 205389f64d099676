/* i18n.h: translations from gettext .mo catalogues built into the binary. */
#ifndef CORE_I18N_H
#define CORE_I18N_H

/*
 * Message ids are English; po/vi.po holds the Vietnamese the users see by
 * default. The catalogues are compiled by msgfmt at build time and embedded,
 * so no system locale needs to be installed. The current language is per
 * thread (one request at a time per worker thread).
 */
enum i18n_lang {
	LANG_VI = 0,
	LANG_EN = 1,
	LANG_COUNT
};

/* Load the embedded catalogues. Returns 0, or -1 when one is malformed. */
int i18n_init(void);

void i18n_set_lang(int lang);
int i18n_lang(void);
/* "vi" or "en". */
const char *i18n_code(int lang);
/* The language for a code ("vi", "en", "en-US"), or -1. */
int i18n_from_code(const char *code);

/* The translation of msgid in the current (or given) language; msgid itself when there is none. */
const char *i18n_gettext(const char *msgid);
const char *i18n_gettext_lang(int lang, const char *msgid);
/* Plural forms: Vietnamese has one form, English two (n == 1 → singular). */
const char *i18n_ngettext(const char *singular, const char *plural, unsigned long n);

/*
 * The language for a request: the "lang" cookie when valid, else the first
 * supported language in Accept-Language by q-value, else Vietnamese.
 */
int i18n_pick(const char *cookie, const char *accept_language);

/* Check a .mo image and look up a message in it (exposed for tests). */
int mo_check(const unsigned char *data, unsigned len);
const char *mo_lookup(const unsigned char *data, unsigned len, const char *msgid);

#define _(s)  i18n_gettext(s)
#define N_(s) (s)

#endif
