/* pages_units.c: the organisation units: admin pages (/quan-tri/don-vi) and /api/v1/units. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/i18n.h"
#include "core/log.h"
#include "features/org.h"
#include "store/db.h"
#include "web/app.h"
#include "core/banned.h"

#define UNITS_PATH "/quan-tri/don-vi"
/* Longest value of any field read (bytes); longer ones are refused by their checks. */
#define FIELD_MAX 1024
/* Indentation steps the style sheet knows (.depth-0 … .depth-10); deeper rows use the last. */
#define DEPTH_CLASSES 10

static void not_found(struct request *req)
{
	resp_error(req, 404, "not_found", _("There is no such unit."));
}

static const char *msg_in_use(void)
{
	return _("This unit has records (units under it, accounts, roles or delegations) and cannot be "
		 "deleted. Deactivate it instead.");
}

/* How deep `unit` lies in the tree (a root is 1), 0 when it is not in it. */
static size_t tree_depth(const struct unit_tree *t, int64_t unit)
{
	int64_t path[UNIT_MAX_DEPTH * 2];
	return unit_tree_path(t, unit, path, sizeof(path) / sizeof(path[0]));
}

/* Levels of the subtree of `unit`, itself included (1 for a unit with nothing under it). */
static size_t tree_height(const struct unit_tree *t, int64_t unit)
{
	size_t top = tree_depth(t, unit), height = 1;
	for (size_t i = 0; top && i < t->n; i++)
		if (unit_tree_within(t, t->id[i], unit)) {
			size_t d = tree_depth(t, t->id[i]);
			if (d >= top && d - top + 1 > height)
				height = d - top + 1;
		}
	return height;
}

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

/* A unit as the API shows it, and as the audit log records it. */
static json_t *unit_json(const struct unit *u, int with_id)
{
	json_t *o = json_object();
	if (with_id)
		json_object_set_new(o, "id", json_integer(u->id));
	json_object_update_new(o, json_pack("{s:o,s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "parent_id",
					    id_or_null(u->parent_id), "kind", u->kind, "agency_code",
					    u->agency_code, "name", u->name, "short_name", u->short_name,
					    "tax_code", u->tax_code ? u->tax_code : "", "address",
					    u->address ? u->address : "", "active", u->active));
	json_object_set_new(o, "office", json_boolean(u->office));
	return o;
}

/* The audit detail of an update: each changed field with its value before and after. */
static json_t *unit_changes(const struct unit *a, const struct unit *b)
{
	const struct {
		const char *key, *before, *after;
	} text[] = {
		{ "kind", a->kind, b->kind },
		{ "agency_code", a->agency_code, b->agency_code },
		{ "name", a->name, b->name },
		{ "short_name", a->short_name, b->short_name },
		{ "tax_code", a->tax_code, b->tax_code },
		{ "address", a->address, b->address },
	};
	json_t *d = json_object();
	if (a->parent_id != b->parent_id)
		json_object_set_new(d, "parent_id",
				    json_pack("{s:o,s:o}", "before", id_or_null(a->parent_id), "after",
					      id_or_null(b->parent_id)));
	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++)
		if (strcmp(text[i].before, text[i].after))
			json_object_set_new(d, text[i].key,
					    json_pack("{s:s,s:s}", "before", text[i].before, "after",
						      text[i].after));
	if (a->active != b->active)
		json_object_set_new(d, "active",
				    json_pack("{s:b,s:b}", "before", a->active, "after", b->active));
	if (a->office != b->office)
		json_object_set_new(d, "office",
				    json_pack("{s:b,s:b}", "before", a->office, "after", b->office));
	return d;
}

/* Append the audit row for `action` on unit `id` with `detail` (stolen). */
static int unit_audit(struct request *req, struct db *db, const char *action, int64_t id, json_t *detail)
{
	char object[32], *text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	int rc;
	json_decref(detail);
	if (!text)
		return DB_ERROR;
	snprintf(object, sizeof(object), "unit:%lld", (long long)id);
	rc = req_audit(req, db, NULL, action, object, text);
	free(text);
	return rc;
}

/* ---- creating and changing a unit: one path for the pages and the API ---- */

/* A unit as typed in the form or sent as JSON, and what is wrong with it. */
struct unit_input {
	unsigned given;	   /* enum unit_field bits: the fields sent (a PATCH changes only those) */
	int64_t parent_id; /* 0 = none */
	int parent_bad;	   /* sent, but not a unit number */
	int active_bad;	   /* sent, but neither yes nor no */
	int office_bad;	   /* the same for office */
	struct unit u;	   /* the text fields, trimmed (the agency code upper-cased), and active */
	json_t *errors;	   /* field name → translated message */
	int invalid;	   /* errors in the input itself (422); the others conflict with the data (409) */
};

static void input_init(struct unit_input *in)
{
	memset(in, 0, sizeof(*in));
	in->u.kind = in->u.agency_code = in->u.name = in->u.short_name = in->u.tax_code = in->u.address = "";
	in->u.active = 1;
	in->errors = json_object();
}

static void input_release(struct unit_input *in)
{
	json_decref(in->errors);
	in->errors = NULL;
}

/* The first error of a field wins: it is the one to fix first. */
static void add_error(struct unit_input *in, const char *field, const char *msg, int conflict)
{
	if (!json_object_get(in->errors, field))
		json_object_set_new(in->errors, field, json_string(msg));
	if (!conflict)
		in->invalid++;
}

static void check_error(void *ctx, const char *field, const char *msgid)
{
	add_error(ctx, field, _(msgid), 0);
}

/* Agency codes are compared as stored: the letter upper case ("000.00.15.h26" is typed by some). */
static const char *upper_code(struct request *req, const char *s)
{
	char *c = arena_strdup(&req->arena, s);
	for (char *p = c; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return c;
}

/*
 * Create a unit (id 0) or change unit `id` as `in` says, in one transaction:
 * unit.manage at the unit's parent (itself for a root) and at its new parent, the
 * fields, the tree (no cycle, not too deep, no active unit under an
 * inactive one, no deactivation over active units), a free agency code;
 * then the write and its audit row. Returns 201 (created) or 200 with *out
 * (strings in the request's arena), 422 or 409 with in->errors filled, or 0
 * when it has answered itself (403, 404, 503). Nothing is written unless
 * all is well.
 */
static int unit_save(struct request *req, int64_t id, struct unit_input *in, struct unit *out)
{
	struct db *db = db_thread();
	struct unit before, u;
	struct unit_tree tree;
	unsigned check = id ? in->given : UNIT_F_ALL & ~UNIT_F_ACTIVE;
	int parent_changes, status = 0, rc = 0;

	memset(&before, 0, sizeof(before));
	if (!id) {
		/* who may add units nowhere is told so before anything about the fields */
		int64_t *scope;
		size_t n;
		if (req_scope(req, "unit.manage", &scope, &n))
			return 0;
		if (!n) {
			resp_error(req, 403, "forbidden", _("You do not have permission to do this."));
			return 0;
		}
	}
	if (!db || db_begin(db)) {
		resp_unavailable(req);
		return 0;
	}
	/* the tree first: everything read after it stays as read until the write */
	if ((rc = org_tree_lock(db)))
		goto out;
	if (id) {
		rc = org_unit_load(db, &req->arena, id, &before);
		if (rc == 1) {
			rc = 0;
			not_found(req);
			goto out;
		}
		/*
		 * a unit is changed from above, as it was created: a ward's admin
		 * manages the units under his ward, not the ward itself (its name,
		 * code, kind and status are the district's to set); a root unit by
		 * whoever manages it
		 */
		if (rc || req_require(req, "unit.manage", before.parent_id ? before.parent_id : id, 0))
			goto out;
		u = before;
	} else {
		memset(&u, 0, sizeof(u));
		u.kind = u.agency_code = u.name = u.short_name = u.tax_code = u.address = "";
		u.active = 1;
	}
	if (check & UNIT_F_KIND)
		u.kind = in->u.kind;
	if (check & UNIT_F_AGENCY_CODE)
		u.agency_code = in->u.agency_code;
	if (check & UNIT_F_NAME)
		u.name = in->u.name;
	if (check & UNIT_F_SHORT_NAME)
		u.short_name = in->u.short_name;
	if (check & UNIT_F_TAX_CODE)
		u.tax_code = in->u.tax_code;
	if (check & UNIT_F_ADDRESS)
		u.address = in->u.address;
	if (in->given & UNIT_F_ACTIVE) {
		if (in->active_bad)
			add_error(in, "active", _("Choose whether the unit is active."), 0);
		else if (!id && !in->u.active)
			add_error(in, "active", _("A new unit starts active; deactivate it afterwards."), 0);
		else
			u.active = in->u.active;
	}
	if (in->given & UNIT_F_OFFICE) {
		if (in->office_bad)
			add_error(in, "office", _("Choose whether the unit is the agency's office."), 0);
		else
			u.office = in->u.office;
	}
	if ((rc = unit_tree_load(db, &req->arena, &tree)))
		goto out;

	/* the parent: required, unit.manage there too, never under itself, not too deep */
	parent_changes =
		!id || ((in->given & UNIT_F_PARENT) && (in->parent_bad || in->parent_id != before.parent_id));
	if (parent_changes) {
		if (in->parent_bad || !in->parent_id) {
			add_error(in, "parent_id", _("Choose the parent unit."), 0);
		} else if (unit_tree_find(&tree, in->parent_id) < 0) {
			add_error(in, "parent_id", _("There is no such parent unit."), 0);
		} else if (req_require(req, "unit.manage", in->parent_id, 0)) {
			goto out;
		} else if (id && unit_tree_within(&tree, in->parent_id, id)) {
			add_error(in, "parent_id",
				  _("A unit cannot be moved under itself or under one of its own units."), 0);
		} else if (tree_depth(&tree, in->parent_id) + (id ? tree_height(&tree, id) : 1) >
			   UNIT_MAX_DEPTH) {
			add_error(in, "parent_id",
				  arena_printf(&req->arena,
					       _("The organisation tree may not be deeper than %d levels."),
					       UNIT_MAX_DEPTH),
				  0);
		} else {
			u.parent_id = in->parent_id;
		}
	}
	org_unit_check(&u, check, check_error, in);

	/* no active unit under an inactive one */
	if (u.active && u.parent_id && !json_object_get(in->errors, "parent_id")) {
		long p = unit_tree_find(&tree, u.parent_id);
		if (p >= 0 && !tree.active[p] && (parent_changes || !before.active))
			add_error(
				in, parent_changes ? "parent_id" : "active",
				_("The parent unit is inactive: choose an active unit or reactivate it first."),
				0);
	}
	if (id && before.active && !u.active) {
		for (size_t i = 0; i < tree.n; i++)
			if (tree.parent[i] == id && tree.active[i]) {
				add_error(
					in, "active",
					_("This unit still has active units under it: deactivate or move them "
					  "first."),
					1);
				break;
			}
	}
	/* one unit per agency code */
	if (!json_object_get(in->errors, "agency_code") &&
	    (!id || strcmp(u.agency_code, before.agency_code))) {
		int64_t other = org_unit_by_code(db, u.agency_code);
		if (other < 0) {
			rc = (int)other;
			goto out;
		}
		if (other && other != id)
			add_error(in, "agency_code", _("This agency code is already used by another unit."),
				  1);
	}
	if (json_object_size(in->errors)) {
		status = in->invalid ? 422 : 409;
		goto out;
	}

	if (!id) {
		rc = org_unit_create(db, &u, &u.id);
		if (!rc)
			rc = unit_audit(req, db, "unit.create", u.id, unit_json(&u, 0));
	} else {
		json_t *changes = unit_changes(&before, &u);
		if (!json_object_size(changes)) {
			/* nothing to change: nothing to record */
			json_decref(changes);
			*out = before;
			status = 200;
			goto out;
		}
		rc = org_unit_update(db, &u);
		if (!rc)
			rc = unit_audit(req, db, "unit.update", id, changes);
		else
			json_decref(changes);
	}
	if (!rc)
		rc = db_commit(db);
	if (rc == DB_CONSTRAINT) {
		/* another request took the code between our check and the write */
		rc = 0;
		add_error(in, "agency_code", _("This agency code is already used by another unit."), 1);
		status = 409;
		goto out;
	}
	if (!rc) {
		log_info("event=unit_%s unit=%lld id=%s", id ? "update" : "create", (long long)u.id, req->id);
		*out = u;
		status = id ? 200 : 201;
	}
out:
	if (db_in_transaction(db))
		db_rollback(db);
	if (rc) {
		log_error("event=db msg=\"unit %s failed\" rc=%d id=%s", id ? "update" : "create", rc,
			  req->id);
		resp_unavailable(req);
		status = 0;
	}
	return status;
}

/*
 * Delete unit `id` if nothing refers to it, with its audit row: unit.manage
 * at the unit and at its parent (creating needs the parent, so does undoing
 * it). Returns 204, 409 (it has records: nothing changed), or 0 when it has
 * answered itself (403, 404, 503).
 */
static int unit_remove(struct request *req, int64_t id)
{
	struct db *db = db_thread();
	struct unit u;
	int status = 0, rc;

	if (!db || db_begin(db)) {
		resp_unavailable(req);
		return 0;
	}
	if ((rc = org_tree_lock(db)))
		goto out;
	rc = org_unit_load(db, &req->arena, id, &u);
	if (rc == 1) {
		rc = 0;
		not_found(req);
		goto out;
	}
	if (rc || req_require(req, "unit.manage", id, 0) ||
	    (u.parent_id && req_require(req, "unit.manage", u.parent_id, 0)))
		goto out;
	rc = org_unit_delete(db, id);
	if (!rc)
		rc = unit_audit(req, db, "unit.delete", id, unit_json(&u, 1));
	if (!rc)
		rc = db_commit(db);
	if (rc == 2 || rc == DB_CONSTRAINT) {
		/* 2: accounts, units, grants or delegations; DB_CONSTRAINT: a table this code does not know
		 */
		log_info("event=unit_delete_refused unit=%lld reason=%s id=%s", (long long)id,
			 rc == 2 ? "records" : "foreign_key", req->id);
		rc = 0;
		status = 409;
		goto out;
	}
	if (!rc) {
		log_info("event=unit_delete unit=%lld id=%s", (long long)id, req->id);
		status = 204;
	}
out:
	if (db_in_transaction(db))
		db_rollback(db);
	if (rc) {
		/* 1 from org_unit_delete cannot happen under the tree's lock: an error like the others */
		log_error("event=db msg=\"unit delete failed\" rc=%d id=%s", rc, req->id);
		resp_unavailable(req);
		status = 0;
	}
	return status;
}

/* ---- the tree as pages show it ---- */

/* A row of a tree listing: the unit and its depth among the units shown. */
struct tree_row {
	const struct unit *u;
	int depth;
};

/* Which units a listing shows; `level` is the unit's depth in the whole tree (a root is 1). */
typedef int (*tree_filter_fn)(const struct unit *u, size_t level, void *ctx);

struct tree_walk {
	const struct unit *units;
	size_t n;
	size_t *first, *next; /* children as lists in id order; n = none */
	tree_filter_fn shown;
	void *ctx;
	struct tree_row *rows;
	size_t count;
};

static void walk(struct tree_walk *w, size_t i, int depth, size_t level)
{
	int show;
	if (level > UNIT_MAX_DEPTH * 2)
		return; /* deeper than any tree this code makes */
	show = w->shown(&w->units[i], level, w->ctx);
	if (show) {
		w->rows[w->count].u = &w->units[i];
		w->rows[w->count].depth = depth;
		w->count++;
	}
	for (size_t c = w->first[i]; c != w->n; c = w->next[c])
		walk(w, c, depth + show, level + 1);
}

static size_t unit_index(const struct unit *units, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (units[mid].id == id)
			return mid;
		if (units[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return n;
}

/*
 * The units (sorted by id) that `shown` lets through, depth first with
 * children in id order, each with its depth counted in shown units only.
 * Rows in the arena; returns how many.
 */
static size_t tree_rows(struct arena *a, const struct unit *units, size_t n, tree_filter_fn shown, void *ctx,
			struct tree_row **out)
{
	struct tree_walk w = { units, n, NULL, NULL, shown, ctx, NULL, 0 };
	size_t roots = n;
	w.first = arena_alloc(a, (n ? n : 1) * sizeof(size_t));
	w.next = arena_alloc(a, (n ? n : 1) * sizeof(size_t));
	w.rows = arena_alloc(a, (n ? n : 1) * sizeof(*w.rows));
	for (size_t i = 0; i < n; i++)
		w.first[i] = n;
	for (size_t i = n; i-- > 0;) {
		size_t p = units[i].parent_id ? unit_index(units, n, units[i].parent_id) : n;
		if (p == n || p == i) {
			w.next[i] = roots;
			roots = i;
		} else {
			w.next[i] = w.first[p];
			w.first[p] = i;
		}
	}
	for (size_t r = roots; r != n; r = w.next[r])
		walk(&w, r, 0, 1);
	*out = w.rows;
	return w.count;
}

static const char *kind_label(const char *kind)
{
	const char *l = org_unit_kind_label(kind);
	return l ? _(l) : kind;
}

/* ---- pages ---- */

struct list_filter {
	const int64_t *scope;
	size_t nscope;
	int active; /* -1 all, 0 inactive only, 1 active only */
};

static int list_shown(const struct unit *u, size_t level, void *ctx)
{
	const struct list_filter *f = ctx;
	(void)level;
	return ids_contain(f->scope, f->nscope, u->id) && (f->active < 0 || f->active == u->active);
}

int page_units(struct request *req)
{
	const char *active = req_query(req, "active");
	const char *notice = NULL;
	struct list_filter f = { NULL, 0, -1 };
	struct tree_row *rows;
	struct unit *units;
	size_t n, nrows;
	int64_t *scope;
	struct db *db;
	json_t *ctx, *list;

	if (req_staff_only(req) || req_scope(req, "unit.manage", &scope, &f.nscope))
		return 0;
	if (!f.nscope) {
		resp_error(req, 403, "forbidden", _("You do not have permission to do this."));
		return 0;
	}
	f.scope = scope;
	if (active && !strcmp(active, "1"))
		f.active = 1;
	else if (active && !strcmp(active, "0"))
		f.active = 0;
	db = db_thread();
	if (!db || org_unit_list(db, &req->arena, &units, &n)) {
		resp_unavailable(req);
		return 0;
	}
	nrows = tree_rows(&req->arena, units, n, list_shown, &f, &rows);
	list = json_array();
	for (size_t i = 0; i < nrows; i++) {
		const struct unit *u = rows[i].u;
		json_array_append_new(
			list, json_pack("{s:I,s:s,s:s,s:s,s:s,s:b,s:i}", "id", (json_int_t)u->id, "name",
					u->name, "kind", kind_label(u->kind), "agency_code", u->agency_code,
					"short_name", u->short_name, "active", u->active, "depth",
					rows[i].depth < DEPTH_CLASSES ? rows[i].depth : DEPTH_CLASSES));
	}
	if (req_query(req, "deleted"))
		notice = _("The unit was deleted.");
	ctx = page_context(req, _("Organisation units"));
	json_object_set_new(ctx, "units", list);
	json_object_set_new(ctx, "has_units", json_boolean(nrows > 0));
	json_object_set_new(ctx,
			    f.active < 0 ? "filter_all"
			    : f.active	 ? "filter_active"
					 : "filter_inactive",
			    json_true());
	if (notice)
		json_object_set_new(ctx, "notice", json_string(notice));
	resp_header(req, "Cache-Control", "no-store");
	page_render(req, 200, "units", ctx);
	return 0;
}

/* Units offered as the parent in the form: where the admin may add, active, not under the unit edited. */
struct parent_filter {
	const int64_t *scope;
	size_t nscope;
	const struct unit_tree *tree;
	int64_t unit;	     /* the unit edited, 0 for a new one */
	int64_t current;     /* its parent now: always offered */
	const char *missing; /* what the unit's parent is called when it has none */
};

static int parent_shown(const struct unit *u, size_t level, void *ctx)
{
	const struct parent_filter *f = ctx;
	if (u->id == f->current)
		return 1;
	return u->active && level < UNIT_MAX_DEPTH && ids_contain(f->scope, f->nscope, u->id) &&
	       !(f->unit && unit_tree_within(f->tree, u->id, f->unit));
}

/*
 * The unit form, new (id 0) or of unit `id`: `v` holds the values shown (as
 * typed after a refused post), `errors` the messages by field (may be NULL),
 * `error` and `notice` the messages above the form. Answers 503 itself when
 * the database fails.
 */
static void render_form(struct request *req, int status, int64_t id, const struct unit *v, json_t *errors,
			const char *error, const char *notice)
{
	struct parent_filter pf = { NULL, 0, NULL, id, id ? v->parent_id : 0, NULL };
	struct db *db = db_thread();
	struct tree_row *rows;
	struct unit *units;
	int64_t *scope;
	size_t n, nrows;
	json_t *ctx, *form, *parents, *kinds;

	if (req_scope(req, "unit.manage", &scope, &pf.nscope))
		return;
	pf.scope = scope;
	if (!db || !(pf.tree = req_units(req)) || org_unit_list(db, &req->arena, &units, &n)) {
		if (!req->status)
			resp_unavailable(req);
		return;
	}
	parents = json_array();
	if (!id || !v->parent_id)
		json_array_append_new(parents, json_pack("{s:s,s:s,s:b}", "value", "", "label",
							 id ? _("(none: the top of the tree)")
							    : _("Choose the parent unit…"),
							 "selected", !v->parent_id));
	nrows = tree_rows(&req->arena, units, n, parent_shown, &pf, &rows);
	for (size_t i = 0; i < nrows; i++) {
		struct buf label = BUF_INIT;
		for (int d = 0; d < rows[i].depth; d++)
			buf_adds(&label, "— ");
		buf_adds(&label, rows[i].u->name);
		json_array_append_new(parents,
				      json_pack("{s:I,s:s,s:b}", "value", (json_int_t)rows[i].u->id, "label",
						label.ptr, "selected", rows[i].u->id == v->parent_id));
		buf_release(&label);
	}
	kinds = json_array();
	if (!org_unit_kind_valid(v->kind))
		json_array_append_new(kinds, json_pack("{s:s,s:s,s:b}", "value", "", "label",
						       _("Choose the kind…"), "selected", 1));
	for (size_t i = 0; org_unit_kinds[i]; i++)
		json_array_append_new(kinds, json_pack("{s:s,s:s,s:b}", "value", org_unit_kinds[i], "label",
						       kind_label(org_unit_kinds[i]), "selected",
						       !strcmp(org_unit_kinds[i], v->kind)));
	form = json_pack("{s:s,s:s,s:o,s:o,s:s,s:s,s:s,s:s,s:s}", "action",
			 id ? arena_printf(&req->arena, UNITS_PATH "/%lld", (long long)id) : UNITS_PATH,
			 "csrf", req_csrf(req), "parents", parents, "kinds", kinds, "agency_code",
			 v->agency_code, "name", v->name, "short_name", v->short_name, "tax_code",
			 v->tax_code, "address", v->address);
	json_object_set_new(form, "office", json_boolean(v->office));
	/* a root keeps "no parent", which a required select would refuse */
	json_object_set_new(form, "root", json_boolean(id && !v->parent_id));
	ctx = page_context(req, id ? _("Edit a unit") : _("Add a unit"));
	if (id) {
		struct unit_usage use;
		json_t *children = json_array();
		if (org_unit_usage(db, id, &use)) {
			json_decref(form);
			json_decref(ctx);
			json_decref(children);
			resp_unavailable(req);
			return;
		}
		for (size_t i = 0; i < n; i++)
			if (units[i].parent_id == id)
				json_array_append_new(children, json_pack("{s:I,s:s,s:s,s:b}", "id",
									  (json_int_t)units[i].id, "name",
									  units[i].name, "kind",
									  kind_label(units[i].kind), "active",
									  units[i].active));
		json_object_set_new(form, "active", json_boolean(v->active));
		json_object_set_new(
			ctx, "edit",
			json_pack("{s:I,s:s,s:o,s:b,s:I,s:I,s:s}", "id", (json_int_t)id, "delete_action",
				  arena_printf(&req->arena, UNITS_PATH "/%lld/xoa", (long long)id),
				  "children", children, "has_children", json_array_size(children) > 0,
				  "accounts", (json_int_t)use.accounts, "active_accounts",
				  (json_int_t)use.active_accounts, "add_child",
				  arena_printf(&req->arena, UNITS_PATH "/them?parent=%lld", (long long)id)));
	}
	/* a unit is changed from above (see unit_save): its own admin sees it, read only */
	if (id && v->parent_id && req_can(req, "unit.manage", v->parent_id, 0, NULL) != 1) {
		json_object_set_new(ctx, "readonly", json_true());
		json_object_set_new(
			ctx, "readonly_note",
			json_string(_("This unit is managed from the unit above it: you can add and "
				      "manage the units under it, but only the administrator above can "
				      "change this unit itself.")));
	}
	json_object_set_new(ctx, "form", form);
	if (errors && json_object_size(errors))
		json_object_set(ctx, "errors", errors);
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	if (notice)
		json_object_set_new(ctx, "notice", json_string(notice));
	resp_header(req, "Cache-Control", "no-store");
	page_render(req, status, "unit_form", ctx);
}

/* The unit form's fields as posted. */
static void form_input(struct request *req, struct unit_input *in)
{
	static const struct {
		unsigned field;
		const char *name;
	} fields[] = {
		{ UNIT_F_PARENT, "parent_id" },	       { UNIT_F_KIND, "kind" },
		{ UNIT_F_AGENCY_CODE, "agency_code" }, { UNIT_F_NAME, "name" },
		{ UNIT_F_SHORT_NAME, "short_name" },   { UNIT_F_TAX_CODE, "tax_code" },
		{ UNIT_F_ADDRESS, "address" },	       { UNIT_F_ACTIVE, "active" },
		{ UNIT_F_OFFICE, "office" },
	};
	input_init(in);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (req_form(req, fields[i].name))
			in->given |= fields[i].field;
	in->u.kind = input_trim(req, req_form(req, "kind"));
	in->u.agency_code = upper_code(req, input_trim(req, req_form(req, "agency_code")));
	in->u.name = input_trim(req, req_form(req, "name"));
	in->u.short_name = input_trim(req, req_form(req, "short_name"));
	in->u.tax_code = input_trim(req, req_form(req, "tax_code"));
	in->u.address = input_trim(req, req_form(req, "address"));
	{
		const char *p = input_trim(req, req_form(req, "parent_id"));
		in->parent_id = input_id(p);
		in->parent_bad = *p && !in->parent_id;
	}
	{
		const char *a = input_trim(req, req_form(req, "active"));
		in->u.active = !strcmp(a, "1");
		in->active_bad = strcmp(a, "1") && strcmp(a, "0");
	}
	{
		const char *o = input_trim(req, req_form(req, "office"));
		in->u.office = !strcmp(o, "1");
		in->office_bad = strcmp(o, "1") && strcmp(o, "0");
	}
}

/* What the form shows after a refused post: the unit as it is, with what was typed over it. */
static struct unit typed_over(const struct unit *cur, const struct unit_input *in)
{
	struct unit v = *cur;
	if (in->given & UNIT_F_PARENT)
		v.parent_id = in->parent_id;
	if (in->given & UNIT_F_KIND)
		v.kind = in->u.kind;
	if (in->given & UNIT_F_AGENCY_CODE)
		v.agency_code = in->u.agency_code;
	if (in->given & UNIT_F_NAME)
		v.name = in->u.name;
	if (in->given & UNIT_F_SHORT_NAME)
		v.short_name = in->u.short_name;
	if (in->given & UNIT_F_TAX_CODE)
		v.tax_code = in->u.tax_code;
	if (in->given & UNIT_F_ADDRESS)
		v.address = in->u.address;
	if ((in->given & UNIT_F_ACTIVE) && !in->active_bad)
		v.active = in->u.active;
	if ((in->given & UNIT_F_OFFICE) && !in->office_bad)
		v.office = in->u.office;
	return v;
}

int page_unit_new(struct request *req)
{
	const char *parent = req_query(req, "parent");
	struct unit v;
	int64_t *scope;
	size_t n;

	if (req_staff_only(req) || req_scope(req, "unit.manage", &scope, &n))
		return 0;
	if (!n) {
		resp_error(req, 403, "forbidden", _("You do not have permission to do this."));
		return 0;
	}
	memset(&v, 0, sizeof(v));
	v.kind = v.agency_code = v.name = v.short_name = v.tax_code = v.address = "";
	v.active = 1;
	if (parent && *parent) {
		v.parent_id = input_id(parent);
		if (req_require(req, "unit.manage", v.parent_id, 0))
			return 0;
	}
	render_form(req, 200, 0, &v, NULL, NULL, NULL);
	return 0;
}

static struct unit blank_unit(void)
{
	struct unit v;
	memset(&v, 0, sizeof(v));
	v.kind = v.agency_code = v.name = v.short_name = v.tax_code = v.address = "";
	v.active = 1;
	return v;
}

int page_unit_create(struct request *req)
{
	struct unit_input in;
	struct unit u;
	int status;

	if (req_staff_only(req))
		return 0;
	form_input(req, &in);
	status = unit_save(req, 0, &in, &u);
	if (status == 201) {
		resp_redirect(req, arena_printf(&req->arena, UNITS_PATH "/%lld?created=1", (long long)u.id));
	} else if (status) {
		struct unit empty = blank_unit(), v;
		in.given |= UNIT_F_ALL & ~UNIT_F_ACTIVE;
		v = typed_over(&empty, &in);
		render_form(req, status, 0, &v, in.errors, _("Please correct the fields marked below."),
			    NULL);
	}
	input_release(&in);
	return 0;
}

/* The unit of the path's {id} for a page: 0 with *u, or 1 when it has answered (404, 503). */
static int path_unit(struct request *req, int64_t *id, struct unit *u)
{
	struct db *db = db_thread();
	int rc;
	*id = input_id(req_param(req, "id"));
	if (!*id) {
		not_found(req);
		return 1;
	}
	if (!db || (rc = org_unit_load(db, &req->arena, *id, u)) < 0) {
		resp_unavailable(req);
		return 1;
	}
	if (rc) {
		not_found(req);
		return 1;
	}
	return 0;
}

int page_unit_edit(struct request *req)
{
	const char *notice = NULL;
	struct unit u;
	int64_t id;

	if (req_staff_only(req) || path_unit(req, &id, &u) || req_require(req, "unit.manage", id, 0))
		return 0;
	if (req_query(req, "created"))
		notice = _("The unit was created.");
	else if (req_query(req, "saved"))
		notice = _("The unit was saved.");
	render_form(req, 200, id, &u, NULL, NULL, notice);
	return 0;
}

int page_unit_update(struct request *req)
{
	struct unit_input in;
	struct unit u;
	int64_t id = input_id(req_param(req, "id"));
	int status;

	if (req_staff_only(req))
		return 0;
	if (!id) {
		not_found(req);
		return 0;
	}
	form_input(req, &in);
	status = unit_save(req, id, &in, &u);
	if (status == 200) {
		resp_redirect(req, arena_printf(&req->arena, UNITS_PATH "/%lld?saved=1", (long long)id));
	} else if (status && !path_unit(req, &id, &u)) {
		struct unit v = typed_over(&u, &in);
		render_form(req, status, id, &v, in.errors, _("Please correct the fields marked below."),
			    NULL);
	}
	input_release(&in);
	return 0;
}

int page_unit_delete(struct request *req)
{
	struct unit u;
	int64_t id = input_id(req_param(req, "id"));
	int status;

	if (req_staff_only(req))
		return 0;
	if (!id) {
		not_found(req);
		return 0;
	}
	status = unit_remove(req, id);
	if (status == 204)
		resp_redirect(req, UNITS_PATH "?deleted=1");
	else if (status && !path_unit(req, &id, &u))
		render_form(req, status, id, &u, NULL, msg_in_use(), NULL);
	return 0;
}

/* ---- /api/v1/units ---- */

static void bad_request(struct request *req)
{
	resp_error(
		req, 400, "bad_request",
		_("Send a JSON object whose fields are strings, except parent_id (a unit number) and active "
		  "(true or false)."));
}

/*
 * The fields of a JSON body (POST, PATCH): strings, parent_id a positive
 * integer (null: none), active true or false. Returns 0, or 1 when it has
 * answered 400.
 */
static int json_input(struct request *req, struct unit_input *in)
{
	static const struct {
		unsigned field;
		const char *name;
	} text[] = {
		{ UNIT_F_KIND, "kind" },	 { UNIT_F_AGENCY_CODE, "agency_code" },
		{ UNIT_F_NAME, "name" },	 { UNIT_F_SHORT_NAME, "short_name" },
		{ UNIT_F_TAX_CODE, "tax_code" }, { UNIT_F_ADDRESS, "address" },
	};
	json_t *v;
	input_init(in);
	if (!req->json || !json_is_object(req->json)) {
		bad_request(req);
		return 1;
	}
	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++) {
		const char *s = "";
		v = json_object_get(req->json, text[i].name);
		if (!v)
			continue;
		if (json_is_string(v))
			s = input_trim(req, json_string_value(v));
		else if (!json_is_null(v)) {
			bad_request(req);
			return 1;
		}
		in->given |= text[i].field;
		switch (text[i].field) {
		case UNIT_F_KIND: in->u.kind = s; break;
		case UNIT_F_AGENCY_CODE: in->u.agency_code = upper_code(req, s); break;
		case UNIT_F_NAME: in->u.name = s; break;
		case UNIT_F_SHORT_NAME: in->u.short_name = s; break;
		case UNIT_F_TAX_CODE: in->u.tax_code = s; break;
		case UNIT_F_ADDRESS: in->u.address = s; break;
		}
	}
	if ((v = json_object_get(req->json, "parent_id"))) {
		if (json_is_integer(v))
			in->parent_id = json_integer_value(v);
		else if (!json_is_null(v)) {
			bad_request(req);
			return 1;
		}
		in->parent_bad = in->parent_id < 0;
		in->given |= UNIT_F_PARENT;
	}
	if ((v = json_object_get(req->json, "active"))) {
		if (!json_is_boolean(v)) {
			bad_request(req);
			return 1;
		}
		in->u.active = json_is_true(v);
		in->given |= UNIT_F_ACTIVE;
	}
	if ((v = json_object_get(req->json, "office"))) {
		if (!json_is_boolean(v)) {
			bad_request(req);
			return 1;
		}
		in->u.office = json_is_true(v);
		in->given |= UNIT_F_OFFICE;
	}
	return 0;
}

/* Answer a unit_save result other than success: 422 or 409 with the messages by field. */
static void refused(struct request *req, int status, struct unit_input *in)
{
	resp_json(req, status,
		  json_pack("{s:{s:s,s:s,s:O}}", "error", "code", status == 409 ? "conflict" : "invalid",
			    "message",
			    status == 409 ? _("The change conflicts with the units as they are now.")
					  : _("Some fields are not valid."),
			    "fields", in->errors));
}

int api_units_list(struct request *req)
{
	const char *parent = req_query(req, "parent"), *active = req_query(req, "active");
	int64_t parent_id = -1;
	int want = -1;
	struct db *db;
	struct unit *units;
	size_t n;
	json_t *list;

	if (req_staff_only(req))
		return 0;
	if (parent) {
		parent_id = input_id(parent);
		if (!parent_id) {
			resp_error(req, 400, "bad_parent", _("The parent must be a unit number."));
			return 0;
		}
	}
	if (active) {
		if (!strcmp(active, "1") || !strcmp(active, "true"))
			want = 1;
		else if (!strcmp(active, "0") || !strcmp(active, "false"))
			want = 0;
		else {
			resp_error(req, 400, "bad_active", _("The filter active is 1 or 0."));
			return 0;
		}
	}
	db = db_thread();
	if (!db || org_unit_list(db, &req->arena, &units, &n)) {
		resp_unavailable(req);
		return 0;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		if ((parent_id < 0 || units[i].parent_id == parent_id) &&
		    (want < 0 || units[i].active == want))
			json_array_append_new(list, unit_json(&units[i], 1));
	resp_json(req, 200, json_pack("{s:o}", "units", list));
	return 0;
}

int api_unit_get(struct request *req)
{
	struct unit u;
	int64_t id;
	if (req_staff_only(req) || path_unit(req, &id, &u))
		return 0;
	resp_json(req, 200, json_pack("{s:o}", "unit", unit_json(&u, 1)));
	return 0;
}

int api_units_create(struct request *req)
{
	struct unit_input in;
	struct unit u;
	int status;

	if (req_staff_only(req))
		return 0;
	if (json_input(req, &in)) {
		input_release(&in);
		return 0;
	}
	status = unit_save(req, 0, &in, &u);
	if (status == 201) {
		resp_header(req, "Location",
			    arena_printf(&req->arena, "/api/v1/units/%lld", (long long)u.id));
		resp_json(req, 201, json_pack("{s:o}", "unit", unit_json(&u, 1)));
	} else if (status) {
		refused(req, status, &in);
	}
	input_release(&in);
	return 0;
}

int api_unit_update(struct request *req)
{
	struct unit_input in;
	struct unit u;
	int64_t id = input_id(req_param(req, "id"));
	int status;

	if (req_staff_only(req))
		return 0;
	if (!id) {
		not_found(req);
		return 0;
	}
	if (json_input(req, &in)) {
		input_release(&in);
		return 0;
	}
	status = unit_save(req, id, &in, &u);
	if (status == 200)
		resp_json(req, 200, json_pack("{s:o}", "unit", unit_json(&u, 1)));
	else if (status)
		refused(req, status, &in);
	input_release(&in);
	return 0;
}

int api_unit_delete(struct request *req)
{
	int64_t id = input_id(req_param(req, "id"));
	int status;

	if (req_staff_only(req))
		return 0;
	if (!id) {
		not_found(req);
		return 0;
	}
	status = unit_remove(req, id);
	if (status == 204)
		resp_text(req, 204, "text/plain; charset=utf-8", "");
	else if (status == 409)
		resp_error(req, 409, "unit_in_use", msg_in_use());
	return 0;
}
