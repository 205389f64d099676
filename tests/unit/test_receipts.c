/*
 * test_receipts.c: receipt books and receipts in the database with a fixed clock
 * (features/receipts.h): the book's formats and its year, numbers that restart with each
 * year's book and never skip, what is refused (and writes nothing), cancellation and
 * replacement, and the signing key that must be there.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "core/arena.h"
#include "core/timefmt.h"
#include "features/org.h"
#include "features/receipt_xml.h"
#include "features/receipts.h"
#include "store/db.h"
#include "fixture.h"
#include "core/banned.h"

struct fixture {
	struct testdb_fx tdb;
	char keys[128];
	struct db *db;
	struct arena arena;
	int64_t office, book26, book27;
};

static int64_t at(int y, int mo, int d, int h, int mi)
{
	struct civil c = { .year = y, .month = mo, .day = d, .hour = h, .min = mi };
	return time_from_civil(&c, VN_UTC_OFFSET);
}

static int book(struct fixture *fx, const char *template_code, const char *series, int year, int64_t *id,
		const char **why)
{
	int rc = db_begin(fx->db);
	if (!rc)
		rc = receipt_book_create(fx->db, fx->office, template_code, series, year, "test",
					 at(2026, 1, 2, 8, 0), id, why);
	if (rc)
		db_rollback(fx->db);
	else
		rc = db_commit(fx->db);
	return rc;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const char *why;
	if (!fx)
		return -1;
	*state = fx;
	arena_init(&fx->arena);
	fx->db = testdb_open_migrated("receipts", &fx->tdb);
	if (!fx->db)
		return -1;
	if (db_begin(fx->db) || org_demo(fx->db) || db_commit(fx->db))
		return -1;
	fx->office = org_unit_by_code(fx->db, "100.15.00.H26");
	snprintf(fx->keys, sizeof(fx->keys), "%s/keys", fx->tdb.dir);
	if (receipt_demo_key(fx->keys, "100.15.00.H26", "Bộ phận Tiếp nhận và Trả kết quả quận Thanh Xuân"))
		return -1;
	if (book(fx, "01BLP0-001", "AA-26E", 2026, &fx->book26, &why) ||
	    book(fx, "01BLP0-001", "AA-27E", 2027, &fx->book27, &why))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char path[512];
	if (!fx)
		return 0;
	arena_release(&fx->arena);
	snprintf(path, sizeof(path), "%s/100.15.00.H26.key.pem", fx->keys);
	unlink(path);
	snprintf(path, sizeof(path), "%s/100.15.00.H26.crt.pem", fx->keys);
	unlink(path);
	rmdir(fx->keys);
	testdb_close(&fx->tdb, fx->db);
	free(fx);
	return 0;
}

static void input(struct fixture *fx, struct receipt_issue *in, int64_t book_id, int64_t amount)
{
	memset(in, 0, sizeof(*in));
	in->book_id = book_id;
	in->payer.name = "Nguyễn Văn An";
	in->payer.address = "Số 9 Khuất Duy Tiến, Thanh Xuân, Hà Nội";
	in->nlines = 1;
	in->lines[0] = (struct receipt_line){ .name = "Lệ phí chứng thực",
					      .quantity = 2,
					      .unit_amount = amount / 2 };
	in->method = RM_CASH;
	in->collector_name = "Bùi Thị Thu";
	in->keys_dir = fx->keys;
}

/* Issue in a transaction of its own: the rc, and the receipt in *r. */
static int issue(struct fixture *fx, const struct receipt_issue *in, int64_t now, struct receipt *r,
		 const char **why)
{
	int rc = db_begin(fx->db);
	if (!rc)
		rc = receipt_issue(fx->db, &fx->arena, in, now, r, why);
	if (rc)
		db_rollback(fx->db);
	else
		rc = db_commit(fx->db);
	return rc;
}

static int64_t count(struct fixture *fx)
{
	struct db_stmt *st;
	int64_t n = -1;
	if (db_query(fx->db, &st, "SELECT COUNT(*) FROM receipts", NULL) == DB_ROW)
		n = db_col_int(st, 0);
	db_release_statements(fx->db);
	return n;
}

static void books(void **state)
{
	struct fixture *fx = *state;
	const char *why = NULL;
	int64_t id;
	struct receipt_book b;

	/* the series says the year it is for */
	assert_int_equal(book(fx, "01BLP0-001", "AA-25E", 2026, &id, &why), RECEIPT_INVALID);
	assert_string_equal(
		why,
		"The series is like AA-26E: two capital letters, a hyphen, the last two digits of the year and E.");
	assert_int_equal(book(fx, "01BLP0-001", "aa-26E", 2026, &id, &why), RECEIPT_INVALID);
	assert_int_equal(book(fx, "01 BLP", "AB-26E", 2026, &id, &why), RECEIPT_INVALID);
	assert_int_equal(book(fx, "01BLP0-001", "AB-26E", 1999, &id, &why), RECEIPT_INVALID);
	/* once per unit, template, series and year */
	assert_int_equal(book(fx, "01BLP0-001", "AA-26E", 2026, &id, &why), RECEIPT_CONFLICT);
	assert_int_equal(book(fx, "01BLP0-001", "AB-26E", 2026, &id, &why), RECEIPT_OK);
	assert_int_equal(receipt_book_load(fx->db, &fx->arena, id, &b), RECEIPT_OK);
	assert_string_equal(b.series, "AB-26E");
	assert_int_equal(b.year, 2026);
	assert_int_equal(b.issued, 0);
	assert_int_equal(b.active, 1);
	/* an unused book may go; a used one may only stop */
	assert_int_equal(receipt_book_delete(fx->db, id), RECEIPT_OK);
	assert_int_equal(receipt_book_load(fx->db, &fx->arena, id, &b), RECEIPT_NOT_FOUND);
	{
		struct receipt_issue in;
		struct receipt r;
		input(fx, &in, fx->book26, 20000);
		assert_int_equal(issue(fx, &in, at(2026, 3, 2, 9, 0), &r, &why), RECEIPT_OK);
	}
	assert_int_equal(receipt_book_delete(fx->db, fx->book26), RECEIPT_CONFLICT);
	assert_int_equal(receipt_book_load(fx->db, &fx->arena, fx->book26, &b), RECEIPT_OK);
	assert_int_equal(b.issued, 1);
}

static void numbers_and_refusals(void **state)
{
	struct fixture *fx = *state;
	struct receipt_issue in;
	struct receipt r;
	const char *why = NULL;
	int64_t before;

	input(fx, &in, fx->book26, 50000);
	assert_int_equal(issue(fx, &in, at(2026, 3, 2, 9, 0), &r, &why), RECEIPT_OK);
	assert_string_equal(r.number_text, "0000001");
	assert_string_equal(r.amount_in_words, "Năm mươi nghìn đồng");
	assert_int_equal(r.total, 50000);
	assert_int_equal(r.lines[0].amount, 50000);
	assert_int_equal(strlen(r.lookup), RECEIPT_LOOKUP_LEN);
	assert_int_equal(strlen(r.verify_code), 10);
	assert_non_null(strstr(r.xml, "<SBLai>0000001</SBLai>"));

	/* refused, with the reason, and nothing written nor numbered */
	before = count(fx);
	in.payer.name = "";
	assert_int_equal(issue(fx, &in, at(2026, 3, 2, 9, 5), &r, &why), RECEIPT_INVALID);
	assert_string_equal(why, "Enter the payer's name (at most 200 characters).");
	input(fx, &in, fx->book26, 50000);
	in.lines[0].quantity = 0;
	assert_int_equal(issue(fx, &in, at(2026, 3, 2, 9, 5), &r, &why), RECEIPT_INVALID);
	input(fx, &in, fx->book26, 50000);
	in.method = 9;
	assert_int_equal(issue(fx, &in, at(2026, 3, 2, 9, 5), &r, &why), RECEIPT_INVALID);
	input(fx, &in, fx->book26, 50000);
	in.lines[0].unit_amount = RECEIPT_AMOUNT_MAX;
	assert_int_equal(issue(fx, &in, at(2026, 3, 2, 9, 5), &r, &why), RECEIPT_INVALID);
	assert_string_equal(why, "The total is too large for one receipt.");
	/* the book of next year is not for this year's receipts */
	input(fx, &in, fx->book27, 50000);
	assert_int_equal(issue(fx, &in, at(2026, 12, 31, 16, 0), &r, &why), RECEIPT_CONFLICT);
	/* a stopped book */
	assert_int_equal(receipt_book_set_active(fx->db, fx->book26, 0), RECEIPT_OK);
	input(fx, &in, fx->book26, 50000);
	assert_int_equal(issue(fx, &in, at(2026, 3, 2, 9, 5), &r, &why), RECEIPT_CONFLICT);
	assert_int_equal(receipt_book_set_active(fx->db, fx->book26, 1), RECEIPT_OK);
	/* no key: not issued, and said so */
	in.keys_dir = "/nonexistent";
	assert_int_equal(issue(fx, &in, at(2026, 3, 2, 9, 5), &r, &why), RECEIPT_NO_KEY);
	assert_int_equal(count(fx), before);

	/* the next one takes the next number */
	input(fx, &in, fx->book26, 50000);
	assert_int_equal(issue(fx, &in, at(2026, 3, 2, 9, 10), &r, &why), RECEIPT_OK);
	assert_string_equal(r.number_text, "0000002");
	/* the new year's book starts again at 1 */
	input(fx, &in, fx->book27, 60000);
	assert_int_equal(issue(fx, &in, at(2027, 1, 4, 8, 0), &r, &why), RECEIPT_OK);
	assert_string_equal(r.number_text, "0000001");
	assert_string_equal(r.series, "AA-27E");
	assert_int_equal(r.year, 2027);
}

static void cancel_and_replace(void **state)
{
	struct fixture *fx = *state;
	struct receipt_issue in;
	struct receipt r, n, back;
	const char *why = NULL;

	input(fx, &in, fx->book26, 30000);
	assert_int_equal(issue(fx, &in, at(2026, 4, 1, 9, 0), &r, &why), RECEIPT_OK);
	/* a reason is required */
	assert_int_equal(receipt_cancel(fx->db, r.id, "sai", "Bùi Thị Thu", at(2026, 4, 1, 10, 0), &why),
			 RECEIPT_INVALID);
	/* replaced: the original is cancelled with the reason and points to the new one, which points back */
	input(fx, &in, fx->book26, 30000);
	in.payer.address = "Số 1 Nguyễn Trãi, Thanh Xuân, Hà Nội";
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(receipt_replace(fx->db, &fx->arena, r.id, "Sai địa chỉ người nộp", &in,
					 at(2026, 4, 1, 10, 0), &n, &why),
			 RECEIPT_OK);
	assert_int_equal(db_commit(fx->db), 0);
	assert_int_equal(n.replaces_id, r.id);
	assert_string_equal(n.replaces_number, "AA-26E 0000001");
	assert_int_equal(receipt_load(fx->db, &fx->arena, r.id, &back), RECEIPT_OK);
	assert_int_equal(back.status, RST_CANCELLED);
	assert_string_equal(back.cancel_reason, "Sai địa chỉ người nộp");
	assert_int_equal(back.replaced_by_id, n.id);
	assert_string_equal(back.replaced_by_number, "AA-26E 0000002");
	assert_int_equal(receipt_load(fx->db, &fx->arena, n.id, &back), RECEIPT_OK);
	assert_string_equal(back.payer.address, "Số 1 Nguyễn Trãi, Thanh Xuân, Hà Nội");
	assert_string_equal(back.replaces_number, "AA-26E 0000001");
	/* the number is kept by the cancelled one; it cannot be cancelled twice */
	assert_int_equal(receipt_cancel(fx->db, r.id, "Hủy lần nữa", "Bùi Thị Thu", at(2026, 4, 1, 11, 0),
					&why),
			 RECEIPT_CONFLICT);
	/* the signed document of the replacement names the one it replaces */
	assert_non_null(strstr(back.xml, "0000001"));
	{
		char cert[512], key[512], code[16];
		assert_int_equal(receipt_key_paths(fx->keys, "100.15.00.H26", key, cert, sizeof(key)), 0);
		assert_int_equal(receipt_xml_verify(back.xml, strlen(back.xml), cert, code), 1);
		assert_string_equal(code, back.verify_code);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(books, setup, teardown),
		cmocka_unit_test_setup_teardown(numbers_and_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(cancel_and_replace, setup, teardown),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	if (receipt_xml_init())
		return 1;
	return cmocka_run_group_tests_name("receipts", tests, NULL, NULL);
}
