/*
 * pdftext.h: a PDF drawn by the code under test, read back as a reader would see it (poppler's
 * pdftotext, pdfinfo and pdftoppm; zbarimg of zbar-tools for a QR code), and the checks the tests
 * of printed documents make on it. Header-only, so that test_dossier_forms.c and test_receipt_pdf.c
 * share it. Every function fails the running cmocka test when a tool cannot be run or its output
 * cannot be read.
 *
 *	struct doc doc = { 0 };
 *	doc_load(&doc, &pdf, "/tmp/motcua-test-XXXXXX");
 *	is_a5(&doc);
 *	has(&doc, "Mã hồ sơ: ...");
 *	words_within(&doc, 0, 0, A5_W, A5_H, 0, 20);
 *	doc_free(&doc);
 */
#ifndef TESTS_UNIT_PDFTEXT_H
#define TESTS_UNIT_PDFTEXT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "core/buf.h"
#include "core/xalloc.h"

#define MM   (72.0 / 25.4) /* points in a millimetre */
#define A5_W 419.53	   /* A5 portrait, 148 × 210 mm, in points */
#define A5_H 595.28

/*
 * Run a shell command and give its standard output (the caller frees it); fails the test on a
 * non-zero exit.
 */
static inline char *run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline char *run(const char *fmt, ...)
{
	struct buf cmd = BUF_INIT, out = BUF_INIT;
	char chunk[8192];
	size_t got;
	va_list ap;
	FILE *f;
	int rc;

	va_start(ap, fmt);
	buf_vaddf(&cmd, fmt, ap);
	va_end(ap);
	f = popen(cmd.ptr, "r");
	assert_non_null(f);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&out, chunk, got);
	rc = pclose(f);
	if (rc != 0)
		fail_msg("\"%s\" exited with %d", cmd.ptr, rc);
	buf_release(&cmd);
	return buf_detach(&out, NULL);
}

/* s with its runs of white space (layout spacing, wrapped lines, page breaks) as one space; the caller frees
 * it. */
static inline char *squeeze(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;
	int space = 0;

	for (; *s; s++) {
		if (strchr(" \t\n\r\f", *s)) {
			space = 1;
			continue;
		}
		if (space && o > out)
			*o++ = ' ';
		space = 0;
		*o++ = *s;
	}
	*o = 0;
	return out;
}

/* Write b to a new file; `path` holds a mkstemp template (…XXXXXX) and is given the file's name. */
static inline void file_save(const struct buf *b, char *path)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, b->ptr, b->len), (ssize_t)b->len);
	assert_int_equal(close(fd), 0);
}

/*
 * A PDF read back: its text as laid out (`text`, pages split by \f), the same squeezed (`flat`:
 * what has/hasnt search), in drawing order squeezed (`raw`: a table cell's wrapped lines follow
 * each other there, for has_cell), its page count and its page size in points.
 */
struct doc {
	char path[320];
	char *text, *flat, *raw;
	int pages;
	double w, h;
};

/*
 * Write `pdf` (it must begin "%PDF-") to a new file made from the mkstemp template `tmpl` and read
 * it into doc; doc_free removes the file.
 */
static inline void doc_load(struct doc *doc, const struct buf *pdf, const char *tmpl)
{
	char *info, *raw;
	const char *p;

	assert_true(pdf->len > 5);
	assert_memory_equal(pdf->ptr, "%PDF-", 5);
	assert_true(strlen(tmpl) < sizeof(doc->path));
	snprintf(doc->path, sizeof(doc->path), "%s", tmpl);
	file_save(pdf, doc->path);
	doc->text = run("pdftotext -layout -enc UTF-8 '%s' -", doc->path);
	doc->flat = squeeze(doc->text);
	raw = run("pdftotext -raw -enc UTF-8 '%s' -", doc->path);
	doc->raw = squeeze(raw);
	free(raw);
	info = run("pdfinfo '%s'", doc->path);
	p = strstr(info, "Pages:");
	assert_non_null(p);
	doc->pages = (int)strtol(p + 6, NULL, 10);
	p = strstr(info, "Page size:");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "Page size: %lf x %lf", &doc->w, &doc->h), 2);
	free(info);
}

/* Remove the file and free the text; doc may be loaded again. */
static inline void doc_free(struct doc *doc)
{
	unlink(doc->path);
	free(doc->text);
	free(doc->flat);
	free(doc->raw);
	doc->text = doc->flat = doc->raw = NULL;
}

#define has(doc, s)                                                                \
	do {                                                                       \
		if (!strstr((doc)->flat, (s)))                                     \
			fail_msg("\"%s\" not in the text:\n%s", (s), (doc)->text); \
	} while (0)
#define hasnt(doc, s)                                                                        \
	do {                                                                                 \
		if (strstr((doc)->flat, (s)))                                                \
			fail_msg("\"%s\" should not be in the text:\n%s", (s), (doc)->text); \
	} while (0)
/* A table cell's whole text, read in drawing order. */
#define has_cell(doc, s)                                                                   \
	do {                                                                               \
		if (!strstr((doc)->raw, (s)))                                              \
			fail_msg("\"%s\" not in the text as drawn:\n%s", (s), (doc)->raw); \
	} while (0)

/* The page is w × h points (`what`, for the message), within half a point. */
static inline void is_page(const struct doc *doc, double w, double h, const char *what)
{
	if (doc->w < w - 0.5 || doc->w > w + 0.5 || doc->h < h - 0.5 || doc->h > h + 0.5)
		fail_msg("page size %.2f x %.2f, not %s", doc->w, doc->h, what);
}

static inline void is_a5(const struct doc *doc)
{
	is_page(doc, A5_W, A5_H, "A5 portrait");
}

/*
 * Every word inside the box (points from the paper's top-left; a point of slack across, two up
 * and down) and at least `min_h` points tall (0: any): none ran out of its box, none is too small
 * to read; and more than `min_words` words, so that the text was read at all.
 */
static inline void words_within(const struct doc *doc, double left, double top, double right, double bottom,
				double min_h, int min_words)
{
	char *html = run("pdftotext -bbox '%s' -", doc->path);
	const char *p = html;
	int words = 0;

	while ((p = strstr(p, "<word "))) {
		double x0, y0, x1, y1;

		if (sscanf(p, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"", &x0, &y0, &x1,
			   &y1) != 4)
			fail_msg("cannot read a word box at %.60s", p);
		if (x0 < left - 1 || y0 < top - 2 || x1 > right + 1 || y1 > bottom + 2)
			fail_msg("a word out of [%.1f %.1f %.1f %.1f]: %.120s", left, top, right, bottom, p);
		if (y1 - y0 < min_h)
			fail_msg("a word smaller than %.1f points: %.120s", min_h, p);
		words++;
		p++;
	}
	if (words <= min_words)
		fail_msg("%d words read, more than %d expected", words, min_words);
	free(html);
}

/* The QR code on page `page`, read back from a 200 dpi image (zbarimg, zbar-tools); the caller frees it. */
static inline char *read_qr(const struct doc *doc, int page)
{
	free(run("pdftoppm -r 200 -png -f %d -l %d -singlefile '%s' '%s'", page, page, doc->path, doc->path));
	return run("zbarimg --quiet --raw '%s.png' 2>/dev/null; rc=$?; rm -f '%s.png'; exit $rc", doc->path,
		   doc->path);
}

#endif
