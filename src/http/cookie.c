/* cookie.c: the Cookie request header (RFC 6265 section 4.2 and 5.4). */
#include <string.h>
#include "http/parse.h"
#include "core/arena.h"
#include "core/banned.h"

#define COOKIE_MAX	64
#define COOKIE_NAME_MAX 256
/* RFC 6265 section 6.1: user agents keep at least 4096 bytes per cookie */
#define COOKIE_VALUE_MAX 4096

/* RFC 9110 tchar */
static int is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return 1;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* RFC 6265 cookie-octet: US-ASCII less controls, space, DQUOTE, comma, semicolon, backslash */
static int is_cookie_octet(unsigned char c)
{
	return c >= 0x21 && c <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\';
}

static int is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* Trim optional white space from both ends of the slice p[0..*len). */
static const char *trim(const char *p, size_t *len)
{
	while (*len && is_ows(p[0])) {
		p++;
		(*len)--;
	}
	while (*len && is_ows(p[*len - 1]))
		(*len)--;
	return p;
}

/*
 * Check one "name=value" piece. Returns 1 and the name and value slices when
 * the piece is well formed, 0 when it is to be skipped.
 */
static int cookie_piece(const char *p, size_t len, const char **name, size_t *nlen, const char **val,
			size_t *vlen)
{
	const char *eq = memchr(p, '=', len);
	size_t i;

	if (!eq)
		return 0;
	*nlen = (size_t)(eq - p);
	*name = trim(p, nlen);
	*vlen = len - (size_t)(eq - p) - 1;
	*val = trim(eq + 1, vlen);
	if (!*nlen || *nlen > COOKIE_NAME_MAX)
		return 0;
	for (i = 0; i < *nlen; i++)
		if (!is_tchar((unsigned char)(*name)[i]))
			return 0;
	/* cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE ) */
	if (*vlen >= 2 && (*val)[0] == '"' && (*val)[*vlen - 1] == '"') {
		(*val)++;
		*vlen -= 2;
	}
	if (*vlen > COOKIE_VALUE_MAX)
		return 0;
	for (i = 0; i < *vlen; i++)
		if (!is_cookie_octet((unsigned char)(*val)[i]))
			return 0;
	return 1;
}

int cookie_parse(struct arena *a, const char *s, size_t len, struct kvlist *out)
{
	size_t pos = 0, n = 0;
	int rc = PARSE_OK;

	while (pos < len) {
		const char *piece = s + pos, *semi, *name, *val;
		size_t plen, nlen, vlen;

		semi = memchr(piece, ';', len - pos);
		plen = semi ? (size_t)(semi - piece) : len - pos;
		pos += plen + (semi ? 1 : 0);
		if (!cookie_piece(piece, plen, &name, &nlen, &val, &vlen))
			continue;
		if (n >= COOKIE_MAX) {
			rc = PARSE_ETOOMANY;
			goto out;
		}
		kvlist_add(out, a, arena_strndup(a, name, nlen), arena_strndup(a, val, vlen), vlen);
		n++;
	}
out:
	return rc;
}
