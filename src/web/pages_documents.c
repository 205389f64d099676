/*
 * pages_documents.c: the e-office's home (/van-ban) and its statistics: GET /api/v1/stats/documents
 * and the page /van-ban/thong-ke. The figures come from doc_stats (features/doc_stats.h), written
 * as documents move, so they add up: incoming registered and outgoing issued per type, the
 * withdrawn, and the on-time handling of incoming documents assigned with a deadline, for an
 * agency (with the agencies below it the user may see), split by its departments, or for one
 * department.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/i18n.h"
#include "core/timefmt.h"
#include "features/authz.h"
#include "features/doc_stats.h"
#include "features/org.h"
#include "rules/document.h"
#include "store/db.h"
#include "web/app.h"
#include "web/doc_common.h"
#include "core/banned.h"

/*
 * Who sees an agency's figures (and its departments'): who works its documents (registers,
 * numbers, assigns or signs them: at the agency or one of its sections), and who oversees it
 * from above (a leader who assigns documents, or an admin, at an agency above it: the district's
 * leaders see each ward's).
 */
static const char *const work_perms[] = { "document.register", "document.number", "document.assign",
					  "document.sign" };
static const char *const oversee_perms[] = { "document.assign", "audit.read" };

/* The types named in the seed's own table, in its order; the others are added up as "other". */
static const int named_types[] = { 10 /* Kế hoạch */, 2 /* Quyết định */, DOC_TYPE_CONG_VAN,
				   7 /* Thông báo */, 14 /* Báo cáo */ };
#define NAMED_TYPES (sizeof(named_types) / sizeof(named_types[0]))

struct doc_stats_args {
	int64_t *allowed; /* agencies the user may see, sorted */
	size_t nallowed;
	int64_t unit;	/* the unit asked: an agency or a department */
	int64_t agency; /* its agency (the unit itself for an agency) */
	int department; /* the unit is a department (not an agency) */
	int64_t *units; /* an agency, then the agencies below it that the user may see; or the department */
	size_t nunits;
	int32_t from, to; /* YYYYMMDD */
	struct unit *all;
	size_t nall;
	const struct unit_tree *t;
};

static int32_t ymd_of(int64_t t)
{
	struct civil c;
	time_to_civil(t, VN_UTC_OFFSET, &c);
	return c.year * 10000 + c.month * 100 + c.day;
}

static const char *unit_name(const struct doc_stats_args *a, int64_t id)
{
	for (size_t i = 0; i < a->nall; i++)
		if (a->all[i].id == id)
			return a->all[i].name;
	return "";
}

/*
 * The request's unit and period, checked: 0; 400 or 403 with *msg; 1 after answering 503.
 * Unit: an agency the user may see, or a department of one (the same rule: who sees an agency
 * sees its departments). Period: from=YYYY-MM-DD&to=YYYY-MM-DD, both included, at most 366
 * days; without from, the first of January of to's year; without to, today.
 */
static int args_parse(struct request *req, struct db *db, struct doc_stats_args *a, const char **msg)
{
	const char *unit_s = req_query(req, "unit"), *from_s = req_query(req, "from"),
		   *to_s = req_query(req, "to");
	const struct unit_tree *t = req_units(req);
	int64_t from_t, to_t;

	memset(a, 0, sizeof(*a));
	*msg = NULL;
	a->t = t;
	if (!t ||
	    req_agencies_seen(req, work_perms, sizeof(work_perms) / sizeof(work_perms[0]), oversee_perms,
			      sizeof(oversee_perms) / sizeof(oversee_perms[0]), &a->allowed, &a->nallowed))
		return 1;
	if (org_unit_list(db, &req->arena, &a->all, &a->nall)) {
		resp_unavailable(req);
		return 1;
	}
	if (!a->nallowed) {
		*msg = _("You may not see the document statistics of any unit.");
		return 403;
	}
	if (unit_s && *unit_s) {
		int64_t u = input_id(unit_s);
		if (!u || unit_tree_find(t, u) < 0) {
			*msg = _("There is no such unit.");
			return 400;
		}
		a->agency = unit_tree_agency(t, u);
		if (!a->agency || !ids_contain(a->allowed, a->nallowed, a->agency)) {
			*msg = _("You may not see the document statistics of this unit.");
			return 403;
		}
		a->unit = u;
		a->department = u != a->agency;
	} else {
		a->unit = a->agency = req_default_agency(req, a->allowed, a->nallowed);
	}
	to_t = to_s && *to_s ? input_day(to_s) : req_now(req);
	a->to = to_t ? ymd_of(to_t) : 0;
	from_t = from_s && *from_s ? input_day(from_s)
		 : a->to	   ? input_day(arena_printf(&req->arena, "%04d-01-01", a->to / 10000))
				   : 0;
	a->from = from_t ? ymd_of(from_t) : 0;
	if (!from_t || !to_t || a->from > a->to || (to_t - from_t) / 86400 + 1 > 366) {
		*msg = _("Give the period as from=YYYY-MM-DD&to=YYYY-MM-DD, at most a year.");
		return 400;
	}
	a->units = arena_alloc(&req->arena, (a->nallowed + 1) * sizeof(*a->units));
	a->units[a->nunits++] = a->unit;
	for (size_t i = 0; !a->department && i < a->nallowed; i++)
		if (a->allowed[i] != a->unit && unit_tree_within(t, a->allowed[i], a->unit))
			a->units[a->nunits++] = a->allowed[i];
	return 0;
}

/* The counts of one kind per type: every type, in the decree's order, with its count. */
static json_t *by_type(const int64_t *n)
{
	json_t *list = json_array();
	for (int k = 1; k <= DOC_TYPE_COUNT; k++) {
		const struct doc_type *t = doc_type(k);
		json_array_append_new(list, json_pack("{s:s,s:s,s:I}", "type", t->key, "name", t->name,
						      "count", (json_int_t)n[k]));
	}
	return list;
}

/* What the named types leave: the "other types" of the seed's table. */
static int64_t other_types(const int64_t *n)
{
	int64_t other = n[0];
	for (size_t i = 0; i < NAMED_TYPES; i++)
		other -= n[named_types[i]];
	return other;
}

/* The seed's sentence: "7.018 văn bản: 296 Kế hoạch, 3.349 Quyết định, …, 162 văn bản khác". */
static const char *summary_text(struct request *req, const int64_t *n)
{
	struct buf b = BUF_INIT;
	const char *out;
	buf_addf(&b, "%s %s", amount_text(req, n[0]), _("documents"));
	for (size_t i = 0; i < NAMED_TYPES; i++)
		buf_addf(&b, "%s%s %s", i ? ", " : ": ", amount_text(req, n[named_types[i]]),
			 doc_type(named_types[i])->name);
	buf_addf(&b, ", %s %s", amount_text(req, other_types(n)), _("of other types"));
	out = buf_err(&b) ? "" : arena_strdup(&req->arena, b.ptr);
	buf_release(&b);
	return out;
}

/* The seed's table: the named types, then the others added up (issued, and `in`: received). */
static json_t *named_rows(struct request *req, const struct doc_stats_row *r, int in)
{
	json_t *rows = json_array();
	for (size_t i = 0; i < NAMED_TYPES; i++) {
		int k = named_types[i];
		json_array_append_new(rows, json_pack("{s:s,s:s,s:s}", "name", doc_type(k)->name, "out",
						      amount_text(req, r->n[DOC_STAT_OUT][k]), "in",
						      amount_text(req, r->n[in][k])));
	}
	json_array_append_new(rows, json_pack("{s:s,s:s,s:s}", "name", _("Other types"), "out",
					      amount_text(req, other_types(r->n[DOC_STAT_OUT])), "in",
					      amount_text(req, other_types(r->n[in]))));
	return rows;
}

/* "92,5" (per mille as a percentage with one decimal), or "" when nothing was due. */
static const char *rate_text(struct request *req, int64_t part, int64_t whole)
{
	int64_t pm;
	if (whole <= 0)
		return "";
	pm = (2000 * part + whole) / (2 * whole);
	return arena_printf(&req->arena, "%lld,%lld", (long long)(pm / 10), (long long)(pm % 10));
}

/* {id, name, department}: a row's unit ("department" false for an agency's own row). */
static json_t *unit_json(const struct doc_stats_args *a, int64_t unit, int64_t agency)
{
	json_t *o = json_pack("{s:I,s:s,s:b}", "id", (json_int_t)unit, "name", unit_name(a, unit),
			      "department", unit != agency);
	if (unit != agency)
		json_object_set_new(o, "agency",
				    json_pack("{s:I,s:s}", "id", (json_int_t)agency, "name",
					      unit_name(a, agency)));
	return o;
}

static json_t *row_json(struct request *req, const struct doc_stats_args *a, const struct doc_stats_row *r)
{
	int64_t finished = r->n[DOC_STAT_IN_ON_TIME][0] + r->n[DOC_STAT_IN_LATE][0];
	json_t *o = json_object();
	if (r->unit)
		json_object_set_new(o, "unit", unit_json(a, r->unit, r->agency));
	json_object_set_new(o, "incoming",
			    json_pack("{s:I,s:o,s:s}", "total", (json_int_t)r->n[DOC_STAT_IN][0], "by_type",
				      by_type(r->n[DOC_STAT_IN]), "summary",
				      summary_text(req, r->n[DOC_STAT_IN])));
	json_object_set_new(o, "outgoing",
			    json_pack("{s:I,s:I,s:o,s:s}", "issued", (json_int_t)r->n[DOC_STAT_OUT][0],
				      "withdrawn", (json_int_t)r->n[DOC_STAT_OUT_WITHDRAWN][0], "by_type",
				      by_type(r->n[DOC_STAT_OUT]), "summary",
				      summary_text(req, r->n[DOC_STAT_OUT])));
	json_object_set_new(o, "handling",
			    json_pack("{s:I,s:o,s:I,s:I,s:I,s:I}", "assigned_as_lead",
				      (json_int_t)r->n[DOC_STAT_IN_LEAD][0], "lead_by_type",
				      by_type(r->n[DOC_STAT_IN_LEAD]), "assigned_with_deadline",
				      (json_int_t)r->n[DOC_STAT_IN_ASSIGNED][0], "finished",
				      (json_int_t)finished, "on_time",
				      (json_int_t)r->n[DOC_STAT_IN_ON_TIME][0], "late",
				      (json_int_t)r->n[DOC_STAT_IN_LATE][0]));
	if (finished)
		json_object_set_new(
			json_object_get(o, "handling"), "on_time_permille",
			json_integer((2000 * r->n[DOC_STAT_IN_ON_TIME][0] + finished) / (2 * finished)));
	return o;
}

/*
 * The figures of the unit (and the agencies below it the user may see), and for an agency its
 * departments' split (*deps, *ndeps; NULL, 0 for a department): 0, or 1 after answering.
 */
static int load(struct request *req, struct db *db, const struct doc_stats_args *a,
		struct doc_stats_row **rows, size_t *n, struct doc_stats_row **deps, size_t *ndeps)
{
	struct doc_stats_query q = { a->units, a->nunits, a->from, a->to };
	*deps = NULL;
	*ndeps = 0;
	if (doc_stats_load(db, &req->arena, a->t, &q, rows, n) ||
	    (!a->department &&
	     doc_stats_load_departments(db, &req->arena, a->t, a->unit, a->from, a->to, deps, ndeps))) {
		resp_unavailable(req);
		return 1;
	}
	return 0;
}

int api_doc_stats(struct request *req)
{
	struct db *db = db_thread();
	struct doc_stats_args a;
	struct doc_stats_row *rows, *deps;
	size_t n, ndeps;
	const char *msg;
	json_t *out, *list;
	int rc;

	if (req_staff_only(req))
		return 0;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	if ((rc = args_parse(req, db, &a, &msg))) {
		if (rc != 1)
			resp_error(req, rc, rc == 403 ? "forbidden" : "bad_request", msg);
		return 0;
	}
	if (load(req, db, &a, &rows, &n, &deps, &ndeps))
		return 0;
	/* the total row is the unit with the agencies below it; each agency apart in by_unit */
	out = row_json(req, &a, &rows[n - 1]);
	json_object_set_new(out, "unit", unit_json(&a, a.unit, a.agency));
	json_object_set_new(out, "from", json_string(doc_date_iso(req, a.from)));
	json_object_set_new(out, "to", json_string(doc_date_iso(req, a.to)));
	list = json_array();
	for (size_t i = 0; i + 1 < n; i++)
		json_array_append_new(list, row_json(req, &a, &rows[i]));
	json_object_set_new(out, "by_unit", list);
	/* an agency's own figures, then each department's: they add up to by_unit[0] */
	list = json_array();
	for (size_t i = 0; i + 1 < ndeps; i++)
		json_array_append_new(list, row_json(req, &a, &deps[i]));
	json_object_set_new(out, "by_department", list);
	resp_json(req, 200, out);
	return 0;
}

/* The per-type table of both directions (`in`: the incoming kind shown): only the types with a document. */
static json_t *type_rows(struct request *req, const struct doc_stats_row *r, int in)
{
	json_t *rows = json_array();
	for (int k = 1; k <= DOC_TYPE_COUNT; k++) {
		if (!r->n[in][k] && !r->n[DOC_STAT_OUT][k] && !r->n[DOC_STAT_OUT_WITHDRAWN][k])
			continue;
		json_array_append_new(rows, json_pack("{s:s,s:s,s:s,s:s}", "name", doc_type(k)->name, "in",
						      amount_text(req, r->n[in][k]), "out",
						      amount_text(req, r->n[DOC_STAT_OUT][k]), "withdrawn",
						      amount_text(req, r->n[DOC_STAT_OUT_WITHDRAWN][k])));
	}
	return rows;
}

/* The page's link to a unit's figures for the same period. */
static const char *stats_href(struct request *req, const struct doc_stats_args *a, int64_t unit)
{
	return arena_printf(&req->arena, "/van-ban/thong-ke?unit=%lld&from=%s&to=%s", (long long)unit,
			    doc_date_iso(req, a->from), doc_date_iso(req, a->to));
}

/*
 * A department's row of the page's two tables: issued per named type (the seed's table), and
 * the handling of what it leads. The agency's own row has no link; the total row is `total`.
 */
static void dept_rows(struct request *req, const struct doc_stats_args *a, const struct doc_stats_row *r,
		      int total, json_t *out_rows, json_t *in_rows)
{
	int64_t finished = r->n[DOC_STAT_IN_ON_TIME][0] + r->n[DOC_STAT_IN_LATE][0];
	const char *name = total    ? _("Total")
			   : r->own ? _("At the agency level (not in a department)")
				    : unit_name(a, r->unit);
	const char *href = total || r->own ? NULL : stats_href(req, a, r->unit);
	json_t *cells = json_array();
	for (size_t i = 0; i < NAMED_TYPES; i++)
		json_array_append_new(cells, json_pack("{s:s}", "v",
						       amount_text(req, r->n[DOC_STAT_OUT][named_types[i]])));
	json_array_append_new(cells,
			      json_pack("{s:s}", "v", amount_text(req, other_types(r->n[DOC_STAT_OUT]))));
	json_array_append_new(out_rows,
			      json_pack("{s:s,s:s?,s:o,s:s,s:s,s:b}", "name", name, "href", href, "cells",
					cells, "issued", amount_text(req, r->n[DOC_STAT_OUT][0]), "withdrawn",
					amount_text(req, r->n[DOC_STAT_OUT_WITHDRAWN][0]), "total", total));
	json_array_append_new(
		in_rows, json_pack("{s:s,s:s?,s:s,s:s,s:s,s:s,s:s,s:s,s:s?,s:b}", "name", name, "href", href,
				   "registered", amount_text(req, r->n[DOC_STAT_IN][0]), "led",
				   amount_text(req, r->n[DOC_STAT_IN_LEAD][0]), "assigned",
				   amount_text(req, r->n[DOC_STAT_IN_ASSIGNED][0]), "finished",
				   amount_text(req, finished), "on_time",
				   amount_text(req, r->n[DOC_STAT_IN_ON_TIME][0]), "late",
				   amount_text(req, r->n[DOC_STAT_IN_LATE][0]), "rate",
				   finished ? rate_text(req, r->n[DOC_STAT_IN_ON_TIME][0], finished) : NULL,
				   "total", total));
}

/* The unit chooser: the agencies the user may see, and under the one shown its departments. */
static json_t *unit_options(struct request *req, const struct doc_stats_args *a)
{
	const struct unit_tree *t = a->t;
	json_t *units = json_array();
	for (size_t i = 0; i < a->nallowed; i++) {
		size_t depth = unit_tree_depth(t, a->allowed[i]);
		json_array_append_new(units, unit_option_json(a->allowed[i], unit_name(a, a->allowed[i]),
							      depth, a->allowed[i] == a->unit));
		if (a->allowed[i] != a->agency)
			continue;
		for (size_t k = 0; k < t->n; k++)
			if (t->parent[k] == a->agency && !t->level[k] &&
			    (t->active[k] || t->id[k] == a->unit))
				json_array_append_new(units,
						      unit_option_json(t->id[k], unit_name(a, t->id[k]),
								       depth + 2, t->id[k] == a->unit));
	}
	return units;
}

int page_doc_stats(struct request *req)
{
	struct db *db = db_thread();
	struct doc_stats_args a;
	struct doc_stats_row *rows = NULL, *deps = NULL;
	size_t n = 0, ndeps = 0;
	const char *msg;
	json_t *ctx, *units, *per_unit;
	int rc;

	if (req_staff_only(req))
		return 0;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	rc = args_parse(req, db, &a, &msg);
	if (rc == 1)
		return 0;
	if (rc == 403 && !a.nallowed) {
		resp_error(req, 403, "forbidden", msg);
		return 0;
	}
	ctx = page_context(req, _("Document statistics"));
	units = unit_options(req, &a);
	json_object_set_new(ctx, "many_units", json_boolean(json_array_size(units) > 1));
	json_object_set_new(ctx, "units", units);
	json_object_set_new(ctx, "from",
			    json_string(a.from ? doc_date_iso(req, a.from)
					       : input_trim(req, req_query(req, "from"))));
	json_object_set_new(ctx, "to",
			    json_string(a.to ? doc_date_iso(req, a.to)
					     : input_trim(req, req_query(req, "to"))));
	if (rc) {
		json_object_set_new(ctx, "error", json_string(msg));
		page_render(req, rc, "doc_stats", ctx);
		return 0;
	}
	if (load(req, db, &a, &rows, &n, &deps, &ndeps)) {
		json_decref(ctx);
		return 0;
	}
	{
		const struct doc_stats_row *r = &rows[n - 1];
		int64_t finished = r->n[DOC_STAT_IN_ON_TIME][0] + r->n[DOC_STAT_IN_LATE][0];
		/* a department registers nothing: its incoming documents are those it leads */
		int in = a.department ? DOC_STAT_IN_LEAD : DOC_STAT_IN;
		json_object_set_new(ctx, "unit_name", json_string(unit_name(&a, a.unit)));
		json_object_set_new(ctx, "is_department", json_boolean(a.department));
		if (a.department) {
			json_object_set_new(ctx, "agency_name", json_string(unit_name(&a, a.agency)));
			json_object_set_new(ctx, "agency_href", json_string(stats_href(req, &a, a.agency)));
		}
		json_object_set_new(ctx, "below", json_boolean(a.nunits > 1));
		json_object_set_new(ctx, "period_text",
				    json_sprintf("%s – %s", doc_date_vn(req, a.from),
						 doc_date_vn(req, a.to)));
		json_object_set_new(ctx, "in_label",
				    json_string(a.department ? _("Assigned as lead") : _("Incoming")));
		json_object_set_new(ctx, "in_total", json_string(amount_text(req, r->n[in][0])));
		json_object_set_new(ctx, "out_total", json_string(amount_text(req, r->n[DOC_STAT_OUT][0])));
		json_object_set_new(ctx, "withdrawn",
				    json_string(amount_text(req, r->n[DOC_STAT_OUT_WITHDRAWN][0])));
		json_object_set_new(ctx, "in_summary", json_string(summary_text(req, r->n[in])));
		json_object_set_new(ctx, "out_summary", json_string(summary_text(req, r->n[DOC_STAT_OUT])));
		json_object_set_new(ctx, "named", named_rows(req, r, in));
		json_object_set_new(ctx, "types", type_rows(req, r, in));
		json_object_set_new(ctx, "led", json_string(amount_text(req, r->n[DOC_STAT_IN_LEAD][0])));
		json_object_set_new(ctx, "assigned",
				    json_string(amount_text(req, r->n[DOC_STAT_IN_ASSIGNED][0])));
		json_object_set_new(ctx, "finished", json_string(amount_text(req, finished)));
		json_object_set_new(ctx, "on_time",
				    json_string(amount_text(req, r->n[DOC_STAT_IN_ON_TIME][0])));
		json_object_set_new(ctx, "late", json_string(amount_text(req, r->n[DOC_STAT_IN_LATE][0])));
		json_object_set_new(ctx, "rate",
				    json_string(rate_text(req, r->n[DOC_STAT_IN_ON_TIME][0], finished)));
	}
	/* the agency split by its departments: shown when it has one */
	if (ndeps > 2) {
		json_t *heads = json_array(), *out_rows = json_array(), *in_rows = json_array();
		for (size_t i = 0; i < NAMED_TYPES; i++)
			json_array_append_new(heads,
					      json_pack("{s:s}", "name", doc_type(named_types[i])->name));
		for (size_t i = 0; i < ndeps; i++)
			dept_rows(req, &a, &deps[i], i + 1 == ndeps, out_rows, in_rows);
		json_object_set_new(ctx, "dept_heads", heads);
		json_object_set_new(ctx, "dept_out", out_rows);
		json_object_set_new(ctx, "dept_in", in_rows);
		json_object_set_new(ctx, "has_departments", json_true());
	}
	per_unit = json_array();
	for (size_t i = 0; n > 2 && i + 1 < n; i++) {
		const struct doc_stats_row *r = &rows[i];
		int64_t finished = r->n[DOC_STAT_IN_ON_TIME][0] + r->n[DOC_STAT_IN_LATE][0];
		json_array_append_new(per_unit,
				      json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "name", unit_name(&a, r->unit),
						"href", stats_href(req, &a, r->unit), "in",
						amount_text(req, r->n[DOC_STAT_IN][0]), "out",
						amount_text(req, r->n[DOC_STAT_OUT][0]), "finished",
						amount_text(req, finished), "rate",
						rate_text(req, r->n[DOC_STAT_IN_ON_TIME][0], finished)));
	}
	json_object_set_new(ctx, "per_unit", per_unit);
	json_object_set_new(ctx, "has_per_unit", json_boolean(json_array_size(per_unit) > 0));
	page_render(req, 200, "doc_stats", ctx);
	return 0;
}

/*
 * The e-office's home: the user's queues of incoming and outgoing documents with their counts
 * (the overdue in red), and the actions and registers he may use.
 */
int page_documents_home(struct request *req)
{
	static const struct {
		const char *href, *label, *perm;
	} actions[] = {
		{ "/van-ban/den/them", N_("Register an incoming document"), "document.register" },
		{ "/van-ban/di/them", N_("Draft a document"), "document.draft" },
		{ "/van-ban/den/so", N_("Incoming register"), "document.register" },
		{ "/van-ban/di/so", N_("Outgoing register"), "document.number" },
		{ "/van-ban/ky-thua-lenh", N_("Signing by order"), "document.sign" },
		{ "/van-ban/thong-ke", N_("Document statistics"), NULL },
	};
	json_t *ctx, *in, *out, *links;
	int64_t *units;
	size_t n;

	if (req_staff_only(req))
		return 0;
	if (!(in = doc_in_home_queues(req)))
		return 0;
	if (!(out = doc_out_home_queues(req))) {
		json_decref(in);
		return 0;
	}
	links = json_array();
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (actions[i].perm) {
			if (req_scope(req, actions[i].perm, &units, &n)) {
				json_decref(in);
				json_decref(out);
				json_decref(links);
				return 0;
			}
			if (!n)
				continue;
		}
		json_array_append_new(links, json_pack("{s:s,s:s}", "href", actions[i].href, "label",
						       _(actions[i].label)));
	}
	ctx = page_context(req, _("Official documents"));
	resp_header(req, "Cache-Control", "no-store");
	json_object_set_new(ctx, "incoming", in);
	json_object_set_new(ctx, "outgoing", out);
	json_object_set_new(ctx, "has_links", json_boolean(json_array_size(links) > 0));
	json_object_set_new(ctx, "links", links);
	page_render(req, 200, "documents_home", ctx);
	return 0;
}
