/* pages_audit.c: the audit log for those with audit.read: browse, filter, check the chain; /api/v1/audit. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/i18n.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "features/audit.h"
#include "features/authz.h"
#include "store/db.h"
#include "web/app.h"
#include "core/banned.h"

#define AUDIT_PATH	 "/quan-tri/nhat-ky"
#define PAGE_SIZE	 50
#define API_MAX_PER_PAGE 200
#define FILTER_MAX	 AUDIT_MAX_NAME /* a filter longer than any name cannot match */

/* What the known actions mean to people (English message ids). */
static const struct {
	const char *action, *label;
} action_labels[] = {
	{ "session.login", N_("Logged in") },
	{ "session.login_failed", N_("Failed login") },
	{ "session.logout", N_("Logged out") },
	{ "account.register", N_("Citizen registered") },
	{ "citizen.register", N_("Citizen registered") },
	{ "account.create", N_("Account created") },
	{ "account.update", N_("Account changed") },
	{ "account.password", N_("Password set") },
	{ "account.password_change", N_("Password changed") },
	{ "account.password_reset", N_("Password reset") },
	{ "account.disable", N_("Account disabled") },
	{ "role.grant", N_("Role granted") },
	{ "role.revoke", N_("Role revoked") },
	{ "unit.create", N_("Unit added") },
	{ "unit.update", N_("Unit changed") },
	{ "unit.delete", N_("Unit deleted") },
	{ "delegation.create", N_("Power delegated") },
	{ "delegation.revoke", N_("Delegation revoked") },
	{ "token.create", N_("API token created") },
	{ "token.revoke", N_("API token revoked") },
};

static const char *action_label(const char *action)
{
	for (size_t i = 0; i < sizeof(action_labels) / sizeof(action_labels[0]); i++)
		if (!strcmp(action_labels[i].action, action))
			return _(action_labels[i].label);
	return NULL;
}

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

/* "dd/mm/yyyy" (the page) or "yyyy-mm-dd" (a date input, the API), a real day of 2000-2199. 0 or -1. */
static int parse_day(const char *s, struct civil *c)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap;
	memset(c, 0, sizeof(*c));
	if (strlen(s) != 10)
		return -1;
	if (s[2] == '/' && s[5] == '/') {
		if (take_digits(s, 2, &c->day) || take_digits(s + 3, 2, &c->month) ||
		    take_digits(s + 6, 4, &c->year))
			return -1;
	} else if (s[4] == '-' && s[7] == '-') {
		if (take_digits(s, 4, &c->year) || take_digits(s + 5, 2, &c->month) ||
		    take_digits(s + 8, 2, &c->day))
			return -1;
	} else {
		return -1;
	}
	if (c->year < 2000 || c->year > 2199 || c->month < 1 || c->month > 12 || c->day < 1)
		return -1;
	leap = (c->year % 4 == 0 && c->year % 100 != 0) || c->year % 400 == 0;
	return c->day <= mdays[c->month - 1] + (c->month == 2 && leap) ? 0 : -1;
}

/* An entry's `at` ("2026-11-26T17:04:01.123456Z") as "27/11/2026 00:04:01" in Vietnam time; as stored if odd.
 */
static const char *fmt_at(struct request *req, const char *at)
{
	struct civil c = { 0 };
	if (strlen(at) < 20 || at[4] != '-' || at[7] != '-' || at[10] != 'T' || at[13] != ':' ||
	    at[16] != ':' || take_digits(at, 4, &c.year) || take_digits(at + 5, 2, &c.month) ||
	    take_digits(at + 8, 2, &c.day) || take_digits(at + 11, 2, &c.hour) ||
	    take_digits(at + 14, 2, &c.min) || take_digits(at + 17, 2, &c.sec))
		return at;
	time_to_civil(time_from_civil(&c, 0), VN_UTC_OFFSET, &c);
	return arena_printf(&req->arena, "%02d/%02d/%04d %02d:%02d:%02d", c.day, c.month, c.year, c.hour,
			    c.min, c.sec);
}

/* The filters as typed (page or API) and as the query takes them. */
struct audit_filter {
	const char *actor, *action, *object, *from, *to; /* as typed */
	char actor_key[AUDIT_MAX_NAME + 1];		 /* "account:12" for a user name */
	char at_from[32], at_until[32];
	json_t *errors; /* field → translated message */
};

static void filter_error(struct audit_filter *f, const char *field, const char *msgid)
{
	if (!json_object_get(f->errors, field))
		json_object_set_new(f->errors, field, json_string(_(msgid)));
}

/* Read and check the filters; 0, -1 with f->errors, or a negative enum db_rc. */
static int filter_read(struct request *req, struct db *db, struct audit_filter *f)
{
	struct civil from, to;
	int from_ok = 0, to_ok = 0;

	memset(f, 0, sizeof(*f));
	f->errors = json_object();
	f->actor = input_trim(req, req_query(req, "actor"));
	f->action = input_trim(req, req_query(req, "action"));
	f->object = input_trim(req, req_query(req, "object"));
	f->from = input_trim(req, req_query(req, "from"));
	f->to = input_trim(req, req_query(req, "to"));
	if (strlen(f->actor) > AUDIT_MAX_NAME)
		filter_error(f, "actor", N_("This name is too long."));
	if (strlen(f->action) > AUDIT_MAX_NAME)
		filter_error(f, "action", N_("This name is too long."));
	if (strlen(f->object) > AUDIT_MAX_NAME)
		filter_error(f, "object", N_("This name is too long."));
	if (*f->from && parse_day(f->from, &from))
		filter_error(f, "from", N_("Enter a real date, e.g. 25/11/2026."));
	else if (*f->from)
		from_ok = 1;
	if (*f->to && parse_day(f->to, &to))
		filter_error(f, "to", N_("Enter a real date, e.g. 25/11/2026."));
	else if (*f->to)
		to_ok = 1;
	if (from_ok && to_ok &&
	    days_from_civil(to.year, to.month, to.day) < days_from_civil(from.year, from.month, from.day))
		filter_error(f, "to", N_("The end date is before the start date."));
	if (json_object_size(f->errors))
		return -1;
	/* whole days in Vietnam time, as bounds on the UTC times of the log */
	if (from_ok)
		time_iso8601_utc(f->at_from, sizeof(f->at_from),
				 time_from_civil(&from, VN_UTC_OFFSET) * (int64_t)1000000);
	if (to_ok)
		time_iso8601_utc(f->at_until, sizeof(f->at_until),
				 (time_from_civil(&to, VN_UTC_OFFSET) + 86400) * (int64_t)1000000);
	/* a user name stands for its account; "account:12", "cli", "anonymous" are taken as they are */
	snprintf(f->actor_key, sizeof(f->actor_key), "%s", f->actor);
	if (*f->actor && strncmp(f->actor, "account:", 8)) {
		struct db_stmt *st;
		int rc = db_query(db, &st, "SELECT id FROM accounts WHERE username = ?", "s", f->actor);
		if (rc == DB_ROW)
			snprintf(f->actor_key, sizeof(f->actor_key), "account:%" PRId64, db_col_int(st, 0));
		while (rc == DB_ROW)
			rc = db_step(st);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The entries read, before names are looked up. */
struct collected {
	struct request *req;
	json_t *rows;
};

static int collect(const struct audit_entry *e, void *ctx)
{
	struct collected *c = ctx;
	json_t *detail = json_loads(e->detail, 0, NULL);
	json_array_append_new(c->rows, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:o}", "seq", (json_int_t)e->seq,
						 "at", e->at, "actor", e->actor, "unit", e->unit, "action",
						 e->action, "object", e->object, "detail",
						 detail ? detail : json_string(e->detail)));
	return 0;
}

/*
 * The entries the account may read with the filters, newest first, from
 * `offset`, at most `limit`; *out gets an array (owned by the caller) of
 * objects with seq, at, actor, unit, action, object, detail (JSON). Returns
 * 0, 1 after answering (403, 503), or -1 with f->errors to show.
 */
static int audit_read(struct request *req, struct db *db, struct audit_filter *f, int64_t offset, int limit,
		      json_t **out)
{
	const struct unit_tree *tree;
	struct audit_query q = { 0 };
	struct collected c = { req, NULL };
	int64_t *units;
	size_t n;
	int rc;

	*out = NULL;
	memset(f, 0, sizeof(*f));
	if (req_staff_only(req) || req_scope(req, "audit.read", &units, &n))
		return 1;
	if (!n) {
		resp_error(req, 403, "forbidden", _("You do not have permission to do this."));
		return 1;
	}
	if (!(tree = req_units(req)))
		return 1;
	rc = filter_read(req, db, f);
	if (rc == -1)
		return -1;
	if (rc < 0) {
		resp_unavailable(req);
		return 1;
	}
	/* an administrator of a root unit reads everything, entries without a unit too */
	for (size_t i = 0; i < n && !q.all_units; i++) {
		long k = unit_tree_find(tree, units[i]);
		q.all_units = k >= 0 && tree->parent[k] == 0;
	}
	q.units = units;
	q.nunits = n;
	q.actor = f->actor_key;
	q.action_prefix = f->action;
	q.object = f->object;
	q.at_from = f->at_from;
	q.at_until = f->at_until;
	q.offset = offset;
	q.limit = limit;
	c.rows = json_array();
	if (audit_list(db, &q, collect, &c)) {
		json_decref(c.rows);
		resp_unavailable(req);
		return 1;
	}
	*out = c.rows;
	return 0;
}

/* Names for the entries' actors and units (a page holds few distinct ones). 0 or a negative enum db_rc. */
static int add_names(struct request *req, struct db *db, json_t *rows)
{
	json_t *seen = json_object(); /* "account:12" or "unit:5" → [name, full name] */
	size_t i;
	json_t *row;
	int rc = 0;

	json_array_foreach(rows, i, row)
	{
		const char *actor = json_string_value(json_object_get(row, "actor"));
		const char *unit = json_string_value(json_object_get(row, "unit"));
		int64_t id = strncmp(actor, "account:", 8) ? 0 : input_id(actor + 8);
		json_t *known;
		if (id) {
			if (!(known = json_object_get(seen, actor))) {
				struct account a;
				rc = account_load(db, id, &a);
				if (rc < 0)
					break;
				known = rc ? json_null()
					   : json_pack("{s:s,s:s}", "username", a.username, "full_name",
						       a.full_name);
				json_object_set_new(seen, actor, known);
				rc = 0;
			}
			if (json_is_object(known)) {
				json_object_set(row, "actor_username", json_object_get(known, "username"));
				json_object_set(row, "actor_name", json_object_get(known, "full_name"));
			}
		}
		if (*unit) {
			char key[40];
			snprintf(key, sizeof(key), "unit:%s", unit);
			if (!(known = json_object_get(seen, key))) {
				struct db_stmt *st;
				rc = db_query(db, &st, "SELECT name FROM units WHERE id = ?", "i",
					      input_id(unit));
				known = rc == DB_ROW ? json_string(db_col_text(st, 0)) : json_null();
				json_object_set_new(seen, key, known);
				while (rc == DB_ROW)
					rc = db_step(st);
				if (rc < 0)
					break;
				rc = 0;
			}
			if (json_is_string(known))
				json_object_set(row, "unit_name", known);
		}
	}
	json_decref(seen);
	(void)req;
	return rc;
}

int page_audit(struct request *req)
{
	struct db *db = db_thread();
	int64_t page = input_id(req_query(req, "page"));
	const char *verify = req_query(req, "verify");
	struct audit_filter f;
	struct buf link = BUF_INIT;
	json_t *rows = NULL, *ctx;
	size_t i;
	json_t *row;
	int rc;

	if (!db) {
		if (!req_staff_only(req))
			resp_unavailable(req);
		return 0;
	}
	if (page < 1 || page > 1000000)
		page = 1;
	rc = audit_read(req, db, &f, (page - 1) * PAGE_SIZE, PAGE_SIZE + 1, &rows);
	if (rc == 1) {
		json_decref(f.errors);
		return 0;
	}
	if (rows && add_names(req, db, rows)) {
		json_decref(rows);
		json_decref(f.errors);
		resp_unavailable(req);
		return 0;
	}
	ctx = page_context(req, _("Audit log"));
	json_object_set_new(ctx, "filter",
			    json_pack("{s:s,s:s,s:s,s:s,s:s}", "actor", f.actor, "action", f.action, "object",
				      f.object, "from", f.from, "to", f.to));
	if (rc == -1) {
		json_object_set(ctx, "errors", f.errors);
		json_object_set_new(ctx, "error", json_string(_("Please correct the fields marked below.")));
	}
	json_decref(f.errors);
	if (rows) {
		/* the links to the pages around this one keep the filters */
		buf_adds(&link, AUDIT_PATH "?");
		{
			const char *names[] = { "actor", "action", "object", "from", "to" };
			const char *vals[] = { f.actor, f.action, f.object, f.from, f.to };
			for (size_t k = 0; k < 5; k++) {
				if (!*vals[k])
					continue;
				buf_addf(&link, "%s=", names[k]);
				for (const unsigned char *p = (const unsigned char *)vals[k]; *p; p++) {
					if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
					    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_')
						buf_addch(&link, *p);
					else
						buf_addf(&link, "%%%02X", *p);
				}
				buf_addch(&link, '&');
			}
		}
		if (page > 1)
			json_object_set_new(ctx, "prev",
					    json_sprintf("%spage=%lld", link.ptr, (long long)page - 1));
		if (json_array_size(rows) > PAGE_SIZE) {
			json_array_remove(rows, PAGE_SIZE);
			json_object_set_new(ctx, "next",
					    json_sprintf("%spage=%lld", link.ptr, (long long)page + 1));
		}
		buf_release(&link);
		json_array_foreach(rows, i, row)
		{
			const char *action = json_string_value(json_object_get(row, "action"));
			const char *label = action_label(action);
			json_t *detail = json_object_get(row, "detail");
			char *text = json_is_string(detail) ? NULL : json_dumps(detail, JSON_COMPACT);
			json_object_set_new(
				row, "time",
				json_string(fmt_at(req, json_string_value(json_object_get(row, "at")))));
			if (label)
				json_object_set_new(row, "action_label", json_string(label));
			json_object_set_new(row, "detail_text",
					    json_string(text ? (strcmp(text, "{}") ? text : "")
							     : json_string_value(detail)));
			free(text);
		}
		json_object_set_new(ctx, "rows", rows);
		json_object_set_new(ctx, "has_rows", json_boolean(json_array_size(rows) > 0));
	}
	if (rc == 0 && req_can_at_top(req, "audit.read") == 1)
		json_object_set_new(ctx, "can_verify", json_true());
	else
		verify = NULL;
	if (verify && !strcmp(verify, "1") && rc == 0) {
		int64_t good = 0, bad = 0;
		char *why = NULL;
		int vrc = audit_verify(db, &good, &bad, &why);
		if (vrc == 0) {
			json_object_set_new(ctx, "verify_ok",
					    json_sprintf(_("The audit chain is intact: %lld entries."),
							 (long long)good));
		} else if (vrc == AUDIT_BROKEN) {
			json_object_set_new(
				ctx, "verify_broken",
				json_pack(
					"{s:o,s:s}", "message",
					json_sprintf(
						_("The audit chain is broken at entry %lld: it was changed or removed after it was written."),
						(long long)bad),
					"why", why ? why : ""));
			log_error("event=audit_broken seq=%lld id=%s", (long long)bad, req->id);
		} else {
			free(why);
			json_decref(ctx);
			resp_unavailable(req);
			return 0;
		}
		free(why);
	}
	resp_header(req, "Cache-Control", "no-store");
	page_render(req, rc == -1 ? 400 : 200, "audit", ctx);
	return 0;
}

int api_audit_list(struct request *req)
{
	struct db *db = db_thread();
	const char *p = req_query(req, "page"), *pp = req_query(req, "per_page");
	int64_t page = 1, per_page = PAGE_SIZE;
	struct audit_filter f;
	json_t *rows = NULL, *out;
	size_t i;
	json_t *row;
	int rc, more;

	if (p && (page = input_id(p)) < 1) {
		resp_error(req, 400, "bad_page", _("The page must be a number from 1."));
		return 0;
	}
	if (pp && ((per_page = input_id(pp)) < 1 || per_page > API_MAX_PER_PAGE)) {
		resp_error(req, 400, "bad_per_page", _("per_page must be a number from 1 to 200."));
		return 0;
	}
	if (page > INT64_MAX / API_MAX_PER_PAGE) {
		resp_error(req, 400, "bad_page", _("The page must be a number from 1."));
		return 0;
	}
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	rc = audit_read(req, db, &f, (page - 1) * per_page, (int)per_page + 1, &rows);
	if (rc == -1) {
		resp_json(req, 400,
			  json_pack("{s:{s:s,s:s,s:O}}", "error", "code", "invalid", "message",
				    _("Some fields are not valid."), "fields", f.errors));
		json_decref(f.errors);
		return 0;
	}
	json_decref(f.errors);
	if (rc)
		return 0;
	if (add_names(req, db, rows)) {
		json_decref(rows);
		resp_unavailable(req);
		return 0;
	}
	more = json_array_size(rows) > (size_t)per_page;
	if (more)
		json_array_remove(rows, (size_t)per_page);
	json_array_foreach(rows, i, row)
	{
		/* the unit as a number (null for none), like the other resources */
		const char *unit = json_string_value(json_object_get(row, "unit"));
		json_object_set_new(row, "unit", *unit ? json_integer(input_id(unit)) : json_null());
	}
	out = json_pack("{s:o,s:I,s:I,s:b}", "entries", rows, "page", (json_int_t)page, "per_page",
			(json_int_t)per_page, "has_more", more);
	resp_header(req, "Cache-Control", "no-store");
	resp_json(req, 200, out);
	return 0;
}
