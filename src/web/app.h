/* app.h: the web application: configuration, routes, page rendering, start and stop. */
#ifndef WEB_APP_H
#define WEB_APP_H

#include <jansson.h>
#include "features/accounts.h"
#include "features/authz.h"
#include "features/mail.h"
#include "features/sessions.h"
#include "http/http.h"
#include "web/template.h"

/* Site identity shown on every page; from the settings table, overridden by configuration. */
struct site_info {
	char *name; /* "UBND quận Thanh Xuân" */
	char *address;
	char *phone;
	char *email;
};

struct app_config {
	const char *listen; /* "127.0.0.1:8080" */
	const char *db;
	const char *data;
	unsigned threads;
	int dev;		   /* read templates from disk on each request */
	const char *templates_dir; /* where --dev reads them (default "templates") */
	const char *trusted_proxy;
	struct http_limits limits;
	unsigned shutdown_grace_ms;
	struct {
		const char *name, *address, *phone, *email;
	} site; /* configured values (NULL = from the database) */
	/* the SMTP server for email to citizens (features/mail.h) */
	struct mail_config mail;
	/* the site's public address (https://dichvucong.example.gov.vn), for links given away */
	const char *public_url;
	/* online payment of fees (features/payments.h): the provider's gateway and shared secret */
	struct {
		const char *gateway; /* NULL: off */
		unsigned char secret[256];
		size_t secret_len;
	} payment;
};

/* The running application, shared read-only by all worker threads. */
struct app {
	struct app_config cfg;
	struct site_info site;
	struct tmpl_set *tmpl[2]; /* parsed templates per language (enum i18n_lang) */
	struct server *srv;
	int64_t started_us; /* wall clock, for uptime */
	/* parts of every page's context, built once (render_init) and shared read-only */
	unsigned char client_key[32]; /* keys the hash of client addresses in the audit log */
	json_t *site_json;
	json_t *assets_json; /* URLs of static files with their content tag */
	json_t *nav[2][8];   /* per language, per current item (last = none) */
};

extern struct app *the_app;

/* Fill defaults: listen 127.0.0.1:8080, db motcua.db, data ./data, threads = cores. */
void app_config_default(struct app_config *cfg);

/*
 * Open the database, apply migrations, load templates, start listening and
 * serve until SIGTERM or SIGINT; then stop gracefully. Returns a process exit
 * code (see main.c).
 */
int app_serve(const struct app_config *cfg);

/* Load (or in --dev mode reload) the template set for a language; NULL with *err on failure. */
struct tmpl_set *app_load_templates(const struct app_config *cfg, int lang, char **err);

/* ---- rendering (render.c) ---- */

/* Build the shared parts of page contexts; render_release frees them. */
void render_init(struct app *app);
void render_release(struct app *app);
/* The context every page gets: site, language, navigation, current path. Caller adds "page". */
json_t *page_context(struct request *req, const char *title);
/* Render template `name` with `ctx` (stolen) into the response as an HTML page. */
void page_render(struct request *req, int status, const char *name, json_t *ctx);
/* The error page hook for the HTTP layer. */
void page_error(struct request *req, int status, const char *code, const char *message);

/* What the web layer knows of a request: who is logged in (pages_login.c). */
struct app_req {
	int logged_in;
	int bearer; /* authenticated by an API token: no cookie, so no CSRF check */
	struct account user;
	char token[SESSION_TOKEN_LEN + 1];
	char csrf[SESSION_TOKEN_LEN + 1];
	char scopes[256]; /* an API token's scopes ("" = the account's own rights) */
	/* loaded on first use by the permission helpers (access.c) */
	int actor_loaded, tree_loaded;
	struct actor actor;
	struct unit_tree tree;
};

/*
 * Append to the audit log for this request (inside the caller's transaction):
 * `actor` (NULL = the logged-in account, or "anonymous"), the account's unit,
 * and the client's address as a keyed hash, never the address itself.
 */
int req_audit(struct request *req, struct db *db, const char *actor, const char *action, const char *object,
	      const char *detail_json);
/* The same as the logged-in account with `detail` (stolen) written as compact JSON, keys sorted. */
int req_audit_json(struct request *req, struct db *db, const char *action, const char *object,
		   json_t *detail);
/* The same under another unit (0 = none): a login's rows go under the unit of the account logging in. */
int req_audit_unit(struct request *req, struct db *db, const char *actor, int64_t unit_id, const char *action,
		   const char *object, const char *detail_json);

/*
 * Permissions (access.c): every handler asks before it reads or changes
 * anything that belongs to a unit or a citizen. The actor's roles and
 * delegations are read from the database once per request, so a grant or a
 * revocation counts from the next request on. An API token with scopes may
 * do only the actions it names.
 *
 * req_can: may the logged-in account do `action` on something of `unit_id`
 * (0 = no unit) belonging to the citizen account `owner` (0 = none)? 1 yes,
 * 0 no (also when nobody is logged in), negative on a database error. *via
 * (may be NULL) as for can(): the delegation used, for "TUQ.".
 * req_require: the same, answering 403 (or 503) itself when the answer is
 * not yes; 0 when allowed, 1 when it has answered.
 * req_scope: the units where the account may do `action`, sorted by id, in
 * the request's arena; 0, or 1 when it has answered 503.
 * req_units: the unit tree (loaded once per request), NULL after answering
 * 503.
 * req_staff_only: answers 403 to a citizen (or anyone not staff) and
 * returns 1; 0 for staff.
 */
int req_can(struct request *req, const char *action, int64_t unit_id, int64_t owner,
	    const struct delegation **via);
int req_require(struct request *req, const char *action, int64_t unit_id, int64_t owner);
int req_scope(struct request *req, const char *action, int64_t **units, size_t *n);
/*
 * The agencies (governing units) whose figures the user may see, sorted by id: those where he
 * holds one of the `work` actions, at the agency or at one of its sections; and every agency at
 * or below one where he holds one of the `oversee` actions. 0, or 1 after answering 503.
 * req_default_agency: the one to show when none is asked: the user's own agency when among
 * them, else the highest of them; 0 when there is none.
 */
int req_agencies_seen(struct request *req, const char *const *work, size_t nwork, const char *const *oversee,
		      size_t nover, int64_t **out, size_t *n);
int64_t req_default_agency(struct request *req, const int64_t *allowed, size_t n);
const struct unit_tree *req_units(struct request *req);
int req_staff_only(struct request *req);
/* 1 unless the request comes with an API token whose scopes leave `action` out (its own records too). */
int req_scope_allows(const struct request *req, const char *action);
/*
 * 1 when the account may do `action` at `unit_id` and at every unit below it
 * (what a grant reaching descendants would pass on), 0 when not, -1 after
 * answering 503.
 */
int req_can_subtree(struct request *req, const char *action, int64_t unit_id);
/*
 * 1 when the account may do `action` at a governing unit (a province, city
 * or district: not a ward, commune, department or one-stop section): what
 * is shared by the units below it (the procedure catalogue, the whole
 * audit chain). 0 when not, -1 after answering 503.
 */
int req_can_at_top(struct request *req, const char *action);
/* "account:12" for the logged-in account (the audit log's actor), in the request's arena. */
const char *req_actor_name(struct request *req);
/* Seconds since the epoch, the clock every permission check of the request uses. */
int64_t req_now(const struct request *req);

/*
 * Input (input.c). input_trim: an arena copy of s without surrounding white
 * space, "" for NULL; never cut (the body limit bounds it and each field's
 * check refuses what is too long; a cut could end inside a character).
 * input_id: a positive decimal id as written in a path, form or query
 * (digits only, at most 15), or 0. req_param_id: the route's {id} so.
 * ids_contain: 1 when x is in the sorted v[0..n). ids_cmp: the qsort order of
 * int64_t ids, ascending. ids_sort_unique: sort v[0..n) and drop repeats,
 * the new length. resp_unavailable: 503, the database does not answer.
 */
const char *input_trim(struct request *req, const char *s);
/* s percent-encoded for a query string (RFC 3986 unreserved characters kept), in the request's arena. */
const char *input_url_encode(struct request *req, const char *s);
int64_t input_id(const char *s);
int64_t req_param_id(const struct request *req);
int ids_contain(const int64_t *v, size_t n, int64_t x);
int ids_cmp(const void *a, const void *b);
size_t ids_sort_unique(int64_t *v, size_t n);
/*
 * A unit as a chooser's option {id, name, selected}, its name indented two no-break spaces (which
 * a browser keeps) per level of depth, under the units above it.
 */
json_t *unit_option_json(int64_t id, const char *name, size_t depth, int selected);
void resp_unavailable(struct request *req);
/* That message, translated. */
const char *msg_unavailable(void);
/*
 * "https://host[:port]": the configured public address (--public-url), else the Host the
 * browser used (for a trial), else the listen address. For printed links and QR codes.
 */
const char *req_site_url(struct request *req);

/* The logged-in account, or NULL. */
const struct account *req_user(const struct request *req);
/* The session's CSRF token ("" without a session), for forms. */
const char *req_csrf(const struct request *req);
/* The before hook: session, login and CSRF checks from the route's flags. */
int app_before(struct request *req);
/*
 * Forms posted before there is a session (login, registration): a fresh
 * token for the hidden field "csrf", also set as the cookie "lcsrf" scoped to
 * `path` (SameSite=Strict), so a form posted from another site lacks it.
 * preform_token_ok: 1 when the posted field matches the cookie.
 * preform_token_clear: drop the cookie once the form has done its work.
 */
const char *preform_token(struct request *req, const char *path);
int preform_token_ok(const struct request *req);
void preform_token_clear(struct request *req, const char *path);
/*
 * Start a session for the account inside the caller's write transaction
 * (session_create) and set its cookie on the response; csrf (may be NULL)
 * gets the session's CSRF token. Should the transaction then fail, the
 * cookie names a session that never existed: the same as none.
 */
int start_session(struct request *req, struct db *db, int64_t account_id, char csrf[SESSION_TOKEN_LEN + 1]);
/* The page an account lands on after login: /tai-khoan for citizens, /quan-tri for staff. */
const char *account_home(const struct account *a);

/* ---- handlers ---- */
int page_home(struct request *req);
int page_static(struct request *req);
int page_favicon(struct request *req);
int page_robots(struct request *req);
int page_language(struct request *req);
int page_healthz(struct request *req);
int page_metrics(struct request *req);
int api_version(struct request *req);
int page_login_form(struct request *req);
int page_login_post(struct request *req);
int page_logout(struct request *req);
int page_staff_home(struct request *req);
int api_session_create(struct request *req);
int api_session_get(struct request *req);
int api_session_delete(struct request *req);
int page_register_form(struct request *req);
int page_register_post(struct request *req);
int page_citizen_home(struct request *req);
int api_citizens_create(struct request *req);
/* access.c */
int api_permissions(struct request *req);
/* pages_users.c */
int page_password_form(struct request *req);
int page_password_post(struct request *req);
int page_users(struct request *req);
int page_user_new(struct request *req);
int page_user_create(struct request *req);
int page_user_edit(struct request *req);
int page_user_update(struct request *req);
int page_user_reset_password(struct request *req);
int page_role_grant(struct request *req);
int page_role_revoke(struct request *req);
int api_users_list(struct request *req);
int api_users_create(struct request *req);
int api_user_get(struct request *req);
int api_user_update(struct request *req);
int api_roles_list(struct request *req);
int api_roles_grant(struct request *req);
int api_role_revoke(struct request *req);
/* pages_units.c */
int page_units(struct request *req);
int page_unit_new(struct request *req);
int page_unit_create(struct request *req);
int page_unit_edit(struct request *req);
int page_unit_update(struct request *req);
int page_unit_delete(struct request *req);
int api_units_list(struct request *req);
int api_units_create(struct request *req);
int api_unit_get(struct request *req);
int api_unit_update(struct request *req);
int api_unit_delete(struct request *req);
/*
 * The staff account {id} of the user pages, checked: the logged-in user may
 * do `action` (user.read, user.manage) at its unit, and for user.manage at
 * every unit where it holds a role. 0 with *out; 1 when answered (403 to
 * citizens and to those who may not, 404 for no such staff account, 503).
 * (pages_users.c)
 */
int staff_target_load(struct request *req, struct db *db, int64_t id, const char *action,
		      struct account *out);
/*
 * Add "tokens" to the context of the page of the staff account `t` (which
 * the logged-in user may read): its API tokens, newest first, without their
 * values; with user.manage at its unit, the revoke buttons and the create
 * form with the permissions he may put on a token; and, in the response to
 * that form (page_token_create), the new token, shown this once, or the
 * form's errors. Also sets the page's "notice" after a revocation
 * (?msg=token_revoked) and its "error" after a refused form. Returns 0, or
 * 1 when it has answered 503. (pages_tokens.c)
 */
int tokens_page_context(struct request *req, struct db *db, const struct account *t, json_t *ctx);
/* pages_tokens.c */
int page_token_create(struct request *req);
int page_token_revoke(struct request *req);
int api_tokens_list(struct request *req);
int api_tokens_create(struct request *req);
int api_token_revoke(struct request *req);
/* pages_procedures.c */
int page_procedures(struct request *req);
int page_procedure(struct request *req);
int page_procedure_form(struct request *req);
/*
 * The template context of a procedure version as templates/procedure.mustache
 * shows it (its "p"): with `public_page`, the "Nộp hồ sơ trực tuyến" link
 * too. Blank forms link to their download only for the published version.
 */
struct proc_version;
json_t *procedure_view(struct request *req, const struct proc_version *v, int public_page);
int api_procedures_list(struct request *req);
int api_procedure_get(struct request *req);
int api_procedure_fee(struct request *req);
/* pages_procedures_admin.c */
int page_proc_admin(struct request *req);
int page_proc_new(struct request *req);
int page_proc_create(struct request *req);
int page_proc_edit(struct request *req);
int page_proc_version(struct request *req);
int page_proc_update(struct request *req);
int page_proc_publish(struct request *req);
int page_proc_unpublish(struct request *req);
int page_proc_import_form(struct request *req);
int page_proc_import(struct request *req);
int page_proc_export(struct request *req);
int page_proc_fields(struct request *req);
int page_proc_fields_post(struct request *req);
int api_procedures_create(struct request *req);
int api_procedure_update(struct request *req);
int api_procedure_publish(struct request *req);
int api_procedure_unpublish(struct request *req);
int api_procedures_import(struct request *req);
int api_procedures_export(struct request *req);
/* pages_delegations.c */
int page_delegations(struct request *req);
int page_delegation_new(struct request *req);
int page_delegation_create(struct request *req);
int page_delegation_revoke(struct request *req);
int api_delegations_list(struct request *req);
int api_delegations_create(struct request *req);
int api_delegation_get(struct request *req);
int api_delegation_revoke(struct request *req);
/* pages_audit.c */
int page_audit(struct request *req);
int api_audit_list(struct request *req);

/* The route table (app.c). */
extern const struct route app_routes[];
extern const size_t app_nroutes;

/* the working-time calendar (pages_calendar.c) */
int api_calendar_due(struct request *req);
int api_calendar_list(struct request *req);
int api_calendar_day_set(struct request *req);
int api_calendar_day_clear(struct request *req);
int page_calendar(struct request *req);
int page_calendar_post(struct request *req);

/*
 * Downloads (pages_procedures.c). file_read_whole: a file appended whole to
 * out when at most max bytes; 0, 1 when larger, -1 with errno.
 * download_disposition: Content-Disposition "attachment" for a file named
 * `name` (UTF-8): an ASCII fallback and the RFC 5987 UTF-8 name.
 */
int file_read_whole(const char *path, size_t max, struct buf *out);
const char *download_disposition(struct request *req, const char *name);

/*
 * Uploaded documents (uploads.c). upload_doc_type: "application/pdf",
 * "image/jpeg" or "image/png" when the file's content is one of them (its
 * first bytes, and libmagic agreeing), NULL for anything else.
 * upload_file_name: the name a file is kept under: the client's base name
 * without control characters, bidirectional overrides, path separators or
 * invalid UTF-8, at most 200 bytes; "tep-N.pdf" when nothing is left.
 */
const char *upload_doc_type(const char *path);
const char *upload_file_name(struct request *req, const char *name, const char *mime, size_t idx);
/* The file sent in form field `field` (one with bytes or a name), NULL when none. */
const struct upload *req_upload(const struct request *req, const char *field);

/* the one-stop shop, staff (pages_dossiers.c) */
int page_dossiers(struct request *req);
int page_intake_form(struct request *req);
int page_intake_post(struct request *req);
int page_dossier_book(struct request *req);
int page_dossier(struct request *req);
int page_dossier_act(struct request *req);
int page_dossier_form(struct request *req);
int page_dossier_file(struct request *req);
int api_dossiers_create(struct request *req);
int api_dossiers_list(struct request *req);
int api_dossier_get(struct request *req);
int api_dossier_act(struct request *req);

/*
 * fees and electronic receipts (pages_receipts.c). receipt_keys_dir: where the collecting
 * units' keys and certificates are ({data}/receipt-keys). receipt_signature_state: 1 when the
 * stored XML's signature checks with the unit's certificate and the XML says what the row says
 * (number, series, template, lookup code, total), 0 when not, -1 when it cannot be checked;
 * vcode (16 bytes, may be NULL) the document's verification code. amount_text: 1234000 as
 * "1.234.000". input_day: "2026-11-27" as its local midnight, a real date from 2000 to 2099,
 * 0 for anything else.
 */
struct receipt;
const char *receipt_keys_dir(struct request *req);
int receipt_signature_state(struct request *req, const struct receipt *r, char *vcode);
const char *amount_text(struct request *req, int64_t v);
int64_t input_day(const char *s);
int api_receipt_books(struct request *req);
int api_receipt_books_create(struct request *req);
int api_receipts_create(struct request *req);
int api_receipts_list(struct request *req);
int api_receipt_get(struct request *req);
int api_receipt_cancel(struct request *req);
int api_receipt_replace(struct request *req);
int api_public_receipt(struct request *req);
int page_receipt_public(struct request *req);
int page_receipt_pdf(struct request *req);
int page_receipt_xml(struct request *req);
/* what was collected, reconciled with the dossiers (pages_receipt_report.c) */
int page_receipt_report(struct request *req);
/*
 * The dashboards' SVG bar charts (chart.c): a coordinate with one decimal; the least of 1, 2, 5,
 * 10, 20, 50 … at or above v (at least 1); the horizontal grid and its labels 0 … top for a plot
 * from y0 (bottom) up h units between x1 and x2; a bar with its class and title.
 */
const char *chart_fmt1(struct request *req, double v);
int64_t chart_nice_ceiling(int64_t v);
json_t *chart_grid(struct request *req, int64_t top, double x1, double x2, double y0, double h);
json_t *chart_rect(struct request *req, const char *cls, double x, double y, double w, double h,
		   const char *tip);
/* the portal's visitor statistics (pages_visitors.c) */
int api_public_visitors(struct request *req);
int page_visitor_stats(struct request *req);
int api_visitor_stats(struct request *req);
/* citizens' satisfaction (pages_satisfaction.c) */
int page_rating_form(struct request *req);
int page_rating_post(struct request *req);
int page_rating_kiosk(struct request *req);
int page_satisfaction_public(struct request *req);
int api_satisfaction_stats(struct request *req);
int api_rating_post(struct request *req);
/* the leaders' weekly work schedule (pages_schedule.c) */
int page_schedule_public(struct request *req);
int page_schedule_admin(struct request *req);
int page_schedule_create(struct request *req);
int page_schedule_update(struct request *req);
int api_schedule(struct request *req);
/* the news portal (pages_news.c, pages_news_admin.c): its declarations go here */
int page_news_index(struct request *req);
int page_news_atom(struct request *req);
int page_news_article(struct request *req);
int page_news_category(struct request *req);
int page_news_category_atom(struct request *req);
int page_news_search(struct request *req);
int page_sitemap(struct request *req);
int api_news_list(struct request *req);
int api_news_get(struct request *req);
int page_news_admin(struct request *req);
int page_news_new(struct request *req);
int page_news_create(struct request *req);
int page_news_edit(struct request *req);
int page_news_update(struct request *req);
int page_news_act(struct request *req);
int page_news_categories(struct request *req);
int page_news_category_create(struct request *req);
int page_news_category_update(struct request *req);
/* pages_documents.c: the e-office's home (queues) and its statistics */
int page_documents_home(struct request *req);
int page_doc_stats(struct request *req);
int api_doc_stats(struct request *req);
/* pages_doc_incoming.c: incoming documents (văn bản đến) */
int page_doc_in_list(struct request *req);
int page_doc_in_new(struct request *req);
int page_doc_in_register(struct request *req);
int page_doc_in_create(struct request *req);
int page_doc_in_view(struct request *req);
int page_doc_in_act(struct request *req);
int page_doc_in_file(struct request *req);
int api_doc_in_list(struct request *req);
int api_doc_in_create(struct request *req);
int api_doc_in_register(struct request *req);
int api_doc_in_get(struct request *req);
int api_doc_in_file(struct request *req);
int api_doc_in_act(struct request *req);
/*
 * The e-office home's incoming queues (to read, to handle, overdue) of the logged-in user: an
 * array of {label, href, count, urgent}; NULL after answering (403 to citizens, 503).
 */
json_t *doc_in_home_queues(struct request *req);
/* pages_doc_outgoing.c: outgoing documents (văn bản đi) */
int page_doc_out_list(struct request *req);
int page_doc_out_new(struct request *req);
int page_doc_out_register(struct request *req);
int page_doc_out_create(struct request *req);
int page_doc_out_view(struct request *req);
int page_doc_out_update(struct request *req);
int page_doc_out_act(struct request *req);
int page_doc_out_file(struct request *req);
int api_doc_out_list(struct request *req);
int api_doc_out_create(struct request *req);
int api_doc_out_register(struct request *req);
int api_doc_out_get(struct request *req);
int api_doc_out_file(struct request *req);
int api_doc_out_act(struct request *req);
/* The e-office home's outgoing queues of the logged-in user, as doc_in_home_queues. */
json_t *doc_out_home_queues(struct request *req);
/* pages_doc_exchange.c: edXML export and import between agencies */
int api_doc_out_edxml(struct request *req);
int api_doc_in_edxml(struct request *req);
/* signing by order (pages_doc_sign_orders.c) */
int page_doc_sign_orders(struct request *req);
int page_doc_sign_order_create(struct request *req);
int page_doc_sign_order_revoke(struct request *req);
int api_doc_sign_orders(struct request *req);
int api_doc_sign_order_create(struct request *req);
int api_doc_sign_order_revoke(struct request *req);
int api_doc_ex_status(struct request *req);
int api_doc_ex_outbox(struct request *req);
int api_doc_ex_outbox_get(struct request *req);
int api_doc_ex_outbox_sent(struct request *req);
/* pages_news_images.c: the articles' images, uploaded by editors and served to everyone */
int page_news_image(struct request *req);
int page_news_image_upload(struct request *req);
/* online payment of fees (pages_dossiers_public.c) */
int page_lookup_pay(struct request *req);
int api_public_payment_start(struct request *req);
int api_payment_callback(struct request *req);
int api_receipt_report(struct request *req);
/* the collector's and the administrator's pages (pages_receipts_staff.c) */
int page_receipts(struct request *req);
int page_receipt_new(struct request *req);
int page_receipt_issue(struct request *req);
int page_receipt(struct request *req);
int page_receipt_cancel(struct request *req);
int page_receipt_replace_form(struct request *req);
int page_receipt_replace(struct request *req);
int page_receipt_books(struct request *req);
int page_receipt_books_post(struct request *req);
int page_receipt_book_post(struct request *req);

/*
 * A dossier as JSON for the API and the templates (pages_dossiers.c):
 * staff get everything; a citizen (staff = 0) his own dossier without the
 * internal notes of non-public events. Times as ISO-8601 with +07:00 and as
 * dd/mm/yyyy HH:MM text ("received_text"), labels translated.
 */
struct dossier;
json_t *dossier_view(struct request *req, const struct dossier *d, int staff);
/* A dossier's instant as "2026-11-26T08:30:00+07:00" (JSON null for 0), and as "08:30 26/11/2026" ("" for 0).
 */
json_t *dossier_iso(int64_t t);
const char *dossier_when_text(struct request *req, int64_t t);

/* the one-stop shop's statistics (pages_dossier_stats.c) */
int page_dossier_stats(struct request *req);
int api_dossier_stats(struct request *req);

/* the one-stop shop, citizens and the public (pages_dossiers_public.c) */
int page_submit_form(struct request *req);
int page_submit_post(struct request *req);
int page_my_dossiers(struct request *req);
int page_my_dossier(struct request *req);
int page_my_dossier_withdraw(struct request *req);
int page_my_dossier_supply(struct request *req);
int page_lookup(struct request *req);
int api_public_dossiers_create(struct request *req);
int api_public_dossiers_list(struct request *req);
int api_public_lookup(struct request *req);

#endif
