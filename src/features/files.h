/* files.h: uploaded files kept by their content (SHA-256), as DESIGN.md "Storage" says. */
#ifndef FEATURES_FILES_H
#define FEATURES_FILES_H

#include <stddef.h>

/*
 * Keep the file at `path` (an upload spooled by the HTTP layer) in the data
 * directory under its content's SHA-256: DATA/files/ab/abcdef… (64 lowercase
 * hex digits, the first two naming the folder). The copy is written to a
 * temporary name, fsynced, renamed, and the folder fsynced, all before this
 * returns, so that a row referring to it may commit. A file already there
 * (same content) is kept as it is. *sha gets the digest. 0, or -1 with errno.
 */
int files_store(const char *data_dir, const char *path, char sha[65]);

/* The same for bytes in memory (imports, generated files). */
int files_store_bytes(const char *data_dir, const void *data, size_t len, char sha[65]);

/* The path of a kept file into out (n bytes): 0, or -1 when sha is not 64 lowercase hex digits or out is too
 * small. */
int files_path(const char *data_dir, const char *sha, char *out, size_t n);

#endif
