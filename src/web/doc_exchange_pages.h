/*
 * doc_exchange_pages.h: the exchange of documents between agencies (features/doc_exchange.h) on
 * the incoming and outgoing documents' pages: what pages_doc_exchange.c gives their hooks in
 * pages_doc_incoming.c and pages_doc_outgoing.c, and the one thing pages_doc_outgoing.c gives it.
 *
 * `reg` is always the sorted agencies whose documents the user registers (document.register at
 * the agency or at one of its departments): their records clerks keep the electronic inbox, and
 * an entry of another agency is answered 404, as if it were not there.
 */
#ifndef WEB_DOC_EXCHANGE_PAGES_H
#define WEB_DOC_EXCHANGE_PAGES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "features/doc_incoming.h"
#include "features/doc_outgoing.h"
#include "http/http.h"
#include "store/db.h"

/* ---- the inbox on the incoming documents' pages ---- */

/* GET /van-ban/den?queue=inbox[&state=…&page=…]: the inbox as a page. Answers; returns 0. */
int page_doc_inbox(struct request *req, struct db *db, const int64_t *reg, size_t nreg);
/* GET /api/v1/documents/incoming?queue=inbox[&state=…]: the inbox as JSON. Answers; returns 0. */
int api_doc_inbox_list(struct request *req, struct db *db, const int64_t *reg, size_t nreg);
/* The box "Văn bản điện tử đến" at the top of /van-ban/den: ctx's "inbox" (nothing when he keeps none). */
void doc_inbox_box(struct request *req, struct db *db, const int64_t *reg, size_t nreg, json_t *ctx);

/*
 * GET /van-ban/den/them?inbox=N: 0 with *values the registration form's values filled from
 * entry `id` (waiting) and its "inbox" part; otherwise 1 after answering: the entry's page when
 * it was registered or refused, its file K for &tep=K, 404.
 */
int doc_inbox_form(struct request *req, struct db *db, const int64_t *reg, size_t nreg, int64_t id,
		   json_t **values);
/* The "inbox" part of the form's values again (a refused registration shown back). */
void doc_inbox_form_again(struct request *req, struct db *db, int64_t id, json_t *values);

/* What registering an entry takes from it. */
struct doc_inbox_take {
	int64_t id, agency;
	int64_t sender_unit_id; /* 0: not an agency of this system */
	const char *sender_name;
	const char *file_sha, *file_name, *file_mime; /* NULL: no file */
	int64_t file_size;
};

/*
 * Registering entry `id` (POST /van-ban/den with inbox=N, or the API's "inbox"): the entry is a
 * waiting one of an agency in reg; the fields of f still NULL (and *sender_unit_s when NULL) get
 * the message's values. 0 with *t; else 404 or 409 (registered or refused already) with *msg, 503.
 */
int doc_inbox_take(struct request *req, struct db *db, const int64_t *reg, size_t nreg, int64_t id,
		   struct doc_in_form *f, const char **sender_unit_s, struct doc_inbox_take *t,
		   const char **msg);
/*
 * Inside the transaction that registered d from t: the entry linked, the status 03 sent, the
 * audit row. 0; 409 with *msg (someone else took it first); 503.
 */
int doc_inbox_registered(struct request *req, struct db *db, const struct doc_inbox_take *t,
			 const struct doc_in *d, const char **msg);
/*
 * Refuse entry `id` with `reason` (required): the status 02 back to the sender, audited. 200;
 * else 404, 409, 422 (the reason) with *msg, 503.
 */
int doc_inbox_refuse(struct request *req, struct db *db, const int64_t *reg, size_t nreg, int64_t id,
		     const char *reason, const char **msg);
/* POST /api/v1/documents/incoming {"inbox": N, "refuse": true, "reason": "…"}: answers; returns 0. */
int api_doc_inbox_refuse(struct request *req, struct db *db, const int64_t *reg, size_t nreg,
			 const json_t *body);

/*
 * Inside the transaction of an action on incoming document d (its state before): the status it
 * means for the sender, when d came from the inbox (assign 04, start 05, done 06 when the
 * document is finished else 05, file 06), sent and audited. 0 or <0.
 */
int doc_exchange_in_step(struct request *req, struct db *db, const struct doc_in *d, const char *action,
			 int finished);

/* ---- the outgoing documents' pages ---- */

/*
 * Inside the transaction that issued outgoing document `out_id`: its delivery to the recipient
 * agencies of this system recorded (doc_exchange_queue) and audited (document.exchange.send, or
 * document.exchange.withheld for a secret document, which is never sent). 0 or <0. The caller
 * calls doc_exchange_wake() after the commit: the background pass delivers it within seconds.
 */
int doc_exchange_issued(struct request *req, struct db *db, int64_t out_id);
/* After the commit of a transaction that issued a document: its delivery starts now (reminders_wake). */
void doc_exchange_wake(void);
/*
 * The exchange block of d's page ("exchange" in ctx): how its delivery goes (sending, sent, could
 * not be sent: why), the statuses received as a table, or why it was not sent electronically.
 */
void doc_exchange_out_context(struct request *req, struct db *db, const struct doc_out *d, json_t *ctx);
/*
 * The same as JSON for the API: {"sent": bool, "delivery": {"state": "sending"|"sent"|"failed",
 * "agencies", "attempts", "error", "next_attempt_at", "sent_at"} or null, "not_sent_reason": …,
 * "statuses": […]}.
 */
json_t *doc_exchange_out_json(struct request *req, struct db *db, const struct doc_out *d);

/*
 * Outgoing document `id` as the logged-in user may see it (pages_doc_outgoing.c: the rules of its
 * pages). 0 with *d; 1 after answering (403 to citizens, 404, 503).
 */
int doc_out_open_seen(struct request *req, struct db *db, int64_t id, struct doc_out *d);

#endif
