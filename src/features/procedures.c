/* procedures.c: the procedure catalogue in the database: versions, publishing, search, import and export. */
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <xlsxwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/buf.h"
#include "core/embed.h"
#include "core/i18n.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "features/procedures.h"
#include "features/settings.h"
#include "features/xlsx.h"
#include "rules/fold.h"
#include "store/counter.h"
#include "core/banned.h"

/* Shape errors of a document (procedure_from_json) and of an import. */
#define MSG_REQUIRED  N_("This information is missing.")
#define MSG_NOT_TEXT  N_("This must be text.")
#define MSG_BAD_TEXT  N_("The text contains characters that are not allowed.")
#define MSG_NOT_INT   N_("This must be a whole number.")
#define MSG_NOT_BOOL  N_("This must be true or false.")
#define MSG_NOT_LIST  N_("This must be a list.")
#define MSG_NOT_OBJ   N_("This must be a group of values in braces { }.")
#define MSG_UNKNOWN   N_("This value is not one of the allowed names.")
#define MSG_TOO_MANY  N_("This list has too many entries.")
#define MSG_DOC_OBJ   N_("A procedure must be a JSON object.")
#define MSG_JSON      N_("The JSON data is not valid.")
#define MSG_NOT_ARRAY N_("The file must be a JSON array of procedures.")
#define MSG_EMPTY     N_("The file has no procedures.")
#define MSG_TOO_BIG   N_("The file has more than 10,000 procedures.")
#define MSG_NOT_UTF8  N_("The file is not valid UTF-8 text.")
#define MSG_NO_FIELD  N_("This field (lĩnh vực) is not in the list of fields.")
#define MSG_FORM_UNKNOWN \
	N_("This blank form file is not among the uploaded blank forms: upload it on the procedure's page.")
#define MSG_FIELD_INACTIVE N_("This field is no longer in use: choose another field from the list.")
#define MSG_DUP_CODE	   N_("This code appears more than once in the file.")
#define MSG_CSV_OPEN	   N_("A quoted value is not closed: a quote mark is missing.")
#define MSG_CSV_AFTER	   N_("After a closing quote mark there must be a comma or the end of the line.")
#define MSG_CSV_QUOTE	   N_("A quote mark inside a value must be in a quoted value and written twice.")
#define MSG_CSV_COLS	   N_("This row does not have as many columns as the header row.")
#define MSG_CSV_UNK	   N_("The header row has a column that is not known.")
#define MSG_CSV_MISS	   N_("The header row lacks a column.")
#define MSG_CSV_TWICE	   N_("A column appears twice in the header row.")

#define IMPORT_MAX_ROWS 10000
#define QUERY_MAX_WORDS 16
#define CSV_MAX_COLUMNS 64

/* ---- the JSON document ---- */

/* Where a document's shape errors go, counted. */
struct jctx {
	struct arena *a;
	void (*err)(void *ctx, const char *field, const char *msgid);
	void *ctx;
	int n;
};

static void jerr(struct jctx *j, const char *field, const char *msgid)
{
	j->n++;
	if (j->err)
		j->err(j->ctx, field, msgid);
}

/* A present value: not missing and not null. */
static const json_t *jget(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return v && !json_is_null(v) ? v : NULL;
}

/* A text, copied into the arena; "" when missing (an error when required) or wrong. */
static const char *jtext(struct jctx *j, const json_t *o, const char *key, const char *field, int required)
{
	const json_t *v = jget(o, key);
	const char *s;
	size_t len;

	if (!v) {
		if (required)
			jerr(j, field, MSG_REQUIRED);
		return "";
	}
	if (!json_is_string(v)) {
		jerr(j, field, MSG_NOT_TEXT);
		return "";
	}
	s = json_string_value(v);
	len = json_string_length(v);
	if (strlen(s) != len) { /* "\u0000" inside */
		jerr(j, field, MSG_BAD_TEXT);
		return "";
	}
	return arena_strndup(j->a, s, len);
}

/* A whole number into *out (left alone when missing: an error when required). 1 when set. */
static int jint(struct jctx *j, const json_t *o, const char *key, const char *field, int required,
		int64_t *out)
{
	const json_t *v = jget(o, key);

	if (!v) {
		if (required)
			jerr(j, field, MSG_REQUIRED);
		return 0;
	}
	if (!json_is_integer(v)) {
		jerr(j, field, MSG_NOT_INT);
		return 0;
	}
	*out = (int64_t)json_integer_value(v);
	return 1;
}

/* An int-sized number: values past int become -1, which the rules refuse. */
static int clamp_int(int64_t v)
{
	return v < -1 || v > 1000000000 ? -1 : (int)v;
}

/* A name from a list (levels, online modes …) as its enum; 0 when missing or unknown. */
static int jname(struct jctx *j, const json_t *o, const char *key, const char *field, int required,
		 int (*from_name)(const char *))
{
	const json_t *v = jget(o, key);
	int e;

	if (!v) {
		if (required)
			jerr(j, field, MSG_REQUIRED);
		return 0;
	}
	if (!json_is_string(v)) {
		jerr(j, field, MSG_NOT_TEXT);
		return 0;
	}
	e = from_name(json_string_value(v));
	if (!e)
		jerr(j, field, MSG_UNKNOWN);
	return e;
}

/* An array, or NULL when missing (an error when required) or not one. */
static const json_t *jarray(struct jctx *j, const json_t *o, const char *key, int required)
{
	const json_t *v = jget(o, key);

	if (!v) {
		if (required)
			jerr(j, key, MSG_REQUIRED);
		return NULL;
	}
	if (!json_is_array(v)) {
		jerr(j, key, MSG_NOT_LIST);
		return NULL;
	}
	return v;
}

static int fee_kind_from_name(const char *name)
{
	/* enum values + 1 so that 0 stays "unknown" */
	if (!strcmp(name, "fee"))
		return 1;
	if (!strcmp(name, "charge"))
		return 2;
	return 0;
}

static void fee_from_json(struct jctx *j, const json_t *o, const char *field, struct fee_line *l)
{
	const json_t *tiers;
	int64_t v;

	memset(l, 0, sizeof(*l));
	if (!json_is_object(o)) {
		l->name = "";
		jerr(j, field, MSG_NOT_OBJ);
		return;
	}
	l->name = jtext(j, o, "name", field, 1);
	l->kind = jname(j, o, "kind", field, 1, fee_kind_from_name) - 1;
	if (l->kind < 0)
		l->kind = 0;
	l->per = jname(j, o, "per", field, 1, fee_per_from_name);
	if (jint(j, o, "amount", field, 1, &v))
		l->amount = v;
	if (jint(j, o, "min", field, 0, &v))
		l->min = v;
	if (jint(j, o, "max", field, 0, &v))
		l->max = v;
	tiers = jget(o, "tiers");
	if (tiers && !json_is_array(tiers)) {
		jerr(j, field, MSG_NOT_LIST);
	} else if (tiers) {
		size_t n = json_array_size(tiers);
		if (n > FEE_MAX_TIERS) {
			jerr(j, field, MSG_TOO_MANY);
			n = FEE_MAX_TIERS;
		}
		for (size_t i = 0; i < n; i++) {
			const json_t *t = json_array_get(tiers, i);
			struct fee_tier *ft = &l->tiers[l->ntiers++];
			if (!json_is_object(t)) {
				jerr(j, field, MSG_NOT_OBJ);
				continue;
			}
			if (jint(j, t, "from", field, 1, &v))
				ft->from = clamp_int(v);
			if (jint(j, t, "to", field, 0, &v))
				ft->to = clamp_int(v);
			if (jint(j, t, "amount", field, 1, &v))
				ft->amount = v;
		}
	}
}

static void document_from_json(struct jctx *j, const json_t *o, const char *field, struct proc_document *d)
{
	const json_t *form;
	int64_t v;

	d->name = d->form_name = d->form_file = "";
	d->kind = 0;
	d->count = 1;
	if (!json_is_object(o)) {
		jerr(j, field, MSG_NOT_OBJ);
		return;
	}
	d->name = jtext(j, o, "name", field, 1);
	d->kind = jname(j, o, "kind", field, 1, proc_doc_kind_from_name);
	if (jint(j, o, "count", field, 0, &v))
		d->count = clamp_int(v);
	form = jget(o, "form");
	if (form && !json_is_object(form)) {
		jerr(j, field, MSG_NOT_OBJ);
	} else if (form) {
		d->form_name = jtext(j, form, "name", field, 0);
		d->form_file = jtext(j, form, "file", field, 0);
	}
}

static void step_from_json(struct jctx *j, const json_t *o, const char *field, struct proc_step *s)
{
	int64_t v;

	s->name = s->responsible = s->role = "";
	s->level = 0;
	s->hours = 0;
	if (!json_is_object(o)) {
		jerr(j, field, MSG_NOT_OBJ);
		return;
	}
	s->name = jtext(j, o, "name", field, 1);
	s->responsible = jtext(j, o, "responsible", field, 1);
	s->role = jtext(j, o, "role", field, 0);
	s->level = jname(j, o, "level", field, 1, proc_level_from_name);
	if (jint(j, o, "hours", field, 1, &v))
		s->hours = v;
}

/* How many entries of a list to read: at most `max`, an error past it. */
static size_t list_size(struct jctx *j, const json_t *arr, const char *key, size_t max)
{
	size_t n = arr ? json_array_size(arr) : 0;

	if (n > max) {
		jerr(j, key, MSG_TOO_MANY);
		n = max;
	}
	return n;
}

int procedure_from_json(const json_t *doc, struct arena *a, struct procedure *p,
			void (*err)(void *ctx, const char *field, const char *msgid), void *ctx)
{
	struct jctx j = { a, err, ctx, 0 };
	const json_t *time, *fees, *docs, *steps, *v;
	char field[32];
	size_t n;

	memset(p, 0, sizeof(*p));
	p->code = p->name = p->field = p->receiving = p->deciding = p->time_note = p->fee_note = "";
	p->result = p->legal_basis = p->conditions = "";
	if (!json_is_object(doc)) {
		jerr(&j, "", MSG_DOC_OBJ);
		return j.n;
	}
	p->code = jtext(&j, doc, "code", "code", 1);
	p->name = jtext(&j, doc, "name", "name", 1);
	p->field = jtext(&j, doc, "field", "field", 1);
	p->level = jname(&j, doc, "level", "level", 1, proc_level_from_name);
	/* a procedure of one level need not repeat it: received and decided there */
	p->receive_level = jget(doc, "receive_level")
				   ? jname(&j, doc, "receive_level", "receive_level", 1, proc_level_from_name)
				   : p->level;
	p->decide_level = jget(doc, "decide_level")
				  ? jname(&j, doc, "decide_level", "decide_level", 1, proc_level_from_name)
				  : p->level;
	v = jget(doc, "inter_level");
	if (!v)
		p->inter_level = p->receive_level != p->decide_level;
	else if (json_is_boolean(v))
		p->inter_level = json_is_true(v);
	else
		jerr(&j, "inter_level", MSG_NOT_BOOL);
	p->receiving = jtext(&j, doc, "receiving", "receiving", 1);
	p->deciding = jtext(&j, doc, "deciding", "deciding", 1);

	time = jget(doc, "time");
	if (!time) {
		jerr(&j, "time", MSG_REQUIRED);
	} else if (!json_is_object(time)) {
		jerr(&j, "time", MSG_NOT_OBJ);
	} else {
		int64_t amount;
		if (jint(&j, time, "amount", "time", 1, &amount))
			p->time_amount = amount;
		p->time_unit = jname(&j, time, "unit", "time", 1, proc_time_unit_from_name);
		p->time_note = jtext(&j, time, "note", "time", 0);
	}

	fees = jarray(&j, doc, "fees", 0);
	n = list_size(&j, fees, "fees", PROC_MAX_FEES);
	for (size_t i = 0; i < n; i++) {
		snprintf(field, sizeof(field), "fees[%zu]", i);
		fee_from_json(&j, json_array_get(fees, i), field, &p->fees[i]);
	}
	p->nfees = n;
	p->fee_note = jtext(&j, doc, "fee_note", "fee_note", 0);

	docs = jarray(&j, doc, "documents", 0);
	n = list_size(&j, docs, "documents", PROC_MAX_DOCUMENTS);
	for (size_t i = 0; i < n; i++) {
		snprintf(field, sizeof(field), "documents[%zu]", i);
		document_from_json(&j, json_array_get(docs, i), field, &p->documents[i]);
	}
	p->ndocuments = n;

	p->result = jtext(&j, doc, "result", "result", 1);
	p->legal_basis = jtext(&j, doc, "legal_basis", "legal_basis", 1);
	p->conditions = jtext(&j, doc, "conditions", "conditions", 0);
	p->online = jname(&j, doc, "online", "online", 1, proc_online_from_name);

	steps = jarray(&j, doc, "steps", 1);
	n = list_size(&j, steps, "steps", PROC_MAX_STEPS);
	for (size_t i = 0; i < n; i++) {
		snprintf(field, sizeof(field), "steps[%zu]", i);
		step_from_json(&j, json_array_get(steps, i), field, &p->steps[i]);
	}
	p->nsteps = n;
	return j.n;
}

/* A JSON string of s ("" for NULL or text jansson refuses: the rules refuse it too). */
static json_t *jstr(const char *s)
{
	json_t *v = json_string(s ? s : "");
	return v ? v : json_string("");
}

/* A name of an enum, or null for a value that has none. */
static json_t *jenum(const char *name)
{
	return name ? json_string(name) : json_null();
}

/* A number, or null when 0 ("to", "min", "max": none). */
static json_t *jopt(int64_t v)
{
	return v ? json_integer(v) : json_null();
}

json_t *procedure_to_json(const struct procedure *p)
{
	json_t *doc = json_object(), *time = json_object(), *fees = json_array(), *docs = json_array();
	json_t *steps = json_array();

	json_object_set_new(doc, "code", jstr(p->code));
	json_object_set_new(doc, "name", jstr(p->name));
	json_object_set_new(doc, "field", jstr(p->field));
	json_object_set_new(doc, "level", jenum(proc_level_name(p->level)));
	json_object_set_new(doc, "inter_level", json_boolean(p->inter_level));
	json_object_set_new(doc, "receive_level", jenum(proc_level_name(p->receive_level)));
	json_object_set_new(doc, "decide_level", jenum(proc_level_name(p->decide_level)));
	json_object_set_new(doc, "receiving", jstr(p->receiving));
	json_object_set_new(doc, "deciding", jstr(p->deciding));
	json_object_set_new(time, "amount", json_integer(p->time_amount));
	json_object_set_new(time, "unit", jenum(proc_time_unit_name(p->time_unit)));
	json_object_set_new(time, "note", jstr(p->time_note));
	json_object_set_new(doc, "time", time);
	for (size_t i = 0; i < p->nfees && i < PROC_MAX_FEES; i++) {
		const struct fee_line *l = &p->fees[i];
		json_t *f = json_object(), *tiers = json_array();
		json_object_set_new(f, "name", jstr(l->name));
		json_object_set_new(f, "kind", json_string(l->kind ? "charge" : "fee"));
		json_object_set_new(f, "per", jenum(fee_per_name(l->per)));
		json_object_set_new(f, "amount", json_integer(l->amount));
		for (int t = 0; t < l->ntiers && t < FEE_MAX_TIERS; t++) {
			json_t *tier = json_object();
			json_object_set_new(tier, "from", json_integer(l->tiers[t].from));
			json_object_set_new(tier, "to", jopt(l->tiers[t].to));
			json_object_set_new(tier, "amount", json_integer(l->tiers[t].amount));
			json_array_append_new(tiers, tier);
		}
		json_object_set_new(f, "tiers", tiers);
		json_object_set_new(f, "min", jopt(l->min));
		json_object_set_new(f, "max", jopt(l->max));
		json_array_append_new(fees, f);
	}
	json_object_set_new(doc, "fees", fees);
	json_object_set_new(doc, "fee_note", jstr(p->fee_note));
	for (size_t i = 0; i < p->ndocuments && i < PROC_MAX_DOCUMENTS; i++) {
		const struct proc_document *d = &p->documents[i];
		json_t *o = json_object();
		json_object_set_new(o, "name", jstr(d->name));
		json_object_set_new(o, "kind", jenum(proc_doc_kind_name(d->kind)));
		json_object_set_new(o, "count", json_integer(d->count));
		if ((d->form_file && *d->form_file) || (d->form_name && *d->form_name)) {
			json_t *form = json_object();
			json_object_set_new(form, "name", jstr(d->form_name));
			json_object_set_new(form, "file", jstr(d->form_file));
			json_object_set_new(o, "form", form);
		} else {
			json_object_set_new(o, "form", json_null());
		}
		json_array_append_new(docs, o);
	}
	json_object_set_new(doc, "documents", docs);
	json_object_set_new(doc, "result", jstr(p->result));
	json_object_set_new(doc, "legal_basis", jstr(p->legal_basis));
	json_object_set_new(doc, "conditions", jstr(p->conditions));
	json_object_set_new(doc, "online", jenum(proc_online_name(p->online)));
	for (size_t i = 0; i < p->nsteps && i < PROC_MAX_STEPS; i++) {
		const struct proc_step *s = &p->steps[i];
		json_t *o = json_object();
		json_object_set_new(o, "name", jstr(s->name));
		json_object_set_new(o, "responsible", jstr(s->responsible));
		json_object_set_new(o, "role", jstr(s->role));
		json_object_set_new(o, "level", jenum(proc_level_name(s->level)));
		json_object_set_new(o, "hours", json_integer(s->hours));
		json_array_append_new(steps, o);
	}
	json_object_set_new(doc, "steps", steps);
	return doc;
}

/* ---- storage ---- */

static int status_from_name(const char *s)
{
	if (!s)
		return 0;
	if (!strcmp(s, "draft"))
		return PROC_DRAFT;
	if (!strcmp(s, "published"))
		return PROC_PUBLISHED;
	if (!strcmp(s, "retired"))
		return PROC_RETIRED;
	return 0;
}

/* Step a statement to its end: the read is over and the statement can be used again. */
static int finish(struct db_stmt *st, int rc)
{
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : 0;
}

/* The id of a field (lĩnh vực) by its name: *id 0 when there is none. */
static int field_id(struct db *db, const char *name, int64_t *id)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT id FROM procedure_fields WHERE name = ?", "s", name);

	*id = rc == DB_ROW ? db_col_int(st, 0) : 0;
	return finish(st, rc);
}

/* The folded words a procedure is found by: its code, name and field (malloc'd). */
static char *search_text(const char *code, const char *name, const char *field)
{
	struct buf b = BUF_INIT;
	char *out;
	long n;

	buf_addf(&b, "%s %s %s", code, name, field);
	out = xmalloc(b.len + 1);
	n = fold_text(b.ptr, out, b.len + 1);
	buf_release(&b);
	if (n < 0)
		out[0] = '\0';
	return out;
}

/* The stored document of p: compact JSON (malloc'd). */
static char *doc_text(const struct procedure *p)
{
	json_t *doc = procedure_to_json(p);
	char *s = json_dumps(doc, JSON_COMPACT);

	json_decref(doc);
	if (!s)
		BUG("json_dumps failed");
	return s;
}

/* The row of a code: its id (0 when none), latest and published (0) versions. */
static int procedure_row(struct db *db, const char *code, int64_t *id, int64_t *latest, int64_t *published)
{
	struct db_stmt *st;
	int rc = db_query(db, &st,
			  "SELECT id, latest_version, published_version FROM procedures WHERE code = ?", "s",
			  code);

	*id = *latest = *published = 0;
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		*latest = db_col_int(st, 1);
		*published = db_col_is_null(st, 2) ? 0 : db_col_int(st, 2);
	}
	return finish(st, rc);
}

/* The status of a version, 0 when there is none. */
static int version_status(struct db *db, int64_t id, int64_t version, int *status)
{
	struct db_stmt *st;
	int rc = db_query(db, &st,
			  "SELECT status FROM procedure_versions WHERE procedure_id = ? AND version = ?",
			  "ii", id, version);

	*status = rc == DB_ROW ? status_from_name(db_col_text(st, 0)) : 0;
	return finish(st, rc);
}

int procedure_save(struct db *db, const struct procedure *p, const char *by, int64_t now, int64_t *version)
{
	const char *level = proc_level_name(p->level), *online = proc_online_name(p->online);
	const char *unit = proc_time_unit_name(p->time_unit);
	int64_t fid, id, latest, published;
	char *doc = NULL, *search = NULL;
	int rc, status = 0;

	if (!p->code || !*p->code || !p->name || !p->field || !level || !online || !unit || !by)
		return DB_CONSTRAINT; /* the caller did not check it: nothing written */
	if ((rc = field_id(db, p->field, &fid)))
		return rc;
	if (!fid)
		return DB_CONSTRAINT;
	if ((rc = procedure_row(db, p->code, &id, &latest, &published)))
		return rc;
	if (id && (rc = version_status(db, id, latest, &status)))
		return rc;
	doc = doc_text(p);
	search = search_text(p->code, p->name, p->field);
	if (id && status == PROC_DRAFT) {
		/* a draft is replaced in place: nobody received a dossier under it */
		rc = db_exec(
			db,
			"UPDATE procedure_versions SET name = ?, search_text = ?, field_id = ?, level = ?, "
			"inter_level = ?, online = ?, time_amount = ?, time_unit = ?, doc = ?, created_by = ?, "
			"created_at = ? WHERE procedure_id = ? AND version = ?",
			"ssisisisssiii", p->name, search, fid, level, (int64_t)(p->inter_level != 0), online,
			p->time_amount, unit, doc, by, now, id, latest);
		*version = latest;
		goto out;
	}
	if (!id) {
		if ((rc = counter_next(db, "id", "procedures", "", &id)))
			goto out;
		latest = 1;
		rc = db_exec(
			db,
			"INSERT INTO procedures (id, code, latest_version, published_version, created_at) "
			"VALUES (?, ?, 1, NULL, ?)",
			"isi", id, p->code, now);
	} else {
		/* published or retired versions are never changed: a dossier keeps the one it was received
		 * under */
		latest++;
		rc = db_exec(db, "UPDATE procedures SET latest_version = ? WHERE id = ?", "ii", latest, id);
	}
	if (!rc)
		rc = db_exec(
			db,
			"INSERT INTO procedure_versions (procedure_id, version, status, code, name, search_text, "
			"field_id, level, inter_level, online, time_amount, time_unit, doc, created_by, "
			"created_at, published_at) VALUES (?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
			"iisssisisisssi", id, latest, p->code, p->name, search, fid, level,
			(int64_t)(p->inter_level != 0), online, p->time_amount, unit, doc, by, now);
	*version = latest;
out:
	free(doc);
	free(search);
	return rc;
}

/*
 * The version of the public catalogue, in the settings: "NEW PREVIOUS ID",
 * a random token, the token it replaced and the procedure that changed (0:
 * more than one, or a field renamed). It is written anew in the
 * transaction of every change to what the catalogue shows (publish,
 * unpublish, a field renamed). procedure_list keeps the catalogue it
 * searches in memory for a token, and when it is exactly one change behind
 * it reads that procedure again instead of everything.
 */
#define CATALOGUE_KEY "catalogue_version"
#define TOKEN_SIZE    33 /* 32 hex digits */
#define VERSION_SIZE  (2 * TOKEN_SIZE + 24)

struct catalogue_version {
	char token[TOKEN_SIZE], previous[TOKEN_SIZE];
	int64_t procedure_id;
};

/* The current version (all "" and 0 when the catalogue was never published). */
static int catalogue_version(struct db *db, struct catalogue_version *cv)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT value FROM settings WHERE key = ?", "s", CATALOGUE_KEY);
	long long id = 0;

	memset(cv, 0, sizeof(*cv));
	if (rc == DB_ROW && sscanf(db_col_text(st, 0), "%32s %32s %lld", cv->token, cv->previous, &id) >= 1)
		cv->procedure_id = id;
	return finish(st, rc);
}

/* A new version after a change to procedure `id` (0: to more than one). */
static int catalogue_touch(struct db *db, int64_t id)
{
	struct catalogue_version cv;
	unsigned char r[(TOKEN_SIZE - 1) / 2];
	char hex[TOKEN_SIZE], value[VERSION_SIZE];
	int64_t lock;
	int rc;

	if (sodium_init() < 0)
		return DB_ERROR;
	/*
	 * the lock row first: two changes at once on PostgreSQL (READ COMMITTED)
	 * would otherwise both read the same previous token, and a process one
	 * change behind would patch in only the second
	 */
	if ((rc = counter_next(db, "lock", "catalogue", "", &lock)))
		return rc;
	if ((rc = catalogue_version(db, &cv)))
		return rc;
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(hex, sizeof(hex), r, sizeof(r));
	snprintf(value, sizeof(value), "%s %s %" PRId64, hex, *cv.token ? cv.token : "-", id);
	return settings_set(db, CATALOGUE_KEY, value);
}

int procedure_publish(struct db *db, const char *code, int64_t version, int64_t now)
{
	int64_t id, latest, published;
	int rc, status;

	if ((rc = procedure_row(db, code, &id, &latest, &published)))
		return rc;
	if (!id || version < 1)
		return 1;
	if ((rc = version_status(db, id, version, &status)))
		return rc;
	if (!status)
		return 1;
	if (published == version)
		return 0;
	if (published)
		rc = db_exec(
			db,
			"UPDATE procedure_versions SET status = 'retired' WHERE procedure_id = ? AND version = ?",
			"ii", id, published);
	if (!rc)
		rc = db_exec(db,
			     "UPDATE procedure_versions SET status = 'published', published_at = ? "
			     "WHERE procedure_id = ? AND version = ?",
			     "iii", now, id, version);
	if (!rc)
		rc = db_exec(db, "UPDATE procedures SET published_version = ? WHERE id = ?", "ii", version,
			     id);
	if (!rc)
		rc = catalogue_touch(db, id);
	return rc;
}

int procedure_unpublish(struct db *db, const char *code, int64_t now)
{
	int64_t id, latest, published;
	int rc;

	(void)now;
	if ((rc = procedure_row(db, code, &id, &latest, &published)))
		return rc;
	if (!id || !published)
		return 1;
	rc = db_exec(
		db, "UPDATE procedure_versions SET status = 'retired' WHERE procedure_id = ? AND version = ?",
		"ii", id, published);
	if (!rc)
		rc = db_exec(db, "UPDATE procedures SET published_version = NULL WHERE id = ?", "i", id);
	if (!rc)
		rc = catalogue_touch(db, id);
	return rc;
}

/* Load version `version` (0 published, -1 latest) of the procedure whose row is (id, latest, published). */
static int load_version(struct db *db, struct arena *a, int64_t id, int64_t latest, int64_t published,
			int64_t version, struct proc_version *out)
{
	struct db_stmt *st;
	json_t *doc = NULL;
	char *field = NULL, *by = NULL;
	int64_t at = 0;
	int rc, status = 0;

	if (version == 0)
		version = published;
	else if (version == -1)
		version = latest;
	if (version < 1)
		return 1;
	rc = db_query(
		db, &st,
		"SELECT v.status, v.doc, v.created_by, v.created_at, f.name FROM procedure_versions v "
		"JOIN procedure_fields f ON f.id = v.field_id WHERE v.procedure_id = ? AND v.version = ?",
		"ii", id, version);
	if (rc == DB_ROW) {
		json_error_t jerr;
		status = status_from_name(db_col_text(st, 0));
		doc = json_loads(db_col_text(st, 1), 0, &jerr);
		by = arena_strdup(a, db_col_text(st, 2));
		at = db_col_int(st, 3);
		field = arena_strdup(a, db_col_text(st, 4));
	} else if (rc == DB_DONE) {
		return 1;
	}
	if ((rc = finish(st, rc)))
		goto out;
	memset(out, 0, sizeof(*out));
	if (!doc || procedure_from_json(doc, a, &out->p, NULL, NULL)) {
		rc = DB_ERROR; /* a stored document is always whole: this one was damaged */
		goto out;
	}
	/* the field's name as the managed list has it now (it may have been renamed) */
	out->p.field = field;
	out->procedure_id = id;
	out->version = version;
	out->status = status;
	out->published = published;
	out->latest = latest;
	out->created_by = by;
	out->created_at = at;
out:
	json_decref(doc);
	return rc;
}

int procedure_load(struct db *db, struct arena *a, const char *code, int64_t version,
		   struct proc_version *out)
{
	int64_t id, latest, published;
	int rc = procedure_row(db, code, &id, &latest, &published);

	if (rc)
		return rc;
	if (!id)
		return 1;
	return load_version(db, a, id, latest, published, version, out);
}

int procedure_load_id(struct db *db, struct arena *a, int64_t procedure_id, int64_t version,
		      struct proc_version *out)
{
	struct db_stmt *st;
	int64_t latest = 0, published = 0;
	int found, rc = db_query(db, &st,
				 "SELECT latest_version, published_version FROM procedures WHERE id = ?", "i",
				 procedure_id);

	found = rc == DB_ROW;
	if (found) {
		latest = db_col_int(st, 0);
		published = db_col_is_null(st, 1) ? 0 : db_col_int(st, 1);
	}
	if ((rc = finish(st, rc)))
		return rc;
	if (!found)
		return 1;
	return load_version(db, a, procedure_id, latest, published, version, out);
}

/*
 * The parsed documents of published versions, shared by every thread. A
 * version's document never changes once it is published (only a draft is
 * replaced in place); the text is kept with the parse and compared all the
 * same, so another database's (procedure, version) is never mistaken for it.
 * What can change (the status, the field's name) is read each time. Entries
 * live as long as the process; past PUBLISHED_KEEP versions, or for a text
 * that differs from the one kept, each call parses its own copy.
 */
#define PUBLISHED_KEEP 512

struct published_doc {
	int64_t id, version;
	const char *text;
	struct arena arena;
	struct procedure p;
};

static struct {
	pthread_mutex_t lock;
	size_t n;
	struct published_doc *items[PUBLISHED_KEEP];
} published_docs = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Under the lock: the entry of (id, version), or NULL. */
static struct published_doc *published_find(int64_t id, int64_t version)
{
	for (size_t i = 0; i < published_docs.n; i++)
		if (published_docs.items[i]->id == id && published_docs.items[i]->version == version)
			return published_docs.items[i];
	return NULL;
}

/* The document `text` of (id, version) parsed into `a`, or NULL when it is damaged. */
static int parse_doc(const char *text, struct arena *a, struct procedure *p)
{
	json_error_t jerr;
	json_t *doc = json_loads(text, 0, &jerr);
	int bad = !doc || procedure_from_json(doc, a, p, NULL, NULL);
	json_decref(doc);
	return bad;
}

/* The parse of `text`, (id, version)'s document: the shared one, or `own` in `a`; NULL when damaged. */
static const struct procedure *published_get(int64_t id, int64_t version, const char *text, struct arena *a,
					     struct procedure *own)
{
	struct published_doc *e;
	const struct procedure *p = NULL;
	int other = 0, full;

	pthread_mutex_lock(&published_docs.lock);
	if ((e = published_find(id, version))) {
		if (!strcmp(e->text, text))
			p = &e->p;
		else
			other = 1;
	}
	full = published_docs.n >= PUBLISHED_KEEP;
	pthread_mutex_unlock(&published_docs.lock);
	if (p)
		return p;
	if (other || full)
		return parse_doc(text, a, own) ? NULL : own;

	e = xcalloc(1, sizeof(*e));
	arena_init(&e->arena);
	if (parse_doc(text, &e->arena, &e->p)) {
		arena_release(&e->arena);
		free(e);
		return NULL;
	}
	e->id = id;
	e->version = version;
	e->text = arena_strdup(&e->arena, text);
	pthread_mutex_lock(&published_docs.lock);
	{
		struct published_doc *first = published_find(id, version);
		if (first && !strcmp(first->text, text)) {
			p = &first->p; /* another thread was first */
		} else if (!first && published_docs.n < PUBLISHED_KEEP) {
			published_docs.items[published_docs.n++] = e;
			p = &e->p;
			e = NULL;
		}
	}
	pthread_mutex_unlock(&published_docs.lock);
	if (e) {
		arena_release(&e->arena);
		free(e);
	}
	return p ? p : parse_doc(text, a, own) ? NULL : own;
}

int procedure_load_published(struct db *db, struct arena *a, const char *code, struct proc_version *out)
{
	struct db_stmt *st;
	const struct procedure *p;
	struct procedure own;
	int rc = db_query(db, &st,
			  "SELECT p.id, p.latest_version, p.published_version, v.status, v.created_by, "
			  "v.created_at, f.name, v.doc FROM procedures p JOIN procedure_versions v ON "
			  "v.procedure_id = p.id AND v.version = p.published_version JOIN procedure_fields f "
			  "ON f.id = v.field_id WHERE p.code = ?",
			  "s", code);

	if (rc != DB_ROW)
		return rc == DB_DONE ? 1 : rc;
	memset(out, 0, sizeof(*out));
	out->procedure_id = db_col_int(st, 0);
	out->latest = db_col_int(st, 1);
	out->version = out->published = db_col_int(st, 2);
	out->status = status_from_name(db_col_text(st, 3));
	out->created_by = arena_strdup(a, db_col_text(st, 4));
	out->created_at = db_col_int(st, 5);
	if (!(p = published_get(out->procedure_id, out->version, db_col_text(st, 7), a, &own))) {
		finish(st, rc);
		return DB_ERROR; /* a stored document is always whole: this one was damaged */
	}
	out->p = *p;
	/* the field's name as the managed list has it now (it may have been renamed) */
	out->p.field = arena_strdup(a, db_col_text(st, 6));
	return finish(st, rc);
}

/* ---- the catalogue list ---- */

/* The folded words of q, at most QUERY_MAX_WORDS, into the arena (none when q is not UTF-8). */
static size_t query_words(struct arena *a, const char *q, char **words)
{
	size_t len = strlen(q), n = 0;
	char *folded = arena_alloc(a, len + 1), *p;

	if (fold_text(q, folded, len + 1) < 0)
		return 0;
	for (p = folded; *p && n < QUERY_MAX_WORDS;) {
		char *end = strchr(p, ' ');
		size_t wlen = end ? (size_t)(end - p) : strlen(p);
		words[n++] = arena_strndup(a, p, wlen);
		p += wlen;
		while (*p == ' ')
			p++;
	}
	return n;
}

/* The LIKE pattern of a word: "%word%" (folded text has no % or _: escaped all the same). */
static char *like_pattern(struct arena *a, const char *word)
{
	struct buf b = BUF_INIT;
	char *out;

	buf_addch(&b, '%');
	for (; *word; word++) {
		if (*word == '%' || *word == '_' || *word == '\\')
			buf_addch(&b, '\\');
		buf_addch(&b, *word);
	}
	buf_addch(&b, '%');
	out = arena_strndup(a, b.ptr, b.len);
	buf_release(&b);
	return out;
}

/*
 * The filter of a list in SQL (the admin list, and the public one before
 * anything was published): the versions the catalogue shows or the latest
 * of each code, the words, and the filters but level. Only columns of the
 * index procedure_versions_list are read for it.
 */
static void list_where(struct buf *sql, const struct proc_query *q, size_t nwords, int64_t fid)
{
	if (q->all_versions)
		buf_adds(sql,
			 " JOIN procedures lp ON lp.id = v.procedure_id AND lp.latest_version = v.version"
			 " WHERE 1 = 1");
	else
		buf_adds(sql, " WHERE v.status = 'published'");
	for (size_t i = 0; i < nwords; i++)
		buf_adds(sql, " AND v.search_text LIKE ? ESCAPE '\\'");
	if (q->inter_level)
		buf_adds(sql, " AND v.inter_level = 1");
	if (fid)
		buf_adds(sql, " AND v.field_id = ?");
	if (q->online)
		buf_adds(sql, " AND v.online = ?");
}

static int list_bind(struct db_stmt *st, int *i, const struct proc_query *q, char **patterns, size_t nwords,
		     int64_t fid)
{
	int rc = 0;

	for (size_t k = 0; k < nwords && !rc; k++)
		rc = db_bind_text(st, (*i)++, patterns[k], strlen(patterns[k]));
	if (!rc && fid)
		rc = db_bind_int(st, (*i)++, fid);
	if (!rc && q->online)
		rc = db_bind_text(st, (*i)++, proc_online_name(q->online),
				  strlen(proc_online_name(q->online)));
	return rc;
}

static int64_t clamp_size(size_t v)
{
	return v > (size_t)INT64_MAX ? INT64_MAX : (int64_t)v;
}

/* The list columns of a row, as the page queries select them from `st`. */
#define ROW_COLUMNS                                                                                         \
	"v.code, v.name, f.name, v.level, v.inter_level, v.online, v.time_amount, v.time_unit, v.version, " \
	"v.status"

static void row_from_stmt(struct arena *a, struct db_stmt *st, int col, struct proc_row *r)
{
	r->code = arena_strdup(a, db_col_text(st, col));
	r->name = arena_strdup(a, db_col_text(st, col + 1));
	r->field = arena_strdup(a, db_col_text(st, col + 2));
	r->level = proc_level_from_name(db_col_text(st, col + 3));
	r->inter_level = (int)db_col_int(st, col + 4);
	r->online = proc_online_from_name(db_col_text(st, col + 5));
	r->time_amount = db_col_int(st, col + 6);
	r->time_unit = proc_time_unit_from_name(db_col_text(st, col + 7));
	r->version = db_col_int(st, col + 8);
	r->status = status_from_name(db_col_text(st, col + 9));
}

/* A page of rows into the arena, grown by doubling. */
static struct proc_row *row_next(struct arena *a, struct proc_row **rows, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 32;
		struct proc_row *more = arena_alloc(a, st_mult(ncap, sizeof(*more)));
		if (*n)
			memcpy(more, *rows, *n * sizeof(*more));
		*rows = more;
		*cap = ncap;
	}
	return &(*rows)[(*n)++];
}

static int list_sql(struct db *db, struct arena *a, const struct proc_query *q, char **words, size_t nwords,
		    struct proc_row **rows, size_t *n, struct proc_counts *counts)
{
	struct buf sql = BUF_INIT;
	struct db_stmt *st;
	char *patterns[QUERY_MAX_WORDS];
	size_t cap = 0;
	int64_t fid = 0;
	int rc, i;

	for (size_t k = 0; k < nwords; k++)
		patterns[k] = like_pattern(a, words[k]);
	if (q->field) {
		if ((rc = field_id(db, q->field, &fid)))
			return rc;
		if (!fid)
			return 0;
	}

	/* the counts: by level and inter-level, without the level filter */
	buf_adds(&sql, "SELECT v.level, v.inter_level, COUNT(*) FROM procedure_versions v");
	list_where(&sql, q, nwords, fid);
	buf_adds(&sql, " GROUP BY v.level, v.inter_level");
	st = buf_err(&sql) ? NULL : db_prepare(db, sql.ptr);
	buf_release(&sql);
	if (!st)
		return DB_ERROR;
	i = 1;
	if ((rc = list_bind(st, &i, q, patterns, nwords, fid)))
		return rc;
	for (rc = db_step(st); rc == DB_ROW; rc = db_step(st)) {
		int level = proc_level_from_name(db_col_text(st, 0));
		size_t c = (size_t)db_col_int(st, 2);
		if (level == PROC_CITY)
			counts->city += c;
		else if (level == PROC_DISTRICT)
			counts->district += c;
		else if (level == PROC_WARD)
			counts->ward += c;
		if (q->level && level != q->level)
			continue;
		counts->total += c;
		if (db_col_int(st, 1))
			counts->inter_level += c;
	}
	if (rc < 0)
		return rc;
	if (!q->limit || q->offset >= counts->total)
		return 0;

	/* the page; levels sort as city < district < ward, which is also their alphabetical order */
	buf_adds(&sql, "SELECT " ROW_COLUMNS
		       " FROM procedure_versions v JOIN procedure_fields f ON f.id = v.field_id");
	list_where(&sql, q, nwords, fid);
	if (q->level)
		buf_adds(&sql, " AND v.level = ?");
	buf_adds(&sql, " ORDER BY v.level, v.code LIMIT ? OFFSET ?");
	st = buf_err(&sql) ? NULL : db_prepare(db, sql.ptr);
	buf_release(&sql);
	if (!st)
		return DB_ERROR;
	i = 1;
	rc = list_bind(st, &i, q, patterns, nwords, fid);
	if (!rc && q->level)
		rc = db_bind_text(st, i++, proc_level_name(q->level), strlen(proc_level_name(q->level)));
	if (!rc)
		rc = db_bind_int(st, i++, clamp_size(q->limit));
	if (!rc)
		rc = db_bind_int(st, i++, clamp_size(q->offset));
	if (rc)
		return rc;
	for (rc = db_step(st); rc == DB_ROW; rc = db_step(st))
		row_from_stmt(a, st, 0, row_next(a, rows, n, &cap));
	return rc < 0 ? rc : 0;
}

/*
 * The public catalogue in memory: the published versions' search columns
 * in catalogue order, read from the index procedure_versions_list alone,
 * for the token they were read under. A search reads the token (one small
 * query), scans this, then reads its page's rows by id: well under a
 * millisecond for 5,000 procedures on either backend, where two index
 * scans with LIKE take milliseconds (more on PostgreSQL before VACUUM).
 */
struct cat_entry {
	const char *search, *code;
	int64_t procedure_id, field_id;
	int level, inter_level, online;
};

struct cat_field {
	int64_t id;
	const char *name;
};

/* After this many single changes the catalogue is read again whole (their strings pile up). */
#define CAT_MAX_PATCHES 1000

static struct {
	pthread_mutex_t lock;
	char token[TOKEN_SIZE];
	struct arena a;
	struct cat_entry *v;
	size_t n, cap;
	struct cat_field *fields;
	size_t nfields;
	size_t patches;
} cat = { PTHREAD_MUTEX_INITIALIZER, "", ARENA_INIT, NULL, 0, 0, NULL, 0, 0 };

#define CAT_COLUMNS "v.search_text, v.code, v.procedure_id, v.field_id, v.level, v.inter_level, v.online"

static void cat_entry_read(struct arena *a, struct db_stmt *st, struct cat_entry *e)
{
	e->search = arena_strdup(a, db_col_text(st, 0));
	e->code = arena_strdup(a, db_col_text(st, 1));
	e->procedure_id = db_col_int(st, 2);
	e->field_id = db_col_int(st, 3);
	e->level = proc_level_from_name(db_col_text(st, 4));
	e->inter_level = (int)db_col_int(st, 5);
	e->online = proc_online_from_name(db_col_text(st, 6));
}

/* The fields' names by id, into the arena (they are few). */
static int cat_fields_read(struct db *db, struct arena *a, struct cat_field **out, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 16;
	int rc;

	*n = 0;
	*out = arena_alloc(a, cap * sizeof(**out));
	for (rc = db_query(db, &st, "SELECT id, name FROM procedure_fields", NULL); rc == DB_ROW;
	     rc = db_step(st)) {
		if (*n == cap) {
			struct cat_field *more = arena_alloc(a, st_mult(cap * 2, sizeof(*more)));
			memcpy(more, *out, cap * sizeof(*more));
			*out = more;
			cap *= 2;
		}
		(*out)[*n].id = db_col_int(st, 0);
		(*out)[(*n)++].name = arena_strdup(a, db_col_text(st, 1));
	}
	return rc < 0 ? rc : 0;
}

/* Read the published catalogue into cat for `token` (cat.lock held). */
static int cat_load(struct db *db, const char *token)
{
	struct arena a = ARENA_INIT;
	struct cat_entry *v;
	struct cat_field *fields;
	struct db_stmt *st;
	size_t n = 0, cap = 256, nfields;
	int rc;

	v = arena_alloc(&a, cap * sizeof(*v));
	rc = db_query(db, &st,
		      "SELECT " CAT_COLUMNS " FROM procedure_versions v WHERE v.status = 'published' "
		      "ORDER BY v.level, v.code",
		      NULL);
	for (; rc == DB_ROW; rc = db_step(st)) {
		if (n == cap) {
			struct cat_entry *more = arena_alloc(&a, st_mult(cap * 2, sizeof(*more)));
			memcpy(more, v, cap * sizeof(*more));
			v = more;
			cap *= 2;
		}
		cat_entry_read(&a, st, &v[n++]);
	}
	if (rc >= 0)
		rc = cat_fields_read(db, &a, &fields, &nfields);
	if (rc < 0) {
		arena_release(&a);
		cat.token[0] = '\0';
		return rc;
	}
	arena_release(&cat.a);
	cat.a = a;
	cat.v = v;
	cat.n = n;
	cat.cap = cap;
	cat.fields = fields;
	cat.nfields = nfields;
	cat.patches = 0;
	snprintf(cat.token, sizeof(cat.token), "%s", token);
	return 0;
}

/* 1 when a comes before b in the catalogue: by level, then code. */
static int cat_before(const struct cat_entry *a, const struct cat_entry *b)
{
	return a->level < b->level || (a->level == b->level && strcmp(a->code, b->code) < 0);
}

/* One procedure changed since cat was read (cat.lock held): read it again, and the fields. */
static int cat_patch(struct db *db, const char *token, int64_t id)
{
	struct cat_entry e;
	struct cat_field *fields;
	struct db_stmt *st;
	size_t nfields, i, lo = 0, hi;
	int found, rc;

	rc = db_query(db, &st,
		      "SELECT " CAT_COLUMNS " FROM procedures p JOIN procedure_versions v "
		      "ON v.procedure_id = p.id AND v.version = p.published_version WHERE p.id = ?",
		      "i", id);
	found = rc == DB_ROW;
	if (found)
		cat_entry_read(&cat.a, st, &e);
	if ((rc = finish(st, rc)) || (rc = cat_fields_read(db, &cat.a, &fields, &nfields))) {
		cat.token[0] = '\0';
		return rc;
	}
	for (i = 0; i < cat.n && cat.v[i].procedure_id != id; i++)
		;
	if (i < cat.n) {
		memmove(&cat.v[i], &cat.v[i + 1], (cat.n - i - 1) * sizeof(*cat.v));
		cat.n--;
	}
	if (found) {
		if (cat.n == cat.cap) {
			size_t ncap = cat.cap ? cat.cap * 2 : 256;
			struct cat_entry *more = arena_alloc(&cat.a, st_mult(ncap, sizeof(*more)));
			if (cat.n)
				memcpy(more, cat.v, cat.n * sizeof(*more));
			cat.v = more;
			cat.cap = ncap;
		}
		for (hi = cat.n; lo < hi;) {
			size_t mid = lo + (hi - lo) / 2;
			if (cat_before(&cat.v[mid], &e))
				lo = mid + 1;
			else
				hi = mid;
		}
		memmove(&cat.v[lo + 1], &cat.v[lo], (cat.n - lo) * sizeof(*cat.v));
		cat.v[lo] = e;
		cat.n++;
	}
	cat.fields = fields;
	cat.nfields = nfields;
	cat.patches++;
	snprintf(cat.token, sizeof(cat.token), "%s", token);
	return 0;
}

/* Bring cat up to the catalogue version cv (cat.lock held). */
static int cat_refresh(struct db *db, const struct catalogue_version *cv)
{
	if (!strcmp(cat.token, cv->token))
		return 0;
	if (cv->procedure_id > 0 && *cat.token && !strcmp(cat.token, cv->previous) &&
	    cat.patches < CAT_MAX_PATCHES)
		return cat_patch(db, cv->token, cv->procedure_id);
	return cat_load(db, cv->token);
}

/* The published rows of procedures ids[0..n) into rows (in that order; a row gone meanwhile is left out). */
#define FETCH_CHUNK 32
static int fetch_rows(struct db *db, struct arena *a, const int64_t *ids, size_t n, struct proc_row **rows,
		      size_t *nrows)
{
	struct buf sql = BUF_INIT;
	struct db_stmt *st;
	size_t cap = 0;
	int rc = 0;

	/* by the procedures' ids and then the primary key of their published version: no scan */
	buf_adds(&sql, "SELECT p.id, " ROW_COLUMNS " FROM procedures p JOIN procedure_versions v "
		       "ON v.procedure_id = p.id AND v.version = p.published_version "
		       "JOIN procedure_fields f ON f.id = v.field_id WHERE p.id IN (?");
	for (int k = 1; k < FETCH_CHUNK; k++)
		buf_adds(&sql, ", ?");
	buf_adds(&sql, ")");
	for (size_t base = 0; base < n && !rc; base += FETCH_CHUNK) {
		size_t m = n - base < FETCH_CHUNK ? n - base : FETCH_CHUNK;
		struct proc_row got[FETCH_CHUNK];
		int64_t got_id[FETCH_CHUNK];
		size_t ngot = 0;

		st = buf_err(&sql) ? NULL : db_prepare(db, sql.ptr);
		if (!st) {
			rc = DB_ERROR;
			break;
		}
		/* a fixed number of placeholders, the last id repeated: one statement text */
		for (int k = 0; k < FETCH_CHUNK && !rc; k++)
			rc = db_bind_int(st, k + 1, ids[base + ((size_t)k < m ? (size_t)k : m - 1)]);
		for (rc = rc ? rc : db_step(st); rc == DB_ROW && ngot < FETCH_CHUNK; rc = db_step(st)) {
			got_id[ngot] = db_col_int(st, 0);
			row_from_stmt(a, st, 1, &got[ngot++]);
		}
		rc = finish(st, rc);
		for (size_t k = 0; k < m && !rc; k++)
			for (size_t g = 0; g < ngot; g++)
				if (got_id[g] == ids[base + k]) {
					*row_next(a, rows, nrows, &cap) = got[g];
					break;
				}
	}
	buf_release(&sql);
	return rc;
}

/* procedure_list on the public catalogue from memory; 1 when there is no token (never published). */
static int list_cached(struct db *db, struct arena *a, const struct proc_query *q, char **words,
		       size_t nwords, struct proc_row **rows, size_t *n, struct proc_counts *counts)
{
	struct catalogue_version cv;
	int64_t *ids = NULL, fid = 0;
	size_t nids = 0, cap = 0;
	int rc = catalogue_version(db, &cv);

	if (rc)
		return rc;
	if (!*cv.token)
		return 1;
	pthread_mutex_lock(&cat.lock);
	if ((rc = cat_refresh(db, &cv))) {
		pthread_mutex_unlock(&cat.lock);
		return rc;
	}
	if (q->field) {
		for (size_t k = 0; k < cat.nfields && !fid; k++)
			if (!strcmp(cat.fields[k].name, q->field))
				fid = cat.fields[k].id;
		if (!fid) {
			pthread_mutex_unlock(&cat.lock);
			return 0;
		}
	}
	for (size_t i = 0; i < cat.n; i++) {
		const struct cat_entry *e = &cat.v[i];
		size_t k;
		if ((q->inter_level && !e->inter_level) || (q->online && e->online != q->online) ||
		    (fid && e->field_id != fid))
			continue;
		for (k = 0; k < nwords && strstr(e->search, words[k]); k++)
			;
		if (k < nwords)
			continue;
		if (e->level == PROC_CITY)
			counts->city++;
		else if (e->level == PROC_DISTRICT)
			counts->district++;
		else if (e->level == PROC_WARD)
			counts->ward++;
		if (q->level && e->level != q->level)
			continue;
		counts->total++;
		if (e->inter_level)
			counts->inter_level++;
		if (counts->total <= q->offset || nids >= q->limit)
			continue;
		if (nids == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			int64_t *more = arena_alloc(a, st_mult(ncap, sizeof(*more)));
			if (nids)
				memcpy(more, ids, nids * sizeof(*more));
			ids = more;
			cap = ncap;
		}
		ids[nids++] = e->procedure_id;
	}
	pthread_mutex_unlock(&cat.lock);
	return nids ? fetch_rows(db, a, ids, nids, rows, n) : 0;
}

int procedure_list(struct db *db, struct arena *a, const struct proc_query *q, struct proc_row **rows,
		   size_t *n, struct proc_counts *counts)
{
	char *words[QUERY_MAX_WORDS];
	size_t nwords = q->q && *q->q ? query_words(a, q->q, words) : 0;
	int rc;

	*rows = NULL;
	*n = 0;
	memset(counts, 0, sizeof(*counts));
	if ((q->level && !proc_level_name(q->level)) || (q->online && !proc_online_name(q->online)))
		return 0; /* a filter nothing matches */
	/* words that fold to nothing (another script, symbols) match nothing, not everything */
	if (q->q && *q->q && !nwords)
		return 0;
	if (!q->all_versions) {
		rc = list_cached(db, a, q, words, nwords, rows, n, counts);
		if (rc != 1)
			return rc;
	}
	return list_sql(db, a, q, words, nwords, rows, n, counts);
}

/* ---- fields (lĩnh vực) ---- */

struct field_key {
	char *key; /* folded: "Đất đai" sorts with the d's */
	struct proc_field f;
};

static int field_key_cmp(const void *x, const void *y)
{
	const struct field_key *a = x, *b = y;
	int c = strcmp(a->key, b->key);
	return c ? c : strcmp(a->f.name, b->f.name);
}

int procedure_fields(struct db *db, struct arena *a, struct proc_field **out, size_t *n)
{
	struct db_stmt *st;
	struct field_key *keys;
	size_t cap = 16;
	int rc;

	*n = 0;
	*out = NULL;
	keys = arena_alloc(a, cap * sizeof(*keys));
	rc = db_query(db, &st,
		      "SELECT f.id, f.name, f.active, (SELECT COUNT(*) FROM procedure_versions v "
		      "WHERE v.field_id = f.id AND v.status = 'published') FROM procedure_fields f",
		      NULL);
	for (; rc == DB_ROW; rc = db_step(st)) {
		struct field_key *k;
		const char *name = db_col_text(st, 1);
		size_t len = strlen(name);
		if (*n == cap) {
			struct field_key *more = arena_alloc(a, st_mult(cap * 2, sizeof(*more)));
			memcpy(more, keys, cap * sizeof(*more));
			keys = more;
			cap *= 2;
		}
		k = &keys[(*n)++];
		k->f.id = db_col_int(st, 0);
		k->f.name = arena_strndup(a, name, len);
		k->f.active = (int)db_col_int(st, 2);
		k->f.procedures = (size_t)db_col_int(st, 3);
		k->key = arena_alloc(a, len + 1);
		if (fold_text(name, k->key, len + 1) < 0)
			k->key[0] = '\0';
	}
	if (rc < 0)
		return rc;
	qsort(keys, *n, sizeof(*keys), field_key_cmp);
	*out = arena_alloc(a, (*n ? *n : 1) * sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = keys[i].f;
	return 0;
}

int procedure_field_add(struct db *db, const char *name, int64_t now, int64_t *id)
{
	int64_t existing;
	int rc;

	if (!name || !*name)
		return DB_CONSTRAINT;
	/* asked first, so that a taken name leaves the transaction usable on PostgreSQL too */
	if ((rc = field_id(db, name, &existing)))
		return rc;
	if (existing)
		return DB_CONSTRAINT;
	if ((rc = counter_next(db, "id", "procedure_fields", "", id)))
		return rc;
	return db_exec(db, "INSERT INTO procedure_fields (id, name, active, created_at) VALUES (?, ?, 1, ?)",
		       "isi", *id, name, now);
}

/* A renamed field: the folded search text of its versions names it anew. */
static int field_reindex(struct db *db, int64_t fid, const char *name)
{
	struct arena a = ARENA_INIT;
	struct db_stmt *st;
	struct {
		int64_t id, version;
		char *search;
	} * v;
	size_t n = 0, cap = 16;
	int rc;

	v = arena_alloc(&a, cap * sizeof(*v));
	rc = db_query(db, &st,
		      "SELECT v.procedure_id, v.version, p.code, v.name FROM procedure_versions v "
		      "JOIN procedures p ON p.id = v.procedure_id WHERE v.field_id = ?",
		      "i", fid);
	for (; rc == DB_ROW; rc = db_step(st)) {
		char *s;
		if (n == cap) {
			void *more = arena_alloc(&a, st_mult(cap * 2, sizeof(*v)));
			memcpy(more, v, cap * sizeof(*v));
			v = more;
			cap *= 2;
		}
		v[n].id = db_col_int(st, 0);
		v[n].version = db_col_int(st, 1);
		s = search_text(db_col_text(st, 2), db_col_text(st, 3), name);
		v[n].search = arena_strdup(&a, s);
		free(s);
		n++;
	}
	for (size_t i = 0; rc >= 0 && i < n; i++)
		rc = db_exec(
			db,
			"UPDATE procedure_versions SET search_text = ? WHERE procedure_id = ? AND version = ?",
			"sii", v[i].search, v[i].id, v[i].version);
	arena_release(&a);
	return rc < 0 ? rc : 0;
}

int procedure_field_update(struct db *db, int64_t id, const char *name, int active)
{
	struct db_stmt *st;
	char *old = NULL;
	int rc = db_query(db, &st, "SELECT name FROM procedure_fields WHERE id = ?", "i", id);

	if (rc == DB_ROW)
		old = xstrdup(db_col_text(st, 0));
	if ((rc = finish(st, rc)))
		goto out;
	if (!old) {
		rc = 1;
		goto out;
	}
	if (name && strcmp(name, old)) {
		int64_t taken;
		if (!*name) {
			rc = DB_CONSTRAINT;
			goto out;
		}
		if ((rc = field_id(db, name, &taken)))
			goto out;
		if (taken) {
			rc = DB_CONSTRAINT;
			goto out;
		}
		rc = db_exec(db, "UPDATE procedure_fields SET name = ? WHERE id = ?", "si", name, id);
		if (!rc)
			rc = field_reindex(db, id, name);
		if (!rc)
			rc = catalogue_touch(db, 0);
		if (rc)
			goto out;
	}
	if (active == 0 || active == 1)
		rc = db_exec(db, "UPDATE procedure_fields SET active = ? WHERE id = ?", "ii", (int64_t)active,
			     id);
out:
	free(old);
	return rc;
}

/* ---- import ---- */

/* The errors of an import, in the caller's arena. */
struct errlist {
	struct arena *a;
	struct proc_import_error *v;
	size_t n, cap;
};

static void error_add(struct errlist *l, size_t line, const char *field, const char *msgid,
		      const char *detail)
{
	struct proc_import_error *e;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct proc_import_error *more = arena_alloc(l->a, st_mult(cap, sizeof(*more)));
		if (l->n)
			memcpy(more, l->v, l->n * sizeof(*more));
		l->v = more;
		l->cap = cap;
	}
	e = &l->v[l->n++];
	e->line = line;
	e->field = arena_strdup(l->a, field ? field : "");
	e->msgid = msgid;
	e->detail = arena_strdup(l->a, detail ? detail : "");
}

/*
 * The errors of one row. Shape errors (a value that is missing or of the
 * wrong kind) come first; a rule of procedure_check on the same field is
 * then not reported again, since it only repeats the first error.
 */
struct rowerr {
	struct errlist *l;
	size_t line;
	size_t first;	  /* the row's first error in l */
	size_t shape_end; /* past its last shape error */
	int checking;	  /* the rules' errors are coming */
};

/*
 * 1 when field `f` is `g` or one is an entry of the other ("steps" and
 * "steps[1]"); "" is the row as a whole (not a document at all).
 */
static int same_field(const char *f, const char *g)
{
	size_t fl = strlen(f), gl = strlen(g);

	if (!gl)
		return 1;
	if (fl == gl)
		return !strcmp(f, g);
	if (fl < gl)
		return !strncmp(f, g, fl) && g[fl] == '[';
	return !strncmp(f, g, gl) && f[gl] == '[';
}

static void row_error(void *ctx, const char *field, const char *msgid)
{
	struct rowerr *r = ctx;

	if (r->checking) {
		for (size_t i = r->first; i < r->shape_end; i++)
			if (same_field(field, r->l->v[i].field))
				return;
	}
	error_add(r->l, r->line, field, msgid, "");
	if (!r->checking)
		r->shape_end = r->l->n;
}

/* One CSV record: its first physical line and its values. */
struct csv_record {
	size_t line;
	size_t n;
	char **v;
	size_t *len;
};

/* The columns of the CSV form, in the order procedure_export_csv writes them. */
enum csv_col {
	COL_CODE,
	COL_NAME,
	COL_FIELD,
	COL_LEVEL,
	COL_INTER_LEVEL,
	COL_RECEIVE_LEVEL,
	COL_DECIDE_LEVEL,
	COL_RECEIVING,
	COL_DECIDING,
	COL_TIME_AMOUNT,
	COL_TIME_UNIT,
	COL_TIME_NOTE,
	COL_ONLINE,
	COL_RESULT,
	COL_LEGAL_BASIS,
	COL_CONDITIONS,
	COL_FEE_NOTE,
	COL_FEES,
	COL_DOCUMENTS,
	COL_STEPS,
	NCOLS
};

static const char *const csv_columns[NCOLS] = {
	"code",		 "name",	 "field",     "level",	   "inter_level",
	"receive_level", "decide_level", "receiving", "deciding",  "time_amount",
	"time_unit",	 "time_note",	 "online",    "result",	   "legal_basis",
	"conditions",	 "fee_note",	 "fees",      "documents", "steps",
};

/* What an import reads its rows from: a JSON array, or CSV records with their column map. */
struct source {
	const json_t *array;
	struct csv_record *records; /* the data rows (the header is not among them) */
	size_t nrows;
	int col[NCOLS]; /* the record index of each column */
};

static size_t source_line(const struct source *s, size_t i)
{
	return s->array ? i + 1 : s->records[i].line;
}

/* Parse "123" (digits, an optional minus) into *out. 1 when it is a number. */
static int parse_int(const char *s, int64_t *out)
{
	int neg = *s == '-';
	int64_t v = 0;

	if (neg)
		s++;
	if (!*s || strlen(s) > 15)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (*s - '0');
	}
	*out = neg ? -v : v;
	return 1;
}

/* The document a CSV record stands for; conversion errors go to the row. */
static json_t *record_doc(const struct source *s, const struct csv_record *r, struct rowerr *re)
{
	static const enum csv_col texts[] = { COL_CODE,	       COL_NAME,       COL_FIELD,
					      COL_RECEIVING,   COL_DECIDING,   COL_RESULT,
					      COL_LEGAL_BASIS, COL_CONDITIONS, COL_FEE_NOTE };
	static const enum csv_col names[] = { COL_LEVEL, COL_RECEIVE_LEVEL, COL_DECIDE_LEVEL, COL_ONLINE };
	static const enum csv_col lists[] = { COL_FEES, COL_DOCUMENTS, COL_STEPS };
	json_t *doc = json_object(), *time = json_object();
	const char *v;
	int64_t amount;

#define CSV_CELL(c) (r->v[s->col[(c)]])
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		json_object_set_new(doc, csv_columns[texts[i]], jstr(CSV_CELL(texts[i])));
	/* an empty name from a list (a level, the online mode) is a missing one */
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (*CSV_CELL(names[i]))
			json_object_set_new(doc, csv_columns[names[i]], jstr(CSV_CELL(names[i])));
	v = CSV_CELL(COL_INTER_LEVEL);
	if (!strcmp(v, "true") || !strcmp(v, "1"))
		json_object_set_new(doc, "inter_level", json_true());
	else if (!strcmp(v, "false") || !strcmp(v, "0"))
		json_object_set_new(doc, "inter_level", json_false());
	else if (*v)
		row_error(re, "inter_level", MSG_NOT_BOOL);
	v = CSV_CELL(COL_TIME_AMOUNT);
	if (parse_int(v, &amount))
		json_object_set_new(time, "amount", json_integer(amount));
	else if (*v)
		row_error(re, "time", MSG_NOT_INT);
	if (*CSV_CELL(COL_TIME_UNIT))
		json_object_set_new(time, "unit", jstr(CSV_CELL(COL_TIME_UNIT)));
	json_object_set_new(time, "note", jstr(CSV_CELL(COL_TIME_NOTE)));
	json_object_set_new(doc, "time", time);
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		json_error_t jerr;
		json_t *list;
		v = CSV_CELL(lists[i]);
		if (!*v)
			continue;
		list = json_loads(v, JSON_REJECT_DUPLICATES, &jerr);
		if (!list)
			row_error(re, csv_columns[lists[i]], MSG_JSON);
		else
			json_object_set_new(doc, csv_columns[lists[i]], list);
	}
#undef CSV_CELL
	return doc;
}

/* Row i of the source into p (strings in `a`); its shape errors go to re. */
static void source_row(const struct source *s, size_t i, struct arena *a, struct procedure *p,
		       struct rowerr *re)
{
	json_t *doc;

	if (s->array) {
		procedure_from_json(json_array_get(s->array, i), a, p, row_error, re);
		return;
	}
	doc = record_doc(s, &s->records[i], re);
	procedure_from_json(doc, a, p, row_error, re);
	json_decref(doc);
}

/* A code and the line it is on, for finding repeats. */
struct code_line {
	const char *code;
	size_t line;
	size_t order;
};

static int code_line_cmp(const void *x, const void *y)
{
	const struct code_line *a = x, *b = y;
	int c = strcmp(a->code, b->code);
	return c ? c : (a->order < b->order ? -1 : a->order > b->order);
}

/* Sort the errors by line, keeping the order of each line's errors (a stable merge sort). */
static void errors_sort(struct errlist *l)
{
	struct proc_import_error *tmp;

	if (l->n < 2)
		return;
	tmp = xmalloc(st_mult(l->n, sizeof(*tmp)));
	for (size_t width = 1; width < l->n; width *= 2) {
		for (size_t lo = 0; lo < l->n; lo += 2 * width) {
			size_t mid = lo + width < l->n ? lo + width : l->n;
			size_t hi = lo + 2 * width < l->n ? lo + 2 * width : l->n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				tmp[k++] = l->v[j].line < l->v[i].line ? l->v[j++] : l->v[i++];
			while (i < mid)
				tmp[k++] = l->v[i++];
			while (j < hi)
				tmp[k++] = l->v[j++];
		}
		memcpy(l->v, tmp, l->n * sizeof(*tmp));
	}
	free(tmp);
}

/* Check every row of `s`, then write them all in one transaction, or nothing. */
static int import_rows(struct db *db, struct arena *a, const struct source *s, const char *by, int64_t now,
		       int publish, size_t *imported, struct errlist *errs)
{
	struct arena scratch = ARENA_INIT;
	struct procedure *p = xmalloc(sizeof(*p));
	struct code_line *codes = NULL;
	struct proc_field *fields;
	size_t nfields, ncodes = 0;
	int rc, own;

	if ((rc = procedure_fields(db, a, &fields, &nfields)))
		goto out;
	codes = xmalloc(st_mult(s->nrows ? s->nrows : 1, sizeof(*codes)));
	for (size_t i = 0; i < s->nrows; i++) {
		struct rowerr re = { errs, source_line(s, i), errs->n, errs->n, 0 };
		arena_reset(&scratch);
		source_row(s, i, &scratch, p, &re);
		re.checking = 1;
		procedure_check(p, row_error, &re);
		if (*p->field) {
			size_t k;
			for (k = 0; k < nfields && strcmp(fields[k].name, p->field); k++)
				;
			if (k == nfields)
				error_add(errs, re.line, "field", MSG_NO_FIELD, p->field);
			else if (!fields[k].active)
				error_add(errs, re.line, "field", MSG_FIELD_INACTIVE, p->field);
		}
		/* a blank form only among the files uploaded as blank forms */
		for (size_t d = 0; d < p->ndocuments; d++) {
			const char *f = p->documents[d].form_file;
			int known = f && *f ? procedure_form_known(db, f) : 1;
			if (known < 0) {
				rc = known;
				goto out;
			}
			if (!known)
				error_add(errs, re.line, arena_printf(a, "documents[%zu]", d),
					  MSG_FORM_UNKNOWN, f);
		}
		if (*p->code) {
			codes[ncodes].code = arena_strdup(a, p->code);
			codes[ncodes].line = re.line;
			codes[ncodes].order = i;
			ncodes++;
		}
	}
	qsort(codes, ncodes, sizeof(*codes), code_line_cmp);
	for (size_t i = 1; i < ncodes; i++)
		if (!strcmp(codes[i].code, codes[i - 1].code))
			error_add(errs, codes[i].line, "code", MSG_DUP_CODE, codes[i].code);
	if (errs->n) {
		rc = 1;
		goto out;
	}

	/* in the caller's transaction when there is one (to audit the import with it), else in ours */
	own = !db_in_transaction(db);
	if (own && (rc = db_begin(db)))
		goto out;
	for (size_t i = 0; i < s->nrows && !rc; i++) {
		struct rowerr re = { errs, source_line(s, i), errs->n, errs->n, 0 };
		char *old, *doc;
		int status;
		int64_t version;
		struct proc_version latest_v;

		arena_reset(&scratch);
		source_row(s, i, &scratch, p, &re);
		/*
		 * the latest version as it reads now (its field under its current
		 * name, should the field have been renamed since), written the way
		 * this row is, so that a file exported and imported back changes
		 * nothing
		 */
		rc = procedure_load(db, &scratch, p->code, -1, &latest_v);
		if (rc < 0)
			break;
		old = rc ? NULL : doc_text(&latest_v.p);
		status = rc ? 0 : latest_v.status;
		rc = 0;
		doc = doc_text(p);
		if (old && !strcmp(old, doc)) {
			/* unchanged: published if asked, no new version */
			if (publish && status != PROC_PUBLISHED) {
				int64_t id, latest, published;
				rc = procedure_row(db, p->code, &id, &latest, &published);
				if (!rc)
					rc = procedure_publish(db, p->code, latest, now);
			}
		} else {
			rc = procedure_save(db, p, by, now, &version);
			if (!rc && publish)
				rc = procedure_publish(db, p->code, version, now);
		}
		free(old);
		free(doc);
	}
	if (!rc && own)
		rc = db_commit(db);
	if (rc) {
		if (own)
			db_rollback(db);
		goto out;
	}
	*imported = s->nrows;
out:
	errors_sort(errs);
	arena_release(&scratch);
	free(codes);
	free(p);
	return rc;
}

int procedure_import_json(struct db *db, struct arena *a, const char *text, size_t len, const char *by,
			  int64_t now, int publish, size_t *imported, struct proc_import_error **errors,
			  size_t *nerrors)
{
	struct errlist errs = { a, NULL, 0, 0 };
	struct source s = { 0 };
	json_error_t jerr;
	json_t *arr = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	int rc = 1;

	*imported = 0;
	if (!arr) {
		/* where jansson stopped, not its English text: the people reading it are clerks */
		error_add(&errs, jerr.line > 0 ? (size_t)jerr.line : 1, "", MSG_JSON,
			  jerr.column > 0 ? arena_printf(a, _("error at column %d"), jerr.column) : "");
	} else if (!json_is_array(arr)) {
		error_add(&errs, 1, "", MSG_NOT_ARRAY, "");
	} else if (json_array_size(arr) == 0) {
		error_add(&errs, 1, "", MSG_EMPTY, "");
	} else if (json_array_size(arr) > IMPORT_MAX_ROWS) {
		error_add(&errs, IMPORT_MAX_ROWS + 1, "", MSG_TOO_BIG, "");
	} else {
		s.array = arr;
		s.nrows = json_array_size(arr);
		rc = import_rows(db, a, &s, by, now, publish, imported, &errs);
	}
	json_decref(arr);
	*errors = errs.v;
	*nerrors = errs.n;
	return rc;
}

/* The CSV reader: RFC 4180, with the physical line each record starts on. */
struct csv {
	struct arena *a;
	const char *p, *end;
	size_t line;
	struct errlist *errs;
};

/* Skip to the start of the next physical line (after a syntax error). */
static void csv_skip_line(struct csv *c)
{
	while (c->p < c->end && *c->p != '\n')
		c->p++;
	if (c->p < c->end) {
		c->p++;
		c->line++;
	}
}

/* 1 at the end of a line ("\n" or "\r\n"), consumed. */
static int csv_eol(struct csv *c)
{
	if (c->p < c->end && *c->p == '\n') {
		c->p++;
		c->line++;
		return 1;
	}
	if (c->end - c->p >= 2 && c->p[0] == '\r' && c->p[1] == '\n') {
		c->p += 2;
		c->line++;
		return 1;
	}
	return 0;
}

/*
 * The next record into r: 1 with a record, 0 at the end, -1 after a syntax
 * error (reported; the line was skipped), -2 after an error that ends the
 * reading (an unclosed quote runs to the end of the file).
 */
static int csv_formula_like(const char *s);

static int csv_record(struct csv *c, struct csv_record *r)
{
	struct buf cell = BUF_INIT;
	size_t cap = 24;
	int rc = 1;

	if (c->p >= c->end)
		return 0;
	r->line = c->line;
	r->n = 0;
	r->v = arena_alloc(c->a, cap * sizeof(*r->v));
	r->len = arena_alloc(c->a, cap * sizeof(*r->len));
	for (;;) {
		buf_reset(&cell);
		if (c->p < c->end && *c->p == '"') {
			size_t start = c->line;
			c->p++;
			for (;;) {
				if (c->p >= c->end) {
					error_add(c->errs, start, "", MSG_CSV_OPEN, "");
					rc = -2;
					goto out;
				}
				if (*c->p == '"') {
					if (c->end - c->p >= 2 && c->p[1] == '"') {
						buf_addch(&cell, '"');
						c->p += 2;
						continue;
					}
					c->p++;
					break;
				}
				if (*c->p == '\r' && c->end - c->p >= 2 && c->p[1] == '\n') {
					/* a line break inside a value is "\n", however the file ends its
					 * lines */
					buf_addch(&cell, '\n');
					c->p += 2;
					c->line++;
					continue;
				}
				if (*c->p == '\n')
					c->line++;
				buf_addch(&cell, *c->p++);
			}
			if (c->p < c->end && *c->p != ',' && *c->p != '\n' &&
			    !(*c->p == '\r' && c->end - c->p >= 2 && c->p[1] == '\n')) {
				error_add(c->errs, c->line, "", MSG_CSV_AFTER, "");
				csv_skip_line(c);
				rc = -1;
				goto out;
			}
		} else {
			while (c->p < c->end && *c->p != ',' && *c->p != '\n' &&
			       !(*c->p == '\r' && c->end - c->p >= 2 && c->p[1] == '\n')) {
				if (*c->p == '"') {
					error_add(c->errs, c->line, "", MSG_CSV_QUOTE, "");
					csv_skip_line(c);
					rc = -1;
					goto out;
				}
				buf_addch(&cell, *c->p++);
			}
		}
		if (r->n == CSV_MAX_COLUMNS) {
			error_add(c->errs, r->line, "", MSG_CSV_COLS, "");
			csv_skip_line(c);
			rc = -1;
			goto out;
		}
		if (r->n == cap) {
			char **v = arena_alloc(c->a, st_mult(cap * 2, sizeof(*v)));
			size_t *len = arena_alloc(c->a, st_mult(cap * 2, sizeof(*len)));
			memcpy(v, r->v, cap * sizeof(*v));
			memcpy(len, r->len, cap * sizeof(*len));
			r->v = v;
			r->len = len;
			cap *= 2;
		}
		/* the export's escape of a formula-like value ("'=…") comes off */
		if (cell.len >= 2 && cell.ptr[0] == '\'' && csv_formula_like(cell.ptr + 1)) {
			r->v[r->n] = arena_strndup(c->a, cell.ptr + 1, cell.len - 1);
			r->len[r->n++] = cell.len - 1;
		} else {
			r->v[r->n] = arena_strndup(c->a, cell.ptr, cell.len);
			r->len[r->n++] = cell.len;
		}
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		csv_eol(c);
		break;
	}
out:
	buf_release(&cell);
	return rc;
}

/* An empty line: one empty value. */
static int csv_blank(const struct csv_record *r)
{
	return r->n == 1 && r->len[0] == 0;
}

int procedure_import_csv(struct db *db, struct arena *a, const char *text, size_t len, const char *by,
			 int64_t now, int publish, size_t *imported, struct proc_import_error **errors,
			 size_t *nerrors)
{
	struct errlist errs = { a, NULL, 0, 0 };
	struct csv c = { a, text, text + len, 1, &errs };
	struct source s = { 0 };
	struct csv_record header, r;
	size_t cap = 64;
	int rc = 1, got;

	*imported = 0;
	if (memchr(text, '\0', len) || !utf8_valid(text, len)) {
		error_add(&errs, 1, "", MSG_NOT_UTF8, "");
		goto out;
	}
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		c.p += 3; /* the byte order mark spreadsheets write */
	do
		got = csv_record(&c, &header);
	while (got == 1 && csv_blank(&header));
	if (got <= 0) {
		if (!errs.n)
			error_add(&errs, 1, "", MSG_EMPTY, "");
		goto out;
	}
	for (int k = 0; k < NCOLS; k++)
		s.col[k] = -1;
	for (size_t i = 0; i < header.n; i++) {
		int k;
		for (k = 0; k < NCOLS && strcmp(header.v[i], csv_columns[k]); k++)
			;
		if (k == NCOLS)
			error_add(&errs, header.line, "", MSG_CSV_UNK, header.v[i]);
		else if (s.col[k] >= 0)
			error_add(&errs, header.line, "", MSG_CSV_TWICE, header.v[i]);
		else
			s.col[k] = (int)i;
	}
	for (int k = 0; k < NCOLS; k++)
		if (s.col[k] < 0)
			error_add(&errs, header.line, "", MSG_CSV_MISS, csv_columns[k]);
	if (errs.n)
		goto out;

	s.records = arena_alloc(a, cap * sizeof(*s.records));
	while ((got = csv_record(&c, &r)) != 0) {
		if (got == -2)
			break;
		if (got < 0 || csv_blank(&r))
			continue;
		if (r.n != header.n) {
			error_add(&errs, r.line, "", MSG_CSV_COLS, "");
			continue;
		}
		if (s.nrows == IMPORT_MAX_ROWS) {
			error_add(&errs, r.line, "", MSG_TOO_BIG, "");
			goto out;
		}
		if (s.nrows == cap) {
			struct csv_record *more = arena_alloc(a, st_mult(cap * 2, sizeof(*more)));
			memcpy(more, s.records, cap * sizeof(*more));
			s.records = more;
			cap *= 2;
		}
		s.records[s.nrows++] = r;
	}
	if (!s.nrows && !errs.n) {
		error_add(&errs, 1, "", MSG_EMPTY, "");
		goto out;
	}
	/* the rows read are checked even after syntax errors, so that one import reports everything */
	rc = import_rows(db, a, &s, by, now, publish, imported, &errs);
out:
	if (errs.n && rc == 0)
		rc = 1;
	errors_sort(&errs);
	*errors = errs.v;
	*nerrors = errs.n;
	return rc;
}

/* ---- export ---- */

/* Each exported version's document, normalised, to fn. */
static int export_each(struct db *db, int all, int (*fn)(json_t *doc, void *ctx), void *ctx)
{
	struct arena scratch = ARENA_INIT;
	struct procedure *p = xmalloc(sizeof(*p));
	struct db_stmt *st;
	int rc = db_query(db, &st,
			  all ? "SELECT v.doc, f.name FROM procedures p JOIN procedure_versions v "
				"ON v.procedure_id = p.id AND v.version = p.latest_version "
				"JOIN procedure_fields f ON f.id = v.field_id ORDER BY p.code"
			      : "SELECT v.doc, f.name FROM procedures p JOIN procedure_versions v "
				"ON v.procedure_id = p.id AND v.version = p.published_version "
				"JOIN procedure_fields f ON f.id = v.field_id ORDER BY p.code",
			  NULL);

	for (; rc == DB_ROW; rc = db_step(st)) {
		json_error_t jerr;
		json_t *doc = json_loads(db_col_text(st, 0), 0, &jerr), *norm;
		int bad;

		arena_reset(&scratch);
		bad = !doc || procedure_from_json(doc, &scratch, p, NULL, NULL);
		json_decref(doc);
		if (bad) {
			rc = DB_ERROR;
			break;
		}
		p->field = arena_strdup(&scratch, db_col_text(st, 1));
		norm = procedure_to_json(p);
		rc = fn(norm, ctx);
		json_decref(norm);
		if (rc)
			break;
	}
	if (rc != DB_DONE && rc != 0)
		db_release_statements(db);
	arena_release(&scratch);
	free(p);
	return rc < 0 ? rc : 0;
}

static int export_json_one(json_t *doc, void *ctx)
{
	return json_array_append(ctx, doc);
}

int procedure_export_json(struct db *db, struct arena *a, int all, struct buf *out)
{
	json_t *arr = json_array();
	char *s;
	int rc = export_each(db, all, export_json_one, arr);

	(void)a;
	if (!rc) {
		s = json_dumps(arr, JSON_INDENT(2));
		if (!s)
			BUG("json_dumps failed");
		buf_adds(out, s);
		buf_addch(out, '\n');
		free(s);
		if (buf_err(out))
			rc = DB_ERROR;
	}
	json_decref(arr);
	return rc;
}

/*
 * Whether a spreadsheet would read `s` as a formula (=, +, -, @, a tab or a
 * carriage return first: OWASP "CSV injection"), also behind apostrophes
 * already there, so that the escape below can be undone exactly.
 */
static int csv_formula_like(const char *s)
{
	while (*s == '\'')
		s++;
	return *s && strchr("=+-@\t\r", *s) != NULL;
}

/*
 * One CSV value, quoted when it holds a comma, a quote mark or a line break
 * (RFC 4180); a value a spreadsheet would take for a formula gets an
 * apostrophe first (csv_unescape_formula takes it off on import).
 */
static void csv_cell(struct buf *out, const char *s, int last)
{
	/* "'-…" stays text in a spreadsheet */
	const char *lead = csv_formula_like(s) ? "'" : "";
	if (strpbrk(s, ",\"\r\n")) {
		buf_addch(out, '"');
		buf_adds(out, lead);
		for (; *s; s++) {
			if (*s == '"')
				buf_addch(out, '"');
			buf_addch(out, *s);
		}
		buf_addch(out, '"');
	} else {
		buf_adds(out, lead);
		buf_adds(out, s);
	}
	buf_adds(out, last ? "\r\n" : ",");
}

static const char *doc_str(const json_t *doc, const char *key)
{
	const char *s = json_string_value(json_object_get(doc, key));
	return s ? s : "";
}

/* The cells of one procedure in the columns' order (csv_columns), JSON lists as compact text (freed by the
 * caller). */
static void export_cells(json_t *doc, char *cells[NCOLS])
{
	const json_t *time = json_object_get(doc, "time");
	static const struct {
		enum csv_col col;
		const char *key;
	} texts[] = {
		{ COL_CODE, "code" },
		{ COL_NAME, "name" },
		{ COL_FIELD, "field" },
		{ COL_LEVEL, "level" },
		{ COL_RECEIVE_LEVEL, "receive_level" },
		{ COL_DECIDE_LEVEL, "decide_level" },
		{ COL_RECEIVING, "receiving" },
		{ COL_DECIDING, "deciding" },
		{ COL_ONLINE, "online" },
		{ COL_RESULT, "result" },
		{ COL_LEGAL_BASIS, "legal_basis" },
		{ COL_CONDITIONS, "conditions" },
		{ COL_FEE_NOTE, "fee_note" },
	};
	static const struct {
		enum csv_col col;
		const char *key;
	} lists[] = { { COL_FEES, "fees" }, { COL_DOCUMENTS, "documents" }, { COL_STEPS, "steps" } };

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		cells[texts[i].col] = xstrdup(doc_str(doc, texts[i].key));
	cells[COL_INTER_LEVEL] =
		xstrdup(json_is_true(json_object_get(doc, "inter_level")) ? "true" : "false");
	cells[COL_TIME_AMOUNT] = xmalloc(24);
	snprintf(cells[COL_TIME_AMOUNT], 24, "%" PRId64,
		 (int64_t)json_integer_value(json_object_get(time, "amount")));
	cells[COL_TIME_UNIT] = xstrdup(doc_str(time, "unit"));
	cells[COL_TIME_NOTE] = xstrdup(doc_str(time, "note"));
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		cells[lists[i].col] =
			json_dumps(json_object_get(doc, lists[i].key), JSON_COMPACT | JSON_ENCODE_ANY);
		if (!cells[lists[i].col])
			BUG("json_dumps failed");
	}
}

static void cells_free(char *cells[NCOLS])
{
	for (int k = 0; k < NCOLS; k++)
		free(cells[k]);
}

static int export_csv_one(json_t *doc, void *ctx)
{
	struct buf *out = ctx;
	char *cells[NCOLS];

	export_cells(doc, cells);
	for (int k = 0; k < NCOLS; k++)
		csv_cell(out, cells[k], k == NCOLS - 1);
	cells_free(cells);
	return buf_err(out) ? DB_ERROR : 0;
}

int procedure_export_csv(struct db *db, struct arena *a, int all, struct buf *out)
{
	(void)a;
	for (int k = 0; k < NCOLS; k++)
		csv_cell(out, csv_columns[k], k == NCOLS - 1);
	if (buf_err(out))
		return DB_ERROR;
	return export_each(db, all, export_csv_one, out);
}

struct xlsx_export {
	lxw_worksheet *ws;
	lxw_format *text;
	lxw_row_t row;
	lxw_error err;
};

static int export_xlsx_one(json_t *doc, void *ctx)
{
	struct xlsx_export *x = ctx;
	char *cells[NCOLS];

	export_cells(doc, cells);
	x->row++;
	for (int k = 0; k < NCOLS && x->err == LXW_NO_ERROR; k++)
		x->err = worksheet_write_string(x->ws, x->row, (lxw_col_t)k, cells[k], x->text);
	cells_free(cells);
	return x->err == LXW_NO_ERROR ? 0 : DB_ERROR;
}

int procedure_export_xlsx(struct db *db, struct arena *a, int all, struct buf *out)
{
	char path[4096];
	struct xlsx_export x = { 0 };
	lxw_workbook *wb = xlsx_open("motcua-catalogue", path, sizeof(path));
	lxw_format *head;
	int rc;

	(void)a;
	if (!wb)
		return DB_ERROR;
	if (!(x.ws = workbook_add_worksheet(wb, "Thủ tục hành chính"))) {
		xlsx_abandon(wb, path);
		return DB_ERROR;
	}
	head = workbook_add_format(wb);
	format_set_bold(head);
	x.text = workbook_add_format(wb);
	format_set_num_format(x.text, "@"); /* text: 2.000720 stays 2.000720 */
	for (int k = 0; k < NCOLS && x.err == LXW_NO_ERROR; k++)
		x.err = worksheet_write_string(x.ws, 0, (lxw_col_t)k, csv_columns[k], head);
	worksheet_freeze_panes(x.ws, 1, 0);
	worksheet_set_column(x.ws, 0, 0, 14, NULL);
	worksheet_set_column(x.ws, 1, 1, 60, NULL);
	if (x.err != LXW_NO_ERROR || (rc = export_each(db, all, export_xlsx_one, &x))) {
		xlsx_abandon(wb, path);
		return DB_ERROR;
	}
	return xlsx_finish(wb, path, out) ? DB_ERROR : 0;
}

/* ---- the demo catalogue ---- */

int procedure_demo(struct db *db, int64_t now)
{
	const struct embed_file *f = embed_find("data/procedures-demo.json");
	struct arena a = ARENA_INIT;
	struct procedure *p = NULL;
	const json_t *fields, *procs;
	json_error_t jerr;
	json_t *demo;
	int rc = 0;

	if (!f)
		return DB_ERROR;
	demo = json_loadb((const char *)f->data, f->len, JSON_REJECT_DUPLICATES, &jerr);
	fields = json_object_get(demo, "fields");
	procs = json_object_get(demo, "procedures");
	if (!json_is_array(fields) || !json_is_array(procs)) {
		rc = DB_ERROR;
		goto out;
	}
	for (size_t i = 0; i < json_array_size(fields) && !rc; i++) {
		const char *name = json_string_value(json_array_get(fields, i));
		int64_t id;
		if (!name) {
			rc = DB_ERROR;
			break;
		}
		if (!(rc = field_id(db, name, &id)) && !id)
			rc = procedure_field_add(db, name, now, &id);
	}
	p = xmalloc(sizeof(*p));
	for (size_t i = 0; i < json_array_size(procs) && !rc; i++) {
		int64_t id, latest, published, version;
		arena_reset(&a);
		if (procedure_from_json(json_array_get(procs, i), &a, p, NULL, NULL) ||
		    procedure_check(p, NULL, NULL)) {
			rc = DB_ERROR; /* the demo file is wrong: tests/unit/test_procedures.c says where */
			break;
		}
		if ((rc = procedure_row(db, p->code, &id, &latest, &published)) || id)
			continue; /* already there: left as it is */
		rc = procedure_save(db, p, "demo", now, &version);
		if (!rc)
			rc = procedure_publish(db, p->code, version, now);
	}
out:
	free(p);
	arena_release(&a);
	json_decref(demo);
	return rc;
}

int procedure_form_register(struct db *db, const char *sha, const char *name, int64_t bytes, const char *by,
			    int64_t now)
{
	return db_exec(
		db,
		"INSERT INTO procedure_forms (sha, name, bytes, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?) "
		"ON CONFLICT (sha) DO NOTHING",
		"ssisi", sha, name, bytes, by, now);
}

int procedure_form_known(struct db *db, const char *sha)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT 1 FROM procedure_forms WHERE sha = ?", "s", sha);
	int known = rc == DB_ROW;
	rc = finish(st, rc);
	return rc < 0 ? rc : known;
}
