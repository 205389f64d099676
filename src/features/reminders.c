/* reminders.c: the periodic reminders' thread (features/reminders.h). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/log.h"
#include "core/timefmt.h"
#include "features/doc_incoming.h"
#include "features/mail.h"
#include "features/reminders.h"
#include "store/db.h"
#include "core/banned.h"

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	int running, stopping;
	char *db_url;
} rem = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static void look(struct db **db)
{
	int n;
	if (!*db) {
		char *err = NULL;
		if (!(*db = db_open(rem.db_url, &err))) {
			log_error("event=reminders msg=\"cannot open the database\"");
			free(err);
			return;
		}
	}
	n = doc_incoming_remind(*db, time_now_us() / 1000000);
	if (n < 0) {
		log_error("event=reminders msg=\"the deadlines could not be read\"");
		db_close(*db); /* opened afresh next time */
		*db = NULL;
	} else if (n > 0) {
		log_info("event=reminders queued=%d", n);
		mail_wake();
	}
}

static void *run(void *arg)
{
	struct db *db = NULL;
	(void)arg;
	pthread_mutex_lock(&rem.lock);
	while (!rem.stopping) {
		struct timespec until;
		pthread_mutex_unlock(&rem.lock);
		look(&db);
		pthread_mutex_lock(&rem.lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += REMINDERS_EVERY;
		while (!rem.stopping && pthread_cond_timedwait(&rem.cond, &rem.lock, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&rem.lock);
	if (db)
		db_close(db);
	return NULL;
}

int reminders_start(const char *db_url)
{
	if (rem.running)
		return 0;
	rem.stopping = 0;
	if (!(rem.db_url = strdup(db_url)) || pthread_create(&rem.thread, NULL, run, NULL)) {
		log_error("event=reminders msg=\"cannot start the reminders' thread\"");
		free(rem.db_url);
		rem.db_url = NULL;
		return -1;
	}
	rem.running = 1;
	return 0;
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
	rem.running = 0;
	free(rem.db_url);
	rem.db_url = NULL;
}
