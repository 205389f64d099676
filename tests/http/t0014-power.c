/*
 * t0014-power: the ways an administrator could reach beyond what he was given,
 * and powers that must end: no grant to oneself, no grant reaching units the
 * granter does not hold, no takeover of an account that holds roles
 * elsewhere, a unit changed from above, an inactive unit's powers, a moved
 * official's old powers, a delegation ending with its delegator's power,
 * concurrent grants, backdated delegations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "harness.h"
#include "store/db.h"

#define DEMO_PASSWORD "ThanhXuan-Demo-2026"
#define NEW_PASSWORD  "Cau-Giay-Lang-Ha-2026"

static struct test_server srv;
static struct db *db;
static struct ts_user district, ward;
static int64_t nc, nc_onestop, td, dept_tp, city;

static int64_t db_int(const char *sql, const char *arg)
{
	struct db_stmt *st;
	int64_t v;
	int rc = db_query(db, &st, sql, arg ? "s" : "", arg);
	if (rc != DB_ROW)
		fail_msg("no row for %s (%s)", sql, arg ? arg : "");
	v = db_col_int(st, 0);
	db_release_statements(db);
	return v;
}

static long as(const struct ts_user *u, const char *method, const char *path, const char *body,
	       struct http_resp *r)
{
	resp_init(r);
	assert_int_equal(ts_as(&srv, u, method, path, body, r), 0);
	return r->status;
}

static long status(const struct ts_user *u, const char *method, const char *path, const char *body)
{
	struct http_resp r;
	long s = as(u, method, path, body, &r);
	resp_free(&r);
	return s;
}

/* What /api/v1/permissions answers for u: 1 allowed, 0 not. */
static int allowed(const struct ts_user *u, const char *action, int64_t unit)
{
	struct http_resp r;
	char path[160];
	int yes;
	snprintf(path, sizeof(path), "/api/v1/permissions?action=%s&unit=%lld", action, (long long)unit);
	assert_int_equal(as(u, "GET", path, NULL, &r), 200);
	yes = strstr(r.body.ptr, "\"allowed\":true") != NULL;
	resp_free(&r);
	return yes;
}

static void login(const char *user, const char *password, struct ts_user *u)
{
	long s = ts_login(&srv, user, password, u);
	if (s != 201)
		fail_msg("login as %s: %ld", user, s);
}

/* POST /api/v1/users as the district admin; the new account's id. */
static int64_t make_user(const char *username, int64_t unit, const char *role)
{
	char body[512];
	snprintf(body, sizeof(body),
		 "{\"username\":\"%s\",\"full_name\":\"Nguyễn Văn Thử\",\"position\":\"Chuyên viên\","
		 "\"unit_id\":%lld,\"password\":\"" NEW_PASSWORD "\"%s%s%s}",
		 username, (long long)unit, role ? ",\"role\":\"" : "", role ? role : "", role ? "\"" : "");
	assert_int_equal(status(&district, "POST", "/api/v1/users", body), 201);
	return ts_account_id(db, username);
}

static long grant(const struct ts_user *by, int64_t account, const char *role, int64_t unit, int reaches)
{
	char body[256];
	snprintf(body, sizeof(body),
		 "{\"account_id\":%lld,\"role\":\"%s\",\"unit_id\":%lld,\"reaches_descendants\":%s}",
		 (long long)account, role, (long long)unit, reaches ? "true" : "false");
	return status(by, "POST", "/api/v1/roles", body);
}

static int64_t grants_in_force(int64_t account, const char *role)
{
	char sql[200];
	snprintf(
		sql, sizeof(sql),
		"SELECT COUNT(*) FROM role_grants WHERE account_id = %lld AND role = ? AND revoked_at IS NULL",
		(long long)account);
	return db_int(sql, role);
}

/* An ISO 8601 time in Vietnam time, `offset` seconds from now, to the second. */
static const char *iso_in(char *out, size_t n, long offset)
{
	time_t t = time(NULL) + offset + 7 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%S+07:00", &tm);
	return out;
}

static const char *today(char *out, size_t n, long offset_days)
{
	time_t t = time(NULL) + 7 * 3600 + offset_days * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%d", &tm);
	return out;
}

/* The chairman delegates certification.sign at his ward to `to`; the status. */
static long delegate(const struct ts_user *chair, int64_t to, long from_offset, const char *decision_date)
{
	char body[600], from[40], until[40];
	snprintf(
		body, sizeof(body),
		"{\"to_account\":%lld,\"power\":\"certification.sign\",\"unit_id\":%lld,\"valid_from\":\"%s\","
		"\"valid_to\":\"%s\",\"decision_no\":\"27/QĐ-UBND\",\"decision_date\":\"%s\"}",
		(long long)to, (long long)nc, iso_in(from, sizeof(from), from_offset),
		iso_in(until, sizeof(until), 30L * 86400), decision_date);
	return status(chair, "POST", "/api/v1/delegations", body);
}

static int setup(void **state)
{
	char *err = NULL;
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ts_init(&srv) || ts_demo(&srv) || ts_launch(&srv, NULL, NULL))
		return -1;
	db = db_open(srv.db, &err);
	if (!db) {
		free(err);
		return -1;
	}
	city = ts_unit_id(db, "000.00.00.H26");
	nc = ts_unit_id(db, "000.01.15.H26");
	nc_onestop = ts_unit_id(db, "100.01.15.H26");
	td = ts_unit_id(db, "000.02.15.H26");
	dept_tp = ts_unit_id(db, "002.15.00.H26");
	login("quantri", DEMO_PASSWORD, &district);
	login("quantri.nhanchinh", DEMO_PASSWORD, &ward);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	db_close(db);
	curl_global_cleanup();
	return ts_stop(&srv);
}

/* An administrator grants nothing to himself: another administrator does. */
static void test_no_grant_to_oneself(void **state)
{
	int64_t me = ts_account_id(db, "quantri.nhanchinh");
	(void)state;
	assert_int_equal(grant(&ward, me, "leader", nc, 0), 403);
	assert_int_equal(grants_in_force(me, "leader"), 0);
	assert_false(allowed(&ward, "certification.sign", nc));
	/* the district admin may make him one */
	assert_int_equal(grant(&district, me, "editor", nc, 0), 201);
	assert_int_equal(grants_in_force(me, "editor"), 1);
}

/* A grant reaching the units below needs the granter to hold the whole subtree. */
static void test_reach_needs_the_subtree(void **state)
{
	int64_t td_onestop = ts_unit_id(db, "100.02.15.H26");
	int64_t a1 = make_user("qt.thuongdinh", td, NULL), a2;
	struct ts_user narrow;
	(void)state;
	assert_int_equal(grant(&district, a1, "admin", td, 0), 201);
	login("qt.thuongdinh", NEW_PASSWORD, &narrow);
	assert_true(allowed(&narrow, "user.manage", td));
	assert_false(allowed(&narrow, "user.manage", td_onestop));

	a2 = make_user("qt2.thuongdinh", td, NULL);
	/* he cannot pass on what he does not hold: admin reaching the one-stop section below */
	assert_int_equal(grant(&narrow, a2, "admin", td, 1), 403);
	assert_int_equal(grants_in_force(a2, "admin"), 0);
	/* at his own unit only, he may */
	assert_int_equal(grant(&narrow, a2, "editor", td, 0), 201);
	/* a new admin made by him does not reach below either */
	{
		char body[400];
		struct ts_user made;
		snprintf(
			body, sizeof(body),
			"{\"username\":\"qt3.thuongdinh\",\"full_name\":\"Lê Văn Ba\",\"position\":\"Quản trị\","
			"\"unit_id\":%lld,\"password\":\"" NEW_PASSWORD "\",\"role\":\"admin\"}",
			(long long)td);
		assert_int_equal(status(&narrow, "POST", "/api/v1/users", body), 201);
		login("qt3.thuongdinh", NEW_PASSWORD, &made);
		assert_true(allowed(&made, "user.manage", td));
		assert_false(allowed(&made, "user.manage", td_onestop));
	}
}

/* An official who also holds a role at the district is not the ward admin's to take over. */
static void test_no_takeover_of_wider_account(void **state)
{
	int64_t official = ts_account_id(db, "tuphap.nhanchinh");
	char path[64], body[128];
	struct ts_user o;
	(void)state;
	assert_int_equal(grant(&district, official, "specialist", dept_tp, 0), 201);
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)official);
	snprintf(body, sizeof(body), "{\"password\":\"%s\"}", NEW_PASSWORD);
	assert_int_equal(status(&ward, "PATCH", path, body), 403);
	assert_int_equal(status(&ward, "PATCH", path, "{\"email\":\"khac@example.com\"}"), 403);
	/* he may still see him, and the password still works */
	assert_int_equal(status(&ward, "GET", path, NULL), 200);
	login("tuphap.nhanchinh", DEMO_PASSWORD, &o);
	/* the district admin, who holds both units, may */
	assert_int_equal(status(&district, "PATCH", path, "{\"position\":\"Công chức Tư pháp - Hộ tịch\"}"),
			 200);
}

/* A ward's admin manages the units under his ward, not the ward itself. */
static void test_unit_changed_from_above(void **state)
{
	char path[64];
	struct http_resp r;
	(void)state;
	snprintf(path, sizeof(path), "/api/v1/units/%lld", (long long)nc);
	assert_int_equal(status(&ward, "PATCH", path, "{\"name\":\"Phường Mới\"}"), 403);
	assert_int_equal(status(&ward, "PATCH", path, "{\"active\":false}"), 403);
	assert_int_equal(db_int("SELECT COUNT(*) FROM units WHERE name = ?", "Phường Nhân Chính"), 1);
	snprintf(path, sizeof(path), "/api/v1/units/%lld", (long long)nc_onestop);
	assert_int_equal(status(&ward, "PATCH", path, "{\"address\":\"Số 1 phố Nhân Chính\"}"), 200);
	/* his ward's page is shown to him read only */
	snprintf(path, sizeof(path), "/quan-tri/don-vi/%lld", (long long)nc);
	assert_int_equal(as(&ward, "GET", path, NULL, &r), 200);
	assert_non_null(strstr(r.body.ptr, "Đơn vị này do cấp trên quản lý"));
	assert_non_null(strstr(r.body.ptr, "<fieldset class=\"plain\" disabled>"));
	resp_free(&r);
	/* the district admin may */
	snprintf(path, sizeof(path), "/api/v1/units/%lld", (long long)nc);
	assert_int_equal(status(&district, "PATCH", path, "{\"address\":\"Phố Nhân Chính\"}"), 200);
}

/* An inactive unit takes no new work: the powers held there stop, and come back with it. */
static void test_inactive_unit(void **state)
{
	char body[400], path[64];
	struct ts_user chair;
	int64_t w;
	(void)state;
	snprintf(
		body, sizeof(body),
		"{\"parent_id\":%lld,\"kind\":\"ward\",\"agency_code\":\"000.40.15.H26\",\"name\":\"Phường Thử "
		"Nghiệm\",\"short_name\":\"UBND\"}",
		(long long)ts_unit_id(db, "000.00.15.H26"));
	assert_int_equal(status(&district, "POST", "/api/v1/units", body), 201);
	w = ts_unit_id(db, "000.40.15.H26");
	make_user("chutich.thu", w, "leader");
	login("chutich.thu", NEW_PASSWORD, &chair);
	assert_true(allowed(&chair, "certification.sign", w));
	snprintf(path, sizeof(path), "/api/v1/units/%lld", (long long)w);
	assert_int_equal(status(&district, "PATCH", path, "{\"active\":false}"), 200);
	assert_false(allowed(&chair, "certification.sign", w));
	assert_int_equal(status(&district, "PATCH", path, "{\"active\":true}"), 200);
	assert_true(allowed(&chair, "certification.sign", w));
}

/* A delegation ends with its delegator's power, and does not come back with a new grant. */
static void test_delegation_ends_with_power(void **state)
{
	int64_t chair_id = ts_account_id(db, "chutich.nhanchinh"),
		clerk = ts_account_id(db, "motcua.nhanchinh");
	struct ts_user chair, delegate_user;
	char date[16], path[64];
	int64_t grant_id;
	(void)state;
	login("chutich.nhanchinh", DEMO_PASSWORD, &chair);
	assert_int_equal(delegate(&chair, clerk, 0, today(date, sizeof(date), 0)), 201);
	login("motcua.nhanchinh", DEMO_PASSWORD, &delegate_user);
	assert_true(allowed(&delegate_user, "certification.sign", nc));

	grant_id = db_int(
		"SELECT id FROM role_grants WHERE role = 'leader' AND revoked_at IS NULL AND account_id = "
		"(SELECT id FROM accounts WHERE username = ?)",
		"chutich.nhanchinh");
	snprintf(path, sizeof(path), "/api/v1/roles/%lld", (long long)grant_id);
	assert_int_equal(status(&district, "DELETE", path, NULL), 200);
	assert_false(allowed(&delegate_user, "certification.sign", nc));
	/* revoked in the record, with the audit row, not only ignored */
	assert_int_equal(
		db_int("SELECT COUNT(*) FROM delegations WHERE revoked_at IS NULL AND from_account = "
		       "(SELECT id FROM accounts WHERE username = ?)",
		       "chutich.nhanchinh"),
		0);
	assert_true(db_int("SELECT COUNT(*) FROM audit_log WHERE action = ?", "delegation.revoke") >= 1);
	/* the chairman is given the role again: the old delegation stays ended */
	assert_int_equal(grant(&district, chair_id, "leader", nc, 0), 201);
	assert_false(allowed(&delegate_user, "certification.sign", nc));
}

/* A moved official loses the roles and delegations of the unit he left. */
static void test_move_ends_old_powers(void **state)
{
	int64_t official = ts_account_id(db, "tuphap.nhanchinh");
	struct ts_user chair, o;
	char date[16], path[64], body[64];
	(void)state;
	login("chutich.nhanchinh", DEMO_PASSWORD, &chair);
	assert_int_equal(delegate(&chair, official, 60, today(date, sizeof(date), 0)), 201);
	login("tuphap.nhanchinh", DEMO_PASSWORD, &o);
	assert_true(allowed(&o, "dossier.process", nc));

	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)official);
	snprintf(body, sizeof(body), "{\"unit_id\":%lld}", (long long)td);
	assert_int_equal(status(&district, "PATCH", path, body), 200);
	assert_false(allowed(&o, "dossier.process", nc));
	assert_int_equal(db_int("SELECT COUNT(*) FROM delegations WHERE revoked_at IS NULL AND to_account = "
				"(SELECT id FROM accounts WHERE username = ?)",
				"tuphap.nhanchinh"),
			 0);
	/* his role at the district's department is not the ward's: it stays */
	assert_true(allowed(&o, "dossier.process", dept_tp));
}

/* A delegation starts with its decision, not before. */
static void test_no_backdating(void **state)
{
	struct ts_user chair;
	char date[16];
	struct http_resp r;
	char body[600], from[40], until[40];
	(void)state;
	login("chutich.nhanchinh", DEMO_PASSWORD, &chair);
	snprintf(
		body, sizeof(body),
		"{\"to_account\":%lld,\"power\":\"certification.sign\",\"unit_id\":%lld,\"valid_from\":\"%s\","
		"\"valid_to\":\"%s\",\"decision_no\":\"28/QĐ-UBND\",\"decision_date\":\"%s\"}",
		(long long)ts_account_id(db, "motcua.nhanchinh"), (long long)nc,
		iso_in(from, sizeof(from), -3L * 86400), iso_in(until, sizeof(until), 86400),
		today(date, sizeof(date), 0));
	assert_int_equal(as(&chair, "POST", "/api/v1/delegations", body, &r), 422);
	assert_non_null(strstr(r.body.ptr, "valid_from"));
	resp_free(&r);
}

/* Grants sent at once: one in force, and revoking it ends the role. */
struct burst {
	int64_t account, unit;
	long status;
};

static void *grant_one(void *arg)
{
	struct burst *b = arg;
	b->status = grant(&district, b->account, "editor", b->unit, 0);
	return NULL;
}

static void test_concurrent_grants(void **state)
{
	int64_t clerk = ts_account_id(db, "motcua.nhanchinh"), grant_id;
	struct ts_user c;
	pthread_t t[8];
	struct burst b[8];
	int created = 0;
	char path[64];
	(void)state;
	for (int i = 0; i < 8; i++) {
		b[i].account = clerk;
		b[i].unit = nc_onestop;
		assert_int_equal(pthread_create(&t[i], NULL, grant_one, &b[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		created += b[i].status == 201;
		assert_true(b[i].status == 201 || b[i].status == 409);
	}
	assert_int_equal(created, 1);
	assert_int_equal(grants_in_force(clerk, "editor"), 1);
	login("motcua.nhanchinh", DEMO_PASSWORD, &c);
	assert_true(allowed(&c, "news.edit", nc_onestop));
	grant_id = db_int(
		"SELECT id FROM role_grants WHERE role = 'editor' AND revoked_at IS NULL AND account_id = "
		"(SELECT id FROM accounts WHERE username = ?)",
		"motcua.nhanchinh");
	snprintf(path, sizeof(path), "/api/v1/roles/%lld", (long long)grant_id);
	assert_int_equal(status(&district, "DELETE", path, NULL), 200);
	assert_false(allowed(&c, "news.edit", nc_onestop));
}

/* Walking the whole audit chain is for the top of the tree, not for a ward's admin. */
static void test_chain_check_from_the_top(void **state)
{
	struct http_resp r;
	(void)state;
	assert_int_equal(as(&ward, "GET", "/quan-tri/nhat-ky?verify=1", NULL, &r), 200);
	assert_null(strstr(r.body.ptr, "Chuỗi nhật ký toàn vẹn"));
	assert_null(strstr(r.body.ptr, "Kiểm tra tính toàn vẹn"));
	resp_free(&r);
	assert_int_equal(as(&district, "GET", "/quan-tri/nhat-ky?verify=1", NULL, &r), 200);
	assert_non_null(strstr(r.body.ptr, "Chuỗi nhật ký toàn vẹn"));
	resp_free(&r);
}

/*
 * What the units below share (the catalogue, the whole audit chain) is for an
 * admin of a governing unit, whatever the shape of the tree: also when the
 * district is its root.
 */
static void test_shared_things_by_kind(void **state)
{
	int64_t district_id = ts_unit_id(db, "000.00.15.H26");
	(void)state;
	assert_int_equal(status(&ward, "GET", "/quan-tri/thu-tuc", NULL), 403);
	assert_int_equal(status(&district, "GET", "/quan-tri/thu-tuc", NULL), 200);
	assert_int_equal(db_exec(db, "UPDATE units SET parent_id = NULL WHERE id = ?", "i", district_id), 0);
	assert_int_equal(status(&ward, "GET", "/quan-tri/thu-tuc", NULL), 403);
	assert_int_equal(status(&ward, "POST", "/api/v1/procedures/2.000815/unpublish", NULL), 403);
	assert_int_equal(status(&district, "GET", "/quan-tri/thu-tuc", NULL), 200);
	assert_int_equal(db_exec(db, "UPDATE units SET parent_id = ? WHERE id = ?", "ii", city, district_id),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_grant_to_oneself),
		cmocka_unit_test(test_reach_needs_the_subtree),
		cmocka_unit_test(test_no_takeover_of_wider_account),
		cmocka_unit_test(test_unit_changed_from_above),
		cmocka_unit_test(test_inactive_unit),
		cmocka_unit_test(test_delegation_ends_with_power),
		cmocka_unit_test(test_move_ends_old_powers),
		cmocka_unit_test(test_no_backdating),
		cmocka_unit_test(test_concurrent_grants),
		cmocka_unit_test(test_chain_check_from_the_top),
		cmocka_unit_test(test_shared_things_by_kind),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("t0014-power", tests, setup, teardown);
}
