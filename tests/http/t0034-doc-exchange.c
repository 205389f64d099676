/*
 * t0034-doc-exchange: documents exchanged between agencies as edXML (issue 9 §4). The district
 * issues a Công văn of Phòng Tư pháp to the ward Nhân Chính: the issue records its delivery, made
 * after the commit; within seconds the ward's electronic inbox has it with its metadata (symbol,
 * date, type, summary, signer) and its file byte for byte, and the district's page says "Đã gửi"; the
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
 * A delivery whose signed file is missing fails, shows why ("Đang gửi…"), is tried again and
 * delivered once the file is back, or after the last attempt is given up ("Gửi không được: …");
 * two passes at once deliver each document once. The national hub's connector, with a records
 * clerk's API token, posts a status about a district's document sent outside (on its page,
 * audited, once), and takes the ward's outbox page by page, each message as edXML, acknowledged
 * once; other agencies' clerks and non-clerks get nothing (404, empty, 403).
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
#include <unistd.h>
#include "core/arena.h"
#include "core/buf.h"
#include "core/timefmt.h"
#include "features/authz.h"
#include "features/doc_exchange.h"
#include "features/edxml.h"
#include "features/files.h"
#include "features/tokens.h"
#include "harness.h"
#include "checks.h"
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
#define MSG_SENT     "Đã gửi lúc"
#define MSG_SENDING  "Đang gửi…"
#define MSG_FAILED   "Gửi không được:"
#define MSG_NO_FILE  "Không đọc được tệp đã ký trong kho lưu trữ tệp"

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
	return ts_call(&srv, u, method, path, body, want);
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
	id = ts_jint(j, "id");
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

/*
 * POST an edXML message as u: the status, *out the JSON answer (caller frees). A body over a
 * megabyte waits for "100 Continue", as curl and browsers do: one refused is answered before it
 * is sent.
 */
static long post_edxml(const struct ts_user *u, const char *xml, size_t len, json_t **out)
{
	const char *h[] = { u->cookie, u->token, "Content-Type: application/xml",
			    len > (1u << 20) ? "Expect: 100-continue" : NULL, NULL };
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

/*
 * Outgoing document `id` as its API gives it once its delivery is in `state` ("sending" after a
 * failed attempt, "sent", "failed") after at least `attempts` attempts, waiting up to `seconds`
 * for it: a person opening the page sees it within seconds.
 */
static json_t *wait_delivery(int64_t id, const char *state, int attempts, int seconds)
{
	char path[96];
	const char *got = "(none)";
	long long n = 0;
	snprintf(path, sizeof(path), OUT_API "/%lld", (long long)id);
	for (int i = 0; i <= seconds * 10; i++) {
		json_t *j = call(&clerk, "GET", path, NULL, 200);
		const json_t *d = json_object_get(json_object_get(j, "exchange"), "delivery");
		const char *st = json_string_value(json_object_get(d, "state"));
		n = json_integer_value(json_object_get(d, "attempts"));
		/* a failed attempt, not the next one in hand */
		if (st && !strcmp(st, state) && n >= attempts &&
		    (strcmp(state, "sending") || (json_is_string(json_object_get(d, "error")) &&
						  json_is_false(json_object_get(d, "in_progress")))))
			return j;
		got = st ? arena_strdup(&scratch, st) : "(none)";
		json_decref(j);
		if (i < seconds * 10)
			usleep(100 * 1000);
	}
	fail_msg("document %lld: the delivery is \"%s\" after %lld attempts and %d s, not \"%s\"",
		 (long long)id, got, n, seconds, state);
	return NULL;
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
		k += (size_t)snprintf(out + k, n - k, "%s%s", i ? "," : "", ts_jstr(s, "status"));
		assert_string_equal(ts_jstr(s, "organ_id"), WARD);
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
	ts_make_pdf(&letter_pdf, "Cong van phoi hop ra soat ho so chung thuc");
	sha_hex(letter_pdf.ptr, letter_pdf.len, sha);

	/* the district issues a Công văn to the ward: the issue records its delivery, which the server
	 * makes after the commit; the ward has it within seconds */
	letter_id = issued("{\"type\":\"cong-van\",\"summary\":\"" LETTER_SUMMARY
			   "\",\"recipients\":[\"Như trên;\","
			   "\"Lưu: VT, TP.\"],\"recipient_units\":[\"" WARD "\"]}",
			   &letter_pdf);
	snprintf(object, sizeof(object), "doc_out:%lld", (long long)letter_id);
	assert_int_equal(audits("document.exchange.send", object), 1);
	assert_int_equal(
		sql_int("SELECT agencies FROM doc_exchange_deliveries WHERE out_doc_id = ?", letter_id), 1);
	j = wait_delivery(letter_id, "sent", 1, 10);
	snprintf(letter_symbol, sizeof(letter_symbol), "%s", ts_jstr(j, "symbol"));
	assert_non_null(strstr(letter_symbol, "/UBND-TP"));
	assert_true(json_is_true(json_object_get(json_object_get(j, "exchange"), "sent")));
	assert_int_equal(ts_jint(json_object_get(json_object_get(j, "exchange"), "delivery"), "attempts"), 1);
	json_decref(j);
	statuses_of(letter_id, list, sizeof(list));
	assert_string_equal(list, "01");
	assert_int_equal(audits("document.exchange.delivered", object), 1);
	snprintf(path, sizeof(path), "/van-ban/di/%lld", (long long)letter_id);
	assert_int_equal(req(&clerk, "GET", path, NULL, &r), 200);
	expect_in(&r, MSG_SENT);
	resp_free(&r);

	/* the ward's inbox has it, with its metadata and its file */
	inbox = inbox_of(&ward_clerk);
	e = entry_with(inbox, letter_symbol);
	assert_non_null(e);
	letter_inbox = ts_jint(e, "id");
	assert_string_equal(ts_jstr(e, "state"), "arrived");
	assert_string_equal(ts_jstr(json_object_get(e, "sender"), "organ_id"), DISTRICT);
	assert_string_equal(ts_jstr(json_object_get(e, "sender"), "name"), "UBND quận Thanh Xuân");
	assert_int_equal(ts_jint(json_object_get(e, "sender"), "unit_id"), district_id);
	assert_string_equal(ts_jstr(e, "date"), today_iso);
	assert_string_equal(ts_jstr(json_object_get(e, "type"), "key"), "cong-van");
	assert_string_equal(ts_jstr(e, "subject"), LETTER_SUMMARY);
	assert_non_null(strstr(ts_jstr(e, "signer"), "KT. CHỦ TỊCH"));
	assert_non_null(strstr(ts_jstr(e, "signer"), "Phó Chủ tịch"));
	assert_non_null(strstr(ts_jstr(e, "signer"), leader_name));
	assert_string_equal(ts_jstr(e, "last_status"), "01");
	f = json_array_get(json_object_get(e, "files"), 0);
	assert_non_null(f);
	assert_string_equal(ts_jstr(f, "sha256"), sha);
	assert_int_equal(ts_jint(f, "size"), (long long)letter_pdf.len);
	assert_string_equal(ts_jstr(f, "content_type"), "application/pdf");
	snprintf(path, sizeof(path), "%s", ts_jstr(f, "url"));
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
	assert_true(ts_jint(j, "arrival_no") > 0);
	assert_string_equal(ts_jstr(j, "sender"), "UBND quận Thanh Xuân");
	assert_int_equal(ts_jint(j, "sender_unit_id"), district_id);
	assert_string_equal(ts_jstr(j, "symbol"), letter_symbol);
	assert_string_equal(ts_jstr(j, "date"), today_iso);
	assert_string_equal(ts_jstr(json_object_get(j, "type"), "key"), "cong-van");
	assert_string_equal(ts_jstr(j, "summary"), LETTER_SUMMARY);
	assert_string_equal(ts_jstr(json_object_get(j, "file"), "sha256"), sha);
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
			edxml += !strcmp(ts_jstr(ev, "action"), "edxml");
			exchange += !strcmp(ts_jstr(ev, "action"), "exchange");
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

	ts_make_pdf(&pdf, "Danh sach can bo");
	id = issued("{\"type\":\"cong-van\",\"summary\":\"" SECRET_SUMMARY "\",\"secrecy\":\"mat\","
		    "\"recipient_units\":[\"" WARD "\"]}",
		    &pdf);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM doc_exchange_inbox WHERE agency_id = ?", ward_id),
			 before);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM doc_exchange_status WHERE out_doc_id = ?", id), 0);
	/* no delivery is even recorded: the background pass never reads it */
	assert_int_equal(sql_int("SELECT COUNT(*) FROM doc_exchange_deliveries WHERE out_doc_id = ?", id), 0);
	snprintf(path, sizeof(path), OUT_API "/%lld", (long long)id);
	j = call(&clerk, "GET", path, NULL, 200);
	assert_string_equal(ts_jstr(j, "status"), "issued");
	assert_true(json_is_false(json_object_get(json_object_get(j, "exchange"), "sent")));
	assert_true(json_is_null(json_object_get(json_object_get(j, "exchange"), "delivery")));
	assert_non_null(strstr(ts_jstr(json_object_get(j, "exchange"), "not_sent_reason"), MSG_NOT_SENT));
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

	ts_make_pdf(&pdf, "Cong van trao doi kinh nghiem");
	sha_hex(pdf.ptr, pdf.len, sha);
	external_message(&xml, "25", &pdf);

	/* someone who registers for no agency it is addressed to */
	assert_int_equal(post_edxml(&clerk, xml.ptr, xml.len, &j), 403);
	assert_non_null(strstr(ts_jstr(json_object_get(j, "error"), "message"), MSG_NOT_OURS));
	json_decref(j);
	/* not XML, and a file changed on the way: refused with the reason, nothing kept */
	assert_int_equal(post_edxml(&ward_clerk, "this is not XML", 15, &j), 400);
	assert_non_null(strstr(ts_jstr(json_object_get(j, "error"), "message"), MSG_REFUSED));
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
	assert_non_null(strstr(ts_jstr(json_object_get(j, "error"), "message"), MSG_SHA));
	json_decref(j);
	assert_int_equal(
		sql_int("SELECT COUNT(*) FROM doc_exchange_inbox WHERE agency_id = ? AND sender_id = '" OUTSIDE
			"'",
			ward_id),
		0);

	/* the message lands in the ward's inbox; its arrival goes to the outbox for the hub */
	assert_int_equal(post_edxml(&ward_clerk, xml.ptr, xml.len, &j), 201);
	id = ts_jint(j, "id");
	snprintf(path, sizeof(path), "/van-ban/den/them?inbox=%lld", (long long)id);
	assert_string_equal(ts_jstr(j, "url"), path);
	json_decref(j);
	inbox = inbox_of(&ward_clerk);
	e = entry_with(inbox, "25/UBND-VP");
	assert_non_null(e);
	assert_int_equal(ts_jint(e, "id"), id);
	assert_string_equal(ts_jstr(json_object_get(e, "sender"), "name"), "UBND phường Tân Thịnh");
	assert_true(json_is_null(json_object_get(json_object_get(e, "sender"), "unit_id")));
	assert_string_equal(ts_jstr(e, "subject"), EXT_SUMMARY);
	assert_string_equal(ts_jstr(e, "urgency"), "khan");
	assert_string_equal(ts_jstr(e, "signer"), "TM. ỦY BAN NHÂN DÂN, Chủ tịch Hà Văn Thịnh");
	assert_string_equal(ts_jstr(json_array_get(json_object_get(e, "files"), 0), "sha256"), sha);
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
	assert_non_null(strstr(ts_jstr(json_object_get(j, "error"), "message"), MSG_DUP));
	assert_int_equal(ts_jint(json_object_get(j, "error"), "existing_id"), id);
	json_decref(j);

	/* the ward registers it through the API: every field from the message */
	snprintf(body, sizeof(body), "{\"inbox\":%lld}", (long long)id);
	j = call(&ward_clerk, "POST", IN_API, body, 201);
	doc = ts_jint(j, "id");
	assert_string_equal(ts_jstr(j, "sender"), "UBND phường Tân Thịnh");
	assert_string_equal(ts_jstr(j, "symbol"), "25/UBND-VP");
	assert_string_equal(ts_jstr(j, "summary"), EXT_SUMMARY);
	assert_string_equal(ts_jstr(j, "urgency"), "khan");
	assert_string_equal(ts_jstr(json_object_get(j, "file"), "sha256"), sha);
	assert_non_null(strstr(ts_jstr(j, "notes"), "Hà Văn Thịnh"));
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
	id = ts_jint(j, "id");
	json_decref(j);
	snprintf(body, sizeof(body), "{\"inbox\":%lld,\"refuse\":true,\"reason\":\"  \"}", (long long)id);
	expect_error(&ward_clerk, "POST", IN_API, body, 422, MSG_REASON);
	snprintf(body, sizeof(body), "{\"inbox\":%lld,\"refuse\":true,\"reason\":\"Gửi nhầm cơ quan\"}",
		 (long long)id);
	expect_error(&clerk, "POST", IN_API, body, 404, MSG_NO_ENTRY);
	j = call(&ward_clerk, "POST", IN_API, body, 200);
	assert_string_equal(ts_jstr(j, "state"), "refused");
	assert_string_equal(ts_jstr(j, "reason"), "Gửi nhầm cơ quan");
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
	assert_true(ts_jint(j, "id") != id);
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
	ts_make_pdf(&pdf, "Cong van kem ban chup");
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

	ts_make_pdf(&pdf, "Cong van so 27");
	external_message(&xml, "27", &pdf);
	assert_int_equal(post_edxml(&ward_clerk, xml.ptr, xml.len, &j), 201);
	id = ts_jint(j, "id");
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
	assert_string_equal(ts_jstr(json_object_get(e, "type"), "key"), "thong-bao");
	e = json_array_get(json_object_get(e, "files"), 0);
	assert_string_equal(ts_jstr(e, "content_type"), "application/octet-stream");
	assert_int_equal(req(&ward_clerk, "GET", ts_jstr(e, "url"), NULL, &r), 200);
	assert_string_equal(resp_hdr(&r, "Content-Type", hdr, sizeof(hdr)), "application/octet-stream");
	assert_non_null(strstr(resp_hdr(&r, "Content-Disposition", hdr, sizeof(hdr)), "attachment"));
	assert_int_equal(r.body.len, strlen(page));
	resp_free(&r);
	json_decref(inbox);
	buf_release(&xml);
}

/* ---- deliveries after the commit: retried, given up ---- */

/* The data folder the server keeps its files in. */
static const char *data_dir(void)
{
	return arena_printf(&scratch, "%s/data", srv.dir);
}

/* A draft of the district signed, its file then lost from the store (a disk restored without it). */
static int64_t signed_without_file(const char *summary, const struct buf *pdf)
{
	char sha[65], *path;
	int64_t id =
		draft(arena_printf(&scratch,
				   "{\"type\":\"cong-van\",\"summary\":\"%s\",\"recipients\":[\"Như trên;\","
				   "\"Lưu: VT, TP.\"],\"recipient_units\":[\"" WARD "\"]}",
				   summary),
		      pdf);
	step(&specialist, OUT_API, id, "{\"action\":\"submit\"}");
	step(&head, OUT_API, id, "{\"action\":\"forward\"}");
	step(&leader, OUT_API, id, "{\"action\":\"sign\"}");
	sha_hex(pdf->ptr, pdf->len, sha);
	path = arena_printf(&scratch, "%s/files/%.2s/%s", data_dir(), sha, sha);
	if (unlink(path))
		fail_msg("%s: not removed", path);
	return id;
}

/* The symbol of outgoing document id. */
static const char *symbol_of(int64_t id)
{
	char path[96];
	json_t *j;
	const char *s;
	snprintf(path, sizeof(path), OUT_API "/%lld", (long long)id);
	j = call(&clerk, "GET", path, NULL, 200);
	s = arena_strdup(&scratch, ts_jstr(j, "symbol"));
	json_decref(j);
	return s;
}

/*
 * The signed file is missing when the document is issued: the first attempt fails with the
 * reason on the page ("Đang gửi…", tried again); once the file is back the next attempt (the
 * server's pass run here at the time it is due) delivers it. Another one stays missing: after the
 * last attempt the page says it could not be sent and why, and nothing reached the ward.
 */
static void delivery_retries(void **state)
{
	struct buf pdf = BUF_INIT, pdf2 = BUF_INIT;
	struct http_resp r;
	char sha[65], path[96], object[48], list[64];
	const json_t *dl;
	json_t *j, *inbox;
	int64_t id, id2, now;
	(void)state;

	ts_make_pdf(&pdf, "Cong van gui lai sau khi tep tro lai");
	id = signed_without_file("V/v gửi lại văn bản sau khi khôi phục tệp", &pdf);
	step(&clerk, OUT_API, id, "{\"action\":\"issue\"}");
	/* the first attempt fails at once: waiting for the next, with the reason */
	j = wait_delivery(id, "sending", 1, 10);
	dl = json_object_get(json_object_get(j, "exchange"), "delivery");
	assert_int_equal(ts_jint(dl, "attempts"), 1);
	assert_non_null(strstr(ts_jstr(dl, "error"), MSG_NO_FILE));
	assert_non_null(json_string_value(json_object_get(dl, "next_attempt_at")));
	assert_true(json_is_false(json_object_get(json_object_get(j, "exchange"), "sent")));
	json_decref(j);
	snprintf(path, sizeof(path), "/van-ban/di/%lld", (long long)id);
	assert_int_equal(req(&clerk, "GET", path, NULL, &r), 200);
	expect_in(&r, MSG_SENDING);
	expect_in(&r, MSG_NO_FILE);
	resp_free(&r);
	inbox = inbox_of(&ward_clerk);
	assert_null(entry_with(inbox, symbol_of(id)));
	json_decref(inbox);
	/* not due yet: a pass now leaves it */
	now = time(NULL);
	assert_int_equal(doc_exchange_deliver_due(db, data_dir(), now, 8), 0);
	assert_int_equal(sql_int("SELECT attempts FROM doc_exchange_deliveries WHERE out_doc_id = ?", id), 1);
	/* the file back; a minute later another server has just taken the attempt: a pass leaves it */
	assert_int_equal(files_store_bytes(data_dir(), pdf.ptr, pdf.len, sha), 0);
	assert_int_equal(
		db_exec(db,
			"UPDATE doc_exchange_deliveries SET lease_owner = 'another-server', lease_until = ? "
			"WHERE out_doc_id = ?",
			"ii", now + 61 + DOC_EX_LEASE, id),
		0);
	assert_int_equal(doc_exchange_deliver_due(db, data_dir(), now + 61, 8), 0);
	assert_int_equal(sql_int("SELECT attempts FROM doc_exchange_deliveries WHERE out_doc_id = ?", id), 1);
	/* that server went down: once its lease is over, the pass delivers it */
	assert_int_equal(doc_exchange_deliver_due(db, data_dir(), now + 61 + DOC_EX_LEASE, 8), 1);
	j = wait_delivery(id, "sent", 2, 1);
	json_decref(j);
	statuses_of(id, list, sizeof(list));
	assert_string_equal(list, "01");
	inbox = inbox_of(&ward_clerk);
	assert_non_null(entry_with(inbox, symbol_of(id)));
	json_decref(inbox);
	snprintf(object, sizeof(object), "doc_out:%lld", (long long)id);
	assert_int_equal(audits("document.exchange.delivered", object), 1);
	assert_int_equal(audits("document.exchange.failed", object), 0);
	/* delivered: a later pass does nothing more */
	assert_int_equal(doc_exchange_deliver_due(db, data_dir(), now + 100000, 8), 0);
	assert_int_equal(
		ts_sql_int(&srv,
			   "SELECT COUNT(*) FROM doc_exchange_inbox WHERE agency_id = ? AND code = (SELECT "
			   "symbol FROM doc_outgoing WHERE id = ?)",
			   "ii", ward_id, id),
		1);

	/* the file of this one never comes back: given up after the last attempt */
	ts_make_pdf(&pdf2, "Cong van khong gui duoc");
	id2 = signed_without_file("V/v văn bản không gửi được vì mất tệp", &pdf2);
	step(&clerk, OUT_API, id2, "{\"action\":\"issue\"}");
	json_decref(wait_delivery(id2, "sending", 1, 10));
	for (int k = 1; k < 5; k++) {
		now += 4000; /* past each delay: 1, 5, 15, 60 minutes; the fifth attempt gives it up */
		assert_int_equal(doc_exchange_deliver_due(db, data_dir(), now, 8), k == 4);
		assert_int_equal(sql_int("SELECT attempts FROM doc_exchange_deliveries WHERE out_doc_id = ?",
					 id2),
				 k + 1);
	}
	j = wait_delivery(id2, "failed", 5, 1);
	dl = json_object_get(json_object_get(j, "exchange"), "delivery");
	assert_non_null(strstr(ts_jstr(dl, "error"), MSG_NO_FILE));
	assert_true(json_is_null(json_object_get(dl, "next_attempt_at")));
	json_decref(j);
	snprintf(path, sizeof(path), "/van-ban/di/%lld", (long long)id2);
	assert_int_equal(req(&clerk, "GET", path, NULL, &r), 200);
	expect_in(&r, MSG_FAILED);
	expect_in(&r, MSG_NO_FILE);
	resp_free(&r);
	snprintf(object, sizeof(object), "doc_out:%lld", (long long)id2);
	assert_int_equal(audits("document.exchange.failed", object), 1);
	assert_int_equal(audits("document.exchange.delivered", object), 0);
	/* given up: no more attempts, nothing in the ward's inbox */
	assert_int_equal(doc_exchange_deliver_due(db, data_dir(), now + 100000, 8), 0);
	assert_int_equal(sql_int("SELECT attempts FROM doc_exchange_deliveries WHERE out_doc_id = ?", id2),
			 5);
	inbox = inbox_of(&ward_clerk);
	assert_null(entry_with(inbox, symbol_of(id2)));
	json_decref(inbox);
	buf_release(&pdf);
	buf_release(&pdf2);
}

/*
 * Two passes at once on one database — the server's, woken by the issue, and this process's, as a
 * second server's would be: every document is delivered once, in one attempt, whichever takes it
 * (the claim is a guarded UPDATE; the other pass skips it).
 */
static void delivery_once(void **state)
{
	struct buf pdf = BUF_INIT;
	int64_t ids[3];
	(void)state;
	for (int i = 0; i < 3; i++) {
		ts_make_pdf(&pdf, arena_printf(&scratch, "Cong van so %d gui mot lan", i));
		ids[i] = issued(
			arena_printf(&scratch,
				     "{\"type\":\"cong-van\",\"summary\":\"V/v văn bản gửi một lần, số %d\","
				     "\"recipient_units\":[\"" WARD "\"]}",
				     i),
			&pdf);
		/* this process's pass as well, at the same moment as the server's */
		doc_exchange_deliver_due(db, data_dir(), time(NULL), 8);
	}
	for (int i = 0; i < 3; i++) {
		json_decref(wait_delivery(ids[i], "sent", 1, 10));
		assert_int_equal(sql_int("SELECT attempts FROM doc_exchange_deliveries WHERE out_doc_id = ?",
					 ids[i]),
				 1);
		assert_int_equal(
			sql_int("SELECT COUNT(*) FROM doc_exchange_inbox i JOIN doc_outgoing o ON o.symbol = "
				"i.code AND o.id = ? WHERE i.sender_unit_id IS NOT NULL",
				ids[i]),
			1);
		assert_int_equal(
			sql_int("SELECT COUNT(*) FROM doc_exchange_status WHERE out_doc_id = ?", ids[i]), 1);
	}
	buf_release(&pdf);
}

/* ---- the national hub's connector ---- */

static char district_token[TOKEN_LEN + 1], ward_token[TOKEN_LEN + 1], user_read_token[TOKEN_LEN + 1];

/* A request with "Authorization: Bearer token" (no cookie, no CSRF token): the status, *out the JSON. */
static long bearer(const char *token, const char *method, const char *path, const char *type,
		   const char *body, size_t len, json_t **out)
{
	char auth[128];
	const char *h[] = { auth, type, NULL };
	struct http_resp r;
	long st;
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	resp_init(&r);
	if (http_req(&srv, method, path, h, body, len, &r))
		fail_msg("%s %s: no response", method, path);
	st = r.status;
	if (out)
		*out = r.body.len ? json_loadb(r.body.ptr, r.body.len, 0, NULL) : NULL;
	resp_free(&r);
	return st;
}

static const char *error_of(const json_t *j)
{
	const char *m = json_string_value(json_object_get(json_object_get(j, "error"), "message"));
	return m ? m : "";
}

#define STATUS_API	  "/api/v1/documents/exchange/status"
#define OUTBOX_API	  "/api/v1/documents/exchange/outbox"
#define XML_TYPE	  "Content-Type: application/xml"
#define HUB_SUMMARY	  "V/v đề nghị cung cấp thông tin phục vụ kiểm tra công tác chứng thực"
#define MSG_STATUS_BAD	  "Không tiếp nhận được gói tin trạng thái"
#define MSG_STATUS_NO_DOC "Trạng thái không thuộc văn bản nào"
#define MSG_NO_HUB	  "Chỉ văn thư của cơ quan hoặc quản trị viên"
#define MSG_NO_OUTBOX	  "Không có gói tin trạng thái này trong hộp gửi đi của bạn."

/* The status message of agency `from` (NULL: the agency outside) about the district's document symbol/date.
 */
static void status_of(struct buf *xml, const char *from, const char *symbol, int code, int64_t at)
{
	struct edxml_status s = { 0 };
	int32_t today = today_ymd();
	s.document_id = arena_printf(&scratch, DISTRICT ",%04d/%02d/%02d,%s", today / 10000,
				     today / 100 % 100, today % 100, symbol);
	s.sender_id = DISTRICT;
	s.code = symbol;
	s.date = today;
	s.from.id = from ? from : OUTSIDE;
	s.from.name = from ? "UBND phường Nhân Chính" : "UBND phường Tân Thịnh";
	s.from.in_charge = from ? "UBND quận Thanh Xuân" : "UBND thành phố Hòa Bình";
	s.status = code;
	s.description = "Đã vào sổ văn bản đến, số đến 412";
	s.at = at;
	s.department = "Văn phòng HĐND và UBND phường";
	s.staff = "Đinh Thị Lan";
	buf_reset(xml);
	assert_int_equal(edxml_status_build(&s, xml), 0);
}

static void hub_status(struct buf *xml, const char *symbol, int code, int64_t at)
{
	status_of(xml, NULL, symbol, code, at);
}

/*
 * The district sends a letter to an agency outside the system; the hub's connector posts that
 * agency's status with the district's records clerk's API token (no CSRF token: a token is not a
 * browser): it shows on the document's page and in its API, audited, once even when posted twice.
 * A bad message, a document that is not there, another agency's clerk, a leader who is no clerk,
 * a token without document.register: refused, nothing recorded.
 */
static void status_from_hub(void **state)
{
	struct buf pdf = BUF_INIT, xml = BUF_INIT;
	struct http_resp r;
	char path[96], object[48];
	const char *symbol;
	const char *h[5];
	json_t *j, *list;
	int64_t id, at = time(NULL) - 120;
	long long before;
	(void)state;

	ts_make_pdf(&pdf, "Cong van gui UBND phuong Tan Thinh");
	id = issued("{\"type\":\"cong-van\",\"summary\":\"" HUB_SUMMARY
		    "\",\"recipients\":[\"UBND phường Tân "
		    "Thịnh, thành phố Hòa Bình;\",\"Lưu: VT, TP.\"]}",
		    &pdf);
	symbol = symbol_of(id);
	hub_status(&xml, symbol, EDXML_ST_ACCEPTED, at);
	before = sql_int("SELECT COUNT(*) FROM doc_exchange_status WHERE out_doc_id = ?", id);
	assert_int_equal(before, 0);

	/* who may not */
	assert_int_equal(bearer(user_read_token, "POST", STATUS_API, XML_TYPE, xml.ptr, xml.len, &j), 403);
	json_decref(j);
	h[0] = ward_chair.cookie;
	h[1] = ward_chair.token;
	h[2] = XML_TYPE;
	h[3] = NULL;
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", STATUS_API, h, xml.ptr, xml.len, &r), 0);
	assert_int_equal(r.status, 403);
	expect_in(&r, MSG_NO_HUB);
	resp_free(&r);
	/* the ward's clerk: a document of another agency is as if it were not there */
	assert_int_equal(bearer(ward_token, "POST", STATUS_API, XML_TYPE, xml.ptr, xml.len, &j), 404);
	assert_non_null(strstr(error_of(j), MSG_STATUS_NO_DOC));
	json_decref(j);
	/* the district's clerk in his browser, without the CSRF token */
	h[0] = clerk.cookie;
	h[1] = XML_TYPE;
	h[2] = NULL;
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", STATUS_API, h, xml.ptr, xml.len, &r), 0);
	assert_int_equal(r.status, 403);
	resp_free(&r);
	/* not XML; a document that is not there */
	assert_int_equal(bearer(district_token, "POST", STATUS_API, XML_TYPE, "<edXML>", 7, &j), 400);
	assert_non_null(strstr(error_of(j), MSG_STATUS_BAD));
	json_decref(j);
	{
		struct buf other = BUF_INIT;
		hub_status(&other, "999/UBND-TP", EDXML_ST_ACCEPTED, at);
		assert_int_equal(
			bearer(district_token, "POST", STATUS_API, XML_TYPE, other.ptr, other.len, &j), 404);
		assert_non_null(strstr(error_of(j), MSG_STATUS_NO_DOC));
		json_decref(j);
		buf_release(&other);
	}
	assert_int_equal(sql_int("SELECT COUNT(*) FROM doc_exchange_status WHERE out_doc_id = ?", id), 0);
	/* a status "from" an agency of this system (the ward the letter went to) is not taken here */
	{
		struct buf ward_xml = BUF_INIT;
		long long n =
			sql_int("SELECT COUNT(*) FROM doc_exchange_status WHERE out_doc_id = ?", letter_id);
		status_of(&ward_xml, WARD, symbol_of(letter_id), EDXML_ST_DONE, at);
		assert_int_equal(bearer(district_token, "POST", STATUS_API, XML_TYPE, ward_xml.ptr,
					ward_xml.len, &j),
				 409);
		assert_non_null(strstr(error_of(j), "Trạng thái là của một cơ quan trong hệ thống"));
		json_decref(j);
		assert_int_equal(sql_int("SELECT COUNT(*) FROM doc_exchange_status WHERE out_doc_id = ?",
					 letter_id),
				 n);
		buf_release(&ward_xml);
	}

	/* the connector with the district clerk's token */
	assert_int_equal(bearer(district_token, "POST", STATUS_API, XML_TYPE, xml.ptr, xml.len, &j), 201);
	assert_int_equal(ts_jint(j, "outgoing_id"), id);
	assert_string_equal(ts_jstr(j, "status"), "03");
	assert_true(json_is_false(json_object_get(j, "duplicate")));
	json_decref(j);
	snprintf(path, sizeof(path), OUT_API "/%lld", (long long)id);
	j = call(&clerk, "GET", path, NULL, 200);
	list = json_object_get(json_object_get(j, "exchange"), "statuses");
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(ts_jstr(json_array_get(list, 0), "organ_id"), OUTSIDE);
	assert_string_equal(ts_jstr(json_array_get(list, 0), "status"), "03");
	assert_string_equal(ts_jstr(json_array_get(list, 0), "description"),
			    "Đã vào sổ văn bản đến, số đến 412");
	json_decref(j);
	snprintf(path, sizeof(path), "/van-ban/di/%lld", (long long)id);
	assert_int_equal(req(&clerk, "GET", path, NULL, &r), 200);
	expect_in(&r, "UBND phường Tân Thịnh");
	expect_in(&r, "Đã vào sổ văn bản đến, số đến 412");
	expect_in(&r, "Đinh Thị Lan");
	resp_free(&r);
	snprintf(object, sizeof(object), "doc_out:%lld", (long long)id);
	assert_int_equal(audits("document.exchange.status_in", object), 1);
	/* posted again (the connector lost the answer): taken once */
	assert_int_equal(bearer(district_token, "POST", STATUS_API, XML_TYPE, xml.ptr, xml.len, &j), 200);
	assert_true(json_is_true(json_object_get(j, "duplicate")));
	json_decref(j);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM doc_exchange_status WHERE out_doc_id = ?", id), 1);
	assert_int_equal(audits("document.exchange.status_in", object), 1);
	/* the next status, later */
	hub_status(&xml, symbol, EDXML_ST_ASSIGNED, at + 60);
	assert_int_equal(bearer(district_token, "POST", STATUS_API, XML_TYPE, xml.ptr, xml.len, &j), 201);
	json_decref(j);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM doc_exchange_status WHERE out_doc_id = ?", id), 2);
	buf_release(&pdf);
	buf_release(&xml);
}

/*
 * The ward's statuses for senders outside wait in its outbox: the connector, with the ward
 * clerk's token, lists them in id order page by page, takes each message and acknowledges it
 * once (a second acknowledgement answers the first time); the district's clerk sees none of them,
 * a leader who is no clerk gets 403, the ward's administrator sees them too.
 */
static void outbox_for_hub(void **state)
{
	struct ts_user ward_admin;
	struct http_resp r;
	struct arena a;
	struct edxml_status s;
	const char *why = NULL;
	char path[128], hdr[128], sent_at[64];
	json_t *j, *list, *e;
	int64_t first, second, after;
	long long total, n = 0;
	size_t i;
	(void)state;

	total = sql_int(
		"SELECT COUNT(*) FROM doc_exchange_outbox o JOIN doc_exchange_inbox i ON i.id = o.inbox_id "
		"WHERE i.agency_id = ? AND o.sent_at IS NULL",
		ward_id);
	assert_true(total >= 5); /* 01, 03, 04 of one message; 01, 02 of another; … */

	/* page by page, in id order */
	assert_int_equal(bearer(ward_token, "GET", OUTBOX_API "?limit=2", NULL, NULL, 0, &j), 200);
	list = json_object_get(j, "outbox");
	assert_int_equal(json_array_size(list), 2);
	first = ts_jint(json_array_get(list, 0), "id");
	second = ts_jint(json_array_get(list, 1), "id");
	assert_true(first < second);
	assert_int_equal(ts_jint(j, "next_after"), second);
	e = json_array_get(list, 0);
	assert_string_equal(ts_jstr(e, "to_organ"), OUTSIDE);
	assert_int_equal(ts_jint(e, "agency_id"), ward_id);
	snprintf(path, sizeof(path), OUTBOX_API "/%lld", (long long)first);
	assert_string_equal(ts_jstr(e, "url"), path);
	assert_true(json_is_null(json_object_get(e, "sent_at")));
	assert_int_equal(
		first,
		sql_int("SELECT MIN(o.id) FROM doc_exchange_outbox o JOIN doc_exchange_inbox i ON i.id = "
			"o.inbox_id WHERE i.agency_id = ? AND o.sent_at IS NULL",
			ward_id));
	json_decref(j);
	after = second;
	n = 2;
	for (;;) {
		snprintf(path, sizeof(path), OUTBOX_API "?limit=2&after=%lld", (long long)after);
		assert_int_equal(bearer(ward_token, "GET", path, NULL, NULL, 0, &j), 200);
		list = json_object_get(j, "outbox");
		json_array_foreach(list, i, e)
		{
			assert_true(ts_jint(e, "id") > after);
			after = ts_jint(e, "id");
			n++;
		}
		i = json_array_size(list);
		json_decref(j);
		if (!i)
			break;
	}
	assert_int_equal(n, total);

	/* the message, as the hub takes it */
	snprintf(path, sizeof(path), OUTBOX_API "/%lld", (long long)first);
	{
		char auth[128];
		const char *h[] = { auth, NULL };
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", ward_token);
		resp_init(&r);
		assert_int_equal(http_req(&srv, "GET", path, h, NULL, 0, &r), 0);
		assert_int_equal(r.status, 200);
		assert_non_null(strstr(resp_hdr(&r, "Content-Type", hdr, sizeof(hdr)), "application/xml"));
		arena_init(&a);
		if (edxml_status_parse(r.body.ptr, r.body.len, &a, &s, &why))
			fail_msg("the outbox message does not parse: %s", why);
		assert_string_equal(s.from.id, WARD);
		assert_string_equal(s.sender_id, OUTSIDE);
		assert_int_equal(s.status,
				 sql_int("SELECT status FROM doc_exchange_outbox WHERE id = ?", first));
		arena_release(&a);
		resp_free(&r);
	}

	/* others: the district's clerk sees none of the ward's, a leader is no clerk */
	j = call(&clerk, "GET", OUTBOX_API, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "outbox")), 0);
	json_decref(j);
	expect_error(&clerk, "GET", path, NULL, 404, MSG_NO_OUTBOX);
	snprintf(path, sizeof(path), OUTBOX_API "/%lld/sent", (long long)first);
	expect_error(&clerk, "POST", path, "{}", 404, MSG_NO_OUTBOX);
	assert_int_equal(bearer(district_token, "POST", path, NULL, NULL, 0, &j), 404);
	json_decref(j);
	expect_error(&ward_chair, "GET", OUTBOX_API, NULL, 403, MSG_NO_HUB);
	assert_int_equal(bearer(user_read_token, "GET", OUTBOX_API, NULL, NULL, 0, &j), 403);
	json_decref(j);
	expect_error(&ward_clerk, "GET", OUTBOX_API "?limit=0", NULL, 400, "limit");
	expect_error(&ward_clerk, "GET", OUTBOX_API "?after=abc", NULL, 400, "after");
	assert_true(sql_int("SELECT COUNT(*) FROM doc_exchange_outbox WHERE id = ? AND sent_at IS NULL",
			    first) == 1);
	/* the ward's administrator sees them too */
	assert_int_equal(ts_login(&srv, "quantri.nhanchinh", DEMO_PASSWORD, &ward_admin), 201);
	j = call(&ward_admin, "GET", OUTBOX_API "?limit=1", NULL, 200);
	assert_int_equal(ts_jint(json_array_get(json_object_get(j, "outbox"), 0), "id"), first);
	json_decref(j);

	/* acknowledged: once; the message is kept, the list goes on without it */
	assert_int_equal(bearer(ward_token, "POST", path, NULL, NULL, 0, &j), 200);
	assert_int_equal(ts_jint(j, "id"), first);
	snprintf(sent_at, sizeof(sent_at), "%s", ts_jstr(j, "sent_at"));
	json_decref(j);
	assert_int_equal(
		sql_int("SELECT COUNT(*) FROM doc_exchange_outbox WHERE id = ? AND sent_at IS NOT NULL",
			first),
		1);
	sleep(1);
	assert_int_equal(bearer(ward_token, "POST", path, NULL, NULL, 0, &j), 200);
	assert_string_equal(ts_jstr(j, "sent_at"), sent_at);
	json_decref(j);
	assert_int_equal(audits("document.exchange.outbox_sent",
				arena_printf(&scratch, "doc_outbox:%lld", (long long)first)),
			 1);
	assert_int_equal(bearer(ward_token, "GET", OUTBOX_API "?limit=1", NULL, NULL, 0, &j), 200);
	assert_int_equal(ts_jint(json_array_get(json_object_get(j, "outbox"), 0), "id"), second);
	json_decref(j);
	snprintf(path, sizeof(path), OUTBOX_API "/%lld", (long long)first);
	assert_int_equal(bearer(ward_token, "GET", path, NULL, NULL, 0, NULL), 200);
	/* in a browser, the acknowledgement needs the CSRF token */
	snprintf(path, sizeof(path), OUTBOX_API "/%lld/sent", (long long)second);
	{
		const char *h[] = { ward_clerk.cookie, NULL };
		resp_init(&r);
		assert_int_equal(http_req(&srv, "POST", path, h, NULL, 0, &r), 0);
		assert_int_equal(r.status, 403);
		resp_free(&r);
	}
	assert_int_equal(sql_int("SELECT COUNT(*) FROM doc_exchange_outbox WHERE id = ? AND sent_at IS NULL",
				 second),
			 1);
	j = call(&ward_clerk, "POST", path, "{}", 200);
	assert_non_null(json_string_value(json_object_get(j, "sent_at")));
	json_decref(j);
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
	/* the hub connector's API tokens: the district's and the ward's records clerks', and one that
	 * may only read users */
	if (db_begin(db) ||
	    grant_add(db, ward_clerk_account, "records_clerk", ward_id, 0, "cli", now, &gid) ||
	    token_create(db, ts_account_id(db, "vanthu"), "document.register", now, district_token, &gid) ||
	    token_create(db, ward_clerk_account, "document.register", now, ward_token, &gid) ||
	    token_create(db, ts_account_id(db, "vanthu"), "user.read", now, user_read_token, &gid) ||
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
		cmocka_unit_test(large_message),       cmocka_unit_test(delivery_retries),
		cmocka_unit_test(delivery_once),       cmocka_unit_test(status_from_hub),
		cmocka_unit_test(outbox_for_hub),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
