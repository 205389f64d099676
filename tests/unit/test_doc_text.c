/*
 * test_doc_text.c: the documents' files' text (features/doc_text.c): a PDF's own text comes out
 * with its tones; a scan (a PNG at 300 dpi, and a PDF made of that image only) is recognised
 * by Tesseract well enough to be found by its folded words; a broken file fails after its
 * retries with a reason; a file asked for twice is read once; two workers on one database
 * never take the same file; the thread reads what is asked for and gives a file back when
 * stopped. Runs on SQLite, or on PostgreSQL with MOTCUA_TEST_BACKEND=pg (tests/run.sh runs it
 * both ways). The "scan" is a page drawn with cairo/pango (features/pdf.h) rasterised at 300
 * dpi: no text layer, only pixels.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include <cmocka.h>
#include "core/arena.h"
#include "core/buf.h"
#include "core/timefmt.h"
#include "features/doc_text.h"
#include "features/files.h"
#include "features/pdf.h"
#include "store/db.h"
#include "store/migrate.h"
#include "testdb.h"
#include "core/banned.h"

#define NOW ((int64_t)1795000000) /* Wed, 18 Nov 2026 18:06:40 +0700 */

#define NATION	"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
#define MOTTO	"Độc lập - Tự do - Hạnh phúc"
#define SUBJECT "Về việc tăng cường công tác phòng cháy, chữa cháy trên địa bàn quận Thanh Xuân"
#define SENTENCE                                                                                                               \
	"Ủy ban nhân dân quận đề nghị các phòng, ban chuyên môn và Ủy ban nhân dân các phường khẩn " \
	"trương rà soát, báo cáo kết quả thực hiện nhiệm vụ trong quý IV năm 2026."
#define PDF_MIME "application/pdf"

struct fixture {
	char dir[64];
	char url[320];
	char data[128];
	int pg;
	struct db *db;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char *err = NULL;
	int applied = 0;

	if (!fx)
		return -1;
	*state = fx;
	if (testdb_fresh("doc_text", fx->dir, fx->url, sizeof(fx->url), &fx->pg))
		return -1;
	snprintf(fx->data, sizeof(fx->data), "%s/data", fx->dir);
	fx->db = db_open(fx->url, &err);
	if (!fx->db || migrate_run(fx->db, &applied, &err)) {
		fprintf(stderr, "# %s\n", err ? err : "cannot open the database");
		free(err);
		return -1;
	}
	return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	if (!fx)
		return 0;
	db_close(fx->db);
	/* the stored files (testdb_remove takes the folder's own files only) */
	nftw(fx->data, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	testdb_remove(fx->dir, fx->url, fx->pg);
	free(fx);
	return 0;
}

/* ---- files ---- */

/* A letter-like page with a text layer: the national heading, a subject and `paras` paragraphs. */
static void letter_pdf(struct buf *out, const char *extra, int paras)
{
	struct pdf p;
	assert_int_equal(
		pdf_open(&p, out, PDF_A4_W, PDF_A4_H, 20 * PDF_MM, 20 * PDF_MM, 20 * PDF_MM, 30 * PDF_MM), 0);
	pdf_para(&p, 0, NATION, 13, PDF_BOLD | PDF_CENTER);
	pdf_para(&p, 0, MOTTO, 13, PDF_BOLD | PDF_CENTER);
	p.y += 18;
	pdf_para(&p, 0, SUBJECT, 13, PDF_CENTER);
	p.y += 12;
	if (extra)
		pdf_para(&p, 0, extra, 13, 0);
	for (int i = 0; i < paras; i++) {
		pdf_para(&p, 0, SENTENCE, 13, PDF_JUSTIFY);
		p.y += 6;
	}
	assert_int_equal(pdf_close(&p), 0);
}

/* Store bytes as a file of the data folder; its SHA-256 into sha. */
static void store(struct fixture *fx, const void *data, size_t len, char sha[65])
{
	assert_int_equal(files_store_bytes(fx->data, data, len, sha), 0);
}

/* Ask for the text of `sha` in a transaction of its own, as a registration would. */
static void request(struct fixture *fx, const char *sha, const char *mime, int64_t now)
{
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(doc_text_request(fx->db, sha, mime, now), 0);
	assert_int_equal(db_commit(fx->db), 0);
}

/*
 * The scan of a page: the letter (with `paras` paragraphs) drawn as PDF, rasterised at 300
 * dpi in grey by poppler into `png` (a path), pixels only.
 */
static void scan_png(struct fixture *fx, int paras, const char *png)
{
	struct buf pdf = BUF_INIT;
	char src[160], cmd[512], root[160];
	FILE *f;

	letter_pdf(&pdf, NULL, paras);
	snprintf(src, sizeof(src), "%s/letter.pdf", fx->dir);
	f = fopen(src, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(pdf.ptr, 1, pdf.len, f), pdf.len);
	assert_int_equal(fclose(f), 0);
	buf_release(&pdf);
	snprintf(root, sizeof(root), "%.*s", (int)(strlen(png) - 4), png);
	snprintf(cmd, sizeof(cmd), "pdftoppm -r 300 -gray -png -singlefile -f 1 -l 1 '%s' '%s'", src, root);
	assert_int_equal(system(cmd), 0);
	unlink(src);
}

/* A PDF of `pages` pages, each the image `png` over a whole A4 page: a scanner's PDF, no text. */
static void image_pdf(const char *png, int pages, struct buf *out);

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int len)
{
	return buf_add(closure, data, len) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

static void image_pdf(const char *png, int pages, struct buf *out)
{
	cairo_surface_t *img = cairo_image_surface_create_from_png(png);
	cairo_surface_t *s;
	cairo_t *cr;

	assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
	s = cairo_pdf_surface_create_for_stream(write_buf, out, PDF_A4_W, PDF_A4_H);
	cr = cairo_create(s);
	for (int i = 0; i < pages; i++) {
		cairo_save(cr);
		cairo_scale(cr, 72.0 / 300, 72.0 / 300);
		cairo_set_source_surface(cr, img, 0, 0);
		cairo_paint(cr);
		cairo_restore(cr);
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	cairo_surface_finish(s);
	assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
	cairo_surface_destroy(img);
}

static void read_file_bytes(const char *path, struct buf *out)
{
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(buf_add(out, chunk, n), 0);
	fclose(f);
}

/* ---- the table ---- */

static int64_t scalar(struct db *db, const char *sql, const char *sha)
{
	struct db_stmt *st;
	int64_t v;
	int rc = db_query(db, &st, sql, "s", sha);
	if (rc != DB_ROW)
		fail_msg("\"%s\" gave %d: %s", sql, rc, db_errmsg(db));
	v = db_col_is_null(st, 0) ? -1 : db_col_int(st, 0);
	while ((rc = db_step(st)) == DB_ROW)
		;
	assert_int_equal(rc, DB_DONE);
	return v;
}

/* A text column of the row of `sha` (malloc'd, "" for NULL). */
static char *column(struct db *db, const char *col, const char *sha)
{
	char sql[128];
	struct db_stmt *st;
	char *v;
	int rc;
	snprintf(sql, sizeof(sql), "SELECT %s FROM doc_texts WHERE sha = ?", col);
	rc = db_query(db, &st, sql, "s", sha);
	assert_int_equal(rc, DB_ROW);
	v = strdup(db_col_is_null(st, 0) ? "" : db_col_text(st, 0));
	while ((rc = db_step(st)) == DB_ROW)
		;
	return v;
}

static void expect_folded_has(struct db *db, const char *sha, const char *words)
{
	char *f = column(db, "folded", sha);
	if (!strstr(f, words))
		fail_msg("\"%s\" is not in the folded text: \"%.600s\"", words, f);
	free(f);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ---- tests ---- */

/* A PDF with a text layer gives that text, tones and all, and its folded form; method "pdf". */
static void pdf_text_layer(void **state)
{
	struct fixture *fx = *state;
	struct buf pdf = BUF_INIT;
	struct arena a = ARENA_INIT;
	const char *text, *method;
	char sha[65];
	int st;

	letter_pdf(&pdf, "Kính gửi: Ủy ban nhân dân phường Nhân Chính", 2);
	store(fx, pdf.ptr, pdf.len, sha);
	buf_release(&pdf);
	request(fx, sha, PDF_MIME, NOW);

	assert_int_equal(doc_text_get(fx->db, &a, sha, &st, &text, &method), 0);
	assert_int_equal(st, DOC_TEXT_PENDING);
	assert_null(text);

	assert_int_equal(doc_text_run_one(fx->db, fx->data, NOW), 1);
	assert_int_equal(doc_text_get(fx->db, &a, sha, &st, &text, &method), 0);
	assert_int_equal(st, DOC_TEXT_DONE);
	assert_string_equal(method, "pdf");
	assert_non_null(strstr(text, NATION));
	assert_non_null(strstr(text, "Kính gửi: Ủy ban nhân dân phường Nhân Chính"));
	assert_non_null(strstr(text, "tăng cường công tác phòng cháy, chữa cháy"));
	expect_folded_has(fx->db, sha, "cong hoa xa hoi chu nghia viet nam doc lap tu do hanh phuc");
	expect_folded_has(fx->db, sha, "kinh gui uy ban nhan dan phuong nhan chinh");
	assert_int_equal(scalar(fx->db, "SELECT attempts FROM doc_texts WHERE sha = ?", sha), 1);
	assert_int_equal(scalar(fx->db, "SELECT done_at FROM doc_texts WHERE sha = ?", sha), NOW);
	/* nothing left */
	assert_int_equal(doc_text_run_one(fx->db, fx->data, NOW), 0);
	arena_release(&a);
}

/* A scanned page as PNG, and as a PDF of that image only, are read by Tesseract (method "ocr"). */
static void scans_are_recognised(void **state)
{
	struct fixture *fx = *state;
	struct buf bytes = BUF_INIT, pdf = BUF_INIT;
	struct arena a = ARENA_INIT;
	struct timespec t0;
	const char *text, *method;
	char png[160], sha_png[65], sha_pdf[65];
	double took;
	int st;

	snprintf(png, sizeof(png), "%s/scan.png", fx->dir);
	scan_png(fx, 1, png);
	read_file_bytes(png, &bytes);
	store(fx, bytes.ptr, bytes.len, sha_png);
	request(fx, sha_png, "image/png", NOW);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(doc_text_run_one(fx->db, fx->data, NOW), 1);
	took = seconds_since(&t0);
	assert_int_equal(doc_text_get(fx->db, &a, sha_png, &st, &text, &method), 0);
	assert_int_equal(st, DOC_TEXT_DONE);
	assert_string_equal(method, "ocr");
	/* Tesseract ends its page with a form feed: kept as a line break, not as a control character */
	assert_null(strchr(text, '\f'));
	print_message("# OCR of a PNG scan (A4, 300 dpi, heading and one paragraph): %.2f s\n", took);
	expect_folded_has(fx->db, sha_png, "cong hoa xa hoi chu nghia viet nam");
	expect_folded_has(fx->db, sha_png, "phong chay chua chay");

	/* the same page as a scanner's PDF: no text layer, so it is rendered and recognised */
	image_pdf(png, 1, &pdf);
	store(fx, pdf.ptr, pdf.len, sha_pdf);
	request(fx, sha_pdf, PDF_MIME, NOW);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(doc_text_run_one(fx->db, fx->data, NOW), 1);
	took = seconds_since(&t0);
	assert_int_equal(doc_text_get(fx->db, &a, sha_pdf, &st, &text, &method), 0);
	assert_int_equal(st, DOC_TEXT_DONE);
	assert_string_equal(method, "ocr");
	print_message("# OCR of a scanned PDF page (render at 300 dpi + Tesseract): %.2f s\n", took);
	expect_folded_has(fx->db, sha_pdf, "cong hoa xa hoi chu nghia viet nam");
	expect_folded_has(fx->db, sha_pdf, "uy ban nhan dan quan de nghi");
	/* the text keeps its tones as recognised */
	assert_non_null(strstr(text, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));

	buf_release(&bytes);
	buf_release(&pdf);
	unlink(png);
	arena_release(&a);
}

/* How long one full A4 page of text takes to recognise here (the number the report gives). */
static void full_page_timing(void **state)
{
	struct fixture *fx = *state;
	struct buf pdf = BUF_INIT;
	struct arena a = ARENA_INIT;
	struct timespec t0;
	const char *text;
	char png[160], sha[65];
	double took;
	int st;

	snprintf(png, sizeof(png), "%s/full.png", fx->dir);
	scan_png(fx, 11, png); /* the heading and eleven paragraphs: a full page, ~500 words */
	image_pdf(png, 1, &pdf);
	store(fx, pdf.ptr, pdf.len, sha);
	request(fx, sha, PDF_MIME, NOW);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(doc_text_run_one(fx->db, fx->data, NOW), 1);
	took = seconds_since(&t0);
	assert_int_equal(doc_text_get(fx->db, &a, sha, &st, &text, NULL), 0);
	assert_int_equal(st, DOC_TEXT_DONE);
	print_message("# OCR of one full A4 page (%zu bytes of text recognised): %.2f s\n", strlen(text),
		      took);
	expect_folded_has(fx->db, sha, "cong hoa xa hoi chu nghia viet nam");
	/* a page drawn in a day's time would not do in the background either */
	assert_true(took < DOC_TEXT_BUDGET);
	buf_release(&pdf);
	unlink(png);
	arena_release(&a);
}

/* A broken file: retried after the back-off, failed after DOC_TEXT_MAX_ATTEMPTS with the reason. */
static void broken_file_fails(void **state)
{
	struct fixture *fx = *state;
	static const char junk[] = "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nthis is not a PDF\n";
	struct arena a = ARENA_INIT;
	const char *text, *method;
	char sha[65], *err;
	int64_t t = NOW;
	int st;

	store(fx, junk, sizeof(junk) - 1, sha);
	request(fx, sha, PDF_MIME, NOW);
	for (int i = 1; i <= DOC_TEXT_MAX_ATTEMPTS; i++) {
		assert_int_equal(doc_text_run_one(fx->db, fx->data, t), 1);
		assert_int_equal(scalar(fx->db, "SELECT attempts FROM doc_texts WHERE sha = ?", sha), i);
		err = column(fx->db, "error", sha);
		assert_non_null(strstr(err, "pdftotext"));
		free(err);
		if (i < DOC_TEXT_MAX_ATTEMPTS) {
			assert_int_equal(doc_text_get(fx->db, &a, sha, &st, &text, &method), 0);
			assert_int_equal(st, DOC_TEXT_PENDING);
			/* not again before the back-off */
			assert_int_equal(doc_text_run_one(fx->db, fx->data, t), 0);
			assert_true(scalar(fx->db, "SELECT next_at FROM doc_texts WHERE sha = ?", sha) >
				    t + DOC_TEXT_BACKOFF - 1);
			t += 86400;
		}
	}
	assert_int_equal(doc_text_get(fx->db, &a, sha, &st, &text, &method), 0);
	assert_int_equal(st, DOC_TEXT_FAILED);
	assert_null(text);
	err = column(fx->db, "error", sha);
	print_message("# the reason kept: %s\n", err);
	assert_non_null(strstr(err, "pdftotext: exit status"));
	free(err);
	assert_int_equal(scalar(fx->db, "SELECT done_at FROM doc_texts WHERE sha = ?", sha), t);
	/* given up: never tried again */
	assert_int_equal(doc_text_run_one(fx->db, fx->data, t + 30 * 86400), 0);

	/* a stored file that has gone missing fails the same way, with its own reason */
	{
		char gone[65], path[256];
		store(fx, "%PDF-1.4 short-lived", 20, gone);
		request(fx, gone, PDF_MIME, NOW);
		assert_int_equal(files_path(fx->data, gone, path, sizeof(path)), 0);
		assert_int_equal(unlink(path), 0);
		assert_int_equal(doc_text_run_one(fx->db, fx->data, NOW), 1);
		err = column(fx->db, "error", gone);
		assert_non_null(strstr(err, "cannot be read"));
		free(err);
	}
	arena_release(&a);
}

/* The same file asked for twice (two documents, or twice for one) is read once. */
static void same_file_read_once(void **state)
{
	struct fixture *fx = *state;
	struct buf pdf = BUF_INIT;
	char sha[65];

	letter_pdf(&pdf, "Văn bản gửi hai lần", 0);
	store(fx, pdf.ptr, pdf.len, sha);
	buf_release(&pdf);
	request(fx, sha, PDF_MIME, NOW);
	request(fx, sha, PDF_MIME, NOW + 60);
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM doc_texts WHERE sha = ?", sha), 1);
	assert_int_equal(doc_text_run_one(fx->db, fx->data, NOW + 60), 1);
	assert_int_equal(doc_text_run_one(fx->db, fx->data, NOW + 60), 0);
	/* asked for again once done: the text is there, nothing is read again */
	request(fx, sha, PDF_MIME, NOW + 120);
	assert_int_equal(doc_text_run_one(fx->db, fx->data, NOW + 120), 0);
	assert_int_equal(scalar(fx->db, "SELECT attempts FROM doc_texts WHERE sha = ?", sha), 1);
	assert_int_equal(scalar(fx->db, "SELECT requested_at FROM doc_texts WHERE sha = ?", sha), NOW);
	assert_int_equal(scalar(fx->db, "SELECT state FROM doc_texts WHERE sha = ?", sha), DOC_TEXT_DONE);
}

/* doc_text_get: no row, a type nothing is read from, bad input. */
static void states(void **state)
{
	struct fixture *fx = *state;
	struct arena a = ARENA_INIT;
	const char *text = "x", *method = "x";
	char sha[65];
	int st = -1;

	assert_int_equal(doc_text_get(fx->db, &a,
				      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", &st,
				      &text, &method),
			 1);
	assert_null(text);
	assert_null(method);
	store(fx, "PK\3\4 a word file", 17, sha);
	request(fx, sha, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", NOW);
	assert_int_equal(doc_text_get(fx->db, &a, sha, &st, &text, &method), 0);
	assert_int_equal(st, DOC_TEXT_NONE);
	assert_null(text);
	assert_string_equal(method, "");
	/* never worked on */
	assert_int_equal(doc_text_run_one(fx->db, fx->data, NOW + 86400), 0);
	/* a name that is no SHA-256 is refused, nothing written */
	assert_int_equal(db_begin(fx->db), 0);
	assert_true(doc_text_request(fx->db, "../../etc/passwd", PDF_MIME, NOW) < 0);
	assert_true(doc_text_request(fx->db,
				     "ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789",
				     PDF_MIME, NOW) < 0);
	assert_int_equal(db_commit(fx->db), 0);
	assert_int_equal(doc_text_get(fx->db, &a, "../../etc/passwd", &st, &text, &method), 1);
	arena_release(&a);
}

/* ---- two workers ---- */

#define FILES 6

struct worker_arg {
	const char *url, *data;
	int done, err;
};

static void *worker(void *p)
{
	struct worker_arg *w = p;
	char *err = NULL;
	struct db *db = db_open(w->url, &err);
	int rc;
	if (!db) {
		free(err);
		w->err = 1;
		return NULL;
	}
	while ((rc = doc_text_run_one(db, w->data, NOW)) == 1)
		w->done++;
	if (rc < 0)
		w->err = 1;
	db_close(db);
	return NULL;
}

/* Two workers, each with its own connection, share the pending files: every file read once. */
static void two_workers(void **state)
{
	struct fixture *fx = *state;
	struct worker_arg w[2] = { { fx->url, fx->data, 0, 0 }, { fx->url, fx->data, 0, 0 } };
	char sha[FILES][65];
	pthread_t th[2];

	for (int i = 0; i < FILES; i++) {
		struct buf pdf = BUF_INIT;
		char extra[64];
		snprintf(extra, sizeof(extra), "Tệp số %d", i + 1);
		letter_pdf(&pdf, extra, 1);
		store(fx, pdf.ptr, pdf.len, sha[i]);
		buf_release(&pdf);
		request(fx, sha[i], PDF_MIME, NOW);
	}
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, worker, &w[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	print_message("# worker 1 read %d files, worker 2 read %d\n", w[0].done, w[1].done);
	assert_int_equal(w[0].err + w[1].err, 0);
	assert_int_equal(w[0].done + w[1].done, FILES);
	for (int i = 0; i < FILES; i++) {
		char words[32];
		/* a file taken twice would have two attempts counted */
		assert_int_equal(scalar(fx->db, "SELECT attempts FROM doc_texts WHERE sha = ?", sha[i]), 1);
		assert_int_equal(scalar(fx->db, "SELECT state FROM doc_texts WHERE sha = ?", sha[i]),
				 DOC_TEXT_DONE);
		snprintf(words, sizeof(words), "tep so %d", i + 1);
		expect_folded_has(fx->db, sha[i], words);
	}
}

/* ---- the thread ---- */

static int state_of(struct fixture *fx, const char *sha)
{
	struct arena a = ARENA_INIT;
	int st = 0;
	assert_int_equal(doc_text_get(fx->db, &a, sha, &st, NULL, NULL), 0);
	arena_release(&a);
	return st;
}

/* The thread reads a file asked for at once when woken; stopped mid-OCR, it gives the file back. */
static void thread_reads_and_stops(void **state)
{
	struct fixture *fx = *state;
	struct buf pdf = BUF_INIT;
	struct timespec t0;
	char sha[65], png[160], scan[65];
	int64_t now = time(NULL);
	int i;

	letter_pdf(&pdf, "Gửi qua luồng nền", 1);
	store(fx, pdf.ptr, pdf.len, sha);
	buf_release(&pdf);
	assert_int_equal(doc_text_start(fx->url, fx->data), 0);
	request(fx, sha, PDF_MIME, now);
	doc_text_wake();
	for (i = 0; i < 600 && state_of(fx, sha) == DOC_TEXT_PENDING; i++)
		usleep(50 * 1000);
	assert_int_equal(state_of(fx, sha), DOC_TEXT_DONE);
	expect_folded_has(fx->db, sha, "gui qua luong nen");

	/* a two-page scan: seconds of OCR, stopped in the middle */
	snprintf(png, sizeof(png), "%s/stop.png", fx->dir);
	scan_png(fx, 3, png); /* three paragraphs */
	image_pdf(png, 2, &pdf);
	store(fx, pdf.ptr, pdf.len, scan);
	buf_release(&pdf);
	unlink(png);
	request(fx, scan, PDF_MIME, now);
	doc_text_wake();
	for (i = 0; i < 400 && scalar(fx->db, "SELECT attempts FROM doc_texts WHERE sha = ?", scan) == 0; i++)
		usleep(25 * 1000);
	assert_int_equal(scalar(fx->db, "SELECT attempts FROM doc_texts WHERE sha = ?", scan), 1);
	usleep(500 * 1000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	doc_text_stop();
	print_message("# stopped during an OCR in %.2f s\n", seconds_since(&t0));
	assert_true(seconds_since(&t0) < 3.0);
	/* given back as it was: pending, that attempt not counted, due at once */
	assert_int_equal(state_of(fx, scan), DOC_TEXT_PENDING);
	assert_int_equal(scalar(fx->db, "SELECT attempts FROM doc_texts WHERE sha = ?", scan), 0);
	assert_true(scalar(fx->db, "SELECT next_at FROM doc_texts WHERE sha = ?", scan) <= time(NULL));
	/* and the next worker reads it */
	assert_int_equal(doc_text_run_one(fx->db, fx->data, time(NULL)), 1);
	assert_int_equal(state_of(fx, scan), DOC_TEXT_DONE);
	expect_folded_has(fx->db, scan, "cong hoa xa hoi chu nghia viet nam");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(pdf_text_layer, setup, teardown),
		cmocka_unit_test_setup_teardown(scans_are_recognised, setup, teardown),
		cmocka_unit_test_setup_teardown(full_page_timing, setup, teardown),
		cmocka_unit_test_setup_teardown(broken_file_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(same_file_read_once, setup, teardown),
		cmocka_unit_test_setup_teardown(states, setup, teardown),
		cmocka_unit_test_setup_teardown(two_workers, setup, teardown),
		cmocka_unit_test_setup_teardown(thread_reads_and_stops, setup, teardown),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
