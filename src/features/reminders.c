/* reminders.c: the periodic work's worker (features/reminders.h): deadline reminders, deliveries. */
#include <stdint.h>
#include <stdlib.h>
#include "core/log.h"
#include "core/timefmt.h"
#include "core/xalloc.h"
#include "features/doc_exchange.h"
#include "features/doc_incoming.h"
#include "features/mail.h"
#include "features/reminders.h"
#include "store/worker.h"
#include "core/banned.h"

/* Deliveries taken in one pass; when there were that many, the next pass comes at once. */
#define DELIVERIES_AT_ONCE 8

static char *data_dir;	   /* the file store: a copy made by reminders_start */
static int64_t next_round; /* the worker's: when the reminders are due again */

static int pass(void *arg, struct db *db)
{
	int64_t now = time_now_us() / 1000000;
	int n;

	if (now >= next_round) {
		if ((n = doc_incoming_remind(db, now)) < 0) {
			log_error("event=reminders msg=\"the deadlines could not be read\"");
			return n;
		}
		if (n > 0) {
			log_info("event=reminders queued=%d", n);
			mail_wake();
		}
		next_round = now + REMINDERS_EVERY;
	}
	n = doc_exchange_deliver_due(db, arg, now, DELIVERIES_AT_ONCE);
	if (n < 0) {
		log_error("event=reminders msg=\"the deliveries could not be made\" rc=%d", n);
		return n;
	}
	if (n >= DELIVERIES_AT_ONCE)
		return 0;
	return next_round > now ? (int)(next_round - now) : 1;
}

static struct worker rem = WORKER_INIT("reminders", pass, REMINDERS_EVERY);

int reminders_start(const char *db_url, const char *dir)
{
	if (!dir || !*dir) {
		log_error("event=reminders msg=\"no data directory\"");
		return -1;
	}
	data_dir = xstrdup(dir);
	next_round = 0;
	if (!worker_start(&rem, db_url, data_dir))
		return 0;
	free(data_dir);
	data_dir = NULL;
	return -1;
}

void reminders_wake(void)
{
	worker_wake(&rem);
}

void reminders_stop(void)
{
	if (worker_stop(&rem)) {
		free(data_dir);
		data_dir = NULL;
	}
}
