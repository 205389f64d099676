/* files.c: uploaded files kept by their content's SHA-256 under DATA/files/ab/<sha>, written durably. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "features/files.h"
#include "core/banned.h"

/* Bytes read from the spooled file at a time. */
#define CHUNK (64 * 1024)

static int sha_valid(const char *sha)
{
	size_t i;
	if (!sha)
		return 0;
	for (i = 0; i < 64; i++)
		if (!((sha[i] >= '0' && sha[i] <= '9') || (sha[i] >= 'a' && sha[i] <= 'f')))
			return 0;
	return sha[64] == '\0';
}

int files_path(const char *data_dir, const char *sha, char *out, size_t n)
{
	int len;
	if (!data_dir || !sha_valid(sha) || !out || !n)
		return -1;
	len = snprintf(out, n, "%s/files/%.2s/%s", data_dir, sha, sha);
	if (len < 0 || (size_t)len >= n) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

static void hex(const unsigned char d[crypto_hash_sha256_BYTES], char sha[65])
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < crypto_hash_sha256_BYTES; i++) {
		sha[2 * i] = digits[d[i] >> 4];
		sha[2 * i + 1] = digits[d[i] & 15];
	}
	sha[64] = '\0';
}

/* mkdir that is content when the folder is there already. */
static int make_dir(const char *path)
{
	struct stat st;
	if (!mkdir(path, 0700))
		return 0;
	if (errno != EEXIST)
		return -1;
	if (stat(path, &st))
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/* fsync a folder, so that a name created or renamed in it survives a crash. */
static int sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc, saved;
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/*
 * The copy is written by `fill` into a temporary file in DATA/files (the same
 * file system as its final place, so the rename is atomic), which hashes
 * what it writes; then it is fsynced, renamed to its name and the folders
 * fsynced. `fill` returns 0 or -1 with errno.
 */
typedef int (*fill_fn)(int fd, crypto_hash_sha256_state *h, void *ctx);

static int store(const char *data_dir, fill_fn fill, void *ctx, char sha[65])
{
	char *top = NULL, *tmp = NULL, *dir = NULL, *dest = NULL;
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state h;
	struct stat st;
	int fd = -1, rc = -1, saved = 0, made = 0;
	size_t n;

	if (!data_dir || !*data_dir || sodium_init() < 0) {
		errno = EINVAL;
		return -1;
	}
	n = strlen(data_dir) + 128;
	top = malloc(n);
	tmp = malloc(n);
	dir = malloc(n);
	dest = malloc(n);
	if (!top || !tmp || !dir || !dest) {
		errno = ENOMEM;
		goto out;
	}
	snprintf(top, n, "%s/files", data_dir);
	snprintf(tmp, n, "%s/tmp-XXXXXX", top);
	if (make_dir(data_dir) || make_dir(top))
		goto out;
	fd = mkstemp(tmp);
	if (fd < 0)
		goto out;
	made = 1;
	crypto_hash_sha256_init(&h);
	if (fill(fd, &h, ctx) || fsync(fd))
		goto out;
	if (close(fd)) {
		fd = -1;
		goto out;
	}
	fd = -1;
	crypto_hash_sha256_final(&h, digest);
	hex(digest, sha);
	snprintf(dir, n, "%s/%.2s", top, sha);
	snprintf(dest, n, "%s/%s", dir, sha);
	if (make_dir(dir))
		goto out;
	if (!stat(dest, &st) && S_ISREG(st.st_mode)) {
		/* the same content is there already: keep it as it is */
		unlink(tmp);
		made = 0;
		rc = 0;
		goto out;
	}
	if (rename(tmp, dest))
		goto out;
	made = 0;
	/* the new name in its folder, and the folder (maybe new) in files/ */
	if (sync_dir(dir) || sync_dir(top))
		goto out;
	rc = 0;
out:
	saved = errno;
	if (fd >= 0)
		close(fd);
	if (made)
		unlink(tmp);
	free(top);
	free(tmp);
	free(dir);
	free(dest);
	if (rc)
		sha[0] = '\0';
	errno = saved;
	return rc;
}

struct copy_ctx {
	int in;
};

static int fill_from_fd(int fd, crypto_hash_sha256_state *h, void *ctx)
{
	struct copy_ctx *c = ctx;
	char *chunk = malloc(CHUNK);
	int rc = -1;
	if (!chunk) {
		errno = ENOMEM;
		return -1;
	}
	for (;;) {
		ssize_t r = read(c->in, chunk, CHUNK);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		if (!r)
			break;
		crypto_hash_sha256_update(h, (const unsigned char *)chunk, (unsigned long long)r);
		if (write_all(fd, chunk, (size_t)r))
			goto out;
	}
	rc = 0;
out:
	free(chunk);
	return rc;
}

int files_store(const char *data_dir, const char *path, char sha[65])
{
	struct copy_ctx c;
	int rc, saved;
	if (!path) {
		errno = EINVAL;
		return -1;
	}
	c.in = open(path, O_RDONLY | O_CLOEXEC);
	if (c.in < 0) {
		sha[0] = '\0';
		return -1;
	}
	rc = store(data_dir, fill_from_fd, &c, sha);
	saved = errno;
	close(c.in);
	errno = saved;
	return rc;
}

struct bytes_ctx {
	const void *data;
	size_t len;
};

static int fill_from_bytes(int fd, crypto_hash_sha256_state *h, void *ctx)
{
	struct bytes_ctx *b = ctx;
	crypto_hash_sha256_update(h, b->data, (unsigned long long)b->len);
	return write_all(fd, b->data, b->len);
}

int files_store_bytes(const char *data_dir, const void *data, size_t len, char sha[65])
{
	struct bytes_ctx b = { data ? data : "", len };
	if (!data && len) {
		errno = EINVAL;
		sha[0] = '\0';
		return -1;
	}
	return store(data_dir, fill_from_bytes, &b, sha);
}
