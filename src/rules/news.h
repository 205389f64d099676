/* news.h: the rules of news articles (tin bài): their slugs and their workflow, without I/O. */
#ifndef RULES_NEWS_H
#define RULES_NEWS_H

#include <stddef.h>

/* An article's status (as stored). */
enum news_status {
	NEWS_DRAFT = 1,	      /* "draft": nháp */
	NEWS_REVIEW = 2,      /* "review": chờ duyệt */
	NEWS_PUBLISHED = 3,   /* "published": đã đăng (shown from published_at on) */
	NEWS_UNPUBLISHED = 4, /* "unpublished": đã gỡ */
};

/* What is done to an article: editors submit, leaders publish, return and unpublish. */
enum news_action {
	NEWS_SUBMIT = 1, /* "submit": an editor sends a draft for review (news.edit) */
	NEWS_PUBLISH,	 /* "publish": a leader approves and publishes, maybe later (news.publish) */
	NEWS_RETURN,	 /* "return": a leader sends it back to the editor as a draft (news.publish) */
	NEWS_UNPUBLISH,	 /* "unpublish": a leader takes it off the portal (news.publish) */
};

/* A slug: at most this many bytes. */
#define NEWS_SLUG_MAX 80

/* "draft" …, and the English msgid for people ("Draft", "In review" …); NULL when out of range. */
const char *news_status_name(int status);
const char *news_status_label(int status);
/* "submit" … → enum news_action; 0 when unknown. */
int news_action_from_name(const char *name);
/* The permission an action needs: "news.edit" or "news.publish". */
const char *news_action_permission(int action);
/* The status after `action` on an article in `status`; 0 when the action is not allowed then. */
int news_next_status(int status, int action);
/*
 * Who may change the content: an editor (news.edit) while the article is not
 * published; a published one only a leader (news.publish). Returns the action name.
 */
const char *news_edit_permission(int status);

/*
 * The slug of a title: folded without tones (rules/fold.h), lower case,
 * words joined by '-', at most NEWS_SLUG_MAX bytes, cut between words:
 * "Quận Thanh Xuân đẩy mạnh cải cách hành chính" →
 * "quan-thanh-xuan-day-manh-cai-cach-hanh-chinh". out needs
 * NEWS_SLUG_MAX + 1 bytes. Returns the length; 0 when nothing is left
 * (a title of punctuation only, or not UTF-8).
 */
size_t news_slug(const char *title, char *out, size_t n);
/* 1 when s looks like a slug: 1..NEWS_SLUG_MAX of [a-z0-9-], no '-' at either end. */
int news_slug_valid(const char *s);

#endif
