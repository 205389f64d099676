/*
 * worker.h: a background thread with a database connection of its own that runs one feature's
 * pass again and again: at once while there is more to do, else after a pause or when woken.
 * The mail sender (features/mail.c) and the documents' text reader (features/doc_text.c) are
 * workers. Also the guarded UPDATE with which such a thread claims a row and records what it
 * did with it, so that of several workers on one database (threads or servers) one only works it.
 */
#ifndef STORE_WORKER_H
#define STORE_WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include "store/db.h"

/*
 * One pass of the work, run in the worker's thread on its connection `db`; `arg` is what
 * worker_start was given. Returns
 *   0    there may be more to do: the next pass starts at once;
 *   > 0  the seconds to wait before the next pass (usually the worker's `poll`); the first
 *        worker_wake() ends the wait, also one made while this pass ran: no wake is lost;
 *   < 0  a database error (enum db_rc): the worker logs db_errmsg(db), closes the connection
 *        (it may be broken: PostgreSQL restarting) and opens a new one for the next pass,
 *        which comes after `poll` seconds or at a wake.
 * A pass that can take long looks at worker_stopping() between its steps and ends early (its
 * work given back for the next start) once it is set: worker_stop() waits for the pass.
 */
typedef int worker_pass_fn(void *arg, struct db *db);

/*
 * A worker is a static object of the feature's file, made with WORKER_INIT: it lives as long as
 * the program, so worker_wake() from any thread is safe before start, during and after stop.
 * The fields are worker.c's; a feature only names the object.
 */
struct worker {
	const char *name;     /* the log's event: "mail" gives event=mail */
	worker_pass_fn *pass; /* the work */
	int poll;	      /* seconds to the next try after a database error or none opened */

	pthread_mutex_t lock; /* guards what follows */
	pthread_cond_t cond;  /* on CLOCK_MONOTONIC, made by worker_start */
	pthread_t thread;
	int running, wake;
	atomic_int stopping; /* set by worker_stop until the thread has ended */
	char *db_url;	     /* a copy, owned */
	void *arg;
};

#define WORKER_INIT(name_, pass_, poll_)                                                             \
	{                                                                                            \
		.name = (name_), .pass = (pass_), .poll = (poll_), .lock = PTHREAD_MUTEX_INITIALIZER \
	}

/*
 * Start w's thread: it opens its own connection to `db_url` (copied; when the database cannot
 * be opened it says so in the log at most once a minute and tries again every `poll` seconds),
 * then runs w->pass(arg, db) at once, and again when the pass's result says. `arg` belongs to the
 * caller and must stay valid until worker_stop(). The thread inherits the caller's signal mask.
 * Returns 0, or -1 when no thread could be made (logged). BUG() when w is running already.
 */
int worker_start(struct worker *w, const char *db_url, void *arg);

/* Make a worker waiting between passes start the next one now; does nothing when it is not running. */
void worker_wake(struct worker *w);

/*
 * Stop w: worker_stopping() becomes 1, a wait between passes ends, and this waits for the pass
 * in hand to end and the thread to close its connection. Returns 1 when it stopped a running
 * worker, 0 when w was not running (nothing done: the feature has nothing to free either).
 * After it, w may be started again.
 */
int worker_stop(struct worker *w);

/* 1 while worker_stop() is ending w (passes end early then), else 0; from any thread. */
int worker_stopping(struct worker *w);

/*
 * Run one UPDATE in a short write transaction of its own and commit it: how a worker claims a
 * row (a compare-and-set on the row's due time, moved on to the end of a lease) and records its
 * outcome only if its claim still holds (the lease unchanged). Parameters as db_exec's, but only
 * 'i' (int64_t) and 's' (text, not NULL). Returns 1 when the UPDATE changed exactly one row,
 * else 0 (none: another worker won the row, or took it over after the lease ran out), or a
 * negative enum db_rc (rolled back).
 */
int worker_update_one(struct db *db, const char *sql, const char *types, ...);

/*
 * Example: a periodic job every REMINDERS_EVERY seconds, plus work that a commit hands it
 * (reminders_wake after the commit) and that may come in more than one batch.
 *
 *	static char *data_dir;		(the pass's: a copy made by reminders_start)
 *	static int64_t next_round;	(the thread's: when the reminders are due again)
 *
 *	static int rem_pass(void *arg, struct db *db)
 *	{
 *		int64_t now = time_now_us() / 1000000;
 *		int n;
 *		if (now >= next_round) {
 *			if ((n = doc_incoming_remind(db, now)) < 0)
 *				return n;		(logged, a new connection, a try in `poll`)
 *			if (n > 0)
 *				mail_wake();
 *			next_round = now + REMINDERS_EVERY;
 *		}
 *		n = doc_exchange_deliver_due(db, arg, now, DELIVERIES_AT_ONCE);
 *		if (n < 0)
 *			return n;
 *		return n >= DELIVERIES_AT_ONCE ? 0 : (int)(next_round - now);	(0: more, at once)
 *	}
 *
 *	static struct worker rem = WORKER_INIT("reminders", rem_pass, REMINDERS_EVERY);
 *
 *	int reminders_start(const char *db_url, const char *dir)
 *	{
 *		data_dir = xstrdup(dir);
 *		next_round = 0;
 *		if (!worker_start(&rem, db_url, data_dir))
 *			return 0;
 *		free(data_dir);
 *		data_dir = NULL;
 *		return -1;
 *	}
 *	void reminders_wake(void) { worker_wake(&rem); }
 *	void reminders_stop(void)
 *	{
 *		if (worker_stop(&rem)) {
 *			free(data_dir);
 *			data_dir = NULL;
 *		}
 *	}
 *
 * A pass that works through rows (features/mail.c, doc_text.c) claims each with
 * worker_update_one() ("UPDATE t SET next_at = ?, attempts = attempts + 1 WHERE id = ? AND
 * next_at = ? AND next_at <= ?": the lease's end, the id, the next_at it read, now), works it
 * outside any transaction, records the outcome with worker_update_one() guarded by "WHERE id = ?
 * AND next_at = ?" (the id, the lease's end), and returns 0 after a row it worked so that the
 * next pass comes at once.
 */

#endif
