/* utf8.h: UTF-8 decoding, validation, counting and cutting: the one decoder of the program. */
#ifndef CORE_UTF8_H
#define CORE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Well-formed UTF-8 is what RFC 3629 and Unicode 15 table 3-7 allow: no
 * overlong forms, no surrogates (U+D800..U+DFFF), nothing past U+10FFFF.
 * A NUL byte is U+0000 like any other ASCII byte: the callers that stop at
 * it, or refuse control characters, say so themselves.
 */

/*
 * Decode the character at the start of s[0..len): its code point into *cp
 * and its length in bytes (1 to 4) returned. -1 when the bytes there are not
 * a well-formed character: len is 0, a continuation byte or one that never
 * occurs in UTF-8 (C0, C1, F5..FF) comes first, the sequence is cut short by
 * len or by a byte that does not continue it, or it is an overlong form, a
 * surrogate or past U+10FFFF. *cp is left alone on failure. No byte past the
 * first one that fails is read.
 */
int utf8_decode(const char *s, size_t len, uint32_t *cp);

/*
 * utf8_decode() for walking a text: the code point of the character at *s
 * (*len bytes left), *s and *len moved past it; -1 when it is not
 * well-formed, *s and *len then left alone.
 */
long utf8_next(const char **s, size_t *len);

/* 1 when all of s[0..len) is well-formed UTF-8, else 0. */
int utf8_valid(const char *s, size_t len);

/* The number of characters (code points) in s[0..len), -1 when it is not well-formed UTF-8. */
long utf8_count(const char *s, size_t len);

/*
 * The number of characters in the NUL-terminated s, which the caller knows
 * to be UTF-8 (checked at the HTTP layer, or read back from the database):
 * the bytes that do not continue a character (10xxxxxx), without checking.
 */
size_t utf8_chars(const char *s);

/*
 * The length in bytes of the first `chars` characters of the NUL-terminated
 * s, counted as utf8_chars() does: the offset of the byte that starts
 * character number chars + 1, or strlen(s) when s has no more characters.
 */
size_t utf8_prefix(const char *s, size_t chars);

/*
 * Where to cut s to at most n bytes without splitting a character: the
 * largest k <= n such that s[k] does not continue a character, 0 when there
 * is none. s[n] is read, so s holds at least n + 1 bytes (a string's NUL
 * counts).
 */
size_t utf8_cut(const char *s, size_t n);

#endif
