/* news.c: slugs and the workflow of news articles (rules/news.h). */
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "rules/fold.h"
#include "rules/news.h"
#include "core/banned.h"

const char *news_status_name(int status)
{
	switch (status) {
	case NEWS_DRAFT: return "draft";
	case NEWS_REVIEW: return "review";
	case NEWS_PUBLISHED: return "published";
	case NEWS_UNPUBLISHED: return "unpublished";
	}
	return NULL;
}

const char *news_status_label(int status)
{
	switch (status) {
	case NEWS_DRAFT: return "Draft";
	case NEWS_REVIEW: return "In review";
	case NEWS_PUBLISHED: return "Published";
	case NEWS_UNPUBLISHED: return "Unpublished";
	}
	return NULL;
}

int news_action_from_name(const char *name)
{
	if (!name)
		return 0;
	if (!strcmp(name, "submit"))
		return NEWS_SUBMIT;
	if (!strcmp(name, "publish"))
		return NEWS_PUBLISH;
	if (!strcmp(name, "return"))
		return NEWS_RETURN;
	if (!strcmp(name, "unpublish"))
		return NEWS_UNPUBLISH;
	return 0;
}

const char *news_action_permission(int action)
{
	return action == NEWS_SUBMIT ? "news.edit" : "news.publish";
}

int news_next_status(int status, int action)
{
	switch (action) {
	case NEWS_SUBMIT: return status == NEWS_DRAFT || status == NEWS_UNPUBLISHED ? NEWS_REVIEW : 0;
	case NEWS_PUBLISH:
		/* a leader may publish what is in review, or put back what was taken off */
		return status == NEWS_REVIEW || status == NEWS_UNPUBLISHED ? NEWS_PUBLISHED : 0;
	case NEWS_RETURN: return status == NEWS_REVIEW ? NEWS_DRAFT : 0;
	case NEWS_UNPUBLISH: return status == NEWS_PUBLISHED ? NEWS_UNPUBLISHED : 0;
	}
	return 0;
}

const char *news_edit_permission(int status)
{
	return status == NEWS_PUBLISHED ? "news.publish" : "news.edit";
}

size_t news_slug(const char *title, char *out, size_t n)
{
	size_t len = title ? strlen(title) : 0, o = 0;
	char *folded;

	if (n < NEWS_SLUG_MAX + 1) {
		if (n)
			out[0] = '\0';
		return 0;
	}
	out[0] = '\0';
	if (!title)
		return 0;
	folded = xmalloc(len + 1);
	if (fold_text(title, folded, len + 1) < 0) {
		free(folded);
		return 0;
	}
	/* folded words are [a-z0-9]+ separated by one space */
	for (const char *w = folded; *w;) {
		const char *e = strchr(w, ' ');
		size_t wl = e ? (size_t)(e - w) : strlen(w);
		size_t need = wl + (o ? 1 : 0);
		if (o + need > NEWS_SLUG_MAX) {
			if (!o) { /* one word longer than a slug: cut it */
				memcpy(out, w, NEWS_SLUG_MAX);
				o = NEWS_SLUG_MAX;
			}
			break;
		}
		if (o)
			out[o++] = '-';
		memcpy(out + o, w, wl);
		o += wl;
		w = e ? e + 1 : w + wl;
	}
	out[o] = '\0';
	free(folded);
	return o;
}

int news_slug_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (!n || n > NEWS_SLUG_MAX || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}
