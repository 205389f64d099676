/* db.c: the storage interface: picks the backend by URL, per-thread connections, helpers. */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "core/xalloc.h"
#include "store/backend.h"
#include "core/banned.h"

static atomic_uint_fast64_t errors;
static char *thread_url;
static pthread_mutex_t thread_lock = PTHREAD_MUTEX_INITIALIZER;
static struct db *thread_list;
static __thread struct db *thread_db;

void db_count_error(void)
{
	atomic_fetch_add_explicit(&errors, 1, memory_order_relaxed);
}

uint64_t db_error_count(void)
{
	return atomic_load(&errors);
}

int db_url_is_pg(const char *url)
{
	return !strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13);
}

const char *db_url_redact(const char *url, char *out, size_t n)
{
	const char *scheme = strstr(url, "://");
	const char *at, *colon;
	size_t len;
	if (!n)
		return out;
	len = strlen(url);
	if (!db_url_is_pg(url) || !scheme || !(at = strchr(scheme + 3, '@')) ||
	    !(colon = memchr(scheme + 3, ':', (size_t)(at - scheme - 3)))) {
		len = len < n - 1 ? len : n - 1;
		memcpy(out, url, len);
		out[len] = '\0';
		return out;
	}
	/* user:password@host → user:***@host */
	{
		size_t head = (size_t)(colon + 1 - url), tail = strlen(at);
		if (head + 3 + tail >= n) {
			out[0] = '\0';
			return out;
		}
		memcpy(out, url, head);
		memcpy(out + head, "***", 3);
		memcpy(out + head + 3, at, tail + 1);
	}
	return out;
}

struct db *db_open(const char *url, char **err)
{
	const struct db_ops *ops = db_url_is_pg(url) ? &db_pg_ops : &db_sqlite_ops;
	if (err)
		*err = NULL;
	return ops->open(url, err);
}

void db_close(struct db *db)
{
	if (db)
		db->ops->close(db);
}

const char *db_backend(struct db *db)
{
	return db->ops->name;
}

void db_thread_config(const char *url)
{
	pthread_mutex_lock(&thread_lock);
	free(thread_url);
	thread_url = xstrdup(url);
	pthread_mutex_unlock(&thread_lock);
}

struct db *db_thread(void)
{
	char *err = NULL;
	char *url = NULL;
	struct db *db;
	if (thread_db)
		return thread_db;
	pthread_mutex_lock(&thread_lock);
	if (thread_url)
		url = xstrdup(thread_url);
	pthread_mutex_unlock(&thread_lock);
	if (!url)
		return NULL;
	/* connecting may take a while (a remote server): not under the lock */
	db = db_open(url, &err);
	free(url);
	free(err);
	if (!db)
		return NULL;
	pthread_mutex_lock(&thread_lock);
	db->next_thread = thread_list;
	thread_list = db;
	pthread_mutex_unlock(&thread_lock);
	thread_db = db;
	return db;
}

struct db *db_thread_current(void)
{
	return thread_db;
}

void db_thread_close_all(void)
{
	pthread_mutex_lock(&thread_lock);
	while (thread_list) {
		struct db *next = thread_list->next_thread;
		db_close(thread_list);
		thread_list = next;
	}
	thread_db = NULL;
	free(thread_url);
	thread_url = NULL;
	pthread_mutex_unlock(&thread_lock);
}

struct db_stmt *db_prepare(struct db *db, const char *sql)
{
	return db->ops->prepare(db, sql);
}

int db_bind_int(struct db_stmt *st, int i, int64_t v)
{
	return st->db->ops->bind_int(st, i, v);
}

int db_bind_real(struct db_stmt *st, int i, double v)
{
	return st->db->ops->bind_real(st, i, v);
}

int db_bind_text(struct db_stmt *st, int i, const char *s, size_t len)
{
	return st->db->ops->bind_text(st, i, s, len);
}

int db_bind_blob(struct db_stmt *st, int i, const void *p, size_t len)
{
	return st->db->ops->bind_blob(st, i, p, len);
}

int db_bind_null(struct db_stmt *st, int i)
{
	return st->db->ops->bind_null(st, i);
}

void db_release_statements(struct db *db)
{
	struct db_stmt *s = db->active;
	while (s) {
		struct db_stmt *next = s->next_active;
		db->ops->reset(s);
		s->listed = 0;
		s->next_active = NULL;
		s = next;
	}
	db->active = NULL;
}

int db_step(struct db_stmt *st)
{
	int rc = st->db->ops->step(st);
	if (rc == DB_ROW && !st->listed) {
		st->listed = 1;
		st->next_active = st->db->active;
		st->db->active = st;
	}
	return rc;
}

int64_t db_col_int(struct db_stmt *st, int i)
{
	return st->db->ops->col_int(st, i);
}

double db_col_real(struct db_stmt *st, int i)
{
	return st->db->ops->col_real(st, i);
}

const char *db_col_text(struct db_stmt *st, int i)
{
	return st->db->ops->col_text(st, i);
}

const void *db_col_blob(struct db_stmt *st, int i, size_t *len)
{
	return st->db->ops->col_blob(st, i, len);
}

int db_col_is_null(struct db_stmt *st, int i)
{
	return st->db->ops->col_is_null(st, i);
}

/* Bind the arguments for `types` from *ap, from parameter 1 on (a pointer: the caller goes on with *ap). */
static int bind_va(struct db_stmt *st, const char *types, va_list *ap)
{
	int i = 1, rc = 0;
	for (const char *t = types ? types : ""; *t && !rc; t++, i++) {
		switch (*t) {
		case 'i': rc = db_bind_int(st, i, va_arg(*ap, int64_t)); break;
		case 'r': rc = db_bind_real(st, i, va_arg(*ap, double)); break;
		case 's': {
			const char *s = va_arg(*ap, const char *);
			rc = s ? db_bind_text(st, i, s, strlen(s)) : db_bind_null(st, i);
			break;
		}
		case 'b': {
			const void *p = va_arg(*ap, const void *);
			size_t n = va_arg(*ap, size_t);
			rc = db_bind_blob(st, i, p, n);
			break;
		}
		case 'n': rc = db_bind_null(st, i); break;
		default: BUG("unknown bind type letter");
		}
	}
	return rc;
}

/* Prepare `sql` and bind the arguments; *out is the statement (NULL when it did not prepare). */
static int prepare_bound(struct db *db, struct db_stmt **out, const char *sql, const char *types, va_list *ap)
{
	*out = db_prepare(db, sql);
	if (!*out)
		return DB_ERROR;
	return bind_va(*out, types, ap);
}

/* Run a bound statement to its end. */
static int run_bound(struct db *db, struct db_stmt *st)
{
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		;
	db->ops->reset(st);
	return rc;
}

int db_exec(struct db *db, const char *sql, const char *types, ...)
{
	struct db_stmt *st;
	va_list ap;
	int rc;
	va_start(ap, types);
	rc = prepare_bound(db, &st, sql, types, &ap);
	va_end(ap);
	return rc ? rc : run_bound(db, st);
}

int db_exec_group(struct db *db, size_t n, const char *const *sqls, const char *const *types, ...)
{
	struct db_stmt *st;
	va_list ap;
	int rc = 0;

	if (!n)
		return 0;
	va_start(ap, types);
	if (n > 1 && !strcmp(db_backend(db), "postgres")) {
		/* WITH g1 AS (first), g2 AS (second), … last: one statement, one round trip */
		struct buf sql = BUF_INIT, all = BUF_INIT;
		for (size_t i = 0; i < n; i++) {
			if (i + 1 < n)
				buf_addf(&sql, "%s g%zu AS (%s)", i ? "," : "WITH", i + 1, sqls[i]);
			else
				buf_addf(&sql, " %s", sqls[i]);
			buf_adds(&all, types[i] ? types[i] : "");
		}
		if (buf_err(&sql) || buf_err(&all))
			rc = DB_ERROR;
		else if (!(rc = prepare_bound(db, &st, sql.ptr, all.ptr, &ap)))
			rc = run_bound(db, st);
		buf_release(&sql);
		buf_release(&all);
	} else {
		for (size_t i = 0; i < n && !rc; i++)
			if (!(rc = prepare_bound(db, &st, sqls[i], types[i], &ap)))
				rc = run_bound(db, st);
	}
	va_end(ap);
	return rc;
}

int db_query(struct db *db, struct db_stmt **out, const char *sql, const char *types, ...)
{
	va_list ap;
	int rc;
	va_start(ap, types);
	rc = prepare_bound(db, out, sql, types, &ap);
	va_end(ap);
	if (rc)
		return rc;
	return db_step(*out);
}

int db_exec_script(struct db *db, const char *sql)
{
	return db->ops->exec_script(db, sql);
}

int db_begin(struct db *db)
{
	db_release_statements(db);
	return db->ops->begin(db, 1);
}

int db_begin_read(struct db *db)
{
	db_release_statements(db);
	return db->ops->begin(db, 0);
}

int db_commit(struct db *db)
{
	return db->ops->commit(db);
}

int db_rollback(struct db *db)
{
	return db->ops->rollback(db);
}

int db_in_transaction(struct db *db)
{
	return db->ops->in_transaction(db);
}

int64_t db_last_id(struct db *db)
{
	return db->ops->last_id(db);
}

int64_t db_changes(struct db *db)
{
	return db->ops->changes(db);
}

const char *db_errmsg(struct db *db)
{
	return db->ops->errmsg(db);
}

int db_backup(struct db *db, const char *path, char **err)
{
	return db->ops->backup(db, path, err);
}
