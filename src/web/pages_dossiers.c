/* pages_dossiers.c: the one-stop shop for staff: queues, intake, the dossier page and its actions, printed
 * forms. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/i18n.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "features/accounts.h"
#include "features/authz.h"
#include "features/calendar.h"
#include "features/dossier_forms.h"
#include "features/dossiers.h"
#include "features/files.h"
#include "features/mail.h"
#include "features/org.h"
#include "features/procedures.h"
#include "store/db.h"
#include "web/app.h"
#include "core/banned.h"

#define PAGE_SIZE     25
#define API_PAGE_MAX  100
#define SCAN_FILE_MAX ((size_t)10 << 20) /* a scan attached at the counter */

static const char *const staff_perms[] = { DOSSIER_PERM_RECEIVE, DOSSIER_PERM_PROCESS, DOSSIER_PERM_APPROVE };

/* ---- formatting ---- */

json_t *dossier_iso(int64_t t)
{
	char s[40];
	struct civil c;
	if (!t)
		return json_null();
	time_to_civil(t, VN_UTC_OFFSET, &c);
	snprintf(s, sizeof(s), "%04d-%02d-%02dT%02d:%02d:%02d+07:00", c.year, c.month, c.day, c.hour, c.min,
		 c.sec);
	return json_string(s);
}

/* "08:30 26/11/2026", or "" for 0. */
const char *dossier_when_text(struct request *req, int64_t t)
{
	char d[32], h[16];
	if (!t)
		return "";
	time_fmt_date_vn(d, sizeof(d), t);
	time_fmt_time_vn(h, sizeof(h), t);
	return arena_printf(&req->arena, "%s %s", h, d);
}

/* A string, or null when empty: mustache shows a section for "" too. */
static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static const char *money_text(struct request *req, int64_t v)
{
	char s[48];
	money_fmt_vnd(s, sizeof(s), v);
	return arena_strdup(&req->arena, s);
}

static const char *label(const char *msgid)
{
	return msgid ? _(msgid) : "";
}

static json_t *person_view(const struct dossier_person *p)
{
	json_t *o;
	int y, m, d;
	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "name", p->name ? p->name : "", "id_no",
		      p->id_no ? p->id_no : "", "birth", p->birth ? p->birth : "", "phone",
		      p->phone ? p->phone : "", "email", p->email ? p->email : "", "address",
		      p->address ? p->address : "");
	if (p->birth && sscanf(p->birth, "%4d-%2d-%2d", &y, &m, &d) == 3)
		json_object_set_new(o, "birth_text", json_sprintf("%02d/%02d/%04d", d, m, y));
	return o;
}

json_t *dossier_view(struct request *req, const struct dossier *d, int staff)
{
	json_t *o = json_object(), *steps = json_array(), *docs = json_array(), *events = json_array();
	int64_t now = req_now(req);
	int open = d->received_at && !d->finished_at && !dossier_status_final(d->status);

	json_object_set_new(o, "code", json_string(d->code));
	json_object_set_new(o, "procedure",
			    json_pack("{s:s,s:I,s:s}", "code", d->procedure_code, "version",
				      (json_int_t)d->procedure_version, "name", d->procedure_name));
	json_object_set_new(o, "status", json_string(dossier_status_name(d->status)));
	json_object_set_new(o, "status_label", json_string(label(dossier_status_label(d->status))));
	json_object_set_new(o, "outcome",
			    d->outcome == DA_APPROVE  ? json_string("approved")
			    : d->outcome == DA_REJECT ? json_string("rejected")
						      : json_null());
	json_object_set_new(o, "channel", json_string(dossier_channel_name(d->channel)));
	json_object_set_new(o, "channel_label", json_string(label(dossier_channel_label(d->channel))));
	json_object_set_new(o, "applicant", person_view(&d->applicant));
	json_object_set_new(o, "representative",
			    d->representative.name && *d->representative.name
				    ? person_view(&d->representative)
				    : json_null());
	json_object_set_new(o, "receiving_unit",
			    json_pack("{s:I,s:s}", "id", (json_int_t)d->receiving_unit, "name",
				      d->receiving_unit_name ? d->receiving_unit_name : ""));
	json_object_set_new(o, "current_unit",
			    json_pack("{s:I,s:s}", "id", (json_int_t)d->current_unit, "name",
				      d->current_unit_name ? d->current_unit_name : ""));
	json_object_set_new(o, "assignee",
			    d->assignee ? json_pack("{s:I,s:s}", "id", (json_int_t)d->assignee, "name",
						    d->assignee_name ? d->assignee_name : "")
					: json_null());
	json_object_set_new(o, "submitted_at", dossier_iso(d->submitted_at));
	json_object_set_new(o, "received_at", dossier_iso(d->received_at));
	json_object_set_new(o, "due_at", dossier_iso(d->due_at));
	json_object_set_new(o, "first_due_at", dossier_iso(d->first_due_at));
	json_object_set_new(o, "transfer_due_at", dossier_iso(d->transfer_due_at));
	json_object_set_new(o, "finished_at", dossier_iso(d->finished_at));
	json_object_set_new(o, "returned_at", dossier_iso(d->returned_at));
	json_object_set_new(o, "submitted_text", str_or_null(dossier_when_text(req, d->submitted_at)));
	json_object_set_new(o, "received_text", str_or_null(dossier_when_text(req, d->received_at)));
	json_object_set_new(o, "due_text", str_or_null(dossier_when_text(req, d->due_at)));
	json_object_set_new(o, "finished_text", str_or_null(dossier_when_text(req, d->finished_at)));
	json_object_set_new(o, "returned_text", str_or_null(dossier_when_text(req, d->returned_at)));
	json_object_set_new(o, "overdue",
			    json_boolean(open && d->status != DS_SUPPLEMENT && d->due_at && d->due_at < now));
	json_object_set_new(o, "paused", json_boolean(d->paused_at != 0));
	if (d->apology_at)
		json_object_set_new(o, "apology",
				    json_pack("{s:o,s:o,s:s,s:s}", "at", dossier_iso(d->apology_at),
					      "new_due_at", dossier_iso(d->apology_due_at), "new_due_text",
					      dossier_when_text(req, d->apology_due_at), "reason",
					      d->apology_reason));
	json_object_set_new(o, "verdict",
			    d->verdict ? json_string(dossier_verdict_name(d->verdict)) : json_null());
	json_object_set_new(o, "verdict_label", json_string(label(dossier_verdict_label(d->verdict))));
	json_object_set_new(o, "working_hours", json_integer(d->hours));
	json_object_set_new(o, "fee",
			    json_pack("{s:I,s:s,s:b,s:i,s:i}", "due", (json_int_t)d->fee_due, "text",
				      money_text(req, d->fee_due), "paid", d->fee_paid, "pages", d->pages,
				      "copies", d->copies));
	json_object_set_new(o, "result", str_or_null(d->result_text));
	json_object_set_new(o, "note", str_or_null(d->note));
	for (size_t i = 0; i < d->ndocs; i++) {
		const struct dossier_doc *doc = &d->docs[i];
		json_t *j = json_pack("{s:i,s:i,s:s,s:s,s:i,s:b,s:b}", "index", doc->idx, "n", doc->idx + 1,
				      "name", doc->name, "kind", label(proc_doc_kind_label(doc->kind)),
				      "count", doc->count, "provided", doc->provided, "has_file",
				      doc->file_sha && *doc->file_sha);
		if (doc->file_sha && *doc->file_sha)
			json_object_set_new(j, "file_name", json_string(doc->file_name));
		json_array_append_new(docs, j);
	}
	json_object_set_new(o, "documents", docs);
	for (size_t i = 0; i < d->nsteps; i++) {
		const struct dossier_step *s = &d->steps[i];
		json_t *j = json_pack("{s:i,s:i,s:s,s:s,s:s,s:I}", "index", s->idx, "n", s->idx + 1, "name",
				      s->name, "responsible", s->responsible, "level",
				      proc_level_name(s->level) ? proc_level_name(s->level) : "", "hours",
				      (json_int_t)s->hours);
		json_object_set_new(j, "started_at", dossier_iso(s->started_at));
		json_object_set_new(j, "due_at", dossier_iso(s->due_at));
		json_object_set_new(j, "finished_at", dossier_iso(s->finished_at));
		json_object_set_new(j, "started_text", str_or_null(dossier_when_text(req, s->started_at)));
		json_object_set_new(j, "due_text", str_or_null(dossier_when_text(req, s->due_at)));
		json_object_set_new(j, "finished_text", str_or_null(dossier_when_text(req, s->finished_at)));
		json_object_set_new(j, "by", str_or_null(s->by_name));
		json_object_set_new(j, "verdict",
				    s->verdict ? json_string(dossier_verdict_name(s->verdict)) : json_null());
		json_object_set_new(j, "verdict_label",
				    json_string(label(dossier_verdict_label(s->verdict))));
		json_object_set_new(j, "current",
				    json_boolean((int)i == d->step && !dossier_status_final(d->status) &&
						 s->started_at && !s->finished_at));
		json_array_append_new(steps, j);
	}
	json_object_set_new(o, "steps", steps);
	for (size_t i = 0; i < d->nevents && i < DOSSIER_MAX_EVENTS; i++) {
		const struct dossier_event *e = &d->events[i];
		json_t *j;
		if (!staff && !e->public_)
			continue;
		j = json_pack("{s:o,s:s,s:s,s:s,s:s,s:s}", "at", dossier_iso(e->at), "at_text",
			      dossier_when_text(req, e->at), "action",
			      e->action ? dossier_action_name(e->action) : "submit", "action_label",
			      e->action			 ? label(dossier_action_label(e->action))
			      : d->channel == DCH_ONLINE ? _("Submitted online")
							 : _("Received"),
			      "by", e->actor_name, "status",
			      dossier_status_name(e->status_to) ? dossier_status_name(e->status_to) : "");
		json_object_set_new(j, "status_label",
				    json_string(label(dossier_status_label(e->status_to))));
		json_object_set_new(j, "note", str_or_null(e->note));
		json_array_append_new(events, j);
	}
	json_object_set_new(o, "timeline", events);
	return o;
}

/* ---- access ---- */

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The agencies of units (sorted, each once): a section counts as its agency. */
static int64_t *agencies(struct request *req, const int64_t *units, size_t n, size_t *out_n)
{
	const struct unit_tree *t = req_units(req);
	int64_t *out = arena_alloc(&req->arena, (n + 1) * sizeof(*out));
	size_t m = 0;
	for (size_t i = 0; t && i < n; i++) {
		int64_t a = unit_tree_agency(t, units[i]);
		if (a)
			out[m++] = a;
	}
	qsort(out, m, sizeof(*out), cmp_id);
	*out_n = 0;
	for (size_t i = 0; i < m; i++)
		if (!*out_n || out[*out_n - 1] != out[i])
			out[(*out_n)++] = out[i];
	return out;
}

/* The agencies where the account works dossiers (any of the three powers), sorted; 0, or 1 after answering.
 */
static int staff_units(struct request *req, int64_t **units, size_t *n)
{
	int64_t *all = NULL;
	size_t total = 0;
	for (size_t k = 0; k < sizeof(staff_perms) / sizeof(staff_perms[0]); k++) {
		int64_t *u;
		size_t m;
		if (req_scope(req, staff_perms[k], &u, &m))
			return 1;
		int64_t *merged = arena_alloc(&req->arena, (total + m + 1) * sizeof(*merged));
		size_t i = 0, j = 0, o = 0;
		while (i < total || j < m) {
			int64_t x;
			if (j >= m || (i < total && all[i] < u[j]))
				x = all[i++];
			else if (i >= total || u[j] < all[i])
				x = u[j++];
			else
				x = all[i++], j++;
			merged[o++] = x;
		}
		all = merged;
		total = o;
	}
	*units = agencies(req, all, total, n);
	return 0;
}

/*
 * May the account do `perm` at agency `unit`: a grant at the agency itself
 * or at one of its sections (its one-stop section, a department), which
 * work the agency's dossiers. 1, 0, or negative on error.
 */
static int family_can(struct request *req, const char *perm, int64_t unit, const struct delegation **via)
{
	const struct unit_tree *t = req_units(req);
	int rc = req_can(req, perm, unit, 0, via);
	if (rc || !t)
		return t ? rc : -1;
	for (size_t i = 0; i < t->n; i++) {
		if (t->parent[i] != unit || t->level[i] || !t->active[i])
			continue;
		if ((rc = req_can(req, perm, t->id[i], 0, via)))
			return rc;
	}
	return 0;
}

/* Whether the logged-in staff member may see d: a power at a unit it passed through. -1 on error. */
static int may_read(struct request *req, const struct dossier *d)
{
	int64_t seen[DOSSIER_MAX_STEPS + 2];
	size_t n = 0;
	seen[n++] = d->current_unit;
	seen[n++] = d->receiving_unit;
	for (size_t i = 0; i < d->nsteps; i++)
		if (d->steps[i].unit_id)
			seen[n++] = d->steps[i].unit_id;
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < sizeof(staff_perms) / sizeof(staff_perms[0]); k++) {
			int rc = family_can(req, staff_perms[k], seen[i], NULL);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* Whether the account may do `action` on d now (the permission and the state machine). -1 on error. */
static int may_do(struct request *req, const struct dossier *d, int action, const struct delegation **via)
{
	const char *perms[8];
	size_t n = dossier_perms(d, action, perms, 8);
	if (via)
		*via = NULL;
	for (size_t i = 0; i < n; i++) {
		int rc;
		if (!strcmp(perms[i], DOSSIER_PERM_OWNER))
			rc = d->owner_account ? req_can(req, perms[i], 0, d->owner_account, via) : 0;
		else
			rc = family_can(req, perms[i], d->current_unit, via);
		if (rc)
			return rc;
	}
	return 0;
}

/* Every action possible now by the state machine, as [{name,label,yours}]: yours when the account may do it.
 */
static json_t *possible_view(struct request *req, const struct dossier *d)
{
	int acts[DA_ACTION_COUNT];
	size_t n = dossier_actions(d->status, d->received_at != 0, acts, DA_ACTION_COUNT);
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		if (dossier_possible(d, acts[i]))
			json_array_append_new(a,
					      json_pack("{s:s,s:s,s:b}", "name", dossier_action_name(acts[i]),
							"label", label(dossier_action_label(acts[i])),
							"yours", may_do(req, d, acts[i], NULL) == 1));
	return a;
}

/* The actions the account may do now, as [{name,label}]. */
static json_t *actions_view(struct request *req, const struct dossier *d)
{
	int acts[DA_ACTION_COUNT];
	size_t n = dossier_actions(d->status, d->received_at != 0, acts, DA_ACTION_COUNT);
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		if (may_do(req, d, acts[i], NULL) == 1)
			json_array_append_new(a, json_pack("{s:s,s:s}", "name", dossier_action_name(acts[i]),
							   "label", label(dossier_action_label(acts[i]))));
	return a;
}

static void not_found(struct request *req)
{
	resp_error(req, 404, "not_found",
		   _("There is no dossier with this code, or it is not yours to see."));
}

/* Load the dossier of the route's {code} for a staff member who may see it; 0, or 1 after answering. */
static int load_for_staff(struct request *req, struct db *db, struct dossier *d)
{
	int rc;
	if (req_staff_only(req))
		return 1;
	if (!db) {
		resp_unavailable(req);
		return 1;
	}
	rc = dossier_load(db, &req->arena, req_param(req, "code"), d);
	if (rc < 0) {
		resp_unavailable(req);
		return 1;
	}
	if (rc == DOSSIER_NOT_FOUND || (rc = may_read(req, d)) == 0) {
		not_found(req);
		return 1;
	}
	if (rc < 0) {
		resp_unavailable(req);
		return 1;
	}
	return 0;
}

/* ---- field errors ---- */

struct errs {
	json_t *fields;
	int n;
};

static void errs_add(void *ctx, const char *field, const char *msgid)
{
	struct errs *e = ctx;
	json_t *old = json_object_get(e->fields, field);
	e->n++;
	if (!old)
		json_object_set_new(e->fields, field, json_string(_(msgid)));
	else if (!strstr(json_string_value(old), _(msgid)))
		json_object_set_new(e->fields, field,
				    json_sprintf("%s %s", json_string_value(old), _(msgid)));
}

static void api_invalid(struct request *req, const struct errs *e, const char *message)
{
	resp_json(req, 422,
		  json_pack("{s:{s:s,s:s,s:O}}", "error", "code", "invalid", "message",
			    message ? message : _("Some fields are not valid."), "fields", e->fields));
}

/* ---- intake ---- */

static const char *jstr(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void person_from_json(struct request *req, const json_t *o, struct dossier_person *p)
{
	p->name = input_trim(req, jstr(o, "name"));
	p->id_no = input_trim(req, jstr(o, "id_no"));
	p->birth = input_trim(req, jstr(o, "birth"));
	p->phone = input_trim(req, jstr(o, "phone"));
	p->email = input_trim(req, jstr(o, "email"));
	p->address = input_trim(req, jstr(o, "address"));
}

/* The receiving unit: the one asked for among the clerk's, or his only one. 0 when none fits. */
static int64_t intake_unit(struct request *req, int64_t asked, int *answered)
{
	int64_t *units;
	size_t n;
	*answered = 0;
	if (req_scope(req, DOSSIER_PERM_RECEIVE, &units, &n)) {
		*answered = 1;
		return 0;
	}
	units = agencies(req, units, n, &n);
	if (asked)
		return ids_contain(units, n, asked) ? asked : 0;
	return n == 1 ? units[0] : 0;
}

/*
 * Record the intake in one transaction with its audit row; the status to
 * answer (201, 404, 422, 503) with *why for 404/422. mail_wake after commit.
 */
static int intake_store(struct request *req, struct dossier_intake *in, char code[DOSSIER_CODE_MAX],
			const char **why)
{
	struct db *db = db_thread();
	int64_t id = 0;
	int rc;
	if (!db)
		return 503;
	if (db_begin(db))
		return 503;
	rc = dossier_create(db, &req->arena, in, req_now(req), code, &id, why);
	if (rc == DOSSIER_OK) {
		json_t *detail = json_pack("{s:s,s:s,s:I}", "procedure", in->procedure_code, "channel",
					   dossier_channel_name(in->channel), "unit",
					   (json_int_t)in->unit_id);
		if (req_audit_json(req, db, "dossier.receive", arena_printf(&req->arena, "dossier:%s", code),
				   detail) ||
		    db_commit(db)) {
			db_rollback(db);
			return 503;
		}
		mail_wake();
		return 201;
	}
	db_rollback(db);
	if (rc < 0)
		return 503;
	return rc == DOSSIER_NOT_FOUND ? 404 : 422;
}

int api_dossiers_create(struct request *req)
{
	struct dossier_intake in;
	struct errs e = { json_object(), 0 };
	const json_t *docs, *rep;
	char code[DOSSIER_CODE_MAX];
	const char *why = NULL, *ch;
	int answered, status;
	int64_t now = req_now(req);

	memset(&in, 0, sizeof(in));
	if (req_staff_only(req))
		goto out;
	if (!req->json || !json_is_object(req->json)) {
		resp_error(req, 400, "bad_request", _("Send the dossier as a JSON document."));
		goto out;
	}
	in.procedure_code = input_trim(req, jstr(req->json, "procedure"));
	in.unit_id = json_integer_value(json_object_get(req->json, "unit"));
	in.unit_id = intake_unit(req, in.unit_id, &answered);
	if (answered)
		goto out;
	if (!in.unit_id) {
		if (req_can(req, DOSSIER_PERM_RECEIVE, 0, 0, NULL) == 0 &&
		    !json_object_get(req->json, "unit")) {
			resp_error(req, 403, "forbidden", _("Only one-stop clerks receive dossiers."));
			goto out;
		}
		errs_add(&e, "unit", N_("Choose a unit where you receive dossiers."));
	}
	ch = jstr(req->json, "channel");
	in.channel = ch ? dossier_channel_from_name(ch) : DCH_COUNTER;
	if (in.channel != DCH_COUNTER && in.channel != DCH_POST)
		errs_add(&e, "channel", N_("At the counter a dossier comes in person or by post."));
	if (!json_is_object(json_object_get(req->json, "applicant")))
		errs_add(&e, "applicant", N_("Enter the applicant."));
	person_from_json(req, json_object_get(req->json, "applicant"), &in.applicant);
	dossier_person_check(&in.applicant, "applicant", 1, &req->arena, now, errs_add, &e);
	rep = json_object_get(req->json, "representative");
	if (json_is_object(rep)) {
		person_from_json(req, rep, &in.representative);
		if (*in.representative.name || *in.representative.id_no || *in.representative.phone)
			dossier_person_check(&in.representative, "representative", 1, &req->arena, now,
					     errs_add, &e);
	}
	docs = json_object_get(req->json, "documents");
	if (docs && !json_is_array(docs)) {
		errs_add(&e, "documents", N_("List the indexes of the documents received."));
	} else {
		size_t i;
		const json_t *v;
		json_array_foreach(docs, i, v)
		{
			json_int_t k = json_integer_value(v);
			if (!json_is_integer(v) || k < 0 || k >= DOSSIER_MAX_DOCS)
				errs_add(&e, "documents", N_("List the indexes of the documents received."));
			else
				in.provided[k] = 1;
		}
	}
	{
		json_int_t pg = json_integer_value(json_object_get(req->json, "pages"));
		json_int_t cp = json_integer_value(json_object_get(req->json, "copies"));
		if (pg < 0 || pg > FEE_COUNT_MAX)
			errs_add(&e, "pages", N_("Enter the number of pages (1 or more)."));
		if (cp < 0 || cp > FEE_COUNT_MAX)
			errs_add(&e, "copies", N_("Enter the number of copies (1 or more)."));
		in.pages = pg >= 0 && pg <= FEE_COUNT_MAX ? (int)pg : 0;
		in.copies = cp >= 0 && cp <= FEE_COUNT_MAX ? (int)cp : 0;
	}
	in.note = input_trim(req, jstr(req->json, "note"));
	in.actor_account = req_user(req)->id;
	in.actor_name = req_user(req)->full_name;
	if (e.n) {
		api_invalid(req, &e, NULL);
		goto out;
	}
	status = intake_store(req, &in, code, &why);
	if (status == 201) {
		struct dossier d;
		struct db *db = db_thread();
		resp_header(req, "Location", arena_printf(&req->arena, "/api/v1/dossiers/%s", code));
		resp_header_static(req, "Cache-Control", "no-store");
		if (db && !dossier_load(db, &req->arena, code, &d))
			resp_json(req, 201, dossier_view(req, &d, 1));
		else
			resp_json(req, 201, json_pack("{s:s}", "code", code));
	} else if (status == 503) {
		resp_unavailable(req);
	} else {
		errs_add(&e, status == 404 && !in.unit_id ? "unit" : "procedure", why);
		if (why && (strstr(why, "document") || strstr(why, "tick")))
			json_object_del(e.fields, "procedure"),
				json_object_set_new(e.fields, "documents", json_string(_(why)));
		if (status == 404)
			resp_error(req, 404, "not_found", _(why));
		else
			api_invalid(req, &e, _(why));
	}
out:
	json_decref(e.fields);
	return 0;
}

/* ---- actions ---- */

/*
 * Apply an action in one transaction: load, check the permission and the
 * state machine, apply, audit, commit. The status to answer: 200, 403, 404,
 * 409 (with *allowed the actions possible now), 422 (*why), 503.
 */
static int act_store(struct request *req, const char *code, struct dossier_act *act, struct dossier *d,
		     const char **why, json_t **allowed)
{
	struct db *db = db_thread();
	const struct delegation *via = NULL;
	int rc;
	*allowed = NULL;
	if (!db || db_begin(db))
		return 503;
	rc = dossier_load_for_update(db, &req->arena, code, d);
	if (rc) {
		db_rollback(db);
		return rc < 0 ? 503 : 404;
	}
	/* a citizen reaches his own dossiers only (and only as far as his token's scopes allow) */
	if (req_user(req) && !strcmp(req_user(req)->kind, "citizen"))
		rc = d->owner_account ? req_can(req, DOSSIER_PERM_OWNER, 0, d->owner_account, NULL) : 0;
	else
		rc = may_read(req, d);
	if (rc <= 0) {
		db_rollback(db);
		return rc < 0 ? 503 : 404;
	}
	if (!dossier_possible(d, act->action)) {
		*allowed = possible_view(req, d);
		db_rollback(db);
		return 409;
	}
	rc = may_do(req, d, act->action, &via);
	if (rc <= 0) {
		db_rollback(db);
		return rc < 0 ? 503 : 403;
	}
	if (via && act->actor_name)
		act->actor_name = arena_printf(&req->arena, "%s (TUQ.)", act->actor_name);
	rc = dossier_apply(db, &req->arena, d, act, req_now(req), why);
	if (rc == DOSSIER_OK) {
		json_t *detail = json_pack("{s:s,s:s}", "action", dossier_action_name(act->action), "status",
					   dossier_status_name(d->status));
		if (via)
			json_object_set_new(detail, "delegation", json_integer(via->id));
		if (req_audit_json(req, db,
				   arena_printf(&req->arena, "dossier.%s", dossier_action_name(act->action)),
				   arena_printf(&req->arena, "dossier:%s", code), detail) ||
		    db_commit(db)) {
			db_rollback(db);
			return 503;
		}
		mail_wake();
		return 200;
	}
	db_rollback(db);
	if (rc < 0)
		return 503;
	if (rc == DOSSIER_STATE) {
		*allowed = possible_view(req, d);
		return 409;
	}
	return 422;
}

/* Parse "2026-12-01T16:00" (local) or with seconds / "+07:00" into seconds; 0 when not valid. */
static int64_t parse_local(const char *s)
{
	struct civil c = { 0 };
	int n = 0;
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &c.year, &c.month, &c.day, &c.hour, &c.min, &n) != 5)
		return 0;
	s += n;
	if (*s == ':' && sscanf(s + 1, "%2d%n", &c.sec, &n) == 1)
		s += 1 + n;
	if (*s && strcmp(s, "+07:00"))
		return 0;
	if (c.month < 1 || c.month > 12 || c.day < 1 || c.day > 31 || c.hour > 23 || c.min > 59 ||
	    c.sec > 59 || c.year < 2000 || c.year > 2100)
		return 0;
	{
		/* a real date and time: 31/02 does not roll over into March */
		struct civil back;
		int64_t t = time_from_civil(&c, VN_UTC_OFFSET);
		time_to_civil(t, VN_UTC_OFFSET, &back);
		if (back.year != c.year || back.month != c.month || back.day != c.day ||
		    back.hour != c.hour || back.min != c.min)
			return 0;
		return t;
	}
}

int api_dossier_act(struct request *req)
{
	struct dossier_act act = { 0 };
	struct dossier d;
	const char *why = NULL, *name;
	json_t *allowed = NULL;
	int status;

	if (!req->json || !json_is_object(req->json) || !(name = jstr(req->json, "action"))) {
		resp_error(req, 400, "bad_request", _("Send {\"action\": \"…\"} as JSON."));
		return 0;
	}
	act.action = dossier_action_from_name(name);
	if (!act.action) {
		resp_error(req, 422, "invalid", _("There is no such action."));
		return 0;
	}
	act.note = input_trim(req, jstr(req->json, "note"));
	act.result = input_trim(req, jstr(req->json, "result"));
	act.assignee = json_integer_value(json_object_get(req->json, "assignee"));
	if (jstr(req->json, "new_due") && !(act.new_due = parse_local(jstr(req->json, "new_due")))) {
		resp_error(req, 422, "invalid",
			   _("Give the new appointment as YYYY-MM-DDTHH:MM (Vietnam time)."));
		return 0;
	}
	act.actor_account = req_user(req)->id;
	act.actor_name = req_user(req)->full_name;
	status = act_store(req, req_param(req, "code"), &act, &d, &why, &allowed);
	switch (status) {
	case 200:
		resp_header_static(req, "Cache-Control", "no-store");
		resp_json(req, 200, dossier_view(req, &d, strcmp(req_user(req)->kind, "citizen") != 0));
		break;
	case 404:
		json_decref(allowed);
		not_found(req);
		break;
	case 403: resp_error(req, 403, "forbidden", _("You may not do this to this dossier.")); break;
	case 409:
		resp_json(req, 409,
			  json_pack("{s:{s:s,s:s,s:o}}", "error", "code", "conflict", "message",
				    _("This action is not possible in the dossier's present state."),
				    "allowed", allowed ? allowed : json_array()));
		break;
	case 422: resp_error(req, 422, "invalid", _(why ? why : N_("Some fields are not valid."))); break;
	default: resp_unavailable(req);
	}
	return 0;
}

int api_dossier_get(struct request *req)
{
	struct dossier d;
	json_t *o;
	if (load_for_staff(req, db_thread(), &d))
		return 0;
	o = dossier_view(req, &d, 1);
	json_object_set_new(o, "actions", actions_view(req, &d));
	resp_header_static(req, "Cache-Control", "no-store");
	resp_json(req, 200, o);
	return 0;
}

/* ---- queues ---- */

static int64_t today_end(struct db *db, int64_t now)
{
	const struct calendar *cal = calendar_current(db);
	return cal ? cal_day_end(cal, now, 24 * 60) : now;
}

struct list_args {
	struct dossier_query q;
	int64_t page;
	int mine;
	const char *code;
	const char *procedure;
};

/* The query string's filters into a; 0, or 1 after answering 400. */
static int list_args(struct request *req, struct list_args *a, int64_t *units, size_t nunits, size_t limit)
{
	const char *queue = req_query(req, "queue"), *status = req_query(req, "status");
	const char *page = req_query(req, "page"), *unit = req_query(req, "unit");
	memset(a, 0, sizeof(*a));
	a->q.units = units;
	a->q.nunits = nunits;
	a->q.queue = queue && *queue ? dossier_queue_from_name(queue) : DQ_TODO;
	if (a->q.queue < 0) {
		resp_error(req, 400, "bad_request", _("There is no such queue."));
		return 1;
	}
	if (status && *status && !(a->q.status = dossier_status_from_name(status))) {
		resp_error(req, 400, "bad_request", _("There is no such status."));
		return 1;
	}
	if (unit && *unit) {
		int64_t u = input_id(unit);
		if (!u || !ids_contain(units, nunits, u)) {
			resp_error(req, 400, "bad_request", _("You do not work dossiers at this unit."));
			return 1;
		}
		a->q.units = arena_alloc(&req->arena, sizeof(int64_t));
		((int64_t *)a->q.units)[0] = u;
		a->q.nunits = 1;
	}
	a->page = page && *page ? input_id(page) : 1;
	if (a->page < 1 || a->page > 100000) {
		resp_error(req, 400, "bad_request", _("The page number is not valid."));
		return 1;
	}
	a->mine = req_query(req, "mine") && !strcmp(req_query(req, "mine"), "1");
	if (a->mine)
		a->q.assignee = req_user(req)->id;
	a->code = input_trim(req, req_query(req, "code"));
	if (*a->code)
		a->q.code_prefix = a->code;
	a->procedure = input_trim(req, req_query(req, "procedure"));
	if (*a->procedure)
		a->q.procedure_code = a->procedure;
	a->q.now = req_now(req);
	a->q.limit = limit;
	a->q.offset = (size_t)(a->page - 1) * limit;
	return 0;
}

static json_t *row_view(struct request *req, const struct dossier_row *r)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "code", r->code, "procedure_code",
			      r->procedure_code, "procedure_name", r->procedure_name, "applicant",
			      r->applicant_name, "channel", dossier_channel_name(r->channel), "status",
			      dossier_status_name(r->status), "status_label",
			      label(dossier_status_label(r->status)), "due_text",
			      dossier_when_text(req, r->due_at));
	int open = r->received_at && !r->finished_at && !dossier_status_final(r->status);
	json_object_set_new(o, "received_at", dossier_iso(r->received_at));
	json_object_set_new(o, "due_at", dossier_iso(r->due_at));
	json_object_set_new(o, "received_text", str_or_null(dossier_when_text(req, r->received_at)));
	json_object_set_new(o, "submitted_text", str_or_null(dossier_when_text(req, r->submitted_at)));
	json_object_set_new(o, "overdue",
			    json_boolean(open && r->status != DS_SUPPLEMENT && r->due_at &&
					 r->due_at < req_now(req)));
	json_object_set_new(o, "verdict",
			    r->verdict ? json_string(dossier_verdict_name(r->verdict)) : json_null());
	json_object_set_new(o, "verdict_label", json_string(label(dossier_verdict_label(r->verdict))));
	return o;
}

/* The counts of each queue at the units (the assignee filter kept). */
static json_t *queue_counts(struct request *req, struct db *db, const struct list_args *a, int *failed)
{
	json_t *o = json_object();
	static const char *const labels[DQ_COUNT] = {
		N_("All"),     N_("To do"), N_("Due today"), N_("Overdue"), N_("Waiting for the citizen"),
		N_("Returned")
	};
	*failed = 0;
	for (int k = DQ_TODO; k < DQ_COUNT; k++) {
		struct dossier_query q = a->q;
		struct dossier_row *rows;
		size_t n;
		int64_t total;
		q.queue = k;
		q.status = 0;
		q.procedure_code = NULL;
		q.code_prefix = NULL;
		q.limit = 0;
		q.offset = 0;
		if (dossier_list(db, &req->arena, &q, &rows, &n, &total)) {
			*failed = 1;
			break;
		}
		json_object_set_new(o, dossier_queue_name(k),
				    json_pack("{s:I,s:s}", "count", (json_int_t)total, "label",
					      _(labels[k])));
	}
	return o;
}

int api_dossiers_list(struct request *req)
{
	struct db *db = db_thread();
	int64_t *units;
	size_t nunits, n;
	struct list_args a;
	struct dossier_row *rows;
	int64_t total;
	const char *per = req_query(req, "per_page");
	size_t limit = per && *per ? (size_t)input_id(per) : PAGE_SIZE;
	json_t *list, *counts;
	int failed;

	if (req_staff_only(req))
		return 0;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	if (!limit || limit > API_PAGE_MAX) {
		resp_error(req, 400, "bad_request", _("per_page is 1 to 100."));
		return 0;
	}
	if (staff_units(req, &units, &nunits) || list_args(req, &a, units, nunits, limit))
		return 0;
	a.q.today_end = today_end(db, a.q.now);
	if (dossier_list(db, &req->arena, &a.q, &rows, &n, &total)) {
		resp_unavailable(req);
		return 0;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, row_view(req, &rows[i]));
	counts = queue_counts(req, db, &a, &failed);
	if (failed) {
		json_decref(list);
		json_decref(counts);
		resp_unavailable(req);
		return 0;
	}
	resp_header_static(req, "Cache-Control", "no-store");
	resp_json(req, 200,
		  json_pack("{s:o,s:I,s:I,s:I,s:s,s:o}", "dossiers", list, "total", (json_int_t)total, "page",
			    (json_int_t)a.page, "per_page", (json_int_t)limit, "queue",
			    dossier_queue_name(a.q.queue), "queues", counts));
	return 0;
}

int page_dossiers(struct request *req)
{
	struct db *db = db_thread();
	int64_t *units;
	size_t nunits, n;
	struct list_args a;
	struct dossier_row *rows;
	int64_t total;
	json_t *ctx, *list, *counts, *tabs, *statuses;
	int failed, can_receive;
	const char *base;

	if (req_staff_only(req))
		return 0;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	if (staff_units(req, &units, &nunits) || list_args(req, &a, units, nunits, PAGE_SIZE))
		return 0;
	if (!nunits) {
		resp_error(req, 403, "forbidden", _("You do not work dossiers at any unit."));
		return 0;
	}
	a.q.today_end = today_end(db, a.q.now);
	if (dossier_list(db, &req->arena, &a.q, &rows, &n, &total)) {
		resp_unavailable(req);
		return 0;
	}
	counts = queue_counts(req, db, &a, &failed);
	if (failed) {
		json_decref(counts);
		resp_unavailable(req);
		return 0;
	}
	ctx = page_context(req, _("One-stop shop"));
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, row_view(req, &rows[i]));
	tabs = json_array();
	for (int k = DQ_TODO; k < DQ_COUNT; k++) {
		json_t *c = json_object_get(counts, dossier_queue_name(k));
		json_array_append_new(
			tabs, json_pack("{s:s,s:O,s:O,s:b,s:s}", "name", dossier_queue_name(k), "label",
					json_object_get(c, "label"), "count", json_object_get(c, "count"),
					"current", k == a.q.queue, "href",
					arena_printf(&req->arena, "/mot-cua?queue=%s%s",
						     dossier_queue_name(k), a.mine ? "&mine=1" : "")));
	}
	json_array_append_new(
		tabs, json_pack("{s:s,s:s,s:b,s:s}", "name", "all", "label", _("All"), "current",
				a.q.queue == DQ_ALL, "href",
				arena_printf(&req->arena, "/mot-cua?queue=all%s", a.mine ? "&mine=1" : "")));
	statuses = json_array();
	json_array_append_new(statuses, json_pack("{s:s,s:s,s:b}", "value", "", "label", _("Any status"),
						  "selected", a.q.status == 0));
	for (int s = 1; s < DS_STATUS_COUNT; s++)
		json_array_append_new(statuses,
				      json_pack("{s:s,s:s,s:b}", "value", dossier_status_name(s), "label",
						_(dossier_status_label(s)), "selected", a.q.status == s));
	json_decref(counts);
	json_object_set_new(ctx, "tabs", tabs);
	json_object_set_new(ctx, "statuses", statuses);
	json_object_set_new(ctx, "rows", list);
	json_object_set_new(ctx, "has_rows", json_boolean(n > 0));
	json_object_set_new(ctx, "total", json_integer(total));
	json_object_set_new(ctx, "queue", json_string(dossier_queue_name(a.q.queue)));
	json_object_set_new(ctx, "mine", json_boolean(a.mine));
	json_object_set_new(ctx, "code", json_string(a.code));
	json_object_set_new(ctx, "procedure", json_string(a.procedure));
	can_receive = req_can(req, DOSSIER_PERM_RECEIVE, 0, 0, NULL);
	{
		int64_t *r;
		size_t nr;
		if (!req_scope(req, DOSSIER_PERM_RECEIVE, &r, &nr))
			can_receive = nr > 0;
	}
	json_object_set_new(ctx, "can_receive", json_boolean(can_receive > 0));
	base = arena_printf(&req->arena, "/mot-cua?queue=%s%s%s%s%s%s&status=%s",
			    dossier_queue_name(a.q.queue), a.mine ? "&mine=1" : "", *a.code ? "&code=" : "",
			    *a.code ? input_url_encode(req, a.code) : "", *a.procedure ? "&procedure=" : "",
			    *a.procedure ? input_url_encode(req, a.procedure) : "",
			    a.q.status ? dossier_status_name(a.q.status) : "");
	if (a.page > 1)
		json_object_set_new(
			ctx, "prev",
			json_string(arena_printf(&req->arena, "%s&page=%lld", base, (long long)a.page - 1)));
	if ((int64_t)(a.page * PAGE_SIZE) < total)
		json_object_set_new(
			ctx, "next",
			json_string(arena_printf(&req->arena, "%s&page=%lld", base, (long long)a.page + 1)));
	resp_header_static(req, "Cache-Control", "no-store");
	page_render(req, 200, "dossiers", ctx);
	return 0;
}

/* ---- the dossier page ---- */

static json_t *forms_view(struct request *req, const struct dossier *d)
{
	json_t *a = json_array();
	int has[6] = { 0 };
	has[1] = d->received_at != 0;
	has[5] = d->received_at != 0;
	has[4] = d->apology_at != 0;
	for (size_t i = 0; i < d->nevents && i < DOSSIER_MAX_EVENTS; i++) {
		if (d->events[i].action == DA_SUPPLEMENT)
			has[2] = 1;
		if (d->events[i].action == DA_REFUSE)
			has[3] = 1;
	}
	static const char *const names[6] = { NULL,
					      N_("Form 01: receipt and appointment slip"),
					      N_("Form 02: request for more papers"),
					      N_("Form 03: refusal"),
					      N_("Form 04: apology and new appointment"),
					      N_("Form 05: process control slip") };
	for (int k = 1; k <= 5; k++)
		if (has[k])
			json_array_append_new(a, json_pack("{s:s,s:s}", "label", _(names[k]), "href",
							   arena_printf(&req->arena,
									"/mot-cua/ho-so/%s/phieu/%d", d->code,
									k)));
	return a;
}

/* The officials of the unit holding the dossier, to assign it to. */
static json_t *assignees_view(struct request *req, struct db *db, const struct dossier *d)
{
	json_t *a = json_array();
	struct db_stmt *st;
	int rc = db_query(
		db, &st,
		"SELECT a.id, a.full_name, a.position FROM accounts a JOIN units u ON u.id = a.unit_id WHERE "
		"a.kind = 'staff' AND a.active = 1 AND (u.id = ? OR (u.parent_id = ? AND u.kind NOT IN "
		"('province', 'city', 'district', 'ward', 'commune'))) ORDER BY a.full_name, a.id",
		"ii", d->current_unit, d->current_unit);
	for (; rc == DB_ROW; rc = db_step(st)) {
		const char *pos = db_col_text(st, 2);
		json_array_append_new(a,
				      json_pack("{s:I,s:s,s:b}", "id", (json_int_t)db_col_int(st, 0), "label",
						arena_printf(&req->arena, "%s%s%s", db_col_text(st, 1),
							     pos && *pos ? " — " : "", pos ? pos : ""),
						"selected", db_col_int(st, 0) == d->assignee));
	}
	return a;
}

static void dossier_page(struct request *req, struct db *db, const struct dossier *d, int status,
			 const char *notice, const char *error, const char *failed_action, const char *typed)
{
	json_t *ctx = page_context(req, d->code), *acts = actions_view(req, d);
	size_t i;
	json_t *v;
	json_object_set_new(ctx, "d", dossier_view(req, d, 1));
	json_array_foreach(acts, i, v)
	{
		const char *name = json_string_value(json_object_get(v, "name"));
		int a = dossier_action_from_name(name);
		json_object_set_new(v, "needs_note",
				    json_boolean(a == DA_REFUSE || a == DA_REJECT || a == DA_SUPPLEMENT ||
						 a == DA_APOLOGIZE));
		json_object_set_new(v, "may_note", json_boolean(a != DA_ASSIGN));
		json_object_set_new(v, "needs_result", json_boolean(a == DA_APPROVE || a == DA_REJECT));
		json_object_set_new(v, "needs_due", json_boolean(a == DA_APOLOGIZE));
		if (a == DA_ASSIGN) {
			json_t *who = assignees_view(req, db, d);
			json_object_set_new(v, "has_assignees", json_boolean(json_array_size(who) > 0));
			json_object_set_new(v, "assignees", who);
		}
		if (failed_action && !strcmp(failed_action, name)) {
			json_object_set_new(v, "action_error", json_string(error));
			json_object_set_new(v, "typed", json_string(typed ? typed : ""));
		}
	}
	json_object_set_new(ctx, "actions", acts);
	json_object_set_new(ctx, "has_actions", json_boolean(json_array_size(acts) > 0));
	{
		json_t *forms = forms_view(req, d);
		json_object_set_new(ctx, "has_forms", json_boolean(json_array_size(forms) > 0));
		json_object_set_new(ctx, "forms", forms);
	}
	{
		/* its fee due: a collector of one of its office's books issues the receipt from here */
		const struct unit_tree *t = req_units(req);
		int64_t *units;
		size_t n;
		int collects = 0;
		if (d->fee_due > 0 && !d->fee_paid && t && !req_scope(req, "receipt.issue", &units, &n))
			for (size_t k = 0; k < n && !collects; k++)
				collects = unit_tree_agency(t, units[k]) == d->receiving_unit;
		if (collects)
			json_object_set_new(ctx, "collect_url",
					    json_sprintf("/thu-phi/lap?dossier=%s",
							 input_url_encode(req, d->code)));
	}
	json_object_set_new(ctx, "csrf", json_string(req_csrf(req)));
	if (notice)
		json_object_set_new(ctx, "notice", json_string(notice));
	if (error && !failed_action)
		json_object_set_new(ctx, "error", json_string(error));
	resp_header_static(req, "Cache-Control", "no-store");
	page_render(req, status, "dossier", ctx);
}

static const char *notice_for(const char *msg)
{
	if (!msg)
		return NULL;
	if (!strcmp(msg, "created"))
		return _("The dossier has been received. Print the receipt slip (form 01) for the citizen.");
	if (!strcmp(msg, "received"))
		return _("The dossier has been received. Print the receipt slip (form 01) for the citizen.");
	if (!strcmp(msg, "done"))
		return _("Done.");
	return NULL;
}

int page_dossier(struct request *req)
{
	struct dossier d;
	struct db *db = db_thread();
	if (load_for_staff(req, db, &d))
		return 0;
	dossier_page(req, db, &d, 200, notice_for(req_query(req, "msg")), NULL, NULL, NULL);
	return 0;
}

int page_dossier_act(struct request *req)
{
	struct dossier_act act = { 0 };
	struct dossier d;
	const char *why = NULL, *code = req_param(req, "code"), *due;
	json_t *allowed = NULL;
	int status;
	struct db *db = db_thread();

	if (req_staff_only(req))
		return 0;
	act.action = dossier_action_from_name(req_form(req, "action"));
	act.note = input_trim(req, req_form(req, "note"));
	act.result = input_trim(req, req_form(req, "result"));
	act.assignee = input_id(req_form(req, "assignee"));
	due = req_form(req, "new_due");
	act.actor_account = req_user(req)->id;
	act.actor_name = req_user(req)->full_name;
	if (!act.action) {
		status = 422;
		why = N_("There is no such action.");
	} else if (act.action == DA_APOLOGIZE && !(act.new_due = parse_local(due))) {
		status = 422;
		why = N_("Enter the new appointment (date and time).");
	} else {
		status = act_store(req, code, &act, &d, &why, &allowed);
	}
	json_decref(allowed);
	if (status == 200) {
		resp_redirect(req, arena_printf(&req->arena, "/mot-cua/ho-so/%s?msg=%s", d.code,
						act.action == DA_RECEIVE ? "received" : "done"));
		return 0;
	}
	if (status == 503 || !db) {
		resp_unavailable(req);
		return 0;
	}
	/* show the page again with the message next to the action */
	if (load_for_staff(req, db, &d))
		return 0;
	if (status == 403)
		dossier_page(req, db, &d, 403, NULL, _("You may not do this to this dossier."), NULL, NULL);
	else if (status == 409)
		dossier_page(
			req, db, &d, 409, NULL,
			_("This action is not possible in the dossier's present state: it has changed since the page was shown."),
			NULL, NULL);
	else
		dossier_page(req, db, &d, 422, NULL, _(why ? why : N_("Some fields are not valid.")),
			     req_form(req, "action"), act.note);
	return 0;
}

/* ---- printed forms and files ---- */

static void form_site(struct request *req, struct db *db, const struct dossier *d, struct form_site *s)
{
	struct unit u, parent;
	memset(s, 0, sizeof(*s));
	s->parent_agency = "";
	s->agency = "";
	if (!org_unit_load(db, &req->arena, d->receiving_unit, &u)) {
		/* "UBND Phường Nhân Chính" under "UBND Quận Thanh Xuân" (the forms print them in capitals) */
		s->agency = arena_printf(&req->arena, "UBND %s", u.name);
		if (u.parent_id && !org_unit_load(db, &req->arena, u.parent_id, &parent))
			s->parent_agency = arena_printf(&req->arena, "UBND %s", parent.name);
	}
	s->office = "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ";
	s->place = "Hà Nội";
	s->lookup_url = arena_printf(&req->arena, "%s/tra-cuu?ma=", req_site_url(req));
	s->staff_name = req_user(req)->full_name;
}

int page_dossier_form(struct request *req)
{
	struct dossier d;
	struct db *db = db_thread();
	struct form_site s;
	int64_t n = input_id(req_param(req, "n"));
	if (load_for_staff(req, db, &d))
		return 0;
	if (n < 1 || n > 5) {
		resp_error(req, 404, "not_found", _("There is no such form."));
		return 0;
	}
	form_site(req, db, &d, &s);
	buf_reset(&req->out);
	if (dossier_form_pdf((int)n, &d, &s, req_now(req), &req->out)) {
		buf_reset(&req->out);
		resp_error(req, 404, "not_found", _("This form does not apply to this dossier."));
		return 0;
	}
	resp_header(req, "Content-Disposition",
		    arena_printf(&req->arena, "inline; filename=\"mau-%02d-%s.pdf\"", (int)n, d.code));
	resp_header_static(req, "Cache-Control", "no-store");
	req->status = 200;
	req->content_type_out = "application/pdf";
	return 0;
}

int page_dossier_file(struct request *req)
{
	struct dossier d;
	struct db *db = db_thread();
	int64_t n = input_id(req_param(req, "n"));
	const struct dossier_doc *doc;
	char path[512];
	int rc;
	if (load_for_staff(req, db, &d))
		return 0;
	if (n < 1 || (size_t)n > d.ndocs || !*(doc = &d.docs[n - 1])->file_sha ||
	    files_path(the_app->cfg.data, doc->file_sha, path, sizeof(path))) {
		resp_error(req, 404, "not_found", _("This dossier has no such file."));
		return 0;
	}
	buf_reset(&req->out);
	rc = file_read_whole(path, req->out.max - 1 < 32u << 20 ? req->out.max - 1 : 32u << 20, &req->out);
	if (rc) {
		buf_reset(&req->out);
		log_error("event=dossier_file code=%s n=%lld msg=%s", d.code, (long long)n,
			  rc > 0 ? "\"too large\"" : strerror(errno));
		resp_error(req, rc < 0 && errno == ENOENT ? 404 : 500,
			   rc < 0 && errno == ENOENT ? "not_found" : "internal",
			   rc < 0 && errno == ENOENT ? _("This dossier has no such file.")
						     : _("Internal server error, please try again later."));
		return 0;
	}
	resp_header(req, "Content-Disposition", download_disposition(req, doc->file_name));
	resp_header_static(req, "Cache-Control", "no-store");
	req->status = 200;
	req->content_type_out = *doc->file_mime ? doc->file_mime : "application/octet-stream";
	return 0;
}

/* ---- the tracking book (form 06) ---- */

#define BOOK_MAX      3000 /* dossiers in one book: a ward's quarter, a district's month */
#define BOOKS_AT_ONCE 2	   /* books drawn at the same time by this process */
static atomic_int books_drawing;

/* "YYYY-MM-DD" exactly (digits where digits go), a real date; its local midnight, 0 when not. */
static int64_t parse_day(const char *s)
{
	struct civil c = { 0 }, back;
	int64_t t;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	c.year = (int)strtol(s, NULL, 10);
	c.month = (int)strtol(s + 5, NULL, 10);
	c.day = (int)strtol(s + 8, NULL, 10);
	if (c.year < 2000 || c.year > 2100)
		return 0;
	t = time_from_civil(&c, VN_UTC_OFFSET);
	time_to_civil(t, VN_UTC_OFFSET, &back);
	return back.year == c.year && back.month == c.month && back.day == c.day ? t : 0;
}

int page_dossier_book(struct request *req)
{
	struct db *db = db_thread();
	const char *from_s = req_query(req, "from"), *to_s = req_query(req, "to"),
		   *fmt = req_query(req, "format");
	int64_t from, to, unit = input_id(req_query(req, "unit"));
	int64_t *units;
	size_t nunits, n = 0;
	const struct dossier **list;
	struct dossier d0;
	struct form_site s;
	struct db_stmt *st;
	int rc, xlsx;

	if (req_staff_only(req))
		return 0;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	if (staff_units(req, &units, &nunits))
		return 0;
	if (!unit && nunits)
		unit = units[0];
	if (!unit || !ids_contain(units, nunits, unit)) {
		resp_error(req, 403, "forbidden", _("You do not work dossiers at this unit."));
		return 0;
	}
	from = parse_day(from_s);
	to = parse_day(to_s);
	if (!from || !to || to < from || to - from > 366 * 86400) {
		resp_error(req, 400, "bad_request",
			   _("Give the period as from=YYYY-MM-DD&to=YYYY-MM-DD, at most a year."));
		return 0;
	}
	to += 86400; /* the whole last day */
	xlsx = fmt && !strcmp(fmt, "xlsx");
	if (fmt && *fmt && !xlsx && strcmp(fmt, "pdf")) {
		resp_error(req, 400, "bad_request", _("The format is pdf or xlsx."));
		return 0;
	}
	/* a book is drawn whole: bounded in size, and two at a time */
	rc = db_query(
		db, &st,
		"SELECT COUNT(*) FROM dossiers WHERE receiving_unit = ? AND received_at >= ? AND received_at < ?",
		"iii", unit, from, to);
	{
		int64_t count = rc == DB_ROW ? db_col_int(st, 0) : 0;
		while (rc == DB_ROW)
			rc = db_step(st);
		if (rc < 0) {
			resp_unavailable(req);
			return 0;
		}
		if (count > BOOK_MAX) {
			resp_error(
				req, 422, "too_many",
				arena_printf(
					&req->arena,
					_("%lld dossiers were received in this period: choose a shorter one (at most %d in a book)."),
					(long long)count, BOOK_MAX));
			return 0;
		}
	}
	if (atomic_fetch_add(&books_drawing, 1) >= BOOKS_AT_ONCE) {
		atomic_fetch_sub(&books_drawing, 1);
		resp_header_static(req, "Retry-After", "10");
		resp_error(req, 429, "busy", _("Other books are being drawn: try again in a few seconds."));
		return 0;
	}
	list = arena_alloc(&req->arena, BOOK_MAX * sizeof(*list));
	rc = db_query(
		db, &st,
		"SELECT code FROM dossiers WHERE receiving_unit = ? AND received_at >= ? AND received_at < ? "
		"ORDER BY received_at, id",
		"iii", unit, from, to);
	{
		const char **codes = arena_alloc(&req->arena, BOOK_MAX * sizeof(*codes));
		size_t nc = 0;
		for (; rc == DB_ROW && nc < BOOK_MAX; rc = db_step(st))
			codes[nc++] = arena_strdup(&req->arena, db_col_text(st, 0));
		while (rc == DB_ROW)
			rc = db_step(st);
		if (rc < 0) {
			atomic_fetch_sub(&books_drawing, 1);
			resp_unavailable(req);
			return 0;
		}
		for (size_t i = 0; i < nc; i++) {
			struct dossier *d = arena_alloc(&req->arena, sizeof(*d));
			if (dossier_load(db, &req->arena, codes[i], d)) {
				atomic_fetch_sub(&books_drawing, 1);
				resp_unavailable(req);
				return 0;
			}
			list[n++] = d;
		}
	}
	memset(&d0, 0, sizeof(d0));
	d0.receiving_unit = unit;
	form_site(req, db, &d0, &s);
	buf_reset(&req->out);
	rc = xlsx ? dossier_book_xlsx(list, n, &s, from, to, &req->out)
		  : dossier_book_pdf(list, n, &s, from, to, &req->out);
	atomic_fetch_sub(&books_drawing, 1);
	if (rc) {
		buf_reset(&req->out);
		resp_error(req, 500, "internal", _("Internal server error, please try again later."));
		return 0;
	}
	/* named by the dates as parsed, never by the query's text */
	{
		struct civil a, b;
		time_to_civil(from, VN_UTC_OFFSET, &a);
		time_to_civil(to - 86400, VN_UTC_OFFSET, &b);
		resp_header(req, "Content-Disposition",
			    arena_printf(
				    &req->arena,
				    "attachment; filename=\"so-theo-doi-ho-so-%04d%02d%02d-%04d%02d%02d.%s\"",
				    a.year, a.month, a.day, b.year, b.month, b.day, xlsx ? "xlsx" : "pdf"));
	}
	resp_header_static(req, "Cache-Control", "no-store");
	req->status = 200;
	req->content_type_out = xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
				     : "application/pdf";
	return 0;
}

/* ---- the intake page ---- */

static json_t *units_choice(struct request *req, struct db *db, const int64_t *units, size_t n,
			    int64_t selected)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		struct unit u;
		if (org_unit_load(db, &req->arena, units[i], &u) || !u.active)
			continue;
		json_array_append_new(a, json_pack("{s:I,s:s,s:b}", "id", (json_int_t)u.id, "label", u.name,
						   "selected", u.id == selected));
	}
	return a;
}

static void intake_page(struct request *req, struct db *db, int status, const struct proc_version *pv,
			const struct dossier_intake *in, const struct errs *e, const char *error)
{
	json_t *ctx = page_context(req, _("Receive a dossier"));
	int64_t *units;
	size_t nunits;
	if (req_scope(req, DOSSIER_PERM_RECEIVE, &units, &nunits)) {
		json_decref(ctx);
		return;
	}
	units = agencies(req, units, nunits, &nunits);
	json_object_set_new(ctx, "csrf", json_string(req_csrf(req)));
	json_object_set_new(ctx, "units", units_choice(req, db, units, nunits, in ? in->unit_id : 0));
	json_object_set_new(ctx, "many_units", json_boolean(nunits > 1));
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	if (e && e->n) {
		/* the form's names: applicant.name → a_name, representative.phone → r_phone */
		json_t *flat = json_object();
		const char *k;
		json_t *v;
		json_object_foreach(e->fields, k, v)
		{
			if (!strncmp(k, "applicant.", 10))
				json_object_set(flat, arena_printf(&req->arena, "a_%s", k + 10), v);
			else if (!strncmp(k, "representative.", 15))
				json_object_set(flat, arena_printf(&req->arena, "r_%s", k + 15), v);
			else
				json_object_set(flat, k, v);
		}
		json_object_set_new(ctx, "errors", flat);
	}
	if (!pv) {
		/* step 1: choose the procedure */
		struct proc_query q = { 0 };
		struct proc_row *rows;
		struct proc_counts counts;
		size_t nrows = 0;
		const char *qs = input_trim(req, req_query(req, "q"));
		json_t *list = json_array();
		q.q = qs;
		q.limit = 50;
		if (!procedure_list(db, &req->arena, &q, &rows, &nrows, &counts))
			for (size_t i = 0; i < nrows; i++)
				json_array_append_new(list,
						      json_pack("{s:s,s:s,s:s}", "code", rows[i].code, "name",
								rows[i].name, "field", rows[i].field));
		json_object_set_new(ctx, "procedures", list);
		json_object_set_new(ctx, "q", json_string(qs));
		json_object_set_new(ctx, "choose", json_true());
	} else {
		json_t *docs = json_array(), *fees = json_array();
		for (size_t i = 0; i < pv->p.ndocuments; i++) {
			json_t *doc = json_pack("{s:i,s:i,s:s,s:s,s:i,s:b}", "index", (int)i, "n", (int)i + 1,
						"name", pv->p.documents[i].name, "kind",
						label(proc_doc_kind_label(pv->p.documents[i].kind)), "count",
						pv->p.documents[i].count, "checked", in && in->provided[i]);
			json_t *err =
				e ? json_object_get(e->fields, arena_printf(&req->arena, "documents[%zu]", i))
				  : NULL;
			if (err)
				json_object_set(doc, "doc_error", err);
			json_array_append_new(docs, doc);
		}
		for (size_t i = 0; i < pv->p.nfees; i++)
			json_array_append_new(
				fees, json_pack("{s:s,s:s}", "name", pv->p.fees[i].name, "amount",
						money_text(req, fee_line_amount(&pv->p.fees[i], 1, 1))));
		json_object_set_new(ctx, "procedure",
				    json_pack("{s:s,s:s,s:s}", "code", pv->p.code, "name", pv->p.name,
					      "fee_note", pv->p.fee_note));
		json_object_set_new(ctx, "documents", docs);
		json_object_set_new(ctx, "fees", fees);
		json_object_set_new(ctx, "has_fees", json_boolean(pv->p.nfees > 0));
		json_object_set_new(ctx, "fee_total",
				    json_string(money_text(req, fee_total(pv->p.fees, pv->p.nfees, 1, 1))));
		if (in) {
			json_object_set_new(ctx, "a", person_view(&in->applicant));
			json_object_set_new(ctx, "r", person_view(&in->representative));
			json_object_set_new(ctx, "pages", json_integer(in->pages ? in->pages : 1));
			json_object_set_new(ctx, "copies", json_integer(in->copies ? in->copies : 1));
			json_object_set_new(ctx, "note", json_string(in->note ? in->note : ""));
			json_object_set_new(ctx, "by_post", json_boolean(in->channel == DCH_POST));
		} else {
			json_object_set_new(ctx, "pages", json_integer(1));
			json_object_set_new(ctx, "copies", json_integer(1));
		}
	}
	resp_header_static(req, "Cache-Control", "no-store");
	page_render(req, status, "intake", ctx);
}

/* The published procedure of ?thu-tuc= / the form's "procedure"; 0, 1 when none, -1 on error. */
static int intake_procedure(struct request *req, struct db *db, const char *code, struct proc_version *pv)
{
	int rc;
	if (!code || !*code || !procedure_code_valid(code))
		return 1;
	rc = procedure_load(db, &req->arena, code, 0, pv);
	return rc < 0 ? -1 : rc ? 1 : 0;
}

int page_intake_form(struct request *req)
{
	struct db *db = db_thread();
	struct proc_version pv;
	int64_t *units;
	size_t n;
	int rc;
	if (req_staff_only(req))
		return 0;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	if (req_scope(req, DOSSIER_PERM_RECEIVE, &units, &n))
		return 0;
	if (!n) {
		resp_error(req, 403, "forbidden", _("Only one-stop clerks receive dossiers."));
		return 0;
	}
	rc = intake_procedure(req, db, req_query(req, "thu-tuc"), &pv);
	if (rc < 0) {
		resp_unavailable(req);
		return 0;
	}
	intake_page(req, db, 200, rc ? NULL : &pv, NULL, NULL,
		    rc && req_query(req, "thu-tuc") ? _("This procedure is not in the public catalogue.")
						    : NULL);
	return 0;
}

static const struct upload *find_upload(const struct request *req, const char *field)
{
	for (const struct upload *u = req->files; u; u = u->next)
		if (!strcmp(u->field, field) && u->size > 0)
			return u;
	return NULL;
}

int page_intake_post(struct request *req)
{
	struct db *db = db_thread();
	struct proc_version pv;
	struct dossier_intake in;
	struct errs e = { json_object(), 0 };
	char code[DOSSIER_CODE_MAX];
	const char *why = NULL;
	int answered, rc, status;
	int64_t now = req_now(req);

	memset(&in, 0, sizeof(in));
	if (req_staff_only(req))
		goto out;
	if (!db) {
		resp_unavailable(req);
		goto out;
	}
	rc = intake_procedure(req, db, req_form(req, "procedure"), &pv);
	if (rc) {
		if (rc < 0)
			resp_unavailable(req);
		else
			intake_page(req, db, 422, NULL, NULL, NULL,
				    _("This procedure is not in the public catalogue."));
		goto out;
	}
	in.procedure_code = pv.p.code;
	in.unit_id = intake_unit(req, input_id(req_form(req, "unit")), &answered);
	if (answered)
		goto out;
	if (!in.unit_id)
		errs_add(&e, "unit", N_("Choose a unit where you receive dossiers."));
	in.channel = req_form(req, "by_post") ? DCH_POST : DCH_COUNTER;
	in.applicant.name = input_trim(req, req_form(req, "a_name"));
	in.applicant.id_no = input_trim(req, req_form(req, "a_id_no"));
	in.applicant.birth = input_trim(req, req_form(req, "a_birth"));
	in.applicant.phone = input_trim(req, req_form(req, "a_phone"));
	in.applicant.email = input_trim(req, req_form(req, "a_email"));
	in.applicant.address = input_trim(req, req_form(req, "a_address"));
	in.representative.name = input_trim(req, req_form(req, "r_name"));
	in.representative.id_no = input_trim(req, req_form(req, "r_id_no"));
	in.representative.phone = input_trim(req, req_form(req, "r_phone"));
	in.representative.birth = "";
	in.representative.email = "";
	in.representative.address = "";
	dossier_person_check(&in.applicant, "applicant", 1, &req->arena, now, errs_add, &e);
	if (*in.representative.name || *in.representative.id_no || *in.representative.phone)
		dossier_person_check(&in.representative, "representative", 1, &req->arena, now, errs_add, &e);
	{
		const char *p = req_form(req, "pages"), *c = req_form(req, "copies");
		in.pages = p && *p ? (int)input_id(p) : 1;
		in.copies = c && *c ? (int)input_id(c) : 1;
		if (in.pages < 1 || in.pages > FEE_COUNT_MAX)
			errs_add(&e, "pages", N_("Enter the number of pages (1 or more)."));
		if (in.copies < 1 || in.copies > FEE_COUNT_MAX)
			errs_add(&e, "copies", N_("Enter the number of copies (1 or more)."));
	}
	in.note = input_trim(req, req_form(req, "note"));
	/* the scans: checked here, kept only once every field is right */
	for (size_t i = 0; i < pv.p.ndocuments; i++) {
		const struct upload *u = find_upload(req, arena_printf(&req->arena, "file%zu", i));
		in.provided[i] = req_form(req, arena_printf(&req->arena, "doc%zu", i)) != NULL;
		if (u) {
			const char *type = upload_doc_type(u->path);
			if (!type)
				errs_add(&e, arena_printf(&req->arena, "documents[%zu]", i),
					 N_("A scan must be a PDF, JPEG or PNG file."));
			else if (u->size > SCAN_FILE_MAX)
				errs_add(&e, arena_printf(&req->arena, "documents[%zu]", i),
					 N_("A scan may be at most 10 MB."));
			else {
				in.file_sha[i] = u->path; /* stored below */
				in.file_name[i] = upload_file_name(req, u->filename, type, i);
				in.file_mime[i] = type;
			}
		}
	}
	for (size_t i = 0; !e.n && i < pv.p.ndocuments; i++) {
		char *sha;
		if (!in.file_sha[i])
			continue;
		sha = arena_alloc(&req->arena, 65);
		if (files_store(the_app->cfg.data, in.file_sha[i], sha))
			errs_add(&e, arena_printf(&req->arena, "documents[%zu]", i),
				 N_("The file could not be saved. Please try again shortly."));
		in.file_sha[i] = sha;
	}
	in.actor_account = req_user(req)->id;
	in.actor_name = req_user(req)->full_name;
	if (e.n) {
		intake_page(req, db, 422, &pv, &in, &e, _("Some fields are not valid."));
		goto out;
	}
	status = intake_store(req, &in, code, &why);
	if (status == 201)
		resp_redirect(req, arena_printf(&req->arena, "/mot-cua/ho-so/%s?msg=created", code));
	else if (status == 503)
		resp_unavailable(req);
	else
		intake_page(req, db, 422, &pv, &in, &e, _(why));
out:
	json_decref(e.fields);
	return 0;
}
