/* pages_procedures.c: the public procedure catalogue (/thu-tuc, /thu-tuc/{code}, its forms) and its read API.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
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
#include "rules/fee.h"
#include "rules/fold.h"
#include "rules/procedure.h"
#include "store/db.h"
#include "web/app.h"
#include "core/banned.h"

#define CATALOGUE_PATH	 "/thu-tuc"
#define SUBMIT_PATH	 "/nop-ho-so" /* the online submission (the one-stop issue) */
#define PAGE_SIZE	 20
#define API_PER_PAGE_MAX 100
#define PAGE_MAX	 100000 /* far past any catalogue: 2,000,000 procedures */
/* The search text (characters): longer than any procedure's name needs. */
#define SEARCH_MAX 200
/* A field's name as a filter (bytes): longer names are in no list. */
#define FIELD_NAME_MAX 500
/* A blank form is read whole into the response: at most this much (bytes). */

/* ---- small helpers ---- */

static void not_found(struct request *req)
{
	resp_error(req, 404, "not_found", _("There is no such procedure in the catalogue."));
}

/* A count of pages or copies as typed: 1..FEE_COUNT_MAX, else 0. */
static int64_t count_arg(const char *s)
{
	int64_t v = input_id(s);
	return v >= 1 && v <= FEE_COUNT_MAX ? v : 0;
}

/* The statutory time for people: "Trong ngày", "5 ngày làm việc", "8 giờ làm việc" (in the arena). */
static const char *time_text(struct request *req, int64_t amount, int unit)
{
	if (amount == 0)
		return _("Same day");
	if (unit == PROC_HOURS)
		return amount == 1 ? _("1 working hour")
				   : arena_printf(&req->arena, _("%lld working hours"), (long long)amount);
	return amount == 1 ? _("1 working day")
			   : arena_printf(&req->arena, _("%lld working days"), (long long)amount);
}

static const char *level_label(int level)
{
	const char *l = proc_level_label(level);
	return l ? _(l) : "";
}

static const char *online_label(int online)
{
	const char *l = proc_online_label(online);
	return l ? _(l) : "";
}

/* "cấp phường", as it reads inside a sentence. */
static const char *level_in_sentence(int level)
{
	switch (level) {
	case PROC_CITY: return _("city level");
	case PROC_DISTRICT: return _("district level");
	case PROC_WARD: return _("ward level");
	}
	return "";
}

static const char *money(struct request *req, int64_t amount)
{
	char s[32];
	money_fmt_vnd(s, sizeof(s), amount);
	return arena_strdup(&req->arena, s);
}

/* The lines of a text (legal basis, conditions, result) as an array, blank lines left out. */
static json_t *text_lines(const char *s)
{
	json_t *a = json_array();
	while (s && *s) {
		const char *e = strchr(s, '\n');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		size_t b = 0;
		while (b < n && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r'))
			b++;
		while (n > b && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
			n--;
		if (n > b)
			json_array_append_new(a, json_stringn(s + b, n - b));
		s = e ? e + 1 : NULL;
	}
	return a;
}

/* ---- the filters of the list (page and API) ---- */

struct cat_filter {
	const char *q, *level, *field, *online; /* as typed, trimmed ("" when absent) */
	int inter_only;				/* level "inter" on the page, inter_level=1 in the API */
	char folded[SEARCH_MAX * 4 + 1];	/* folding never lengthens */
	struct proc_query pq;
};

/*
 * Read the filters from the query string into f; the field must be in the
 * managed list `fields`. 0, or -1 after answering 400 with the reason.
 * On the page, level may also be "inter" (the "Liên thông" choice); the API
 * takes inter_level=0|1 for it.
 */
static int filter_read(struct request *req, const struct proc_field *fields, size_t nfields, int api,
		       struct cat_filter *f)
{
	const char *inter;
	memset(f, 0, sizeof(*f));
	f->q = input_trim(req, req_query(req, "q"));
	f->level = input_trim(req, req_query(req, "level"));
	f->field = input_trim(req, req_query(req, "field"));
	f->online = input_trim(req, req_query(req, "online"));
	if (utf8_chars(f->q) > SEARCH_MAX) {
		resp_error(req, 400, "bad_query", _("The search text is too long: at most 200 characters."));
		return -1;
	}
	if (fold_text(f->q, f->folded, sizeof(f->folded)) < 0) {
		resp_error(req, 400, "bad_query", _("The search text is not valid."));
		return -1;
	}
	if (*f->level) {
		if (!api && !strcmp(f->level, "inter"))
			f->inter_only = 1;
		else if (!(f->pq.level = proc_level_from_name(f->level))) {
			resp_error(req, 400, "bad_level", _("Choose a level from the list."));
			return -1;
		}
	}
	inter = api ? req_query(req, "inter_level") : NULL;
	if (inter && *inter) {
		if (!strcmp(inter, "1"))
			f->inter_only = 1;
		else if (strcmp(inter, "0")) {
			resp_error(req, 400, "bad_inter_level", _("inter_level must be 0 or 1."));
			return -1;
		}
	}
	if (*f->field) {
		size_t i;
		for (i = 0; i < nfields && strcmp(fields[i].name, f->field); i++)
			;
		if (strlen(f->field) > FIELD_NAME_MAX || i == nfields) {
			resp_error(req, 400, "bad_field", _("Choose a field from the list."));
			return -1;
		}
		f->pq.field = f->field;
	}
	if (*f->online && !(f->pq.online = proc_online_from_name(f->online))) {
		resp_error(req, 400, "bad_online", _("Choose an online mode from the list."));
		return -1;
	}
	f->pq.q = f->folded;
	f->pq.inter_level = f->inter_only;
	return 0;
}

/* ?page=N: 1 when absent; 0 after answering 400. */
static int64_t page_arg(struct request *req)
{
	const char *s = req_query(req, "page");
	int64_t page;
	if (!s || !*s)
		return 1;
	page = input_id(s);
	if (page < 1 || page > PAGE_MAX) {
		resp_error(req, 400, "bad_page", _("The page must be a number from 1."));
		return 0;
	}
	return page;
}

/* ---- GET /thu-tuc ---- */

/* "/thu-tuc?q=…&level=…&" with the filters set, ready for "page=N". */
static const char *list_link(struct request *req, const struct cat_filter *f)
{
	struct buf b = BUF_INIT;
	const char *out;
	buf_adds(&b, CATALOGUE_PATH "?");
	if (*f->q)
		buf_addf(&b, "q=%s&", input_url_encode(req, f->q));
	if (*f->level)
		buf_addf(&b, "level=%s&", input_url_encode(req, f->level));
	if (*f->field)
		buf_addf(&b, "field=%s&", input_url_encode(req, f->field));
	if (*f->online)
		buf_addf(&b, "online=%s&", input_url_encode(req, f->online));
	out = arena_strdup(&req->arena, b.ptr);
	buf_release(&b);
	return out;
}

/* The choices of a select, the one chosen marked. */
static json_t *choice(const char *value, const char *label, const char *chosen)
{
	json_t *o = json_pack("{s:s,s:s}", "value", value, "label", label);
	if (!strcmp(value, chosen))
		json_object_set_new(o, "selected", json_true());
	return o;
}

/* "Cấp quận: 12 · Cấp phường: 30 · Liên thông: 4" as items (the city only when it has any). */
static json_t *counts_items(const struct proc_counts *c)
{
	json_t *a = json_array();
	struct {
		const char *label;
		size_t n;
		int always;
	} items[] = {
		{ level_label(PROC_CITY), c->city, 0 },
		{ level_label(PROC_DISTRICT), c->district, 1 },
		{ level_label(PROC_WARD), c->ward, 1 },
		{ _("Inter-level"), c->inter_level, 1 },
	};
	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		char n[28];
		if (!items[i].always && !items[i].n)
			continue;
		num_fmt_vn(n, sizeof(n), (int64_t)items[i].n);
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "label", items[i].label, "n", n, "first",
						   json_array_size(a) == 0));
	}
	return a;
}

int page_procedures(struct request *req)
{
	struct db *db = db_thread();
	struct proc_field *fields = NULL;
	struct proc_row *rows = NULL;
	struct proc_counts counts, shown;
	struct cat_filter f;
	size_t nfields = 0, n = 0;
	int64_t page, pages;
	const char *link;
	json_t *ctx, *list, *sel;
	char num[28];

	if (!(page = page_arg(req)))
		return 0;
	if (!db || procedure_fields(db, &req->arena, &fields, &nfields)) {
		resp_unavailable(req);
		return 0;
	}
	if (filter_read(req, fields, nfields, 0, &f))
		return 0;
	f.pq.offset = (size_t)(page - 1) * PAGE_SIZE;
	f.pq.limit = PAGE_SIZE;
	if (procedure_list(db, &req->arena, &f.pq, &rows, &n, &counts)) {
		resp_unavailable(req);
		return 0;
	}
	pages = counts.total ? (int64_t)((counts.total + PAGE_SIZE - 1) / PAGE_SIZE) : 1;
	link = list_link(req, &f);
	/*
	 * The counts at the top say what each choice of the level box would
	 * give with the other filters: "Liên thông" is one of those choices, so
	 * its count, like the levels', is taken without the level or the
	 * inter-level filter (procedure_list counts inter-level ones within the
	 * level chosen).
	 */
	shown = counts;
	if (f.pq.level || f.pq.inter_level) {
		struct proc_query all = f.pq;
		struct proc_row *none;
		size_t zero;
		all.level = 0;
		all.inter_level = 0;
		all.limit = 0;
		if (procedure_list(db, &req->arena, &all, &none, &zero, &shown)) {
			resp_unavailable(req);
			return 0;
		}
	}

	ctx = page_context(req, _("Administrative procedures"));
	json_object_set_new(ctx, "filter",
			    json_pack("{s:s,s:s,s:s,s:s}", "q", f.q, "level", f.level, "field", f.field,
				      "online", f.online));
	json_object_set_new(ctx, "filtered", json_boolean(*f.q || *f.level || *f.field || *f.online));
	if (!*f.q) /* an empty text is true to mustache */
		json_object_del(json_object_get(ctx, "filter"), "q");

	sel = json_array();
	json_array_append_new(sel, choice("", _("All levels"), f.level));
	json_array_append_new(sel, choice("city", level_label(PROC_CITY), f.level));
	json_array_append_new(sel, choice("district", level_label(PROC_DISTRICT), f.level));
	json_array_append_new(sel, choice("ward", level_label(PROC_WARD), f.level));
	json_array_append_new(sel, choice("inter", _("Inter-level"), f.level));
	json_object_set_new(ctx, "levels", sel);

	sel = json_array();
	json_array_append_new(sel, choice("", _("All fields"), f.field));
	for (size_t i = 0; i < nfields; i++)
		if (fields[i].active || fields[i].procedures || !strcmp(fields[i].name, f.field))
			json_array_append_new(sel, choice(fields[i].name, fields[i].name, f.field));
	json_object_set_new(ctx, "fields", sel);

	sel = json_array();
	json_array_append_new(sel, choice("", _("Any online mode"), f.online));
	json_array_append_new(sel, choice("full", online_label(PROC_ONLINE_FULL), f.online));
	json_array_append_new(sel, choice("partial", online_label(PROC_ONLINE_PARTIAL), f.online));
	json_array_append_new(sel, choice("none", online_label(PROC_ONLINE_NONE), f.online));
	json_object_set_new(ctx, "onlines", sel);

	json_object_set_new(ctx, "counts", counts_items(&shown));
	num_fmt_vn(num, sizeof(num), (int64_t)counts.total);
	json_object_set_new(ctx, "total", json_string(num));

	list = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct proc_row *r = &rows[i];
		json_t *o = json_pack("{s:s,s:s,s:o,s:s,s:s,s:s,s:s}", "code", r->code, "name", r->name,
				      "href", json_sprintf(CATALOGUE_PATH "/%s", r->code), "field",
				      r->field ? r->field : "", "level", level_label(r->level), "time",
				      time_text(req, r->time_amount, r->time_unit), "online",
				      online_label(r->online));
		if (r->inter_level)
			json_object_set_new(o, "inter", json_true());
		json_array_append_new(list, o);
	}
	json_object_set_new(ctx, "rows", list);
	json_object_set_new(ctx, "has_rows", json_boolean(n > 0));
	if (!n && counts.total)
		json_object_set_new(ctx, "past_end", json_sprintf("%spage=%lld", link, (long long)pages));
	json_object_set_new(ctx, "page", json_integer(page));
	json_object_set_new(ctx, "pages", json_integer(pages));
	json_object_set_new(ctx, "paged", json_boolean(pages > 1 || page > 1));
	if (page > 1)
		json_object_set_new(ctx, "prev",
				    json_sprintf("%spage=%lld", link,
						 (long long)(page > pages ? pages : page - 1)));
	if (page < pages)
		json_object_set_new(ctx, "next", json_sprintf("%spage=%lld", link, (long long)page + 1));
	page_render(req, 200, "procedures", ctx);
	return 0;
}

/* ---- GET /thu-tuc/{code} ---- */

/*
 * Load the published version of the route's {code} into v. 0, or 1 after
 * answering (404 for a code not in the public catalogue, 503).
 */
static int load_published(struct request *req, struct db *db, struct proc_version *v)
{
	const char *code = req_param(req, "code");
	int rc;
	if (!code || !procedure_code_valid(code)) {
		not_found(req);
		return 1;
	}
	if (!db) {
		resp_unavailable(req);
		return 1;
	}
	rc = procedure_load(db, &req->arena, code, 0, v);
	if (rc < 0) {
		resp_unavailable(req);
		return 1;
	}
	if (rc || v->status != PROC_PUBLISHED) {
		not_found(req);
		return 1;
	}
	return 0;
}

/* "2.000 đ/trang", "15.000 đ/hồ sơ" for an amount counted by `per`. */
static const char *per_unit(struct request *req, int64_t amount, int per)
{
	const char *m = money(req, amount);
	switch (per) {
	case FEE_PER_PAGE: return arena_printf(&req->arena, _("%s/page"), m);
	case FEE_PER_COPY: return arena_printf(&req->arena, _("%s/copy"), m);
	default: return arena_printf(&req->arena, _("%s/dossier"), m);
	}
}

/*
 * What a fee line costs, as lines for people: "2.000 đ/trang (trang 1–2)",
 * "1.000 đ/trang (từ trang 3)", "tối đa 200.000 đ/bản".
 */
static json_t *fee_rates(struct request *req, const struct fee_line *l)
{
	json_t *a = json_array();
	int per_dossier = l->per == FEE_PER_DOSSIER;
	if (l->per == FEE_PER_PAGE && l->ntiers > 0) {
		for (int i = 0; i < l->ntiers; i++) {
			const struct fee_tier *t = &l->tiers[i];
			const char *rate = per_unit(req, t->amount, FEE_PER_PAGE);
			const char *pages;
			if (t->to == 0 && t->from <= 1)
				pages = NULL;
			else if (t->to == 0)
				pages = arena_printf(&req->arena, _("(from page %d)"), t->from);
			else if (t->to == t->from)
				pages = arena_printf(&req->arena, _("(page %d)"), t->from);
			else
				pages = arena_printf(&req->arena, _("(pages %d–%d)"), t->from, t->to);
			json_array_append_new(a,
					      pages ? json_sprintf("%s %s", rate, pages) : json_string(rate));
		}
	} else if (l->amount == 0 && !l->min) {
		json_array_append_new(a, json_string(_("Free")));
	} else {
		json_array_append_new(a, json_string(per_unit(req, l->amount, l->per)));
	}
	if (l->min)
		json_array_append_new(a, json_sprintf(per_dossier ? _("at least %s per dossier")
								  : _("at least %s per copy"),
						      money(req, l->min)));
	if (l->max)
		json_array_append_new(a, json_sprintf(per_dossier ? _("at most %s per dossier")
								  : _("at most %s per copy"),
						      money(req, l->max)));
	return a;
}

/* The fee calculator's answer for ?pages=&copies= (both or neither); 0, or 1 with the form's errors in ctx.
 */
static int fee_calc(struct request *req, const struct procedure *p, json_t *ctx)
{
	const char *ps = req_query(req, "pages"), *cs = req_query(req, "copies");
	/* not given: one (a dossier of one copy of one page); given, it must be a count */
	int64_t pages = ps ? count_arg(ps) : 1, copies = cs ? count_arg(cs) : 1, total;
	json_t *calc, *errors = json_object(), *lines;
	char max[28];

	calc = json_pack("{s:s,s:s}", "pages", ps ? ps : "1", "copies", cs ? cs : "1");
	json_object_set_new(ctx, "calc", calc);
	if (!ps && !cs) {
		json_decref(errors);
		return 0;
	}
	num_fmt_vn(max, sizeof(max), FEE_COUNT_MAX);
	if (!pages)
		json_object_set_new(
			errors, "pages",
			json_sprintf(_("The number of pages must be a whole number from 1 to %s."), max));
	if (!copies)
		json_object_set_new(
			errors, "copies",
			json_sprintf(_("The number of copies must be a whole number from 1 to %s."), max));
	if (json_object_size(errors)) {
		json_object_set_new(calc, "errors", errors);
		return 1;
	}
	json_decref(errors);
	total = fee_total(p->fees, p->nfees, pages, copies);
	if (total < 0) {
		/* a stored version has checked lines: this is only reached by a bad row */
		log_error("event=fee_total code=%s msg=\"fee lines not valid\"", p->code);
		return 0;
	}
	lines = json_array();
	for (size_t i = 0; i < p->nfees; i++)
		json_array_append_new(lines,
				      json_pack("{s:s,s:s}", "name", p->fees[i].name, "amount",
						money(req, fee_line_amount(&p->fees[i], pages, copies))));
	json_object_set_new(calc, "lines", lines);
	json_object_set_new(calc, "total", json_string(money(req, total)));
	json_object_set_new(calc, "done", json_true());
	return 0;
}

json_t *procedure_view(struct request *req, const struct proc_version *v, int public_page)
{
	const struct procedure *p = &v->p;
	json_t *o, *a;

	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "code", p->code, "name", p->name,
		      "field", p->field, "level", level_label(p->level), "receiving", p->receiving,
		      "deciding", p->deciding, "time", time_text(req, p->time_amount, p->time_unit),
		      "time_note", p->time_note, "fee_note", p->fee_note, "online", online_label(p->online),
		      "version", (json_int_t)v->version);
	if (p->inter_level)
		json_object_set_new(o, "inter",
				    json_sprintf(_("Inter-level: received at %s, decided at %s"),
						 level_in_sentence(p->receive_level),
						 level_in_sentence(p->decide_level)));
	if (public_page && (p->online == PROC_ONLINE_FULL || p->online == PROC_ONLINE_PARTIAL))
		json_object_set_new(o, "submit", json_sprintf(SUBMIT_PATH "/%s", p->code));

	a = json_array();
	for (size_t i = 0; i < p->nfees; i++) {
		const struct fee_line *l = &p->fees[i];
		json_array_append_new(a, json_pack("{s:s,s:s,s:o}", "name", l->name, "kind",
						   l->kind ? _("Charge") : _("Fee"), "rates",
						   fee_rates(req, l)));
	}
	/* "No fee" only when there is neither a line nor a note (a rate set by the city's council) */
	json_object_set_new(o, "has_fees", json_boolean(p->nfees > 0));
	json_object_set_new(o, "no_fee", json_boolean(!p->nfees && !*p->fee_note));
	/* an empty text is true to mustache: leave the key out */
	if (!*p->time_note)
		json_object_del(o, "time_note");
	if (!*p->fee_note)
		json_object_del(o, "fee_note");
	json_object_set_new(o, "fees", a);

	a = json_array();
	for (size_t i = 0; i < p->ndocuments; i++) {
		const struct proc_document *d = &p->documents[i];
		const char *kind = proc_doc_kind_label(d->kind);
		json_t *doc = json_pack("{s:I,s:s,s:s,s:i}", "n", (json_int_t)i + 1, "name", d->name, "kind",
					kind ? _(kind) : "", "count", d->count);
		if (d->form_file && *d->form_file) {
			json_object_set_new(doc, "form_name",
					    json_string(d->form_name && *d->form_name ? d->form_name
										      : d->name));
			/* the download serves the published version's forms only */
			if (v->status == PROC_PUBLISHED)
				json_object_set_new(doc, "form_href",
						    json_sprintf(CATALOGUE_PATH "/%s/bieu-mau/%zu", p->code,
								 i + 1));
		}
		json_array_append_new(a, doc);
	}
	json_object_set_new(o, "has_documents", json_boolean(p->ndocuments > 0));
	json_object_set_new(o, "documents", a);

	json_object_set_new(o, "result", text_lines(p->result));
	json_object_set_new(o, "conditions", text_lines(p->conditions));
	json_object_set_new(o, "has_conditions",
			    json_boolean(json_array_size(json_object_get(o, "conditions"))));
	json_object_set_new(o, "legal_basis", text_lines(p->legal_basis));

	a = json_array();
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct proc_step *s = &p->steps[i];
		json_array_append_new(
			a, json_pack("{s:I,s:s,s:s,s:s,s:s}", "n", (json_int_t)i + 1, "name", s->name,
				     "responsible", s->responsible, "level", level_label(s->level), "time",
				     /* a step with no allotted time of its own is done as it goes */
				     s->hours ? time_text(req, s->hours, PROC_HOURS) : _("At once")));
	}
	json_object_set_new(o, "has_steps", json_boolean(p->nsteps > 0));
	json_object_set_new(o, "steps", a);
	return o;
}

int page_procedure(struct request *req)
{
	struct db *db = db_thread();
	struct proc_version v;
	const struct procedure *p;
	json_t *ctx;
	int bad;

	if (load_published(req, db, &v))
		return 0;
	p = &v.p;
	ctx = page_context(req, p->name);
	json_object_set_new(ctx, "p", procedure_view(req, &v, 1));

	bad = p->nfees ? fee_calc(req, p, ctx) : 0;
	page_render(req, bad ? 400 : 200, "procedure", ctx);
	return 0;
}

/* ---- GET /thu-tuc/{code}/bieu-mau/{n} ---- */

static const struct {
	const char *ext, *type;
} form_types[] = {
	{ ".pdf", "application/pdf" },
	{ ".doc", "application/msword" },
	{ ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
	{ ".odt", "application/vnd.oasis.opendocument.text" },
	{ ".xls", "application/vnd.ms-excel" },
	{ ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
};

/* The index in form_types of the extension `name` ends with (any case), or -1. */
static int type_by_name(const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof(form_types) / sizeof(form_types[0]); i++) {
		size_t e = strlen(form_types[i].ext);
		if (n > e && !strcasecmp(name + n - e, form_types[i].ext))
			return (int)i;
	}
	return -1;
}

/* The same from the file's first bytes, for a form whose title has no extension. */
static int type_by_content(const char *data, size_t len)
{
	if (len >= 5 && !memcmp(data, "%PDF-", 5))
		return 0;
	if (len >= 8 && !memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
		return 1; /* OLE2: Word 97–2003 (an .xls would be one too; forms are Word) */
	if (len >= 4 && !memcmp(data, "PK\x03\x04", 4)) {
		/* a zip: OOXML names its parts in the local headers */
		for (size_t i = 0; i + 5 <= len && i < 65536; i++)
			if (!memcmp(data + i, "word/", 5))
				return 2;
	}
	return -1;
}

/* Read the whole file at `path` (at most `max` bytes) into out. 0, 1 when it is larger, -1 with errno. */
int file_read_whole(const char *path, size_t max, struct buf *out)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = -1;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		goto out;
	if ((uint64_t)st.st_size > max) {
		rc = 1;
		goto out;
	}
	if (buf_grow(out, (size_t)st.st_size + 1))
		goto out;
	for (;;) {
		char chunk[65536];
		ssize_t r = read(fd, chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto out;
		if (r == 0)
			break;
		if (out->len + (size_t)r > max) {
			rc = 1;
			goto out;
		}
		if (buf_add(out, chunk, (size_t)r))
			goto out;
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

/*
 * Content-Disposition for a download named `name` (UTF-8): an ASCII
 * fallback (the name folded: "to-khai-dang-ky-khai-sinh.pdf") and the
 * UTF-8 name (RFC 6266, RFC 5987), in the arena.
 */
const char *download_disposition(struct request *req, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(name);
	char *ascii = arena_alloc(&req->arena, n + 1);
	struct buf b = BUF_INIT;
	const char *out;
	const char *dot = strrchr(name, '.');
	int has_ext = dot && type_by_name(name) >= 0;

	/* the fallback: the stem folded to words joined by '-', then the extension */
	if (fold_text(name, ascii, n + 1) < 0)
		ascii[0] = '\0';
	if (has_ext) {
		/* folding turned ".pdf" into " pdf" at the end: cut it, the extension goes back below */
		size_t al = strlen(ascii), el = strlen(dot + 1);
		if (al > el && ascii[al - el - 1] == ' ')
			ascii[al - el - 1] = '\0';
	}
	for (char *c = ascii; *c; c++)
		if (*c == ' ')
			*c = '-';
	buf_addf(&b, "attachment; filename=\"%s%s\"; filename*=UTF-8''", *ascii ? ascii : "mau-don",
		 has_ext ? arena_strdup(&req->arena, dot) : "");
	for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		    strchr("!#$&+-.^_`|~", *c))
			buf_addch(&b, *c);
		else
			buf_addf(&b, "%%%c%c", hex[*c >> 4], hex[*c & 15]);
	}
	out = arena_strdup(&req->arena, b.ptr);
	buf_release(&b);
	return out;
}

int page_procedure_form(struct request *req)
{
	struct db *db = db_thread();
	struct proc_version v;
	const struct proc_document *d;
	const char *name, *inm;
	char path[512], etag[80];
	int64_t n = input_id(req_param(req, "n"));
	int type, rc;

	if (load_published(req, db, &v))
		return 0;
	if (n < 1 || (size_t)n > v.p.ndocuments || !(d = &v.p.documents[n - 1])->form_file ||
	    !*d->form_file || files_path(the_app->cfg.data, d->form_file, path, sizeof(path)) ||
	    procedure_form_known(db, d->form_file) != 1) {
		resp_error(req, 404, "not_found", _("This procedure has no such form to download."));
		return 0;
	}
	snprintf(etag, sizeof(etag), "\"%s\"", d->form_file);
	resp_header(req, "ETag", etag);
	resp_header_static(req, "Cache-Control", "no-cache");
	inm = req_header(req, "If-None-Match");
	if (inm && strstr(inm, etag)) {
		buf_reset(&req->out);
		req->status = 304;
		req->content_type_out = "application/octet-stream";
		return 0;
	}
	/* NEEDSWORK: the HTTP layer has no file response: the form is read whole (they are small) */
	buf_reset(&req->out);
	rc = file_read_whole(path,
			     req->out.max - 1 < PROC_FORM_FILE_MAX ? req->out.max - 1 : PROC_FORM_FILE_MAX,
			     &req->out);
	if (rc) {
		char q[600];
		buf_reset(&req->out);
		log_error("event=form_file code=%s n=%lld path=%s msg=%s", v.p.code, (long long)n,
			  log_quote(q, sizeof(q), path), rc > 0 ? "\"too large\"" : strerror(errno));
		if (rc < 0 && errno == ENOENT)
			resp_error(req, 404, "not_found", _("This procedure has no such form to download."));
		else
			resp_error(req, 500, "internal", _("Internal server error, please try again later."));
		return 0;
	}
	name = d->form_name && *d->form_name ? d->form_name : d->name;
	type = type_by_name(name);
	if (type < 0 && (type = type_by_content(req->out.ptr, req->out.len)) >= 0)
		name = arena_printf(&req->arena, "%s%s", name, form_types[type].ext);
	resp_header(req, "Content-Disposition", download_disposition(req, name));
	req->status = 200;
	req->content_type_out = type >= 0 ? form_types[type].type : "application/octet-stream";
	return 0;
}

/* ---- the API ---- */

static json_t *counts_json(const struct proc_counts *c)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I}", "total", (json_int_t)c->total, "city", (json_int_t)c->city,
			 "district", (json_int_t)c->district, "ward", (json_int_t)c->ward, "inter_level",
			 (json_int_t)c->inter_level);
}

int api_procedures_list(struct request *req)
{
	struct db *db = db_thread();
	struct proc_field *fields = NULL;
	struct proc_row *rows = NULL;
	struct proc_counts counts;
	struct cat_filter f;
	size_t nfields = 0, n = 0;
	const char *pp = req_query(req, "per_page");
	int64_t page, per_page = PAGE_SIZE;
	json_t *list;

	if (!(page = page_arg(req)))
		return 0;
	if (pp && ((per_page = input_id(pp)) < 1 || per_page > API_PER_PAGE_MAX)) {
		resp_error(req, 400, "bad_per_page", _("per_page must be a number from 1 to 100."));
		return 0;
	}
	if (!db || procedure_fields(db, &req->arena, &fields, &nfields)) {
		resp_unavailable(req);
		return 0;
	}
	if (filter_read(req, fields, nfields, 1, &f))
		return 0;
	f.pq.offset = (size_t)((page - 1) * per_page);
	f.pq.limit = (size_t)per_page;
	if (procedure_list(db, &req->arena, &f.pq, &rows, &n, &counts)) {
		resp_unavailable(req);
		return 0;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct proc_row *r = &rows[i];
		json_array_append_new(
			list, json_pack("{s:s,s:s,s:s,s:s,s:b,s:s,s:{s:I,s:s},s:I}", "code", r->code, "name",
					r->name, "field", r->field ? r->field : "", "level",
					proc_level_name(r->level), "inter_level", r->inter_level, "online",
					proc_online_name(r->online), "time", "amount",
					(json_int_t)r->time_amount, "unit", proc_time_unit_name(r->time_unit),
					"version", (json_int_t)r->version));
	}
	resp_json(req, 200,
		  json_pack("{s:o,s:o,s:I,s:I,s:I}", "procedures", list, "counts", counts_json(&counts),
			    "page", (json_int_t)page, "per_page", (json_int_t)per_page, "total",
			    (json_int_t)counts.total));
	return 0;
}

static const char *status_name(int status)
{
	switch (status) {
	case PROC_DRAFT: return "draft";
	case PROC_PUBLISHED: return "published";
	default: return "retired";
	}
}

int api_procedure_get(struct request *req)
{
	struct db *db = db_thread();
	const char *vs = req_query(req, "version"), *code = req_param(req, "code");
	struct proc_version v;
	json_t *doc;
	int64_t version;
	int rc;

	if (!vs) {
		if (load_published(req, db, &v))
			return 0;
	} else {
		/* any version, drafts and retired ones too: for those who manage the catalogue */
		if (!req_user(req)) {
			resp_error(req, 401, "login_required", _("Please log in first."));
			return 0;
		}
		if (req_staff_only(req))
			return 0;
		if ((rc = req_can_at_top(req, "procedure.manage")) != 1) {
			if (rc == 0)
				resp_error(req, 403, "forbidden",
					   _("You do not have permission to do this."));
			else if (!req->status)
				resp_unavailable(req);
			return 0;
		}
		if (!(version = input_id(vs))) {
			resp_error(req, 400, "bad_version", _("The version must be a number from 1."));
			return 0;
		}
		if (!code || !procedure_code_valid(code)) {
			not_found(req);
			return 0;
		}
		if (!db || (rc = procedure_load(db, &req->arena, code, version, &v)) < 0) {
			resp_unavailable(req);
			return 0;
		}
		if (rc) {
			resp_error(req, 404, "not_found", _("This procedure has no such version."));
			return 0;
		}
	}
	doc = procedure_to_json(&v.p);
	json_object_set_new(doc, "version", json_integer(v.version));
	if (vs)
		json_object_set_new(doc, "status", json_string(status_name(v.status)));
	resp_json(req, 200, doc);
	return 0;
}

int api_procedure_fee(struct request *req)
{
	struct db *db = db_thread();
	const char *ps = req_query(req, "pages"), *cs = req_query(req, "copies");
	/* not given: one (a dossier of one copy of one page); given, it must be a count */
	int64_t pages = ps ? count_arg(ps) : 1, copies = cs ? count_arg(cs) : 1, total;
	struct proc_version v;
	const struct procedure *p;
	json_t *lines;
	char max[28];

	if (load_published(req, db, &v))
		return 0;
	p = &v.p;
	num_fmt_vn(max, sizeof(max), FEE_COUNT_MAX);
	if (!pages) {
		resp_error(req, 400, "bad_pages",
			   arena_printf(&req->arena,
					_("The number of pages must be a whole number from 1 to %s."), max));
		return 0;
	}
	if (!copies) {
		resp_error(req, 400, "bad_copies",
			   arena_printf(&req->arena,
					_("The number of copies must be a whole number from 1 to %s."), max));
		return 0;
	}
	total = fee_total(p->fees, p->nfees, pages, copies);
	if (total < 0) {
		/* the lines were checked when saved: only an amount past the largest one a receipt takes */
		resp_error(
			req, 400, "too_large",
			_("The amount for so many pages and copies is larger than a receipt can hold: ask at the counter."));
		return 0;
	}
	lines = json_array();
	for (size_t i = 0; i < p->nfees; i++)
		json_array_append_new(lines,
				      json_pack("{s:s,s:I}", "name", p->fees[i].name, "amount",
						(json_int_t)fee_line_amount(&p->fees[i], pages, copies)));
	/* a fee set elsewhere (by the city's council) is told in the note, not counted in the total */
	resp_json(req, 200,
		  json_pack("{s:s,s:I,s:I,s:o,s:I,s:s}", "code", p->code, "pages", (json_int_t)pages,
			    "copies", (json_int_t)copies, "lines", lines, "total", (json_int_t)total,
			    "fee_note", p->fee_note));
	return 0;
}
