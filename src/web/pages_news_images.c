/*
 * pages_news_images.c: the articles' images (issue 8 §1 "uploaded images"): an editor uploads
 * JPEG, PNG or WebP files with their descriptions to an article (POST /quan-tri/tin-bai/{id}/anh),
 * chooses or detaches its main image there, and everyone gets them at /tin-tuc/anh/{sha}.
 */
#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "core/i18n.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "features/files.h"
#include "features/news.h"
#include "rules/news.h"
#include "store/db.h"
#include "web/app.h"
#include "web/news_images.h"
#include "core/banned.h"

#define ADMIN_PATH "/quan-tri/tin-bai"
#define IMAGE_PATH "/tin-tuc/anh/"
/* Bytes of a file's start read to find its type and size: a JPEG's frame header may follow 64 KB of EXIF. */
#define HEAD_MAX (256 * 1024)

/* 1 when s is 64 lowercase hex digits: the form of the SHA-256 every file is kept under. */
static int sha_valid(const char *s)
{
	size_t i;
	if (!s)
		return 0;
	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[64] == '\0';
}

/* ---- serving ---- */

/* 1 when the comma-separated If-None-Match list holds `etag` (weak or strong) or is "*". */
static int etag_matches(const char *inm, const char *etag)
{
	size_t n = strlen(etag);
	while (inm && *inm) {
		while (*inm == ' ' || *inm == ',')
			inm++;
		if (!strncmp(inm, "W/", 2))
			inm += 2;
		if (*inm == '*' ||
		    (!strncmp(inm, etag, n) && (inm[n] == '\0' || inm[n] == ',' || inm[n] == ' ')))
			return 1;
		inm = strchr(inm, ',');
	}
	return 0;
}

/*
 * GET /tin-tuc/anh/{sha}: an image of an article. The address names the content, which never
 * changes under it: cached for a year, its ETag the digest itself. Only files recorded as an
 * article's image are served (never a dossier's scan, kept in the same folder). The images of
 * an article not published (yet, or any more) are served too: the address is a SHA-256 of the
 * file, which nobody guesses, and is only ever shown to the article's editors until then.
 * X-Content-Type-Options: nosniff is on every response (http/server.c); the type served is the
 * one found in the file's content when it was uploaded, so a browser never reads it as a page.
 */
int page_news_image(struct request *req)
{
	struct db *db = db_thread();
	const char *sha = req_param(req, "sha");
	char type[32], path[512];
	const char *etag;
	int rc;

	if (!sha_valid(sha)) {
		resp_error(req, 404, "not_found", _("There is no such image."));
		return 0;
	}
	if (!db || (rc = news_image_served(db, sha, type)) < 0) {
		resp_unavailable(req);
		return 0;
	}
	if (rc || files_path(the_app->cfg.data, sha, path, sizeof(path))) {
		resp_error(req, 404, "not_found", _("There is no such image."));
		return 0;
	}
	etag = arena_printf(&req->arena, "\"%s\"", sha);
	if (etag_matches(req_header(req, "If-None-Match"), etag)) {
		resp_header(req, "ETag", etag);
		resp_header_static(req, "Cache-Control", "public, max-age=31536000, immutable");
		resp_static(req, 304, arena_strdup(&req->arena, type), "", 0);
		return 0;
	}
	buf_reset(&req->out);
	rc = file_read_whole(path, NEWS_IMAGE_BYTES_MAX, &req->out);
	if (rc) {
		int missing = rc < 0 && errno == ENOENT;
		buf_reset(&req->out);
		log_error("event=news_image sha=%s msg=%s", sha, rc > 0 ? "\"too large\"" : strerror(errno));
		resp_error(req, missing ? 404 : 500, missing ? "not_found" : "internal",
			   missing ? _("There is no such image.")
				   : _("Internal server error, please try again later."));
		return 0;
	}
	resp_header(req, "ETag", etag);
	resp_header_static(req, "Cache-Control", "public, max-age=31536000, immutable");
	req->status = 200;
	req->content_type_out = arena_strdup(&req->arena, type);
	return 0;
}

/* ---- what a file is ---- */

/* The type libmagic finds in the file (NULL when it cannot tell: no database on this system). */
static const char *magic_type(const char *path, char *out, size_t n)
{
	/* a handle per upload: uploads are rare and an editor's; loading the database costs milliseconds */
	magic_t cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
	const char *m = NULL;
	if (!cookie)
		return NULL;
	if (!magic_load(cookie, NULL) && (m = magic_file(cookie, path)))
		snprintf(out, n, "%s", m);
	magic_close(cookie);
	return m ? out : NULL;
}

/*
 * The type of an uploaded image by its content: "image/jpeg", "image/png" or
 * "image/webp" when its first bytes are those of the format and libmagic
 * agrees (the name and the type the browser declared never count); NULL for
 * anything else. *w and *h get its size from the header, 0 when not found.
 */
static const char *image_type(struct request *req, const char *path, int *w, int *h)
{
	unsigned char *b = arena_alloc(&req->arena, HEAD_MAX);
	const char *sig = NULL, *m;
	char magic[64];
	ssize_t n = 0, r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*w = *h = 0;
	if (fd < 0)
		return NULL;
	while (n < HEAD_MAX && (r = read(fd, b + n, (size_t)(HEAD_MAX - n))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		n += r;
	}
	close(fd);
	if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
		sig = "image/jpeg";
	else if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8))
		sig = "image/png";
	else if (n >= 16 && !memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WEBPVP8", 7))
		sig = "image/webp";
	if (!sig)
		return NULL;
	m = magic_type(path, magic, sizeof(magic));
	if (m && strcmp(m, sig))
		return NULL;
	if (news_image_size(b, (size_t)n, sig, w, h))
		*w = *h = 0;
	return sig;
}

/* ---- the edit page's part ---- */

/* A description as typed, its white space (line breaks too) made single spaces, trimmed. */
static const char *alt_text(struct request *req, const char *s)
{
	const char *t = input_trim(req, s);
	char *out = arena_alloc(&req->arena, strlen(t) + 1), *o = out;
	for (; *t; t++) {
		if (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n') {
			if (o > out && o[-1] != ' ')
				*o++ = ' ';
		} else {
			*o++ = *t;
		}
	}
	while (o > out && o[-1] == ' ')
		o--;
	*o = '\0';
	return out;
}

/* "![alt](/tin-tuc/anh/sha)", the description's brackets and backslashes escaped for Markdown. */
static const char *snippet(struct request *req, const struct news_image *img)
{
	struct buf b = BUF_INIT;
	const char *out;
	buf_adds(&b, "![");
	for (const char *c = img->alt; *c; c++) {
		if (*c == '[' || *c == ']' || *c == '\\')
			buf_addch(&b, '\\');
		buf_addch(&b, *c);
	}
	buf_adds(&b, "](" IMAGE_PATH);
	buf_adds(&b, img->sha);
	buf_addch(&b, ')');
	out = arena_strdup(&req->arena, b.ptr);
	buf_release(&b);
	return out;
}

static const char *type_label(const char *type)
{
	return !strcmp(type, "image/png") ? "PNG" : !strcmp(type, "image/webp") ? "WebP" : "JPEG";
}

/* An image for the templates: src, alt, and width and height when known. */
static json_t *image_view(struct request *req, const struct news_image *img)
{
	json_t *o = json_pack(
		"{s:o,s:s,s:I,s:s,s:s,s:s,s:s}", "src", json_sprintf(IMAGE_PATH "%s", img->sha), "alt",
		img->alt, "id", (json_int_t)img->id, "type", type_label(img->content_type), "size",
		arena_printf(&req->arena, "%s KB", amount_text(req, (img->bytes + 1023) / 1024)), "snippet",
		snippet(req, img), "sha", img->sha);
	if (img->width > 0 && img->height > 0) {
		json_object_set_new(o, "width", json_integer(img->width));
		json_object_set_new(o, "height", json_integer(img->height));
		json_object_set_new(o, "dims", json_sprintf("%d × %d", img->width, img->height));
	}
	if (img->uploaded_at) {
		char d[16], t[8];
		time_fmt_date_vn(d, sizeof(d), img->uploaded_at);
		time_fmt_time_vn(t, sizeof(t), img->uploaded_at);
		json_object_set_new(o, "uploaded", json_sprintf("%s %s", d, t));
	}
	return o;
}

void news_images_context(struct request *req, struct db *db, const struct news_article *a,
			 const struct news_image_form *f, json_t *ctx)
{
	struct news_image *imgs = NULL;
	size_t n = 0;
	int may = req_can(req, news_edit_permission(a->status), a->unit_id, 0, NULL) == 1;
	json_t *o, *list;

	if (news_images_of(db, &req->arena, a->id, &imgs, &n)) {
		log_error("event=db msg=\"news images not read\" id=%s", req->id);
		return; /* the page without its images: the rest of it still serves */
	}
	o = json_pack("{s:b,s:o,s:s,s:s,s:b}", "may_edit", may, "action",
		      json_sprintf(ADMIN_PATH "/%lld/anh", (long long)a->id), "csrf", req_csrf(req), "alt",
		      f && f->alt ? f->alt : "", "main_checked", f && f->main);
	if (f && f->error) {
		json_object_set_new(
			o, !strcmp(f->field ? f->field : "image", "alt") ? "error_alt" : "error_image",
			json_string(f->error));
	}
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *v = image_view(req, &imgs[i]);
		int is_main = !strcmp(imgs[i].sha, a->image_sha ? a->image_sha : "");
		json_object_set_new(v, "is_main", json_boolean(is_main));
		if (is_main)
			json_object_set_new(o, "main", image_view(req, &imgs[i]));
		json_array_append_new(list, v);
	}
	json_object_set_new(o, "list", list);
	json_object_set_new(o, "has_list", json_boolean(n > 0));
	json_object_set_new(ctx, "images", o);
}

/* ---- uploads and the main image ---- */

/* The route's article, which the account may change (as when editing it): 0, or 1 after answering. */
static int article_load(struct request *req, struct db *db, struct news_article *a)
{
	int rc;
	if (req_staff_only(req))
		return 1;
	if (!db || (rc = news_article_by_id(db, &req->arena, req_param_id(req), a)) < 0) {
		resp_unavailable(req);
		return 1;
	}
	if (rc) {
		resp_error(req, 404, "not_found", _("There is no such article."));
		return 1;
	}
	/* as pages_news_admin.c: an editor while it is not published, a leader once it is */
	if (req_can(req, "news.edit", a->unit_id, 0, NULL) != 1 &&
	    req_require(req, "news.publish", a->unit_id, 0))
		return 1;
	return req_require(req, news_edit_permission(a->status), a->unit_id, 0);
}

static const char *object_name(struct request *req, const struct news_article *a)
{
	return arena_printf(&req->arena, "news:%lld", (long long)a->id);
}

static void refuse(struct request *req, struct db *db, const struct news_article *a, int status,
		   struct news_image_form *f, const char *field, const char *msg)
{
	f->error = msg;
	f->field = field;
	news_edit_page(req, db, a, status, msg, f);
}

static int upload(struct request *req, struct db *db, const struct news_article *a)
{
	const struct upload *file = NULL;
	struct news_image_form f = { 0 };
	struct news_image img = { 0 };
	const char *type = NULL;
	char *sha;
	int64_t id = 0, now = req_now(req);
	int w = 0, h = 0, added = 0, rc;
	int make_main;

	f.alt = alt_text(req, req_form(req, "alt"));
	f.main = req_form(req, "main") && !strcmp(req_form(req, "main"), "1");
	for (const struct upload *u = req->files; u; u = u->next)
		if (!strcmp(u->field, "image") && (u->size || *u->filename)) {
			if (file) {
				refuse(req, db, a, 422, &f, "image", _("Upload one image at a time."));
				return 0;
			}
			file = u;
		}
	if (!file || !file->size) {
		refuse(req, db, a, 422, &f, "image", _("Choose an image file to upload."));
		return 0;
	}
	if (file->size > NEWS_IMAGE_BYTES_MAX) {
		refuse(req, db, a, 413, &f, "image",
		       _("The image is larger than 5 MB. Make it smaller and upload it again."));
		return 0;
	}
	if (!(type = image_type(req, file->path, &w, &h))) {
		refuse(req, db, a, 415, &f, "image",
		       _("The file is not a JPEG, PNG or WebP image. Only these image types can be uploaded."));
		return 0;
	}
	if (!*f.alt) {
		refuse(req, db, a, 422, &f, "alt",
		       _("Describe what the image shows: the description is read to those who cannot see it."));
		return 0;
	}
	if (utf8_chars(f.alt) > NEWS_IMAGE_ALT_MAX) {
		refuse(req, db, a, 422, &f, "alt", _("The description is too long: at most 250 characters."));
		return 0;
	}
	/* the file is on disk, synced, before the row that names it commits (features/files.h) */
	sha = arena_alloc(&req->arena, 65);
	if (files_store(the_app->cfg.data, file->path, sha)) {
		log_error("event=files_store msg=\"news image not kept\" err=\"%s\" id=%s", strerror(errno),
			  req->id);
		resp_unavailable(req);
		return 0;
	}
	img.article_id = a->id;
	img.sha = sha;
	img.content_type = type;
	img.bytes = (int64_t)file->size;
	img.width = w;
	img.height = h;
	img.alt = f.alt;
	img.uploaded_by = req_user(req)->id;
	img.uploaded_at = now;
	make_main = f.main && strcmp(a->image_sha ? a->image_sha : "", sha);
	if (db_begin(db)) {
		resp_unavailable(req);
		return 0;
	}
	rc = news_image_add(db, &img, &id, &added);
	if (!rc)
		rc = req_audit_json(req, db, added ? "news.image.upload" : "news.image.alt",
				    object_name(req, a),
				    json_pack("{s:I,s:s,s:s,s:I,s:i,s:i,s:s}", "image", (json_int_t)id, "sha",
					      sha, "type", type, "bytes", (json_int_t)img.bytes, "width", w,
					      "height", h, "alt", f.alt));
	if (!rc && make_main)
		rc = news_article_set_image(db, a->id, sha, now);
	if (!rc && make_main)
		rc = req_audit_json(req, db, "news.image.main", object_name(req, a),
				    json_pack("{s:I,s:s,s:s,s:s}", "image", (json_int_t)id, "sha", sha,
					      "from", a->image_sha ? a->image_sha : "", "alt", f.alt));
	if (rc || db_commit(db)) {
		db_rollback(db);
		log_error("event=db msg=\"news image not recorded\" rc=%d id=%s", rc, req->id);
		resp_unavailable(req);
		return 0;
	}
	resp_redirect(req, arena_printf(&req->arena, ADMIN_PATH "/%lld?msg=%s", (long long)a->id,
					added ? "image" : "image_alt"));
	return 0;
}

/* Make image `image_id` of the article its main image, or with 0 leave it without one. */
static int set_main(struct request *req, struct db *db, const struct news_article *a, int64_t image_id)
{
	struct news_image img = { 0 };
	const char *sha = "", *old = a->image_sha ? a->image_sha : "";
	int rc;

	if (image_id) {
		rc = news_image_by_id(db, &req->arena, a->id, image_id, &img);
		if (rc < 0) {
			resp_unavailable(req);
			return 0;
		}
		if (rc) {
			resp_error(req, 404, "not_found", _("This article has no such image."));
			return 0;
		}
		sha = img.sha;
	}
	if (!strcmp(sha, old)) /* nothing changes: nothing to write or audit */
		goto done;
	if (db_begin(db)) {
		resp_unavailable(req);
		return 0;
	}
	rc = news_article_set_image(db, a->id, sha, req_now(req));
	if (!rc)
		rc = image_id ? req_audit_json(req, db, "news.image.main", object_name(req, a),
					       json_pack("{s:I,s:s,s:s,s:s}", "image", (json_int_t)img.id,
							 "sha", sha, "from", old, "alt", img.alt))
			      : req_audit_json(req, db, "news.image.detach", object_name(req, a),
					       json_pack("{s:s}", "from", old));
	if (rc || db_commit(db)) {
		db_rollback(db);
		log_error("event=db msg=\"news main image not changed\" rc=%d id=%s", rc, req->id);
		resp_unavailable(req);
		return 0;
	}
done:
	resp_redirect(req, arena_printf(&req->arena, ADMIN_PATH "/%lld?msg=%s", (long long)a->id,
					image_id ? "image_main" : "image_detached"));
	return 0;
}

/*
 * POST /quan-tri/tin-bai/{id}/anh: a new image (multipart: "image", "alt", "main"), or with
 * do=main&image=N the article's main image chosen among its images, with do=detach none.
 */
int page_news_image_upload(struct request *req)
{
	struct db *db = db_thread();
	struct news_article a;
	const char *what = req_form(req, "do");

	if (article_load(req, db, &a))
		return 0;
	if (!what || !*what || !strcmp(what, "upload"))
		return upload(req, db, &a);
	if (!strcmp(what, "main")) {
		int64_t id = input_id(req_form(req, "image"));
		if (!id) {
			resp_error(req, 400, "bad_image", _("Choose an image from the page."));
			return 0;
		}
		return set_main(req, db, &a, id);
	}
	if (!strcmp(what, "detach"))
		return set_main(req, db, &a, 0);
	resp_error(req, 400, "bad_action", _("Choose an action from the page."));
	return 0;
}
