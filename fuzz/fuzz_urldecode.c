/* fuzz_urldecode.c: libFuzzer target for url_decode() and utf8_valid(). */
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
	const char *s = (const char *)data;
	char *out = NULL;
	size_t outlen = 0, i;
	int plus, rc;

	if (!size)
		return 0;
	/* the first byte picks the mode, the rest is the input */
	plus = data[0] & 3; /* URL_PLUS_SPACE, URL_NEWLINES */
	s++;
	size--;
	rc = url_decode(&a, s, size, plus, &out, &outlen);
	if (rc == PARSE_OK) {
		/* what comes out is no longer than what went in, and clean */
		if (outlen > size || out[outlen] != '\0' || !utf8_valid(out, outlen))
			__builtin_trap();
		for (i = 0; i < outlen; i++) {
			unsigned char c = (unsigned char)out[i];

			if ((c < 0x20 && c != '\t' && !((plus & URL_NEWLINES) && (c == '\r' || c == '\n'))) ||
			    c == 0x7f || ((plus & URL_PLUS_SPACE) && c == '+' && !memchr(s, '%', size)))
				__builtin_trap();
		}
	} else if (rc != PARSE_EBADESC && rc != PARSE_ECTRL && rc != PARSE_EUTF8) {
		__builtin_trap();
	}
	/* utf8_valid on raw bytes must not read past the end */
	(void)utf8_valid(s, size);
	arena_release(&a);
	return 0;
}
