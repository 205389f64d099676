/* reminders.c: the periodic work's thread (features/reminders.h): deadline reminders, deliveries. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/log.h"
#include "core/timefmt.h"
#include "features/doc_exchange.h"
#include "features/doc_incoming.h"
#include "features/mail.h"
#include "features/reminders.h"
#include "store/db.h"
#include "core/banned.h"

/* Deliveries taken in one go; when there were that many, the thread looks again at once. */
#define DELIVERIES_AT_ONCE 8

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	int running, stopping, woken;
	char *db_url, *data_dir;
} rem = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

/* The connection, opened when needed: 0, or -1 (logged). */
static int connect_db(struct db **db)
{
	char *err = NULL;
	if (*db)
		return 0;
	if (!(*db = db_open(rem.db_url, &err))) {
		log_error("event=reminders msg=\"cannot open the database\"");
		free(err);
		return -1;
	}
	return 0;
}

/* A database error: the connection is opened afresh next time. */
static void drop_db(struct db **db)
{
	db_close(*db);
	*db = NULL;
}

static void remind(struct db **db)
{
	int n;
	if (connect_db(db))
		return;
	n = doc_incoming_remind(*db, time_now_us() / 1000000);
	if (n < 0) {
		log_error("event=reminders msg=\"the deadlines could not be read\"");
		drop_db(db);
	} else if (n > 0) {
		log_info("event=reminders queued=%d", n);
		mail_wake();
	}
}

/* The deliveries due: 1 when there may be more waiting at once, else 0. */
static int deliver(struct db **db)
{
	int n;
	if (connect_db(db))
		return 0;
	n = doc_exchange_deliver_due(*db, rem.data_dir, time_now_us() / 1000000, DELIVERIES_AT_ONCE);
	if (n < 0) {
		log_error("event=reminders msg=\"the deliveries could not be made\" rc=%d", n);
		drop_db(db);
		return 0;
	}
	return n >= DELIVERIES_AT_ONCE;
}

static void *run(void *arg)
{
	struct db *db = NULL;
	time_t next_round = 0; /* the reminders' next look; the deliveries' whenever woken */
	int more;
	(void)arg;
	pthread_mutex_lock(&rem.lock);
	while (!rem.stopping) {
		struct timespec until;
		rem.woken = 0;
		pthread_mutex_unlock(&rem.lock);
		clock_gettime(CLOCK_REALTIME, &until);
		if (until.tv_sec >= next_round) {
			remind(&db);
			next_round = until.tv_sec + REMINDERS_EVERY;
		}
		more = deliver(&db);
		pthread_mutex_lock(&rem.lock);
		if (more)
			continue;
		until.tv_sec = next_round;
		until.tv_nsec = 0;
		while (!rem.stopping && !rem.woken)
			if (pthread_cond_timedwait(&rem.cond, &rem.lock, &until) == ETIMEDOUT)
				break;
	}
	pthread_mutex_unlock(&rem.lock);
	if (db)
		db_close(db);
	return NULL;
}

int reminders_start(const char *db_url, const char *data_dir)
{
	if (rem.running)
		return 0;
	rem.stopping = 0;
	rem.woken = 0;
	rem.db_url = strdup(db_url);
	rem.data_dir = strdup(data_dir ? data_dir : "");
	if (!rem.db_url || !rem.data_dir || !*rem.data_dir || pthread_create(&rem.thread, NULL, run, NULL)) {
		log_error("event=reminders msg=\"cannot start the reminders' thread\"");
		free(rem.db_url);
		free(rem.data_dir);
		rem.db_url = rem.data_dir = NULL;
		return -1;
	}
	pthread_mutex_lock(&rem.lock);
	rem.running = 1;
	pthread_mutex_unlock(&rem.lock);
	return 0;
}

void reminders_wake(void)
{
	pthread_mutex_lock(&rem.lock);
	if (rem.running) {
		rem.woken = 1;
		pthread_cond_signal(&rem.cond);
	}
	pthread_mutex_unlock(&rem.lock);
}

void reminders_stop(void)
{
	if (!rem.running)
		return;
	pthread_mutex_lock(&rem.lock);
	rem.stopping = 1;
	pthread_cond_signal(&rem.cond);
	pthread_mutex_unlock(&rem.lock);
	pthread_join(rem.thread, NULL);
	pthread_mutex_lock(&rem.lock);
	rem.running = 0;
	pthread_mutex_unlock(&rem.lock);
	free(rem.db_url);
	free(rem.data_dir);
	rem.db_url = rem.data_dir = NULL;
}
