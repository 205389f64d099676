/*
 * t0015-catalogue: the public procedure catalogue as a citizen sees it, without logging in: search that
 * ignores tones and case, filters and counts that agree with the list, paging, a procedure's page (fees
 * with their page steps and cap, documents, time, the online button), the fee calculator and the fee
 * API, blank forms to download, 404 for codes not published, 400 for bad filters, escaping, printing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/arena.h"
#include "features/files.h"
#include "features/procedures.h"
#include "harness.h"
#include "rules/fold.h"
#include "store/db.h"

#define CERT	    "2.000815" /* chứng thực bản sao từ bản chính */
#define BIRTH	    "1.001193" /* đăng ký khai sinh */
#define SUBMIT	    "Nộp hồ sơ trực tuyến"
#define FORM_CODE   "TX.BM-01"	 /* made by the form test, with a blank form */
#define DRAFT_CODE  "TX.NHAP-01" /* a draft never published */
#define NOT_FOUND   "Không tìm thấy thủ tục này trong danh mục thủ tục hành chính đã công bố."
#define EMPTY_STATE "Không tìm thấy thủ tục phù hợp"

static struct test_server srv;
static struct db *db; /* the server's database, for the rows the tests add */

/* ---- talking to the server ---- */

static long get(const char *path, struct http_resp *r)
{
	resp_init(r);
	assert_int_equal(http_get(&srv, path, r), 0);
	return r->status;
}

/* GET an API path; the JSON answer (the caller frees it), *status its status. */
static json_t *api(const char *path, long *status)
{
	struct http_resp r;
	json_error_t e;
	json_t *j;
	*status = get(path, &r);
	j = json_loads(r.body.ptr, 0, &e);
	if (!j)
		fail_msg("%s: not JSON (%s): %s", path, e.text, r.body.ptr);
	resp_free(&r);
	return j;
}

static json_t *api_ok(const char *path)
{
	long status;
	json_t *j = api(path, &status);
	if (status != 200)
		fail_msg("%s: status %ld", path, status);
	return j;
}

static void expect_text(const struct http_resp *r, const char *text)
{
	if (!strstr(r->body.ptr, text))
		fail_msg("\"%s\" is not in the answer (status %ld)", text, r->status);
}

static void expect_no_text(const struct http_resp *r, const char *text)
{
	if (strstr(r->body.ptr, text))
		fail_msg("\"%s\" should not be in the answer", text);
}

/* The error message of an API answer. */
static const char *error_message(json_t *j)
{
	const char *m = json_string_value(json_object_get(json_object_get(j, "error"), "message"));
	assert_non_null(m);
	return m;
}

/* Percent-encode s for a query value. */
static const char *enc(const char *s)
{
	static char bufs[4][600];
	static unsigned n;
	char *b = bufs[n++ % 4], *p = b;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		    c == '-')
			*p++ = (char)c;
		else
			p += sprintf(p, "%%%02X", c);
	}
	*p = '\0';
	return b;
}

/* s as the templates escape it for HTML. */
static const char *html(const char *s)
{
	static char bufs[4][2000];
	static unsigned n;
	char *b = bufs[n++ % 4], *p = b;
	for (; *s; s++) {
		switch (*s) {
		case '&': p += sprintf(p, "&amp;"); break;
		case '<': p += sprintf(p, "&lt;"); break;
		case '>': p += sprintf(p, "&gt;"); break;
		case '"': p += sprintf(p, "&quot;"); break;
		case '\'': p += sprintf(p, "&#39;"); break;
		default: *p++ = *s;
		}
	}
	*p = '\0';
	return b;
}

/* The codes of the whole list for a query string ("q=…&level=…", may be ""), as "c1 c2 …", in out. */
static const char *codes_of(const char *query, char *out, size_t n, json_int_t *total)
{
	size_t len = 0;
	out[0] = '\0';
	for (int page = 1;; page++) {
		char path[800];
		json_t *j, *rows, *row;
		size_t i;
		snprintf(path, sizeof(path), "/api/v1/procedures?%s%sper_page=100&page=%d", query,
			 *query ? "&" : "", page);
		j = api_ok(path);
		rows = json_object_get(j, "procedures");
		assert_true(json_is_array(rows));
		json_array_foreach(rows, i, row)
		{
			len += (size_t)snprintf(out + len, n - len, "%s ",
						json_string_value(json_object_get(row, "code")));
			assert_true(len < n);
		}
		*total = json_integer_value(json_object_get(j, "total"));
		i = json_array_size(rows);
		json_decref(j);
		if (i < 100)
			break;
	}
	return out;
}

/* 1 when the space-separated list holds code. */
static int has_code(const char *list, const char *code)
{
	for (const char *p = list; (p = strstr(p, code)); p++)
		if ((p == list || p[-1] == ' ') && p[strlen(code)] == ' ')
			return 1;
	return 0;
}

static size_t words(const char *list)
{
	size_t n = 0;
	for (const char *p = list; *p; p++)
		n += *p == ' ';
	return n;
}

/* The procedure's JSON document from the API. */
static json_t *procedure(const char *code)
{
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/procedures/%s", code);
	return api_ok(path);
}

/* ---- set-up ---- */

static int setup(void **state)
{
	char *err = NULL;
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ts_init(&srv) || ts_demo(&srv) || ts_launch(&srv, NULL, NULL))
		return -1;
	db = db_open(srv.db, &err);
	if (!db) {
		fprintf(stderr, "cannot open %s: %s\n", srv.db, err ? err : "?");
		free(err);
		return -1;
	}
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

/* ---- the tests ---- */

/* The demo catalogue is there, public, with real procedures of both levels and inter-level ones. */
static void test_catalogue_public(void **state)
{
	struct http_resp r;
	json_t *j;
	json_int_t total, ward, district, inter;
	char first[160];
	(void)state;
	j = api_ok("/api/v1/procedures");
	snprintf(first, sizeof(first), "href=\"/thu-tuc/%s\"",
		 json_string_value(
			 json_object_get(json_array_get(json_object_get(j, "procedures"), 0), "code")));
	total = json_integer_value(json_object_get(j, "total"));
	ward = json_integer_value(json_object_get(json_object_get(j, "counts"), "ward"));
	district = json_integer_value(json_object_get(json_object_get(j, "counts"), "district"));
	inter = json_integer_value(json_object_get(json_object_get(j, "counts"), "inter_level"));
	assert_true(total >= 25);
	assert_true(ward > 0 && district > 0 && inter > 0);
	assert_int_equal(json_integer_value(json_object_get(j, "page")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "per_page")), 20);
	assert_int_equal(json_array_size(json_object_get(j, "procedures")), 20);
	json_decref(j);

	assert_int_equal(get("/thu-tuc", &r), 200);
	expect_text(&r, "<h1 id=\"cat-title\">Thủ tục hành chính</h1>");
	expect_text(&r, "href=\"/thu-tuc\" aria-current=\"page\""); /* the menu marks where we are */
	expect_text(&r, "<form method=\"get\" action=\"/thu-tuc\"");
	expect_text(&r, first); /* the same first row as the API's */
	resp_free(&r);
}

/* "chung thuc", "CHỨNG THỰC", "chứng thực" (and its decomposed form) find the same procedures. */
static void test_search_folds(void **state)
{
	static char a[8192], b[8192], c[8192], d[8192], e[8192];
	json_int_t ta, tb, tc, td, te;
	struct http_resp r;
	(void)state;
	codes_of("q=chung%20thuc", a, sizeof(a), &ta);
	snprintf(e, sizeof(e), "q=%s", enc("CHỨNG THỰC"));
	codes_of(e, b, sizeof(b), &tb);
	snprintf(e, sizeof(e), "q=%s", enc("chứng thực"));
	codes_of(e, c, sizeof(c), &tc);
	/* NFD: u + horn + acute, u + horn + dot below */
	snprintf(e, sizeof(e), "q=%s", enc("chu\xcc\x9b\xcc\x81ng thu\xcc\x9b\xcc\xa3\x63"));
	codes_of(e, d, sizeof(d), &td);
	assert_true(has_code(a, CERT));
	assert_true(ta >= 2);
	assert_int_equal(ta, (json_int_t)words(a));
	assert_string_equal(a, b);
	assert_string_equal(a, c);
	assert_string_equal(a, d);
	assert_int_equal(ta, tb);
	assert_int_equal(ta, tc);
	assert_int_equal(ta, td);
	/* words in any order, surrounded by spaces and punctuation */
	snprintf(e, sizeof(e), "q=%s", enc("  thực,   CHỨNG! "));
	codes_of(e, b, sizeof(b), &te);
	assert_string_equal(a, b);

	/* the page finds them the same way and keeps what was typed in the box */
	assert_int_equal(get("/thu-tuc?q=CH%E1%BB%A8NG+TH%E1%BB%B0C", &r), 200);
	expect_text(&r, "href=\"/thu-tuc/" CERT "\"");
	expect_text(&r, "value=\"CHỨNG THỰC\"");
	resp_free(&r);
}

/* "dang ky" finds đăng ký: đ matches d; every result has both words. */
static void test_search_d(void **state)
{
	static char list[8192], again[8192];
	json_int_t total, t2;
	json_t *j, *rows, *row;
	size_t i;
	(void)state;
	codes_of("q=dang%20ky", list, sizeof(list), &total);
	assert_true(has_code(list, BIRTH));
	codes_of("q=%C4%90%C4%82NG%20K%C3%9D", again, sizeof(again), &t2); /* ĐĂNG KÝ */
	assert_string_equal(list, again);
	j = api_ok("/api/v1/procedures?q=dang+ky&per_page=100");
	rows = json_object_get(j, "procedures");
	json_array_foreach(rows, i, row)
	{
		char text[2048], folded[2048];
		snprintf(text, sizeof(text), "%s %s %s", json_string_value(json_object_get(row, "code")),
			 json_string_value(json_object_get(row, "name")),
			 json_string_value(json_object_get(row, "field")));
		assert_true(fold_text(text, folded, sizeof(folded)) >= 0);
		if (!strstr(folded, "dang") || !strstr(folded, "ky"))
			fail_msg("%s does not have the words searched", text);
	}
	json_decref(j);
	/* words that are nowhere: an empty list, and the page says so */
	{
		struct http_resp r;
		codes_of("q=khongcothutucnay", list, sizeof(list), &total);
		assert_int_equal(total, 0);
		assert_int_equal(get("/thu-tuc?q=khongcothutucnay", &r), 200);
		expect_text(&r, EMPTY_STATE);
		expect_no_text(&r, "<table class=\"procedure-list\"");
		resp_free(&r);
	}
}

/* Each filter keeps only what it names; the counts by level follow the other filters. */
static void test_filters_and_counts(void **state)
{
	static char all[8192], part[8192];
	json_t *j, *rows, *row, *counts;
	json_int_t total, n, city, district, ward, inter, all_ward;
	size_t i, inter_rows = 0, field_rows = 0, full_rows = 0;
	json_t *cert = procedure(CERT);
	const char *field = json_string_value(json_object_get(cert, "field"));
	char path[600];
	struct http_resp r;
	(void)state;

	/* the whole list, to count by hand */
	codes_of("", all, sizeof(all), &total);
	assert_int_equal(total, (json_int_t)words(all));
	j = api_ok("/api/v1/procedures?per_page=100");
	counts = json_object_get(j, "counts");
	city = json_integer_value(json_object_get(counts, "city"));
	district = json_integer_value(json_object_get(counts, "district"));
	ward = json_integer_value(json_object_get(counts, "ward"));
	inter = json_integer_value(json_object_get(counts, "inter_level"));
	all_ward = ward;
	assert_int_equal(json_integer_value(json_object_get(counts, "total")), total);
	assert_int_equal(city + district + ward, total);
	assert_true(total <= 100); /* the demo fits one page of 100 */
	rows = json_object_get(j, "procedures");
	json_array_foreach(rows, i, row)
	{
		inter_rows += json_is_true(json_object_get(row, "inter_level"));
		field_rows += !strcmp(json_string_value(json_object_get(row, "field")), field);
		full_rows += !strcmp(json_string_value(json_object_get(row, "online")), "full");
	}
	assert_int_equal(inter_rows, inter);
	assert_true(full_rows > 0);
	json_decref(j);

	/* by level: only that level, as many as the count said */
	{
		const char *levels[] = { "district", "ward" };
		json_int_t expect[] = { district, ward };
		for (int k = 0; k < 2; k++) {
			snprintf(path, sizeof(path), "/api/v1/procedures?level=%s&per_page=100", levels[k]);
			j = api_ok(path);
			assert_int_equal(json_integer_value(json_object_get(j, "total")), expect[k]);
			/* the level counts ignore the level filter: they show what each level would give */
			assert_int_equal(
				json_integer_value(json_object_get(json_object_get(j, "counts"), "ward")),
				ward);
			json_array_foreach(json_object_get(j, "procedures"), i, row) assert_string_equal(
				json_string_value(json_object_get(row, "level")), levels[k]);
			json_decref(j);
		}
	}
	/* inter-level only */
	j = api_ok("/api/v1/procedures?inter_level=1&per_page=100");
	assert_int_equal(json_integer_value(json_object_get(j, "total")), inter);
	json_array_foreach(json_object_get(j, "procedures"), i, row)
		assert_true(json_is_true(json_object_get(row, "inter_level")));
	json_decref(j);
	/* a field: its procedures, and counts that follow it */
	snprintf(path, sizeof(path), "/api/v1/procedures?field=%s&per_page=100", enc(field));
	j = api_ok(path);
	n = json_integer_value(json_object_get(j, "total"));
	assert_int_equal(n, (json_int_t)field_rows);
	counts = json_object_get(j, "counts");
	assert_int_equal(json_integer_value(json_object_get(counts, "city")) +
				 json_integer_value(json_object_get(counts, "district")) +
				 json_integer_value(json_object_get(counts, "ward")),
			 n);
	json_array_foreach(json_object_get(j, "procedures"), i, row)
		assert_string_equal(json_string_value(json_object_get(row, "field")), field);
	ward = json_integer_value(json_object_get(counts, "ward"));
	json_decref(j);
	/* online, with the search */
	j = api_ok("/api/v1/procedures?online=full&per_page=100");
	assert_int_equal(json_integer_value(json_object_get(j, "total")), (json_int_t)full_rows);
	json_decref(j);
	codes_of("q=chung%20thuc&online=none", part, sizeof(part), &n);
	codes_of("q=chung%20thuc", all, sizeof(all), &total);
	assert_true(n <= total);

	/* the page: "Cấp quận: N · Cấp phường: N · Liên thông: N" following the field filter */
	snprintf(path, sizeof(path), "/thu-tuc?field=%s", enc(field));
	assert_int_equal(get(path, &r), 200);
	{
		char want[160];
		snprintf(want, sizeof(want), "Cấp phường: <strong>%lld</strong>", (long long)ward);
		expect_text(&r, want);
		expect_text(&r, "Cấp quận: <strong>");
		expect_text(&r, "Liên thông: <strong>");
		snprintf(want, sizeof(want), "<option value=\"%s\" selected>", html(field));
		expect_text(&r, want);
	}
	resp_free(&r);
	/* on the page "Liên thông" is a choice of the level box: its count, like the levels', ignores that
	 * box */
	{
		const char *choices[] = { "/thu-tuc?level=inter", "/thu-tuc?level=ward",
					  "/thu-tuc?level=district" };
		for (int k = 0; k < 3; k++) {
			char want[160];
			assert_int_equal(get(choices[k], &r), 200);
			snprintf(want, sizeof(want), "<option value=\"%s\" selected>", choices[k] + 15);
			expect_text(&r, want);
			snprintf(want, sizeof(want), "Cấp quận: <strong>%lld</strong>", (long long)district);
			expect_text(&r, want);
			snprintf(want, sizeof(want), "Liên thông: <strong>%lld</strong>", (long long)inter);
			expect_text(&r, want);
			snprintf(want, sizeof(want), "<strong id=\"total\">%lld</strong>",
				 (long long)(k == 0   ? inter
					     : k == 1 ? all_ward
						      : district));
			expect_text(&r, want);
			resp_free(&r);
		}
	}
	json_decref(cert);
}

/* 20 a page, "Trang N / M", Trước/Sau keeping the filters; the API pages the same list. */
static void test_paging(void **state)
{
	static char all[8192];
	json_int_t total;
	json_t *j, *row;
	size_t i;
	struct http_resp r;
	char want[200], path[200];
	long pages;
	(void)state;
	codes_of("", all, sizeof(all), &total);
	pages = (long)((total + 19) / 20);
	assert_true(pages >= 2);

	assert_int_equal(get("/thu-tuc", &r), 200);
	snprintf(want, sizeof(want), "<span>Trang 1 / %ld</span>", pages);
	expect_text(&r, want);
	expect_text(&r, "<a href=\"/thu-tuc?page=2\" rel=\"next\">Sau</a>");
	expect_no_text(&r, "rel=\"prev\"");
	resp_free(&r);

	snprintf(path, sizeof(path), "/thu-tuc?page=%ld", pages);
	assert_int_equal(get(path, &r), 200);
	snprintf(want, sizeof(want), "<span>Trang %ld / %ld</span>", pages, pages);
	expect_text(&r, want);
	snprintf(want, sizeof(want), "<a href=\"/thu-tuc?page=%ld\" rel=\"prev\">Trước</a>", pages - 1);
	expect_text(&r, want);
	expect_no_text(&r, "rel=\"next\"");
	resp_free(&r);

	/* the links keep the filters */
	assert_int_equal(get("/thu-tuc?q=thu&level=district&page=1", &r), 200);
	if (strstr(r.body.ptr, "rel=\"next\""))
		expect_text(&r, "href=\"/thu-tuc?q=thu&amp;level=district&amp;page=2\"");
	resp_free(&r);

	/* the API: page 2 of 5 is the 6th to 10th of the list */
	j = api_ok("/api/v1/procedures?per_page=5&page=2");
	assert_int_equal(json_integer_value(json_object_get(j, "per_page")), 5);
	assert_int_equal(json_array_size(json_object_get(j, "procedures")), 5);
	json_array_foreach(json_object_get(j, "procedures"), i, row)
	{
		const char *code = json_string_value(json_object_get(row, "code"));
		const char *p = all;
		for (size_t k = 0; k < 5 + i; k++)
			p = strchr(p, ' ') + 1;
		assert_memory_equal(p, code, strlen(code));
		assert_true(p[strlen(code)] == ' ');
	}
	json_decref(j);
	/* past the end: an empty page, not an error */
	snprintf(path, sizeof(path), "/api/v1/procedures?page=%ld", pages + 1);
	j = api_ok(path);
	assert_int_equal(json_array_size(json_object_get(j, "procedures")), 0);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), total);
	json_decref(j);
	snprintf(path, sizeof(path), "/thu-tuc?page=%ld", pages + 1);
	assert_int_equal(get(path, &r), 200);
	snprintf(want, sizeof(want), "href=\"/thu-tuc?page=%ld\"", pages);
	expect_text(&r, want);
	resp_free(&r);
}

/* The page of 2.000815: fees with their page steps and cap, documents, same day, no online button. */
static void test_detail_page(void **state)
{
	json_t *cert = procedure(CERT), *docs, *doc;
	struct http_resp r;
	size_t i;
	(void)state;
	assert_int_equal(get("/thu-tuc/" CERT, &r), 200);
	expect_text(&r, "<dd class=\"proc-code\">" CERT "</dd>");
	expect_text(&r, html(json_string_value(json_object_get(cert, "name"))));
	expect_text(&r, html(json_string_value(json_object_get(cert, "receiving"))));
	expect_text(&r, html(json_string_value(json_object_get(cert, "deciding"))));
	expect_text(&r, "2.000 đ/trang (trang 1–2)");
	expect_text(&r, "1.000 đ/trang (từ trang 3)");
	expect_text(&r, "tối đa 200.000 đ/bản");
	expect_text(&r, "<span id=\"proc-time\">Trong ngày</span>");
	expect_text(&r, "Thành phần hồ sơ");
	docs = json_object_get(cert, "documents");
	assert_true(json_array_size(docs) > 0);
	json_array_foreach(docs, i, doc)
		expect_text(&r, html(json_string_value(json_object_get(doc, "name"))));
	expect_text(&r, "Căn cứ pháp lý");
	expect_text(&r, "Quy trình nội bộ");
	if (!strcmp(json_string_value(json_object_get(cert, "online")), "none"))
		expect_no_text(&r, SUBMIT);
	else
		expect_text(&r, SUBMIT);
	/* the calculator's form is there, its answer only once asked */
	expect_text(&r, "name=\"pages\"");
	expect_no_text(&r, "id=\"fee-total\"");
	resp_free(&r);
	json_decref(cert);

	/* any procedure not offered online has no button; one fully online has it, to /nop-ho-so/{code} */
	{
		json_t *j = api_ok("/api/v1/procedures?online=none&per_page=1");
		const char *code = json_string_value(
			json_object_get(json_array_get(json_object_get(j, "procedures"), 0), "code"));
		char path[128];
		assert_non_null(code);
		snprintf(path, sizeof(path), "/thu-tuc/%s", code);
		assert_int_equal(get(path, &r), 200);
		expect_text(&r, "Không trực tuyến");
		expect_no_text(&r, SUBMIT);
		resp_free(&r);
		json_decref(j);

		j = api_ok("/api/v1/procedures?online=full&per_page=1");
		code = json_string_value(
			json_object_get(json_array_get(json_object_get(j, "procedures"), 0), "code"));
		assert_non_null(code);
		snprintf(path, sizeof(path), "/thu-tuc/%s", code);
		assert_int_equal(get(path, &r), 200);
		expect_text(&r, SUBMIT);
		expect_text(&r, "Toàn trình");
		snprintf(path, sizeof(path), "href=\"/nop-ho-so/%s\"", code);
		expect_text(&r, path);
		resp_free(&r);
		json_decref(j);
	}
	/* an inter-level procedure says where it is received and where decided */
	{
		json_t *j = api_ok("/api/v1/procedures?inter_level=1&per_page=1");
		const char *code = json_string_value(
			json_object_get(json_array_get(json_object_get(j, "procedures"), 0), "code"));
		char path[128];
		assert_non_null(code);
		snprintf(path, sizeof(path), "/thu-tuc/%s", code);
		assert_int_equal(get(path, &r), 200);
		expect_text(&r, "Liên thông: tiếp nhận tại cấp ");
		resp_free(&r);
		json_decref(j);
	}
}

/* The fee calculator on the page and the fee API use the same fee rules. */
static void test_fees(void **state)
{
	json_t *j, *lines;
	long status;
	struct http_resp r;
	(void)state;
	/* 2 copies of 3 pages: 2 × (2.000 + 2.000 + 1.000) */
	j = api_ok("/api/v1/procedures/" CERT "/fee?pages=3&copies=2");
	assert_string_equal(json_string_value(json_object_get(j, "code")), CERT);
	assert_int_equal(json_integer_value(json_object_get(j, "pages")), 3);
	assert_int_equal(json_integer_value(json_object_get(j, "copies")), 2);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 10000);
	lines = json_object_get(j, "lines");
	assert_true(json_array_size(lines) >= 1);
	assert_non_null(json_string_value(json_object_get(json_array_get(lines, 0), "name")));
	assert_int_equal(json_integer_value(json_object_get(json_array_get(lines, 0), "amount")), 10000);
	json_decref(j);
	/* 300 pages: 302.000 đ by the steps, capped at 200.000 đ a copy */
	j = api_ok("/api/v1/procedures/" CERT "/fee?pages=300&copies=1");
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 200000);
	json_decref(j);
	j = api_ok("/api/v1/procedures/" CERT "/fee?pages=1&copies=1");
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 2000);
	json_decref(j);
	/* a count not given is one */
	j = api_ok("/api/v1/procedures/" CERT "/fee?pages=3");
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 5000);
	json_decref(j);
	j = api_ok("/api/v1/procedures/" CERT "/fee?copies=2");
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 4000);
	json_decref(j);

	/* bad input: 400 with the reason in Vietnamese */
	{
		const char *bad[] = { "pages=0&copies=1",      "pages=abc&copies=1", "pages=&copies=1",
				      "pages=100001&copies=1", "pages=-1&copies=1",  "pages=3&copies=-2",
				      "pages=3&copies=0",      "pages=3&copies=1e3", "pages=3&copies=" };
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char path[160];
			snprintf(path, sizeof(path), "/api/v1/procedures/" CERT "/fee?%s", bad[i]);
			j = api(path, &status);
			if (status != 400)
				fail_msg("%s: status %ld", bad[i], status);
			assert_non_null(strstr(error_message(j),
					       i < 5 ? "Số trang phải là số nguyên từ 1 đến 100.000"
						     : "Số bản phải là số nguyên từ 1 đến 100.000"));
			json_decref(j);
		}
	}
	j = api("/api/v1/procedures/9.999999/fee?pages=1&copies=1", &status);
	assert_int_equal(status, 404);
	json_decref(j);

	/* the page's calculator */
	assert_int_equal(get("/thu-tuc/" CERT "?pages=3&copies=2", &r), 200);
	expect_text(&r, "<strong id=\"fee-total\">10.000 đ</strong>");
	expect_text(&r, "name=\"pages\" value=\"3\"");
	resp_free(&r);
	assert_int_equal(get("/thu-tuc/" CERT "?pages=300&copies=1", &r), 200);
	expect_text(&r, "<strong id=\"fee-total\">200.000 đ</strong>");
	resp_free(&r);
	assert_int_equal(get("/thu-tuc/" CERT "?pages=0&copies=2", &r), 400);
	expect_text(&r, "Số trang phải là số nguyên từ 1 đến 100.000.");
	expect_text(&r, "aria-invalid=\"true\"");
	expect_no_text(&r, "id=\"fee-total\"");
	resp_free(&r);
}

/* The API's document of the published version, with its version number. */
static void test_api_document(void **state)
{
	json_t *j = procedure(CERT), *fee;
	(void)state;
	assert_string_equal(json_string_value(json_object_get(j, "code")), CERT);
	assert_true(json_integer_value(json_object_get(j, "version")) >= 1);
	assert_string_equal(json_string_value(json_object_get(j, "level")), "ward");
	fee = json_array_get(json_object_get(j, "fees"), 0);
	assert_string_equal(json_string_value(json_object_get(fee, "per")), "page");
	assert_int_equal(json_integer_value(json_object_get(fee, "max")), 200000);
	assert_int_equal(json_array_size(json_object_get(fee, "tiers")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "time"), "amount")), 0);
	assert_true(json_array_size(json_object_get(j, "documents")) > 0);
	assert_true(json_array_size(json_object_get(j, "steps")) > 0);
	json_decref(j);
}

/* Codes not in the public catalogue: 404 on the page, the API and the forms; a draft is not shown. */
static void test_not_found(void **state)
{
	struct arena a;
	struct proc_version v;
	int64_t version = 0;
	long status;
	json_t *j;
	struct http_resp r;
	const char *paths[] = { "/thu-tuc/9.999999", "/thu-tuc/" DRAFT_CODE, "/thu-tuc/%3Cb%3E",
				"/thu-tuc/9.999999/bieu-mau/1" };
	(void)state;
	/* a draft: saved, never published */
	arena_init(&a);
	assert_int_equal(procedure_load(db, &a, CERT, 0, &v), 0);
	v.p.code = DRAFT_CODE;
	v.p.name = "Thủ tục bản nháp chưa công bố";
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(procedure_save(db, &v.p, "test", 1767225600, &version), 0);
	assert_int_equal(db_commit(db), 0);
	arena_release(&a);

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		assert_int_equal(get(paths[i], &r), 404);
		expect_text(&r, NOT_FOUND);
		expect_text(&r, "<h1 id=\"error-title\">");
		resp_free(&r);
	}
	j = api("/api/v1/procedures/9.999999", &status);
	assert_int_equal(status, 404);
	assert_string_equal(error_message(j), NOT_FOUND);
	json_decref(j);
	j = api("/api/v1/procedures/" DRAFT_CODE, &status);
	assert_int_equal(status, 404);
	json_decref(j);
	/* nor is it in the list or the search */
	{
		static char list[8192];
		json_int_t total;
		codes_of("q=ban%20nhap%20chua%20cong%20bo", list, sizeof(list), &total);
		assert_int_equal(total, 0);
	}
}

/* Bad filters: a 400 page (or JSON) with the reason in Vietnamese; nothing else shown. */
static void test_bad_filters(void **state)
{
	static const struct {
		const char *query, *message;
	} bad[] = {
		{ "level=xa", "Vui lòng chọn cấp thực hiện trong danh sách." },
		{ "field=Kh%C3%B4ng%20c%C3%B3", "Vui lòng chọn lĩnh vực trong danh sách." },
		{ "online=yes", "Vui lòng chọn mức độ trực tuyến trong danh sách." },
		{ "page=0", "Số trang phải là số nguyên từ 1 trở lên." },
		{ "page=abc", "Số trang phải là số nguyên từ 1 trở lên." },
	};
	struct http_resp r;
	long status;
	json_t *j;
	char path[1200], q[300];
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(path, sizeof(path), "/thu-tuc?%s", bad[i].query);
		assert_int_equal(get(path, &r), 400);
		expect_text(&r, bad[i].message);
		expect_no_text(&r, "<table class=\"procedure-list\"");
		resp_free(&r);
		snprintf(path, sizeof(path), "/api/v1/procedures?%s", bad[i].query);
		j = api(path, &status);
		assert_int_equal(status, 400);
		assert_string_equal(error_message(j), bad[i].message);
		json_decref(j);
	}
	/* the API's own: per_page up to 100, inter_level 0 or 1 */
	j = api("/api/v1/procedures?per_page=101", &status);
	assert_int_equal(status, 400);
	json_decref(j);
	j = api("/api/v1/procedures?inter_level=2", &status);
	assert_int_equal(status, 400);
	json_decref(j);
	j = api("/api/v1/procedures?level=inter", &status); /* the page's choice, not an API level */
	assert_int_equal(status, 400);
	json_decref(j);
	/* a search longer than 200 characters */
	memset(q, 'a', 201);
	q[201] = '\0';
	snprintf(path, sizeof(path), "/thu-tuc?q=%s", q);
	assert_int_equal(get(path, &r), 400);
	expect_text(&r, "Nội dung tìm kiếm quá dài");
	resp_free(&r);
}

/* What was typed comes back escaped: no markup of the visitor's in the page. */
static void test_escaping(void **state)
{
	struct http_resp r;
	(void)state;
	assert_int_equal(get("/thu-tuc?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%27", &r), 200);
	expect_no_text(&r, "<script>");
	expect_text(&r, "value=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;\"");
	expect_text(&r, EMPTY_STATE);
	resp_free(&r);
	/* in the paging links too, percent-encoded */
	assert_int_equal(get("/thu-tuc?q=%22%3E%3Cb%3Ethu&page=1", &r), 200);
	expect_no_text(&r, "\"><b>");
	resp_free(&r);
}

/* The page prints cleanly: it links site.css, whose print rules hide the header, menu, footer, forms. */
static void test_print_css(void **state)
{
	struct http_resp r;
	char css[256];
	const char *p, *e, *print;
	int hides_nav = 0, hides_calc = 0;
	(void)state;
	assert_int_equal(get("/thu-tuc/" CERT, &r), 200);
	p = strstr(r.body.ptr, "<link rel=\"stylesheet\" href=\"");
	assert_non_null(p);
	p += strlen("<link rel=\"stylesheet\" href=\"");
	e = strchr(p, '"');
	assert_non_null(e);
	assert_true((size_t)(e - p) < sizeof(css));
	memcpy(css, p, (size_t)(e - p));
	css[e - p] = '\0';
	assert_memory_equal(css, "/static/site.css", 16);
	resp_free(&r);

	assert_int_equal(get(css, &r), 200);
	for (print = r.body.ptr; (print = strstr(print, "@media print {")); print++) {
		const char *end = strstr(print, "\n}");
		char block[4096];
		size_t n;
		assert_non_null(end);
		n = (size_t)(end - print) < sizeof(block) - 1 ? (size_t)(end - print) : sizeof(block) - 1;
		memcpy(block, print, n);
		block[n] = '\0';
		if (strstr(block, ".main-nav") && strstr(block, ".site-header") &&
		    strstr(block, ".site-footer") && strstr(block, "display: none"))
			hides_nav = 1;
		if (strstr(block, ".fee-calc") && strstr(block, ".proc-actions") && strstr(block, "#000"))
			hides_calc = 1;
	}
	assert_true(hides_nav);
	assert_true(hides_calc);
	resp_free(&r);
}

/* A blank form: linked from the page, downloaded as an attachment with its name; 404 for none. */
static void test_form_download(void **state)
{
	static const char pdf[] = "%PDF-1.4\n% mẫu tờ khai thử\n%%EOF\n";
	struct arena a;
	struct proc_version v;
	int64_t version = 0;
	char data[400], sha[65], hdr[512];
	struct http_resp r;
	(void)state;
	snprintf(data, sizeof(data), "%s/data", srv.dir);
	assert_int_equal(files_store_bytes(data, pdf, sizeof(pdf) - 1, sha), 0);

	/* a procedure like 2.000815 whose first document has the form, published */
	arena_init(&a);
	assert_int_equal(procedure_load(db, &a, CERT, 0, &v), 0);
	v.p.code = FORM_CODE;
	v.p.name = "Thủ tục thử tải biểu mẫu";
	assert_true(v.p.ndocuments >= 1);
	v.p.documents[0].form_name = "Tờ khai \"thử\"";
	v.p.documents[0].form_file = sha;
	for (size_t i = 1; i < v.p.ndocuments; i++)
		v.p.documents[i].form_file = NULL;
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(procedure_save(db, &v.p, "test", 1767225600, &version), 0);
	assert_int_equal(procedure_publish(db, FORM_CODE, version, 1767225600), 0);
	assert_int_equal(db_commit(db), 0);

	/*
	 * a file of the store that was not uploaded as a blank form (a citizen's
	 * scan, later) is never served, even when a version names it
	 */
	assert_int_equal(get("/thu-tuc/" FORM_CODE "/bieu-mau/1", &r), 404);
	resp_free(&r);
	assert_int_equal(procedure_form_register(db, sha, "to-khai.pdf", (int64_t)sizeof(pdf) - 1, "test",
						 1767225600),
			 0);

	assert_int_equal(get("/thu-tuc/" FORM_CODE, &r), 200);
	expect_text(&r, "<a href=\"/thu-tuc/" FORM_CODE "/bieu-mau/1\" download>Tờ khai &quot;thử&quot;</a>");
	expect_no_text(&r, "/bieu-mau/2");
	resp_free(&r);

	assert_int_equal(get("/thu-tuc/" FORM_CODE "/bieu-mau/1", &r), 200);
	assert_int_equal(r.body.len, sizeof(pdf) - 1);
	assert_memory_equal(r.body.ptr, pdf, sizeof(pdf) - 1);
	assert_non_null(resp_hdr(&r, "Content-Type", hdr, sizeof(hdr)));
	assert_string_equal(hdr, "application/pdf");
	assert_non_null(resp_hdr(&r, "X-Content-Type-Options", hdr, sizeof(hdr)));
	assert_string_equal(hdr, "nosniff");
	assert_non_null(resp_hdr(&r, "Content-Disposition", hdr, sizeof(hdr)));
	/* an ASCII name for old clients, the UTF-8 one for the others */
	assert_string_equal(hdr, "attachment; filename=\"to-khai-thu.pdf\"; "
				 "filename*=UTF-8''T%E1%BB%9D%20khai%20%22th%E1%BB%AD%22.pdf");
	resp_free(&r);

	if (v.p.ndocuments >= 2) {
		assert_int_equal(get("/thu-tuc/" FORM_CODE "/bieu-mau/2", &r), 404);
		expect_text(&r, "Thủ tục này không có mẫu đơn, tờ khai cần tải.");
		resp_free(&r);
	}
	assert_int_equal(get("/thu-tuc/" FORM_CODE "/bieu-mau/0", &r), 404);
	resp_free(&r);
	assert_int_equal(get("/thu-tuc/" FORM_CODE "/bieu-mau/41", &r), 404);
	resp_free(&r);
	assert_int_equal(get("/thu-tuc/" FORM_CODE "/bieu-mau/x", &r), 404);
	resp_free(&r);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue_public),
		cmocka_unit_test(test_search_folds),
		cmocka_unit_test(test_search_d),
		cmocka_unit_test(test_filters_and_counts),
		cmocka_unit_test(test_paging),
		cmocka_unit_test(test_detail_page),
		cmocka_unit_test(test_fees),
		cmocka_unit_test(test_api_document),
		cmocka_unit_test(test_bad_filters),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_print_css),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_form_download),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
