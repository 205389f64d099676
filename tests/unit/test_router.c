/* test_router.c: route matching, the Allow header and method names (http/router.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "http/http.h"
#include "core/arena.h"
#include "core/banned.h"

enum {
	R_HOME,
	R_LIST,
	R_SEARCH,
	R_SHOW,
	R_SUBMIT,
	R_FILE,
	R_STATIC,
	R_ITEM,
	R_EIGHT,
	R_NINE,
	R_HEADONLY,
};

static const struct route routes[] = {
	[R_HOME] = { HTTP_GET, "/", NULL, ROUTE_PUBLIC },
	[R_LIST] = { HTTP_GET, "/thu-tuc", NULL, ROUTE_PUBLIC },
	/* a literal listed before a parameter on the same level wins */
	[R_SEARCH] = { HTTP_GET, "/thu-tuc/tim-kiem", NULL, 0 },
	[R_SHOW] = { HTTP_GET, "/thu-tuc/{code}", NULL, 0 },
	[R_SUBMIT] = { HTTP_POST, "/thu-tuc/{code}", NULL, ROUTE_CSRF },
	[R_FILE] = { HTTP_GET | HTTP_POST, "/ho-so/{id}/tep/{name}", NULL, ROUTE_LOGIN },
	[R_STATIC] = { HTTP_GET, "/static/{path...}", NULL, 0 },
	[R_ITEM] = { HTTP_PUT | HTTP_DELETE | HTTP_PATCH, "/api/items/{id}", NULL, ROUTE_JSON },
	[R_EIGHT] = { HTTP_GET, "/p8/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}", NULL, 0 },
	[R_NINE] = { HTTP_GET, "/p9/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", NULL, 0 },
	[R_HEADONLY] = { HTTP_HEAD, "/probe", NULL, ROUTE_NOLOG },
};

static struct request req;

static int setup(void **state)
{
	memset(&req, 0, sizeof(req));
	arena_init(&req.arena);
	return 0;
}

static int teardown(void **state)
{
	arena_release(&req.arena);
	return 0;
}

/* Match and return the index of the route, or -1; *allow gets the 405 mask. */
static int match(unsigned method, const char *path, unsigned *allow)
{
	const struct route *r;
	unsigned dummy;
	r = router_match(routes, sizeof(routes) / sizeof(routes[0]), method, path, &req,
			 allow ? allow : &dummy);
	return r ? (int)(r - routes) : -1;
}

static const char *param(const char *name)
{
	for (int i = 0; i < req.nparams; i++)
		if (!strcmp(req.param_names[i], name))
			return req.param_values[i];
	return NULL;
}

static void test_literal(void **state)
{
	unsigned allow = 99;

	assert_int_equal(match(HTTP_GET, "/", &allow), R_HOME);
	assert_int_equal(req.nparams, 0);
	assert_int_equal(match(HTTP_GET, "/thu-tuc", &allow), R_LIST);
	assert_int_equal(req.nparams, 0);
	assert_int_equal(match(HTTP_GET, "/thu-tuc/tim-kiem", &allow), R_SEARCH);
	assert_int_equal(req.nparams, 0);
	/* prefixes and extensions of a literal are different paths */
	assert_int_equal(match(HTTP_GET, "/thu-tu", &allow), -1);
	assert_int_equal(match(HTTP_GET, "/thu-tucx", &allow), -1);
	assert_int_equal(match(HTTP_GET, "", &allow), -1);
	assert_int_equal(match(HTTP_GET, "/THU-TUC", &allow), -1);
}

static void test_param(void **state)
{
	assert_int_equal(match(HTTP_GET, "/thu-tuc/1.004227", NULL), R_SHOW);
	assert_int_equal(req.nparams, 1);
	assert_string_equal(req.param_names[0], "code");
	assert_string_equal(req.param_values[0], "1.004227");

	/* a POST to the same pattern goes to its own route */
	assert_int_equal(match(HTTP_POST, "/thu-tuc/2.000001", NULL), R_SUBMIT);
	assert_string_equal(param("code"), "2.000001");

	/* two parameters */
	assert_int_equal(match(HTTP_GET, "/ho-so/H12.34-260101-0001/tep/don đề nghị.pdf", NULL), R_FILE);
	assert_int_equal(req.nparams, 2);
	assert_string_equal(param("id"), "H12.34-260101-0001");
	assert_string_equal(param("name"), "don đề nghị.pdf");
	assert_null(param("code"));

	/* a parameter takes one segment only */
	assert_int_equal(match(HTTP_GET, "/thu-tuc/a/b", NULL), -1);
	assert_int_equal(match(HTTP_GET, "/ho-so/1/tep", NULL), -1);
	assert_int_equal(match(HTTP_GET, "/ho-so/1/tep/x/y", NULL), -1);
}

static void test_param_is_a_copy(void **state)
{
	char path[] = "/thu-tuc/abc";

	assert_int_equal(match(HTTP_GET, path, NULL), R_SHOW);
	memset(path, 'x', sizeof(path) - 1);
	assert_string_equal(req.param_values[0], "abc");

	/* a later match replaces the parameters of an earlier one */
	assert_int_equal(match(HTTP_GET, "/", NULL), R_HOME);
	assert_int_equal(req.nparams, 0);
}

static void test_rest(void **state)
{
	assert_int_equal(match(HTTP_GET, "/static/site.css", NULL), R_STATIC);
	assert_int_equal(req.nparams, 1);
	/* the name is without the dots */
	assert_string_equal(req.param_names[0], "path");
	assert_string_equal(req.param_values[0], "site.css");

	assert_int_equal(match(HTTP_GET, "/static/fonts/a/b.woff2", NULL), R_STATIC);
	assert_string_equal(param("path"), "fonts/a/b.woff2");
	/* the rest keeps a trailing slash: it is the file name's business */
	assert_int_equal(match(HTTP_GET, "/static/img/", NULL), R_STATIC);
	assert_string_equal(param("path"), "img/");

	/* the rest must not be empty */
	assert_int_equal(match(HTTP_GET, "/static/", NULL), -1);
	assert_int_equal(match(HTTP_GET, "/static", NULL), -1);
	assert_int_equal(match(HTTP_GET, "/staticx/a", NULL), -1);
}

static void test_head(void **state)
{
	unsigned allow = 0;

	/* HEAD is served by GET routes */
	assert_int_equal(match(HTTP_HEAD, "/", &allow), R_HOME);
	assert_int_equal(match(HTTP_HEAD, "/thu-tuc/abc", &allow), R_SHOW);
	assert_string_equal(param("code"), "abc");
	assert_int_equal(match(HTTP_HEAD, "/static/a.js", &allow), R_STATIC);
	assert_int_equal(match(HTTP_HEAD, "/probe", &allow), R_HEADONLY);

	/* but a GET is not served by a HEAD-only route */
	assert_int_equal(match(HTTP_GET, "/probe", &allow), -1);
	assert_int_equal(allow, HTTP_HEAD);

	/* HEAD on a path with no GET route is a 405 */
	assert_int_equal(match(HTTP_HEAD, "/api/items/7", &allow), -1);
	assert_int_equal(allow, HTTP_PUT | HTTP_DELETE | HTTP_PATCH);
}

static void test_method_not_allowed(void **state)
{
	unsigned allow = 0;
	char hdr[128];

	/* the path exists with GET and POST: DELETE gets 405 with both */
	assert_int_equal(match(HTTP_DELETE, "/thu-tuc/abc", &allow), -1);
	assert_int_equal(allow, HTTP_GET | HTTP_POST);
	router_allow_header(allow, hdr, sizeof(hdr));
	assert_string_equal(hdr, "GET, HEAD, POST");

	assert_int_equal(match(HTTP_POST, "/", &allow), -1);
	assert_int_equal(allow, HTTP_GET);
	router_allow_header(allow, hdr, sizeof(hdr));
	assert_string_equal(hdr, "GET, HEAD");

	assert_int_equal(match(HTTP_GET, "/api/items/9", &allow), -1);
	assert_int_equal(allow, HTTP_PUT | HTTP_PATCH | HTTP_DELETE);
	router_allow_header(allow, hdr, sizeof(hdr));
	assert_string_equal(hdr, "PUT, PATCH, DELETE");

	/* the literal /thu-tuc/tim-kiem also matches {code}, which has POST */
	assert_int_equal(match(HTTP_PUT, "/thu-tuc/tim-kiem", &allow), -1);
	assert_int_equal(allow, HTTP_GET | HTTP_POST);

	/* the allowed method does match */
	assert_int_equal(match(HTTP_PATCH, "/api/items/9", &allow), R_ITEM);
	assert_string_equal(param("id"), "9");
}

static void test_not_found(void **state)
{
	unsigned allow = 12345;

	assert_int_equal(match(HTTP_GET, "/khong-co", &allow), -1);
	assert_int_equal(allow, 0);
	assert_int_equal(match(HTTP_POST, "/khong-co", &allow), -1);
	assert_int_equal(allow, 0);
	assert_int_equal(match(HTTP_GET, "/api/items", &allow), -1);
	assert_int_equal(allow, 0);
	assert_int_equal(match(HTTP_GET, "//", &allow), -1);
	assert_int_equal(allow, 0);
}

static void test_trailing_slash(void **state)
{
	unsigned allow = 12345;

	assert_int_equal(match(HTTP_GET, "/thu-tuc/", &allow), -1);
	assert_int_equal(allow, 0);
	assert_int_equal(match(HTTP_GET, "/thu-tuc/abc/", &allow), -1);
	assert_int_equal(allow, 0);
	assert_int_equal(match(HTTP_GET, "/thu-tuc/tim-kiem/", &allow), -1);
	assert_int_equal(allow, 0);
	assert_int_equal(match(HTTP_GET, "/ho-so/1/tep/a.pdf/", &allow), -1);
	assert_int_equal(allow, 0);
}

static void test_empty_segment(void **state)
{
	unsigned allow = 12345;

	assert_int_equal(match(HTTP_GET, "/ho-so//tep/a.pdf", &allow), -1);
	assert_int_equal(allow, 0);
	assert_int_equal(match(HTTP_GET, "/ho-so/1/tep/", &allow), -1);
	assert_int_equal(allow, 0);
	assert_int_equal(match(HTTP_PUT, "/api/items/", &allow), -1);
	assert_int_equal(allow, 0);
	assert_int_equal(match(HTTP_GET, "/p8/a/b/c//e/f/g/h", &allow), -1);
}

static void test_max_params(void **state)
{
	static const char *const names[] = { "a", "b", "c", "d", "e", "f", "g", "h" };
	static const char *const values[] = { "1", "22", "333", "4", "5", "6", "7", "eight" };
	unsigned allow = 0;

	/* ROUTE_MAX_PARAMS parameters all arrive */
	assert_int_equal(ROUTE_MAX_PARAMS, 8);
	assert_int_equal(match(HTTP_GET, "/p8/1/22/333/4/5/6/7/eight", &allow), R_EIGHT);
	assert_int_equal(req.nparams, 8);
	for (int i = 0; i < 8; i++) {
		assert_string_equal(req.param_names[i], names[i]);
		assert_string_equal(req.param_values[i], values[i]);
	}

	/*
	 * A pattern with more parameters than a request can hold must never be
	 * handed to a handler with parameters missing.
	 */
	assert_int_equal(match(HTTP_GET, "/p9/1/2/3/4/5/6/7/8/9", &allow), -1);
	assert_true(req.nparams <= ROUTE_MAX_PARAMS);
}

static void test_method_parse(void **state)
{
	assert_int_equal(http_method_parse("GET"), HTTP_GET);
	assert_int_equal(http_method_parse("HEAD"), HTTP_HEAD);
	assert_int_equal(http_method_parse("POST"), HTTP_POST);
	assert_int_equal(http_method_parse("PUT"), HTTP_PUT);
	assert_int_equal(http_method_parse("PATCH"), HTTP_PATCH);
	assert_int_equal(http_method_parse("DELETE"), HTTP_DELETE);
	assert_int_equal(http_method_parse("OPTIONS"), HTTP_OPTIONS);
	/* method names are case-sensitive (RFC 9110 9.1) */
	assert_int_equal(http_method_parse("get"), 0);
	assert_int_equal(http_method_parse("TRACE"), 0);
	assert_int_equal(http_method_parse("CONNECT"), 0);
	assert_int_equal(http_method_parse(""), 0);
	assert_int_equal(http_method_parse("GETX"), 0);
	assert_int_equal(http_method_parse("GE"), 0);
}

static void test_allow_header(void **state)
{
	char hdr[128];
	char small[12];

	router_allow_header(0, hdr, sizeof(hdr));
	assert_string_equal(hdr, "");
	router_allow_header(HTTP_POST, hdr, sizeof(hdr));
	assert_string_equal(hdr, "POST");
	router_allow_header(HTTP_HEAD, hdr, sizeof(hdr));
	assert_string_equal(hdr, "HEAD");
	router_allow_header(HTTP_GET | HTTP_HEAD | HTTP_POST | HTTP_PUT | HTTP_PATCH | HTTP_DELETE |
				    HTTP_OPTIONS,
			    hdr, sizeof(hdr));
	assert_string_equal(hdr, "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");

	/* a small buffer gets a truncated, terminated string and nothing past it */
	memset(small, '#', sizeof(small));
	router_allow_header(HTTP_GET | HTTP_POST | HTTP_DELETE, small, 10);
	assert_int_equal(small[10], '#');
	assert_int_equal(small[11], '#');
	assert_true(strlen(small) < 10);
	assert_memory_equal(small, "GET, HEAD", strlen(small));
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_literal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_param, setup, teardown),
		cmocka_unit_test_setup_teardown(test_param_is_a_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_head, setup, teardown),
		cmocka_unit_test_setup_teardown(test_method_not_allowed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trailing_slash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_segment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_params, setup, teardown),
		cmocka_unit_test_setup_teardown(test_method_parse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allow_header, setup, teardown),
	};
	return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
