/* utf8.c: UTF-8 decoding, validation, counting and cutting. */
#include "core/utf8.h"
#include "core/banned.h"

/* 10xxxxxx: a byte that continues a character rather than starts one. */
static int continues(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

int utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xbf; /* the range of the second byte */
	uint32_t v;
	size_t n;

	if (!len)
		return -1;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	/* Unicode 15 table 3-7: the well-formed byte sequences */
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		v = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		v = p[0] & 0x0f;
		if (p[0] == 0xe0)
			lo = 0xa0; /* overlong */
		else if (p[0] == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		v = p[0] & 0x07;
		if (p[0] == 0xf0)
			lo = 0x90; /* overlong */
		else if (p[0] == 0xf4)
			hi = 0x8f; /* past U+10FFFF */
	} else {
		return -1; /* a continuation byte, C0, C1 (overlong), F5..FF */
	}
	for (size_t i = 1; i < n; i++) {
		if (i >= len || p[i] < lo || p[i] > hi)
			return -1;
		v = v << 6 | (p[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = v;
	return (int)n;
}

long utf8_next(const char **s, size_t *len)
{
	uint32_t cp;
	int n = utf8_decode(*s, *len, &cp);

	if (n < 0)
		return -1;
	*s += n;
	*len -= (size_t)n;
	return (long)cp;
}

int utf8_valid(const char *s, size_t len)
{
	return utf8_count(s, len) >= 0;
}

long utf8_count(const char *s, size_t len)
{
	long n = 0;

	while (len) {
		if (utf8_next(&s, &len) < 0)
			return -1;
		n++;
	}
	return n;
}

size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += !continues((unsigned char)*s);
	return n;
}

size_t utf8_prefix(const char *s, size_t chars)
{
	size_t i = 0;

	for (; s[i]; i++)
		if (!continues((unsigned char)s[i]) && chars-- == 0)
			break;
	return i;
}

size_t utf8_cut(const char *s, size_t n)
{
	while (n && continues((unsigned char)s[n]))
		n--;
	return n;
}
