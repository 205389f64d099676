/*
 * pages_schedule.c: the leaders' weekly work schedule (lịch công tác tuần): the public week
 * (/lich-cong-tac, GET /api/v1/schedule) and the office's pages that write it
 * (/quan-tri/lich-cong-tac). Who may write an agency's schedule: features/schedule.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/i18n.h"
#include "core/timefmt.h"
#include "features/authz.h"
#include "features/org.h"
#include "features/schedule.h"
#include "store/db.h"
#include "web/app.h"
#include "core/banned.h"

#define PUBLIC_PATH "/lich-cong-tac"
#define ADMIN_PATH  "/quan-tri/lich-cong-tac"

static const char *const weekday_names[] = { N_("Sunday"),   N_("Monday"), N_("Tuesday"), N_("Wednesday"),
					     N_("Thursday"), N_("Friday"), N_("Saturday") };

/* ---- messages ---- */

static const char *msg_no_right(void)
{
	return _("Only the records clerks of a unit's office and the unit's leaders can write its work "
		 "schedule.");
}

static const char *msg_bad_week(struct request *req)
{
	return req->is_api ? _("Give the week as week=2026-W48, or a day of it as date=2026-11-30.")
			   : _("Choose a valid week: a date between the years 2000 and 2099.");
}

static const char *msg_cancelled(void)
{
	return _("This entry has been cancelled and can no longer be changed.");
}

static const char *msg_stale(void)
{
	return _("Someone else changed this entry after you opened it. Check it as it is now and make "
		 "your change again.");
}

/* ---- small helpers ---- */

static const char *date_vn(struct request *req, int32_t ymd)
{
	return arena_printf(&req->arena, "%02d/%02d/%04d", ymd % 100, ymd / 100 % 100, ymd / 10000);
}

static const char *date_iso(struct request *req, int32_t ymd)
{
	return arena_printf(&req->arena, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
}

static const char *hhmm(struct request *req, int64_t t)
{
	int m = schedule_minute_of(t);
	return arena_printf(&req->arena, "%02d:%02d", m / 60, m % 60);
}

static const char *week_name(struct request *req, const struct schedule_week *w)
{
	char s[16];
	schedule_week_name(w, s, sizeof(s));
	return arena_strdup(&req->arena, s);
}

/* "Thứ Hai, 23/11/2026" */
static const char *day_label(struct request *req, int32_t ymd)
{
	return arena_printf(&req->arena, "%s, %s", _(weekday_names[schedule_weekday(ymd)]),
			    date_vn(req, ymd));
}

/* Set key to s only when s is not empty: mustache shows a section for "" too. */
static void set_text(json_t *o, const char *key, const char *s)
{
	if (s && *s)
		json_object_set_new(o, key, json_string(s));
}

/* The week of ?week=2026-W48, else of ?date=, else this week. 0, or -1 when one is given and bad. */
static int week_arg(struct request *req, struct schedule_week *w)
{
	const char *week = input_trim(req, req_query(req, "week"));
	const char *date = input_trim(req, req_query(req, "date"));
	int32_t day;
	if (*week)
		return schedule_week_parse(week, w);
	if (*date) {
		if (!(day = schedule_date_parse(date)))
			return -1;
		schedule_week_of(day, w);
		return 0;
	}
	schedule_week_at(req_now(req), w);
	return 0;
}

/* ---- the public week ---- */

struct week_args {
	struct schedule_week w;
	int64_t unit;	  /* 0 = every unit */
	struct unit *all; /* every unit, by id, for names */
	size_t nall;
};

static const struct unit *unit_of(const struct week_args *a, int64_t id)
{
	for (size_t i = 0; i < a->nall; i++)
		if (a->all[i].id == id)
			return &a->all[i];
	return NULL;
}

/*
 * The week and unit asked (?week= or ?date=; ?unit= an agency code or id,
 * none for all). 0; 400 with *msg; 1 after answering 503.
 */
static int week_args(struct request *req, struct db *db, struct week_args *a, const char **msg)
{
	const char *unit_s = input_trim(req, req_query(req, "unit"));
	const struct unit_tree *t;

	memset(a, 0, sizeof(*a));
	*msg = NULL;
	if (!(t = req_units(req)))
		return 1;
	if (org_unit_list(db, &req->arena, &a->all, &a->nall)) {
		resp_unavailable(req);
		return 1;
	}
	if (*unit_s) {
		int64_t id = input_id(unit_s);
		char *code = arena_strdup(&req->arena, unit_s);
		long i;
		/* agency codes are written in capitals: 000.01.15.H26 */
		for (char *c = code; *c; c++)
			if (*c >= 'a' && *c <= 'z')
				*c = (char)(*c - 'a' + 'A');
		unit_s = code;
		if (!id && strlen(unit_s) <= 40 && (id = org_unit_by_code(db, unit_s)) < 0) {
			resp_unavailable(req);
			return 1;
		}
		i = id > 0 ? unit_tree_find(t, id) : -1;
		/* a department or section stands for its agency */
		a->unit = i >= 0 ? unit_tree_agency(t, id) : 0;
		if (!a->unit) {
			schedule_week_at(req_now(req), &a->w);
			*msg = _("There is no such unit.");
			return 400;
		}
	}
	if (week_arg(req, &a->w)) {
		schedule_week_at(req_now(req), &a->w);
		*msg = msg_bad_week(req);
		return 400;
	}
	return 0;
}

static int week_load(struct request *req, struct db *db, const struct schedule_week *w, int64_t unit,
		     struct schedule_entry **e, size_t *n)
{
	struct schedule_query q = { schedule_instant(w->monday, 0),
				    schedule_instant(schedule_day_add(w->monday, 7), 0), unit };
	return schedule_list(db, &req->arena, &q, e, n);
}

static json_t *unit_json(const struct schedule_entry *e)
{
	return json_pack("{s:I,s:s,s:s}", "id", (json_int_t)e->unit_id, "name", e->unit_name, "agency_code",
			 e->unit_code);
}

static json_t *text_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

/* An entry as the API gives it: nothing of who wrote it but when. */
static json_t *entry_json(struct request *req, const struct schedule_entry *e)
{
	json_t *o = json_object();
	int32_t day = schedule_day_of(e->starts_at);
	json_object_set_new(o, "id", json_integer(e->id));
	json_object_set_new(o, "unit", unit_json(e));
	json_object_set_new(o, "date", json_string(date_iso(req, day)));
	/* ISO 8601: 1 Monday … 7 Sunday */
	json_object_set_new(o, "weekday", json_integer((schedule_weekday(day) + 6) % 7 + 1));
	json_object_set_new(o, "start", json_string(hhmm(req, e->starts_at)));
	json_object_set_new(o, "end", e->ends_at ? json_string(hhmm(req, e->ends_at)) : json_null());
	json_object_set_new(o, "starts_at", dossier_iso(e->starts_at));
	json_object_set_new(o, "ends_at", dossier_iso(e->ends_at));
	json_object_set_new(
		o, "part",
		json_string(schedule_part_name(schedule_part_of(schedule_minute_of(e->starts_at)))));
	json_object_set_new(o, "place", text_or_null(e->place));
	json_object_set_new(o, "meeting_url", text_or_null(e->meeting_url));
	json_object_set_new(o, "chair", json_string(e->chair));
	json_object_set_new(o, "participants", text_or_null(e->participants));
	json_object_set_new(o, "content", json_string(e->content));
	json_object_set_new(o, "prepared_by", text_or_null(e->prepared_by));
	json_object_set_new(o, "status", json_string(schedule_status_name(e->status)));
	json_object_set_new(o, "cancel_reason",
			    e->status == SCHEDULE_CANCELLED ? json_string(e->cancel_reason) : json_null());
	json_object_set_new(o, "updated_at", dossier_iso(e->updated_at));
	return o;
}

/*
 * GET /api/v1/schedule?week=2026-W48&unit=: the week's entries (cancelled
 * ones included, marked), by start time; ?date= a day of the week instead.
 */
int api_schedule(struct request *req)
{
	struct db *db = db_thread();
	struct week_args a;
	struct schedule_entry *e;
	struct schedule_week prev, next;
	const char *msg;
	json_t *out, *list;
	size_t n;
	int rc;

	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	if ((rc = week_args(req, db, &a, &msg))) {
		if (rc != 1)
			resp_error(req, rc, "bad_request", msg);
		return 0;
	}
	if (week_load(req, db, &a.w, a.unit, &e, &n)) {
		resp_unavailable(req);
		return 0;
	}
	schedule_week_add(&a.w, -1, &prev);
	schedule_week_add(&a.w, 1, &next);
	out = json_pack("{s:s,s:s,s:s,s:s,s:s}", "week", week_name(req, &a.w), "from",
			date_iso(req, a.w.monday), "to", date_iso(req, schedule_day_add(a.w.monday, 6)),
			"previous", week_name(req, &prev), "next", week_name(req, &next));
	if (a.unit) {
		const struct unit *u = unit_of(&a, a.unit);
		json_object_set_new(out, "unit",
				    json_pack("{s:I,s:s,s:s}", "id", (json_int_t)a.unit, "name",
					      u ? u->name : "", "agency_code",
					      u && u->agency_code ? u->agency_code : ""));
	} else {
		json_object_set_new(out, "unit", json_null());
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, entry_json(req, &e[i]));
	json_object_set_new(out, "entries", list);
	resp_json(req, 200, out);
	return 0;
}

/* An entry as the pages show it. */
static json_t *entry_view(struct request *req, const struct schedule_entry *e, int show_unit)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(e->id));
	json_object_set_new(o, "start", json_string(hhmm(req, e->starts_at)));
	json_object_set_new(o, "start_iso", dossier_iso(e->starts_at));
	if (e->ends_at) {
		json_object_set_new(o, "end", json_string(hhmm(req, e->ends_at)));
		json_object_set_new(o, "end_iso", dossier_iso(e->ends_at));
	}
	json_object_set_new(o, "day", json_string(day_label(req, schedule_day_of(e->starts_at))));
	json_object_set_new(o, "content", json_string(e->content));
	json_object_set_new(o, "chair", json_string(e->chair));
	set_text(o, "participants", e->participants);
	set_text(o, "place", e->place);
	set_text(o, "meeting_url", e->meeting_url);
	set_text(o, "prepared_by", e->prepared_by);
	if (show_unit)
		json_object_set_new(o, "entry_unit", json_string(e->unit_name));
	if (e->status == SCHEDULE_CANCELLED) {
		json_object_set_new(o, "cancelled", json_true());
		set_text(o, "cancel_reason", e->cancel_reason);
	}
	return o;
}

/* The seven days of the week, each with its entries by part of the day. */
static json_t *days_view(struct request *req, const struct schedule_week *w, const struct schedule_entry *e,
			 size_t n, int show_unit)
{
	json_t *days = json_array();
	int32_t today = schedule_day_of(req_now(req));
	size_t k = 0;
	for (int d = 0; d < 7; d++) {
		int32_t ymd = schedule_day_add(w->monday, d);
		json_t *day = json_pack("{s:s,s:s,s:s,s:b}", "id", arena_printf(&req->arena, "ngay-%d", ymd),
					"label", day_label(req, ymd), "iso", date_iso(req, ymd), "today",
					ymd == today);
		json_t *parts = json_array();
		int any = 0;
		for (int p = SCHEDULE_MORNING; p <= SCHEDULE_EVENING; p++) {
			json_t *list = json_array();
			for (; k < n && schedule_day_of(e[k].starts_at) == ymd &&
			       schedule_part_of(schedule_minute_of(e[k].starts_at)) == p;
			     k++)
				json_array_append_new(list, entry_view(req, &e[k], show_unit));
			if (json_array_size(list)) {
				any = 1;
				json_array_append_new(parts,
						      json_pack("{s:s,s:s,s:o}", "label",
								_(schedule_part_label(p)), "id",
								arena_printf(&req->arena, "ngay-%d-%s", ymd,
									     schedule_part_name(p)),
								"entries", list));
			} else {
				json_decref(list);
			}
		}
		json_object_set_new(day, "parts", parts);
		json_object_set_new(day, "empty", json_boolean(!any));
		json_array_append_new(days, day);
	}
	return days;
}

/* "Tuần 48 năm 2026, từ 23/11/2026 đến 29/11/2026" */
static const char *week_text(struct request *req, const struct schedule_week *w)
{
	return arena_printf(&req->arena, _("Week %d of %d, from %s to %s"), w->week, w->year,
			    date_vn(req, w->monday), date_vn(req, schedule_day_add(w->monday, 6)));
}

/* The agencies to choose from (active ones), indented by depth, the one asked selected. */
static json_t *unit_options(struct request *req, const struct week_args *a)
{
	const struct unit_tree *t = req_units(req);
	json_t *opts = json_array();
	for (size_t i = 0; t && i < t->n; i++) {
		int64_t path[UNIT_MAX_DEPTH];
		const struct unit *u;
		const char *label = "";
		size_t depth;
		if (!t->level[i] || !t->active[i] || !(u = unit_of(a, t->id[i])))
			continue;
		depth = unit_tree_path(t, t->id[i], path, UNIT_MAX_DEPTH);
		for (size_t k = 1; k < depth; k++)
			label = arena_printf(&req->arena, "%s— ", label);
		json_array_append_new(opts, json_pack("{s:s,s:s,s:b}", "value", u->agency_code, "name",
						      arena_printf(&req->arena, "%s%s", label, u->name),
						      "selected", u->id == a->unit));
	}
	return opts;
}

/* The page's address for week w of the unit asked. */
static const char *public_url(struct request *req, const struct week_args *a, const struct schedule_week *w)
{
	const struct unit *u = a->unit ? unit_of(a, a->unit) : NULL;
	return arena_printf(&req->arena, PUBLIC_PATH "?week=%s%s%s", week_name(req, w), u ? "&unit=" : "",
			    u ? input_url_encode(req, u->agency_code) : "");
}

/* GET /lich-cong-tac?week=&date=&unit=: the week, day by day, morning, afternoon and evening. */
int page_schedule_public(struct request *req)
{
	struct db *db = db_thread();
	struct week_args a;
	struct schedule_entry *e = NULL;
	struct schedule_week prev, next, now;
	const struct unit *u;
	const char *msg;
	json_t *ctx;
	size_t n = 0;
	int rc;

	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	rc = week_args(req, db, &a, &msg);
	if (rc == 1)
		return 0;
	if (!rc && week_load(req, db, &a.w, a.unit, &e, &n)) {
		resp_unavailable(req);
		return 0;
	}
	u = a.unit ? unit_of(&a, a.unit) : NULL;
	ctx = page_context(req, _("Weekly work schedule"));
	json_object_set_new(ctx, "units", unit_options(req, &a));
	json_object_set_new(ctx, "date", json_string(date_iso(req, a.w.monday)));
	if (u)
		json_object_set_new(ctx, "unit_name", json_string(u->name));
	if (rc) {
		json_object_set_new(ctx, "error", json_string(msg));
		page_render(req, rc, "schedule", ctx);
		return 0;
	}
	schedule_week_add(&a.w, -1, &prev);
	schedule_week_add(&a.w, 1, &next);
	schedule_week_at(req_now(req), &now);
	json_object_set_new(ctx, "week", json_string(week_name(req, &a.w)));
	json_object_set_new(ctx, "week_text", json_string(week_text(req, &a.w)));
	json_object_set_new(ctx, "prev_url", json_string(public_url(req, &a, &prev)));
	json_object_set_new(ctx, "next_url", json_string(public_url(req, &a, &next)));
	if (now.monday != a.w.monday)
		json_object_set_new(ctx, "this_week_url", json_string(public_url(req, &a, &now)));
	json_object_set_new(ctx, "days", days_view(req, &a.w, e, n, !a.unit));
	json_object_set_new(ctx, "any", json_boolean(n > 0));
	json_object_set_new(ctx, "json_url",
			    json_string(arena_printf(&req->arena, "/api/v1/schedule?week=%s%s%s",
						     week_name(req, &a.w), u ? "&unit=" : "",
						     u ? input_url_encode(req, u->agency_code) : "")));
	page_render(req, 200, "schedule", ctx);
	return 0;
}

/* ---- the office's pages ---- */

/* The ways of writing a schedule that the request's credentials allow (an API token's scopes). */
static unsigned ways_allowed(const struct request *req)
{
	return (req_scope_allows(req, SCHEDULE_PERM_CLERK) ? SCHEDULE_BY_CLERK : 0) |
	       (req_scope_allows(req, SCHEDULE_PERM_LEADER) ? SCHEDULE_BY_LEADER : 0);
}

struct admin {
	int64_t *units; /* the agencies whose schedule the user may write, sorted */
	size_t nunits;
	int64_t unit; /* the one shown */
	struct schedule_week w;
	struct unit *all;
	size_t nall;
};

static const struct unit *admin_unit(const struct admin *ad, int64_t id)
{
	for (size_t i = 0; i < ad->nall; i++)
		if (ad->all[i].id == id)
			return &ad->all[i];
	return NULL;
}

/*
 * Staff who may write some agency's schedule: the agencies into ad. 0; 1
 * after answering (403 to citizens and to staff who may write none, 503).
 */
static int admin_open(struct request *req, struct db *db, struct admin *ad)
{
	struct app_req *ar = req->app;
	const struct unit_tree *t;
	unsigned ways = ways_allowed(req);

	memset(ad, 0, sizeof(*ad));
	if (req_staff_only(req))
		return 1;
	if (!db || !(t = req_units(req))) {
		if (!req->status)
			resp_unavailable(req);
		return 1;
	}
	/* the actor as can() sees him, loaded once for the request */
	if (req_can(req, SCHEDULE_PERM_CLERK, 0, 0, NULL) < 0 ||
	    req_can(req, SCHEDULE_PERM_LEADER, 0, 0, NULL) < 0) {
		resp_unavailable(req);
		return 1;
	}
	if (ways && ar && ar->actor_loaded)
		ad->nunits =
			schedule_managed_units(&ar->actor, t, req_now(req), ways, &req->arena, &ad->units);
	if (!ad->nunits) {
		resp_error(req, 403, "forbidden", msg_no_right());
		return 1;
	}
	if (org_unit_list(db, &req->arena, &ad->all, &ad->nall)) {
		resp_unavailable(req);
		return 1;
	}
	schedule_week_at(req_now(req), &ad->w);
	return 0;
}

/* May the user write the schedule of `unit`? 0 yes; 1 after answering 403. */
static int admin_unit_check(struct request *req, const struct admin *ad, int64_t unit)
{
	if (ids_contain(ad->units, ad->nunits, unit))
		return 0;
	resp_error(req, 403, "forbidden", msg_no_right());
	return 1;
}

/* "Nguyễn Văn A" for the actor "account:3"; "" when unknown; "System" for the command line. */
static const char *actor_text(struct request *req, struct db *db, const char *actor)
{
	struct db_stmt *st;
	const char *name = "";
	int64_t id;
	int rc;
	if (!actor || strncmp(actor, "account:", 8))
		return actor && !strcmp(actor, "cli") ? _("the system") : "";
	id = input_id(actor + 8);
	rc = db_query(db, &st, "SELECT full_name FROM accounts WHERE id = ?", "i", id);
	if (rc == DB_ROW)
		name = arena_strdup(&req->arena, db_col_text(st, 0) ? db_col_text(st, 0) : "");
	while (rc == DB_ROW)
		rc = db_step(st);
	return name;
}

/* "08:30 26/11/2026" */
static const char *when_text(struct request *req, int64_t t)
{
	return dossier_when_text(req, t);
}

/* The values of the entry form from an entry. */
static json_t *form_from_entry(struct request *req, const struct schedule_entry *e)
{
	json_t *f = json_object();
	json_object_set_new(f, "date", json_string(date_iso(req, schedule_day_of(e->starts_at))));
	json_object_set_new(f, "start", json_string(hhmm(req, e->starts_at)));
	if (e->ends_at)
		json_object_set_new(f, "end", json_string(hhmm(req, e->ends_at)));
	set_text(f, "place", e->place);
	set_text(f, "meeting_url", e->meeting_url);
	set_text(f, "chair", e->chair);
	set_text(f, "participants", e->participants);
	set_text(f, "content", e->content);
	set_text(f, "prepared_by", e->prepared_by);
	json_object_set_new(f, "version", json_integer(e->version));
	return f;
}

static const char *const form_fields[] = { "date",  "start",	    "end",     "place",	      "meeting_url",
					   "chair", "participants", "content", "prepared_by", NULL };

/* The values of the entry form as posted (trimmed), to show again. */
static json_t *form_from_post(struct request *req)
{
	json_t *f = json_object();
	for (size_t i = 0; form_fields[i]; i++)
		set_text(f, form_fields[i], input_trim(req, req_form(req, form_fields[i])));
	return f;
}

static void form_read(struct request *req, struct schedule_form *f)
{
	f->date = req_form(req, "date");
	f->start = req_form(req, "start");
	f->end = req_form(req, "end");
	f->place = req_form(req, "place");
	f->meeting_url = req_form(req, "meeting_url");
	f->chair = req_form(req, "chair");
	f->participants = req_form(req, "participants");
	f->content = req_form(req, "content");
	f->prepared_by = req_form(req, "prepared_by");
}

static void collect_error(void *ctx, const char *field, const char *msgid)
{
	json_t *errors = ctx;
	if (!json_object_get(errors, field))
		json_object_set_new(errors, field, json_string(_(msgid)));
}

/* What the admin page shows besides the week: the form and the messages. */
struct admin_page {
	json_t *form;	 /* the entry form's values (stolen), NULL for an empty one */
	json_t *errors;	 /* per field (stolen), may be NULL */
	int64_t editing; /* the entry in the form, 0 for a new one */
	const char *error, *notice;
	int64_t cancel_id; /* the entry whose cancellation was refused, its message and reason */
	const char *cancel_error, *reason;
};

static const char *admin_url(struct request *req, int64_t unit, const struct schedule_week *w,
			     const char *extra)
{
	return arena_printf(&req->arena, ADMIN_PATH "?unit=%lld&week=%s%s", (long long)unit,
			    week_name(req, w), extra ? extra : "");
}

static void admin_render(struct request *req, struct db *db, int status, const struct admin *ad,
			 struct admin_page *pg)
{
	struct schedule_entry *e = NULL;
	struct schedule_week prev, next, now;
	const struct unit *u = admin_unit(ad, ad->unit);
	json_t *ctx, *units, *list, *form;
	size_t n = 0;

	if (week_load(req, db, &ad->w, ad->unit, &e, &n)) {
		json_decref(pg->form);
		json_decref(pg->errors);
		resp_unavailable(req);
		return;
	}
	ctx = page_context(req, _("Weekly work schedule"));
	resp_header(req, "Cache-Control", "no-store");
	json_object_set_new(ctx, "csrf", json_string(req_csrf(req)));
	json_object_set_new(ctx, "unit_name", json_string(u ? u->name : ""));
	json_object_set_new(ctx, "unit", json_integer(ad->unit));
	json_object_set_new(ctx, "week", json_string(week_name(req, &ad->w)));
	json_object_set_new(ctx, "week_text", json_string(week_text(req, &ad->w)));
	json_object_set_new(ctx, "date", json_string(date_iso(req, ad->w.monday)));
	schedule_week_add(&ad->w, -1, &prev);
	schedule_week_add(&ad->w, 1, &next);
	schedule_week_at(req_now(req), &now);
	json_object_set_new(ctx, "prev_url", json_string(admin_url(req, ad->unit, &prev, NULL)));
	json_object_set_new(ctx, "next_url", json_string(admin_url(req, ad->unit, &next, NULL)));
	if (now.monday != ad->w.monday)
		json_object_set_new(ctx, "this_week_url", json_string(admin_url(req, ad->unit, &now, NULL)));
	json_object_set_new(ctx, "public_url",
			    json_string(arena_printf(&req->arena, PUBLIC_PATH "?week=%s&unit=%s",
						     week_name(req, &ad->w),
						     u ? input_url_encode(req, u->agency_code) : "")));
	units = json_array();
	for (size_t i = 0; i < ad->nunits; i++) {
		const struct unit *x = admin_unit(ad, ad->units[i]);
		json_array_append_new(units,
				      json_pack("{s:I,s:s,s:b}", "id", (json_int_t)ad->units[i], "name",
						x ? x->name : "", "selected", ad->units[i] == ad->unit));
	}
	json_object_set_new(ctx, "units", units);
	json_object_set_new(ctx, "many_units", json_boolean(ad->nunits > 1));

	list = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = entry_view(req, &e[i], 0);
		json_object_set_new(o, "version", json_integer(e[i].version));
		json_object_set_new(o, "edit_url",
				    json_string(admin_url(req, ad->unit, &ad->w,
							  arena_printf(&req->arena, "&edit=%lld#lich-form",
								       (long long)e[i].id))));
		json_object_set_new(
			o, "action",
			json_string(arena_printf(&req->arena, ADMIN_PATH "/%lld", (long long)e[i].id)));
		json_object_set_new(o, "created",
				    json_string(arena_printf(&req->arena, _("Entered by %s at %s"),
							     actor_text(req, db, e[i].created_by),
							     when_text(req, e[i].created_at))));
		if (e[i].version > 1)
			json_object_set_new(o, "updated",
					    json_string(arena_printf(&req->arena,
								     _("Last changed by %s at %s"),
								     actor_text(req, db, e[i].updated_by),
								     when_text(req, e[i].updated_at))));
		if (e[i].id == pg->editing)
			json_object_set_new(o, "editing", json_true());
		if (e[i].id == pg->cancel_id) {
			json_object_set_new(o, "cancel_open", json_true());
			set_text(o, "cancel_error", pg->cancel_error);
			set_text(o, "reason", pg->reason);
		}
		json_array_append_new(list, o);
	}
	json_object_set_new(ctx, "entries", list);
	json_object_set_new(ctx, "any", json_boolean(n > 0));

	form = pg->form ? pg->form : json_object();
	if (!json_object_get(form, "date"))
		json_object_set_new(form, "date", json_string(date_iso(req, ad->w.monday)));
	json_object_set_new(form, "action",
			    json_string(pg->editing ? arena_printf(&req->arena, ADMIN_PATH "/%lld",
								   (long long)pg->editing)
						    : ADMIN_PATH));
	if (pg->editing) {
		json_object_set_new(form, "edit", json_true());
		json_object_set_new(form, "cancel_url", json_string(admin_url(req, ad->unit, &ad->w, NULL)));
	}
	json_object_set_new(ctx, "form", form);
	json_object_set_new(ctx, "errors", pg->errors ? pg->errors : json_object());
	set_text(ctx, "error", pg->error);
	set_text(ctx, "notice", pg->notice);
	page_render(req, status, "schedule_admin", ctx);
}

/* ?msg= after a redirect */
static const char *notice_of(const char *msg)
{
	static const struct {
		const char *name, *text;
	} notices[] = {
		{ "created", N_("The entry has been added to the schedule.") },
		{ "updated", N_("The entry has been saved.") },
		{ "unchanged", N_("Nothing was changed.") },
		{ "cancelled",
		  N_("The entry has been cancelled. It stays on the schedule, marked as cancelled.") },
	};
	for (size_t i = 0; msg && i < sizeof(notices) / sizeof(notices[0]); i++)
		if (!strcmp(msg, notices[i].name))
			return _(notices[i].text);
	return NULL;
}

/* The unit asked (?unit=), else the user's own agency when he may write it, else the first one. */
static int64_t admin_default_unit(struct request *req, const struct admin *ad)
{
	const struct unit_tree *t = req_units(req);
	int64_t own = t ? unit_tree_agency(t, req_user(req)->unit_id) : 0;
	return ids_contain(ad->units, ad->nunits, own) ? own : ad->units[0];
}

/* GET /quan-tri/lich-cong-tac?unit=&week=&edit=: the unit's week, the entry form. */
int page_schedule_admin(struct request *req)
{
	struct db *db = db_thread();
	struct admin ad;
	struct admin_page pg = { 0 };
	const char *unit_s = req_query(req, "unit");
	int64_t edit = input_id(req_query(req, "edit"));
	int status = 200;

	if (admin_open(req, db, &ad))
		return 0;
	ad.unit = unit_s && *unit_s ? input_id(unit_s) : admin_default_unit(req, &ad);
	if (admin_unit_check(req, &ad, ad.unit))
		return 0;
	if (week_arg(req, &ad.w)) {
		schedule_week_at(req_now(req), &ad.w);
		pg.error = msg_bad_week(req);
		status = 400;
	}
	pg.notice = notice_of(req_query(req, "msg"));
	if (edit) {
		struct schedule_entry e;
		int rc = schedule_load(db, &req->arena, edit, &e);
		if (rc < 0) {
			resp_unavailable(req);
			return 0;
		}
		if (rc == SCHEDULE_NOT_FOUND) {
			resp_error(req, 404, "not_found", _("There is no such schedule entry."));
			return 0;
		}
		if (admin_unit_check(req, &ad, e.unit_id))
			return 0;
		if (e.status == SCHEDULE_CANCELLED) {
			pg.error = msg_cancelled();
			status = 409;
		} else {
			pg.editing = e.id;
			pg.form = form_from_entry(req, &e);
		}
		ad.unit = e.unit_id;
		schedule_week_at(e.starts_at, &ad.w);
	}
	admin_render(req, db, status, &ad, &pg);
	return 0;
}

/* The entry's fields for the audit log. */
static json_t *audit_fields(const struct schedule_entry *e)
{
	return json_pack("{s:I,s:o,s:o,s:s,s:s,s:s,s:s,s:s,s:s}", "unit", (json_int_t)e->unit_id, "starts_at",
			 dossier_iso(e->starts_at), "ends_at", dossier_iso(e->ends_at), "place", e->place,
			 "meeting_url", e->meeting_url, "chair", e->chair, "participants", e->participants,
			 "content", e->content, "prepared_by", e->prepared_by);
}

/* Commit with the audit row: 0, or 1 after answering 503 (rolled back). */
static int commit_audited(struct request *req, struct db *db, const char *action, int64_t id, json_t *detail)
{
	int rc = req_audit_json(req, db, action, arena_printf(&req->arena, "schedule:%lld", (long long)id),
				detail);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		resp_unavailable(req);
		return 1;
	}
	return 0;
}

/* The week to show after a refused form: that of the date typed, else the one asked, else this one. */
static void week_after(struct request *req, struct admin *ad, const struct schedule_entry *e)
{
	int32_t day = schedule_date_parse(input_trim(req, req_form(req, "date")));
	if (day)
		schedule_week_of(day, &ad->w);
	else if (e && e->starts_at)
		schedule_week_at(e->starts_at, &ad->w);
}

/* POST /quan-tri/lich-cong-tac: a new entry. */
int page_schedule_create(struct request *req)
{
	struct db *db = db_thread();
	struct admin ad;
	struct admin_page pg = { 0 };
	struct schedule_entry e = { 0 };
	struct schedule_form f;
	json_t *errors;
	int rc;

	if (admin_open(req, db, &ad))
		return 0;
	e.unit_id = input_id(req_form(req, "unit"));
	if (e.unit_id && admin_unit_check(req, &ad, e.unit_id))
		return 0;
	ad.unit = e.unit_id ? e.unit_id : admin_default_unit(req, &ad);
	errors = json_object();
	if (!e.unit_id)
		json_object_set_new(errors, "unit",
				    json_string(_("Choose the unit whose schedule this is.")));
	form_read(req, &f);
	schedule_check(&req->arena, &f, &e, collect_error, errors);
	if (json_object_size(errors)) {
		week_after(req, &ad, NULL);
		pg.form = form_from_post(req);
		pg.errors = errors;
		pg.error = _("Please correct the fields marked below.");
		admin_render(req, db, 422, &ad, &pg);
		return 0;
	}
	json_decref(errors);
	if (db_begin(db)) {
		resp_unavailable(req);
		return 0;
	}
	if ((rc = schedule_create(db, &e, req_actor_name(req), req_now(req)))) {
		db_rollback(db);
		resp_unavailable(req);
		return 0;
	}
	if (commit_audited(req, db, "schedule.create", e.id, audit_fields(&e)))
		return 0;
	schedule_week_at(e.starts_at, &ad.w);
	resp_redirect(req, admin_url(req, e.unit_id, &ad.w,
				     arena_printf(&req->arena, "&msg=created#lich-%lld", (long long)e.id)));
	return 0;
}

/* What changed between two versions of an entry, for the audit log: {"field": {"from":…, "to":…}}. */
static json_t *changes(const struct schedule_entry *a, const struct schedule_entry *b)
{
	json_t *c = json_object();
	const struct {
		const char *name, *x, *y;
	} texts[] = {
		{ "place", a->place, b->place },       { "meeting_url", a->meeting_url, b->meeting_url },
		{ "chair", a->chair, b->chair },       { "participants", a->participants, b->participants },
		{ "content", a->content, b->content }, { "prepared_by", a->prepared_by, b->prepared_by },
	};
	if (a->starts_at != b->starts_at)
		json_object_set_new(c, "starts_at",
				    json_pack("{s:o,s:o}", "from", dossier_iso(a->starts_at), "to",
					      dossier_iso(b->starts_at)));
	if (a->ends_at != b->ends_at)
		json_object_set_new(c, "ends_at",
				    json_pack("{s:o,s:o}", "from", dossier_iso(a->ends_at), "to",
					      dossier_iso(b->ends_at)));
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (strcmp(texts[i].x, texts[i].y))
			json_object_set_new(c, texts[i].name,
					    json_pack("{s:s,s:s}", "from", texts[i].x, "to", texts[i].y));
	return c;
}

/* A refused change of entry `cur`: the week with the form as typed and `msg`, status 409 or 422. */
static void refuse_edit(struct request *req, struct db *db, struct admin *ad,
			const struct schedule_entry *cur, int status, const char *msg, json_t *errors,
			int with_form)
{
	struct admin_page pg = { 0 };
	ad->unit = cur->unit_id;
	week_after(req, ad, cur);
	pg.editing = with_form && cur->status != SCHEDULE_CANCELLED ? cur->id : 0;
	pg.form = pg.editing ? form_from_post(req) : NULL;
	/* the version now: saving again, knowingly, goes through */
	if (pg.form)
		json_object_set_new(pg.form, "version", json_integer(cur->version));
	pg.errors = errors;
	pg.error = msg;
	admin_render(req, db, status, ad, &pg);
}

static int cancel_entry(struct request *req, struct db *db, struct admin *ad,
			const struct schedule_entry *cur, int version)
{
	const char *reason = NULL, *why = NULL;
	int rc;

	if (schedule_reason_check(&req->arena, req_form(req, "reason"), &reason, &why)) {
		struct admin_page pg = { 0 };
		ad->unit = cur->unit_id;
		schedule_week_at(cur->starts_at, &ad->w);
		pg.cancel_id = cur->id;
		pg.cancel_error = _(why);
		pg.reason = input_trim(req, req_form(req, "reason"));
		pg.error = _("Please correct the fields marked below.");
		admin_render(req, db, 422, ad, &pg);
		return 0;
	}
	if (db_begin(db)) {
		resp_unavailable(req);
		return 0;
	}
	rc = schedule_cancel(db, cur->id, version, reason, req_actor_name(req), req_now(req));
	if (rc) {
		db_rollback(db);
		if (rc < 0)
			resp_unavailable(req);
		else if (rc == SCHEDULE_NOT_FOUND)
			resp_error(req, 404, "not_found", _("There is no such schedule entry."));
		else
			refuse_edit(req, db, ad, cur, 409,
				    rc == SCHEDULE_IS_CANCELLED ? msg_cancelled() : msg_stale(), NULL, 0);
		return 0;
	}
	if (commit_audited(req, db, "schedule.cancel", cur->id,
			   json_pack("{s:I,s:s,s:o,s:s}", "unit", (json_int_t)cur->unit_id, "reason", reason,
				     "starts_at", dossier_iso(cur->starts_at), "content", cur->content)))
		return 0;
	schedule_week_at(cur->starts_at, &ad->w);
	resp_redirect(req,
		      admin_url(req, cur->unit_id, &ad->w,
				arena_printf(&req->arena, "&msg=cancelled#lich-%lld", (long long)cur->id)));
	return 0;
}

/* POST /quan-tri/lich-cong-tac/{id}: save the entry's form, or action=cancel with a reason. */
int page_schedule_update(struct request *req)
{
	struct db *db = db_thread();
	struct admin ad;
	struct schedule_entry cur, e;
	struct schedule_form f;
	const char *action = req_form(req, "action");
	const char *version_s = req_form(req, "version");
	int version = version_s && *version_s ? (int)input_id(version_s) : 0;
	json_t *errors, *diff;
	int rc;

	if (admin_open(req, db, &ad))
		return 0;
	rc = schedule_load(db, &req->arena, req_param_id(req), &cur);
	if (rc < 0) {
		resp_unavailable(req);
		return 0;
	}
	if (rc == SCHEDULE_NOT_FOUND) {
		resp_error(req, 404, "not_found", _("There is no such schedule entry."));
		return 0;
	}
	if (admin_unit_check(req, &ad, cur.unit_id))
		return 0;
	if (version_s && *version_s && version <= 0) {
		refuse_edit(req, db, &ad, &cur, 409, msg_stale(), NULL, 0);
		return 0;
	}
	if (action && !strcmp(action, "cancel"))
		return cancel_entry(req, db, &ad, &cur, version);
	if (action && *action && strcmp(action, "save")) {
		resp_error(req, 400, "bad_request", _("There is no such action."));
		return 0;
	}
	if (cur.status == SCHEDULE_CANCELLED) {
		refuse_edit(req, db, &ad, &cur, 409, msg_cancelled(), NULL, 0);
		return 0;
	}
	e = cur;
	errors = json_object();
	form_read(req, &f);
	if (schedule_check(&req->arena, &f, &e, collect_error, errors)) {
		refuse_edit(req, db, &ad, &cur, 422, _("Please correct the fields marked below."), errors, 1);
		return 0;
	}
	json_decref(errors);
	diff = changes(&cur, &e);
	if (!json_object_size(diff) && (!version || version == cur.version)) {
		json_decref(diff);
		schedule_week_at(cur.starts_at, &ad.w);
		resp_redirect(req, admin_url(req, cur.unit_id, &ad.w,
					     arena_printf(&req->arena, "&msg=unchanged#lich-%lld",
							  (long long)cur.id)));
		return 0;
	}
	if (db_begin(db)) {
		json_decref(diff);
		resp_unavailable(req);
		return 0;
	}
	rc = schedule_update(db, &e, version ? version : cur.version, req_actor_name(req), req_now(req));
	if (rc) {
		db_rollback(db);
		json_decref(diff);
		if (rc < 0)
			resp_unavailable(req);
		else if (rc == SCHEDULE_NOT_FOUND)
			resp_error(req, 404, "not_found", _("There is no such schedule entry."));
		else if (schedule_load(db, &req->arena, cur.id, &cur) < 0)
			resp_unavailable(req);
		else
			refuse_edit(req, db, &ad, &cur, 409,
				    rc == SCHEDULE_IS_CANCELLED ? msg_cancelled() : msg_stale(), NULL, 1);
		return 0;
	}
	if (commit_audited(req, db, "schedule.update", cur.id,
			   json_pack("{s:I,s:i,s:o}", "unit", (json_int_t)cur.unit_id, "version",
				     cur.version + 1, "changes", diff)))
		return 0;
	schedule_week_at(e.starts_at, &ad.w);
	resp_redirect(req, admin_url(req, cur.unit_id, &ad.w,
				     arena_printf(&req->arena, "&msg=updated#lich-%lld", (long long)cur.id)));
	return 0;
}
