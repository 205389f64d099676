/* uploads.c: what an uploaded document is (by its content, with libmagic) and the name it is kept under. */
#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include "core/utf8.h"
#include "core/xalloc.h"
#include "web/app.h"
#include "core/banned.h"

#define FILE_NAME_MAX 200

/*
 * One libmagic handle per thread (magic_t is not thread-safe, and loading
 * its database costs), closed when the thread ends.
 */
static pthread_key_t magic_key;
static pthread_once_t magic_once = PTHREAD_ONCE_INIT;

static void magic_free(void *cookie)
{
	magic_close(cookie);
}

static void magic_key_make(void)
{
	if (pthread_key_create(&magic_key, magic_free))
		BUG("pthread_key_create failed");
}

static const char *magic_type(const char *path)
{
	magic_t cookie;
	pthread_once(&magic_once, magic_key_make);
	cookie = pthread_getspecific(magic_key);
	if (!cookie) {
		cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
		if (!cookie)
			return NULL;
		if (magic_load(cookie, NULL) || pthread_setspecific(magic_key, cookie)) {
			magic_close(cookie);
			return NULL;
		}
	}
	return magic_file(cookie, path);
}

/* The first bytes, as the formats define them. */
static const char *signature_type(const char *path)
{
	unsigned char b[8];
	ssize_t n = 0, r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	while (n < (ssize_t)sizeof(b) && (r = read(fd, b + n, sizeof(b) - (size_t)n)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		n += r;
	}
	close(fd);
	if (n >= 5 && !memcmp(b, "%PDF-", 5))
		return "application/pdf";
	if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
		return "image/jpeg";
	if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	return NULL;
}

const char *upload_doc_type(const char *path)
{
	const char *sig = signature_type(path), *m;
	if (!sig)
		return NULL;
	/* libmagic, where the system has its database, must agree: the name and declared type never count */
	m = magic_type(path);
	if (m && strcmp(m, sig))
		return NULL;
	return sig;
}

static const char *type_ext(const char *mime)
{
	return !strcmp(mime, "application/pdf") ? "pdf" : !strcmp(mime, "image/png") ? "png" : "jpg";
}

/*
 * The name a file is kept under: the client's base name without control
 * characters (C0, DEL, C1), the bidirectional overrides that disguise an
 * extension, path separators or invalid UTF-8, surrounding spaces removed,
 * at most FILE_NAME_MAX bytes cut between characters; "tep-N.pdf" when
 * nothing is left.
 */
const char *upload_file_name(struct request *req, const char *name, const char *mime, size_t idx)
{
	const char *s = name ? name : "", *end = s + strlen(s);
	char *out = arena_alloc(&req->arena, FILE_NAME_MAX + 1);
	size_t n = 0;
	while (s < end) {
		uint32_t cp;
		int len = utf8_decode(s, (size_t)(end - s), &cp);
		if (len < 0) {
			s++;
			continue;
		}
		if (!(cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == '/' || cp == '\\' ||
		      (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
		      cp == 0x200F || cp == 0xFEFF)) {
			if (n + (size_t)len > FILE_NAME_MAX)
				break;
			memcpy(out + n, s, (size_t)len);
			n += (size_t)len;
		}
		s += len;
	}
	out[n] = '\0';
	while (n && out[n - 1] == ' ')
		out[--n] = '\0';
	while (*out == ' ')
		out++;
	if (!*out)
		return arena_printf(&req->arena, "tep-%zu.%s", idx + 1, type_ext(mime));
	return out;
}

const struct upload *req_upload(const struct request *req, const char *field)
{
	for (const struct upload *u = req->files; u; u = u->next)
		if (!strcmp(u->field, field) && (u->size || *u->filename))
			return u;
	return NULL;
}
