/* input.c: what every page reads from forms, paths and queries, in one place. */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "core/buf.h"
#include "core/i18n.h"
#include "core/xalloc.h"
#include "web/app.h"
#include "core/banned.h"

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

const char *input_trim(struct request *req, const char *s)
{
	size_t len;
	if (!s)
		return "";
	while (is_space(*s))
		s++;
	len = strlen(s);
	while (len && is_space(s[len - 1]))
		len--;
	return arena_strndup(&req->arena, s, len);
}

int64_t input_id(const char *s)
{
	int64_t v = 0;
	if (!s || !*s || strlen(s) > 15)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v;
}

int64_t req_param_id(const struct request *req)
{
	return input_id(req_param(req, "id"));
}

json_t *unit_option_json(int64_t id, const char *name, size_t depth, int selected)
{
	struct buf label = BUF_INIT;
	json_t *o;
	for (size_t k = 0; k < depth * 2; k++)
		buf_adds(&label, "\u00a0");
	buf_adds(&label, name ? name : "");
	o = json_pack("{s:I,s:s,s:b}", "id", (json_int_t)id, "name", label.ptr ? label.ptr : "", "selected",
		      selected);
	buf_release(&label);
	return o;
}

int ids_contain(const int64_t *v, size_t n, int64_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] == x)
			return 1;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int ids_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

size_t ids_sort_unique(int64_t *v, size_t n)
{
	size_t k = 0;
	qsort(v, n, sizeof(*v), ids_cmp);
	for (size_t i = 0; i < n; i++)
		if (!k || v[k - 1] != v[i])
			v[k++] = v[i];
	return k;
}

const char *msg_unavailable(void)
{
	return _("The service is not available right now. Please try again shortly.");
}

void resp_unavailable(struct request *req)
{
	resp_error(req, 503, "db_unavailable", msg_unavailable());
}

const char *input_url_encode(struct request *req, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = arena_alloc(&req->arena, st_add(st_mult(strlen(s), 3), 1)), *p = out;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '.' || c == '_' || c == '~') {
			*p++ = (char)c;
		} else {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p = '\0';
	return out;
}

const char *req_site_url(struct request *req)
{
	const char *host = req_header(req, "Host");
	if (the_app->cfg.public_url)
		return the_app->cfg.public_url;
	/* the Host the browser used, when it is a plain host[:port]; else the configured address */
	if (!host || !*host || strlen(host) > 255 ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") !=
		    strlen(host))
		host = the_app->cfg.listen;
	return arena_printf(&req->arena, "%s://%s", req->is_tls ? "https" : "http", host);
}
