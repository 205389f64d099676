/* multipart.h: a streaming multipart/form-data parser that spools files to disk. */
#ifndef HTTP_MULTIPART_H
#define HTTP_MULTIPART_H

#include <stddef.h>
#include "core/arena.h"
#include "http/parse.h"

struct multipart_limits {
	size_t max_field; /* bytes in one text field */
	size_t max_file;  /* bytes in one file */
	size_t max_total; /* bytes in the whole body */
	size_t max_parts; /* number of parts */
};

/* A file part, spooled to `path` (a file this parser created). */
struct upload {
	const char *field;	  /* the form field name */
	const char *filename;	  /* the client's file name, base name only, may be "" */
	const char *content_type; /* as sent, or "application/octet-stream" */
	const char *path;	  /* the spooled file */
	size_t size;
	struct upload *next;
};

enum multipart_err {
	MP_OK = 0,
	MP_ESYNTAX = -1,   /* malformed body or headers */
	MP_ETOOBIG = -2,   /* a limit was passed */
	MP_ETRUNC = -3,	   /* body ended before the closing boundary */
	MP_EIO = -4,	   /* the spool file could not be written */
	MP_EUTF8 = -5,	   /* a text field, or a part header, is not valid UTF-8 text */
	MP_EBOUNDARY = -6, /* Content-Type has no usable boundary */
};

struct multipart;

/*
 * Start parsing a body whose Content-Type header is `content_type`. Files are
 * spooled into `spool_dir` (which must exist). Memory comes from `a`. Returns
 * NULL and sets *err to MP_EBOUNDARY when the header is not
 * multipart/form-data with a valid boundary (1-70 bchars, quoted or not).
 *
 * Limits are exact and a zero limit allows nothing: a text field of
 * max_field bytes passes, one more byte is MP_ETOOBIG. max_total counts every
 * byte fed, preamble and epilogue included. A part's header block is at most
 * 8 KB. A part with a filename parameter (even "") is a file; its filename is
 * reduced to the base name after the last '/' or '\'. Text fields must be
 * UTF-8 without control bytes other than tab, CR and LF (MP_EUTF8).
 */
struct multipart *multipart_new(const char *content_type, const char *spool_dir,
				const struct multipart_limits *lim, struct arena *a, int *err);
/*
 * Feed the next chunk of the body, of any size (a delimiter may straddle
 * chunks). Returns MP_OK or an error; after an error, stop feeding (later
 * calls return the same error). File parts are written to disk as they come.
 */
int multipart_feed(struct multipart *mp, const char *data, size_t len);
/*
 * The body has ended: returns MP_OK when the closing boundary was seen, and
 * hands out the text fields and files (owned by the arena; `fields` is
 * overwritten, not appended to; either pointer may be NULL). Every file was
 * fsync'd and closed when its part ended. On error (MP_ETRUNC when the body
 * stopped early, or the error a feed returned) *fields is empty and *files
 * NULL.
 */
int multipart_finish(struct multipart *mp, struct kvlist *fields, struct upload **files);
/*
 * Close spool files and unlink them unless `keep` is set; `keep` counts only
 * after multipart_finish() returned MP_OK (files the caller was never handed
 * are always removed). A caller that keeps files owns them: move or unlink
 * them. The struct itself is arena memory. NULL is a no-op; a second call too.
 */
void multipart_free(struct multipart *mp, int keep);

const char *multipart_strerror(int err);

#endif
