/*
 * fuzz_edxml.c: libFuzzer target for edxml_parse() and edxml_status_parse() (features/edxml.h):
 * any input is either refused with a reason or read into a document that builds again, and
 * what it builds reads back to the same header and files.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/arena.h"
#include "core/buf.h"
#include "features/edxml.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct edxml_doc d, again;
	struct edxml_status st;
	struct edxml_file *files = NULL, *files2 = NULL;
	size_t n = 0, n2 = 0;
	const char *why = NULL;
	struct buf out = BUF_INIT;

	arena_init(&a);
	if (edxml_parse((const char *)data, size, &a, &d, &files, &n, &why)) {
		if (!why || !*why)
			__builtin_trap();
	} else if (!edxml_build(&d, files, n, &out)) {
		/* what was read builds, and reads back the same */
		if (edxml_parse(out.ptr, out.len, &a, &again, &files2, &n2, &why) || n2 != n ||
		    strcmp(d.document_id, again.document_id) || strcmp(d.subject, again.subject))
			__builtin_trap();
		for (size_t i = 0; i < n; i++)
			if (files[i].len != files2[i].len ||
			    memcmp(files[i].data, files2[i].data, files[i].len))
				__builtin_trap();
	}
	why = NULL;
	if (edxml_status_parse((const char *)data, size, &a, &st, &why) && (!why || !*why))
		__builtin_trap();
	buf_release(&out);
	arena_release(&a);
	return 0;
}
