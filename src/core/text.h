/*
 * text.h: a text as a person typed it into a form or a JSON field, made fit to keep: trimmed,
 * its line breaks made one kind, valid UTF-8 without control characters, and not too long.
 */
#ifndef CORE_TEXT_H
#define CORE_TEXT_H

#include <stddef.h>
#include "core/arena.h"

enum text_rc {
	TEXT_OK = 0,
	TEXT_BAD = -1,	/* not UTF-8, or a control character (C0 but tab and line breaks, DEL, C1) */
	TEXT_LONG = -2, /* more than the characters allowed */
};

/*
 * `in` (NULL counts as "") trimmed of white space (space, tab, CR, LF, FF, VT); tabs made spaces;
 * a line break (CR LF, LF or a lone CR) made a space in a one-line text (multiline 0), LF in a
 * multi-line one; then at most `max` characters (code points). TEXT_OK with *out a copy in the
 * arena; TEXT_BAD or TEXT_LONG with *out "".
 */
int text_clean(struct arena *a, const char *in, int multiline, size_t max, const char **out);

#endif
