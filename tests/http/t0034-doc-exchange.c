/*
 * t0034-doc-exchange: placeholder, fails until the exchange between agencies is written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

static void not_written(void **state)
{
	(void)state;
	fail_msg("the exchange between agencies is not written yet");
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(not_written) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
