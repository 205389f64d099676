/* t0009-units: the organisation units: admin pages and /api/v1/units; who may change what, and what is
 * refused. */
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
#include "harness.h"
#include "store/db.h"

#define DEMO_PASSWORD "ThanhXuan-Demo-2026"
#define FORM_TYPE     "Content-Type: application/x-www-form-urlencoded"

/* The Vietnamese messages a clerk reads. */
#define MSG_NAME_EMPTY	 "Vui lòng nhập tên đơn vị."
#define MSG_NAME_LONG	 "Tên đơn vị quá dài: vui lòng rút gọn."
#define MSG_NAME_CHARS	 "Tên đơn vị chứa ký tự không được phép."
#define MSG_SHORT_EMPTY	 "Vui lòng nhập tên viết tắt dùng trong ký hiệu văn bản (ví dụ UBND, VP, TP)."
#define MSG_SHORT_LONG	 "Tên viết tắt quá dài: vui lòng rút gọn."
#define MSG_SHORT_CHARS	 "Tên viết tắt chỉ gồm chữ cái và chữ số, không có dấu cách hay dấu câu."
#define MSG_CODE_EMPTY	 "Vui lòng nhập mã định danh của cơ quan."
#define MSG_CODE_SHAPE	 "Mã định danh phải có dạng 000.00.15.H26 (theo QCVN 102:2016)."
#define MSG_CODE_TAKEN	 "Mã định danh này đã được dùng cho một đơn vị khác."
#define MSG_KIND	 "Vui lòng chọn loại đơn vị."
#define MSG_TAX		 "Mã số thuế gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số (ví dụ 0101234567-001)."
#define MSG_ADDRESS_LONG "Địa chỉ quá dài: vui lòng rút gọn."
#define MSG_PARENT_EMPTY "Vui lòng chọn đơn vị cấp trên."
#define MSG_PARENT_NONE	 "Không có đơn vị cấp trên này."
#define MSG_PARENT_CYCLE "Không thể chuyển đơn vị vào chính nó hoặc vào một đơn vị trực thuộc nó."
#define MSG_TOO_DEEP	 "Cây tổ chức không được sâu quá 16 cấp."
#define MSG_PARENT_OFF	 "Đơn vị cấp trên đang ngừng hoạt động"
#define MSG_ACTIVE_KIDS	 "Đơn vị này vẫn còn đơn vị trực thuộc đang hoạt động"
#define MSG_IN_USE \
	"Đơn vị này đã có dữ liệu (đơn vị trực thuộc, tài khoản, vai trò hoặc ủy quyền) nên không thể xóa. Hãy chuyển đơn vị sang trạng thái ngừng hoạt động."
#define MSG_FIX_FIELDS "Vui lòng sửa các mục được đánh dấu dưới đây."
#define MSG_FORBIDDEN  "Bạn không có quyền thực hiện thao tác này."
#define MSG_STAFF_ONLY "Trang này chỉ dành cho cán bộ, công chức"
#define MSG_CSRF       "Biểu mẫu đã hết hạn hoặc không được gửi từ trang này."

static struct test_server srv;
/* the district's admin, the ward Nhân Chính's admin, a specialist, the city's admin */
static struct ts_user quantri, ward_admin, specialist, city_admin;
static long long city, district, ward, ward_onestop, other_ward;

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
static long long sql_int_s(const char *sql, const char *arg)
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

static long long sql_int_i(const char *sql, long long arg)
{
	struct db *db = open_db();
	struct db_stmt *st;
	long long v = -1;
	int rc = db_query(db, &st, sql, "i", (int64_t)arg);
	assert_true(rc >= 0);
	if (rc == DB_ROW)
		v = db_col_int(st, 0);
	db_release_statements(db);
	db_close(db);
	return v;
}

/* A text column of unit `id` into out ("" when there is no such unit). */
static const char *unit_text(long long id, const char *column, char *out, size_t n)
{
	char sql[200];
	struct db *db = open_db();
	struct db_stmt *st;
	int rc;
	snprintf(sql, sizeof(sql), "SELECT %s FROM units WHERE id = ?", column);
	rc = db_query(db, &st, sql, "i", (int64_t)id);
	assert_true(rc >= 0);
	snprintf(out, n, "%s", rc == DB_ROW && db_col_text(st, 0) ? db_col_text(st, 0) : "");
	db_release_statements(db);
	db_close(db);
	return out;
}

static long long unit_by_code(const char *code)
{
	long long id = sql_int_s("SELECT id FROM units WHERE agency_code = ?", code);
	return id < 0 ? 0 : id;
}

static long long units_named(const char *name)
{
	return sql_int_s("SELECT COUNT(*) FROM units WHERE name = ?", name);
}

static long long unit_count(void)
{
	return sql_int_s("SELECT COUNT(*) FROM units", NULL);
}

static long long parent_of(long long id)
{
	return sql_int_i("SELECT COALESCE(parent_id, 0) FROM units WHERE id = ?", id);
}

static long long active_of(long long id)
{
	return sql_int_i("SELECT active FROM units WHERE id = ?", id);
}

/* A fresh agency code for each unit the tests make: 3NN.01.15.H26. */
static const char *new_code(void)
{
	static char bufs[4][16];
	static unsigned n;
	char *b = bufs[n % 4];
	n++;
	snprintf(b, sizeof(bufs[0]), "%03u.01.15.H26", 300 + n);
	return b;
}

/* ---- setting up ---- */

static int setup(void **state)
{
	char cmd[1400];
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ts_init(&srv) || ts_demo(&srv))
		return -1;
	/* an admin of the city itself, for the 2025 two-level model (city → commune) */
	snprintf(cmd, sizeof(cmd),
		 "MOTCUA_PASSWORD='" DEMO_PASSWORD "' '%s' user add quantri.thanhpho --name 'Lê Văn Thành' "
		 "--unit 000.00.00.H26 --role admin --db '%s' >/dev/null 2>&1",
		 MOTCUA_BIN, srv.db);
	if (system(cmd))
		return -1;
	if (ts_launch(&srv, NULL, NULL))
		return -1;
	if (ts_login(&srv, "quantri", DEMO_PASSWORD, &quantri) != 201 ||
	    ts_login(&srv, "quantri.nhanchinh", DEMO_PASSWORD, &ward_admin) != 201 ||
	    ts_login(&srv, "chuyenvien", DEMO_PASSWORD, &specialist) != 201 ||
	    ts_login(&srv, "quantri.thanhpho", DEMO_PASSWORD, &city_admin) != 201)
		return -1;
	city = unit_by_code("000.00.00.H26");
	district = unit_by_code("000.00.15.H26");
	ward = unit_by_code("000.01.15.H26");
	ward_onestop = unit_by_code("100.01.15.H26");
	other_ward = unit_by_code("000.02.15.H26");
	return city && district && ward && ward_onestop && other_ward ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	int rc = ts_stop(&srv);
	curl_global_cleanup();
	return rc;
}

/* ---- talking to the server ---- */

/* Append "&name=value" (value percent-encoded) to a form body. */
static void add(struct buf *b, const char *name, const char *value)
{
	char *enc = curl_easy_escape(NULL, value, 0);
	assert_non_null(enc);
	buf_addf(b, "%s%s=%s", b->len ? "&" : "", name, enc);
	curl_free(enc);
}

/* GET as the user's browser (the session cookie only). */
static long browse(const struct ts_user *u, const char *path, struct http_resp *r)
{
	resp_init(r);
	assert_int_equal(http_req(&srv, "GET", path, (const char *const[]){ u->cookie, NULL }, NULL, 0, r),
			 0);
	return r->status;
}

/* The unit form's fields; NULL ones are not sent. */
struct uform {
	const char *parent, *kind, *code, *name, *short_name, *tax, *address, *active;
};

/*
 * What a browser does: open `page`, take the form's csrf field, post `f` to
 * `action` with it (or without any token). Returns the status of the POST.
 */
static long form_post(const struct ts_user *u, const char *page, const char *action, const struct uform *f,
		      int with_token, struct http_resp *post)
{
	struct http_resp r;
	struct buf body = BUF_INIT;
	char tok[128];
	if (browse(u, page, &r) != 200)
		fail_msg("GET %s: %ld", page, r.status);
	assert_non_null(resp_field(&r, "csrf", tok, sizeof(tok)));
	resp_free(&r);
	if (with_token)
		add(&body, "csrf", tok);
	if (f) {
		const char *names[] = { "parent_id",  "kind",	  "agency_code", "name",
					"short_name", "tax_code", "address",	 "active" };
		const char *values[] = { f->parent,	f->kind, f->code,    f->name,
					 f->short_name, f->tax,	 f->address, f->active };
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (values[i])
				add(&body, names[i], values[i]);
	}
	resp_init(post);
	assert_int_equal(http_req(&srv, "POST", action, (const char *const[]){ FORM_TYPE, u->cookie, NULL },
				  body.ptr, body.len, post),
			 0);
	buf_release(&body);
	return post->status;
}

/* A request through the API as the user (cookie and X-CSRF-Token). */
static long api(const struct ts_user *u, const char *method, const char *path, const char *body,
		struct http_resp *r)
{
	resp_init(r);
	assert_int_equal(ts_as(&srv, u, method, path, body, r), 0);
	return r->status;
}

/* The JSON body of a response (caller decrefs). */
static json_t *body_json(const struct http_resp *r)
{
	json_error_t e;
	json_t *v = json_loads(r->body.ptr, 0, &e);
	if (!v)
		fail_msg("not JSON (%s): %s", e.text, r->body.ptr);
	return v;
}

/* Create a unit through the API; its id. */
static long long api_create(const struct ts_user *u, long long parent, const char *kind, const char *name)
{
	struct http_resp r;
	json_t *v;
	long long id;
	char *body = NULL;
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s}", "parent_id", (json_int_t)parent, "kind", kind,
			      "agency_code", new_code(), "name", name, "short_name", "TCT");
	body = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (api(u, "POST", "/api/v1/units", body, &r) != 201)
		fail_msg("create \"%s\": %ld %s", name, r.status, r.body.ptr);
	free(body);
	v = body_json(&r);
	id = json_integer_value(json_object_get(json_object_get(v, "unit"), "id"));
	json_decref(v);
	resp_free(&r);
	assert_true(id > 0);
	return id;
}

static const char *path_of(char *out, size_t n, const char *fmt, long long id)
{
	snprintf(out, n, fmt, id);
	return out;
}

/* The field `id` is marked invalid on the page and described by its error, which says `msg`. */
static void expect_field_error(const struct http_resp *r, const char *id, const char *msg)
{
	char pat[600];
	const char *input, *end;
	snprintf(pat, sizeof(pat), "id=\"%s\" name=\"%s\"", id, id);
	input = strstr(r->body.ptr, pat);
	if (!input)
		fail_msg("no field \"%s\" on the page", id);
	end = strchr(input, '>');
	assert_non_null(end);
	snprintf(pat, sizeof(pat), "%s-error", id);
	if (!memmem(input, (size_t)(end - input), "aria-invalid=\"true\"", 19) ||
	    !memmem(input, (size_t)(end - input), pat, strlen(pat)))
		fail_msg("field \"%s\" is not marked invalid: %.*s", id, (int)(end - input), input);
	snprintf(pat, sizeof(pat), "<p class=\"field-error\" id=\"%s-error\">%s", id, msg);
	if (!strstr(r->body.ptr, pat))
		fail_msg("no error \"%s\" for \"%s\" on the page", msg, id);
}

/* The API answered 422 or 409 with `msg` for `field`. */
static void expect_api_error(const struct http_resp *r, long status, const char *field, const char *msg)
{
	json_t *v;
	const char *got;
	if (r->status != status)
		fail_msg("status %ld, want %ld: %s", r->status, status, r->body.ptr);
	v = body_json(r);
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "error"), "code")),
			    status == 409 ? "conflict" : "invalid");
	got = json_string_value(
		json_object_get(json_object_get(json_object_get(v, "error"), "fields"), field));
	if (!got || strncmp(got, msg, strlen(msg)))
		fail_msg("field \"%s\": \"%s\", want \"%s\"", field, got ? got : "(none)", msg);
	json_decref(v);
}

/* ---- the list ---- */

static void test_list_district_admin(void **state)
{
	struct http_resp r;
	char pat[400], h[64];
	(void)state;
	assert_int_equal(browse(&quantri, "/quan-tri/don-vi", &r), 200);
	assert_non_null(strstr(r.body.ptr, "<h1 id=\"units-title\">Quản lý đơn vị</h1>"));
	assert_non_null(
		strstr(r.body.ptr, "<a class=\"button\" href=\"/quan-tri/don-vi/them\">Thêm đơn vị</a>"));
	/* the district at the top, its wards one level in, their one-stop sections one more */
	snprintf(pat, sizeof(pat),
		 "<td class=\"unit-name depth-0\"><a href=\"/quan-tri/don-vi/%lld\">Quận Thanh Xuân</a>",
		 district);
	assert_non_null(strstr(r.body.ptr, pat));
	snprintf(
		pat, sizeof(pat),
		"<td class=\"unit-name depth-1\"><a href=\"/quan-tri/don-vi/%lld\">Phường Nhân Chính</a></td>\n"
		"        <td>Phường</td>\n        <td class=\"unit-code\">000.01.15.H26</td>\n"
		"        <td>UBND</td>\n        <td>Đang hoạt động</td>",
		ward);
	if (!strstr(r.body.ptr, pat))
		fail_msg("no row for the ward: %s", r.body.ptr);
	snprintf(
		pat, sizeof(pat),
		"<td class=\"unit-name depth-2\"><a href=\"/quan-tri/don-vi/%lld\">Bộ phận Một cửa phường Nhân Chính</a>",
		ward_onestop);
	assert_non_null(strstr(r.body.ptr, pat));
	assert_non_null(strstr(r.body.ptr, "Phường Kim Giang"));
	assert_non_null(strstr(r.body.ptr, "<td>Phòng ban chuyên môn</td>"));
	assert_non_null(strstr(r.body.ptr, "<td>Bộ phận một cửa</td>"));
	assert_non_null(strstr(r.body.ptr, "<td>QLĐT</td>"));
	/* the edit link of each, and the city above the district is not his */
	snprintf(pat, sizeof(pat), "href=\"/quan-tri/don-vi/%lld\"", ward);
	assert_non_null(strstr(r.body.ptr, pat));
	snprintf(pat, sizeof(pat), "href=\"/quan-tri/don-vi/%lld\"", city);
	assert_null(strstr(r.body.ptr, pat));
	assert_non_null(resp_hdr(&r, "Cache-Control", h, sizeof(h)));
	assert_string_equal(h, "no-store");
	resp_free(&r);
}

static void test_list_ward_admin(void **state)
{
	struct http_resp r;
	char pat[200];
	(void)state;
	assert_int_equal(browse(&ward_admin, "/quan-tri/don-vi", &r), 200);
	snprintf(pat, sizeof(pat),
		 "<td class=\"unit-name depth-0\"><a href=\"/quan-tri/don-vi/%lld\">Phường Nhân Chính</a>",
		 ward);
	assert_non_null(strstr(r.body.ptr, pat));
	assert_non_null(strstr(r.body.ptr, "Bộ phận Một cửa phường Nhân Chính"));
	assert_null(strstr(r.body.ptr, "Phường Thượng Đình"));
	snprintf(pat, sizeof(pat), "href=\"/quan-tri/don-vi/%lld\"", district);
	assert_null(strstr(r.body.ptr, pat));
	resp_free(&r);
}

/* Citizens and staff without unit.manage anywhere get 403; unit names stay readable to staff. */
static void test_forbidden_to_others(void **state)
{
	static const char reg[] = "{\"full_name\":\"Nguyễn Văn An\",\"citizen_id\":\"001099012345\","
				  "\"email\":\"an.nguyen@example.com\",\"password\":\"Hoa-Sen-Ho-Tay-2026\"}";
	const char *pages[] = { "/quan-tri/don-vi", "/quan-tri/don-vi/them", NULL };
	struct ts_user citizen;
	struct http_resp r;
	char path[100];
	(void)state;
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", "/api/v1/citizens",
				  (const char *const[]){ "Content-Type: application/json", NULL }, reg,
				  sizeof(reg) - 1, &r),
			 0);
	assert_int_equal(r.status, 201);
	resp_free(&r);
	assert_int_equal(ts_login(&srv, "an.nguyen@example.com", "Hoa-Sen-Ho-Tay-2026", &citizen), 201);

	for (int i = 0; pages[i]; i++) {
		assert_int_equal(browse(&citizen, pages[i], &r), 403);
		assert_non_null(strstr(r.body.ptr, MSG_STAFF_ONLY));
		resp_free(&r);
		assert_int_equal(browse(&specialist, pages[i], &r), 403);
		assert_non_null(strstr(r.body.ptr, MSG_FORBIDDEN));
		resp_free(&r);
	}
	assert_int_equal(browse(&citizen, path_of(path, sizeof(path), "/quan-tri/don-vi/%lld", ward), &r),
			 403);
	resp_free(&r);
	assert_int_equal(browse(&specialist, path_of(path, sizeof(path), "/quan-tri/don-vi/%lld", ward), &r),
			 403);
	resp_free(&r);
	assert_int_equal(api(&citizen, "GET", "/api/v1/units", NULL, &r), 403);
	resp_free(&r);
	/* a specialist creates nothing, by the form or the API */
	{
		struct buf b = BUF_INIT;
		char parent[24];
		snprintf(parent, sizeof(parent), "%lld", ward);
		add(&b, "csrf", specialist.csrf);
		add(&b, "parent_id", parent);
		add(&b, "kind", "department");
		add(&b, "agency_code", "299.01.15.H26");
		add(&b, "name", "Tổ của chuyên viên");
		add(&b, "short_name", "TCV");
		resp_init(&r);
		assert_int_equal(http_req(&srv, "POST", "/quan-tri/don-vi",
					  (const char *const[]){ FORM_TYPE, specialist.cookie, NULL }, b.ptr,
					  b.len, &r),
				 0);
		assert_int_equal(r.status, 403);
		assert_non_null(strstr(r.body.ptr, MSG_FORBIDDEN));
		resp_free(&r);
		/* even a form with nothing right in it: no unit.manage anywhere comes first */
		resp_init(&r);
		assert_int_equal(http_req(&srv, "POST", "/quan-tri/don-vi",
					  (const char *const[]){ FORM_TYPE, specialist.cookie,
								 specialist.token, NULL },
					  "kind=department", 15, &r),
				 0);
		assert_int_equal(r.status, 403);
		resp_free(&r);
		buf_release(&b);
	}
	assert_int_equal(api(&specialist, "POST", "/api/v1/units",
			     "{\"parent_id\":2,\"kind\":\"department\",\"agency_code\":\"299.01.15.H26\","
			     "\"name\":\"Tổ của chuyên viên\",\"short_name\":\"TCV\"}",
			     &r),
			 403);
	resp_free(&r);
	assert_int_equal(unit_by_code("299.01.15.H26"), 0);
	/* but the unit names are public: any official may read them */
	assert_int_equal(api(&specialist, "GET", "/api/v1/units?active=1", NULL, &r), 200);
	assert_non_null(strstr(r.body.ptr, "\"name\":\"Phường Nhân Chính\""));
	resp_free(&r);
}

/* ---- creating ---- */

static void test_create_through_form(void **state)
{
	struct http_resp r;
	char page[100], parent[24], h[200], want[200], text[400];
	const char *code = new_code();
	long long id;
	(void)state;
	snprintf(parent, sizeof(parent), "%lld", ward);
	path_of(page, sizeof(page), "/quan-tri/don-vi/them?parent=%lld", ward);
	/* the form offers the ward, chosen, and every kind with its Vietnamese name */
	assert_int_equal(browse(&quantri, page, &r), 200);
	snprintf(want, sizeof(want), "<option value=\"%lld\" selected>— Phường Nhân Chính</option>", ward);
	assert_non_null(strstr(r.body.ptr, want));
	assert_non_null(strstr(r.body.ptr, "<option value=\"province\">Tỉnh</option>"));
	assert_non_null(strstr(r.body.ptr, "<option value=\"commune\">Xã</option>"));
	assert_non_null(strstr(r.body.ptr, "<option value=\"city\">Thành phố</option>"));
	assert_non_null(strstr(r.body.ptr, "<option value=\"district\">Quận</option>"));
	assert_non_null(strstr(r.body.ptr, "<option value=\"ward\">Phường</option>"));
	assert_non_null(strstr(r.body.ptr, "<option value=\"department\">Phòng ban chuyên môn</option>"));
	assert_non_null(strstr(r.body.ptr, "<option value=\"onestop\">Bộ phận một cửa</option>"));
	assert_non_null(strstr(r.body.ptr, "<label for=\"agency_code\">Mã định danh</label>"));
	resp_free(&r);
	{
		/* the code typed with a lower-case letter is kept upper case */
		char lower[16];
		const struct uform f = { parent,
					 "department",
					 lower,
					 "Tổ công tác chuyển đổi số",
					 "TCTCĐS",
					 " 0101234567-002 ",
					 "Số 1 Nguyễn Trãi, Thanh Xuân",
					 NULL };
		snprintf(lower, sizeof(lower), "%.10s%c%s", code, code[10] + 32, code + 11);
		assert_int_equal(form_post(&quantri, page, "/quan-tri/don-vi", &f, 1, &r), 303);
	}
	assert_non_null(resp_hdr(&r, "Location", h, sizeof(h)));
	id = unit_by_code(code);
	assert_true(id > 0);
	snprintf(want, sizeof(want), "/quan-tri/don-vi/%lld?created=1", id);
	assert_string_equal(h, want);
	resp_free(&r);
	assert_int_equal(parent_of(id), ward);
	assert_int_equal(active_of(id), 1);
	assert_string_equal(unit_text(id, "kind", text, sizeof(text)), "department");
	assert_string_equal(unit_text(id, "name", text, sizeof(text)), "Tổ công tác chuyển đổi số");
	assert_string_equal(unit_text(id, "short_name", text, sizeof(text)), "TCTCĐS");
	assert_string_equal(unit_text(id, "tax_code", text, sizeof(text)), "0101234567-002");
	assert_string_equal(unit_text(id, "address", text, sizeof(text)), "Số 1 Nguyễn Trãi, Thanh Xuân");

	/* the page it leads to says so, and shows the unit under its ward */
	assert_int_equal(browse(&quantri, want, &r), 200);
	assert_non_null(strstr(r.body.ptr, "Đã thêm đơn vị."));
	assert_non_null(strstr(r.body.ptr, "value=\"Tổ công tác chuyển đổi số\""));
	snprintf(want, sizeof(want), "value=\"%s\"", code);
	assert_non_null(strstr(r.body.ptr, want));
	assert_non_null(strstr(r.body.ptr, "Số tài khoản thuộc đơn vị: <strong>0</strong>"));
	resp_free(&r);
	/* and the ward's page lists it among its units */
	assert_int_equal(browse(&quantri, path_of(page, sizeof(page), "/quan-tri/don-vi/%lld", ward), &r),
			 200);
	snprintf(want, sizeof(want),
		 "<li><a href=\"/quan-tri/don-vi/%lld\">Tổ công tác chuyển đổi số</a> — Phòng ban chuyên môn",
		 id);
	assert_non_null(strstr(r.body.ptr, want));
	assert_non_null(strstr(r.body.ptr, "Số tài khoản thuộc đơn vị: <strong>3</strong>"));
	resp_free(&r);
}

static void test_create_through_api(void **state)
{
	struct http_resp r;
	char body[400], path[100], h[100];
	const char *code = new_code();
	json_t *v, *u;
	long long id;
	(void)state;
	snprintf(
		body, sizeof(body),
		"{\"parent_id\":%lld,\"kind\":\"department\",\"agency_code\":\"%s\",\"name\":\"Tổ dân phố số 5\","
		"\"short_name\":\"TDP5\",\"tax_code\":\"0101234567\"}",
		ward, code);
	assert_int_equal(api(&quantri, "POST", "/api/v1/units", body, &r), 201);
	v = body_json(&r);
	u = json_object_get(v, "unit");
	id = json_integer_value(json_object_get(u, "id"));
	assert_true(id > 0);
	assert_int_equal(json_integer_value(json_object_get(u, "parent_id")), ward);
	assert_string_equal(json_string_value(json_object_get(u, "agency_code")), code);
	assert_string_equal(json_string_value(json_object_get(u, "name")), "Tổ dân phố số 5");
	assert_string_equal(json_string_value(json_object_get(u, "tax_code")), "0101234567");
	assert_string_equal(json_string_value(json_object_get(u, "address")), "");
	assert_true(json_is_true(json_object_get(u, "active")));
	json_decref(v);
	assert_non_null(resp_hdr(&r, "Location", h, sizeof(h)));
	assert_string_equal(h, path_of(path, sizeof(path), "/api/v1/units/%lld", id));
	resp_free(&r);
	assert_int_equal(unit_by_code(code), id);

	assert_int_equal(api(&quantri, "GET", path, NULL, &r), 200);
	assert_non_null(strstr(r.body.ptr, "\"short_name\":\"TDP5\""));
	resp_free(&r);
	/* the list by parent holds it; the active filter too */
	assert_int_equal(api(&specialist, "GET",
			     path_of(path, sizeof(path), "/api/v1/units?parent=%lld", ward), NULL, &r),
			 200);
	v = body_json(&r);
	{
		json_t *units = json_object_get(v, "units"), *x;
		size_t i;
		int found = 0;
		assert_true(json_array_size(units) >= 2);
		json_array_foreach(units, i, x)
		{
			assert_int_equal(json_integer_value(json_object_get(x, "parent_id")), ward);
			found += json_integer_value(json_object_get(x, "id")) == id;
		}
		assert_int_equal(found, 1);
	}
	json_decref(v);
	resp_free(&r);
	assert_int_equal(api(&quantri, "GET", "/api/v1/units?active=0", NULL, &r), 200);
	assert_null(strstr(r.body.ptr, "Tổ dân phố số 5"));
	resp_free(&r);
	/* bad filters and bodies */
	assert_int_equal(api(&quantri, "GET", "/api/v1/units?parent=abc", NULL, &r), 400);
	resp_free(&r);
	assert_int_equal(api(&quantri, "POST", "/api/v1/units", "{\"name\":5}", &r), 400);
	assert_non_null(strstr(r.body.ptr, "\"code\":\"bad_request\""));
	resp_free(&r);
	assert_int_equal(api(&quantri, "POST", "/api/v1/units", "{\"parent_id\":\"2\"}", &r), 400);
	resp_free(&r);
}

/* One bad field at a time through the form: 422, its message next to it, the values kept, nothing made. */
static void test_each_invalid_field_form(void **state)
{
	char parent[24], page[100], long_name[260], long_address[320], long_short[32];
	struct http_resp r;
	long long before = unit_count();
	(void)state;
	snprintf(parent, sizeof(parent), "%lld", ward);
	path_of(page, sizeof(page), "/quan-tri/don-vi/them?parent=%lld", ward);
	memset(long_name, 'a', 201);
	long_name[201] = '\0';
	memset(long_address, 'b', 301);
	long_address[301] = '\0';
	memset(long_short, 'C', 21);
	long_short[21] = '\0';
	{
		const struct {
			struct uform f;
			const char *field, *msg;
		} cases[] = {
			{ { parent, "department", "381.01.15.H26", "", "TCT", NULL, NULL, NULL },
			  "name",
			  MSG_NAME_EMPTY },
			{ { parent, "department", "381.01.15.H26", "   ", "TCT", NULL, NULL, NULL },
			  "name",
			  MSG_NAME_EMPTY },
			{ { parent, "department", "381.01.15.H26", long_name, "TCT", NULL, NULL, NULL },
			  "name",
			  MSG_NAME_LONG },
			{ { parent, "department", "381.01.15.H26", "Tổ\tcông tác", "TCT", NULL, NULL, NULL },
			  "name",
			  MSG_NAME_CHARS },
			{ { parent, "department", "381.01.15.H26", "Tổ công tác", "", NULL, NULL, NULL },
			  "short_name",
			  MSG_SHORT_EMPTY },
			{ { parent, "department", "381.01.15.H26", "Tổ công tác", "UB ND", NULL, NULL, NULL },
			  "short_name",
			  MSG_SHORT_CHARS },
			{ { parent, "department", "381.01.15.H26", "Tổ công tác", "QĐ-UBND", NULL, NULL,
			    NULL },
			  "short_name",
			  MSG_SHORT_CHARS },
			{ { parent, "department", "381.01.15.H26", "Tổ công tác", long_short, NULL, NULL,
			    NULL },
			  "short_name",
			  MSG_SHORT_LONG },
			{ { parent, "department", "", "Tổ công tác", "TCT", NULL, NULL, NULL },
			  "agency_code",
			  MSG_CODE_EMPTY },
			{ { parent, "department", "381.01.15.H2", "Tổ công tác", "TCT", NULL, NULL, NULL },
			  "agency_code",
			  MSG_CODE_SHAPE },
			{ { parent, "department", "381-01-15-H26", "Tổ công tác", "TCT", NULL, NULL, NULL },
			  "agency_code",
			  MSG_CODE_SHAPE },
			{ { parent, "department", "381.01.15.926", "Tổ công tác", "TCT", NULL, NULL, NULL },
			  "agency_code",
			  MSG_CODE_SHAPE },
			{ { parent, "hamlet", "381.01.15.H26", "Tổ công tác", "TCT", NULL, NULL, NULL },
			  "kind",
			  MSG_KIND },
			{ { parent, "", "381.01.15.H26", "Tổ công tác", "TCT", NULL, NULL, NULL },
			  "kind",
			  MSG_KIND },
			{ { parent, "department", "381.01.15.H26", "Tổ công tác", "TCT", "12345", NULL,
			    NULL },
			  "tax_code",
			  MSG_TAX },
			{ { parent, "department", "381.01.15.H26", "Tổ công tác", "TCT", "0101234567-01",
			    NULL, NULL },
			  "tax_code",
			  MSG_TAX },
			{ { parent, "department", "381.01.15.H26", "Tổ công tác", "TCT", "01012345678", NULL,
			    NULL },
			  "tax_code",
			  MSG_TAX },
			{ { parent, "department", "381.01.15.H26", "Tổ công tác", "TCT", NULL, long_address,
			    NULL },
			  "address",
			  MSG_ADDRESS_LONG },
			{ { "", "department", "381.01.15.H26", "Tổ công tác", "TCT", NULL, NULL, NULL },
			  "parent_id",
			  MSG_PARENT_EMPTY },
			{ { "999999", "department", "381.01.15.H26", "Tổ công tác", "TCT", NULL, NULL, NULL },
			  "parent_id",
			  MSG_PARENT_NONE },
			{ { "x1", "department", "381.01.15.H26", "Tổ công tác", "TCT", NULL, NULL, NULL },
			  "parent_id",
			  MSG_PARENT_EMPTY },
		};
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			if (form_post(&quantri, page, "/quan-tri/don-vi", &cases[i].f, 1, &r) != 422)
				fail_msg("case %zu (%s): status %ld, want 422", i, cases[i].field, r.status);
			expect_field_error(&r, cases[i].field, cases[i].msg);
			assert_non_null(strstr(r.body.ptr, MSG_FIX_FIELDS));
			/* what was typed is shown again */
			if (*cases[i].f.name && cases[i].f.name != long_name &&
			    strchr(cases[i].f.name, '\t') == NULL && strcmp(cases[i].f.name, "   ")) {
				char want[300];
				snprintf(want, sizeof(want), "value=\"%s\"", cases[i].f.name);
				assert_non_null(strstr(r.body.ptr, want));
			}
			if (cases[i].f.tax) {
				char want[300];
				snprintf(want, sizeof(want), "value=\"%s\"", cases[i].f.tax);
				assert_non_null(strstr(r.body.ptr, want));
			}
			resp_free(&r);
		}
	}
	/* every error at once */
	{
		const struct uform f = { "", "", "1.2.3", "", "U B", "abc", long_address, NULL };
		assert_int_equal(form_post(&quantri, page, "/quan-tri/don-vi", &f, 1, &r), 422);
		expect_field_error(&r, "parent_id", MSG_PARENT_EMPTY);
		expect_field_error(&r, "kind", MSG_KIND);
		expect_field_error(&r, "agency_code", MSG_CODE_SHAPE);
		expect_field_error(&r, "name", MSG_NAME_EMPTY);
		expect_field_error(&r, "short_name", MSG_SHORT_CHARS);
		expect_field_error(&r, "tax_code", MSG_TAX);
		expect_field_error(&r, "address", MSG_ADDRESS_LONG);
		assert_non_null(strstr(r.body.ptr, "value=\"1.2.3\""));
		resp_free(&r);
	}
	assert_int_equal(unit_count(), before);
	assert_int_equal(unit_by_code("381.01.15.H26"), 0);
}

static void test_each_invalid_field_api(void **state)
{
	const struct {
		const char *key, *value, *msg;
	} cases[] = {
		{ "name", "\"\"", MSG_NAME_EMPTY },
		{ "name", "\"Tổ\\u0007công tác\"", MSG_NAME_CHARS },
		{ "name", "\"Tổ\\u0085công tác\"", MSG_NAME_CHARS },
		{ "short_name", "\"UBND/VP\"", MSG_SHORT_CHARS },
		{ "agency_code", "\"000.01.15\"", MSG_CODE_SHAPE },
		{ "kind", "\"village\"", MSG_KIND },
		{ "tax_code", "\"0101234567 001\"", MSG_TAX },
		{ "parent_id", "null", MSG_PARENT_EMPTY },
		{ "parent_id", "123456", MSG_PARENT_NONE },
	};
	struct http_resp r;
	long long before = unit_count();
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* the good fields, then the bad one in place of its good one */
		json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s}", "parent_id", (json_int_t)ward, "kind",
				      "department", "agency_code", "382.01.15.H26", "name", "Tổ công tác",
				      "short_name", "TCT");
		char *body;
		json_object_set_new(o, cases[i].key, json_loads(cases[i].value, JSON_DECODE_ANY, NULL));
		body = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		api(&quantri, "POST", "/api/v1/units", body, &r);
		free(body);
		expect_api_error(&r, 422, cases[i].key, cases[i].msg);
		resp_free(&r);
	}
	/* a new unit is always active */
	{
		char body[400];
		snprintf(body, sizeof(body),
			 "{\"parent_id\":%lld,\"kind\":\"department\",\"agency_code\":\"382.01.15.H26\","
			 "\"name\":\"Tổ công tác\",\"short_name\":\"TCT\",\"active\":false}",
			 ward);
		api(&quantri, "POST", "/api/v1/units", body, &r);
		expect_api_error(&r, 422, "active", "Đơn vị mới luôn ở trạng thái hoạt động");
		resp_free(&r);
	}
	/* PATCH checks what it changes the same way */
	{
		char path[100];
		api(&quantri, "PATCH", path_of(path, sizeof(path), "/api/v1/units/%lld", ward_onestop),
		    "{\"short_name\":\"B P\",\"tax_code\":\"1\"}", &r);
		expect_api_error(&r, 422, "short_name", MSG_SHORT_CHARS);
		expect_api_error(&r, 422, "tax_code", MSG_TAX);
		resp_free(&r);
	}
	assert_int_equal(unit_count(), before);
	assert_int_equal(unit_by_code("382.01.15.H26"), 0);
}

/* A code already used: 409 through the API, the message next to the field on the page; nothing changed. */
static void test_taken_code(void **state)
{
	struct http_resp r;
	char parent[24], page[100], body[400], path[100], text[64];
	long long before = unit_count(), id;
	(void)state;
	snprintf(parent, sizeof(parent), "%lld", ward);
	path_of(page, sizeof(page), "/quan-tri/don-vi/them?parent=%lld", ward);
	{
		const struct uform f = { parent, "department", "000.02.15.H26", "Tổ trùng mã", "TTM", NULL,
					 NULL,	 NULL };
		assert_int_equal(form_post(&quantri, page, "/quan-tri/don-vi", &f, 1, &r), 409);
		expect_field_error(&r, "agency_code", MSG_CODE_TAKEN);
		assert_non_null(strstr(r.body.ptr, "value=\"Tổ trùng mã\""));
		resp_free(&r);
	}
	snprintf(
		body, sizeof(body),
		"{\"parent_id\":%lld,\"kind\":\"department\",\"agency_code\":\"100.01.15.h26\",\"name\":\"Tổ trùng "
		"mã\",\"short_name\":\"TTM\"}",
		ward);
	api(&quantri, "POST", "/api/v1/units", body, &r);
	expect_api_error(&r, 409, "agency_code", MSG_CODE_TAKEN);
	resp_free(&r);
	assert_int_equal(units_named("Tổ trùng mã"), 0);
	assert_int_equal(unit_count(), before);
	/* changing a unit's code to a taken one */
	id = api_create(&quantri, ward, "department", "Tổ đổi mã");
	api(&quantri, "PATCH", path_of(path, sizeof(path), "/api/v1/units/%lld", id),
	    "{\"agency_code\":\"000.01.15.H26\"}", &r);
	expect_api_error(&r, 409, "agency_code", MSG_CODE_TAKEN);
	resp_free(&r);
	assert_string_not_equal(unit_text(id, "agency_code", text, sizeof(text)), "000.01.15.H26");
	/* its own code again is no conflict */
	unit_text(id, "agency_code", text, sizeof(text));
	snprintf(body, sizeof(body), "{\"agency_code\":\"%s\",\"name\":\"Tổ đổi mã xong\"}", text);
	assert_int_equal(api(&quantri, "PATCH", path, body, &r), 200);
	resp_free(&r);
	assert_int_equal(units_named("Tổ đổi mã xong"), 1);
}

/* ---- moving ---- */

static void test_move(void **state)
{
	struct http_resp r;
	char path[100], page[100], body[200], a_s[24], b_s[24], code[64], name[200];
	long long a, b, c;
	(void)state;
	a = api_create(&quantri, ward, "department", "Tổ A");
	b = api_create(&quantri, a, "department", "Tổ B (dưới A)");
	c = api_create(&quantri, b, "department", "Tổ C (dưới B)");
	snprintf(a_s, sizeof(a_s), "%lld", a);
	snprintf(b_s, sizeof(b_s), "%lld", b);
	/* under its own child, its grandchild, itself: refused, in the API */
	snprintf(body, sizeof(body), "{\"parent_id\":%lld}", b);
	api(&quantri, "PATCH", path_of(path, sizeof(path), "/api/v1/units/%lld", a), body, &r);
	expect_api_error(&r, 422, "parent_id", MSG_PARENT_CYCLE);
	resp_free(&r);
	snprintf(body, sizeof(body), "{\"parent_id\":%lld}", c);
	api(&quantri, "PATCH", path, body, &r);
	expect_api_error(&r, 422, "parent_id", MSG_PARENT_CYCLE);
	resp_free(&r);
	snprintf(body, sizeof(body), "{\"parent_id\":%lld}", a);
	api(&quantri, "PATCH", path, body, &r);
	expect_api_error(&r, 422, "parent_id", MSG_PARENT_CYCLE);
	resp_free(&r);
	/* and on the page */
	path_of(page, sizeof(page), "/quan-tri/don-vi/%lld", a);
	unit_text(a, "agency_code", code, sizeof(code));
	{
		const struct uform f = { b_s, "department", code, "Tổ A", "TCT", "", "", "1" };
		assert_int_equal(form_post(&quantri, page, page, &f, 1, &r), 422);
		expect_field_error(&r, "parent_id", MSG_PARENT_CYCLE);
		resp_free(&r);
	}
	assert_int_equal(parent_of(a), ward);
	assert_int_equal(parent_of(b), a);
	/* the edit page does not offer them as parents */
	assert_int_equal(browse(&quantri, page, &r), 200);
	snprintf(body, sizeof(body), "<option value=\"%lld\"", b);
	assert_null(strstr(r.body.ptr, body));
	snprintf(body, sizeof(body), "<option value=\"%lld\" selected>", ward);
	assert_non_null(strstr(r.body.ptr, body));
	resp_free(&r);

	/* a real move, with the page: C from under B to under A, renamed on the way */
	path_of(page, sizeof(page), "/quan-tri/don-vi/%lld", c);
	unit_text(c, "agency_code", code, sizeof(code));
	{
		const struct uform f = { a_s, "department", code, "Tổ C (dưới A)", "TCT", "", "", "1" };
		char want[200];
		assert_int_equal(form_post(&quantri, page, page, &f, 1, &r), 303);
		assert_non_null(resp_hdr(&r, "Location", want, sizeof(want)));
		snprintf(body, sizeof(body), "/quan-tri/don-vi/%lld?saved=1", c);
		assert_string_equal(want, body);
		resp_free(&r);
	}
	assert_int_equal(parent_of(c), a);
	assert_string_equal(unit_text(c, "name", name, sizeof(name)), "Tổ C (dưới A)");
	assert_int_equal(browse(&quantri, body, &r), 200);
	assert_non_null(strstr(r.body.ptr, "Đã lưu thông tin đơn vị."));
	resp_free(&r);
	/* the audit row names what changed, before and after */
	snprintf(body, sizeof(body), "unit:%lld", c);
	{
		struct db *db = open_db();
		struct db_stmt *st;
		json_t *d, *p;
		assert_int_equal(
			db_query(db, &st,
				 "SELECT detail FROM audit_log WHERE action = 'unit.update' AND object = ? "
				 "ORDER BY seq DESC",
				 "s", body),
			DB_ROW);
		d = json_loads(db_col_text(st, 0), 0, NULL);
		db_release_statements(db);
		db_close(db);
		assert_non_null(d);
		p = json_object_get(d, "parent_id");
		assert_int_equal(json_integer_value(json_object_get(p, "before")), b);
		assert_int_equal(json_integer_value(json_object_get(p, "after")), a);
		assert_string_equal(json_string_value(json_object_get(json_object_get(d, "name"), "before")),
				    "Tổ C (dưới B)");
		assert_string_equal(json_string_value(json_object_get(json_object_get(d, "name"), "after")),
				    "Tổ C (dưới A)");
		assert_null(json_object_get(d, "kind")); /* unchanged fields are not listed */
		json_decref(d);
	}
}

/* The tree is at most 16 levels deep: ward (3) → 13 more; the 17th is refused, so is a move that would make
 * it. */
static void test_depth_limit(void **state)
{
	struct http_resp r;
	char body[400], path[100], name[64];
	long long parent = ward, id;
	(void)state;
	for (int level = 4; level <= 16; level++) {
		snprintf(name, sizeof(name), "Tổ cấp %d", level);
		parent = api_create(&quantri, parent, "department", name);
	}
	snprintf(
		body, sizeof(body),
		"{\"parent_id\":%lld,\"kind\":\"department\",\"agency_code\":\"383.01.15.H26\",\"name\":\"Tổ cấp "
		"17\",\"short_name\":\"TCT\"}",
		parent);
	api(&quantri, "POST", "/api/v1/units", body, &r);
	expect_api_error(&r, 422, "parent_id", MSG_TOO_DEEP);
	resp_free(&r);
	assert_int_equal(units_named("Tổ cấp 17"), 0);
	/* a unit with one under it cannot go under level 15 */
	id = api_create(&quantri, ward, "department", "Tổ có cấp dưới");
	api_create(&quantri, id, "department", "Tổ cấp dưới");
	snprintf(body, sizeof(body), "{\"parent_id\":%lld}", parent_of(parent));
	api(&quantri, "PATCH", path_of(path, sizeof(path), "/api/v1/units/%lld", id), body, &r);
	expect_api_error(&r, 422, "parent_id", MSG_TOO_DEEP);
	resp_free(&r);
	assert_int_equal(parent_of(id), ward);
	/* one level higher it fits */
	snprintf(body, sizeof(body), "{\"parent_id\":%lld}", parent_of(parent_of(parent)));
	assert_int_equal(api(&quantri, "PATCH", path, body, &r), 200);
	resp_free(&r);
}

/* ---- the ward admin's bounds ---- */

static void test_ward_admin_bounds(void **state)
{
	struct http_resp r;
	char path[100], body[400], other_s[24], district_s[24], ward_s[24];
	long long before = unit_count(), own;
	(void)state;
	snprintf(other_s, sizeof(other_s), "%lld", other_ward);
	snprintf(district_s, sizeof(district_s), "%lld", district);
	snprintf(ward_s, sizeof(ward_s), "%lld", ward);
	/* another ward: not to open, not to change */
	assert_int_equal(browse(&ward_admin, path_of(path, sizeof(path), "/quan-tri/don-vi/%lld", other_ward),
				&r),
			 403);
	assert_non_null(strstr(r.body.ptr, MSG_FORBIDDEN));
	resp_free(&r);
	{
		struct buf b = BUF_INIT;
		add(&b, "csrf", ward_admin.csrf);
		add(&b, "parent_id", district_s);
		add(&b, "kind", "ward");
		add(&b, "agency_code", "000.02.15.H26");
		add(&b, "name", "Phường Thượng Đình (sửa trái phép)");
		add(&b, "short_name", "UBND");
		add(&b, "active", "1");
		resp_init(&r);
		assert_int_equal(http_req(&srv, "POST", path,
					  (const char *const[]){ FORM_TYPE, ward_admin.cookie, NULL }, b.ptr,
					  b.len, &r),
				 0);
		assert_int_equal(r.status, 403);
		resp_free(&r);
		buf_release(&b);
	}
	assert_int_equal(units_named("Phường Thượng Đình (sửa trái phép)"), 0);
	assert_int_equal(api(&ward_admin, "PATCH",
			     path_of(path, sizeof(path), "/api/v1/units/%lld", other_ward),
			     "{\"name\":\"Phường Thượng Đình (sửa trái phép)\"}", &r),
			 403);
	resp_free(&r);
	assert_int_equal(api(&ward_admin, "DELETE", path, NULL, &r), 403);
	resp_free(&r);
	/* nor add under it, nor under the district */
	assert_int_equal(browse(&ward_admin,
				path_of(path, sizeof(path), "/quan-tri/don-vi/them?parent=%lld", other_ward),
				&r),
			 403);
	resp_free(&r);
	assert_int_equal(browse(&ward_admin,
				path_of(path, sizeof(path), "/quan-tri/don-vi/them?parent=%lld", district),
				&r),
			 403);
	resp_free(&r);
	{
		const char *parents[] = { other_s, district_s };
		for (int i = 0; i < 2; i++) {
			const struct uform f = {
				parents[i], "department", "384.01.15.H26", "Tổ ngoài phường", "TNP", NULL,
				NULL,	    NULL
			};
			assert_int_equal(form_post(&ward_admin, "/quan-tri/don-vi/them", "/quan-tri/don-vi",
						   &f, 1, &r),
					 403);
			resp_free(&r);
			snprintf(
				body, sizeof(body),
				"{\"parent_id\":%s,\"kind\":\"department\",\"agency_code\":\"384.01.15.H26\",\"name\":"
				"\"Tổ ngoài phường\",\"short_name\":\"TNP\"}",
				parents[i]);
			assert_int_equal(api(&ward_admin, "POST", "/api/v1/units", body, &r), 403);
			resp_free(&r);
		}
	}
	assert_int_equal(unit_count(), before);
	/* the form offers only his own units as parents */
	assert_int_equal(browse(&ward_admin, "/quan-tri/don-vi/them", &r), 200);
	snprintf(body, sizeof(body), "<option value=\"%lld\"", other_ward);
	assert_null(strstr(r.body.ptr, body));
	snprintf(body, sizeof(body), "<option value=\"%lld\">Phường Nhân Chính</option>", ward);
	assert_non_null(strstr(r.body.ptr, body));
	resp_free(&r);
	/* in his own ward he may */
	{
		const struct uform f = { ward_s, "department", "385.01.15.H26", "Tổ của phường", "TCP", NULL,
					 NULL,	 NULL };
		assert_int_equal(
			form_post(&ward_admin, "/quan-tri/don-vi/them", "/quan-tri/don-vi", &f, 1, &r), 303);
		resp_free(&r);
	}
	own = unit_by_code("385.01.15.H26");
	assert_true(own > 0);
	/* but not move it to another ward, nor move his ward under another */
	snprintf(body, sizeof(body), "{\"parent_id\":%lld}", other_ward);
	assert_int_equal(api(&ward_admin, "PATCH", path_of(path, sizeof(path), "/api/v1/units/%lld", own),
			     body, &r),
			 403);
	resp_free(&r);
	assert_int_equal(parent_of(own), ward);
	assert_int_equal(api(&ward_admin, "PATCH", path_of(path, sizeof(path), "/api/v1/units/%lld", ward),
			     body, &r),
			 403);
	resp_free(&r);
	assert_int_equal(parent_of(ward), district);
	/* his ward's own page is his, its parent shown but fixed */
	assert_int_equal(browse(&ward_admin, path_of(path, sizeof(path), "/quan-tri/don-vi/%lld", ward), &r),
			 200);
	snprintf(body, sizeof(body), "<option value=\"%lld\" selected>Quận Thanh Xuân</option>", district);
	assert_non_null(strstr(r.body.ptr, body));
	resp_free(&r);
	/* and the district admin may change the ward's units */
	assert_int_equal(api(&quantri, "PATCH", path_of(path, sizeof(path), "/api/v1/units/%lld", own),
			     "{\"name\":\"Tổ của phường (đổi tên)\"}", &r),
			 200);
	resp_free(&r);
	assert_int_equal(units_named("Tổ của phường (đổi tên)"), 1);
}

/* ---- deactivating ---- */

static void test_deactivate(void **state)
{
	struct http_resp r;
	char path[100], page[100], code[32], parent[24], want[200];
	long long c, d;
	(void)state;
	c = api_create(&quantri, ward, "department", "Tổ sẽ ngừng hoạt động");
	d = api_create(&quantri, c, "department", "Tổ con sẽ ngừng hoạt động");
	snprintf(parent, sizeof(parent), "%lld", ward);
	unit_text(c, "agency_code", code, sizeof(code));
	/* with an active unit under it: refused, on the page and in the API */
	path_of(page, sizeof(page), "/quan-tri/don-vi/%lld", c);
	{
		const struct uform f = { parent, "department", code, "Tổ sẽ ngừng hoạt động",
					 "TCT",	 "",	       "",   "0" };
		assert_int_equal(form_post(&quantri, page, page, &f, 1, &r), 409);
		expect_field_error(&r, "active", MSG_ACTIVE_KIDS);
		resp_free(&r);
	}
	api(&quantri, "PATCH", path_of(path, sizeof(path), "/api/v1/units/%lld", c), "{\"active\":false}",
	    &r);
	expect_api_error(&r, 409, "active", MSG_ACTIVE_KIDS);
	resp_free(&r);
	assert_int_equal(active_of(c), 1);
	/* the one under it first, then it */
	assert_int_equal(api(&quantri, "PATCH", path_of(path, sizeof(path), "/api/v1/units/%lld", d),
			     "{\"active\":false}", &r),
			 200);
	assert_non_null(strstr(r.body.ptr, "\"active\":false"));
	resp_free(&r);
	{
		const struct uform f = { parent, "department", code, "Tổ sẽ ngừng hoạt động",
					 "TCT",	 "",	       "",   "0" };
		assert_int_equal(form_post(&quantri, page, page, &f, 1, &r), 303);
		resp_free(&r);
	}
	assert_int_equal(active_of(c), 0);
	assert_int_equal(active_of(d), 0);
	/* the list marks them, and filters */
	assert_int_equal(browse(&quantri, "/quan-tri/don-vi?active=0", &r), 200);
	snprintf(want, sizeof(want), "<a href=\"/quan-tri/don-vi/%lld\">Tổ sẽ ngừng hoạt động</a>", c);
	assert_non_null(strstr(r.body.ptr, want));
	assert_non_null(strstr(r.body.ptr, "<strong class=\"status-inactive\">Ngừng hoạt động</strong>"));
	assert_null(strstr(r.body.ptr, "Phường Nhân Chính</a>"));
	resp_free(&r);
	assert_int_equal(browse(&quantri, "/quan-tri/don-vi?active=1", &r), 200);
	assert_null(strstr(r.body.ptr, want));
	assert_non_null(strstr(r.body.ptr, "Phường Nhân Chính</a>"));
	resp_free(&r);
	assert_int_equal(browse(&quantri, "/quan-tri/don-vi", &r), 200);
	assert_non_null(strstr(r.body.ptr, want));
	assert_non_null(strstr(r.body.ptr, "<tr class=\"unit-row unit-inactive\">"));
	resp_free(&r);
	/* nothing new under an inactive unit, nothing back to life under one */
	api(&quantri, "PATCH", path_of(path, sizeof(path), "/api/v1/units/%lld", d), "{\"active\":true}", &r);
	expect_api_error(&r, 422, "active", MSG_PARENT_OFF);
	resp_free(&r);
	{
		char body[300];
		snprintf(
			body, sizeof(body),
			"{\"parent_id\":%lld,\"kind\":\"department\",\"agency_code\":\"386.01.15.H26\",\"name\":\"Tổ "
			"dưới đơn vị ngừng hoạt động\",\"short_name\":\"TCT\"}",
			c);
		api(&quantri, "POST", "/api/v1/units", body, &r);
		expect_api_error(&r, 422, "parent_id", MSG_PARENT_OFF);
		resp_free(&r);
	}
	/* back in order: C, then D */
	assert_int_equal(api(&quantri, "PATCH", path_of(path, sizeof(path), "/api/v1/units/%lld", c),
			     "{\"active\":true}", &r),
			 200);
	resp_free(&r);
	assert_int_equal(api(&quantri, "PATCH", path_of(path, sizeof(path), "/api/v1/units/%lld", d),
			     "{\"active\":true}", &r),
			 200);
	resp_free(&r);
	assert_int_equal(active_of(d), 1);
}

/* ---- deleting ---- */

static void test_delete(void **state)
{
	struct http_resp r;
	char path[100], page[100], want[100];
	long long before, fresh, parent, child;
	(void)state;
	/* the ward: accounts and units under it */
	path_of(page, sizeof(page), "/quan-tri/don-vi/%lld", ward);
	assert_int_equal(form_post(&quantri, page,
				   path_of(path, sizeof(path), "/quan-tri/don-vi/%lld/xoa", ward), NULL, 1,
				   &r),
			 409);
	assert_non_null(strstr(r.body.ptr, MSG_IN_USE));
	resp_free(&r);
	assert_int_equal(unit_by_code("000.01.15.H26"), ward);
	/* its one-stop section: an account, no units under it */
	assert_int_equal(api(&quantri, "DELETE",
			     path_of(path, sizeof(path), "/api/v1/units/%lld", ward_onestop), NULL, &r),
			 409);
	assert_non_null(strstr(r.body.ptr, "\"code\":\"unit_in_use\""));
	assert_non_null(strstr(r.body.ptr, MSG_IN_USE));
	resp_free(&r);
	assert_int_equal(unit_by_code("100.01.15.H26"), ward_onestop);
	/* a unit with nothing but a unit under it */
	parent = api_create(&quantri, ward, "department", "Tổ có tổ con");
	child = api_create(&quantri, parent, "department", "Tổ con");
	assert_int_equal(api(&quantri, "DELETE", path_of(path, sizeof(path), "/api/v1/units/%lld", parent),
			     NULL, &r),
			 409);
	resp_free(&r);
	assert_int_equal(parent_of(child), parent);

	/* a fresh empty unit goes, through the page */
	before = unit_count();
	fresh = api_create(&quantri, ward, "department", "Tổ lập nhầm");
	path_of(page, sizeof(page), "/quan-tri/don-vi/%lld", fresh);
	assert_int_equal(form_post(&quantri, page,
				   path_of(path, sizeof(path), "/quan-tri/don-vi/%lld/xoa", fresh), NULL, 1,
				   &r),
			 303);
	assert_non_null(resp_hdr(&r, "Location", want, sizeof(want)));
	assert_string_equal(want, "/quan-tri/don-vi?deleted=1");
	resp_free(&r);
	assert_int_equal(unit_count(), before);
	assert_int_equal(units_named("Tổ lập nhầm"), 0);
	assert_int_equal(browse(&quantri, want, &r), 200);
	assert_non_null(strstr(r.body.ptr, "Đã xóa đơn vị."));
	resp_free(&r);
	assert_int_equal(browse(&quantri, page, &r), 404);
	resp_free(&r);
	/* and through the API: the child, then its parent */
	assert_int_equal(api(&quantri, "DELETE", path_of(path, sizeof(path), "/api/v1/units/%lld", child),
			     NULL, &r),
			 204);
	resp_free(&r);
	assert_int_equal(api(&quantri, "GET", path, NULL, &r), 404);
	resp_free(&r);
	assert_int_equal(api(&quantri, "DELETE", path_of(path, sizeof(path), "/api/v1/units/%lld", parent),
			     NULL, &r),
			 204);
	resp_free(&r);
	assert_int_equal(units_named("Tổ có tổ con"), 0);
}

/* A table the unit code does not know refers to a unit: the foreign key still keeps it, with the same 409. */
static void test_delete_unknown_reference(void **state)
{
	struct http_resp r;
	char path[100], sql[200];
	long long id;
	(void)state;
	id = api_create(&quantri, ward, "department", "Tổ có hồ sơ");
	{
		struct db *db = open_db();
		assert_int_equal(
			db_exec(db,
				"CREATE TABLE t0009_records (id INTEGER PRIMARY KEY, unit_id INTEGER "
				"NOT NULL REFERENCES units (id))",
				""),
			0);
		snprintf(sql, sizeof(sql), "INSERT INTO t0009_records (id, unit_id) VALUES (1, %lld)", id);
		assert_int_equal(db_exec(db, sql, ""), 0);
		db_close(db);
	}
	assert_int_equal(api(&quantri, "DELETE", path_of(path, sizeof(path), "/api/v1/units/%lld", id), NULL,
			     &r),
			 409);
	assert_non_null(strstr(r.body.ptr, MSG_IN_USE));
	resp_free(&r);
	assert_int_equal(units_named("Tổ có hồ sơ"), 1);
	/* the refusal wrote nothing: the next change works and the chain holds */
	assert_int_equal(api(&quantri, "PATCH", path, "{\"address\":\"Tầng 2, trụ sở UBND phường\"}", &r),
			 200);
	resp_free(&r);
}

/* ---- the 2025 two-level model: a city (province level) → communes and wards directly under it ---- */

static void test_two_level_model(void **state)
{
	struct http_resp r;
	char body[400], path[100];
	long long commune, province_ward;
	(void)state;
	commune = api_create(&city_admin, city, "commune", "Xã Sóc Sơn");
	province_ward = api_create(&city_admin, city, "ward", "Phường Thanh Xuân");
	assert_int_equal(parent_of(commune), city);
	assert_int_equal(parent_of(province_ward), city);
	/* a one-stop section under the commune */
	api_create(&city_admin, commune, "onestop", "Bộ phận Một cửa xã Sóc Sơn");
	/* the city itself may be recorded as of the province kind */
	snprintf(body, sizeof(body), "{\"kind\":\"province\"}");
	assert_int_equal(api(&city_admin, "PATCH", path_of(path, sizeof(path), "/api/v1/units/%lld", city),
			     body, &r),
			 200);
	assert_non_null(strstr(r.body.ptr, "\"kind\":\"province\""));
	resp_free(&r);
	assert_int_equal(browse(&city_admin, "/quan-tri/don-vi", &r), 200);
	assert_non_null(strstr(r.body.ptr, "<td>Tỉnh</td>"));
	assert_non_null(strstr(r.body.ptr, "Xã Sóc Sơn</a></td>\n        <td>Xã</td>"));
	resp_free(&r);
	assert_int_equal(api(&city_admin, "PATCH", path, "{\"kind\":\"city\"}", &r), 200);
	resp_free(&r);
	/* the city's own page: no parent to choose, and the form saved as it is changes nothing */
	{
		const struct uform f = {
			"", "city", "000.00.00.H26", "Thành phố Hà Nội", "UBND", "", "", "1"
		};
		long long rows = sql_int_s("SELECT COUNT(*) FROM audit_log", NULL);
		char page[100];
		path_of(page, sizeof(page), "/quan-tri/don-vi/%lld", city);
		assert_int_equal(browse(&city_admin, page, &r), 200);
		assert_non_null(strstr(r.body.ptr, "<select id=\"parent_id\" name=\"parent_id\">"));
		assert_non_null(
			strstr(r.body.ptr, "<option value=\"\" selected>(không có: cấp cao nhất)</option>"));
		resp_free(&r);
		assert_int_equal(form_post(&city_admin, page, page, &f, 1, &r), 303);
		resp_free(&r);
		assert_int_equal(parent_of(city), 0);
		assert_int_equal(sql_int_s("SELECT COUNT(*) FROM audit_log", NULL), rows);
	}
	/* the district admin has nothing to do with the city's communes */
	assert_int_equal(api(&quantri, "PATCH", path_of(path, sizeof(path), "/api/v1/units/%lld", commune),
			     "{\"name\":\"Xã X\"}", &r),
			 403);
	resp_free(&r);
}

/* ---- CSRF and bad addresses ---- */

static void test_csrf(void **state)
{
	struct http_resp r;
	char parent[24], path[100], code[32], text[200];
	long long before = unit_count(), id;
	(void)state;
	snprintf(parent, sizeof(parent), "%lld", ward);
	{
		const struct uform f = {
			parent, "department", "387.01.15.H26", "Tổ không có mã chống giả mạo", "TCT", NULL,
			NULL,	NULL
		};
		assert_int_equal(form_post(&quantri, "/quan-tri/don-vi/them", "/quan-tri/don-vi", &f, 0, &r),
				 403);
		assert_non_null(strstr(r.body.ptr, MSG_CSRF));
		resp_free(&r);
	}
	assert_int_equal(unit_count(), before);
	id = api_create(&quantri, ward, "department", "Tổ chống giả mạo");
	unit_text(id, "agency_code", code, sizeof(code));
	path_of(path, sizeof(path), "/quan-tri/don-vi/%lld", id);
	{
		const struct uform f = { parent, "department", code, "Tổ bị đổi tên", "TCT", "", "", "0" };
		assert_int_equal(form_post(&quantri, path, path, &f, 0, &r), 403);
		resp_free(&r);
	}
	assert_string_equal(unit_text(id, "name", text, sizeof(text)), "Tổ chống giả mạo");
	assert_int_equal(active_of(id), 1);
	{
		char del[100];
		assert_int_equal(form_post(&quantri, path,
					   path_of(del, sizeof(del), "/quan-tri/don-vi/%lld/xoa", id), NULL,
					   0, &r),
				 403);
		resp_free(&r);
		/* a wrong token is no better */
		resp_init(&r);
		assert_int_equal(http_req(&srv, "POST", del,
					  (const char *const[]){ FORM_TYPE, quantri.cookie, NULL },
					  "csrf=not-the-token", 18, &r),
				 0);
		assert_int_equal(r.status, 403);
		resp_free(&r);
	}
	assert_int_equal(units_named("Tổ chống giả mạo"), 1);
	/* the API without X-CSRF-Token */
	resp_init(&r);
	assert_int_equal(http_req(&srv, "DELETE", path_of(path, sizeof(path), "/api/v1/units/%lld", id),
				  (const char *const[]){ quantri.cookie, NULL }, NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 403);
	resp_free(&r);
	resp_init(&r);
	assert_int_equal(
		http_req(&srv, "PATCH", path,
			 (const char *const[]){ "Content-Type: application/json", quantri.cookie, NULL },
			 "{\"name\":\"Tổ bị đổi tên\"}", strlen("{\"name\":\"Tổ bị đổi tên\"}"), &r),
		0);
	assert_int_equal(r.status, 403);
	resp_free(&r);
	assert_int_equal(units_named("Tổ chống giả mạo"), 1);
}

static void test_not_found(void **state)
{
	const char *pages[] = { "/quan-tri/don-vi/999999", "/quan-tri/don-vi/abc", "/quan-tri/don-vi/0",
				"/quan-tri/don-vi/-3", NULL };
	struct http_resp r;
	(void)state;
	for (int i = 0; pages[i]; i++) {
		assert_int_equal(browse(&quantri, pages[i], &r), 404);
		assert_non_null(strstr(r.body.ptr, "Không tìm thấy đơn vị."));
		resp_free(&r);
	}
	assert_int_equal(api(&quantri, "GET", "/api/v1/units/999999", NULL, &r), 404);
	assert_non_null(strstr(r.body.ptr, "\"code\":\"not_found\""));
	resp_free(&r);
	assert_int_equal(api(&quantri, "PATCH", "/api/v1/units/999999", "{\"name\":\"X\"}", &r), 404);
	resp_free(&r);
	assert_int_equal(api(&quantri, "DELETE", "/api/v1/units/999999", NULL, &r), 404);
	resp_free(&r);
}

/* ---- the audit log ---- */

static void test_audit_rows(void **state)
{
	struct db *db;
	struct db_stmt *st;
	char actor[32], cmd[1200], out[256];
	int rc, creates = 0, updates = 0, deletes = 0;
	FILE *p;
	(void)state;
	snprintf(actor, sizeof(actor), "account:%lld",
		 sql_int_s("SELECT id FROM accounts WHERE username = ?", "quantri"));
	db = open_db();
	for (rc = db_query(db, &st,
			   "SELECT action, object, actor, detail FROM audit_log WHERE action LIKE 'unit.%'",
			   "");
	     rc == DB_ROW; rc = db_step(st)) {
		const char *action = db_col_text(st, 0), *object = db_col_text(st, 1),
			   *detail = db_col_text(st, 3);
		json_t *d = json_loads(detail, 0, NULL);
		assert_non_null(d);
		assert_int_equal(strncmp(object, "unit:", 5), 0);
		if (!strcmp(action, "unit.create")) {
			creates++;
			assert_non_null(json_object_get(d, "agency_code"));
			assert_non_null(json_object_get(d, "parent_id"));
		} else if (!strcmp(action, "unit.update")) {
			updates++;
			assert_true(json_object_size(d) > 0);
		} else if (!strcmp(action, "unit.delete")) {
			deletes++;
			/* the row as it was */
			assert_non_null(json_object_get(d, "name"));
			assert_string_equal(db_col_text(st, 2), actor);
		}
		json_decref(d);
	}
	assert_int_equal(rc, DB_DONE);
	db_close(db);
	assert_true(creates >= 20);
	assert_true(updates >= 8);
	assert_int_equal(deletes, 3);
	/* the deleted "Tổ lập nhầm" is in its row */
	assert_int_equal(
		sql_int_s("SELECT COUNT(*) FROM audit_log WHERE action = 'unit.delete' AND detail LIKE ?",
			  "%Tổ lập nhầm%"),
		1);
	/* refusals wrote nothing: the chain is whole */
	snprintf(cmd, sizeof(cmd), "'%s' audit verify --db '%s' 2>&1", MOTCUA_BIN, srv.db);
	p = popen(cmd, "r");
	assert_non_null(p);
	out[0] = '\0';
	if (!fgets(out, sizeof(out), p))
		out[0] = '\0';
	assert_int_equal(pclose(p), 0);
	assert_non_null(strstr(out, "audit chain intact"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_district_admin),
		cmocka_unit_test(test_list_ward_admin),
		cmocka_unit_test(test_forbidden_to_others),
		cmocka_unit_test(test_create_through_form),
		cmocka_unit_test(test_create_through_api),
		cmocka_unit_test(test_each_invalid_field_form),
		cmocka_unit_test(test_each_invalid_field_api),
		cmocka_unit_test(test_taken_code),
		cmocka_unit_test(test_move),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_ward_admin_bounds),
		cmocka_unit_test(test_deactivate),
		cmocka_unit_test(test_delete),
		cmocka_unit_test(test_delete_unknown_reference),
		cmocka_unit_test(test_two_level_model),
		cmocka_unit_test(test_csrf),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_audit_rows),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
