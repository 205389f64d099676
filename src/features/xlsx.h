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

#endif
