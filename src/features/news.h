/*
 * news.h: the news portal's storage (issue 8 §1): categories (chuyên mục) as a tree and
 * articles (tin bài) with their Markdown bodies, workflow (rules/news.h), scheduled
 * publishing and view counts; the Markdown renderer (cmark-gfm, safe mode); the demo's news.
 *
 * An article is public when its status is published and its published_at has come.
 * Strings of the structs below live in the arena given to the function that filled them.
 */
#ifndef FEATURES_NEWS_H
#define FEATURES_NEWS_H

#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "store/db.h"

/* Size caps (characters, checked by news_article_check). */
#define NEWS_TITLE_MAX	  300
#define NEWS_SUMMARY_MAX  1000
#define NEWS_BODY_MAX	  100000
#define NEWS_AUTHOR_MAX	  200
#define NEWS_CATEGORY_MAX 100

struct news_category {
	int64_t id, parent_id, unit_id; /* parent_id 0: top level */
	const char *slug, *name;
	int position;
	int depth; /* 0 for top level (set by news_categories) */
};

struct news_article {
	int64_t id, category_id, unit_id, created_by;
	const char *slug, *title, *summary, *body, *author_unit, *image_sha;
	const char *category_name, *category_slug; /* filled by loads and lists */
	int status, featured;
	int64_t published_at, views, created_at, updated_at;
};

/*
 * Every category, in tree order (a parent, then its children by position and
 * name), depth set. 0, or a negative enum db_rc.
 */
int news_categories(struct db *db, struct arena *a, struct news_category **out, size_t *n);
/* One category by slug or by id: 0, 1 when there is none, negative on error. */
int news_category_by_slug(struct db *db, struct arena *a, const char *slug, struct news_category *out);
int news_category_by_id(struct db *db, struct arena *a, int64_t id, struct news_category *out);
/*
 * A new category inside the caller's transaction: the slug from the name
 * (made unique with -2, -3 …). parent_id 0 for top level. 0 with *id, 1 when
 * the name has no letter or digit, negative on error.
 */
int news_category_create(struct db *db, int64_t unit_id, int64_t parent_id, const char *name, int position,
			 int64_t now, int64_t *id);
/* Rename, move or reorder a category (slug kept: links stay valid). 0, 1 none, negative on error. */
int news_category_update(struct db *db, int64_t id, int64_t parent_id, const char *name, int position);

/*
 * Validate the editable fields of an article (title required, caps, valid
 * UTF-8 without control characters other than tab and line feed in the body).
 * NULL when good, else the field's name ("title", "summary", "body",
 * "author_unit") with *why an English msgid.
 */
const char *news_article_check(const struct news_article *a, const char **why);
/*
 * A new draft inside the caller's transaction, from a's category, unit,
 * title, summary, body, author_unit, image_sha, featured and created_by:
 * the slug from the title, unique. 0 with *id (and *slug in the arena, may
 * be NULL), 1 when the title gives no slug, negative on error.
 */
int news_article_create(struct db *db, struct arena *ar, const struct news_article *a, int64_t now,
			int64_t *id, const char **slug);
/* Store a's editable fields (slug kept). 0, 1 none, negative on error. */
int news_article_update(struct db *db, const struct news_article *a, int64_t now);
/* Set the status (and published_at when publish_at != 0). 0, 1 none, negative on error. */
int news_article_set_status(struct db *db, int64_t id, int status, int64_t publish_at, int64_t now);
/* One article with its body, by id or by slug: 0, 1 none, negative on error. */
int news_article_by_id(struct db *db, struct arena *ar, int64_t id, struct news_article *out);
int news_article_by_slug(struct db *db, struct arena *ar, const char *slug, struct news_article *out);
/*
 * Count a view, in memory (written once a second and at shutdown): the views of the article
 * not yet written, this one included, to add to what the database said. *seen (may be NULL)
 * gets the views this process has counted for the article since it started, this one included
 * (a page kept with the count of its rendering adds the difference), or -1 when the article is
 * not among the many it keeps that count for.
 */
int64_t news_article_viewed(struct db *db, int64_t id, int64_t *seen);

/* 1 when a is public at `now`. */
int news_article_public(const struct news_article *a, int64_t now);

/* What a list shows. Bodies are not loaded (body is ""). */
struct news_query {
	const int64_t *categories; /* in these categories (n_categories > 0), else all */
	size_t n_categories;
	const char *q;	      /* folded words that must all be found (NULL or "" none) */
	int featured;	      /* only featured ones */
	int64_t now;	      /* public lists: published and published_at <= now */
	int staff;	      /* staff lists: any status in `units` (the public rule off) */
	int status;	      /* staff lists: only this status (0 any) */
	const int64_t *units; /* staff lists: in these units */
	size_t n_units;
	size_t offset, limit;
};
/* Newest first (published_at, then id). *total counts all that match. 0 or negative. */
int news_list(struct db *db, struct arena *ar, const struct news_query *q, struct news_article **out,
	      size_t *n, size_t *total);

/*
 * The Markdown body as HTML (malloc'd, NUL-terminated), GitHub flavoured
 * (tables, strikethrough, autolinks) and safe: raw HTML is left out and
 * links or images to javascript:, vbscript:, file: and data: (but images
 * data:image/png|jpeg|gif|webp) are dropped. NULL only if md is NULL.
 */
char *news_markdown_html(const char *md);

/*
 * The demo's news (motcua demo), inside the caller's transaction: the
 * categories of a district portal and a few articles of the past weeks at
 * the demo district (000.00.15.H26), with the seed's own "Quận Thanh Xuân
 * đẩy mạnh cải cách hành chính". The demo editor "bientap" (of Phòng Văn
 * hóa và Thông tin) also gets the editor role at the district, where its
 * leader "lanhdao" publishes. Nothing is added when the categories exist.
 * 0 or negative.
 */
int news_demo(struct db *db, int64_t now);

/*
 * A number that changes whenever this process writes a category or an article: views cached
 * from the database (the home page's news) are kept while it stays the same.
 */
long news_generation(void);

/* Views counted but not yet written for article `id` (add them to what the database says). */
int64_t news_views_pending(int64_t id);
/* Write the views counted in memory (at shutdown; news_article_viewed does it once a second). 0 or a negative
 * rc. */
int news_views_flush(struct db *db);

/* ---- images (issue 8 §1 "uploaded images"; table news_images, migration 0025) ---- */

/* Size caps: bytes of one image file, characters of its description (alt text). */
#define NEWS_IMAGE_BYTES_MAX (5 * 1024 * 1024)
#define NEWS_IMAGE_ALT_MAX   250

/*
 * An image uploaded for an article: the file is kept by its content in the
 * data folder (features/files.h), the row says whose it is and what it shows.
 * Rows are never deleted: they stay with the article's history.
 */
struct news_image {
	int64_t id, article_id, uploaded_by, uploaded_at, bytes;
	const char *sha;	  /* 64 lowercase hex digits */
	const char *content_type; /* "image/jpeg", "image/png" or "image/webp" */
	const char *alt;	  /* the description for those who cannot see it; never empty */
	int width, height;	  /* pixels, from the file's header; 0 when unknown */
};

/*
 * The pixel size written in the header of an image of type `type` ("image/png":
 * IHDR; "image/jpeg": the first SOFn frame header; "image/webp": the VP8, VP8L
 * or VP8X chunk) from its first n bytes: 0 with *width and *height (both
 * positive), -1 when the bytes do not hold one. Reads nothing past p[n).
 */
int news_image_size(const unsigned char *p, size_t n, const char *type, int *width, int *height);
/*
 * Inside the caller's transaction: record img (article_id, sha,
 * content_type, bytes, width, height, alt, uploaded_by, uploaded_at) as a
 * new image of the article, *added = 1; or, when the article has the same
 * file already, give that row img's description, *added = 0 (news_generation()
 * changes then: it may be the main image's). *id the row's. 0, or a negative
 * enum db_rc.
 */
int news_image_add(struct db *db, const struct news_image *img, int64_t *id, int *added);
/* The images of an article, oldest first (strings in ar). 0 or negative. */
int news_images_of(struct db *db, struct arena *ar, int64_t article_id, struct news_image **out, size_t *n);
/* The article's image with this id, or with this file: 0, 1 when it has none, negative on error. */
int news_image_by_id(struct db *db, struct arena *ar, int64_t article_id, int64_t id, struct news_image *out);
int news_image_by_sha(struct db *db, struct arena *ar, int64_t article_id, const char *sha,
		      struct news_image *out);
/*
 * The type of a stored file that is an image of some article (any article,
 * whatever its status), into type (32 bytes): 0, 1 when it is none, negative.
 */
int news_image_served(struct db *db, const char *sha, char type[32]);
/*
 * Make the file `sha` (one of the article's images) the article's main
 * image, or with "" leave it without one; news_generation() changes, so
 * pages kept from before are made again. 0, 1 when there is no such
 * article, negative on error.
 */
int news_article_set_image(struct db *db, int64_t article_id, const char *sha, int64_t now);

#endif
