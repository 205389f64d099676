/*
 * reminders.h: the periodic work that no request starts: reminders of the incoming documents'
 * deadlines (doc_incoming_remind), in a thread of its own with its own database connection.
 * Safe with several processes on one database: each reminder is recorded once it is queued.
 */
#ifndef FEATURES_REMINDERS_H
#define FEATURES_REMINDERS_H

/* How often the thread looks (seconds). */
#define REMINDERS_EVERY 60

/* Start the thread (0, or -1 with the reason logged); stop it, waiting for a look in hand. */
int reminders_start(const char *db_url);
void reminders_stop(void);

#endif
