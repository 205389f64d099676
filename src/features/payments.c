/* payments.c: online payment of dossier fees (features/payments.h). */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/i18n.h"
#include "core/timefmt.h"
#include "features/audit.h"
#include "features/authz.h"
#include "features/dossiers.h"
#include "features/payments.h"
#include "features/receipts.h"
#include "rules/dossier.h"
#include "store/counter.h"
#include "core/banned.h"

static int finish(struct db_stmt *st, int rc)
{
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : 0;
}

void payment_sign(const unsigned char *secret, size_t secret_len, const char *body, size_t len, char hex[65])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_init(&st, secret, secret_len);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(hex, 65, mac, sizeof(mac));
}

/* "https://…/pay?payment=…" with the values percent-encoded, in the arena. */
static const char *redirect_url(struct arena *a, const struct payment_config *cfg, int64_t id, int64_t amount,
				const char *code, const char *return_url, const char *callback_url)
{
	static const char hexd[] = "0123456789ABCDEF";
	const char *parts[] = { return_url, callback_url, code };
	char enc[3][1024];
	for (int k = 0; k < 3; k++) {
		size_t o = 0;
		for (const unsigned char *p = (const unsigned char *)parts[k]; *p && o + 4 < sizeof(enc[k]);
		     p++) {
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
				enc[k][o++] = (char)*p;
			} else {
				enc[k][o++] = '%';
				enc[k][o++] = hexd[*p >> 4];
				enc[k][o++] = hexd[*p & 15];
			}
		}
		enc[k][o] = '\0';
	}
	return arena_printf(a, "%s/pay?payment=%lld&amount=%lld&dossier=%s&return=%s&callback=%s",
			    cfg->gateway_url, (long long)id, (long long)amount, enc[2], enc[0], enc[1]);
}

int payment_start(struct db *db, struct arena *a, const struct payment_config *cfg, const char *code,
		  int64_t account, const char *return_url, const char *callback_url, int64_t now, int64_t *id,
		  int64_t *amount, const char **redirect, const char **why)
{
	struct dossier d;
	int rc;
	*why = NULL;
	if (!cfg->gateway_url) {
		*why = N_("Online payment is not available here: pay at the one-stop counter.");
		return PAYMENT_CONFLICT;
	}
	if ((rc = dossier_load_for_update(db, a, code, &d)))
		return rc == DOSSIER_NOT_FOUND ? PAYMENT_NOT_FOUND : rc;
	if (d.status != DS_AWAITING_FEE || d.fee_paid || d.fee_due <= 0) {
		*why = N_("This dossier has no fee to pay now.");
		return PAYMENT_CONFLICT;
	}
	{
		/* one pending payment at a time: the one started before is offered again */
		struct db_stmt *st;
		int64_t pending = 0;
		rc = db_query(db, &st,
			      "SELECT id FROM payments WHERE dossier_id = ? AND status = ? ORDER BY id DESC",
			      "ii", d.id, (int64_t)PAY_PENDING);
		if (rc == DB_ROW)
			pending = db_col_int(st, 0);
		if ((rc = finish(st, rc)))
			return rc;
		if (pending) {
			*id = pending;
			*amount = d.fee_due;
			*redirect = redirect_url(a, cfg, *id, d.fee_due, d.code, return_url, callback_url);
			return PAYMENT_OK;
		}
	}
	if ((rc = counter_next(db, "id", "payments", "", id)))
		return rc;
	*amount = d.fee_due;
	rc = db_exec(
		db,
		"INSERT INTO payments (id, dossier_id, provider, amount, status, created_by, created_at, "
		"updated_at) VALUES (?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?)",
		"iisiiiii", *id, d.id, cfg->provider ? cfg->provider : "sandbox", d.fee_due,
		(int64_t)PAY_PENDING, account, now, now);
	if (rc)
		return rc;
	*redirect = redirect_url(a, cfg, *id, d.fee_due, d.code, return_url, callback_url);
	return PAYMENT_OK;
}

/* The active book of this year of a collecting unit of agency `agency`: its id, 0 when none. */
static int online_book(struct db *db, struct arena *a, int64_t agency, int year, int64_t *book)
{
	struct unit_tree t;
	struct db_stmt *st;
	int rc = unit_tree_load(db, a, &t);
	*book = 0;
	if (rc)
		return rc;
	rc = db_query(db, &st,
		      "SELECT id, unit_id FROM receipt_books WHERE active = 1 AND year = ? ORDER BY id", "i",
		      (int64_t)year);
	for (; rc == DB_ROW && !*book; rc = db_step(st))
		if (unit_tree_agency(&t, db_col_int(st, 1)) == agency)
			*book = db_col_int(st, 0);
	return finish(st, rc);
}

static int local_year(int64_t t)
{
	struct civil c;
	time_to_civil(t, VN_UTC_OFFSET, &c);
	return c.year;
}

/* Record the outcome of payment `id` and audit it (actor "payment:<provider>"). */
static int settle(struct db *db, const struct payment_config *cfg, int64_t id, int status, const char *ref,
		  int64_t receipt_id, int64_t now, const char *action, const char *code)
{
	char actor[64], object[32];
	json_t *detail;
	int rc = db_exec(
		db,
		"UPDATE payments SET status = ?, provider_ref = ?, receipt_id = NULLIF(?, 0), updated_at = ? "
		"WHERE id = ?",
		"isiii", (int64_t)status, ref, receipt_id, now, id);
	if (rc)
		return rc;
	snprintf(actor, sizeof(actor), "payment:%s", cfg->provider ? cfg->provider : "sandbox");
	snprintf(object, sizeof(object), "payment:%lld", (long long)id);
	detail = json_pack("{s:s,s:s,s:I}", "dossier", code, "ref", ref, "receipt", (json_int_t)receipt_id);
	{
		char *text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
		rc = text ? audit_append(db, actor, action, object, text) : DB_ERROR;
		free(text);
	}
	json_decref(detail);
	return rc;
}

/* Inside the transaction: apply a verified callback to payment `id`. */
static int apply(struct db *db, struct arena *a, const struct payment_config *cfg, int64_t id, int paid,
		 int64_t amount, const char *ref, int64_t now, int64_t *receipt_id, const char **why)
{
	struct db_stmt *st;
	struct dossier d;
	char code[64] = "";
	int64_t want = 0, dossier = 0;
	int status = 0, rc;

	rc = db_query(db, &st,
		      "SELECT p.dossier_id, d.code FROM payments p JOIN dossiers d ON d.id = p.dossier_id "
		      "WHERE p.id = ?",
		      "i", id);
	if (rc == DB_ROW) {
		dossier = db_col_int(st, 0);
		snprintf(code, sizeof(code), "%s", db_col_text(st, 1));
	}
	if ((rc = finish(st, rc)))
		return rc;
	if (!dossier)
		return PAYMENT_NOT_FOUND;
	/* the dossier's row first: two callbacks at once take turns from here */
	if ((rc = dossier_load_for_update(db, a, code, &d)))
		return rc < 0 ? rc : PAYMENT_NOT_FOUND;
	rc = db_query(db, &st, "SELECT status, amount, COALESCE(receipt_id, 0) FROM payments WHERE id = ?",
		      "i", id);
	if (rc == DB_ROW) {
		status = (int)db_col_int(st, 0);
		want = db_col_int(st, 1);
		*receipt_id = db_col_int(st, 2);
	}
	if ((rc = finish(st, rc)))
		return rc;
	if ((status == PAY_PAID || status == PAY_UNAPPLIED) && paid)
		return PAYMENT_OK; /* told twice: as the first time */
	/* pending, or failed and now paid after all; a paid one is never made failed */
	if (status != PAY_PENDING && !(status == PAY_FAILED && paid)) {
		*why = N_("This payment is settled already.");
		return PAYMENT_CONFLICT;
	}
	if (!paid)
		return settle(db, cfg, id, PAY_FAILED, ref, 0, now, "payment.fail", code);
	if (amount != want) {
		*why = N_("The amount paid is not the amount asked.");
		return PAYMENT_INVALID;
	}
	if (d.fee_paid || d.status != DS_AWAITING_FEE) {
		/* the fee was paid otherwise meanwhile (at the counter): the money is recorded, to refund */
		return settle(db, cfg, id, PAY_UNAPPLIED, ref, 0, now, "payment.unapplied", code);
	}
	{
		struct receipt_issue in;
		struct receipt r;
		memset(&in, 0, sizeof(in));
		if ((rc = online_book(db, a, d.receiving_unit, local_year(now), &in.book_id)))
			return rc;
		if (!in.book_id) {
			*why = N_("The office has no receipt book in use this year.");
			return PAYMENT_NO_RECEIPT;
		}
		in.dossier_code = d.code;
		in.payer.name = d.applicant.name;
		in.payer.address = d.applicant.address && *d.applicant.address ? d.applicant.address
									       : d.receiving_unit_name;
		in.method = RM_ONLINE;
		in.collector_name = "Thanh toán trực tuyến";
		in.keys_dir = cfg->keys_dir;
		rc = receipt_issue(db, a, &in, now, &r, why);
		if (rc)
			return rc < 0 ? rc : PAYMENT_NO_RECEIPT;
		*receipt_id = r.id;
	}
	return settle(db, cfg, id, PAY_PAID, ref, *receipt_id, now, "payment.paid", code);
}

int payment_callback(struct db *db, struct arena *a, const struct payment_config *cfg, const char *body,
		     size_t len, const char *signature, int64_t now, int64_t *receipt_id, const char **why)
{
	char hex[65];
	json_t *j;
	json_error_t jerr;
	const char *status, *ref;
	int64_t id, amount;
	int rc;

	*why = NULL;
	*receipt_id = 0;
	if (!cfg->secret || !signature || strncmp(signature, "sha256=", 7) || strlen(signature + 7) != 64)
		return PAYMENT_BAD_SIGNATURE;
	payment_sign(cfg->secret, cfg->secret_len, body, len, hex);
	if (sodium_memcmp(hex, signature + 7, 64))
		return PAYMENT_BAD_SIGNATURE;
	if (!(j = json_loadb(body, len, 0, &jerr)) || !json_is_object(j)) {
		json_decref(j);
		*why = N_("The callback is not a JSON object.");
		return PAYMENT_INVALID;
	}
	id = json_integer_value(json_object_get(j, "payment"));
	amount = json_integer_value(json_object_get(j, "amount"));
	status = json_string_value(json_object_get(j, "status"));
	ref = json_string_value(json_object_get(j, "ref"));
	if (id <= 0 || !status || (strcmp(status, "paid") && strcmp(status, "failed")) ||
	    (ref && strlen(ref) > 100)) {
		json_decref(j);
		*why = N_("The callback names no payment, or no known outcome.");
		return PAYMENT_INVALID;
	}
	if ((rc = db_begin(db)) == 0) {
		rc = apply(db, a, cfg, id, !strcmp(status, "paid"), amount, ref ? ref : "", now, receipt_id,
			   why);
		if (rc || (rc = db_commit(db)))
			db_rollback(db);
	}
	json_decref(j);
	return rc;
}
