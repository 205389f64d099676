/*
 * vnd_words.h: an amount of Vietnamese đồng in words, as receipts print it (DESIGN.md "Domain
 * rules", Circular 303/2016/TT-BTC): 317,000,000 is "Ba trăm mười bảy triệu đồng". Pure, no I/O.
 */
#ifndef MOTCUA_RULES_VND_WORDS_H
#define MOTCUA_RULES_VND_WORDS_H

#include <stddef.h>
#include <stdint.h>

#define VND_WORDS_MAX 999999999999LL /* the largest amount read: under a thousand billion */
#define VND_WORDS_LEN 512	     /* room for the longest reading, NUL included */

/*
 * Write `amount` (0 … VND_WORDS_MAX) in words into out: first letter capital, words separated
 * by one space, ending in " đồng". 0, or -1 (out = "") when the amount is out of range or out
 * is too small.
 */
int vnd_in_words(int64_t amount, char *out, size_t size);

#endif
