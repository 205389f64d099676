/* i18n.c: a reader for GNU .mo catalogues, embedded in the binary. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/embed.h"
#include "core/i18n.h"
#include "core/banned.h"

#define MO_MAGIC 0x950412deu

struct catalogue {
	const unsigned char *data;
	unsigned len;
};

static struct catalogue catalogues[LANG_COUNT];
static __thread int current_lang;
static const char *const codes[LANG_COUNT] = { "vi", "en" };

static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* A .mo file: header, then tables of (length, offset) for originals and translations. */
int mo_check(const unsigned char *data, unsigned len)
{
	uint32_t n, oo, to;
	if (len < 28 || rd32(data) != MO_MAGIC)
		return -1;
	n = rd32(data + 8);
	oo = rd32(data + 12);
	to = rd32(data + 16);
	if (n > len / 16 || oo > len || to > len || len - oo < n * 8u || len - to < n * 8u)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t ol = rd32(data + oo + i * 8), oof = rd32(data + oo + i * 8 + 4);
		uint32_t tl = rd32(data + to + i * 8), tof = rd32(data + to + i * 8 + 4);
		if (oof > len || ol >= len - oof || data[oof + ol] != '\0')
			return -1;
		if (tof > len || tl >= len - tof || data[tof + tl] != '\0')
			return -1;
	}
	return 0;
}

const char *mo_lookup(const unsigned char *data, unsigned len, const char *msgid)
{
	uint32_t n, oo, to, lo = 0, hi;
	if (!data || !*msgid)
		return NULL;
	n = rd32(data + 8);
	oo = rd32(data + 12);
	to = rd32(data + 16);
	hi = n;
	(void)len;
	/* msgfmt sorts the originals; a plural entry is "singular\0plural", compared up to the NUL */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const char *orig = (const char *)data + rd32(data + oo + mid * 8 + 4);
		int c = strcmp(msgid, orig);
		if (!c) {
			uint32_t tl = rd32(data + to + mid * 8);
			const char *tr = (const char *)data + rd32(data + to + mid * 8 + 4);
			return tl ? tr : NULL;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int i18n_init(void)
{
	for (int i = 0; i < LANG_COUNT; i++) {
		char name[32] = "po/";
		const struct embed_file *f;
		memcpy(name + 3, codes[i], 2);
		memcpy(name + 5, ".mo", 4);
		f = embed_find(name);
		if (!f)
			continue;
		if (mo_check(f->data, f->len))
			return -1;
		catalogues[i].data = f->data;
		catalogues[i].len = f->len;
	}
	return 0;
}

void i18n_set_lang(int lang)
{
	current_lang = lang >= 0 && lang < LANG_COUNT ? lang : LANG_VI;
}

int i18n_lang(void)
{
	return current_lang;
}

const char *i18n_code(int lang)
{
	return codes[lang >= 0 && lang < LANG_COUNT ? lang : LANG_VI];
}

int i18n_from_code(const char *code)
{
	for (int i = 0; i < LANG_COUNT; i++)
		if (!strncasecmp(code, codes[i], 2) && (code[2] == '\0' || code[2] == '-' || code[2] == '_'))
			return i;
	return -1;
}

const char *i18n_gettext_lang(int lang, const char *msgid)
{
	const struct catalogue *c = &catalogues[lang >= 0 && lang < LANG_COUNT ? lang : LANG_VI];
	const char *t = mo_lookup(c->data, c->len, msgid);
	return t ? t : msgid;
}

const char *i18n_gettext(const char *msgid)
{
	return i18n_gettext_lang(current_lang, msgid);
}

const char *i18n_ngettext(const char *singular, const char *plural, unsigned long n)
{
	const struct catalogue *c = &catalogues[current_lang];
	const char *t = mo_lookup(c->data, c->len, singular);
	if (current_lang == LANG_VI)
		return t ? t : (n == 1 ? singular : plural);
	if (t && n != 1) {
		const char *second = t + strlen(t) + 1;
		return second;
	}
	return t ? t : (n == 1 ? singular : plural);
}

int i18n_pick(const char *cookie, const char *accept)
{
	int best = -1;
	double best_q = -1;
	if (cookie) {
		int l = i18n_from_code(cookie);
		if (l >= 0)
			return l;
	}
	if (!accept)
		return LANG_VI;
	/* "en-US,en;q=0.9,vi;q=0.8": the supported language with the highest q, first wins ties */
	while (*accept) {
		char tag[16];
		size_t n;
		double q = 1.0;
		const char *end = accept + strcspn(accept, ",");
		while (*accept == ' ')
			accept++;
		n = strcspn(accept, ";,");
		if (n < sizeof(tag)) {
			const char *semi = memchr(accept, ';', (size_t)(end - accept));
			int l;
			memcpy(tag, accept, n);
			tag[n] = '\0';
			while (n && tag[n - 1] == ' ')
				tag[--n] = '\0';
			if (semi) {
				/* look for "q=" within this item only */
				for (const char *qp = semi; qp + 1 < end; qp++)
					if (qp[0] == 'q' && qp[1] == '=') {
						q = strtod(qp + 2, NULL);
						break;
					}
				if (!(q <= 1.0))
					q = 1.0; /* "q=inf", "q=nan" */
			}
			l = i18n_from_code(tag);
			if (l >= 0 && q > best_q && q > 0) {
				best = l;
				best_q = q;
			}
		}
		accept = *end ? end + 1 : end;
	}
	return best >= 0 ? best : LANG_VI;
}
