/*
 * t0033-doc-outgoing: outgoing documents (văn bản đi, Decree 30/2020). A specialist of Phòng Tư
 * pháp drafts (a PDF, then a DOCX and an ODT as new versions, every version kept; anything else
 * refused by its content), submits; the head of the department comments, returns it with a
 * reason, forwards it; the district's deputy chairman signs it (TM. ỦY BAN NHÂN DÂN / KT. CHỦ
 * TỊCH / PHÓ CHỦ TỊCH) and the file is fixed (a replacement refused with 409, the SHA-256
 * unchanged); the district's records clerk numbers it (the next number of the district's year,
 * "NN/KH-UBND", a Công văn "NN/UBND-TP"), dated the signing day or the next working day only,
 * then withdraws one, which keeps its number. A specialist, a clerk and a department head
 * cannot sign; another ward's chairman sees nothing (404). A secret draft only to those it is
 * for. At the ward a delegation gives TUQ. and the ward's own numbers; the setting numbers at
 * signing. Eight issuers at once never duplicate or skip a number; the year rolls over on 1
 * January with a controlled clock. The register's columns on the page, in JSON, in the PDF's
 * text and in the XLSX. Every step in the audit chain and the statistics.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/buf.h"
#include "core/timefmt.h"
#include "features/authz.h"
#include "features/calendar.h"
#include "features/doc_outgoing.h"
#include "features/files.h"
#include "features/settings.h"
#include "harness.h"
#include "checks.h"
#include "rules/calendar.h"
#include "store/counter.h"
#include "store/db.h"

#define DEMO_PASSWORD "ThanhXuan-Demo-2026"
#define DISTRICT      "000.00.15.H26"
#define DEPT_TP	      "002.15.00.H26" /* Phòng Tư pháp */
#define WARD	      "000.01.15.H26" /* Phường Nhân Chính */
#define API	      "/api/v1/documents/outgoing"
#define BOUNDARY      "----t0033-boundary-VmFuQmFuRGk"
#define MP_TYPE	      "Content-Type: multipart/form-data; boundary=" BOUNDARY

/* What people read. */
#define MSG_FIXED     "Văn bản đã được ký: tệp văn bản đã được cố định, không thể thay đổi được nữa."
#define MSG_NOT_FOUND "Không có văn bản đi này."
#define MSG_SIGN                                                                                                                                     \
	"Chỉ lãnh đạo cơ quan mới được ký văn bản của cơ quan; lãnh đạo đơn vị soạn thảo chỉ được ký thừa " \
	"lệnh các loại văn bản mà quy chế làm việc của cơ quan giao."
#define MSG_ISSUE  "Chỉ văn thư của cơ quan mới được cấp số và ban hành văn bản của cơ quan."
#define MSG_REVIEW "Chỉ lãnh đạo đơn vị soạn thảo mới xem xét dự thảo của đơn vị."
#define MSG_FILE_TYPE \
	"Tệp phải là văn bản PDF, DOCX hoặc ODT (hệ thống kiểm tra nội dung tệp, không dựa vào tên tệp)."
#define MSG_ATTACH    "Vui lòng đính kèm tệp văn bản: tệp PDF, DOCX hoặc ODT."
#define MSG_REASON    "Vui lòng nhập lý do."
#define MSG_DAY	      "Ngày ban hành phải là ngày ký"
#define MSG_SUMMARY   "Vui lòng nhập trích yếu nội dung văn bản."
#define MSG_TYPE      "Vui lòng chọn loại văn bản."
#define MSG_REGISTER  "Chỉ văn thư và lãnh đạo cơ quan mới xem được sổ đăng ký văn bản đi của cơ quan."
#define NOTATION_KT   "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
#define NOTATION_TUQ  "TUQ. CHỦ TỊCH\nCÔNG CHỨC TƯ PHÁP - HỘ TỊCH"
#define NOTATION_HEAD "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
#define NOTATION_TL   "TL. CHỦ TỊCH\nTRƯỞNG PHÒNG TƯ PHÁP"
#define ORDERS	      "/api/v1/documents/sign-orders"
#define MSG_ORDERS \
	"Chỉ lãnh đạo cơ quan và quản trị viên của cơ quan được ghi và thu hồi việc giao ký thừa lệnh."

static struct test_server srv;
static struct db *db; /* the test's own connection to the server's database */
static struct ts_user specialist, head, leader, clerk, ward_chair, ward_specialist, ward_clerk, dept_clerk,
	admin;
static int64_t district_id, dept_id, ward_id, specialist_id, leader_id, clerk_id;
static int64_t plan_id;	  /* the Kế hoạch taken through the whole workflow */
static int64_t letter_id; /* the Công văn */

/* ---- helpers ---- */

static json_t *call(const struct ts_user *u, const char *method, const char *path, const char *body,
		    long want)
{
	return ts_call(&srv, u, method, path, body, want);
}

static const char *err_message(const json_t *j)
{
	return json_string_value(json_object_get(json_object_get(j, "error"), "message"));
}

/* The message of an error answer with status `want`; the caller frees it. */
static char *error_of(const struct ts_user *u, const char *method, const char *path, const char *body,
		      long want)
{
	json_t *j = call(u, method, path, body, want);
	char *m = strdup(err_message(j) ? err_message(j) : "");
	json_decref(j);
	return m;
}

static void expect_error(const struct ts_user *u, const char *method, const char *path, const char *body,
			 long want, const char *msg)
{
	char *m = error_of(u, method, path, body, want);
	if (msg && !strstr(m, msg))
		fail_msg("%s %s: \"%s\" is not \"%s\"", method, path, m, msg);
	free(m);
}

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
		fail_msg("\"%s\" is not in the answer (status %ld)", text, r->status);
}

static long long sql_int(const char *sql, int64_t a)
{
	return ts_sql_int(&srv, sql, "i", a, 0);
}

static long long docs_count(void)
{
	return ts_sql_int(&srv, "SELECT COUNT(*) FROM doc_outgoing", NULL, 0, 0);
}

static const char *sql_text(const char *sql, int64_t a, char *out, size_t n)
{
	struct db_stmt *st;
	out[0] = '\0';
	if (db_query(db, &st, sql, "i", a) == DB_ROW)
		snprintf(out, n, "%s", db_col_text(st, 0) ? db_col_text(st, 0) : "");
	db_release_statements(db);
	return out;
}

/* The audit rows of `action` on object "<kind>:<id>". */
static long long audits_of(const char *action, const char *kind, int64_t id)
{
	struct db_stmt *st;
	char object[48];
	long long n = -1;
	snprintf(object, sizeof(object), "%s:%lld", kind, (long long)id);
	if (db_query(db, &st, "SELECT COUNT(*) FROM audit_log WHERE action = ? AND object = ?", "ss", action,
		     object) == DB_ROW)
		n = db_col_int(st, 0);
	db_release_statements(db);
	return n;
}

static long long audits(const char *action, int64_t id)
{
	return audits_of(action, "doc_out", id);
}

static int64_t at(int y, int mo, int d, int h, int mi)
{
	struct civil c = { .year = y, .month = mo, .day = d, .hour = h, .min = mi };
	return time_from_civil(&c, VN_UTC_OFFSET);
}

static int32_t today_ymd(void)
{
	struct civil c;
	time_to_civil(time(NULL), VN_UTC_OFFSET, &c);
	return c.year * 10000 + c.month * 100 + c.day;
}

static void sha_hex(const void *p, size_t n, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, p, n);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/* ---- files ---- */

static uint32_t crc32_of(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++) {
		c ^= b[i];
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
	}
	return ~c;
}

static void le16(struct buf *b, uint32_t v)
{
	buf_addch(b, (int)(v & 0xFF));
	buf_addch(b, (int)(v >> 8 & 0xFF));
}

static void le32(struct buf *b, uint32_t v)
{
	le16(b, v & 0xFFFF);
	le16(b, v >> 16);
}

/* A ZIP archive of stored entries (names and contents, NULL-terminated pairs). */
static void make_zip(struct buf *out, const char *const *entries)
{
	struct buf cd = BUF_INIT;
	uint32_t n = 0;
	buf_reset(out);
	for (size_t i = 0; entries[i]; i += 2, n++) {
		const char *name = entries[i], *data = entries[i + 1];
		uint32_t off = (uint32_t)out->len, crc = crc32_of(data, strlen(data));
		uint32_t len = (uint32_t)strlen(data), nl = (uint32_t)strlen(name);
		buf_adds(out, "PK\3\4");
		le16(out, 20), le16(out, 0), le16(out, 0), le16(out, 0), le16(out, 0);
		le32(out, crc), le32(out, len), le32(out, len), le16(out, nl), le16(out, 0);
		buf_adds(out, name);
		buf_adds(out, data);
		buf_adds(&cd, "PK\1\2");
		le16(&cd, 20), le16(&cd, 20), le16(&cd, 0), le16(&cd, 0), le16(&cd, 0), le16(&cd, 0);
		le32(&cd, crc), le32(&cd, len), le32(&cd, len), le16(&cd, nl), le16(&cd, 0), le16(&cd, 0);
		le16(&cd, 0), le16(&cd, 0), le32(&cd, 0), le32(&cd, off);
		buf_adds(&cd, name);
	}
	{
		uint32_t cd_off = (uint32_t)out->len;
		buf_add(out, cd.ptr, cd.len);
		buf_adds(out, "PK\5\6");
		le16(out, 0), le16(out, 0), le16(out, n), le16(out, n), le32(out, (uint32_t)cd.len),
			le32(out, cd_off);
		le16(out, 0);
	}
	buf_release(&cd);
}

static void make_docx(struct buf *out)
{
	static const char *const e[] = {
		"[Content_Types].xml",
		"<?xml version=\"1.0\"?><Types "
		"xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Override "
		"PartName=\"/word/document.xml\" "
		"ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
		"</Types>",
		"word/document.xml",
		"<?xml version=\"1.0\"?><w:document "
		"xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>Ke "
		"hoach</w:t></w:r></w:p></w:body></w:document>",
		NULL,
	};
	make_zip(out, e);
}

static void make_odt(struct buf *out)
{
	static const char *const e[] = {
		"mimetype",
		"application/vnd.oasis.opendocument.text",
		"content.xml",
		"<?xml version=\"1.0\"?><office:document-content "
		"xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\"/>",
		NULL,
	};
	make_zip(out, e);
}

/* ---- multipart requests ---- */

static void mp_field(struct buf *b, const char *name, const char *value)
{
	buf_addf(b, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n", name,
		 value);
}

static void mp_file(struct buf *b, const char *name, const char *filename, const struct buf *data)
{
	buf_addf(b,
		 "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
		 "Content-Type: application/octet-stream\r\n\r\n",
		 name, filename);
	buf_add(b, data->ptr, data->len);
	buf_adds(b, "\r\n");
}

static long post_mp(const struct ts_user *u, const char *path, struct buf *body, struct http_resp *r)
{
	const char *h[] = { u->cookie, u->token, MP_TYPE, NULL };
	buf_adds(body, "--" BOUNDARY "--\r\n");
	resp_init(r);
	if (http_req(&srv, "POST", path, h, body->ptr, body->len, r))
		fail_msg("POST %s: no response", path);
	return r->status;
}

/*
 * POST /api/v1/documents/outgoing as u: metadata (JSON) and the file (NULL: none). The JSON
 * answer when the status is `want`, else the test fails.
 */
static json_t *create(const struct ts_user *u, const char *metadata, const char *filename,
		      const struct buf *file, long want)
{
	struct buf body = BUF_INIT;
	struct http_resp r;
	json_t *j;
	mp_field(&body, "metadata", metadata);
	if (file)
		mp_file(&body, "file", filename, file);
	if (post_mp(u, API, &body, &r) != want) {
		fprintf(stderr, "%s\n", r.body.ptr);
		fail_msg("POST " API ": status %ld, wanted %ld", r.status, want);
	}
	j = json_loads(r.body.ptr, 0, NULL);
	assert_non_null(j);
	resp_free(&r);
	buf_release(&body);
	return j;
}

static json_t *act(const struct ts_user *u, int64_t id, const char *body, long want)
{
	char path[96];
	snprintf(path, sizeof(path), API "/%lld/actions", (long long)id);
	return call(u, "POST", path, body, want);
}

static void act_ok(const struct ts_user *u, int64_t id, const char *body, const char *status)
{
	json_t *j = act(u, id, body, 200);
	assert_string_equal(ts_jstr(j, "status"), status);
	json_decref(j);
}

static void act_refused(const struct ts_user *u, int64_t id, const char *body, long want, const char *msg)
{
	char path[96];
	snprintf(path, sizeof(path), API "/%lld/actions", (long long)id);
	expect_error(u, "POST", path, body, want, msg);
}

/* A draft of the specialist's (a small PDF), its id. */
static int64_t draft(const struct ts_user *u, const char *type, const char *summary, const char *extra)
{
	struct buf pdf = BUF_INIT;
	char meta[1024];
	json_t *j;
	int64_t id;
	ts_make_pdf(&pdf, summary);
	snprintf(meta, sizeof(meta), "{\"type\":\"%s\",\"summary\":\"%s\"%s%s}", type, summary,
		 extra ? "," : "", extra ? extra : "");
	j = create(u, meta, "du-thao.pdf", &pdf, 201);
	id = ts_jint(j, "id");
	json_decref(j);
	buf_release(&pdf);
	return id;
}

/* A district draft taken to the leader's signature; its id. */
static int64_t signed_doc(const char *type, const char *summary)
{
	int64_t id = draft(&specialist, type, summary, NULL);
	act_ok(&specialist, id, "{\"action\":\"submit\"}", "review");
	act_ok(&head, id, "{\"action\":\"forward\"}", "approval");
	act_ok(&leader, id, "{\"action\":\"sign\"}", "signed");
	return id;
}

static long long next_number(int64_t agency, int year)
{
	char scope[24], period[8];
	int64_t v = 0;
	snprintf(scope, sizeof(scope), "%lld", (long long)agency);
	snprintf(period, sizeof(period), "%d", year);
	if (counter_peek(db, "doc_out", scope, period, &v))
		fail_msg("counter_peek: %s", db_errmsg(db));
	return v + 1;
}

/* The statistics' count of (agency, kind, type, day). */
static long long stat(int64_t agency, int kind, int type, int32_t day)
{
	struct db_stmt *st;
	long long v = -1;
	if (db_query(
		    db, &st,
		    "SELECT COALESCE(SUM(n), 0) FROM doc_stats WHERE agency_id = ? AND kind = ? AND type = ? AND day = ?",
		    "iiii", agency, (int64_t)kind, (int64_t)type, (int64_t)day) == DB_ROW)
		v = db_col_int(st, 0);
	db_release_statements(db);
	return v;
}

/* The draft form's fields as the page posts them, and a file (may be NULL). */
static void edit_body(struct buf *b, const char *summary, const char *filename, const struct buf *file)
{
	mp_field(b, "type", "ke-hoach");
	mp_field(b, "summary", summary);
	mp_field(b, "recipients", "Như trên;\nUBND các phường;\nLưu: VT, TP.");
	mp_field(b, "urgency", "khan");
	mp_field(b, "secrecy", "thuong");
	mp_field(b, "recipient_units", WARD);
	mp_field(b, "recipient_units", "000.02.15.H26");
	if (file)
		mp_file(b, "file", filename, file);
}

static const char *iso(int32_t ymd, char *out, size_t n)
{
	snprintf(out, n, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
	return out;
}

static int32_t day_add(int32_t ymd, int n)
{
	struct civil c;
	int64_t d = days_from_civil(ymd / 10000, ymd / 100 % 100, ymd % 100) + n;
	time_to_civil(d * 86400, 0, &c);
	return c.year * 10000 + c.month * 100 + c.day;
}

/* ---- drafting ---- */

#define PLAN_SUMMARY "Tổ chức Hội nghị triển khai công tác phổ biến, giáo dục pháp luật năm 2027"

static void drafting(void **state)
{
	struct buf pdf = BUF_INIT, docx = BUF_INIT, odt = BUF_INIT, other = BUF_INIT, body = BUF_INIT;
	struct http_resp r;
	char sha[65], path[128], hdr[80];
	long long before = docs_count();
	json_t *j, *files;
	(void)state;

	ts_make_pdf(&pdf, "Ke hoach to chuc Hoi nghi pho bien giao duc phap luat nam 2027");
	make_docx(&docx);
	make_odt(&odt);
	/* refused, nothing written: no file, a PNG or text named as a document, a ZIP that is no DOCX */
	j = create(&specialist, "{\"type\":\"ke-hoach\",\"summary\":\"" PLAN_SUMMARY "\"}", NULL, NULL, 422);
	assert_string_equal(ts_jstr(json_object_get(json_object_get(j, "error"), "fields"), "file"),
			    MSG_ATTACH);
	json_decref(j);
	buf_add(&other, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\x08\x02\0\0\0", 25);
	j = create(&specialist, "{\"type\":\"ke-hoach\",\"summary\":\"" PLAN_SUMMARY "\"}", "ke-hoach.pdf",
		   &other, 422);
	assert_string_equal(ts_jstr(json_object_get(json_object_get(j, "error"), "fields"), "file"),
			    MSG_FILE_TYPE);
	json_decref(j);
	buf_reset(&other);
	buf_adds(&other, "Kế hoạch tổ chức hội nghị\n");
	j = create(&specialist, "{\"type\":\"ke-hoach\",\"summary\":\"" PLAN_SUMMARY "\"}", "ke-hoach.docx",
		   &other, 422);
	assert_string_equal(ts_jstr(json_object_get(json_object_get(j, "error"), "fields"), "file"),
			    MSG_FILE_TYPE);
	json_decref(j);
	{
		static const char *const e[] = { "readme.txt", "not a document", NULL };
		make_zip(&other, e);
	}
	j = create(&specialist, "{\"type\":\"ke-hoach\",\"summary\":\"" PLAN_SUMMARY "\"}", "ke-hoach.docx",
		   &other, 422);
	assert_string_equal(ts_jstr(json_object_get(json_object_get(j, "error"), "fields"), "file"),
			    MSG_FILE_TYPE);
	json_decref(j);
	j = create(&specialist, "{\"type\":\"ke-hoach\",\"summary\":\"   \"}", "ke-hoach.pdf", &pdf, 422);
	assert_string_equal(ts_jstr(json_object_get(json_object_get(j, "error"), "fields"), "summary"),
			    MSG_SUMMARY);
	json_decref(j);
	j = create(&specialist, "{\"type\":\"ke-hoach-nam\",\"summary\":\"" PLAN_SUMMARY "\"}",
		   "ke-hoach.pdf", &pdf, 422);
	assert_string_equal(ts_jstr(json_object_get(json_object_get(j, "error"), "fields"), "type"),
			    MSG_TYPE);
	json_decref(j);
	/* a one-stop clerk or a citizen does not draft */
	assert_int_equal(docs_count(), before);

	/* the draft */
	j = create(
		&specialist,
		"{\"type\":\"ke-hoach\",\"summary\":\"" PLAN_SUMMARY "\",\"recipients\":[\"Như trên;\","
		"\"UBND các phường;\",\"Lưu: VT, TP.\"],\"recipient_units\":[\"000.01.15.H26\",\"000.02.15.H26\"],"
		"\"urgency\":\"khan\"}",
		"ke-hoach.pdf", &pdf, 201);
	plan_id = ts_jint(j, "id");
	sha_hex(pdf.ptr, pdf.len, sha);
	assert_string_equal(ts_jstr(j, "status"), "draft");
	assert_string_equal(ts_jstr(json_object_get(j, "type"), "key"), "ke-hoach");
	assert_string_equal(ts_jstr(j, "summary"), PLAN_SUMMARY);
	assert_true(json_is_null(json_object_get(j, "number")));
	assert_true(json_is_null(json_object_get(j, "symbol")));
	assert_string_equal(ts_jstr(json_object_get(j, "agency"), "agency_code"), DISTRICT);
	assert_string_equal(ts_jstr(json_object_get(j, "unit"), "short_name"), "TP");
	assert_string_equal(ts_jstr(j, "urgency"), "khan");
	assert_string_equal(ts_jstr(j, "secrecy"), "thuong");
	assert_int_equal(json_array_size(json_object_get(j, "recipients")), 3);
	assert_int_equal(json_array_size(json_object_get(j, "recipient_units")), 2);
	assert_int_equal(ts_jint(json_object_get(j, "file"), "version"), 1);
	assert_string_equal(ts_jstr(json_object_get(j, "file"), "sha256"), sha);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "actions"), 0)), "submit");
	json_decref(j);
	assert_int_equal(audits("document.outgoing.create", plan_id), 1);
	assert_int_equal(docs_count(), before + 1);

	/* the file as sent */
	snprintf(path, sizeof(path), "/van-ban/di/%lld/tep", (long long)plan_id);
	assert_int_equal(req(&specialist, "GET", path, NULL, &r), 200);
	assert_int_equal(r.body.len, pdf.len);
	assert_memory_equal(r.body.ptr, pdf.ptr, pdf.len);
	assert_string_equal(resp_hdr(&r, "X-Content-SHA256", hdr, sizeof(hdr)), sha);
	resp_free(&r);

	/* new versions through the page's form: a DOCX, then an ODT; the first one kept */
	snprintf(path, sizeof(path), "/van-ban/di/%lld", (long long)plan_id);
	edit_body(&body, PLAN_SUMMARY, "ke-hoach.docx", &docx);
	assert_int_equal(post_mp(&specialist, path, &body, &r), 303);
	resp_free(&r);
	buf_reset(&body);
	edit_body(&body, PLAN_SUMMARY, "ke-hoach.odt", &odt);
	assert_int_equal(post_mp(&specialist, path, &body, &r), 303);
	resp_free(&r);
	buf_reset(&body);
	/* a text file as a new version is refused, the draft as it was */
	edit_body(&body, PLAN_SUMMARY, "ke-hoach.pdf", &other);
	assert_int_equal(post_mp(&specialist, path, &body, &r), 422);
	expect_in(&r, MSG_FILE_TYPE);
	resp_free(&r);
	buf_reset(&body);
	snprintf(path, sizeof(path), API "/%lld", (long long)plan_id);
	j = call(&specialist, "GET", path, NULL, 200);
	files = json_object_get(j, "files");
	assert_int_equal(json_array_size(files), 3);
	assert_int_equal(ts_jint(json_object_get(j, "file"), "version"), 3);
	assert_string_equal(ts_jstr(json_object_get(j, "file"), "mime"),
			    "application/vnd.oasis.opendocument.text");
	assert_string_equal(ts_jstr(json_array_get(files, 0), "sha256"), sha);
	assert_string_equal(ts_jstr(json_array_get(files, 1), "mime"),
			    "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
	json_decref(j);
	snprintf(path, sizeof(path), API "/%lld/file?version=1", (long long)plan_id);
	assert_int_equal(req(&specialist, "GET", path, NULL, &r), 200);
	assert_int_equal(r.body.len, pdf.len);
	assert_memory_equal(r.body.ptr, pdf.ptr, pdf.len);
	resp_free(&r);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM doc_outgoing_files WHERE doc_id = ?", plan_id), 3);
	assert_int_equal(audits("document.outgoing.update", plan_id), 2);
	buf_release(&pdf);
	buf_release(&docx);
	buf_release(&odt);
	buf_release(&other);
	buf_release(&body);
}

/* ---- the workflow and who may take each step ---- */

static void workflow(void **state)
{
	struct buf body = BUF_INIT, pdf = BUF_INIT;
	struct http_resp r;
	char path[128], sha_before[80], sha_after[80], signed_sha[80], summary[256];
	long long versions;
	json_t *j, *s;
	(void)state;

	act_ok(&specialist, plan_id, "{\"action\":\"submit\"}", "review");
	/* submitted: no more edits */
	snprintf(path, sizeof(path), "/van-ban/di/%lld", (long long)plan_id);
	edit_body(&body, "Kế hoạch đã sửa", NULL, NULL);
	assert_int_equal(post_mp(&specialist, path, &body, &r), 409);
	expect_in(&r, "Chỉ sửa được văn bản khi còn là dự thảo");
	resp_free(&r);
	buf_reset(&body);
	act_refused(&specialist, plan_id, "{\"action\":\"forward\"}", 403, MSG_REVIEW);
	act_refused(&clerk, plan_id, "{\"action\":\"comment\",\"note\":\"Ý kiến\"}", 403, NULL);
	act_refused(&head, plan_id, "{\"action\":\"sign\"}", 409, "Không thể thực hiện lúc này");
	act_refused(&head, plan_id, "{\"action\":\"archive\"}", 400, NULL);
	j = act(&head, plan_id,
		"{\"action\":\"comment\",\"note\":\"Đề nghị bổ sung căn cứ Luật Phổ biến, giáo dục pháp luật.\"}",
		200);
	assert_string_equal(ts_jstr(j, "status"), "review");
	json_decref(j);
	act_refused(&head, plan_id, "{\"action\":\"return\"}", 422, MSG_REASON);
	act_ok(&head, plan_id,
	       "{\"action\":\"return\",\"reason\":\"Bổ sung căn cứ pháp lý và thời gian tổ chức.\"}",
	       "draft");
	act_ok(&specialist, plan_id, "{\"action\":\"submit\"}", "review");
	act_ok(&head, plan_id, "{\"action\":\"forward\",\"note\":\"Kính trình lãnh đạo UBND quận.\"}",
	       "approval");

	/* who cannot sign: a specialist, a records clerk, a department's head */
	act_refused(&specialist, plan_id, "{\"action\":\"sign\"}", 403, MSG_SIGN);
	act_refused(&clerk, plan_id, "{\"action\":\"sign\"}", 403, MSG_SIGN);
	act_refused(&head, plan_id, "{\"action\":\"sign\"}", 403, MSG_SIGN);
	/* another ward's chairman sees nothing of it */
	snprintf(path, sizeof(path), API "/%lld", (long long)plan_id);
	expect_error(&ward_chair, "GET", path, NULL, 404, MSG_NOT_FOUND);
	act_refused(&ward_chair, plan_id, "{\"action\":\"sign\"}", 404, MSG_NOT_FOUND);
	snprintf(path, sizeof(path), API "/%lld/file", (long long)plan_id);
	expect_error(&ward_chair, "GET", path, NULL, 404, MSG_NOT_FOUND);
	snprintf(path, sizeof(path), "/van-ban/di/%lld", (long long)plan_id);
	assert_int_equal(req(&ward_chair, "GET", path, NULL, &r), 404);
	resp_free(&r);
	assert_int_equal(audits("document.outgoing.sign", plan_id), 0);

	/* the deputy chairman signs: KT. for the chairman, on behalf of the committee */
	sql_text("SELECT file_sha FROM doc_outgoing WHERE id = ?", plan_id, sha_before, sizeof(sha_before));
	j = act(&leader, plan_id, "{\"action\":\"sign\"}", 200);
	assert_string_equal(ts_jstr(j, "status"), "signed");
	s = json_object_get(j, "signed");
	assert_string_equal(ts_jstr(s, "notation"), NOTATION_KT);
	assert_string_equal(ts_jstr(s, "title"), "Phó Chủ tịch");
	assert_string_equal(ts_jstr(json_object_get(s, "by"), "name"), "Trần Văn Lãnh");
	assert_string_equal(ts_jstr(s, "sha256"), sha_before);
	assert_true(json_is_false(json_object_get(s, "by_delegation")));
	assert_true(json_is_null(json_object_get(j, "number")));
	json_decref(j);
	assert_int_equal(audits("document.outgoing.sign", plan_id), 1);

	/* the file is fixed: a new one refused with 409, nothing changed */
	versions = sql_int("SELECT COUNT(*) FROM doc_outgoing_files WHERE doc_id = ?", plan_id);
	ts_make_pdf(&pdf, "Ban sua sau khi ky");
	snprintf(path, sizeof(path), "/van-ban/di/%lld", (long long)plan_id);
	edit_body(&body, "Kế hoạch sửa sau khi ký", "ke-hoach-moi.pdf", &pdf);
	assert_int_equal(post_mp(&specialist, path, &body, &r), 409);
	expect_in(&r, MSG_FIXED);
	resp_free(&r);
	buf_reset(&body);
	edit_body(&body, "Kế hoạch sửa sau khi ký", "ke-hoach-moi.pdf", &pdf);
	assert_int_equal(post_mp(&leader, path, &body, &r), 409);
	expect_in(&r, MSG_FIXED);
	resp_free(&r);
	sql_text("SELECT file_sha FROM doc_outgoing WHERE id = ?", plan_id, sha_after, sizeof(sha_after));
	sql_text("SELECT signed_sha FROM doc_outgoing WHERE id = ?", plan_id, signed_sha, sizeof(signed_sha));
	assert_string_equal(sha_after, sha_before);
	assert_string_equal(signed_sha, sha_before);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM doc_outgoing_files WHERE doc_id = ?", plan_id),
			 versions);
	sql_text("SELECT summary FROM doc_outgoing WHERE id = ?", plan_id, summary, sizeof(summary));
	assert_string_equal(summary, PLAN_SUMMARY);
	/* signed: neither returned nor signed again */
	act_refused(&leader, plan_id, "{\"action\":\"return\",\"note\":\"Ký nhầm\"}", 409, NULL);
	act_refused(&leader, plan_id, "{\"action\":\"sign\"}", 409, NULL);
	buf_release(&body);
	buf_release(&pdf);
}

/* ---- numbers, symbols, withdrawal ---- */

static void issuing(void **state)
{
	char path[128], date[16], want[32];
	int32_t today = today_ymd();
	long long n = next_number(district_id, today / 10000), out_before, wd_before;
	json_t *j;
	(void)state;

	act_refused(&leader, plan_id, "{\"action\":\"issue\"}", 403, MSG_ISSUE);
	act_refused(&specialist, plan_id, "{\"action\":\"issue\"}", 403, MSG_ISSUE);
	/* dated the signing day or the next working day, never later than today */
	snprintf(path, sizeof(path), "{\"action\":\"issue\",\"issue_date\":\"%s\"}",
		 iso(day_add(today, 1), date, sizeof(date)));
	act_refused(&clerk, plan_id, path, 422, MSG_DAY);
	snprintf(path, sizeof(path), "{\"action\":\"issue\",\"issue_date\":\"%s\"}",
		 iso(day_add(today, -1), date, sizeof(date)));
	act_refused(&clerk, plan_id, path, 422, MSG_DAY);
	act_refused(&clerk, plan_id, "{\"action\":\"issue\",\"issue_date\":\"31/02/2026\"}", 422,
		    "Vui lòng nhập ngày ban hành theo dạng ngày/tháng/năm.");
	act_refused(&clerk, plan_id, "{\"action\":\"issue\",\"copies\":0}", 422, NULL);
	assert_int_equal(next_number(district_id, today / 10000), n);

	out_before = stat(district_id, 2, 10, today);
	snprintf(path, sizeof(path), "{\"action\":\"issue\",\"issue_date\":\"%s\"}",
		 iso(today, date, sizeof(date)));
	j = act(&clerk, plan_id, path, 200);
	assert_string_equal(ts_jstr(j, "status"), "issued");
	assert_int_equal(ts_jint(j, "number"), n);
	snprintf(want, sizeof(want), "%02lld/KH-UBND", n);
	assert_string_equal(ts_jstr(j, "symbol"), want);
	snprintf(want, sizeof(want), "%02lld", n);
	assert_string_equal(ts_jstr(j, "number_text"), want);
	assert_string_equal(ts_jstr(j, "issue_date"), date);
	/* three recipients written, two units, kept by the office and the drafting unit */
	assert_int_equal(ts_jint(j, "copies"), 7);
	assert_string_equal(ts_jstr(json_object_get(j, "issued_by"), "name"), "Lê Thị Văn");
	json_decref(j);
	assert_int_equal(stat(district_id, 2, 10, today), out_before + 1);
	assert_int_equal(audits("document.outgoing.issue", plan_id), 1);
	act_refused(&clerk, plan_id, "{\"action\":\"issue\"}", 409, NULL);

	/* withdrawn: it keeps its number, which is never given again */
	act_refused(&clerk, plan_id, "{\"action\":\"withdraw\"}", 422, MSG_REASON);
	act_refused(&specialist, plan_id, "{\"action\":\"withdraw\",\"reason\":\"Sai nơi nhận\"}", 403, NULL);
	wd_before = stat(district_id, 3, 10, today);
	j = act(&clerk, plan_id,
		"{\"action\":\"withdraw\",\"reason\":\"Ban hành nhầm nơi nhận; sẽ ban hành văn bản thay thế.\"}",
		200);
	assert_string_equal(ts_jstr(j, "status"), "withdrawn");
	assert_int_equal(ts_jint(j, "number"), n);
	snprintf(want, sizeof(want), "%02lld/KH-UBND", n);
	assert_string_equal(ts_jstr(j, "symbol"), want);
	assert_string_equal(ts_jstr(json_object_get(j, "withdrawn"), "reason"),
			    "Ban hành nhầm nơi nhận; sẽ ban hành văn bản thay thế.");
	json_decref(j);
	assert_int_equal(stat(district_id, 3, 10, today), wd_before + 1);
	assert_int_equal(stat(district_id, 2, 10, today), out_before + 1);
	act_refused(&clerk, plan_id, "{\"action\":\"withdraw\",\"reason\":\"Lần hai\"}", 409, NULL);

	/* a Công văn names the drafting unit: NN/UBND-TP, the next number */
	letter_id = signed_doc("cong-van", "V/v rà soát, cập nhật dữ liệu hộ tịch trên hệ thống");
	j = act(&clerk, letter_id, "{\"action\":\"issue\"}", 200);
	assert_int_equal(ts_jint(j, "number"), n + 1);
	snprintf(want, sizeof(want), "%02lld/UBND-TP", n + 1);
	assert_string_equal(ts_jstr(j, "symbol"), want);
	json_decref(j);
}

/* ---- who sees what; lists, queues, search ---- */

/* Whether the list at `path` (as u) holds document id; the total in *total (may be NULL). */
static int listed(const struct ts_user *u, const char *path, int64_t id, long long *total)
{
	json_t *j = call(u, "GET", path, NULL, 200), *docs = json_object_get(j, "documents"), *d;
	size_t i;
	int found = 0;
	if (total)
		*total = ts_jint(j, "total");
	json_array_foreach(docs, i, d) found |= ts_jint(d, "id") == id;
	json_decref(j);
	return found;
}

static void visibility(void **state)
{
	char path[256];
	long long total;
	int64_t secret, open, textdoc;
	struct buf pdf = BUF_INIT;
	json_t *j, *d;
	size_t i;
	(void)state;

	/* a file whose text holds a word its summary does not: found once the text is read */
	ts_make_pdf(&pdf, "Noi dung rieng cua tep bien ban tuhoagiaixyz");
	j = create(&specialist,
		   "{\"type\":\"bien-ban\",\"summary\":\"Biên bản họp tổ hòa giải khu dân cư số 5\"}",
		   "bien-ban.pdf", &pdf, 201);
	textdoc = ts_jint(j, "id");
	json_decref(j);
	buf_release(&pdf);
	secret = draft(&specialist, "bao-cao", "Báo cáo tình hình an ninh trật tự quý IV",
		       "\"secrecy\":\"mat\"");
	open = draft(&specialist, "thong-bao", "Thông báo lịch trực Tết Nguyên đán năm 2027", NULL);
	/* a secret draft: the drafter, the agency's leaders and clerks; not the department's head yet */
	snprintf(path, sizeof(path), API "/%lld", (long long)secret);
	expect_error(&head, "GET", path, NULL, 404, MSG_NOT_FOUND);
	json_decref(call(&leader, "GET", path, NULL, 200));
	json_decref(call(&clerk, "GET", path, NULL, 200));
	json_decref(call(&specialist, "GET", path, NULL, 200));
	expect_error(&ward_chair, "GET", path, NULL, 404, MSG_NOT_FOUND);
	expect_error(&ward_specialist, "GET", path, NULL, 404, MSG_NOT_FOUND);
	/* a department sees its own drafts */
	snprintf(path, sizeof(path), API "/%lld", (long long)open);
	json_decref(call(&head, "GET", path, NULL, 200));
	expect_error(&ward_chair, "GET", path, NULL, 404, MSG_NOT_FOUND);
	/* submitted, the secret one goes to its reviewer */
	act_ok(&specialist, secret, "{\"action\":\"submit\"}", "review");
	snprintf(path, sizeof(path), API "/%lld", (long long)secret);
	json_decref(call(&head, "GET", path, NULL, 200));
	expect_error(&ward_chair, "GET", path, NULL, 404, MSG_NOT_FOUND);

	/* queues */
	assert_true(listed(&head, API "?queue=review", secret, NULL));
	assert_false(listed(&head, API "?queue=review", open, NULL));
	assert_true(listed(&specialist, API "?queue=mine", open, NULL));
	assert_false(listed(&leader, API "?queue=sign", secret, NULL));
	assert_true(listed(&clerk, API "?queue=issued", plan_id, NULL));
	assert_true(listed(&clerk, API "?queue=issued", letter_id, NULL));
	assert_false(listed(&clerk, API "?queue=number", plan_id, NULL));
	/* filters */
	assert_true(listed(&clerk, API "?type=bao-cao&status=review", secret, NULL));
	assert_false(listed(&clerk, API "?type=ke-hoach&status=review", secret, NULL));
	snprintf(path, sizeof(path), API "?unit=%lld&type=cong-van", (long long)dept_id);
	assert_true(listed(&clerk, path, letter_id, NULL));
	snprintf(path, sizeof(path), API "?unit=%lld", (long long)ward_id);
	assert_false(listed(&clerk, path, letter_id, NULL));
	/* search, tones left out or not, by summary and by symbol */
	assert_true(listed(&clerk, API "?q=hoi+nghi+pho+bien+giao+duc", plan_id, NULL));
	assert_true(listed(&clerk, API "?q=H%E1%BB%99i%20ngh%E1%BB%8B", plan_id, NULL));
	assert_false(listed(&clerk, API "?q=hoi+nghi+ho+tich+khong+co", plan_id, NULL));
	j = call(&clerk, "GET",
		 API "/"
		     "0",
		 NULL, 404);
	json_decref(j);
	snprintf(path, sizeof(path), API "/%lld", (long long)letter_id);
	j = call(&clerk, "GET", path, NULL, 200);
	snprintf(path, sizeof(path), API "?q=%s", ts_jstr(j, "symbol"));
	json_decref(j);
	assert_true(listed(&clerk, path, letter_id, &total));
	assert_int_equal(total, 1);
	/* another ward's chairman: none of the district's */
	j = call(&ward_chair, "GET", API "?per_page=100", NULL, 200);
	json_array_foreach(json_object_get(j, "documents"), i, d)
		assert_string_equal(ts_jstr(json_object_get(d, "agency"), "agency_code"), WARD);
	json_decref(j);
	assert_false(listed(&ward_chair, API "?q=hoi+nghi+pho+bien", plan_id, &total));
	assert_int_equal(total, 0);
	/* bad arguments */
	expect_error(&clerk, "GET", API "?queue=tat-ca", NULL, 400, NULL);
	expect_error(&clerk, "GET", API "?type=khong-co", NULL, 400, NULL);
	expect_error(&clerk, "GET", API "?from=2026-13-01", NULL, 400, NULL);
	expect_error(&clerk, "GET", API "?per_page=500", NULL, 400, NULL);
	/* the file's own text (read in the background), tones left out */
	for (int k = 0; k < 100 && !listed(&specialist, API "?q=tuhoagiaixyz", textdoc, NULL); k++)
		usleep(200 * 1000);
	assert_true(listed(&specialist, API "?q=tuhoagiaixyz", textdoc, &total));
	assert_int_equal(total, 1);
	assert_false(listed(&ward_chair, API "?q=tuhoagiaixyz", textdoc, NULL));
	/* the pages */
	{
		struct http_resp r;
		snprintf(path, sizeof(path), "/van-ban/di/%lld", (long long)textdoc);
		assert_int_equal(req(&specialist, "GET", path, NULL, &r), 200);
		expect_in(&r, "Đã đọc nội dung tệp");
		expect_in(&r, "tuhoagiaixyz");
		resp_free(&r);
		assert_int_equal(req(&specialist, "GET", "/van-ban/di?queue=mine", NULL, &r), 200);
		expect_in(&r, "Văn bản đi");
		expect_in(&r, "Thông báo lịch trực Tết Nguyên đán năm 2027");
		resp_free(&r);
		assert_int_equal(req(&specialist, "GET", "/van-ban/di/them", NULL, &r), 200);
		expect_in(&r, "Soạn thảo văn bản đi");
		resp_free(&r);
		assert_int_equal(req(&clerk, "GET", "/van-ban/di/them", NULL, &r), 403);
		resp_free(&r);
		snprintf(path, sizeof(path), "/van-ban/di/%lld", (long long)plan_id);
		assert_int_equal(req(&clerk, "GET", path, NULL, &r), 200);
		expect_in(&r, "Đã thu hồi");
		expect_in(&r, "PHÓ CHỦ TỊCH");
		expect_in(&r, "Bổ sung căn cứ pháp lý và thời gian tổ chức.");
		resp_free(&r);
	}
}

/* ---- a ward: TUQ., its own numbers, numbering at signing ---- */

static void ward(void **state)
{
	char want[32];
	int32_t today = today_ymd();
	long long nw = next_number(ward_id, today / 10000), nd = next_number(district_id, today / 10000);
	int64_t id, id2;
	json_t *j, *s;
	(void)state;

	id = draft(&ward_specialist, "ke-hoach",
		   "Tổ chức Ngày hội Đại đoàn kết toàn dân tộc tại khu dân cư số 3", NULL);
	act_ok(&ward_specialist, id, "{\"action\":\"submit\"}", "review");
	act_ok(&ward_chair, id, "{\"action\":\"forward\"}", "approval");
	/* signed by the official the chairman delegated signing to: TUQ. */
	j = act(&ward_specialist, id, "{\"action\":\"sign\"}", 200);
	s = json_object_get(j, "signed");
	assert_string_equal(ts_jstr(s, "notation"), NOTATION_TUQ);
	assert_true(json_is_true(json_object_get(s, "by_delegation")));
	assert_string_equal(ts_jstr(json_object_get(s, "by"), "name"), "Lý Thị Pháp");
	json_decref(j);
	/* the district's clerk does not number the ward's documents: he does not even see them */
	act_refused(&clerk, id, "{\"action\":\"issue\"}", 404, MSG_NOT_FOUND);
	j = act(&ward_clerk, id, "{\"action\":\"issue\"}", 200);
	assert_int_equal(ts_jint(j, "number"), nw);
	snprintf(want, sizeof(want), "%02lld/KH-UBND", nw);
	assert_string_equal(ts_jstr(j, "symbol"), want);
	json_decref(j);
	/* each agency its own numbers */
	assert_int_equal(next_number(district_id, today / 10000), nd);

	/* the chairman signs himself; with the setting on, numbered at once, dated the signing day */
	id2 = draft(&ward_specialist, "bao-cao", "Kết quả công tác hòa giải ở cơ sở năm 2026", NULL);
	act_ok(&ward_specialist, id2, "{\"action\":\"submit\"}", "review");
	act_ok(&ward_chair, id2, "{\"action\":\"forward\"}", "approval");
	assert_int_equal(settings_set(db, DOC_OUT_AUTO_NUMBER, "1"), 0);
	j = act(&ward_chair, id2, "{\"action\":\"sign\"}", 200);
	assert_int_equal(settings_set(db, DOC_OUT_AUTO_NUMBER, "0"), 0);
	assert_string_equal(ts_jstr(j, "status"), "issued");
	assert_string_equal(ts_jstr(json_object_get(j, "signed"), "notation"), NOTATION_HEAD);
	assert_int_equal(ts_jint(j, "number"), nw + 1);
	snprintf(want, sizeof(want), "%02lld/BC-UBND", nw + 1);
	assert_string_equal(ts_jstr(j, "symbol"), want);
	iso(today, want, sizeof(want));
	assert_string_equal(ts_jstr(j, "issue_date"), want);
	assert_true(json_is_null(json_object_get(j, "issued_by")));
	json_decref(j);
}

/* ---- numbers under load ---- */

struct issuer {
	const int64_t *ids;
	size_t n;
	long long numbers[8];
	long status[8];
};

static void *issue_some(void *arg)
{
	struct issuer *w = arg;
	for (size_t i = 0; i < w->n; i++) {
		char path[96];
		json_t *j;
		snprintf(path, sizeof(path), API "/%lld/actions", (long long)w->ids[i]);
		j = ts_json(&srv, &clerk, "POST", path, "{\"action\":\"issue\"}", 0, &w->status[i]);
		w->numbers[i] = j && w->status[i] == 200 ? json_integer_value(json_object_get(j, "number"))
							 : -1;
		json_decref(j);
	}
	return NULL;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

static void concurrent_issuers(void **state)
{
	enum {
		N = 8,
		PER = 2
	};
	int64_t ids[N * PER], race;
	struct issuer w[N], r[4];
	pthread_t t[N];
	long long all[N * PER], first;
	int32_t today = today_ymd();
	int ok = 0, conflict = 0;
	(void)state;

	for (size_t i = 0; i < N * PER; i++)
		ids[i] = signed_doc(i % 2 ? "quyet-dinh" : "cong-van", "Văn bản cấp số đồng thời");
	first = next_number(district_id, today / 10000);
	for (int i = 0; i < N; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].ids = ids + i * PER;
		w[i].n = PER;
		assert_int_equal(pthread_create(&t[i], NULL, issue_some, &w[i]), 0);
	}
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		for (int k = 0; k < PER; k++) {
			assert_int_equal(w[i].status[k], 200);
			all[i * PER + k] = w[i].numbers[k];
		}
	}
	/* the numbers are first … first + 15: none twice, none skipped */
	qsort(all, N * PER, sizeof(*all), cmp_ll);
	for (int i = 0; i < N * PER; i++)
		assert_int_equal(all[i], first + i);
	assert_int_equal(next_number(district_id, today / 10000), first + N * PER);

	/* four clerks' requests for one document at once: one number, no gap */
	race = signed_doc("thong-bao", "Thông báo cấp số một lần");
	for (int i = 0; i < 4; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].ids = &race;
		r[i].n = 1;
		assert_int_equal(pthread_create(&t[i], NULL, issue_some, &r[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		ok += r[i].status[0] == 200;
		conflict += r[i].status[0] == 409;
		if (r[i].status[0] == 200)
			assert_int_equal(r[i].numbers[0], first + N * PER);
	}
	assert_int_equal(ok, 1);
	assert_int_equal(conflict, 3);
	assert_int_equal(next_number(district_id, today / 10000), first + N * PER + 1);
	assert_int_equal(audits("document.outgoing.issue", race), 1);
}

/* ---- the register ---- */

static const char *const heads[] = {
	"Số, ký hiệu văn bản",
	"Ngày tháng văn bản",
	"Tên loại và trích yếu nội dung",
	"Người ký",
	"Nơi nhận văn bản",
	"Đơn vị, người nhận bản lưu",
	"Số lượng bản",
	"Ngày chuyển",
	"Ký nhận",
	"Ghi chú",
};

/* Write the answer's body to a temporary file; its path (static). */
static const char *body_file(const struct http_resp *r, const char *suffix)
{
	static char path[64];
	int fd;
	snprintf(path, sizeof(path), "/tmp/t0033-XXXXXX%s", suffix);
	fd = mkstemps(path, (int)strlen(suffix));
	assert_true(fd >= 0);
	assert_int_equal(write(fd, r->body.ptr, r->body.len), (ssize_t)r->body.len);
	close(fd);
	return path;
}

static char *run_cmd(const char *cmd)
{
	struct buf out = BUF_INIT;
	char chunk[8192];
	size_t got;
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&out, chunk, got);
	if (pclose(f))
		fail_msg("\"%s\" failed", cmd);
	return buf_detach(&out, NULL);
}

/* Every heading's words appear in text (a PDF's cells wrap, so word by word). */
static void has_words(const char *text, const char *phrase)
{
	char copy[256], *save = NULL;
	snprintf(copy, sizeof(copy), "%s", phrase);
	for (char *w = strtok_r(copy, " ,", &save); w; w = strtok_r(NULL, " ,", &save))
		if (!strstr(text, w))
			fail_msg("\"%s\" (of \"%s\") is not in the text", w, phrase);
}

static void register_columns(void **state)
{
	char path[256], from[16], to[16], plan_symbol[32], letter_symbol[32], cmd[512];
	int32_t today = today_ymd();
	struct http_resp r;
	json_t *j, *cols, *docs, *d;
	const char *file;
	char *text;
	size_t i;
	int seen_plan = 0, seen_letter = 0;
	long long last = 0;
	(void)state;

	sql_text("SELECT symbol FROM doc_outgoing WHERE id = ?", plan_id, plan_symbol, sizeof(plan_symbol));
	sql_text("SELECT symbol FROM doc_outgoing WHERE id = ?", letter_id, letter_symbol,
		 sizeof(letter_symbol));
	iso(today / 10000 * 10000 + 101, from, sizeof(from));
	iso(today, to, sizeof(to));

	/* the page: the decree's ten columns */
	snprintf(path, sizeof(path), "/van-ban/di/so?from=%s&to=%s", from, to);
	assert_int_equal(req(&clerk, "GET", path, NULL, &r), 200);
	for (i = 0; i < 10; i++)
		expect_in(&r, heads[i]);
	expect_in(&r, "Sổ đăng ký văn bản đi");
	expect_in(&r, plan_symbol);
	expect_in(&r, letter_symbol);
	expect_in(&r, "Đã thu hồi ngày");
	expect_in(&r, "Trần Văn Lãnh");
	resp_free(&r);

	/* JSON: the columns, one row a document by number, withdrawn ones marked */
	snprintf(path, sizeof(path), API "/register?from=%s&to=%s&format=json", from, to);
	j = call(&leader, "GET", path, NULL, 200);
	cols = json_object_get(j, "columns");
	assert_int_equal(json_array_size(cols), 10);
	for (i = 0; i < 10; i++)
		assert_string_equal(json_string_value(json_array_get(cols, i)), heads[i]);
	docs = json_object_get(j, "documents");
	json_array_foreach(docs, i, d)
	{
		json_t *cells = json_object_get(d, "cells");
		assert_int_equal(json_array_size(cells), 10);
		assert_true(ts_jint(d, "number") > last);
		last = ts_jint(d, "number");
		assert_string_equal(json_string_value(json_array_get(cells, 0)), ts_jstr(d, "symbol"));
		if (ts_jint(d, "id") == plan_id) {
			seen_plan = 1;
			assert_true(json_is_true(json_object_get(d, "withdrawn")));
			assert_non_null(
				strstr(json_string_value(json_array_get(cells, 9)), "Đã thu hồi ngày"));
			assert_non_null(strstr(json_string_value(json_array_get(cells, 9)),
					       "Ban hành nhầm nơi nhận"));
			assert_string_equal(json_string_value(json_array_get(cells, 2)),
					    "Kế hoạch: " PLAN_SUMMARY);
			assert_string_equal(json_string_value(json_array_get(cells, 3)), "Trần Văn Lãnh");
			/* as the document writes them (its units are for the exchange) */
			assert_string_equal(json_string_value(json_array_get(cells, 4)),
					    "Như trên;\nUBND các phường;\nLưu: VT, TP.");
			assert_non_null(strstr(json_string_value(json_array_get(cells, 5)), "Phòng Tư pháp"));
			assert_string_equal(json_string_value(json_array_get(cells, 6)), "7");
		}
		if (ts_jint(d, "id") == letter_id) {
			seen_letter = 1;
			assert_true(json_is_false(json_object_get(d, "withdrawn")));
		}
	}
	assert_true(seen_plan);
	assert_true(seen_letter);
	json_decref(j);

	/* PDF: A4 landscape, the columns and the rows in its text */
	snprintf(path, sizeof(path), "/van-ban/di/so?from=%s&to=%s&format=pdf", from, to);
	assert_int_equal(req(&clerk, "GET", path, NULL, &r), 200);
	assert_memory_equal(r.body.ptr, "%PDF-", 5);
	file = body_file(&r, ".pdf");
	resp_free(&r);
	snprintf(cmd, sizeof(cmd), "pdfinfo '%s' | grep 'Page size'", file);
	text = run_cmd(cmd);
	assert_non_null(strstr(text, "841.89 x 595.28"));
	free(text);
	snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 '%s' -", file);
	text = run_cmd(cmd);
	assert_non_null(strstr(text, "SỔ ĐĂNG KÝ VĂN BẢN ĐI"));
	for (i = 0; i < 10; i++)
		has_words(text, heads[i]);
	assert_non_null(strstr(text, plan_symbol));
	assert_non_null(strstr(text, letter_symbol));
	assert_non_null(strstr(text, "Đã thu hồi"));
	free(text);
	unlink(file);

	/* XLSX: the columns and the rows as text cells */
	snprintf(path, sizeof(path), API "/register?from=%s&to=%s&format=xlsx", from, to);
	assert_int_equal(req(&clerk, "GET", path, NULL, &r), 200);
	assert_memory_equal(r.body.ptr, "PK", 2);
	file = body_file(&r, ".xlsx");
	resp_free(&r);
	snprintf(cmd, sizeof(cmd), "unzip -p '%s' xl/sharedStrings.xml", file);
	text = run_cmd(cmd);
	for (i = 0; i < 10; i++)
		if (!strstr(text, heads[i]))
			fail_msg("\"%s\" is not in the workbook", heads[i]);
	assert_non_null(strstr(text, plan_symbol));
	assert_non_null(strstr(text, letter_symbol));
	assert_non_null(strstr(text, "SỔ ĐĂNG KÝ VĂN BẢN ĐI"));
	free(text);
	unlink(file);

	/* only the agency's clerks and leaders; a sound period */
	snprintf(path, sizeof(path), API "/register?unit=%lld", (long long)district_id);
	expect_error(&ward_chair, "GET", path, NULL, 403, MSG_REGISTER);
	expect_error(&specialist, "GET", API "/register", NULL, 403, MSG_REGISTER);
	expect_error(&clerk, "GET", API "/register?from=2026-12-01&to=2026-11-01", NULL, 400, NULL);
	expect_error(&clerk, "GET", API "/register?format=docx", NULL, 400, NULL);
}

/* ---- the year's end, with a controlled clock (the feature's functions on the same database) ---- */

static int64_t signed_at(int type, const char *summary, int64_t when)
{
	struct doc_out d = { 0 };
	struct doc_out_file f = { 0 };
	struct doc_out_step s = { 0 };
	struct doc_out_done done;
	struct buf pdf = BUF_INIT;
	char sha[65], data[400];
	int64_t head_id = ts_account_id(db, "truongphong");

	ts_make_pdf(&pdf, "Van ban cuoi nam");
	snprintf(data, sizeof(data), "%s/data", srv.dir);
	assert_int_equal(files_store_bytes(data, pdf.ptr, pdf.len, sha), 0);
	f.sha = sha;
	f.name = "van-ban.pdf";
	f.mime = "application/pdf";
	f.size = (int64_t)pdf.len;
	f.uploaded_by = specialist_id;
	d.agency_id = district_id;
	d.unit_id = dept_id;
	d.type = type;
	d.summary = summary;
	d.recipients = "Như trên;\nLưu: VT, TP.";
	d.urgency = d.secrecy = 1;
	d.drafter_id = specialist_id;
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(doc_out_create(db, &d, &f, "Phạm Văn Chuyên", when - 7200), 0);
	s.action = DOC_OUT_SUBMIT, s.account = specialist_id, s.name = "Phạm Văn Chuyên";
	assert_int_equal(doc_out_apply(db, d.id, &s, when - 3600, &done), 0);
	s.action = DOC_OUT_FORWARD, s.account = head_id, s.name = "Đinh Thị Phương";
	assert_int_equal(doc_out_apply(db, d.id, &s, when - 1800, &done), 0);
	s.action = DOC_OUT_SIGN, s.account = leader_id, s.name = "Trần Văn Lãnh";
	assert_int_equal(doc_out_apply(db, d.id, &s, when, &done), 0);
	assert_int_equal(db_commit(db), 0);
	buf_release(&pdf);
	return d.id;
}

/* Issue `id` dated `day` at `now`: DOC_OUT_OK with *done, or what doc_out_apply said (rolled back). */
static int issue_at(int64_t id, int32_t day, int64_t now, struct doc_out_done *done)
{
	struct doc_out_step s = { 0 };
	int rc;
	s.action = DOC_OUT_ISSUE;
	s.account = clerk_id;
	s.name = "Lê Thị Văn";
	s.issue_day = day;
	assert_int_equal(db_begin(db), 0);
	rc = doc_out_apply(db, id, &s, now, done);
	if (rc)
		db_rollback(db);
	else
		assert_int_equal(db_commit(db), 0);
	return rc;
}

/* YYYYMMDD of the day `n` days after y-m-d. */
static int32_t ymd_after(int y, int m, int d, int n)
{
	struct civil c;
	time_to_civil((days_from_civil(y, m, d) + n) * 86400, 0, &c);
	return c.year * 10000 + c.month * 100 + c.day;
}

/*
 * The years: next year and the one after, which no run of this test reaches (today's documents
 * take numbers of the current year only) and which the working-time calendar names (it knows
 * the year before this one to two years ahead): 1 January is a holiday by law.
 */
static void year_rollover(void **state)
{
	struct doc_out_done done;
	struct civil now;
	const struct calendar *cal = calendar_current(db);
	int y, z;
	long long n_last;
	char want[32];
	int32_t next_wd = 0, too_late;
	int64_t a, b, c, e, late;
	(void)state;
	time_to_civil(time(NULL), VN_UTC_OFFSET, &now);
	y = now.year + 1;
	z = y + 1;
	assert_non_null(cal);
	/* the first working day after 31/12 of y */
	for (int k = 1; k < 20 && !next_wd; k++)
		if (cal_is_working_day(cal, (int32_t)(days_from_civil(y, 12, 31) + k)))
			next_wd = ymd_after(y, 12, 31, k);
	assert_true(next_wd > z * 10000 + 101);
	too_late = ymd_after(next_wd / 10000, next_wd / 100 % 100, next_wd % 100, 1);
	n_last = next_number(district_id, y);
	assert_int_equal(next_number(district_id, z), 1);

	/* 31/12 of y: the year's last number */
	a = signed_at(10, "Kế hoạch công tác tháng 01", at(y, 12, 31, 9, 0));
	assert_int_equal(issue_at(a, y * 10000 + 1231, at(y, 12, 31, 10, 0), &done), DOC_OUT_OK);
	assert_int_equal(done.number, n_last);
	snprintf(want, sizeof(want), "%02lld/KH-UBND", n_last);
	assert_string_equal(done.symbol, want);
	/* late in the evening of 31/12 (16:30 UTC): still y in Vietnam */
	late = signed_at(7, "Thông báo nghỉ Tết Dương lịch", at(y, 12, 31, 23, 0));
	assert_int_equal(issue_at(late, y * 10000 + 1231, at(y, 12, 31, 23, 30), &done), DOC_OUT_OK);
	assert_int_equal(done.number, n_last + 1);
	/* signed on New Year's Day (a holiday), issued the same day: 01 of z */
	c = signed_at(2, "Quyết định phân công trực Tết", at(z, 1, 1, 0, 15));
	assert_int_equal(issue_at(c, z * 10000 + 101, at(z, 1, 1, 8, 0), &done), DOC_OUT_OK);
	assert_int_equal(done.number, 1);
	assert_string_equal(done.symbol, "01/QĐ-UBND");
	/* signed on 31/12, numbered on the next working day: 02 of z */
	b = signed_at(18, "V/v triển khai nhiệm vụ năm mới", at(y, 12, 31, 16, 0));
	e = signed_at(14, "Báo cáo tổng kết năm", at(y, 12, 31, 16, 30));
	/* 01/01 is neither the signing day nor a working day, the day after the next working day too
	   late, 31/12 the signing day */
	assert_int_equal(issue_at(b, z * 10000 + 101,
				  at(next_wd / 10000, next_wd / 100 % 100, next_wd % 100, 8, 30), &done),
			 DOC_OUT_EDAY);
	assert_int_equal(done.allowed[0], y * 10000 + 1231);
	assert_int_equal(done.allowed[1], next_wd);
	assert_int_equal(issue_at(b, too_late,
				  at(too_late / 10000, too_late / 100 % 100, too_late % 100, 8, 30), &done),
			 DOC_OUT_EDAY);
	assert_int_equal(issue_at(b, next_wd, at(next_wd / 10000, next_wd / 100 % 100, next_wd % 100, 8, 30),
				  &done),
			 DOC_OUT_OK);
	assert_int_equal(done.number, 2);
	assert_string_equal(done.symbol, "02/UBND-TP");
	/* dated its signing day, it takes y's next number */
	assert_int_equal(issue_at(e, y * 10000 + 1231,
				  at(next_wd / 10000, next_wd / 100 % 100, next_wd % 100, 9, 0), &done),
			 DOC_OUT_OK);
	assert_int_equal(done.number, n_last + 2);
	assert_int_equal(next_number(district_id, y), n_last + 3);
	assert_int_equal(next_number(district_id, z), 3);
	assert_int_equal(sql_int("SELECT number_year FROM doc_outgoing WHERE id = ?", c), z);
	assert_int_equal(sql_int("SELECT issued_day FROM doc_outgoing WHERE id = ?", late), y * 10000 + 1231);
}

/* ---- set-up ---- */

/* ---- signing by order (TL.) ---- */

/* The id of the order in force for the department and type key in the API's list, 0 when none. */
static long long order_in_force(const char *type)
{
	char path[96];
	long long id = 0;
	json_t *j, *o;
	size_t i;
	snprintf(path, sizeof(path), ORDERS "?agency=%lld", (long long)district_id);
	j = call(&leader, "GET", path, NULL, 200);
	json_array_foreach(json_object_get(j, "orders"), i,
			   o) if (json_is_true(json_object_get(o, "in_force")) &&
				  !strcmp(ts_jstr(json_object_get(o, "type"), "key"), type) &&
				  ts_jint(json_object_get(o, "unit"), "id") == dept_id) id = ts_jint(o, "id");
	json_decref(j);
	return id;
}

static void by_order(void **state)
{
	char body[512], path[128];
	long long cv_order, gm_order, orders_before;
	int64_t cv, plan, gm;
	json_t *j, *s;
	(void)state;

	/* the demo's working rules: the head of Phòng Tư pháp signs its công văn by order */
	cv_order = order_in_force("cong-van");
	assert_true(cv_order > 0);
	j = call(&head, "GET", ORDERS, NULL, 200);
	assert_true(json_is_false(json_object_get(j, "may_manage")));
	assert_int_equal(ts_jint(json_object_get(j, "agency"), "id"), district_id);
	json_decref(j);
	j = call(&leader, "GET", ORDERS, NULL, 200);
	assert_true(json_is_true(json_object_get(j, "may_manage")));
	json_decref(j);
	/* the ward's people do not see the district's */
	snprintf(path, sizeof(path), ORDERS "?agency=%lld", (long long)district_id);
	expect_error(&ward_specialist, "GET", path, NULL, 403, "Bạn không được xem việc giao ký thừa lệnh");

	/* a công văn of the department: its head signs it by order straight from review */
	cv = draft(&specialist, "cong-van", "Về việc hướng dẫn chứng thực bản sao điện tử", NULL);
	act_ok(&specialist, cv, "{\"action\":\"submit\"}", "review");
	assert_true(listed(&head, API "?queue=sign", cv, NULL));
	j = act(&head, cv, "{\"action\":\"sign\"}", 200);
	assert_string_equal(ts_jstr(j, "status"), "signed");
	s = json_object_get(j, "signed");
	assert_string_equal(ts_jstr(s, "notation"), NOTATION_TL);
	assert_string_equal(ts_jstr(s, "title"), "Trưởng phòng Tư pháp");
	assert_true(json_is_true(json_object_get(s, "by_order")));
	assert_true(json_is_false(json_object_get(s, "by_delegation")));
	json_decref(j);
	assert_int_equal(sql_int("SELECT sign_order_id FROM doc_outgoing WHERE id = ?", cv), cv_order);
	assert_int_equal(audits("document.outgoing.sign", cv), 1);
	assert_false(listed(&head, API "?queue=sign", cv, NULL));
	/* the clerk issues it with the department in its symbol */
	j = act(&clerk, cv, "{\"action\":\"issue\"}", 200);
	assert_non_null(strstr(ts_jstr(j, "symbol"), "/UBND-TP"));
	json_decref(j);

	/* a plan is not his to sign: it goes to the agency's leaders */
	plan = draft(&specialist, "ke-hoach", "Kế hoạch tuyên truyền pháp luật quý I", NULL);
	act_ok(&specialist, plan, "{\"action\":\"submit\"}", "review");
	assert_false(listed(&head, API "?queue=sign", plan, NULL));
	act_refused(&head, plan, "{\"action\":\"sign\"}", 409, "Không thể thực hiện lúc này");
	act_ok(&head, plan, "{\"action\":\"forward\"}", "approval");
	act_refused(&head, plan, "{\"action\":\"sign\"}", 403, MSG_SIGN);
	assert_int_equal(sql_int("SELECT status FROM doc_outgoing WHERE id = ?", plan), 3);

	/* recording an order: only the agency's leaders and administrator, with its basis */
	orders_before = sql_int("SELECT COUNT(*) FROM doc_sign_orders WHERE agency_id = ?", district_id);
	snprintf(body, sizeof(body),
		 "{\"agency\":%lld,\"unit\":%lld,\"type\":\"giay-moi\",\"basis\":\"Quy chế làm việc\"}",
		 (long long)district_id, (long long)dept_id);
	expect_error(&head, "POST", ORDERS, body, 403, MSG_ORDERS);
	expect_error(&specialist, "POST", ORDERS, body, 403, MSG_ORDERS);
	snprintf(body, sizeof(body), "{\"agency\":%lld,\"unit\":%lld,\"type\":\"giay-moi\",\"basis\":\"  \"}",
		 (long long)district_id, (long long)dept_id);
	j = call(&leader, "POST", ORDERS, body, 422);
	assert_non_null(json_object_get(json_object_get(json_object_get(j, "error"), "fields"), "basis"));
	json_decref(j);
	/* the agency itself is not a department; a ward's department is not the district's */
	snprintf(body, sizeof(body),
		 "{\"agency\":%lld,\"unit\":%lld,\"type\":\"giay-moi\",\"basis\":\"Quy chế\"}",
		 (long long)district_id, (long long)district_id);
	json_decref(call(&leader, "POST", ORDERS, body, 422));
	snprintf(body, sizeof(body),
		 "{\"agency\":%lld,\"unit\":%lld,\"type\":\"khong-co\",\"basis\":\"Quy chế\"}",
		 (long long)district_id, (long long)dept_id);
	json_decref(call(&leader, "POST", ORDERS, body, 422));
	/* one in force per department and type */
	snprintf(body, sizeof(body),
		 "{\"agency\":%lld,\"unit\":%lld,\"type\":\"cong-van\",\"basis\":\"Quy chế\"}",
		 (long long)district_id, (long long)dept_id);
	expect_error(&leader, "POST", ORDERS, body, 409, "đã được giao ký thừa lệnh loại văn bản Công văn");
	assert_int_equal(sql_int("SELECT COUNT(*) FROM doc_sign_orders WHERE agency_id = ?", district_id),
			 orders_before);
	snprintf(
		body, sizeof(body),
		"{\"agency\":%lld,\"unit\":%lld,\"type\":\"giay-moi\",\"basis\":\"Quy chế làm việc, Quyết định số "
		"12/QĐ-UBND\"}",
		(long long)district_id, (long long)dept_id);
	j = call(&leader, "POST", ORDERS, body, 201);
	gm_order = ts_jint(j, "id");
	assert_true(json_is_true(json_object_get(j, "in_force")));
	assert_string_equal(ts_jstr(json_object_get(j, "created_by"), "name"), "Trần Văn Lãnh");
	json_decref(j);
	assert_int_equal(audits_of("document.sign_order.create", "doc_sign_order", gm_order), 1);
	assert_int_equal(order_in_force("giay-moi"), gm_order);

	/* a giấy mời already awaiting the leader's signature: now his to sign too */
	gm = draft(&specialist, "giay-moi", "Mời dự hội nghị triển khai công tác chứng thực", NULL);
	act_ok(&specialist, gm, "{\"action\":\"submit\"}", "review");
	act_ok(&head, gm, "{\"action\":\"forward\"}", "approval");
	assert_true(listed(&head, API "?queue=sign", gm, NULL));

	/* revoked: from then on he cannot; a second revocation is refused; nothing is deleted */
	snprintf(path, sizeof(path), ORDERS "/%lld/revoke", gm_order);
	expect_error(&head, "POST", path, NULL, 403, MSG_ORDERS);
	j = call(&leader, "POST", path, NULL, 200);
	assert_true(json_is_false(json_object_get(j, "in_force")));
	json_decref(j);
	expect_error(&leader, "POST", path, NULL, 409, "đã bị thu hồi");
	assert_int_equal(audits_of("document.sign_order.revoke", "doc_sign_order", gm_order), 1);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM doc_sign_orders WHERE id = ?", gm_order), 1);
	assert_int_equal(order_in_force("giay-moi"), 0);
	assert_false(listed(&head, API "?queue=sign", gm, NULL));
	act_refused(&head, gm, "{\"action\":\"sign\"}", 403, MSG_SIGN);
	/* the leader of the agency signs it in his own right */
	j = act(&leader, gm, "{\"action\":\"sign\"}", 200);
	assert_string_equal(ts_jstr(json_object_get(j, "signed"), "notation"), NOTATION_KT);
	assert_true(json_is_false(json_object_get(json_object_get(j, "signed"), "by_order")));
	json_decref(j);

	/* the page lists the orders, the revoked one marked */
	{
		struct http_resp r;
		assert_int_equal(req(&leader, "GET", "/van-ban/ky-thua-lenh", NULL, &r), 200);
		expect_in(&r, "Ký thừa lệnh");
		expect_in(&r, "Quy chế làm việc, Quyết định số 12/QĐ-UBND");
		expect_in(&r, "Ghi việc giao ký thừa lệnh");
		resp_free(&r);
		/* the form: the field's message, nothing recorded */
		snprintf(body, sizeof(body),
			 "agency=%lld&unit=%lld&type=giay-moi&basis=", (long long)district_id,
			 (long long)dept_id);
		assert_int_equal(req(&leader, "POST", "/van-ban/ky-thua-lenh", body, &r), 422);
		expect_in(&r, "Hãy nhập quy chế làm việc giao việc ký thừa lệnh");
		resp_free(&r);
		assert_int_equal(order_in_force("giay-moi"), 0);
		assert_int_equal(req(&head, "GET", "/van-ban/ky-thua-lenh", NULL, &r), 200);
		assert_null(strstr(r.body.ptr ? r.body.ptr : "", "Ghi việc giao ký thừa lệnh"));
		resp_free(&r);
	}
}

/* ---- the records clerks are the office's ---- */

static void clerk_office(void **state)
{
	char path[64];
	int64_t id;
	json_t *j;
	(void)state;

	/* a records clerk granted at Phòng Tư pháp, not the office: none of the agency's documents */
	id = signed_doc("ke-hoach", "Kế hoạch kiểm tra công tác chứng thực năm sau");
	act_refused(&dept_clerk, id, "{\"action\":\"issue\"}", 404, MSG_NOT_FOUND);
	assert_false(listed(&dept_clerk, API "?queue=number", id, NULL));
	assert_int_equal(sql_int("SELECT status FROM doc_outgoing WHERE id = ?", id), 4);
	/* only a department can be the agency's office */
	snprintf(path, sizeof(path), "/api/v1/units/%lld", (long long)ward_id);
	j = call(&admin, "PATCH", path, "{\"office\":true}", 422);
	assert_string_equal(ts_jstr(json_object_get(json_object_get(j, "error"), "fields"), "office"),
			    "Chỉ một phòng, ban mới có thể là văn phòng của cơ quan.");
	json_decref(j);
	/* the department made the office: its clerk numbers and issues the agency's documents */
	snprintf(path, sizeof(path), "/api/v1/units/%lld", (long long)dept_id);
	j = call(&admin, "PATCH", path, "{\"office\":true}", 200);
	assert_true(json_is_true(json_object_get(json_object_get(j, "unit"), "office")));
	json_decref(j);
	assert_true(listed(&dept_clerk, API "?queue=number", id, NULL));
	act_ok(&dept_clerk, id, "{\"action\":\"issue\"}", "issued");
	j = call(&admin, "PATCH", path, "{\"office\":false}", 200);
	json_decref(j);
	/* no longer the office: he still sees what he issued, but withdraws nothing */
	act_refused(&dept_clerk, id, "{\"action\":\"withdraw\",\"note\":\"Nhầm\"}", 403, NULL);
	assert_int_equal(sql_int("SELECT status FROM doc_outgoing WHERE id = ?", id), 5);
}

static int setup(void **state)
{
	char *err = NULL;
	int64_t ward_clerk_account, chair, delegate, gid, did, collector;
	int64_t now = time(NULL);
	struct delegation d = { 0 };
	(void)state;
	if (ts_init(&srv) || ts_demo(&srv))
		return -1;
	db = db_open(srv.db, &err);
	if (!db) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	district_id = ts_unit_id(db, DISTRICT);
	dept_id = ts_unit_id(db, DEPT_TP);
	ward_id = ts_unit_id(db, WARD);
	specialist_id = ts_account_id(db, "chuyenvien");
	leader_id = ts_account_id(db, "lanhdao");
	clerk_id = ts_account_id(db, "vanthu");
	/* the ward's records clerk, and the chairman's delegation of signing to its Tư pháp official */
	ward_clerk_account = ts_account_id(db, "motcua.nhanchinh");
	collector = ts_account_id(db, "thuphi");
	chair = ts_account_id(db, "chutich.nhanchinh");
	delegate = ts_account_id(db, "tuphap.nhanchinh");
	d.from_account = chair;
	d.to_account = delegate;
	d.power = "document.sign";
	d.unit_id = ward_id;
	d.valid_from = now - 3600;
	d.valid_to = now + 90 * 86400;
	d.decision_no = "20/QĐ-UBND";
	d.decision_date = "2026-11-02";
	if (db_begin(db) ||
	    grant_add(db, ward_clerk_account, "records_clerk", ward_id, 0, "cli", now, &gid) ||
	    grant_add(db, collector, "records_clerk", dept_id, 0, "cli", now, &gid) ||
	    delegation_add(db, &d, "Ủy quyền ký văn bản (kiểm thử)", "cli", now, &did) || db_commit(db)) {
		fprintf(stderr, "setup: %s\n", db_errmsg(db));
		return -1;
	}
	if (ts_launch(&srv, NULL, NULL))
		return -1;
	if (ts_login(&srv, "chuyenvien", DEMO_PASSWORD, &specialist) != 201 ||
	    ts_login(&srv, "truongphong", DEMO_PASSWORD, &head) != 201 ||
	    ts_login(&srv, "lanhdao", DEMO_PASSWORD, &leader) != 201 ||
	    ts_login(&srv, "vanthu", DEMO_PASSWORD, &clerk) != 201 ||
	    ts_login(&srv, "chutich.nhanchinh", DEMO_PASSWORD, &ward_chair) != 201 ||
	    ts_login(&srv, "tuphap.nhanchinh", DEMO_PASSWORD, &ward_specialist) != 201 ||
	    ts_login(&srv, "motcua.nhanchinh", DEMO_PASSWORD, &ward_clerk) != 201 ||
	    ts_login(&srv, "thuphi", DEMO_PASSWORD, &dept_clerk) != 201 ||
	    ts_login(&srv, "quantri", DEMO_PASSWORD, &admin) != 201)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	db_close(db);
	return ts_stop(&srv) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(drafting),
		cmocka_unit_test(workflow),
		cmocka_unit_test(issuing),
		cmocka_unit_test(visibility),
		cmocka_unit_test(ward),
		cmocka_unit_test(concurrent_issuers),
		cmocka_unit_test(register_columns),
		cmocka_unit_test(year_rollover),
		cmocka_unit_test(by_order),
		cmocka_unit_test(clerk_office),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
