/*
 * pages_visitors.c: the portal's visitor figures: the widget's JSON (GET /api/v1/public/visitors),
 * the analytics page /quan-tri/truy-cap with its chart drawn here as SVG (no script) and its API
 * GET /api/v1/stats/visitors. Definitions: docs/visitors.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include "core/i18n.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "features/visitors.h"
#include "store/db.h"
#include "web/app.h"
#include "core/banned.h"

#define TOP_PAGES	 20
#define PERIOD_DAYS_MAX	 3660 /* about ten years */
#define CHART_DAYS_MAX	 62   /* a longer period is drawn and tabled per month */
#define PATH_LABEL_CHARS 70

/* ---- the widget ---- */

/* GET /api/v1/public/visitors: the widget's figures (docs/visitors.md). */
int api_public_visitors(struct request *req)
{
	struct visitor_figures f;
	visitors_widget(req_now(req), &f);
	resp_header_static(req, "Cache-Control", "no-cache");
	resp_json(req, 200,
		  json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "online", (json_int_t)f.online, "today",
			    (json_int_t)f.today, "week", (json_int_t)f.week, "month", (json_int_t)f.month,
			    "year", (json_int_t)f.year, "total", (json_int_t)f.total));
	return 0;
}

/* ---- the period asked ---- */

static int64_t day_number(int32_t ymd)
{
	return days_from_civil(ymd / 10000, ymd / 100 % 100, ymd % 100);
}

static int32_t day_of_number(int64_t n)
{
	struct civil c;
	time_to_civil(n * 86400, 0, &c);
	return c.year * 10000 + c.month * 100 + c.day;
}

/* "2026-11-26" as YYYYMMDD, a real day of 2000-2199; -1 otherwise. */
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
	if (v / 10000 < 2000 || v / 10000 > 2199 || v / 100 % 100 < 1 || v / 100 % 100 > 12 || v % 100 < 1)
		return -1;
	/* 31/02 comes back as another day */
	return day_of_number(day_number(v)) == v ? v : -1;
}

static const char *date_iso(struct request *req, int32_t ymd)
{
	return arena_printf(&req->arena, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
}

static const char *date_vn(struct request *req, int32_t ymd)
{
	return arena_printf(&req->arena, "%02d/%02d/%04d", ymd % 100, ymd / 100 % 100, ymd / 10000);
}

struct period_args {
	int32_t from, to, today;
};

/*
 * Who may read the figures: staff with audit.read somewhere (the site's administrators). 0, or
 * 1 after answering (403, 503).
 */
static int visitors_allowed(struct request *req)
{
	int64_t *units;
	size_t n;
	if (req_staff_only(req) || req_scope(req, "audit.read", &units, &n))
		return 1;
	if (!n) {
		resp_error(req, 403, "forbidden", _("You do not have permission to do this."));
		return 1;
	}
	return 0;
}

/*
 * from=YYYY-MM-DD&to=YYYY-MM-DD (Vietnam days, both included), at most about ten years;
 * without to, today; without from, the first day of to's month (then the month's top pages are
 * read from its monthly roll-up). 0, or 400 with *msg.
 */
static int period_args(struct request *req, struct period_args *a, const char **msg)
{
	const char *from_s = input_trim(req, req_query(req, "from")),
		   *to_s = input_trim(req, req_query(req, "to"));
	int64_t first, last;

	a->today = visitors_day(req_now(req));
	a->to = *to_s ? parse_date(to_s) : a->today;
	a->from = *from_s ? parse_date(from_s) : a->to > 0 ? a->to / 100 * 100 + 1 : -1;
	first = a->from > 0 ? day_number(a->from) : -1;
	last = a->to > 0 ? day_number(a->to) : -1;
	if (a->from < 0 || a->to < 0 || last < first || last - first + 1 > PERIOD_DAYS_MAX) {
		*msg = _("Give the period as from=YYYY-MM-DD&to=YYYY-MM-DD, at most ten years.");
		return 400;
	}
	return 0;
}

/* ---- the API ---- */

static json_t *figures_json(const struct visitor_figures *f)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "online", (json_int_t)f->online, "today",
			 (json_int_t)f->today, "week", (json_int_t)f->week, "month", (json_int_t)f->month,
			 "year", (json_int_t)f->year, "total", (json_int_t)f->total, "views_today",
			 (json_int_t)f->views_today);
}

static const char *as_of(struct request *req)
{
	struct civil c;
	time_to_civil(req_now(req), VN_UTC_OFFSET, &c);
	return arena_printf(&req->arena, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", c.year, c.month, c.day,
			    c.hour, c.min, c.sec);
}

/*
 * GET /api/v1/stats/visitors?from=YYYY-MM-DD&to=YYYY-MM-DD: visits and page views per day of
 * the period, its totals and top pages, and the widget's figures as of now.
 */
int api_visitor_stats(struct request *req)
{
	struct db *db = db_thread();
	struct period_args a;
	struct visitor_period p;
	struct visitor_figures f;
	const char *msg = NULL;
	json_t *days, *pages;

	if (visitors_allowed(req))
		return 0;
	if (period_args(req, &a, &msg)) {
		resp_error(req, 400, "bad_request", msg);
		return 0;
	}
	if (!db || visitors_period_load(db, &req->arena, a.from, a.to, a.today, TOP_PAGES, &p)) {
		resp_unavailable(req);
		return 0;
	}
	visitors_widget(req_now(req), &f);
	days = json_array();
	for (size_t i = 0; i < p.ndays; i++)
		json_array_append_new(days, json_pack("{s:s,s:I,s:I}", "date", date_iso(req, p.days[i].day),
						      "visits", (json_int_t)p.days[i].visits, "views",
						      (json_int_t)p.days[i].views));
	pages = json_array();
	for (size_t i = 0; i < p.npages; i++)
		json_array_append_new(pages, json_pack("{s:s,s:I}", "path", p.pages[i].path, "views",
						       (json_int_t)p.pages[i].views));
	resp_header_static(req, "Cache-Control", "no-store");
	resp_json(req, 200,
		  json_pack("{s:s,s:s,s:s,s:{s:I,s:I},s:o,s:o,s:o}", "from", date_iso(req, a.from), "to",
			    date_iso(req, a.to), "as_of", as_of(req), "totals", "visits",
			    (json_int_t)p.visits, "views", (json_int_t)p.views, "now", figures_json(&f),
			    "by_day", days, "top_pages", pages));
	return 0;
}

/* "1,8" : a ratio with one decimal and the Vietnamese comma; "–" without a base. */
static const char *ratio(struct request *req, int64_t a, int64_t b)
{
	int64_t tenths;
	if (b <= 0)
		return "–";
	tenths = (a * 10 + b / 2) / b;
	return arena_printf(&req->arena, "%lld,%lld", (long long)(tenths / 10), (long long)(tenths % 10));
}

/* "12,5 %": a share with one decimal; "–" without a base. */
static const char *share(struct request *req, int64_t part, int64_t whole)
{
	int64_t permille;
	if (whole <= 0)
		return "–";
	permille = (part * 1000 + whole / 2) / whole;
	return arena_printf(&req->arena, "%lld,%lld %%", (long long)(permille / 10),
			    (long long)(permille % 10));
}

/* The first `chars` characters of UTF-8 s, with "…" when cut. */
static const char *clip(struct request *req, const char *s, size_t chars)
{
	size_t i = utf8_prefix(s, chars);
	return s[i] ? arena_printf(&req->arena, "%.*s…", (int)i, s) : s;
}

struct bucket {
	const char *label;	/* under the bar: "26/11" or "11/2026" */
	const char *long_label; /* in the table and the bar's title: "26/11/2026" or "11/2026" */
	int64_t visits, views;
};

/* The period's days, or its months when it is longer than CHART_DAYS_MAX days. */
static struct bucket *buckets(struct request *req, const struct visitor_period *p, size_t *n, int *monthly)
{
	struct bucket *b = arena_calloc(&req->arena, p->ndays + 1, sizeof(*b));
	size_t nb = 0;
	*monthly = p->ndays > CHART_DAYS_MAX;
	for (size_t i = 0; i < p->ndays; i++) {
		int32_t d = p->days[i].day;
		if (!nb || !*monthly || d / 100 != p->days[i - 1].day / 100) {
			b[nb].label =
				*monthly ? arena_printf(&req->arena, "%02d/%04d", d / 100 % 100, d / 10000)
					 : arena_printf(&req->arena, "%02d/%02d", d % 100, d / 100 % 100);
			b[nb].long_label = *monthly ? b[nb].label : date_vn(req, d);
			nb++;
		}
		b[nb - 1].visits += p->days[i].visits;
		b[nb - 1].views += p->days[i].views;
	}
	*n = nb;
	return b;
}

/* Visits and page views per day (or month): grouped bars over a grid, every bar titled. */
static json_t *chart(struct request *req, const struct visitor_period *p, const struct bucket *b, size_t nb,
		     int monthly)
{
	const double vw = 720, vh = 250, left = 56, right = 8, top = 14, bottom = 34;
	const double pw = vw - left - right, ph = vh - top - bottom, y0 = vh - bottom;
	int64_t max = 0, ceil;
	json_t *bars = json_array(), *xl = json_array(), *grid, *out;
	double band = pw / (double)nb;
	size_t every = nb > 16 ? (nb + 15) / 16 : 1;

	for (size_t i = 0; i < nb; i++) {
		max = b[i].visits > max ? b[i].visits : max;
		max = b[i].views > max ? b[i].views : max;
	}
	ceil = chart_nice_ceiling(max);
	grid = chart_grid(req, ceil, left, vw - right, y0, ph);
	for (size_t i = 0; i < nb; i++) {
		double x = left + band * (double)i, hv = ph * (double)b[i].visits / (double)ceil,
		       hp = ph * (double)b[i].views / (double)ceil;
		if (b[i].visits)
			json_array_append_new(
				bars,
				chart_rect(req, "bar-visits", x + band * 0.1, y0 - hv, band * 0.38, hv,
					   arena_printf(&req->arena, _("%s: %s visits"), b[i].long_label,
							amount_text(req, b[i].visits))));
		if (b[i].views)
			json_array_append_new(
				bars,
				chart_rect(req, "bar-views", x + band * 0.52, y0 - hp, band * 0.38, hp,
					   arena_printf(&req->arena, _("%s: %s page views"), b[i].long_label,
							amount_text(req, b[i].views))));
		if (i % every == 0)
			json_array_append_new(xl,
					      json_pack("{s:s,s:s,s:s}", "x", chart_fmt1(req, x + band / 2),
							"y", chart_fmt1(req, y0 + 16), "label", b[i].label));
	}
	out = json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:o}", "vw", chart_fmt1(req, vw), "vh", chart_fmt1(req, vh),
			"title",
			monthly ? _("Visits and page views per month") : _("Visits and page views per day"),
			"desc",
			arena_printf(&req->arena, _("%s visits and %s page views from %s to %s."),
				     amount_text(req, p->visits), amount_text(req, p->views),
				     date_vn(req, p->days[0].day), date_vn(req, p->days[p->ndays - 1].day)),
			"grid", grid, "bars", bars, "xlabels", xl);
	json_object_set_new(out, "baseline",
			    json_pack("{s:s,s:s,s:s}", "x1", chart_fmt1(req, left), "x2",
				      chart_fmt1(req, vw - right), "y", chart_fmt1(req, y0)));
	return out;
}

static json_t *kpi(const char *label, const char *value)
{
	return json_pack("{s:s,s:s}", "label", label, "value", value);
}

/* GET /quan-tri/truy-cap: the period's visits and page views as a chart and a table, the top pages. */
int page_visitor_stats(struct request *req)
{
	struct db *db = db_thread();
	struct period_args a;
	struct visitor_period p;
	struct visitor_figures f;
	struct bucket *b;
	size_t nb;
	int monthly, rc;
	const char *msg = NULL;
	json_t *ctx, *kpis, *now, *rows, *pages;

	if (visitors_allowed(req))
		return 0;
	rc = period_args(req, &a, &msg);
	ctx = page_context(req, _("Visitor statistics"));
	resp_header_static(req, "Cache-Control", "no-store");
	if (rc) {
		/* the form again, with what was typed and why it is refused */
		json_object_set_new(ctx, "from", json_string(input_trim(req, req_query(req, "from"))));
		json_object_set_new(ctx, "to", json_string(input_trim(req, req_query(req, "to"))));
		json_object_set_new(ctx, "error", json_string(msg));
		page_render(req, rc, "visitor_stats", ctx);
		return 0;
	}
	if (!db || visitors_period_load(db, &req->arena, a.from, a.to, a.today, TOP_PAGES, &p)) {
		json_decref(ctx);
		resp_unavailable(req);
		return 0;
	}
	visitors_widget(req_now(req), &f);
	json_object_set_new(ctx, "from", json_string(date_iso(req, a.from)));
	json_object_set_new(ctx, "to", json_string(date_iso(req, a.to)));
	json_object_set_new(ctx, "period_text",
			    json_string(arena_printf(&req->arena, _("From %s to %s"), date_vn(req, a.from),
						     date_vn(req, a.to))));
	{
		char d[16], h[8];
		time_fmt_date_vn(d, sizeof(d), req_now(req));
		time_fmt_time_vn(h, sizeof(h), req_now(req));
		json_object_set_new(ctx, "as_of", json_string(arena_printf(&req->arena, "%s %s", h, d)));
	}
	kpis = json_array();
	json_array_append_new(kpis, kpi(_("Visits"), amount_text(req, p.visits)));
	json_array_append_new(kpis, kpi(_("Page views"), amount_text(req, p.views)));
	json_array_append_new(kpis, kpi(_("Page views per visit"), ratio(req, p.views, p.visits)));
	json_object_set_new(ctx, "kpis", kpis);
	now = json_array();
	json_array_append_new(now, kpi(_("Online now"), amount_text(req, f.online)));
	json_array_append_new(now, kpi(_("Today"), amount_text(req, f.today)));
	json_array_append_new(now, kpi(_("This week"), amount_text(req, f.week)));
	json_array_append_new(now, kpi(_("This month"), amount_text(req, f.month)));
	json_array_append_new(now, kpi(_("This year"), amount_text(req, f.year)));
	json_array_append_new(now, kpi(_("Total visits"), amount_text(req, f.total)));
	json_array_append_new(now, kpi(_("Page views today"), amount_text(req, f.views_today)));
	json_object_set_new(ctx, "now", now);

	b = buckets(req, &p, &nb, &monthly);
	json_object_set_new(ctx, "chart", chart(req, &p, b, nb, monthly));
	json_object_set_new(ctx, "monthly", json_boolean(monthly));
	rows = json_array();
	for (size_t i = 0; i < nb; i++)
		json_array_append_new(rows, json_pack("{s:s,s:s,s:s,s:s}", "label", b[i].long_label, "visits",
						      amount_text(req, b[i].visits), "views",
						      amount_text(req, b[i].views), "per_visit",
						      ratio(req, b[i].views, b[i].visits)));
	json_object_set_new(ctx, "rows", rows);
	json_object_set_new(ctx, "total",
			    json_pack("{s:s,s:s,s:s}", "visits", amount_text(req, p.visits), "views",
				      amount_text(req, p.views), "per_visit", ratio(req, p.views, p.visits)));
	pages = json_array();
	for (size_t i = 0; i < p.npages; i++) {
		const char *path = p.pages[i].path;
		/* a link to the page itself: a local path, never "//host" */
		int local = path[0] == '/' && path[1] != '/' && path[1] != '\\';
		json_array_append_new(pages,
				      json_pack("{s:i,s:s,s:b,s:s,s:s,s:s}", "rank", (int)i + 1, "path", path,
						"link", local, "label", clip(req, path, PATH_LABEL_CHARS),
						"views", amount_text(req, p.pages[i].views), "share",
						share(req, p.pages[i].views, p.views)));
	}
	json_object_set_new(ctx, "pages", pages);
	json_object_set_new(ctx, "has_pages", json_boolean(p.npages > 0));
	page_render(req, 200, "visitor_stats", ctx);
	return 0;
}
