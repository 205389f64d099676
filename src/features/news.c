/* news.c: the news portal's categories and articles, their Markdown, and the demo's news (news.h). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include "core/buf.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "features/authz.h"
#include "features/news.h"
#include "features/org.h"
#include "rules/fold.h"
#include "rules/news.h"
#include "store/counter.h"
#include "core/banned.h"

/* ---- categories ---- */

#define CAT_COLS "id, COALESCE(parent_id, 0), unit_id, slug, name, position"

static void cat_row(struct db_stmt *st, struct arena *a, struct news_category *c)
{
	memset(c, 0, sizeof(*c));
	c->id = db_col_int(st, 0);
	c->parent_id = db_col_int(st, 1);
	c->unit_id = db_col_int(st, 2);
	c->slug = arena_strdup(a, db_col_text(st, 3));
	c->name = arena_strdup(a, db_col_text(st, 4));
	c->position = (int)db_col_int(st, 5);
}

/* Append the children of `parent` (and theirs) from all[0..n) to out in order. */
static void cat_order(const struct news_category *all, size_t n, int64_t parent, int depth,
		      struct news_category *out, size_t *k, int *used)
{
	if (depth > 8) /* a cycle cannot be made through the pages; a guard all the same */
		return;
	for (size_t i = 0; i < n; i++) {
		if (used[i] || all[i].parent_id != parent)
			continue;
		used[i] = 1;
		out[*k] = all[i];
		out[*k].depth = depth;
		(*k)++;
		cat_order(all, n, all[i].id, depth + 1, out, k, used);
	}
}

static atomic_long generation;

long news_generation(void)
{
	return atomic_load(&generation);
}

/* Something the portal shows changed (in this process): cached views are stale. */
static void changed(void)
{
	atomic_fetch_add(&generation, 1);
}

int news_categories(struct db *db, struct arena *a, struct news_category **out, size_t *n)
{
	struct db_stmt *st;
	struct news_category *all = NULL, *sorted;
	size_t cap = 0, cnt = 0, k = 0;
	int *used;
	int rc =
		db_query(db, &st, "SELECT " CAT_COLS " FROM news_categories ORDER BY position, name, id", "");
	while (rc == DB_ROW) {
		if (cnt == cap) {
			struct news_category *bigger;
			cap = cap ? cap * 2 : 16;
			bigger = arena_calloc(a, cap, sizeof(*bigger));
			if (cnt)
				memcpy(bigger, all, cnt * sizeof(*all));
			all = bigger;
		}
		cat_row(st, a, &all[cnt++]);
		rc = db_step(st);
	}
	if (rc < 0)
		return rc;
	sorted = arena_calloc(a, cnt ? cnt : 1, sizeof(*sorted));
	used = arena_calloc(a, cnt ? cnt : 1, sizeof(*used));
	cat_order(all, cnt, 0, 0, sorted, &k, used);
	for (size_t i = 0; i < cnt; i++) /* orphans (never made here): shown at the top level */
		if (!used[i]) {
			sorted[k] = all[i];
			sorted[k++].depth = 0;
		}
	*out = sorted;
	*n = k;
	return 0;
}

static int cat_one(struct db *db, struct arena *a, const char *sql, const char *types, const void *arg,
		   struct news_category *out)
{
	struct db_stmt *st;
	int rc = types[0] == 's' ? db_query(db, &st, sql, "s", (const char *)arg)
				 : db_query(db, &st, sql, "i", *(const int64_t *)arg);
	if (rc == DB_ROW) {
		cat_row(st, a, out);
		while (rc == DB_ROW)
			rc = db_step(st);
		return rc < 0 ? rc : 0;
	}
	return rc < 0 ? rc : 1;
}

int news_category_by_slug(struct db *db, struct arena *a, const char *slug, struct news_category *out)
{
	return cat_one(db, a, "SELECT " CAT_COLS " FROM news_categories WHERE slug = ?", "s", slug, out);
}

int news_category_by_id(struct db *db, struct arena *a, int64_t id, struct news_category *out)
{
	return cat_one(db, a, "SELECT " CAT_COLS " FROM news_categories WHERE id = ?", "i", &id, out);
}

/* 1 when `slug` is taken in `table`, 0 when free, negative on error. */
static int slug_taken(struct db *db, const char *table, const char *slug)
{
	struct db_stmt *st;
	int rc = db_query(db, &st,
			  !strcmp(table, "news_articles") ? "SELECT 1 FROM news_articles WHERE slug = ?"
							  : "SELECT 1 FROM news_categories WHERE slug = ?",
			  "s", slug);
	int taken = rc == DB_ROW;
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : taken;
}

/* A free slug for `text` in `table` into out (NEWS_SLUG_MAX + 1 bytes): 0, 1 none, negative. */
static int slug_unique(struct db *db, const char *table, const char *text, char *out)
{
	char base[NEWS_SLUG_MAX + 1];
	size_t n = news_slug(text, base, sizeof(base));
	int rc;
	if (!n)
		return 1;
	memcpy(out, base, n + 1);
	for (int i = 2; (rc = slug_taken(db, table, out)) == 1; i++) {
		char suffix[16];
		size_t sl = (size_t)snprintf(suffix, sizeof(suffix), "-%d", i);
		size_t keep = n + sl > NEWS_SLUG_MAX ? NEWS_SLUG_MAX - sl : n;
		while (keep > 0 && base[keep - 1] == '-')
			keep--;
		memcpy(out, base, keep);
		memcpy(out + keep, suffix, sl + 1);
		if (i > 100000)
			return DB_ERROR;
	}
	return rc < 0 ? rc : 0;
}

int news_category_create(struct db *db, int64_t unit_id, int64_t parent_id, const char *name, int position,
			 int64_t now, int64_t *id)
{
	changed();
	char slug[NEWS_SLUG_MAX + 1];
	int rc = slug_unique(db, "news_categories", name, slug);
	if (rc)
		return rc;
	if ((rc = counter_next(db, "id", "news_categories", "", id)))
		return rc;
	if (parent_id)
		rc = db_exec(
			db,
			"INSERT INTO news_categories (id, parent_id, unit_id, slug, name, position, created_at) "
			"VALUES (?, ?, ?, ?, ?, ?, ?)",
			"iiissii", *id, parent_id, unit_id, slug, name, (int64_t)position, now);
	else
		rc = db_exec(
			db,
			"INSERT INTO news_categories (id, parent_id, unit_id, slug, name, position, created_at) "
			"VALUES (?, NULL, ?, ?, ?, ?, ?)",
			"iissii", *id, unit_id, slug, name, (int64_t)position, now);
	return rc < 0 ? rc : 0;
}

int news_category_update(struct db *db, int64_t id, int64_t parent_id, const char *name, int position)
{
	changed();
	int rc =
		parent_id
			? db_exec(db,
				  "UPDATE news_categories SET parent_id = ?, name = ?, position = ? WHERE id = ?",
				  "isii", parent_id, name, (int64_t)position, id)
			: db_exec(db,
				  "UPDATE news_categories SET parent_id = NULL, name = ?, position = ? WHERE id = ?",
				  "sii", name, (int64_t)position, id);
	if (rc < 0)
		return rc;
	return db_changes(db) ? 0 : 1;
}

/* ---- articles ---- */

/* Characters of valid UTF-8 s; -1 when not UTF-8 or when it has control characters (C0 and DEL; tab, LF and
 * CR let through when lines). */
static long text_chars(const char *s, int lines)
{
	size_t left = strlen(s);
	long n = 0;
	while (left) {
		long c = utf8_next(&s, &left);
		if (c < 0 || ((c < 0x20 || c == 0x7F) && !(lines && (c == '\n' || c == '\t' || c == '\r'))))
			return -1;
		n++;
	}
	return n;
}

const char *news_article_check(const struct news_article *a, const char **why)
{
	long n;
	if (!a->title || !*a->title) {
		*why = "Enter the title.";
		return "title";
	}
	if ((n = text_chars(a->title, 0)) < 0) {
		*why = "The title has characters that cannot be used.";
		return "title";
	}
	if (n > NEWS_TITLE_MAX) {
		*why = "The title is too long: at most 300 characters.";
		return "title";
	}
	if ((n = text_chars(a->summary ? a->summary : "", 1)) < 0) {
		*why = "The summary has characters that cannot be used.";
		return "summary";
	}
	if (n > NEWS_SUMMARY_MAX) {
		*why = "The summary is too long: at most 1000 characters.";
		return "summary";
	}
	if ((n = text_chars(a->body ? a->body : "", 1)) < 0) {
		*why = "The body has characters that cannot be used.";
		return "body";
	}
	if (n > NEWS_BODY_MAX) {
		*why = "The body is too long: at most 100000 characters.";
		return "body";
	}
	if ((n = text_chars(a->author_unit ? a->author_unit : "", 0)) < 0 || n > NEWS_AUTHOR_MAX) {
		*why = "Enter the author unit in at most 200 characters.";
		return "author_unit";
	}
	return NULL;
}

/* The folded words an article is found by (malloc'd). */
static char *search_text(const struct news_article *a)
{
	struct buf b = BUF_INIT;
	char *out;
	buf_adds(&b, a->title ? a->title : "");
	buf_addch(&b, ' ');
	buf_adds(&b, a->summary ? a->summary : "");
	buf_addch(&b, ' ');
	buf_adds(&b, a->body ? a->body : "");
	out = xmalloc(b.len + 1);
	if (fold_text(b.ptr, out, b.len + 1) < 0)
		out[0] = '\0';
	buf_release(&b);
	return out;
}

int news_article_create(struct db *db, struct arena *ar, const struct news_article *a, int64_t now,
			int64_t *id, const char **slug_out)
{
	changed();
	char slug[NEWS_SLUG_MAX + 1];
	char *st_text;
	int rc = slug_unique(db, "news_articles", a->title, slug);
	if (rc)
		return rc;
	if ((rc = counter_next(db, "id", "news_articles", "", id)))
		return rc;
	st_text = search_text(a);
	rc = db_exec(
		db,
		"INSERT INTO news_articles (id, category_id, unit_id, slug, title, summary, body, author_unit, "
		"image_sha, status, featured, published_at, views, search_text, created_by, created_at, "
		"updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?)",
		"iiissssssiisiii", *id, a->category_id, a->unit_id, slug, a->title,
		a->summary ? a->summary : "", a->body ? a->body : "", a->author_unit ? a->author_unit : "",
		a->image_sha ? a->image_sha : "", (int64_t)NEWS_DRAFT, (int64_t)(a->featured != 0), st_text,
		a->created_by, now, now);
	free(st_text);
	if (rc < 0)
		return rc;
	if (slug_out)
		*slug_out = arena_strdup(ar, slug);
	return 0;
}

int news_article_update(struct db *db, const struct news_article *a, int64_t now)
{
	changed();
	char *st_text = search_text(a);
	int rc = db_exec(
		db,
		"UPDATE news_articles SET category_id = ?, title = ?, summary = ?, body = ?, author_unit = ?, "
		"image_sha = ?, featured = ?, search_text = ?, updated_at = ? WHERE id = ?",
		"isssssisii", a->category_id, a->title, a->summary ? a->summary : "", a->body ? a->body : "",
		a->author_unit ? a->author_unit : "", a->image_sha ? a->image_sha : "",
		(int64_t)(a->featured != 0), st_text, now, a->id);
	free(st_text);
	if (rc < 0)
		return rc;
	return db_changes(db) ? 0 : 1;
}

int news_article_set_status(struct db *db, int64_t id, int status, int64_t publish_at, int64_t now)
{
	changed();
	int rc = publish_at ? db_exec(db,
				      "UPDATE news_articles SET status = ?, published_at = ?, updated_at = ? "
				      "WHERE id = ?",
				      "iiii", (int64_t)status, publish_at, now, id)
			    : db_exec(db, "UPDATE news_articles SET status = ?, updated_at = ? WHERE id = ?",
				      "iii", (int64_t)status, now, id);
	if (rc < 0)
		return rc;
	return db_changes(db) ? 0 : 1;
}

#define ART_COLS                                                                                             \
	"a.id, a.category_id, a.unit_id, a.slug, a.title, a.summary, a.author_unit, a.image_sha, a.status, " \
	"a.featured, a.published_at, a.views, a.created_at, a.updated_at, c.name, c.slug, "                  \
	"COALESCE(a.created_by, 0)"

static void art_row(struct db_stmt *st, struct arena *ar, struct news_article *a, int with_body)
{
	memset(a, 0, sizeof(*a));
	a->id = db_col_int(st, 0);
	a->category_id = db_col_int(st, 1);
	a->unit_id = db_col_int(st, 2);
	a->slug = arena_strdup(ar, db_col_text(st, 3));
	a->title = arena_strdup(ar, db_col_text(st, 4));
	a->summary = arena_strdup(ar, db_col_text(st, 5));
	a->author_unit = arena_strdup(ar, db_col_text(st, 6));
	a->image_sha = arena_strdup(ar, db_col_text(st, 7));
	a->status = (int)db_col_int(st, 8);
	a->featured = (int)db_col_int(st, 9);
	a->published_at = db_col_int(st, 10);
	a->views = db_col_int(st, 11);
	a->created_at = db_col_int(st, 12);
	a->updated_at = db_col_int(st, 13);
	a->category_name = arena_strdup(ar, db_col_text(st, 14));
	a->category_slug = arena_strdup(ar, db_col_text(st, 15));
	a->created_by = db_col_int(st, 16);
	a->body = with_body ? arena_strdup(ar, db_col_text(st, 17)) : "";
}

static int art_one(struct db *db, struct arena *ar, int by_slug, const char *slug, int64_t id,
		   struct news_article *out)
{
	struct db_stmt *st;
	int rc = by_slug ? db_query(db, &st,
				    "SELECT " ART_COLS ", a.body FROM news_articles a JOIN news_categories c "
				    "ON c.id = a.category_id WHERE a.slug = ?",
				    "s", slug)
			 : db_query(db, &st,
				    "SELECT " ART_COLS ", a.body FROM news_articles a JOIN news_categories c "
				    "ON c.id = a.category_id WHERE a.id = ?",
				    "i", id);
	if (rc != DB_ROW)
		return rc < 0 ? rc : 1;
	art_row(st, ar, out, 1);
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : 0;
}

int news_article_by_id(struct db *db, struct arena *ar, int64_t id, struct news_article *out)
{
	return art_one(db, ar, 0, NULL, id, out);
}

int news_article_by_slug(struct db *db, struct arena *ar, const char *slug, struct news_article *out)
{
	return art_one(db, ar, 1, slug, 0, out);
}

/*
 * Views are counted in memory and written at most once a second (by the request that finds the
 * second gone) and at shutdown (news_views_flush): a write per view would make every article
 * view wait for the disk. A view not yet written is added to what the page shows.
 */
#define VIEWS_KEEP     1024
#define VIEWS_WRITE_US 1000000

static struct {
	pthread_mutex_t lock;
	int64_t id[VIEWS_KEEP], n[VIEWS_KEEP];
	size_t count;
	int64_t written_us;
	/* the views counted since the process started, written or not, for the first articles seen */
	int64_t seen_id[VIEWS_KEEP], seen_n[VIEWS_KEEP];
	size_t seen_count;
} views = { .lock = PTHREAD_MUTEX_INITIALIZER };

int news_views_flush(struct db *db)
{
	int64_t id[VIEWS_KEEP], n[VIEWS_KEEP];
	size_t count;
	int rc = 0;
	pthread_mutex_lock(&views.lock);
	count = views.count;
	memcpy(id, views.id, count * sizeof(*id));
	memcpy(n, views.n, count * sizeof(*n));
	views.count = 0;
	views.written_us = time_mono_us();
	pthread_mutex_unlock(&views.lock);
	if (!count)
		return 0;
	if (!(rc = db_begin(db))) {
		for (size_t i = 0; i < count && !rc; i++)
			rc = db_exec(db, "UPDATE news_articles SET views = views + ? WHERE id = ?", "ii",
				     n[i], id[i]);
		if (rc || (rc = db_commit(db)))
			db_rollback(db);
	}
	if (rc) {
		/* kept for the next write: a view is never lost to a busy database */
		pthread_mutex_lock(&views.lock);
		for (size_t i = 0; i < count; i++) {
			size_t k = 0;
			while (k < views.count && views.id[k] != id[i])
				k++;
			if (k == views.count && views.count < VIEWS_KEEP) {
				views.id[k] = id[i];
				views.n[k] = 0;
				views.count++;
			}
			if (k < views.count)
				views.n[k] += n[i];
		}
		pthread_mutex_unlock(&views.lock);
	}
	return rc;
}

int64_t news_views_pending(int64_t id)
{
	int64_t n = 0;
	pthread_mutex_lock(&views.lock);
	for (size_t i = 0; i < views.count; i++)
		if (views.id[i] == id)
			n = views.n[i];
	pthread_mutex_unlock(&views.lock);
	return n;
}

int64_t news_article_viewed(struct db *db, int64_t id, int64_t *seen)
{
	size_t k;
	int64_t pending = 1;
	int due;
	pthread_mutex_lock(&views.lock);
	for (k = 0; k < views.seen_count && views.seen_id[k] != id; k++)
		;
	if (k == views.seen_count && views.seen_count < VIEWS_KEEP) {
		views.seen_id[k] = id;
		views.seen_n[k] = 0;
		views.seen_count++;
	}
	if (seen)
		*seen = k < views.seen_count ? ++views.seen_n[k] : -1;
	else if (k < views.seen_count)
		++views.seen_n[k];
	for (k = 0; k < views.count && views.id[k] != id; k++)
		;
	if (k == views.count && views.count < VIEWS_KEEP) {
		views.id[k] = id;
		views.n[k] = 0;
		views.count++;
	}
	if (k < views.count)
		pending = ++views.n[k];
	due = views.count == VIEWS_KEEP || time_mono_us() - views.written_us >= VIEWS_WRITE_US;
	pthread_mutex_unlock(&views.lock);
	/* outside any transaction of the caller's: the write is its own */
	if (due && !db_in_transaction(db))
		news_views_flush(db);
	return pending;
}

int news_article_public(const struct news_article *a, int64_t now)
{
	return a->status == NEWS_PUBLISHED && a->published_at && a->published_at <= now;
}

#define QUERY_MAX_WORDS 8

/* The WHERE clause of q into sql; binds the values with bind_where. */
static void where_sql(struct buf *sql, const struct news_query *q, char **words, size_t nwords)
{
	if (q->staff) {
		buf_adds(sql, " WHERE a.unit_id IN (");
		for (size_t i = 0; i < q->n_units; i++)
			buf_adds(sql, i ? ", ?" : "?");
		if (!q->n_units)
			buf_adds(sql, "0");
		buf_adds(sql, ")");
		if (q->status)
			buf_adds(sql, " AND a.status = ?");
	} else {
		buf_adds(sql, " WHERE a.status = ? AND a.published_at > 0 AND a.published_at <= ?");
	}
	if (q->n_categories) {
		buf_adds(sql, " AND a.category_id IN (");
		for (size_t i = 0; i < q->n_categories; i++)
			buf_adds(sql, i ? ", ?" : "?");
		buf_adds(sql, ")");
	}
	if (q->featured)
		buf_adds(sql, " AND a.featured = 1");
	for (size_t i = 0; i < nwords; i++)
		buf_adds(sql, " AND a.search_text LIKE ?");
}

static int bind_where(struct db_stmt *st, int k, const struct news_query *q, char **words, size_t nwords)
{
	int rc = 0;
	if (q->staff) {
		for (size_t i = 0; i < q->n_units; i++)
			rc |= db_bind_int(st, k++, q->units[i]);
		if (q->status)
			rc |= db_bind_int(st, k++, q->status);
	} else {
		rc |= db_bind_int(st, k++, NEWS_PUBLISHED);
		rc |= db_bind_int(st, k++, q->now);
	}
	for (size_t i = 0; i < q->n_categories; i++)
		rc |= db_bind_int(st, k++, q->categories[i]);
	for (size_t i = 0; i < nwords; i++) {
		char pat[256];
		snprintf(pat, sizeof(pat), "%%%s%%", words[i]);
		rc |= db_bind_text(st, k++, pat, strlen(pat));
	}
	return rc ? DB_ERROR : k;
}

int news_list(struct db *db, struct arena *ar, const struct news_query *q, struct news_article **out,
	      size_t *n, size_t *total)
{
	struct buf sql = BUF_INIT;
	struct db_stmt *st;
	char *words[QUERY_MAX_WORDS], *qcopy = NULL;
	size_t nwords = 0, cnt = 0;
	int rc, k;

	*out = NULL;
	*n = 0;
	*total = 0;
	/* folded text has only [a-z0-9] words and single spaces: no LIKE wildcard can be in it */
	if (q->q && *q->q) {
		qcopy = arena_strdup(ar, q->q);
		for (char *p = qcopy; *p && nwords < QUERY_MAX_WORDS;) {
			char *e = strchr(p, ' ');
			if (e)
				*e = '\0';
			if (*p && strlen(p) < 200)
				words[nwords++] = p;
			if (!e)
				break;
			p = e + 1;
		}
	}
	buf_adds(&sql, "SELECT COUNT(*) FROM news_articles a");
	where_sql(&sql, q, words, nwords);
	if (!(st = db_prepare(db, sql.ptr)) || bind_where(st, 1, q, words, nwords) < 0) {
		rc = DB_ERROR;
		goto out;
	}
	if ((rc = db_step(st)) != DB_ROW) {
		rc = rc < 0 ? rc : DB_ERROR;
		goto out;
	}
	*total = (size_t)db_col_int(st, 0);
	while ((rc = db_step(st)) == DB_ROW)
		;
	if (rc < 0)
		goto out;
	rc = 0;
	if (!q->limit || !*total)
		goto out;
	buf_reset(&sql);
	buf_adds(&sql,
		 "SELECT " ART_COLS " FROM news_articles a JOIN news_categories c ON c.id = a.category_id");
	where_sql(&sql, q, words, nwords);
	buf_adds(&sql, q->staff ? " ORDER BY a.updated_at DESC, a.id DESC"
				: " ORDER BY a.published_at DESC, a.id DESC");
	buf_adds(&sql, " LIMIT ? OFFSET ?");
	if (!(st = db_prepare(db, sql.ptr)) || (k = bind_where(st, 1, q, words, nwords)) < 0 ||
	    db_bind_int(st, k, (int64_t)q->limit) || db_bind_int(st, k + 1, (int64_t)q->offset)) {
		rc = DB_ERROR;
		goto out;
	}
	*out = arena_calloc(ar, q->limit, sizeof(**out));
	while ((rc = db_step(st)) == DB_ROW && cnt < q->limit)
		art_row(st, ar, &(*out)[cnt++], 0);
	while (rc == DB_ROW)
		rc = db_step(st);
	if (rc < 0)
		goto out;
	rc = 0;
	*n = cnt;
out:
	buf_release(&sql);
	return rc;
}

/* ---- Markdown ---- */

char *news_markdown_html(const char *md)
{
	static const char *const exts[] = { "table", "strikethrough", "autolink", "tagfilter" };
	cmark_parser *parser;
	cmark_node *doc;
	char *html, *out;
	/* CMARK_OPT_UNSAFE is not given: raw HTML is omitted and dangerous URLs are dropped */
	int opts = CMARK_OPT_DEFAULT | CMARK_OPT_SAFE;

	if (!md)
		return NULL;
	cmark_gfm_core_extensions_ensure_registered();
	parser = cmark_parser_new(opts);
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
		if (e)
			cmark_parser_attach_syntax_extension(parser, e);
	}
	cmark_parser_feed(parser, md, strlen(md));
	doc = cmark_parser_finish(parser);
	html = cmark_render_html(doc, opts, cmark_parser_get_syntax_extensions(parser));
	/* copied so that the caller frees with free() whatever allocator cmark used */
	out = xmalloc(strlen(html) + 1);
	memcpy(out, html, strlen(html) + 1);
	cmark_get_default_mem_allocator()->free(html);
	cmark_node_free(doc);
	cmark_parser_free(parser);
	return out;
}

/* ---- images ---- */

/* The largest side accepted as a size: anything more is no photograph of ours (and fits an int). */
#define IMAGE_SIDE_MAX 100000

static uint32_t be16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le24(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

static int size_ok(uint32_t w, uint32_t h, int *width, int *height)
{
	if (!w || !h || w > IMAGE_SIDE_MAX || h > IMAGE_SIDE_MAX)
		return -1;
	*width = (int)w;
	*height = (int)h;
	return 0;
}

/* PNG (RFC 2083): the signature, then the IHDR chunk: length, "IHDR", width, height (big-endian). */
static int png_size(const unsigned char *p, size_t n, int *w, int *h)
{
	if (n < 24 || memcmp(p, "\x89PNG\r\n\x1a\n", 8) || memcmp(p + 12, "IHDR", 4))
		return -1;
	return size_ok(be32(p + 16), be32(p + 20), w, h);
}

/*
 * JPEG (ITU T.81 annex B): markers from SOI on, each segment after its
 * length, up to the first frame header SOFn (C0-CF but DHT C4, JPG C8, DAC
 * CC): length, precision, height, width. A scan (SOS) before it: none.
 */
static int jpeg_size(const unsigned char *p, size_t n, int *w, int *h)
{
	size_t i = 2;
	if (n < 4 || p[0] != 0xFF || p[1] != 0xD8)
		return -1;
	while (i < n) {
		unsigned m;
		size_t len;
		if (p[i] != 0xFF)
			return -1;
		while (i < n && p[i] == 0xFF) /* fill bytes */
			i++;
		if (i >= n)
			return -1;
		m = p[i++];
		if (m == 0x01 || m == 0xD8 || (m >= 0xD0 && m <= 0xD7)) /* no length */
			continue;
		if (m == 0xD9 || m == 0xDA || i + 2 > n)
			return -1;
		len = be16(p + i);
		if (len < 2)
			return -1;
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
			if (len < 7 || i + 7 > n)
				return -1;
			return size_ok(be16(p + i + 5), be16(p + i + 3), w, h);
		}
		i += len;
	}
	return -1;
}

/*
 * WebP (RFC 9649): "RIFF" size "WEBP", then the first chunk: "VP8 " (a key
 * frame's start code 9D 01 2A, then 14-bit width and height), "VP8L" (0x2F,
 * then width - 1 and height - 1 in 14 bits each) or "VP8X" (flags, then
 * width - 1 and height - 1 in 24 bits each), all little-endian.
 */
static int webp_size(const unsigned char *p, size_t n, int *w, int *h)
{
	if (n < 30 || memcmp(p, "RIFF", 4) || memcmp(p + 8, "WEBP", 4))
		return -1;
	if (!memcmp(p + 12, "VP8 ", 4)) {
		if (p[23] != 0x9D || p[24] != 0x01 || p[25] != 0x2A)
			return -1;
		return size_ok((p[26] | (uint32_t)p[27] << 8) & 0x3FFF,
			       (p[28] | (uint32_t)p[29] << 8) & 0x3FFF, w, h);
	}
	if (!memcmp(p + 12, "VP8L", 4)) {
		uint32_t b = (uint32_t)p[21] | (uint32_t)p[22] << 8 | (uint32_t)p[23] << 16 |
			     (uint32_t)p[24] << 24;
		if (p[20] != 0x2F)
			return -1;
		return size_ok((b & 0x3FFF) + 1, ((b >> 14) & 0x3FFF) + 1, w, h);
	}
	if (!memcmp(p + 12, "VP8X", 4))
		return size_ok(le24(p + 24) + 1, le24(p + 27) + 1, w, h);
	return -1;
}

int news_image_size(const unsigned char *p, size_t n, const char *type, int *width, int *height)
{
	if (!p || !type)
		return -1;
	if (!strcmp(type, "image/png"))
		return png_size(p, n, width, height);
	if (!strcmp(type, "image/jpeg"))
		return jpeg_size(p, n, width, height);
	if (!strcmp(type, "image/webp"))
		return webp_size(p, n, width, height);
	return -1;
}

#define IMG_COLS \
	"id, article_id, sha, content_type, bytes, width, height, alt, COALESCE(uploaded_by, 0), uploaded_at"

static void img_row(struct db_stmt *st, struct arena *ar, struct news_image *img)
{
	memset(img, 0, sizeof(*img));
	img->id = db_col_int(st, 0);
	img->article_id = db_col_int(st, 1);
	img->sha = arena_strdup(ar, db_col_text(st, 2));
	img->content_type = arena_strdup(ar, db_col_text(st, 3));
	img->bytes = db_col_int(st, 4);
	img->width = (int)db_col_int(st, 5);
	img->height = (int)db_col_int(st, 6);
	img->alt = arena_strdup(ar, db_col_text(st, 7));
	img->uploaded_by = db_col_int(st, 8);
	img->uploaded_at = db_col_int(st, 9);
}

int news_image_add(struct db *db, const struct news_image *img, int64_t *id, int *added)
{
	struct db_stmt *st = NULL;
	int rc = db_query(db, &st, "SELECT id FROM news_images WHERE article_id = ? AND sha = ?", "is",
			  img->article_id, img->sha);
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		while (rc == DB_ROW)
			rc = db_step(st);
		if (rc < 0)
			return rc;
		*added = 0;
		changed(); /* the main image's description may be on a page kept from before */
		rc = db_exec(db, "UPDATE news_images SET alt = ? WHERE id = ?", "si", img->alt, *id);
		return rc < 0 ? rc : 0;
	}
	if (rc < 0)
		return rc;
	if ((rc = counter_next(db, "id", "news_images", "", id)))
		return rc;
	*added = 1;
	rc = db_exec(
		db,
		"INSERT INTO news_images (id, article_id, sha, content_type, bytes, width, height, alt, "
		"uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?)",
		"iissiiisii", *id, img->article_id, img->sha, img->content_type, img->bytes,
		(int64_t)img->width, (int64_t)img->height, img->alt, img->uploaded_by, img->uploaded_at);
	return rc < 0 ? rc : 0;
}

int news_images_of(struct db *db, struct arena *ar, int64_t article_id, struct news_image **out, size_t *n)
{
	struct db_stmt *st = NULL;
	struct news_image *all = NULL;
	size_t cap = 0, cnt = 0;
	int rc = db_query(db, &st, "SELECT " IMG_COLS " FROM news_images WHERE article_id = ? ORDER BY id",
			  "i", article_id);
	while (rc == DB_ROW) {
		if (cnt == cap) {
			struct news_image *bigger;
			cap = cap ? cap * 2 : 8;
			bigger = arena_calloc(ar, cap, sizeof(*bigger));
			if (cnt)
				memcpy(bigger, all, cnt * sizeof(*all));
			all = bigger;
		}
		img_row(st, ar, &all[cnt++]);
		rc = db_step(st);
	}
	if (rc < 0)
		return rc;
	*out = all;
	*n = cnt;
	return 0;
}

static int img_one(struct db_stmt *st, int rc, struct arena *ar, struct news_image *out)
{
	if (rc != DB_ROW)
		return rc < 0 ? rc : 1;
	img_row(st, ar, out);
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : 0;
}

int news_image_by_id(struct db *db, struct arena *ar, int64_t article_id, int64_t id, struct news_image *out)
{
	struct db_stmt *st = NULL;
	int rc = db_query(db, &st, "SELECT " IMG_COLS " FROM news_images WHERE article_id = ? AND id = ?",
			  "ii", article_id, id);
	return img_one(st, rc, ar, out);
}

int news_image_by_sha(struct db *db, struct arena *ar, int64_t article_id, const char *sha,
		      struct news_image *out)
{
	struct db_stmt *st = NULL;
	int rc = db_query(db, &st, "SELECT " IMG_COLS " FROM news_images WHERE article_id = ? AND sha = ?",
			  "is", article_id, sha);
	return img_one(st, rc, ar, out);
}

int news_image_served(struct db *db, const char *sha, char type[32])
{
	struct db_stmt *st = NULL;
	int rc = db_query(db, &st, "SELECT content_type FROM news_images WHERE sha = ? ORDER BY id LIMIT 1",
			  "s", sha);
	if (rc != DB_ROW)
		return rc < 0 ? rc : 1;
	snprintf(type, 32, "%s", db_col_text(st, 0));
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : 0;
}

int news_article_set_image(struct db *db, int64_t article_id, const char *sha, int64_t now)
{
	changed();
	int rc = db_exec(db, "UPDATE news_articles SET image_sha = ?, updated_at = ? WHERE id = ?", "sii",
			 sha ? sha : "", now, article_id);
	if (rc < 0)
		return rc;
	return db_changes(db) ? 0 : 1;
}

/* ---- the demo ---- */

#define DEMO_DISTRICT "000.00.15.H26"
#define DEMO_AUTHOR   "Phòng Văn hóa và Thông tin quận"

static const struct {
	const char *name, *parent; /* parent by name, NULL for top level */
} demo_categories[] = {
	{ "Tổng quan", NULL },
	{ "Tin tức - Sự kiện", NULL },
	{ "Hoạt động của quận", "Tin tức - Sự kiện" },
	{ "Tin các phường", "Tin tức - Sự kiện" },
	{ "Cải cách hành chính", NULL },
	{ "Thông báo", NULL },
};

static const struct {
	const char *category, *title, *summary, *body;
	int days_ago, hour, min, views, featured, status;
} demo_articles[] = {
	{ "Cải cách hành chính", "Quận Thanh Xuân đẩy mạnh cải cách hành chính",
	  "UBND quận Thanh Xuân tiếp tục đẩy mạnh cải cách thủ tục hành chính, mở rộng dịch vụ công trực "
	  "tuyến và nâng cao chỉ số hài lòng của người dân, doanh nghiệp. (Bài viết mẫu của bản demo.)",
	  "*Nội dung mẫu của bản demo.*\n\n"
	  "Năm nay, UBND quận Thanh Xuân xác định cải cách hành chính là nhiệm vụ trọng tâm, gắn với "
	  "chuyển đổi số trong giải quyết thủ tục hành chính.\n\n"
	  "## Những kết quả nổi bật\n\n"
	  "- Bộ phận Một cửa của quận và các phường tiếp nhận hồ sơ trực tuyến cho phần lớn thủ tục.\n"
	  "- Hồ sơ được giải quyết đúng hạn và trước hạn đạt tỷ lệ cao.\n"
	  "- Người dân tra cứu tiến độ hồ sơ bằng mã trên phiếu hẹn tại trang [Tra cứu hồ sơ](/tra-cuu).\n\n"
	  "## Nhiệm vụ thời gian tới\n\n"
	  "Quận tiếp tục rà soát, đơn giản hóa thủ tục; công khai đầy đủ thủ tục tại trang "
	  "[Thủ tục hành chính](/thu-tuc); thu phí, lệ phí bằng biên lai điện tử.\n",
	  3, 16, 0, 39, 1, NEWS_PUBLISHED },
	{ "Hoạt động của quận", "Hội nghị sơ kết công tác chuyển đổi số của quận",
	  "Hội nghị đánh giá kết quả chuyển đổi số trong các cơ quan, đơn vị và đề ra nhiệm vụ trong quý "
	  "tới. (Bài viết mẫu của bản demo.)",
	  "*Nội dung mẫu của bản demo.*\n\n"
	  "Sáng nay, UBND quận tổ chức hội nghị sơ kết công tác chuyển đổi số. Các đại biểu đã thảo luận "
	  "về việc số hóa hồ sơ, kết quả giải quyết thủ tục hành chính và việc ký số văn bản.\n\n"
	  "| Nội dung | Kết quả |\n|---|---|\n| Hồ sơ trực tuyến | Tăng so với cùng kỳ |\n"
	  "| Văn bản ký số | Hầu hết văn bản đi |\n",
	  6, 9, 30, 124, 1, NEWS_PUBLISHED },
	{ "Tin các phường", "Phường Nhân Chính ra mắt mô hình Bộ phận Một cửa thân thiện",
	  "Bộ phận Một cửa phường Nhân Chính bố trí khu vực chờ, máy tra cứu và hướng dẫn viên hỗ trợ "
	  "người dân nộp hồ sơ trực tuyến. (Bài viết mẫu của bản demo.)",
	  "*Nội dung mẫu của bản demo.*\n\n"
	  "Mô hình giúp người dân được hướng dẫn tận tình, nộp hồ sơ nhanh chóng và đánh giá mức độ hài "
	  "lòng ngay tại quầy.\n",
	  10, 14, 15, 57, 0, NEWS_PUBLISHED },
	{ "Thông báo", "Thông báo lịch tiếp công dân của lãnh đạo quận",
	  "Lịch tiếp công dân định kỳ của lãnh đạo UBND quận trong tháng. (Bài viết mẫu của bản demo.)",
	  "*Nội dung mẫu của bản demo.*\n\n"
	  "Lãnh đạo UBND quận tiếp công dân định kỳ vào ngày 15 hằng tháng tại Trụ sở Tiếp công dân quận. "
	  "Nếu trùng ngày nghỉ, lịch tiếp được chuyển sang ngày làm việc kế tiếp.\n",
	  14, 8, 0, 86, 0, NEWS_PUBLISHED },
	{ "Tổng quan", "Giới thiệu quận Thanh Xuân",
	  "Vị trí, diện tích, dân số và các đơn vị hành chính của quận. (Bài viết mẫu của bản demo.)",
	  "*Nội dung mẫu của bản demo.*\n\n"
	  "Quận Thanh Xuân nằm ở phía Tây Nam trung tâm thành phố Hà Nội. Trang này giới thiệu khái quát "
	  "về quận và các phường trực thuộc.\n",
	  21, 10, 0, 203, 0, NEWS_PUBLISHED },
	{ "Hoạt động của quận", "Tập huấn sử dụng phần mềm một cửa điện tử cho công chức phường",
	  "Bản nháp: nội dung đang được biên tập. (Bài viết mẫu của bản demo.)",
	  "*Nội dung mẫu của bản demo.*\n\nBài viết đang chờ lãnh đạo duyệt.\n", 1, 11, 0, 0, 0,
	  NEWS_REVIEW },
};

/* The id of the demo editor "bientap", 0 when there is none. */
static int64_t demo_editor(struct db *db)
{
	struct db_stmt *st;
	int64_t id = 0;
	int rc = db_query(db, &st, "SELECT id FROM accounts WHERE username = ?", "s", "bientap");
	if (rc == DB_ROW)
		id = db_col_int(st, 0);
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : id;
}

int news_demo(struct db *db, int64_t now)
{
	struct arena a;
	int64_t district, editor, ids[sizeof(demo_categories) / sizeof(demo_categories[0])];
	struct news_category existing;
	int rc;

	district = org_unit_by_code(db, DEMO_DISTRICT);
	if (district <= 0)
		return district < 0 ? (int)district : DB_ERROR;
	editor = demo_editor(db);
	if (editor < 0)
		return (int)editor;
	/* the portal is the district's: its editor drafts there, its leader publishes */
	if (editor > 0) {
		int64_t gid;
		rc = grant_add(db, editor, "editor", district, 0, "cli", now, &gid);
		if (rc < 0)
			return rc;
	}
	arena_init(&a);
	rc = news_category_by_slug(db, &a, "tong-quan", &existing);
	if (rc <= 0) /* there already (0) or an error */
		goto out;
	for (size_t i = 0; i < sizeof(demo_categories) / sizeof(demo_categories[0]); i++) {
		int64_t parent = 0;
		for (size_t j = 0; demo_categories[i].parent && j < i; j++)
			if (!strcmp(demo_categories[j].name, demo_categories[i].parent))
				parent = ids[j];
		if ((rc = news_category_create(db, district, parent, demo_categories[i].name, (int)i + 1, now,
					       &ids[i])))
			goto out;
	}
	for (size_t i = 0; i < sizeof(demo_articles) / sizeof(demo_articles[0]); i++) {
		struct news_article art = { 0 };
		struct civil c;
		int64_t id, when;
		/* that day at hour:min in Vietnam */
		time_to_civil(now - (int64_t)demo_articles[i].days_ago * 86400, VN_UTC_OFFSET, &c);
		c.hour = demo_articles[i].hour;
		c.min = demo_articles[i].min;
		c.sec = 0;
		when = time_from_civil(&c, VN_UTC_OFFSET);
		for (size_t j = 0; j < sizeof(demo_categories) / sizeof(demo_categories[0]); j++)
			if (!strcmp(demo_categories[j].name, demo_articles[i].category))
				art.category_id = ids[j];
		art.unit_id = district;
		art.title = demo_articles[i].title;
		art.summary = demo_articles[i].summary;
		art.body = demo_articles[i].body;
		art.author_unit = DEMO_AUTHOR;
		art.featured = demo_articles[i].featured;
		art.created_by = editor;
		if ((rc = news_article_create(db, &a, &art, when, &id, NULL)))
			goto out;
		if ((rc = news_article_set_status(db, id, demo_articles[i].status,
						  demo_articles[i].status == NEWS_PUBLISHED ? when : 0,
						  when)))
			goto out;
		if ((rc = db_exec(db, "UPDATE news_articles SET views = ? WHERE id = ?", "ii",
				  (int64_t)demo_articles[i].views, id)) < 0)
			goto out;
		rc = 0;
	}
out:
	arena_release(&a);
	return rc < 0 ? rc : 0;
}
