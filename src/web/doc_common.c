/*
 * doc_common.c: the helpers the e-office's pages share (web/doc_common.h).
 */
#include <string.h>
#include "core/i18n.h"
#include "rules/document.h"
#include "web/app.h"
#include "web/doc_common.h"
#include "core/banned.h"

const char *doc_date_vn(struct request *req, int32_t ymd)
{
	return ymd ? arena_printf(&req->arena, "%02d/%02d/%04d", ymd % 100, ymd / 100 % 100, ymd / 10000)
		   : "";
}

const char *doc_date_iso(struct request *req, int32_t ymd)
{
	return arena_printf(&req->arena, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
}

json_t *doc_date_json(struct request *req, int32_t ymd)
{
	return ymd ? json_string(doc_date_iso(req, ymd)) : json_null();
}

void doc_set_text(json_t *o, const char *key, const char *s)
{
	if (s && *s)
		json_object_set_new(o, key, json_string(s));
}

json_t *doc_type_json(int code)
{
	const struct doc_type *t = doc_type(code);
	return t ? json_pack("{s:i,s:s,s:s,s:s}", "code", t->code, "key", t->key, "name", t->name,
			     "abbreviation", t->abbr)
		 : json_null();
}

const char *doc_json_text(struct request *req, const json_t *o, const char *key, int *bad)
{
	const json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		return arena_printf(&req->arena, "%lld", (long long)json_integer_value(v));
	*bad = 1;
	return NULL;
}

int doc_register_format(const char *fmt, int api)
{
	if (!*fmt || (api && !strcmp(fmt, "json")))
		return DOC_REGISTER_PAGE;
	if (!strcmp(fmt, "pdf"))
		return DOC_REGISTER_PDF;
	if (!strcmp(fmt, "xlsx"))
		return DOC_REGISTER_XLSX;
	return -1;
}

int doc_register_send(struct request *req, int rc, const char *name, int format, int32_t from, int32_t to)
{
	int xlsx = format == DOC_REGISTER_XLSX;
	if (rc) {
		buf_reset(&req->out);
		resp_error(req, 500, "internal", _("Internal server error, please try again later."));
		return rc;
	}
	resp_header(req, "Content-Disposition",
		    arena_printf(&req->arena, "attachment; filename=\"%s-%d-%d.%s\"", name, (int)from,
				 (int)to, xlsx ? "xlsx" : "pdf"));
	req->status = 200;
	req->content_type_out = xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
				     : "application/pdf";
	return 0;
}

void doc_register_links(struct request *req, json_t *ctx, const char *base, const char *api_base,
			const char *query, int32_t from, int32_t to)
{
	json_object_set_new(ctx, "from", json_string(doc_date_iso(req, from)));
	json_object_set_new(ctx, "to", json_string(doc_date_iso(req, to)));
	json_object_set_new(ctx, "period",
			    json_string(arena_printf(&req->arena, _("From %s to %s"), doc_date_vn(req, from),
						     doc_date_vn(req, to))));
	json_object_set_new(ctx, "pdf_url",
			    json_string(arena_printf(&req->arena, "%s/so?%s&format=pdf", base, query)));
	json_object_set_new(ctx, "xlsx_url",
			    json_string(arena_printf(&req->arena, "%s/so?%s&format=xlsx", base, query)));
	json_object_set_new(ctx, "json_url",
			    json_string(arena_printf(&req->arena, "%s/register?%s", api_base, query)));
}
