/* test_dossier.c: dossier codes, the lifecycle table and on-time verdicts (rules/dossier.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "core/timefmt.h"
#include "rules/dossier.h"
#include "core/banned.h"

/* 2026-11-26 09:00 in Hà Nội */
static int64_t at(int y, int mo, int d, int h, int mi)
{
	struct civil c = { .year = y, .month = mo, .day = d, .hour = h, .min = mi };
	return time_from_civil(&c, VN_UTC_OFFSET);
}

static void codes(void **state)
{
	char out[DOSSIER_CODE_MAX];
	(void)state;
	assert_int_equal(dossier_code(out, sizeof(out), "000.01.15.H26", at(2026, 11, 26, 9, 0), 1), 0);
	assert_string_equal(out, "000.01.15.H26-261126-0001");
	assert_int_equal(dossier_code(out, sizeof(out), "000.00.06.H56", at(2023, 10, 27, 8, 0), 361), 0);
	assert_string_equal(out, "000.00.06.H56-231027-0361");
	/* the date is Vietnam's: 23:30 UTC on the 26th is the 27th in Hà Nội */
	assert_int_equal(dossier_code(out, sizeof(out), "H26", at(2026, 11, 27, 6, 30), 9999), 0);
	assert_string_equal(out, "H26-261127-9999");
	assert_int_equal(dossier_code(out, sizeof(out), "H26", at(2026, 11, 27, 6, 30), 10000), -1);
	assert_int_equal(dossier_code(out, sizeof(out), "H26", at(2026, 11, 27, 6, 30), 0), -1);
	assert_int_equal(dossier_code(out, sizeof(out), "", at(2026, 11, 27, 6, 30), 1), -1);
	assert_int_equal(dossier_code(out, sizeof(out), "H26/../x", at(2026, 11, 27, 6, 30), 1), -1);

	assert_true(dossier_code_valid("000.01.15.H26-261126-0001"));
	assert_false(dossier_code_valid("000.01.15.H26-261126-0000"));
	assert_false(dossier_code_valid("000.01.15.H26-261126-001"));
	assert_false(dossier_code_valid("000.01.15.H26-2611260-0001"));
	assert_false(dossier_code_valid("-261126-0001"));
	assert_false(dossier_code_valid("000.01.15.H26-26112a-0001"));
	assert_false(dossier_code_valid("000 01-261126-0001"));
	assert_false(dossier_code_valid("x%-261126-0001"));
	assert_false(dossier_code_valid(NULL));
	assert_false(dossier_code_valid(""));
}

static int has_perm(const char *const *perms, const char *p)
{
	for (; perms && *perms; perms++)
		if (!strcmp(*perms, p))
			return 1;
	return 0;
}

static void transitions(void **state)
{
	const char *const *perms;
	(void)state;
	/* online: new → received by the counter, or refused, or papers asked before receipt */
	assert_int_equal(dossier_next(DS_NEW, DA_RECEIVE, 0, &perms), DS_RECEIVED);
	assert_true(has_perm(perms, "dossier.receive"));
	assert_false(has_perm(perms, "dossier.process"));
	assert_int_equal(dossier_next(DS_NEW, DA_REFUSE, 0, &perms), DS_REFUSED);
	assert_int_equal(dossier_next(DS_NEW, DA_SUPPLEMENT, 0, &perms), DS_SUPPLEMENT);
	assert_int_equal(dossier_next(DS_SUPPLEMENT, DA_SUPPLIED, 0, &perms), DS_NEW);
	assert_true(has_perm(perms, "citizen.self"));
	/* after receipt the papers come back to processing: brought to the counter or uploaded by the citizen
	 */
	assert_int_equal(dossier_next(DS_SUPPLEMENT, DA_SUPPLIED, 1, &perms), DS_PROCESSING);
	assert_true(has_perm(perms, "citizen.self"));
	assert_true(has_perm(perms, "dossier.receive"));
	assert_int_equal(dossier_next(DS_PROCESSING, DA_SUPPLEMENT, 1, &perms), DS_SUPPLEMENT);
	assert_true(has_perm(perms, "dossier.process"));
	/* the main road */
	assert_int_equal(dossier_next(DS_RECEIVED, DA_START, 1, NULL), DS_PROCESSING);
	assert_int_equal(dossier_next(DS_PROCESSING, DA_FORWARD, 1, NULL), DS_PROCESSING);
	assert_int_equal(dossier_next(DS_PROCESSING, DA_REQUEST_FEE, 1, NULL), DS_AWAITING_FEE);
	assert_int_equal(dossier_next(DS_AWAITING_FEE, DA_FEE_PAID, 1, &perms), DS_PROCESSING);
	assert_true(has_perm(perms, "receipt.issue"));
	assert_int_equal(dossier_next(DS_PROCESSING, DA_APPROVE, 1, &perms), DS_RESULT_READY);
	assert_true(has_perm(perms, "dossier.approve"));
	assert_false(has_perm(perms, "dossier.process"));
	assert_int_equal(dossier_next(DS_PROCESSING, DA_REJECT, 1, &perms), DS_RESULT_READY);
	assert_int_equal(dossier_next(DS_RESULT_READY, DA_RETURN, 1, &perms), DS_RETURNED);
	assert_true(has_perm(perms, "dossier.receive"));
	/* the citizen withdraws while it is open, not after */
	assert_int_equal(dossier_next(DS_PROCESSING, DA_WITHDRAW, 1, &perms), DS_WITHDRAWN);
	assert_true(has_perm(perms, "citizen.self"));
	assert_int_equal(dossier_next(DS_RESULT_READY, DA_WITHDRAW, 1, NULL), 0);

	/* refused: nothing is possible from a final status */
	for (int s = 1; s < DS_STATUS_COUNT; s++) {
		int acts[DA_ACTION_COUNT];
		size_t n = dossier_actions(s, 1, acts, DA_ACTION_COUNT);
		assert_int_equal(dossier_status_final(s),
				 s == DS_RETURNED || s == DS_REFUSED || s == DS_WITHDRAWN);
		if (dossier_status_final(s))
			assert_int_equal(n, 0);
		for (size_t i = 0; i < n; i++)
			assert_int_not_equal(dossier_next(s, acts[i], 1, NULL), 0);
	}
	assert_int_equal(dossier_next(DS_RETURNED, DA_RETURN, 1, &perms), 0);
	assert_null(perms);
	assert_int_equal(dossier_next(DS_RECEIVED, DA_APPROVE, 1, NULL), 0);
	assert_int_equal(dossier_next(DS_NEW, DA_APPROVE, 0, NULL), 0);
	assert_int_equal(dossier_next(DS_NEW, DA_FORWARD, 0, NULL), 0);
	assert_int_equal(dossier_next(DS_RECEIVED, DA_RECEIVE, 1, NULL), 0);
	/* a supplement asked before receipt cannot be answered as if during processing, and the reverse */
	assert_int_equal(dossier_next(DS_RECEIVED, DA_SUPPLEMENT, 1, NULL), 0);
	assert_int_equal(dossier_next(DS_SUPPLEMENT, DA_REFUSE, 1, NULL), 0);
	assert_int_equal(dossier_next(0, DA_RECEIVE, 0, NULL), 0);
	assert_int_equal(dossier_next(DS_NEW, 0, 0, NULL), 0);
	assert_int_equal(dossier_next(DS_NEW, 999, 0, NULL), 0);
}

static void names(void **state)
{
	(void)state;
	for (int s = 1; s < DS_STATUS_COUNT; s++) {
		assert_non_null(dossier_status_name(s));
		assert_non_null(dossier_status_label(s));
		assert_int_equal(dossier_status_from_name(dossier_status_name(s)), s);
	}
	for (int a = 1; a < DA_ACTION_COUNT; a++) {
		assert_non_null(dossier_action_name(a));
		assert_int_equal(dossier_action_from_name(dossier_action_name(a)), a);
	}
	assert_int_equal(dossier_status_from_name("PROCESSING"), 0);
	assert_int_equal(dossier_action_from_name(NULL), 0);
	assert_null(dossier_status_name(0));
	assert_null(dossier_status_name(DS_STATUS_COUNT));
	assert_int_equal(dossier_channel_from_name("online"), DCH_ONLINE);
	assert_int_equal(dossier_channel_from_name("fax"), 0);
	assert_string_equal(dossier_channel_name(DCH_POST), "post");
}

static void verdicts(void **state)
{
	int64_t due = at(2026, 11, 27, 17, 0);
	(void)state;
	/* a day before the due day: early; the due day, at or before the instant: on time; after: late */
	assert_int_equal(dossier_verdict(at(2026, 11, 26, 16, 59), due), DV_EARLY);
	assert_int_equal(dossier_verdict(at(2026, 11, 27, 8, 0), due), DV_ON_TIME);
	assert_int_equal(dossier_verdict(due, due), DV_ON_TIME);
	assert_int_equal(dossier_verdict(due + 1, due), DV_LATE);
	assert_int_equal(dossier_verdict(at(2026, 12, 1, 8, 0), due), DV_LATE);
	/* the day is Hà Nội's: 00:30 on the 27th local is the 26th in UTC, still the due day */
	assert_int_equal(dossier_verdict(at(2026, 11, 27, 0, 30), due), DV_ON_TIME);
	assert_int_equal(dossier_verdict(at(2026, 11, 26, 23, 59), due), DV_EARLY);
	assert_int_equal(dossier_verdict(0, due), DV_NONE);
	assert_int_equal(dossier_verdict(due, 0), DV_NONE);
	assert_string_equal(dossier_verdict_name(DV_ON_TIME), "on_time");
	assert_null(dossier_verdict_name(DV_NONE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(codes),
		cmocka_unit_test(transitions),
		cmocka_unit_test(names),
		cmocka_unit_test(verdicts),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
