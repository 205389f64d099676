/* test_utf8.c: UTF-8 decoding, validation, counting and cutting (core/utf8.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "core/utf8.h"
#include "core/banned.h"

/* Decode s[0..len) and expect a character of `want_len` bytes and code point `want`, or -1. */
static void expect_decode(const char *s, size_t len, int want_len, uint32_t want)
{
	uint32_t cp = 0xdeadbeef;
	int n = utf8_decode(s, len, &cp);

	if (n != want_len)
		fail_msg("utf8_decode(%zu bytes from %02x) = %d, want %d", len, (unsigned)(unsigned char)s[0],
			 n, want_len);
	if (n > 0 && cp != want)
		fail_msg("utf8_decode: U+%04X, want U+%04X", (unsigned)cp, (unsigned)want);
	if (n < 0 && cp != 0xdeadbeef)
		fail_msg("utf8_decode set the code point on failure");
}

/* Decode all of s, expecting the code points of `want` (n of them). */
static void expect_text(const char *s, const uint32_t *want, size_t n)
{
	size_t len = strlen(s), i = 0;

	while (len) {
		uint32_t cp;
		int k = utf8_decode(s, len, &cp);
		assert_true(k > 0);
		assert_true(i < n);
		assert_int_equal(cp, want[i]);
		s += k;
		len -= (size_t)k;
		i++;
	}
	assert_int_equal(i, n);
}

static void test_decode_vietnamese(void **state)
{
	static const uint32_t phuong[] = { 'P',	 'h', 0x1b0, 0x1edd, 'n', 'g',	' ', 'N', 'h',
					   0xe2, 'n', ' ',   'C',    'h', 0xed, 'n', 'h' };
	static const uint32_t quyet[] = { 'Q', 'u', 'y', 0x1ebf, 't', ' ', 0x111, 0x1ecb, 'n', 'h' };

	expect_text("Phường Nhân Chính", phuong, sizeof(phuong) / sizeof(phuong[0]));
	expect_text("Quyết định", quyet, sizeof(quyet) / sizeof(quyet[0]));
	expect_decode("ư", 2, 2, 0x1b0);
	expect_decode("ờ", 3, 3, 0x1edd);
	expect_decode("đ", 2, 2, 0x111);
	/* only the first character is decoded */
	expect_decode("ếx", 4, 3, 0x1ebf);
}

static void test_decode_bounds(void **state)
{
	expect_decode("a", 1, 1, 'a');
	expect_decode("\0", 1, 1, 0); /* NUL is a character: the callers decide */
	expect_decode("\x7f", 1, 1, 0x7f);
	expect_decode("\xc2\x80", 2, 2, 0x80);
	expect_decode("\xdf\xbf", 2, 2, 0x7ff);
	expect_decode("\xe0\xa0\x80", 3, 3, 0x800);
	expect_decode("\xed\x9f\xbf", 3, 3, 0xd7ff);
	expect_decode("\xee\x80\x80", 3, 3, 0xe000);
	expect_decode("\xef\xbf\xbf", 3, 3, 0xffff);
	expect_decode("\xf0\x90\x80\x80", 4, 4, 0x10000);
	expect_decode("\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff);
	expect_decode("a", 0, -1, 0); /* nothing to decode */
}

static void test_decode_overlong(void **state)
{
	expect_decode("\xc0\x80", 2, -1, 0); /* NUL */
	expect_decode("\xc0\xaf", 2, -1, 0); /* '/' */
	expect_decode("\xc1\xbf", 2, -1, 0);
	expect_decode("\xe0\x80\xaf", 3, -1, 0);
	expect_decode("\xe0\x9f\xbf", 3, -1, 0); /* U+07FF */
	expect_decode("\xf0\x80\x80\xaf", 4, -1, 0);
	expect_decode("\xf0\x8f\xbf\xbf", 4, -1, 0); /* U+FFFF */
}

static void test_decode_surrogates(void **state)
{
	expect_decode("\xed\xa0\x80", 3, -1, 0); /* U+D800 */
	expect_decode("\xed\xaf\xbf", 3, -1, 0); /* U+DBFF */
	expect_decode("\xed\xb0\x80", 3, -1, 0); /* U+DC00 */
	expect_decode("\xed\xbf\xbf", 3, -1, 0); /* U+DFFF */
	/* a pair encoded as two characters (CESU-8) is two surrogates */
	expect_decode("\xed\xa0\xbd\xed\xb8\x80", 6, -1, 0);
}

static void test_decode_past_max(void **state)
{
	expect_decode("\xf4\x90\x80\x80", 4, -1, 0); /* U+110000 */
	expect_decode("\xf4\xbf\xbf\xbf", 4, -1, 0);
	expect_decode("\xf5\x80\x80\x80", 4, -1, 0);
	expect_decode("\xf7\xbf\xbf\xbf", 4, -1, 0); /* U+1FFFFF */
	expect_decode("\xf8\x88\x80\x80\x80", 5, -1, 0);
	expect_decode("\xfc\x84\x80\x80\x80\x80", 6, -1, 0);
	expect_decode("\xfe", 1, -1, 0);
	expect_decode("\xff", 1, -1, 0);
}

static void test_decode_truncated(void **state)
{
	expect_decode("\x80", 1, -1, 0); /* a lone continuation */
	expect_decode("\xbf", 1, -1, 0);
	expect_decode("\xc3", 1, -1, 0);
	expect_decode("\xe1\xba", 2, -1, 0);
	expect_decode("\xf0\x90\x80", 3, -1, 0);
	/* cut by the length, though the bytes go on */
	expect_decode("ế", 2, -1, 0);
	expect_decode("\xf0\x90\x80\x80", 3, -1, 0);
	/* cut by a byte that does not continue: the NUL of a string, an ASCII letter */
	expect_decode("\xc3", 2, -1, 0);
	expect_decode("\xe1\xba", 3, -1, 0);
	expect_decode("\xc3(", 2, -1, 0);
	expect_decode("\xe1\x80(", 3, -1, 0);
	expect_decode("\xf0\x90(\x80", 4, -1, 0);
	expect_decode("\xf0\x90\x80(", 4, -1, 0);
	expect_decode("\xe1\xc3\xa0", 3, -1, 0); /* a new lead byte */
}

static void test_next(void **state)
{
	const char *s = "Quyết\xed\xa0\x80", *p = s;
	size_t left = strlen(s);

	assert_int_equal(utf8_next(&p, &left), 'Q');
	assert_int_equal(utf8_next(&p, &left), 'u');
	assert_int_equal(utf8_next(&p, &left), 'y');
	assert_int_equal(utf8_next(&p, &left), 0x1ebf);
	assert_ptr_equal(p, s + 6);
	assert_int_equal(left, 4);
	assert_int_equal(utf8_next(&p, &left), 't');
	/* a surrogate: nothing moves */
	assert_int_equal(utf8_next(&p, &left), -1);
	assert_ptr_equal(p, s + 7);
	assert_int_equal(left, 3);
	/* nothing left */
	left = 0;
	assert_int_equal(utf8_next(&p, &left), -1);
	assert_ptr_equal(p, s + 7);
}

static void test_valid(void **state)
{
	static const struct {
		const char *s;
		size_t len;
		int ok;
	} cases[] = {
		{ "", 0, 1 },
		{ "abc", 3, 1 },
		{ "\0", 1, 1 },
		{ "Phường Nhân Chính", 22, 1 },
		{ "Quyết định", 15, 1 },
		{ "\xf0\x9f\x93\x84", 4, 1 },	 /* U+1F4C4 */
		{ "ab\xc0\x80", 4, 0 },		 /* overlong at the end */
		{ "Quy\xed\xa0\x80t", 7, 0 },	 /* a surrogate inside */
		{ "\xf4\x90\x80\x80 ok", 7, 0 }, /* past U+10FFFF first */
		{ "Quyết định\xe1\xbb", 17, 0 }, /* truncated at the end */
		{ "Phường\x80 Nhân", 16, 0 },	 /* a stray continuation */
		/* the boundaries of table 3-7 */
		{ "Ti\xe1\xba\xbfng Vi\xe1\xbb\x87t", 14, 1 },
		{ "\xc2\x80", 2, 1 },	      /* U+0080 */
		{ "\xdf\xbf", 2, 1 },	      /* U+07FF */
		{ "\xe0\xa0\x80", 3, 1 },     /* U+0800 */
		{ "\xed\x9f\xbf", 3, 1 },     /* U+D7FF */
		{ "\xee\x80\x80", 3, 1 },     /* U+E000 */
		{ "\xef\xbf\xbf", 3, 1 },     /* U+FFFF */
		{ "\xf0\x90\x80\x80", 4, 1 }, /* U+10000 */
		{ "\xf4\x8f\xbf\xbf", 4, 1 }, /* U+10FFFF */
		{ "\x80", 1, 0 },	      /* lone continuation */
		{ "\xbf", 1, 0 },
		{ "\xc0\x80", 2, 0 },	      /* overlong NUL */
		{ "\xc1\xbf", 2, 0 },	      /* overlong */
		{ "\xc0\xaf", 2, 0 },	      /* overlong '/' */
		{ "\xe0\x80\xaf", 3, 0 },     /* overlong '/' */
		{ "\xe0\x9f\xbf", 3, 0 },     /* overlong U+07FF */
		{ "\xf0\x8f\xbf\xbf", 4, 0 }, /* overlong U+FFFF */
		{ "\xf0\x80\x80\xaf", 4, 0 }, /* overlong '/' */
		{ "\xed\xa0\x80", 3, 0 },     /* U+D800 */
		{ "\xed\xbf\xbf", 3, 0 },     /* U+DFFF */
		{ "\xf4\x90\x80\x80", 4, 0 }, /* U+110000 */
		{ "\xf5\x80\x80\x80", 4, 0 },
		{ "\xf8\x88\x80\x80\x80", 5, 0 },
		{ "\xfe", 1, 0 },
		{ "\xff", 1, 0 },
		{ "\xc3", 1, 0 }, /* truncated */
		{ "\xe1\x80", 2, 0 },
		{ "\xf0\x90\x80", 3, 0 },
		{ "a\xc3", 2, 0 },
		{ "\xc3(", 2, 0 }, /* bad continuation */
		{ "\xe1\x80(", 3, 0 },
		{ "\xf0\x90(\x80", 4, 0 },
		{ "\xf0\x90\x80(", 4, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (utf8_valid(cases[i].s, cases[i].len) != cases[i].ok)
			fail_msg("utf8_valid case %zu: want %d", i, cases[i].ok);
	/* a length shorter than the string stops the check there */
	assert_false(utf8_valid("\xc3\xa0", 1));
	assert_true(utf8_valid("ab\xc3\xa0", 2));
	assert_false(utf8_valid("Quyết", 5)); /* inside ế */
	assert_true(utf8_valid("Quyết", 6));
}

static void test_count(void **state)
{
	assert_int_equal(utf8_count("", 0), 0);
	assert_int_equal(utf8_count("abc", 3), 3);
	assert_int_equal(utf8_count("Phường Nhân Chính", strlen("Phường Nhân Chính")), 17);
	assert_int_equal(utf8_count("Quyết định", strlen("Quyết định")), 10);
	assert_int_equal(utf8_count("a\0b", 3), 3); /* NUL counts */
	assert_int_equal(utf8_count("\xf0\x9f\x93\x84", 4), 1);
	assert_int_equal(utf8_count("Quyết", 5), -1);
	assert_int_equal(utf8_count("ab\xc0\x80", 4), -1);
	assert_int_equal(utf8_count("\xed\xa0\x80", 3), -1);
	assert_int_equal(utf8_count("\xf4\x90\x80\x80", 4), -1);

	assert_int_equal(strlen("Phường Nhân Chính"), 22);
	assert_int_equal(utf8_chars(""), 0);
	assert_int_equal(utf8_chars("Phường Nhân Chính"), 17);
	assert_int_equal(utf8_chars("Quyết định"), 10);
	assert_int_equal(utf8_chars("a\0b"), 1); /* stops at the NUL */
	/* unchecked: every byte that does not continue a character counts */
	assert_int_equal(utf8_chars("\xc0\x80"), 1);
	assert_int_equal(utf8_chars("\x80\x80"), 0);
	assert_int_equal(utf8_chars("\xff\xfe"), 2);
}

static void test_prefix(void **state)
{
	const char *s = "Quyết định";

	assert_int_equal(utf8_prefix(s, 0), 0);
	assert_int_equal(utf8_prefix(s, 3), 3);
	assert_int_equal(utf8_prefix(s, 4), 6);	 /* "Quyế" */
	assert_int_equal(utf8_prefix(s, 7), 10); /* "Quyết đ" */
	assert_int_equal(utf8_prefix(s, 9), 14);
	assert_int_equal(utf8_prefix(s, 10), 15); /* all of it */
	assert_int_equal(utf8_prefix(s, 11), 15);
	assert_int_equal(utf8_prefix(s, (size_t)-1), 15);
	assert_int_equal(utf8_prefix("", 5), 0);
	/* a stray continuation first stays with the first character */
	assert_int_equal(utf8_prefix("\x80"
				     "ab",
				     1),
			 2);
}

static void test_cut(void **state)
{
	const char *s = "Quyết định";

	assert_int_equal(utf8_cut(s, 15), 15); /* s[15] is the NUL */
	assert_int_equal(utf8_cut(s, 3), 3);
	assert_int_equal(utf8_cut(s, 4), 3); /* inside ế: back to its start */
	assert_int_equal(utf8_cut(s, 5), 3);
	assert_int_equal(utf8_cut(s, 6), 6);
	assert_int_equal(utf8_cut(s, 9), 8);   /* inside đ */
	assert_int_equal(utf8_cut(s, 12), 10); /* inside ị */
	assert_int_equal(utf8_cut(s, 0), 0);
	assert_int_equal(utf8_cut("\x80\x80\x80", 2), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_vietnamese),
		cmocka_unit_test(test_decode_bounds),
		cmocka_unit_test(test_decode_overlong),
		cmocka_unit_test(test_decode_surrogates),
		cmocka_unit_test(test_decode_past_max),
		cmocka_unit_test(test_decode_truncated),
		cmocka_unit_test(test_next),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_cut),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
