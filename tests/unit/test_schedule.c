/*
 * test_schedule.c: the leaders' weekly work schedule (features/schedule.h): dates and times as
 * people type them, ISO weeks across year ends (53-week years included) in Vietnam time, the
 * checks of an entry with the field each message goes to, meeting links https:// only, who may
 * write which agency's schedule, and the storage: entries listed by week and unit in time
 * order, changes refused once cancelled or from a stale form, rows never deleted; the demo.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/arena.h"
#include "core/timefmt.h"
#include "features/org.h"
#include "features/schedule.h"
#include "rules/permission.h"
#include "rules/procedure.h"
#include "store/db.h"
#include "fixture.h"
#include "core/banned.h"

static int64_t at(int y, int mo, int d, int h, int mi)
{
	struct civil c = { .year = y, .month = mo, .day = d, .hour = h, .min = mi };
	return time_from_civil(&c, VN_UTC_OFFSET);
}

/* ---- dates, times, weeks ---- */

static void dates(void **state)
{
	(void)state;
	assert_int_equal(schedule_date_parse("2026-11-30"), 20261130);
	assert_int_equal(schedule_date_parse("30/11/2026"), 20261130);
	assert_int_equal(schedule_date_parse("1/2/2026"), 20260201);
	assert_int_equal(schedule_date_parse("2028-02-29"), 20280229);
	assert_int_equal(schedule_date_parse("2000-01-01"), 20000101);
	assert_int_equal(schedule_date_parse("2099-12-31"), 20991231);
	/* not dates, or out of the years */
	assert_int_equal(schedule_date_parse("2026-02-29"), 0);
	assert_int_equal(schedule_date_parse("31/04/2026"), 0);
	assert_int_equal(schedule_date_parse("1999-12-31"), 0);
	assert_int_equal(schedule_date_parse("2100-01-01"), 0);
	assert_int_equal(schedule_date_parse("2026-11-3"), 0);
	assert_int_equal(schedule_date_parse("30/11/26"), 0);
	assert_int_equal(schedule_date_parse("2026/11/30"), 0);
	assert_int_equal(schedule_date_parse("2026-1a-30"), 0);
	assert_int_equal(schedule_date_parse("/11/2026"), 0);
	assert_int_equal(schedule_date_parse(""), 0);
	assert_int_equal(schedule_date_parse(NULL), 0);
	/* weekdays: 30/11/2026 is a Monday */
	assert_int_equal(schedule_weekday(20261130), 1);
	assert_int_equal(schedule_weekday(20261129), 0);
	assert_int_equal(schedule_day_add(20261130, -1), 20261129);
	assert_int_equal(schedule_day_add(20261231, 1), 20270101);
	assert_int_equal(schedule_day_add(20280228, 1), 20280229);
}

static void times(void **state)
{
	(void)state;
	assert_int_equal(schedule_time_parse("08:30"), 510);
	assert_int_equal(schedule_time_parse("8:30"), 510);
	assert_int_equal(schedule_time_parse("8h30"), 510);
	assert_int_equal(schedule_time_parse("8H30"), 510);
	assert_int_equal(schedule_time_parse("8h"), 480);
	assert_int_equal(schedule_time_parse("00:00"), 0);
	assert_int_equal(schedule_time_parse("23:59"), 1439);
	assert_int_equal(schedule_time_parse("08:30:00"), 510);
	assert_int_equal(schedule_time_parse("24:00"), -1);
	assert_int_equal(schedule_time_parse("08:60"), -1);
	assert_int_equal(schedule_time_parse("08:30:15"), -1);
	assert_int_equal(schedule_time_parse("0830"), -1);
	assert_int_equal(schedule_time_parse("8:5"), -1);
	assert_int_equal(schedule_time_parse("123:00"), -1);
	assert_int_equal(schedule_time_parse(":30"), -1);
	assert_int_equal(schedule_time_parse(" 8:30"), -1);
	assert_int_equal(schedule_time_parse(""), -1);
	/* parts of the day */
	assert_int_equal(schedule_part_of(0), SCHEDULE_MORNING);
	assert_int_equal(schedule_part_of(11 * 60 + 59), SCHEDULE_MORNING);
	assert_int_equal(schedule_part_of(12 * 60), SCHEDULE_AFTERNOON);
	assert_int_equal(schedule_part_of(17 * 60 + 59), SCHEDULE_AFTERNOON);
	assert_int_equal(schedule_part_of(18 * 60), SCHEDULE_EVENING);
	assert_string_equal(schedule_part_name(SCHEDULE_EVENING), "evening");
	assert_null(schedule_part_name(0));
	/* instants in Vietnam time, whatever the server's zone */
	assert_int_equal(schedule_instant(20261130, 8 * 60), at(2026, 11, 30, 8, 0));
	assert_int_equal(schedule_instant(20261130, 0), (int64_t)1795971600); /* 2026-11-29T17:00:00Z */
	assert_int_equal(schedule_day_of(at(2026, 11, 30, 0, 0)), 20261130);
	assert_int_equal(schedule_day_of(at(2026, 11, 30, 0, 0) - 1), 20261129);
	assert_int_equal(schedule_minute_of(at(2026, 11, 30, 19, 45)), 19 * 60 + 45);
}

static void expect_week(int32_t day, int year, int week, int32_t monday)
{
	struct schedule_week w;
	schedule_week_of(day, &w);
	if (w.year != year || w.week != week || w.monday != monday)
		fail_msg("%d: %d-W%02d from %d, wanted %d-W%02d from %d", day, w.year, w.week, w.monday, year,
			 week, monday);
}

static void weeks(void **state)
{
	struct schedule_week w, x;
	char name[16];
	(void)state;
	expect_week(20261123, 2026, 48, 20261123);
	expect_week(20261129, 2026, 48, 20261123);
	expect_week(20261130, 2026, 49, 20261130);
	/* a week belongs to the year of its Thursday */
	expect_week(20251229, 2026, 1, 20251229);
	expect_week(20260101, 2026, 1, 20251229);
	expect_week(20270101, 2026, 53, 20261228);
	expect_week(20270103, 2026, 53, 20261228);
	expect_week(20270104, 2027, 1, 20270104);
	expect_week(20210103, 2020, 53, 20201228);
	expect_week(20300304, 2030, 10, 20300304);
	assert_int_equal(schedule_weeks_in_year(2026), 53);
	assert_int_equal(schedule_weeks_in_year(2020), 53);
	assert_int_equal(schedule_weeks_in_year(2025), 52);
	assert_int_equal(schedule_weeks_in_year(2027), 52);

	assert_int_equal(schedule_week_parse("2026-W48", &w), 0);
	assert_int_equal(w.monday, 20261123);
	schedule_week_name(&w, name, sizeof(name));
	assert_string_equal(name, "2026-W48");
	assert_int_equal(schedule_week_parse("2026-w01", &w), 0);
	assert_int_equal(w.monday, 20251229);
	assert_int_equal(schedule_week_parse("2026-W53", &w), 0);
	assert_int_equal(w.monday, 20261228);
	assert_int_equal(schedule_week_parse("2030-W10", &w), 0);
	assert_int_equal(w.monday, 20300304);
	assert_int_equal(schedule_week_parse("2025-W53", &x), -1);
	assert_int_equal(schedule_week_parse("2026-W00", &x), -1);
	assert_int_equal(schedule_week_parse("2026-W54", &x), -1);
	assert_int_equal(schedule_week_parse("2026W48", &x), -1);
	assert_int_equal(schedule_week_parse("2026-W4", &x), -1);
	assert_int_equal(schedule_week_parse("1999-W10", &x), -1);
	assert_int_equal(schedule_week_parse("2026-48", &x), -1);
	assert_int_equal(schedule_week_parse(NULL, &x), -1);

	/* across the year's end, both ways */
	assert_int_equal(schedule_week_parse("2026-W53", &w), 0);
	schedule_week_add(&w, 1, &x);
	assert_int_equal(x.year, 2027);
	assert_int_equal(x.week, 1);
	assert_int_equal(x.monday, 20270104);
	schedule_week_add(&x, -2, &w);
	assert_int_equal(w.year, 2026);
	assert_int_equal(w.week, 52);
	/* Monday starts at midnight in Hà Nội, 17:00 UTC on Sunday */
	schedule_week_at(at(2026, 11, 30, 0, 0), &w);
	assert_int_equal(w.week, 49);
	schedule_week_at(at(2026, 11, 30, 0, 0) - 1, &w);
	assert_int_equal(w.week, 48);
}

/* ---- checks ---- */

struct errs {
	char fields[256];
	char last_msg[256];
	int n;
};

static void collect(void *ctx, const char *field, const char *msgid)
{
	struct errs *e = ctx;
	snprintf(e->fields + strlen(e->fields), sizeof(e->fields) - strlen(e->fields), "%s%s",
		 e->n ? "," : "", field);
	snprintf(e->last_msg, sizeof(e->last_msg), "%s", msgid);
	e->n++;
}

static struct schedule_form good_form(void)
{
	struct schedule_form f = {
		.date = " 30/11/2026 ",
		.start = "08:00",
		.end = "9h30",
		.place = "  Phòng họp tầng 3\n",
		.meeting_url = "",
		.chair = "Đ/c Nguyễn Văn A -\tChủ tịch UBND quận",
		.participants = "Các Phó Chủ tịch UBND quận;\r\nChánh Văn phòng",
		.content = "Giao ban đầu tuần",
		.prepared_by = "",
	};
	return f;
}

/* The fields refused for form f (comma-separated), and the last message. */
static const char *refused(struct arena *a, const struct schedule_form *f, struct errs *e)
{
	struct schedule_entry out = { 0 };
	int n;
	memset(e, 0, sizeof(*e));
	n = schedule_check(a, f, &out, collect, e);
	assert_int_equal(n, e->n);
	return e->fields;
}

static char *repeat(struct arena *a, const char *s, size_t times)
{
	size_t len = strlen(s);
	char *out = arena_alloc(a, len * times + 1);
	for (size_t i = 0; i < times; i++)
		memcpy(out + i * len, s, len);
	out[len * times] = '\0';
	return out;
}

static void checks(void **state)
{
	struct arena a;
	struct schedule_form f = good_form();
	struct schedule_entry e = { 0 };
	struct errs er;
	(void)state;
	arena_init(&a);

	memset(&er, 0, sizeof(er));
	assert_int_equal(schedule_check(&a, &f, &e, collect, &er), 0);
	assert_int_equal(e.starts_at, at(2026, 11, 30, 8, 0));
	assert_int_equal(e.ends_at, at(2026, 11, 30, 9, 30));
	assert_string_equal(e.place, "Phòng họp tầng 3");
	assert_string_equal(e.chair, "Đ/c Nguyễn Văn A - Chủ tịch UBND quận");
	assert_string_equal(e.participants, "Các Phó Chủ tịch UBND quận;\nChánh Văn phòng");
	assert_string_equal(e.meeting_url, "");
	assert_string_equal(e.prepared_by, "");

	/* no end time; a link without a place, its scheme in small letters */
	f.end = " ";
	f.place = "";
	f.meeting_url = "HTTPS://meet.example.vn/abc-defg-hij";
	memset(&er, 0, sizeof(er));
	assert_int_equal(schedule_check(&a, &f, &e, collect, &er), 0);
	assert_int_equal(e.ends_at, 0);
	assert_string_equal(e.meeting_url, "https://meet.example.vn/abc-defg-hij");

	f = good_form();
	f.date = "31/02/2026";
	assert_string_equal(refused(&a, &f, &er), "date");
	f.date = "";
	assert_string_equal(refused(&a, &f, &er), "date");
	assert_string_equal(er.last_msg, "Enter the date.");

	f.date = "2026-11-30 2026-11-30 2026-11-30 2026-11-30";
	assert_string_equal(refused(&a, &f, &er), "date");
	assert_string_equal(er.last_msg,
			    "Enter a real date between the years 2000 and 2099, such as 30/11/2026.");

	f = good_form();
	f.start = "25:00";
	assert_string_equal(refused(&a, &f, &er), "start");
	f.start = "";
	assert_string_equal(refused(&a, &f, &er), "start");

	f = good_form();
	f.end = "08:00";
	assert_string_equal(refused(&a, &f, &er), "end");
	assert_string_equal(er.last_msg, "The end time must be after the start time.");
	f.end = "7:00";
	assert_string_equal(refused(&a, &f, &er), "end");
	f.end = "xx";
	assert_string_equal(refused(&a, &f, &er), "end");

	f = good_form();
	f.place = " ";
	f.meeting_url = "";
	assert_string_equal(refused(&a, &f, &er), "place");
	assert_string_equal(er.last_msg, "Enter the place, or the link of the online meeting.");
	f.meeting_url = "http://meet.example.vn/x";
	assert_string_equal(refused(&a, &f, &er), "meeting_url");
	f.meeting_url = "javascript:alert(1)";
	assert_string_equal(refused(&a, &f, &er), "meeting_url");

	f = good_form();
	f.chair = "";
	f.content = " \n ";
	assert_string_equal(refused(&a, &f, &er), "chair,content");
	f = good_form();
	f.chair = "Nguyễn\x01Văn A";
	assert_string_equal(refused(&a, &f, &er), "chair");
	f.chair = "Nguyễn\xc2\x85Văn A"; /* U+0085, a C1 control */
	assert_string_equal(refused(&a, &f, &er), "chair");
	f.chair = "Nguy\xe1\xbb"; /* cut inside a character */
	assert_string_equal(refused(&a, &f, &er), "chair");

	/* lengths in characters, not bytes */
	f = good_form();
	f.content = repeat(&a, "ệ", SCHEDULE_CONTENT_MAX);
	f.participants = repeat(&a, "ạ", SCHEDULE_PARTICIPANTS_MAX);
	f.chair = repeat(&a, "Đ", SCHEDULE_CHAIR_MAX);
	f.place = repeat(&a, "ở", SCHEDULE_PLACE_MAX);
	f.prepared_by = repeat(&a, "ư", SCHEDULE_PREPARED_MAX);
	memset(&er, 0, sizeof(er));
	assert_int_equal(schedule_check(&a, &f, &e, collect, &er), 0);
	f.content = repeat(&a, "ệ", SCHEDULE_CONTENT_MAX + 1);
	f.participants = repeat(&a, "ạ", SCHEDULE_PARTICIPANTS_MAX + 1);
	f.chair = repeat(&a, "Đ", SCHEDULE_CHAIR_MAX + 1);
	f.place = repeat(&a, "ở", SCHEDULE_PLACE_MAX + 1);
	f.prepared_by = repeat(&a, "ư", SCHEDULE_PREPARED_MAX + 1);
	assert_string_equal(refused(&a, &f, &er), "place,chair,participants,content,prepared_by");
	assert_string_equal(er.last_msg, "The preparing unit is too long: at most 300 characters.");

	/* a cancellation's reason */
	{
		const char *out, *why;
		assert_int_equal(schedule_reason_check(&a, "  Lùi sang tuần sau \r\n", &out, &why), 0);
		assert_string_equal(out, "Lùi sang tuần sau");
		assert_int_equal(schedule_reason_check(&a, " ", &out, &why), -1);
		assert_string_equal(why, "Enter the reason for the cancellation.");
		assert_int_equal(
			schedule_reason_check(&a, repeat(&a, "ỏ", SCHEDULE_REASON_MAX + 1), &out, &why), -1);
	}
	arena_release(&a);
}

static void links(void **state)
{
	static const char *const good[] = {
		"https://meet.google.com/abc-defg-hij",
		"https://Example.gov.vn:8443/room?x=1&y=%20#top",
		"https://a.b",
		"https://zoom.us/j/123456789?pwd=abc",
	};
	static const char *const bad[] = {
		"http://meet.google.com/abc",
		"javascript:alert(1)",
		"https://",
		"https:///path",
		"https://user@example.vn/",
		"https://user:pw@example.vn/",
		"https://localhost/room",
		"https://exa mple.vn/",
		"https://ví-dụ.vn/",
		"https://example.vn/\"onmouseover=alert(1)",
		"https://example.vn/<script>",
		"https://a..b.vn/",
		"https://-a.vn/",
		"https://a-.vn/",
		"https://a.vn./",
		"https://a.vn:/x",
		"https://a.vn:123456/",
		"https://a.vn:80x/",
		"ftp://a.vn/",
		"//a.vn/",
		"",
	};
	const char *why;
	char long_url[SCHEDULE_URL_MAX + 2];
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (schedule_url_check(good[i], &why))
			fail_msg("refused %s: %s", good[i], why);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!schedule_url_check(bad[i], &why))
			fail_msg("took %s", bad[i]);
	memcpy(long_url, "https://a.vn/", 13);
	memset(long_url + 13, 'x', sizeof(long_url) - 14);
	long_url[SCHEDULE_URL_MAX] = '\0';
	assert_int_equal(schedule_url_check(long_url, &why), 0);
	long_url[SCHEDULE_URL_MAX] = 'x';
	long_url[SCHEDULE_URL_MAX + 1] = '\0';
	assert_int_equal(schedule_url_check(long_url, &why), -1);
	assert_string_equal(why, "The meeting link is too long: at most 500 characters.");
}

/* ---- who may write it ---- */

/*
 * 1 city, 2 district, 3 the district's office (a department), 4 another department, 5 ward,
 * 6 the ward's one-stop section, 7 a ward no longer in operation.
 */
static int64_t ids[] = { 1, 2, 3, 4, 5, 6, 7 };
static int64_t parents[] = { 0, 1, 2, 2, 2, 5, 2 };
static int active[] = { 1, 1, 1, 1, 1, 1, 0 };
static int level[] = { PROC_CITY, PROC_DISTRICT, 0, 0, PROC_WARD, 0, PROC_WARD };
static int office[] = { 0, 0, 1, 0, 0, 0, 0 };
static const struct unit_tree tree = { 7, ids, parents, active, level, office };

#define NOW ((int64_t)1796058000)

/* The agencies `a` may write, as "2,5". */
static const char *managed(const struct actor *a, unsigned ways, char *out, size_t n)
{
	struct arena ar;
	int64_t *u;
	size_t k;
	arena_init(&ar);
	k = schedule_managed_units(a, &tree, NOW, ways, &ar, &u);
	out[0] = '\0';
	for (size_t i = 0; i < k; i++)
		snprintf(out + strlen(out), n - strlen(out), "%s%lld", i ? "," : "", (long long)u[i]);
	/* each one agrees with schedule_may_manage, and nothing else does */
	for (size_t i = 0; i < tree.n; i++) {
		int in = 0;
		for (size_t j = 0; j < k; j++)
			in |= u[j] == tree.id[i];
		assert_int_equal(schedule_may_manage(a, &tree, tree.id[i], NOW, ways), in);
	}
	arena_release(&ar);
	return out;
}

static void permissions(void **state)
{
	struct grant clerk_office = { ROLE_RECORDS_CLERK, 3, 0 }, clerk_dept = { ROLE_RECORDS_CLERK, 4, 0 },
		     leader_ward = { ROLE_LEADER, 5, 0 }, leader_district = { ROLE_LEADER, 2, 1 },
		     admin_district = { ROLE_ADMIN, 2, 1 }, specialist_ward = { ROLE_SPECIALIST, 5, 0 },
		     clerk_onestop = { ROLE_RECORDS_CLERK, 6, 0 }, leader_closed = { ROLE_LEADER, 7, 0 },
		     editor_district = { ROLE_EDITOR, 2, 1 };
	struct delegation approve = { .id = 1,
				      .from_account = 20,
				      .to_account = 30,
				      .power = "dossier.approve",
				      .unit_id = 5,
				      .valid_from = NOW - 3600,
				      .valid_to = NOW + 3600,
				      .decision_no = "15/QĐ-UBND",
				      .decision_date = "2026-11-01" };
	struct actor a = { 30, NULL, 0, NULL, 0 };
	char s[64];
	(void)state;

	/* the district's clerk sits in its office: he writes the district's schedule, not a ward's */
	a.grants = &clerk_office;
	a.ngrants = 1;
	assert_string_equal(managed(&a, SCHEDULE_BY_CLERK | SCHEDULE_BY_LEADER, s, sizeof(s)), "2");
	assert_string_equal(managed(&a, SCHEDULE_BY_LEADER, s, sizeof(s)), "");
	/* a records clerk of another department or section keeps no agency's records (Decree 30/2020) */
	a.grants = &clerk_dept;
	assert_string_equal(managed(&a, SCHEDULE_BY_CLERK | SCHEDULE_BY_LEADER, s, sizeof(s)), "");
	a.grants = &clerk_onestop;
	assert_string_equal(managed(&a, SCHEDULE_BY_CLERK | SCHEDULE_BY_LEADER, s, sizeof(s)), "");
	/* a leader writes his own agency's, even reaching the units below */
	a.grants = &leader_ward;
	assert_string_equal(managed(&a, SCHEDULE_BY_CLERK | SCHEDULE_BY_LEADER, s, sizeof(s)), "5");
	assert_string_equal(managed(&a, SCHEDULE_BY_CLERK, s, sizeof(s)), "");
	a.grants = &leader_district;
	assert_string_equal(managed(&a, SCHEDULE_BY_CLERK | SCHEDULE_BY_LEADER, s, sizeof(s)), "2");
	/* not an administrator, a specialist or an editor; not a unit out of operation */
	a.grants = &admin_district;
	assert_string_equal(managed(&a, SCHEDULE_BY_CLERK | SCHEDULE_BY_LEADER, s, sizeof(s)), "");
	a.grants = &specialist_ward;
	assert_string_equal(managed(&a, SCHEDULE_BY_CLERK | SCHEDULE_BY_LEADER, s, sizeof(s)), "");
	a.grants = &editor_district;
	assert_string_equal(managed(&a, SCHEDULE_BY_CLERK | SCHEDULE_BY_LEADER, s, sizeof(s)), "");
	a.grants = &leader_closed;
	assert_string_equal(managed(&a, SCHEDULE_BY_CLERK | SCHEDULE_BY_LEADER, s, sizeof(s)), "");
	/* approving dossiers by delegation (TUQ.) is no leader's own power */
	a.grants = &specialist_ward;
	a.delegations = &approve;
	a.ndelegations = 1;
	assert_string_equal(managed(&a, SCHEDULE_BY_CLERK | SCHEDULE_BY_LEADER, s, sizeof(s)), "");
	/* two roles: both agencies */
	{
		struct grant two[] = { clerk_office, leader_ward };
		a.grants = two;
		a.ngrants = 2;
		a.ndelegations = 0;
		assert_string_equal(managed(&a, SCHEDULE_BY_CLERK | SCHEDULE_BY_LEADER, s, sizeof(s)), "2,5");
	}
	assert_int_equal(schedule_may_manage(NULL, &tree, 2, NOW, SCHEDULE_BY_CLERK), 0);
	assert_int_equal(schedule_may_manage(&a, &tree, 99, NOW, SCHEDULE_BY_CLERK), 0);
}

/* ---- storage ---- */

struct fixture {
	struct testdb_fx tdb;
	struct db *db;
	struct arena arena;
	int64_t ward, district;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	if (!fx)
		return -1;
	*state = fx;
	arena_init(&fx->arena);
	fx->db = testdb_open_migrated("schedule", &fx->tdb);
	if (!fx->db)
		return -1;
	if (db_begin(fx->db) || org_demo(fx->db) || db_commit(fx->db)) {
		fprintf(stderr, "# demo units: %s\n", db_errmsg(fx->db));
		return -1;
	}
	fx->ward = org_unit_by_code(fx->db, "000.01.15.H26");
	fx->district = org_unit_by_code(fx->db, "000.00.15.H26");
	return fx->ward > 0 && fx->district > 0 ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	if (!fx)
		return 0;
	arena_release(&fx->arena);
	testdb_close(&fx->tdb, fx->db);
	free(fx);
	return 0;
}

static int64_t add(struct fixture *fx, int64_t unit, int64_t starts, int64_t ends, const char *content)
{
	struct schedule_entry e = { .unit_id = unit,
				    .starts_at = starts,
				    .ends_at = ends,
				    .place = "Hội trường",
				    .meeting_url = "",
				    .chair = "Đ/c Đặng Văn Chính - Chủ tịch UBND phường",
				    .participants = "",
				    .content = content,
				    .prepared_by = "" };
	assert_int_equal(db_begin(fx->db), 0);
	if (schedule_create(fx->db, &e, "account:7", starts - 86400))
		fail_msg("schedule_create: %s", db_errmsg(fx->db));
	assert_int_equal(db_commit(fx->db), 0);
	assert_int_equal(e.version, 1);
	return e.id;
}

static long long count_rows(struct fixture *fx)
{
	struct db_stmt *st;
	long long n = -1;
	if (db_query(fx->db, &st, "SELECT COUNT(*) FROM schedule_entries", "") == DB_ROW)
		n = db_col_int(st, 0);
	db_release_statements(fx->db);
	return n;
}

static void storage(void **state)
{
	struct fixture *fx = *state;
	struct schedule_week w;
	struct schedule_query q;
	struct schedule_entry *list, e;
	size_t n;
	int64_t a, b, c, d, other;

	assert_int_equal(schedule_week_parse("2030-W10", &w), 0);
	/* made out of order: Wednesday 08:00, Monday 14:00, Monday 08:00 (ward), Monday 08:00 (district) */
	a = add(fx, fx->ward, at(2030, 3, 6, 8, 0), 0, "Thứ Tư sáng");
	b = add(fx, fx->ward, at(2030, 3, 4, 14, 0), at(2030, 3, 4, 16, 0), "Thứ Hai chiều");
	c = add(fx, fx->ward, at(2030, 3, 4, 8, 0), at(2030, 3, 4, 9, 0), "Thứ Hai sáng");
	d = add(fx, fx->district, at(2030, 3, 4, 8, 0), 0, "Quận thứ Hai sáng");
	/* Sunday 23:59 is in the week, the next Monday 00:00 is not */
	add(fx, fx->ward, at(2030, 3, 10, 23, 59), 0, "Chủ nhật khuya");
	other = add(fx, fx->ward, at(2030, 3, 11, 0, 0), 0, "Tuần sau");
	assert_true(other > 0);

	q.from = schedule_instant(w.monday, 0);
	q.to = schedule_instant(schedule_day_add(w.monday, 7), 0);
	q.unit = fx->ward;
	assert_int_equal(schedule_list(fx->db, &fx->arena, &q, &list, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(list[0].id, c);
	assert_int_equal(list[1].id, b);
	assert_int_equal(list[2].id, a);
	assert_string_equal(list[3].content, "Chủ nhật khuya");
	assert_string_equal(list[0].unit_name, "Phường Nhân Chính");
	assert_string_equal(list[0].unit_code, "000.01.15.H26");
	assert_string_equal(list[0].created_by, "account:7");
	/* every unit: the district's 08:00 (no end) before the ward's 08:00-09:00 */
	q.unit = 0;
	assert_int_equal(schedule_list(fx->db, &fx->arena, &q, &list, &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(list[0].id, d);
	assert_int_equal(list[1].id, c);

	/* a change: times and texts, the version goes up */
	assert_int_equal(schedule_load(fx->db, &fx->arena, b, &e), SCHEDULE_OK);
	e.starts_at = at(2030, 3, 4, 13, 30);
	e.content = "Thứ Hai chiều (sớm hơn)";
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(schedule_update(fx->db, &e, 1, "account:8", at(2030, 3, 1, 9, 0)), SCHEDULE_OK);
	assert_int_equal(db_commit(fx->db), 0);
	assert_int_equal(schedule_load(fx->db, &fx->arena, b, &e), SCHEDULE_OK);
	assert_int_equal(e.version, 2);
	assert_string_equal(e.updated_by, "account:8");
	assert_string_equal(e.created_by, "account:7");
	assert_string_equal(e.content, "Thứ Hai chiều (sớm hơn)");
	assert_int_equal(e.ends_at, at(2030, 3, 4, 16, 0));
	/* from a stale form: refused, nothing written */
	e.content = "cũ";
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(schedule_update(fx->db, &e, 1, "account:9", at(2030, 3, 1, 9, 5)), SCHEDULE_STALE);
	assert_int_equal(db_rollback(fx->db), 0);
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(schedule_cancel(fx->db, b, 1, "x", "account:9", at(2030, 3, 1, 9, 5)),
			 SCHEDULE_STALE);
	assert_int_equal(db_rollback(fx->db), 0);
	assert_int_equal(schedule_load(fx->db, &fx->arena, b, &e), SCHEDULE_OK);
	assert_string_equal(e.content, "Thứ Hai chiều (sớm hơn)");
	assert_int_equal(e.status, SCHEDULE_SCHEDULED);

	/* cancelled: kept with its reason, then no more changes */
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(schedule_cancel(fx->db, b, 2, "Lùi lịch", "account:8", at(2030, 3, 2, 9, 0)),
			 SCHEDULE_OK);
	assert_int_equal(db_commit(fx->db), 0);
	assert_int_equal(schedule_load(fx->db, &fx->arena, b, &e), SCHEDULE_OK);
	assert_int_equal(e.status, SCHEDULE_CANCELLED);
	assert_string_equal(e.cancel_reason, "Lùi lịch");
	assert_string_equal(e.cancelled_by, "account:8");
	assert_int_equal(e.cancelled_at, at(2030, 3, 2, 9, 0));
	assert_int_equal(e.version, 3);
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(schedule_update(fx->db, &e, 3, "account:8", at(2030, 3, 2, 9, 1)),
			 SCHEDULE_IS_CANCELLED);
	assert_int_equal(schedule_cancel(fx->db, b, 0, "again", "account:8", at(2030, 3, 2, 9, 1)),
			 SCHEDULE_IS_CANCELLED);
	assert_int_equal(schedule_cancel(fx->db, 999999, 0, "x", "account:8", at(2030, 3, 2, 9, 1)),
			 SCHEDULE_NOT_FOUND);
	assert_int_equal(db_rollback(fx->db), 0);
	assert_int_equal(schedule_load(fx->db, &fx->arena, 999999, &e), SCHEDULE_NOT_FOUND);
	/* still listed, marked */
	q.unit = fx->ward;
	assert_int_equal(schedule_list(fx->db, &fx->arena, &q, &list, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(list[0].id, c);
	assert_int_equal(list[1].id, b);
	assert_int_equal(list[1].status, SCHEDULE_CANCELLED);
	assert_int_equal(count_rows(fx), 6);

	/* the database refuses what the checks refuse */
	{
		struct schedule_entry bad = { .unit_id = fx->ward,
					      .starts_at = at(2030, 3, 5, 9, 0),
					      .ends_at = at(2030, 3, 5, 8, 0),
					      .place = "P",
					      .chair = "C",
					      .content = "X" };
		assert_int_equal(db_begin(fx->db), 0);
		assert_int_equal(schedule_create(fx->db, &bad, "account:7", 0), DB_CONSTRAINT);
		assert_int_equal(db_rollback(fx->db), 0);
		bad.ends_at = 0;
		bad.place = "";
		bad.meeting_url = "";
		assert_int_equal(db_begin(fx->db), 0);
		assert_int_equal(schedule_create(fx->db, &bad, "account:7", 0), DB_CONSTRAINT);
		assert_int_equal(db_rollback(fx->db), 0);
		assert_int_equal(count_rows(fx), 6);
	}
}

static void demo(void **state)
{
	struct fixture *fx = *state;
	int64_t now = at(2026, 11, 26, 10, 0); /* a Thursday */
	struct schedule_week w;
	struct schedule_query q;
	struct schedule_entry *list;
	size_t n, cancelled = 0, ward = 0, district = 0;
	const char *why;

	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(schedule_demo(fx->db, now), 0);
	assert_int_equal(schedule_demo(fx->db, now), 0); /* once */
	assert_int_equal(db_commit(fx->db), 0);
	schedule_week_at(now, &w);
	q.from = schedule_instant(w.monday, 0);
	q.to = schedule_instant(schedule_day_add(w.monday, 7), 0);
	q.unit = 0;
	assert_int_equal(schedule_list(fx->db, &fx->arena, &q, &list, &n), 0);
	assert_int_equal((long long)n, count_rows(fx));
	for (size_t i = 0; i < n; i++) {
		cancelled += list[i].status == SCHEDULE_CANCELLED;
		ward += list[i].unit_id == fx->ward;
		district += list[i].unit_id == fx->district;
		assert_true(*list[i].place || *list[i].meeting_url);
		if (*list[i].meeting_url)
			assert_int_equal(schedule_url_check(list[i].meeting_url, &why), 0);
		if (i)
			assert_true(list[i - 1].starts_at <= list[i].starts_at);
	}
	assert_true(ward >= 3);
	assert_true(district >= 3);
	assert_int_equal(ward + district, n);
	assert_int_equal(cancelled, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dates),
		cmocka_unit_test(times),
		cmocka_unit_test(weeks),
		cmocka_unit_test(checks),
		cmocka_unit_test(links),
		cmocka_unit_test(permissions),
		cmocka_unit_test_setup_teardown(storage, setup, teardown),
		cmocka_unit_test_setup_teardown(demo, setup, teardown),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("schedule", tests, NULL, NULL);
}
