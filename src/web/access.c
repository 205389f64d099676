/* access.c: the permission check as handlers call it: the request's actor, the unit tree, can(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/i18n.h"
#include "core/timefmt.h"
#include "web/app.h"
#include "core/banned.h"

int64_t req_now(const struct request *req)
{
	(void)req;
	return time_now_us() / 1000000;
}

const struct unit_tree *req_units(struct request *req)
{
	struct app_req *ar = req->app;
	struct db *db;
	if (!ar)
		ar = req->app = arena_calloc(&req->arena, 1, sizeof(*ar));
	if (ar->tree_loaded)
		return &ar->tree;
	db = db_thread();
	if (!db || unit_tree_load(db, &req->arena, &ar->tree)) {
		resp_unavailable(req);
		return NULL;
	}
	ar->tree_loaded = 1;
	return &ar->tree;
}

/* The logged-in account's grants and delegations, loaded once; NULL on a database error. */
static const struct actor *req_actor(struct request *req)
{
	struct app_req *ar = req->app;
	struct db *db;
	if (!ar || !ar->logged_in)
		return NULL;
	if (ar->actor_loaded)
		return &ar->actor;
	db = db_thread();
	if (!db || authz_actor_load(db, &req->arena, ar->user.id, req_now(req), &ar->actor))
		return NULL;
	ar->actor_loaded = 1;
	return &ar->actor;
}

/* Whether an API token's scopes let it do `action` ("" = everything its account may). */
static int scope_allows(const struct app_req *ar, const char *action)
{
	size_t n = strlen(action);
	const char *p = ar->scopes;
	if (!ar->bearer || !*p)
		return 1;
	while (*p) {
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && !memcmp(p, action, n))
			return 1;
		p += len;
		while (*p == ' ')
			p++;
	}
	return 0;
}

int req_scope_allows(const struct request *req, const char *action)
{
	const struct app_req *ar = req->app;
	return ar && scope_allows(ar, action);
}

int req_can(struct request *req, const char *action, int64_t unit_id, int64_t owner,
	    const struct delegation **via)
{
	const struct app_req *ar = req->app;
	const struct unit_tree *t;
	const struct actor *actor;
	int64_t path[UNIT_MAX_DEPTH];
	struct object o = { path, 0, owner };

	if (via)
		*via = NULL;
	if (!ar || !ar->logged_in || !scope_allows(ar, action))
		return 0;
	if (!(actor = req_actor(req)))
		return -1;
	if (unit_id) {
		if (!(t = req_units(req)))
			return -1;
		o.depth = unit_tree_path(t, unit_id, path, UNIT_MAX_DEPTH);
		if (!o.depth)
			return 0; /* no such unit: nothing to allow */
	}
	return can(actor, action, &o, req_now(req), via);
}

int req_require(struct request *req, const char *action, int64_t unit_id, int64_t owner)
{
	int rc = req_can(req, action, unit_id, owner, NULL);
	if (rc == 1)
		return 0;
	if (rc < 0) {
		if (!req->status)
			resp_unavailable(req);
		return 1;
	}
	resp_error(req, 403, "forbidden", _("You do not have permission to do this."));
	return 1;
}

int req_scope(struct request *req, const char *action, int64_t **units, size_t *n)
{
	const struct app_req *ar = req->app;
	const struct unit_tree *t;
	const struct actor *actor;

	*units = NULL;
	*n = 0;
	if (!ar || !ar->logged_in || !scope_allows(ar, action))
		return 0;
	if (!(actor = req_actor(req)) || !(t = req_units(req))) {
		if (!req->status)
			resp_unavailable(req);
		return 1;
	}
	*n = authz_scope(actor, t, action, req_now(req), &req->arena, units);
	return 0;
}

int req_can_subtree(struct request *req, const char *action, int64_t unit_id)
{
	const struct unit_tree *t = req_units(req);
	int64_t *scope;
	size_t n;
	if (!t || req_scope(req, action, &scope, &n))
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		size_t lo = 0, hi = n;
		int found = 0;
		if (!unit_tree_within(t, t->id[i], unit_id))
			continue;
		while (lo < hi && !found) {
			size_t mid = lo + (hi - lo) / 2;
			if (scope[mid] == t->id[i])
				found = 1;
			else if (scope[mid] < t->id[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		if (!found)
			return 0;
	}
	return unit_tree_find(t, unit_id) >= 0;
}

int req_can_at_top(struct request *req, const char *action)
{
	struct db *db = db_thread();
	struct db_stmt *st;
	int64_t *units;
	size_t n;
	int rc, yes = 0;
	if (!db) {
		resp_unavailable(req);
		return -1;
	}
	if (req_scope(req, action, &units, &n))
		return -1;
	if (!n)
		return 0;
	/* a unit that governs: a province, a city or a district, not a ward, commune or department */
	rc = db_query(db, &st, "SELECT id FROM units WHERE kind IN ('province', 'city', 'district')", "");
	while (rc == DB_ROW) {
		yes |= ids_contain(units, n, db_col_int(st, 0));
		rc = db_step(st);
	}
	if (rc < 0) {
		resp_unavailable(req);
		return -1;
	}
	return yes;
}

int req_staff_only(struct request *req)
{
	const struct account *u = req_user(req);
	if (u && !strcmp(u->kind, "staff"))
		return 0;
	resp_error(req, 403, "forbidden", _("This page is for officials of the local government."));
	return 1;
}

const char *req_actor_name(struct request *req)
{
	const struct account *u = req_user(req);
	return u ? arena_printf(&req->arena, "account:%lld", (long long)u->id) : "anonymous";
}

/*
 * GET /api/v1/permissions?action=ACTION&unit=ID: whether the logged-in account
 * may do ACTION at the unit now, and through which delegation; screens use it
 * to show only the buttons that will work.
 */
int api_permissions(struct request *req)
{
	const char *action = req_query(req, "action"), *unit = req_query(req, "unit");
	const struct delegation *via = NULL;
	int64_t unit_id = 0;
	json_t *out;
	int rc;

	if (!action || !permission_known(action)) {
		resp_error(req, 400, "bad_action", _("Name an action of the permission table."));
		return 0;
	}
	if (unit && *unit) {
		char *end;
		long long v = strtoll(unit, &end, 10);
		if (*end || v <= 0) {
			resp_error(req, 400, "bad_unit", _("The unit must be a unit number."));
			return 0;
		}
		unit_id = v;
	}
	rc = req_can(req, action, unit_id, 0, &via);
	if (rc < 0) {
		if (!req->status)
			resp_unavailable(req);
		return 0;
	}
	out = json_pack("{s:s,s:b,s:o}", "action", action, "allowed", rc == 1, "via_delegation",
			via ? json_integer(via->id) : json_null());
	if (unit_id)
		json_object_set_new(out, "unit_id", json_integer(unit_id));
	if (via)
		json_object_set_new(out, "delegation",
				    json_pack("{s:s,s:s,s:I}", "decision_no", via->decision_no,
					      "decision_date", via->decision_date, "valid_to",
					      (json_int_t)via->valid_to));
	resp_header(req, "Cache-Control", "no-store");
	resp_json(req, 200, out);
	return 0;
}

/* The units of `perm`'s scope (sorted) merged into the sorted set *set. 0, or 1 after answering. */
static int scope_merge(struct request *req, const char *perm, int64_t **set, size_t *n)
{
	int64_t *u, *merged;
	size_t m, i = 0, j = 0, o = 0;
	if (req_scope(req, perm, &u, &m))
		return 1;
	merged = arena_alloc(&req->arena, (*n + m + 1) * sizeof(*merged));
	while (i < *n || j < m) {
		if (j >= m || (i < *n && (*set)[i] < u[j]))
			merged[o++] = (*set)[i++];
		else if (i >= *n || u[j] < (*set)[i])
			merged[o++] = u[j++];
		else
			merged[o++] = (*set)[i++], j++;
	}
	*set = merged;
	*n = o;
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int req_agencies_seen(struct request *req, const char *const *work, size_t nwork_perms,
		      const char *const *oversee, size_t nover_perms, int64_t **out, size_t *n)
{
	const struct unit_tree *t = req_units(req);
	int64_t *w = NULL, *over = NULL;
	size_t nwork = 0, nover = 0;

	*out = NULL;
	*n = 0;
	if (!t)
		return 1;
	for (size_t k = 0; k < nwork_perms; k++)
		if (scope_merge(req, work[k], &w, &nwork))
			return 1;
	for (size_t k = 0; k < nover_perms; k++)
		if (scope_merge(req, oversee[k], &over, &nover))
			return 1;
	/* a section works for its agency */
	for (size_t i = 0; i < nwork; i++)
		w[i] = unit_tree_agency(t, w[i]);
	qsort(w, nwork, sizeof(*w), cmp_id);
	*out = arena_alloc(&req->arena, (t->n + 1) * sizeof(**out));
	for (size_t i = 0; i < t->n; i++) {
		int64_t path[UNIT_MAX_DEPTH];
		size_t depth;
		int ok;
		if (!t->level[i])
			continue;
		ok = ids_contain(w, nwork, t->id[i]);
		/* or overseen: the power at it or at an agency above it */
		depth = ok ? 0 : unit_tree_path(t, t->id[i], path, UNIT_MAX_DEPTH);
		for (size_t k = 0; k < depth && !ok; k++) {
			long at = unit_tree_find(t, path[k]);
			ok = at >= 0 && t->level[at] && ids_contain(over, nover, path[k]);
		}
		if (ok)
			(*out)[(*n)++] = t->id[i]; /* the tree is sorted by id */
	}
	return 0;
}

int64_t req_default_agency(struct request *req, const int64_t *allowed, size_t n)
{
	const struct unit_tree *t = req_units(req);
	int64_t own = t && req_user(req) ? unit_tree_agency(t, req_user(req)->unit_id) : 0, best = 0;
	size_t best_depth = 0;
	if (own && ids_contain(allowed, n, own))
		return own;
	for (size_t i = 0; t && i < n; i++) {
		size_t d = unit_tree_depth(t, allowed[i]);
		if (!best || d < best_depth) {
			best = allowed[i];
			best_depth = d;
		}
	}
	return best;
}
