/* buf.h: a growable byte buffer, never NULL, always NUL-terminated, binary-safe. */
#ifndef CORE_BUF_H
#define CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * A buffer grows up to `max` bytes of content. An append that would pass
 * the limit appends nothing and sets the sticky `toobig` flag; callers do
 * their appends and check buf_err() once at the end (curl's dynbuf).
 * `ptr` always points at a NUL-terminated string, even when empty.
 */
struct buf {
	char *ptr;
	size_t len;
	size_t alloc;
	size_t max;
	int toobig;
};

#define BUF_MAX_DEFAULT ((size_t)64 << 20)
#define BUF_INIT                                    \
	{                                           \
		buf_empty, 0, 0, BUF_MAX_DEFAULT, 0 \
	}

extern char buf_empty[];

/* Initialise an empty buffer that will hold at most `max` bytes. */
void buf_init(struct buf *b, size_t max);
/* Free the memory and leave the buffer empty and usable. */
void buf_release(struct buf *b);
/* Empty the buffer, keeping its memory. Clears the error flag. */
void buf_reset(struct buf *b);
/* Give up ownership of the string: the caller frees it; the buffer is re-initialised. */
char *buf_detach(struct buf *b, size_t *len);

/* Appends: each returns 0, or -1 (and sets toobig) when the limit would be passed. */
int buf_add(struct buf *b, const void *data, size_t len);
int buf_adds(struct buf *b, const char *s);
int buf_addch(struct buf *b, int c);
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap);
/* Make room for `extra` more bytes; -1 past the limit. */
int buf_grow(struct buf *b, size_t extra);
/* Cut the content to `len` bytes (len <= b->len). */
void buf_setlen(struct buf *b, size_t len);

/* Nonzero when an append was refused since the last reset. */
static inline int buf_err(const struct buf *b)
{
	return b->toobig;
}

#endif
