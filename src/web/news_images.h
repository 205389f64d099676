/*
 * news_images.h: the articles' images on the article's edit page, between the page
 * (pages_news_admin.c) and the images' upload (pages_news_images.c).
 */
#ifndef WEB_NEWS_IMAGES_H
#define WEB_NEWS_IMAGES_H

#include <jansson.h>
#include "features/news.h"
#include "http/http.h"
#include "store/db.h"

/* A refused upload, shown again on the edit page: its message and what was typed. */
struct news_image_form {
	const char *error; /* the message under the file or description field */
	const char *field; /* "image" or "alt": which field it is about */
	const char *alt;   /* the description as typed */
	int main;	   /* "use as the main image" was ticked */
};

/*
 * Add the image part of the edit page of article a to ctx ("images"): its
 * images with the Markdown to copy into the body, the main image and, for
 * an account that may change the article (news_edit_permission), the upload
 * form and the buttons choosing or detaching the main image. f (may be
 * NULL): a refused upload to show again. (pages_news_images.c)
 */
void news_images_context(struct request *req, struct db *db, const struct news_article *a,
			 const struct news_image_form *f, json_t *ctx);

/*
 * Answer with the edit page of article a (which the account may see) and
 * status, the page's error message `error` at the top and the refused upload
 * f in the image part. (pages_news_admin.c)
 */
void news_edit_page(struct request *req, struct db *db, const struct news_article *a, int status,
		    const char *error, const struct news_image_form *f);

#endif
