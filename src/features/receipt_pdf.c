/* receipt_pdf.c: the printed receipt (bản thể hiện của biên lai điện tử), A5 portrait, with its QR code. */
#include "features/receipt_pdf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "core/timefmt.h"
#include "features/pdf.h"
#include "core/banned.h"

/*
 * A5 portrait. A receipt is not an administrative document of Decree
 * 30/2020, so its margins are narrower than the forms': the table of fees
 * gets the room.
 */
#define MARGIN_TOP    (10 * PDF_MM)
#define MARGIN_RIGHT  (10 * PDF_MM)
#define MARGIN_BOTTOM (12 * PDF_MM)
#define MARGIN_LEFT   (12 * PDF_MM)

/* Font sizes (points). */
#define SZ_UNIT	  9.0
#define SZ_TITLE  13.0
#define SZ_BODY	  9.0
#define SZ_SIGN	  8.5
#define SZ_SMALL  7.5
#define SZ_STAMP  60.0
#define GAP	  1.5  /* between lines of the body */
#define PAD	  2.5  /* inside a table cell */
#define SIGN_ROOM 28   /* room to sign by hand */
#define QR_SIZE	  66.0 /* the QR code's square, its quiet zone inside */

/*
 * The stamp across a cancelled receipt: see-through red, so that the text
 * under it still reads. Level, not slanted: text set at an angle reaches
 * copy, search and screen readers as scattered letters.
 */
#define STAMP_RGBA 0.80, 0.05, 0.05, 0.40
#define RED	   0.75, 0.05, 0.05

#define DOTS "……………"

/*
 * The table's font size: the largest of these at which the receipt holds on
 * one page; when none does, the first, the table continued on the next page.
 */
static const double table_sizes[] = { 8.5, 8.0, 7.5, 7.0 };

/* One drawing of a receipt (a counting pass, then the real one). */
struct draw {
	const struct receipt *r;
	const char *url;
	char number[16];
	double table_size;
	int pages; /* pages of the receipt, 0 while counting */
	int rc;	   /* -1 when the QR code could not be made */
};

static const char *str(const char *s)
{
	return s ? s : "";
}

static const char *or_dots(const char *s)
{
	return s && *s ? s : DOTS;
}

static const char *method_text(int method)
{
	switch (method) {
	case RM_CASH: return "Tiền mặt";
	case RM_TRANSFER: return "Chuyển khoản";
	case RM_ONLINE: return "Thanh toán trực tuyến";
	}
	return DOTS;
}

/* "Ngày 05 tháng 03 năm 2026" in Vietnam time, dotted when t is 0. */
static void fmt_day(char *out, size_t n, int64_t t)
{
	struct civil c;

	if (!t) {
		snprintf(out, n, "Ngày %s tháng %s năm %s", "……", "……", "……");
		return;
	}
	time_to_civil(t, VN_UTC_OFFSET, &c);
	snprintf(out, n, "Ngày %02d tháng %02d năm %d", c.day, c.month, c.year);
}

/* Set text at (x, y) `w` wide, or only measure it when draw is 0; its height either way. */
static double put(struct pdf *p, int draw, double x, double y, double w, const char *text, double size,
		  int flags)
{
	if (draw)
		return pdf_text_at(p, x, y, w, text, size, flags);
	return pdf_text_height(p, text, w, size, flags);
}

/* A line of the body across the text area: markup with escaped %s arguments (pdf_markupf). */
static void linef(struct pdf *p, int flags, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void linef(struct pdf *p, int flags, const char *fmt, ...)
{
	struct buf m = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	pdf_vmarkupf(&m, fmt, ap);
	va_end(ap);
	pdf_para(p, 0, m.ptr, SZ_BODY, PDF_MARKUP | flags);
	p->y += GAP;
	buf_release(&m);
}

/* "ĐÃ HỦY" in large letters framed like a rubber stamp, across the middle of the page. */
static void stamp(struct pdf *p)
{
	static const char text[] = "ĐÃ HỦY";
	double size = pdf_fit(p, text, (p->right - p->left) * 0.8, SZ_STAMP, 20, PDF_BOLD);
	double w = pdf_text_width(p, text, size, PDF_BOLD), h = pdf_text_height(p, text, 0, size, PDF_BOLD);
	double x = (p->left + p->right - w) / 2, y = (p->top + p->bottom - h) / 2;

	cairo_save(p->cr);
	cairo_set_source_rgba(p->cr, STAMP_RGBA);
	pdf_text_at(p, x, y, w + 1, text, size, PDF_BOLD | PDF_CENTER);
	cairo_set_line_width(p->cr, 3);
	cairo_rectangle(p->cr, x - 12, y - 2, w + 24, h + 4);
	cairo_stroke(p->cr);
	cairo_restore(p->cr);
}

/*
 * What every page carries (pdf's on_page): the stamp of a cancelled receipt
 * under the text, "Trang 1/2" in the bottom margin when there are more
 * pages, and on the pages after the first the receipt they continue.
 */
static void page_start(struct pdf *p, void *arg)
{
	struct draw *d = arg;
	const struct receipt *r = d->r;
	char s[160];

	cairo_save(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	if (r->status == RST_CANCELLED)
		stamp(p);
	if (d->pages > 1) {
		snprintf(s, sizeof(s), "Trang %d/%d", p->page, d->pages);
		pdf_text_at(p, p->left, p->bottom + 8, p->right - p->left, s, SZ_SMALL, PDF_CENTER);
	}
	if (p->page > 1) {
		struct buf m = BUF_INIT;

		pdf_markupf(&m, "Biên lai số %s, ký hiệu %s, mẫu số %s (tiếp theo)", d->number,
			    str(r->series), str(r->template_code));
		p->y += pdf_text_at(p, p->left, p->y, p->right - p->left, m.ptr, SZ_SMALL,
				    PDF_ITALIC | PDF_RIGHT | PDF_MARKUP);
		p->y += 6;
		buf_release(&m);
	}
	cairo_restore(p->cr);
}

/* Top left the collecting unit, top right the receipt's template, series and number; a rule under both. */
static void head(struct pdf *p, struct draw *d)
{
	const struct receipt *r = d->r;
	double w = p->right - p->left, rw = w * 0.34, lw = w - rw - 10, rx = p->right - rw;
	double ly = p->y, ry = p->y;
	struct buf m = BUF_INIT;

	ly += pdf_text_at(p, p->left, ly, lw, or_dots(r->unit_name), SZ_UNIT + 0.5, PDF_BOLD);
	pdf_markupf(&m, "Mã số thuế: <b>%s</b>", or_dots(r->unit_tax_code));
	ly += pdf_text_at(p, p->left, ly, lw, m.ptr, SZ_UNIT, PDF_MARKUP);
	buf_reset(&m);
	pdf_markupf(&m, "Địa chỉ: %s", or_dots(r->unit_address));
	ly += pdf_text_at(p, p->left, ly, lw, m.ptr, SZ_UNIT, PDF_MARKUP);

	buf_reset(&m);
	pdf_markupf(&m, "Mẫu số: <b>%s</b>", or_dots(r->template_code));
	ry += pdf_text_at(p, rx, ry, rw, m.ptr, SZ_UNIT, PDF_MARKUP);
	buf_reset(&m);
	pdf_markupf(&m, "Ký hiệu: <b>%s</b>", or_dots(r->series));
	ry += pdf_text_at(p, rx, ry, rw, m.ptr, SZ_UNIT, PDF_MARKUP);
	buf_reset(&m);
	/* the number in red, as receipts print it */
	pdf_markupf(&m, "Số: <span foreground=\"#c00000\" size=\"larger\"><b>%s</b></span>", d->number);
	ry += pdf_text_at(p, rx, ry, rw, m.ptr, SZ_UNIT, PDF_MARKUP);
	buf_release(&m);

	p->y = (ly > ry ? ly : ry) + 4;
	pdf_line(p, p->left, p->y, p->right, p->y, 0.6);
	p->y += 8;
}

/* The title, what the paper is, the date; then what became of the receipt (cancelled, replaced). */
static void title(struct pdf *p, struct draw *d)
{
	const struct receipt *r = d->r;
	char day[64], date[16];

	pdf_para(p, 0, "BIÊN LAI THU PHÍ, LỆ PHÍ", SZ_TITLE, PDF_BOLD | PDF_CENTER);
	pdf_para(p, 0, "(Bản thể hiện của biên lai điện tử)", SZ_BODY, PDF_ITALIC | PDF_CENTER);
	fmt_day(day, sizeof(day), r->issued_at);
	pdf_para(p, 0, day, SZ_BODY, PDF_ITALIC | PDF_CENTER);
	p->y += 4;
	if (r->replaces_number && *r->replaces_number)
		linef(p, PDF_CENTER, "<i>Thay thế cho biên lai số <b>%s</b></i>", r->replaces_number);
	if (r->status != RST_CANCELLED)
		goto out;
	cairo_save(p->cr);
	cairo_set_source_rgb(p->cr, RED);
	if (r->cancelled_at) {
		time_fmt_date_vn(date, sizeof(date), r->cancelled_at);
		linef(p, PDF_CENTER, "<b>Biên lai đã bị hủy ngày %s</b>", date);
	}
	linef(p, PDF_CENTER, "Lý do hủy: <b>%s</b>", or_dots(r->cancel_reason));
	if (r->replaced_by_number && *r->replaced_by_number)
		linef(p, PDF_CENTER, "Được thay thế bởi biên lai số <b>%s</b>", r->replaced_by_number);
	cairo_restore(p->cr);
out:
	p->y += 4;
}

static void payer(struct pdf *p, struct draw *d)
{
	const struct receipt_party *a = &d->r->payer;
	int tax = a->tax_code && *a->tax_code, id = a->id_no && *a->id_no;

	linef(p, 0, "Họ tên người nộp: <b>%s</b>", or_dots(a->name));
	linef(p, 0, "Địa chỉ: %s", or_dots(a->address));
	if (tax && id)
		linef(p, 0, "Mã số thuế: %s\tSố CCCD: %s", a->tax_code, a->id_no);
	else if (tax)
		linef(p, 0, "Mã số thuế: %s", a->tax_code);
	else if (id)
		linef(p, 0, "Số CCCD: %s", a->id_no);
	if (d->r->dossier_code && *d->r->dossier_code)
		linef(p, 0, "Hồ sơ: <b>%s</b>", d->r->dossier_code);
}

/* The width a column needs for `text` at size (plus its cell's padding), or `at_least`, whichever is more. */
static double col_need(struct pdf *p, const char *text, double size, int flags, double at_least)
{
	double w = pdf_text_width(p, text, size, flags) + 2 * PAD + 2;

	return w > at_least ? w : at_least;
}

/*
 * The fees, one row each, and the total: the figures are measured to hold
 * on one line, the names take the rest of the width and wrap.
 */
static void table(struct pdf *p, struct draw *d)
{
	enum {
		C_NO,
		C_NAME,
		C_QTY,
		C_UNIT,
		C_AMOUNT,
		C_COUNT
	};
	static const char *const head_cells[C_COUNT] = { "STT", "Tên loại phí, lệ phí", "Số lượng", "Đơn giá",
							 "Thành tiền" };
	const struct receipt *r = d->r;
	double size = d->table_size, w = p->right - p->left;
	struct pdf_col cols[C_COUNT] = {
		{ 0, PDF_CENTER },
		{ 0, PDF_MARKUP },
		{ 0, PDF_RIGHT },
		{ 0, PDF_RIGHT },
		{ 0, PDF_RIGHT | PDF_MARKUP },
	};
	struct pdf_table t = { cols, C_COUNT, 0, size, size, PAD, head_cells, 1 };
	char no[24], qty[32], unit[32], amount[32];
	struct buf name = BUF_INIT, sum = BUF_INIT;
	size_t i;

	/* widths: the header's words, or the widest figure of the column */
	cols[C_NO].width = col_need(p, "STT", size, PDF_BOLD, 0);
	cols[C_QTY].width = col_need(p, "lượng", size, PDF_BOLD, 0);
	cols[C_UNIT].width = col_need(p, "Đơn giá", size, PDF_BOLD, 0);
	num_fmt_vn(amount, sizeof(amount), r->total);
	cols[C_AMOUNT].width =
		col_need(p, "Thành tiền", size, PDF_BOLD, col_need(p, amount, size, PDF_BOLD, 0));
	for (i = 0; i < r->nlines; i++) {
		num_fmt_vn(qty, sizeof(qty), r->lines[i].quantity);
		num_fmt_vn(unit, sizeof(unit), r->lines[i].unit_amount);
		num_fmt_vn(amount, sizeof(amount), r->lines[i].amount);
		cols[C_QTY].width = col_need(p, qty, size, 0, cols[C_QTY].width);
		cols[C_UNIT].width = col_need(p, unit, size, 0, cols[C_UNIT].width);
		cols[C_AMOUNT].width = col_need(p, amount, size, 0, cols[C_AMOUNT].width);
	}
	cols[C_NAME].width =
		w - cols[C_NO].width - cols[C_QTY].width - cols[C_UNIT].width - cols[C_AMOUNT].width;

	pdf_para(p, 0, "Đơn vị tính: đồng", SZ_SMALL, PDF_ITALIC | PDF_RIGHT);
	p->y += 1;
	pdf_table_head(p, &t);
	for (i = 0; i < r->nlines; i++) {
		const struct receipt_line *ln = &r->lines[i];
		const char *cells[C_COUNT];

		snprintf(no, sizeof(no), "%zu", i + 1);
		buf_reset(&name);
		pdf_markupf(&name, "%s", str(ln->name));
		num_fmt_vn(qty, sizeof(qty), ln->quantity);
		num_fmt_vn(unit, sizeof(unit), ln->unit_amount);
		num_fmt_vn(amount, sizeof(amount), ln->amount);
		buf_reset(&sum);
		pdf_markupf(&sum, "%s", amount);
		cells[C_NO] = no;
		cells[C_NAME] = name.ptr;
		cells[C_QTY] = qty;
		cells[C_UNIT] = unit;
		cells[C_AMOUNT] = sum.ptr;
		pdf_table_row(p, &t, cells);
	}
	{
		const char *cells[C_COUNT] = { "", "<b>Tổng cộng</b>", "", "", NULL };

		num_fmt_vn(amount, sizeof(amount), r->total);
		buf_reset(&sum);
		pdf_markupf(&sum, "<b>%s</b>", amount);
		cells[C_AMOUNT] = sum.ptr;
		pdf_table_row(p, &t, cells);
	}
	p->y += 4;
	buf_release(&name);
	buf_release(&sum);
}

static void totals(struct pdf *p, struct draw *d)
{
	linef(p, 0, "Số tiền bằng chữ: <b><i>%s</i></b>", or_dots(d->r->amount_in_words));
	linef(p, 0, "Hình thức thanh toán: %s", method_text(d->r->method));
}

/*
 * The payer's block (left) and the collector's (right): the title, what to
 * do, room to sign, the name. The collector signs digitally: the mark of
 * that signature ("Ký bởi", "Ký ngày") is framed in its room, as e-receipts
 * show it. Drawn when draw is 1, else measured; the height.
 */
static double signatures_at(struct pdf *p, struct draw *d, int draw)
{
	const struct receipt *r = d->r;
	double w = (p->right - p->left) / 2, lx = p->left, rx = p->left + w, y0 = p->y;
	double ly = y0, ry = y0, mw = w * 0.86, mx = rx + (w - mw) / 2, mh, room;
	char date[16] = "";
	struct buf by = BUF_INIT, on = BUF_INIT;

	pdf_markupf(&by, "Ký bởi: <b>%s</b>", or_dots(r->unit_name));
	if (r->issued_at)
		time_fmt_date_vn(date, sizeof(date), r->issued_at);
	pdf_markupf(&on, "Ký ngày: <b>%s</b>", or_dots(date));
	mh = pdf_text_height(p, by.ptr, mw - 8, SZ_SMALL, PDF_MARKUP) +
	     pdf_text_height(p, on.ptr, mw - 8, SZ_SMALL, PDF_MARKUP) + 6;
	room = mh + 10 > SIGN_ROOM ? mh + 10 : SIGN_ROOM;

	ly += put(p, draw, lx, ly, w, "NGƯỜI NỘP TIỀN", SZ_SIGN, PDF_BOLD | PDF_CENTER);
	ly += put(p, draw, lx, ly, w, "(Ký, ghi rõ họ tên)", SZ_SIGN - 0.5, PDF_ITALIC | PDF_CENTER) + room;
	if (d->r->payer.name && *d->r->payer.name)
		ly += put(p, draw, lx, ly, w, d->r->payer.name, SZ_SIGN, PDF_BOLD | PDF_CENTER);

	ry += put(p, draw, rx, ry, w, "NGƯỜI THU TIỀN", SZ_SIGN, PDF_BOLD | PDF_CENTER);
	ry += put(p, draw, rx, ry, w, "(Ký, ghi rõ họ tên)", SZ_SIGN - 0.5, PDF_ITALIC | PDF_CENTER);
	if (draw) {
		double my = ry + (room - mh) / 2;

		cairo_save(p->cr);
		cairo_set_source_rgb(p->cr, RED);
		cairo_set_line_width(p->cr, 0.8);
		cairo_rectangle(p->cr, mx, my, mw, mh);
		cairo_stroke(p->cr);
		my += 3;
		my += pdf_text_at(p, mx + 4, my, mw - 8, by.ptr, SZ_SMALL, PDF_MARKUP);
		pdf_text_at(p, mx + 4, my, mw - 8, on.ptr, SZ_SMALL, PDF_MARKUP);
		cairo_restore(p->cr);
	}
	ry += room;
	if (r->collector_name && *r->collector_name)
		ry += put(p, draw, rx, ry, w, r->collector_name, SZ_SIGN, PDF_BOLD | PDF_CENTER);
	buf_release(&by);
	buf_release(&on);
	return (ly > ry ? ly : ry) - y0;
}

static void signatures(struct pdf *p, struct draw *d)
{
	p->y += 4;
	pdf_ensure(p, signatures_at(p, d, 0));
	p->y += signatures_at(p, d, 1);
	p->y += 6;
}

/* The QR code of the verification page and beside it where to look the receipt up. Drawn or measured. */
static double lookup_at(struct pdf *p, struct draw *d, int draw)
{
	double x = p->left + QR_SIZE + 4, w = p->right - x, y0 = p->y, y = y0 + 6;
	struct buf m = BUF_INIT;

	if (draw && pdf_qr(p, p->left, y0, QR_SIZE, d->url))
		d->rc = -1;
	y += put(p, draw, x, y, w, "Tra cứu biên lai tại:", SZ_SMALL, PDF_ITALIC);
	y += put(p, draw, x, y, w, d->url, SZ_SMALL, 0) + 1;
	pdf_markupf(&m, "Mã tra cứu: <b>%s</b>", or_dots(d->r->lookup));
	y += put(p, draw, x, y, w, m.ptr, SZ_SMALL, PDF_MARKUP) + 1;
	buf_reset(&m);
	pdf_markupf(&m, "Mã xác thực: <b>%s</b>", or_dots(d->r->verify_code));
	y += put(p, draw, x, y, w, m.ptr, SZ_SMALL, PDF_MARKUP);
	buf_release(&m);
	return y - y0 > QR_SIZE ? y - y0 : QR_SIZE;
}

/* At the foot of the last page when it has room, after a rule. */
static void lookup(struct pdf *p, struct draw *d)
{
	double h = lookup_at(p, d, 0) + 4;

	pdf_ensure(p, h);
	if (p->y + h < p->bottom)
		p->y = p->bottom - h;
	pdf_line(p, p->left, p->y, p->right, p->y, 0.4);
	p->y += 4;
	p->y += lookup_at(p, d, 1);
}

static void receipt_draw(struct pdf *p, struct draw *d)
{
	p->on_page = page_start;
	p->on_page_arg = d;
	page_start(p, d);
	head(p, d);
	title(p, d);
	payer(p, d);
	table(p, d);
	totals(p, d);
	signatures(p, d);
	lookup(p, d);
}

static int draw_open(struct pdf *p, struct buf *out)
{
	return pdf_open(p, out, PDF_A5_W, PDF_A5_H, MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_LEFT);
}

/* Draw the receipt for nothing: its number of pages, or -1. */
static int count_pages(struct draw *d)
{
	struct pdf p;
	int n;

	if (draw_open(&p, NULL))
		return -1;
	receipt_draw(&p, d);
	n = p.page;
	if (pdf_close(&p))
		return -1;
	return n;
}

int receipt_pdf(const struct receipt *r, const char *verify_url, struct buf *out)
{
	struct draw d;
	struct pdf p;
	char info[96];
	size_t i;
	int n = 0;

	if (!r || !verify_url || !*verify_url || !out || r->nlines > RECEIPT_MAX_LINES)
		return -1;
	memset(&d, 0, sizeof(d));
	d.r = r;
	d.url = verify_url;
	if (memchr(r->number_text, 0, sizeof(r->number_text)) && r->number_text[0])
		snprintf(d.number, sizeof(d.number), "%s", r->number_text);
	else
		snprintf(d.number, sizeof(d.number), "%07lld", (long long)r->number);

	for (i = 0; i < sizeof(table_sizes) / sizeof(table_sizes[0]); i++) {
		d.table_size = table_sizes[i];
		n = count_pages(&d);
		if (n < 0)
			return -1;
		if (n == 1)
			break;
	}
	if (n != 1) {
		/* too long for one page at any size: the usual size, continued over pages */
		d.table_size = table_sizes[0];
		n = count_pages(&d);
		if (n < 1)
			return -1;
	}
	d.pages = n;
	d.rc = 0;

	if (draw_open(&p, out))
		return -1;
	snprintf(info, sizeof(info), "Biên lai thu phí, lệ phí số %s", d.number);
	pdf_set_info(&p, info, r->unit_name);
	receipt_draw(&p, &d);
	if (pdf_close(&p) || d.rc) {
		buf_setlen(out, p.out_start);
		return -1;
	}
	return 0;
}
