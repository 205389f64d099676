/*
 * server.c: the HTTP server on libmicrohttpd: limits, request parsing,
 * dispatch through the route table, responses, access log and metrics.
 *
 * libmicrohttpd traps handled here once (found when it was measured):
 * - no option means no connection timeout and no connection limit: both are
 *   always set, from configuration;
 * - a response queued on the first call of the access handler makes 0.9.75
 *   close the connection (keep-alive silently ends): we answer from the
 *   second call on, always;
 * - upload data left unconsumed makes it close the connection with an
 *   internal error: every call marks all of it consumed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include "core/i18n.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "core/xalloc.h"
#include "http/http.h"
#include "core/banned.h"

/* Counters kept per worker thread (one writer each), added up when read. */
struct worker_stats {
	_Atomic uint64_t by_class[6];
	_Atomic uint64_t latency_bucket[13]; /* not cumulative; [12] is +Inf */
	_Atomic uint64_t latency_sum_us;
};

#define POOL_KEEP     8
#define CACHE_KEEP    16
#define CACHE_HEADERS 6

/*
 * A finished response for a persistent body (an embedded file) whose headers
 * are all stable, kept per worker thread and queued again: only its request id
 * changes. libmicrohttpd writes a queued response's headers into the
 * connection's buffer before the access handler runs for anything else on
 * this thread, so changing the id for the next request is safe; the body is
 * never copied.
 */
struct cached_response {
	struct MHD_Response *r;
	const void *body;
	size_t len;
	int status;
	const char *ctype;
	int tls; /* with Strict-Transport-Security */
	const char *hdr[CACHE_HEADERS][2];
	int nhdr;
	char id[20];
	char date[32]; /* its Date header, swapped when the second changes */
};

/* What a worker thread keeps: its counters and finished requests to reuse. */
struct worker {
	struct server *srv;
	struct worker_stats stats;
	struct request *pool[POOL_KEEP];
	int npool;
	struct cached_response cache[CACHE_KEEP];
	int ncache;
	struct worker *next;
};

struct server {
	struct server_config cfg;
	struct MHD_Daemon *d;
	unsigned port;
	int listen_fd;	  /* ours: we accept and hand connections to MHD */
	int stop_pipe[2]; /* written once to stop the accept thread */
	pthread_t acceptor;
	int acceptor_running;
	uint32_t id_prefix;
	atomic_uint_fast64_t next_id;
	atomic_uint_fast64_t in_flight;
	pthread_mutex_t workers_lock;
	struct worker *workers;
	struct worker_stats other; /* completions outside worker threads (at shutdown) */
};

static __thread struct worker *this_worker;

static struct worker *worker_get(struct server *srv)
{
	struct worker *w = this_worker;
	if (w && w->srv == srv)
		return w;
	w = xcalloc(1, sizeof(*w));
	w->srv = srv;
	pthread_mutex_lock(&srv->workers_lock);
	w->next = srv->workers;
	srv->workers = w;
	pthread_mutex_unlock(&srv->workers_lock);
	this_worker = w;
	return w;
}

/* One writer per counter: a relaxed load and store, no locked instruction. */
static inline void stat_inc(_Atomic uint64_t *c, uint64_t by)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + by, memory_order_relaxed);
}

const double http_latency_bounds[12] = { 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
					 0.01,	 0.025,	  0.05,	  0.1,	 0.5,	 1.0 };

/*
 * Everything from this origin only (default-src covers scripts, styles and
 * fonts: no inline script or style), images also as data: URLs, no plugins,
 * forms post only here, never framed. Kept short: it goes on every response.
 */
#define DEFAULT_CSP                                                                                          \
	"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; " \
	"frame-ancestors 'none'"

void http_limits_default(struct http_limits *l)
{
	l->max_body = 1 << 20;
	l->max_upload = 64 << 20;
	l->max_file = 20 << 20;
	l->max_field = 64 << 10;
	l->max_fields = 256;
	l->conn_timeout = 30;
	l->conn_limit = 4096;
	l->per_ip_limit = 2048;
	l->conn_memory = 16 << 10; /* request line + headers up to about 14 KiB; 431 past it */
	l->max_response_mb = 16;
}

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	default: return "";
	}
}

/* ---- accessors ---- */

const char *req_param(const struct request *req, const char *name)
{
	for (int i = 0; i < req->nparams; i++)
		if (!strcmp(req->param_names[i], name))
			return req->param_values[i];
	return NULL;
}

const char *req_query(const struct request *req, const char *name)
{
	return kvlist_get(&req->query, name);
}

const char *req_form(const struct request *req, const char *name)
{
	return kvlist_get(&req->form, name);
}

const char *req_cookie(const struct request *req, const char *name)
{
	return kvlist_get(&req->cookies, name);
}

const char *req_header(const struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

/* ---- responses ---- */

void resp_header(struct request *req, const char *name, const char *value)
{
	struct header *h = arena_alloc(&req->arena, sizeof(*h));
	h->name = arena_strdup(&req->arena, name);
	h->value = arena_strdup(&req->arena, value);
	h->next = req->headers;
	req->headers = h;
}

void resp_header_static(struct request *req, const char *name, const char *value)
{
	struct header *h = arena_alloc(&req->arena, sizeof(*h));
	h->name = name;
	h->value = value;
	h->stable = 1;
	h->next = req->headers;
	req->headers = h;
}

void resp_html(struct request *req, int status)
{
	req->status = status;
	req->content_type_out = "text/html; charset=utf-8";
}

void resp_json(struct request *req, int status, json_t *v)
{
	char *s;
	buf_reset(&req->out);
	s = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII * 0);
	json_decref(v);
	if (!s) {
		buf_adds(&req->out, "{\"error\":{\"code\":\"internal\",\"message\":\"internal error\"}}");
		status = 500;
	} else {
		buf_adds(&req->out, s);
		free(s);
	}
	buf_addch(&req->out, '\n');
	req->status = status;
	req->content_type_out = "application/json; charset=utf-8";
}

void resp_text(struct request *req, int status, const char *content_type, const char *s)
{
	buf_reset(&req->out);
	buf_adds(&req->out, s);
	req->status = status;
	req->content_type_out = content_type;
}

void resp_static(struct request *req, int status, const char *content_type, const void *data, size_t len)
{
	req->status = status;
	req->content_type_out = content_type;
	req->static_body = data;
	req->static_len = len;
}

void resp_redirect(struct request *req, const char *location)
{
	/*
	 * Only local paths: "//host" or a scheme would be an open redirect, and
	 * browsers drop tabs and newlines and read '\\' as '/' before resolving.
	 */
	if (location[0] != '/' || location[1] == '/')
		location = "/";
	for (const char *c = location; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '\\') {
			location = "/";
			break;
		}
	resp_header(req, "Location", location);
	buf_reset(&req->out);
	req->status = 303;
	req->content_type_out = "text/plain; charset=utf-8";
}

static int wants_json(struct request *req)
{
	const char *accept;
	if (req->is_api)
		return 1;
	accept = req->conn ? req_header(req, "Accept") : NULL;
	return accept && strstr(accept, "application/json") && !strstr(accept, "text/html");
}

void resp_error(struct request *req, int status, const char *code, const char *message)
{
	req->static_body = NULL;
	buf_reset(&req->out);
	if (!wants_json(req) && req->srv && req->srv->cfg.error_page) {
		req->srv->cfg.error_page(req, status, code, message);
		if (req->status == status && !buf_err(&req->out))
			return;
		buf_reset(&req->out);
	}
	if (wants_json(req)) {
		json_t *e = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", message);
		resp_json(req, status, e);
	} else {
		buf_addf(&req->out, "%d %s\n%s\n", status, http_reason(status), message);
		req->status = status;
		req->content_type_out = "text/plain; charset=utf-8";
	}
}

/* ---- request life cycle ---- */

static void early_error(struct request *req, int status, const char *code, const char *msg)
{
	if (req->early_status)
		return;
	req->early_status = status;
	req->early_code = code;
	req->early_msg = msg;
}

static void set_client_ip(struct request *req)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const char *xff;
	req->client_ip[0] = '\0';
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, req->client_ip,
				  sizeof(req->client_ip));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, req->client_ip,
				  sizeof(req->client_ip));
	}
	if (!req->srv->cfg.trusted_proxy || strcmp(req->client_ip, req->srv->cfg.trusted_proxy))
		return;
	/* the proxy appends the address it saw last: take the last element */
	xff = req_header(req, "X-Forwarded-For");
	if (xff) {
		const char *last = strrchr(xff, ',');
		unsigned char tmp[16];
		char addr[48];
		size_t n;
		last = last ? last + 1 : xff;
		while (*last == ' ')
			last++;
		n = strcspn(last, " ");
		if (n && n < sizeof(addr)) {
			memcpy(addr, last, n);
			addr[n] = '\0';
			if (inet_pton(AF_INET, addr, tmp) == 1 || inet_pton(AF_INET6, addr, tmp) == 1)
				memcpy(req->client_ip, addr, n + 1);
		}
	}
	{
		const char *proto = req_header(req, "X-Forwarded-Proto");
		if (proto && !strcmp(proto, "https"))
			req->is_tls = 1;
	}
}

/* RFC 9110 token: 1*tchar, at most 32 of them. */
static int method_is_token(const char *m)
{
	size_t n = 0;
	for (; *m; m++, n++) {
		unsigned char c = (unsigned char)*m;
		if (n >= 32 || c <= 0x20 || c >= 0x7f || strchr("\"(),/:;<=>?@[\\]{}", c))
			return 0;
	}
	return n > 0;
}

static int starts_with_ci(const char *s, const char *prefix)
{
	return !strncasecmp(s, prefix, strlen(prefix));
}

/* The first call: the request line and headers are in; decide what to do with the body. */
static void request_begin(struct request *req, const char *method)
{
	const struct server *srv = req->srv;
	const struct http_limits *lim = &srv->cfg.limits;
	const char *q, *cl, *cookie;
	char *path = NULL;
	size_t plen;
	unsigned allow = 0;
	int rc;

	req->method_name = arena_strdup(&req->arena, method);
	req->method = http_method_parse(method);
	set_client_ip(req);
	if (!req->raw_uri)
		req->raw_uri = "/";
	q = strchr(req->raw_uri, '?');
	req->query_string = q ? q + 1 : "";
	/* the body's size first: every early answer depends on it */
	req->content_type = req_header(req, "Content-Type");
	cl = req_header(req, "Content-Length");
	req->content_length = UINT64_MAX;
	if (cl) {
		char *end;
		errno = 0;
		unsigned long long v = strtoull(cl, &end, 10);
		if (errno || end == cl || *end)
			early_error(req, 400, "bad_length", N_("The Content-Length header is not valid."));
		req->content_length = v;
	}
	if (!method_is_token(method)) {
		/* MHD takes any bytes up to the space; a method must be an RFC 9110 token */
		req->method_name = "-";
		early_error(req, 400, "bad_method", N_("This HTTP method is not supported."));
		return;
	}

	req->is_api = !strncmp(req->raw_uri, "/api/", 5) || !strcmp(req->raw_uri, "/api");
	if (req->raw_uri[0] != '/') {
		early_error(req, 400, "bad_path", N_("The address is not valid."));
		return;
	}
	rc = url_decode(&req->arena, req->raw_uri, q ? (size_t)(q - req->raw_uri) : strlen(req->raw_uri), 0,
			&path, &plen);
	if (rc) {
		req->path = "/";
		early_error(req, 400, "bad_path",
			    N_("The address has a bad percent-encoding or a forbidden character."));
		return;
	}
	req->path = path;
	if (q &&
	    form_parse(&req->arena, q + 1, strlen(q + 1), lim->max_fields, lim->max_field, &req->query)) {
		early_error(req, 400, "bad_query", N_("The query string is not valid."));
		return;
	}
	cookie = req_header(req, "Cookie");
	if (cookie)
		cookie_parse(&req->arena, cookie, strlen(cookie), &req->cookies);
	if (srv->cfg.on_begin)
		srv->cfg.on_begin(req);

	req->route = router_match(srv->cfg.routes, srv->cfg.nroutes, req->method, req->path, req, &allow);
	if (!req->route) {
		if (allow) {
			char hdr[96];
			router_allow_header(allow, hdr, sizeof(hdr));
			resp_header(req, "Allow", hdr);
			early_error(req, 405, "method_not_allowed",
				    req->method ? N_("This method is not allowed at this address.")
						: N_("This HTTP method is not supported."));
		} else {
			early_error(req, 404, "not_found", N_("The page you asked for was not found."));
		}
		return;
	}

	if (req->content_type && starts_with_ci(req->content_type, "multipart/form-data")) {
		struct multipart_limits ml = { lim->max_field, lim->max_file, lim->max_upload,
					       lim->max_fields };
		int err = 0;
		if (!(req->route->flags & ROUTE_UPLOAD)) {
			early_error(req, 415, "unsupported_media_type",
				    N_("This address does not accept file uploads."));
			return;
		}
		if (req->content_length != UINT64_MAX && req->content_length > lim->max_upload) {
			early_error(req, 413, "too_large", N_("The data sent is larger than allowed."));
			return;
		}
		req->mp = multipart_new(req->content_type, srv->cfg.spool_dir, &ml, &req->arena, &err);
		if (!req->mp)
			early_error(req, 400, "bad_multipart",
				    N_("The multipart data has no valid boundary."));
		return;
	}
	if (req->content_length != UINT64_MAX && req->content_length > lim->max_body)
		early_error(req, 413, "too_large", N_("The data sent is larger than allowed."));
}

static void body_feed(struct request *req, const char *data, size_t len)
{
	if (req->mp) {
		int rc = multipart_feed(req->mp, data, len);
		if (rc == MP_ETOOBIG)
			early_error(req, 413, "too_large",
				    N_("A file or field sent is larger than allowed."));
		else if (rc == MP_EUTF8)
			early_error(req, 400, "bad_utf8", N_("The form data is not valid UTF-8."));
		else if (rc)
			early_error(req, 400, "bad_multipart", N_("The multipart data is not valid."));
		return;
	}
	if (buf_add(&req->body, data, len))
		early_error(req, 413, "too_large", N_("The data sent is larger than allowed."));
}

/* The body is complete: parse it by its type. */
static void body_finish(struct request *req)
{
	const struct http_limits *lim = &req->srv->cfg.limits;
	const char *ct = req->content_type ? req->content_type : "";

	if (req->mp) {
		int rc = multipart_finish(req->mp, &req->form, &req->files);
		if (rc == MP_ETRUNC)
			early_error(req, 400, "truncated_multipart",
				    N_("The multipart data ended too early."));
		else if (rc == MP_EUTF8)
			early_error(req, 400, "bad_utf8", N_("The form data is not valid UTF-8."));
		else if (rc == MP_ETOOBIG)
			early_error(req, 413, "too_large",
				    N_("A file or field sent is larger than allowed."));
		else if (rc)
			early_error(req, 400, "bad_multipart", N_("The multipart data is not valid."));
		return;
	}
	if (!req->body.len)
		return;
	if (starts_with_ci(ct, "application/x-www-form-urlencoded")) {
		int rc = form_parse(&req->arena, req->body.ptr, req->body.len, lim->max_fields,
				    lim->max_field, &req->form);
		if (rc == PARSE_EUTF8)
			early_error(req, 400, "bad_utf8", N_("The form data is not valid UTF-8."));
		else if (rc == PARSE_ETOOMANY || rc == PARSE_ETOOBIG)
			early_error(req, 413, "too_large",
				    N_("The form has too many fields or a field is too long."));
		else if (rc)
			early_error(req, 400, "bad_form", N_("The form data is not valid."));
	} else if (starts_with_ci(ct, "application/json")) {
		json_error_t jerr;
		if (!(req->route->flags & ROUTE_JSON) && !req->is_api) {
			early_error(req, 415, "unsupported_media_type",
				    N_("This address does not accept JSON."));
			return;
		}
		req->json = json_loadb(req->body.ptr, req->body.len, JSON_REJECT_DUPLICATES, &jerr);
		if (!req->json)
			early_error(req, 400, "bad_json", N_("The JSON data is not valid."));
	} else if (!(req->route->flags & ROUTE_RAW)) {
		early_error(req, 415, "unsupported_media_type", N_("This type of data is not accepted."));
	}
}

/*
 * The Date header (RFC 9110 §6.6.1), formatted once a second per thread: the
 * daemon's own (MHD_USE_SUPPRESS_DATE_NO_CLOCK turns it off) formats it for
 * every response, a gmtime and an snprintf each.
 */
static const char *date_now(void)
{
	static __thread char date[32];
	static __thread int64_t at = -1;
	int64_t now = time_now_us() / 1000000;
	if (now != at) {
		time_http_date(date, sizeof(date), now);
		at = now;
	}
	return date;
}

static void add_std_headers(struct request *req, struct MHD_Response *r)
{
	MHD_add_response_header(r, "Date", date_now());
	const char *csp = req->srv->cfg.csp ? req->srv->cfg.csp : DEFAULT_CSP;
	MHD_add_response_header(r, "Content-Type",
				req->content_type_out ? req->content_type_out : "text/plain; charset=utf-8");
	MHD_add_response_header(r, "X-Request-Id", req->id);
	MHD_add_response_header(r, "Content-Security-Policy", csp);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	/* over TLS (or a trusted proxy that terminated it): browsers keep to HTTPS for a year */
	if (req->is_tls)
		MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
	for (struct header *h = req->headers; h; h = h->next)
		MHD_add_response_header(r, h->name, h->value);
}

/* The worker's cached response for this request's body and headers, or NULL. */
static struct cached_response *cached_find(struct request *req)
{
	struct worker *w = this_worker && this_worker->srv == req->srv ? this_worker : NULL;
	if (!w)
		return NULL;
	for (int i = 0; i < w->ncache; i++) {
		struct cached_response *c = &w->cache[i];
		const struct header *h = req->headers;
		int k = 0;
		if (c->body != req->static_body || c->len != req->static_len || c->status != req->status ||
		    c->ctype != req->content_type_out || c->tls != req->is_tls)
			continue;
		for (; h && k < c->nhdr; h = h->next, k++)
			if (!h->stable || h->name != c->hdr[k][0] || h->value != c->hdr[k][1])
				break;
		if (!h && k == c->nhdr)
			return c;
	}
	return NULL;
}

/* Keep `r` in the worker's cache when its headers are all stable; 1 when kept. */
static int cached_keep(struct request *req, struct MHD_Response *r)
{
	struct worker *w = this_worker && this_worker->srv == req->srv ? this_worker : NULL;
	struct cached_response *c;
	int k = 0;
	if (!w || w->ncache >= CACHE_KEEP || req->srv->cfg.csp)
		return 0;
	for (const struct header *h = req->headers; h; h = h->next, k++)
		if (!h->stable || k >= CACHE_HEADERS)
			return 0;
	c = &w->cache[w->ncache++];
	c->r = r;
	c->body = req->static_body;
	c->len = req->static_len;
	c->status = req->status;
	c->ctype = req->content_type_out;
	c->tls = req->is_tls;
	c->nhdr = 0;
	for (const struct header *h = req->headers; h; h = h->next, c->nhdr++) {
		c->hdr[c->nhdr][0] = h->name;
		c->hdr[c->nhdr][1] = h->value;
	}
	memcpy(c->id, req->id, sizeof(c->id));
	{
		/* the very value add_std_headers put there, should the second have turned since */
		const char *date = MHD_get_response_header(r, "Date");
		snprintf(c->date, sizeof(c->date), "%s", date ? date : "");
	}
	return 1;
}

static enum MHD_Result queued(struct request *req, enum MHD_Result ret)
{
	if (ret == MHD_YES) {
		req->queued = 1;
	} else {
		req->bytes_sent = 0;
		log_debug("event=queue_failed id=%s status=%d", req->id, req->status);
	}
	return ret;
}

static enum MHD_Result queue(struct request *req)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (!req->status) {
		resp_error(req, 500, "internal", _("Internal server error."));
	}
	if (buf_err(&req->out)) {
		buf_release(&req->out);
		req->status = 0;
		resp_error(req, 500, "too_large_response", _("The page is too large."));
	}
	if (req->static_body) {
		struct cached_response *c = cached_find(req);
		if (c) {
			/* the same file with the same headers: only the request id changes */
			const char *date = date_now();
			MHD_del_response_header(c->r, "X-Request-Id", c->id);
			MHD_add_response_header(c->r, "X-Request-Id", req->id);
			memcpy(c->id, req->id, sizeof(c->id));
			if (strcmp(c->date, date)) {
				MHD_del_response_header(c->r, "Date", c->date);
				MHD_add_response_header(c->r, "Date", date);
				snprintf(c->date, sizeof(c->date), "%s", date);
			}
			req->bytes_sent = req->static_len;
			return queued(req, MHD_queue_response(req->conn, (unsigned)req->status, c->r));
		}
		r = MHD_create_response_from_buffer(req->static_len, (void *)req->static_body,
						    MHD_RESPMEM_PERSISTENT);
		req->bytes_sent = req->static_len;
	} else {
		/* copied, so the buffer's memory is reused by the next request */
		r = MHD_create_response_from_buffer(req->out.len, req->out.ptr, MHD_RESPMEM_MUST_COPY);
		req->bytes_sent = req->out.len;
	}
	if (!r)
		return MHD_NO;
	add_std_headers(req, r);
	ret = MHD_queue_response(req->conn, (unsigned)req->status, r);
	if (!req->static_body || !cached_keep(req, r))
		MHD_destroy_response(r);
	return queued(req, ret);
}

static void dispatch(struct request *req)
{
	const struct server *srv = req->srv;
	i18n_set_lang(req->lang);
	if (req->early_status) {
		resp_error(req, req->early_status, req->early_code, _(req->early_msg));
		return;
	}
	if (!srv->cfg.before || !srv->cfg.before(req)) {
		if (req->route->handler(req) && !req->status)
			resp_error(req, 500, "internal", _("Internal server error, please try again later."));
	}
	if (srv->cfg.handled)
		srv->cfg.handled(req);
}

/* Bytes of a refused body read and dropped before giving up on the connection. */
#define DISCARD_MAX ((uint64_t)1 << 20)

static int expects_continue(struct request *req)
{
	const char *e = req_header(req, "Expect");
	return e && !strcasecmp(e, "100-continue");
}

/* Answer an error before the body is read; MHD closes the connection after it. */
static enum MHD_Result answer_early(struct request *req)
{
	i18n_set_lang(req->lang);
	resp_error(req, req->early_status, req->early_code, _(req->early_msg));
	resp_header(req, "Connection", "close");
	return queue(req);
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				 const char *version, const char *upload_data, size_t *upload_data_size,
				 void **con_cls)
{
	struct request *req = *con_cls;
	(void)cls;
	(void)url;
	(void)version;

	if (!req)
		return MHD_NO; /* the URI callback always sets it */
	if (!req->started) {
		req->started = 1;
		req->conn = conn;
		request_begin(req, method);
		/*
		 * libmicrohttpd 0.9.75 takes a response only on the first call (it
		 * then closes the connection: keep-alive ends) or once the whole body
		 * is in. So an error is answered at once only when the body is not
		 * worth reading: declared far over the limit, or the client waits
		 * for "100 Continue" before sending it. Otherwise the body is read
		 * and dropped, and the answer comes at the end, on a live connection.
		 */
		if (req->early_status && (expects_continue(req) || (req->content_length != UINT64_MAX &&
								    req->content_length > DISCARD_MAX)))
			return answer_early(req);
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!req->early_status)
			body_feed(req, upload_data, *upload_data_size);
		else
			req->discarded += *upload_data_size;
		*upload_data_size = 0; /* always consume, or MHD closes with an internal error */
		if (req->early_status && req->discarded > DISCARD_MAX) {
			/* a chunked body that goes on and on: give up on the connection */
			req->status = req->early_status;
			return MHD_NO;
		}
		return MHD_YES;
	}
	if (req->queued)
		return MHD_YES;
	if (!req->early_status)
		body_finish(req);
	dispatch(req);
	return queue(req);
}

static void request_free(struct request *req)
{
	buf_release(&req->out);
	buf_release(&req->body);
	arena_release(&req->arena);
	free(req);
}

/* 16 hex digits: a random prefix per server start, then a counter. */
static void request_id(char out[20], uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 15; i >= 0; i--) {
		out[i] = hex[v & 0xf];
		v >>= 4;
	}
	out[16] = '\0';
}

/* Called by MHD with the raw request URI before anything else: the request starts here. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct server *srv = cls;
	struct worker *w = worker_get(srv);
	struct request *req;
	uint64_t n;
	(void)conn;

	if (w->npool) {
		/* keep the arena's first block and the buffers' memory, clear the rest */
		struct arena arena;
		struct buf out, body;
		req = w->pool[--w->npool];
		arena = req->arena;
		out = req->out;
		body = req->body;
		memset(req, 0, sizeof(*req));
		req->arena = arena;
		req->out = out;
		req->body = body;
		buf_reset(&req->out);
		buf_reset(&req->body);
	} else {
		req = xcalloc(1, sizeof(*req));
		arena_init(&req->arena);
		buf_init(&req->out, (size_t)srv->cfg.limits.max_response_mb << 20);
		buf_init(&req->body, srv->cfg.limits.max_body);
	}
	req->srv = srv;
	req->start_us = time_mono_us();
	kvlist_init(&req->query);
	kvlist_init(&req->form);
	kvlist_init(&req->cookies);
	req->raw_uri = arena_strdup(&req->arena, uri ? uri : "/");
	req->content_length = UINT64_MAX;
	n = atomic_fetch_add_explicit(&srv->next_id, 1, memory_order_relaxed);
	request_id(req->id, ((uint64_t)srv->id_prefix << 32) | (n & 0xffffffffu));
	atomic_fetch_add(&srv->in_flight, 1);
	return req;
}

static void record_stats(struct worker_stats *st, int status, int64_t dur_us)
{
	int cls = status / 100;
	double secs = (double)dur_us / 1e6;
	int b = 0;
	if (cls < 1 || cls > 5)
		cls = 5;
	stat_inc(&st->by_class[cls], 1);
	while (b < 12 && secs > http_latency_bounds[b])
		b++;
	stat_inc(&st->latency_bucket[b], 1);
	stat_inc(&st->latency_sum_us, (uint64_t)dur_us);
}

/* Append s to the line at *n (size LINE_MAX_ACCESS), stopping at the end. */
#define LINE_MAX_ACCESS 1024
static void put(char *line, size_t *n, const char *s, size_t len)
{
	if (len > LINE_MAX_ACCESS - *n)
		len = LINE_MAX_ACCESS - *n;
	memcpy(line + *n, s, len);
	*n += len;
}

static void put_u64(char *line, size_t *n, uint64_t v)
{
	char d[24];
	size_t i = sizeof(d);
	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(line, n, d + i, sizeof(d) - i);
}

#define PUTS(lit) put(line, &n, (lit), sizeof(lit) - 1)

/* One line per request: time, id, method, path (never the query: it may hold personal data), status, bytes,
 * µs. */
static void access_log(struct request *req, int64_t dur, int aborted)
{
	char line[LINE_MAX_ACCESS];
	char path[512];
	const char *p = req->path ? req->path : "-";
	size_t n = 0;

	/* the common case needs no quoting */
	if (strpbrk(p, " \"=\\") || !*p || strlen(p) >= sizeof(path))
		p = log_quote(path, sizeof(path), p);
	for (const char *c = p; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			p = log_quote(path, sizeof(path), req->path);
			break;
		}
	PUTS("event=request id=");
	put(line, &n, req->id, strlen(req->id));
	PUTS(" method=");
	put(line, &n, req->method_name ? req->method_name : "-",
	    req->method_name ? strlen(req->method_name) : 1);
	PUTS(" path=");
	put(line, &n, p, strlen(p));
	PUTS(" status=");
	put_u64(line, &n, (uint64_t)req->status);
	PUTS(" bytes=");
	put_u64(line, &n, req->bytes_sent);
	PUTS(" dur_us=");
	put_u64(line, &n, (uint64_t)(dur > 0 ? dur : 0));
	if (aborted)
		PUTS(" aborted=1");
	log_kv(req->status >= 500 ? LOG_ERROR : LOG_INFO, line, n);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct server *srv = cls;
	struct request *req = *con_cls;
	int64_t dur;
	(void)conn;

	if (!req)
		return;
	*con_cls = NULL;
	dur = time_mono_us() - req->start_us;
	if (!req->queued && !req->status) {
		/* ended before an answer: the client went away, timed out, or MHD refused the headers */
		req->status = toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? 408 : 400;
	}
	if (req->status) {
		struct worker *w = this_worker && this_worker->srv == srv ? this_worker : NULL;
		if (w) {
			record_stats(&w->stats, req->status, dur);
		} else {
			pthread_mutex_lock(&srv->workers_lock);
			record_stats(&srv->other, req->status, dur);
			pthread_mutex_unlock(&srv->workers_lock);
		}
	}
	if (!(req->route && (req->route->flags & ROUTE_NOLOG)) || req->status >= 400 ||
	    log_level >= LOG_DEBUG)
		access_log(req, dur, toe != MHD_REQUEST_TERMINATED_COMPLETED_OK);
	if (srv->cfg.after)
		srv->cfg.after(req);
	if (req->mp)
		multipart_free(req->mp, 0);
	json_decref(req->json);
	/* a pooled request must not keep the last body (passwords) in memory */
	if (req->body.len)
		explicit_bzero(req->body.ptr, req->body.len);
	if (this_worker && this_worker->srv == srv && this_worker->npool < POOL_KEEP &&
	    req->out.alloc <= (256u << 10) && req->body.alloc <= (64u << 10)) {
		arena_reset(&req->arena);
		this_worker->pool[this_worker->npool++] = req;
	} else {
		request_free(req);
	}
	atomic_fetch_sub(&srv->in_flight, 1);
}

/* We decode paths and queries ourselves (url_decode rejects control bytes); MHD must not. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512], q[600];
	size_t n;
	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	log_debug("event=mhd msg=%s", log_quote(q, sizeof(q), msg));
}

/* Enough file descriptors for the connection limit: the default soft limit is 1024. */
static void raise_nofile(unsigned want)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (rl.rlim_cur >= want + 64)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want + 64 ? want + 64 : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		log_warn("event=rlimit msg=\"cannot raise the open file limit\" errno=%d", errno);
}

/* Accept connections and give them to MHD's workers until server_stop writes to the pipe. */
static void *accept_main(void *arg)
{
	struct server *srv = arg;
	for (;;) {
		struct pollfd p[2] = { { srv->listen_fd, POLLIN, 0 }, { srv->stop_pipe[0], POLLIN, 0 } };
		struct sockaddr_storage addr;
		socklen_t alen = sizeof(addr);
		int fd;
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		fd = accept4(srv->listen_fd, (struct sockaddr *)&addr, &alen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				usleep(10000); /* out of descriptors: let some close */
			continue;
		}
		/* MHD applies the connection limits; it closes the socket when it refuses it */
		MHD_add_connection(srv->d, fd, (struct sockaddr *)&addr, alen);
	}
	return NULL;
}

struct server *server_start(const struct server_config *cfg, char **err)
{
	struct server *srv = xcalloc(1, sizeof(*srv));
	struct sockaddr_storage ss;
	socklen_t sslen;
	uint32_t prefix = 0;
	char msg[256];

	srv->cfg = *cfg;
	srv->listen_fd = -1;
	srv->stop_pipe[0] = srv->stop_pipe[1] = -1;
	pthread_mutex_init(&srv->workers_lock, NULL);
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, cfg->listen_host, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)cfg->port);
		sslen = sizeof(*sin);
	} else if (inet_pton(AF_INET6, cfg->listen_host, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)cfg->port);
		sslen = sizeof(*sin6);
	} else {
		snprintf(msg, sizeof(msg), "invalid listen address '%s' (use an IP address)",
			 cfg->listen_host);
		goto fail;
	}
	if (getrandom(&prefix, sizeof(prefix), 0) != sizeof(prefix))
		prefix = (uint32_t)time_now_us();
	srv->id_prefix = prefix;
	raise_nofile(cfg->limits.conn_limit);

	/*
	 * We listen and accept ourselves and hand each connection to MHD: at
	 * shutdown we simply stop accepting. MHD_quiesce_daemon races with its
	 * own worker threads in 0.9.75 ("Failed to remove listen FD from epoll
	 * set", an abort) now and then.
	 */
	srv->listen_fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (srv->listen_fd < 0) {
		snprintf(msg, sizeof(msg), "cannot open a socket: %s", strerror(errno));
		goto fail;
	}
	{
		int on = 1;
		setsockopt(srv->listen_fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (ss.ss_family == AF_INET6)
			setsockopt(srv->listen_fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	}
	if (bind(srv->listen_fd, (struct sockaddr *)&ss, sslen) || listen(srv->listen_fd, 1024)) {
		snprintf(msg, sizeof(msg), "cannot listen on %s:%u: %s", cfg->listen_host, cfg->port,
			 strerror(errno));
		goto fail;
	}
	{
		struct sockaddr_storage bound;
		socklen_t blen = sizeof(bound);
		if (!getsockname(srv->listen_fd, (struct sockaddr *)&bound, &blen))
			srv->port = ntohs(bound.ss_family == AF_INET6
						  ? ((struct sockaddr_in6 *)&bound)->sin6_port
						  : ((struct sockaddr_in *)&bound)->sin_port);
	}
	srv->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
					  MHD_USE_NO_LISTEN_SOCKET | MHD_USE_SUPPRESS_DATE_NO_CLOCK |
					  MHD_USE_ERROR_LOG | (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
				  0, NULL, NULL, on_access, srv, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
				  MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cfg->threads ? cfg->threads : 1),
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->limits.conn_timeout,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->limits.conn_limit,
				  MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->limits.per_ip_limit,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)cfg->limits.conn_memory,
				  MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv, MHD_OPTION_NOTIFY_COMPLETED,
				  on_completed, srv, MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
				  MHD_OPTION_END);
	if (!srv->d) {
		snprintf(msg, sizeof(msg), "libmicrohttpd refused to start: %s",
			 errno ? strerror(errno) : "?");
		goto fail;
	}
	if (pipe2(srv->stop_pipe, O_CLOEXEC) || pthread_create(&srv->acceptor, NULL, accept_main, srv)) {
		snprintf(msg, sizeof(msg), "cannot start the accept thread");
		MHD_stop_daemon(srv->d);
		goto fail;
	}
	srv->acceptor_running = 1;
	return srv;
fail:
	if (err)
		*err = xstrdup(msg);
	if (srv->listen_fd >= 0)
		close(srv->listen_fd);
	free(srv);
	return NULL;
}

unsigned server_port(const struct server *srv)
{
	return srv->port;
}

int server_stop(struct server *srv, unsigned grace_ms)
{
	int64_t deadline = time_mono_us() + (int64_t)grace_ms * 1000;
	int left;
	/* stop accepting: new connections are refused by the kernel from now on */
	if (srv->acceptor_running) {
		ssize_t w = write(srv->stop_pipe[1], "x", 1);
		(void)w;
		pthread_join(srv->acceptor, NULL);
	}
	close(srv->listen_fd);
	close(srv->stop_pipe[0]);
	close(srv->stop_pipe[1]);
	while (atomic_load(&srv->in_flight) && time_mono_us() < deadline)
		usleep(10000);
	left = (int)atomic_load(&srv->in_flight);
	MHD_stop_daemon(srv->d);
	/* the worker threads have ended: free what they kept */
	while (srv->workers) {
		struct worker *w = srv->workers;
		srv->workers = w->next;
		while (w->npool)
			request_free(w->pool[--w->npool]);
		while (w->ncache)
			MHD_destroy_response(w->cache[--w->ncache].r);
		free(w);
	}
	pthread_mutex_destroy(&srv->workers_lock);
	free(srv);
	return left;
}

static void stats_add(struct http_stats *out, uint64_t *buckets, struct worker_stats *st)
{
	for (int i = 1; i <= 5; i++)
		out->by_class[i] += atomic_load_explicit(&st->by_class[i], memory_order_relaxed);
	for (int i = 0; i < 13; i++)
		buckets[i] += atomic_load_explicit(&st->latency_bucket[i], memory_order_relaxed);
	out->latency_sum += (double)atomic_load_explicit(&st->latency_sum_us, memory_order_relaxed) / 1e6;
}

void http_stats_get(const struct server *srv, struct http_stats *out)
{
	struct server *s = (struct server *)srv;
	uint64_t buckets[13] = { 0 }, cum = 0;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&s->workers_lock);
	for (struct worker *w = s->workers; w; w = w->next)
		stats_add(out, buckets, &w->stats);
	stats_add(out, buckets, &s->other);
	pthread_mutex_unlock(&s->workers_lock);
	for (int i = 0; i < 12; i++) {
		cum += buckets[i];
		out->latency_le[i] = cum;
	}
	out->latency_count = cum + buckets[12];
	out->in_flight = atomic_load(&s->in_flight);
}
