/*
 * pages_doc_sign_orders.c: signing by order (ký thừa lệnh, Decree 30/2020/NĐ-CP art. 13(4)).
 * The head of an agency may let the head of its office or of some departments sign some types
 * of document "TL." as the agency's working rules say; here those orders are recorded and
 * revoked (never deleted), and listed for whoever works with the agency's documents.
 *
 *   GET  /van-ban/ky-thua-lenh?agency=           the orders, and the form to record one
 *   POST /van-ban/ky-thua-lenh                   record (agency, unit, type, basis)
 *   POST /van-ban/ky-thua-lenh/{id}/thu-hoi      revoke
 *   GET  /api/v1/documents/sign-orders?agency=   the same as JSON
 *   POST /api/v1/documents/sign-orders           {agency, unit, type, basis}
 *   POST /api/v1/documents/sign-orders/{id}/revoke
 *
 * Who records and revokes: a leader who signs the agency's documents by his own grant (not
 * through a delegation), or an administrator of the agency (unit.manage). Who reads: those who
 * draft, review, sign or register the agency's documents.
 */
#include <jansson.h>
#include <string.h>
#include "core/i18n.h"
#include "features/authz.h"
#include "features/doc_outgoing.h"
#include "features/org.h"
#include "rules/document.h"
#include "store/db.h"
#include "web/app.h"
#include "web/doc_common.h"
#include "core/banned.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char *const work_perms[] = { DOC_OUT_PERM_DRAFT, DOC_OUT_PERM_REVIEW, DOC_OUT_PERM_SIGN,
					  DOC_OUT_PERM_REGISTER };
static const char *const oversee_perms[] = { "unit.manage" };

/* The agency asked for (or the default) and what the user may do there. */
struct orders_at {
	int64_t agency;
	int manage;
	const struct unit_tree *t;
	struct unit *units; /* every unit, sorted by id */
	size_t nunits;
};

static const char *unit_name(const struct orders_at *o, int64_t id)
{
	for (size_t i = 0; i < o->nunits; i++)
		if (o->units[i].id == id)
			return o->units[i].name;
	return "";
}

/* May the user record and revoke the orders of `agency`? */
static int manages(struct request *req, int64_t agency)
{
	const struct delegation *via = NULL;
	if (req_can(req, DOC_OUT_PERM_SIGN, agency, 0, &via) == 1 && !via)
		return 1;
	return req_can(req, "unit.manage", agency, 0, NULL) == 1;
}

/* The agency of `agency_s` ("" for the default): 0; 400/403 with *msg; 1 after answering 503. */
static int orders_open(struct request *req, struct db *db, const char *agency_s, struct orders_at *o,
		       const char **msg)
{
	int64_t *seen;
	size_t nseen;

	memset(o, 0, sizeof(*o));
	if (req_staff_only(req))
		return 1;
	if (!db || !(o->t = req_units(req)) ||
	    req_agencies_seen(req, work_perms, N_ELEMS(work_perms), oversee_perms, N_ELEMS(oversee_perms),
			      &seen, &nseen)) {
		if (!db)
			resp_unavailable(req);
		return 1;
	}
	if (org_unit_list(db, &req->arena, &o->units, &o->nunits)) {
		resp_unavailable(req);
		return 1;
	}
	if (agency_s && *agency_s) {
		o->agency = input_id(agency_s);
		if (!o->agency || unit_tree_agency(o->t, o->agency) != o->agency) {
			*msg = _("There is no such agency.");
			return 400;
		}
	} else {
		o->agency = req_default_agency(req, seen, nseen);
	}
	if (!o->agency || !ids_contain(seen, nseen, o->agency)) {
		*msg = _("You may not see the signing orders of this agency.");
		return 403;
	}
	o->manage = manages(req, o->agency);
	return 0;
}

static json_t *order_json(struct request *req, const struct doc_sign_order *x)
{
	json_t *j = json_pack("{s:I,s:{s:I,s:s},s:o,s:s,s:{s:I,s:s},s:o,s:b}", "id", (json_int_t)x->id,
			      "unit", "id", (json_int_t)x->unit_id, "name", x->unit_name, "type",
			      doc_type_json(x->type), "basis", x->basis, "created_by", "id",
			      (json_int_t)x->created_by, "name", x->created_by_name, "created_at",
			      dossier_iso(x->created_at), "in_force", !x->revoked_at);
	if (x->revoked_at) {
		json_object_set_new(j, "revoked_at", dossier_iso(x->revoked_at));
		json_object_set_new(j, "revoked_by",
				    json_pack("{s:I,s:s}", "id", (json_int_t)x->revoked_by, "name",
					      x->revoked_by_name));
	}
	(void)req;
	return j;
}

/* The form as typed, and its errors by field. */
struct order_form {
	const char *unit, *type, *basis;
	int64_t unit_id;
	int type_code;
	const char *clean_basis;
	json_t *errors; /* {field: message} */
};

static void form_error(struct order_form *f, const char *field, const char *msg)
{
	if (!json_object_get(f->errors, field))
		json_object_set_new(f->errors, field, json_string(msg));
}

static void form_check(struct request *req, const struct orders_at *o, struct order_form *f)
{
	const char *why;
	f->unit_id = input_id(f->unit ? f->unit : "");
	if (!f->unit_id || unit_tree_find(o->t, f->unit_id) < 0 ||
	    unit_tree_agency(o->t, f->unit_id) != o->agency || f->unit_id == o->agency)
		form_error(f, "unit", _("Choose a department of the agency."));
	{
		const struct doc_type *dt = doc_type_by_key(f->type ? f->type : "");
		f->type_code = dt ? dt->code : (int)input_id(f->type ? f->type : "");
	}
	if (f->type_code < 1 || f->type_code > DOC_TYPE_COUNT)
		form_error(f, "type", _("Choose the type of document."));
	if (doc_out_note_check(&req->arena, f->basis ? f->basis : "", 1, &f->clean_basis, &why))
		form_error(
			f, "basis",
			!strcmp(why, "Enter the reason.")
				? _("Enter the working rules that give this order: the decision's number and date.")
				: _(why));
}

/* Record the order of a checked form: 201 with *id; 409 with *msg; 503. */
static int order_create(struct request *req, struct db *db, const struct orders_at *o, struct order_form *f,
			int64_t *id, const char **msg)
{
	int rc;
	if (db_begin(db))
		return 503;
	rc = doc_sign_order_add(db, o->agency, f->unit_id, f->type_code, f->clean_basis, req_user(req)->id,
				req_now(req), id);
	if (rc == DOC_OUT_EEXISTS) {
		db_rollback(db);
		*msg = arena_printf(
			&req->arena,
			_("The leaders of %s already sign documents of type %s by order: revoke that "
			  "order first to record another."),
			unit_name(o, f->unit_id), doc_type(f->type_code)->name);
		return 409;
	}
	if (!rc)
		rc = req_audit_json(req, db, "document.sign_order.create",
				    arena_printf(&req->arena, "doc_sign_order:%lld", (long long)*id),
				    json_pack("{s:I,s:I,s:s,s:s}", "agency", (json_int_t)o->agency, "unit",
					      (json_int_t)f->unit_id, "type", doc_type(f->type_code)->key,
					      "basis", f->clean_basis));
	if (rc || db_commit(db)) {
		db_rollback(db);
		return 503;
	}
	return 201;
}

/* Revoke order `id`: 200; 404/403/409 with *msg; 503. */
static int order_revoke(struct request *req, struct db *db, int64_t id, const char **msg, int64_t *agency)
{
	struct doc_sign_order x;
	struct orders_at o;
	int rc = id ? doc_sign_order_get(db, &req->arena, id, &x) : DOC_OUT_ENOTFOUND;

	*agency = 0;
	if (rc < 0)
		return 503;
	if (rc) {
		*msg = _("There is no such signing order.");
		return 404;
	}
	*agency = x.agency_id;
	rc = orders_open(req, db, arena_printf(&req->arena, "%lld", (long long)x.agency_id), &o, msg);
	if (rc)
		return rc == 1 ? -1 : rc == 403 ? 404 : rc;
	if (!o.manage) {
		*msg = _("Only the agency's leaders and its administrator record and revoke signing orders.");
		return 403;
	}
	if (x.revoked_at) {
		*msg = _("This signing order was revoked already.");
		return 409;
	}
	if (db_begin(db))
		return 503;
	rc = doc_sign_order_revoke(db, x.agency_id, id, req_user(req)->id, req_now(req));
	if (rc == DOC_OUT_ENOTFOUND) {
		db_rollback(db);
		*msg = _("This signing order was revoked already.");
		return 409;
	}
	if (!rc)
		rc = req_audit_json(req, db, "document.sign_order.revoke",
				    arena_printf(&req->arena, "doc_sign_order:%lld", (long long)id),
				    json_pack("{s:I,s:I,s:s}", "agency", (json_int_t)x.agency_id, "unit",
					      (json_int_t)x.unit_id, "type", doc_type(x.type)->key));
	if (rc || db_commit(db)) {
		db_rollback(db);
		return 503;
	}
	return 200;
}

/* ---- the page ---- */

static void render(struct request *req, struct db *db, const struct orders_at *o, int status,
		   const struct order_form *f, const char *error, const char *notice)
{
	json_t *ctx = page_context(req, _("Signing by order"));
	json_t *agencies = json_array(), *units = json_array(), *types = json_array(), *rows = json_array();
	struct doc_sign_order *list;
	size_t n = 0;
	int64_t *seen;
	size_t nseen;

	if (doc_sign_order_list(db, &req->arena, o->agency, &list, &n)) {
		json_decref(ctx);
		json_decref(agencies);
		json_decref(units);
		json_decref(types);
		json_decref(rows);
		resp_unavailable(req);
		return;
	}
	if (!req_agencies_seen(req, work_perms, N_ELEMS(work_perms), oversee_perms, N_ELEMS(oversee_perms),
			       &seen, &nseen))
		for (size_t i = 0; i < nseen; i++)
			json_array_append_new(agencies, json_pack("{s:I,s:s,s:b}", "id", (json_int_t)seen[i],
								  "name", unit_name(o, seen[i]), "selected",
								  seen[i] == o->agency));
	for (size_t i = 0; i < o->nunits; i++) {
		const struct unit *u = &o->units[i];
		if (u->id != o->agency && unit_tree_agency(o->t, u->id) == o->agency)
			json_array_append_new(units,
					      json_pack("{s:I,s:s,s:b}", "id", (json_int_t)u->id, "name",
							u->name, "selected", f && f->unit_id == u->id));
	}
	for (int k = 1; k <= DOC_TYPE_COUNT; k++)
		json_array_append_new(types,
				      json_pack("{s:s,s:s,s:b}", "key", doc_type(k)->key, "name",
						doc_type(k)->name, "selected", f && f->type_code == k));
	for (size_t i = 0; i < n; i++) {
		const struct doc_sign_order *x = &list[i];
		json_array_append_new(
			rows,
			json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:b}", "id", (json_int_t)x->id,
				  "unit", x->unit_name, "type", doc_type(x->type)->name, "basis", x->basis,
				  "by", x->created_by_name, "at", dossier_when_text(req, x->created_at),
				  "in_force", !x->revoked_at, "revoked_by", x->revoked_by_name, "revoked_at",
				  x->revoked_at ? dossier_when_text(req, x->revoked_at) : "", "may_revoke",
				  o->manage && !x->revoked_at));
	}
	json_object_set_new(ctx, "agency", json_integer(o->agency));
	json_object_set_new(ctx, "agency_name", json_string(unit_name(o, o->agency)));
	json_object_set_new(ctx, "many_agencies", json_boolean(json_array_size(agencies) > 1));
	json_object_set_new(ctx, "agencies", agencies);
	json_object_set_new(ctx, "units", units);
	json_object_set_new(ctx, "types", types);
	json_object_set_new(ctx, "orders", rows);
	json_object_set_new(ctx, "manage", json_boolean(o->manage));
	json_object_set_new(ctx, "csrf", json_string(req_csrf(req)));
	if (f) {
		json_object_set_new(ctx, "basis", json_string(f->basis ? f->basis : ""));
		json_object_set(ctx, "errors", f->errors);
	}
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	if (notice)
		json_object_set_new(ctx, "notice", json_string(notice));
	page_render(req, status, "doc_sign_orders", ctx);
}

int page_doc_sign_orders(struct request *req)
{
	struct db *db = db_thread();
	struct orders_at o;
	const char *msg = NULL, *done = req_query(req, "done");
	int rc = orders_open(req, db, req_query(req, "agency"), &o, &msg);
	if (rc) {
		if (rc > 1)
			resp_error(req, rc, "refused", msg);
		return 0;
	}
	render(req, db, &o, 200, NULL, NULL,
	       done && !strcmp(done, "them")	  ? _("The signing order was recorded.")
	       : done && !strcmp(done, "thu-hoi") ? _("The signing order was revoked.")
						  : NULL);
	return 0;
}

/* Record the order of form f at agency_s, answered as a page (redirect, or the form again) or as JSON. */
static int create_request(struct request *req, int api, const char *agency_s, struct order_form *f)
{
	struct db *db = db_thread();
	struct orders_at o;
	struct doc_sign_order x;
	const char *msg = NULL;
	int64_t id = 0;
	int rc = orders_open(req, db, agency_s ? agency_s : "", &o, &msg);

	if (rc) {
		if (rc > 1)
			resp_error(req, rc, "refused", msg);
		return 0;
	}
	if (!o.manage) {
		resp_error(
			req, 403, "refused",
			_("Only the agency's leaders and its administrator record and revoke signing orders."));
		return 0;
	}
	f->errors = json_object();
	form_check(req, &o, f);
	msg = _("The order was not recorded: correct the fields marked.");
	rc = json_object_size(f->errors) ? 422 : order_create(req, db, &o, f, &id, &msg);
	if (rc == 422 && api)
		resp_json(req, 422,
			  json_pack("{s:{s:s,s:s,s:O}}", "error", "code", "invalid", "message", msg, "fields",
				    f->errors));
	else if (rc == 422 || (rc == 409 && !api))
		render(req, db, &o, rc, f, msg, NULL);
	else if (rc == 409)
		resp_error(req, 409, "conflict", msg);
	else if (rc == 201 && !api)
		resp_redirect(req, arena_printf(&req->arena, "/van-ban/ky-thua-lenh?agency=%lld&done=them",
						(long long)o.agency));
	else if (rc == 201 && !doc_sign_order_get(db, &req->arena, id, &x))
		resp_json(req, 201, order_json(req, &x));
	else
		resp_unavailable(req);
	json_decref(f->errors);
	return 0;
}

int page_doc_sign_order_create(struct request *req)
{
	struct order_form f = { 0 };
	f.unit = req_form(req, "unit");
	f.type = req_form(req, "type");
	f.basis = req_form(req, "basis");
	return create_request(req, 0, req_form(req, "agency"), &f);
}

/* Revoke order {id}, answered as a page (redirect) or as JSON. */
static int revoke_request(struct request *req, int api)
{
	struct db *db = db_thread();
	struct doc_sign_order x;
	const char *msg = NULL;
	int64_t agency;
	int rc;

	if (req_staff_only(req))
		return 0;
	rc = db ? order_revoke(req, db, req_param_id(req), &msg, &agency) : 503;
	if (rc == 200 && !api)
		resp_redirect(req, arena_printf(&req->arena, "/van-ban/ky-thua-lenh?agency=%lld&done=thu-hoi",
						(long long)agency));
	else if (rc == 200 && !doc_sign_order_get(db, &req->arena, req_param_id(req), &x))
		resp_json(req, 200, order_json(req, &x));
	else if (rc == 200 || rc == 503)
		resp_unavailable(req);
	else if (rc > 0)
		resp_error(req, rc, "refused", msg);
	return 0;
}

int page_doc_sign_order_revoke(struct request *req)
{
	return revoke_request(req, 0);
}

/* ---- the API ---- */

int api_doc_sign_orders(struct request *req)
{
	struct db *db = db_thread();
	struct orders_at o;
	struct doc_sign_order *list;
	size_t n;
	const char *msg = NULL;
	json_t *out, *arr;
	int rc = orders_open(req, db, req_query(req, "agency"), &o, &msg);

	if (rc) {
		if (rc > 1)
			resp_error(req, rc, "refused", msg);
		return 0;
	}
	if (doc_sign_order_list(db, &req->arena, o.agency, &list, &n)) {
		resp_unavailable(req);
		return 0;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, order_json(req, &list[i]));
	out = json_pack("{s:{s:I,s:s},s:b,s:o}", "agency", "id", (json_int_t)o.agency, "name",
			unit_name(&o, o.agency), "may_manage", o.manage, "orders", arr);
	resp_json(req, 200, out);
	return 0;
}

int api_doc_sign_order_create(struct request *req)
{
	struct order_form f = { 0 };
	const char *agency;
	int bad = 0;

	if (!json_is_object(req->json)) {
		resp_error(req, 400, "bad_request", _("Send a JSON object."));
		return 0;
	}
	agency = doc_json_text(req, req->json, "agency", &bad);
	f.unit = doc_json_text(req, req->json, "unit", &bad);
	f.type = doc_json_text(req, req->json, "type", &bad);
	f.basis = doc_json_text(req, req->json, "basis", &bad);
	if (bad) {
		resp_error(req, 400, "bad_request", _("A field has the wrong kind of value."));
		return 0;
	}
	return create_request(req, 1, agency, &f);
}

int api_doc_sign_order_revoke(struct request *req)
{
	return revoke_request(req, 1);
}
