/* dossier.h: a dossier's (hồ sơ) codes, lifecycle and on-time verdicts; pure, no I/O. */
#ifndef RULES_DOSSIER_H
#define RULES_DOSSIER_H

#include <stddef.h>
#include <stdint.h>

/*
 * Statuses (Decree 61/2018/NĐ-CP; the names real systems use). A dossier
 * submitted online is `new` until the one-stop counter receives it.
 */
enum dossier_status {
	DS_NEW = 1,	 /* "new": submitted online, not yet received */
	DS_RECEIVED,	 /* "received": received, slip (form 01) given */
	DS_PROCESSING,	 /* "processing": at a step of the internal process */
	DS_SUPPLEMENT,	 /* "supplement": papers asked of the citizen (form 02) */
	DS_AWAITING_FEE, /* "awaiting_fee": the fee must be paid before going on */
	DS_RESULT_READY, /* "result_ready": approved or rejected, at the counter */
	DS_RETURNED,	 /* "returned": the result handed to the citizen */
	DS_REFUSED,	 /* "refused": not accepted (form 03) */
	DS_WITHDRAWN,	 /* "withdrawn": withdrawn by the citizen */
	DS_STATUS_COUNT
};

/* What people do to a dossier (POST …/actions {"action": name}). */
enum dossier_action {
	DA_RECEIVE = 1, /* "receive": accept at the counter (new → received) */
	DA_REFUSE,	/* "refuse": refuse to accept, with reasons (form 03) */
	DA_SUPPLEMENT,	/* "request_supplement": ask for papers (form 02); the clock stops */
	DA_SUPPLIED,	/* "supplied": the papers came back; the deadline restarts from zero */
	DA_START,	/* "start": the first step takes it (received → processing) */
	DA_FORWARD,	/* "forward": the current step is done, the next step takes it */
	DA_REQUEST_FEE, /* "request_fee": processing waits for the fee */
	DA_FEE_PAID,	/* "fee_paid": the fee is paid, processing goes on */
	DA_APPROVE,	/* "approve": the decision is yes; the result goes to the counter */
	DA_REJECT,	/* "reject": the decision is no, with reasons */
	DA_RETURN,	/* "return": the result is handed to the citizen */
	DA_WITHDRAW,	/* "withdraw": the citizen withdraws it */
	DA_APOLOGIZE,	/* "apologize": form 04, a new appointment (once, ≥ 1 working day before due) */
	DA_ASSIGN,	/* "assign": give the current step to an official of the unit */
	DA_ACTION_COUNT
};

/* Who may do an action, as the permission table's actions (permission.h). */
#define DOSSIER_PERM_RECEIVE "dossier.receive" /* onestop_clerk */
#define DOSSIER_PERM_PROCESS "dossier.process" /* specialist */
#define DOSSIER_PERM_APPROVE "dossier.approve" /* leader (delegable) */
#define DOSSIER_PERM_OWNER   "citizen.self"    /* the applicant's own account */

/*
 * The state machine, one row a transition: from `status`, `action` leads
 * to the returned status, done by one of the permission actions listed
 * (perms, NULL-terminated, any one suffices). An action that keeps the
 * status (assign, apologize) returns the same status. 0 when the action is
 * not allowed from that status. `received` tells, for DA_SUPPLEMENT and
 * DA_SUPPLIED, whether the dossier was received already (a request before
 * receipt goes back to `new`, one during processing to `processing`).
 */
int dossier_next(int status, int action, int received, const char *const **perms);

/* The actions allowed from `status` (whatever the role), written to out; how many. */
size_t dossier_actions(int status, int received, int *out, size_t max);

/* Names ↔ enums ("processing", "request_supplement"); 0 / NULL when unknown. */
const char *dossier_status_name(int status);
int dossier_status_from_name(const char *name);
const char *dossier_action_name(int action);
int dossier_action_from_name(const char *name);
/* English message ids for people: "Being processed", "Ask for more papers" … */
const char *dossier_status_label(int status);
const char *dossier_action_label(int action);
/* Whether the status is final (returned, refused, withdrawn). */
int dossier_status_final(int status);

/* On-time verdicts (as OpenCPS counts): finished before due, at due, after. */
enum dossier_verdict {
	DV_NONE = 0, /* not finished, or not counted (refused, withdrawn) */
	DV_EARLY,    /* "early": sớm hạn */
	DV_ON_TIME,  /* "on_time": đúng hạn */
	DV_LATE,     /* "late": trễ hạn */
};
/*
 * The verdict of work finished at `finished` against `due` (seconds), as
 * OpenCPS counts it: on a local (UTC+7) day before the due instant's day,
 * early; later but at or before the due instant, on time; after it, late.
 * A dossier that got form 04 still counts against its first due instant.
 * DV_NONE when due is 0 (no deadline).
 */
int dossier_verdict(int64_t finished, int64_t due);
const char *dossier_verdict_name(int verdict); /* "early" "on_time" "late", NULL for none */
const char *dossier_verdict_label(int verdict);

/*
 * The dossier code (Circular 01/2018/TT-VPCP art. 19):
 * "<agency code>-<YYMMDD>-<NNNN>", e.g. 000.00.15.H26-261126-0001, the
 * date local (UTC+7) and NNNN the day's sequence (1..9999) at that agency.
 * Written into out (at least DOSSIER_CODE_MAX bytes); -1 when the agency
 * code is empty or too long, or seq out of 1..9999.
 */
#define DOSSIER_CODE_MAX 64
int dossier_code(char *out, size_t n, const char *agency, int64_t when, int64_t seq);
/* Whether `code` has that shape (agency code of 1..40 of A–Z a–z 0–9 '.'). */
int dossier_code_valid(const char *code);

/* The channel a dossier came by. */
enum dossier_channel {
	DCH_COUNTER = 1, /* "counter": trực tiếp */
	DCH_ONLINE,	 /* "online": trực tuyến */
	DCH_POST,	 /* "post": bưu chính */
};
const char *dossier_channel_name(int ch);
int dossier_channel_from_name(const char *name);

/* 1 when a dossier in `status` may have its fee collected: received and neither refused nor withdrawn. */
int dossier_fee_collectable(int status);
const char *dossier_channel_label(int ch);

#endif
