/*
 * pages_procedures_admin.c: the procedure catalogue's administration: /quan-tri/thu-tuc (list, form,
 * versions, publishing, import, export), /quan-tri/linh-vuc (fields) and the write API under
 * /api/v1/procedures.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/i18n.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "features/files.h"
#include "features/procedures.h"
#include "rules/permission.h"
#include "rules/procedure.h"
#include "store/db.h"
#include "web/app.h"
#include "core/banned.h"

#define ADMIN_PATH  "/quan-tri/thu-tuc"
#define FIELDS_PATH "/quan-tri/linh-vuc"
#define PER_PAGE    50
/* Empty rows the form offers after the existing ones, in each repeated part. */
#define EMPTY_ROWS 3
/* Page tiers a fee line offers in the form (a line may hold up to FEE_MAX_TIERS). */
#define TIER_SLOTS 3
/* Inputs of the form besides the repeated parts (with the csrf token), and a margin. */
#define FORM_FIXED_INPUTS 24
/* A field's name: 1..200 characters. */
#define FIELD_NAME_MAX 200
/* Largest import file read into memory (the upload limit applies first). */
#define IMPORT_MAX ((size_t)32 << 20)
/* Longest search text. */
#define QUERY_MAX 200

/* ---- small helpers ---- */

static void forbidden(struct request *req)
{
	resp_error(req, 403, "forbidden", _("You do not have permission to do this."));
}

static void not_found(struct request *req)
{
	resp_error(req, 404, "not_found", _("There is no such procedure in the catalogue."));
}

/*
 * Every handler here: a staff account that may manage the catalogue at the
 * top of the unit tree (it is shared by every unit below). 0 when allowed, 1
 * when it has answered (403, or 503).
 */
static int manage_denied(struct request *req)
{
	int rc;
	if (req_staff_only(req))
		return 1;
	rc = req_can_at_top(req, "procedure.manage");
	if (rc == 1)
		return 0;
	if (rc == 0)
		forbidden(req);
	else if (!req->status)
		resp_unavailable(req);
	return 1;
}

/* The edit page of a procedure. */
static const char *edit_path(struct request *req, const char *code)
{
	return arena_printf(&req->arena, ADMIN_PATH "/%s", input_url_encode(req, code));
}

/* A form value trimmed, with the browsers' CRLF line breaks as LF. */
static const char *form_text(struct request *req, const char *name)
{
	const char *s = input_trim(req, req_form(req, name));
	char *out, *o;
	if (!strchr(s, '\r'))
		return s;
	out = o = arena_strdup(&req->arena, s);
	for (; *s; s++)
		if (!(*s == '\r' && s[1] == '\n'))
			*o++ = *s == '\r' ? '\n' : *s;
	*o = '\0';
	return out;
}

/* A string member of a JSON object, "" when absent. */
static const char *jstr(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/*
 * A whole number as a clerk types it: "", or digits with '.', ',' or spaces
 * between thousands ("2.000", "200 000"). 0 with *v (0 for ""), -1 when it is
 * not such a number or passes 10^15.
 */
static int parse_number(const char *s, int64_t *v)
{
	int digits = 0, group = -1; /* digits since the last separator, -1 before any */
	char sep = 0;
	*v = 0;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (++digits > 15)
				return -1;
			*v = *v * 10 + (*s - '0');
			if (group >= 0)
				group++;
			continue;
		}
		/*
		 * a thousands separator ("2.000", "1 000 000"): one kind, after 1–3
		 * digits, then groups of exactly three; "2.000,5" or "1.5" are not
		 * amounts in đồng
		 */
		if ((*s != '.' && *s != ',' && *s != ' ') || (sep && *s != sep) || !digits ||
		    (group < 0 ? digits > 3 : group != 3))
			return -1;
		sep = *s;
		group = 0;
	}
	return group < 0 || group == 3 ? 0 : -1;
}

static const char *proc_object(struct request *req, const char *code)
{
	return arena_printf(&req->arena, "procedure:%s", code);
}

/* "dd/mm/yyyy HH:MM" in Vietnam time, "" for 0. */
static const char *when(struct request *req, int64_t t)
{
	char d[16], h[8];
	if (!t)
		return "";
	time_fmt_date_vn(d, sizeof(d), t);
	time_fmt_time_vn(h, sizeof(h), t);
	return arena_printf(&req->arena, "%s %s", d, h);
}

/* ---- validation messages collected by field ---- */

/* Messages by field name as the JSON document calls it ("code", "fees[2]", "steps"), translated. */
struct errs {
	json_t *fields;
	int n;
};

static void errs_init(struct errs *e)
{
	e->fields = json_object();
	e->n = 0;
}

static void errs_release(struct errs *e)
{
	json_decref(e->fields);
	e->fields = NULL;
}

/* Several messages for one field are shown together, each once. */
static void errs_add(struct errs *e, const char *field, const char *msg)
{
	json_t *old = json_object_get(e->fields, field);
	e->n++;
	if (!old)
		json_object_set_new(e->fields, field, json_string(msg));
	else if (!strstr(json_string_value(old), msg))
		json_object_set_new(e->fields, field, json_sprintf("%s %s", json_string_value(old), msg));
}

static void check_err(void *ctx, const char *field, const char *msgid)
{
	errs_add(ctx, field, _(msgid));
}

static const char *row_key(struct request *req, const char *part, size_t i)
{
	return arena_printf(&req->arena, "%s[%zu]", part, i);
}

/* ---- choices offered by the form ---- */

static json_t *choice(const char *value, const char *label, const char *selected)
{
	return json_pack("{s:s,s:s,s:b}", "value", value, "label", label, "selected",
			 !strcmp(value, selected));
}

/* A select's options from names 1..n of an enum, with a "Choose…" first when none is selected. */
static json_t *enum_choices(const char *(*name)(int), const char *(*label)(int), int n, const char *selected,
			    const char *prompt)
{
	json_t *a = json_array();
	int found = 0;
	for (int i = 1; i <= n; i++)
		if (name(i) && !strcmp(name(i), selected))
			found = 1;
	if (!found && prompt)
		json_array_append_new(a, choice("", prompt, ""));
	for (int i = 1; i <= n; i++) {
		const char *l = label ? label(i) : NULL;
		if (name(i))
			json_array_append_new(a, choice(name(i), l ? _(l) : name(i), selected));
	}
	return a;
}

static const char *time_unit_label(int unit)
{
	return unit == PROC_DAYS ? N_("working days") : unit == PROC_HOURS ? N_("working hours") : NULL;
}

static const char *fee_kind_name(int kind)
{
	return kind == 1 ? "fee" : kind == 2 ? "charge" : NULL;
}

static const char *fee_kind_label(int kind)
{
	return kind == 1 ? N_("Fee (phí)") : kind == 2 ? N_("Charge (lệ phí)") : NULL;
}

static const char *fee_per_label(int per)
{
	return per == FEE_PER_DOSSIER ? N_("per dossier")
	       : per == FEE_PER_COPY  ? N_("per copy")
	       : per == FEE_PER_PAGE  ? N_("per page")
				      : NULL;
}

/* The roles a step may name: the staff who work dossiers. */
static const int step_roles[] = { ROLE_ONESTOP_CLERK, ROLE_SPECIALIST, ROLE_LEADER, ROLE_RECORDS_CLERK,
				  ROLE_COLLECTOR };

static json_t *role_choices(const char *selected)
{
	json_t *a = json_array();
	int found = !*selected;
	json_array_append_new(a, choice("", _("(no particular role)"), selected));
	for (size_t i = 0; i < sizeof(step_roles) / sizeof(step_roles[0]); i++) {
		const char *name = permission_role_name(step_roles[i]);
		found |= !strcmp(name, selected);
		json_array_append_new(a, choice(name, _(permission_role_label(step_roles[i])), selected));
	}
	/* a role from an import or the API that the list does not offer stays as it is */
	if (!found) {
		int r = permission_role_from_name(selected);
		json_array_append_new(a,
				      choice(selected, r ? _(permission_role_label(r)) : selected, selected));
	}
	return a;
}

/* ---- the form's view: every value as typed (strings), rows compacted ---- */

static json_t *num(int64_t v)
{
	return json_sprintf("%lld", (long long)v);
}

static json_t *opt_num(int64_t v)
{
	return v ? num(v) : json_string("");
}

/* The view of a stored version. */
static json_t *view_from_proc(const struct procedure *p)
{
	json_t *v, *fees = json_array(), *docs = json_array(), *steps = json_array();
	for (size_t i = 0; i < p->nfees; i++) {
		const struct fee_line *l = &p->fees[i];
		json_t *tiers = json_array();
		for (int t = 0; t < l->ntiers; t++)
			json_array_append_new(tiers, json_pack("{s:o,s:o,s:o}", "from", num(l->tiers[t].from),
							       "to", opt_num(l->tiers[t].to), "amount",
							       num(l->tiers[t].amount)));
		json_array_append_new(
			fees, json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:o}", "name", l->name ? l->name : "",
					"kind", l->kind ? "charge" : "fee", "per",
					fee_per_name(l->per) ? fee_per_name(l->per) : "", "amount",
					(l->amount || !l->ntiers) ? num(l->amount) : json_string(""), "min",
					opt_num(l->min), "max", opt_num(l->max), "tiers", tiers));
	}
	for (size_t i = 0; i < p->ndocuments; i++) {
		const struct proc_document *d = &p->documents[i];
		const char *kind = proc_doc_kind_name(d->kind);
		json_array_append_new(docs,
				      json_pack("{s:s,s:s,s:o,s:s,s:s}", "name", d->name ? d->name : "",
						"kind", kind ? kind : "", "count", num(d->count), "form_name",
						d->form_file && d->form_name ? d->form_name : "", "form_file",
						d->form_file ? d->form_file : ""));
	}
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct proc_step *s = &p->steps[i];
		const char *level = proc_level_name(s->level);
		json_array_append_new(steps,
				      json_pack("{s:s,s:s,s:s,s:s,s:o}", "name", s->name ? s->name : "",
						"responsible", s->responsible ? s->responsible : "", "role",
						s->role ? s->role : "", "level", level ? level : "", "hours",
						num(s->hours)));
	}
	v = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "code", p->code ? p->code : "", "name",
		      p->name ? p->name : "", "field", p->field ? p->field : "", "level",
		      proc_level_name(p->level) ? proc_level_name(p->level) : "", "receive_level",
		      proc_level_name(p->receive_level) ? proc_level_name(p->receive_level) : "",
		      "decide_level",
		      proc_level_name(p->decide_level) ? proc_level_name(p->decide_level) : "", "receiving",
		      p->receiving ? p->receiving : "", "deciding", p->deciding ? p->deciding : "");
	json_object_update_new(
		v, json_pack("{s:o,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "time_amount", num(p->time_amount),
			     "time_unit",
			     proc_time_unit_name(p->time_unit) ? proc_time_unit_name(p->time_unit) : "",
			     "time_note", p->time_note ? p->time_note : "", "fee_note",
			     p->fee_note ? p->fee_note : "", "result", p->result ? p->result : "",
			     "legal_basis", p->legal_basis ? p->legal_basis : "", "conditions",
			     p->conditions ? p->conditions : "", "online",
			     proc_online_name(p->online) ? proc_online_name(p->online) : ""));
	json_object_set_new(v, "fees", fees);
	json_object_set_new(v, "documents", docs);
	json_object_set_new(v, "steps", steps);
	return v;
}

/* Names of a row's inputs: "fee_name_3", "fee_from_3_1". */
static const char *in_name(struct request *req, const char *base, size_t i)
{
	return arena_printf(&req->arena, "%s_%zu", base, i);
}

/* Blank forms citizens download: the types the public page serves. */
static int form_ext_ok(const char *filename)
{
	static const char *const ext[] = { ".pdf", ".doc", ".docx", ".odt", ".xls", ".xlsx" };
	size_t n = strlen(filename);
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		size_t e = strlen(ext[i]);
		if (n > e && !strcasecmp(filename + n - e, ext[i]))
			return 1;
	}
	return 0;
}

/* A kept blank form: 1 when `sha` was uploaded as one (procedure_form_known) and its file is in the store. */
static int file_kept(const char *sha)
{
	char path[1024];
	struct stat st;
	struct db *db = db_thread();
	return db && procedure_form_known(db, sha) == 1 &&
	       !files_path(the_app->cfg.data, sha, path, sizeof(path)) && !stat(path, &st) &&
	       S_ISREG(st.st_mode);
}

/*
 * The view of the posted form: the values trimmed, empty rows left out; a
 * blank form uploaded for a document is kept (files_store) and its digest
 * put in the row, so that a refused post keeps it too. `code` replaces the
 * posted code (the edit page's path), NULL to read it.
 */
static json_t *view_from_form(struct request *req, const char *code, struct errs *e)
{
	static const char *const scalars[] = { "name",	       "field",	     "level",	 "receive_level",
					       "decide_level", "receiving",  "deciding", "time_amount",
					       "time_unit",    "time_note",  "fee_note", "result",
					       "legal_basis",  "conditions", "online" };
	json_t *v = json_object(), *fees = json_array(), *docs = json_array(), *steps = json_array();

	json_object_set_new(v, "code", json_string(code ? code : form_text(req, "code")));
	for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++)
		json_object_set_new(v, scalars[i], json_string(form_text(req, scalars[i])));

	for (size_t i = 0; i < PROC_MAX_FEES + EMPTY_ROWS; i++) {
		json_t *tiers = json_array();
		const char *name = form_text(req, in_name(req, "fee_name", i));
		const char *amount = form_text(req, in_name(req, "fee_amount", i));
		const char *min = form_text(req, in_name(req, "fee_min", i));
		const char *max = form_text(req, in_name(req, "fee_max", i));
		int used = *name || *amount || *min || *max;
		if (req_form(req, in_name(req, "fee_delete", i))) {
			json_decref(tiers);
			continue;
		}
		for (size_t t = 0; t < FEE_MAX_TIERS; t++) {
			const char *tf = form_text(req, arena_printf(&req->arena, "fee_from_%zu_%zu", i, t));
			const char *tt = form_text(req, arena_printf(&req->arena, "fee_to_%zu_%zu", i, t));
			const char *ta =
				form_text(req, arena_printf(&req->arena, "fee_tamount_%zu_%zu", i, t));
			if (*tf || *tt || *ta)
				json_array_append_new(tiers, json_pack("{s:s,s:s,s:s}", "from", tf, "to", tt,
								       "amount", ta));
		}
		if (!used && !json_array_size(tiers)) {
			json_decref(tiers);
			continue;
		}
		json_array_append_new(fees, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o}", "name", name, "kind",
						      form_text(req, in_name(req, "fee_kind", i)), "per",
						      form_text(req, in_name(req, "fee_per", i)), "amount",
						      amount, "min", min, "max", max, "tiers", tiers));
	}

	for (size_t i = 0; i < PROC_MAX_DOCUMENTS + EMPTY_ROWS; i++) {
		const char *name = form_text(req, in_name(req, "doc_name", i));
		const char *count = form_text(req, in_name(req, "doc_count", i));
		const char *form_name = form_text(req, in_name(req, "doc_form_name", i));
		const char *form_file = form_text(req, in_name(req, "doc_form_file", i));
		const struct upload *up = req_upload(req, in_name(req, "doc_upload", i));
		const char *upload_error = NULL;
		char sha[65];
		/* a row is left out when it is emptied or marked for deletion; its form goes with it */
		if ((!*name && !*count && !up) || req_form(req, in_name(req, "doc_delete", i)))
			continue;
		if (req_form(req, in_name(req, "doc_form_remove", i)))
			form_file = "";
		if (up) {
			if (!form_ext_ok(up->filename)) {
				upload_error = _(
					"The blank form must be a PDF, Word, Excel or OpenDocument file (.pdf, "
					".doc, .docx, .odt, .xls, .xlsx).");
			} else if (!up->size) {
				upload_error = _("The blank form file is empty.");
			} else if (up->size > PROC_FORM_FILE_MAX) {
				upload_error = _("The blank form file may be at most 16 MB.");
			} else if (files_store(the_app->cfg.data, up->path, sha)) {
				char q[300];
				log_error("event=files_store msg=%s id=%s",
					  log_quote(q, sizeof(q), strerror(errno)), req->id);
				upload_error = _("The file could not be saved. Please try again shortly.");
			} else if (!db_thread() ||
				   procedure_form_register(db_thread(), sha, up->filename, (int64_t)up->size,
							   req_actor_name(req), req_now(req))) {
				upload_error = _("The file could not be saved. Please try again shortly.");
			} else {
				form_file = arena_strdup(&req->arena, sha);
				if (!*form_name)
					form_name = up->filename;
			}
		}
		if (upload_error)
			errs_add(e, row_key(req, "documents", json_array_size(docs)), upload_error);
		json_array_append_new(docs, json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", name, "kind",
						      form_text(req, in_name(req, "doc_kind", i)), "count",
						      count, "form_name", form_name, "form_file", form_file));
	}

	for (size_t i = 0; i < PROC_MAX_STEPS + EMPTY_ROWS; i++) {
		const char *name = form_text(req, in_name(req, "step_name", i));
		const char *resp = form_text(req, in_name(req, "step_responsible", i));
		const char *hours = form_text(req, in_name(req, "step_hours", i));
		if ((!*name && !*resp && !*hours) || req_form(req, in_name(req, "step_delete", i)))
			continue;
		json_array_append_new(
			steps, json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", name, "responsible", resp, "role",
					 form_text(req, in_name(req, "step_role", i)), "level",
					 form_text(req, in_name(req, "step_level", i)), "hours", hours));
	}
	json_object_set_new(v, "fees", fees);
	json_object_set_new(v, "documents", docs);
	json_object_set_new(v, "steps", steps);
	return v;
}

/* A number of the view into *out; an error on `key` with `msg` when it is not one. */
static int view_number(struct request *req, struct errs *e, const char *key, const char *s, const char *msg,
		       int64_t *out)
{
	(void)req;
	if (parse_number(s, out)) {
		errs_add(e, key, msg);
		*out = 0;
		return -1;
	}
	return 0;
}

/*
 * The procedure the view describes (strings in the request's arena); what
 * cannot be read (a number, too many rows) is reported in `e`, the rest
 * is left to procedure_check.
 */
static void proc_from_view(struct request *req, const json_t *v, struct procedure *p, struct errs *e)
{
	const json_t *fees = json_object_get(v, "fees"), *docs = json_object_get(v, "documents");
	const json_t *steps = json_object_get(v, "steps");
	const char *s;
	int64_t n;
	struct arena *a = &req->arena;

	memset(p, 0, sizeof(*p));
	p->code = arena_strdup(a, jstr(v, "code"));
	p->name = arena_strdup(a, jstr(v, "name"));
	p->field = arena_strdup(a, jstr(v, "field"));
	p->level = proc_level_from_name(jstr(v, "level"));
	p->receive_level = proc_level_from_name(jstr(v, "receive_level"));
	p->decide_level = proc_level_from_name(jstr(v, "decide_level"));
	/* liên thông: received at one level, decided at another */
	p->inter_level = p->receive_level && p->decide_level && p->receive_level != p->decide_level;
	p->receiving = arena_strdup(a, jstr(v, "receiving"));
	p->deciding = arena_strdup(a, jstr(v, "deciding"));
	s = jstr(v, "time_amount");
	if (!*s)
		errs_add(e, "time", _("Enter the processing time (0 when it is done the same working day)."));
	else
		view_number(req, e, "time", s, _("The processing time must be a whole number."),
			    &p->time_amount);
	p->time_unit = proc_time_unit_from_name(jstr(v, "time_unit"));
	if (!p->time_unit)
		errs_add(e, "time", _("Choose working days or working hours."));
	p->time_note = arena_strdup(a, jstr(v, "time_note"));
	p->fee_note = arena_strdup(a, jstr(v, "fee_note"));
	p->result = arena_strdup(a, jstr(v, "result"));
	p->legal_basis = arena_strdup(a, jstr(v, "legal_basis"));
	p->conditions = arena_strdup(a, jstr(v, "conditions"));
	p->online = proc_online_from_name(jstr(v, "online"));

	if (json_array_size(fees) > PROC_MAX_FEES)
		errs_add(e, "fees",
			 arena_printf(a, _("A procedure has at most %d fee lines."), PROC_MAX_FEES));
	for (size_t i = 0; i < json_array_size(fees) && i < PROC_MAX_FEES; i++) {
		const json_t *r = json_array_get(fees, i), *tiers = json_object_get(r, "tiers");
		struct fee_line *l = &p->fees[p->nfees++];
		const char *key = row_key(req, "fees", i);
		const char *bad = _("Amounts are whole numbers of đồng, for example 2000 or 2.000.");
		l->name = arena_strdup(a, jstr(r, "name"));
		l->kind = !strcmp(jstr(r, "kind"), "charge");
		l->per = fee_per_from_name(jstr(r, "per"));
		if (!l->per)
			errs_add(e, key, _("Choose what the fee is counted by."));
		view_number(req, e, key, jstr(r, "amount"), bad, &l->amount);
		view_number(req, e, key, jstr(r, "min"), bad, &l->min);
		view_number(req, e, key, jstr(r, "max"), bad, &l->max);
		if (json_array_size(tiers) > FEE_MAX_TIERS)
			errs_add(e, key,
				 arena_printf(a, _("A fee line has at most %d page tiers."), FEE_MAX_TIERS));
		for (size_t t = 0; t < json_array_size(tiers) && t < FEE_MAX_TIERS; t++) {
			const json_t *tr = json_array_get(tiers, t);
			struct fee_tier *ft = &l->tiers[l->ntiers++];
			const char *pages = _("Page numbers are whole numbers from 1.");
			int64_t from = 0, to = 0;
			if (!*jstr(tr, "from"))
				errs_add(e, key, _("Enter the first page of each tier."));
			view_number(req, e, key, jstr(tr, "from"), pages, &from);
			view_number(req, e, key, jstr(tr, "to"), pages, &to);
			view_number(req, e, key, jstr(tr, "amount"), bad, &ft->amount);
			if (from > FEE_COUNT_MAX || to > FEE_COUNT_MAX) {
				errs_add(e, key, pages);
				from = to = 0;
			}
			ft->from = (int)from;
			ft->to = (int)to;
		}
	}

	if (json_array_size(docs) > PROC_MAX_DOCUMENTS)
		errs_add(e, "documents",
			 arena_printf(a, _("A procedure has at most %d documents."), PROC_MAX_DOCUMENTS));
	for (size_t i = 0; i < json_array_size(docs) && i < PROC_MAX_DOCUMENTS; i++) {
		const json_t *r = json_array_get(docs, i);
		struct proc_document *d = &p->documents[p->ndocuments++];
		const char *key = row_key(req, "documents", i);
		d->name = arena_strdup(a, jstr(r, "name"));
		d->kind = proc_doc_kind_from_name(jstr(r, "kind"));
		s = jstr(r, "count");
		if (!*s)
			n = 1;
		else if (view_number(req, e, key, s,
				     _("The number of copies is a whole number from 1 to 99."), &n))
			n = 1;
		d->count = n > 1000 ? 1000 : (int)n;
		d->form_name = d->form_file = "";
		if (*jstr(r, "form_file")) {
			d->form_file = arena_strdup(a, jstr(r, "form_file"));
			d->form_name = *jstr(r, "form_name") ? arena_strdup(a, jstr(r, "form_name"))
							     : d->name;
		} else if (*jstr(r, "form_name")) {
			errs_add(e, key, _("Upload the file of the blank form, or leave its title empty."));
		}
	}

	if (json_array_size(steps) > PROC_MAX_STEPS)
		errs_add(e, "steps", arena_printf(a, _("A procedure has at most %d steps."), PROC_MAX_STEPS));
	for (size_t i = 0; i < json_array_size(steps) && i < PROC_MAX_STEPS; i++) {
		const json_t *r = json_array_get(steps, i);
		struct proc_step *st = &p->steps[p->nsteps++];
		const char *key = row_key(req, "steps", i);
		st->name = arena_strdup(a, jstr(r, "name"));
		st->responsible = arena_strdup(a, jstr(r, "responsible"));
		st->role = arena_strdup(a, jstr(r, "role"));
		st->level = proc_level_from_name(jstr(r, "level"));
		s = jstr(r, "hours");
		if (!*s)
			errs_add(e, key, _("Enter the working hours allotted to the step."));
		else
			view_number(req, e, key, s, _("The hours are a whole number."), &st->hours);
	}
}

/* ---- saving: one path for the form and the API ---- */

/* What a save did. */
enum save_how {
	SAVE_CREATED = 1, /* a new code: version 1, a draft */
	SAVE_REPLACED,	  /* the latest version was a draft: changed in place */
	SAVE_VERSION,	  /* the latest version was published or retired: a new draft version */
	SAVE_SAME,	  /* nothing differs from the latest version: nothing written */
};

static const char *how_name(int how)
{
	return how == SAVE_CREATED    ? "created"
	       : how == SAVE_REPLACED ? "replaced"
	       : how == SAVE_VERSION  ? "version"
				      : "same";
}

static int how_from_name(const char *s)
{
	for (int h = SAVE_CREATED; h <= SAVE_SAME; h++)
		if (s && !strcmp(s, how_name(h)))
			return h;
	return 0;
}

/*
 * What procedure_check does not know: the field is in the managed list and
 * in use, a blank form's file is kept. 0, or
 * -1 after answering 503.
 */
static int extra_checks(struct request *req, struct db *db, const struct procedure *p, struct errs *e)
{
	struct proc_field *fields;
	size_t n;
	int found = 0;
	if (procedure_fields(db, &req->arena, &fields, &n)) {
		resp_unavailable(req);
		return -1;
	}
	if (*p->field) {
		for (size_t i = 0; i < n; i++)
			if (!strcmp(fields[i].name, p->field)) {
				found = 1;
				if (!fields[i].active)
					errs_add(
						e, "field",
						_("This field is no longer in use: choose another field from the list."));
			}
		if (!found)
			errs_add(e, "field", _("Choose a field from the list."));
	}
	for (size_t i = 0; i < p->ndocuments; i++)
		if (p->documents[i].form_file && *p->documents[i].form_file &&
		    !file_kept(p->documents[i].form_file))
			errs_add(
				e, row_key(req, "documents", i),
				_("The file of this blank form is not among the uploaded files: upload it again."));
	return 0;
}

/* 1 when `a` and `b` are the same document. */
static int same_document(const struct procedure *a, const struct procedure *b)
{
	json_t *ja = procedure_to_json(a), *jb = procedure_to_json(b);
	int same = ja && jb && json_equal(ja, jb);
	json_decref(ja);
	json_decref(jb);
	return same;
}

/*
 * Check `p` and save it with its audit row, in one transaction: a new
 * procedure (`code` NULL: the code must be free) or the procedure `code` of
 * the edit page or the PUT (the document's code must be it). Returns 201
 * (created) or 200 with *version and *how; 422 (invalid) or 409 (the code
 * is taken) with the messages in `e`; or 0 when it has answered (404, 503).
 */
static int proc_store(struct request *req, const char *code, const struct procedure *p, struct errs *e,
		      int64_t *version, int *how)
{
	struct db *db = db_thread();
	struct proc_version cur;
	int rc = 0, status = 0, exists;
	json_t *detail;

	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	procedure_check(p, check_err, e);
	if (code && strcmp(p->code, code))
		errs_add(e, "code",
			 _("The code in the document must be the code of the procedure in the address."));
	if (extra_checks(req, db, p, e))
		return 0;
	if (e->n)
		return 422;
	if (db_begin(db)) {
		resp_unavailable(req);
		return 0;
	}
	rc = procedure_load(db, &req->arena, p->code, -1, &cur);
	if (rc < 0)
		goto out;
	exists = rc == 0;
	rc = 0;
	if (!code && exists) {
		errs_add(e, "code", _("A procedure with this code is already in the catalogue."));
		status = 409;
		goto out;
	}
	if (code && !exists) {
		not_found(req);
		goto out;
	}
	if (exists && same_document(&cur.p, p)) {
		*version = cur.version;
		*how = SAVE_SAME;
		status = 200;
		goto out;
	}
	*how = !exists ? SAVE_CREATED : cur.status == PROC_DRAFT ? SAVE_REPLACED : SAVE_VERSION;
	rc = procedure_save(db, p, req_actor_name(req), req_now(req), version);
	if (rc == DB_CONSTRAINT) {
		/* the field was removed between the check and the write */
		db_rollback(db);
		rc = 0;
		errs_add(e, "field", _("Choose a field from the list."));
		status = 422;
		goto out;
	}
	if (rc)
		goto out;
	if (*how == SAVE_CREATED)
		detail = json_pack("{s:I,s:s}", "version", (json_int_t)*version, "name", p->name);
	else
		detail = json_pack("{s:I,s:s}", "version", (json_int_t)*version, "change",
				   *how == SAVE_REPLACED ? "draft" : "new_version");
	rc = req_audit_json(req, db, *how == SAVE_CREATED ? "procedure.create" : "procedure.update",
			    proc_object(req, p->code), detail);
	if (!rc)
		rc = db_commit(db);
	if (!rc) {
		log_info("event=procedure_save code=%s version=%lld how=%s id=%s", p->code,
			 (long long)*version, how_name(*how), req->id);
		status = *how == SAVE_CREATED ? 201 : 200;
	}
out:
	if (db_in_transaction(db))
		db_rollback(db);
	if (rc) {
		log_error("event=db msg=\"procedure save failed\" rc=%d id=%s", rc, req->id);
		resp_unavailable(req);
		status = 0;
	}
	return status;
}

/*
 * Publish version `version` of `code` (publish set) or take `code` out of
 * the catalogue, with the audit row. 200; 404 (no such procedure, or with
 * *no_version set no such version), 409 (unpublish: not published); 0 when
 * it has answered (503).
 */
static int proc_set_published(struct request *req, const char *code, int64_t version, int publish,
			      int *no_version)
{
	struct db *db = db_thread();
	struct proc_version cur;
	int rc, status = 0;

	*no_version = 0;
	if (!db || db_begin(db)) {
		resp_unavailable(req);
		return 0;
	}
	rc = procedure_load(db, &req->arena, code, -1, &cur);
	if (rc == 1) {
		rc = 0;
		status = 404;
		goto out;
	}
	if (rc)
		goto out;
	if (publish) {
		if (version < 1 || version > cur.latest) {
			*no_version = 1;
			status = 404;
			goto out;
		}
		if (cur.published == version) {
			status = 200; /* it is the one shown already */
			goto out;
		}
		rc = procedure_publish(db, code, version, req_now(req));
	} else {
		if (!cur.published) {
			status = 409;
			goto out;
		}
		version = cur.published;
		rc = procedure_unpublish(db, code, req_now(req));
	}
	if (rc == 1) {
		rc = 0;
		*no_version = publish;
		status = publish ? 404 : 409;
		goto out;
	}
	if (!rc)
		rc = req_audit_json(req, db, publish ? "procedure.publish" : "procedure.unpublish",
				    proc_object(req, code),
				    json_pack("{s:I}", "version", (json_int_t)version));
	if (!rc)
		rc = db_commit(db);
	if (!rc) {
		log_info("event=procedure_%s code=%s version=%lld id=%s", publish ? "publish" : "unpublish",
			 code, (long long)version, req->id);
		status = 200;
	}
out:
	if (db_in_transaction(db))
		db_rollback(db);
	if (rc) {
		log_error("event=db msg=\"procedure publish failed\" rc=%d id=%s", rc, req->id);
		resp_unavailable(req);
		status = 0;
	}
	return status;
}

/* ---- the form ---- */

/* A version of a procedure as the history lists it. */
struct version_row {
	int64_t version;
	const char *status;
	const char *created_by;
	int64_t created_at, published_at;
};

/* "Nguyễn Văn A" for "account:12", the text itself for "import", "cli", "demo". */
static const char *author_name(struct request *req, struct db *db, const char *by)
{
	struct db_stmt *st;
	const char *out = by;
	int64_t id;
	if (strncmp(by, "account:", 8) || !(id = input_id(by + 8)))
		return by;
	if (db_query(db, &st, "SELECT full_name, username FROM accounts WHERE id = ?", "i", id) == DB_ROW) {
		const char *full = db_col_text(st, 0), *user = db_col_text(st, 1);
		out = arena_printf(&req->arena, "%s%s%s%s", full ? full : "", user ? " (" : "",
				   user ? user : "", user ? ")" : "");
	}
	db_release_statements(db);
	return out;
}

/* Every version of procedure `code`, newest first, into *out (arena). 0 or a negative enum db_rc. */
static int version_history(struct request *req, struct db *db, const char *code, struct version_row **out,
			   size_t *n)
{
	struct db_stmt *st;
	size_t cap = 8;
	int rc;
	*n = 0;
	*out = arena_alloc(&req->arena, cap * sizeof(**out));
	for (rc = db_query(db, &st,
			   "SELECT v.version, v.status, v.created_by, v.created_at, v.published_at "
			   "FROM procedure_versions v JOIN procedures p ON p.id = v.procedure_id "
			   "WHERE p.code = ? ORDER BY v.version DESC",
			   "s", code);
	     rc == DB_ROW; rc = db_step(st)) {
		struct version_row *r;
		if (*n == cap) {
			struct version_row *bigger = arena_alloc(&req->arena, 2 * cap * sizeof(*bigger));
			memcpy(bigger, *out, cap * sizeof(*bigger));
			*out = bigger;
			cap *= 2;
		}
		r = &(*out)[(*n)++];
		r->version = db_col_int(st, 0);
		r->status = arena_strdup(&req->arena, db_col_text(st, 1) ? db_col_text(st, 1) : "");
		r->created_by = arena_strdup(&req->arena, db_col_text(st, 2) ? db_col_text(st, 2) : "");
		r->created_at = db_col_int(st, 3);
		r->published_at = db_col_is_null(st, 4) ? 0 : db_col_int(st, 4);
	}
	return rc < 0 ? rc : 0;
}

/* A version's status for people; `published` is the version the catalogue shows (0: none). */
static const char *version_status(const struct version_row *r, int64_t published)
{
	if (!strcmp(r->status, "draft"))
		return _("Draft");
	if (!strcmp(r->status, "published"))
		return _("Published");
	return published > r->version ? _("Replaced") : _("Unpublished");
}

/* "/quan-tri/thu-tuc/{code}/phien-ban/{n}": the read-only page of a version. */
static const char *version_path(struct request *req, const char *code, int64_t version)
{
	return arena_printf(&req->arena, "%s/phien-ban/%lld", edit_path(req, code), (long long)version);
}

/* The field list for the form: those in use, and the procedure's own even when no longer in use. */
static json_t *field_choices(struct request *req, const struct proc_field *f, size_t n, const char *selected)
{
	json_t *a = json_array();
	int found = 0;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(f[i].name, selected))
			found = 1;
	if (!found)
		json_array_append_new(a, choice("", _("Choose the field…"), ""));
	for (size_t i = 0; i < n; i++) {
		if (!f[i].active && strcmp(f[i].name, selected))
			continue;
		json_array_append_new(
			a,
			choice(f[i].name,
			       f[i].active ? f[i].name
					   : arena_printf(&req->arena, _("%s (no longer in use)"), f[i].name),
			       selected));
	}
	if (!found && *selected)
		json_array_append_new(a, choice(selected, selected, selected));
	return a;
}

/* Inputs a fee row takes in the form with `tiers` tier slots. */
static size_t fee_inputs(size_t tiers)
{
	return 6 + 3 * tiers;
}

#define DOC_INPUTS  7
#define STEP_INPUTS 5

/* The row's error for the template, from e.g. "fees[2]" (and "fees[2].tiers…"). */
static void attach_row_errors(json_t *rows, const char *part, const json_t *errors)
{
	const char *key;
	json_t *msg;
	size_t len = strlen(part);
	json_object_foreach((json_t *)errors, key, msg)
	{
		char *end;
		unsigned long i;
		json_t *row, *old;
		if (strncmp(key, part, len) || key[len] != '[')
			continue;
		i = strtoul(key + len + 1, &end, 10);
		if (*end != ']' || !(row = json_array_get(rows, i)))
			continue;
		old = json_object_get(row, "error");
		if (old)
			json_object_set_new(row, "error",
					    json_sprintf("%s %s", json_string_value(old),
							 json_string_value(msg)));
		else
			json_object_set(row, "error", msg);
	}
}

/* Every row says whether it has an error or a download: the page's own are further up the context. */
static void row_defaults(json_t *r)
{
	if (!json_object_get(r, "error"))
		json_object_set_new(r, "error", json_false());
	if (!json_object_get(r, "download"))
		json_object_set_new(r, "download", json_false());
}

/* 1 for the fields the form shows an error next to (the rows have theirs). */
static int shown_key(const char *key)
{
	static const char *const keys[] = { "code",	     "name",	     "field",	  "level",
					    "receive_level", "decide_level", "receiving", "deciding",
					    "time",	     "time_note",    "fee_note",  "result",
					    "legal_basis",   "conditions",   "online",	  "fees",
					    "documents",     "steps" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i]))
			return 1;
	return !strncmp(key, "fees[", 5) || !strncmp(key, "documents[", 10) || !strncmp(key, "steps[", 6);
}

/*
 * Whether the form's POST takes files (ROUTE_UPLOAD): always for the edit
 * page; for a new procedure when its route says so, else blank forms are
 * attached once it is saved.
 */
static int form_takes_files(const struct proc_version *cur)
{
	if (cur)
		return 1;
	for (size_t i = 0; i < app_nroutes; i++)
		if (app_routes[i].handler == page_proc_create)
			return (app_routes[i].flags & ROUTE_UPLOAD) != 0;
	return 0;
}

/*
 * The form, new (cur NULL) or for the latest version `cur`: `view` (stolen)
 * holds the values shown, `errors` (may be NULL) the messages by field.
 * Answers 503 itself when the database fails.
 */
static void render_form(struct request *req, int status, const struct proc_version *cur, json_t *view,
			const json_t *errors, const char *notice)
{
	struct db *db = db_thread();
	struct proc_field *fields;
	size_t nfields, budget, used, nfees, ndocs, nsteps, fee_empty = EMPTY_ROWS, doc_empty = EMPTY_ROWS,
							    step_empty = EMPTY_ROWS;
	json_t *ctx, *fees, *docs, *steps, *others;
	const char *key;
	json_t *msg;

	if (!db || procedure_fields(db, &req->arena, &fields, &nfields)) {
		json_decref(view);
		resp_unavailable(req);
		return;
	}
	fees = json_object_get(view, "fees");
	docs = json_object_get(view, "documents");
	steps = json_object_get(view, "steps");
	nfees = json_array_size(fees);
	ndocs = json_array_size(docs);
	nsteps = json_array_size(steps);

	/*
	 * The empty rows the form offers, within the number of fields the server
	 * takes in one form: a tier's inputs only for a line counted by the page
	 * (and the empty ones), fewer empty rows for a long procedure.
	 */
	budget = the_app->cfg.limits.max_fields > FORM_FIXED_INPUTS
			 ? the_app->cfg.limits.max_fields - FORM_FIXED_INPUTS
			 : 0;
	used = 0;
	for (size_t i = 0; i < nfees; i++) {
		json_t *r = json_array_get(fees, i);
		size_t nt = json_array_size(json_object_get(r, "tiers"));
		size_t slots = !strcmp(jstr(r, "per"), "page") && nt < TIER_SLOTS ? TIER_SLOTS : nt;
		json_object_set_new(r, "tier_slots", json_integer((json_int_t)slots));
		used += fee_inputs(slots);
	}
	used += ndocs * DOC_INPUTS + nsteps * STEP_INPUTS;
	for (;;) {
		size_t want = used + fee_empty * fee_inputs(TIER_SLOTS) + doc_empty * DOC_INPUTS +
			      step_empty * STEP_INPUTS;
		if (want <= budget || (!fee_empty && !doc_empty && !step_empty))
			break;
		if (fee_empty && fee_empty >= doc_empty && fee_empty >= step_empty)
			fee_empty--;
		else if (doc_empty >= step_empty)
			doc_empty--;
		else
			step_empty--;
	}
	if (nfees + fee_empty > PROC_MAX_FEES)
		fee_empty = nfees < PROC_MAX_FEES ? PROC_MAX_FEES - nfees : 0;
	if (ndocs + doc_empty > PROC_MAX_DOCUMENTS)
		doc_empty = ndocs < PROC_MAX_DOCUMENTS ? PROC_MAX_DOCUMENTS - ndocs : 0;
	if (nsteps + step_empty > PROC_MAX_STEPS)
		step_empty = nsteps < PROC_MAX_STEPS ? PROC_MAX_STEPS - nsteps : 0;
	if (errors) {
		attach_row_errors(fees, "fees", errors);
		attach_row_errors(docs, "documents", errors);
		attach_row_errors(steps, "steps", errors);
	}

	for (size_t i = 0; i < nfees + fee_empty; i++) {
		json_t *r = json_array_get(fees, i), *tiers, *slots;
		size_t nslots;
		int existing = r != NULL;
		if (!r) {
			r = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:[],s:i}", "name", "", "kind", "fee", "per",
				      "dossier", "amount", "", "min", "", "max", "", "tiers", "tier_slots",
				      TIER_SLOTS);
			json_array_append_new(fees, r);
		}
		tiers = json_object_get(r, "tiers");
		nslots = (size_t)json_integer_value(json_object_get(r, "tier_slots"));
		slots = json_array();
		for (size_t t = 0; t < nslots || t < json_array_size(tiers); t++) {
			json_t *tr = json_array_get(tiers, t);
			json_array_append_new(slots,
					      json_pack("{s:I,s:I,s:s,s:s,s:s,s:i}", "i", (json_int_t)i, "t",
							(json_int_t)t, "from", tr ? jstr(tr, "from") : "",
							"to", tr ? jstr(tr, "to") : "", "amount",
							tr ? jstr(tr, "amount") : "", "n", (int)t + 1));
		}
		row_defaults(r);
		json_object_set_new(r, "existing", json_boolean(existing));
		json_object_set_new(r, "tier_inputs", slots);
		json_object_set_new(r, "has_tiers", json_boolean(json_array_size(slots) > 0));
		json_object_set_new(r, "i", json_integer((json_int_t)i));
		json_object_set_new(r, "n", json_integer((json_int_t)i + 1));
		json_object_set_new(r, "kinds",
				    enum_choices(fee_kind_name, fee_kind_label, 2, jstr(r, "kind"), NULL));
		json_object_set_new(r, "pers",
				    enum_choices(fee_per_name, fee_per_label, 3, jstr(r, "per"),
						 _("Counted by…")));
	}
	for (size_t i = 0; i < ndocs + doc_empty; i++) {
		json_t *r = json_array_get(docs, i);
		int existing = r != NULL;
		if (!r) {
			r = json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", "", "kind", "original", "count", "",
				      "form_name", "", "form_file", "");
			json_array_append_new(docs, r);
		}
		json_object_set_new(r, "i", json_integer((json_int_t)i));
		json_object_set_new(r, "n", json_integer((json_int_t)i + 1));
		json_object_set_new(r, "kinds",
				    enum_choices(proc_doc_kind_name, proc_doc_kind_label, 3, jstr(r, "kind"),
						 _("Choose the kind…")));
		row_defaults(r);
		json_object_set_new(r, "existing", json_boolean(existing));
		json_object_set_new(r, "has_form", json_boolean(*jstr(r, "form_file") != '\0'));
		/* the public download serves the published version's forms */
		if (cur && *jstr(r, "form_file") && cur->published == cur->version && i < cur->p.ndocuments &&
		    cur->p.documents[i].form_file &&
		    !strcmp(cur->p.documents[i].form_file, jstr(r, "form_file")))
			json_object_set_new(r, "download",
					    json_sprintf("/thu-tuc/%s/bieu-mau/%zu",
							 input_url_encode(req, cur->p.code), i + 1));
	}
	for (size_t i = 0; i < nsteps + step_empty; i++) {
		json_t *r = json_array_get(steps, i);
		int existing = r != NULL;
		if (!r) {
			r = json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", "", "responsible", "", "role", "",
				      "level", jstr(view, "decide_level"), "hours", "");
			json_array_append_new(steps, r);
		}
		json_object_set_new(r, "i", json_integer((json_int_t)i));
		json_object_set_new(r, "n", json_integer((json_int_t)i + 1));
		row_defaults(r);
		json_object_set_new(r, "existing", json_boolean(existing));
		json_object_set_new(r, "roles", role_choices(jstr(r, "role")));
		json_object_set_new(r, "levels",
				    enum_choices(proc_level_name, proc_level_label, 3, jstr(r, "level"),
						 _("Choose the level…")));
	}

	json_object_set_new(view, "fields", field_choices(req, fields, nfields, jstr(view, "field")));
	json_object_set_new(view, "levels",
			    enum_choices(proc_level_name, proc_level_label, 3, jstr(view, "level"),
					 _("Choose the level…")));
	json_object_set_new(view, "receive_levels",
			    enum_choices(proc_level_name, proc_level_label, 3, jstr(view, "receive_level"),
					 _("Choose the level…")));
	json_object_set_new(view, "decide_levels",
			    enum_choices(proc_level_name, proc_level_label, 3, jstr(view, "decide_level"),
					 _("Choose the level…")));
	json_object_set_new(view, "time_units",
			    enum_choices(proc_time_unit_name, time_unit_label, 2, jstr(view, "time_unit"),
					 NULL));
	json_object_set_new(view, "onlines",
			    enum_choices(proc_online_name, proc_online_label, 3, jstr(view, "online"),
					 _("Choose the online mode…")));
	json_object_set_new(view, "csrf", json_string(req_csrf(req)));
	json_object_set_new(view, "action", json_string(cur ? edit_path(req, cur->p.code) : ADMIN_PATH));

	ctx = page_context(req, cur ? _("Edit the procedure") : _("Add a procedure"));
	if (cur) {
		struct version_row *hist;
		size_t nhist;
		json_t *h = json_array();
		if (version_history(req, db, cur->p.code, &hist, &nhist)) {
			json_decref(h);
			json_decref(ctx);
			json_decref(view);
			resp_unavailable(req);
			return;
		}
		for (size_t i = 0; i < nhist; i++) {
			const struct version_row *r = &hist[i];
			const char *label = version_status(r, cur->published);
			json_array_append_new(h, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:b}", "version",
							   (json_int_t)r->version, "href",
							   version_path(req, cur->p.code, r->version),
							   "status", label, "created_by",
							   author_name(req, db, r->created_by), "created_at",
							   when(req, r->created_at), "published_at",
							   when(req, r->published_at), "can_publish",
							   strcmp(r->status, "published") != 0, "is_draft",
							   !strcmp(r->status, "draft"), "can_unpublish",
							   !strcmp(r->status, "published")));
		}
		json_object_set_new(
			ctx, "edit",
			json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:o,s:b}", "code", cur->p.code, "name",
				  cur->p.name, "publish_action",
				  arena_printf(&req->arena, "%s/cong-bo", edit_path(req, cur->p.code)),
				  "unpublish_action",
				  arena_printf(&req->arena, "%s/ngung-cong-bo", edit_path(req, cur->p.code)),
				  "version", (json_int_t)cur->version, "published",
				  (json_int_t)cur->published, "history", h, "is_published",
				  cur->published > 0));
		if (cur->published)
			json_object_set_new(ctx, "public_href",
					    json_sprintf("/thu-tuc/%s", input_url_encode(req, cur->p.code)));
	}
	others = json_array();
	if (errors) {
		json_object_set(ctx, "errors", (json_t *)errors);
		json_object_foreach((json_t *)errors, key, msg)
		{
			if (!shown_key(key))
				json_array_append_new(others,
						      json_pack("{s:s,s:O}", "field", key, "message", msg));
		}
		json_object_set_new(ctx, "error", json_string(_("Please correct the fields marked below.")));
	}
	json_object_set_new(ctx, "other_errors", others);
	json_object_set_new(ctx, "form", view);
	json_object_set_new(ctx, "multipart", json_boolean(form_takes_files(cur)));
	if (used > budget)
		json_object_set_new(
			ctx, "too_long",
			json_string(_("This procedure has more rows than one form can send: change it "
				      "by importing a CSV or JSON file, or through the API.")));
	if (notice)
		json_object_set_new(ctx, "notice", json_string(notice));
	resp_header(req, "Cache-Control", "no-store");
	page_render(req, status, "procedure_form", ctx);
}

/* An empty procedure for the new form: the usual choices made. */
static json_t *blank_view(void)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[],s:[],s:[]}",
			 "code", "", "name", "", "field", "", "level", "", "receive_level", "",
			 "decide_level", "", "receiving", "", "deciding", "", "time_amount", "", "time_unit",
			 "day", "time_note", "", "fee_note", "", "result", "", "legal_basis", "",
			 "conditions", "", "online", "", "fees", "documents", "steps");
}

int page_proc_new(struct request *req)
{
	if (manage_denied(req))
		return 0;
	render_form(req, 200, NULL, blank_view(), NULL, NULL);
	return 0;
}

/* The confirmation after a save, from ?saved=V&how=… and the versions as they are. */
static const char *saved_notice(struct request *req, const struct proc_version *cur)
{
	int64_t v = input_id(req_query(req, "saved"));
	int how = how_from_name(req_query(req, "how"));
	const char *first, *second;
	if (!v || !how)
		return NULL;
	if (how == SAVE_SAME)
		return _("Nothing was changed: the procedure is as it was, so no new version was made.");
	first = arena_printf(&req->arena,
			     how == SAVE_REPLACED ? _("Updated the draft of version %lld")
						  : _("Saved the draft of version %lld"),
			     (long long)v);
	if (cur->published && cur->published != v)
		second = arena_printf(&req->arena,
				      _("version %lld stays published until you publish the new one."),
				      (long long)cur->published);
	else
		second = _("citizens do not see it until you publish it.");
	return arena_printf(&req->arena, "%s; %s", first, second);
}

/* The latest version of the path's {code}: 0 with *cur, or 1 when it has answered (404, 503). */
static int path_latest(struct request *req, struct proc_version *cur)
{
	struct db *db = db_thread();
	const char *code = req_param(req, "code");
	int rc;
	if (!code || !procedure_code_valid(code)) {
		not_found(req);
		return 1;
	}
	if (!db || (rc = procedure_load(db, &req->arena, code, -1, cur)) < 0) {
		resp_unavailable(req);
		return 1;
	}
	if (rc) {
		not_found(req);
		return 1;
	}
	return 0;
}

int page_proc_edit(struct request *req)
{
	struct proc_version cur;
	const char *msg = req_query(req, "msg"), *notice;
	if (manage_denied(req) || path_latest(req, &cur))
		return 0;
	notice = saved_notice(req, &cur);
	if (msg && !strcmp(msg, "published"))
		notice = arena_printf(&req->arena,
				      _("Version %lld is published: the public catalogue shows it now."),
				      (long long)cur.published);
	else if (msg && !strcmp(msg, "unpublished"))
		notice = _("The procedure was taken out of the public catalogue.");
	render_form(req, 200, &cur, view_from_proc(&cur.p), NULL, notice);
	return 0;
}

int page_proc_create(struct request *req)
{
	struct procedure p;
	struct errs e;
	json_t *view;
	int64_t version = 0;
	int how = 0, status;

	if (manage_denied(req))
		return 0;
	errs_init(&e);
	view = view_from_form(req, NULL, &e);
	proc_from_view(req, view, &p, &e);
	status = proc_store(req, NULL, &p, &e, &version, &how);
	if (status == 201 || status == 200)
		resp_redirect(req, arena_printf(&req->arena, "%s?saved=%lld&how=%s", edit_path(req, p.code),
						(long long)version, how_name(how)));
	else if (status)
		render_form(req, status, NULL, json_incref(view), e.fields, NULL);
	json_decref(view);
	errs_release(&e);
	return 0;
}

int page_proc_update(struct request *req)
{
	struct proc_version cur;
	struct procedure p;
	struct errs e;
	json_t *view;
	int64_t version = 0;
	int how = 0, status;

	if (manage_denied(req) || path_latest(req, &cur))
		return 0;
	errs_init(&e);
	view = view_from_form(req, cur.p.code, &e);
	proc_from_view(req, view, &p, &e);
	status = proc_store(req, cur.p.code, &p, &e, &version, &how);
	if (status == 200 || status == 201)
		resp_redirect(req,
			      arena_printf(&req->arena, "%s?saved=%lld&how=%s", edit_path(req, cur.p.code),
					   (long long)version, how_name(how)));
	else if (status)
		render_form(req, status, &cur, json_incref(view), e.fields, NULL);
	json_decref(view);
	errs_release(&e);
	return 0;
}

/* POST …/cong-bo (version=N) and …/ngung-cong-bo. */
static int page_publish_common(struct request *req, int publish)
{
	struct proc_version cur;
	int64_t version = 0;
	int status, no_version;
	if (manage_denied(req) || path_latest(req, &cur))
		return 0;
	if (publish && !(version = input_id(req_form(req, "version")))) {
		resp_error(req, 400, "bad_version", _("Choose the version to publish."));
		return 0;
	}
	status = proc_set_published(req, cur.p.code, version, publish, &no_version);
	if (status == 200)
		resp_redirect(req, arena_printf(&req->arena, "%s?msg=%s", edit_path(req, cur.p.code),
						publish ? "published" : "unpublished"));
	else if (status == 404)
		resp_error(req, 404, "not_found", _("There is no such version of this procedure."));
	else if (status == 409)
		resp_error(req, 409, "not_published", _("This procedure is not in the public catalogue."));
	return 0;
}

int page_proc_publish(struct request *req)
{
	return page_publish_common(req, 1);
}

int page_proc_unpublish(struct request *req)
{
	return page_publish_common(req, 0);
}

/* ---- the list ---- */

/* The version the catalogue shows for `code`, 0 when none; negative enum db_rc. */
static int64_t published_version(struct db *db, const char *code)
{
	struct db_stmt *st;
	int64_t v = 0;
	int rc = db_query(db, &st, "SELECT published_version FROM procedures WHERE code = ?", "s", code);
	if (rc < 0)
		return rc;
	if (rc == DB_ROW && !db_col_is_null(st, 0))
		v = db_col_int(st, 0);
	db_release_statements(db);
	return v;
}

struct list_filter {
	const char *q;
	const char *level; /* "", "city", "district", "ward", "inter" */
	const char *field;
	const char *online;
	size_t page;
};

static const char *list_href(struct request *req, const struct list_filter *f, size_t page)
{
	return arena_printf(&req->arena, ADMIN_PATH "?q=%s&level=%s&field=%s&online=%s&page=%zu",
			    input_url_encode(req, f->q), input_url_encode(req, f->level),
			    input_url_encode(req, f->field), input_url_encode(req, f->online), page);
}

int page_proc_admin(struct request *req)
{
	struct db *db = db_thread();
	struct list_filter f;
	struct proc_query q;
	struct proc_row *rows;
	struct proc_counts counts;
	struct proc_field *fields;
	size_t n, nfields, pages;
	const char *notice = NULL, *page;
	json_t *ctx, *list, *sel;
	int64_t pv;

	if (manage_denied(req))
		return 0;
	memset(&q, 0, sizeof(q));
	f.q = input_trim(req, req_query(req, "q"));
	f.level = input_trim(req, req_query(req, "level"));
	f.field = input_trim(req, req_query(req, "field"));
	f.online = input_trim(req, req_query(req, "online"));
	page = req_query(req, "page");
	f.page = 1;
	if (strlen(f.q) > QUERY_MAX * 4) {
		resp_error(req, 400, "bad_query", _("The search text is too long: at most 200 characters."));
		return 0;
	}
	if (page && *page) {
		int64_t v = input_id(page);
		if (!v || v > 1000000) {
			resp_error(req, 400, "bad_page", _("The page must be a positive number."));
			return 0;
		}
		f.page = (size_t)v;
	}
	if (*f.level && strcmp(f.level, "inter") && !proc_level_from_name(f.level))
		f.level = "";
	if (*f.online && !proc_online_from_name(f.online))
		f.online = "";
	q.q = f.q;
	q.level = proc_level_from_name(f.level);
	q.inter_level = !strcmp(f.level, "inter");
	q.field = *f.field ? f.field : NULL;
	q.online = proc_online_from_name(f.online);
	q.all_versions = 1;
	q.limit = PER_PAGE;
	q.offset = (f.page - 1) * PER_PAGE;
	if (!db || procedure_fields(db, &req->arena, &fields, &nfields) ||
	    procedure_list(db, &req->arena, &q, &rows, &n, &counts)) {
		resp_unavailable(req);
		return 0;
	}
	pages = counts.total ? (counts.total + PER_PAGE - 1) / PER_PAGE : 1;
	if (f.page > pages) {
		f.page = pages;
		q.offset = (f.page - 1) * PER_PAGE;
		if (procedure_list(db, &req->arena, &q, &rows, &n, &counts)) {
			resp_unavailable(req);
			return 0;
		}
	}
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct proc_row *r = &rows[i];
		const char *status, *note = "", *level = proc_level_label(r->level);
		if ((pv = published_version(db, r->code)) < 0) {
			json_decref(list);
			resp_unavailable(req);
			return 0;
		}
		if (r->status == PROC_DRAFT)
			status = _("Draft");
		else if (r->status == PROC_PUBLISHED)
			status = arena_printf(&req->arena, _("Published (version %lld)"),
					      (long long)r->version);
		else
			status = _("Unpublished");
		if (pv && pv != r->version)
			note = arena_printf(&req->arena,
					    _("Version %lld is published, the draft is version %lld"),
					    (long long)pv, (long long)r->version);
		if (pv && pv != r->version && r->status != PROC_DRAFT)
			note = arena_printf(&req->arena, _("Version %lld is published"), (long long)pv);
		json_array_append_new(
			list, json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s*,s:I,s:b}", "code", r->code, "name",
					r->name, "field", r->field ? r->field : "", "level",
					level ? _(level) : "", "href", edit_path(req, r->code), "inter_level",
					r->inter_level, "status", status, "note", *note ? note : NULL,
					"version", (json_int_t)r->version, "draft", r->status == PROC_DRAFT));
	}
	if (req_query(req, "imported"))
		notice = arena_printf(&req->arena, _("Imported %lld procedures."),
				      (long long)input_id(req_query(req, "imported")));
	ctx = page_context(req, _("Procedure catalogue"));
	json_object_set_new(ctx, "procedures", list);
	json_object_set_new(ctx, "has_procedures", json_boolean(n > 0));
	json_object_set_new(ctx, "total", json_integer((json_int_t)counts.total));
	json_object_set_new(ctx, "page", json_integer((json_int_t)f.page));
	json_object_set_new(ctx, "pages", json_integer((json_int_t)pages));
	if (f.page > 1)
		json_object_set_new(ctx, "prev", json_string(list_href(req, &f, f.page - 1)));
	if (f.page < pages)
		json_object_set_new(ctx, "next", json_string(list_href(req, &f, f.page + 1)));
	json_object_set_new(ctx, "q", json_string(f.q));
	sel = json_array();
	json_array_append_new(sel, choice("", _("All levels"), f.level));
	for (int l = PROC_CITY; l <= PROC_WARD; l++)
		json_array_append_new(sel, choice(proc_level_name(l), _(proc_level_label(l)), f.level));
	json_array_append_new(sel, choice("inter", _("Inter-level"), f.level));
	json_object_set_new(ctx, "levels", sel);
	sel = json_array();
	json_array_append_new(sel, choice("", _("All fields"), f.field));
	for (size_t i = 0; i < nfields; i++)
		json_array_append_new(sel, choice(fields[i].name, fields[i].name, f.field));
	json_object_set_new(ctx, "fields", sel);
	sel = json_array();
	json_array_append_new(sel, choice("", _("Any online mode"), f.online));
	for (int o = PROC_ONLINE_FULL; o <= PROC_ONLINE_NONE; o++)
		json_array_append_new(sel, choice(proc_online_name(o), _(proc_online_label(o)), f.online));
	json_object_set_new(ctx, "onlines", sel);
	if (notice)
		json_object_set_new(ctx, "notice", json_string(notice));
	resp_header(req, "Cache-Control", "no-store");
	page_render(req, 200, "procedure_admin", ctx);
	return 0;
}

/* ---- fields (lĩnh vực) ---- */

static void render_fields(struct request *req, int status, const char *error, const char *notice,
			  const char *typed)
{
	struct db *db = db_thread();
	struct proc_field *f;
	size_t n;
	json_t *ctx, *list;
	if (!db || procedure_fields(db, &req->arena, &f, &n)) {
		resp_unavailable(req);
		return;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:I,s:s,s:b,s:I}", "id", (json_int_t)f[i].id, "name",
						      f[i].name, "active", f[i].active, "procedures",
						      (json_int_t)f[i].procedures));
	ctx = page_context(req, _("Fields of procedures"));
	json_object_set_new(ctx, "fields", list);
	json_object_set_new(ctx, "has_fields", json_boolean(n > 0));
	json_object_set_new(ctx, "csrf", json_string(req_csrf(req)));
	json_object_set_new(ctx, "typed", json_string(typed ? typed : ""));
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	if (notice)
		json_object_set_new(ctx, "notice", json_string(notice));
	resp_header(req, "Cache-Control", "no-store");
	page_render(req, status, "proc_fields", ctx);
}

int page_proc_fields(struct request *req)
{
	const char *msg = req_query(req, "msg"), *notice = NULL;
	if (manage_denied(req))
		return 0;
	if (msg && !strcmp(msg, "added"))
		notice = _("The field was added.");
	else if (msg && !strcmp(msg, "saved"))
		notice = _("The field was saved.");
	render_fields(req, 200, NULL, notice, NULL);
	return 0;
}

/* A field's name: 1..200 characters of text. NULL when good, else the message. */
static const char *field_name_error(const char *name)
{
	if (!*name)
		return _("Enter the name of the field.");
	for (const unsigned char *s = (const unsigned char *)name; *s; s++)
		if (*s < 0x20 || *s == 0x7f)
			return _("The name of the field contains characters that are not allowed.");
	if (utf8_chars(name) > FIELD_NAME_MAX)
		return _("The name of the field is too long: at most 200 characters.");
	return NULL;
}

/*
 * POST /quan-tri/linh-vuc: action=add (name), rename (id, name), deactivate
 * or activate (id). Each change with its audit row.
 */
int page_proc_fields_post(struct request *req)
{
	struct db *db = db_thread();
	const char *action = input_trim(req, req_form(req, "action"));
	const char *name = input_trim(req, req_form(req, "name")), *bad;
	int64_t id = input_id(req_form(req, "id")), new_id = 0;
	struct proc_field *fields, *cur = NULL;
	size_t n;
	int add = !strcmp(action, "add"), rename = !strcmp(action, "rename");
	int activate = !strcmp(action, "activate"), deactivate = !strcmp(action, "deactivate");
	int rc = 0;
	json_t *detail;

	if (manage_denied(req))
		return 0;
	if (!add && !rename && !activate && !deactivate) {
		resp_error(req, 400, "bad_action", _("This action is not known."));
		return 0;
	}
	if ((add || rename) && (bad = field_name_error(name))) {
		render_fields(req, 422, bad, NULL, add ? name : NULL);
		return 0;
	}
	if (!db || db_begin(db)) {
		resp_unavailable(req);
		return 0;
	}
	if (!add) {
		if ((rc = procedure_fields(db, &req->arena, &fields, &n)))
			goto out;
		for (size_t i = 0; i < n; i++)
			if (fields[i].id == id)
				cur = &fields[i];
		if (!cur) {
			db_rollback(db);
			resp_error(req, 404, "not_found", _("There is no such field."));
			return 0;
		}
	}
	if (add) {
		rc = procedure_field_add(db, name, req_now(req), &new_id);
		detail = json_pack("{s:s}", "name", name);
	} else if (rename) {
		if (!strcmp(cur->name, name)) {
			db_rollback(db);
			resp_redirect(req, FIELDS_PATH "?msg=saved");
			return 0;
		}
		rc = procedure_field_update(db, id, name, cur->active);
		detail = json_pack("{s:{s:s,s:s}}", "name", "before", cur->name, "after", name);
	} else {
		if (cur->active == activate) {
			db_rollback(db);
			resp_redirect(req, FIELDS_PATH "?msg=saved");
			return 0;
		}
		rc = procedure_field_update(db, id, cur->name, activate);
		detail = json_pack("{s:{s:b,s:b}}", "active", "before", cur->active, "after", activate);
	}
	if (rc == DB_CONSTRAINT) {
		json_decref(detail);
		db_rollback(db);
		render_fields(req, 409, _("A field with this name is already in the list."), NULL,
			      add ? name : NULL);
		return 0;
	}
	if (rc == 1) {
		json_decref(detail);
		db_rollback(db);
		resp_error(req, 404, "not_found", _("There is no such field."));
		return 0;
	}
	if (!rc)
		rc = req_audit_json(req, db, add ? "procedure_field.create" : "procedure_field.update",
				    arena_printf(&req->arena, "procedure_field:%lld",
						 (long long)(add ? new_id : id)),
				    detail);
	else
		json_decref(detail);
	if (!rc)
		rc = db_commit(db);
out:
	if (db_in_transaction(db))
		db_rollback(db);
	if (rc) {
		log_error("event=db msg=\"procedure field change failed\" rc=%d id=%s", rc, req->id);
		resp_unavailable(req);
		return 0;
	}
	resp_redirect(req, add ? FIELDS_PATH "?msg=added" : FIELDS_PATH "?msg=saved");
	return 0;
}

/* ---- import ---- */

/* The text of an import without a UTF-8 byte order mark (Excel writes one). */
static void skip_bom(const char **text, size_t *len)
{
	if (*len >= 3 && !memcmp(*text, "\xEF\xBB\xBF", 3)) {
		*text += 3;
		*len -= 3;
	}
}

/* "json" or "csv" by the file's name, else by its first character. */
static int looks_json(const char *filename, const char *text, size_t len)
{
	size_t n = filename ? strlen(filename) : 0;
	if (n > 5 && !strcasecmp(filename + n - 5, ".json"))
		return 1;
	if (n > 4 && !strcasecmp(filename + n - 4, ".csv"))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r' && text[i] != '\n')
			return text[i] == '[' || text[i] == '{';
	return 0;
}

/*
 * A field as procedure_check names it, by the form's label: "fees[2]" →
 * "Phí, lệ phí – dòng 3", "steps[0]" → "Quy trình nội bộ – bước 1"; a name
 * not known, as it is; "" for the row as a whole.
 */
static const char *field_label(struct request *req, const char *field)
{
	static const struct {
		const char *key, *label;
	} labels[] = {
		{ "code", N_("Procedure code") },
		{ "name", N_("Name of the procedure") },
		{ "field", N_("Field") },
		{ "level", N_("Level of the procedure") },
		{ "inter_level", N_("Inter-level") },
		{ "receive_level", N_("Received at") },
		{ "decide_level", N_("Decided at") },
		{ "receiving", N_("Receiving agency") },
		{ "deciding", N_("Deciding authority") },
		{ "time", N_("Processing time") },
		{ "time_note", N_("Note on the time") },
		{ "fees", N_("Fees and charges") },
		{ "fee_note", N_("Note on the fees") },
		{ "documents", N_("Documents to submit") },
		{ "result", N_("Result of the procedure") },
		{ "legal_basis", N_("Legal basis") },
		{ "conditions", N_("Requirements and conditions") },
		{ "online", N_("Online service") },
		{ "steps", N_("Internal process") },
	};
	static const struct {
		const char *prefix, *fmt;
	} rows[] = {
		{ "fees[", N_("Fees and charges – line %lu") },
		{ "documents[", N_("Documents to submit – line %lu") },
		{ "steps[", N_("Internal process – step %lu") },
	};
	if (!field)
		return "";
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (!strcmp(field, labels[i].key))
			return _(labels[i].label);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t n = strlen(rows[i].prefix);
		char *end;
		unsigned long k;
		if (strncmp(field, rows[i].prefix, n) || field[n] < '0' || field[n] > '9')
			continue;
		k = strtoul(field + n, &end, 10);
		if (*end == ']' && k < 100000)
			return arena_printf(&req->arena, _(rows[i].fmt), k + 1);
	}
	return field;
}

/* A rejected row as people read it: "Dòng 7, mục “Phí, lệ phí – dòng 3”: …". */
static const char *import_error_text(struct request *req, const struct proc_import_error *e)
{
	const char *msg = _(e->msgid);
	if (e->detail && *e->detail)
		msg = arena_printf(&req->arena, "%s (%s)", msg, e->detail);
	if (e->field && *e->field)
		return arena_printf(&req->arena, _("Line %zu, %s: %s"), e->line, field_label(req, e->field),
				    msg);
	return arena_printf(&req->arena, _("Line %zu: %s"), e->line, msg);
}

/*
 * Run an import of `text` as `json` or CSV and write its audit row. Returns
 * 200 with *imported, 422 with *errors, or 0 when it has answered (503).
 */
static int run_import(struct request *req, const char *text, size_t len, int json, int publish,
		      size_t *imported, struct proc_import_error **errors, size_t *nerrors)
{
	struct db *db = db_thread();
	int rc;
	*imported = *nerrors = 0;
	*errors = NULL;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	skip_bom(&text, &len);
	/* the rows and the audit row in one transaction: both or neither */
	rc = db_begin(db);
	if (!rc && json)
		rc = procedure_import_json(db, &req->arena, text, len, req_actor_name(req), req_now(req),
					   publish, imported, errors, nerrors);
	else if (!rc)
		rc = procedure_import_csv(db, &req->arena, text, len, req_actor_name(req), req_now(req),
					  publish, imported, errors, nerrors);
	if (rc == 1) {
		db_rollback(db);
		return 422;
	}
	if (!rc)
		rc = req_audit_json(req, db, "procedure.import", "procedures",
				    json_pack("{s:I,s:s,s:b}", "count", (json_int_t)*imported, "format",
					      json ? "json" : "csv", "publish", publish));
	if (!rc)
		rc = db_commit(db);
	if (rc && db_in_transaction(db))
		db_rollback(db);
	if (rc) {
		log_error("event=db msg=\"procedure import failed\" rc=%d id=%s", rc, req->id);
		resp_unavailable(req);
		return 0;
	}
	log_info("event=procedure_import count=%zu publish=%d id=%s", *imported, publish, req->id);
	return 200;
}

static void render_import(struct request *req, int status, const char *error, json_t *rows, int publish)
{
	json_t *ctx = page_context(req, _("Import procedures"));
	json_object_set_new(ctx, "csrf", json_string(req_csrf(req)));
	json_object_set_new(ctx, "publish", json_boolean(publish));
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	if (rows) {
		json_object_set_new(ctx, "rows", rows);
		json_object_set_new(ctx, "nothing_imported", json_true());
	}
	resp_header(req, "Cache-Control", "no-store");
	page_render(req, status, "procedure_import", ctx);
}

int page_proc_import_form(struct request *req)
{
	if (manage_denied(req))
		return 0;
	render_import(req, 200, NULL, NULL, 0);
	return 0;
}

/* Read an uploaded file whole into the arena; 0, 1 when too large, -1 on error. */
static int read_upload(struct request *req, const struct upload *u, char **text, size_t *len)
{
	int fd;
	size_t got = 0;
	if (u->size > IMPORT_MAX)
		return 1;
	*text = arena_alloc(&req->arena, u->size + 1);
	fd = open(u->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (got < u->size) {
		ssize_t r = read(fd, *text + got, u->size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got != u->size)
		return -1;
	(*text)[got] = '\0';
	*len = got;
	return 0;
}

int page_proc_import(struct request *req)
{
	const struct upload *u = req_upload(req, "file");
	int publish = req_form(req, "publish") && !strcmp(req_form(req, "publish"), "1");
	struct proc_import_error *errors;
	size_t imported, nerrors, len;
	char *text;
	int status, rc;

	if (manage_denied(req))
		return 0;
	if (!u || !u->size) {
		render_import(req, 422, _("Choose a CSV or JSON file to import."), NULL, publish);
		return 0;
	}
	rc = read_upload(req, u, &text, &len);
	if (rc) {
		if (rc > 0)
			render_import(req, 413, _("The file is too large to import."), NULL, publish);
		else
			resp_unavailable(req);
		return 0;
	}
	status = run_import(req, text, len, looks_json(u->filename, text, len), publish, &imported, &errors,
			    &nerrors);
	if (status == 200) {
		resp_redirect(req, arena_printf(&req->arena, ADMIN_PATH "?imported=%zu", imported));
	} else if (status == 422) {
		json_t *rows = json_array();
		for (size_t i = 0; i < nerrors; i++)
			json_array_append_new(rows, json_string(import_error_text(req, &errors[i])));
		render_import(req, 422,
			      _("The file has errors: nothing was imported. Correct the rows below and "
				"import the whole file again."),
			      rows, publish);
	}
	return 0;
}

/* ---- export ---- */

/* The download of the catalogue: ?format=csv|json|xlsx[&all=1]. */
static void export_download(struct request *req)
{
	struct db *db = db_thread();
	const char *format = req_query(req, "format"), *all = req_query(req, "all");
	int csv, xlsx, rc, every = all && !strcmp(all, "1");
	char date[16], name[64];
	struct civil c;

	if (!format || (strcmp(format, "csv") && strcmp(format, "json") && strcmp(format, "xlsx"))) {
		resp_error(req, 400, "bad_format", _("The format is csv, json or xlsx."));
		return;
	}
	csv = !strcmp(format, "csv");
	xlsx = !strcmp(format, "xlsx");
	if (!db) {
		resp_unavailable(req);
		return;
	}
	if (xlsx) {
		buf_reset(&req->out);
		rc = procedure_export_xlsx(db, &req->arena, every, &req->out);
		req->status = 200;
		req->content_type_out = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	} else {
		/* a BOM first, so that Excel reads the CSV as UTF-8 */
		resp_text(req, 200, csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
			  csv ? "\xEF\xBB\xBF" : "");
		rc = csv ? procedure_export_csv(db, &req->arena, every, &req->out)
			 : procedure_export_json(db, &req->arena, every, &req->out);
	}
	if (rc || buf_err(&req->out)) {
		log_error("event=procedure_export rc=%d toobig=%d id=%s", rc, buf_err(&req->out), req->id);
		buf_reset(&req->out);
		req->status = 0;
		resp_unavailable(req);
		return;
	}
	time_to_civil(req_now(req), VN_UTC_OFFSET, &c);
	snprintf(date, sizeof(date), "%04d%02d%02d", c.year, c.month, c.day);
	snprintf(name, sizeof(name), "attachment; filename=\"thu-tuc-%s.%s\"", date, format);
	resp_header(req, "Content-Disposition", name);
	resp_header(req, "Cache-Control", "no-store");
}

int page_proc_export(struct request *req)
{
	if (manage_denied(req))
		return 0;
	export_download(req);
	return 0;
}

int api_procedures_export(struct request *req)
{
	if (manage_denied(req))
		return 0;
	export_download(req);
	return 0;
}

/* ---- /api/v1/procedures ---- */

static void api_invalid(struct request *req, int status, const struct errs *e)
{
	resp_json(req, status,
		  json_pack("{s:{s:s,s:s,s:O}}", "error", "code", status == 409 ? "conflict" : "invalid",
			    "message",
			    status == 409 ? _("A procedure with this code is already in the catalogue.")
					  : _("Some fields are not valid."),
			    "fields", e->fields));
}

/* The document of the body into p; 0, or 1 when it has answered (400, 422). */
static int api_document(struct request *req, struct procedure *p, struct errs *e)
{
	if (!req->json || !json_is_object(req->json)) {
		resp_error(req, 400, "bad_request", _("Send the procedure as a JSON document."));
		return 1;
	}
	memset(p, 0, sizeof(*p));
	if (procedure_from_json(req->json, &req->arena, p, check_err, e)) {
		api_invalid(req, 422, e);
		return 1;
	}
	return 0;
}

static void api_saved(struct request *req, int status, const char *code, int64_t version)
{
	resp_json(req, status,
		  json_pack("{s:s,s:I,s:s}", "code", code, "version", (json_int_t)version, "status",
			    "draft"));
}

int api_procedures_create(struct request *req)
{
	struct procedure p;
	struct errs e;
	int64_t version = 0;
	int how = 0, status;

	if (manage_denied(req))
		return 0;
	errs_init(&e);
	if (!api_document(req, &p, &e)) {
		status = proc_store(req, NULL, &p, &e, &version, &how);
		if (status == 201) {
			resp_header(req, "Location",
				    arena_printf(&req->arena, "/api/v1/procedures/%s",
						 input_url_encode(req, p.code)));
			api_saved(req, 201, p.code, version);
		} else if (status) {
			api_invalid(req, status, &e);
		}
	}
	errs_release(&e);
	return 0;
}

int api_procedure_update(struct request *req)
{
	const char *code = req_param(req, "code");
	struct procedure p;
	struct errs e;
	int64_t version = 0;
	int how = 0, status;

	if (manage_denied(req))
		return 0;
	if (!code || !procedure_code_valid(code)) {
		not_found(req);
		return 0;
	}
	errs_init(&e);
	if (!api_document(req, &p, &e)) {
		status = proc_store(req, code, &p, &e, &version, &how);
		if (status == 200) {
			struct db *db = db_thread();
			struct proc_version cur;
			/* unchanged: the latest version stays what it is (a draft, published or retired) */
			if (how == SAVE_SAME && db && !procedure_load(db, &req->arena, code, version, &cur))
				resp_json(req, 200,
					  json_pack("{s:s,s:I,s:s}", "code", code, "version",
						    (json_int_t)version, "status",
						    cur.status == PROC_PUBLISHED ? "published"
						    : cur.status == PROC_RETIRED ? "retired"
										 : "draft"));
			else
				api_saved(req, 200, code, version);
		} else if (status) {
			api_invalid(req, status, &e);
		}
	}
	errs_release(&e);
	return 0;
}

int api_procedure_publish(struct request *req)
{
	const char *code = req_param(req, "code");
	json_t *v = req->json ? json_object_get(req->json, "version") : NULL;
	int status, no_version;

	if (manage_denied(req))
		return 0;
	if (!code || !procedure_code_valid(code)) {
		not_found(req);
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 1) {
		resp_error(req, 400, "bad_request", _("Send {\"version\": N}: the version to publish."));
		return 0;
	}
	status = proc_set_published(req, code, json_integer_value(v), 1, &no_version);
	if (status == 200)
		resp_json(req, 200,
			  json_pack("{s:s,s:I,s:s}", "code", code, "version",
				    (json_int_t)json_integer_value(v), "status", "published"));
	else if (status == 404 && no_version)
		resp_error(req, 404, "not_found", _("There is no such version of this procedure."));
	else if (status == 404)
		not_found(req);
	return 0;
}

int api_procedure_unpublish(struct request *req)
{
	const char *code = req_param(req, "code");
	int status, no_version;

	if (manage_denied(req))
		return 0;
	if (!code || !procedure_code_valid(code)) {
		not_found(req);
		return 0;
	}
	status = proc_set_published(req, code, 0, 0, &no_version);
	if (status == 200)
		resp_json(req, 200, json_pack("{s:s,s:s}", "code", code, "status", "unpublished"));
	else if (status == 404)
		not_found(req);
	else if (status == 409)
		resp_error(req, 409, "not_published", _("This procedure is not in the public catalogue."));
	return 0;
}

int api_procedures_import(struct request *req)
{
	const char *ct = req->content_type ? req->content_type : "";
	const char *publish = req_query(req, "publish");
	struct proc_import_error *errors;
	size_t imported, nerrors;
	int json, status;

	const char *text = req->body.ptr;
	size_t len = req->body.len;

	if (manage_denied(req))
		return 0;
	if (!strncasecmp(ct, "multipart/form-data", 19)) {
		/* a large file as a form upload, spooled to disk (the raw body is limited to --max-body) */
		const struct upload *u = req_upload(req, "file");
		char *t = NULL;
		int rc;
		if (!u) {
			resp_error(req, 400, "bad_request", _("Send the file in the field \"file\"."));
			return 0;
		}
		rc = read_upload(req, u, &t, &len);
		if (rc) {
			if (rc > 0)
				resp_error(req, 413, "too_large", _("The file is too large to import."));
			else
				resp_unavailable(req);
			return 0;
		}
		text = t;
		json = len && (t[0] == '[' || (len > 3 && !memcmp(t, "\xEF\xBB\xBF[", 4)));
	} else if (!strncasecmp(ct, "application/json", 16)) {
		json = 1;
	} else if (!strncasecmp(ct, "text/csv", 8)) {
		json = 0;
	} else {
		resp_error(req, 415, "unsupported_media_type",
			   _("Send a JSON array of procedures (application/json) or a CSV file (text/csv)."));
		return 0;
	}
	if (json && !req->mp && (!req->json || !json_is_array(req->json))) {
		resp_error(req, 400, "bad_request", _("Send a JSON array of procedures."));
		return 0;
	}
	status = run_import(req, text, len, json, publish && !strcmp(publish, "1"), &imported, &errors,
			    &nerrors);
	if (status == 200) {
		resp_json(req, 200, json_pack("{s:I}", "imported", (json_int_t)imported));
	} else if (status == 422) {
		json_t *rows = json_array();
		for (size_t i = 0; i < nerrors; i++) {
			json_t *r = json_pack("{s:I,s:s,s:s,s:s}", "line", (json_int_t)errors[i].line,
					      "field", errors[i].field ? errors[i].field : "", "field_label",
					      field_label(req, errors[i].field), "message",
					      _(errors[i].msgid));
			if (errors[i].detail && *errors[i].detail)
				json_object_set_new(r, "detail", json_string(errors[i].detail));
			json_array_append_new(rows, r);
		}
		resp_json(req, 422,
			  json_pack("{s:{s:s,s:s,s:o}}", "error", "code", "import_rejected", "message",
				    _("Some rows are not valid: nothing was imported."), "rows", rows));
	}
	return 0;
}

int page_proc_version(struct request *req)
{
	struct db *db = db_thread();
	const char *code = req_param(req, "code");
	int64_t n = input_id(req_param(req, "n"));
	struct proc_version v;
	struct version_row *hist = NULL;
	const struct version_row *row = NULL;
	size_t nhist = 0;
	json_t *ctx;
	int rc;

	if (manage_denied(req))
		return 0;
	if (!code || !procedure_code_valid(code)) {
		not_found(req);
		return 0;
	}
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	/* the latest first: an unknown code is told apart from an unknown version */
	rc = procedure_load(db, &req->arena, code, -1, &v);
	if (rc == 0 && n >= 1 && n <= v.latest)
		rc = procedure_load(db, &req->arena, code, n, &v);
	else if (rc == 0)
		rc = 2;
	if (rc == 0 && version_history(req, db, code, &hist, &nhist) < 0)
		rc = -1;
	if (rc < 0) {
		resp_unavailable(req);
		return 0;
	}
	if (rc == 1) {
		not_found(req);
		return 0;
	}
	for (size_t i = 0; i < nhist; i++)
		if (hist[i].version == n)
			row = &hist[i];
	if (!row) {
		resp_error(req, 404, "not_found", _("This procedure has no such version."));
		return 0;
	}
	ctx = page_context(req, arena_printf(&req->arena, _("%s (version %lld)"), v.p.name, (long long)n));
	json_object_set_new(ctx, "p", procedure_view(req, &v, 0));
	json_object_set_new(ctx, "ver",
			    json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:s}", "code", v.p.code, "version",
				      (json_int_t)n, "status", version_status(row, v.published), "created_by",
				      author_name(req, db, row->created_by), "created_at",
				      when(req, row->created_at), "published_at",
				      when(req, row->published_at), "edit_href", edit_path(req, v.p.code)));
	if (!row->published_at) /* an empty text is true to mustache */
		json_object_del(json_object_get(ctx, "ver"), "published_at");
	resp_header(req, "Cache-Control", "no-store");
	page_render(req, 200, "procedure_version", ctx);
	return 0;
}
