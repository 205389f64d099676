/* authz.h: what can() needs from the database: the unit tree, an actor's grants and delegations; and
 * their storage (granting, revoking, delegating). */
#ifndef FEATURES_AUTHZ_H
#define FEATURES_AUTHZ_H

#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "rules/permission.h"
#include "store/db.h"

/* Deeper trees are refused when a unit is created or moved (city → district → ward → … needs 4). */
#define UNIT_MAX_DEPTH 16

/* Every unit's id and parent (0 for a root), sorted by id; arrays in the caller's arena. */
struct unit_tree {
	size_t n;
	int64_t *id;
	int64_t *parent;
	int *active;
	int *level;  /* enum proc_level of a governing unit (ward, district, city…), 0 for a section */
	int *office; /* 1 for a department that is its agency's office (struct unit.office) */
};

/* The level of government of a unit kind (rules/procedure.h PROC_CITY…), 0 for a department or section. */
int unit_kind_level(const char *kind);
/* The depth of a unit in the tree: 0 for a root (and for a unit not in it). */
size_t unit_tree_depth(const struct unit_tree *t, int64_t unit);
/*
 * The agency a unit belongs to: itself when it governs (a ward, a district,
 * a city), else the nearest such ancestor (a ward's one-stop section → the
 * ward). 0 when none.
 */
int64_t unit_tree_agency(const struct unit_tree *t, int64_t unit);

/*
 * The agency whose documents a records clerk granted at `unit` keeps (văn thư cơ quan, Decree
 * 30/2020): the agency itself when `unit` is one, or when it is the agency's office; 0 for any
 * other department or section, and for an inactive unit.
 */
int64_t unit_tree_clerk_agency(const struct unit_tree *t, int64_t unit);

/* Load the whole tree (a city has hundreds of units, not millions). 0 or a negative enum db_rc. */
int unit_tree_load(struct db *db, struct arena *a, struct unit_tree *t);
/* The index of `unit` in the tree, or -1. */
long unit_tree_find(const struct unit_tree *t, int64_t unit);
/*
 * The path from `unit` up to its root into path (unit first), at most max
 * entries. Returns the depth, 0 when the unit is unknown or the path longer
 * than max (a cycle included).
 */
size_t unit_tree_path(const struct unit_tree *t, int64_t unit, int64_t *path, size_t max);
/* 1 when `unit` is `ancestor` or lies below it. */
int unit_tree_within(const struct unit_tree *t, int64_t unit, int64_t ancestor);

/*
 * Load who `account_id` is for can() at `now`: his roles held now at their
 * units (a citizen account holds the citizen role, unitless), and the
 * delegations made to him that are in force: not revoked, not ended, and
 * whose delegator still holds the power himself at that unit with an
 * active account (a delegation ends with its delegator's power, Decree
 * 30/2020 art. 13). Arrays in the arena. 0 or a negative enum db_rc.
 */
int authz_actor_load(struct db *db, struct arena *a, int64_t account_id, int64_t now, struct actor *out);

/*
 * The units of the tree where the actor may do `action` at `now`, sorted by
 * id, into *out (arena). Returns how many (0: nowhere).
 */
size_t authz_scope(const struct actor *actor, const struct unit_tree *t, const char *action, int64_t now,
		   struct arena *a, int64_t **out);

/* ---- roles held at units (table role_grants) ---- */

struct role_grant {
	int64_t id;
	int64_t account_id;
	char role[24];
	int64_t unit_id;
	int reaches_descendants;
	char granted_by[32];
	int64_t granted_at;
	char revoked_by[32]; /* "" while in force */
	int64_t revoked_at;  /* 0 while in force */
};

/*
 * Grant `role` (a staff role, account_role_valid) at `unit_id`, inside the
 * caller's transaction; `by` is the audit actor ("account:3", "cli").
 * Returns 0 with *id, 1 when the account already holds it there (nothing
 * written), DB_CONSTRAINT for an unknown account or unit.
 */
int grant_add(struct db *db, int64_t account_id, const char *role, int64_t unit_id, int reaches_descendants,
	      const char *by, int64_t now, int64_t *id);
/* Revoke a grant in force, inside the caller's transaction: 0, or 1 when there is none in force. */
int grant_revoke(struct db *db, int64_t grant_id, const char *by, int64_t now);
/* One grant (in force or not): 0, or 1 when there is none. */
int grant_load(struct db *db, int64_t grant_id, struct role_grant *out);

/* ---- delegations (table delegations) ---- */

/*
 * Record a delegation checked with delegation_validate(), inside the
 * caller's transaction: 0 with *id. The strings of d are copied.
 */
int delegation_add(struct db *db, const struct delegation *d, const char *note, const char *by, int64_t now,
		   int64_t *id);
/* Revoke from `now` on, with a reason: 0, or 1 when there is no such delegation still unrevoked. */
int delegation_revoke_row(struct db *db, int64_t id, const char *by, const char *reason, int64_t now);
/*
 * After a change to an account (a grant revoked, a move, the account
 * disabled), inside the caller's transaction: revoke, with `reason`, the
 * delegations made by it or to it that can no longer stand — the delegator
 * no longer holds the power at the unit, or the delegate no longer works in
 * the unit or is disabled — so that they do not come back with a new grant
 * (Decree 30/2020 art. 13: a delegation ends with the power it passes on).
 * *ids (arena) gets the ids revoked, for the caller's audit rows.
 */
int authz_revoke_lapsed(struct db *db, struct arena *a, int64_t account_id, const char *by,
			const char *reason, int64_t now, int64_t **ids, size_t *n);

/* One delegation with its strings in the arena: 0, or 1 when there is none. */
int delegation_load(struct db *db, struct arena *a, int64_t id, struct delegation *out);

/* ---- listing delegations ---- */

/* A delegation as the lists show it: the row, and who and where by name. Strings in the caller's arena. */
struct delegation_info {
	struct delegation d;
	const char *note;
	const char *created_by; /* the audit actor: "account:3", "cli" */
	int64_t created_at;
	const char *revoked_by; /* "" while not revoked */
	const char *revoke_reason;
	const char *from_username, *from_name, *from_position; /* the delegator's account */
	const char *to_username, *to_name, *to_position;       /* the delegate's */
	const char *unit_name, *unit_kind;		       /* "Phường Nhân Chính", "ward" */
};

/* Where a delegation stands at a moment, from its window and revocation only (see delegation_upheld). */
enum delegation_status {
	DELEGATION_ANY = 0,
	DELEGATION_ACTIVE,  /* valid_from <= now < valid_to, not revoked */
	DELEGATION_PENDING, /* not revoked, starts later */
	DELEGATION_EXPIRED, /* not revoked, ended */
	DELEGATION_REVOKED,
};

/* Which delegations delegation_list returns, newest first. */
struct delegation_query {
	int64_t account_id;   /* those made by or to this account (0: none) */
	const int64_t *units; /* and those at these units (what delegation.read reaches) */
	size_t nunits;
	int status; /* enum delegation_status at `now` */
	int64_t now;
	int64_t offset; /* rows skipped, then at most `limit` (1 or more) */
	int limit;
};

/* The delegations the query selects into *out (arena), how many in *n. 0 or a negative enum db_rc. */
int delegation_list(struct db *db, struct arena *a, const struct delegation_query *q,
		    struct delegation_info **out, size_t *n);
/* One delegation with its names: 0, or 1 when there is none. */
int delegation_info_load(struct db *db, struct arena *a, int64_t id, struct delegation_info *out);
/*
 * Whether the delegator still holds the power himself (an active account, a
 * grant in force at the unit): a delegation in its window counts only then
 * (authz_actor_load drops the others). 1 or 0, negative on a database error.
 */
int delegation_upheld(struct db *db, struct arena *a, const struct delegation *d, int64_t now);
/*
 * An unrevoked delegation of the same power at the same unit to the same
 * delegate whose window overlaps d's: 0 with *id, 1 when there is none.
 */
int delegation_find_overlap(struct db *db, const struct delegation *d, int64_t *id);

#endif
