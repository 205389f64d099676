/* dossiers.h: dossiers (hồ sơ) in the database: intake, the lifecycle's actions, queues and lookup. */
#ifndef FEATURES_DOSSIERS_H
#define FEATURES_DOSSIERS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "rules/dossier.h"
#include "rules/procedure.h"
#include "store/db.h"

/* A person: the applicant, or who submits for him (người được ủy quyền). */
struct dossier_person {
	const char *name;
	const char *id_no;   /* số CCCD / định danh cá nhân: 12 digits */
	const char *birth;   /* "YYYY-MM-DD", or "" */
	const char *phone;   /* "0912345678" */
	const char *email;   /* or "" */
	const char *address; /* or "" */
};

/* One step of the dossier's process, copied from the procedure version at receipt. */
struct dossier_step {
	int idx; /* 0, 1, … */
	const char *name;
	const char *responsible;
	const char *role;			 /* permission.h role name, or "" */
	int level;				 /* enum proc_level */
	int64_t unit_id;			 /* the unit that did / does it (0 until it starts) */
	int64_t hours;				 /* allotted working hours */
	int64_t started_at, due_at, finished_at; /* 0 when not yet */
	int64_t by_account;			 /* who finished it, 0 when not yet */
	const char *by_name;			 /* "" when not yet */
	int verdict;				 /* enum dossier_verdict, DV_NONE until finished */
};

/* One event of the timeline. */
struct dossier_event {
	int64_t at;
	const char *actor_name; /* "Nguyễn Thị Hoa (Bộ phận Một cửa)", "Công dân" */
	int action;		/* enum dossier_action, 0 for intake */
	int status_from;	/* enum dossier_status, 0 at intake */
	int status_to;
	const char *note; /* reasons, papers asked, or "" */
	int public_; /* shown to the citizen (his own dossier page, with the note); the public lookup shows
		      * only its action, time and unit, never the note */
};

/* A required document of the procedure and what the dossier has of it. */
struct dossier_doc {
	int idx;
	const char *name;
	int kind; /* enum proc_doc_kind */
	int count;
	int provided;	      /* ticked at the counter, or uploaded online */
	const char *file_sha; /* a scan or upload (files.h), or "" */
	const char *file_name;
	const char *file_mime;
};

#define DOSSIER_MAX_STEPS  PROC_MAX_STEPS
#define DOSSIER_MAX_DOCS   PROC_MAX_DOCUMENTS
#define DOSSIER_MAX_EVENTS 200

/*
 * A dossier as loaded (dossier_load). Strings live in the arena given to the
 * loader. A dossier is always at an agency, a governing unit (a ward, a
 * district, a city: receiving_unit, current_unit, a step's unit_id); the
 * agency's sections (its one-stop section, its departments) work it.
 */
struct dossier {
	int64_t id;
	const char *code; /* 000.01.15.H26-261126-0001 */
	const char *procedure_code;
	int64_t procedure_version;
	const char *procedure_name;
	struct dossier_person applicant;
	struct dossier_person representative; /* name "" when none */
	int channel;			      /* enum dossier_channel */
	int64_t owner_account;		      /* the citizen's account (online), 0 when none */
	int64_t receiving_unit;
	const char *receiving_unit_name; /* "UBND phường Nhân Chính" */
	const char *receiving_agency;	 /* its agency code, 000.01.15.H26 */
	int64_t current_unit;
	const char *current_unit_name;
	int64_t assignee; /* account, 0 when none */
	const char *assignee_name;
	int status;  /* enum dossier_status */
	int outcome; /* after approve / reject: DA_APPROVE or DA_REJECT; 0 before */
	int step;    /* index of the current step */
	int64_t submitted_at, received_at, due_at, finished_at, returned_at; /* 0 when not yet */
	int64_t first_due_at;	 /* the appointment on form 01 (form 04 does not move it) */
	int64_t transfer_due_at; /* when it must reach the processing unit (same / next working day) */
	int64_t paused_at;	 /* supplement requested during processing: the clock stopped */
	int64_t apology_at;	 /* form 04 given, 0 when not */
	int64_t apology_due_at;	 /* the new appointment of form 04 */
	const char *apology_reason;
	int verdict;	 /* enum dossier_verdict once finished */
	int64_t hours;	 /* the procedure's statutory working hours (0 = same day) */
	int64_t fee_due; /* VND */
	int fee_paid;
	int pages, copies; /* what the fee is counted on */
	const char *result_text;
	const char *result_file_sha; /* or "" */
	const char *note;	     /* what the citizen wrote, or "" */
	struct dossier_doc docs[DOSSIER_MAX_DOCS];
	size_t ndocs;
	struct dossier_step steps[DOSSIER_MAX_STEPS];
	size_t nsteps;
	struct dossier_event events[DOSSIER_MAX_EVENTS];
	size_t nevents;
};

/* ---- intake ---- */

/* What a dossier is made of at intake (the counter, the post, or a citizen online). */
struct dossier_intake {
	const char *procedure_code;
	int64_t unit_id; /* the receiving agency, or a section of it (its one-stop section) */
	int channel;	 /* enum dossier_channel */
	struct dossier_person applicant;
	struct dossier_person representative; /* name "" or NULL when none */
	/* per required document (by its index in the procedure): ticked, and a scan or upload */
	int provided[DOSSIER_MAX_DOCS];
	const char *file_sha[DOSSIER_MAX_DOCS]; /* NULL or "" when none */
	const char *file_name[DOSSIER_MAX_DOCS];
	const char *file_mime[DOSSIER_MAX_DOCS];
	int pages, copies; /* for the fee: 0 = 1 */
	const char *note;
	int64_t owner_account; /* the citizen's own account (online), else 0 */
	int64_t actor_account; /* who records it (0 for a citizen online) */
	const char *actor_name;
};

/* Error callback as procedure_check's: field name ("applicant.phone") and an English msgid. */
typedef void (*dossier_err_fn)(void *ctx, const char *field, const char *msgid);

/*
 * Check a person's fields (prefix "applicant" or "representative"): name,
 * 12-digit citizen ID (cccd_check), birth date YYYY-MM-DD in the past (and
 * matching the ID's birth century and year), phone (contact_phone_check;
 * required for the applicant), email optional but valid, address at most
 * 500 bytes. Normalised values are written back into the arena copy *p.
 * Returns the number of errors.
 */
int dossier_person_check(struct dossier_person *p, const char *prefix, int required, struct arena *a,
			 int64_t now, dossier_err_fn err, void *ctx);

/* Errors of intake and actions besides enum db_rc (negative) and field errors. */
enum dossier_rc {
	DOSSIER_OK = 0,
	DOSSIER_NOT_FOUND = 1, /* no such dossier / procedure / unit */
	DOSSIER_STATE = 2,     /* the action is not allowed now (409) */
	DOSSIER_INVALID = 3,   /* bad input (422): see *why */
};

/*
 * Record a new dossier inside the caller's write transaction: the
 * procedure's published version (its steps, documents and fees copied),
 * the code from the day's counter at the receiving agency, the status
 * (online: new; counter and post: received, with the appointment, the
 * transfer deadline and the first step started), the first event, the
 * statistics and, when the applicant gave an email and the dossier is
 * received, the receipt email. The fields must have been checked
 * (dossier_person_check). Returns DOSSIER_OK with code and id, another
 * enum dossier_rc with *why (an English msgid), or a negative enum db_rc.
 */
int dossier_create(struct db *db, struct arena *a, const struct dossier_intake *in, int64_t now,
		   char code[DOSSIER_CODE_MAX], int64_t *id, const char **why);

/* Load a dossier with its steps, documents and timeline. DOSSIER_OK, DOSSIER_NOT_FOUND or a negative rc. */
int dossier_load(struct db *db, struct arena *a, const char *code, struct dossier *out);
/* The same inside a write transaction, the dossier's row locked until it ends (two actions at once: one
 * waits). */
int dossier_load_for_update(struct db *db, struct arena *a, const char *code, struct dossier *out);

/* ---- the lifecycle ---- */

struct dossier_act {
	int action;	    /* enum dossier_action */
	const char *note;   /* reasons (refuse, reject, supplement: required), or a remark */
	int64_t assignee;   /* assign: an official of the current unit */
	int64_t new_due;    /* apologize: the new appointment */
	const char *result; /* approve / reject: what the citizen receives (text) */
	int64_t actor_account;
	const char *actor_name; /* "Nguyễn Văn An", or "Công dân" */
};

/*
 * Apply an action to `d` (loaded in the same write transaction) at `now`:
 * the state machine (rules/dossier.h) says whether it is allowed
 * (DOSSIER_STATE otherwise, nothing written); its own rules say whether
 * the input is (DOSSIER_INVALID with *why): reasons required for refuse,
 * reject and supplement; form 04 only once and at least one working day
 * before the due instant, with a reason and a later date; forward not past
 * the last step; assign to an active official of the current unit. Writes
 * the dossier, its steps, an event, the statistics and the email, and
 * updates *d. The caller checks permissions first (dossier_perms).
 */
/*
 * The portal's address as citizens reach it ("https://dichvucong.example.vn", no '/' at the end),
 * for the links in their email (the rating link sent when a result is returned). Set once at
 * start, before any request; NULL leaves the links out and points to the lookup page instead.
 */
void dossier_set_site_url(const char *url);

int dossier_apply(struct db *db, struct arena *a, struct dossier *d, const struct dossier_act *act,
		  int64_t now, const char **why);

/*
 * Attach a file to required document `idx` of d (a paper supplied after a
 * request, online): the document counts as provided and keeps the new file
 * (the old one stays in the store and in the timeline's history). Inside
 * the caller's write transaction, before the DA_SUPPLIED action. 0,
 * DOSSIER_INVALID for an index out of range, or a negative rc.
 */
int dossier_doc_attach(struct db *db, struct dossier *d, size_t idx, const char *sha, const char *name,
		       const char *mime);

/*
 * The permission actions (permission.h) one of which the actor must hold
 * at d->current_unit (or, for "citizen.self", be the owner) to do `action`
 * now: the state machine's list, narrowed for a forward to the role of the
 * current step (a step done by the one-stop clerk is passed on by him).
 * NULL-terminated, written into out (at least 5); 0 entries when the
 * action is not allowed now.
 */
size_t dossier_perms(const struct dossier *d, int action, const char **out, size_t max);

/*
 * The decision step: the last step done by a leader (else the step before
 * the last). Approve and reject are taken there, by its level's leader,
 * not earlier (no step, and no level, is skipped); that step is not
 * "passed on" but decided. dossier_possible: whether `action` can be taken
 * now (the state machine and this rule), whoever asks.
 */
int dossier_decision_step(const struct dossier *d);
int dossier_possible(const struct dossier *d, int action);

/* ---- queues and lists ---- */

enum dossier_queue {
	DQ_ALL = 0,  /* everything at the units */
	DQ_TODO,     /* open at the units (new, received, processing, awaiting fee, result ready) */
	DQ_TODAY,    /* open and due by the end of today */
	DQ_OVERDUE,  /* open and past due */
	DQ_WAITING,  /* waiting for the citizen (supplement) */
	DQ_RETURNED, /* returned */
	DQ_COUNT
};
const char *dossier_queue_name(int q); /* "all" "todo" "today" "overdue" "waiting" "returned" */
int dossier_queue_from_name(const char *name);

struct dossier_query {
	const int64_t *units; /* current unit among these (sorted ids); NULL = any (owner lists) */
	size_t nunits;
	int64_t assignee;	    /* only these, 0 = any */
	int64_t owner_account;	    /* a citizen's own, 0 = any */
	int queue;		    /* enum dossier_queue */
	int status;		    /* 0 = any */
	const char *procedure_code; /* NULL = any */
	const char *code_prefix;    /* a code or its beginning, NULL = any */
	int64_t now;
	int64_t today_end; /* the end of today's working time (DQ_TODAY) */
	size_t offset, limit;
};

struct dossier_row {
	const char *code;
	const char *procedure_code;
	const char *procedure_name;
	const char *applicant_name;
	int channel, status, verdict;
	int64_t current_unit;
	int64_t assignee;
	int64_t submitted_at, received_at, due_at, finished_at, returned_at;
};

/* The rows of a query, newest first within the queue's order; *total the count. */
int dossier_list(struct db *db, struct arena *a, const struct dossier_query *q, struct dossier_row **rows,
		 size_t *n, int64_t *total);

/* The public part of a dossier for /tra-cuu: when `check` is the last 4 digits of its phone or ID. */
int dossier_lookup(struct db *db, struct arena *a, const char *code, const char *check, struct dossier *out);

#endif
