/* fold.c: Vietnamese text folded for search: no tones or diacritics, lower case, one space between words. */
#include <stdint.h>
#include <string.h>
#include "core/utf8.h"
#include "rules/fold.h"
#include "core/banned.h"

/*
 * The letters of U+00C0..U+00FF that Vietnamese uses, by their base letter
 * (0: not a Vietnamese letter, a separator). Ð (U+00D0, the Icelandic eth)
 * counts as Đ: it looks the same and old fonts and converted documents put
 * it where Đ belongs.
 */
/* clang-format off */
static const char latin1[64] = {
	/* C0 À Á Â Ã Ä Å Æ Ç */ 'a', 'a', 'a', 'a', 0,   0,   0,   0,
	/* C8 È É Ê Ë Ì Í Î Ï */ 'e', 'e', 'e', 0,   'i', 'i', 0,   0,
	/* D0 Ð Ñ Ò Ó Ô Õ Ö × */ 'd', 0,   'o', 'o', 'o', 'o', 0,   0,
	/* D8 Ø Ù Ú Û Ü Ý Þ ß */ 0,   'u', 'u', 0,   0,   'y', 0,   0,
	/* E0 à á â ã ä å æ ç */ 'a', 'a', 'a', 'a', 0,   0,   0,   0,
	/* E8 è é ê ë ì í î ï */ 'e', 'e', 'e', 0,   'i', 'i', 0,   0,
	/* F0 ð ñ ò ó ô õ ö ÷ */ 0,   0,   'o', 'o', 'o', 'o', 0,   0,
	/* F8 ø ù ú û ü ý þ ÿ */ 0,   'u', 'u', 0,   0,   'y', 0,   0,
};
/* clang-format on */

/* The base letter of a Vietnamese letter c (not ASCII), or 0. */
static char vietnamese_base(uint32_t c)
{
	if (c >= 0xc0 && c <= 0xff)
		return latin1[c - 0xc0];
	switch (c) {
	case 0x102: /* Ă */
	case 0x103: /* ă */ return 'a';
	case 0x110: /* Đ */
	case 0x111: /* đ */ return 'd';
	case 0x128: /* Ĩ */
	case 0x129: /* ĩ */ return 'i';
	case 0x168: /* Ũ */
	case 0x169: /* ũ */
	case 0x1af: /* Ư */
	case 0x1b0: /* ư */ return 'u';
	case 0x1a0: /* Ơ */
	case 0x1a1: /* ơ */ return 'o';
	}
	/* Latin Extended Additional: the Vietnamese block, in runs by base letter */
	if (c >= 0x1ea0 && c <= 0x1eb7) /* Ạ … ặ */
		return 'a';
	if (c >= 0x1eb8 && c <= 0x1ec7) /* Ẹ … ệ */
		return 'e';
	if (c >= 0x1ec8 && c <= 0x1ecb) /* Ỉ ỉ Ị ị */
		return 'i';
	if (c >= 0x1ecc && c <= 0x1ee3) /* Ọ … ợ */
		return 'o';
	if (c >= 0x1ee4 && c <= 0x1ef1) /* Ụ … ự */
		return 'u';
	if (c >= 0x1ef2 && c <= 0x1ef9) /* Ỳ … ỹ */
		return 'y';
	return 0;
}

long fold_text(const char *s, char *out, size_t n)
{
	size_t left = strlen(s), len = 0;
	int space = 0; /* a separator was seen since the last letter or digit */

	while (left) {
		long c = utf8_next(&s, &left);
		char f;

		if (c < 0)
			goto fail;
		if (c >= 'A' && c <= 'Z')
			f = (char)(c - 'A' + 'a');
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			f = (char)c;
		else if (c >= 0x300 && c <= 0x36f)
			continue; /* combining marks: NFD folds like NFC */
		else
			f = c >= 0x80 ? vietnamese_base(c) : 0;
		if (!f) {
			space = 1;
			continue;
		}
		if (space && len) {
			if (len + 1 >= n)
				goto fail;
			out[len++] = ' ';
		}
		space = 0;
		if (len + 1 >= n)
			goto fail;
		out[len++] = f;
	}
	if (n == 0)
		return -1;
	out[len] = '\0';
	return (long)len;
fail:
	if (n > 0)
		out[0] = '\0';
	return -1;
}
