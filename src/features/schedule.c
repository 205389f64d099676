/* schedule.c: the leaders' weekly work schedule: who may write it, days and ISO weeks, the checks of an
 * entry, its storage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/i18n.h"
#include "core/timefmt.h"
#include "core/text.h"
#include "core/utf8.h"
#include "features/audit.h"
#include "features/org.h"
#include "features/schedule.h"
#include "store/counter.h"
#include "core/banned.h"

#define YEAR_MIN 2000
#define YEAR_MAX 2099

/* ---- who may write it ---- */

/* can() at `unit`; with own_grant, only by a grant of the actor's own, not through a delegation. */
static int allowed_at(const struct actor *a, const struct unit_tree *t, const char *action, int64_t unit,
		      int64_t now, int own_grant)
{
	int64_t path[UNIT_MAX_DEPTH];
	const struct delegation *via = NULL;
	struct object o = { path, 0, 0 };
	o.depth = unit_tree_path(t, unit, path, UNIT_MAX_DEPTH);
	if (!o.depth || can(a, action, &o, now, &via) != 1)
		return 0;
	return !own_grant || !via;
}

/* An active unit that governs (ward, district, city…). */
static int active_agency(const struct unit_tree *t, int64_t unit)
{
	long i = unit_tree_find(t, unit);
	return i >= 0 && t->level[i] && t->active[i];
}

int schedule_may_manage(const struct actor *a, const struct unit_tree *t, int64_t unit, int64_t now,
			unsigned ways)
{
	if (!a || !t || !active_agency(t, unit))
		return 0;
	if ((ways & SCHEDULE_BY_LEADER) && allowed_at(a, t, SCHEDULE_PERM_LEADER, unit, now, 1))
		return 1;
	if (ways & SCHEDULE_BY_CLERK)
		for (size_t i = 0; i < t->n; i++)
			if (unit_tree_clerk_agency(t, t->id[i]) == unit &&
			    allowed_at(a, t, SCHEDULE_PERM_CLERK, t->id[i], now, 0))
				return 1;
	return 0;
}

size_t schedule_managed_units(const struct actor *a, const struct unit_tree *t, int64_t now, unsigned ways,
			      struct arena *ar, int64_t **out)
{
	int64_t *clerk = NULL;
	size_t n = 0, nclerk = 0;

	*out = arena_alloc(ar, (t->n + 1) * sizeof(**out));
	if (!a)
		return 0;
	/* where the actor is a records clerk, as their agencies (what schedule_may_manage asks, once) */
	if (ways & SCHEDULE_BY_CLERK) {
		nclerk = authz_scope(a, t, SCHEDULE_PERM_CLERK, now, ar, &clerk);
		for (size_t i = 0; i < nclerk; i++)
			clerk[i] = unit_tree_clerk_agency(t, clerk[i]);
	}
	/* the tree is sorted by id, so the result is too */
	for (size_t i = 0; i < t->n; i++) {
		int yes = 0;
		if (!active_agency(t, t->id[i]))
			continue;
		for (size_t k = 0; k < nclerk && !yes; k++)
			yes = clerk[k] == t->id[i];
		if (!yes && (ways & SCHEDULE_BY_LEADER))
			yes = allowed_at(a, t, SCHEDULE_PERM_LEADER, t->id[i], now, 1);
		if (yes)
			(*out)[n++] = t->id[i];
	}
	return n;
}

/* ---- days, times and weeks ---- */

int64_t schedule_days(int32_t ymd)
{
	return days_from_civil(ymd / 10000, ymd / 100 % 100, ymd % 100);
}

int32_t schedule_ymd(int64_t days)
{
	struct civil c;
	time_to_civil(days * 86400, 0, &c);
	return c.year * 10000 + c.month * 100 + c.day;
}

int32_t schedule_day_add(int32_t ymd, int n)
{
	return schedule_ymd(schedule_days(ymd) + n);
}

/* 1970-01-01 was a Thursday. */
static int weekday_of_days(int64_t days)
{
	return (int)(((days + 4) % 7 + 7) % 7);
}

int schedule_weekday(int32_t ymd)
{
	return weekday_of_days(schedule_days(ymd));
}

/* Days since the Monday of its week: Monday 0 … Sunday 6. */
static int from_monday(int64_t days)
{
	return (weekday_of_days(days) + 6) % 7;
}

int64_t schedule_instant(int32_t ymd, int minute)
{
	return schedule_days(ymd) * 86400 + (int64_t)minute * 60 - VN_UTC_OFFSET;
}

int32_t schedule_day_of(int64_t t)
{
	struct civil c;
	time_to_civil(t, VN_UTC_OFFSET, &c);
	return c.year * 10000 + c.month * 100 + c.day;
}

int schedule_minute_of(int64_t t)
{
	struct civil c;
	time_to_civil(t, VN_UTC_OFFSET, &c);
	return c.hour * 60 + c.min;
}

/* A real date of YEAR_MIN..YEAR_MAX as YYYYMMDD, or 0. */
static int32_t date_of(int y, int m, int d)
{
	int32_t v;
	if (y < YEAR_MIN || y > YEAR_MAX || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	v = y * 10000 + m * 100 + d;
	/* round trip: 31/02 is not a date */
	return schedule_ymd(schedule_days(v)) == v ? v : 0;
}

/* Digits s[0..n) as a number, -1 when one is not a digit or n is 0. */
static int digits(const char *s, size_t n)
{
	int v = 0;
	if (!n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int32_t schedule_date_parse(const char *s)
{
	const char *p, *q;
	size_t len;
	if (!s)
		return 0;
	len = strlen(s);
	if (len == 10 && s[4] == '-' && s[7] == '-')
		return date_of(digits(s, 4), digits(s + 5, 2), digits(s + 8, 2));
	/* d/m/yyyy, dd/mm/yyyy */
	p = strchr(s, '/');
	q = p ? strchr(p + 1, '/') : NULL;
	if (!p || !q || p - s > 2 || q - p - 1 > 2 || strlen(q + 1) != 4)
		return 0;
	return date_of(digits(q + 1, 4), digits(p + 1, (size_t)(q - p - 1)), digits(s, (size_t)(p - s)));
}

int schedule_time_parse(const char *s)
{
	const char *sep;
	int h, m = 0;
	size_t hl, rest;
	if (!s || !*s)
		return -1;
	sep = strpbrk(s, ":hH");
	if (!sep)
		return -1;
	hl = (size_t)(sep - s);
	if (hl < 1 || hl > 2 || (h = digits(s, hl)) < 0 || h > 23)
		return -1;
	rest = strlen(sep + 1);
	if (*sep == ':') {
		/* HH:MM or HH:MM:00 (a time field with seconds) */
		if (rest != 2 && !(rest == 5 && sep[3] == ':' && !strcmp(sep + 4, "00")))
			return -1;
		m = digits(sep + 1, 2);
	} else if (rest) {
		/* 8h30 */
		m = rest == 2 ? digits(sep + 1, 2) : -1;
	}
	if (m < 0 || m > 59)
		return -1;
	return h * 60 + m;
}

int schedule_part_of(int minute)
{
	return minute < 12 * 60 ? SCHEDULE_MORNING : minute < 18 * 60 ? SCHEDULE_AFTERNOON : SCHEDULE_EVENING;
}

const char *schedule_part_name(int part)
{
	switch (part) {
	case SCHEDULE_MORNING: return "morning";
	case SCHEDULE_AFTERNOON: return "afternoon";
	case SCHEDULE_EVENING: return "evening";
	}
	return NULL;
}

const char *schedule_part_label(int part)
{
	switch (part) {
	case SCHEDULE_MORNING: return N_("Morning");
	case SCHEDULE_AFTERNOON: return N_("Afternoon");
	case SCHEDULE_EVENING: return N_("Evening");
	}
	return NULL;
}

void schedule_week_of(int32_t ymd, struct schedule_week *w)
{
	int64_t days = schedule_days(ymd), monday = days - from_monday(days), thursday = monday + 3;
	int32_t th = schedule_ymd(thursday);
	/* ISO 8601: a week belongs to the year of its Thursday */
	w->year = th / 10000;
	w->week = (int)((thursday - days_from_civil(w->year, 1, 1)) / 7) + 1;
	w->monday = schedule_ymd(monday);
}

void schedule_week_at(int64_t t, struct schedule_week *w)
{
	schedule_week_of(schedule_day_of(t), w);
}

void schedule_week_add(const struct schedule_week *w, int n, struct schedule_week *out)
{
	schedule_week_of(schedule_day_add(w->monday, 7 * n), out);
}

int schedule_weeks_in_year(int year)
{
	struct schedule_week w;
	/* 28 December is always in the year's last week */
	schedule_week_of(year * 10000 + 1228, &w);
	return w.week;
}

int schedule_week_parse(const char *s, struct schedule_week *w)
{
	int year, week;
	int64_t jan4;
	if (!s || strlen(s) != 8 || s[4] != '-' || (s[5] != 'W' && s[5] != 'w'))
		return -1;
	year = digits(s, 4);
	week = digits(s + 6, 2);
	if (year < YEAR_MIN || year > YEAR_MAX || week < 1 || week > schedule_weeks_in_year(year))
		return -1;
	/* week 1 holds 4 January */
	jan4 = days_from_civil(year, 1, 4);
	w->year = year;
	w->week = week;
	w->monday = schedule_ymd(jan4 - from_monday(jan4) + 7 * (int64_t)(week - 1));
	return 0;
}

void schedule_week_name(const struct schedule_week *w, char *out, size_t n)
{
	snprintf(out, n, "%04d-W%02d", w->year, w->week);
}

/* ---- checks ---- */

static const char *const msg_bad_text =
	N_("This text contains characters that are not allowed: type it again.");

/* One text field: cleaned into *out, or err() called. 0 or 1 (errors). */
static int text_field(struct arena *a, const char *in, int multiline, size_t max, const char *field,
		      const char *msg_required, const char *msg_long, const char **out,
		      void (*err)(void *ctx, const char *field, const char *msgid), void *ctx)
{
	int rc = text_clean(a, in, multiline, max, out);
	const char *why = rc == TEXT_BAD    ? msg_bad_text
			  : rc == TEXT_LONG ? msg_long
			  : !**out	    ? msg_required
					    : NULL;
	if (!why)
		return 0;
	err(ctx, field, why);
	return 1;
}

static int url_char_ok(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !strchr("\"'<>\\^`{|}", c);
}

int schedule_url_check(const char *url, const char **why)
{
	static const char scheme[] = "https://";
	const char *host, *p;
	size_t len = url ? strlen(url) : 0;
	int dots = 0;

	if (len > SCHEDULE_URL_MAX) {
		*why = N_("The meeting link is too long: at most 500 characters.");
		return -1;
	}
	for (size_t i = 0; i < len; i++)
		if (!url_char_ok((unsigned char)url[i])) {
			*why = N_(
				"The meeting link may not contain spaces, quotation marks, angle brackets or "
				"accented letters.");
			return -1;
		}
	*why = N_("The meeting link must be a web address starting with https://.");
	if (len <= sizeof(scheme) - 1 || strncasecmp(url, scheme, sizeof(scheme) - 1))
		return -1;
	host = url + sizeof(scheme) - 1;
	/* the host: labels of letters, digits and hyphens between dots, then an optional port */
	for (p = host; *p && *p != '/' && *p != '?' && *p != '#' && *p != ':'; p++) {
		char c = *p;
		if (c == '.') {
			if (p == host || p[-1] == '.' || p[-1] == '-')
				return -1;
			dots++;
		} else if (c == '-') {
			if (p == host || p[-1] == '.')
				return -1;
		} else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
			return -1; /* "@" (a user name before the host) included */
		}
	}
	if (p == host || p[-1] == '.' || p[-1] == '-' || !dots)
		return -1;
	if (*p == ':') {
		const char *port = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == port || p - port > 5 || (*p && *p != '/' && *p != '?' && *p != '#'))
			return -1;
	}
	*why = NULL;
	return 0;
}

int schedule_reason_check(struct arena *a, const char *in, const char **out, const char **why)
{
	int rc = text_clean(a, in, 1, SCHEDULE_REASON_MAX, out);
	*why = rc == TEXT_BAD	 ? msg_bad_text
	       : rc == TEXT_LONG ? N_("The reason is too long: at most 500 characters.")
	       : !**out		 ? N_("Enter the reason for the cancellation.")
				 : NULL;
	return *why ? -1 : 0;
}

int schedule_check(struct arena *a, const struct schedule_form *f, struct schedule_entry *e,
		   void (*err)(void *ctx, const char *field, const char *msgid), void *ctx)
{
	const char *date_s, *start_s, *end_s, *url = "", *why;
	const char *place, *chair, *participants, *content, *prepared;
	int32_t day = 0;
	int start = -1, end = -1, n = 0, place_bad, rc;

	/* the times, trimmed (what people type has spaces); too long or not text: "?", no time */
	if (text_clean(a, f->date, 0, 40, &date_s))
		date_s = "?";
	if (text_clean(a, f->start, 0, 40, &start_s))
		start_s = "?";
	if (text_clean(a, f->end, 0, 40, &end_s))
		end_s = "?";
	if (!*date_s) {
		err(ctx, "date", N_("Enter the date."));
		n++;
	} else if (!(day = schedule_date_parse(date_s))) {
		err(ctx, "date",
		    N_("Enter a real date between the years 2000 and 2099, such as 30/11/2026."));
		n++;
	}
	if (!*start_s) {
		err(ctx, "start", N_("Enter the start time."));
		n++;
	} else if ((start = schedule_time_parse(start_s)) < 0) {
		err(ctx, "start", N_("Enter the start time as hours and minutes, such as 08:00."));
		n++;
	}
	if (*end_s) {
		if ((end = schedule_time_parse(end_s)) < 0) {
			err(ctx, "end",
			    N_("Enter the end time as hours and minutes, such as 11:30, or leave it empty."));
			n++;
		} else if (start >= 0 && end <= start) {
			err(ctx, "end", N_("The end time must be after the start time."));
			n++;
		}
	}

	place_bad = text_field(a, f->place, 0, SCHEDULE_PLACE_MAX, "place", NULL,
			       N_("The place is too long: at most 300 characters."), &place, err, ctx);
	n += place_bad;
	rc = text_clean(a, f->meeting_url, 0, SCHEDULE_URL_MAX, &url);
	if (rc == TEXT_BAD) {
		err(ctx, "meeting_url", msg_bad_text);
		n++;
	} else if (rc == TEXT_LONG) {
		err(ctx, "meeting_url", N_("The meeting link is too long: at most 500 characters."));
		n++;
	} else if (*url && schedule_url_check(url, &why)) {
		err(ctx, "meeting_url", why);
		n++;
		rc = TEXT_BAD;
	} else if (*url) {
		/* the scheme written in lower case */
		char *low = arena_strdup(a, url);
		memcpy(low, "https://", 8);
		url = low;
	}
	if (!place_bad && rc == TEXT_OK && !*place && !*url) {
		err(ctx, "place", N_("Enter the place, or the link of the online meeting."));
		n++;
	}
	n += text_field(a, f->chair, 0, SCHEDULE_CHAIR_MAX, "chair",
			N_("Enter who chairs it: the name and the position."),
			N_("The chair is too long: at most 200 characters."), &chair, err, ctx);
	n += text_field(a, f->participants, 1, SCHEDULE_PARTICIPANTS_MAX, "participants", NULL,
			N_("The participants are too long: at most 1000 characters."), &participants, err,
			ctx);
	n += text_field(a, f->content, 1, SCHEDULE_CONTENT_MAX, "content",
			N_("Enter the content of the work."),
			N_("The content is too long: at most 2000 characters."), &content, err, ctx);
	n += text_field(a, f->prepared_by, 0, SCHEDULE_PREPARED_MAX, "prepared_by", NULL,
			N_("The preparing unit is too long: at most 300 characters."), &prepared, err, ctx);
	if (n)
		return n;
	e->starts_at = schedule_instant(day, start);
	e->ends_at = end >= 0 ? schedule_instant(day, end) : 0;
	e->place = place;
	e->meeting_url = url;
	e->chair = chair;
	e->participants = participants;
	e->content = content;
	e->prepared_by = prepared;
	return 0;
}

const char *schedule_status_name(int status)
{
	switch (status) {
	case SCHEDULE_SCHEDULED: return "scheduled";
	case SCHEDULE_CANCELLED: return "cancelled";
	}
	return NULL;
}

const char *schedule_status_label(int status)
{
	switch (status) {
	case SCHEDULE_SCHEDULED: return N_("Scheduled");
	case SCHEDULE_CANCELLED: return N_("Cancelled");
	}
	return NULL;
}

/* ---- storage ---- */

#define ENTRY_COLUMNS                                                                                \
	"e.id, e.unit_id, e.starts_at, e.ends_at, e.place, e.meeting_url, e.chair, e.participants, " \
	"e.content, e.prepared_by, e.status, e.cancel_reason, e.cancelled_by, e.cancelled_at, "      \
	"e.created_by, e.created_at, e.updated_by, e.updated_at, e.version, u.name, u.agency_code"

static const char *dup_col(struct arena *a, struct db_stmt *st, int i)
{
	const char *s = db_col_text(st, i);
	return arena_strdup(a, s ? s : "");
}

static void entry_read(struct arena *a, struct db_stmt *st, struct schedule_entry *e)
{
	e->id = db_col_int(st, 0);
	e->unit_id = db_col_int(st, 1);
	e->starts_at = db_col_int(st, 2);
	e->ends_at = db_col_int(st, 3);
	e->place = dup_col(a, st, 4);
	e->meeting_url = dup_col(a, st, 5);
	e->chair = dup_col(a, st, 6);
	e->participants = dup_col(a, st, 7);
	e->content = dup_col(a, st, 8);
	e->prepared_by = dup_col(a, st, 9);
	e->status = (int)db_col_int(st, 10);
	e->cancel_reason = dup_col(a, st, 11);
	e->cancelled_by = dup_col(a, st, 12);
	e->cancelled_at = db_col_int(st, 13);
	e->created_by = dup_col(a, st, 14);
	e->created_at = db_col_int(st, 15);
	e->updated_by = dup_col(a, st, 16);
	e->updated_at = db_col_int(st, 17);
	e->version = (int)db_col_int(st, 18);
	e->unit_name = dup_col(a, st, 19);
	e->unit_code = dup_col(a, st, 20);
}

static int finish(struct db_stmt *st, int rc)
{
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc;
}

int schedule_create(struct db *db, struct schedule_entry *e, const char *by, int64_t now)
{
	int64_t id;
	int rc = counter_next(db, "id", "schedule_entries", "", &id);
	if (rc)
		return rc;
	rc = db_exec(
		db,
		"INSERT INTO schedule_entries (id, unit_id, starts_at, ends_at, place, meeting_url, chair, "
		"participants, content, prepared_by, status, created_by, created_at, updated_by, updated_at, "
		"version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
		"iiiissssssisisi", id, e->unit_id, e->starts_at, e->ends_at, e->place ? e->place : "",
		e->meeting_url ? e->meeting_url : "", e->chair, e->participants ? e->participants : "",
		e->content, e->prepared_by ? e->prepared_by : "", (int64_t)SCHEDULE_SCHEDULED, by, now, by,
		now);
	if (rc)
		return rc;
	e->id = id;
	e->status = SCHEDULE_SCHEDULED;
	e->version = 1;
	e->created_by = e->updated_by = by;
	e->created_at = e->updated_at = now;
	return 0;
}

/* Where entry `id` stands: SCHEDULE_OK when scheduled at `version` (0: any), else why not. */
static int entry_state(struct db *db, int64_t id, int version)
{
	struct db_stmt *st;
	int status = 0, at = 0;
	int rc = db_query(db, &st, "SELECT status, version FROM schedule_entries WHERE id = ?", "i", id);
	if (rc == DB_ROW) {
		status = (int)db_col_int(st, 0);
		at = (int)db_col_int(st, 1);
	}
	if ((rc = finish(st, rc)) < 0)
		return rc;
	if (!status)
		return SCHEDULE_NOT_FOUND;
	if (status == SCHEDULE_CANCELLED)
		return SCHEDULE_IS_CANCELLED;
	return version && at != version ? SCHEDULE_STALE : SCHEDULE_OK;
}

int schedule_update(struct db *db, const struct schedule_entry *e, int version, const char *by, int64_t now)
{
	int rc = entry_state(db, e->id, version);
	if (rc)
		return rc;
	/* the version in the WHERE: a change that got in between the read and the write wins */
	rc = db_exec(
		db,
		"UPDATE schedule_entries SET starts_at = ?, ends_at = ?, place = ?, meeting_url = ?, "
		"chair = ?, participants = ?, content = ?, prepared_by = ?, updated_by = ?, updated_at = ?, "
		"version = version + 1 WHERE id = ? AND version = ? AND status = ?",
		"iisssssssiiii", e->starts_at, e->ends_at, e->place ? e->place : "",
		e->meeting_url ? e->meeting_url : "", e->chair, e->participants ? e->participants : "",
		e->content, e->prepared_by ? e->prepared_by : "", by, now, e->id, (int64_t)version,
		(int64_t)SCHEDULE_SCHEDULED);
	if (rc)
		return rc;
	return db_changes(db) ? SCHEDULE_OK : SCHEDULE_STALE;
}

int schedule_cancel(struct db *db, int64_t id, int version, const char *reason, const char *by, int64_t now)
{
	int rc = entry_state(db, id, version);
	if (rc)
		return rc;
	rc = db_exec(db,
		     "UPDATE schedule_entries SET status = ?, cancel_reason = ?, cancelled_by = ?, "
		     "cancelled_at = ?, updated_by = ?, updated_at = ?, version = version + 1 "
		     "WHERE id = ? AND status = ? AND (version = ? OR ? = 0)",
		     "issisiiiii", (int64_t)SCHEDULE_CANCELLED, reason, by, now, by, now, id,
		     (int64_t)SCHEDULE_SCHEDULED, (int64_t)version, (int64_t)version);
	if (rc)
		return rc;
	return db_changes(db) ? SCHEDULE_OK : SCHEDULE_STALE;
}

int schedule_load(struct db *db, struct arena *a, int64_t id, struct schedule_entry *out)
{
	struct db_stmt *st;
	int rc;
	memset(out, 0, sizeof(*out));
	rc = db_query(db, &st,
		      "SELECT " ENTRY_COLUMNS " FROM schedule_entries e JOIN units u ON u.id = e.unit_id "
		      "WHERE e.id = ?",
		      "i", id);
	if (rc == DB_ROW)
		entry_read(a, st, out);
	if ((rc = finish(st, rc)) < 0)
		return rc;
	return out->id ? SCHEDULE_OK : SCHEDULE_NOT_FOUND;
}

int schedule_list(struct db *db, struct arena *a, const struct schedule_query *q, struct schedule_entry **out,
		  size_t *n)
{
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (q->unit)
		rc = db_query(db, &st,
			      "SELECT " ENTRY_COLUMNS
			      " FROM schedule_entries e JOIN units u ON u.id = e.unit_id "
			      "WHERE e.unit_id = ? AND e.starts_at >= ? AND e.starts_at < ? "
			      "ORDER BY e.starts_at, e.ends_at, e.unit_id, e.id LIMIT ?",
			      "iiii", q->unit, q->from, q->to, (int64_t)SCHEDULE_LIST_MAX);
	else
		rc = db_query(db, &st,
			      "SELECT " ENTRY_COLUMNS
			      " FROM schedule_entries e JOIN units u ON u.id = e.unit_id "
			      "WHERE e.starts_at >= ? AND e.starts_at < ? "
			      "ORDER BY e.starts_at, e.ends_at, e.unit_id, e.id LIMIT ?",
			      "iii", q->from, q->to, (int64_t)SCHEDULE_LIST_MAX);
	for (; rc == DB_ROW; rc = db_step(st)) {
		if (*n == cap) {
			struct schedule_entry *bigger;
			cap = cap ? cap * 2 : 16;
			bigger = arena_calloc(a, cap, sizeof(*bigger));
			if (*n)
				memcpy(bigger, *out, *n * sizeof(*bigger));
			*out = bigger;
		}
		entry_read(a, st, &(*out)[(*n)++]);
	}
	return rc < 0 ? rc : 0;
}

/* ---- the demo ---- */

static const struct demo_entry {
	const char *unit; /* agency code */
	int day;	  /* 0 = Monday */
	int start, end;	  /* minutes; end -1: none */
	const char *place, *url, *chair, *participants, *content, *prepared_by;
	const char *cancelled; /* the reason, or NULL */
} demo_entries[] = {
	{ "000.00.15.H26", 0, 8 * 60, 9 * 60 + 30, "Phòng họp tầng 3, trụ sở UBND quận", NULL,
	  "Đ/c Nguyễn Văn Hùng - Chủ tịch UBND quận",
	  "Các Phó Chủ tịch UBND quận; Chánh Văn phòng HĐND và UBND quận",
	  "Giao ban Thường trực UBND quận đầu tuần", "Văn phòng HĐND và UBND quận", NULL },
	{ "000.00.15.H26", 1, 14 * 60, 16 * 60 + 30, "Điểm cầu trụ sở UBND quận và 11 phường",
	  "https://meet.google.com/txq-cchc-tuan", "Đ/c Trần Văn Lãnh - Phó Chủ tịch UBND quận",
	  "Lãnh đạo Phòng Nội vụ, Văn phòng HĐND và UBND quận; Chủ tịch UBND 11 phường",
	  "Giao ban trực tuyến về cải cách hành chính và chuyển đổi số", "Phòng Nội vụ", NULL },
	{ "000.00.15.H26", 2, 8 * 60 + 30, 11 * 60 + 30, "Trụ sở Tiếp công dân quận", NULL,
	  "Đ/c Nguyễn Văn Hùng - Chủ tịch UBND quận",
	  "Thanh tra quận; Phòng Tài nguyên và Môi trường; Phòng Quản lý đô thị", "Tiếp công dân định kỳ",
	  "Ban Tiếp công dân quận", NULL },
	{ "000.00.15.H26", 3, 15 * 60, 17 * 60, "Bộ phận Một cửa phường Nhân Chính", NULL,
	  "Đ/c Trần Văn Lãnh - Phó Chủ tịch UBND quận",
	  "Văn phòng HĐND và UBND quận; Phòng Tư pháp; Chủ tịch UBND phường Nhân Chính",
	  "Kiểm tra công tác tiếp nhận và trả kết quả giải quyết thủ tục hành chính tại phường Nhân Chính",
	  "Văn phòng HĐND và UBND quận", NULL },
	{ "000.00.15.H26", 4, 8 * 60, -1, "Hội trường UBND quận", NULL,
	  "Đ/c Nguyễn Văn Hùng - Chủ tịch UBND quận", "Các thành viên UBND quận",
	  "Phiên họp UBND quận thường kỳ tháng", "Văn phòng HĐND và UBND quận",
	  "Lùi sang tuần sau do Chủ tịch UBND quận dự họp tại Thành phố" },
	{ "000.01.15.H26", 0, 7 * 60 + 30, 8 * 60 + 30, "Hội trường UBND phường", NULL,
	  "Đ/c Đặng Văn Chính - Chủ tịch UBND phường", "Cán bộ, công chức UBND phường; Trưởng các tổ dân phố",
	  "Chào cờ và giao ban đầu tuần", "Văn phòng - Thống kê phường", NULL },
	{ "000.01.15.H26", 1, 19 * 60 + 30, -1, "Nhà văn hóa tổ dân phố số 3", NULL,
	  "Đ/c Đặng Văn Chính - Chủ tịch UBND phường", "Bí thư chi bộ, Tổ trưởng tổ dân phố số 3",
	  "Dự sinh hoạt chi bộ khu dân cư số 3", "", NULL },
	{ "000.01.15.H26", 2, 14 * 60, 16 * 60, "Trụ sở UBND phường", NULL,
	  "Đ/c Đặng Văn Chính - Chủ tịch UBND phường", "Công an phường; Đội Trật tự đô thị; Tổ dân phố số 5",
	  "Làm việc với tổ dân phố số 5 về trật tự đô thị và vệ sinh môi trường",
	  "Công chức Địa chính - Xây dựng", NULL },
	{ "000.01.15.H26", 3, 15 * 60, 17 * 60, "Bộ phận Một cửa phường", NULL,
	  "Đ/c Đặng Văn Chính - Chủ tịch UBND phường",
	  "Công chức Bộ phận Một cửa; công chức Tư pháp - Hộ tịch",
	  "Làm việc với Đoàn kiểm tra của UBND quận về công tác một cửa", "Văn phòng - Thống kê phường",
	  NULL },
	{ "000.01.15.H26", 5, 7 * 60, 10 * 60, "Các tuyến phố trên địa bàn phường", NULL,
	  "Đ/c Đặng Văn Chính - Chủ tịch UBND phường", "Đoàn thanh niên, Hội Phụ nữ, các tổ dân phố",
	  "Ra quân tổng vệ sinh môi trường cuối tuần", "", NULL },
};

int schedule_demo(struct db *db, int64_t now)
{
	struct schedule_week w;
	int64_t district = org_unit_by_code(db, "000.00.15.H26"),
		ward = org_unit_by_code(db, "000.01.15.H26");
	struct db_stmt *st;
	int64_t from, seen = 0;
	int rc;

	if (district < 0 || ward < 0)
		return (int)(district < 0 ? district : ward);
	if (!district || !ward)
		return 0;
	schedule_week_at(now, &w);
	from = schedule_instant(w.monday, 0);
	rc = db_query(db, &st,
		      "SELECT COUNT(*) FROM schedule_entries WHERE unit_id = ? AND starts_at >= ? AND "
		      "starts_at < ?",
		      "iii", district, from, from + 7 * 86400);
	if (rc == DB_ROW)
		seen = db_col_int(st, 0);
	if ((rc = finish(st, rc)) < 0)
		return rc;
	if (seen)
		return 0;
	for (size_t i = 0; i < sizeof(demo_entries) / sizeof(demo_entries[0]); i++) {
		const struct demo_entry *d = &demo_entries[i];
		int32_t day = schedule_day_add(w.monday, d->day);
		struct schedule_entry e = {
			.unit_id = strcmp(d->unit, "000.00.15.H26") ? ward : district,
			.starts_at = schedule_instant(day, d->start),
			.ends_at = d->end >= 0 ? schedule_instant(day, d->end) : 0,
			.place = d->place,
			.meeting_url = d->url ? d->url : "",
			.chair = d->chair,
			.participants = d->participants,
			.content = d->content,
			.prepared_by = d->prepared_by,
		};
		char object[40];
		if ((rc = schedule_create(db, &e, "cli", now)))
			return rc;
		snprintf(object, sizeof(object), "schedule:%lld", (long long)e.id);
		if ((rc = audit_append(db, "cli", "schedule.create", object, "{\"demo\":true}")))
			return rc;
		if (!d->cancelled)
			continue;
		if ((rc = schedule_cancel(db, e.id, 0, d->cancelled, "cli", now)) ||
		    (rc = audit_append(db, "cli", "schedule.cancel", object, "{\"demo\":true}")))
			return rc < 0 ? rc : DB_ERROR;
	}
	return 0;
}
