/* pages_home.c: the portal's home page (featured news, the latest per category, quick links) and the language
 * switch. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "core/buf.h"
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

/*
 * The home page's news, read at most once a second (and again after this process changed an
 * article or a category): reading it costs some ten queries, the page is the portal's busiest.
 * A scheduled article shows within the second; another server's change within it too.
 */
#define HOME_NEWS_US 1000000

static struct {
	pthread_mutex_t lock;
	json_t *news; /* featured, has_featured, sections, has_sections */
	int64_t at_us;
	long generation;
} home_cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void home_news_cached(struct request *req, json_t *ctx)
{
	int64_t now = time_mono_us();
	long gen = news_generation();
	json_t *news = NULL;
	pthread_mutex_lock(&home_cache.lock);
	if (home_cache.news && now - home_cache.at_us < HOME_NEWS_US && home_cache.generation == gen)
		news = json_deep_copy(home_cache.news);
	pthread_mutex_unlock(&home_cache.lock);
	if (!news) {
		news = json_object();
		home_news(req, news);
		if (json_object_size(news)) {
			pthread_mutex_lock(&home_cache.lock);
			json_decref(home_cache.news);
			home_cache.news = json_deep_copy(news);
			home_cache.at_us = now;
			home_cache.generation = gen;
			pthread_mutex_unlock(&home_cache.lock);
		}
	}
	json_object_update(ctx, news);
	json_decref(news);
}

/*
 * The whole page as anonymous visitors get it, per language, kept as long as the news above:
 * the portal's busiest page is then served at a static file's cost (its visit still counted).
 * A logged-in user's page (the menu names his workspace) is rendered each time.
 */
static struct {
	pthread_mutex_t lock;
	struct buf html[2];
	int64_t at_us[2];
	long generation[2];
} home_page = { .lock = PTHREAD_MUTEX_INITIALIZER, .html = { BUF_INIT, BUF_INIT } };

static int home_from_cache(struct request *req, int lang, int64_t now, long gen)
{
	int hit = 0;
	pthread_mutex_lock(&home_page.lock);
	if (home_page.html[lang].len && now - home_page.at_us[lang] < HOME_NEWS_US &&
	    home_page.generation[lang] == gen) {
		buf_reset(&req->out);
		hit = !buf_add(&req->out, home_page.html[lang].ptr, home_page.html[lang].len);
	}
	pthread_mutex_unlock(&home_page.lock);
	if (hit) {
		resp_html(req, 200);
		resp_header(req, "Cache-Control", "no-cache");
		resp_header(req, "Content-Language", i18n_code(lang == 1 ? LANG_EN : LANG_VI));
	}
	return hit;
}

int page_home(struct request *req)
{
	/* --dev reads the templates on every request: nothing kept then */
	int lang = req->lang == LANG_EN, anonymous = !req_user(req) && !the_app->cfg.dev;
	int64_t now = time_mono_us();
	long gen = news_generation();
	json_t *ctx;
	if (anonymous && home_from_cache(req, lang, now, gen))
		return 0;
	ctx = page_context(req, NULL);
	json_object_set_new(ctx, "home", json_true());
	home_news_cached(req, ctx);
	page_render(req, 200, "home", ctx);
	if (anonymous && req->status == 200 && !buf_err(&req->out)) {
		pthread_mutex_lock(&home_page.lock);
		buf_reset(&home_page.html[lang]);
		if (!buf_add(&home_page.html[lang], req->out.ptr, req->out.len)) {
			home_page.at_us[lang] = now;
			home_page.generation[lang] = gen;
		} else {
			buf_reset(&home_page.html[lang]);
		}
		pthread_mutex_unlock(&home_page.lock);
	}
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
