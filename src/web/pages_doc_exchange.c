/*
 * pages_doc_exchange.c: the exchange of documents between agencies as edXML (features/doc_exchange.h,
 * docs/edxml.md): the export of an issued document (GET /api/v1/documents/outgoing/{id}/edxml),
 * the import of a message from another system into an agency's electronic inbox (POST
 * /api/v1/documents/incoming/edxml), the national hub's connector (status messages about our
 * documents in: POST /api/v1/documents/exchange/status; the statuses for senders outside out:
 * GET /api/v1/documents/exchange/outbox, …/{id}, POST …/{id}/sent), and what the incoming and
 * outgoing pages show and do of it through their hooks (web/doc_exchange_pages.h): the inbox
 * (/van-ban/den?queue=inbox, the box on /van-ban/den, an entry at /van-ban/den/them?inbox=N with
 * its registration form), refusing an entry, the statuses sent back as the incoming document
 * moves, the delivery recorded on issue, and on the outgoing document's page how its delivery
 * goes and the statuses received.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/i18n.h"
#include "core/log.h"
#include "features/doc_exchange.h"
#include "features/edxml.h"
#include "features/files.h"
#include "features/reminders.h"
#include "features/schedule.h"
#include "rules/document.h"
#include "web/app.h"
#include "web/doc_common.h"
#include "web/doc_exchange_pages.h"
#include "core/banned.h"

#define PERM_REGISTER "document.register"
#define PAGE_SIZE     20
#define API_PAGE_MAX  100
#define BOX_ROWS      5
#define IN_BASE	      "/van-ban/den"
#define ENTRY_URL     IN_BASE "/them?inbox=%lld"

/* ---- messages ---- */

static const char *msg_no_entry(void)
{
	return _("There is no such document in your electronic inbox.");
}

static const char *msg_no_inbox(void)
{
	return _("Only the records clerks of an agency keep its electronic inbox.");
}

static const char *msg_taken(void)
{
	return _("This electronic document has already been registered or refused.");
}

/* ---- small helpers ---- */

static const char *size_text(struct request *req, int64_t size)
{
	return arena_printf(&req->arena, "%lld KB", (long long)(size + 1023) / 1024);
}

static const char *status_code(struct request *req, int code)
{
	return arena_printf(&req->arena, "%02d", code);
}

static const char *entry_url(struct request *req, int64_t id)
{
	return arena_printf(&req->arena, ENTRY_URL, (long long)id);
}

/* Who acts, as a status message names him: his unit and his name. */
static void who_acts(struct request *req, const char **department, const char **staff)
{
	const struct account *u = req_user(req);
	*department = u && *u->unit_name ? u->unit_name : NULL;
	*staff = u && *u->full_name ? u->full_name : NULL;
}

/*
 * The agencies whose documents the user registers (the records clerk of an agency sits in its
 * office: a grant there counts for the agency), sorted. 0, or 1 after answering (403 to
 * citizens, 503).
 */
static int inbox_agencies(struct request *req, int64_t **out, size_t *n)
{
	const struct unit_tree *t;
	int64_t *units = NULL;
	size_t nunits = 0;

	*out = NULL;
	*n = 0;
	if (req_staff_only(req) || !(t = req_units(req)) || req_scope(req, PERM_REGISTER, &units, &nunits))
		return 1;
	*out = arena_alloc(&req->arena, (nunits + 1) * sizeof(**out));
	for (size_t i = 0; i < nunits; i++) {
		int64_t ag = unit_tree_clerk_agency(t, units[i]); /* the agency or its office */
		int seen = 0;
		for (size_t j = 0; j < *n; j++)
			seen |= (*out)[j] == ag;
		if (ag && !seen)
			(*out)[(*n)++] = ag;
	}
	qsort(*out, *n, sizeof(**out), ids_cmp);
	return 0;
}

/* Entry `id` of an agency in reg (with its files): 0; 1 after answering (404, 503). */
static int entry_open(struct request *req, struct db *db, const int64_t *reg, size_t nreg, int64_t id,
		      struct doc_inbox *e)
{
	int rc = id > 0 ? doc_exchange_inbox_load(db, &req->arena, id, e) : DOC_EX_NOT_FOUND;
	if (rc < 0) {
		resp_unavailable(req);
		return 1;
	}
	if (rc || !ids_contain(reg, nreg, e->agency_id)) {
		resp_error(req, 404, "not_found", msg_no_entry());
		return 1;
	}
	return 0;
}

/* ---- an entry as JSON and for the templates ---- */

static const char *file_url(struct request *req, const struct doc_inbox *e, int k)
{
	return arena_printf(&req->arena, ENTRY_URL "&tep=%d", (long long)e->id, k);
}

static json_t *entry_json(struct request *req, const struct doc_inbox *e)
{
	json_t *o = json_object(), *files = json_array();
	json_object_set_new(o, "id", json_integer(e->id));
	json_object_set_new(o, "url", json_string(entry_url(req, e->id)));
	json_object_set_new(o, "agency",
			    json_pack("{s:I,s:s}", "id", (json_int_t)e->agency_id, "name", e->agency_name));
	json_object_set_new(o, "state", json_string(doc_inbox_state_name(e->state)));
	json_object_set_new(o, "document_id", json_string(e->document_id));
	json_object_set_new(o, "sender",
			    json_pack("{s:s,s:s,s:o}", "organ_id", e->sender_id, "name", e->sender_name,
				      "unit_id",
				      e->sender_unit_id ? json_integer(e->sender_unit_id) : json_null()));
	json_object_set_new(o, "symbol", json_string(e->code));
	json_object_set_new(o, "date", doc_date_json(req, e->doc_date));
	json_object_set_new(o, "type", doc_type_json(e->type));
	json_object_set_new(o, "subject", json_string(e->subject));
	json_object_set_new(o, "signer", json_string(e->signer));
	json_object_set_new(o, "due_date", doc_date_json(req, e->due_date));
	json_object_set_new(o, "urgency", json_string(doc_urgency_name(e->urgency)));
	json_object_set_new(o, "pages", e->pages ? json_integer(e->pages) : json_null());
	json_object_set_new(o, "received_at", dossier_iso(e->received_at));
	json_object_set_new(o, "received_by",
			    *e->received_by_name ? json_string(e->received_by_name) : json_null());
	json_object_set_new(o, "message_sha256", json_string(e->message_sha));
	for (int i = 0; e->files && i < e->nfiles; i++) {
		const struct doc_inbox_file *f = &e->files[i];
		json_array_append_new(files, json_pack("{s:s,s:s,s:I,s:s,s:s}", "name", f->name,
						       "content_type", f->mime, "size", (json_int_t)f->size,
						       "sha256", f->sha, "url", file_url(req, e, f->k)));
	}
	if (e->files)
		json_object_set_new(o, "files", files);
	else
		json_decref(files);
	json_object_set_new(o, "incoming_id", e->doc_in_id ? json_integer(e->doc_in_id) : json_null());
	json_object_set_new(o, "incoming_url",
			    e->doc_in_id ? json_string(arena_printf(&req->arena, IN_BASE "/%lld",
								    (long long)e->doc_in_id))
					 : json_null());
	json_object_set_new(o, "reason", *e->reason ? json_string(e->reason) : json_null());
	json_object_set_new(o, "acted_at", dossier_iso(e->acted_at));
	json_object_set_new(o, "acted_by", *e->acted_by_name ? json_string(e->acted_by_name) : json_null());
	json_object_set_new(o, "last_status",
			    e->last_status ? json_string(status_code(req, e->last_status)) : json_null());
	return o;
}

/* The entry as the templates show it. */
static json_t *entry_view(struct request *req, const struct doc_inbox *e)
{
	const struct doc_type *t = doc_type(e->type);
	json_t *o = json_object(), *files = json_array();
	json_object_set_new(o, "id", json_integer(e->id));
	json_object_set_new(o, "url", json_string(entry_url(req, e->id)));
	json_object_set_new(o, "agency", json_string(e->agency_name));
	json_object_set_new(o, "sender", json_string(e->sender_name));
	json_object_set_new(o, "organ", json_string(e->sender_id));
	json_object_set_new(o, "symbol", json_string(e->code));
	json_object_set_new(o, "date", json_string(doc_date_vn(req, e->doc_date)));
	json_object_set_new(o, "type", json_string(t ? t->name : ""));
	json_object_set_new(o, "subject", json_string(e->subject));
	json_object_set_new(o, "signer", json_string(e->signer));
	if (e->due_date)
		json_object_set_new(o, "due", json_string(doc_date_vn(req, e->due_date)));
	if (e->urgency > DOC_URGENCY_NORMAL)
		json_object_set_new(o, "urgency", json_string(doc_urgency_label(e->urgency)));
	json_object_set_new(o, "document_id", json_string(e->document_id));
	json_object_set_new(o, "received", json_string(dossier_when_text(req, e->received_at)));
	json_object_set_new(o, "received_by",
			    json_string(*e->received_by_name ? e->received_by_name
							     : _("the document exchange")));
	json_object_set_new(o, "state", json_string(doc_inbox_state_name(e->state)));
	json_object_set_new(o, "state_label", json_string(_(doc_inbox_state_label(e->state))));
	json_object_set_new(o, "waiting", json_boolean(e->state == DOC_INBOX_ARRIVED));
	json_object_set_new(o, "nfiles", json_integer(e->nfiles));
	if (e->doc_in_id)
		json_object_set_new(
			o, "incoming_url",
			json_string(arena_printf(&req->arena, IN_BASE "/%lld", (long long)e->doc_in_id)));
	if (*e->reason)
		json_object_set_new(o, "reason", json_string(e->reason));
	if (e->acted_at) {
		json_object_set_new(o, "acted", json_string(dossier_when_text(req, e->acted_at)));
		json_object_set_new(o, "acted_by", json_string(e->acted_by_name));
	}
	for (int i = 0; e->files && i < e->nfiles; i++) {
		const struct doc_inbox_file *f = &e->files[i];
		json_array_append_new(files,
				      json_pack("{s:s,s:s,s:s}", "name", f->name, "href",
						file_url(req, e, f->k), "size", size_text(req, f->size)));
	}
	json_object_set_new(o, "files", files);
	json_object_set_new(o, "has_file", json_boolean(e->files && e->nfiles > 0));
	return o;
}

/* ---- the inbox ---- */

struct inbox_args {
	struct doc_inbox_query q;
	int64_t page;
};

/* ?state=&page=: 0; 1 after answering 400. */
static int inbox_args(struct request *req, const int64_t *reg, size_t nreg, struct inbox_args *a, int limit)
{
	const char *state = input_trim(req, req_query(req, "state")), *page = req_query(req, "page");
	memset(a, 0, sizeof(*a));
	a->q.agencies = reg;
	a->q.nagencies = nreg;
	if (!*state)
		a->q.state = DOC_INBOX_ARRIVED;
	else if (strcmp(state, "all") && !(a->q.state = doc_inbox_state_from_name(state))) {
		resp_error(req, 400, "bad_request", _("The state is arrived, registered, refused or all."));
		return 1;
	}
	a->page = page && *page ? input_id(page) : 1;
	if (a->page < 1 || a->page > 100000) {
		resp_error(req, 400, "bad_request", _("There is no such page."));
		return 1;
	}
	a->q.limit = limit;
	a->q.offset = (a->page - 1) * limit;
	return 0;
}

int page_doc_inbox(struct request *req, struct db *db, const int64_t *reg, size_t nreg)
{
	static const int states[] = { DOC_INBOX_ARRIVED, DOC_INBOX_REGISTERED, DOC_INBOX_REFUSED, 0 };
	struct inbox_args a;
	struct doc_inbox *rows;
	size_t n;
	int64_t total;
	json_t *ctx, *tabs, *list;

	if (!nreg) {
		resp_error(req, 403, "forbidden", msg_no_inbox());
		return 0;
	}
	if (inbox_args(req, reg, nreg, &a, PAGE_SIZE))
		return 0;
	if (doc_exchange_inbox_list(db, &req->arena, &a.q, &rows, &n, &total)) {
		resp_unavailable(req);
		return 0;
	}
	ctx = page_context(req, _("Electronic inbox"));
	resp_header_static(req, "Cache-Control", "no-store");
	tabs = json_array();
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		struct doc_inbox_query cq = a.q;
		struct doc_inbox *none;
		size_t nn;
		int64_t count = 0;
		const char *name = states[i] ? doc_inbox_state_name(states[i]) : "all";
		cq.state = states[i];
		cq.limit = 0;
		if (doc_exchange_inbox_list(db, &req->arena, &cq, &none, &nn, &count)) {
			json_decref(ctx);
			json_decref(tabs);
			resp_unavailable(req);
			return 0;
		}
		json_array_append_new(
			tabs, json_pack("{s:s,s:s,s:b,s:I}", "label",
					states[i] ? _(doc_inbox_state_label(states[i])) : _("All"), "href",
					arena_printf(&req->arena, IN_BASE "?queue=inbox&state=%s", name),
					"current", a.q.state == states[i], "count", (json_int_t)count));
	}
	json_object_set_new(ctx, "tabs", tabs);
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, entry_view(req, &rows[i]));
	json_object_set_new(ctx, "rows", list);
	json_object_set_new(ctx, "has_rows", json_boolean(n > 0));
	json_object_set_new(ctx, "total", json_integer(total));
	{
		const char *st = a.q.state ? doc_inbox_state_name(a.q.state) : "all";
		if (a.page > 1)
			json_object_set_new(ctx, "prev",
					    json_string(arena_printf(
						    &req->arena, IN_BASE "?queue=inbox&state=%s&page=%lld",
						    st, (long long)a.page - 1)));
		if (a.page * PAGE_SIZE < total)
			json_object_set_new(ctx, "next",
					    json_string(arena_printf(
						    &req->arena, IN_BASE "?queue=inbox&state=%s&page=%lld",
						    st, (long long)a.page + 1)));
	}
	if (req_query(req, "msg") && !strcmp(req_query(req, "msg"), "refused"))
		json_object_set_new(
			ctx, "notice",
			json_string(_("The document has been refused; the sender has been told why.")));
	page_render(req, 200, "doc_inbox", ctx);
	return 0;
}

int api_doc_inbox_list(struct request *req, struct db *db, const int64_t *reg, size_t nreg)
{
	struct inbox_args a;
	struct doc_inbox *rows;
	size_t n;
	int64_t total;
	const char *per = req_query(req, "per_page");
	int limit = per && *per ? (int)input_id(per) : PAGE_SIZE;
	json_t *list;

	if (!nreg) {
		resp_error(req, 403, "forbidden", msg_no_inbox());
		return 0;
	}
	if (limit < 1 || limit > API_PAGE_MAX) {
		resp_error(req, 400, "bad_request", _("per_page is 1 to 100."));
		return 0;
	}
	if (inbox_args(req, reg, nreg, &a, limit))
		return 0;
	if (doc_exchange_inbox_list(db, &req->arena, &a.q, &rows, &n, &total)) {
		resp_unavailable(req);
		return 0;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		/* with its files */
		if (doc_exchange_inbox_load(db, &req->arena, rows[i].id, &rows[i])) {
			json_decref(list);
			resp_unavailable(req);
			return 0;
		}
		json_array_append_new(list, entry_json(req, &rows[i]));
	}
	resp_header_static(req, "Cache-Control", "no-store");
	resp_json(req, 200,
		  json_pack("{s:o,s:I,s:I,s:I,s:s,s:s}", "inbox", list, "total", (json_int_t)total, "page",
			    (json_int_t)a.page, "per_page", (json_int_t)limit, "queue", "inbox", "state",
			    a.q.state ? doc_inbox_state_name(a.q.state) : "all"));
	return 0;
}

void doc_inbox_box(struct request *req, struct db *db, const int64_t *reg, size_t nreg, json_t *ctx)
{
	struct doc_inbox_query q = { reg, nreg, DOC_INBOX_ARRIVED, 0, BOX_ROWS };
	struct doc_inbox *rows;
	size_t n;
	int64_t total;
	json_t *box, *list;

	if (!nreg || doc_exchange_inbox_list(db, &req->arena, &q, &rows, &n, &total))
		return;
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, entry_view(req, &rows[i]));
	box = json_pack("{s:I,s:o,s:b,s:b,s:s}", "count", (json_int_t)total, "rows", list, "has_rows", n > 0,
			"more", total > (int64_t)n, "href", IN_BASE "?queue=inbox");
	json_object_set_new(ctx, "inbox", box);
}

/* ---- an entry: its page, its files, the registration form ---- */

static void serve_entry_file(struct request *req, const struct doc_inbox *e, int64_t k)
{
	const struct doc_inbox_file *f = NULL;
	char path[512];
	int rc;
	for (int i = 0; i < e->nfiles; i++)
		if (e->files[i].k == k)
			f = &e->files[i];
	if (!f || files_path(the_app->cfg.data, f->sha, path, sizeof(path))) {
		resp_error(req, 404, "not_found", _("This electronic document has no such file."));
		return;
	}
	buf_reset(&req->out);
	rc = file_read_whole(path, req->out.max - 1, &req->out);
	if (rc) {
		buf_reset(&req->out);
		log_error("event=doc_inbox_file id=%lld k=%lld msg=%s", (long long)e->id, (long long)k,
			  rc > 0 ? "\"too large\"" : strerror(errno));
		resp_error(req, 500, "internal", _("Internal server error, please try again later."));
		return;
	}
	resp_header(req, "Content-Disposition", download_disposition(req, f->name));
	resp_header(req, "X-Content-SHA256", f->sha);
	resp_header_static(req, "Cache-Control", "no-store");
	req->status = 200;
	req->content_type_out = *f->mime ? f->mime : "application/octet-stream";
}

/* The "inbox" part of the registration form's values. */
static json_t *form_part(struct request *req, const struct doc_inbox *e)
{
	return entry_view(req, e);
}

int doc_inbox_form(struct request *req, struct db *db, const int64_t *reg, size_t nreg, int64_t id,
		   json_t **values)
{
	struct doc_inbox e;
	const char *tep = req_query(req, "tep");
	const struct doc_type *t;
	json_t *v, *ctx;
	int minute;

	*values = NULL;
	if (entry_open(req, db, reg, nreg, id, &e))
		return 1;
	if (tep) {
		serve_entry_file(req, &e, input_id(tep));
		return 1;
	}
	if (e.state != DOC_INBOX_ARRIVED) {
		ctx = page_context(req, _("Electronic document"));
		resp_header_static(req, "Cache-Control", "no-store");
		json_object_set_new(ctx, "e", entry_view(req, &e));
		page_render(req, 200, "doc_inbox_entry", ctx);
		return 1;
	}
	t = doc_type(e.type);
	minute = schedule_minute_of(e.received_at);
	v = json_object();
	json_object_set_new(v, "agency", json_integer(e.agency_id));
	json_object_set_new(v, "arrived_date",
			    json_string(doc_date_iso(req, schedule_day_of(e.received_at))));
	json_object_set_new(v, "arrived_time",
			    json_string(arena_printf(&req->arena, "%02d:%02d", minute / 60, minute % 60)));
	json_object_set_new(v, "sender", json_string(e.sender_name));
	if (e.sender_unit_id)
		json_object_set_new(v, "sender_unit", json_integer(e.sender_unit_id));
	json_object_set_new(v, "symbol", json_string(e.code));
	json_object_set_new(v, "doc_date", json_string(doc_date_iso(req, e.doc_date)));
	json_object_set_new(v, "type", json_string(t ? t->key : ""));
	json_object_set_new(v, "summary", json_string(e.subject));
	json_object_set_new(v, "urgency", json_string(doc_urgency_name(e.urgency)));
	json_object_set_new(v, "secrecy", json_string(doc_secrecy_name(DOC_SECRECY_NONE)));
	if (e.due_date)
		json_object_set_new(v, "reply_due", json_string(doc_date_iso(req, e.due_date)));
	if (e.pages)
		json_object_set_new(v, "pages", json_string(arena_printf(&req->arena, "%d", e.pages)));
	json_object_set_new(v, "notes", json_string(arena_printf(&req->arena, _("Signed by: %s"), e.signer)));
	json_object_set_new(v, "inbox", form_part(req, &e));
	*values = v;
	return 0;
}

void doc_inbox_form_again(struct request *req, struct db *db, int64_t id, json_t *values)
{
	struct doc_inbox e;
	if (doc_exchange_inbox_load(db, &req->arena, id, &e))
		return;
	json_object_set_new(values, "inbox", form_part(req, &e));
	json_object_set_new(values, "agency", json_integer(e.agency_id));
}

/* ---- registering and refusing ---- */

int doc_inbox_take(struct request *req, struct db *db, const int64_t *reg, size_t nreg, int64_t id,
		   struct doc_in_form *f, const char **sender_unit_s, struct doc_inbox_take *t,
		   const char **msg)
{
	struct doc_inbox e;
	const struct doc_type *ty;
	int rc = id > 0 ? doc_exchange_inbox_load(db, &req->arena, id, &e) : DOC_EX_NOT_FOUND;
	int minute;

	memset(t, 0, sizeof(*t));
	*msg = NULL;
	if (rc < 0)
		return 503;
	if (rc || !ids_contain(reg, nreg, e.agency_id)) {
		*msg = msg_no_entry();
		return 404;
	}
	if (e.state != DOC_INBOX_ARRIVED) {
		*msg = msg_taken();
		return 409;
	}
	/* what was not given is the message's */
	ty = doc_type(e.type);
	minute = schedule_minute_of(e.received_at);
	if (!f->arrived_date)
		f->arrived_date = doc_date_iso(req, schedule_day_of(e.received_at));
	if (!f->arrived_time)
		f->arrived_time = arena_printf(&req->arena, "%02d:%02d", minute / 60, minute % 60);
	if (!f->sender)
		f->sender = e.sender_name;
	if (!*sender_unit_s && e.sender_unit_id)
		*sender_unit_s = arena_printf(&req->arena, "%lld", (long long)e.sender_unit_id);
	if (!f->symbol)
		f->symbol = e.code;
	if (!f->doc_date)
		f->doc_date = doc_date_iso(req, e.doc_date);
	if (!f->type)
		f->type = ty ? ty->key : "";
	if (!f->summary)
		f->summary = e.subject;
	if (!f->urgency)
		f->urgency = doc_urgency_name(e.urgency);
	if (!f->reply_due && e.due_date)
		f->reply_due = doc_date_iso(req, e.due_date);
	if (!f->pages && e.pages)
		f->pages = arena_printf(&req->arena, "%d", e.pages);
	if (!f->notes)
		f->notes = arena_printf(&req->arena, _("Signed by: %s"), e.signer);
	t->id = e.id;
	t->agency = e.agency_id;
	t->sender_unit_id = e.sender_unit_id;
	t->sender_name = e.sender_name;
	if (e.nfiles > 0) {
		t->file_sha = e.files[0].sha;
		t->file_name = e.files[0].name;
		t->file_mime = e.files[0].mime;
		t->file_size = e.files[0].size;
	}
	return 0;
}

int doc_inbox_registered(struct request *req, struct db *db, const struct doc_inbox_take *t,
			 const struct doc_in *d, const char **msg)
{
	const char *department, *staff;
	int rc;
	*msg = NULL;
	who_acts(req, &department, &staff);
	rc = doc_exchange_inbox_registered(db, t->id, d->id, d->arrival_no, req_user(req)->id, department,
					   staff, req_now(req));
	if (rc == DOC_EX_STATE) {
		*msg = msg_taken();
		return 409;
	}
	if (!rc)
		rc = req_audit_json(req, db, "document.exchange.register",
				    arena_printf(&req->arena, "doc_inbox:%lld", (long long)t->id),
				    json_pack("{s:I,s:I,s:s}", "incoming", (json_int_t)d->id, "arrival_no",
					      (json_int_t)d->arrival_no, "status", "03"));
	return rc ? 503 : 0;
}

int doc_inbox_refuse(struct request *req, struct db *db, const int64_t *reg, size_t nreg, int64_t id,
		     const char *reason, const char **msg)
{
	struct doc_inbox e;
	const char *why = NULL, *text = "", *department, *staff;
	int rc = id > 0 ? doc_exchange_inbox_load(db, &req->arena, id, &e) : DOC_EX_NOT_FOUND;

	*msg = NULL;
	if (rc < 0)
		return 503;
	if (rc || !ids_contain(reg, nreg, e.agency_id)) {
		*msg = msg_no_entry();
		return 404;
	}
	if (e.state != DOC_INBOX_ARRIVED) {
		*msg = msg_taken();
		return 409;
	}
	if (doc_in_note_check(&req->arena, reason ? reason : "", &text, &why)) {
		*msg = _(why);
		return 422;
	}
	if (!*text) {
		*msg = _("Enter the reason for refusing the document: the sender is told it.");
		return 422;
	}
	who_acts(req, &department, &staff);
	if (db_begin(db))
		return 503;
	rc = doc_exchange_inbox_refuse(db, id, text, req_user(req)->id, department, staff, req_now(req));
	if (rc == DOC_EX_STATE) {
		db_rollback(db);
		*msg = msg_taken();
		return 409;
	}
	if (!rc)
		rc = req_audit_json(req, db, "document.exchange.refuse",
				    arena_printf(&req->arena, "doc_inbox:%lld", (long long)id),
				    json_pack("{s:s,s:s,s:s,s:s}", "reason", text, "sender", e.sender_id,
					      "document_id", e.document_id, "status", "02"));
	if (rc || db_commit(db)) {
		db_rollback(db);
		return 503;
	}
	return 200;
}

int api_doc_inbox_refuse(struct request *req, struct db *db, const int64_t *reg, size_t nreg,
			 const json_t *body)
{
	const json_t *iv = json_object_get(body, "inbox"), *rv = json_object_get(body, "reason");
	struct doc_inbox e;
	const char *msg;
	int status;

	if (!json_is_integer(iv) || (rv && !json_is_null(rv) && !json_is_string(rv))) {
		resp_error(
			req, 400, "bad_request",
			_("To refuse an electronic document send {\"inbox\": its id, \"refuse\": true, \"reason\": "
			  "\"…\"}."));
		return 0;
	}
	status = doc_inbox_refuse(req, db, reg, nreg, json_integer_value(iv), json_string_value(rv), &msg);
	if (status == 200) {
		if (doc_exchange_inbox_load(db, &req->arena, json_integer_value(iv), &e)) {
			resp_unavailable(req);
			return 0;
		}
		resp_json(req, 200, entry_json(req, &e));
	} else if (status == 503) {
		resp_unavailable(req);
	} else if (status == 422) {
		resp_json(req, 422,
			  json_pack("{s:{s:s,s:s,s:{s:s}}}", "error", "code", "invalid", "message", msg,
				    "fields", "reason", msg));
	} else {
		resp_error(req, status, status == 404 ? "not_found" : "conflict", msg);
	}
	return 0;
}

/* ---- the statuses as the incoming document moves ---- */

int doc_exchange_in_step(struct request *req, struct db *db, const struct doc_in *d, const char *action,
			 int finished)
{
	const char *desc, *department, *staff;
	int status, sent = 0, rc;

	if (!strcmp(action, "assign")) {
		status = EDXML_ST_ASSIGNED;
		desc = "Lãnh đạo đã phân công xử lý văn bản";
	} else if (!strcmp(action, "file")) {
		status = EDXML_ST_DONE;
		desc = "Văn bản đã được lưu để biết, không cần xử lý";
	} else if (!strcmp(action, "start") || (!strcmp(action, "done") && !finished)) {
		status = EDXML_ST_IN_PROGRESS;
		desc = "Văn bản đang được xử lý";
	} else if (!strcmp(action, "done")) {
		status = EDXML_ST_DONE;
		desc = "Văn bản đã được xử lý xong";
	} else {
		return 0;
	}
	who_acts(req, &department, &staff);
	rc = doc_exchange_in_progress(db, d->id, status, desc, req_user(req)->id, department, staff,
				      req_now(req), &sent);
	if (!rc && sent)
		rc = req_audit_json(req, db, "document.exchange.status",
				    arena_printf(&req->arena, "doc_in:%lld", (long long)d->id),
				    json_pack("{s:s,s:s}", "status", status_code(req, status), "action",
					      action));
	return rc;
}

/* ---- the outgoing side ---- */

int doc_exchange_issued(struct request *req, struct db *db, int64_t out_id)
{
	int64_t *agencies;
	size_t n;
	const char *why;
	json_t *to;
	int rc = doc_exchange_queue(db, &req->arena, out_id, req_now(req), &agencies, &n, &why);
	if (rc) {
		log_error("event=doc_exchange_queue out=%lld rc=%d msg=\"not recorded\"", (long long)out_id,
			  rc);
		return rc < 0 ? rc : DB_ERROR;
	}
	if (why)
		return req_audit_json(req, db, "document.exchange.withheld",
				      arena_printf(&req->arena, "doc_out:%lld", (long long)out_id),
				      json_pack("{s:s}", "why", why));
	if (!n)
		return 0;
	to = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(to, json_integer(agencies[i]));
	/* delivered after the commit (document.exchange.delivered, by the system) */
	return req_audit_json(req, db, "document.exchange.send",
			      arena_printf(&req->arena, "doc_out:%lld", (long long)out_id),
			      json_pack("{s:o,s:s}", "agencies", to, "delivery", "queued"));
}

/* Why d was not sent electronically, or NULL: a secret document issued to other agencies of this system. */
static const char *not_sent(struct request *req, const struct doc_out *d)
{
	const struct unit_tree *t;
	if ((d->status != DOC_OUT_ISSUED && d->status != DOC_OUT_WITHDRAWN) || d->secrecy <= DOC_SECRECY_NONE)
		return NULL;
	if (!(t = req_units(req)))
		return NULL;
	for (size_t i = 0; i < d->n_recipient_units; i++) {
		int64_t ag = unit_tree_agency(t, d->recipient_units[i]);
		if (ag && ag != d->agency_id)
			return _(
				"This document is secret: it was not sent electronically (Law 29/2018/QH14 art. 5). "
				"Send it on paper.");
	}
	return NULL;
}

void doc_exchange_wake(void)
{
	reminders_wake();
}

/* The delivery of d, when one was recorded: 1 with *dl, 0 when none, -1 on a database error. */
static int delivery_of(struct request *req, struct db *db, const struct doc_out *d,
		       struct doc_exchange_delivery *dl)
{
	int rc = doc_exchange_delivery_get(db, &req->arena, d->id, dl);
	return rc < 0 ? -1 : rc == 0;
}

static const char *delivery_state_name(int state)
{
	switch (state) {
	case DOC_DELIVERY_WAITING: return "sending";
	case DOC_DELIVERY_SENT: return "sent";
	case DOC_DELIVERY_FAILED: return "failed";
	default: return "";
	}
}

void doc_exchange_out_context(struct request *req, struct db *db, const struct doc_out *d, json_t *ctx)
{
	struct doc_exchange_status_row *rows;
	struct doc_exchange_delivery dl;
	size_t n;
	const char *why = not_sent(req, d);
	json_t *list, *o;
	int has_dl;

	if ((has_dl = delivery_of(req, db, d, &dl)) < 0 ||
	    doc_exchange_statuses(db, &req->arena, d->id, &rows, &n))
		return;
	if (!n && !why && !has_dl)
		return;
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		const char *label = doc_exchange_status_label(rows[i].status);
		json_t *row = json_pack("{s:s,s:s,s:s,s:s}", "organ", rows[i].organ_name, "code",
					status_code(req, rows[i].status), "label", label ? _(label) : "",
					"at", dossier_when_text(req, rows[i].at));
		if (*rows[i].description)
			json_object_set_new(row, "description", json_string(rows[i].description));
		if (*rows[i].staff)
			json_object_set_new(row, "staff", json_string(rows[i].staff));
		json_array_append_new(list, row);
	}
	o = json_pack("{s:o,s:b}", "statuses", list, "has_statuses", n > 0);
	if (why)
		json_object_set_new(o, "not_sent", json_string(why));
	if (has_dl && dl.state == DOC_DELIVERY_WAITING) {
		json_t *s = json_pack("{s:s}", "text", _("Sending…"));
		/* the last attempt failed (and the next is not in hand): why, and when it is tried again */
		if (*dl.error && dl.lease_until <= req_now(req))
			json_object_set_new(s, "retry",
					    json_string(arena_printf(
						    &req->arena,
						    _("Attempt %d did not go through (%s): it is tried again "
						      "at %s."),
						    dl.attempts, _(dl.error),
						    dossier_when_text(req, dl.next_at))));
		json_object_set_new(o, "sending", s);
	} else if (has_dl && dl.state == DOC_DELIVERY_SENT) {
		json_object_set_new(o, "sent",
				    json_string(arena_printf(
					    &req->arena,
					    _("Sent at %s: the document is in the electronic inbox of the "
					      "recipient agencies."),
					    dossier_when_text(req, dl.sent_at))));
	} else if (has_dl && dl.state == DOC_DELIVERY_FAILED) {
		json_object_set_new(
			o, "failed",
			json_string(arena_printf(&req->arena, _("Could not be sent: %s."), _(dl.error))));
	}
	json_object_set_new(ctx, "exchange", o);
}

json_t *doc_exchange_out_json(struct request *req, struct db *db, const struct doc_out *d)
{
	struct doc_exchange_status_row *rows;
	struct doc_exchange_delivery dl;
	size_t n;
	const char *why = not_sent(req, d);
	json_t *list, *delivery = json_null();
	int has_dl;

	if ((has_dl = delivery_of(req, db, d, &dl)) < 0 ||
	    doc_exchange_statuses(db, &req->arena, d->id, &rows, &n))
		return json_null();
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
			list,
			json_pack("{s:s,s:s,s:o,s:s,s:s,s:s,s:o}", "organ_id", rows[i].organ_id, "organ_name",
				  rows[i].organ_name, "agency_id",
				  rows[i].agency_id ? json_integer(rows[i].agency_id) : json_null(), "status",
				  status_code(req, rows[i].status), "description", rows[i].description,
				  "staff", rows[i].staff, "at", dossier_iso(rows[i].at)));
	if (has_dl)
		delivery = json_pack("{s:s,s:i,s:i,s:b,s:o,s:o,s:o}", "state", delivery_state_name(dl.state),
				     "agencies", dl.agencies, "attempts", dl.attempts, "in_progress",
				     dl.state == DOC_DELIVERY_WAITING && dl.lease_until > req_now(req),
				     "error", *dl.error ? json_string(_(dl.error)) : json_null(),
				     "next_attempt_at",
				     dl.state == DOC_DELIVERY_WAITING ? dossier_iso(dl.next_at) : json_null(),
				     "sent_at",
				     dl.state == DOC_DELIVERY_SENT ? dossier_iso(dl.sent_at) : json_null());
	return json_pack("{s:b,s:o,s:o,s:o}", "sent", has_dl ? dl.state == DOC_DELIVERY_SENT : n > 0,
			 "delivery", delivery, "not_sent_reason", why ? json_string(why) : json_null(),
			 "statuses", list);
}

/* ---- the API routes ---- */

int api_doc_out_edxml(struct request *req)
{
	struct db *db = db_thread();
	struct doc_out d;
	struct buf xml = BUF_INIT;
	const char *why = NULL;
	int rc;

	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	if (doc_out_open_seen(req, db, req_param_id(req), &d))
		return 0;
	if (d.status != DOC_OUT_ISSUED && d.status != DOC_OUT_WITHDRAWN) {
		resp_error(req, 409, "conflict", _("Only an issued document is exchanged as edXML."));
		return 0;
	}
	buf_init(&xml, EDXML_MAX);
	rc = doc_exchange_build(db, &req->arena, the_app->cfg.data, d.id, &xml, NULL, NULL, &why);
	if (rc == DOC_EX_REFUSED || rc == DOC_EX_NOT_FOUND) {
		resp_error(req, 409, "conflict",
			   why ? _(why) : _("Only an issued document is exchanged as edXML."));
	} else if (rc == DOC_EX_IO) {
		resp_error(req, 500, "internal", _("Internal server error, please try again later."));
	} else if (rc) {
		resp_unavailable(req);
	} else {
		buf_reset(&req->out);
		if (buf_add(&req->out, xml.ptr, xml.len)) {
			buf_reset(&req->out);
			log_error("event=doc_out_edxml id=%lld msg=\"larger than a response may be\" len=%zu",
				  (long long)d.id, xml.len);
			resp_error(req, 500, "internal", _("Internal server error, please try again later."));
		} else {
			char name[80];
			size_t k = 0;
			/* "147-KH-UBND.xml" */
			for (const char *p = d.symbol; *p && k < sizeof(name) - 5; p++)
				name[k++] = *p == '/' ? '-' : *p;
			snprintf(name + k, sizeof(name) - k, ".xml");
			resp_header(req, "Content-Disposition", download_disposition(req, name));
			resp_header_static(req, "Cache-Control", "no-store");
			req->status = 200;
			req->content_type_out = "application/xml; charset=utf-8";
		}
	}
	buf_release(&xml);
	return 0;
}

int api_doc_in_edxml(struct request *req)
{
	struct db *db = db_thread();
	struct doc_exchange_msg m;
	int64_t *reg, *to, *ids;
	size_t nreg, nto, n = 0;
	const char *why = NULL;
	char *text = req->body.ptr;
	size_t len = req->body.len;
	json_t *list;
	int rc = 0;

	if (inbox_agencies(req, &reg, &nreg))
		return 0;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	if (!nreg) {
		resp_error(req, 403, "forbidden",
			   _("Only the records clerks of an agency receive its documents."));
		return 0;
	}
	/* the message as the body (up to --max-body), or a larger one as a file upload in "file" */
	if (req->content_type && !strncasecmp(req->content_type, "multipart/form-data", 19)) {
		const struct upload *u = req_upload(req, "file");
		struct buf file = BUF_INIT;
		if (!u) {
			resp_error(req, 400, "bad_request",
				   _("Send the edXML message in the field \"file\"."));
			return 0;
		}
		if ((rc = file_read_whole(u->path, EDXML_MAX, &file))) {
			buf_release(&file);
			if (rc > 0)
				resp_error(req, 413, "too_large",
					   _("The edXML message is larger than allowed."));
			else
				resp_unavailable(req);
			return 0;
		}
		text = arena_alloc(&req->arena, file.len + 1);
		memcpy(text, file.ptr, file.len + 1);
		len = file.len;
		buf_release(&file);
	}
	if (!len) {
		resp_error(req, 400, "bad_request", _("Send the edXML message as the body of the request."));
		return 0;
	}
	if (doc_exchange_parse(&req->arena, text, len, &m, &why)) {
		resp_error(req, 400, "bad_edxml",
			   arena_printf(&req->arena, _("The edXML message is refused: %s."), _(why)));
		return 0;
	}
	if (doc_exchange_addressees(db, &req->arena, &m, &to, &nto)) {
		resp_unavailable(req);
		return 0;
	}
	ids = arena_calloc(&req->arena, nto + 1, sizeof(*ids));
	for (size_t i = 0; i < nto; i++)
		if (ids_contain(reg, nreg, to[i]))
			to[n++] = to[i];
	if (!n) {
		resp_error(req, 403, "forbidden",
			   _("The message is not addressed to an agency whose documents you register."));
		return 0;
	}
	if (db_begin(db)) {
		resp_unavailable(req);
		return 0;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		rc = doc_exchange_receive(db, the_app->cfg.data, &m, to[i], req_user(req)->id, req_now(req),
					  &ids[i], &why);
		if (!rc)
			rc = req_audit_json(req, db, "document.exchange.receive",
					    arena_printf(&req->arena, "doc_inbox:%lld", (long long)ids[i]),
					    json_pack("{s:I,s:s,s:s,s:s,s:s}", "agency", (json_int_t)to[i],
						      "sender", m.doc.from.id, "document_id",
						      m.doc.document_id, "message_sha256", m.sha, "status",
						      "01"));
	}
	if (rc == DOC_EX_DUPLICATE) {
		int64_t first = ids[0];
		for (size_t i = 0; i < n; i++)
			if (ids[i])
				first = ids[i];
		db_rollback(db);
		resp_json(
			req, 409,
			json_pack(
				"{s:{s:s,s:s,s:I,s:s}}", "error", "code", "duplicate", "message",
				_("This message is in the inbox already: the same document from the same sender."),
				"existing_id", (json_int_t)first, "existing_url", entry_url(req, first)));
		return 0;
	}
	if (rc == DOC_EX_IO) {
		db_rollback(db);
		log_error("event=doc_in_edxml msg=\"message not kept\" err=\"%s\" id=%s", strerror(errno),
			  req->id);
		resp_error(req, 500, "internal", _("Internal server error, please try again later."));
		return 0;
	}
	if (rc || db_commit(db)) {
		db_rollback(db);
		resp_unavailable(req);
		return 0;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_integer(ids[i]));
	resp_header(req, "Location", entry_url(req, ids[0]));
	resp_json(req, 201,
		  json_pack("{s:I,s:s,s:o}", "id", (json_int_t)ids[0], "url", entry_url(req, ids[0]), "ids",
			    list));
	return 0;
}

/* ---- the national hub's connector: status messages in, the outbox out ---- */

#define PERM_ADMIN     "unit.manage"
#define OUTBOX_URL     "/api/v1/documents/exchange/outbox/%lld"
#define OUTBOX_DEFAULT 50
#define OUTBOX_MAX     500

/*
 * The agencies whose exchange the user keeps: those whose documents he registers (the records
 * clerk), and every active agency an administrator's unit.manage reaches. Sorted. 0; 1 after
 * answering (403 to citizens, 503).
 */
static int hub_agencies(struct request *req, int64_t **out, size_t *n)
{
	const struct unit_tree *t;
	int64_t *reg, *adm;
	size_t nreg, nadm, k;

	*out = NULL;
	*n = 0;
	if (inbox_agencies(req, &reg, &nreg) || !(t = req_units(req)) ||
	    req_scope(req, PERM_ADMIN, &adm, &nadm))
		return 1;
	*out = arena_alloc(&req->arena, (nreg + nadm + 1) * sizeof(**out));
	memcpy(*out, reg, nreg * sizeof(*reg));
	k = nreg;
	for (size_t i = 0; i < nadm; i++) {
		long x = unit_tree_find(t, adm[i]);
		if (x >= 0 && t->active[x] && unit_tree_agency(t, adm[i]) == adm[i])
			(*out)[k++] = adm[i];
	}
	*n = ids_sort_unique(*out, k);
	return 0;
}

/* hub_agencies for a route of the hub's connector: 0; 1 after answering (403 when there is none, 503). */
static int hub_open(struct request *req, struct db *db, int64_t **out, size_t *n)
{
	if (hub_agencies(req, out, n))
		return 1;
	if (!db) {
		resp_unavailable(req);
		return 1;
	}
	if (!*n) {
		resp_error(
			req, 403, "forbidden",
			_("Only the records clerks of an agency, or an administrator, exchange its documents "
			  "with the national document exchange."));
		return 1;
	}
	return 0;
}

static const char *outbox_url(struct request *req, int64_t id)
{
	return arena_printf(&req->arena, OUTBOX_URL, (long long)id);
}

int api_doc_ex_status(struct request *req)
{
	struct db *db = db_thread();
	struct doc_exchange_status_in in;
	const char *why = NULL, *label;
	int64_t *ags, id = 0;
	size_t nags;
	int rc;

	if (hub_open(req, db, &ags, &nags))
		return 0;
	if (!req->body.len) {
		resp_error(req, 400, "bad_request",
			   _("Send the edXML status message as the body of the request."));
		return 0;
	}
	rc = doc_exchange_status_find(db, &req->arena, req->body.ptr, req->body.len, &in, &why);
	if (rc == DOC_EX_REFUSED) {
		resp_error(req, 400, "bad_edxml",
			   arena_printf(&req->arena, _("The edXML status message is refused: %s."), _(why)));
		return 0;
	}
	if (rc < 0) {
		resp_unavailable(req);
		return 0;
	}
	/* a document of an agency he does not keep is answered as one that is not there */
	if (rc || !ids_contain(ags, nags, in.agency)) {
		resp_error(
			req, 404, "not_found",
			_("The status is about no document issued by an agency whose documents you exchange: "
			  "check its number and symbol, date and sender."));
		return 0;
	}
	/* an agency of this system reports through the system itself, never through this door */
	if (in.rcpt) {
		resp_error(
			req, 409, "conflict",
			_("The status is from an agency of this system: its own steps report it, it is not "
			  "posted here."));
		return 0;
	}
	if (db_begin(db)) {
		resp_unavailable(req);
		return 0;
	}
	rc = doc_exchange_status_record(db, &req->arena, &in, req->body.ptr, req->body.len, req_now(req),
					&id);
	if (rc == DOC_EX_DUPLICATE) {
		/* sent again (the connector lost the answer): kept once */
		db_rollback(db);
	} else {
		if (!rc)
			rc = req_audit_json(req, db, "document.exchange.status_in",
					    arena_printf(&req->arena, "doc_out:%lld", (long long)in.out_doc),
					    json_pack("{s:I,s:s,s:s,s:s}", "status_row", (json_int_t)id,
						      "status", status_code(req, in.s.status), "from",
						      in.s.from.id, "document_id", in.s.document_id));
		if (rc || db_commit(db)) {
			db_rollback(db);
			resp_unavailable(req);
			return 0;
		}
	}
	label = doc_exchange_status_label(in.s.status);
	resp_header(req, "Location",
		    arena_printf(&req->arena, "/api/v1/documents/outgoing/%lld", (long long)in.out_doc));
	resp_json(req, rc == DOC_EX_DUPLICATE ? 200 : 201,
		  json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:o,s:b}", "id", (json_int_t)id, "outgoing_id",
			    (json_int_t)in.out_doc, "outgoing_url",
			    arena_printf(&req->arena, "/van-ban/di/%lld", (long long)in.out_doc), "status",
			    status_code(req, in.s.status), "label", label ? _(label) : "", "from",
			    in.s.from.id, "at", dossier_iso(in.s.at), "duplicate", rc == DOC_EX_DUPLICATE));
	return 0;
}

static json_t *outbox_json(struct request *req, const struct doc_outbox_row *r)
{
	return json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:o,s:o,s:s}", "id", (json_int_t)r->id, "agency_id",
			 (json_int_t)r->agency_id, "to_organ", r->to_organ, "status",
			 status_code(req, r->status), "document_id", r->document_id, "code", r->code,
			 "created_at", dossier_iso(r->created_at), "sent_at", dossier_iso(r->sent_at), "url",
			 outbox_url(req, r->id));
}

int api_doc_ex_outbox(struct request *req)
{
	struct db *db = db_thread();
	struct doc_outbox_row *rows;
	const char *after_s = req_query(req, "after"), *limit_s = req_query(req, "limit");
	int64_t *ags, after = 0, limit = OUTBOX_DEFAULT;
	size_t nags, n;
	json_t *list;

	if (hub_open(req, db, &ags, &nags))
		return 0;
	if (after_s && *after_s && strcmp(after_s, "0") && !(after = input_id(after_s))) {
		resp_error(req, 400, "bad_request",
			   _("after is the id of the last message taken (0 or more)."));
		return 0;
	}
	if (limit_s && *limit_s && ((limit = input_id(limit_s)) < 1 || limit > OUTBOX_MAX)) {
		resp_error(req, 400, "bad_request", _("limit is 1 to 500."));
		return 0;
	}
	if (doc_exchange_outbox_list(db, &req->arena, ags, nags, after, (int)limit, &rows, &n)) {
		resp_unavailable(req);
		return 0;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, outbox_json(req, &rows[i]));
	resp_header_static(req, "Cache-Control", "no-store");
	resp_json(req, 200,
		  json_pack("{s:o,s:o}", "outbox", list, "next_after",
			    n ? json_integer(rows[n - 1].id) : json_integer(after)));
	return 0;
}

/* Outbox message {id} of an agency the user keeps: 0 with *r; 1 after answering (403, 404, 503). */
static int outbox_open(struct request *req, struct db *db, struct doc_outbox_row *r)
{
	int64_t *ags, id = req_param_id(req);
	size_t nags;
	int rc;

	if (hub_open(req, db, &ags, &nags))
		return 1;
	rc = id > 0 ? doc_exchange_outbox_get(db, &req->arena, id, r) : DOC_EX_NOT_FOUND;
	if (rc < 0) {
		resp_unavailable(req);
		return 1;
	}
	if (rc || !ids_contain(ags, nags, r->agency_id)) {
		resp_error(req, 404, "not_found", _("There is no such status message in your outbox."));
		return 1;
	}
	return 0;
}

int api_doc_ex_outbox_get(struct request *req)
{
	struct db *db = db_thread();
	struct doc_outbox_row r;
	if (outbox_open(req, db, &r))
		return 0;
	buf_reset(&req->out);
	if (buf_adds(&req->out, r.message)) {
		buf_reset(&req->out);
		resp_error(req, 500, "internal", _("Internal server error, please try again later."));
		return 0;
	}
	resp_header(req, "Content-Disposition",
		    download_disposition(req,
					 arena_printf(&req->arena, "trang-thai-%lld.xml", (long long)r.id)));
	resp_header(req, "X-Edxml-To-Organ", r.to_organ);
	resp_header_static(req, "Cache-Control", "no-store");
	req->status = 200;
	req->content_type_out = "application/xml; charset=utf-8";
	return 0;
}

int api_doc_ex_outbox_sent(struct request *req)
{
	struct db *db = db_thread();
	struct doc_outbox_row r;
	int64_t sent_at = 0;
	int rc;

	if (outbox_open(req, db, &r))
		return 0;
	if (db_begin(db)) {
		resp_unavailable(req);
		return 0;
	}
	rc = doc_exchange_outbox_sent(db, r.id, req_now(req), &sent_at);
	if (rc == DOC_EX_STATE) {
		/* acknowledged before (the connector lost the answer): the first time stands */
		db_rollback(db);
	} else {
		if (!rc)
			rc = req_audit_json(req, db, "document.exchange.outbox_sent",
					    arena_printf(&req->arena, "doc_outbox:%lld", (long long)r.id),
					    json_pack("{s:s,s:s,s:s}", "to", r.to_organ, "status",
						      status_code(req, r.status), "document_id",
						      r.document_id));
		if (rc || db_commit(db)) {
			db_rollback(db);
			resp_unavailable(req);
			return 0;
		}
	}
	r.sent_at = sent_at;
	resp_json(req, 200, outbox_json(req, &r));
	return 0;
}
