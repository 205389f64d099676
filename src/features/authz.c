/* authz.c: the unit tree, actors for can(), role grants and delegations in the database. */
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "core/xalloc.h"
#include "features/authz.h"
#include "rules/procedure.h"
#include "store/counter.h"
#include "core/banned.h"

/* ---- the unit tree ---- */

int unit_kind_level(const char *kind)
{
	if (!kind)
		return 0;
	if (!strcmp(kind, "province") || !strcmp(kind, "city"))
		return PROC_CITY;
	if (!strcmp(kind, "district"))
		return PROC_DISTRICT;
	if (!strcmp(kind, "ward") || !strcmp(kind, "commune"))
		return PROC_WARD;
	return 0;
}

size_t unit_tree_depth(const struct unit_tree *t, int64_t unit)
{
	int64_t path[UNIT_MAX_DEPTH];
	size_t n = unit_tree_path(t, unit, path, UNIT_MAX_DEPTH);
	return n ? n - 1 : 0;
}

int64_t unit_tree_agency(const struct unit_tree *t, int64_t unit)
{
	for (int depth = 0; depth < 16 && unit; depth++) {
		long i = unit_tree_find(t, unit);
		if (i < 0)
			return 0;
		if (t->level[i])
			return unit;
		unit = t->parent[i];
	}
	return 0;
}

int unit_tree_load(struct db *db, struct arena *a, struct unit_tree *t)
{
	struct db_stmt *st;
	size_t cap = 64;
	int rc;

	memset(t, 0, sizeof(*t));
	t->id = arena_alloc(a, cap * sizeof(*t->id));
	t->parent = arena_alloc(a, cap * sizeof(*t->parent));
	t->active = arena_alloc(a, cap * sizeof(*t->active));
	t->level = arena_alloc(a, cap * sizeof(*t->level));
	t->office = arena_alloc(a, cap * sizeof(*t->office));
	rc = db_query(db, &st, "SELECT id, parent_id, active, kind, office FROM units ORDER BY id", "");
	while (rc == DB_ROW) {
		if (t->n == cap) {
			size_t ncap = st_mult(cap, 2);
			int64_t *id = arena_alloc(a, st_mult(ncap, sizeof(*id)));
			int64_t *parent = arena_alloc(a, st_mult(ncap, sizeof(*parent)));
			int *active = arena_alloc(a, st_mult(ncap, sizeof(*active)));
			int *level = arena_alloc(a, st_mult(ncap, sizeof(*level)));
			int *office = arena_alloc(a, st_mult(ncap, sizeof(*office)));
			memcpy(level, t->level, t->n * sizeof(*level));
			t->level = level;
			memcpy(office, t->office, t->n * sizeof(*office));
			t->office = office;
			memcpy(id, t->id, t->n * sizeof(*id));
			memcpy(parent, t->parent, t->n * sizeof(*parent));
			memcpy(active, t->active, t->n * sizeof(*active));
			t->id = id;
			t->parent = parent;
			t->active = active;
			cap = ncap;
		}
		t->id[t->n] = db_col_int(st, 0);
		t->parent[t->n] = db_col_is_null(st, 1) ? 0 : db_col_int(st, 1);
		t->active[t->n] = (int)db_col_int(st, 2);
		t->level[t->n] = unit_kind_level(db_col_text(st, 3));
		t->office[t->n] = db_col_int(st, 4) == 1;
		t->n++;
		rc = db_step(st);
	}
	return rc < 0 ? rc : 0;
}

int64_t unit_tree_clerk_agency(const struct unit_tree *t, int64_t unit)
{
	long k = unit_tree_find(t, unit);
	if (k < 0 || !t->active[k] || (!t->level[k] && !t->office[k]))
		return 0;
	return unit_tree_agency(t, unit);
}

long unit_tree_find(const struct unit_tree *t, int64_t unit)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->id[mid] == unit)
			return (long)mid;
		if (t->id[mid] < unit)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

size_t unit_tree_path(const struct unit_tree *t, int64_t unit, int64_t *path, size_t max)
{
	size_t depth = 0;
	while (unit) {
		long i = unit_tree_find(t, unit);
		if (i < 0 || depth == max)
			return 0;
		path[depth++] = unit;
		unit = t->parent[i];
	}
	return depth;
}

int unit_tree_within(const struct unit_tree *t, int64_t unit, int64_t ancestor)
{
	int64_t path[UNIT_MAX_DEPTH * 2];
	size_t depth = unit_tree_path(t, unit, path, sizeof(path) / sizeof(path[0]));
	for (size_t i = 0; i < depth; i++)
		if (path[i] == ancestor)
			return 1;
	return 0;
}

/* 1 when the unit and every unit above it are active (an inactive unit takes no new work). */
static int unit_path_active(const struct unit_tree *t, int64_t unit)
{
	size_t guard = 0;
	while (unit && guard++ < UNIT_MAX_DEPTH * 2) {
		long i = unit_tree_find(t, unit);
		if (i < 0 || !t->active[i])
			return 0;
		unit = t->parent[i];
	}
	return !unit;
}

/* ---- actors ---- */

/* The staff roles held now by an account, into the arena. */
/* The grants in force, without those held at an inactive unit (or under one) when a tree is given. */
static int load_grants(struct db *db, struct arena *a, int64_t account_id, const struct unit_tree *t,
		       struct grant **out, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 8;
	int rc;

	*n = 0;
	*out = arena_alloc(a, cap * sizeof(**out));
	rc = db_query(db, &st,
		      "SELECT role, unit_id, reaches_descendants FROM role_grants "
		      "WHERE account_id = ? AND revoked_at IS NULL ORDER BY id",
		      "i", account_id);
	while (rc == DB_ROW) {
		int role = permission_role_from_name(db_col_text(st, 0));
		if (role && role != ROLE_CITIZEN && (!t || unit_path_active(t, db_col_int(st, 1)))) {
			if (*n == cap) {
				struct grant *g = arena_alloc(a, st_mult(cap * 2, sizeof(*g)));
				memcpy(g, *out, cap * sizeof(*g));
				*out = g;
				cap *= 2;
			}
			(*out)[*n].role = role;
			(*out)[*n].unit_id = db_col_int(st, 1);
			(*out)[*n].reaches_descendants = (int)db_col_int(st, 2);
			(*n)++;
		}
		rc = db_step(st);
	}
	return rc < 0 ? rc : 0;
}

/*
 * Whether the delegator still holds the power at the unit himself (an active
 * account, a grant in force at an active unit).
 */
static int delegator_holds(struct db *db, struct arena *a, const struct unit_tree *tree,
			   const struct delegation *d, int64_t now)
{
	struct actor holder = { 0 };
	struct grant *grants;
	int64_t path[UNIT_MAX_DEPTH];
	struct object o = { path, 0, 0 };
	struct db_stmt *st;
	size_t n;
	int rc = db_query(db, &st, "SELECT active FROM accounts WHERE id = ?", "i", d->from_account);
	int active = rc == DB_ROW && db_col_int(st, 0) == 1;
	while (rc == DB_ROW)
		rc = db_step(st);
	if (rc < 0)
		return rc;
	if (!active)
		return 0;
	if ((rc = load_grants(db, a, d->from_account, tree, &grants, &n)))
		return rc;
	o.depth = unit_tree_path(tree, d->unit_id, path, UNIT_MAX_DEPTH);
	holder.account_id = d->from_account;
	holder.grants = grants;
	holder.ngrants = n;
	return can(&holder, d->power, &o, now, NULL);
}

static const char *dup_col(struct arena *a, struct db_stmt *st, int i)
{
	return arena_strdup(a, db_col_text(st, i) ? db_col_text(st, i) : "");
}

static void delegation_from_row(struct arena *a, struct db_stmt *st, struct delegation *d)
{
	memset(d, 0, sizeof(*d));
	d->id = db_col_int(st, 0);
	d->from_account = db_col_int(st, 1);
	d->to_account = db_col_int(st, 2);
	d->power = dup_col(a, st, 3);
	d->unit_id = db_col_int(st, 4);
	d->valid_from = db_col_int(st, 5);
	d->valid_to = db_col_int(st, 6);
	d->revoked_at = db_col_is_null(st, 7) ? 0 : db_col_int(st, 7);
	d->decision_no = dup_col(a, st, 8);
	d->decision_date = dup_col(a, st, 9);
}

#define DELEGATION_COLUMNS                                                                              \
	"id, from_account, to_account, power, unit_id, valid_from, valid_to, revoked_at, decision_no, " \
	"decision_date"

/* The rows of a delegation query (rc from db_query) into an arena array. */
static int read_delegations(struct arena *a, struct db_stmt *st, int rc, struct delegation **out, size_t *n)
{
	size_t cap = 4;
	*n = 0;
	*out = arena_alloc(a, cap * sizeof(**out));
	while (rc == DB_ROW) {
		if (*n == cap) {
			struct delegation *more = arena_alloc(a, st_mult(cap * 2, sizeof(*more)));
			memcpy(more, *out, cap * sizeof(*more));
			*out = more;
			cap *= 2;
		}
		delegation_from_row(a, st, &(*out)[(*n)++]);
		rc = db_step(st);
	}
	return rc < 0 ? rc : 0;
}

int authz_actor_load(struct db *db, struct arena *a, int64_t account_id, int64_t now, struct actor *out)
{
	struct db_stmt *st;
	struct delegation *dels;
	size_t ndels = 0;
	struct grant *grants;
	struct unit_tree tree;
	size_t ngrants;
	int64_t home = 0;
	int citizen = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	out->account_id = account_id;
	rc = db_query(db, &st, "SELECT kind FROM accounts WHERE id = ? AND active = 1", "i", account_id);
	if (rc == DB_ROW)
		citizen = !strcmp(db_col_text(st, 0), "citizen");
	else if (rc == DB_DONE)
		return 0; /* no such active account: no rights */
	while (rc == DB_ROW)
		rc = db_step(st);
	if (rc < 0)
		return rc;
	if (citizen) {
		grants = arena_calloc(a, 1, sizeof(*grants));
		grants->role = ROLE_CITIZEN;
		out->grants = grants;
		out->ngrants = 1;
		return 0;
	}
	if ((rc = unit_tree_load(db, a, &tree)))
		return rc;
	if ((rc = load_grants(db, a, account_id, &tree, &grants, &ngrants)))
		return rc;
	out->grants = grants;
	out->ngrants = ngrants;
	/* the delegate's own unit: a delegation is for an official of the unit it names */
	rc = db_query(db, &st, "SELECT unit_id FROM accounts WHERE id = ?", "i", account_id);
	if (rc == DB_ROW && !db_col_is_null(st, 0))
		home = db_col_int(st, 0);
	while (rc == DB_ROW)
		rc = db_step(st);
	if (rc < 0)
		return rc;

	rc = db_query(db, &st,
		      "SELECT " DELEGATION_COLUMNS
		      " FROM delegations WHERE to_account = ? AND revoked_at IS NULL "
		      "AND valid_to > ? AND valid_from <= ? ORDER BY id",
		      "iii", account_id, now, now);
	if ((rc = read_delegations(a, st, rc, &dels, &ndels)))
		return rc;
	/*
	 * only those at an active unit that the delegate still works in, whose
	 * delegator still holds the power (checked after the rows are read)
	 */
	for (size_t i = 0; i < ndels;) {
		int holds = unit_path_active(&tree, dels[i].unit_id) &&
			    unit_tree_within(&tree, home, dels[i].unit_id);
		if (holds)
			holds = delegator_holds(db, a, &tree, &dels[i], now);
		if (holds < 0)
			return holds;
		if (holds) {
			i++;
			continue;
		}
		memmove(&dels[i], &dels[i + 1], (ndels - i - 1) * sizeof(*dels));
		ndels--;
	}
	out->delegations = dels;
	out->ndelegations = ndels;
	return 0;
}

size_t authz_scope(const struct actor *actor, const struct unit_tree *t, const char *action, int64_t now,
		   struct arena *a, int64_t **out)
{
	size_t n = 0;
	*out = arena_alloc(a, st_mult(t->n ? t->n : 1, sizeof(**out)));
	for (size_t i = 0; i < t->n; i++) {
		int64_t path[UNIT_MAX_DEPTH];
		struct object o = { path, 0, 0 };
		o.depth = unit_tree_path(t, t->id[i], path, UNIT_MAX_DEPTH);
		if (o.depth && can(actor, action, &o, now, NULL))
			(*out)[n++] = t->id[i];
	}
	return n;
}

/* ---- grants ---- */

int grant_add(struct db *db, int64_t account_id, const char *role, int64_t unit_id, int reaches_descendants,
	      const char *by, int64_t now, int64_t *id)
{
	struct db_stmt *st;
	int64_t lock;
	int exists, rc;
	/* the row lock orders concurrent grants on PostgreSQL too: one grant in force per role and unit */
	if ((rc = counter_next(db, "lock", "role_grants", "", &lock)))
		return rc;
	rc = db_query(db, &st,
		      "SELECT id FROM role_grants WHERE account_id = ? AND role = ? AND unit_id = ? "
		      "AND revoked_at IS NULL",
		      "isi", account_id, role, unit_id);
	exists = rc == DB_ROW;
	while (rc == DB_ROW)
		rc = db_step(st);
	if (rc < 0)
		return rc;
	if (exists)
		return 1;
	if ((rc = counter_next(db, "id", "role_grants", "", id)))
		return rc;
	return db_exec(
		db,
		"INSERT INTO role_grants (id, account_id, role, unit_id, reaches_descendants, granted_by, "
		"granted_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		"iisiisi", *id, account_id, role, unit_id, (int64_t)(reaches_descendants != 0), by, now);
}

int grant_revoke(struct db *db, int64_t grant_id, const char *by, int64_t now)
{
	int rc = db_exec(
		db,
		"UPDATE role_grants SET revoked_by = ?, revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
		"sii", by, now, grant_id);
	if (rc)
		return rc;
	return db_changes(db) ? 0 : 1;
}

static void copy_text(char *dst, size_t n, const char *src)
{
	size_t len = src ? strlen(src) : 0;
	if (len >= n)
		len = n - 1;
	memcpy(dst, src ? src : "", len);
	dst[len] = '\0';
}

int grant_load(struct db *db, int64_t grant_id, struct role_grant *out)
{
	struct db_stmt *st;
	int rc =
		db_query(db, &st,
			 "SELECT id, account_id, role, unit_id, reaches_descendants, granted_by, granted_at, "
			 "revoked_by, revoked_at FROM role_grants WHERE id = ?",
			 "i", grant_id);
	int found = rc == DB_ROW;
	memset(out, 0, sizeof(*out));
	if (found) {
		out->id = db_col_int(st, 0);
		out->account_id = db_col_int(st, 1);
		copy_text(out->role, sizeof(out->role), db_col_text(st, 2));
		out->unit_id = db_col_int(st, 3);
		out->reaches_descendants = (int)db_col_int(st, 4);
		copy_text(out->granted_by, sizeof(out->granted_by), db_col_text(st, 5));
		out->granted_at = db_col_int(st, 6);
		copy_text(out->revoked_by, sizeof(out->revoked_by), db_col_text(st, 7));
		out->revoked_at = db_col_is_null(st, 8) ? 0 : db_col_int(st, 8);
	}
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : !found;
}

/* ---- delegations ---- */

int delegation_add(struct db *db, const struct delegation *d, const char *note, const char *by, int64_t now,
		   int64_t *id)
{
	int rc = counter_next(db, "id", "delegations", "", id);
	if (rc)
		return rc;
	return db_exec(db,
		       "INSERT INTO delegations (id, from_account, to_account, power, unit_id, valid_from, "
		       "valid_to, decision_no, decision_date, note, created_by, created_at) "
		       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		       "iiisiiissssi", *id, d->from_account, d->to_account, d->power, d->unit_id,
		       d->valid_from, d->valid_to, d->decision_no, d->decision_date, note ? note : "", by,
		       now);
}

int delegation_revoke_row(struct db *db, int64_t id, const char *by, const char *reason, int64_t now)
{
	int rc = db_exec(db,
			 "UPDATE delegations SET revoked_by = ?, revoked_at = ?, revoke_reason = ? "
			 "WHERE id = ? AND revoked_at IS NULL",
			 "sisi", by, now, reason ? reason : "", id);
	if (rc)
		return rc;
	return db_changes(db) ? 0 : 1;
}

int delegation_load(struct db *db, struct arena *a, int64_t id, struct delegation *out)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT " DELEGATION_COLUMNS " FROM delegations WHERE id = ?", "i", id);
	int found = rc == DB_ROW;
	memset(out, 0, sizeof(*out));
	if (found)
		delegation_from_row(a, st, out);
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : !found;
}

/* ---- listing delegations ---- */

#define DELEGATION_INFO_COLUMNS                                                                            \
	"d.id, d.from_account, d.to_account, d.power, d.unit_id, d.valid_from, d.valid_to, d.revoked_at, " \
	"d.decision_no, d.decision_date, d.note, d.created_by, d.created_at, d.revoked_by, "               \
	"d.revoke_reason, fa.username, fa.full_name, fa.position, ta.username, ta.full_name, "             \
	"ta.position, u.name, u.kind "                                                                     \
	"FROM delegations d JOIN accounts fa ON fa.id = d.from_account "                                   \
	"JOIN accounts ta ON ta.id = d.to_account JOIN units u ON u.id = d.unit_id"

static void info_from_row(struct arena *a, struct db_stmt *st, struct delegation_info *out)
{
	memset(out, 0, sizeof(*out));
	delegation_from_row(a, st, &out->d);
	out->note = dup_col(a, st, 10);
	out->created_by = dup_col(a, st, 11);
	out->created_at = db_col_int(st, 12);
	out->revoked_by = dup_col(a, st, 13);
	out->revoke_reason = dup_col(a, st, 14);
	out->from_username = dup_col(a, st, 15);
	out->from_name = dup_col(a, st, 16);
	out->from_position = dup_col(a, st, 17);
	out->to_username = dup_col(a, st, 18);
	out->to_name = dup_col(a, st, 19);
	out->to_position = dup_col(a, st, 20);
	out->unit_name = dup_col(a, st, 21);
	out->unit_kind = dup_col(a, st, 22);
}

/*
 * The number of placeholders for a list of n values: the next power of two,
 * the last value repeated, so that the statement cache holds a few texts
 * per query, not one per list length.
 */
static size_t padded(size_t n)
{
	size_t p = 1;
	while (p < n)
		p = st_mult(p, 2);
	return p;
}

int delegation_list(struct db *db, struct arena *a, const struct delegation_query *q,
		    struct delegation_info **out, size_t *n)
{
	struct buf sql = BUF_INIT;
	struct db_stmt *st;
	size_t cap = 16, slots = q->nunits ? padded(q->nunits) : 0;
	int i = 1, rc;

	*n = 0;
	*out = arena_alloc(a, cap * sizeof(**out));
	buf_adds(&sql, "SELECT " DELEGATION_INFO_COLUMNS " WHERE (d.from_account = ? OR d.to_account = ?");
	if (slots) {
		buf_adds(&sql, " OR d.unit_id IN (?");
		for (size_t k = 1; k < slots; k++)
			buf_adds(&sql, ", ?");
		buf_adds(&sql, ")");
	}
	buf_adds(&sql, ")");
	switch (q->status) {
	case DELEGATION_ACTIVE:
		buf_adds(&sql, " AND d.revoked_at IS NULL AND d.valid_from <= ? AND d.valid_to > ?");
		break;
	case DELEGATION_PENDING: buf_adds(&sql, " AND d.revoked_at IS NULL AND d.valid_from > ?"); break;
	case DELEGATION_EXPIRED: buf_adds(&sql, " AND d.revoked_at IS NULL AND d.valid_to <= ?"); break;
	case DELEGATION_REVOKED: buf_adds(&sql, " AND d.revoked_at IS NOT NULL"); break;
	default: break;
	}
	buf_adds(&sql, " ORDER BY d.id DESC LIMIT ? OFFSET ?");
	st = buf_err(&sql) ? NULL : db_prepare(db, sql.ptr);
	buf_release(&sql);
	if (!st)
		return DB_ERROR;
	rc = db_bind_int(st, i++, q->account_id);
	if (!rc)
		rc = db_bind_int(st, i++, q->account_id);
	for (size_t k = 0; k < slots && !rc; k++)
		rc = db_bind_int(st, i++, q->units[k < q->nunits ? k : q->nunits - 1]);
	if (!rc && q->status == DELEGATION_ACTIVE)
		rc = db_bind_int(st, i++, q->now);
	if (!rc && (q->status == DELEGATION_ACTIVE || q->status == DELEGATION_PENDING ||
		    q->status == DELEGATION_EXPIRED))
		rc = db_bind_int(st, i++, q->now);
	if (!rc)
		rc = db_bind_int(st, i++, q->limit > 0 ? q->limit : 1);
	if (!rc)
		rc = db_bind_int(st, i++, q->offset > 0 ? q->offset : 0);
	if (rc)
		return rc;
	for (rc = db_step(st); rc == DB_ROW; rc = db_step(st)) {
		if (*n == cap) {
			struct delegation_info *more = arena_alloc(a, st_mult(cap * 2, sizeof(*more)));
			memcpy(more, *out, cap * sizeof(*more));
			*out = more;
			cap *= 2;
		}
		info_from_row(a, st, &(*out)[(*n)++]);
	}
	return rc < 0 ? rc : 0;
}

int delegation_info_load(struct db *db, struct arena *a, int64_t id, struct delegation_info *out)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT " DELEGATION_INFO_COLUMNS " WHERE d.id = ?", "i", id);
	int found = rc == DB_ROW;
	memset(out, 0, sizeof(*out));
	if (found)
		info_from_row(a, st, out);
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : !found;
}

int delegation_upheld(struct db *db, struct arena *a, const struct delegation *d, int64_t now)
{
	struct unit_tree tree;
	int rc = unit_tree_load(db, a, &tree);
	if (rc)
		return rc;
	if (!unit_path_active(&tree, d->unit_id))
		return 0;
	return delegator_holds(db, a, &tree, d, now);
}

int delegation_find_overlap(struct db *db, const struct delegation *d, int64_t *id)
{
	struct db_stmt *st;
	int rc = db_query(db, &st,
			  "SELECT id FROM delegations WHERE to_account = ? AND power = ? AND unit_id = ? "
			  "AND revoked_at IS NULL AND valid_from < ? AND valid_to > ? ORDER BY id",
			  "isiii", d->to_account, d->power, d->unit_id, d->valid_to, d->valid_from);
	int found = rc == DB_ROW;
	*id = found ? db_col_int(st, 0) : 0;
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : !found;
}

int authz_revoke_lapsed(struct db *db, struct arena *a, int64_t account_id, const char *by,
			const char *reason, int64_t now, int64_t **ids, size_t *n)
{
	struct unit_tree tree;
	struct delegation *d;
	struct db_stmt *st;
	size_t count = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if ((rc = unit_tree_load(db, a, &tree)))
		return rc;
	/* unrevoked and not yet ended, made by the account or to it */
	rc = db_query(db, &st,
		      "SELECT " DELEGATION_COLUMNS
		      " FROM delegations WHERE (from_account = ? OR to_account = ?) "
		      "AND revoked_at IS NULL AND valid_to > ? ORDER BY id",
		      "iii", account_id, account_id, now);
	if ((rc = read_delegations(a, st, rc, &d, &count)))
		return rc;
	*ids = arena_alloc(a, st_mult(count ? count : 1, sizeof(**ids)));
	for (size_t i = 0; i < count; i++) {
		int64_t home = 0;
		int keep;
		rc = db_query(db, &st, "SELECT unit_id FROM accounts WHERE id = ? AND active = 1", "i",
			      d[i].to_account);
		if (rc == DB_ROW && !db_col_is_null(st, 0))
			home = db_col_int(st, 0);
		while (rc == DB_ROW)
			rc = db_step(st);
		if (rc < 0)
			return rc;
		/* the delegate still works in the unit, and the delegator still holds the power there */
		keep = home && unit_tree_within(&tree, home, d[i].unit_id);
		if (keep && (keep = delegator_holds(db, a, &tree, &d[i], now)) < 0)
			return keep;
		if (keep)
			continue;
		rc = delegation_revoke_row(db, d[i].id, by, reason, now);
		if (rc < 0)
			return rc;
		if (!rc)
			(*ids)[(*n)++] = d[i].id;
	}
	return 0;
}
