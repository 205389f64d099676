/*
 * pages_news.c: the news portal, public: all news (/tin-tuc), a category with its subcategories
 * (/chuyen-muc/{slug}), an article (/tin-tuc/{slug}), search ignoring tones (/tim-kiem), the
 * Atom feeds (/tin-tuc/atom.xml, /chuyen-muc/{slug}/atom.xml), /sitemap.xml and the read API.
 * Only articles published with a publication time already come are shown (features/news.h).
 */
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "core/i18n.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "features/news.h"
#include "rules/fold.h"
#include "rules/news.h"
#include "store/db.h"
#include "web/app.h"
#include "core/banned.h"

#define NEWS_PAGE_SIZE 10
#define NEWS_PAGE_MAX  100000
#define FEED_SIZE      20
#define SEARCH_MAX     200
#define SITEMAP_MAX    45000 /* a sitemap file holds at most 50,000 addresses */

/* ---- small helpers ---- */

static void not_found(struct request *req)
{
	resp_error(req, 404, "not_found", _("There is no such article or category."));
}

static const char *date_text(struct request *req, int64_t t)
{
	char s[16];
	time_fmt_date_vn(s, sizeof(s), t);
	return arena_strdup(&req->arena, s);
}

static const char *time_text(struct request *req, int64_t t)
{
	char s[8];
	time_fmt_time_vn(s, sizeof(s), t);
	return arena_strdup(&req->arena, s);
}

static const char *num(struct request *req, int64_t v)
{
	char s[32];
	num_fmt_vn(s, sizeof(s), v);
	return arena_strdup(&req->arena, s);
}

/* "2026-11-26T16:00:00+07:00" */
static const char *iso_time(struct request *req, int64_t t)
{
	struct civil c;
	time_to_civil(t, VN_UTC_OFFSET, &c);
	return arena_printf(&req->arena, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", c.year, c.month, c.day,
			    c.hour, c.min, c.sec);
}

/* ?page=N: 1 when absent; 0 after answering 400. */
static int64_t page_arg(struct request *req)
{
	const char *s = req_query(req, "page");
	int64_t page;
	if (!s || !*s)
		return 1;
	page = input_id(s);
	if (page < 1 || page > NEWS_PAGE_MAX) {
		resp_error(req, 400, "bad_page", _("The page must be a number from 1."));
		return 0;
	}
	return page;
}

/* An article of a list, for the templates and the API. */
static json_t *article_item(struct request *req, const struct news_article *a)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:o,s:s,s:s,s:s,s:s,s:s,s:o,s:s,s:s}", "slug", a->slug, "title",
			      a->title, "summary", a->summary, "href", json_sprintf("/tin-tuc/%s", a->slug),
			      "category", a->category_name, "category_slug", a->category_slug, "date",
			      date_text(req, a->published_at), "time", time_text(req, a->published_at),
			      "published_at", iso_time(req, a->published_at), "views", json_integer(a->views),
			      "views_text", num(req, a->views), "author_unit", a->author_unit);
	json_object_set_new(o, "category_href", json_sprintf("/chuyen-muc/%s", a->category_slug));
	if (a->featured)
		json_object_set_new(o, "featured", json_true());
	if (a->image_sha && *a->image_sha)
		json_object_set_new(o, "image", json_sprintf("/tin-tuc/anh/%s", a->image_sha));
	return o;
}

/* The ids of category `id` and of every category below it (cats in tree order). */
static int64_t *category_and_below(struct request *req, const struct news_category *cats, size_t n,
				   int64_t id, size_t *count)
{
	int64_t *ids = arena_calloc(&req->arena, n + 1, sizeof(*ids));
	size_t k = 0;
	ids[k++] = id;
	/* parents come before their children in tree order: one pass finds the whole subtree */
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < k; j++)
			if (cats[i].parent_id == ids[j] && cats[i].id != id) {
				ids[k++] = cats[i].id;
				break;
			}
	*count = k;
	return ids;
}

/* The categories for the side menu, the current one marked. */
static json_t *category_menu(const struct news_category *cats, size_t n, int64_t current)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_pack("{s:s,s:o,s:b}", "name", cats[i].name, "href",
				      json_sprintf("/chuyen-muc/%s", cats[i].slug), "sub", cats[i].depth > 0);
		if (cats[i].id == current)
			json_object_set_new(o, "current", json_true());
		json_array_append_new(a, o);
	}
	return a;
}

/* Paging links "base" + "page=N" into ctx. */
static void pager(json_t *ctx, const char *base, int64_t page, size_t total)
{
	int64_t pages = total ? (int64_t)((total + NEWS_PAGE_SIZE - 1) / NEWS_PAGE_SIZE) : 1;
	json_object_set_new(ctx, "page", json_integer(page));
	json_object_set_new(ctx, "pages", json_integer(pages));
	json_object_set_new(ctx, "paged", json_boolean(pages > 1 || page > 1));
	if (page > 1)
		json_object_set_new(ctx, "prev",
				    json_sprintf("%spage=%lld", base,
						 (long long)(page > pages ? pages : page - 1)));
	if (page < pages)
		json_object_set_new(ctx, "next", json_sprintf("%spage=%lld", base, (long long)page + 1));
}

/* A list page: /tin-tuc, /chuyen-muc/{slug}, /tim-kiem. */
static int list_page(struct request *req, const struct news_category *cat, const char *q)
{
	struct db *db = db_thread();
	struct news_category *cats = NULL;
	struct news_article *rows = NULL;
	struct news_query nq = { 0 };
	size_t ncats = 0, n = 0, total = 0;
	char folded[SEARCH_MAX * 4 + 1] = "";
	const char *base;
	int64_t page;
	json_t *ctx, *list;

	if (!(page = page_arg(req)))
		return 0;
	if (q) {
		if (utf8_chars(q) > SEARCH_MAX) {
			resp_error(req, 400, "bad_query",
				   _("The search text is too long: at most 200 characters."));
			return 0;
		}
		if (fold_text(q, folded, sizeof(folded)) < 0) {
			resp_error(req, 400, "bad_query", _("The search text is not valid."));
			return 0;
		}
	}
	if (!db || news_categories(db, &req->arena, &cats, &ncats)) {
		resp_unavailable(req);
		return 0;
	}
	nq.now = req_now(req);
	if (cat)
		nq.categories = category_and_below(req, cats, ncats, cat->id, &nq.n_categories);
	nq.q = folded;
	nq.offset = (size_t)(page - 1) * NEWS_PAGE_SIZE;
	nq.limit = NEWS_PAGE_SIZE;
	if (q && !*folded)
		nq.limit = 0; /* nothing to look for: say so rather than list everything */
	if (nq.limit && news_list(db, &req->arena, &nq, &rows, &n, &total)) {
		resp_unavailable(req);
		return 0;
	}
	if (cat) {
		ctx = page_context(req, cat->name);
		json_object_set_new(ctx, "heading", json_string(cat->name));
		json_object_set_new(ctx, "feed", json_sprintf("/chuyen-muc/%s/atom.xml", cat->slug));
		base = arena_printf(&req->arena, "/chuyen-muc/%s?", cat->slug);
	} else if (q) {
		ctx = page_context(req, _("Search"));
		json_object_set_new(ctx, "heading", json_string(_("Search the news")));
		json_object_set_new(ctx, "search", json_true());
		if (*q)
			json_object_set_new(ctx, "q", json_string(q));
		json_object_set_new(ctx, "searched", json_boolean(*folded != '\0'));
		base = arena_printf(&req->arena, "/tim-kiem?q=%s&", input_url_encode(req, q));
	} else {
		ctx = page_context(req, _("News and events"));
		json_object_set_new(ctx, "heading", json_string(_("News and events")));
		json_object_set_new(ctx, "feed", json_string("/tin-tuc/atom.xml"));
		base = "/tin-tuc?";
	}
	json_object_set_new(ctx, "categories", category_menu(cats, ncats, cat ? cat->id : 0));
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, article_item(req, &rows[i]));
	json_object_set_new(ctx, "articles", list);
	json_object_set_new(ctx, "has_articles", json_boolean(n > 0));
	json_object_set_new(ctx, "total", json_string(num(req, (int64_t)total)));
	pager(ctx, base, page, total);
	page_render(req, 200, "news_list", ctx);
	return 0;
}

int page_news_index(struct request *req)
{
	return list_page(req, NULL, NULL);
}

/* The route's {slug} as a category: 0, or 1 after answering. */
static int category_param(struct request *req, struct db *db, struct news_category *c)
{
	const char *slug = req_param(req, "slug");
	int rc;
	if (!news_slug_valid(slug)) {
		not_found(req);
		return 1;
	}
	if (!db || (rc = news_category_by_slug(db, &req->arena, slug, c)) < 0) {
		resp_unavailable(req);
		return 1;
	}
	if (rc) {
		not_found(req);
		return 1;
	}
	return 0;
}

int page_news_category(struct request *req)
{
	struct news_category c;
	if (category_param(req, db_thread(), &c))
		return 0;
	return list_page(req, &c, NULL);
}

int page_news_search(struct request *req)
{
	return list_page(req, NULL, input_trim(req, req_query(req, "q")));
}

/* The route's {slug} as a public article with its body: 0, or 1 after answering. */
static int article_param(struct request *req, struct db *db, struct news_article *a)
{
	const char *slug = req_param(req, "slug");
	int rc;
	if (!news_slug_valid(slug)) {
		not_found(req);
		return 1;
	}
	if (!db || (rc = news_article_by_slug(db, &req->arena, slug, a)) < 0) {
		resp_unavailable(req);
		return 1;
	}
	if (rc || !news_article_public(a, req_now(req))) {
		not_found(req);
		return 1;
	}
	return 0;
}

/*
 * Article pages as anonymous visitors get them, kept a second per article and language (and
 * dropped when this process changes an article or a category): rendering one costs three queries
 * and the Markdown, and a popular article is read by many at once. The view count is the only
 * part that changes with each view: the page is kept as the text before it and after it, and
 * each view served from here adds one to the count kept with it. A view is counted for the
 * database as before (news_article_viewed). Another server's views show within the second.
 */
#define ARTICLE_SLOTS	64
#define ARTICLE_KEEP_US 1000000

struct article_slot {
	char slug[NEWS_SLUG_MAX + 1];
	int lang;
	int64_t id, views, seen, at_us; /* the count shown at rendering, and news_article_viewed's seen then
					 */
	long generation;
	struct buf html; /* the page, the view count cut out at split */
	size_t split;
};

static struct {
	pthread_mutex_t lock;
	struct article_slot slot[ARTICLE_SLOTS];
	char marker[40]; /* rendered in place of the count, found again in the page */
} article_cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

static pthread_once_t marker_once = PTHREAD_ONCE_INIT;

/* A text no article can hold by chance: it is made at random when the process starts. */
static void marker_init(void)
{
	unsigned char r[12];
	randombytes_buf(r, sizeof(r));
	memcpy(article_cache.marker, "views", 5);
	sodium_bin2hex(article_cache.marker + 5, sizeof(article_cache.marker) - 5, r, sizeof(r));
}

static struct article_slot *article_slot(const char *slug, int lang)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const char *p = slug; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h = (h ^ (uint32_t)lang) * 16777619u;
	return &article_cache.slot[h % ARTICLE_SLOTS];
}

/*
 * The page from the cache into req->out: 1, or 0 when it is not kept. The view is counted
 * (news_article_viewed, outside the cache's lock: it may write to the database) once the slot
 * is found; *counted says so when the page must be rendered after all (the slot changed
 * meanwhile), with the article's id and *seen for the render.
 */
static int article_from_cache(struct request *req, const char *slug, int lang, int64_t now, long gen,
			      int64_t *counted, int64_t *seen)
{
	struct article_slot *s = article_slot(slug, lang);
	int64_t id = 0, at = 0;
	char views[32];
	int hit = 0;

	pthread_mutex_lock(&article_cache.lock);
	if (s->html.len && s->lang == lang && !strcmp(s->slug, slug) && now - s->at_us < ARTICLE_KEEP_US &&
	    s->generation == gen) {
		id = s->id;
		at = s->at_us;
	}
	pthread_mutex_unlock(&article_cache.lock);
	if (!id)
		return 0;
	news_article_viewed(db_thread(), id, seen);
	*counted = id;
	pthread_mutex_lock(&article_cache.lock);
	/* still the page found above: the count is the rendering's plus the views since */
	if (*seen > 0 && s->id == id && s->at_us == at && s->lang == lang && s->generation == gen) {
		num_fmt_vn(views, sizeof(views), s->views + (*seen - s->seen));
		buf_reset(&req->out);
		hit = !buf_add(&req->out, s->html.ptr, s->split) && !buf_adds(&req->out, views) &&
		      !buf_add(&req->out, s->html.ptr + s->split, s->html.len - s->split);
	}
	pthread_mutex_unlock(&article_cache.lock);
	if (!hit)
		return 0;
	resp_html(req, 200);
	resp_header(req, "Cache-Control", "no-cache");
	resp_header(req, "Content-Language", i18n_code(lang == 1 ? LANG_EN : LANG_VI));
	return 1;
}

/*
 * Puts the view count in place of the marker in the page just rendered, and keeps the page
 * (the marker found exactly once) for the next views. The count's text is shorter than the
 * marker: it is written in place.
 */
static void article_finish(struct request *req, const struct news_article *a, int64_t seen, int lang,
			   int64_t now, long gen, int keep)
{
	size_t mlen = strlen(article_cache.marker), vlen, at, found = 0;
	char views[32];
	char *p;

	num_fmt_vn(views, sizeof(views), a->views);
	vlen = strlen(views);
	for (at = 0; (p = memmem(req->out.ptr + at, req->out.len - at, article_cache.marker, mlen));) {
		size_t off = (size_t)(p - req->out.ptr);
		if (++found == 1 && keep && seen > 0 &&
		    !memmem(p + mlen, req->out.len - off - mlen, article_cache.marker, mlen)) {
			struct article_slot *s = article_slot(a->slug, lang);
			pthread_mutex_lock(&article_cache.lock);
			if (!s->html.max) /* a slot's first page */
				buf_init(&s->html, BUF_MAX_DEFAULT);
			buf_reset(&s->html);
			if (!buf_add(&s->html, req->out.ptr, off) &&
			    !buf_add(&s->html, p + mlen, req->out.len - off - mlen)) {
				snprintf(s->slug, sizeof(s->slug), "%s", a->slug);
				s->lang = lang;
				s->id = a->id;
				s->views = a->views;
				s->seen = seen;
				s->at_us = now;
				s->generation = gen;
				s->split = off;
			} else {
				buf_reset(&s->html);
			}
			pthread_mutex_unlock(&article_cache.lock);
		}
		memcpy(p, views, vlen);
		memmove(p + vlen, p + mlen, req->out.len - off - mlen);
		buf_setlen(&req->out, req->out.len - (mlen - vlen));
		at = off + vlen;
	}
}

int page_news_article(struct request *req)
{
	struct db *db = db_thread();
	struct news_article a;
	struct news_category *cats = NULL;
	struct news_article *related = NULL;
	struct news_query nq = { 0 };
	size_t ncats = 0, nrel = 0, total = 0;
	/* --dev reads the templates on every request: nothing kept then */
	int lang = req->lang == LANG_EN, keep = !req_user(req) && !the_app->cfg.dev;
	int64_t now_us = time_mono_us();
	long gen = news_generation();
	int64_t counted = 0, seen = -1;
	char *html;
	json_t *ctx, *item, *list;

	if (keep && news_slug_valid(req_param(req, "slug")) &&
	    article_from_cache(req, req_param(req, "slug"), lang, now_us, gen, &counted, &seen))
		return 0;
	if (article_param(req, db, &a))
		return 0;
	/* the view counts before it is shown: "Lượt xem" includes this one (counted once) */
	if (counted == a.id)
		a.views += news_views_pending(a.id);
	else
		a.views += news_article_viewed(db, a.id, &seen);
	if (news_categories(db, &req->arena, &cats, &ncats)) {
		resp_unavailable(req);
		return 0;
	}
	nq.now = req_now(req);
	nq.categories = &a.category_id;
	nq.n_categories = 1;
	nq.limit = 6;
	if (news_list(db, &req->arena, &nq, &related, &nrel, &total)) {
		resp_unavailable(req);
		return 0;
	}
	ctx = page_context(req, a.title);
	item = article_item(req, &a);
	/* the main image's description and size (features/news.h): its alt, width and height */
	if (*a.image_sha) {
		struct news_image img;
		if (!news_image_by_sha(db, &req->arena, a.id, a.image_sha, &img)) {
			json_object_set_new(item, "image_alt", json_string(img.alt));
			if (img.width > 0 && img.height > 0) {
				json_object_set_new(item, "image_width", json_integer(img.width));
				json_object_set_new(item, "image_height", json_integer(img.height));
			}
		}
	}
	pthread_once(&marker_once, marker_init);
	json_object_set_new(item, "views_text", json_string(article_cache.marker));
	html = news_markdown_html(a.body);
	json_object_set_new(item, "body_html", json_string(html));
	free(html);
	json_object_set_new(ctx, "article", item);
	json_object_set_new(ctx, "categories", category_menu(cats, ncats, a.category_id));
	list = json_array();
	for (size_t i = 0; i < nrel; i++)
		if (related[i].id != a.id && json_array_size(list) < 5)
			json_array_append_new(list, article_item(req, &related[i]));
	json_object_set_new(ctx, "related", list);
	json_object_set_new(ctx, "has_related", json_boolean(json_array_size(list) > 0));
	json_object_set_new(ctx, "feed", json_sprintf("/chuyen-muc/%s/atom.xml", a.category_slug));
	page_render(req, 200, "news_article", ctx);
	if (req->status == 200 && !buf_err(&req->out))
		article_finish(req, &a, seen, lang, now_us, gen, keep);
	return 0;
}

/* ---- Atom and the sitemap ---- */

/* s escaped for XML text and attributes. */
static void xml_add(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': buf_adds(b, "&amp;"); break;
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		case '\'': buf_adds(b, "&apos;"); break;
		default: buf_addch(b, *s);
		}
	}
}

static void feed(struct request *req, const struct news_category *cat)
{
	struct db *db = db_thread();
	struct news_category *cats = NULL;
	struct news_article *rows = NULL;
	struct news_query nq = { 0 };
	size_t ncats = 0, n = 0, total = 0;
	const char *site = req_site_url(req), *self, *alt;
	struct buf b = BUF_INIT;

	if (!db || news_categories(db, &req->arena, &cats, &ncats)) {
		resp_unavailable(req);
		return;
	}
	nq.now = req_now(req);
	if (cat)
		nq.categories = category_and_below(req, cats, ncats, cat->id, &nq.n_categories);
	nq.limit = FEED_SIZE;
	if (news_list(db, &req->arena, &nq, &rows, &n, &total)) {
		resp_unavailable(req);
		return;
	}
	alt = cat ? arena_printf(&req->arena, "%s/chuyen-muc/%s", site, cat->slug)
		  : arena_printf(&req->arena, "%s/tin-tuc", site);
	self = arena_printf(&req->arena, "%s/atom.xml", alt);
	buf_adds(
		&b,
		"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>");
	xml_add(&b, the_app && the_app->site.name ? the_app->site.name : "");
	buf_adds(&b, " – ");
	xml_add(&b, cat ? cat->name : _("News and events"));
	buf_adds(&b, "</title>\n<id>");
	xml_add(&b, self);
	buf_adds(&b, "</id>\n<link rel=\"self\" href=\"");
	xml_add(&b, self);
	buf_adds(&b, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	xml_add(&b, alt);
	buf_adds(&b, "\"/>\n<updated>");
	xml_add(&b, iso_time(req, n ? rows[0].published_at : req_now(req)));
	buf_adds(&b, "</updated>\n");
	for (size_t i = 0; i < n; i++) {
		const char *href = arena_printf(&req->arena, "%s/tin-tuc/%s", site, rows[i].slug);
		buf_adds(&b, "<entry>\n<title>");
		xml_add(&b, rows[i].title);
		buf_adds(&b, "</title>\n<id>");
		xml_add(&b, href);
		buf_adds(&b, "</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
		xml_add(&b, href);
		buf_adds(&b, "\"/>\n<published>");
		xml_add(&b, iso_time(req, rows[i].published_at));
		buf_adds(&b, "</published>\n<updated>");
		xml_add(&b, iso_time(req, rows[i].published_at));
		buf_adds(&b, "</updated>\n<author><name>");
		xml_add(&b, *rows[i].author_unit
				    ? rows[i].author_unit
				    : (the_app && the_app->site.name ? the_app->site.name : "-"));
		buf_adds(&b, "</name></author>\n<category term=\"");
		xml_add(&b, rows[i].category_slug);
		buf_adds(&b, "\" label=\"");
		xml_add(&b, rows[i].category_name);
		buf_adds(&b, "\"/>\n<summary>");
		xml_add(&b, rows[i].summary);
		buf_adds(&b, "</summary>\n</entry>\n");
	}
	buf_adds(&b, "</feed>\n");
	resp_text(req, 200, "application/atom+xml; charset=utf-8", b.ptr);
	buf_release(&b);
}

int page_news_atom(struct request *req)
{
	feed(req, NULL);
	return 0;
}

int page_news_category_atom(struct request *req)
{
	struct news_category c;
	if (category_param(req, db_thread(), &c))
		return 0;
	feed(req, &c);
	return 0;
}

int page_sitemap(struct request *req)
{
	static const char *const pages[] = { "/",	 "/tin-tuc",	   "/thu-tuc",
					     "/tra-cuu", "/lich-cong-tac", "/chi-so-hai-long" };
	struct db *db = db_thread();
	struct news_category *cats = NULL;
	struct news_article *rows = NULL;
	struct news_query nq = { 0 };
	size_t ncats = 0, n = 0, total = 0;
	const char *site = req_site_url(req);
	struct buf b = BUF_INIT;

	if (!db || news_categories(db, &req->arena, &cats, &ncats)) {
		resp_unavailable(req);
		return 0;
	}
	nq.now = req_now(req);
	nq.limit = SITEMAP_MAX;
	if (news_list(db, &req->arena, &nq, &rows, &n, &total)) {
		resp_unavailable(req);
		return 0;
	}
	buf_adds(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		     "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		buf_adds(&b, "<url><loc>");
		xml_add(&b, site);
		xml_add(&b, pages[i]);
		buf_adds(&b, "</loc></url>\n");
	}
	for (size_t i = 0; i < ncats; i++) {
		buf_adds(&b, "<url><loc>");
		xml_add(&b, site);
		buf_adds(&b, "/chuyen-muc/");
		xml_add(&b, cats[i].slug);
		buf_adds(&b, "</loc></url>\n");
	}
	for (size_t i = 0; i < n; i++) {
		struct civil c;
		time_to_civil(rows[i].updated_at > rows[i].published_at ? rows[i].updated_at
									: rows[i].published_at,
			      VN_UTC_OFFSET, &c);
		buf_adds(&b, "<url><loc>");
		xml_add(&b, site);
		buf_adds(&b, "/tin-tuc/");
		xml_add(&b, rows[i].slug);
		buf_addf(&b, "</loc><lastmod>%04d-%02d-%02d</lastmod></url>\n", c.year, c.month, c.day);
	}
	buf_adds(&b, "</urlset>\n");
	resp_text(req, 200, "application/xml; charset=utf-8", b.ptr);
	buf_release(&b);
	return 0;
}

/* ---- the read API ---- */

/* GET /api/v1/news?category=slug&q=text&page=N */
int api_news_list(struct request *req)
{
	struct db *db = db_thread();
	struct news_category *cats = NULL, c;
	struct news_article *rows = NULL;
	struct news_query nq = { 0 };
	size_t ncats = 0, n = 0, total = 0;
	const char *slug = req_query(req, "category"), *q = input_trim(req, req_query(req, "q"));
	char folded[SEARCH_MAX * 4 + 1] = "";
	int64_t page;
	json_t *list;
	int rc;

	if (!(page = page_arg(req)))
		return 0;
	if (strlen(q) > SEARCH_MAX * 4 || fold_text(q, folded, sizeof(folded)) < 0) {
		resp_error(req, 400, "bad_query", _("The search text is not valid."));
		return 0;
	}
	if (!db || news_categories(db, &req->arena, &cats, &ncats)) {
		resp_unavailable(req);
		return 0;
	}
	if (slug && *slug) {
		if (!news_slug_valid(slug) || (rc = news_category_by_slug(db, &req->arena, slug, &c)) == 1) {
			resp_error(req, 404, "not_found", _("There is no such article or category."));
			return 0;
		}
		if (rc < 0) {
			resp_unavailable(req);
			return 0;
		}
		nq.categories = category_and_below(req, cats, ncats, c.id, &nq.n_categories);
	}
	nq.now = req_now(req);
	nq.q = folded;
	nq.offset = (size_t)(page - 1) * NEWS_PAGE_SIZE;
	nq.limit = NEWS_PAGE_SIZE;
	if (news_list(db, &req->arena, &nq, &rows, &n, &total)) {
		resp_unavailable(req);
		return 0;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, article_item(req, &rows[i]));
	resp_json(req, 200,
		  json_pack("{s:o,s:I,s:I,s:I}", "articles", list, "total", (json_int_t)total, "page",
			    (json_int_t)page, "per_page", (json_int_t)NEWS_PAGE_SIZE));
	return 0;
}

/* GET /api/v1/news/{slug}: the article with its Markdown and its HTML (no view counted). */
int api_news_get(struct request *req)
{
	struct news_article a;
	json_t *o;
	char *html;
	if (article_param(req, db_thread(), &a))
		return 0;
	o = article_item(req, &a);
	html = news_markdown_html(a.body);
	json_object_set_new(o, "body", json_string(a.body));
	json_object_set_new(o, "body_html", json_string(html));
	free(html);
	resp_json(req, 200, o);
	return 0;
}
