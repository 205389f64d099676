/* render.c: the page context shared by every page, and rendering through the layout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/embed.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "features/visitors.h"
#include "web/app.h"
#include "core/banned.h"

static const struct {
	const char *href;
	const char *label;
} nav_items[] = {
	{ "/", N_("Home") },
	{ "/tin-tuc", N_("News and events") },
	{ "/thu-tuc", N_("Administrative procedures") },
	{ "/tra-cuu", N_("Dossier lookup") },
	{ "/lich-cong-tac", N_("Work schedule") },
	{ "/dang-nhap", N_("Log in") },
};

#define NAV_N (sizeof(nav_items) / sizeof(nav_items[0]))
_Static_assert(sizeof(nav_items) / sizeof(nav_items[0]) < 8, "app->nav holds 8 variants");

static int is_current(const char *href, const char *path)
{
	size_t n = strlen(href);
	if (n == 1)
		return !strcmp(path, "/");
	return !strncmp(path, href, n) && (path[n] == '\0' || path[n] == '/');
}

static void set_opt(json_t *o, const char *key, const char *v)
{
	if (v && *v)
		json_object_set_new(o, key, json_string(v));
}

/* "/static/site.css?v=…": the content's tag in the URL, so the file can be cached for a year. */
static json_t *asset_url(const char *name)
{
	char path[160], url[256];
	const struct embed_file *f;
	size_t n = 0;
	snprintf(path, sizeof(path), "static/%s", name);
	f = embed_find(path);
	if (!f)
		return json_sprintf("/static/%s", name);
	for (const char *e = f->etag; *e && n < 12; e++)
		if (*e != '"')
			url[n++] = *e;
	url[n] = '\0';
	return json_sprintf("/static/%s?v=%s", name, url);
}

void render_init(struct app *app)
{
	app->assets_json =
		json_pack("{s:o,s:o}", "css", asset_url("site.css"), "emblem", asset_url("emblem.svg"));
	app->site_json = json_object();
	set_opt(app->site_json, "name", app->site.name);
	set_opt(app->site_json, "address", app->site.address);
	set_opt(app->site_json, "phone", app->site.phone);
	set_opt(app->site_json, "email", app->site.email);
	for (int l = 0; l < 2; l++) {
		for (size_t cur = 0; cur <= NAV_N; cur++) {
			json_t *nav = json_array();
			for (size_t i = 0; i < NAV_N; i++) {
				json_t *item = json_pack("{s:s,s:s}", "href", nav_items[i].href, "label",
							 i18n_gettext_lang(l, nav_items[i].label));
				if (i == cur)
					json_object_set_new(item, "current", json_true());
				json_array_append_new(nav, item);
			}
			app->nav[l][cur] = nav;
		}
	}
}

void render_release(struct app *app)
{
	json_decref(app->site_json);
	app->site_json = NULL;
	json_decref(app->assets_json);
	app->assets_json = NULL;
	for (int l = 0; l < 2; l++)
		for (size_t cur = 0; cur <= NAV_N; cur++) {
			json_decref(app->nav[l][cur]);
			app->nav[l][cur] = NULL;
		}
}

json_t *page_context(struct request *req, const char *title)
{
	const struct app *app = the_app;
	json_t *ctx = json_object();
	const char *path = req->path ? req->path : "/";
	int lang = req->lang == LANG_EN ? LANG_EN : LANG_VI;
	size_t cur = NAV_N;
	struct civil now;

	for (size_t i = 0; i < NAV_N; i++)
		if (is_current(nav_items[i].href, path))
			cur = i;
	json_object_set(ctx, "site", app->site_json);
	json_object_set(ctx, "asset", app->assets_json);
	if (req_user(req) && !strcmp(nav_items[NAV_N - 1].href, "/dang-nhap")) {
		/* logged in: the last item leads to one's workspace or account instead of the login */
		const struct account *u = req_user(req);
		int staff = !strcmp(u->kind, "staff");
		const char *href = staff ? "/quan-tri" : "/tai-khoan";
		json_t *nav = json_deep_copy(app->nav[lang][cur]);
		json_t *item = json_array_get(nav, NAV_N - 1);
		json_object_set_new(item, "href", json_string(href));
		json_object_set_new(
			item, "label",
			json_string(i18n_gettext_lang(lang, staff ? N_("Workspace") : N_("My account"))));
		if (!strncmp(path, href, strlen(href)))
			json_object_set_new(item, "current", json_true());
		else
			json_object_del(item, "current");
		json_object_set_new(ctx, "nav", nav);
	} else {
		json_object_set(ctx, "nav", app->nav[lang][cur]);
	}
	json_object_set_new(ctx, "lang", json_string(i18n_code(lang)));
	json_object_set_new(ctx, lang == LANG_EN ? "lang_en" : "lang_vi", json_true());
	json_object_set_new(ctx, "path", json_string(path));
	if (title)
		json_object_set_new(ctx, "title", json_string(title));
	time_to_civil(time_now_us() / 1000000, VN_UTC_OFFSET, &now);
	json_object_set_new(ctx, "year", json_integer(now.year));
	{
		/* the visitor widget in the footer (features/visitors.h): figures from memory, as 1.234 */
		struct visitor_figures v;
		char n[6][28];
		visitors_widget(req_now(req), &v);
		num_fmt_vn(n[0], sizeof(n[0]), v.online);
		num_fmt_vn(n[1], sizeof(n[1]), v.today);
		num_fmt_vn(n[2], sizeof(n[2]), v.week);
		num_fmt_vn(n[3], sizeof(n[3]), v.month);
		num_fmt_vn(n[4], sizeof(n[4]), v.year);
		num_fmt_vn(n[5], sizeof(n[5]), v.total);
		json_object_set_new(ctx, "visitors",
				    json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "online", n[0], "today", n[1],
					      "week", n[2], "month", n[3], "year", n[4], "total", n[5]));
	}
	return ctx;
}

void page_render(struct request *req, int status, const char *name, json_t *ctx)
{
	const struct app *app = the_app;
	struct tmpl_set *dev = NULL;
	const struct tmpl_set *set = app->tmpl[req->lang == LANG_EN ? LANG_EN : LANG_VI];
	int rc;

	if (app->cfg.dev) {
		char *err = NULL;
		dev = app_load_templates(&app->cfg, req->lang, &err);
		if (!dev) {
			char q[512];
			log_error("event=templates msg=%s", log_quote(q, sizeof(q), err ? err : "?"));
			free(err);
		} else {
			set = dev;
		}
	}
	buf_reset(&req->out);
	rc = tmpl_render(set, name, ctx, &req->out);
	json_decref(ctx);
	if (dev)
		tmpl_set_free(dev);
	if (rc) {
		buf_reset(&req->out);
		req->status = 0;
		log_error("event=render template=%s msg=\"render failed\"", name);
		return;
	}
	resp_html(req, status);
	/* pages are rendered per request; personal pages add no-store themselves (then it is kept alone) */
	{
		const struct header *h;
		for (h = req->headers; h; h = h->next)
			if (!strcasecmp(h->name, "Cache-Control"))
				break;
		if (!h)
			resp_header(req, "Cache-Control", "no-cache");
	}
	resp_header(req, "Content-Language", i18n_code(req->lang));
}

void page_error(struct request *req, int status, const char *code, const char *message)
{
	json_t *ctx = page_context(req, status == 404 ? _("Page not found") : _("Error"));
	json_object_set_new(ctx, "error",
			    json_pack("{s:i,s:s,s:s,s:s}", "status", status, "code", code, "message", message,
				      "reason", http_reason(status)));
	if (status == 404)
		json_object_set_new(ctx, "not_found", json_true());
	page_render(req, status, "error", ctx);
}
