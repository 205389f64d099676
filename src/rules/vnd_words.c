/* vnd_words.c: an amount of đồng in words as receipts print it (Circular 303/2016/TT-BTC). */
#include <assert.h>
#include <string.h>
#include "rules/vnd_words.h"
#include "core/banned.h"

/* The reading so far in the caller's buffer; `toobig` is sticky and checked once at the end. */
struct words {
	char *out;
	size_t size;
	size_t len;
	int toobig;
};

static const char *const digit_words[10] = {
	"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
};

/* Scales of the groups of three digits, lowest first: nghìn 10^3, triệu 10^6, tỷ 10^9. */
static const char *const scale_words[4] = { "", "nghìn", "triệu", "tỷ" };

/* Append one word, with a space before it unless it is the first. */
static void words_add(struct words *w, const char *word)
{
	size_t n = strlen(word);
	size_t sep = w->len ? 1 : 0;

	if (w->toobig)
		return;
	if (sep + n >= w->size - w->len) {
		w->toobig = 1;
		return;
	}
	if (sep)
		w->out[w->len++] = ' ';
	memcpy(w->out + w->len, word, n);
	w->len += n;
	w->out[w->len] = '\0';
}

/*
 * Read one group of three digits, 1 … 999. `inner` when a higher group was read before it: its
 * hundreds are then said even when zero (1,005 "một nghìn không trăm linh năm").
 */
static void words_group(struct words *w, int group, int inner)
{
	int hundreds = group / 100, tens = group / 10 % 10, units = group % 10;
	int has_hundreds = hundreds || inner;

	if (has_hundreds) {
		words_add(w, digit_words[hundreds]);
		words_add(w, "trăm");
	}
	if (tens == 0) {
		if (!units)
			return;
		/* a zero tens digit before a unit is "linh" (101 "một trăm linh một") */
		if (has_hundreds)
			words_add(w, "linh");
		words_add(w, digit_words[units]);
		return;
	}
	if (tens == 1) {
		words_add(w, "mười");
	} else {
		words_add(w, digit_words[tens]);
		words_add(w, "mươi");
	}
	/* after mươi a final 1 is "mốt" and a final 4 "tư"; after any tens a final 5 is "lăm" */
	if (units == 1 && tens > 1)
		words_add(w, "mốt");
	else if (units == 4 && tens > 1)
		words_add(w, "tư");
	else if (units == 5)
		words_add(w, "lăm");
	else if (units)
		words_add(w, digit_words[units]);
}

/*
 * Capitalise the first letter of s in place: an ASCII letter or a precomposed Vietnamese one.
 * Each of these has its capital in as many UTF-8 bytes, one code point below (ă U+0103 → Ă
 * U+0102, ạ U+1EA1 → Ạ U+1EA0 …) or 0x20 below in Latin-1 (à U+00E0 → À U+00C0).
 */
static void capitalise_first(char *s)
{
	unsigned char *p = (unsigned char *)s;

	if (p[0] >= 'a' && p[0] <= 'z')
		p[0] = (unsigned char)(p[0] - 'a' + 'A');
	else if (p[0] == 0xC3 && p[1] >= 0xA0 && p[1] <= 0xBE && p[1] != 0xB7) /* U+00E0–U+00FE but ÷ */
		p[1] -= 0x20;
	else if ((p[0] == 0xC4 && (p[1] == 0x83 || p[1] == 0x91 || p[1] == 0xA9)) || /* ă đ ĩ */
		 (p[0] == 0xC5 && p[1] == 0xA9) ||				     /* ũ */
		 (p[0] == 0xC6 && (p[1] == 0xA1 || p[1] == 0xB0)))		     /* ơ ư */
		p[1] -= 1;
	else if (p[0] == 0xE1 && (p[2] & 1) &&
		 ((p[1] == 0xBA && p[2] >= 0xA1 && p[2] <= 0xBF) || /* U+1EA1–U+1EBF */
		  (p[1] == 0xBB && p[2] >= 0x81 && p[2] <= 0xB9)))  /* U+1EC1–U+1EF9 */
		p[2] -= 1;
}

int vnd_in_words(int64_t amount, char *out, size_t size)
{
	struct words w = { out, size, 0, 0 };
	int groups[4];
	int read = 0;
	int i;

	assert(out || !size);
	if (!size)
		return -1;
	out[0] = '\0';
	if (amount < 0 || amount > VND_WORDS_MAX)
		return -1;
	for (i = 0; i < 4; i++) {
		groups[i] = (int)(amount % 1000);
		amount /= 1000;
	}
	for (i = 3; i >= 0; i--) {
		/* an all-zero group is not read: 1,000,000 is "một triệu" */
		if (!groups[i])
			continue;
		words_group(&w, groups[i], read);
		if (i)
			words_add(&w, scale_words[i]);
		read = 1;
	}
	if (!read)
		words_add(&w, digit_words[0]);
	words_add(&w, "đồng");
	if (w.toobig) {
		out[0] = '\0';
		return -1;
	}
	capitalise_first(out);
	return 0;
}
