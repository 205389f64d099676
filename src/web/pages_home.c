/* pages_home.c: the portal's home page and the language switch. */
#include <stdio.h>
#include <string.h>
#include "core/i18n.h"
#include "web/app.h"
#include "core/banned.h"

int page_home(struct request *req)
{
	json_t *ctx = page_context(req, NULL);
	json_object_set_new(ctx, "home", json_true());
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
