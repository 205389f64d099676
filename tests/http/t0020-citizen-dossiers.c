/*
 * t0020-citizen-dossiers: a citizen submits a dossier online with its scans, finds it under "Hồ sơ của
 * tôi" and withdraws it; another citizen cannot see or touch it; bad files and bad fields are refused
 * with nothing kept; the public lookup shows the progress and no personal data, and is rate-limited.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "harness.h"
#include "core/timefmt.h"
#include "store/db.h"

#define DEMO_PASSWORD "ThanhXuan-Demo-2026"
#define JSON_TYPE     "Content-Type: application/json"
#define BOUNDARY      "----t0020-boundary-QmFuIENoaW5o"
#define MP_TYPE	      "Content-Type: multipart/form-data; boundary=" BOUNDARY

/* A ward procedure offered partly online (chứng thực bản sao, two documents, a fee per page). */
#define PROC_ONLINE "2.000815"
#define PROC_NAME   "Thủ tục chứng thực bản sao từ bản chính"
/* A ward procedure not offered online (chứng thực chữ ký). */
#define PROC_OFFLINE "2.000884"
#define WARD_AGENCY  "000.01.15.H26" /* Phường Nhân Chính */
#define MINE_LEN     (sizeof("/tai-khoan/ho-so/") - 1)

/* Two citizens (Hà Nội, born 1999 and 1985). */
#define AN_NAME	    "Nguyễn Văn An"
#define AN_CCCD	    "001099012345"
#define AN_EMAIL    "an.nguyen@example.com"
#define AN_PHONE    "0912345678"
#define AN_ADDRESS  "Số 7 ngõ 12 phố Nguỵ Như Kon Tum"
#define AN_PASSWORD "Hoa-Sen-Ho-Tay-2026"
#define BINH_CCCD   "001085067890"
#define BINH_PHONE  "0987654321"

/* The Vietnamese a citizen reads. */
#define MSG_STAFF      "Nộp hồ sơ trực tuyến dành cho công dân có tài khoản công dân."
#define MSG_LOGIN      "Đăng nhập để nộp hồ sơ"
#define MSG_NEXT       "Bộ phận Một cửa sẽ kiểm tra và tiếp nhận hồ sơ"
#define MSG_TYPE       "Tệp phải là tệp PDF, JPEG hoặc PNG (hệ thống kiểm tra nội dung tệp, không dựa vào tên tệp)."
#define MSG_EMPTY      "Tệp không có nội dung."
#define MSG_BIG	       "Tệp lớn hơn 10 MB: vui lòng quét lại với độ phân giải thấp hơn."
#define MSG_MISSING    "Vui lòng đính kèm tệp cho giấy tờ này."
#define MSG_FIX	       "Vui lòng sửa các mục được đánh dấu dưới đây."
#define MSG_ID_12      "Số định danh cá nhân phải có đúng 12 chữ số."
#define MSG_PHONE      "Số điện thoại phải có 10 chữ số, ví dụ 0912345678."
#define MSG_BIRTH      "Ngày sinh không được sau ngày hôm nay hoặc trước năm 1900."
#define MSG_UNIT       "Vui lòng chọn nơi tiếp nhận hồ sơ trong danh sách."
#define MSG_NOT_ONLINE "Thủ tục này không nộp hồ sơ trực tuyến được: vui lòng mang hồ sơ đến Bộ phận Một cửa."
#define MSG_NO_DOSSIER "Bạn không có hồ sơ nào với mã này."
#define MSG_LOOKUP_NONE \
	"Không tìm thấy hồ sơ với mã hồ sơ và 4 chữ số này. Vui lòng kiểm tra lại cả hai rồi thử lại."
#define MSG_THROTTLED	 "Bạn đã tra cứu quá nhiều lần. Vui lòng chờ một phút rồi thử lại."
#define MSG_STATUS_NEW	 "Nộp trực tuyến, chờ tiếp nhận"
#define MSG_WITHDRAWN	 "Hồ sơ đã được rút."
#define MSG_REASON	 "Vui lòng nêu lý do rút hồ sơ."
#define MSG_TICK	 "Vui lòng đánh dấu ô xác nhận rút hồ sơ."
#define MSG_CANNOT	 "Không thể rút hồ sơ này: hồ sơ đang ở trạng thái “Đã rút hồ sơ”."
#define MSG_NOTHING_MORE "Không còn thao tác nào bạn có thể thực hiện trực tuyến với hồ sơ này."

static struct test_server srv;
static struct ts_user an, binh, clerk;
static int64_t an_id, ward_id;
/* the dossier An submits in test_submit, withdrawn in test_withdraw */
static char an_code[64];

/* A tiny but real PDF and PNG (a 1×1 white pixel). */
static const char pdf_bytes[] = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
				"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
				"trailer\n<< /Root 1 0 R >>\n%%EOF\n";
static const unsigned char png_bytes[] = {
	0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48,
	0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00,
	0x00, 0x90, 0x77, 0x53, 0xDE, 0x00, 0x00, 0x00, 0x0C, 0x49, 0x44, 0x41, 0x54, 0x08,
	0xD7, 0x63, 0xF8, 0xFF, 0xFF, 0x3F, 0x00, 0x05, 0xFE, 0x02, 0xFE, 0xDC, 0xCC, 0x59,
	0xE7, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
};

/* ---- the database, read as another program would ---- */

static struct db *open_db(void)
{
	char *err = NULL;
	struct db *db = db_open(srv.db, &err);
	if (!db)
		fail_msg("cannot open the database: %s", err ? err : "?");
	return db;
}

/* The first column of the first row of `sql` with one text parameter (NULL: none); -1 when no row. */
static long long sql_int(const char *sql, const char *arg)
{
	struct db *db = open_db();
	struct db_stmt *st;
	long long v = -1;
	int rc = arg ? db_query(db, &st, sql, "s", arg) : db_query(db, &st, sql, "");
	assert_true(rc >= 0);
	if (rc == DB_ROW)
		v = db_col_int(st, 0);
	db_release_statements(db);
	db_close(db);
	return v;
}

/* The text of the first column of `sql`'s first row with one text parameter into out; "" when none. */
static const char *sql_text(const char *sql, const char *arg, char *out, size_t n)
{
	struct db *db = open_db();
	struct db_stmt *st;
	int rc = db_query(db, &st, sql, "s", arg);
	assert_true(rc >= 0);
	snprintf(out, n, "%s", rc == DB_ROW && db_col_text(st, 0) ? db_col_text(st, 0) : "");
	db_release_statements(db);
	db_close(db);
	return out;
}

static long long dossiers(void)
{
	return sql_int("SELECT COUNT(*) FROM dossiers", NULL);
}

/* Files in the data folder's content-addressed store. */
static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[1024];
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st))
			continue;
		n += S_ISDIR(st.st_mode) ? count_files(path) : 1;
	}
	closedir(d);
	return n;
}

static int stored_files(void)
{
	char dir[400];
	snprintf(dir, sizeof(dir), "%s/data/files", srv.dir);
	return count_files(dir);
}

/* ---- requests ---- */

static void expect_in(const struct http_resp *r, const char *text)
{
	if (!r->body.ptr || !strstr(r->body.ptr, text))
		fail_msg("\"%s\" is not in the response (%ld): %.3000s", text, r->status,
			 r->body.ptr ? r->body.ptr : "");
}

static void expect_not_in(const struct http_resp *r, const char *text)
{
	if (r->body.ptr && strstr(r->body.ptr, text))
		fail_msg("\"%s\" is in the response and must not be", text);
}

static long get_as(const struct ts_user *u, const char *path, struct http_resp *r)
{
	resp_init(r);
	assert_int_equal(ts_as(&srv, u, "GET", path, NULL, r), 0);
	return r->status;
}

/* A GET from the client address `addr` (the server trusts 127.0.0.1 as its proxy). */
static long get_from(const char *addr, const char *path, struct http_resp *r)
{
	char xff[80];
	snprintf(xff, sizeof(xff), "X-Forwarded-For: %s", addr);
	resp_init(r);
	assert_int_equal(http_req(&srv, "GET", path, (const char *const[]){ xff, NULL }, NULL, 0, r), 0);
	return r->status;
}

/* A multipart body under construction. */
struct mp {
	struct buf b;
};

static void mp_field(struct mp *m, const char *name, const char *value)
{
	buf_addf(&m->b, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n", name,
		 value);
}

static void mp_file(struct mp *m, const char *field, const char *filename, const char *type, const void *data,
		    size_t len)
{
	buf_addf(&m->b,
		 "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
		 "Content-Type: %s\r\n\r\n",
		 field, filename, type);
	buf_add(&m->b, data, len);
	buf_adds(&m->b, "\r\n");
}

static long mp_post(const struct ts_user *u, const char *path, struct mp *m, struct http_resp *r)
{
	buf_adds(&m->b, "--" BOUNDARY "--\r\n");
	resp_init(r);
	assert_int_equal(http_req(&srv, "POST", path,
				  (const char *const[]){ MP_TYPE, u->cookie, u->token, NULL }, m->b.ptr,
				  m->b.len, r),
			 0);
	buf_release(&m->b);
	return r->status;
}

/* The submission form's fields, as a browser posts them. */
struct form {
	const char *unit, *name, *id_no, *birth, *phone, *email, *address, *pages, *copies, *note;
};

static struct form good_form(void)
{
	static char unit[32];
	snprintf(unit, sizeof(unit), "%lld", (long long)ward_id);
	return (struct form){
		unit,	  AN_NAME,    AN_CCCD, "1999-05-04", AN_PHONE,
		AN_EMAIL, AN_ADDRESS, "2",     "1",	     "Xin nhận bản sao qua bưu điện nếu được."
	};
}

static void mp_form(struct mp *m, const struct ts_user *u, const struct form *f)
{
	buf_init(&m->b, 64 << 20);
	mp_field(m, "csrf", u->csrf);
	mp_field(m, "unit", f->unit);
	mp_field(m, "applicant_name", f->name);
	mp_field(m, "applicant_id_no", f->id_no);
	mp_field(m, "applicant_birth", f->birth);
	mp_field(m, "applicant_phone", f->phone);
	mp_field(m, "applicant_email", f->email);
	mp_field(m, "applicant_address", f->address);
	mp_field(m, "pages", f->pages);
	mp_field(m, "copies", f->copies);
	mp_field(m, "note", f->note);
}

static void mp_good_files(struct mp *m)
{
	mp_file(m, "doc0", "giay-khai-sinh.pdf", "application/pdf", pdf_bytes, sizeof(pdf_bytes) - 1);
	mp_file(m, "doc1", "ban-sao.png", "image/png", png_bytes, sizeof(png_bytes));
}

/* The field `id` of the submission form is marked invalid and its error says `msg`. */
static void expect_field_error(const struct http_resp *r, const char *id, const char *msg)
{
	char pat[600];
	const char *input, *end;
	snprintf(pat, sizeof(pat), "id=\"%s\" name=\"%s\"", id, id);
	input = strstr(r->body.ptr, pat);
	if (!input)
		fail_msg("no input \"%s\" on the page", id);
	end = strchr(input, '>');
	assert_non_null(end);
	if (!memmem(input, (size_t)(end - input), "aria-invalid=\"true\"", 19))
		fail_msg("input \"%s\" is not marked invalid: %.*s", id, (int)(end - input), input);
	snprintf(pat, sizeof(pat), "<p class=\"field-error\" id=\"%s-error\">%s", id, msg);
	expect_in(r, pat);
	/* and in the summary at the top, linked to the field */
	snprintf(pat, sizeof(pat), "<li><a href=\"#%s\">", id);
	expect_in(r, pat);
}

/* Register a citizen through the API (from an address of his own: registrations are limited per address). */
static void register_citizen(const char *name, const char *cccd, const char *email, const char *phone,
			     const char *addr)
{
	struct http_resp r;
	char body[600], xff[80];
	snprintf(
		body, sizeof(body),
		"{\"full_name\":\"%s\",\"citizen_id\":\"%s\",\"email\":\"%s\",\"phone\":\"%s\",\"password\":\"%s\"}",
		name, cccd, email, phone, AN_PASSWORD);
	snprintf(xff, sizeof(xff), "X-Forwarded-For: %s", addr);
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", "/api/v1/citizens",
				  (const char *const[]){ JSON_TYPE, xff, NULL }, body, strlen(body), &r),
			 0);
	assert_int_equal(r.status, 201);
	resp_free(&r);
}

static int setup(void **state)
{
	struct db *db;
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ts_init(&srv) || ts_demo(&srv) ||
	    ts_launch(&srv, NULL, (const char *const[]){ "--trusted-proxy", "127.0.0.1", NULL }))
		return -1;
	register_citizen(AN_NAME, AN_CCCD, AN_EMAIL, AN_PHONE, "192.0.2.1");
	register_citizen("Trần Thị Bình", BINH_CCCD, "binh.tran@example.com", BINH_PHONE, "192.0.2.2");
	if (ts_login(&srv, AN_PHONE, AN_PASSWORD, &an) != 201 ||
	    ts_login(&srv, BINH_CCCD, AN_PASSWORD, &binh) != 201 ||
	    ts_login(&srv, "motcua.nhanchinh", DEMO_PASSWORD, &clerk) != 201)
		return -1;
	db = open_db();
	ward_id = ts_unit_id(db, WARD_AGENCY);
	db_release_statements(db);
	db_close(db);
	an_id = sql_int("SELECT id FROM accounts WHERE citizen_id = ?", AN_CCCD);
	return an_id > 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	int rc = ts_stop(&srv);
	curl_global_cleanup();
	return rc;
}

/* ---- the form ---- */

static void test_login_first(void **state)
{
	struct http_resp r;
	char h[128];
	(void)state;
	resp_init(&r);
	assert_int_equal(http_get(&srv, "/nop-ho-so/" PROC_ONLINE, &r), 0);
	assert_int_equal(r.status, 200);
	expect_in(&r, PROC_NAME);
	expect_in(
		&r,
		"<a class=\"button\" href=\"/dang-nhap?next=%2Fnop-ho-so%2F2.000815\" id=\"login-to-submit\">" MSG_LOGIN
		"</a>");
	expect_not_in(&r, "<form method=\"post\" action=\"/nop-ho-so/");
	assert_non_null(resp_hdr(&r, "Cache-Control", h, sizeof(h)));
	assert_string_equal(h, "no-store");
	resp_free(&r);

	/* posting without a session goes to the login page; an unknown procedure is not found */
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", "/nop-ho-so/" PROC_ONLINE,
				  (const char *const[]){ MP_TYPE, NULL }, "--" BOUNDARY "--\r\n",
				  strlen("--" BOUNDARY "--\r\n"), &r),
			 0);
	assert_int_equal(r.status, 303);
	resp_free(&r);
	resp_init(&r);
	assert_int_equal(http_get(&srv, "/nop-ho-so/9.999999", &r), 0);
	assert_int_equal(r.status, 404);
	resp_free(&r);
}

static void test_staff_refused(void **state)
{
	struct http_resp r;
	struct mp m;
	struct form f = good_form();
	long long before = dossiers();
	(void)state;

	assert_int_equal(get_as(&clerk, "/nop-ho-so/" PROC_ONLINE, &r), 403);
	expect_in(&r, MSG_STAFF);
	resp_free(&r);
	mp_form(&m, &clerk, &f);
	mp_good_files(&m);
	assert_int_equal(mp_post(&clerk, "/nop-ho-so/" PROC_ONLINE, &m, &r), 403);
	expect_in(&r, MSG_STAFF);
	resp_free(&r);
	assert_int_equal(get_as(&clerk, "/tai-khoan/ho-so", &r), 403);
	resp_free(&r);
	assert_int_equal(get_as(&clerk, "/api/v1/public/dossiers", &r), 403);
	expect_in(&r, "\"code\":\"citizens_only\"");
	resp_free(&r);
	assert_int_equal(dossiers(), before);
}

static void test_form_prefilled(void **state)
{
	struct http_resp r;
	char h[128];
	int wards = 0;
	(void)state;
	assert_int_equal(get_as(&an, "/nop-ho-so/" PROC_ONLINE, &r), 200);
	assert_non_null(resp_hdr(&r, "Cache-Control", h, sizeof(h)));
	assert_string_equal(h, "no-store");
	expect_in(&r, "enctype=\"multipart/form-data\"");
	/* his own details filled in */
	expect_in(&r, "name=\"applicant_name\" value=\"" AN_NAME "\"");
	expect_in(&r, "name=\"applicant_id_no\" value=\"" AN_CCCD "\"");
	expect_in(&r, "name=\"applicant_phone\" value=\"" AN_PHONE "\"");
	expect_in(&r, "name=\"applicant_email\" value=\"" AN_EMAIL "\"");
	/* the 11 wards of Thanh Xuân receive a ward procedure, not the district */
	for (const char *p = r.body.ptr; (p = strstr(p, ">Phường ")); p++)
		wards++;
	assert_int_equal(wards, 11);
	expect_not_in(&r, ">Quận Thanh Xuân</option>");
	/* one file input per required document */
	expect_in(&r, "type=\"file\" id=\"doc0\" name=\"doc0\"");
	expect_in(&r, "type=\"file\" id=\"doc1\" name=\"doc1\"");
	expect_not_in(&r, "id=\"doc2\"");
	resp_free(&r);
}

/* ---- a submission ---- */

static void test_submit(void **state)
{
	struct http_resp r;
	struct mp m;
	struct form f = good_form();
	char loc[256], want[64], text[512], path[1024];
	struct civil today;
	int files_before = stored_files();
	long long before = dossiers();
	static const char long_name[] =
		"Bản sao giấy khai sinh của con tôi được chứng thực tại phường "
		"Nhân Chính quận Thanh Xuân thành phố Hà Nội năm hai nghìn không trăm "
		"hai mươi sáu, bản quét màu độ phân giải cao.png";
	(void)state;

	mp_form(&m, &an, &f);
	/* a name with a right-to-left override that would show "…gnp.pdf" as "…fdp.png" */
	mp_file(&m, "doc0", "giay\xE2\x80\xAEgnp.pdf", "application/octet-stream", pdf_bytes,
		sizeof(pdf_bytes) - 1);
	mp_file(&m, "doc1", long_name, "image/png", png_bytes, sizeof(png_bytes));
	assert_int_equal(mp_post(&an, "/nop-ho-so/" PROC_ONLINE, &m, &r), 303);
	assert_non_null(resp_hdr(&r, "Location", loc, sizeof(loc)));
	resp_free(&r);

	/* the code: <agency>-<YYMMDD>-<NNNN>, today in Vietnam */
	time_to_civil(time_now_us() / 1000000, VN_UTC_OFFSET, &today);
	snprintf(want, sizeof(want), "/tai-khoan/ho-so/" WARD_AGENCY "-%02d%02d%02d-", today.year % 100,
		 today.month, today.day);
	if (strncmp(loc, want, strlen(want)))
		fail_msg("the confirmation is at %s, not under %s", loc, want);
	snprintf(an_code, sizeof(an_code), "%.*s", (int)strcspn(loc + MINE_LEN, "?"), loc + MINE_LEN);
	assert_int_equal(strlen(an_code), strlen(WARD_AGENCY "-261126-0001"));
	for (size_t i = strlen(an_code) - 4; i < strlen(an_code); i++)
		assert_true(an_code[i] >= '0' && an_code[i] <= '9');
	assert_string_equal(loc + MINE_LEN + strlen(an_code), "?nop=1");

	/* the confirmation: the code in large type, what comes next, the links */
	assert_int_equal(get_as(&an, loc, &r), 200);
	snprintf(text, sizeof(text), "<p class=\"dossier-code-big\" id=\"dossier-code\">%s</p>", an_code);
	expect_in(&r, text);
	expect_in(&r, MSG_NEXT);
	expect_in(&r, "<a href=\"/tai-khoan/ho-so\">Hồ sơ của tôi</a>");
	snprintf(text, sizeof(text), "<a href=\"/tra-cuu?ma=%s\">Tra cứu hồ sơ</a>", an_code);
	expect_in(&r, text);
	expect_in(&r, MSG_STATUS_NEW);
	assert_non_null(resp_hdr(&r, "Cache-Control", text, sizeof(text)));
	assert_string_equal(text, "no-store");
	resp_free(&r);

	/* in the database: new, online, his, with both files kept by content */
	assert_int_equal(dossiers(), before + 1);
	assert_int_equal(sql_int("SELECT status FROM dossiers WHERE code = ?", an_code), 1);
	assert_int_equal(sql_int("SELECT channel FROM dossiers WHERE code = ?", an_code), 2);
	assert_int_equal(sql_int("SELECT owner_account FROM dossiers WHERE code = ?", an_code), an_id);
	assert_int_equal(sql_int("SELECT pages FROM dossiers WHERE code = ?", an_code), 2);
	assert_int_equal(sql_int("SELECT fee_due FROM dossiers WHERE code = ?", an_code), 4000);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM dossier_docs k JOIN dossiers d ON d.id = k.dossier_id "
				 "WHERE d.code = ? AND k.provided = 1 AND LENGTH(k.file_sha) = 64",
				 an_code),
			 2);
	sql_text(
		"SELECT k.file_mime FROM dossier_docs k JOIN dossiers d ON d.id = k.dossier_id WHERE d.code = ? "
		"AND k.idx = 0",
		an_code, text, sizeof(text));
	assert_string_equal(text, "application/pdf");
	sql_text(
		"SELECT k.file_name FROM dossier_docs k JOIN dossiers d ON d.id = k.dossier_id WHERE d.code = ? "
		"AND k.idx = 0",
		an_code, text, sizeof(text));
	assert_string_equal(text, "giaygnp.pdf");
	sql_text(
		"SELECT k.file_mime FROM dossier_docs k JOIN dossiers d ON d.id = k.dossier_id WHERE d.code = ? "
		"AND k.idx = 1",
		an_code, text, sizeof(text));
	assert_string_equal(text, "image/png");
	sql_text(
		"SELECT k.file_name FROM dossier_docs k JOIN dossiers d ON d.id = k.dossier_id WHERE d.code = ? "
		"AND k.idx = 1",
		an_code, text, sizeof(text));
	assert_true(strlen(text) <= 200 && strlen(text) > 150);
	assert_memory_equal(text, long_name, strlen(text)); /* cut between characters, a prefix */
	assert_true(((unsigned char)long_name[strlen(text)] & 0xC0) != 0x80);
	sql_text(
		"SELECT k.file_sha FROM dossier_docs k JOIN dossiers d ON d.id = k.dossier_id WHERE d.code = ? "
		"AND k.idx = 0",
		an_code, text, sizeof(text));
	snprintf(path, sizeof(path), "%s/data/files/%.2s/%s", srv.dir, text, text);
	{
		struct stat st;
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal((long long)st.st_size, (long long)sizeof(pdf_bytes) - 1);
	}
	assert_int_equal(stored_files(), files_before + 2);
	assert_int_equal(
		sql_int("SELECT COUNT(*) FROM audit_log WHERE action = 'dossier.submit' AND object = ?",
			(snprintf(text, sizeof(text), "dossier:%s", an_code), text)),
		1);

	/* "Hồ sơ của tôi" lists it with its status */
	assert_int_equal(get_as(&an, "/tai-khoan/ho-so", &r), 200);
	snprintf(text, sizeof(text), "<a href=\"/tai-khoan/ho-so/%s\">%s</a>", an_code, an_code);
	expect_in(&r, text);
	expect_in(&r, MSG_STATUS_NEW);
	resp_free(&r);
	/* and its page, with his own details, the ID number masked */
	snprintf(path, sizeof(path), "/tai-khoan/ho-so/%s", an_code);
	assert_int_equal(get_as(&an, path, &r), 200);
	expect_in(&r, "*********345");
	expect_not_in(&r, AN_CCCD);
	expect_in(&r, "giaygnp.pdf");
	expect_not_in(&r, "Your dossier has been submitted");
	expect_not_in(&r, "dossier-code-big");
	resp_free(&r);
}

static void test_other_citizen(void **state)
{
	struct http_resp r;
	char path[200], *body;
	(void)state;
	assert_true(*an_code);

	snprintf(path, sizeof(path), "/tai-khoan/ho-so/%s", an_code);
	assert_int_equal(get_as(&binh, path, &r), 404);
	expect_in(&r, MSG_NO_DOSSIER);
	expect_not_in(&r, AN_NAME);
	resp_free(&r);
	/* an unknown code answers the same */
	assert_int_equal(get_as(&binh, "/tai-khoan/ho-so/" WARD_AGENCY "-200101-0001", &r), 404);
	expect_in(&r, MSG_NO_DOSSIER);
	resp_free(&r);

	snprintf(path, sizeof(path), "/tai-khoan/ho-so/%s/rut", an_code);
	body = ts_form(&binh, "reason", "Không cần nữa", "confirm", "yes", NULL);
	resp_init(&r);
	assert_int_equal(ts_as(&srv, &binh, "POST", path, body, &r), 0);
	assert_int_equal(r.status, 404);
	free(body);
	resp_free(&r);
	assert_int_equal(sql_int("SELECT status FROM dossiers WHERE code = ?", an_code), 1);

	/* neither his list nor his API list has it; An's API list does */
	assert_int_equal(get_as(&binh, "/tai-khoan/ho-so", &r), 200);
	expect_not_in(&r, an_code);
	resp_free(&r);
	assert_int_equal(get_as(&binh, "/api/v1/public/dossiers", &r), 200);
	expect_in(&r, "\"total\":0");
	resp_free(&r);
	assert_int_equal(get_as(&an, "/api/v1/public/dossiers?per_page=5", &r), 200);
	expect_in(&r, an_code);
	expect_in(&r, "\"status\":\"new\"");
	expect_in(&r, "\"per_page\":5");
	resp_free(&r);
}

/* Post the good form with `files` changed by `fill`; expect 422 and nothing kept. */
static void refused_upload(void (*fill)(struct mp *), const char *field, const char *msg)
{
	struct http_resp r;
	struct mp m;
	struct form f = good_form();
	long long before = dossiers();
	int files_before = stored_files();
	mp_form(&m, &an, &f);
	fill(&m);
	assert_int_equal(mp_post(&an, "/nop-ho-so/" PROC_ONLINE, &m, &r), 422);
	expect_in(&r, MSG_FIX);
	expect_field_error(&r, field, msg);
	/* the fields typed are shown again */
	expect_in(&r, "name=\"applicant_address\" value=\"" AN_ADDRESS "\"");
	resp_free(&r);
	assert_int_equal(dossiers(), before);
	assert_int_equal(stored_files(), files_before);
}

static void fill_text_as_pdf(struct mp *m)
{
	static const char text[] = "This is not a PDF, only text with a .pdf name.\n";
	mp_file(m, "doc0", "giay-to.pdf", "application/pdf", text, sizeof(text) - 1);
	mp_file(m, "doc1", "ban-sao.png", "image/png", png_bytes, sizeof(png_bytes));
}

static void fill_empty(struct mp *m)
{
	mp_file(m, "doc0", "giay-to.pdf", "application/pdf", pdf_bytes, sizeof(pdf_bytes) - 1);
	mp_file(m, "doc1", "rong.png", "image/png", "", 0);
}

static void fill_oversized(struct mp *m)
{
	size_t n = ((size_t)10 << 20) + 1;
	char *big = malloc(n);
	assert_non_null(big);
	memset(big, ' ', n);
	memcpy(big, "%PDF-1.4\n", 9);
	mp_file(m, "doc0", "qua-lon.pdf", "application/pdf", big, n);
	mp_file(m, "doc1", "ban-sao.png", "image/png", png_bytes, sizeof(png_bytes));
	free(big);
}

static void fill_missing(struct mp *m)
{
	mp_file(m, "doc0", "giay-to.pdf", "application/pdf", pdf_bytes, sizeof(pdf_bytes) - 1);
	/* the second input left empty, as a browser sends it */
	mp_file(m, "doc1", "", "application/octet-stream", "", 0);
}

static void test_bad_uploads(void **state)
{
	(void)state;
	refused_upload(fill_text_as_pdf, "doc0", MSG_TYPE);
	refused_upload(fill_empty, "doc1", MSG_EMPTY);
	refused_upload(fill_oversized, "doc0", MSG_BIG);
	refused_upload(fill_missing, "doc1", MSG_MISSING);
}

/* Post the good form changed by one field; expect 422 with `msg` next to `field` and no dossier. */
static void refused_field(struct form f, const char *field, const char *msg)
{
	struct http_resp r;
	struct mp m;
	long long before = dossiers();
	int files_before = stored_files();
	mp_form(&m, &an, &f);
	mp_good_files(&m);
	assert_int_equal(mp_post(&an, "/nop-ho-so/" PROC_ONLINE, &m, &r), 422);
	expect_field_error(&r, field, msg);
	resp_free(&r);
	assert_int_equal(dossiers(), before);
	assert_int_equal(stored_files(), files_before);
}

static void test_bad_fields(void **state)
{
	struct form f;
	struct civil next;
	static char future[16];
	(void)state;

	f = good_form();
	f.id_no = "00109901234"; /* 11 digits */
	refused_field(f, "applicant_id_no", MSG_ID_12);
	f = good_form();
	f.phone = "0123";
	refused_field(f, "applicant_phone", MSG_PHONE);
	f = good_form();
	time_to_civil(time_now_us() / 1000000 + 2 * 86400, VN_UTC_OFFSET, &next);
	snprintf(future, sizeof(future), "%04d-%02d-%02d", next.year, next.month, next.day);
	f.birth = future;
	refused_field(f, "applicant_birth", MSG_BIRTH);
	f = good_form();
	f.unit = "1"; /* the city: it does not receive ward procedures */
	refused_field(f, "unit", MSG_UNIT);
}

static void test_not_online(void **state)
{
	struct http_resp r;
	struct mp m;
	struct form f = good_form();
	long long before = dossiers();
	(void)state;

	assert_int_equal(get_as(&an, "/nop-ho-so/" PROC_OFFLINE, &r), 200);
	expect_in(&r, MSG_NOT_ONLINE);
	expect_not_in(&r, "enctype=\"multipart/form-data\"");
	resp_free(&r);
	mp_form(&m, &an, &f);
	mp_good_files(&m);
	assert_int_equal(mp_post(&an, "/nop-ho-so/" PROC_OFFLINE, &m, &r), 422);
	expect_in(&r, MSG_NOT_ONLINE);
	resp_free(&r);
	assert_int_equal(dossiers(), before);
}

/* ---- the public lookup ---- */

static void test_lookup(void **state)
{
	struct http_resp r, r2;
	char path[300], text[300];
	const char *const personal[] = { AN_NAME,    AN_PHONE,		 AN_CCCD, AN_EMAIL,
					 AN_ADDRESS, "Xin nhận bản sao", NULL };
	(void)state;
	assert_true(*an_code);

	/* the code and the last 4 digits of the phone */
	snprintf(path, sizeof(path), "/tra-cuu?code=%s&check=5678", an_code);
	assert_int_equal(get_from("198.51.100.10", path, &r), 200);
	expect_in(&r, "<strong class=\"status status-new\" id=\"lookup-status\">" MSG_STATUS_NEW "</strong>");
	expect_in(&r, PROC_NAME);
	expect_in(&r, "Phường Nhân Chính");
	expect_in(&r, "Nộp trực tuyến</td>");
	assert_non_null(resp_hdr(&r, "Cache-Control", text, sizeof(text)));
	assert_string_equal(text, "no-store");
	for (size_t i = 0; personal[i]; i++)
		expect_not_in(&r, personal[i]);
	resp_free(&r);
	/* the same as JSON */
	snprintf(path, sizeof(path), "/api/v1/public/lookup?code=%s&check=5678", an_code);
	assert_int_equal(get_from("198.51.100.10", path, &r), 200);
	expect_in(&r, "\"status\":\"new\"");
	expect_in(&r, "\"submitted_at\":\"");
	expect_in(&r, "\"received_at\":null");
	for (size_t i = 0; personal[i]; i++)
		expect_not_in(&r, personal[i]);
	expect_not_in(&r, "\"note\"");
	resp_free(&r);

	/* a wrong check is answered as an unknown code is */
	snprintf(path, sizeof(path), "/api/v1/public/lookup?code=%s&check=5679", an_code);
	assert_int_equal(get_from("198.51.100.10", path, &r), 404);
	assert_int_equal(get_from("198.51.100.10",
				  "/api/v1/public/lookup?code=" WARD_AGENCY "-200101-0009&check=5678", &r2),
			 404);
	assert_string_equal(r.body.ptr, r2.body.ptr);
	expect_in(&r, MSG_LOOKUP_NONE);
	resp_free(&r);
	resp_free(&r2);
	snprintf(path, sizeof(path), "/tra-cuu?code=%s&check=5679", an_code);
	assert_int_equal(get_from("198.51.100.10", path, &r), 404);
	expect_in(&r, MSG_LOOKUP_NONE);
	expect_not_in(&r, "lookup-result");
	resp_free(&r);

	/* the QR code of the receipt opens the form with the code filled in: no lookup yet */
	snprintf(path, sizeof(path), "/tra-cuu?ma=%s", an_code);
	assert_int_equal(get_from("198.51.100.10", path, &r), 200);
	snprintf(text, sizeof(text), "name=\"code\" value=\"%s\"", an_code);
	expect_in(&r, text);
	expect_not_in(&r, "lookup-result");
	resp_free(&r);

	/* the access log (written by a thread of its own) has the path, never the query with the code and
	 * digits */
	{
		int seen = 0;
		for (int tries = 0; tries < 50 && seen < 5; tries++) {
			FILE *fp = fopen(srv.log, "r");
			char line[4096];
			assert_non_null(fp);
			seen = 0;
			while (fgets(line, sizeof(line), fp)) {
				if (strstr(line, "path=/tra-cuu ") ||
				    strstr(line, "path=/api/v1/public/lookup "))
					seen++;
				if (strstr(line, "check=") || strstr(line, "?code=") || strstr(line, "?ma="))
					fail_msg("the log holds the query: %s", line);
			}
			fclose(fp);
			if (seen < 5)
				usleep(100 * 1000);
		}
		assert_true(seen >= 5);
	}

	/* the last 4 digits of the ID number do as well */
	snprintf(path, sizeof(path), "/api/v1/public/lookup?code=%s&check=2345", an_code);
	assert_int_equal(get_from("198.51.100.10", path, &r), 200);
	expect_in(&r, "\"code\":\"");
	for (size_t i = 0; personal[i]; i++)
		expect_not_in(&r, personal[i]);
	resp_free(&r);
	snprintf(path, sizeof(path), "/tra-cuu?code=%s&check=2345", an_code);
	assert_int_equal(get_from("198.51.100.10", path, &r), 200);
	expect_in(&r, MSG_STATUS_NEW);
	resp_free(&r);
}

static void test_lookup_rate(void **state)
{
	struct http_resp r;
	char path[300], h[32];
	(void)state;
	assert_true(*an_code);
	snprintf(path, sizeof(path), "/api/v1/public/lookup?code=%s&check=5678", an_code);
	for (int i = 0; i < 20; i++) {
		/* the page and the API count together; a wrong check counts too */
		if (i % 2)
			assert_int_equal(get_from("203.0.113.9", path, &r), 200);
		else
			assert_int_equal(get_from("203.0.113.9",
						  "/tra-cuu?code=" WARD_AGENCY "-200101-0009&check=1111", &r),
					 404);
		resp_free(&r);
	}
	assert_int_equal(get_from("203.0.113.9", path, &r), 429);
	expect_in(&r, MSG_THROTTLED);
	assert_non_null(resp_hdr(&r, "Retry-After", h, sizeof(h)));
	assert_true(atoi(h) >= 1 && atoi(h) <= 60);
	resp_free(&r);
	assert_int_equal(get_from("203.0.113.9", "/tra-cuu?code=" WARD_AGENCY "-200101-0009&check=1111", &r),
			 429);
	expect_in(&r, MSG_THROTTLED);
	resp_free(&r);
	/* the form alone is no lookup; another address is not held back */
	assert_int_equal(get_from("203.0.113.9", "/tra-cuu", &r), 200);
	resp_free(&r);
	assert_int_equal(get_from("203.0.113.10", path, &r), 200);
	resp_free(&r);
}

/* ---- withdrawing ---- */

static long withdraw(const struct ts_user *u, const char *reason, const char *confirm, struct http_resp *r)
{
	char path[200], *body;
	snprintf(path, sizeof(path), "/tai-khoan/ho-so/%s/rut", an_code);
	body = confirm ? ts_form(u, "reason", reason, "confirm", confirm, NULL)
		       : ts_form(u, "reason", reason, NULL);
	resp_init(r);
	assert_int_equal(ts_as(&srv, u, "POST", path, body, r), 0);
	free(body);
	return r->status;
}

static void test_withdraw(void **state)
{
	struct http_resp r;
	char path[200], loc[256], obj[100];
	(void)state;
	assert_true(*an_code);

	/* the confirmation step: a reason and a tick */
	snprintf(path, sizeof(path), "/tai-khoan/ho-so/%s?rut=1", an_code);
	assert_int_equal(get_as(&an, path, &r), 200);
	expect_in(&r, "id=\"reason\" name=\"reason\"");
	expect_in(&r, "id=\"confirm\" name=\"confirm\" value=\"yes\"");
	resp_free(&r);
	assert_int_equal(withdraw(&an, "", "yes", &r), 422);
	expect_in(&r, MSG_REASON);
	resp_free(&r);
	assert_int_equal(withdraw(&an, "Tôi đã làm ở nơi khác", NULL, &r), 422);
	expect_in(&r, MSG_TICK);
	expect_in(&r, "Tôi đã làm ở nơi khác</textarea>");
	resp_free(&r);
	assert_int_equal(sql_int("SELECT status FROM dossiers WHERE code = ?", an_code), 1);

	assert_int_equal(withdraw(&an, "Tôi đã làm ở nơi khác", "yes", &r), 303);
	assert_non_null(resp_hdr(&r, "Location", loc, sizeof(loc)));
	resp_free(&r);
	assert_int_equal(sql_int("SELECT status FROM dossiers WHERE code = ?", an_code), 9);
	assert_int_equal(get_as(&an, loc, &r), 200);
	expect_in(&r, MSG_WITHDRAWN);
	expect_in(&r, "Đã rút hồ sơ");
	expect_not_in(&r, "id=\"withdraw-link\"");
	resp_free(&r);

	/* once only: the second is a conflict that says what is allowed now (nothing) */
	assert_int_equal(withdraw(&an, "Lần nữa", "yes", &r), 409);
	expect_in(&r, MSG_CANNOT);
	expect_in(&r, MSG_NOTHING_MORE);
	resp_free(&r);
	snprintf(obj, sizeof(obj), "dossier:%s", an_code);
	assert_int_equal(
		sql_int("SELECT COUNT(*) FROM audit_log WHERE action = 'dossier.withdraw' AND object = ?",
			obj),
		1);
	assert_int_equal(
		sql_int("SELECT COUNT(*) FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id "
			"WHERE d.code = ?",
			an_code),
		2);
	/* the lookup shows it withdrawn */
	snprintf(path, sizeof(path), "/tra-cuu?code=%s&check=5678", an_code);
	assert_int_equal(get_from("198.51.100.11", path, &r), 200);
	expect_in(&r, "id=\"lookup-status\">Đã rút hồ sơ</strong>");
	expect_not_in(&r, "Tôi đã làm ở nơi khác");
	resp_free(&r);
}

/* ---- papers asked for, supplied online ---- */

static void test_supply(void **state)
{
	struct http_resp r;
	struct mp m;
	struct form f = good_form();
	char loc[256], code[64], path[200], body[300];
	const char *p;
	long long events;
	(void)state;

	/* a new online dossier, and the counter asks for a clearer copy before receiving it */
	mp_form(&m, &an, &f);
	mp_good_files(&m);
	assert_int_equal(mp_post(&an, "/nop-ho-so/" PROC_ONLINE, &m, &r), 303);
	assert_non_null(resp_hdr(&r, "Location", loc, sizeof(loc)));
	resp_free(&r);
	p = strstr(loc, "/tai-khoan/ho-so/");
	assert_non_null(p);
	snprintf(code, sizeof(code), "%.*s", (int)strcspn(p + 17, "?"), p + 17);
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s/actions", code);
	snprintf(body, sizeof(body),
		 "{\"action\":\"request_supplement\",\"note\":\"Bản sao giấy tờ số 2 bị mờ, "
		 "xin gửi lại bản quét rõ hơn\"}");
	resp_init(&r);
	assert_int_equal(ts_as(&srv, &clerk, "POST", path, body, &r), 0);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	events = sql_int("SELECT nevents FROM dossiers WHERE code = ?", code);

	/* the citizen sees what is asked and a form to send it */
	snprintf(path, sizeof(path), "/tai-khoan/ho-so/%s", code);
	assert_int_equal(get_as(&an, path, &r), 200);
	expect_in(&r, "Bản sao giấy tờ số 2 bị mờ");
	expect_in(&r, "id=\"supply\"");
	resp_free(&r);
	/* another citizen cannot send papers for it */
	snprintf(path, sizeof(path), "/tai-khoan/ho-so/%s/bo-sung", code);
	buf_init(&m.b, 1 << 20);
	mp_field(&m, "csrf", binh.csrf);
	mp_file(&m, "doc1", "ban-sao.png", "image/png", png_bytes, sizeof(png_bytes));
	assert_int_equal(mp_post(&binh, path, &m, &r), 404);
	resp_free(&r);
	/* nothing attached, or a file that is not a PDF, JPEG or PNG: refused, nothing changes */
	buf_init(&m.b, 1 << 20);
	mp_field(&m, "csrf", an.csrf);
	assert_int_equal(mp_post(&an, path, &m, &r), 422);
	resp_free(&r);
	buf_init(&m.b, 1 << 20);
	mp_field(&m, "csrf", an.csrf);
	mp_file(&m, "doc1", "ban-sao.pdf", "application/pdf", "xin chao", 8);
	assert_int_equal(mp_post(&an, path, &m, &r), 422);
	resp_free(&r);
	assert_int_equal(sql_int("SELECT nevents FROM dossiers WHERE code = ?", code), events);
	assert_int_equal(sql_int("SELECT status FROM dossiers WHERE code = ?", code), 4);
	/* the clear copy: the dossier goes back to the counter */
	buf_init(&m.b, 1 << 20);
	mp_field(&m, "csrf", an.csrf);
	mp_file(&m, "doc1", "ban-sao-ro.pdf", "application/pdf", pdf_bytes, sizeof(pdf_bytes) - 1);
	assert_int_equal(mp_post(&an, path, &m, &r), 303);
	resp_free(&r);
	assert_int_equal(sql_int("SELECT status FROM dossiers WHERE code = ?", code), 1);
	assert_int_equal(sql_int("SELECT nevents FROM dossiers WHERE code = ?", code), events + 1);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM dossier_docs d JOIN dossiers x ON x.id = d.dossier_id "
				 "WHERE x.code = ? AND d.idx = 1 AND d.file_name = 'ban-sao-ro.pdf'",
				 code),
			 1);
	/* once back, there is nothing more to send */
	buf_init(&m.b, 1 << 20);
	mp_field(&m, "csrf", an.csrf);
	mp_file(&m, "doc1", "ban-sao-ro.pdf", "application/pdf", pdf_bytes, sizeof(pdf_bytes) - 1);
	assert_int_equal(mp_post(&an, path, &m, &r), 409);
	resp_free(&r);
}

/* ---- the API ---- */

static void test_api(void **state)
{
	struct http_resp r;
	struct mp m;
	char json[1200], path[200];
	long long before = dossiers();
	(void)state;

	snprintf(json, sizeof(json),
		 "{\"procedure\":\"" PROC_ONLINE "\",\"unit\":%lld,\"applicant\":{\"name\":\"" AN_NAME
		 "\",\"id_no\":\"" AN_CCCD "\",\"birth\":\"1999-05-04\",\"phone\":\"" AN_PHONE
		 "\",\"email\":\"" AN_EMAIL "\",\"address\":\"" AN_ADDRESS
		 "\"},\"representative\":null,\"pages\":3,\"copies\":2,\"note\":\"\"}",
		 (long long)ward_id);
	buf_init(&m.b, 1 << 20);
	mp_field(&m, "dossier", json);
	mp_good_files(&m);
	assert_int_equal(mp_post(&an, "/api/v1/public/dossiers", &m, &r), 201);
	expect_in(&r, "\"code\":\"" WARD_AGENCY "-");
	expect_in(&r, "\"status\":\"new\"");
	expect_in(&r, "\"channel\":\"online\"");
	resp_free(&r);
	assert_int_equal(dossiers(), before + 1);
	assert_int_equal(sql_int("SELECT fee_due FROM dossiers WHERE id = (SELECT MAX(id) FROM dossiers)",
				 NULL),
			 10000); /* 2.000 đ a page for pages 1–2, 1.000 đ from page 3: 5.000 đ a copy */

	/* a wrong field: 422 naming it, nothing made */
	snprintf(json, sizeof(json),
		 "{\"procedure\":\"" PROC_ONLINE "\",\"unit\":%lld,\"applicant\":{\"name\":\"" AN_NAME
		 "\",\"id_no\":\"" AN_CCCD "\",\"phone\":\"0123\"}}",
		 (long long)ward_id);
	buf_init(&m.b, 1 << 20);
	mp_field(&m, "dossier", json);
	mp_good_files(&m);
	assert_int_equal(mp_post(&an, "/api/v1/public/dossiers", &m, &r), 422);
	expect_in(&r, "\"applicant.phone\":\"" MSG_PHONE "\"");
	expect_in(&r, "\"message\":\"" MSG_PHONE "\"");
	resp_free(&r);
	/* a document missing */
	snprintf(json, sizeof(json),
		 "{\"procedure\":\"" PROC_ONLINE "\",\"unit\":%lld,\"applicant\":{\"name\":\"" AN_NAME
		 "\",\"id_no\":\"" AN_CCCD "\",\"phone\":\"" AN_PHONE "\"}}",
		 (long long)ward_id);
	buf_init(&m.b, 1 << 20);
	mp_field(&m, "dossier", json);
	mp_file(&m, "doc0", "a.pdf", "application/pdf", pdf_bytes, sizeof(pdf_bytes) - 1);
	assert_int_equal(mp_post(&an, "/api/v1/public/dossiers", &m, &r), 422);
	expect_in(&r, "\"doc1\":\"" MSG_MISSING "\"");
	resp_free(&r);
	/* not JSON, or no procedure */
	buf_init(&m.b, 1 << 20);
	mp_field(&m, "dossier", "not json");
	assert_int_equal(mp_post(&an, "/api/v1/public/dossiers", &m, &r), 400);
	resp_free(&r);
	buf_init(&m.b, 1 << 20);
	mp_field(&m, "dossier", "{\"procedure\":\"" PROC_OFFLINE "\",\"unit\":1,\"applicant\":{}}");
	assert_int_equal(mp_post(&an, "/api/v1/public/dossiers", &m, &r), 422);
	expect_in(&r, MSG_NOT_ONLINE);
	resp_free(&r);
	assert_int_equal(dossiers(), before + 1);

	/* without a session: 401 */
	resp_init(&r);
	assert_int_equal(http_get(&srv, "/api/v1/public/dossiers", &r), 0);
	assert_int_equal(r.status, 401);
	resp_free(&r);
	/* his list: newest first */
	assert_int_equal(get_as(&an, "/api/v1/public/dossiers", &r), 200);
	expect_in(&r, "\"total\":2");
	snprintf(path, sizeof(path), "\"code\":\"%s\"", an_code);
	assert_non_null(strstr(r.body.ptr, path));
	assert_true(strstr(r.body.ptr, "\"status\":\"new\"") < strstr(r.body.ptr, path));
	resp_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login_first),    cmocka_unit_test(test_staff_refused),
		cmocka_unit_test(test_form_prefilled), cmocka_unit_test(test_submit),
		cmocka_unit_test(test_other_citizen),  cmocka_unit_test(test_bad_uploads),
		cmocka_unit_test(test_bad_fields),     cmocka_unit_test(test_not_online),
		cmocka_unit_test(test_lookup),	       cmocka_unit_test(test_lookup_rate),
		cmocka_unit_test(test_withdraw),       cmocka_unit_test(test_api),
		cmocka_unit_test(test_supply),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
