/* fold.h: Vietnamese text folded for search: "CHỨNG THỰC", "chứng thực" and "chung thuc" are one. */
#ifndef RULES_FOLD_H
#define RULES_FOLD_H

#include <stddef.h>

/*
 * Fold UTF-8 text `s` for search into `out` (n bytes with the NUL): every
 * Vietnamese letter loses its tone mark and other diacritics (ắ ằ ẳ ẵ ặ ă â
 * á … → a, đ Đ → d, ư → u, ơ → o, ê → e, ô → o, …; Ð U+00D0, which old
 * fonts and converters put for Đ, → d too), letters are lowercased,
 * and every run of characters that are not letters or digits becomes one
 * space; no space at either end. Precomposed (NFC) and decomposed (NFD:
 * base letter + combining marks U+0300–U+036F) input fold alike: a
 * combining mark is dropped wherever it is, joining rather than separating
 * ("a\u0301b" → "ab"). Other non-ASCII characters, non-Vietnamese
 * letters too (precomposed ü, ç, ñ), are separators like punctuation. The
 * result is ASCII.
 * Returns the length written, or -1 when `s` is not valid UTF-8 or out is
 * too small (out is then "" when n > 0). The output is never longer than
 * the input, so n = strlen(s) + 1 always suffices.
 */
long fold_text(const char *s, char *out, size_t n);

#endif
