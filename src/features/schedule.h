/*
 * schedule.h: the leaders' weekly work schedule (lịch công tác tuần) that each agency (a ward,
 * the district) publishes on the portal: entries with a day and a start time (an end time if
 * known), a place or an online meeting link, the chair (chủ trì), the participants (thành phần),
 * the content (nội dung) and who prepares it (đơn vị chuẩn bị). The office of the agency writes
 * it; the public reads it by week, Monday to Sunday in Vietnam time (UTC+7).
 *
 * Entries are never deleted: a cancelled one keeps its row with the reason and is shown as
 * cancelled. Every row says who made it and who changed it last, and when; the web layer writes
 * each change to the audit chain in the transaction that makes it.
 */
#ifndef FEATURES_SCHEDULE_H
#define FEATURES_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "features/authz.h"
#include "store/db.h"

/* Longest texts, in characters (code points) after trimming; the link in bytes. */
#define SCHEDULE_CHAIR_MAX	  200
#define SCHEDULE_PLACE_MAX	  300
#define SCHEDULE_PREPARED_MAX	  300
#define SCHEDULE_PARTICIPANTS_MAX 1000
#define SCHEDULE_CONTENT_MAX	  2000
#define SCHEDULE_REASON_MAX	  500
#define SCHEDULE_URL_MAX	  500
/* The most entries one list returns (a week of every unit of a district is a few hundred). */
#define SCHEDULE_LIST_MAX 2000

enum schedule_status {
	SCHEDULE_SCHEDULED = 1, /* "scheduled" */
	SCHEDULE_CANCELLED = 2, /* "cancelled": kept, shown struck through with its reason */
};

/* The part of the day an entry starts in, as the published schedule groups them. */
enum schedule_part {
	SCHEDULE_MORNING = 1, /* sáng: before 12:00 */
	SCHEDULE_AFTERNOON,   /* chiều: 12:00 to 17:59 */
	SCHEDULE_EVENING,     /* tối: from 18:00 */
};

enum schedule_rc {
	SCHEDULE_OK = 0,
	SCHEDULE_NOT_FOUND = 1,	   /* no such entry */
	SCHEDULE_IS_CANCELLED = 2, /* cancelled entries are not changed any more (409) */
	SCHEDULE_STALE = 3,	   /* changed by someone else since the form was opened (409) */
};

/*
 * Who may write an agency's schedule. There is no action of its own in the
 * permission table (rules/permission.h), so two of its actions stand for the
 * two people who do it in a People's Committee:
 *   - the records clerk (văn thư) of the agency's office, who compiles the
 *     week: document.register at the agency or at one of its sections (the
 *     district's clerk sits in the Văn phòng HĐND và UBND, a department);
 *   - a leader of the agency himself: dossier.approve held by his own grant
 *     at the agency; held through a delegation (TUQ. of approving dossiers)
 *     it does not count, for a delegation passes on that power only.
 * Each agency writes its own schedule: the district's clerk or chairman does
 * not write a ward's (both actions have the scope "unit").
 * NEEDSWORK: a "schedule.manage" action (records_clerk, leader; unit) in the
 * table would say this directly.
 */
#define SCHEDULE_PERM_CLERK  "document.register"
#define SCHEDULE_PERM_LEADER "dossier.approve"

/* Which of the two ways count: an API token's scopes may leave one out. */
enum schedule_ways {
	SCHEDULE_BY_CLERK = 1 << 0,
	SCHEDULE_BY_LEADER = 1 << 1,
};

/*
 * May `a` write the schedule of `unit` at `now`, in the `ways` given? `unit`
 * must be an active agency (a unit that governs: ward, district, city…) of
 * the tree. 1 or 0. No I/O.
 */
int schedule_may_manage(const struct actor *a, const struct unit_tree *t, int64_t unit, int64_t now,
			unsigned ways);
/* The agencies whose schedule `a` may write, sorted by id, into *out (arena); how many. */
size_t schedule_managed_units(const struct actor *a, const struct unit_tree *t, int64_t now, unsigned ways,
			      struct arena *ar, int64_t **out);

/* ---- days, times and weeks (no I/O) ---- */

/*
 * A date as typed: "2026-11-30" (what a date field sends) or "30/11/2026"
 * (what people write; one-digit day and month allowed), a real date of the
 * years 2000 to 2099. Returns it as YYYYMMDD, 0 for anything else.
 */
int32_t schedule_date_parse(const char *s);
/*
 * A time of day as typed: "08:30", "8:30", "8h30", "8h", "08:30:00"
 * (seconds must be 00). Minutes after midnight (0..1439), -1 for anything
 * else.
 */
int schedule_time_parse(const char *s);
/* The part of the day of a time (minutes after midnight). */
int schedule_part_of(int minute);
/* "morning", "afternoon", "evening" and their English msgids ("Morning"); NULL out of range. */
const char *schedule_part_name(int part);
const char *schedule_part_label(int part);

/* Days: YYYYMMDD ↔ days since 1970-01-01; day n after `ymd` (n may be negative). */
int64_t schedule_days(int32_t ymd);
int32_t schedule_ymd(int64_t days);
int32_t schedule_day_add(int32_t ymd, int n);
/* 0 = Sunday … 6 = Saturday. */
int schedule_weekday(int32_t ymd);
/* The instant of `minute` (minutes after midnight) of the local day `ymd`, in Vietnam time. */
int64_t schedule_instant(int32_t ymd, int minute);
/* The local day (YYYYMMDD) and minute of the day of an instant, in Vietnam time. */
int32_t schedule_day_of(int64_t t);
int schedule_minute_of(int64_t t);

/* An ISO 8601 week (Monday to Sunday; week 1 holds the year's first Thursday). */
struct schedule_week {
	int year;	/* the week-numbering year: 2026-W01 begins on Monday 29/12/2025 */
	int week;	/* 1..52 or 53 */
	int32_t monday; /* YYYYMMDD */
};

/* "2026-W48" (or "2026-w48") of the years 2000 to 2099 into *w: 0, or -1 (no such week). */
int schedule_week_parse(const char *s, struct schedule_week *w);
/* The week holding the day YYYYMMDD. */
void schedule_week_of(int32_t ymd, struct schedule_week *w);
/* The week holding the instant t, in Vietnam time. */
void schedule_week_at(int64_t t, struct schedule_week *w);
/* The week `n` weeks after w (n may be negative). */
void schedule_week_add(const struct schedule_week *w, int n, struct schedule_week *out);
/* "2026-W48" into out (at least 9 bytes). */
void schedule_week_name(const struct schedule_week *w, char *out, size_t n);
/* How many weeks the week-numbering year has: 52 or 53. */
int schedule_weeks_in_year(int year);

/* ---- entries ---- */

struct schedule_entry {
	int64_t id;
	int64_t unit_id;	 /* the agency whose schedule it is */
	int64_t starts_at;	 /* seconds since the epoch */
	int64_t ends_at;	 /* 0: no end time given; else later the same day */
	const char *place;	 /* "" when none */
	const char *meeting_url; /* https://…, "" when none */
	const char *chair;	 /* "Đ/c Nguyễn Văn A - Chủ tịch UBND quận" */
	const char *participants;
	const char *content;
	const char *prepared_by; /* đơn vị chuẩn bị, "" when none */
	int status;		 /* enum schedule_status */
	const char *cancel_reason;
	const char *created_by, *updated_by, *cancelled_by; /* audit actors: "account:3", "cli" */
	int64_t created_at, updated_at, cancelled_at;
	int version; /* 1 when made, one more at each change */
	/* loaded with the entry */
	const char *unit_name, *unit_code;
};

/* An entry's fields as typed in the form (NULL counts as ""). */
struct schedule_form {
	const char *date, *start, *end;
	const char *place, *meeting_url;
	const char *chair, *participants, *content, *prepared_by;
};

/*
 * Check the form and, when it is good, fill e's times and texts (in the
 * arena; e's other fields are left as they are). Texts are trimmed; the
 * one-line ones (chair, place, prepared_by) get their line breaks and tabs
 * made spaces, the others CR LF made LF; valid UTF-8 without other control
 * characters, within their maximum. The date and start time are required,
 * the end time is optional and after the start the same day; a place or a
 * meeting link is required; the link is https:// only
 * (schedule_url_check); the chair and the content are required. Calls
 * err(ctx, field, English msgid) once per bad field ("date", "start",
 * "end", "place", "meeting_url", "chair", "participants", "content",
 * "prepared_by") and returns how many there were (0: all good).
 */
int schedule_check(struct arena *a, const struct schedule_form *f, struct schedule_entry *e,
		   void (*err)(void *ctx, const char *field, const char *msgid), void *ctx);
/*
 * A meeting link: "https://" (any case), a host of letters, digits, dots
 * and hyphens with an optional port, then printable ASCII without spaces,
 * quotes, angle brackets, backslashes or braces; at most SCHEDULE_URL_MAX
 * bytes. No user name or password before the host. 0 when good, else -1
 * with *why (an English msgid).
 */
int schedule_url_check(const char *url, const char **why);
/*
 * A cancellation's reason: required, one or more lines, at most
 * SCHEDULE_REASON_MAX characters, checked and trimmed as the texts of
 * schedule_check. 0 with *out (arena), or -1 with *why (an English msgid).
 */
int schedule_reason_check(struct arena *a, const char *in, const char **out, const char **why);

/* Names of a status in the API, and its English msgid for people; NULL out of range. */
const char *schedule_status_name(int status);
const char *schedule_status_label(int status);

/*
 * Record a new entry of e->unit_id (checked by schedule_check; the unit an
 * agency the caller may write) inside the caller's transaction: scheduled,
 * version 1, made and last changed by `by` at `now`; e->id gets its id
 * (from the counter). 0 or a negative enum db_rc (DB_CONSTRAINT for a unit
 * that is not there).
 */
int schedule_create(struct db *db, struct schedule_entry *e, const char *by, int64_t now);
/*
 * Change entry e->id to e's times and texts (its unit stays), inside the
 * caller's transaction, provided it is still at `version` and not
 * cancelled: SCHEDULE_OK, SCHEDULE_NOT_FOUND, SCHEDULE_IS_CANCELLED,
 * SCHEDULE_STALE, or a negative enum db_rc. The version goes up by one.
 */
int schedule_update(struct db *db, const struct schedule_entry *e, int version, const char *by, int64_t now);
/*
 * Cancel entry `id` with `reason` (checked by schedule_reason_check), inside
 * the caller's transaction, provided it is still at `version` (0: any): as
 * schedule_update. The row stays, marked cancelled.
 */
int schedule_cancel(struct db *db, int64_t id, int version, const char *reason, const char *by, int64_t now);
/* One entry, strings in the arena: SCHEDULE_OK, SCHEDULE_NOT_FOUND, or a negative enum db_rc. */
int schedule_load(struct db *db, struct arena *a, int64_t id, struct schedule_entry *out);

/* Which entries to list: those starting in [from, to), of one agency or of all. */
struct schedule_query {
	int64_t from, to; /* instants */
	int64_t unit;	  /* 0: every unit */
};

/*
 * The entries the query selects, cancelled ones included, by start time,
 * then end time (none first), unit and id; at most SCHEDULE_LIST_MAX. Array
 * and strings in the arena. 0 or a negative enum db_rc.
 */
int schedule_list(struct db *db, struct arena *a, const struct schedule_query *q, struct schedule_entry **out,
		  size_t *n);

/*
 * The demo (motcua demo): a week of the district's and of Phường Nhân
 * Chính's schedules, the week holding `now`, one entry cancelled; inside
 * the caller's transaction, audited as "cli". Nothing when that week of the
 * district already has entries, or when the demo units are not there. 0 or
 * a negative enum db_rc.
 */
int schedule_demo(struct db *db, int64_t now);

#endif
