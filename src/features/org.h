/* org.h: the organisation tree: units of any depth (city → district → ward → department). */
#ifndef FEATURES_ORG_H
#define FEATURES_ORG_H

#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "store/db.h"

/* Longest values of the text fields (bytes of UTF-8). */
#define UNIT_NAME_MAX	     200
#define UNIT_SHORT_NAME_MAX  20
#define UNIT_ADDRESS_MAX     300
#define UNIT_AGENCY_CODE_LEN 13 /* "000.00.15.H26" */
#define UNIT_TAX_CODE_MAX    14 /* "0101234567-001" */

struct unit {
	int64_t id;
	int64_t parent_id; /* 0 for a root */
	const char *kind;  /* province, city, district, ward, commune, department, onestop */
	const char *agency_code;
	const char *name;
	const char *short_name; /* in document symbols: UBND, VP, TP, QLĐT */
	const char *tax_code;	/* mã số thuế, "" when none */
	const char *address;	/* "" when none */
	int active;		/* read by load/list, written by update; a new unit is always active */
	int office;		/* a department that is its agency's office (văn phòng), where the records
				   clerks who keep the agency's documents work (Decree 30/2020) */
};

/*
 * The kinds of unit as stored (NULL-terminated), the same list as the CHECK
 * of migrations/0002_people.sql: the three levels of before 2025 (city or
 * province → district → ward or commune) and the two-level model of 2025
 * (province or city → commune or ward), with departments and one-stop
 * sections at any level.
 */
extern const char *const org_unit_kinds[];
/* 1 when `kind` is one of org_unit_kinds. */
int org_unit_kind_valid(const char *kind);
/* The kind's name as an English message id ("Ward", to translate with _()), NULL when unknown. */
const char *org_unit_kind_label(const char *kind);

/* The fields of a unit, for org_unit_check and for naming them in messages. */
enum unit_field {
	UNIT_F_PARENT = 1 << 0,
	UNIT_F_KIND = 1 << 1,
	UNIT_F_AGENCY_CODE = 1 << 2,
	UNIT_F_NAME = 1 << 3,
	UNIT_F_SHORT_NAME = 1 << 4,
	UNIT_F_TAX_CODE = 1 << 5,
	UNIT_F_ADDRESS = 1 << 6,
	UNIT_F_ACTIVE = 1 << 7,
	UNIT_F_OFFICE = 1 << 8,
	UNIT_F_ALL = (1 << 9) - 1,
};

/* The name of a field in forms, JSON and the audit log ("agency_code"); NULL for no single field. */
const char *org_unit_field_name(unsigned field);

/*
 * Check the text fields named in `which` (enum unit_field bits) of u,
 * without the database (the parent, uniqueness and the tree are the
 * caller's):
 *   name         not empty, at most UNIT_NAME_MAX bytes, valid UTF-8
 *                without control characters;
 *   short_name   not empty, at most UNIT_SHORT_NAME_MAX bytes, letters
 *                (Vietnamese ones included) and digits only: it goes into
 *                document symbols such as "15/QĐ-UBND" (Decree 30/2020
 *                Appendix I), where a space, "/" or "-" would break them;
 *   agency_code  the QCVN 102:2016 shape "000.00.15.H26": three digits, two
 *                digits, two digits, an upper-case letter and two digits,
 *                separated by dots;
 *   kind         one of org_unit_kinds;
 *   tax_code     "" or a mã số thuế: 10 digits, or 10 digits, "-" and 3
 *                digits for a dependent unit (Circular 105/2020/TT-BTC);
 *   address      at most UNIT_ADDRESS_MAX bytes, valid UTF-8 without
 *                control characters.
 * Calls err(ctx, field name, English message id) once per bad field and
 * returns how many there were (0: all good). NULL strings count as "".
 */
int org_unit_check(const struct unit *u, unsigned which,
		   void (*err)(void *ctx, const char *field, const char *msgid), void *ctx);

/* Insert an active unit (inside the caller's transaction); *id gets its id. DB_CONSTRAINT for a taken code.
 */
int org_unit_create(struct db *db, const struct unit *u, int64_t *id);
/* The id of the unit with this agency code, 0 when none, negative on error. */
int64_t org_unit_by_code(struct db *db, const char *agency_code);

/* One unit with its strings in the arena: 0, 1 when there is none, or a negative enum db_rc. */
int org_unit_load(struct db *db, struct arena *a, int64_t id, struct unit *out);
/* Every unit, sorted by id, into an arena array: 0 or a negative enum db_rc. */
int org_unit_list(struct db *db, struct arena *a, struct unit **out, size_t *n);

/*
 * Write every field of u (parent, kind, code, names, tax code, address,
 * active) over the unit u->id, inside the caller's transaction. The caller
 * has checked the fields and the tree (no cycle, depth, active parent).
 * 0, 1 when there is no such unit, DB_CONSTRAINT for a taken code.
 */
int org_unit_update(struct db *db, const struct unit *u);

/*
 * Take the organisation tree for a change, inside the caller's write
 * transaction, before reading what the change depends on: every change of
 * the tree's shape takes it, so two moves cannot each pass the cycle check
 * against a tree the other is changing (on PostgreSQL, where db_begin locks
 * nothing, the counter row's lock orders them). 0 or a negative enum db_rc.
 */
int org_tree_lock(struct db *db);

/* What refers to a unit: a unit with any of it has records and is never deleted. */
struct unit_usage {
	int64_t children, active_children;
	int64_t accounts, active_accounts;
	int64_t grants;	     /* role grants at it, revoked ones included (they are history) */
	int64_t delegations; /* delegations scoped to it, revoked and ended ones included */
};

/* Count what refers to unit `id`: 0 or a negative enum db_rc. */
int org_unit_usage(struct db *db, int64_t id, struct unit_usage *out);
/* 1 when anything in `u` refers to the unit. */
int org_unit_in_use(const struct unit_usage *u);

/*
 * Delete a unit that nothing refers to, inside the caller's transaction:
 * 0 when deleted, 1 when there is no such unit, 2 when it has records
 * (org_unit_usage: nothing written), DB_CONSTRAINT when a table this code
 * does not know refers to it (the caller rolls back), or a negative enum
 * db_rc.
 */
int org_unit_delete(struct db *db, int64_t id);

/*
 * The demo tree of the seed report: Thành phố Hà Nội → Quận Thanh Xuân → its
 * 11 wards, the district's departments and one-stop sections, inside the
 * caller's transaction. Agency codes follow the QCVN 102:2016 shape; the
 * numbers are the demo's own. Does nothing when the city exists.
 */
int org_demo(struct db *db);

#endif
