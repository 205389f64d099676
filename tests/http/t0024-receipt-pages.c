/*
 * t0024-receipt-pages: the staff pages of electronic fee receipts as a collector and an
 * administrator use them: the list and the issue form; a standalone receipt issued through the
 * form shows its number, payer, total and the amount in words; bad input shows the form again
 * with the Vietnamese message next to the field and writes nothing; a ward clerk issues the
 * receipt of a dossier awaiting its fee from the form prefilled from the dossier, and the
 * dossier goes on; a cancellation needs a reason and keeps the number; a replacement and its
 * original link each other; the administrator opens, stops, resumes and deletes books, but not
 * a book that has receipts; staff without the power get 403, and so does every POST without
 * its CSRF token.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/timefmt.h"
#include "harness.h"
#include "store/db.h"

#define DEMO_PASSWORD	  "ThanhXuan-Demo-2026"
#define DISTRICT_OFFICE	  "100.15.00.H26" /* Bộ phận Tiếp nhận và Trả kết quả quận Thanh Xuân */
#define WARD_OFFICE	  "100.01.15.H26" /* Bộ phận Một cửa phường Nhân Chính */
#define OTHER_OFFICE	  "100.02.15.H26" /* Bộ phận Một cửa phường Thượng Đình: no book in the demo */
#define AWAITING_FEE	  "2.001035" /* the demo's ward dossier waiting for its fee */
#define FORM_TYPE	  "Content-Type: application/x-www-form-urlencoded"
#define MSG_PAYER_NAME	  "Nhập họ tên người nộp (tối đa 200 ký tự)."
#define MSG_REASON	  "Nhập lý do (từ 5 đến 500 ký tự)."
#define MSG_BOOK_IN_USE	  "Sổ đã lập biên lai, không thể xóa: hãy ngừng sử dụng."
#define MSG_ISSUED_NOTICE "Đã lập và ký số biên lai."

static struct test_server srv;
static struct ts_user collector, ward_clerk, specialist, admin;
static long long district_book, ward_book;

/* ---- helpers ---- */

/* A request as u (form body when body is not NULL); the status, the page in r (caller frees). */
static long request(const struct ts_user *u, const char *method, const char *path, const char *body,
		    struct http_resp *r)
{
	resp_init(r);
	if (ts_as(&srv, u, method, path, body, r))
		fail_msg("%s %s: no response", method, path);
	return r->status;
}

/* GET path as u: the status; the page is checked to hold every string of the NULL-ended list. */
static void page_has(const struct ts_user *u, const char *path, long want, ...)
{
	struct http_resp r;
	const char *s;
	va_list ap;
	long got = request(u, "GET", path, NULL, &r);
	if (got != want)
		fail_msg("GET %s: status %ld, wanted %ld", path, got, want);
	va_start(ap, want);
	while ((s = va_arg(ap, const char *)))
		if (!strstr(r.body.ptr, s)) {
			va_end(ap);
			fail_msg("GET %s: no \"%s\" in the page", path, s);
		}
	va_end(ap);
	resp_free(&r);
}

/* POST a form as u without the CSRF token (neither field nor header): the status. */
static long post_without_csrf(const struct ts_user *u, const char *path, const char *body)
{
	struct http_resp r;
	const char *headers[] = { u->cookie, FORM_TYPE, NULL };
	long status;
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", path, headers, body, strlen(body), &r), 0);
	status = r.status;
	resp_free(&r);
	return status;
}

/* The id in a Location "/thu-phi/bien-lai/{id}?msg=…" of a 303; the test fails without one. */
static long long receipt_location(const struct http_resp *r)
{
	char loc[256];
	long long id = 0;
	if (r->status != 303 || !resp_hdr(r, "Location", loc, sizeof(loc)) ||
	    sscanf(loc, "/thu-phi/bien-lai/%lld", &id) != 1 || id <= 0)
		fail_msg("no redirect to a receipt (status %ld): %.400s", r->status,
			 r->body.ptr ? r->body.ptr : "");
	return id;
}

static long long receipts_count(void)
{
	return ts_sql_int(&srv, "SELECT COUNT(*) FROM receipts", NULL, 0, 0);
}

static long long audit_count(const char *action, const char *object_kind, long long id)
{
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "SELECT COUNT(*) FROM audit_log WHERE action = '%s' AND object = '%s:%lld'", action,
		 object_kind, id);
	return ts_sql_int(&srv, sql, NULL, 0, 0);
}

/* The receipt's 7-digit number as printed. */
static void number_of(long long id, char out[16])
{
	long long n = ts_sql_int(&srv, "SELECT number FROM receipts WHERE id = ?", "i", id, 0);
	assert_true(n > 0);
	snprintf(out, 16, "%07lld", n);
}

/* Issue a standalone receipt of 50.000 đồng for `payer` through the form; its id. */
static long long issue_simple(const struct ts_user *u, long long book, const char *payer)
{
	char bookid[24];
	char *body;
	struct http_resp r;
	long long id;
	snprintf(bookid, sizeof(bookid), "%lld", book);
	body = ts_form(u, "book", bookid, "dossier", "", "payer_name", payer, "payer_address",
		       "Số 9 Khuất Duy Tiến, Thanh Xuân, Hà Nội", "method", "cash", "line0_name", "Lệ phí",
		       "line0_quantity", "1", "line0_amount", "50.000", NULL);
	request(u, "POST", "/thu-phi/lap", body, &r);
	id = receipt_location(&r);
	resp_free(&r);
	free(body);
	return id;
}

static int setup(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ts_init(&srv) || ts_demo(&srv) || ts_launch(&srv, NULL, NULL))
		return -1;
	if (ts_login(&srv, "thuphi", DEMO_PASSWORD, &collector) != 201 ||
	    ts_login(&srv, "motcua.nhanchinh", DEMO_PASSWORD, &ward_clerk) != 201 ||
	    ts_login(&srv, "chuyenvien", DEMO_PASSWORD, &specialist) != 201 ||
	    ts_login(&srv, "quantri", DEMO_PASSWORD, &admin) != 201)
		return -1;
	district_book = ts_sql_int(&srv,
				   "SELECT b.id FROM receipt_books b JOIN units u ON u.id = b.unit_id WHERE "
				   "u.agency_code = '" DISTRICT_OFFICE "'",
				   NULL, 0, 0);
	ward_book = ts_sql_int(
		&srv,
		"SELECT b.id FROM receipt_books b JOIN units u ON u.id = b.unit_id WHERE u.agency_code = "
		"'" WARD_OFFICE "'",
		NULL, 0, 0);
	return district_book > 0 && ward_book > 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	int rc = ts_stop(&srv);
	curl_global_cleanup();
	return rc;
}

/* ---- the collector ---- */

static void list_and_form(void **state)
{
	char option[64];
	(void)state;
	page_has(&collector, "/thu-phi", 200, "Biên lai thu phí, lệ phí", "href=\"/thu-phi/lap\"",
		 "Lập biên lai", "Số biên lai tìm thấy", NULL);
	/* the form: his only book chosen, five rows in view and the rest up to 20 behind "more lines" */
	snprintf(option, sizeof(option), "<option value=\"%lld\" selected>", district_book);
	page_has(&collector, "/thu-phi/lap", 200, option, "id=\"payer_name\"", "id=\"method-cash\"",
		 "id=\"line4_name\"", "Thêm dòng (tối đa 20)", "id=\"line19_amount\"", "name=\"csrf\"", NULL);
	/* a filter that is not a date is said so next to the field */
	page_has(&collector, "/thu-phi?from=27/11/2026", 400, "id=\"from-error\"", "aria-invalid=\"true\"",
		 "Nhập ngày, ví dụ 27/11/2026.", NULL);
}

static void issue_standalone(void **state)
{
	char bookid[24], number[16], path[128], query[160];
	char *body;
	struct http_resp r;
	long long before = receipts_count(), id;
	(void)state;

	snprintf(bookid, sizeof(bookid), "%lld", district_book);
	body = ts_form(&collector, "book", bookid, "dossier", "", "payer_name", "Nguyễn Văn Bình",
		       "payer_address", "Số 9 Khuất Duy Tiến, Thanh Xuân, Hà Nội", "payer_tax_code", "",
		       "payer_id_no", "001090012345", "method", "cash", "line0_name",
		       "Lệ phí chứng thực bản sao", "line0_quantity", "3", "line0_amount", "15.000",
		       "line1_name", "Phí cung cấp thông tin", "line1_quantity", "1", "line1_amount", "30000",
		       "line2_name", "", "line2_quantity", "1", "line2_amount", "", NULL);
	request(&collector, "POST", "/thu-phi/lap", body, &r);
	free(body);
	id = receipt_location(&r);
	resp_free(&r);
	assert_int_equal(receipts_count(), before + 1);
	assert_int_equal(ts_sql_int(&srv, "SELECT total FROM receipts WHERE id = ?", "i", id, 0), 75000);
	assert_int_equal(
		ts_sql_int(&srv, "SELECT COUNT(*) FROM receipt_lines WHERE receipt_id = ?", "i", id, 0), 2);
	assert_int_equal(audit_count("receipt.issue", "receipt", id), 1);

	/* the receipt's page: what the payer's copy says, and its links */
	number_of(id, number);
	snprintf(path, sizeof(path), "/thu-phi/bien-lai/%lld?msg=issued", id);
	page_has(&collector, path, 200, MSG_ISSUED_NOTICE, number, "Nguyễn Văn Bình", "75.000",
		 "Bảy mươi lăm nghìn đồng", "Lệ phí chứng thực bản sao", "15.000", "45.000", "/pdf\"",
		 "/xml\"", "Chữ ký số hợp lệ", "Hủy biên lai", "/thay-the\"", NULL);
	/* and the list finds it by the payer's name and by its number, linked */
	snprintf(path, sizeof(path), "href=\"/thu-phi/bien-lai/%lld\"", id);
	page_has(&collector, "/thu-phi?q=Nguy%E1%BB%85n%20V%C4%83n%20B%C3%ACnh", 200, path, number, "75.000",
		 "Tiền mặt", NULL);
	snprintf(query, sizeof(query), "/thu-phi?q=%s&status=issued", number);
	page_has(&collector, query, 200, path, NULL);
	snprintf(query, sizeof(query), "/thu-phi?q=%s&status=cancelled", number);
	{
		struct http_resp l;
		assert_int_equal(request(&collector, "GET", query, NULL, &l), 200);
		assert_null(strstr(l.body.ptr, path));
		resp_free(&l);
	}
}

static void bad_input_writes_nothing(void **state)
{
	char bookid[24], number[16];
	char *body;
	struct http_resp r;
	long long before = receipts_count(), last, id;
	(void)state;

	last = ts_sql_int(&srv, "SELECT COALESCE(MAX(number), 0) FROM receipts WHERE book_id = ?", "i",
			  district_book, 0);
	snprintf(bookid, sizeof(bookid), "%lld", district_book);
	/* no payer's name, an amount that is not one, a line without its name */
	body = ts_form(&collector, "book", bookid, "payer_name", "", "payer_address", "Số 1 Nguyễn Trãi",
		       "method", "cash", "line0_name", "Lệ phí", "line0_quantity", "1", "line0_amount", "abc",
		       "line1_name", "", "line1_quantity", "1", "line1_amount", "5000", NULL);
	assert_int_equal(request(&collector, "POST", "/thu-phi/lap", body, &r), 422);
	free(body);
	assert_non_null(strstr(r.body.ptr, MSG_PAYER_NAME));
	assert_non_null(strstr(r.body.ptr, "aria-describedby=\"payer_name-error\""));
	assert_non_null(strstr(r.body.ptr, "id=\"line0_amount-error\""));
	assert_non_null(strstr(r.body.ptr, "Nhập số tiền bằng đồng"));
	assert_non_null(strstr(r.body.ptr, "id=\"line1_name-error\""));
	assert_non_null(strstr(r.body.ptr, "href=\"#payer_name\"")); /* the summary links to the field */
	/* what was typed is kept */
	assert_non_null(strstr(r.body.ptr, "value=\"Số 1 Nguyễn Trãi\""));
	assert_non_null(strstr(r.body.ptr, "value=\"abc\""));
	resp_free(&r);
	/* no line at all */
	body = ts_form(&collector, "book", bookid, "payer_name", "Trần Văn Cường", "payer_address", "Hà Nội",
		       "method", "cash", NULL);
	assert_int_equal(request(&collector, "POST", "/thu-phi/lap", body, &r), 422);
	free(body);
	assert_non_null(strstr(r.body.ptr, "Nhập ít nhất một dòng"));
	resp_free(&r);
	/* what only the rules know (a tax code of 5 digits) comes back next to its field too */
	body = ts_form(&collector, "book", bookid, "payer_name", "Công ty TNHH An Phát", "payer_address",
		       "Hà Nội", "payer_tax_code", "12345", "method", "transfer", "line0_name",
		       "Phí thẩm định", "line0_quantity", "1", "line0_amount", "100000", NULL);
	assert_int_equal(request(&collector, "POST", "/thu-phi/lap", body, &r), 422);
	free(body);
	assert_non_null(strstr(r.body.ptr, "Mã số thuế gồm 10 chữ số"));
	assert_non_null(strstr(r.body.ptr, "aria-describedby=\"payer_tax_code-error\""));
	assert_non_null(strstr(r.body.ptr, "value=\"Công ty TNHH An Phát\""));
	resp_free(&r);
	/* a book that is not his: the ward's */
	snprintf(bookid, sizeof(bookid), "%lld", ward_book);
	body = ts_form(&collector, "book", bookid, "payer_name", "Trần Văn Cường", "payer_address", "Hà Nội",
		       "method", "cash", "line0_name", "Lệ phí", "line0_quantity", "1", "line0_amount",
		       "1000", NULL);
	assert_int_equal(request(&collector, "POST", "/thu-phi/lap", body, &r), 422);
	free(body);
	assert_non_null(strstr(r.body.ptr, "Chọn sổ biên lai."));
	resp_free(&r);

	assert_int_equal(receipts_count(), before);
	/* no number was used up */
	id = issue_simple(&collector, district_book, "Trần Văn Cường");
	number_of(id, number);
	assert_int_equal(strtoll(number, NULL, 10), last + 1);
}

static void issue_for_dossier(void **state)
{
	char code[64], applicant[256], fee_text[32], bookid[24], path[160], value[300];
	char *body;
	long long fee, id;
	struct http_resp r;
	json_t *d;
	long got;
	(void)state;

	{
		char *err = NULL;
		struct db *db = db_open(srv.db, &err);
		struct db_stmt *st;
		assert_non_null(db);
		assert_int_equal(db_query(db, &st,
					  "SELECT code, fee_due, a_name FROM dossiers WHERE status = 5 AND "
					  "procedure_code = '" AWAITING_FEE "'",
					  NULL),
				 DB_ROW);
		snprintf(code, sizeof(code), "%s", db_col_text(st, 0));
		fee = db_col_int(st, 1);
		snprintf(applicant, sizeof(applicant), "%s", db_col_text(st, 2));
		db_release_statements(db);
		db_close(db);
	}
	assert_true(fee > 0);
	num_fmt_vn(fee_text, sizeof(fee_text), fee);

	/* the form prefilled from the dossier: its applicant pays, the lines come from its fees */
	snprintf(path, sizeof(path), "/thu-phi/lap?dossier=%s", code);
	snprintf(value, sizeof(value), "value=\"%s\"", applicant);
	page_has(&ward_clerk, path, 200, value, fee_text, "lấy theo phí, lệ phí của hồ sơ", code, NULL);
	/* the district's collector does not see another office's dossier */
	assert_int_equal(request(&collector, "GET", path, NULL, &r), 404);
	assert_null(strstr(r.body.ptr, value));
	assert_non_null(strstr(r.body.ptr, "Không có hồ sơ với mã này"));
	resp_free(&r);

	snprintf(bookid, sizeof(bookid), "%lld", ward_book);
	body = ts_form(&ward_clerk, "book", bookid, "dossier", code, "payer_name", applicant, "payer_address",
		       "Phường Nhân Chính, Thanh Xuân, Hà Nội", "method", "transfer", "line0_name", "",
		       "line0_quantity", "1", "line0_amount", "", NULL);
	request(&ward_clerk, "POST", "/thu-phi/lap", body, &r);
	id = receipt_location(&r);
	resp_free(&r);
	assert_int_equal(ts_sql_int(&srv, "SELECT total FROM receipts WHERE id = ?", "i", id, 0), fee);
	snprintf(path, sizeof(path), "/thu-phi/bien-lai/%lld", id);
	page_has(&ward_clerk, path, 200, code, applicant, fee_text, "Chuyển khoản", NULL);
	/* the dossier goes on */
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", code);
	d = ts_json(&srv, &ward_clerk, "GET", path, NULL, 200, &got);
	assert_non_null(d);
	assert_string_equal(json_string_value(json_object_get(d, "status")), "processing");
	json_decref(d);
	/* a second receipt for the same fee is refused, on the form, and nothing is written */
	{
		long long before = receipts_count();
		assert_int_equal(request(&ward_clerk, "POST", "/thu-phi/lap", body, &r), 422);
		assert_non_null(strstr(r.body.ptr, "id=\"dossier-error\""));
		resp_free(&r);
		assert_int_equal(receipts_count(), before);
	}
	free(body);
	/* the district's collector may not open the ward's receipt */
	snprintf(path, sizeof(path), "/thu-phi/bien-lai/%lld", id);
	page_has(&collector, path, 403, NULL);
}

static void cancel_needs_a_reason(void **state)
{
	char path[128], number[16];
	char *body;
	struct http_resp r;
	long long id = issue_simple(&collector, district_book, "Lê Thị Dung");
	(void)state;

	number_of(id, number);
	snprintf(path, sizeof(path), "/thu-phi/bien-lai/%lld/huy", id);
	body = ts_form(&collector, "reason", "", NULL);
	assert_int_equal(request(&collector, "POST", path, body, &r), 422);
	free(body);
	assert_non_null(strstr(r.body.ptr, MSG_REASON));
	assert_non_null(strstr(r.body.ptr, "id=\"reason-error\""));
	resp_free(&r);
	assert_int_equal(ts_sql_int(&srv, "SELECT status FROM receipts WHERE id = ?", "i", id, 0), 1);

	body = ts_form(&collector, "reason", "Thu nhầm người nộp", NULL);
	request(&collector, "POST", path, body, &r);
	assert_int_equal(receipt_location(&r), id);
	resp_free(&r);
	assert_int_equal(ts_sql_int(&srv, "SELECT status FROM receipts WHERE id = ?", "i", id, 0), 2);
	assert_int_equal(audit_count("receipt.cancel", "receipt", id), 1);
	/* the number is kept; the page says cancelled and why, and offers no second cancel */
	snprintf(path, sizeof(path), "/thu-phi/bien-lai/%lld", id);
	page_has(&collector, path, 200, number, "Đã hủy", "Thu nhầm người nộp", NULL);
	assert_int_equal(request(&collector, "GET", path, NULL, &r), 200);
	assert_null(strstr(r.body.ptr, "/huy\""));
	resp_free(&r);
	snprintf(path, sizeof(path), "/thu-phi/bien-lai/%lld/huy", id);
	assert_int_equal(request(&collector, "POST", path, body, &r), 409);
	assert_non_null(strstr(r.body.ptr, "Biên lai này đã bị hủy trước đó."));
	resp_free(&r);
	free(body);
	assert_int_equal(audit_count("receipt.cancel", "receipt", id), 1);
}

static void replace_links_both(void **state)
{
	char path[128], bookid[24], orig_no[16], new_no[16], link[96];
	char *body;
	struct http_resp r;
	long long a = issue_simple(&collector, district_book, "Phạm Văn Em"), b, before;
	(void)state;

	number_of(a, orig_no);
	snprintf(bookid, sizeof(bookid), "%lld", district_book);
	/* the form comes prefilled from the receipt */
	snprintf(path, sizeof(path), "/thu-phi/bien-lai/%lld/thay-the", a);
	page_has(&collector, path, 200, "value=\"Phạm Văn Em\"", "value=\"50000\"", orig_no, "id=\"reason\"",
		 NULL);
	/* without a reason: refused, nothing changes */
	before = receipts_count();
	body = ts_form(&collector, "book", bookid, "payer_name", "Phạm Văn Em", "payer_address",
		       "Số 1 Nguyễn Trãi", "method", "cash", "line0_name", "Lệ phí", "line0_quantity", "1",
		       "line0_amount", "50000", "reason", "", NULL);
	assert_int_equal(request(&collector, "POST", path, body, &r), 422);
	free(body);
	assert_non_null(strstr(r.body.ptr, MSG_REASON));
	resp_free(&r);
	assert_int_equal(receipts_count(), before);
	assert_int_equal(ts_sql_int(&srv, "SELECT status FROM receipts WHERE id = ?", "i", a, 0), 1);

	body = ts_form(&collector, "book", bookid, "payer_name", "Phạm Văn Em", "payer_address",
		       "Số 1 Nguyễn Trãi", "method", "cash", "line0_name", "Lệ phí", "line0_quantity", "1",
		       "line0_amount", "50000", "reason", "Sai địa chỉ người nộp", NULL);
	request(&collector, "POST", path, body, &r);
	free(body);
	b = receipt_location(&r);
	resp_free(&r);
	assert_true(b != a);
	number_of(b, new_no);
	assert_string_not_equal(new_no, orig_no);
	assert_int_equal(audit_count("receipt.cancel", "receipt", a), 1);
	assert_int_equal(audit_count("receipt.replace", "receipt", b), 1);
	/* each shows the other, linked */
	snprintf(path, sizeof(path), "/thu-phi/bien-lai/%lld", b);
	snprintf(link, sizeof(link), "href=\"/thu-phi/bien-lai/%lld\"", a);
	page_has(&collector, path, 200, "Biên lai này thay thế cho biên lai số", link, orig_no,
		 "Số 1 Nguyễn Trãi", NULL);
	snprintf(path, sizeof(path), "/thu-phi/bien-lai/%lld", a);
	snprintf(link, sizeof(link), "href=\"/thu-phi/bien-lai/%lld\"", b);
	page_has(&collector, path, 200, "Đã hủy", "Sai địa chỉ người nộp", link, new_no, NULL);
	/* a cancelled receipt has no replacement form */
	snprintf(path, sizeof(path), "/thu-phi/bien-lai/%lld/thay-the", a);
	page_has(&collector, path, 409, "Biên lai này đã bị hủy trước đó.", NULL);
}

/* ---- the administrator's books ---- */

static void books_admin(void **state)
{
	char path[96], unit[24], year[8], series[8], series_b[8], series_c[8], delete_used[96];
	char *body;
	struct http_resp r;
	long long books, x, y;
	struct civil c;
	(void)state;

	time_to_civil((int64_t)time(NULL), VN_UTC_OFFSET, &c);
	snprintf(year, sizeof(year), "%d", c.year);
	snprintf(series, sizeof(series), "AA-%02dE", c.year % 100);
	snprintf(series_b, sizeof(series_b), "AB-%02dE", c.year % 100);
	snprintf(series_c, sizeof(series_c), "AC-%02dE", c.year % 100);
	snprintf(unit, sizeof(unit), "%lld",
		 ts_sql_int(&srv, "SELECT id FROM units WHERE agency_code = '" OTHER_OFFICE "'", NULL, 0, 0));
	/* the list with its defaults */
	page_has(&admin, "/quan-tri/so-bien-lai", 200, "Sổ biên lai", series, "value=\"01BLP0-001\"",
		 "Bộ phận Một cửa phường Nhân Chính", "Mở sổ biên lai", NULL);
	books = ts_sql_int(&srv, "SELECT COUNT(*) FROM receipt_books", NULL, 0, 0);

	/* a bad series: said next to it, nothing written */
	body = ts_form(&admin, "unit", unit, "template", "01BLP0-001", "series", "AB-99X", "year", year,
		       NULL);
	assert_int_equal(request(&admin, "POST", "/quan-tri/so-bien-lai", body, &r), 422);
	free(body);
	assert_non_null(strstr(r.body.ptr, "Ký hiệu có dạng AA-26E"));
	assert_non_null(strstr(r.body.ptr, "aria-describedby=\"series-hint series-error\""));
	assert_non_null(strstr(r.body.ptr, "value=\"AB-99X\""));
	resp_free(&r);
	assert_int_equal(ts_sql_int(&srv, "SELECT COUNT(*) FROM receipt_books", NULL, 0, 0), books);

	/* the office has this year's AA book already: refused, said so */
	body = ts_form(&admin, "unit", unit, "template", "01BLP0-001", "series", series, "year", year, NULL);
	assert_int_equal(request(&admin, "POST", "/quan-tri/so-bien-lai", body, &r), 409);
	free(body);
	assert_non_null(strstr(r.body.ptr, "aria-describedby=\"series-hint series-error\""));
	assert_non_null(strstr(r.body.ptr, "Đơn vị đã có sổ biên lai với mẫu số, ký hiệu và năm này."));
	resp_free(&r);
	assert_int_equal(ts_sql_int(&srv, "SELECT COUNT(*) FROM receipt_books", NULL, 0, 0), books);
	/* a new book for Thượng Đình's office, in lower case: symbols are written in capitals */
	body = ts_form(&admin, "unit", unit, "template", "01blp0-001", "series", series_b, "year", year,
		       NULL);
	assert_int_equal(request(&admin, "POST", "/quan-tri/so-bien-lai", body, &r), 303);
	free(body);
	resp_free(&r);
	x = ts_sql_int(&srv, "SELECT MAX(id) FROM receipt_books", NULL, 0, 0);
	assert_int_equal(ts_sql_int(&srv, "SELECT unit_id FROM receipt_books WHERE id = ?", "i", x, 0),
			 strtoll(unit, NULL, 10));
	assert_int_equal(audit_count("receipt_book.create", "receipt_book", x), 1);
	assert_int_equal(ts_sql_int(&srv,
				    "SELECT COUNT(*) FROM receipt_books WHERE id = ? AND template_code = "
				    "'01BLP0-001'",
				    "i", x, 0),
			 1);
	page_has(&admin, "/quan-tri/so-bien-lai?msg=created", 200, "Đã mở sổ biên lai.", series_b, NULL);

	/* stop it, then use it again */
	snprintf(path, sizeof(path), "/quan-tri/so-bien-lai/%lld", x);
	body = ts_form(&admin, "action", "stop", NULL);
	assert_int_equal(request(&admin, "POST", path, body, &r), 303);
	free(body);
	resp_free(&r);
	assert_int_equal(ts_sql_int(&srv, "SELECT active FROM receipt_books WHERE id = ?", "i", x, 0), 0);
	assert_int_equal(audit_count("receipt_book.stop", "receipt_book", x), 1);
	page_has(&admin, "/quan-tri/so-bien-lai", 200, "Đã ngừng sử dụng", "value=\"resume\"", NULL);
	body = ts_form(&admin, "action", "resume", NULL);
	assert_int_equal(request(&admin, "POST", path, body, &r), 303);
	free(body);
	resp_free(&r);
	assert_int_equal(ts_sql_int(&srv, "SELECT active FROM receipt_books WHERE id = ?", "i", x, 0), 1);

	/* a used book cannot be deleted: the page says why, and it stays */
	snprintf(delete_used, sizeof(delete_used), "/quan-tri/so-bien-lai/%lld", district_book);
	body = ts_form(&admin, "action", "delete", NULL);
	assert_int_equal(request(&admin, "POST", delete_used, body, &r), 409);
	free(body);
	assert_non_null(strstr(r.body.ptr, MSG_BOOK_IN_USE));
	resp_free(&r);
	assert_int_equal(ts_sql_int(&srv, "SELECT COUNT(*) FROM receipt_books WHERE id = ?", "i",
				    district_book, 0),
			 1);
	/* an unused one can */
	body = ts_form(&admin, "unit", unit, "template", "01BLP0-001", "series", series_c, "year", year,
		       NULL);
	assert_int_equal(request(&admin, "POST", "/quan-tri/so-bien-lai", body, &r), 303);
	free(body);
	resp_free(&r);
	y = ts_sql_int(&srv, "SELECT MAX(id) FROM receipt_books", NULL, 0, 0);
	assert_true(y > x);
	snprintf(path, sizeof(path), "/quan-tri/so-bien-lai/%lld", y);
	body = ts_form(&admin, "action", "delete", NULL);
	assert_int_equal(request(&admin, "POST", path, body, &r), 303);
	free(body);
	resp_free(&r);
	assert_int_equal(ts_sql_int(&srv, "SELECT COUNT(*) FROM receipt_books WHERE id = ?", "i", y, 0), 0);
	assert_int_equal(audit_count("receipt_book.delete", "receipt_book", y), 1);
	/* the collector does not manage books */
	page_has(&collector, "/quan-tri/so-bien-lai", 403, NULL);
}

/* ---- who may not ---- */

static void forbidden_and_csrf(void **state)
{
	char path[128], bookid[24];
	char *body;
	struct http_resp r;
	long long id = issue_simple(&collector, district_book, "Hoàng Văn Giang"), before, books;
	(void)state;

	/* a specialist does not collect fees */
	page_has(&specialist, "/thu-phi", 403, NULL);
	page_has(&specialist, "/thu-phi/lap", 403, NULL);
	snprintf(path, sizeof(path), "/thu-phi/bien-lai/%lld", id);
	page_has(&specialist, path, 403, NULL);
	page_has(&specialist, "/quan-tri/so-bien-lai", 403, NULL);
	before = receipts_count();
	snprintf(bookid, sizeof(bookid), "%lld", district_book);
	body = ts_form(&specialist, "book", bookid, "payer_name", "Hoàng Văn Giang", "payer_address",
		       "Hà Nội", "method", "cash", "line0_name", "Lệ phí", "line0_quantity", "1",
		       "line0_amount", "1000", NULL);
	assert_int_equal(request(&specialist, "POST", "/thu-phi/lap", body, &r), 403);
	free(body);
	resp_free(&r);
	snprintf(path, sizeof(path), "/thu-phi/bien-lai/%lld/huy", id);
	body = ts_form(&specialist, "reason", "Không có quyền hủy", NULL);
	assert_int_equal(request(&specialist, "POST", path, body, &r), 403);
	free(body);
	resp_free(&r);

	/* every POST without its CSRF token: 403, nothing changes */
	books = ts_sql_int(&srv, "SELECT COUNT(*) FROM receipt_books", NULL, 0, 0);
	{
		char issue[512], book_post[64];
		snprintf(
			issue, sizeof(issue),
			"book=%s&payer_name=An&payer_address=H%%C3%%A0%%20N%%E1%%BB%%99i&method=cash&line0_name=L%%E1%%BB%%87"
			"%%20ph%%C3%%AD&line0_quantity=1&line0_amount=1000",
			bookid);
		assert_int_equal(post_without_csrf(&collector, "/thu-phi/lap", issue), 403);
		snprintf(path, sizeof(path), "/thu-phi/bien-lai/%lld/huy", id);
		assert_int_equal(post_without_csrf(&collector, path, "reason=Thu%20nh%E1%BA%A7m"), 403);
		snprintf(path, sizeof(path), "/thu-phi/bien-lai/%lld/thay-the", id);
		assert_int_equal(post_without_csrf(&collector, path, issue), 403);
		assert_int_equal(post_without_csrf(&admin, "/quan-tri/so-bien-lai",
						   "unit=1&template=01BLP0-009&series=AA-26E&year=2026"),
				 403);
		snprintf(book_post, sizeof(book_post), "/quan-tri/so-bien-lai/%lld", district_book);
		assert_int_equal(post_without_csrf(&admin, book_post, "action=stop"), 403);
	}
	assert_int_equal(receipts_count(), before);
	assert_int_equal(ts_sql_int(&srv, "SELECT status FROM receipts WHERE id = ?", "i", id, 0), 1);
	assert_int_equal(ts_sql_int(&srv, "SELECT COUNT(*) FROM receipt_books", NULL, 0, 0), books);
	assert_int_equal(
		ts_sql_int(&srv, "SELECT active FROM receipt_books WHERE id = ?", "i", district_book, 0), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_and_form),
		cmocka_unit_test(issue_standalone),
		cmocka_unit_test(bad_input_writes_nothing),
		cmocka_unit_test(issue_for_dossier),
		cmocka_unit_test(cancel_needs_a_reason),
		cmocka_unit_test(replace_links_both),
		cmocka_unit_test(books_admin),
		cmocka_unit_test(forbidden_and_csrf),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("tests", tests, setup, teardown);
}
