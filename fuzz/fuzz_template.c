/* fuzz_template.c: libFuzzer target: parse the input as a template and render it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "web/template.h"
#include "core/buf.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Fixed templates that call the input ("t") and that it may call. */
static const char *const partials[][2] = {
	{ "p", "<{{a}}|{{{b}}}>\n  {{#list}}{{.}}{{/list}}\n" },
	{ "base", "[{{$x}}X{{/x}}|\n  {{$y}}\n  Y\n  {{/y}}\n]\n" },
	{ "nest", "{{#obj}}{{d}}{{#obj}}({{>t}}){{/obj}}{{/obj}}" },
	{ "call", "  {{<t}}\n  {{$x}}\n    arg {{a}}\n  {{/x}}\n{{$y}}Y{{/y}}{{/t}}\n" },
};

static const char ctx_json[] = "{\"a\": 1, \"b\": \"<x & 'y'>\", \"r\": 1.25, \"t\": \"t\", \"p\": \"base\","
			       " \"list\": [1, \"two\", {\"a\": 3, \"c\": true}, [4, 5], null],"
			       " \"obj\": {\"d\": \"e\", \"obj\": {\"d\": \"f\"}}, \"f\": false, \"n\": null,"
			       " \"e\": [], \"s\": \"\"}";

static struct tmpl_set *sets[2];
static json_t *ctx;

static const char *fuzz_tr(const char *msgid, void *data)
{
	if (!strcmp(msgid, "Home"))
		return "Trang chủ";
	return msgid[0] == 'x' ? NULL : "{{dịch}} <b>";
}

static void init(void)
{
	size_t i, j;

	ctx = json_loads(ctx_json, 0, NULL);
	if (!ctx)
		abort();
	for (i = 0; i < 2; i++) {
		sets[i] = tmpl_set_new(i ? fuzz_tr : NULL, NULL);
		for (j = 0; j < sizeof(partials) / sizeof(partials[0]); j++)
			if (tmpl_set_add(sets[i], partials[j][0], partials[j][1], strlen(partials[j][1]),
					 NULL) < 0)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tmpl_set *set;
	struct buf out;
	char *err = NULL;

	if (!ctx)
		init();
	/* odd sizes parse with a translator */
	set = sets[size & 1];
	buf_init(&out, 1 << 16);
	if (tmpl_set_add(set, "t", (const char *)data, size, &err) < 0) {
		/* every failure says where */
		if (!err || strncmp(err, "t:", 2))
			abort();
		free(err);
		goto out;
	}
	tmpl_render(set, "t", ctx, &out);
	if (out.len > (1 << 16) || out.ptr[out.len])
		abort();
	buf_reset(&out);
	tmpl_render(set, "call", ctx, &out);
	buf_reset(&out);
	tmpl_render(set, "nest", ctx, &out);
out:
	buf_release(&out);
	return 0;
}
