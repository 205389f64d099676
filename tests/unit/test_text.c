/* test_text.c: a typed text made fit to keep (core/text.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "core/text.h"
#include "core/banned.h"

static struct arena a;

static void expect_clean(const char *in, int multiline, size_t max, const char *want)
{
	const char *out = NULL;
	assert_int_equal(text_clean(&a, in, multiline, max, &out), TEXT_OK);
	assert_string_equal(out, want);
}

static void expect_refused(const char *in, int multiline, size_t max, int want)
{
	const char *out = NULL;
	assert_int_equal(text_clean(&a, in, multiline, max, &out), want);
	assert_string_equal(out, "");
}

static void cleaned(void **state)
{
	(void)state;
	arena_init(&a);
	/* trimmed of every kind of white space; NULL is "" */
	expect_clean(" \t\f\v Phường Nhân Chính \r\n", 0, 100, "Phường Nhân Chính");
	expect_clean(NULL, 0, 10, "");
	/* one line: line breaks and tabs become spaces */
	expect_clean("Về việc\r\nhướng dẫn\tchứng thực", 0, 100, "Về việc hướng dẫn chứng thực");
	/* several lines: CR LF and a lone CR become LF, tabs spaces */
	expect_clean("Như trên;\r\nLưu: VT.\rTP.\tHC", 1, 100, "Như trên;\nLưu: VT.\nTP. HC");
	/* the limit counts characters, not bytes: "Quyết định" is 10 of them in 14 bytes */
	expect_clean("Quyết định", 0, 10, "Quyết định");
	expect_refused("Quyết định", 0, 9, TEXT_LONG);
	arena_release(&a);
}

static void refused(void **state)
{
	(void)state;
	arena_init(&a);
	/* not UTF-8: a lone continuation byte, an overlong slash */
	expect_refused("abc\x80", 0, 10, TEXT_BAD);
	expect_refused("a\xc0\xaf", 1, 10, TEXT_BAD);
	/* control characters inside: C0 (a form feed, an escape), DEL, C1 (U+0085) */
	expect_refused("a\fb", 1, 10, TEXT_BAD);
	expect_refused("a\x1b[0mb", 0, 10, TEXT_BAD);
	expect_refused("a\x7f", 0, 10, TEXT_BAD);
	expect_refused("a\xc2\x85z", 1, 10, TEXT_BAD);
	/* but U+00A0 (no-break space, c2 a0) is text */
	expect_clean("a\xc2\xa0z", 0, 10, "a\xc2\xa0z");
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cleaned),
		cmocka_unit_test(refused),
	};
	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
