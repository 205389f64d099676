/*
 * xlsx.h: a workbook (libxlsxwriter) made in a private temporary file and read back whole:
 * libxlsxwriter writes only to a named file.
 */
#ifndef MOTCUA_FEATURES_XLSX_H
#define MOTCUA_FEATURES_XLSX_H

#include <stddef.h>
#include <xlsxwriter.h>
#include "core/buf.h"

/* A new workbook in a private file under $TMPDIR (or /tmp) named `prefix`-XXXXXX; its path in path. NULL on
 * error. */
lxw_workbook *xlsx_open(const char *prefix, char *path, size_t size);

/* Close the workbook, append the file to out and remove it. 0 or -1 (the file removed all the same). */
int xlsx_finish(lxw_workbook *wb, const char *path, struct buf *out);

/* Remove an unfinished workbook's file after an error. */
void xlsx_abandon(lxw_workbook *wb, const char *path);

/*
 * The formats of a register's sheet (sổ đăng ký), made in wb: `title` bold 14 pt centred, `sub`
 * italic centred, `head` the bold grey column heads, `cell` and `center` the bordered text cells
 * (every cell a string, so that "01/KH-UBND" and dates stay as written), left and centred.
 */
struct xlsx_register_formats {
	lxw_format *title, *sub, *head, *cell, *center;
};
void xlsx_register_formats(lxw_workbook *wb, struct xlsx_register_formats *f);

/*
 * Print a register's sheet on A4 landscape, one page wide, the column heads (row `head`) repeated
 * on every page and the rows above `first` frozen.
 */
void xlsx_register_print(lxw_worksheet *ws, lxw_row_t head, lxw_row_t first);

/* Keep in *err the first error of a workbook's calls: e unless *err already holds one. */
void xlsx_keep_err(lxw_error *err, lxw_error e);

#endif
