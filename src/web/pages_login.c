/* pages_login.c: sessions: login and logout pages, the session API, login and CSRF checks. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/i18n.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "features/audit.h"
#include "features/tokens.h"
#include "store/db.h"
#include "web/app.h"
#include "core/banned.h"

static int64_t now_s(void)
{
	return time_now_us() / 1000000;
}

int req_audit(struct request *req, struct db *db, const char *actor, const char *action, const char *object,
	      const char *detail_json)
{
	const struct account *u = req_user(req);
	return req_audit_unit(req, db, actor, u ? u->unit_id : 0, action, object, detail_json);
}

int req_audit_json(struct request *req, struct db *db, const char *action, const char *object, json_t *detail)
{
	char *text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	int rc;
	json_decref(detail);
	if (!text)
		return DB_ERROR;
	rc = req_audit(req, db, NULL, action, object, text);
	free(text);
	return rc;
}

int req_audit_unit(struct request *req, struct db *db, const char *actor, int64_t unit_id, const char *action,
		   const char *object, const char *detail_json)
{
	const struct account *u = req_user(req);
	unsigned char h[16];
	char client[33], who[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)req->client_ip, strlen(req->client_ip),
			   the_app->client_key, sizeof(the_app->client_key));
	sodium_bin2hex(client, sizeof(client), h, sizeof(h));
	if (!actor) {
		if (u)
			snprintf(who, sizeof(who), "account:%lld", (long long)u->id);
		actor = u ? who : "anonymous";
	}
	return audit_append_by(db, actor, unit_id, client, action, object, detail_json);
}

const struct account *req_user(const struct request *req)
{
	const struct app_req *ar = req->app;
	return ar && ar->logged_in ? &ar->user : NULL;
}

const char *req_csrf(const struct request *req)
{
	const struct app_req *ar = req->app;
	return ar && ar->logged_in ? ar->csrf : "";
}

static int same_token(const char *a, const char *b)
{
	size_t n = strlen(a);
	return n && n == strlen(b) && !sodium_memcmp(a, b, n);
}

/* The token of an "Authorization: Bearer …" header, or NULL. */
static const char *bearer_token(const struct request *req)
{
	const char *h = req_header(req, "Authorization");
	if (!h || strncasecmp(h, "Bearer ", 7))
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return *h ? h : NULL;
}

int app_before(struct request *req)
{
	unsigned flags = req->route->flags;
	struct app_req *ar;
	const char *sid;

	/* public pages and static files need no session: no lookup, no allocation */
	if (!(flags & (ROUTE_LOGIN | ROUTE_CSRF | ROUTE_SESSION)))
		return 0;
	ar = arena_calloc(&req->arena, 1, sizeof(*ar));
	req->app = ar;
	sid = req_cookie(req, "sid");
	/* two sid cookies: one was planted (a sibling domain, plain HTTP); trust neither */
	{
		int n = 0;
		for (const struct kv *kv = req->cookies.head; kv; kv = kv->next)
			n += !strcmp(kv->key, "sid");
		if (n > 1)
			sid = NULL;
	}
	if (req->is_api && bearer_token(req)) {
		/* an integration: "Authorization: Bearer mct_…" */
		struct db *db = db_thread();
		int64_t id = 0;
		int rc;
		if (!db) {
			resp_unavailable(req);
			return 1;
		}
		rc = token_lookup(db, bearer_token(req), &id, ar->scopes, sizeof(ar->scopes));
		if (!rc)
			rc = account_load(db, id, &ar->user);
		if (rc < 0) {
			resp_unavailable(req);
			return 1;
		}
		if (rc) {
			resp_header(req, "WWW-Authenticate", "Bearer");
			resp_error(req, 401, "bad_token", _("The API token is not valid."));
			return 1;
		}
		ar->logged_in = 1;
		ar->bearer = 1;
		sid = NULL;
	}
	if (sid) {
		struct db *db = db_thread();
		int64_t id = 0;
		int rc;
		if (!db) {
			resp_unavailable(req);
			return 1;
		}
		rc = session_lookup(db, sid, now_s(), &id, ar->csrf);
		if (!rc)
			rc = account_load(db, id, &ar->user);
		if (rc < 0) {
			resp_unavailable(req);
			return 1;
		}
		if (!rc && ar->user.active) {
			ar->logged_in = 1;
			snprintf(ar->token, sizeof(ar->token), "%s", sid);
		}
	}
	if ((flags & ROUTE_LOGIN) && !ar->logged_in) {
		if (req->is_api) {
			resp_error(req, 401, "login_required", _("Please log in first."));
		} else {
			char *to = arena_printf(&req->arena, "/dang-nhap?next=%s", req->path);
			resp_redirect(req, to);
		}
		return 1;
	}
	/* state changes authenticated by the cookie carry the session's token */
	if ((flags & ROUTE_CSRF) && ar->logged_in && !ar->bearer &&
	    !(req->method & (HTTP_GET | HTTP_HEAD | HTTP_OPTIONS))) {
		const char *t = req_form(req, "csrf");
		if (!t)
			t = req_header(req, "X-CSRF-Token");
		if (!t || !same_token(t, ar->csrf)) {
			resp_error(
				req, 403, "csrf",
				_("The form has expired or did not come from this site. Please reload the page and try again."));
			return 1;
		}
	}
	return 0;
}

static void set_session_cookie(struct request *req, const char *token, int max_age)
{
	char *c = arena_printf(&req->arena, "sid=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s", token,
			       max_age, req->is_tls ? "; Secure" : "");
	resp_header(req, "Set-Cookie", c);
	resp_header(req, "Cache-Control", "no-store");
}

const char *preform_token(struct request *req, const char *path)
{
	unsigned char raw[24];
	char tok[64];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(tok, sizeof(tok), raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	resp_header(req, "Set-Cookie",
		    arena_printf(&req->arena, "lcsrf=%s; Path=%s; HttpOnly; SameSite=Strict%s", tok, path,
				 req->is_tls ? "; Secure" : ""));
	return arena_strdup(&req->arena, tok);
}

int preform_token_ok(const struct request *req)
{
	const char *form_token = req_form(req, "csrf");
	const char *cookie_token = req_cookie(req, "lcsrf");
	return form_token && cookie_token && same_token(form_token, cookie_token);
}

void preform_token_clear(struct request *req, const char *path)
{
	resp_header(req, "Set-Cookie", arena_printf(&req->arena, "lcsrf=; Path=%s; Max-Age=0", path));
}

/* A token for the login form itself (before there is a session): cookie and field must match. */
static const char *login_form_token(struct request *req)
{
	return preform_token(req, "/dang-nhap");
}

int start_session(struct request *req, struct db *db, int64_t account_id, char csrf[SESSION_TOKEN_LEN + 1])
{
	char token[SESSION_TOKEN_LEN + 1], unused[SESSION_TOKEN_LEN + 1];
	int rc = session_create(db, account_id, now_s(), token, csrf ? csrf : unused);
	if (!rc)
		set_session_cookie(req, token, SESSION_ABSOLUTE);
	sodium_memzero(token, sizeof(token));
	return rc;
}

const char *account_home(const struct account *a)
{
	return strcmp(a->kind, "citizen") ? "/quan-tri" : "/tai-khoan";
}

/* Where to go after login: `next` when it is a local path the account may open, else `home`. */
static const char *safe_next(const char *next, const char *home)
{
	/* a local path only; resp_redirect checks again */
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\')
		return home;
	/* the staff workspace is no place for a citizen */
	if (!strcmp(home, "/tai-khoan") && !strncmp(next, "/quan-tri", 9) &&
	    (next[9] == '\0' || next[9] == '/' || next[9] == '?'))
		return home;
	return next;
}

static void render_login(struct request *req, int status, const char *error, const char *username)
{
	json_t *ctx = page_context(req, _("Log in"));
	const char *next = req_form(req, "next");
	if (!next)
		next = req_query(req, "next");
	json_object_set_new(ctx, "form",
			    json_pack("{s:s,s:s,s:s}", "csrf", login_form_token(req), "next",
				      safe_next(next, "/quan-tri"), "username", username ? username : ""));
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	resp_header(req, "Cache-Control", "no-store");
	page_render(req, status, "login", ctx);
}

int page_login_form(struct request *req)
{
	if (req_user(req)) {
		resp_redirect(req, safe_next(req_query(req, "next"), account_home(req_user(req))));
		return 0;
	}
	render_login(req, 200, NULL, NULL);
	return 0;
}

/*
 * Check the credentials and start a session (its cookie set). Returns the HTTP
 * status: 201 with csrf set, or 400/401/429/503 with *msg set (translated).
 */
static int do_login(struct request *req, const char *username, const char *password,
		    char csrf[SESSION_TOKEN_LEN + 1], int64_t *account_id, const char **msg)
{
	struct db *db = db_thread();
	int64_t now = now_s(), id = 0;
	char detail[160], name[256], tkey[280], attempt[LOGIN_ATTEMPT_LEN + 1];
	int64_t who = 0, who_unit = 0;
	struct account tried;
	int rc;

	if (!username || !*username || !password || !*password) {
		*msg = _("Enter your user name and password.");
		return 400;
	}
	if (strlen(username) > 254 || strlen(password) > 128) {
		*msg = _("The user name or password is not correct.");
		return 401;
	}
	/* a citizen's phone typed as +84 912 345 678 or 0912345678 is one name, throttled as one */
	account_login_name(username, name, sizeof(name));
	username = name;
	if (!db) {
		*msg = _("The service is not available right now. Please try again shortly.");
		return 503;
	}
	/*
	 * Failures count per account, whichever of its names was typed (a citizen
	 * has three: ID number, e-mail, phone), and per name for names that match
	 * nothing.
	 */
	rc = account_resolve(db, name, &who);
	if (rc < 0)
		goto unavailable;
	if (!rc) {
		snprintf(tkey, sizeof(tkey), "#account:%lld", (long long)who);
		/* the audit rows of its logins go under its unit, for its unit's admins to see */
		rc = account_load(db, who, &tried);
		if (rc < 0)
			goto unavailable;
		if (!rc)
			who_unit = tried.unit_id;
	} else {
		snprintf(tkey, sizeof(tkey), "%s", name);
	}
	/* counted before the password is checked, so attempts sent at once wait like the others */
	rc = login_attempt_begin(db, tkey, req->client_ip, now, attempt);
	if (rc < 0)
		goto unavailable;
	if (rc) {
		char wait[16];
		snprintf(wait, sizeof(wait), "%d", LOGIN_WINDOW);
		resp_header(req, "Retry-After", wait);
		*msg = _("Too many failed attempts. Please wait 15 minutes and try again.");
		return 429;
	}
	rc = account_login(db, username, password, &id);
	if (rc < 0)
		goto unavailable;
	if (rc) {
		/* counted for throttling and recorded, without the name tried (it may be a password typed in
		 * the wrong box) */
		rc = db_begin(db);
		if (!rc)
			rc = req_audit_unit(req, db, "anonymous", who_unit, "session.login_failed",
					    tkey[0] == '#' ? tkey + 1 : "", "{}");
		if (!rc)
			rc = db_commit(db);
		if (rc) {
			db_rollback(db);
			goto unavailable;
		}
		log_info("event=login_failed id=%s", req->id);
		*msg = _("The user name or password is not correct.");
		return 401;
	}
	snprintf(detail, sizeof(detail), "{}");
	rc = db_begin(db);
	if (!rc)
		rc = login_attempt_succeeded(db, attempt, tkey, now);
	/* a login ends the session the browser had (a shared counter PC): one session per login */
	if (!rc && req->app && ((const struct app_req *)req->app)->logged_in)
		rc = session_end(db, ((const struct app_req *)req->app)->token, now);
	if (!rc)
		rc = start_session(req, db, id, csrf);
	if (!rc) {
		char actor[32];
		snprintf(actor, sizeof(actor), "account:%lld", (long long)id);
		rc = req_audit_unit(req, db, actor, who == id ? who_unit : 0, "session.login", actor, detail);
	}
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		goto unavailable;
	}
	*account_id = id;
	return 201;
unavailable:
	*msg = _("The service is not available right now. Please try again shortly.");
	return 503;
}

int page_login_post(struct request *req)
{
	const char *username = req_form(req, "username");
	char csrf[SESSION_TOKEN_LEN + 1];
	const char *msg = NULL, *home = "/quan-tri";
	struct account acc;
	struct db *db;
	int64_t id = 0;
	int status;

	if (!preform_token_ok(req)) {
		render_login(
			req, 403,
			_("The form has expired or did not come from this site. Please reload the page and try again."),
			username);
		return 0;
	}
	status = do_login(req, username, req_form(req, "password"), csrf, &id, &msg);
	if (status != 201) {
		render_login(req, status, msg, username);
		return 0;
	}
	db = db_thread();
	if (db && !account_load(db, id, &acc))
		home = account_home(&acc);
	preform_token_clear(req, "/dang-nhap");
	resp_redirect(req, safe_next(req_form(req, "next"), home));
	return 0;
}

static int end_session(struct request *req)
{
	const struct app_req *ar = req->app;
	struct db *db = db_thread();
	char actor[32];
	int rc;
	if (!db)
		return -1;
	snprintf(actor, sizeof(actor), "account:%lld", (long long)ar->user.id);
	rc = db_begin(db);
	if (!rc)
		rc = session_end(db, ar->token, now_s());
	if (!rc)
		rc = req_audit(req, db, actor, "session.logout", actor, "{}");
	if (!rc)
		rc = db_commit(db);
	if (rc)
		db_rollback(db);
	return rc;
}

int page_logout(struct request *req)
{
	if (end_session(req)) {
		resp_unavailable(req);
		return 0;
	}
	set_session_cookie(req, "", 0);
	resp_redirect(req, "/");
	return 0;
}

static json_t *user_json(const struct account *a)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)a->id, "kind", a->kind, "username",
			 a->username, "full_name", a->full_name, "position", a->position, "unit",
			 a->unit_name);
}

static const char *unit_name(struct db *db, struct arena *a, int64_t id)
{
	struct db_stmt *st;
	const char *name = "";
	int rc = db_query(db, &st, "SELECT name FROM units WHERE id = ?", "i", id);
	if (rc == DB_ROW)
		name = arena_strdup(a, db_col_text(st, 0));
	while (rc == DB_ROW)
		rc = db_step(st);
	return name;
}

/* The workspace's administration links, each shown only to those who may use it. */
static const struct {
	const char *href, *title, *text, *action;
	int top; /* the action is checked at a governing unit (req_can_at_top) */
} admin_links[] = {
	{ "/mot-cua", N_("One-stop shop"), N_("Receive, process and return dossiers; work queues"),
	  "dossier.receive|dossier.process|dossier.approve", 0 },
	{ "/mot-cua/thong-ke", N_("Dossier statistics"),
	  N_("Received, on time, late and pending, by day and procedure"),
	  "dossier.receive|dossier.process|dossier.approve|audit.read", 0 },
	{ "/van-ban", N_("Official documents"),
	  N_("Incoming and outgoing documents: register, assign, draft, sign, number; registers"),
	  "document.register|document.number|document.assign|document.draft|document.review|document.sign",
	  0 },
	{ "/van-ban/thong-ke", N_("Document statistics"),
	  N_("Received and issued per type; on-time handling"),
	  "document.register|document.number|document.assign|document.sign|audit.read", 0 },
	{ "/thu-phi", N_("Fee receipts"), N_("Issue, cancel and replace electronic receipts"),
	  "receipt.issue", 0 },
	{ "/thu-phi/bao-cao", N_("Fees collected"),
	  N_("Receipts by day, unit and fee, reconciled with the dossiers; Excel"),
	  "receipt.issue|dossier.approve|audit.read", 0 },
	{ "/mot-cua/danh-gia", N_("Rating at the counter"),
	  N_("The citizen rates a returned dossier with its code and 4 digits"), "dossier.receive", 0 },
	{ "/chi-so-hai-long", N_("Satisfaction index"), N_("Ratings by unit, procedure and month"),
	  "dossier.receive|dossier.process|dossier.approve|audit.read", 0 },
	{ "/quan-tri/lich-cong-tac", N_("Work schedule"),
	  N_("The leaders' weekly schedule, published on the portal"), "document.register|dossier.approve",
	  0 },
	{ "/quan-tri/tin-bai", N_("News"), N_("Articles of the portal: drafts, review, publishing"),
	  "news.edit|news.publish", 0 },
	{ "/quan-tri/chuyen-muc", N_("News categories"), N_("The portal's categories and columns"),
	  "news.edit|news.publish", 0 },
	{ "/quan-tri/truy-cap", N_("Visitors"),
	  N_("Visits and page views of the portal by day; the most viewed pages"), "audit.read", 0 },
	{ "/quan-tri/don-vi", N_("Units"), N_("The organisation tree: add, edit, move, deactivate"),
	  "unit.manage", 0 },
	{ "/quan-tri/so-bien-lai", N_("Receipt books"),
	  N_("Template, series and year of each unit's e-receipts"), "unit.manage", 0 },
	{ "/quan-tri/nguoi-dung", N_("Users"), N_("Staff accounts, roles and passwords"), "user.read", 0 },
	{ "/quan-tri/uy-quyen", N_("Delegations"), N_("Powers delegated in writing (TUQ.)"), NULL, 0 },
	{ "/quan-tri/nhat-ky", N_("Audit log"), N_("Who did what, when; check the chain"), "audit.read", 0 },
	{ "/quan-tri/thu-tuc", N_("Procedure catalogue"), N_("Procedures, their versions, import and export"),
	  "procedure.manage", 1 },
	{ "/quan-tri/lich-lam-viec", N_("Working-time calendar"),
	  N_("Holidays, make-up days and working hours"), NULL, 0 },
	{ "/tai-khoan/mat-khau", N_("Change password"), N_("Your own password"), NULL, 0 },
};

int page_staff_home(struct request *req)
{
	const struct account *u = req_user(req);
	struct db *db = db_thread();
	const struct actor *actor;
	json_t *ctx, *roles, *dels, *links;

	if (req_staff_only(req))
		return 0;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	ctx = page_context(req, _("Workspace"));
	roles = json_array();
	dels = json_array();
	links = json_array();
	/* the actor as the permission check sees him (loaded once for the request) */
	if (req_can(req, "user.read", 0, 0, NULL) < 0 || !((struct app_req *)req->app)->actor_loaded) {
		json_decref(ctx);
		json_decref(roles);
		json_decref(dels);
		json_decref(links);
		resp_unavailable(req);
		return 0;
	}
	actor = &((struct app_req *)req->app)->actor;
	for (size_t i = 0; i < actor->ngrants; i++) {
		const struct grant *g = &actor->grants[i];
		json_array_append_new(roles,
				      json_pack("{s:s,s:s,s:b}", "name", _(permission_role_label(g->role)),
						"unit", unit_name(db, &req->arena, g->unit_id), "descendants",
						g->reaches_descendants));
	}
	for (size_t i = 0; i < actor->ndelegations; i++) {
		const struct delegation *d = &actor->delegations[i];
		char until[32], date[16], time[8];
		time_fmt_date_vn(date, sizeof(date), d->valid_to);
		time_fmt_time_vn(time, sizeof(time), d->valid_to);
		snprintf(until, sizeof(until), "%s %s", time, date);
		json_array_append_new(dels,
				      json_pack("{s:s,s:s,s:s,s:s}", "power", _(permission_label(d->power)),
						"unit", unit_name(db, &req->arena, d->unit_id), "decision_no",
						d->decision_no, "until", until));
	}
	for (size_t i = 0; i < sizeof(admin_links) / sizeof(admin_links[0]); i++) {
		int64_t *units;
		size_t n = 0;
		if (admin_links[i].top) {
			int yes = req_can_at_top(req, admin_links[i].action);
			if (yes < 0) {
				json_decref(ctx);
				json_decref(roles);
				json_decref(dels);
				json_decref(links);
				return 0;
			}
			n = (size_t)yes;
		} else if (admin_links[i].action) {
			/* "a|b|c": any of these actions */
			char one[64];
			const char *p = admin_links[i].action;
			while (*p && !n) {
				size_t len = strcspn(p, "|");
				snprintf(one, sizeof(one), "%.*s", (int)len, p);
				if (req_scope(req, one, &units, &n)) {
					json_decref(ctx);
					json_decref(roles);
					json_decref(dels);
					json_decref(links);
					return 0;
				}
				p += len + (p[len] == '|');
			}
		}
		if (admin_links[i].action && !n)
			continue;
		json_array_append_new(links,
				      json_pack("{s:s,s:s,s:s}", "href", admin_links[i].href, "title",
						_(admin_links[i].title), "text", _(admin_links[i].text)));
	}
	json_object_set_new(ctx, "user", user_json(u));
	json_object_set_new(ctx, "has_roles", json_boolean(json_array_size(roles) > 0));
	json_object_set_new(ctx, "has_delegations", json_boolean(json_array_size(dels) > 0));
	json_object_set_new(ctx, "roles", roles);
	json_object_set_new(ctx, "delegations", dels);
	json_object_set_new(ctx, "links", links);
	json_object_set_new(ctx, "csrf", json_string(req_csrf(req)));
	resp_header(req, "Cache-Control", "no-store");
	page_render(req, 200, "staff_home", ctx);
	return 0;
}

int api_session_create(struct request *req)
{
	const char *username = NULL, *password = NULL;
	char csrf[SESSION_TOKEN_LEN + 1];
	const char *msg = NULL;
	struct account acc;
	struct db *db;
	int64_t id = 0;
	int status;

	if (!req->json || json_unpack(req->json, "{s:s,s:s}", "username", &username, "password", &password)) {
		resp_error(req, 400, "bad_request",
			   _("Send a JSON object with \"username\" and \"password\"."));
		return 0;
	}
	status = do_login(req, username, password, csrf, &id, &msg);
	if (status != 201) {
		resp_error(req, status,
			   status == 429   ? "too_many_attempts"
			   : status == 401 ? "bad_credentials"
			   : status == 400 ? "bad_request"
					   : "db_unavailable",
			   msg);
		return 0;
	}
	db = db_thread();
	if (!db || account_load(db, id, &acc)) {
		resp_unavailable(req);
		return 0;
	}
	resp_json(req, 201, json_pack("{s:o,s:s}", "user", user_json(&acc), "csrf", csrf));
	return 0;
}

int api_session_get(struct request *req)
{
	resp_header(req, "Cache-Control", "no-store");
	resp_json(req, 200, json_pack("{s:o,s:s}", "user", user_json(req_user(req)), "csrf", req_csrf(req)));
	return 0;
}

int api_session_delete(struct request *req)
{
	const struct app_req *ar = req->app;
	if (ar->bearer) {
		resp_error(req, 400, "not_a_session",
			   _("An API token is not a session: revoke it with motcua token revoke."));
		return 0;
	}
	if (end_session(req)) {
		resp_unavailable(req);
		return 0;
	}
	set_session_cookie(req, "", 0);
	resp_json(req, 200, json_pack("{s:b}", "ended", 1));
	return 0;
}
