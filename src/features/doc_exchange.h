/*
 * doc_exchange.h: the exchange of documents between agencies (issue 9 §4; docs/edxml.md). An
 * outgoing document issued to units of other agencies of this system is built as an edXML
 * message (features/edxml.h) and delivered into each one's electronic inbox (văn bản điện tử
 * đến), read back by the same parser a message from outside goes through; a message from
 * another system comes in through the API into the inbox of the agency it is addressed to. The
 * records clerk registers an entry as an incoming document (features/doc_incoming.h) or refuses
 * it; each step of the receiving agency goes back to the sender as a status message: into the
 * sender's record (doc_exchange_status) when the sender is an agency of this system, else into
 * the outbox (doc_exchange_outbox) that a connector to the national hub sends.
 *
 * Tables of migrations/0030_doc_exchange.sql. Every function here writes inside the caller's
 * write transaction; who may do what, and the audit rows, are the web layer's. Files (the
 * messages and their attachments) go to the content-addressed store (features/files.h) under
 * `data_dir` before the rows naming them commit.
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

/* What doc_exchange_send did. */
struct doc_exchange_sent {
	size_t n;	   /* recipient agencies of this system */
	int64_t *agencies; /* (arena) and the inbox entry made at each (0: it had the message already) */
	int64_t *inbox;
	const char *why; /* not sent: why (English msgid), NULL when sent or there was no one to send to */
};

/*
 * On issuing outgoing document `out_id`, inside the transaction that issues it: build its message
 * (doc_exchange_build) and, for each recipient agency of this system, read it back with
 * edxml_parse and deliver it into that agency's inbox (doc_exchange_receive, which records the
 * status 01 at the sender). A document that cannot be sent (a secret one: Law 29/2018/QH14 art.
 * 5) records nothing: out->why says why. 0 (also when there was nothing to send), or <0, DOC_EX_IO.
 */
int doc_exchange_send(struct db *db, struct arena *a, const char *data_dir, int64_t out_id, int64_t now,
		      struct doc_exchange_sent *out);

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

/*
 * Take a status message (edxml_status_parse) about one of this system's outgoing documents: the
 * document found by the sender's organ id (an agency code), the number and symbol and the date
 * (from ResponseFor, else from its DocumentId), recorded with who reports it. *out_doc (may be
 * NULL) the document. DOC_EX_REFUSED with *why (a bad message), DOC_EX_NOT_FOUND (no such
 * issued document here), or <0.
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

#endif
