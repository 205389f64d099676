/*
 * pages_dossiers_public.c: citizens submit dossiers online (/nop-ho-so/{code}), follow and withdraw their
 * own (/tai-khoan/ho-so), and anyone looks a dossier up by its code (/tra-cuu); the same under
 * /api/v1/public.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/i18n.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "features/authz.h"
#include "features/dossiers.h"
#include "features/files.h"
#include "features/org.h"
#include "features/payments.h"
#include "features/satisfaction.h"
#include "features/procedures.h"
#include "rules/dossier.h"
#include "rules/fee.h"
#include "rules/procedure.h"
#include "store/db.h"
#include "web/app.h"
#include "core/banned.h"

#define SUBMIT_PATH "/nop-ho-so"
#define MINE_PATH   "/tai-khoan/ho-so"
#define LOOKUP_PATH "/tra-cuu"

#define PER_PAGE	 20
#define API_PER_PAGE_MAX 100
#define PAGE_MAX	 100000

/* Uploads of an online dossier: one file a required document, each and all together at most. */
#define DOC_FILE_MAX  ((size_t)10 << 20)
#define DOC_TOTAL_MAX ((size_t)32 << 20)
/* A kept file name (bytes), cut on a character boundary. */
#define FILE_NAME_MAX 200
/* The citizen's note and a withdrawal's reason (bytes), as dossier_create and dossier_apply check them. */
#define NOTE_MAX   2000
#define REASON_MAX 2000

/*
 * Lookups per client address: at most LOOKUP_RATE in LOOKUP_WINDOW seconds,
 * so that the 10,000 possible 4-digit checks of one code cannot be tried in
 * an afternoon. Counted in this process's memory: a lookup must stay well
 * under 5 ms, which a database write per lookup would not.
 * NEEDSWORK: several `motcua serve` behind a balancer each count their own.
 */
#define LOOKUP_RATE   20
#define LOOKUP_WINDOW 60

/* The actor the timeline names when a citizen acts online without a name (never reached: accounts have one).
 */
#define CITIZEN_ACTOR "Công dân"

/* ---- small helpers ---- */

static const char *label(const char *msgid)
{
	return msgid ? _(msgid) : "";
}

/* A text, or JSON false when empty: mustache takes "" for true. */
static json_t *str_or_false(const char *s)
{
	return s && *s ? json_string(s) : json_false();
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

/* Text a citizen writes (a note, a reason): at most max bytes, no control characters but line breaks and
 * tabs. */
static int free_text_ok(const char *s, size_t max)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++)
		if ((*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t') || *p == 0x7f)
			return 0;
	return n <= max;
}

/* "*********345": only the last three digits of a citizen ID number are shown. */
static const char *masked_id(struct request *req, const char *id)
{
	size_t n = strlen(id);
	char *out = arena_alloc(&req->arena, n + 1);
	for (size_t i = 0; i < n; i++)
		out[i] = i + 3 < n ? '*' : id[i];
	out[n] = '\0';
	return out;
}

static int is_citizen(const struct account *u)
{
	return u && !strcmp(u->kind, "citizen");
}

/*
 * The logged-in citizen, on his own records: 0 with *out; 1 when it has
 * answered: 403 with `staff_msg` to an official (or anyone not a citizen),
 * 403 to an API token whose scopes leave citizen.self out, 503.
 */
static int citizen_only(struct request *req, const char *staff_msg, const struct account **out)
{
	const struct account *u = req_user(req);
	if (!is_citizen(u)) {
		resp_error(req, 403, "citizens_only", staff_msg);
		return 1;
	}
	if (req_require(req, DOSSIER_PERM_OWNER, 0, u->id))
		return 1;
	*out = u;
	return 0;
}

static const char *msg_staff_submit(void)
{
	return _("Online submission is for citizens with a citizen account. Officials record a dossier "
		 "brought to the counter under One-stop shop → Intake.");
}

static const char *msg_staff_mine(void)
{
	return _("“My dossiers” is for citizens with a citizen account. Officials find dossiers in the "
		 "one-stop shop's queues.");
}

static const char *msg_not_online(void)
{
	return _("This procedure cannot be submitted online: please bring the papers to the one-stop section "
		 "(Bộ phận Một cửa).");
}

static void proc_not_found(struct request *req)
{
	resp_error(req, 404, "not_found", _("There is no such procedure in the catalogue."));
}

static void dossier_not_found(struct request *req)
{
	resp_error(req, 404, "not_found", _("You have no dossier with this code."));
}

/* "?page=": 1 when absent; 0 (after answering 400) when not a page number. */
static size_t page_arg(struct request *req)
{
	const char *s = req_query(req, "page");
	int64_t v;
	if (!s || !*s)
		return 1;
	v = input_id(s);
	if (v < 1 || v > PAGE_MAX) {
		resp_error(req, 400, "bad_page", _("The page must be a positive number."));
		return 0;
	}
	return (size_t)v;
}

/* ---- the units that receive a procedure ---- */

struct unit_choice {
	int64_t id;
	const char *name;
};

/*
 * The active units of `level` with an agency code (a dossier's code needs
 * one): the wards for a ward procedure, the district for a district one.
 * 0, or a negative enum db_rc.
 */
static int receiving_units(struct request *req, struct db *db, int level, struct unit_choice **out, size_t *n)
{
	struct unit *all;
	size_t m;
	int rc = org_unit_list(db, &req->arena, &all, &m);
	*n = 0;
	*out = arena_calloc(&req->arena, m ? m : 1, sizeof(**out));
	if (rc)
		return rc;
	for (size_t i = 0; i < m; i++)
		if (all[i].active && all[i].agency_code && *all[i].agency_code &&
		    unit_kind_level(all[i].kind) == level)
			(*out)[(*n)++] = (struct unit_choice){ all[i].id, all[i].name };
	return 0;
}

/* A unit's name by id for the views, loaded once a request per unit; "" when unknown. */
struct unit_names {
	int64_t id[DOSSIER_MAX_STEPS + 4];
	const char *name[DOSSIER_MAX_STEPS + 4];
	size_t n;
};

static const char *unit_name(struct request *req, struct db *db, struct unit_names *c, int64_t id)
{
	struct unit u;
	const char *name;
	if (!id)
		return "";
	for (size_t i = 0; i < c->n; i++)
		if (c->id[i] == id)
			return c->name[i];
	name = org_unit_load(db, &req->arena, id, &u) ? "" : u.name;
	if (c->n < sizeof(c->id) / sizeof(c->id[0])) {
		c->id[c->n] = id;
		c->name[c->n++] = name;
	}
	return name;
}

/* ---- uploads ---- */

/* "doc3" → 3 when below ndocs; -1 for any other field name. */
static long doc_index(const char *field, size_t ndocs)
{
	long v = 0;
	const char *p = field;
	if (strncmp(p, "doc", 3))
		return -1;
	p += 3;
	if (!*p || (p[0] == '0' && p[1]) || strlen(p) > 2)
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return (size_t)v < ndocs ? v : -1;
}

/* ---- a submission: read from the form or the API, checked, stored ---- */

enum {
	P_NAME,
	P_ID,
	P_BIRTH,
	P_PHONE,
	P_EMAIL,
	P_ADDRESS,
	P_N
};
static const char *const person_keys[P_N] = { "name", "id_no", "birth", "phone", "email", "address" };
static const char *const person_prefix[2] = { "applicant", "representative" };

struct sub {
	struct proc_version pv;
	struct unit_choice *units;
	size_t nunits;
	const char *unit_typed; /* the form's value, shown again */
	int64_t unit_id;
	const char *typed[2][P_N]; /* applicant, representative: as typed */
	struct dossier_person person[2];
	int has_rep;
	const char *pages_typed, *copies_typed;
	int pages, copies;
	const char *note;
	const struct upload *up[DOSSIER_MAX_DOCS];
	const char *mime[DOSSIER_MAX_DOCS];
	const char *fname[DOSSIER_MAX_DOCS];
	char sha[DOSSIER_MAX_DOCS][65];
	json_t *errors;	     /* field ("applicant.phone", "doc0") → translated message */
	const char *general; /* a refusal about no one field (translated), or NULL */
};

static void sub_err(struct sub *s, const char *field, const char *msg)
{
	json_t *old = json_object_get(s->errors, field);
	if (!old)
		json_object_set_new(s->errors, field, json_string(msg));
	else if (!strstr(json_string_value(old), msg))
		json_object_set_new(s->errors, field, json_sprintf("%s %s", json_string_value(old), msg));
}

static void person_err(void *ctx, const char *field, const char *msgid)
{
	sub_err(ctx, field, _(msgid));
}

static int sub_failed(const struct sub *s)
{
	return json_object_size(s->errors) || s->general;
}

/* The number as printed on the card may be typed in groups: "001 099 012 345". */
static const char *id_digits(struct request *req, const char *s)
{
	char *out = arena_alloc(&req->arena, strlen(s) + 1), *o = out;
	for (; *s; s++)
		if (*s != ' ' && *s != '.')
			*o++ = *s;
	*o = '\0';
	return out;
}

/* A date typed "dd/mm/yyyy" as "yyyy-mm-dd" (what dossier_person_check reads); anything else as it is. */
static const char *birth_iso(struct request *req, const char *s)
{
	if (strlen(s) != 10 || s[2] != '/' || s[5] != '/')
		return s;
	for (int i = 0; i < 10; i++)
		if (i != 2 && i != 5 && (s[i] < '0' || s[i] > '9'))
			return s;
	return arena_printf(&req->arena, "%.4s-%.2s-%.2s", s + 6, s + 3, s);
}

/* A count of pages or copies: "" or absent is 1. 0, or -1 when not 1..FEE_COUNT_MAX. */
static int count_value(const char *typed, int *out)
{
	int64_t v;
	if (!typed || !*typed) {
		*out = 1;
		return 0;
	}
	v = input_id(typed);
	if (v < 1 || v > FEE_COUNT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

static int fee_counts_by(const struct procedure *p, int per)
{
	for (size_t i = 0; i < p->nfees; i++)
		if (p->fees[i].per == per)
			return 1;
	return 0;
}

/* Gather the uploads by document and check each: present, not empty, not too large, a PDF, JPEG or PNG. */
static void sub_files(struct request *req, struct sub *s)
{
	const struct procedure *p = &s->pv.p;
	size_t total = 0;

	for (const struct upload *u = req->files; u; u = u->next) {
		long i = doc_index(u->field, p->ndocuments);
		if (i < 0) {
			sub_err(s, u->field, _("This procedure asks for no such document."));
			continue;
		}
		if (!u->size && !*u->filename)
			continue; /* a file input left empty */
		if (s->up[i]) {
			sub_err(s, u->field, _("Attach one file for each document."));
			continue;
		}
		s->up[i] = u;
	}
	for (size_t i = 0; i < p->ndocuments; i++) {
		const struct upload *u = s->up[i];
		const char *key = arena_printf(&req->arena, "doc%zu", i);
		if (!u) {
			sub_err(s, key, _("Attach a file for this document."));
			continue;
		}
		if (!u->size) {
			sub_err(s, key, _("The file is empty."));
			continue;
		}
		if (u->size > DOC_FILE_MAX) {
			sub_err(s, key, _("The file is larger than 10 MB: scan it at a lower resolution."));
			continue;
		}
		if (!(s->mime[i] = upload_doc_type(u->path))) {
			sub_err(s, key,
				_("The file must be a PDF, JPEG or PNG file (its content is checked, not its name)."));
			continue;
		}
		total += u->size;
		s->fname[i] = upload_file_name(req, u->filename, s->mime[i], i);
	}
	if (total > DOC_TOTAL_MAX)
		sub_err(s, "documents",
			_("The files together are larger than 32 MB: scan them at a lower resolution."));
}

/* Check everything typed (s->typed …, s->unit_id, the counts and the note) and the uploads. */
static void sub_check(struct request *req, struct sub *s)
{
	const struct procedure *p = &s->pv.p;
	int64_t now = req_now(req);
	int unit_ok = 0;

	if (p->online != PROC_ONLINE_FULL && p->online != PROC_ONLINE_PARTIAL) {
		s->general = msg_not_online();
		return;
	}
	for (size_t i = 0; i < s->nunits; i++)
		unit_ok |= s->units[i].id == s->unit_id;
	if (!unit_ok)
		sub_err(s, "unit", _("Choose the office that receives the dossier from the list."));

	for (int k = 0; k < 2; k++) {
		struct dossier_person *d = &s->person[k];
		const char *const *t = s->typed[k];
		if (k == 1 && !s->has_rep)
			continue;
		d->name = t[P_NAME];
		d->id_no = id_digits(req, t[P_ID]);
		d->birth = birth_iso(req, t[P_BIRTH]);
		d->phone = t[P_PHONE];
		d->email = t[P_EMAIL];
		d->address = t[P_ADDRESS];
		dossier_person_check(d, person_prefix[k], 1, &req->arena, now, person_err, s);
	}
	if (count_value(s->pages_typed, &s->pages))
		sub_err(s, "pages", _("Enter the number of pages as a whole number from 1 to 100,000."));
	if (count_value(s->copies_typed, &s->copies))
		sub_err(s, "copies", _("Enter the number of copies as a whole number from 1 to 100,000."));
	if (!free_text_ok(s->note, NOTE_MAX))
		sub_err(s, "note",
			_("The note may be at most 2,000 bytes (about 700 letters with accents), without control characters."));
	sub_files(req, s);
}

/* Start a submission of the published procedure `code`: 0; 1 when it has answered (404, 503). */
static int sub_init(struct request *req, struct db *db, const char *code, struct sub *s, int api)
{
	int rc;
	memset(s, 0, sizeof(*s));
	s->errors = json_object();
	s->note = "";
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < P_N; i++)
			s->typed[k][i] = "";
	s->unit_typed = s->pages_typed = s->copies_typed = "";
	if (!db) {
		resp_unavailable(req);
		return 1;
	}
	rc = code && procedure_code_valid(code) ? procedure_load(db, &req->arena, code, 0, &s->pv) : 1;
	if (rc == 1 && api) {
		/* the API names the procedure in its body: a field error like any other */
		sub_err(s, "procedure", _("This procedure is not in the public catalogue."));
		return 0;
	}
	if (rc == 1) {
		proc_not_found(req);
		return 1;
	}
	if (rc < 0 || receiving_units(req, db, s->pv.p.receive_level, &s->units, &s->nunits)) {
		resp_unavailable(req);
		return 1;
	}
	return 0;
}

/*
 * Keep the files (files_store: written and fsynced before the row that
 * names them commits), then record the dossier, its audit row and commit.
 * Returns 201 with code; 422 with s->general; 503 (logged).
 */
static int sub_store(struct request *req, struct sub *s, const struct account *u, char code[DOSSIER_CODE_MAX])
{
	const struct procedure *p = &s->pv.p;
	struct dossier_intake in;
	struct db *db = db_thread();
	const char *why = NULL;
	int64_t id = 0;
	size_t nfiles = 0;
	int rc;

	/*
	 * NEEDSWORK: should the model refuse after this (a unit deactivated a
	 * moment ago), the stored files stay unreferenced: harmless, content-
	 * addressed, but a sweep of files no row names would reclaim them.
	 */
	for (size_t i = 0; i < p->ndocuments; i++) {
		if (files_store(the_app->cfg.data, s->up[i]->path, s->sha[i])) {
			char q[300];
			log_error("event=files_store msg=%s id=%s", log_quote(q, sizeof(q), strerror(errno)),
				  req->id);
			return 503;
		}
		nfiles++;
	}
	memset(&in, 0, sizeof(in));
	in.procedure_code = p->code;
	in.unit_id = s->unit_id;
	in.channel = DCH_ONLINE;
	in.applicant = s->person[0];
	if (s->has_rep)
		in.representative = s->person[1];
	for (size_t i = 0; i < p->ndocuments; i++) {
		in.provided[i] = 1;
		in.file_sha[i] = s->sha[i];
		in.file_name[i] = s->fname[i];
		in.file_mime[i] = s->mime[i];
	}
	in.pages = s->pages;
	in.copies = s->copies;
	in.note = s->note;
	in.owner_account = u->id;
	in.actor_account = 0; /* dossiers.h: 0 for a citizen online */
	in.actor_name = *u->full_name ? u->full_name : CITIZEN_ACTOR;

	if (!db || db_begin(db))
		return 503;
	rc = dossier_create(db, &req->arena, &in, req_now(req), code, &id, &why);
	if (rc == DOSSIER_OK) {
		/* no personal data in the audit log: what, where and how many files */
		json_t *detail = json_pack("{s:s,s:I,s:I}", "procedure", p->code, "unit",
					   (json_int_t)s->unit_id, "files", (json_int_t)nfiles);
		rc = req_audit_json(req, db, "dossier.submit", arena_printf(&req->arena, "dossier:%s", code),
				    detail);
		if (!rc)
			rc = db_commit(db);
		if (!rc) {
			log_info("event=dossier_submit code=%s procedure=%s id=%s", code, p->code, req->id);
			return 201;
		}
	}
	db_rollback(db);
	if (rc == DOSSIER_INVALID || rc == DOSSIER_NOT_FOUND || rc == DOSSIER_STATE) {
		s->general = _(why ? why : N_("Some fields are not valid."));
		return 422;
	}
	log_error("event=db msg=\"online submission failed\" rc=%d id=%s", rc, req->id);
	return 503;
}

/* ---- the submission page ---- */

/* The HTML id of a field: "applicant.phone" → "applicant_phone". */
static const char *html_id(struct request *req, const char *field)
{
	char *s = arena_strdup(&req->arena, field);
	for (char *c = s; *c; c++)
		if (*c == '.')
			*c = '_';
	return s;
}

static json_t *field_error(const struct sub *s, const char *field)
{
	const char *m = s ? json_string_value(json_object_get(s->errors, field)) : NULL;
	return m ? json_string(m) : json_false();
}

/* The inputs of a person as the template draws them (each key set: no lookup falls through to the page). */
static json_t *person_fields(struct request *req, const struct sub *s, int k)
{
	static const struct {
		const char *label, *type, *autocomplete, *inputmode;
		int maxlength, optional;
	} f[P_N] = {
		[P_NAME] = { N_("Full name"), "text", "name", "", 100, 0 },
		[P_ID] = { N_("Citizen ID number (CCCD)"), "text", "off", "numeric", 20, 0 },
		[P_BIRTH] = { N_("Date of birth"), "date", "bday", "", 0, 1 }, /* a date input takes no
										  maxlength */
		[P_PHONE] = { N_("Phone number"), "tel", "tel", "", 32, 0 },
		[P_EMAIL] = { N_("Email"), "email", "email", "", 254, 1 },
		[P_ADDRESS] = { N_("Address"), "text", "street-address", "", 500, 1 },
	};
	json_t *a = json_array();
	for (int i = 0; i < P_N; i++) {
		const char *field = arena_printf(&req->arena, "%s.%s", person_prefix[k], person_keys[i]);
		const char *id = html_id(req, field);
		const char *hint = i == P_ID ? _("The 12 digits on the citizen ID card.")
				   : i == P_EMAIL && k == 0
					   ? _("News of the dossier is sent to this address.")
					   : NULL;
		json_t *err = field_error(s, field);
		const char *describedby = NULL;
		/* the representative's date of birth is not asked: the dossier does not keep it */
		if (k == 1 && i == P_BIRTH)
			continue;
		if (hint && json_is_string(err))
			describedby = arena_printf(&req->arena, "%s-hint %s-error", id, id);
		else if (hint)
			describedby = arena_printf(&req->arena, "%s-hint", id);
		else if (json_is_string(err))
			describedby = arena_printf(&req->arena, "%s-error", id);
		json_array_append_new(
			a, json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:b,s:o,s:o,s:o}", "id", id, "label",
				     _(f[i].label), "type", f[i].type, "value", s ? s->typed[k][i] : "",
				     "autocomplete", str_or_false(f[i].autocomplete), "inputmode",
				     str_or_false(f[i].inputmode), "maxlength",
				     f[i].maxlength ? json_integer(f[i].maxlength) : json_false(), "optional",
				     f[i].optional, "hint", str_or_false(hint), "describedby",
				     str_or_false(describedby), "error", err));
	}
	return a;
}

/* The fields in the order of the form, for the summary of errors at the top. */
static json_t *error_list(struct request *req, const struct sub *s)
{
	json_t *list = json_array(), *seen = json_object();
	const char *key;
	json_t *v;
	const char *order[64];
	size_t n = 0;

	order[n++] = "unit";
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < P_N; i++)
			order[n++] = arena_printf(&req->arena, "%s.%s", person_prefix[k], person_keys[i]);
	order[n++] = "documents";
	for (size_t i = 0; i < n; i++) {
		const char *m = json_string_value(json_object_get(s->errors, order[i]));
		if (m) {
			json_array_append_new(list, json_pack("{s:s,s:s}", "id", html_id(req, order[i]),
							      "message", m));
			json_object_set_new(seen, order[i], json_true());
		}
	}
	for (size_t i = 0; i < s->pv.p.ndocuments; i++) {
		const char *k = arena_printf(&req->arena, "doc%zu", i);
		const char *m = json_string_value(json_object_get(s->errors, k));
		if (m) {
			json_array_append_new(list, json_pack("{s:s,s:s}", "id", k, "message",
							      arena_printf(&req->arena, "%s: %s",
									   s->pv.p.documents[i].name, m)));
			json_object_set_new(seen, k, json_true());
		}
	}
	json_object_foreach(s->errors, key, v)
	{
		if (!json_object_get(seen, key) && json_is_string(v))
			json_array_append_new(
				list, json_pack("{s:s,s:s}", "id",
						strncmp(key, "doc", 3) && strcmp(key, "pages") &&
								strcmp(key, "copies") && strcmp(key, "note")
							? "submit-form"
							: html_id(req, key),
						"message", json_string_value(v)));
	}
	json_decref(seen);
	return list;
}

static void render_submit(struct request *req, int status, const struct sub *s, const struct account *u)
{
	const struct procedure *p = &s->pv.p;
	json_t *ctx = page_context(req, _("Submit a dossier online"));
	json_t *facts = json_pack("{s:s,s:s,s:s,s:s,s:s}", "code", p->code, "name", p->name, "receiving",
				  p->receiving, "online", label(proc_online_label(p->online)), "href",
				  arena_printf(&req->arena, "/thu-tuc/%s", input_url_encode(req, p->code)));
	int online = p->online == PROC_ONLINE_FULL || p->online == PROC_ONLINE_PARTIAL;

	json_object_set_new(ctx, "p", facts);
	resp_header(req, "Cache-Control", "no-store");
	if (!u) {
		/* not logged in: what it is and where to log in, back here afterwards */
		const char *here = arena_printf(&req->arena, SUBMIT_PATH "/%s", p->code);
		json_object_set_new(ctx, "login",
				    json_pack("{s:s}", "href",
					      arena_printf(&req->arena, "/dang-nhap?next=%s",
							   input_url_encode(req, here))));
		if (!online)
			json_object_set_new(ctx, "not_online", json_string(msg_not_online()));
		page_render(req, status, "submit", ctx);
		return;
	}
	if (!online) {
		json_object_set_new(ctx, "not_online", json_string(msg_not_online()));
		page_render(req, status, "submit", ctx);
		return;
	}
	{
		json_t *form = json_object(), *units = json_array(), *docs = json_array();
		int64_t selected = s->nunits == 1 ? s->units[0].id : input_id(s->unit_typed);
		int rep_open = s->has_rep;
		for (size_t i = 0; i < s->nunits; i++)
			json_array_append_new(
				units, json_pack("{s:I,s:s,s:b}", "id", (json_int_t)s->units[i].id, "name",
						 s->units[i].name, "selected", s->units[i].id == selected));
		for (size_t i = 0; i < p->ndocuments; i++) {
			const char *key = arena_printf(&req->arena, "doc%zu", i);
			json_array_append_new(
				docs, json_pack("{s:s,s:I,s:s,s:s,s:i,s:o}", "id", key, "n",
						(json_int_t)i + 1, "name", p->documents[i].name, "kind",
						label(proc_doc_kind_label(p->documents[i].kind)), "count",
						p->documents[i].count, "error", field_error(s, key)));
		}
		json_object_set_new(form, "action", json_sprintf(SUBMIT_PATH "/%s", p->code));
		json_object_set_new(form, "csrf", json_string(req_csrf(req)));
		json_object_set_new(form, "units", units);
		json_object_set_new(form, "choose_unit", json_boolean(s->nunits != 1));
		json_object_set_new(form, "no_units", json_boolean(s->nunits == 0));
		json_object_set_new(form, "unit_error", field_error(s, "unit"));
		json_object_set_new(form, "applicant", person_fields(req, s, 0));
		json_object_set_new(form, "representative", person_fields(req, s, 1));
		json_object_set_new(form, "rep_open", json_boolean(rep_open));
		json_object_set_new(form, "docs", docs);
		json_object_set_new(form, "docs_error", field_error(s, "documents"));
		json_object_set_new(form, "show_pages", json_boolean(fee_counts_by(p, FEE_PER_PAGE)));
		json_object_set_new(form, "show_copies",
				    json_boolean(fee_counts_by(p, FEE_PER_PAGE) ||
						 fee_counts_by(p, FEE_PER_COPY)));
		json_object_set_new(form, "pages", json_string(s->pages_typed));
		json_object_set_new(form, "copies", json_string(s->copies_typed));
		json_object_set_new(form, "pages_error", field_error(s, "pages"));
		json_object_set_new(form, "copies_error", field_error(s, "copies"));
		json_object_set_new(form, "note", json_string(s->note));
		json_object_set_new(form, "note_error", field_error(s, "note"));
		json_object_set_new(ctx, "form", form);
	}
	if (sub_failed(s)) {
		json_t *list = error_list(req, s);
		json_object_set_new(ctx, "error",
				    json_string(s->general ? s->general
							   : _("Please correct the fields marked below.")));
		json_object_set_new(ctx, "has_error_list", json_boolean(json_array_size(list) > 0));
		json_object_set_new(ctx, "error_list", list);
		/* a browser never sends a file again by itself */
		json_object_set_new(ctx, "files_again", json_boolean(p->ndocuments > 0));
	}
	page_render(req, status, "submit", ctx);
}

int page_submit_form(struct request *req)
{
	const struct account *u = req_user(req);
	struct sub s;

	if (u && !is_citizen(u)) {
		resp_error(req, 403, "citizens_only", msg_staff_submit());
		return 0;
	}
	if (u && req_require(req, DOSSIER_PERM_OWNER, 0, u->id))
		return 0;
	if (sub_init(req, db_thread(), req_param(req, "code"), &s, 0))
		goto out;
	if (u) {
		/* his own details: most citizens submit for themselves */
		s.typed[0][P_NAME] = u->full_name;
		s.typed[0][P_ID] = u->citizen_id;
		s.typed[0][P_PHONE] = u->phone;
		s.typed[0][P_EMAIL] = u->email;
	}
	render_submit(req, 200, &s, u);
out:
	json_decref(s.errors);
	return 0;
}

int page_submit_post(struct request *req)
{
	const struct account *u;
	char code[DOSSIER_CODE_MAX];
	struct sub s;
	int status;

	if (citizen_only(req, msg_staff_submit(), &u))
		return 0;
	if (sub_init(req, db_thread(), req_param(req, "code"), &s, 0))
		goto out;
	s.unit_typed = form_text(req, "unit");
	s.unit_id = input_id(s.unit_typed);
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < P_N; i++) {
			s.typed[k][i] = form_text(req, arena_printf(&req->arena, "%s_%s", person_prefix[k],
								    person_keys[i]));
			if (k == 1 && *s.typed[k][i])
				s.has_rep = 1;
		}
	s.pages_typed = form_text(req, "pages");
	s.copies_typed = form_text(req, "copies");
	s.note = form_text(req, "note");
	sub_check(req, &s);
	if (sub_failed(&s)) {
		render_submit(req, 422, &s, u);
		goto out;
	}
	status = sub_store(req, &s, u, code);
	if (status == 201) {
		resp_redirect(req, arena_printf(&req->arena, MINE_PATH "/%s?nop=1", code));
	} else if (status == 422) {
		render_submit(req, 422, &s, u);
	} else {
		s.general = _("The dossier could not be saved. Please try again shortly.");
		render_submit(req, 503, &s, u);
	}
out:
	json_decref(s.errors);
	return 0;
}

/* ---- POST /api/v1/public/dossiers ---- */

static void api_invalid(struct request *req, const struct sub *s)
{
	/* one field wrong: its own message says what */
	const char *message = s->general ? s->general : _("Some fields are not valid.");
	if (!s->general && json_object_size(s->errors) == 1) {
		const char *key;
		json_t *v;
		json_object_foreach(s->errors, key, v)
		{
			if (json_is_string(v))
				message = json_string_value(v);
		}
	}
	resp_json(req, 422,
		  json_pack("{s:{s:s,s:s,s:O}}", "error", "code", "invalid", "message", message, "fields",
			    s->errors));
}

/* A person's object of the API into typed[]; -1 when a member is not a string (or null). */
static int person_from_json(struct request *req, const json_t *o, const char *typed[P_N])
{
	for (int i = 0; i < P_N; i++) {
		const json_t *v = json_object_get(o, person_keys[i]);
		if (v && !json_is_string(v) && !json_is_null(v))
			return -1;
		typed[i] = input_trim(req, json_string_value(v));
	}
	return 0;
}

static int json_count(const json_t *v, const char **typed, struct request *req)
{
	if (!v || json_is_null(v)) {
		*typed = "";
		return 0;
	}
	if (!json_is_integer(v))
		return -1;
	*typed = arena_printf(&req->arena, "%lld", (long long)json_integer_value(v));
	return 0;
}

int api_public_dossiers_create(struct request *req)
{
	const struct account *u;
	const char *text = req_form(req, "dossier");
	const json_t *proc, *unit, *applicant, *rep, *note;
	char code[DOSSIER_CODE_MAX];
	struct dossier d;
	struct sub s;
	json_t *j = NULL, *view;
	json_error_t jerr;
	struct db *db;
	int status;

	memset(&s, 0, sizeof(s));
	if (citizen_only(req, msg_staff_submit(), &u))
		return 0;
	if (!text || !(j = json_loads(text, JSON_REJECT_DUPLICATES, &jerr)) || !json_is_object(j)) {
		json_decref(j);
		resp_error(
			req, 400, "bad_request",
			_("Send multipart/form-data with a field “dossier” holding a JSON object and a file field "
			  "doc0, doc1 … for each document the procedure asks for."));
		return 0;
	}
	proc = json_object_get(j, "procedure");
	unit = json_object_get(j, "unit");
	applicant = json_object_get(j, "applicant");
	rep = json_object_get(j, "representative");
	note = json_object_get(j, "note");
	if (!json_is_string(proc) || (unit && !json_is_integer(unit) && !json_is_null(unit)) ||
	    !json_is_object(applicant) || (rep && !json_is_null(rep) && !json_is_object(rep)) ||
	    (note && !json_is_string(note) && !json_is_null(note))) {
		json_decref(j);
		resp_error(
			req, 400, "bad_request",
			_("The “dossier” object needs procedure (text), unit (a number), applicant (an object), and "
			  "may have representative (an object or null), pages and copies (numbers) and note "
			  "(text)."));
		return 0;
	}
	if (sub_init(req, db_thread(), json_string_value(proc), &s, 1)) {
		json_decref(j);
		goto out;
	}
	if (json_object_size(s.errors)) {
		json_decref(j);
		api_invalid(req, &s);
		goto out;
	}
	s.unit_id = json_integer_value(unit);
	if (person_from_json(req, applicant, s.typed[0]) ||
	    (json_is_object(rep) && person_from_json(req, rep, s.typed[1])) ||
	    json_count(json_object_get(j, "pages"), &s.pages_typed, req) ||
	    json_count(json_object_get(j, "copies"), &s.copies_typed, req)) {
		json_decref(j);
		resp_error(
			req, 400, "bad_request",
			_("The applicant's and the representative's fields are texts (or null); pages and copies "
			  "are whole numbers."));
		goto out;
	}
	s.has_rep = json_is_object(rep);
	s.note = input_trim(req, json_string_value(note));
	json_decref(j);
	sub_check(req, &s);
	if (sub_failed(&s)) {
		api_invalid(req, &s);
		goto out;
	}
	status = sub_store(req, &s, u, code);
	if (status == 422) {
		api_invalid(req, &s);
		goto out;
	}
	db = db_thread();
	if (status != 201 || !db || dossier_load(db, &req->arena, code, &d)) {
		resp_unavailable(req);
		goto out;
	}
	view = dossier_view(req, &d, 0);
	json_object_set_new(view, "href", json_sprintf(MINE_PATH "/%s", code));
	resp_header(req, "Cache-Control", "no-store");
	resp_json(req, 201, json_pack("{s:o}", "dossier", view));
out:
	json_decref(s.errors);
	return 0;
}

/* ---- "Hồ sơ của tôi" ---- */

static json_t *row_json(struct request *req, const struct dossier_row *r, int api)
{
	json_t *o = json_pack("{s:s,s:{s:s,s:s},s:s,s:s,s:s}", "code", r->code, "procedure", "code",
			      r->procedure_code, "name", r->procedure_name, "status",
			      dossier_status_name(r->status), "status_label",
			      label(dossier_status_label(r->status)), "href",
			      arena_printf(&req->arena, MINE_PATH "/%s", r->code));
	if (api) {
		json_object_set_new(o, "channel", json_string(dossier_channel_name(r->channel)));
		json_object_set_new(o, "submitted_at", dossier_iso(r->submitted_at));
		json_object_set_new(o, "received_at", dossier_iso(r->received_at));
		json_object_set_new(o, "due_at", dossier_iso(r->due_at));
		json_object_set_new(o, "finished_at", dossier_iso(r->finished_at));
		json_object_set_new(o, "returned_at", dossier_iso(r->returned_at));
	} else {
		json_object_set_new(o, "submitted_text",
				    json_string(dossier_when_text(req, r->submitted_at)));
		json_object_set_new(o, "due_text", str_or_false(dossier_when_text(req, r->due_at)));
	}
	return o;
}

/* The citizen's dossiers, newest first: 0 with rows; 1 when it has answered (503). */
static int my_rows(struct request *req, const struct account *u, size_t page, size_t per_page,
		   struct dossier_row **rows, size_t *n, int64_t *total)
{
	struct db *db = db_thread();
	struct dossier_query q;
	memset(&q, 0, sizeof(q));
	q.owner_account = u->id;
	q.queue = DQ_ALL;
	q.now = req_now(req);
	q.offset = (page - 1) * per_page;
	q.limit = per_page;
	if (!db || dossier_list(db, &req->arena, &q, rows, n, total)) {
		resp_unavailable(req);
		return 1;
	}
	return 0;
}

int page_my_dossiers(struct request *req)
{
	const struct account *u;
	struct dossier_row *rows;
	size_t n, page, pages;
	int64_t total;
	json_t *ctx, *list;

	if (citizen_only(req, msg_staff_mine(), &u))
		return 0;
	if (!(page = page_arg(req)))
		return 0;
	if (my_rows(req, u, page, PER_PAGE, &rows, &n, &total))
		return 0;
	pages = total ? ((size_t)total + PER_PAGE - 1) / PER_PAGE : 1;
	ctx = page_context(req, _("My dossiers"));
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, row_json(req, &rows[i], 0));
	json_object_set_new(ctx, "dossiers", list);
	json_object_set_new(ctx, "has_dossiers", json_boolean(n > 0));
	json_object_set_new(ctx, "total", json_integer(total));
	json_object_set_new(ctx, "page", json_integer((json_int_t)page));
	json_object_set_new(ctx, "pages", json_integer((json_int_t)pages));
	json_object_set_new(ctx, "paged", json_boolean(pages > 1));
	if (page > 1)
		json_object_set_new(ctx, "prev", json_sprintf(MINE_PATH "?page=%zu", page - 1));
	if (page < pages)
		json_object_set_new(ctx, "next", json_sprintf(MINE_PATH "?page=%zu", page + 1));
	resp_header(req, "Cache-Control", "no-store");
	page_render(req, 200, "my_dossiers", ctx);
	return 0;
}

int api_public_dossiers_list(struct request *req)
{
	const struct account *u;
	const char *pp = req_query(req, "per_page");
	struct dossier_row *rows;
	size_t n, page, per_page = PER_PAGE;
	int64_t total;
	json_t *list;

	if (citizen_only(req, msg_staff_mine(), &u))
		return 0;
	if (!(page = page_arg(req)))
		return 0;
	if (pp && *pp) {
		int64_t v = input_id(pp);
		if (v < 1 || v > API_PER_PAGE_MAX) {
			resp_error(req, 400, "bad_per_page", _("per_page must be a number from 1 to 100."));
			return 0;
		}
		per_page = (size_t)v;
	}
	if (my_rows(req, u, page, per_page, &rows, &n, &total))
		return 0;
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, row_json(req, &rows[i], 1));
	resp_header(req, "Cache-Control", "no-store");
	resp_json(req, 200,
		  json_pack("{s:o,s:I,s:I,s:I}", "dossiers", list, "page", (json_int_t)page, "per_page",
			    (json_int_t)per_page, "total", (json_int_t)total));
	return 0;
}

/* ---- one's own dossier, and withdrawing it ---- */

/*
 * Load the route's dossier for its owner: 0; 1 when it has answered (404
 * for no such dossier and for another's alike, 503). Inside a transaction
 * when the caller began one.
 */
static int load_mine(struct request *req, struct db *db, struct dossier *d)
{
	int rc;
	if (!db) {
		resp_unavailable(req);
		return 1;
	}
	/* inside a write transaction: the row locked, so two actions at once take turns */
	rc = db_in_transaction(db) ? dossier_load_for_update(db, &req->arena, req_param(req, "code"), d)
				   : dossier_load(db, &req->arena, req_param(req, "code"), d);
	if (rc < 0) {
		resp_unavailable(req);
		return 1;
	}
	if (rc == DOSSIER_OK)
		rc = d->owner_account ? req_can(req, DOSSIER_PERM_OWNER, 0, d->owner_account, NULL) : 0;
	else
		rc = 0;
	if (rc < 0) {
		if (!req->status)
			resp_unavailable(req);
		return 1;
	}
	if (!rc) {
		dossier_not_found(req);
		return 1;
	}
	return 0;
}

/* Whether the owner may do `action` on d now: the state machine lets the owner do it. */
static int owner_may(const struct dossier *d, int action)
{
	const char *perms[8];
	size_t n = dossier_perms(d, action, perms, 8);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(perms[i], DOSSIER_PERM_OWNER))
			return 1;
	return 0;
}

/* The actions the owner may take now (the only one this part of the site offers is withdrawing). */
static json_t *owner_actions(const struct dossier *d)
{
	json_t *a = json_array();
	if (owner_may(d, DA_WITHDRAW))
		json_array_append_new(a, json_pack("{s:s,s:s}", "name", dossier_action_name(DA_WITHDRAW),
						   "label", label(dossier_action_label(DA_WITHDRAW))));
	return a;
}

/* The refusal of a withdrawal the state does not allow: the status, and what is allowed now. */
static const char *withdraw_refusal(struct request *req, const struct dossier *d, json_t *allowed)
{
	const char *what = _("Nothing more can be done to it online.");
	if (json_array_size(allowed)) {
		struct buf b = BUF_INIT;
		size_t i;
		json_t *v;
		json_array_foreach(allowed, i, v)
		{
			buf_addf(&b, "%s%s", i ? ", " : "", json_string_value(json_object_get(v, "label")));
		}
		what = arena_printf(&req->arena, _("What you can do now: %s."), b.ptr ? b.ptr : "");
		buf_release(&b);
	}
	return arena_printf(&req->arena, _("This dossier cannot be withdrawn: its status is “%s”. %s"),
			    label(dossier_status_label(d->status)), what);
}

/* Empty texts of a view as false, all through it: mustache takes "" for true. */
static void empty_to_false(json_t *v)
{
	const char *key;
	json_t *m;
	size_t i;
	if (json_is_object(v)) {
		json_object_foreach(v, key, m)
		{
			if (json_is_string(m) && !*json_string_value(m))
				json_object_set_new(v, key, json_false());
			else
				empty_to_false(m);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, m)
		{
			empty_to_false(m);
		}
	}
}

/* The papers asked for: the note of the last supplement request. */
static const char *supplement_request(const struct dossier *d)
{
	size_t n = d->nevents < DOSSIER_MAX_EVENTS ? d->nevents : DOSSIER_MAX_EVENTS;
	for (size_t i = n; i-- > 0;)
		if (d->events[i].action == DA_SUPPLEMENT)
			return d->events[i].note;
	return "";
}

static void render_mine_supply(struct request *req, int status, const struct dossier *d, const char *error,
			       const char *reason, json_t *wd_errors, const char *supply_error);

static void render_mine(struct request *req, int status, const struct dossier *d, const char *error,
			const char *reason, json_t *wd_errors)
{
	render_mine_supply(req, status, d, error, reason, wd_errors, NULL);
}

static void render_mine_supply(struct request *req, int status, const struct dossier *d, const char *error,
			       const char *reason, json_t *wd_errors, const char *supply_error)
{
	json_t *ctx = page_context(req, arena_printf(&req->arena, _("Dossier %s"), d->code));
	json_t *view = dossier_view(req, d, 0);
	json_t *applicant = json_object_get(view, "applicant");
	const char *msg = req_query(req, "msg");
	int can_withdraw = owner_may(d, DA_WITHDRAW);
	int confirming = can_withdraw && (req_query(req, "rut") || wd_errors);

	/* his own ID number, masked as on his account page */
	if (applicant && d->applicant.id_no)
		json_object_set_new(applicant, "id_no", json_string(masked_id(req, d->applicant.id_no)));
	empty_to_false(view);
	json_object_set_new(ctx, "d", view);
	json_object_set_new(ctx, "has_fee", json_boolean(d->fee_due > 0));
	json_object_set_new(ctx, "lookup_href",
			    json_sprintf(LOOKUP_PATH "?ma=%s", input_url_encode(req, d->code)));
	if (req_query(req, "nop") && d->status == DS_NEW)
		json_object_set_new(ctx, "submitted", json_true());
	if (msg && !strcmp(msg, "withdrawn"))
		json_object_set_new(ctx, "notice", json_string(_("The dossier has been withdrawn.")));
	if (msg && !strcmp(msg, "supplied"))
		json_object_set_new(
			ctx, "notice",
			json_string(_("The papers have been sent. The one-stop shop will check them.")));
	if (owner_may(d, DA_SUPPLIED) && d->status == DS_SUPPLEMENT) {
		json_t *docs = json_array();
		const char *request = supplement_request(d);
		for (size_t i = 0; i < d->ndocs; i++)
			json_array_append_new(docs, json_pack("{s:i,s:i,s:s}", "index", (int)i, "n",
							      (int)i + 1, "name", d->docs[i].name));
		json_object_set_new(ctx, "supply",
				    json_pack("{s:s,s:s,s:o,s:o,s:o}", "action",
					      arena_printf(&req->arena, MINE_PATH "/%s/bo-sung", d->code),
					      "csrf", req_csrf(req), "request", str_or_false(request),
					      "supply_error", str_or_false(supply_error), "documents", docs));
	}
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	json_object_set_new(ctx, "can_withdraw", json_boolean(can_withdraw && !confirming));
	if (confirming) {
		json_t *w = json_pack("{s:s,s:s,s:s,s:o,s:o}", "action",
				      arena_printf(&req->arena, MINE_PATH "/%s/rut", d->code), "csrf",
				      req_csrf(req), "reason", reason ? reason : "", "reason_error",
				      str_or_false(json_string_value(json_object_get(wd_errors, "reason"))),
				      "confirm_error",
				      str_or_false(json_string_value(json_object_get(wd_errors, "confirm"))));
		json_object_set_new(w, "cancel",
				    json_sprintf(MINE_PATH "/%s", input_url_encode(req, d->code)));
		json_object_set_new(ctx, "withdraw", w);
	}
	resp_header(req, "Cache-Control", "no-store");
	page_render(req, status, "my_dossier", ctx);
}

int page_my_dossier(struct request *req)
{
	const struct account *u;
	struct dossier d;
	if (citizen_only(req, msg_staff_mine(), &u))
		return 0;
	if (load_mine(req, db_thread(), &d))
		return 0;
	render_mine(req, 200, &d, NULL, NULL, NULL);
	return 0;
}

int page_my_dossier_supply(struct request *req)
{
	const struct account *u;
	struct db *db = db_thread();
	const char *note = form_text(req, "note"), *why = NULL, *problem = NULL;
	const char *sha[DOSSIER_MAX_DOCS] = { 0 }, *name[DOSSIER_MAX_DOCS] = { 0 },
		   *mime[DOSSIER_MAX_DOCS] = { 0 };
	struct dossier_act act;
	struct dossier d;
	size_t total = 0, nfiles = 0;
	int rc;

	if (citizen_only(req, msg_staff_mine(), &u))
		return 0;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	/* the dossier first (read only), to know its documents */
	if (load_mine(req, db, &d))
		return 0;
	if (d.status != DS_SUPPLEMENT || !owner_may(&d, DA_SUPPLIED)) {
		json_t *allowed = owner_actions(&d);
		render_mine(req, 409, &d, withdraw_refusal(req, &d, allowed), NULL, NULL);
		json_decref(allowed);
		return 0;
	}
	/* every file checked before any is kept */
	for (const struct upload *f = req->files; f && !problem; f = f->next) {
		long k = doc_index(f->field, d.ndocs);
		if (!f->size)
			continue;
		if (k < 0)
			problem = _("There is no such document in this dossier.");
		else if (sha[k])
			problem = _("Attach one file for each document.");
		else if (f->size > DOC_FILE_MAX)
			problem = _("A file may be at most 10 MB.");
		else if (!(mime[k] = upload_doc_type(f->path)))
			problem = _("A file must be a PDF, a JPEG or a PNG image.");
		else {
			total += f->size;
			name[k] = upload_file_name(req, f->filename, mime[k], (size_t)k);
			sha[k] = f->path; /* stored below */
			nfiles++;
		}
	}
	if (!problem && total > DOC_TOTAL_MAX)
		problem = _("The files together may be at most 32 MB.");
	if (!problem && !nfiles)
		problem = _("Attach at least one file.");
	if (!problem && !free_text_ok(note, NOTE_MAX))
		problem = _("The note is too long or holds characters that are not allowed.");
	if (problem) {
		render_mine_supply(req, 422, &d, NULL, NULL, NULL, problem);
		return 0;
	}
	for (size_t k = 0; k < d.ndocs; k++) {
		char *digest;
		if (!sha[k])
			continue;
		digest = arena_alloc(&req->arena, 65);
		if (files_store(the_app->cfg.data, sha[k], digest)) {
			log_error("event=files_store msg=\"supply failed\" id=%s", req->id);
			resp_unavailable(req);
			return 0;
		}
		sha[k] = digest;
	}
	if (db_begin(db)) {
		resp_unavailable(req);
		return 0;
	}
	/* again inside the transaction: the dossier may have moved since */
	if (load_mine(req, db, &d))
		goto out;
	if (d.status != DS_SUPPLEMENT || !owner_may(&d, DA_SUPPLIED)) {
		json_t *allowed = owner_actions(&d);
		db_rollback(db);
		render_mine(req, 409, &d, withdraw_refusal(req, &d, allowed), NULL, NULL);
		json_decref(allowed);
		goto out;
	}
	rc = 0;
	for (size_t k = 0; k < d.ndocs && !rc; k++)
		if (sha[k])
			rc = dossier_doc_attach(db, &d, k, sha[k], name[k], mime[k]);
	memset(&act, 0, sizeof(act));
	act.action = DA_SUPPLIED;
	act.note = *note ? note : _("Papers sent online.");
	act.actor_account = u->id;
	act.actor_name = *u->full_name ? u->full_name : CITIZEN_ACTOR;
	if (!rc)
		rc = dossier_apply(db, &req->arena, &d, &act, req_now(req), &why);
	if (!rc)
		rc = req_audit_json(req, db, "dossier.supplied",
				    arena_printf(&req->arena, "dossier:%s", d.code),
				    json_pack("{s:I,s:s}", "files", (json_int_t)nfiles, "status",
					      dossier_status_name(d.status)));
	if (!rc && !(rc = db_commit(db))) {
		resp_redirect(req, arena_printf(&req->arena, MINE_PATH "/%s?msg=supplied",
						input_url_encode(req, d.code)));
		goto out;
	}
	db_rollback(db);
	if (rc == DOSSIER_INVALID)
		render_mine_supply(req, 422, &d, NULL, NULL, NULL,
				   _(why ? why : N_("Some fields are not valid.")));
	else if (rc == DOSSIER_STATE) {
		json_t *allowed = owner_actions(&d);
		render_mine(req, 409, &d, withdraw_refusal(req, &d, allowed), NULL, NULL);
		json_decref(allowed);
	} else {
		resp_unavailable(req);
	}
out:
	if (db_in_transaction(db))
		db_rollback(db);
	return 0;
}

int page_my_dossier_withdraw(struct request *req)
{
	const struct account *u;
	struct db *db = db_thread();
	const char *reason = form_text(req, "reason"), *confirm = req_form(req, "confirm");
	const char *why = NULL;
	struct dossier_act act;
	struct dossier d;
	json_t *errors = NULL;
	int rc;

	if (citizen_only(req, msg_staff_mine(), &u))
		return 0;
	if (!db || db_begin(db)) {
		resp_unavailable(req);
		return 0;
	}
	if (load_mine(req, db, &d))
		goto out;
	if (!dossier_next(d.status, DA_WITHDRAW, d.received_at != 0, NULL) || !owner_may(&d, DA_WITHDRAW)) {
		json_t *allowed = owner_actions(&d);
		db_rollback(db);
		render_mine(req, 409, &d, withdraw_refusal(req, &d, allowed), NULL, NULL);
		json_decref(allowed);
		goto out;
	}
	errors = json_object();
	if (!*reason)
		json_object_set_new(errors, "reason",
				    json_string(_("Give the reason for withdrawing the dossier.")));
	else if (!free_text_ok(reason, REASON_MAX))
		json_object_set_new(
			errors, "reason",
			json_string(_("The reason may be at most 2,000 bytes (about 700 letters with "
				      "accents), without control characters.")));
	if (!confirm || strcmp(confirm, "yes"))
		json_object_set_new(errors, "confirm",
				    json_string(_("Tick the box to confirm that you withdraw the dossier.")));
	if (json_object_size(errors)) {
		db_rollback(db);
		render_mine(req, 422, &d, _("Please correct the fields marked below."), reason, errors);
		goto out;
	}
	memset(&act, 0, sizeof(act));
	act.action = DA_WITHDRAW;
	act.note = reason;
	act.actor_account = u->id;
	act.actor_name = *u->full_name ? u->full_name : CITIZEN_ACTOR;
	rc = dossier_apply(db, &req->arena, &d, &act, req_now(req), &why);
	if (rc == DOSSIER_OK) {
		/* the reason is the citizen's own words: it stays in the dossier, not in the audit log */
		rc = req_audit_json(req, db, "dossier.withdraw",
				    arena_printf(&req->arena, "dossier:%s", d.code),
				    json_pack("{s:s}", "status", dossier_status_name(d.status)));
		if (!rc)
			rc = db_commit(db);
		if (!rc) {
			log_info("event=dossier_withdraw code=%s id=%s", d.code, req->id);
			resp_redirect(req, arena_printf(&req->arena, MINE_PATH "/%s?msg=withdrawn",
							input_url_encode(req, d.code)));
			goto out;
		}
	}
	db_rollback(db);
	if (rc == DOSSIER_STATE) {
		json_t *allowed = owner_actions(&d);
		render_mine(req, 409, &d, withdraw_refusal(req, &d, allowed), NULL, NULL);
		json_decref(allowed);
	} else if (rc == DOSSIER_INVALID) {
		json_object_set_new(errors, "reason",
				    json_string(_(why ? why : N_("Some fields are not valid."))));
		render_mine(req, 422, &d, _("Please correct the fields marked below."), reason, errors);
	} else {
		log_error("event=db msg=\"withdrawal failed\" rc=%d id=%s", rc, req->id);
		resp_unavailable(req);
	}
out:
	if (db_in_transaction(db))
		db_rollback(db);
	json_decref(errors);
	return 0;
}

/* ---- the public lookup ---- */

/* Lookups per address: a small set-associative table of fixed one-minute windows. */
#define RATE_SETS 1024
#define RATE_WAYS 4

struct rate_slot {
	uint64_t key; /* a keyed hash of the client address (never the address), 0 = free */
	int64_t start;
	unsigned count;
};

static struct rate_slot rate_table[RATE_SETS][RATE_WAYS];
static pthread_mutex_t rate_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char rate_key[crypto_shorthash_KEYBYTES];
static pthread_once_t rate_once = PTHREAD_ONCE_INIT;

static void rate_key_init(void)
{
	randombytes_buf(rate_key, sizeof(rate_key));
}

/* Count one lookup from the client: 0 when it may go on, else the seconds to wait. */
static int64_t lookup_throttled(const struct request *req, int64_t now)
{
	unsigned char h[crypto_shorthash_BYTES];
	struct rate_slot *set, *slot = NULL;
	uint64_t key;
	int64_t wait = 0;

	pthread_once(&rate_once, rate_key_init);
	{
		/* an IPv6 client holds a whole /64: it counts as one */
		unsigned char v6[16];
		if (strchr(req->client_ip, ':') && inet_pton(AF_INET6, req->client_ip, v6) == 1)
			crypto_shorthash(h, v6, 8, rate_key);
		else
			crypto_shorthash(h, (const unsigned char *)req->client_ip, strlen(req->client_ip),
					 rate_key);
	}
	memcpy(&key, h, sizeof(key));
	key |= 1; /* never 0, the free mark */
	set = rate_table[(key >> 1) % RATE_SETS];

	pthread_mutex_lock(&rate_lock);
	for (int i = 0; i < RATE_WAYS && !slot; i++)
		if (set[i].key == key)
			slot = &set[i];
	if (!slot) {
		/* a free slot, else the one whose window began first (an expired one before any other) */
		slot = &set[0];
		for (int i = 0; i < RATE_WAYS; i++) {
			if (!set[i].key) {
				slot = &set[i];
				break;
			}
			if (set[i].start < slot->start)
				slot = &set[i];
		}
		slot->key = key;
		slot->start = now;
		slot->count = 0;
	}
	if (now - slot->start >= LOOKUP_WINDOW || now < slot->start) {
		slot->start = now;
		slot->count = 0;
	}
	if (slot->count >= LOOKUP_RATE)
		wait = slot->start + LOOKUP_WINDOW - now;
	else
		slot->count++;
	pthread_mutex_unlock(&rate_lock);
	return wait > 0 ? wait : 0;
}

static const char *msg_lookup_throttled(void)
{
	return _("Too many lookups from your address. Please wait a minute and try again.");
}

static const char *msg_lookup_not_found(void)
{
	return _("No dossier was found with this code and these 4 digits. Check both and try again.");
}

/* The code as typed, with letters made upper case (agency codes are: 000.01.15.H26). */
static const char *code_norm(struct request *req, const char *s)
{
	char *out = arena_strdup(&req->arena, s);
	for (char *c = out; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
	return out;
}

/* The 4 digits as typed, spaces removed. */
static const char *check_norm(struct request *req, const char *s)
{
	char *out = arena_alloc(&req->arena, strlen(s) + 1), *o = out;
	for (; *s; s++)
		if (*s != ' ')
			*o++ = *s;
	*o = '\0';
	return out;
}

static int check_ok(const char *s)
{
	if (strlen(s) != 4)
		return 0;
	for (int i = 0; i < 4; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* The unit an event happened at: the step started last before it, else the receiving unit. */
static int64_t event_unit(const struct dossier *d, const struct dossier_event *e)
{
	int64_t unit = d->receiving_unit, started = -1;
	for (size_t i = 0; i < d->nsteps; i++) {
		const struct dossier_step *s = &d->steps[i];
		if (s->unit_id && s->started_at && s->started_at <= e->at && s->started_at >= started) {
			unit = s->unit_id;
			started = s->started_at;
		}
	}
	return unit;
}

/*
 * What anyone with the code and the 4 digits may see: the procedure, the
 * units, the status, the dates, the steps and the public events — never a
 * name, ID number, phone, email, address, note, reason or result text,
 * which could carry personal data.
 */
static json_t *public_view(struct request *req, struct db *db, const struct dossier *d, int api)
{
	struct unit_names names = { .n = 0 };
	json_t *o = json_object(), *steps = json_array(), *events = json_array();
	static const struct {
		const char *key;
		size_t off;
	} dates[] = {
		{ "submitted", offsetof(struct dossier, submitted_at) },
		{ "received", offsetof(struct dossier, received_at) },
		{ "due", offsetof(struct dossier, due_at) },
		{ "finished", offsetof(struct dossier, finished_at) },
		{ "returned", offsetof(struct dossier, returned_at) },
	};

	json_object_set_new(o, "code", json_string(d->code));
	json_object_set_new(o, "procedure",
			    json_pack("{s:s,s:s}", "code", d->procedure_code, "name", d->procedure_name));
	json_object_set_new(o, "receiving_unit",
			    json_pack("{s:s}", "name", unit_name(req, db, &names, d->receiving_unit)));
	json_object_set_new(o, "current_unit",
			    json_pack("{s:s}", "name", unit_name(req, db, &names, d->current_unit)));
	json_object_set_new(o, "status", json_string(dossier_status_name(d->status)));
	json_object_set_new(o, "status_label", json_string(label(dossier_status_label(d->status))));
	json_object_set_new(o, "channel_label", json_string(label(dossier_channel_label(d->channel))));
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		int64_t t = *(const int64_t *)((const char *)d + dates[i].off);
		if (api)
			json_object_set_new(o, arena_printf(&req->arena, "%s_at", dates[i].key),
					    dossier_iso(t));
		else
			json_object_set_new(o, arena_printf(&req->arena, "%s_text", dates[i].key),
					    str_or_false(dossier_when_text(req, t)));
	}
	if (d->apology_at) {
		/* form 04: the new appointment (its reason stays inside) */
		if (api)
			json_object_set_new(o, "new_due_at", dossier_iso(d->apology_due_at));
		else
			json_object_set_new(o, "new_due_text",
					    json_string(dossier_when_text(req, d->apology_due_at)));
	}
	for (size_t i = 0; i < d->nsteps; i++) {
		const struct dossier_step *s = &d->steps[i];
		json_t *j = json_pack("{s:I,s:s,s:s,s:s}", "n", (json_int_t)i + 1, "name", s->name,
				      "responsible", s->responsible, "unit",
				      unit_name(req, db, &names, s->unit_id));
		if (api) {
			json_object_set_new(j, "started_at", dossier_iso(s->started_at));
			json_object_set_new(j, "due_at", dossier_iso(s->due_at));
			json_object_set_new(j, "finished_at", dossier_iso(s->finished_at));
		} else {
			json_object_set_new(j, "started_text",
					    json_string(dossier_when_text(req, s->started_at)));
			json_object_set_new(j, "due_text", json_string(dossier_when_text(req, s->due_at)));
			json_object_set_new(j, "finished_text",
					    json_string(dossier_when_text(req, s->finished_at)));
			json_object_set_new(j, "current",
					    json_boolean((int)i == d->step && s->started_at &&
							 !s->finished_at &&
							 !dossier_status_final(d->status)));
		}
		json_array_append_new(steps, j);
	}
	/* the loader keeps the last DOSSIER_MAX_EVENTS of a longer timeline */
	for (size_t i = 0; i < d->nevents && i < DOSSIER_MAX_EVENTS; i++) {
		const struct dossier_event *e = &d->events[i];
		const char *action_label;
		json_t *j;
		if (!e->public_)
			continue;
		action_label = e->action		  ? label(dossier_action_label(e->action))
			       : d->channel == DCH_ONLINE ? _("Submitted online")
							  : _("Received");
		j = json_pack("{s:s,s:s,s:s,s:s,s:s}", "action",
			      e->action ? dossier_action_name(e->action) : "submit", "action_label",
			      action_label, "status",
			      dossier_status_name(e->status_to) ? dossier_status_name(e->status_to) : "",
			      "status_label", label(dossier_status_label(e->status_to)), "unit",
			      unit_name(req, db, &names, event_unit(d, e)));
		json_object_set_new(j, api ? "at" : "at_text",
				    api ? dossier_iso(e->at) : json_string(dossier_when_text(req, e->at)));
		json_array_append_new(events, j);
	}
	json_object_set_new(o, "steps", steps);
	json_object_set_new(o, "timeline", events);
	return o;
}

/*
 * Look the dossier up: 200 with *d; 404 for an unknown code and a wrong
 * check alike; 429 with *wait; 503. Counts the attempt against the
 * client's address first.
 */
static int lookup(struct request *req, const char *code, const char *check, struct dossier *d, int64_t *wait)
{
	struct db *db = db_thread();
	int rc;
	if ((*wait = lookup_throttled(req, req_now(req)))) {
		log_info("event=lookup_throttled id=%s", req->id);
		return 429;
	}
	if (!db)
		return 503;
	rc = dossier_lookup(db, &req->arena, code, check, d);
	if (rc < 0)
		return 503;
	return rc == DOSSIER_OK ? 200 : 404;
}

static void retry_after(struct request *req, int64_t wait)
{
	resp_header(req, "Retry-After", arena_printf(&req->arena, "%lld", (long long)wait));
}

int page_lookup(struct request *req)
{
	/* ?ma= is what the QR code of form 01 opens: the code filled in, the 4 digits still to type */
	const char *ma = req_query(req, "ma");
	const char *code =
		code_norm(req, input_trim(req, req_query(req, "code") ? req_query(req, "code") : ma));
	const char *check_typed = req_query(req, "check");
	const char *check = check_norm(req, input_trim(req, check_typed));
	json_t *ctx = page_context(req, _("Dossier lookup"));
	json_t *errors = json_object();
	int status = 200;

	json_object_set_new(ctx, "form", json_pack("{s:s,s:s}", "code", code, "check", check));
	/* never cached: the answer changes as the dossier moves, and the URL holds the 4 digits */
	resp_header(req, "Cache-Control", "no-store");
	if (check_typed) {
		struct dossier d;
		int64_t wait = 0;
		if (!*code)
			json_object_set_new(errors, "code", json_string(_("Enter the dossier code.")));
		else if (!dossier_code_valid(code))
			json_object_set_new(
				errors, "code",
				json_string(_("A dossier code reads like 000.01.15.H26-261126-0001.")));
		if (!check_ok(check))
			json_object_set_new(
				errors, "check",
				json_string(_("Enter the last 4 digits of the applicant's phone number or "
					      "citizen ID number.")));
		if (json_object_size(errors)) {
			status = 400;
			json_object_set_new(ctx, "error",
					    json_string(_("Please correct the fields marked below.")));
		} else {
			status = lookup(req, code, check, &d, &wait);
			if (status == 200) {
				json_t *view = public_view(req, db_thread(), &d, 0);
				/* returned and not yet rated: its rating link (features/satisfaction.h) */
				if (d.status == DS_RETURNED) {
					struct satisfaction_dossier sd;
					char key[SATISFACTION_KEY_LEN + 1];
					if (!satisfaction_dossier(db_thread(), &req->arena, d.code, &sd) &&
					    !sd.rated_at && !satisfaction_key(db_thread(), d.code, key))
						json_object_set_new(view, "rate_url",
								    json_sprintf("/danh-gia/%s?k=%s", d.code,
										 key));
				}
				/* awaiting its fee, with a payment provider: pay it online from here */
				if (d.status == DS_AWAITING_FEE && !d.fee_paid && d.fee_due > 0 &&
				    the_app->cfg.payment.gateway)
					json_object_set_new(view, "pay",
							    json_pack("{s:s,s:s,s:s}", "code", d.code,
								      "check", check, "amount_text",
								      amount_text(req, d.fee_due)));
				json_object_set_new(ctx, "result", view);
			} else if (status == 404) {
				json_object_set_new(ctx, "error", json_string(msg_lookup_not_found()));
			} else if (status == 429) {
				retry_after(req, wait);
				json_object_set_new(ctx, "error", json_string(msg_lookup_throttled()));
			} else {
				json_object_set_new(ctx, "error", json_string(msg_unavailable()));
			}
		}
	}
	json_object_set_new(ctx, "errors", errors);
	page_render(req, status, "lookup", ctx);
	return 0;
}

int api_public_lookup(struct request *req)
{
	const char *code = code_norm(req, input_trim(req, req_query(req, "code")));
	const char *check = check_norm(req, input_trim(req, req_query(req, "check")));
	struct dossier d;
	int64_t wait = 0;
	int status;

	resp_header(req, "Cache-Control", "no-store");
	if (!dossier_code_valid(code) || !check_ok(check)) {
		resp_error(
			req, 400, "bad_request",
			_("Give code (the dossier code) and check (the last 4 digits of the applicant's phone "
			  "number or citizen ID number)."));
		return 0;
	}
	status = lookup(req, code, check, &d, &wait);
	switch (status) {
	case 200:
		resp_json(req, 200, json_pack("{s:o}", "dossier", public_view(req, db_thread(), &d, 1)));
		break;
	case 404: resp_error(req, 404, "not_found", msg_lookup_not_found()); break;
	case 429:
		retry_after(req, wait);
		resp_error(req, 429, "too_many_requests", msg_lookup_throttled());
		break;
	default: resp_unavailable(req);
	}
	return 0;
}

/* ---- paying the fee online (features/payments.h) ---- */

static void payment_config(struct request *req, struct payment_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->provider = "sandbox";
	cfg->gateway_url = the_app->cfg.payment.gateway;
	cfg->secret = the_app->cfg.payment.secret_len ? the_app->cfg.payment.secret : NULL;
	cfg->secret_len = the_app->cfg.payment.secret_len;
	cfg->keys_dir = arena_printf(&req->arena, "%s/receipt-keys", the_app->cfg.data);
}

/*
 * Start paying dossier `code` found with its 4 digits (as /tra-cuu finds it): the status to
 * answer (201, or after resp_error), *redirect the provider's page.
 */
static int pay_start(struct request *req, const char *code_in, const char *check_in, const char **redirect,
		     int64_t *id, int64_t *amount)
{
	struct payment_config cfg;
	struct dossier d;
	struct db *db = db_thread();
	const char *code = code_norm(req, code_in ? code_in : ""),
		   *check = check_norm(req, check_in ? check_in : "");
	const char *why = NULL, *site = req_site_url(req);
	int64_t wait = lookup_throttled(req, req_now(req));
	int rc;

	if (wait) {
		resp_header(req, "Retry-After", arena_printf(&req->arena, "%lld", (long long)wait));
		resp_error(req, 429, "too_many_requests", msg_lookup_throttled());
		return 429;
	}
	if (!db) {
		resp_unavailable(req);
		return 503;
	}
	if (!check_ok(check) ||
	    (rc = dossier_lookup(db, &req->arena, code, check, &d)) == DOSSIER_NOT_FOUND) {
		resp_error(req, 404, "not_found", msg_lookup_not_found());
		return 404;
	}
	if (rc || db_begin(db)) {
		resp_unavailable(req);
		return 503;
	}
	payment_config(req, &cfg);
	rc = payment_start(db, &req->arena, &cfg, d.code, req_user(req) ? req_user(req)->id : 0,
			   arena_printf(&req->arena, "%s/tra-cuu?code=%s", site, d.code),
			   arena_printf(&req->arena, "%s/api/v1/payments/callback", site), req_now(req), id,
			   amount, redirect, &why);
	if (rc == PAYMENT_OK && !(rc = db_commit(db)))
		return 201;
	db_rollback(db);
	if (rc == PAYMENT_CONFLICT)
		resp_error(req, 409, "conflict", _(why));
	else if (rc == PAYMENT_NOT_FOUND)
		resp_error(req, 404, "not_found", msg_lookup_not_found());
	else
		resp_unavailable(req);
	return req->status;
}

int page_lookup_pay(struct request *req)
{
	const char *redirect = NULL;
	int64_t id, amount;
	const char *code = req_form(req, "code");
	json_t *ctx;
	if (pay_start(req, code, req_form(req, "check"), &redirect, &id, &amount) != 201)
		return 0;
	/* a link to the provider, not a redirect: the pages' CSP keeps form posts on this site */
	ctx = page_context(req, _("Pay the fee online"));
	json_object_set_new(ctx, "code", json_string(code_norm(req, code)));
	json_object_set_new(ctx, "amount_text", json_string(amount_text(req, amount)));
	json_object_set_new(ctx, "redirect", json_string(redirect));
	resp_header_static(req, "Cache-Control", "no-store");
	page_render(req, 201, "payment_start", ctx);
	return 0;
}

int api_public_payment_start(struct request *req)
{
	const char *redirect = NULL;
	int64_t id, amount;
	if (!req->json || !json_is_object(req->json)) {
		resp_error(req, 400, "bad_request", _("Send the request as a JSON document."));
		return 0;
	}
	if (pay_start(req, json_string_value(json_object_get(req->json, "dossier")),
		      json_string_value(json_object_get(req->json, "check")), &redirect, &id, &amount) == 201)
		resp_json(req, 201,
			  json_pack("{s:I,s:I,s:s}", "payment", (json_int_t)id, "amount", (json_int_t)amount,
				    "redirect_url", redirect));
	return 0;
}

int api_payment_callback(struct request *req)
{
	struct payment_config cfg;
	struct db *db = db_thread();
	const char *why = NULL;
	int64_t receipt = 0;
	int rc;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	payment_config(req, &cfg);
	rc = payment_callback(db, &req->arena, &cfg, req->body.ptr ? req->body.ptr : "", req->body.len,
			      req_header(req, "X-Signature"), req_now(req), &receipt, &why);
	switch (rc) {
	case PAYMENT_OK:
		resp_json(req, 200, json_pack("{s:s,s:I}", "status", "ok", "receipt", (json_int_t)receipt));
		break;
	case PAYMENT_BAD_SIGNATURE:
		resp_error(req, 401, "bad_signature", _("The signature of the callback is not valid."));
		break;
	case PAYMENT_NOT_FOUND: resp_error(req, 404, "not_found", _("There is no such payment.")); break;
	case PAYMENT_INVALID: resp_error(req, 422, "invalid", _(why)); break;
	case PAYMENT_CONFLICT: resp_error(req, 409, "conflict", _(why)); break;
	case PAYMENT_NO_RECEIPT: resp_error(req, 503, "no_receipt", _(why)); break;
	default: resp_unavailable(req);
	}
	return 0;
}
