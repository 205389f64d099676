/* pages_users.c: staff accounts and their roles (/quan-tri/nguoi-dung, /api/v1/users, /api/v1/roles); one's
 * own password (/tai-khoan/mat-khau). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/i18n.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "rules/contact.h"
#include "rules/password.h"
#include "store/db.h"
#include "features/authz.h"
#include "web/app.h"
#include "core/banned.h"

#define USERS_PATH	 "/quan-tri/nguoi-dung"
#define PASSWORD_PATH	 "/tai-khoan/mat-khau"
#define USERS_PER_PAGE	 50
#define API_PER_PAGE_MAX 100
/* Longest value of any field read (bytes); longer ones are refused by their checks. */
#define FIELD_MAX 1024
/* A user name: 3 to 64 of a-z 0-9 . _ - */
#define USERNAME_MIN 3
#define USERNAME_MAX 64
/* A position title: struct account keeps 127 bytes of it. */
#define POSITION_MAX_BYTES 127
/* The search text of the user list (bytes). */
#define SEARCH_MAX 100

/* ---- small helpers ---- */

static const char *msg_contact_taken(void)
{
	return _("The email address or phone number is already used by another account.");
}

static void forbidden(struct request *req)
{
	resp_error(req, 403, "forbidden", _("You do not have permission to do this."));
}

static void user_not_found(struct request *req)
{
	resp_error(req, 404, "not_found", _("There is no such user."));
}

static void set_opt(json_t *o, const char *key, const char *v)
{
	if (v && *v)
		json_object_set_new(o, key, json_string(v));
}

/* The role's name for people, translated ("Quản trị hệ thống"); the stored name when unknown. */
static const char *role_label(const char *role)
{
	const char *l = permission_role_label(permission_role_from_name(role));
	return l ? _(l) : role;
}

/* "14:05 26/11/2026" in Vietnam time, in the arena. */
static const char *when(struct request *req, int64_t t)
{
	char date[16], time[8];
	time_fmt_date_vn(date, sizeof(date), t);
	time_fmt_time_vn(time, sizeof(time), t);
	return arena_printf(&req->arena, "%s %s", time, date);
}

static const char *account_object(struct request *req, int64_t id)
{
	return arena_printf(&req->arena, "account:%lld", (long long)id);
}

/*
 * Revoke, with audit rows, the delegations made by or to `account` that can
 * no longer stand after a change to it (features/authz.h).
 */
static int revoke_lapsed(struct request *req, struct db *db, int64_t account, const char *reason)
{
	int64_t *ids;
	size_t n;
	int rc = authz_revoke_lapsed(db, &req->arena, account, req_actor_name(req), reason, req_now(req),
				     &ids, &n);
	for (size_t i = 0; !rc && i < n; i++)
		rc = req_audit_json(req, db, "delegation.revoke",
				    arena_printf(&req->arena, "delegation:%lld", (long long)ids[i]),
				    json_pack("{s:s,s:b}", "reason", reason, "automatic", 1));
	return rc;
}

/*
 * A move from `from` to `to`: the roles held at the unit left (and the units
 * under it) that the new unit does not cover end, with audit rows; roles
 * elsewhere (a ward official who also works at a district department) stay.
 */
static int revoke_left_behind(struct request *req, struct db *db, int64_t account, int64_t from, int64_t to)
{
	const struct unit_tree *tree = req_units(req);
	struct db_stmt *st;
	int64_t ids[64], units[64];
	char roles[64][24];
	size_t n = 0;
	int rc;
	if (!tree)
		return DB_ERROR;
	rc = db_query(db, &st,
		      "SELECT id, unit_id, role FROM role_grants WHERE account_id = ? AND revoked_at IS NULL",
		      "i", account);
	while (rc == DB_ROW) {
		int64_t unit = db_col_int(st, 1);
		if (n < 64 && unit_tree_within(tree, unit, from) && !unit_tree_within(tree, unit, to)) {
			ids[n] = db_col_int(st, 0);
			units[n] = unit;
			snprintf(roles[n], sizeof(roles[n]), "%s", db_col_text(st, 2));
			n++;
		}
		rc = db_step(st);
	}
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		rc = grant_revoke(db, ids[i], req_actor_name(req), req_now(req));
		if (rc < 0)
			return rc;
		rc = req_audit_json(req, db, "role.revoke",
				    arena_printf(&req->arena, "grant:%lld", (long long)ids[i]),
				    json_pack("{s:I,s:s,s:I,s:s}", "account_id", (json_int_t)account, "role",
					      roles[i], "unit_id", (json_int_t)units[i], "reason", "moved"));
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * Changing an account (its password, contacts, status, unit) is for who
 * manages every unit where it holds a role: a ward's admin does not take
 * over an official who also holds a role at the district. 0 when allowed,
 * 1 when answered (403, 503).
 */
static int manages_all_its_units(struct request *req, struct db *db, const struct account *t)
{
	struct db_stmt *st;
	int64_t units[64];
	size_t n = 0;
	int rc = db_query(db, &st,
			  "SELECT unit_id FROM role_grants WHERE account_id = ? AND revoked_at IS NULL", "i",
			  t->id);
	while (rc == DB_ROW) {
		if (n < 64)
			units[n++] = db_col_int(st, 0);
		rc = db_step(st);
	}
	if (rc < 0) {
		resp_unavailable(req);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		int yes = req_can(req, "user.manage", units[i], 0, NULL);
		if (yes < 0) {
			if (!req->status)
				resp_unavailable(req);
			return 1;
		}
		if (!yes) {
			resp_error(req, 403, "forbidden",
				   _("This official also holds a role at a unit you do not manage: only an "
				     "administrator of all his units can change his account."));
			return 1;
		}
	}
	return 0;
}

/* ---- units as the pages name them ---- */

struct unit_info {
	int64_t id;
	const char *name;
	int active;
};

/* Every unit's id, name and active flag, sorted by id, in the arena. */
struct unit_names {
	size_t n;
	struct unit_info *v;
};

static int unit_names_load(struct request *req, struct db *db, struct unit_names *u)
{
	size_t cap = 64;
	struct db_stmt *st;
	int rc;
	u->n = 0;
	u->v = arena_alloc(&req->arena, cap * sizeof(*u->v));
	rc = db_query(db, &st, "SELECT id, name, active FROM units ORDER BY id", "");
	while (rc == DB_ROW) {
		if (u->n == cap) {
			struct unit_info *more = arena_alloc(&req->arena, 2 * cap * sizeof(*more));
			memcpy(more, u->v, cap * sizeof(*more));
			u->v = more;
			cap *= 2;
		}
		u->v[u->n].id = db_col_int(st, 0);
		u->v[u->n].name = arena_strdup(&req->arena, db_col_text(st, 1));
		u->v[u->n].active = (int)db_col_int(st, 2);
		u->n++;
		rc = db_step(st);
	}
	return rc < 0 ? rc : 0;
}

/*
 * <option>s for a unit select: the active units of `scope` (and `keep`,
 * the current value, even when outside it), `selected` marked.
 */
static json_t *unit_options(const struct unit_names *u, const int64_t *scope, size_t n, int64_t selected,
			    int64_t keep)
{
	json_t *a = json_array();
	for (size_t i = 0; i < u->n; i++) {
		const struct unit_info *x = &u->v[i];
		json_t *o;
		if (x->id != keep && (!x->active || !ids_contain(scope, n, x->id)))
			continue;
		o = json_pack("{s:I,s:s}", "id", (json_int_t)x->id, "name", x->name);
		if (x->id == selected)
			json_object_set_new(o, "selected", json_true());
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *role_options(const char *selected)
{
	json_t *a = json_array();
	for (int i = 0; account_roles[i]; i++) {
		json_t *o = json_pack("{s:s,s:s}", "name", account_roles[i], "label",
				      role_label(account_roles[i]));
		if (selected && !strcmp(selected, account_roles[i]))
			json_object_set_new(o, "selected", json_true());
		json_array_append_new(a, o);
	}
	return a;
}

/* "Nguyễn Quản Trị" for "account:3", "command line" for "cli": who granted or revoked, for people. */
static const char *actor_label(struct request *req, struct db *db, const char *by)
{
	int64_t id;
	if (!strncmp(by, "account:", 8) && (id = input_id(by + 8))) {
		struct account a;
		if (!account_load(db, id, &a))
			return arena_strdup(&req->arena, a.full_name);
		return by;
	}
	if (!strcmp(by, "cli"))
		return _("command line");
	if (!strcmp(by, "migration"))
		return _("data migration");
	return by;
}

/* ---- JSON of the API ---- */

static json_t *json_opt_string(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *grant_json(const struct grant_row *r)
{
	const struct role_grant *g = &r->g;
	return json_pack("{s:I,s:I,s:s,s:s,s:I,s:s,s:b,s:s,s:I,s:o,s:o,s:b}", "id", (json_int_t)g->id,
			 "account_id", (json_int_t)g->account_id, "role", g->role, "role_name",
			 role_label(g->role), "unit_id", (json_int_t)g->unit_id, "unit_name", r->unit_name,
			 "reaches_descendants", g->reaches_descendants, "granted_by", g->granted_by,
			 "granted_at", (json_int_t)g->granted_at, "revoked_by",
			 json_opt_string(g->revoked_by), "revoked_at",
			 g->revoked_at ? json_integer(g->revoked_at) : json_null(), "in_force",
			 !g->revoked_at);
}

static json_t *account_json(const struct account *a)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:I,s:s,s:b}", "id", (json_int_t)a->id, "username",
			 a->username, "full_name", a->full_name, "position", a->position, "email",
			 json_opt_string(a->email), "phone", json_opt_string(a->phone), "unit_id",
			 (json_int_t)a->unit_id, "unit_name", a->unit_name, "active", a->active);
}

/* The account with its grants, in force and revoked; NULL on a database error. */
static json_t *account_json_full(struct request *req, struct db *db, const struct account *a)
{
	struct grant_row *rows;
	size_t n;
	json_t *o, *grants;
	if (account_grants(db, &req->arena, a->id, &rows, &n))
		return NULL;
	o = account_json(a);
	grants = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(grants, grant_json(&rows[i]));
	json_object_set_new(o, "grants", grants);
	return o;
}

/* A 422 under /api/: the message and the field messages (errors is stolen). */
static void api_invalid(struct request *req, int status, const char *code, json_t *errors)
{
	/* one field wrong: its own message says what (a taken user name says so, not "some fields") */
	const char *message = _("Some fields are not valid.");
	if (json_object_size(errors) == 1) {
		const char *key;
		json_t *v;
		json_object_foreach(errors, key, v)
		{
			if (json_is_string(v))
				message = json_string_value(v);
		}
	}
	resp_json(req, status,
		  json_pack("{s:{s:s,s:s,s:o}}", "error", "code", code, "message", message, "fields",
			    errors));
}

/* ---- whose account: the target of /quan-tri/nguoi-dung/{id} ---- */

/*
 * Load the staff account {id} and check that the logged-in user may do
 * `action` at its unit (user.read, user.manage). 0 with *out; 1 when
 * answered: 403 to citizens and to those who may not, 404 for no such staff
 * account (a citizen's included), 503.
 */
int staff_target_load(struct request *req, struct db *db, int64_t id, const char *action, struct account *out)
{
	int rc;
	if (req_staff_only(req))
		return 1;
	if (!db) {
		resp_unavailable(req);
		return 1;
	}
	rc = id ? account_load(db, id, out) : 1;
	if (rc < 0) {
		resp_unavailable(req);
		return 1;
	}
	if (rc || strcmp(out->kind, "staff") || !out->unit_id) {
		user_not_found(req);
		return 1;
	}
	/* without user.read there, not even the details: 403 */
	if (req_require(req, "user.read", out->unit_id, 0))
		return 1;
	if (strcmp(action, "user.read") && req_require(req, action, out->unit_id, 0))
		return 1;
	if (!strcmp(action, "user.manage") && manages_all_its_units(req, db, out))
		return 1;
	return 0;
}

/* ---- the user form: checking and writing, shared by the pages and the API ---- */

enum user_field {
	UF_USERNAME = 1 << 0,
	UF_FULL_NAME = 1 << 1,
	UF_POSITION = 1 << 2,
	UF_EMAIL = 1 << 3,
	UF_PHONE = 1 << 4,
	UF_UNIT = 1 << 5,
	UF_ACTIVE = 1 << 6,
	UF_PASSWORD = 1 << 7,
	UF_ROLE = 1 << 8,
};

/* An account's fields as sent (those in `set`) and as checked. */
struct user_form {
	unsigned set; /* enum user_field */
	/* as typed, surrounding white space removed except from the password */
	const char *username, *full_name, *position, *email, *phone, *unit, *password, *role;
	int active;
	/* checked and normalised */
	char name[CONTACT_NAME_MAX_BYTES + 1];
	char position_norm[CONTACT_NAME_MAX_BYTES + 1];
	char email_norm[CONTACT_EMAIL_MAX + 1];
	char phone_norm[CONTACT_PHONE_LEN + 1];
	int64_t unit_id; /* 0 when not given or not a unit */
	json_t *errors;	 /* field → translated message */
};

static void field_error(json_t *errors, const char *field, const char *msgid)
{
	if (!json_object_get(errors, field))
		json_object_set_new(errors, field, json_string(_(msgid)));
}

static int username_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < USERNAME_MIN || n > USERNAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		      s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

/*
 * Check the fields of f->set for the account `target` (NULL: a new one),
 * collecting every error in f->errors. Returns 0 when all is well, 1 when
 * there are errors, negative on a database error.
 */
static int user_check(struct request *req, struct db *db, struct user_form *f, const struct account *target,
		      const struct unit_tree *tree)
{
	const struct account *me = req_user(req);
	const char *why = NULL;
	int64_t except = target ? target->id : 0;
	int rc;

	f->errors = json_object();
	if (f->set & UF_USERNAME) {
		if (!*f->username) {
			field_error(f->errors, "username", N_("Enter a user name."));
		} else if (!username_ok(f->username)) {
			field_error(
				f->errors, "username",
				N_("A user name has 3 to 64 characters: lower-case letters a-z, digits, dots, hyphens and underscores."));
		} else {
			rc = account_name_taken(db, f->username, 0);
			if (rc < 0)
				return rc;
			if (rc)
				field_error(f->errors, "username", N_("This user name is already taken."));
		}
	}
	if ((f->set & UF_FULL_NAME) && contact_name_check(f->full_name, f->name, sizeof(f->name), &why))
		field_error(f->errors, "full_name", *f->full_name ? why : N_("Enter the full name."));
	if ((f->set & UF_POSITION) && *f->position) {
		/* tidied like a name (one space between words), with its own messages */
		if (contact_name_check(f->position, f->position_norm, sizeof(f->position_norm), &why) ||
		    strlen(f->position_norm) > POSITION_MAX_BYTES) {
			if (strlen(f->position) > POSITION_MAX_BYTES)
				field_error(f->errors, "position", N_("The position is too long."));
			else
				field_error(f->errors, "position",
					    N_("The position contains characters that are not allowed."));
		}
	}
	if ((f->set & UF_EMAIL) && *f->email) {
		if (contact_email_check(f->email, f->email_norm, &why)) {
			field_error(f->errors, "email", why);
		} else {
			rc = account_name_taken(db, f->email_norm, except);
			if (rc < 0)
				return rc;
			if (rc)
				field_error(f->errors, "email",
					    N_("This email address is already used by another account."));
		}
	}
	if ((f->set & UF_PHONE) && *f->phone) {
		if (contact_phone_check(f->phone, f->phone_norm, &why)) {
			field_error(f->errors, "phone", why);
		} else {
			rc = account_name_taken(db, f->phone_norm, except);
			if (rc < 0)
				return rc;
			if (rc)
				field_error(f->errors, "phone",
					    N_("This phone number is already used by another account."));
		}
	}
	if (f->set & UF_UNIT) {
		long i = -1;
		int64_t id = 0;
		if ((id = input_id(f->unit)))
			i = unit_tree_find(tree, id);
		if (!*f->unit)
			field_error(f->errors, "unit_id", N_("Choose a unit."));
		else if (i < 0)
			field_error(f->errors, "unit_id", N_("Choose a unit from the list."));
		else if (!tree->active[i] && (!target || target->unit_id != id))
			field_error(f->errors, "unit_id", N_("This unit is no longer active."));
		else
			f->unit_id = id;
	}
	if (f->set & UF_PASSWORD) {
		const char *username = target ? target->username : f->username;
		if (!*f->password)
			field_error(f->errors, "password", N_("Enter a password."));
		else if (password_check(f->password, username, &why))
			field_error(f->errors, "password", why);
		else if (target && me && target->id == me->id)
			field_error(f->errors, "password",
				    N_("To change your own password, use the password change page."));
	}
	if ((f->set & UF_ROLE) && *f->role && !account_role_valid(f->role))
		field_error(f->errors, "role", N_("Choose a role from the list."));
	if ((f->set & UF_ACTIVE) && !f->active && target && me && target->id == me->id)
		field_error(f->errors, "active", N_("You cannot deactivate your own account."));
	return json_object_size(f->errors) ? 1 : 0;
}

/*
 * Create the account of a checked form (user.manage at its unit and, with a
 * role, role.grant there already checked), with its audit entries, in one
 * transaction. Returns the HTTP status: 201 with *id, 409 (f->errors says
 * which name is taken), 503.
 */
static int user_create(struct request *req, struct db *db, struct user_form *f, int64_t *id)
{
	const char *by = req_actor_name(req);
	int64_t now = req_now(req), grant = 0;
	json_t *detail;
	int rc;

	rc = db_begin(db);
	if (!rc)
		rc = account_create_staff(db, f->username, f->name, f->position_norm, f->unit_id, f->password,
					  NULL, id);
	/* the email and phone checked again now that the accounts counter is held */
	if (!rc && *f->email_norm && (rc = account_name_taken(db, f->email_norm, *id)) == 1) {
		field_error(f->errors, "email", N_("This email address is already used by another account."));
		rc = DB_CONSTRAINT;
	}
	if (!rc && *f->phone_norm && (rc = account_name_taken(db, f->phone_norm, *id)) == 1) {
		field_error(f->errors, "phone", N_("This phone number is already used by another account."));
		rc = DB_CONSTRAINT;
	}
	if (!rc && (*f->email_norm || *f->phone_norm)) {
		const struct staff_details d = { f->name, f->position_norm, f->email_norm, f->phone_norm,
						 f->unit_id };
		rc = account_update_staff(db, *id, &d);
	}
	if (!rc) {
		detail = json_pack("{s:s,s:I}", "username", f->username, "unit_id", (json_int_t)f->unit_id);
		if (*f->role)
			json_object_set_new(detail, "role", json_string(f->role));
		rc = req_audit_json(req, db, "account.create", account_object(req, *id), detail);
	}
	if (!rc && *f->role) {
		/*
		 * an administrator's role reaches the units below, as the CLI grants
		 * it, when the one who makes him holds them all himself
		 */
		int reaches = !strcmp(f->role, "admin") &&
			      req_can_subtree(req, "role.grant", f->unit_id) == 1;
		rc = grant_add(db, *id, f->role, f->unit_id, reaches, by, now, &grant);
		if (!rc)
			rc = req_audit_json(req, db, "role.grant",
					    arena_printf(&req->arena, "grant:%lld", (long long)grant),
					    json_pack("{s:I,s:s,s:I,s:b}", "account_id", (json_int_t)*id,
						      "role", f->role, "unit_id", (json_int_t)f->unit_id,
						      "reaches_descendants", reaches));
	}
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		if (rc == DB_CONSTRAINT) {
			if (!json_object_size(f->errors))
				field_error(f->errors, "username", N_("This user name is already taken."));
			return 409;
		}
		log_error("event=db msg=\"account create failed\" id=%s", req->id);
		return 503;
	}
	log_info("event=account_create account=%lld id=%s", (long long)*id, req->id);
	return 201;
}

/*
 * Apply the checked fields of f->set to `t` (user.manage at its unit, and at
 * the new one for a move, already checked) with the audit entries, in one
 * transaction. Returns the HTTP status: 200, 409 (the email or phone was
 * taken by another account a moment ago), 503.
 */
static int user_apply(struct request *req, struct db *db, const struct account *t, const struct user_form *f)
{
	struct staff_details d = { t->full_name, t->position, t->email, t->phone, t->unit_id };
	json_t *changed = json_array(), *detail = json_object();
	int64_t now = req_now(req), id;
	int rc;

	if ((f->set & UF_FULL_NAME) && strcmp(f->name, t->full_name)) {
		d.full_name = f->name;
		json_array_append_new(changed, json_string("full_name"));
	}
	if ((f->set & UF_POSITION) && strcmp(f->position_norm, t->position)) {
		d.position = f->position_norm;
		json_array_append_new(changed, json_string("position"));
	}
	if ((f->set & UF_EMAIL) && strcmp(f->email_norm, t->email)) {
		d.email = f->email_norm;
		json_array_append_new(changed, json_string("email"));
	}
	if ((f->set & UF_PHONE) && strcmp(f->phone_norm, t->phone)) {
		d.phone = f->phone_norm;
		json_array_append_new(changed, json_string("phone"));
	}
	if ((f->set & UF_UNIT) && f->unit_id != t->unit_id) {
		d.unit_id = f->unit_id;
		json_array_append_new(changed, json_string("unit_id"));
		json_object_set_new(detail, "unit_from", json_integer(t->unit_id));
		json_object_set_new(detail, "unit_to", json_integer(f->unit_id));
	}
	if ((f->set & UF_ACTIVE) && !f->active != !t->active) {
		json_array_append_new(changed, json_string("active"));
		json_object_set_new(detail, "active", json_boolean(f->active));
	}
	if (!json_array_size(changed) && !(f->set & UF_PASSWORD)) {
		json_decref(changed);
		json_decref(detail);
		return 200;
	}
	json_object_set_new(detail, "changed", changed);
	rc = db_begin(db);
	if (!rc)
		rc = account_update_staff(db, t->id, &d);
	/* deactivating ends every session of the account */
	if (!rc && (f->set & UF_ACTIVE) && !f->active != !t->active)
		rc = f->active ? account_enable(db, t->id) : account_disable(db, t->username, now, &id);
	/* the roles of the unit he left, and the delegations that no longer stand */
	if (!rc && d.unit_id != t->unit_id)
		rc = revoke_left_behind(req, db, t->id, t->unit_id, d.unit_id);
	if (!rc && (d.unit_id != t->unit_id || ((f->set & UF_ACTIVE) && !f->active && t->active)))
		rc = revoke_lapsed(req, db, t->id,
				   d.unit_id != t->unit_id ? _("The official moved to another unit.")
							   : _("The account was deactivated."));
	if (!rc && json_array_size(changed))
		rc = req_audit_json(req, db, "account.update", account_object(req, t->id),
				    json_incref(detail));
	if (!rc && (f->set & UF_PASSWORD)) {
		rc = account_set_password_id(db, t->id, f->password, now);
		if (!rc)
			rc = req_audit_json(req, db, "account.password_reset", account_object(req, t->id),
					    json_object());
	}
	if (!rc)
		rc = db_commit(db);
	json_decref(detail);
	if (rc) {
		db_rollback(db);
		if (rc == DB_CONSTRAINT)
			return 409;
		log_error("event=db msg=\"account update failed\" id=%s", req->id);
		return 503;
	}
	log_info("event=account_update account=%lld id=%s", (long long)t->id, req->id);
	return 200;
}

/*
 * The permission checks of a checked form beyond the target's own unit:
 * a new account's unit (user.manage) and role (role.grant), a move's new
 * unit (user.manage). 0 when allowed; 1 when answered (403, 503).
 */
static int user_form_allowed(struct request *req, const struct user_form *f, const struct account *target)
{
	if ((f->set & UF_UNIT) && f->unit_id && (!target || f->unit_id != target->unit_id) &&
	    req_require(req, "user.manage", f->unit_id, 0))
		return 1;
	if ((f->set & UF_ROLE) && f->unit_id && *f->role && account_role_valid(f->role) &&
	    req_require(req, "role.grant", f->unit_id, 0))
		return 1;
	return 0;
}

/* ---- granting and revoking roles, shared by the pages and the API ---- */

/*
 * Grant `role` at `unit` to `t` (user.manage at his unit already checked).
 * Returns the HTTP status: 201 with *gid; 403 (answered); 409 with *msg
 * (already held); 422 with errors (role, unit_id) set; 503.
 */
static int grant_do(struct request *req, struct db *db, const struct account *t, const char *role,
		    const char *unit, int reaches, json_t *errors, int64_t *gid, const char **msg)
{
	const struct unit_tree *tree = req_units(req);
	int64_t unit_id = 0;
	long i = -1;
	int rc;

	if (!tree)
		return 503;
	if ((unit_id = input_id(unit)))
		i = unit_tree_find(tree, unit_id);
	if (!*role)
		field_error(errors, "role", N_("Choose a role."));
	else if (!account_role_valid(role))
		field_error(errors, "role", N_("Choose a role from the list."));
	if (!*unit)
		field_error(errors, "unit_id", N_("Choose a unit."));
	else if (i < 0)
		field_error(errors, "unit_id", N_("Choose a unit from the list."));
	else if (!tree->active[i])
		field_error(errors, "unit_id", N_("This unit is no longer active."));
	/* a unit outside one's reach is refused whatever else is wrong */
	if (i >= 0 && req_require(req, "role.grant", unit_id, 0))
		return 403;
	/* no one grants himself a role: another administrator does */
	if (t->id == req_user(req)->id) {
		resp_error(req, 403, "forbidden",
			   _("You cannot grant yourself a role: another administrator must do it."));
		return 403;
	}
	/* a grant reaching the units below passes on only what the granter holds there */
	if (i >= 0 && reaches) {
		int whole = req_can_subtree(req, "role.grant", unit_id);
		if (whole < 0)
			return 503;
		if (!whole) {
			resp_error(req, 403, "forbidden",
				   _("You do not hold every unit under this one: grant the role at this unit "
				     "only."));
			return 403;
		}
	}
	if (json_object_size(errors))
		return 422;
	rc = db_begin(db);
	if (!rc) {
		rc = grant_add(db, t->id, role, unit_id, reaches, req_actor_name(req), req_now(req), gid);
		if (rc == 1) {
			db_rollback(db);
			*msg = _("The user already holds this role at this unit.");
			return 409;
		}
	}
	if (!rc)
		rc = req_audit_json(
			req, db, "role.grant", arena_printf(&req->arena, "grant:%lld", (long long)*gid),
			json_pack("{s:I,s:s,s:I,s:b}", "account_id", (json_int_t)t->id, "role", role,
				  "unit_id", (json_int_t)unit_id, "reaches_descendants", reaches));
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		log_error("event=db msg=\"grant failed\" id=%s", req->id);
		return 503;
	}
	log_info("event=role_grant grant=%lld id=%s", (long long)*gid, req->id);
	return 201;
}

/*
 * Revoke the grant `gid` (role.grant at its unit). Returns the HTTP status:
 * 200 with *g (as it was before); 403 (answered); 404 (answered); 409 with
 * *msg: revoked already, or one's own administrator role; 503.
 */
static int revoke_do(struct request *req, struct db *db, int64_t gid, struct role_grant *g, const char **msg)
{
	const struct account *me = req_user(req);
	int rc;

	if (req_staff_only(req))
		return 403;
	rc = gid ? grant_load(db, gid, g) : 1;
	if (rc < 0)
		return 503;
	if (rc) {
		resp_error(req, 404, "not_found", _("There is no such role grant."));
		return 404;
	}
	if (req_require(req, "role.grant", g->unit_id, 0))
		return 403;
	if (g->revoked_at) {
		*msg = _("This role has already been revoked.");
		return 409;
	}
	if (g->account_id == me->id && !strcmp(g->role, "admin")) {
		/* no administrator locks himself out: another one must do it */
		*msg = _("You cannot revoke your own administrator role: another administrator must do it.");
		return 409;
	}
	rc = db_begin(db);
	if (!rc)
		rc = grant_revoke(db, gid, req_actor_name(req), req_now(req));
	if (rc == 1) {
		db_rollback(db);
		g->revoked_at = req_now(req); /* by someone else a moment ago */
		*msg = _("This role has already been revoked.");
		return 409;
	}
	if (!rc)
		rc = req_audit_json(req, db, "role.revoke",
				    arena_printf(&req->arena, "grant:%lld", (long long)gid),
				    json_pack("{s:I,s:s,s:I}", "account_id", (json_int_t)g->account_id,
					      "role", g->role, "unit_id", (json_int_t)g->unit_id));
	/* his delegations of the power he lost end with it */
	if (!rc)
		rc = revoke_lapsed(req, db, g->account_id, _("The delegator no longer holds the power."));
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		log_error("event=db msg=\"revoke failed\" id=%s", req->id);
		return 503;
	}
	log_info("event=role_revoke grant=%lld id=%s", (long long)gid, req->id);
	return 200;
}

/* ---- the user list: filters and paging, shared by the page and the API ---- */

struct list_query {
	int64_t unit; /* 0: every unit in scope */
	const char *q;
	int active; /* -1 either */
	size_t page, per_page;
};

/*
 * Read ?unit= ?q= ?active= ?page= (and ?per_page= for the API). 0, or 1 when
 * answered: 400 for a value that is not one, 403 for a unit outside the
 * scope.
 */
static int list_query_read(struct request *req, const int64_t *scope, size_t n, int api,
			   struct list_query *lq)
{
	const char *unit = req_query(req, "unit"), *q = req_query(req, "q"),
		   *active = req_query(req, "active");
	const char *page = req_query(req, "page"), *per_page = req_query(req, "per_page");
	int64_t v;

	memset(lq, 0, sizeof(*lq));
	lq->active = -1;
	lq->page = 1;
	lq->per_page = USERS_PER_PAGE;
	if (unit && *unit) {
		if (!(lq->unit = input_id(unit))) {
			resp_error(req, 400, "bad_unit", _("The unit must be a unit number."));
			return 1;
		}
		if (!ids_contain(scope, n, lq->unit)) {
			forbidden(req);
			return 1;
		}
	}
	lq->q = input_trim(req, q);
	if (strlen(lq->q) > SEARCH_MAX) {
		resp_error(req, 400, "bad_query", _("The search text is too long."));
		return 1;
	}
	if (active && *active) {
		if (strcmp(active, "0") && strcmp(active, "1")) {
			resp_error(req, 400, "bad_active", _("The active filter must be 0 or 1."));
			return 1;
		}
		lq->active = active[0] - '0';
	}
	if (page && *page) {
		if (!(v = input_id(page)) || v > 1000000) {
			resp_error(req, 400, "bad_page", _("The page must be a positive number."));
			return 1;
		}
		lq->page = (size_t)v;
	}
	if (api && per_page && *per_page) {
		if (!(v = input_id(per_page)) || v > API_PER_PAGE_MAX) {
			resp_error(req, 400, "bad_per_page", _("per_page must be a number from 1 to 100."));
			return 1;
		}
		lq->per_page = (size_t)v;
	}
	return 0;
}

static int list_run(struct request *req, struct db *db, const int64_t *scope, size_t n,
		    const struct list_query *lq, struct staff_row **rows, size_t *nrows, size_t *total)
{
	struct staff_filter f = { 0 };
	f.units = scope;
	f.nunits = n;
	f.within = lq->unit;
	f.tree = req_units(req);
	f.q = lq->q;
	f.active = lq->active;
	f.offset = (lq->page - 1) * lq->per_page;
	f.limit = lq->per_page;
	if (!f.tree)
		return DB_ERROR;
	return account_staff_list(db, &req->arena, &f, rows, nrows, total);
}

/* The roles in force of an account as "Lãnh đạo, Chuyên viên" (page) or as names (API, into `names`). */
static int roles_in_force(struct request *req, struct db *db, int64_t id, const char **label, json_t *names)
{
	struct grant_row *g;
	size_t n;
	struct buf b = BUF_INIT;
	int rc = account_grants(db, &req->arena, id, &g, &n);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		const char *l;
		if (g[i].g.revoked_at)
			continue;
		l = role_label(g[i].g.role);
		if (names) {
			json_array_append_new(names, json_string(g[i].g.role));
		} else if (!strstr(b.ptr, l)) {
			buf_addf(&b, "%s%s", b.len ? ", " : "", l);
		}
	}
	if (label)
		*label = arena_strdup(&req->arena, b.ptr);
	buf_release(&b);
	return 0;
}

/* ---- GET /quan-tri/nguoi-dung ---- */

static const char *list_href(struct request *req, const struct list_query *lq, size_t page)
{
	struct buf b = BUF_INIT;
	const char *out;
	buf_adds(&b, USERS_PATH "?");
	if (lq->unit)
		buf_addf(&b, "unit=%lld&", (long long)lq->unit);
	if (*lq->q)
		buf_addf(&b, "q=%s&", input_url_encode(req, lq->q));
	if (lq->active >= 0)
		buf_addf(&b, "active=%d&", lq->active);
	buf_addf(&b, "page=%zu", page);
	out = arena_strdup(&req->arena, b.ptr);
	buf_release(&b);
	return out;
}

int page_users(struct request *req)
{
	struct db *db = db_thread();
	int64_t *scope, *manage;
	size_t n, nmanage, nrows, total, pages;
	struct unit_names units;
	struct staff_row *rows;
	struct list_query lq;
	json_t *ctx, *list, *actives;

	if (req_staff_only(req))
		return 0;
	if (req_scope(req, "user.read", &scope, &n) || req_scope(req, "user.manage", &manage, &nmanage))
		return 0;
	if (!n) {
		forbidden(req);
		return 0;
	}
	if (list_query_read(req, scope, n, 0, &lq))
		return 0;
	if (!db || unit_names_load(req, db, &units) ||
	    list_run(req, db, scope, n, &lq, &rows, &nrows, &total)) {
		resp_unavailable(req);
		return 0;
	}
	pages = total ? (total + USERS_PER_PAGE - 1) / USERS_PER_PAGE : 1;
	if (lq.page > pages) {
		lq.page = pages;
		if (list_run(req, db, scope, n, &lq, &rows, &nrows, &total)) {
			resp_unavailable(req);
			return 0;
		}
	}
	list = json_array();
	for (size_t i = 0; i < nrows; i++) {
		const char *roles = "";
		json_t *o;
		if (roles_in_force(req, db, rows[i].id, &roles, NULL)) {
			json_decref(list);
			resp_unavailable(req);
			return 0;
		}
		o = json_pack("{s:s,s:s,s:s,s:s,s:b}", "href",
			      arena_printf(&req->arena, USERS_PATH "/%lld", (long long)rows[i].id),
			      "username", rows[i].username, "full_name", rows[i].full_name, "unit",
			      rows[i].unit_name, "active", rows[i].active);
		set_opt(o, "position", rows[i].position);
		set_opt(o, "roles", roles);
		json_array_append_new(list, o);
	}
	ctx = page_context(req, _("Users"));
	json_object_set_new(ctx, "users", list);
	json_object_set_new(ctx, "has_users", json_boolean(nrows > 0));
	json_object_set_new(ctx, "total", json_integer((json_int_t)total));
	json_object_set_new(ctx, "page", json_integer((json_int_t)lq.page));
	json_object_set_new(ctx, "pages", json_integer((json_int_t)pages));
	if (lq.page > 1)
		json_object_set_new(ctx, "prev", json_string(list_href(req, &lq, lq.page - 1)));
	if (lq.page < pages)
		json_object_set_new(ctx, "next", json_string(list_href(req, &lq, lq.page + 1)));
	json_object_set_new(ctx, "units", unit_options(&units, scope, n, lq.unit, lq.unit));
	json_object_set_new(ctx, "q", json_string(lq.q));
	actives =
		json_pack("{s:b,s:b,s:b}", "any", lq.active < 0, "yes", lq.active == 1, "no", lq.active == 0);
	json_object_set_new(ctx, "active", actives);
	json_object_set_new(ctx, "can_manage", json_boolean(nmanage > 0));
	resp_header(req, "Cache-Control", "no-store");
	page_render(req, 200, "users", ctx);
	return 0;
}

/* ---- GET /quan-tri/nguoi-dung/them, POST /quan-tri/nguoi-dung ---- */

static void render_new(struct request *req, int status, const struct unit_names *units, const int64_t *scope,
		       size_t n, const struct user_form *f)
{
	json_t *ctx = page_context(req, _("Add a user"));
	json_t *form = json_pack("{s:s,s:s,s:s,s:s,s:s}", "csrf", req_csrf(req), "username",
				 f ? f->username : "", "full_name", f ? f->full_name : "", "position",
				 f ? f->position : "", "email", f ? f->email : "");
	json_object_set_new(form, "phone", json_string(f ? f->phone : ""));
	json_object_set_new(form, "units", unit_options(units, scope, n, f ? f->unit_id : 0, 0));
	json_object_set_new(form, "roles", role_options(f ? f->role : NULL));
	json_object_set_new(ctx, "form", form);
	if (f && f->errors && json_object_size(f->errors)) {
		json_object_set(ctx, "errors", f->errors);
		json_object_set_new(ctx, "error", json_string(_("Please correct the fields marked below.")));
	}
	resp_header(req, "Cache-Control", "no-store");
	page_render(req, status, "user_form", ctx);
}

int page_user_new(struct request *req)
{
	struct db *db = db_thread();
	struct unit_names units;
	int64_t *scope;
	size_t n;

	if (req_staff_only(req) || req_scope(req, "user.manage", &scope, &n))
		return 0;
	if (!n) {
		forbidden(req);
		return 0;
	}
	if (!db || unit_names_load(req, db, &units)) {
		resp_unavailable(req);
		return 0;
	}
	render_new(req, 200, &units, scope, n, NULL);
	return 0;
}

int page_user_create(struct request *req)
{
	struct db *db = db_thread();
	const struct unit_tree *tree;
	struct unit_names units;
	struct user_form f;
	int64_t *scope, id = 0;
	size_t n;
	int rc, status;

	if (req_staff_only(req) || req_scope(req, "user.manage", &scope, &n))
		return 0;
	if (!n) {
		forbidden(req);
		return 0;
	}
	if (!db || !(tree = req_units(req)) || unit_names_load(req, db, &units)) {
		resp_unavailable(req);
		return 0;
	}
	memset(&f, 0, sizeof(f));
	f.set = UF_USERNAME | UF_FULL_NAME | UF_POSITION | UF_EMAIL | UF_PHONE | UF_UNIT | UF_PASSWORD |
		UF_ROLE;
	f.username = input_trim(req, req_form(req, "username"));
	f.full_name = input_trim(req, req_form(req, "full_name"));
	f.position = input_trim(req, req_form(req, "position"));
	f.email = input_trim(req, req_form(req, "email"));
	f.phone = input_trim(req, req_form(req, "phone"));
	f.unit = input_trim(req, req_form(req, "unit_id"));
	f.role = input_trim(req, req_form(req, "role"));
	f.password = req_form(req, "password") ? req_form(req, "password") : "";
	rc = user_check(req, db, &f, NULL, tree);
	if (rc < 0) {
		json_decref(f.errors);
		resp_unavailable(req);
		return 0;
	}
	if (user_form_allowed(req, &f, NULL)) {
		json_decref(f.errors);
		return 0;
	}
	if (rc) {
		render_new(req, 422, &units, scope, n, &f);
		json_decref(f.errors);
		return 0;
	}
	status = user_create(req, db, &f, &id);
	if (status == 409) {
		render_new(req, 422, &units, scope, n, &f);
	} else if (status != 201) {
		resp_unavailable(req);
	} else {
		resp_redirect(req, arena_printf(&req->arena, USERS_PATH "/%lld?msg=created", (long long)id));
	}
	json_decref(f.errors);
	return 0;
}

/* ---- GET /quan-tri/nguoi-dung/{id} and the forms on it ---- */

/* What the edit page shows besides the account: values typed, errors, a message. */
struct edit_view {
	const struct user_form *details; /* typed into the details form, with its errors; NULL: the account's
					  */
	json_t *reset_errors;		 /* of the password reset form */
	json_t *grant_errors;		 /* of the grant form */
	const char *grant_role, *grant_unit;
	int grant_reaches;
	const char *notice; /* something done */
	const char *error;  /* something refused, at the top */
};

/* The confirmations a redirect back to the edit page asks for (?msg=). */
static const char *edit_notice(const char *msg)
{
	static const struct {
		const char *key, *text;
	} notices[] = {
		{ "created", N_("The account was created.") },
		{ "saved", N_("The changes were saved.") },
		{ "password", N_("The password was reset. The user's sessions were ended.") },
		{ "granted", N_("The role was granted. It takes effect on the user's next request.") },
		{ "revoked", N_("The role was revoked. It takes effect on the user's next request.") },
	};
	for (size_t i = 0; msg && i < sizeof(notices) / sizeof(notices[0]); i++)
		if (!strcmp(msg, notices[i].key))
			return _(notices[i].text);
	return NULL;
}

static void render_edit(struct request *req, struct db *db, const struct account *t, int status,
			const struct edit_view *v)
{
	const struct account *me = req_user(req);
	const struct user_form *d = v->details;
	int64_t *manage, *grantable, grant_unit = 0;
	size_t nmanage, ngrantable, ngrants;
	struct unit_names units;
	struct grant_row *grants;
	int can_manage, can_grant;
	json_t *ctx, *user, *form, *in_force, *history;

	if (req_scope(req, "user.manage", &manage, &nmanage) ||
	    req_scope(req, "role.grant", &grantable, &ngrantable))
		return;
	if (unit_names_load(req, db, &units) || account_grants(db, &req->arena, t->id, &grants, &ngrants)) {
		resp_unavailable(req);
		return;
	}
	can_manage = ids_contain(manage, nmanage, t->unit_id);
	can_grant = can_manage && ngrantable > 0;

	user = json_pack("{s:I,s:s,s:s,s:s,s:b,s:b}", "id", (json_int_t)t->id, "username", t->username,
			 "full_name", t->full_name, "unit", t->unit_name, "active", t->active, "is_self",
			 me->id == t->id);
	set_opt(user, "position", t->position);
	set_opt(user, "email", t->email);
	set_opt(user, "phone", t->phone);

	form = json_pack("{s:s,s:s,s:s,s:s}", "full_name", d ? d->full_name : t->full_name, "position",
			 d ? d->position : t->position, "email", d ? d->email : t->email, "phone",
			 d ? d->phone : t->phone);
	json_object_set_new(form, "units",
			    unit_options(&units, manage, nmanage, d && d->unit_id ? d->unit_id : t->unit_id,
					 t->unit_id));

	in_force = json_array();
	history = json_array();
	for (size_t i = 0; i < ngrants; i++) {
		const struct role_grant *g = &grants[i].g;
		json_t *o = json_pack("{s:I,s:s,s:s,s:b,s:s,s:s}", "id", (json_int_t)g->id, "role",
				      role_label(g->role), "unit", grants[i].unit_name, "descendants",
				      g->reaches_descendants, "granted_by",
				      actor_label(req, db, g->granted_by), "granted_at",
				      g->granted_at ? when(req, g->granted_at) : "");
		if (g->revoked_at) {
			json_object_set_new(o, "revoked_by",
					    json_string(actor_label(req, db, g->revoked_by)));
			json_object_set_new(o, "revoked_at", json_string(when(req, g->revoked_at)));
			json_array_append_new(history, o);
			continue;
		}
		if (g->account_id == me->id && !strcmp(g->role, "admin"))
			json_object_set_new(o, "own_admin", json_true());
		else if (ids_contain(grantable, ngrantable, g->unit_id))
			json_object_set_new(o, "can_revoke", json_true());
		json_array_append_new(in_force, o);
	}

	ctx = page_context(req, t->full_name);
	json_object_set_new(ctx, "user", user);
	json_object_set_new(ctx, "form", form);
	json_object_set_new(ctx, "csrf", json_string(req_csrf(req)));
	json_object_set_new(ctx, "can_manage", json_boolean(can_manage));
	json_object_set_new(ctx, "can_grant", json_boolean(can_grant));
	json_object_set_new(ctx, "has_grants", json_boolean(json_array_size(in_force) > 0));
	json_object_set_new(ctx, "grants", in_force);
	json_object_set_new(ctx, "has_history", json_boolean(json_array_size(history) > 0));
	json_object_set_new(ctx, "history", history);
	if (can_grant) {
		grant_unit = input_id(v->grant_unit);
		json_object_set_new(ctx, "grant",
				    json_pack("{s:o,s:o,s:b}", "roles", role_options(v->grant_role), "units",
					      unit_options(&units, grantable, ngrantable, grant_unit, 0),
					      "reaches", v->grant_reaches));
	}
	if (d && d->errors && json_object_size(d->errors))
		json_object_set(ctx, "errors", d->errors);
	if (v->reset_errors && json_object_size(v->reset_errors))
		json_object_set(ctx, "reset_errors", v->reset_errors);
	if (v->grant_errors && json_object_size(v->grant_errors))
		json_object_set(ctx, "grant_errors", v->grant_errors);
	if (v->notice)
		json_object_set_new(ctx, "notice", json_string(v->notice));
	if (v->error)
		json_object_set_new(ctx, "error", json_string(v->error));
	else if ((d && d->errors && json_object_size(d->errors)) ||
		 (v->reset_errors && json_object_size(v->reset_errors)) ||
		 (v->grant_errors && json_object_size(v->grant_errors)))
		json_object_set_new(ctx, "error", json_string(_("Please correct the fields marked below.")));
	/* the account's API tokens and the form to make one (pages_tokens.c) */
	if (tokens_page_context(req, db, t, ctx)) {
		json_decref(ctx);
		return;
	}
	resp_header(req, "Cache-Control", "no-store");
	page_render(req, status, "user_edit", ctx);
}

int page_user_edit(struct request *req)
{
	struct db *db = db_thread();
	struct edit_view v = { 0 };
	struct account t;

	if (staff_target_load(req, db, req_param_id(req), "user.read", &t))
		return 0;
	v.notice = edit_notice(req_query(req, "msg"));
	render_edit(req, db, &t, 200, &v);
	return 0;
}

static const char *user_href(struct request *req, int64_t id, const char *msg)
{
	return arena_printf(&req->arena, USERS_PATH "/%lld?msg=%s", (long long)id, msg);
}

int page_user_update(struct request *req)
{
	/* the details form sends these; the activate/deactivate button sends "active" alone */
	static const struct {
		const char *name;
		unsigned bit;
	} fields[] = {
		{ "full_name", UF_FULL_NAME }, { "position", UF_POSITION }, { "email", UF_EMAIL },
		{ "phone", UF_PHONE },	       { "unit_id", UF_UNIT },
	};
	struct db *db = db_thread();
	const struct unit_tree *tree;
	struct user_form f;
	struct account t;
	int rc, status;

	if (staff_target_load(req, db, req_param_id(req), "user.manage", &t))
		return 0;
	if (!(tree = req_units(req)))
		return 0;
	memset(&f, 0, sizeof(f));
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (req_form(req, fields[i].name))
			f.set |= fields[i].bit;
	f.full_name = input_trim(req, req_form(req, "full_name"));
	f.position = input_trim(req, req_form(req, "position"));
	f.email = input_trim(req, req_form(req, "email"));
	f.phone = input_trim(req, req_form(req, "phone"));
	f.unit = input_trim(req, req_form(req, "unit_id"));
	if (req_form(req, "active")) {
		const char *a = req_form(req, "active");
		if (strcmp(a, "0") && strcmp(a, "1")) {
			resp_error(req, 400, "bad_request", _("The active field must be 0 or 1."));
			return 0;
		}
		f.set |= UF_ACTIVE;
		f.active = a[0] == '1';
	}
	rc = user_check(req, db, &f, &t, tree);
	if (rc < 0) {
		json_decref(f.errors);
		resp_unavailable(req);
		return 0;
	}
	if (user_form_allowed(req, &f, &t)) {
		json_decref(f.errors);
		return 0;
	}
	if (rc) {
		struct edit_view v = { 0 };
		if (f.set & ~UF_ACTIVE) {
			v.details = &f;
		} else {
			v.error = json_string_value(json_object_get(f.errors, "active"));
		}
		render_edit(req, db, &t, 422, &v);
		json_decref(f.errors);
		return 0;
	}
	json_decref(f.errors);
	f.errors = NULL;
	status = user_apply(req, db, &t, &f);
	if (status == 409) {
		struct edit_view v = { 0 };
		v.details = &f;
		v.error = msg_contact_taken();
		render_edit(req, db, &t, 409, &v);
		return 0;
	}
	if (status != 200) {
		resp_unavailable(req);
		return 0;
	}
	resp_redirect(req, user_href(req, t.id, "saved"));
	return 0;
}

int page_user_reset_password(struct request *req)
{
	struct db *db = db_thread();
	const struct unit_tree *tree;
	struct user_form f;
	struct account t;
	int rc;

	if (staff_target_load(req, db, req_param_id(req), "user.manage", &t))
		return 0;
	if (!(tree = req_units(req)))
		return 0;
	memset(&f, 0, sizeof(f));
	f.set = UF_PASSWORD;
	f.password = req_form(req, "password") ? req_form(req, "password") : "";
	rc = user_check(req, db, &f, &t, tree);
	if (rc < 0) {
		json_decref(f.errors);
		resp_unavailable(req);
		return 0;
	}
	if (rc) {
		struct edit_view v = { 0 };
		v.reset_errors = f.errors;
		render_edit(req, db, &t, 422, &v);
		json_decref(f.errors);
		return 0;
	}
	json_decref(f.errors);
	if (user_apply(req, db, &t, &f) != 200) {
		resp_unavailable(req);
		return 0;
	}
	resp_redirect(req, user_href(req, t.id, "password"));
	return 0;
}

int page_role_grant(struct request *req)
{
	struct db *db = db_thread();
	struct edit_view v = { 0 };
	const char *msg = NULL;
	struct account t;
	int64_t gid = 0;
	int status;

	if (staff_target_load(req, db, req_param_id(req), "user.manage", &t))
		return 0;
	v.grant_role = input_trim(req, req_form(req, "role"));
	v.grant_unit = input_trim(req, req_form(req, "unit_id"));
	v.grant_reaches = req_form(req, "reaches_descendants") != NULL;
	v.grant_errors = json_object();
	status = grant_do(req, db, &t, v.grant_role, v.grant_unit, v.grant_reaches, v.grant_errors, &gid,
			  &msg);
	if (status == 201) {
		resp_redirect(req, user_href(req, t.id, "granted"));
	} else if (status == 409 || status == 422) {
		v.error = msg;
		render_edit(req, db, &t, status, &v);
	} else if (status == 503) {
		resp_unavailable(req);
	}
	json_decref(v.grant_errors);
	return 0;
}

int page_role_revoke(struct request *req)
{
	struct db *db = db_thread();
	const char *msg = NULL;
	struct role_grant g;
	struct account t;
	int status, rc, readable = 0;

	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	status = revoke_do(req, db, req_param_id(req), &g, &msg);
	if (status == 503)
		resp_unavailable(req);
	if (status != 200 && status != 409)
		return 0;
	/* back to the holder's page when one may read it, else to the list */
	rc = account_load(db, g.account_id, &t);
	if (rc < 0 || (readable = !rc ? req_can(req, "user.read", t.unit_id, 0, NULL) : 0) < 0) {
		resp_unavailable(req);
		return 0;
	}
	if (status == 409 && readable) {
		struct edit_view v = { 0 };
		v.error = msg;
		render_edit(req, db, &t, 409, &v);
	} else if (status == 409) {
		resp_error(req, 409, "conflict", msg);
	} else {
		resp_redirect(req, readable ? user_href(req, t.id, "revoked") : USERS_PATH);
	}
	return 0;
}

/* ---- /tai-khoan/mat-khau: one's own password ---- */

static void render_password(struct request *req, int status, json_t *errors, const char *error, int done)
{
	json_t *ctx = page_context(req, _("Change password"));
	json_object_set_new(ctx, "csrf", json_string(req_csrf(req)));
	if (errors && json_object_size(errors))
		json_object_set(ctx, "errors", errors);
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	if (done)
		json_object_set_new(ctx, "done", json_true());
	json_object_set_new(ctx, "home", json_string(account_home(req_user(req))));
	resp_header(req, "Cache-Control", "no-store");
	page_render(req, status, "password", ctx);
}

int page_password_form(struct request *req)
{
	const char *done = req_query(req, "xong");
	render_password(req, 200, NULL, NULL, done && !strcmp(done, "1"));
	return 0;
}

/*
 * Check a new password for `u` against every name he logs in with (user
 * name, email, phone, citizen ID number); the reason into *why.
 */
static int new_password_check(const struct account *u, const char *password, const char **why)
{
	const char *names[] = { u->username, u->email, u->phone, u->citizen_id };
	int any = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!*names[i])
			continue;
		any = 1;
		if (password_check(password, names[i], why))
			return -1;
	}
	return any ? 0 : password_check(password, NULL, why);
}

int page_password_post(struct request *req)
{
	const struct account *u = req_user(req);
	const char *current = req_form(req, "current_password"), *next = req_form(req, "new_password");
	const char *repeat = req_form(req, "new_password_repeat"), *why = NULL;
	struct db *db = db_thread();
	int64_t now = req_now(req);
	char tkey[48], pkey[48], attempt[LOGIN_ATTEMPT_LEN + 1];
	json_t *errors;
	int rc, current_ok = 0;

	if (!current)
		current = "";
	if (!next)
		next = "";
	if (!repeat)
		repeat = "";
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	/*
	 * a wrong current password counts as a failed login of the account,
	 * counted before it is checked (attempts sent at once wait like the
	 * others); under an address key of its own, so that a clerk's typing
	 * does not block logins from the whole office's address
	 */
	snprintf(tkey, sizeof(tkey), "#account:%lld", (long long)u->id);
	snprintf(pkey, sizeof(pkey), "#password:%lld", (long long)u->id);
	errors = json_object();
	if (!*current) {
		field_error(errors, "current_password", N_("Enter your current password."));
	} else {
		rc = login_attempt_begin(db, tkey, pkey, now, attempt);
		if (rc < 0) {
			json_decref(errors);
			resp_unavailable(req);
			return 0;
		}
		if (rc) {
			char wait[16];
			snprintf(wait, sizeof(wait), "%d", LOGIN_WINDOW);
			resp_header(req, "Retry-After", wait);
			json_decref(errors);
			render_password(req, 429, NULL,
					_("Too many failed attempts. Please wait 15 minutes and try again."),
					0);
			return 0;
		}
		rc = strlen(current) > PASSWORD_MAX_BYTES ? 1 : account_check_password(db, u->id, current);
		if (rc < 0) {
			json_decref(errors);
			resp_unavailable(req);
			return 0;
		}
		if (rc == 1)
			field_error(errors, "current_password", N_("The current password is not correct."));
		/* the failure is recorded; a right password takes its attempt back */
		current_ok = !json_object_get(errors, "current_password");
		rc = db_begin(db);
		if (!rc && current_ok)
			rc = login_attempt_succeeded(db, attempt, tkey, now);
		else if (!rc)
			rc = req_audit(req, db, NULL, "account.password_change_failed",
				       account_object(req, u->id), "{}");
		if (!rc)
			rc = db_commit(db);
		if (rc) {
			db_rollback(db);
			json_decref(errors);
			resp_unavailable(req);
			return 0;
		}
		if (!current_ok)
			log_info("event=password_change_failed id=%s", req->id);
	}
	if (!*next)
		field_error(errors, "new_password", N_("Enter a new password."));
	else if (new_password_check(u, next, &why))
		field_error(errors, "new_password", why);
	else if (!strcmp(next, current))
		field_error(errors, "new_password", N_("The new password must differ from the current one."));
	if (!*repeat)
		field_error(errors, "new_password_repeat", N_("Enter the new password again."));
	else if (strcmp(next, repeat))
		field_error(errors, "new_password_repeat", N_("The two passwords do not match."));
	if (json_object_size(errors)) {
		render_password(req, 422, errors, _("Please correct the fields marked below."), 0);
		json_decref(errors);
		return 0;
	}
	json_decref(errors);
	/* every session of the account ends; this browser gets a new one */
	rc = db_begin(db);
	if (!rc)
		rc = account_set_password_id(db, u->id, next, now);
	if (!rc)
		rc = start_session(req, db, u->id, NULL);
	if (!rc)
		rc = req_audit(req, db, NULL, "account.password_change", account_object(req, u->id), "{}");
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		log_error("event=db msg=\"password change failed\" id=%s", req->id);
		resp_unavailable(req);
		return 0;
	}
	log_info("event=password_change account=%lld id=%s", (long long)u->id, req->id);
	resp_redirect(req, PASSWORD_PATH "?xong=1");
	return 0;
}

/* ---- the API ---- */

/*
 * Read the JSON object's fields into f (those allowed by `allow`, enum
 * user_field): strings, unit_id a number, active a boolean; email and phone
 * may be null (none). 0, or 1 when answered 400.
 */
static int user_form_json(struct request *req, unsigned allow, struct user_form *f)
{
	static const struct {
		const char *key;
		unsigned bit;
	} keys[] = {
		{ "username", UF_USERNAME }, { "full_name", UF_FULL_NAME }, { "position", UF_POSITION },
		{ "email", UF_EMAIL },	     { "phone", UF_PHONE },	    { "unit_id", UF_UNIT },
		{ "active", UF_ACTIVE },     { "password", UF_PASSWORD },   { "role", UF_ROLE },
	};
	const char *key;
	json_t *val;

	f->username = f->full_name = f->position = f->email = f->phone = f->unit = f->password = f->role = "";
	if (!json_is_object(req->json))
		goto bad;
	json_object_foreach(req->json, key, val)
	{
		unsigned bit = 0;
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strcmp(key, keys[i].key))
				bit = keys[i].bit;
		if (!(bit & allow))
			goto bad;
		f->set |= bit;
		if (bit == UF_UNIT) {
			if (!json_is_integer(val))
				goto bad;
			f->unit = arena_printf(&req->arena, "%lld", (long long)json_integer_value(val));
		} else if (bit == UF_ACTIVE) {
			if (!json_is_boolean(val))
				goto bad;
			f->active = json_is_true(val);
		} else if (json_is_null(val) && (bit == UF_EMAIL || bit == UF_PHONE || bit == UF_ROLE)) {
			continue;
		} else if (!json_is_string(val)) {
			goto bad;
		} else if (bit == UF_PASSWORD) {
			f->password = arena_strdup(&req->arena, json_string_value(val));
		} else {
			const char *s = input_trim(req, json_string_value(val));
			switch (bit) {
			case UF_USERNAME: f->username = s; break;
			case UF_FULL_NAME: f->full_name = s; break;
			case UF_POSITION: f->position = s; break;
			case UF_EMAIL: f->email = s; break;
			case UF_PHONE: f->phone = s; break;
			default: f->role = s; break;
			}
		}
	}
	return 0;
bad:
	resp_error(
		req, 400, "bad_request",
		_("Send a JSON object with only the fields of a user, each of its type (see docs/openapi.yaml)."));
	return 1;
}

int api_users_list(struct request *req)
{
	struct db *db = db_thread();
	struct staff_row *rows;
	struct list_query lq;
	size_t n, nrows, total;
	int64_t *scope;
	json_t *list;

	if (req_staff_only(req) || req_scope(req, "user.read", &scope, &n))
		return 0;
	if (!n) {
		forbidden(req);
		return 0;
	}
	if (list_query_read(req, scope, n, 1, &lq))
		return 0;
	if (!db || list_run(req, db, scope, n, &lq, &rows, &nrows, &total)) {
		resp_unavailable(req);
		return 0;
	}
	list = json_array();
	for (size_t i = 0; i < nrows; i++) {
		json_t *roles = json_array();
		if (roles_in_force(req, db, rows[i].id, NULL, roles)) {
			json_decref(roles);
			json_decref(list);
			resp_unavailable(req);
			return 0;
		}
		json_array_append_new(list,
				      json_pack("{s:I,s:s,s:s,s:s,s:I,s:s,s:b,s:o}", "id",
						(json_int_t)rows[i].id, "username", rows[i].username,
						"full_name", rows[i].full_name, "position", rows[i].position,
						"unit_id", (json_int_t)rows[i].unit_id, "unit_name",
						rows[i].unit_name, "active", rows[i].active, "roles", roles));
	}
	resp_header(req, "Cache-Control", "no-store");
	resp_json(req, 200,
		  json_pack("{s:o,s:I,s:I,s:I}", "users", list, "page", (json_int_t)lq.page, "per_page",
			    (json_int_t)lq.per_page, "total", (json_int_t)total));
	return 0;
}

/* 200/201 with {"user": …} for the account `id`. */
static void api_user_answer(struct request *req, struct db *db, int status, int64_t id)
{
	struct account a;
	json_t *o;
	if (account_load(db, id, &a) || !(o = account_json_full(req, db, &a))) {
		resp_unavailable(req);
		return;
	}
	resp_header(req, "Cache-Control", "no-store");
	if (status == 201)
		resp_header(req, "Location", arena_printf(&req->arena, "/api/v1/users/%lld", (long long)id));
	resp_json(req, status, json_pack("{s:o}", "user", o));
}

int api_users_create(struct request *req)
{
	struct db *db = db_thread();
	const struct unit_tree *tree;
	struct user_form f;
	int64_t *scope, id = 0;
	size_t n;
	int rc, status;

	if (req_staff_only(req) || req_scope(req, "user.manage", &scope, &n))
		return 0;
	if (!n) {
		forbidden(req);
		return 0;
	}
	if (!db || !(tree = req_units(req))) {
		resp_unavailable(req);
		return 0;
	}
	memset(&f, 0, sizeof(f));
	if (user_form_json(req,
			   UF_USERNAME | UF_FULL_NAME | UF_POSITION | UF_EMAIL | UF_PHONE | UF_UNIT |
				   UF_PASSWORD | UF_ROLE,
			   &f))
		return 0;
	/* every field of a new account is checked, given or not */
	f.set = UF_USERNAME | UF_FULL_NAME | UF_POSITION | UF_EMAIL | UF_PHONE | UF_UNIT | UF_PASSWORD |
		UF_ROLE;
	rc = user_check(req, db, &f, NULL, tree);
	if (rc < 0) {
		json_decref(f.errors);
		resp_unavailable(req);
		return 0;
	}
	if (user_form_allowed(req, &f, NULL)) {
		json_decref(f.errors);
		return 0;
	}
	if (rc) {
		int taken = json_object_size(f.errors) == 1 && json_object_get(f.errors, "username") &&
			    account_name_taken(db, f.username, 0) == 1;
		api_invalid(req, taken ? 409 : 422, taken ? "username_taken" : "invalid", f.errors);
		return 0;
	}
	status = user_create(req, db, &f, &id);
	if (status == 409) {
		api_invalid(req, 409, json_object_get(f.errors, "username") ? "username_taken" : "conflict",
			    f.errors);
		return 0;
	}
	json_decref(f.errors);
	if (status != 201) {
		resp_unavailable(req);
		return 0;
	}
	api_user_answer(req, db, 201, id);
	return 0;
}

int api_user_get(struct request *req)
{
	struct db *db = db_thread();
	struct account t;
	if (staff_target_load(req, db, req_param_id(req), "user.read", &t))
		return 0;
	api_user_answer(req, db, 200, t.id);
	return 0;
}

int api_user_update(struct request *req)
{
	struct db *db = db_thread();
	const struct unit_tree *tree;
	struct user_form f;
	struct account t;
	int rc, status;

	if (staff_target_load(req, db, req_param_id(req), "user.manage", &t))
		return 0;
	if (!(tree = req_units(req)))
		return 0;
	memset(&f, 0, sizeof(f));
	if (user_form_json(
		    req, UF_FULL_NAME | UF_POSITION | UF_EMAIL | UF_PHONE | UF_UNIT | UF_ACTIVE | UF_PASSWORD,
		    &f))
		return 0;
	rc = user_check(req, db, &f, &t, tree);
	if (rc < 0) {
		json_decref(f.errors);
		resp_unavailable(req);
		return 0;
	}
	if (user_form_allowed(req, &f, &t)) {
		json_decref(f.errors);
		return 0;
	}
	if (rc) {
		api_invalid(req, 422, "invalid", f.errors);
		return 0;
	}
	json_decref(f.errors);
	status = user_apply(req, db, &t, &f);
	if (status == 409) {
		resp_error(req, 409, "contact_taken", msg_contact_taken());
		return 0;
	}
	if (status != 200) {
		resp_unavailable(req);
		return 0;
	}
	api_user_answer(req, db, 200, t.id);
	return 0;
}

int api_roles_list(struct request *req)
{
	const char *account = req_query(req, "account");
	struct db *db = db_thread();
	struct grant_row *rows;
	int64_t *scope, id = 0;
	size_t n, nrows;
	json_t *list;

	if (req_staff_only(req) || req_scope(req, "user.read", &scope, &n))
		return 0;
	if (account && *account) {
		struct account t;
		if (!(id = input_id(account))) {
			resp_error(req, 400, "bad_account", _("The account must be an account number."));
			return 0;
		}
		if (staff_target_load(req, db, id, "user.read", &t))
			return 0;
	} else if (!n) {
		forbidden(req);
		return 0;
	}
	if (!db || account_grants(db, &req->arena, id, &rows, &nrows)) {
		resp_unavailable(req);
		return 0;
	}
	list = json_array();
	/* the grants of the accounts one may read, and every grant held at a unit one may read */
	for (size_t i = 0; i < nrows; i++)
		if (ids_contain(scope, n, rows[i].holder_unit) || ids_contain(scope, n, rows[i].g.unit_id))
			json_array_append_new(list, grant_json(&rows[i]));
	resp_header(req, "Cache-Control", "no-store");
	resp_json(req, 200, json_pack("{s:o}", "roles", list));
	return 0;
}

/* 200/201 with {"role": …} for the grant `gid`. */
static void api_grant_answer(struct request *req, struct db *db, int status, int64_t account, int64_t gid)
{
	struct grant_row *rows;
	size_t n;
	if (account_grants(db, &req->arena, account, &rows, &n)) {
		resp_unavailable(req);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (rows[i].g.id == gid) {
			resp_json(req, status, json_pack("{s:o}", "role", grant_json(&rows[i])));
			return;
		}
	resp_unavailable(req);
}

int api_roles_grant(struct request *req)
{
	struct db *db = db_thread();
	json_int_t account = 0, unit = 0;
	const char *role = NULL, *msg = NULL;
	int reaches = 0, status;
	struct account t;
	json_t *errors;
	int64_t gid = 0;

	if (!json_is_object(req->json) ||
	    json_unpack(req->json, "{s:I,s:s,s:I,s?b!}", "account_id", &account, "role", &role, "unit_id",
			&unit, "reaches_descendants", &reaches)) {
		if (req_staff_only(req))
			return 0;
		resp_error(
			req, 400, "bad_request",
			_("Send a JSON object with account_id (a number), role (a string), unit_id (a number) and optionally reaches_descendants (true or false)."));
		return 0;
	}
	if (staff_target_load(req, db, account > 0 ? (int64_t)account : 0, "user.manage", &t))
		return 0;
	errors = json_object();
	status = grant_do(req, db, &t, input_trim(req, role),
			  unit > 0 ? arena_printf(&req->arena, "%lld", (long long)unit) : "0", reaches,
			  errors, &gid, &msg);
	if (status == 201) {
		json_decref(errors);
		api_grant_answer(req, db, 201, t.id, gid);
	} else if (status == 422) {
		api_invalid(req, 422, "invalid", errors);
	} else {
		json_decref(errors);
		if (status == 409)
			resp_error(req, 409, "already_granted", msg);
		else if (status == 503)
			resp_unavailable(req);
	}
	return 0;
}

int api_role_revoke(struct request *req)
{
	struct db *db = db_thread();
	const char *msg = NULL;
	struct role_grant g;
	int status;

	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	status = revoke_do(req, db, req_param_id(req), &g, &msg);
	if (status == 409)
		resp_error(req, 409, g.revoked_at ? "already_revoked" : "self_lockout", msg);
	else if (status == 503)
		resp_unavailable(req);
	else if (status == 200)
		api_grant_answer(req, db, 200, g.account_id, g.id);
	return 0;
}
