/* fee.c: the amount of a procedure's fees and charges (phí, lệ phí) for a dossier. */
#include <string.h>
#include "core/i18n.h"
#include "rules/fee.h"
#include "core/banned.h"

/* the message about too many page ranges says 8 */
_Static_assert(FEE_MAX_TIERS == 8, "update the message");

static const char *const per_names[] = {
	[FEE_PER_DOSSIER] = "dossier",
	[FEE_PER_COPY] = "copy",
	[FEE_PER_PAGE] = "page",
};

const char *fee_per_name(int per)
{
	if (per < FEE_PER_DOSSIER || per > FEE_PER_PAGE)
		return NULL;
	return per_names[per];
}

int fee_per_from_name(const char *name)
{
	if (!name)
		return 0;
	for (int per = FEE_PER_DOSSIER; per <= FEE_PER_PAGE; per++)
		if (!strcmp(per_names[per], name))
			return per;
	return 0;
}

static int amount_ok(int64_t v)
{
	return v >= 0 && v <= FEE_AMOUNT_MAX;
}

int fee_line_check(const struct fee_line *l, const char **why)
{
	const char *reason = NULL;

	if (!l->name || !l->name[0]) {
		reason = N_("Give the fee a name.");
		goto out;
	}
	if (l->kind != 0 && l->kind != 1) {
		reason = N_("Say whether it is a fee or a charge.");
		goto out;
	}
	if (!fee_per_name(l->per)) {
		reason = N_("Say whether the fee is counted per dossier, per copy or per page.");
		goto out;
	}
	if (!amount_ok(l->amount) || !amount_ok(l->min) || !amount_ok(l->max)) {
		reason = N_("An amount must be between 0 and 1,000,000,000,000 VND.");
		goto out;
	}
	if (l->min && l->max && l->min > l->max) {
		reason = N_("The minimum amount must not be above the maximum.");
		goto out;
	}
	if (l->ntiers < 0 || l->ntiers > FEE_MAX_TIERS) {
		reason = N_("A fee may have at most 8 page ranges.");
		goto out;
	}
	if (l->ntiers && l->per != FEE_PER_PAGE) {
		reason = N_("Only a fee counted per page may have page ranges.");
		goto out;
	}
	for (int i = 0; i < l->ntiers; i++) {
		const struct fee_tier *t = &l->tiers[i];

		if (t->from < 1 || (t->to != 0 && t->to < t->from)) {
			reason = N_(
				"A page range starts at page 1 or later and does not end before it starts.");
			goto out;
		}
		if (!amount_ok(t->amount)) {
			reason = N_("An amount must be between 0 and 1,000,000,000,000 VND.");
			goto out;
		}
		/* in order: a range starts after the previous one ends, and only the last is open-ended */
		if (i > 0 && (l->tiers[i - 1].to == 0 || t->from <= l->tiers[i - 1].to)) {
			reason = N_("Page ranges must be in order and must not overlap.");
			goto out;
		}
	}
	/*
	 * and, once in order, with no gap, from page 1 to no end: a page left out
	 * by a typo ("from 4" for "from 3") would be free without anyone
	 * noticing; a free range is written with the amount 0
	 */
	for (int i = 0; i < l->ntiers; i++) {
		const struct fee_tier *t = &l->tiers[i];
		if ((i == 0 && t->from != 1) || (i > 0 && t->from != l->tiers[i - 1].to + 1) ||
		    (i == l->ntiers - 1 && t->to != 0)) {
			reason = N_(
				"Page ranges must follow each other from page 1, the last one without an end "
				"(write 0 đ for free pages).");
			goto out;
		}
	}
out:
	if (why)
		*why = reason;
	return reason ? -1 : 0;
}

/*
 * Overflow: every amount is at most FEE_AMOUNT_MAX (10^12) and pages at
 * most FEE_COUNT_MAX (10^5), and the tiers do not overlap, so the price of
 * one copy is at most 10^17, well inside int64_t. Multiplying by the
 * copies or adding lines could pass 2^63, so a result above FEE_AMOUNT_MAX
 * is refused (-1), checked before each multiplication and addition: no
 * amount is capped silently, as a wrong sum on a receipt is worse than
 * none.
 */
int64_t fee_line_amount(const struct fee_line *l, int64_t pages, int64_t copies)
{
	int64_t v = 0, times = 1;

	if (pages < 1 || pages > FEE_COUNT_MAX || copies < 1 || copies > FEE_COUNT_MAX)
		return -1;
	if (fee_line_check(l, NULL) < 0)
		return -1;
	switch (l->per) {
	case FEE_PER_PAGE:
		if (!l->ntiers)
			v = l->amount * pages;
		for (int i = 0; i < l->ntiers; i++) {
			int64_t from = l->tiers[i].from, to = l->tiers[i].to;

			if (to == 0 || to > pages)
				to = pages;
			if (to >= from)
				v += l->tiers[i].amount * (to - from + 1);
		}
		times = copies;
		break;
	case FEE_PER_COPY:
		v = l->amount;
		times = copies;
		break;
	case FEE_PER_DOSSIER: v = l->amount; break;
	}
	if (l->min && v < l->min)
		v = l->min;
	if (l->max && v > l->max)
		v = l->max;
	if (v > FEE_AMOUNT_MAX / times)
		return -1;
	return v * times;
}

int64_t fee_total(const struct fee_line *lines, size_t n, int64_t pages, int64_t copies)
{
	int64_t sum = 0;

	if (pages < 1 || pages > FEE_COUNT_MAX || copies < 1 || copies > FEE_COUNT_MAX)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int64_t v = fee_line_amount(&lines[i], pages, copies);

		if (v < 0 || v > FEE_AMOUNT_MAX - sum)
			return -1;
		sum += v;
	}
	return sum;
}
