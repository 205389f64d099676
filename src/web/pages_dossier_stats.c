/*
 * pages_dossier_stats.c: the one-stop shop's statistics: GET /api/v1/stats/dossiers and the staff
 * dashboard /mot-cua/thong-ke, with its charts drawn here as SVG (no script).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include "core/buf.h"
#include "core/i18n.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "features/authz.h"
#include "features/dossier_stats.h"
#include "features/org.h"
#include "rules/dossier.h"
#include "store/db.h"
#include "web/app.h"
#include "core/banned.h"

#define PROC_CODE_MAX	 32
#define CHART_PROCS_MAX	 15 /* bars in the per-procedure chart; the table lists them all */
#define CHART_DAYS_MAX	 62 /* a longer period is drawn per month */
#define PROC_LABEL_CHARS 38

/*
 * Who sees a unit's figures. The figures of a unit are those of the
 * dossiers received by it, an agency (a ward, a district, a city). They are
 * seen by
 *   - who works dossiers there: dossier.receive, dossier.process or
 *     dossier.approve at the agency or at one of its sections (its one-stop
 *     section, its departments), as the work queues reckon it;
 *   - who oversees it from above: a leader (dossier.approve) or an admin
 *     (audit.read) at an agency sees every agency below it too, so the
 *     district's chairman and its admin see each ward's figures, and a
 *     ward's admin his ward's.
 * A district asked for by someone who may see its wards answers for the
 * district and those wards together, and for each of them (by_unit); asked
 * for by someone who works only at the district, for the district alone.
 */
static const char *const work_perms[] = { DOSSIER_PERM_RECEIVE, DOSSIER_PERM_PROCESS, DOSSIER_PERM_APPROVE };
static const char *const oversee_perms[] = { DOSSIER_PERM_APPROVE, "audit.read" };

struct stats_args {
	int64_t *allowed; /* the agencies the user may see, sorted */
	size_t nallowed;
	int64_t unit;	/* the agency asked */
	int64_t *units; /* it, then the agencies below it that the user may see */
	size_t nunits;
	int32_t from, to;      /* YYYYMMDD */
	const char *procedure; /* "" = all */
	struct unit *all;      /* every unit, for names */
	size_t nall;
};

/* The agencies whose figures the user may see (sorted): see above. 0, or 1 after answering. */
static int stats_allowed(struct request *req, struct stats_args *a)
{
	return req_agencies_seen(req, work_perms, sizeof(work_perms) / sizeof(work_perms[0]), oversee_perms,
				 sizeof(oversee_perms) / sizeof(oversee_perms[0]), &a->allowed, &a->nallowed);
}

static const struct unit *unit_find(const struct stats_args *a, int64_t id)
{
	for (size_t i = 0; i < a->nall; i++)
		if (a->all[i].id == id)
			return &a->all[i];
	return NULL;
}

static const char *unit_label(const struct stats_args *a, int64_t id)
{
	const struct unit *u = unit_find(a, id);
	return u ? u->name : "";
}

/* "2026-11-26" as YYYYMMDD, or -1. */
static int32_t parse_date(const char *s)
{
	int32_t v = 0;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++) {
		if (i == 4 || i == 7)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return dossier_stats_day_number(v) < 0 ? -1 : v;
}

static const char *date_iso(struct request *req, int32_t ymd)
{
	return arena_printf(&req->arena, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
}

static const char *date_vn(struct request *req, int32_t ymd)
{
	return arena_printf(&req->arena, "%02d/%02d/%04d", ymd % 100, ymd / 100 % 100, ymd / 10000);
}

static int32_t today_ymd(int64_t now)
{
	struct civil c;
	time_to_civil(now, VN_UTC_OFFSET, &c);
	return c.year * 10000 + c.month * 100 + c.day;
}

/*
 * The request's unit, period and procedure, checked. Returns 0; 400 or 403
 * with *msg (translated); or 1 after answering 503.
 * Period: from=YYYY-MM-DD&to=YYYY-MM-DD (local days, both included), at
 * most a year; without from, the first day of this month; without to, today.
 */
static int stats_args(struct request *req, struct db *db, struct stats_args *a, const char **msg)
{
	const char *unit_s = req_query(req, "unit"), *from_s = req_query(req, "from"),
		   *to_s = req_query(req, "to"), *proc = input_trim(req, req_query(req, "procedure"));
	const struct unit_tree *t;
	int32_t today = today_ymd(req_now(req));
	int64_t first, last;

	memset(a, 0, sizeof(*a));
	*msg = NULL;
	if (stats_allowed(req, a) || !(t = req_units(req)))
		return 1;
	if (org_unit_list(db, &req->arena, &a->all, &a->nall)) {
		resp_unavailable(req);
		return 1;
	}
	if (!a->nallowed) {
		*msg = _("You may not see the dossier statistics of any unit.");
		return 403;
	}
	if (unit_s && *unit_s) {
		int64_t u = input_id(unit_s);
		if (!u || unit_tree_find(t, u) < 0) {
			*msg = _("There is no such unit.");
			return 400;
		}
		a->unit = unit_tree_agency(t, u); /* a one-stop section's figures are its agency's */
		if (!a->unit || !ids_contain(a->allowed, a->nallowed, a->unit)) {
			*msg = _("You may not see the dossier statistics of this unit.");
			return 403;
		}
	} else {
		a->unit = req_default_agency(req, a->allowed, a->nallowed);
	}
	a->to = to_s && *to_s ? parse_date(to_s) : today;
	a->from = from_s && *from_s ? parse_date(from_s) : a->to > 0 ? a->to / 100 * 100 + 1 : -1;
	first = a->from > 0 ? dossier_stats_day_number(a->from) : -1;
	last = a->to > 0 ? dossier_stats_day_number(a->to) : -1;
	if (first < 0 || last < first || last - first + 1 > 366) {
		*msg = _("Give the period as from=YYYY-MM-DD&to=YYYY-MM-DD, at most a year.");
		return 400;
	}
	if (strlen(proc) > PROC_CODE_MAX) {
		*msg = _("The procedure code is not valid.");
		return 400;
	}
	for (const char *p = proc; *p; p++) {
		if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      *p == '.' || *p == '-' || *p == '_')) {
			*msg = _("The procedure code is not valid.");
			return 400;
		}
	}
	a->procedure = proc;
	/* the unit first, then the agencies below it that the user may see */
	a->units = arena_alloc(&req->arena, (a->nallowed + 1) * sizeof(*a->units));
	a->units[a->nunits++] = a->unit;
	for (size_t i = 0; i < a->nallowed; i++)
		if (a->allowed[i] != a->unit && unit_tree_within(t, a->allowed[i], a->unit))
			a->units[a->nunits++] = a->allowed[i];
	return 0;
}

static int load(struct request *req, struct db *db, const struct stats_args *a, struct dossier_stats *s)
{
	struct dossier_stats_query q = { 0 };
	q.units = a->units;
	q.nunits = a->nunits;
	q.from = a->from;
	q.to = a->to;
	q.procedure_code = a->procedure;
	q.now = req_now(req);
	return dossier_stats_load(db, &req->arena, &q, s);
}

/* ---- the API ---- */

static json_t *permille_json(int v)
{
	return v < 0 ? json_null() : json_integer(v);
}

enum now_fields {
	NOW_PENDING = 1 << 0, /* pending: per unit, per procedure */
	NOW_OVERDUE = 1 << 1, /* overdue: per unit (per procedure only when one is asked) */
};

static json_t *counts_json(const struct dossier_counts *c, unsigned now_too)
{
	json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:I,s:I,s:I,s:o}", "received",
			      (json_int_t)c->received, "online_received", (json_int_t)c->online_received,
			      "submitted_online", (json_int_t)c->submitted, "finished",
			      (json_int_t)c->finished, "early", (json_int_t)c->early, "on_time",
			      (json_int_t)c->on_time, "late", (json_int_t)c->late, "on_time_permille",
			      permille_json(dossier_counts_on_time_permille(c)), "refused",
			      (json_int_t)c->refused, "withdrawn", (json_int_t)c->withdrawn, "returned",
			      (json_int_t)c->returned, "online_permille",
			      permille_json(dossier_counts_online_permille(c)));
	if (now_too & NOW_PENDING)
		json_object_set_new(o, "pending", json_integer(c->pending));
	if (now_too & NOW_OVERDUE)
		json_object_set_new(o, "overdue", json_integer(c->overdue));
	return o;
}

/* 400 / 403 as the API answers them. */
static void api_refuse(struct request *req, int status, const char *msg)
{
	resp_error(req, status, status == 403 ? "forbidden" : "bad_request", msg);
}

/*
 * GET /api/v1/stats/dossiers?unit=ID&from=YYYY-MM-DD&to=YYYY-MM-DD[&procedure=CODE]:
 * the period's figures of the unit (and the agencies below it the user may
 * see): totals, by unit, by procedure, by day; pending and overdue as of now.
 */
int api_dossier_stats(struct request *req)
{
	struct db *db = db_thread();
	struct stats_args a;
	struct dossier_stats s;
	const char *msg;
	json_t *out, *units, *procs, *days;
	char now[40];
	struct civil c;
	int rc;

	if (req_staff_only(req))
		return 0;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	rc = stats_args(req, db, &a, &msg);
	if (rc == 1)
		return 0;
	if (rc) {
		api_refuse(req, rc, msg);
		return 0;
	}
	if (load(req, db, &a, &s)) {
		resp_unavailable(req);
		return 0;
	}
	units = json_array();
	for (size_t i = 0; i < s.nunits; i++) {
		json_t *o = counts_json(&s.units[i].c, NOW_PENDING | NOW_OVERDUE);
		json_object_set_new(o, "id", json_integer(s.units[i].unit_id));
		json_object_set_new(o, "name", json_string(unit_label(&a, s.units[i].unit_id)));
		json_array_append_new(units, o);
	}
	procs = json_array();
	for (size_t i = 0; i < s.nprocs; i++) {
		json_t *o =
			counts_json(&s.procs[i].c, *a.procedure ? NOW_PENDING | NOW_OVERDUE : NOW_PENDING);
		json_object_set_new(o, "code", json_string(s.procs[i].code));
		json_object_set_new(o, "name", json_string(s.procs[i].name));
		json_array_append_new(procs, o);
	}
	days = json_array();
	for (size_t i = 0; i < s.ndays; i++) {
		json_t *o = counts_json(&s.days[i].c, 0);
		json_object_set_new(o, "date", json_string(date_iso(req, s.days[i].day)));
		json_array_append_new(days, o);
	}
	time_to_civil(req_now(req), VN_UTC_OFFSET, &c);
	snprintf(now, sizeof(now), "%04d-%02d-%02dT%02d:%02d:%02d+07:00", c.year, c.month, c.day, c.hour,
		 c.min, c.sec);
	{
		const struct unit *u = unit_find(&a, a.unit);
		out = json_pack("{s:{s:I,s:s,s:s},s:s,s:s,s:o,s:s,s:o,s:o,s:o,s:o}", "unit", "id",
				(json_int_t)a.unit, "name", u ? u->name : "", "agency_code",
				u && u->agency_code ? u->agency_code : "", "from", date_iso(req, a.from),
				"to", date_iso(req, a.to), "procedure",
				*a.procedure ? json_string(a.procedure) : json_null(), "as_of", now, "totals",
				counts_json(&s.total, NOW_PENDING | NOW_OVERDUE), "by_unit", units,
				"by_procedure", procs, "by_day", days);
	}
	resp_header_static(req, "Cache-Control", "no-store");
	resp_json(req, 200, out);
	return 0;
}

/* "85,7 %" for 857 per mille; "–" when there is no base. */
static const char *pct(struct request *req, int permille)
{
	if (permille < 0)
		return "–";
	return arena_printf(&req->arena, "%d,%d %%", permille / 10, permille % 10);
}

/* The first `chars` characters of UTF-8 s, with "…" when cut. */
static const char *clip(struct request *req, const char *s, size_t chars)
{
	size_t i = utf8_prefix(s, chars);
	return s[i] ? arena_printf(&req->arena, "%.*s…", (int)i, s) : s;
}

struct bucket {
	const char *label; /* under the bar: "26/11" or "11/2026" */
	const char *long_label;
	int64_t received, finished;
};

/* Received and finished per day (or per month for a long period): grouped bars. */
static json_t *days_chart(struct request *req, const struct dossier_stats *s)
{
	const double vw = 720, vh = 250, left = 48, right = 8, top = 14, bottom = 34;
	const double pw = vw - left - right, ph = vh - top - bottom, y0 = vh - bottom;
	struct bucket *b = arena_calloc(&req->arena, s->ndays + 1, sizeof(*b));
	size_t nb = 0, every;
	int monthly = s->ndays > CHART_DAYS_MAX;
	int64_t max = 0, total_r = 0, total_f = 0, ceil;
	json_t *bars = json_array(), *xl = json_array(), *chart;
	double band;

	for (size_t i = 0; i < s->ndays; i++) {
		int32_t d = s->days[i].day;
		if (!nb || !monthly || d / 100 != s->days[i - 1].day / 100) {
			b[nb].label =
				monthly ? arena_printf(&req->arena, "%02d/%04d", d / 100 % 100, d / 10000)
					: arena_printf(&req->arena, "%02d/%02d", d % 100, d / 100 % 100);
			b[nb].long_label = monthly ? b[nb].label : date_vn(req, d);
			nb++;
		}
		b[nb - 1].received += s->days[i].c.received;
		b[nb - 1].finished += s->days[i].c.finished;
	}
	for (size_t i = 0; i < nb; i++) {
		max = b[i].received > max ? b[i].received : max;
		max = b[i].finished > max ? b[i].finished : max;
		total_r += b[i].received;
		total_f += b[i].finished;
	}
	ceil = chart_nice_ceiling(max);
	band = pw / (double)nb;
	every = nb > 16 ? (nb + 15) / 16 : 1;
	for (size_t i = 0; i < nb; i++) {
		double x = left + band * (double)i, hr = ph * (double)b[i].received / (double)ceil,
		       hf = ph * (double)b[i].finished / (double)ceil;
		if (b[i].received)
			json_array_append_new(
				bars,
				chart_rect(req, "bar-received", x + band * 0.1, y0 - hr, band * 0.38, hr,
					   arena_printf(&req->arena, _("%s: %s received"), b[i].long_label,
							amount_text(req, b[i].received))));
		if (b[i].finished)
			json_array_append_new(
				bars,
				chart_rect(req, "bar-finished", x + band * 0.52, y0 - hf, band * 0.38, hf,
					   arena_printf(&req->arena, _("%s: %s decided"), b[i].long_label,
							amount_text(req, b[i].finished))));
		if (i % every == 0)
			json_array_append_new(xl,
					      json_pack("{s:s,s:s,s:s}", "x", chart_fmt1(req, x + band / 2),
							"y", chart_fmt1(req, y0 + 16), "label", b[i].label));
	}
	chart = json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:o}", "vw", chart_fmt1(req, vw), "vh",
			  chart_fmt1(req, vh), "title",
			  monthly ? _("Dossiers received and decided per month")
				  : _("Dossiers received and decided per day"),
			  "desc",
			  arena_printf(&req->arena, _("%s received and %s decided from %s to %s."),
				       amount_text(req, total_r), amount_text(req, total_f),
				       date_vn(req, s->days[0].day), date_vn(req, s->days[s->ndays - 1].day)),
			  "grid", chart_grid(req, ceil, left, vw - right, y0, ph), "bars", bars, "xlabels",
			  xl);
	json_object_set_new(chart, "baseline",
			    json_pack("{s:s,s:s,s:s}", "x1", chart_fmt1(req, left), "x2",
				      chart_fmt1(req, vw - right), "y", chart_fmt1(req, y0)));
	return chart;
}

static int cmp_finished(const void *a, const void *b)
{
	const struct dossier_stats_proc *x = *(const struct dossier_stats_proc *const *)a,
					*y = *(const struct dossier_stats_proc *const *)b;
	if (x->c.finished != y->c.finished)
		return x->c.finished < y->c.finished ? 1 : -1;
	return strcmp(x->code, y->code);
}

/* Early, on time and late per procedure: stacked horizontal bars, the most decided first. NULL when none. */
static json_t *procs_chart(struct request *req, const struct dossier_stats *s)
{
	const double vw = 720, label_w = 330, right = 92, row = 26, top = 8;
	const struct dossier_stats_proc **p = arena_alloc(&req->arena, (s->nprocs + 1) * sizeof(*p));
	size_t n = 0, shown;
	int64_t max = 0;
	json_t *rows = json_array(), *chart;
	double vh, bw = vw - label_w - right;

	for (size_t i = 0; i < s->nprocs; i++)
		if (s->procs[i].c.finished > 0)
			p[n++] = &s->procs[i];
	if (!n) {
		json_decref(rows);
		return NULL;
	}
	qsort(p, n, sizeof(*p), cmp_finished);
	shown = n < CHART_PROCS_MAX ? n : CHART_PROCS_MAX;
	max = p[0]->c.finished;
	vh = top + row * (double)shown + 6;
	for (size_t i = 0; i < shown; i++) {
		const struct dossier_counts *c = &p[i]->c;
		double y = top + row * (double)i, x = label_w, h = row - 8;
		json_t *segs = json_array();
		const struct {
			const char *cls;
			int64_t v;
			const char *what;
		} parts[] = { { "seg-early", c->early, _("%s: %s decided early") },
			      { "seg-on-time", c->on_time, _("%s: %s decided on time") },
			      { "seg-late", c->late, _("%s: %s decided late") } };
		for (size_t k = 0; k < 3; k++) {
			double w = bw * (double)parts[k].v / (double)max;
			if (!parts[k].v)
				continue;
			json_array_append_new(segs,
					      chart_rect(req, parts[k].cls, x, y, w, h,
							 arena_printf(&req->arena, parts[k].what, p[i]->code,
								      amount_text(req, parts[k].v))));
			x += w;
		}
		json_array_append_new(
			rows, json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "label",
					*p[i]->name ? clip(req, p[i]->name, PROC_LABEL_CHARS) : p[i]->code,
					"lx", chart_fmt1(req, label_w - 6), "ly",
					chart_fmt1(req, y + h / 2 + 4), "vx", chart_fmt1(req, x + 4), "value",
					arena_printf(&req->arena, "%s · %s", amount_text(req, c->finished),
						     pct(req, dossier_counts_on_time_permille(c))),
					"segs", segs));
	}
	chart = json_pack(
		"{s:s,s:s,s:s,s:s,s:o}", "vw", chart_fmt1(req, vw), "vh", chart_fmt1(req, vh), "title",
		_("Early, on time and late per procedure"), "desc",
		arena_printf(&req->arena,
			     _("Dossiers decided per procedure, the %zu with the most decisions of %zu; "
			       "the table below gives every figure."),
			     shown, n),
		"rows", rows);
	return chart;
}

static json_t *kpi(const char *label, const char *value, const char *cls)
{
	return json_pack("{s:s,s:s,s:s}", "label", label, "value", value, "cls", cls);
}

static json_t *row_cells(struct request *req, const struct dossier_counts *c)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "received",
			 amount_text(req, c->received), "online", pct(req, dossier_counts_online_permille(c)),
			 "finished", amount_text(req, c->finished), "early", amount_text(req, c->early),
			 "on_time", amount_text(req, c->on_time), "late", amount_text(req, c->late), "rate",
			 pct(req, dossier_counts_on_time_permille(c)), "refused",
			 amount_text(req, c->refused), "withdrawn", amount_text(req, c->withdrawn),
			 "returned", amount_text(req, c->returned), "pending", amount_text(req, c->pending),
			 "overdue", amount_text(req, c->overdue));
}

static json_t *form_units(struct request *req, const struct stats_args *a)
{
	const struct unit_tree *t = req_units(req);
	json_t *list = json_array();
	size_t top = SIZE_MAX;
	for (size_t i = 0; i < a->nallowed; i++) {
		size_t d = unit_tree_depth(t, a->allowed[i]);
		top = d < top ? d : top;
	}
	for (size_t i = 0; i < a->nallowed; i++) {
		/* indented under the units above it (no-break spaces: a browser keeps them) */
		size_t depth = unit_tree_depth(t, a->allowed[i]) - top;
		json_array_append_new(list, unit_option_json(a->allowed[i], unit_label(a, a->allowed[i]),
							     depth, a->allowed[i] == a->unit));
	}
	return list;
}

/* GET /mot-cua/thong-ke: the same figures as the API, as big numbers, two charts and tables. */
int page_dossier_stats(struct request *req)
{
	struct db *db = db_thread();
	struct stats_args a;
	struct dossier_stats s;
	const char *msg;
	json_t *ctx, *kpis, *days, *procs, *units, *pc;
	int rc;

	if (req_staff_only(req))
		return 0;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	rc = stats_args(req, db, &a, &msg);
	if (rc == 1)
		return 0;
	if (rc == 403) {
		resp_error(req, 403, "forbidden", msg);
		return 0;
	}
	ctx = page_context(req, _("Dossier statistics"));
	json_object_set_new(ctx, "units", form_units(req, &a));
	json_object_set_new(ctx, "many_units", json_boolean(a.nallowed > 1));
	json_object_set_new(ctx, "procedure", json_string(a.procedure ? a.procedure : ""));
	if (rc) {
		/* the form again, with what was typed and why it is refused */
		json_object_set_new(ctx, "from", json_string(input_trim(req, req_query(req, "from"))));
		json_object_set_new(ctx, "to", json_string(input_trim(req, req_query(req, "to"))));
		json_object_set_new(ctx, "error", json_string(msg));
		resp_header_static(req, "Cache-Control", "no-store");
		page_render(req, rc, "dossier_stats", ctx);
		return 0;
	}
	if (load(req, db, &a, &s)) {
		json_decref(ctx);
		resp_unavailable(req);
		return 0;
	}
	json_object_set_new(ctx, "from", json_string(date_iso(req, a.from)));
	json_object_set_new(ctx, "to", json_string(date_iso(req, a.to)));
	json_object_set_new(ctx, "unit_name", json_string(unit_label(&a, a.unit)));
	json_object_set_new(ctx, "period_text",
			    json_string(arena_printf(&req->arena, _("From %s to %s"), date_vn(req, a.from),
						     date_vn(req, a.to))));
	{
		char d[16], h[8];
		time_fmt_date_vn(d, sizeof(d), req_now(req));
		time_fmt_time_vn(h, sizeof(h), req_now(req));
		json_object_set_new(ctx, "as_of", json_string(arena_printf(&req->arena, "%s %s", h, d)));
	}
	json_object_set_new(ctx, "below", json_boolean(a.nunits > 1));
	kpis = json_array();
	json_array_append_new(kpis, kpi(_("Received"), amount_text(req, s.total.received), "kpi-received"));
	json_array_append_new(kpis, kpi(_("Decided"), amount_text(req, s.total.finished), "kpi-finished"));
	json_array_append_new(kpis, kpi(_("On-time rate"),
					pct(req, dossier_counts_on_time_permille(&s.total)), "kpi-rate"));
	json_array_append_new(kpis, kpi(_("Decided late"), amount_text(req, s.total.late), "kpi-late"));
	json_array_append_new(kpis, kpi(_("Being processed now"), amount_text(req, s.total.pending),
					"kpi-pending"));
	json_array_append_new(kpis, kpi(_("Overdue now"), amount_text(req, s.total.overdue), "kpi-overdue"));
	json_array_append_new(kpis, kpi(_("Share received online"),
					pct(req, dossier_counts_online_permille(&s.total)), "kpi-online"));
	json_array_append_new(kpis,
			      kpi(_("Results returned"), amount_text(req, s.total.returned), "kpi-returned"));
	json_array_append_new(kpis, kpi(_("Refused"), amount_text(req, s.total.refused), "kpi-refused"));
	json_array_append_new(kpis,
			      kpi(_("Withdrawn"), amount_text(req, s.total.withdrawn), "kpi-withdrawn"));
	json_object_set_new(ctx, "kpis", kpis);
	json_object_set_new(ctx, "days_chart", days_chart(req, &s));
	pc = procs_chart(req, &s);
	if (pc)
		json_object_set_new(ctx, "procs_chart", pc);
	days = json_array();
	for (size_t i = 0; i < s.ndays; i++) {
		json_t *o = row_cells(req, &s.days[i].c);
		json_object_set_new(o, "date", json_string(date_vn(req, s.days[i].day)));
		json_array_append_new(days, o);
	}
	json_object_set_new(ctx, "days", days);
	procs = json_array();
	for (size_t i = 0; i < s.nprocs; i++) {
		json_t *o = row_cells(req, &s.procs[i].c);
		json_object_set_new(o, "code", json_string(s.procs[i].code));
		json_object_set_new(o, "name", json_string(s.procs[i].name));
		json_array_append_new(procs, o);
	}
	json_object_set_new(ctx, "procs", procs);
	json_object_set_new(ctx, "has_procs", json_boolean(s.nprocs > 0));
	units = json_array();
	for (size_t i = 0; i < s.nunits; i++) {
		json_t *o = row_cells(req, &s.units[i].c);
		json_object_set_new(o, "name", json_string(unit_label(&a, s.units[i].unit_id)));
		json_array_append_new(units, o);
	}
	json_object_set_new(ctx, "by_unit", units);
	json_object_set_new(ctx, "total", row_cells(req, &s.total));
	resp_header_static(req, "Cache-Control", "no-store");
	page_render(req, 200, "dossier_stats", ctx);
	return 0;
}
