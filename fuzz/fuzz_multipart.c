/*
 * fuzz_multipart.c: libFuzzer target for the streaming multipart parser.
 * Input: the first line is the Content-Type header value, the rest the body.
 * The body is parsed twice, in one piece and in chunks whose sizes come from
 * the input, and both runs must agree; spool files must all be removed.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "http/multipart.h"
#include "http/parse.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "core/banned.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char spool[PATH_MAX];

static void spool_remove(void)
{
	if (spool[0])
		rmdir(spool);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* /dev/shm keeps the fsyncs cheap */
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	snprintf(spool, sizeof(spool), "%s/motcua-fuzz-mp-XXXXXX", base);
	if (!mkdtemp(spool))
		abort();
	atexit(spool_remove);
	return 0;
}

static int spool_empty(void)
{
	DIR *d = opendir(spool);
	struct dirent *e;
	int empty = 1;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty;
}

/* Chunk sizes from a xorshift generator seeded by the input. */
static uint32_t next_rand(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static void describe(int rc, const struct kvlist *fields, const struct upload *files, struct buf *out)
{
	const struct kv *kv;
	const struct upload *u;
	char tmp[4096];

	buf_addf(out, "%d\n", rc);
	for (kv = fields->head; kv; kv = kv->next) {
		if (strlen(kv->val) != kv->val_len || !utf8_valid(kv->val, kv->val_len))
			__builtin_trap();
		buf_addf(out, "F%s=%zu:", kv->key, kv->val_len);
		buf_add(out, kv->val, kv->val_len);
	}
	for (u = files; u; u = u->next) {
		size_t got = 0;
		ssize_t n;
		int fd = open(u->path, O_RDONLY | O_CLOEXEC);

		if (fd < 0 || strchr(u->filename, '/') || strchr(u->filename, '\\'))
			__builtin_trap();
		buf_addf(out, "U%s|%s|%s|%zu:", u->field, u->filename, u->content_type, u->size);
		while ((n = read(fd, tmp, sizeof(tmp))) > 0) {
			buf_add(out, tmp, (size_t)n);
			got += (size_t)n;
		}
		close(fd);
		if (n < 0 || got != u->size)
			__builtin_trap();
	}
}

static int parse(struct arena *a, const char *ct, const char *body, size_t len, uint32_t seed,
		 struct buf *out)
{
	static const struct multipart_limits lim = {
		.max_field = 300,
		.max_file = 2000,
		.max_total = 1 << 20,
		.max_parts = 12,
	};
	struct multipart *mp;
	struct kvlist fields;
	struct upload *files = NULL;
	size_t off = 0;
	int rc = MP_OK, fin;

	mp = multipart_new(ct, spool, &lim, a, &rc);
	if (!mp) {
		if (rc != MP_EBOUNDARY)
			__builtin_trap();
		buf_addf(out, "%d\n", rc);
		return rc;
	}
	while (off < len) {
		size_t c = len - off;

		if (seed) {
			uint32_t r = next_rand(&seed);

			c = 1 + r % (r & 0x300 ? 16 : 700);
			if (c > len - off)
				c = len - off;
		}
		rc = multipart_feed(mp, body + off, c);
		if (rc)
			break;
		off += c;
	}
	/* finish reports a feed's error, and says the same when asked again */
	fin = multipart_finish(mp, &fields, &files);
	if ((rc && fin != rc) || multipart_finish(mp, NULL, NULL) != fin)
		__builtin_trap();
	rc = fin;
	if (rc && (fields.n || files))
		__builtin_trap();
	describe(rc, &fields, files, out);
	multipart_free(mp, 0);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = ARENA_INIT;
	struct buf whole = BUF_INIT, chunked = BUF_INIT;
	const char *nl = memchr(data, '\n', size);
	size_t ctlen = nl ? (size_t)(nl - (const char *)data) : size;
	const char *body = nl ? nl + 1 : (const char *)data + size;
	size_t blen = size - (size_t)(body - (const char *)data);
	uint32_t seed = 2166136261u;
	char *ct;
	size_t i;

	for (i = 0; i < size; i++)
		seed = (seed ^ data[i]) * 16777619u;
	if (!seed)
		seed = 1;
	if (ctlen && data[ctlen - 1] == '\r')
		ctlen--;
	ct = arena_strndup(&a, (const char *)data, ctlen);
	parse(&a, ct, body, blen, 0, &whole);
	parse(&a, ct, body, blen, seed, &chunked);
	if (whole.len != chunked.len || memcmp(whole.ptr, chunked.ptr, whole.len))
		__builtin_trap();
	if (!spool_empty())
		__builtin_trap();
	buf_release(&whole);
	buf_release(&chunked);
	arena_release(&a);
	return 0;
}
