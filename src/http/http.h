/* http.h: requests and responses as handlers see them, over libmicrohttpd. */
#ifndef HTTP_HTTP_H
#define HTTP_HTTP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "core/buf.h"
#include "http/multipart.h"
#include "http/parse.h"

enum http_method {
	HTTP_GET = 1 << 0,
	HTTP_HEAD = 1 << 1,
	HTTP_POST = 1 << 2,
	HTTP_PUT = 1 << 3,
	HTTP_PATCH = 1 << 4,
	HTTP_DELETE = 1 << 5,
	HTTP_OPTIONS = 1 << 6,
};

struct request;
struct route;

/* A handler fills the response through the resp_* helpers and returns 0; non-zero means 500. */
typedef int (*handler_fn)(struct request *req);

/* Per-route flags (cgit cmd.c style): what the server checks before the handler runs. */
enum route_flags {
	ROUTE_LOGIN = 1 << 0,	/* a logged-in user is required */
	ROUTE_CSRF = 1 << 1,	/* state-changing request authenticated by cookie: token checked */
	ROUTE_UPLOAD = 1 << 2,	/* accepts multipart/form-data with files */
	ROUTE_JSON = 1 << 3,	/* accepts an application/json body */
	ROUTE_NOLOG = 1 << 4,	/* not in the access log at info level (health probes) */
	ROUTE_PUBLIC = 1 << 5,	/* a public page: cacheable by the browser, counts visits later */
	ROUTE_SESSION = 1 << 6, /* look the session up even where no login is required */
	ROUTE_RAW = 1 << 7,	/* a body of another type (text/csv) is kept as bytes in req->body */
};

struct route {
	unsigned methods;    /* enum http_method bits; GET implies HEAD */
	const char *pattern; /* "/thu-tuc/{code}", "/static/{path...}" */
	handler_fn handler;
	unsigned flags; /* enum route_flags */
};

#define ROUTE_MAX_PARAMS 8

struct header {
	const char *name;
	const char *value;
	int stable; /* name and value outlive the request (resp_header_static) */
	struct header *next;
};

/* Limits the server enforces; from configuration. */
struct http_limits {
	size_t max_body;	  /* non-upload bodies (forms, JSON): 413 past it */
	size_t max_upload;	  /* whole multipart body */
	size_t max_file;	  /* one uploaded file */
	size_t max_field;	  /* one form field */
	size_t max_fields;	  /* fields in a form or query */
	unsigned conn_timeout;	  /* seconds of inactivity before a connection is closed */
	unsigned conn_limit;	  /* connections at once */
	unsigned per_ip_limit;	  /* connections at once from one address; 0 = no limit */
	size_t conn_memory;	  /* per connection memory: bounds the request line + headers (431) */
	unsigned max_response_mb; /* rendered page limit */
};

struct request {
	struct arena arena; /* everything request-scoped */
	void *conn;	    /* struct MHD_Connection * */
	const struct server *srv;

	/* the request line */
	const char *method_name;
	enum http_method method;
	const char *raw_uri;	  /* as received: path and query, not decoded */
	const char *path;	  /* percent-decoded path */
	const char *query_string; /* raw, after '?', or "" */
	const struct route *route;
	const char *param_names[ROUTE_MAX_PARAMS];
	const char *param_values[ROUTE_MAX_PARAMS];
	int nparams;

	/* parsed input */
	struct kvlist query;
	struct kvlist form; /* urlencoded or multipart text fields */
	struct kvlist cookies;
	struct upload *files;
	json_t *json;	 /* the JSON body, when ROUTE_JSON and Content-Type says so */
	struct buf body; /* raw body of non-multipart requests */
	struct multipart *mp;
	const char *content_type;
	uint64_t content_length; /* UINT64_MAX when not given */

	char id[20]; /* request id, sent as X-Request-Id */
	char client_ip[48];
	int64_t start_us; /* monotonic */
	int is_api;	  /* the path is under /api/ */
	int is_tls;	  /* came over TLS, or a trusted proxy said so */
	int lang;	  /* enum i18n_lang, chosen by the web layer */
	void *app;	  /* the web layer's per-request state */

	/* an error found while reading the request, answered instead of the handler */
	int early_status;
	const char *early_code;
	const char *early_msg;
	int started;
	int queued;
	uint64_t discarded; /* body bytes dropped after an error */

	/* the response being built */
	int status;
	struct buf out;
	const char *content_type_out;
	struct header *headers;
	const unsigned char *static_body; /* a persistent body instead of `out` */
	size_t static_len;
	uint64_t bytes_sent;
};

/* Accessors */
const char *req_param(const struct request *req, const char *name);
const char *req_query(const struct request *req, const char *name);
const char *req_form(const struct request *req, const char *name);
const char *req_cookie(const struct request *req, const char *name);
/* A request header (case-insensitive name), or NULL. */
const char *req_header(const struct request *req, const char *name);

/* Responses. Each sets the status and content; headers may be added before or after. */
void resp_header(struct request *req, const char *name, const char *value);
/* The same without copies: name and value must outlive the request (literals, embedded data). */
void resp_header_static(struct request *req, const char *name, const char *value);
/* `out` already holds the page: send it as text/html. */
void resp_html(struct request *req, int status);
/* Send `v` as JSON (steals the reference). */
void resp_json(struct request *req, int status, json_t *v);
void resp_text(struct request *req, int status, const char *content_type, const char *s);
/* A persistent body (embedded file): not copied. */
void resp_static(struct request *req, int status, const char *content_type, const void *data, size_t len);
/* 303 See Other to a local path (never to another host). */
void resp_redirect(struct request *req, const char *location);

/*
 * An error answer: JSON {"error":{"code","message"}} under /api/ or for
 * clients that ask for JSON, else an HTML page through the error hook.
 * `message` is shown to the user: pass it translated.
 */
void resp_error(struct request *req, int status, const char *code, const char *message);

/* The web layer renders error pages for browsers through this hook. */
typedef void (*error_page_fn)(struct request *req, int status, const char *code, const char *message);

struct server_config {
	const char *listen_host;
	unsigned port;
	unsigned threads;
	const char *spool_dir;	   /* uploads are spooled here */
	const char *trusted_proxy; /* X-Forwarded-For honoured only from this address */
	struct http_limits limits;
	const struct route *routes;
	size_t nroutes;
	error_page_fn error_page;
	/* called once the headers are in: the web layer picks the language (req->lang) */
	void (*on_begin)(struct request *req);
	/* called before the handler: session, CSRF (web layer); non-zero = answered */
	int (*before)(struct request *req);
	/* called right after the handler (or `before`) answered: release database snapshots */
	void (*handled)(struct request *req);
	void (*after)(struct request *req); /* request done: free app state */
	const char *csp;
};

struct server;

/* Default limits (documented in docs/configuration.md). */
void http_limits_default(struct http_limits *l);

/* Start listening; returns NULL with *err set (caller frees) on failure. */
struct server *server_start(const struct server_config *cfg, char **err);
/* The port actually bound (useful with port 0). */
unsigned server_port(const struct server *srv);
/*
 * Stop accepting, wait up to `grace_ms` for requests in flight, then stop
 * and free. Returns the number of requests that were still running.
 */
int server_stop(struct server *srv, unsigned grace_ms);

/* Counters for /metrics. */
struct http_stats {
	uint64_t by_class[6];	 /* 1xx..5xx at [1..5] */
	uint64_t latency_le[12]; /* cumulative histogram buckets */
	uint64_t latency_count;
	double latency_sum; /* seconds */
	uint64_t in_flight;
};
extern const double http_latency_bounds[12];
void http_stats_get(const struct server *srv, struct http_stats *out);

/* The reason phrase of a status code. */
const char *http_reason(int status);

/* Route matching, exposed for tests: returns the route or NULL; fills params; *allow gets methods of other
 * routes on the path. */
const struct route *router_match(const struct route *routes, size_t n, unsigned method, const char *path,
				 struct request *req, unsigned *allow);
/* "GET, HEAD, POST" for a method mask, into out. */
void router_allow_header(unsigned methods, char *out, size_t n);
/* enum http_method for a method name, 0 when unknown. */
unsigned http_method_parse(const char *name);

#endif
