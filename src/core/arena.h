/* arena.h: a bump allocator; everything from one request is freed in one call. */
#ifndef CORE_ARENA_H
#define CORE_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t used; /* bytes handed out, for limits and metrics */
};

#define ARENA_INIT      \
	{               \
		NULL, 0 \
	}

void arena_init(struct arena *a);
/* Free every block; the arena is empty and usable afterwards. */
void arena_release(struct arena *a);
/* Keep the first block, free the rest: cheap reuse between requests. */
void arena_reset(struct arena *a);
/* `n` bytes aligned for any type; aborts when memory runs out. */
void *arena_alloc(struct arena *a, size_t n);
void *arena_calloc(struct arena *a, size_t nmemb, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
