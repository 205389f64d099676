/* receipts.c: receipt books and electronic fee receipts (features/receipts.h). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/buf.h"
#include "core/i18n.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "features/authz.h"
#include "features/dossiers.h"
#include "features/procedures.h"
#include "features/receipt_xml.h"
#include "features/receipts.h"
#include "rules/dossier.h"
#include "rules/fee.h"
#include "rules/vnd_words.h"
#include "store/counter.h"
#include "core/banned.h"

static const struct {
	const char *name, *label;
} methods[] = {
	[RM_CASH] = { "cash", N_("Cash") },
	[RM_TRANSFER] = { "transfer", N_("Bank transfer") },
	[RM_ONLINE] = { "online", N_("Online payment") },
};

static const struct {
	const char *name, *label;
} statuses[] = {
	[RST_ISSUED] = { "issued", N_("Issued") },
	[RST_CANCELLED] = { "cancelled", N_("Cancelled") },
};

int receipt_method_from_name(const char *name)
{
	for (int i = RM_CASH; i <= RM_ONLINE; i++)
		if (name && !strcmp(name, methods[i].name))
			return i;
	return 0;
}

const char *receipt_method_name(int method)
{
	return method >= RM_CASH && method <= RM_ONLINE ? methods[method].name : NULL;
}

const char *receipt_method_label(int method)
{
	return method >= RM_CASH && method <= RM_ONLINE ? methods[method].label : NULL;
}

const char *receipt_status_name(int status)
{
	return status >= RST_ISSUED && status <= RST_CANCELLED ? statuses[status].name : NULL;
}

const char *receipt_status_label(int status)
{
	return status >= RST_ISSUED && status <= RST_CANCELLED ? statuses[status].label : NULL;
}

/* ---- helpers ---- */

static int finish(struct db_stmt *st, int rc)
{
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : 0;
}

/* Text of at most `max` bytes, valid UTF-8, no control characters; `required`: not empty. */
static int text_ok(const char *s, size_t max, int required)
{
	size_t n = s ? strlen(s) : 0;
	if (!s || (required && !n) || n > max || !utf8_valid(s, n))
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

static int local_year(int64_t t)
{
	struct civil c;
	time_to_civil(t, VN_UTC_OFFSET, &c);
	return c.year;
}

static const char *col_dup(struct arena *a, struct db_stmt *st, int i)
{
	const char *s = db_col_text(st, i);
	return arena_strdup(a, s ? s : "");
}

/* ---- books ---- */

static int template_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n >= 3 && n <= 20 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n;
}

/* AA-26E: two capital letters, a hyphen, the year's last two digits, E. */
static int series_ok(const char *s, int year)
{
	return s && strlen(s) == 6 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
	       s[2] == '-' && s[3] == '0' + (year / 10) % 10 && s[4] == '0' + year % 10 && s[5] == 'E';
}

int receipt_book_create(struct db *db, int64_t unit_id, const char *template_code, const char *series,
			int year, const char *by, int64_t now, int64_t *id, const char **why)
{
	struct db_stmt *st;
	int rc, found;

	*why = NULL;
	if (year < 2000 || year > 2099) {
		*why = N_("The year must be between 2000 and 2099.");
		return RECEIPT_INVALID;
	}
	if (!template_ok(template_code)) {
		*why = N_(
			"The template symbol is like 01BLP0-001: 3 to 20 capital letters, digits and hyphens.");
		return RECEIPT_INVALID;
	}
	if (!series_ok(series, year)) {
		*why = N_(
			"The series is like AA-26E: two capital letters, a hyphen, the last two digits of the year and E.");
		return RECEIPT_INVALID;
	}
	rc = db_query(db, &st, "SELECT 1 FROM units WHERE id = ? AND active = 1", "i", unit_id);
	found = rc == DB_ROW;
	if ((rc = finish(st, rc)))
		return rc;
	if (!found) {
		*why = N_("The collecting unit does not exist or is no longer active.");
		return RECEIPT_NOT_FOUND;
	}
	rc = db_query(
		db, &st,
		"SELECT 1 FROM receipt_books WHERE unit_id = ? AND template_code = ? AND series = ? AND year = ?",
		"issi", unit_id, template_code, series, (int64_t)year);
	found = rc == DB_ROW;
	if ((rc = finish(st, rc)))
		return rc;
	if (found) {
		*why = N_("The unit already has a book with this template, series and year.");
		return RECEIPT_CONFLICT;
	}
	if ((rc = counter_next(db, "id", "receipt_books", "", id)))
		return rc;
	return db_exec(
		db,
		"INSERT INTO receipt_books (id, unit_id, template_code, series, year, active, created_by, "
		"created_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
		"iissisi", *id, unit_id, template_code, series, (int64_t)year, by, now);
}

/* a section without its own tax code or address (a one-stop office) collects under its parent's */
#define BOOK_COLUMNS                                                                                  \
	"b.id, b.unit_id, u.name, COALESCE(NULLIF(u.tax_code, ''), pu.tax_code, ''), "                \
	"COALESCE(NULLIF(u.address, ''), pu.address, ''), u.agency_code, b.template_code, b.series, " \
	"b.year, b.active, b.created_at, COALESCE((SELECT c.value FROM counters c WHERE c.name = "    \
	"'receipt' AND c.scope = CAST(b.id AS TEXT) AND c.period = CAST(b.year AS TEXT)), 0)"

static void book_row(struct arena *a, struct db_stmt *st, struct receipt_book *b)
{
	b->id = db_col_int(st, 0);
	b->unit_id = db_col_int(st, 1);
	b->unit_name = col_dup(a, st, 2);
	b->unit_tax_code = col_dup(a, st, 3);
	b->unit_address = col_dup(a, st, 4);
	b->unit_agency = col_dup(a, st, 5);
	b->template_code = col_dup(a, st, 6);
	b->series = col_dup(a, st, 7);
	b->year = (int)db_col_int(st, 8);
	b->active = (int)db_col_int(st, 9);
	b->created_at = db_col_int(st, 10);
	b->issued = db_col_int(st, 11);
}

int receipt_book_load(struct db *db, struct arena *a, int64_t id, struct receipt_book *out)
{
	struct db_stmt *st;
	int rc = db_query(
		db, &st,
		"SELECT " BOOK_COLUMNS
		" FROM receipt_books b JOIN units u ON u.id = b.unit_id LEFT JOIN units pu ON pu.id = u.parent_id WHERE b.id = ?",
		"i", id);
	int found = rc == DB_ROW;
	if (found)
		book_row(a, st, out);
	if ((rc = finish(st, rc)))
		return rc;
	return found ? RECEIPT_OK : RECEIPT_NOT_FOUND;
}

int receipt_book_list(struct db *db, struct arena *a, const int64_t *units, size_t nunits,
		      struct receipt_book **out, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 16;
	int rc = db_query(db, &st,
			  "SELECT " BOOK_COLUMNS " FROM receipt_books b JOIN units u ON u.id = b.unit_id "
			  "LEFT JOIN units pu ON pu.id = u.parent_id "
			  "ORDER BY b.year DESC, u.name, b.template_code, b.series",
			  NULL);
	*n = 0;
	*out = arena_calloc(a, cap, sizeof(**out));
	for (; rc == DB_ROW; rc = db_step(st)) {
		int64_t unit = db_col_int(st, 1);
		int in = !units;
		for (size_t i = 0; i < nunits && !in; i++)
			in = units[i] == unit;
		if (!in)
			continue;
		if (*n == cap) {
			struct receipt_book *more = arena_calloc(a, cap * 2, sizeof(*more));
			memcpy(more, *out, cap * sizeof(*more));
			*out = more;
			cap *= 2;
		}
		book_row(a, st, &(*out)[(*n)++]);
	}
	return finish(st, rc);
}

int receipt_book_set_active(struct db *db, int64_t id, int active)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT 1 FROM receipt_books WHERE id = ?", "i", id);
	int found = rc == DB_ROW;
	if ((rc = finish(st, rc)))
		return rc;
	if (!found)
		return RECEIPT_NOT_FOUND;
	return db_exec(db, "UPDATE receipt_books SET active = ? WHERE id = ?", "ii", (int64_t)(active != 0),
		       id);
}

int receipt_book_delete(struct db *db, int64_t id)
{
	struct db_stmt *st;
	int64_t used = 0;
	int rc = db_query(
		db, &st,
		"SELECT (SELECT COUNT(*) FROM receipts r WHERE r.book_id = b.id) FROM receipt_books b "
		"WHERE b.id = ?",
		"i", id);
	int found = rc == DB_ROW;
	if (found)
		used = db_col_int(st, 0);
	if ((rc = finish(st, rc)))
		return rc;
	if (!found)
		return RECEIPT_NOT_FOUND;
	if (used)
		return RECEIPT_CONFLICT;
	return db_exec(db, "DELETE FROM receipt_books WHERE id = ?", "i", id);
}

/* ---- issuing ---- */

int receipt_key_paths(const char *keys_dir, const char *agency, char *key, char *cert, size_t size)
{
	int k = snprintf(key, size, "%s/%s.key.pem", keys_dir, agency);
	int c = snprintf(cert, size, "%s/%s.crt.pem", keys_dir, agency);
	return k < 0 || c < 0 || (size_t)k >= size || (size_t)c >= size ? -1 : 0;
}

/* A public lookup code: RECEIPT_LOOKUP_LEN letters and digits without look-alikes (0/O, 1/I/L). */
static void lookup_code(char out[RECEIPT_LOOKUP_LEN + 1])
{
	static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"; /* 31 */
	unsigned char r[RECEIPT_LOOKUP_LEN];
	for (size_t i = 0; i < sizeof(r); i++) {
		/* rejection sampling: no bias towards the first letters */
		do
			randombytes_buf(&r[i], 1);
		while (r[i] >= 248);
		out[i] = alphabet[r[i] % 31];
	}
	out[RECEIPT_LOOKUP_LEN] = '\0';
}

/* The lines of a dossier's fees, from the procedure version it was received under. */
static int dossier_lines(struct db *db, struct arena *a, const struct dossier *d, struct receipt_issue *in)
{
	struct proc_version pv;
	int rc = procedure_load(db, a, d->procedure_code, d->procedure_version, &pv);
	if (rc)
		return rc < 0 ? rc : DB_ERROR;
	in->nlines = 0;
	for (size_t i = 0; i < pv.p.nfees && in->nlines < RECEIPT_MAX_LINES; i++) {
		int64_t amount = fee_line_amount(&pv.p.fees[i], d->pages, d->copies);
		if (amount <= 0)
			continue;
		in->lines[in->nlines].name = pv.p.fees[i].name;
		in->lines[in->nlines].quantity = 1;
		in->lines[in->nlines].unit_amount = amount;
		in->nlines++;
	}
	return 0;
}

static int check_input(const struct receipt_issue *in, const char **why)
{
	const struct receipt_party *p = &in->payer;
	if (!text_ok(p->name, 200, 1)) {
		*why = N_("Enter the payer's name (at most 200 characters).");
		return RECEIPT_INVALID;
	}
	if (!text_ok(p->address, 300, 1)) {
		*why = N_("Enter the payer's address (at most 300 characters).");
		return RECEIPT_INVALID;
	}
	if (p->tax_code && *p->tax_code &&
	    !((strlen(p->tax_code) == 10 || strlen(p->tax_code) == 14) &&
	      strspn(p->tax_code, "0123456789-") == strlen(p->tax_code))) {
		*why = N_("A tax code has 10 digits, or 10 digits, a hyphen and 3 more.");
		return RECEIPT_INVALID;
	}
	if (p->id_no && *p->id_no && !(strlen(p->id_no) == 12 && strspn(p->id_no, "0123456789") == 12)) {
		*why = N_("A citizen ID number has 12 digits.");
		return RECEIPT_INVALID;
	}
	if (!receipt_method_name(in->method)) {
		*why = N_("Choose how the fee was paid: cash, bank transfer or online.");
		return RECEIPT_INVALID;
	}
	if (!in->nlines || in->nlines > RECEIPT_MAX_LINES) {
		*why = N_("A receipt has 1 to 20 lines.");
		return RECEIPT_INVALID;
	}
	for (size_t i = 0; i < in->nlines; i++) {
		const struct receipt_line *l = &in->lines[i];
		if (!text_ok(l->name, 200, 1)) {
			*why = N_("Every line needs the name of the fee or charge (at most 200 characters).");
			return RECEIPT_INVALID;
		}
		if (l->quantity < 1 || l->quantity > RECEIPT_QUANTITY_MAX) {
			*why = N_("A quantity is a whole number from 1 to 100,000.");
			return RECEIPT_INVALID;
		}
		if (l->unit_amount < 1 || l->unit_amount > RECEIPT_AMOUNT_MAX) {
			*why = N_("An amount is a whole number of đồng, at least 1.");
			return RECEIPT_INVALID;
		}
	}
	return RECEIPT_OK;
}

/* Insert the lines of r, one statement for them all. */
static int insert_lines(struct db *db, const struct receipt *r)
{
	struct buf sql;
	struct db_stmt *st;
	int b = 0, k = 1, rc;
	buf_init(&sql, 1024);
	buf_adds(&sql,
		 "INSERT INTO receipt_lines (receipt_id, idx, name, quantity, unit_amount, amount) VALUES");
	for (size_t i = 0; i < r->nlines; i++)
		buf_adds(&sql, i ? ", (?, ?, ?, ?, ?, ?)" : " (?, ?, ?, ?, ?, ?)");
	st = buf_err(&sql) ? NULL : db_prepare(db, sql.ptr);
	buf_release(&sql);
	if (!st)
		return DB_ERROR;
	for (size_t i = 0; i < r->nlines; i++) {
		const struct receipt_line *l = &r->lines[i];
		b |= db_bind_int(st, k++, r->id);
		b |= db_bind_int(st, k++, (int64_t)i);
		b |= db_bind_text(st, k++, l->name, strlen(l->name));
		b |= db_bind_int(st, k++, l->quantity);
		b |= db_bind_int(st, k++, l->unit_amount);
		b |= db_bind_int(st, k++, l->amount);
	}
	if (b)
		return DB_ERROR;
	rc = db_step(st);
	return rc == DB_DONE ? 0 : rc < 0 ? rc : DB_ERROR;
}

/* An issued (not cancelled) receipt of the dossier: its id, 0 when none. */
static int dossier_receipt(struct db *db, int64_t dossier_id, int64_t *id)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT id FROM receipts WHERE dossier_id = ? AND status = ?", "ii",
			  dossier_id, (int64_t)RST_ISSUED);
	*id = rc == DB_ROW ? db_col_int(st, 0) : 0;
	return finish(st, rc);
}

static int issue(struct db *db, struct arena *a, const struct receipt_issue *in_, int64_t now,
		 int64_t replaces, const char *replaces_number, struct receipt *out, const char **why)
{
	struct receipt_issue in = *in_;
	struct receipt_book book;
	struct dossier d;
	struct receipt *r = out;
	char lookup[RECEIPT_LOOKUP_LEN + 1], words[VND_WORDS_LEN], key[512], cert[512], code[24], year[8];
	struct buf xml;
	int rc, have_dossier = in.dossier_code && *in.dossier_code;

	*why = NULL;
	memset(r, 0, sizeof(*r));
	if ((rc = receipt_book_load(db, a, in.book_id, &book))) {
		if (rc == RECEIPT_NOT_FOUND)
			*why = N_("There is no such receipt book.");
		return rc;
	}
	if (!book.active) {
		*why = N_("This receipt book is stopped: choose another.");
		return RECEIPT_CONFLICT;
	}
	if (book.year != local_year(now)) {
		*why = N_("This receipt book is for another year: receipts are numbered anew each year.");
		return RECEIPT_CONFLICT;
	}
	if (have_dossier) {
		int64_t other;
		if ((rc = dossier_load_for_update(db, a, in.dossier_code, &d))) {
			if (rc != DOSSIER_NOT_FOUND)
				return rc;
			*why = N_("There is no dossier with this code.");
			return RECEIPT_NOT_FOUND;
		}
		{
			struct unit_tree t;
			if ((rc = unit_tree_load(db, a, &t)))
				return rc;
			if (unit_tree_agency(&t, book.unit_id) != d.receiving_unit) {
				*why = N_(
					"This dossier was received by another office: its fee is collected there.");
				return RECEIPT_CONFLICT;
			}
		}
		if (d.fee_due <= 0) {
			*why = N_("No fee is due for this dossier.");
			return RECEIPT_CONFLICT;
		}
		if (!dossier_fee_collectable(d.status)) {
			*why = N_("A fee is collected for a dossier received and not refused or withdrawn.");
			return RECEIPT_CONFLICT;
		}
		if (!replaces) {
			/* one standing receipt per dossier; a fee marked paid without one gets it now */
			if ((rc = dossier_receipt(db, d.id, &other)))
				return rc;
			if (other) {
				*why = N_("The fee of this dossier is paid already: it has its receipt.");
				return RECEIPT_CONFLICT;
			}
		}
		if (!in.nlines && (rc = dossier_lines(db, a, &d, &in)))
			return rc;
	}
	if ((rc = check_input(&in, why)))
		return rc;

	r->nlines = in.nlines;
	for (size_t i = 0; i < in.nlines; i++) {
		r->lines[i] = in.lines[i];
		r->lines[i].name = arena_strdup(a, in.lines[i].name);
		r->lines[i].amount = in.lines[i].quantity * in.lines[i].unit_amount; /* both bounded: no
											overflow */
		if (r->lines[i].amount > RECEIPT_AMOUNT_MAX ||
		    r->total + r->lines[i].amount > RECEIPT_AMOUNT_MAX) {
			*why = N_("The total is too large for one receipt.");
			return RECEIPT_INVALID;
		}
		r->total += r->lines[i].amount;
	}
	if (have_dossier && r->total != d.fee_due) {
		*why = N_("The receipt's total must equal the fee due for the dossier.");
		return RECEIPT_INVALID;
	}
	if (vnd_in_words(r->total, words, sizeof(words)))
		return DB_ERROR;
	if (receipt_key_paths(in.keys_dir ? in.keys_dir : ".", book.unit_agency, key, cert, sizeof(key)) ||
	    access(key, R_OK) || access(cert, R_OK)) {
		*why = N_(
			"The collecting unit has no signing key and certificate: ask the administrator to install them.");
		return RECEIPT_NO_KEY;
	}

	/* the number, in this transaction: a rollback leaves no hole */
	snprintf(code, sizeof(code), "%lld", (long long)book.id);
	snprintf(year, sizeof(year), "%d", book.year);
	if ((rc = counter_next(db, "receipt", code, year, &r->number)))
		return rc;
	if (r->number > RECEIPT_NUMBER_MAX) {
		*why = N_("This receipt book is full: open a new one.");
		return RECEIPT_CONFLICT;
	}
	if ((rc = counter_next(db, "id", "receipts", "", &r->id)))
		return rc;
	lookup_code(lookup);
	r->book_id = book.id;
	r->template_code = book.template_code;
	r->series = book.series;
	r->year = book.year;
	snprintf(r->number_text, sizeof(r->number_text), "%07lld", (long long)r->number);
	r->lookup = arena_strdup(a, lookup);
	r->dossier_id = have_dossier ? d.id : 0;
	r->dossier_code = have_dossier ? d.code : "";
	r->payer.name = arena_strdup(a, in.payer.name);
	r->payer.address = arena_strdup(a, in.payer.address);
	r->payer.tax_code = arena_strdup(a, in.payer.tax_code ? in.payer.tax_code : "");
	r->payer.id_no = arena_strdup(a, in.payer.id_no ? in.payer.id_no : "");
	r->amount_in_words = arena_strdup(a, words);
	r->method = in.method;
	r->status = RST_ISSUED;
	r->collector_account = in.collector_account;
	r->collector_name = arena_strdup(a, in.collector_name ? in.collector_name : "");
	r->unit_id = book.unit_id;
	r->unit_name = book.unit_name;
	r->unit_tax_code = book.unit_tax_code;
	r->unit_address = book.unit_address;
	r->unit_agency = book.unit_agency;
	r->issued_at = now;
	r->replaces_id = replaces;
	r->replaces_number = replaces_number;

	buf_init(&xml, 1 << 20); /* 20 lines of 200-byte names and the signature fit many times */
	{
		char vcode[16] = "";
		if (receipt_xml_sign(r, key, cert, &xml, vcode) || buf_err(&xml)) {
			buf_release(&xml);
			*why = N_(
				"The receipt could not be signed with the unit's key: ask the administrator to check it.");
			return RECEIPT_NO_KEY;
		}
		r->xml = arena_strdup(a, xml.ptr);
		r->verify_code = arena_strdup(a, vcode);
	}
	buf_release(&xml);

	rc = db_exec(
		db,
		"INSERT INTO receipts (id, book_id, year, number, lookup, dossier_id, payer_name, payer_address, "
		"payer_tax_code, payer_id_no, total, amount_in_words, method, status, collector_account, "
		"collector_name, unit_id, unit_name, unit_tax_code, unit_address, issued_at, replaces_id, xml, "
		"verify_code) VALUES (?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?, ?, "
		"?, ?, ?, NULLIF(?, 0), ?, ?)",
		"iiiisissssisiiisisssiiss", r->id, r->book_id, (int64_t)r->year, r->number, r->lookup,
		r->dossier_id, r->payer.name, r->payer.address, r->payer.tax_code, r->payer.id_no, r->total,
		r->amount_in_words, (int64_t)r->method, (int64_t)r->status, r->collector_account,
		r->collector_name, r->unit_id, r->unit_name, r->unit_tax_code, r->unit_address, r->issued_at,
		r->replaces_id, r->xml, r->verify_code);
	if (!rc)
		rc = insert_lines(db, r);
	if (!rc && have_dossier && !replaces && d.status == DS_AWAITING_FEE) {
		/* paid: the dossier goes on */
		struct dossier_act act = { .action = DA_FEE_PAID,
					   .note = "",
					   .actor_account = in.collector_account,
					   .actor_name = r->collector_name };
		const char *dwhy = NULL;
		rc = dossier_apply(db, a, &d, &act, now, &dwhy);
		if (rc > 0) {
			*why = dwhy;
			return RECEIPT_CONFLICT;
		}
	} else if (!rc && have_dossier && !replaces && !d.fee_paid) {
		rc = db_exec(db, "UPDATE dossiers SET fee_paid = 1, updated_at = ? WHERE id = ?", "ii", now,
			     d.id);
	}
	return rc;
}

int receipt_issue(struct db *db, struct arena *a, const struct receipt_issue *in, int64_t now,
		  struct receipt *out, const char **why)
{
	return issue(db, a, in, now, 0, NULL, out, why);
}

static int reason_ok(const char *reason, const char **why)
{
	size_t n = reason ? strlen(reason) : 0;
	if (n < 5 || n > 500 || !text_ok(reason, 500, 1)) {
		*why = N_("Give the reason (5 to 500 characters).");
		return 0;
	}
	return 1;
}

/* Another receipt named as "AA-26E 0000042" (its series, a space, its number); NULL for none. */
static const char *number_text(struct arena *a, const char *series, int64_t n)
{
	char s[64];
	if (!n)
		return NULL;
	snprintf(s, sizeof(s), "%s %07lld", series, (long long)n);
	return arena_strdup(a, s);
}

/* The status and number of receipt `id` (0 status when there is none). */
static int receipt_state(struct db *db, struct arena *a, int64_t id, int *status, const char **number,
			 const char **dossier_code)
{
	struct db_stmt *st;
	int rc;
	/* a write on the row first: PostgreSQL locks it until the transaction ends, so two cancels or
	 * replaces at once take turns and the second sees the first's (SQLite's write lock is whole) */
	if ((rc = db_exec(db, "UPDATE receipts SET status = status WHERE id = ?", "i", id)))
		return rc;
	rc = db_query(
		db, &st,
		"SELECT r.status, r.number, COALESCE(d.code, ''), b.series FROM receipts r JOIN receipt_books "
		"b ON b.id = r.book_id LEFT JOIN dossiers d ON d.id = r.dossier_id WHERE r.id = ?",
		"i", id);
	*status = 0;
	if (rc == DB_ROW) {
		*status = (int)db_col_int(st, 0);
		*number = number_text(a, db_col_text(st, 3), db_col_int(st, 1));
		*dossier_code = col_dup(a, st, 2);
	}
	return finish(st, rc);
}

int receipt_cancel(struct db *db, int64_t id, const char *reason, const char *by, int64_t now,
		   const char **why)
{
	struct arena a;
	const char *number = NULL, *dcode = NULL;
	int status, rc;
	*why = NULL;
	arena_init(&a);
	rc = receipt_state(db, &a, id, &status, &number, &dcode);
	arena_release(&a);
	if (rc)
		return rc;
	if (!status) {
		*why = N_("There is no such receipt.");
		return RECEIPT_NOT_FOUND;
	}
	if (!reason_ok(reason, why))
		return RECEIPT_INVALID;
	if (status != RST_ISSUED) {
		*why = N_("This receipt is cancelled already.");
		return RECEIPT_CONFLICT;
	}
	return db_exec(
		db,
		"UPDATE receipts SET status = ?, cancelled_at = ?, cancel_reason = ?, cancelled_by = ? "
		"WHERE id = ? AND status = ?",
		"iissii", (int64_t)RST_CANCELLED, now, reason, by, id, (int64_t)RST_ISSUED);
}

int receipt_replace(struct db *db, struct arena *a, int64_t id, const char *reason, struct receipt_issue *in,
		    int64_t now, struct receipt *out, const char **why)
{
	const char *number = NULL, *dcode = NULL;
	int status, rc = receipt_state(db, a, id, &status, &number, &dcode);
	*why = NULL;
	if (rc)
		return rc;
	if (!status) {
		*why = N_("There is no such receipt.");
		return RECEIPT_NOT_FOUND;
	}
	if (status != RST_ISSUED) {
		*why = N_("This receipt is cancelled already.");
		return RECEIPT_CONFLICT;
	}
	if (!reason_ok(reason, why))
		return RECEIPT_INVALID;
	in->dossier_code = dcode;
	if ((rc = receipt_cancel(db, id, reason, in->collector_name ? in->collector_name : "", now, why)))
		return rc;
	if ((rc = issue(db, a, in, now, id, number, out, why)))
		return rc;
	return db_exec(db, "UPDATE receipts SET replaced_by_id = ? WHERE id = ?", "ii", out->id, id);
}

/* ---- reading ---- */

#define RECEIPT_COLUMNS                                                                                       \
	"r.id, r.book_id, b.template_code, b.series, r.year, r.number, r.lookup, COALESCE(r.dossier_id, 0), " \
	"COALESCE(d.code, ''), r.payer_name, r.payer_address, r.payer_tax_code, r.payer_id_no, r.total, "     \
	"r.amount_in_words, r.method, r.status, COALESCE(r.collector_account, 0), r.collector_name, "         \
	"r.unit_id, r.unit_name, r.unit_tax_code, r.unit_address, r.issued_at, r.cancelled_at, "              \
	"r.cancel_reason, COALESCE(r.replaces_id, 0), COALESCE(r.replaced_by_id, 0), "                        \
	"COALESCE(p.number, 0), COALESCE(n.number, 0), r.verify_code, ua.agency_code, "                       \
	"COALESCE(pb.series, ''), COALESCE(nb.series, '')"

#define RECEIPT_FROM                                                                                 \
	" FROM receipts r JOIN receipt_books b ON b.id = r.book_id LEFT JOIN dossiers d ON d.id = "  \
	"r.dossier_id LEFT JOIN receipts p ON p.id = r.replaces_id LEFT JOIN receipts n ON n.id = "  \
	"r.replaced_by_id JOIN units ua ON ua.id = r.unit_id LEFT JOIN receipt_books pb ON pb.id = " \
	"p.book_id LEFT JOIN receipt_books nb ON nb.id = n.book_id"

static void receipt_row(struct arena *a, struct db_stmt *st, struct receipt *r)
{
	int i = 0;
	memset(r, 0, sizeof(*r));
	r->id = db_col_int(st, i++);
	r->book_id = db_col_int(st, i++);
	r->template_code = col_dup(a, st, i++);
	r->series = col_dup(a, st, i++);
	r->year = (int)db_col_int(st, i++);
	r->number = db_col_int(st, i++);
	snprintf(r->number_text, sizeof(r->number_text), "%07lld", (long long)r->number);
	r->lookup = col_dup(a, st, i++);
	r->dossier_id = db_col_int(st, i++);
	r->dossier_code = col_dup(a, st, i++);
	r->payer.name = col_dup(a, st, i++);
	r->payer.address = col_dup(a, st, i++);
	r->payer.tax_code = col_dup(a, st, i++);
	r->payer.id_no = col_dup(a, st, i++);
	r->total = db_col_int(st, i++);
	r->amount_in_words = col_dup(a, st, i++);
	r->method = (int)db_col_int(st, i++);
	r->status = (int)db_col_int(st, i++);
	r->collector_account = db_col_int(st, i++);
	r->collector_name = col_dup(a, st, i++);
	r->unit_id = db_col_int(st, i++);
	r->unit_name = col_dup(a, st, i++);
	r->unit_tax_code = col_dup(a, st, i++);
	r->unit_address = col_dup(a, st, i++);
	r->issued_at = db_col_int(st, i++);
	r->cancelled_at = db_col_int(st, i++);
	r->cancel_reason = col_dup(a, st, i++);
	r->replaces_id = db_col_int(st, i++);
	r->replaced_by_id = db_col_int(st, i++);
	r->replaces_number = number_text(a, db_col_text(st, 32), db_col_int(st, i++));
	r->replaced_by_number = number_text(a, db_col_text(st, 33), db_col_int(st, i++));
	r->verify_code = col_dup(a, st, i++);
	r->unit_agency = col_dup(a, st, i++);
	i += 2; /* the two series, read above */
}

/* The receipt where `where` (one bound value) holds, with its lines and XML. */
static int load_where(struct db *db, struct arena *a, const char *sql, const char *types, int64_t id,
		      const char *text, struct receipt *out)
{
	struct db_stmt *st;
	int rc = text ? db_query(db, &st, sql, types, text) : db_query(db, &st, sql, types, id);
	int found = rc == DB_ROW;
	if (found) {
		receipt_row(a, st, out);
		out->xml = col_dup(a, st, 34);
	}
	if ((rc = finish(st, rc)))
		return rc;
	if (!found)
		return RECEIPT_NOT_FOUND;
	rc = db_query(
		db, &st,
		"SELECT name, quantity, unit_amount, amount FROM receipt_lines WHERE receipt_id = ? ORDER BY idx",
		"i", out->id);
	for (out->nlines = 0; rc == DB_ROW && out->nlines < RECEIPT_MAX_LINES; rc = db_step(st)) {
		struct receipt_line *l = &out->lines[out->nlines++];
		l->name = col_dup(a, st, 0);
		l->quantity = db_col_int(st, 1);
		l->unit_amount = db_col_int(st, 2);
		l->amount = db_col_int(st, 3);
	}
	return finish(st, rc);
}

int receipt_load(struct db *db, struct arena *a, int64_t id, struct receipt *out)
{
	return load_where(db, a, "SELECT " RECEIPT_COLUMNS ", r.xml" RECEIPT_FROM " WHERE r.id = ?", "i", id,
			  NULL, out);
}

int receipt_load_lookup(struct db *db, struct arena *a, const char *lookup, struct receipt *out)
{
	char up[RECEIPT_LOOKUP_LEN + 1];
	if (!lookup || strlen(lookup) != RECEIPT_LOOKUP_LEN)
		return RECEIPT_NOT_FOUND;
	/* as typed from paper: small letters are the capitals the codes are made of */
	for (size_t i = 0; i <= RECEIPT_LOOKUP_LEN; i++)
		up[i] = lookup[i] >= 'a' && lookup[i] <= 'z' ? (char)(lookup[i] - 'a' + 'A') : lookup[i];
	return load_where(db, a, "SELECT " RECEIPT_COLUMNS ", r.xml" RECEIPT_FROM " WHERE r.lookup = ?", "s",
			  0, up, out);
}

int receipt_list(struct db *db, struct arena *a, const struct receipt_query *q, struct receipt **out,
		 size_t *n, int64_t *total)
{
	struct buf where, sql;
	struct db_stmt *st;
	int rc, k = 1, pass, by_number = 0;
	int64_t number = 0;
	char like[256] = "";
	size_t cap;

	*n = 0;
	*total = 0;
	*out = NULL;
	buf_init(&where, 4096);
	buf_adds(&where, " WHERE 1 = 1");
	if (q->units) {
		buf_adds(&where, " AND r.unit_id IN (0");
		for (size_t i = 0; i < q->nunits; i++)
			buf_adds(&where, ", ?");
		buf_adds(&where, ")");
	}
	if (q->book_id)
		buf_adds(&where, " AND r.book_id = ?");
	if (q->from)
		buf_adds(&where, " AND r.issued_at >= ?");
	if (q->to)
		buf_adds(&where, " AND r.issued_at < ?");
	if (q->status)
		buf_adds(&where, " AND r.status = ?");
	if (q->dossier_id)
		buf_adds(&where, " AND r.dossier_id = ?");
	if (q->q && *q->q) {
		size_t len = strlen(q->q);
		if (len <= 7 && strspn(q->q, "0123456789") == len) {
			number = strtoll(q->q, NULL, 10);
			by_number = 1;
			buf_adds(&where, " AND r.number = ?");
		} else {
			/* % and _ in the text match themselves */
			size_t o = 0;
			like[o++] = '%';
			for (const char *c = q->q; *c && o + 3 < sizeof(like); c++) {
				if (*c == '%' || *c == '_' || *c == '\\')
					like[o++] = '\\';
				like[o++] = *c;
			}
			like[o++] = '%';
			like[o] = '\0';
			buf_adds(&where, " AND (r.payer_name LIKE ? ESCAPE '\\' OR d.code = ?)");
		}
	}
	for (pass = 0; pass < 2; pass++) {
		buf_init(&sql, 8192);
		if (pass == 0)
			buf_adds(&sql, "SELECT COUNT(*)" RECEIPT_FROM);
		else
			buf_adds(&sql, "SELECT " RECEIPT_COLUMNS RECEIPT_FROM);
		buf_add(&sql, where.ptr, where.len);
		if (pass == 1)
			buf_adds(&sql, " ORDER BY r.issued_at DESC, r.id DESC LIMIT ? OFFSET ?");
		st = buf_err(&sql) || buf_err(&where) ? NULL : db_prepare(db, sql.ptr);
		buf_release(&sql);
		if (!st) {
			buf_release(&where);
			return DB_ERROR;
		}
		k = 1;
		for (size_t i = 0; q->units && i < q->nunits; i++)
			db_bind_int(st, k++, q->units[i]);
		if (q->book_id)
			db_bind_int(st, k++, q->book_id);
		if (q->from)
			db_bind_int(st, k++, q->from);
		if (q->to)
			db_bind_int(st, k++, q->to);
		if (q->status)
			db_bind_int(st, k++, q->status);
		if (q->dossier_id)
			db_bind_int(st, k++, q->dossier_id);
		if (by_number) {
			db_bind_int(st, k++, number);
		} else if (*like) {
			db_bind_text(st, k++, like, strlen(like));
			db_bind_text(st, k++, q->q, strlen(q->q));
		}
		if (pass == 0) {
			rc = db_step(st);
			*total = rc == DB_ROW ? db_col_int(st, 0) : 0;
			if ((rc = finish(st, rc)))
				break;
			continue;
		}
		db_bind_int(st, k++, q->limit > 0 ? q->limit : 50);
		db_bind_int(st, k++, q->offset > 0 ? q->offset : 0);
		cap = (size_t)(q->limit > 0 ? q->limit : 50);
		*out = arena_calloc(a, cap, sizeof(**out));
		for (rc = db_step(st); rc == DB_ROW && *n < cap; rc = db_step(st))
			receipt_row(a, st, &(*out)[(*n)++]);
		rc = finish(st, rc);
	}
	buf_release(&where);
	return rc;
}

/* ---- the demo ---- */

int receipt_demo_key(const char *keys_dir, const char *agency, const char *unit_name)
{
	char key[512], cert[512];
	if (receipt_key_paths(keys_dir, agency, key, cert, sizeof(key)))
		return -1;
	/* either file there: it is kept (a key without its certificate is for the administrator to mend) */
	if (!access(key, F_OK) || !access(cert, F_OK))
		return 1;
	if (mkdir(keys_dir, 0700) && errno != EEXIST)
		return -1;
	return receipt_keygen(key, cert, unit_name, 3650) ? -1 : 0;
}

/* The demo's book of `office` for `year`, made when missing: its id, or a negative rc. */
static int64_t demo_book(struct db *db, int64_t office, int year, int64_t now)
{
	struct db_stmt *st;
	const char *why;
	char series[8];
	int64_t id = 0;
	int rc = db_query(db, &st, "SELECT id FROM receipt_books WHERE unit_id = ? AND year = ?", "ii",
			  office, (int64_t)year);
	if (rc == DB_ROW)
		id = db_col_int(st, 0);
	if ((rc = finish(st, rc)))
		return rc;
	snprintf(series, sizeof(series), "AA-%02dE", year % 100);
	if (!id && (rc = receipt_book_create(db, office, "01BLP0-001", series, year, "cli", now, &id, &why)))
		return rc < 0 ? rc : DB_ERROR;
	return id;
}

#define DEMO_OFFICES 64

int receipt_demo(struct db *db, const char *keys_dir, int64_t now)
{
	struct arena a;
	struct db_stmt *st;
	int64_t office[DEMO_OFFICES], parent[DEMO_OFFICES];
	size_t n = 0;
	int rc;

	arena_init(&a);
	/* every one-stop office collects, with its key and this year's book */
	rc = db_query(
		db, &st,
		"SELECT id, COALESCE(parent_id, 0), agency_code, name FROM units WHERE kind = 'onestop' AND "
		"active = 1 ORDER BY id",
		NULL);
	for (; rc == DB_ROW && n < DEMO_OFFICES; rc = db_step(st)) {
		office[n] = db_col_int(st, 0);
		parent[n++] = db_col_int(st, 1);
		if (receipt_demo_key(keys_dir, db_col_text(st, 2), db_col_text(st, 3)) < 0) {
			rc = -1;
			break;
		}
	}
	if (rc < 0 || (rc = finish(st, rc)))
		goto out;
	for (size_t i = 0; i < n && !rc; i++) {
		int64_t b = demo_book(db, office[i], local_year(now), now);
		rc = b < 0 ? (int)b : 0;
	}
	/* the demo's paid dossiers get their receipt, issued when the fee was paid, by their office */
	while (!rc) {
		struct receipt_issue in;
		struct receipt r;
		const char *why;
		int64_t at = 0, agency = 0, by = 0;
		char code[64] = "", name[256] = "", address[512] = "";
		rc = db_query(
			db, &st,
			"SELECT d.code, d.receiving_unit, e.at, d.a_name, d.a_address FROM dossiers d JOIN "
			"dossier_events e ON e.dossier_id = d.id AND e.action = ? WHERE d.fee_paid = 1 AND NOT "
			"EXISTS (SELECT 1 FROM receipts r WHERE r.dossier_id = d.id) ORDER BY e.at, d.id",
			"i", (int64_t)DA_FEE_PAID);
		if (rc == DB_ROW) {
			snprintf(code, sizeof(code), "%s", db_col_text(st, 0));
			agency = db_col_int(st, 1);
			at = db_col_int(st, 2);
			snprintf(name, sizeof(name), "%s", db_col_text(st, 3));
			snprintf(address, sizeof(address), "%s", db_col_text(st, 4));
		}
		if ((rc = finish(st, rc)) || !*code)
			break;
		for (size_t i = 0; i < n && !by; i++)
			if (parent[i] == agency)
				by = office[i];
		if (!by)
			continue; /* not possible in the demo: every agency has its office */
		memset(&in, 0, sizeof(in));
		in.dossier_code = code;
		in.payer.name = name;
		in.payer.address = *address ? address : "Quận Thanh Xuân, Hà Nội";
		in.method = RM_CASH;
		in.collector_name = "Công chức Một cửa";
		in.keys_dir = keys_dir;
		if ((in.book_id = demo_book(db, by, local_year(at), now)) < 0) {
			rc = (int)in.book_id;
			break;
		}
		rc = receipt_issue(db, &a, &in, at, &r, &why);
		if (rc > 0) {
			fprintf(stderr, "motcua: the demo's receipt for %s: %s\n", code, why ? why : "?");
			rc = -1;
		}
	}
out:
	arena_release(&a);
	return rc;
}
