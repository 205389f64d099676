/*
 * satisfaction.h: citizens' ratings of a returned dossier and the satisfaction index (SIPAS, chỉ
 * số hài lòng về sự phục vụ hành chính). A citizen rates a dossier once its result is handed back
 * (status returned), on five factors, each on five levels, with an optional comment. One rating
 * per dossier; rating rows are kept, never changed or deleted. The index is read from those rows
 * when asked (there is at most one per returned dossier): the share of answers that are
 * "satisfied" or "very satisfied", in per mille.
 *
 * Who may rate: whoever holds the dossier's rating key, an HMAC of its code under a secret of the
 * database (satisfaction_key). The key travels in the rating link /danh-gia/{code}?k={key}: in
 * the email telling the result is returned, on the lookup page once the code and the 4 digits
 * are checked, and at the counter's kiosk once the clerk's page has checked them.
 */
#ifndef FEATURES_SATISFACTION_H
#define FEATURES_SATISFACTION_H

#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "store/db.h"

/* The five factors of SIPAS, in the order of the survey. */
enum satisfaction_factor {
	SF_ACCESS = 0, /* "access": tiếp cận dịch vụ */
	SF_PROCEDURE,  /* "procedure": thủ tục hành chính */
	SF_OFFICIALS,  /* "officials": công chức giải quyết */
	SF_RESULT,     /* "result": kết quả giải quyết */
	SF_FEEDBACK,   /* "feedback": tiếp nhận, xử lý ý kiến góp ý */
	SF_COUNT
};

/* The five levels of an answer; SL_SATISFIED and above count as satisfied. */
enum satisfaction_level {
	SL_VERY_DISSATISFIED = 1, /* "very_dissatisfied": rất không hài lòng */
	SL_DISSATISFIED,	  /* "dissatisfied": không hài lòng */
	SL_NEUTRAL,		  /* "neutral": bình thường */
	SL_SATISFIED,		  /* "satisfied": hài lòng */
	SL_VERY_SATISFIED,	  /* "very_satisfied": rất hài lòng */
};
#define SATISFACTION_LEVELS 5

/* How a rating came: the link (email, lookup page), the counter's kiosk, the JSON API. */
enum satisfaction_via {
	SV_LINK = 1,
	SV_KIOSK,
	SV_API,
};

/* A comment: at most this many characters (code points), after trimming. */
#define SATISFACTION_COMMENT_MAX 1000
/* A rating key: 22 characters of base64url (128 bits of an HMAC-SHA-256). */
#define SATISFACTION_KEY_LEN 22

/* Names as in the API ("access" …, "very_satisfied" …) and English msgids for people; NULL when out of range.
 */
const char *satisfaction_factor_name(int factor);
const char *satisfaction_factor_label(int factor);   /* "Access to the service" */
const char *satisfaction_factor_hint(int factor);    /* what the factor asks about */
int satisfaction_factor_from_name(const char *name); /* -1 when unknown */
const char *satisfaction_level_name(int level);
const char *satisfaction_level_label(int level); /* "Very satisfied" */
const char *satisfaction_via_name(int via);	 /* "link" "kiosk" "api" */

/*
 * A level as written in a form or a JSON string: "1" … "5" exactly; 0
 * for anything else (empty, "05", "4.0", " 4").
 */
int satisfaction_level_parse(const char *s);

/*
 * A comment as given (NULL = none): surrounding white space trimmed, CR LF
 * and lone CR made LF. Valid UTF-8 of at most SATISFACTION_COMMENT_MAX
 * characters, without control characters but tab and line feed. 0 with
 * *out (in the arena, "" for none); -1 with *why, an English msgid.
 */
int satisfaction_comment_check(struct arena *a, const char *in, const char **out, const char **why);

/*
 * The rating key of dossier `code` (as stored, upper case): the first 16
 * bytes of HMAC-SHA-256(secret, "motcua-sipas:" code) in base64url without
 * padding, into out. The secret is 32 random bytes kept in the settings
 * ("satisfaction_secret"), made on first use (inside the caller's
 * transaction when there is one, else in one of its own; the first one
 * stored wins when two processes make it at once). 0, or a negative enum
 * db_rc.
 */
int satisfaction_key(struct db *db, const char *code, char out[SATISFACTION_KEY_LEN + 1]);
/* 1 when `key` is the rating key of `code` (compared in constant time), 0 when not, negative on error. */
int satisfaction_key_ok(struct db *db, const char *code, const char *key);

/* YYYYMMDD of the local (UTC+7) day of instant t. */
int32_t satisfaction_day(int64_t t);

/* What the rating pages need of a dossier (satisfaction_dossier). */
struct satisfaction_dossier {
	int64_t id;
	const char *code;
	const char *procedure_code, *procedure_name;
	int64_t unit_id;       /* the receiving agency */
	const char *unit_name; /* "UBND phường Nhân Chính" */
	int status;	       /* enum dossier_status */
	int64_t returned_at;   /* 0 when not yet */
	int64_t rated_at;      /* 0 when not rated */
};

enum satisfaction_rc {
	SAT_OK = 0,
	SAT_NOT_FOUND = 1,    /* no such dossier */
	SAT_NOT_RETURNED = 2, /* its result is not handed back yet (409) */
	SAT_ALREADY = 3,      /* it is rated already (409) */
	SAT_INVALID = 4,      /* a level out of 1..5, a bad comment or via (422) */
};

/* Load dossier `code` for rating, strings in the arena. SAT_OK, SAT_NOT_FOUND, or a negative rc. */
int satisfaction_dossier(struct db *db, struct arena *a, const char *code, struct satisfaction_dossier *out);

struct satisfaction_rating {
	int levels[SF_COUNT]; /* enum satisfaction_level each */
	const char *comment;  /* checked by satisfaction_comment_check, "" or NULL for none */
	int via;	      /* enum satisfaction_via */
};

/*
 * Record the rating of dossier `code` at `now`, inside the caller's write
 * transaction: SAT_OK; SAT_NOT_FOUND; SAT_NOT_RETURNED unless the dossier
 * is returned; SAT_ALREADY when it is rated (also when another rating got
 * in first: the unique key says so); SAT_INVALID for a level out of range
 * or a comment too long. Nothing is written unless SAT_OK; after anything
 * but SAT_OK the caller rolls back. A negative enum db_rc on error.
 */
int satisfaction_rate(struct db *db, const char *code, const struct satisfaction_rating *r, int64_t now);

/* ---- the index ---- */

/* Answers counted per factor and level. */
struct satisfaction_tally {
	int64_t ratings;
	int64_t answers[SF_COUNT][SATISFACTION_LEVELS]; /* [factor][level - 1] */
};

/*
 * part / whole in per mille, rounded half up; -1 when whole is 0 (no
 * index: shown as "–", null in JSON).
 */
int satisfaction_permille(int64_t part, int64_t whole);
/* Satisfied answers (satisfied or very satisfied) of one factor, or of all five for factor -1. */
int64_t satisfaction_satisfied(const struct satisfaction_tally *t, int factor);
/* The index of one factor, or the overall one (factor -1): satisfied answers / answers, per mille, or -1. */
int satisfaction_index(const struct satisfaction_tally *t, int factor);
/* Add the answers of a rating (n ratings alike) to t. */
void satisfaction_tally_add(struct satisfaction_tally *t, const int levels[SF_COUNT], int64_t n);

/* The query: a period of local days, and the agencies it covers. */
struct satisfaction_query {
	int32_t from, to;     /* YYYYMMDD, inclusive (the day each rating was given) */
	const int64_t *units; /* receiving agencies, sorted; NULL = every one */
	size_t nunits;
};

struct satisfaction_unit_row {
	int64_t unit_id;
	struct satisfaction_tally t;
};

struct satisfaction_proc_row {
	const char *code;
	const char *name; /* as the dossiers were received under it */
	struct satisfaction_tally t;
};

struct satisfaction_month_row {
	int32_t month; /* YYYYMM */
	struct satisfaction_tally t;
};

struct satisfaction_stats {
	struct satisfaction_tally total;
	struct satisfaction_unit_row *units; /* those with ratings, by id */
	size_t nunits;
	struct satisfaction_proc_row *procs; /* those with ratings, by code */
	size_t nprocs;
	struct satisfaction_month_row *months; /* every month of the period, zeros included */
	size_t nmonths;
};

/*
 * The ratings given in the period at the agencies: in total, per agency,
 * per procedure and per month. One grouped query over the rows of the
 * period (and one for the procedures' names), summed here. Arrays in the
 * arena. 0, -1 for a bad period (from after to, or a date that is not
 * one), or a negative enum db_rc.
 */
int satisfaction_stats_load(struct db *db, struct arena *a, const struct satisfaction_query *q,
			    struct satisfaction_stats *out);

#endif
