/*
 * t0030-news-images: the articles' images. The district's editor uploads a PNG (as the main image),
 * a JPEG and a WebP, made here, each with its description; their sizes are read from the files;
 * the edit page lists them with the Markdown to copy; the body's Markdown image survives the safe
 * renderer; the published article shows the main image with its description and size. Refused,
 * each with its Vietnamese message and nothing kept (no row, no file): a text file named .png, a
 * file over 5 MB, an image without a description, another unit's editor, a citizen, a form
 * without its CSRF token, an editor once the article is published. /tin-tuc/anh/{sha} serves only
 * articles' images, with their type, cached for a year, 304 on If-None-Match; a leader changes and
 * detaches the main image and the public page follows. Every upload and change is audited.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/timefmt.h"
#include "features/accounts.h"
#include "features/authz.h"
#include "features/files.h"
#include "features/news.h"
#include "harness.h"
#include "rules/news.h"
#include "store/db.h"

#define DEMO_PASSWORD "ThanhXuan-Demo-2026"
#define WARD	      "000.01.15.H26" /* Phường Nhân Chính */
#define BOUNDARY      "----t0030-boundary-VGhhbmggWHXDom4"
#define MP_TYPE	      "Content-Type: multipart/form-data; boundary=" BOUNDARY
#define TITLE	      "Phường Thanh Xuân Trung khai trương tủ sách cộng đồng"
#define SLUG	      "phuong-thanh-xuan-trung-khai-truong-tu-sach-cong-dong"

#define CITIZEN_EMAIL	 "binh.tran@example.com"
#define CITIZEN_PASSWORD "Cau-Giay-Mua-Thu-2026"

#define ALT_PNG	 "Người dân đọc sách tại tủ sách cộng đồng của phường"
#define ALT_JPEG "Toàn cảnh lễ khai trương [ảnh tư liệu]"
#define ALT_WEBP "Biểu trưng của tủ sách"

/* The Vietnamese an editor reads. */
#define MSG_TYPE   "Tệp không phải là ảnh JPEG, PNG hoặc WebP. Chỉ tải lên được các loại ảnh này."
#define MSG_BIG	   "Ảnh lớn hơn 5 MB. Hãy giảm dung lượng ảnh rồi tải lên lại."
#define MSG_ALT	   "Nhập mô tả nội dung ảnh: phần mô tả được đọc cho người không nhìn thấy ảnh."
#define MSG_NOFILE "Chọn tệp ảnh để tải lên."
#define MSG_CSRF   "Biểu mẫu đã hết hạn"

static struct test_server srv;
static struct db *db;
static struct ts_user editor, leader, ward_editor, citizen;
static long long article; /* the editor's article */
static char category[32] = "0";
static int64_t editor_id;
static char png_sha[65], jpeg_sha[65], webp_sha[65];

/* ---- images made here ---- */

static uint32_t crc_table[256];

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	if (!crc_table[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t v = i;
			for (int k = 0; k < 8; k++)
				v = v & 1 ? 0xEDB88320u ^ (v >> 1) : v >> 1;
			crc_table[i] = v;
		}
	for (size_t i = 0; i < n; i++)
		c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
	return c ^ 0xFFFFFFFFu;
}

static void put32(struct buf *b, uint32_t v)
{
	unsigned char x[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8),
			       (unsigned char)v };
	buf_add(b, x, 4);
}

static void png_chunk(struct buf *b, const char *type, const unsigned char *data, size_t n)
{
	size_t at;
	put32(b, (uint32_t)n);
	at = b->len;
	buf_add(b, type, 4);
	buf_add(b, data, n);
	put32(b, crc32_of((const unsigned char *)b->ptr + at, n + 4));
}

/*
 * A w × h RGB PNG (RFC 2083) of one colour with a band of another (`seed` changes the colours,
 * so each call may make a file of its own): zlib with stored blocks, no filter.
 */
static void make_png(struct buf *out, unsigned w, unsigned h, unsigned seed)
{
	struct buf raw, z;
	unsigned char ihdr[13] = { 0 };
	uint32_t a = 1, b2 = 0;
	buf_init(&raw, 64 << 20);
	buf_init(&z, 64 << 20);
	for (unsigned y = 0; y < h; y++) {
		buf_addch(&raw, 0);
		for (unsigned x = 0; x < w; x++) {
			unsigned char px[3] = { (unsigned char)(200 + seed),
						(unsigned char)(y < h / 3 ? 16 : 95),
						(unsigned char)(x < w / 2 ? 46 : 160) };
			buf_add(&raw, px, 3);
		}
	}
	for (size_t i = 0; i < raw.len; i++) { /* Adler-32 */
		a = (a + (unsigned char)raw.ptr[i]) % 65521;
		b2 = (b2 + a) % 65521;
	}
	buf_addch(&z, 0x78);
	buf_addch(&z, 0x01);
	for (size_t off = 0; off < raw.len || off == 0;) {
		size_t n = raw.len - off > 65535 ? 65535 : raw.len - off;
		unsigned char hdr[5] = { (unsigned char)(off + n == raw.len), (unsigned char)n,
					 (unsigned char)(n >> 8), (unsigned char)~n,
					 (unsigned char)(~n >> 8) };
		buf_add(&z, hdr, 5);
		buf_add(&z, raw.ptr + off, n);
		off += n;
		if (off == raw.len)
			break;
	}
	put32(&z, b2 << 16 | a);
	buf_init(out, 64 << 20);
	buf_add(out, "\x89PNG\r\n\x1a\n", 8);
	ihdr[0] = (unsigned char)(w >> 24), ihdr[1] = (unsigned char)(w >> 16),
	ihdr[2] = (unsigned char)(w >> 8), ihdr[3] = (unsigned char)w;
	ihdr[4] = (unsigned char)(h >> 24), ihdr[5] = (unsigned char)(h >> 16),
	ihdr[6] = (unsigned char)(h >> 8), ihdr[7] = (unsigned char)h;
	ihdr[8] = 8; /* bit depth */
	ihdr[9] = 2; /* RGB */
	png_chunk(out, "IHDR", ihdr, sizeof(ihdr));
	png_chunk(out, "IDAT", (const unsigned char *)z.ptr, z.len);
	png_chunk(out, "IEND", NULL, 0);
	buf_release(&raw);
	buf_release(&z);
}

/*
 * A w × h (multiples of 8) grey baseline JPEG (ITU T.81): a JFIF header, one quantisation
 * table, the frame header SOF0, the standard luminance DC Huffman table and an AC table of the
 * end-of-block code alone; every block mid-grey (DC difference 0 "00", then EOB "0").
 */
static void make_jpeg(struct buf *out, unsigned w, unsigned h)
{
	static const unsigned char head[] = {
		0xFF, 0xD8, /* SOI */
		0xFF, 0xE0, 0x00, 0x10, 'J',  'F',  'I',  'F',	0x00,
		0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, /* APP0 JFIF */
	};
	static const unsigned char dht[] = {
		0xFF, 0xC4, 0x00, 0x1F, 0x00, /* DC table 0: the standard luminance one */
		0,    1,    5,	  1,	1,    1, 1, 1, 1, 0,  0,  0,	0,    0,    0,	  0,	0,
		1,    2,    3,	  4,	5,    6, 7, 8, 9, 10, 11, 0xFF, 0xC4, 0x00, 0x14, 0x10, /* AC table 0:
												   EOB only,
												   code "0" */
		1,    0,    0,	  0,	0,    0, 0, 0, 0, 0,  0,  0,	0,    0,    0,	  0,	0x00,
	};
	static const unsigned char sos[] = { 0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00 };
	unsigned char sof[] = { 0xFF,
				0xC0,
				0x00,
				0x0B,
				0x08,
				(unsigned char)(h >> 8),
				(unsigned char)h,
				(unsigned char)(w >> 8),
				(unsigned char)w,
				0x01,
				0x01,
				0x11,
				0x00 };
	size_t bits = (size_t)(w / 8) * (h / 8) * 3;
	buf_init(out, 1 << 20);
	buf_add(out, head, sizeof(head));
	buf_add(out, "\xFF\xDB\x00\x43\x00", 5); /* DQT 0: all ones */
	for (int i = 0; i < 64; i++)
		buf_addch(out, 1);
	buf_add(out, sof, sizeof(sof));
	buf_add(out, dht, sizeof(dht));
	buf_add(out, sos, sizeof(sos));
	for (size_t i = 0; i < bits / 8; i++)
		buf_addch(out, 0);
	if (bits % 8) /* the last byte padded with ones */
		buf_addch(out, (char)(0xFF >> (bits % 8)));
	buf_add(out, "\xFF\xD9", 2); /* EOI */
}

/* A 1 × 1 lossy WebP (RFC 9649): RIFF, a VP8 key frame. */
static const unsigned char webp_1x1[] = {
	0x52, 0x49, 0x46, 0x46, 0x22, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50,
	0x38, 0x20, 0x16, 0x00, 0x00, 0x00, 0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x01, 0x00,
	0x01, 0x00, 0x0e, 0xc0, 0xfe, 0x25, 0xa4, 0x00, 0x03, 0x70, 0x00, 0x00, 0x00, 0x00,
};

static void sha_hex(const void *p, size_t n, char out[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(d, p, n);
	for (size_t i = 0; i < sizeof(d); i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* 1 when the server keeps a file with this content in its data folder. */
static int kept(const void *p, size_t n)
{
	char sha[65], data[400], path[600];
	sha_hex(p, n, sha);
	snprintf(data, sizeof(data), "%s/data", srv.dir);
	assert_int_equal(files_path(data, sha, path, sizeof(path)), 0);
	return access(path, F_OK) == 0;
}

/* ---- requests ---- */

static void expect_in(const struct http_resp *r, const char *text)
{
	if (!r->body.ptr || !strstr(r->body.ptr, text))
		fail_msg("\"%s\" is not in the response (%ld): %.4000s", text, r->status,
			 r->body.ptr ? r->body.ptr : "");
}

static void expect_not_in(const struct http_resp *r, const char *text)
{
	if (r->body.ptr && strstr(r->body.ptr, text))
		fail_msg("\"%s\" is in the response (%ld) and must not be", text, r->status);
}

static long long sql_int(const char *sql, const char *types, int64_t a, int64_t b)
{
	return ts_sql_int(&srv, sql, types, a, b);
}

static long long image_rows(void)
{
	return sql_int("SELECT COUNT(*) FROM news_images", NULL, 0, 0);
}

static long get(const struct ts_user *u, const char *path, struct http_resp *r)
{
	resp_free(r);
	resp_init(r);
	assert_int_equal(ts_as(&srv, u, "GET", path, NULL, r), 0);
	return r->status;
}

static long post_form(const struct ts_user *u, const char *path, char *form, struct http_resp *r)
{
	resp_free(r);
	resp_init(r);
	assert_int_equal(ts_as(&srv, u, "POST", path, form, r), 0);
	free(form);
	return r->status;
}

enum {
	WITH_CSRF = 1 << 0,
	AS_MAIN = 1 << 1
};

/*
 * POST the upload form of article `id` as u (NULL: nobody): the file, the description (NULL: the
 * field left out), the main-image box; without WITH_CSRF neither the field nor the header.
 */
static long upload(const struct ts_user *u, long long id, const char *filename, const char *type,
		   const void *data, size_t len, const char *alt, unsigned flags, struct http_resp *r)
{
	struct buf b;
	char path[64];
	const char *hdrs[4] = { MP_TYPE, NULL, NULL, NULL };
	int k = 1;
	snprintf(path, sizeof(path), "/quan-tri/tin-bai/%lld/anh", id);
	buf_init(&b, 64 << 20);
	if (u && (flags & WITH_CSRF))
		buf_addf(&b, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n",
			 u->csrf);
	if (alt)
		buf_addf(&b, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\n%s\r\n",
			 alt);
	if (flags & AS_MAIN)
		buf_adds(&b, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"main\"\r\n\r\n1\r\n");
	buf_addf(&b,
		 "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"%s\"\r\n"
		 "Content-Type: %s\r\n\r\n",
		 filename, type);
	buf_add(&b, data, len);
	buf_adds(&b, "\r\n--" BOUNDARY "--\r\n");
	if (u)
		hdrs[k++] = u->cookie;
	if (u && (flags & WITH_CSRF))
		hdrs[k++] = u->token;
	resp_free(r);
	resp_init(r);
	assert_int_equal(http_req(&srv, "POST", path, hdrs, b.ptr, b.len, r), 0);
	buf_release(&b);
	return r->status;
}

static long act(const struct ts_user *u, const char *action)
{
	struct http_resp r;
	char path[64];
	long st;
	snprintf(path, sizeof(path), "/quan-tri/tin-bai/%lld/trang-thai", article);
	resp_init(&r);
	st = post_form(u, path, ts_form(u, "action", action, NULL), &r);
	resp_free(&r);
	return st;
}

/* The article's image row with this file: its id, -1 when none. */
static long long row_of(const char *sha)
{
	struct db_stmt *st;
	long long id = -1;
	if (db_query(db, &st, "SELECT id FROM news_images WHERE article_id = ? AND sha = ?", "is",
		     (int64_t)article, sha) == DB_ROW)
		id = db_col_int(st, 0);
	db_release_statements(db);
	return id;
}

static const char *article_image_sha(char out[80])
{
	struct db_stmt *st;
	out[0] = '\0';
	if (db_query(db, &st, "SELECT image_sha FROM news_articles WHERE id = ?", "i", (int64_t)article) ==
	    DB_ROW)
		snprintf(out, 80, "%s", db_col_text(st, 0));
	db_release_statements(db);
	return out;
}

/* Audit entries of the article with this action. */
static long long audit_rows(const char *action)
{
	struct db_stmt *st;
	char object[40];
	long long n = -1;
	snprintf(object, sizeof(object), "news:%lld", article);
	if (db_query(db, &st, "SELECT COUNT(*) FROM audit_log WHERE action = ? AND object = ?", "ss", action,
		     object) == DB_ROW)
		n = db_col_int(st, 0);
	db_release_statements(db);
	return n;
}

/* ---- setup ---- */

static int setup(void **state)
{
	char *err = NULL;
	int64_t now = time_now_us() / 1000000, gid, cid, ward, mover;
	struct citizen_reg reg = { "Trần Thị Bình", "001085067890", CITIZEN_EMAIL, "", CITIZEN_PASSWORD };
	struct http_resp r;
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (sodium_init() < 0 || ts_init(&srv) || ts_demo(&srv))
		return -1;
	db = db_open(srv.db, &err);
	if (!db) {
		fprintf(stderr, "# %s\n", err);
		free(err);
		return -1;
	}
	ward = ts_unit_id(db, WARD);
	mover = ts_account_id(db, "tuphap.nhanchinh");
	editor_id = ts_account_id(db, "bientap");
	/* the portal's news (what `motcua demo` calls), an editor at a ward, a citizen */
	if (db_begin(db) || news_demo(db, now) || grant_add(db, mover, "editor", ward, 0, "cli", now, &gid) ||
	    account_create_citizen(db, &reg, &cid) || db_commit(db)) {
		fprintf(stderr, "# setup: %s\n", db_errmsg(db));
		return -1;
	}
	if (ts_launch(&srv, NULL, NULL))
		return -1;
	if (ts_login(&srv, "bientap", DEMO_PASSWORD, &editor) != 201 ||
	    ts_login(&srv, "lanhdao", DEMO_PASSWORD, &leader) != 201 ||
	    ts_login(&srv, "tuphap.nhanchinh", DEMO_PASSWORD, &ward_editor) != 201 ||
	    ts_login(&srv, CITIZEN_EMAIL, CITIZEN_PASSWORD, &citizen) != 201)
		return -1;
	/* the editor's draft, in the category of the wards' news */
	{
		struct db_stmt *st;
		char *form;
		long status;
		if (db_query(db, &st, "SELECT id FROM news_categories WHERE slug = ?", "s",
			     "tin-cac-phuong") == DB_ROW)
			snprintf(category, sizeof(category), "%lld", (long long)db_col_int(st, 0));
		db_release_statements(db);
		form = ts_form(&editor, "title", TITLE, "category_id", category, "summary",
			       "Tủ sách đặt tại nhà văn hóa tổ dân phố.", "body", "Nội dung.", "author_unit",
			       "Phòng Văn hóa và Thông tin quận", NULL);
		resp_init(&r);
		status = ts_as(&srv, &editor, "POST", "/quan-tri/tin-bai", form, &r) ? 0 : r.status;
		free(form);
		resp_free(&r);
		if (status != 303)
			return -1;
		if (db_query(db, &st, "SELECT id FROM news_articles WHERE slug = ?", "s", SLUG) == DB_ROW)
			article = db_col_int(st, 0);
		db_release_statements(db);
	}
	return article > 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	db_close(db);
	int rc = ts_stop(&srv);
	curl_global_cleanup();
	return rc;
}

/* ---- the tests ---- */

static long long col_int(const char *col, long long id)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT %s FROM news_images WHERE id = ?", col);
	return sql_int(sql, "i", id, 0);
}

static void edit_path(char *path, size_t n)
{
	snprintf(path, n, "/quan-tri/tin-bai/%lld", article);
}

static void uploads(void **state)
{
	struct http_resp r;
	struct buf png, jpeg;
	char path[64], want[400], loc[200], main_sha[80];
	long long id;
	(void)state;
	resp_init(&r);
	edit_path(path, sizeof(path));
	assert_int_equal(get(&editor, path, &r), 200);
	expect_in(&r, "enctype=\"multipart/form-data\"");
	expect_in(&r, "name=\"alt\"");
	expect_in(&r, "Bài viết chưa có ảnh đại diện.");

	/* a PNG as the main image */
	make_png(&png, 120, 80, 0);
	sha_hex(png.ptr, png.len, png_sha);
	assert_int_equal(upload(&editor, article, "tu-sach.png", "image/png", png.ptr, png.len, ALT_PNG,
				WITH_CSRF | AS_MAIN, &r),
			 303);
	assert_non_null(resp_hdr(&r, "Location", loc, sizeof(loc)));
	assert_non_null(strstr(loc, "msg=image"));
	assert_int_equal(image_rows(), 1);
	id = row_of(png_sha);
	assert_true(id > 0);
	assert_int_equal(
		sql_int("SELECT COUNT(*) FROM news_images WHERE id = ? AND content_type = 'image/png'", "i",
			id, 0),
		1);
	assert_int_equal(col_int("width", id), 120);
	assert_int_equal(col_int("height", id), 80);
	assert_int_equal(col_int("bytes", id), (long long)png.len);
	assert_int_equal(col_int("uploaded_by", id), editor_id);
	assert_string_equal(article_image_sha(main_sha), png_sha);
	assert_true(kept(png.ptr, png.len));

	/* a JPEG for the body, and a WebP */
	make_jpeg(&jpeg, 64, 48);
	sha_hex(jpeg.ptr, jpeg.len, jpeg_sha);
	assert_int_equal(upload(&editor, article, "khai-truong.jpg", "image/jpeg", jpeg.ptr, jpeg.len,
				ALT_JPEG, WITH_CSRF, &r),
			 303);
	id = row_of(jpeg_sha);
	assert_true(id > 0);
	assert_int_equal(
		sql_int("SELECT COUNT(*) FROM news_images WHERE id = ? AND content_type = 'image/jpeg'", "i",
			id, 0),
		1);
	assert_int_equal(col_int("width", id), 64);
	assert_int_equal(col_int("height", id), 48);
	sha_hex(webp_1x1, sizeof(webp_1x1), webp_sha);
	assert_int_equal(upload(&editor, article, "bieu-trung.webp", "image/webp", webp_1x1, sizeof(webp_1x1),
				ALT_WEBP, WITH_CSRF, &r),
			 303);
	id = row_of(webp_sha);
	assert_int_equal(
		sql_int("SELECT COUNT(*) FROM news_images WHERE id = ? AND content_type = 'image/webp'", "i",
			id, 0),
		1);
	assert_int_equal(col_int("width", id), 1);
	assert_int_equal(image_rows(), 3);
	/* the main image did not move */
	assert_string_equal(article_image_sha(main_sha), png_sha);

	/* the edit page lists them with the Markdown to copy, the main one first */
	assert_int_equal(get(&editor, path, &r), 200);
	snprintf(want, sizeof(want), "src=\"/tin-tuc/anh/%s\" alt=\"%s\" width=\"120\" height=\"80\"",
		 png_sha, ALT_PNG);
	expect_in(&r, want);
	snprintf(want, sizeof(want),
		 "value=\"![Toàn cảnh lễ khai trương \\[ảnh tư liệu\\]](/tin-tuc/anh/%s)\"", jpeg_sha);
	expect_in(&r, want);
	expect_in(&r, "Đặt làm ảnh đại diện");
	expect_in(&r, "Bỏ ảnh đại diện khỏi bài viết");
	expect_not_in(&r, "Bài viết chưa có ảnh đại diện.");

	assert_int_equal(audit_rows("news.image.upload"), 3);
	assert_int_equal(audit_rows("news.image.main"), 1);
	buf_release(&png);
	buf_release(&jpeg);
	resp_free(&r);
}

/* A refused upload: the status, the message on the page, no new row, the file not kept. */
static void refused(const struct ts_user *u, const char *name, const char *type, const void *data, size_t len,
		    const char *alt, unsigned flags, long status, const char *msg)
{
	struct http_resp r;
	long long before = image_rows();
	char main_sha[80];
	resp_init(&r);
	if (upload(u, article, name, type, data, len, alt, flags, &r) != status)
		fail_msg("%s: %ld, not %ld: %.2000s", name, r.status, status, r.body.ptr ? r.body.ptr : "");
	if (msg)
		expect_in(&r, msg);
	assert_int_equal(image_rows(), before);
	assert_false(kept(data, len));
	assert_string_equal(article_image_sha(main_sha), png_sha);
	resp_free(&r);
}

static void refusals(void **state)
{
	static const char text[] = "Đây là một tệp văn bản, không phải ảnh.\n";
	static const char pdf[] =
		"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
	struct buf png, big;
	(void)state;
	make_png(&png, 40, 30, 7); /* a file of its own */

	/* by content, not by name or declared type */
	refused(&editor, "anh.png", "image/png", text, sizeof(text) - 1, ALT_PNG, WITH_CSRF, 415, MSG_TYPE);
	refused(&editor, "anh.jpg", "image/jpeg", pdf, sizeof(pdf) - 1, ALT_PNG, WITH_CSRF, 415, MSG_TYPE);
	/* 6 MB (a PNG's start, then padding) */
	buf_init(&big, 64 << 20);
	buf_add(&big, png.ptr, png.len);
	while (big.len < 6 * 1024 * 1024)
		buf_addch(&big, 0);
	refused(&editor, "lon.png", "image/png", big.ptr, big.len, ALT_PNG, WITH_CSRF, 413, MSG_BIG);
	/* no description, or only spaces; no file */
	refused(&editor, "anh.png", "image/png", png.ptr, png.len, NULL, WITH_CSRF, 422, MSG_ALT);
	refused(&editor, "anh.png", "image/png", png.ptr, png.len, "   ", WITH_CSRF, 422, MSG_ALT);
	refused(&editor, "", "application/octet-stream", "", 0, ALT_PNG, WITH_CSRF, 422, MSG_NOFILE);
	/* the page shows the message beside the field, and keeps what was typed */
	{
		struct http_resp r;
		resp_init(&r);
		assert_int_equal(upload(&editor, article, "anh.png", "image/png", text, sizeof(text) - 1,
					"Mô tả đã nhập", WITH_CSRF, &r),
				 415);
		expect_in(&r, "aria-invalid=\"true\" aria-describedby=\"image-error\"");
		expect_in(&r, "<p class=\"field-error\" id=\"image-error\">" MSG_TYPE);
		expect_in(&r, "value=\"Mô tả đã nhập\"");
		resp_free(&r);
	}
	/* not theirs: another unit's editor, a citizen; a form without its token; nobody */
	refused(&ward_editor, "anh.png", "image/png", png.ptr, png.len, ALT_PNG, WITH_CSRF, 403, NULL);
	refused(&citizen, "anh.png", "image/png", png.ptr, png.len, ALT_PNG, WITH_CSRF, 403, NULL);
	refused(&editor, "anh.png", "image/png", png.ptr, png.len, ALT_PNG, 0, 403, MSG_CSRF);
	refused(NULL, "anh.png", "image/png", png.ptr, png.len, ALT_PNG, 0, 303, NULL);
	/* the same for choosing the main image */
	{
		struct http_resp r;
		char path[64], id[32];
		resp_init(&r);
		snprintf(path, sizeof(path), "/quan-tri/tin-bai/%lld/anh", article);
		snprintf(id, sizeof(id), "%lld", row_of(jpeg_sha));
		assert_int_equal(post_form(&ward_editor, path,
					   ts_form(&ward_editor, "do", "main", "image", id, NULL), &r),
				 403);
		assert_int_equal(post_form(&citizen, path, ts_form(&citizen, "do", "detach", NULL), &r), 403);
		resp_free(&r);
	}
	assert_int_equal(audit_rows("news.image.upload"), 3);
	assert_int_equal(audit_rows("news.image.main"), 1);
	buf_release(&png);
	buf_release(&big);
}

static void article_page(void **state)
{
	struct http_resp r;
	char path[64], want[400], body[300];
	char *html;
	(void)state;
	resp_init(&r);
	/* the safe renderer keeps an image at a path of the site, and drops a javascript: one */
	snprintf(body, sizeof(body),
		 "Tủ sách mở cửa hằng ngày.\n\n![Toàn cảnh lễ khai trương](/tin-tuc/anh/%s)\n\n"
		 "![bẫy](javascript:alert(1))\n",
		 jpeg_sha);
	html = news_markdown_html(body);
	snprintf(want, sizeof(want), "<img src=\"/tin-tuc/anh/%s\" alt=\"Toàn cảnh lễ khai trương\"",
		 jpeg_sha);
	assert_non_null(strstr(html, want));
	assert_null(strstr(html, "javascript:"));
	free(html);

	edit_path(path, sizeof(path));
	assert_int_equal(post_form(&editor, path,
				   ts_form(&editor, "title", TITLE, "category_id", category, "summary",
					   "Tủ sách đặt tại nhà văn hóa tổ dân phố.", "body", body,
					   "author_unit", "Phòng Văn hóa và Thông tin quận", NULL),
				   &r),
			 303);
	assert_int_equal(get(&editor, path, &r), 200);
	expect_in(&r, want); /* the preview */
	assert_int_equal(act(&editor, "submit"), 303);
	assert_int_equal(act(&leader, "publish"), 303);
	assert_int_equal(sql_int("SELECT status FROM news_articles WHERE id = ?", "i", article, 0),
			 NEWS_PUBLISHED);

	assert_int_equal(get(NULL, "/tin-tuc/" SLUG, &r), 200);
	snprintf(want, sizeof(want),
		 "<img class=\"news-image\" src=\"/tin-tuc/anh/%s\" alt=\"%s\" width=\"120\" height=\"80\">",
		 png_sha, ALT_PNG);
	expect_in(&r, want);
	snprintf(want, sizeof(want), "<img src=\"/tin-tuc/anh/%s\" alt=\"Toàn cảnh lễ khai trương\"",
		 jpeg_sha);
	expect_in(&r, want);
	expect_not_in(&r, "javascript:");

	/* published: its images change as the article does, by a leader only */
	{
		struct buf png;
		make_png(&png, 40, 30, 11);
		refused(&editor, "them.png", "image/png", png.ptr, png.len, ALT_PNG, WITH_CSRF, 403, NULL);
		buf_release(&png);
	}
	resp_free(&r);
}

static void serving(void **state)
{
	struct http_resp r;
	struct buf png, jpeg;
	char path[128], h[200], inm[120], nothing[65], data[400], scan_sha[65];
	(void)state;
	resp_init(&r);
	make_png(&png, 120, 80, 0);
	make_jpeg(&jpeg, 64, 48);

	snprintf(path, sizeof(path), "/tin-tuc/anh/%s", png_sha);
	assert_int_equal(get(NULL, path, &r), 200);
	assert_int_equal(r.body.len, png.len);
	assert_memory_equal(r.body.ptr, png.ptr, png.len);
	assert_string_equal(resp_hdr(&r, "Content-Type", h, sizeof(h)), "image/png");
	assert_string_equal(resp_hdr(&r, "X-Content-Type-Options", h, sizeof(h)), "nosniff");
	assert_string_equal(resp_hdr(&r, "Cache-Control", h, sizeof(h)),
			    "public, max-age=31536000, immutable");
	assert_non_null(resp_hdr(&r, "ETag", h, sizeof(h)));
	snprintf(inm, sizeof(inm), "\"%s\"", png_sha);
	assert_string_equal(h, inm);
	/* the browser has it: 304, nothing sent */
	snprintf(inm, sizeof(inm), "If-None-Match: \"%s\"", png_sha);
	resp_free(&r);
	resp_init(&r);
	assert_int_equal(http_req(&srv, "GET", path, (const char *const[]){ inm, NULL }, NULL, 0, &r), 0);
	assert_int_equal(r.status, 304);
	assert_int_equal(r.body.len, 0);
	assert_non_null(resp_hdr(&r, "ETag", h, sizeof(h)));
	/* another tag: the image */
	resp_free(&r);
	resp_init(&r);
	assert_int_equal(http_req(&srv, "GET", path, (const char *const[]){ "If-None-Match: \"abc\"", NULL },
				  NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, png.len);

	snprintf(path, sizeof(path), "/tin-tuc/anh/%s", jpeg_sha);
	assert_int_equal(get(NULL, path, &r), 200);
	assert_string_equal(resp_hdr(&r, "Content-Type", h, sizeof(h)), "image/jpeg");
	assert_memory_equal(r.body.ptr, jpeg.ptr, jpeg.len);
	snprintf(path, sizeof(path), "/tin-tuc/anh/%s", webp_sha);
	assert_int_equal(get(NULL, path, &r), 200);
	assert_string_equal(resp_hdr(&r, "Content-Type", h, sizeof(h)), "image/webp");

	/* unknown, malformed */
	sha_hex("", 0, nothing);
	snprintf(path, sizeof(path), "/tin-tuc/anh/%s", nothing);
	assert_int_equal(get(NULL, path, &r), 404);
	expect_in(&r, "Không có ảnh này.");
	snprintf(path, sizeof(path), "/tin-tuc/anh/%s", png_sha);
	for (char *c = path + strlen("/tin-tuc/anh/"); *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	assert_int_equal(get(NULL, path, &r), 404);
	snprintf(path, sizeof(path), "/tin-tuc/anh/%.63s", png_sha);
	assert_int_equal(get(NULL, path, &r), 404);
	snprintf(path, sizeof(path), "/tin-tuc/anh/%sa", png_sha);
	assert_int_equal(get(NULL, path, &r), 404);
	assert_int_equal(get(NULL, "/tin-tuc/anh/%2e%2e", &r), 404);
	/* a file kept in the same folder that is no article's image (a dossier's scan): not served */
	snprintf(data, sizeof(data), "%s/data", srv.dir);
	assert_int_equal(files_store_bytes(data, "scan of a citizen's ID card", 27, scan_sha), 0);
	snprintf(path, sizeof(path), "/tin-tuc/anh/%s", scan_sha);
	assert_int_equal(get(NULL, path, &r), 404);
	buf_release(&png);
	buf_release(&jpeg);
	resp_free(&r);
}

static void main_image(void **state)
{
	struct http_resp r;
	char path[64], id[32], want[400], main_sha[80], loc[200];
	long long rows = image_rows();
	(void)state;
	resp_init(&r);
	snprintf(path, sizeof(path), "/quan-tri/tin-bai/%lld/anh", article);
	snprintf(id, sizeof(id), "%lld", row_of(jpeg_sha));
	/* published: the editor may not, the leader may */
	assert_int_equal(post_form(&editor, path, ts_form(&editor, "do", "main", "image", id, NULL), &r),
			 403);
	assert_string_equal(article_image_sha(main_sha), png_sha);
	/*
	 * Visitors get a page kept for a second unless the news changed: each change below follows a
	 * view that keeps the page, and the view after it must show the change.
	 */
	assert_int_equal(get(NULL, "/tin-tuc/" SLUG, &r), 200);
	assert_int_equal(post_form(&leader, path, ts_form(&leader, "do", "main", "image", id, NULL), &r),
			 303);
	assert_string_equal(article_image_sha(main_sha), jpeg_sha);
	assert_int_equal(audit_rows("news.image.main"), 2);
	assert_int_equal(get(NULL, "/tin-tuc/" SLUG, &r), 200);
	snprintf(want, sizeof(want),
		 "<img class=\"news-image\" src=\"/tin-tuc/anh/%s\" alt=\"%s\" width=\"64\" height=\"48\">",
		 jpeg_sha, ALT_JPEG);
	expect_in(&r, want);
	/* not one of this article's images */
	assert_int_equal(
		post_form(&leader, path, ts_form(&leader, "do", "main", "image", "999999", NULL), &r), 404);
	expect_in(&r, "Bài viết không có ảnh này.");
	assert_string_equal(article_image_sha(main_sha), jpeg_sha);

	/* detached: the article shows none; the image stays, served, its row kept */
	assert_int_equal(get(NULL, "/tin-tuc/" SLUG, &r), 200);
	assert_int_equal(post_form(&leader, path, ts_form(&leader, "do", "detach", NULL), &r), 303);
	assert_string_equal(article_image_sha(main_sha), "");
	assert_int_equal(audit_rows("news.image.detach"), 1);
	assert_int_equal(get(NULL, "/tin-tuc/" SLUG, &r), 200);
	expect_not_in(&r, "class=\"news-image\"");
	assert_int_equal(image_rows(), rows);
	snprintf(want, sizeof(want), "/tin-tuc/anh/%s", png_sha);
	assert_int_equal(get(NULL, want, &r), 200);

	/* the same file again with a better description: the row's description, no new row */
	{
		struct buf jpeg;
		make_jpeg(&jpeg, 64, 48);
		assert_int_equal(upload(&leader, article, "khai-truong.jpg", "image/jpeg", jpeg.ptr, jpeg.len,
					"Lãnh đạo phường cắt băng khai trương tủ sách", WITH_CSRF | AS_MAIN,
					&r),
				 303);
		assert_non_null(resp_hdr(&r, "Location", loc, sizeof(loc)));
		assert_non_null(strstr(loc, "msg=image_alt"));
		buf_release(&jpeg);
	}
	assert_int_equal(image_rows(), rows);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM news_images WHERE id = ? AND alt = "
				 "'Lãnh đạo phường cắt băng khai trương tủ sách'",
				 "i", row_of(jpeg_sha), 0),
			 1);
	assert_string_equal(article_image_sha(main_sha), jpeg_sha);
	assert_int_equal(audit_rows("news.image.alt"), 1);
	assert_int_equal(audit_rows("news.image.main"), 3);
	/* a new description of the main image shows on the page kept for visitors */
	assert_int_equal(get(NULL, "/tin-tuc/" SLUG, &r), 200);
	expect_in(&r, "alt=\"Lãnh đạo phường cắt băng khai trương tủ sách\" width=\"64\"");
	{
		struct buf jpeg;
		make_jpeg(&jpeg, 64, 48);
		assert_int_equal(upload(&leader, article, "khai-truong.jpg", "image/jpeg", jpeg.ptr, jpeg.len,
					"Lãnh đạo phường cắt băng khai trương tủ sách cộng đồng", WITH_CSRF,
					&r),
				 303);
		buf_release(&jpeg);
	}
	assert_int_equal(get(NULL, "/tin-tuc/" SLUG, &r), 200);
	expect_in(&r, "alt=\"Lãnh đạo phường cắt băng khai trương tủ sách cộng đồng\" width=\"64\"");
	assert_int_equal(audit_rows("news.image.alt"), 2);
	assert_int_equal(audit_rows("news.image.upload"), 3);
	resp_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uploads), cmocka_unit_test(refusals),	 cmocka_unit_test(article_page),
		cmocka_unit_test(serving), cmocka_unit_test(main_image),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
