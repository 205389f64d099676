/* receipt_report.c: receipts summed by day, unit and fee, and reconciled with the dossiers. */
#include <stdio.h>
#include <string.h>
#include "core/buf.h"
#include "core/timefmt.h"
#include "features/receipt_report.h"
#include "features/receipts.h"
#include "features/xlsx.h"
#include "core/banned.h"

static int finish(struct db_stmt *st, int rc)
{
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : 0;
}

/* "unit_id IN (?, ?, …)" for n values (never empty: "IN (0)" matches nothing). */
static void in_list(struct buf *b, const char *column, size_t n)
{
	buf_addf(b, "%s IN (0", column);
	for (size_t i = 0; i < n; i++)
		buf_adds(b, ", ?");
	buf_adds(b, ")");
}

static struct db_stmt *prepare(struct db *db, struct buf *sql, const int64_t *ids, size_t n, int *next)
{
	struct db_stmt *st = buf_err(sql) ? NULL : db_prepare(db, sql->ptr);
	buf_release(sql);
	*next = 1;
	for (size_t i = 0; st && i < n; i++)
		db_bind_int(st, (*next)++, ids[i]);
	return st;
}

/* Rows of (key text or day number, id, count, total) into a growing array. */
static int read_sums(struct db_stmt *st, struct arena *a, int day_key, struct receipt_sum **out, size_t *n)
{
	size_t cap = 32;
	int rc;
	*n = 0;
	*out = arena_calloc(a, cap, sizeof(**out));
	for (rc = db_step(st); rc == DB_ROW; rc = db_step(st)) {
		struct receipt_sum *s;
		if (*n == cap) {
			struct receipt_sum *more = arena_calloc(a, cap * 2, sizeof(*more));
			memcpy(more, *out, cap * sizeof(*more));
			*out = more;
			cap *= 2;
		}
		s = &(*out)[(*n)++];
		if (day_key) {
			struct civil c;
			char d[16];
			time_to_civil(db_col_int(st, 0) * 86400, 0, &c);
			snprintf(d, sizeof(d), "%04d-%02d-%02d", c.year, c.month, c.day);
			s->key = arena_strdup(a, d);
		} else {
			const char *k = db_col_text(st, 0);
			s->key = arena_strdup(a, k ? k : "");
		}
		s->id = db_col_int(st, 1);
		s->count = db_col_int(st, 2);
		s->total = db_col_int(st, 3);
	}
	return finish(st, rc);
}

/* One grouping of the period's issued receipts: `select` names the key and id columns. */
static int sums(struct db *db, struct arena *a, const struct receipt_report *r, const int64_t *units,
		size_t nunits, const char *select, const char *from, const char *group, int day_key,
		struct receipt_sum **out, size_t *n)
{
	struct buf sql;
	struct db_stmt *st;
	int i;
	buf_init(&sql, 16384);
	buf_addf(&sql, "SELECT %s FROM %s WHERE ", select, from);
	in_list(&sql, "r.unit_id", nunits);
	buf_addf(&sql, " AND r.issued_at >= ? AND r.issued_at < ? AND r.status = %d GROUP BY %s ORDER BY 1",
		 RST_ISSUED, group);
	if (!(st = prepare(db, &sql, units, nunits, &i)))
		return DB_ERROR;
	db_bind_int(st, i++, r->from);
	db_bind_int(st, i++, r->to);
	return read_sums(st, a, day_key, out, n);
}

static int totals(struct db *db, struct receipt_report *r, const int64_t *units, size_t nunits)
{
	struct buf sql;
	struct db_stmt *st;
	int i, rc;
	buf_init(&sql, 16384);
	buf_adds(&sql, "SELECT r.status, COUNT(*), COALESCE(SUM(r.total), 0) FROM receipts r WHERE ");
	in_list(&sql, "r.unit_id", nunits);
	buf_adds(&sql, " AND r.issued_at >= ? AND r.issued_at < ? GROUP BY r.status");
	if (!(st = prepare(db, &sql, units, nunits, &i)))
		return DB_ERROR;
	db_bind_int(st, i++, r->from);
	db_bind_int(st, i++, r->to);
	for (rc = db_step(st); rc == DB_ROW; rc = db_step(st)) {
		int64_t *count = db_col_int(st, 0) == RST_ISSUED ? &r->issued : &r->cancelled;
		int64_t *sum = count == &r->issued ? &r->issued_total : &r->cancelled_total;
		*count += db_col_int(st, 1);
		*sum += db_col_int(st, 2);
	}
	return finish(st, rc);
}

static void problem_add(struct arena *a, struct receipt_report *r, size_t *cap, struct db_stmt *st,
			int with_receipt)
{
	struct receipt_problem *p;
	if (r->nproblems >= RECEIPT_REPORT_PROBLEMS)
		return;
	if (r->nproblems == *cap) {
		struct receipt_problem *more = arena_calloc(a, *cap * 2, sizeof(*more));
		memcpy(more, r->problems, *cap * sizeof(*more));
		r->problems = more;
		*cap *= 2;
	}
	p = &r->problems[r->nproblems++];
	p->dossier_code = arena_strdup(a, db_col_text(st, 0));
	p->fee_due = db_col_int(st, 1);
	if (with_receipt) {
		char n[16];
		p->receipt_id = db_col_int(st, 2);
		snprintf(n, sizeof(n), "%07lld", (long long)db_col_int(st, 3));
		p->receipt_number = arena_strdup(a, n);
		p->series = arena_strdup(a, db_col_text(st, 4));
		p->total = db_col_int(st, 5);
	}
}

static int reconcile(struct db *db, struct arena *a, struct receipt_report *r, const int64_t *agencies,
		     size_t nagencies)
{
	struct buf sql;
	struct db_stmt *st;
	size_t cap = 16;
	int i, rc;

	r->problems = arena_calloc(a, cap, sizeof(*r->problems));
	/* paid, and no receipt standing */
	buf_init(&sql, 16384);
	buf_adds(&sql, "SELECT d.code, d.fee_due FROM dossiers d WHERE ");
	in_list(&sql, "d.receiving_unit", nagencies);
	buf_addf(&sql,
		 " AND d.fee_paid = 1 AND d.fee_due > 0 AND NOT EXISTS (SELECT 1 FROM receipts r WHERE "
		 "r.dossier_id = d.id AND r.status = %d) ORDER BY d.code",
		 RST_ISSUED);
	if (!(st = prepare(db, &sql, agencies, nagencies, &i)))
		return DB_ERROR;
	for (rc = db_step(st); rc == DB_ROW; rc = db_step(st)) {
		r->paid_without_receipt++;
		problem_add(a, r, &cap, st, 0);
	}
	if ((rc = finish(st, rc)))
		return rc;
	/* a receipt of a dossier for another sum than its fee */
	buf_init(&sql, 16384);
	buf_adds(
		&sql,
		"SELECT d.code, d.fee_due, r.id, r.number, b.series, r.total FROM receipts r JOIN dossiers d ON "
		"d.id = r.dossier_id JOIN receipt_books b ON b.id = r.book_id WHERE ");
	in_list(&sql, "d.receiving_unit", nagencies);
	buf_addf(&sql, " AND r.status = %d AND r.total <> d.fee_due ORDER BY d.code", RST_ISSUED);
	if (!(st = prepare(db, &sql, agencies, nagencies, &i)))
		return DB_ERROR;
	for (rc = db_step(st); rc == DB_ROW; rc = db_step(st)) {
		r->total_mismatch++;
		problem_add(a, r, &cap, st, 1);
	}
	if ((rc = finish(st, rc)))
		return rc;
	/* money received online for a fee paid otherwise meanwhile (features/payments.h PAY_UNAPPLIED) */
	buf_init(&sql, 16384);
	buf_adds(
		&sql,
		"SELECT d.code, p.amount, p.id FROM payments p JOIN dossiers d ON d.id = p.dossier_id WHERE ");
	in_list(&sql, "d.receiving_unit", nagencies);
	buf_adds(&sql, " AND p.status = 4 ORDER BY p.id");
	if (!(st = prepare(db, &sql, agencies, nagencies, &i)))
		return DB_ERROR;
	for (rc = db_step(st); rc == DB_ROW; rc = db_step(st)) {
		r->payments_to_refund++;
		problem_add(a, r, &cap, st, 0);
		if (r->nproblems && r->problems[r->nproblems - 1].payment_id == 0 &&
		    !strcmp(r->problems[r->nproblems - 1].dossier_code, db_col_text(st, 0)))
			r->problems[r->nproblems - 1].payment_id = db_col_int(st, 2);
	}
	return finish(st, rc);
}

int receipt_report(struct db *db, struct arena *a, const int64_t *units, size_t nunits,
		   const int64_t *agencies, size_t nagencies, int64_t from, int64_t to,
		   struct receipt_report *out)
{
	int rc;
	memset(out, 0, sizeof(*out));
	out->from = from;
	out->to = to;
	/* the local day of an instant: (t + 7 h) / 1 day, in integers on both databases */
	if ((rc = totals(db, out, units, nunits)) ||
	    (rc = sums(db, a, out, units, nunits, "(r.issued_at + 25200) / 86400, 0, COUNT(*), SUM(r.total)",
		       "receipts r", "(r.issued_at + 25200) / 86400", 1, &out->by_day, &out->ndays)) ||
	    (rc = sums(db, a, out, units, nunits, "r.unit_name, r.unit_id, COUNT(*), SUM(r.total)",
		       "receipts r", "r.unit_name, r.unit_id", 0, &out->by_unit, &out->nunits)) ||
	    (rc = sums(db, a, out, units, nunits, "l.name, 0, COUNT(*), SUM(l.amount)",
		       "receipts r JOIN receipt_lines l ON l.receipt_id = r.id", "l.name", 0, &out->by_fee,
		       &out->nfees)))
		return rc;
	return reconcile(db, a, out, agencies, nagencies);
}

/* ---- the workbook ---- */

static int sheet_sums(lxw_workbook *wb, const char *name, const char *head, const struct receipt_sum *s,
		      size_t n, lxw_format *bold)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, name);
	lxw_error e = LXW_NO_ERROR;
	int64_t count = 0, total = 0;
	if (!ws)
		return -1;
	e |= worksheet_write_string(ws, 0, 0, head, bold);
	e |= worksheet_write_string(ws, 0, 1, "Số biên lai", bold);
	e |= worksheet_write_string(ws, 0, 2, "Số tiền (đồng)", bold);
	worksheet_set_column(ws, 0, 0, 48, NULL);
	worksheet_set_column(ws, 1, 2, 16, NULL);
	for (size_t i = 0; i < n; i++) {
		e |= worksheet_write_string(ws, (lxw_row_t)(i + 1), 0, s[i].key, NULL);
		e |= worksheet_write_number(ws, (lxw_row_t)(i + 1), 1, (double)s[i].count, NULL);
		e |= worksheet_write_number(ws, (lxw_row_t)(i + 1), 2, (double)s[i].total, NULL);
		count += s[i].count;
		total += s[i].total;
	}
	e |= worksheet_write_string(ws, (lxw_row_t)(n + 1), 0, "Tổng cộng", bold);
	e |= worksheet_write_number(ws, (lxw_row_t)(n + 1), 1, (double)count, bold);
	e |= worksheet_write_number(ws, (lxw_row_t)(n + 1), 2, (double)total, bold);
	return e == LXW_NO_ERROR ? 0 : -1;
}

int receipt_report_xlsx(const struct receipt_report *r, struct buf *out)
{
	char path[4096];
	lxw_workbook *wb = xlsx_open("motcua-receipts", path, sizeof(path));
	lxw_worksheet *ws;
	lxw_format *bold;
	lxw_error e = LXW_NO_ERROR;
	if (!wb)
		return -1;
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	if (sheet_sums(wb, "Theo ngày", "Ngày", r->by_day, r->ndays, bold) ||
	    sheet_sums(wb, "Theo đơn vị", "Đơn vị thu", r->by_unit, r->nunits, bold) ||
	    sheet_sums(wb, "Theo khoản thu", "Loại phí, lệ phí", r->by_fee, r->nfees, bold) ||
	    !(ws = workbook_add_worksheet(wb, "Đối chiếu"))) {
		xlsx_abandon(wb, path);
		return -1;
	}
	e |= worksheet_write_string(ws, 0, 0, "Mã hồ sơ", bold);
	e |= worksheet_write_string(ws, 0, 1, "Phí, lệ phí của hồ sơ", bold);
	e |= worksheet_write_string(ws, 0, 2, "Biên lai", bold);
	e |= worksheet_write_string(ws, 0, 3, "Số tiền trên biên lai", bold);
	e |= worksheet_write_string(ws, 0, 4, "Vấn đề", bold);
	worksheet_set_column(ws, 0, 0, 30, NULL);
	worksheet_set_column(ws, 1, 3, 18, NULL);
	worksheet_set_column(ws, 4, 4, 40, NULL);
	for (size_t i = 0; i < r->nproblems; i++) {
		const struct receipt_problem *p = &r->problems[i];
		lxw_row_t row = (lxw_row_t)(i + 1);
		e |= worksheet_write_string(ws, row, 0, p->dossier_code, NULL);
		e |= worksheet_write_number(ws, row, 1, (double)p->fee_due, NULL);
		if (p->payment_id) {
			e |= worksheet_write_string(
				ws, row, 4, "Thanh toán trực tuyến sau khi đã nộp phí: phải hoàn trả", NULL);
		} else if (p->receipt_number) {
			char ref[48];
			snprintf(ref, sizeof(ref), "%s %s", p->series, p->receipt_number);
			e |= worksheet_write_string(ws, row, 2, ref, NULL);
			e |= worksheet_write_number(ws, row, 3, (double)p->total, NULL);
			e |= worksheet_write_string(ws, row, 4, "Số tiền khác phí, lệ phí của hồ sơ", NULL);
		} else {
			e |= worksheet_write_string(ws, row, 4, "Đã ghi nhận nộp phí nhưng không có biên lai",
						    NULL);
		}
	}
	if (e != LXW_NO_ERROR) {
		xlsx_abandon(wb, path);
		return -1;
	}
	return xlsx_finish(wb, path, out);
}
