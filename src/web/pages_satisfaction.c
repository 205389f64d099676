/*
 * pages_satisfaction.c: citizens' satisfaction (SIPAS): the rating form a returned dossier's link
 * opens (/danh-gia/{code}?k=KEY), the kiosk at the counter (/mot-cua/danh-gia), the public index
 * (/chi-so-hai-long) and their JSON (GET /api/v1/stats/satisfaction, POST /api/v1/public/ratings).
 *
 * The rating key (features/satisfaction.h) is what lets one rate: whoever has the link has it; the
 * kiosk hands it over once the clerk's page has checked the code and the 4 digits. So the rating
 * form needs no session and no CSRF token: a page of another site cannot know the key.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/i18n.h"
#include "core/timefmt.h"
#include "features/authz.h"
#include "features/dossiers.h"
#include "features/org.h"
#include "features/satisfaction.h"
#include "rules/dossier.h"
#include "store/db.h"
#include "web/app.h"
#include "core/banned.h"

#define PERIOD_MAX_DAYS 366
/* the kiosk: wrong 4 digits a clerk's account may type in a window before it must wait */
#define KIOSK_FAILS  10
#define KIOSK_WINDOW 600
#define KIOSK_SLOTS  64

/* ---- messages ---- */

static const char *msg_bad_link(void)
{
	return _("This rating link is not valid. Open it again from the email, or from the dossier lookup "
		 "with the dossier code and the 4 digits.");
}

static const char *msg_not_returned(void)
{
	return _(
		"This dossier cannot be rated yet: a dossier is rated once its result has been handed over.");
}

static const char *msg_already(void)
{
	return _("This dossier has already been rated. Each dossier can be rated only once.");
}

static const char *msg_choose_level(void)
{
	return _("Choose one of the five levels.");
}

static const char *msg_not_found(void)
{
	return _("No dossier was found with this code and these 4 digits. Check both and try again.");
}

/* ---- small helpers ---- */

/* The code as typed, letters made upper case (agency codes are: 000.01.15.H26). */
static const char *code_norm(struct request *req, const char *s)
{
	char *out = arena_strdup(&req->arena, input_trim(req, s));
	for (char *c = out; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
	return out;
}

/* The 4 digits as typed, spaces removed. */
static const char *check_norm(struct request *req, const char *s)
{
	char *out = arena_alloc(&req->arena, strlen(s ? s : "") + 1), *o = out;
	for (; s && *s; s++)
		if (*s != ' ')
			*o++ = *s;
	*o = '\0';
	return out;
}

static int check_ok(const char *s)
{
	if (strlen(s) != 4)
		return 0;
	for (int i = 0; i < 4; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* "85,7 %" for 857 per mille; "–" when there is no index. */
static const char *pct(struct request *req, int permille)
{
	if (permille < 0)
		return "–";
	return arena_printf(&req->arena, "%d,%d %%", permille / 10, permille % 10);
}

static const char *date_text(struct request *req, int64_t t)
{
	char s[16];
	if (!t)
		return "";
	time_fmt_date_vn(s, sizeof(s), t);
	return arena_strdup(&req->arena, s);
}

/* ---- the kiosk's count of wrong 4 digits, per account (in memory) ---- */

static struct {
	int64_t account;
	int64_t start;
	unsigned fails;
} kiosk_slots[KIOSK_SLOTS];
static pthread_mutex_t kiosk_lock = PTHREAD_MUTEX_INITIALIZER;

/* The slot of the account, reset when it belonged to another or its window is over; under the lock. */
static unsigned kiosk_slot(int64_t account, int64_t now)
{
	unsigned i = (unsigned)((uint64_t)account % KIOSK_SLOTS);
	if (kiosk_slots[i].account != account || now - kiosk_slots[i].start >= KIOSK_WINDOW ||
	    now < kiosk_slots[i].start) {
		kiosk_slots[i].account = account;
		kiosk_slots[i].start = now;
		kiosk_slots[i].fails = 0;
	}
	return i;
}

/* 0 when the account may check, else the seconds to wait. */
static int64_t kiosk_wait(int64_t account, int64_t now)
{
	int64_t wait = 0;
	unsigned i;
	pthread_mutex_lock(&kiosk_lock);
	i = kiosk_slot(account, now);
	if (kiosk_slots[i].fails >= KIOSK_FAILS)
		wait = kiosk_slots[i].start + KIOSK_WINDOW - now;
	pthread_mutex_unlock(&kiosk_lock);
	return wait > 0 ? wait : 0;
}

static void kiosk_failed(int64_t account, int64_t now)
{
	pthread_mutex_lock(&kiosk_lock);
	kiosk_slots[kiosk_slot(account, now)].fails++;
	pthread_mutex_unlock(&kiosk_lock);
}

/* ---- the rating form ---- */

/* The rating link of a dossier (path and query), in the request's arena; NULL on error. */
static const char *rating_path(struct request *req, struct db *db, const char *code, const char *extra)
{
	char key[SATISFACTION_KEY_LEN + 1];
	if (satisfaction_key(db, code, key))
		return NULL;
	return arena_printf(&req->arena, "/danh-gia/%s?k=%s%s", code, key, extra ? extra : "");
}

/* What the page shows of the dossier: no name, number or address of anyone. */
static json_t *dossier_facts(struct request *req, const struct satisfaction_dossier *d)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "code", d->code, "procedure_code", d->procedure_code,
			      "procedure_name", d->procedure_name, "unit_name", d->unit_name);
	if (d->returned_at)
		json_object_set_new(o, "returned_text", json_string(date_text(req, d->returned_at)));
	return o;
}

/*
 * The form's context: the five factors with their levels (chosen ones
 * checked), the comment, errors (borrowed, may be NULL) beside their fields.
 */
static json_t *form_view(struct request *req, const char *code, const char *key, int kiosk,
			 const int chosen[SF_COUNT], const char *comment, json_t *errors)
{
	json_t *factors = json_array(), *form, *e;
	for (int f = 0; f < SF_COUNT; f++) {
		json_t *lv = json_array(), *o;
		for (int l = 1; l <= SATISFACTION_LEVELS; l++)
			json_array_append_new(lv, json_pack("{s:i,s:s,s:s,s:b}", "value", l, "label",
							    _(satisfaction_level_label(l)), "id",
							    arena_printf(&req->arena, "f-%s-%d",
									 satisfaction_factor_name(f), l),
							    "checked", chosen && chosen[f] == l));
		o = json_pack("{s:i,s:s,s:s,s:s,s:o}", "n", f + 1, "name", satisfaction_factor_name(f),
			      "label", _(satisfaction_factor_label(f)), "hint",
			      _(satisfaction_factor_hint(f)), "levels", lv);
		if (errors && (e = json_object_get(errors, satisfaction_factor_name(f))))
			json_object_set(o, "field_error", e);
		json_array_append_new(factors, o);
	}
	form = json_pack("{s:s,s:s,s:s,s:b,s:o,s:s,s:i}", "action",
			 arena_printf(&req->arena, "/danh-gia/%s", code), "code", code, "key", key, "kiosk",
			 kiosk, "factors", factors, "comment", comment ? comment : "", "comment_max",
			 SATISFACTION_COMMENT_MAX);
	if (errors && (e = json_object_get(errors, "comment")))
		json_object_set(form, "comment_error", e);
	return form;
}

static json_t *rating_context(struct request *req, int kiosk)
{
	json_t *ctx = page_context(req, kiosk ? _("Rating at the counter") : _("Rate the service"));
	/* the URL holds the key (or the 4 digits): never kept by a cache */
	resp_header(req, "Cache-Control", "no-store");
	if (kiosk)
		json_object_set_new(ctx, "kiosk", json_true());
	return ctx;
}

/* The rating page with only a message (a bad link, not returned, rated): status and message. */
static void render_message(struct request *req, int status, const char *error,
			   const struct satisfaction_dossier *d, int kiosk)
{
	json_t *ctx = rating_context(req, kiosk);
	json_object_set_new(ctx, "error", json_string(error));
	if (d)
		json_object_set_new(ctx, "dossier", dossier_facts(req, d));
	page_render(req, status, "rating", ctx);
}

/*
 * The dossier the key opens: SAT_OK with *d; otherwise the page or JSON
 * error is answered (403 for a bad key, 503) and 1 returned.
 */
static int open_by_key(struct request *req, struct db *db, const char *code, const char *key,
		       struct satisfaction_dossier *d)
{
	int rc = satisfaction_key_ok(db, code, key);
	if (rc == 1)
		rc = satisfaction_dossier(db, &req->arena, code, d);
	else if (rc == 0)
		rc = SAT_NOT_FOUND;
	if (rc == SAT_OK)
		return 0;
	if (rc < 0)
		resp_unavailable(req);
	else if (req->is_api)
		resp_error(req, 403, "bad_key", msg_bad_link());
	else
		render_message(req, 403, msg_bad_link(), NULL, 0);
	return 1;
}

int page_rating_form(struct request *req)
{
	const char *code = code_norm(req, req_param(req, "code"));
	const char *key = input_trim(req, req_query(req, "k"));
	int kiosk = req_query(req, "tai-quay") != NULL;
	struct satisfaction_dossier d;
	struct db *db = db_thread();
	json_t *ctx;

	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	if (open_by_key(req, db, code, key, &d))
		return 0;
	ctx = rating_context(req, kiosk);
	json_object_set_new(ctx, "dossier", dossier_facts(req, &d));
	if (d.rated_at) {
		if (req_query(req, "da-gui"))
			json_object_set_new(ctx, "thanks",
					    json_string(_("Thank you. Your rating has been recorded.")));
		else
			json_object_set_new(
				ctx, "notice",
				json_string(arena_printf(&req->arena,
							 _("This dossier was rated on %s. Thank you."),
							 date_text(req, d.rated_at))));
		if (kiosk)
			json_object_set_new(ctx, "kiosk_next", json_true());
		page_render(req, 200, "rating", ctx);
		return 0;
	}
	if (d.status != DS_RETURNED) {
		json_object_set_new(ctx, "error", json_string(msg_not_returned()));
		page_render(req, 409, "rating", ctx);
		return 0;
	}
	json_object_set_new(ctx, "form", form_view(req, d.code, key, kiosk, NULL, "", NULL));
	page_render(req, 200, "rating", ctx);
	return 0;
}

/*
 * Record the rating in one transaction with its audit row. Returns 201, or
 * 409 with *msg, 422 (a level or the comment: the caller checked them), 503.
 */
static int rate(struct request *req, struct db *db, const struct satisfaction_dossier *d,
		const struct satisfaction_rating *r, const char **msg)
{
	int rc = db_begin(db);
	*msg = NULL;
	if (!rc) {
		rc = satisfaction_rate(db, d->code, r, req_now(req));
		/* no comment and no answer in the audit log: which dossier, and how */
		if (rc == SAT_OK)
			rc = req_audit_unit(req, db, NULL, d->unit_id, "satisfaction.rate",
					    arena_printf(&req->arena, "dossier:%s", d->code),
					    arena_printf(&req->arena, "{\"via\":\"%s\"}",
							 satisfaction_via_name(r->via)));
		if (rc == SAT_OK)
			rc = db_commit(db);
	}
	if (rc == SAT_OK)
		return 201;
	db_rollback(db);
	switch (rc) {
	case SAT_ALREADY: *msg = msg_already(); return 409;
	case SAT_NOT_RETURNED: *msg = msg_not_returned(); return 409;
	case SAT_NOT_FOUND: *msg = msg_bad_link(); return 403;
	case SAT_INVALID: *msg = _("Please correct the fields marked below."); return 422;
	default: return 503;
	}
}

int page_rating_post(struct request *req)
{
	const char *code = code_norm(req, req_param(req, "code"));
	const char *key = input_trim(req, req_form(req, "k"));
	const char *via = req_form(req, "via");
	int kiosk = via && !strcmp(via, "kiosk");
	struct satisfaction_rating r = { .via = kiosk ? SV_KIOSK : SV_LINK };
	struct satisfaction_dossier d;
	struct db *db = db_thread();
	json_t *errors, *ctx;
	const char *comment = NULL, *why = NULL, *msg = NULL;
	int status;

	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	if (open_by_key(req, db, code, key, &d))
		return 0;
	if (d.rated_at) {
		render_message(req, 409, msg_already(), &d, kiosk);
		return 0;
	}
	if (d.status != DS_RETURNED) {
		render_message(req, 409, msg_not_returned(), &d, kiosk);
		return 0;
	}
	errors = json_object();
	for (int f = 0; f < SF_COUNT; f++) {
		r.levels[f] = satisfaction_level_parse(req_form(req, satisfaction_factor_name(f)));
		if (!r.levels[f])
			json_object_set_new(errors, satisfaction_factor_name(f),
					    json_string(msg_choose_level()));
	}
	if (satisfaction_comment_check(&req->arena, req_form(req, "comment"), &comment, &why))
		json_object_set_new(errors, "comment", json_string(_(why)));
	r.comment = comment;
	status = json_object_size(errors) ? 422 : rate(req, db, &d, &r, &msg);
	if (status == 201) {
		json_decref(errors);
		resp_redirect(req,
			      rating_path(req, db, d.code, kiosk ? "&da-gui=1&tai-quay=1" : "&da-gui=1"));
		return 0;
	}
	if (status == 503) {
		json_decref(errors);
		resp_unavailable(req);
		return 0;
	}
	if (status != 422) {
		json_decref(errors);
		render_message(req, status, msg, &d, kiosk);
		return 0;
	}
	/* the form again, with what was chosen and what to correct */
	ctx = rating_context(req, kiosk);
	json_object_set_new(ctx, "dossier", dossier_facts(req, &d));
	json_object_set_new(ctx, "error", json_string(_("Please correct the fields marked below.")));
	json_object_set_new(ctx, "form",
			    form_view(req, d.code, key, kiosk, r.levels,
				      comment ? comment : input_trim(req, req_form(req, "comment")), errors));
	json_decref(errors);
	page_render(req, 422, "rating", ctx);
	return 0;
}

/*
 * POST /api/v1/public/ratings {"dossier": CODE, "key": KEY, "answers":
 * {"access": 1..5, "procedure": …, "officials": …, "result": …, "feedback":
 * …}, "comment": "…"}: 201 with the rating (no comment, nothing personal);
 * 403 bad key; 409 not returned or already rated; 422 with the fields.
 */
int api_rating_post(struct request *req)
{
	const json_t *body = req->json, *answers;
	const char *code, *key, *comment = NULL, *why = NULL, *msg = NULL;
	struct satisfaction_rating r = { .via = SV_API };
	struct satisfaction_dossier d;
	struct db *db = db_thread();
	json_t *errors, *out;
	int status;

	if (!body || !json_is_object(body)) {
		resp_error(req, 400, "bad_request", _("Send the request as a JSON document."));
		return 0;
	}
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	code = code_norm(req, json_string_value(json_object_get(body, "dossier")));
	key = json_string_value(json_object_get(body, "key"));
	if (open_by_key(req, db, code, key ? key : "", &d))
		return 0;
	if (d.rated_at) {
		resp_error(req, 409, "already_rated", msg_already());
		return 0;
	}
	if (d.status != DS_RETURNED) {
		resp_error(req, 409, "not_returned", msg_not_returned());
		return 0;
	}
	errors = json_object();
	answers = json_object_get(body, "answers");
	for (int f = 0; f < SF_COUNT; f++) {
		const json_t *v = json_is_object(answers)
					  ? json_object_get(answers, satisfaction_factor_name(f))
					  : NULL;
		json_int_t l = json_is_integer(v) ? json_integer_value(v) : 0;
		r.levels[f] = l >= 1 && l <= SATISFACTION_LEVELS ? (int)l : 0;
		if (!r.levels[f])
			json_object_set_new(
				errors, arena_printf(&req->arena, "answers.%s", satisfaction_factor_name(f)),
				json_string(msg_choose_level()));
	}
	{
		const json_t *c = json_object_get(body, "comment");
		if (c && !json_is_null(c) && !json_is_string(c))
			json_object_set_new(errors, "comment",
					    json_string(_("The comment is not valid text.")));
		else if (satisfaction_comment_check(&req->arena, json_string_value(c), &comment, &why))
			json_object_set_new(errors, "comment", json_string(_(why)));
	}
	r.comment = comment;
	if (json_object_size(errors)) {
		resp_json(req, 422,
			  json_pack("{s:{s:s,s:s,s:o}}", "error", "code", "invalid", "message",
				    _("Some fields are not valid."), "fields", errors));
		return 0;
	}
	json_decref(errors);
	status = rate(req, db, &d, &r, &msg);
	switch (status) {
	case 201: break;
	case 409:
		resp_error(req, 409, !strcmp(msg, msg_already()) ? "already_rated" : "not_returned", msg);
		return 0;
	case 403: resp_error(req, 403, "bad_key", msg); return 0;
	case 422: resp_error(req, 422, "invalid", msg); return 0;
	default: resp_unavailable(req); return 0;
	}
	out = json_object();
	for (int f = 0; f < SF_COUNT; f++)
		json_object_set_new(out, satisfaction_factor_name(f), json_integer(r.levels[f]));
	resp_json(req, 201,
		  json_pack("{s:s,s:o,s:b,s:s}", "dossier", d.code, "answers", out, "comment_given",
			    *comment != '\0', "via", "api"));
	return 0;
}

/* ---- the kiosk at the counter ---- */

/*
 * GET /mot-cua/danh-gia[?code=…&check=…]: a one-stop clerk's page on the
 * counter's screen. The citizen types the dossier code and the last 4
 * digits of the phone or ID; when they match a returned dossier not yet
 * rated, the rating form follows, with the key, posting to /danh-gia/{code}.
 */
int page_rating_kiosk(struct request *req)
{
	const char *check_typed = req_query(req, "check");
	const char *code = code_norm(req, req_query(req, "code"));
	const char *check = check_norm(req, input_trim(req, check_typed));
	const struct account *u = req_user(req);
	int64_t *units = NULL, wait;
	size_t nunits = 0;
	struct dossier full;
	struct satisfaction_dossier d;
	struct db *db;
	json_t *ctx, *errors;
	char key[SATISFACTION_KEY_LEN + 1];
	int rc, status = 200;

	if (req_staff_only(req))
		return 0;
	if (req_scope(req, DOSSIER_PERM_RECEIVE, &units, &nunits))
		return 0;
	if (!nunits) {
		resp_error(req, 403, "forbidden", _("Only one-stop staff can open the rating kiosk."));
		return 0;
	}
	ctx = rating_context(req, 1);
	errors = json_object();
	/* the 4 digits are never written back into the page */
	json_object_set_new(ctx, "lookup", json_pack("{s:s}", "code", code));
	if (!check_typed)
		goto render;
	if (!*code)
		json_object_set_new(errors, "code", json_string(_("Enter the dossier code.")));
	else if (!dossier_code_valid(code))
		json_object_set_new(errors, "code",
				    json_string(_("A dossier code reads like 000.01.15.H26-261126-0001.")));
	if (!check_ok(check))
		json_object_set_new(
			errors, "check",
			json_string(_("Enter the last 4 digits of the applicant's phone number or "
				      "citizen ID number.")));
	if (json_object_size(errors)) {
		status = 400;
		json_object_set_new(ctx, "error", json_string(_("Please correct the fields marked below.")));
		goto render;
	}
	if ((wait = kiosk_wait(u->id, req_now(req)))) {
		status = 429;
		resp_header(req, "Retry-After", arena_printf(&req->arena, "%lld", (long long)wait));
		json_object_set_new(
			ctx, "error",
			json_string(_("Too many wrong codes or digits. Please wait a few minutes and try "
				      "again.")));
		goto render;
	}
	if (!(db = db_thread())) {
		json_decref(errors);
		json_decref(ctx);
		resp_unavailable(req);
		return 0;
	}
	rc = dossier_lookup(db, &req->arena, code, check, &full);
	if (rc == DOSSIER_NOT_FOUND) {
		kiosk_failed(u->id, req_now(req));
		status = 404;
		json_object_set_new(ctx, "error", json_string(msg_not_found()));
		goto render;
	}
	if (rc || (rc = satisfaction_dossier(db, &req->arena, code, &d)) < 0 ||
	    (d.status == DS_RETURNED && !d.rated_at && satisfaction_key(db, d.code, key))) {
		json_decref(errors);
		json_decref(ctx);
		resp_unavailable(req);
		return 0;
	}
	json_object_set_new(ctx, "dossier", dossier_facts(req, &d));
	if (d.rated_at) {
		status = 409;
		json_object_set_new(ctx, "error", json_string(msg_already()));
	} else if (d.status != DS_RETURNED) {
		status = 409;
		json_object_set_new(ctx, "error", json_string(msg_not_returned()));
	} else {
		json_object_del(ctx, "lookup");
		json_object_set_new(ctx, "form", form_view(req, d.code, key, 1, NULL, "", NULL));
	}
	json_object_set_new(ctx, "kiosk_next", json_true());
render:
	json_object_set_new(ctx, "errors", errors);
	page_render(req, status, "rating", ctx);
	return 0;
}

/* ---- the index ---- */

struct sat_args {
	int64_t unit; /* the agency asked, 0 = all */
	int32_t from, to;
	int64_t *units; /* it and the agencies below it, sorted; NULL for all */
	size_t nunits;
	struct unit *all; /* every unit, by id, for names */
	size_t nall;
};

/* "2026-11-26" as YYYYMMDD, or -1. */
static int32_t parse_date(const char *s)
{
	int32_t v = 0;
	int y, m, d;
	struct civil c;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++) {
		if (i == 4 || i == 7)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	y = v / 10000, m = v / 100 % 100, d = v % 100;
	if (y < 2000 || y > 2199 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	time_to_civil(days_from_civil(y, m, d) * 86400, 0, &c);
	return c.year == y && c.month == m && c.day == d ? v : -1;
}

static int64_t ymd_days(int32_t v)
{
	return days_from_civil(v / 10000, v / 100 % 100, v % 100);
}

static const char *date_iso(struct request *req, int32_t v)
{
	return arena_printf(&req->arena, "%04d-%02d-%02d", v / 10000, v / 100 % 100, v % 100);
}

static const char *date_vn(struct request *req, int32_t v)
{
	return arena_printf(&req->arena, "%02d/%02d/%04d", v % 100, v / 100 % 100, v / 10000);
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static const struct unit *unit_of(const struct sat_args *a, int64_t id)
{
	for (size_t i = 0; i < a->nall; i++)
		if (a->all[i].id == id)
			return &a->all[i];
	return NULL;
}

/*
 * The request's unit (an id or an agency code: a section counts as its
 * agency, which covers the agencies below it) and period (from, to:
 * YYYY-MM-DD, at most a year; by default this year up to today). 0; 400
 * with *msg; 1 after answering 503.
 */
static int sat_args(struct request *req, struct db *db, struct sat_args *a, const char **msg)
{
	const char *unit_s = input_trim(req, req_query(req, "unit"));
	const char *from_s = input_trim(req, req_query(req, "from")),
		   *to_s = input_trim(req, req_query(req, "to"));
	const struct unit_tree *t;
	int32_t today = satisfaction_day(req_now(req));

	memset(a, 0, sizeof(*a));
	*msg = NULL;
	if (!(t = req_units(req)))
		return 1;
	if (org_unit_list(db, &req->arena, &a->all, &a->nall)) {
		resp_unavailable(req);
		return 1;
	}
	a->to = *to_s ? parse_date(to_s) : today;
	a->from = *from_s ? parse_date(from_s) : a->to > 0 ? a->to / 10000 * 10000 + 101 : -1;
	if (a->from < 0 || a->to < 0 || a->from > a->to ||
	    ymd_days(a->to) - ymd_days(a->from) + 1 > PERIOD_MAX_DAYS) {
		*msg = req->is_api
			       ? _("Give the period as from=YYYY-MM-DD&to=YYYY-MM-DD, at most a year.")
			       : _("Choose a valid period: the first day not after the last, at most a year.");
		return 400;
	}
	if (*unit_s) {
		int64_t id = input_id(unit_s);
		if (!id && strlen(unit_s) <= 40) {
			id = org_unit_by_code(db, unit_s);
			if (id < 0) {
				resp_unavailable(req);
				return 1;
			}
		}
		a->unit = id > 0 && unit_tree_find(t, id) >= 0 ? unit_tree_agency(t, id) : 0;
		if (!a->unit) {
			*msg = _("There is no such unit.");
			return 400;
		}
		a->units = arena_alloc(&req->arena, (t->n + 1) * sizeof(*a->units));
		for (size_t i = 0; i < t->n; i++)
			if (t->level[i] && unit_tree_within(t, t->id[i], a->unit))
				a->units[a->nunits++] = t->id[i];
		qsort(a->units, a->nunits, sizeof(*a->units), cmp_id);
	}
	return 0;
}

static int sat_load(struct request *req, struct db *db, const struct sat_args *a,
		    struct satisfaction_stats *s)
{
	struct satisfaction_query q = { a->from, a->to, a->units, a->nunits };
	return satisfaction_stats_load(db, &req->arena, &q, s);
}

static json_t *permille_json(int v)
{
	return v < 0 ? json_null() : json_integer(v);
}

/* A row's figures: ratings, answers, satisfied answers, the index overall and per factor. */
static json_t *tally_json(const struct satisfaction_tally *t)
{
	json_t *f = json_object();
	for (int k = 0; k < SF_COUNT; k++)
		json_object_set_new(f, satisfaction_factor_name(k), permille_json(satisfaction_index(t, k)));
	return json_pack("{s:I,s:I,s:I,s:o,s:o}", "ratings", (json_int_t)t->ratings, "answers",
			 (json_int_t)(t->ratings * SF_COUNT), "satisfied_answers",
			 (json_int_t)satisfaction_satisfied(t, -1), "index_permille",
			 permille_json(satisfaction_index(t, -1)), "factors", f);
}

/*
 * GET /api/v1/stats/satisfaction?unit=&from=YYYY-MM-DD&to=YYYY-MM-DD: the
 * index of the period (overall, per factor with its answers per level), by
 * agency, by procedure and by month. Public figures: no comment, nothing
 * of anyone.
 */
int api_satisfaction_stats(struct request *req)
{
	struct db *db = db_thread();
	struct sat_args a;
	struct satisfaction_stats s;
	const char *msg;
	json_t *out, *factors, *units, *procs, *months;
	int rc;

	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	if ((rc = sat_args(req, db, &a, &msg))) {
		if (rc != 1)
			resp_error(req, rc, "bad_request", msg);
		return 0;
	}
	if (sat_load(req, db, &a, &s)) {
		resp_unavailable(req);
		return 0;
	}
	out = tally_json(&s.total);
	if (a.unit) {
		const struct unit *u = unit_of(&a, a.unit);
		json_object_set_new(out, "unit",
				    json_pack("{s:I,s:s,s:s}", "id", (json_int_t)a.unit, "name",
					      u ? u->name : "", "agency_code",
					      u && u->agency_code ? u->agency_code : ""));
	} else {
		json_object_set_new(out, "unit", json_null());
	}
	json_object_set_new(out, "from", json_string(date_iso(req, a.from)));
	json_object_set_new(out, "to", json_string(date_iso(req, a.to)));
	/* the factors in detail: the answers at each level */
	factors = json_array();
	for (int f = 0; f < SF_COUNT; f++) {
		json_t *lv = json_object();
		for (int l = 1; l <= SATISFACTION_LEVELS; l++)
			json_object_set_new(lv, satisfaction_level_name(l),
					    json_integer(s.total.answers[f][l - 1]));
		json_array_append_new(
			factors, json_pack("{s:s,s:s,s:I,s:I,s:o,s:o}", "factor", satisfaction_factor_name(f),
					   "label", _(satisfaction_factor_label(f)), "answers",
					   (json_int_t)s.total.ratings, "satisfied",
					   (json_int_t)satisfaction_satisfied(&s.total, f), "index_permille",
					   permille_json(satisfaction_index(&s.total, f)), "levels", lv));
	}
	json_object_set_new(out, "by_factor", factors);
	units = json_array();
	for (size_t i = 0; i < s.nunits; i++) {
		const struct unit *u = unit_of(&a, s.units[i].unit_id);
		json_t *o = tally_json(&s.units[i].t);
		json_object_set_new(o, "id", json_integer(s.units[i].unit_id));
		json_object_set_new(o, "name", json_string(u ? u->name : ""));
		json_object_set_new(o, "agency_code", json_string(u && u->agency_code ? u->agency_code : ""));
		json_array_append_new(units, o);
	}
	json_object_set_new(out, "by_unit", units);
	procs = json_array();
	for (size_t i = 0; i < s.nprocs; i++) {
		json_t *o = tally_json(&s.procs[i].t);
		json_object_set_new(o, "code", json_string(s.procs[i].code));
		json_object_set_new(o, "name", json_string(s.procs[i].name));
		json_array_append_new(procs, o);
	}
	json_object_set_new(out, "by_procedure", procs);
	months = json_array();
	for (size_t i = 0; i < s.nmonths; i++) {
		json_t *o = tally_json(&s.months[i].t);
		json_object_set_new(o, "month",
				    json_sprintf("%04d-%02d", s.months[i].month / 100,
						 s.months[i].month % 100));
		json_array_append_new(months, o);
	}
	json_object_set_new(out, "by_month", months);
	resp_json(req, 200, out);
	return 0;
}

/* A table row of the page: its figures as text, the factors' indices in order. */
static json_t *tally_row(struct request *req, const struct satisfaction_tally *t)
{
	json_t *f = json_array();
	for (int k = 0; k < SF_COUNT; k++)
		json_array_append_new(f, json_string(pct(req, satisfaction_index(t, k))));
	return json_pack("{s:s,s:s,s:o}", "ratings", amount_text(req, t->ratings), "index",
			 pct(req, satisfaction_index(t, -1)), "factors", f);
}

/* The agencies to choose from, indented by depth, the one asked selected. */
static json_t *unit_options(struct request *req, const struct sat_args *a)
{
	const struct unit_tree *t = req_units(req);
	json_t *opts = json_array();
	for (size_t i = 0; t && i < t->n; i++) {
		int64_t path[UNIT_MAX_DEPTH];
		const struct unit *u;
		size_t depth;
		char *label;
		if (!t->level[i] || !t->active[i] || !(u = unit_of(a, t->id[i])))
			continue;
		depth = unit_tree_path(t, t->id[i], path, UNIT_MAX_DEPTH);
		label = arena_strdup(&req->arena, "");
		for (size_t k = 1; k < depth; k++)
			label = arena_printf(&req->arena, "%s— ", label);
		json_array_append_new(opts, json_pack("{s:I,s:s,s:b}", "id", (json_int_t)u->id, "name",
						      arena_printf(&req->arena, "%s%s", label, u->name),
						      "selected", u->id == a->unit));
	}
	return opts;
}

/* GET /chi-so-hai-long?unit=&from=&to=: the public index page (tables, no script). */
int page_satisfaction_public(struct request *req)
{
	struct db *db = db_thread();
	struct sat_args a;
	struct satisfaction_stats s;
	const char *msg;
	json_t *ctx, *factor_heads, *level_heads, *factors, *units, *procs, *months;
	int rc;

	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	rc = sat_args(req, db, &a, &msg);
	if (rc == 1)
		return 0;
	ctx = page_context(req, _("Satisfaction index"));
	json_object_set_new(ctx, "units", unit_options(req, &a));
	if (rc) {
		json_object_set_new(ctx, "error", json_string(msg));
		json_object_set_new(ctx, "from", json_string(input_trim(req, req_query(req, "from"))));
		json_object_set_new(ctx, "to", json_string(input_trim(req, req_query(req, "to"))));
		page_render(req, rc, "satisfaction", ctx);
		return 0;
	}
	if (sat_load(req, db, &a, &s)) {
		json_decref(ctx);
		resp_unavailable(req);
		return 0;
	}
	json_object_set_new(ctx, "from", json_string(date_iso(req, a.from)));
	json_object_set_new(ctx, "to", json_string(date_iso(req, a.to)));
	json_object_set_new(ctx, "period_text",
			    json_string(arena_printf(&req->arena, _("From %s to %s"), date_vn(req, a.from),
						     date_vn(req, a.to))));
	if (a.unit) {
		const struct unit *u = unit_of(&a, a.unit);
		json_object_set_new(ctx, "unit_name", json_string(u ? u->name : ""));
	}
	json_object_set_new(ctx, "index", json_string(pct(req, satisfaction_index(&s.total, -1))));
	json_object_set_new(ctx, "ratings", json_string(amount_text(req, s.total.ratings)));
	json_object_set_new(ctx, "answers", json_string(amount_text(req, s.total.ratings * SF_COUNT)));
	json_object_set_new(ctx, "satisfied",
			    json_string(amount_text(req, satisfaction_satisfied(&s.total, -1))));
	json_object_set_new(ctx, "any", json_boolean(s.total.ratings > 0));
	json_object_set_new(ctx, "json_url",
			    json_string(arena_printf(
				    &req->arena, "/api/v1/stats/satisfaction?%sfrom=%s&to=%s",
				    a.unit ? arena_printf(&req->arena, "unit=%lld&", (long long)a.unit) : "",
				    date_iso(req, a.from), date_iso(req, a.to))));

	factor_heads = json_array();
	factors = json_array();
	for (int f = 0; f < SF_COUNT; f++) {
		json_t *counts = json_array();
		json_array_append_new(factor_heads, json_string(_(satisfaction_factor_label(f))));
		for (int l = 1; l <= SATISFACTION_LEVELS; l++)
			json_array_append_new(counts,
					      json_string(amount_text(req, s.total.answers[f][l - 1])));
		json_array_append_new(factors,
				      json_pack("{s:s,s:o,s:s,s:s}", "label", _(satisfaction_factor_label(f)),
						"counts", counts, "satisfied",
						amount_text(req, satisfaction_satisfied(&s.total, f)),
						"index", pct(req, satisfaction_index(&s.total, f))));
	}
	level_heads = json_array();
	for (int l = 1; l <= SATISFACTION_LEVELS; l++)
		json_array_append_new(level_heads, json_string(_(satisfaction_level_label(l))));
	json_object_set_new(ctx, "factor_heads", factor_heads);
	json_object_set_new(ctx, "level_heads", level_heads);
	json_object_set_new(ctx, "factors", factors);

	units = json_array();
	for (size_t i = 0; i < s.nunits; i++) {
		const struct unit *u = unit_of(&a, s.units[i].unit_id);
		json_t *o = tally_row(req, &s.units[i].t);
		json_object_set_new(o, "name", json_string(u ? u->name : ""));
		json_array_append_new(units, o);
	}
	json_object_set_new(ctx, "by_unit", units);
	json_object_set_new(ctx, "has_units", json_boolean(s.nunits > 0));
	procs = json_array();
	for (size_t i = 0; i < s.nprocs; i++) {
		json_t *o = tally_row(req, &s.procs[i].t);
		json_object_set_new(o, "code", json_string(s.procs[i].code));
		json_object_set_new(o, "name", json_string(s.procs[i].name));
		json_array_append_new(procs, o);
	}
	json_object_set_new(ctx, "by_procedure", procs);
	json_object_set_new(ctx, "has_procs", json_boolean(s.nprocs > 0));
	months = json_array();
	for (size_t i = 0; i < s.nmonths; i++) {
		json_t *o = tally_row(req, &s.months[i].t);
		json_object_set_new(o, "month",
				    json_sprintf("%02d/%04d", s.months[i].month % 100,
						 s.months[i].month / 100));
		json_array_append_new(months, o);
	}
	json_object_set_new(ctx, "by_month", months);
	page_render(req, 200, "satisfaction", ctx);
	return 0;
}
