/* test_receipt_pdf.c: the printed receipt (features/receipt_pdf.h), read back with poppler's and zbar's
 * tools. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "core/buf.h"
#include "core/timefmt.h"
#include "core/xalloc.h"
#include "features/receipt_pdf.h"
#include "pdftext.h"
#include "core/banned.h"

#define UNIT	  "UBND phường Nhân Chính"
#define UNIT_MST  "0101234567-015"
#define UNIT_ADDR "Số 1 phố Nhân Hòa, phường Nhân Chính, quận Thanh Xuân, Hà Nội"
#define PAYER	  "Nguyễn Thị Hồng Nhung"
#define LOOKUP	  "K7M2Q9X4B8PA"
#define URL	  "https://dichvucong.thanhxuan.hanoi.gov.vn/bien-lai/" LOOKUP
#define LINE1                                                                                                                              \
	"Lệ phí cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền " \
	"với đất"
#define WORDS "Một triệu năm trăm bốn mươi nghìn đồng"

/* The directory of this run's files, removed at the end. */
static char dir[256];

/* Seconds since the epoch of a Vietnam civil time. */
static int64_t vn(int y, int mo, int d, int h, int mi)
{
	return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 - VN_UTC_OFFSET;
}

static void add_line(struct receipt *r, const char *name, int64_t qty, int64_t unit)
{
	struct receipt_line *l = &r->lines[r->nlines++];

	l->name = name;
	l->quantity = qty;
	l->unit_amount = unit;
	l->amount = qty * unit;
	r->total += l->amount;
}

/*
 * Receipt 0000042 of book 01BLP0-001 / AA-26E, paid by transfer at 06:30 on
 * 5 March 2026 in Hà Nội: still 4 March in UTC, so the date shows Vietnam time.
 */
static struct receipt *make_receipt(void)
{
	struct receipt *r = xcalloc(1, sizeof(*r));

	r->id = 42;
	r->book_id = 1;
	r->template_code = "01BLP0-001";
	r->series = "AA-26E";
	r->year = 2026;
	r->number = 42;
	snprintf(r->number_text, sizeof(r->number_text), "%s", "0000042");
	r->lookup = LOOKUP;
	r->dossier_id = 9;
	r->dossier_code = "000.01.15.H26-260305-0007";
	r->payer.name = PAYER;
	r->payer.address = "Số 12 ngõ 175 Hoàng Văn Thái, phường Khương Trung, quận Thanh Xuân, Hà Nội";
	r->payer.tax_code = "8012345678";
	r->payer.id_no = "001190012345";
	add_line(r, LINE1, 1, 1234000);
	add_line(r, "Lệ phí chứng thực bản sao từ bản chính", 3, 2000);
	add_line(r, "Phí khai thác, sử dụng tài liệu đất đai", 1, 300000);
	r->amount_in_words = WORDS;
	r->method = RM_TRANSFER;
	r->status = RST_ISSUED;
	r->collector_account = 5;
	r->collector_name = "Lê Thu Trang";
	r->unit_id = 7;
	r->unit_name = UNIT;
	r->unit_tax_code = UNIT_MST;
	r->unit_address = UNIT_ADDR;
	r->issued_at = vn(2026, 3, 5, 6, 30);
	r->xml = "";
	r->verify_code = "3F9A-C2D1-7B04";
	return r;
}

/* Draw r with its verification address and read it back into doc. */
static void render(const struct receipt *r, const char *url, struct doc *doc)
{
	struct buf out = BUF_INIT;
	char tmpl[300];

	assert_int_equal(receipt_pdf(r, url, &out), 0);
	snprintf(tmpl, sizeof(tmpl), "%s/receipt-XXXXXX", dir);
	doc_load(doc, &out, tmpl);
	buf_release(&out);
	/* RECEIPTS_KEEP=DIR keeps a copy of every receipt drawn, to look at */
	if (getenv("RECEIPTS_KEEP")) {
		static int seq;

		free(run("cp '%s' '%s'/receipt-%02d.pdf", doc->path, getenv("RECEIPTS_KEEP"), ++seq));
	}
}

#define INSIDE	  (12 * MM), (10 * MM), (A5_W - 10 * MM), (A5_H - 12 * MM)
#define ON_PAPER  0, 0, A5_W, A5_H
#define READABLE  6.5 /* points: the height of a 7-point word's box is about 8 */
#define WORDS_MIN 50  /* a receipt has more words than this: its text was read */

/* The size of the first box of word `w` in the document; 0 when there is none. */
static int word_box(const struct doc *doc, const char *w, double *width, double *height)
{
	char *bbox = run("pdftotext -bbox '%s' -", doc->path);
	const char *p;
	int found = 0;

	for (p = bbox; !found && (p = strstr(p, "<word ")); p++) {
		const char *text = strchr(p, '>');
		double x0, y0, x1, y1;

		if (text && !strncmp(text + 1, w, strlen(w)) && text[1 + strlen(w)] == '<' &&
		    sscanf(p, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"", &x0, &y0, &x1,
			   &y1) == 4) {
			*width = x1 - x0;
			*height = y1 - y0;
			found = 1;
		}
	}
	free(bbox);
	return found;
}

static void receipt_fields(void **state)
{
	struct receipt *r = make_receipt();
	struct doc doc = { 0 };

	(void)state;
	render(r, URL, &doc);
	is_a5(&doc);
	assert_int_equal(doc.pages, 1);
	/* the collecting unit, the book and the number */
	has(&doc, UNIT);
	has(&doc, "Mã số thuế: " UNIT_MST);
	/* the address wraps in its column, beside the number: whole in drawing order */
	has_cell(&doc, "Địa chỉ: " UNIT_ADDR);
	has(&doc, "Mẫu số: 01BLP0-001");
	has(&doc, "Ký hiệu: AA-26E");
	has(&doc, "Số: 0000042");
	has(&doc, "BIÊN LAI THU PHÍ, LỆ PHÍ");
	has(&doc, "(Bản thể hiện của biên lai điện tử)");
	/* Vietnam time: 23:30 UTC on the 4th is the 5th in Hà Nội */
	has(&doc, "Ngày 05 tháng 03 năm 2026");
	hasnt(&doc, "Ngày 04 tháng 03");
	/* the payer and the dossier */
	has(&doc, "Họ tên người nộp: " PAYER);
	has(&doc, "Địa chỉ: Số 12 ngõ 175 Hoàng Văn Thái, phường Khương Trung, quận Thanh Xuân, Hà Nội");
	has(&doc, "Mã số thuế: 8012345678");
	has(&doc, "Số CCCD: 001190012345");
	has(&doc, "Hồ sơ: 000.01.15.H26-260305-0007");
	/* the table: its header, each line with its figures, the total */
	has(&doc, "STT Tên loại phí, lệ phí");
	has(&doc, "Đơn giá");
	has(&doc, "Thành tiền");
	has_cell(&doc, LINE1);
	has(&doc, "1.234.000 1.234.000");
	has(&doc, "Lệ phí chứng thực bản sao từ bản chính 3 2.000 6.000");
	has(&doc, "Phí khai thác, sử dụng tài liệu đất đai 1 300.000 300.000");
	has(&doc, "Tổng cộng 1.540.000");
	has(&doc, "Số tiền bằng chữ: " WORDS);
	has(&doc, "Hình thức thanh toán: Chuyển khoản");
	/* the signatures: the collector signed digitally, on the day of the receipt */
	has(&doc, "NGƯỜI NỘP TIỀN");
	has(&doc, "NGƯỜI THU TIỀN");
	has(&doc, "Lê Thu Trang");
	has(&doc, "Ký bởi: " UNIT);
	has(&doc, "Ký ngày: 05/03/2026");
	/* where to check it */
	has(&doc, "Tra cứu biên lai tại:");
	has(&doc, URL);
	has(&doc, "Mã tra cứu: " LOOKUP);
	has(&doc, "Mã xác thực: 3F9A-C2D1-7B04");
	/* an issued receipt that replaces nothing says neither */
	hasnt(&doc, "ĐÃ HỦY");
	hasnt(&doc, "Lý do hủy");
	hasnt(&doc, "Thay thế");
	hasnt(&doc, "thay thế");
	words_within(&doc, INSIDE, READABLE, WORDS_MIN);
	doc_free(&doc);
	free(r);
}

/* The QR code opens the receipt's public verification page. */
static void receipt_qr(void **state)
{
	struct receipt *r = make_receipt();
	struct doc doc = { 0 };
	char *got;

	(void)state;
	render(r, URL, &doc);
	got = read_qr(&doc, doc.pages);
	assert_string_equal(got, URL "\n");
	free(got);
	doc_free(&doc);
	free(r);
}

/* A cancelled receipt keeps its number and says so across the page, with the reason and its replacement. */
static void receipt_cancelled(void **state)
{
	struct receipt *r = make_receipt();
	struct doc doc = { 0 };
	double w, h, w2, h2;

	(void)state;
	r->status = RST_CANCELLED;
	r->cancelled_at = vn(2026, 3, 6, 10, 0);
	r->cancel_reason = "Ghi sai địa chỉ người nộp";
	r->replaced_by_id = 43;
	r->replaced_by_number = "0000043";
	render(r, URL, &doc);
	is_a5(&doc);
	assert_int_equal(doc.pages, 1);
	has(&doc, "Số: 0000042");
	has(&doc, "ĐÃ HỦY");
	has(&doc, "Lý do hủy: Ghi sai địa chỉ người nộp");
	has(&doc, "Được thay thế bởi biên lai số 0000043");
	has(&doc, "06/03/2026");
	/* everything else still reads under the stamp */
	has(&doc, "Họ tên người nộp: " PAYER);
	has(&doc, "Tổng cộng 1.540.000");
	has(&doc, "Mã tra cứu: " LOOKUP);
	/* the stamp is large: its letters several times the body's size */
	assert_true(word_box(&doc, "ĐÃ", &w, &h));
	assert_true(word_box(&doc, "HỦY", &w2, &h2));
	if (h < 40 || h2 < 40 || w + w2 < 150)
		fail_msg("\"ĐÃ HỦY\" is not large across the page: %.1f x %.1f, %.1f x %.1f", w, h, w2, h2);
	words_within(&doc, ON_PAPER, READABLE, WORDS_MIN);
	doc_free(&doc);

	/* cancelled and not (yet) replaced */
	r->replaced_by_id = 0;
	r->replaced_by_number = NULL;
	render(r, URL, &doc);
	has(&doc, "ĐÃ HỦY");
	has(&doc, "Lý do hủy: Ghi sai địa chỉ người nộp");
	hasnt(&doc, "thay thế");
	doc_free(&doc);
	free(r);
}

/* A replacement names the receipt it replaces. */
static void receipt_replacement(void **state)
{
	struct receipt *r = make_receipt();
	struct doc doc = { 0 };

	(void)state;
	r->number = 43;
	snprintf(r->number_text, sizeof(r->number_text), "%s", "0000043");
	r->replaces_id = 42;
	r->replaces_number = "0000042";
	render(r, URL, &doc);
	has(&doc, "Số: 0000043");
	has(&doc, "Thay thế cho biên lai số 0000042");
	hasnt(&doc, "ĐÃ HỦY");
	hasnt(&doc, "Lý do hủy");
	doc_free(&doc);
	free(r);
}

/*
 * The most lines a receipt takes, each name long enough to wrap: every name
 * reads whole, every figure is there, nothing leaves the paper or shrinks
 * past reading, and the receipt ends with its signatures and QR code.
 */
static void receipt_twenty_lines(void **state)
{
	static char names[RECEIPT_MAX_LINES][200];
	struct receipt *r = make_receipt();
	struct doc doc = { 0 };
	char want[320], amount[32], *got;
	size_t i;

	(void)state;
	r->nlines = 0;
	r->total = 0;
	for (i = 0; i < RECEIPT_MAX_LINES; i++) {
		snprintf(
			names[i], sizeof(names[i]),
			"Lệ phí đăng ký biến động quyền sử dụng đất, tài sản gắn liền với đất theo hồ sơ số %zu",
			i + 1);
		add_line(r, names[i], (int64_t)(i % 3) + 1, 15000 * (int64_t)(i + 1));
	}
	r->amount_in_words = "Sáu triệu một trăm chín mươi lăm nghìn đồng";
	render(r, URL, &doc);
	is_a5(&doc);
	assert_true(doc.pages >= 1 && doc.pages <= 2);
	for (i = 0; i < RECEIPT_MAX_LINES; i++) {
		has_cell(&doc, names[i]);
		num_fmt_vn(amount, sizeof(amount), r->lines[i].amount);
		snprintf(want, sizeof(want), "%zu %s", i + 1, "Lệ phí đăng ký");
		has(&doc, want);
		has(&doc, amount);
	}
	num_fmt_vn(amount, sizeof(amount), r->total);
	snprintf(want, sizeof(want), "Tổng cộng %s", amount);
	has(&doc, want);
	has(&doc, "Số tiền bằng chữ: Sáu triệu một trăm chín mươi lăm nghìn đồng");
	has(&doc, "NGƯỜI THU TIỀN");
	has(&doc, "Mã xác thực: 3F9A-C2D1-7B04");
	if (doc.pages == 2) {
		/* the second page says whose it is, and each page its number */
		has(&doc, "Biên lai số 0000042, ký hiệu AA-26E, mẫu số 01BLP0-001 (tiếp theo)");
		has(&doc, "Trang 1/2");
		has(&doc, "Trang 2/2");
	}
	words_within(&doc, ON_PAPER, READABLE, WORDS_MIN);
	got = read_qr(&doc, doc.pages);
	assert_string_equal(got, URL "\n");
	free(got);
	doc_free(&doc);
	free(r);
}

/* A receipt a little too long for one page at the table's usual size holds on one with the table set smaller.
 */
static void receipt_shrinks(void **state)
{
	static char names[11][120];
	struct receipt *r = make_receipt();
	struct doc doc = { 0 };
	double w, body, table;
	size_t i;

	(void)state;
	r->nlines = 0;
	r->total = 0;
	for (i = 0; i < 11; i++) {
		snprintf(names[i], sizeof(names[i]), "Lệ phí đăng ký biến động đất đai, hồ sơ số %zu", i + 1);
		add_line(r, names[i], 1, 15000);
	}
	r->amount_in_words = "Một trăm sáu mươi lăm nghìn đồng";
	render(r, URL, &doc);
	assert_int_equal(doc.pages, 1);
	for (i = 0; i < 11; i++)
		has_cell(&doc, names[i]);
	has(&doc, "Tổng cộng 165.000");
	has(&doc, "Mã xác thực: 3F9A-C2D1-7B04");
	assert_true(word_box(&doc, "người", &w, &body));
	assert_true(word_box(&doc, "đăng", &w, &table));
	if (!(table < body))
		fail_msg("the table (%.2f) is not smaller than the body (%.2f)", table, body);
	words_within(&doc, INSIDE, READABLE, WORDS_MIN);
	doc_free(&doc);
	free(r);
}

/* What is optional is left out when not given; the other payment methods; text that looks like markup stays
 * text. */
static void receipt_optional(void **state)
{
	struct receipt *r = make_receipt();
	struct doc doc = { 0 };

	(void)state;
	r->payer.name = "Công ty TNHH Xây dựng <A & B>";
	r->payer.tax_code = NULL;
	r->payer.id_no = "";
	r->dossier_id = 0;
	r->dossier_code = NULL;
	r->method = RM_CASH;
	render(r, URL, &doc);
	has(&doc, "Họ tên người nộp: Công ty TNHH Xây dựng <A & B>");
	has(&doc, "Hình thức thanh toán: Tiền mặt");
	hasnt(&doc, "Hồ sơ:");
	hasnt(&doc, "Số CCCD");
	hasnt(&doc, "Mã số thuế: 80");
	has(&doc, "Mã số thuế: " UNIT_MST);
	doc_free(&doc);

	r->payer.id_no = "001190012345";
	r->method = RM_ONLINE;
	render(r, URL, &doc);
	has(&doc, "Số CCCD: 001190012345");
	hasnt(&doc, "Mã số thuế: 80");
	has(&doc, "Hình thức thanh toán: Thanh toán trực tuyến");
	doc_free(&doc);
	free(r);
}

/* Nothing is drawn without a receipt, an address to verify it at, or with more lines than a receipt holds. */
static void receipt_refused(void **state)
{
	struct receipt *r = make_receipt();
	struct buf out = BUF_INIT;

	(void)state;
	buf_adds(&out, "kept");
	assert_int_equal(receipt_pdf(NULL, URL, &out), -1);
	assert_int_equal(receipt_pdf(r, NULL, &out), -1);
	assert_int_equal(receipt_pdf(r, "", &out), -1);
	/* a QR code holds some 2,300 bytes at level M: a longer address cannot be printed as one */
	{
		char *long_url = xmalloc(4001);

		memset(long_url, 'a', 4000);
		long_url[4000] = 0;
		assert_int_equal(receipt_pdf(r, long_url, &out), -1);
		free(long_url);
	}
	r->nlines = RECEIPT_MAX_LINES + 1;
	assert_int_equal(receipt_pdf(r, URL, &out), -1);
	assert_string_equal(out.ptr, "kept");
	buf_release(&out);
	free(r);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	(void)state;
	snprintf(dir, sizeof(dir), "%s/motcua-receipt-pdf-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	/* a failed test leaves its files behind */
	free(run("rm -rf '%s'", dir));
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(receipt_fields),	cmocka_unit_test(receipt_qr),
		cmocka_unit_test(receipt_cancelled),	cmocka_unit_test(receipt_replacement),
		cmocka_unit_test(receipt_twenty_lines), cmocka_unit_test(receipt_shrinks),
		cmocka_unit_test(receipt_optional),	cmocka_unit_test(receipt_refused),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("test_receipt_pdf", tests, setup, teardown);
}
