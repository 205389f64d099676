/*
 * test_dossiers.c: dossiers in the database with a fixed clock (features/dossiers.h): due instants in
 * working time (the 15:00 cut-off, weekends), codes per agency and day, the supplement restart, form 04's
 * timing, verdicts and the statistics kept as dossiers move.
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
#include "store/db.h"
#include "fixture.h"
#include "core/banned.h"

#define SAME_DAY   "2.000815" /* chứng thực bản sao: the same working day, 15:00 cut-off */
#define THREE_DAYS "1.001022" /* 3 working days */

struct fixture {
	struct testdb_fx tdb;
	struct db *db;
	struct arena arena;
	int64_t ward, ward_desk, ward2;
};

/* Hà Nội local time → seconds. */
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
	fx->db = testdb_open_migrated("dossiers", &fx->tdb);
	if (!fx->db)
		return -1;
	if (db_begin(fx->db) || org_demo(fx->db) || procedure_demo(fx->db, at(2026, 1, 5, 8, 0)) ||
	    db_commit(fx->db)) {
		fprintf(stderr, "# demo data: %s\n", db_errmsg(fx->db));
		return -1;
	}
	fx->ward = org_unit_by_code(fx->db, "000.01.15.H26");
	fx->ward_desk = org_unit_by_code(fx->db, "100.01.15.H26");
	fx->ward2 = org_unit_by_code(fx->db, "000.02.15.H26");
	return fx->ward > 0 && fx->ward_desk > 0 && fx->ward2 > 0 ? 0 : -1;
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

/* Receive `procedure` at `unit` at `now` (every document ticked); the dossier loaded into d. */
static void receive(struct fixture *fx, const char *procedure, int64_t unit, int64_t now, struct dossier *d)
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
	in.actor_account = 0;
	in.actor_name = "Đỗ Văn Nhân";
	assert_int_equal(db_begin(fx->db), 0);
	rc = dossier_create(fx->db, &fx->arena, &in, now, code, &id, &why);
	if (rc)
		fail_msg("dossier_create: %d %s %s", rc, why ? why : "", db_errmsg(fx->db));
	assert_int_equal(db_commit(fx->db), 0);
	assert_int_equal(dossier_load(fx->db, &fx->arena, code, d), 0);
}

static int apply(struct fixture *fx, struct dossier *d, int action, const char *note, int64_t now,
		 const char **why)
{
	struct dossier_act act = { .action = action, .note = note, .actor_name = "Lý Thị Pháp" };
	int rc;
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(dossier_load(fx->db, &fx->arena, d->code, d), 0);
	rc = dossier_apply(fx->db, &fx->arena, d, &act, now, why);
	if (rc == DOSSIER_OK)
		assert_int_equal(db_commit(fx->db), 0);
	else
		assert_int_equal(db_rollback(fx->db), 0);
	return rc;
}

static int64_t stat_sum(struct fixture *fx, const char *column, const char *procedure)
{
	char sql[200];
	struct db_stmt *st;
	int64_t v;
	snprintf(sql, sizeof(sql), "SELECT COALESCE(SUM(%s), 0) FROM dossier_stats WHERE procedure_code = ?",
		 column);
	assert_int_equal(db_query(fx->db, &st, sql, "s", procedure), DB_ROW);
	v = db_col_int(st, 0);
	db_release_statements(fx->db);
	return v;
}

static void due_instants(void **state)
{
	struct fixture *fx = *state;
	struct dossier d;

	/* Friday 27/11/2026 14:00, a same-day procedure: due that day at 17:00 */
	receive(fx, SAME_DAY, fx->ward_desk, at(2026, 11, 27, 14, 0), &d);
	assert_int_equal(d.due_at, at(2026, 11, 27, 17, 0));
	assert_int_equal(d.transfer_due_at, at(2026, 11, 27, 17, 0));
	/* the one-stop section received it for its ward: the ward's code and unit */
	assert_int_equal(d.receiving_unit, fx->ward);
	assert_string_equal(d.code, "000.01.15.H26-261127-0001");
	assert_int_equal(d.status, DS_RECEIVED);
	assert_int_equal(d.steps[0].started_at, at(2026, 11, 27, 14, 0));

	/* at 16:00, after the cut-off: the next working day, Monday 30/11, 17:00 */
	receive(fx, SAME_DAY, fx->ward_desk, at(2026, 11, 27, 16, 0), &d);
	assert_int_equal(d.due_at, at(2026, 11, 30, 17, 0));
	assert_int_equal(d.transfer_due_at, at(2026, 11, 30, 17, 0));
	assert_string_equal(d.code, "000.01.15.H26-261127-0002");

	/* three working days from Wednesday 25/11 10:00: 6 h + 8 h + 8 h + 2 h → Monday 30/11 10:00 */
	receive(fx, THREE_DAYS, fx->ward, at(2026, 11, 25, 10, 0), &d);
	assert_int_equal(d.due_at, at(2026, 11, 30, 10, 0));
	assert_int_equal(d.first_due_at, d.due_at);
	assert_string_equal(d.code, "000.01.15.H26-261125-0001");

	/* another ward's counter has its own sequence; the next day starts again at 0001 */
	receive(fx, SAME_DAY, fx->ward2, at(2026, 11, 27, 9, 0), &d);
	assert_string_equal(d.code, "000.02.15.H26-261127-0001");
	receive(fx, SAME_DAY, fx->ward_desk, at(2026, 11, 28, 9, 0), &d);
	assert_string_equal(d.code, "000.01.15.H26-261128-0001");
	/* received on a Saturday: due at the end of Monday */
	assert_int_equal(d.due_at, at(2026, 11, 30, 17, 0));

	assert_int_equal(stat_sum(fx, "received", SAME_DAY), 4);
}

static void supplement_restart(void **state)
{
	struct fixture *fx = *state;
	struct dossier d;
	const char *why = NULL;

	receive(fx, THREE_DAYS, fx->ward, at(2026, 12, 1, 8, 0), &d);
	assert_int_equal(d.due_at, at(2026, 12, 3, 17, 0));
	assert_int_equal(apply(fx, &d, DA_START, "", at(2026, 12, 1, 9, 0), &why), 0);
	assert_int_equal(apply(fx, &d, DA_SUPPLEMENT, "", at(2026, 12, 1, 10, 0), &why), DOSSIER_INVALID);
	assert_non_null(why);
	assert_int_equal(apply(fx, &d, DA_SUPPLEMENT, "Bản sao giấy khai sinh", at(2026, 12, 1, 10, 0), &why),
			 0);
	assert_int_equal(d.status, DS_SUPPLEMENT);
	assert_int_equal(d.paused_at, at(2026, 12, 1, 10, 0));
	/* the papers come back on Monday 7/12 at 14:00: three full working days from then */
	assert_int_equal(apply(fx, &d, DA_SUPPLIED, "", at(2026, 12, 7, 14, 0), &why), 0);
	assert_int_equal(d.status, DS_PROCESSING);
	assert_int_equal(d.paused_at, 0);
	assert_int_equal(d.due_at, at(2026, 12, 10, 14, 0));
	assert_int_equal(d.first_due_at, d.due_at);
	/* the step in hand restarts too */
	assert_int_equal(d.steps[d.step].started_at, at(2026, 12, 7, 14, 0));
}

static void apology_timing_and_verdicts(void **state)
{
	struct fixture *fx = *state;
	struct dossier d;
	struct dossier_act act = { .action = DA_APOLOGIZE, .note = "Cần xác minh thêm", .actor_name = "x" };
	const char *why = NULL;
	int64_t late_before = stat_sum(fx, "late", THREE_DAYS);

	/* received Tuesday 8/12 08:00: due Thursday 10/12 17:00 */
	receive(fx, THREE_DAYS, fx->ward, at(2026, 12, 8, 8, 0), &d);
	assert_int_equal(d.due_at, at(2026, 12, 10, 17, 0));
	assert_int_equal(apply(fx, &d, DA_START, "", at(2026, 12, 8, 9, 0), &why), 0);
	/* Thursday 10:00 is less than a working day before the appointment: too late for form 04 */
	act.new_due = at(2026, 12, 14, 17, 0);
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(dossier_load(fx->db, &fx->arena, d.code, &d), 0);
	assert_int_equal(dossier_apply(fx->db, &fx->arena, &d, &act, at(2026, 12, 10, 10, 0), &why),
			 DOSSIER_INVALID);
	assert_int_equal(db_rollback(fx->db), 0);
	/* not at lunch, nor in the evening; the afternoon's first minute is working time */
	act.new_due = at(2026, 12, 14, 12, 30);
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(dossier_load(fx->db, &fx->arena, d.code, &d), 0);
	assert_int_equal(dossier_apply(fx->db, &fx->arena, &d, &act, at(2026, 12, 9, 16, 0), &why),
			 DOSSIER_INVALID);
	assert_string_equal(why, "The new appointment must be in working hours.");
	act.new_due = at(2026, 12, 14, 17, 1);
	assert_int_equal(dossier_apply(fx->db, &fx->arena, &d, &act, at(2026, 12, 9, 16, 0), &why),
			 DOSSIER_INVALID);
	act.new_due = at(2026, 12, 14, 13, 0);
	assert_int_equal(dossier_apply(fx->db, &fx->arena, &d, &act, at(2026, 12, 9, 16, 0), &why), 0);
	assert_int_equal(db_rollback(fx->db), 0);
	act.new_due = at(2026, 12, 14, 17, 0);
	/* Wednesday 16:00 is nine working hours before: in time */
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(dossier_load(fx->db, &fx->arena, d.code, &d), 0);
	assert_int_equal(dossier_apply(fx->db, &fx->arena, &d, &act, at(2026, 12, 9, 16, 0), &why), 0);
	assert_int_equal(db_commit(fx->db), 0);
	assert_int_equal(d.due_at, at(2026, 12, 14, 17, 0));
	assert_int_equal(d.first_due_at, at(2026, 12, 10, 17, 0));
	/* decided on Friday, before the new date but after the first: still late */
	assert_int_equal(apply(fx, &d, DA_FORWARD, "", at(2026, 12, 10, 8, 0), &why), 0);
	assert_int_equal(apply(fx, &d, DA_APPROVE, "", at(2026, 12, 11, 9, 0), &why), 0);
	assert_int_equal(d.verdict, DV_LATE);
	assert_int_equal(d.status, DS_RESULT_READY);
	assert_int_equal(stat_sum(fx, "late", THREE_DAYS), late_before + 1);

	/* a dossier decided the day before its due date is early; on the due day, on time */
	receive(fx, THREE_DAYS, fx->ward, at(2026, 12, 15, 8, 0), &d);
	assert_int_equal(apply(fx, &d, DA_START, "", at(2026, 12, 15, 9, 0), &why), 0);
	assert_int_equal(apply(fx, &d, DA_FORWARD, "", at(2026, 12, 15, 10, 0), &why), 0);
	assert_int_equal(apply(fx, &d, DA_APPROVE, "", at(2026, 12, 16, 16, 0), &why), 0);
	assert_int_equal(d.verdict, DV_EARLY);
	receive(fx, THREE_DAYS, fx->ward, at(2026, 12, 15, 8, 0), &d);
	assert_int_equal(apply(fx, &d, DA_START, "", at(2026, 12, 15, 9, 0), &why), 0);
	assert_int_equal(apply(fx, &d, DA_FORWARD, "", at(2026, 12, 15, 10, 0), &why), 0);
	assert_int_equal(apply(fx, &d, DA_APPROVE, "", at(2026, 12, 17, 16, 59), &why), 0);
	assert_int_equal(d.verdict, DV_ON_TIME);
	/* returned: the step of the counter is finished and the statistics count the return */
	assert_int_equal(apply(fx, &d, DA_RETURN, "", at(2026, 12, 18, 8, 30), &why), 0);
	assert_int_equal(d.status, DS_RETURNED);
	assert_int_equal(d.returned_at, at(2026, 12, 18, 8, 30));
	assert_true(d.steps[d.nsteps - 1].finished_at > 0);
	/* an invalid transition changes nothing */
	assert_int_equal(apply(fx, &d, DA_APPROVE, "", at(2026, 12, 18, 9, 0), &why), DOSSIER_STATE);
	assert_int_equal(dossier_load(fx->db, &fx->arena, d.code, &d), 0);
	assert_int_equal(d.status, DS_RETURNED);
	assert_true(stat_sum(fx, "returned", THREE_DAYS) >= 1);
}

/* A dossier keeps the procedure version it was received under when a new one is published. */
static void keeps_its_version(void **state)
{
	struct fixture *fx = *state;
	struct dossier d, e;
	struct proc_version pv;
	int64_t version = 0;

	receive(fx, THREE_DAYS, fx->ward, at(2026, 12, 21, 9, 0), &d);
	assert_int_equal(d.procedure_version, 1);
	assert_int_equal(procedure_load(fx->db, &fx->arena, THREE_DAYS, 0, &pv), 0);
	pv.p.name = "Thủ tục đăng ký nhận cha, mẹ, con (sửa đổi)";
	pv.p.time_amount = 5;
	pv.p.steps[1].hours += 16;
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(procedure_save(fx->db, &pv.p, "test", at(2026, 12, 21, 10, 0), &version), 0);
	assert_int_equal(procedure_publish(fx->db, THREE_DAYS, version, at(2026, 12, 21, 10, 0)), 0);
	assert_int_equal(db_commit(fx->db), 0);
	assert_int_equal(version, 2);
	/* the old dossier still has version 1's name, time and steps */
	assert_int_equal(dossier_load(fx->db, &fx->arena, d.code, &d), 0);
	assert_int_equal(d.procedure_version, 1);
	assert_string_equal(d.procedure_name, "Thủ tục đăng ký nhận cha, mẹ, con");
	assert_int_equal(d.hours, 24);
	/* a new one gets version 2 */
	receive(fx, THREE_DAYS, fx->ward, at(2026, 12, 21, 11, 0), &e);
	assert_int_equal(e.procedure_version, 2);
	assert_int_equal(e.hours, 40);
	assert_string_equal(e.procedure_name, "Thủ tục đăng ký nhận cha, mẹ, con (sửa đổi)");
	assert_int_equal(e.steps[1].hours, d.steps[1].hours + 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(due_instants),
		cmocka_unit_test(supplement_restart),
		cmocka_unit_test(apology_timing_and_verdicts),
		cmocka_unit_test(keeps_its_version),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
