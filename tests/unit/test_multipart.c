/* test_multipart.c: the streaming multipart/form-data parser, fed whole and in pieces. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "http/multipart.h"
#include "http/parse.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/banned.h"

#define B  "----WebKitFormBoundary7MA4YWxkTrZu0gW"
#define CT "multipart/form-data; boundary=" B
#define CD "Content-Disposition: form-data; "

static char spool[PATH_MAX];
static struct arena arena;

static const struct multipart_limits big_limits = {
	.max_field = 1 << 20,
	.max_file = 1 << 20,
	.max_total = 1 << 22,
	.max_parts = 100,
};

/* Files left in the spool folder. */
static int spool_count(void)
{
	DIR *d = opendir(spool);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* Open file descriptors, to see that every spool file was closed. */
static int fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n++;
	closedir(d);
	return n;
}

static int fds_at_start;

static int group_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	int n = snprintf(spool, sizeof(spool), "%s/motcua-mp-XXXXXX", tmp && *tmp ? tmp : "/tmp");

	if (n < 0 || (size_t)n >= sizeof(spool) || !mkdtemp(spool))
		return -1;
	fds_at_start = fd_count();
	return 0;
}

static int group_teardown(void **state)
{
	int left = spool_count(), fds = fd_count();

	if (rmdir(spool) < 0)
		fprintf(stderr, "# spool folder '%s' not removed: %d files left\n", spool, left);
	if (fds != fds_at_start)
		fprintf(stderr, "# %d file descriptors at the start, %d at the end\n", fds_at_start, fds);
	return left || fds != fds_at_start ? -1 : 0;
}

static int setup(void **state)
{
	arena_init(&arena);
	return 0;
}

static int teardown(void **state)
{
	arena_release(&arena);
	return 0;
}

struct run {
	struct multipart *mp;
	int rc;	     /* the first error of new, feed or finish */
	int feed_rc; /* the first error of a feed */
	struct kvlist fields;
	struct upload *files;
};

/*
 * Parse `body` fed in chunks whose sizes cycle through sizes[0..n); with
 * n == 0 the body is fed in one piece. The caller frees r->mp.
 */
static int run_sizes(struct run *r, const char *ct, const char *body, size_t len,
		     const struct multipart_limits *lim, const size_t *sizes, size_t n)
{
	size_t off = 0, k = 0;
	int err = 0;

	memset(r, 0, sizeof(*r));
	r->mp = multipart_new(ct, spool, lim, &arena, &err);
	if (!r->mp) {
		assert_int_not_equal(err, MP_OK);
		r->rc = err;
		return err;
	}
	assert_int_equal(err, MP_OK);
	while (off < len) {
		size_t c = n ? sizes[k++ % n] : len;
		int rc;

		if (c > len - off)
			c = len - off;
		rc = multipart_feed(r->mp, body + off, c);
		if (rc) {
			/* sticky: later calls say the same */
			assert_int_equal(multipart_feed(r->mp, "x", 1), rc);
			r->rc = r->feed_rc = rc;
			assert_int_equal(multipart_finish(r->mp, &r->fields, &r->files), rc);
			assert_null(r->files);
			assert_int_equal(r->fields.n, 0);
			return rc;
		}
		off += c;
	}
	r->rc = multipart_finish(r->mp, &r->fields, &r->files);
	return r->rc;
}

static int run(struct run *r, const char *ct, const char *body, size_t len,
	       const struct multipart_limits *lim, size_t chunk)
{
	return run_sizes(r, ct, body, len, lim, &chunk, chunk ? 1 : 0);
}

static int run_str(struct run *r, const char *body, const struct multipart_limits *lim)
{
	return run(r, CT, body, strlen(body), lim, 0);
}

static void read_file(const char *path, struct buf *out)
{
	char tmp[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	assert_true(fd >= 0);
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		buf_add(out, tmp, (size_t)n);
	assert_int_equal(n, 0);
	close(fd);
}

/* Everything a run produced, as one string to compare runs with. */
static void describe(const struct run *r, struct buf *out)
{
	const struct kv *kv;
	const struct upload *u;

	buf_addf(out, "rc=%d\n", r->rc);
	for (kv = r->fields.head; kv; kv = kv->next) {
		buf_addf(out, "field %s %zu:", kv->key, kv->val_len);
		buf_add(out, kv->val, kv->val_len);
		buf_adds(out, "\n");
	}
	for (u = r->files; u; u = u->next) {
		size_t before;

		buf_addf(out, "file %s|%s|%s|%zu:", u->field, u->filename, u->content_type, u->size);
		before = out->len;
		read_file(u->path, out);
		assert_int_equal(out->len - before, u->size);
		buf_adds(out, "\n");
	}
	assert_false(buf_err(out));
}

/* A form with two text fields and one file whose content looks like delimiters. */
static const char file_data[] = "%PDF-1.4\r\n\r\n--"
				"----WebKit"
				"\r\n-\r\r\n--"
				"----WebKitFormBoundary7MA4YWxkTrZu0gX"
				"\0\xff\xfe\r"
				"\n--"
				"----WebKitFormBoundary7MA4YWxkTrZu0g"
				"\r\n--\r\n"
				"end";
#define FILE_LEN (sizeof(file_data) - 1)

static void build_form(struct buf *b)
{
	buf_adds(b, "--" B "\r\n" CD "name=\"ho_ten\"\r\n"
		    "\r\n"
		    "Nguy\xe1\xbb\x85n Th\xe1\xbb\x8b Minh Khai\r\n"
		    "--" B "\r\n" CD "name=\"ghi_chu\"\r\n"
		    "Content-Type: text/plain; charset=utf-8\r\n"
		    "\r\n"
		    "D\xc3\xb2ng m\xe1\xbb\x99t\r\nD\xc3\xb2ng hai\r\n"
		    "--" B "\r\n" CD "name=\"giay_to\"; filename=\"don xin.pdf\"\r\n"
		    "Content-Type: application/pdf\r\n"
		    "\r\n");
	buf_add(b, file_data, FILE_LEN);
	buf_adds(b, "\r\n--" B "--\r\n");
}

static void test_basic(void **state)
{
	struct buf b = BUF_INIT, content = BUF_INIT;
	struct run r;
	struct upload *u;
	struct stat st;
	char *path;

	build_form(&b);
	assert_int_equal(run(&r, CT, b.ptr, b.len, &big_limits, 0), MP_OK);
	assert_int_equal(r.fields.n, 2);
	assert_string_equal(r.fields.head->key, "ho_ten");
	assert_string_equal(kvlist_get(&r.fields, "ho_ten"), "Nguy\xe1\xbb\x85n Th\xe1\xbb\x8b Minh Khai");
	assert_string_equal(kvlist_get(&r.fields, "ghi_chu"),
			    "D\xc3\xb2ng m\xe1\xbb\x99t\r\nD\xc3\xb2ng hai");
	assert_int_equal(r.fields.tail->val_len, strlen("D\xc3\xb2ng m\xe1\xbb\x99t\r\nD\xc3\xb2ng hai"));

	u = r.files;
	assert_non_null(u);
	assert_null(u->next);
	assert_string_equal(u->field, "giay_to");
	assert_string_equal(u->filename, "don xin.pdf");
	assert_string_equal(u->content_type, "application/pdf");
	assert_int_equal(u->size, FILE_LEN);
	assert_int_equal(strncmp(u->path, spool, strlen(spool)), 0);
	assert_int_equal(stat(u->path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal((size_t)st.st_size, FILE_LEN);
	read_file(u->path, &content);
	assert_int_equal(content.len, FILE_LEN);
	assert_memory_equal(content.ptr, file_data, FILE_LEN);
	assert_int_equal(spool_count(), 1);

	path = strdup(u->path);
	multipart_free(r.mp, 0);
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(spool_count(), 0);
	/* a second free and a NULL free do nothing */
	multipart_free(r.mp, 0);
	multipart_free(NULL, 0);
	free(path);
	buf_release(&content);
	buf_release(&b);
}

static void test_vietnamese(void **state)
{
	static const char *const vals[] = {
		"Th\xe1\xbb\xa7 t\xe1\xbb\xa5\x63 h\xc3\xa0nh ch\xc3\xadnh", /* Thủ tục hành chính */
		("\xc4\x90\xe1\xbb\x8b\x61 ch\xe1\xbb\x89: 12 Tr\xe1\xba\xa7n H\xc6\xb0ng \xc4\x90\xe1\xba\xa1o, "
		 "Q. Ho\xc3\xa0n Ki\xe1\xba\xbfm, H\xc3\xa0 N\xe1\xbb\x99i"),
		"\xe1\xbb\xb0\xe1\xbb\xb2\xe1\xbb\xb4\xe1\xbb\xb6\xe1\xbb\xb8", /* ỰỲỴỶỸ */
		"",
	};
	struct buf b = BUF_INIT;
	struct run r;
	const struct kv *kv;
	size_t i;

	for (i = 0; i < 4; i++)
		buf_addf(&b, "--" B "\r\n" CD "name=\"tr\xc6\xb0\xe1\xbb\x9dng_%zu\"\r\n\r\n%s\r\n", i,
			 vals[i]);
	buf_adds(&b, "--" B "--");
	assert_int_equal(run(&r, CT, b.ptr, b.len, &big_limits, 0), MP_OK);
	assert_int_equal(r.fields.n, 4);
	for (i = 0, kv = r.fields.head; kv; kv = kv->next, i++) {
		char name[32];

		snprintf(name, sizeof(name), "tr\xc6\xb0\xe1\xbb\x9dng_%zu", i);
		assert_string_equal(kv->key, name);
		assert_string_equal(kv->val, vals[i]);
	}
	assert_null(r.files);
	multipart_free(r.mp, 0);
	buf_release(&b);
}

/* Every chunk size from 1 to the body's length gives the same result as one feed. */
static void test_chunk_sizes(void **state)
{
	struct buf b = BUF_INIT, want = BUF_INIT, got = BUF_INIT;
	struct run r;
	size_t chunk;

	build_form(&b);
	assert_int_equal(run(&r, CT, b.ptr, b.len, &big_limits, 0), MP_OK);
	describe(&r, &want);
	multipart_free(r.mp, 0);
	arena_release(&arena);
	for (chunk = 1; chunk <= b.len; chunk++) {
		buf_reset(&got);
		run(&r, CT, b.ptr, b.len, &big_limits, chunk);
		describe(&r, &got);
		if (got.len != want.len || memcmp(got.ptr, want.ptr, got.len))
			fail_msg("chunk size %zu gives:\n%s\nwant:\n%s", chunk, got.ptr, want.ptr);
		multipart_free(r.mp, 0);
		arena_release(&arena);
	}
	assert_int_equal(spool_count(), 0);
	buf_release(&got);
	buf_release(&want);
	buf_release(&b);
}

/* Random cuts, fixed seed so a failure repeats. */
static void test_random_splits(void **state)
{
	struct buf b = BUF_INIT, want = BUF_INIT, got = BUF_INIT;
	struct run r;
	size_t sizes[64];
	int iter;

	srand(7);
	build_form(&b);
	assert_int_equal(run(&r, CT, b.ptr, b.len, &big_limits, 0), MP_OK);
	describe(&r, &want);
	multipart_free(r.mp, 0);
	arena_release(&arena);
	for (iter = 0; iter < 300; iter++) {
		size_t k;

		for (k = 0; k < 64; k++)
			sizes[k] = (size_t)(rand() % (iter % 3 ? 9 : 80)) + 1;
		buf_reset(&got);
		run_sizes(&r, CT, b.ptr, b.len, &big_limits, sizes, 64);
		describe(&r, &got);
		if (got.len != want.len || memcmp(got.ptr, want.ptr, got.len))
			fail_msg("random split %d differs:\n%s", iter, got.ptr);
		multipart_free(r.mp, 0);
		arena_release(&arena);
	}
	assert_int_equal(spool_count(), 0);
	buf_release(&got);
	buf_release(&want);
	buf_release(&b);
}

/* Every proper prefix of the body, up to the closing "--", is MP_ETRUNC. */
static void test_truncated(void **state)
{
	struct buf b = BUF_INIT;
	struct run r;
	size_t end, cut;

	build_form(&b);
	end = b.len - 2; /* the epilogue is the final CRLF */
	for (cut = 0; cut < end; cut++) {
		assert_int_equal(run(&r, CT, b.ptr, cut, &big_limits, cut % 5 + 1), MP_ETRUNC);
		assert_int_equal(r.feed_rc, MP_OK);
		assert_null(r.files);
		assert_int_equal(r.fields.n, 0);
		/* files nobody was handed go, even when asked to keep */
		multipart_free(r.mp, 1);
		assert_int_equal(spool_count(), 0);
		arena_release(&arena);
	}
	for (; cut <= b.len; cut++) {
		assert_int_equal(run(&r, CT, b.ptr, cut, &big_limits, 0), MP_OK);
		multipart_free(r.mp, 0);
	}
	assert_int_equal(run(&r, CT, "", 0, &big_limits, 0), MP_ETRUNC);
	multipart_free(r.mp, 0);
	assert_int_equal(spool_count(), 0);
	buf_release(&b);
}

static void test_boundary(void **state)
{
	static const char *const bad[] = {
		"",
		"multipart/form-data",
		"multipart/form-data;",
		"multipart/form-data; boundary=",
		"multipart/form-data; boundary=\"\"",
		"multipart/form-data; boundary=\"abc",
		"multipart/form-data; boundary=\"abc\\\"",
		"multipart/form-data; boundary=a\"b",
		"multipart/form-data; boundary=\"a\\\"b\"",
		"multipart/form-data; boundary=\"abc \"",
		"multipart/form-data; boundary=abc; boundary=abc",
		"multipart/form-data; boundary=ab\x01",
		"multipart/form-data; boundary=\"ab\x7f\"",
		"multipart/form-data; boundary=a@b",
		"multipart/form-data; boundary=a\xc3\xa0",
		"multipart/form-data; foo=\"boundary=abc\"",
		"multipart/form-data; xboundary=abc",
		"multipart/form-data boundary=abc",
		"multipart/form-data; boundary abc",
		"multipart/mixed; boundary=abc",
		"multipart/form-data-x; boundary=abc",
		"text/plain; boundary=abc",
		"application/x-www-form-urlencoded",
		"boundary=abc",
		/* 71 characters */
		("multipart/form-data; boundary="
		 "12345678901234567890123456789012345678901234567890123456789012345678901"),
	};
	static const char *const good[] = {
		"multipart/form-data; boundary=abc",
		"multipart/form-data;boundary=abc",
		"  Multipart/Form-Data ; BOUNDARY = abc ; charset=utf-8",
		"multipart/form-data; charset=\"utf-8; boundary=x\"; boundary=\"abc\"",
		"multipart/form-data; boundary=\"abc\"",
		"multipart/form-data; bOuNdArY=abc",
		"multipart/form-data; boundary=abc;",
		/* 70 characters */
		("multipart/form-data; boundary="
		 "1234567890123456789012345678901234567890123456789012345678901234567890"),
	};
	struct multipart_limits lim = big_limits;
	const char *body;
	struct run r;
	size_t i;
	int err;

	assert_null(multipart_new(NULL, spool, &lim, &arena, &err));
	assert_int_equal(err, MP_EBOUNDARY);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = 0;
		if (multipart_new(bad[i], spool, &lim, &arena, &err))
			fail_msg("accepted bad Content-Type '%s'", bad[i]);
		assert_int_equal(err, MP_EBOUNDARY);
	}
	/* a missing err pointer is fine */
	assert_null(multipart_new("text/plain", spool, &lim, &arena, NULL));
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct multipart *mp;

		err = -99;
		mp = multipart_new(good[i], spool, &lim, &arena, &err);
		if (!mp)
			fail_msg("refused good Content-Type '%s'", good[i]);
		assert_int_equal(err, MP_OK);
		multipart_free(mp, 0);
	}

	/* quoted boundaries with the characters a token cannot hold */
	body = "--a b:c=d?\r\n" CD "name=x\r\n\r\nv\r\n--a b:c=d?--";
	assert_int_equal(run(&r, "multipart/form-data; boundary=\"a b:c=d?\"", body, strlen(body), &lim, 1),
			 MP_OK);
	assert_string_equal(kvlist_get(&r.fields, "x"), "v");
	multipart_free(r.mp, 0);
	/* the boundary in the body is case-sensitive */
	body = "--abc\r\n" CD "name=x\r\n\r\nv\r\n--abc--";
	assert_int_equal(run(&r, "multipart/form-data; boundary=AbC", body, strlen(body), &lim, 0),
			 MP_ETRUNC);
	multipart_free(r.mp, 0);
}

/* A part whose header block is `pad` bytes longer than the bare minimum. */
static void build_padded(struct buf *b, size_t pad)
{
	buf_reset(b);
	buf_adds(b, "--" B "\r\n" CD "name=\"a\"\r\nX-Pad: ");
	while (pad--)
		buf_addch(b, 'p');
	buf_adds(b, "\r\n\r\nv\r\n--" B "--");
}

static void test_header_too_large(void **state)
{
	/* the block: the two lines, their CRLFs and the empty line's */
	size_t pad = 8192 - strlen(CD "name=\"a\"\r\nX-Pad: ") - 4;
	struct buf b = BUF_INIT;
	struct run r;

	build_padded(&b, pad);
	assert_int_equal(run(&r, CT, b.ptr, b.len, &big_limits, 100), MP_OK);
	assert_string_equal(kvlist_get(&r.fields, "a"), "v");
	multipart_free(r.mp, 0);

	build_padded(&b, pad + 1);
	assert_int_equal(run(&r, CT, b.ptr, b.len, &big_limits, 100), MP_ETOOBIG);
	multipart_free(r.mp, 0);
	build_padded(&b, 100000);
	assert_int_equal(run(&r, CT, b.ptr, b.len, &big_limits, 0), MP_ETOOBIG);
	multipart_free(r.mp, 0);

	/* many short lines count too */
	buf_reset(&b);
	buf_adds(&b, "--" B "\r\n" CD "name=\"a\"\r\n");
	for (pad = 0; pad < 2000; pad++)
		buf_adds(&b, "X: y\r\n");
	buf_adds(&b, "\r\nv\r\n--" B "--");
	assert_int_equal(run(&r, CT, b.ptr, b.len, &big_limits, 0), MP_ETOOBIG);
	multipart_free(r.mp, 0);
	assert_false(buf_err(&b));
	buf_release(&b);
}

static void test_limits(void **state)
{
	struct multipart_limits lim = big_limits;
	struct buf b = BUF_INIT;
	struct run r;

	/* a text field: exactly max_field passes */
	lim.max_field = 5;
	assert_int_equal(run_str(&r, "--" B "\r\n" CD "name=a\r\n\r\n12345\r\n--" B "--", &lim), MP_OK);
	multipart_free(r.mp, 0);
	assert_int_equal(run_str(&r, "--" B "\r\n" CD "name=a\r\n\r\n123456\r\n--" B "--", &lim), MP_ETOOBIG);
	multipart_free(r.mp, 0);
	/* the limit is per field, and a file is not a field */
	assert_int_equal(run_str(&r,
				 "--" B "\r\n" CD "name=a\r\n\r\n12345\r\n--" B "\r\n" CD
				 "name=b\r\n\r\n12345\r\n--" B "\r\n" CD
				 "name=c; filename=f\r\n\r\n1234567890\r\n--" B "--",
				 &lim),
			 MP_OK);
	multipart_free(r.mp, 0);
	lim.max_field = 0;
	assert_int_equal(run_str(&r, "--" B "\r\n" CD "name=a\r\n\r\n\r\n--" B "--", &lim), MP_OK);
	assert_string_equal(kvlist_get(&r.fields, "a"), "");
	multipart_free(r.mp, 0);

	/* a file: exactly max_file passes */
	lim = big_limits;
	lim.max_file = 10;
	assert_int_equal(run_str(&r, "--" B "\r\n" CD "name=f; filename=a\r\n\r\n1234567890\r\n--" B "--",
				 &lim),
			 MP_OK);
	assert_int_equal(r.files->size, 10);
	multipart_free(r.mp, 0);
	assert_int_equal(run_str(&r, "--" B "\r\n" CD "name=f; filename=a\r\n\r\n12345678901\r\n--" B "--",
				 &lim),
			 MP_ETOOBIG);
	assert_int_equal(spool_count(), 1);
	multipart_free(r.mp, 0);
	assert_int_equal(spool_count(), 0);
	/* each file has its own allowance */
	assert_int_equal(run_str(&r,
				 "--" B "\r\n" CD "name=f; filename=a\r\n\r\n1234567890\r\n--" B "\r\n" CD
				 "name=g; filename=b\r\n\r\n1234567890\r\n--" B "--",
				 &lim),
			 MP_OK);
	assert_int_equal(r.files->next->size, 10);
	multipart_free(r.mp, 0);

	/* the whole body, fed in pieces: exactly max_total passes */
	build_form(&b);
	lim = big_limits;
	lim.max_total = b.len;
	assert_int_equal(run(&r, CT, b.ptr, b.len, &lim, 7), MP_OK);
	multipart_free(r.mp, 0);
	lim.max_total = b.len - 1;
	assert_int_equal(run(&r, CT, b.ptr, b.len, &lim, 7), MP_ETOOBIG);
	multipart_free(r.mp, 0);
	/* the epilogue counts */
	buf_adds(&b, "epilogue");
	lim.max_total = b.len - 1;
	assert_int_equal(run(&r, CT, b.ptr, b.len, &lim, 0), MP_ETOOBIG);
	multipart_free(r.mp, 0);

	/* parts: exactly max_parts passes */
	lim = big_limits;
	lim.max_parts = 3;
	assert_int_equal(run(&r, CT, b.ptr, b.len, &lim, 0), MP_OK);
	multipart_free(r.mp, 0);
	lim.max_parts = 2;
	assert_int_equal(run(&r, CT, b.ptr, b.len, &lim, 0), MP_ETOOBIG);
	multipart_free(r.mp, 0);
	lim.max_parts = 0;
	assert_int_equal(run_str(&r, "--" B "--\r\n", &lim), MP_OK);
	assert_int_equal(r.fields.n, 0);
	multipart_free(r.mp, 0);

	assert_int_equal(spool_count(), 0);
	buf_release(&b);
}

/* Upload the same empty file under `disposition` and expect `want` as its file name. */
static void check_filename(const char *disposition, const char *want)
{
	struct buf b = BUF_INIT;
	struct run r;

	buf_addf(&b, "--" B "\r\nContent-Disposition: %s\r\n\r\n\r\n--" B "--", disposition);
	if (run(&r, CT, b.ptr, b.len, &big_limits, 0) != MP_OK)
		fail_msg("'%s' refused: %d", disposition, r.rc);
	assert_non_null(r.files);
	assert_string_equal(r.files->field, "f");
	if (strcmp(r.files->filename, want))
		fail_msg("'%s' gives file name '%s', want '%s'", disposition, r.files->filename, want);
	assert_string_equal(r.files->content_type, "application/octet-stream");
	assert_int_equal(r.files->size, 0);
	multipart_free(r.mp, 0);
	buf_release(&b);
}

static void test_filenames(void **state)
{
	check_filename("form-data; name=\"f\"; filename=\"a.txt\"", "a.txt");
	check_filename("form-data; name=\"f\"; filename=\"C:\\Users\\an\\bao cao.pdf\"", "bao cao.pdf");
	check_filename("form-data; name=\"f\"; filename=\"C:\\\\Users\\\\an\\\\x.pdf\"", "x.pdf");
	check_filename("form-data; name=\"f\"; filename=\"../../etc/passwd\"", "passwd");
	check_filename("form-data; name=\"f\"; filename=\"/tmp/\"", "");
	check_filename("form-data; name=\"f\"; filename=\"..\"", "");
	check_filename("form-data; name=\"f\"; filename=\"a/..\"", "");
	check_filename("form-data; name=\"f\"; filename=\"\"", "");
	check_filename("form-data; name=\"f\"; filename=\"say \\\"hi\\\".txt\"", "say \"hi\".txt");
	check_filename("form-data; name=\"f\"; filename=\"a;b=c.txt\"", "a;b=c.txt");
	check_filename("form-data; name=\"f\"; filename=\"t\xe1\xbb\x87p tin.txt\"",
		       "t\xe1\xbb\x87p tin.txt");
	check_filename("form-data; name=f; filename=plain.txt", "plain.txt");
	check_filename("FORM-DATA ; NAME=\"f\" ; FileName = \"x\" ;", "x");
	check_filename("form-data; filename=\"r.txt\"; name=\"f\"; filename*=UTF-8''y.txt", "r.txt");
	assert_int_equal(spool_count(), 0);
}

static void test_part_content_type(void **state)
{
	struct run r;

	assert_int_equal(run_str(&r,
				 "--" B "\r\n"
				 "content-disposition: form-data; name=\"f\"; filename=\"a.png\"\r\n"
				 "CONTENT-TYPE:image/png \r\n"
				 "X-Other: ignored\r\n"
				 "\r\n\x89PNG\r\n--" B "--",
				 &big_limits),
			 MP_OK);
	assert_string_equal(r.files->content_type, "image/png");
	assert_int_equal(r.files->size, 4);
	multipart_free(r.mp, 0);
}

static void test_preamble_epilogue(void **state)
{
	struct run r;

	assert_int_equal(run_str(&r,
				 "This is the preamble.\r\nIt has --" B "x in it? no: -- and \r\n-\r\n"
				 "--" B "\t \r\n" CD "name=a\r\n\r\n1\r\n"
				 "--" B "  \r\n" CD "name=b\r\n\r\n2\r\n"
				 "--" B "--\r\nEpilogue with --" B "\r\n" CD "name=c\r\n\r\n3\r\n--" B "--",
				 &big_limits),
			 MP_OK);
	assert_int_equal(r.fields.n, 2);
	assert_string_equal(kvlist_get(&r.fields, "a"), "1");
	assert_string_equal(kvlist_get(&r.fields, "b"), "2");
	assert_null(kvlist_get(&r.fields, "c"));
	multipart_free(r.mp, 0);

	/* a body opening with CRLF before the first delimiter */
	assert_int_equal(run_str(&r, "\r\n--" B "\r\n" CD "name=a\r\n\r\n1\r\n--" B "--", &big_limits),
			 MP_OK);
	assert_string_equal(kvlist_get(&r.fields, "a"), "1");
	multipart_free(r.mp, 0);

	/* no parts at all */
	assert_int_equal(run_str(&r, "--" B "--", &big_limits), MP_OK);
	assert_int_equal(r.fields.n, 0);
	assert_null(r.files);
	multipart_free(r.mp, 0);

	/* only a preamble */
	assert_int_equal(run_str(&r, "no delimiter here\r\n--" B, &big_limits), MP_ETRUNC);
	multipart_free(r.mp, 0);
}

static void test_syntax(void **state)
{
	static const char *const bodies[] = {
		/* no Content-Disposition */
		"--" B "\r\nContent-Type: text/plain\r\n\r\nv\r\n--" B "--",
		"--" B "\r\n\r\nv\r\n--" B "--",
		/* no name */
		"--" B "\r\n" CD "filename=\"a\"\r\n\r\nv\r\n--" B "--",
		/* not form-data */
		"--" B "\r\nContent-Disposition: attachment; name=a\r\n\r\nv\r\n--" B "--",
		"--" B "\r\nContent-Disposition: ; name=a\r\n\r\nv\r\n--" B "--",
		/* two of a kind */
		"--" B "\r\n" CD "name=a; name=b\r\n\r\nv\r\n--" B "--",
		"--" B "\r\n" CD "name=a; filename=x; filename=y\r\n\r\nv\r\n--" B "--",
		"--" B "\r\n" CD "name=a\r\n" CD "name=b\r\n\r\nv\r\n--" B "--",
		"--" B "\r\n" CD "name=a\r\nContent-Type: a\r\nContent-Type: b\r\n\r\nv\r\n--" B "--",
		"--" B "\r\n" CD "name=a\r\nContent-Type:\r\n\r\nv\r\n--" B "--",
		/* broken parameters */
		"--" B "\r\n" CD "name=\"a\r\n\r\nv\r\n--" B "--",
		"--" B "\r\n" CD "name=\"a\" x\r\n\r\nv\r\n--" B "--",
		"--" B "\r\n" CD "name\r\n\r\nv\r\n--" B "--",
		"--" B "\r\n" CD "name=\r\n\r\nv\r\n--" B "--",
		"--" B "\r\n" CD "=a\r\n\r\nv\r\n--" B "--",
		"--" B "\r\n" CD "name=a\"b\r\n\r\nv\r\n--" B "--",
		/* broken header lines */
		"--" B "\r\nno colon\r\n\r\nv\r\n--" B "--",
		"--" B "\r\n" CD "name=a\r\n folded\r\n\r\nv\r\n--" B "--",
		"--" B "\r\nContent-Disposition : form-data; name=a\r\n\r\nv\r\n--" B "--",
		"--" B "\r\n" CD "name=a\nX: y\r\n\r\nv\r\n--" B "--",
		"--" B "\r\n" CD "name=a\rX: y\r\n\r\nv\r\n--" B "--",
		"--" B "\r\n" CD "name=a\r\nX: a\x01\r\n\r\nv\r\n--" B "--",
		/* what follows a delimiter */
		"--" B "x\r\n" CD "name=a\r\n\r\nv\r\n--" B "--",
		"--" B "\n" CD "name=a\r\n\r\nv\r\n--" B "--",
		"--" B "\r" CD "name=a\r\n\r\nv\r\n--" B "--",
		"--" B " x\r\n" CD "name=a\r\n\r\nv\r\n--" B "--",
		"--" B "\r\n" CD "name=a\r\n\r\nv\r\n--" B "-x",
		"--" B "\r\n" CD "name=a\r\n\r\nv\r\n--" B "y",
	};
	struct run r;
	size_t i;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		size_t chunk;

		for (chunk = 0; chunk < 4; chunk++) {
			run(&r, CT, bodies[i], strlen(bodies[i]), &big_limits, chunk);
			if (r.rc != MP_ESYNTAX)
				fail_msg("body %zu, chunk %zu: %d, want MP_ESYNTAX", i, chunk, r.rc);
			multipart_free(r.mp, 0);
		}
	}
	assert_int_equal(spool_count(), 0);
}

static void test_utf8(void **state)
{
	static const char *const bodies[] = {
		"--" B "\r\n" CD "name=a\r\n\r\n\xc3\x28\r\n--" B "--",
		"--" B "\r\n" CD "name=a\r\n\r\n\xc0\xaf\r\n--" B "--",
		"--" B "\r\n" CD "name=a\r\n\r\n\xed\xa0\x80\r\n--" B "--",
		"--" B "\r\n" CD "name=a\r\n\r\nab\xc3\r\n--" B "--",
		"--" B "\r\n" CD "name=a\r\n\r\na\x01\r\n--" B "--",
		"--" B "\r\n" CD "name=a\r\n\r\na\x7f\r\n--" B "--",
		"--" B "\r\n" CD "name=\"\xff\"\r\n\r\nv\r\n--" B "--",
		"--" B "\r\n" CD "name=a; filename=\"\xc3\x28.txt\"\r\n\r\nv\r\n--" B "--",
		"--" B "\r\n" CD "name=a\r\nContent-Type: text/\xc3\r\n\r\nv\r\n--" B "--",
	};
	struct run r;
	size_t i;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		run_str(&r, bodies[i], &big_limits);
		if (r.rc != MP_EUTF8)
			fail_msg("body %zu: %d, want MP_EUTF8", i, r.rc);
		multipart_free(r.mp, 0);
	}
	/* a NUL in a text field; binary in a file is fine */
	assert_int_equal(run(&r, CT, "--" B "\r\n" CD "name=a\r\n\r\na\0b\r\n--" B "--",
			     strlen("--" B "\r\n" CD "name=a\r\n\r\na") + 2 + strlen("\r\n--" B "--"),
			     &big_limits, 0),
			 MP_EUTF8);
	multipart_free(r.mp, 0);
	assert_int_equal(run_str(&r, "--" B "\r\n" CD "name=a; filename=b\r\n\r\n\xc3\x28\x01\r\n--" B "--",
				 &big_limits),
			 MP_OK);
	assert_int_equal(r.files->size, 3);
	multipart_free(r.mp, 0);
	/* tab, CR and LF are text */
	assert_int_equal(run_str(&r, "--" B "\r\n" CD "name=a\r\n\r\n\t1\r\n2\n3\r4\r\n--" B "--",
				 &big_limits),
			 MP_OK);
	assert_string_equal(kvlist_get(&r.fields, "a"), "\t1\r\n2\n3\r4");
	multipart_free(r.mp, 0);
	assert_int_equal(spool_count(), 0);
}

static void test_keep(void **state)
{
	struct run r;
	char *path;
	struct stat st;

	assert_int_equal(run_str(&r, "--" B "\r\n" CD "name=a; filename=b\r\n\r\nkept\r\n--" B "--",
				 &big_limits),
			 MP_OK);
	path = strdup(r.files->path);
	multipart_free(r.mp, 1);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 4);
	assert_int_equal(unlink(path), 0);
	free(path);

	/* a file that fails a limit is never kept */
	assert_int_equal(run_str(&r,
				 "--" B "\r\n" CD "name=a; filename=b\r\n\r\nkept\r\n--" B "\r\n" CD
				 "name=c\r\n\r\n\xff\r\n--" B "--",
				 &big_limits),
			 MP_EUTF8);
	assert_int_equal(spool_count(), 1);
	multipart_free(r.mp, 1);
	assert_int_equal(spool_count(), 0);
}

static void test_spool_errors(void **state)
{
	struct multipart *mp;
	int err = 0;
	static const char body[] = "--" B "\r\n" CD "name=a; filename=b\r\n\r\nx\r\n--" B "--";

	/* a spool folder that is not there */
	mp = multipart_new(CT, "/nonexistent/motcua", &big_limits, &arena, &err);
	assert_non_null(mp);
	assert_int_equal(multipart_feed(mp, body, sizeof(body) - 1), MP_EIO);
	assert_int_equal(multipart_finish(mp, NULL, NULL), MP_EIO);
	multipart_free(mp, 0);
	/* text fields do not need it */
	mp = multipart_new(CT, "/nonexistent/motcua", &big_limits, &arena, &err);
	assert_int_equal(multipart_feed(mp, "--" B "--", strlen("--" B "--")), MP_OK);
	assert_int_equal(multipart_finish(mp, NULL, NULL), MP_OK);
	multipart_free(mp, 0);
}

static void test_strerror(void **state)
{
	int e;

	for (e = MP_EBOUNDARY; e <= MP_OK; e++)
		assert_string_not_equal(multipart_strerror(e), multipart_strerror(-100));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vietnamese, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chunk_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_splits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filenames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_part_content_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_preamble_epilogue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syntax, setup, teardown),
		cmocka_unit_test_setup_teardown(test_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spool_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strerror, setup, teardown),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
