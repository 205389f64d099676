/*
 * pages_receipts.c: electronic fee receipts (issue 7): the collector's API to issue, cancel and
 * replace, receipt books, the PDF and signed XML, and the public verification page
 * /bien-lai/{lookup}.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/i18n.h"
#include "core/timefmt.h"
#include "features/org.h"
#include "features/receipt_pdf.h"
#include "features/receipt_xml.h"
#include "features/receipts.h"
#include "rules/permission.h"
#include "store/db.h"
#include "web/app.h"
#include "core/banned.h"

#define ISSUE	  "receipt.issue"
#define PAGE_SIZE 50

/* Answer 503 (the database does not answer); the handler's return value. */
static int unavailable(struct request *req)
{
	resp_unavailable(req);
	return 0;
}

const char *receipt_keys_dir(struct request *req)
{
	return arena_printf(&req->arena, "%s/receipt-keys", the_app->cfg.data);
}

static const char *jstr(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

const char *amount_text(struct request *req, int64_t v)
{
	char s[32];
	num_fmt_vn(s, sizeof(s), v);
	return arena_strdup(&req->arena, s);
}

/* The receipt another one replaces or is replaced by ("AA-26E 0000042"): {id, series, number}, or null. */
static json_t *other_json(int64_t id, const char *name)
{
	const char *sp = name ? strchr(name, ' ') : NULL;
	if (!id || !sp)
		return json_null();
	return json_pack("{s:I,s:s%,s:s}", "id", (json_int_t)id, "series", name, (size_t)(sp - name),
			 "number", sp + 1);
}

/* The receipt as JSON: what the payer's copy says, its state and its links. */
static json_t *receipt_json(struct request *req, const struct receipt *r)
{
	json_t *lines = json_array(), *o;
	const char *site = req_site_url(req);
	for (size_t i = 0; i < r->nlines; i++)
		json_array_append_new(lines,
				      json_pack("{s:s,s:I,s:I,s:I,s:s,s:s}", "name", r->lines[i].name,
						"quantity", (json_int_t)r->lines[i].quantity, "unit_amount",
						(json_int_t)r->lines[i].unit_amount, "amount",
						(json_int_t)r->lines[i].amount, "unit_amount_text",
						amount_text(req, r->lines[i].unit_amount), "amount_text",
						amount_text(req, r->lines[i].amount)));
	o = json_pack("{s:I,s:s,s:s,s:s,s:i,s:s,s:I,s:s,s:s,s:s,s:o,s:o,s:o}", "id", (json_int_t)r->id,
		      "number", r->number_text, "series", r->series, "template", r->template_code, "year",
		      r->year, "lookup", r->lookup, "total", (json_int_t)r->total, "amount_in_words",
		      r->amount_in_words, "method", receipt_method_name(r->method), "status",
		      receipt_status_name(r->status), "issued_at", dossier_iso(r->issued_at), "dossier",
		      str_or_null(r->dossier_code), "lines", lines);
	json_object_set_new(o, "status_text", json_string(_(receipt_status_label(r->status))));
	json_object_set_new(o, "total_text", json_string(amount_text(req, r->total)));
	json_object_set_new(o, "method_text", json_string(_(receipt_method_label(r->method))));
	json_object_set_new(o, "payer",
			    json_pack("{s:s,s:s,s:o,s:o}", "name", r->payer.name, "address", r->payer.address,
				      "tax_code", str_or_null(r->payer.tax_code), "id_no",
				      str_or_null(r->payer.id_no)));
	json_object_set_new(o, "unit",
			    json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)r->unit_id, "name", r->unit_name,
				      "tax_code", r->unit_tax_code, "address", r->unit_address));
	json_object_set_new(o, "collector", json_string(r->collector_name));
	json_object_set_new(o, "verify_code", json_string(r->verify_code));
	json_object_set_new(o, "cancelled_at", dossier_iso(r->cancelled_at));
	json_object_set_new(o, "cancel_reason", str_or_null(r->cancel_reason));
	json_object_set_new(o, "replaces", other_json(r->replaces_id, r->replaces_number));
	json_object_set_new(o, "replaced_by", other_json(r->replaced_by_id, r->replaced_by_number));
	json_object_set_new(o, "public_url", json_sprintf("%s/bien-lai/%s", site, r->lookup));
	json_object_set_new(o, "pdf_url", json_sprintf("/bien-lai/%s/pdf", r->lookup));
	json_object_set_new(o, "xml_url", json_sprintf("/bien-lai/%s/xml", r->lookup));
	return o;
}

/* The status and error code for a receipts rc (features/receipts.h), or 503 for a database error. */
static void answer_rc(struct request *req, int rc, const char *why)
{
	static const struct {
		int rc, status;
		const char *code;
	} map[] = {
		{ RECEIPT_NOT_FOUND, 404, "not_found" },
		{ RECEIPT_INVALID, 422, "invalid" },
		{ RECEIPT_CONFLICT, 409, "conflict" },
		{ RECEIPT_NO_KEY, 503, "no_signing_key" },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].rc == rc) {
			resp_error(req, map[i].status, map[i].code,
				   why ? _(why) : _("The request is not valid."));
			return;
		}
	resp_unavailable(req);
}

/*
 * The receipt input of a JSON body: book, dossier, payer, lines, method. 0, or -1 after
 * answering 422 with the field that is wrong.
 */
static int issue_from_json(struct request *req, const json_t *body, struct receipt_issue *in)
{
	const json_t *payer = json_object_get(body, "payer"), *lines = json_object_get(body, "lines"), *v;
	size_t i;
	memset(in, 0, sizeof(*in));
	in->book_id = json_integer_value(json_object_get(body, "book"));
	in->dossier_code = input_trim(req, jstr(body, "dossier"));
	in->payer.name = input_trim(req, jstr(payer, "name"));
	in->payer.address = input_trim(req, jstr(payer, "address"));
	in->payer.tax_code = input_trim(req, jstr(payer, "tax_code"));
	in->payer.id_no = input_trim(req, jstr(payer, "id_no"));
	in->method = receipt_method_from_name(jstr(body, "method"));
	in->collector_account = req_user(req)->id;
	in->collector_name = req_user(req)->full_name;
	in->keys_dir = receipt_keys_dir(req);
	if (lines && (!json_is_array(lines) || json_array_size(lines) > RECEIPT_MAX_LINES)) {
		resp_error(req, 422, "invalid", _("A receipt has 1 to 20 lines."));
		return -1;
	}
	json_array_foreach(lines, i, v)
	{
		const json_t *q = json_object_get(v, "quantity"), *u = json_object_get(v, "unit_amount");
		if (!json_is_object(v) || (q && !json_is_integer(q)) || !json_is_integer(u)) {
			resp_error(
				req, 422, "invalid",
				_("Every line needs a name, a whole quantity and a whole amount in đồng."));
			return -1;
		}
		in->lines[i].name = input_trim(req, jstr(v, "name"));
		in->lines[i].quantity = q ? json_integer_value(q) : 1;
		in->lines[i].unit_amount = json_integer_value(u);
	}
	in->nlines = json_array_size(lines);
	return 0;
}

/* The book's collecting unit, or 0 (answered 404/503). */
static int64_t book_unit(struct request *req, struct db *db, int64_t book)
{
	struct receipt_book b;
	int rc = receipt_book_load(db, &req->arena, book, &b);
	if (rc == RECEIPT_NOT_FOUND)
		resp_error(req, 404, "not_found", _("There is no such receipt book."));
	else if (rc)
		resp_unavailable(req);
	return rc ? 0 : b.unit_id;
}

/* Audit one receipt action inside the transaction, then commit; 0, or -1 (rolled back). */
static int audit_commit(struct request *req, struct db *db, const char *action, const struct receipt *r,
			const char *reason)
{
	json_t *detail = json_pack("{s:s,s:s,s:s,s:I}", "number", r->number_text, "series", r->series,
				   "template", r->template_code, "total", (json_int_t)r->total);
	if (reason)
		json_object_set_new(detail, "reason", json_string(reason));
	if (r->dossier_code && *r->dossier_code)
		json_object_set_new(detail, "dossier", json_string(r->dossier_code));
	if (req_audit_json(req, db, action, arena_printf(&req->arena, "receipt:%lld", (long long)r->id),
			   detail) ||
	    db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

int api_receipts_create(struct request *req)
{
	struct receipt_issue in;
	struct receipt r;
	struct db *db;
	const char *why = NULL;
	int64_t unit;
	int rc;

	if (req_staff_only(req))
		return 0;
	if (!req->json || !json_is_object(req->json)) {
		resp_error(req, 400, "bad_request", _("Send the receipt as a JSON document."));
		return 0;
	}
	if (issue_from_json(req, req->json, &in))
		return 0;
	if (!(db = db_thread()))
		return unavailable(req);
	if (!(unit = book_unit(req, db, in.book_id)) || req_require(req, ISSUE, unit, 0))
		return 0;
	if (db_begin(db))
		return unavailable(req);
	rc = receipt_issue(db, &req->arena, &in, req_now(req), &r, &why);
	if (rc) {
		db_rollback(db);
		answer_rc(req, rc, why);
		return 0;
	}
	if (audit_commit(req, db, "receipt.issue", &r, NULL))
		return unavailable(req);
	resp_header(req, "Location", arena_printf(&req->arena, "/api/v1/receipts/%lld", (long long)r.id));
	resp_header_static(req, "Cache-Control", "no-store");
	resp_json(req, 201, receipt_json(req, &r));
	return 0;
}

/* The receipt of the route's {id} for an action by the collector of its unit; 0 when answered. */
static int load_for_staff(struct request *req, struct db *db, struct receipt *r)
{
	int64_t id = req_param_id(req);
	int rc = id ? receipt_load(db, &req->arena, id, r) : RECEIPT_NOT_FOUND;
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

int api_receipt_get(struct request *req)
{
	struct receipt r;
	struct db *db = db_thread();
	if (req_staff_only(req))
		return 0;
	if (!db)
		return unavailable(req);
	if (load_for_staff(req, db, &r)) {
		resp_header_static(req, "Cache-Control", "no-store");
		resp_json(req, 200, receipt_json(req, &r));
	}
	return 0;
}

int api_receipt_cancel(struct request *req)
{
	struct receipt r;
	struct db *db = db_thread();
	const char *why = NULL, *reason;
	int rc;
	if (req_staff_only(req))
		return 0;
	if (!db)
		return unavailable(req);
	if (!load_for_staff(req, db, &r))
		return 0;
	reason = input_trim(req, req->json ? jstr(req->json, "reason") : NULL);
	if (db_begin(db))
		return unavailable(req);
	rc = receipt_cancel(db, r.id, reason, req_user(req)->full_name, req_now(req), &why);
	if (rc) {
		db_rollback(db);
		answer_rc(req, rc, why);
		return 0;
	}
	if (audit_commit(req, db, "receipt.cancel", &r, reason))
		return unavailable(req);
	if (receipt_load(db, &req->arena, r.id, &r))
		return unavailable(req);
	resp_json(req, 200, receipt_json(req, &r));
	return 0;
}

int api_receipt_replace(struct request *req)
{
	struct receipt r, n;
	struct receipt_issue in;
	struct db *db = db_thread();
	const char *why = NULL, *reason;
	int rc;
	if (req_staff_only(req))
		return 0;
	if (!db)
		return unavailable(req);
	if (!req->json || !json_is_object(req->json)) {
		resp_error(req, 400, "bad_request", _("Send the replacement as a JSON document."));
		return 0;
	}
	if (!load_for_staff(req, db, &r) || issue_from_json(req, req->json, &in))
		return 0;
	if (!in.book_id)
		in.book_id = r.book_id;
	else if (book_unit(req, db, in.book_id) != r.unit_id) {
		if (!req->status)
			resp_error(req, 422, "invalid",
				   _("The replacement must come from a book of the same unit."));
		return 0;
	}
	reason = input_trim(req, jstr(req->json, "reason"));
	if (db_begin(db))
		return unavailable(req);
	rc = receipt_replace(db, &req->arena, r.id, reason, &in, req_now(req), &n, &why);
	if (rc) {
		db_rollback(db);
		answer_rc(req, rc, why);
		return 0;
	}
	if (req_audit_json(req, db, "receipt.cancel",
			   arena_printf(&req->arena, "receipt:%lld", (long long)r.id),
			   json_pack("{s:s,s:s,s:s}", "number", r.number_text, "reason", reason,
				     "replaced_by", n.number_text)) ||
	    audit_commit(req, db, "receipt.replace", &n, reason))
		return unavailable(req);
	resp_header(req, "Location", arena_printf(&req->arena, "/api/v1/receipts/%lld", (long long)n.id));
	resp_json(req, 201, receipt_json(req, &n));
	return 0;
}

int64_t input_day(const char *s)
{
	struct civil c = { 0 };
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || strspn(s, "0123456789-") != 10)
		return 0;
	c.year = (int)strtol(s, NULL, 10);
	c.month = (int)strtol(s + 5, NULL, 10);
	c.day = (int)strtol(s + 8, NULL, 10);
	if (c.year < 2000 || c.year > 2099 || c.month < 1 || c.month > 12 || c.day < 1 || c.day > 31)
		return 0;
	/* a real date: it comes back as itself */
	{
		struct civil back;
		int64_t t = time_from_civil(&c, VN_UTC_OFFSET);
		time_to_civil(t, VN_UTC_OFFSET, &back);
		return back.day == c.day && back.month == c.month ? t : 0;
	}
}

int api_receipts_list(struct request *req)
{
	struct receipt_query q = { 0 };
	struct receipt *rows;
	struct db *db = db_thread();
	int64_t *units, total;
	size_t nunits, n;
	const char *from = req_query(req, "from"), *to = req_query(req, "to"),
		   *status = req_query(req, "status");
	json_t *items;
	int page = 1;

	if (req_staff_only(req))
		return 0;
	if (!db)
		return unavailable(req);
	if (req_scope(req, ISSUE, &units, &nunits))
		return 0;
	if (!nunits) {
		/* no unit at all (a NULL list would mean every unit) */
		resp_error(req, 403, "forbidden", _("You do not have permission to do this."));
		return 0;
	}
	if ((from && *from && !(q.from = input_day(from))) || (to && *to && !(q.to = input_day(to)))) {
		resp_error(req, 422, "invalid", _("Dates are written as YYYY-MM-DD."));
		return 0;
	}
	if (q.to)
		q.to += 86400; /* to the end of that day */
	if (status && *status) {
		q.status = !strcmp(status, "issued")	  ? RST_ISSUED
			   : !strcmp(status, "cancelled") ? RST_CANCELLED
							  : -1;
		if (q.status < 0) {
			resp_error(req, 422, "invalid", _("The status is issued or cancelled."));
			return 0;
		}
	}
	if (req_query(req, "page"))
		page = (int)input_id(req_query(req, "page"));
	if (page < 1 || page > 100000) {
		resp_error(req, 422, "invalid", _("The page number is not valid."));
		return 0;
	}
	q.units = units;
	q.nunits = nunits;
	q.book_id = input_id(req_query(req, "book"));
	q.q = input_trim(req, req_query(req, "q"));
	if (strlen(q.q) > 100) {
		resp_error(req, 422, "invalid", _("The search text is too long (at most 100 characters)."));
		return 0;
	}
	q.limit = PAGE_SIZE;
	q.offset = (page - 1) * PAGE_SIZE;
	if (receipt_list(db, &req->arena, &q, &rows, &n, &total))
		return unavailable(req);
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, receipt_json(req, &rows[i]));
	resp_header_static(req, "Cache-Control", "no-store");
	resp_json(req, 200,
		  json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total", (json_int_t)total, "page", page,
			    "page_size", PAGE_SIZE));
	return 0;
}

static json_t *book_json(const struct receipt_book *b)
{
	return json_pack("{s:I,s:{s:I,s:s,s:s,s:s},s:s,s:s,s:i,s:I,s:b}", "id", (json_int_t)b->id, "unit",
			 "id", (json_int_t)b->unit_id, "name", b->unit_name, "tax_code", b->unit_tax_code,
			 "address", b->unit_address, "template", b->template_code, "series", b->series,
			 "year", b->year, "issued", (json_int_t)b->issued, "active", b->active);
}

int api_receipt_books(struct request *req)
{
	struct receipt_book *books;
	struct db *db = db_thread();
	int64_t *units;
	size_t nunits, n;
	json_t *items;
	if (req_staff_only(req))
		return 0;
	if (!db)
		return unavailable(req);
	/* the books a collector issues from, and those an administrator manages */
	{
		int64_t *issue, *manage;
		size_t ni, nm;
		if (req_scope(req, ISSUE, &issue, &ni) || req_scope(req, "unit.manage", &manage, &nm))
			return 0;
		nunits = ni + nm;
		if (!nunits) {
			resp_error(req, 403, "forbidden", _("You do not have permission to do this."));
			return 0;
		}
		units = arena_alloc(&req->arena, nunits * sizeof(*units));
		for (size_t i = 0; i < ni; i++)
			units[i] = issue[i];
		for (size_t i = 0; i < nm; i++)
			units[ni + i] = manage[i];
	}
	if (receipt_book_list(db, &req->arena, units, nunits, &books, &n))
		return unavailable(req);
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, book_json(&books[i]));
	resp_json(req, 200, json_pack("{s:o}", "items", items));
	return 0;
}

int api_receipt_books_create(struct request *req)
{
	struct db *db = db_thread();
	int64_t unit, id;
	const char *why = NULL, *template_code, *series;
	json_int_t year;
	int rc;
	struct receipt_book b;
	if (req_staff_only(req))
		return 0;
	if (!db)
		return unavailable(req);
	if (!req->json || !json_is_object(req->json)) {
		resp_error(req, 400, "bad_request", _("Send the book as a JSON document."));
		return 0;
	}
	unit = json_integer_value(json_object_get(req->json, "unit"));
	template_code = input_trim(req, jstr(req->json, "template"));
	series = input_trim(req, jstr(req->json, "series"));
	year = json_integer_value(json_object_get(req->json, "year"));
	if (unit <= 0) {
		resp_error(req, 422, "invalid", _("Choose the collecting unit."));
		return 0;
	}
	if (req_require(req, "unit.manage", unit, 0))
		return 0;
	if (db_begin(db))
		return unavailable(req);
	rc = receipt_book_create(db, unit, template_code, series, year >= 0 && year < 10000 ? (int)year : 0,
				 req_actor_name(req), req_now(req), &id, &why);
	if (rc) {
		db_rollback(db);
		answer_rc(req, rc, why);
		return 0;
	}
	if (req_audit_json(req, db, "receipt_book.create",
			   arena_printf(&req->arena, "receipt_book:%lld", (long long)id),
			   json_pack("{s:I,s:s,s:s,s:I}", "unit", (json_int_t)unit, "template", template_code,
				     "series", series, "year", year)) ||
	    db_commit(db)) {
		db_rollback(db);
		return unavailable(req);
	}
	if (receipt_book_load(db, &req->arena, id, &b))
		return unavailable(req);
	resp_json(req, 201, book_json(&b));
	return 0;
}

/* ---- public: /bien-lai/{lookup} ---- */

/* The receipt of the route's {lookup}; 0 when answered (404). */
static int load_public(struct request *req, struct db *db, struct receipt *r)
{
	const char *lookup = req_param(req, "lookup");
	int rc = receipt_load_lookup(db, &req->arena, lookup, r);
	if (rc == RECEIPT_NOT_FOUND) {
		resp_error(req, 404, "not_found",
			   _("No receipt has this lookup code. Check the code printed on the receipt."));
		return 0;
	}
	if (rc) {
		resp_unavailable(req);
		return 0;
	}
	return 1;
}

int receipt_signature_state(struct request *req, const struct receipt *r, char *vcode)
{
	char key[512], cert[512], own[16];
	int ok;
	if (!vcode)
		vcode = own;
	vcode[0] = '\0';
	if (!r->xml || !*r->xml)
		return -1;
	if (receipt_key_paths(receipt_keys_dir(req), r->unit_agency, key, cert, sizeof(key)))
		return -1;
	ok = receipt_xml_verify(r->xml, strlen(r->xml), cert, vcode);
	if (ok == 0) {
		/* signed before the certificate was renewed: the unit's earlier ones, kept as
		 * AGENCY.crt.*.pem */
		glob_t g;
		char *pattern =
			arena_printf(&req->arena, "%s/%s.crt.*.pem", receipt_keys_dir(req), r->unit_agency);
		if (!glob(pattern, 0, NULL, &g)) {
			for (size_t i = 0; i < g.gl_pathc && ok != 1; i++)
				if (receipt_xml_verify(r->xml, strlen(r->xml), g.gl_pathv[i], vcode) == 1)
					ok = 1;
			globfree(&g);
		}
	}
	/* the signed data must be what the row says: a row changed beside it is not valid */
	if (ok == 1 && (!receipt_xml_matches(r->xml, r) || (r->verify_code && strcmp(vcode, r->verify_code))))
		ok = 0;
	return ok;
}

static json_t *public_json(struct request *req, const struct receipt *r)
{
	char vcode[16];
	int sig = receipt_signature_state(req, r, vcode);
	json_t *o = receipt_json(req, r);
	/* the public see what the payer's copy says: not the collector's account nor internal ids */
	json_object_del(o, "id");
	json_object_set_new(o, "signature_valid", sig < 0 ? json_null() : json_boolean(sig == 1));
	json_object_set_new(
		o, "signature_text",
		json_string(
			sig == 1 ? _("The digital signature is valid: the receipt is as it was issued.")
			: sig == 0
				? _("The digital signature does not match: this receipt has been altered. Do not accept it.")
				: _("The signature cannot be checked at the moment.")));
	if (r->replaces_id)
		json_object_del(json_object_get(o, "replaces"), "id");
	if (r->replaced_by_id)
		json_object_del(json_object_get(o, "replaced_by"), "id");
	return o;
}

int api_public_receipt(struct request *req)
{
	struct receipt r;
	struct db *db = db_thread();
	if (!db)
		return unavailable(req);
	if (load_public(req, db, &r)) {
		resp_header_static(req, "Cache-Control", "no-store");
		resp_json(req, 200, public_json(req, &r));
	}
	return 0;
}

int page_receipt_public(struct request *req)
{
	struct receipt r;
	struct db *db = db_thread();
	json_t *ctx;
	if (!db)
		return unavailable(req);
	if (!load_public(req, db, &r))
		return 0;
	ctx = page_context(req, arena_printf(&req->arena, "%s %s", _("Receipt"), r.number_text));
	json_object_set_new(ctx, "receipt", public_json(req, &r));
	json_object_set_new(ctx, "issued_text", json_string(dossier_when_text(req, r.issued_at)));
	json_object_set_new(ctx, "cancelled_text", json_string(dossier_when_text(req, r.cancelled_at)));
	json_object_set_new(ctx, "is_cancelled", json_boolean(r.status == RST_CANCELLED));
	resp_header_static(req, "Cache-Control", "no-store");
	page_render(req, 200, "receipt_public", ctx);
	return 0;
}

int page_receipt_pdf(struct request *req)
{
	struct receipt r;
	struct db *db = db_thread();
	if (!db)
		return unavailable(req);
	if (!load_public(req, db, &r))
		return 0;
	buf_reset(&req->out);
	if (receipt_pdf(&r, arena_printf(&req->arena, "%s/bien-lai/%s", req_site_url(req), r.lookup),
			&req->out)) {
		buf_reset(&req->out);
		return unavailable(req);
	}
	resp_header(req, "Content-Disposition",
		    arena_printf(&req->arena, "inline; filename=\"bien-lai-%s-%s.pdf\"", r.series,
				 r.number_text));
	resp_header_static(req, "Cache-Control", "no-store");
	req->status = 200;
	req->content_type_out = "application/pdf";
	return 0;
}

int page_receipt_xml(struct request *req)
{
	struct receipt r;
	struct db *db = db_thread();
	if (!db)
		return unavailable(req);
	if (!load_public(req, db, &r))
		return 0;
	buf_reset(&req->out);
	buf_adds(&req->out, r.xml);
	resp_header(req, "Content-Disposition",
		    arena_printf(&req->arena, "attachment; filename=\"bien-lai-%s-%s.xml\"", r.series,
				 r.number_text));
	resp_header_static(req, "Cache-Control", "no-store");
	req->status = 200;
	req->content_type_out = "application/xml; charset=utf-8";
	return 0;
}
