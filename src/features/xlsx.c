/* xlsx.c: workbooks through a private temporary file (features/xlsx.h). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "features/xlsx.h"
#include "core/banned.h"

lxw_workbook *xlsx_open(const char *prefix, char *path, size_t size)
{
	const char *tmp = getenv("TMPDIR");
	lxw_workbook *wb;
	int fd;
	if (!tmp || !*tmp)
		tmp = "/tmp";
	if ((size_t)snprintf(path, size, "%s/%s-XXXXXX", tmp, prefix) >= size)
		return NULL;
	fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	close(fd);
	if (!(wb = workbook_new(path)))
		unlink(path);
	return wb;
}

int xlsx_finish(lxw_workbook *wb, const char *path, struct buf *out)
{
	FILE *f;
	char chunk[65536];
	size_t n;
	int rc = workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
	if (!rc && (f = fopen(path, "rb"))) {
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_add(out, chunk, n);
		if (ferror(f) || buf_err(out))
			rc = -1;
		fclose(f);
	} else {
		rc = -1;
	}
	unlink(path);
	return rc;
}

void xlsx_abandon(lxw_workbook *wb, const char *path)
{
	if (wb)
		workbook_close(wb);
	unlink(path);
}
