/* embed.c: lookup in the table of embedded files. */
#include <string.h>
#include "core/embed.h"
#include "core/banned.h"

const struct embed_file *embed_find(const char *name)
{
	unsigned lo = 0, hi = embed_count;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		int c = strcmp(name, embed_files[mid].name);
		if (!c)
			return &embed_files[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}
