/*
 * doc_exchange.h: the exchange of documents between agencies (issue 9 §4; docs/edxml.md). An
 * outgoing document issued to units of other agencies of this system is built as an edXML
 * message (features/edxml.h) and delivered into each one's electronic inbox (văn bản điện tử
 * đến) by a background pass after the issue commits, read back by the same parser a message from
 * outside goes through; a message from another system comes in through the API into the inbox of
 * the agency it is addressed to. The records clerk registers an entry as an incoming document
 * (features/doc_incoming.h) or refuses it; each step of the receiving agency goes back to the
 * sender as a status message: into the sender's record (doc_exchange_status) when the sender is
 * an agency of this system, else into the outbox (doc_exchange_outbox) that a connector to the
 * national hub reads through the API.
 *
 * Tables of migrations/0030_doc_exchange.sql and 0032_doc_exchange_deliveries.sql. Every function
 * here writes inside the caller's write transaction but doc_exchange_deliver_due, which runs its
 * own; who may do what, and the audit rows, are the web layer's (the background pass writes its
 * own, as "system"). Files (the messages and their attachments) go to the content-addressed store
 * (features/files.h) under `data_dir` before the rows naming them commit.
 */
#ifndef FEATURES_DOC_EXCHANGE_H
#define FEATURES_DOC_EXCHANGE_H

#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "core/buf.h"
#include "features/edxml.h"
#include "store/db.h"

/* What the functions below return besides 0 and a negative enum db_rc. */
enum doc_exchange_rc {
	DOC_EX_OK = 0,
	DOC_EX_NOT_FOUND = 1, /* no such document or inbox entry; a status for no document of ours */
	DOC_EX_REFUSED = 2,   /* a document that cannot be exchanged, or a bad message: *why */
	DOC_EX_DUPLICATE = 3, /* the same DocumentId from the same sender is in the inbox already */
	DOC_EX_STATE = 4,     /* the inbox entry was registered or refused already */
	DOC_EX_IO = 5,	      /* the file store failed (errno) */
};

/* An inbox entry's state. */
enum doc_inbox_state {
	DOC_INBOX_ARRIVED = 1,	  /* waiting for the records clerk */
	DOC_INBOX_REGISTERED = 2, /* registered as an incoming document */
	DOC_INBOX_REFUSED = 3,	  /* refused, with the reason sent back */
};

/* "arrived", "registered", "refused" and back (0 when unknown); an English label (msgid). */
const char *doc_inbox_state_name(int state);
int doc_inbox_state_from_name(const char *name);
const char *doc_inbox_state_label(int state);
/* The label of a status code (enum edxml_status_code): "Arrived", "Registered" … (msgid), NULL when unknown.
 */
const char *doc_exchange_status_label(int code);

/*
 * The organ an agency (or any unit) of this system is in edXML: its agency code as OrganId,
 * "UBND quận Thanh Xuân" for a governing unit (the People's Committee: "UBND" and its name with
 * the first letter in lower case), its own name for a department; the governing body above it
 * (OrganizationInCharge) the same way, NULL at the top. Strings in the arena. 0,
 * DOC_EX_NOT_FOUND, or <0.
 */
int doc_exchange_organ(struct db *db, struct arena *a, int64_t unit, struct edxml_organ *out);
/* The place of issue (địa danh, Decree 30/2020 appendix I) of an agency named so: "Quận Thanh Xuân" → "Thanh
 * Xuân". */
const char *doc_exchange_place(struct arena *a, const char *agency_name);

/* ---- sending ---- */

/*
 * The edXML message of issued (or withdrawn) outgoing document `out_id`, appended to xml (whose
 * limit should be EDXML_MAX): From the issuing agency, To the agencies of this system its
 * recipient units belong to (other than its own), or when there is none its recipient units
 * themselves; the number and notation of its symbol, the issue date, the agency's place, type,
 * summary, signer (the notation's authority lines as the competence, his title and name),
 * urgency, the "Nơi nhận" lines, the time it was issued as the trace, and the signed file read
 * from the store. *agencies (arena, may be NULL) gets the recipient agencies of this system and
 * *n how many. DOC_EX_NOT_FOUND (no such document, or not issued), DOC_EX_REFUSED with *why (an
 * English msgid: a secret document, no recipient unit, edxml_check), DOC_EX_IO (the file), or <0.
 */
int doc_exchange_build(struct db *db, struct arena *a, const char *data_dir, int64_t out_id, struct buf *xml,
		       int64_t **agencies, size_t *n, const char **why);

/* ---- sending: the deliveries after the commit ---- */

/* A delivery's state (doc_exchange_deliveries.state). */
enum doc_delivery_state {
	DOC_DELIVERY_WAITING = 1, /* to be delivered: at once, or again after a failed attempt */
	DOC_DELIVERY_SENT = 2,	  /* in every recipient agency's inbox */
	DOC_DELIVERY_FAILED = 3,  /* given up: error says why */
};

/* Attempts before a delivery is given up (the delays between them: 1, 5, 15 and 60 minutes). */
#define DOC_EX_DELIVERY_ATTEMPTS 5
/* How long a server holds a delivery it has claimed (seconds): after, another may take it. */
#define DOC_EX_LEASE 600

/*
 * Inside the transaction that issues outgoing document `out_id`: when units of other agencies of
 * this system are among its recipients, record its delivery (a job waiting from `now`); the
 * message is built and delivered after the commit by doc_exchange_deliver_due. *agencies (arena)
 * and *n those agencies (0: nothing recorded, nothing to send). A document that cannot be sent (a
 * secret one: Law 29/2018/QH14 art. 5) records nothing: *why says why (English msgid), else NULL.
 * 0, or <0.
 */
int doc_exchange_queue(struct db *db, struct arena *a, int64_t out_id, int64_t now, int64_t **agencies,
		       size_t *n, const char **why);

/*
 * The background pass (features/reminders.c), outside any transaction: up to `max` deliveries due
 * at `now`, each claimed by a guarded UPDATE that takes its lease (skipped when another server
 * holds it), built (doc_exchange_build) and read back (doc_exchange_parse) with its files kept in
 * the store, then in its own transaction marked sent and put into each recipient agency's inbox
 * (doc_exchange_receive: the status 01 back, a DocumentId it has already is not taken twice),
 * with the audit row document.exchange.delivered (actor "system"). A failed attempt waits for the
 * next after its delay; the last one (or a document that can never be sent: withdrawn, too large)
 * marks it failed with the reason and the audit row document.exchange.failed. How many were
 * delivered or given up, or <0 on a database error.
 */
int doc_exchange_deliver_due(struct db *db, const char *data_dir, int64_t now, int max);

/* An outgoing document's delivery; error (arena) is "" or an English msgid: the last failed attempt's. */
struct doc_exchange_delivery {
	int state;		/* enum doc_delivery_state */
	int agencies, attempts; /* attempts begun */
	int64_t next_at, created_at, sent_at;
	int64_t lease_until; /* after `now`: an attempt is in hand */
	const char *error;
};
/* The delivery of outgoing document `out_id`: 0, DOC_EX_NOT_FOUND (none recorded), or <0. */
int doc_exchange_delivery_get(struct db *db, struct arena *a, int64_t out_id,
			      struct doc_exchange_delivery *out);

/* ---- receiving ---- */

/* A message read: the document, its files, and the bytes as received. */
struct doc_exchange_msg {
	struct edxml_doc doc;
	struct edxml_file *files;
	size_t nfiles;
	const char *xml;
	size_t len;
	char sha[65]; /* the message's SHA-256 once stored, "" before */
};

/* Read a message (edxml_parse, in the arena; xml is not copied): 0, or DOC_EX_REFUSED with *why. */
int doc_exchange_parse(struct arena *a, const char *xml, size_t len, struct doc_exchange_msg *m,
		       const char **why);

/* The active agencies of this system among the message's recipients (To organ id = agency code), sorted. */
int doc_exchange_addressees(struct db *db, struct arena *a, const struct doc_exchange_msg *m, int64_t **ids,
			    size_t *n);

/*
 * Put message m into the inbox of `agency` (one of its addressees), received by account `by` (0:
 * delivered by the system) at `now`: the message and its files kept in the store, the entry with
 * its key fields, and the status 01 (arrived) sent back (doc_exchange_status_emit). *id the new
 * entry. DOC_EX_DUPLICATE with *id the earlier entry when the agency has the same DocumentId from
 * the same sender and did not refuse it; DOC_EX_REFUSED (*why) when it is not addressed to the
 * agency; DOC_EX_IO; or <0.
 */
int doc_exchange_receive(struct db *db, const char *data_dir, struct doc_exchange_msg *m, int64_t agency,
			 int64_t by, int64_t now, int64_t *id, const char **why);

/* An inbox entry's file. */
struct doc_inbox_file {
	int k;
	const char *sha, *name, *mime, *description;
	int64_t size;
};

/* An inbox entry; strings in the loader's arena. */
struct doc_inbox {
	int64_t id, agency_id;
	const char *agency_name;
	const char *message_sha;
	int64_t message_size;
	const char *document_id, *sender_id, *sender_name;
	int64_t sender_unit_id; /* 0: not an agency of this system */
	const char *code;	/* "147/KH-UBND" */
	int32_t doc_date;	/* YYYYMMDD */
	int type;
	const char *subject, *signer;
	int32_t due_date; /* 0: none */
	int urgency, pages, nfiles;
	int64_t received_at, received_by;
	const char *received_by_name; /* "" when delivered by the system */
	int state;
	int64_t doc_in_id;
	const char *reason;
	int64_t acted_by, acted_at;
	const char *acted_by_name;
	int last_status;
	/* with doc_exchange_inbox_load */
	struct doc_inbox_file *files;
};

/* One entry with its files: 0, DOC_EX_NOT_FOUND, or <0. */
int doc_exchange_inbox_load(struct db *db, struct arena *a, int64_t id, struct doc_inbox *out);

struct doc_inbox_query {
	const int64_t *agencies; /* the receiving agencies (sorted), at least one */
	size_t nagencies;
	int state; /* enum doc_inbox_state, 0: any */
	int64_t offset;
	int limit; /* 0: count only */
};
/* The entries, newest first (no files), into *out (arena), and how many in all. 0 or <0. */
int doc_exchange_inbox_list(struct db *db, struct arena *a, const struct doc_inbox_query *q,
			    struct doc_inbox **out, size_t *n, int64_t *total);

/*
 * Entry `id` (arrived) was registered as incoming document `doc_in_id` with arrival number
 * `arrival_no` by `by`, in the transaction that registered it: linked, a history row on the
 * document ("edxml": where it came from), and the status 03 sent back; department and staff
 * (may be NULL) name who did it in the status. DOC_EX_STATE when it is not waiting, or <0.
 */
int doc_exchange_inbox_registered(struct db *db, int64_t id, int64_t doc_in_id, int64_t arrival_no,
				  int64_t by, const char *department, const char *staff, int64_t now);

/* Refuse entry `id` (arrived) with `reason` (checked by the caller): the status 02. DOC_EX_STATE, or <0. */
int doc_exchange_inbox_refuse(struct db *db, int64_t id, const char *reason, int64_t by,
			      const char *department, const char *staff, int64_t now);

/*
 * Incoming document `doc_in_id` moved on (assigned: 04, a recipient at work or a coordinating one
 * done: 05, done or filed: 06): when it came from the inbox and that status (or a later one) was
 * not sent yet, send it back with `description`. *sent (may be NULL) 1 when a status went. 0 or <0.
 */
int doc_exchange_in_progress(struct db *db, int64_t doc_in_id, int status, const char *description,
			     int64_t by, const char *department, const char *staff, int64_t now, int *sent);

/*
 * Send status `status` about entry `id` back to its sender (edxml_status_build: From the
 * receiving agency): into the sender's record through doc_exchange_status_receive when the sender
 * is an agency of this system and has the document, else into the outbox. The entry keeps the
 * last code; a history row on its incoming document, when it has one. 0 or <0.
 */
int doc_exchange_status_emit(struct db *db, int64_t id, int status, const char *description, int64_t by,
			     const char *department, const char *staff, int64_t now);

/* ---- the sender's side ---- */

/* A status message read and its document found. */
struct doc_exchange_status_in {
	struct edxml_status s;
	int64_t out_doc; /* the outgoing document it is about */
	int64_t agency;	 /* the agency that sent it */
	int64_t rcpt;	 /* the reporting unit when it is one of this system, else 0 */
};

/*
 * Read a status message (edxml_status_parse, in the arena) about one of this system's outgoing
 * documents and find the document: by the sender's organ id (an agency code), the number and
 * symbol and the date (from ResponseFor, else from its DocumentId); an agency of this system
 * reports only on a document sent to it. Writes nothing. 0 with *in; DOC_EX_REFUSED with *why (a
 * bad message, English msgid), DOC_EX_NOT_FOUND (no such issued document here), or <0.
 */
int doc_exchange_status_find(struct db *db, struct arena *a, const char *xml, size_t len,
			     struct doc_exchange_status_in *in, const char **why);
/*
 * Record the status found (the message as received kept with it), in the caller's transaction.
 * *id the row; DOC_EX_DUPLICATE with *id the earlier row when the same reporter sent the same
 * code with the same timestamp for the document already (nothing written); or <0.
 */
int doc_exchange_status_record(struct db *db, struct arena *a, const struct doc_exchange_status_in *in,
			       const char *xml, size_t len, int64_t now, int64_t *id);
/*
 * Both: take a status message about one of this system's outgoing documents (a duplicate counts
 * as taken). *out_doc (may be NULL) the document. DOC_EX_REFUSED with *why, DOC_EX_NOT_FOUND, or <0.
 */
int doc_exchange_status_receive(struct db *db, const char *xml, size_t len, int64_t now, int64_t *out_doc,
				const char **why);

/* A status the sender received. */
struct doc_exchange_status_row {
	int64_t id, agency_id;
	const char *organ_id, *organ_name;
	int status;
	const char *description, *staff;
	int64_t at, received_at;
};
/* The statuses of outgoing document `out_id` in the order received. 0 or <0. */
int doc_exchange_statuses(struct db *db, struct arena *a, int64_t out_id,
			  struct doc_exchange_status_row **out, size_t *n);

/* ---- the outbox for the national hub's connector ---- */

/* A status message waiting for the connector (doc_exchange_outbox); strings in the loader's arena. */
struct doc_outbox_row {
	int64_t id, inbox_id;
	int64_t agency_id;		/* the agency that reports (the inbox entry's) */
	const char *to_organ;		/* the sender it goes to: its organ id */
	const char *document_id, *code; /* the document it is about */
	int status;			/* enum edxml_status_code */
	int64_t created_at, sent_at;	/* sent_at 0: not sent yet */
	const char *message;		/* the status edXML: with doc_exchange_outbox_get only */
};

/*
 * The unsent messages of `agencies` (sorted, the reporting agencies) with an id above `after`, in
 * id order, at most `limit`, into *out (arena). 0 or <0.
 */
int doc_exchange_outbox_list(struct db *db, struct arena *a, const int64_t *agencies, size_t nagencies,
			     int64_t after, int limit, struct doc_outbox_row **out, size_t *n);
/* One message with its edXML, sent or not: 0, DOC_EX_NOT_FOUND, or <0. */
int doc_exchange_outbox_get(struct db *db, struct arena *a, int64_t id, struct doc_outbox_row *out);
/*
 * The connector sent message `id` to the hub: sent_at set to `now` once (in the caller's
 * transaction; nothing is deleted). 0 with *sent_at = now; DOC_EX_STATE with *sent_at the time
 * of the first acknowledgement; DOC_EX_NOT_FOUND; or <0.
 */
int doc_exchange_outbox_sent(struct db *db, int64_t id, int64_t now, int64_t *sent_at);

#endif
