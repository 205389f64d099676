/* parse.h: request parsers with no I/O: percent-decoding, query strings and forms, cookies. */
#ifndef HTTP_PARSE_H
#define HTTP_PARSE_H

#include <stddef.h>
#include "core/arena.h"

/* Errors shared by the parsers; each maps to a 4xx in the HTTP layer. */
enum parse_err {
	PARSE_OK = 0,
	PARSE_EBADESC = -1,  /* '%' not followed by two hex digits */
	PARSE_ECTRL = -2,    /* decoded NUL or control byte (0x00-0x1f except tab, 0x7f) */
	PARSE_EUTF8 = -3,    /* decoded bytes are not valid UTF-8 */
	PARSE_ETOOMANY = -4, /* more fields than allowed */
	PARSE_ETOOBIG = -5,  /* a name or value longer than allowed */
	PARSE_ESYNTAX = -6,  /* anything else malformed */
};

/* A name/value pair; values are NUL-terminated and may also be binary (len). */
struct kv {
	const char *key;
	const char *val;
	size_t val_len;
	struct kv *next;
};

struct kvlist {
	struct kv *head;
	struct kv *tail;
	size_t n;
};

void kvlist_init(struct kvlist *l);
/* Append a pair; key and val must live as long as the list (arena memory). */
void kvlist_add(struct kvlist *l, struct arena *a, const char *key, const char *val, size_t val_len);
/* The first value for `key`, or NULL. */
const char *kvlist_get(const struct kvlist *l, const char *key);

/*
 * Percent-decode s[0..len) into arena memory. With URL_PLUS_SPACE, '+'
 * becomes ' ' (forms and query strings). Rejects bad escapes, decoded
 * control bytes (tab excepted, and CR and LF with URL_NEWLINES: a form
 * value from a textarea; raw ones too, not only %-escaped) and invalid
 * UTF-8. On success *out is NUL-terminated and *outlen its length; on
 * error *out is left alone.
 */
enum url_flags {
	URL_PLUS_SPACE = 1 << 0,
	URL_NEWLINES = 1 << 1,
};
int url_decode(struct arena *a, const char *s, size_t len, int flags, char **out, size_t *outlen);

/*
 * Parse "a=1&b=2" (a query string without '?', or an
 * application/x-www-form-urlencoded body) into `out`. Empty pieces ("a=1&&b")
 * are skipped; a piece without '=' has an empty value. At most `max_fields`
 * pairs, each name at most 256 bytes and each value at most `max_value`
 * (decoded); a value may hold CR and LF (a textarea), a name may not. Pairs are appended to `out`, which the
 * caller has set up with kvlist_init(), so a query string and a body can share one list. On error `out` may
 * hold the pairs before the bad one: reject the whole request.
 */
int form_parse(struct arena *a, const char *s, size_t len, size_t max_fields, size_t max_value,
	       struct kvlist *out);

/*
 * Parse a Cookie header ("a=1; b=2") into `out`. Values may be quoted;
 * cookie values are not percent-decoded. Malformed pieces are skipped, as
 * browsers send what they have: a piece without '=', a name that is not a
 * token, a value with bytes outside cookie-octet, a name over 256 or a value
 * over 4096 bytes. Duplicates are kept in order, so kvlist_get() returns the
 * first (the most specific path, RFC 6265 5.4). More than 64 cookies is
 * PARSE_ETOOMANY. Pairs are appended to `out` (set up with kvlist_init()).
 */
int cookie_parse(struct arena *a, const char *s, size_t len, struct kvlist *out);

/* A human message for a parse error, in English (the HTTP layer translates). */
const char *parse_strerror(int err);

#endif
