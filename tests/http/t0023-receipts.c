/*
 * t0023-receipts: electronic fee receipts as the collector and the payer use them: a receipt
 * issued from the demo's book carries its number, series, template, total and amount in words,
 * signed XML that xmlsec1 accepts, a PDF and a public page that says the signature is valid (and
 * invalid once the stored XML is altered); bad input changes nothing and leaves no hole in the
 * numbers; cancelling keeps the number, a replacement points to the original and each shows the
 * other; a dossier awaiting its fee goes on when its receipt is issued; 16 concurrent issuers
 * get numbers 1..N with no gap and no duplicate; a server killed during a stream of issues loses
 * no acknowledged receipt and its numbering stays gapless.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/timefmt.h"
#include "harness.h"
#include "checks.h"
#include "store/db.h"

#define RECEIPT_LINES_MAX 20 /* features/receipts.h RECEIPT_MAX_LINES */

#define DEMO_PASSWORD	"ThanhXuan-Demo-2026"
#define DISTRICT_OFFICE "100.15.00.H26" /* Bộ phận Tiếp nhận và Trả kết quả quận Thanh Xuân */
#define WARD_OFFICE	"100.01.15.H26" /* Bộ phận Một cửa phường Nhân Chính */
#define AWAITING_FEE	"2.001035"	/* the demo's ward dossier waiting for its fee */

static struct test_server srv;
static struct ts_user collector, ward_clerk, citizen_like, admin;
static long long district_book, ward_book;

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (!s)
		fail_msg("no string \"%s\"", key);
	return s;
}

static long long num(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		fail_msg("no integer \"%s\"", key);
	return (long long)json_integer_value(v);
}

static json_t *call(const struct ts_user *u, const char *method, const char *path, const char *body,
		    long want)
{
	return ts_call(&srv, u, method, path, body, want);
}

/* The message of an error answer with status `want`. */
static char *error_of(const struct ts_user *u, const char *method, const char *path, const char *body,
		      long want)
{
	json_t *j = call(u, method, path, body, want);
	char *m = strdup(json_string_value(json_object_get(json_object_get(j, "error"), "message")));
	json_decref(j);
	return m;
}

static long long receipts_count(void)
{
	return ts_sql_int(&srv, "SELECT COUNT(*) FROM receipts", NULL, 0, 0);
}

static char *receipt_body(long long book, const char *payer, long long amount)
{
	char *b = NULL;
	if (asprintf(
		    &b,
		    "{\"book\":%lld,\"payer\":{\"name\":\"%s\",\"address\":\"Số 9 Khuất Duy Tiến, Thanh Xuân, Hà "
		    "Nội\"},\"lines\":[{\"name\":\"Lệ phí chứng thực bản sao\",\"quantity\":3,\"unit_amount\":%lld},"
		    "{\"name\":\"Phí cung cấp thông tin\",\"quantity\":1,\"unit_amount\":%lld}],\"method\":\"cash\"}",
		    book, payer, amount / 5, amount - 3 * (amount / 5)) < 0)
		fail_msg("out of memory");
	return b;
}

static int setup(void **state)
{
	char path[512];
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ts_init(&srv) || ts_demo(&srv) || ts_launch(&srv, NULL, NULL))
		return -1;
	if (ts_login(&srv, "thuphi", DEMO_PASSWORD, &collector) != 201 ||
	    ts_login(&srv, "motcua.nhanchinh", DEMO_PASSWORD, &ward_clerk) != 201 ||
	    ts_login(&srv, "chuyenvien", DEMO_PASSWORD, &citizen_like) != 201 ||
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
	snprintf(path, sizeof(path), "%s/data/receipt-keys/" DISTRICT_OFFICE ".crt.pem", srv.dir);
	return district_book > 0 && ward_book > 0 && !access(path, R_OK) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	int rc = ts_stop(&srv);
	curl_global_cleanup();
	return rc;
}

/* ---- issuing, and what the payer gets ---- */

static void issue_and_check(void **state)
{
	json_t *books, *b, *r, *again, *pub, *lines;
	char path[256], *body, cert[512], file[512], cmd[2048];
	struct http_resp resp;
	size_t i;
	int year;
	(void)state;

	/* the collector sees his unit's book */
	books = call(&collector, "GET", "/api/v1/receipt-books", NULL, 200);
	b = NULL;
	json_array_foreach(json_object_get(books, "items"), i, b)
	{
		if (num(b, "id") == district_book)
			break;
		b = NULL;
	}
	assert_non_null(b);
	year = (int)num(b, "year");
	assert_string_equal(str(b, "template"), "01BLP0-001");
	{
		char series[8];
		snprintf(series, sizeof(series), "AA-%02dE", year % 100);
		assert_string_equal(str(b, "series"), series);
	}
	json_decref(books);

	body = receipt_body(district_book, "Nguyễn Văn An", 75000);
	r = call(&collector, "POST", "/api/v1/receipts", body, 201);
	free(body);
	assert_int_equal(strlen(str(r, "number")), 7);
	assert_int_equal(num(r, "total"), 75000);
	assert_string_equal(str(r, "amount_in_words"), "Bảy mươi lăm nghìn đồng");
	assert_string_equal(str(r, "status"), "issued");
	assert_string_equal(str(r, "template"), "01BLP0-001");
	assert_true(strlen(str(r, "issued_at")) >= 19);
	lines = json_object_get(r, "lines");
	assert_int_equal(json_array_size(lines), 2);
	assert_int_equal(num(json_array_get(lines, 0), "amount"), 45000);
	assert_int_equal(num(json_array_get(lines, 1), "amount"), 30000);
	assert_string_equal(str(json_object_get(r, "payer"), "name"), "Nguyễn Văn An");

	/* the same from the API, and the public check: the signature holds */
	snprintf(path, sizeof(path), "/api/v1/receipts/%lld", num(r, "id"));
	again = call(&collector, "GET", path, NULL, 200);
	assert_string_equal(str(again, "number"), str(r, "number"));
	json_decref(again);
	snprintf(path, sizeof(path), "/api/v1/public/receipts/%s", str(r, "lookup"));
	pub = call(NULL, "GET", path, NULL, 200);
	assert_true(json_is_true(json_object_get(pub, "signature_valid")));
	assert_null(json_object_get(pub, "id"));
	assert_string_equal(str(pub, "number"), str(r, "number"));
	json_decref(pub);

	/* the page a citizen opens from the QR code */
	resp_init(&resp);
	snprintf(path, sizeof(path), "/bien-lai/%s", str(r, "lookup"));
	assert_int_equal(http_get(&srv, path, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_non_null(strstr(resp.body.ptr, str(r, "number")));
	assert_non_null(strstr(resp.body.ptr, "Bảy mươi lăm nghìn đồng"));
	assert_non_null(strstr(resp.body.ptr, "75.000"));
	assert_non_null(strstr(resp.body.ptr, "Chữ ký số hợp lệ"));
	resp_free(&resp);
	/* an unknown code: 404 in Vietnamese */
	resp_init(&resp);
	assert_int_equal(http_get(&srv, "/bien-lai/ABCDEFGHJKMN", &resp), 0);
	assert_int_equal(resp.status, 404);
	resp_free(&resp);

	/* the PDF */
	resp_init(&resp);
	snprintf(path, sizeof(path), "/bien-lai/%s/pdf", str(r, "lookup"));
	assert_int_equal(http_get(&srv, path, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_true(resp.body.len > 1000);
	assert_memory_equal(resp.body.ptr, "%PDF", 4);
	resp_free(&resp);

	/* the signed XML: xmlsec1 accepts it with the unit's certificate */
	resp_init(&resp);
	snprintf(path, sizeof(path), "/bien-lai/%s/xml", str(r, "lookup"));
	assert_int_equal(http_get(&srv, path, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_non_null(strstr(resp.body.ptr, "DLBLai"));
	assert_non_null(strstr(resp.body.ptr, "SignatureValue"));
	snprintf(file, sizeof(file), "%s/receipt.xml", srv.dir);
	{
		FILE *f = fopen(file, "w");
		assert_non_null(f);
		assert_int_equal(fwrite(resp.body.ptr, 1, resp.body.len, f), resp.body.len);
		fclose(f);
	}
	resp_free(&resp);
	snprintf(cert, sizeof(cert), "%s/data/receipt-keys/" DISTRICT_OFFICE ".crt.pem", srv.dir);
	if (!access("/usr/bin/xmlsec1", X_OK)) {
		snprintf(cmd, sizeof(cmd),
			 "xmlsec1 --verify --pubkey-cert-pem '%s' --id-attr:Id DLBLai '%s' >/dev/null 2>&1",
			 cert, file);
		assert_int_equal(system(cmd), 0);
	} else {
		print_message("# xmlsec1 is missing: the CLI check is skipped\n");
	}
	json_decref(r);
}

static void bad_input_changes_nothing(void **state)
{
	static const char *const bad[] = {
		"{\"book\":%lld,\"payer\":{\"name\":\"\",\"address\":\"Hà Nội\"},\"lines\":[{\"name\":\"Lệ "
		"phí\",\"unit_amount\":1000}],\"method\":\"cash\"}",
		"{\"book\":%lld,\"payer\":{\"name\":\"An\",\"address\":\"Hà Nội\"},\"lines\":[],\"method\":\"cash\"}",
		"{\"book\":%lld,\"payer\":{\"name\":\"An\",\"address\":\"Hà Nội\"},\"lines\":[{\"name\":\"Lệ "
		"phí\",\"unit_amount\":-5}],\"method\":\"cash\"}",
		"{\"book\":%lld,\"payer\":{\"name\":\"An\",\"address\":\"Hà Nội\"},\"lines\":[{\"name\":\"Lệ "
		"phí\",\"unit_amount\":1000}],\"method\":\"card\"}",
		"{\"book\":%lld,\"payer\":{\"name\":\"An\",\"address\":\"Hà Nội\"},\"lines\":[{\"name\":\"Lệ "
		"phí\",\"quantity\":0,\"unit_amount\":1000}],\"method\":\"cash\"}",
		"{\"book\":%lld,\"payer\":{\"name\":\"An\",\"address\":\"Hà Nội\",\"id_no\":\"123\"},\"lines\":[{"
		"\"name\":\"Lệ phí\",\"unit_amount\":1000}],\"method\":\"cash\"}",
	};
	long long before = receipts_count(), last, n;
	char body[1024], *m, *b;
	json_t *r;
	(void)state;

	last = ts_sql_int(&srv, "SELECT COALESCE(MAX(number), 0) FROM receipts WHERE book_id = ?", "i",
			  district_book, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body), bad[i], district_book);
		m = error_of(&collector, "POST", "/api/v1/receipts", body, 422);
		assert_true(strlen(m) > 10);
		free(m);
	}
	m = error_of(&collector, "POST", "/api/v1/receipts", "{\"book\":999999,\"payer\":{}}", 404);
	assert_string_equal(m, "Không có sổ biên lai này.");
	free(m);
	/* a specialist does not collect fees; the ward's clerk does not use the district's book */
	b = receipt_body(district_book, "Trần Thị Bình", 20000);
	free(error_of(&citizen_like, "POST", "/api/v1/receipts", b, 403));
	free(error_of(&ward_clerk, "POST", "/api/v1/receipts", b, 403));
	assert_int_equal(receipts_count(), before);
	/* the next receipt takes the next number: nothing was used up */
	r = call(&collector, "POST", "/api/v1/receipts", b, 201);
	free(b);
	n = strtoll(str(r, "number"), NULL, 10);
	assert_int_equal(n, last + 1);
	json_decref(r);
}

/* ---- cancelling and replacing ---- */

static void cancel_and_replace(void **state)
{
	json_t *a, *c, *n, *orig;
	char path[256], *b, *m, body[256];
	long long audit_before =
		ts_sql_int(&srv, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'receipt.%'", NULL, 0, 0);
	(void)state;

	b = receipt_body(district_book, "Lê Văn Cường", 50000);
	a = call(&collector, "POST", "/api/v1/receipts", b, 201);
	snprintf(path, sizeof(path), "/api/v1/receipts/%lld/cancel", num(a, "id"));
	m = error_of(&collector, "POST", path, "{\"reason\":\"\"}", 422);
	assert_string_equal(m, "Nhập lý do (từ 5 đến 500 ký tự).");
	free(m);
	c = call(&collector, "POST", path, "{\"reason\":\"Thu nhầm người nộp\"}", 200);
	assert_string_equal(str(c, "status"), "cancelled");
	assert_string_equal(str(c, "number"), str(a, "number"));
	assert_string_equal(str(c, "cancel_reason"), "Thu nhầm người nộp");
	json_decref(c);
	free(error_of(&collector, "POST", path, "{\"reason\":\"Hủy lần nữa\"}", 409));
	/* nothing deleted: the cancelled receipt is still there */
	snprintf(path, sizeof(path), "/api/v1/receipts/%lld", num(a, "id"));
	json_decref(call(&collector, "GET", path, NULL, 200));
	json_decref(a);

	/* a replacement: a new number pointing to the original, which points back */
	a = call(&collector, "POST", "/api/v1/receipts", b, 201);
	free(b);
	snprintf(path, sizeof(path), "/api/v1/receipts/%lld/replace", num(a, "id"));
	snprintf(
		body, sizeof(body),
		"{\"reason\":\"Sai địa chỉ người nộp\",\"payer\":{\"name\":\"Lê Văn Cường\",\"address\":\"Số 1 "
		"Nguyễn Trãi\"},\"lines\":[{\"name\":\"Lệ phí\",\"unit_amount\":50000}],\"method\":\"cash\"}");
	n = call(&collector, "POST", path, body, 201);
	assert_string_not_equal(str(n, "number"), str(a, "number"));
	assert_string_equal(str(json_object_get(n, "replaces"), "number"), str(a, "number"));
	snprintf(path, sizeof(path), "/api/v1/receipts/%lld", num(a, "id"));
	orig = call(&collector, "GET", path, NULL, 200);
	assert_string_equal(str(orig, "status"), "cancelled");
	assert_string_equal(str(json_object_get(orig, "replaced_by"), "number"), str(n, "number"));
	json_decref(orig);
	/* a cancelled receipt cannot be replaced again */
	snprintf(path, sizeof(path), "/api/v1/receipts/%lld/replace", num(a, "id"));
	free(error_of(&collector, "POST", path, body, 409));
	json_decref(n);
	json_decref(a);
	/* every action is in the audit chain: issue ×2, cancel ×2 (one by the replacement), replace */
	assert_int_equal(ts_sql_int(&srv, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'receipt.%'",
				    NULL, 0, 0),
			 audit_before + 5);
}

/* ---- a dossier's fee ---- */

static void dossier_fee_paid(void **state)
{
	char code[64], body[512], path[256], *m;
	long long fee;
	json_t *r, *d;
	(void)state;

	/* the demo's ward dossier awaiting its fee */
	{
		char *err = NULL;
		struct db *db = db_open(srv.db, &err);
		struct db_stmt *st;
		assert_non_null(db);
		assert_int_equal(
			db_query(db, &st,
				 "SELECT code, fee_due FROM dossiers WHERE status = 5 AND procedure_code = '" AWAITING_FEE
				 "'",
				 NULL),
			DB_ROW);
		snprintf(code, sizeof(code), "%s", db_col_text(st, 0));
		fee = db_col_int(st, 1);
		db_release_statements(db);
		db_close(db);
	}
	assert_true(fee > 0);
	/* another office's book: refused */
	snprintf(body, sizeof(body),
		 "{\"book\":%lld,\"dossier\":\"%s\",\"payer\":{\"name\":\"Phạm Thị Dung\",\"address\":\"Nhân "
		 "Chính\"},\"method\":\"cash\"}",
		 district_book, code);
	free(error_of(&collector, "POST", "/api/v1/receipts", body, 409));
	/* a total other than the fee due: refused */
	snprintf(body, sizeof(body),
		 "{\"book\":%lld,\"dossier\":\"%s\",\"payer\":{\"name\":\"Phạm Thị Dung\",\"address\":\"Nhân "
		 "Chính\"},\"lines\":[{\"name\":\"Lệ phí\",\"unit_amount\":%lld}],\"method\":\"cash\"}",
		 ward_book, code, fee + 1000);
	m = error_of(&ward_clerk, "POST", "/api/v1/receipts", body, 422);
	assert_string_equal(m, "Tổng số tiền trên biên lai phải bằng số phí, lệ phí của hồ sơ.");
	free(m);
	/* a dossier not yet received pays nothing yet */
	{
		char *err = NULL, newcode[64] = "";
		struct db *db = db_open(srv.db, &err);
		struct db_stmt *st;
		assert_non_null(db);
		if (db_query(db, &st,
			     "SELECT d.code FROM dossiers d JOIN units u ON u.id = d.receiving_unit WHERE d.status = 1 AND "
			     "d.fee_due > 0 AND u.agency_code = '000.01.15.H26'",
			     NULL) == DB_ROW)
			snprintf(newcode, sizeof(newcode), "%s", db_col_text(st, 0));
		db_release_statements(db);
		db_close(db);
		assert_true(*newcode);
		snprintf(
			body, sizeof(body),
			"{\"book\":%lld,\"dossier\":\"%s\",\"payer\":{\"name\":\"Phạm Thị Dung\",\"address\":"
			"\"Nhân Chính\"},\"method\":\"cash\"}",
			ward_book, newcode);
		m = error_of(&ward_clerk, "POST", "/api/v1/receipts", body, 409);
		assert_string_equal(
			m, "Chỉ thu phí, lệ phí đối với hồ sơ đã được tiếp nhận, không bị từ chối hoặc rút.");
		free(m);
	}
	/* the dossier's own fees */
	snprintf(body, sizeof(body),
		 "{\"book\":%lld,\"dossier\":\"%s\",\"payer\":{\"name\":\"Phạm Thị Dung\",\"address\":\"Nhân "
		 "Chính\"},\"method\":\"transfer\"}",
		 ward_book, code);
	r = call(&ward_clerk, "POST", "/api/v1/receipts", body, 201);
	assert_int_equal(num(r, "total"), fee);
	assert_string_equal(str(r, "dossier"), code);
	assert_string_equal(str(r, "method"), "transfer");
	json_decref(r);
	/* the dossier goes on */
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", code);
	d = call(&ward_clerk, "GET", path, NULL, 200);
	assert_string_equal(str(d, "status"), "processing");
	json_decref(d);
	/* one receipt per fee */
	free(error_of(&ward_clerk, "POST", "/api/v1/receipts", body, 409));
}

/* ---- a receipt altered in the database ---- */

static void altered_xml_is_invalid(void **state)
{
	json_t *r, *pub;
	char path[256], *b, sql[256], first[16];
	struct http_resp resp;
	(void)state;

	b = receipt_body(district_book, "Hoàng Văn Em", 30000);
	r = call(&collector, "POST", "/api/v1/receipts", b, 201);
	free(b);
	snprintf(sql, sizeof(sql), "UPDATE receipts SET xml = REPLACE(xml, '30000', '3000') WHERE id = %lld",
		 num(r, "id"));
	{
		char *err = NULL;
		struct db *db = db_open(srv.db, &err);
		assert_non_null(db);
		assert_int_equal(db_exec(db, sql, NULL), 0);
		db_close(db);
	}
	snprintf(path, sizeof(path), "/api/v1/public/receipts/%s", str(r, "lookup"));
	pub = call(NULL, "GET", path, NULL, 200);
	assert_true(json_is_false(json_object_get(pub, "signature_valid")));
	json_decref(pub);
	snprintf(first, sizeof(first), "%s", str(r, "lookup"));
	json_decref(r);

	/* the row changed beside an intact document, or a comment slipped into it: not valid either */
	{
		static const char *const alter[] = {
			"UPDATE receipts SET payer_name = 'Người khác' WHERE id = %lld",
			"UPDATE receipts SET xml = xml || '<!-- <TgTTTBSo>1</TgTTTBSo> -->' WHERE id = %lld",
		};
		for (size_t i = 0; i < 2; i++) {
			b = receipt_body(district_book, "Hoàng Văn Em", 30000);
			r = call(&collector, "POST", "/api/v1/receipts", b, 201);
			free(b);
			snprintf(path, sizeof(path), "/api/v1/public/receipts/%s", str(r, "lookup"));
			pub = call(NULL, "GET", path, NULL, 200);
			assert_true(json_is_true(json_object_get(pub, "signature_valid")));
			json_decref(pub);
			snprintf(sql, sizeof(sql), alter[i], num(r, "id"));
			{
				char *err = NULL;
				struct db *db = db_open(srv.db, &err);
				assert_non_null(db);
				assert_int_equal(db_exec(db, sql, NULL), 0);
				db_close(db);
			}
			pub = call(NULL, "GET", path, NULL, 200);
			assert_true(json_is_false(json_object_get(pub, "signature_valid")));
			json_decref(pub);
			json_decref(r);
		}
		/* the lookup code as typed in small letters finds it too */
		b = receipt_body(district_book, "Hoàng Văn Em", 30000);
		r = call(&collector, "POST", "/api/v1/receipts", b, 201);
		free(b);
		snprintf(path, sizeof(path), "/api/v1/public/receipts/%s", str(r, "lookup"));
		for (char *c = path + strlen("/api/v1/public/receipts/"); *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		json_decref(call(NULL, "GET", path, NULL, 200));
	}
	resp_init(&resp);
	snprintf(path, sizeof(path), "/bien-lai/%s", first);
	assert_int_equal(http_get(&srv, path, &resp), 0);
	assert_non_null(strstr(resp.body.ptr, "Chữ ký số không khớp"));
	resp_free(&resp);
	json_decref(r);
}

/* ---- what was collected, and the reconciliation ---- */

static void report_and_reconciliation(void **state)
{
	struct ts_user leader;
	char from[16], to[16], path[200], body[256];
	struct civil c;
	json_t *j, *v, *rec;
	long long sum = 0, dossier_receipt;
	size_t i;
	struct http_resp resp;
	(void)state;

	assert_int_equal(ts_login(&srv, "lanhdao", DEMO_PASSWORD, &leader), 201);
	time_to_civil((int64_t)time(NULL) - 90 * 86400, VN_UTC_OFFSET, &c);
	snprintf(from, sizeof(from), "%04d-%02d-%02d", c.year, c.month, c.day);
	time_to_civil((int64_t)time(NULL), VN_UTC_OFFSET, &c);
	snprintf(to, sizeof(to), "%04d-%02d-%02d", c.year, c.month, c.day);
	snprintf(path, sizeof(path), "/api/v1/stats/receipts?from=%s&to=%s", from, to);

	/* the district's leader: every office of the district, as the receipts say */
	j = call(&leader, "GET", path, NULL, 200);
	assert_int_equal(num(json_object_get(j, "issued"), "count"),
			 ts_sql_int(&srv, "SELECT COUNT(*) FROM receipts WHERE status = 1", NULL, 0, 0));
	assert_int_equal(num(json_object_get(j, "issued"), "total"),
			 ts_sql_int(&srv, "SELECT SUM(total) FROM receipts WHERE status = 1", NULL, 0, 0));
	assert_int_equal(num(json_object_get(j, "cancelled"), "count"),
			 ts_sql_int(&srv, "SELECT COUNT(*) FROM receipts WHERE status = 2", NULL, 0, 0));
	json_array_foreach(json_object_get(j, "by_fee"), i, v) sum += num(v, "total");
	assert_int_equal(sum, num(json_object_get(j, "issued"), "total"));
	sum = 0;
	json_array_foreach(json_object_get(j, "by_day"), i, v) sum += num(v, "count");
	assert_int_equal(sum, num(json_object_get(j, "issued"), "count"));
	assert_true(json_array_size(json_object_get(j, "by_unit")) >= 2);
	/* every paid dossier has its receipt (the demo's too) */
	rec = json_object_get(j, "reconciliation");
	assert_true(json_is_true(json_object_get(rec, "reconciled")));
	json_decref(j);

	/* the collector: his office only */
	j = call(&collector, "GET", path, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "by_unit")), 1);
	json_decref(j);

	/* a dossier's receipt cancelled without a replacement: the dossier stands paid without one */
	dossier_receipt =
		ts_sql_int(&srv,
			   "SELECT MAX(r.id) FROM receipts r JOIN dossiers d ON d.id = r.dossier_id "
			   "WHERE r.status = 1 AND d.procedure_code = '" AWAITING_FEE "'",
			   NULL, 0, 0);
	assert_true(dossier_receipt > 0);
	snprintf(body, sizeof(body), "/api/v1/receipts/%lld/cancel", dossier_receipt);
	json_decref(call(&ward_clerk, "POST", body, "{\"reason\":\"Thu nhầm số tiền\"}", 200));
	j = call(&leader, "GET", path, NULL, 200);
	rec = json_object_get(j, "reconciliation");
	assert_true(json_is_false(json_object_get(rec, "reconciled")));
	assert_int_equal(num(rec, "paid_without_receipt"), 1);
	v = json_array_get(json_object_get(rec, "problems"), 0);
	assert_non_null(v);
	assert_string_equal(str(v, "problem"), "paid_without_receipt");
	json_decref(j);

	/* the workbook, and bad periods */
	resp_init(&resp);
	snprintf(body, sizeof(body), "%s&format=xlsx", path);
	assert_int_equal(ts_as(&srv, &leader, "GET", body, NULL, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_memory_equal(resp.body.ptr, "PK", 2);
	resp_free(&resp);
	free(error_of(&leader, "GET", "/api/v1/stats/receipts?from=27/11/2026", NULL, 422));
	free(error_of(&leader, "GET", "/api/v1/stats/receipts?from=2026-01-01&to=2025-01-01", NULL, 422));
	/* the page */
	resp_init(&resp);
	assert_int_equal(ts_as(&srv, &leader, "GET", "/thu-phi/bao-cao", NULL, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_non_null(strstr(resp.body.ptr, "Đối chiếu với hồ sơ"));
	resp_free(&resp);
}

/* ---- numbers under load and across a crash ---- */

struct issuer {
	const struct test_server *s;
	const struct ts_user *u;
	long long book;
	int64_t until_ms;
	long long numbers[4096];
	size_t n;
	int stop_on_error;
};

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void *issue_loop(void *arg)
{
	struct issuer *w = arg;
	char *b = receipt_body(w->book, "Người nộp thử tải", 10000);
	while (now_ms() < w->until_ms && w->n < sizeof(w->numbers) / sizeof(w->numbers[0])) {
		long got;
		json_t *r = ts_json(w->s, w->u, "POST", "/api/v1/receipts", b, 201, &got);
		if (r) {
			w->numbers[w->n++] =
				strtoll(json_string_value(json_object_get(r, "number")), NULL, 10);
			json_decref(r);
		} else if (w->stop_on_error) {
			break;
		}
	}
	free(b);
	return NULL;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

struct replacer {
	long long id;
	long status;
};

static void *replace_once(void *arg)
{
	struct replacer *w = arg;
	char path[128];
	json_t *j;
	snprintf(path, sizeof(path), "/api/v1/receipts/%lld/replace", w->id);
	j = ts_json(&srv, &collector, "POST", path,
		    "{\"reason\":\"Sai tên người nộp\",\"payer\":{\"name\":\"Lê Thị Giang\",\"address\":\"Hà "
		    "Nội\"},\"lines\":[{\"name\":\"Lệ phí\",\"unit_amount\":20000}],\"method\":\"cash\"}",
		    0, &w->status);
	json_decref(j);
	return NULL;
}

/* Four replacements of one receipt at once: one is made, the others find it cancelled. */
static void concurrent_replacements(void **state)
{
	enum {
		N = 4
	};
	struct replacer w[N];
	pthread_t t[N];
	char *b = receipt_body(district_book, "Lê Thị Giang", 20000);
	json_t *r = call(&collector, "POST", "/api/v1/receipts", b, 201);
	int made = 0, refused = 0;
	(void)state;
	free(b);
	for (int i = 0; i < N; i++) {
		w[i] = (struct replacer){ .id = num(r, "id") };
		assert_int_equal(pthread_create(&t[i], NULL, replace_once, &w[i]), 0);
	}
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		made += w[i].status == 201;
		refused += w[i].status == 409;
	}
	assert_int_equal(made, 1);
	assert_int_equal(refused, N - 1);
	assert_int_equal(ts_sql_int(&srv, "SELECT COUNT(*) FROM receipts WHERE replaces_id = ?", "i",
				    num(r, "id"), 0),
			 1);
	json_decref(r);
}

/* The most a receipt holds: 20 lines with names of 200 bytes. */
static void longest_receipt(void **state)
{
	static const char start[] = "Lệ phí cấp bản sao ";
	struct buf body = BUF_INIT;
	json_t *r;
	(void)state;
	buf_addf(&body,
		 "{\"book\":%lld,\"payer\":{\"name\":\"Nguyễn Văn An\",\"address\":\"Hà Nội\"},\"lines\":[",
		 district_book);
	for (int i = 0; i < RECEIPT_LINES_MAX; i++) {
		buf_addf(&body, "%s{\"name\":\"%s", i ? "," : "", start);
		for (size_t k = strlen(start); k < 200; k++)
			buf_addch(&body, 'a');
		buf_addf(&body, "\",\"quantity\":%d,\"unit_amount\":1000}", i + 1);
	}
	buf_adds(&body, "],\"method\":\"transfer\"}");
	r = call(&collector, "POST", "/api/v1/receipts", body.ptr, 201);
	assert_int_equal(json_array_size(json_object_get(r, "lines")), RECEIPT_LINES_MAX);
	assert_int_equal(num(r, "total"), 210000);
	json_decref(r);
	buf_release(&body);
}

static void sixteen_concurrent_issuers(void **state)
{
	enum {
		N = 16
	};
	static struct issuer w[N];
	pthread_t t[N];
	long long first, *all, total = 0, k = 0;
	(void)state;

	first = ts_sql_int(&srv, "SELECT COALESCE(MAX(number), 0) FROM receipts WHERE book_id = ?", "i",
			   district_book, 0);
	for (int i = 0; i < N; i++) {
		w[i] = (struct issuer){
			.s = &srv, .u = &collector, .book = district_book, .until_ms = now_ms() + 3000
		};
		assert_int_equal(pthread_create(&t[i], NULL, issue_loop, &w[i]), 0);
	}
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		total += (long long)w[i].n;
	}
	print_message("# 16 issuers: %lld receipts in 3 s\n", total);
	assert_true(total >= N);
	all = calloc((size_t)total, sizeof(*all));
	for (int i = 0; i < N; i++)
		for (size_t j = 0; j < w[i].n; j++)
			all[k++] = w[i].numbers[j];
	qsort(all, (size_t)total, sizeof(*all), cmp_ll);
	/* the acknowledged numbers are first+1 … first+total: no gap, no duplicate */
	for (long long i = 0; i < total; i++)
		assert_int_equal(all[i], first + 1 + i);
	free(all);
	/* and the database holds exactly those */
	assert_int_equal(ts_sql_int(&srv, "SELECT COUNT(DISTINCT number) FROM receipts WHERE book_id = ?",
				    "i", district_book, 0),
			 first + total);
	assert_int_equal(ts_sql_int(&srv, "SELECT MAX(number) FROM receipts WHERE book_id = ?", "i",
				    district_book, 0),
			 first + total);
}

static void crash_keeps_acknowledged_receipts(void **state)
{
	static struct issuer w;
	struct test_server peer;
	pthread_t t;
	long long max, count;
	(void)state;

	w = (struct issuer){ .s = &srv,
			     .u = &collector,
			     .book = district_book,
			     .until_ms = now_ms() + 20000,
			     .stop_on_error = 1 };
	assert_int_equal(pthread_create(&t, NULL, issue_loop, &w), 0);
	usleep(1500 * 1000);
	/* the power goes: no chance to finish anything */
	assert_int_equal(kill(srv.pid, SIGKILL), 0);
	pthread_join(t, NULL);
	assert_true(w.n > 5);
	ts_wait_exit(&srv, 5000);
	assert_int_equal(ts_start_peer(&peer, &srv, NULL), 0);
	/* every acknowledged receipt is there */
	for (size_t i = 0; i < w.n; i++)
		assert_int_equal(ts_sql_int(&srv,
					    "SELECT COUNT(*) FROM receipts WHERE book_id = ? AND number = ?",
					    "ii", district_book, w.numbers[i]),
				 1);
	/* and the numbers stay 1..max without a hole */
	max = ts_sql_int(&srv, "SELECT MAX(number) FROM receipts WHERE book_id = ?", "i", district_book, 0);
	count = ts_sql_int(&srv, "SELECT COUNT(DISTINCT number) FROM receipts WHERE book_id = ?", "i",
			   district_book, 0);
	assert_int_equal(count, max);
	print_message("# crash: %zu acknowledged, %lld in the book after restart\n", w.n, max);
	/* the restarted server goes on from there */
	{
		struct test_server keep = srv;
		char *b = receipt_body(district_book, "Sau khi khởi động lại", 10000);
		json_t *r;
		srv = peer;
		r = call(&collector, "POST", "/api/v1/receipts", b, 201);
		free(b);
		assert_int_equal(strtoll(str(r, "number"), NULL, 10), max + 1);
		json_decref(r);
		srv = keep;
		/* the peer owns nothing: stopping it leaves the folder for teardown */
		assert_int_equal(ts_stop(&peer), 0);
	}
	/* teardown stops `srv`, which is gone: relaunch it so it has a server to stop */
	srv.pid = 0;
	assert_int_equal(ts_launch(&srv, NULL, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(issue_and_check),
		cmocka_unit_test(bad_input_changes_nothing),
		cmocka_unit_test(cancel_and_replace),
		cmocka_unit_test(dossier_fee_paid),
		cmocka_unit_test(altered_xml_is_invalid),
		cmocka_unit_test(report_and_reconciliation),
		cmocka_unit_test(concurrent_replacements),
		cmocka_unit_test(longest_receipt),
		cmocka_unit_test(sixteen_concurrent_issuers),
		cmocka_unit_test(crash_keeps_acknowledged_receipts),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("tests", tests, setup, teardown);
}
