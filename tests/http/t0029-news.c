/*
 * t0029-news: the news portal. The demo's news (news_demo) shows on the home page, its category
 * and article pages ("Ngày đăng dd/mm/yyyy | HH:MM | Lượt xem: N", one more per view). An editor
 * drafts an article (its <script> and javascript: link never reach the page), cannot publish it,
 * sends it for review; a ward's leader cannot publish the district's article, the district's
 * leader does. Clear Vietnamese messages for a form without a title. Slugs lose their tones and
 * stay unique. A publication scheduled for tomorrow shows nothing until its time. Category pages
 * go 10 to a page; search ignores tones; the Atom feed is well-formed XML; sitemap.xml lists the
 * article.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/timefmt.h"
#include "features/news.h"
#include "harness.h"
#include "rules/news.h"
#include "store/db.h"

#define DEMO_PASSWORD "ThanhXuan-Demo-2026"
#define DISTRICT      "000.00.15.H26"
#define SEED_SLUG     "quan-thanh-xuan-day-manh-cai-cach-hanh-chinh"

static struct test_server srv;
static struct db *db;
static struct ts_user editor, leader, ward_leader;

static long get(const char *path, struct http_resp *r)
{
	resp_free(r);
	resp_init(r);
	assert_int_equal(ts_as(&srv, NULL, "GET", path, NULL, r), 0);
	return r->status;
}

static long long sql_int(const char *sql, const char *types, int64_t a, int64_t b)
{
	return ts_sql_int(&srv, sql, types, a, b);
}

static long long cat_id(const char *slug)
{
	struct db_stmt *st;
	long long id = -1;
	if (db_query(db, &st, "SELECT id FROM news_categories WHERE slug = ?", "s", slug) == DB_ROW)
		id = db_col_int(st, 0);
	db_release_statements(db);
	return id;
}

static long long article_id(const char *slug)
{
	struct db_stmt *st;
	long long id = -1;
	if (db_query(db, &st, "SELECT id FROM news_articles WHERE slug = ?", "s", slug) == DB_ROW)
		id = db_col_int(st, 0);
	db_release_statements(db);
	return id;
}

/* POST the new-article form as u; the status. */
static long create(const struct ts_user *u, const char *title, const char *cat_slug, const char *body)
{
	struct http_resp r;
	char cat[32];
	char *form;
	snprintf(cat, sizeof(cat), "%lld", cat_id(cat_slug));
	form = ts_form(u, "title", title, "category_id", cat, "summary", "Tóm tắt bài viết thử nghiệm.",
		       "body", body, "author_unit", "Phòng Văn hóa và Thông tin quận", NULL);
	resp_init(&r);
	assert_int_equal(ts_as(&srv, u, "POST", "/quan-tri/tin-bai", form, &r), 0);
	free(form);
	long st = r.status;
	resp_free(&r);
	return st;
}

static long act(const struct ts_user *u, long long id, const char *action, const char *date, const char *time)
{
	struct http_resp r;
	char path[64];
	char *form = ts_form(u, "action", action, "publish_date", date ? date : "", "publish_time",
			     time ? time : "", NULL);
	snprintf(path, sizeof(path), "/quan-tri/tin-bai/%lld/trang-thai", id);
	resp_init(&r);
	assert_int_equal(ts_as(&srv, u, "POST", path, form, &r), 0);
	free(form);
	long st = r.status;
	resp_free(&r);
	return st;
}

static int setup(void **state)
{
	char *err = NULL;
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ts_init(&srv) || ts_demo(&srv))
		return -1;
	db = db_open(srv.db, &err);
	if (!db) {
		fprintf(stderr, "# %s\n", err);
		free(err);
		return -1;
	}
	/* what `motcua demo` will call */
	if (db_begin(db) || news_demo(db, time_now_us() / 1000000) || db_commit(db)) {
		fprintf(stderr, "# news_demo: %s\n", db_errmsg(db));
		return -1;
	}
	if (ts_launch(&srv, NULL, NULL))
		return -1;
	if (ts_login(&srv, "bientap", DEMO_PASSWORD, &editor) != 201 ||
	    ts_login(&srv, "lanhdao", DEMO_PASSWORD, &leader) != 201 ||
	    ts_login(&srv, "chutich.nhanchinh", DEMO_PASSWORD, &ward_leader) != 201)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	db_close(db);
	int rc = ts_stop(&srv);
	curl_global_cleanup();
	return rc;
}

static void demo_pages(void **state)
{
	struct http_resp r;
	char want[64];
	long long views;
	(void)state;
	resp_init(&r);
	assert_int_equal(get("/", &r), 200);
	assert_non_null(strstr(r.body.ptr, "Quận Thanh Xuân đẩy mạnh cải cách hành chính"));
	assert_non_null(strstr(r.body.ptr, "href=\"/thu-tuc\""));
	assert_non_null(strstr(r.body.ptr, "href=\"/tra-cuu\""));
	assert_non_null(strstr(r.body.ptr, "href=\"/chuyen-muc/cai-cach-hanh-chinh\""));
	/* the demo article in review is not public */
	assert_null(strstr(r.body.ptr, "Tập huấn sử dụng phần mềm"));

	views = sql_int("SELECT views FROM news_articles WHERE id = ?", "i", article_id(SEED_SLUG), 0);
	assert_int_equal(views, 39);
	assert_int_equal(get("/tin-tuc/" SEED_SLUG, &r), 200);
	assert_non_null(strstr(r.body.ptr, "Ngày đăng"));
	assert_non_null(strstr(r.body.ptr, "| 16:00</time> | Lượt xem: <span id=\"views\">40</span>"));
	assert_non_null(strstr(r.body.ptr, "Phòng Văn hóa và Thông tin quận"));
	assert_int_equal(get("/tin-tuc/" SEED_SLUG, &r), 200);
	snprintf(want, sizeof(want), "<span id=\"views\">41</span>");
	assert_non_null(strstr(r.body.ptr, want));
	/* views are written once a second, by the first view after it (and at shutdown) */
	usleep(1100 * 1000);
	assert_int_equal(get("/tin-tuc/" SEED_SLUG, &r), 200);
	assert_non_null(strstr(r.body.ptr, "<span id=\"views\">42</span>"));
	assert_int_equal(
		sql_int("SELECT views FROM news_articles WHERE id = ?", "i", article_id(SEED_SLUG), 0), 42);

	assert_int_equal(get("/tin-tuc/tap-huan-su-dung-phan-mem-mot-cua-dien-tu-cho-cong-chuc-phuong", &r),
			 404);
	assert_int_equal(get("/tin-tuc/khong-co-bai-nay", &r), 404);
	assert_int_equal(get("/chuyen-muc/tin-tuc-su-kien", &r), 200);
	/* a category shows its columns' articles */
	assert_non_null(strstr(r.body.ptr, "Phường Nhân Chính ra mắt"));
	assert_int_equal(get("/tin-tuc", &r), 200);
	assert_non_null(strstr(r.body.ptr, "Giới thiệu quận Thanh Xuân"));
	resp_free(&r);
}

static void workflow(void **state)
{
	struct http_resp r;
	long long id, ward_draft;
	char path[64];
	(void)state;
	resp_init(&r);
	/* an article without a title: the reason in Vietnamese, nothing written */
	long long before = sql_int("SELECT COUNT(*) FROM news_articles", NULL, 0, 0);
	char *form = ts_form(&editor, "title", "  ", "category_id", "1", "body", "x", NULL);
	assert_int_equal(ts_as(&srv, &editor, "POST", "/quan-tri/tin-bai", form, &r), 0);
	free(form);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body.ptr, "Nhập tiêu đề bài viết."));
	assert_int_equal(sql_int("SELECT COUNT(*) FROM news_articles", NULL, 0, 0), before);

	assert_int_equal(
		create(&editor, "Phường Khương Đình tổ chức ngày hội đọc sách", "tin-cac-phuong",
		       "Nội dung **đậm**.\n\n<script>alert('x')</script>\n\n[bấm vào](javascript:alert(1))\n"),
		303);
	id = article_id("phuong-khuong-dinh-to-chuc-ngay-hoi-doc-sach");
	assert_true(id > 0);
	assert_int_equal(sql_int("SELECT status FROM news_articles WHERE id = ?", "i", id, 0), NEWS_DRAFT);
	/* the same title again: a slug of its own */
	assert_int_equal(create(&editor, "Phường Khương Đình tổ chức ngày hội đọc sách", "tin-cac-phuong",
				"Bản 2"),
			 303);
	assert_true(article_id("phuong-khuong-dinh-to-chuc-ngay-hoi-doc-sach-2") > 0);

	/* a draft is not public; the editor cannot publish it, nor even an article in review */
	assert_int_equal(get("/tin-tuc/phuong-khuong-dinh-to-chuc-ngay-hoi-doc-sach", &r), 404);
	assert_int_equal(act(&editor, id, "publish", NULL, NULL), 403);
	assert_int_equal(act(&leader, id, "publish", NULL, NULL), 409); /* a draft is sent first */
	assert_int_equal(act(&editor, id, "submit", NULL, NULL), 303);
	assert_int_equal(sql_int("SELECT status FROM news_articles WHERE id = ?", "i", id, 0), NEWS_REVIEW);
	assert_int_equal(act(&editor, id, "publish", NULL, NULL), 403);
	/* a ward's leader does not publish the district's news */
	assert_int_equal(act(&ward_leader, id, "publish", NULL, NULL), 403);
	assert_int_equal(sql_int("SELECT status FROM news_articles WHERE id = ?", "i", id, 0), NEWS_REVIEW);
	/* the leader's page offers the publication, the editor's does not */
	snprintf(path, sizeof(path), "/quan-tri/tin-bai/%lld", id);
	resp_free(&r);
	resp_init(&r);
	assert_int_equal(ts_as(&srv, &leader, "GET", path, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "value=\"publish\""));
	resp_free(&r);
	resp_init(&r);
	assert_int_equal(ts_as(&srv, &editor, "GET", path, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body.ptr, "value=\"publish\""));
	assert_int_equal(act(&leader, id, "publish", NULL, NULL), 303);
	assert_int_equal(sql_int("SELECT status FROM news_articles WHERE id = ?", "i", id, 0),
			 NEWS_PUBLISHED);
	assert_true(sql_int("SELECT COUNT(*) FROM audit_log WHERE action = 'news.publish'", NULL, 0, 0) >= 1);

	assert_int_equal(get("/tin-tuc/phuong-khuong-dinh-to-chuc-ngay-hoi-doc-sach", &r), 200);
	assert_non_null(strstr(r.body.ptr, "<strong>đậm</strong>"));
	assert_null(strstr(r.body.ptr, "<script>alert"));
	assert_null(strstr(r.body.ptr, "javascript:"));
	/* a published article is edited by a leader only */
	form = ts_form(&editor, "title", "Sửa", "category_id", "1", "body", "x", NULL);
	resp_free(&r);
	resp_init(&r);
	assert_int_equal(ts_as(&srv, &editor, "POST", path, form, &r), 0);
	free(form);
	assert_int_equal(r.status, 403);
	/* unpublished: gone from the portal */
	assert_int_equal(act(&leader, id, "unpublish", NULL, NULL), 303);
	assert_int_equal(get("/tin-tuc/phuong-khuong-dinh-to-chuc-ngay-hoi-doc-sach", &r), 404);
	/* a ward's leader sees no district article in the admin */
	ward_draft = article_id("phuong-khuong-dinh-to-chuc-ngay-hoi-doc-sach-2");
	snprintf(path, sizeof(path), "/quan-tri/tin-bai/%lld", ward_draft);
	resp_free(&r);
	resp_init(&r);
	assert_int_equal(ts_as(&srv, &ward_leader, "GET", path, NULL, &r), 0);
	assert_int_equal(r.status, 403);
	resp_free(&r);
}

/* The count on the page of "Lượt xem: <span id="views">N</span>", or -1. */
static long long views_shown(const struct http_resp *r)
{
	const char *p = strstr(r->body.ptr, "<span id=\"views\">");
	long long n = 0;
	if (!p)
		return -1;
	for (p += strlen("<span id=\"views\">"); *p && *p != '<'; p++)
		if (*p >= '0' && *p <= '9')
			n = n * 10 + (*p - '0');
		else if (*p != '.')
			return -1;
	return n;
}

/*
 * Article pages are kept a second for anonymous visitors: every view still shows one more than
 * the one before, whoever reads it (a logged-in editor's page is rendered afresh), in either
 * language, and every view reaches the database.
 */
static void article_views_kept_pages(void **state)
{
	struct http_resp r;
	long long first, shown, in_db;
	int i;
	(void)state;
	resp_init(&r);
	assert_int_equal(get("/tin-tuc/" SEED_SLUG, &r), 200);
	first = views_shown(&r);
	assert_true(first > 0);
	for (i = 1; i <= 30; i++) {
		if (i == 10) {
			/* the editor's own page, not kept, continues the count */
			resp_free(&r);
			resp_init(&r);
			assert_int_equal(ts_as(&srv, &editor, "GET", "/tin-tuc/" SEED_SLUG, NULL, &r), 0);
		} else if (i == 20) {
			resp_free(&r);
			resp_init(&r);
			/* the English page is kept apart */
			assert_int_equal(http_req(&srv, "GET", "/tin-tuc/" SEED_SLUG,
						  (const char *const[]){ "Cookie: lang=en", NULL }, NULL, 0,
						  &r),
					 0);
			assert_non_null(strstr(r.body.ptr, "Views"));
		} else {
			assert_int_equal(get("/tin-tuc/" SEED_SLUG, &r), 200);
		}
		assert_int_equal(r.status, 200);
		shown = views_shown(&r);
		assert_int_equal(shown, first + i);
		/* nothing of the kept page's inner marker reaches a reader */
		assert_null(strstr(r.body.ptr, ">views"));
	}
	/* the page is kept: a title changed behind the server's back shows only after the second */
	assert_int_equal(db_exec(db, "UPDATE news_articles SET title = ? WHERE slug = ?", "ss",
				 "Tiêu đề đổi ngoài máy chủ", SEED_SLUG),
			 0);
	assert_int_equal(get("/tin-tuc/" SEED_SLUG, &r), 200);
	assert_null(strstr(r.body.ptr, "Tiêu đề đổi ngoài máy chủ"));
	assert_int_equal(views_shown(&r), first + 31);
	/* written once a second, by the first view after it */
	usleep(1100 * 1000);
	assert_int_equal(get("/tin-tuc/" SEED_SLUG, &r), 200);
	assert_non_null(strstr(r.body.ptr, "Tiêu đề đổi ngoài máy chủ"));
	assert_int_equal(views_shown(&r), first + 32);
	assert_int_equal(db_exec(db, "UPDATE news_articles SET title = ? WHERE slug = ?", "ss",
				 "Quận Thanh Xuân đẩy mạnh cải cách hành chính", SEED_SLUG),
			 0);
	in_db = sql_int("SELECT views FROM news_articles WHERE id = ?", "i", article_id(SEED_SLUG), 0);
	assert_int_equal(in_db, first + 32);
	resp_free(&r);
}

static void scheduled(void **state)
{
	struct http_resp r;
	struct civil c;
	char date[16];
	long long id;
	(void)state;
	resp_init(&r);
	assert_int_equal(create(&editor, "Thông báo lịch nghỉ Tết Nguyên đán", "thong-bao", "Lịch nghỉ."),
			 303);
	id = article_id("thong-bao-lich-nghi-tet-nguyen-dan");
	assert_int_equal(act(&editor, id, "submit", NULL, NULL), 303);
	time_to_civil(time_now_us() / 1000000 + 2 * 86400, VN_UTC_OFFSET, &c);
	snprintf(date, sizeof(date), "%04d-%02d-%02d", c.year, c.month, c.day);
	assert_int_equal(act(&leader, id, "publish", "2026-13-40", "08:00"), 400);
	assert_int_equal(act(&leader, id, "publish", date, "08:00"), 303);
	assert_int_equal(sql_int("SELECT status FROM news_articles WHERE id = ?", "i", id, 0),
			 NEWS_PUBLISHED);
	/* not yet: not on the page, the list, the feed or the sitemap */
	assert_int_equal(get("/tin-tuc/thong-bao-lich-nghi-tet-nguyen-dan", &r), 404);
	assert_int_equal(get("/chuyen-muc/thong-bao", &r), 200);
	assert_null(strstr(r.body.ptr, "Tết Nguyên đán"));
	assert_int_equal(get("/sitemap.xml", &r), 200);
	assert_null(strstr(r.body.ptr, "thong-bao-lich-nghi-tet-nguyen-dan"));
	/* its time has come */
	assert_int_equal(db_exec(db, "UPDATE news_articles SET published_at = ? WHERE id = ?", "ii",
				 time_now_us() / 1000000 - 60, (int64_t)id),
			 DB_DONE);
	assert_int_equal(get("/tin-tuc/thong-bao-lich-nghi-tet-nguyen-dan", &r), 200);
	resp_free(&r);
}

static void paging_search_feeds(void **state)
{
	struct http_resp r;
	int64_t now = time_now_us() / 1000000, cat, unit, id;
	struct arena a;
	(void)state;
	resp_init(&r);
	/* a new column with 12 articles */
	arena_init(&a);
	unit = ts_unit_id(db, DISTRICT);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(news_category_create(db, unit, 0, "Chuyên mục thử phân trang", 9, now, &cat), 0);
	for (int i = 1; i <= 12; i++) {
		struct news_article art = { 0 };
		char title[64];
		snprintf(title, sizeof(title), "Bài phân trang số %02d", i);
		art.category_id = cat;
		art.unit_id = unit;
		art.title = title;
		art.body = "x";
		assert_int_equal(news_article_create(db, &a, &art, now, &id, NULL), 0);
		assert_int_equal(news_article_set_status(db, id, NEWS_PUBLISHED, now - 3600 + i, now), 0);
	}
	assert_int_equal(db_commit(db), 0);
	arena_release(&a);
	assert_int_equal(get("/chuyen-muc/chuyen-muc-thu-phan-trang", &r), 200);
	assert_non_null(strstr(r.body.ptr, "Bài phân trang số 12")); /* the newest first */
	assert_non_null(strstr(r.body.ptr, "Bài phân trang số 03"));
	assert_null(strstr(r.body.ptr, "Bài phân trang số 02"));
	assert_non_null(strstr(r.body.ptr, "page=2"));
	assert_int_equal(get("/chuyen-muc/chuyen-muc-thu-phan-trang?page=2", &r), 200);
	assert_non_null(strstr(r.body.ptr, "Bài phân trang số 02"));
	assert_non_null(strstr(r.body.ptr, "Bài phân trang số 01"));
	assert_null(strstr(r.body.ptr, "Bài phân trang số 03"));
	assert_int_equal(get("/chuyen-muc/chuyen-muc-thu-phan-trang?page=0", &r), 400);

	/* search without tones, and with them in capitals */
	assert_int_equal(get("/tim-kiem?q=day+manh+cai+cach", &r), 200);
	assert_non_null(strstr(r.body.ptr, "/tin-tuc/" SEED_SLUG));
	assert_int_equal(get("/tim-kiem?q=%C4%90%E1%BA%A8Y+M%E1%BA%A0NH", &r), 200); /* ĐẨY MẠNH */
	assert_non_null(strstr(r.body.ptr, "/tin-tuc/" SEED_SLUG));
	assert_int_equal(get("/tim-kiem?q=khong+co+tu+nay+xyz", &r), 200);
	assert_null(strstr(r.body.ptr, "/tin-tuc/" SEED_SLUG));
	assert_non_null(strstr(r.body.ptr, "Không tìm thấy bài viết"));

	/* the Atom feed parses as XML */
	assert_int_equal(get("/chuyen-muc/cai-cach-hanh-chinh/atom.xml", &r), 200);
	{
		xmlDocPtr doc = xmlReadMemory(r.body.ptr, (int)r.body.len, "feed.xml", NULL, XML_PARSE_NONET);
		xmlNodePtr root;
		assert_non_null(doc);
		root = xmlDocGetRootElement(doc);
		assert_string_equal((const char *)root->name, "feed");
		xmlFreeDoc(doc);
	}
	assert_non_null(strstr(r.body.ptr, "<title>Quận Thanh Xuân đẩy mạnh cải cách hành chính</title>"));
	assert_int_equal(get("/tin-tuc/atom.xml", &r), 200);
	{
		xmlDocPtr doc = xmlReadMemory(r.body.ptr, (int)r.body.len, "feed.xml", NULL, XML_PARSE_NONET);
		assert_non_null(doc);
		xmlFreeDoc(doc);
	}
	assert_int_equal(get("/sitemap.xml", &r), 200);
	assert_non_null(strstr(r.body.ptr, "/tin-tuc/" SEED_SLUG "</loc>"));
	{
		xmlDocPtr doc =
			xmlReadMemory(r.body.ptr, (int)r.body.len, "sitemap.xml", NULL, XML_PARSE_NONET);
		assert_non_null(doc);
		xmlFreeDoc(doc);
	}
	/* the API */
	assert_int_equal(get("/api/v1/news?category=cai-cach-hanh-chinh", &r), 200);
	assert_non_null(strstr(r.body.ptr, SEED_SLUG));
	resp_free(&r);
}

static void categories_admin(void **state)
{
	struct http_resp r;
	char parent[32];
	char *form;
	(void)state;
	resp_init(&r);
	snprintf(parent, sizeof(parent), "%lld", cat_id("tin-tuc-su-kien"));
	form = ts_form(&editor, "name", "Tin văn hóa - thể thao", "parent_id", parent, "position", "3", NULL);
	assert_int_equal(ts_as(&srv, &editor, "POST", "/quan-tri/chuyen-muc", form, &r), 0);
	free(form);
	assert_int_equal(r.status, 303);
	assert_true(cat_id("tin-van-hoa-the-thao") > 0);
	resp_free(&r);
	resp_init(&r);
	form = ts_form(&editor, "name", "", NULL);
	assert_int_equal(ts_as(&srv, &editor, "POST", "/quan-tri/chuyen-muc", form, &r), 0);
	free(form);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body.ptr, "Nhập tên chuyên mục."));
	/* a citizen-facing visitor without a login is sent to log in */
	resp_free(&r);
	resp_init(&r);
	assert_int_equal(ts_as(&srv, &ward_leader, "GET", "/quan-tri/chuyen-muc", NULL, &r), 0);
	assert_int_equal(r.status, 200); /* a leader publishes in his ward: he may see the list */
	resp_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(demo_pages),	    cmocka_unit_test(workflow),
		cmocka_unit_test(scheduled),	    cmocka_unit_test(paging_search_feeds),
		cmocka_unit_test(categories_admin), cmocka_unit_test(article_views_kept_pages),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
