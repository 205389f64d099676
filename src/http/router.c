/* router.c: one route table, matched by method and path pattern. */
#include <stdio.h>
#include <string.h>
#include "http/http.h"
#include "core/banned.h"

static const struct {
	const char *name;
	unsigned bit;
} methods[] = {
	{ "GET", HTTP_GET },	 { "HEAD", HTTP_HEAD },	    { "POST", HTTP_POST },	 { "PUT", HTTP_PUT },
	{ "PATCH", HTTP_PATCH }, { "DELETE", HTTP_DELETE }, { "OPTIONS", HTTP_OPTIONS },
};

unsigned http_method_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (!strcmp(name, methods[i].name))
			return methods[i].bit;
	return 0;
}

void router_allow_header(unsigned mask, char *out, size_t n)
{
	size_t o = 0;
	out[0] = '\0';
	if (mask & HTTP_GET)
		mask |= HTTP_HEAD;
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		if (!(mask & methods[i].bit))
			continue;
		o += (size_t)snprintf(out + o, o < n ? n - o : 0, "%s%s", o ? ", " : "", methods[i].name);
		if (o >= n)
			break;
	}
}

/*
 * Match `path` against `pattern`. Literal segments compare exactly; "{name}"
 * takes one non-empty segment; "{name...}" takes the rest of the path. The
 * matched values are copied into the request arena when req is given.
 */
static int match(const char *pattern, const char *path, struct request *req)
{
	const char *p = pattern, *s = path;
	int np = 0;

	while (*p) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			const char *end;
			int rest;
			if (!close)
				return 0;
			rest = close - p > 4 && !strncmp(close - 3, "...", 3);
			end = rest ? s + strlen(s) : s + strcspn(s, "/");
			if (end == s)
				return 0;
			/* a pattern with more parameters than a request holds never matches */
			if (np >= ROUTE_MAX_PARAMS)
				return 0;
			if (req) {
				req->param_names[np] = arena_strndup(
					&req->arena, p + 1, (size_t)(close - p - 1 - (rest ? 3 : 0)));
				req->param_values[np] = arena_strndup(&req->arena, s, (size_t)(end - s));
			}
			np++;
			p = close + 1;
			s = end;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	if (*s)
		return 0;
	if (req)
		req->nparams = np;
	return 1;
}

const struct route *router_match(const struct route *routes, size_t n, unsigned method, const char *path,
				 struct request *req, unsigned *allow)
{
	unsigned want = method == HTTP_HEAD ? (HTTP_GET | HTTP_HEAD) : method;
	*allow = 0;
	for (size_t i = 0; i < n; i++) {
		const struct route *r = &routes[i];
		if (!match(r->pattern, path, NULL))
			continue;
		if (r->methods & want) {
			match(r->pattern, path, req);
			return r;
		}
		*allow |= r->methods;
	}
	return NULL;
}
