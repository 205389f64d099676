/* pages_delegations.c: delegations (ủy quyền, TUQ.): the list, the form, revocation; /api/v1/delegations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/i18n.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "features/authz.h"
#include "store/db.h"
#include "store/counter.h"
#include "web/app.h"
#include "core/banned.h"

#define LIST_PATH	 "/quan-tri/uy-quyen"
#define NOTE_MAX_CHARS	 500
#define REASON_MAX_CHARS 500
#define DECISION_NO_MAX	 50 /* characters: "123/2026/QĐ-UBND" has 16 */
#define PAGE_SIZE	 50
#define API_MAX_PER_PAGE 200

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* ---- dates and times ---- */

/* Exactly n digits at s into *v. */
static int take_digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* A real day of the years this system can mean (2000-2199). */
static int valid_day(const struct civil *c)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (c->year < 2000 || c->year > 2199 || c->month < 1 || c->month > 12 || c->day < 1)
		return 0;
	return c->day <= mdays[c->month - 1] + (c->month == 2 && leap(c->year));
}

/* "YYYY-MM-DD" at the start of s. 0 or -1. */
static int parse_ymd(const char *s, struct civil *c)
{
	memset(c, 0, sizeof(*c));
	if (strnlen(s, 10) < 10 || s[4] != '-' || s[7] != '-' || take_digits(s, 4, &c->year) ||
	    take_digits(s + 5, 2, &c->month) || take_digits(s + 8, 2, &c->day))
		return -1;
	return valid_day(c) ? 0 : -1;
}

/* "dd/mm/yyyy" at the start of s. 0 or -1. */
static int parse_dmy(const char *s, struct civil *c)
{
	memset(c, 0, sizeof(*c));
	if (strnlen(s, 10) < 10 || s[2] != '/' || s[5] != '/' || take_digits(s, 2, &c->day) ||
	    take_digits(s + 3, 2, &c->month) || take_digits(s + 6, 4, &c->year))
		return -1;
	return valid_day(c) ? 0 : -1;
}

/* "HH:MM" or "HH:MM:SS" (with_seconds allowing it) at s; *used gets its length. 0 or -1. */
static int parse_hms(const char *s, struct civil *c, size_t *used)
{
	if (strnlen(s, 5) < 5 || s[2] != ':' || take_digits(s, 2, &c->hour) || take_digits(s + 3, 2, &c->min))
		return -1;
	c->sec = 0;
	*used = 5;
	if (s[5] == ':') {
		if (take_digits(s + 6, 2, &c->sec))
			return -1;
		*used = 8;
	}
	return c->hour < 24 && c->min < 60 && c->sec < 60 ? 0 : -1;
}

/*
 * A time typed in the form, in Vietnam time: what a datetime-local input
 * sends ("2026-11-27T08:00", seconds allowed), or "27/11/2026 08:00" typed
 * by hand where the browser has no such input.
 */
static int parse_local_time(const char *s, int64_t *t)
{
	struct civil c;
	size_t used;
	const char *p;
	if (!parse_ymd(s, &c) && (s[10] == 'T' || s[10] == ' '))
		p = s + 11;
	else if (!parse_dmy(s, &c) && s[10] == ' ')
		p = s + 11;
	else
		return -1;
	if (parse_hms(p, &c, &used) || p[used])
		return -1;
	*t = time_from_civil(&c, VN_UTC_OFFSET);
	return 0;
}

/* ISO 8601 with its offset, as the API takes it: "2026-11-27T08:00:00+07:00", "…Z"; seconds optional. */
static int parse_iso_time(const char *s, int64_t *t)
{
	struct civil c;
	size_t used;
	const char *p;
	int oh, om, offset;
	if (parse_ymd(s, &c) || s[10] != 'T' || parse_hms(s + 11, &c, &used))
		return -1;
	p = s + 11 + used;
	if (p[0] == 'Z' && !p[1]) {
		offset = 0;
	} else if ((p[0] == '+' || p[0] == '-') && strlen(p) == 6 && p[3] == ':' &&
		   !take_digits(p + 1, 2, &oh) && !take_digits(p + 4, 2, &om) && oh <= 14 && om < 60) {
		offset = (oh * 3600 + om * 60) * (p[0] == '-' ? -1 : 1);
	} else {
		return -1;
	}
	*t = time_from_civil(&c, offset);
	return 0;
}

/* "27/11/2026 08:00" in Vietnam time, in the arena. */
static const char *fmt_vn(struct request *req, int64_t t)
{
	struct civil c;
	time_to_civil(t, VN_UTC_OFFSET, &c);
	return arena_printf(&req->arena, "%02d/%02d/%04d %02d:%02d", c.day, c.month, c.year, c.hour, c.min);
}

/* "2026-11-27T08:00:00+07:00", in the arena. */
static const char *fmt_iso(struct request *req, int64_t t)
{
	struct civil c;
	time_to_civil(t, VN_UTC_OFFSET, &c);
	return arena_printf(&req->arena, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", c.year, c.month, c.day,
			    c.hour, c.min, c.sec);
}

/* A stored decision date "2026-11-25" as "25/11/2026"; as stored when it is not such a date. */
static const char *fmt_decision_date(struct request *req, const char *ymd)
{
	struct civil c;
	if (parse_ymd(ymd, &c) || ymd[10])
		return ymd;
	return arena_printf(&req->arena, "%02d/%02d/%04d", c.day, c.month, c.year);
}

/* ---- who and where ---- */

static struct app_req *app_state(struct request *req)
{
	return req->app;
}

/* "Full name" for an audit actor "account:N"; the actor itself otherwise. */
static const char *actor_display(struct request *req, struct db *db, const char *actor)
{
	struct account a;
	int64_t id = strncmp(actor, "account:", 8) ? 0 : input_id(actor + 8);
	if (!strcmp(actor, "cli"))
		return _("command line (motcua)");
	if (id && !account_load(db, id, &a))
		return arena_strdup(&req->arena, a.full_name);
	return actor;
}

/*
 * The title of the head whose power a delegation passes on, as signatures
 * print it: the chairman of a people's committee (ward, commune, district,
 * city, province), the head of a department or section.
 */
static const char *head_title(const char *unit_kind)
{
	if (!strcmp(unit_kind, "department"))
		return "Trưởng phòng";
	if (!strcmp(unit_kind, "onestop"))
		return "Trưởng bộ phận";
	return "Chủ tịch";
}

/* The signing notation the delegate prints (TUQ.), one line each; NULL when it cannot be made. */
static json_t *notation_lines(const struct delegation_info *x)
{
	struct signing s = { SIGN_TUQ, NULL, head_title(x->unit_kind), x->to_position, NULL };
	char out[512];
	json_t *lines;
	const char *p = out;
	if (signing_notation(&s, out, sizeof(out)))
		return NULL;
	lines = json_array();
	while (*p) {
		size_t n = strcspn(p, "\n");
		json_array_append_new(lines, json_stringn(p, n));
		p += n + (p[n] == '\n');
	}
	return lines;
}

/* ---- status ---- */

static const char *const status_names[] = {
	[DELEGATION_ACTIVE] = "active",
	[DELEGATION_PENDING] = "pending",
	[DELEGATION_EXPIRED] = "expired",
	[DELEGATION_REVOKED] = "revoked",
};

/* The status named `s` ("" or NULL: any), or -1. */
static int status_from_name(const char *s)
{
	if (!s || !*s)
		return DELEGATION_ANY;
	for (int i = DELEGATION_ACTIVE; i <= DELEGATION_REVOKED; i++)
		if (!strcmp(s, status_names[i]))
			return i;
	return -1;
}

struct deleg_state {
	int status; /* enum delegation_status */
	int lapsed; /* in its window, but the delegator no longer holds the power: it does not work */
};

static int deleg_state(struct request *req, struct db *db, const struct delegation *d,
		       struct deleg_state *out)
{
	int64_t now = req_now(req);
	int rc;
	out->lapsed = 0;
	if (d->revoked_at)
		out->status = DELEGATION_REVOKED;
	else if (now < d->valid_from)
		out->status = DELEGATION_PENDING;
	else if (now >= d->valid_to)
		out->status = DELEGATION_EXPIRED;
	else
		out->status = DELEGATION_ACTIVE;
	if (out->status == DELEGATION_ACTIVE || out->status == DELEGATION_PENDING) {
		rc = delegation_upheld(db, &req->arena, d, now);
		if (rc < 0)
			return rc;
		out->lapsed = !rc;
	}
	return 0;
}

static const char *status_label(const struct deleg_state *s)
{
	if (s->lapsed)
		return _("No longer in force");
	switch (s->status) {
	case DELEGATION_ACTIVE: return _("In force");
	case DELEGATION_PENDING: return _("Not yet in force");
	case DELEGATION_EXPIRED: return _("No longer in force");
	default: return _("Has been revoked");
	}
}

/* ---- who sees and revokes what ---- */

/* May the logged-in account see this delegation? 1, 0, negative on a database error. */
static int may_see(struct request *req, const struct delegation *d)
{
	const struct account *u = req_user(req);
	/* one's own, unless an API token's scopes leave delegations out */
	if ((u->id == d->from_account || u->id == d->to_account) && req_scope_allows(req, "delegation.read"))
		return 1;
	return req_can(req, "delegation.read", d->unit_id, 0, NULL);
}

/* may_see the other way round, as the loaders answer: 0 when seen, 1 when not (as if it did not exist). */
static int hidden(struct request *req, const struct delegation *d)
{
	int rc = may_see(req, d);
	return rc < 0 ? rc : !rc;
}

/* May the logged-in account revoke it: delegation.revoke at its unit, or he made it. */
static int may_revoke(struct request *req, const struct delegation *d)
{
	if (req_user(req)->id == d->from_account && req_scope_allows(req, "delegation.revoke"))
		return 1;
	return req_can(req, "delegation.revoke", d->unit_id, 0, NULL);
}

/*
 * The delegations the account sees, newest first: made by him, made to him,
 * and those at the units where he has delegation.read. Returns 0, or 1 after
 * answering 503.
 */
static int visible(struct request *req, struct db *db, int status, int64_t offset, int limit,
		   struct delegation_info **out, size_t *n)
{
	struct delegation_query q = { 0 };
	int64_t *units;
	size_t nunits;
	if (req_scope(req, "delegation.read", &units, &nunits))
		return 1;
	/* one's own too, unless an API token's scopes leave delegations out */
	q.account_id = req_scope_allows(req, "delegation.read") ? req_user(req)->id : 0;
	q.units = units;
	q.nunits = nunits;
	q.status = status;
	q.now = req_now(req);
	q.offset = offset;
	q.limit = limit;
	if (delegation_list(db, &req->arena, &q, out, n)) {
		resp_unavailable(req);
		return 1;
	}
	return 0;
}

/* ---- creating ---- */

/* A delegation as typed (form or JSON) and as checked. */
struct deleg_form {
	/* as typed, surrounding white space removed (shown again on the form) */
	const char *power, *unit_id, *to_account, *valid_from, *valid_to, *decision_no, *decision_date, *note;
	int api; /* times as ISO 8601 with offset and dates as YYYY-MM-DD, else as the form sends them */
	/* checked */
	struct delegation d;
	struct account to;
	char date[11];	/* the decision's date, YYYY-MM-DD */
	json_t *errors; /* field name → translated message; empty when all is well */
};

/* The outcome of a create or revoke other than field errors: a status and its message. */
struct outcome {
	int status;
	const char *code;
	const char *message; /* translated */
};

static void field_error(struct deleg_form *f, const char *field, const char *msgid)
{
	if (!json_object_get(f->errors, field))
		json_object_set_new(f->errors, field, json_string(_(msgid)));
}

/* The field a reason of delegation_validate() belongs to. */
static const char *reason_field(const char *msgid)
{
	static const struct {
		const char *msgid, *field;
	} map[] = {
		{ "Choose the official who receives the delegation.", "to_account" },
		{ "A power cannot be delegated to its own holder.", "to_account" },
		{ "Give the number of the written delegation decision.", "decision_no" },
		{ "Give the date of the written delegation decision.", "decision_date" },
		{ "A delegation must end after it starts.", "valid_to" },
		{ "A delegation may last one year at most.", "valid_to" },
		{ "This delegation would already have ended.", "valid_to" },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i].msgid, msgid))
			return map[i].field;
	return "power";
}

/* Decree 30/2020 symbols: "15/QĐ-UBND", "123/2026/QĐ-UBND": a number, '/', a symbol without spaces. */
static int decision_no_ok(const char *s)
{
	size_t digits = strspn(s, "0123456789");
	if (!digits || s[digits] != '/' || !s[digits + 1] || utf8_chars(s) > DECISION_NO_MAX)
		return 0;
	for (const char *p = s + digits + 1; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return 0;
	return 1;
}

/* The official named by id ("12") or user name ("tuphap.nhanchinh"): 0, 1 when none, negative on error. */
static int find_official(struct db *db, const char *s, struct account *out)
{
	int64_t id = input_id(s);
	if (!id) {
		struct db_stmt *st;
		int rc = db_query(db, &st, "SELECT id FROM accounts WHERE username = ?", "s", s);
		if (rc == DB_ROW)
			id = db_col_int(st, 0);
		while (rc == DB_ROW)
			rc = db_step(st);
		if (rc < 0)
			return rc;
		if (!id)
			return 1;
	}
	return account_load(db, id, out);
}

static void check_times(struct deleg_form *f, int64_t now)
{
	const char *bad =
		f->api ? N_("Write the time in ISO 8601 with its offset, e.g. 2026-11-27T08:00:00+07:00.")
		       : N_("Enter a date and time, e.g. 27/11/2026 08:00.");
	int from_ok = 0, to_ok = 0;
	if (!*f->valid_from)
		field_error(f, "valid_from", N_("Enter when the delegation starts."));
	else if ((f->api ? parse_iso_time : parse_local_time)(f->valid_from, &f->d.valid_from))
		field_error(f, "valid_from", bad);
	else
		from_ok = 1;
	if (!*f->valid_to)
		field_error(f, "valid_to", N_("Enter when the delegation ends."));
	else if ((f->api ? parse_iso_time : parse_local_time)(f->valid_to, &f->d.valid_to))
		field_error(f, "valid_to", bad);
	else
		to_ok = 1;
	if (to_ok && f->d.valid_to <= now)
		field_error(f, "valid_to", N_("This delegation would already have ended."));
	else if (from_ok && to_ok && f->d.valid_to <= f->d.valid_from)
		field_error(f, "valid_to", N_("A delegation must end after it starts."));
	else if (from_ok && to_ok && f->d.valid_to - f->d.valid_from > DELEGATION_MAX_SECONDS)
		field_error(f, "valid_to", N_("A delegation may last one year at most."));
}

/* The decision's date: YYYY-MM-DD (the API, a date input), or dd/mm/yyyy typed in the form. */
static int parse_decision_date(const char *s, int api, struct civil *c)
{
	if (!parse_ymd(s, c) && !s[10])
		return 0;
	if (!api && !parse_dmy(s, c) && !s[10])
		return 0;
	return -1;
}

static void check_decision(struct deleg_form *f, int64_t now)
{
	struct civil c, today;
	if (!*f->decision_no)
		field_error(f, "decision_no", N_("Give the number of the written delegation decision."));
	else if (!decision_no_ok(f->decision_no))
		field_error(f, "decision_no",
			    N_("Write the decision's number as it is printed, e.g. 15/QĐ-UBND."));
	if (!*f->decision_date) {
		field_error(f, "decision_date", N_("Give the date of the written delegation decision."));
		return;
	}
	if (parse_decision_date(f->decision_date, f->api, &c)) {
		field_error(f, "decision_date",
			    f->api ? N_("Write the date as YYYY-MM-DD, e.g. 2026-11-25.")
				   : N_("Enter a real date, e.g. 25/11/2026."));
		return;
	}
	time_to_civil(now, VN_UTC_OFFSET, &today);
	if (days_from_civil(c.year, c.month, c.day) > days_from_civil(today.year, today.month, today.day)) {
		field_error(f, "decision_date", N_("The decision cannot be dated in the future."));
		return;
	}
	snprintf(f->date, sizeof(f->date), "%04d-%02d-%02d", c.year, c.month, c.day);
}

/*
 * Check every field, collecting all the errors, and whether the account may
 * delegate this power at this unit (o->status 403 when not). Returns 0 when
 * all is well; -1 with the errors in f->errors, or with *o set.
 */
static int deleg_validate(struct request *req, struct db *db, struct deleg_form *f, struct outcome *o)
{
	const struct account *me = req_user(req);
	const struct unit_tree *tree = req_units(req);
	int64_t now = req_now(req), *scope, unit = 0;
	const struct delegation *via = NULL;
	const char *why = NULL;
	size_t nscope;
	int power_ok = 0, rc;
	long ui;

	f->errors = json_object();
	memset(&f->d, 0, sizeof(f->d));
	f->d.from_account = me->id;
	if (!tree || req_scope(req, "delegation.create", &scope, &nscope))
		goto unavailable;

	if (!*f->power)
		field_error(f, "power", N_("Choose the power to delegate."));
	else if (!permission_known(f->power))
		field_error(f, "power", N_("This power is unknown."));
	else if (!permission_delegable(f->power))
		field_error(f, "power", N_("This power cannot be delegated."));
	else
		power_ok = 1;
	f->d.power = f->power;

	if (!*f->unit_id)
		field_error(f, "unit_id", N_("Choose the unit where the power is delegated."));
	else if (!(unit = input_id(f->unit_id)) || (ui = unit_tree_find(tree, unit)) < 0)
		field_error(f, "unit_id", N_("There is no such unit."));
	else if (!tree->active[ui])
		field_error(f, "unit_id", N_("This unit is no longer active."));
	else
		f->d.unit_id = unit;

	/* who may not delegate here learns nothing more about the fields */
	rc = f->d.unit_id ? req_can(req, "delegation.create", f->d.unit_id, 0, NULL) : nscope > 0;
	if (rc < 0)
		goto unavailable;
	if (!rc) {
		int held = power_ok && f->d.unit_id ? req_can(req, f->power, f->d.unit_id, 0, &via) : 0;
		if (held < 0)
			goto unavailable;
		o->status = 403;
		o->code = "forbidden";
		/* Decree 30/2020/NĐ-CP art. 13: the delegate exercises the power himself only */
		o->message =
			held && via
				? _("A power held by delegation cannot be delegated further.")
				: _("Only the leader of a unit can delegate its powers, and only at that unit.");
		return -1;
	}

	if (!*f->to_account) {
		field_error(f, "to_account", N_("Choose the official who receives the delegation."));
	} else {
		rc = find_official(db, f->to_account, &f->to);
		if (rc < 0)
			goto unavailable;
		if (rc || strcmp(f->to.kind, "staff"))
			field_error(f, "to_account", N_("There is no such official."));
		else if (!f->to.active)
			field_error(f, "to_account", N_("This official's account is disabled."));
		else if (f->to.id == me->id)
			field_error(f, "to_account", N_("A power cannot be delegated to its own holder."));
		else if (f->d.unit_id && !unit_tree_within(tree, f->to.unit_id, f->d.unit_id))
			field_error(f, "to_account",
				    N_("The official must work at this unit or at a unit under it."));
		else
			f->d.to_account = f->to.id;
	}
	check_times(f, now);
	check_decision(f, now);
	/* a delegation starts with its written decision, not before it */
	if (f->date[0] && *f->valid_from && !json_object_get(f->errors, "valid_from")) {
		int y = 0, m = 0, d = 0;
		if (sscanf(f->date, "%4d-%2d-%2d", &y, &m, &d) == 3 &&
		    f->d.valid_from < days_from_civil(y, m, d) * 86400 - VN_UTC_OFFSET)
			field_error(f, "valid_from",
				    N_("A delegation cannot start before the date of its decision."));
	}
	f->d.decision_no = f->decision_no;
	f->d.decision_date = f->date;
	if (utf8_chars(f->note) > NOTE_MAX_CHARS)
		field_error(f, "note", N_("The note may have at most 500 characters."));
	if (json_object_size(f->errors))
		return -1;

	/* the rules of the permission table, with the delegator as can() sees him */
	rc = req_can(req, f->power, f->d.unit_id, 0, &via);
	if (rc < 0 || !app_state(req)->actor_loaded)
		goto unavailable;
	f->d.from_is_delegate = rc == 1 && via;
	if (delegation_validate(&f->d, &app_state(req)->actor, now, &why)) {
		field_error(f, reason_field(why), why);
		return -1;
	}
	return 0;
unavailable:
	o->status = 503;
	o->code = "db_unavailable";
	o->message = msg_unavailable();
	return -1;
}

/* The audit entry's detail: what was delegated (no personal data beyond account ids). */
static char *create_detail(const struct deleg_form *f)
{
	json_t *j = json_pack("{s:s,s:I,s:I,s:I,s:I,s:s,s:s}", "power", f->d.power, "unit_id",
			      (json_int_t)f->d.unit_id, "to_account", (json_int_t)f->d.to_account,
			      "valid_from", (json_int_t)f->d.valid_from, "valid_to",
			      (json_int_t)f->d.valid_to, "decision_no", f->d.decision_no, "decision_date",
			      f->d.decision_date);
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return s;
}

/*
 * Validate and record a delegation with its audit entry, in one
 * transaction. Returns 0 with *id; -1 with field errors in f->errors (422)
 * or with *o set (403, 503).
 */
static int deleg_create(struct request *req, struct deleg_form *f, struct outcome *o, int64_t *id)
{
	struct db *db = db_thread();
	int64_t overlap = 0;
	char *detail = NULL;
	int rc;

	memset(o, 0, sizeof(*o));
	if (!db) {
		f->errors = json_object();
		o->status = 503;
		o->code = "db_unavailable";
		o->message = msg_unavailable();
		return -1;
	}
	if (deleg_validate(req, db, f, o))
		return -1;
	rc = db_begin(db);
	if (!rc) {
		int64_t lock;
		/* in the transaction, under a lock row (PostgreSQL too), so that two posts cannot both pass
		 */
		rc = counter_next(db, "lock", "delegations", "", &lock);
		if (!rc)
			rc = delegation_find_overlap(db, &f->d, &overlap);
		if (rc == 0) {
			db_rollback(db);
			json_object_set_new(
				f->errors, "valid_from",
				json_string(arena_printf(
					&req->arena,
					_("This official already holds this power at this unit for part of this time (delegation %lld)."),
					(long long)overlap)));
			return -1;
		}
		if (rc == 1)
			rc = delegation_add(db, &f->d, f->note, req_actor_name(req), req_now(req), id);
	}
	if (!rc) {
		detail = create_detail(f);
		rc = req_audit(req, db, NULL, "delegation.create",
			       arena_printf(&req->arena, "delegation:%lld", (long long)*id), detail);
		free(detail);
	}
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		log_error("event=db msg=\"delegation not recorded\" id=%s", req->id);
		o->status = 503;
		o->code = "db_unavailable";
		o->message = msg_unavailable();
		return -1;
	}
	log_info("event=delegation_create delegation=%lld id=%s", (long long)*id, req->id);
	return 0;
}

/* ---- revoking ---- */

/*
 * Revoke delegation `id` from this second on, with its audit entry. Returns
 * 0; or -1 with *o set (404, 403, 409, 503), or with o->status 422 and the
 * reason's message in o->message.
 */
static int deleg_revoke(struct request *req, int64_t id, const char *reason, struct outcome *o)
{
	struct db *db = db_thread();
	struct delegation d;
	json_t *j;
	char *detail;
	int rc;

	memset(o, 0, sizeof(*o));
	o->status = 503;
	o->code = "db_unavailable";
	o->message = msg_unavailable();
	if (!db)
		return -1;
	rc = id ? delegation_load(db, &req->arena, id, &d) : 1;
	if (rc < 0)
		return -1;
	if (rc == 0)
		rc = hidden(req, &d);
	if (rc < 0)
		return -1;
	if (rc) {
		o->status = 404;
		o->code = "not_found";
		o->message = _("There is no such delegation.");
		return -1;
	}
	rc = may_revoke(req, &d);
	if (rc < 0)
		return -1;
	if (!rc) {
		o->status = 403;
		o->code = "forbidden";
		o->message = _(
			"Only the delegator or a leader or administrator of its unit can revoke a delegation.");
		return -1;
	}
	if (d.revoked_at) {
		o->status = 409;
		o->code = "already_revoked";
		o->message = _("This delegation has already been revoked.");
		return -1;
	}
	if (d.valid_to <= req_now(req)) {
		o->status = 409;
		o->code = "ended";
		o->message = _("This delegation has already ended.");
		return -1;
	}
	if (!*reason || utf8_chars(reason) > REASON_MAX_CHARS || has_control(reason)) {
		o->status = 422;
		o->code = "invalid";
		o->message = !*reason ? _("Give the reason for the revocation.")
				      : _("The reason may have at most 500 characters, on one line.");
		return -1;
	}
	j = json_pack("{s:s}", "reason", reason);
	detail = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	rc = db_begin(db);
	if (!rc)
		rc = delegation_revoke_row(db, id, req_actor_name(req), reason, req_now(req));
	if (rc == 1) {
		/* revoked by someone else since it was read */
		db_rollback(db);
		free(detail);
		o->status = 409;
		o->code = "already_revoked";
		o->message = _("This delegation has already been revoked.");
		return -1;
	}
	if (!rc)
		rc = req_audit(req, db, NULL, "delegation.revoke",
			       arena_printf(&req->arena, "delegation:%lld", (long long)id), detail);
	if (!rc)
		rc = db_commit(db);
	free(detail);
	if (rc) {
		db_rollback(db);
		log_error("event=db msg=\"delegation not revoked\" id=%s", req->id);
		return -1;
	}
	log_info("event=delegation_revoke delegation=%lld id=%s", (long long)id, req->id);
	o->status = 200;
	return 0;
}

/* ---- the pages ---- */

/* The units where the account may delegate, and the powers he holds there by his own grant. */
struct create_choices {
	json_t *powers, *units, *officials;
};

static void mark_selected(json_t *options, const char *value)
{
	size_t i;
	json_t *o;
	json_array_foreach(options, i, o)
	{
		if (value && !strcmp(json_string_value(json_object_get(o, "value")), value))
			json_object_set_new(o, "selected", json_true());
	}
}

/* The choices of the form; 0, or 1 after answering (403, 503). */
static int create_choices(struct request *req, struct db *db, const struct deleg_form *f,
			  struct create_choices *c)
{
	const struct account *me = req_user(req);
	const struct unit_tree *tree = req_units(req);
	struct db_stmt *st;
	int64_t *scope;
	size_t nscope;
	int rc;

	memset(c, 0, sizeof(*c));
	if (!tree || req_scope(req, "delegation.create", &scope, &nscope))
		return 1;
	if (!nscope) {
		resp_error(req, 403, "forbidden",
			   _("Only the leader of a unit can delegate its powers, and only at that unit."));
		return 1;
	}
	c->powers = json_array();
	c->units = json_array();
	c->officials = json_array();
	for (size_t i = 0; permission_action(i); i++) {
		const char *action = permission_action(i);
		int held = 0;
		if (!permission_delegable(action))
			continue;
		for (size_t k = 0; k < nscope && !held; k++) {
			const struct delegation *via = NULL;
			held = req_can(req, action, scope[k], 0, &via) == 1 && !via;
		}
		if (held)
			json_array_append_new(c->powers, json_pack("{s:s,s:s}", "value", action, "label",
								   _(permission_label(action))));
	}
	for (size_t k = 0; k < nscope; k++) {
		rc = db_query(db, &st, "SELECT name FROM units WHERE id = ?", "i", scope[k]);
		if (rc == DB_ROW)
			json_array_append_new(
				c->units, json_pack("{s:s,s:s}", "value",
						    arena_printf(&req->arena, "%lld", (long long)scope[k]),
						    "label", db_col_text(st, 0)));
		while (rc == DB_ROW)
			rc = db_step(st);
		if (rc < 0)
			goto unavailable;
	}
	rc = db_query(db, &st,
		      "SELECT a.id, a.full_name, a.position, a.unit_id, u.name FROM accounts a "
		      "JOIN units u ON u.id = a.unit_id WHERE a.kind = 'staff' AND a.active = 1 "
		      "ORDER BY a.full_name, a.id",
		      "");
	for (; rc == DB_ROW; rc = db_step(st)) {
		int64_t id = db_col_int(st, 0), unit = db_col_int(st, 3);
		int within = 0;
		for (size_t k = 0; k < nscope && !within; k++)
			within = unit_tree_within(tree, unit, scope[k]);
		if (id == me->id || !within)
			continue;
		json_array_append_new(c->officials,
				      json_pack("{s:s,s:s,s:s,s:s}", "value",
						arena_printf(&req->arena, "%lld", (long long)id), "name",
						db_col_text(st, 1), "position", db_col_text(st, 2), "unit",
						db_col_text(st, 4)));
	}
	if (rc < 0)
		goto unavailable;
	mark_selected(c->powers, f ? f->power : NULL);
	mark_selected(c->units, f ? f->unit_id : NULL);
	mark_selected(c->officials, f ? f->to_account : NULL);
	return 0;
unavailable:
	json_decref(c->powers);
	json_decref(c->units);
	json_decref(c->officials);
	resp_unavailable(req);
	return 1;
}

static void render_new(struct request *req, struct db *db, int status, const struct deleg_form *f)
{
	struct create_choices c;
	json_t *ctx;
	if (create_choices(req, db, f, &c))
		return;
	ctx = page_context(req, _("New delegation"));
	json_object_set_new(ctx, "csrf", json_string(req_csrf(req)));
	json_object_set_new(ctx, "powers", c.powers);
	json_object_set_new(ctx, "units", c.units);
	json_object_set_new(ctx, "officials", c.officials);
	json_object_set_new(ctx, "form",
			    json_pack("{s:s,s:s,s:s,s:s,s:s}", "valid_from", f ? f->valid_from : "",
				      "valid_to", f ? f->valid_to : "", "decision_no",
				      f ? f->decision_no : "", "decision_date", f ? f->decision_date : "",
				      "note", f ? f->note : ""));
	if (f && f->errors && json_object_size(f->errors)) {
		json_object_set(ctx, "errors", f->errors);
		json_object_set_new(ctx, "error", json_string(_("Please correct the fields marked below.")));
	}
	resp_header(req, "Cache-Control", "no-store");
	page_render(req, status, "delegation_new", ctx);
}

int page_delegation_new(struct request *req)
{
	struct db *db = db_thread();
	if (req_staff_only(req))
		return 0;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	render_new(req, db, 200, NULL);
	return 0;
}

static void form_from_request(struct request *req, struct deleg_form *f)
{
	memset(f, 0, sizeof(*f));
	f->power = input_trim(req, req_form(req, "power"));
	f->unit_id = input_trim(req, req_form(req, "unit_id"));
	f->to_account = input_trim(req, req_form(req, "to_account"));
	f->valid_from = input_trim(req, req_form(req, "valid_from"));
	f->valid_to = input_trim(req, req_form(req, "valid_to"));
	f->decision_no = input_trim(req, req_form(req, "decision_no"));
	f->decision_date = input_trim(req, req_form(req, "decision_date"));
	f->note = input_trim(req, req_form(req, "note"));
}

int page_delegation_create(struct request *req)
{
	struct db *db = db_thread();
	struct deleg_form f;
	struct outcome o;
	int64_t id = 0;

	if (req_staff_only(req))
		return 0;
	form_from_request(req, &f);
	if (!deleg_create(req, &f, &o, &id)) {
		json_decref(f.errors);
		resp_redirect(req, arena_printf(&req->arena, LIST_PATH "?ok=created#uq-%lld", (long long)id));
		return 0;
	}
	if (o.status)
		resp_error(req, o.status, o.code, o.message);
	else
		render_new(req, db, 422, &f);
	json_decref(f.errors);
	return 0;
}

/* One row of the list page. */
static json_t *row_json(struct request *req, struct db *db, const struct delegation_info *x, int *err)
{
	struct deleg_state s;
	json_t *row, *lines;
	int rc = 0;

	*err = 0;
	if (deleg_state(req, db, &x->d, &s) || (rc = may_revoke(req, &x->d)) < 0) {
		*err = 1;
		return NULL;
	}
	row = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)x->d.id,
			"from_name", x->from_name, "from_position", x->from_position, "to_name", x->to_name,
			"to_position", x->to_position, "power", _(permission_label(x->d.power)), "unit",
			x->unit_name, "from", fmt_vn(req, x->d.valid_from), "to", fmt_vn(req, x->d.valid_to),
			"decision_no", x->d.decision_no, "decision_date",
			fmt_decision_date(req, x->d.decision_date), "status",
			s.lapsed ? "lapsed" : status_names[s.status], "status_label", status_label(&s));
	if (*x->note)
		json_object_set_new(row, "note", json_string(x->note));
	if (s.lapsed)
		json_object_set_new(row, "lapsed", json_true());
	if (s.status == DELEGATION_REVOKED)
		json_object_set_new(row, "revoked",
				    json_pack("{s:s,s:s,s:s}", "by", actor_display(req, db, x->revoked_by),
					      "at", fmt_vn(req, x->d.revoked_at), "reason",
					      x->revoke_reason));
	if (s.status == DELEGATION_ACTIVE && !s.lapsed && (lines = notation_lines(x)))
		json_object_set_new(row, "notation", json_pack("{s:o}", "lines", lines));
	if (rc && (s.status == DELEGATION_ACTIVE || s.status == DELEGATION_PENDING))
		json_object_set_new(row, "can_revoke", json_true());
	return row;
}

/*
 * The list page; a failed revocation (revoke_id, with its message) shows
 * again by its row with the reason typed.
 */
static void render_list(struct request *req, int status, int64_t revoke_id, const char *reason,
			const char *revoke_error)
{
	struct db *db = db_thread();
	const char *sname = req_query(req, "status"), *ok = req_query(req, "ok");
	int st = status_from_name(sname);
	int64_t page = input_id(req_query(req, "page")), *scope;
	struct delegation_info *list;
	size_t n, nscope;
	json_t *ctx, *rows, *filters;

	if (!db) {
		resp_unavailable(req);
		return;
	}
	if (st < 0)
		st = DELEGATION_ANY;
	if (page < 1 || page > 100000)
		page = 1;
	if (visible(req, db, st, (page - 1) * PAGE_SIZE, PAGE_SIZE + 1, &list, &n) ||
	    req_scope(req, "delegation.create", &scope, &nscope))
		return;
	rows = json_array();
	for (size_t i = 0; i < n && i < PAGE_SIZE; i++) {
		int err;
		json_t *row = row_json(req, db, &list[i], &err);
		if (err) {
			json_decref(rows);
			resp_unavailable(req);
			return;
		}
		if (list[i].d.id == revoke_id) {
			json_object_set_new(row, "reason", json_string(reason));
			json_object_set_new(row, "revoke_error", json_string(revoke_error));
		}
		json_array_append_new(rows, row);
	}
	ctx = page_context(req, _("Delegations"));
	json_object_set_new(ctx, "csrf", json_string(req_csrf(req)));
	json_object_set_new(ctx, "rows", rows);
	json_object_set_new(ctx, "has_rows", json_boolean(json_array_size(rows) > 0));
	json_object_set_new(ctx, "can_create", json_boolean(nscope > 0));
	filters = json_array();
	for (int i = DELEGATION_ANY; i <= DELEGATION_REVOKED; i++) {
		static const char *const labels[] = { N_("All"), N_("In force"), N_("Not yet in force"),
						      N_("No longer in force"), N_("Has been revoked") };
		json_t *o = json_pack("{s:s,s:s}", "value", i ? status_names[i] : "", "label", _(labels[i]));
		if (i == st)
			json_object_set_new(o, "selected", json_true());
		json_array_append_new(filters, o);
	}
	json_object_set_new(ctx, "statuses", filters);
	if (page > 1)
		json_object_set_new(ctx, "prev",
				    json_string(arena_printf(&req->arena, LIST_PATH "?status=%s&page=%lld",
							     st ? status_names[st] : "",
							     (long long)page - 1)));
	if (n > PAGE_SIZE)
		json_object_set_new(ctx, "next",
				    json_string(arena_printf(&req->arena, LIST_PATH "?status=%s&page=%lld",
							     st ? status_names[st] : "",
							     (long long)page + 1)));
	if (ok && !strcmp(ok, "created"))
		json_object_set_new(ctx, "notice", json_string(_("The delegation has been recorded.")));
	else if (ok && !strcmp(ok, "revoked"))
		json_object_set_new(ctx, "notice", json_string(_("The delegation has been revoked.")));
	if (revoke_error)
		json_object_set_new(ctx, "error", json_string(revoke_error));
	resp_header(req, "Cache-Control", "no-store");
	page_render(req, status, "delegations", ctx);
}

int page_delegations(struct request *req)
{
	if (req_staff_only(req))
		return 0;
	render_list(req, 200, 0, NULL, NULL);
	return 0;
}

int page_delegation_revoke(struct request *req)
{
	int64_t id = input_id(req_param(req, "id"));
	const char *reason = input_trim(req, req_form(req, "reason"));
	struct outcome o;

	if (req_staff_only(req))
		return 0;
	if (!deleg_revoke(req, id, reason, &o)) {
		resp_redirect(req, arena_printf(&req->arena, LIST_PATH "?ok=revoked#uq-%lld", (long long)id));
		return 0;
	}
	if (o.status == 422)
		render_list(req, 422, id, reason, o.message);
	else
		resp_error(req, o.status, o.code, o.message);
	return 0;
}

/* ---- the API ---- */

static json_t *person_json(int64_t id, const char *username, const char *name, const char *position)
{
	return json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)id, "username", username, "full_name", name,
			 "position", position);
}

/* A delegation for the API; NULL after a database error. */
static json_t *api_json(struct request *req, struct db *db, const struct delegation_info *x)
{
	struct deleg_state s;
	json_t *o, *lines;
	if (deleg_state(req, db, &x->d, &s))
		return NULL;
	o = json_pack("{s:I,s:s,s:s,s:{s:I,s:s},s:o,s:o,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "id",
		      (json_int_t)x->d.id, "power", x->d.power, "power_label",
		      _(permission_label(x->d.power)), "unit", "id", (json_int_t)x->d.unit_id, "name",
		      x->unit_name, "from",
		      person_json(x->d.from_account, x->from_username, x->from_name, x->from_position), "to",
		      person_json(x->d.to_account, x->to_username, x->to_name, x->to_position), "valid_from",
		      fmt_iso(req, x->d.valid_from), "valid_to", fmt_iso(req, x->d.valid_to), "decision_no",
		      x->d.decision_no, "decision_date", x->d.decision_date, "note", x->note, "status",
		      s.lapsed ? "lapsed" : status_names[s.status], "created_by", x->created_by, "created_at",
		      (json_int_t)x->created_at);
	if (s.status == DELEGATION_REVOKED)
		json_object_set_new(o, "revoked",
				    json_pack("{s:s,s:s,s:s}", "by", x->revoked_by, "at",
					      fmt_iso(req, x->d.revoked_at), "reason", x->revoke_reason));
	else
		json_object_set_new(o, "revoked", json_null());
	if (s.status == DELEGATION_ACTIVE && !s.lapsed && (lines = notation_lines(x))) {
		struct buf b = BUF_INIT;
		size_t i;
		json_t *l;
		json_array_foreach(lines, i, l)
		{
			buf_addf(&b, "%s%s", i ? "\n" : "", json_string_value(l));
		}
		json_object_set_new(o, "signing_notation", json_string(b.ptr));
		buf_release(&b);
		json_decref(lines);
	} else {
		json_object_set_new(o, "signing_notation", json_null());
	}
	return o;
}

/* ?page=&per_page= as the API takes them; 0, or 1 after answering 400. */
static int api_paging(struct request *req, int64_t *page, int *per_page)
{
	const char *p = req_query(req, "page"), *pp = req_query(req, "per_page");
	*page = 1;
	*per_page = PAGE_SIZE;
	if (p && (*page = input_id(p)) < 1) {
		resp_error(req, 400, "bad_page", _("The page must be a number from 1."));
		return 1;
	}
	if (pp) {
		int64_t v = input_id(pp);
		if (v < 1 || v > API_MAX_PER_PAGE) {
			resp_error(req, 400, "bad_per_page", _("per_page must be a number from 1 to 200."));
			return 1;
		}
		*per_page = (int)v;
	}
	if (*page > INT64_MAX / API_MAX_PER_PAGE) {
		resp_error(req, 400, "bad_page", _("The page must be a number from 1."));
		return 1;
	}
	return 0;
}

int api_delegations_list(struct request *req)
{
	struct db *db = db_thread();
	int st = status_from_name(req_query(req, "status"));
	struct delegation_info *list;
	int64_t page;
	int per_page;
	size_t n;
	json_t *arr;

	if (req_staff_only(req))
		return 0;
	if (st < 0) {
		resp_error(req, 400, "bad_status",
			   _("The status must be active, pending, expired or revoked."));
		return 0;
	}
	if (api_paging(req, &page, &per_page))
		return 0;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	if (visible(req, db, st, (page - 1) * per_page, per_page + 1, &list, &n))
		return 0;
	arr = json_array();
	for (size_t i = 0; i < n && i < (size_t)per_page; i++) {
		json_t *o = api_json(req, db, &list[i]);
		if (!o) {
			json_decref(arr);
			resp_unavailable(req);
			return 0;
		}
		/* "active" means working: not those whose delegator has lost the power */
		if (st == DELEGATION_ACTIVE &&
		    !strcmp(json_string_value(json_object_get(o, "status")), "lapsed")) {
			json_decref(o);
			continue;
		}
		json_array_append_new(arr, o);
	}
	resp_header(req, "Cache-Control", "no-store");
	resp_json(req, 200,
		  json_pack("{s:o,s:I,s:i,s:b}", "delegations", arr, "page", (json_int_t)page, "per_page",
			    per_page, "has_more", n > (size_t)per_page));
	return 0;
}

/* A string field of the JSON body, or an integer as its decimal text; NULL when absent. -1 for another type.
 */
static int json_field(struct request *req, const char *name, const char **out)
{
	json_t *v = json_object_get(req->json, name);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_string(v)) {
		*out = input_trim(req, json_string_value(v));
		return 0;
	}
	if (json_is_integer(v)) {
		*out = arena_printf(&req->arena, "%lld", (long long)json_integer_value(v));
		return 0;
	}
	return -1;
}

int api_delegations_create(struct request *req)
{
	static const char *const names[] = { "power",	 "unit_id",	"to_account",	 "valid_from",
					     "valid_to", "decision_no", "decision_date", "note" };
	const char *vals[8];
	struct deleg_form f;
	struct delegation_info x;
	struct outcome o;
	struct db *db;
	int64_t id = 0;
	json_t *out;
	int bad = !json_is_object(req->json);

	if (req_staff_only(req))
		return 0;
	for (size_t i = 0; i < 8 && !bad; i++)
		bad = json_field(req, names[i], &vals[i]);
	if (bad) {
		resp_error(
			req, 400, "bad_request",
			_("Send a JSON object with power, unit_id, to_account, valid_from, valid_to, decision_no, decision_date and note."));
		return 0;
	}
	memset(&f, 0, sizeof(f));
	f.api = 1;
	f.power = vals[0] ? vals[0] : "";
	f.unit_id = vals[1] ? vals[1] : "";
	f.to_account = vals[2] ? vals[2] : "";
	f.valid_from = vals[3] ? vals[3] : "";
	f.valid_to = vals[4] ? vals[4] : "";
	f.decision_no = vals[5] ? vals[5] : "";
	f.decision_date = vals[6] ? vals[6] : "";
	f.note = vals[7] ? vals[7] : "";
	if (deleg_create(req, &f, &o, &id)) {
		if (o.status)
			resp_error(req, o.status, o.code, o.message);
		else
			resp_json(req, 422,
				  json_pack("{s:{s:s,s:s,s:O}}", "error", "code", "invalid", "message",
					    _("Some fields are not valid."), "fields", f.errors));
		json_decref(f.errors);
		return 0;
	}
	json_decref(f.errors);
	db = db_thread();
	if (!db || delegation_info_load(db, &req->arena, id, &x) || !(out = api_json(req, db, &x))) {
		resp_unavailable(req);
		return 0;
	}
	resp_header(req, "Location", arena_printf(&req->arena, "/api/v1/delegations/%lld", (long long)id));
	resp_header(req, "Cache-Control", "no-store");
	resp_json(req, 201, out);
	return 0;
}

int api_delegation_get(struct request *req)
{
	struct db *db = db_thread();
	int64_t id = input_id(req_param(req, "id"));
	struct delegation_info x;
	json_t *out;
	int rc;

	if (req_staff_only(req))
		return 0;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	rc = id ? delegation_info_load(db, &req->arena, id, &x) : 1;
	if (!rc)
		rc = hidden(req, &x.d);
	if (rc < 0) {
		resp_unavailable(req);
		return 0;
	}
	if (rc) {
		resp_error(req, 404, "not_found", _("There is no such delegation."));
		return 0;
	}
	if (!(out = api_json(req, db, &x))) {
		resp_unavailable(req);
		return 0;
	}
	resp_header(req, "Cache-Control", "no-store");
	resp_json(req, 200, out);
	return 0;
}

int api_delegation_revoke(struct request *req)
{
	int64_t id = input_id(req_param(req, "id"));
	json_t *r = json_is_object(req->json) ? json_object_get(req->json, "reason") : NULL;
	struct delegation_info x;
	struct outcome o;
	struct db *db;
	json_t *out;

	if (req_staff_only(req))
		return 0;
	if (!json_is_object(req->json) || (r && !json_is_string(r))) {
		resp_error(req, 400, "bad_request", _("Send a JSON object with the reason as a string."));
		return 0;
	}
	if (deleg_revoke(req, id, input_trim(req, r ? json_string_value(r) : NULL), &o)) {
		if (o.status == 422)
			resp_json(req, 422,
				  json_pack("{s:{s:s,s:s,s:{s:s}}}", "error", "code", "invalid", "message",
					    _("Some fields are not valid."), "fields", "reason", o.message));
		else
			resp_error(req, o.status, o.code, o.message);
		return 0;
	}
	db = db_thread();
	if (!db || delegation_info_load(db, &req->arena, id, &x) || !(out = api_json(req, db, &x))) {
		resp_unavailable(req);
		return 0;
	}
	resp_header(req, "Cache-Control", "no-store");
	resp_json(req, 200, out);
	return 0;
}
