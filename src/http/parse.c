/* parse.c: percent-decoding, query strings and urlencoded forms. */
#include <string.h>
#include "http/parse.h"
#include "core/arena.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "core/banned.h"

/* Longest form field name accepted, decoded. */
#define FORM_NAME_MAX 256

void kvlist_init(struct kvlist *l)
{
	l->head = NULL;
	l->tail = NULL;
	l->n = 0;
}

void kvlist_add(struct kvlist *l, struct arena *a, const char *key, const char *val, size_t val_len)
{
	struct kv *kv = arena_alloc(a, sizeof(*kv));

	kv->key = key;
	kv->val = val;
	kv->val_len = val_len;
	kv->next = NULL;
	if (l->tail)
		l->tail->next = kv;
	else
		l->head = kv;
	l->tail = kv;
	l->n++;
}

const char *kvlist_get(const struct kvlist *l, const char *key)
{
	const struct kv *kv;

	for (kv = l->head; kv; kv = kv->next)
		if (!strcmp(kv->key, key))
			return kv->val;
	return NULL;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int url_decode(struct arena *a, const char *s, size_t len, int flags, char **out, size_t *outlen)
{
	char *d = arena_alloc(a, st_add(len, 1));
	size_t i = 0, n = 0;
	int rc = PARSE_OK;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			int hi, lo;

			if (len - i < 3) {
				rc = PARSE_EBADESC;
				goto out;
			}
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0) {
				rc = PARSE_EBADESC;
				goto out;
			}
			c = (unsigned char)(hi << 4 | lo);
			i += 3;
		} else {
			if (c == '+' && (flags & URL_PLUS_SPACE))
				c = ' ';
			i++;
		}
		/* raw control bytes are refused as well as escaped ones; a textarea's line breaks may pass */
		if ((c < 0x20 && c != '\t' && !((flags & URL_NEWLINES) && (c == '\r' || c == '\n'))) ||
		    c == 0x7f) {
			rc = PARSE_ECTRL;
			goto out;
		}
		d[n++] = (char)c;
	}
	d[n] = '\0';
	if (!utf8_valid(d, n)) {
		rc = PARSE_EUTF8;
		goto out;
	}
	*out = d;
	*outlen = n;
out:
	return rc;
}

/*
 * Decode one side of a "name=value" piece, refusing it when longer than
 * `max` bytes decoded. A raw piece more than three times `max` cannot
 * decode short enough, so it is refused before any work.
 */
static int form_decode(struct arena *a, const char *s, size_t len, size_t max, int flags, char **out,
		       size_t *outlen)
{
	int rc;

	if (len / 3 > max)
		return PARSE_ETOOBIG;
	rc = url_decode(a, s, len, URL_PLUS_SPACE | flags, out, outlen);
	if (rc < 0)
		return rc;
	if (*outlen > max)
		return PARSE_ETOOBIG;
	return PARSE_OK;
}

int form_parse(struct arena *a, const char *s, size_t len, size_t max_fields, size_t max_value,
	       struct kvlist *out)
{
	size_t pos = 0, nfields = 0;
	int rc = PARSE_OK;

	while (pos < len) {
		const char *piece = s + pos, *amp, *eq;
		size_t plen, nlen, vlen;
		char *name, *val;

		amp = memchr(piece, '&', len - pos);
		plen = amp ? (size_t)(amp - piece) : len - pos;
		pos += plen + (amp ? 1 : 0);
		if (!plen)
			continue;
		if (nfields >= max_fields) {
			rc = PARSE_ETOOMANY;
			goto out;
		}
		eq = memchr(piece, '=', plen);
		nlen = eq ? (size_t)(eq - piece) : plen;
		rc = form_decode(a, piece, nlen, FORM_NAME_MAX, 0, &name, &vlen);
		if (rc < 0)
			goto out;
		if (eq) {
			/* a value may hold the line breaks of a textarea (sent as %0D%0A) */
			rc = form_decode(a, eq + 1, plen - nlen - 1, max_value, URL_NEWLINES, &val, &vlen);
			if (rc < 0)
				goto out;
		} else {
			val = arena_strndup(a, "", 0);
			vlen = 0;
		}
		kvlist_add(out, a, name, val, vlen);
		nfields++;
	}
out:
	return rc;
}

const char *parse_strerror(int err)
{
	switch (err) {
	case PARSE_OK: return "success";
	case PARSE_EBADESC: return "bad percent-escape";
	case PARSE_ECTRL: return "control character in input";
	case PARSE_EUTF8: return "input is not valid UTF-8";
	case PARSE_ETOOMANY: return "too many fields";
	case PARSE_ETOOBIG: return "field too long";
	case PARSE_ESYNTAX: return "malformed input";
	}
	return "unknown parse error";
}
