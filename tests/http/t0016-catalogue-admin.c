/* t0016-catalogue-admin: the procedure catalogue's administration: the form, versions, publishing, blank
 * forms, import and export, fields, the write API; who may do it, and what is refused. */
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
#include <unistd.h>
#include <sys/stat.h>
#include <time.h>
#include "harness.h"
#include "core/arena.h"
#include "features/procedures.h"
#include "store/db.h"

#define DEMO_PASSWORD "ThanhXuan-Demo-2026"
#define FORM_TYPE     "Content-Type: application/x-www-form-urlencoded"
#define BOUNDARY      "----t0016-boundary-7MA4YWxkTrZu0gW"
#define MP_TYPE	      "Content-Type: multipart/form-data; boundary=" BOUNDARY
#define TEST_FIELD    "Lĩnh vực kiểm thử"

/* The Vietnamese messages a clerk reads. */
#define MSG_CODE_SHAPE                                                                                                                       \
	"Mã thủ tục phải là mã quốc gia (ví dụ 2.000815) hoặc mã riêng của địa phương gồm 3 đến 32 ký tự: " \
	"chữ cái không dấu, chữ số, dấu chấm, dấu gạch ngang."
#define MSG_NAME_EMPTY	  "Vui lòng nhập tên thủ tục."
#define MSG_FIELD_EMPTY	  "Vui lòng chọn lĩnh vực của thủ tục."
#define MSG_RECEIVING	  "Vui lòng nhập cơ quan tiếp nhận hồ sơ."
#define MSG_LEVEL_DECIDES "Cấp thực hiện của thủ tục phải là cấp có thẩm quyền giải quyết."
#define MSG_STEPS_SUM	  "Tổng thời gian của các bước phải bằng đúng thời hạn giải quyết theo quy định."
#define MSG_STEP_NAME	  "Vui lòng nhập tên bước."
#define MSG_DOC_COUNT	  "Số lượng của mỗi giấy tờ phải từ 1 đến 99."
#define MSG_AMOUNT	  "Số tiền là số nguyên (đồng), ví dụ 2000 hoặc 2.000."
#define MSG_TIME_EMPTY	  "Vui lòng nhập thời hạn giải quyết (0 nếu giải quyết trong ngày làm việc)."
#define MSG_FIX_FIELDS	  "Vui lòng sửa các mục được đánh dấu dưới đây."
#define MSG_CODE_TAKEN	  "Mã thủ tục này đã có trong danh mục."
#define MSG_FIELD_OFF	  "Lĩnh vực này không còn sử dụng: vui lòng chọn lĩnh vực khác trong danh sách."
#define MSG_FIELD_TAKEN	  "Lĩnh vực này đã có trong danh sách."
#define MSG_FORBIDDEN	  "Bạn không có quyền thực hiện thao tác này."
#define MSG_NEW_DRAFT	  "Đã lưu bản nháp phiên bản 1; công dân chưa thấy bản này cho đến khi bạn công bố."
#define MSG_V2_DRAFT \
	"Đã lưu bản nháp phiên bản 2; phiên bản 1 vẫn đang được công bố cho đến khi bạn công bố bản mới."
#define MSG_V2_UPDATED \
	"Đã cập nhật bản nháp phiên bản 2; phiên bản 1 vẫn đang được công bố cho đến khi bạn công bố bản mới."
#define MSG_PUBLISHED_V2  "Đã công bố phiên bản 2: danh mục công khai hiển thị phiên bản này ngay từ bây giờ."
#define MSG_UNPUBLISHED	  "Đã ngừng công bố thủ tục: thủ tục không còn hiển thị trong danh mục công khai."
#define MSG_NOTHING	  "Tệp có lỗi: không có thủ tục nào được nhập."
#define MSG_FORM_TYPE	  "Mẫu đơn, tờ khai phải là tệp PDF, Word, Excel hoặc OpenDocument"
#define MSG_NOT_IN_STORE  "Tệp mẫu đơn này không có trong các tệp đã tải lên: vui lòng tải lên lại."
#define MSG_STATUS_PUB_V1 "Đã công bố (phiên bản 1)"
#define MSG_STATUS_PUB_V2 "Đang công bố phiên bản 2, bản nháp phiên bản 3"

static struct test_server srv;
/* the district's admin; the ward Nhân Chính's admin; a specialist; a citizen */
static struct ts_user admin, ward_admin, specialist, citizen;

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

static long long versions_of(const char *code)
{
	return sql_int("SELECT COUNT(*) FROM procedure_versions v JOIN procedures p ON p.id = v.procedure_id "
		       "WHERE p.code = ?",
		       code);
}

static long long all_versions(void)
{
	return sql_int("SELECT COUNT(*) FROM procedure_versions", NULL);
}

static long long audit_rows(const char *action)
{
	return sql_int("SELECT COUNT(*) FROM audit_log WHERE action = ?", action);
}

/* Version `version` of `code` as a dossier would load it (procedure_load); its name into out, "" when none.
 */
static const char *version_name(const char *code, int64_t version, char *out, size_t n, int *status)
{
	struct db *db = open_db();
	struct arena a = ARENA_INIT;
	struct proc_version v;
	int rc = procedure_load(db, &a, code, version, &v);
	assert_true(rc >= 0);
	snprintf(out, n, "%s", rc ? "" : v.p.name);
	if (status)
		*status = rc ? 0 : v.status;
	/* the same version again through its procedure id, as a dossier refers to it */
	if (!rc) {
		struct proc_version w;
		assert_int_equal(procedure_load_id(db, &a, v.procedure_id, version, &w), 0);
		assert_string_equal(w.p.name, v.p.name);
		assert_int_equal(w.version, version);
	}
	arena_release(&a);
	db_release_statements(db);
	db_close(db);
	return out;
}

/* How many documents and fee lines version `version` of `code` has. */
static void version_rows(const char *code, int64_t version, size_t *docs, size_t *fees)
{
	struct db *db = open_db();
	struct arena a = ARENA_INIT;
	struct proc_version v;
	assert_int_equal(procedure_load(db, &a, code, version, &v), 0);
	*docs = v.p.ndocuments;
	*fees = v.p.nfees;
	arena_release(&a);
	db_release_statements(db);
	db_close(db);
}

/* ---- setting up ---- */

static long api(const struct ts_user *u, const char *method, const char *path, const char *body,
		struct http_resp *r);
static long post_form(const struct ts_user *u, const char *path, const char *body, struct http_resp *r);

static int setup(void **state)
{
	static const char reg[] = "{\"full_name\":\"Trần Thị Bình\",\"citizen_id\":\"001199012346\","
				  "\"email\":\"binh.tran@example.com\",\"password\":\"Hoa-Sen-Ho-Tay-2026\"}";
	struct http_resp r;
	char *body;
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ts_init(&srv) || ts_demo(&srv) || ts_launch(&srv, NULL, NULL))
		return -1;
	if (ts_login(&srv, "quantri", DEMO_PASSWORD, &admin) != 201 ||
	    ts_login(&srv, "quantri.nhanchinh", DEMO_PASSWORD, &ward_admin) != 201 ||
	    ts_login(&srv, "chuyenvien", DEMO_PASSWORD, &specialist) != 201)
		return -1;
	resp_init(&r);
	if (http_req(&srv, "POST", "/api/v1/citizens",
		     (const char *const[]){ "Content-Type: application/json", NULL }, reg, sizeof(reg) - 1,
		     &r) ||
	    r.status != 201)
		return -1;
	resp_free(&r);
	if (ts_login(&srv, "binh.tran@example.com", "Hoa-Sen-Ho-Tay-2026", &citizen) != 201)
		return -1;
	/* a field of our own for the procedures made here */
	body = ts_form(&admin, "action", "add", "name", TEST_FIELD, NULL);
	resp_init(&r);
	if (ts_as(&srv, &admin, "POST", "/quan-tri/linh-vuc", body, &r) || r.status != 303)
		return -1;
	free(body);
	resp_free(&r);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	int rc = ts_stop(&srv);
	curl_global_cleanup();
	return rc;
}

/* ---- talking to the server ---- */

/* GET as the user's browser (the session cookie only). */
static long browse(const struct ts_user *u, const char *path, struct http_resp *r)
{
	resp_init(r);
	assert_int_equal(http_req(&srv, "GET", path, (const char *const[]){ u->cookie, NULL }, NULL, 0, r),
			 0);
	return r->status;
}

/* GET without logging in. */
static long anon(const char *path, struct http_resp *r)
{
	resp_init(r);
	assert_int_equal(http_get(&srv, path, r), 0);
	return r->status;
}

/* A request through the API as the user (cookie and X-CSRF-Token). */
static long api(const struct ts_user *u, const char *method, const char *path, const char *body,
		struct http_resp *r)
{
	resp_init(r);
	assert_int_equal(ts_as(&srv, u, method, path, body, r), 0);
	return r->status;
}

/* POST a urlencoded body as the user's browser: the cookie, no CSRF header (the token is in the body). */
static long post_form(const struct ts_user *u, const char *path, const char *body, struct http_resp *r)
{
	resp_init(r);
	assert_int_equal(http_req(&srv, "POST", path, (const char *const[]){ FORM_TYPE, u->cookie, NULL },
				  body, strlen(body), r),
			 0);
	return r->status;
}

static json_t *body_json(const struct http_resp *r)
{
	json_error_t e;
	json_t *v = json_loadb(r->body.ptr, r->body.len, 0, &e);
	if (!v)
		fail_msg("not JSON (%s): %s", e.text, r->body.ptr);
	return v;
}

/* The form's csrf field on `page`. */
static void page_token(const struct ts_user *u, const char *page, char *tok, size_t n)
{
	struct http_resp r;
	if (browse(u, page, &r) != 200)
		fail_msg("GET %s: %ld %s", page, r.status, r.body.ptr);
	assert_non_null(resp_field(&r, "csrf", tok, n));
	resp_free(&r);
}

/* ---- the procedure form's fields ---- */

#define FORM_MAX 96

struct form {
	const char *name[FORM_MAX];
	const char *value[FORM_MAX];
	size_t n;
};

static void form_set(struct form *f, const char *name, const char *value)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->name[i], name)) {
			f->value[i] = value;
			return;
		}
	assert_true(f->n < FORM_MAX);
	f->name[f->n] = name;
	f->value[f->n++] = value;
}

/* A valid procedure: 3 working days, three steps of 4 + 16 + 4 hours. */
static void base_form(struct form *f, const char *code, const char *name)
{
	memset(f, 0, sizeof(*f));
	form_set(f, "code", code);
	form_set(f, "name", name);
	form_set(f, "field", TEST_FIELD);
	form_set(f, "level", "ward");
	form_set(f, "receive_level", "ward");
	form_set(f, "decide_level", "ward");
	form_set(f, "receiving", "Bộ phận Một cửa UBND phường");
	form_set(f, "deciding", "Chủ tịch UBND phường");
	form_set(f, "time_amount", "3");
	form_set(f, "time_unit", "day");
	form_set(f, "time_note", "");
	form_set(f, "online", "partial");
	form_set(f, "fee_name_0", "Lệ phí cấp bản sao trích lục");
	form_set(f, "fee_kind_0", "charge");
	form_set(f, "fee_per_0", "copy");
	form_set(f, "fee_amount_0", "8.000");
	form_set(f, "fee_name_1", "");
	form_set(f, "fee_amount_1", "");
	form_set(f, "fee_note", "");
	form_set(f, "doc_name_0", "Tờ khai theo mẫu");
	form_set(f, "doc_kind_0", "original");
	form_set(f, "doc_count_0", "1");
	form_set(f, "doc_name_1", "Giấy tờ tùy thân");
	form_set(f, "doc_kind_1", "copy");
	form_set(f, "doc_count_1", "");
	form_set(f, "result", "Bản sao trích lục hộ tịch");
	form_set(f, "legal_basis", "Nghị định số 123/2015/NĐ-CP");
	form_set(f, "conditions", "");
	form_set(f, "step_name_0", "Tiếp nhận hồ sơ");
	form_set(f, "step_responsible_0", "Bộ phận Một cửa");
	form_set(f, "step_role_0", "onestop_clerk");
	form_set(f, "step_level_0", "ward");
	form_set(f, "step_hours_0", "4");
	form_set(f, "step_name_1", "Thẩm định, trình ký");
	form_set(f, "step_responsible_1", "Công chức Tư pháp - Hộ tịch");
	form_set(f, "step_role_1", "specialist");
	form_set(f, "step_level_1", "ward");
	form_set(f, "step_hours_1", "16");
	form_set(f, "step_name_2", "Ký, trả kết quả");
	form_set(f, "step_responsible_2", "Chủ tịch UBND phường");
	form_set(f, "step_role_2", "leader");
	form_set(f, "step_level_2", "ward");
	form_set(f, "step_hours_2", "4");
	form_set(f, "step_name_3", "");
	form_set(f, "step_hours_3", "");
}

/* The form as a urlencoded body with `tok` as its csrf (NULL: none). Caller frees. */
static char *urlencoded(const struct form *f, const char *tok)
{
	struct buf b = BUF_INIT;
	if (tok)
		buf_addf(&b, "csrf=%s", tok);
	for (size_t i = 0; i < f->n; i++) {
		char *enc = curl_easy_escape(NULL, f->value[i], 0);
		buf_addf(&b, "%s%s=%s", b.len ? "&" : "", f->name[i], enc);
		curl_free(enc);
	}
	return buf_detach(&b, NULL);
}

/* A file part of a multipart body. */
struct part_file {
	const char *field, *filename, *type;
	const void *data;
	size_t len;
};

/* The form as multipart/form-data with its csrf and files (nfiles may be 0). */
static void multipart(struct buf *b, const struct form *f, const char *tok, const struct part_file *files,
		      size_t nfiles)
{
	if (tok)
		buf_addf(b, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n",
			 tok);
	for (size_t i = 0; f && i < f->n; i++)
		buf_addf(b, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n",
			 f->name[i], f->value[i]);
	for (size_t i = 0; i < nfiles; i++) {
		buf_addf(b,
			 "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
			 "Content-Type: %s\r\n\r\n",
			 files[i].field, files[i].filename, files[i].type);
		buf_add(b, files[i].data, files[i].len);
		buf_adds(b, "\r\n");
	}
	buf_adds(b, "--" BOUNDARY "--\r\n");
}

static long post_multipart(const struct ts_user *u, const char *path, const struct buf *body,
			   struct http_resp *r)
{
	resp_init(r);
	assert_int_equal(http_req(&srv, "POST", path, (const char *const[]){ MP_TYPE, u->cookie, NULL },
				  body->ptr, body->len, r),
			 0);
	return r->status;
}

/* Post the procedure form `f` to `action` as a browser does, the token taken from `page`. */
static long post_proc_form(const struct ts_user *u, const char *page, const char *action,
			   const struct form *f, struct http_resp *r)
{
	char tok[128], *body;
	long status;
	page_token(u, page, tok, sizeof(tok));
	body = urlencoded(f, tok);
	status = post_form(u, action, body, r);
	free(body);
	return status;
}

/* Follow a 303 as the browser does. */
static long follow(const struct ts_user *u, const struct http_resp *r, struct http_resp *next)
{
	char loc[512];
	if (r->status != 303)
		fail_msg("status %ld, want 303: %.400s", r->status, r->body.ptr);
	assert_non_null(resp_hdr(r, "Location", loc, sizeof(loc)));
	return browse(u, loc, next);
}

/* The field `id` is marked invalid on the page and described by its error, which starts with `msg`. */
static void expect_field_error(const struct http_resp *r, const char *id, const char *msg)
{
	char pat[700];
	const char *input, *end;
	snprintf(pat, sizeof(pat), "id=\"%s\" name=\"%s\"", id, id);
	input = strstr(r->body.ptr, pat);
	if (!input)
		fail_msg("no field \"%s\" on the page", id);
	end = strchr(input, '>');
	assert_non_null(end);
	if (!memmem(input, (size_t)(end - input), "aria-invalid=\"true\"", 19))
		fail_msg("field \"%s\" is not marked invalid: %.*s", id, (int)(end - input), input);
	snprintf(pat, sizeof(pat), "<p class=\"field-error\" id=\"%s-error\">%s", id, msg);
	if (!strstr(r->body.ptr, pat))
		fail_msg("no error \"%s\" for \"%s\" on the page", msg, id);
}

/* A row's error (id "fee-0-error", "step-1-error", "steps-error") says `msg` among its messages. */
static void expect_row_error(const struct http_resp *r, const char *id, const char *msg)
{
	char pat[200];
	const char *p, *end;
	snprintf(pat, sizeof(pat), "id=\"%s\"", id);
	p = strstr(r->body.ptr, pat);
	if (!p)
		fail_msg("no error \"%s\" on the page", id);
	end = strstr(p, "</p>");
	assert_non_null(end);
	if (!memmem(p, (size_t)(end - p), msg, strlen(msg)))
		fail_msg("error \"%s\" is \"%.*s\", want \"%s\" in it", id, (int)(end - p), p, msg);
}

/* The response's body holds `s`; the body is shown when not. */
static void expect_in(const struct http_resp *r, const char *s)
{
	const char *main = strstr(r->body.ptr, "<main");
	if (!strstr(r->body.ptr, s))
		fail_msg("\"%s\" not in the page: %.3000s", s, main ? main : r->body.ptr);
}

/* ---- who may ---- */

static void test_forbidden(void **state)
{
	static const char *const pages[] = { "/quan-tri/thu-tuc",
					     "/quan-tri/thu-tuc/them",
					     "/quan-tri/thu-tuc/nhap",
					     "/quan-tri/thu-tuc/xuat?format=csv",
					     "/quan-tri/linh-vuc",
					     "/quan-tri/thu-tuc/2.000815",
					     "/api/v1/procedures/export?format=json" };
	static const char *const posts[] = { "/quan-tri/thu-tuc", "/quan-tri/thu-tuc/2.000815",
					     "/quan-tri/thu-tuc/2.000815/cong-bo",
					     "/quan-tri/thu-tuc/2.000815/ngung-cong-bo",
					     "/quan-tri/linh-vuc" };
	const struct ts_user *who[] = { &ward_admin, &specialist, &citizen };
	long long before = all_versions(), fields = sql_int("SELECT COUNT(*) FROM procedure_fields", NULL);
	struct http_resp r;
	struct form f;
	(void)state;

	base_form(&f, "9.900100", "Thủ tục không được phép tạo");
	form_set(&f, "version", "1");
	form_set(&f, "action", "add");
	for (size_t w = 0; w < sizeof(who) / sizeof(who[0]); w++) {
		const struct ts_user *u = who[w];
		for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
			if (browse(u, pages[i], &r) != 403)
				fail_msg("GET %s: %ld, want 403", pages[i], r.status);
			resp_free(&r);
		}
		for (size_t i = 0; i < sizeof(posts) / sizeof(posts[0]); i++) {
			char *body = urlencoded(&f, u->csrf);
			if (post_form(u, posts[i], body, &r) != 403)
				fail_msg("POST %s: %ld, want 403", posts[i], r.status);
			free(body);
			resp_free(&r);
		}
		{
			struct buf b = BUF_INIT;
			struct part_file pf = { "file", "thu-tuc.json", "application/json", "[]", 2 };
			multipart(&b, NULL, u->csrf, &pf, 1);
			assert_int_equal(post_multipart(u, "/quan-tri/thu-tuc/nhap", &b, &r), 403);
			resp_free(&r);
			buf_release(&b);
		}
		assert_int_equal(api(u, "POST", "/api/v1/procedures", "{\"code\":\"9.900100\"}", &r), 403);
		resp_free(&r);
		assert_int_equal(api(u, "PUT", "/api/v1/procedures/2.000815", "{\"code\":\"2.000815\"}", &r),
				 403);
		resp_free(&r);
		assert_int_equal(api(u, "POST", "/api/v1/procedures/2.000815/publish", "{\"version\":1}", &r),
				 403);
		resp_free(&r);
		assert_int_equal(api(u, "POST", "/api/v1/procedures/2.000815/unpublish", NULL, &r), 403);
		resp_free(&r);
		assert_int_equal(api(u, "POST", "/api/v1/procedures/import", "{}", &r), 403);
		resp_free(&r);
	}
	/* the page says why, in Vietnamese */
	assert_int_equal(browse(&ward_admin, "/quan-tri/thu-tuc", &r), 403);
	expect_in(&r, MSG_FORBIDDEN);
	resp_free(&r);
	/* nobody logged in: the login page, not the catalogue */
	assert_int_not_equal(anon("/quan-tri/thu-tuc", &r), 200);
	resp_free(&r);
	assert_int_equal(anon("/api/v1/procedures/export?format=csv", &r), 401);
	resp_free(&r);
	/* nothing changed, and the public catalogue still shows the demo */
	assert_int_equal(all_versions(), before);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM procedure_fields", NULL), fields);
	assert_int_equal(anon("/thu-tuc/2.000815", &r), 200);
	resp_free(&r);
}

static void test_csrf(void **state)
{
	long long before = all_versions(), audits = sql_int("SELECT COUNT(*) FROM audit_log", NULL);
	struct http_resp r;
	struct form f;
	char *body;
	(void)state;

	base_form(&f, "9.900200", "Thủ tục gửi không có mã chống giả mạo");
	/* the form without its csrf field */
	body = urlencoded(&f, NULL);
	assert_int_equal(post_form(&admin, "/quan-tri/thu-tuc", body, &r), 403);
	free(body);
	resp_free(&r);
	/* a wrong token */
	body = urlencoded(&f, "0000000000000000000000000000000000000000000");
	assert_int_equal(post_form(&admin, "/quan-tri/thu-tuc", body, &r), 403);
	free(body);
	resp_free(&r);
	body = ts_form(NULL, "version", "1", NULL);
	assert_int_equal(post_form(&admin, "/quan-tri/thu-tuc/2.000815/ngung-cong-bo", body, &r), 403);
	free(body);
	resp_free(&r);
	/* the API without its X-CSRF-Token header */
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", "/api/v1/procedures/2.000815/unpublish",
				  (const char *const[]){ admin.cookie, NULL }, NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 403);
	resp_free(&r);
	assert_int_equal(all_versions(), before);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM audit_log", NULL), audits);
	assert_int_equal(versions_of("9.900200"), 0);
	assert_int_equal(anon("/thu-tuc/2.000815", &r), 200);
	resp_free(&r);
}

/* ---- the form, versions and publishing ---- */

/* Version `n` of `code` read by the admin through its page and the API: its name and status. */
static void expect_version(const char *code, int n, const char *name, const char *status_vi,
			   const char *status)
{
	struct http_resp r;
	char path[200], h1[700];
	json_t *v;

	snprintf(path, sizeof(path), "/quan-tri/thu-tuc/%s/phien-ban/%d", code, n);
	assert_int_equal(browse(&admin, path, &r), 200);
	snprintf(h1, sizeof(h1), "<h1 id=\"proc-title\">%s</h1>", name);
	expect_in(&r, h1);
	snprintf(h1, sizeof(h1), "<strong id=\"ver-status\">%s</strong>", status_vi);
	expect_in(&r, h1);
	snprintf(h1, sizeof(h1), "href=\"/quan-tri/thu-tuc/%s\" id=\"back-to-edit\"", code);
	expect_in(&r, h1);
	expect_in(&r, "Nguyễn Quản Trị (quantri)"); /* created by */
	expect_in(&r, "Cơ quan tiếp nhận");	    /* the whole content, as the public page shows it */
	/* not the public page's online submission */
	assert_null(strstr(r.body.ptr, "id=\"submit-online\""));
	resp_free(&r);

	snprintf(path, sizeof(path), "/api/v1/procedures/%s?version=%d", code, n);
	assert_int_equal(api(&admin, "GET", path, NULL, &r), 200);
	v = body_json(&r);
	assert_string_equal(json_string_value(json_object_get(v, "name")), name);
	assert_int_equal(json_integer_value(json_object_get(v, "version")), n);
	assert_string_equal(json_string_value(json_object_get(v, "status")), status);
	json_decref(v);
	resp_free(&r);
}

static void test_form_validation(void **state)
{
	long long before = all_versions();
	struct http_resp r;
	struct form f;
	(void)state;

	/* the new form offers the fields, levels and empty rows */
	assert_int_equal(browse(&admin, "/quan-tri/thu-tuc/them", &r), 200);
	expect_in(&r, "name=\"fee_name_2\"");
	expect_in(&r, "name=\"step_hours_2\"");
	expect_in(&r, "<option value=\"" TEST_FIELD "\">" TEST_FIELD "</option>");
	expect_in(&r, "<option value=\"ward\">Cấp phường</option>");
	resp_free(&r);

	/* everything wrong at once: each message next to its field, nothing saved */
	base_form(&f, "2.0008!5", "");
	form_set(&f, "field", "");
	form_set(&f, "receiving", "");
	form_set(&f, "decide_level", "district");
	form_set(&f, "fee_amount_0", "tám nghìn");
	form_set(&f, "doc_count_0", "0");
	form_set(&f, "step_hours_1", "8");
	form_set(&f, "step_name_2", "");
	assert_int_equal(post_proc_form(&admin, "/quan-tri/thu-tuc/them", "/quan-tri/thu-tuc", &f, &r), 422);
	expect_in(&r, MSG_FIX_FIELDS);
	expect_field_error(&r, "code", MSG_CODE_SHAPE);
	expect_field_error(&r, "name", MSG_NAME_EMPTY);
	expect_field_error(&r, "field", MSG_FIELD_EMPTY);
	expect_field_error(&r, "receiving", MSG_RECEIVING);
	expect_field_error(&r, "level", MSG_LEVEL_DECIDES);
	expect_row_error(&r, "fee-0-error", MSG_AMOUNT);
	expect_row_error(&r, "doc-0-error", MSG_DOC_COUNT);
	expect_row_error(&r, "step-2-error", MSG_STEP_NAME);
	expect_row_error(&r, "steps-error", MSG_STEPS_SUM);
	/* what was typed is kept */
	expect_in(&r, "value=\"2.0008!5\"");
	expect_in(&r, "value=\"tám nghìn\"");
	expect_in(&r, "value=\"Thẩm định, trình ký\"");
	expect_in(&r, "<option value=\"district\" selected>");
	resp_free(&r);
	/* an amount in đồng is whole: "2.000,5", "1.5" and "20.00" are refused, "2.000" and "1 000 000" taken
	 */
	{
		const char *bad[] = { "2.000,5", "1.5", "20.00", "2.", "1.000.00" };
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			base_form(&f, "2.000816", "Thủ tục thử số tiền");
			form_set(&f, "fee_amount_0", bad[i]);
			assert_int_equal(post_proc_form(&admin, "/quan-tri/thu-tuc/them", "/quan-tri/thu-tuc",
							&f, &r),
					 422);
			expect_row_error(&r, "fee-0-error", MSG_AMOUNT);
			resp_free(&r);
		}
	}

	/* the time missing, and a same-day procedure whose steps take more than a day */
	base_form(&f, "9.900300", "Thủ tục thử thời hạn");
	form_set(&f, "time_amount", "");
	assert_int_equal(post_proc_form(&admin, "/quan-tri/thu-tuc/them", "/quan-tri/thu-tuc", &f, &r), 422);
	expect_in(&r, MSG_TIME_EMPTY);
	resp_free(&r);
	assert_int_equal(all_versions(), before);
	assert_int_equal(versions_of("9.900300"), 0);
	assert_int_equal(versions_of("2.0008!5"), 0);
	/* a code already in the catalogue */
	base_form(&f, "2.000815", "Chứng thực bản sao lần nữa");
	assert_int_equal(post_proc_form(&admin, "/quan-tri/thu-tuc/them", "/quan-tri/thu-tuc", &f, &r), 409);
	expect_field_error(&r, "code", MSG_CODE_TAKEN);
	resp_free(&r);
	assert_int_equal(all_versions(), before);
}

static void test_versions(void **state)
{
	struct http_resp r, page;
	struct form f;
	char name[600], tok[128];
	int status;
	json_t *v;
	(void)state;

	/* a valid procedure: a draft, not in the public catalogue */
	base_form(&f, "9.900001", "Cấp bản sao trích lục hộ tịch (thử nghiệm)");
	assert_int_equal(post_proc_form(&admin, "/quan-tri/thu-tuc/them", "/quan-tri/thu-tuc", &f, &r), 303);
	assert_int_equal(follow(&admin, &r, &page), 200);
	expect_in(&page, MSG_NEW_DRAFT);
	/* the empty rows were left out; the amount "8.000" is 8000 */
	expect_in(&page, "value=\"8000\"");
	resp_free(&page);
	resp_free(&r);
	assert_int_equal(versions_of("9.900001"), 1);
	assert_int_equal(audit_rows("procedure.create"), 1);
	assert_int_equal(anon("/thu-tuc/9.900001", &r), 404);
	resp_free(&r);
	assert_int_equal(anon("/api/v1/procedures/9.900001", &r), 404);
	resp_free(&r);
	/* the list shows it as a draft */
	assert_int_equal(browse(&admin, "/quan-tri/thu-tuc?q=9.900001", &r), 200);
	expect_in(&r, "Cấp bản sao trích lục hộ tịch (thử nghiệm)");
	expect_in(&r, "Bản nháp");
	resp_free(&r);

	/* publish: at once in the public catalogue */
	page_token(&admin, "/quan-tri/thu-tuc/9.900001", tok, sizeof(tok));
	{
		char *body = ts_form(NULL, "csrf", tok, "version", "1", NULL);
		assert_int_equal(post_form(&admin, "/quan-tri/thu-tuc/9.900001/cong-bo", body, &r), 303);
		free(body);
	}
	resp_free(&r);
	assert_int_equal(audit_rows("procedure.publish"), 1);
	assert_int_equal(anon("/thu-tuc/9.900001", &r), 200);
	expect_in(&r, "Cấp bản sao trích lục hộ tịch (thử nghiệm)");
	resp_free(&r);
	assert_int_equal(browse(&admin, "/quan-tri/thu-tuc?q=9.900001", &r), 200);
	expect_in(&r, MSG_STATUS_PUB_V1);
	resp_free(&r);

	/* an edit of the published procedure: version 2 as a draft; the public still sees version 1 */
	form_set(&f, "name", "Cấp bản sao trích lục hộ tịch (sửa đổi)");
	assert_int_equal(post_proc_form(&admin, "/quan-tri/thu-tuc/9.900001", "/quan-tri/thu-tuc/9.900001",
					&f, &r),
			 303);
	assert_int_equal(follow(&admin, &r, &page), 200);
	expect_in(&page, MSG_V2_DRAFT);
	resp_free(&page);
	resp_free(&r);
	assert_int_equal(versions_of("9.900001"), 2);
	assert_int_equal(audit_rows("procedure.update"), 1);
	assert_int_equal(anon("/api/v1/procedures/9.900001", &r), 200);
	v = body_json(&r);
	assert_int_equal(json_integer_value(json_object_get(v, "version")), 1);
	assert_string_equal(json_string_value(json_object_get(v, "name")),
			    "Cấp bản sao trích lục hộ tịch (thử nghiệm)");
	json_decref(v);
	resp_free(&r);
	/* editing the draft again changes it in place */
	form_set(&f, "time_note", "Trả kết quả trong giờ hành chính");
	assert_int_equal(post_proc_form(&admin, "/quan-tri/thu-tuc/9.900001", "/quan-tri/thu-tuc/9.900001",
					&f, &r),
			 303);
	assert_int_equal(follow(&admin, &r, &page), 200);
	expect_in(&page, MSG_V2_UPDATED);
	resp_free(&page);
	resp_free(&r);
	assert_int_equal(versions_of("9.900001"), 2);
	/* the code in the form cannot move the procedure: the path's code counts */
	form_set(&f, "code", "9.999999");
	assert_int_equal(post_proc_form(&admin, "/quan-tri/thu-tuc/9.900001", "/quan-tri/thu-tuc/9.900001",
					&f, &r),
			 303);
	resp_free(&r);
	assert_int_equal(versions_of("9.999999"), 0);
	form_set(&f, "code", "9.900001");

	/* publish version 2: the public page shows it, version 1 stays loadable as it was */
	page_token(&admin, "/quan-tri/thu-tuc/9.900001", tok, sizeof(tok));
	{
		char *body = ts_form(NULL, "csrf", tok, "version", "2", NULL);
		assert_int_equal(post_form(&admin, "/quan-tri/thu-tuc/9.900001/cong-bo", body, &r), 303);
		free(body);
	}
	assert_int_equal(follow(&admin, &r, &page), 200);
	expect_in(&page, MSG_PUBLISHED_V2);
	resp_free(&page);
	resp_free(&r);
	assert_int_equal(anon("/api/v1/procedures/9.900001", &r), 200);
	v = body_json(&r);
	assert_int_equal(json_integer_value(json_object_get(v, "version")), 2);
	assert_string_equal(json_string_value(json_object_get(v, "name")),
			    "Cấp bản sao trích lục hộ tịch (sửa đổi)");
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "time"), "note")),
			    "Trả kết quả trong giờ hành chính");
	json_decref(v);
	resp_free(&r);
	assert_string_equal(version_name("9.900001", 1, name, sizeof(name), &status),
			    "Cấp bản sao trích lục hộ tịch (thử nghiệm)");
	assert_int_equal(status, PROC_RETIRED);
	assert_string_equal(version_name("9.900001", 2, name, sizeof(name), &status),
			    "Cấp bản sao trích lục hộ tịch (sửa đổi)");
	assert_int_equal(status, PROC_PUBLISHED);
	/* the history lists both */
	assert_int_equal(browse(&admin, "/quan-tri/thu-tuc/9.900001", &r), 200);
	expect_in(&r, "<td>Đã thay thế</td>");
	expect_in(&r, "<td>Đã công bố</td>");
	resp_free(&r);

	/* a third version as a draft: the list says which one the public sees */
	form_set(&f, "name", "Cấp bản sao trích lục hộ tịch (dự thảo 3)");
	form_set(&f, "conditions", "Người yêu cầu là người có quyền theo quy định");
	assert_int_equal(post_proc_form(&admin, "/quan-tri/thu-tuc/9.900001", "/quan-tri/thu-tuc/9.900001",
					&f, &r),
			 303);
	resp_free(&r);
	assert_int_equal(browse(&admin, "/quan-tri/thu-tuc?q=9.900001", &r), 200);
	expect_in(&r, MSG_STATUS_PUB_V2);
	resp_free(&r);

	/* staff read every version, read-only: the retired one, the published one, the draft */
	assert_int_equal(browse(&admin, "/quan-tri/thu-tuc/9.900001", &r), 200);
	expect_in(&r, "href=\"/quan-tri/thu-tuc/9.900001/phien-ban/1\"");
	expect_in(&r, "href=\"/quan-tri/thu-tuc/9.900001/phien-ban/3\"");
	resp_free(&r);
	expect_version("9.900001", 1, "Cấp bản sao trích lục hộ tịch (thử nghiệm)", "Đã thay thế", "retired");
	expect_version("9.900001", 2, "Cấp bản sao trích lục hộ tịch (sửa đổi)", "Đã công bố", "published");
	expect_version("9.900001", 3, "Cấp bản sao trích lục hộ tịch (dự thảo 3)", "Bản nháp", "draft");
	assert_int_equal(browse(&admin, "/quan-tri/thu-tuc/9.900001/phien-ban/3", &r), 200);
	expect_in(&r, "Người yêu cầu là người có quyền theo quy định");
	expect_in(&r, "Chưa từng công bố");
	resp_free(&r);
	/* the public still reads version 2 only */
	assert_int_equal(anon("/api/v1/procedures/9.900001", &r), 200);
	v = body_json(&r);
	assert_int_equal(json_integer_value(json_object_get(v, "version")), 2);
	assert_null(json_object_get(v, "status"));
	json_decref(v);
	resp_free(&r);
	/* a ward's admin, a specialist, a citizen: 403; nobody logged in: 401 (the API) or the login page */
	assert_int_equal(browse(&ward_admin, "/quan-tri/thu-tuc/9.900001/phien-ban/1", &r), 403);
	resp_free(&r);
	assert_int_equal(api(&ward_admin, "GET", "/api/v1/procedures/9.900001?version=3", NULL, &r), 403);
	resp_free(&r);
	assert_int_equal(api(&specialist, "GET", "/api/v1/procedures/9.900001?version=1", NULL, &r), 403);
	resp_free(&r);
	assert_int_equal(api(&citizen, "GET", "/api/v1/procedures/9.900001?version=1", NULL, &r), 403);
	resp_free(&r);
	assert_int_equal(anon("/api/v1/procedures/9.900001?version=3", &r), 401);
	v = body_json(&r);
	assert_non_null(json_object_get(v, "error"));
	json_decref(v);
	resp_free(&r);
	assert_int_equal(anon("/quan-tri/thu-tuc/9.900001/phien-ban/3", &r), 303);
	resp_free(&r);
	/* unknown versions and codes */
	assert_int_equal(browse(&admin, "/quan-tri/thu-tuc/9.900001/phien-ban/4", &r), 404);
	expect_in(&r, "Thủ tục này không có phiên bản đó.");
	resp_free(&r);
	assert_int_equal(browse(&admin, "/quan-tri/thu-tuc/9.900001/phien-ban/0", &r), 404);
	resp_free(&r);
	assert_int_equal(browse(&admin, "/quan-tri/thu-tuc/9.999996/phien-ban/1", &r), 404);
	resp_free(&r);
	assert_int_equal(api(&admin, "GET", "/api/v1/procedures/9.900001?version=4", NULL, &r), 404);
	resp_free(&r);
	assert_int_equal(api(&admin, "GET", "/api/v1/procedures/9.999996?version=1", NULL, &r), 404);
	resp_free(&r);
	assert_int_equal(api(&admin, "GET", "/api/v1/procedures/9.900001?version=abc", NULL, &r), 400);
	resp_free(&r);
	/* saving what is there already makes no version */
	assert_int_equal(post_proc_form(&admin, "/quan-tri/thu-tuc/9.900001", "/quan-tri/thu-tuc/9.900001",
					&f, &r),
			 303);
	resp_free(&r);
	assert_int_equal(versions_of("9.900001"), 3);

	/* unpublish: out of the public catalogue at once, the versions kept */
	page_token(&admin, "/quan-tri/thu-tuc/9.900001", tok, sizeof(tok));
	{
		char *body = ts_form(NULL, "csrf", tok, NULL);
		assert_int_equal(post_form(&admin, "/quan-tri/thu-tuc/9.900001/ngung-cong-bo", body, &r),
				 303);
		free(body);
	}
	assert_int_equal(follow(&admin, &r, &page), 200);
	expect_in(&page, MSG_UNPUBLISHED);
	resp_free(&page);
	resp_free(&r);
	assert_int_equal(audit_rows("procedure.unpublish"), 1);
	assert_int_equal(anon("/thu-tuc/9.900001", &r), 404);
	resp_free(&r);
	assert_int_equal(versions_of("9.900001"), 3);
	assert_string_equal(version_name("9.900001", 2, name, sizeof(name), &status),
			    "Cấp bản sao trích lục hộ tịch (sửa đổi)");
	assert_int_equal(status, PROC_RETIRED);
	/* publishing a version that does not exist */
	page_token(&admin, "/quan-tri/thu-tuc/9.900001", tok, sizeof(tok));
	{
		char *body = ts_form(NULL, "csrf", tok, "version", "9", NULL);
		assert_int_equal(post_form(&admin, "/quan-tri/thu-tuc/9.900001/cong-bo", body, &r), 404);
		free(body);
	}
	resp_free(&r);
	assert_int_equal(browse(&admin, "/quan-tri/thu-tuc/9.999998", &r), 404);
	resp_free(&r);
}

/* ---- blank forms ---- */

static void test_blank_form(void **state)
{
	static const char pdf[] =
		"%PDF-1.4\n% Tờ khai thử nghiệm\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
	struct part_file files[] = { { "doc_upload_0", "to-khai.pdf", "application/pdf", pdf,
				       sizeof(pdf) - 1 } };
	struct http_resp r, page;
	struct buf b = BUF_INIT;
	struct form f;
	struct stat st;
	char tok[128], path[900], sha[65], *p;
	long long before;
	(void)state;

	base_form(&f, "9.900002", "Đăng ký thử nghiệm có mẫu đơn");
	assert_int_equal(post_proc_form(&admin, "/quan-tri/thu-tuc/them", "/quan-tri/thu-tuc", &f, &r), 303);
	resp_free(&r);
	/* the edit page takes files */
	assert_int_equal(browse(&admin, "/quan-tri/thu-tuc/9.900002", &r), 200);
	expect_in(&r, "enctype=\"multipart/form-data\"");
	expect_in(&r, "name=\"doc_upload_0\"");
	resp_free(&r);

	/* a file that is no form: refused, nothing changes */
	before = versions_of("9.900002");
	page_token(&admin, "/quan-tri/thu-tuc/9.900002", tok, sizeof(tok));
	{
		struct part_file exe = { "doc_upload_0", "to-khai.exe", "application/octet-stream", "MZ\x90",
					 3 };
		form_set(&f, "doc_form_name_0", "");
		multipart(&b, &f, tok, &exe, 1);
		assert_int_equal(post_multipart(&admin, "/quan-tri/thu-tuc/9.900002", &b, &r), 422);
		expect_row_error(&r, "doc-0-error", MSG_FORM_TYPE);
		resp_free(&r);
		buf_reset(&b);
	}
	/* a digest typed by hand that names no kept file */
	form_set(&f, "doc_form_name_0", "Tờ khai");
	form_set(&f, "doc_form_file_0", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	multipart(&b, &f, tok, NULL, 0);
	assert_int_equal(post_multipart(&admin, "/quan-tri/thu-tuc/9.900002", &b, &r), 422);
	expect_row_error(&r, "doc-0-error", MSG_NOT_IN_STORE);
	resp_free(&r);
	buf_reset(&b);
	assert_int_equal(versions_of("9.900002"), before);

	/* the PDF: kept by its digest under data/files, in the draft; a multi-line text as a browser sends it
	 */
	form_set(&f, "legal_basis", "Luật Hộ tịch năm 2014\r\nNghị định số 123/2015/NĐ-CP");
	form_set(&f, "doc_form_name_0", "Tờ khai đăng ký (mẫu)");
	form_set(&f, "doc_form_file_0", "");
	multipart(&b, &f, tok, files, 1);
	assert_int_equal(post_multipart(&admin, "/quan-tri/thu-tuc/9.900002", &b, &r), 303);
	resp_free(&r);
	buf_release(&b);
	assert_int_equal(browse(&admin, "/quan-tri/thu-tuc/9.900002", &r), 200);
	expect_in(&r, "Tờ khai đăng ký (mẫu)");
	p = strstr(r.body.ptr, "name=\"doc_form_file_0\" value=\"");
	assert_non_null(p);
	p += strlen("name=\"doc_form_file_0\" value=\"");
	memcpy(sha, p, 64);
	sha[64] = '\0';
	resp_free(&r);
	snprintf(path, sizeof(path), "%s/data/files/%.2s/%s", srv.dir, sha, sha);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal((size_t)st.st_size, sizeof(pdf) - 1);

	/* published: the edit page and the public page link to the download, which is the file */
	page_token(&admin, "/quan-tri/thu-tuc/9.900002", tok, sizeof(tok));
	{
		char *body = ts_form(NULL, "csrf", tok, "version", "1", NULL);
		assert_int_equal(post_form(&admin, "/quan-tri/thu-tuc/9.900002/cong-bo", body, &r), 303);
		free(body);
	}
	assert_int_equal(follow(&admin, &r, &page), 200);
	expect_in(&page, "href=\"/thu-tuc/9.900002/bieu-mau/1\"");
	resp_free(&page);
	resp_free(&r);
	assert_int_equal(anon("/thu-tuc/9.900002", &r), 200);
	expect_in(&r, "/thu-tuc/9.900002/bieu-mau/1");
	resp_free(&r);
	assert_int_equal(anon("/api/v1/procedures/9.900002", &r), 200);
	{
		json_t *v = body_json(&r);
		assert_string_equal(json_string_value(json_object_get(v, "legal_basis")),
				    "Luật Hộ tịch năm 2014\nNghị định số 123/2015/NĐ-CP");
		json_decref(v);
	}
	resp_free(&r);
	assert_int_equal(browse(&citizen, "/thu-tuc/9.900002/bieu-mau/1", &r), 200);
	assert_int_equal(r.body.len, sizeof(pdf) - 1);
	assert_memory_equal(r.body.ptr, pdf, sizeof(pdf) - 1);
	resp_free(&r);

	/* saved again without a new upload: the file stays */
	form_set(&f, "doc_form_file_0", sha);
	form_set(&f, "fee_amount_0", "9000");
	page_token(&admin, "/quan-tri/thu-tuc/9.900002", tok, sizeof(tok));
	multipart(&b, &f, tok, NULL, 0);
	assert_int_equal(post_multipart(&admin, "/quan-tri/thu-tuc/9.900002", &b, &r), 303);
	resp_free(&r);
	buf_release(&b);
	assert_int_equal(browse(&admin, "/quan-tri/thu-tuc/9.900002", &r), 200);
	expect_in(&r, sha);
	resp_free(&r);
	assert_int_equal(versions_of("9.900002"), 2);

	/* a line marked for deletion goes, with what it held: the second document and the fee */
	{
		size_t docs, fees;
		version_rows("9.900002", 2, &docs, &fees);
		assert_int_equal(docs, 2);
		assert_int_equal(fees, 1);
		form_set(&f, "doc_delete_1", "1");
		form_set(&f, "fee_delete_0", "1");
		page_token(&admin, "/quan-tri/thu-tuc/9.900002", tok, sizeof(tok));
		multipart(&b, &f, tok, NULL, 0);
		assert_int_equal(post_multipart(&admin, "/quan-tri/thu-tuc/9.900002", &b, &r), 303);
		resp_free(&r);
		buf_release(&b);
		version_rows("9.900002", 2, &docs, &fees);
		assert_int_equal(docs, 1);
		assert_int_equal(fees, 0);
	}
}

/* ---- import and export ---- */

/* A procedure document for the import and the API; `hours` of its one step against 1 working day. */
static char *doc_json(const char *code, const char *name, const char *field, int hours)
{
	json_t *d = json_pack(
		"{s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:s,s:s,s:{s:i,s:s,s:s},s:[{s:s,s:s,s:s,s:i,s:[],s:n,s:n}],s:s,"
		"s:[{s:s,s:s,s:i,s:n}],s:s,s:s,s:s,s:s,s:[{s:s,s:s,s:s,s:s,s:i}]}",
		"code", code, "name", name, "field", field, "level", "ward", "inter_level", 0,
		"receive_level", "ward", "decide_level", "ward", "receiving", "Bộ phận Một cửa UBND phường",
		"deciding", "Chủ tịch UBND phường", "time", "amount", 1, "unit", "day", "note", "", "fees",
		"name", "Lệ phí", "kind", "charge", "per", "dossier", "amount", 5000, "tiers", "min", "max",
		"fee_note", "", "documents", "name", "Đơn đề nghị", "kind", "original", "count", 1, "form",
		"result", "Giấy xác nhận", "legal_basis", "Luật Hộ tịch 2014", "conditions", "", "online",
		"full", "steps", "name", "Giải quyết", "responsible", "Công chức Tư pháp - Hộ tịch", "role",
		"specialist", "level", "ward", "hours", hours);
	char *s;
	assert_non_null(d);
	s = json_dumps(d, JSON_COMPACT);
	json_decref(d);
	return s;
}

static void test_import(void **state)
{
	struct http_resp r, page;
	struct buf b = BUF_INIT;
	char tok[128], *d1, *d2, *d3, *d4, *text;
	long long before = all_versions(), imports = audit_rows("procedure.import");
	json_t *v, *rows;
	(void)state;

	/* rows 2 and 3 are wrong (a bad code, steps not adding up), row 4 names no field: nothing is imported
	 */
	d1 = doc_json("9.900010", "Xác nhận thử nghiệm một", TEST_FIELD, 8);
	d2 = doc_json("9.9000!x", "Xác nhận thử nghiệm hai", TEST_FIELD, 8);
	d3 = doc_json("9.900012", "Xác nhận thử nghiệm ba", TEST_FIELD, 5);
	d4 = doc_json("9.900013", "Xác nhận thử nghiệm bốn", "Không có lĩnh vực này", 8);
	text = malloc(strlen(d1) + strlen(d2) + strlen(d3) + strlen(d4) + 16);
	assert_non_null(text);
	snprintf(text, strlen(d1) + strlen(d2) + strlen(d3) + strlen(d4) + 16, "[%s,\n%s,\n%s,\n%s]", d1, d2,
		 d3, d4);
	page_token(&admin, "/quan-tri/thu-tuc/nhap", tok, sizeof(tok));
	{
		struct part_file pf = { "file", "thu-tuc.json", "application/json", text, strlen(text) };
		struct form f = { { "publish" }, { "1" }, 1 };
		multipart(&b, &f, tok, &pf, 1);
	}
	assert_int_equal(post_multipart(&admin, "/quan-tri/thu-tuc/nhap", &b, &r), 422);
	buf_release(&b);
	expect_in(&r, MSG_NOTHING);
	expect_in(&r, "Dòng 2, mục “Mã thủ tục”: ");
	expect_in(&r, "Dòng 3, mục “Quy trình nội bộ”: " MSG_STEPS_SUM);
	expect_in(&r, "Dòng 4, mục “Lĩnh vực”: ");
	assert_null(strstr(r.body.ptr, "trường code"));
	assert_null(strstr(r.body.ptr, "Dòng 1,"));
	resp_free(&r);
	assert_int_equal(all_versions(), before);
	assert_int_equal(audit_rows("procedure.import"), imports);

	/* the same through the API: every row, nothing imported */
	assert_int_equal(api(&admin, "POST", "/api/v1/procedures/import", NULL, &r), 415);
	resp_free(&r);
	resp_init(&r);
	{
		const char *h[] = { admin.cookie, admin.token, "Content-Type: application/json", NULL };
		assert_int_equal(http_req(&srv, "POST", "/api/v1/procedures/import?publish=1", h, text,
					  strlen(text), &r),
				 0);
	}
	assert_int_equal(r.status, 422);
	v = body_json(&r);
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "error"), "code")),
			    "import_rejected");
	rows = json_object_get(json_object_get(v, "error"), "rows");
	assert_true(json_array_size(rows) >= 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "line")), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "field")), "code");
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "field_label")),
			    "Mã thủ tục");
	json_decref(v);
	resp_free(&r);
	assert_int_equal(all_versions(), before);
	/* a clerk reads the rows' fields by the form's labels, and a broken file in Vietnamese */
	{
		static const char broken[] = "[{\"code\": \"9.900014\",\n  \"name\": }]";
		json_t *d = json_loads(d1, 0, NULL), *fees;
		char *bad;
		assert_non_null(d);
		fees = json_object_get(d, "fees");
		json_array_append_new(fees, json_pack("{s:s,s:s,s:s,s:i}", "name", "", "kind", "fee", "per",
						      "copy", "amount", 1000));
		json_array_append(fees, json_array_get(fees, 0));
		json_object_set_new(d, "code", json_string("9.900014"));
		bad = json_dumps(d, JSON_COMPACT);
		json_decref(d);
		snprintf(text, strlen(d1) + strlen(d2) + strlen(d3) + strlen(d4) + 16, "[%s]", bad);
		free(bad);
		page_token(&admin, "/quan-tri/thu-tuc/nhap", tok, sizeof(tok));
		{
			struct part_file pf = { "file", "thu-tuc.json", "application/json", text,
						strlen(text) };
			struct form f = { { "publish" }, { "1" }, 1 };
			multipart(&b, &f, tok, &pf, 1);
		}
		assert_int_equal(post_multipart(&admin, "/quan-tri/thu-tuc/nhap", &b, &r), 422);
		buf_release(&b);
		expect_in(&r, "Dòng 1, mục “Phí, lệ phí – dòng 2”: ");
		assert_null(strstr(r.body.ptr, "fees["));
		resp_free(&r);
		resp_init(&r);
		{
			const char *h[] = { admin.cookie, admin.token, "Content-Type: application/json",
					    NULL };
			assert_int_equal(http_req(&srv, "POST", "/api/v1/procedures/import", h, text,
						  strlen(text), &r),
					 0);
		}
		assert_int_equal(r.status, 422);
		v = body_json(&r);
		rows = json_object_get(json_object_get(v, "error"), "rows");
		assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "field")),
				    "fees[1]");
		assert_string_equal(
			json_string_value(json_object_get(json_array_get(rows, 0), "field_label")),
			"Phí, lệ phí – dòng 2");
		json_decref(v);
		resp_free(&r);

		page_token(&admin, "/quan-tri/thu-tuc/nhap", tok, sizeof(tok));
		{
			struct part_file pf = { "file", "thu-tuc.json", "application/json", broken,
						sizeof(broken) - 1 };
			struct form f = { { "publish" }, { "1" }, 1 };
			multipart(&b, &f, tok, &pf, 1);
		}
		assert_int_equal(post_multipart(&admin, "/quan-tri/thu-tuc/nhap", &b, &r), 422);
		buf_release(&b);
		expect_in(&r, MSG_NOTHING);
		expect_in(&r, "Dòng 2: Dữ liệu JSON không hợp lệ. (lỗi ở cột 11)");
		/* not jansson's English */
		assert_null(strstr(r.body.ptr, "unexpected"));
		assert_null(strstr(r.body.ptr, "expected"));
		assert_null(strstr(r.body.ptr, "near"));
		resp_free(&r);
		assert_int_equal(versions_of("9.900014"), 0);
	}

	free(text);
	free(d2);
	free(d3);
	free(d4);

	/* a good file, published at once */
	d2 = doc_json("9.900011", "Xác nhận thử nghiệm hai", TEST_FIELD, 8);
	text = malloc(strlen(d1) + strlen(d2) + 8);
	assert_non_null(text);
	snprintf(text, strlen(d1) + strlen(d2) + 8, "[%s,%s]", d1, d2);
	page_token(&admin, "/quan-tri/thu-tuc/nhap", tok, sizeof(tok));
	{
		struct part_file pf = { "file", "thu-tuc.json", "application/json", text, strlen(text) };
		struct form f = { { "publish" }, { "1" }, 1 };
		multipart(&b, &f, tok, &pf, 1);
	}
	assert_int_equal(post_multipart(&admin, "/quan-tri/thu-tuc/nhap", &b, &r), 303);
	buf_release(&b);
	assert_int_equal(follow(&admin, &r, &page), 200);
	expect_in(&page, "Đã nhập 2 thủ tục");
	resp_free(&page);
	resp_free(&r);
	assert_int_equal(all_versions(), before + 2);
	assert_int_equal(audit_rows("procedure.import"), imports + 1);
	assert_int_equal(anon("/thu-tuc/9.900010", &r), 200);
	resp_free(&r);
	assert_int_equal(anon("/thu-tuc/9.900011", &r), 200);
	resp_free(&r);
	free(text);
	free(d1);
	free(d2);

	/* the API: a JSON array, as drafts */
	d3 = doc_json("9.900012", "Xác nhận thử nghiệm ba", TEST_FIELD, 8);
	text = malloc(strlen(d3) + 4);
	assert_non_null(text);
	snprintf(text, strlen(d3) + 4, "[%s]", d3);
	resp_init(&r);
	{
		const char *h[] = { admin.cookie, admin.token, "Content-Type: application/json", NULL };
		assert_int_equal(
			http_req(&srv, "POST", "/api/v1/procedures/import", h, text, strlen(text), &r), 0);
	}
	assert_int_equal(r.status, 200);
	v = body_json(&r);
	assert_int_equal(json_integer_value(json_object_get(v, "imported")), 1);
	json_decref(v);
	resp_free(&r);
	assert_int_equal(versions_of("9.900012"), 1);
	assert_int_equal(anon("/thu-tuc/9.900012", &r), 404);
	resp_free(&r);
	free(text);
	free(d3);

	/* a file past the body limit (1 MiB): refused as a raw body, taken as an upload (to 32 MiB) */
	d3 = doc_json("9.900013", "Xác nhận thử nghiệm bốn", TEST_FIELD, 8);
	{
		size_t pad = (size_t)1200 << 10, n = strlen(d3) + pad + 3;
		struct part_file pf;
		struct buf mp = BUF_INIT;
		text = malloc(n);
		assert_non_null(text);
		text[0] = '[';
		memcpy(text + 1, d3, strlen(d3));
		memset(text + 1 + strlen(d3), ' ', pad); /* JSON allows white space anywhere between tokens */
		text[n - 2] = ']';
		text[n - 1] = '\0';
		resp_init(&r);
		{
			const char *h[] = { admin.cookie, admin.token, "Content-Type: application/json",
					    NULL };
			assert_int_equal(
				http_req(&srv, "POST", "/api/v1/procedures/import", h, text, n - 1, &r), 0);
		}
		assert_int_equal(r.status, 413);
		resp_free(&r);
		assert_int_equal(versions_of("9.900013"), 0);
		pf = (struct part_file){ "file", "thu-tuc.json", "application/json", text, n - 1 };
		multipart(&mp, NULL, NULL, &pf, 1);
		resp_init(&r);
		{
			const char *h[] = { admin.cookie, admin.token, MP_TYPE, NULL };
			assert_int_equal(http_req(&srv, "POST", "/api/v1/procedures/import", h, mp.ptr,
						  mp.len, &r),
					 0);
		}
		assert_int_equal(r.status, 200);
		v = body_json(&r);
		assert_int_equal(json_integer_value(json_object_get(v, "imported")), 1);
		json_decref(v);
		resp_free(&r);
		buf_release(&mp);
		assert_int_equal(versions_of("9.900013"), 1);
	}
	free(text);
	free(d3);
}

static void test_export(void **state)
{
	struct http_resp r, page;
	struct buf b = BUF_INIT;
	char h[200], want[80], tok[128];
	struct tm tm;
	time_t now = time(NULL) + 7 * 3600;
	long long before;
	json_t *v;
	(void)state;

	gmtime_r(&now, &tm);
	/* CSV: a download named by the date, UTF-8 with a BOM, a header row, the demo procedures */
	assert_int_equal(browse(&admin, "/quan-tri/thu-tuc/xuat?format=csv", &r), 200);
	assert_non_null(resp_hdr(&r, "Content-Type", h, sizeof(h)));
	assert_non_null(strstr(h, "text/csv"));
	assert_non_null(resp_hdr(&r, "Content-Disposition", h, sizeof(h)));
	snprintf(want, sizeof(want), "attachment; filename=\"thu-tuc-%04d%02d%02d.csv\"", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday);
	assert_string_equal(h, want);
	assert_true(r.body.len > 3);
	assert_memory_equal(r.body.ptr, "\xEF\xBB\xBF", 3);
	assert_int_equal(strncmp(r.body.ptr + 3, "code,name,field,", 16), 0);
	expect_in(&r, "2.000815");
	/* drafts are not in it without all=1 */
	assert_null(strstr(r.body.ptr, "9.900012"));

	/* imported back as it is, BOM and all: nothing changes */
	before = all_versions();
	page_token(&admin, "/quan-tri/thu-tuc/nhap", tok, sizeof(tok));
	{
		struct part_file pf = { "file", "thu-tuc.csv", "text/csv", r.body.ptr, r.body.len };
		multipart(&b, NULL, tok, &pf, 1);
	}
	resp_free(&r);
	assert_int_equal(post_multipart(&admin, "/quan-tri/thu-tuc/nhap", &b, &r), 303);
	buf_release(&b);
	assert_int_equal(follow(&admin, &r, &page), 200);
	expect_in(&page, "Đã nhập ");
	resp_free(&page);
	resp_free(&r);
	assert_int_equal(all_versions(), before);

	/* JSON, every latest version with all=1 */
	assert_int_equal(browse(&admin, "/quan-tri/thu-tuc/xuat?format=json&all=1", &r), 200);
	assert_non_null(resp_hdr(&r, "Content-Disposition", h, sizeof(h)));
	snprintf(want, sizeof(want), "attachment; filename=\"thu-tuc-%04d%02d%02d.json\"", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday);
	assert_string_equal(h, want);
	v = body_json(&r);
	assert_true(json_is_array(v));
	assert_true(json_array_size(v) >= 25);
	{
		int found = 0;
		for (size_t i = 0; i < json_array_size(v); i++)
			found |= !strcmp(json_string_value(json_object_get(json_array_get(v, i), "code")),
					 "9.900012");
		assert_true(found);
	}
	json_decref(v);
	resp_free(&r);
	/* the API gives the same */
	assert_int_equal(api(&admin, "GET", "/api/v1/procedures/export?format=json", NULL, &r), 200);
	v = body_json(&r);
	assert_true(json_array_size(v) >= 25);
	json_decref(v);
	resp_free(&r);
	/* Excel: a workbook whose cells are text, so 2.000720 is not read as the number 2.00072 */
	assert_int_equal(browse(&admin, "/quan-tri/thu-tuc/xuat?format=xlsx&all=1", &r), 200);
	assert_non_null(resp_hdr(&r, "Content-Type", h, sizeof(h)));
	assert_string_equal(h, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	assert_true(r.body.len > 1000);
	assert_memory_equal(r.body.ptr, "PK\x03\x04", 4);
	{
		char path[] = "/tmp/motcua-t0016-XXXXXX";
		char cmd[200], line[4096];
		int fd = mkstemp(path), shared = 0, number = 0;
		FILE *p;
		assert_true(fd >= 0);
		assert_int_equal(write(fd, r.body.ptr, r.body.len), (ssize_t)r.body.len);
		close(fd);
		snprintf(
			cmd, sizeof(cmd),
			"python3 -c 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); "
			"print(z.read(\"xl/sharedStrings.xml\").decode()); print(z.read(\"xl/worksheets/sheet1.xml\").decode())' %s",
			path);
		p = popen(cmd, "r");
		assert_non_null(p);
		while (fgets(line, sizeof(line), p)) {
			shared |= strstr(line, "<t>2.000720</t>") != NULL;
			number |= strstr(line, "<v>2.00072</v>") != NULL;
		}
		assert_int_equal(pclose(p), 0);
		unlink(path);
		assert_true(shared);
		assert_false(number);
	}
	resp_free(&r);
	assert_int_equal(browse(&admin, "/quan-tri/thu-tuc/xuat?format=xml", &r), 400);
	resp_free(&r);
}

/* ---- fields ---- */

static void test_fields(void **state)
{
	struct http_resp r, page;
	struct form f;
	char tok[128], *body, idstr[32];
	long long id, published;
	(void)state;

	assert_int_equal(browse(&admin, "/quan-tri/linh-vuc", &r), 200);
	expect_in(&r, TEST_FIELD);
	resp_free(&r);
	page_token(&admin, "/quan-tri/linh-vuc", tok, sizeof(tok));
	/* add, then the same name again */
	body = ts_form(NULL, "csrf", tok, "action", "add", "name", "Lĩnh vực tạm", NULL);
	assert_int_equal(post_form(&admin, "/quan-tri/linh-vuc", body, &r), 303);
	free(body);
	resp_free(&r);
	body = ts_form(NULL, "csrf", tok, "action", "add", "name", "Lĩnh vực tạm", NULL);
	assert_int_equal(post_form(&admin, "/quan-tri/linh-vuc", body, &r), 409);
	expect_in(&r, MSG_FIELD_TAKEN);
	free(body);
	resp_free(&r);
	body = ts_form(NULL, "csrf", tok, "action", "add", "name", "", NULL);
	assert_int_equal(post_form(&admin, "/quan-tri/linh-vuc", body, &r), 422);
	free(body);
	resp_free(&r);
	assert_int_equal(audit_rows("procedure_field.create"), 2);
	/* rename */
	id = sql_int("SELECT id FROM procedure_fields WHERE name = ?", "Lĩnh vực tạm");
	assert_true(id > 0);
	snprintf(idstr, sizeof(idstr), "%lld", id);
	body = ts_form(NULL, "csrf", tok, "action", "rename", "id", idstr, "name", "Lĩnh vực đổi tên", NULL);
	assert_int_equal(post_form(&admin, "/quan-tri/linh-vuc", body, &r), 303);
	free(body);
	resp_free(&r);
	assert_int_equal(sql_int("SELECT id FROM procedure_fields WHERE name = ?", "Lĩnh vực đổi tên"), id);
	assert_int_equal(audit_rows("procedure_field.update"), 1);

	/* deactivate our test field: not offered for new versions, its procedures stay published */
	id = sql_int("SELECT id FROM procedure_fields WHERE name = ?", TEST_FIELD);
	published =
		sql_int("SELECT COUNT(*) FROM procedure_versions WHERE status = 'published' AND field_id = "
			"(SELECT id FROM procedure_fields WHERE name = ?)",
			TEST_FIELD);
	assert_true(published >= 2);
	snprintf(idstr, sizeof(idstr), "%lld", id);
	body = ts_form(NULL, "csrf", tok, "action", "deactivate", "id", idstr, NULL);
	assert_int_equal(post_form(&admin, "/quan-tri/linh-vuc", body, &r), 303);
	assert_int_equal(follow(&admin, &r, &page), 200);
	expect_in(&page, "Ngừng sử dụng");
	resp_free(&page);
	free(body);
	resp_free(&r);
	assert_int_equal(
		sql_int("SELECT active FROM procedure_fields WHERE id = (SELECT id FROM procedure_fields "
			"WHERE name = ?)",
			TEST_FIELD),
		0);
	assert_int_equal(browse(&admin, "/quan-tri/thu-tuc/them", &r), 200);
	assert_null(strstr(r.body.ptr, "<option value=\"" TEST_FIELD "\""));
	resp_free(&r);
	base_form(&f, "9.900020", "Thủ tục trong lĩnh vực đã ngừng");
	assert_int_equal(post_proc_form(&admin, "/quan-tri/thu-tuc/them", "/quan-tri/thu-tuc", &f, &r), 422);
	expect_field_error(&r, "field", MSG_FIELD_OFF);
	resp_free(&r);
	assert_int_equal(versions_of("9.900020"), 0);
	assert_int_equal(anon("/thu-tuc/9.900010", &r), 200);
	resp_free(&r);
	assert_int_equal(
		sql_int("SELECT COUNT(*) FROM procedure_versions WHERE status = 'published' AND field_id = "
			"(SELECT id FROM procedure_fields WHERE name = ?)",
			TEST_FIELD),
		published);
	/* back in use */
	body = ts_form(NULL, "csrf", tok, "action", "activate", "id", idstr, NULL);
	assert_int_equal(post_form(&admin, "/quan-tri/linh-vuc", body, &r), 303);
	free(body);
	resp_free(&r);
	assert_int_equal(audit_rows("procedure_field.update"), 3);
}

/* ---- the write API ---- */

static void expect_api_field(const struct http_resp *r, long status, const char *field, const char *msg)
{
	json_t *v;
	const char *got;
	if (r->status != status)
		fail_msg("status %ld, want %ld: %s", r->status, status, r->body.ptr);
	v = body_json(r);
	got = json_string_value(
		json_object_get(json_object_get(json_object_get(v, "error"), "fields"), field));
	if (!got || !strstr(got, msg))
		fail_msg("field \"%s\": \"%s\", want \"%s\"", field, got ? got : "(none)", msg);
	json_decref(v);
}

static void test_api(void **state)
{
	struct http_resp r;
	char *doc;
	json_t *v;
	(void)state;

	/* create: a draft */
	doc = doc_json("9.900030", "Thủ tục tạo qua API", TEST_FIELD, 8);
	assert_int_equal(api(&admin, "POST", "/api/v1/procedures", doc, &r), 201);
	v = body_json(&r);
	assert_string_equal(json_string_value(json_object_get(v, "code")), "9.900030");
	assert_int_equal(json_integer_value(json_object_get(v, "version")), 1);
	assert_string_equal(json_string_value(json_object_get(v, "status")), "draft");
	json_decref(v);
	resp_free(&r);
	/* again: the code is taken */
	assert_int_equal(api(&admin, "POST", "/api/v1/procedures", doc, &r), 409);
	expect_api_field(&r, 409, "code", MSG_CODE_TAKEN);
	resp_free(&r);
	free(doc);
	/* invalid: every field named */
	doc = doc_json("9.900031", "", TEST_FIELD, 3);
	assert_int_equal(api(&admin, "POST", "/api/v1/procedures", doc, &r), 422);
	expect_api_field(&r, 422, "name", MSG_NAME_EMPTY);
	expect_api_field(&r, 422, "steps", MSG_STEPS_SUM);
	resp_free(&r);
	free(doc);
	assert_int_equal(versions_of("9.900031"), 0);
	assert_int_equal(api(&admin, "POST", "/api/v1/procedures", "{\"code\":1}", &r), 422);
	resp_free(&r);

	/* publish, then a new version through PUT */
	assert_int_equal(api(&admin, "POST", "/api/v1/procedures/9.900030/publish", "{\"version\":1}", &r),
			 200);
	resp_free(&r);
	assert_int_equal(anon("/api/v1/procedures/9.900030", &r), 200);
	resp_free(&r);
	doc = doc_json("9.900030", "Thủ tục sửa qua API", TEST_FIELD, 8);
	assert_int_equal(api(&admin, "PUT", "/api/v1/procedures/9.900030", doc, &r), 200);
	v = body_json(&r);
	assert_int_equal(json_integer_value(json_object_get(v, "version")), 2);
	assert_string_equal(json_string_value(json_object_get(v, "status")), "draft");
	json_decref(v);
	resp_free(&r);
	/* the code in the body is the path's */
	assert_int_equal(api(&admin, "PUT", "/api/v1/procedures/9.900001", doc, &r), 422);
	expect_api_field(&r, 422, "code", "");
	resp_free(&r);
	free(doc);
	doc = doc_json("9.999997", "Không có", TEST_FIELD, 8);
	assert_int_equal(api(&admin, "PUT", "/api/v1/procedures/9.999997", doc, &r), 404);
	resp_free(&r);
	free(doc);
	assert_int_equal(api(&admin, "POST", "/api/v1/procedures/9.900030/publish", "{\"version\":7}", &r),
			 404);
	resp_free(&r);
	assert_int_equal(api(&admin, "POST", "/api/v1/procedures/9.999997/publish", "{\"version\":1}", &r),
			 404);
	resp_free(&r);
	assert_int_equal(api(&admin, "POST", "/api/v1/procedures/9.900030/publish", "{}", &r), 400);
	resp_free(&r);
	assert_int_equal(api(&admin, "POST", "/api/v1/procedures/9.900030/publish", "{\"version\":2}", &r),
			 200);
	resp_free(&r);
	assert_int_equal(anon("/api/v1/procedures/9.900030", &r), 200);
	v = body_json(&r);
	assert_string_equal(json_string_value(json_object_get(v, "name")), "Thủ tục sửa qua API");
	json_decref(v);
	resp_free(&r);
	/* unpublish, twice */
	assert_int_equal(api(&admin, "POST", "/api/v1/procedures/9.900030/unpublish", NULL, &r), 200);
	resp_free(&r);
	assert_int_equal(anon("/api/v1/procedures/9.900030", &r), 404);
	resp_free(&r);
	assert_int_equal(api(&admin, "POST", "/api/v1/procedures/9.900030/unpublish", NULL, &r), 409);
	resp_free(&r);
	assert_int_equal(api(&admin, "POST", "/api/v1/procedures/9.999997/unpublish", NULL, &r), 404);
	resp_free(&r);
	assert_true(audit_rows("procedure.publish") >= 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forbidden),
		cmocka_unit_test(test_csrf),
		cmocka_unit_test(test_form_validation),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_blank_form),
		cmocka_unit_test(test_import),
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_api),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("t0016-catalogue-admin", tests, setup, teardown);
}
