/* procedures.h: the procedure catalogue in the database: versions, publishing, search, import and export. */
#ifndef FEATURES_PROCEDURES_H
#define FEATURES_PROCEDURES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "rules/procedure.h"
#include "store/db.h"

/*
 * The JSON document of a procedure version (the API's body, the JSON
 * import and export, and what a version stores):
 *
 * {"code":"2.000815","name":"…","field":"Chứng thực","level":"ward",
 *  "inter_level":false,"receive_level":"ward","decide_level":"ward",
 *  "receiving":"…","deciding":"…",
 *  "time":{"amount":0,"unit":"day","note":"…"},
 *  "fees":[{"name":"…","kind":"fee"|"charge","per":"page"|"copy"|"dossier","amount":0,
 *           "tiers":[{"from":1,"to":2,"amount":2000},{"from":3,"to":null,"amount":1000}],
 *           "min":null,"max":200000}],
 *  "fee_note":"…",
 *  "documents":[{"name":"…","kind":"original"|"certified_copy"|"copy","count":1,
 *                "form":{"name":"…","file":"<sha256 hex>"}|null}],
 *  "result":"…","legal_basis":"…","conditions":"…","online":"full"|"partial"|"none",
 *  "steps":[{"name":"…","responsible":"…","role":"onestop_clerk","level":"ward","hours":4}]}
 *
 * Read with procedure_from_json, written with procedure_to_json (keys in
 * this order; optional texts as ""; "to","min","max" null when 0).
 */

/*
 * Fill `p` from a document (strings copied into the arena). Shape errors
 * (a missing key, a wrong type, an unknown name for an enum) go through
 * `err` like procedure_check's, with the same field names; the values are
 * not checked otherwise (call procedure_check). Optional: receive_level
 * and decide_level (default: level), inter_level (default: whether they
 * differ), time.note, fees, tiers, "to", "min", "max", fee_note, documents,
 * a document's count (1) and form, conditions, a step's role; null is the
 * same as missing. Returns the number of errors.
 */
int procedure_from_json(const json_t *doc, struct arena *a, struct procedure *p,
			void (*err)(void *ctx, const char *field, const char *msgid), void *ctx);
/* The document of `p` (a new reference). */
json_t *procedure_to_json(const struct procedure *p);

/* The largest blank form file (mẫu đơn, tờ khai) a document may have. */
#define PROC_FORM_FILE_MAX ((size_t)16 << 20)

/*
 * Register a file of the store (files_store) as a blank form, so that the
 * catalogue may serve it: the store also keeps what citizens upload, and
 * only registered files are ever downloaded from /thu-tuc. Outside or
 * inside a transaction; a file registered already is left as it is.
 * procedure_form_known: 1 when `sha` is registered, 0 when not, negative
 * on error.
 */
int procedure_form_register(struct db *db, const char *sha, const char *name, int64_t bytes, const char *by,
			    int64_t now);
int procedure_form_known(struct db *db, const char *sha);

/* Statuses of a version. */
enum proc_status {
	PROC_DRAFT = 1, /* "draft": being written, never shown to the public */
	PROC_PUBLISHED, /* "published": the version the catalogue shows */
	PROC_RETIRED,	/* "retired": replaced by a newer version, or unpublished */
};

/* A stored version and where it stands. */
struct proc_version {
	int64_t procedure_id;
	int64_t version;   /* 1, 2, … per code */
	int status;	   /* enum proc_status */
	int64_t published; /* the version the catalogue shows for this code, 0 when none */
	int64_t latest;	   /* the newest version of this code */
	const char *created_by;
	int64_t created_at;
	struct procedure p;
};

/*
 * Save `p` (checked by the caller with procedure_check) inside the caller's
 * write transaction, as `by` ("account:3", "cli", "import") at `now`:
 *  - a code not in the catalogue: version 1, a draft;
 *  - the latest version a draft: it is replaced in place;
 *  - the latest version published or retired: a new version, a draft (a
 *    published version is never changed: dossiers keep the version they
 *    were received under).
 * The field must exist in the managed list (else DB_CONSTRAINT, after which
 * the caller rolls back). *version gets the version written. 0 or a
 * negative enum db_rc.
 */
int procedure_save(struct db *db, const struct procedure *p, const char *by, int64_t now, int64_t *version);

/*
 * Publish version `version` of `code` (inside the caller's transaction): it
 * becomes the one the catalogue shows; the one shown before is retired.
 * 0, 1 when there is no such version, or a negative enum db_rc.
 */
int procedure_publish(struct db *db, const char *code, int64_t version, int64_t now);
/* Take `code` out of the public catalogue (its published version is retired). 0, 1 when not published. */
int procedure_unpublish(struct db *db, const char *code, int64_t now);

/*
 * Load a version of `code` into `out` (strings in the arena): version 0
 * means the published one (1 when none is published), -1 the latest.
 * 0, 1 when there is none, or a negative enum db_rc.
 */
int procedure_load(struct db *db, struct arena *a, const char *code, int64_t version,
		   struct proc_version *out);
/*
 * The published version of `code`, as procedure_load(…, 0, …) but in one
 * query, its document parsed once per process: out->p's lists are shared
 * with other threads and must not be changed. 0, 1 when none is published,
 * or a negative enum db_rc.
 */
int procedure_load_published(struct db *db, struct arena *a, const char *code, struct proc_version *out);
/* The same by the procedure's id, as a dossier refers to it. */
int procedure_load_id(struct db *db, struct arena *a, int64_t procedure_id, int64_t version,
		      struct proc_version *out);

/* What the catalogue lists: a filter on the published versions (or on all latest ones for admins). */
struct proc_query {
	const char *q;	   /* words, folded (fold_text) and each required; NULL or "" = all */
	int level;	   /* enum proc_level, 0 = any */
	int inter_level;   /* 1 = only inter-level ones, 0 = any */
	const char *field; /* a field's name, NULL = any */
	int online;	   /* enum proc_online, 0 = any */
	int all_versions;  /* admin: the latest version of every code, drafts and unpublished included */
	size_t offset, limit;
};

/* One row of a list. */
struct proc_row {
	const char *code;
	const char *name;
	const char *field;
	int level, inter_level, online;
	int64_t time_amount;
	int time_unit;
	int64_t version;
	int status; /* enum proc_status of that version */
};

/* How many match, by level, for the counts at the top of the catalogue ("Cấp quận: N · …"). */
struct proc_counts {
	size_t total;
	size_t city, district, ward; /* by the procedure's level */
	size_t inter_level;	     /* of them, inter-level */
};

/*
 * The procedures matching q, ordered by level then code, rows offset..
 * offset+limit into *rows (arena), and the counts of all that match (the
 * same filter, without paging; the level counts ignore q->level so that
 * the counts show what each level would give). 0 or a negative enum db_rc.
 *
 * The public list (all_versions 0) is searched in memory: the published
 * versions' search columns are read once per process and kept while the
 * setting "catalogue_version" keeps its value, then the page's rows are
 * read by id. procedure_publish, procedure_unpublish and
 * procedure_field_update write a new value in their transaction ("NEW
 * PREVIOUS ID": a random token, the one it replaces, the procedure that
 * changed or 0), so that a process one change behind reads only that
 * procedure again. Code that changes the published catalogue any other way
 * must write a new random token there (everything is then read again). The
 * admin list (all_versions 1) is searched in SQL.
 */
int procedure_list(struct db *db, struct arena *a, const struct proc_query *q, struct proc_row **rows,
		   size_t *n, struct proc_counts *counts);

/* ---- fields (lĩnh vực), a managed list ---- */

struct proc_field {
	int64_t id;
	const char *name;
	int active;
	size_t procedures; /* published procedures in it */
};

/* Every field, by name. 0 or a negative enum db_rc. */
int procedure_fields(struct db *db, struct arena *a, struct proc_field **out, size_t *n);
/* Add a field (inside a transaction): 0 with *id, DB_CONSTRAINT when the name exists. */
int procedure_field_add(struct db *db, const char *name, int64_t now, int64_t *id);
/*
 * Rename or (de)activate a field (name NULL: keep it; active other than 0
 * or 1: keep it): 0, 1 when there is none; DB_CONSTRAINT for a taken name.
 * Inside a transaction: a rename also refolds the search text of the
 * field's versions (loads and exports name the field as it is now).
 */
int procedure_field_update(struct db *db, int64_t id, const char *name, int active);

/* ---- import and export ---- */

/* A rejected row of an import: its line (CSV: the line in the file; JSON: the array index + 1). */
struct proc_import_error {
	size_t line;
	const char *field;  /* as procedure_check names it, or "" for the row as a whole */
	const char *msgid;  /* English message id for _() */
	const char *detail; /* e.g. the value that was wrong, or "" */
};

/*
 * Import procedures from a JSON array of documents, or from CSV (UTF-8,
 * a header row with the columns of procedure_export_csv), as `by` at `now`:
 * every row is parsed and checked (and the fields must exist); when any row
 * fails, nothing is written and *errors (arena) lists every failure with
 * its line. Otherwise, in one transaction (the caller's when one is open,
 * so that the import is audited with it: the caller then commits, or rolls
 * back after an error), each row is saved (procedure_save) and, with
 * `publish`, published; a row identical to the latest version of its code
 * makes no new version (it is only published, with `publish`), so importing
 * a file twice changes nothing. CSV: a UTF-8 byte order mark is skipped, a
 * line break inside a quoted value is read as "\n", blank lines are
 * skipped. More than 10,000 rows are refused with one error. Returns 0 with
 * *imported, 1 when rows were rejected (nothing written), or a negative
 * enum db_rc (nothing written).
 */
int procedure_import_json(struct db *db, struct arena *a, const char *text, size_t len, const char *by,
			  int64_t now, int publish, size_t *imported, struct proc_import_error **errors,
			  size_t *nerrors);
int procedure_import_csv(struct db *db, struct arena *a, const char *text, size_t len, const char *by,
			 int64_t now, int publish, size_t *imported, struct proc_import_error **errors,
			 size_t *nerrors);

/*
 * Export the published versions (all latest versions with `all`) as a
 * JSON array of documents, or as CSV: one row per procedure with the
 * columns code, name, field, level, inter_level, receive_level,
 * decide_level, receiving, deciding, time_amount, time_unit, time_note,
 * online, result, legal_basis, conditions, fee_note, and fees, documents,
 * steps each as the JSON text of their array (so that one CSV row holds a
 * whole procedure and imports back unchanged). Quoted as RFC 4180. The text
 * is appended to `out`. 0 or a negative enum db_rc.
 */
struct buf;
int procedure_export_json(struct db *db, struct arena *a, int all, struct buf *out);
int procedure_export_csv(struct db *db, struct arena *a, int all, struct buf *out);
/* The same columns as an Excel workbook, every cell text (codes like 2.000720 stay as written). */
int procedure_export_xlsx(struct db *db, struct arena *a, int all, struct buf *out);

/*
 * The demo catalogue (lists/procedures-demo.json, embedded): its fields and
 * procedures, saved and published inside the caller's transaction; codes
 * already there are left alone. 0 or a negative enum db_rc.
 */
int procedure_demo(struct db *db, int64_t now);

#endif
