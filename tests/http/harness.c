/* harness.c: test servers and HTTP clients for the HTTP tests. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "harness.h"
#include "store/db.h"
#include "testdb.h"

unsigned free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned port = 0;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
	    !getsockname(fd, (struct sockaddr *)&a, &len))
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

int ts_backend_is_pg(void)
{
	return testdb_is_pg();
}

int ts_init(struct test_server *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "/tmp/motcua-test-XXXXXX");
	if (!mkdtemp(s->dir))
		return -1;
	snprintf(s->log, sizeof(s->log), "%s/server.log", s->dir);
	if (!testdb_is_pg()) {
		snprintf(s->db, sizeof(s->db), "%s/motcua.db", s->dir);
		return 0;
	}
	if (testdb_pg_create(s->db, sizeof(s->db))) {
		rmdir(s->dir);
		s->dir[0] = '\0';
		return -1;
	}
	s->db_pg = 1;
	return 0;
}

int ts_start(struct test_server *s, const char *bin, const char *const *extra)
{
	if (ts_init(s))
		return -1;
	return ts_launch(s, bin, extra);
}

int ts_launch(struct test_server *s, const char *bin, const char *const *extra)
{
	char listen[64], data[320];
	const char *argv[64];
	int argc = 0;
	pid_t parent = getpid();

	snprintf(data, sizeof(data), "%s/data", s->dir);
	for (int attempt = 0; attempt < 5; attempt++) {
		struct http_resp r;
		s->port = free_port();
		snprintf(listen, sizeof(listen), "127.0.0.1:%u", s->port);
		snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%u", s->port);
		argc = 0;
		argv[argc++] = bin ? bin : MOTCUA_BIN;
		argv[argc++] = "serve";
		argv[argc++] = "--listen";
		argv[argc++] = listen;
		argv[argc++] = "--db";
		argv[argc++] = s->db;
		argv[argc++] = "--data";
		argv[argc++] = data;
		for (int i = 0; extra && extra[i] && argc < 62; i++)
			argv[argc++] = strcmp(extra[i], "@BASE@") ? extra[i] : s->base; /* the address once
											   known */
		argv[argc] = NULL;
		s->pid = fork();
		if (s->pid < 0)
			return -1;
		if (!s->pid) {
			int fd;
			/*
			 * A failed assertion leaves the test without calling
			 * ts_stop: the server goes when the test program does.
			 */
			if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent)
				_exit(127);
			fd = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
			if (fd >= 0) {
				dup2(fd, 2);
				dup2(fd, 1);
				close(fd);
			}
			execv(argv[0], (char *const *)argv);
			_exit(127);
		}
		for (int i = 0; i < 300; i++) { /* up to 15 s under sanitizers */
			int st;
			if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
				s->pid = 0;
				break;
			}
			resp_init(&r);
			if (!http_get(s, "/healthz", &r) && r.status == 200) {
				resp_free(&r);
				return 0;
			}
			resp_free(&r);
			sleep_ms(50);
		}
		if (s->pid) {
			kill(s->pid, SIGKILL);
			waitpid(s->pid, NULL, 0);
			s->pid = 0;
		}
	}
	ts_dump_log(s);
	return -1;
}

void ts_dump_log(const struct test_server *s)
{
	char line[1024];
	FILE *f = fopen(s->log, "r");
	if (!f)
		return;
	fprintf(stderr, "# --- server log %s ---\n", s->log);
	while (fgets(line, sizeof(line), f))
		fprintf(stderr, "# %s", line);
	fclose(f);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int ts_start_peer(struct test_server *peer, const struct test_server *first, const char *const *extra)
{
	static int n;
	memset(peer, 0, sizeof(*peer));
	memcpy(peer->dir, first->dir, sizeof(peer->dir));
	memcpy(peer->db, first->db, sizeof(peer->db));
	snprintf(peer->log, sizeof(peer->log), "%s/server-peer%d.log", first->dir, ++n);
	peer->peer = 1;
	return ts_launch(peer, NULL, extra);
}

int ts_stop(struct test_server *s)
{
	int st = 0, rc = -1;
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		for (int i = 0; i < 1500; i++) {
			pid_t p = waitpid(s->pid, &st, WNOHANG);
			if (p == s->pid) {
				rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
				break;
			}
			sleep_ms(10);
		}
		if (rc < 0) {
			kill(s->pid, SIGKILL);
			waitpid(s->pid, NULL, 0);
		}
		s->pid = 0;
	}
	if (rc != 0)
		ts_dump_log(s);
	if (s->dir[0] && !s->peer)
		nftw(s->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	s->dir[0] = '\0';
	/* after the server is gone: FORCE only ends what a test itself left open */
	if (s->db_pg && testdb_pg_drop(s->db))
		rc = rc ? rc : -1;
	s->db_pg = 0;
	return rc;
}

void resp_init(struct http_resp *r)
{
	r->status = 0;
	buf_init(&r->headers, 1 << 20);
	buf_init(&r->body, 64 << 20);
}

void resp_free(struct http_resp *r)
{
	buf_release(&r->headers);
	buf_release(&r->body);
}

const char *resp_hdr(const struct http_resp *r, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);
	const char *p = r->headers.ptr;
	const char *found = NULL;
	/* the last header block wins (after a 100 Continue) */
	while (p && *p) {
		const char *eol = strstr(p, "\r\n");
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len > nl && p[nl] == ':' && !strncasecmp(p, name, nl))
			found = p;
		if (!strncmp(p, "HTTP/", 5))
			found = NULL;
		p = eol ? eol + 2 : p + len;
	}
	if (!found)
		return NULL;
	{
		const char *v = found + nl + 1;
		const char *eol = strstr(v, "\r\n");
		size_t len;
		while (*v == ' ')
			v++;
		len = eol ? (size_t)(eol - v) : strlen(v);
		if (len >= n)
			len = n - 1;
		memcpy(out, v, len);
		out[len] = '\0';
		return out;
	}
}

const char *resp_cookie(const struct http_resp *r, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);
	for (const char *p = r->headers.ptr; (p = strcasestr(p, "\r\nSet-Cookie: ")); p += 2) {
		const char *v = p + 14;
		if (!strncmp(v, name, nl) && v[nl] == '=') {
			size_t len = strcspn(v + nl + 1, ";\r");
			snprintf(out, n, "%.*s", (int)len, v + nl + 1);
			return out;
		}
	}
	return NULL;
}

const char *resp_field(const struct http_resp *r, const char *name, char *out, size_t n)
{
	char pat[96];
	const char *p;
	snprintf(pat, sizeof(pat), "name=\"%s\" value=\"", name);
	p = strstr(r->body.ptr, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	snprintf(out, n, "%.*s", (int)strcspn(p, "\""), p);
	return out;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	buf_add(ud, p, size * n);
	return size * n;
}

int http_req(const struct test_server *s, const char *method, const char *path, const char *const *headers,
	     const char *body, size_t body_len, struct http_resp *r)
{
	CURL *c = curl_easy_init();
	struct curl_slist *hl = NULL;
	char url[2048];
	CURLcode rc;
	int expect = 0;

	if (!c)
		return -1;
	snprintf(url, sizeof(url), "%s%s", s->base, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->headers);
	if (!strcmp(method, "HEAD"))
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	}
	for (int i = 0; headers && headers[i]; i++) {
		hl = curl_slist_append(hl, headers[i]);
		expect |= !strncasecmp(headers[i], "Expect:", 7);
	}
	/* no "100 Continue" round trip unless the test asks for it (a large body refused at once) */
	if (!expect)
		hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	else
		fprintf(stderr, "%s %s: %s\n", method, path, curl_easy_strerror(rc));
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	return rc == CURLE_OK ? 0 : -1;
}

void read_until_close(int fd, struct buf *out, int timeout_ms)
{
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		char chunk[8192];
		ssize_t n;
		if (poll(&p, 1, timeout_ms) <= 0)
			return;
		n = recv(fd, chunk, sizeof(chunk), 0);
		if (n <= 0)
			return;
		buf_add(out, chunk, (size_t)n);
	}
}

int ts_wait_exit(struct test_server *s, int timeout_ms)
{
	int st = 0;
	for (int waited = 0; waited <= timeout_ms; waited += 10) {
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			s->pid = 0;
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		}
		sleep_ms(10);
	}
	return -1;
}

int ts_connect(const struct test_server *s)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)s->port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

int raw_req(const struct test_server *s, const char *data, size_t len, struct buf *out, int timeout_ms)
{
	int fd = ts_connect(s);
	size_t off = 0;
	int status = -1;
	if (fd < 0)
		return -1;
	while (off < len) {
		ssize_t n = send(fd, data + off, len - off, MSG_NOSIGNAL);
		if (n <= 0)
			break; /* the server may answer and close before reading everything */
		off += (size_t)n;
	}
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		char chunk[8192];
		ssize_t n;
		if (poll(&p, 1, timeout_ms) <= 0)
			break;
		n = recv(fd, chunk, sizeof(chunk), 0);
		if (n <= 0)
			break;
		buf_add(out, chunk, (size_t)n);
		/* a complete response with Content-Length: stop without waiting for close */
		{
			const char *end = strstr(out->ptr, "\r\n\r\n");
			const char *cl = strcasestr(out->ptr, "\r\nContent-Length:");
			if (end && cl && cl < end) {
				size_t want = (size_t)strtoul(cl + 17, NULL, 10);
				if (out->len >= (size_t)(end + 4 - out->ptr) + want)
					break;
			}
		}
	}
	close(fd);
	if (out->len > 12 && !strncmp(out->ptr, "HTTP/1.", 7))
		status = (int)strtol(out->ptr + 9, NULL, 10);
	return status;
}

int ts_demo(const struct test_server *s)
{
	char cmd[1200];
	snprintf(cmd, sizeof(cmd), "'%s' demo --db '%s' --data '%s/data' >/dev/null 2>&1", MOTCUA_BIN, s->db,
		 s->dir);
	return system(cmd) ? -1 : 0;
}

/* The string value of "key":"…" in a flat JSON text (no escapes expected) into out; NULL when absent. */
static const char *json_str(const char *json, const char *key, char *out, size_t n)
{
	char pat[64];
	const char *p, *end;
	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = strstr(json, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	end = strchr(p, '"');
	if (!end || (size_t)(end - p) >= n)
		return NULL;
	memcpy(out, p, (size_t)(end - p));
	out[end - p] = '\0';
	return out;
}

long ts_login(const struct test_server *s, const char *user, const char *password, struct ts_user *u)
{
	struct http_resp r;
	char body[512];
	long status;
	memset(u, 0, sizeof(*u));
	snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"}", user, password);
	resp_init(&r);
	if (http_req(s, "POST", "/api/v1/session",
		     (const char *const[]){ "Content-Type: application/json", NULL }, body, strlen(body),
		     &r)) {
		resp_free(&r);
		return -1;
	}
	status = r.status;
	if (status == 201 && r.body.ptr && resp_cookie(&r, "sid", u->sid, sizeof(u->sid)) &&
	    json_str(r.body.ptr, "csrf", u->csrf, sizeof(u->csrf))) {
		snprintf(u->cookie, sizeof(u->cookie), "Cookie: sid=%s", u->sid);
		snprintf(u->token, sizeof(u->token), "X-CSRF-Token: %s", u->csrf);
	}
	resp_free(&r);
	return status;
}

int ts_as(const struct test_server *s, const struct ts_user *u, const char *method, const char *path,
	  const char *body, struct http_resp *r)
{
	const char *type = !body	    ? NULL
			   : body[0] == '{' ? "Content-Type: application/json"
					    : "Content-Type: application/x-www-form-urlencoded";
	const char *headers[4] = { u ? u->cookie : type, u ? u->token : NULL, u ? type : NULL, NULL };
	return http_req(s, method, path, headers, body, body ? strlen(body) : 0, r);
}

char *ts_form(const struct ts_user *u, ...)
{
	struct buf b = BUF_INIT;
	const char *name;
	va_list ap;
	if (u)
		buf_addf(&b, "csrf=%s", u->csrf);
	va_start(ap, u);
	while ((name = va_arg(ap, const char *))) {
		const char *value = va_arg(ap, const char *);
		char *enc = curl_easy_escape(NULL, value, 0);
		buf_addf(&b, "%s%s=%s", b.len ? "&" : "", name, enc);
		curl_free(enc);
	}
	va_end(ap);
	return buf_detach(&b, NULL);
}

/* The integer of the only row of `sql` with one text argument; the test fails without one. */
static int64_t id_of(struct db *db, const char *sql, const char *arg)
{
	struct db_stmt *st;
	int64_t v;
	int rc = db_query(db, &st, sql, "s", arg);
	if (rc != DB_ROW) {
		fprintf(stderr, "# no row for %s (%s)\n", sql, arg);
		abort();
	}
	v = db_col_int(st, 0);
	while (rc == DB_ROW)
		rc = db_step(st);
	return v;
}

int64_t ts_unit_id(struct db *db, const char *agency_code)
{
	return id_of(db, "SELECT id FROM units WHERE agency_code = ?", agency_code);
}

int64_t ts_account_id(struct db *db, const char *username)
{
	return id_of(db, "SELECT id FROM accounts WHERE username = ?", username);
}

json_t *ts_json(const struct test_server *s, const struct ts_user *u, const char *method, const char *path,
		const char *body, long want, long *got)
{
	struct http_resp r;
	json_t *j = NULL;
	resp_init(&r);
	if (ts_as(s, u, method, path, body, &r)) {
		resp_free(&r);
		if (got)
			*got = 0;
		return NULL;
	}
	if (got)
		*got = r.status;
	if (want && r.status != want) {
		fprintf(stderr, "%s %s: status %ld, wanted %ld: %s\n", method, path, r.status, want,
			r.body.ptr ? r.body.ptr : "");
	} else if (r.body.len) {
		j = json_loadb(r.body.ptr, r.body.len, 0, NULL);
	}
	resp_free(&r);
	return j;
}

long long ts_sql_int(const struct test_server *s, const char *sql, const char *types, int64_t a, int64_t b)
{
	char *err = NULL;
	struct db *db = db_open(s->db, &err);
	struct db_stmt *st;
	long long v = -1;
	int rc;
	if (!db) {
		fprintf(stderr, "cannot open %s: %s\n", s->db, err ? err : "?");
		free(err);
		return -2;
	}
	rc = db_query(db, &st, sql, types, a, b);
	if (rc == DB_ROW)
		v = db_col_int(st, 0);
	else if (rc < 0)
		fprintf(stderr, "%s: %s\n", sql, db_errmsg(db));
	db_release_statements(db);
	db_close(db);
	return rc < 0 ? -2 : v;
}

void ts_make_pdf(struct buf *out, const char *text)
{
	static const char *const objs[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
		"/Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	};
	char stream[512];
	size_t off[5], xref;
	snprintf(stream, sizeof(stream), "BT /F1 14 Tf 72 760 Td (%s) Tj ET", text);
	buf_reset(out);
	buf_adds(out, "%PDF-1.4\n");
	for (size_t k = 0; k < 4; k++) {
		off[k] = out->len;
		buf_addf(out, "%zu 0 obj\n%s\nendobj\n", k + 1, objs[k]);
	}
	off[4] = out->len;
	buf_addf(out, "5 0 obj\n<< /Length %zu >>\nstream\n%s\nendstream\nendobj\n", strlen(stream), stream);
	xref = out->len;
	buf_adds(out, "xref\n0 6\n0000000000 65535 f \n");
	for (size_t k = 0; k < 5; k++)
		buf_addf(out, "%010zu 00000 n \n", off[k]);
	buf_addf(out, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
}
