/*
 * receipts.h: electronic fee receipts (biên lai điện tử; Circular 303/2016/TT-BTC, Decree
 * 123/2020/NĐ-CP). A receipt book belongs to a collecting unit and has a template symbol
 * (01BLP0-001), a series (AA-26E) and a year; its receipts are numbered 0000001… within the
 * year from the book's counter, in the transaction that writes the receipt. A receipt is a
 * legal record: never edited, renumbered or deleted. A cancellation keeps the number and
 * records the reason; a replacement is a new receipt pointing to the one it replaces.
 * Each receipt is kept as the XML document it was signed as (features/receipt_xml.h).
 */
#ifndef MOTCUA_FEATURES_RECEIPTS_H
#define MOTCUA_FEATURES_RECEIPTS_H

#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "store/db.h"

#define RECEIPT_MAX_LINES    20
#define RECEIPT_NUMBER_MAX   9999999	    /* 7 digits */
#define RECEIPT_LOOKUP_LEN   12		    /* the public lookup code: letters and digits */
#define RECEIPT_AMOUNT_MAX   999999999999LL /* under a thousand billion đồng */
#define RECEIPT_QUANTITY_MAX 100000

enum receipt_method {
	RM_CASH = 1, /* "cash": tiền mặt */
	RM_TRANSFER, /* "transfer": chuyển khoản */
	RM_ONLINE,   /* "online": thanh toán trực tuyến */
};

enum receipt_status {
	RST_ISSUED = 1, /* "issued" */
	RST_CANCELLED,	/* "cancelled": keeps its number; replaced_by may point to its replacement */
};

struct receipt_book {
	int64_t id;
	int64_t unit_id; /* the collecting unit */
	const char *unit_name, *unit_tax_code, *unit_address, *unit_agency;
	const char *template_code; /* mẫu số, e.g. 01BLP0-001 */
	const char *series;	   /* ký hiệu, e.g. AA-26E */
	int year;
	int64_t issued; /* receipts numbered so far (the counter's value) */
	int active;
	int64_t created_at;
};

struct receipt_line {
	const char *name; /* the fee or charge */
	int64_t quantity;
	int64_t unit_amount; /* đồng */
	int64_t amount;	     /* quantity × unit_amount */
};

struct receipt_party {
	const char *name, *address;
	const char *tax_code; /* optional */
	const char *id_no;    /* optional: the citizen's ID */
};

struct receipt {
	int64_t id;
	int64_t book_id;
	const char *template_code, *series;
	int year;
	int64_t number;	     /* 1 … 9,999,999 */
	char number_text[8]; /* "0000001" */
	const char *lookup;  /* the public lookup code (/bien-lai/{lookup}) */
	int64_t dossier_id;  /* 0 when standalone */
	const char *dossier_code;
	struct receipt_party payer;
	size_t nlines;
	struct receipt_line lines[RECEIPT_MAX_LINES];
	int64_t total;
	const char *amount_in_words;
	int method; /* enum receipt_method */
	int status; /* enum receipt_status */
	int64_t collector_account;
	const char *collector_name;
	int64_t unit_id;
	const char *unit_name, *unit_tax_code, *unit_address;
	const char *unit_agency; /* the collecting unit's agency code: its key and certificate files */
	int64_t issued_at;
	int64_t cancelled_at;
	const char *cancel_reason;
	int64_t replaces_id, replaced_by_id;		  /* 0 when none */
	const char *replaces_number, *replaced_by_number; /* their numbers, for display */
	const char *xml;				  /* the signed XML document, as stored */
	const char *verify_code; /* short code printed on the receipt: from the signature's digest */
};

/* Names of methods and statuses ("cash", "issued"); 0 / NULL when unknown. */
int receipt_method_from_name(const char *name);
const char *receipt_method_name(int method);
const char *receipt_method_label(int method); /* msgid: "Cash", "Bank transfer", "Online payment" */
const char *receipt_status_name(int status);
const char *receipt_status_label(int status); /* msgid */

/* ---- books ---- */

/*
 * A new book for the collecting unit `unit_id` (its name, tax code and address are the unit's):
 * template like 01BLP0-001 (3 to 20 capital letters, digits, hyphens), series like AA-26E (two
 * capital letters, a hyphen, the year's last two digits, E for electronic), year 2000…2099.
 * Inside the caller's transaction. RECEIPT_OK with *id, RECEIPT_INVALID with *why (a msgid),
 * RECEIPT_CONFLICT when the unit has that book already, or a negative enum db_rc.
 */
int receipt_book_create(struct db *db, int64_t unit_id, const char *template_code, const char *series,
			int year, const char *by, int64_t now, int64_t *id, const char **why);
/* Stop (active 0) or resume (1) a book. RECEIPT_OK, RECEIPT_NOT_FOUND, or a negative rc. */
int receipt_book_set_active(struct db *db, int64_t id, int active);
/* Delete a book that has issued nothing. RECEIPT_OK, RECEIPT_NOT_FOUND, RECEIPT_CONFLICT (it has receipts).
 */
int receipt_book_delete(struct db *db, int64_t id);
int receipt_book_load(struct db *db, struct arena *a, int64_t id, struct receipt_book *out);
/* The books of these units (sorted ids; NULL = all), newest year first. */
int receipt_book_list(struct db *db, struct arena *a, const int64_t *units, size_t nunits,
		      struct receipt_book **out, size_t *n);

/* ---- receipts ---- */

enum receipt_rc {
	RECEIPT_OK = 0,
	RECEIPT_NOT_FOUND = 1,
	RECEIPT_INVALID = 2,  /* *why says what */
	RECEIPT_CONFLICT = 3, /* *why says what: a state that does not allow it */
	RECEIPT_NO_KEY = 4,   /* the unit has no signing key and certificate */
};

struct receipt_issue {
	int64_t book_id;
	const char *dossier_code; /* NULL or "": standalone */
	struct receipt_party payer;
	size_t nlines;				      /* 0 with a dossier: the dossier's fees */
	struct receipt_line lines[RECEIPT_MAX_LINES]; /* name, quantity, unit_amount (amount computed) */
	int method;
	int64_t collector_account;
	const char *collector_name;
	const char *keys_dir; /* {keys_dir}/{unit agency code}.key.pem and .crt.pem */
};

/* The key and certificate files of a unit: {keys_dir}/{agency}.key.pem, .crt.pem. 0 or -1 (too long). */
int receipt_key_paths(const char *keys_dir, const char *agency, char *key, char *cert, size_t size);

/*
 * Issue a receipt inside the caller's write transaction at `now`: checks the input (payer name
 * and address, 1…RECEIPT_MAX_LINES lines of 1…RECEIPT_QUANTITY_MAX × 1…RECEIPT_AMOUNT_MAX, a
 * total within RECEIPT_AMOUNT_MAX, a known method), the book (active, its year this year), the
 * dossier (its fee due and not yet paid; the total equals it; a dossier awaiting its fee goes on:
 * fee_paid), takes the next number from the book's counter, signs the XML and writes the receipt.
 * RECEIPT_OK with *out filled (strings in the arena), else RECEIPT_NOT_FOUND / INVALID /
 * CONFLICT / NO_KEY with *why, or a negative enum db_rc.
 */
int receipt_issue(struct db *db, struct arena *a, const struct receipt_issue *in, int64_t now,
		  struct receipt *out, const char **why);

/*
 * Cancel an issued receipt: a reason of 5…500 characters is required; the number is kept.
 * RECEIPT_OK, RECEIPT_NOT_FOUND, RECEIPT_INVALID (reason), RECEIPT_CONFLICT (already cancelled).
 */
int receipt_cancel(struct db *db, int64_t id, const char *reason, const char *by, int64_t now,
		   const char **why);

/*
 * Replace an issued receipt: it is cancelled with `reason` and a new one is issued from `in`
 * (in->dossier_code is taken from the original; a dossier's fee stays paid) pointing to it;
 * each shows the other. As receipt_issue and receipt_cancel.
 */
int receipt_replace(struct db *db, struct arena *a, int64_t id, const char *reason, struct receipt_issue *in,
		    int64_t now, struct receipt *out, const char **why);

/* Load by id or by the public lookup code: RECEIPT_OK, RECEIPT_NOT_FOUND or a negative rc. */
int receipt_load(struct db *db, struct arena *a, int64_t id, struct receipt *out);
int receipt_load_lookup(struct db *db, struct arena *a, const char *lookup, struct receipt *out);

struct receipt_query {
	const int64_t *units; /* collecting units among these (sorted ids); NULL = any */
	size_t nunits;
	int64_t book_id;    /* 0 = any */
	int64_t from, to;   /* issued_at in [from, to); 0 = open */
	int status;	    /* 0 = any */
	const char *q;	    /* a number (1234 or 0001234), a payer's name part, or a dossier code */
	int64_t dossier_id; /* 0 = any */
	int limit, offset;
};

/*
 * The demo's receipt books (the one-stop offices of the district and of ward Nhân Chính, this year) and,
 * when missing, their demo keys and self-signed certificates in keys_dir (made if needed).
 * Inside the caller's transaction for the books. 0, -1 (a key could not be made) or a negative rc.
 */
int receipt_demo(struct db *db, const char *keys_dir, int64_t now);

/* A collecting unit's demo key and self-signed certificate in keys_dir: 0, 1 when either file is there
 * already (kept), -1. */
int receipt_demo_key(const char *keys_dir, const char *agency, const char *unit_name);

/* Receipts newest first (lines not loaded), *total the count of all that match. */
int receipt_list(struct db *db, struct arena *a, const struct receipt_query *q, struct receipt **out,
		 size_t *n, int64_t *total);

#endif
