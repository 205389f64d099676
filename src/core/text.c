/* text.c: a typed text made fit to keep (core/text.h). */
#include <string.h>
#include "core/text.h"
#include "core/utf8.h"
#include "core/banned.h"

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

int text_clean(struct arena *a, const char *in, int multiline, size_t max, const char **out)
{
	const char *s = in ? in : "", *e;
	char *copy, *o;

	*out = "";
	while (*s && is_space((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && is_space((unsigned char)e[-1]))
		e--;
	if (!utf8_valid(s, (size_t)(e - s)))
		return TEXT_BAD;
	copy = o = arena_alloc(a, (size_t)(e - s) + 1);
	for (const char *p = s; p < e; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\r' || c == '\n' || c == '\t') {
			if (c == '\r' && p + 1 < e && p[1] == '\n')
				p++; /* CR LF is one line break */
			c = c == '\t' || !multiline ? ' ' : '\n';
		} else if (c < 0x20 || c == 0x7f ||
			   (c == 0xc2 && p + 1 < e && (unsigned char)p[1] >= 0x80 &&
			    (unsigned char)p[1] <= 0x9f)) {
			return TEXT_BAD;
		}
		*o++ = (char)c;
	}
	*o = '\0';
	if (utf8_chars(copy) > max)
		return TEXT_LONG;
	*out = copy;
	return TEXT_OK;
}
