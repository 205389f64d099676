/* test_permission.c: roles at units, delegations and signing notations (rules/permission.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "rules/permission.h"
#include "core/banned.h"

#define UNKNOWN	      "This power is unknown."
#define NOT_DELEGABLE "This power cannot be delegated."
#define NO_DELEGATE   "Choose the official who receives the delegation."
#define SELF	      "A power cannot be delegated to its own holder."
#define NO_NUMBER     "Give the number of the written delegation decision."
#define NO_DATE	      "Give the date of the written delegation decision."
#define ORDER	      "A delegation must end after it starts."
#define TOO_LONG      "A delegation may last one year at most."
#define ENDED	      "This delegation would already have ended."
#define REDELEGATE    "A power held by delegation cannot be delegated further."
#define NOT_HELD      "The delegator does not hold this power at this unit."

/* The tree: Hà Nội (1) → Quận Thanh Xuân (10) → Phòng Tư pháp (20), phường Nhân Chính (101), Thượng Đình
 * (102). */
#define CITY	 1
#define DISTRICT 10
#define DEPT	 20
#define WARD_A	 101
#define WARD_B	 102

static const int64_t path_city[] = { CITY };
static const int64_t path_district[] = { DISTRICT, CITY };
static const int64_t path_dept[] = { DEPT, DISTRICT, CITY };
static const int64_t path_ward_a[] = { WARD_A, DISTRICT, CITY };
static const int64_t path_ward_b[] = { WARD_B, DISTRICT, CITY };

#define PATH(p) p, sizeof(p) / sizeof(p[0])

static const struct object city = { PATH(path_city), 0 };
static const struct object district = { PATH(path_district), 0 };
static const struct object dept = { PATH(path_dept), 0 };
static const struct object ward_a = { PATH(path_ward_a), 0 };
static const struct object ward_b = { PATH(path_ward_b), 0 };
static const struct object nowhere = { NULL, 0, 0 };
static const struct object record_900 = { PATH(path_ward_a), 900 };
static const struct object record_901 = { PATH(path_ward_a), 901 };
static const struct object record_999 = { PATH(path_ward_a), 999 };
static const struct object record_none = { NULL, 0, 0 };

/* 2024-01-01 00:00:00 UTC; the delegation runs 90 days from there */
#define T0  ((int64_t)1704067200)
#define T1  (T0 + 90 * 86400)
#define NOW (T0 + 10 * 86400)

#define ACTOR(id, g)                                     \
	{                                                \
		id, g, sizeof(g) / sizeof(g[0]), NULL, 0 \
	}
#define ACTOR_D(id, g, d)                                                    \
	{                                                                    \
		id, g, sizeof(g) / sizeof(g[0]), d, sizeof(d) / sizeof(d[0]) \
	}

static const struct grant g_city_admin[] = { { ROLE_ADMIN, CITY, 1 } };
static const struct grant g_district_admin[] = { { ROLE_ADMIN, DISTRICT, 1 } };
static const struct grant g_district_admin_here[] = { { ROLE_ADMIN, DISTRICT, 0 } };
static const struct grant g_ward_a_admin[] = { { ROLE_ADMIN, WARD_A, 1 } };
static const struct grant g_ward_a_clerk[] = { { ROLE_ONESTOP_CLERK, WARD_A, 0 } };
static const struct grant g_district_clerk_wide[] = { { ROLE_ONESTOP_CLERK, DISTRICT, 1 } };
static const struct grant g_chair_a[] = { { ROLE_LEADER, WARD_A, 0 } };
static const struct grant g_chair_b[] = { { ROLE_LEADER, WARD_B, 0 } };
static const struct grant g_district_chair[] = { { ROLE_LEADER, DISTRICT, 1 } };
static const struct grant g_ward_a_specialist[] = { { ROLE_SPECIALIST, WARD_A, 0 } };
static const struct grant g_dept_specialist[] = { { ROLE_SPECIALIST, DEPT, 0 } };
static const struct grant g_records[] = { { ROLE_RECORDS_CLERK, WARD_A, 0 } };
static const struct grant g_collector[] = { { ROLE_COLLECTOR, WARD_A, 0 } };
static const struct grant g_editor[] = { { ROLE_EDITOR, DISTRICT, 0 } };
static const struct grant g_citizen[] = { { ROLE_CITIZEN, 0, 0 } };

/* The chairman of phường Nhân Chính (500) delegates signing certifications to the Tư pháp - Hộ tịch official
 * (600). */
static const struct delegation d_cert[] = {
	{ 1, 500, 600, "certification.sign", WARD_A, T0, T1, 0, "15/QĐ-UBND", "2023-12-28", 0 },
};
/* …who passed it on to a colleague (700): recorded as from a delegate, never honoured */
static const struct delegation d_passed_on[] = {
	{ 2, 600, 700, "certification.sign", WARD_A, T0, T1, 0, "16/QĐ-UBND", "2024-01-02", 1 },
};

static const struct actor city_admin = ACTOR(1, g_city_admin);
static const struct actor district_admin = ACTOR(2, g_district_admin);
static const struct actor district_admin_here = ACTOR(3, g_district_admin_here);
static const struct actor ward_a_admin = ACTOR(4, g_ward_a_admin);
static const struct actor ward_a_clerk = ACTOR(5, g_ward_a_clerk);
static const struct actor district_clerk_wide = ACTOR(6, g_district_clerk_wide);
static const struct actor chair_a = ACTOR(500, g_chair_a);
static const struct actor chair_b = ACTOR(502, g_chair_b);
static const struct actor district_chair = ACTOR(501, g_district_chair);
static const struct actor tuphap = ACTOR_D(600, g_ward_a_specialist, d_cert);
static const struct actor colleague = ACTOR_D(700, g_ward_a_specialist, d_passed_on);
static const struct actor dept_specialist = ACTOR(830, g_dept_specialist);
static const struct actor records = ACTOR(800, g_records);
static const struct actor collector = ACTOR(810, g_collector);
static const struct actor editor = ACTOR(820, g_editor);
static const struct actor citizen = ACTOR(900, g_citizen);
static const struct actor nobody = { 999, NULL, 0, NULL, 0 };
/* a citizen grant on an account not yet saved (id 0) */
static const struct actor unsaved_citizen = ACTOR(0, g_citizen);

struct perm_case {
	const char *why;
	const struct actor *a;
	const char *action;
	const struct object *o;
	int64_t now;
	int want;
	const struct delegation *want_via;
};

static const struct perm_case cases[] = {
	/* descendants: a grant at an ancestor that reaches down */
	{ "city admin, a ward", &city_admin, "unit.manage", &ward_a, NOW, 1, NULL },
	{ "city admin, the city", &city_admin, "unit.manage", &city, NOW, 1, NULL },
	{ "district admin, a ward", &district_admin, "unit.manage", &ward_a, NOW, 1, NULL },
	{ "district admin, a department", &district_admin, "user.manage", &dept, NOW, 1, NULL },
	{ "district admin, not the city above", &district_admin, "unit.manage", &city, NOW, 0, NULL },
	{ "district admin not reaching down, the district", &district_admin_here, "unit.manage", &district,
	  NOW, 1, NULL },
	{ "district admin not reaching down, a ward", &district_admin_here, "unit.manage", &ward_a, NOW, 0,
	  NULL },
	{ "district admin, roles in a ward", &district_admin, "role.grant", &ward_b, NOW, 1, NULL },
	{ "city admin, audit of a district", &city_admin, "audit.read", &district, NOW, 1, NULL },
	/* a ward cannot see another ward's users */
	{ "ward admin, own ward's users", &ward_a_admin, "user.read", &ward_a, NOW, 1, NULL },
	{ "ward admin, another ward's users", &ward_a_admin, "user.read", &ward_b, NOW, 0, NULL },
	{ "ward admin, changing another ward's users", &ward_a_admin, "user.manage", &ward_b, NOW, 0, NULL },
	{ "ward admin, the district's users", &ward_a_admin, "user.read", &district, NOW, 0, NULL },
	{ "ward admin, roles in another ward", &ward_a_admin, "role.grant", &ward_b, NOW, 0, NULL },
	{ "ward clerk, own ward's users", &ward_a_clerk, "user.read", &ward_a, NOW, 0, NULL },
	{ "ward clerk, another ward's users", &ward_a_clerk, "user.read", &ward_b, NOW, 0, NULL },
	{ "ward clerk, changing another ward's users", &ward_a_clerk, "user.manage", &ward_b, NOW, 0, NULL },
	/* same unit only */
	{ "ward clerk receives at her counter", &ward_a_clerk, "dossier.receive", &ward_a, NOW, 1, NULL },
	{ "ward clerk, another ward's counter", &ward_a_clerk, "dossier.receive", &ward_b, NOW, 0, NULL },
	{ "district clerk reaching down, a ward's counter", &district_clerk_wide, "dossier.receive", &ward_a,
	  NOW, 0, NULL },
	{ "district clerk, the district's counter", &district_clerk_wide, "dossier.receive", &district, NOW,
	  1, NULL },
	{ "ward chairman signs for his ward", &chair_a, "document.sign", &ward_a, NOW, 1, NULL },
	{ "ward chairman, another ward", &chair_a, "document.sign", &ward_b, NOW, 0, NULL },
	{ "ward chairman, the district", &chair_a, "document.sign", &district, NOW, 0, NULL },
	{ "district chairman reaching down, a ward", &district_chair, "document.sign", &ward_a, NOW, 0,
	  NULL },
	{ "district chairman, the district", &district_chair, "document.sign", &district, NOW, 1, NULL },
	{ "ward chairman signs certifications", &chair_a, "certification.sign", &ward_a, NOW, 1, NULL },
	{ "ward chairman approves", &chair_a, "dossier.approve", &ward_a, NOW, 1, NULL },
	{ "ward chairman delegates", &chair_a, "delegation.create", &ward_a, NOW, 1, NULL },
	{ "ward chairman, delegating in another ward", &chair_a, "delegation.create", &ward_b, NOW, 0, NULL },
	{ "ward chairman revokes", &chair_a, "delegation.revoke", &ward_a, NOW, 1, NULL },
	{ "district admin revokes in a ward", &district_admin, "delegation.revoke", &ward_a, NOW, 1, NULL },
	{ "district admin lists a ward's delegations", &district_admin, "delegation.read", &ward_a, NOW, 1,
	  NULL },
	{ "ward chairman, news", &chair_a, "news.edit", &ward_a, NOW, 0, NULL },
	{ "specialist processes", &tuphap, "dossier.process", &ward_a, NOW, 1, NULL },
	{ "specialist, approving", &tuphap, "dossier.approve", &ward_a, NOW, 0, NULL },
	{ "department specialist, its dossiers", &dept_specialist, "dossier.process", &dept, NOW, 1, NULL },
	{ "department specialist, a ward's", &dept_specialist, "dossier.process", &ward_a, NOW, 0, NULL },
	{ "records clerk registers", &records, "document.register", &ward_a, NOW, 1, NULL },
	{ "records clerk numbers", &records, "document.number", &ward_a, NOW, 1, NULL },
	{ "records clerk, signing", &records, "document.sign", &ward_a, NOW, 0, NULL },
	{ "records clerk, another ward's register", &records, "document.register", &ward_b, NOW, 0, NULL },
	{ "collector issues receipts", &collector, "receipt.issue", &ward_a, NOW, 1, NULL },
	{ "one-stop clerk issues receipts", &ward_a_clerk, "receipt.issue", &ward_a, NOW, 1, NULL },
	{ "collector, another ward's receipts", &collector, "receipt.issue", &ward_b, NOW, 0, NULL },
	{ "collector, receiving dossiers", &collector, "dossier.receive", &ward_a, NOW, 0, NULL },
	{ "editor edits", &editor, "news.edit", &district, NOW, 1, NULL },
	{ "editor, publishing", &editor, "news.publish", &district, NOW, 0, NULL },
	{ "district chairman publishes", &district_chair, "news.publish", &district, NOW, 1, NULL },
	{ "leader, the audit log", &chair_a, "audit.read", &ward_a, NOW, 0, NULL },
	/* delegation */
	{ "delegate signs certifications", &tuphap, "certification.sign", &ward_a, NOW, 1, &d_cert[0] },
	{ "delegate, a second before", &tuphap, "certification.sign", &ward_a, T0 - 1, 0, NULL },
	{ "delegate, at the start", &tuphap, "certification.sign", &ward_a, T0, 1, &d_cert[0] },
	{ "delegate, the last second", &tuphap, "certification.sign", &ward_a, T1 - 1, 1, &d_cert[0] },
	{ "delegate, at the end", &tuphap, "certification.sign", &ward_a, T1, 0, NULL },
	{ "delegate, another ward", &tuphap, "certification.sign", &ward_b, NOW, 0, NULL },
	{ "delegate, another power", &tuphap, "document.sign", &ward_a, NOW, 0, NULL },
	{ "delegate, delegating", &tuphap, "delegation.create", &ward_a, NOW, 0, NULL },
	{ "passed on, not honoured", &colleague, "certification.sign", &ward_a, NOW, 0, NULL },
	/* a citizen: his own records only */
	{ "citizen, own record", &citizen, "citizen.self", &record_900, NOW, 1, NULL },
	{ "citizen, another's record", &citizen, "citizen.self", &record_901, NOW, 0, NULL },
	{ "citizen, a record of nobody", &citizen, "citizen.self", &record_none, NOW, 0, NULL },
	{ "account 0, a record of nobody", &unsaved_citizen, "citizen.self", &record_none, NOW, 0, NULL },
	{ "citizen, at the counter", &citizen, "dossier.receive", &ward_a, NOW, 0, NULL },
	{ "citizen, users", &citizen, "user.read", &ward_a, NOW, 0, NULL },
	{ "admin, a citizen's record", &city_admin, "citizen.self", &record_900, NOW, 0, NULL },
	{ "no citizen role, own account", &nobody, "citizen.self", &record_999, NOW, 0, NULL },
	/* deny by default */
	{ "no grants", &nobody, "unit.manage", &ward_a, NOW, 0, NULL },
	{ "unknown action", &city_admin, "unit.delete", &ward_a, NOW, 0, NULL },
	{ "empty action", &city_admin, "", &ward_a, NOW, 0, NULL },
	{ "no action", &city_admin, NULL, &ward_a, NOW, 0, NULL },
	{ "action in capitals", &city_admin, "UNIT.MANAGE", &ward_a, NOW, 0, NULL },
	{ "action with a space", &city_admin, "unit.manage ", &ward_a, NOW, 0, NULL },
	{ "action prefix", &city_admin, "unit", &ward_a, NOW, 0, NULL },
	{ "object without a unit", &city_admin, "unit.manage", &nowhere, NOW, 0, NULL },
	{ "no actor", NULL, "unit.manage", &ward_a, NOW, 0, NULL },
	{ "no object", &city_admin, "unit.manage", NULL, NOW, 0, NULL },
};

static void test_table(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct perm_case *c = &cases[i];
		const struct delegation *via = &d_passed_on[0]; /* must be overwritten */
		int got = can(c->a, c->action, c->o, c->now, &via);
		if (got != c->want || via != c->want_via) {
			print_error("case %zu (%s): can(%s) = %d via %p, want %d via %p\n", i, c->why,
				    c->action ? c->action : "NULL", got, (const void *)via, c->want,
				    (const void *)c->want_via);
			bad++;
		}
		/* via is optional */
		assert_int_equal(can(c->a, c->action, c->o, c->now, NULL), c->want);
	}
	if (bad)
		fail_msg("%d of %zu cases wrong", bad, sizeof(cases) / sizeof(cases[0]));
}

static const char *const all_actions[] = {
	"unit.manage",	     "user.read",	  "user.manage",     "role.grant",	"audit.read",
	"delegation.create", "delegation.revoke", "delegation.read", "dossier.receive", "dossier.process",
	"dossier.approve",   "document.register", "document.sign",   "document.number", "certification.sign",
	"receipt.issue",     "news.edit",	  "news.publish",    "citizen.self",
};

static void test_deny_by_default(void **state)
{
	const struct object *objects[] = { &city, &district, &dept, &ward_a, &ward_b, &record_999 };
	/* a grant with no role, or a role number out of range, allows nothing */
	static const struct grant odd[] = { { 0, CITY, 1 }, { ROLE_COUNT, CITY, 1 }, { -1, CITY, 1 } };
	const struct actor strange = ACTOR(999, odd);

	for (size_t i = 0; i < sizeof(all_actions) / sizeof(all_actions[0]); i++) {
		assert_true(permission_known(all_actions[i]));
		assert_non_null(permission_label(all_actions[i]));
		for (size_t j = 0; j < sizeof(objects) / sizeof(objects[0]); j++) {
			assert_int_equal(can(&nobody, all_actions[i], objects[j], NOW, NULL), 0);
			assert_int_equal(can(&strange, all_actions[i], objects[j], NOW, NULL), 0);
		}
	}
	assert_false(permission_known("unit.delete"));
	assert_false(permission_known(NULL));
	assert_null(permission_label("unit.delete"));
	assert_true(permission_delegable("certification.sign"));
	assert_true(permission_delegable("document.sign"));
	assert_true(permission_delegable("dossier.approve"));
	assert_false(permission_delegable("user.manage"));
	assert_false(permission_delegable("delegation.create"));
	assert_false(permission_delegable("nonsense"));
}

static void test_roles(void **state)
{
	static const char *const stored[] = { "admin",	       "leader", "specialist", "onestop_clerk",
					      "records_clerk", "editor", "collector",  "citizen" };

	for (int r = 1; r < ROLE_COUNT; r++) {
		assert_non_null(permission_role_name(r));
		assert_int_equal(permission_role_from_name(permission_role_name(r)), r);
	}
	assert_null(permission_role_name(0));
	assert_null(permission_role_name(ROLE_COUNT));
	assert_null(permission_role_name(-3));
	assert_int_equal(permission_role_from_name("Admin"), 0);
	assert_int_equal(permission_role_from_name(""), 0);
	assert_int_equal(permission_role_from_name(NULL), 0);
	assert_string_equal(permission_role_name(ROLE_ONESTOP_CLERK), "onestop_clerk");
	assert_string_equal(permission_role_name(ROLE_CITIZEN), "citizen");
	/* the names stored in account_roles (features/accounts.c), then the two added here */
	for (size_t i = 0; i < sizeof(stored) / sizeof(stored[0]); i++)
		if (!permission_role_from_name(stored[i]))
			fail_msg("role \"%s\" is unknown to the permission table", stored[i]);
}

/* The actor 600 with one delegation, changed by each test. */
static int can_with(const struct delegation *d, const char *action, const struct object *o, int64_t now,
		    const struct delegation **via)
{
	struct actor a = { 600, g_ward_a_specialist, 1, d, 1 };

	return can(&a, action, o, now, via);
}

static void test_delegation_window(void **state)
{
	struct delegation d = d_cert[0];
	const struct delegation *via = NULL;

	assert_int_equal(can_with(&d, "certification.sign", &ward_a, T0 - 1, &via), 0);
	assert_null(via);
	assert_int_equal(can_with(&d, "certification.sign", &ward_a, T0, &via), 1);
	assert_ptr_equal(via, &d);
	assert_int_equal(can_with(&d, "certification.sign", &ward_a, T1 - 1, &via), 1);
	assert_int_equal(can_with(&d, "certification.sign", &ward_a, T1, &via), 0);
	assert_null(via);
	assert_int_equal(can_with(&d, "certification.sign", &ward_a, T1 + 86400, &via), 0);
	assert_true(delegation_active(&d, T0));
	assert_false(delegation_active(&d, T1));
	assert_false(delegation_active(NULL, T0));

	/* revoked at once: from the second recorded on */
	d.revoked_at = NOW;
	assert_int_equal(can_with(&d, "certification.sign", &ward_a, NOW - 1, &via), 1);
	assert_int_equal(can_with(&d, "certification.sign", &ward_a, NOW, &via), 0);
	assert_int_equal(can_with(&d, "certification.sign", &ward_a, NOW + 1, &via), 0);
	d.revoked_at = T0 - 3600; /* revoked before it started */
	assert_int_equal(can_with(&d, "certification.sign", &ward_a, T0, &via), 0);
	assert_int_equal(can_with(&d, "certification.sign", &ward_a, NOW, &via), 0);

	/* made to someone else, or by the delegate himself */
	d = d_cert[0];
	d.to_account = 601;
	assert_int_equal(can_with(&d, "certification.sign", &ward_a, NOW, &via), 0);
	d = d_cert[0];
	d.from_account = 600;
	assert_int_equal(can_with(&d, "certification.sign", &ward_a, NOW, &via), 0);
	/* a power that cannot be delegated is not honoured even when recorded */
	d = d_cert[0];
	d.power = "user.manage";
	assert_int_equal(can_with(&d, "user.manage", &ward_a, NOW, &via), 0);
	d.power = NULL;
	assert_int_equal(can_with(&d, "certification.sign", &ward_a, NOW, &via), 0);
	/* scope: the delegator's unit only, not the units below or above it */
	d = d_cert[0];
	d.unit_id = DISTRICT;
	assert_int_equal(can_with(&d, "certification.sign", &ward_a, NOW, &via), 0);
	assert_int_equal(can_with(&d, "certification.sign", &district, NOW, &via), 1);
	/* an empty window is never active */
	d = d_cert[0];
	d.valid_to = d.valid_from;
	assert_int_equal(can_with(&d, "certification.sign", &ward_a, T0, &via), 0);
}

static void test_no_redelegation(void **state)
{
	struct delegation d = d_cert[0];
	const struct delegation *via = NULL;

	/* marked as coming from a delegate: never honoured, whatever its window */
	d.from_is_delegate = 1;
	assert_int_equal(can_with(&d, "certification.sign", &ward_a, NOW, &via), 0);
	assert_null(via);
	assert_false(delegation_active(&d, NOW));
}

static void expect_valid(const struct delegation *d, const struct actor *by, int64_t now)
{
	const char *reason = "(unset)";

	if (delegation_validate(d, by, now, &reason) != 0)
		fail_msg("refused: %s", reason ? reason : "(no reason)");
	assert_null(reason);
}

static void expect_invalid(const struct delegation *d, const struct actor *by, int64_t now, const char *want)
{
	const char *reason = NULL;

	if (delegation_validate(d, by, now, &reason) != -1 || !reason || strcmp(reason, want))
		fail_msg("reason \"%s\", want \"%s\"", reason ? reason : "(null)", want);
	assert_int_equal(delegation_validate(d, by, now, NULL), -1);
}

static void test_validate(void **state)
{
	struct delegation d = d_cert[0];

	/* the chairman, on the day of his decision, for 90 days */
	expect_valid(&d, &chair_a, T0 - 4 * 86400);
	expect_valid(&d, &chair_a, NOW);
	/* and what was accepted is honoured from its first second */
	assert_int_equal(can_with(&d, "certification.sign", &ward_a, d.valid_from, NULL), 1);
	/* the other delegable powers */
	d.power = "document.sign";
	expect_valid(&d, &chair_a, NOW);
	d.power = "dossier.approve";
	expect_valid(&d, &chair_a, NOW);

	/* the power */
	d = d_cert[0];
	d.power = "certification.sing";
	expect_invalid(&d, &chair_a, NOW, UNKNOWN);
	d.power = NULL;
	expect_invalid(&d, &chair_a, NOW, UNKNOWN);
	d.power = "user.manage";
	expect_invalid(&d, &ward_a_admin, NOW, NOT_DELEGABLE);
	d.power = "delegation.create";
	expect_invalid(&d, &chair_a, NOW, NOT_DELEGABLE);

	/* the delegate */
	d = d_cert[0];
	d.to_account = 500;
	expect_invalid(&d, &chair_a, NOW, SELF);
	d.to_account = 0;
	expect_invalid(&d, &chair_a, NOW, NO_DELEGATE);
	d.to_account = -1;
	expect_invalid(&d, &chair_a, NOW, NO_DELEGATE);

	/* the written decision */
	d = d_cert[0];
	d.decision_no = "";
	expect_invalid(&d, &chair_a, NOW, NO_NUMBER);
	d.decision_no = " \t ";
	expect_invalid(&d, &chair_a, NOW, NO_NUMBER);
	d.decision_no = NULL;
	expect_invalid(&d, &chair_a, NOW, NO_NUMBER);
	d = d_cert[0];
	d.decision_date = "";
	expect_invalid(&d, &chair_a, NOW, NO_DATE);
	d.decision_date = NULL;
	expect_invalid(&d, &chair_a, NOW, NO_DATE);

	/* the window */
	d = d_cert[0];
	d.valid_to = d.valid_from;
	expect_invalid(&d, &chair_a, NOW, ORDER);
	d.valid_to = d.valid_from - 1;
	expect_invalid(&d, &chair_a, NOW, ORDER);
	d.valid_from = INT64_MIN;
	d.valid_to = INT64_MAX;
	expect_invalid(&d, &chair_a, NOW, TOO_LONG);
	d.valid_from = T0;
	d.valid_to = T0 + DELEGATION_MAX_SECONDS;
	expect_valid(&d, &chair_a, NOW);
	d.valid_to++;
	expect_invalid(&d, &chair_a, NOW, TOO_LONG);
	d.valid_to = NOW;
	expect_invalid(&d, &chair_a, NOW, ENDED);
	d.valid_to = NOW - 1;
	expect_invalid(&d, &chair_a, NOW, ENDED);
	d.valid_to = NOW + 1;
	expect_valid(&d, &chair_a, NOW);

	/* no re-delegation: the official holding it by delegation cannot pass it on */
	d = d_cert[0];
	d.id = 3;
	d.from_account = 600;
	d.to_account = 700;
	expect_invalid(&d, &tuphap, NOW, REDELEGATE);
	/* …once his own delegation has ended he holds nothing to pass on */
	d.valid_from = T1;
	d.valid_to = T1 + 30 * 86400;
	expect_invalid(&d, &tuphap, T1, NOT_HELD);
	/* …nor can anything marked as coming from a delegate be recorded */
	d = d_cert[0];
	d.from_is_delegate = 1;
	expect_invalid(&d, &chair_a, NOW, REDELEGATE);

	/* the delegator holds the power at that very unit, by a grant of his own */
	d = d_cert[0];
	d.from_account = 502;
	expect_invalid(&d, &chair_b, NOW, NOT_HELD);
	d.from_account = 501;
	expect_invalid(&d, &district_chair, NOW, NOT_HELD);
	d = d_cert[0];
	d.unit_id = DISTRICT;
	expect_invalid(&d, &chair_a, NOW, NOT_HELD);
	d = d_cert[0];
	expect_invalid(&d, &records, NOW, NOT_HELD);
	/* one person cannot record another's delegation as his own */
	d.from_account = 502;
	expect_invalid(&d, &chair_a, NOW, NOT_HELD);
	/* the district chairman at his own unit may */
	d = d_cert[0];
	d.from_account = 501;
	d.unit_id = DISTRICT;
	expect_valid(&d, &district_chair, NOW);
}

static void expect_notation(int mode, const char *collective, const char *holder, const char *signer,
			    const char *want)
{
	struct signing s = { mode, collective, holder, signer, NULL };
	char out[256];
	size_t len = strlen(want);

	memset(out, 'x', sizeof(out));
	if (signing_notation(&s, out, sizeof(out)) != 0)
		fail_msg("refused, want \"%s\"", want);
	assert_string_equal(out, want);
	/* an exact fit, and one byte short */
	assert_int_equal(signing_notation(&s, out, len + 1), 0);
	assert_string_equal(out, want);
	assert_int_equal(signing_notation(&s, out, len), -1);
	assert_string_equal(out, "");
}

static void expect_no_notation(int mode, const char *collective, const char *holder, const char *signer)
{
	struct signing s = { mode, collective, holder, signer, NULL };
	char out[64];

	memset(out, 'x', sizeof(out));
	assert_int_equal(signing_notation(&s, out, sizeof(out)), -1);
	assert_string_equal(out, "");
}

static void test_notation(void **state)
{
	expect_notation(SIGN_TUQ, NULL, "Chủ tịch", "Công chức Tư pháp - Hộ tịch",
			"TUQ. CHỦ TỊCH\nCÔNG CHỨC TƯ PHÁP - HỘ TỊCH");
	expect_notation(SIGN_KT, NULL, "Chủ tịch", "Phó Chủ tịch", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH");
	expect_notation(SIGN_HEAD, "Ủy ban nhân dân", NULL, "Chủ tịch", "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH");
	expect_notation(SIGN_KT, "Ủy ban nhân dân", "Chủ tịch", "Phó Chủ tịch",
			"TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH");
	expect_notation(SIGN_TL, NULL, "Chủ tịch", "Chánh Văn phòng", "TL. CHỦ TỊCH\nCHÁNH VĂN PHÒNG");
	{
		/* by order, signed by the deputy of the unit head the order was given to */
		struct signing s = { SIGN_TL, NULL, "Chủ tịch", "Phó Chánh Văn phòng", "Chánh Văn phòng" };
		char out[128];
		assert_int_equal(signing_notation(&s, out, sizeof(out)), 0);
		assert_string_equal(out, "TL. CHỦ TỊCH\nKT. CHÁNH VĂN PHÒNG\nPHÓ CHÁNH VĂN PHÒNG");
		s.order_title = " ";
		assert_int_equal(signing_notation(&s, out, sizeof(out)), -1);
		/* only by order */
		s.mode = SIGN_TUQ;
		s.order_title = "Chánh Văn phòng";
		assert_int_equal(signing_notation(&s, out, sizeof(out)), 0);
		assert_string_equal(out, "TUQ. CHỦ TỊCH\nPHÓ CHÁNH VĂN PHÒNG");
	}
	expect_notation(SIGN_Q, NULL, "Chủ tịch", NULL, "Q. CHỦ TỊCH");
	expect_notation(SIGN_Q, NULL, "Giám đốc", "Phó Giám đốc", "Q. GIÁM ĐỐC");
	expect_notation(SIGN_Q, "Ủy ban nhân dân", "Chủ tịch", NULL, "TM. ỦY BAN NHÂN DÂN\nQ. CHỦ TỊCH");
	expect_notation(SIGN_HEAD, NULL, NULL, "Chủ tịch", "CHỦ TỊCH");
	expect_notation(SIGN_HEAD, NULL, "Chủ tịch", "Trưởng phòng", "TRƯỞNG PHÒNG");
	expect_notation(SIGN_KT, NULL, "Trưởng phòng", "Phó Trưởng phòng",
			"KT. TRƯỞNG PHÒNG\nPHÓ TRƯỞNG PHÒNG");

	/* TL. and TUQ. are the head's own powers, not a collective's */
	expect_no_notation(SIGN_TUQ, "Ủy ban nhân dân", "Chủ tịch", "Chánh Văn phòng");
	expect_no_notation(SIGN_TL, "Ủy ban nhân dân", "Chủ tịch", "Chánh Văn phòng");
	/* a title the mode needs */
	expect_no_notation(SIGN_KT, NULL, NULL, "Phó Chủ tịch");
	expect_no_notation(SIGN_KT, NULL, "Chủ tịch", NULL);
	expect_no_notation(SIGN_TUQ, NULL, "", "Chánh Văn phòng");
	expect_no_notation(SIGN_TUQ, NULL, "Chủ tịch", "  ");
	expect_no_notation(SIGN_TL, NULL, NULL, "Chánh Văn phòng");
	expect_no_notation(SIGN_Q, NULL, NULL, "Phó Chủ tịch");
	expect_no_notation(SIGN_HEAD, NULL, "Chủ tịch", NULL);
	expect_no_notation(SIGN_HEAD, "", NULL, "Chủ tịch");
	expect_no_notation(99, NULL, "Chủ tịch", "Phó Chủ tịch");
	expect_no_notation(-1, NULL, "Chủ tịch", "Phó Chủ tịch");
	/* text that is not UTF-8 */
	expect_no_notation(SIGN_KT, NULL, "Ch\xe1\xbb", "Phó Chủ tịch");
	{
		struct signing s = { SIGN_HEAD, NULL, NULL, "Chủ tịch", NULL };
		char out[4] = "abc";
		assert_int_equal(signing_notation(NULL, out, sizeof(out)), -1);
		assert_string_equal(out, "");
		assert_int_equal(signing_notation(&s, out, 0), -1);
		assert_int_equal(signing_notation(&s, NULL, 10), -1);
	}
}

static void test_mode(void **state)
{
	assert_int_equal(signing_mode(&d_cert[0], 0, 0), SIGN_TUQ);
	assert_int_equal(signing_mode(&d_cert[0], 1, 1), SIGN_TUQ);
	assert_int_equal(signing_mode(NULL, 1, 0), SIGN_KT);
	assert_int_equal(signing_mode(NULL, 0, 1), SIGN_Q);
	assert_int_equal(signing_mode(NULL, 1, 1), SIGN_Q);
	assert_int_equal(signing_mode(NULL, 0, 0), SIGN_HEAD);
}

/* From the permission check to the line printed above the signature. */
static void test_check_then_sign(void **state)
{
	const struct delegation *via = NULL;
	struct signing s = { 0, NULL, "Chủ tịch", "Công chức Tư pháp - Hộ tịch", NULL };
	char out[128];

	assert_int_equal(can(&tuphap, "certification.sign", &ward_a, NOW, &via), 1);
	s.mode = signing_mode(via, 0, 0);
	assert_int_equal(signing_notation(&s, out, sizeof(out)), 0);
	assert_string_equal(out, "TUQ. CHỦ TỊCH\nCÔNG CHỨC TƯ PHÁP - HỘ TỊCH");
	assert_string_equal(via->decision_no, "15/QĐ-UBND");

	assert_int_equal(can(&chair_a, "certification.sign", &ward_a, NOW, &via), 1);
	s.mode = signing_mode(via, 0, 0);
	s.signer_title = "Chủ tịch";
	assert_int_equal(signing_notation(&s, out, sizeof(out)), 0);
	assert_string_equal(out, "CHỦ TỊCH");
}

static void expect_upper(const char *in, const char *want)
{
	char out[512];

	if (signing_upper(in, out, sizeof(out)) != 0)
		fail_msg("\"%s\" refused", in);
	assert_string_equal(out, want);
}

static void expect_not_utf8(const char *in)
{
	char out[32];

	memset(out, 'x', sizeof(out));
	assert_int_equal(signing_upper(in, out, sizeof(out)), -1);
	assert_string_equal(out, "");
}

static void test_upper(void **state)
{
	char out[16];

	expect_upper("Chủ tịch", "CHỦ TỊCH");
	expect_upper("Phó Chủ tịch", "PHÓ CHỦ TỊCH");
	expect_upper("Ủy ban nhân dân phường Nhân Chính", "ỦY BAN NHÂN DÂN PHƯỜNG NHÂN CHÍNH");
	expect_upper("Phòng Tư pháp - Hộ tịch (2024)", "PHÒNG TƯ PHÁP - HỘ TỊCH (2024)");
	/* the alphabet, then every vowel with every tone */
	expect_upper("aăâbcdđeêghiklmnoôơpqrstuưvxy", "AĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY");
	expect_upper("àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ",
		     "ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ");
	/* upper case stays */
	expect_upper("ÀÁẢÃẠĂÂĐÊÔƠƯỸ CHỦ TỊCH", "ÀÁẢÃẠĂÂĐÊÔƠƯỸ CHỦ TỊCH");
	/* decomposed text: base letters change, combining marks stay */
	expect_upper("Chu\xcc\x89 ti\xcc\xa3\x63h", "CHU\xcc\x89 TI\xcc\xa3\x43H");
	/* not letters: the division sign, ß, ÿ, a 4-byte character */
	expect_upper("÷ß·ÿ 😀", "÷ß·ÿ 😀");
	expect_upper("", "");
	/* not UTF-8: cut short, overlong, surrogate, past U+10FFFF, a stray continuation byte */
	expect_not_utf8("ch\xe1\xbb");
	expect_not_utf8("\xc0\xaf");
	expect_not_utf8("\xe0\x80\xaf");
	expect_not_utf8("\xed\xa0\x80");
	expect_not_utf8("\xf4\x90\x80\x80");
	expect_not_utf8("\x80");
	expect_not_utf8("\xff");
	/* room: "CHỦ" is 5 bytes */
	assert_int_equal(signing_upper("chủ", out, 6), 0);
	assert_string_equal(out, "CHỦ");
	assert_int_equal(signing_upper("chủ", out, 5), -1);
	assert_string_equal(out, "");
	assert_int_equal(signing_upper("chủ", out, 0), -1);
	assert_int_equal(signing_upper(NULL, out, sizeof(out)), -1);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),		cmocka_unit_test(test_deny_by_default),
		cmocka_unit_test(test_roles),		cmocka_unit_test(test_delegation_window),
		cmocka_unit_test(test_no_redelegation), cmocka_unit_test(test_validate),
		cmocka_unit_test(test_notation),	cmocka_unit_test(test_mode),
		cmocka_unit_test(test_check_then_sign), cmocka_unit_test(test_upper),
	};
	return cmocka_run_group_tests_name("permission", tests, NULL, NULL);
}
