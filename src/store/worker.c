/* worker.c: a background thread with its own connection running a feature's pass (store/worker.h). */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/log.h"
#include "core/timefmt.h"
#include "core/xalloc.h"
#include "store/worker.h"
#include "core/banned.h"

#define DOWN_LOG_EVERY (60 * (int64_t)1000000) /* µs between two "cannot open the database" */

/* The thread's connection, opened when there is none; the failure logged once a minute. */
static struct db *open_db(struct worker *w, int64_t *next_log)
{
	char *err = NULL, q[512];
	struct db *db = db_open(w->db_url, &err);
	int64_t now = time_mono_us();

	/* the database may be away for a while (PostgreSQL restarting): say so once a minute */
	if (!db && now >= *next_log) {
		log_error("event=%s msg=\"cannot open the database\" error=%s", w->name,
			  log_quote(q, sizeof(q), err ? err : "?"));
		*next_log = now + DOWN_LOG_EVERY;
	}
	free(err);
	return db;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct db *db = NULL;
	int64_t next_log = 0;
	int stop;

	do {
		int wait = w->poll;
		if (!db)
			db = open_db(w, &next_log);
		if (db && !atomic_load(&w->stopping)) {
			int rc = w->pass(w->arg, db);
			if (rc >= 0) {
				wait = rc;
			} else {
				char q[512];
				log_error("event=%s msg=\"database error\" error=%s", w->name,
					  log_quote(q, sizeof(q), db_errmsg(db)));
				/* start again on a new connection: the old one may be broken */
				db_close(db);
				db = NULL;
			}
		}
		pthread_mutex_lock(&w->lock);
		/* a wake that came during the pass is still set here: no wait then */
		if (wait > 0 && !w->wake && !atomic_load(&w->stopping)) {
			struct timespec until;
			clock_gettime(CLOCK_MONOTONIC, &until);
			until.tv_sec += wait;
			while (!w->wake && !atomic_load(&w->stopping) &&
			       pthread_cond_timedwait(&w->cond, &w->lock, &until) != ETIMEDOUT)
				;
		}
		w->wake = 0;
		stop = atomic_load(&w->stopping);
		pthread_mutex_unlock(&w->lock);
	} while (!stop);
	db_close(db);
	return NULL;
}

int worker_start(struct worker *w, const char *db_url, void *arg)
{
	pthread_condattr_t attr;

	pthread_mutex_lock(&w->lock);
	if (w->running) {
		pthread_mutex_unlock(&w->lock);
		BUG("worker started twice");
	}
	pthread_mutex_unlock(&w->lock);
	w->db_url = xstrdup(db_url);
	w->arg = arg;
	w->wake = 0;
	atomic_store(&w->stopping, 0);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&w->thread, NULL, worker_main, w)) {
		log_error("event=%s msg=\"cannot start the thread\"", w->name);
		pthread_cond_destroy(&w->cond);
		free(w->db_url);
		w->db_url = NULL;
		return -1;
	}
	pthread_mutex_lock(&w->lock);
	w->running = 1;
	pthread_mutex_unlock(&w->lock);
	return 0;
}

void worker_wake(struct worker *w)
{
	pthread_mutex_lock(&w->lock);
	if (w->running) {
		w->wake = 1;
		pthread_cond_signal(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
}

int worker_stop(struct worker *w)
{
	pthread_mutex_lock(&w->lock);
	if (!w->running) {
		pthread_mutex_unlock(&w->lock);
		return 0;
	}
	atomic_store(&w->stopping, 1);
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_mutex_lock(&w->lock);
	w->running = 0;
	pthread_mutex_unlock(&w->lock);
	pthread_cond_destroy(&w->cond);
	free(w->db_url);
	w->db_url = NULL;
	w->arg = NULL;
	atomic_store(&w->stopping, 0);
	return 1;
}

int worker_stopping(struct worker *w)
{
	return atomic_load(&w->stopping);
}

int worker_update_one(struct db *db, const char *sql, const char *types, ...)
{
	struct db_stmt *st;
	va_list ap;
	int64_t n;
	int rc, i = 1;

	if ((rc = db_begin(db)))
		return rc;
	st = db_prepare(db, sql);
	rc = st ? 0 : DB_ERROR;
	va_start(ap, types);
	for (const char *t = types; *t && !rc; t++, i++) {
		if (*t == 'i') {
			rc = db_bind_int(st, i, va_arg(ap, int64_t));
		} else {
			const char *s = va_arg(ap, const char *);
			assert(*t == 's' && s);
			rc = db_bind_text(st, i, s, strlen(s));
		}
	}
	va_end(ap);
	if (!rc)
		rc = db_step(st);
	if (rc != DB_DONE) {
		db_rollback(db);
		return rc < 0 ? rc : DB_ERROR;
	}
	n = db_changes(db);
	if ((rc = db_commit(db))) {
		db_rollback(db);
		return rc;
	}
	return n == 1;
}
