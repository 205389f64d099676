/* fuzz_fold.c: libFuzzer target for fold_text(), checked against utf8_valid() and its own promises. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/utf8.h"
#include "rules/fold.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = NULL, *out = NULL, *again = NULL, *small = NULL;
	size_t len, cut, i;
	long n, m;

	if (!size)
		return 0;
	/* the first byte picks a short output size, the rest (to a NUL) is the text */
	cut = data[0];
	s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	len = strlen(s);
	out = malloc(len + 1);
	again = malloc(len + 1);
	small = malloc(cut + 1);
	if (!out || !again || !small)
		goto out;

	/* strlen(s) + 1 always suffices: -1 only for bad UTF-8 */
	n = fold_text(s, out, len + 1);
	if ((n < 0) != !utf8_valid(s, len))
		__builtin_trap();
	if (n < 0) {
		if (out[0] != '\0')
			__builtin_trap();
		goto out;
	}
	/* lower-case ASCII letters and digits, single spaces inside */
	if ((size_t)n > len || strlen(out) != (size_t)n)
		__builtin_trap();
	for (i = 0; i < (size_t)n; i++) {
		char c = out[i];

		if (c == ' ') {
			if (i == 0 || i + 1 == (size_t)n || out[i - 1] == ' ')
				__builtin_trap();
		} else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
			__builtin_trap();
		}
	}
	/* folding folded text changes nothing */
	m = fold_text(out, again, (size_t)n + 1);
	if (m != n || memcmp(out, again, (size_t)n + 1))
		__builtin_trap();
	/* a smaller buffer gives the same text when it fits, else -1 and "" */
	m = fold_text(s, small, cut + 1);
	if ((size_t)n <= cut) {
		if (m != n || memcmp(out, small, (size_t)n + 1))
			__builtin_trap();
	} else if (m != -1 || small[0] != '\0') {
		__builtin_trap();
	}
out:
	free(s);
	free(out);
	free(again);
	free(small);
	return 0;
}
