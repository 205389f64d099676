/* test_template.c: the mustache engine against every mustache spec case, plus motcua's rules. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include "web/template.h"
#include "core/buf.h"
#include "core/xalloc.h"
#include "core/banned.h"

#ifndef SOURCE_ROOT
#define SOURCE_ROOT "."
#endif

#define SPEC_MAIN "<spec>"

/* ---- the mustache spec: one cmocka test per case of every *.json file ---- */

struct spec_case {
	char *label;
	json_t *test; /* borrowed from its file's root */
	struct tmpl_set *set;
	struct buf out;
	char *err;
};

static unsigned spec_passed;

static int spec_setup(void **state)
{
	struct spec_case *c = *state;

	c->set = tmpl_set_new(NULL, NULL);
	buf_init(&c->out, 0);
	c->err = NULL;
	return 0;
}

static int spec_teardown(void **state)
{
	struct spec_case *c = *state;

	tmpl_set_free(c->set);
	c->set = NULL;
	buf_release(&c->out);
	free(c->err);
	c->err = NULL;
	return 0;
}

static void spec_add(struct spec_case *c, const char *name, json_t *src)
{
	assert_true(json_is_string(src));
	if (tmpl_set_add(c->set, name, json_string_value(src), json_string_length(src), &c->err) < 0) {
		print_error("parse error: %s\n", c->err);
		fail();
	}
}

static void run_spec_case(void **state)
{
	struct spec_case *c = *state;
	json_t *partials = json_object_get(c->test, "partials");
	json_t *expected = json_object_get(c->test, "expected");
	const char *key;
	json_t *val;

	json_object_foreach(partials, key, val) spec_add(c, key, val);
	spec_add(c, SPEC_MAIN, json_object_get(c->test, "template"));
	assert_int_equal(tmpl_render(c->set, SPEC_MAIN, json_object_get(c->test, "data"), &c->out), 0);
	assert_true(json_is_string(expected));
	assert_string_equal(c->out.ptr, json_string_value(expected));
	assert_int_equal(c->out.len, json_string_length(expected));
	spec_passed++;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The cases of every *.json file of a folder, and what they point into. */
struct spec {
	char **names;
	size_t nnames;
	json_t **roots;
	struct spec_case *cases;
	size_t ncases;
	int load_errors;
};

/* Load every *.json file in `dir`; -1 when the folder cannot be read. */
static int spec_load(struct spec *sp, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t i, j;

	memset(sp, 0, sizeof(*sp));
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len > 5 && !strcmp(e->d_name + len - 5, ".json")) {
			sp->names = xrealloc(sp->names, st_mult(sp->nnames + 1, sizeof(*sp->names)));
			sp->names[sp->nnames++] = xstrdup(e->d_name);
		}
	}
	closedir(d);
	if (sp->nnames)
		qsort(sp->names, sp->nnames, sizeof(*sp->names), cmp_names);

	sp->roots = xcalloc(sp->nnames + 1, sizeof(*sp->roots));
	for (i = 0; i < sp->nnames; i++) {
		struct buf path = BUF_INIT;
		json_error_t jerr;
		json_t *list;

		buf_addf(&path, "%s/%s", dir, sp->names[i]);
		sp->roots[i] = json_load_file(path.ptr, 0, &jerr);
		if (!sp->roots[i]) {
			printf("# cannot load %s: %s\n", path.ptr, jerr.text);
			sp->load_errors++;
		}
		buf_release(&path);
		list = json_object_get(sp->roots[i], "tests");
		for (j = 0; j < json_array_size(list); j++) {
			struct buf label = BUF_INIT;
			json_t *t = json_array_get(list, j);
			struct spec_case *c;

			sp->cases = xrealloc(sp->cases, st_mult(sp->ncases + 1, sizeof(*sp->cases)));
			c = &sp->cases[sp->ncases++];
			memset(c, 0, sizeof(*c));
			buf_addf(&label, "%.*s: %s", (int)(strlen(sp->names[i]) - 5), sp->names[i],
				 json_string_value(json_object_get(t, "name")));
			c->label = buf_detach(&label, NULL);
			c->test = t;
		}
	}
	return 0;
}

static void spec_release(struct spec *sp)
{
	size_t i;

	for (i = 0; i < sp->ncases; i++)
		free(sp->cases[i].label);
	for (i = 0; i < sp->nnames; i++) {
		json_decref(sp->roots[i]);
		free(sp->names[i]);
	}
	free(sp->cases);
	free(sp->roots);
	free(sp->names);
	memset(sp, 0, sizeof(*sp));
}

/* ---- motcua's own cases ---- */

struct fx {
	struct tmpl_set *set;
	struct buf out;
	json_t *ctx;
	char *err;
	int calls;
};

static int fx_setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));

	buf_init(&f->out, 0);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	tmpl_set_free(f->set);
	buf_release(&f->out);
	json_decref(f->ctx);
	free(f->err);
	free(f);
	return 0;
}

static void fx_ctx(struct fx *f, const char *json)
{
	json_error_t jerr;

	json_decref(f->ctx);
	f->ctx = json_loads(json, JSON_DECODE_ANY, &jerr);
	assert_non_null(f->ctx);
}

static void fx_add(struct fx *f, const char *name, const char *src)
{
	if (!f->set)
		f->set = tmpl_set_new(NULL, NULL);
	free(f->err);
	f->err = NULL;
	if (tmpl_set_add(f->set, name, src, strlen(src), &f->err) < 0) {
		print_error("parse error: %s\n", f->err);
		fail();
	}
}

/* Render `name` into a fresh output and compare. */
static void fx_expect(struct fx *f, const char *name, const char *expected)
{
	buf_reset(&f->out);
	assert_int_equal(tmpl_render(f->set, name, f->ctx, &f->out), 0);
	assert_string_equal(f->out.ptr, expected);
}

static void test_escape(void **state)
{
	struct fx *f = *state;
	struct buf b = BUF_INIT;

	fx_add(f, "t", "{{x}}|{{{x}}}|{{&x}}|{{ x }}");
	fx_ctx(f, "{\"x\": \"a&b<c>d\\\"e'f\"}");
	fx_expect(f, "t",
		  "a&amp;b&lt;c&gt;d&quot;e&#39;f|a&b<c>d\"e'f|a&b<c>d\"e'f|"
		  "a&amp;b&lt;c&gt;d&quot;e&#39;f");

	html_escape(&b, "&<>\"'", 5);
	assert_string_equal(b.ptr, "&amp;&lt;&gt;&quot;&#39;");
	buf_reset(&b);
	html_escape(&b, "x\0<", 3);
	assert_int_equal(b.len, 6);
	assert_memory_equal(b.ptr, "x\0&lt;", 6);
	buf_reset(&b);
	html_escape(&b, "Trang chủ", strlen("Trang chủ"));
	assert_string_equal(b.ptr, "Trang chủ");
	buf_release(&b);
}

static void test_values(void **state)
{
	struct fx *f = *state;

	fx_add(f, "t", "{{a}}|{{b}}|{{c}}|{{d}}|{{e}}|{{f}}|{{g}}|{{h}}|{{i}}|{{j}}|{{k}}");
	fx_ctx(f, "{\"a\": 1.5, \"b\": 85, \"c\": 1.210, \"d\": 0.1, \"e\": -0.5, \"f\": true,"
		  " \"g\": false, \"h\": null, \"i\": {\"x\": 1}, \"j\": [1], \"k\": 1e21}");
	fx_expect(f, "t", "1.5|85|1.21|0.1|-0.5|true|false||||1e+21");

	/* only false, null, missing and [] are falsey */
	fx_add(f, "s", "{{#s}}S{{/s}}{{#z}}Z{{/z}}{{#n}}N{{/n}}{{#l}}L{{/l}}{{^l}}!L{{/l}}{{#o}}O{{/o}}");
	fx_ctx(f, "{\"s\": \"\", \"z\": 0, \"n\": null, \"l\": [], \"o\": {}}");
	fx_expect(f, "s", "SZ!LO");
}

static const char *tr_vi(const char *msgid, void *ctx)
{
	int *calls = ctx;

	(*calls)++;
	if (!strcmp(msgid, "Home"))
		return "Trang chủ";
	if (!strcmp(msgid, "Raw"))
		return "<b>{{x}}</b>";
	if (!strcmp(msgid, "Dossiers\n"))
		return "Hồ sơ\n";
	return NULL;
}

static void test_translate(void **state)
{
	struct fx *f = *state;

	f->set = tmpl_set_new(tr_vi, &f->calls);
	fx_ctx(f, "{\"name\": \"An\", \"x\": \"no\"}");
	fx_add(f, "home", "<a>{{#_}}Home{{/_}}</a>");
	assert_int_equal(f->calls, 1);
	fx_expect(f, "home", "<a>Trang chủ</a>");
	fx_expect(f, "home", "<a>Trang chủ</a>");
	/* translations happen once, when parsing */
	assert_int_equal(f->calls, 1);

	/* the translation is literal text: neither parsed nor escaped */
	fx_add(f, "raw", "{{#_}}Raw{{/_}}");
	fx_expect(f, "raw", "<b>{{x}}</b>");

	/* no translation: the text itself */
	fx_add(f, "miss", "[{{#_}}Unknown{{/_}}]");
	fx_expect(f, "miss", "[Unknown]");

	/* standalone lines, inside a standalone partial */
	fx_add(f, "menu", "{{#_}}\nDossiers\n{{/_}}\n");
	fx_add(f, "page", "<ul>\n  {{>menu}}\n</ul>\n");
	fx_expect(f, "page", "<ul>\n  Hồ sơ\n</ul>\n");

	/* a body with tags is an ordinary section */
	fx_add(f, "tags", "<p>{{#_}}Hi {{name}}{{/_}}</p>");
	fx_expect(f, "tags", "<p></p>");

	/* without a translator "_" is an ordinary section */
	tmpl_set_free(f->set);
	f->set = tmpl_set_new(NULL, NULL);
	fx_add(f, "home", "<a>{{#_}}Home{{/_}}</a>");
	fx_expect(f, "home", "<a></a>");
	fx_ctx(f, "{\"_\": true}");
	fx_expect(f, "home", "<a>Home</a>");
}

static void test_parse_errors(void **state)
{
	static const struct {
		const char *src;
		const char *err;
	} cases[] = {
		{ "a\n{{#x}}\nb\n", "t:2: unclosed section \"x\"" },
		{ "{{#a}}\n\n{{/b}}", "t:3: close tag \"b\" does not match \"a\" (line 1)" },
		{ "x\n{{/a}}", "t:2: unexpected close tag \"a\"" },
		{ "\n\n{{=<% %}}", "t:3: bad delimiter tag" },
		{ "{{=<%%>=}}", "t:1: bad delimiter tag" },
		{ "{{= a b c =}}", "t:1: bad delimiter tag" },
		{ "line\n{{name", "t:2: unclosed tag" },
		{ "{{{name}}", "t:1: unclosed tag" },
		{ "{{!\ncomment\n}}\n{{#a}}", "t:4: unclosed section \"a\"" },
		{ "{{}}", "t:1: empty tag" },
		{ "{{#}}", "t:1: empty tag name" },
		{ "{{a b}}", "t:1: bad tag name \"a b\"" },
		{ "{{a..b}}", "t:1: bad name \"a..b\"" },
		{ "{{=<% %>=}}\n<%#a%>\n<%/b%>", "t:3: close tag \"b\" does not match \"a\" (line 2)" },
		{ "{{<p}}{{$a}}{{/p}}", "t:1: close tag \"p\" does not match \"a\" (line 1)" },
		{ "{{>*p}}{{<*q}}\n{{/q}}", "t:2: close tag \"q\" does not match \"*q\" (line 1)" },
	};
	struct fx *f = *state;
	size_t i;

	f->set = tmpl_set_new(NULL, NULL);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *err = NULL;
		int ret = tmpl_set_add(f->set, "t", cases[i].src, strlen(cases[i].src), &err);

		if (ret != -1 || !err || strcmp(err, cases[i].err)) {
			print_error("%s: got %d \"%s\", want \"%s\"\n", cases[i].src, ret,
				    err ? err : "(null)", cases[i].err);
			free(err);
			fail();
		}
		free(err);
	}
	assert_false(tmpl_set_has(f->set, "t"));

	/* a failed add leaves the set as it was; err may be NULL */
	fx_add(f, "t", "old");
	assert_int_equal(tmpl_set_add(f->set, "t", "{{#new}}", 8, NULL), -1);
	assert_true(tmpl_set_has(f->set, "t"));
	fx_expect(f, "t", "old");
	fx_add(f, "t", "new");
	fx_expect(f, "t", "new");
}

static void test_depth_limit(void **state)
{
	struct fx *f = *state;
	char want[66];

	fx_ctx(f, "{}");
	fx_add(f, "r", "x{{>r}}");
	memset(want, 'x', 65);
	want[65] = '\0';
	/* the top level and 64 nested expansions, then that branch stops */
	fx_expect(f, "r", want);

	fx_add(f, "p", "y{{<p}}{{/p}}");
	buf_reset(&f->out);
	assert_int_equal(tmpl_render(f->set, "p", f->ctx, &f->out), 0);
	assert_int_equal(f->out.len, 65);

	/* an override that calls itself */
	fx_add(f, "q", "{{$b}}d{{/b}}");
	fx_add(f, "o", "{{<q}}{{$b}}z{{$b}}{{/b}}{{/b}}{{/q}}");
	buf_reset(&f->out);
	assert_int_equal(tmpl_render(f->set, "o", f->ctx, &f->out), 0);
	assert_int_equal(f->out.len, 63);

	/* exponential fan-out hits the work limit instead of running for ever */
	fx_add(f, "fan", "{{>fan}}{{>fan}}");
	buf_reset(&f->out);
	assert_int_equal(tmpl_render(f->set, "fan", f->ctx, &f->out), -1);
}

static void test_buffer_limit(void **state)
{
	struct fx *f = *state;

	fx_add(f, "t", "hello, {{x}}");
	fx_ctx(f, "{\"x\": \"world & all\"}");
	buf_release(&f->out);
	buf_init(&f->out, 8);
	assert_int_equal(tmpl_render(f->set, "t", f->ctx, &f->out), -1);
	assert_true(buf_err(&f->out));
	assert_true(f->out.len <= 8);

	buf_release(&f->out);
	buf_init(&f->out, 15);
	assert_int_equal(tmpl_render(f->set, "t", f->ctx, &f->out), -1);

	/* a large enough buffer holds it exactly */
	buf_release(&f->out);
	buf_init(&f->out, 23);
	assert_int_equal(tmpl_render(f->set, "t", f->ctx, &f->out), 0);
	assert_string_equal(f->out.ptr, "hello, world &amp; all");

	/* a long list stops at the limit */
	fx_add(f, "list", "{{#l}}{{.}},{{/l}}");
	fx_ctx(f, "{\"l\": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]}");
	buf_release(&f->out);
	buf_init(&f->out, 16);
	assert_int_equal(tmpl_render(f->set, "list", f->ctx, &f->out), -1);
}

static void test_lookup(void **state)
{
	struct fx *f = *state;

	fx_add(f, "t", "{{a.b}}");
	fx_ctx(f, "{\"a\": {\"b\": \"<\"}}");
	fx_expect(f, "t", "&lt;");
	assert_true(tmpl_set_has(f->set, "t"));
	assert_false(tmpl_set_has(f->set, "nope"));
	buf_reset(&f->out);
	assert_int_equal(tmpl_render(f->set, "nope", f->ctx, &f->out), -1);

	/* no context at all renders like an empty one */
	fx_add(f, "n", "[{{a}}{{#b}}x{{/b}}{{^c}}y{{/c}}{{.}}]");
	buf_reset(&f->out);
	assert_int_equal(tmpl_render(f->set, "n", NULL, &f->out), 0);
	assert_string_equal(f->out.ptr, "[y]");

	/* many templates in one set */
	{
		char name[16], src[32];
		int i;

		for (i = 0; i < 100; i++) {
			snprintf(name, sizeof(name), "n%d", i);
			snprintf(src, sizeof(src), "<%d>{{>n%d}}", i, i + 1);
			fx_add(f, name, src);
		}
		assert_true(tmpl_set_has(f->set, "n99"));
		buf_reset(&f->out);
		assert_int_equal(tmpl_render(f->set, "n0", f->ctx, &f->out), 0);
		assert_true(f->out.len > 100);
	}
}

static void test_inheritance_page(void **state)
{
	struct fx *f = *state;

	fx_add(f, "layout",
	       "<html>\n<head><title>{{$title}}motcua{{/title}}</title></head>\n"
	       "<body>\n  {{$body}}\n  <p>empty</p>\n  {{/body}}\n</body>\n</html>\n");
	fx_add(f, "page",
	       "{{<layout}}\n{{$title}}{{name}} - motcua{{/title}}\n{{$body}}\n"
	       "<ul>\n  {{#items}}\n  <li>{{.}}</li>\n  {{/items}}\n</ul>\n{{/body}}\n"
	       "{{/layout}}\n");
	fx_ctx(f, "{\"name\": \"Hồ sơ\", \"items\": [\"a\", \"<b>\"]}");
	fx_expect(f, "page",
		  "<html>\n<head><title>Hồ sơ - motcua</title></head>\n<body>\n"
		  "  <ul>\n    <li>a</li>\n    <li>&lt;b&gt;</li>\n  </ul>\n</body>\n</html>\n");
	fx_expect(f, "layout",
		  "<html>\n<head><title>motcua</title></head>\n<body>\n"
		  "  <p>empty</p>\n</body>\n</html>\n");
}

int main(void)
{
	static const struct CMUnitTest own[] = {
		cmocka_unit_test_setup_teardown(test_escape, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_values, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_translate, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_parse_errors, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_depth_limit, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_buffer_limit, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_lookup, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_inheritance_page, fx_setup, fx_teardown),
	};
	const char *dir = getenv("MUSTACHE_SPEC_DIR");
	struct CMUnitTest *tests;
	struct spec sp;
	size_t i, n = ARRAY_SIZE(own);
	int failed, have_spec;

	cmocka_set_message_output(CM_OUTPUT_TAP);
	if (!dir || !*dir)
		dir = SOURCE_ROOT "/../shared/conformance/mustache-spec";
	have_spec = spec_load(&sp, dir) == 0;
	if (!have_spec)
		printf("# mustache spec: skipped, cannot open %s\n", dir);
	else if (!sp.ncases)
		printf("# mustache spec: no cases in %s\n", dir);

	/* one group, so that the TAP stream has a single plan */
	tests = xcalloc(n + sp.ncases, sizeof(*tests));
	memcpy(tests, own, sizeof(own));
	for (i = 0; i < sp.ncases; i++) {
		tests[n].name = sp.cases[i].label;
		tests[n].test_func = run_spec_case;
		tests[n].setup_func = spec_setup;
		tests[n].teardown_func = spec_teardown;
		tests[n++].initial_state = &sp.cases[i];
	}
	failed = _cmocka_run_group_tests("template", tests, n, NULL, NULL);
	if (have_spec)
		printf("# mustache spec: %u/%zu passed\n", spec_passed, sp.ncases);
	failed += sp.load_errors;
	spec_release(&sp);
	free(tests);
	return failed ? 1 : 0;
}
