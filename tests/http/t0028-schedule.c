/*
 * t0028-schedule: the leaders' weekly work schedule (lịch công tác tuần). The district's records
 * clerk and a ward's chairman add, edit and cancel entries through the office's page; each change
 * is a row in the audit chain, a cancelled entry stays, marked, with its reason. Refused with
 * nothing written: a staff account without the right (a specialist holding a delegation, a
 * one-stop clerk), a citizen, nobody logged in, a form without its CSRF token, another agency's
 * schedule, a stale form, a change to a cancelled entry, and bad input, which comes back with
 * the Vietnamese message beside each field and what was typed. The public week shows the
 * entries day by day in time order and none of another week or unit; the API gives the same.
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
#include <time.h>
#include "core/timefmt.h"
#include "features/schedule.h"
#include "harness.h"
#include "store/db.h"

#define DEMO_PASSWORD "ThanhXuan-Demo-2026"
#define DISTRICT      "000.00.15.H26"
#define WARD	      "000.01.15.H26" /* Phường Nhân Chính */
#define ADMIN	      "/quan-tri/lich-cong-tac"
#define FORM_TYPE     "Content-Type: application/x-www-form-urlencoded"
#define CITIZEN_PW    "Hoa-Sen-Ho-Tay-2026"

/* What the office and the public read. */
#define MSG_FIX "Vui lòng sửa các mục được đánh dấu dưới đây."
#define MSG_NO_RIGHT \
	"Chỉ văn thư của văn phòng đơn vị và lãnh đạo đơn vị mới được lập lịch công tác của đơn vị."
#define MSG_DATE      "Vui lòng nhập ngày hợp lệ trong các năm 2000 đến 2099, ví dụ 30/11/2026."
#define MSG_START     "Vui lòng nhập giờ bắt đầu theo giờ và phút, ví dụ 08:00."
#define MSG_END	      "Giờ kết thúc phải sau giờ bắt đầu."
#define MSG_PLACE     "Vui lòng nhập địa điểm hoặc đường dẫn họp trực tuyến."
#define MSG_HTTPS     "Đường dẫn họp trực tuyến phải là địa chỉ trang web bắt đầu bằng https://."
#define MSG_CHAIR     "Vui lòng nhập người chủ trì: họ tên và chức vụ."
#define MSG_LONG      "Nội dung quá dài: tối đa 2000 ký tự."
#define MSG_REASON    "Vui lòng nhập lý do hủy lịch."
#define MSG_STALE     "Lịch này vừa được người khác sửa sau khi bạn mở."
#define MSG_CANCELLED "Lịch này đã bị hủy, không thể sửa được nữa."
#define MSG_CREATED   "Đã thêm vào lịch công tác."
#define MSG_BAD_WEEK  "Vui lòng chọn tuần hợp lệ"

static struct test_server srv;
static struct db *db; /* the test's own connection to the server's database */
static struct ts_user clerk, chairman, district_leader, specialist, onestop, citizen;
static int64_t district_id, ward_id, clerk_id, chairman_id;
static int64_t clerk_entry, ward_entry; /* made in the tests, used by later ones */

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

static long long sql_int(const char *sql, int64_t a)
{
	return ts_sql_int(&srv, sql, "i", a, 0);
}

static long long entries(void)
{
	return ts_sql_int(&srv, "SELECT COUNT(*) FROM schedule_entries", NULL, 0, 0);
}

static long long audits(const char *action, int64_t id)
{
	struct db_stmt *st;
	char object[40];
	long long n = -1;
	snprintf(object, sizeof(object), "schedule:%lld", (long long)id);
	if (db_query(db, &st, "SELECT COUNT(*) FROM audit_log WHERE action = ? AND object = ?", "ss", action,
		     object) == DB_ROW)
		n = db_col_int(st, 0);
	db_release_statements(db);
	return n;
}

/* The text of column `col` of entry `id` into out. */
static const char *entry_text(int64_t id, const char *col, char *out, size_t n)
{
	struct db_stmt *st;
	char sql[160];
	out[0] = '\0';
	snprintf(sql, sizeof(sql), "SELECT %s FROM schedule_entries WHERE id = ?", col);
	if (db_query(db, &st, sql, "i", id) == DB_ROW)
		snprintf(out, n, "%s", db_col_text(st, 0) ? db_col_text(st, 0) : "");
	db_release_statements(db);
	return out;
}

/* The audit detail of the last `action` on entry id. */
static const char *audit_detail(const char *action, int64_t id, char *out, size_t n)
{
	struct db_stmt *st;
	char object[40];
	out[0] = '\0';
	snprintf(object, sizeof(object), "schedule:%lld", (long long)id);
	if (db_query(db, &st,
		     "SELECT detail, actor FROM audit_log WHERE action = ? AND object = ? ORDER BY seq DESC",
		     "ss", action, object) == DB_ROW)
		snprintf(out, n, "%s|%s", db_col_text(st, 0), db_col_text(st, 1));
	db_release_statements(db);
	return out;
}

static int64_t at(int y, int mo, int d, int h, int mi)
{
	struct civil c = { .year = y, .month = mo, .day = d, .hour = h, .min = mi };
	return time_from_civil(&c, VN_UTC_OFFSET);
}

/* A new entry's form body (u's CSRF token; NULL values left out). */
static char *entry_form(const struct ts_user *u, int64_t unit, const char *date, const char *start,
			const char *end, const char *place, const char *url, const char *chair,
			const char *content)
{
	char unit_s[24];
	snprintf(unit_s, sizeof(unit_s), "%lld", (long long)unit);
	return ts_form(u, "unit", unit_s, "date", date, "start", start, "end", end ? end : "", "place",
		       place ? place : "", "meeting_url", url ? url : "", "chair", chair ? chair : "",
		       "participants", "Lãnh đạo các phòng, ban liên quan", "content", content ? content : "",
		       "prepared_by", "Văn phòng HĐND và UBND quận", NULL);
}

/* POST the form as u; the id of the entry made, from the redirect (#lich-ID); the test fails otherwise. */
static int64_t create(const struct ts_user *u, char *body)
{
	struct http_resp r;
	char loc[512];
	const char *hash;
	long status = req(u, "POST", ADMIN, body, &r);
	free(body);
	if (status != 303 || !resp_hdr(&r, "Location", loc, sizeof(loc)) || !(hash = strstr(loc, "#lich-")))
		fail_msg("create: status %ld: %.400s", status, r.body.ptr ? r.body.ptr : "");
	assert_non_null(strstr(loc, "msg=created"));
	resp_free(&r);
	return strtoll(hash + 6, NULL, 10);
}

static const char *entry_path(int64_t id, char *out, size_t n)
{
	snprintf(out, n, ADMIN "/%lld", (long long)id);
	return out;
}

static void register_citizen(void)
{
	struct http_resp r;
	const char *body = "{\"full_name\":\"Nguyễn Văn An\",\"citizen_id\":\"001099012345\",\"email\":"
			   "\"an.nguyen@example.com\",\"phone\":\"0912345678\",\"password\":\"" CITIZEN_PW
			   "\"}";
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", "/api/v1/citizens",
				  (const char *const[]){ "Content-Type: application/json", NULL }, body,
				  strlen(body), &r),
			 0);
	if (r.status != 201)
		fail_msg("register: %ld %s", r.status, r.body.ptr);
	resp_free(&r);
}

static int setup(void **state)
{
	char *err = NULL;
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ts_init(&srv) || ts_demo(&srv))
		return -1;
	db = db_open(srv.db, &err);
	if (!db) {
		fprintf(stderr, "# %s\n", err);
		free(err);
		return -1;
	}
	/* the demo's week of schedules (motcua demo makes it; once only) */
	if (db_begin(db) || schedule_demo(db, time(NULL)) || db_commit(db)) {
		fprintf(stderr, "# schedule_demo: %s\n", db_errmsg(db));
		return -1;
	}
	if (ts_launch(&srv, NULL, NULL))
		return -1;
	register_citizen();
	if (ts_login(&srv, "vanthu", DEMO_PASSWORD, &clerk) != 201 ||
	    ts_login(&srv, "chutich.nhanchinh", DEMO_PASSWORD, &chairman) != 201 ||
	    ts_login(&srv, "lanhdao", DEMO_PASSWORD, &district_leader) != 201 ||
	    ts_login(&srv, "tuphap.nhanchinh", DEMO_PASSWORD, &specialist) != 201 ||
	    ts_login(&srv, "motcua.nhanchinh", DEMO_PASSWORD, &onestop) != 201 ||
	    ts_login(&srv, "0912345678", CITIZEN_PW, &citizen) != 201)
		return -1;
	district_id = ts_unit_id(db, DISTRICT);
	ward_id = ts_unit_id(db, WARD);
	clerk_id = ts_account_id(db, "vanthu");
	chairman_id = ts_account_id(db, "chutich.nhanchinh");
	db_release_statements(db);
	return 0;
}

static int teardown(void **state)
{
	int rc;
	(void)state;
	db_close(db);
	rc = ts_stop(&srv);
	curl_global_cleanup();
	return rc;
}

/* ---- the demo's week ---- */

static void demo_week(void **state)
{
	struct schedule_week w;
	struct http_resp r;
	char monday[64];
	json_t *j;
	long long in_week;
	(void)state;

	schedule_week_at(time(NULL), &w);
	snprintf(monday, sizeof(monday), "Thứ Hai, %02d/%02d/%04d", w.monday % 100, w.monday / 100 % 100,
		 w.monday / 10000);
	assert_int_equal(req(NULL, "GET", "/lich-cong-tac", NULL, &r), 200);
	expect_in(&r, "<h1 id=\"sched-title\">Lịch công tác tuần</h1>");
	expect_in(&r, monday);
	expect_in(&r, "Chủ nhật, ");
	expect_in(&r, "Giao ban Thường trực UBND quận đầu tuần");
	expect_in(&r, "Chào cờ và giao ban đầu tuần");
	expect_in(&r, "Đ/c Đặng Văn Chính - Chủ tịch UBND phường");
	expect_in(&r, "href=\"https://meet.google.com/txq-cchc-tuan\"");
	/* the cancelled one, with its reason; the evening one under "Tối" */
	expect_in(&r,
		  "<strong>Đã hủy</strong>: Lùi sang tuần sau do Chủ tịch UBND quận dự họp tại Thành phố");
	expect_in(&r, ">Tối</h3>");
	/* all units: each entry says whose it is */
	expect_in(&r, "<dt>Đơn vị</dt><dd>Phường Nhân Chính</dd>");
	resp_free(&r);

	in_week = ts_sql_int(&srv,
			     "SELECT COUNT(*) FROM schedule_entries WHERE starts_at >= ? AND starts_at < ?",
			     "ii", schedule_instant(w.monday, 0),
			     schedule_instant(schedule_day_add(w.monday, 7), 0));
	assert_true(in_week >= 6);
	j = ts_json(&srv, NULL, "GET", "/api/v1/schedule", NULL, 200, NULL);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "entries")), in_week);
	assert_true(json_is_null(json_object_get(j, "unit")));
	json_decref(j);
}

/* ---- the records clerk: add, edit, cancel ---- */

static void clerk_adds_edits_cancels(void **state)
{
	struct http_resp r;
	char path[64], loc[512], text[4096], *body;
	long long before = entries();
	json_t *j, *e;
	(void)state;

	/* the page: his agency, the form with its token */
	assert_int_equal(req(&clerk, "GET", ADMIN, NULL, &r), 200);
	expect_in(&r, "Lịch công tác tuần: Quận Thanh Xuân");
	expect_in(&r, "Thêm lịch công tác");
	assert_non_null(resp_field(&r, "csrf", text, sizeof(text)));
	assert_string_equal(text, clerk.csrf);
	resp_free(&r);

	clerk_entry = create(&clerk, entry_form(&clerk, district_id, "05/03/2030", "14:00", "16:00",
						"Hội trường tầng 2, trụ sở UBND quận", NULL,
						"Đ/c Trần Văn Lãnh - Phó Chủ tịch UBND quận",
						"Hội nghị sơ kết cải cách hành chính quý I"));
	assert_int_equal(entries(), before + 1);
	assert_int_equal(sql_int("SELECT starts_at FROM schedule_entries WHERE id = ?", clerk_entry),
			 at(2030, 3, 5, 14, 0));
	assert_int_equal(sql_int("SELECT ends_at FROM schedule_entries WHERE id = ?", clerk_entry),
			 at(2030, 3, 5, 16, 0));
	assert_int_equal(sql_int("SELECT unit_id FROM schedule_entries WHERE id = ?", clerk_entry),
			 district_id);
	assert_int_equal(sql_int("SELECT version FROM schedule_entries WHERE id = ?", clerk_entry), 1);
	snprintf(loc, sizeof(loc), "account:%lld", (long long)clerk_id);
	assert_string_equal(entry_text(clerk_entry, "created_by", text, sizeof(text)), loc);
	assert_int_equal(audits("schedule.create", clerk_entry), 1);
	audit_detail("schedule.create", clerk_entry, text, sizeof(text));
	assert_non_null(strstr(text, "Hội nghị sơ kết cải cách hành chính quý I"));
	assert_non_null(strstr(text, loc));

	/* the week it lands in says so, with who entered it */
	assert_int_equal(req(&clerk, "GET", ADMIN "?unit=0&week=2030-W10", NULL, &r), 403);
	resp_free(&r);
	snprintf(path, sizeof(path), ADMIN "?unit=%lld&week=2030-W10&msg=created", (long long)district_id);
	assert_int_equal(req(&clerk, "GET", path, NULL, &r), 200);
	expect_in(&r, MSG_CREATED);
	expect_in(&r, "Hội nghị sơ kết cải cách hành chính quý I");
	expect_in(&r, "Nhập bởi Lê Thị Văn lúc ");
	resp_free(&r);

	/* the edit form, filled in */
	snprintf(path, sizeof(path), ADMIN "?edit=%lld", (long long)clerk_entry);
	assert_int_equal(req(&clerk, "GET", path, NULL, &r), 200);
	expect_in(&r, "Sửa lịch công tác");
	assert_string_equal(resp_field(&r, "start", text, sizeof(text)), "14:00");
	expect_in(&r, "id=\"date\" name=\"date\" value=\"2030-03-05\"");
	assert_string_equal(resp_field(&r, "version", text, sizeof(text)), "1");
	resp_free(&r);

	/* saved: a later start, new content; version 2, who and the changes in the audit chain */
	body = ts_form(&clerk, "action", "save", "version", "1", "date", "2030-03-05", "start", "15:00",
		       "end", "16:30", "place", "Hội trường tầng 2, trụ sở UBND quận", "chair",
		       "Đ/c Trần Văn Lãnh - Phó Chủ tịch UBND quận", "content",
		       "Hội nghị sơ kết cải cách hành chính quý I năm 2030", NULL);
	assert_int_equal(req(&clerk, "POST", entry_path(clerk_entry, path, sizeof(path)), body, &r), 303);
	assert_non_null(resp_hdr(&r, "Location", loc, sizeof(loc)));
	assert_non_null(strstr(loc, "msg=updated"));
	assert_non_null(strstr(loc, "week=2030-W10"));
	resp_free(&r);
	free(body);
	assert_int_equal(sql_int("SELECT starts_at FROM schedule_entries WHERE id = ?", clerk_entry),
			 at(2030, 3, 5, 15, 0));
	assert_int_equal(sql_int("SELECT ends_at FROM schedule_entries WHERE id = ?", clerk_entry),
			 at(2030, 3, 5, 16, 30));
	assert_int_equal(sql_int("SELECT version FROM schedule_entries WHERE id = ?", clerk_entry), 2);
	assert_string_equal(entry_text(clerk_entry, "content", text, sizeof(text)),
			    "Hội nghị sơ kết cải cách hành chính quý I năm 2030");
	/* participants and the preparing unit were left out of this form: emptied, as sent */
	assert_string_equal(entry_text(clerk_entry, "participants", text, sizeof(text)), "");
	assert_int_equal(audits("schedule.update", clerk_entry), 1);
	audit_detail("schedule.update", clerk_entry, text, sizeof(text));
	assert_non_null(strstr(text, "\"changes\""));
	assert_non_null(strstr(text, "\"from\":\"Hội nghị sơ kết cải cách hành chính quý I\""));
	assert_non_null(strstr(text, "\"starts_at\":{\"from\":\"2030-03-05T14:00:00+07:00\","
				     "\"to\":\"2030-03-05T15:00:00+07:00\"}"));

	/* a stale form (version 1): refused, the entry as it was */
	body = ts_form(&clerk, "action", "save", "version", "1", "date", "2030-03-05", "start", "09:00",
		       "place", "Phòng khác", "chair", "Ai đó", "content", "Nội dung cũ", NULL);
	assert_int_equal(req(&clerk, "POST", path, body, &r), 409);
	expect_in(&r, MSG_STALE);
	assert_string_equal(resp_field(&r, "version", text, sizeof(text)), "2");
	resp_free(&r);
	free(body);
	assert_int_equal(sql_int("SELECT starts_at FROM schedule_entries WHERE id = ?", clerk_entry),
			 at(2030, 3, 5, 15, 0));
	assert_int_equal(audits("schedule.update", clerk_entry), 1);

	/* cancelled without a reason: refused beside the reason */
	body = ts_form(&clerk, "action", "cancel", "version", "2", "reason", "  ", NULL);
	assert_int_equal(req(&clerk, "POST", path, body, &r), 422);
	expect_in(&r, MSG_REASON);
	expect_in(&r, "<details class=\"sched-cancel\" open>");
	resp_free(&r);
	free(body);
	assert_int_equal(sql_int("SELECT status FROM schedule_entries WHERE id = ?", clerk_entry),
			 SCHEDULE_SCHEDULED);

	/* cancelled with one: the row stays, marked, with the reason */
	body = ts_form(&clerk, "action", "cancel", "version", "2", "reason",
		       "Lùi sang tuần sau theo chỉ đạo của Chủ tịch UBND quận", NULL);
	assert_int_equal(req(&clerk, "POST", path, body, &r), 303);
	assert_non_null(resp_hdr(&r, "Location", loc, sizeof(loc)));
	assert_non_null(strstr(loc, "msg=cancelled"));
	resp_free(&r);
	free(body);
	assert_int_equal(entries(), before + 1);
	assert_int_equal(sql_int("SELECT status FROM schedule_entries WHERE id = ?", clerk_entry),
			 SCHEDULE_CANCELLED);
	assert_string_equal(entry_text(clerk_entry, "cancel_reason", text, sizeof(text)),
			    "Lùi sang tuần sau theo chỉ đạo của Chủ tịch UBND quận");
	assert_int_equal(audits("schedule.cancel", clerk_entry), 1);

	/* no change to a cancelled entry, nor a second cancellation */
	body = ts_form(&clerk, "action", "save", "version", "3", "date", "2030-03-05", "start", "15:00",
		       "place", "P", "chair", "C", "content", "Nội dung mới", NULL);
	assert_int_equal(req(&clerk, "POST", path, body, &r), 409);
	expect_in(&r, MSG_CANCELLED);
	resp_free(&r);
	free(body);
	body = ts_form(&clerk, "action", "cancel", "version", "3", "reason", "Lần nữa", NULL);
	assert_int_equal(req(&clerk, "POST", path, body, &r), 409);
	expect_in(&r, MSG_CANCELLED);
	resp_free(&r);
	free(body);
	snprintf(path, sizeof(path), ADMIN "?edit=%lld", (long long)clerk_entry);
	assert_int_equal(req(&clerk, "GET", path, NULL, &r), 409);
	expect_in(&r, MSG_CANCELLED);
	resp_free(&r);
	assert_string_equal(entry_text(clerk_entry, "content", text, sizeof(text)),
			    "Hội nghị sơ kết cải cách hành chính quý I năm 2030");
	assert_int_equal(audits("schedule.update", clerk_entry), 1);
	assert_int_equal(audits("schedule.cancel", clerk_entry), 1);

	/* the public sees it cancelled, and so does the API */
	assert_int_equal(req(NULL, "GET", "/lich-cong-tac?week=2030-W10&unit=" DISTRICT, NULL, &r), 200);
	expect_in(&r, "Lịch công tác tuần: Quận Thanh Xuân");
	expect_in(&r, "Tuần 10 năm 2030, từ ngày 04/03/2030 đến ngày 10/03/2030");
	expect_in(&r, "<strong>Đã hủy</strong>: Lùi sang tuần sau theo chỉ đạo của Chủ tịch UBND quận");
	expect_in(&r, "Hội nghị sơ kết cải cách hành chính quý I năm 2030");
	resp_free(&r);
	j = ts_json(&srv, NULL, "GET", "/api/v1/schedule?week=2030-W10&unit=" DISTRICT, NULL, 200, NULL);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "entries")), 1);
	e = json_array_get(json_object_get(j, "entries"), 0);
	assert_int_equal(json_integer_value(json_object_get(e, "id")), clerk_entry);
	assert_string_equal(json_string_value(json_object_get(e, "status")), "cancelled");
	assert_string_equal(json_string_value(json_object_get(e, "cancel_reason")),
			    "Lùi sang tuần sau theo chỉ đạo của Chủ tịch UBND quận");
	assert_string_equal(json_string_value(json_object_get(e, "starts_at")), "2030-03-05T15:00:00+07:00");
	assert_string_equal(json_string_value(json_object_get(e, "end")), "16:30");
	json_decref(j);
}

/* ---- a ward's chairman: his ward only ---- */

static void ward_chairman(void **state)
{
	struct http_resp r;
	char path[64], text[512], *body;
	long long before;
	(void)state;

	assert_int_equal(req(&chairman, "GET", ADMIN, NULL, &r), 200);
	expect_in(&r, "Lịch công tác tuần: Phường Nhân Chính");
	expect_not_in(&r, "Quận Thanh Xuân</option>");
	resp_free(&r);
	ward_entry = create(&chairman, entry_form(&chairman, ward_id, "2030-03-06", "8h30", "", "",
						  "https://meet.example.vn/nhan-chinh",
						  "Đ/c Đặng Văn Chính - Chủ tịch UBND phường",
						  "Giao ban trực tuyến với các tổ dân phố"));
	snprintf(text, sizeof(text), "account:%lld", (long long)chairman_id);
	entry_text(ward_entry, "created_by", path, sizeof(path));
	assert_string_equal(path, text);
	assert_int_equal(sql_int("SELECT starts_at FROM schedule_entries WHERE id = ?", ward_entry),
			 at(2030, 3, 6, 8, 30));
	assert_int_equal(sql_int("SELECT ends_at FROM schedule_entries WHERE id = ?", ward_entry), 0);

	/* not the district's schedule, and the district's leader not the ward's */
	before = entries();
	assert_int_equal(req(&chairman, "POST", ADMIN,
			     body = entry_form(&chairman, district_id, "2030-03-06", "09:00", NULL,
					       "Hội trường", NULL, "Đ/c Đặng Văn Chính", "Không được"),
			     &r),
			 403);
	expect_in(&r, MSG_NO_RIGHT);
	resp_free(&r);
	free(body);
	body = ts_form(&district_leader, "action", "save", "version", "1", "date", "2030-03-06", "start",
		       "09:00", "place", "Quận", "chair", "Đ/c Trần Văn Lãnh", "content",
		       "Sửa lịch của phường", NULL);
	assert_int_equal(req(&district_leader, "POST", entry_path(ward_entry, path, sizeof(path)), body, &r),
			 403);
	resp_free(&r);
	free(body);
	body = ts_form(&district_leader, "action", "cancel", "reason", "Không", NULL);
	assert_int_equal(req(&district_leader, "POST", path, body, &r), 403);
	resp_free(&r);
	free(body);
	snprintf(path, sizeof(path), ADMIN "?edit=%lld", (long long)ward_entry);
	assert_int_equal(req(&district_leader, "GET", path, NULL, &r), 403);
	resp_free(&r);
	assert_int_equal(entries(), before);
	assert_int_equal(sql_int("SELECT version FROM schedule_entries WHERE id = ?", ward_entry), 1);
	assert_int_equal(sql_int("SELECT status FROM schedule_entries WHERE id = ?", ward_entry),
			 SCHEDULE_SCHEDULED);
	/* the district's leader writes the district's */
	create(&district_leader,
	       entry_form(&district_leader, district_id, "2030-03-07", "07:30", "08:00", "Phòng họp số 1",
			  NULL, "Đ/c Trần Văn Lãnh - Phó Chủ tịch UBND quận", "Làm việc với Phòng Nội vụ"));
}

/* ---- refused ---- */

static void refused(void **state)
{
	const struct ts_user *nobody_right[] = { &specialist, &onestop, &citizen };
	struct http_resp r;
	char path[64], text[128], *body;
	long long before = entries(), audit_before;
	(void)state;

	audit_before =
		ts_sql_int(&srv, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'schedule.%'", NULL, 0, 0);
	entry_path(ward_entry, path, sizeof(path));
	for (size_t i = 0; i < sizeof(nobody_right) / sizeof(nobody_right[0]); i++) {
		const struct ts_user *u = nobody_right[i];
		assert_int_equal(req(u, "GET", ADMIN, NULL, &r), 403);
		if (u != &citizen)
			expect_in(&r, MSG_NO_RIGHT);
		resp_free(&r);
		body = entry_form(u, ward_id, "2030-03-06", "10:00", NULL, "Hội trường", NULL,
				  "Đ/c Lý Thị Pháp", "Không có quyền");
		assert_int_equal(req(u, "POST", ADMIN, body, &r), 403);
		resp_free(&r);
		free(body);
		body = ts_form(u, "action", "save", "version", "1", "date", "2030-03-06", "start", "10:00",
			       "place", "P", "chair", "C", "content", "Không có quyền", NULL);
		assert_int_equal(req(u, "POST", path, body, &r), 403);
		resp_free(&r);
		free(body);
		body = ts_form(u, "action", "cancel", "version", "1", "reason", "Không có quyền", NULL);
		assert_int_equal(req(u, "POST", path, body, &r), 403);
		resp_free(&r);
		free(body);
	}

	/* nobody logged in: to the login page, nothing written */
	assert_int_equal(req(NULL, "GET", ADMIN, NULL, &r), 303);
	assert_non_null(resp_hdr(&r, "Location", text, sizeof(text)));
	assert_non_null(strstr(text, "/dang-nhap"));
	resp_free(&r);
	body = entry_form(NULL, ward_id, "2030-03-06", "10:00", NULL, "Hội trường", NULL, "X", "Ẩn danh");
	assert_int_equal(req(NULL, "POST", ADMIN, body, &r), 303);
	resp_free(&r);
	free(body);

	/* the clerk's cookie without the form's token, or with another one */
	body = entry_form(NULL, district_id, "2030-03-06", "10:00", NULL, "Hội trường", NULL, "X",
			  "Không có mã");
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", ADMIN, (const char *const[]){ clerk.cookie, FORM_TYPE, NULL },
				  body, strlen(body), &r),
			 0);
	assert_int_equal(r.status, 403);
	resp_free(&r);
	free(body);
	body = entry_form(&chairman, district_id, "2030-03-06", "10:00", NULL, "Hội trường", NULL, "X",
			  "Mã của người khác");
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", ADMIN, (const char *const[]){ clerk.cookie, FORM_TYPE, NULL },
				  body, strlen(body), &r),
			 0);
	assert_int_equal(r.status, 403);
	resp_free(&r);
	free(body);
	body = ts_form(NULL, "action", "cancel", "reason", "Không có mã", NULL);
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", path,
				  (const char *const[]){ chairman.cookie, FORM_TYPE, NULL }, body,
				  strlen(body), &r),
			 0);
	assert_int_equal(r.status, 403);
	resp_free(&r);
	free(body);

	/* the clerk and the ward's schedule; an entry that is not there */
	body = entry_form(&clerk, ward_id, "2030-03-06", "10:00", NULL, "Hội trường", NULL, "X",
			  "Lịch của phường");
	assert_int_equal(req(&clerk, "POST", ADMIN, body, &r), 403);
	resp_free(&r);
	free(body);
	body = ts_form(&clerk, "action", "cancel", "reason", "Không", NULL);
	assert_int_equal(req(&clerk, "POST", path, body, &r), 403);
	resp_free(&r);
	assert_int_equal(req(&clerk, "POST", ADMIN "/999999", body, &r), 404);
	resp_free(&r);
	free(body);

	assert_int_equal(entries(), before);
	assert_int_equal(sql_int("SELECT version FROM schedule_entries WHERE id = ?", ward_entry), 1);
	assert_int_equal(sql_int("SELECT status FROM schedule_entries WHERE id = ?", ward_entry),
			 SCHEDULE_SCHEDULED);
	assert_int_equal(ts_sql_int(&srv, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'schedule.%'",
				    NULL, 0, 0),
			 audit_before);
}

/* ---- bad input: the messages beside the fields, what was typed, nothing written ---- */

static void expect_refused(const char *path, char *body, long status, const char *const *messages)
{
	struct http_resp r;
	long long before = entries();
	assert_int_equal(req(&clerk, "POST", path, body, &r), status);
	expect_in(&r, MSG_FIX);
	for (size_t i = 0; messages[i]; i++)
		expect_in(&r, messages[i]);
	resp_free(&r);
	free(body);
	assert_int_equal(entries(), before);
}

static void bad_input(void **state)
{
	struct http_resp r;
	char text[4200], path[64], *body, *long_text;
	long long audit_before;
	(void)state;

	audit_before =
		ts_sql_int(&srv, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'schedule.%'", NULL, 0, 0);
	/* a date that is not one, a time past 23:59: both messages, the other fields kept */
	body = entry_form(&clerk, district_id, "30/02/2030", "25:00", NULL, "Phòng họp số 2", NULL,
			  "Đ/c Nguyễn Văn Hùng - Chủ tịch UBND quận", "Họp về ngân sách");
	assert_int_equal(req(&clerk, "POST", ADMIN, body, &r), 422);
	free(body);
	expect_in(&r, MSG_FIX);
	expect_in(&r, "<p class=\"field-error\" id=\"date-error\">" MSG_DATE "</p>");
	expect_in(&r, "<p class=\"field-error\" id=\"start-error\">" MSG_START "</p>");
	expect_in(&r, "id=\"date\" name=\"date\" value=\"30/02/2030\"");
	assert_string_equal(resp_field(&r, "chair", text, sizeof(text)),
			    "Đ/c Nguyễn Văn Hùng - Chủ tịch UBND quận");
	assert_string_equal(resp_field(&r, "place", text, sizeof(text)), "Phòng họp số 2");
	expect_in(&r, ">Họp về ngân sách</textarea>");
	resp_free(&r);

	expect_refused(ADMIN,
		       entry_form(&clerk, district_id, "2030-03-05", "10:00", "09:30", "Phòng họp", NULL,
				  "Đ/c A", "Kết thúc trước khi bắt đầu"),
		       422, (const char *const[]){ MSG_END, NULL });
	expect_refused(ADMIN,
		       entry_form(&clerk, district_id, "2030-03-05", "10:00", NULL, "", NULL, "Đ/c A",
				  "Không nơi họp"),
		       422, (const char *const[]){ MSG_PLACE, NULL });
	expect_refused(ADMIN,
		       entry_form(&clerk, district_id, "2030-03-05", "10:00", NULL, "",
				  "http://meet.example.vn/x", "Đ/c A", "Đường dẫn http"),
		       422, (const char *const[]){ MSG_HTTPS, NULL });
	expect_refused(ADMIN,
		       entry_form(&clerk, district_id, "2030-03-05", "10:00", NULL, "Phòng họp",
				  "javascript:alert(document.cookie)", "Đ/c A", "Đường dẫn javascript"),
		       422, (const char *const[]){ MSG_HTTPS, NULL });
	expect_refused(ADMIN,
		       entry_form(&clerk, district_id, "2030-03-05", "10:00", NULL, "Phòng họp", NULL, " ",
				  "Không chủ trì"),
		       422, (const char *const[]){ MSG_CHAIR, NULL });
	long_text = calloc(1, 2002);
	memset(long_text, 'a', 2001);
	expect_refused(ADMIN,
		       entry_form(&clerk, district_id, "2030-03-05", "10:00", NULL, "Phòng họp", NULL,
				  "Đ/c A", long_text),
		       422, (const char *const[]){ MSG_LONG, NULL });
	/* no unit chosen */
	body = ts_form(&clerk, "date", "2030-03-05", "start", "10:00", "place", "P", "chair", "C", "content",
		       "X", NULL);
	expect_refused(ADMIN, body, 422,
		       (const char *const[]){ "Vui lòng chọn đơn vị của lịch công tác.", NULL });

	/* the same checks on an edit, which changes nothing */
	entry_path(ward_entry, path, sizeof(path));
	body = ts_form(&chairman, "action", "save", "version", "1", "date", "2030-03-06", "start", "08:30",
		       "end", "08:00", "place", "", "meeting_url", "https://meet.example.vn/nhan-chinh",
		       "chair", "", "content", long_text, NULL);
	assert_int_equal(req(&chairman, "POST", path, body, &r), 422);
	expect_in(&r, MSG_END);
	expect_in(&r, MSG_CHAIR);
	expect_in(&r, MSG_LONG);
	expect_in(&r, "Sửa lịch công tác");
	resp_free(&r);
	free(body);
	free(long_text);
	assert_int_equal(sql_int("SELECT version FROM schedule_entries WHERE id = ?", ward_entry), 1);
	assert_string_equal(entry_text(ward_entry, "content", text, sizeof(text)),
			    "Giao ban trực tuyến với các tổ dân phố");
	assert_int_equal(ts_sql_int(&srv, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'schedule.%'",
				    NULL, 0, 0),
			 audit_before);
}

/* ---- the public week: in order, only that week, only that unit ---- */

/* Each string is in the body, each after the one before. */
static void expect_order(const struct http_resp *r, const char *const *texts)
{
	const char *prev = NULL;
	for (size_t i = 0; texts[i]; i++) {
		const char *p = strstr(r->body.ptr, texts[i]);
		if (!p)
			fail_msg("\"%s\" is not in the page", texts[i]);
		if (prev && p < prev)
			fail_msg("\"%s\" comes before \"%s\"", texts[i], texts[i - 1]);
		prev = p;
	}
}

static void public_week(void **state)
{
	static const char *const order[] = {
		"Thứ Hai, 18/03/2030",	"W12 thứ Hai 08:00",  "W12 thứ Hai 14:00",
		"Thứ Ba, 19/03/2030",	"Thứ Tư, 20/03/2030", "W12 thứ Tư 08:00",
		"Chủ nhật, 24/03/2030", "W12 chủ nhật 19:30", NULL
	};
	int64_t ids[4];
	struct http_resp r;
	json_t *j, *list;
	char path[128];
	(void)state;

	/* made out of order, with one the week after and one of the ward */
	ids[2] = create(&clerk, entry_form(&clerk, district_id, "20/03/2030", "08:00", NULL, "Phòng họp",
					   NULL, "Đ/c A", "W12 thứ Tư 08:00"));
	ids[3] = create(&clerk, entry_form(&clerk, district_id, "24/03/2030", "19:30", NULL, "Nhà văn hóa",
					   NULL, "Đ/c A", "W12 chủ nhật 19:30"));
	ids[1] = create(&clerk, entry_form(&clerk, district_id, "18/03/2030", "14:00", "15:00", "Phòng họp",
					   NULL, "Đ/c A", "W12 thứ Hai 14:00"));
	ids[0] = create(&clerk, entry_form(&clerk, district_id, "18/03/2030", "08:00", NULL, "Phòng họp",
					   NULL, "Đ/c A", "W12 thứ Hai 08:00"));
	create(&clerk, entry_form(&clerk, district_id, "25/03/2030", "00:00", NULL, "Phòng họp", NULL,
				  "Đ/c A", "W13 thứ Hai 00:00"));
	create(&chairman, entry_form(&chairman, ward_id, "18/03/2030", "09:00", NULL,
				     "Hội trường UBND phường", NULL, "Đ/c Đặng Văn Chính", "W12 của phường"));

	const char *const pages[] = { "/lich-cong-tac?week=2030-W12&unit=" DISTRICT,
				      "/lich-cong-tac?date=2030-03-20&unit=" DISTRICT,
				      "/lich-cong-tac?week=2030-w12&unit=000.00.15.h26" };
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		assert_int_equal(req(NULL, "GET", pages[i], NULL, &r), 200);
		expect_in(&r, "Tuần 12 năm 2030, từ ngày 18/03/2030 đến ngày 24/03/2030");
		expect_order(&r, order);
		/* morning before afternoon on Monday, the evening heading on Sunday */
		expect_order(&r,
			     (const char *const[]){ "Thứ Hai, 18/03/2030", ">Sáng</h3>", "W12 thứ Hai 08:00",
						    ">Chiều</h3>", "W12 thứ Hai 14:00", "Thứ Ba, 19/03/2030",
						    "Không có lịch.", NULL });
		expect_order(&r, (const char *const[]){ "Chủ nhật, 24/03/2030", ">Tối</h3>",
							"W12 chủ nhật 19:30", NULL });
		expect_not_in(&r, "W13 thứ Hai 00:00");
		expect_not_in(&r, "W12 của phường");
		expect_not_in(&r, "<dt>Đơn vị</dt>");
		expect_in(&r, "href=\"/lich-cong-tac?week=2030-W11&amp;unit=000.00.15.H26\"");
		expect_in(&r, "href=\"/lich-cong-tac?week=2030-W13&amp;unit=000.00.15.H26\"");
		expect_in(&r, "<option value=\"000.00.15.H26\" selected>");
		resp_free(&r);
	}
	/* every unit: the ward's too, saying whose */
	assert_int_equal(req(NULL, "GET", "/lich-cong-tac?week=2030-W12", NULL, &r), 200);
	expect_order(&r, (const char *const[]){ "W12 thứ Hai 08:00", "W12 của phường", "W12 thứ Hai 14:00",
						NULL });
	expect_in(&r, "<dt>Đơn vị</dt><dd>Phường Nhân Chính</dd>");
	expect_not_in(&r, "W13 thứ Hai 00:00");
	resp_free(&r);
	/* the week after has its own */
	assert_int_equal(req(NULL, "GET", "/lich-cong-tac?week=2030-W13", NULL, &r), 200);
	expect_in(&r, "W13 thứ Hai 00:00");
	expect_not_in(&r, "W12 thứ Hai 08:00");
	resp_free(&r);
	/* a week that is not one */
	assert_int_equal(req(NULL, "GET", "/lich-cong-tac?week=2030-W53", NULL, &r), 400);
	expect_in(&r, MSG_BAD_WEEK);
	resp_free(&r);
	assert_int_equal(req(NULL, "GET", "/lich-cong-tac?date=31/02/2030", NULL, &r), 400);
	expect_in(&r, MSG_BAD_WEEK);
	resp_free(&r);

	/* the API agrees: the same entries in the same order */
	j = ts_json(&srv, NULL, "GET", "/api/v1/schedule?week=2030-W12&unit=" DISTRICT, NULL, 200, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "week")), "2030-W12");
	assert_string_equal(json_string_value(json_object_get(j, "from")), "2030-03-18");
	assert_string_equal(json_string_value(json_object_get(j, "to")), "2030-03-24");
	assert_string_equal(json_string_value(json_object_get(j, "previous")), "2030-W11");
	assert_string_equal(json_string_value(json_object_get(j, "next")), "2030-W13");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "unit"), "agency_code")),
			    DISTRICT);
	list = json_object_get(j, "entries");
	assert_int_equal(json_array_size(list), 4);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(json_integer_value(json_object_get(json_array_get(list, i), "id")), ids[i]);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "part")), "morning");
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "part")), "afternoon");
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 3), "part")), "evening");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 3), "weekday")), 7);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 3), "date")),
			    "2030-03-24");
	assert_true(json_is_null(json_object_get(json_array_get(list, 0), "end")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "end")), "15:00");
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "prepared_by")),
			    "Văn phòng HĐND và UBND quận");
	assert_null(json_object_get(json_array_get(list, 0), "created_by"));
	json_decref(j);
	/* by id, by a day of the week; every unit */
	snprintf(path, sizeof(path), "/api/v1/schedule?date=2030-03-24&unit=%lld", (long long)ward_id);
	j = ts_json(&srv, NULL, "GET", path, NULL, 200, NULL);
	assert_non_null(j);
	list = json_object_get(j, "entries");
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "content")),
			    "W12 của phường");
	json_decref(j);
	j = ts_json(&srv, NULL, "GET", "/api/v1/schedule?week=2030-W12", NULL, 200, NULL);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "entries")), 5);
	json_decref(j);
	/* refused with a JSON error */
	j = ts_json(&srv, NULL, "GET", "/api/v1/schedule?week=2030-W99", NULL, 400, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "code")),
			    "bad_request");
	json_decref(j);
	j = ts_json(&srv, NULL, "GET", "/api/v1/schedule?week=2030-W12&unit=999999", NULL, 400, NULL);
	assert_non_null(j);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(demo_week),	 cmocka_unit_test(clerk_adds_edits_cancels),
		cmocka_unit_test(ward_chairman), cmocka_unit_test(refused),
		cmocka_unit_test(bad_input),	 cmocka_unit_test(public_week),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("t0028-schedule", tests, setup, teardown);
}
