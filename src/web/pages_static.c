/* pages_static.c: embedded static assets with ETag, caching and precompressed gzip. */
#include <stdlib.h>
#include <string.h>
#include "core/embed.h"
#include "core/i18n.h"
#include "web/app.h"
#include "core/banned.h"

static const struct {
	const char *ext;
	const char *type;
} types[] = {
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".woff2", "font/woff2" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".json", "application/json" },
};

static const char *content_type(const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t e = strlen(types[i].ext);
		if (n > e && !strcmp(name + n - e, types[i].ext))
			return types[i].type;
	}
	return "application/octet-stream";
}

/* 1 when the comma-separated If-None-Match list holds `etag` (or is "*"). */
static int etag_matches(const char *inm, const char *etag)
{
	size_t n = strlen(etag);
	while (inm && *inm) {
		while (*inm == ' ' || *inm == ',')
			inm++;
		if (!strncmp(inm, "W/", 2))
			inm += 2;
		if (*inm == '*' ||
		    (!strncmp(inm, etag, n) && (inm[n] == '\0' || inm[n] == ',' || inm[n] == ' ')))
			return 1;
		inm = strchr(inm, ',');
	}
	return 0;
}

static int accepts_gzip(const char *ae)
{
	const char *p = ae ? strstr(ae, "gzip") : NULL;
	const char *q;
	if (!p)
		return 0;
	/* "gzip;q=0" refuses it */
	q = p + 4;
	while (*q == ' ')
		q++;
	if (!strncmp(q, ";q=", 3) || !strncmp(q, "; q=", 4))
		return strtod(strchr(q, '=') + 1, NULL) > 0;
	return 1;
}

static void send_file(struct request *req, const struct embed_file *f, const char *cache)
{
	resp_header_static(req, "ETag", f->etag);
	resp_header_static(req, "Cache-Control", cache);
	if (f->gz)
		resp_header_static(req, "Vary", "Accept-Encoding");
	if (etag_matches(req_header(req, "If-None-Match"), f->etag)) {
		resp_static(req, 304, content_type(f->name), "", 0);
		return;
	}
	if (f->gz && accepts_gzip(req_header(req, "Accept-Encoding"))) {
		resp_header_static(req, "Content-Encoding", "gzip");
		resp_static(req, 200, content_type(f->name), f->gz, f->gz_len);
		return;
	}
	resp_static(req, 200, content_type(f->name), f->data, f->len);
}

int page_static(struct request *req)
{
	const char *path = req_param(req, "path");
	char name[256];
	const struct embed_file *f;
	size_t n = strlen(path);

	/* no "..", no empty or hidden segments, no backslashes */
	if (strstr(path, "..") || strstr(path, "//") || strchr(path, '\\') || path[0] == '.' ||
	    strstr(path, "/.")) {
		resp_error(req, 400, "bad_path", _("The address is not valid."));
		return 0;
	}
	if (n + 8 >= sizeof(name) ||
	    !(f = (memcpy(name, "static/", 7), memcpy(name + 7, path, n + 1), embed_find(name)))) {
		resp_error(req, 404, "not_found", _("The page you asked for was not found."));
		return 0;
	}
	/* a URL carrying the current content tag never changes: cache it for a year */
	{
		const char *v = req_query(req, "v");
		size_t vl = v ? strlen(v) : 0;
		int current = vl >= 8 && !strncmp(f->etag + 1, v, vl) && f->etag[1 + vl] != '\0';
		send_file(req, f, current ? "public, max-age=31536000, immutable" : "public, max-age=300");
	}
	return 0;
}

int page_favicon(struct request *req)
{
	const struct embed_file *f = embed_find("static/favicon.ico");
	if (!f) {
		resp_error(req, 404, "not_found", _("The page you asked for was not found."));
		return 0;
	}
	send_file(req, f, "public, max-age=604800");
	return 0;
}

int page_robots(struct request *req)
{
	resp_header(req, "Cache-Control", "public, max-age=86400");
	resp_text(req, 200, "text/plain; charset=utf-8",
		  arena_printf(
			  &req->arena,
			  "User-agent: *\nDisallow: /api/\nDisallow: /quan-tri/\nSitemap: %s/sitemap.xml\n",
			  req_site_url(req)));
	return 0;
}
