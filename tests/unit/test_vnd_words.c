/* test_vnd_words.c: amounts of đồng in words as receipts print them (rules/vnd_words.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
/* the .c itself, to reach the static capitalise_first() */
#include "rules/vnd_words.c"

#define SUFFIX " đồng"

/* snprintf that fails the test rather than truncate */
static void format(char *dst, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void format(char *dst, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(dst, size, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < size);
}

static void check(int64_t amount, const char *want)
{
	char out[VND_WORDS_LEN];
	int rc = vnd_in_words(amount, out, sizeof(out));

	if (rc != 0)
		fail_msg("%lld: returned %d", (long long)amount, rc);
	if (strcmp(out, want))
		fail_msg("%lld: got \"%s\", want \"%s\"", (long long)amount, out, want);
}

/* The amounts the issue lists, then the other cases of the rules, written out in full. */
static void test_issue_amounts(void **state)
{
	(void)state;
	check(0, "Không đồng");
	check(1, "Một đồng");
	check(5, "Năm đồng");
	check(10, "Mười đồng");
	check(11, "Mười một đồng");
	check(14, "Mười bốn đồng");
	check(15, "Mười lăm đồng");
	check(21, "Hai mươi mốt đồng");
	check(24, "Hai mươi tư đồng");
	check(25, "Hai mươi lăm đồng");
	check(101, "Một trăm linh một đồng");
	check(105, "Một trăm linh năm đồng");
	check(110, "Một trăm mười đồng");
	check(1005, "Một nghìn không trăm linh năm đồng");
	check(10500, "Mười nghìn năm trăm đồng");
	check(1000000, "Một triệu đồng");
	check(1000001, "Một triệu không trăm linh một đồng");
	check(317000000, "Ba trăm mười bảy triệu đồng");
	check(1000000000, "Một tỷ đồng");
	check(VND_WORDS_MAX, "Chín trăm chín mươi chín tỷ chín trăm chín mươi chín triệu "
			     "chín trăm chín mươi chín nghìn chín trăm chín mươi chín đồng");
}

static void test_rule_cases(void **state)
{
	(void)state;
	/* linh before a lone unit, whatever the unit */
	check(104, "Một trăm linh bốn đồng");
	check(109, "Một trăm linh chín đồng");
	check(900, "Chín trăm đồng");
	/* mười, lăm, mốt, tư after hundreds */
	check(111, "Một trăm mười một đồng");
	check(114, "Một trăm mười bốn đồng");
	check(115, "Một trăm mười lăm đồng");
	check(121, "Một trăm hai mươi mốt đồng");
	check(124, "Một trăm hai mươi tư đồng");
	check(155, "Một trăm năm mươi lăm đồng");
	check(451, "Bốn trăm năm mươi mốt đồng");
	/* inner groups with a zero hundreds digit read "không trăm" */
	check(1001, "Một nghìn không trăm linh một đồng");
	check(1010, "Một nghìn không trăm mười đồng");
	check(1015, "Một nghìn không trăm mười lăm đồng");
	check(1021, "Một nghìn không trăm hai mươi mốt đồng");
	check(1100, "Một nghìn một trăm đồng");
	check(2050000, "Hai triệu không trăm năm mươi nghìn đồng");
	check(5000020, "Năm triệu không trăm hai mươi đồng");
	check(10010, "Mười nghìn không trăm mười đồng");
	check(1000000005, "Một tỷ không trăm linh năm đồng");
	check(1001000000, "Một tỷ không trăm linh một triệu đồng");
	check(999000000001, "Chín trăm chín mươi chín tỷ không trăm linh một đồng");
	/* all-zero groups are skipped entirely */
	check(1000, "Một nghìn đồng");
	check(20000000, "Hai mươi triệu đồng");
	check(100000000000, "Một trăm tỷ đồng");
	check(5000000001, "Năm tỷ không trăm linh một đồng");
	check(7000001000, "Bảy tỷ không trăm linh một nghìn đồng");
	/* the leading group of a scale never reads "không trăm" nor "linh" */
	check(1000005, "Một triệu không trăm linh năm đồng");
	check(5000, "Năm nghìn đồng");
	check(15000, "Mười lăm nghìn đồng");
	check(21000, "Hai mươi mốt nghìn đồng");
	check(24000000, "Hai mươi tư triệu đồng");
	check(45000000000, "Bốn mươi lăm tỷ đồng");
	/* the capital of every first word */
	check(4624, "Bốn nghìn sáu trăm hai mươi tư đồng");
	check(6000000, "Sáu triệu đồng");
	check(8000000000, "Tám tỷ đồng");
	check(9500, "Chín nghìn năm trăm đồng");
	check(317000, "Ba trăm mười bảy nghìn đồng");
	check(2000, "Hai nghìn đồng");
}

/* 0 … 30 written out; the rest of 0 … 999 built from tables in test_small_numbers. */
static const char *const upto30[31] = {
	"Không đồng",	     "Một đồng",	   "Hai đồng",		"Ba đồng",
	"Bốn đồng",	     "Năm đồng",	   "Sáu đồng",		"Bảy đồng",
	"Tám đồng",	     "Chín đồng",	   "Mười đồng",		"Mười một đồng",
	"Mười hai đồng",     "Mười ba đồng",	   "Mười bốn đồng",	"Mười lăm đồng",
	"Mười sáu đồng",     "Mười bảy đồng",	   "Mười tám đồng",	"Mười chín đồng",
	"Hai mươi đồng",     "Hai mươi mốt đồng",  "Hai mươi hai đồng", "Hai mươi ba đồng",
	"Hai mươi tư đồng",  "Hai mươi lăm đồng",  "Hai mươi sáu đồng", "Hai mươi bảy đồng",
	"Hai mươi tám đồng", "Hai mươi chín đồng", "Ba mươi đồng",
};

static const char *const tens_cap[10] = {
	NULL,	    NULL,	"Hai mươi", "Ba mươi",	"Bốn mươi",
	"Năm mươi", "Sáu mươi", "Bảy mươi", "Tám mươi", "Chín mươi",
};
/* what follows "mươi" for each unit digit */
static const char *const after_muoi[10] = {
	"", " mốt", " hai", " ba", " tư", " lăm", " sáu", " bảy", " tám", " chín",
};
static const char *const hundreds_cap[10] = {
	NULL,	    "Một trăm", "Hai trăm", "Ba trăm",	"Bốn trăm",
	"Năm trăm", "Sáu trăm", "Bảy trăm", "Tám trăm", "Chín trăm",
};
/* what follows "linh" for each unit digit */
static const char *const after_linh[10] = {
	NULL, "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
};

/* Copy s with its first letter, an ASCII capital in every reading here, made small. */
static void lower_first(char *dst, size_t n, const char *s)
{
	assert_true(s[0] >= 'A' && s[0] <= 'Z');
	format(dst, n, "%c%s", s[0] - 'A' + 'a', s + 1);
}

/* The expected reading of 0 … 999 alone, capitalised, without " đồng", from the tables above. */
static void expect_small(int n, char *dst, size_t size)
{
	char low[VND_WORDS_LEN];

	if (n <= 30) {
		size_t len = strlen(upto30[n]) - strlen(SUFFIX);
		assert_string_equal(upto30[n] + len, SUFFIX);
		format(dst, size, "%.*s", (int)len, upto30[n]);
	} else if (n < 100) {
		format(dst, size, "%s%s", tens_cap[n / 10], after_muoi[n % 10]);
	} else if (n % 100 == 0) {
		format(dst, size, "%s", hundreds_cap[n / 100]);
	} else if (n % 100 < 10) {
		format(dst, size, "%s linh %s", hundreds_cap[n / 100], after_linh[n % 10]);
	} else {
		char cap[VND_WORDS_LEN];
		expect_small(n % 100, cap, sizeof(cap));
		lower_first(low, sizeof(low), cap);
		format(dst, size, "%s %s", hundreds_cap[n / 100], low);
	}
}

/* Every amount 0 … 999 against the tables: the rules for 0 … 100 and every group of three. */
static void test_small_numbers(void **state)
{
	char want[VND_WORDS_LEN];
	int n;

	(void)state;
	for (n = 0; n <= 999; n++) {
		expect_small(n, want, sizeof(want) - strlen(SUFFIX));
		memcpy(want + strlen(want), SUFFIX, sizeof(SUFFIX));
		check(n, want);
	}
	/* spot checks of the tables themselves, lest the test repeat a mistake everywhere */
	expect_small(41, want, sizeof(want));
	assert_string_equal(want, "Bốn mươi mốt");
	expect_small(94, want, sizeof(want));
	assert_string_equal(want, "Chín mươi tư");
	expect_small(100, want, sizeof(want));
	assert_string_equal(want, "Một trăm");
	expect_small(305, want, sizeof(want));
	assert_string_equal(want, "Ba trăm linh năm");
	expect_small(515, want, sizeof(want));
	assert_string_equal(want, "Năm trăm mười lăm");
	expect_small(999, want, sizeof(want));
	assert_string_equal(want, "Chín trăm chín mươi chín");
}

/* A group b (1 … 999) read after a higher group: the hundreds always said, "không trăm" too. */
static void expect_inner(int b, char *dst, size_t size)
{
	char cap[VND_WORDS_LEN], low[VND_WORDS_LEN];

	if (b < 10) {
		format(dst, size, "không trăm linh %s", after_linh[b]);
		return;
	}
	expect_small(b, cap, sizeof(cap));
	lower_first(low, sizeof(low), cap);
	format(dst, size, "%s%s", b < 100 ? "không trăm " : "", low);
}

/* Every group 1 … 999 as the leading group and as an inner group, at every scale. */
static void test_groups_at_every_scale(void **state)
{
	char lead[VND_WORDS_LEN], inner[VND_WORDS_LEN], want[VND_WORDS_LEN];
	int b;

	(void)state;
	expect_inner(7, inner, sizeof(inner));
	assert_string_equal(inner, "không trăm linh bảy");
	expect_inner(50, inner, sizeof(inner));
	assert_string_equal(inner, "không trăm năm mươi");
	expect_inner(110, inner, sizeof(inner));
	assert_string_equal(inner, "một trăm mười");
	for (b = 1; b <= 999; b++) {
		expect_small(b, lead, sizeof(lead));
		expect_inner(b, inner, sizeof(inner));

		format(want, sizeof(want), "%s nghìn đồng", lead);
		check((int64_t)b * 1000, want);
		format(want, sizeof(want), "%s triệu đồng", lead);
		check((int64_t)b * 1000000, want);
		format(want, sizeof(want), "%s tỷ đồng", lead);
		check((int64_t)b * 1000000000, want);

		format(want, sizeof(want), "Một nghìn %s đồng", inner);
		check(1000 + b, want);
		format(want, sizeof(want), "Năm triệu %s nghìn đồng", inner);
		check(5000000 + (int64_t)b * 1000, want);
		format(want, sizeof(want), "Bảy tỷ %s triệu đồng", inner);
		check(7000000000 + (int64_t)b * 1000000, want);
		format(want, sizeof(want), "Chín trăm chín mươi chín tỷ %s đồng", inner);
		check(999000000000 + b, want);
	}
}

static void test_out_of_range(void **state)
{
	static const int64_t bad[] = { -1, VND_WORDS_MAX + 1, -VND_WORDS_MAX, INT64_MIN, INT64_MAX };
	char out[VND_WORDS_LEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(out, 'x', sizeof(out));
		assert_int_equal(vnd_in_words(bad[i], out, sizeof(out)), -1);
		assert_string_equal(out, "");
	}
}

/* Every buffer size up to the reading's length fails with "" and writes nothing past `size`. */
static void test_small_buffer(void **state)
{
	static const int64_t amounts[] = { 0, 1, 21, 1005, 317000000, VND_WORDS_MAX };
	char full[VND_WORDS_LEN], out[VND_WORDS_LEN];
	size_t i, size, len, j;

	(void)state;
	assert_int_equal(vnd_in_words(1, NULL, 0), -1);
	memset(out, '#', sizeof(out));
	assert_int_equal(vnd_in_words(1, out, 0), -1);
	assert_int_equal(out[0], '#');
	for (i = 0; i < sizeof(amounts) / sizeof(amounts[0]); i++) {
		assert_int_equal(vnd_in_words(amounts[i], full, sizeof(full)), 0);
		len = strlen(full);
		for (size = 1; size <= len + 1; size++) {
			memset(out, '#', sizeof(out));
			if (size <= len) {
				assert_int_equal(vnd_in_words(amounts[i], out, size), -1);
				assert_string_equal(out, "");
			} else {
				assert_int_equal(vnd_in_words(amounts[i], out, size), 0);
				assert_string_equal(out, full);
			}
			for (j = size; j < sizeof(out); j++)
				if (out[j] != '#')
					fail_msg("%lld, size %zu: byte %zu written", (long long)amounts[i],
						 size, j);
		}
	}
}

/* The first letter's capital, for every small Vietnamese letter (precomposed) and ASCII. */
static void test_capitalise(void **state)
{
	/* two lists, word for word: the letter, then what it must become at the start */
	static const char small[] = "a à á ả ã ạ ă ằ ắ ẳ ẵ ặ â ầ ấ ẩ ẫ ậ b c d đ e è é ẻ ẽ ẹ ê ề ế ể ễ ệ "
				    "f g h i ì í ỉ ĩ ị j k l m n o ò ó ỏ õ ọ ô ồ ố ổ ỗ ộ ơ ờ ớ ở ỡ ợ "
				    "p q r s t u ù ú ủ ũ ụ ư ừ ứ ử ữ ự v w x y ỳ ý ỷ ỹ ỵ z "
				    /* left alone: capitals, digits, signs, ÿ and ß (not Vietnamese) */
				    "A Ấ Đ Ư Ỹ Z 1 ÷ ÿ ß “ @ [";
	static const char capital[] = "A À Á Ả Ã Ạ Ă Ằ Ắ Ẳ Ẵ Ặ Â Ầ Ấ Ẩ Ẫ Ậ B C D Đ E È É Ẻ Ẽ Ẹ Ê Ề Ế Ể Ễ Ệ "
				      "F G H I Ì Í Ỉ Ĩ Ị J K L M N O Ò Ó Ỏ Õ Ọ Ô Ồ Ố Ổ Ỗ Ộ Ơ Ờ Ớ Ở Ỡ Ợ "
				      "P Q R S T U Ù Ú Ủ Ũ Ụ Ư Ừ Ứ Ử Ữ Ự V W X Y Ỳ Ý Ỷ Ỹ Ỵ Z "
				      "A Ấ Đ Ư Ỹ Z 1 ÷ ÿ ß “ @ [";
	const char *p = small, *q = capital;
	char s[32], want[32];
	int letters = 0;

	(void)state;
	while (*p && *q) {
		size_t n = strcspn(p, " "), m = strcspn(q, " ");

		format(s, sizeof(s), "%.*sồng ước", (int)n, p);
		format(want, sizeof(want), "%.*sồng ước", (int)m, q);
		capitalise_first(s);
		assert_string_equal(s, want);
		p += n + (p[n] == ' ');
		q += m + (q[m] == ' ');
		letters++;
	}
	assert_true(!*p && !*q);
	assert_int_equal(letters, 106);
	/* a string that starts with no letter is left alone: here a space */
	format(s, sizeof(s), " ồng");
	capitalise_first(s);
	assert_string_equal(s, " ồng");
	s[0] = '\0';
	capitalise_first(s);
	assert_string_equal(s, "");
}

/* Vietnamese words and the digit they stand for, in the places the rules allow them. */
struct word_value {
	const char *word;
	int value;
};

static const struct word_value plain_digits[] = {
	{ "không", 0 }, { "một", 1 }, { "hai", 2 }, { "ba", 3 },  { "bốn", 4 },
	{ "năm", 5 },	{ "sáu", 6 }, { "bảy", 7 }, { "tám", 8 }, { "chín", 9 },
};
static const struct word_value units_after_muoi_ten[] = {
	/* after "mười" */
	{ "một", 1 }, { "hai", 2 }, { "ba", 3 },  { "bốn", 4 },	 { "lăm", 5 },
	{ "sáu", 6 }, { "bảy", 7 }, { "tám", 8 }, { "chín", 9 },
};
static const struct word_value units_after_muoi[] = {
	/* after "X mươi" */
	{ "mốt", 1 }, { "hai", 2 }, { "ba", 3 },  { "tư", 4 },	 { "lăm", 5 },
	{ "sáu", 6 }, { "bảy", 7 }, { "tám", 8 }, { "chín", 9 },
};

static int lookup(const struct word_value *t, size_t n, const char *word)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(t[i].word, word))
			return t[i].value;
	return -1;
}

#define LOOKUP(table, word) lookup(table, sizeof(table) / sizeof(table[0]), word)

/*
 * Read back one group of k words (no scale word) as a grammar would: [D trăm] then one of
 * "linh U", "mười [U']", "D mươi [U'']" or, in a leading group without hundreds, "U".
 * Returns 1 … 999, or -1 with *why set.
 */
static int read_group(char **t, int k, int inner, const char **why)
{
	int pos = 0, value = 0, has_hundreds = 0, d;

	if (k >= 2 && !strcmp(t[1], "trăm")) {
		d = LOOKUP(plain_digits, t[0]);
		if (d < 0 || (d == 0 && !inner)) {
			*why = "bad hundreds digit";
			return -1;
		}
		value = d * 100;
		pos = 2;
		has_hundreds = 1;
	}
	if (inner && !has_hundreds) {
		*why = "inner group without its hundreds";
		return -1;
	}
	if (pos < k && !strcmp(t[pos], "linh")) {
		d = pos + 1 < k ? LOOKUP(plain_digits, t[pos + 1]) : -1;
		if (!has_hundreds || d < 1) {
			*why = "bad linh";
			return -1;
		}
		value += d;
		pos += 2;
	} else if (pos < k && !strcmp(t[pos], "mười")) {
		value += 10;
		pos++;
		if (pos < k) {
			d = LOOKUP(units_after_muoi_ten, t[pos]);
			if (d < 0) {
				*why = "bad unit after mười";
				return -1;
			}
			value += d;
			pos++;
		}
	} else if (pos + 1 < k && !strcmp(t[pos + 1], "mươi")) {
		d = LOOKUP(plain_digits, t[pos]);
		if (d < 2) {
			*why = "bad tens digit before mươi";
			return -1;
		}
		value += d * 10;
		pos += 2;
		if (pos < k) {
			d = LOOKUP(units_after_muoi, t[pos]);
			if (d < 0) {
				*why = "bad unit after mươi";
				return -1;
			}
			value += d;
			pos++;
		}
	} else if (pos < k) {
		d = LOOKUP(plain_digits, t[pos]);
		if (has_hundreds || d < 1) {
			*why = "bad lone unit";
			return -1;
		}
		value += d;
		pos++;
	}
	if (pos != k || value == 0) {
		*why = pos != k ? "words left over in a group" : "empty group";
		return -1;
	}
	return value;
}

/* Read a whole reading back into the amount; -1 with *why set when it breaks a rule. */
static int64_t read_back(const char *reading, const char **why)
{
	static const struct word_value scales[] = { { "nghìn", 1 }, { "triệu", 2 }, { "tỷ", 3 } };
	static const int64_t scale_factor[] = { 1, 1000, 1000000, 1000000000 };
	char copy[VND_WORDS_LEN];
	char *words[64];
	int n = 0, i = 0, last_scale = 4, inner = 0;
	int64_t total = 0;
	char *p;

	format(copy, sizeof(copy), "%s", reading);
	if (copy[0] < 'A' || copy[0] > 'Z') {
		*why = "no capital";
		return -1;
	}
	copy[0] = (char)(copy[0] - 'A' + 'a');
	for (p = copy; n < 64;) {
		words[n++] = p;
		p = strchr(p, ' ');
		if (!p)
			break;
		*p++ = '\0';
	}
	for (i = 0; i < n; i++)
		if (!words[i][0]) {
			*why = "empty word (two spaces, or one at an end)";
			return -1;
		}
	if (strcmp(words[n - 1], "đồng")) {
		*why = "no đồng at the end";
		return -1;
	}
	n--;
	if (n == 1 && !strcmp(words[0], "không"))
		return 0;
	for (i = 0; i < n;) {
		int j = i, scale = 0, group;

		while (j < n && LOOKUP(scales, words[j]) < 0)
			j++;
		if (j < n)
			scale = LOOKUP(scales, words[j]);
		if (scale >= last_scale) {
			*why = "scales out of order";
			return -1;
		}
		group = read_group(words + i, j - i, inner, why);
		if (group < 0)
			return -1;
		total += group * scale_factor[scale];
		last_scale = scale;
		inner = 1;
		i = j + 1;
	}
	if (!inner) {
		*why = "nothing read";
		return -1;
	}
	return total;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void check_properties(int64_t amount)
{
	static const char *const never[] = { "mươi một", "mười mốt", "linh lăm", "mươi bốn", "mươi năm",
					     "mười năm", "linh mốt", "linh tư",	 "  " };
	char out[VND_WORDS_LEN];
	const char *why = "";
	size_t len, i;
	int64_t back;

	if (vnd_in_words(amount, out, sizeof(out)) != 0)
		fail_msg("%lld: failed", (long long)amount);
	len = strlen(out);
	if (out[0] < 'A' || out[0] > 'Z' || len < strlen(SUFFIX) ||
	    strcmp(out + len - strlen(SUFFIX), SUFFIX))
		fail_msg("%lld: \"%s\" has no capital or no \" đồng\"", (long long)amount, out);
	for (i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		if (strstr(out, never[i]))
			fail_msg("%lld: \"%s\" contains \"%s\"", (long long)amount, out, never[i]);
	back = read_back(out, &why);
	if (back != amount)
		fail_msg("%lld: \"%s\" reads back as %lld (%s)", (long long)amount, out, (long long)back,
			 why);
}

/*
 * Pseudo-random amounts of every magnitude up to the maximum, and every amount to 20,000: the
 * reading is well formed and a reader following the rules gets the amount back.
 */
static void test_properties(void **state)
{
	static const int64_t pow10[] = { 1,	      10,	    100,	  1000,	     10000,
					 100000,      1000000,	    10000000,	  100000000, 1000000000,
					 10000000000, 100000000000, 1000000000000 };
	uint64_t seed = 0x9E3779B97F4A7C15u;
	const char *why = "";
	int64_t a;
	int i;

	(void)state;
	/* the reader itself rejects what the rules forbid */
	assert_int_equal(read_back("Hai mươi một đồng", &why), -1);
	assert_int_equal(read_back("Mười mốt đồng", &why), -1);
	assert_int_equal(read_back("Một trăm năm đồng", &why), -1);
	assert_int_equal(read_back("Một trăm linh lăm đồng", &why), -1);
	assert_int_equal(read_back("Một nghìn linh năm đồng", &why), -1);
	assert_int_equal(read_back("Không trăm năm đồng", &why), -1);
	assert_int_equal(read_back("Một triệu không trăm không nghìn đồng", &why), -1);
	assert_int_equal(read_back("Một nghìn triệu đồng", &why), -1);
	assert_int_equal(read_back("một đồng", &why), -1);
	assert_int_equal(read_back("Một  đồng", &why), -1);
	assert_int_equal(read_back("Một tỷ không trăm hai mươi tư triệu đồng", &why), 1024000000);

	for (a = 0; a <= 20000; a++)
		check_properties(a);
	for (i = 0; i < 12; i++) {
		check_properties(pow10[i + 1] - 1);
		check_properties(pow10[i]);
		check_properties(pow10[i] + 1);
	}
	for (i = 0; i < 5000; i++) {
		int64_t limit = pow10[xorshift(&seed) % 13];
		a = (int64_t)(xorshift(&seed) % (uint64_t)limit);
		check_properties(a > VND_WORDS_MAX ? VND_WORDS_MAX : a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_issue_amounts), cmocka_unit_test(test_rule_cases),
		cmocka_unit_test(test_small_numbers), cmocka_unit_test(test_groups_at_every_scale),
		cmocka_unit_test(test_out_of_range),  cmocka_unit_test(test_small_buffer),
		cmocka_unit_test(test_capitalise),    cmocka_unit_test(test_properties),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("test_vnd_words", tests, NULL, NULL);
}
