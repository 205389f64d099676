/*
 * pages_doc_incoming.c: incoming documents (văn bản đến): the queues and search (/van-ban/den),
 * registering (/van-ban/den/them), a document's page with its assignment, handling and history
 * (/van-ban/den/{id}), its file, the incoming register (/van-ban/den/so) as page, PDF and XLSX,
 * and the same under /api/v1/documents/incoming. The rules are features/doc_incoming.h.
 *
 * Who sees what: the records clerks of an agency (document.register at it or at one of its
 * departments) and its leaders (document.assign at the agency) see all of its documents; anyone
 * else only those assigned or forwarded to him or to his unit, a secret one only when named or
 * leading the unit it went to. A document the user may not see is answered 404, as if it were
 * not there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/i18n.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "features/doc_exchange.h"
#include "features/doc_incoming.h"
#include "features/doc_text.h"
#include "features/files.h"
#include "features/org.h"
#include "features/schedule.h"
#include "rules/document.h"
#include "rules/fold.h"
#include "store/db.h"
#include "web/app.h"
#include "web/doc_common.h"
#include "web/doc_exchange_pages.h"
#include "core/banned.h"

#define PERM_REGISTER "document.register"
#define PERM_ASSIGN   "document.assign"
#define PAGE_SIZE     20
#define API_PAGE_MAX  100
#define SCAN_MAX      (20u << 20)
#define BASE	      "/van-ban/den"
#define API_BASE      "/api/v1/documents/incoming"

/* ---- messages ---- */

static const char *msg_not_found(void)
{
	return _("There is no such incoming document.");
}

static const char *msg_no_register(void)
{
	return _("Only the records clerks of an agency register its incoming documents.");
}

/* ---- small helpers ---- */

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static int64_t in_sorted_add(int64_t *v, size_t *n, int64_t x)
{
	for (size_t i = 0; i < *n; i++)
		if (v[i] == x)
			return 0;
	v[(*n)++] = x;
	return 1;
}

/* ---- who the user is for incoming documents ---- */

struct who {
	struct doc_in_viewer v;
	int64_t *reg; /* agencies he registers for (records clerk), sorted */
	size_t nreg;
	int64_t *lead_agencies; /* agencies he leads (document.assign at the agency itself) */
	size_t nlead_agencies;
};

/*
 * The viewer of the logged-in user. 0, or 1 after answering (403 to citizens, 503).
 */
static int who_load(struct request *req, struct who *w)
{
	struct app_req *ar = req->app;
	const struct unit_tree *t;
	int64_t *clerk = NULL, *lead = NULL;
	size_t nclerk = 0, nlead = 0;
	int64_t *all, *units;
	size_t nall = 0, nunits = 0;

	memset(w, 0, sizeof(*w));
	if (req_staff_only(req))
		return 1;
	if (!(t = req_units(req)))
		return 1;
	if (req_scope(req, PERM_REGISTER, &clerk, &nclerk) || req_scope(req, PERM_ASSIGN, &lead, &nlead))
		return 1;
	all = arena_alloc(&req->arena, (nclerk + nlead + 1) * sizeof(*all));
	w->reg = arena_alloc(&req->arena, (nclerk + 1) * sizeof(*w->reg));
	w->lead_agencies = arena_alloc(&req->arena, (nlead + 1) * sizeof(*w->lead_agencies));
	/* a records clerk of the agency's office registers for the agency */
	for (size_t i = 0; i < nclerk; i++) {
		int64_t ag = unit_tree_clerk_agency(t, clerk[i]);
		if (ag && in_sorted_add(w->reg, &w->nreg, ag))
			in_sorted_add(all, &nall, ag);
	}
	for (size_t i = 0; i < nlead; i++) {
		long k = unit_tree_find(t, lead[i]);
		if (k >= 0 && t->level[k] && t->active[k]) {
			in_sorted_add(w->lead_agencies, &w->nlead_agencies, lead[i]);
			in_sorted_add(all, &nall, lead[i]);
		}
	}
	qsort(w->reg, w->nreg, sizeof(*w->reg), ids_cmp);
	qsort(all, nall, sizeof(*all), ids_cmp);
	/* his units: his own and those where he holds a role */
	units = arena_alloc(&req->arena,
			    ((ar && ar->actor_loaded ? ar->actor.ngrants : 0) + 2) * sizeof(*units));
	if (req_user(req)->unit_id)
		in_sorted_add(units, &nunits, req_user(req)->unit_id);
	for (size_t i = 0; ar && ar->actor_loaded && i < ar->actor.ngrants; i++)
		if (ar->actor.grants[i].unit_id)
			in_sorted_add(units, &nunits, ar->actor.grants[i].unit_id);
	w->v.account_id = req_user(req)->id;
	w->v.all = all;
	w->v.nall = nall;
	w->v.units = units;
	w->v.nunits = nunits;
	w->v.lead = lead;
	w->v.nlead = nlead;
	return 0;
}

/* May he assign (or file) documents of `agency`? */
static int leads_agency(const struct who *w, int64_t agency)
{
	return ids_contain(w->lead_agencies, w->nlead_agencies, agency);
}

/*
 * The document {id} as the user may see it (with recipients and history). 0; 1 after answering
 * (404 for none or not his to see, 503).
 */
static int doc_open(struct request *req, struct db *db, const struct who *w, int64_t id, struct doc_in *d)
{
	int rc;
	if (!db) {
		resp_unavailable(req);
		return 1;
	}
	rc = id > 0 ? doc_in_load(db, &req->arena, id, d) : DOC_IN_NOT_FOUND;
	if (rc < 0) {
		resp_unavailable(req);
		return 1;
	}
	if (rc || !doc_in_visible(&w->v, d)) {
		resp_error(req, 404, "not_found", msg_not_found());
		return 1;
	}
	return 0;
}

/* ---- documents as JSON ---- */

static int doc_overdue(struct request *req, const struct doc_in *d)
{
	return d->status == DOC_IN_ASSIGNED && d->due && d->due < schedule_day_of(req_now(req));
}

static json_t *rcpt_json(const struct doc_in_rcpt *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "parent_id", r->parent_id ? json_integer(r->parent_id) : json_null());
	json_object_set_new(o, "unit_id", r->unit_id ? json_integer(r->unit_id) : json_null());
	json_object_set_new(o, "account_id", r->account_id ? json_integer(r->account_id) : json_null());
	json_object_set_new(o, "name", json_string(r->name));
	json_object_set_new(o, "role", json_string(doc_recipient_role_name(r->role)));
	json_object_set_new(o, "state", json_string(doc_recipient_state_name(r->state)));
	json_object_set_new(o, "note", str_or_null(r->note));
	json_object_set_new(o, "assigned_at", dossier_iso(r->assigned_at));
	json_object_set_new(o, "read_at", dossier_iso(r->read_at));
	json_object_set_new(o, "started_at", dossier_iso(r->started_at));
	json_object_set_new(o, "done_at", dossier_iso(r->done_at));
	json_object_set_new(o, "reply_out_id", r->reply_out_id ? json_integer(r->reply_out_id) : json_null());
	return o;
}

static json_t *doc_json(struct request *req, const struct doc_in *d, int full)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(d->id));
	json_object_set_new(o, "url", json_string(arena_printf(&req->arena, BASE "/%lld", (long long)d->id)));
	json_object_set_new(o, "agency",
			    json_pack("{s:I,s:s}", "id", (json_int_t)d->agency_id, "name", d->agency_name));
	json_object_set_new(o, "arrival_year", json_integer(d->arrival_year));
	json_object_set_new(o, "arrival_no", json_integer(d->arrival_no));
	json_object_set_new(o, "arrived_at", dossier_iso(d->arrived_at));
	json_object_set_new(o, "sender", json_string(d->sender));
	json_object_set_new(o, "sender_unit_id",
			    d->sender_unit_id ? json_integer(d->sender_unit_id) : json_null());
	json_object_set_new(o, "symbol", json_string(d->symbol));
	json_object_set_new(o, "date", doc_date_json(req, d->doc_date));
	json_object_set_new(o, "type", doc_type_json(d->type));
	json_object_set_new(o, "summary", json_string(d->summary));
	json_object_set_new(o, "urgency", json_string(doc_urgency_name(d->urgency)));
	json_object_set_new(o, "secrecy", json_string(doc_secrecy_name(d->secrecy)));
	json_object_set_new(o, "reply_due", doc_date_json(req, d->reply_due));
	json_object_set_new(o, "pages", d->pages ? json_integer(d->pages) : json_null());
	json_object_set_new(o, "copies", d->copies ? json_integer(d->copies) : json_null());
	json_object_set_new(o, "notes", str_or_null(d->notes));
	json_object_set_new(o, "status", json_string(doc_in_status_name(d->status)));
	json_object_set_new(o, "due", doc_date_json(req, d->due));
	json_object_set_new(o, "overdue", json_boolean(doc_overdue(req, d)));
	json_object_set_new(o, "instructions", str_or_null(d->instructions));
	json_object_set_new(o, "assigned_at", dossier_iso(d->assigned_at));
	json_object_set_new(o, "done_at", dossier_iso(d->done_at));
	json_object_set_new(o, "reply_out_id", d->reply_out_id ? json_integer(d->reply_out_id) : json_null());
	json_object_set_new(o, "registered_at", dossier_iso(d->created_at));
	if (*d->file_sha)
		json_object_set_new(
			o, "file",
			json_pack("{s:s,s:s,s:I,s:s,s:s}", "name", d->file_name, "content_type", d->file_mime,
				  "size", (json_int_t)d->file_size, "sha256", d->file_sha, "url",
				  arena_printf(&req->arena, API_BASE "/%lld/file", (long long)d->id)));
	else
		json_object_set_new(o, "file", json_null());
	if (full) {
		json_t *list = json_array(), *hist = json_array();
		for (size_t i = 0; i < d->nrcpts; i++)
			json_array_append_new(list, rcpt_json(&d->rcpts[i]));
		json_object_set_new(o, "recipients", list);
		for (size_t i = 0; i < d->nevents; i++) {
			const struct doc_in_event *e = &d->events[i];
			json_t *detail = *e->detail ? json_loads(e->detail, 0, NULL) : NULL;
			json_array_append_new(hist,
					      json_pack("{s:o,s:s,s:o,s:o}", "at", dossier_iso(e->at),
							"action", e->action, "by", str_or_null(e->actor_name),
							"detail", detail ? detail : json_object()));
		}
		json_object_set_new(o, "history", hist);
	}
	return o;
}

/* ---- the list ---- */

struct list_args {
	struct doc_in_query q;
	int64_t page;
	const char *text, *sender, *from_s, *to_s;
};

static const char *fold_arg(struct request *req, const char *s)
{
	size_t n = strlen(s) + 1;
	char *out = arena_alloc(&req->arena, n);
	if (fold_text(s, out, n) < 0)
		return NULL;
	return out;
}

/* The query string into a; 0, or 1 after answering 400. */
static int list_args(struct request *req, const struct who *w, struct list_args *a, int limit)
{
	const char *queue = req_query(req, "queue"), *type = req_query(req, "type"),
		   *status = req_query(req, "status");
	const char *urgency = req_query(req, "urgency"), *page = req_query(req, "page");
	memset(a, 0, sizeof(*a));
	a->q.v = &w->v;
	a->q.queue = queue && *queue ? doc_in_queue_from_name(queue) : DOC_IN_Q_ALL;
	if (a->q.queue < 0) {
		resp_error(req, 400, "bad_request", _("There is no such queue."));
		return 1;
	}
	if (type && *type) {
		const struct doc_type *t = doc_type_by_key(type);
		if (!t && !(t = doc_type((int)input_id(type)))) {
			resp_error(req, 400, "bad_request", _("There is no such document type."));
			return 1;
		}
		a->q.type = t->code;
	}
	if (status && *status) {
		for (int s = DOC_IN_REGISTERED; s <= DOC_IN_FILED; s++)
			if (!strcmp(doc_in_status_name(s), status))
				a->q.status = s;
		if (!a->q.status) {
			resp_error(req, 400, "bad_request", _("There is no such status."));
			return 1;
		}
	}
	if (urgency && *urgency && !(a->q.urgency = doc_urgency_from_name(urgency))) {
		resp_error(req, 400, "bad_request", _("There is no such urgency."));
		return 1;
	}
	a->from_s = input_trim(req, req_query(req, "from"));
	a->to_s = input_trim(req, req_query(req, "to"));
	if ((*a->from_s && !(a->q.from = schedule_date_parse(a->from_s))) ||
	    (*a->to_s && !(a->q.to = schedule_date_parse(a->to_s))) ||
	    (a->q.from && a->q.to && a->q.to < a->q.from)) {
		resp_error(req, 400, "bad_request", _("Give the period as from=YYYY-MM-DD&to=YYYY-MM-DD."));
		return 1;
	}
	a->text = input_trim(req, req_query(req, "q"));
	a->sender = input_trim(req, req_query(req, "sender"));
	if (strlen(a->text) > 200 || strlen(a->sender) > 200 || !(a->q.q = fold_arg(req, a->text)) ||
	    !(a->q.sender = fold_arg(req, a->sender))) {
		resp_error(req, 400, "bad_request", _("The search text is too long or not valid."));
		return 1;
	}
	a->page = page && *page ? input_id(page) : 1;
	if (a->page < 1 || a->page > 100000) {
		resp_error(req, 400, "bad_request", _("The page number is not valid."));
		return 1;
	}
	a->q.today = schedule_day_of(req_now(req));
	a->q.limit = limit;
	a->q.offset = (a->page - 1) * limit;
	return 0;
}

static const char *list_url(struct request *req, const struct list_args *a, int queue, int64_t page)
{
	struct buf b = BUF_INIT;
	const char *out;
	const struct doc_type *t = doc_type(a->q.type);
	buf_init(&b, 4096);
	buf_addf(&b, BASE "?queue=%s", doc_in_queue_name(queue));
	if (t)
		buf_addf(&b, "&type=%s", t->key);
	if (a->q.status)
		buf_addf(&b, "&status=%s", doc_in_status_name(a->q.status));
	if (a->q.urgency)
		buf_addf(&b, "&urgency=%s", doc_urgency_name(a->q.urgency));
	if (*a->from_s)
		buf_addf(&b, "&from=%s", input_url_encode(req, a->from_s));
	if (*a->to_s)
		buf_addf(&b, "&to=%s", input_url_encode(req, a->to_s));
	if (*a->sender)
		buf_addf(&b, "&sender=%s", input_url_encode(req, a->sender));
	if (*a->text)
		buf_addf(&b, "&q=%s", input_url_encode(req, a->text));
	if (page > 1)
		buf_addf(&b, "&page=%lld", (long long)page);
	out = arena_strdup(&req->arena, b.ptr);
	buf_release(&b);
	return out;
}

static json_t *row_view(struct request *req, const struct doc_in *d)
{
	const struct doc_type *t = doc_type(d->type);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(d->id));
	json_object_set_new(o, "number",
			    json_string(arena_printf(&req->arena, "%lld", (long long)d->arrival_no)));
	json_object_set_new(o, "arrived", json_string(dossier_when_text(req, d->arrived_at)));
	json_object_set_new(o, "sender", json_string(d->sender));
	doc_set_text(o, "symbol", d->symbol);
	json_object_set_new(o, "date", json_string(doc_date_vn(req, d->doc_date)));
	json_object_set_new(o, "type", json_string(t ? t->name : ""));
	json_object_set_new(o, "summary", json_string(d->summary));
	json_object_set_new(o, "status", json_string(doc_in_status_name(d->status)));
	json_object_set_new(o, "status_label", json_string(_(doc_in_status_label(d->status))));
	if (d->urgency > DOC_URGENCY_NORMAL)
		json_object_set_new(o, "urgency", json_string(doc_urgency_label(d->urgency)));
	if (d->secrecy > DOC_SECRECY_NONE)
		json_object_set_new(o, "secrecy", json_string(doc_secrecy_label(d->secrecy)));
	doc_set_text(o, "due", doc_date_vn(req, d->due));
	if (doc_overdue(req, d))
		json_object_set_new(o, "overdue", json_true());
	return o;
}

/* The number and symbol of the outgoing document `id` ("25/UBND-TP"), "" when it has none. */
static const char *reply_symbol(struct request *req, int64_t id)
{
	struct db *db = db_thread();
	struct db_stmt *st;
	const char *out = "";
	if (db && db_query(db, &st, "SELECT symbol FROM doc_outgoing WHERE id = ?", "i", id) == DB_ROW)
		out = arena_strdup(&req->arena, db_col_text(st, 0));
	if (db)
		db_release_statements(db);
	return out;
}

static const char *const queue_labels[DOC_IN_Q_COUNT] = { N_("All"), N_("To read"), N_("To handle"),
							  N_("Overdue"), N_("My unit's") };

int api_doc_in_list(struct request *req)
{
	struct db *db = db_thread();
	struct who w;
	struct list_args a;
	struct doc_in *docs;
	size_t n;
	int64_t total;
	const char *per = req_query(req, "per_page");
	int limit = per && *per ? (int)input_id(per) : PAGE_SIZE;
	json_t *list;

	if (who_load(req, &w))
		return 0;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	/* the electronic inbox (pages_doc_exchange.c) */
	if (req_query(req, "queue") && !strcmp(req_query(req, "queue"), "inbox"))
		return api_doc_inbox_list(req, db, w.reg, w.nreg);
	if (limit < 1 || limit > API_PAGE_MAX) {
		resp_error(req, 400, "bad_request", _("per_page is 1 to 100."));
		return 0;
	}
	if (list_args(req, &w, &a, limit))
		return 0;
	if (doc_in_list(db, &req->arena, &a.q, &docs, &n, &total)) {
		resp_unavailable(req);
		return 0;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, doc_json(req, &docs[i], 0));
	resp_header_static(req, "Cache-Control", "no-store");
	resp_json(req, 200,
		  json_pack("{s:o,s:I,s:I,s:I,s:s}", "documents", list, "total", (json_int_t)total, "page",
			    (json_int_t)a.page, "per_page", (json_int_t)limit, "queue",
			    doc_in_queue_name(a.q.queue)));
	return 0;
}

int page_doc_in_list(struct request *req)
{
	struct db *db = db_thread();
	struct who w;
	struct list_args a;
	struct doc_in *docs;
	size_t n;
	int64_t total;
	json_t *ctx, *rows, *tabs, *opts;

	if (who_load(req, &w))
		return 0;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	/* the electronic inbox (pages_doc_exchange.c) */
	if (req_query(req, "queue") && !strcmp(req_query(req, "queue"), "inbox"))
		return page_doc_inbox(req, db, w.reg, w.nreg);
	if (list_args(req, &w, &a, PAGE_SIZE))
		return 0;
	if (doc_in_list(db, &req->arena, &a.q, &docs, &n, &total)) {
		resp_unavailable(req);
		return 0;
	}
	ctx = page_context(req, _("Incoming documents"));
	resp_header_static(req, "Cache-Control", "no-store");
	tabs = json_array();
	for (int k = DOC_IN_Q_TO_READ; k <= DOC_IN_Q_COUNT; k++) {
		int q = k % DOC_IN_Q_COUNT;
		struct doc_in_query cq = a.q;
		struct doc_in *none;
		size_t nn;
		int64_t count = 0;
		cq.queue = q;
		cq.limit = 0;
		if (q != DOC_IN_Q_ALL && doc_in_list(db, &req->arena, &cq, &none, &nn, &count)) {
			json_decref(ctx);
			json_decref(tabs);
			resp_unavailable(req);
			return 0;
		}
		json_array_append_new(
			tabs, json_pack("{s:s,s:s,s:b,s:o}", "label", _(queue_labels[q]), "href",
					list_url(req, &a, q, 1), "current", q == a.q.queue, "count",
					q != DOC_IN_Q_ALL && count ? json_integer(count) : json_null()));
	}
	json_object_set_new(ctx, "tabs", tabs);
	json_object_set_new(ctx, "queue", json_string(doc_in_queue_name(a.q.queue)));
	rows = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(rows, row_view(req, &docs[i]));
	json_object_set_new(ctx, "rows", rows);
	json_object_set_new(ctx, "has_rows", json_boolean(n > 0));
	json_object_set_new(ctx, "total", json_integer(total));
	if (a.page > 1)
		json_object_set_new(ctx, "prev", json_string(list_url(req, &a, a.q.queue, a.page - 1)));
	if (a.page * PAGE_SIZE < total)
		json_object_set_new(ctx, "next", json_string(list_url(req, &a, a.q.queue, a.page + 1)));
	/* the filters as chosen */
	opts = json_array();
	json_array_append_new(opts, json_pack("{s:s,s:s,s:b}", "value", "", "label", _("Any type"),
					      "selected", !a.q.type));
	for (int i = 1; i <= DOC_TYPE_COUNT; i++)
		json_array_append_new(opts, json_pack("{s:s,s:s,s:b}", "value", doc_type(i)->key, "label",
						      doc_type(i)->name, "selected", a.q.type == i));
	json_object_set_new(ctx, "types", opts);
	opts = json_array();
	json_array_append_new(opts, json_pack("{s:s,s:s,s:b}", "value", "", "label", _("Any status"),
					      "selected", !a.q.status));
	for (int s = DOC_IN_REGISTERED; s <= DOC_IN_FILED; s++)
		json_array_append_new(opts,
				      json_pack("{s:s,s:s,s:b}", "value", doc_in_status_name(s), "label",
						_(doc_in_status_label(s)), "selected", a.q.status == s));
	json_object_set_new(ctx, "statuses", opts);
	opts = json_array();
	json_array_append_new(opts, json_pack("{s:s,s:s,s:b}", "value", "", "label", _("Any urgency"),
					      "selected", !a.q.urgency));
	for (int u = DOC_URGENCY_NORMAL; u <= DOC_URGENCY_FLASH; u++)
		json_array_append_new(opts, json_pack("{s:s,s:s,s:b}", "value", doc_urgency_name(u), "label",
						      doc_urgency_label(u), "selected", a.q.urgency == u));
	json_object_set_new(ctx, "urgencies", opts);
	json_object_set_new(ctx, "q", json_string(a.text));
	json_object_set_new(ctx, "sender", json_string(a.sender));
	json_object_set_new(ctx, "from", json_string(a.q.from ? doc_date_iso(req, a.q.from) : ""));
	json_object_set_new(ctx, "to", json_string(a.q.to ? doc_date_iso(req, a.q.to) : ""));
	json_object_set_new(ctx, "can_register", json_boolean(w.nreg > 0));
	json_object_set_new(ctx, "can_book", json_boolean(w.v.nall > 0));
	doc_inbox_box(req, db, w.reg, w.nreg, ctx);
	page_render(req, 200, "doc_in_list", ctx);
	return 0;
}

/* ---- registering ---- */

struct errs {
	json_t *fields;
	int n;
};

static void errs_add(void *ctx, const char *field, const char *msgid)
{
	struct errs *e = ctx;
	e->n++;
	if (!json_object_get(e->fields, field))
		json_object_set_new(e->fields, field, json_string(_(msgid)));
}

/* The units a sender may be chosen from: every active unit, as "name" sorted by the tree. */
static json_t *sender_options(struct request *req, struct db *db, int64_t chosen)
{
	struct unit *all;
	size_t n;
	json_t *opts = json_array();
	if (org_unit_list(db, &req->arena, &all, &n))
		return opts;
	for (size_t i = 0; i < n; i++)
		if (all[i].active)
			json_array_append_new(opts,
					      json_pack("{s:I,s:s,s:b}", "id", (json_int_t)all[i].id, "name",
							all[i].name, "selected", all[i].id == chosen));
	return opts;
}

static const char *unit_label(struct request *req, struct db *db, int64_t id)
{
	struct unit u;
	if (org_unit_load(db, &req->arena, id, &u))
		return NULL;
	return u.name;
}

/* The registration form page: values (stolen, may be NULL), errors (stolen, may be NULL). */
static void form_render(struct request *req, struct db *db, const struct who *w, int status, json_t *values,
			json_t *errors, const char *error, const char *dup_url)
{
	json_t *ctx = page_context(req, _("Register an incoming document"));
	json_t *f = values ? values : json_object(), *opts;
	const char *type = json_string_value(json_object_get(f, "type"));
	const char *urg = json_string_value(json_object_get(f, "urgency"));
	const char *sec = json_string_value(json_object_get(f, "secrecy"));
	int64_t agency = json_integer_value(json_object_get(f, "agency"));

	resp_header_static(req, "Cache-Control", "no-store");
	json_object_set_new(ctx, "csrf", json_string(req_csrf(req)));
	if (!json_object_get(f, "arrived_date")) {
		int64_t now = req_now(req);
		json_object_set_new(f, "arrived_date", json_string(doc_date_iso(req, schedule_day_of(now))));
		json_object_set_new(f, "arrived_time",
				    json_string(arena_printf(&req->arena, "%02d:%02d",
							     schedule_minute_of(now) / 60,
							     schedule_minute_of(now) % 60)));
	}
	opts = json_array();
	for (int i = 1; i <= DOC_TYPE_COUNT; i++)
		json_array_append_new(opts, json_pack("{s:s,s:s,s:b}", "value", doc_type(i)->key, "label",
						      doc_type(i)->name, "selected",
						      type && !strcmp(type, doc_type(i)->key)));
	json_object_set_new(ctx, "types", opts);
	opts = json_array();
	for (int u = DOC_URGENCY_NORMAL; u <= DOC_URGENCY_FLASH; u++)
		json_array_append_new(opts, json_pack("{s:s,s:s,s:b}", "value", doc_urgency_name(u), "label",
						      doc_urgency_label(u), "selected",
						      urg && !strcmp(urg, doc_urgency_name(u))));
	json_object_set_new(ctx, "urgencies", opts);
	opts = json_array();
	for (int s = DOC_SECRECY_NONE; s <= DOC_SECRECY_TOP_SECRET; s++)
		json_array_append_new(opts, json_pack("{s:s,s:s,s:b}", "value", doc_secrecy_name(s), "label",
						      doc_secrecy_label(s), "selected",
						      sec && !strcmp(sec, doc_secrecy_name(s))));
	json_object_set_new(ctx, "secrecies", opts);
	opts = json_array();
	for (size_t i = 0; i < w->nreg; i++)
		json_array_append_new(
			opts, json_pack("{s:I,s:s,s:b}", "id", (json_int_t)w->reg[i], "name",
					unit_label(req, db, w->reg[i]) ? unit_label(req, db, w->reg[i]) : "",
					"selected", w->reg[i] == agency));
	json_object_set_new(ctx, "agencies", opts);
	json_object_set_new(ctx, "many_agencies", json_boolean(w->nreg > 1));
	if (w->nreg)
		json_object_set_new(ctx, "agency", json_integer(w->reg[0]));
	json_object_set_new(ctx, "senders",
			    sender_options(req, db, json_integer_value(json_object_get(f, "sender_unit"))));
	json_object_set_new(ctx, "form", f);
	json_object_set_new(ctx, "errors", errors ? errors : json_object());
	doc_set_text(ctx, "error", error);
	doc_set_text(ctx, "dup_url", dup_url);
	page_render(req, status, "doc_in_form", ctx);
}

int page_doc_in_new(struct request *req)
{
	struct db *db = db_thread();
	struct who w;
	if (who_load(req, &w))
		return 0;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	if (!w.nreg) {
		resp_error(req, 403, "forbidden", msg_no_register());
		return 0;
	}
	/* an entry of the electronic inbox: the form filled from its message */
	if (req_query(req, "inbox")) {
		json_t *values;
		if (!doc_inbox_form(req, db, w.reg, w.nreg, input_id(req_query(req, "inbox")), &values))
			form_render(req, db, &w, 200, values, NULL, NULL, NULL);
		return 0;
	}
	form_render(req, db, &w, 200, NULL, NULL, NULL, NULL);
	return 0;
}

/* What the registration got: the fields as typed, the agency, the file. */
struct reg_input {
	struct doc_in_form f;
	int64_t agency;
	const char *agency_s, *sender_unit_s;
	const struct upload *file;
	const char *file_sha_ref; /* API: file_sha of the uploaded part (must match) */
	int64_t inbox;		  /* registering this entry of the electronic inbox, 0 none */
	struct doc_inbox_take take;
};

static const struct upload *first_file(const struct request *req, const char *field)
{
	for (const struct upload *u = req->files; u; u = u->next)
		if ((!field || !strcmp(u->field, field)) && u->size > 0)
			return u;
	return NULL;
}

/*
 * Check everything, keep the file, register. 201 with *id; 409 (duplicate, *id the first);
 * 422 with e filled and *msg; 403 (not a clerk of that agency); 503.
 */
static int reg_do(struct request *req, struct db *db, const struct who *w, struct reg_input *in,
		  struct errs *e, int64_t *id, const char **msg)
{
	struct doc_in d;
	const struct unit_tree *t = req_units(req);
	int64_t dup = 0;
	int rc;

	memset(&d, 0, sizeof(d));
	*msg = NULL;
	if (!t)
		return 503;
	/* from the electronic inbox: its agency, and what was not typed from its message */
	if (in->inbox) {
		int st = doc_inbox_take(req, db, w->reg, w->nreg, in->inbox, &in->f, &in->sender_unit_s,
					&in->take, msg);
		if (st)
			return st;
		in->agency = in->take.agency;
	} else if (in->agency_s && *in->agency_s) {
		in->agency = input_id(in->agency_s);
		if (!in->agency) {
			int64_t u = org_unit_by_code(db, in->agency_s);
			in->agency = u > 0 ? u : 0;
		}
		if (!ids_contain(w->reg, w->nreg, in->agency)) {
			*msg = msg_no_register();
			return 403;
		}
	} else {
		in->agency = w->reg[0];
	}
	if (in->sender_unit_s && *in->sender_unit_s) {
		int64_t u = input_id(in->sender_unit_s);
		long k;
		if (!u) {
			int64_t c = org_unit_by_code(db, in->sender_unit_s);
			u = c > 0 ? c : 0;
		}
		k = u ? unit_tree_find(t, u) : -1;
		if (k < 0 || !t->active[k]) {
			errs_add(e, "sender", N_("Choose a unit from the list, or type the sender's name."));
		} else {
			in->f.sender_unit_id = u;
			in->f.sender_unit_name = unit_label(req, db, u);
			if (in->inbox && u == in->take.sender_unit_id)
				in->f.sender_unit_name = in->take.sender_name;
		}
	}
	doc_in_check(&req->arena, &in->f, req_now(req), &d, errs_add, e);
	d.file_sha = d.file_name = d.file_mime = "";
	if (in->inbox && !in->file && in->take.file_sha) {
		d.file_sha = in->take.file_sha;
		d.file_name = in->take.file_name;
		d.file_mime = in->take.file_mime;
		d.file_size = in->take.file_size;
	}
	if (in->file) {
		const char *type = upload_doc_type(in->file->path);
		if (!type)
			errs_add(e, "file", N_("The scan must be a PDF, JPEG or PNG file."));
		else if (in->file->size > SCAN_MAX)
			errs_add(e, "file", N_("The scan may be at most 20 MB."));
		else {
			d.file_mime = type;
			d.file_name = upload_file_name(req, in->file->filename, type, 0);
			d.file_size = (int64_t)in->file->size;
		}
	}
	if (e->n) {
		*msg = _("Please correct the fields marked below.");
		return 422;
	}
	if (in->file) {
		char *sha = arena_alloc(&req->arena, 65);
		/* on disk, fsynced, before the row naming it commits */
		if (files_store(the_app->cfg.data, in->file->path, sha)) {
			log_error(
				"event=files_store msg=\"incoming document scan not kept\" err=\"%s\" id=%s",
				strerror(errno), req->id);
			errs_add(e, "file", N_("The file could not be saved. Please try again shortly."));
			*msg = _("Please correct the fields marked below.");
			return 422;
		}
		if (in->file_sha_ref && *in->file_sha_ref && strcmp(in->file_sha_ref, sha)) {
			errs_add(e, "file_sha", N_("file_sha is not the SHA-256 of the file sent."));
			*msg = _("Please correct the fields marked below.");
			return 422;
		}
		d.file_sha = sha;
	}
	d.agency_id = in->agency;
	if (db_begin(db))
		return 503;
	rc = doc_in_register(db, &d, req_user(req)->id, req_now(req), &dup);
	if (rc == DOC_IN_DUPLICATE) {
		db_rollback(db);
		*id = dup;
		*msg = _(
			"This document has already been registered: the same sender, number and symbol, and date.");
		return 409;
	}
	if (!rc && in->inbox) {
		int st = doc_inbox_registered(req, db, &in->take, &d, msg);
		if (st) {
			db_rollback(db);
			return st;
		}
	}
	if (!rc) {
		json_t *detail = json_pack("{s:I,s:I,s:s,s:s,s:s,s:i,s:s,s:s}", "agency",
					   (json_int_t)d.agency_id, "arrival_no", (json_int_t)d.arrival_no,
					   "sender", d.sender, "symbol", d.symbol, "summary", d.summary,
					   "type", d.type, "secrecy", doc_secrecy_name(d.secrecy), "file_sha",
					   d.file_sha);
		rc = req_audit_json(req, db, "document.incoming.register",
				    arena_printf(&req->arena, "doc_in:%lld", (long long)d.id), detail);
	}
	if (rc || db_commit(db)) {
		db_rollback(db);
		return 503;
	}
	if (*d.file_sha)
		doc_text_wake();
	*id = d.id;
	return 201;
}

/* POST /van-ban/den with "refuse": refuse an electronic inbox entry, or show its form again with the error.
 */
static void inbox_refuse_post(struct request *req, struct db *db, const struct who *w)
{
	int64_t id = input_id(req_form(req, "inbox"));
	const char *msg;
	int status = doc_inbox_refuse(req, db, w->reg, w->nreg, id, req_form(req, "reason"), &msg);
	json_t *values;
	if (status == 200)
		resp_redirect(req, BASE "?queue=inbox&msg=refused");
	else if (status == 503)
		resp_unavailable(req);
	else if (status != 422)
		resp_error(req, status, status == 404 ? "not_found" : "conflict", msg);
	else if (!doc_inbox_form(req, db, w->reg, w->nreg, id, &values)) {
		json_object_set_new(values, "reason", json_string(input_trim(req, req_form(req, "reason"))));
		form_render(req, db, w, 422, values, json_pack("{s:s}", "reason", msg), msg, NULL);
	}
}

static const char *const form_fields[] = { "arrived_date", "arrived_time", "sender",	"sender_unit",
					   "symbol",	   "doc_date",	   "type",	"summary",
					   "urgency",	   "secrecy",	   "reply_due", "pages",
					   "copies",	   "notes",	   NULL };

int page_doc_in_create(struct request *req)
{
	struct db *db = db_thread();
	struct who w;
	struct reg_input in;
	struct errs e = { json_object(), 0 };
	const char *msg;
	int64_t id = 0;
	int status;

	memset(&in, 0, sizeof(in));
	if (who_load(req, &w))
		goto out;
	if (!db) {
		resp_unavailable(req);
		goto out;
	}
	if (!w.nreg) {
		resp_error(req, 403, "forbidden", msg_no_register());
		goto out;
	}
	/* refusing an entry of the electronic inbox */
	if (req_form(req, "refuse")) {
		inbox_refuse_post(req, db, &w);
		goto out;
	}
	in.inbox = input_id(req_form(req, "inbox"));
	in.f.arrived_date = req_form(req, "arrived_date");
	in.f.arrived_time = req_form(req, "arrived_time");
	in.f.sender = req_form(req, "sender");
	in.f.symbol = req_form(req, "symbol");
	in.f.doc_date = req_form(req, "doc_date");
	in.f.type = req_form(req, "type");
	in.f.summary = req_form(req, "summary");
	in.f.urgency = req_form(req, "urgency");
	in.f.secrecy = req_form(req, "secrecy");
	in.f.reply_due = req_form(req, "reply_due");
	in.f.pages = req_form(req, "pages");
	in.f.copies = req_form(req, "copies");
	in.f.notes = req_form(req, "notes");
	in.agency_s = req_form(req, "agency");
	in.sender_unit_s = req_form(req, "sender_unit");
	in.file = first_file(req, "file");
	status = reg_do(req, db, &w, &in, &e, &id, &msg);
	if (status == 201) {
		resp_redirect(req, arena_printf(&req->arena, BASE "/%lld?msg=registered", (long long)id));
	} else if (status == 503) {
		resp_unavailable(req);
	} else if (status == 403 || status == 404 || (status == 409 && !id)) {
		resp_error(req, status,
			   status == 403   ? "forbidden"
			   : status == 404 ? "not_found"
					   : "conflict",
			   msg);
	} else {
		json_t *values = json_object();
		for (size_t i = 0; form_fields[i]; i++)
			doc_set_text(values, form_fields[i], input_trim(req, req_form(req, form_fields[i])));
		if (in.agency)
			json_object_set_new(values, "agency", json_integer(in.agency));
		if (in.f.sender_unit_id)
			json_object_set_new(values, "sender_unit", json_integer(in.f.sender_unit_id));
		if (in.inbox)
			doc_inbox_form_again(req, db, in.inbox, values);
		form_render(req, db, &w, status, values, status == 422 ? json_incref(e.fields) : NULL, msg,
			    status == 409 ? arena_printf(&req->arena, BASE "/%lld", (long long)id) : NULL);
	}
out:
	json_decref(e.fields);
	return 0;
}

int api_doc_in_create(struct request *req)
{
	struct db *db = db_thread();
	struct who w;
	struct reg_input in;
	struct errs e = { json_object(), 0 };
	const json_t *body = req->json;
	json_t *meta = NULL, *out;
	const char *msg;
	int64_t id = 0;
	int status, bad = 0;

	memset(&in, 0, sizeof(in));
	if (who_load(req, &w))
		goto done;
	if (!db) {
		resp_unavailable(req);
		goto done;
	}
	if (!w.nreg) {
		resp_error(req, 403, "forbidden", msg_no_register());
		goto done;
	}
	/* multipart: the fields as JSON in the part "metadata", the scan in the part "file" */
	if (!body && req_form(req, "metadata")) {
		const char *m = req_form(req, "metadata");
		body = meta = json_loads(m, JSON_REJECT_DUPLICATES, NULL);
	}
	if (!json_is_object(body)) {
		resp_error(
			req, 400, "bad_request",
			_("Send the document as a JSON object, or as multipart/form-data with its JSON in the part "
			  "\"metadata\" and the scan in the part \"file\"."));
		goto done;
	}
	/* refusing an entry of the electronic inbox, or registering one */
	if (json_object_get(body, "refuse") && json_is_true(json_object_get(body, "refuse"))) {
		api_doc_inbox_refuse(req, db, w.reg, w.nreg, body);
		goto done;
	}
	if (json_object_get(body, "inbox")) {
		const json_t *ib = json_object_get(body, "inbox");
		if (!json_is_integer(ib) || (in.inbox = json_integer_value(ib)) <= 0)
			bad = 1;
	}
	in.f.arrived_date = doc_json_text(req, body, "arrived_date", &bad);
	in.f.arrived_time = doc_json_text(req, body, "arrived_time", &bad);
	in.f.sender = doc_json_text(req, body, "sender", &bad);
	in.f.symbol = doc_json_text(req, body, "symbol", &bad);
	in.f.doc_date = doc_json_text(req, body, "date", &bad);
	in.f.type = doc_json_text(req, body, "type", &bad);
	in.f.summary = doc_json_text(req, body, "summary", &bad);
	in.f.urgency = doc_json_text(req, body, "urgency", &bad);
	in.f.secrecy = doc_json_text(req, body, "secrecy", &bad);
	in.f.reply_due = doc_json_text(req, body, "reply_due", &bad);
	in.f.pages = doc_json_text(req, body, "pages", &bad);
	in.f.copies = doc_json_text(req, body, "copies", &bad);
	in.f.notes = doc_json_text(req, body, "notes", &bad);
	in.agency_s = doc_json_text(req, body, "agency", &bad);
	in.sender_unit_s = doc_json_text(req, body, "sender_unit", &bad);
	in.file_sha_ref = doc_json_text(req, body, "file_sha", &bad);
	if (bad) {
		resp_error(req, 400, "bad_request",
			   _("The fields of the document are strings (counts may be integers)."));
		goto done;
	}
	in.file = first_file(req, "file");
	if (in.file_sha_ref && !in.file) {
		errs_add(&e, "file_sha",
			 N_("file_sha names the file sent in the same request: none was sent."));
		resp_json(req, 422,
			  json_pack("{s:{s:s,s:s,s:O}}", "error", "code", "invalid", "message",
				    _("Please correct the fields marked below."), "fields", e.fields));
		goto done;
	}
	status = reg_do(req, db, &w, &in, &e, &id, &msg);
	if (status == 201) {
		struct doc_in d;
		if (doc_in_load(db, &req->arena, id, &d)) {
			resp_unavailable(req);
			goto done;
		}
		out = doc_json(req, &d, 1);
		resp_header(req, "Location", arena_printf(&req->arena, API_BASE "/%lld", (long long)id));
		resp_json(req, 201, out);
	} else if (status == 503) {
		resp_unavailable(req);
	} else if (status == 403 || status == 404 || (status == 409 && !id)) {
		resp_error(req, status,
			   status == 403   ? "forbidden"
			   : status == 404 ? "not_found"
					   : "conflict",
			   msg);
	} else if (status == 409) {
		resp_json(req, 409,
			  json_pack("{s:{s:s,s:s,s:I,s:s}}", "error", "code", "duplicate", "message", msg,
				    "existing_id", (json_int_t)id, "existing_url",
				    arena_printf(&req->arena, API_BASE "/%lld", (long long)id)));
	} else {
		/* the API names the document's date "date" */
		json_t *dd = json_object_get(e.fields, "doc_date");
		if (dd) {
			json_object_set(e.fields, "date", dd);
			json_object_del(e.fields, "doc_date");
		}
		resp_json(req, 422,
			  json_pack("{s:{s:s,s:s,s:O}}", "error", "code", "invalid", "message", msg, "fields",
				    e.fields));
	}
done:
	json_decref(meta);
	json_decref(e.fields);
	return 0;
}

/* ---- one document ---- */

int api_doc_in_get(struct request *req)
{
	struct db *db = db_thread();
	struct who w;
	struct doc_in d;
	if (who_load(req, &w) || doc_open(req, db, &w, req_param_id(req), &d))
		return 0;
	resp_header_static(req, "Cache-Control", "no-store");
	resp_json(req, 200, doc_json(req, &d, 1));
	return 0;
}

static int serve_file(struct request *req)
{
	struct db *db = db_thread();
	struct who w;
	struct doc_in d;
	char path[512];
	int rc;
	if (who_load(req, &w) || doc_open(req, db, &w, req_param_id(req), &d))
		return 0;
	if (!*d.file_sha || files_path(the_app->cfg.data, d.file_sha, path, sizeof(path))) {
		resp_error(req, 404, "not_found", _("This document has no scanned file."));
		return 0;
	}
	buf_reset(&req->out);
	rc = file_read_whole(path, req->out.max - 1 < 32u << 20 ? req->out.max - 1 : 32u << 20, &req->out);
	if (rc) {
		buf_reset(&req->out);
		log_error("event=doc_in_file id=%lld msg=%s", (long long)d.id,
			  rc > 0 ? "\"too large\"" : strerror(errno));
		resp_error(req, 500, "internal", _("Internal server error, please try again later."));
		return 0;
	}
	resp_header(req, "Content-Disposition", download_disposition(req, d.file_name));
	resp_header_static(req, "Cache-Control", "no-store");
	req->status = 200;
	req->content_type_out = *d.file_mime ? d.file_mime : "application/octet-stream";
	return 0;
}

int page_doc_in_file(struct request *req)
{
	return serve_file(req);
}

int api_doc_in_file(struct request *req)
{
	return serve_file(req);
}

/* History rows as people read them. */
static const char *names_text(struct request *req, const json_t *a)
{
	struct buf b = BUF_INIT;
	const char *out;
	size_t i;
	json_t *v;
	buf_init(&b, 1 << 16);
	json_array_foreach(a, i, v)
	{
		if (i)
			buf_adds(&b, ", ");
		buf_adds(&b, json_string_value(v) ? json_string_value(v) : "");
	}
	out = arena_strdup(&req->arena, b.len ? b.ptr : "");
	buf_release(&b);
	return out;
}

static json_t *event_view(struct request *req, const struct doc_in_event *e)
{
	json_t *detail = *e->detail ? json_loads(e->detail, 0, NULL) : NULL;
	json_t *o = json_object();
	const char *what = "", *text = "";
	const char *note = json_string_value(json_object_get(detail, "note"));
	const char *rcpt = json_string_value(json_object_get(detail, "recipient"));
	if (!strcmp(e->action, "register")) {
		what = _("Registered");
		text = arena_printf(&req->arena, _("Arrival number %lld"),
				    (long long)json_integer_value(json_object_get(detail, "arrival_no")));
	} else if (!strcmp(e->action, "assign")) {
		struct buf b = BUF_INIT;
		const char *due = json_string_value(json_object_get(detail, "due"));
		buf_init(&b, 1 << 16);
		what = _("Assigned");
		buf_addf(&b, "%s: %s", _("Lead"), names_text(req, json_object_get(detail, "lead")));
		if (json_array_size(json_object_get(detail, "coordinate")))
			buf_addf(&b, "; %s: %s", _("Coordinates"),
				 names_text(req, json_object_get(detail, "coordinate")));
		if (json_array_size(json_object_get(detail, "inform")))
			buf_addf(&b, "; %s: %s", _("For information"),
				 names_text(req, json_object_get(detail, "inform")));
		if (due)
			buf_addf(&b, "; %s: %s", _("Deadline"), doc_date_vn(req, schedule_date_parse(due)));
		text = arena_strdup(&req->arena, b.ptr ? b.ptr : "");
		buf_release(&b);
	} else if (!strcmp(e->action, "forward")) {
		what = _("Forwarded");
		text = arena_printf(&req->arena, "%s → %s",
				    json_string_value(json_object_get(detail, "from")),
				    names_text(req, json_object_get(detail, "to")));
	} else if (!strcmp(e->action, "read")) {
		what = _("Read");
		text = rcpt ? rcpt : "";
	} else if (!strcmp(e->action, "start")) {
		what = _("Handling started");
		text = rcpt ? rcpt : "";
	} else if (!strcmp(e->action, "done")) {
		json_int_t reply = json_integer_value(json_object_get(detail, "reply_out_id"));
		what = _("Finished");
		text = reply  ? arena_printf(&req->arena, "%s (%s %lld)", rcpt ? rcpt : "",
					     _("reply: outgoing document"), (long long)reply)
		       : rcpt ? rcpt
			      : "";
	} else if (!strcmp(e->action, "file")) {
		what = _("Filed for information");
	} else if (!strcmp(e->action, "edxml")) {
		what = _("Received electronically");
		const char *from = json_string_value(json_object_get(detail, "from")),
			   *organ = json_string_value(json_object_get(detail, "organ"));
		text = arena_printf(
			&req->arena, _("From %s (%s), edXML received %s"), from ? from : "",
			organ ? organ : "",
			dossier_when_text(req, json_integer_value(json_object_get(detail, "received_at"))));
	} else if (!strcmp(e->action, "exchange")) {
		const char *label =
			doc_exchange_status_label((int)json_integer_value(json_object_get(detail, "status")));
		const char *to = json_string_value(json_object_get(detail, "to"));
		what = _("Status sent to the sender");
		text = arena_printf(&req->arena, "%02d %s → %s%s",
				    (int)json_integer_value(json_object_get(detail, "status")),
				    label ? _(label) : "", to ? to : "",
				    json_is_true(json_object_get(detail, "hub"))
					    ? _(" (through the document exchange)")
					    : "");
		note = json_string_value(json_object_get(detail, "description"));
	} else {
		what = e->action;
	}
	json_object_set_new(o, "when", json_string(dossier_when_text(req, e->at)));
	json_object_set_new(o, "when_iso", dossier_iso(e->at));
	json_object_set_new(o, "what", json_string(what));
	json_object_set_new(o, "by", json_string(*e->actor_name ? e->actor_name : _("the system")));
	doc_set_text(o, "text", text);
	doc_set_text(o, "note", note);
	json_decref(detail);
	return o;
}

/* Staff of the agency (id, name, position, unit) for the assignment and forwarding forms. */
struct staff {
	int64_t id, unit;
	const char *name, *position;
};

static int staff_list(struct request *req, struct db *db, struct staff **out, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 64;
	int rc = db_query(
		db, &st,
		"SELECT id, unit_id, full_name, position FROM accounts WHERE kind = 'staff' AND active = 1 AND "
		"unit_id IS NOT NULL ORDER BY full_name, id",
		NULL);
	*n = 0;
	*out = arena_alloc(&req->arena, cap * sizeof(**out));
	for (; rc == DB_ROW; rc = db_step(st)) {
		if (*n == cap) {
			struct staff *bigger = arena_alloc(&req->arena, 2 * cap * sizeof(*bigger));
			memcpy(bigger, *out, cap * sizeof(*bigger));
			*out = bigger;
			cap *= 2;
		}
		(*out)[*n].id = db_col_int(st, 0);
		(*out)[*n].unit = db_col_int(st, 1);
		(*out)[*n].name = arena_strdup(&req->arena, db_col_text(st, 2) ? db_col_text(st, 2) : "");
		(*out)[*n].position = arena_strdup(&req->arena, db_col_text(st, 3) ? db_col_text(st, 3) : "");
		(*n)++;
	}
	return rc < 0 ? rc : 0;
}

static const char *text_state_label(int state)
{
	switch (state) {
	case DOC_TEXT_PENDING: return N_("The text of the file is being read; it will show here shortly.");
	case DOC_TEXT_DONE: return NULL;
	case DOC_TEXT_FAILED: return N_("The text of the file could not be read.");
	case DOC_TEXT_NONE: return N_("No text is read from this kind of file.");
	default: return N_("The text of the file has not been read yet.");
	}
}

static const char *notice_of(const char *msg)
{
	static const struct {
		const char *name, *text;
	} notices[] = {
		{ "registered", N_("The document has been registered.") },
		{ "assign", N_("The document has been assigned.") },
		{ "forward", N_("The document has been forwarded.") },
		{ "read", N_("Marked as read.") },
		{ "start", N_("Marked as in progress.") },
		{ "done", N_("Marked as done.") },
		{ "file", N_("The document has been filed for information.") },
	};
	for (size_t i = 0; msg && i < sizeof(notices) / sizeof(notices[0]); i++)
		if (!strcmp(msg, notices[i].name))
			return _(notices[i].text);
	return NULL;
}

/* The document's page; errors (stolen, may be NULL) and a message after a refused action. */
static void view_render(struct request *req, struct db *db, const struct who *w, const struct doc_in *d,
			int status, const char *error, json_t *errors)
{
	const struct unit_tree *t = req_units(req);
	const struct doc_type *ty = doc_type(d->type);
	json_t *ctx = page_context(req, _("Incoming document"));
	json_t *doc = json_object(), *rcpts = json_array(), *hist = json_array(), *mine = json_array();
	int leader = leads_agency(w, d->agency_id);

	resp_header_static(req, "Cache-Control", "no-store");
	json_object_set_new(ctx, "csrf", json_string(req_csrf(req)));
	json_object_set_new(doc, "id", json_integer(d->id));
	json_object_set_new(doc, "number", json_integer(d->arrival_no));
	json_object_set_new(doc, "year", json_integer(d->arrival_year));
	json_object_set_new(doc, "agency", json_string(d->agency_name));
	json_object_set_new(doc, "arrived", json_string(dossier_when_text(req, d->arrived_at)));
	json_object_set_new(doc, "sender", json_string(d->sender));
	doc_set_text(doc, "symbol", d->symbol);
	json_object_set_new(doc, "date", json_string(doc_date_vn(req, d->doc_date)));
	json_object_set_new(doc, "type", json_string(ty ? ty->name : ""));
	json_object_set_new(doc, "summary", json_string(d->summary));
	json_object_set_new(doc, "urgency", json_string(doc_urgency_label(d->urgency)));
	json_object_set_new(doc, "secrecy", json_string(doc_secrecy_label(d->secrecy)));
	if (d->secrecy > DOC_SECRECY_NONE)
		json_object_set_new(doc, "secret", json_true());
	doc_set_text(doc, "reply_due", doc_date_vn(req, d->reply_due));
	if (d->pages)
		json_object_set_new(doc, "pages", json_integer(d->pages));
	if (d->copies)
		json_object_set_new(doc, "copies", json_integer(d->copies));
	doc_set_text(doc, "notes", d->notes);
	json_object_set_new(doc, "status", json_string(doc_in_status_name(d->status)));
	json_object_set_new(doc, "status_label", json_string(_(doc_in_status_label(d->status))));
	doc_set_text(doc, "due", doc_date_vn(req, d->due));
	if (doc_overdue(req, d))
		json_object_set_new(doc, "overdue", json_true());
	doc_set_text(doc, "instructions", d->instructions);
	doc_set_text(doc, "registered_by", d->registered_by_name);
	doc_set_text(doc, "assigned_by", d->assigned_by_name);
	if (d->reply_out_id) {
		json_object_set_new(doc, "reply_out_id", json_integer(d->reply_out_id));
		doc_set_text(doc, "reply_symbol", reply_symbol(req, d->reply_out_id));
	}
	if (*d->file_sha) {
		int state = 0;
		const char *text = NULL, *method = NULL;
		int rc = doc_text_get(db, &req->arena, d->file_sha, &state, &text, &method);
		json_object_set_new(doc, "file_name", json_string(d->file_name));
		json_object_set_new(
			doc, "file_url",
			json_string(arena_printf(&req->arena, BASE "/%lld/tep", (long long)d->id)));
		json_object_set_new(doc, "file_size",
				    json_string(arena_printf(&req->arena, "%lld KB",
							     (long long)(d->file_size + 1023) / 1024)));
		if (rc < 0 || !text_state_label(rc ? 0 : state))
			doc_set_text(doc, "file_text", rc ? NULL : text);
		else
			json_object_set_new(doc, "file_text_state",
					    json_string(_(text_state_label(rc ? 0 : state))));
		if (!rc && state == DOC_TEXT_DONE && (!text || !*text))
			json_object_set_new(doc, "file_text_state",
					    json_string(_("The file holds no text.")));
		if (!rc && method && !strcmp(method, "ocr"))
			json_object_set_new(doc, "file_text_ocr", json_true());
	}
	json_object_set_new(ctx, "doc", doc);

	for (size_t i = 0; i < d->nrcpts; i++) {
		const struct doc_in_rcpt *r = &d->rcpts[i];
		const struct doc_in_rcpt *parent = NULL;
		json_t *o = json_object();
		for (size_t k = 0; k < d->nrcpts; k++)
			if (d->rcpts[k].id == r->parent_id)
				parent = &d->rcpts[k];
		json_object_set_new(o, "id", json_integer(r->id));
		json_object_set_new(o, "name", json_string(r->name));
		doc_set_text(o, "position", r->position);
		json_object_set_new(o, "role", json_string(_(doc_recipient_role_label(r->role))));
		json_object_set_new(o, "state", json_string(doc_recipient_state_name(r->state)));
		json_object_set_new(o, "state_label", json_string(_(doc_recipient_state_label(r->state))));
		doc_set_text(o, "read_at", dossier_when_text(req, r->read_at));
		doc_set_text(o, "done_at", dossier_when_text(req, r->done_at));
		if (parent)
			json_object_set_new(o, "via", json_string(parent->name));
		doc_set_text(o, "note", r->note);
		doc_set_text(o, "acted_by", r->acted_by_name);
		if (r->reply_out_id) {
			json_object_set_new(o, "reply_out_id", json_integer(r->reply_out_id));
			doc_set_text(o, "reply_symbol", reply_symbol(req, r->reply_out_id));
		}
		json_array_append_new(rcpts, o);
		/* what he may do with his own rows */
		if (d->status == DOC_IN_ASSIGNED && r->state != DOC_RCPT_DONE && doc_in_acts_for(&w->v, r)) {
			json_t *m = json_pack("{s:I,s:s,s:s}", "id", (json_int_t)r->id, "name", r->name,
					      "role", _(doc_recipient_role_label(r->role)));
			if (r->role != DOC_RCPT_INFORM) {
				if (r->state != DOC_RCPT_WORKING)
					json_object_set_new(m, "can_start", json_true());
				json_object_set_new(m, "can_done", json_true());
				if (r->role == DOC_RCPT_LEAD)
					json_object_set_new(m, "lead", json_true());
			}
			if (r->unit_id) {
				struct staff *s;
				size_t ns;
				json_t *people = json_array();
				if (!staff_list(req, db, &s, &ns))
					for (size_t k = 0; k < ns; k++) {
						int already = 0;
						if (s[k].unit != r->unit_id || s[k].id == w->v.account_id)
							continue;
						for (size_t j = 0; j < d->nrcpts; j++)
							already |= d->rcpts[j].account_id == s[k].id;
						if (!already)
							json_array_append_new(
								people, json_pack("{s:I,s:s,s:s}", "id",
										  (json_int_t)s[k].id, "name",
										  s[k].name, "position",
										  s[k].position));
					}
				if (json_array_size(people)) {
					json_object_set_new(m, "people", people);
					json_object_set_new(m, "can_forward", json_true());
				} else
					json_decref(people);
			}
			json_array_append_new(mine, m);
		}
	}
	json_object_set_new(ctx, "recipients", rcpts);
	json_object_set_new(ctx, "has_recipients", json_boolean(d->nrcpts > 0));
	json_object_set_new(ctx, "mine", mine);
	for (size_t i = 0; i < d->nevents; i++)
		json_array_append_new(hist, event_view(req, &d->events[i]));
	json_object_set_new(ctx, "history", hist);

	/* the leader's assignment form: the agency's units and staff */
	if (leader && d->status == DOC_IN_REGISTERED && t) {
		struct unit *all;
		size_t nall;
		struct staff *s;
		size_t ns;
		json_t *cands = json_array();
		if (!org_unit_list(db, &req->arena, &all, &nall))
			for (size_t i = 0; i < nall; i++)
				if (all[i].active && all[i].id != d->agency_id &&
				    unit_tree_agency(t, all[i].id) == d->agency_id)
					json_array_append_new(
						cands, json_pack("{s:s,s:s,s:s}", "key",
								 arena_printf(&req->arena, "u%lld",
									      (long long)all[i].id),
								 "name", all[i].name, "kind", _("Unit")));
		if (!staff_list(req, db, &s, &ns))
			for (size_t i = 0; i < ns; i++)
				if (unit_tree_agency(t, s[i].unit) == d->agency_id &&
				    s[i].id != w->v.account_id)
					json_array_append_new(
						cands,
						json_pack("{s:s,s:s,s:s}", "key",
							  arena_printf(&req->arena, "a%lld",
								       (long long)s[i].id),
							  "name",
							  *s[i].position
								  ? arena_printf(&req->arena, "%s (%s)",
										 s[i].name, s[i].position)
								  : s[i].name,
							  "kind", _("Person")));
		json_object_set_new(ctx, "assign",
				    json_pack("{s:o,s:s}", "candidates", cands, "due",
					      d->reply_due ? doc_date_iso(req, d->reply_due) : ""));
		json_object_set_new(ctx, "can_file", json_true());
	}
	json_object_set_new(ctx, "errors", errors ? errors : json_object());
	doc_set_text(ctx, "error", error);
	doc_set_text(ctx, "notice", notice_of(req_query(req, "msg")));
	page_render(req, status, "doc_in_view", ctx);
}

int page_doc_in_view(struct request *req)
{
	struct db *db = db_thread();
	struct who w;
	struct doc_in d;
	int changed = 0;

	if (who_load(req, &w) || doc_open(req, db, &w, req_param_id(req), &d))
		return 0;
	/* opening it reads it: each of his rows still unread */
	for (size_t i = 0; i < d.nrcpts; i++)
		if (d.rcpts[i].state == DOC_RCPT_UNREAD && doc_in_acts_for(&w.v, &d.rcpts[i]) &&
		    d.status == DOC_IN_ASSIGNED) {
			int rc;
			if (!changed && db_begin(db)) {
				resp_unavailable(req);
				return 0;
			}
			changed = 1;
			rc = doc_in_mark(db, &d, d.rcpts[i].id, DOC_RCPT_READ, 0, 1, w.v.account_id,
					 req_now(req), NULL);
			if (!rc)
				rc = req_audit_json(req, db, "document.incoming.read",
						    arena_printf(&req->arena, "doc_in:%lld", (long long)d.id),
						    json_pack("{s:I}", "recipient",
							      (json_int_t)d.rcpts[i].id));
			if (rc) {
				db_rollback(db);
				resp_unavailable(req);
				return 0;
			}
		}
	if (changed) {
		if (db_commit(db)) {
			db_rollback(db);
			resp_unavailable(req);
			return 0;
		}
		if (doc_in_load(db, &req->arena, d.id, &d)) {
			resp_unavailable(req);
			return 0;
		}
	}
	view_render(req, db, &w, &d, 200, NULL, NULL);
	return 0;
}

/* ---- actions ---- */

/* What an action asks, from the form or the JSON body. */
struct act {
	const char *action;
	int64_t rcpt; /* the recipient row acted for; 0: his first fitting one */
	const char *note, *due;
	struct doc_in_target *targets;
	size_t ntargets;
	int64_t *to; /* forward: accounts */
	size_t nto;
	int64_t reply;
	const char *reply_symbol; /* the reply as its number and symbol ("25/UBND-TP"), or NULL */
	int bad;		  /* a malformed field: 400 */
};

/* "u12" / "a7" → target; 0 or -1. */
static int target_parse(const char *s, int role, struct doc_in_target *t)
{
	int64_t id;
	if (!s || (s[0] != 'u' && s[0] != 'a') || !(id = input_id(s + 1)))
		return -1;
	t->unit_id = s[0] == 'u' ? id : 0;
	t->account_id = s[0] == 'a' ? id : 0;
	t->role = role;
	return 0;
}

static void act_from_form(struct request *req, struct act *a)
{
	size_t cap = req->form.n + 1;
	memset(a, 0, sizeof(*a));
	a->action = req_form(req, "action");
	a->rcpt = input_id(req_form(req, "recipient"));
	a->note = req_form(req, "note");
	a->due = req_form(req, "due");
	a->targets = arena_alloc(&req->arena, cap * sizeof(*a->targets));
	a->to = arena_alloc(&req->arena, cap * sizeof(*a->to));
	{
		const char *r = req_form(req, "reply_out_id");
		if (r && *r && !(a->reply = input_id(r)))
			a->bad = 1;
		a->reply_symbol = input_trim(req, req_form(req, "reply"));
	}
	for (const struct kv *kv = req->form.head; kv; kv = kv->next) {
		/* the assignment form: one select per candidate, r_u12 = lead | coordinate | inform | "" */
		if (!strncmp(kv->key, "r_", 2) && *kv->val) {
			int role = doc_recipient_role_from_name(kv->val);
			if (!role || target_parse(kv->key + 2, role, &a->targets[a->ntargets]))
				a->bad = 1;
			else
				a->ntargets++;
		} else if (!strcmp(kv->key, "to")) {
			int64_t id = input_id(kv->val);
			if (!id)
				a->bad = 1;
			else
				a->to[a->nto++] = id;
		}
	}
}

/* {"unit": 12} or {"account": 7} → target; 0 or -1. */
static int target_json(const json_t *o, int role, struct doc_in_target *t)
{
	const json_t *u = json_object_get(o, "unit"), *ac = json_object_get(o, "account");
	if (!json_is_object(o) || (!u == !ac) || (u && !json_is_integer(u)) || (ac && !json_is_integer(ac)))
		return -1;
	t->unit_id = u ? json_integer_value(u) : 0;
	t->account_id = ac ? json_integer_value(ac) : 0;
	t->role = role;
	return t->unit_id > 0 || t->account_id > 0 ? 0 : -1;
}

static void act_from_json(struct request *req, struct act *a)
{
	const json_t *b = req->json, *v;
	size_t cap;
	memset(a, 0, sizeof(*a));
	if (!json_is_object(b)) {
		a->bad = 1;
		return;
	}
	a->action = json_string_value(json_object_get(b, "action"));
	v = json_object_get(b, "recipient");
	if (v && !(json_is_integer(v) && (a->rcpt = json_integer_value(v)) > 0))
		a->bad = 1;
	a->note = json_string_value(json_object_get(b, "note"));
	if (!a->note)
		a->note = json_string_value(json_object_get(b, "instructions"));
	a->due = json_string_value(json_object_get(b, "due"));
	v = json_object_get(b, "reply_out_id");
	if (v && !json_is_null(v) && !(json_is_integer(v) && (a->reply = json_integer_value(v)) > 0))
		a->bad = 1;
	v = json_object_get(b, "reply");
	if (v && !json_is_null(v) && !(a->reply_symbol = json_string_value(v)))
		a->bad = 1;
	cap = 1 + json_array_size(json_object_get(b, "coordinate")) +
	      json_array_size(json_object_get(b, "inform")) + json_array_size(json_object_get(b, "to"));
	if (cap > 4 * DOC_IN_TARGETS_MAX) {
		a->bad = 1;
		return;
	}
	a->targets = arena_alloc(&req->arena, cap * sizeof(*a->targets));
	a->to = arena_alloc(&req->arena, cap * sizeof(*a->to));
	if ((v = json_object_get(b, "lead"))) {
		if (target_json(v, DOC_RCPT_LEAD, &a->targets[a->ntargets]))
			a->bad = 1;
		else
			a->ntargets++;
	}
	for (int role = DOC_RCPT_COORDINATE; role <= DOC_RCPT_INFORM; role++) {
		const json_t *list =
			json_object_get(b, role == DOC_RCPT_COORDINATE ? "coordinate" : "inform");
		size_t i;
		json_t *x;
		if (list && !json_is_array(list))
			a->bad = 1;
		json_array_foreach(list, i, x)
		{
			if (target_json(x, role, &a->targets[a->ntargets]))
				a->bad = 1;
			else
				a->ntargets++;
		}
	}
	if ((v = json_object_get(b, "to"))) {
		size_t i;
		json_t *x;
		if (!json_is_array(v))
			a->bad = 1;
		json_array_foreach(v, i, x)
		{
			if (!json_is_integer(x) || json_integer_value(x) <= 0)
				a->bad = 1;
			else
				a->to[a->nto++] = json_integer_value(x);
		}
	}
}

/* His recipient row for the action: the one named, else his first fitting one (persons first). */
static const struct doc_in_rcpt *act_row(const struct who *w, const struct doc_in *d, int64_t id,
					 int units_only)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < d->nrcpts; i++) {
			const struct doc_in_rcpt *r = &d->rcpts[i];
			if (id ? r->id != id
			       : (r->state == DOC_RCPT_DONE || (pass == 0) != (r->account_id != 0)))
				continue;
			if (units_only && !r->unit_id)
				continue;
			if (doc_in_acts_for(&w->v, r))
				return r;
		}
	return NULL;
}

/*
 * Do the action: 0 done (*done_msg the notice's name); otherwise the HTTP status with *msg, and
 * e (may be NULL) per field. 503 after a database error.
 */
static int act_do(struct request *req, struct db *db, const struct who *w, const struct doc_in *d,
		  struct act *a, const char **msg, struct errs *e)
{
	const char *action = a->action ? a->action : "", *note = "", *why = NULL;
	const struct unit_tree *t = req_units(req);
	const struct doc_in_rcpt *r = NULL;
	int64_t by = w->v.account_id, now = req_now(req);
	int32_t due = 0;
	int rc, finished = 0, state = 0;
	json_t *detail;

	*msg = NULL;
	if (a->bad) {
		*msg = _("The action's fields are not valid.");
		return 400;
	}
	if (!t)
		return 503;
	if (a->note && doc_in_note_check(&req->arena, a->note, &note, &why)) {
		if (e)
			errs_add(e, "note", why);
		*msg = _(why);
		return 422;
	}
	if (!strcmp(action, "assign") || !strcmp(action, "file")) {
		if (!leads_agency(w, d->agency_id) || !req_scope_allows(req, PERM_ASSIGN)) {
			*msg = _("Only a leader of the agency assigns or files its incoming documents.");
			return 403;
		}
		if (d->status != DOC_IN_REGISTERED) {
			*msg = _("This document has already been assigned or filed.");
			return 409;
		}
	} else if (!strcmp(action, "forward")) {
		r = act_row(w, d, a->rcpt, 1);
		if (!r) {
			*msg = _(
				"Only the leader of a unit the document was assigned to forwards it within the unit.");
			return 403;
		}
	} else if (!strcmp(action, "read") || !strcmp(action, "start") || !strcmp(action, "done")) {
		state = !strcmp(action, "read")	   ? DOC_RCPT_READ
			: !strcmp(action, "start") ? DOC_RCPT_WORKING
						   : DOC_RCPT_DONE;
		r = act_row(w, d, a->rcpt, 0);
		if (!r) {
			*msg = _("This document was not assigned to you or to a unit you lead.");
			return 403;
		}
	} else {
		*msg = _("There is no such action.");
		return 400;
	}
	/* the reply: an issued outgoing document of the same agency, by its number and symbol or id */
	if (state == DOC_RCPT_DONE && ((a->reply_symbol && *a->reply_symbol) || a->reply)) {
		struct db_stmt *st;
		int64_t found = 0;
		int qrc =
			a->reply_symbol && *a->reply_symbol
				? db_query(
					  db, &st,
					  "SELECT id FROM doc_outgoing WHERE agency_id = ? AND symbol = ? AND number "
					  "IS NOT NULL ORDER BY number_year DESC LIMIT 1",
					  "is", d->agency_id, a->reply_symbol)
				: db_query(
					  db, &st,
					  "SELECT id FROM doc_outgoing WHERE agency_id = ? AND id = ? AND number IS "
					  "NOT NULL",
					  "ii", d->agency_id, a->reply);
		if (qrc == DB_ROW)
			found = db_col_int(st, 0);
		db_release_statements(db);
		if (qrc < 0)
			return 503;
		if (!found) {
			if (e)
				errs_add(
					e, "reply",
					N_("There is no issued outgoing document of this agency with this number and "
					   "symbol."));
			*msg = _(
				"There is no issued outgoing document of this agency with this number and symbol.");
			return 422;
		}
		a->reply = found;
	}
	if (!strcmp(action, "assign")) {
		const char *ds = input_trim(req, a->due);
		due = *ds ? schedule_date_parse(ds) : d->reply_due;
		if (*ds && !due) {
			if (e)
				errs_add(e, "due",
					 N_("Enter the deadline as dd/mm/yyyy, or leave it empty."));
			*msg = _("Enter the deadline as dd/mm/yyyy, or leave it empty.");
			return 422;
		}
		if (due && due < schedule_day_of(d->arrived_at)) {
			if (e)
				errs_add(e, "due", N_("The deadline cannot be before the document arrived."));
			*msg = _("The deadline cannot be before the document arrived.");
			return 422;
		}
	}
	if (db_begin(db))
		return 503;
	if (!strcmp(action, "assign"))
		rc = doc_in_assign(db, t, d, a->targets, a->ntargets, note, due, by, now, &why);
	else if (!strcmp(action, "file"))
		rc = doc_in_file(db, d, note, by, now);
	else if (!strcmp(action, "forward"))
		rc = doc_in_forward(db, d, r->id, a->to, a->nto, note, by, now, &why);
	else
		rc = doc_in_mark(db, d, r->id, state, a->reply, 0, by, now, &finished);
	if (rc) {
		db_rollback(db);
		if (rc < 0)
			return 503;
		if (rc == DOC_IN_BAD_RECIPIENT) {
			if (e)
				errs_add(e, !strcmp(action, "forward") ? "to" : "recipients", why);
			*msg = _(why);
			return 422;
		}
		*msg = rc == DOC_IN_NOT_FOUND ? _("There is no such recipient of this document.")
					      : _("This cannot be done in the document's present state.");
		return rc == DOC_IN_NOT_FOUND ? 404 : 409;
	}
	/* the status it means for the sender of a document received electronically */
	if (doc_exchange_in_step(req, db, d, action, finished)) {
		db_rollback(db);
		return 503;
	}
	detail = json_pack("{s:s}", "action", action);
	if (r)
		json_object_set_new(detail, "recipient", json_integer(r->id));
	if (*note)
		json_object_set_new(detail, "note", json_string(note));
	if (due)
		json_object_set_new(detail, "due", json_string(doc_date_iso(req, due)));
	if (a->reply && state == DOC_RCPT_DONE)
		json_object_set_new(detail, "reply_out_id", json_integer(a->reply));
	if (a->ntargets && !strcmp(action, "assign")) {
		json_t *list = json_array();
		for (size_t i = 0; i < a->ntargets; i++)
			json_array_append_new(
				list, json_pack("{s:I,s:s}", a->targets[i].unit_id ? "unit" : "account",
						a->targets[i].unit_id ? (json_int_t)a->targets[i].unit_id
								      : (json_int_t)a->targets[i].account_id,
						"role", doc_recipient_role_name(a->targets[i].role)));
		json_object_set_new(detail, "recipients", list);
	}
	if (a->nto && !strcmp(action, "forward")) {
		json_t *list = json_array();
		for (size_t i = 0; i < a->nto; i++)
			json_array_append_new(list, json_integer(a->to[i]));
		json_object_set_new(detail, "to", list);
	}
	if (finished)
		json_object_set_new(detail, "document_done", json_true());
	rc = req_audit_json(req, db, arena_printf(&req->arena, "document.incoming.%s", action),
			    arena_printf(&req->arena, "doc_in:%lld", (long long)d->id), detail);
	if (rc || db_commit(db)) {
		db_rollback(db);
		return 503;
	}
	return 0;
}

int page_doc_in_act(struct request *req)
{
	struct db *db = db_thread();
	struct who w;
	struct doc_in d;
	struct act a;
	struct errs e = { json_object(), 0 };
	const char *msg;
	int status;

	if (who_load(req, &w) || doc_open(req, db, &w, req_param_id(req), &d))
		goto out;
	act_from_form(req, &a);
	status = act_do(req, db, &w, &d, &a, &msg, &e);
	if (!status) {
		resp_redirect(req, arena_printf(&req->arena, BASE "/%lld?msg=%s", (long long)d.id, a.action));
	} else if (status == 503) {
		resp_unavailable(req);
	} else if (status == 403 || status == 400) {
		resp_error(req, status, status == 403 ? "forbidden" : "bad_request", msg);
	} else {
		if (doc_in_load(db, &req->arena, d.id, &d)) {
			resp_unavailable(req);
			goto out;
		}
		view_render(req, db, &w, &d, status, msg, json_incref(e.fields));
	}
out:
	json_decref(e.fields);
	return 0;
}

int api_doc_in_act(struct request *req)
{
	struct db *db = db_thread();
	struct who w;
	struct doc_in d;
	struct act a;
	struct errs e = { json_object(), 0 };
	const char *msg;
	int status;

	if (who_load(req, &w) || doc_open(req, db, &w, req_param_id(req), &d))
		goto out;
	act_from_json(req, &a);
	status = act_do(req, db, &w, &d, &a, &msg, &e);
	if (!status) {
		if (doc_in_load(db, &req->arena, d.id, &d)) {
			resp_unavailable(req);
			goto out;
		}
		resp_json(req, 200, doc_json(req, &d, 1));
	} else if (status == 503) {
		resp_unavailable(req);
	} else if (status == 422) {
		resp_json(req, 422,
			  json_pack("{s:{s:s,s:s,s:O}}", "error", "code", "invalid", "message", msg, "fields",
				    e.fields));
	} else {
		resp_error(req, status,
			   status == 403   ? "forbidden"
			   : status == 409 ? "conflict"
			   : status == 404 ? "not_found"
					   : "bad_request",
			   msg);
	}
out:
	json_decref(e.fields);
	return 0;
}

/* ---- the register ---- */

struct book_args {
	int64_t agency;
	int32_t from, to;
	int fmt; /* 0 page / json, 1 pdf, 2 xlsx */
};

/* ?agency=&from=&to=&format=: 0; 1 after answering. */
static int book_args(struct request *req, const struct who *w, struct book_args *b, int api)
{
	const char *from = input_trim(req, req_query(req, "from")),
		   *to = input_trim(req, req_query(req, "to"));
	const char *fmt = input_trim(req, req_query(req, "format")),
		   *ag = input_trim(req, req_query(req, "agency"));
	int32_t today = schedule_day_of(req_now(req));

	memset(b, 0, sizeof(*b));
	if (!w->v.nall) {
		resp_error(
			req, 403, "forbidden",
			_("Only the records clerks and the leaders of an agency read its incoming register."));
		return 1;
	}
	b->agency = *ag ? input_id(ag) : 0;
	if (*ag && !b->agency) {
		int64_t u = org_unit_by_code(db_thread(), ag);
		b->agency = u > 0 ? u : 0;
	}
	if (!*ag)
		b->agency = w->nreg ? w->reg[0] : w->v.all[0];
	if (!ids_contain(w->v.all, w->v.nall, b->agency)) {
		resp_error(
			req, 403, "forbidden",
			_("Only the records clerks and the leaders of an agency read its incoming register."));
		return 1;
	}
	b->from = *from ? schedule_date_parse(from) : today / 100 * 100 + 1;
	b->to = *to ? schedule_date_parse(to) : today;
	if (!b->from || !b->to || b->to < b->from || schedule_days(b->to) - schedule_days(b->from) > 366) {
		resp_error(req, 400, "bad_request",
			   _("Give the period as from=YYYY-MM-DD&to=YYYY-MM-DD, at most a year."));
		return 1;
	}
	b->fmt = doc_register_format(fmt, api);
	if (b->fmt < 0) {
		resp_error(req, 400, "bad_request", _("The format is json, pdf or xlsx."));
		return 1;
	}
	return 0;
}

/* The register's rows as {id, cells}, appended to list. */
static void book_rows_json(const struct doc_in_book_row *rows, size_t n, json_t *list)
{
	for (size_t i = 0; i < n; i++) {
		const char *cells[DOC_IN_BOOK_COLS];
		json_t *row = json_array();
		doc_in_book_cells(&rows[i], cells);
		for (size_t c = 0; c < DOC_IN_BOOK_COLS; c++)
			json_array_append_new(row, json_string(cells[c]));
		json_array_append_new(list,
				      json_pack("{s:I,s:o}", "id", (json_int_t)rows[i].id, "cells", row));
	}
}

static int book_serve(struct request *req, int api)
{
	struct db *db = db_thread();
	struct who w;
	struct book_args b;
	struct doc_in_book_row *rows;
	struct unit u, parent;
	size_t n;
	int rc;

	if (who_load(req, &w))
		return 0;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	if (book_args(req, &w, &b, api))
		return 0;
	rc = doc_in_book(db, &req->arena, b.agency, b.from, b.to, &rows, &n);
	if (rc < 0 || org_unit_load(db, &req->arena, b.agency, &u)) {
		resp_unavailable(req);
		return 0;
	}
	if (rc > 0) {
		resp_error(
			req, 422, "too_many",
			arena_printf(
				&req->arena,
				_("Too many documents arrived in this period: choose a shorter one (at most %d)."),
				DOC_IN_BOOK_MAX));
		return 0;
	}
	memset(&parent, 0, sizeof(parent));
	if (u.parent_id && org_unit_load(db, &req->arena, u.parent_id, &parent))
		memset(&parent, 0, sizeof(parent));
	if (b.fmt) {
		char pup[256] = "", aup[256] = "";
		const char *pn = parent.name ? arena_printf(&req->arena, "UBND %s", parent.name) : "";
		const char *an = arena_printf(&req->arena, "UBND %s", u.name);
		signing_upper(pn, pup, sizeof(pup));
		signing_upper(an, aup, sizeof(aup));
		buf_reset(&req->out);
		rc = b.fmt == DOC_REGISTER_PDF ? doc_in_book_pdf(rows, n, pup, aup, b.from, b.to, &req->out)
					       : doc_in_book_xlsx(rows, n, pup, aup, b.from, b.to, &req->out);
		if (!doc_register_send(req, rc, "so-van-ban-den", b.fmt, b.from, b.to))
			resp_header_static(req, "Cache-Control", "no-store");
		return 0;
	}
	if (api) {
		json_t *list = json_array(), *cols = json_array();
		for (size_t c = 0; c < DOC_IN_BOOK_COLS; c++)
			json_array_append_new(cols, json_string(doc_in_book_heads[c]));
		book_rows_json(rows, n, list);
		resp_header_static(req, "Cache-Control", "no-store");
		resp_json(req, 200,
			  json_pack("{s:{s:I,s:s},s:s,s:s,s:o,s:o}", "agency", "id", (json_int_t)b.agency,
				    "name", u.name, "from", doc_date_iso(req, b.from), "to",
				    doc_date_iso(req, b.to), "columns", cols, "rows", list));
		return 0;
	}
	{
		json_t *ctx = page_context(req, _("Incoming register")), *list = json_array(),
		       *heads = json_array();
		json_t *ags = json_array();
		const char *q = arena_printf(&req->arena, "agency=%lld&from=%s&to=%s", (long long)b.agency,
					     doc_date_iso(req, b.from), doc_date_iso(req, b.to));
		for (size_t c = 0; c < DOC_IN_BOOK_COLS; c++)
			json_array_append_new(heads, json_string(doc_in_book_heads[c]));
		book_rows_json(rows, n, list);
		for (size_t i = 0; i < w.v.nall; i++) {
			struct unit x;
			if (!org_unit_load(db, &req->arena, w.v.all[i], &x))
				json_array_append_new(ags, json_pack("{s:I,s:s,s:b}", "id", (json_int_t)x.id,
								     "name", x.name, "selected",
								     x.id == b.agency));
		}
		resp_header_static(req, "Cache-Control", "no-store");
		json_object_set_new(ctx, "agency_name", json_string(u.name));
		json_object_set_new(ctx, "agencies", ags);
		json_object_set_new(ctx, "many_agencies", json_boolean(w.v.nall > 1));
		json_object_set_new(ctx, "agency", json_integer(b.agency));
		json_object_set_new(ctx, "heads", heads);
		json_object_set_new(ctx, "rows", list);
		json_object_set_new(ctx, "has_rows", json_boolean(n > 0));
		json_object_set_new(ctx, "count", json_integer((json_int_t)n));
		doc_register_links(req, ctx, BASE, API_BASE, q, b.from, b.to);
		page_render(req, 200, "doc_in_register", ctx);
	}
	return 0;
}

int page_doc_in_register(struct request *req)
{
	return book_serve(req, 0);
}

int api_doc_in_register(struct request *req)
{
	return book_serve(req, 1);
}

/* ---- the e-office's home (pages_documents.c) ---- */

json_t *doc_in_home_queues(struct request *req)
{
	struct db *db = db_thread();
	struct who w;
	struct list_args a;
	json_t *list;

	if (!db || who_load(req, &w) || list_args(req, &w, &a, PAGE_SIZE))
		return NULL;
	list = json_array();
	for (int q = DOC_IN_Q_TO_READ; q < DOC_IN_Q_COUNT; q++) {
		struct doc_in_query cq = a.q;
		struct doc_in *none;
		size_t nn;
		int64_t count = 0;
		cq.queue = q;
		cq.limit = 0;
		if (doc_in_list(db, &req->arena, &cq, &none, &nn, &count)) {
			json_decref(list);
			resp_unavailable(req);
			return NULL;
		}
		json_array_append_new(list,
				      json_pack("{s:s,s:s,s:I,s:b}", "label", _(queue_labels[q]), "href",
						list_url(req, &a, q, 1), "count", (json_int_t)count, "urgent",
						q == DOC_IN_Q_OVERDUE && count > 0));
	}
	return list;
}
