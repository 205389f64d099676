/* test_buf.c: the growable byte buffer (core/buf.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/buf.h"
#include "core/banned.h"

/* The buffer holds exactly `want` (len bytes) followed by a NUL. */
static void assert_content(const struct buf *b, const void *want, size_t len)
{
	assert_non_null(b->ptr);
	assert_int_equal(b->len, len);
	if (len)
		assert_memory_equal(b->ptr, want, len);
	assert_int_equal(b->ptr[len], '\0');
}

static void test_empty(void **state)
{
	struct buf a = BUF_INIT;
	struct buf b;

	/* a static initialiser and buf_init both give a usable empty string */
	assert_content(&a, "", 0);
	assert_string_equal(a.ptr, "");
	assert_int_equal(buf_err(&a), 0);
	buf_init(&b, 100);
	assert_content(&b, "", 0);
	assert_int_equal(b.max, 100);

	/* reset, setlen and release of an empty buffer keep it an empty string */
	buf_reset(&b);
	assert_content(&b, "", 0);
	buf_setlen(&b, 0);
	assert_content(&b, "", 0);
	buf_release(&b);
	assert_content(&b, "", 0);

	/* an empty append still leaves a valid string */
	assert_int_equal(buf_add(&a, "", 0), 0);
	assert_content(&a, "", 0);
	assert_int_equal(buf_adds(&a, ""), 0);
	assert_int_equal(buf_addf(&a, "%s", ""), 0);
	assert_content(&a, "", 0);
	buf_release(&a);
	assert_content(&a, "", 0);

	/* max 0 means the default limit */
	buf_init(&b, 0);
	assert_int_equal(b.max, BUF_MAX_DEFAULT);
}

static void test_append(void **state)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(buf_add(&b, "Hồ sơ", strlen("Hồ sơ")), 0);
	assert_int_equal(buf_addch(&b, ' '), 0);
	assert_int_equal(buf_adds(&b, "số "), 0);
	assert_int_equal(buf_add(&b, "123456", 3), 0);
	assert_string_equal(b.ptr, "Hồ sơ số 123");
	assert_content(&b, "Hồ sơ số 123", strlen("Hồ sơ số 123"));
	assert_int_equal(buf_err(&b), 0);
	buf_release(&b);
}

static void test_append_grows(void **state)
{
	struct buf b;
	char chunk[37];
	size_t i, total = 0;

	/* many appends across several reallocations keep every byte in order */
	buf_init(&b, 0);
	for (i = 0; i < 3000; i++) {
		size_t n = i % sizeof(chunk);
		for (size_t j = 0; j < n; j++)
			chunk[j] = (char)('a' + (i + j) % 26);
		assert_int_equal(buf_add(&b, chunk, n), 0);
		total += n;
		assert_int_equal(b.len, total);
		assert_int_equal(b.ptr[b.len], '\0');
	}
	total = 0;
	for (i = 0; i < 3000; i++) {
		size_t n = i % sizeof(chunk);
		for (size_t j = 0; j < n; j++)
			if (b.ptr[total + j] != (char)('a' + (i + j) % 26))
				fail_msg("byte %zu of chunk %zu changed", j, i);
		total += n;
	}
	assert_true(b.alloc > b.len);
	buf_release(&b);
}

static void test_addf(void **state)
{
	struct buf b;
	char big[300];

	buf_init(&b, 0);
	assert_int_equal(buf_addf(&b, "%d-%s-%05.1f", 42, "abc", 3.25), 0);
	assert_string_equal(b.ptr, "42-abc-003.2");
	assert_int_equal(b.len, strlen("42-abc-003.2"));
	assert_int_equal(buf_addf(&b, "|%c|%%|%zu", 'x', (size_t)7), 0);
	assert_string_equal(b.ptr, "42-abc-003.2|x|%|7");

	/* a formatted piece longer than the first allocation */
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_reset(&b);
	assert_int_equal(buf_addf(&b, "<%s>", big), 0);
	assert_int_equal(b.len, sizeof(big) + 1);
	assert_int_equal(b.ptr[0], '<');
	assert_int_equal(b.ptr[sizeof(big)], '>');
	assert_int_equal(b.ptr[b.len], '\0');
	assert_int_equal(strspn(b.ptr + 1, "z"), sizeof(big) - 1);
	buf_release(&b);
}

static void test_binary(void **state)
{
	static const char data[] = { 'a', '\0', 'b', '\0', '\0', (char)0xff, 'c' };
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(buf_add(&b, data, sizeof(data)), 0);
	assert_content(&b, data, sizeof(data));
	assert_int_equal(buf_addch(&b, '\0'), 0);
	assert_int_equal(b.len, sizeof(data) + 1);
	assert_int_equal(b.ptr[sizeof(data)], '\0');
	assert_int_equal(buf_adds(&b, "z"), 0);
	assert_int_equal(b.len, sizeof(data) + 2);
	assert_memory_equal(b.ptr, data, sizeof(data));
	assert_int_equal(b.ptr[sizeof(data) + 1], 'z');
	assert_int_equal(b.ptr[b.len], '\0');
	buf_release(&b);
}

static void test_limit(void **state)
{
	struct buf b;

	buf_init(&b, 10);
	assert_int_equal(buf_adds(&b, "12345"), 0);
	/* 5 + 6 > 10: refused, and nothing of it is appended */
	assert_int_equal(buf_adds(&b, "678901"), -1);
	assert_int_not_equal(buf_err(&b), 0);
	assert_content(&b, "12345", 5);

	/* the error is sticky: even appends that would fit are refused */
	assert_int_equal(buf_adds(&b, "6"), -1);
	assert_int_equal(buf_addch(&b, '6'), -1);
	assert_int_equal(buf_addf(&b, "%d", 6), -1);
	assert_int_equal(buf_add(&b, "", 0), -1);
	assert_int_equal(buf_grow(&b, 1), -1);
	assert_content(&b, "12345", 5);
	assert_int_not_equal(buf_err(&b), 0);
	buf_release(&b);
}

static void test_limit_exact(void **state)
{
	struct buf b;

	/* exactly max bytes fit; one more does not */
	buf_init(&b, 10);
	assert_int_equal(buf_add(&b, "0123456789", 10), 0);
	assert_int_equal(buf_err(&b), 0);
	assert_content(&b, "0123456789", 10);
	assert_int_equal(buf_addch(&b, 'x'), -1);
	assert_int_not_equal(buf_err(&b), 0);
	assert_content(&b, "0123456789", 10);
	buf_release(&b);

	/* a formatted append past the limit appends nothing either */
	buf_init(&b, 10);
	assert_int_equal(buf_addf(&b, "%s", "abcd"), 0);
	assert_int_equal(buf_addf(&b, "%s-%d", "efgh", 12345), -1);
	assert_content(&b, "abcd", 4);
	assert_int_not_equal(buf_err(&b), 0);
	buf_release(&b);

	/* a length that would overflow size_t arithmetic is refused, not wrapped */
	buf_init(&b, 10);
	assert_int_equal(buf_adds(&b, "ab"), 0);
	assert_int_equal(buf_grow(&b, SIZE_MAX), -1);
	assert_int_not_equal(buf_err(&b), 0);
	assert_content(&b, "ab", 2);
	buf_release(&b);
}

static void test_reset_clears_error(void **state)
{
	struct buf b;

	buf_init(&b, 8);
	assert_int_equal(buf_adds(&b, "123456789"), -1);
	assert_int_not_equal(buf_err(&b), 0);
	assert_content(&b, "", 0);
	buf_reset(&b);
	assert_int_equal(buf_err(&b), 0);
	assert_int_equal(buf_adds(&b, "12345678"), 0);
	assert_content(&b, "12345678", 8);

	/* reset empties the content but the limit stays */
	buf_reset(&b);
	assert_content(&b, "", 0);
	assert_int_equal(buf_adds(&b, "abc"), 0);
	assert_content(&b, "abc", 3);
	assert_int_equal(buf_adds(&b, "defghi"), -1);
	assert_content(&b, "abc", 3);

	/* release also leaves an error-free buffer with the same limit */
	buf_release(&b);
	assert_int_equal(buf_err(&b), 0);
	assert_int_equal(b.max, 8);
	assert_int_equal(buf_adds(&b, "123456789"), -1);
	buf_release(&b);
}

static void test_detach(void **state)
{
	struct buf b;
	char *s;
	size_t len = 99;

	buf_init(&b, 16);
	assert_int_equal(buf_add(&b, "ab\0cd", 5), 0);
	s = buf_detach(&b, &len);
	assert_non_null(s);
	assert_int_equal(len, 5);
	assert_memory_equal(s, "ab\0cd", 6);

	/* the buffer starts over, empty, with the same limit, and no longer owns s */
	assert_content(&b, "", 0);
	assert_ptr_not_equal(b.ptr, s);
	assert_int_equal(b.max, 16);
	assert_int_equal(buf_adds(&b, "xyz"), 0);
	assert_content(&b, "xyz", 3);
	assert_memory_equal(s, "ab\0cd", 6);
	free(s);

	/* detaching an empty buffer gives a freeable empty string */
	buf_reset(&b);
	buf_release(&b);
	s = buf_detach(&b, &len);
	assert_non_null(s);
	assert_int_equal(len, 0);
	assert_string_equal(s, "");
	free(s);

	/* length pointer is optional */
	assert_int_equal(buf_adds(&b, "hello"), 0);
	s = buf_detach(&b, NULL);
	assert_string_equal(s, "hello");
	free(s);
	assert_content(&b, "", 0);
	buf_release(&b);
}

static void test_setlen(void **state)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(buf_adds(&b, "abcdef"), 0);
	buf_setlen(&b, 3);
	assert_content(&b, "abc", 3);
	assert_string_equal(b.ptr, "abc");
	assert_int_equal(buf_adds(&b, "XY"), 0);
	assert_content(&b, "abcXY", 5);
	buf_setlen(&b, 5);
	assert_content(&b, "abcXY", 5);
	buf_setlen(&b, 0);
	assert_content(&b, "", 0);
	buf_release(&b);
}

static void test_grow(void **state)
{
	struct buf b;
	char *p;

	buf_init(&b, 1000);
	assert_int_equal(buf_grow(&b, 500), 0);
	assert_true(b.alloc >= 501);
	assert_content(&b, "", 0);
	/* no reallocation while the reserved room lasts */
	p = b.ptr;
	for (int i = 0; i < 500; i++)
		assert_int_equal(buf_addch(&b, 'q'), 0);
	assert_ptr_equal(b.ptr, p);
	assert_int_equal(b.len, 500);
	assert_int_equal(buf_grow(&b, 501), -1);
	assert_int_not_equal(buf_err(&b), 0);
	assert_int_equal(b.len, 500);
	buf_release(&b);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),	     cmocka_unit_test(test_append),
		cmocka_unit_test(test_append_grows), cmocka_unit_test(test_addf),
		cmocka_unit_test(test_binary),	     cmocka_unit_test(test_limit),
		cmocka_unit_test(test_limit_exact),  cmocka_unit_test(test_reset_clears_error),
		cmocka_unit_test(test_detach),	     cmocka_unit_test(test_setlen),
		cmocka_unit_test(test_grow),
	};
	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
