/* pages_tokens.c: API tokens for integrations made and revoked by an administrator: the part of the user page
 * (/quan-tri/nguoi-dung/{id}) that lists and creates them, /quan-tri/ma-api/{id}/thu-hoi, /api/v1/tokens. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/i18n.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "features/tokens.h"
#include "store/db.h"
#include "web/app.h"
#include "core/banned.h"

#define USERS_PATH "/quan-tri/nguoi-dung"
/* Tokens listed per account, newest first. */
#define TOKENS_LISTED 100
/* The actions of the permission table a scope list is checked against (permission_action). */
#define ACTIONS_MAX 64
/* Entries of a scope list read: more is refused (there are not that many actions). */
#define SCOPES_SENT_MAX 64

/* ---- small helpers ---- */

/* "26/11/2026 14:05" in Vietnam time, in the arena. */
static const char *when(struct request *req, int64_t t)
{
	char date[16], time[8];
	time_fmt_date_vn(date, sizeof(date), t);
	time_fmt_time_vn(time, sizeof(time), t);
	return arena_printf(&req->arena, "%s %s", date, time);
}

/* The index of `action` in the permission table, or -1. */
static long action_index(const char *action)
{
	for (size_t i = 0; i < ACTIONS_MAX && permission_action(i); i++)
		if (!strcmp(permission_action(i), action))
			return (long)i;
	return -1;
}

/* The scopes of a stored token ("user.read user.manage") as their names, in a JSON array. */
static json_t *scope_names(const char *scopes)
{
	json_t *a = json_array();
	const char *p = scopes;
	while (*p) {
		size_t len = strcspn(p, " ");
		if (len)
			json_array_append_new(a, json_stringn(p, len));
		p += len;
		p += strspn(p, " ");
	}
	return a;
}

/* The same for people: "Xem người dùng, Quản lý người dùng"; "" = the account's own rights. */
static const char *scope_labels(struct request *req, const char *scopes)
{
	struct buf b = BUF_INIT;
	const char *p = scopes, *out;
	if (!*p)
		return _("All of the account's permissions");
	while (*p) {
		size_t len = strcspn(p, " ");
		char *name = arena_strndup(&req->arena, p, len);
		const char *label = permission_label(name);
		if (len)
			buf_addf(&b, "%s%s", b.len ? ", " : "", label ? _(label) : name);
		p += len;
		p += strspn(p, " ");
	}
	out = arena_strdup(&req->arena, b.ptr);
	buf_release(&b);
	return out;
}

/* Append to the audit log for token `token_id` with `detail` (stolen) as its JSON. */
static int audit(struct request *req, struct db *db, const char *action, int64_t token_id, json_t *detail)
{
	return req_audit_json(req, db, action, arena_printf(&req->arena, "token:%lld", (long long)token_id),
			      detail);
}

/* A 422 under /api/: the message and the field messages (errors is stolen). */
static void api_invalid(struct request *req, json_t *errors)
{
	resp_json(req, 422,
		  json_pack("{s:{s:s,s:s,s:o}}", "error", "code", "invalid", "message",
			    _("Some fields are not valid."), "fields", errors));
}

/* A leaked token must not mint others: only an administrator logged in with his password makes tokens. */
static int refuse_bearer(struct request *req)
{
	const struct app_req *ar = req->app;
	if (!ar || !ar->bearer)
		return 0;
	resp_error(req, 403, "token_not_allowed",
		   _("An API token cannot create API tokens: log in as an administrator to make one."));
	return 1;
}

/* ---- what an administrator may put on a token ---- */

/*
 * The rule against impersonation: a token acts as its account, so an
 * administrator may put on it only actions he may do himself, by grants of
 * his own (a power held by delegation is not his to pass on, Decree 30/2020
 * art. 13), at the account's unit and at every unit where the account may do
 * them: a ward administrator cannot, through a token of one of his ward's
 * users who also holds a role at the district, act at the district.
 */
struct scope_rule {
	struct actor admin;  /* the administrator's grants, his delegations left out */
	struct actor holder; /* the account's grants and delegations */
	const struct unit_tree *tree;
	int64_t path[UNIT_MAX_DEPTH]; /* the account's unit up to the root */
	size_t depth;
	int64_t now;
};

/* 0, or 1 when answered 503. */
static int scope_rule_load(struct request *req, struct db *db, const struct account *t, struct scope_rule *r)
{
	const struct account *me = req_user(req);
	r->now = req_now(req);
	if (!(r->tree = req_units(req)))
		return 1;
	if (authz_actor_load(db, &req->arena, me->id, r->now, &r->admin) ||
	    authz_actor_load(db, &req->arena, t->id, r->now, &r->holder)) {
		resp_unavailable(req);
		return 1;
	}
	r->admin.delegations = NULL;
	r->admin.ndelegations = 0;
	r->depth = unit_tree_path(r->tree, t->unit_id, r->path, UNIT_MAX_DEPTH);
	return 0;
}

/* 1 when the administrator may put `action` on a token of the account, else 0. */
static int scope_grantable(struct request *req, const struct scope_rule *r, const char *action)
{
	struct object at = { r->path, r->depth, 0 };
	int64_t *mine, *theirs;
	size_t nmine, ntheirs, j = 0;

	if (!r->depth || can(&r->admin, action, &at, r->now, NULL) != 1)
		return 0;
	ntheirs = authz_scope(&r->holder, r->tree, action, r->now, &req->arena, &theirs);
	if (!ntheirs)
		return 1;
	nmine = authz_scope(&r->admin, r->tree, action, r->now, &req->arena, &mine);
	/* both sorted by id: every unit of theirs must be one of mine */
	for (size_t i = 0; i < ntheirs; i++) {
		while (j < nmine && mine[j] < theirs[i])
			j++;
		if (j == nmine || mine[j] != theirs[i])
			return 0;
	}
	return 1;
}

/* ---- creating and revoking, shared by the pages and the API ---- */

/* A token just made: its value is in the response and nowhere else. */
struct token_made {
	int64_t id;
	char token[TOKEN_LEN + 1];
	const char *scopes; /* space-separated, in the order of the permission table */
};

/*
 * Check the scopes asked for a token of `t` (user.manage at his unit already
 * checked) and make it. Returns the HTTP status: 201 with *made; 409 with
 * *msg (the account is deactivated); 422 with errors["scopes"]; 503 (not
 * answered).
 */
static int token_do(struct request *req, struct db *db, const struct account *t, const char *const *asked,
		    size_t nasked, json_t *errors, const char **msg, struct token_made *made)
{
	unsigned char on[ACTIONS_MAX] = { 0 };
	struct scope_rule rule;
	struct buf scopes = BUF_INIT;
	json_t *names;
	int rc;

	if (!t->active) {
		*msg = _("This account is deactivated: activate it before giving it an API token.");
		return 409;
	}
	if (!nasked) {
		json_object_set_new(errors, "scopes",
				    json_string(_("Choose at least one permission for the token.")));
		return 422;
	}
	if (nasked > SCOPES_SENT_MAX) {
		json_object_set_new(errors, "scopes", json_string(_("Too many permissions for one token.")));
		return 422;
	}
	for (size_t i = 0; i < nasked; i++) {
		long k = action_index(asked[i]);
		if (k < 0) {
			json_object_set_new(errors, "scopes",
					    json_string(_("Choose permissions from the list.")));
			return 422;
		}
		on[k] = 1;
	}
	if (scope_rule_load(req, db, t, &rule))
		return 503;
	for (size_t i = 0; i < ACTIONS_MAX && permission_action(i); i++) {
		if (!on[i])
			continue;
		if (!scope_grantable(req, &rule, permission_action(i))) {
			const char *label = permission_label(permission_action(i));
			json_object_set_new(
				errors, "scopes",
				json_string(arena_printf(
					&req->arena,
					_("You cannot give a token “%s”: you may give only permissions you hold yourself, at the user's unit and wherever the user holds them."),
					_(label))));
			buf_release(&scopes);
			return 422;
		}
		buf_addf(&scopes, "%s%s", scopes.len ? " " : "", permission_action(i));
	}
	if (scopes.len > TOKEN_SCOPES_MAX) {
		buf_release(&scopes);
		json_object_set_new(errors, "scopes", json_string(_("Too many permissions for one token.")));
		return 422;
	}
	made->scopes = arena_strdup(&req->arena, scopes.ptr);
	buf_release(&scopes);

	names = scope_names(made->scopes);
	rc = db_begin(db);
	if (!rc)
		rc = token_create(db, t->id, made->scopes, req_now(req), made->token, &made->id);
	/* who made it is the audit row's actor; never the token itself */
	if (!rc)
		rc = audit(req, db, "token.create", made->id,
			   json_pack("{s:I,s:O}", "account_id", (json_int_t)t->id, "scopes", names));
	if (!rc)
		rc = db_commit(db);
	json_decref(names);
	if (rc) {
		db_rollback(db);
		sodium_memzero(made->token, sizeof(made->token));
		log_error("event=db msg=\"token create failed\" id=%s", req->id);
		return 503;
	}
	log_info("event=token_create token=%lld account=%lld id=%s", (long long)made->id, (long long)t->id,
		 req->id);
	return 201;
}

/*
 * Revoke the token `id` (user.manage at its account's unit): it stops at
 * once. Returns the HTTP status: 200 with *info (as it was before); 403 and
 * 404 (answered); 409 with *msg (revoked already); 503 (not answered).
 */
static int revoke_do(struct request *req, struct db *db, int64_t id, struct token_info *info,
		     const char **msg)
{
	struct account a;
	int rc;

	if (req_staff_only(req))
		return 403;
	if (!db)
		return 503;
	rc = id ? token_load(db, &req->arena, id, info) : 1;
	if (rc < 0)
		return 503;
	if (rc) {
		resp_error(req, 404, "not_found", _("There is no such API token."));
		return 404;
	}
	rc = account_load(db, info->account_id, &a);
	if (rc < 0)
		return 503;
	/* a token of an account without a unit (made by the command line): not for these pages */
	if (req_require(req, "user.manage", rc ? 0 : a.unit_id, 0))
		return 403;
	if (info->revoked_at) {
		*msg = _("This API token has already been revoked.");
		return 409;
	}
	rc = db_begin(db);
	if (!rc)
		rc = token_revoke(db, id, req_now(req));
	if (rc == 1) {
		db_rollback(db);
		*msg = _("This API token has already been revoked."); /* by someone else a moment ago */
		return 409;
	}
	if (!rc)
		rc = audit(req, db, "token.revoke", id,
			   json_pack("{s:I}", "account_id", (json_int_t)info->account_id));
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		log_error("event=db msg=\"token revoke failed\" id=%s", req->id);
		return 503;
	}
	log_info("event=token_revoke token=%lld id=%s", (long long)id, req->id);
	return 200;
}

/* ---- the user page's part ---- */

/* What the response to the create form shows besides the list. */
struct token_shown {
	const struct token_made *made; /* the new token: shown this once, never again */
	json_t *errors;		       /* of the create form */
	const char *error;	       /* refused as a whole, at the top */
	const char *const *asked;      /* the boxes ticked, ticked again after an error */
	size_t nasked;
};

/*
 * Set by page_token_create around its call of page_user_edit() (on the
 * request's own thread, which renders the page before it returns), for
 * tokens_page_context; NULL otherwise.
 */
static __thread const struct token_shown *shown;

static int was_asked(const char *action)
{
	for (size_t i = 0; shown && i < shown->nasked; i++)
		if (!strcmp(shown->asked[i], action))
			return 1;
	return 0;
}

int tokens_page_context(struct request *req, struct db *db, const struct account *t, json_t *ctx)
{
	const struct app_req *ar = req->app;
	const char *msg = req_query(req, "msg");
	struct token_info *list;
	json_t *tokens, *rows;
	size_t n;
	int manage;

	if (token_list(db, &req->arena, t->id, TOKENS_LISTED, &list, &n) ||
	    (manage = req_can(req, "user.manage", t->unit_id, 0, NULL)) < 0) {
		resp_unavailable(req);
		return 1;
	}
	rows = json_array();
	for (size_t i = 0; i < n; i++) {
		const int active = !list[i].revoked_at;
		json_array_append_new(rows,
				      json_pack("{s:I,s:s,s:s,s:b,s:s,s:b}", "id", (json_int_t)list[i].id,
						"scopes", scope_labels(req, list[i].scopes), "created_at",
						when(req, list[i].created_at), "active", active, "revoked_at",
						active ? "" : when(req, list[i].revoked_at), "can_revoke",
						active && manage));
	}
	/* every key set, true or false: a missing one would be looked up in the page's own context */
	tokens = json_pack("{s:o,s:b,s:b,s:b,s:b}", "list", rows, "has_list", n > 0, "create", 0, "created",
			   0, "create_errors", 0);

	/* the create form: for an administrator of the account's unit, logged in with his password */
	if (manage && t->active && !(ar && ar->bearer)) {
		struct scope_rule rule;
		json_t *choices = json_array();
		if (scope_rule_load(req, db, t, &rule)) {
			json_decref(choices);
			json_decref(tokens);
			return 1;
		}
		for (size_t i = 0; i < ACTIONS_MAX && permission_action(i); i++) {
			const char *a = permission_action(i);
			if (!scope_grantable(req, &rule, a))
				continue;
			json_array_append_new(choices,
					      json_pack("{s:s,s:s,s:b}", "name", a, "label",
							_(permission_label(a)), "checked", was_asked(a)));
		}
		json_object_set_new(tokens, "create",
				    json_pack("{s:o,s:b}", "scopes", choices, "has_scopes",
					      json_array_size(choices) > 0));
	}

	if (shown && shown->made)
		json_object_set_new(tokens, "created",
				    json_pack("{s:I,s:s,s:s}", "id", (json_int_t)shown->made->id, "token",
					      shown->made->token, "scopes",
					      scope_labels(req, shown->made->scopes)));
	if (shown && shown->errors && json_object_size(shown->errors)) {
		json_t *create = json_object_get(tokens, "create");
		json_object_set(tokens, "create_errors", shown->errors);
		/* no box to mark when there is nothing he may give: the reason itself at the top */
		if (json_is_true(json_object_get(create, "has_scopes")))
			json_object_set_new(ctx, "error",
					    json_string(_("Please correct the fields marked below.")));
		else
			json_object_set(ctx, "error", json_object_get(shown->errors, "scopes"));
	}
	if (shown && shown->error)
		json_object_set_new(ctx, "error", json_string(shown->error));
	if (msg && !strcmp(msg, "token_revoked"))
		json_object_set_new(ctx, "notice",
				    json_string(_("The API token was revoked: it no longer works.")));
	json_object_set_new(ctx, "tokens", tokens);
	return 0;
}

/* ---- the pages ---- */

int page_token_create(struct request *req)
{
	struct db *db = db_thread();
	struct token_shown view = { 0 };
	struct token_made made = { 0 };
	const char **asked;
	size_t nasked = 0;
	struct account t;
	int status;

	if (refuse_bearer(req) || staff_target_load(req, db, req_param_id(req), "user.manage", &t))
		return 0;
	asked = arena_alloc(&req->arena, (req->form.n + 1) * sizeof(*asked));
	for (const struct kv *kv = req->form.head; kv; kv = kv->next)
		if (!strcmp(kv->key, "scope"))
			asked[nasked++] = kv->val;
	view.errors = json_object();
	status = token_do(req, db, &t, asked, nasked, view.errors, &view.error, &made);
	if (status == 503)
		resp_unavailable(req);
	if (status == 201 || status == 409 || status == 422) {
		/* the user page again: with the new token shown this once, or with the form's errors */
		if (status == 201) {
			view.made = &made;
		} else {
			view.asked = asked;
			view.nasked = nasked;
		}
		shown = &view;
		page_user_edit(req);
		shown = NULL;
		if (req->status == 200 && status != 201)
			req->status = status;
	}
	sodium_memzero(made.token, sizeof(made.token));
	json_decref(view.errors);
	return 0;
}

int page_token_revoke(struct request *req)
{
	struct db *db = db_thread();
	struct token_info info;
	const char *msg = NULL;
	int status = revoke_do(req, db, req_param_id(req), &info, &msg);

	if (status == 200)
		resp_redirect(req, arena_printf(&req->arena, USERS_PATH "/%lld?msg=token_revoked",
						(long long)info.account_id));
	else if (status == 409)
		resp_error(req, 409, "already_revoked", msg);
	else if (status == 503)
		resp_unavailable(req);
	return 0;
}

/* ---- the API ---- */

static json_t *token_json(const struct token_info *t)
{
	return json_pack("{s:I,s:I,s:o,s:I,s:o,s:b}", "id", (json_int_t)t->id, "account_id",
			 (json_int_t)t->account_id, "scopes", scope_names(t->scopes), "created_at",
			 (json_int_t)t->created_at, "revoked_at",
			 t->revoked_at ? json_integer(t->revoked_at) : json_null(), "active", !t->revoked_at);
}

int api_tokens_list(struct request *req)
{
	struct db *db = db_thread();
	struct token_info *list;
	struct account t;
	int64_t id = 0;
	json_t *out;
	size_t n;

	if (req_staff_only(req))
		return 0;
	if (!(id = input_id(req_query(req, "account")))) {
		resp_error(req, 400, "bad_account", _("Name the account: ?account= and its number."));
		return 0;
	}
	if (staff_target_load(req, db, id, "user.read", &t))
		return 0;
	if (token_list(db, &req->arena, t.id, TOKENS_LISTED, &list, &n)) {
		resp_unavailable(req);
		return 0;
	}
	out = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(out, token_json(&list[i]));
	resp_header(req, "Cache-Control", "no-store");
	resp_json(req, 200, json_pack("{s:o}", "tokens", out));
	return 0;
}

int api_tokens_create(struct request *req)
{
	struct db *db = db_thread();
	struct token_made made = { 0 };
	json_int_t account = 0;
	const char *msg = NULL;
	const char **asked;
	json_t *scopes = NULL, *v, *errors;
	struct account t;
	size_t i, nasked = 0;
	int status;

	if (refuse_bearer(req) || req_staff_only(req))
		return 0;
	if (!json_is_object(req->json) ||
	    json_unpack(req->json, "{s:I,s:o!}", "account_id", &account, "scopes", &scopes) ||
	    !json_is_array(scopes))
		goto bad;
	json_array_foreach(scopes, i, v)
	{
		if (!json_is_string(v))
			goto bad;
	}
	if (staff_target_load(req, db, account > 0 ? (int64_t)account : 0, "user.manage", &t))
		return 0;
	asked = arena_alloc(&req->arena, (json_array_size(scopes) + 1) * sizeof(*asked));
	json_array_foreach(scopes, i, v)
	{
		asked[nasked++] = json_string_value(v);
	}
	errors = json_object();
	status = token_do(req, db, &t, asked, nasked, errors, &msg, &made);
	if (status == 201) {
		resp_header(req, "Cache-Control", "no-store");
		resp_json(req, 201,
			  json_pack("{s:I,s:I,s:s,s:o}", "id", (json_int_t)made.id, "account_id",
				    (json_int_t)t.id, "token", made.token, "scopes",
				    scope_names(made.scopes)));
	} else if (status == 422) {
		api_invalid(req, errors);
		errors = NULL;
	} else if (status == 409) {
		resp_error(req, 409, "account_inactive", msg);
	} else if (status == 503) {
		resp_unavailable(req);
	}
	json_decref(errors);
	sodium_memzero(made.token, sizeof(made.token));
	return 0;
bad:
	resp_error(
		req, 400, "bad_request",
		_("Send a JSON object with account_id (a number) and scopes (a list of action names such as \"user.read\")."));
	return 0;
}

int api_token_revoke(struct request *req)
{
	struct db *db = db_thread();
	struct token_info info;
	const char *msg = NULL;
	int status = revoke_do(req, db, req_param_id(req), &info, &msg);

	if (status == 200)
		resp_text(req, 204, "text/plain; charset=utf-8", "");
	else if (status == 409)
		resp_error(req, 409, "already_revoked", msg);
	else if (status == 503)
		resp_unavailable(req);
	return 0;
}
