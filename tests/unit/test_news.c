/* test_news.c: slugs, the workflow and the Markdown of news articles. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "features/news.h"
#include "rules/news.h"

static void slugs(void **state)
{
	char s[NEWS_SLUG_MAX + 1];
	assert_int_equal(news_slug("Quận Thanh Xuân đẩy mạnh cải cách hành chính", s, sizeof(s)), 44);
	assert_string_equal(s, "quan-thanh-xuan-day-manh-cai-cach-hanh-chinh");
	news_slug("  Tin tức - Sự kiện!! ", s, sizeof(s));
	assert_string_equal(s, "tin-tuc-su-kien");
	assert_int_equal(news_slug("!!! ???", s, sizeof(s)), 0);
	assert_string_equal(s, "");
	/* long titles are cut between words */
	news_slug(
		"Hội nghị tổng kết công tác cải cách hành chính năm 2025 và triển khai nhiệm vụ năm 2026 của "
		"UBND quận Thanh Xuân",
		s, sizeof(s));
	assert_true(strlen(s) <= NEWS_SLUG_MAX);
	assert_true(news_slug_valid(s));
	assert_true(s[strlen(s) - 1] != '-');
	assert_false(news_slug_valid("Quan"));
	assert_false(news_slug_valid("-a"));
	assert_false(news_slug_valid(""));
	assert_true(news_slug_valid("tin-tuc-2"));
}

static void workflow(void **state)
{
	assert_int_equal(news_next_status(NEWS_DRAFT, NEWS_SUBMIT), NEWS_REVIEW);
	assert_int_equal(news_next_status(NEWS_DRAFT, NEWS_PUBLISH), 0); /* a leader approves what is sent */
	assert_int_equal(news_next_status(NEWS_REVIEW, NEWS_PUBLISH), NEWS_PUBLISHED);
	assert_int_equal(news_next_status(NEWS_REVIEW, NEWS_RETURN), NEWS_DRAFT);
	assert_int_equal(news_next_status(NEWS_PUBLISHED, NEWS_UNPUBLISH), NEWS_UNPUBLISHED);
	assert_int_equal(news_next_status(NEWS_PUBLISHED, NEWS_SUBMIT), 0);
	assert_int_equal(news_next_status(NEWS_UNPUBLISHED, NEWS_PUBLISH), NEWS_PUBLISHED);
	assert_string_equal(news_action_permission(NEWS_SUBMIT), "news.edit");
	assert_string_equal(news_action_permission(NEWS_PUBLISH), "news.publish");
	assert_string_equal(news_action_permission(NEWS_UNPUBLISH), "news.publish");
	assert_string_equal(news_edit_permission(NEWS_PUBLISHED), "news.publish");
	assert_string_equal(news_edit_permission(NEWS_DRAFT), "news.edit");
	assert_int_equal(news_action_from_name("publish"), NEWS_PUBLISH);
	assert_int_equal(news_action_from_name("delete"), 0);
}

static void markdown_safe(void **state)
{
	char *h = news_markdown_html("## Kết quả\n\n**đậm** và [liên kết](/tra-cuu)\n\n"
				     "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
				     "[bấm](javascript:alert(1)) ![a](data:text/html;base64,PHNjcmlwdD4=)\n\n"
				     "| A | B |\n|---|---|\n| 1 | 2 |\n");
	assert_non_null(strstr(h, "<h2>Kết quả</h2>"));
	assert_non_null(strstr(h, "<strong>đậm</strong>"));
	assert_non_null(strstr(h, "<a href=\"/tra-cuu\">liên kết</a>"));
	assert_non_null(strstr(h, "<table>"));
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "onerror"));
	assert_null(strstr(h, "javascript:"));
	assert_null(strstr(h, "data:text/html"));
	free(h);
	h = news_markdown_html("<a href=\"https://x\">x</a> inline <b onclick=\"x()\">b</b>");
	assert_null(strstr(h, "<a href"));
	assert_null(strstr(h, "onclick"));
	free(h);
}

static void article_check(void **state)
{
	struct news_article a = { 0 };
	const char *why = NULL;
	a.title = "";
	assert_string_equal(news_article_check(&a, &why), "title");
	a.title = "Tin";
	a.body = "dòng 1\ndòng 2\r\n";
	assert_null(news_article_check(&a, &why));
	a.body = "bad \x01";
	assert_string_equal(news_article_check(&a, &why), "body");
	a.body = "bad \xff";
	assert_string_equal(news_article_check(&a, &why), "body");
	/* well-formed UTF-8 only (core/utf8.h): no surrogate, overlong form or code point past U+10FFFF */
	a.body = "bad \xed\xa0\x80";
	assert_string_equal(news_article_check(&a, &why), "body");
	a.body = "bad \xe0\x80\xaf";
	assert_string_equal(news_article_check(&a, &why), "body");
	a.body = "bad \xf5\x80\x80\x80";
	assert_string_equal(news_article_check(&a, &why), "body");
	a.body = "Quyết định";
	assert_null(news_article_check(&a, &why));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(slugs),
		cmocka_unit_test(workflow),
		cmocka_unit_test(markdown_safe),
		cmocka_unit_test(article_check),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
