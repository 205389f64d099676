/* buf.c: the growable byte buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "core/xalloc.h"
#include "core/banned.h"

char buf_empty[1];

void buf_init(struct buf *b, size_t max)
{
	b->ptr = buf_empty;
	b->len = 0;
	b->alloc = 0;
	b->max = max ? max : BUF_MAX_DEFAULT;
	b->toobig = 0;
}

void buf_release(struct buf *b)
{
	size_t max = b->max;
	if (b->alloc)
		free(b->ptr);
	buf_init(b, max);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	b->toobig = 0;
	if (b->alloc)
		b->ptr[0] = '\0';
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *s;
	if (!b->alloc)
		s = xcalloc(1, 1);
	else
		s = b->ptr;
	if (len)
		*len = b->len;
	buf_init(b, b->max);
	return s;
}

int buf_grow(struct buf *b, size_t extra)
{
	size_t need;
	if (b->toobig)
		return -1;
	if (extra > b->max || b->len > b->max - extra) {
		b->toobig = 1;
		return -1;
	}
	need = st_add(st_add(b->len, extra), 1);
	if (need <= b->alloc)
		return 0;
	{
		size_t n = b->alloc ? b->alloc : 64;
		while (n < need)
			n = st_mult(n, 2);
		if (!b->alloc) {
			b->ptr = xmalloc(n);
			b->ptr[0] = '\0';
		} else {
			b->ptr = xrealloc(b->ptr, n);
		}
		b->alloc = n;
	}
	return 0;
}

int buf_add(struct buf *b, const void *data, size_t len)
{
	if (buf_grow(b, len) < 0)
		return -1;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addch(struct buf *b, int c)
{
	char ch = (char)c;
	return buf_add(b, &ch, 1);
}

int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	if (b->toobig)
		return -1;
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		BUG("vsnprintf failed");
	if (buf_grow(b, (size_t)n) < 0)
		return -1;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;
	va_start(ap, fmt);
	r = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return r;
}

void buf_setlen(struct buf *b, size_t len)
{
	if (len > b->len)
		BUG("buf_setlen beyond length");
	b->len = len;
	if (b->alloc)
		b->ptr[len] = '\0';
}
