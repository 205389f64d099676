/* test_dossier_forms.c: the printed forms 01–06 (features/dossier_forms.h), read back with poppler's tools.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "core/buf.h"
#include "core/timefmt.h"
#include "core/xalloc.h"
#include "features/dossier_forms.h"
#include "rules/dossier.h"
#include "rules/procedure.h"
#include "pdftext.h"
#include "core/banned.h"

#define CODE	  "000.01.15.H26-261126-0001"
#define PROC_CODE "2.000815"
#define PROC_NAME                                                                                                                   \
	"Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp " \
	"hoặc chứng nhận"
#define APPLICANT "Nguyễn Thị Hồng Nhung"
#define LOOKUP	  "http://127.0.0.1:8080/tra-cuu?ma="

/* Seconds since the epoch of a Vietnam civil time. */
static int64_t vn(int y, int mo, int d, int h, int mi)
{
	return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 - VN_UTC_OFFSET;
}

static const struct form_site site = {
	.parent_agency = "UBND QUẬN THANH XUÂN",
	.agency = "UBND PHƯỜNG NHÂN CHÍNH",
	.office = "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
	.place = "Hà Nội",
	.lookup_url = LOOKUP,
	.staff_name = "Lê Thu Trang",
};

static void add_step(struct dossier *d, const char *name, const char *resp, int64_t hours, int64_t start,
		     int64_t due, int64_t done, const char *by, int verdict)
{
	struct dossier_step *s = &d->steps[d->nsteps];

	s->idx = (int)d->nsteps++;
	s->name = name;
	s->responsible = resp;
	s->role = "";
	s->level = PROC_WARD;
	s->unit_id = 7;
	s->hours = hours;
	s->started_at = start;
	s->due_at = due;
	s->finished_at = done;
	s->by_name = by;
	s->verdict = verdict;
}

static void add_doc(struct dossier *d, const char *name, int kind, int count, int provided)
{
	struct dossier_doc *doc = &d->docs[d->ndocs];

	doc->idx = (int)d->ndocs++;
	doc->name = name;
	doc->kind = kind;
	doc->count = count;
	doc->provided = provided;
	doc->file_sha = "";
	doc->file_name = "";
	doc->file_mime = "";
}

static void add_event(struct dossier *d, int64_t at, const char *actor, int action, int from, int to,
		      const char *note)
{
	struct dossier_event *e = &d->events[d->nevents++];

	e->at = at;
	e->actor_name = actor;
	e->action = action;
	e->status_from = from;
	e->status_to = to;
	e->note = note;
	e->public_ = 1;
}

/* A certification dossier received at the counter of phường Nhân Chính on 26/11/2026 at 08:30. */
static struct dossier *make_dossier(void)
{
	struct dossier *d = xcalloc(1, sizeof(*d));

	d->id = 1;
	d->code = CODE;
	d->procedure_code = PROC_CODE;
	d->procedure_version = 3;
	d->procedure_name = PROC_NAME;
	d->applicant.name = APPLICANT;
	d->applicant.id_no = "001190012345";
	d->applicant.birth = "1990-05-17";
	d->applicant.phone = "0912345678";
	d->applicant.email = "nhung.nguyen@example.vn";
	d->applicant.address = "Số 12 ngõ 175 Hoàng Văn Thái, phường Khương Trung, quận Thanh Xuân, Hà Nội";
	d->representative.name = "";
	d->channel = DCH_COUNTER;
	d->receiving_unit = 7;
	d->receiving_unit_name = "UBND phường Nhân Chính";
	d->receiving_agency = "000.01.15.H26";
	d->current_unit = 7;
	d->current_unit_name = "UBND phường Nhân Chính";
	d->assignee_name = "Phạm Văn Đức";
	d->status = DS_PROCESSING;
	d->step = 3;
	d->submitted_at = vn(2026, 11, 26, 8, 30);
	d->received_at = vn(2026, 11, 26, 8, 30);
	d->due_at = vn(2026, 11, 27, 16, 30);
	d->first_due_at = d->due_at;
	d->hours = 8;
	d->fee_due = 34000;
	d->fee_paid = 1;
	d->pages = 9;
	d->copies = 2;
	d->result_text = "";
	d->result_file_sha = "";
	d->note = "";
	d->apology_reason = "";
	add_doc(d, "Bằng tốt nghiệp đại học", PROC_DOC_ORIGINAL, 1, 1);
	add_doc(d, "Giấy khai sinh", PROC_DOC_CERTIFIED_COPY, 2, 1);
	add_doc(d, "Căn cước công dân", PROC_DOC_COPY, 1, 1);
	add_doc(d, "Giấy xác nhận tình trạng hôn nhân", PROC_DOC_COPY, 1, 0);
	add_step(d, "Tiếp nhận hồ sơ", "Bộ phận Một cửa", 2, vn(2026, 11, 26, 8, 30),
		 vn(2026, 11, 26, 10, 30), vn(2026, 11, 26, 8, 45), "Lê Thu Trang", DV_EARLY);
	add_step(d, "Thẩm định hồ sơ", "Công chức Tư pháp - Hộ tịch", 4, vn(2026, 11, 26, 8, 45),
		 vn(2026, 11, 26, 13, 45), vn(2026, 11, 26, 13, 45), "Phạm Văn Đức", DV_ON_TIME);
	add_step(d, "Ký chứng thực", "Chủ tịch UBND phường", 2, vn(2026, 11, 26, 13, 45),
		 vn(2026, 11, 26, 15, 45), vn(2026, 11, 27, 9, 10), "Trần Quốc Huy", DV_LATE);
	add_step(d, "Trả kết quả", "Bộ phận Một cửa", 0, vn(2026, 11, 27, 9, 10), vn(2026, 11, 27, 16, 30), 0,
		 "", DV_NONE);
	add_event(d, d->received_at, "Lê Thu Trang (Bộ phận Một cửa)", 0, 0, DS_RECEIVED, "");
	add_event(d, vn(2026, 11, 26, 8, 45), "Lê Thu Trang (Bộ phận Một cửa)", DA_START, DS_RECEIVED,
		  DS_PROCESSING, "");
	add_event(d, vn(2026, 11, 26, 13, 45), "Phạm Văn Đức (Tư pháp - Hộ tịch)", DA_FORWARD, DS_PROCESSING,
		  DS_PROCESSING, "");
	add_event(d, vn(2026, 11, 27, 9, 10), "Trần Quốc Huy (Chủ tịch)", DA_FORWARD, DS_PROCESSING,
		  DS_PROCESSING, "");
	return d;
}

#define TMPL "/tmp/motcua-test-forms-XXXXXX" /* the files' names, for mkstemp */

/* Read the PDF back into doc (doc_free removes its file). */
static void read_pdf(struct doc *doc, const struct buf *pdf)
{
	doc_load(doc, pdf, TMPL);
	/* FORMS_KEEP=DIR keeps a copy of every document drawn, to look at */
	if (getenv("FORMS_KEEP")) {
		static int seq;

		free(run("cp '%s' '%s'/%02d.pdf", doc->path, getenv("FORMS_KEEP"), ++seq));
	}
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* The text area of forms 01–05 (the book keeps its page numbers in the margin: it is held to its paper). */
#define A5_INSIDE (20 * MM), (14 * MM), (A5_W - 12 * MM), (A5_H - 14 * MM)
#define WORDS_MIN 20 /* a form has more words than this: its text was read */

static void render(int form, const struct dossier *d, int64_t now, struct doc *doc)
{
	struct buf out = BUF_INIT;

	assert_int_equal(dossier_form_pdf(form, d, &site, now, &out), 0);
	read_pdf(doc, &out);
	buf_release(&out);
}

static void form01_slip(void **state)
{
	struct dossier *d = make_dossier();
	struct doc doc = { 0 };

	(void)state;
	render(1, d, vn(2026, 11, 26, 8, 40), &doc);
	is_a5(&doc);
	assert_int_equal(doc.pages, 1);
	has(&doc, "UBND QUẬN THANH XUÂN");
	has(&doc, "UBND PHƯỜNG NHÂN CHÍNH");
	has(&doc, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
	has(&doc, "Độc lập - Tự do - Hạnh phúc");
	has(&doc, "Hà Nội, ngày 26 tháng 11 năm 2026");
	has(&doc, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
	has(&doc, "Mã hồ sơ: " CODE);
	has(&doc, "Tiếp nhận hồ sơ của: " APPLICANT);
	has(&doc, "Số 12 ngõ 175 Hoàng Văn Thái");
	has(&doc, "0912345678");
	has(&doc, "nhung.nguyen@example.vn");
	has(&doc, PROC_NAME);
	has(&doc, "mã thủ tục " PROC_CODE);
	/* the documents received, the one not brought left out */
	has(&doc, "Bằng tốt nghiệp đại học");
	has(&doc, "Bản chính");
	has(&doc, "Bản sao chứng thực");
	has(&doc, "Căn cước công dân");
	hasnt(&doc, "tình trạng hôn nhân");
	has(&doc, "2. Số lượng hồ sơ: 01 (bộ)");
	has(&doc, "3. Thời gian giải quyết hồ sơ theo quy định: 1 ngày làm việc");
	has(&doc, "4. Thời gian nhận hồ sơ: 08 giờ 30 phút, ngày 26 tháng 11 năm 2026");
	has(&doc, "5. Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 27 tháng 11 năm 2026");
	has(&doc, "6. Đăng ký nhận kết quả tại: Bộ phận tiếp nhận và trả kết quả UBND phường Nhân Chính");
	has(&doc, "7. Phí, lệ phí: 34.000 đ (đã nộp)");
	has(&doc, LOOKUP CODE);
	has(&doc, "NGƯỜI NỘP HỒ SƠ");
	has(&doc, "NGƯỜI TIẾP NHẬN HỒ SƠ");
	has(&doc, "Lê Thu Trang");
	words_within(&doc, A5_INSIDE, 0, WORDS_MIN);
	doc_free(&doc);
	free(d);
}

/* The QR code opens the public lookup of this dossier (zbarimg from zbar-tools reads it back). */
static void form01_qr(void **state)
{
	struct dossier *d = make_dossier();
	struct doc doc = { 0 };
	char *got;

	(void)state;
	if (system("command -v zbarimg >/dev/null 2>&1") != 0) {
		free(d);
		skip();
	}
	render(1, d, vn(2026, 11, 26, 8, 40), &doc);
	got = read_qr(&doc, 1);
	assert_string_equal(got, LOOKUP CODE "\n");
	free(got);
	doc_free(&doc);
	free(d);
}

/* The fee is printed with dots between thousands; no fee says so; a representative is named. */
static void form01_variants(void **state)
{
	struct dossier *d = make_dossier();
	struct doc doc = { 0 };

	(void)state;
	d->fee_due = 1250000;
	d->fee_paid = 0;
	d->representative.name = "Trần Văn Bình";
	d->channel = DCH_POST;
	d->hours = 60;
	render(1, d, vn(2026, 11, 26, 8, 40), &doc);
	has(&doc, "7. Phí, lệ phí: 1.250.000 đ (chưa nộp)");
	has(&doc, "Người được ủy quyền nộp hồ sơ: Trần Văn Bình");
	has(&doc, "qua dịch vụ bưu chính");
	has(&doc, "60 giờ làm việc");
	doc_free(&doc);

	d->fee_due = 0;
	d->hours = 0;
	render(1, d, vn(2026, 11, 26, 8, 40), &doc);
	has(&doc, "7. Phí, lệ phí: không thu");
	has(&doc, "theo quy định: trong ngày");
	doc_free(&doc);
	free(d);
}

static void form02_supplement(void **state)
{
	struct dossier *d = make_dossier();
	struct doc doc = { 0 };

	(void)state;
	add_event(d, vn(2026, 11, 26, 9, 0), "Phạm Văn Đức (Tư pháp - Hộ tịch)", DA_SUPPLEMENT, DS_PROCESSING,
		  DS_SUPPLEMENT, "Bản chính Giấy khai sinh để đối chiếu");
	add_event(d, vn(2026, 11, 26, 9, 30), "Phạm Văn Đức (Tư pháp - Hộ tịch)", DA_SUPPLIED, DS_SUPPLEMENT,
		  DS_PROCESSING, "");
	add_event(
		d, vn(2026, 11, 26, 10, 0), "Phạm Văn Đức (Tư pháp - Hộ tịch)", DA_SUPPLEMENT, DS_PROCESSING,
		DS_SUPPLEMENT,
		"1. Giấy ủy quyền có chứng thực của người nộp thay.\n2. Bản dịch công chứng của văn bằng tiếng "
		"nước ngoài.");
	render(2, d, vn(2026, 11, 26, 10, 5), &doc);
	is_a5(&doc);
	has(&doc, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ");
	has(&doc, "Mã hồ sơ: " CODE);
	has(&doc, "Tiếp nhận hồ sơ của: " APPLICANT);
	has(&doc, "Đề nghị Ông/Bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:");
	/* the last request, not the first */
	has(&doc, "1. Giấy ủy quyền có chứng thực của người nộp thay.");
	has(&doc, "2. Bản dịch công chứng của văn bằng tiếng nước ngoài.");
	hasnt(&doc, "để đối chiếu");
	has(&doc, "tính lại từ đầu");
	has(&doc, "NGƯỜI HƯỚNG DẪN");
	has(&doc, "Lê Thu Trang");
	words_within(&doc, A5_INSIDE, 0, WORDS_MIN);
	doc_free(&doc);
	free(d);
}

static void form03_refusal(void **state)
{
	struct dossier *d = make_dossier();
	struct doc doc = { 0 };

	(void)state;
	d->status = DS_REFUSED;
	d->received_at = 0;
	d->channel = DCH_ONLINE;
	add_event(d, vn(2026, 11, 26, 9, 0), "Lê Thu Trang (Bộ phận Một cửa)", DA_REFUSE, DS_NEW, DS_REFUSED,
		  "Bản chính Bằng tốt nghiệp đại học bị tẩy xóa, sửa chữa nội dung.");
	render(3, d, vn(2026, 11, 26, 9, 5), &doc);
	is_a5(&doc);
	has(&doc, "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ");
	has(&doc, "Mã hồ sơ: " CODE);
	has(&doc, APPLICANT);
	has(&doc, "thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:");
	has(&doc, "Bản chính Bằng tốt nghiệp đại học bị tẩy xóa, sửa chữa nội dung.");
	has(&doc, "Xin thông báo cho Ông/Bà được biết và thực hiện./.");
	words_within(&doc, A5_INSIDE, 0, WORDS_MIN);
	doc_free(&doc);
	free(d);
}

static void form04_apology(void **state)
{
	struct dossier *d = make_dossier();
	struct doc doc = { 0 };

	(void)state;
	d->apology_at = vn(2026, 11, 27, 10, 0);
	d->apology_due_at = vn(2026, 11, 30, 10, 0);
	d->due_at = d->apology_due_at; /* the first appointment stays on the slip */
	d->apology_reason = "Cần xác minh thêm thông tin với cơ quan đã cấp bản chính.";
	render(4, d, vn(2026, 11, 27, 10, 0), &doc);
	is_a5(&doc);
	has(&doc, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ");
	has(&doc, "Kính gửi: " APPLICANT);
	has(&doc, "Ngày 26 tháng 11 năm 2026, UBND phường Nhân Chính tiếp nhận giải quyết hồ sơ");
	has(&doc, "Mã hồ sơ: " CODE);
	has(&doc, "Thời gian hẹn trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 27 tháng 11 năm 2026.");
	has(&doc, "Lý do: Cần xác minh thêm thông tin với cơ quan đã cấp bản chính.");
	has(&doc,
	    "hẹn lại thời gian trả kết quả giải quyết hồ sơ vào 10 giờ 00 phút, ngày 30 tháng 11 năm 2026.");
	has(&doc, "THỦ TRƯỞNG CƠ QUAN");
	has(&doc, "Nơi nhận:");
	words_within(&doc, A5_INSIDE, 0, WORDS_MIN);
	doc_free(&doc);
	free(d);
}

static void form05_control(void **state)
{
	struct dossier *d = make_dossier();
	struct doc doc = { 0 };

	(void)state;
	render(5, d, vn(2026, 11, 27, 9, 15), &doc);
	is_a5(&doc);
	has(&doc, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ");
	has(&doc, "Mã hồ sơ: " CODE);
	has(&doc, "Kèm theo hồ sơ của: " APPLICANT);
	has(&doc, "Thời gian nhận hồ sơ: 08 giờ 30 phút, ngày 26 tháng 11 năm 2026");
	has(&doc, "Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 27 tháng 11 năm 2026");
	has(&doc, "THỜI GIAN GIAO");
	has(&doc, "Tiếp nhận hồ sơ");
	has(&doc, "Ký chứng thực");
	has(&doc, "Trần Quốc Huy");
	/* each finished step's verdict, in step order */
	{
		const char *rows = strstr(doc.flat, "1. Tiếp nhận hồ sơ");
		const char *early = rows ? strstr(rows, "Trước hạn") : NULL;
		const char *on_time = rows ? strstr(rows, "Đúng hạn") : NULL;
		const char *late = rows ? strstr(rows, "Quá hạn") : NULL;

		assert_non_null(early);
		assert_non_null(on_time);
		assert_non_null(late);
		assert_true(early < on_time && on_time < late);
	}
	has(&doc, "26/11/2026, 08:45");
	has(&doc, "27/11/2026, 09:10");
	has(&doc, "Đang xử lý");
	words_within(&doc, A5_INSIDE, 0, WORDS_MIN);
	doc_free(&doc);
	free(d);
}

/* Decree 30/2020: a day below 10 and the months 1 and 2 take a leading zero, other months none. */
static void date_line(void **state)
{
	struct dossier *d = make_dossier();
	struct doc doc = { 0 };

	(void)state;
	render(5, d, vn(2027, 2, 5, 9, 0), &doc);
	has(&doc, "Hà Nội, ngày 05 tháng 02 năm 2027");
	doc_free(&doc);
	render(5, d, vn(2027, 3, 9, 23, 59), &doc);
	has(&doc, "Hà Nội, ngày 09 tháng 3 năm 2027");
	doc_free(&doc);
	/* Vietnam time: 31/12 at 17:30 UTC is already 1 January there */
	render(5, d, days_from_civil(2026, 12, 31) * 86400 + 17 * 3600 + 30 * 60, &doc);
	has(&doc, "Hà Nội, ngày 01 tháng 01 năm 2027");
	doc_free(&doc);
	free(d);
}

/* Forms that do not apply, unknown forms, and an output too small change nothing and answer -1. */
static void refusals(void **state)
{
	struct dossier *d = make_dossier();
	struct buf out = BUF_INIT;
	int form;

	(void)state;
	buf_adds(&out, "before");
	assert_int_equal(dossier_form_pdf(2, d, &site, 0, &out), -1); /* no supplement request */
	assert_int_equal(dossier_form_pdf(3, d, &site, 0, &out), -1); /* not refused */
	assert_int_equal(dossier_form_pdf(4, d, &site, 0, &out), -1); /* no apology */
	for (form = -1; form <= 8; form += (form == 0 ? 6 : 1))
		assert_int_equal(dossier_form_pdf(form, d, &site, 0, &out), -1);
	d->received_at = 0; /* no slip before receipt */
	assert_int_equal(dossier_form_pdf(1, d, &site, 0, &out), -1);
	assert_string_equal(out.ptr, "before");
	buf_release(&out);

	/* a buffer too small for the PDF: -1, and what it held before is kept */
	d->received_at = vn(2026, 11, 26, 8, 30);
	buf_init(&out, 2000);
	buf_adds(&out, "before");
	assert_int_equal(dossier_form_pdf(1, d, &site, 0, &out), -1);
	assert_int_equal(out.len, 6);
	assert_memory_equal(out.ptr, "before", 6);
	buf_release(&out);

	/* and the same buffer large enough */
	buf_init(&out, 1 << 20);
	assert_int_equal(dossier_form_pdf(1, d, &site, 0, &out), 0);
	assert_memory_equal(out.ptr, "%PDF-", 5);
	buf_release(&out);
	free(d);
}

/* Long names wrap inside their boxes; a table row taller than a page goes on over the next. */
static void overflow(void **state)
{
	struct dossier *d = make_dossier();
	struct buf name = BUF_INIT, note = BUF_INIT, out = BUF_INIT;
	struct doc doc = { 0 };
	int i;

	(void)state;
	for (i = 0; i < 80; i++)
		buf_adds(
			&name,
			"Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất ");
	buf_adds(&name, "HẾTDANHSÁCH");
	d->docs[0].name = name.ptr;
	for (i = 0; i < 30; i++)
		add_doc(d, "Văn bản thỏa thuận phân chia di sản thừa kế có công chứng",
			PROC_DOC_CERTIFIED_COPY, 3, 1);
	/* a name without a space, longer than any line */
	d->applicant.name =
		"Nguyễn-Thị-Hồng-Nhung-Nguyễn-Thị-Hồng-Nhung-Nguyễn-Thị-Hồng-Nhung-Nguyễn-Thị-Hồng-"
		"Nhung-Nguyễn-Thị-Hồng-Nhung-Nguyễn-Thị-Hồng-Nhung";
	render(1, d, vn(2026, 11, 26, 8, 40), &doc);
	assert_true(doc.pages >= 4);
	has(&doc, "HẾTDANHSÁCH");
	has(&doc, "NGƯỜI TIẾP NHẬN HỒ SƠ");
	/* the table's header is drawn again on every page it goes on over */
	assert_true(count(doc.text, "Tên giấy tờ") >= 3);
	words_within(&doc, A5_INSIDE, 0, WORDS_MIN);
	doc_free(&doc);

	/* reasons longer than a page flow on */
	for (i = 0; i < 60; i++)
		buf_adds(&note, "Thiếu bản chính để đối chiếu; chữ ký trên giấy ủy quyền không rõ ràng. ");
	buf_adds(&note, "HẾTLÝDO");
	add_event(d, vn(2026, 11, 26, 9, 0), "Lê Thu Trang", DA_REFUSE, DS_NEW, DS_REFUSED, note.ptr);
	render(3, d, vn(2026, 11, 26, 9, 5), &doc);
	assert_true(doc.pages >= 2);
	has(&doc, "HẾTLÝDO");
	words_within(&doc, A5_INSIDE, 0, WORDS_MIN);
	doc_free(&doc);

	/* markup and control characters in the data are text, not markup */
	d->applicant.name = "Đặng <b>Văn</b> & \"Bé\" \x01\x7f Tí";
	d->events[d->nevents - 1].note = "Lý do <i>đặc biệt</i> & khác\xff\xfe hết";
	assert_int_equal(dossier_form_pdf(3, d, &site, 0, &out), 0);
	read_pdf(&doc, &out);
	has(&doc, "Đặng <b>Văn</b> & \"Bé\" Tí");
	has(&doc, "Lý do <i>đặc biệt</i> & khác");
	doc_free(&doc);
	buf_release(&out);
	buf_release(&name);
	buf_release(&note);
	free(d);
}

/* Sixty dossiers of November 2026, one a day-sequence, across procedures and statuses. */
static struct dossier **make_book(size_t n, char codes[][32])
{
	static const char *const names[] = { "Nguyễn Thị Hồng Nhung", "Trần Văn Bình",	  "Lê Hoàng Yến",
					     "Phạm Quốc Việt",	      "Đỗ Thị Thu Hương", "Vũ Đức Thắng" };
	static const char *const procs[][2] = {
		{ PROC_CODE, PROC_NAME },
		{ "1.001193", "Đăng ký khai sinh" },
		{ "2.000635", "Cấp bản sao trích lục hộ tịch" },
	};
	struct dossier **list = xcalloc(n, sizeof(*list));
	size_t i;

	for (i = 0; i < n; i++) {
		struct dossier *d = make_dossier();

		snprintf(codes[i], 32, "000.01.15.H26-2611%02d-%04d", (int)(2 + i / 8 % 28),
			 (int)(i + 1) % 10000);
		d->code = codes[i];
		d->applicant.name = names[i % 6];
		d->procedure_code = procs[i % 3][0];
		d->procedure_name = procs[i % 3][1];
		d->verdict = (int)(i % 4); /* none, early, on time, late */
		if (i % 10 == 9) {
			d->status = DS_REFUSED;
			d->verdict = DV_NONE;
		}
		d->finished_at = d->verdict ? vn(2026, 11, 27, 9, 10) : 0;
		d->returned_at = d->verdict ? vn(2026, 11, 27, 10, 0) : 0;
		list[i] = d;
	}
	return list;
}

static void free_book(struct dossier **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

static void form06_book_pdf(void **state)
{
	enum {
		N = 60
	};
	char codes[N][32], want[32];
	struct dossier **list = make_book(N, codes);
	struct buf out = BUF_INIT;
	struct doc doc = { 0 };
	size_t i;

	(void)state;
	assert_int_equal(dossier_book_pdf((const struct dossier *const *)list, N, &site,
					  vn(2026, 11, 1, 0, 0), vn(2026, 12, 1, 0, 0), &out),
			 0);
	read_pdf(&doc, &out);
	is_page(&doc, 841.89, 595.28, "A4 landscape");
	assert_true(doc.pages >= 3);
	has(&doc, "SỔ THEO DÕI HỒ SƠ");
	has(&doc, "Từ ngày 01/11/2026 đến ngày 30/11/2026");
	has(&doc, "UBND PHƯỜNG NHÂN CHÍNH");
	for (i = 0; i < N; i++)
		if (!strstr(doc.text, codes[i]))
			fail_msg("%s is not in the book", codes[i]);
	/* the header row on every page, and its number */
	assert_int_equal(count(doc.text, "Mã hồ sơ"), doc.pages);
	for (i = 1; i <= (size_t)doc.pages; i++) {
		snprintf(want, sizeof(want), "Trang %zu/%d", i, doc.pages);
		has(&doc, want);
	}
	has(&doc, "Trước hạn");
	has(&doc, "Đúng hạn");
	has(&doc, "Quá hạn");
	has(&doc, "Từ chối");
	has(&doc, "26/11/2026");
	has(&doc, PROC_CODE);
	words_within(&doc, 0, 0, doc.w, doc.h, 0, WORDS_MIN);
	doc_free(&doc);
	buf_release(&out);

	/* an empty period is a book with its header and nothing else */
	assert_int_equal(dossier_book_pdf(NULL, 0, &site, vn(2026, 11, 1, 0, 0), vn(2026, 12, 1, 0, 0), &out),
			 0);
	read_pdf(&doc, &out);
	assert_int_equal(doc.pages, 1);
	has(&doc, "Không có hồ sơ trong kỳ");
	has(&doc, "Trang 1/1");
	doc_free(&doc);
	buf_release(&out);
	free_book(list, N);
}

/* A member of the XLSX (a zip) as text. */
static char *xlsx_part(const char *path, const char *part)
{
	if (system("command -v unzip >/dev/null 2>&1") == 0)
		return run("unzip -p %s %s", path, part);
	return run(
		"python3 -c 'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2])"
		".decode())' %s %s",
		path, part);
}

static void form06_book_xlsx(void **state)
{
	enum {
		N = 60
	};
	char codes[N][32], path[64];
	struct dossier **list = make_book(N, codes);
	struct buf out = BUF_INIT;
	char *strings, *sheet, *styles;
	size_t i;

	(void)state;
	buf_adds(&out, "x");
	assert_int_equal(dossier_book_xlsx((const struct dossier *const *)list, N, &site,
					   vn(2026, 11, 1, 0, 0), vn(2026, 12, 1, 0, 0), &out),
			 0);
	assert_memory_equal(out.ptr, "xPK\x03\x04", 5); /* appended after what was there: a zip */
	memmove(out.ptr, out.ptr + 1, out.len - 1);
	buf_setlen(&out, out.len - 1);
	snprintf(path, sizeof(path), "%s", TMPL);
	file_save(&out, path);
	strings = xlsx_part(path, "xl/sharedStrings.xml");
	sheet = xlsx_part(path, "xl/worksheets/sheet1.xml");
	styles = xlsx_part(path, "xl/styles.xml");
	for (i = 0; i < N; i++)
		if (!strstr(strings, codes[i]))
			fail_msg("%s is not in the workbook", codes[i]);
	assert_non_null(strstr(strings, "<t>" PROC_CODE "</t>"));
	assert_non_null(strstr(strings, "<t>SỔ THEO DÕI HỒ SƠ</t>"));
	assert_non_null(strstr(strings, "Từ ngày 01/11/2026 đến ngày 30/11/2026"));
	assert_non_null(strstr(strings, APPLICANT));
	assert_non_null(strstr(strings, PROC_NAME));
	assert_non_null(strstr(strings, "Mã hồ sơ"));
	assert_non_null(strstr(strings, "26/11/2026 08:30"));
	/* codes are text cells (t="s"), never numbers */
	assert_null(strstr(sheet, "<v>2.000815</v>"));
	assert_true(count(sheet, "t=\"s\"") >= N * 9); /* empty cells are blank */
	assert_non_null(strstr(sheet, "<mergeCell ref=\"A1:M1\"/>"));
	assert_non_null(strstr(sheet, "<col "));
	assert_non_null(strstr(styles, "<b/>")); /* the bold header row */
	free(strings);
	free(sheet);
	free(styles);
	unlink(path);
	buf_release(&out);

	/* too small a buffer: -1 and nothing appended */
	buf_init(&out, 100);
	assert_int_equal(dossier_book_xlsx((const struct dossier *const *)list, N, &site, 0, 0, &out), -1);
	assert_int_equal(out.len, 0);
	buf_release(&out);
	free_book(list, N);
}

/* Server threads may print at once: each gets a whole, valid document. */
struct worker {
	pthread_t thread;
	const struct dossier *d;
	struct buf out;
	int rc;
};

static void *draw(void *arg)
{
	struct worker *w = arg;
	const struct dossier *list[1] = { w->d };
	int i;

	for (i = 0; i < 3 && !w->rc; i++) {
		buf_reset(&w->out);
		w->rc = dossier_form_pdf(i % 2 ? 5 : 1, w->d, &site, vn(2026, 11, 26, 9, 0), &w->out);
		if (!w->rc)
			w->rc = dossier_book_pdf(list, 1, &site, vn(2026, 11, 1, 0, 0), vn(2026, 12, 1, 0, 0),
						 &w->out);
	}
	return NULL;
}

static void threads(void **state)
{
	enum {
		T = 4
	};
	struct dossier *d = make_dossier();
	struct worker w[T];
	size_t i;

	(void)state;
	for (i = 0; i < T; i++) {
		w[i].d = d;
		w[i].rc = 0;
		buf_init(&w[i].out, BUF_MAX_DEFAULT);
		assert_int_equal(pthread_create(&w[i].thread, NULL, draw, &w[i]), 0);
	}
	for (i = 0; i < T; i++) {
		struct doc doc = { 0 };

		assert_int_equal(pthread_join(w[i].thread, NULL), 0);
		assert_int_equal(w[i].rc, 0);
		read_pdf(&doc, &w[i].out);
		has(&doc, CODE);
		doc_free(&doc);
		buf_release(&w[i].out);
	}
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(form01_slip),	   cmocka_unit_test(form01_qr),
		cmocka_unit_test(form01_variants), cmocka_unit_test(form02_supplement),
		cmocka_unit_test(form03_refusal),  cmocka_unit_test(form04_apology),
		cmocka_unit_test(form05_control),  cmocka_unit_test(date_line),
		cmocka_unit_test(refusals),	   cmocka_unit_test(overflow),
		cmocka_unit_test(form06_book_pdf), cmocka_unit_test(form06_book_xlsx),
		cmocka_unit_test(threads),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
