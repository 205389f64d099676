/*
 * checks.h: the assertions the HTTP tests make of JSON answers, failing the cmocka test with a
 * message that says what was wanted. Include after <cmocka.h> and "harness.h".
 */
#ifndef TESTS_HTTP_CHECKS_H
#define TESTS_HTTP_CHECKS_H

#include <jansson.h>
#include "harness.h"

/* u's request answered with status `want` and a JSON body (the caller frees it). */
static inline json_t *ts_call(const struct test_server *s, const struct ts_user *u, const char *method,
			      const char *path, const char *body, long want)
{
	long got;
	json_t *j = ts_json(s, u, method, path, body, want, &got);
	if (got != want || !j)
		fail_msg("%s %s: status %ld, wanted %ld", method, path, got, want);
	return j;
}

/* o[key], which must be a string. */
static inline const char *ts_jstr(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (!s)
		fail_msg("\"%s\" is not a string", key);
	return s;
}

/* o[key], which must be an integer. */
static inline long long ts_jint(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		fail_msg("\"%s\" is not an integer", key);
	return json_integer_value(v);
}

#endif
