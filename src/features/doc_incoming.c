/* doc_incoming.c: incoming documents: the checks, registering, assignment and handling, who sees what,
 * the lists, the register (page rows, PDF, XLSX), reminders and the demo. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/i18n.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "core/text.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "features/calendar.h"
#include "features/doc_incoming.h"
#include "features/doc_stats.h"
#include "features/doc_text.h"
#include "features/mail.h"
#include "features/pdf.h"
#include "features/schedule.h"
#include "features/xlsx.h"
#include "rules/document.h"
#include "rules/fold.h"
#include "store/counter.h"
#include "core/banned.h"

#define COUNTER_NAME "doc_in_arrival"
#define YEAR_MIN     2000
#define YEAR_MAX     2099

/* ---- texts ---- */

static const char *const msg_bad_text =
	N_("This text contains characters that are not allowed: type it again.");

/* s folded for search (arena), "" when it cannot be. */
static char *folded(struct arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	char *out = arena_alloc(a, n);
	if (fold_text(s, out, n) < 0)
		out[0] = '\0';
	return out;
}

/* A count as typed: "" → 0, else 1..max; -1 when not. */
static int count_parse(const char *s, int max)
{
	long v = 0;
	if (!s || !*s)
		return 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > max)
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v >= 1 && v <= max ? (int)v : -1;
}

int doc_in_note_check(struct arena *a, const char *in, const char **out, const char **why)
{
	int rc = text_clean(a, in, 1, DOC_IN_NOTE_MAX, out);
	*why = rc == TEXT_BAD	 ? msg_bad_text
	       : rc == TEXT_LONG ? N_("The note is too long: at most 2000 characters.")
				 : NULL;
	return rc ? -1 : 0;
}

int doc_in_check(struct arena *a, const struct doc_in_form *f, int64_t now, struct doc_in *d,
		 void (*err)(void *ctx, const char *field, const char *msgid), void *ctx)
{
	const char *s, *date_s, *time_s;
	int32_t today = schedule_day_of(now), day;
	int n = 0, rc, minute;
	struct civil c;

	time_to_civil(now, VN_UTC_OFFSET, &c);
	/* arrival: today and now unless typed; not in the future, not before last year */
	rc = text_clean(a, f->arrived_date, 0, 40, &date_s);
	day = rc ? 0 : *date_s ? schedule_date_parse(date_s) : today;
	rc = text_clean(a, f->arrived_time, 0, 40, &time_s);
	minute = rc			   ? -1
		 : *time_s		   ? schedule_time_parse(time_s)
		 : *date_s && day != today ? 8 * 60
					   : c.hour * 60 + c.min;
	d->arrived_at = 0;
	if (!day) {
		err(ctx, "arrived_date", N_("Enter the arrival date as dd/mm/yyyy, such as 30/11/2026."));
		n++;
	} else if (day > today) {
		err(ctx, "arrived_date", N_("The arrival date cannot be in the future."));
		n++;
	} else if (day / 10000 < c.year - 1) {
		err(ctx, "arrived_date",
		    N_("The arrival date is too old: documents of earlier years are no longer registered."));
		n++;
	}
	if (minute < 0) {
		err(ctx, "arrived_time", N_("Enter the arrival time as hours and minutes, such as 08:30."));
		n++;
	} else if (day && day <= today) {
		d->arrived_at = schedule_instant(day, minute);
		/* a minute's grace for the clocks of the clerk's computer and the server */
		if (d->arrived_at > now + 60) {
			err(ctx, "arrived_time", N_("The arrival time cannot be in the future."));
			n++;
		}
	}
	/* the sender: a motcua unit, or the agency's name as written */
	d->sender_unit_id = f->sender_unit_id;
	if (f->sender_unit_id) {
		d->sender = f->sender_unit_name ? f->sender_unit_name : "";
	} else {
		rc = text_clean(a, f->sender, 0, DOC_IN_SENDER_MAX, &d->sender);
		if (rc || !*d->sender) {
			err(ctx, "sender",
			    rc == TEXT_BAD    ? msg_bad_text
			    : rc == TEXT_LONG ? N_("The sender's name is too long: at most 300 characters.")
					      : N_("Enter the agency that sent the document."));
			n++;
		}
	}
	rc = text_clean(a, f->symbol, 0, 60, &d->symbol);
	if (rc == TEXT_BAD || (*d->symbol && !doc_incoming_symbol_valid(d->symbol)) || rc == TEXT_LONG) {
		err(ctx, "symbol",
		    N_("Enter the number and symbol as the document writes it, such as 147/KH-UBND, or leave it "
		       "empty for a document without one."));
		n++;
	}
	text_clean(a, f->doc_date, 0, 40, &s);
	d->doc_date = schedule_date_parse(s);
	if (!d->doc_date) {
		err(ctx, "doc_date",
		    *s ? N_("Enter the document's date as dd/mm/yyyy, such as 25/11/2026.")
		       : N_("Enter the document's date."));
		n++;
	} else if (day && d->doc_date > day) {
		err(ctx, "doc_date", N_("The document's date cannot be after its arrival."));
		n++;
	}
	text_clean(a, f->type, 0, 40, &s);
	{
		const struct doc_type *t = doc_type_by_key(s);
		int code = count_parse(s, DOC_TYPE_COUNT);
		if (!t && code > 0)
			t = doc_type(code);
		d->type = t ? t->code : 0;
		if (!t) {
			err(ctx, "type", N_("Choose the type of the document."));
			n++;
		}
	}
	rc = text_clean(a, f->summary, 1, DOC_IN_SUMMARY_MAX, &d->summary);
	if (rc || strlen(d->summary) < DOC_IN_SUMMARY_MIN) {
		err(ctx, "summary",
		    rc == TEXT_BAD    ? msg_bad_text
		    : rc == TEXT_LONG ? N_("The summary (trích yếu) is too long: at most 1000 characters.")
		    : *d->summary     ? N_("The summary is too short: say what the document is about.")
				      : N_("Enter the summary (trích yếu) of the document."));
		n++;
	}
	text_clean(a, f->urgency, 0, 40, &s);
	d->urgency = *s ? doc_urgency_from_name(s) : DOC_URGENCY_NORMAL;
	if (!d->urgency) {
		err(ctx, "urgency", N_("Choose the urgency: normal, urgent, very urgent or flash."));
		n++;
	}
	text_clean(a, f->secrecy, 0, 40, &s);
	d->secrecy = *s ? doc_secrecy_from_name(s) : DOC_SECRECY_NONE;
	if (!d->secrecy) {
		err(ctx, "secrecy", N_("Choose the secrecy: normal, confidential, secret or top secret."));
		n++;
	}
	text_clean(a, f->reply_due, 0, 40, &s);
	d->reply_due = *s ? schedule_date_parse(s) : 0;
	if (*s && !d->reply_due) {
		err(ctx, "reply_due", N_("Enter the reply deadline as dd/mm/yyyy, or leave it empty."));
		n++;
	} else if (d->reply_due && d->doc_date && d->reply_due < d->doc_date) {
		err(ctx, "reply_due", N_("The reply deadline cannot be before the document's date."));
		n++;
	}
	text_clean(a, f->pages, 0, 40, &s);
	if ((d->pages = count_parse(s, DOC_IN_PAGES_MAX)) < 0) {
		err(ctx, "pages", N_("Enter the number of pages (1 or more), or leave it empty."));
		n++;
	}
	text_clean(a, f->copies, 0, 40, &s);
	if ((d->copies = count_parse(s, DOC_IN_PAGES_MAX)) < 0) {
		err(ctx, "copies", N_("Enter the number of copies (1 or more), or leave it empty."));
		n++;
	}
	rc = text_clean(a, f->notes, 1, DOC_IN_NOTES_MAX, &d->notes);
	if (rc) {
		err(ctx, "notes",
		    rc == TEXT_BAD ? msg_bad_text : N_("The notes are too long: at most 2000 characters."));
		n++;
	}
	return n;
}

/* ---- history ---- */

/* Append a history row; detail (stolen, may be NULL) as compact JSON. */
static int event_add(struct db *db, int64_t doc, int64_t by, const char *action, json_t *detail, int64_t now)
{
	char *text = NULL;
	int64_t id;
	int rc;
	if (detail) {
		text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(detail);
		if (!text)
			BUG("json_dumps failed");
	}
	if ((rc = counter_next(db, "id", "doc_in_events", "", &id)) == 0)
		rc = db_exec(db,
			     "INSERT INTO doc_in_events (id, doc_id, at, account_id, action, detail) "
			     "VALUES (?, ?, ?, NULLIF(?, 0), ?, ?)",
			     "iiiiss", id, doc, now, by, action, text ? text : "");
	free(text);
	return rc;
}

/* ---- registering ---- */

int doc_in_register(struct db *db, struct doc_in *d, int64_t by, int64_t now, int64_t *dup_id)
{
	struct arena a;
	struct db_stmt *st;
	char scope[24], period[8];
	const char *dup_key = NULL, *search;
	int64_t no, id;
	int rc;

	arena_init(&a);
	d->arrival_year = schedule_day_of(d->arrived_at) / 10000;
	snprintf(scope, sizeof(scope), "%lld", (long long)d->agency_id);
	snprintf(period, sizeof(period), "%d", d->arrival_year);
	/* Decree 30/2020 art. 22: arrival numbers run consecutively from 1 January; the counter row's
	 * lock also orders two clerks registering the same document at once */
	if ((rc = counter_next(db, COUNTER_NAME, scope, period, &no)))
		goto out;
	if (*d->symbol) {
		dup_key = arena_printf(&a, "%s|%s|%d", folded(&a, d->sender), folded(&a, d->symbol),
				       (int)d->doc_date);
		rc = db_query(db, &st, "SELECT id FROM doc_incoming WHERE agency_id = ? AND dup_key = ?",
			      "is", d->agency_id, dup_key);
		if (rc == DB_ROW) {
			if (dup_id)
				*dup_id = db_col_int(st, 0);
			while (rc == DB_ROW)
				rc = db_step(st);
			rc = rc < 0 ? rc : DOC_IN_DUPLICATE;
			goto out;
		}
		if (rc < 0)
			goto out;
	}
	if ((rc = counter_next(db, "id", "doc_incoming", "", &id)))
		goto out;
	search = folded(&a, arena_printf(&a, "%s %s %s", d->summary, d->sender, d->symbol));
	d->id = id;
	d->arrival_no = no;
	d->status = DOC_IN_REGISTERED;
	d->created_at = now;
	d->registered_by = by;
	st = db_prepare(
		db,
		"INSERT INTO doc_incoming (id, agency_id, arrival_year, arrival_no, arrived_at, sender, "
		"sender_unit_id, sender_key, symbol, doc_date, type, summary, urgency, secrecy, reply_due, "
		"pages, copies, notes, file_sha, file_name, file_mime, file_size, status, search, dup_key, "
		"registered_by, created_at) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st) {
		rc = DB_ERROR;
		goto out;
	}
	{
		const char *sk = folded(&a, d->sender);
		int k = 1, b = 0;
		b |= db_bind_int(st, k++, id);
		b |= db_bind_int(st, k++, d->agency_id);
		b |= db_bind_int(st, k++, d->arrival_year);
		b |= db_bind_int(st, k++, no);
		b |= db_bind_int(st, k++, d->arrived_at);
		b |= db_bind_text(st, k++, d->sender, strlen(d->sender));
		b |= d->sender_unit_id ? db_bind_int(st, k++, d->sender_unit_id) : db_bind_null(st, k++);
		b |= db_bind_text(st, k++, sk, strlen(sk));
		b |= db_bind_text(st, k++, d->symbol, strlen(d->symbol));
		b |= db_bind_int(st, k++, d->doc_date);
		b |= db_bind_int(st, k++, d->type);
		b |= db_bind_text(st, k++, d->summary, strlen(d->summary));
		b |= db_bind_int(st, k++, d->urgency);
		b |= db_bind_int(st, k++, d->secrecy);
		b |= db_bind_int(st, k++, d->reply_due);
		b |= db_bind_int(st, k++, d->pages);
		b |= db_bind_int(st, k++, d->copies);
		b |= db_bind_text(st, k++, d->notes, strlen(d->notes));
		b |= db_bind_text(st, k++, d->file_sha, strlen(d->file_sha));
		b |= db_bind_text(st, k++, d->file_name, strlen(d->file_name));
		b |= db_bind_text(st, k++, d->file_mime, strlen(d->file_mime));
		b |= db_bind_int(st, k++, d->file_size);
		b |= db_bind_int(st, k++, DOC_IN_REGISTERED);
		b |= db_bind_text(st, k++, search, strlen(search));
		b |= dup_key ? db_bind_text(st, k++, dup_key, strlen(dup_key)) : db_bind_null(st, k++);
		b |= by ? db_bind_int(st, k++, by) : db_bind_null(st, k++);
		b |= db_bind_int(st, k++, now);
		if (b) {
			rc = DB_ERROR;
			goto out;
		}
	}
	if ((rc = db_step(st)) != DB_DONE)
		goto out;
	rc = event_add(db, id, by, "register",
		       json_pack("{s:I,s:s}", "arrival_no", (json_int_t)no, "symbol", d->symbol), now);
	if (!rc)
		rc = doc_stats_add(db, d->agency_id, d->agency_id, d->arrived_at, DOC_STAT_IN, d->type, 1);
	if (!rc && *d->file_sha)
		rc = doc_text_request(db, d->file_sha, d->file_mime, now);
out:
	arena_release(&a);
	return rc;
}

/* ---- loading ---- */

#define DOC_COLS                                                                                                \
	"d.id, d.agency_id, d.arrival_year, d.arrival_no, d.arrived_at, d.sender, d.sender_unit_id, d.symbol, " \
	"d.doc_date, d.type, d.summary, d.urgency, d.secrecy, d.reply_due, d.pages, d.copies, d.notes, "        \
	"d.file_sha, d.file_name, d.file_mime, d.file_size, d.status, d.due, d.instructions, d.assigned_by, "   \
	"d.assigned_at, d.done_at, d.reply_out_id, d.registered_by, d.created_at, u.name, rb.full_name, "       \
	"ab.full_name"
#define DOC_FROM                                                                                    \
	" FROM doc_incoming d JOIN units u ON u.id = d.agency_id LEFT JOIN accounts rb ON rb.id = " \
	"d.registered_by LEFT JOIN accounts ab ON ab.id = d.assigned_by"

static const char *col_str(struct arena *a, struct db_stmt *st, int i)
{
	const char *s = db_col_text(st, i);
	return arena_strdup(a, s ? s : "");
}

static void doc_from_row(struct arena *a, struct db_stmt *st, struct doc_in *d)
{
	int k = 0;
	memset(d, 0, sizeof(*d));
	d->id = db_col_int(st, k++);
	d->agency_id = db_col_int(st, k++);
	d->arrival_year = (int)db_col_int(st, k++);
	d->arrival_no = db_col_int(st, k++);
	d->arrived_at = db_col_int(st, k++);
	d->sender = col_str(a, st, k++);
	d->sender_unit_id = db_col_int(st, k++);
	d->symbol = col_str(a, st, k++);
	d->doc_date = (int32_t)db_col_int(st, k++);
	d->type = (int)db_col_int(st, k++);
	d->summary = col_str(a, st, k++);
	d->urgency = (int)db_col_int(st, k++);
	d->secrecy = (int)db_col_int(st, k++);
	d->reply_due = (int32_t)db_col_int(st, k++);
	d->pages = (int)db_col_int(st, k++);
	d->copies = (int)db_col_int(st, k++);
	d->notes = col_str(a, st, k++);
	d->file_sha = col_str(a, st, k++);
	d->file_name = col_str(a, st, k++);
	d->file_mime = col_str(a, st, k++);
	d->file_size = db_col_int(st, k++);
	d->status = (int)db_col_int(st, k++);
	d->due = (int32_t)db_col_int(st, k++);
	d->instructions = col_str(a, st, k++);
	d->assigned_by = db_col_int(st, k++);
	d->assigned_at = db_col_int(st, k++);
	d->done_at = db_col_int(st, k++);
	d->reply_out_id = db_col_int(st, k++);
	d->registered_by = db_col_int(st, k++);
	d->created_at = db_col_int(st, k++);
	d->agency_name = col_str(a, st, k++);
	d->registered_by_name = col_str(a, st, k++);
	d->assigned_by_name = col_str(a, st, k++);
}

/* The recipients of documents: rows of doc `id`. */
static int rcpts_load(struct db *db, struct arena *a, int64_t id, struct doc_in_rcpt **out, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 8;
	int rc = db_query(
		db, &st,
		"SELECT r.id, r.parent_id, r.unit_id, r.account_id, r.role, r.state, r.note, r.assigned_by, "
		"r.assigned_at, r.read_at, r.started_at, r.done_at, r.acted_by, r.reply_out_id, "
		"r.due_reminded_at, r.late_reminded_at, un.name, ac.full_name, ac.position, ab.full_name "
		"FROM doc_in_recipients r LEFT JOIN units un ON un.id = r.unit_id LEFT JOIN accounts ac ON "
		"ac.id = r.account_id LEFT JOIN accounts ab ON ab.id = r.acted_by WHERE r.doc_id = ? "
		"ORDER BY r.id",
		"i", id);
	*n = 0;
	*out = arena_alloc(a, cap * sizeof(**out));
	for (; rc == DB_ROW; rc = db_step(st)) {
		struct doc_in_rcpt *r;
		if (*n == cap) {
			struct doc_in_rcpt *bigger = arena_alloc(a, 2 * cap * sizeof(*bigger));
			memcpy(bigger, *out, cap * sizeof(*bigger));
			*out = bigger;
			cap *= 2;
		}
		r = &(*out)[(*n)++];
		memset(r, 0, sizeof(*r));
		r->id = db_col_int(st, 0);
		r->parent_id = db_col_int(st, 1);
		r->unit_id = db_col_int(st, 2);
		r->account_id = db_col_int(st, 3);
		r->role = (int)db_col_int(st, 4);
		r->state = (int)db_col_int(st, 5);
		r->note = col_str(a, st, 6);
		r->assigned_by = db_col_int(st, 7);
		r->assigned_at = db_col_int(st, 8);
		r->read_at = db_col_int(st, 9);
		r->started_at = db_col_int(st, 10);
		r->done_at = db_col_int(st, 11);
		r->acted_by = db_col_int(st, 12);
		r->reply_out_id = db_col_int(st, 13);
		r->due_reminded_at = db_col_int(st, 14);
		r->late_reminded_at = db_col_int(st, 15);
		r->name = r->unit_id ? col_str(a, st, 16) : col_str(a, st, 17);
		r->position = r->unit_id ? "" : col_str(a, st, 18);
		r->acted_by_name = col_str(a, st, 19);
	}
	return rc < 0 ? rc : 0;
}

static int events_load(struct db *db, struct arena *a, int64_t id, struct doc_in_event **out, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 8;
	int rc = db_query(
		db, &st,
		"SELECT e.id, e.at, e.account_id, e.action, e.detail, ac.full_name FROM doc_in_events e "
		"LEFT JOIN accounts ac ON ac.id = e.account_id WHERE e.doc_id = ? ORDER BY e.id",
		"i", id);
	*n = 0;
	*out = arena_alloc(a, cap * sizeof(**out));
	for (; rc == DB_ROW; rc = db_step(st)) {
		struct doc_in_event *e;
		if (*n == cap) {
			struct doc_in_event *bigger = arena_alloc(a, 2 * cap * sizeof(*bigger));
			memcpy(bigger, *out, cap * sizeof(*bigger));
			*out = bigger;
			cap *= 2;
		}
		e = &(*out)[(*n)++];
		e->id = db_col_int(st, 0);
		e->at = db_col_int(st, 1);
		e->account_id = db_col_int(st, 2);
		e->action = col_str(a, st, 3);
		e->detail = col_str(a, st, 4);
		e->actor_name = col_str(a, st, 5);
	}
	return rc < 0 ? rc : 0;
}

int doc_in_load(struct db *db, struct arena *a, int64_t id, struct doc_in *out)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT " DOC_COLS DOC_FROM " WHERE d.id = ?", "i", id);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DOC_IN_NOT_FOUND;
	doc_from_row(a, st, out);
	while (rc == DB_ROW)
		rc = db_step(st);
	if (rc < 0)
		return rc;
	if ((rc = rcpts_load(db, a, id, &out->rcpts, &out->nrcpts)))
		return rc;
	return events_load(db, a, id, &out->events, &out->nevents);
}

/* ---- assignment and handling ---- */

static const struct doc_in_rcpt *rcpt_of(const struct doc_in *d, int64_t id)
{
	for (size_t i = 0; i < d->nrcpts; i++)
		if (d->rcpts[i].id == id)
			return &d->rcpts[i];
	return NULL;
}

/* An active staff account: its unit and name into *unit / *name (arena); 1 when there is none. */
static int staff_of(struct db *db, struct arena *a, int64_t account, int64_t *unit, const char **name)
{
	struct db_stmt *st;
	int rc = db_query(
		db, &st,
		"SELECT unit_id, full_name FROM accounts WHERE id = ? AND kind = 'staff' AND active = 1", "i",
		account);
	if (rc == DB_ROW) {
		*unit = db_col_int(st, 0);
		*name = col_str(a, st, 1);
	}
	while (rc == DB_ROW)
		rc = db_step(st);
	if (rc < 0)
		return rc;
	return *name ? 0 : 1;
}

static int unit_name(struct db *db, struct arena *a, int64_t unit, const char **name)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT name FROM units WHERE id = ?", "i", unit);
	if (rc == DB_ROW)
		*name = col_str(a, st, 0);
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : 0;
}

static int rcpt_insert(struct db *db, int64_t doc, int64_t parent, int64_t unit, int64_t account, int role,
		       const char *note, int64_t by, int64_t now)
{
	struct db_stmt *st;
	int64_t id;
	int rc, k = 1, b = 0;
	if ((rc = counter_next(db, "id", "doc_in_recipients", "", &id)))
		return rc;
	st = db_prepare(
		db, "INSERT INTO doc_in_recipients (id, doc_id, parent_id, unit_id, account_id, role, state, "
		    "note, assigned_by, assigned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return DB_ERROR;
	b |= db_bind_int(st, k++, id);
	b |= db_bind_int(st, k++, doc);
	b |= parent ? db_bind_int(st, k++, parent) : db_bind_null(st, k++);
	b |= unit ? db_bind_int(st, k++, unit) : db_bind_null(st, k++);
	b |= account ? db_bind_int(st, k++, account) : db_bind_null(st, k++);
	b |= db_bind_int(st, k++, role);
	b |= db_bind_int(st, k++, DOC_RCPT_UNREAD);
	b |= db_bind_text(st, k++, note, strlen(note));
	b |= by ? db_bind_int(st, k++, by) : db_bind_null(st, k++);
	b |= db_bind_int(st, k++, now);
	if (b)
		return DB_ERROR;
	rc = db_step(st);
	return rc == DB_DONE ? 0 : rc < 0 ? rc : DB_ERROR;
}

static const char *date_iso(struct arena *a, int32_t ymd)
{
	return arena_printf(a, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
}

int doc_in_assign(struct db *db, const struct unit_tree *t, const struct doc_in *d,
		  const struct doc_in_target *targets, size_t n, const char *instructions, int32_t due,
		  int64_t by, int64_t now, const char **why)
{
	struct arena a;
	json_t *names[4] = { NULL, json_array(), json_array(), json_array() };
	size_t leads = 0;
	int64_t lead_unit = 0; /* the unit the lead counts for in the figures */
	int rc = 0;

	*why = NULL;
	arena_init(&a);
	if (d->status != DOC_IN_REGISTERED) {
		rc = DOC_IN_BAD_STATE;
		goto out;
	}
	if (!n || n > DOC_IN_TARGETS_MAX) {
		*why = n ? N_("Too many recipients: at most 50.")
			 : N_("Choose who leads the handling of the document.");
		rc = DOC_IN_BAD_RECIPIENT;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct doc_in_target *x = &targets[i];
		const char *name = NULL;
		if (x->role < DOC_RCPT_LEAD || x->role > DOC_RCPT_INFORM || !x->unit_id == !x->account_id) {
			*why = N_(
				"A recipient is a unit or a person, as lead, coordinating or for information.");
			rc = DOC_IN_BAD_RECIPIENT;
			goto out;
		}
		leads += x->role == DOC_RCPT_LEAD;
		for (size_t k = 0; k < i; k++)
			if (targets[k].unit_id == x->unit_id && targets[k].account_id == x->account_id) {
				*why = N_("The same recipient is chosen twice.");
				rc = DOC_IN_BAD_RECIPIENT;
				goto out;
			}
		if (x->unit_id) {
			long k = unit_tree_find(t, x->unit_id);
			if (k < 0 || !t->active[k] || x->unit_id == d->agency_id ||
			    unit_tree_agency(t, x->unit_id) != d->agency_id) {
				*why = N_(
					"A recipient unit is not a unit of the agency that received the document.");
				rc = DOC_IN_BAD_RECIPIENT;
				goto out;
			}
			if ((rc = unit_name(db, &a, x->unit_id, &name)))
				goto out;
			if (x->role == DOC_RCPT_LEAD)
				lead_unit = x->unit_id;
		} else {
			int64_t unit = 0;
			if ((rc = staff_of(db, &a, x->account_id, &unit, &name)) < 0)
				goto out;
			if (rc || unit_tree_agency(t, unit) != d->agency_id) {
				*why = N_(
					"A recipient is not a member of staff of the agency that received the document.");
				rc = DOC_IN_BAD_RECIPIENT;
				goto out;
			}
			if (x->role == DOC_RCPT_LEAD)
				lead_unit = unit;
		}
		json_array_append_new(names[x->role], json_string(name ? name : ""));
	}
	if (leads != 1) {
		*why = leads ? N_("Only one recipient leads the handling of the document.")
			     : N_("Choose who leads the handling of the document.");
		rc = DOC_IN_BAD_RECIPIENT;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if ((rc = rcpt_insert(db, d->id, 0, targets[i].unit_id, targets[i].account_id,
				      targets[i].role, "", by, now)))
			goto out;
	rc = db_exec(
		db,
		"UPDATE doc_incoming SET status = ?, due = ?, instructions = ?, assigned_by = NULLIF(?, 0), "
		"assigned_at = ?, lead_unit_id = ? WHERE id = ? AND status = ?",
		"iisiiiii", DOC_IN_ASSIGNED, (int64_t)due, instructions, by, now, lead_unit, d->id,
		DOC_IN_REGISTERED);
	if (!rc && db_changes(db) != 1)
		rc = DOC_IN_BAD_STATE;
	if (rc)
		goto out;
	{
		json_t *detail = json_pack("{s:O,s:O,s:O,s:s}", "lead", names[1], "coordinate", names[2],
					   "inform", names[3], "note", instructions);
		if (due)
			json_object_set_new(detail, "due", json_string(date_iso(&a, due)));
		rc = event_add(db, d->id, by, "assign", detail, now);
	}
	/* issue 9 §5: what the lead received, and on-time handling of those with a deadline */
	if (!rc)
		rc = doc_stats_add(db, d->agency_id, lead_unit, now, DOC_STAT_IN_LEAD, d->type, 1);
	if (!rc && due)
		rc = doc_stats_add(db, d->agency_id, lead_unit, now, DOC_STAT_IN_ASSIGNED, d->type, 1);
out:
	for (int i = 1; i < 4; i++)
		json_decref(names[i]);
	arena_release(&a);
	return rc;
}

int doc_in_forward(struct db *db, const struct doc_in *d, int64_t rcpt, const int64_t *accounts, size_t n,
		   const char *note, int64_t by, int64_t now, const char **why)
{
	const struct doc_in_rcpt *r = rcpt_of(d, rcpt);
	struct arena a;
	json_t *names = json_array();
	int rc = 0;

	*why = NULL;
	arena_init(&a);
	if (!r || !r->unit_id) {
		rc = DOC_IN_NOT_FOUND;
		goto out;
	}
	if (d->status != DOC_IN_ASSIGNED || r->state == DOC_RCPT_DONE) {
		rc = DOC_IN_BAD_STATE;
		goto out;
	}
	if (!n || n > DOC_IN_TARGETS_MAX) {
		*why = n ? N_("Too many recipients: at most 50.")
			 : N_("Choose the people to forward the document to.");
		rc = DOC_IN_BAD_RECIPIENT;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		int64_t unit = 0;
		const char *name = NULL;
		for (size_t k = 0; k < i; k++)
			if (accounts[k] == accounts[i]) {
				*why = N_("The same recipient is chosen twice.");
				rc = DOC_IN_BAD_RECIPIENT;
				goto out;
			}
		for (size_t k = 0; k < d->nrcpts; k++)
			if (d->rcpts[k].account_id == accounts[i]) {
				*why = N_("A person chosen has this document already.");
				rc = DOC_IN_BAD_RECIPIENT;
				goto out;
			}
		if ((rc = staff_of(db, &a, accounts[i], &unit, &name)) < 0)
			goto out;
		if (rc || unit != r->unit_id) {
			*why = N_("A document is forwarded only to people of your own unit.");
			rc = DOC_IN_BAD_RECIPIENT;
			goto out;
		}
		json_array_append_new(names, json_string(name));
	}
	for (size_t i = 0; i < n; i++)
		if ((rc = rcpt_insert(db, d->id, r->id, 0, accounts[i], r->role, note, by, now)))
			goto out;
	if (r->state == DOC_RCPT_UNREAD &&
	    (rc = db_exec(
		     db,
		     "UPDATE doc_in_recipients SET state = ?, read_at = ?, acted_by = NULLIF(?, 0) WHERE id = ?",
		     "iiii", DOC_RCPT_READ, now, by, r->id)))
		goto out;
	rc = event_add(db, d->id, by, "forward",
		       json_pack("{s:s,s:O,s:s,s:s}", "from", r->name, "to", names, "note", note, "role",
				 doc_recipient_role_name(r->role)),
		       now);
out:
	json_decref(names);
	arena_release(&a);
	return rc;
}

/* The unit the lead of d's assignment counted for when it was made (the agency before migration 0031). */
static int lead_unit_of(struct db *db, const struct doc_in *d, int64_t *out)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT lead_unit_id FROM doc_incoming WHERE id = ?", "i", d->id);
	*out = rc == DB_ROW && db_col_int(st, 0) ? db_col_int(st, 0) : d->agency_id;
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : 0;
}

/* The document is finished by its lead (`top`, the assignment's lead row): done, and whether on time. */
static int doc_finish(struct db *db, const struct doc_in *d, const struct doc_in_rcpt *top, int64_t reply,
		      int64_t now)
{
	int64_t unit;
	int rc = db_exec(
		db,
		"UPDATE doc_incoming SET status = ?, done_at = ?, reply_out_id = ? WHERE id = ? AND status = ?",
		"iiiii", DOC_IN_DONE, now, reply, d->id, DOC_IN_ASSIGNED);
	if (rc)
		return rc;
	if (db_changes(db) != 1)
		return DOC_IN_BAD_STATE;
	if (!d->due)
		return 0;
	if ((rc = lead_unit_of(db, d, &unit)))
		return rc;
	/* on time: finished on or before the deadline's day (Vietnam time) */
	return doc_stats_add(db, d->agency_id, unit, now,
			     schedule_day_of(now) <= d->due ? DOC_STAT_IN_ON_TIME : DOC_STAT_IN_LATE, d->type,
			     1);
}

int doc_in_mark(struct db *db, const struct doc_in *d, int64_t rcpt, int state, int64_t reply_out_id,
		int quiet, int64_t by, int64_t now, int *doc_done)
{
	const struct doc_in_rcpt *r = rcpt_of(d, rcpt), *top = NULL;
	const char *action;
	json_t *detail;
	int rc;

	if (doc_done)
		*doc_done = 0;
	if (!r)
		return DOC_IN_NOT_FOUND;
	if (d->status != DOC_IN_ASSIGNED)
		return quiet ? 0 : DOC_IN_BAD_STATE;
	switch (state) {
	case DOC_RCPT_READ:
		if (r->state != DOC_RCPT_UNREAD)
			return quiet ? 0 : DOC_IN_BAD_STATE;
		action = "read";
		rc = db_exec(
			db,
			"UPDATE doc_in_recipients SET state = ?, read_at = ?, acted_by = NULLIF(?, 0) WHERE id = ? "
			"AND state = ?",
			"iiiii", state, now, by, r->id, (int64_t)r->state);
		break;
	case DOC_RCPT_WORKING:
		if (r->state != DOC_RCPT_UNREAD && r->state != DOC_RCPT_READ)
			return DOC_IN_BAD_STATE;
		if (r->role == DOC_RCPT_INFORM)
			return DOC_IN_BAD_STATE;
		action = "start";
		rc = db_exec(
			db,
			"UPDATE doc_in_recipients SET state = ?, read_at = CASE WHEN read_at = 0 THEN ? ELSE "
			"read_at END, started_at = ?, acted_by = NULLIF(?, 0) WHERE id = ? AND state = ?",
			"iiiiii", state, now, now, by, r->id, (int64_t)r->state);
		break;
	case DOC_RCPT_DONE:
		if (r->state == DOC_RCPT_DONE || r->role == DOC_RCPT_INFORM)
			return DOC_IN_BAD_STATE;
		action = "done";
		if (r->role != DOC_RCPT_LEAD)
			reply_out_id = 0;
		rc = db_exec(
			db,
			"UPDATE doc_in_recipients SET state = ?, read_at = CASE WHEN read_at = 0 THEN ? ELSE "
			"read_at END, done_at = ?, acted_by = NULLIF(?, 0), reply_out_id = ? WHERE id = ? AND "
			"state = ?",
			"iiiiiii", state, now, now, by, reply_out_id, r->id, (int64_t)r->state);
		break;
	default: return DOC_IN_BAD_STATE;
	}
	if (rc)
		return rc;
	/* read before this transaction: a second click, or another user, changed it meanwhile */
	if (db_changes(db) != 1)
		return quiet ? 0 : DOC_IN_BAD_STATE;
	detail = json_pack("{s:s,s:s}", "recipient", r->name, "role", doc_recipient_role_name(r->role));
	if (reply_out_id)
		json_object_set_new(detail, "reply_out_id", json_integer(reply_out_id));
	if ((rc = event_add(db, d->id, by, action, detail, now)))
		return rc;
	if (state != DOC_RCPT_DONE || r->role != DOC_RCPT_LEAD)
		return 0;
	/* the lead at the top finishing, or a lead person it was forwarded to, finishes the document */
	if (!r->parent_id)
		top = r;
	else if ((top = rcpt_of(d, r->parent_id)) && top->role == DOC_RCPT_LEAD && !top->parent_id &&
		 top->state != DOC_RCPT_DONE) {
		if ((rc = db_exec(
			     db,
			     "UPDATE doc_in_recipients SET state = ?, read_at = CASE WHEN read_at = 0 THEN ? ELSE "
			     "read_at END, done_at = ?, acted_by = NULLIF(?, 0), reply_out_id = ? WHERE id = ?",
			     "iiiiii", DOC_RCPT_DONE, now, now, by, reply_out_id, top->id)))
			return rc;
	}
	if (!top || top->parent_id)
		return 0;
	if ((rc = doc_finish(db, d, top, reply_out_id, now)))
		return rc;
	if (doc_done)
		*doc_done = 1;
	return 0;
}

int doc_in_file(struct db *db, const struct doc_in *d, const char *note, int64_t by, int64_t now)
{
	int rc;
	if (d->status != DOC_IN_REGISTERED)
		return DOC_IN_BAD_STATE;
	rc = db_exec(
		db,
		"UPDATE doc_incoming SET status = ?, done_at = ?, instructions = ? WHERE id = ? AND status = ?",
		"iisii", DOC_IN_FILED, now, note, d->id, DOC_IN_REGISTERED);
	if (rc)
		return rc;
	if (db_changes(db) != 1)
		return DOC_IN_BAD_STATE;
	return event_add(db, d->id, by, "file", json_pack("{s:s}", "note", note), now);
}

/* ---- who sees what ---- */

static int has(const int64_t *v, size_t n, int64_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

int doc_in_acts_for(const struct doc_in_viewer *v, const struct doc_in_rcpt *r)
{
	if (r->account_id)
		return r->account_id == v->account_id;
	return has(v->lead, v->nlead, r->unit_id);
}

int doc_in_visible(const struct doc_in_viewer *v, const struct doc_in *d)
{
	if (has(v->all, v->nall, d->agency_id))
		return 1;
	for (size_t i = 0; i < d->nrcpts; i++) {
		const struct doc_in_rcpt *r = &d->rcpts[i];
		if (doc_in_acts_for(v, r))
			return 1;
		/* a department sees what was assigned to it; a secret one only its leader */
		if (r->unit_id && d->secrecy == DOC_SECRECY_NONE && has(v->units, v->nunits, r->unit_id))
			return 1;
	}
	return 0;
}

static const char *const queue_names[DOC_IN_Q_COUNT] = { "all", "to-read", "to-handle", "overdue", "unit" };

const char *doc_in_queue_name(int q)
{
	return q >= 0 && q < DOC_IN_Q_COUNT ? queue_names[q] : NULL;
}

int doc_in_queue_from_name(const char *name)
{
	for (int i = 0; name && i < DOC_IN_Q_COUNT; i++)
		if (!strcmp(queue_names[i], name))
			return i;
	return -1;
}

/* "?, ?, ?" for n ids, "0" for none (ids are positive). */
static void in_list(struct buf *sql, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_adds(sql, i ? ", ?" : "?");
	if (!n)
		buf_adds(sql, "0");
}

static int bind_ids(struct db_stmt *st, int *k, const int64_t *v, size_t n)
{
	int b = 0;
	for (size_t i = 0; i < n; i++)
		b |= db_bind_int(st, (*k)++, v[i]);
	return b;
}

#define MAX_WORDS 8

/* The words of a folded query (at most MAX_WORDS) in the arena. */
static size_t words_of(struct arena *a, const char *q, char **w)
{
	char *copy;
	size_t n = 0;
	if (!q || !*q)
		return 0;
	copy = arena_strdup(a, q);
	for (char *p = copy; *p && n < MAX_WORDS;) {
		char *e = strchr(p, ' ');
		if (e)
			*e = '\0';
		if (*p && strlen(p) < 100)
			w[n++] = arena_printf(a, "%%%s%%", p);
		if (!e)
			break;
		p = e + 1;
	}
	return n;
}

/* The WHERE clause: visibility, queue, filters. Bound in the same order by where_bind. */
static void where_sql(struct buf *sql, const struct doc_in_query *q, size_t nwords, size_t nsender)
{
	const struct doc_in_viewer *v = q->v;
	/* his rows: his own, or those of a unit he leads */
	const char *mine = "(r.account_id = ? OR r.unit_id IN (";

	buf_adds(sql, " WHERE (d.agency_id IN (");
	in_list(sql, v->nall);
	buf_adds(sql, ") OR EXISTS (SELECT 1 FROM doc_in_recipients r WHERE r.doc_id = d.id AND (");
	buf_adds(sql, mine);
	in_list(sql, v->nlead);
	buf_adds(sql, ")) OR (d.secrecy = 1 AND r.unit_id IN (");
	in_list(sql, v->nunits);
	buf_adds(sql, ")))))");
	switch (q->queue) {
	case DOC_IN_Q_TO_READ:
		buf_adds(
			sql,
			" AND d.status = 2 AND EXISTS (SELECT 1 FROM doc_in_recipients r WHERE r.doc_id = d.id AND ");
		buf_adds(sql, mine);
		in_list(sql, v->nlead);
		buf_adds(sql, ")) AND r.state = 1)");
		break;
	case DOC_IN_Q_TO_HANDLE:
		buf_adds(sql, " AND ((d.status = 1 AND d.agency_id IN (");
		in_list(sql, v->nlead);
		buf_adds(
			sql,
			")) OR (d.status = 2 AND EXISTS (SELECT 1 FROM doc_in_recipients r WHERE r.doc_id = d.id "
			"AND ");
		buf_adds(sql, mine);
		in_list(sql, v->nlead);
		buf_adds(sql, ")) AND r.role IN (1, 2) AND r.state <> 4)))");
		break;
	case DOC_IN_Q_OVERDUE:
		buf_adds(sql, " AND d.status = 2 AND d.due > 0 AND d.due < ? AND (d.agency_id IN (");
		in_list(sql, v->nall);
		buf_adds(sql, ") OR EXISTS (SELECT 1 FROM doc_in_recipients r WHERE r.doc_id = d.id AND ");
		buf_adds(sql, mine);
		in_list(sql, v->nlead);
		buf_adds(sql, ")) AND r.state <> 4))");
		break;
	case DOC_IN_Q_UNIT:
		/* the unit's work, seen by its members too (the visibility above still holds) */
		buf_adds(sql,
			 " AND d.status = 2 AND EXISTS (SELECT 1 FROM doc_in_recipients r WHERE r.doc_id = "
			 "d.id AND r.unit_id IN (");
		in_list(sql, v->nunits);
		buf_adds(sql, ") AND r.state <> 4)");
		break;
	default: break;
	}
	if (q->type)
		buf_adds(sql, " AND d.type = ?");
	if (q->status)
		buf_adds(sql, " AND d.status = ?");
	if (q->urgency)
		buf_adds(sql, " AND d.urgency = ?");
	if (q->agency)
		buf_adds(sql, " AND d.agency_id = ?");
	if (q->from)
		buf_adds(sql, " AND d.arrived_at >= ?");
	if (q->to)
		buf_adds(sql, " AND d.arrived_at < ?");
	for (size_t i = 0; i < nsender; i++)
		buf_adds(sql, " AND d.sender_key LIKE ?");
	/* folded text has only [a-z0-9] words and single spaces: no LIKE wildcard can be in a word */
	for (size_t i = 0; i < nwords; i++)
		buf_adds(
			sql,
			" AND (d.search LIKE ? OR EXISTS (SELECT 1 FROM doc_texts t WHERE d.file_sha <> '' AND "
			"t.sha = d.file_sha AND t.folded LIKE ?))");
}

static int where_bind(struct db_stmt *st, int k, const struct doc_in_query *q, char **words, size_t nwords,
		      char **sender, size_t nsender)
{
	const struct doc_in_viewer *v = q->v;
	int b = 0;
	b |= bind_ids(st, &k, v->all, v->nall);
	b |= db_bind_int(st, k++, v->account_id);
	b |= bind_ids(st, &k, v->lead, v->nlead);
	b |= bind_ids(st, &k, v->units, v->nunits);
	switch (q->queue) {
	case DOC_IN_Q_TO_READ:
		b |= db_bind_int(st, k++, v->account_id);
		b |= bind_ids(st, &k, v->lead, v->nlead);
		break;
	case DOC_IN_Q_TO_HANDLE:
		b |= bind_ids(st, &k, v->lead, v->nlead);
		b |= db_bind_int(st, k++, v->account_id);
		b |= bind_ids(st, &k, v->lead, v->nlead);
		break;
	case DOC_IN_Q_OVERDUE:
		b |= db_bind_int(st, k++, q->today);
		b |= bind_ids(st, &k, v->all, v->nall);
		b |= db_bind_int(st, k++, v->account_id);
		b |= bind_ids(st, &k, v->lead, v->nlead);
		break;
	case DOC_IN_Q_UNIT: b |= bind_ids(st, &k, v->units, v->nunits); break;
	default: break;
	}
	if (q->type)
		b |= db_bind_int(st, k++, q->type);
	if (q->status)
		b |= db_bind_int(st, k++, q->status);
	if (q->urgency)
		b |= db_bind_int(st, k++, q->urgency);
	if (q->agency)
		b |= db_bind_int(st, k++, q->agency);
	if (q->from)
		b |= db_bind_int(st, k++, schedule_instant(q->from, 0));
	if (q->to)
		b |= db_bind_int(st, k++, schedule_instant(schedule_day_add(q->to, 1), 0));
	for (size_t i = 0; i < nsender; i++)
		b |= db_bind_text(st, k++, sender[i], strlen(sender[i]));
	for (size_t i = 0; i < nwords; i++) {
		b |= db_bind_text(st, k++, words[i], strlen(words[i]));
		b |= db_bind_text(st, k++, words[i], strlen(words[i]));
	}
	return b ? -1 : k;
}

int doc_in_list(struct db *db, struct arena *a, const struct doc_in_query *q, struct doc_in **out, size_t *n,
		int64_t *total)
{
	struct buf sql = BUF_INIT;
	struct db_stmt *st;
	char *words[MAX_WORDS], *sender[MAX_WORDS];
	size_t nwords = words_of(a, q->q, words), nsender = words_of(a, q->sender, sender);
	int rc, k;

	*out = NULL;
	*n = 0;
	*total = 0;
	buf_init(&sql, 1 << 16);
	buf_adds(&sql, "SELECT COUNT(*) FROM doc_incoming d");
	where_sql(&sql, q, nwords, nsender);
	if (buf_err(&sql) || !(st = db_prepare(db, sql.ptr)) ||
	    where_bind(st, 1, q, words, nwords, sender, nsender) < 0) {
		rc = DB_ERROR;
		goto out;
	}
	rc = db_step(st);
	if (rc == DB_ROW)
		*total = db_col_int(st, 0);
	while (rc == DB_ROW)
		rc = db_step(st);
	if (rc < 0 || !q->limit || !*total)
		goto out;
	buf_reset(&sql);
	buf_adds(&sql, "SELECT " DOC_COLS DOC_FROM);
	where_sql(&sql, q, nwords, nsender);
	buf_adds(&sql, " ORDER BY d.arrived_at DESC, d.id DESC LIMIT ? OFFSET ?");
	if (buf_err(&sql) || !(st = db_prepare(db, sql.ptr)) ||
	    (k = where_bind(st, 1, q, words, nwords, sender, nsender)) < 0 || db_bind_int(st, k, q->limit) ||
	    db_bind_int(st, k + 1, q->offset)) {
		rc = DB_ERROR;
		goto out;
	}
	*out = arena_alloc(a, (size_t)q->limit * sizeof(**out));
	for (rc = db_step(st); rc == DB_ROW; rc = db_step(st))
		if (*n < (size_t)q->limit)
			doc_from_row(a, st, &(*out)[(*n)++]);
out:
	buf_release(&sql);
	return rc < 0 ? rc : 0;
}

/* ---- the register ---- */

const char *const doc_in_book_heads[DOC_IN_BOOK_COLS] = {
	"Ngày đến",
	"Số đến",
	"Tác giả",
	"Số, ký hiệu",
	"Ngày tháng văn bản",
	"Tên loại và trích yếu nội dung",
	"Đơn vị hoặc người nhận",
	"Ký nhận",
	"Ghi chú",
};

void doc_in_book_cells(const struct doc_in_book_row *r, const char *cells[DOC_IN_BOOK_COLS])
{
	cells[0] = r->arrived;
	cells[1] = r->number;
	cells[2] = r->sender;
	cells[3] = r->symbol;
	cells[4] = r->date;
	cells[5] = r->summary;
	cells[6] = r->to;
	cells[7] = r->sign;
	cells[8] = r->notes;
}

static const char *date_vn(struct arena *a, int32_t ymd)
{
	return ymd ? arena_printf(a, "%02d/%02d/%04d", ymd % 100, ymd / 100 % 100, ymd / 10000) : "";
}

/* "Chủ trì: Phòng Tư pháp; phối hợp: …; để biết: …" from the recipients at the top. */
static const char *recipients_text(struct arena *a, const struct doc_in_rcpt *r, size_t n)
{
	static const char *const heads[] = { NULL, "Chủ trì: ", "Phối hợp: ", "Để biết: " };
	struct buf b = BUF_INIT;
	const char *out;
	buf_init(&b, 1 << 16);
	for (int role = DOC_RCPT_LEAD; role <= DOC_RCPT_INFORM; role++) {
		int first = 1;
		for (size_t i = 0; i < n; i++) {
			if (r[i].role != role || r[i].parent_id)
				continue;
			if (first && b.len)
				buf_adds(&b, "; ");
			buf_adds(&b, first ? heads[role] : ", ");
			buf_adds(&b, r[i].name);
			first = 0;
		}
	}
	out = arena_strdup(a, b.len ? b.ptr : "");
	buf_release(&b);
	return out;
}

int doc_in_book(struct db *db, struct arena *a, int64_t agency, int32_t from, int32_t to,
		struct doc_in_book_row **out, size_t *n)
{
	struct db_stmt *st;
	int64_t count = 0;
	struct doc_in *docs;
	size_t nd = 0;
	int rc;

	*out = NULL;
	*n = 0;
	rc = db_query(
		db, &st,
		"SELECT COUNT(*) FROM doc_incoming WHERE agency_id = ? AND arrived_at >= ? AND arrived_at < ?",
		"iii", agency, schedule_instant(from, 0), schedule_instant(schedule_day_add(to, 1), 0));
	if (rc == DB_ROW)
		count = db_col_int(st, 0);
	while (rc == DB_ROW)
		rc = db_step(st);
	if (rc < 0)
		return rc;
	if (count > DOC_IN_BOOK_MAX)
		return 1;
	docs = arena_alloc(a, ((size_t)count + 1) * sizeof(*docs));
	rc = db_query(
		db, &st,
		"SELECT " DOC_COLS DOC_FROM
		" WHERE d.agency_id = ? AND d.arrived_at >= ? AND d.arrived_at < ? ORDER BY d.arrival_year, "
		"d.arrival_no",
		"iii", agency, schedule_instant(from, 0), schedule_instant(schedule_day_add(to, 1), 0));
	for (; rc == DB_ROW; rc = db_step(st))
		if (nd < (size_t)count)
			doc_from_row(a, st, &docs[nd++]);
	if (rc < 0)
		return rc;
	*out = arena_alloc(a, (nd + 1) * sizeof(**out));
	for (size_t i = 0; i < nd; i++) {
		struct doc_in *d = &docs[i];
		struct doc_in_book_row *r = &(*out)[i];
		const struct doc_type *t = doc_type(d->type);
		struct buf notes = BUF_INIT;
		if ((rc = rcpts_load(db, a, d->id, &d->rcpts, &d->nrcpts)))
			return rc;
		r->id = d->id;
		r->arrived = date_vn(a, schedule_day_of(d->arrived_at));
		r->number = arena_printf(a, "%lld", (long long)d->arrival_no);
		r->sender = d->sender;
		r->symbol = d->symbol;
		r->date = date_vn(a, d->doc_date);
		r->summary = arena_printf(a, "%s: %s", t ? t->name : "", d->summary);
		r->to = recipients_text(a, d->rcpts, d->nrcpts);
		r->sign = "";
		buf_init(&notes, 1 << 16);
		if (d->urgency > DOC_URGENCY_NORMAL)
			buf_addf(&notes, "%s", doc_urgency_label(d->urgency));
		if (d->secrecy > DOC_SECRECY_NONE)
			buf_addf(&notes, "%s%s", notes.len ? "; " : "", doc_secrecy_label(d->secrecy));
		if (d->status == DOC_IN_FILED)
			buf_addf(&notes, "%sLưu hồ sơ", notes.len ? "; " : "");
		if (d->due)
			buf_addf(&notes, "%sHạn xử lý %s", notes.len ? "; " : "", date_vn(a, d->due));
		if (*d->notes)
			buf_addf(&notes, "%s%s", notes.len ? "; " : "", d->notes);
		r->notes = arena_strdup(a, notes.len ? notes.ptr : "");
		buf_release(&notes);
	}
	*n = nd;
	return 0;
}

#define BOOK_W	    PDF_A4_H
#define BOOK_H	    PDF_A4_W
#define BOOK_MARGIN (12 * PDF_MM)
#define SZ_BOOK	    8.0
#define SZ_HEAD	    9.5
#define BOOK_PAD    2.5

/* Relative widths of the columns (the dates and numbers measured). */
static const double book_weights[DOC_IN_BOOK_COLS] = { 0, 0, 2.2, 0, 0, 4.5, 2.6, 1.1, 1.8 };
static const double book_xlsx_widths[DOC_IN_BOOK_COLS] = { 12, 8, 28, 16, 12, 55, 32, 12, 22 };

static void book_period(char *out, size_t n, int32_t from, int32_t to)
{
	snprintf(out, n, "Từ ngày %02d/%02d/%04d đến ngày %02d/%02d/%04d", from % 100, from / 100 % 100,
		 from / 10000, to % 100, to / 100 % 100, to / 10000);
}

/* The register to draw, and its page numbers. */
struct book {
	const struct doc_in_book_row *rows;
	size_t n;
	const char *parent, *agency;
	int32_t from, to;
	struct pdf_pages pages;
};

static void book_draw(struct pdf *p, void *arg)
{
	static const char *const numbers[DOC_IN_BOOK_COLS] = { "(1)", "(2)", "(3)", "(4)", "(5)",
							       "(6)", "(7)", "(8)", "(9)" };
	struct book *b = arg;
	const struct doc_in_book_row *rows = b->rows;
	size_t n = b->n;
	const char *parent = b->parent, *agency = b->agency;
	int32_t from = b->from, to = b->to;
	const char *head[2 * DOC_IN_BOOK_COLS];
	struct pdf_col cols[DOC_IN_BOOK_COLS];
	struct pdf_table t = { cols, DOC_IN_BOOK_COLS, 0, SZ_BOOK, SZ_BOOK, BOOK_PAD, head, 2 };
	double w = p->right - p->left;
	char period[96];

	p->on_page = pdf_page_number;
	p->on_page_arg = &b->pages;
	pdf_page_number(p, p->on_page_arg);
	for (size_t i = 0; i < DOC_IN_BOOK_COLS; i++) {
		head[i] = doc_in_book_heads[i];
		head[DOC_IN_BOOK_COLS + i] = numbers[i];
		cols[i].flags = 0;
		cols[i].width = 0;
	}
	cols[0].width = pdf_text_width(p, "00/00/0000", SZ_BOOK, 0) + 2 * BOOK_PAD + 4;
	cols[4].width = cols[0].width;
	cols[1].width = pdf_text_width(p, "00000", SZ_BOOK, 0) + 2 * BOOK_PAD + 4;
	cols[3].width = pdf_text_width(p, "00000/UBND-KSTTHC", SZ_BOOK, 0) + 2 * BOOK_PAD + 4;
	cols[0].flags = cols[1].flags = cols[4].flags = PDF_CENTER;
	pdf_table_share(cols, DOC_IN_BOOK_COLS, book_weights, w);

	if (parent && *parent)
		p->y += pdf_text_at(p, p->left, p->y, w * 0.4, parent, SZ_HEAD, PDF_CENTER);
	p->y += pdf_text_at(p, p->left, p->y, w * 0.4, agency, SZ_HEAD, PDF_CENTER | PDF_BOLD);
	pdf_line(p, p->left + w * 0.4 / 3, p->y + 2, p->left + w * 0.4 * 2 / 3, p->y + 2, 0.6);
	p->y += 10;
	pdf_para(p, 0, "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN", 14, PDF_BOLD | PDF_CENTER);
	book_period(period, sizeof(period), from, to);
	pdf_para(p, 0, period, SZ_HEAD, PDF_ITALIC | PDF_CENTER);
	p->y += 8;
	pdf_table_head(p, &t);
	for (size_t i = 0; i < n; i++) {
		const char *cells[DOC_IN_BOOK_COLS];
		doc_in_book_cells(&rows[i], cells);
		pdf_table_row(p, &t, cells);
	}
	if (!n) {
		const char *empty[DOC_IN_BOOK_COLS] = { "", "", "", "", "", "Không có văn bản đến trong kỳ",
							"", "", "" };
		pdf_table_row(p, &t, empty);
	}
}

int doc_in_book_pdf(const struct doc_in_book_row *rows, size_t n, const char *parent, const char *agency,
		    int32_t from, int32_t to, struct buf *out)
{
	struct book b = { rows, n, parent, agency, from, to, { 0, SZ_BOOK } };
	/* a first pass counts the pages, for "Trang n/N" */
	return pdf_draw_counted(out, BOOK_W, BOOK_H, BOOK_MARGIN, "Sổ đăng ký văn bản đến", agency, &b.pages,
				book_draw, &b);
}

int doc_in_book_xlsx(const struct doc_in_book_row *rows, size_t n, const char *parent, const char *agency,
		     int32_t from, int32_t to, struct buf *out)
{
	char path[4096], period[96], title_agency[512];
	lxw_workbook *wb;
	lxw_worksheet *ws;
	struct xlsx_register_formats f;
	lxw_error err = LXW_NO_ERROR;
	const lxw_row_t first = 5;
	int rc = -1;

	wb = xlsx_open("motcua-doc-in", path, sizeof(path));
	if (!wb) {
		log_error("event=doc_in_book_xlsx_tmp_failed errno=%d", errno);
		return -1;
	}
	ws = workbook_add_worksheet(wb, "Sổ văn bản đến");
	if (!ws) {
		xlsx_abandon(wb, path);
		return -1;
	}
	xlsx_register_formats(wb, &f);
	for (lxw_col_t c = 0; c < DOC_IN_BOOK_COLS; c++)
		worksheet_set_column(ws, c, c, book_xlsx_widths[c], NULL);
	snprintf(title_agency, sizeof(title_agency), "%s%s%s", parent && *parent ? parent : "",
		 parent && *parent ? " - " : "", agency);
	book_period(period, sizeof(period), from, to);
	xlsx_keep_err(&err, worksheet_merge_range(ws, 0, 0, 0, DOC_IN_BOOK_COLS - 1, "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
						  f.title));
	xlsx_keep_err(&err, worksheet_merge_range(ws, 1, 0, 1, DOC_IN_BOOK_COLS - 1, title_agency, f.sub));
	xlsx_keep_err(&err, worksheet_merge_range(ws, 2, 0, 2, DOC_IN_BOOK_COLS - 1, period, f.sub));
	worksheet_set_row(ws, 4, 32, NULL);
	for (lxw_col_t c = 0; c < DOC_IN_BOOK_COLS; c++)
		xlsx_keep_err(&err, worksheet_write_string(ws, 4, c, doc_in_book_heads[c], f.head));
	for (size_t i = 0; i < n; i++) {
		const char *cells[DOC_IN_BOOK_COLS];
		doc_in_book_cells(&rows[i], cells);
		for (lxw_col_t c = 0; c < DOC_IN_BOOK_COLS; c++)
			xlsx_keep_err(&err,
				      worksheet_write_string(ws, first + (lxw_row_t)i, c, cells[c],
							     c == 0 || c == 1 || c == 4 ? f.center : f.cell));
	}
	xlsx_register_print(ws, 4, first);
	if (err != LXW_NO_ERROR) {
		log_error("event=doc_in_book_xlsx_failed error=%d", (int)err);
		xlsx_abandon(wb, path);
	} else if ((rc = xlsx_finish(wb, path, out))) {
		log_error("event=doc_in_book_xlsx_close_failed");
	}
	return rc;
}

/* ---- reminders ---- */

struct remind_row {
	int64_t rcpt, unit, account, doc, agency, no;
	int32_t due;
	int64_t due_reminded, late_reminded;
	const char *symbol, *sender, *summary;
	int year;
};

/* Queue one reminder to each address of the row's recipient; how many, or <0. */
static int remind_send(struct db *db, struct arena *a, const struct remind_row *r, int late, int64_t now)
{
	struct db_stmt *st;
	const char *subject, *body, *ref;
	const char *to[32];
	size_t nto = 0;
	int rc, sent = 0;

	if (r->account)
		rc = db_query(db, &st, "SELECT email FROM accounts WHERE id = ? AND active = 1", "i",
			      r->account);
	else
		rc = db_query(
			db, &st,
			"SELECT DISTINCT a.email FROM role_grants g JOIN accounts a ON a.id = g.account_id WHERE "
			"g.unit_id = ? AND g.role = 'leader' AND g.revoked_at IS NULL AND a.active = 1",
			"i", r->unit);
	for (; rc == DB_ROW; rc = db_step(st)) {
		const char *e = db_col_text(st, 0);
		if (e && *e && nto < sizeof(to) / sizeof(to[0]))
			to[nto++] = arena_strdup(a, e);
	}
	if (rc < 0)
		return rc;
	ref = arena_printf(a, "doc-in:%lld", (long long)r->doc);
	if (late) {
		subject =
			arena_printf(a, "Văn bản đến số %lld/%d đã quá hạn xử lý", (long long)r->no, r->year);
		body = arena_printf(
			a,
			"Văn bản đến số %lld (năm %d) của %s%s%s đã quá hạn xử lý ngày %s mà chưa hoàn thành:"
			"\n\n%s\n\nĐề nghị khẩn trương xử lý và cập nhật kết quả trên hệ thống.\n",
			(long long)r->no, r->year, r->sender, *r->symbol ? ", số " : "", r->symbol,
			date_vn(a, r->due), r->summary);
	} else {
		subject = arena_printf(a, "Văn bản đến số %lld/%d sắp đến hạn xử lý (%s)", (long long)r->no,
				       r->year, date_vn(a, r->due));
		body = arena_printf(
			a,
			"Văn bản đến số %lld (năm %d) của %s%s%s được giao chủ trì xử lý, hạn xử lý ngày %s:"
			"\n\n%s\n\nĐề nghị hoàn thành đúng hạn.\n",
			(long long)r->no, r->year, r->sender, *r->symbol ? ", số " : "", r->symbol,
			date_vn(a, r->due), r->summary);
	}
	for (size_t i = 0; i < nto; i++) {
		/* an address that mail_enqueue refuses (kept from before its checks) is skipped, not fatal */
		if (mail_enqueue(db, to[i], subject, body, late ? "doc_in.overdue" : "doc_in.due_soon", ref,
				 now) == 0)
			sent++;
		else if (!db_in_transaction(db))
			return DB_ERROR;
	}
	return sent;
}

int doc_incoming_remind(struct db *db, int64_t now)
{
	const struct calendar *cal = calendar_current(db);
	struct arena a;
	struct db_stmt *st;
	struct remind_row *rows = NULL;
	size_t n = 0, cap = 0;
	int32_t today = schedule_day_of(now), next;
	int rc, queued = 0;

	if (!cal)
		return DB_ERROR;
	/* the next working day after today: a deadline on it (or before) is near */
	next = schedule_day_add(today, 1);
	for (int i = 0; i < 60 && !cal_is_working_day(cal, (int32_t)schedule_days(next)); i++)
		next = schedule_day_add(next, 1);
	arena_init(&a);
	if ((rc = db_begin(db)))
		goto out;
	rc = db_query(
		db, &st,
		"SELECT r.id, r.unit_id, r.account_id, d.id, d.agency_id, d.arrival_no, d.due, r.due_reminded_at, "
		"r.late_reminded_at, d.symbol, d.sender, d.summary, d.arrival_year FROM doc_in_recipients r JOIN "
		"doc_incoming d ON d.id = r.doc_id WHERE d.status = ? AND d.due > 0 AND d.due <= ? AND r.role = ? "
		"AND r.state <> ? AND (r.late_reminded_at = 0 OR r.due_reminded_at = 0) ORDER BY r.id",
		"iiii", DOC_IN_ASSIGNED, (int64_t)next, DOC_RCPT_LEAD, DOC_RCPT_DONE);
	for (; rc == DB_ROW; rc = db_step(st)) {
		struct remind_row *r;
		if (n == cap) {
			struct remind_row *bigger;
			cap = cap ? 2 * cap : 32;
			bigger = arena_alloc(&a, cap * sizeof(*bigger));
			if (n)
				memcpy(bigger, rows, n * sizeof(*bigger));
			rows = bigger;
		}
		r = &rows[n++];
		r->rcpt = db_col_int(st, 0);
		r->unit = db_col_int(st, 1);
		r->account = db_col_int(st, 2);
		r->doc = db_col_int(st, 3);
		r->agency = db_col_int(st, 4);
		r->no = db_col_int(st, 5);
		r->due = (int32_t)db_col_int(st, 6);
		r->due_reminded = db_col_int(st, 7);
		r->late_reminded = db_col_int(st, 8);
		r->symbol = col_str(&a, st, 9);
		r->sender = col_str(&a, st, 10);
		r->summary = col_str(&a, st, 11);
		r->year = (int)db_col_int(st, 12);
	}
	if (rc < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const struct remind_row *r = &rows[i];
		int late = r->due < today, k;
		if (late ? r->late_reminded != 0 : r->due_reminded != 0)
			continue;
		/*
		 * Recorded first, on the condition that nobody recorded it meanwhile (another server
		 * on the same database): whoever records it sends it, once. Recorded even without an
		 * address: the moment has passed; a late one needs no "soon" after.
		 */
		rc = late ? db_exec(db,
				    "UPDATE doc_in_recipients SET late_reminded_at = ?, due_reminded_at = CASE WHEN "
				    "due_reminded_at = 0 THEN ? ELSE due_reminded_at END WHERE id = ? AND "
				    "late_reminded_at = 0",
				    "iii", now, now, r->rcpt)
			  : db_exec(db,
				    "UPDATE doc_in_recipients SET due_reminded_at = ? WHERE id = ? AND due_reminded_at = 0",
				    "ii", now, r->rcpt);
		if (rc)
			goto fail;
		if (db_changes(db) != 1)
			continue;
		if ((k = remind_send(db, &a, r, late, now)) < 0) {
			rc = k;
			goto fail;
		}
		queued += k;
	}
	if ((rc = db_commit(db)))
		goto fail;
	rc = queued;
	goto out;
fail:
	db_rollback(db);
out:
	arena_release(&a);
	return rc;
}

/* ---- the demo ---- */

static int64_t demo_id(struct db *db, const char *sql, const char *key)
{
	struct db_stmt *st;
	int64_t id = 0;
	int rc = db_query(db, &st, sql, "s", key);
	if (rc == DB_ROW)
		id = db_col_int(st, 0);
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : id;
}

#define UNIT_ID(code)	 demo_id(db, "SELECT id FROM units WHERE agency_code = ?", code)
#define ACCOUNT_ID(user) demo_id(db, "SELECT id FROM accounts WHERE username = ?", user)

/* What happens to a demo document after it is registered. */
enum demo_fate {
	DF_NONE = 0, /* waits for a leader */
	DF_ASSIGNED, /* assigned, nobody has opened it */
	DF_READ,     /* the lead read it */
	DF_WORKING,  /* the lead is on it (forwarded within the department when it is one) */
	DF_DONE,     /* the lead finished it */
	DF_FILED,    /* filed for information */
};

struct demo_doc {
	int ago;	    /* days before now it arrived */
	int hour, minute;   /* arrival time */
	const char *sender; /* free text */
	const char *symbol;
	int date_ago; /* days before arrival it was signed */
	const char *type;
	const char *summary;
	int urgency, secrecy;
	int reply_days;	   /* the reply it asks for: days after arrival, 0 none */
	int ward;	   /* at Phường Nhân Chính */
	const char *lead;  /* agency code of the lead department, or a username */
	const char *coord; /* one coordinating department, or NULL */
	int due_days;	   /* assignment deadline: days after arrival (0: the reply deadline) */
	int fate;
	int done_after; /* days after arrival it was finished */
};

/* District departments: VP 001, TP 002, QLĐT 003, TCKH 004, VHTT 005, NV 006, TNMT 007, KT 008, LĐTBXH 009,
 * GDĐT 010, YT 011. */
static const struct demo_doc demo_docs[] = {
	{ 27, 8, 40, "UBND thành phố Hà Nội", "3125/UBND-KSTTHC", 2, "cong-van",
	  "V/v đẩy mạnh thực hiện thủ tục hành chính trên môi trường điện tử năm 2026", 1, 1, 0, 0,
	  "001.15.00.H26", "002.15.00.H26", 14, DF_DONE, 10 },
	{ 26, 9, 15, "Sở Nội vụ thành phố Hà Nội", "1842/SNV-CCVC", 3, "cong-van",
	  "V/v báo cáo số lượng, chất lượng cán bộ, công chức cấp xã năm 2026", 1, 1, 12, 0, "006.15.00.H26",
	  NULL, 0, DF_DONE, 9 },
	{ 26, 14, 5, "Bộ Tư pháp", "4120/BTP-HTQTCT", 20, "cong-van",
	  "V/v triển khai thi hành các quy định mới về đăng ký hộ tịch trực tuyến", 1, 1, 0, 0,
	  "002.15.00.H26", NULL, 0, DF_FILED, 0 },
	{ 25, 10, 20, "Sở Tài chính thành phố Hà Nội", "4521/STC-QLNS", 4, "huong-dan",
	  "Xây dựng dự toán ngân sách nhà nước năm 2027", 2, 1, 10, 0, "004.15.00.H26", "001.15.00.H26", 0,
	  DF_DONE, 12 },
	{ 24, 8, 30, "UBND thành phố Hà Nội", "287/KH-UBND", 5, "ke-hoach",
	  "Cải cách hành chính thành phố Hà Nội năm 2027", 1, 1, 0, 0, "001.15.00.H26", "006.15.00.H26", 20,
	  DF_WORKING, 0 },
	{ 23, 15, 45, "Công an thành phố Hà Nội", "912/CAHN-PV01", 2, "cong-van",
	  "V/v phối hợp rà soát, cập nhật dữ liệu dân cư phục vụ cấp căn cước", 2, 2, 7, 0, "002.15.00.H26",
	  NULL, 0, DF_DONE, 9 },
	{ 22, 9, 0, "Sở Xây dựng thành phố Hà Nội", "3350/SXD-QLXD", 3, "cong-van",
	  "V/v tăng cường kiểm tra, xử lý vi phạm trật tự xây dựng trên địa bàn", 2, 1, 10, 0,
	  "003.15.00.H26", "002.15.00.H26", 0, DF_DONE, 13 },
	{ 21, 10, 30, "Thanh tra thành phố Hà Nội", "156/TTTP-P3", 4, "giay-moi",
	  "Dự hội nghị triển khai công tác thanh tra năm 2027", 3, 1, 0, 0, "012.15.00.H26", NULL, 0, DF_DONE,
	  2 },
	{ 20, 8, 50, "Sở Giáo dục và Đào tạo Hà Nội", "2890/SGDĐT-KHTC", 3, "cong-van",
	  "V/v rà soát cơ sở vật chất các trường mầm non, tiểu học công lập", 1, 1, 15, 0, "010.15.00.H26",
	  "004.15.00.H26", 0, DF_WORKING, 0 },
	{ 19, 14, 20, "Sở Y tế Hà Nội", "5012/SYT-NVY", 2, "cong-van",
	  "V/v triển khai chiến dịch tiêm chủng bổ sung vắc xin sởi cho trẻ em", 3, 1, 5, 0, "011.15.00.H26",
	  NULL, 0, DF_DONE, 4 },
	{ 18, 9, 10, "Bộ Nội vụ", "5630/BNV-VP", 30, "thong-bao",
	  "Về chế độ báo cáo thống kê ngành Nội vụ áp dụng từ năm 2027", 1, 1, 0, 0, "006.15.00.H26", NULL, 0,
	  DF_FILED, 0 },
	{ 17, 10, 0, "Sở Lao động - Thương binh và Xã hội Hà Nội", "3677/SLĐTBXH-BTXH", 4, "cong-van",
	  "V/v tổng hợp danh sách hộ nghèo, hộ cận nghèo cuối năm 2026", 1, 1, 12, 0, "009.15.00.H26", NULL,
	  0, DF_READ, 0 },
	{ 16, 15, 30, "UBND thành phố Hà Nội", "412/QĐ-UBND", 3, "quyet-dinh",
	  "Về việc công bố danh mục thủ tục hành chính mới ban hành lĩnh vực hộ tịch", 1, 1, 0, 0,
	  "002.15.00.H26", "100.15.00.H26", 10, DF_DONE, 8 },
	{ 15, 8, 45, "Sở Tài nguyên và Môi trường Hà Nội", "6120/STNMT-ĐĐBĐ", 3, "cong-van",
	  "V/v báo cáo kết quả cấp giấy chứng nhận quyền sử dụng đất lần đầu", 1, 1, 8, 0, "007.15.00.H26",
	  NULL, 0, DF_WORKING, 0 },
	{ 14, 9, 35, "Văn phòng UBND thành phố Hà Nội", "1123/VP-KSTTHC", 2, "cong-van",
	  "V/v báo cáo tình hình tiếp nhận, giải quyết hồ sơ thủ tục hành chính quý IV", 2, 1, 6, 0,
	  "100.15.00.H26", "001.15.00.H26", 0, DF_ASSIGNED, 0 },
	{ 13, 14, 0, "Sở Văn hóa và Thể thao Hà Nội", "2567/SVHTT-QLVH", 3, "ke-hoach",
	  "Tổ chức các hoạt động văn hóa, thể thao chào mừng Tết Nguyên đán", 1, 1, 0, 0, "005.15.00.H26",
	  NULL, 25, DF_READ, 0 },
	{ 12, 10, 15, "Bảo hiểm xã hội thành phố Hà Nội", "4456/BHXH-QLT", 4, "cong-van",
	  "V/v đôn đốc thu bảo hiểm xã hội, bảo hiểm y tế năm 2026", 2, 1, 5, 0, "009.15.00.H26",
	  "004.15.00.H26", 0, DF_ASSIGNED, 0 },
	{ 11, 8, 20, "Sở Kế hoạch và Đầu tư Hà Nội", "3990/KHĐT-ĐKKD", 3, "cong-van",
	  "V/v rà soát hộ kinh doanh đăng ký trên địa bàn quận", 1, 1, 0, 0, "008.15.00.H26", NULL, 15,
	  DF_ASSIGNED, 0 },
	{ 10, 16, 10, "Cục Thuế thành phố Hà Nội", "21034/CTHN-TTHT", 5, "cong-van",
	  "V/v hướng dẫn chính sách thuế đối với hộ kinh doanh", 1, 1, 0, 0, NULL, NULL, 0, DF_NONE, 0 },
	{ 9, 9, 0, "UBND thành phố Hà Nội", "35/CĐ-UBND", 0, "cong-dien",
	  "Về việc chủ động ứng phó với mưa lớn, ngập úng trên địa bàn thành phố", 4, 1, 0, 0,
	  "003.15.00.H26", "007.15.00.H26", 2, DF_DONE, 2 },
	{ 8, 10, 40, "Sở Nội vụ thành phố Hà Nội", "1990/SNV-TĐKT", 2, "huong-dan",
	  "Công tác thi đua, khen thưởng năm 2026", 1, 1, 14, 0, "006.15.00.H26", NULL, 0, DF_READ, 0 },
	{ 7, 14, 50, "Bộ Công an", "1205/BCA-C06", 5, "cong-van",
	  "V/v triển khai thí điểm liên thông thủ tục hành chính đăng ký khai sinh, thường trú, cấp thẻ bảo hiểm y tế",
	  2, 2, 10, 0, "002.15.00.H26", "100.15.00.H26", 0, DF_ASSIGNED, 0 },
	{ 6, 8, 30, "Tòa án nhân dân quận Thanh Xuân", "", 0, "thu-cong",
	  "Mời phối hợp tuyên truyền pháp luật về hôn nhân và gia đình", 1, 1, 0, 0, NULL, NULL, 0, DF_NONE,
	  0 },
	{ 5, 9, 45, "Sở Tư pháp thành phố Hà Nội", "2218/STP-HCTP", 3, "cong-van",
	  "V/v báo cáo công tác chứng thực năm 2026", 1, 1, 9, 0, "002.15.00.H26", NULL, 0, DF_NONE, 0 },
	{ 3, 15, 20, "UBND thành phố Hà Nội", "5102/UBND-ĐT", 2, "cong-van",
	  "V/v chấn chỉnh công tác quản lý trật tự đô thị, lòng đường, vỉa hè", 3, 1, 0, 0, "003.15.00.H26",
	  NULL, 5, DF_ASSIGNED, 0 },
	{ 1, 10, 10, "Sở Nội vụ thành phố Hà Nội", "2034/SNV-CQĐP", 1, "cong-van",
	  "V/v báo cáo số liệu đơn vị hành chính, tổ dân phố năm 2026", 1, 1, 0, 0, NULL, NULL, 0, DF_NONE,
	  0 },
	/* Phường Nhân Chính */
	{ 20, 9, 0, "UBND quận Thanh Xuân", "1456/UBND-VP", 2, "cong-van",
	  "V/v triển khai thu thập, cập nhật dữ liệu hộ tịch điện tử", 1, 1, 10, 1, "tuphap.nhanchinh", NULL,
	  0, DF_DONE, 6 },
	{ 12, 14, 30, "UBND quận Thanh Xuân", "210/KH-UBND", 3, "ke-hoach",
	  "Ra quân giải tỏa vi phạm trật tự đô thị trên các tuyến phố chính", 2, 1, 0, 1, "tuphap.nhanchinh",
	  NULL, 7, DF_WORKING, 0 },
	{ 6, 8, 15, "Phòng Tư pháp quận Thanh Xuân", "95/TP-HCTP", 2, "cong-van",
	  "V/v báo cáo kết quả chứng thực bản sao điện tử từ bản chính", 1, 1, 5, 1, "tuphap.nhanchinh", NULL,
	  0, DF_READ, 0 },
	{ 2, 16, 0, "Công an phường Nhân Chính", "", 0, "thu-cong",
	  "Đề nghị phối hợp rà soát người tạm trú trên địa bàn phường", 1, 1, 0, 1, NULL, NULL, 0, DF_NONE,
	  0 },
};

/* The recipient row of `doc` for this unit or account. */
static int64_t demo_rcpt(struct db *db, int64_t doc, int64_t unit, int64_t account)
{
	struct db_stmt *st;
	int64_t id = 0;
	int rc = unit ? db_query(db, &st, "SELECT id FROM doc_in_recipients WHERE doc_id = ? AND unit_id = ?",
				 "ii", doc, unit)
		      : db_query(db, &st,
				 "SELECT id FROM doc_in_recipients WHERE doc_id = ? AND account_id = ?", "ii",
				 doc, account);
	if (rc == DB_ROW)
		id = db_col_int(st, 0);
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : id;
}

/* The working instant `days` after `t` at hh:mm, never later than `limit`. */
static int64_t demo_at(int64_t t, int days, int hh, int mm, int64_t limit)
{
	int64_t x = schedule_instant(schedule_day_add(schedule_day_of(t), days), hh * 60 + mm);
	return x < limit ? x : limit;
}

/* When demo document x arrived: on a working day (a weekend one the Friday before), before now. */
static int64_t demo_arrival(const struct demo_doc *x, int64_t now, int32_t *day)
{
	int32_t d = schedule_day_add(schedule_day_of(now), -x->ago);
	int64_t t;
	while (schedule_weekday(d) == 0 || schedule_weekday(d) == 6)
		d = schedule_day_add(d, -1);
	t = schedule_instant(d, x->hour * 60 + x->minute);
	if (t > now - 60)
		t = now - 3600;
	*day = schedule_day_of(t);
	return t;
}

static int demo_one(struct db *db, struct arena *a, const struct unit_tree *t, const struct demo_doc *x,
		    int64_t agency, int64_t clerk, int64_t leader, int64_t now)
{
	struct doc_in d = { 0 };
	struct doc_in_target tg[2];
	const char *why = NULL;
	int64_t lead_unit = 0, lead_acc = 0, rc, rcpt, dup;
	size_t ntg = 0;
	int32_t arrival_day;

	d.agency_id = agency;
	d.arrived_at = demo_arrival(x, now, &arrival_day);
	d.sender = x->sender;
	d.symbol = x->symbol;
	d.doc_date = schedule_day_add(arrival_day, -x->date_ago);
	d.type = doc_type_by_key(x->type)->code;
	d.summary = x->summary;
	d.urgency = x->urgency;
	d.secrecy = x->secrecy;
	d.reply_due = x->reply_days ? schedule_day_add(arrival_day, x->reply_days) : 0;
	d.pages = 2;
	d.copies = 1;
	d.notes = "";
	d.file_sha = d.file_name = d.file_mime = "";
	if ((rc = doc_in_register(db, &d, clerk, d.arrived_at, &dup)))
		return rc == DOC_IN_DUPLICATE ? 0 : (int)rc;
	if (x->fate == DF_NONE)
		return 0;
	if ((rc = doc_in_load(db, a, d.id, &d)))
		return (int)rc;
	{
		int64_t t_assign = demo_at(d.arrived_at, 0, 16, 0, now - 1800);
		if (t_assign <= d.arrived_at)
			t_assign = d.arrived_at + 600;
		if (x->fate == DF_FILED)
			return doc_in_file(db, &d, "Lưu hồ sơ để nghiên cứu, áp dụng.", leader, t_assign);
		if (x->lead && strchr(x->lead, '.') && x->lead[0] >= '0' && x->lead[0] <= '9')
			lead_unit = UNIT_ID(x->lead);
		else if (x->lead)
			lead_acc = ACCOUNT_ID(x->lead);
		if (lead_unit < 0 || lead_acc < 0)
			return DB_ERROR;
		tg[ntg++] = (struct doc_in_target){ lead_unit, lead_acc, DOC_RCPT_LEAD };
		if (x->coord) {
			int64_t u = UNIT_ID(x->coord);
			if (u <= 0)
				return DB_ERROR;
			tg[ntg++] = (struct doc_in_target){ u, 0, DOC_RCPT_COORDINATE };
		}
		rc = doc_in_assign(db, t, &d, tg, ntg,
				   x->urgency > 1
					   ? "Đề nghị khẩn trương triển khai, báo cáo kết quả đúng hạn."
					   : "Giao chủ trì tham mưu, đề xuất xử lý theo quy định.",
				   x->due_days ? schedule_day_add(arrival_day, x->due_days) : d.reply_due,
				   leader, t_assign, &why);
		if (rc)
			return rc > 0 ? DB_ERROR : (int)rc;
		if (x->fate == DF_ASSIGNED)
			return 0;
		if ((rc = doc_in_load(db, a, d.id, &d)) ||
		    (rcpt = demo_rcpt(db, d.id, lead_unit, lead_acc)) <= 0)
			return rc ? (int)rc : DB_ERROR;
		{
			int64_t t_read = demo_at(d.arrived_at, 1, 8, 30, now - 1200);
			int64_t by = lead_acc;
			if (lead_unit == UNIT_ID("002.15.00.H26"))
				by = ACCOUNT_ID("truongphong");
			else if (lead_unit == UNIT_ID("001.15.00.H26"))
				by = clerk; /* the office's records clerk handles what the office leads */
			if (!by)
				by = leader;
			if ((rc = doc_in_mark(db, &d, rcpt, DOC_RCPT_READ, 0, 1, by, t_read, NULL)))
				return (int)rc;
			if (x->fate == DF_READ)
				return 0;
			if ((rc = doc_in_load(db, a, d.id, &d)))
				return (int)rc;
			/* Phòng Tư pháp's head hands it to her specialist */
			if (lead_unit && lead_unit == UNIT_ID("002.15.00.H26")) {
				int64_t spec = ACCOUNT_ID("chuyenvien");
				if (spec > 0) {
					if ((rc = doc_in_forward(
						     db, &d, rcpt, &spec, 1,
						     "Đồng chí Chuyên nghiên cứu, tham mưu văn bản trả lời.",
						     by, t_read + 600, &why)))
						return rc > 0 ? DB_ERROR : (int)rc;
					if ((rc = doc_in_load(db, a, d.id, &d)))
						return (int)rc;
					rcpt = demo_rcpt(db, d.id, 0, spec);
					by = spec;
				}
			}
			if ((rc = doc_in_mark(db, &d, rcpt, DOC_RCPT_WORKING, 0, 0, by, t_read + 1800, NULL)))
				return (int)rc;
			if (x->fate == DF_WORKING)
				return 0;
			if ((rc = doc_in_load(db, a, d.id, &d)))
				return (int)rc;
			return doc_in_mark(db, &d, rcpt, DOC_RCPT_DONE, 0, 0, by,
					   demo_at(d.arrived_at, x->done_after, 15, 30, now - 600), NULL);
		}
	}
}

int doc_incoming_demo(struct db *db, int64_t now)
{
	struct arena a;
	struct unit_tree t;
	int64_t district = UNIT_ID("000.00.15.H26"), ward = UNIT_ID("000.01.15.H26");
	int64_t clerk = ACCOUNT_ID("vanthu"), leader = ACCOUNT_ID("lanhdao"),
		ward_leader = ACCOUNT_ID("chutich.nhanchinh");
	struct db_stmt *st;
	int rc;

	if (district <= 0 || ward <= 0 || clerk <= 0 || leader <= 0 || ward_leader <= 0)
		return district < 0 || ward < 0 || clerk < 0 || leader < 0 || ward_leader < 0 ? DB_ERROR : 0;
	rc = db_query(db, &st, "SELECT COUNT(*) FROM doc_incoming WHERE agency_id = ?", "i", district);
	if (rc == DB_ROW && db_col_int(st, 0) > 0) {
		while (rc == DB_ROW)
			rc = db_step(st);
		return rc < 0 ? rc : 0;
	}
	while (rc == DB_ROW)
		rc = db_step(st);
	if (rc < 0)
		return rc;
	arena_init(&a);
	if ((rc = unit_tree_load(db, &a, &t)))
		goto out;
	/* registered in the order they arrived, so the arrival numbers follow the days */
	{
		enum {
			N = sizeof(demo_docs) / sizeof(demo_docs[0])
		};
		size_t order[N];
		int64_t at[N];
		int32_t day;
		for (size_t i = 0; i < N; i++) {
			order[i] = i;
			at[i] = demo_arrival(&demo_docs[i], now, &day);
		}
		for (size_t i = 1; i < N; i++)
			for (size_t k = i; k > 0 && at[order[k]] < at[order[k - 1]]; k--) {
				size_t tmp = order[k];
				order[k] = order[k - 1];
				order[k - 1] = tmp;
			}
		for (size_t i = 0; i < N && !rc; i++) {
			const struct demo_doc *x = &demo_docs[order[i]];
			/* the ward has no records clerk of its own in the demo: its chairman registers */
			rc = demo_one(db, &a, &t, x, x->ward ? ward : district, x->ward ? ward_leader : clerk,
				      x->ward ? ward_leader : leader, now);
		}
	}
out:
	arena_release(&a);
	return rc;
}
