/*
 * t0032-doc-incoming: incoming documents (văn bản đến). The district's records clerk registers
 * documents (page with a scan, and API) and each takes the next arrival number of the year at the
 * agency, with no gap or repeat when eight register at once; the arrival date's year decides the
 * number's year (31/12 and 01/01); bad input comes back with the Vietnamese message by the field
 * and nothing written; the same sender, symbol and date twice is refused with a link to the first.
 * The district's leader assigns a document to Phòng Tư pháp with a coordinating unit, its head
 * reads and forwards it to his specialist, who finishes it with the reply linked; on-time and late
 * finishes are counted; a specialist cannot assign; a department sees only what was assigned to it,
 * another department and a ward see nothing (404), and a secret document is hidden from a member
 * of the unit it went to until he is named. The incoming register has the columns of Decree
 * 30/2020 appendix IV as a page, JSON, PDF and XLSX; search ignores tones; reminders go once; the
 * demo has its documents.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/timefmt.h"
#include "features/doc_incoming.h"
#include "features/doc_stats.h"
#include "harness.h"
#include "rules/document.h"
#include "store/db.h"

#define DEMO_PASSWORD "ThanhXuan-Demo-2026"
#define DISTRICT      "000.00.15.H26"
#define WARD	      "000.01.15.H26"
#define TP	      "002.15.00.H26" /* Phòng Tư pháp */
#define QLDT	      "003.15.00.H26" /* Phòng Quản lý đô thị */
#define API	      "/api/v1/documents/incoming"

#define MSG_FIX	    "Vui lòng sửa các mục được đánh dấu dưới đây."
#define MSG_SUMMARY "Vui lòng nhập trích yếu nội dung văn bản."
#define MSG_SYMBOL  "Vui lòng nhập số, ký hiệu đúng như trên văn bản"
#define MSG_FUTURE  "Ngày đến không được sau ngày hôm nay."
#define MSG_DOCDATE "Ngày tháng văn bản không được sau ngày đến."
#define MSG_TYPE    "Vui lòng chọn loại văn bản."
#define MSG_SENDER  "Vui lòng nhập cơ quan, tổ chức ban hành văn bản."
#define MSG_DUP	    "Văn bản này đã được vào sổ"
#define MSG_NO_LEAD "Vui lòng chọn đơn vị hoặc người chủ trì xử lý văn bản."

static struct test_server srv;
static struct db *db;
static struct ts_user clerk, leader, head, specialist, editor, ward_leader;
static int64_t district_id, ward_id, tp_id, qldt_id, specialist_id, head_id;
static int year_now;
static char today[16];

/* ---- helpers ---- */

static long req(const struct ts_user *u, const char *method, const char *path, const char *body,
		struct http_resp *r)
{
	resp_init(r);
	if (ts_as(&srv, u, method, path, body, r))
		fail_msg("%s %s: no response", method, path);
	return r->status;
}

static void expect_in(const struct http_resp *r, const char *text)
{
	if (!r->body.ptr || !strstr(r->body.ptr, text))
		fail_msg("\"%s\" is not in the page (status %ld)", text, r->status);
}

static void expect_not_in(const struct http_resp *r, const char *text)
{
	if (r->body.ptr && strstr(r->body.ptr, text))
		fail_msg("\"%s\" is in the page", text);
}

static json_t *api(const struct ts_user *u, const char *method, const char *path, const char *body, long want)
{
	long got = 0;
	json_t *j = ts_json(&srv, u, method, path, body, want, &got);
	if (got != want)
		fail_msg("%s %s: status %ld, wanted %ld", method, path, got, want);
	return j;
}

static long long sql1(const char *sql, int64_t a)
{
	return ts_sql_int(&srv, sql, "i", a, 0);
}

static long long docs_of(int64_t agency)
{
	return sql1("SELECT COUNT(*) FROM doc_incoming WHERE agency_id = ?", agency);
}

static long long stat(int kind)
{
	return ts_sql_int(&srv, "SELECT COALESCE(SUM(n), 0) FROM doc_stats WHERE agency_id = ? AND kind = ?",
			  "ii", district_id, kind);
}

static int64_t today_ymd(void)
{
	struct civil c;
	time_to_civil((int64_t)time(NULL), VN_UTC_OFFSET, &c);
	return c.year * 10000 + c.month * 100 + c.day;
}

static void login(const char *user, struct ts_user *u)
{
	assert_int_equal(ts_login(&srv, user, DEMO_PASSWORD, u), 201);
}

/* A registration's JSON (the district's clerk), with `extra` members appended ("" for none). */
static char *reg_body(const char *sender, const char *symbol, const char *date, const char *summary,
		      const char *extra)
{
	char *s = NULL;
	if (asprintf(&s,
		     "{\"sender\":\"%s\",\"symbol\":\"%s\",\"date\":\"%s\",\"type\":\"cong-van\","
		     "\"summary\":\"%s\"%s%s}",
		     sender, symbol, date, summary, *extra ? "," : "", extra) < 0)
		abort();
	return s;
}

/* Register through the API; the new document's id (201 expected). */
static int64_t reg(const char *sender, const char *symbol, const char *summary, const char *extra)
{
	char *body = reg_body(sender, symbol, today, summary, extra);
	json_t *j = api(&clerk, "POST", API, body, 201);
	int64_t id = json_integer_value(json_object_get(j, "id"));
	free(body);
	json_decref(j);
	assert_true(id > 0);
	return id;
}

static json_t *act(const struct ts_user *u, int64_t id, const char *body, long want)
{
	char path[96];
	snprintf(path, sizeof(path), API "/%lld/actions", (long long)id);
	return api(u, "POST", path, body, want);
}

static long get_status(const struct ts_user *u, const char *fmt, int64_t id)
{
	struct http_resp r;
	char path[128];
	long st;
	snprintf(path, sizeof(path), fmt, (long long)id);
	st = req(u, "GET", path, NULL, &r);
	resp_free(&r);
	return st;
}

/* Whether the list (API, all queues) of u holds document id. */
static int listed(const struct ts_user *u, const char *query, int64_t id)
{
	char path[256];
	json_t *j, *v;
	size_t i;
	int found = 0;
	snprintf(path, sizeof(path), API "?per_page=100%s", query);
	j = api(u, "GET", path, NULL, 200);
	json_array_foreach(json_object_get(j, "documents"), i, v)
		found |= json_integer_value(json_object_get(v, "id")) == id;
	json_decref(j);
	return found;
}

/* The recipient row id of document `doc` for a unit or an account. */
static int64_t rcpt_of(int64_t doc, int64_t unit, int64_t account)
{
	return unit ? ts_sql_int(&srv, "SELECT id FROM doc_in_recipients WHERE doc_id = ? AND unit_id = ?",
				 "ii", doc, unit)
		    : ts_sql_int(&srv, "SELECT id FROM doc_in_recipients WHERE doc_id = ? AND account_id = ?",
				 "ii", doc, account);
}

/* A multipart POST of the registration form as u, with a file part when `file` is not NULL. */
static long post_form(const struct ts_user *u, const char *const *fields, const char *file, size_t file_len,
		      const char *file_name, struct http_resp *r)
{
	const char *bnd = "motcuaTestBoundary7MA4YWxk";
	struct buf b = BUF_INIT;
	char ct[128];
	const char *headers[4];
	buf_addf(&b, "--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n", bnd, u->csrf);
	for (size_t i = 0; fields[i]; i += 2)
		buf_addf(&b, "--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n", bnd,
			 fields[i], fields[i + 1]);
	if (file) {
		buf_addf(
			&b,
			"--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\nContent-Type: "
			"application/pdf\r\n\r\n",
			bnd, file_name);
		buf_add(&b, file, file_len);
		buf_adds(&b, "\r\n");
	}
	buf_addf(&b, "--%s--\r\n", bnd);
	snprintf(ct, sizeof(ct), "Content-Type: multipart/form-data; boundary=%s", bnd);
	headers[0] = u->cookie;
	headers[1] = u->token;
	headers[2] = ct;
	headers[3] = NULL;
	resp_init(r);
	if (http_req(&srv, "POST", "/van-ban/den", headers, b.ptr, b.len, r))
		fail_msg("POST /van-ban/den: no response");
	buf_release(&b);
	return r->status;
}

static const char pdf_scan[] = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
			       "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
			       "trailer << /Root 1 0 R >>\n%%EOF\n";

/* ---- setup ---- */

static int setup(void **state)
{
	char *err = NULL;
	struct civil c;
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ts_init(&srv) || ts_demo(&srv) || ts_launch(&srv, NULL, NULL))
		return -1;
	db = db_open(srv.db, &err);
	if (!db) {
		fprintf(stderr, "db_open: %s\n", err ? err : "?");
		return -1;
	}
	time_to_civil((int64_t)time(NULL), VN_UTC_OFFSET, &c);
	year_now = c.year;
	snprintf(today, sizeof(today), "%04d-%02d-%02d", c.year, c.month, c.day);
	district_id = ts_unit_id(db, DISTRICT);
	ward_id = ts_unit_id(db, WARD);
	tp_id = ts_unit_id(db, TP);
	qldt_id = ts_unit_id(db, QLDT);
	specialist_id = ts_account_id(db, "chuyenvien");
	head_id = ts_account_id(db, "truongphong");
	login("vanthu", &clerk);
	login("lanhdao", &leader);
	login("truongphong", &head);
	login("chuyenvien", &specialist);
	login("bientap", &editor); /* Phòng Văn hóa và Thông tin */
	login("chutich.nhanchinh", &ward_leader);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	db_close(db);
	ts_stop(&srv);
	curl_global_cleanup();
	return 0;
}

/* ---- registering ---- */

/* The form with a scan: the next number, the file kept and served, the statistics and the audit. */
static void register_page(void **state)
{
	struct http_resp r;
	char loc[128], path[128], h[256];
	long long before = docs_of(district_id), in_before = stat(DOC_STAT_IN);
	long long last = ts_sql_int(
		&srv, "SELECT MAX(arrival_no) FROM doc_incoming WHERE agency_id = ? AND arrival_year = ?",
		"ii", district_id, year_now);
	const char *fields[] = { "sender",    "Sở Nội vụ thành phố Hà Nội",
				 "symbol",    "2301/SNV-CCVC",
				 "doc_date",  today,
				 "type",      "cong-van",
				 "summary",   "V/v tuyển dụng công chức cấp xã năm 2027",
				 "urgency",   "khan",
				 "reply_due", today,
				 "pages",     "3",
				 NULL };
	int64_t id;
	(void)state;
	assert_int_equal(req(&clerk, "GET", "/van-ban/den/them", NULL, &r), 200);
	expect_in(&r, "Vào sổ văn bản đến");
	expect_in(&r, "Trích yếu nội dung");
	resp_free(&r);
	assert_int_equal(post_form(&clerk, fields, pdf_scan, sizeof(pdf_scan) - 1, "cv-2301.pdf", &r), 303);
	assert_non_null(resp_hdr(&r, "Location", loc, sizeof(loc)));
	resp_free(&r);
	assert_int_equal(strncmp(loc, "/van-ban/den/", 13), 0);
	id = strtoll(loc + 13, NULL, 10);
	assert_true(id > 0);
	assert_int_equal(docs_of(district_id), before + 1);
	assert_int_equal(sql1("SELECT arrival_no FROM doc_incoming WHERE id = ?", id), last + 1);
	assert_int_equal(sql1("SELECT urgency FROM doc_incoming WHERE id = ?", id), DOC_URGENCY_URGENT);
	assert_int_equal(stat(DOC_STAT_IN), in_before + 1);
	assert_int_equal(
		ts_sql_int(&srv, "SELECT COUNT(*) FROM audit_log WHERE action = 'document.incoming.register'",
			   NULL, 0, 0) >= 1,
		1);
	/* its page, with the file and the notice */
	assert_int_equal(req(&clerk, "GET", loc, NULL, &r), 200);
	expect_in(&r, "Đã vào sổ văn bản đến.");
	expect_in(&r, "2301/SNV-CCVC");
	expect_in(&r, "cv-2301.pdf");
	resp_free(&r);
	/* the text of the scan is asked for */
	assert_int_equal(
		ts_sql_int(
			&srv,
			"SELECT COUNT(*) FROM doc_texts WHERE sha = (SELECT file_sha FROM doc_incoming WHERE id = ?)",
			"i", id, 0),
		1);
	snprintf(path, sizeof(path), "/van-ban/den/%lld/tep", (long long)id);
	assert_int_equal(req(&clerk, "GET", path, NULL, &r), 200);
	assert_int_equal(r.body.len, sizeof(pdf_scan) - 1);
	assert_memory_equal(r.body.ptr, pdf_scan, sizeof(pdf_scan) - 1);
	assert_non_null(resp_hdr(&r, "Content-Disposition", h, sizeof(h)));
	assert_non_null(strstr(h, "attachment"));
	resp_free(&r);
	/* a department that got nothing does not get the file either */
	assert_int_equal(get_status(&editor, "/van-ban/den/%lld/tep", id), 404);
	assert_int_equal(get_status(&editor, API "/%lld/file", id), 404);
}

/* Every field checked, the Vietnamese message by it, nothing written. */
static void register_validation(void **state)
{
	struct http_resp r;
	long long before = docs_of(district_id);
	const char *bad[] = { "sender",	  "",		"symbol",	"không có số",
			      "doc_date", "2099-01-01", "arrived_date", "2099-01-01",
			      "type",	  "",		"summary",	"",
			      NULL };
	const char *txt[] = { "sender",	  "UBND thành phố Hà Nội",
			      "symbol",	  "12/UBND",
			      "doc_date", today,
			      "type",	  "cong-van",
			      "summary",  "V/v thử tệp",
			      NULL };
	const char *late_date[] = { "sender",	"UBND thành phố Hà Nội",
				    "doc_date", "2099-01-01",
				    "type",	"cong-van",
				    "summary",	"V/v văn bản ghi ngày sau ngày đến",
				    NULL };
	json_t *j, *f;
	(void)state;
	assert_int_equal(post_form(&clerk, bad, NULL, 0, NULL, &r), 422);
	expect_in(&r, MSG_FIX);
	expect_in(&r, MSG_SENDER);
	expect_in(&r, MSG_SYMBOL);
	expect_in(&r, MSG_FUTURE);
	expect_in(&r, MSG_TYPE);
	expect_in(&r, MSG_SUMMARY);
	expect_in(&r, "không có số"); /* what was typed comes back */
	resp_free(&r);
	assert_int_equal(post_form(&clerk, late_date, NULL, 0, NULL, &r), 422);
	expect_in(&r, MSG_DOCDATE);
	resp_free(&r);
	/* a file that is not a PDF, JPEG or PNG, whatever its name says */
	assert_int_equal(post_form(&clerk, txt, "hello, this is text", 19, "scan.pdf", &r), 422);
	expect_in(&r, "Bản quét phải là tệp PDF, JPEG hoặc PNG.");
	resp_free(&r);
	/* the API: 422 with the fields */
	j = api(&clerk, "POST", API,
		"{\"sender\":\"\",\"symbol\":\"x\",\"date\":\"31/02/2026\",\"type\":\"khong-co\",\"summary\":\"ab\",\"urgency\":\"rat-gap\"}",
		422);
	f = json_object_get(json_object_get(j, "error"), "fields");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "code")),
			    "invalid");
	assert_non_null(json_object_get(f, "sender"));
	assert_non_null(json_object_get(f, "symbol"));
	assert_non_null(json_object_get(f, "date") ? json_object_get(f, "date")
						   : json_object_get(f, "doc_date"));
	assert_non_null(json_object_get(f, "type"));
	assert_non_null(json_object_get(f, "summary"));
	assert_non_null(json_object_get(f, "urgency"));
	json_decref(j);
	assert_int_equal(docs_of(district_id), before);
	/* only a records clerk registers */
	json_decref(api(
		&specialist, "POST", API,
		"{\"sender\":\"Bộ Tư pháp\",\"symbol\":\"1/BTP\",\"date\":\"2026-01-02\",\"type\":\"cong-van\",\"summary\":\"V/v không được vào sổ\"}",
		403));
	assert_int_equal(get_status(&leader, "/van-ban/den/them%.0lld", 0), 403);
	assert_int_equal(docs_of(district_id), before);
}

/* The same sender, symbol and date: refused, with a link to the first. */
static void duplicate_refused(void **state)
{
	struct http_resp r;
	int64_t first = reg("Bộ Tư pháp", "3344/BTP-HTQTCT", "V/v hướng dẫn đăng ký hộ tịch trực tuyến", "");
	long long before = docs_of(district_id);
	char *body = reg_body("BỘ TƯ PHÁP", "3344/btp-htqtct", today,
			      "V/v hướng dẫn đăng ký hộ tịch trực tuyến", "");
	json_t *j = api(&clerk, "POST", API, body, 409), *e = json_object_get(j, "error");
	char want[64];
	const char *fields[] = { "sender",   "Bộ Tư pháp",
				 "symbol",   "3344/BTP-HTQTCT",
				 "doc_date", today,
				 "type",     "cong-van",
				 "summary",  "V/v hướng dẫn đăng ký hộ tịch trực tuyến",
				 NULL };
	(void)state;
	assert_string_equal(json_string_value(json_object_get(e, "code")), "duplicate");
	assert_int_equal(json_integer_value(json_object_get(e, "existing_id")), first);
	json_decref(j);
	free(body);
	assert_int_equal(post_form(&clerk, fields, NULL, 0, NULL, &r), 409);
	expect_in(&r, MSG_DUP);
	snprintf(want, sizeof(want), "href=\"/van-ban/den/%lld\"", (long long)first);
	expect_in(&r, want);
	resp_free(&r);
	assert_int_equal(docs_of(district_id), before);
	/* a letter without a number is never a duplicate */
	reg("Tòa án nhân dân quận Thanh Xuân", "", "Mời phối hợp tuyên truyền pháp luật", "");
	reg("Tòa án nhân dân quận Thanh Xuân", "", "Mời phối hợp tuyên truyền pháp luật", "");
	assert_int_equal(docs_of(district_id), before + 2);
}

struct burst {
	int k;
	int ok;
};

static void *burst_run(void *arg)
{
	struct burst *b = arg;
	for (int i = 0; i < 5; i++) {
		char symbol[32], *body;
		long got = 0;
		json_t *j;
		snprintf(symbol, sizeof(symbol), "%d/SYT-NVY", 9000 + b->k * 10 + i);
		body = reg_body("Sở Y tế Hà Nội", symbol, today, "V/v báo cáo tình hình dịch bệnh", "");
		j = ts_json(&srv, &clerk, "POST", API, body, 201, &got);
		b->ok += got == 201;
		json_decref(j);
		free(body);
	}
	return NULL;
}

/* Eight clerks at once: 40 numbers, no gap, no repeat. */
static void concurrent_numbers(void **state)
{
	pthread_t t[8];
	struct burst b[8];
	long long n0 =
		ts_sql_int(&srv, "SELECT COUNT(*) FROM doc_incoming WHERE agency_id = ? AND arrival_year = ?",
			   "ii", district_id, year_now);
	long long n, lo, hi, distinct;
	(void)state;
	for (int i = 0; i < 8; i++) {
		b[i].k = i;
		b[i].ok = 0;
		assert_int_equal(pthread_create(&t[i], NULL, burst_run, &b[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(b[i].ok, 5);
	}
	n = ts_sql_int(&srv, "SELECT COUNT(*) FROM doc_incoming WHERE agency_id = ? AND arrival_year = ?",
		       "ii", district_id, year_now);
	lo = ts_sql_int(&srv,
			"SELECT MIN(arrival_no) FROM doc_incoming WHERE agency_id = ? AND arrival_year = ?",
			"ii", district_id, year_now);
	hi = ts_sql_int(&srv,
			"SELECT MAX(arrival_no) FROM doc_incoming WHERE agency_id = ? AND arrival_year = ?",
			"ii", district_id, year_now);
	distinct = ts_sql_int(
		&srv,
		"SELECT COUNT(DISTINCT arrival_no) FROM doc_incoming WHERE agency_id = ? AND arrival_year = ?",
		"ii", district_id, year_now);
	assert_int_equal(n, n0 + 40);
	assert_int_equal(lo, 1);
	assert_int_equal(hi, n);
	assert_int_equal(distinct, n);
}

/* The arrival date's year decides: 31/12 of last year takes last year's next number, 01/01 this year's. */
static void year_rollover(void **state)
{
	char extra[128], sym[32];
	long long last_prev = ts_sql_int(
		&srv,
		"SELECT COALESCE(MAX(arrival_no), 0) FROM doc_incoming WHERE agency_id = ? AND arrival_year = ?",
		"ii", district_id, year_now - 1);
	long long last_this = ts_sql_int(
		&srv, "SELECT MAX(arrival_no) FROM doc_incoming WHERE agency_id = ? AND arrival_year = ?",
		"ii", district_id, year_now);
	int64_t a, b, c;
	(void)state;
	snprintf(extra, sizeof(extra), "\"arrived_date\":\"%04d-12-31\",\"arrived_time\":\"16:45\"",
		 year_now - 1);
	snprintf(sym, sizeof(sym), "88/UBND-VP");
	{
		char *body = reg_body("UBND thành phố Hà Nội", sym, "", "V/v chuẩn bị Tết Nguyên đán", extra);
		/* the document's date defaults to nothing: it is required */
		json_decref(api(&clerk, "POST", API, body, 422));
		free(body);
	}
	{
		char date[32], *body;
		json_t *j;
		snprintf(date, sizeof(date), "%04d-12-30", year_now - 1);
		body = reg_body("UBND thành phố Hà Nội", sym, date, "V/v chuẩn bị Tết Nguyên đán", extra);
		j = api(&clerk, "POST", API, body, 201);
		a = json_integer_value(json_object_get(j, "id"));
		assert_int_equal(json_integer_value(json_object_get(j, "arrival_year")), year_now - 1);
		assert_int_equal(json_integer_value(json_object_get(j, "arrival_no")), last_prev + 1);
		json_decref(j);
		free(body);
		snprintf(extra, sizeof(extra), "\"arrived_date\":\"%04d-01-01\",\"arrived_time\":\"00:10\"",
			 year_now);
		snprintf(date, sizeof(date), "%04d-12-31", year_now - 1);
		body = reg_body("UBND thành phố Hà Nội", "89/UBND-VP", date, "V/v trực Tết Nguyên đán",
				extra);
		j = api(&clerk, "POST", API, body, 201);
		b = json_integer_value(json_object_get(j, "id"));
		assert_int_equal(json_integer_value(json_object_get(j, "arrival_year")), year_now);
		assert_int_equal(json_integer_value(json_object_get(j, "arrival_no")), last_this + 1);
		json_decref(j);
		free(body);
		/* the next one of last year continues last year's numbers */
		snprintf(extra, sizeof(extra), "\"arrived_date\":\"%04d-12-31\",\"arrived_time\":\"17:30\"",
			 year_now - 1);
		snprintf(date, sizeof(date), "%04d-12-31", year_now - 1);
		body = reg_body("Sở Nội vụ thành phố Hà Nội", "90/SNV-VP", date, "V/v nghỉ Tết Nguyên đán",
				extra);
		j = api(&clerk, "POST", API, body, 201);
		c = json_integer_value(json_object_get(j, "id"));
		assert_int_equal(json_integer_value(json_object_get(j, "arrival_no")), last_prev + 2);
		json_decref(j);
		free(body);
	}
	assert_true(a > 0 && b > 0 && c > 0);
	/* an arrival two years back is refused */
	snprintf(extra, sizeof(extra), "\"arrived_date\":\"%04d-12-31\"", year_now - 2);
	{
		char *body = reg_body("Sở Nội vụ thành phố Hà Nội", "91/SNV-VP", "2020-01-01",
				      "V/v văn bản quá cũ", extra);
		json_decref(api(&clerk, "POST", API, body, 422));
		free(body);
	}
}

/* ---- assignment and handling ---- */

static void assignment_flow(void **state)
{
	struct http_resp r;
	char path[96], body[512];
	long long assigned0 = stat(DOC_STAT_IN_ASSIGNED), ontime0 = stat(DOC_STAT_IN_ON_TIME);
	int64_t id = reg("UBND thành phố Hà Nội", "4567/UBND-KSTTHC",
			 "V/v rà soát thủ tục hành chính lĩnh vực hộ tịch", "");
	int64_t unit_row, person_row, reply_id;
	json_t *j;
	(void)state;
	/* before assignment only the clerk and the leaders see it */
	assert_true(listed(&clerk, "", id));
	assert_true(listed(&leader, "&queue=to-handle", id));
	assert_false(listed(&head, "", id));
	assert_int_equal(get_status(&head, API "/%lld", id), 404);
	/* a specialist, the clerk, a department head cannot assign */
	snprintf(body, sizeof(body), "{\"action\":\"assign\",\"lead\":{\"unit\":%lld}}", (long long)tp_id);
	json_decref(act(&specialist, id, body, 404)); /* he does not even see it */
	json_decref(act(&clerk, id, body, 403));
	/* no lead; a unit of another agency */
	json_decref(act(&leader, id, "{\"action\":\"assign\",\"inform\":[{\"unit\":5}]}", 422));
	snprintf(body, sizeof(body), "{\"action\":\"assign\",\"lead\":{\"unit\":%lld}}", (long long)ward_id);
	j = act(&leader, id, body, 422);
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(j, "error"), "message")),
			       "không thuộc cơ quan"));
	json_decref(j);
	assert_int_equal(sql1("SELECT status FROM doc_incoming WHERE id = ?", id), DOC_IN_REGISTERED);
	/* the page's form: Phòng Tư pháp leads, Quản lý đô thị coordinates */
	snprintf(path, sizeof(path), "/van-ban/den/%lld", (long long)id);
	assert_int_equal(req(&leader, "GET", path, NULL, &r), 200);
	expect_in(&r, "Phân phối văn bản");
	resp_free(&r);
	{
		char k1[32], k2[32], due[16], *form;
		struct civil c;
		time_to_civil((int64_t)time(NULL) + 10 * 86400, VN_UTC_OFFSET, &c);
		snprintf(due, sizeof(due), "%04d-%02d-%02d", c.year, c.month, c.day);
		snprintf(k1, sizeof(k1), "r_u%lld", (long long)tp_id);
		snprintf(k2, sizeof(k2), "r_u%lld", (long long)qldt_id);
		form = ts_form(&leader, "action", "assign", k1, "lead", k2, "coordinate", "due", due, "note",
			       "Giao Phòng Tư pháp chủ trì rà soát, báo cáo.", NULL);
		snprintf(path, sizeof(path), "/van-ban/den/%lld/xu-ly", (long long)id);
		assert_int_equal(req(&leader, "POST", path, form, &r), 303);
		resp_free(&r);
		free(form);
	}
	assert_int_equal(sql1("SELECT status FROM doc_incoming WHERE id = ?", id), DOC_IN_ASSIGNED);
	assert_int_equal(stat(DOC_STAT_IN_ASSIGNED), assigned0 + 1);
	assert_int_equal(sql1("SELECT COUNT(*) FROM doc_in_recipients WHERE doc_id = ?", id), 2);
	/* assigned once only */
	snprintf(body, sizeof(body), "{\"action\":\"assign\",\"lead\":{\"unit\":%lld}}", (long long)tp_id);
	json_decref(act(&leader, id, body, 409));
	/* the department sees it (its head in his queue to read, its specialist too); another does not */
	assert_true(listed(&head, "&queue=to-read", id));
	assert_true(listed(&specialist, "", id));
	assert_false(listed(&specialist, "&queue=to-read", id));
	/* the unit's queue: its members see its work before the head forwards it; others do not */
	assert_true(listed(&specialist, "&queue=unit", id));
	assert_true(listed(&head, "&queue=unit", id));
	assert_false(listed(&editor, "&queue=unit", id));
	assert_false(listed(&editor, "", id));
	assert_int_equal(get_status(&editor, API "/%lld", id), 404);
	assert_int_equal(get_status(&editor, "/van-ban/den/%lld", id), 404);
	assert_false(listed(&ward_leader, "", id));
	assert_int_equal(get_status(&ward_leader, API "/%lld", id), 404);
	/* the head opens it: read */
	unit_row = rcpt_of(id, tp_id, 0);
	snprintf(path, sizeof(path), "/van-ban/den/%lld", (long long)id);
	assert_int_equal(req(&head, "GET", path, NULL, &r), 200);
	expect_in(&r, "Chuyển trong đơn vị");
	expect_in(&r, "Phạm Văn Chuyên");
	resp_free(&r);
	assert_int_equal(sql1("SELECT state FROM doc_in_recipients WHERE id = ?", unit_row), DOC_RCPT_READ);
	assert_false(listed(&head, "&queue=to-read", id));
	assert_true(listed(&head, "&queue=to-handle", id));
	/* a specialist cannot forward or finish for the unit */
	snprintf(body, sizeof(body), "{\"action\":\"forward\",\"to\":[%lld]}", (long long)specialist_id);
	json_decref(act(&specialist, id, body, 403));
	json_decref(act(&specialist, id, "{\"action\":\"done\"}", 403));
	/* forwarding outside the unit is refused */
	snprintf(body, sizeof(body), "{\"action\":\"forward\",\"to\":[%lld]}",
		 (long long)ts_account_id(db, "bientap"));
	json_decref(act(&head, id, body, 422));
	/* the head forwards it to his specialist */
	snprintf(body, sizeof(body),
		 "{\"action\":\"forward\",\"to\":[%lld],\"note\":\"Đ/c Chuyên tham mưu văn bản trả lời.\"}",
		 (long long)specialist_id);
	json_decref(act(&head, id, body, 200));
	person_row = rcpt_of(id, 0, specialist_id);
	assert_true(person_row > 0);
	assert_true(listed(&specialist, "&queue=to-read", id));
	json_decref(act(&specialist, id, "{\"action\":\"read\"}", 200));
	json_decref(act(&specialist, id, "{\"action\":\"read\"}", 409));
	json_decref(act(&specialist, id, "{\"action\":\"start\"}", 200));
	assert_int_equal(sql1("SELECT state FROM doc_in_recipients WHERE id = ?", person_row),
			 DOC_RCPT_WORKING);
	/* the reply is named by its number and symbol: one of the agency's issued documents */
	json_decref(act(&specialist, id, "{\"action\":\"done\",\"reply\":\"999/KH-UBND\"}", 422));
	json_decref(act(&specialist, id, "{\"action\":\"done\",\"reply_out_id\":999999}", 422));
	reply_id = sql1("SELECT MIN(id) FROM doc_outgoing WHERE agency_id = ? AND number IS NOT NULL",
			district_id);
	assert_true(reply_id > 0);
	{
		struct db_stmt *st;
		char done_body[160];
		assert_int_equal(db_query(db, &st, "SELECT symbol FROM doc_outgoing WHERE id = ?", "i",
					  reply_id),
				 DB_ROW);
		snprintf(done_body, sizeof(done_body), "{\"action\":\"done\",\"reply\":\"%s\"}",
			 db_col_text(st, 0));
		db_release_statements(db);
		json_decref(act(&specialist, id, done_body, 200));
	}
	/* the lead finished: the document is done, on time, with the reply */
	assert_int_equal(sql1("SELECT status FROM doc_incoming WHERE id = ?", id), DOC_IN_DONE);
	assert_int_equal(sql1("SELECT reply_out_id FROM doc_incoming WHERE id = ?", id), reply_id);
	assert_int_equal(sql1("SELECT state FROM doc_in_recipients WHERE id = ?", unit_row), DOC_RCPT_DONE);
	assert_int_equal(stat(DOC_STAT_IN_ON_TIME), ontime0 + 1);
	/* done: out of the unit's queue */
	assert_false(listed(&specialist, "&queue=unit", id));
	json_decref(act(&specialist, id, "{\"action\":\"done\"}", 403));
	/* the history on its page */
	assert_int_equal(req(&leader, "GET", path, NULL, &r), 200);
	expect_in(&r, "Quá trình xử lý");
	expect_in(&r, "Đã chuyển");
	expect_in(&r, "Đ/c Chuyên tham mưu văn bản trả lời.");
	expect_in(&r, "Đã hoàn thành");
	expect_in(&r, "Phòng Quản lý đô thị");
	resp_free(&r);
	j = api(&leader, "GET", (snprintf(path, sizeof(path), API "/%lld", (long long)id), path), NULL, 200);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "done");
	assert_int_equal(json_array_size(json_object_get(j, "recipients")), 3);
	assert_true(json_array_size(json_object_get(j, "history")) >= 6);
	json_decref(j);
	assert_true(ts_sql_int(&srv,
			       "SELECT COUNT(*) FROM audit_log WHERE action = 'document.incoming.forward'",
			       NULL, 0, 0) >= 1);
}

/* A deadline already passed when the lead finishes: late; a document filed is closed. */
static void late_and_filed(void **state)
{
	char body[512], extra[160], date[16];
	long long late0 = stat(DOC_STAT_IN_LATE);
	struct civil c;
	int64_t id, filed;
	(void)state;
	time_to_civil((int64_t)time(NULL) - 8 * 86400, VN_UTC_OFFSET, &c);
	snprintf(date, sizeof(date), "%04d-%02d-%02d", c.year, c.month, c.day);
	snprintf(extra, sizeof(extra), "\"arrived_date\":\"%s\",\"arrived_time\":\"09:00\"", date);
	{
		char *b = reg_body("Sở Tư pháp thành phố Hà Nội", "2290/STP-HCTP", date,
				   "V/v báo cáo công tác chứng thực", extra);
		json_t *j = api(&clerk, "POST", API, b, 201);
		id = json_integer_value(json_object_get(j, "id"));
		json_decref(j);
		free(b);
	}
	snprintf(
		body, sizeof(body),
		"{\"action\":\"assign\",\"lead\":{\"account\":%lld},\"inform\":[{\"unit\":%lld}],\"due\":\"%s\"}",
		(long long)specialist_id, (long long)qldt_id, date);
	json_decref(act(&leader, id, body, 200));
	assert_true(listed(&specialist, "&queue=overdue", id));
	assert_true(listed(&leader, "&queue=overdue", id));
	json_decref(act(&specialist, id, "{\"action\":\"done\"}", 200));
	assert_int_equal(stat(DOC_STAT_IN_LATE), late0 + 1);
	assert_false(listed(&leader, "&queue=overdue", id));
	/* filing */
	filed = reg("Bộ Nội vụ", "5631/BNV-VP", "V/v chế độ báo cáo thống kê ngành Nội vụ", "");
	json_decref(act(&specialist, filed, "{\"action\":\"file\"}", 404));
	json_decref(act(&leader, filed, "{\"action\":\"file\",\"note\":\"Lưu để nghiên cứu.\"}", 200));
	assert_int_equal(sql1("SELECT status FROM doc_incoming WHERE id = ?", filed), DOC_IN_FILED);
	snprintf(body, sizeof(body), "{\"action\":\"assign\",\"lead\":{\"unit\":%lld}}", (long long)tp_id);
	json_decref(act(&leader, filed, body, 409));
}

/* A secret document: its unit's head sees it, his specialist only once named. */
static void secrecy(void **state)
{
	char body[256];
	int64_t id = reg("Công an thành phố Hà Nội", "915/CAHN-PV01", "V/v phối hợp xác minh nhân thân",
			 "\"secrecy\":\"mat\"");
	(void)state;
	snprintf(body, sizeof(body), "{\"action\":\"assign\",\"lead\":{\"unit\":%lld}}", (long long)tp_id);
	json_decref(act(&leader, id, body, 200));
	assert_true(listed(&clerk, "", id));
	assert_true(listed(&leader, "", id));
	assert_true(listed(&head, "", id));
	assert_false(listed(&specialist, "", id));
	assert_int_equal(get_status(&specialist, API "/%lld", id), 404);
	assert_int_equal(get_status(&specialist, "/van-ban/den/%lld", id), 404);
	assert_false(listed(&editor, "", id));
	snprintf(body, sizeof(body), "{\"action\":\"forward\",\"to\":[%lld]}", (long long)specialist_id);
	json_decref(act(&head, id, body, 200));
	assert_true(listed(&specialist, "", id));
	assert_int_equal(get_status(&specialist, API "/%lld", id), 200);
}

/* Search without tones, filters, the ward's own documents. */
static void search_and_filters(void **state)
{
	json_t *j;
	int64_t id = reg("Sở Giao thông vận tải Hà Nội", "7788/SGTVT-QLGT",
			 "V/v tổ chức giao thông khu vực Ngã Tư Sở", "");
	(void)state;
	assert_true(listed(&clerk, "&q=nga+tu+so", id));
	assert_true(listed(&clerk, "&q=NG%C3%83+T%C6%AF", id));
	assert_true(listed(&clerk, "&q=7788", id));
	assert_true(listed(&clerk, "&sender=giao+thong", id));
	assert_false(listed(&clerk, "&sender=noi+vu", id));
	assert_true(listed(&clerk, "&type=cong-van&status=registered", id));
	assert_false(listed(&clerk, "&type=quyet-dinh", id));
	assert_false(listed(&clerk, "&from=2001-01-01&to=2001-12-31", id));
	json_decref(api(&clerk, "GET", API "?queue=nope", NULL, 400));
	json_decref(api(&clerk, "GET", API "?from=2026-02-31", NULL, 400));
	/* the ward's chairman sees the ward's demo documents, none of the district's */
	j = api(&ward_leader, "GET", API "?per_page=100", NULL, 200);
	{
		size_t i;
		json_t *v;
		assert_true(json_array_size(json_object_get(j, "documents")) >= 3);
		json_array_foreach(json_object_get(j, "documents"), i, v) assert_int_equal(
			json_integer_value(json_object_get(json_object_get(v, "agency"), "id")), ward_id);
	}
	json_decref(j);
	/* the page with its queues */
	{
		struct http_resp r;
		assert_int_equal(req(&head, "GET", "/van-ban/den?queue=to-handle", NULL, &r), 200);
		expect_in(&r, "Cần xử lý");
		expect_in(&r, "Chưa đọc");
		resp_free(&r);
		assert_int_equal(req(&clerk, "GET", "/van-ban/den?q=nga+tu+so", NULL, &r), 200);
		expect_in(&r, "7788/SGTVT-QLGT");
		expect_not_in(&r, "4567/UBND-KSTTHC");
		resp_free(&r);
	}
}

/* ---- the register ---- */

static void incoming_register(void **state)
{
	static const char *const heads[] = { "Ngày đến",
					     "Số đến",
					     "Tác giả",
					     "Số, ký hiệu",
					     "Ngày tháng văn bản",
					     "Tên loại và trích yếu nội dung",
					     "Đơn vị hoặc người nhận",
					     "Ký nhận",
					     "Ghi chú" };
	struct http_resp r;
	char path[256], tmp[] = "/tmp/motcua-t0032-XXXXXX", cmd[400];
	json_t *j, *cols, *row = NULL, *v;
	size_t i;
	int fd;
	(void)state;
	snprintf(path, sizeof(path), API "/register?from=%s&to=%s&format=json", today, today);
	j = api(&clerk, "GET", path, NULL, 200);
	cols = json_object_get(j, "columns");
	assert_int_equal(json_array_size(cols), 9);
	for (i = 0; i < 9; i++)
		assert_string_equal(json_string_value(json_array_get(cols, i)), heads[i]);
	json_array_foreach(json_object_get(j, "rows"), i, v)
	{
		if (!strcmp(json_string_value(json_array_get(json_object_get(v, "cells"), 3)),
			    "4567/UBND-KSTTHC"))
			row = json_object_get(v, "cells");
	}
	assert_non_null(row);
	assert_string_equal(json_string_value(json_array_get(row, 2)), "UBND thành phố Hà Nội");
	assert_non_null(strstr(json_string_value(json_array_get(row, 5)),
			       "Công văn: V/v rà soát thủ tục hành chính"));
	assert_non_null(strstr(json_string_value(json_array_get(row, 6)), "Chủ trì: Phòng Tư pháp"));
	assert_non_null(strstr(json_string_value(json_array_get(row, 6)), "Phối hợp: Phòng Quản lý đô thị"));
	json_decref(j);
	/* the page */
	snprintf(path, sizeof(path), "/van-ban/den/so?from=%s&to=%s", today, today);
	assert_int_equal(req(&clerk, "GET", path, NULL, &r), 200);
	for (i = 0; i < 9; i++)
		expect_in(&r, heads[i]);
	expect_in(&r, "4567/UBND-KSTTHC");
	resp_free(&r);
	/* the PDF, as a reader sees it */
	snprintf(path, sizeof(path), "/van-ban/den/so?from=%s&to=%s&format=pdf", today, today);
	assert_int_equal(req(&leader, "GET", path, NULL, &r), 200);
	assert_memory_equal(r.body.ptr, "%PDF-", 5);
	fd = mkstemp(tmp);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, r.body.ptr, r.body.len), (ssize_t)r.body.len);
	close(fd);
	resp_free(&r);
	snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 %s - 2>/dev/null", tmp);
	{
		FILE *f = popen(cmd, "r");
		struct buf text = BUF_INIT;
		char chunk[4096];
		size_t got;
		assert_non_null(f);
		while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_add(&text, chunk, got);
		assert_int_equal(pclose(f), 0);
		assert_non_null(strstr(text.ptr, "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"));
		assert_non_null(strstr(text.ptr, "Tác giả"));
		assert_non_null(strstr(text.ptr, "Ký nhận"));
		assert_non_null(strstr(text.ptr, "4567/UBND-"));
		assert_non_null(strstr(text.ptr, "Trang 1/"));
		buf_release(&text);
	}
	snprintf(cmd, sizeof(cmd), "pdfinfo %s 2>/dev/null | grep -q 'Page size: *841.89 x 595.28'", tmp);
	assert_int_equal(system(cmd), 0); /* A4 landscape */
	unlink(tmp);
	/* the XLSX opens: a zip with the sheet holding the headings */
	snprintf(path, sizeof(path), API "/register?from=%s&to=%s&format=xlsx", today, today);
	assert_int_equal(req(&clerk, "GET", path, NULL, &r), 200);
	assert_memory_equal(r.body.ptr, "PK\x03\x04", 4);
	strcpy(tmp, "/tmp/motcua-t0032-XXXXXX");
	fd = mkstemp(tmp);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, r.body.ptr, r.body.len), (ssize_t)r.body.len);
	close(fd);
	resp_free(&r);
	snprintf(
		cmd, sizeof(cmd),
		"python3 -c \"import zipfile,sys; z=zipfile.ZipFile('%s'); s=z.read('xl/sharedStrings.xml').decode(); "
		"sys.exit(0 if 'Đơn vị hoặc người nhận' in s and '4567/UBND-KSTTHC' in s else 1)\"",
		tmp);
	assert_int_equal(system(cmd), 0);
	unlink(tmp);
	/* not for a specialist or another agency's leader; bad periods */
	assert_int_equal(get_status(&specialist, "/van-ban/den/so%.0lld", 0), 403);
	assert_int_equal(get_status(&ward_leader, API "/register?agency=%lld", district_id), 403);
	assert_int_equal(get_status(&clerk, API "/register?from=2026-03-01&to=2026-02-01%.0lld", 0), 400);
	assert_int_equal(get_status(&clerk, API "/register?format=doc%.0lld", 0), 400);
}

/* ---- reminders ---- */

/* Emails of `kind` about document id. */
static long long mails(const char *kind, int64_t id)
{
	struct db_stmt *st;
	char ref[40];
	long long n = -1;
	snprintf(ref, sizeof(ref), "doc-in:%lld", (long long)id);
	if (db_query(db, &st, "SELECT COUNT(*) FROM mail_outbox WHERE kind = ? AND ref = ? AND to_addr = ?",
		     "sss", kind, ref, "phuong.tp@thanhxuan.example.vn") == DB_ROW)
		n = db_col_int(st, 0);
	db_release_statements(db);
	return n;
}

static void reminders_once(void **state)
{
	char body[512], due[16];
	int32_t d;
	int64_t id, at_before, at_after;
	int n;
	struct civil c;
	(void)state;
	ts_sql_int(&srv, "UPDATE accounts SET email = 'phuong.tp@thanhxuan.example.vn' WHERE id = ?", "i",
		   head_id, 0);
	id = reg("Sở Tài nguyên và Môi trường Hà Nội", "6200/STNMT-ĐĐBĐ",
		 "V/v báo cáo kết quả cấp giấy chứng nhận", "");
	/* ten days ahead: the server's own reminders thread (at the real time) has nothing due yet */
	time_to_civil((int64_t)time(NULL) + 10 * 86400, VN_UTC_OFFSET, &c);
	d = c.year * 10000 + c.month * 100 + c.day;
	snprintf(due, sizeof(due), "%04d-%02d-%02d", c.year, c.month, c.day);
	snprintf(body, sizeof(body), "{\"action\":\"assign\",\"lead\":{\"unit\":%lld},\"due\":\"%s\"}",
		 (long long)tp_id, due);
	json_decref(act(&leader, id, body, 200));
	/* the day before the deadline, 09:00: due soon; twice, one email */
	{
		struct civil x = { .year = d / 10000, .month = d / 100 % 100, .day = d % 100, .hour = 9 };
		at_before = time_from_civil(&x, VN_UTC_OFFSET) - 86400;
		at_after = at_before + 2 * 86400;
	}
	assert_int_equal(mails("doc_in.due_soon", id), 0);
	n = doc_incoming_remind(db, at_before);
	assert_true(n >= 1);
	assert_int_equal(mails("doc_in.due_soon", id), 1);
	assert_int_equal(mails("doc_in.overdue", id), 0);
	assert_int_equal(doc_incoming_remind(db, at_before + 600), 0);
	/* past the deadline: overdue, once */
	n = doc_incoming_remind(db, at_after);
	assert_true(n >= 1);
	assert_int_equal(mails("doc_in.overdue", id), 1);
	assert_int_equal(doc_incoming_remind(db, at_after + 3600), 0);
	assert_int_equal(mails("doc_in.due_soon", id), 1);
	assert_int_equal(mails("doc_in.overdue", id), 1);
	assert_true(sql1("SELECT late_reminded_at FROM doc_in_recipients WHERE doc_id = ?", id) > 0);
}

/* ---- the demo ---- */

static void demo_documents(void **state)
{
	(void)state;
	assert_true(
		ts_sql_int(
			&srv,
			"SELECT COUNT(*) FROM doc_incoming WHERE registered_by = (SELECT id FROM accounts WHERE username = 'vanthu')",
			NULL, 0, 0) >= 25);
	assert_true(docs_of(ward_id) >= 3);
	assert_true(ts_sql_int(&srv, "SELECT COUNT(*) FROM doc_incoming WHERE status = ?", "i", DOC_IN_DONE,
			       0) >= 5);
	assert_true(ts_sql_int(&srv,
			       "SELECT COUNT(*) FROM doc_incoming WHERE status = ? AND due > 0 AND due < ?",
			       "ii", DOC_IN_ASSIGNED, (int64_t)(today_ymd())) >= 3);
	assert_true(ts_sql_int(&srv, "SELECT COUNT(*) FROM doc_incoming WHERE status = ?", "i",
			       DOC_IN_REGISTERED, 0) >= 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(demo_documents),
		cmocka_unit_test(register_page),
		cmocka_unit_test(register_validation),
		cmocka_unit_test(duplicate_refused),
		cmocka_unit_test(concurrent_numbers),
		cmocka_unit_test(year_rollover),
		cmocka_unit_test(assignment_flow),
		cmocka_unit_test(late_and_filed),
		cmocka_unit_test(secrecy),
		cmocka_unit_test(search_and_filters),
		cmocka_unit_test(incoming_register),
		cmocka_unit_test(reminders_once),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
