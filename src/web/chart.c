/* chart.c: pieces of the server-drawn SVG bar charts of the dashboards (web/app.h). */
#include "web/app.h"
#include "core/banned.h"

const char *chart_fmt1(struct request *req, double v)
{
	return arena_printf(&req->arena, "%.1f", v);
}

int64_t chart_nice_ceiling(int64_t v)
{
	int64_t m = 1;
	for (;;) {
		if (v <= m)
			return m;
		if (v <= 2 * m)
			return 2 * m;
		if (v <= 5 * m)
			return 5 * m;
		m *= 10;
	}
}

json_t *chart_grid(struct request *req, int64_t top, double x1, double x2, double y0, double h)
{
	json_t *grid = json_array();
	int64_t step = top % 5 == 0 ? top / 5 : 1;
	for (int64_t v = 0; v <= top; v += step) {
		double y = y0 - h * (double)v / (double)top;
		json_array_append_new(grid, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "x1", chart_fmt1(req, x1),
						      "x2", chart_fmt1(req, x2), "y", chart_fmt1(req, y),
						      "tx", chart_fmt1(req, x1 - 4), "ty",
						      chart_fmt1(req, y + 4), "label", amount_text(req, v)));
	}
	return grid;
}

json_t *chart_rect(struct request *req, const char *cls, double x, double y, double w, double h,
		   const char *tip)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "cls", cls, "x", chart_fmt1(req, x), "y",
			 chart_fmt1(req, y), "w", chart_fmt1(req, w), "h", chart_fmt1(req, h), "tip", tip);
}
