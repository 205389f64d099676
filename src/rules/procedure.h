/* procedure.h: an administrative procedure (thủ tục hành chính) as the catalogue publishes it, and its rules.
 */
#ifndef RULES_PROCEDURE_H
#define RULES_PROCEDURE_H

#include <stddef.h>
#include <stdint.h>
#include "rules/fee.h"

/* Levels of government a procedure belongs to, receives or decides at. */
enum proc_level {
	PROC_CITY = 1, /* "city": cấp thành phố / tỉnh */
	PROC_DISTRICT, /* "district": cấp quận / huyện */
	PROC_WARD,     /* "ward": cấp phường / xã */
};

/* Online service (Decree 42/2022/NĐ-CP). */
enum proc_online {
	PROC_ONLINE_FULL = 1, /* "full": toàn trình */
	PROC_ONLINE_PARTIAL,  /* "partial": một phần */
	PROC_ONLINE_NONE,     /* "none": không trực tuyến */
};

/* The statutory processing time is counted in working days (8 working hours) or working hours. */
enum proc_time_unit {
	PROC_DAYS = 1, /* "day" */
	PROC_HOURS,    /* "hour" */
};

/* What the citizen brings (thành phần hồ sơ). */
enum proc_doc_kind {
	PROC_DOC_ORIGINAL = 1,	 /* "original": bản chính */
	PROC_DOC_CERTIFIED_COPY, /* "certified_copy": bản sao có chứng thực */
	PROC_DOC_COPY,		 /* "copy": bản sao / bản chụp */
};

struct proc_document {
	const char *name;
	int kind;  /* enum proc_doc_kind */
	int count; /* how many: 1..99 */
	/* a blank form to download (mẫu đơn, tờ khai), or NULL: its title and stored file (sha256 hex) */
	const char *form_name;
	const char *form_file;
};

/* One step of the internal process (quy trình nội bộ), with its allotted working hours. */
struct proc_step {
	const char *name; /* "Tiếp nhận hồ sơ" */
	const char *responsible; /* who does it, as printed: "Bộ phận Một cửa", "Chủ tịch UBND phường" */
	const char *role; /* the role that does it (permission.h names: onestop_clerk …), or "" */
	int level;	  /* enum proc_level where it is done: an inter-level procedure moves up */
	int64_t hours;	  /* allotted working hours (1 working day = 8) */
};

#define PROC_MAX_FEES	   16
#define PROC_MAX_DOCUMENTS 40
#define PROC_MAX_STEPS	   20

/*
 * A procedure version. Strings are UTF-8 and belong to the caller (an
 * arena); optional ones are "" when absent, never NULL.
 */
struct procedure {
	const char *code;  /* national code "2.000815", or a local variant (procedure_code_valid) */
	const char *name;  /* "Chứng thực bản sao từ bản chính giấy tờ, văn bản …" */
	const char *field; /* lĩnh vực, a name from the managed list: "Chứng thực" */
	int level;	   /* enum proc_level: the level it belongs to in the catalogue */
	int inter_level;   /* liên thông: received at one level, decided at another */
	int receive_level; /* enum proc_level: where it is received */
	int decide_level;  /* enum proc_level: where it is decided */
	const char *receiving; /* the units that receive it, as printed: "Bộ phận Một cửa UBND phường" */
	const char *deciding; /* who decides it: "Chủ tịch UBND phường" */
	int64_t time_amount;  /* statutory time: 0 = the same working day */
	int time_unit;	      /* enum proc_time_unit */
	const char *time_note; /* "Trong ngày; sau 15 giờ thì trả trong ngày làm việc tiếp theo", or "" */
	struct fee_line fees[PROC_MAX_FEES];
	size_t nfees;
	const char *fee_note; /* "Miễn lệ phí khi đăng ký đúng hạn", or "" */
	struct proc_document documents[PROC_MAX_DOCUMENTS];
	size_t ndocuments;
	const char *result;	 /* what the citizen receives */
	const char *legal_basis; /* căn cứ pháp lý, one reference per line */
	const char *conditions;	 /* yêu cầu, điều kiện, or "" */
	int online;		 /* enum proc_online */
	struct proc_step steps[PROC_MAX_STEPS];
	size_t nsteps;
};

/*
 * A national code is 1.001193 / 2.000815 (a digit, a dot, six digits); a
 * local variant adds a suffix after a dot or a hyphen (2.000815.H26,
 * 2.000815-TX) or is a local code of 3–32 characters of A–Z, a–z, 0–9,
 * '.', '-' starting and ending with a letter or digit, no two separators
 * in a row, and with at least one digit (so that no code is a word the
 * catalogue's own paths use: "them", "export"). Every code, a variant too,
 * is at most 32 characters. 1 when valid, 0 otherwise (NULL too).
 */
int procedure_code_valid(const char *code);

/* The statutory time in working hours (days × 8); -1 for an unknown unit or a negative or huge amount. */
int64_t procedure_hours(const struct procedure *p);

/*
 * Check every field of `p`, reporting each error through `err` with the
 * field's name as the JSON document calls it ("code", "name", "field",
 * "level", "receive_level", "decide_level", "receiving", "deciding",
 * "time", "fees[2]", "documents[0]", "result", "legal_basis", "online",
 * "steps", "steps[1]" …) and an English message id for _(). Rules:
 * code valid; name 1..500 characters; field, receiving, deciding, result,
 * legal_basis not empty; levels known; inter_level exactly when
 * receive_level != decide_level; level is the deciding level;
 * time_amount 0..365 days or 0..2920 hours; each fee line
 * (fee_line_check); documents named, kind known, count 1..99; online
 * known; at least one step, each named with a responsible and level, hours
 * >= 0; and the allotments add up to the statutory time: the sum of the
 * steps' hours equals procedure_hours(), except for a same-day procedure
 * (time 0), whose steps must add up to at most one working day (8 hours).
 * Text fields are valid UTF-8 without control characters (a newline is
 * allowed in legal_basis, conditions, result and time_note). Returns the
 * number of errors (0 = valid).
 *
 * In detail: a NULL string counts as ""; a text of spaces and line breaks
 * alone counts as empty; a line break is "\n" or "\r\n" (a browser's
 * textarea); the inter_level rule reports on "inter_level" (only when the
 * three levels are known); the time's note on "time"; fee_note on
 * "fee_note"; too many fees, documents or steps on "fees", "documents",
 * "steps". A document's form_file is "" or 64 lowercase hex digits
 * (files.h), and a form with a file needs a form_name. A step's role is ""
 * or a staff role name (permission_role_from_name, not "citizen"); its
 * hours 0..2920. The sum of the steps is checked only when the time and
 * every step's hours are valid, so one mistake gives one error. `field`
 * and `msgid` are static strings, kept as long as wanted. `err` may be
 * NULL (the errors are only counted).
 */
int procedure_check(const struct procedure *p, void (*err)(void *ctx, const char *field, const char *msgid),
		    void *ctx);

/* Names ↔ enums: "city" "district" "ward"; "full" "partial" "none"; "day" "hour"; "original"
 * "certified_copy" "copy". 0 for an unknown name, NULL for an unknown value. */
const char *proc_level_name(int level);
int proc_level_from_name(const char *name);
const char *proc_online_name(int online);
int proc_online_from_name(const char *name);
const char *proc_time_unit_name(int unit);
int proc_time_unit_from_name(const char *name);
const char *proc_doc_kind_name(int kind);
int proc_doc_kind_from_name(const char *name);
/* English message ids for people: "Ward level", "Fully online", "Certified copy" … */
const char *proc_level_label(int level);
const char *proc_online_label(int online);
const char *proc_doc_kind_label(int kind);

#endif
