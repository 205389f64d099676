/*
 * test_satisfaction.c: ratings of returned dossiers and the satisfaction index
 * (features/satisfaction.h): levels and comments checked, rating keys (stable, one per
 * dossier, of the database's own secret), one rating per returned dossier and none before,
 * and the index of known ratings per agency, procedure and month, rounded half up.
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
#include "features/dossiers.h"
#include "features/org.h"
#include "features/procedures.h"
#include "features/satisfaction.h"
#include "features/settings.h"
#include "store/db.h"
#include "fixture.h"
#include "core/banned.h"

#define SAME_DAY   "2.000815" /* chứng thực bản sao */
#define THREE_DAYS "1.001022"

struct fixture {
	struct testdb_fx tdb;
	struct db *db;
	struct arena arena;
	int64_t ward, ward2, district;
};

static int64_t at(int y, int mo, int d, int h, int mi)
{
	struct civil c = { .year = y, .month = mo, .day = d, .hour = h, .min = mi };
	return time_from_civil(&c, VN_UTC_OFFSET);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	if (!fx)
		return -1;
	*state = fx;
	arena_init(&fx->arena);
	fx->db = testdb_open_migrated("satisfaction", &fx->tdb);
	if (!fx->db)
		return -1;
	if (db_begin(fx->db) || org_demo(fx->db) || procedure_demo(fx->db, at(2026, 1, 5, 8, 0)) ||
	    db_commit(fx->db)) {
		fprintf(stderr, "# demo data: %s\n", db_errmsg(fx->db));
		return -1;
	}
	fx->ward = org_unit_by_code(fx->db, "000.01.15.H26");
	fx->ward2 = org_unit_by_code(fx->db, "000.02.15.H26");
	fx->district = org_unit_by_code(fx->db, "000.00.15.H26");
	return fx->ward > 0 && fx->ward2 > 0 && fx->district > 0 ? 0 : -1;
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

/* A dossier of `procedure` received at `unit` at `when`; with `returned`, handed back (the status set). */
static const char *dossier_at(struct fixture *fx, const char *procedure, int64_t unit, int64_t when,
			      int returned)
{
	struct dossier_intake in;
	char code[DOSSIER_CODE_MAX];
	int64_t id;
	const char *why = NULL;
	int rc;

	memset(&in, 0, sizeof(in));
	in.procedure_code = procedure;
	in.unit_id = unit;
	in.channel = DCH_COUNTER;
	in.applicant = (struct dossier_person){ "Phạm Thu Hà", "001190012345", "1990-05-12", "0912345678", "",
						"Nhân Chính" };
	for (int i = 0; i < DOSSIER_MAX_DOCS; i++)
		in.provided[i] = 1;
	in.actor_name = "Đỗ Văn Nhân";
	assert_int_equal(db_begin(fx->db), 0);
	rc = dossier_create(fx->db, &fx->arena, &in, when, code, &id, &why);
	if (rc)
		fail_msg("dossier_create: %d %s %s", rc, why ? why : "", db_errmsg(fx->db));
	if (returned)
		assert_int_equal(db_exec(fx->db,
					 "UPDATE dossiers SET status = ?, returned_at = ? WHERE id = ?",
					 "iii", (int64_t)DS_RETURNED, when + 3600, id),
				 0);
	assert_int_equal(db_commit(fx->db), 0);
	return arena_strdup(&fx->arena, code);
}

static int rate(struct fixture *fx, const char *code, int a, int b, int c, int d, int e, int64_t now)
{
	struct satisfaction_rating r = { { a, b, c, d, e }, "", SV_LINK };
	int rc;
	assert_int_equal(db_begin(fx->db), 0);
	rc = satisfaction_rate(fx->db, code, &r, now);
	if (rc == SAT_OK)
		assert_int_equal(db_commit(fx->db), 0);
	else
		assert_int_equal(db_rollback(fx->db), 0);
	return rc;
}

static long long ratings_count(struct fixture *fx)
{
	struct db_stmt *st;
	long long n = -1;
	if (db_query(fx->db, &st, "SELECT COUNT(*) FROM satisfaction_ratings", "") == DB_ROW)
		n = db_col_int(st, 0);
	db_release_statements(fx->db);
	return n;
}

/* ---- pure rules ---- */

static void levels_and_names(void **state)
{
	(void)state;
	assert_int_equal(satisfaction_level_parse("1"), 1);
	assert_int_equal(satisfaction_level_parse("5"), 5);
	assert_int_equal(satisfaction_level_parse("0"), 0);
	assert_int_equal(satisfaction_level_parse("6"), 0);
	assert_int_equal(satisfaction_level_parse(""), 0);
	assert_int_equal(satisfaction_level_parse(NULL), 0);
	assert_int_equal(satisfaction_level_parse("05"), 0);
	assert_int_equal(satisfaction_level_parse("4.0"), 0);
	assert_int_equal(satisfaction_level_parse(" 4"), 0);
	assert_int_equal(satisfaction_level_parse("-1"), 0);
	assert_string_equal(satisfaction_factor_name(SF_ACCESS), "access");
	assert_string_equal(satisfaction_factor_name(SF_FEEDBACK), "feedback");
	assert_null(satisfaction_factor_name(SF_COUNT));
	assert_int_equal(satisfaction_factor_from_name("officials"), SF_OFFICIALS);
	assert_int_equal(satisfaction_factor_from_name("Officials"), -1);
	assert_string_equal(satisfaction_level_name(SL_VERY_SATISFIED), "very_satisfied");
	assert_string_equal(satisfaction_level_label(SL_NEUTRAL), "Neutral");
	assert_null(satisfaction_level_label(0));
	assert_null(satisfaction_level_label(6));
}

static void comments(void **state)
{
	struct arena a;
	const char *out = NULL, *why = NULL;
	char *s;
	(void)state;
	arena_init(&a);

	assert_int_equal(satisfaction_comment_check(&a, NULL, &out, &why), 0);
	assert_string_equal(out, "");
	assert_int_equal(satisfaction_comment_check(&a, "  \r\n ", &out, &why), 0);
	assert_string_equal(out, "");
	assert_int_equal(
		satisfaction_comment_check(&a, "  Cán bộ nhiệt tình\r\nCảm ơn\rnhiều\t! ", &out, &why), 0);
	assert_string_equal(out, "Cán bộ nhiệt tình\nCảm ơn\nnhiều\t!");

	/* 1000 characters of two bytes each pass; one more does not */
	s = malloc(2 * 1001 + 1);
	for (int i = 0; i < 1001; i++)
		memcpy(s + 2 * i, "ư", 2);
	s[2 * 1000] = '\0';
	assert_int_equal(satisfaction_comment_check(&a, s, &out, &why), 0);
	assert_int_equal(strlen(out), 2000);
	s[2 * 1001] = '\0';
	memcpy(s + 2 * 1000, "ư", 2);
	assert_int_equal(satisfaction_comment_check(&a, s, &out, &why), -1);
	assert_string_equal(why, "The comment is too long: at most 1000 characters.");
	free(s);

	/* control characters, C1 included, and broken UTF-8 */
	assert_int_equal(satisfaction_comment_check(&a, "tốt\x07", &out, &why), -1);
	assert_string_equal(why, "The comment may not contain control characters.");
	assert_int_equal(satisfaction_comment_check(&a, "a\x7f", &out, &why), -1);
	assert_int_equal(satisfaction_comment_check(&a, "a\xc2\x85z", &out, &why), -1);
	assert_int_equal(satisfaction_comment_check(&a, "t\xe1\xbb", &out, &why), -1);
	assert_string_equal(why, "The comment is not valid text.");
	assert_int_equal(satisfaction_comment_check(&a, "\xc0\xafx", &out, &why), -1);
	arena_release(&a);
}

static void permille_rounding(void **state)
{
	struct satisfaction_tally t;
	int all5[SF_COUNT] = { 5, 5, 5, 5, 5 }, mixed[SF_COUNT] = { 4, 3, 2, 1, 5 };
	(void)state;
	assert_int_equal(satisfaction_permille(0, 0), -1);
	assert_int_equal(satisfaction_permille(1, 1), 1000);
	assert_int_equal(satisfaction_permille(2, 3), 667);  /* 666.67 */
	assert_int_equal(satisfaction_permille(1, 3), 333);  /* 333.33 */
	assert_int_equal(satisfaction_permille(1, 16), 63);  /* 62.5: half up */
	assert_int_equal(satisfaction_permille(1, 2000), 1); /* 0.5: half up */
	assert_int_equal(satisfaction_permille(1, 2001), 0);

	memset(&t, 0, sizeof(t));
	assert_int_equal(satisfaction_index(&t, -1), -1);
	assert_int_equal(satisfaction_index(&t, SF_ACCESS), -1);
	satisfaction_tally_add(&t, all5, 2);
	satisfaction_tally_add(&t, mixed, 1);
	assert_int_equal(t.ratings, 3);
	/* answers: 15, satisfied 10 + 2 (the 4 and the 5 of the mixed one) */
	assert_int_equal(satisfaction_satisfied(&t, -1), 12);
	assert_int_equal(satisfaction_index(&t, -1), 800);
	assert_int_equal(satisfaction_index(&t, SF_ACCESS), 1000);
	assert_int_equal(satisfaction_index(&t, SF_PROCEDURE), 667);
	assert_int_equal(satisfaction_index(&t, SF_RESULT), 667);
	assert_int_equal(t.answers[SF_RESULT][SL_VERY_DISSATISFIED - 1], 1);
	assert_int_equal(t.answers[SF_RESULT][SL_VERY_SATISFIED - 1], 2);
	assert_int_equal(satisfaction_day(at(2026, 12, 31, 23, 59)), 20261231);
	/* 17:00 UTC is already the next day in Hà Nội */
	assert_int_equal(satisfaction_day(at(2027, 1, 1, 0, 0)), 20270101);
}

/* ---- keys ---- */

static void keys(void **state)
{
	struct fixture *fx = *state;
	char k1[SATISFACTION_KEY_LEN + 1], k1b[SATISFACTION_KEY_LEN + 1], k2[SATISFACTION_KEY_LEN + 1];
	char *secret;
	struct db *other;
	char *err = NULL;

	assert_null(settings_get(fx->db, "satisfaction_secret"));
	assert_int_equal(satisfaction_key(fx->db, "000.01.15.H26-261126-0001", k1), 0);
	assert_int_equal(strlen(k1), SATISFACTION_KEY_LEN);
	for (const char *p = k1; *p; p++)
		assert_non_null(
			strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p));
	/* the secret was made on first use and kept: the same key again, from another connection too */
	secret = settings_get(fx->db, "satisfaction_secret");
	assert_non_null(secret);
	assert_int_equal(strlen(secret), 64);
	free(secret);
	other = db_open(fx->tdb.path, &err);
	assert_non_null(other);
	assert_int_equal(satisfaction_key(other, "000.01.15.H26-261126-0001", k1b), 0);
	db_close(other);
	assert_string_equal(k1, k1b);
	/* another dossier, another key */
	assert_int_equal(satisfaction_key(fx->db, "000.01.15.H26-261126-0002", k2), 0);
	assert_string_not_equal(k1, k2);

	assert_int_equal(satisfaction_key_ok(fx->db, "000.01.15.H26-261126-0001", k1), 1);
	assert_int_equal(satisfaction_key_ok(fx->db, "000.01.15.H26-261126-0002", k1), 0);
	assert_int_equal(satisfaction_key_ok(fx->db, "000.01.15.H26-261126-0001", ""), 0);
	assert_int_equal(satisfaction_key_ok(fx->db, "000.01.15.H26-261126-0001", NULL), 0);
	k1b[SATISFACTION_KEY_LEN - 1] = k1b[SATISFACTION_KEY_LEN - 1] == 'A' ? 'B' : 'A';
	assert_int_equal(satisfaction_key_ok(fx->db, "000.01.15.H26-261126-0001", k1b), 0);
	k1b[SATISFACTION_KEY_LEN - 1] = '\0';
	assert_int_equal(satisfaction_key_ok(fx->db, "000.01.15.H26-261126-0001", k1b), 0);

	/* a new secret (another database) makes other keys */
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(settings_set(fx->db, "satisfaction_secret",
				      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"),
			 0);
	assert_int_equal(db_commit(fx->db), 0);
	assert_int_equal(satisfaction_key(fx->db, "000.01.15.H26-261126-0001", k1b), 0);
	assert_string_not_equal(k1, k1b);
	assert_int_equal(satisfaction_key_ok(fx->db, "000.01.15.H26-261126-0001", k1), 0);
}

/* ---- rating ---- */

static void one_rating_per_returned_dossier(void **state)
{
	struct fixture *fx = *state;
	int64_t t0 = at(2026, 3, 2, 9, 0);
	const char *open = dossier_at(fx, SAME_DAY, fx->ward, t0, 0);
	const char *done = dossier_at(fx, SAME_DAY, fx->ward, t0 + 600, 1);
	struct satisfaction_dossier d;
	long long before = ratings_count(fx);

	/* not returned yet: refused, nothing written */
	assert_int_equal(rate(fx, open, 5, 5, 5, 5, 5, t0 + 7200), SAT_NOT_RETURNED);
	assert_int_equal(ratings_count(fx), before);
	/* levels out of range and an unknown dossier */
	assert_int_equal(rate(fx, done, 0, 5, 5, 5, 5, t0 + 7200), SAT_INVALID);
	assert_int_equal(rate(fx, done, 5, 5, 5, 5, 6, t0 + 7200), SAT_INVALID);
	assert_int_equal(rate(fx, "000.01.15.H26-991231-9999", 5, 5, 5, 5, 5, t0 + 7200), SAT_NOT_FOUND);
	assert_int_equal(rate(fx, "not a code", 5, 5, 5, 5, 5, t0 + 7200), SAT_NOT_FOUND);
	assert_int_equal(ratings_count(fx), before);

	assert_int_equal(satisfaction_dossier(fx->db, &fx->arena, done, &d), SAT_OK);
	assert_int_equal(d.status, DS_RETURNED);
	assert_int_equal(d.unit_id, fx->ward);
	assert_int_equal(d.rated_at, 0);
	assert_string_equal(d.procedure_code, SAME_DAY);

	assert_int_equal(rate(fx, done, 5, 4, 3, 2, 1, t0 + 7200), SAT_OK);
	assert_int_equal(ratings_count(fx), before + 1);
	assert_int_equal(satisfaction_dossier(fx->db, &fx->arena, done, &d), SAT_OK);
	assert_int_equal(d.rated_at, t0 + 7200);
	/* a second one is refused and the first stays as it was */
	assert_int_equal(rate(fx, done, 1, 1, 1, 1, 1, t0 + 9000), SAT_ALREADY);
	assert_int_equal(ratings_count(fx), before + 1);
	{
		struct db_stmt *st;
		assert_int_equal(
			db_query(fx->db, &st,
				 "SELECT f_access, f_feedback, rated_at, day, unit_id FROM satisfaction_ratings r "
				 "JOIN dossiers d ON d.id = r.dossier_id WHERE d.code = ?",
				 "s", done),
			DB_ROW);
		assert_int_equal(db_col_int(st, 0), 5);
		assert_int_equal(db_col_int(st, 1), 1);
		assert_int_equal(db_col_int(st, 2), t0 + 7200);
		assert_int_equal(db_col_int(st, 3), 20260302);
		assert_int_equal(db_col_int(st, 4), fx->ward);
		db_release_statements(fx->db);
	}
	/* the database refuses what the code would: a level out of range */
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(
		db_exec(fx->db,
			"UPDATE satisfaction_ratings SET f_access = 6 WHERE dossier_id = (SELECT id FROM dossiers "
			"WHERE code = ?)",
			"s", done),
		DB_CONSTRAINT);
	assert_int_equal(db_rollback(fx->db), 0);
}

/* ---- the index ---- */

static void index_of_known_ratings(void **state)
{
	struct fixture *fx = *state;
	struct satisfaction_stats s;
	struct satisfaction_query q;
	int64_t ward_only[1], district_tree[3];
	/* a clean slate for the period: ratings in May and June 2026 only */
	int64_t may = at(2026, 5, 11, 9, 0), june = at(2026, 6, 15, 9, 0);
	const char *a1 = dossier_at(fx, SAME_DAY, fx->ward, may, 1);
	const char *a2 = dossier_at(fx, SAME_DAY, fx->ward, may + 60, 1);
	const char *a3 = dossier_at(fx, THREE_DAYS, fx->ward, may + 120, 1);
	const char *b1 = dossier_at(fx, SAME_DAY, fx->ward2, may + 180, 1);
	const char *b2 = dossier_at(fx, THREE_DAYS, fx->ward2, may + 240, 1);

	assert_int_equal(rate(fx, a1, 5, 5, 5, 5, 5, may + 7200), SAT_OK);   /* 5 satisfied */
	assert_int_equal(rate(fx, a2, 4, 4, 3, 2, 1, may + 7300), SAT_OK);   /* 2 */
	assert_int_equal(rate(fx, a3, 3, 3, 3, 3, 3, june), SAT_OK);	     /* 0 */
	assert_int_equal(rate(fx, b1, 5, 4, 5, 4, 3, may + 7400), SAT_OK);   /* 4 */
	assert_int_equal(rate(fx, b2, 1, 2, 4, 5, 5, june + 86400), SAT_OK); /* 3 */

	/* everything: 5 ratings, 25 answers, 14 satisfied = 560 ‰ */
	memset(&q, 0, sizeof(q));
	q.from = 20260501;
	q.to = 20260630;
	assert_int_equal(satisfaction_stats_load(fx->db, &fx->arena, &q, &s), 0);
	assert_int_equal(s.total.ratings, 5);
	assert_int_equal(satisfaction_satisfied(&s.total, -1), 14);
	assert_int_equal(satisfaction_index(&s.total, -1), 560);
	/* access: 5 4 3 5 1 → 3 of 5; feedback: 5 1 3 3 5 → 2 of 5 */
	assert_int_equal(satisfaction_index(&s.total, SF_ACCESS), 600);
	assert_int_equal(satisfaction_index(&s.total, SF_FEEDBACK), 400);
	assert_int_equal(s.total.answers[SF_ACCESS][SL_VERY_DISSATISFIED - 1], 1);
	assert_int_equal(s.total.answers[SF_ACCESS][SL_NEUTRAL - 1], 1);
	assert_int_equal(s.total.answers[SF_ACCESS][SL_VERY_SATISFIED - 1], 2);
	/* per agency, by id */
	assert_int_equal(s.nunits, 2);
	assert_true(s.units[0].unit_id < s.units[1].unit_id);
	for (size_t i = 0; i < s.nunits; i++) {
		if (s.units[i].unit_id == fx->ward) {
			assert_int_equal(s.units[i].t.ratings, 3);
			assert_int_equal(satisfaction_index(&s.units[i].t, -1), 467); /* 7 of 15 */
		} else {
			assert_int_equal(s.units[i].unit_id, fx->ward2);
			assert_int_equal(satisfaction_index(&s.units[i].t, -1), 700); /* 7 of 10 */
		}
	}
	/* per procedure, by code, with the name it was received under */
	assert_int_equal(s.nprocs, 2);
	assert_string_equal(s.procs[0].code, THREE_DAYS);
	assert_int_equal(s.procs[0].t.ratings, 2);
	assert_int_equal(satisfaction_index(&s.procs[0].t, -1), 300); /* 3 of 10 */
	assert_string_equal(s.procs[1].code, SAME_DAY);
	assert_int_equal(satisfaction_index(&s.procs[1].t, -1), 733); /* 11 of 15 */
	assert_true(strlen(s.procs[1].name) > 0);
	/* per month, every month of the period */
	assert_int_equal(s.nmonths, 2);
	assert_int_equal(s.months[0].month, 202605);
	assert_int_equal(s.months[0].t.ratings, 3);
	assert_int_equal(satisfaction_index(&s.months[0].t, -1), 733); /* 11 of 15 */
	assert_int_equal(s.months[1].month, 202606);
	assert_int_equal(satisfaction_index(&s.months[1].t, -1), 300);

	/* one agency */
	ward_only[0] = fx->ward;
	q.units = ward_only;
	q.nunits = 1;
	assert_int_equal(satisfaction_stats_load(fx->db, &fx->arena, &q, &s), 0);
	assert_int_equal(s.total.ratings, 3);
	assert_int_equal(satisfaction_index(&s.total, -1), 467);
	assert_int_equal(s.nunits, 1);

	/* a district and its wards (sorted ids) */
	district_tree[0] = fx->district;
	district_tree[1] = fx->ward < fx->ward2 ? fx->ward : fx->ward2;
	district_tree[2] = fx->ward < fx->ward2 ? fx->ward2 : fx->ward;
	if (district_tree[0] > district_tree[1]) {
		int64_t x = district_tree[0];
		district_tree[0] = district_tree[1];
		district_tree[1] = x;
		if (district_tree[1] > district_tree[2]) {
			x = district_tree[1];
			district_tree[1] = district_tree[2];
			district_tree[2] = x;
		}
	}
	q.units = district_tree;
	q.nunits = 3;
	assert_int_equal(satisfaction_stats_load(fx->db, &fx->arena, &q, &s), 0);
	assert_int_equal(s.total.ratings, 5);

	/* a period: May alone; a day (the 16th of June) */
	q.units = NULL;
	q.nunits = 0;
	q.to = 20260531;
	assert_int_equal(satisfaction_stats_load(fx->db, &fx->arena, &q, &s), 0);
	assert_int_equal(s.total.ratings, 3);
	assert_int_equal(s.nmonths, 1);
	q.from = q.to = 20260616;
	assert_int_equal(satisfaction_stats_load(fx->db, &fx->arena, &q, &s), 0);
	assert_int_equal(s.total.ratings, 1);
	assert_int_equal(satisfaction_index(&s.total, -1), 600); /* b2: 3 of 5 */
	/* none: no index */
	q.from = q.to = 20260101;
	assert_int_equal(satisfaction_stats_load(fx->db, &fx->arena, &q, &s), 0);
	assert_int_equal(s.total.ratings, 0);
	assert_int_equal(satisfaction_index(&s.total, -1), -1);
	assert_int_equal(s.nunits, 0);
	assert_int_equal(s.nprocs, 0);

	/* bad periods */
	q.from = 20260231;
	q.to = 20260301;
	assert_int_equal(satisfaction_stats_load(fx->db, &fx->arena, &q, &s), -1);
	q.from = 20260601;
	q.to = 20260501;
	assert_int_equal(satisfaction_stats_load(fx->db, &fx->arena, &q, &s), -1);
	/* across a year's end, the months in order */
	q.from = 20251115;
	q.to = 20260215;
	assert_int_equal(satisfaction_stats_load(fx->db, &fx->arena, &q, &s), 0);
	assert_int_equal(s.nmonths, 4);
	assert_int_equal(s.months[1].month, 202512);
	assert_int_equal(s.months[2].month, 202601);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(levels_and_names),
		cmocka_unit_test(comments),
		cmocka_unit_test(permille_rounding),
		cmocka_unit_test_setup_teardown(keys, setup, teardown),
		cmocka_unit_test_setup_teardown(one_rating_per_returned_dossier, setup, teardown),
		cmocka_unit_test_setup_teardown(index_of_known_ratings, setup, teardown),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("satisfaction", tests, NULL, NULL);
}
