/* dossier_forms.c: the printed forms of Circular 01/2018/TT-VPCP: 01–06 as PDF, 06 also as XLSX. */
#include "features/dossier_forms.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include "core/log.h"
#include "core/timefmt.h"
#include "core/xalloc.h"
#include "features/pdf.h"
#include "features/xlsx.h"
#include "rules/dossier.h"
#include "rules/procedure.h"
#include "core/banned.h"

/*
 * Forms 01–05 are A5 portrait. Margins after Decree 30/2020 appendix I
 * (top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm on A4), scaled
 * down for the half sheet.
 */
#define A5_TOP	  (14 * PDF_MM)
#define A5_RIGHT  (12 * PDF_MM)
#define A5_BOTTOM (14 * PDF_MM)
#define A5_LEFT	  (20 * PDF_MM)

/* Form 06 is A4 landscape, a wide table. */
#define BOOK_W	    PDF_A4_H
#define BOOK_H	    PDF_A4_W
#define BOOK_MARGIN (12 * PDF_MM)

/* Font sizes (points) of the A5 forms. */
#define SZ_HEAD	  9.0  /* agency and national header */
#define SZ_TITLE  11.5 /* the form's name */
#define SZ_BODY	  9.5
#define SZ_TABLE  8.5
#define SZ_SIGN	  9.0
#define SZ_SMALL  7.5
#define GAP	  1.5 /* between paragraphs */
#define SIGN_ROOM 38  /* room to sign and stamp */

#define NATION	   "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
#define MOTTO	   "Độc lập - Tự do - Hạnh phúc"
#define OFFICE	   "Bộ phận tiếp nhận và trả kết quả"
#define DOTS	   "……………"
#define QR_CAPTION "Quét mã để tra cứu"

static const char *str(const char *s)
{
	return s ? s : "";
}

static const char *or_dots(const char *s)
{
	return s && *s ? s : DOTS;
}

/* The applicant as the body names him: the receiving unit's name for people ("UBND phường Nhân Chính"). */
static const char *unit_name(const struct dossier *d, const struct form_site *s)
{
	if (d->receiving_unit_name && *d->receiving_unit_name)
		return d->receiving_unit_name;
	return str(s->agency);
}

/*
 * "ngày 05 tháng 3 năm 2026": Decree 30/2020 appendix I writes a day below
 * 10 and the months 1 and 2 with a leading zero, other months without.
 */
static void fmt_day(char *out, size_t n, int64_t t)
{
	struct civil c;

	if (!t) {
		snprintf(out, n, "ngày %s tháng %s năm %s", "……", "……", "……");
		return;
	}
	time_to_civil(t, VN_UTC_OFFSET, &c);
	snprintf(out, n, "ngày %02d tháng %s%d năm %d", c.day, c.month <= 2 ? "0" : "", c.month, c.year);
}

/* "08 giờ 30 phút, ngày 26 tháng 11 năm 2026", dotted when t is 0. */
static void fmt_instant(char *out, size_t n, int64_t t)
{
	char day[64];
	struct civil c;

	fmt_day(day, sizeof(day), t);
	if (!t) {
		snprintf(out, n, "…… giờ …… phút, %s", day);
		return;
	}
	time_to_civil(t, VN_UTC_OFFSET, &c);
	snprintf(out, n, "%02d giờ %02d phút, %s", c.hour, c.min, day);
}

/* "26/11/2026 08:30" (sep between date and time), "" when t is 0. */
static void fmt_short(char *out, size_t n, int64_t t, const char *sep)
{
	char date[16], hm[8];

	if (!t) {
		snprintf(out, n, "%s", "");
		return;
	}
	time_fmt_date_vn(date, sizeof(date), t);
	time_fmt_time_vn(hm, sizeof(hm), t);
	snprintf(out, n, "%s%s%s", date, sep, hm);
}

static const char *doc_kind(int kind)
{
	switch (kind) {
	case PROC_DOC_ORIGINAL: return "Bản chính";
	case PROC_DOC_CERTIFIED_COPY: return "Bản sao chứng thực";
	case PROC_DOC_COPY: return "Bản sao";
	}
	return "";
}

/* The on-time verdict as the forms print it (form 05's "Trước hạn/đúng hạn/quá hạn"), "" for none. */
static const char *verdict_text(int verdict)
{
	switch (verdict) {
	case DV_EARLY: return "Trước hạn";
	case DV_ON_TIME: return "Đúng hạn";
	case DV_LATE: return "Quá hạn";
	}
	return "";
}

/* The statutory time: "2 ngày làm việc", "4 giờ làm việc", "trong ngày". */
static void fmt_allotted(char *out, size_t n, int64_t hours)
{
	if (hours <= 0)
		snprintf(out, n, "trong ngày");
	else if (hours % 8 == 0)
		snprintf(out, n, "%lld ngày làm việc", (long long)(hours / 8));
	else
		snprintf(out, n, "%lld giờ làm việc", (long long)hours);
}

/* The last event of the timeline with that action, or NULL. */
static const struct dossier_event *last_event(const struct dossier *d, int action)
{
	size_t i = d->nevents < DOSSIER_MAX_EVENTS ? d->nevents : DOSSIER_MAX_EVENTS;

	while (i-- > 0)
		if (d->events[i].action == action)
			return &d->events[i];
	return NULL;
}

/* The first event with that action, or NULL. */
static const struct dossier_event *first_event(const struct dossier *d, int action)
{
	size_t i, n = d->nevents < DOSSIER_MAX_EVENTS ? d->nevents : DOSSIER_MAX_EVENTS;

	for (i = 0; i < n; i++)
		if (d->events[i].action == action)
			return &d->events[i];
	return NULL;
}

/* The appointment of form 01 (form 04 gives a new one but the slip keeps the first). */
static int64_t appointment(const struct dossier *d)
{
	return d->first_due_at ? d->first_due_at : d->due_at;
}

static void vsay(struct pdf *p, double indent, int flags, const char *fmt, va_list ap)
{
	struct buf m = BUF_INIT;

	pdf_vmarkupf(&m, fmt, ap);
	pdf_para(p, indent, m.ptr, SZ_BODY, PDF_MARKUP | flags);
	p->y += GAP;
	buf_release(&m);
}

/* A line of the form ("Label: <b>value</b>"), markup with escaped %s arguments (pdf_markupf). */
static void sayf(struct pdf *p, double indent, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void sayf(struct pdf *p, double indent, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(p, indent, 0, fmt, ap);
	va_end(ap);
}

/* A paragraph of prose, justified. */
static void prosef(struct pdf *p, double indent, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void prosef(struct pdf *p, double indent, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(p, indent, PDF_JUSTIFY, fmt, ap);
	va_end(ap);
}

/* A block of free text (reasons, papers asked) indented, its lines kept; dotted when empty. */
static void say_note(struct pdf *p, const char *note)
{
	pdf_para(p, 14, or_dots(note), SZ_BODY, PDF_JUSTIFY);
	p->y += GAP;
}

/*
 * The heading of every form (Decree 30/2020 appendix I): top left the
 * parent agency in capitals, the agency (and, for the one-stop office's
 * slips, the office) in bold capitals, a short rule under it; top right the
 * national name and the motto with a rule as long as the motto; under it,
 * in italics, the place and date.
 */
static void form_head(struct pdf *p, const struct form_site *s, int with_office, int64_t date)
{
	const char *parent = str(s->parent_agency), *agency = str(s->agency);
	const char *office = with_office ? str(s->office) : "";
	double w = p->right - p->left, lw = w * 0.45, rw = w - lw, rx = p->left + lw;
	double ly = p->y, ry = p->y, size, rule, lsize;
	char day[64];
	struct buf line = BUF_INIT;

	/* one size for the left block: the largest at which each name holds on a line (longer ones wrap) */
	lsize = pdf_fit(p, parent, lw, SZ_HEAD, 7, 0);
	size = pdf_fit(p, agency, lw, SZ_HEAD, 7, PDF_BOLD);
	if (size < lsize)
		lsize = size;
	size = pdf_fit(p, office, lw, SZ_HEAD, 7, PDF_BOLD);
	if (size < lsize)
		lsize = size;
	if (*parent)
		ly += pdf_text_at(p, p->left, ly, lw, parent, lsize, PDF_CENTER);
	ly += pdf_text_at(p, p->left, ly, lw, agency, lsize, PDF_CENTER | PDF_BOLD);
	if (*office)
		ly += pdf_text_at(p, p->left, ly, lw, office, lsize, PDF_CENTER | PDF_BOLD);
	rule = lw / 3;
	pdf_line(p, p->left + (lw - rule) / 2, ly + 2, p->left + (lw + rule) / 2, ly + 2, 0.6);
	ly += 6;

	size = pdf_fit(p, NATION, rw, SZ_HEAD, 6.5, PDF_BOLD);
	ry += pdf_text_at(p, rx, ry, rw, NATION, size, PDF_CENTER | PDF_BOLD);
	size = pdf_fit(p, MOTTO, rw, SZ_HEAD + 1, 6.5, PDF_BOLD);
	ry += pdf_text_at(p, rx, ry, rw, MOTTO, size, PDF_CENTER | PDF_BOLD);
	rule = pdf_text_width(p, MOTTO, size, PDF_BOLD);
	if (rule > rw)
		rule = rw;
	pdf_line(p, rx + (rw - rule) / 2, ry + 2, rx + (rw + rule) / 2, ry + 2, 0.6);
	ry += 8;

	fmt_day(day, sizeof(day), date);
	if (s->place && *s->place)
		pdf_markupf(&line, "%s, %s", s->place, day);
	else
		pdf_markupf(&line, "N%s", day + 1); /* "Ngày …" */
	ry += pdf_text_at(p, rx, ry, rw, line.ptr, SZ_HEAD + 0.5, PDF_CENTER | PDF_ITALIC | PDF_MARKUP);
	buf_release(&line);

	p->y = (ly > ry ? ly : ry) + 8;
}

/* The form's name in bold capitals, and a line under it (markup) or NULL. */
static void form_title(struct pdf *p, const char *title, const char *sub_markup)
{
	pdf_para(p, 0, title, SZ_TITLE, PDF_BOLD | PDF_CENTER);
	if (sub_markup)
		pdf_para(p, 0, sub_markup, SZ_BODY, PDF_CENTER | PDF_MARKUP);
	p->y += 8;
}

static void title_with_code(struct pdf *p, const char *title, const struct dossier *d)
{
	struct buf m = BUF_INIT;

	pdf_markupf(&m, "Mã hồ sơ: <b>%s</b>", str(d->code));
	form_title(p, title, m.ptr);
	buf_release(&m);
}

/* A signature block: the title in bold capitals, what to do in italics, room to sign, the name. */
struct sign {
	const char *title;
	const char *hint; /* "(Ký và ghi rõ họ tên)" */
	const char *name; /* or "" */
};

static double sign_height(struct pdf *p, const struct sign *g, double w)
{
	double h = pdf_text_height(p, g->title, w, SZ_SIGN, PDF_BOLD | PDF_CENTER);

	h += pdf_text_height(p, g->hint, w, SZ_SIGN - 0.5, PDF_ITALIC | PDF_CENTER) + SIGN_ROOM;
	if (g->name && *g->name)
		h += pdf_text_height(p, g->name, w, SZ_SIGN, PDF_BOLD | PDF_CENTER);
	return h;
}

static double sign_draw(struct pdf *p, const struct sign *g, double x, double w)
{
	double y = p->y;

	y += pdf_text_at(p, x, y, w, g->title, SZ_SIGN, PDF_BOLD | PDF_CENTER);
	y += pdf_text_at(p, x, y, w, g->hint, SZ_SIGN - 0.5, PDF_ITALIC | PDF_CENTER) + SIGN_ROOM;
	if (g->name && *g->name)
		y += pdf_text_at(p, x, y, w, g->name, SZ_SIGN, PDF_BOLD | PDF_CENTER);
	return y - p->y;
}

/* Two signature blocks side by side (either may be NULL), kept on one page. */
static void signatures(struct pdf *p, const struct sign *left, const struct sign *right)
{
	double w = (p->right - p->left) / 2, hl = 0, hr = 0;

	p->y += 6;
	if (left)
		hl = sign_height(p, left, w);
	if (right)
		hr = sign_height(p, right, w);
	pdf_ensure(p, hl > hr ? hl : hr);
	if (left)
		hl = sign_draw(p, left, p->left, w);
	if (right)
		hr = sign_draw(p, right, p->left + w, w);
	p->y += hl > hr ? hl : hr;
}

/* The applicant's lines shared by forms 01–03: name, representative, address, phone, email, procedure. */
static void applicant_lines(struct pdf *p, const struct dossier *d, const char *name_label)
{
	const struct dossier_person *a = &d->applicant, *r = &d->representative;

	sayf(p, 0, "%s <b>%s</b>", name_label, or_dots(a->name));
	if (r->name && *r->name)
		sayf(p, 0, "Người được ủy quyền nộp hồ sơ: <b>%s</b>", r->name);
	sayf(p, 0, "Địa chỉ: %s", or_dots(a->address));
	if (a->email && *a->email)
		sayf(p, 0, "Số điện thoại: %s\tEmail: %s", or_dots(a->phone), a->email);
	else
		sayf(p, 0, "Số điện thoại: %s", or_dots(a->phone));
	sayf(p, 0, "Nội dung yêu cầu giải quyết: <b>%s</b> (mã thủ tục %s)", or_dots(d->procedure_name),
	     or_dots(d->procedure_code));
}

/* Form 01 (Circular 01/2018, mẫu 01): Giấy tiếp nhận hồ sơ và hẹn trả kết quả. */
static int form01(struct pdf *p, const struct dossier *d, const struct form_site *s, int64_t now)
{
	static const struct pdf_col cols[] = {
		{ 24, PDF_CENTER },
		{ 0, 0 },
		{ 66, PDF_CENTER },
		{ 44, PDF_CENTER },
	};
	static const char *const head[] = { "STT", "Tên giấy tờ", "Hình thức", "Số lượng" };
	struct pdf_col c[4];
	struct pdf_table t = { c, 4, 0, SZ_TABLE, SZ_TABLE, 2.5, head, 1 };
	char when[96], allotted[48], money[32], num[16], count[16];
	struct buf url = BUF_INIT, m = BUF_INIT;
	const char *who;
	double qr = 66, y0;
	size_t i, shown = 0;

	memcpy(c, cols, sizeof(c));
	/* the kinds of copy hold on one line; the names take the rest */
	c[2].width = pdf_text_width(p, doc_kind(PROC_DOC_CERTIFIED_COPY), SZ_TABLE, 0) + 2 * t.pad + 2;
	c[1].width = (p->right - p->left) - c[0].width - c[2].width - c[3].width;
	form_head(p, s, 1, now);
	title_with_code(p, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", d);
	sayf(p, 0, "%s <b>%s</b>", OFFICE, unit_name(d, s));
	applicant_lines(p, d, "Tiếp nhận hồ sơ của:");

	sayf(p, 0, "%s", "1. Thành phần hồ sơ nộp gồm:");
	pdf_table_head(p, &t);
	for (i = 0; i < d->ndocs && i < DOSSIER_MAX_DOCS; i++) {
		const struct dossier_doc *doc = &d->docs[i];
		const char *cells[4];

		if (!doc->provided)
			continue;
		snprintf(num, sizeof(num), "%zu", ++shown);
		snprintf(count, sizeof(count), "%d", doc->count);
		cells[0] = num;
		cells[1] = str(doc->name);
		cells[2] = doc_kind(doc->kind);
		cells[3] = count;
		pdf_table_row(p, &t, cells);
	}
	if (!shown) {
		const char *cells[4] = { "", "Không có giấy tờ kèm theo", "", "" };

		pdf_table_row(p, &t, cells);
	}
	p->y += 4;
	sayf(p, 0, "%s", "2. Số lượng hồ sơ: 01 (bộ)");
	fmt_allotted(allotted, sizeof(allotted), d->hours);
	sayf(p, 0, "3. Thời gian giải quyết hồ sơ theo quy định: %s", allotted);
	fmt_instant(when, sizeof(when), d->received_at);
	sayf(p, 0, "4. Thời gian nhận hồ sơ: <b>%s</b>", when);
	fmt_instant(when, sizeof(when), appointment(d));
	sayf(p, 0, "5. Thời gian trả kết quả giải quyết hồ sơ: <b>%s</b>", when);
	if (d->channel == DCH_POST)
		sayf(p, 0, "6. Đăng ký nhận kết quả tại: qua dịch vụ bưu chính, địa chỉ %s",
		     or_dots(d->applicant.address));
	else
		sayf(p, 0, "6. Đăng ký nhận kết quả tại: %s %s", OFFICE, unit_name(d, s));
	if (d->fee_due > 0) {
		money_fmt_vnd(money, sizeof(money), d->fee_due);
		sayf(p, 0, "7. Phí, lệ phí: <b>%s</b> (%s)", money, d->fee_paid ? "đã nộp" : "chưa nộp");
	} else {
		sayf(p, 0, "%s", "7. Phí, lệ phí: không thu");
	}

	/* the signatures, with the QR code of the public lookup on their left */
	buf_adds(&url, str(s->lookup_url));
	buf_adds(&url, str(d->code));
	who = d->representative.name && *d->representative.name ? d->representative.name
								: str(d->applicant.name);
	{
		const struct sign l = { "NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", who };
		const struct sign r = { "NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)",
					str(s->staff_name) };
		double cw = (p->right - p->left - qr) / 2, hl, hr, hq, cap;

		p->y += 4;
		hl = sign_height(p, &l, cw);
		hr = sign_height(p, &r, cw);
		cap = pdf_fit(p, QR_CAPTION, qr, SZ_SMALL, 5.5, PDF_ITALIC);
		hq = qr + pdf_text_height(p, QR_CAPTION, qr, cap, PDF_ITALIC | PDF_CENTER);
		hl = hl > hr ? hl : hr;
		pdf_ensure(p, hl > hq ? hl : hq);
		y0 = p->y;
		if (pdf_qr(p, p->left, y0, qr, url.ptr))
			log_warn("event=form_qr_failed code=%s", str(d->code));
		pdf_text_at(p, p->left, y0 + qr, qr, QR_CAPTION, cap, PDF_ITALIC | PDF_CENTER);
		hl = sign_draw(p, &l, p->left + qr, cw);
		hr = sign_draw(p, &r, p->left + qr + cw, cw);
		hl = hl > hr ? hl : hr;
		p->y = y0 + (hl > hq ? hl : hq) + 4;
	}
	if (s->lookup_url && *s->lookup_url) {
		pdf_markupf(&m, "<i>Tra cứu tình trạng giải quyết hồ sơ tại:</i>\n%s", url.ptr);
		pdf_para(p, 0, m.ptr, SZ_SMALL, PDF_MARKUP);
	}
	buf_release(&url);
	buf_release(&m);
	return 0;
}

/* Form 02 (mẫu 02): Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ, the papers asked as the request's note says. */
static int form02(struct pdf *p, const struct dossier *d, const struct form_site *s, int64_t now)
{
	const struct dossier_event *e = last_event(d, DA_SUPPLEMENT);
	const char *staff = str(s->staff_name);

	if (!e)
		return -1;
	form_head(p, s, 1, now);
	title_with_code(p, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", d);
	sayf(p, 0, "%s <b>%s</b>", OFFICE, unit_name(d, s));
	applicant_lines(p, d, "Tiếp nhận hồ sơ của:");
	prosef(p, 0, "%s",
	       "Sau khi xem xét, đối chiếu với quy định, hồ sơ của Ông/Bà chưa đầy đủ, hợp lệ. Đề nghị Ông/Bà bổ "
	       "sung, hoàn thiện hồ sơ gồm những nội dung sau:");
	say_note(p, e->note);
	if (d->received_at)
		prosef(p, 0, "%s",
		       "Thời gian giải quyết hồ sơ được tính lại từ đầu kể từ khi nhận đủ hồ sơ bổ sung, hoàn "
		       "thiện.");
	if (*staff)
		prosef(p, 0,
		       "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ với %s tại %s %s để được "
		       "hướng dẫn./.",
		       staff, OFFICE, unit_name(d, s));
	else
		prosef(p, 0,
		       "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ với %s %s để được hướng "
		       "dẫn./.",
		       OFFICE, unit_name(d, s));
	{
		const struct sign r = { "NGƯỜI HƯỚNG DẪN", "(Ký và ghi rõ họ tên)", staff };

		signatures(p, NULL, &r);
	}
	return 0;
}

/* Form 03 (mẫu 03): Phiếu từ chối tiếp nhận giải quyết hồ sơ, the reasons as the refusal's note says. */
static int form03(struct pdf *p, const struct dossier *d, const struct form_site *s, int64_t now)
{
	const struct dossier_event *e = last_event(d, DA_REFUSE);

	if (!e)
		return -1;
	form_head(p, s, 1, now);
	title_with_code(p, "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", d);
	sayf(p, 0, "%s <b>%s</b>", OFFICE, unit_name(d, s));
	applicant_lines(p, d, "Tiếp nhận hồ sơ của:");
	prosef(p, 0,
	       "Qua xem xét, %s %s thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
	       OFFICE, unit_name(d, s));
	say_note(p, e->note);
	prosef(p, 0, "%s", "Xin thông báo cho Ông/Bà được biết và thực hiện./.");
	{
		const struct sign r = { "NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)",
					str(s->staff_name) };

		signatures(p, NULL, &r);
	}
	return 0;
}

/* Form 04 (mẫu 04): Phiếu xin lỗi và hẹn lại ngày trả kết quả, from the agency that is late. */
static int form04(struct pdf *p, const struct dossier *d, const struct form_site *s, int64_t now)
{
	const char *unit = unit_name(d, s);
	char when[96], first[96], again[96];
	double w, y0, hl;

	if (!d->apology_at)
		return -1;
	form_head(p, s, 0, now);
	form_title(p, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", NULL);
	{
		struct buf m = BUF_INIT;

		pdf_markupf(&m, "Kính gửi: <b>%s</b>", or_dots(d->applicant.name));
		pdf_para(p, 0, m.ptr, SZ_BODY + 0.5, PDF_CENTER | PDF_MARKUP);
		buf_release(&m);
	}
	p->y += 6;
	fmt_day(when, sizeof(when), d->received_at);
	when[0] = 'N';
	prosef(p, 0, "%s, %s tiếp nhận giải quyết hồ sơ của Ông/Bà:", when, unit);
	sayf(p, 0, "Mã hồ sơ: <b>%s</b>", str(d->code));
	sayf(p, 0, "Nội dung yêu cầu giải quyết: %s", or_dots(d->procedure_name));
	fmt_instant(first, sizeof(first), appointment(d));
	sayf(p, 0, "Thời gian hẹn trả kết quả giải quyết hồ sơ: %s.", first);
	prosef(p, 0,
	       "Tuy nhiên đến nay, %s chưa trả kết quả giải quyết hồ sơ cho Ông/Bà đúng thời gian đã hẹn.",
	       unit);
	prosef(p, 0, "Lý do: %s", or_dots(d->apology_reason));
	fmt_instant(again, sizeof(again), d->apology_due_at);
	prosef(p, 0,
	       "Sự chậm trễ này đã gây phiền hà cho Ông/Bà. %s xin lỗi Ông/Bà và hẹn lại thời gian trả kết quả giải "
	       "quyết hồ sơ vào <b>%s</b>.",
	       unit, again);
	prosef(p, 0, "%s", "Xin trân trọng cảm ơn sự hợp tác của Ông/Bà./.");

	/* "Nơi nhận" on the left, the head of the agency signs on the right (Decree 30/2020) */
	p->y += 6;
	w = (p->right - p->left) / 2;
	{
		const struct sign r = { "THỦ TRƯỞNG CƠ QUAN", "(Ký, ghi rõ họ tên và đóng dấu)", "" };
		double hr = sign_height(p, &r, w);

		pdf_ensure(p, hr);
		y0 = p->y;
		hl = pdf_text_at(p, p->left, y0, w, "<b><i>Nơi nhận:</i></b>\n- Như trên;\n- Lưu: VT.",
				 SZ_SIGN - 1.5, PDF_MARKUP);
		hr = sign_draw(p, &r, p->left + w, w);
		p->y = y0 + (hl > hr ? hl : hr);
	}
	return 0;
}

/* Form 05 (mẫu 05): Phiếu kiểm soát quá trình giải quyết hồ sơ, one row a step of the process. */
static int form05(struct pdf *p, const struct dossier *d, const struct form_site *s, int64_t now)
{
	static const char *const head[] = { "BƯỚC, GIAO - NHẬN", "THỜI GIAN GIAO, NHẬN HỒ SƠ",
					    "KẾT QUẢ (Trước hạn/ Đúng hạn/ Quá hạn)", "GHI CHÚ" };
	double w = p->right - p->left;
	struct pdf_col c[4] = {
		{ w * 0.32, PDF_MARKUP },
		{ w * 0.34, 0 },
		{ w * 0.14, PDF_CENTER },
		{ 0, 0 },
	};
	struct pdf_table t = { c, 4, 0, SZ_TABLE, SZ_TABLE - 1, 2.5, head, 1 };
	char when[96], a[40], b[40], f[40], allotted[48];
	struct buf m1 = BUF_INIT, m2 = BUF_INIT, m4 = BUF_INIT;
	size_t i, n = d->nsteps < DOSSIER_MAX_STEPS ? d->nsteps : DOSSIER_MAX_STEPS;

	c[3].width = w - c[0].width - c[1].width - c[2].width;
	form_head(p, s, 1, now);
	title_with_code(p, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", d);
	sayf(p, 0, "Kèm theo hồ sơ của: <b>%s</b>", or_dots(d->applicant.name));
	sayf(p, 0, "Nội dung yêu cầu giải quyết: %s (mã thủ tục %s)", or_dots(d->procedure_name),
	     or_dots(d->procedure_code));
	fmt_instant(when, sizeof(when), d->received_at);
	sayf(p, 0, "Thời gian nhận hồ sơ: %s", when);
	fmt_instant(when, sizeof(when), appointment(d));
	sayf(p, 0, "Thời gian trả kết quả giải quyết hồ sơ: %s", when);
	if (d->apology_at && d->apology_due_at) {
		fmt_instant(when, sizeof(when), d->apology_due_at);
		sayf(p, 0, "Hẹn lại (phiếu xin lỗi): %s", when);
	}
	sayf(p, 0, "Cơ quan (bộ phận) giải quyết hồ sơ: %s",
	     or_dots(d->current_unit_name && *d->current_unit_name ? d->current_unit_name : unit_name(d, s)));
	p->y += 2;
	pdf_table_head(p, &t);
	for (i = 0; i < n; i++) {
		const struct dossier_step *st = &d->steps[i];
		const char *cells[4];

		buf_reset(&m1);
		buf_reset(&m2);
		buf_reset(&m4);
		{
			char k[16];

			snprintf(k, sizeof(k), "%zu", i + 1);
			pdf_markupf(&m1, "<b>%s. %s</b>", k, str(st->name));
		}
		if (i > 0) {
			const struct dossier_step *prev = &d->steps[i - 1];

			pdf_markupf(&m1, "\nGiao: %s", or_dots(prev->responsible));
			if (prev->by_name && *prev->by_name)
				pdf_markupf(&m1, " (%s)", prev->by_name);
		}
		pdf_markupf(&m1, "\nNhận: %s", or_dots(st->responsible));
		if (st->by_name && *st->by_name)
			pdf_markupf(&m1, " (%s)", st->by_name);
		else if (st->started_at && !st->finished_at && (int)i == d->step && d->assignee_name &&
			 *d->assignee_name)
			pdf_markupf(&m1, " (%s)", d->assignee_name);

		fmt_short(a, sizeof(a), st->started_at, ", ");
		fmt_short(b, sizeof(b), st->due_at, ", ");
		fmt_short(f, sizeof(f), st->finished_at, ", ");
		buf_addf(&m2, "Nhận: %s\nHạn: %s\nXong: %s", *a ? a : DOTS, *b ? b : DOTS, *f ? f : DOTS);

		if (st->hours > 0)
			fmt_allotted(allotted, sizeof(allotted), st->hours);
		else
			snprintf(allotted, sizeof(allotted), "ngay khi nhận");
		buf_addf(&m4, "Thời hạn: %s", allotted);
		if (st->started_at && !st->finished_at)
			buf_adds(&m4, "\nĐang xử lý");
		cells[0] = m1.ptr;
		cells[1] = m2.ptr;
		cells[2] = st->finished_at ? verdict_text(st->verdict) : "";
		cells[3] = m4.ptr;
		pdf_table_row(p, &t, cells);
	}
	if (!n) {
		const char *cells[4] = { "", "", "", "Chưa có quy trình" };

		pdf_table_row(p, &t, cells);
	}
	p->y += 6;
	if (d->returned_at) {
		fmt_instant(when, sizeof(when), d->returned_at);
		sayf(p, 0, "Trả kết quả cho cá nhân, tổ chức: %s", when);
	}
	if (d->verdict != DV_NONE)
		sayf(p, 0, "Kết quả giải quyết hồ sơ: <b>%s</b>", verdict_text(d->verdict));
	buf_release(&m1);
	buf_release(&m2);
	buf_release(&m4);
	return 0;
}

static const char *form_titles[] = {
	NULL,
	"Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
	"Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
	"Phiếu từ chối tiếp nhận giải quyết hồ sơ",
	"Phiếu xin lỗi và hẹn lại ngày trả kết quả",
	"Phiếu kiểm soát quá trình giải quyết hồ sơ",
};

int dossier_form_pdf(int form, const struct dossier *d, const struct form_site *s, int64_t now,
		     struct buf *out)
{
	struct pdf p;
	int rc;

	if (!d || !s || !out || form < 1 || form > 5)
		return -1;
	/* the forms that do not apply, before drawing anything */
	if ((form == 1 && !d->received_at) || (form == 2 && !last_event(d, DA_SUPPLEMENT)) ||
	    (form == 3 && !last_event(d, DA_REFUSE)) || (form == 4 && !d->apology_at))
		return -1;
	if (pdf_open(&p, out, PDF_A5_W, PDF_A5_H, A5_TOP, A5_RIGHT, A5_BOTTOM, A5_LEFT))
		return -1;
	pdf_set_info(&p, form_titles[form], s->agency);
	switch (form) {
	case 1: rc = form01(&p, d, s, now); break;
	case 2: rc = form02(&p, d, s, now); break;
	case 3: rc = form03(&p, d, s, now); break;
	case 4: rc = form04(&p, d, s, now); break;
	default: rc = form05(&p, d, s, now); break;
	}
	if (pdf_close(&p) || rc) {
		buf_setlen(out, p.out_start);
		return -1;
	}
	return 0;
}

/*
 * Form 06 (mẫu 06): Sổ theo dõi hồ sơ. The same columns in the PDF and the
 * workbook; widths are relative (PDF) and in characters (XLSX).
 */
enum book_col {
	BC_NO,
	BC_CODE,
	BC_PROC_CODE,
	BC_PROC,
	BC_NAME,
	BC_CONTACT,
	BC_RECEIVED,
	BC_DUE,
	BC_TRANSFERRED,
	BC_FINISHED,
	BC_RETURNED,
	BC_VERDICT,
	BC_SIGN,
	BC_COUNT
};

static const struct {
	const char *head;
	double weight; /* share of the width left after the measured columns; 0: measured */
	double xlsx;   /* XLSX column width in characters */
	int flags;
} book_cols[BC_COUNT] = {
	[BC_NO] = { "STT", 0, 5, PDF_CENTER },
	[BC_CODE] = { "Mã hồ sơ", 0, 27, 0 },
	[BC_PROC_CODE] = { "Mã thủ tục", 0, 11, PDF_CENTER },
	[BC_PROC] = { "Tên thủ tục hành chính", 28, 45, 0 },
	[BC_NAME] = { "Tên cá nhân, tổ chức", 16, 24, 0 },
	[BC_CONTACT] = { "Địa chỉ, số điện thoại", 27, 32, 0 },
	[BC_RECEIVED] = { "Nhận hồ sơ", 0, 17, PDF_CENTER },
	[BC_DUE] = { "Hẹn trả kết quả", 0, 17, PDF_CENTER },
	[BC_TRANSFERRED] = { "Chuyển hồ sơ đến cơ quan giải quyết", 0, 17, PDF_CENTER },
	[BC_FINISHED] = { "Nhận kết quả từ cơ quan giải quyết", 0, 17, PDF_CENTER },
	[BC_RETURNED] = { "Trả kết quả cho cá nhân, tổ chức", 0, 17, PDF_CENTER },
	[BC_VERDICT] = { "Kết quả (Trước hạn/ Đúng hạn/ Quá hạn)", 0, 14, PDF_CENTER },
	[BC_SIGN] = { "Ký nhận", 11, 14, 0 },
};

#define SZ_BOOK	     7.5
#define SZ_BOOK_HEAD 7.5
#define BOOK_PAD     2.5

/* One row's cells as text; the strings live in r. */
struct book_row {
	char no[24], received[32], due[32], transferred[32], finished[32], returned[32];
	struct buf contact;
	const char *cells[BC_COUNT];
};

static const char *book_verdict(const struct dossier *d)
{
	if (d->verdict != DV_NONE)
		return verdict_text(d->verdict);
	if (d->status == DS_REFUSED)
		return "Từ chối tiếp nhận";
	if (d->status == DS_WITHDRAWN)
		return "Rút hồ sơ";
	return "";
}

static void book_row_fill(struct book_row *r, size_t i, const struct dossier *d, const char *sep)
{
	const struct dossier_event *start = first_event(d, DA_START);
	const char *addr = str(d->applicant.address), *phone = str(d->applicant.phone);

	snprintf(r->no, sizeof(r->no), "%zu", i + 1);
	fmt_short(r->received, sizeof(r->received), d->received_at, sep);
	fmt_short(r->due, sizeof(r->due), appointment(d), sep);
	fmt_short(r->transferred, sizeof(r->transferred), start ? start->at : 0, sep);
	fmt_short(r->finished, sizeof(r->finished), d->finished_at, sep);
	fmt_short(r->returned, sizeof(r->returned), d->returned_at, sep);
	buf_reset(&r->contact);
	buf_adds(&r->contact, addr);
	if (*addr && *phone)
		buf_addch(&r->contact, '\n');
	buf_adds(&r->contact, phone);
	r->cells[BC_NO] = r->no;
	r->cells[BC_CODE] = str(d->code);
	r->cells[BC_PROC_CODE] = str(d->procedure_code);
	r->cells[BC_PROC] = str(d->procedure_name);
	r->cells[BC_NAME] = str(d->applicant.name);
	r->cells[BC_CONTACT] = r->contact.ptr;
	r->cells[BC_RECEIVED] = r->received;
	r->cells[BC_DUE] = r->due;
	r->cells[BC_TRANSFERRED] = r->transferred;
	r->cells[BC_FINISHED] = r->finished;
	r->cells[BC_RETURNED] = r->returned;
	r->cells[BC_VERDICT] = book_verdict(d);
	r->cells[BC_SIGN] = "";
}

/* "Từ ngày 01/11/2026 đến ngày 30/11/2026": `to` is the end of the period, not in it. */
static void book_period(char *out, size_t n, int64_t from, int64_t to)
{
	char a[16], b[16];

	time_fmt_date_vn(a, sizeof(a), from);
	time_fmt_date_vn(b, sizeof(b), to > from ? to - 1 : to);
	snprintf(out, n, "Từ ngày %s đến ngày %s", a, b);
}

/* What each page of the book carries: "Trang 2/5" in the bottom margin. */
struct book_pages {
	int total; /* 0 on the counting pass */
};

static void book_page_number(struct pdf *p, void *arg)
{
	const struct book_pages *bp = arg;
	char s[32];

	if (bp->total > 0)
		snprintf(s, sizeof(s), "Trang %d/%d", p->page, bp->total);
	else
		snprintf(s, sizeof(s), "Trang %d", p->page);
	pdf_text_at(p, p->left, p->bottom + 8, p->right - p->left, s, SZ_BOOK + 0.5, PDF_CENTER);
}

/* Draw the whole book into p (counting pages when total is 0). */
static void book_draw(struct pdf *p, const struct dossier *const *list, size_t n, const struct form_site *s,
		      int64_t from, int64_t to, struct book_pages *bp)
{
	static const char *numbers[BC_COUNT] = { "(1)", "(2)", "(3)",  "(4)",  "(5)",  "(6)", "(7)",
						 "(8)", "(9)", "(10)", "(11)", "(12)", "(13)" };
	const char *head[2 * BC_COUNT];
	struct pdf_col cols[BC_COUNT];
	struct pdf_table t = { cols, BC_COUNT, 0, SZ_BOOK, SZ_BOOK_HEAD, BOOK_PAD, head, 2 };
	double w = p->right - p->left, fixed = 0, weights = 0, date_w, code_w;
	const char *parent = str(s->parent_agency), *agency = str(s->agency), *office = str(s->office);
	char period[96];
	struct book_row r;
	size_t i;

	memset(&r, 0, sizeof(r));
	buf_init(&r.contact, 4096);
	p->on_page = book_page_number;
	p->on_page_arg = bp;
	book_page_number(p, bp);

	/* columns that must hold a code or a date on one line are measured; the rest share what is left */
	date_w = pdf_text_width(p, "00/00/0000", SZ_BOOK, 0) + 2 * BOOK_PAD + 2;
	code_w = pdf_text_width(p, "000.00.00.H00-000000-0000", SZ_BOOK, 0);
	for (i = 0; i < n; i++) {
		double cw = pdf_text_width(p, str(list[i]->code), SZ_BOOK, 0);

		if (cw > code_w && cw < w / 4)
			code_w = cw;
	}
	code_w += 2 * BOOK_PAD + 2;
	for (i = 0; i < BC_COUNT; i++) {
		head[i] = book_cols[i].head;
		head[BC_COUNT + i] = numbers[i];
		cols[i].flags = book_cols[i].flags;
		cols[i].width = 0;
		weights += book_cols[i].weight;
	}
	cols[BC_NO].width = pdf_text_width(p, "0000", SZ_BOOK, 0) + 2 * BOOK_PAD + 2;
	cols[BC_CODE].width = code_w;
	cols[BC_PROC_CODE].width = pdf_text_width(p, "0.000000", SZ_BOOK, 0) + 2 * BOOK_PAD + 6;
	cols[BC_RECEIVED].width = cols[BC_DUE].width = cols[BC_TRANSFERRED].width = date_w;
	cols[BC_FINISHED].width = cols[BC_RETURNED].width = date_w;
	cols[BC_VERDICT].width = pdf_text_width(p, "Trước hạn", SZ_BOOK, 0) + 2 * BOOK_PAD + 6;
	for (i = 0; i < BC_COUNT; i++)
		fixed += cols[i].width;
	for (i = 0; i < BC_COUNT; i++)
		if (book_cols[i].weight > 0)
			cols[i].width = (w - fixed) * book_cols[i].weight / weights;

	/* first page: the agency top left, the book's name and period centred */
	if (*parent)
		p->y += pdf_text_at(p, p->left, p->y, w * 0.4, parent, SZ_HEAD, PDF_CENTER);
	p->y += pdf_text_at(p, p->left, p->y, w * 0.4, agency, SZ_HEAD, PDF_CENTER | PDF_BOLD);
	if (*office)
		p->y += pdf_text_at(p, p->left, p->y, w * 0.4, office, SZ_HEAD, PDF_CENTER | PDF_BOLD);
	pdf_line(p, p->left + w * 0.4 / 3, p->y + 2, p->left + w * 0.4 * 2 / 3, p->y + 2, 0.6);
	p->y += 10;
	pdf_para(p, 0, "SỔ THEO DÕI HỒ SƠ", 14, PDF_BOLD | PDF_CENTER);
	book_period(period, sizeof(period), from, to);
	pdf_para(p, 0, period, SZ_BODY, PDF_ITALIC | PDF_CENTER);
	p->y += 8;

	pdf_table_head(p, &t);
	for (i = 0; i < n; i++) {
		book_row_fill(&r, i, list[i], "\n");
		pdf_table_row(p, &t, r.cells);
	}
	if (!n) {
		const char *empty[BC_COUNT] = { "", "", "", "Không có hồ sơ trong kỳ" };

		pdf_table_row(p, &t, empty);
	}
	buf_release(&r.contact);
	if (!bp->total)
		bp->total = p->page;
}

int dossier_book_pdf(const struct dossier *const *list, size_t n, const struct form_site *s, int64_t from,
		     int64_t to, struct buf *out)
{
	struct book_pages bp = { 0 };
	struct pdf p;

	if ((n && !list) || !s || !out)
		return -1;
	/* a first pass counts the pages, for "Trang n/N" */
	if (pdf_open(&p, NULL, BOOK_W, BOOK_H, BOOK_MARGIN, BOOK_MARGIN, BOOK_MARGIN, BOOK_MARGIN))
		return -1;
	book_draw(&p, list, n, s, from, to, &bp);
	if (pdf_close(&p))
		return -1;
	if (pdf_open(&p, out, BOOK_W, BOOK_H, BOOK_MARGIN, BOOK_MARGIN, BOOK_MARGIN, BOOK_MARGIN))
		return -1;
	pdf_set_info(&p, "Sổ theo dõi hồ sơ", s->agency);
	book_draw(&p, list, n, s, from, to, &bp);
	return pdf_close(&p);
}

/* Keep the first error of the workbook's calls. */
static void keep_err(lxw_error *err, lxw_error e)
{
	if (*err == LXW_NO_ERROR)
		*err = e;
}

int dossier_book_xlsx(const struct dossier *const *list, size_t n, const struct form_site *s, int64_t from,
		      int64_t to, struct buf *out)
{
	char path[4096], period[96];
	lxw_workbook *wb = NULL;
	lxw_worksheet *ws;
	lxw_format *title, *sub, *head, *cell, *center;
	struct book_row r;
	struct buf agency = BUF_INIT;
	lxw_error err = LXW_NO_ERROR;
	int rc = -1;
	size_t i, c;
	const lxw_row_t first_row = 5;

	if ((n && !list) || !s || !out)
		return -1;
	memset(&r, 0, sizeof(r));
	buf_init(&r.contact, 4096);

	wb = xlsx_open("motcua-book", path, sizeof(path));
	if (!wb) {
		log_error("event=book_xlsx_tmp_failed errno=%d", errno);
		goto out;
	}
	ws = workbook_add_worksheet(wb, "Sổ theo dõi hồ sơ");
	if (!ws)
		goto out;
	title = workbook_add_format(wb);
	format_set_bold(title);
	format_set_font_size(title, 14);
	format_set_align(title, LXW_ALIGN_CENTER);
	sub = workbook_add_format(wb);
	format_set_italic(sub);
	format_set_align(sub, LXW_ALIGN_CENTER);
	head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_text_wrap(head);
	format_set_align(head, LXW_ALIGN_CENTER);
	format_set_align(head, LXW_ALIGN_VERTICAL_CENTER);
	format_set_border(head, LXW_BORDER_THIN);
	format_set_bg_color(head, 0xE7E6E6);
	cell = workbook_add_format(wb);
	format_set_text_wrap(cell);
	format_set_align(cell, LXW_ALIGN_VERTICAL_TOP);
	format_set_border(cell, LXW_BORDER_THIN);
	format_set_num_format(cell, "@");
	center = workbook_add_format(wb);
	format_set_text_wrap(center);
	format_set_align(center, LXW_ALIGN_CENTER);
	format_set_align(center, LXW_ALIGN_VERTICAL_TOP);
	format_set_border(center, LXW_BORDER_THIN);
	format_set_num_format(center, "@");

	for (c = 0; c < BC_COUNT; c++)
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, book_cols[c].xlsx, NULL);
	if (s->parent_agency && *s->parent_agency) {
		buf_adds(&agency, s->parent_agency);
		buf_adds(&agency, " - ");
	}
	buf_adds(&agency, str(s->agency));
	if (s->office && *s->office) {
		buf_adds(&agency, " - ");
		buf_adds(&agency, s->office);
	}
	book_period(period, sizeof(period), from, to);
	keep_err(&err, worksheet_merge_range(ws, 0, 0, 0, BC_COUNT - 1, "SỔ THEO DÕI HỒ SƠ", title));
	keep_err(&err, worksheet_merge_range(ws, 1, 0, 1, BC_COUNT - 1, agency.ptr, sub));
	keep_err(&err, worksheet_merge_range(ws, 2, 0, 2, BC_COUNT - 1, period, sub));
	worksheet_set_row(ws, 4, 45, NULL);
	for (c = 0; c < BC_COUNT; c++)
		keep_err(&err, worksheet_write_string(ws, 4, (lxw_col_t)c, book_cols[c].head, head));
	for (i = 0; i < n; i++) {
		lxw_row_t row = first_row + (lxw_row_t)i;

		book_row_fill(&r, i, list[i], " ");
		/* every cell a string, so that codes like 2.000815 stay text */
		for (c = 0; c < BC_COUNT; c++)
			keep_err(&err,
				 worksheet_write_string(ws, row, (lxw_col_t)c, r.cells[c],
							(book_cols[c].flags & PDF_CENTER) ? center : cell));
	}
	worksheet_freeze_panes(ws, first_row, 0);
	worksheet_repeat_rows(ws, 4, 4);
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_fit_to_pages(ws, 1, 0);
	if (err != LXW_NO_ERROR) {
		log_error("event=book_xlsx_write_failed error=%d", (int)err);
		xlsx_abandon(wb, path);
	} else if ((rc = xlsx_finish(wb, path, out))) {
		log_error("event=book_xlsx_close_failed");
	}
out:
	buf_release(&r.contact);
	buf_release(&agency);
	return rc;
}
