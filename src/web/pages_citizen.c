/* pages_citizen.c: citizens register themselves (/dang-ky, /api/v1/citizens); their page (/tai-khoan). */
#include <stdio.h>
#include <string.h>
#include "core/i18n.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "features/audit.h"
#include "rules/cccd.h"
#include "rules/contact.h"
#include "rules/password.h"
#include "store/db.h"
#include "web/app.h"
#include "core/banned.h"

#define REGISTER_PATH "/dang-ky"
/* Longest value of any field read (bytes); longer ones are refused by their checks. */
#define FIELD_MAX 1024

/* A registration as typed and as checked. */
struct reg_form {
	/* as typed, surrounding white space removed (shown again on the form) */
	const char *full_name, *citizen_id, *email, *phone;
	const char *password, *password_repeat; /* never shown again; repeat NULL = not asked */
	/* checked and normalised */
	char name[CONTACT_NAME_MAX_BYTES + 1];
	char cccd[16];
	char email_norm[CONTACT_EMAIL_MAX + 1];
	char phone_norm[CONTACT_PHONE_LEN + 1];
	json_t *errors; /* field name → translated message; empty when all is well */
};

static const char *msg_exists(void)
{
	return _("An account with this citizen ID number, email or phone already exists.");
}

static void field_error(struct reg_form *f, const char *field, const char *msgid)
{
	if (!json_object_get(f->errors, field))
		json_object_set_new(f->errors, field, json_string(_(msgid)));
}

/* Check every field, collecting all the errors. Returns 0 when there are none. */
static int reg_validate(struct reg_form *f)
{
	const char *why = NULL;
	struct civil today;
	size_t n = 0;

	f->errors = json_object();
	if (contact_name_check(f->full_name, f->name, sizeof(f->name), &why))
		field_error(f, "full_name", why);

	/* the number as printed on the card may be typed in groups: 001 099 012 345 */
	for (const char *p = f->citizen_id; *p && n < sizeof(f->cccd) - 1; p++)
		if (*p != ' ' && *p != '.')
			f->cccd[n++] = *p;
	f->cccd[n] = '\0';
	time_to_civil(time_now_us() / 1000000, VN_UTC_OFFSET, &today);
	if (!*f->citizen_id)
		field_error(f, "citizen_id", N_("Enter your citizen ID number."));
	else if (cccd_check(f->cccd, today.year, NULL, &why))
		field_error(f, "citizen_id", why);

	if (*f->email && contact_email_check(f->email, f->email_norm, &why))
		field_error(f, "email", why);
	if (*f->phone && contact_phone_check(f->phone, f->phone_norm, &why))
		field_error(f, "phone", why);
	if (!*f->email && !*f->phone) {
		field_error(f, "email", N_("Enter an email address or a phone number (or both)."));
		field_error(f, "phone", N_("Enter an email address or a phone number (or both)."));
	}

	if (!*f->password) {
		field_error(f, "password", N_("Enter a password."));
	} else {
		/* not common, and none of the names the citizen logs in with inside it */
		const char *cccd = json_object_get(f->errors, "citizen_id") ? "" : f->cccd;
		const char *names[] = { NULL, f->email_norm, f->phone_norm, cccd };
		int bad = 0;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !bad; i++)
			if (!i || *names[i])
				bad = password_check(f->password, names[i], &why);
		if (bad)
			field_error(f, "password", why);
	}
	if (f->password_repeat) {
		if (!*f->password_repeat)
			field_error(f, "password_repeat", N_("Enter the password again."));
		else if (strcmp(f->password, f->password_repeat))
			field_error(f, "password_repeat", N_("The two passwords do not match."));
	}
	return json_object_size(f->errors) ? -1 : 0;
}

/*
 * Create the account, its audit entry and (with_session) a session, in one
 * transaction. Returns the HTTP status: 201 with *id, 409 when the citizen
 * ID number, email or phone has an account, 503.
 */
static int reg_create(struct request *req, const struct reg_form *f, int with_session, int64_t *id)
{
	struct db *db = db_thread();
	const struct citizen_reg r = {
		.full_name = f->name,
		.citizen_id = f->cccd,
		.email = f->email_norm,
		.phone = f->phone_norm,
		.password = f->password,
	};
	char actor[32];
	int rc;

	if (!db)
		return 503;
	/* each attempt costs an Argon2id hash and could probe for accounts: a few per address */
	rc = register_throttled(db, req->client_ip, time_now_us() / 1000000);
	if (rc < 0)
		return 503;
	if (rc) {
		char wait[16];
		snprintf(wait, sizeof(wait), "%d", LOGIN_WINDOW);
		resp_header(req, "Retry-After", wait);
		return 429;
	}
	rc = db_begin(db);
	if (!rc)
		rc = account_create_citizen(db, &r, id);
	if (!rc) {
		snprintf(actor, sizeof(actor), "account:%lld", (long long)*id);
		rc = req_audit(req, db, actor, "account.register", actor, "{}");
	}
	if (!rc && with_session)
		rc = start_session(req, db, *id, NULL);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		if (rc == DB_CONSTRAINT) {
			log_info("event=register_refused reason=exists id=%s", req->id);
			return 409;
		}
		log_error("event=db msg=\"registration failed\" id=%s", req->id);
		return 503;
	}
	log_info("event=register account=%lld id=%s", (long long)*id, req->id);
	return 201;
}

/* "*********345": only the last three digits of a citizen ID number are shown. */
static const char *masked_cccd(struct request *req, const char *id)
{
	size_t n = strlen(id);
	char *out = arena_alloc(&req->arena, n + 1);
	for (size_t i = 0; i < n; i++)
		out[i] = i + 3 < n ? '*' : id[i];
	out[n] = '\0';
	return out;
}

static void render_register(struct request *req, int status, const struct reg_form *f, const char *error)
{
	json_t *ctx = page_context(req, _("Register"));
	json_object_set_new(ctx, "form",
			    json_pack("{s:s,s:s,s:s,s:s,s:s}", "csrf", preform_token(req, REGISTER_PATH),
				      "full_name", f ? f->full_name : "", "citizen_id",
				      f ? f->citizen_id : "", "email", f ? f->email : "", "phone",
				      f ? f->phone : ""));
	if (f && f->errors && json_object_size(f->errors))
		json_object_set(ctx, "errors", f->errors);
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	resp_header(req, "Cache-Control", "no-store");
	page_render(req, status, "register", ctx);
}

int page_register_form(struct request *req)
{
	const struct account *u = req_user(req);
	if (u) {
		resp_redirect(req, account_home(u));
		return 0;
	}
	render_register(req, 200, NULL, NULL);
	return 0;
}

int page_register_post(struct request *req)
{
	struct reg_form f;
	int64_t id = 0;
	int status;

	memset(&f, 0, sizeof(f));
	f.full_name = input_trim(req, req_form(req, "full_name"));
	f.citizen_id = input_trim(req, req_form(req, "citizen_id"));
	f.email = input_trim(req, req_form(req, "email"));
	f.phone = input_trim(req, req_form(req, "phone"));
	/* passwords as typed: spaces are part of them */
	f.password = req_form(req, "password") ? req_form(req, "password") : "";
	f.password_repeat = req_form(req, "password_repeat") ? req_form(req, "password_repeat") : "";
	if (!preform_token_ok(req)) {
		render_register(
			req, 403, &f,
			_("The form has expired or did not come from this site. Please reload the page and try again."));
		return 0;
	}
	if (reg_validate(&f)) {
		render_register(req, 400, &f, _("Please correct the fields marked below."));
		json_decref(f.errors);
		return 0;
	}
	json_decref(f.errors);
	f.errors = NULL;
	status = reg_create(req, &f, 1, &id);
	if (status != 201) {
		render_register(
			req, status, &f,
			status == 409 ? msg_exists()
			: status == 429
				? _("Too many registrations from this address. Please wait 15 minutes and try again.")
				: msg_unavailable());
		return 0;
	}
	preform_token_clear(req, REGISTER_PATH);
	resp_redirect(req, "/tai-khoan");
	return 0;
}

int api_citizens_create(struct request *req)
{
	const char *name = NULL, *cccd = NULL, *email = NULL, *phone = NULL, *password = NULL, *repeat = NULL;
	struct reg_form f;
	struct account acc;
	struct db *db;
	int64_t id = 0;
	int status;

	if (!req->json || json_unpack(req->json, "{s?s,s?s,s?s,s?s,s?s,s?s}", "full_name", &name,
				      "citizen_id", &cccd, "email", &email, "phone", &phone, "password",
				      &password, "password_repeat", &repeat)) {
		resp_error(
			req, 400, "bad_request",
			_("Send a JSON object whose fields full_name, citizen_id, email, phone and password are strings."));
		return 0;
	}
	memset(&f, 0, sizeof(f));
	f.full_name = input_trim(req, name);
	f.citizen_id = input_trim(req, cccd);
	f.email = input_trim(req, email);
	f.phone = input_trim(req, phone);
	f.password = password ? password : "";
	f.password_repeat = repeat; /* optional here: a program does not mistype */
	if (reg_validate(&f)) {
		resp_json(req, 400,
			  json_pack("{s:{s:s,s:s,s:o}}", "error", "code", "invalid", "message",
				    _("Some fields are not valid."), "fields", f.errors));
		return 0;
	}
	json_decref(f.errors);
	f.errors = NULL;
	status = reg_create(req, &f, 0, &id);
	if (status == 429) {
		resp_error(
			req, 429, "too_many_attempts",
			_("Too many registrations from this address. Please wait 15 minutes and try again."));
		return 0;
	}
	if (status == 409) {
		resp_error(req, 409, "account_exists", msg_exists());
		return 0;
	}
	db = db_thread();
	if (status != 201 || !db || account_load(db, id, &acc)) {
		resp_error(req, 503, "db_unavailable", msg_unavailable());
		return 0;
	}
	resp_header(req, "Cache-Control", "no-store");
	resp_json(req, 201,
		  json_pack("{s:{s:I,s:s,s:s,s:s,s:s,s:s}}", "account", "id", (json_int_t)acc.id, "kind",
			    acc.kind, "full_name", acc.full_name, "citizen_id",
			    masked_cccd(req, acc.citizen_id), "email", acc.email, "phone", acc.phone));
	return 0;
}

int page_citizen_home(struct request *req)
{
	const struct account *u = req_user(req);
	json_t *ctx;

	if (strcmp(u->kind, "citizen")) {
		resp_redirect(req, account_home(u));
		return 0;
	}
	/* his own records: the permission check says so like everywhere else */
	if (req_require(req, "citizen.self", 0, u->id))
		return 0;
	ctx = page_context(req, _("My account"));
	json_object_set_new(ctx, "user",
			    json_pack("{s:s,s:s,s:s,s:s}", "full_name", u->full_name, "citizen_id",
				      masked_cccd(req, u->citizen_id), "email", u->email, "phone", u->phone));
	json_object_set_new(ctx, "csrf", json_string(req_csrf(req)));
	resp_header(req, "Cache-Control", "no-store");
	page_render(req, 200, "citizen_home", ctx);
	return 0;
}
