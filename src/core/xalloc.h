/* xalloc.h: allocation that aborts on failure, and overflow-checked size arithmetic. */
#ifndef CORE_XALLOC_H
#define CORE_XALLOC_H

#include <stddef.h>

/* Allocation failure is not recoverable: these print a message and abort. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* a + b, aborting on overflow (git's st_add). */
size_t st_add(size_t a, size_t b);
/* a * b, aborting on overflow (git's st_mult). */
size_t st_mult(size_t a, size_t b);

/* Programmer errors: print file and line and abort. */
#define BUG(msg) bug_at(__FILE__, __LINE__, (msg))
void bug_at(const char *file, int line, const char *msg) __attribute__((noreturn));

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
