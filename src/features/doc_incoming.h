/*
 * doc_incoming.h: incoming documents (văn bản đến, Decree 30/2020/NĐ-CP art. 20-24). The
 * records clerk of an agency registers what arrives, on paper or electronically, with an
 * arrival number (số đến) consecutive within the year at that agency; a leader of the agency
 * assigns it (bút phê) to a lead (chủ trì), to units or people that coordinate (phối hợp) or
 * only need to know (để biết), with instructions and a deadline; a department's leader forwards
 * it within his department; each recipient reads, handles and finishes it, and the document is
 * done when its lead finishes. A leader may instead file it for information. Nothing is ever
 * deleted. The incoming register (sổ đăng ký văn bản đến, appendix IV) lists a period.
 *
 * Who may do what is the web layer's (document.register, document.assign); this file checks
 * what the data must be and keeps it, each change with a history row, inside the caller's
 * write transaction (the caller writes the audit row in the same one).
 */
#ifndef FEATURES_DOC_INCOMING_H
#define FEATURES_DOC_INCOMING_H

#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "core/buf.h"
#include "features/authz.h"
#include "store/db.h"

/* Longest texts, in characters after trimming. */
#define DOC_IN_SENDER_MAX  300
#define DOC_IN_SUMMARY_MIN 5
#define DOC_IN_SUMMARY_MAX 1000
#define DOC_IN_NOTES_MAX   2000
#define DOC_IN_NOTE_MAX	   2000 /* instructions, a forwarding note, a filing note */
#define DOC_IN_PAGES_MAX   100000
#define DOC_IN_TARGETS_MAX 50 /* recipients of one assignment or forwarding */
/* The most rows of one register (a district receives some 8,500 a year). */
#define DOC_IN_BOOK_MAX 12000

enum doc_in_rc {
	DOC_IN_OK = 0,
	DOC_IN_NOT_FOUND = 1,	  /* no such document, or recipient row of it */
	DOC_IN_DUPLICATE = 2,	  /* the same sender, symbol and date already registered (409) */
	DOC_IN_BAD_STATE = 3,	  /* not allowed in the document's or recipient's state (409) */
	DOC_IN_BAD_RECIPIENT = 4, /* a recipient outside the agency or unit, twice, or no lead (422) */
};

/* One recipient of an assignment: a unit of the agency or a person (one of the two ids). */
struct doc_in_rcpt {
	int64_t id, parent_id; /* parent: the unit's row it was forwarded from, 0 for none */
	int64_t unit_id, account_id;
	int role;  /* enum doc_recipient_role */
	int state; /* enum doc_recipient_state */
	const char *note;
	int64_t assigned_by, assigned_at, read_at, started_at, done_at, acted_by, reply_out_id;
	int64_t due_reminded_at, late_reminded_at;
	/* loaded with it */
	const char *name;     /* the unit's name, or the person's full name */
	const char *position; /* the person's title, "" for a unit */
	const char *acted_by_name;
};

/* A row of the document's history. */
struct doc_in_event {
	int64_t id, at, account_id;
	const char *action; /* register, assign, forward, read, start, done, file */
	const char *detail;
	const char *actor_name; /* "" for the system */
};

struct doc_in {
	int64_t id;
	int64_t agency_id;
	int arrival_year;
	int64_t arrival_no;
	int64_t arrived_at;
	const char *sender;
	int64_t sender_unit_id; /* 0: free text */
	const char *symbol;	/* "" for none */
	int32_t doc_date;	/* YYYYMMDD */
	int type;		/* 1..29 */
	const char *summary;
	int urgency, secrecy;
	int32_t reply_due; /* YYYYMMDD, 0 for none */
	int pages, copies; /* 0: not given */
	const char *notes;
	const char *file_sha, *file_name, *file_mime; /* "" when no file */
	int64_t file_size;
	int status;  /* enum doc_in_status */
	int32_t due; /* handling deadline from the assignment, YYYYMMDD, 0 for none */
	const char *instructions;
	int64_t assigned_by, assigned_at, done_at, reply_out_id;
	int64_t registered_by, created_at;
	/* loaded by doc_in_load (the list loads the names only) */
	const char *agency_name, *registered_by_name, *assigned_by_name;
	struct doc_in_rcpt *rcpts;
	size_t nrcpts;
	struct doc_in_event *events;
	size_t nevents;
};

/* The registration form as typed (NULL counts as ""). Dates "2026-11-30" or "30/11/2026". */
struct doc_in_form {
	const char *arrived_date, *arrived_time; /* empty: now */
	const char *sender;			 /* free text, ignored when sender_unit_id is set */
	int64_t sender_unit_id;			 /* a motcua unit chosen, 0 for none */
	const char *sender_unit_name;		 /* its name (the caller looked it up) */
	const char *symbol, *doc_date, *type, *summary, *urgency, *secrecy;
	const char *reply_due, *pages, *copies, *notes;
};

/*
 * Check the form at `now` and fill d's fields (strings in the arena; the agency, file and ids
 * are the caller's). The arrival (date and time, HH:MM) is not in the future and not before 1
 * January of the year before; the sender 1..DOC_IN_SENDER_MAX characters; the symbol empty or
 * doc_incoming_symbol_valid; the document's date real and not after the arrival; the type a
 * key ("ke-hoach") or a code 1..29; the summary DOC_IN_SUMMARY_MIN..MAX characters; urgency and
 * secrecy names ("khan", "mat"; empty: "thuong"); the reply deadline empty or not before the
 * document's date; pages and copies empty or 1..DOC_IN_PAGES_MAX; notes at most
 * DOC_IN_NOTES_MAX. Texts valid UTF-8 without control characters (notes and summary may hold
 * line breaks). Calls err(ctx, field, English msgid) once per bad field (arrived_date,
 * arrived_time, sender, symbol, doc_date, type, summary, urgency, secrecy, reply_due, pages,
 * copies, notes) and returns how many.
 */
int doc_in_check(struct arena *a, const struct doc_in_form *f, int64_t now, struct doc_in *d,
		 void (*err)(void *ctx, const char *field, const char *msgid), void *ctx);

/*
 * A note (instructions, forwarding, filing): trimmed, at most DOC_IN_NOTE_MAX characters, line
 * breaks allowed; "" allowed. 0 with *out (arena), -1 with *why (English msgid).
 */
int doc_in_note_check(struct arena *a, const char *in, const char **out, const char **why);

/*
 * Register d (checked; d->agency_id an agency; file fields set or "") inside the caller's write
 * transaction: the arrival number from counter_next("doc_in_arrival", agency id, the arrival
 * year in UTC+7), status registered, a history row by `by` (an account id, 0 for the system),
 * doc_stats_add(DOC_STAT_IN), doc_text_request for its file. d->id, arrival_year, arrival_no,
 * status and created_at are set. DOC_IN_DUPLICATE with *dup_id (may be NULL) when the agency
 * already registered a document of the same sender, symbol and date (the caller rolls back;
 * nothing was written that counts). 0 or a negative enum db_rc otherwise.
 */
int doc_in_register(struct db *db, struct doc_in *d, int64_t by, int64_t now, int64_t *dup_id);

/* One document with its recipients (in order of assignment) and history; strings in the arena. */
int doc_in_load(struct db *db, struct arena *a, int64_t id, struct doc_in *out);

/* A recipient of an assignment as the leader chooses it. */
struct doc_in_target {
	int64_t unit_id, account_id; /* one of the two */
	int role;		     /* enum doc_recipient_role */
};

/*
 * Assign a registered document (loaded) inside the caller's transaction: targets are units
 * whose agency is the document's (not the agency itself) or active staff accounts working in
 * it, none twice, exactly one lead. `due` YYYYMMDD or 0 (the caller defaults it to the
 * document's reply deadline). Status → assigned, a recipient row each (unread), a history row,
 * doc_stats_add(DOC_STAT_IN_ASSIGNED) when there is a deadline. DOC_IN_BAD_STATE unless
 * registered, DOC_IN_BAD_RECIPIENT with *why (English msgid) for the targets.
 */
int doc_in_assign(struct db *db, const struct unit_tree *t, const struct doc_in *d,
		  const struct doc_in_target *targets, size_t n, const char *instructions, int32_t due,
		  int64_t by, int64_t now, const char **why);

/*
 * Forward the unit recipient `rcpt` (its leader does it) to people of that unit: active staff
 * accounts whose unit it is, not already recipients of the document; each gets a row under it
 * with the same role and the note. The unit's row becomes read if it was unread.
 * DOC_IN_NOT_FOUND for no such unit row of the document, DOC_IN_BAD_STATE when the document is
 * not assigned or the row is done, DOC_IN_BAD_RECIPIENT with *why.
 */
int doc_in_forward(struct db *db, const struct doc_in *d, int64_t rcpt, const int64_t *accounts, size_t n,
		   const char *note, int64_t by, int64_t now, const char **why);

/*
 * Move recipient `rcpt` of the document to `state` (read, in progress, done), by `by`:
 * read only from unread (not an error when it was read already: returns 0, nothing written,
 * unless `quiet` is 0 and it was not unread: DOC_IN_BAD_STATE); in progress from unread or
 * read; done from any state but done, for a lead or coordinating row (an "inform" one only
 * reads). A lead's done may carry the reply (an outgoing document's id, else 0); the lead
 * row at the top finishing (or a lead person under it, which finishes it too) makes the
 * document done: doc_stats_add(DOC_STAT_IN_ON_TIME or DOC_STAT_IN_LATE) when it had a deadline
 * (on time: finished on or before the deadline's day, UTC+7). The document must be assigned.
 * *doc_done (may be NULL) tells whether the document became done.
 */
int doc_in_mark(struct db *db, const struct doc_in *d, int64_t rcpt, int state, int64_t reply_out_id,
		int quiet, int64_t by, int64_t now, int *doc_done);

/* File a registered document for information (no handling): status filed, with the note. */
int doc_in_file(struct db *db, const struct doc_in *d, const char *note, int64_t by, int64_t now);

/* ---- who sees what ---- */

/*
 * What a user may see: every document of the agencies in `all` (their records clerks and
 * leaders), and otherwise those assigned or forwarded to him (account_id) or to one of his
 * `units`; a document above "thường" secrecy only when he is named himself or leads the
 * recipient unit (`lead`: where he holds document.assign). Arrays sorted.
 */
struct doc_in_viewer {
	int64_t account_id;
	const int64_t *all;
	size_t nall;
	const int64_t *units;
	size_t nunits;
	const int64_t *lead;
	size_t nlead;
};

/* 1 when v may see d (its recipients loaded), else 0. */
int doc_in_visible(const struct doc_in_viewer *v, const struct doc_in *d);
/* 1 when v may act on recipient row r (his own row, or he leads its unit). */
int doc_in_acts_for(const struct doc_in_viewer *v, const struct doc_in_rcpt *r);

enum doc_in_queue {
	DOC_IN_Q_ALL = 0,
	DOC_IN_Q_TO_READ,   /* "to-read": his rows not read yet */
	DOC_IN_Q_TO_HANDLE, /* "to-handle": his lead or coordinating rows not done; a leader's
			       agencies' registered ones waiting for assignment */
	DOC_IN_Q_OVERDUE,   /* "overdue": assigned, not done, past the deadline */
	DOC_IN_Q_UNIT,	    /* "unit": assigned to one of his units and not done there (he sees it) */
	DOC_IN_Q_COUNT
};
const char *doc_in_queue_name(int q);
int doc_in_queue_from_name(const char *name); /* -1 when unknown */

struct doc_in_query {
	const struct doc_in_viewer *v;
	int queue;
	int type, status, urgency; /* 0: any */
	const char *sender;	   /* folded words of the sender, or NULL */
	const char *q;		   /* folded words searched in summary, sender, symbol, the file's text */
	int32_t from, to;	   /* arrival days YYYYMMDD, both included, 0: open */
	int64_t agency;		   /* 0: any */
	int32_t today;		   /* YYYYMMDD, for overdue */
	int64_t offset;
	int limit; /* 0: count only */
};

/*
 * The documents v may see that the query selects, newest arrival first, into *out (arena,
 * without recipients or history), and how many in all into *total. 0 or a negative enum db_rc.
 */
int doc_in_list(struct db *db, struct arena *a, const struct doc_in_query *q, struct doc_in **out, size_t *n,
		int64_t *total);

/* ---- the incoming register (sổ đăng ký văn bản đến) ---- */

/* One row of the register, as Decree 30/2020 appendix IV has its columns. */
struct doc_in_book_row {
	const char *arrived; /* Ngày đến: "dd/mm/yyyy" */
	const char *number;  /* Số đến */
	const char *sender;  /* Tác giả */
	const char *symbol;  /* Số, ký hiệu */
	const char *date;    /* Ngày tháng văn bản */
	const char *summary; /* Tên loại và trích yếu nội dung: "Kế hoạch: …" */
	const char *to;	     /* Đơn vị hoặc người nhận: the lead first, then the others */
	const char *sign;    /* Ký nhận: "" (signed on paper) */
	const char *notes;   /* Ghi chú: urgency, secrecy, status, notes */
	int64_t id;
};
#define DOC_IN_BOOK_COLS 9

/*
 * The rows of `agency`'s register for arrivals in days [from, to] (YYYYMMDD, UTC+7), by arrival
 * number within each year, at most DOC_IN_BOOK_MAX (more: 1, nothing returned). 0 or <0.
 */
int doc_in_book(struct db *db, struct arena *a, int64_t agency, int32_t from, int32_t to,
		struct doc_in_book_row **out, size_t *n);
/* The column heads, in order (Vietnamese, as the decree writes them). */
extern const char *const doc_in_book_heads[DOC_IN_BOOK_COLS];
/* The cells of a row in column order. */
void doc_in_book_cells(const struct doc_in_book_row *r, const char *cells[DOC_IN_BOOK_COLS]);

/*
 * The register as a PDF (A4 landscape, the header repeated on each page, "Trang n/N") or an
 * XLSX workbook appended to out; `agency` and `parent` are the names printed top left ("UBND
 * QUẬN THANH XUÂN", "" for none). 0 or -1.
 */
int doc_in_book_pdf(const struct doc_in_book_row *rows, size_t n, const char *parent, const char *agency,
		    int32_t from, int32_t to, struct buf *out);
int doc_in_book_xlsx(const struct doc_in_book_row *rows, size_t n, const char *parent, const char *agency,
		     int32_t from, int32_t to, struct buf *out);

/* ---- reminders ---- */

/*
 * Queue reminders (mail_enqueue) inside a write transaction of its own: for each lead
 * recipient not done of an assigned document with a deadline, one email per address (a
 * person's own; for a unit, its leaders' with an address) when the deadline falls on or before
 * the next working day after today (features/calendar.h) and it was not reminded of that yet,
 * and one when the deadline has passed, once too (recorded on the recipient row). Returns how
 * many emails were queued, or a negative enum db_rc. mail_wake() is the caller's.
 */
int doc_incoming_remind(struct db *db, int64_t now);

/* The demo's incoming documents (motcua demo), inside the caller's transaction: 0 or <0. */
int doc_incoming_demo(struct db *db, int64_t now);

#endif
