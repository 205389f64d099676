/* pages_home.c: the portal's home page (featured news, the latest per category, quick links) and the language
 * switch. */
#include <stdio.h>
#include <string.h>
#include "core/i18n.h"
#include "core/timefmt.h"
#include "features/news.h"
#include "store/db.h"
#include "web/app.h"
#include "core/banned.h"

#define HOME_FEATURED	  3
#define HOME_PER_CATEGORY 4

static json_t *home_item(struct request *req, const struct news_article *a)
{
	char d[16];
	time_fmt_date_vn(d, sizeof(d), a->published_at);
	return json_pack("{s:s,s:o,s:s,s:s}", "title", a->title, "href", json_sprintf("/tin-tuc/%s", a->slug),
			 "date", d, "summary", a->summary);
}

/*
 * The news of the home page into ctx: the featured articles and, per
 * top-level category, its latest (its columns' too). A database that does
 * not answer leaves the news out: the rest of the page still helps.
 */
static void home_news(struct request *req, json_t *ctx)
{
	struct db *db = db_thread();
	struct news_category *cats = NULL;
	struct news_article *rows = NULL;
	struct news_query q = { 0 };
	size_t ncats = 0, n = 0, total = 0;
	json_t *list, *sections;

	if (!db || news_categories(db, &req->arena, &cats, &ncats))
		return;
	q.now = req_now(req);
	q.featured = 1;
	q.limit = HOME_FEATURED;
	if (news_list(db, &req->arena, &q, &rows, &n, &total))
		return;
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, home_item(req, &rows[i]));
	json_object_set_new(ctx, "featured", list);
	json_object_set_new(ctx, "has_featured", json_boolean(n > 0));
	sections = json_array();
	for (size_t i = 0; i < ncats; i++) {
		int64_t *ids;
		size_t k = 0;
		json_t *items;
		if (cats[i].depth)
			continue;
		ids = arena_calloc(&req->arena, ncats, sizeof(*ids));
		ids[k++] = cats[i].id;
		for (size_t j = i + 1; j < ncats && cats[j].depth; j++)
			ids[k++] = cats[j].id;
		memset(&q, 0, sizeof(q));
		q.now = req_now(req);
		q.categories = ids;
		q.n_categories = k;
		q.limit = HOME_PER_CATEGORY;
		if (news_list(db, &req->arena, &q, &rows, &n, &total))
			return;
		if (!n)
			continue;
		items = json_array();
		for (size_t j = 0; j < n; j++)
			json_array_append_new(items, home_item(req, &rows[j]));
		json_array_append_new(sections, json_pack("{s:s,s:o,s:s,s:o}", "name", cats[i].name, "href",
							  json_sprintf("/chuyen-muc/%s", cats[i].slug), "id",
							  cats[i].slug, "articles", items));
	}
	json_object_set_new(ctx, "sections", sections);
	json_object_set_new(ctx, "has_sections", json_boolean(json_array_size(sections) > 0));
}

int page_home(struct request *req)
{
	json_t *ctx = page_context(req, NULL);
	json_object_set_new(ctx, "home", json_true());
	home_news(req, ctx);
	page_render(req, 200, "home", ctx);
	return 0;
}

/* GET /ngon-ngu/{vi|en}?next=/path: remember the language in a cookie and go back. */
int page_language(struct request *req)
{
	const char *code = req_param(req, "lang");
	const char *next = req_query(req, "next");
	int lang = code ? i18n_from_code(code) : -1;
	char cookie[96];

	if (lang < 0 || strlen(code) != 2) {
		resp_error(req, 400, "bad_language", _("This language is not available."));
		return 0;
	}
	/* kept a year; scripts have no reason to read it */
	snprintf(cookie, sizeof(cookie), "lang=%s; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
		 i18n_code(lang));
	resp_header(req, "Set-Cookie", cookie);
	resp_redirect(req, next && next[0] == '/' ? next : "/");
	return 0;
}
