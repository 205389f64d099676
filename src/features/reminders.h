/*
 * reminders.h: the periodic work that no request starts, in a thread of its own with its own
 * database connection: reminders of the incoming documents' deadlines (doc_incoming_remind), and
 * the deliveries of issued outgoing documents to the other agencies of this system
 * (doc_exchange_deliver_due), which the issuing request starts at once with reminders_wake.
 * Safe with several processes on one database: each reminder is recorded once it is queued, and
 * a delivery is claimed by one server at a time.
 */
#ifndef FEATURES_REMINDERS_H
#define FEATURES_REMINDERS_H

/* How often the thread looks (seconds). */
#define REMINDERS_EVERY 60

/*
 * Start the thread on the database db_url, with the file store under data_dir (the deliveries
 * read the signed files and keep the messages there): 0, or -1 with the reason logged. Stop it,
 * waiting for the work in hand.
 */
int reminders_start(const char *db_url, const char *data_dir);
void reminders_stop(void);
/*
 * Make the thread look at the deliveries now rather than at its next round: called after the
 * commit of a transaction that recorded one (doc_exchange_queue). Does nothing when it is not
 * running (a command-line tool, a test).
 */
void reminders_wake(void);

#endif
