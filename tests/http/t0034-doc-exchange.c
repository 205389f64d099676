/*
 * t0034-doc-exchange: documents exchanged between agencies as edXML (issue 9 §4). The district
 * issues a Công văn of Phòng Tư pháp to the ward Nhân Chính: the ward's electronic inbox has it
 * at once with its metadata (symbol, date, type, summary, signer) and its file byte for byte; the
 * ward's records clerk registers it from the form filled from the message (an arrival number),
 * its chairman assigns it, its Tư pháp official starts and finishes it, and the district's
 * document shows the statuses 01, 03, 04, 05, 06 in that order, on its page and in the API; the
 * incoming document's history and the audit chain have each step. The export of the issued
 * document (GET …/edxml) parses back to the same fields and is the very message delivered. A
 * secret document is not sent, and its page says so. A message built here from an agency
 * outside the system, POSTed to the API, lands in the inbox and its statuses go to the outbox
 * for the hub; a tampered one is refused (400) with the reason, the same one twice is 409, one
 * addressed elsewhere 403; a refusal needs a reason and goes back as 02, after which the sender
 * may send it again. The district's clerk neither sees nor registers the ward's entries (404).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/arena.h"
#include "core/buf.h"
#include "core/timefmt.h"
#include "features/authz.h"
#include "features/edxml.h"
#include "harness.h"
#include "rules/document.h"
#include "store/db.h"

#define DEMO_PASSWORD "ThanhXuan-Demo-2026"
#define DISTRICT      "000.00.15.H26"
#define WARD	      "000.01.15.H26" /* Phường Nhân Chính */
#define OUTSIDE	      "000.00.00.H31" /* an agency of another province, not in this system */
#define OUT_API	      "/api/v1/documents/outgoing"
#define IN_API	      "/api/v1/documents/incoming"
#define BOUNDARY      "----t0034-boundary-TGllblRob25n"
#define MP_TYPE	      "Content-Type: multipart/form-data; boundary=" BOUNDARY

#define LETTER_SUMMARY "V/v phối hợp rà soát hồ sơ chứng thực năm 2026 trên địa bàn phường"
#define SECRET_SUMMARY "V/v danh sách cán bộ được giao nhiệm vụ bảo vệ bí mật nhà nước"
#define EXT_SUMMARY    "V/v trao đổi kinh nghiệm cải cách thủ tục hành chính cấp phường"

/* What people read. */
#define MSG_NOT_SENT "văn bản không được gửi điện tử"
#define MSG_TAKEN    "Văn bản điện tử này đã được vào sổ hoặc đã bị từ chối."
#define MSG_NO_ENTRY "Không có văn bản này trong hộp văn bản điện tử đến của bạn."
#define MSG_SHA	     "Mã SHA-256 của một tệp đính kèm không khớp với nội dung"
#define MSG_REFUSED  "Không tiếp nhận được: Gói tin edXML"
#define MSG_DUP	     "Gói tin này đã có trong hộp văn bản điện tử đến"
#define MSG_NOT_OURS "Gói tin không gửi tới cơ quan nào mà bạn được vào sổ văn bản."
#define MSG_REASON   "Vui lòng nhập lý do từ chối"

static struct test_server srv;
static struct db *db;
static struct ts_user specialist, head, leader, clerk, ward_clerk, ward_chair, ward_specialist;
static int64_t district_id, ward_id, ward_specialist_id;
static char leader_name[128];
static struct arena scratch; /* for the tests' strings */

/* ---- helpers ---- */

static json_t *call(const struct ts_user *u, const char *method, const char *path, const char *body,
		    long want)
{
	long got;
	json_t *j = ts_json(&srv, u, method, path, body, want, &got);
	if (got != want || !j)
		fail_msg("%s %s: status %ld, wanted %ld", method, path, got, want);
	return j;
}

static const char *jstr(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (!s)
		fail_msg("\"%s\" is not a string", key);
	return s;
}

static long long jint(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		fail_msg("\"%s\" is not an integer", key);
	return json_integer_value(v);
}

static void expect_error(const struct ts_user *u, const char *method, const char *path, const char *body,
			 long want, const char *msg)
{
	json_t *j = call(u, method, path, body, want);
	const char *m = json_string_value(json_object_get(json_object_get(j, "error"), "message"));
	if (!m || !strstr(m, msg))
		fail_msg("%s %s: \"%s\" is not \"%s\"", method, path, m ? m : "(none)", msg);
	json_decref(j);
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

static long long audits(const char *action, const char *object)
{
	struct db_stmt *st;
	long long n = -1;
	if (db_query(db, &st, "SELECT COUNT(*) FROM audit_log WHERE action = ? AND object = ?", "ss", action,
		     object) == DB_ROW)
		n = db_col_int(st, 0);
	db_release_statements(db);
	return n;
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

/* A one-page PDF saying `text` (ASCII). */
static void make_pdf(struct buf *out, const char *text)
{
	static const char *const objs[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
		"/Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	};
	char stream[512];
	size_t off[5], xref;
	snprintf(stream, sizeof(stream), "BT /F1 14 Tf 72 760 Td (%s) Tj ET", text);
	buf_reset(out);
	buf_adds(out, "%PDF-1.4\n");
	for (size_t k = 0; k < 4; k++) {
		off[k] = out->len;
		buf_addf(out, "%zu 0 obj\n%s\nendobj\n", k + 1, objs[k]);
	}
	off[4] = out->len;
	buf_addf(out, "5 0 obj\n<< /Length %zu >>\nstream\n%s\nendstream\nendobj\n", strlen(stream), stream);
	xref = out->len;
	buf_adds(out, "xref\n0 6\n0000000000 65535 f \n");
	for (size_t k = 0; k < 5; k++)
		buf_addf(out, "%010zu 00000 n \n", off[k]);
	buf_addf(out, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
}

/* POST /api/v1/documents/outgoing as the specialist (metadata and a PDF): the draft's id. */
static int64_t draft(const char *metadata, const struct buf *pdf)
{
	struct buf body = BUF_INIT;
	struct http_resp r;
	const char *h[] = { specialist.cookie, specialist.token, MP_TYPE, NULL };
	json_t *j;
	int64_t id;
	buf_addf(&body, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n%s\r\n",
		 metadata);
	buf_adds(&body, "--" BOUNDARY
			"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cong-van.pdf\"\r\n"
			"Content-Type: application/pdf\r\n\r\n");
	buf_add(&body, pdf->ptr, pdf->len);
	buf_adds(&body, "\r\n--" BOUNDARY "--\r\n");
	resp_init(&r);
	if (http_req(&srv, "POST", OUT_API, h, body.ptr, body.len, &r) || r.status != 201)
		fail_msg("draft: status %ld: %s", r.status, r.body.ptr ? r.body.ptr : "");
	j = json_loads(r.body.ptr, 0, NULL);
	assert_non_null(j);
	id = jint(j, "id");
	json_decref(j);
	resp_free(&r);
	buf_release(&body);
	return id;
}

static void step(const struct ts_user *u, const char *api, int64_t id, const char *body)
{
	char path[96];
	snprintf(path, sizeof(path), "%s/%lld/actions", api, (long long)id);
	json_decref(call(u, "POST", path, body, 200));
}

/* A draft taken to its issue by the district: its id. */
static int64_t issued(const char *metadata, const struct buf *pdf)
{
	int64_t id = draft(metadata, pdf);
	step(&specialist, OUT_API, id, "{\"action\":\"submit\"}");
	step(&head, OUT_API, id, "{\"action\":\"forward\"}");
	step(&leader, OUT_API, id, "{\"action\":\"sign\"}");
	step(&clerk, OUT_API, id, "{\"action\":\"issue\"}");
	return id;
}

/* The ward's inbox (state all) as its clerk sees it. */
static json_t *inbox_of(const struct ts_user *u)
{
	json_t *j = call(u, "GET", IN_API "?queue=inbox&state=all&per_page=100", NULL, 200);
	json_t *list = json_incref(json_object_get(j, "inbox"));
	json_decref(j);
	assert_true(json_is_array(list));
	return list;
}

/* The entry of the inbox list with that symbol (borrowed from list), or NULL. */
static json_t *entry_with(json_t *list, const char *symbol)
{
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e)
	{
		if (!strcmp(json_string_value(json_object_get(e, "symbol")), symbol))
			return e;
	}
	return NULL;
}

/* POST an edXML message as u: the status, *out the JSON answer (caller frees). */
static long post_edxml(const struct ts_user *u, const char *xml, size_t len, json_t **out)
{
	const char *h[] = { u->cookie, u->token, "Content-Type: application/xml", NULL };
	struct http_resp r;
	long st;
	resp_init(&r);
	if (http_req(&srv, "POST", IN_API "/edxml", h, xml, len, &r))
		fail_msg("POST edxml: no response");
	st = r.status;
	*out = r.body.len ? json_loadb(r.body.ptr, r.body.len, 0, NULL) : NULL;
	resp_free(&r);
	return st;
}

/* The statuses of an outgoing document as its API gives them: "01,03,…". */
static void statuses_of(int64_t id, char *out, size_t n)
{
	char path[96];
	json_t *j, *list, *s;
	size_t i, k = 0;
	snprintf(path, sizeof(path), OUT_API "/%lld", (long long)id);
	j = call(&clerk, "GET", path, NULL, 200);
	list = json_object_get(json_object_get(j, "exchange"), "statuses");
	assert_true(json_is_array(list));
	out[0] = '\0';
	json_array_foreach(list, i, s)
	{
		k += (size_t)snprintf(out + k, n - k, "%s%s", i ? "," : "", jstr(s, "status"));
		assert_string_equal(jstr(s, "organ_id"), WARD);
	}
	json_decref(j);
}

/* An edXML message from an agency outside the system to the ward, with one PDF. */
static void external_message(struct buf *xml, const char *number, const struct buf *pdf)
{
	struct edxml_organ to = { WARD, "UBND phường Nhân Chính", "UBND quận Thanh Xuân" };
	struct edxml_doc d = { 0 };
	struct edxml_file f = { 0 };
	int32_t today = today_ymd();
	d.from.id = OUTSIDE;
	d.from.name = "UBND phường Tân Thịnh";
	d.from.in_charge = "UBND thành phố Hòa Bình";
	d.to = &to;
	d.nto = 1;
	d.code_number = number;
	d.code_notation = "UBND-VP";
	d.place = "Tân Thịnh";
	d.date = today;
	d.type = DOC_TYPE_CONG_VAN;
	d.subject = EXT_SUMMARY;
	d.signer_competence = "TM. ỦY BAN NHÂN DÂN";
	d.signer_position = "Chủ tịch";
	d.signer_name = "Hà Văn Thịnh";
	d.due_date = today + 10 <= today / 100 * 100 + 28 ? today + 10 : today;
	d.urgency = DOC_URGENCY_URGENT;
	d.sent_at = time(NULL) - 60;
	f.name = "cong-van-tan-thinh.pdf";
	f.mime = "application/pdf";
	f.data = (const unsigned char *)pdf->ptr;
	f.len = pdf->len;
	buf_reset(xml);
	assert_int_equal(edxml_build(&d, &f, 1, xml), 0);
}

/* ---- the exchange within the system ---- */

static int64_t letter_id, letter_inbox, letter_in;
static char letter_symbol[64];
static struct buf letter_pdf;

static void internal_round_trip(void **state)
{
	char path[160], sha[65], object[48], value[256], list[64];
	struct http_resp r;
	json_t *j, *inbox, *e, *f;
	int32_t today = today_ymd();
	char today_iso[16];
	(void)state;

	snprintf(today_iso, sizeof(today_iso), "%04d-%02d-%02d", today / 10000, today / 100 % 100,
		 today % 100);
	buf_init(&letter_pdf, 1 << 20);
	make_pdf(&letter_pdf, "Cong van phoi hop ra soat ho so chung thuc");
	sha_hex(letter_pdf.ptr, letter_pdf.len, sha);

	/* the district issues a Công văn to the ward: it is delivered in the same transaction */
	letter_id = issued("{\"type\":\"cong-van\",\"summary\":\"" LETTER_SUMMARY
			   "\",\"recipients\":[\"Như trên;\","
			   "\"Lưu: VT, TP.\"],\"recipient_units\":[\"" WARD "\"]}",
			   &letter_pdf);
	snprintf(path, sizeof(path), OUT_API "/%lld", (long long)letter_id);
	j = call(&clerk, "GET", path, NULL, 200);
	snprintf(letter_symbol, sizeof(letter_symbol), "%s", jstr(j, "symbol"));
	assert_non_null(strstr(letter_symbol, "/UBND-TP"));
	assert_true(json_is_true(json_object_get(json_object_get(j, "exchange"), "sent")));
	json_decref(j);
	statuses_of(letter_id, list, sizeof(list));
	assert_string_equal(list, "01");
	snprintf(object, sizeof(object), "doc_out:%lld", (long long)letter_id);
	assert_int_equal(audits("document.exchange.send", object), 1);

	/* the ward's inbox has it, with its metadata and its file */
	inbox = inbox_of(&ward_clerk);
	e = entry_with(inbox, letter_symbol);
	assert_non_null(e);
	letter_inbox = jint(e, "id");
	assert_string_equal(jstr(e, "state"), "arrived");
	assert_string_equal(jstr(json_object_get(e, "sender"), "organ_id"), DISTRICT);
	assert_string_equal(jstr(json_object_get(e, "sender"), "name"), "UBND quận Thanh Xuân");
	assert_int_equal(jint(json_object_get(e, "sender"), "unit_id"), district_id);
	assert_string_equal(jstr(e, "date"), today_iso);
	assert_string_equal(jstr(json_object_get(e, "type"), "key"), "cong-van");
	assert_string_equal(jstr(e, "subject"), LETTER_SUMMARY);
	assert_non_null(strstr(jstr(e, "signer"), "KT. CHỦ TỊCH"));
	assert_non_null(strstr(jstr(e, "signer"), "Phó Chủ tịch"));
	assert_non_null(strstr(jstr(e, "signer"), leader_name));
	assert_string_equal(jstr(e, "last_status"), "01");
	f = json_array_get(json_object_get(e, "files"), 0);
	assert_non_null(f);
	assert_string_equal(jstr(f, "sha256"), sha);
	assert_int_equal(jint(f, "size"), (long long)letter_pdf.len);
	assert_string_equal(jstr(f, "content_type"), "application/pdf");
	snprintf(path, sizeof(path), "%s", jstr(f, "url"));
	json_decref(inbox);
	assert_int_equal(req(&ward_clerk, "GET", path, NULL, &r), 200);
	assert_int_equal(r.body.len, letter_pdf.len);
	assert_memory_equal(r.body.ptr, letter_pdf.ptr, letter_pdf.len);
	resp_free(&r);

	/* the list page shows the box with it; the form is filled from the message */
	assert_int_equal(req(&ward_clerk, "GET", "/van-ban/den", NULL, &r), 200);
	expect_in(&r, "Văn bản điện tử đến");
	expect_in(&r, letter_symbol);
	resp_free(&r);
	snprintf(path, sizeof(path), "/van-ban/den/them?inbox=%lld", (long long)letter_inbox);
	assert_int_equal(req(&ward_clerk, "GET", path, NULL, &r), 200);
	assert_string_equal(resp_field(&r, "symbol", value, sizeof(value)), letter_symbol);
	assert_string_equal(resp_field(&r, "doc_date", value, sizeof(value)), today_iso);
	assert_string_equal(resp_field(&r, "sender", value, sizeof(value)), "UBND quận Thanh Xuân");
	assert_string_equal(resp_field(&r, "arrived_date", value, sizeof(value)), today_iso);
	expect_in(&r, LETTER_SUMMARY);
	expect_in(&r, "cong-van.pdf");
	resp_free(&r);

	/* the district's clerk keeps another agency's inbox: not this one */
	assert_int_equal(req(&clerk, "GET", path, NULL, &r), 404);
	resp_free(&r);
	inbox = inbox_of(&clerk);
	assert_null(entry_with(inbox, letter_symbol));
	json_decref(inbox);
	snprintf(value, sizeof(value), "{\"inbox\":%lld}", (long long)letter_inbox);
	expect_error(&clerk, "POST", IN_API, value, 404, MSG_NO_ENTRY);
	/* a leader without the clerk's role keeps no inbox */
	expect_error(&ward_chair, "GET", IN_API "?queue=inbox", NULL, 403, "văn thư");

	/* the ward's clerk registers it from the form */
	{
		char arrived_time[16], *form;
		assert_int_equal(req(&ward_clerk, "GET", path, NULL, &r), 200);
		resp_field(&r, "arrived_time", arrived_time, sizeof(arrived_time));
		resp_free(&r);
		char district_s[24];
		snprintf(value, sizeof(value), "%lld", (long long)letter_inbox);
		snprintf(district_s, sizeof(district_s), "%lld", (long long)district_id);
		/* as the browser sends it: the district chosen in the list of units, as the page had it */
		assert_int_equal(req(&ward_clerk, "GET", path, NULL, &r), 200);
		expect_in(&r, arena_printf(&scratch, "<option value=\"%s\" selected>", district_s));
		resp_free(&r);
		form = ts_form(&ward_clerk, "inbox", value, "arrived_date", today_iso, "arrived_time",
			       arrived_time, "sender_unit", district_s, "sender", "UBND quận Thanh Xuân",
			       "symbol", letter_symbol, "doc_date", today_iso, "type", "cong-van", "summary",
			       LETTER_SUMMARY, "urgency", "thuong", "secrecy", "thuong", "reply_due", "",
			       "pages", "", "copies", "", "notes", "", NULL);
		assert_int_equal(req(&ward_clerk, "POST", "/van-ban/den", form, &r), 303);
		assert_non_null(resp_hdr(&r, "Location", value, sizeof(value)));
		letter_in = strtoll(value + strlen("/van-ban/den/"), NULL, 10);
		assert_true(letter_in > 0);
		resp_free(&r);
		/* twice: refused, nothing more */
		assert_int_equal(req(&ward_clerk, "POST", "/van-ban/den", form, &r), 409);
		expect_in(&r, MSG_TAKEN);
		resp_free(&r);
		free(form);
	}
	assert_int_equal(
		sql_int("SELECT COUNT(*) FROM doc_incoming WHERE agency_id = ? AND symbol <> ''", ward_id),
		sql_int("SELECT COUNT(DISTINCT id) FROM doc_incoming WHERE agency_id = ? AND symbol <> ''",
			ward_id));
	snprintf(path, sizeof(path), IN_API "/%lld", (long long)letter_in);
	j = call(&ward_clerk, "GET", path, NULL, 200);
	assert_true(jint(j, "arrival_no") > 0);
	assert_string_equal(jstr(j, "sender"), "UBND quận Thanh Xuân");
	assert_int_equal(jint(j, "sender_unit_id"), district_id);
	assert_string_equal(jstr(j, "symbol"), letter_symbol);
	assert_string_equal(jstr(j, "date"), today_iso);
	assert_string_equal(jstr(json_object_get(j, "type"), "key"), "cong-van");
	assert_string_equal(jstr(j, "summary"), LETTER_SUMMARY);
	assert_string_equal(jstr(json_object_get(j, "file"), "sha256"), sha);
	json_decref(j);
	snprintf(path, sizeof(path), IN_API "/%lld/file", (long long)letter_in);
	assert_int_equal(req(&ward_clerk, "GET", path, NULL, &r), 200);
	assert_int_equal(r.body.len, letter_pdf.len);
	assert_memory_equal(r.body.ptr, letter_pdf.ptr, letter_pdf.len);
	resp_free(&r);
	assert_int_equal(sql_int("SELECT state FROM doc_exchange_inbox WHERE id = ?", letter_inbox), 2);
	assert_int_equal(sql_int("SELECT doc_in_id FROM doc_exchange_inbox WHERE id = ?", letter_inbox),
			 letter_in);
	snprintf(object, sizeof(object), "doc_inbox:%lld", (long long)letter_inbox);
	assert_int_equal(audits("document.exchange.register", object), 1);

	/* the chairman assigns it to the Tư pháp official, who starts and finishes it */
	snprintf(value, sizeof(value), "{\"action\":\"assign\",\"lead\":{\"account\":%lld}}",
		 (long long)ward_specialist_id);
	step(&ward_chair, IN_API, letter_in, value);
	step(&ward_specialist, IN_API, letter_in, "{\"action\":\"start\"}");
	step(&ward_specialist, IN_API, letter_in, "{\"action\":\"done\"}");
	snprintf(object, sizeof(object), "doc_in:%lld", (long long)letter_in);
	assert_int_equal(audits("document.exchange.status", object), 3);

	/* the district sees every status, in order, on its page and in the API */
	statuses_of(letter_id, list, sizeof(list));
	assert_string_equal(list, "01,03,04,05,06");
	snprintf(path, sizeof(path), "/van-ban/di/%lld", (long long)letter_id);
	assert_int_equal(req(&clerk, "GET", path, NULL, &r), 200);
	expect_in(&r, "UBND phường Nhân Chính");
	expect_in(&r, "Lý Thị Pháp"); /* who did it, named in the status */
	resp_free(&r);
	/* nothing of it went to the hub's outbox */
	assert_int_equal(sql_int("SELECT COUNT(*) FROM doc_exchange_outbox WHERE inbox_id = ?", letter_inbox),
			 0);

	/* the incoming document's history says where it came from and what went back */
	snprintf(path, sizeof(path), IN_API "/%lld", (long long)letter_in);
	j = call(&ward_clerk, "GET", path, NULL, 200);
	{
		json_t *hist = json_object_get(j, "history"), *ev;
		size_t i, edxml = 0, exchange = 0;
		json_array_foreach(hist, i, ev)
		{
			edxml += !strcmp(jstr(ev, "action"), "edxml");
			exchange += !strcmp(jstr(ev, "action"), "exchange");
		}
		assert_int_equal(edxml, 1);
		assert_int_equal(exchange, 4); /* 03, 04, 05, 06 */
	}
	json_decref(j);
	snprintf(path, sizeof(path), "/van-ban/den/%lld", (long long)letter_in);
	assert_int_equal(req(&ward_clerk, "GET", path, NULL, &r), 200);
	expect_in(&r, "Nhận văn bản điện tử");
	expect_in(&r, "Đã gửi trạng thái cho nơi gửi");
	resp_free(&r);
}

/* The export of the issued document reads back to the same fields and is the message delivered. */
static void export_round_trip(void **state)
{
	char path[96], sha[65], number[16];
	struct http_resp r;
	struct arena a;
	struct edxml_doc d;
	struct edxml_file *files;
	const char *why = NULL, *slash;
	size_t n = 0;
	(void)state;

	assert_true(letter_id > 0);
	snprintf(path, sizeof(path), OUT_API "/%lld/edxml", (long long)letter_id);
	assert_int_equal(req(&clerk, "GET", path, NULL, &r), 200);
	assert_non_null(strstr(resp_hdr(&r, "Content-Type", sha, sizeof(sha)), "application/xml"));
	arena_init(&a);
	if (edxml_parse(r.body.ptr, r.body.len, &a, &d, &files, &n, &why))
		fail_msg("the export does not parse: %s", why);
	assert_string_equal(d.from.id, DISTRICT);
	assert_string_equal(d.from.name, "UBND quận Thanh Xuân");
	assert_int_equal(d.nto, 1);
	assert_string_equal(d.to[0].id, WARD);
	assert_string_equal(d.to[0].name, "UBND phường Nhân Chính");
	slash = strchr(letter_symbol, '/');
	snprintf(number, sizeof(number), "%.*s", (int)(slash - letter_symbol), letter_symbol);
	assert_string_equal(d.code_number, number);
	assert_string_equal(d.code_notation, slash + 1);
	assert_int_equal(d.date, today_ymd());
	assert_int_equal(d.type, DOC_TYPE_CONG_VAN);
	assert_string_equal(d.subject, LETTER_SUMMARY);
	assert_string_equal(d.place, "Thanh Xuân");
	assert_string_equal(d.signer_name, leader_name);
	assert_string_equal(d.signer_position, "Phó Chủ tịch");
	assert_string_equal(d.signer_competence, "TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH");
	assert_int_equal(d.nplaces, 2);
	assert_string_equal(d.to_places[1], "Lưu: VT, TP.");
	assert_int_equal(n, 1);
	assert_int_equal(files[0].len, letter_pdf.len);
	assert_memory_equal(files[0].data, letter_pdf.ptr, letter_pdf.len);
	assert_true(files[0].checked);
	/* byte for byte the message the ward received */
	sha_hex(r.body.ptr, r.body.len, sha);
	{
		struct db_stmt *st;
		assert_int_equal(db_query(db, &st, "SELECT message_sha FROM doc_exchange_inbox WHERE id = ?",
					  "i", letter_inbox),
				 DB_ROW);
		assert_string_equal(db_col_text(st, 0), sha);
		db_release_statements(db);
	}
	arena_release(&a);
	resp_free(&r);
	/* someone who may not see the document does not get it either */
	assert_int_equal(req(&ward_specialist, "GET", path, NULL, &r), 404);
	resp_free(&r);
}

/* A secret document is not sent: nothing in the inbox, the page says so, no export. */
static void secret_not_sent(void **state)
{
	struct buf pdf = BUF_INIT;
	char path[96], object[48];
	struct http_resp r;
	json_t *j;
	int64_t id;
	long long before = sql_int("SELECT COUNT(*) FROM doc_exchange_inbox WHERE agency_id = ?", ward_id);
	(void)state;

	make_pdf(&pdf, "Danh sach can bo");
	id = issued("{\"type\":\"cong-van\",\"summary\":\"" SECRET_SUMMARY "\",\"secrecy\":\"mat\","
		    "\"recipient_units\":[\"" WARD "\"]}",
		    &pdf);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM doc_exchange_inbox WHERE agency_id = ?", ward_id),
			 before);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM doc_exchange_status WHERE out_doc_id = ?", id), 0);
	snprintf(path, sizeof(path), OUT_API "/%lld", (long long)id);
	j = call(&clerk, "GET", path, NULL, 200);
	assert_string_equal(jstr(j, "status"), "issued");
	assert_true(json_is_false(json_object_get(json_object_get(j, "exchange"), "sent")));
	assert_non_null(strstr(jstr(json_object_get(j, "exchange"), "not_sent_reason"), MSG_NOT_SENT));
	json_decref(j);
	snprintf(path, sizeof(path), "/van-ban/di/%lld", (long long)id);
	assert_int_equal(req(&clerk, "GET", path, NULL, &r), 200);
	expect_in(&r, MSG_NOT_SENT);
	resp_free(&r);
	snprintf(path, sizeof(path), OUT_API "/%lld/edxml", (long long)id);
	expect_error(&clerk, "GET", path, NULL, 409, "Văn bản mật");
	snprintf(object, sizeof(object), "doc_out:%lld", (long long)id);
	assert_int_equal(audits("document.exchange.withheld", object), 1);
	assert_int_equal(audits("document.exchange.send", object), 0);
	buf_release(&pdf);
}

/* ---- a message from outside ---- */

static void external_message_in(void **state)
{
	struct buf pdf = BUF_INIT, xml = BUF_INIT, bad = BUF_INIT;
	char path[96], sha[65], object[48], body[256];
	struct http_resp r;
	struct arena a;
	struct edxml_status s;
	const char *why = NULL;
	json_t *j, *inbox, *e;
	int64_t id, doc;
	long long outbox;
	(void)state;

	make_pdf(&pdf, "Cong van trao doi kinh nghiem");
	sha_hex(pdf.ptr, pdf.len, sha);
	external_message(&xml, "25", &pdf);

	/* someone who registers for no agency it is addressed to */
	assert_int_equal(post_edxml(&clerk, xml.ptr, xml.len, &j), 403);
	assert_non_null(strstr(jstr(json_object_get(j, "error"), "message"), MSG_NOT_OURS));
	json_decref(j);
	/* not XML, and a file changed on the way: refused with the reason, nothing kept */
	assert_int_equal(post_edxml(&ward_clerk, "this is not XML", 15, &j), 400);
	assert_non_null(strstr(jstr(json_object_get(j, "error"), "message"), MSG_REFUSED));
	json_decref(j);
	buf_add(&bad, xml.ptr, xml.len);
	{
		char *b64 = strstr(bad.ptr, "<ContentTransferEncoded>")
				    ? strstr(bad.ptr, "<ContentTransferEncoded>")
				    : strstr(bad.ptr, "ContentTransferEncoded>");
		assert_non_null(b64);
		b64 = strchr(b64, '>') + 1;
		b64[10] = b64[10] == 'A' ? 'B' : 'A';
	}
	assert_int_equal(post_edxml(&ward_clerk, bad.ptr, bad.len, &j), 400);
	assert_non_null(strstr(jstr(json_object_get(j, "error"), "message"), MSG_SHA));
	json_decref(j);
	assert_int_equal(
		sql_int("SELECT COUNT(*) FROM doc_exchange_inbox WHERE agency_id = ? AND sender_id = '" OUTSIDE
			"'",
			ward_id),
		0);

	/* the message lands in the ward's inbox; its arrival goes to the outbox for the hub */
	assert_int_equal(post_edxml(&ward_clerk, xml.ptr, xml.len, &j), 201);
	id = jint(j, "id");
	snprintf(path, sizeof(path), "/van-ban/den/them?inbox=%lld", (long long)id);
	assert_string_equal(jstr(j, "url"), path);
	json_decref(j);
	inbox = inbox_of(&ward_clerk);
	e = entry_with(inbox, "25/UBND-VP");
	assert_non_null(e);
	assert_int_equal(jint(e, "id"), id);
	assert_string_equal(jstr(json_object_get(e, "sender"), "name"), "UBND phường Tân Thịnh");
	assert_true(json_is_null(json_object_get(json_object_get(e, "sender"), "unit_id")));
	assert_string_equal(jstr(e, "subject"), EXT_SUMMARY);
	assert_string_equal(jstr(e, "urgency"), "khan");
	assert_string_equal(jstr(e, "signer"), "TM. ỦY BAN NHÂN DÂN, Chủ tịch Hà Văn Thịnh");
	assert_string_equal(jstr(json_array_get(json_object_get(e, "files"), 0), "sha256"), sha);
	json_decref(inbox);
	snprintf(object, sizeof(object), "doc_inbox:%lld", (long long)id);
	assert_int_equal(audits("document.exchange.receive", object), 1);
	assert_int_equal(
		sql_int("SELECT COUNT(*) FROM doc_exchange_outbox WHERE inbox_id = ? AND status = 1 AND "
			"sent_at IS NULL",
			id),
		1);
	/* the status message is one the sender's system reads */
	{
		struct db_stmt *st;
		assert_int_equal(
			db_query(
				db, &st,
				"SELECT message, to_organ FROM doc_exchange_outbox WHERE inbox_id = ? AND status = 1",
				"i", id),
			DB_ROW);
		arena_init(&a);
		assert_string_equal(db_col_text(st, 1), OUTSIDE);
		if (edxml_status_parse(db_col_text(st, 0), strlen(db_col_text(st, 0)), &a, &s, &why))
			fail_msg("the status does not parse: %s", why);
		assert_int_equal(s.status, EDXML_ST_ARRIVED);
		assert_string_equal(s.from.id, WARD);
		assert_string_equal(s.sender_id, OUTSIDE);
		assert_string_equal(s.code, "25/UBND-VP");
		assert_non_null(strstr(s.document_id, OUTSIDE ","));
		arena_release(&a);
		db_release_statements(db);
	}

	/* the same message again */
	assert_int_equal(post_edxml(&ward_clerk, xml.ptr, xml.len, &j), 409);
	assert_non_null(strstr(jstr(json_object_get(j, "error"), "message"), MSG_DUP));
	assert_int_equal(jint(json_object_get(j, "error"), "existing_id"), id);
	json_decref(j);

	/* the ward registers it through the API: every field from the message */
	snprintf(body, sizeof(body), "{\"inbox\":%lld}", (long long)id);
	j = call(&ward_clerk, "POST", IN_API, body, 201);
	doc = jint(j, "id");
	assert_string_equal(jstr(j, "sender"), "UBND phường Tân Thịnh");
	assert_string_equal(jstr(j, "symbol"), "25/UBND-VP");
	assert_string_equal(jstr(j, "summary"), EXT_SUMMARY);
	assert_string_equal(jstr(j, "urgency"), "khan");
	assert_string_equal(jstr(json_object_get(j, "file"), "sha256"), sha);
	assert_non_null(strstr(jstr(j, "notes"), "Hà Văn Thịnh"));
	json_decref(j);
	snprintf(body, sizeof(body), "{\"action\":\"assign\",\"lead\":{\"account\":%lld}}",
		 (long long)ward_specialist_id);
	step(&ward_chair, IN_API, doc, body);
	outbox = sql_int("SELECT COUNT(*) FROM doc_exchange_outbox WHERE inbox_id = ?", id);
	assert_int_equal(outbox, 3); /* 01, 03, 04 */
	assert_int_equal(sql_int("SELECT MAX(status) FROM doc_exchange_outbox WHERE inbox_id = ?", id), 4);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM doc_exchange_status s JOIN doc_exchange_inbox i ON "
				 "i.id = ? WHERE s.organ_id = i.sender_id",
				 id),
			 0);

	/* another message refused: a reason is required, then it goes back as 02 */
	external_message(&xml, "26", &pdf);
	assert_int_equal(post_edxml(&ward_clerk, xml.ptr, xml.len, &j), 201);
	id = jint(j, "id");
	json_decref(j);
	snprintf(body, sizeof(body), "{\"inbox\":%lld,\"refuse\":true,\"reason\":\"  \"}", (long long)id);
	expect_error(&ward_clerk, "POST", IN_API, body, 422, MSG_REASON);
	snprintf(body, sizeof(body), "{\"inbox\":%lld,\"refuse\":true,\"reason\":\"Gửi nhầm cơ quan\"}",
		 (long long)id);
	expect_error(&clerk, "POST", IN_API, body, 404, MSG_NO_ENTRY);
	j = call(&ward_clerk, "POST", IN_API, body, 200);
	assert_string_equal(jstr(j, "state"), "refused");
	assert_string_equal(jstr(j, "reason"), "Gửi nhầm cơ quan");
	json_decref(j);
	expect_error(&ward_clerk, "POST", IN_API, body, 409, MSG_TAKEN);
	snprintf(body, sizeof(body), "{\"inbox\":%lld}", (long long)id);
	expect_error(&ward_clerk, "POST", IN_API, body, 409, MSG_TAKEN);
	assert_int_equal(
		sql_int("SELECT COUNT(*) FROM doc_exchange_outbox WHERE inbox_id = ? AND status = 2", id), 1);
	snprintf(object, sizeof(object), "doc_inbox:%lld", (long long)id);
	assert_int_equal(audits("document.exchange.refuse", object), 1);
	/* the refused entry's page; then the sender sends it again, and it is taken */
	snprintf(path, sizeof(path), "/van-ban/den/them?inbox=%lld", (long long)id);
	assert_int_equal(req(&ward_clerk, "GET", path, NULL, &r), 200);
	expect_in(&r, "Gửi nhầm cơ quan");
	resp_free(&r);
	assert_int_equal(post_edxml(&ward_clerk, xml.ptr, xml.len, &j), 201);
	assert_true(jint(j, "id") != id);
	json_decref(j);

	buf_release(&pdf);
	buf_release(&xml);
	buf_release(&bad);
}

/* Refusing from the page: the reason asked for by the field, then the list's notice. */
/*
 * A message with a scan of some 3 MB (4 MB of edXML): past the 1 MB of a plain request body (413
 * with its message), it is sent as a file upload in the field "file".
 */
static void large_message(void **state)
{
	struct buf pdf = BUF_INIT, xml = BUF_INIT, mp = BUF_INIT;
	const char *h[] = { ward_clerk.cookie, ward_clerk.token,
			    "Content-Type: multipart/form-data; boundary=motcua-edxml-boundary", NULL };
	struct http_resp r;
	json_t *j;
	(void)state;
	make_pdf(&pdf, "Cong van kem ban chup");
	/* the scan's bytes after the small PDF: what a scanner's 3 MB would weigh */
	for (int i = 0; i < 3 << 20; i++)
		buf_addch(&pdf, (char)(i * 2654435761u >> 24));
	external_message(&xml, "28", &pdf);
	assert_true(xml.len > 4 << 20);
	assert_int_equal(post_edxml(&ward_clerk, xml.ptr, xml.len, &j), 413);
	json_decref(j);
	buf_adds(&mp, "--motcua-edxml-boundary\r\nContent-Disposition: form-data; name=\"file\"; "
		      "filename=\"goi-tin.xml\"\r\nContent-Type: application/xml\r\n\r\n");
	buf_add(&mp, xml.ptr, xml.len);
	buf_adds(&mp, "\r\n--motcua-edxml-boundary--\r\n");
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", "/api/v1/documents/incoming/edxml", h, mp.ptr, mp.len, &r),
			 0);
	if (r.status != 201)
		fail_msg("status %ld: %s", r.status, r.body.ptr ? r.body.ptr : "");
	/* the entry it answers with is the message, in the ward's inbox */
	j = json_loads(r.body.ptr, 0, NULL);
	assert_non_null(j);
	assert_int_equal(sql_int("SELECT agency_id FROM doc_exchange_inbox WHERE id = ?",
				 (int64_t)json_integer_value(json_object_get(j, "id"))),
			 ward_id);
	assert_int_equal(
		sql_int("SELECT COUNT(*) FROM doc_exchange_inbox WHERE id = ? AND code = '28/UBND-VP'",
			(int64_t)json_integer_value(json_object_get(j, "id"))),
		1);
	json_decref(j);
	resp_free(&r);
	buf_release(&pdf);
	buf_release(&xml);
	buf_release(&mp);
}

static void refuse_page(void **state)
{
	struct buf pdf = BUF_INIT, xml = BUF_INIT;
	struct http_resp r;
	char id_s[24], *form;
	json_t *j;
	int64_t id;
	(void)state;

	make_pdf(&pdf, "Cong van so 27");
	external_message(&xml, "27", &pdf);
	assert_int_equal(post_edxml(&ward_clerk, xml.ptr, xml.len, &j), 201);
	id = jint(j, "id");
	json_decref(j);
	snprintf(id_s, sizeof(id_s), "%lld", (long long)id);
	form = ts_form(&ward_clerk, "inbox", id_s, "refuse", "1", "reason", "", NULL);
	assert_int_equal(req(&ward_clerk, "POST", "/van-ban/den", form, &r), 422);
	expect_in(&r, MSG_REASON);
	expect_in(&r, "27/UBND-VP"); /* the form as it was */
	resp_free(&r);
	free(form);
	form = ts_form(&clerk, "inbox", id_s, "refuse", "1", "reason", "Không thuộc thẩm quyền", NULL);
	assert_int_equal(req(&clerk, "POST", "/van-ban/den", form, &r), 404);
	resp_free(&r);
	free(form);
	assert_int_equal(sql_int("SELECT state FROM doc_exchange_inbox WHERE id = ?", id), 1);
	form = ts_form(&ward_clerk, "inbox", id_s, "refuse", "1", "reason", "Không thuộc thẩm quyền", NULL);
	assert_int_equal(req(&ward_clerk, "POST", "/van-ban/den", form, &r), 303);
	resp_free(&r);
	free(form);
	assert_int_equal(sql_int("SELECT state FROM doc_exchange_inbox WHERE id = ?", id), 3);
	assert_int_equal(req(&ward_clerk, "GET", "/van-ban/den?queue=inbox&state=refused", NULL, &r), 200);
	expect_in(&r, "27/UBND-VP");
	resp_free(&r);
	buf_release(&pdf);
	buf_release(&xml);
}

/* A file of a type that is not a document's is kept and served as bytes to download, never as a page. */
static void foreign_file_type(void **state)
{
	struct edxml_organ to = { WARD, "UBND phường Nhân Chính", NULL };
	struct edxml_doc d = { 0 };
	struct edxml_file f = { 0 };
	struct buf xml = BUF_INIT;
	struct http_resp r;
	const char *page = "<html><script>alert(1)</script></html>";
	char hdr[256];
	json_t *j, *inbox, *e;
	(void)state;

	d.from.id = OUTSIDE;
	d.from.name = "UBND phường Tân Thịnh";
	d.to = &to;
	d.nto = 1;
	d.code_number = "31";
	d.code_notation = "UBND-VP";
	d.place = "Tân Thịnh";
	d.date = today_ymd();
	d.type = doc_type_by_key("thong-bao")->code;
	d.subject = "Thông báo lịch tiếp công dân";
	d.signer_position = "Chủ tịch";
	d.signer_name = "Hà Văn Thịnh";
	f.name = "thong-bao.html";
	f.mime = "text/html";
	f.data = (const unsigned char *)page;
	f.len = strlen(page);
	assert_int_equal(edxml_build(&d, &f, 1, &xml), 0);
	assert_int_equal(post_edxml(&ward_clerk, xml.ptr, xml.len, &j), 201);
	json_decref(j);
	inbox = inbox_of(&ward_clerk);
	e = entry_with(inbox, "31/UBND-VP");
	assert_non_null(e);
	assert_string_equal(jstr(json_object_get(e, "type"), "key"), "thong-bao");
	e = json_array_get(json_object_get(e, "files"), 0);
	assert_string_equal(jstr(e, "content_type"), "application/octet-stream");
	assert_int_equal(req(&ward_clerk, "GET", jstr(e, "url"), NULL, &r), 200);
	assert_string_equal(resp_hdr(&r, "Content-Type", hdr, sizeof(hdr)), "application/octet-stream");
	assert_non_null(strstr(resp_hdr(&r, "Content-Disposition", hdr, sizeof(hdr)), "attachment"));
	assert_int_equal(r.body.len, strlen(page));
	resp_free(&r);
	json_decref(inbox);
	buf_release(&xml);
}

/* ---- set-up ---- */

static int setup(void **state)
{
	char *err = NULL;
	int64_t ward_clerk_account, gid;
	int64_t now = time(NULL);
	struct db_stmt *st;
	(void)state;
	arena_init(&scratch);
	if (ts_init(&srv) || ts_demo(&srv))
		return -1;
	db = db_open(srv.db, &err);
	if (!db) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	district_id = ts_unit_id(db, DISTRICT);
	ward_id = ts_unit_id(db, WARD);
	ward_specialist_id = ts_account_id(db, "tuphap.nhanchinh");
	if (db_query(db, &st, "SELECT full_name FROM accounts WHERE username = 'lanhdao'", NULL) != DB_ROW)
		return -1;
	snprintf(leader_name, sizeof(leader_name), "%s", db_col_text(st, 0));
	db_release_statements(db);
	/* the ward has no records clerk in the demo: its one-stop official becomes one */
	ward_clerk_account = ts_account_id(db, "motcua.nhanchinh");
	if (db_begin(db) ||
	    grant_add(db, ward_clerk_account, "records_clerk", ward_id, 0, "cli", now, &gid) ||
	    db_commit(db)) {
		fprintf(stderr, "setup: %s\n", db_errmsg(db));
		return -1;
	}
	if (ts_launch(&srv, NULL, NULL))
		return -1;
	if (ts_login(&srv, "chuyenvien", DEMO_PASSWORD, &specialist) != 201 ||
	    ts_login(&srv, "truongphong", DEMO_PASSWORD, &head) != 201 ||
	    ts_login(&srv, "lanhdao", DEMO_PASSWORD, &leader) != 201 ||
	    ts_login(&srv, "vanthu", DEMO_PASSWORD, &clerk) != 201 ||
	    ts_login(&srv, "motcua.nhanchinh", DEMO_PASSWORD, &ward_clerk) != 201 ||
	    ts_login(&srv, "chutich.nhanchinh", DEMO_PASSWORD, &ward_chair) != 201 ||
	    ts_login(&srv, "tuphap.nhanchinh", DEMO_PASSWORD, &ward_specialist) != 201)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	buf_release(&letter_pdf);
	arena_release(&scratch);
	db_close(db);
	return ts_stop(&srv) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(internal_round_trip), cmocka_unit_test(export_round_trip),
		cmocka_unit_test(secret_not_sent),     cmocka_unit_test(external_message_in),
		cmocka_unit_test(refuse_page),	       cmocka_unit_test(foreign_file_type),
		cmocka_unit_test(large_message),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
