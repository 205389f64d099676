/* test_arena.c: the request arena (core/arena.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/arena.h"
#include "core/banned.h"

#define ALIGN 16

/* Bigger than the arena's block, so it needs a block of its own. */
#define LARGE (64 * 1024)

struct piece {
	unsigned char *p;
	size_t n;
};

static void assert_aligned(const void *p)
{
	if ((uintptr_t)p % ALIGN)
		fail_msg("%p is not aligned to %d bytes", p, ALIGN);
}

/* Every piece still holds its own fill byte: no two allocations overlap. */
static void check_pieces(const struct piece *pc, size_t count)
{
	for (size_t i = 0; i < count; i++)
		for (size_t j = 0; j < pc[i].n; j++)
			if (pc[i].p[j] != (unsigned char)(i * 7 + 1))
				fail_msg("allocation %zu (size %zu) overwritten at byte %zu", i, pc[i].n, j);
}

static void test_alignment(void **state)
{
	struct arena a = ARENA_INIT;
	struct piece pc[600];

	/* sizes 1..600 cross several blocks; each piece is aligned for any type */
	for (size_t i = 0; i < 600; i++) {
		pc[i].n = i + 1;
		pc[i].p = arena_alloc(&a, pc[i].n);
		assert_non_null(pc[i].p);
		assert_aligned(pc[i].p);
		memset(pc[i].p, (int)(i * 7 + 1), pc[i].n);
	}
	check_pieces(pc, 600);

	/* types with strict alignment work in arena memory */
	{
		long double *ld = arena_alloc(&a, sizeof(*ld));
		uint64_t *u;
		arena_alloc(&a, 1);
		u = arena_alloc(&a, 3 * sizeof(*u));
		assert_aligned(ld);
		assert_aligned(u);
		*ld = 1.5L;
		u[2] = UINT64_MAX;
		assert_true(*ld == 1.5L);
		assert_true(u[2] == UINT64_MAX);
	}
	check_pieces(pc, 600);
	arena_release(&a);
}

static void test_zero_size(void **state)
{
	struct arena a;
	void *p, *q;

	arena_init(&a);
	p = arena_alloc(&a, 0);
	q = arena_alloc(&a, 0);
	assert_non_null(p);
	assert_non_null(q);
	assert_ptr_not_equal(p, q);
	assert_aligned(p);
	assert_aligned(q);
	arena_release(&a);
}

static void test_zeroed(void **state)
{
	struct arena a;
	unsigned char *p;
	int *v;

	arena_init(&a);
	/* dirty the first block, then reset so calloc gets reused memory */
	memset(arena_alloc(&a, 4000), 0xab, 4000);
	arena_reset(&a);
	p = arena_calloc(&a, 100, 40);
	assert_aligned(p);
	for (size_t i = 0; i < 4000; i++)
		if (p[i])
			fail_msg("arena_calloc byte %zu is %d", i, p[i]);
	v = arena_calloc(&a, 3, sizeof(*v));
	assert_int_equal(v[0] | v[1] | v[2], 0);
	arena_release(&a);
}

static void test_large(void **state)
{
	struct arena a;
	unsigned char *big, *big2, *small, *small2;
	size_t used;

	arena_init(&a);
	small = arena_alloc(&a, 10);
	memset(small, 's', 10);
	big = arena_alloc(&a, LARGE);
	assert_non_null(big);
	assert_aligned(big);
	memset(big, 'B', LARGE);
	small2 = arena_alloc(&a, 100);
	assert_aligned(small2);
	memset(small2, 't', 100);
	big2 = arena_alloc(&a, 3 * LARGE + 5);
	assert_aligned(big2);
	memset(big2, 'C', 3 * LARGE + 5);

	for (size_t i = 0; i < LARGE; i++)
		if (big[i] != 'B')
			fail_msg("large allocation overwritten at %zu", i);
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(small[i], 's');
	for (size_t i = 0; i < 100; i++)
		assert_int_equal(small2[i], 't');
	for (size_t i = 0; i < 3 * LARGE + 5; i++)
		if (big2[i] != 'C')
			fail_msg("second large allocation overwritten at %zu", i);

	/* `used` counts at least what was asked for */
	used = a.used;
	assert_true(used >= 10 + LARGE + 100 + 3 * LARGE + 5);
	arena_release(&a);
	assert_int_equal(a.used, 0);
}

static void test_strings(void **state)
{
	struct arena a;
	char src[] = "Phường Bến Nghé";
	char *s, *t, *u, *big;
	char *longarg;

	arena_init(&a);
	s = arena_strdup(&a, src);
	assert_string_equal(s, "Phường Bến Nghé");
	assert_ptr_not_equal(s, src);
	/* a copy: changing the source does not change it */
	src[0] = 'X';
	assert_string_equal(s, "Phường Bến Nghé");

	t = arena_strndup(&a, "abcdef", 3);
	assert_string_equal(t, "abc");
	t = arena_strndup(&a, "abc", 0);
	assert_string_equal(t, "");
	t = arena_strdup(&a, "");
	assert_string_equal(t, "");

	u = arena_printf(&a, "%s/%d/%05.2f/%c", "ho-so", 2026, 3.5, 'z');
	assert_string_equal(u, "ho-so/2026/03.50/z");
	u = arena_printf(&a, "%s", "");
	assert_string_equal(u, "");

	/* a formatted string larger than a block */
	longarg = malloc(LARGE + 1);
	assert_non_null(longarg);
	memset(longarg, 'w', LARGE);
	longarg[LARGE] = '\0';
	big = arena_printf(&a, "[%s]", longarg);
	assert_int_equal(strlen(big), LARGE + 2);
	assert_int_equal(big[0], '[');
	assert_int_equal(big[LARGE + 1], ']');
	assert_int_equal(strspn(big + 1, "w"), LARGE);
	free(longarg);

	/* earlier strings are untouched by later allocations */
	assert_string_equal(s, "Phường Bến Nghé");
	arena_release(&a);
}

static void test_reset(void **state)
{
	struct arena a;
	struct piece pc[200];
	void *first, *again;

	arena_init(&a);
	/* reset of an arena that never allocated is harmless */
	arena_reset(&a);
	assert_int_equal(a.used, 0);

	first = arena_alloc(&a, 32);
	for (int round = 0; round < 5; round++) {
		/* several blocks' worth, including one large allocation */
		for (size_t i = 0; i < 200; i++) {
			pc[i].n = i == 100 ? LARGE : 100 + i;
			pc[i].p = arena_alloc(&a, pc[i].n);
			assert_aligned(pc[i].p);
			memset(pc[i].p, (int)(i * 7 + 1), pc[i].n);
		}
		check_pieces(pc, 200);
		assert_true(a.used > LARGE);
		arena_reset(&a);
		assert_int_equal(a.used, 0);

		/* the first block is kept and handed out again */
		again = arena_alloc(&a, 32);
		assert_ptr_equal(again, first);
		memset(again, 0, 32);
	}
	assert_string_equal(arena_strdup(&a, "still works"), "still works");
	arena_release(&a);
}

static void test_release(void **state)
{
	struct arena a;
	char *s;

	arena_init(&a);
	for (int i = 0; i < 100; i++)
		arena_alloc(&a, 1000);
	arena_release(&a);
	assert_null(a.head);
	assert_int_equal(a.used, 0);

	/* usable again after release */
	s = arena_printf(&a, "%d", 12345);
	assert_string_equal(s, "12345");
	assert_true(a.used >= 6);
	arena_release(&a);
	/* releasing twice is harmless */
	arena_release(&a);
	assert_null(a.head);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alignment), cmocka_unit_test(test_zero_size),
		cmocka_unit_test(test_zeroed),	  cmocka_unit_test(test_large),
		cmocka_unit_test(test_strings),	  cmocka_unit_test(test_reset),
		cmocka_unit_test(test_release),
	};
	return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}
