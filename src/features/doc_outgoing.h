/*
 * doc_outgoing.h: outgoing documents (văn bản đi, Decree 30/2020/NĐ-CP): drafted in a unit (a
 * department or the agency itself), reviewed, signed by the agency's leader with the notation
 * his power gives (TM., KT., TUQ., Q.), the file fixed at signing (its SHA-256 kept), then
 * numbered and issued by the agency's records clerk (or at signing, by configuration), and
 * maybe withdrawn later (it keeps its number). The outgoing register (sổ đăng ký văn bản đi)
 * as rows, PDF and XLSX.
 *
 * Nothing is deleted: every file a draft had stays (doc_outgoing_files), every step is an event
 * (doc_outgoing_events) and, from the web layer, a row in the audit chain. Who may do what is
 * the caller's to check (rules/permission.h actions, see DOC_OUT_PERM_*); these functions keep
 * the workflow (rules/document.h doc_out_next_status), the numbers and the files right.
 */
#ifndef FEATURES_DOC_OUTGOING_H
#define FEATURES_DOC_OUTGOING_H

#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "core/buf.h"
#include "rules/document.h"
#include "rules/permission.h"
#include "store/db.h"

/* The powers of the permission table that the workflow uses, all with the scope "unit". */
#define DOC_OUT_PERM_DRAFT    "document.draft"	  /* at the drafting unit: specialist, leader */
#define DOC_OUT_PERM_REVIEW   "document.review"	  /* at the drafting unit: its leader */
#define DOC_OUT_PERM_SIGN     "document.sign"	  /* at the agency: its leader, or TUQ. */
#define DOC_OUT_PERM_NUMBER   "document.number"	  /* at the agency or one of its departments */
#define DOC_OUT_PERM_REGISTER "document.register" /* the records clerk: sees the agency's documents */

/* The setting (features/settings.h) that numbers a document at its signing: "1" or "on". */
#define DOC_OUT_AUTO_NUMBER "doc_auto_number"

/* Longest texts, in characters (code points) after trimming. */
#define DOC_OUT_SUMMARY_MAX	    1000
#define DOC_OUT_RECIPIENTS_MAX	    2000
#define DOC_OUT_NOTE_MAX	    2000
#define DOC_OUT_RECIPIENT_UNITS_MAX 200
#define DOC_OUT_COPIES_MAX	    9999
/* The largest body file, and the most documents a register holds. */
#define DOC_OUT_FILE_MAX     (20u << 20)
#define DOC_OUT_REGISTER_MAX 5000

/* What the functions below return besides 0 and a negative enum db_rc. */
enum doc_out_rc {
	DOC_OUT_OK = 0,
	DOC_OUT_ENOTFOUND = 1, /* no such document */
	DOC_OUT_ESTATUS = 2,   /* not allowed in its status now (409): only a draft is edited … */
	DOC_OUT_EFIXED = 3,    /* signed: its file is fixed and can no longer change (409) */
	DOC_OUT_EDAY = 4,      /* an issue date other than the signing day or the next working day */
	DOC_OUT_ESYMBOL = 5,   /* a short name that cannot go into a symbol (the units' data) */
	DOC_OUT_ESIGNER = 6,   /* the signer's title cannot make a notation */
	DOC_OUT_ENOORDER = 7,  /* sign by order: the order is no longer in force */
	DOC_OUT_EEXISTS = 8,   /* an order in force for that unit and type already */
};

/* A version of the body file. */
struct doc_out_file {
	int version; /* 1, 2, … */
	const char *sha, *name, *mime;
	int64_t size;
	int64_t uploaded_by;
	const char *uploaded_by_name;
	int64_t uploaded_at;
};

/* A step of the document's history; action "create", "edit", or a doc_out_action_name. */
struct doc_out_event {
	int64_t id, at;
	int64_t account_id; /* 0: the system */
	const char *actor_name, *action, *note;
	int from_status, to_status;
};

/* An outgoing document; strings in the loader's arena. */
struct doc_out {
	int64_t id;
	int64_t agency_id; /* the issuing agency */
	int64_t unit_id;   /* the drafting unit */
	int type;	   /* 1..29, rules/document.h */
	int urgency;	   /* enum doc_urgency */
	int secrecy;	   /* enum doc_secrecy */
	int status;	   /* enum doc_out_status */
	const char *summary;
	const char *recipients; /* free text, one recipient a line, "" when none */
	const int64_t *recipient_units;
	size_t n_recipient_units;
	int64_t drafter_id;
	struct doc_out_file file; /* the current file */
	/* signing */
	int64_t signer_id;
	const char *signer_name, *signer_title, *sign_notation;
	int64_t sign_delegation; /* the delegation used (TUQ.), 0 */
	int64_t sign_order;	 /* the order signed under (TL.), 0 */
	int64_t order_open;	 /* the order in force for its unit and type (TL. possible), 0 */
	int64_t signed_at;
	const char *signed_sha;
	/* issuing */
	int64_t number; /* 0 until issued */
	int number_year;
	const char *symbol;
	int32_t issued_day; /* YYYYMMDD */
	int64_t issued_at;
	int64_t issued_by; /* 0: by the system at signing */
	int copies;
	/* withdrawal */
	int64_t withdrawn_at, withdrawn_by;
	const char *withdraw_reason;
	int64_t created_at, updated_at;
	/* loaded with the document */
	const char *drafter_name;
	const char *agency_name, *agency_short, *agency_code, *agency_kind;
	const char *unit_name, *unit_short;
	const char *issued_by_name, *withdrawn_by_name;
	const char **recipient_unit_names; /* parallel to recipient_units */
	/* with DOC_OUT_LOAD_HISTORY: every file version (oldest first) and event (in order) */
	struct doc_out_file *files;
	size_t nfiles;
	struct doc_out_event *events;
	size_t nevents;
};

/* ---- drafting ---- */

/* A draft's fields as typed (NULL counts as ""). */
struct doc_out_form {
	const char *type;    /* a key ("ke-hoach") or a code ("10") */
	const char *summary; /* trích yếu */
	const char *recipients;
	const char *urgency; /* "thuong", "khan", … ("" = thường) */
	const char *secrecy; /* "thuong", "mat", … ("" = thường) */
};

/*
 * Check a draft's fields and, when good, set d's type, urgency, secrecy, summary and recipients
 * (in the arena; trimmed; the summary on one line, the recipients' lines trimmed and the empty
 * ones dropped). Calls err(ctx, field, English msgid) once per bad field ("type", "summary",
 * "recipients", "urgency", "secrecy") and returns how many there were (0: all good).
 */
int doc_out_check(struct arena *a, const struct doc_out_form *f, struct doc_out *d,
		  void (*err)(void *ctx, const char *field, const char *msgid), void *ctx);

/*
 * A note or reason as typed: trimmed, lines kept, valid UTF-8 without other control
 * characters, at most DOC_OUT_NOTE_MAX characters, and not empty when `required`. 0 with *out
 * (arena), or -1 with *why (an English msgid).
 */
int doc_out_note_check(struct arena *a, const char *in, int required, const char **out, const char **why);

/*
 * Record a new draft inside the caller's transaction: d's fields (checked), its agency and
 * drafting unit, its recipient units (ids of units that exist), its drafter; `file` its first
 * version, stored already (features/files.h), uploaded_by the drafter. d->id gets its id; the
 * text of the file is asked for (features/doc_text.h: call doc_text_wake() after the commit).
 * 0 or a negative enum db_rc.
 */
int doc_out_create(struct db *db, struct doc_out *d, const struct doc_out_file *file, const char *actor_name,
		   int64_t now);

/*
 * Change draft d->id to d's fields and recipient units (its units, drafter and status stay),
 * and when `file` is not NULL make it the next version (the earlier ones kept), inside the
 * caller's transaction: DOC_OUT_OK, DOC_OUT_ENOTFOUND, DOC_OUT_EFIXED (signed or later),
 * DOC_OUT_ESTATUS (in review or awaiting signature), or a negative enum db_rc.
 */
int doc_out_update(struct db *db, const struct doc_out *d, const struct doc_out_file *file, int64_t account,
		   const char *actor_name, int64_t now);

/* ---- the workflow ---- */

/* A step asked for. */
struct doc_out_step {
	int action;	    /* enum doc_out_action */
	int64_t account;    /* who acts */
	const char *name;   /* his name, kept in the history */
	const char *note;   /* a comment; the reason of a return or a withdrawal (checked by the caller) */
	int64_t delegation; /* sign: the delegation can() answered through (TUQ.), 0 when by his own grant */
	int64_t order;	    /* sign by order (TL.): the order in force (doc_sign_order_find) the caller
			       found for the document, the signer being a leader of the drafting unit by his
			       own grant; 0 otherwise. The document may then be in review or for approval */
	int32_t issue_day;  /* issue: YYYYMMDD, 0 for today */
	int copies;	    /* issue: số lượng bản, 0 for the recipients plus two kept */
};

/* What a step did. */
struct doc_out_done {
	int from_status, status;
	int numbered;	    /* the document was numbered (issue, or sign with DOC_OUT_AUTO_NUMBER on) */
	int64_t number;	    /* and its number, */
	int32_t issue_day;  /* its issue date (YYYYMMDD) */
	char symbol[64];    /* and symbol */
	char notation[256]; /* sign: the notation */
	int32_t allowed[2]; /* DOC_OUT_EDAY: the issue dates allowed (0 when none) */
};

/*
 * Take `step` on document `id` inside the caller's transaction, at `now`:
 *   submit, forward, return, comment: the status as doc_out_next_status says;
 *   sign: the signer's name and title from his account, the notation from signing_mode and
 *     signing_notation (a deputy, "Phó …", signs KT.; an acting head, "Quyền …", Q.; through a
 *     delegation TUQ. of the delegator's title; for a People's Committee (an agency) TM. ỦY BAN
 *     NHÂN DÂN but for TUQ.), the instant; the file's SHA-256 fixed. With the setting
 *     DOC_OUT_AUTO_NUMBER on, numbered at once, dated the signing day;
 *   issue: the next number of the agency and year of the issue date (store/counter.h), the
 *     symbol (doc_symbol: the agency's short name; the drafting unit's for a Công văn); the
 *     issue date the signing day or the next working day (features/calendar.h), not after
 *     today (else DOC_OUT_EDAY with done->allowed); doc_stats_add(DOC_STAT_OUT);
 *   withdraw: marked withdrawn, the number kept; doc_stats_add(DOC_STAT_OUT_WITHDRAWN).
 * Each step is an event. Returns DOC_OUT_OK with *done, DOC_OUT_ENOTFOUND, DOC_OUT_ESTATUS (not
 * in a status where the action applies, also when another took it first), DOC_OUT_EDAY,
 * DOC_OUT_ESYMBOL, DOC_OUT_ESIGNER, or a negative enum db_rc. Permissions are the caller's.
 */
int doc_out_apply(struct db *db, int64_t id, const struct doc_out_step *step, int64_t now,
		  struct doc_out_done *done);

/*
 * The issue dates allowed at `now` for a document signed at `signed_at`: the signing day and the
 * next working day (features/calendar.h), each only when not after today (0 in its place then).
 * YYYYMMDD. 0 or a negative enum db_rc.
 */
int doc_out_issue_days(struct db *db, int64_t signed_at, int64_t now, int32_t allowed[2]);

/*
 * The title a position shows above a signature: "Phó Chủ tịch UBND quận" → "Phó Chủ tịch",
 * "Chủ tịch UBND phường Nhân Chính" → "Chủ tịch" (cut before the name of the body: UBND,
 * HĐND, Ủy ban, phường, quận, xã, huyện, thị xã, thành phố, tỉnh …); other titles as they are.
 * Writes at most n bytes with the NUL.
 */
void doc_out_title(const char *position, char *out, size_t n);

/*
 * The notation above a signature (rules/permission.h signing_notation) for a signer holding
 * `signer_position`, at an agency of `agency_kind` ("district", "ward" …: a People's Committee
 * signs TM.), through a delegation from the holder of `delegator_position` (NULL when by his
 * own grant). title gets the signer's title. 0, or -1 when no notation can be made.
 */
int doc_out_notation(const char *agency_kind, const char *signer_position, const char *delegator_position,
		     char *title, size_t tn, char *notation, size_t nn);

/* ---- reading ---- */

enum doc_out_load_flags {
	DOC_OUT_LOAD_HISTORY = 1 << 0, /* files and events too */
};

/* One document: DOC_OUT_OK, DOC_OUT_ENOTFOUND, or a negative enum db_rc. */
int doc_out_load(struct db *db, struct arena *a, int64_t id, unsigned flags, struct doc_out *out);

/*
 * For the exchange between agencies (edXML): everything about an issued document (issued or
 * withdrawn): number, symbol, dates, type, summary, signer's name, title and notation, the
 * agency, recipients (text and unit ids), the file and its SHA-256. DOC_OUT_OK,
 * DOC_OUT_ENOTFOUND (none, or not issued), or a negative enum db_rc.
 */
int doc_out_load_issued(struct db *db, struct arena *a, int64_t id, struct doc_out *out);

/* Whether `account` has an event on document `id` (it went to him): 1, 0, or a negative enum db_rc. */
int doc_out_involved(struct db *db, int64_t id, int64_t account);

/*
 * Who is looking: his account and, sorted by id, the units where the permission table gives
 * him what matters here (the web layer fills it from req_scope).
 */
struct doc_out_viewer {
	int64_t account;
	const int64_t *sign; /* agencies where he signs (leaders; TUQ.) */
	size_t nsign;
	const int64_t *clerk; /* agencies whose records clerk he is */
	size_t nclerk;
	const int64_t *review; /* units whose drafts he reviews */
	size_t nreview;
	const int64_t *own; /* his unit and the units he drafts in */
	size_t nown;
	const int64_t *order; /* departments whose leader he is by his own grant: he signs by order
				 there what the working rules allow (doc_sign_orders) */
	size_t norder;
};

/*
 * May v see d (involved: he has an event on it)? The drafter, those it went to (involved),
 * the agency's leaders and records clerks, the reviewers of the drafting unit once submitted;
 * and, unless it is secret (secrecy above "thường"), the drafting unit's people. 1 or 0.
 */
int doc_out_visible(const struct doc_out *d, const struct doc_out_viewer *v, int involved);

enum doc_out_queue {
	DOC_OUT_Q_ALL = 0, /* every document he may see */
	DOC_OUT_Q_MINE,	   /* drafted by him */
	DOC_OUT_Q_REVIEW,  /* in review at a unit he reviews */
	DOC_OUT_Q_SIGN,	   /* awaiting the signature of an agency where he signs, or his by order */
	DOC_OUT_Q_NUMBER,  /* signed, to number, at an agency whose clerk he is */
	DOC_OUT_Q_ISSUED,  /* issued or withdrawn */
	DOC_OUT_Q_COUNT
};
/* "all", "mine", "review", "sign", "number", "issued"; NULL out of range; back: -1 when unknown. */
const char *doc_out_queue_name(int q);
int doc_out_queue_from_name(const char *name);

struct doc_out_query {
	const struct doc_out_viewer *viewer;
	int queue;	   /* enum doc_out_queue */
	int type;	   /* 0: any */
	int status;	   /* 0: any */
	int64_t unit;	   /* the drafting unit, 0: any */
	int32_t from, to;  /* YYYYMMDD, 0: open; the issue date when issued, else the day made */
	const char *words; /* folded (rules/fold.h) words, each in the summary, the symbol or the
			      file's text; NULL or "" for none */
	size_t offset, limit;
};

/*
 * The documents the query selects, the newest first (the last changed), at most q->limit, into
 * *out (arena) with *n; *total how many in all. The current file but no history. 0 or a
 * negative enum db_rc.
 */
int doc_out_list(struct db *db, struct arena *a, const struct doc_out_query *q, struct doc_out **out,
		 size_t *n, size_t *total);

/* How many documents of each queue v has (counts[DOC_OUT_Q_COUNT]). 0 or a negative enum db_rc. */
int doc_out_queue_counts(struct db *db, const struct doc_out_viewer *v, int64_t counts[DOC_OUT_Q_COUNT]);

/*
 * The notation of a leader of a department signing by order of the chairman of a People's
 * Committee (agency_kind governing): "TL. CHỦ TỊCH\nTRƯỞNG PHÒNG TƯ PHÁP", and for his deputy
 * "TL. CHỦ TỊCH\nKT. TRƯỞNG PHÒNG TƯ PHÁP\nPHÓ TRƯỞNG PHÒNG TƯ PHÁP". title gets the signer's
 * title. 0, or -1 when none can be made (no title, not a People's Committee).
 */
int doc_out_notation_by_order(const char *agency_kind, const char *signer_position, char *title, size_t tn,
			      char *notation, size_t nn);

/* ---- signing by order (ký thừa lệnh, Decree 30/2020/NĐ-CP art. 13(4)) ----
 * The head of an agency lets the leaders of one of its departments sign documents of a type
 * drafted there "TL.", as the agency's working rules say (migrations/0033). */
struct doc_sign_order {
	int64_t id, agency_id, unit_id;
	int type;
	const char *unit_name, *basis, *created_by_name, *revoked_by_name;
	int64_t created_by, created_at, revoked_by, revoked_at; /* revoked_at 0: in force */
};

/* The orders of `agency`, in force first, then by department and type; strings in the arena. */
int doc_sign_order_list(struct db *db, struct arena *a, int64_t agency, struct doc_sign_order **out,
			size_t *n);
/*
 * Record an order for department `unit` of `agency` and `type` on `basis` (checked by the
 * caller), by account `by`: *id. DOC_OUT_EEXISTS when one is in force for that unit and type;
 * 0 or a negative enum db_rc.
 */
int doc_sign_order_add(struct db *db, int64_t agency, int64_t unit, int type, const char *basis, int64_t by,
		       int64_t now, int64_t *id);
/* Revoke order `id` of `agency`: DOC_OUT_ENOTFOUND when there is none in force; 0 or <0. */
int doc_sign_order_revoke(struct db *db, int64_t agency, int64_t id, int64_t by, int64_t now);
/* Order `id`: 0, DOC_OUT_ENOTFOUND, or <0. */
int doc_sign_order_get(struct db *db, struct arena *a, int64_t id, struct doc_sign_order *out);
/* The order in force for a document of `type` drafted in `unit`: *id, 0 when none. 0 or <0. */
int doc_sign_order_find(struct db *db, int64_t unit, int type, int64_t *id);

/* ---- the outgoing register (sổ đăng ký văn bản đi, Decree 30/2020 appendix IV) ---- */

enum doc_out_register_col {
	DOC_OUT_REG_SYMBOL = 0, /* Số, ký hiệu văn bản */
	DOC_OUT_REG_DATE,	/* Ngày tháng văn bản */
	DOC_OUT_REG_SUMMARY,	/* Tên loại và trích yếu nội dung */
	DOC_OUT_REG_SIGNER,	/* Người ký */
	DOC_OUT_REG_TO,		/* Nơi nhận văn bản */
	DOC_OUT_REG_KEPT,	/* Đơn vị, người nhận bản lưu */
	DOC_OUT_REG_COPIES,	/* Số lượng bản */
	DOC_OUT_REG_SENT,	/* Ngày chuyển */
	DOC_OUT_REG_RECEIVED,	/* Ký nhận */
	DOC_OUT_REG_NOTE,	/* Ghi chú */
	DOC_OUT_REG_COLS
};
/* The columns' headings as the decree writes them (Vietnamese). */
extern const char *const doc_out_register_heads[DOC_OUT_REG_COLS];

/*
 * The documents of `agency` issued (withdrawn ones included) with an issue date in [from, to]
 * (YYYYMMDD), by year and number, with their recipient units' names; at most
 * DOC_OUT_REGISTER_MAX (*more set when there were more). 0 or a negative enum db_rc.
 */
int doc_out_register_list(struct db *db, struct arena *a, int64_t agency, int32_t from, int32_t to,
			  struct doc_out **out, size_t *n, int *more);

/* The register's cells of one document (strings in the arena), with `sep` between lines. */
void doc_out_register_cells(struct arena *a, const struct doc_out *d, const char *sep,
			    const char *cells[DOC_OUT_REG_COLS]);

/* Who keeps the register: "UBND QUẬN THANH XUÂN" and its parent "UBND THÀNH PHỐ HÀ NỘI" (or ""). */
struct doc_out_register_site {
	const char *parent, *agency;
};

/* The register as an A4 landscape PDF, and as an XLSX workbook (text cells); appended to out. 0 or -1. */
int doc_out_register_pdf(const struct doc_out *list, size_t n, const struct doc_out_register_site *s,
			 int32_t from, int32_t to, struct buf *out);
int doc_out_register_xlsx(const struct doc_out *list, size_t n, const struct doc_out_register_site *s,
			  int32_t from, int32_t to, struct buf *out);

/* ---- the demo ---- */

/*
 * The demo's outgoing documents (motcua demo), inside the caller's transaction, made through the
 * functions above by the demo's accounts: about 30 issued by the district in the last weeks
 * (Kế hoạch, Quyết định, Công văn NN/UBND-TP, Thông báo, Báo cáo …), some still in draft, in
 * review and awaiting signature, one withdrawn; two of Phường Nhân Chính. Their files are the
 * PDFs doc_outgoing_demo_files writes. Nothing when the database holds outgoing documents
 * already or the demo's accounts are missing. 0 or a negative enum db_rc.
 */
int doc_outgoing_demo(struct db *db, int64_t now);

/* Keep the demo documents' files (small PDFs) in the file store under data_dir: 0, or -1 with errno. */
int doc_outgoing_demo_files(const char *data_dir);

#endif
