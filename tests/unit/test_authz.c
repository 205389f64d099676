/*
 * test_authz.c: what can() is given from the database (features/authz.c):
 * the unit tree and its paths, an actor's grants and the delegations in
 * force, scopes for lists, and grants and delegations that are revoked or
 * whose delegator lost the power. Runs on SQLite, or on PostgreSQL with
 * MOTCUA_TEST_BACKEND=pg (tests/run.sh runs it both ways).
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
#include "features/accounts.h"
#include "features/authz.h"
#include "features/org.h"
#include "store/db.h"
#include "store/migrate.h"
#include "testdb.h"
#include "core/banned.h"

#define PASSWORD "Hoa-Sen-Ho-Tay-2026"
#define NOW	 ((int64_t)1795000000) /* 2026-11-18, a fixed clock */

struct fixture {
	char dir[64];
	char path[320];
	int pg;
	struct db *db;
	struct arena arena;
	int64_t city, district, ward, ward_onestop, other_ward, dept;
};

static int64_t unit_id(struct db *db, const char *code)
{
	int64_t id = org_unit_by_code(db, code);
	if (id <= 0)
		fail_msg("no unit %s", code);
	return id;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char *err = NULL;
	int applied = 0;

	if (!fx || testdb_fresh("authz", fx->dir, fx->path, sizeof(fx->path), &fx->pg))
		return -1;
	*state = fx;
	arena_init(&fx->arena);
	fx->db = db_open(fx->path, &err);
	if (!fx->db || migrate_run(fx->db, &applied, &err)) {
		fprintf(stderr, "# %s\n", err ? err : "cannot open the database");
		free(err);
		return -1;
	}
	if (db_begin(fx->db) || org_demo(fx->db) || db_commit(fx->db)) {
		fprintf(stderr, "# %s\n", db_errmsg(fx->db));
		return -1;
	}
	fx->city = unit_id(fx->db, "000.00.00.H26");
	fx->district = unit_id(fx->db, "000.00.15.H26");
	fx->ward = unit_id(fx->db, "000.01.15.H26");
	fx->ward_onestop = unit_id(fx->db, "100.01.15.H26");
	fx->other_ward = unit_id(fx->db, "000.02.15.H26");
	fx->dept = unit_id(fx->db, "002.15.00.H26");
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	if (!fx)
		return 0;
	arena_release(&fx->arena);
	db_close(fx->db);
	testdb_remove(fx->dir, fx->path, fx->pg);
	free(fx);
	return 0;
}

/* A staff account at `unit` with one role (NULL for none), its id. */
static int64_t staff(struct fixture *fx, const char *username, int64_t unit, const char *role)
{
	const char *roles[] = { role, NULL };
	int64_t id = 0;
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(account_create_staff(fx->db, username, "Nguyễn Văn Thử", "Chuyên viên", unit,
					      PASSWORD, role ? roles : NULL, &id),
			 0);
	assert_int_equal(db_commit(fx->db), 0);
	return id;
}

static struct actor load(struct fixture *fx, int64_t account, int64_t now)
{
	struct actor a;
	assert_int_equal(authz_actor_load(fx->db, &fx->arena, account, now, &a), 0);
	return a;
}

/* Whether `a` may do `action` at `unit` at `now`, through the tree as the web layer builds it. */
static int may(struct fixture *fx, const struct actor *a, const char *action, int64_t unit, int64_t now,
	       const struct delegation **via)
{
	struct unit_tree t;
	int64_t path[UNIT_MAX_DEPTH];
	struct object o = { path, 0, 0 };
	assert_int_equal(unit_tree_load(fx->db, &fx->arena, &t), 0);
	o.depth = unit_tree_path(&t, unit, path, UNIT_MAX_DEPTH);
	return can(a, action, &o, now, via);
}

static void test_tree_paths(void **state)
{
	struct fixture *fx = *state;
	struct unit_tree t;
	int64_t path[UNIT_MAX_DEPTH];
	size_t depth;

	assert_int_equal(unit_tree_load(fx->db, &fx->arena, &t), 0);
	/* city, district, 12 departments, the district's one-stop, 11 wards with one each */
	assert_int_equal(t.n, 2 + 12 + 1 + 22);
	depth = unit_tree_path(&t, fx->ward_onestop, path, UNIT_MAX_DEPTH);
	assert_int_equal(depth, 4);
	assert_true(path[0] == fx->ward_onestop && path[1] == fx->ward && path[2] == fx->district &&
		    path[3] == fx->city);
	assert_int_equal(unit_tree_path(&t, fx->city, path, UNIT_MAX_DEPTH), 1);
	/* an unknown unit, or a path longer than the room given */
	assert_int_equal(unit_tree_path(&t, 999999, path, UNIT_MAX_DEPTH), 0);
	assert_int_equal(unit_tree_path(&t, fx->ward_onestop, path, 3), 0);
	assert_true(unit_tree_within(&t, fx->ward_onestop, fx->district));
	assert_true(unit_tree_within(&t, fx->ward, fx->ward));
	assert_false(unit_tree_within(&t, fx->ward, fx->other_ward));
	assert_false(unit_tree_within(&t, fx->district, fx->ward));
}

/* A cycle written into the table by hand does not hang the check: no path, no permission. */
static void test_tree_cycle(void **state)
{
	struct fixture *fx = *state;
	struct unit_tree t;
	int64_t path[UNIT_MAX_DEPTH];
	assert_int_equal(
		db_exec(fx->db, "UPDATE units SET parent_id = ? WHERE id = ?", "ii", fx->ward, fx->city), 0);
	assert_int_equal(unit_tree_load(fx->db, &fx->arena, &t), 0);
	assert_int_equal(unit_tree_path(&t, fx->ward_onestop, path, UNIT_MAX_DEPTH), 0);
	assert_false(unit_tree_within(&t, fx->ward_onestop, fx->ward + 1000000));
}

/* A district admin manages every unit below; a ward admin his ward and its one-stop section only. */
static void test_scope(void **state)
{
	struct fixture *fx = *state;
	struct unit_tree t;
	int64_t *units;
	int64_t district_admin = staff(fx, "qt.quan", fx->district, "admin");
	int64_t ward_admin = staff(fx, "qt.phuong", fx->ward, "admin");
	int64_t clerk = staff(fx, "motcua.phuong", fx->ward_onestop, "onestop_clerk");
	struct actor a;
	size_t n;

	assert_int_equal(unit_tree_load(fx->db, &fx->arena, &t), 0);
	a = load(fx, district_admin, NOW);
	n = authz_scope(&a, &t, "user.manage", NOW, &fx->arena, &units);
	assert_int_equal(n, t.n - 1); /* all but the city above */
	for (size_t i = 0; i < n; i++)
		assert_true(units[i] != fx->city);

	a = load(fx, ward_admin, NOW);
	n = authz_scope(&a, &t, "user.manage", NOW, &fx->arena, &units);
	assert_int_equal(n, 2);
	assert_true((units[0] == fx->ward && units[1] == fx->ward_onestop) ||
		    (units[1] == fx->ward && units[0] == fx->ward_onestop));
	assert_false(may(fx, &a, "user.read", fx->other_ward, NOW, NULL));

	/* a clerk manages nobody, and receives dossiers at his section only */
	a = load(fx, clerk, NOW);
	assert_int_equal(authz_scope(&a, &t, "user.read", NOW, &fx->arena, &units), 0);
	assert_true(may(fx, &a, "dossier.receive", fx->ward_onestop, NOW, NULL));
	assert_false(may(fx, &a, "dossier.receive", fx->ward, NOW, NULL));
}

/* Grants: one per role and unit in force; revoked at once; a role at a unit without descendants. */
static void test_grants(void **state)
{
	struct fixture *fx = *state;
	int64_t who = staff(fx, "cv.phuong", fx->ward, NULL), g1 = 0, g2 = 0, again = 0;
	struct role_grant g;
	struct actor a = load(fx, who, NOW);

	assert_int_equal(a.ngrants, 0);
	assert_false(may(fx, &a, "user.read", fx->ward, NOW, NULL));

	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(grant_add(fx->db, who, "admin", fx->ward, 0, "account:1", NOW, &g1), 0);
	assert_int_equal(grant_add(fx->db, who, "admin", fx->ward, 1, "account:1", NOW, &again), 1);
	assert_int_equal(grant_add(fx->db, who, "leader", fx->ward, 0, "account:1", NOW, &g2), 0);
	assert_int_equal(db_commit(fx->db), 0);
	assert_true(g1 && g2 && g1 != g2);

	a = load(fx, who, NOW);
	assert_int_equal(a.ngrants, 2);
	assert_true(may(fx, &a, "user.read", fx->ward, NOW, NULL));
	/* granted without the units below */
	assert_false(may(fx, &a, "user.read", fx->ward_onestop, NOW, NULL));

	assert_int_equal(grant_load(fx->db, g1, &g), 0);
	assert_string_equal(g.role, "admin");
	assert_int_equal(g.unit_id, fx->ward);
	assert_string_equal(g.granted_by, "account:1");
	assert_int_equal(g.revoked_at, 0);

	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(grant_revoke(fx->db, g1, "account:1", NOW + 60), 0);
	assert_int_equal(grant_revoke(fx->db, g1, "account:1", NOW + 61), 1);
	assert_int_equal(db_commit(fx->db), 0);
	assert_int_equal(grant_load(fx->db, g1, &g), 0);
	assert_int_equal(g.revoked_at, NOW + 60);
	assert_string_equal(g.revoked_by, "account:1");
	a = load(fx, who, NOW + 60);
	assert_int_equal(a.ngrants, 1);
	assert_false(may(fx, &a, "user.read", fx->ward, NOW + 60, NULL));
	assert_int_equal(grant_load(fx->db, 999999, &g), 1);
	/* an unknown unit is refused by the database */
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(grant_add(fx->db, who, "editor", 999999, 0, "cli", NOW, &again), DB_CONSTRAINT);
	db_rollback(fx->db);
}

static int64_t delegate(struct fixture *fx, int64_t from, int64_t to, int64_t unit, int64_t start,
			int64_t end)
{
	struct delegation d = { 0 };
	int64_t id = 0;
	d.from_account = from;
	d.to_account = to;
	d.power = "certification.sign";
	d.unit_id = unit;
	d.valid_from = start;
	d.valid_to = end;
	d.decision_no = "15/QĐ-UBND";
	d.decision_date = "2026-11-18";
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(delegation_add(fx->db, &d, "", "account:1", NOW, &id), 0);
	assert_int_equal(db_commit(fx->db), 0);
	return id;
}

/* A delegation counts inside its window, to the second, until revoked. */
static void test_delegation_window(void **state)
{
	struct fixture *fx = *state;
	int64_t chair = staff(fx, "chutich", fx->ward, "leader");
	int64_t official = staff(fx, "tuphap", fx->ward, "specialist");
	int64_t id = delegate(fx, chair, official, fx->ward, NOW, NOW + 3600);
	const struct delegation *via = NULL;
	struct delegation d;
	struct actor a;

	a = load(fx, official, NOW - 1);
	assert_int_equal(a.ndelegations, 0);
	assert_false(may(fx, &a, "certification.sign", fx->ward, NOW - 1, NULL));
	a = load(fx, official, NOW);
	assert_int_equal(a.ndelegations, 1);
	assert_true(may(fx, &a, "certification.sign", fx->ward, NOW, &via));
	assert_non_null(via);
	assert_int_equal(via->id, id);
	assert_string_equal(via->decision_no, "15/QĐ-UBND");
	/* not at another ward, and not a power that was not delegated */
	assert_false(may(fx, &a, "certification.sign", fx->other_ward, NOW, NULL));
	assert_false(may(fx, &a, "document.sign", fx->ward, NOW, NULL));
	a = load(fx, official, NOW + 3599);
	assert_int_equal(a.ndelegations, 1);
	a = load(fx, official, NOW + 3600);
	assert_int_equal(a.ndelegations, 0);
	assert_false(may(fx, &a, "certification.sign", fx->ward, NOW + 3600, NULL));

	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(delegation_revoke_row(fx->db, id, "account:2", "nghỉ phép kết thúc", NOW + 10), 0);
	assert_int_equal(delegation_revoke_row(fx->db, id, "account:2", "lần hai", NOW + 11), 1);
	assert_int_equal(db_commit(fx->db), 0);
	a = load(fx, official, NOW + 20);
	assert_false(may(fx, &a, "certification.sign", fx->ward, NOW + 20, NULL));
	assert_int_equal(delegation_load(fx->db, &fx->arena, id, &d), 0);
	assert_int_equal(d.revoked_at, NOW + 10);
	assert_string_equal(d.power, "certification.sign");
	assert_int_equal(delegation_load(fx->db, &fx->arena, 999999, &d), 1);
}

/* A delegation ends with its delegator's power: his grant revoked, or his account disabled. */
static void test_delegation_follows_holder(void **state)
{
	struct fixture *fx = *state;
	int64_t chair = staff(fx, "chutich", fx->ward, "leader");
	int64_t official = staff(fx, "tuphap", fx->ward, "specialist");
	int64_t chair2 = staff(fx, "chutich2", fx->other_ward, "leader");
	int64_t official2 = staff(fx, "tuphap2", fx->other_ward, "specialist");
	int64_t grant = 0, id = 0;
	struct db_stmt *st;
	struct actor a;

	delegate(fx, chair, official, fx->ward, NOW, NOW + 86400);
	delegate(fx, chair2, official2, fx->other_ward, NOW, NOW + 86400);
	a = load(fx, official, NOW + 5);
	assert_true(may(fx, &a, "certification.sign", fx->ward, NOW + 5, NULL));

	assert_int_equal(db_query(fx->db, &st, "SELECT id FROM role_grants WHERE account_id = ?", "i", chair),
			 DB_ROW);
	grant = db_col_int(st, 0);
	db_release_statements(fx->db);
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(grant_revoke(fx->db, grant, "account:1", NOW + 10), 0);
	assert_int_equal(db_commit(fx->db), 0);
	a = load(fx, official, NOW + 11);
	assert_int_equal(a.ndelegations, 0);
	assert_false(may(fx, &a, "certification.sign", fx->ward, NOW + 11, NULL));

	/* the other ward's chairman leaves: his account is disabled */
	a = load(fx, official2, NOW + 11);
	assert_int_equal(a.ndelegations, 1);
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(account_disable(fx->db, "chutich2", NOW + 12, &id), 0);
	assert_int_equal(db_commit(fx->db), 0);
	assert_int_equal(id, chair2);
	a = load(fx, official2, NOW + 13);
	assert_int_equal(a.ndelegations, 0);
	/* and a disabled account has no rights of its own */
	a = load(fx, chair2, NOW + 13);
	assert_int_equal(a.ngrants, 0);
	assert_false(may(fx, &a, "certification.sign", fx->other_ward, NOW + 13, NULL));
}

/* A citizen holds the citizen role, at no unit: his own records only. */
static void test_citizen(void **state)
{
	struct fixture *fx = *state;
	struct citizen_reg r = { "Nguyễn Văn An", "001099012345", "an@example.com", "", PASSWORD };
	int64_t id = 0;
	struct actor a;
	int64_t none[1] = { 0 };
	struct object own = { none, 0, 0 };

	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(account_create_citizen(fx->db, &r, &id), 0);
	assert_int_equal(db_commit(fx->db), 0);
	a = load(fx, id, NOW);
	assert_int_equal(a.ngrants, 1);
	assert_int_equal(a.grants[0].role, ROLE_CITIZEN);
	own.owner_account = id;
	assert_true(can(&a, "citizen.self", &own, NOW, NULL));
	own.owner_account = id + 1;
	assert_false(can(&a, "citizen.self", &own, NOW, NULL));
	assert_false(may(fx, &a, "user.read", fx->ward, NOW, NULL));
	/* an unknown account: no rights at all */
	a = load(fx, 999999, NOW);
	assert_int_equal(a.ngrants, 0);
	assert_int_equal(a.ndelegations, 0);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tree_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tree_cycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grants, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delegation_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delegation_follows_holder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_citizen, setup, teardown),
	};
	return cmocka_run_group_tests_name("authz", tests, NULL, NULL) ? 1 : 0;
}
