/* fuzz_form.c: libFuzzer target for form_parse() (query strings and urlencoded bodies). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "http/parse.h"
#include "core/arena.h"
#include "core/utf8.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = ARENA_INIT;
	struct kvlist l;
	const struct kv *kv;
	size_t max_fields, max_value, n = 0;
	int rc;

	if (size < 2)
		return 0;
	/* the first two bytes pick the limits, so they are passed as well as kept */
	max_fields = data[0] % 40;
	max_value = (size_t)data[1] * 4;
	kvlist_init(&l);
	rc = form_parse(&a, (const char *)data + 2, size - 2, max_fields, max_value, &l);
	if (rc > 0 || rc < PARSE_ESYNTAX)
		__builtin_trap();
	for (kv = l.head; kv; kv = kv->next) {
		/* names and values are C strings: no NUL inside, valid UTF-8, within limits */
		if (strlen(kv->key) > 256 || kv->val_len > max_value || strlen(kv->val) != kv->val_len)
			__builtin_trap();
		if (!utf8_valid(kv->key, strlen(kv->key)) || !utf8_valid(kv->val, kv->val_len))
			__builtin_trap();
		n++;
	}
	if (n != l.n || n > max_fields)
		__builtin_trap();
	arena_release(&a);
	return 0;
}
