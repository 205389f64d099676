/*
 * pages_news_admin.c: the news portal's administration: articles (/quan-tri/tin-bai) drafted by
 * editors (news.edit) and published by leaders (news.publish) at the article's unit, and the
 * categories (/quan-tri/chuyen-muc). The permission layer decides every step (access.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/i18n.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "features/news.h"
#include "features/org.h"
#include "rules/news.h"
#include "store/db.h"
#include "web/app.h"
#include "web/news_images.h"
#include "core/banned.h"

#define ADMIN_PATH     "/quan-tri/tin-bai"
#define CATS_PATH      "/quan-tri/chuyen-muc"
#define ADMIN_LIST_MAX 200

/* ---- helpers ---- */

static const char *when_text(struct request *req, int64_t t)
{
	char d[16], h[8];
	if (!t)
		return "";
	time_fmt_date_vn(d, sizeof(d), t);
	time_fmt_time_vn(h, sizeof(h), t);
	return arena_printf(&req->arena, "%s %s", d, h);
}

static const char *status_label(int status)
{
	const char *l = news_status_label(status);
	return l ? _(l) : "";
}

/*
 * The units where the account edits or publishes news, sorted, without
 * duplicates: 0, or 1 after answering (403 when there is none, 503).
 */
static int news_units(struct request *req, int64_t **units, size_t *n)
{
	int64_t *e = NULL, *p = NULL, *all;
	size_t ne = 0, np = 0, k = 0;
	if (req_staff_only(req))
		return 1;
	if (req_scope(req, "news.edit", &e, &ne) || req_scope(req, "news.publish", &p, &np))
		return 1;
	all = arena_calloc(&req->arena, ne + np + 1, sizeof(*all));
	for (size_t i = 0, j = 0; i < ne || j < np;) {
		int64_t v = j >= np || (i < ne && e[i] <= p[j]) ? e[i++] : p[j++];
		if (!k || all[k - 1] != v)
			all[k++] = v;
	}
	if (!k) {
		resp_error(req, 403, "forbidden", _("You do not edit or publish news in any unit."));
		return 1;
	}
	*units = all;
	*n = k;
	return 0;
}

static json_t *category_choices(const struct news_category *cats, size_t n, int64_t chosen, int with_none)
{
	json_t *a = json_array();
	if (with_none)
		json_array_append_new(a, json_pack("{s:s,s:s}", "value", "", "label", _("(top level)")));
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_pack("{s:I,s:o}", "value", (json_int_t)cats[i].id, "label",
				      json_sprintf("%s%s", cats[i].depth ? "— " : "", cats[i].name));
		if (cats[i].id == chosen)
			json_object_set_new(o, "selected", json_true());
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *unit_choices(struct request *req, const int64_t *units, size_t n, int64_t chosen)
{
	struct db *db = db_thread();
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		struct unit u;
		int found = db && org_unit_load(db, &req->arena, units[i], &u) == 0;
		json_t *o =
			json_pack("{s:I,s:s}", "value", (json_int_t)units[i], "label", found ? u.name : "?");
		if (units[i] == chosen)
			json_object_set_new(o, "selected", json_true());
		json_array_append_new(a, o);
	}
	return a;
}

/* ---- the list ---- */

int page_news_admin(struct request *req)
{
	struct db *db = db_thread();
	int64_t *units = NULL;
	size_t nunits = 0, n = 0, total = 0;
	struct news_article *rows = NULL;
	struct news_query q = { 0 };
	const char *st = req_query(req, "status"), *msg = req_query(req, "msg");
	json_t *ctx, *list, *filters;

	if (news_units(req, &units, &nunits))
		return 0;
	q.staff = 1;
	q.units = units;
	q.n_units = nunits;
	q.limit = ADMIN_LIST_MAX;
	for (int s = NEWS_DRAFT; s <= NEWS_UNPUBLISHED; s++)
		if (st && !strcmp(st, news_status_name(s)))
			q.status = s;
	if (!db || news_list(db, &req->arena, &q, &rows, &n, &total)) {
		resp_unavailable(req);
		return 0;
	}
	ctx = page_context(req, _("News articles"));
	resp_header(req, "Cache-Control", "no-store");
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_pack("{s:s,s:o,s:s,s:s,s:s,s:s,s:I}", "title", rows[i].title, "href",
				      json_sprintf(ADMIN_PATH "/%lld", (long long)rows[i].id), "category",
				      rows[i].category_name, "status", status_label(rows[i].status),
				      "status_name", news_status_name(rows[i].status), "updated",
				      when_text(req, rows[i].updated_at), "views", (json_int_t)rows[i].views);
		if (rows[i].status == NEWS_PUBLISHED) {
			json_object_set_new(o, "published",
					    json_string(when_text(req, rows[i].published_at)));
			json_object_set_new(o, "public_href", json_sprintf("/tin-tuc/%s", rows[i].slug));
			if (rows[i].published_at > req_now(req))
				json_object_set_new(o, "scheduled", json_true());
		}
		json_array_append_new(list, o);
	}
	json_object_set_new(ctx, "articles", list);
	json_object_set_new(ctx, "has_articles", json_boolean(n > 0));
	filters = json_array();
	json_array_append_new(filters, json_pack("{s:s,s:s,s:b}", "href", ADMIN_PATH, "label", _("All"),
						 "current", q.status == 0));
	for (int s = NEWS_DRAFT; s <= NEWS_UNPUBLISHED; s++)
		json_array_append_new(filters,
				      json_pack("{s:o,s:s,s:b}", "href",
						json_sprintf(ADMIN_PATH "?status=%s", news_status_name(s)),
						"label", status_label(s), "current", q.status == s));
	json_object_set_new(ctx, "filters", filters);
	if (msg && !strcmp(msg, "created"))
		json_object_set_new(ctx, "notice", json_string(_("The draft was saved.")));
	page_render(req, 200, "news_admin", ctx);
	return 0;
}

/* ---- the form ---- */

struct form {
	struct news_article a;
	json_t *errors;
};

static void form_error(struct form *f, const char *field, const char *msg)
{
	if (!json_object_get(f->errors, field))
		json_object_set_new(f->errors, field, json_string(msg));
}

/* The form's fields into f->a (category and unit checked against the lists). */
static void form_read(struct request *req, const struct news_category *cats, size_t ncats,
		      const int64_t *units, size_t nunits, struct form *f)
{
	const char *why = NULL, *field;
	int64_t cat = input_id(req_form(req, "category_id"));
	int64_t unit = input_id(req_form(req, "unit_id"));
	size_t i;
	f->errors = json_object();
	f->a.title = input_trim(req, req_form(req, "title"));
	f->a.summary = input_trim(req, req_form(req, "summary"));
	f->a.body = req_form(req, "body") ? req_form(req, "body") : "";
	f->a.author_unit = input_trim(req, req_form(req, "author_unit"));
	f->a.featured = req_form(req, "featured") && !strcmp(req_form(req, "featured"), "1");
	f->a.image_sha = "";
	for (i = 0; i < ncats && cats[i].id != cat; i++)
		;
	if (i == ncats)
		form_error(f, "category_id", _("Choose a category from the list."));
	f->a.category_id = cat;
	if (!unit) /* one unit, or the form without the choice: the first (the highest, made first) */
		unit = units[0];
	if (!ids_contain(units, nunits, unit))
		form_error(f, "unit_id", _("Choose a unit from the list."));
	f->a.unit_id = unit;
	if ((field = news_article_check(&f->a, &why)))
		form_error(f, field, _(why));
}

static void form_render(struct request *req, int status, struct form *f, const struct news_category *cats,
			size_t ncats, const int64_t *units, size_t nunits, const char *error,
			const char *notice, const struct news_image_form *img)
{
	json_t *ctx = page_context(req, f->a.id ? _("Edit the article") : _("New article"));
	json_t *form = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "title", f->a.title ? f->a.title : "",
				 "summary", f->a.summary ? f->a.summary : "", "body",
				 f->a.body ? f->a.body : "", "author_unit",
				 f->a.author_unit ? f->a.author_unit : "", "csrf", req_csrf(req), "featured",
				 f->a.featured);
	resp_header(req, "Cache-Control", "no-store");
	json_object_set_new(form, "action",
			    f->a.id ? json_sprintf(ADMIN_PATH "/%lld", (long long)f->a.id)
				    : json_string(ADMIN_PATH));
	json_object_set_new(form, "categories", category_choices(cats, ncats, f->a.category_id, 0));
	if (nunits > 1) {
		json_object_set_new(form, "units", unit_choices(req, units, nunits, f->a.unit_id));
		json_object_set_new(form, "has_units", json_true());
	}
	json_object_set_new(ctx, "form", form);
	json_object_set_new(ctx, "errors", f->errors ? f->errors : json_object());
	f->errors = NULL;
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	if (notice)
		json_object_set_new(ctx, "notice", json_string(notice));
	if (f->a.id) {
		struct db *db = db_thread();
		const struct news_article *a = &f->a;
		json_t *acts = json_array();
		char *html = news_markdown_html(a->body ? a->body : "");
		json_object_set_new(ctx, "edit", json_true());
		json_object_set_new(ctx, "article",
				    json_pack("{s:s,s:s,s:s,s:o,s:s}", "status", status_label(a->status),
					      "slug", a->slug ? a->slug : "", "published",
					      when_text(req, a->published_at), "act",
					      json_sprintf(ADMIN_PATH "/%lld/trang-thai", (long long)a->id),
					      "preview_html", html));
		free(html);
		if (a->status == NEWS_PUBLISHED)
			json_object_set_new(json_object_get(ctx, "article"), "public_href",
					    json_sprintf("/tin-tuc/%s", a->slug));
		if (db)
			news_images_context(req, db, a, img, ctx);
		for (int act = NEWS_SUBMIT; act <= NEWS_UNPUBLISH; act++) {
			static const char *const names[] = { "", "submit", "publish", "return", "unpublish" };
			static const char *const labels[] = { "", N_("Send for review"),
							      N_("Approve and publish"),
							      N_("Return to the editor"), N_("Unpublish") };
			if (!news_next_status(a->status, act) ||
			    req_can(req, news_action_permission(act), a->unit_id, 0, NULL) != 1)
				continue;
			json_array_append_new(acts,
					      json_pack("{s:s,s:s,s:b}", "name", names[act], "label",
							_(labels[act]), "publish", act == NEWS_PUBLISH));
		}
		json_object_set_new(ctx, "actions", acts);
		json_object_set_new(ctx, "has_actions", json_boolean(json_array_size(acts) > 0));
	}
	page_render(req, status, "news_form", ctx);
}

int page_news_new(struct request *req)
{
	struct db *db = db_thread();
	struct news_category *cats = NULL;
	int64_t *units = NULL;
	size_t ncats = 0, nunits = 0;
	struct form f = { 0 };
	if (news_units(req, &units, &nunits))
		return 0;
	if (!db || news_categories(db, &req->arena, &cats, &ncats)) {
		resp_unavailable(req);
		return 0;
	}
	f.a.unit_id = units[0];
	form_render(req, 200, &f, cats, ncats, units, nunits, NULL, NULL, NULL);
	return 0;
}

int page_news_create(struct request *req)
{
	struct db *db = db_thread();
	struct news_category *cats = NULL;
	int64_t *units = NULL, id = 0;
	size_t ncats = 0, nunits = 0;
	struct form f = { 0 };
	int rc;

	if (news_units(req, &units, &nunits))
		return 0;
	if (!db || news_categories(db, &req->arena, &cats, &ncats)) {
		resp_unavailable(req);
		return 0;
	}
	form_read(req, cats, ncats, units, nunits, &f);
	if (!json_object_size(f.errors) && req_can(req, "news.edit", f.a.unit_id, 0, NULL) != 1)
		form_error(&f, "unit_id", _("You may not write news for this unit."));
	if (json_object_size(f.errors)) {
		form_render(req, 422, &f, cats, ncats, units, nunits, _("Correct the fields marked below."),
			    NULL, NULL);
		return 0;
	}
	json_decref(f.errors);
	f.errors = NULL;
	f.a.created_by = req_user(req)->id;
	if (db_begin(db)) {
		resp_unavailable(req);
		return 0;
	}
	rc = news_article_create(db, &req->arena, &f.a, req_now(req), &id, NULL);
	if (rc == 1) {
		db_rollback(db);
		f.errors = json_object();
		form_error(&f, "title", _("The title must have letters or digits."));
		form_render(req, 422, &f, cats, ncats, units, nunits, _("Correct the fields marked below."),
			    NULL, NULL);
		return 0;
	}
	if (rc ||
	    req_audit_json(req, db, "news.create", arena_printf(&req->arena, "news:%lld", (long long)id),
			   json_pack("{s:s}", "title", f.a.title)) ||
	    db_commit(db)) {
		db_rollback(db);
		log_error("event=db msg=\"news create failed\" rc=%d id=%s", rc, req->id);
		resp_unavailable(req);
		return 0;
	}
	resp_redirect(req, arena_printf(&req->arena, ADMIN_PATH "/%lld?msg=created", (long long)id));
	return 0;
}

/* The route's article, which the account may at least edit or publish: 0, or 1 after answering. */
static int article_load(struct request *req, struct db *db, struct news_article *a)
{
	int64_t id = req_param_id(req);
	int rc;
	if (req_staff_only(req))
		return 1;
	if (!db || (rc = news_article_by_id(db, &req->arena, id, a)) < 0) {
		resp_unavailable(req);
		return 1;
	}
	if (rc) {
		resp_error(req, 404, "not_found", _("There is no such article."));
		return 1;
	}
	if (req_can(req, "news.edit", a->unit_id, 0, NULL) != 1 &&
	    req_require(req, "news.publish", a->unit_id, 0))
		return 1;
	return 0;
}

int page_news_edit(struct request *req)
{
	struct db *db = db_thread();
	struct news_category *cats = NULL;
	size_t ncats = 0;
	struct form f = { 0 };
	const char *msg = req_query(req, "msg"), *notice = NULL;
	if (article_load(req, db, &f.a))
		return 0;
	if (news_categories(db, &req->arena, &cats, &ncats)) {
		resp_unavailable(req);
		return 0;
	}
	if (msg && !strcmp(msg, "created"))
		notice = _("The draft was saved.");
	else if (msg && !strcmp(msg, "saved"))
		notice = _("The article was saved.");
	else if (msg && !strcmp(msg, "status"))
		notice = _("The article's status was changed.");
	else if (msg && !strcmp(msg, "image"))
		notice = _("The image was uploaded.");
	else if (msg && !strcmp(msg, "image_alt"))
		notice = _("The article already had this image: its description was updated.");
	else if (msg && !strcmp(msg, "image_main"))
		notice = _("The article's main image was changed.");
	else if (msg && !strcmp(msg, "image_detached"))
		notice = _("The article no longer has a main image.");
	form_render(req, 200, &f, cats, ncats, &f.a.unit_id, 1, NULL, notice, NULL);
	return 0;
}

void news_edit_page(struct request *req, struct db *db, const struct news_article *a, int status,
		    const char *error, const struct news_image_form *img)
{
	struct news_category *cats = NULL;
	size_t ncats = 0;
	struct form f = { 0 };
	if (news_categories(db, &req->arena, &cats, &ncats)) {
		resp_unavailable(req);
		return;
	}
	f.a = *a;
	form_render(req, status, &f, cats, ncats, &f.a.unit_id, 1, error, NULL, img);
}

int page_news_update(struct request *req)
{
	struct db *db = db_thread();
	struct news_category *cats = NULL;
	size_t ncats = 0;
	struct news_article old;
	struct form f = { 0 };
	int rc;

	if (article_load(req, db, &old))
		return 0;
	if (req_require(req, news_edit_permission(old.status), old.unit_id, 0))
		return 0;
	if (news_categories(db, &req->arena, &cats, &ncats)) {
		resp_unavailable(req);
		return 0;
	}
	form_read(req, cats, ncats, &old.unit_id, 1, &f);
	f.a.id = old.id;
	f.a.unit_id = old.unit_id;
	f.a.slug = old.slug;
	f.a.status = old.status;
	f.a.published_at = old.published_at;
	f.a.image_sha = old.image_sha;
	if (json_object_size(f.errors)) {
		form_render(req, 422, &f, cats, ncats, &old.unit_id, 1, _("Correct the fields marked below."),
			    NULL, NULL);
		return 0;
	}
	json_decref(f.errors);
	f.errors = NULL;
	if (db_begin(db)) {
		resp_unavailable(req);
		return 0;
	}
	rc = news_article_update(db, &f.a, req_now(req));
	if (rc ||
	    req_audit_json(req, db, "news.update", arena_printf(&req->arena, "news:%lld", (long long)old.id),
			   json_pack("{s:s}", "title", f.a.title)) ||
	    db_commit(db)) {
		db_rollback(db);
		resp_unavailable(req);
		return 0;
	}
	resp_redirect(req, arena_printf(&req->arena, ADMIN_PATH "/%lld?msg=saved", (long long)old.id));
	return 0;
}

/* "HH:MM" → seconds after midnight; -1 when not a time. */
static int64_t parse_hhmm(const char *s)
{
	if (!s || strlen(s) != 5 || s[2] != ':' || strspn(s, "0123456789:") != 5)
		return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 23 || m > 59)
		return -1;
	return (int64_t)h * 3600 + m * 60;
}

int page_news_act(struct request *req)
{
	struct db *db = db_thread();
	struct news_article a;
	int action = news_action_from_name(req_form(req, "action"));
	int64_t when = 0, now = req_now(req);
	int next, rc;

	if (article_load(req, db, &a))
		return 0;
	if (!action) {
		resp_error(req, 400, "bad_action", _("Choose an action from the page."));
		return 0;
	}
	if (req_require(req, news_action_permission(action), a.unit_id, 0))
		return 0;
	if (!(next = news_next_status(a.status, action))) {
		resp_error(req, 409, "bad_status",
			   _("This cannot be done to the article in its present status. Reload the page."));
		return 0;
	}
	if (action == NEWS_PUBLISH) {
		const char *d = input_trim(req, req_form(req, "publish_date"));
		const char *t = input_trim(req, req_form(req, "publish_time"));
		when = now;
		if (*d || *t) {
			int64_t day = input_day(d), sec = *t ? parse_hhmm(t) : 0;
			if (!day || sec < 0) {
				resp_error(
					req, 400, "bad_time",
					_("Enter the publication date as dd/mm/yyyy from the calendar and the time as HH:MM, or leave both empty to publish now."));
				return 0;
			}
			when = day + sec;
			if (when < now)
				when = now; /* a time past is now: the order of the news stays true */
		}
	}
	if (db_begin(db)) {
		resp_unavailable(req);
		return 0;
	}
	rc = news_article_set_status(db, a.id, next, when, now);
	if (rc ||
	    req_audit_json(req, db, arena_printf(&req->arena, "news.%s", req_form(req, "action")),
			   arena_printf(&req->arena, "news:%lld", (long long)a.id),
			   json_pack("{s:s,s:s,s:I}", "from", news_status_name(a.status), "to",
				     news_status_name(next), "published_at", (json_int_t)when)) ||
	    db_commit(db)) {
		db_rollback(db);
		resp_unavailable(req);
		return 0;
	}
	resp_redirect(req, arena_printf(&req->arena, ADMIN_PATH "/%lld?msg=status", (long long)a.id));
	return 0;
}

/* ---- categories ---- */

static void cats_render(struct request *req, int status, json_t *errors, const char *notice)
{
	struct db *db = db_thread();
	struct news_category *cats = NULL;
	size_t ncats = 0;
	json_t *ctx, *list;
	if (!db || news_categories(db, &req->arena, &cats, &ncats)) {
		json_decref(errors);
		resp_unavailable(req);
		return;
	}
	ctx = page_context(req, _("News categories"));
	resp_header(req, "Cache-Control", "no-store");
	list = json_array();
	for (size_t i = 0; i < ncats; i++)
		json_array_append_new(
			list, json_pack("{s:I,s:s,s:s,s:o,s:b,s:I,s:o,s:o,s:s}", "id", (json_int_t)cats[i].id,
					"name", cats[i].name, "slug", cats[i].slug, "href",
					json_sprintf("/chuyen-muc/%s", cats[i].slug), "sub",
					cats[i].depth > 0, "position", (json_int_t)cats[i].position, "action",
					json_sprintf(CATS_PATH "/%lld", (long long)cats[i].id), "parents",
					category_choices(cats, ncats, cats[i].parent_id, 1), "csrf",
					req_csrf(req)));
	json_object_set_new(ctx, "categories", list);
	json_object_set_new(ctx, "parents", category_choices(cats, ncats, 0, 1));
	json_object_set_new(ctx, "csrf", json_string(req_csrf(req)));
	json_object_set_new(ctx, "errors", errors ? errors : json_object());
	if (errors && json_object_size(errors))
		json_object_set_new(ctx, "error", json_string(_("Correct the fields marked below.")));
	if (notice)
		json_object_set_new(ctx, "notice", json_string(notice));
	page_render(req, status, "news_categories", ctx);
}

int page_news_categories(struct request *req)
{
	int64_t *units = NULL;
	size_t nunits = 0;
	const char *msg = req_query(req, "msg");
	if (news_units(req, &units, &nunits))
		return 0;
	cats_render(req, 200, NULL,
		    msg && !strcmp(msg, "created") ? _("The category was added.")
		    : msg && !strcmp(msg, "saved") ? _("The category was saved.")
						   : NULL);
	return 0;
}

/* The name and parent of the category form: 0, or 1 with errors set. */
static int cat_form(struct request *req, struct db *db, int64_t self, const char **name, int64_t *parent,
		    int *position, json_t *errors)
{
	struct news_category p;
	const char *pos = input_trim(req, req_form(req, "position"));
	char slug[NEWS_SLUG_MAX + 1];
	*name = input_trim(req, req_form(req, "name"));
	*parent = input_id(req_form(req, "parent_id"));
	*position = *pos ? (int)input_id(pos) : 0;
	if (!**name)
		json_object_set_new(errors, "name", json_string(_("Enter the name of the category.")));
	else if (utf8_chars(*name) > NEWS_CATEGORY_MAX)
		json_object_set_new(errors, "name",
				    json_string(_("The name is too long: at most 100 characters.")));
	else if (!news_slug(*name, slug, sizeof(slug)))
		json_object_set_new(errors, "name", json_string(_("The name must have letters or digits.")));
	if (*pos && (!input_id(pos) || input_id(pos) > 1000))
		json_object_set_new(errors, "position",
				    json_string(_("The order is a number from 1 to 1000.")));
	if (*parent) {
		int rc = news_category_by_id(db, &req->arena, *parent, &p);
		if (rc < 0)
			return -1;
		/* two levels: a column (chuyên mục) under a top-level category */
		if (rc || p.parent_id || p.id == self)
			json_object_set_new(errors, "parent_id",
					    json_string(_("Choose a top-level category, or none.")));
	}
	return json_object_size(errors) ? 1 : 0;
}

int page_news_category_create(struct request *req)
{
	struct db *db = db_thread();
	int64_t *units = NULL, id;
	size_t nunits = 0;
	const char *name;
	int64_t parent, unit;
	int position, rc;
	json_t *errors = json_object();

	if (news_units(req, &units, &nunits)) {
		json_decref(errors);
		return 0;
	}
	unit = units[0];
	if (req_require(req, "news.edit", unit, 0)) {
		json_decref(errors);
		return 0;
	}
	if (!db || (rc = cat_form(req, db, 0, &name, &parent, &position, errors)) < 0) {
		json_decref(errors);
		resp_unavailable(req);
		return 0;
	}
	if (rc) {
		cats_render(req, 422, errors, NULL);
		return 0;
	}
	json_decref(errors);
	if (db_begin(db) || news_category_create(db, unit, parent, name, position, req_now(req), &id) ||
	    req_audit_json(req, db, "news.category.create",
			   arena_printf(&req->arena, "news_category:%lld", (long long)id),
			   json_pack("{s:s}", "name", name)) ||
	    db_commit(db)) {
		db_rollback(db);
		resp_unavailable(req);
		return 0;
	}
	resp_redirect(req, CATS_PATH "?msg=created");
	return 0;
}

int page_news_category_update(struct request *req)
{
	struct db *db = db_thread();
	struct news_category c;
	const char *name;
	int64_t parent, *units = NULL;
	size_t nunits = 0;
	int position, rc;
	json_t *errors;

	if (news_units(req, &units, &nunits))
		return 0;
	if (!db || (rc = news_category_by_id(db, &req->arena, req_param_id(req), &c)) < 0) {
		resp_unavailable(req);
		return 0;
	}
	if (rc) {
		resp_error(req, 404, "not_found", _("There is no such category."));
		return 0;
	}
	if (req_require(req, "news.edit", c.unit_id, 0))
		return 0;
	errors = json_object();
	if ((rc = cat_form(req, db, c.id, &name, &parent, &position, errors)) < 0) {
		json_decref(errors);
		resp_unavailable(req);
		return 0;
	}
	if (rc) {
		cats_render(req, 422, errors, NULL);
		return 0;
	}
	json_decref(errors);
	if (db_begin(db) || news_category_update(db, c.id, parent, name, position) ||
	    req_audit_json(req, db, "news.category.update",
			   arena_printf(&req->arena, "news_category:%lld", (long long)c.id),
			   json_pack("{s:s}", "name", name)) ||
	    db_commit(db)) {
		db_rollback(db);
		resp_unavailable(req);
		return 0;
	}
	resp_redirect(req, CATS_PATH "?msg=saved");
	return 0;
}
