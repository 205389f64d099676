/* test_fee.c: fees and charges of a procedure and the amount a citizen pays (rules/fee.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "rules/fee.h"
#include "core/banned.h"

#define NO_NAME	  "Give the fee a name."
#define BAD_KIND  "Say whether it is a fee or a charge."
#define BAD_PER	  "Say whether the fee is counted per dossier, per copy or per page."
#define BAD_AMT	  "An amount must be between 0 and 1,000,000,000,000 VND."
#define MIN_MAX	  "The minimum amount must not be above the maximum."
#define MANY	  "A fee may have at most 8 page ranges."
#define NOT_PAGE  "Only a fee counted per page may have page ranges."
#define BAD_RANGE "A page range starts at page 1 or later and does not end before it starts."
#define ORDER	  "Page ranges must be in order and must not overlap."
#define NOT_CONTIGUOUS                                                                                      \
	"Page ranges must follow each other from page 1, the last one without an end (write 0 đ for free " \
	"pages)."

/* Chứng thực bản sao từ bản chính (2.000815): 2.000 đ/trang for pages 1–2, 1.000 đ/trang from page 3, at most
 * 200.000 đ/bản (Circular 226/2016/TT-BTC). */
static struct fee_line certify(void)
{
	struct fee_line l = {
		.name = "Phí chứng thực bản sao từ bản chính",
		.kind = 0,
		.per = FEE_PER_PAGE,
		.tiers = { { 1, 2, 2000 }, { 3, 0, 1000 } },
		.ntiers = 2,
		.max = 200000,
	};
	return l;
}

static struct fee_line simple(int per, int64_t amount)
{
	struct fee_line l = { .name = "Lệ phí", .kind = 1, .per = per, .amount = amount };
	return l;
}

static void expect_bad(const struct fee_line *l, const char *want)
{
	const char *why = NULL;

	if (fee_line_check(l, &why) != -1 || !why || strcmp(why, want))
		fail_msg("reason \"%s\", want \"%s\"", why ? why : "(none)", want);
	assert_int_equal(fee_line_amount(l, 1, 1), -1);
	assert_int_equal(fee_line_amount(l, 5, 2), -1);
	assert_int_equal(fee_total(l, 1, 1, 1), -1);
}

static void expect_good(const struct fee_line *l)
{
	const char *why = "(unset)";

	if (fee_line_check(l, &why) != 0)
		fail_msg("refused: %s", why ? why : "(none)");
	assert_null(why);
}

static void test_certification(void **state)
{
	struct fee_line l = certify();
	static const struct {
		int64_t pages, want;
	} cases[] = {
		{ 1, 2000 },	 { 2, 4000 },	  { 3, 5000 },	   { 4, 6000 },
		{ 10, 12000 },	 { 100, 102000 }, { 196, 198000 }, { 197, 199000 },
		{ 198, 200000 }, { 199, 200000 }, { 500, 200000 }, { FEE_COUNT_MAX, 200000 },
	};

	expect_good(&l);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t got = fee_line_amount(&l, cases[i].pages, 1);

		if (got != cases[i].want)
			fail_msg("%lld pages: %lld, want %lld", (long long)cases[i].pages, (long long)got,
				 (long long)cases[i].want);
		/* per copy: each copy pays the same */
		assert_int_equal(fee_line_amount(&l, cases[i].pages, 3), 3 * cases[i].want);
	}
	assert_int_equal(fee_line_amount(&l, 3, 2), 10000);
	assert_int_equal(fee_line_amount(&l, 500, 3), 600000);
	assert_int_equal(fee_line_amount(&l, 500, FEE_COUNT_MAX), 200000 * (int64_t)FEE_COUNT_MAX);
	assert_int_equal(fee_total(&l, 1, 10, 2), 24000);
}

static void test_per_copy_and_dossier(void **state)
{
	struct fee_line copy = simple(FEE_PER_COPY, 50000);
	struct fee_line dossier = simple(FEE_PER_DOSSIER, 100000);
	struct fee_line page = simple(FEE_PER_PAGE, 3000);

	expect_good(&copy);
	expect_good(&dossier);
	expect_good(&page);
	/* a per-copy line ignores pages */
	assert_int_equal(fee_line_amount(&copy, 1, 1), 50000);
	assert_int_equal(fee_line_amount(&copy, 1, 3), 150000);
	assert_int_equal(fee_line_amount(&copy, 40, 3), 150000);
	/* a per-dossier line ignores pages and copies */
	assert_int_equal(fee_line_amount(&dossier, 1, 1), 100000);
	assert_int_equal(fee_line_amount(&dossier, 7, 5), 100000);
	assert_int_equal(fee_line_amount(&dossier, FEE_COUNT_MAX, FEE_COUNT_MAX), 100000);
	/* per page without ranges: every page */
	assert_int_equal(fee_line_amount(&page, 1, 1), 3000);
	assert_int_equal(fee_line_amount(&page, 7, 1), 21000);
	assert_int_equal(fee_line_amount(&page, 7, 2), 42000);
	/* free is valid */
	dossier.amount = 0;
	expect_good(&dossier);
	assert_int_equal(fee_line_amount(&dossier, 1, 1), 0);
}

static void test_min_max(void **state)
{
	struct fee_line l = simple(FEE_PER_PAGE, 1000);

	/* the minimum is per copy for a per-page line */
	l.min = 5000;
	expect_good(&l);
	assert_int_equal(fee_line_amount(&l, 1, 1), 5000);
	assert_int_equal(fee_line_amount(&l, 5, 1), 5000);
	assert_int_equal(fee_line_amount(&l, 6, 1), 6000);
	assert_int_equal(fee_line_amount(&l, 3, 2), 10000);
	assert_int_equal(fee_line_amount(&l, 6, 2), 12000);
	/* a range of amounts */
	l.max = 8000;
	expect_good(&l);
	assert_int_equal(fee_line_amount(&l, 2, 1), 5000);
	assert_int_equal(fee_line_amount(&l, 7, 1), 7000);
	assert_int_equal(fee_line_amount(&l, 9, 1), 8000);
	assert_int_equal(fee_line_amount(&l, 9, 4), 32000);
	/* min == max: a flat amount */
	l.min = l.max = 6000;
	expect_good(&l);
	assert_int_equal(fee_line_amount(&l, 1, 1), 6000);
	assert_int_equal(fee_line_amount(&l, 100, 1), 6000);

	/* per copy */
	l = simple(FEE_PER_COPY, 20000);
	l.min = 30000;
	assert_int_equal(fee_line_amount(&l, 1, 2), 60000);
	l.min = 0;
	l.max = 15000;
	assert_int_equal(fee_line_amount(&l, 1, 2), 30000);

	/* per dossier: raised from nothing */
	l = simple(FEE_PER_DOSSIER, 0);
	l.min = 10000;
	assert_int_equal(fee_line_amount(&l, 3, 3), 10000);
	l.amount = 500000;
	l.max = 300000;
	l.min = 0;
	assert_int_equal(fee_line_amount(&l, 3, 3), 300000);

	/* free pages (a range at 0 đ), but the minimum still applies */
	l = certify();
	l.tiers[0] = (struct fee_tier){ 1, 2, 0 };
	l.tiers[1] = (struct fee_tier){ 3, 3, 2000 };
	l.tiers[2] = (struct fee_tier){ 4, 0, 1000 };
	l.ntiers = 3;
	l.min = 1500;
	expect_good(&l);
	assert_int_equal(fee_line_amount(&l, 2, 1), 1500);
	assert_int_equal(fee_line_amount(&l, 3, 1), 2000);
	assert_int_equal(fee_line_amount(&l, 4, 1), 3000);
}

static void test_tiers(void **state)
{
	struct fee_line l = {
		.name = "Phí",
		.per = FEE_PER_PAGE,
		.amount = 999999, /* not used when there are ranges */
		.tiers = { { 1, 1, 5000 }, { 2, 4, 0 }, { 5, 6, 1000 }, { 7, 9, 0 }, { 10, 0, 500 } },
		.ntiers = 5,
	};

	expect_good(&l);
	/* pages 2–4 and 7–9 are free (written as 0 đ) */
	assert_int_equal(fee_line_amount(&l, 1, 1), 5000);
	assert_int_equal(fee_line_amount(&l, 4, 1), 5000);
	assert_int_equal(fee_line_amount(&l, 5, 1), 6000);
	assert_int_equal(fee_line_amount(&l, 6, 1), 7000);
	assert_int_equal(fee_line_amount(&l, 9, 1), 7000);
	assert_int_equal(fee_line_amount(&l, 10, 1), 7500);
	assert_int_equal(fee_line_amount(&l, 12, 1), 8500);
	assert_int_equal(fee_line_amount(&l, 12, 2), 17000);
	/* a gap, a start past page 1 or a closed last range would make pages free unseen: refused */
	l.tiers[4].to = 11;
	expect_bad(&l, NOT_CONTIGUOUS);
	l.tiers[4].to = 0;
	l.tiers[3].from = 8;
	expect_bad(&l, NOT_CONTIGUOUS);
	l.tiers[3].from = 7;
	expect_good(&l);
	{
		struct fee_line late = certify(); /* 2–2, 3–: page 1 in no range */
		late.tiers[0].from = 2;
		expect_bad(&late, NOT_CONTIGUOUS);
	}
	/* the first page free, then a flat rate from page 2 */
	l.tiers[0] = (struct fee_tier){ 1, 1, 0 };
	l.tiers[1] = (struct fee_tier){ 2, 0, 700 };
	l.ntiers = 2;
	expect_good(&l);
	assert_int_equal(fee_line_amount(&l, 1, 1), 0);
	assert_int_equal(fee_line_amount(&l, 2, 1), 700);
	assert_int_equal(fee_line_amount(&l, 11, 1), 7000);
	/* adjacent ranges, the most there can be */
	for (int i = 0; i < FEE_MAX_TIERS; i++)
		l.tiers[i] = (struct fee_tier){ i + 1, i + 1, (i + 1) * 100 };
	l.tiers[FEE_MAX_TIERS - 1].to = 0;
	l.ntiers = FEE_MAX_TIERS;
	expect_good(&l);
	assert_int_equal(fee_line_amount(&l, 3, 1), 600);
	assert_int_equal(fee_line_amount(&l, 8, 1), 3600);
	/* the last, open range goes on */
	assert_int_equal(fee_line_amount(&l, 10, 1), 3600 + 2 * 800);
}

static void test_invalid_lines(void **state)
{
	struct fee_line l;

	l = certify();
	l.name = NULL;
	expect_bad(&l, NO_NAME);
	l.name = "";
	expect_bad(&l, NO_NAME);

	l = certify();
	l.kind = 2;
	expect_bad(&l, BAD_KIND);
	l.kind = -1;
	expect_bad(&l, BAD_KIND);

	l = simple(0, 1000);
	expect_bad(&l, BAD_PER);
	l.per = FEE_PER_PAGE + 1;
	expect_bad(&l, BAD_PER);

	/* amounts */
	l = simple(FEE_PER_COPY, -1);
	expect_bad(&l, BAD_AMT);
	l.amount = FEE_AMOUNT_MAX + 1;
	expect_bad(&l, BAD_AMT);
	l.amount = INT64_MAX;
	expect_bad(&l, BAD_AMT);
	l.amount = FEE_AMOUNT_MAX;
	expect_good(&l);
	l.amount = 1;
	l.min = -5;
	expect_bad(&l, BAD_AMT);
	l.min = 0;
	l.max = FEE_AMOUNT_MAX + 1;
	expect_bad(&l, BAD_AMT);
	l = certify();
	l.tiers[1].amount = -1000;
	expect_bad(&l, BAD_AMT);
	l.tiers[1].amount = FEE_AMOUNT_MAX + 1;
	expect_bad(&l, BAD_AMT);

	/* min above max; either alone is fine */
	l = simple(FEE_PER_COPY, 1000);
	l.min = 10000;
	l.max = 5000;
	expect_bad(&l, MIN_MAX);
	l.max = 0;
	expect_good(&l);
	l.min = 0;
	l.max = 5000;
	expect_good(&l);

	/* ranges only per page */
	l = certify();
	l.per = FEE_PER_COPY;
	expect_bad(&l, NOT_PAGE);
	l.per = FEE_PER_DOSSIER;
	expect_bad(&l, NOT_PAGE);

	/* how many ranges */
	l = certify();
	l.ntiers = FEE_MAX_TIERS + 1;
	expect_bad(&l, MANY);
	l.ntiers = -1;
	expect_bad(&l, MANY);

	/* each range */
	l = certify();
	l.tiers[0].from = 0;
	expect_bad(&l, BAD_RANGE);
	l.tiers[0].from = -3;
	expect_bad(&l, BAD_RANGE);
	l = certify();
	l.tiers[0] = (struct fee_tier){ 3, 2, 2000 };
	expect_bad(&l, BAD_RANGE);
	l.tiers[0] = (struct fee_tier){ 1, 1, 2000 }; /* one page */
	l.tiers[1].from = 2;
	expect_good(&l);
	l.tiers[1].to = -1;
	expect_bad(&l, BAD_RANGE);

	/* order and overlap */
	l = certify();
	l.tiers[0] = (struct fee_tier){ 1, 3, 2000 }; /* page 3 in both */
	expect_bad(&l, ORDER);
	l = certify();
	l.tiers[0] = (struct fee_tier){ 3, 4, 2000 }; /* unordered */
	l.tiers[1] = (struct fee_tier){ 1, 2, 1000 };
	expect_bad(&l, ORDER);
	l = certify();
	l.tiers[0] = (struct fee_tier){ 1, 0, 2000 }; /* open-ended, then another */
	l.tiers[1] = (struct fee_tier){ 5, 6, 1000 };
	expect_bad(&l, ORDER);
	l = certify();
	l.tiers[1] = (struct fee_tier){ 1, 0, 1000 }; /* the same first page */
	expect_bad(&l, ORDER);

	/* the reason may be left out */
	l = certify();
	assert_int_equal(fee_line_check(&l, NULL), 0);
	l.name = "";
	assert_int_equal(fee_line_check(&l, NULL), -1);
}

static void test_counts(void **state)
{
	struct fee_line lines[3] = { certify(), simple(FEE_PER_COPY, 1000), simple(FEE_PER_DOSSIER, 1000) };
	static const int64_t bad[][2] = {
		{ 0, 1 },
		{ 1, 0 },
		{ -1, 1 },
		{ 1, -1 },
		{ FEE_COUNT_MAX + 1, 1 },
		{ 1, FEE_COUNT_MAX + 1 },
		{ INT64_MIN, 1 },
		{ 1, INT64_MAX },
	};

	for (size_t k = 0; k < 3; k++) {
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			assert_int_equal(fee_line_amount(&lines[k], bad[i][0], bad[i][1]), -1);
		assert_true(fee_line_amount(&lines[k], FEE_COUNT_MAX, FEE_COUNT_MAX) >= 0);
		assert_true(fee_line_amount(&lines[k], 1, 1) >= 0);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(fee_total(lines, 3, bad[i][0], bad[i][1]), -1);
		/* even with no line: the question is wrong */
		assert_int_equal(fee_total(lines, 0, bad[i][0], bad[i][1]), -1);
	}
}

/* The largest accepted values: results above FEE_AMOUNT_MAX are refused, and nothing overflows (UBSan
 * watches). */
static void test_limits(void **state)
{
	struct fee_line l = simple(FEE_PER_PAGE, FEE_AMOUNT_MAX);

	assert_int_equal(fee_line_amount(&l, 1, 1), FEE_AMOUNT_MAX);
	assert_int_equal(fee_line_amount(&l, 2, 1), -1);
	assert_int_equal(fee_line_amount(&l, 1, 2), -1);
	assert_int_equal(fee_line_amount(&l, FEE_COUNT_MAX, FEE_COUNT_MAX), -1);
	/* exactly the largest amount */
	l.amount = FEE_AMOUNT_MAX / FEE_COUNT_MAX;
	assert_int_equal(fee_line_amount(&l, FEE_COUNT_MAX, 1), FEE_AMOUNT_MAX);
	assert_int_equal(fee_line_amount(&l, 1, FEE_COUNT_MAX), FEE_AMOUNT_MAX);
	assert_int_equal(fee_line_amount(&l, FEE_COUNT_MAX, 2), -1);
	l.amount++;
	assert_int_equal(fee_line_amount(&l, FEE_COUNT_MAX, 1), -1);
	assert_int_equal(fee_line_amount(&l, FEE_COUNT_MAX - 1, 1),
			 (FEE_AMOUNT_MAX / FEE_COUNT_MAX + 1) * (FEE_COUNT_MAX - 1));
	/* every range at the largest amount: 10^17 for one copy before the cap */
	for (int i = 0; i < FEE_MAX_TIERS; i++)
		l.tiers[i] = (struct fee_tier){ i * 20000 + 1, i == FEE_MAX_TIERS - 1 ? 0 : (i + 1) * 20000,
						FEE_AMOUNT_MAX };
	l.ntiers = FEE_MAX_TIERS;
	expect_good(&l);
	assert_int_equal(fee_line_amount(&l, FEE_COUNT_MAX, 1), -1);
	l.max = FEE_AMOUNT_MAX;
	assert_int_equal(fee_line_amount(&l, FEE_COUNT_MAX, 1), FEE_AMOUNT_MAX);
	assert_int_equal(fee_line_amount(&l, FEE_COUNT_MAX, 2), -1);
	assert_int_equal(fee_line_amount(&l, FEE_COUNT_MAX, FEE_COUNT_MAX), -1);
	l.max = 200000;
	assert_int_equal(fee_line_amount(&l, FEE_COUNT_MAX, FEE_COUNT_MAX), 200000 * (int64_t)FEE_COUNT_MAX);
	/* the minimum at the largest amount, times the copies */
	l = simple(FEE_PER_COPY, 0);
	l.min = FEE_AMOUNT_MAX;
	assert_int_equal(fee_line_amount(&l, 1, 1), FEE_AMOUNT_MAX);
	assert_int_equal(fee_line_amount(&l, 1, FEE_COUNT_MAX), -1);
	l = simple(FEE_PER_DOSSIER, FEE_AMOUNT_MAX);
	assert_int_equal(fee_line_amount(&l, FEE_COUNT_MAX, FEE_COUNT_MAX), FEE_AMOUNT_MAX);
}

static void test_total(void **state)
{
	struct fee_line lines[3] = { certify(), simple(FEE_PER_COPY, 10000), simple(FEE_PER_DOSSIER, 50000) };
	struct fee_line big[3] = { simple(FEE_PER_DOSSIER, FEE_AMOUNT_MAX - 1), simple(FEE_PER_DOSSIER, 1),
				   simple(FEE_PER_DOSSIER, 1) };

	assert_int_equal(fee_total(lines, 0, 1, 1), 0);
	assert_int_equal(fee_total(lines, 1, 3, 1), 5000);
	/* 2 copies of 3 pages: 2 × 5.000 + 2 × 10.000 + 50.000 */
	assert_int_equal(fee_total(lines, 3, 3, 2), 80000);
	assert_int_equal(fee_total(lines, 3, 500, 1), 260000);
	/* one bad line spoils the sum */
	lines[1].amount = -1;
	assert_int_equal(fee_total(lines, 3, 3, 2), -1);
	assert_int_equal(fee_total(lines, 1, 3, 2), 10000);
	/* the sum stays within FEE_AMOUNT_MAX */
	assert_int_equal(fee_total(big, 2, 1, 1), FEE_AMOUNT_MAX);
	assert_int_equal(fee_total(big, 3, 1, 1), -1);
	big[0].amount = FEE_AMOUNT_MAX;
	big[1].amount = FEE_AMOUNT_MAX;
	assert_int_equal(fee_total(big, 2, 1, 1), -1);
}

static void test_names(void **state)
{
	assert_string_equal(fee_per_name(FEE_PER_DOSSIER), "dossier");
	assert_string_equal(fee_per_name(FEE_PER_COPY), "copy");
	assert_string_equal(fee_per_name(FEE_PER_PAGE), "page");
	assert_null(fee_per_name(0));
	assert_null(fee_per_name(4));
	assert_null(fee_per_name(-1));
	for (int per = FEE_PER_DOSSIER; per <= FEE_PER_PAGE; per++)
		assert_int_equal(fee_per_from_name(fee_per_name(per)), per);
	assert_int_equal(fee_per_from_name("Page"), 0);
	assert_int_equal(fee_per_from_name("pages"), 0);
	assert_int_equal(fee_per_from_name(""), 0);
	assert_int_equal(fee_per_from_name(NULL), 0);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_certification), cmocka_unit_test(test_per_copy_and_dossier),
		cmocka_unit_test(test_min_max),	      cmocka_unit_test(test_tiers),
		cmocka_unit_test(test_invalid_lines), cmocka_unit_test(test_counts),
		cmocka_unit_test(test_limits),	      cmocka_unit_test(test_total),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests_name("fee", tests, NULL, NULL) ? 1 : 0;
}
