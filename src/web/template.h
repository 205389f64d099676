/* template.h: a mustache engine (spec v1.3 core + inheritance) rendering jansson values. */
#ifndef WEB_TEMPLATE_H
#define WEB_TEMPLATE_H

#include <stddef.h>
#include <jansson.h>
#include "core/buf.h"

/*
 * A set of named templates, parsed once; partials ({{> name}}) and parents
 * ({{< name}}) are looked up by name in the same set. Rendering never
 * allocates from the set and may run from several threads at once.
 */
struct tmpl_set;

/*
 * Called at parse time for a section named "_" ({{#_}}Trang chủ{{/_}}) whose
 * body is plain text: returns the text to put in its place (translations).
 * Without a translator such a section is an ordinary section.
 */
typedef const char *(*tmpl_translate_fn)(const char *msgid, void *ctx);

struct tmpl_set *tmpl_set_new(tmpl_translate_fn tr, void *tr_ctx);
void tmpl_set_free(struct tmpl_set *set);

/*
 * Parse `src` and add it under `name` (replacing any of that name).
 * Returns 0, or -1 with a message "name:line: what" in *err (caller frees).
 */
int tmpl_set_add(struct tmpl_set *set, const char *name, const char *src, size_t len, char **err);

/* 1 when the set holds `name`. */
int tmpl_set_has(const struct tmpl_set *set, const char *name);

/*
 * Render template `name` with `ctx` (any JSON value) appended to `out`.
 * {{x}} escapes & < > " ' ; {{{x}}} and {{& x}} do not. Missing names render
 * as empty. Returns 0, or -1 when `name` is unknown or `out` hit its limit.
 */
int tmpl_render(const struct tmpl_set *set, const char *name, json_t *ctx, struct buf *out);

/* Append s[0..len) to `out`, escaping & < > " ' for HTML text and attributes. */
void html_escape(struct buf *out, const char *s, size_t len);

#endif
