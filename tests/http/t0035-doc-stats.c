/*
 * t0035-doc-stats: the e-office's statistics (GET /api/v1/stats/documents and /van-ban/thong-ke).
 * The seed's year is written into the figures as the documents would write them (doc_stats_add):
 * the district issued 7,018 documents in 2021 (296 Kế hoạch, 3,349 Quyết định, 1,939 Công văn,
 * 720 Thông báo, 498 Báo cáo, the rest other types) and received 8,512. The API and the page give
 * those numbers back, types adding up to the total with "other" as the rest; the district's leader
 * sees the district with its wards, the ward's leader only the ward, the district's records clerk
 * only the district; a specialist and a citizen see none; bad periods are refused in Vietnamese.
 * The demo's own documents, moved through the features, are counted per type exactly as many as
 * they are.
 * Per department: the seed's year is spread over the district's office (Văn phòng), Phòng Tư pháp
 * and the district itself; the district's figures come split into its own row and one row per
 * department that add up to it, a department can be asked alone (by whoever sees its agency), and
 * documents moved through the API count for the department that drafted them or leads them: a
 * draft of Phòng Tư pháp issued raises Tư pháp's and the district's figures by one, an incoming
 * document registered counts for the district itself, and assigned to Tư pháp as lead and
 * finished on time or late counts for Tư pháp.
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
#include "features/doc_stats.h"
#include "harness.h"
#include "rules/document.h"
#include "store/db.h"

#define DEMO_PASSWORD "ThanhXuan-Demo-2026"
#define WARD_AGENCY   "000.01.15.H26" /* Phường Nhân Chính */
#define WARD2_AGENCY  "000.02.15.H26" /* Phường Thượng Đình */
#define DIST_AGENCY   "000.00.15.H26" /* Quận Thanh Xuân */
#define DEPT_VP	      "001.15.00.H26" /* Văn phòng HĐND và UBND quận */
#define DEPT_TP	      "002.15.00.H26" /* Phòng Tư pháp */
#define DEPT_QLDT     "003.15.00.H26" /* Phòng Quản lý đô thị */
#define YEAR_2021     "from=2021-01-01&to=2021-12-31"
#define BOUNDARY      "----t0035-boundary-VGhvbmdLZQ"

static struct test_server srv;
static struct ts_user d_lead, d_clerk, w_lead, spec, head;
static int64_t ward, ward2, district, vp, tp, qldt, spec_id, lead_id;

/* Instant of a local day of 2021 at 10:00. */
static int64_t day2021(int month, int day)
{
	return (days_from_civil(2021, month, day) * 86400) + 10 * 3600 - VN_UTC_OFFSET;
}

/* The seed's year, issued per type (216 of other types). */
static const struct {
	int type, n;
} seed_out[] = { { 10, 296 }, { 2, 3349 }, { DOC_TYPE_CONG_VAN, 1939 }, { 7, 720 }, { 14, 498 }, { 16, 120 },
		 { 23, 60 },  { 15, 36 } };
#define SEED_OUT (sizeof(seed_out) / sizeof(seed_out[0]))

/*
 * The seed's year at the district (half of each type in March by its office, a quarter in
 * October by Phòng Tư pháp, the rest in October by the district itself), and some documents at
 * two wards.
 */
static int write_seed_year(struct db *db)
{
	int rc = db_begin(db);
	for (size_t i = 0; !rc && i < SEED_OUT; i++) {
		int n = seed_out[i].n, type = seed_out[i].type;
		rc = doc_stats_add(db, district, vp, day2021(3, 15), DOC_STAT_OUT, type, n / 2);
		if (!rc)
			rc = doc_stats_add(db, district, tp, day2021(10, 1), DOC_STAT_OUT, type, n / 4);
		if (!rc)
			rc = doc_stats_add(db, district, district, day2021(10, 1), DOC_STAT_OUT, type,
					   n - n / 2 - n / 4);
	}
	/*
	 * received 8,512 (registered by the district): 6,000 công văn, 2,512 kế hoạch. Two withdrawn
	 * (Tư pháp's); handling: 130 assigned (Tư pháp leads 70, Quản lý đô thị 40, a person at the
	 * district 20), 100 of them with a deadline (60 and 40), 90 on time (55 and 35), 6 late (3 and
	 * 3). The wards, and a day just outside the year on each side.
	 */
	{
		const struct {
			int64_t agency, unit, at;
			int kind, type, n;
		} rows[] = {
			{ district, district, day2021(1, 4), DOC_STAT_IN, DOC_TYPE_CONG_VAN, 6000 },
			{ district, district, day2021(12, 31), DOC_STAT_IN, 10, 2512 },
			{ district, tp, day2021(6, 1), DOC_STAT_OUT_WITHDRAWN, 2, 2 },
			{ district, tp, day2021(6, 1), DOC_STAT_IN_LEAD, DOC_TYPE_CONG_VAN, 70 },
			{ district, qldt, day2021(6, 1), DOC_STAT_IN_LEAD, DOC_TYPE_CONG_VAN, 40 },
			{ district, district, day2021(6, 1), DOC_STAT_IN_LEAD, DOC_TYPE_CONG_VAN, 20 },
			{ district, tp, day2021(6, 1), DOC_STAT_IN_ASSIGNED, DOC_TYPE_CONG_VAN, 60 },
			{ district, qldt, day2021(6, 1), DOC_STAT_IN_ASSIGNED, DOC_TYPE_CONG_VAN, 40 },
			{ district, tp, day2021(6, 20), DOC_STAT_IN_ON_TIME, DOC_TYPE_CONG_VAN, 55 },
			{ district, qldt, day2021(6, 20), DOC_STAT_IN_ON_TIME, DOC_TYPE_CONG_VAN, 35 },
			{ district, tp, day2021(7, 20), DOC_STAT_IN_LATE, DOC_TYPE_CONG_VAN, 3 },
			{ district, qldt, day2021(7, 20), DOC_STAT_IN_LATE, DOC_TYPE_CONG_VAN, 3 },
			{ ward, ward, day2021(5, 5), DOC_STAT_OUT, 2, 40 },
			{ ward2, ward2, day2021(5, 5), DOC_STAT_OUT, 2, 7 },
			{ district, tp, day2021(1, 1) - 86400, DOC_STAT_OUT, 2, 1000 },
			{ district, tp, day2021(12, 31) + 86400, DOC_STAT_OUT, 2, 1000 },
		};
		for (size_t i = 0; !rc && i < sizeof(rows) / sizeof(rows[0]); i++)
			rc = doc_stats_add(db, rows[i].agency, rows[i].unit, rows[i].at, rows[i].kind,
					   rows[i].type, rows[i].n);
	}
	/* not a type, not a kind, no unit: refused */
	if (!rc && (doc_stats_add(db, district, tp, day2021(5, 5), DOC_STAT_OUT, 30, 1) >= 0 ||
		    doc_stats_add(db, district, tp, day2021(5, 5), 0, 2, 1) >= 0 ||
		    doc_stats_add(db, district, tp, day2021(5, 5), DOC_STAT_KIND_COUNT, 2, 1) >= 0 ||
		    doc_stats_add(db, district, 0, day2021(5, 5), DOC_STAT_OUT, 2, 1) >= 0))
		rc = -1;
	if (rc) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db);
}

static int setup(void **state)
{
	char *err = NULL;
	struct db *db;
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ts_init(&srv) || ts_demo(&srv))
		return -1;
	if (!(db = db_open(srv.db, &err))) {
		fprintf(stderr, "# %s\n", err);
		free(err);
		return -1;
	}
	ward = ts_unit_id(db, WARD_AGENCY);
	ward2 = ts_unit_id(db, WARD2_AGENCY);
	district = ts_unit_id(db, DIST_AGENCY);
	vp = ts_unit_id(db, DEPT_VP);
	tp = ts_unit_id(db, DEPT_TP);
	qldt = ts_unit_id(db, DEPT_QLDT);
	spec_id = ts_account_id(db, "chuyenvien");
	lead_id = ts_account_id(db, "lanhdao");
	if (write_seed_year(db)) {
		fprintf(stderr, "# doc_stats_add: %s\n", db_errmsg(db));
		db_close(db);
		return -1;
	}
	db_close(db);
	if (ts_launch(&srv, NULL, NULL))
		return -1;
	if (ts_login(&srv, "lanhdao", DEMO_PASSWORD, &d_lead) != 201 ||
	    ts_login(&srv, "vanthu", DEMO_PASSWORD, &d_clerk) != 201 ||
	    ts_login(&srv, "chutich.nhanchinh", DEMO_PASSWORD, &w_lead) != 201 ||
	    ts_login(&srv, "chuyenvien", DEMO_PASSWORD, &spec) != 201 ||
	    ts_login(&srv, "truongphong", DEMO_PASSWORD, &head) != 201)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	int rc = ts_stop(&srv);
	curl_global_cleanup();
	return rc;
}

static json_t *get(const struct ts_user *u, const char *path, long want)
{
	struct http_resp r;
	json_t *j;
	resp_init(&r);
	assert_int_equal(ts_as(&srv, u, "GET", path, NULL, &r), 0);
	if (r.status != want)
		fail_msg("GET %s: status %ld, wanted %ld: %s", path, r.status, want,
			 r.body.ptr ? r.body.ptr : "");
	j = json_loads(r.body.ptr ? r.body.ptr : "", 0, NULL);
	resp_free(&r);
	return j;
}

static long long at(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(json_object_get(o, a), b);
	if (!json_is_integer(v))
		fail_msg("no integer %s.%s", a, b);
	return (long long)json_integer_value(v);
}

/* The count of `type` in o.dir.by_type. */
static long long of_type(json_t *o, const char *dir, const char *type)
{
	json_t *list = json_object_get(json_object_get(o, dir), "by_type"), *e;
	size_t i;
	json_array_foreach(list, i, e) if (!strcmp(json_string_value(json_object_get(e, "type")),
						   type)) return (long long)
		json_integer_value(json_object_get(e, "count"));
	fail_msg("no type %s in %s", type, dir);
	return -1;
}

static long long sum_types(json_t *o, const char *dir)
{
	json_t *list = json_object_get(json_object_get(o, dir), "by_type"), *e;
	long long s = 0;
	size_t i;
	assert_int_equal(json_array_size(list), DOC_TYPE_COUNT);
	json_array_foreach(list, i, e) s += json_integer_value(json_object_get(e, "count"));
	return s;
}

static void seed_year_adds_up(void **state)
{
	char path[256];
	json_t *j, *units;
	(void)state;
	snprintf(path, sizeof(path), "/api/v1/stats/documents?unit=%lld&" YEAR_2021, (long long)district);
	/* the district's records clerk: the district alone */
	j = get(&d_clerk, path, 200);
	assert_int_equal(at(j, "outgoing", "issued"), 7018);
	assert_int_equal(sum_types(j, "outgoing"), 7018);
	assert_int_equal(of_type(j, "outgoing", "ke-hoach"), 296);
	assert_int_equal(of_type(j, "outgoing", "quyet-dinh"), 3349);
	assert_int_equal(of_type(j, "outgoing", "cong-van"), 1939);
	assert_int_equal(of_type(j, "outgoing", "thong-bao"), 720);
	assert_int_equal(of_type(j, "outgoing", "bao-cao"), 498);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(j, "outgoing"), "summary")),
		"7.018 văn bản: 296 Kế hoạch, 3.349 Quyết định, 1.939 Công văn, 720 Thông báo, 498 "
		"Báo cáo, 216 văn bản loại khác");
	assert_int_equal(at(j, "outgoing", "withdrawn"), 2);
	assert_int_equal(at(j, "incoming", "total"), 8512);
	assert_int_equal(sum_types(j, "incoming"), 8512);
	assert_int_equal(at(j, "handling", "assigned_with_deadline"), 100);
	assert_int_equal(at(j, "handling", "finished"), 96);
	assert_int_equal(at(j, "handling", "on_time"), 90);
	assert_int_equal(at(j, "handling", "late"), 6);
	assert_int_equal(at(j, "handling", "on_time_permille"), 938);
	assert_int_equal(json_array_size(json_object_get(j, "by_unit")), 1);
	json_decref(j);

	/* the district's leader: the district with its wards, each apart */
	j = get(&d_lead, path, 200);
	assert_int_equal(at(j, "outgoing", "issued"), 7018 + 40 + 7);
	units = json_object_get(j, "by_unit");
	assert_int_equal(json_array_size(units), 12);
	{
		long long s = 0;
		json_t *e;
		size_t i;
		json_array_foreach(units, i, e)
			s += json_integer_value(json_object_get(json_object_get(e, "outgoing"), "issued"));
		assert_int_equal(s, 7018 + 47);
	}
	json_decref(j);

	/* a period inside the year: only March */
	snprintf(path, sizeof(path), "/api/v1/stats/documents?unit=%lld&from=2021-03-01&to=2021-03-31",
		 (long long)district);
	j = get(&d_lead, path, 200);
	assert_int_equal(at(j, "outgoing", "issued"), 148 + 1674 + 969 + 360 + 249 + 60 + 30 + 18);
	json_decref(j);
}

/* One count from SQL with up to four integer parameters. */
static long long count4(const char *sql, int64_t a, int64_t b, int64_t c, int64_t d)
{
	char *err = NULL;
	struct db *db = db_open(srv.db, &err);
	struct db_stmt *st;
	long long v = -1;
	assert_non_null(db);
	if (db_query(db, &st, sql, "iiii", a, b, c, d) == DB_ROW)
		v = db_col_int(st, 0);
	db_release_statements(db);
	db_close(db);
	return v;
}

/* Move account `id` to unit `unit`, as an administrator would. */
static void move_account(int64_t id, int64_t unit)
{
	char *err = NULL;
	struct db *db = db_open(srv.db, &err);
	assert_non_null(db);
	assert_int_equal(db_exec(db, "UPDATE accounts SET unit_id = ? WHERE id = ?", "ii", unit, id), 0);
	db_close(db);
}

/*
 * The demo's documents (registered, assigned, issued, withdrawn through the features) are
 * counted as they are: for the district and the ward over the last 100 days, each type's count
 * in the API equals a count over the documents themselves.
 */
static void every_document_counted(void **state)
{
	const int64_t agencies[] = { district, ward };
	int64_t now = (int64_t)time(NULL), from_t, to_t;
	struct civil f, t;
	char path[256];
	long long docs_in = 0, docs_out = 0;
	(void)state;
	time_to_civil(now - 100 * 86400, VN_UTC_OFFSET, &f);
	time_to_civil(now, VN_UTC_OFFSET, &t);
	f.hour = f.min = f.sec = t.hour = t.min = t.sec = 0;
	from_t = time_from_civil(&f, VN_UTC_OFFSET);
	to_t = time_from_civil(&t, VN_UTC_OFFSET) + 86400;
	for (size_t k = 0; k < sizeof(agencies) / sizeof(agencies[0]); k++) {
		json_t *j;
		snprintf(path, sizeof(path),
			 "/api/v1/stats/documents?unit=%lld&from=%04d-%02d-%02d&to=%04d-%02d-%02d",
			 (long long)agencies[k], f.year, f.month, f.day, t.year, t.month, t.day);
		j = get(agencies[k] == district ? &d_clerk : &w_lead, path, 200);
		for (int type = 1; type <= DOC_TYPE_COUNT; type++) {
			const char *key = doc_type(type)->key;
			long long in =
				count4("SELECT COUNT(*) FROM doc_incoming WHERE agency_id = ? AND type = ? "
				       "AND arrived_at >= ? AND arrived_at < ?",
				       agencies[k], type, from_t, to_t);
			long long out =
				count4("SELECT COUNT(*) FROM doc_outgoing WHERE agency_id = ? AND type = ? "
				       "AND number IS NOT NULL AND issued_day BETWEEN ? AND ?",
				       agencies[k], type, f.year * 10000 + f.month * 100 + f.day,
				       t.year * 10000 + t.month * 100 + t.day);
			assert_int_equal(of_type(j, "incoming", key), in);
			assert_int_equal(of_type(j, "outgoing", key), out);
			docs_in += in;
			docs_out += out;
		}
		assert_int_equal(
			at(j, "outgoing", "withdrawn"),
			count4("SELECT COUNT(*) FROM doc_outgoing WHERE agency_id = ? AND status = ? AND "
			       "withdrawn_at >= ? AND withdrawn_at < ?",
			       agencies[k], DOC_OUT_WITHDRAWN, from_t, to_t));
		json_decref(j);
	}
	/* the demo has documents of both directions: the comparison compared something */
	assert_true(docs_in >= 10);
	assert_true(docs_out >= 10);
}

/* ---- per department ---- */

/* The row of o.by_department whose unit is `unit` (the agency's own row for the agency). */
static json_t *dept_row(json_t *o, int64_t unit)
{
	json_t *list = json_object_get(o, "by_department"), *e;
	size_t i;
	json_array_foreach(list, i, e) if (json_integer_value(json_object_get(json_object_get(e, "unit"),
									      "id")) == unit) return e;
	fail_msg("no row of unit %lld in by_department", (long long)unit);
	return NULL;
}

/* Every figure of o.by_department added up equals the same figure of `whole`. */
static void departments_sum_to(json_t *o, json_t *whole)
{
	static const char *const fields[][2] = {
		{ "incoming", "total" },
		{ "outgoing", "issued" },
		{ "outgoing", "withdrawn" },
		{ "handling", "assigned_as_lead" },
		{ "handling", "assigned_with_deadline" },
		{ "handling", "finished" },
		{ "handling", "on_time" },
		{ "handling", "late" },
	};
	static const char *const lists[][2] = {
		{ "incoming", "by_type" },
		{ "outgoing", "by_type" },
		{ "handling", "lead_by_type" },
	};
	json_t *list = json_object_get(o, "by_department"), *e;
	size_t i;
	assert_true(json_array_size(list) >= 2);
	for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		long long sum = 0;
		json_array_foreach(list, i, e) sum += at(e, fields[f][0], fields[f][1]);
		if (sum != at(whole, fields[f][0], fields[f][1]))
			fail_msg("%s.%s: the departments add up to %lld, the agency has %lld", fields[f][0],
				 fields[f][1], sum, at(whole, fields[f][0], fields[f][1]));
	}
	for (size_t f = 0; f < sizeof(lists) / sizeof(lists[0]); f++)
		for (int type = 1; type <= DOC_TYPE_COUNT; type++) {
			long long sum = 0, want;
			json_array_foreach(list, i, e)
			{
				json_t *l = json_object_get(json_object_get(e, lists[f][0]), lists[f][1]);
				sum += json_integer_value(
					json_object_get(json_array_get(l, type - 1), "count"));
			}
			want = json_integer_value(json_object_get(
				json_array_get(json_object_get(json_object_get(whole, lists[f][0]),
							       lists[f][1]),
					       type - 1),
				"count"));
			if (sum != want)
				fail_msg("%s.%s type %d: the departments add up to %lld, the agency has %lld",
					 lists[f][0], lists[f][1], type, sum, want);
		}
}

static long long seed_sum(int part) /* 2: n/2 (office), 4: n/4 (Tư pháp), 1: the rest (district) */
{
	long long s = 0;
	for (size_t i = 0; i < SEED_OUT; i++) {
		int n = seed_out[i].n;
		s += part == 2 ? n / 2 : part == 4 ? n / 4 : n - n / 2 - n / 4;
	}
	return s;
}

static void seed_year_by_department(void **state)
{
	char path[256];
	json_t *j, *r, *first;
	(void)state;
	snprintf(path, sizeof(path), "/api/v1/stats/documents?unit=%lld&" YEAR_2021, (long long)district);
	/* the records clerk: the district's own row, then its 12 departments and its one-stop section */
	j = get(&d_clerk, path, 200);
	assert_int_equal(json_array_size(json_object_get(j, "by_department")), 14);
	first = json_array_get(json_object_get(j, "by_department"), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(first, "unit"), "id")), district);
	assert_false(json_is_true(json_object_get(json_object_get(first, "unit"), "department")));
	assert_int_equal(at(first, "incoming", "total"), 8512);
	assert_int_equal(at(first, "outgoing", "issued"), seed_sum(1));
	assert_int_equal(at(first, "handling", "assigned_as_lead"), 20);
	r = dept_row(j, tp);
	assert_true(json_is_true(json_object_get(json_object_get(r, "unit"), "department")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "unit"), "name")),
			    "Phòng Tư pháp");
	assert_int_equal(at(r, "outgoing", "issued"), seed_sum(4));
	assert_int_equal(seed_sum(4), 1753);
	assert_int_equal(of_type(r, "outgoing", "quyet-dinh"), 837);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(r, "outgoing"), "summary")),
		"1.753 văn bản: 74 Kế hoạch, 837 Quyết định, 484 Công văn, 180 Thông báo, 124 Báo cáo, 54 "
		"văn bản loại khác");
	assert_int_equal(at(r, "outgoing", "withdrawn"), 2);
	assert_int_equal(at(r, "incoming", "total"), 0); /* registering is the district's */
	assert_int_equal(at(r, "handling", "assigned_as_lead"), 70);
	assert_int_equal(at(r, "handling", "assigned_with_deadline"), 60);
	assert_int_equal(at(r, "handling", "on_time"), 55);
	assert_int_equal(at(r, "handling", "late"), 3);
	assert_int_equal(at(r, "handling", "on_time_permille"), 948);
	r = dept_row(j, qldt);
	assert_int_equal(at(r, "outgoing", "issued"), 0);
	assert_int_equal(at(r, "handling", "on_time"), 35);
	assert_int_equal(at(r, "handling", "finished"), 38);
	assert_int_equal(at(dept_row(j, vp), "outgoing", "issued"), seed_sum(2));
	/* the rows add up to the district (all the clerk sees) */
	departments_sum_to(j, j);
	json_decref(j);

	/* the district's leader: the district with its wards; the departments add up to the district */
	j = get(&d_lead, path, 200);
	assert_int_equal(at(j, "outgoing", "issued"), 7018 + 47);
	assert_int_equal(json_array_size(json_object_get(j, "by_department")), 14);
	departments_sum_to(j, json_array_get(json_object_get(j, "by_unit"), 0));
	json_decref(j);

	/* a department alone: its own figures, for whoever sees its agency */
	snprintf(path, sizeof(path), "/api/v1/stats/documents?unit=%lld&" YEAR_2021, (long long)tp);
	j = get(&d_clerk, path, 200);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "unit"), "id")), tp);
	assert_true(json_is_true(json_object_get(json_object_get(j, "unit"), "department")));
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(json_object_get(j, "unit"), "agency"), "id")),
			 district);
	assert_int_equal(at(j, "outgoing", "issued"), 1753);
	assert_int_equal(sum_types(j, "outgoing"), 1753);
	assert_int_equal(at(j, "handling", "late"), 3);
	assert_int_equal(json_array_size(json_object_get(j, "by_unit")), 1);
	assert_int_equal(json_array_size(json_object_get(j, "by_department")), 0);
	json_decref(j);
	/* March: only the office issued */
	snprintf(path, sizeof(path), "/api/v1/stats/documents?unit=%lld&from=2021-03-01&to=2021-03-31",
		 (long long)tp);
	j = get(&d_lead, path, 200);
	assert_int_equal(at(j, "outgoing", "issued"), 0);
	json_decref(j);
	snprintf(path, sizeof(path), "/api/v1/stats/documents?unit=%lld&from=2021-03-01&to=2021-03-31",
		 (long long)vp);
	j = get(&d_lead, path, 200);
	assert_int_equal(at(j, "outgoing", "issued"), seed_sum(2));
	json_decref(j);
	/* the ward's leader does not see the district's departments; a specialist sees none */
	snprintf(path, sizeof(path), "/api/v1/stats/documents?unit=%lld&" YEAR_2021, (long long)tp);
	j = get(&w_lead, path, 403);
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(j, "error"), "message")),
			       "không được xem thống kê văn bản"));
	json_decref(j);
	json_decref(get(&spec, path, 403));
}

/* POST `body` as u, wanting `want`: the JSON answer. */
static json_t *post(const struct ts_user *u, const char *path, const char *body, long want)
{
	long got = 0;
	json_t *j = ts_json(&srv, u, "POST", path, body, want, &got);
	if (got != want || !j)
		fail_msg("POST %s: status %ld, wanted %ld", path, got, want);
	return j;
}

static void act(const char *dir, const struct ts_user *u, int64_t id, const char *body)
{
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/documents/%s/%lld/actions", dir, (long long)id);
	json_decref(post(u, path, body, 200));
}

/* A Kế hoạch drafted by the specialist of Phòng Tư pháp, taken to its issue; its id. */
static int64_t issue_plan(void)
{
	struct buf body = BUF_INIT, pdf = BUF_INIT;
	const char *h[] = { spec.cookie, spec.token, "Content-Type: multipart/form-data; boundary=" BOUNDARY,
			    NULL };
	struct http_resp r;
	json_t *j;
	int64_t id;
	ts_make_pdf(&pdf, "Ke hoach tuyen truyen phap luat");
	buf_adds(&body,
		 "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n"
		 "{\"type\":\"ke-hoach\",\"summary\":\"Tuyên truyền, phổ biến pháp luật về hộ tịch năm "
		 "nay\"}\r\n");
	buf_adds(&body, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; "
			"filename=\"du-thao.pdf\"\r\nContent-Type: application/pdf\r\n\r\n");
	buf_add(&body, pdf.ptr, pdf.len);
	buf_adds(&body, "\r\n--" BOUNDARY "--\r\n");
	resp_init(&r);
	assert_int_equal(http_req(&srv, "POST", "/api/v1/documents/outgoing", h, body.ptr, body.len, &r), 0);
	if (r.status != 201)
		fail_msg("draft: status %ld: %s", r.status, r.body.ptr ? r.body.ptr : "");
	j = json_loads(r.body.ptr, 0, NULL);
	id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	resp_free(&r);
	buf_release(&body);
	buf_release(&pdf);
	assert_true(id > 0);
	act("outgoing", &spec, id, "{\"action\":\"submit\"}");
	act("outgoing", &head, id, "{\"action\":\"forward\"}");
	act("outgoing", &d_lead, id, "{\"action\":\"sign\"}");
	act("outgoing", &d_clerk, id, "{\"action\":\"issue\"}");
	return id;
}

/* An incoming document registered by the district's clerk, arrived `days_ago`; its id. */
static int64_t register_in(const char *symbol, int days_ago)
{
	struct civil c;
	char body[512], date[16];
	json_t *j;
	int64_t id;
	time_to_civil((int64_t)time(NULL) - days_ago * 86400, VN_UTC_OFFSET, &c);
	snprintf(date, sizeof(date), "%04d-%02d-%02d", c.year, c.month, c.day);
	snprintf(body, sizeof(body),
		 "{\"sender\":\"Sở Tư pháp thành phố Hà Nội\",\"symbol\":\"%s\",\"date\":\"%s\","
		 "\"arrived_date\":\"%s\",\"arrived_time\":\"08:30\",\"type\":\"cong-van\","
		 "\"summary\":\"V/v báo cáo công tác hộ tịch\"}",
		 symbol, date, date);
	j = post(&d_clerk, "/api/v1/documents/incoming", body, 201);
	id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	assert_true(id > 0);
	return id;
}

/* "YYYY-MM-DD" of today + days (Vietnam time). */
static const char *day_iso(int days, char *out, size_t n)
{
	struct civil c;
	time_to_civil((int64_t)time(NULL) + days * 86400, VN_UTC_OFFSET, &c);
	snprintf(out, n, "%04d-%02d-%02d", c.year, c.month, c.day);
	return out;
}

/* The district's figures around today (yesterday to tomorrow), as its records clerk sees them. */
static json_t *around_today(int64_t unit)
{
	char path[256], from[16], to[16];
	snprintf(path, sizeof(path), "/api/v1/stats/documents?unit=%lld&from=%s&to=%s", (long long)unit,
		 day_iso(-1, from, sizeof(from)), day_iso(1, to, sizeof(to)));
	return get(&d_clerk, path, 200);
}

/*
 * Documents moved through the API count for their department: what Tư pháp drafts and issues
 * is Tư pháp's, what the district registers is the district's own, what Tư pháp (or one of its
 * people) leads is Tư pháp's, finished on time or late; what a person at the district level
 * leads is the district's own. The rows still add up to the district.
 */
static void actions_per_department(void **state)
{
	json_t *b = around_today(district), *a, *tp_b = around_today(tp), *tp_a;
	char body[256], due[16];
	int64_t id;
	(void)state;

	issue_plan();
	a = around_today(district);
	assert_int_equal(at(dept_row(a, tp), "outgoing", "issued"),
			 at(dept_row(b, tp), "outgoing", "issued") + 1);
	assert_int_equal(of_type(dept_row(a, tp), "outgoing", "ke-hoach"),
			 of_type(dept_row(b, tp), "outgoing", "ke-hoach") + 1);
	assert_int_equal(at(a, "outgoing", "issued"), at(b, "outgoing", "issued") + 1);
	assert_int_equal(at(dept_row(a, district), "outgoing", "issued"),
			 at(dept_row(b, district), "outgoing", "issued"));
	assert_int_equal(at(dept_row(a, vp), "outgoing", "issued"),
			 at(dept_row(b, vp), "outgoing", "issued"));
	tp_a = around_today(tp);
	assert_int_equal(at(tp_a, "outgoing", "issued"), at(tp_b, "outgoing", "issued") + 1);
	json_decref(tp_a);
	json_decref(a);

	/* registered: the district's own; led by Tư pháp with a deadline in ten days, finished on time */
	id = register_in("801/STP-HT", 0);
	a = around_today(district);
	assert_int_equal(at(dept_row(a, district), "incoming", "total"),
			 at(dept_row(b, district), "incoming", "total") + 1);
	assert_int_equal(at(dept_row(a, tp), "incoming", "total"), 0);
	json_decref(a);
	snprintf(
		body, sizeof(body),
		"{\"action\":\"assign\",\"lead\":{\"unit\":%lld},\"coordinate\":[{\"unit\":%lld}],\"due\":\"%s\"}",
		(long long)tp, (long long)qldt, day_iso(10, due, sizeof(due)));
	act("incoming", &d_lead, id, body);
	act("incoming", &head, id, "{\"action\":\"done\"}");
	/* led by Tư pháp, the deadline eight days ago: finished late */
	id = register_in("802/STP-HT", 8);
	snprintf(body, sizeof(body), "{\"action\":\"assign\",\"lead\":{\"unit\":%lld},\"due\":\"%s\"}",
		 (long long)tp, day_iso(-8, due, sizeof(due)));
	act("incoming", &d_lead, id, body);
	act("incoming", &head, id, "{\"action\":\"done\"}");
	/* led by a person: Tư pháp's specialist (Tư pháp's), the district's leader (the district's own) */
	id = register_in("803/STP-HT", 0);
	snprintf(body, sizeof(body), "{\"action\":\"assign\",\"lead\":{\"account\":%lld},\"due\":\"%s\"}",
		 (long long)spec_id, day_iso(5, due, sizeof(due)));
	act("incoming", &d_lead, id, body);
	/* he moves to Quản lý đô thị before he finishes it: it stays Tư pháp's, where it was assigned */
	move_account(spec_id, qldt);
	act("incoming", &spec, id, "{\"action\":\"done\"}");
	move_account(spec_id, tp);
	id = register_in("804/STP-HT", 0);
	snprintf(body, sizeof(body), "{\"action\":\"assign\",\"lead\":{\"account\":%lld}}",
		 (long long)lead_id);
	act("incoming", &d_lead, id, body);

	a = around_today(district);
	{
		json_t *ta = dept_row(a, tp), *tb = dept_row(b, tp), *oa = dept_row(a, district),
		       *ob = dept_row(b, district), *qa = dept_row(a, qldt), *qb = dept_row(b, qldt);
		assert_int_equal(at(ta, "handling", "assigned_as_lead"),
				 at(tb, "handling", "assigned_as_lead") + 3);
		assert_int_equal(at(ta, "handling", "assigned_with_deadline"),
				 at(tb, "handling", "assigned_with_deadline") + 3);
		assert_int_equal(at(ta, "handling", "on_time"), at(tb, "handling", "on_time") + 2);
		assert_int_equal(at(ta, "handling", "late"), at(tb, "handling", "late") + 1);
		assert_int_equal(at(ta, "handling", "finished"), at(tb, "handling", "finished") + 3);
		/* coordinating counts nothing; registering and the leader's lead are the district's own */
		assert_int_equal(at(qa, "handling", "assigned_as_lead"),
				 at(qb, "handling", "assigned_as_lead"));
		assert_int_equal(at(qa, "handling", "finished"), at(qb, "handling", "finished"));
		assert_int_equal(at(oa, "handling", "assigned_as_lead"),
				 at(ob, "handling", "assigned_as_lead") + 1);
		assert_int_equal(at(oa, "handling", "assigned_with_deadline"),
				 at(ob, "handling", "assigned_with_deadline"));
		/* registered: four, one of them arrived eight days ago (counted on its arrival day) */
		assert_int_equal(at(oa, "incoming", "total"), at(ob, "incoming", "total") + 3);
		assert_int_equal(at(a, "handling", "late"), at(b, "handling", "late") + 1);
		assert_int_equal(at(a, "handling", "assigned_as_lead"),
				 at(b, "handling", "assigned_as_lead") + 4);
	}
	departments_sum_to(a, a);
	tp_a = around_today(tp);
	assert_int_equal(at(tp_a, "handling", "on_time"), at(tp_b, "handling", "on_time") + 2);
	assert_int_equal(at(tp_a, "handling", "late"), at(tp_b, "handling", "late") + 1);
	json_decref(tp_a);
	json_decref(tp_b);
	json_decref(a);
	json_decref(b);
}

/*
 * The demo's outgoing documents, per drafting unit: each department's row counts exactly the
 * documents its people drafted and the clerk issued (last 100 days), the district's own row those
 * drafted at the district itself.
 */
static void departments_match_documents(void **state)
{
	int64_t now = (int64_t)time(NULL);
	struct civil f, t;
	char path[256];
	json_t *j, *e;
	size_t i;
	long long seen = 0;
	(void)state;
	time_to_civil(now - 100 * 86400, VN_UTC_OFFSET, &f);
	time_to_civil(now, VN_UTC_OFFSET, &t);
	snprintf(path, sizeof(path),
		 "/api/v1/stats/documents?unit=%lld&from=%04d-%02d-%02d&to=%04d-%02d-%02d",
		 (long long)district, f.year, f.month, f.day, t.year, t.month, t.day);
	j = get(&d_clerk, path, 200);
	json_array_foreach(json_object_get(j, "by_department"), i, e)
	{
		int64_t unit = json_integer_value(json_object_get(json_object_get(e, "unit"), "id"));
		long long docs =
			count4("SELECT COUNT(*) FROM doc_outgoing WHERE agency_id = ? AND unit_id = ? AND "
			       "number IS NOT NULL AND issued_day BETWEEN ? AND ?",
			       district, unit, f.year * 10000 + f.month * 100 + f.day,
			       t.year * 10000 + t.month * 100 + t.day);
		assert_int_equal(at(e, "outgoing", "issued"), docs);
		seen += docs;
	}
	assert_true(seen >= 1);
	json_decref(j);
}

static void who_sees_what(void **state)
{
	char path[256];
	json_t *j;
	(void)state;
	/* the ward's leader: his ward, not the district, not another ward */
	snprintf(path, sizeof(path), "/api/v1/stats/documents?" YEAR_2021);
	j = get(&w_lead, path, 200);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "unit"), "id")), ward);
	assert_int_equal(at(j, "outgoing", "issued"), 40);
	json_decref(j);
	snprintf(path, sizeof(path), "/api/v1/stats/documents?unit=%lld&" YEAR_2021, (long long)district);
	j = get(&w_lead, path, 403);
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(j, "error"), "message")),
			       "không được xem thống kê văn bản"));
	json_decref(j);
	snprintf(path, sizeof(path), "/api/v1/stats/documents?unit=%lld&" YEAR_2021, (long long)ward2);
	json_decref(get(&w_lead, path, 403));
	/* the district's clerk does not see the wards */
	snprintf(path, sizeof(path), "/api/v1/stats/documents?unit=%lld&" YEAR_2021, (long long)ward);
	json_decref(get(&d_clerk, path, 403));
	/* a specialist and the public see none */
	json_decref(get(&spec, "/api/v1/stats/documents", 403));
	json_decref(get(NULL, "/api/v1/stats/documents", 401));
}

static void bad_periods(void **state)
{
	static const char *const bad[] = {
		"from=2021-12-31&to=2021-01-01",
		"from=2020-01-01&to=2021-12-31",
		"from=2021-02-30&to=2021-03-01",
		"from=hom-qua&to=2021-03-01",
		"unit=999999",
		"unit=abc",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char path[256];
		json_t *j;
		snprintf(path, sizeof(path), "/api/v1/stats/documents?%s", bad[i]);
		j = get(&d_lead, path, 400);
		assert_non_null(json_string_value(json_object_get(json_object_get(j, "error"), "message")));
		json_decref(j);
	}
}

static void the_page(void **state)
{
	struct http_resp r;
	char path[256];
	(void)state;
	snprintf(path, sizeof(path), "/van-ban/thong-ke?unit=%lld&" YEAR_2021, (long long)district);
	resp_init(&r);
	assert_int_equal(ts_as(&srv, &d_lead, "GET", path, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "Thống kê văn bản"));
	assert_non_null(strstr(r.body.ptr, "<dd id=\"ds-out\">7.065</dd>"));
	assert_non_null(strstr(r.body.ptr, "<th scope=\"row\">Quyết định</th><td class=\"num\">3.396</td>"));
	assert_non_null(strstr(r.body.ptr, ">Phường Nhân Chính</a></th>"));
	/* the district's departments: issued per type as the seed's table (the district alone: 3.349
	 * Quyết định in all), and the handling of what each leads */
	assert_non_null(strstr(r.body.ptr, "id=\"ds-dept-out\""));
	assert_non_null(strstr(r.body.ptr, "Văn bản ban hành theo đơn vị soạn thảo"));
	assert_non_null(strstr(r.body.ptr, ">Phòng Tư pháp</a></th><td class=\"num\">74</td><td "
					   "class=\"num\">837</td><td class=\"num\">484</td><td "
					   "class=\"num\">180</td><td class=\"num\">124</td><td "
					   "class=\"num\">54</td><td class=\"num\">1.753</td><td "
					   "class=\"num\">2</td></tr>"));
	assert_non_null(strstr(r.body.ptr, "<th scope=\"row\">Cấp cơ quan (không thuộc phòng, ban)</th>"));
	assert_non_null(strstr(r.body.ptr,
			       "<tfoot><tr><th scope=\"row\">Tổng cộng</th><td class=\"num\">296</td><td "
			       "class=\"num\">3.349</td>"));
	assert_non_null(strstr(r.body.ptr, "Xử lý văn bản đến theo đơn vị chủ trì"));
	assert_non_null(strstr(r.body.ptr, ">Phòng Tư pháp</a></th><td class=\"num\">0</td><td "
					   "class=\"num\">70</td><td class=\"num\">60</td><td "
					   "class=\"num\">58</td><td class=\"num\">55</td><td "
					   "class=\"num\">3</td><td class=\"num\">94,8</td></tr>"));
	resp_free(&r);
	/* a department's own page: what it issued and what it leads, with its agency */
	snprintf(path, sizeof(path), "/van-ban/thong-ke?unit=%lld&" YEAR_2021, (long long)tp);
	resp_init(&r);
	assert_int_equal(ts_as(&srv, &d_clerk, "GET", path, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "Thống kê văn bản: Phòng Tư pháp"));
	assert_non_null(strstr(r.body.ptr, "Đơn vị thuộc <a href="));
	assert_non_null(strstr(r.body.ptr, "<dd id=\"ds-out\">1.753</dd>"));
	assert_non_null(strstr(r.body.ptr, "Văn bản đến được giao chủ trì</dt><dd id=\"ds-in\">70</dd>"));
	assert_non_null(strstr(r.body.ptr, "<option value=\""));
	assert_null(strstr(r.body.ptr, "id=\"ds-dept-out\""));
	resp_free(&r);
	resp_init(&r);
	assert_int_equal(
		ts_as(&srv, &d_lead, "GET", "/van-ban/thong-ke?from=2021-12-31&to=2021-01-01", NULL, &r), 0);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body.ptr, "role=\"alert\""));
	resp_free(&r);
	resp_init(&r);
	assert_int_equal(ts_as(&srv, &spec, "GET", "/van-ban/thong-ke", NULL, &r), 0);
	assert_int_equal(r.status, 403);
	resp_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seed_year_adds_up),
		cmocka_unit_test(every_document_counted),
		cmocka_unit_test(seed_year_by_department),
		cmocka_unit_test(departments_match_documents),
		cmocka_unit_test(actions_per_department),
		cmocka_unit_test(who_sees_what),
		cmocka_unit_test(bad_periods),
		cmocka_unit_test(the_page),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("t0035-doc-stats", tests, setup, teardown);
}
