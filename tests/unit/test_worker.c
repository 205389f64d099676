/*
 * test_worker.c: the background worker (store/worker.c): a pass at start, then at once while
 * the pass says there is more, else after the seconds it answers or at a wake; a wake made
 * during a pass is not lost; stop ends a wait at once and a long pass through worker_stopping();
 * after a database error the next pass comes `poll` seconds later on a new connection; a
 * database that cannot be opened runs no pass and does not keep stop waiting;
 * worker_update_one() changes one row or tells that it lost the race. Runs on SQLite, or on
 * PostgreSQL with MOTCUA_TEST_BACKEND=pg.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "core/timefmt.h"
#include "store/db.h"
#include "store/worker.h"
#include "testdb.h"
#include "core/banned.h"

#define LONG_WAIT 3600 /* seconds: a pass that comes sooner was woken */

/* What the test's pass saw and what it is to answer; guarded by lock. */
struct probe {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct worker *w;
	int passes;	/* passes begun */
	int in_pass;	/* a pass is running */
	int hold;	/* a pass waits while set */
	int long_pass;	/* a pass runs until worker_stopping() */
	int saw_stop;	/* a long pass saw worker_stopping() */
	int more, fail; /* passes still to answer 0 (more, at once), DB_ERROR */
	int wait;	/* what the other passes answer: seconds to the next */
	int db_ok;	/* every pass could read through its connection */
};

static int pass(void *arg, struct db *db);

static struct worker slow = WORKER_INIT("test", pass, LONG_WAIT);
static struct worker fast = WORKER_INIT("test", pass, 1); /* a try a second after an error */

struct fixture {
	char dir[64];
	char path[320];
	int pg;
	struct probe p;
};

static int pass(void *arg, struct db *db)
{
	struct probe *p = arg;
	struct db_stmt *st;
	int rc, ok = db_query(db, &st, "SELECT 1", NULL) == DB_ROW && db_col_int(st, 0) == 1;

	while (ok && (rc = db_step(st)) == DB_ROW)
		;
	pthread_mutex_lock(&p->lock);
	p->passes++;
	p->in_pass = 1;
	p->db_ok &= ok;
	pthread_cond_broadcast(&p->cond);
	while (p->hold)
		pthread_cond_wait(&p->cond, &p->lock);
	if (p->long_pass) {
		pthread_mutex_unlock(&p->lock);
		while (!worker_stopping(p->w))
			usleep(1000);
		pthread_mutex_lock(&p->lock);
		p->saw_stop = 1;
	}
	if (p->more > 0) {
		p->more--;
		rc = 0;
	} else if (p->fail > 0) {
		p->fail--;
		rc = DB_ERROR;
	} else {
		rc = p->wait;
	}
	p->in_pass = 0;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	return rc;
}

static double seconds_since(int64_t t0)
{
	return (double)(time_mono_us() - t0) / 1e6;
}

/* The passes begun once there are at least n, or after `seconds` at the most. */
static int passes_reach(struct probe *p, int n, int seconds)
{
	struct timespec until;
	int got;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += seconds;
	pthread_mutex_lock(&p->lock);
	while (p->passes < n && pthread_cond_timedwait(&p->cond, &p->lock, &until) == 0)
		;
	got = p->passes;
	pthread_mutex_unlock(&p->lock);
	return got;
}

static int passes_now(struct probe *p)
{
	int n;
	pthread_mutex_lock(&p->lock);
	n = p->passes;
	pthread_mutex_unlock(&p->lock);
	return n;
}

/* n passes have begun (within 5 s), and no other in the next 0.3 s. */
static void passes_settle(struct probe *p, int n)
{
	assert_int_equal(passes_reach(p, n, 5), n);
	usleep(300 * 1000);
	assert_int_equal(passes_now(p), n);
}

/* Wait until a pass is running (at most 5 s). */
static void wait_in_pass(struct probe *p)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 5;
	pthread_mutex_lock(&p->lock);
	while (!p->in_pass && pthread_cond_timedwait(&p->cond, &p->lock, &until) == 0)
		;
	assert_true(p->in_pass);
	pthread_mutex_unlock(&p->lock);
}

static void set(struct probe *p, int *field, int v)
{
	pthread_mutex_lock(&p->lock);
	*field = v;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	*state = fx;
	pthread_mutex_init(&fx->p.lock, NULL);
	pthread_cond_init(&fx->p.cond, NULL);
	fx->p.db_ok = 1;
	fx->p.wait = LONG_WAIT;
	fx->p.w = &slow;
	return testdb_fresh("worker", fx->dir, fx->path, sizeof(fx->path), &fx->pg);
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	if (!fx)
		return 0;
	/* a failed test may have left one running */
	worker_stop(&slow);
	worker_stop(&fast);
	testdb_remove(fx->dir, fx->path, fx->pg);
	pthread_cond_destroy(&fx->p.cond);
	pthread_mutex_destroy(&fx->p.lock);
	free(fx);
	return 0;
}

/* A pass at start, none more until a wake, then one; wake and stop on a stopped worker do nothing. */
static void first_pass_then_wake(void **state)
{
	struct fixture *fx = *state;
	struct probe *p = &fx->p;

	worker_wake(&slow); /* not running: nothing */
	assert_int_equal(worker_stop(&slow), 0);
	assert_int_equal(worker_start(&slow, fx->path, p), 0);
	passes_settle(p, 1);
	worker_wake(&slow);
	passes_settle(p, 2);
	assert_int_equal(worker_stop(&slow), 1);
	assert_int_equal(worker_stop(&slow), 0);
	worker_wake(&slow);
	usleep(100 * 1000);
	assert_int_equal(passes_now(p), 2);
	assert_true(p->db_ok);

	/* started again: a new first pass */
	assert_int_equal(worker_start(&slow, fx->path, p), 0);
	assert_int_equal(passes_reach(p, 3, 5), 3);
	assert_int_equal(worker_stop(&slow), 1);
}

/* A wake made while a pass runs brings one more pass after it, not a wait of LONG_WAIT. */
static void wake_during_a_pass_is_kept(void **state)
{
	struct fixture *fx = *state;
	struct probe *p = &fx->p;

	set(p, &p->hold, 1);
	assert_int_equal(worker_start(&slow, fx->path, p), 0);
	wait_in_pass(p);
	worker_wake(&slow);
	worker_wake(&slow); /* two wakes during one pass: one more pass */
	set(p, &p->hold, 0);
	passes_settle(p, 2);
	assert_int_equal(worker_stop(&slow), 1);
}

/* A pass that says there is more is followed at once by the next; then the worker waits. */
static void more_runs_again_at_once(void **state)
{
	struct fixture *fx = *state;
	struct probe *p = &fx->p;

	set(p, &p->more, 3);
	assert_int_equal(worker_start(&slow, fx->path, p), 0);
	passes_settle(p, 4);
	assert_int_equal(worker_stop(&slow), 1);
}

/* Without a wake, the next pass comes after the seconds the pass answered. */
static void waits_what_the_pass_says(void **state)
{
	struct fixture *fx = *state;
	struct probe *p = &fx->p;
	int64_t t0 = time_mono_us();

	p->wait = 1;
	assert_int_equal(worker_start(&slow, fx->path, p), 0);
	assert_int_equal(passes_reach(p, 1, 5), 1);
	assert_int_equal(passes_reach(p, 3, 5), 3);
	print_message("# three passes a second apart in %.2f s\n", seconds_since(t0));
	assert_true(seconds_since(t0) >= 1.9);
	assert_int_equal(worker_stop(&slow), 1);
}

/* Stop ends a wait at once, and a long pass as soon as it looks at worker_stopping(). */
static void stop_is_prompt(void **state)
{
	struct fixture *fx = *state;
	struct probe *p = &fx->p;
	int64_t t0;

	/* waiting LONG_WAIT seconds */
	assert_int_equal(worker_start(&slow, fx->path, p), 0);
	assert_int_equal(passes_reach(p, 1, 5), 1);
	usleep(100 * 1000);
	t0 = time_mono_us();
	assert_int_equal(worker_stop(&slow), 1);
	assert_true(seconds_since(t0) < 1.0);

	/* in a pass */
	set(p, &p->long_pass, 1);
	assert_int_equal(worker_start(&slow, fx->path, p), 0);
	wait_in_pass(p);
	assert_int_equal(worker_stopping(&slow), 0);
	t0 = time_mono_us();
	assert_int_equal(worker_stop(&slow), 1);
	assert_true(seconds_since(t0) < 1.0);
	assert_true(p->saw_stop);
	assert_int_equal(worker_stopping(&slow), 0);
	assert_int_equal(passes_now(p), 2);
}

/* After a database error the next pass, on a new working connection, comes after `poll` or at a wake. */
static void database_error_reconnects(void **state)
{
	struct fixture *fx = *state;
	struct probe *p = &fx->p;
	int64_t t0 = time_mono_us();

	/* poll 1 s: the next pass a second later */
	set(p, &p->fail, 1);
	p->w = &fast;
	assert_int_equal(worker_start(&fast, fx->path, p), 0);
	assert_int_equal(passes_reach(p, 2, 5), 2);
	print_message("# the pass after an error came in %.2f s\n", seconds_since(t0));
	assert_true(seconds_since(t0) >= 0.9);
	passes_settle(p, 2);
	assert_int_equal(worker_stop(&fast), 1);
	assert_true(p->db_ok);

	/* poll LONG_WAIT: not before a wake */
	set(p, &p->fail, 1);
	p->w = &slow;
	assert_int_equal(worker_start(&slow, fx->path, p), 0);
	passes_settle(p, 3);
	worker_wake(&slow);
	passes_settle(p, 4);
	assert_int_equal(worker_stop(&slow), 1);
	assert_true(p->db_ok);
	assert_int_equal(p->fail, 0);
}

/* A database that cannot be opened: no pass, and stop still ends the thread at once. */
static void no_database(void **state)
{
	struct fixture *fx = *state;
	struct probe *p = &fx->p;
	char url[400];
	int64_t t0;

	snprintf(url, sizeof(url), "%s/no-such-folder/motcua.db", fx->dir);
	assert_int_equal(worker_start(&slow, url, p), 0);
	worker_wake(&slow);
	usleep(300 * 1000);
	assert_int_equal(passes_now(p), 0);
	t0 = time_mono_us();
	assert_int_equal(worker_stop(&slow), 1);
	assert_true(seconds_since(t0) < 1.0);
}

/* worker_update_one: 1 for the one row changed, 0 when the guard matched none, <0 on error. */
static void update_one(void **state)
{
	struct fixture *fx = *state;
	char *err = NULL;
	struct db *db = db_open(fx->path, &err);
	struct db_stmt *st;
	int rc;

	if (!db)
		fail_msg("cannot open the database: %s", err ? err : "?");
	assert_int_equal(db_exec_script(db, "CREATE TABLE jobs (id BIGINT PRIMARY KEY, name TEXT NOT NULL,"
					    " next_at BIGINT NOT NULL, attempts INTEGER NOT NULL);"
					    "INSERT INTO jobs VALUES (1, 'a', 100, 0);"
					    "INSERT INTO jobs VALUES (2, 'b', 100, 0);"),
			 0);
	/* two workers saw job 1 due at 100: the first claims it, the second finds it taken */
	for (int i = 0; i < 2; i++)
		assert_int_equal(worker_update_one(db,
						   "UPDATE jobs SET next_at = ?, attempts = attempts + 1"
						   " WHERE id = ? AND next_at = ? AND next_at <= ?",
						   "iiii", (int64_t)400, (int64_t)1, (int64_t)100,
						   (int64_t)100),
				 i == 0);
	/* not due yet */
	assert_int_equal(worker_update_one(db, "UPDATE jobs SET next_at = ? WHERE id = ? AND next_at <= ?",
					   "iii", (int64_t)400, (int64_t)2, (int64_t)99),
			 0);
	/* the outcome, while the lease holds; text parameters */
	assert_int_equal(worker_update_one(db, "UPDATE jobs SET name = ? WHERE name = ? AND next_at = ?",
					   "ssi", "done", "a", (int64_t)400),
			 1);
	/* an error: negative, rolled back, the connection usable */
	rc = worker_update_one(db, "UPDATE jobs SET id = ? WHERE id = ?", "ii", (int64_t)1, (int64_t)2);
	assert_true(rc < 0);
	assert_false(db_in_transaction(db));
	assert_int_equal(db_query(db, &st, "SELECT name, attempts, next_at FROM jobs WHERE id = 1", NULL),
			 DB_ROW);
	assert_string_equal(db_col_text(st, 0), "done");
	assert_int_equal(db_col_int(st, 1), 1);
	assert_int_equal(db_col_int(st, 2), 400);
	while ((rc = db_step(st)) == DB_ROW)
		;
	assert_int_equal(rc, DB_DONE);
	db_close(db);
	free(err);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(first_pass_then_wake, setup, teardown),
		cmocka_unit_test_setup_teardown(wake_during_a_pass_is_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(more_runs_again_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(waits_what_the_pass_says, setup, teardown),
		cmocka_unit_test_setup_teardown(stop_is_prompt, setup, teardown),
		cmocka_unit_test_setup_teardown(database_error_reconnects, setup, teardown),
		cmocka_unit_test_setup_teardown(no_database, setup, teardown),
		cmocka_unit_test_setup_teardown(update_one, setup, teardown),
	};
	return cmocka_run_group_tests_name("worker", tests, NULL, NULL);
}
