/* test_fold.c: Vietnamese search folding (rules/fold.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "rules/fold.h"
#include "core/banned.h"

/* Fold s with room to spare and compare. */
static void expect_fold(const char *s, const char *want)
{
	char out[512];
	long n;

	memset(out, 'X', sizeof(out));
	n = fold_text(s, out, sizeof(out));
	if (n < 0 || strcmp(out, want))
		fail_msg("fold(\"%s\") = %ld \"%s\", want \"%s\"", s, n, n < 0 ? "" : out, want);
	assert_int_equal(n, (long)strlen(want));
	/* the promise of the header: strlen(s) + 1 always suffices */
	assert_true(strlen(out) <= strlen(s));
	n = fold_text(s, out, strlen(s) + 1);
	assert_int_equal(n, (long)strlen(want));
	assert_string_equal(out, want);
}

static void expect_invalid(const char *s)
{
	char out[64];

	memset(out, 'X', sizeof(out));
	if (fold_text(s, out, sizeof(out)) != -1)
		fail_msg("invalid UTF-8 accepted: %s", s);
	assert_string_equal(out, "");
}

static void test_examples(void **state)
{
	expect_fold("CHỨNG THỰC", "chung thuc");
	expect_fold("chứng thực", "chung thuc");
	expect_fold("chung thuc", "chung thuc");
	/* NFD: u + horn (U+031B) + acute (U+0301); u + horn + dot below (U+0323) */
	expect_fold("chu\xcc\x9b\xcc\x81ng thu\xcc\x9b\xcc\xa3\x63", "chung thuc");
	expect_fold("CHU\xcc\x9b\xcc\x81NG THU\xcc\x9b\xcc\xa3\x43", "chung thuc");
	expect_fold("Đăng ký hộ kinh doanh", "dang ky ho kinh doanh");
	expect_fold("ĐĂNG KÝ HỘ KINH DOANH", "dang ky ho kinh doanh");
	expect_fold("đ", "d");
	expect_fold("Đ", "d");
	expect_fold("Cấp giấy phép xây dựng nhà ở riêng lẻ", "cap giay phep xay dung nha o rieng le");
	expect_fold("Đăng ký khai sinh", "dang ky khai sinh");
	expect_fold("Chứng thực bản sao từ bản chính giấy tờ, văn bản",
		    "chung thuc ban sao tu ban chinh giay to van ban");
}

static void test_separators(void **state)
{
	expect_fold("2.000815", "2 000815");
	expect_fold("1.001193-TX", "1 001193 tx");
	expect_fold("", "");
	expect_fold("   ", "");
	expect_fold(" .,;!? ", "");
	expect_fold("  chứng   thực  ", "chung thuc");
	expect_fold("chứng,thực", "chung thuc");
	expect_fold("chứng -- thực...", "chung thuc");
	expect_fold("\tchứng\r\nthực\n", "chung thuc");
	expect_fold("(Chứng thực) “bản sao”", "chung thuc ban sao");
	expect_fold("hộ/kinh_doanh", "ho kinh doanh");
	expect_fold("200.000 đ/bản", "200 000 d ban");
	expect_fold("A1b2C3", "a1b2c3");
	expect_fold("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz");
	expect_fold("0123456789", "0123456789");
	/* other non-ASCII characters are separators too */
	expect_fold("nhà\xc2\xa0ở", "nha o");				    /* no-break space */
	expect_fold("thủ tục\xe2\x80\x94hành chính", "thu tuc hanh chinh"); /* em dash */
	expect_fold("hồ sơ \xf0\x9f\x93\x84 mới", "ho so moi");		    /* emoji */
	expect_fold("Müller", "m ller");
	expect_fold("北京", "");
	expect_fold("\x7f"
		    "a\x01"
		    "b",
		    "a b");
	/* Ð (U+00D0) stands for Đ in old fonts */
	expect_fold("ÐỒNG", "dong");
}

static void test_combining(void **state)
{
	/* a mark with no letter before it is dropped, not a separator */
	expect_fold("\xcc\x81", "");
	expect_fold("\xcc\x81"
		    "a",
		    "a");
	expect_fold("a \xcc\x81 b", "a b");
	expect_fold("a\xcc\x81\xcc\x81\xcc\x81"
		    "b",
		    "ab");
	/* the ends of the range U+0300–U+036F, and just outside it */
	expect_fold("a\xcc\x80"
		    "b\xcd\xaf"
		    "c",
		    "abc");
	expect_fold("a\xcb\xbf"
		    "b",
		    "a b"); /* U+02FF */
	expect_fold("a\xcd\xb0"
		    "b",
		    "a b"); /* U+0370 */
	/* decomposed Vietnamese: e + circumflex + tilde, o + horn + grave, a + breve + hook */
	expect_fold("Nghe\xcc\x82\xcc\x83 An", "nghe an");
	expect_fold("tro\xcc\x9b\xcc\x80 ca\xcc\x81p", "tro cap");
	expect_fold("ta\xcc\x86\xcc\x89ng", "tang");
}

static void test_invalid_utf8(void **state)
{
	expect_invalid("\xff");
	expect_invalid("\x80");
	expect_invalid("abc\xbf");
	expect_invalid("\xc3");	      /* truncated */
	expect_invalid("ch\xe1\xbb"); /* truncated ứ */
	expect_invalid("ch\xe1\xbb"
		       "a");		    /* bad continuation */
	expect_invalid("\xc0\xaf");	    /* overlong '/' */
	expect_invalid("\xc1\xbf");	    /* overlong */
	expect_invalid("\xe0\x80\xaf");	    /* overlong */
	expect_invalid("\xf0\x80\x80\xaf"); /* overlong */
	expect_invalid("\xed\xa0\x80");	    /* surrogate U+D800 */
	expect_invalid("\xed\xbf\xbf");	    /* surrogate U+DFFF */
	expect_invalid("\xf4\x90\x80\x80"); /* above U+10FFFF */
	expect_invalid("\xf5\x80\x80\x80");
	expect_invalid("\xf8\x88\x80\x80\x80");
	/* a bad byte after good text still fails the whole */
	expect_invalid("chứng thực bản sao \xe1");
	/* the largest valid sequences pass */
	expect_fold("a\xf4\x8f\xbf\xbf"
		    "b",
		    "a b");
	expect_fold("a\xed\x9f\xbf"
		    "b",
		    "a b"); /* U+D7FF */
	expect_fold("a\xee\x80\x80"
		    "b",
		    "a b"); /* U+E000 */
}

static void test_out_too_small(void **state)
{
	char out[32];

	/* "chung thuc" is 10 bytes: 11 with the NUL fits, 10 does not */
	assert_int_equal(fold_text("CHỨNG THỰC", out, 11), 10);
	assert_string_equal(out, "chung thuc");
	memset(out, 'X', sizeof(out));
	assert_int_equal(fold_text("CHỨNG THỰC", out, 10), -1);
	assert_string_equal(out, "");
	memset(out, 'X', sizeof(out));
	assert_int_equal(fold_text("CHỨNG THỰC", out, 6), -1);
	assert_string_equal(out, "");
	memset(out, 'X', sizeof(out));
	assert_int_equal(fold_text("CHỨNG THỰC", out, 1), -1);
	assert_string_equal(out, "");
	/* nothing is written when n is 0 */
	memset(out, 'X', sizeof(out));
	assert_int_equal(fold_text("a", out, 0), -1);
	assert_int_equal(out[0], 'X');
	assert_int_equal(fold_text("", out, 0), -1);
	assert_int_equal(out[0], 'X');
	/* the empty result needs only the NUL; a trailing separator needs no room */
	assert_int_equal(fold_text("...", out, 1), 0);
	assert_string_equal(out, "");
	assert_int_equal(fold_text("ab  ", out, 3), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(fold_text("ab  c", out, 4), -1);
	assert_int_equal(fold_text("ab  c", out, 5), 4);
	assert_string_equal(out, "ab c");
}

/* The vowels of the Vietnamese alphabet, each without a tone and with the five tones (huyền, sắc, hỏi, ngã,
 * nặng). */
static const char *const vowels[] = {
	"a à á ả ã ạ", "ă ằ ắ ẳ ẵ ặ", "â ầ ấ ẩ ẫ ậ", "e è é ẻ ẽ ẹ", "ê ề ế ể ễ ệ", "i ì í ỉ ĩ ị",
	"o ò ó ỏ õ ọ", "ô ồ ố ổ ỗ ộ", "ơ ờ ớ ở ỡ ợ", "u ù ú ủ ũ ụ", "ư ừ ứ ử ữ ự", "y ỳ ý ỷ ỹ ỵ",
	"A À Á Ả Ã Ạ", "Ă Ằ Ắ Ẳ Ẵ Ặ", "Â Ầ Ấ Ẩ Ẫ Ậ", "E È É Ẻ Ẽ Ẹ", "Ê Ề Ế Ể Ễ Ệ", "I Ì Í Ỉ Ĩ Ị",
	"O Ò Ó Ỏ Õ Ọ", "Ô Ồ Ố Ổ Ỗ Ộ", "Ơ Ờ Ớ Ở Ỡ Ợ", "U Ù Ú Ủ Ũ Ụ", "Ư Ừ Ứ Ử Ữ Ự", "Y Ỳ Ý Ỷ Ỹ Ỵ",
};
/* The combining mark each vowel row carries in NFD after its base letter ("" for none). */
static const char *const row_mark[] = {
	"", "\xcc\x86", "\xcc\x82", "", "\xcc\x82", "", "", "\xcc\x82", "\xcc\x9b", "", "\xcc\x9b", "",
};
/* The tones in NFD: none, grave, acute, hook above, tilde, dot below. */
static const char *const tone_mark[] = { "", "\xcc\x80", "\xcc\x81", "\xcc\x89", "\xcc\x83", "\xcc\xa3" };

/* Decode valid UTF-8 (the test's own strings). */
static uint32_t next_cp(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t c;
	int n;

	if (p[0] < 0x80) {
		c = p[0];
		n = 0;
	} else if (p[0] < 0xe0) {
		c = p[0] & 0x1f;
		n = 1;
	} else if (p[0] < 0xf0) {
		c = p[0] & 0x0f;
		n = 2;
	} else {
		c = p[0] & 0x07;
		n = 3;
	}
	for (int i = 1; i <= n; i++)
		c = c << 6 | (p[i] & 0x3f);
	*s += n + 1;
	return c;
}

static void put_cp(char *out, uint32_t c)
{
	if (c < 0x80) {
		snprintf(out, 5, "%c", (int)c);
	} else if (c < 0x800) {
		snprintf(out, 5, "%c%c", (int)(0xc0 | c >> 6), (int)(0x80 | (c & 0x3f)));
	} else {
		snprintf(out, 5, "%c%c%c", (int)(0xe0 | c >> 12), (int)(0x80 | ((c >> 6) & 0x3f)),
			 (int)(0x80 | (c & 0x3f)));
	}
}

/* Every vowel with every tone, precomposed and decomposed, folds to its base letter. */
static void test_alphabet(void **state)
{
	static const char base[] = "aaaeeiooouuy";
	int seen[0x1efa - 0x1ea0] = { 0 };
	size_t forms = 0;

	for (size_t r = 0; r < sizeof(vowels) / sizeof(vowels[0]); r++) {
		const char *s = vowels[r];
		char want[2] = { base[r % 12], '\0' };
		char up[2] = { (char)(base[r % 12] - 'a' + 'A'), '\0' };

		for (int tone = 0; tone < 6; tone++) {
			char one[8], nfd[16], out[16];
			uint32_t c = next_cp(&s);

			put_cp(one, c);
			if (fold_text(one, out, sizeof(out)) != 1 || strcmp(out, want))
				fail_msg("\"%s\" (U+%04X) folds to \"%s\", want \"%s\"", one, (unsigned)c,
					 out, want);
			if (c >= 0x1ea0 && c <= 0x1ef9)
				seen[c - 0x1ea0]++;
			/*
			 * The same letter decomposed: the base, then its marks in
			 * either order (NFD puts the dot below before a circumflex or
			 * a breve, and after a horn; other software may not).
			 */
			snprintf(nfd, sizeof(nfd), "%s%s%s", r < 12 ? want : up, row_mark[r % 12],
				 tone_mark[tone]);
			if (fold_text(nfd, out, sizeof(out)) != 1 || strcmp(out, want))
				fail_msg("NFD of \"%s\" folds to \"%s\", want \"%s\"", one, out, want);
			snprintf(nfd, sizeof(nfd), "%s%s%s", r < 12 ? want : up, tone_mark[tone],
				 row_mark[r % 12]);
			if (fold_text(nfd, out, sizeof(out)) != 1 || strcmp(out, want))
				fail_msg("NFD of \"%s\" folds to \"%s\", want \"%s\"", one, out, want);
			/* in a word, between consonants */
			snprintf(nfd, sizeof(nfd), "Ng%sn", one);
			assert_int_equal(fold_text(nfd, out, sizeof(out)), 4);
			assert_int_equal(out[3], 'n');
			assert_int_equal(out[2], want[0]);
			forms++;
			if (tone < 5)
				assert_int_equal(next_cp(&s), ' ');
		}
		assert_int_equal(*s, '\0');
	}
	assert_int_equal(forms, 144);
	/* the table of forms covers the whole Vietnamese block U+1EA0–U+1EF9, each once */
	for (size_t i = 0; i < sizeof(seen) / sizeof(seen[0]); i++)
		if (seen[i] != 1)
			fail_msg("U+%04X seen %d times", (unsigned)(0x1ea0 + i), seen[i]);
	/* the consonants */
	expect_fold("b c d đ g h k l m n p q r s t v x", "b c d d g h k l m n p q r s t v x");
	expect_fold("B C D Đ G H K L M N P Q R S T V X", "b c d d g h k l m n p q r s t v x");
}

/* In U+00C0–U+01B0 exactly the Vietnamese letters fold to a letter (and Ð); the rest are separators. */
static void test_latin_range(void **state)
{
	static const uint32_t letters[] = {
		0xc0,  0xc1,  0xc2,  0xc3,  0xc8,  0xc9,  0xca,	 0xcc,	0xcd,  0xd0,  0xd2,  0xd3,
		0xd4,  0xd5,  0xd9,  0xda,  0xdd,  0xe0,  0xe1,	 0xe2,	0xe3,  0xe8,  0xe9,  0xea,
		0xec,  0xed,  0xf2,  0xf3,  0xf4,  0xf5,  0xf9,	 0xfa,	0xfd,  0x102, 0x103, 0x110,
		0x111, 0x128, 0x129, 0x168, 0x169, 0x1a0, 0x1a1, 0x1af, 0x1b0,
	};
	size_t k = 0;

	for (uint32_t c = 0xc0; c <= 0x1b0; c++) {
		char s[8], out[8];
		long n;

		snprintf(s, sizeof(s), "x");
		put_cp(s + 1, c);
		n = fold_text(s, out, sizeof(out));
		if (k < sizeof(letters) / sizeof(letters[0]) && letters[k] == c) {
			if (n != 2 || out[1] < 'a' || out[1] > 'z')
				fail_msg("U+%04X folds to \"%s\", want a letter", (unsigned)c, out);
			k++;
		} else if (n != 1 || strcmp(out, "x")) {
			fail_msg("U+%04X folds to \"%s\", want a separator", (unsigned)c, out);
		}
	}
	assert_int_equal(k, sizeof(letters) / sizeof(letters[0]));
	/* the Vietnamese block: every character a letter; its neighbours are not */
	for (uint32_t c = 0x1e9f; c <= 0x1efa; c++) {
		char s[8], out[8];
		long n;

		snprintf(s, sizeof(s), "x");
		put_cp(s + 1, c);
		n = fold_text(s, out, sizeof(out));
		if (c >= 0x1ea0 && c <= 0x1ef9)
			assert_int_equal(n, 2);
		else
			assert_int_equal(n, 1);
	}
}

static void test_idempotent(void **state)
{
	static const char *const inputs[] = {
		"CHỨNG THỰC bản sao 2.000815",
		"  Đăng ký   hộ kinh doanh!! ",
		"Ý kiến, kiến nghị",
		"a\xcc\x81 b",
	};
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		char once[128], twice[128];

		assert_true(fold_text(inputs[i], once, sizeof(once)) >= 0);
		assert_true(fold_text(once, twice, sizeof(twice)) >= 0);
		assert_string_equal(once, twice);
	}
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples),      cmocka_unit_test(test_separators),
		cmocka_unit_test(test_combining),     cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_out_too_small), cmocka_unit_test(test_alphabet),
		cmocka_unit_test(test_latin_range),   cmocka_unit_test(test_idempotent),
	};
	return cmocka_run_group_tests_name("fold", tests, NULL, NULL) ? 1 : 0;
}
