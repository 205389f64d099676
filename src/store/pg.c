/* pg.c: the PostgreSQL backend of db.h (libpq, cached prepared statements, one retry on a lost link). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include "core/log.h"
#include "core/xalloc.h"
#include "store/backend.h"
#include "core/banned.h"

#define STMT_BUCKETS	128
#define MAX_PARAMS	65535 /* the protocol counts parameters in 16 bits */
#define CONNECT_TIMEOUT "10"  /* seconds; a connect_timeout in the URL wins */

/* type OIDs from catalog/pg_type.h: four numbers are not worth the server headers */
#define OID_BOOL    16
#define OID_BYTEA   17
#define OID_FLOAT4  700
#define OID_FLOAT8  701
#define OID_NUMERIC 1700

static const char backup_msg[] = "backup works on SQLite only; for PostgreSQL use pg_basebackup or pg_dump "
				 "(see docs/deploy.md)";

struct pg_param {
	char *heap; /* the value when it does not fit in `small` */
	char small[32];
};

struct pg_blob {
	unsigned char *p; /* decoded bytea (PQfreemem), NULL until asked for */
	size_t len;
};

struct pg_stmt {
	struct db_stmt base;
	char *sql;   /* as given: the cache key */
	char *pgsql; /* with $1, $2, … */
	uint64_t hash;
	char name[24]; /* s1, s2, … */
	int prepared;  /* known to the server (cleared when the connection is reset) */
	int pending;   /* an error prepare met that is not the SQL's fault: the first step returns it */
	int nparams;
	const char **values; /* NULL binds null */
	int *lengths;
	int *formats; /* 1 (binary) for blobs, 0 (text) for the rest */
	struct pg_param *params;
	PGresult *res;	       /* NULL until executed, and again after DB_DONE */
	int row;	       /* current row; -1 before the first */
	struct pg_blob *blobs; /* per column of the current row */
	int nblobs;
	struct pg_stmt *next;
};

struct pg_db {
	struct db base;
	PGconn *conn;
	struct pg_stmt *cache[STMT_BUCKETS];
	unsigned nstmts; /* statement names handed out */
	/*
	 * Inside a transaction, as last seen while the connection was good:
	 * once it is lost PQtransactionStatus() no longer knows, and a
	 * statement of a lost transaction must not be retried on a new one.
	 */
	int in_tx;
	int64_t changes;
	char errbuf[512];
};

static struct pg_db *pgdb(struct db *db)
{
	return (struct pg_db *)db;
}

static struct pg_stmt *pgst(struct db_stmt *st)
{
	return (struct pg_stmt *)st;
}

/* Decimal text of v into out (at least 21 bytes), NUL-terminated; returns the length. */
static size_t fmt_int(char *out, int64_t v)
{
	char tmp[24];
	size_t n = 0, i = 0;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		out[i++] = '-';
	while (n)
		out[i++] = tmp[--n];
	out[i] = '\0';
	return i;
}

/* Keep the first line of `msg` as the connection's last error. */
static void set_errmsg(struct pg_db *db, const char *msg)
{
	size_t n = strcspn(msg, "\n");
	if (n >= sizeof(db->errbuf))
		n = sizeof(db->errbuf) - 1;
	memmove(db->errbuf, msg, n); /* msg may be errbuf itself */
	db->errbuf[n] = '\0';
}

static int fail(struct pg_db *db, int rc, const char *msg)
{
	set_errmsg(db, msg);
	db_count_error();
	return rc;
}

static int sqlstate_is(const PGresult *res, const char *code)
{
	const char *s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	return s && !strncmp(s, code, strlen(code));
}

/* The enum db_rc for a failed result (NULL when libpq made none), with its message kept. */
static int map_error(struct pg_db *db, const PGresult *res)
{
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	int rc = DB_ERROR;

	/* libpq's own errors (a lost connection) have no fields, only the text */
	if (!msg || !*msg)
		msg = res ? PQresultErrorMessage(res) : "";
	if (!*msg)
		msg = PQerrorMessage(db->conn);
	if (!*msg)
		msg = "unknown PostgreSQL error";
	if (PQstatus(db->conn) == CONNECTION_BAD)
		rc = DB_UNAVAILABLE;
	else if (sqlstate_is(res, "23"))
		rc = DB_CONSTRAINT;
	else if (sqlstate_is(res, "40001") || sqlstate_is(res, "40P01") || sqlstate_is(res, "55P03"))
		rc = DB_BUSY;
	/* connection exceptions, and the server shutting down or starting up */
	else if (sqlstate_is(res, "08") || sqlstate_is(res, "57P0"))
		rc = DB_UNAVAILABLE;
	return fail(db, rc, msg);
}

static void note_tx(struct pg_db *db)
{
	PGTransactionStatusType t = PQtransactionStatus(db->conn);
	db->in_tx = t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

/* Like SQLite's changes(): only INSERT, UPDATE, DELETE and MERGE count, a SELECT keeps the last count. */
static void note_changes(struct pg_db *db, PGresult *res)
{
	static const char *const verbs[] = { "INSERT ", "UPDATE ", "DELETE ", "MERGE " };
	const char *cmd = PQcmdStatus(res);
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++) {
		if (!strncmp(cmd, verbs[i], strlen(verbs[i]))) {
			db->changes = strtoll(PQcmdTuples(res), NULL, 10);
			return;
		}
	}
}

static void on_notice(void *arg, const char *msg)
{
	char line[256], quoted[600];
	size_t n = strcspn(msg, "\n");
	(void)arg;
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	memcpy(line, msg, n);
	line[n] = '\0';
	log_warn("event=db_notice message=%s", log_quote(quoted, sizeof(quoted), line));
}

/*
 * Settings that a reset connection loses (client_encoding is a connection option and stays).
 * No JIT: its compiling costs a list page some 180 ms a query (bench_documents), far more than
 * our queries ever run.
 */
static int session_setup(struct pg_db *db)
{
	PGresult *res = PQexec(db->conn, "SET client_min_messages = warning; SET jit = off");
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	return ok ? 0 : -1;
}

static void forget_prepared(struct pg_db *db)
{
	for (int i = 0; i < STMT_BUCKETS; i++)
		for (struct pg_stmt *s = db->cache[i]; s; s = s->next)
			s->prepared = 0;
}

/* PQreset: a new session, without the old one's prepared statements or transaction. */
static int reconnect(struct pg_db *db)
{
	char quoted[600];
	PQreset(db->conn);
	db->in_tx = 0;
	forget_prepared(db);
	if (PQstatus(db->conn) != CONNECTION_OK || session_setup(db)) {
		set_errmsg(db, PQerrorMessage(db->conn));
		log_warn("event=db_reconnect ok=0 error=%s", log_quote(quoted, sizeof(quoted), db->errbuf));
		return -1;
	}
	log_warn("event=db_reconnect ok=1");
	return 0;
}

/*
 * One attempt: prepare `st` on the server if it is not yet, then execute it
 * (or only prepare it), or run `sql` with the simple protocol when st is NULL.
 * Returns the last result, failed or not; NULL only when libpq is out of memory.
 */
static PGresult *exec_once(struct pg_db *db, struct pg_stmt *st, const char *sql, int prepare_only)
{
	PGresult *res;
	if (!st)
		return PQexec(db->conn, sql);
	if (!st->prepared) {
		res = PQprepare(db->conn, st->name, st->pgsql, 0, NULL);
		if (PQresultStatus(res) != PGRES_COMMAND_OK || prepare_only) {
			st->prepared = PQresultStatus(res) == PGRES_COMMAND_OK;
			return res;
		}
		PQclear(res);
		st->prepared = 1;
	}
	return PQexecPrepared(db->conn, st->name, st->nparams, st->values, st->lengths, st->formats, 0);
}

/*
 * Run a statement (see exec_once) and put its result in *out (caller
 * PQclears). A connection found broken outside a transaction is reset once
 * and the statement tried again; inside a transaction the work so far is
 * gone with the session, so nothing is retried: DB_UNAVAILABLE.
 *
 * NEEDSWORK: a connection lost after the server ran an autocommit write but
 * before its answer came makes the retry run it twice; libpq cannot tell
 * that from a statement that never arrived.
 */
static int run(struct pg_db *db, struct pg_stmt *st, const char *sql, int prepare_only, PGresult **out)
{
	int reset_done = 0, reprepared = 0;

	*out = NULL;
	for (;;) {
		int was_in_tx = db->in_tx, rc;
		PGresult *res;
		ExecStatusType status;

		if (PQstatus(db->conn) == CONNECTION_BAD) {
			if (was_in_tx)
				return fail(db, DB_UNAVAILABLE,
					    "connection to PostgreSQL lost inside a transaction");
			if (reset_done || reconnect(db))
				return fail(db, DB_UNAVAILABLE, db->errbuf);
			reset_done = 1;
		}
		res = exec_once(db, st, sql, prepare_only);
		status = PQresultStatus(res);
		/* only comments is an empty query: nothing to do, as in SQLite */
		if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
			note_tx(db);
			note_changes(db, res);
			*out = res;
			return 0;
		}
		if (PQstatus(db->conn) == CONNECTION_BAD && !was_in_tx && !reset_done) {
			PQclear(res);
			continue;
		}
		/* dropped on the server (DISCARD ALL, a pooler): prepare again, outside a transaction */
		if (st && st->prepared && !was_in_tx && !reprepared && sqlstate_is(res, "26000")) {
			st->prepared = 0;
			reprepared = 1;
			PQclear(res);
			continue;
		}
		rc = map_error(db, res);
		if (PQstatus(db->conn) == CONNECTION_OK)
			note_tx(db);
		PQclear(res);
		return rc;
	}
}

static int run_simple(struct pg_db *db, const char *sql)
{
	PGresult *res;
	int rc = run(db, NULL, sql, 0, &res);
	PQclear(res);
	return rc;
}

static void pg_close(struct db *base);

static struct db *pg_open(const char *url, char **err)
{
	/* keys before dbname can be overridden by the URL, keys after it cannot */
	static const char *const keys[] = { "connect_timeout", "fallback_application_name", "dbname",
					    "client_encoding", NULL };
	const char *const vals[] = { CONNECT_TIMEOUT, "motcua", url, "UTF8", NULL };
	struct pg_db *db = xcalloc(1, sizeof(*db));
	const char *why = NULL;

	db->base.ops = &db_pg_ops;
	set_errmsg(db, "not an error");
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (!db->conn)
		why = "out of memory";
	else if (PQstatus(db->conn) != CONNECTION_OK || session_setup(db))
		why = PQerrorMessage(db->conn);
	if (why) {
		if (err) {
			/* one line, and never the URL: it may hold a password */
			static const char prefix[] = "cannot connect to PostgreSQL: ";
			size_t n = strlen(why), o = sizeof(prefix) - 1;
			char *e = xmalloc(st_add(o, st_add(n, 1)));
			memcpy(e, prefix, o);
			for (size_t i = 0; i < n; i++) {
				if (why[i] != '\n' && why[i] != '\t' && why[i] != '\r')
					e[o++] = why[i];
				else if (o && e[o - 1] != ' ')
					e[o++] = ' ';
			}
			while (o && e[o - 1] == ' ')
				o--;
			e[o] = '\0';
			*err = e;
		}
		pg_close(&db->base);
		return NULL;
	}
	PQsetNoticeProcessor(db->conn, on_notice, NULL);
	return &db->base;
}

static void clear_blobs(struct pg_stmt *st)
{
	for (int i = 0; i < st->nblobs; i++) {
		PQfreemem(st->blobs[i].p);
		st->blobs[i].p = NULL;
		st->blobs[i].len = 0;
	}
}

static void drop_result(struct pg_stmt *st)
{
	clear_blobs(st);
	free(st->blobs);
	st->blobs = NULL;
	st->nblobs = 0;
	PQclear(st->res);
	st->res = NULL;
	st->row = -1;
}

static void clear_param(struct pg_stmt *st, int k)
{
	free(st->params[k].heap);
	st->params[k].heap = NULL;
	st->values[k] = NULL;
	st->lengths[k] = 0;
	st->formats[k] = 0;
}

static void clear_bindings(struct pg_stmt *st)
{
	for (int k = 0; k < st->nparams; k++)
		clear_param(st, k);
}

static void stmt_free(struct pg_stmt *st)
{
	if (!st)
		return;
	drop_result(st);
	if (st->params)
		clear_bindings(st);
	free(st->values);
	free(st->lengths);
	free(st->formats);
	free(st->params);
	free(st->sql);
	free(st->pgsql);
	free(st);
}

static void pg_close(struct db *base)
{
	struct pg_db *db = pgdb(base);
	if (!db)
		return;
	for (int i = 0; i < STMT_BUCKETS; i++) {
		struct pg_stmt *s = db->cache[i];
		while (s) {
			struct pg_stmt *next = s->next;
			stmt_free(s);
			s = next;
		}
	}
	if (db->conn)
		PQfinish(db->conn);
	free(db);
}

static uint64_t hash_sql(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '$' || (unsigned char)c >= 0x80;
}

/*
 * The end of the string literal, quoted identifier, comment or dollar-quoted
 * string starting at p, or p itself when none starts there. A '?' inside one
 * of those is text, not a placeholder.
 */
static const char *skip_opaque(const char *sql, const char *p)
{
	if (*p == '\'' || *p == '"') {
		char q = *p;
		/* E'…' strings escape with backslashes; standard strings only double the quote */
		int esc = q == '\'' && p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
			  (p - 1 == sql || !is_ident(p[-2]));
		for (p++; *p; p++) {
			if (esc && *p == '\\' && p[1]) {
				p++;
				continue;
			}
			if (*p == q) {
				if (p[1] != q)
					return p + 1;
				p++;
			}
		}
		return p;
	}
	if (p[0] == '-' && p[1] == '-')
		return p + strcspn(p, "\n");
	if (p[0] == '/' && p[1] == '*') {
		int depth = 0; /* PostgreSQL's block comments nest */
		while (*p) {
			if (p[0] == '/' && p[1] == '*') {
				depth++;
				p += 2;
			} else if (p[0] == '*' && p[1] == '/') {
				p += 2;
				if (!--depth)
					return p;
			} else {
				p++;
			}
		}
		return p;
	}
	if (*p == '$' && (p == sql || !is_ident(p[-1]))) {
		/* $tag$ … $tag$, the tag empty or an identifier without '$' */
		const char *t = p + 1;
		size_t tag;
		if (is_ident(*t) && !(*t >= '0' && *t <= '9'))
			while (is_ident(*t) && *t != '$')
				t++;
		if (*t != '$')
			return p;
		tag = (size_t)(t + 1 - p);
		for (t++; *t; t++)
			if (*t == '$' && !strncmp(t, p, tag))
				return t + tag;
		return t;
	}
	return p;
}

/* `sql` with its '?' placeholders numbered $1, $2, … (caller frees); NULL past MAX_PARAMS. */
static char *translate(const char *sql, int *nparams)
{
	size_t len = strlen(sql), marks = 0;
	const char *p = sql;
	char *out, *o;
	int n = 0;

	for (const char *s = sql; *s; s++)
		marks += *s == '?';
	/* '?' becomes at most "$65535" */
	out = o = xmalloc(st_add(len, st_add(st_mult(marks, 5), 1)));
	while (*p) {
		const char *end = skip_opaque(sql, p);
		if (end != p) {
			memcpy(o, p, (size_t)(end - p));
			o += end - p;
			p = end;
		} else if (*p == '?') {
			if (n == MAX_PARAMS) {
				free(out);
				return NULL;
			}
			*o++ = '$';
			o += fmt_int(o, ++n);
			p++;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	*nparams = n;
	return out;
}

static struct db_stmt *pg_prepare(struct db *base, const char *sql)
{
	struct pg_db *db = pgdb(base);
	uint64_t h = hash_sql(sql);
	struct pg_stmt **head = &db->cache[h % STMT_BUCKETS];
	struct pg_stmt *st;
	PGresult *res = NULL;
	int rc;

	for (st = *head; st; st = st->next) {
		if (st->hash == h && !strcmp(st->sql, sql)) {
			drop_result(st);
			clear_bindings(st);
			st->pending = 0;
			return &st->base;
		}
	}
	st = xcalloc(1, sizeof(*st));
	st->base.db = base;
	st->row = -1;
	st->pgsql = translate(sql, &st->nparams);
	if (!st->pgsql) {
		fail(db, DB_ERROR, "too many parameters");
		goto out;
	}
	st->sql = xstrdup(sql);
	st->hash = h;
	st->name[0] = 's';
	fmt_int(st->name + 1, ++db->nstmts);
	if (st->nparams) {
		st->values = xcalloc((size_t)st->nparams, sizeof(*st->values));
		st->lengths = xcalloc((size_t)st->nparams, sizeof(*st->lengths));
		st->formats = xcalloc((size_t)st->nparams, sizeof(*st->formats));
		st->params = xcalloc((size_t)st->nparams, sizeof(*st->params));
	}
	/*
	 * Prepare now, so that a mistake in the SQL shows here as in SQLite.
	 * db_exec() can only say DB_ERROR for a NULL statement, so a lost
	 * connection or a lock is kept for the first step to return (already
	 * counted), and the statement is prepared again then.
	 */
	rc = run(db, st, NULL, 1, &res);
	PQclear(res);
	if (rc == DB_UNAVAILABLE || rc == DB_BUSY)
		st->pending = rc;
	else if (rc)
		goto out;
	st->next = *head;
	*head = st;
	return &st->base;
out:
	stmt_free(st);
	return NULL;
}

/* Storage of n bytes for parameter i (1-based), or NULL when i is out of range. */
static char *param_buf(struct pg_stmt *st, int i, size_t n)
{
	struct pg_param *p;
	int k = i - 1;
	if (i < 1 || i > st->nparams) {
		fail(pgdb(st->base.db), DB_ERROR, "bind index out of range");
		return NULL;
	}
	/* binding after a step starts the statement over, as a reset would */
	drop_result(st);
	clear_param(st, k);
	p = &st->params[k];
	if (n > sizeof(p->small))
		p->heap = xmalloc(n);
	st->values[k] = p->heap ? p->heap : p->small;
	return p->heap ? p->heap : p->small;
}

static int pg_bind_int(struct db_stmt *base, int i, int64_t v)
{
	struct pg_stmt *st = pgst(base);
	char *b = param_buf(st, i, 24);
	if (!b)
		return DB_ERROR;
	st->lengths[i - 1] = (int)fmt_int(b, v);
	return 0;
}

static int pg_bind_real(struct db_stmt *base, int i, double v)
{
	struct pg_stmt *st = pgst(base);
	char *b = param_buf(st, i, 32);
	if (!b)
		return DB_ERROR;
	/* 17 significant digits read back as the same double */
	st->lengths[i - 1] = snprintf(b, 32, "%.17g", v);
	return 0;
}

static int pg_bind_text(struct db_stmt *base, int i, const char *s, size_t len)
{
	struct pg_stmt *st = pgst(base);
	char *b;
	/* text parameters travel NUL-terminated, and PostgreSQL text cannot hold NUL anyway */
	if (len && memchr(s, '\0', len))
		return fail(pgdb(base->db), DB_ERROR, "text parameter holds a NUL byte");
	if (len >= INT_MAX)
		return fail(pgdb(base->db), DB_ERROR, "text parameter too long");
	b = param_buf(st, i, len + 1);
	if (!b)
		return DB_ERROR;
	if (len)
		memcpy(b, s, len);
	b[len] = '\0';
	st->lengths[i - 1] = (int)len;
	return 0;
}

static int pg_bind_blob(struct db_stmt *base, int i, const void *p, size_t len)
{
	struct pg_stmt *st = pgst(base);
	char *b;
	if (len > INT_MAX)
		return fail(pgdb(base->db), DB_ERROR, "blob parameter too long");
	b = param_buf(st, i, len);
	if (!b)
		return DB_ERROR;
	if (len)
		memcpy(b, p, len);
	/* binary format: the bytes as they are, no hex or escaping */
	st->lengths[i - 1] = (int)len;
	st->formats[i - 1] = 1;
	return 0;
}

static int pg_bind_null(struct db_stmt *base, int i)
{
	struct pg_stmt *st = pgst(base);
	if (i < 1 || i > st->nparams)
		return fail(pgdb(base->db), DB_ERROR, "bind index out of range");
	drop_result(st);
	clear_param(st, i - 1);
	return 0;
}

/*
 * The first step runs the statement and keeps its whole result; every step
 * then moves to the next row. After DB_DONE (or an error) the statement starts
 * over on the next step, as SQLite's does.
 */
static int pg_step(struct db_stmt *base)
{
	struct pg_stmt *st = pgst(base);
	int pending = st->pending;
	clear_blobs(st);
	if (pending) {
		st->pending = 0;
		return pending;
	}
	if (!st->res) {
		int rc = run(pgdb(base->db), st, NULL, 0, &st->res);
		if (rc)
			return rc;
		st->row = -1;
	}
	if (++st->row < PQntuples(st->res))
		return DB_ROW;
	drop_result(st);
	return DB_DONE;
}

static void pg_reset(struct db_stmt *base)
{
	pgst(base)->pending = 0;
	drop_result(pgst(base));
}

/* Column i of the current row, or NULL when there is no row, no such column or it is null. */
static const char *cell(struct pg_stmt *st, int i)
{
	if (!st->res || st->row < 0 || st->row >= PQntuples(st->res) || i < 0 || i >= PQnfields(st->res))
		return NULL;
	if (PQgetisnull(st->res, st->row, i))
		return NULL;
	return PQgetvalue(st->res, st->row, i);
}

static int64_t pg_col_int(struct db_stmt *base, int i)
{
	struct pg_stmt *st = pgst(base);
	const char *s = cell(st, i);
	char *end;
	int64_t v;
	Oid type;
	double d;

	if (!s)
		return 0;
	type = PQftype(st->res, i);
	/* booleans (comparisons, EXISTS) read as 1 and 0, as in SQLite */
	if (type == OID_BOOL)
		return s[0] == 't';
	v = strtoll(s, &end, 10);
	if (type != OID_FLOAT4 && type != OID_FLOAT8 && type != OID_NUMERIC && *end != '.' && *end != 'e' &&
	    *end != 'E')
		return v;
	/* a real truncates toward zero and saturates, as sqlite3_column_int64 does */
	d = strtod(s, NULL);
	if (d != d)
		return 0;
	if (d >= 9223372036854775807.0)
		return INT64_MAX;
	if (d <= -9223372036854775808.0)
		return INT64_MIN;
	return (int64_t)d;
}

static double pg_col_real(struct db_stmt *base, int i)
{
	struct pg_stmt *st = pgst(base);
	const char *s = cell(st, i);
	if (!s)
		return 0.0;
	if (PQftype(st->res, i) == OID_BOOL)
		return s[0] == 't' ? 1.0 : 0.0;
	return strtod(s, NULL);
}

static const char *pg_col_text(struct db_stmt *base, int i)
{
	struct pg_stmt *st = pgst(base);
	const char *s = cell(st, i);
	if (!s)
		return "";
	if (PQftype(st->res, i) == OID_BOOL)
		return s[0] == 't' ? "1" : "0";
	return s;
}

static const void *pg_col_blob(struct db_stmt *base, int i, size_t *len)
{
	struct pg_stmt *st = pgst(base);
	const char *s = cell(st, i);
	struct pg_blob *b;

	*len = 0;
	if (!s)
		return NULL;
	if (PQftype(st->res, i) != OID_BYTEA) {
		*len = (size_t)PQgetlength(st->res, st->row, i);
		return s;
	}
	/* text results show bytea as \x hex: decode once per row and column */
	if (!st->blobs) {
		st->nblobs = PQnfields(st->res);
		st->blobs = xcalloc((size_t)st->nblobs, sizeof(*st->blobs));
	}
	b = &st->blobs[i];
	if (!b->p) {
		b->p = PQunescapeBytea((const unsigned char *)s, &b->len);
		if (!b->p)
			BUG("PQunescapeBytea failed (out of memory)");
	}
	*len = b->len;
	return b->p;
}

static int pg_col_is_null(struct db_stmt *base, int i)
{
	return !cell(pgst(base), i);
}

static int pg_exec_script(struct db *base, const char *sql)
{
	/* the simple protocol runs every ';'-separated statement, in one implicit transaction */
	return run_simple(pgdb(base), sql);
}

static int pg_in_transaction(struct db *base)
{
	struct pg_db *db = pgdb(base);
	if (PQstatus(db->conn) != CONNECTION_OK)
		return db->in_tx; /* lost: say so until rollback, so that the caller rolls back */
	note_tx(db);
	return db->in_tx;
}

static int pg_begin(struct db *base, int write)
{
	struct pg_db *db = pgdb(base);
	/* a new transaction means the caller has given up on a lost one */
	if (PQstatus(db->conn) != CONNECTION_OK)
		db->in_tx = 0;
	else if (pg_in_transaction(base))
		return fail(db, DB_ERROR, "cannot start a transaction within a transaction");
	/*
	 * Writes run in READ COMMITTED: a counter row is locked by its UPDATE
	 * (or INSERT … ON CONFLICT DO UPDATE) and the second writer waits, then
	 * sees the committed value. Reads get one snapshot for the whole
	 * transaction, as a deferred BEGIN gives in SQLite; a write from such a
	 * transaction that meets a newer version fails with DB_BUSY, as SQLite's
	 * stale snapshot does.
	 */
	return run_simple(db, write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ");
}

static int pg_commit(struct db *base)
{
	struct pg_db *db = pgdb(base);
	int rc;
	if (!pg_in_transaction(base))
		return fail(db, DB_ERROR, "cannot commit - no transaction is active");
	/* COMMIT of a failed transaction answers "ROLLBACK" without an error: never let that pass */
	if (PQstatus(db->conn) == CONNECTION_OK && PQtransactionStatus(db->conn) == PQTRANS_INERROR) {
		rc = run_simple(db, "ROLLBACK");
		return rc ? rc : fail(db, DB_ERROR, "transaction rolled back after an earlier error");
	}
	return run_simple(db, "COMMIT");
}

static int pg_rollback(struct db *base)
{
	struct pg_db *db = pgdb(base);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		/* the server rolled it back when the session ended */
		db->in_tx = 0;
		return 0;
	}
	if (!pg_in_transaction(base))
		return 0;
	return run_simple(db, "ROLLBACK");
}

static int64_t pg_last_id(struct db *base)
{
	/* PostgreSQL code takes generated keys with RETURNING */
	return -1;
}

static int64_t pg_changes(struct db *base)
{
	return pgdb(base)->changes;
}

static const char *pg_errmsg(struct db *base)
{
	return pgdb(base)->errbuf;
}

static int pg_backup(struct db *base, const char *path, char **err)
{
	if (err)
		*err = xstrdup(backup_msg);
	return fail(pgdb(base), DB_ERROR, backup_msg);
}

const struct db_ops db_pg_ops = {
	.name = "postgres",
	.open = pg_open,
	.close = pg_close,
	.prepare = pg_prepare,
	.bind_int = pg_bind_int,
	.bind_real = pg_bind_real,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.reset = pg_reset,
	.col_int = pg_col_int,
	.col_real = pg_col_real,
	.col_text = pg_col_text,
	.col_blob = pg_col_blob,
	.col_is_null = pg_col_is_null,
	.exec_script = pg_exec_script,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.in_transaction = pg_in_transaction,
	.last_id = pg_last_id,
	.changes = pg_changes,
	.errmsg = pg_errmsg,
	.backup = pg_backup,
};
