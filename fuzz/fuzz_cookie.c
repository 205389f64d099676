/* fuzz_cookie.c: libFuzzer target for cookie_parse(). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "http/parse.h"
#include "core/arena.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = ARENA_INIT;
	struct kvlist l;
	const struct kv *kv;
	size_t n = 0, i;
	int rc;

	kvlist_init(&l);
	rc = cookie_parse(&a, (const char *)data, size, &l);
	if (rc != PARSE_OK && rc != PARSE_ETOOMANY)
		__builtin_trap();
	for (kv = l.head; kv; kv = kv->next) {
		size_t klen = strlen(kv->key);

		if (!klen || klen > 256 || kv->val_len > 4096 || strlen(kv->val) != kv->val_len)
			__builtin_trap();
		/* nothing that could split a header or a cookie survives */
		for (i = 0; i < kv->val_len; i++)
			if (strchr(" \t\r\n;,\"\\", kv->val[i]) || (unsigned char)kv->val[i] >= 0x7f)
				__builtin_trap();
		for (i = 0; i < klen; i++)
			if (strchr(" \t\r\n;,=\"\\", kv->key[i]) || (unsigned char)kv->key[i] >= 0x7f)
				__builtin_trap();
		n++;
	}
	if (n != l.n || n > 64)
		__builtin_trap();
	arena_release(&a);
	return 0;
}
