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

void xlsx_register_formats(lxw_workbook *wb, struct xlsx_register_formats *f)
{
	f->title = workbook_add_format(wb);
	format_set_bold(f->title);
	format_set_font_size(f->title, 14);
	format_set_align(f->title, LXW_ALIGN_CENTER);
	f->sub = workbook_add_format(wb);
	format_set_italic(f->sub);
	format_set_align(f->sub, LXW_ALIGN_CENTER);
	f->head = workbook_add_format(wb);
	format_set_bold(f->head);
	format_set_text_wrap(f->head);
	format_set_align(f->head, LXW_ALIGN_CENTER);
	format_set_align(f->head, LXW_ALIGN_VERTICAL_CENTER);
	format_set_border(f->head, LXW_BORDER_THIN);
	format_set_bg_color(f->head, 0xE7E6E6);
	f->cell = workbook_add_format(wb);
	format_set_text_wrap(f->cell);
	format_set_align(f->cell, LXW_ALIGN_VERTICAL_TOP);
	format_set_border(f->cell, LXW_BORDER_THIN);
	format_set_num_format(f->cell, "@");
	f->center = workbook_add_format(wb);
	format_set_text_wrap(f->center);
	format_set_align(f->center, LXW_ALIGN_CENTER);
	format_set_align(f->center, LXW_ALIGN_VERTICAL_TOP);
	format_set_border(f->center, LXW_BORDER_THIN);
	format_set_num_format(f->center, "@");
}

void xlsx_register_print(lxw_worksheet *ws, lxw_row_t head, lxw_row_t first)
{
	worksheet_freeze_panes(ws, first, 0);
	worksheet_repeat_rows(ws, head, head);
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_fit_to_pages(ws, 1, 0);
}

void xlsx_keep_err(lxw_error *err, lxw_error e)
{
	if (*err == LXW_NO_ERROR)
		*err = e;
}
