/*
 * pages_receipt_report.c: what the collecting units took (/thu-phi/bao-cao and
 * GET /api/v1/stats/receipts, also as XLSX), and its reconciliation with the dossiers.
 * Who sees which unit: a collector his own (receipt.issue); a leader (dossier.approve) or an
 * administrator (audit.read) every collecting unit at or below the units where he holds it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/i18n.h"
#include "core/timefmt.h"
#include "features/authz.h"
#include "features/receipt_report.h"
#include "rules/dossier.h"
#include "store/db.h"
#include "web/app.h"
#include "core/banned.h"

static const char *const oversee_perms[] = { DOSSIER_PERM_APPROVE, "audit.read" };

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Sort and drop repeats. */
static size_t unique(int64_t *v, size_t n)
{
	size_t o = 0;
	qsort(v, n, sizeof(*v), cmp_id);
	for (size_t i = 0; i < n; i++)
		if (!o || v[o - 1] != v[i])
			v[o++] = v[i];
	return o;
}

/* 1 when `unit` is one of `tops` or lies below one. */
static int within_any(const struct unit_tree *t, int64_t unit, const int64_t *tops, size_t n)
{
	for (size_t j = 0; j < n; j++)
		if (unit_tree_within(t, unit, tops[j]))
			return 1;
	return 0;
}

/*
 * The collecting units whose receipts the user may read, and their agencies (both sorted).
 * 0, or 1 after answering (403 when none).
 */
static int report_units(struct request *req, int64_t **units, size_t *n, int64_t **agencies, size_t *na)
{
	const struct unit_tree *t = req_units(req);
	int64_t *issue, *over[2];
	size_t nissue, nover[2];
	if (!t || req_scope(req, "receipt.issue", &issue, &nissue))
		return 1;
	for (size_t k = 0; k < 2; k++)
		if (req_scope(req, oversee_perms[k], &over[k], &nover[k]))
			return 1;
	*units = arena_alloc(&req->arena, (t->n + nissue + 1) * sizeof(**units));
	*n = 0;
	for (size_t i = 0; i < nissue; i++)
		(*units)[(*n)++] = issue[i];
	for (size_t i = 0; i < t->n; i++)
		if (within_any(t, t->id[i], over[0], nover[0]) || within_any(t, t->id[i], over[1], nover[1]))
			(*units)[(*n)++] = t->id[i];
	*n = unique(*units, *n);
	if (!*n) {
		resp_error(req, 403, "forbidden", _("You do not have permission to do this."));
		return 1;
	}
	*agencies = arena_alloc(&req->arena, (*n + 1) * sizeof(**agencies));
	for (size_t i = 0; i < *n; i++)
		(*agencies)[i] = unit_tree_agency(t, (*units)[i]);
	*na = unique(*agencies, *n);
	return 0;
}

static const char *day_text(struct request *req, int64_t t)
{
	struct civil c;
	time_to_civil(t, VN_UTC_OFFSET, &c);
	return arena_printf(&req->arena, "%04d-%02d-%02d", c.year, c.month, c.day);
}

/*
 * The period of ?from=&to= (dates, both included; default this month up to today), at most
 * 366 days. 0, or 1 after answering 422.
 */
static int period(struct request *req, int64_t *from, int64_t *to)
{
	const char *f = req_query(req, "from"), *t = req_query(req, "to");
	struct civil c;
	time_to_civil(req_now(req), VN_UTC_OFFSET, &c);
	c.hour = c.min = c.sec = 0;
	*to = time_from_civil(&c, VN_UTC_OFFSET) + 86400;
	c.day = 1;
	*from = time_from_civil(&c, VN_UTC_OFFSET);
	if ((f && *f && !(*from = input_day(f))) || (t && *t && !(*to = input_day(t)))) {
		resp_error(req, 422, "invalid", _("Dates are written as YYYY-MM-DD."));
		return 1;
	}
	if (t && *t)
		*to += 86400;
	if (*to <= *from || *to - *from > 366 * 86400) {
		resp_error(req, 422, "invalid",
			   _("The period runs from its first day to its last, at most a year."));
		return 1;
	}
	return 0;
}

static json_t *sums_json(struct request *req, const struct receipt_sum *s, size_t n, const char *key)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_pack("{s:s,s:I,s:I,s:s}", key, s[i].key, "count", (json_int_t)s[i].count,
				      "total", (json_int_t)s[i].total, "total_text",
				      amount_text(req, s[i].total));
		if (s[i].id)
			json_object_set_new(o, "id", json_integer(s[i].id));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *report_json(struct request *req, const struct receipt_report *r)
{
	json_t *problems = json_array();
	for (size_t i = 0; i < r->nproblems; i++) {
		const struct receipt_problem *p = &r->problems[i];
		const char *kind = p->payment_id       ? "payment_to_refund"
				   : p->receipt_number ? "total_mismatch"
						       : "paid_without_receipt";
		json_t *o = json_pack("{s:s,s:I,s:s,s:s}", "dossier", p->dossier_code, "fee_due",
				      (json_int_t)p->fee_due, "fee_due_text", amount_text(req, p->fee_due),
				      "problem", kind);
		json_object_set_new(
			o, "problem_text",
			json_string(p->payment_id
					    ? _("Paid online after the fee was paid otherwise: to refund.")
				    : p->receipt_number ? _("The receipt's total is not the dossier's fee.")
							: _("Marked paid, but no receipt stands for it.")));
		if (p->payment_id)
			json_object_set_new(o, "payment", json_integer(p->payment_id));
		if (p->receipt_number)
			json_object_set_new(o, "receipt",
					    json_pack("{s:I,s:s,s:s,s:I,s:s}", "id",
						      (json_int_t)p->receipt_id, "number", p->receipt_number,
						      "series", p->series, "total", (json_int_t)p->total,
						      "total_text", amount_text(req, p->total)));
		json_array_append_new(problems, o);
	}
	json_t *o = json_pack("{s:s,s:s,s:{s:I,s:I,s:s},s:{s:I,s:I,s:s},s:o,s:o,s:o,s:{s:I,s:I,s:b,s:o}}",
			      "from", day_text(req, r->from), "to", day_text(req, r->to - 86400), "issued",
			      "count", (json_int_t)r->issued, "total", (json_int_t)r->issued_total,
			      "total_text", amount_text(req, r->issued_total), "cancelled", "count",
			      (json_int_t)r->cancelled, "total", (json_int_t)r->cancelled_total, "total_text",
			      amount_text(req, r->cancelled_total), "by_day",
			      sums_json(req, r->by_day, r->ndays, "date"), "by_unit",
			      sums_json(req, r->by_unit, r->nunits, "name"), "by_fee",
			      sums_json(req, r->by_fee, r->nfees, "name"), "reconciliation",
			      "paid_without_receipt", (json_int_t)r->paid_without_receipt, "total_mismatch",
			      (json_int_t)r->total_mismatch, "reconciled",
			      !r->paid_without_receipt && !r->total_mismatch && !r->payments_to_refund,
			      "problems", problems);
	json_object_set_new(json_object_get(o, "reconciliation"), "payments_to_refund",
			    json_integer(r->payments_to_refund));
	return o;
}

/* Load the report for the request; 0, or 1 after answering. */
static int load(struct request *req, struct receipt_report *r)
{
	int64_t *units, *agencies, from, to;
	size_t n, na;
	struct db *db;
	if (req_staff_only(req) || report_units(req, &units, &n, &agencies, &na) || period(req, &from, &to))
		return 1;
	if (!(db = db_thread()) || receipt_report(db, &req->arena, units, n, agencies, na, from, to, r)) {
		resp_unavailable(req);
		return 1;
	}
	return 0;
}

static int send_xlsx(struct request *req, const struct receipt_report *r)
{
	buf_reset(&req->out);
	if (receipt_report_xlsx(r, &req->out)) {
		buf_reset(&req->out);
		resp_unavailable(req);
		return 0;
	}
	resp_header(req, "Content-Disposition",
		    arena_printf(&req->arena, "attachment; filename=\"bao-cao-thu-phi-%s-%s.xlsx\"",
				 day_text(req, r->from), day_text(req, r->to - 86400)));
	resp_header_static(req, "Cache-Control", "no-store");
	req->status = 200;
	req->content_type_out = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	return 0;
}

static int wants_xlsx(struct request *req)
{
	const char *f = req_query(req, "format");
	return f && !strcmp(f, "xlsx");
}

int api_receipt_report(struct request *req)
{
	struct receipt_report r;
	if (load(req, &r))
		return 0;
	if (wants_xlsx(req))
		return send_xlsx(req, &r);
	resp_json(req, 200, report_json(req, &r));
	return 0;
}

int page_receipt_report(struct request *req)
{
	struct receipt_report r;
	json_t *ctx, *rep;
	if (load(req, &r))
		return 0;
	if (wants_xlsx(req))
		return send_xlsx(req, &r);
	ctx = page_context(req, _("Fees collected"));
	rep = report_json(req, &r);
	json_object_set_new(ctx, "report", rep);
	json_object_set_new(ctx, "xlsx_url",
			    json_sprintf("/thu-phi/bao-cao?from=%s&to=%s&format=xlsx", day_text(req, r.from),
					 day_text(req, r.to - 86400)));
	json_object_set_new(ctx, "has_problems", json_boolean(r.nproblems > 0));
	resp_header_static(req, "Cache-Control", "no-store");
	page_render(req, 200, "receipt_report", ctx);
	return 0;
}
