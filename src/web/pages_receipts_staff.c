/*
 * pages_receipts_staff.c: the collector's pages for electronic fee receipts (the list /thu-phi,
 * the issue form, a receipt with its cancel form, the replacement form) and the administrator's
 * page of receipt books /quan-tri/so-bien-lai. The JSON API and the public page are in
 * pages_receipts.c; the rules in features/receipts.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/i18n.h"
#include "core/timefmt.h"
#include "core/xalloc.h"
#include "features/authz.h"
#include "features/dossiers.h"
#include "features/org.h"
#include "features/receipt_xml.h"
#include "features/receipts.h"
#include "rules/dossier.h"
#include "store/db.h"
#include "web/app.h"
#include "core/banned.h"

#define ISSUE	      "receipt.issue"
#define MANAGE	      "unit.manage"
#define PAGE_SIZE     50
#define ROWS_SHOWN    5	  /* line rows in view; the rest up to RECEIPT_MAX_LINES behind "more lines" */
#define QUERY_MAX     100 /* the list's search text */
#define AMOUNT_DIGITS 13

/* ---- small helpers ---- */

static int unavailable(struct request *req)
{
	resp_unavailable(req);
	return 0;
}

/* A string, or null when empty: mustache shows a section for "" too. */
static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

/* "26/11/2026 08:30" in Vietnam time, "" for 0. */
static const char *when_text(struct request *req, int64_t t)
{
	char d[16], h[8];
	if (!t)
		return "";
	time_fmt_date_vn(d, sizeof(d), t);
	time_fmt_time_vn(h, sizeof(h), t);
	return arena_printf(&req->arena, "%s %s", d, h);
}

static int local_year(int64_t t)
{
	struct civil c;
	time_to_civil(t, VN_UTC_OFFSET, &c);
	return c.year;
}

/* A form field, trimmed. */
static const char *form_value(struct request *req, const char *name)
{
	return input_trim(req, req_form(req, name));
}

/* The name of the field `part` (name, quantity, amount) of the receipt form's line i. */
static const char *line_field(struct request *req, size_t i, const char *part)
{
	return arena_printf(&req->arena, "line%zu_%s", i, part);
}

/* Begin a write's transaction: 0, or 1 after answering 503. */
static int write_begin(struct request *req, struct db *db)
{
	if (db_begin(db)) {
		resp_unavailable(req);
		return 1;
	}
	return 0;
}

/*
 * The write answered rc (not 0): roll its transaction back. 1 after answering 503 when the
 * database failed (rc < 0); 0 when the write refused, for the caller to show why.
 */
static int write_failed(struct request *req, struct db *db, int rc)
{
	db_rollback(db);
	if (rc < 0) {
		resp_unavailable(req);
		return 1;
	}
	return 0;
}

/* Audit the write on `object` (`detail` stolen) and commit: 0, or 1 after rolling back and answering 503. */
static int commit_audited(struct request *req, struct db *db, const char *action, const char *object,
			  json_t *detail)
{
	if (req_audit_json(req, db, action, object, detail) || db_commit(db)) {
		db_rollback(db);
		resp_unavailable(req);
		return 1;
	}
	return 0;
}

/* The notice a page shows after a redirect with ?msg=`msg`: a list of them ends with { NULL }. */
struct notice {
	const char *msg, *text; /* text: a msgid */
};

static const char *notice_for(const char *msg, const struct notice *list)
{
	for (; msg && list->msg; list++)
		if (!strcmp(msg, list->msg))
			return _(list->text);
	return NULL;
}

/*
 * A whole number as a clerk types it: "75000", "75.000" or "75 000" (dots or spaces between
 * groups of three digits; a comma is the Vietnamese decimal mark, so it is refused), at most
 * AMOUNT_DIGITS digits. -1 when it is not one.
 */
static int64_t parse_whole(const char *s)
{
	int64_t v = 0;
	int digits = 0, group = 0, separated = 0;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (++digits > AMOUNT_DIGITS)
				return -1;
			v = v * 10 + (*s - '0');
			group++;
		} else if (*s == '.' || *s == ' ') {
			if (!group || (separated ? group != 3 : group > 3))
				return -1;
			separated = 1;
			group = 0;
		} else {
			return -1;
		}
	}
	if (!digits || (separated && group != 3))
		return -1;
	return v;
}

/* ---- field errors ---- */

struct errs {
	json_t *fields; /* field → its message */
	json_t *list;	/* [{id, message}]: the summary, each linking to its field */
};

static void errs_init(struct errs *e)
{
	e->fields = json_object();
	e->list = json_array();
}

static void errs_release(struct errs *e)
{
	json_decref(e->fields);
	json_decref(e->list);
	e->fields = e->list = NULL;
}

static int errs_count(const struct errs *e)
{
	return (int)json_object_size(e->fields);
}

/* The first message of `field`; `anchor` the element the summary links to (NULL: the field's id). */
static void errs_add(struct errs *e, const char *field, const char *anchor, const char *msgid)
{
	if (json_object_get(e->fields, field))
		return;
	json_object_set_new(e->fields, field, json_string(_(msgid)));
	json_array_append_new(e->list,
			      json_pack("{s:s,s:s}", "id", anchor ? anchor : field, "message", _(msgid)));
}

/* Put the errors and the summary into a page's context. */
static void errs_put(json_t *ctx, const struct errs *e, const char *message)
{
	if (!e || !errs_count(e)) {
		if (message)
			json_object_set_new(ctx, "error", json_string(message));
		return;
	}
	json_object_set_new(ctx, "error", json_string(message ? message : _("Some fields are not valid.")));
	json_object_set(ctx, "errors", e->fields);
	json_object_set(ctx, "error_list", e->list);
	json_object_set_new(ctx, "has_error_list", json_true());
}

/* Answer the page `template` with ctx, its notice (or NULL) and its errors; never cached. */
static void page_show(struct request *req, int status, const char *template, json_t *ctx, const char *notice,
		      const struct errs *e, const char *error)
{
	if (notice)
		json_object_set_new(ctx, "notice", json_string(notice));
	errs_put(ctx, e, error);
	resp_header_static(req, "Cache-Control", "no-store");
	page_render(req, status, template, ctx);
}

/* The form field a message of features/receipts.c is about, NULL when it is about none. */
static const char *why_field(const char *why)
{
	static const struct {
		const char *why, *field;
	} map[] = {
		{ "Enter the payer's name (at most 200 characters).", "payer_name" },
		{ "Enter the payer's address (at most 300 characters).", "payer_address" },
		{ "A tax code has 10 digits, or 10 digits, a hyphen and 3 more.", "payer_tax_code" },
		{ "A citizen ID number has 12 digits.", "payer_id_no" },
		{ "Choose how the fee was paid: cash, bank transfer or online.", "method" },
		{ "A receipt has 1 to 20 lines.", "lines" },
		{ "The total is too large for one receipt.", "lines" },
		{ "There is no such receipt book.", "book" },
		{ "This receipt book is stopped: choose another.", "book" },
		{ "This receipt book is for another year: receipts are numbered anew each year.", "book" },
		{ "This receipt book is full: open a new one.", "book" },
		{ "There is no dossier with this code.", "dossier" },
		{ "This dossier was received by another office: its fee is collected there.", "dossier" },
		{ "No fee is due for this dossier.", "dossier" },
		{ "The fee of this dossier is paid already: it has its receipt.", "dossier" },
		{ "The receipt's total must equal the fee due for the dossier.", "dossier" },
		{ "Give the reason (5 to 500 characters).", "reason" },
		{ "The year must be between 2000 and 2099.", "year" },
		{ "The template symbol is like 01BLP0-001: 3 to 20 capital letters, digits and hyphens.",
		  "template" },
		{ "The series is like AA-26E: two capital letters, a hyphen, the last two digits of the year and E.",
		  "series" },
		{ "The collecting unit does not exist or is no longer active.", "unit" },
		{ "The unit already has a book with this template, series and year.", "series" },
	};
	for (size_t i = 0; why && i < ARRAY_SIZE(map); i++)
		if (!strcmp(map[i].why, why))
			return map[i].field;
	return NULL;
}

/* The element the summary links to for a field of the receipt form. */
static const char *field_anchor(const char *field)
{
	if (!strcmp(field, "method"))
		return "method-cash";
	if (!strcmp(field, "lines"))
		return "line0_name";
	return field;
}

/* ---- books ---- */

/* A book receipts may be issued from now: in use, and of this year (receipts are numbered anew each year). */
static int book_usable(const struct receipt_book *b, int year)
{
	return b->active && b->year == year;
}

static const char *book_label(struct request *req, const struct receipt_book *b)
{
	return arena_printf(&req->arena, "%s · %s · %s (%d)", b->series, b->template_code, b->unit_name,
			    b->year);
}

/*
 * The books at the units where the account may issue receipts; with `usable`, only the active
 * books of this year (those it may issue from now). *scoped: 1 when it may issue anywhere.
 * 0, or 1 after answering 503.
 */
static int issue_books(struct request *req, struct db *db, int usable, struct receipt_book **out, size_t *n,
		       int *scoped)
{
	int64_t *units;
	size_t nunits, k = 0;
	int year = local_year(req_now(req));
	*out = NULL;
	*n = 0;
	*scoped = 0;
	if (req_scope(req, ISSUE, &units, &nunits))
		return 1;
	if (!nunits)
		return 0;
	*scoped = 1;
	if (receipt_book_list(db, &req->arena, units, nunits, out, n)) {
		resp_unavailable(req);
		return 1;
	}
	if (!usable)
		return 0;
	for (size_t i = 0; i < *n; i++)
		if (book_usable(&(*out)[i], year))
			(*out)[k++] = (*out)[i];
	*n = k;
	return 0;
}

static const struct receipt_book *find_book(const struct receipt_book *books, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (books[i].id == id)
			return &books[i];
	return NULL;
}

/* The books as options; `only`: the only book is chosen (a form), not in a filter. */
static json_t *books_choice(struct request *req, const struct receipt_book *books, size_t n, int64_t selected,
			    int only)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:I,s:s,s:b}", "id", (json_int_t)books[i].id, "label",
						   book_label(req, &books[i]), "selected",
						   books[i].id == selected || (only && n == 1)));
	return a;
}

/*
 * The start of a collector's page: staff only, the database up, the books as issue_books gives
 * them, and 403 when the account collects fees at no unit. 0, or 1 after answering.
 */
static int collector_books(struct request *req, struct db *db, int usable, struct receipt_book **books,
			   size_t *n)
{
	int scoped;
	if (req_staff_only(req))
		return 1;
	if (!db) {
		resp_unavailable(req);
		return 1;
	}
	if (issue_books(req, db, usable, books, n, &scoped))
		return 1;
	if (!scoped) {
		resp_error(req, 403, "forbidden", _("You do not collect fees at any unit."));
		return 1;
	}
	return 0;
}

/* ---- the receipt as the pages show it ---- */

static json_t *receipt_view(struct request *req, const struct receipt *r)
{
	json_t *lines = json_array(), *o;
	for (size_t i = 0; i < r->nlines; i++)
		json_array_append_new(lines,
				      json_pack("{s:s,s:I,s:s,s:s}", "name", r->lines[i].name, "quantity",
						(json_int_t)r->lines[i].quantity, "unit_amount_text",
						amount_text(req, r->lines[i].unit_amount), "amount_text",
						amount_text(req, r->lines[i].amount)));
	o = json_pack("{s:I,s:s,s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)r->id, "number",
		      r->number_text, "series", r->series, "template", r->template_code, "year", r->year,
		      "lookup", r->lookup, "total_text", amount_text(req, r->total), "amount_in_words",
		      r->amount_in_words, "method_text", _(receipt_method_label(r->method)), "status",
		      receipt_status_name(r->status), "status_text", _(receipt_status_label(r->status)),
		      "issued_text", when_text(req, r->issued_at));
	json_object_set_new(o, "lines", lines);
	json_object_set_new(o, "dossier", str_or_null(r->dossier_code));
	json_object_set_new(o, "payer",
			    json_pack("{s:s,s:s,s:o,s:o}", "name", r->payer.name, "address", r->payer.address,
				      "tax_code", str_or_null(r->payer.tax_code), "id_no",
				      str_or_null(r->payer.id_no)));
	json_object_set_new(o, "unit",
			    json_pack("{s:s,s:o,s:o}", "name", r->unit_name, "tax_code",
				      str_or_null(r->unit_tax_code), "address",
				      str_or_null(r->unit_address)));
	json_object_set_new(o, "collector", str_or_null(r->collector_name));
	json_object_set_new(o, "verify_code", str_or_null(r->verify_code));
	json_object_set_new(o, "is_issued", json_boolean(r->status == RST_ISSUED));
	json_object_set_new(o, "is_cancelled", json_boolean(r->status == RST_CANCELLED));
	json_object_set_new(o, "cancelled_text", str_or_null(when_text(req, r->cancelled_at)));
	json_object_set_new(o, "cancel_reason", str_or_null(r->cancel_reason));
	json_object_set_new(o, "replaces",
			    r->replaces_id ? json_pack("{s:I,s:s}", "id", (json_int_t)r->replaces_id,
						       "number", r->replaces_number ? r->replaces_number : "")
					   : json_null());
	json_object_set_new(o, "replaced_by",
			    r->replaced_by_id
				    ? json_pack("{s:I,s:s}", "id", (json_int_t)r->replaced_by_id, "number",
						r->replaced_by_number ? r->replaced_by_number : "")
				    : json_null());
	json_object_set_new(o, "public_url", json_sprintf("/bien-lai/%s", r->lookup));
	json_object_set_new(o, "pdf_url", json_sprintf("/bien-lai/%s/pdf", r->lookup));
	json_object_set_new(o, "xml_url", json_sprintf("/bien-lai/%s/xml", r->lookup));
	return o;
}

/* The receipt of the route's {id} for the collector of its unit; 1 when loaded, 0 when answered. */
static int load_for_staff(struct request *req, struct db *db, struct receipt *r)
{
	int64_t id = req_param_id(req);
	int rc;
	if (req_staff_only(req))
		return 0;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	rc = id ? receipt_load(db, &req->arena, id, r) : RECEIPT_NOT_FOUND;
	if (rc == RECEIPT_NOT_FOUND) {
		resp_error(req, 404, "not_found", _("There is no such receipt."));
		return 0;
	}
	if (rc) {
		resp_unavailable(req);
		return 0;
	}
	return !req_require(req, ISSUE, r->unit_id, 0);
}

/*
 * Audit a receipt action inside the transaction (as pages_receipts.c does), then commit; 0, or 1
 * after rolling back and answering 503.
 */
static int audit_commit(struct request *req, struct db *db, const char *action, const struct receipt *r,
			const char *reason)
{
	json_t *detail = json_pack("{s:s,s:s,s:s,s:I}", "number", r->number_text, "series", r->series,
				   "template", r->template_code, "total", (json_int_t)r->total);
	if (reason)
		json_object_set_new(detail, "reason", json_string(reason));
	if (r->dossier_code && *r->dossier_code)
		json_object_set_new(detail, "dossier", json_string(r->dossier_code));
	return commit_audited(req, db, action, arena_printf(&req->arena, "receipt:%lld", (long long)r->id),
			      detail);
}

/* ---- the list: /thu-phi ---- */

int page_receipts(struct request *req)
{
	struct db *db = db_thread();
	struct receipt_query q = { 0 };
	struct receipt_book *books;
	struct receipt *rows;
	struct errs e;
	size_t nbooks, n = 0;
	int64_t total = 0, page = 1, *units;
	const char *from = input_trim(req, req_query(req, "from")),
		   *to = input_trim(req, req_query(req, "to"));
	const char *status = input_trim(req, req_query(req, "status")),
		   *text = input_trim(req, req_query(req, "q"));
	const char *page_s = req_query(req, "page"), *base;
	json_t *ctx, *list, *statuses;

	if (collector_books(req, db, 0, &books, &nbooks))
		return 0;
	if (page_s && *page_s && ((page = input_id(page_s)) < 1 || page > 100000)) {
		resp_error(req, 400, "bad_request", _("The page number is not valid."));
		return 0;
	}
	errs_init(&e);
	if (*from && !(q.from = input_day(from)))
		errs_add(&e, "from", NULL, N_("Enter a date, such as 27/11/2026."));
	if (*to && !(q.to = input_day(to)))
		errs_add(&e, "to", NULL, N_("Enter a date, such as 27/11/2026."));
	if (q.from && q.to && q.to < q.from)
		errs_add(&e, "to", NULL, N_("The end date must not be before the start date."));
	if (q.to)
		q.to += 86400; /* to the end of that day */
	if (*status && strcmp(status, "issued") && strcmp(status, "cancelled"))
		errs_add(&e, "status", NULL, N_("Choose a status from the list."));
	q.status = !strcmp(status, "issued") ? RST_ISSUED : !strcmp(status, "cancelled") ? RST_CANCELLED : 0;
	q.book_id = input_id(req_query(req, "book"));
	if (q.book_id && !find_book(books, nbooks, q.book_id))
		errs_add(&e, "book", NULL, N_("Choose a book from the list."));
	if (strlen(text) > QUERY_MAX)
		errs_add(&e, "q", NULL, N_("The search text is too long (at most 100 characters)."));
	q.q = text;
	if (req_scope(req, ISSUE, &units, &q.nunits)) {
		errs_release(&e);
		return 0;
	}
	q.units = units;
	q.limit = PAGE_SIZE;
	q.offset = (int)((page - 1) * PAGE_SIZE);
	if (!errs_count(&e) && receipt_list(db, &req->arena, &q, &rows, &n, &total)) {
		errs_release(&e);
		return unavailable(req);
	}

	ctx = page_context(req, _("Fee receipts"));
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct receipt *r = &rows[i];
		json_array_append_new(list, json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:s,s:s,s:s,s:s}", "id",
						      (json_int_t)r->id, "number", r->number_text, "series",
						      r->series, "issued_text", when_text(req, r->issued_at),
						      "payer", r->payer.name, "dossier",
						      str_or_null(r->dossier_code), "total_text",
						      amount_text(req, r->total), "method_text",
						      _(receipt_method_label(r->method)), "status",
						      receipt_status_name(r->status), "status_text",
						      _(receipt_status_label(r->status))));
	}
	statuses = json_array();
	json_array_append_new(statuses, json_pack("{s:s,s:s,s:b}", "value", "", "label", _("Any status"),
						  "selected", q.status == 0));
	for (int s = RST_ISSUED; s <= RST_CANCELLED; s++)
		json_array_append_new(statuses,
				      json_pack("{s:s,s:s,s:b}", "value", receipt_status_name(s), "label",
						_(receipt_status_label(s)), "selected", q.status == s));
	json_object_set_new(ctx, "rows", list);
	json_object_set_new(ctx, "has_rows", json_boolean(n > 0));
	json_object_set_new(ctx, "total", json_string(amount_text(req, total)));
	json_object_set_new(ctx, "statuses", statuses);
	json_object_set_new(ctx, "books", books_choice(req, books, nbooks, q.book_id, 0));
	json_object_set_new(ctx, "from", json_string(from));
	json_object_set_new(ctx, "to", json_string(to));
	json_object_set_new(ctx, "q", json_string(text));
	{
		int can_issue = 0, year = local_year(req_now(req));
		for (size_t i = 0; i < nbooks; i++)
			can_issue |= book_usable(&books[i], year);
		json_object_set_new(ctx, "can_issue", json_boolean(can_issue));
	}
	base = arena_printf(&req->arena, "/thu-phi?from=%s&to=%s&book=%s&status=%s&q=%s",
			    input_url_encode(req, from), input_url_encode(req, to),
			    q.book_id ? arena_printf(&req->arena, "%lld", (long long)q.book_id) : "",
			    q.status ? receipt_status_name(q.status) : "", input_url_encode(req, text));
	if (page > 1)
		json_object_set_new(
			ctx, "prev",
			json_string(arena_printf(&req->arena, "%s&page=%lld", base, (long long)page - 1)));
	if (page * PAGE_SIZE < total)
		json_object_set_new(
			ctx, "next",
			json_string(arena_printf(&req->arena, "%s&page=%lld", base, (long long)page + 1)));
	if (total > PAGE_SIZE) {
		json_object_set_new(ctx, "page", json_integer(page));
		json_object_set_new(ctx, "pages", json_integer((total + PAGE_SIZE - 1) / PAGE_SIZE));
	}
	page_show(req, errs_count(&e) ? 400 : 200, "receipts", ctx, NULL, &e,
		  errs_count(&e) ? _("The filter is not valid: correct it and search again.") : NULL);
	errs_release(&e);
	return 0;
}

/* ---- the issue and replacement form ---- */

/* The form as typed, kept to show it again. */
struct rform {
	int64_t book;
	const char *dossier;
	struct receipt_party payer;
	const char *method;
	const char *reason;
	const char *name[RECEIPT_MAX_LINES], *quantity[RECEIPT_MAX_LINES], *amount[RECEIPT_MAX_LINES];
};

static void rform_blank(struct rform *f)
{
	memset(f, 0, sizeof(*f));
	f->dossier = f->payer.name = f->payer.address = f->payer.tax_code = f->payer.id_no = f->reason = "";
	f->method = "cash";
	for (size_t i = 0; i < RECEIPT_MAX_LINES; i++) {
		f->name[i] = f->amount[i] = "";
		f->quantity[i] = "1";
	}
}

static void rform_read(struct request *req, struct rform *f)
{
	rform_blank(f);
	f->book = input_id(req_form(req, "book"));
	f->dossier = form_value(req, "dossier");
	f->payer.name = form_value(req, "payer_name");
	f->payer.address = form_value(req, "payer_address");
	f->payer.tax_code = form_value(req, "payer_tax_code");
	f->payer.id_no = form_value(req, "payer_id_no");
	f->method = form_value(req, "method");
	f->reason = form_value(req, "reason");
	for (size_t i = 0; i < RECEIPT_MAX_LINES; i++) {
		f->name[i] = form_value(req, line_field(req, i, "name"));
		f->quantity[i] = form_value(req, line_field(req, i, "quantity"));
		f->amount[i] = form_value(req, line_field(req, i, "amount"));
		if (!*f->quantity[i])
			f->quantity[i] = "1"; /* what an empty quantity means */
	}
}

/* The receipt's content as the form shows it (replacing it). */
static void rform_from_receipt(struct request *req, struct rform *f, const struct receipt *r)
{
	rform_blank(f);
	f->book = r->book_id;
	f->dossier = r->dossier_code ? r->dossier_code : "";
	f->payer = r->payer;
	f->method = receipt_method_name(r->method) ? receipt_method_name(r->method) : "cash";
	for (size_t i = 0; i < r->nlines && i < RECEIPT_MAX_LINES; i++) {
		f->name[i] = r->lines[i].name;
		f->quantity[i] = arena_printf(&req->arena, "%lld", (long long)r->lines[i].quantity);
		f->amount[i] = arena_printf(&req->arena, "%lld", (long long)r->lines[i].unit_amount);
	}
}

/*
 * Check what the form can check by itself (every line's figures, the required fields) and fill
 * `in`; the rest is checked by receipt_issue. `dossier`: the lines may be left empty (the
 * dossier's fees).
 */
static void rform_check(struct request *req, const struct rform *f, int dossier, struct receipt_issue *in,
			struct errs *e)
{
	memset(in, 0, sizeof(*in));
	in->book_id = f->book;
	in->dossier_code = f->dossier;
	in->payer = f->payer;
	in->method = receipt_method_from_name(f->method);
	in->collector_account = req_user(req)->id;
	in->collector_name = req_user(req)->full_name;
	in->keys_dir = receipt_keys_dir(req);
	if (!*f->payer.name || strlen(f->payer.name) > 200)
		errs_add(e, "payer_name", NULL, N_("Enter the payer's name (at most 200 characters)."));
	if (!*f->payer.address || strlen(f->payer.address) > 300)
		errs_add(e, "payer_address", NULL, N_("Enter the payer's address (at most 300 characters)."));
	if (!in->method)
		errs_add(e, "method", "method-cash",
			 N_("Choose how the fee was paid: cash, bank transfer or online."));
	for (size_t i = 0; i < RECEIPT_MAX_LINES; i++) {
		int64_t qty = 1, amount;
		if (!*f->name[i] && !*f->amount[i])
			continue; /* an empty row, whatever its quantity */
		if (!*f->name[i] || strlen(f->name[i]) > 200)
			errs_add(
				e, line_field(req, i, "name"), NULL,
				N_("Every line needs the name of the fee or charge (at most 200 characters)."));
		if (*f->quantity[i] &&
		    ((qty = parse_whole(f->quantity[i])) < 1 || qty > RECEIPT_QUANTITY_MAX))
			errs_add(e, line_field(req, i, "quantity"), NULL,
				 N_("A quantity is a whole number from 1 to 100,000."));
		amount = parse_whole(f->amount[i]);
		if (amount < 1 || amount > RECEIPT_AMOUNT_MAX)
			errs_add(e, line_field(req, i, "amount"), NULL,
				 amount > RECEIPT_AMOUNT_MAX
					 ? N_("The total is too large for one receipt.")
					 : N_("Enter the amount in đồng, a whole number such as 75.000."));
		in->lines[in->nlines].name = f->name[i];
		in->lines[in->nlines].quantity = qty;
		in->lines[in->nlines].unit_amount = amount;
		in->nlines++;
	}
	if (!in->nlines && !dossier)
		errs_add(e, "lines", "line0_name",
			 N_("Fill in at least one line: the fee or charge and its amount."));
}

/* The form's error for receipt_issue's or receipt_replace's answer `why`. */
static void errs_from_why(struct errs *e, const char *why)
{
	const char *field = why_field(why);
	if (field)
		errs_add(e, field, field_anchor(field), why);
}

static json_t *line_rows(struct request *req, const struct rform *f, const struct errs *e, size_t from,
			 size_t to, int *filled)
{
	json_t *a = json_array();
	for (size_t i = from; i < to; i++) {
		json_t *o = json_pack("{s:i,s:i,s:s,s:s,s:s}", "i", (int)i, "n", (int)i + 1, "name",
				      f->name[i], "quantity", f->quantity[i], "amount", f->amount[i]);
		static const char *const parts[] = { "name", "quantity", "amount" };
		for (size_t k = 0; k < 3; k++) {
			const json_t *err = e ? json_object_get(e->fields, line_field(req, i, parts[k]))
					      : NULL;
			if (err)
				json_object_set(o, arena_printf(&req->arena, "%s_error", parts[k]),
						(json_t *)err);
		}
		if (*f->name[i] || *f->amount[i])
			*filled = 1;
		json_array_append_new(a, o);
	}
	return a;
}

/* What the form page shows besides the form's values. */
struct form_page {
	const struct receipt *orig; /* replacing: the receipt replaced; NULL when issuing */
	const struct receipt_book *books;
	size_t nbooks;
	json_t *dossier; /* the dossier's box (stolen), or NULL */
	const char *error;
};

static void form_render(struct request *req, int status, const struct form_page *p, const struct rform *f,
			const struct errs *e)
{
	const struct receipt *o = p->orig;
	json_t *ctx =
		page_context(req, o ? arena_printf(&req->arena, "%s %s", _("Replace receipt"), o->number_text)
				    : _("Issue a receipt"));
	json_t *methods = json_array();
	int more = 0, dummy = 0;

	json_object_set_new(ctx, "csrf", json_string(req_csrf(req)));
	json_object_set_new(
		ctx, "action",
		json_string(o ? arena_printf(&req->arena, "/thu-phi/bien-lai/%lld/thay-the", (long long)o->id)
			      : "/thu-phi/lap"));
	if (o)
		json_object_set_new(ctx, "replace",
				    json_pack("{s:I,s:s,s:s}", "id", (json_int_t)o->id, "number",
					      o->number_text, "series", o->series));
	json_object_set_new(ctx, "has_books", json_boolean(p->nbooks > 0));
	json_object_set_new(ctx, "books", books_choice(req, p->books, p->nbooks, f->book, 1));
	json_object_set_new(ctx, "choose_book",
			    json_boolean(p->nbooks > 1 && !find_book(p->books, p->nbooks, f->book)));
	json_object_set_new(ctx, "dossier_code", json_string(f->dossier));
	json_object_set_new(ctx, "dossier_locked", json_boolean(o != NULL));
	json_object_set_new(ctx, "has_dossier_code", json_boolean(*f->dossier != '\0'));
	if (p->dossier)
		json_object_set_new(ctx, "dossier", p->dossier);
	json_object_set_new(ctx, "payer",
			    json_pack("{s:s,s:s,s:s,s:s}", "name", f->payer.name, "address", f->payer.address,
				      "tax_code", f->payer.tax_code ? f->payer.tax_code : "", "id_no",
				      f->payer.id_no ? f->payer.id_no : ""));
	for (int m = RM_CASH; m <= RM_ONLINE; m++)
		json_array_append_new(methods, json_pack("{s:s,s:s,s:b}", "value", receipt_method_name(m),
							 "label", _(receipt_method_label(m)), "checked",
							 !strcmp(f->method, receipt_method_name(m))));
	json_object_set_new(ctx, "methods", methods);
	json_object_set_new(ctx, "lines_first", line_rows(req, f, e, 0, ROWS_SHOWN, &dummy));
	json_object_set_new(ctx, "lines_more", line_rows(req, f, e, ROWS_SHOWN, RECEIPT_MAX_LINES, &more));
	if (e)
		for (size_t i = ROWS_SHOWN; i < RECEIPT_MAX_LINES && !more; i++)
			more = json_object_get(e->fields, line_field(req, i, "name")) != NULL;
	json_object_set_new(ctx, "more_open", json_boolean(more));
	json_object_set_new(ctx, "reason", json_string(f->reason));
	page_show(req, status, "receipt_form", ctx, NULL, e, p->error);
}

/*
 * The dossier `code` as the issue form shows it, when one of `books` collects its fees (a book
 * of the office that received it): 0 with *box (and *book, that book), 1 with *why when it is
 * not for these books, -1 on a database error.
 */
static int dossier_box(struct request *req, struct db *db, const char *code, const struct receipt_book *books,
		       size_t nbooks, struct dossier *d, json_t **box, int64_t *book, const char **why)
{
	const struct unit_tree *t = req_units(req);
	int rc;
	*box = NULL;
	*book = 0;
	if (!t)
		return -1;
	rc = dossier_load(db, &req->arena, code, d);
	if (rc < 0)
		return -1;
	for (size_t i = 0; !rc && i < nbooks && !*book; i++)
		if (unit_tree_agency(t, books[i].unit_id) == d->receiving_unit)
			*book = books[i].id;
	if (rc || !*book) {
		/* the same answer for a dossier of another office as for none: its content is not ours to see
		 */
		*why = N_("There is no dossier with this code, or it is not yours to see.");
		return 1;
	}
	*box = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:b}", "code", d->code, "procedure", d->procedure_name,
			 "applicant", d->applicant.name ? d->applicant.name : "", "fee_text",
			 amount_text(req, d->fee_due), "status_text", _(dossier_status_label(d->status)),
			 "paid", d->fee_paid, "no_fee", d->fee_due <= 0);
	return 0;
}

/* The issue form's page for the typed form (its dossier's box when it has one). */
static int issue_page(struct request *req, struct db *db, int status, const struct receipt_book *books,
		      size_t nbooks, const struct rform *f, struct errs *e, const char *error)
{
	struct form_page p = { .books = books, .nbooks = nbooks, .error = error };
	if (*f->dossier) {
		struct dossier d;
		int64_t book;
		const char *why = NULL;
		int rc = dossier_box(req, db, f->dossier, books, nbooks, &d, &p.dossier, &book, &why);
		if (rc < 0)
			return unavailable(req);
		if (rc && e)
			errs_add(e, "dossier", NULL, why);
	}
	form_render(req, status, &p, f, e);
	return 0;
}

int page_receipt_new(struct request *req)
{
	struct db *db = db_thread();
	struct receipt_book *books;
	struct rform f;
	struct form_page p = { 0 };
	struct errs e;
	size_t nbooks;
	const char *code = input_trim(req, req_query(req, "dossier"));

	if (collector_books(req, db, 1, &books, &nbooks))
		return 0;
	rform_blank(&f);
	errs_init(&e);
	p.books = books;
	p.nbooks = nbooks;
	if (*code) {
		struct dossier d;
		const char *why = NULL;
		int rc = dossier_box(req, db, code, books, nbooks, &d, &p.dossier, &f.book, &why);
		if (rc < 0) {
			errs_release(&e);
			return unavailable(req);
		}
		f.dossier = code;
		if (rc) {
			errs_add(&e, "dossier", NULL, why);
		} else {
			/* the payer is the applicant, unless the clerk types another */
			f.dossier = d.code;
			f.payer.name = d.applicant.name ? d.applicant.name : "";
			f.payer.address = d.applicant.address ? d.applicant.address : "";
			if (d.applicant.id_no && strlen(d.applicant.id_no) == 12 &&
			    strspn(d.applicant.id_no, "0123456789") == 12)
				f.payer.id_no = d.applicant.id_no;
		}
	}
	form_render(req, errs_count(&e) ? 404 : 200, &p, &f, &e);
	errs_release(&e);
	return 0;
}

/* The status of the page shown again after receipt_issue or receipt_replace answered rc. */
static int rc_status(int rc)
{
	return rc == RECEIPT_NO_KEY ? 503 : 422;
}

int page_receipt_issue(struct request *req)
{
	struct db *db = db_thread();
	struct receipt_book *books;
	const struct receipt_book *book;
	struct receipt_issue in;
	struct receipt r;
	struct rform f;
	struct errs e;
	size_t nbooks;
	int rc;
	const char *why = NULL;

	if (collector_books(req, db, 1, &books, &nbooks))
		return 0;
	rform_read(req, &f);
	errs_init(&e);
	if (!(book = find_book(books, nbooks, f.book)))
		errs_add(&e, "book", NULL, N_("Choose the receipt book."));
	rform_check(req, &f, *f.dossier != '\0', &in, &e);
	if (errs_count(&e)) {
		issue_page(req, db, 422, books, nbooks, &f, &e, NULL);
		goto out;
	}
	if (req_require(req, ISSUE, book->unit_id, 0) || write_begin(req, db))
		goto out;
	rc = receipt_issue(db, &req->arena, &in, req_now(req), &r, &why);
	if (rc) {
		if (write_failed(req, db, rc))
			goto out;
		errs_from_why(&e, why);
		issue_page(req, db, rc_status(rc), books, nbooks, &f, &e, why ? _(why) : NULL);
		goto out;
	}
	if (audit_commit(req, db, "receipt.issue", &r, NULL))
		goto out;
	resp_redirect(req, arena_printf(&req->arena, "/thu-phi/bien-lai/%lld?msg=issued", (long long)r.id));
out:
	errs_release(&e);
	return 0;
}

/* ---- a receipt: /thu-phi/bien-lai/{id} ---- */

static const struct notice receipt_notices[] = {
	{ "issued", N_("The receipt has been issued and signed. Print it or send the payer its link.") },
	{ "cancelled", N_("The receipt has been cancelled. Its number is kept.") },
	{ "replaced", N_("The replacement receipt has been issued; the receipt it replaces is cancelled.") },
	{ NULL, NULL },
};

static void receipt_render(struct request *req, int status, const struct receipt *r, const char *reason,
			   struct errs *e, const char *error)
{
	json_t *ctx = page_context(req, arena_printf(&req->arena, "%s %s", _("Receipt"), r->number_text));
	json_t *v = receipt_view(req, r);
	int sig = receipt_signature_state(req, r, NULL);
	const char *notice = status == 200 ? notice_for(req_query(req, "msg"), receipt_notices) : NULL;
	json_object_set_new(v, "signature_valid", json_boolean(sig == 1));
	json_object_set_new(
		v, "signature_text",
		json_string(
			sig == 1 ? _("The digital signature is valid: the receipt is as it was issued.")
			: sig == 0
				? _("The digital signature does not match: this receipt has been altered. Do not accept it.")
				: _("The signature cannot be checked at the moment.")));
	json_object_set_new(ctx, "r", v);
	json_object_set_new(ctx, "csrf", json_string(req_csrf(req)));
	json_object_set_new(ctx, "reason", json_string(reason ? reason : ""));
	page_show(req, status, "receipt", ctx, notice, e, error);
}

int page_receipt(struct request *req)
{
	struct receipt r;
	if (load_for_staff(req, db_thread(), &r))
		receipt_render(req, 200, &r, NULL, NULL, NULL);
	return 0;
}

int page_receipt_cancel(struct request *req)
{
	struct db *db = db_thread();
	struct receipt r;
	struct errs e;
	const char *why = NULL, *reason = form_value(req, "reason");
	int rc;

	if (!load_for_staff(req, db, &r))
		return 0;
	errs_init(&e);
	if (write_begin(req, db))
		goto out;
	rc = receipt_cancel(db, r.id, reason, req_user(req)->full_name, req_now(req), &why);
	if (rc) {
		if (write_failed(req, db, rc))
			goto out;
		if (rc == RECEIPT_INVALID) {
			errs_add(&e, "reason", NULL, why);
			receipt_render(req, 422, &r, reason, &e, NULL);
		} else {
			receipt_render(req, rc == RECEIPT_NOT_FOUND ? 404 : 409, &r, reason, NULL,
				       _(why ? why : N_("The request is not valid.")));
		}
		goto out;
	}
	if (audit_commit(req, db, "receipt.cancel", &r, reason))
		goto out;
	resp_redirect(req,
		      arena_printf(&req->arena, "/thu-phi/bien-lai/%lld?msg=cancelled", (long long)r.id));
out:
	errs_release(&e);
	return 0;
}

/* The books a replacement of r may come from: this year's active books of r's unit. */
static int replace_books(struct request *req, struct db *db, const struct receipt *r,
			 struct receipt_book **books, size_t *n)
{
	int scoped;
	size_t k = 0;
	if (issue_books(req, db, 1, books, n, &scoped))
		return 1;
	for (size_t i = 0; i < *n; i++)
		if ((*books)[i].unit_id == r->unit_id)
			(*books)[k++] = (*books)[i];
	*n = k;
	return 0;
}

int page_receipt_replace_form(struct request *req)
{
	struct db *db = db_thread();
	struct receipt r;
	struct receipt_book *books;
	struct rform f;
	size_t nbooks;
	struct form_page p = { .orig = &r };

	if (!load_for_staff(req, db, &r))
		return 0;
	if (r.status != RST_ISSUED) {
		receipt_render(req, 409, &r, NULL, NULL, _("This receipt is cancelled already."));
		return 0;
	}
	if (replace_books(req, db, &r, &books, &nbooks))
		return 0;
	rform_from_receipt(req, &f, &r);
	p.books = books;
	p.nbooks = nbooks;
	form_render(req, 200, &p, &f, NULL);
	return 0;
}

int page_receipt_replace(struct request *req)
{
	struct db *db = db_thread();
	struct receipt r, n;
	struct receipt_book *books;
	struct receipt_issue in;
	struct rform f;
	struct errs e;
	size_t nbooks;
	struct form_page p = { .orig = &r };
	const char *why = NULL;
	int rc;

	if (!load_for_staff(req, db, &r))
		return 0;
	if (replace_books(req, db, &r, &books, &nbooks))
		return 0;
	p.books = books;
	p.nbooks = nbooks;
	rform_read(req, &f);
	f.dossier = r.dossier_code ? r.dossier_code : ""; /* a replacement keeps the original's dossier */
	errs_init(&e);
	if (!find_book(books, nbooks, f.book))
		errs_add(&e, "book", NULL, N_("Choose the receipt book."));
	rform_check(req, &f, *f.dossier != '\0', &in, &e);
	if (strlen(f.reason) < 5 || strlen(f.reason) > 500)
		errs_add(&e, "reason", NULL, N_("Give the reason (5 to 500 characters)."));
	if (errs_count(&e)) {
		form_render(req, 422, &p, &f, &e);
		goto out;
	}
	if (write_begin(req, db))
		goto out;
	rc = receipt_replace(db, &req->arena, r.id, f.reason, &in, req_now(req), &n, &why);
	if (rc) {
		if (write_failed(req, db, rc))
			goto out;
		errs_from_why(&e, why);
		p.error = why ? _(why) : NULL;
		form_render(req, rc == RECEIPT_CONFLICT && !errs_count(&e) ? 409 : rc_status(rc), &p, &f, &e);
		goto out;
	}
	/* the receipt replaced is cancelled: a row for it, then the replacement's */
	if (req_audit_json(req, db, "receipt.cancel",
			   arena_printf(&req->arena, "receipt:%lld", (long long)r.id),
			   json_pack("{s:s,s:s,s:s}", "number", r.number_text, "reason", f.reason,
				     "replaced_by", n.number_text))) {
		write_failed(req, db, -1);
		goto out;
	}
	if (audit_commit(req, db, "receipt.replace", &n, f.reason))
		goto out;
	resp_redirect(req, arena_printf(&req->arena, "/thu-phi/bien-lai/%lld?msg=replaced", (long long)n.id));
out:
	errs_release(&e);
	return 0;
}

/* ---- receipt books: /quan-tri/so-bien-lai ---- */

/* The book form as typed. */
struct bform {
	int64_t unit;
	const char *template_code, *series, *year;
};

/* s with ASCII letters in capitals, in the arena: the symbols are written in capitals. */
static const char *upper(struct request *req, const char *s)
{
	char *u = arena_strdup(&req->arena, s);
	for (char *p = u; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return u;
}

static const struct notice book_notices[] = {
	{ "created", N_("The receipt book has been opened.") },
	{ "stopped", N_("The receipt book is no longer in use.") },
	{ "resumed", N_("The receipt book is in use again.") },
	{ "deleted", N_("The receipt book has been deleted.") },
	{ NULL, NULL },
};

/*
 * The books page: the books of the units the account manages, each with its actions (the one of
 * `failed_book` with `book_error`), and the new book's form. 0, or 1 after answering.
 */
static int books_render(struct request *req, struct db *db, int status, const struct bform *f, struct errs *e,
			const char *error, int64_t failed_book, const char *book_error)
{
	int64_t *units;
	size_t nunits, nbooks, nall;
	struct receipt_book *books;
	struct unit *all;
	json_t *ctx, *list, *choice;
	const char *notice = status == 200 ? notice_for(req_query(req, "msg"), book_notices) : NULL;
	int year = local_year(req_now(req));

	if (req_scope(req, MANAGE, &units, &nunits))
		return 1;
	if (receipt_book_list(db, &req->arena, units, nunits, &books, &nbooks) ||
	    org_unit_list(db, &req->arena, &all, &nall)) {
		resp_unavailable(req);
		return 1;
	}
	ctx = page_context(req, _("Receipt books"));
	list = json_array();
	for (size_t i = 0; i < nbooks; i++) {
		const struct receipt_book *b = &books[i];
		json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:i,s:s,s:b,s:b}", "id", (json_int_t)b->id, "unit",
				      b->unit_name, "template", b->template_code, "series", b->series, "year",
				      b->year, "issued", amount_text(req, b->issued), "active", b->active,
				      "unused", b->issued == 0);
		if (b->id == failed_book && book_error)
			json_object_set_new(o, "book_error", json_string(book_error));
		json_array_append_new(list, o);
	}
	choice = json_array();
	for (size_t i = 0; i < nall; i++)
		if (all[i].active && ids_contain(units, nunits, all[i].id))
			json_array_append_new(choice,
					      json_pack("{s:I,s:s,s:b}", "id", (json_int_t)all[i].id, "label",
							all[i].name, "selected", f && all[i].id == f->unit));
	json_object_set_new(ctx, "books", list);
	json_object_set_new(ctx, "has_books", json_boolean(nbooks > 0));
	json_object_set_new(ctx, "units", choice);
	json_object_set_new(ctx, "csrf", json_string(req_csrf(req)));
	json_object_set_new(ctx, "form",
			    json_pack("{s:s,s:s,s:s}", "template", f ? f->template_code : "01BLP0-001",
				      "series",
				      f ? f->series : arena_printf(&req->arena, "AA-%02dE", year % 100),
				      "year", f ? f->year : arena_printf(&req->arena, "%d", year)));
	page_show(req, status, "receipt_books", ctx, notice, e, error);
	return 0;
}

/* 0 when the account manages some unit and the database is up; 1 after answering 403 (or 503). */
static int manager_only(struct request *req, struct db *db)
{
	int64_t *units;
	size_t n;
	if (req_staff_only(req) || req_scope(req, MANAGE, &units, &n))
		return 1;
	if (!n) {
		resp_error(req, 403, "forbidden", _("You do not have permission to do this."));
		return 1;
	}
	if (!db) {
		resp_unavailable(req);
		return 1;
	}
	return 0;
}

/* The book's object in the audit log. */
static const char *book_object(struct request *req, int64_t id)
{
	return arena_printf(&req->arena, "receipt_book:%lld", (long long)id);
}

static int no_such_book(struct request *req)
{
	resp_error(req, 404, "not_found", _("There is no such receipt book."));
	return 0;
}

int page_receipt_books(struct request *req)
{
	struct db *db = db_thread();
	if (manager_only(req, db))
		return 0;
	books_render(req, db, 200, NULL, NULL, NULL, 0, NULL);
	return 0;
}

int page_receipt_books_post(struct request *req)
{
	struct db *db = db_thread();
	struct bform f;
	struct errs e;
	int64_t id = 0, year;
	const char *why = NULL;
	int rc;

	if (manager_only(req, db))
		return 0;
	f.unit = input_id(req_form(req, "unit"));
	f.template_code = upper(req, form_value(req, "template"));
	f.series = upper(req, form_value(req, "series"));
	f.year = form_value(req, "year");
	year = strlen(f.year) == 4 ? input_id(f.year) : 0;
	errs_init(&e);
	if (!f.unit)
		errs_add(&e, "unit", NULL, N_("Choose the collecting unit."));
	else if (req_can(req, MANAGE, f.unit, 0, NULL) != 1)
		errs_add(&e, "unit", NULL, N_("You do not manage this unit."));
	if (year < 2000 || year > 2099)
		errs_add(&e, "year", NULL, N_("The year must be between 2000 and 2099."));
	if (errs_count(&e)) {
		books_render(req, db, 422, &f, &e, NULL, 0, NULL);
		goto out;
	}
	if (write_begin(req, db))
		goto out;
	rc = receipt_book_create(db, f.unit, f.template_code, f.series, (int)year, req_actor_name(req),
				 req_now(req), &id, &why);
	if (rc) {
		if (write_failed(req, db, rc))
			goto out;
		if (why_field(why))
			errs_add(&e, why_field(why), NULL, why);
		books_render(req, db, rc == RECEIPT_CONFLICT ? 409 : 422, &f, &e, why ? _(why) : NULL, 0,
			     NULL);
		goto out;
	}
	if (commit_audited(req, db, "receipt_book.create", book_object(req, id),
			   json_pack("{s:I,s:s,s:s,s:I}", "unit", (json_int_t)f.unit, "template",
				     f.template_code, "series", f.series, "year", (json_int_t)year)))
		goto out;
	resp_redirect(req, "/quan-tri/so-bien-lai?msg=created");
out:
	errs_release(&e);
	return 0;
}

int page_receipt_book_post(struct request *req)
{
	static const struct {
		const char *name, *audit, *msg;
	} actions[] = {
		{ "stop", "receipt_book.stop", "stopped" },
		{ "resume", "receipt_book.resume", "resumed" },
		{ "delete", "receipt_book.delete", "deleted" },
	};
	struct db *db = db_thread();
	struct receipt_book b;
	const char *action = req_form(req, "action"), *why;
	size_t k;
	int rc;

	if (manager_only(req, db))
		return 0;
	rc = receipt_book_load(db, &req->arena, req_param_id(req), &b);
	if (rc == RECEIPT_NOT_FOUND)
		return no_such_book(req);
	if (rc)
		return unavailable(req);
	if (req_require(req, MANAGE, b.unit_id, 0))
		return 0;
	for (k = 0; k < ARRAY_SIZE(actions); k++)
		if (action && !strcmp(action, actions[k].name))
			break;
	if (k == ARRAY_SIZE(actions)) {
		why = _("There is no such action.");
		books_render(req, db, 422, NULL, NULL, why, b.id, why);
		return 0;
	}
	if (write_begin(req, db))
		return 0;
	rc = k == 2 ? receipt_book_delete(db, b.id) : receipt_book_set_active(db, b.id, k == 1);
	if (rc) {
		if (write_failed(req, db, rc))
			return 0;
		if (rc == RECEIPT_NOT_FOUND)
			return no_such_book(req);
		/* Circular 303/2016: a book that has numbered receipts stays, as they do */
		why = _("The book has issued receipts and cannot be deleted: stop using it instead.");
		books_render(req, db, 409, NULL, NULL, why, b.id, why);
		return 0;
	}
	if (commit_audited(req, db, actions[k].audit, book_object(req, b.id),
			   json_pack("{s:I,s:s,s:s,s:i,s:I}", "unit", (json_int_t)b.unit_id, "template",
				     b.template_code, "series", b.series, "year", b.year, "issued",
				     (json_int_t)b.issued)))
		return 0;
	resp_redirect(req, arena_printf(&req->arena, "/quan-tri/so-bien-lai?msg=%s", actions[k].msg));
	return 0;
}
