/*
 * doc_common.h: what the e-office's pages (pages_doc_incoming.c, pages_doc_outgoing.c,
 * pages_doc_exchange.c, pages_documents.c) share: dates of the day written for a page and for
 * JSON, small JSON helpers, and the serving of a register (sổ đăng ký) as PDF or XLSX.
 *
 * A day is an int32_t YYYYMMDD (features/schedule.h); 0 means none. Strings returned live in the
 * request's arena.
 */
#ifndef WEB_DOC_COMMON_H
#define WEB_DOC_COMMON_H

#include <jansson.h>
#include <stdint.h>
#include "http/http.h"

/* The day as "dd/mm/yyyy", "" for 0. */
const char *doc_date_vn(struct request *req, int32_t ymd);
/* The day as "yyyy-mm-dd" (ISO 8601); not for 0. */
const char *doc_date_iso(struct request *req, int32_t ymd);
/* The day as an ISO string, null for 0 (a new reference). */
json_t *doc_date_json(struct request *req, int32_t ymd);

/* Set o[key] to the string s when s is neither NULL nor "". */
void doc_set_text(json_t *o, const char *key, const char *s);
/* The document type `code` (rules/document.h) as {code, key, name, abbreviation}, or null. */
json_t *doc_type_json(int code);
/*
 * o[key] of a JSON body as text: a string as is, an integer written in decimal, NULL when absent
 * or null; anything else sets *bad and gives NULL.
 */
const char *doc_json_text(struct request *req, const json_t *o, const char *key, int *bad);

/* The formats a register is served in (?format=). */
enum doc_register_format {
	DOC_REGISTER_PAGE = 0, /* the page, or JSON under /api */
	DOC_REGISTER_PDF = 1,
	DOC_REGISTER_XLSX = 2,
};

/*
 * ?format= of a register: "" (or "json" when api) the page or JSON, "pdf", "xlsx"; -1 for any
 * other.
 */
int doc_register_format(const char *fmt, int api);
/*
 * Answer the register that was drawn in req->out as `format` (rc its drawing's result: 0 ok,
 * else a 500), as the attachment "<name>-<from>-<to>.pdf|xlsx", named by the dates as parsed.
 * Sets no Cache-Control. Returns rc.
 */
int doc_register_send(struct request *req, int rc, const char *name, int format, int32_t from, int32_t to);
/*
 * The register's page's "from", "to", "period" ("From dd/mm/yyyy to dd/mm/yyyy"), "pdf_url",
 * "xlsx_url" (base "/so?" query) and "json_url" (api_base "/register?" query) in ctx; query is
 * the register's query string without format.
 */
void doc_register_links(struct request *req, json_t *ctx, const char *base, const char *api_base,
			const char *query, int32_t from, int32_t to);

#endif
