/* doc_outgoing.c: outgoing documents: drafts, the workflow, numbers and symbols, the register
 * (doc_outgoing.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "core/i18n.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "core/text.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "features/audit.h"
#include "features/calendar.h"
#include "features/doc_outgoing.h"
#include "features/doc_stats.h"
#include "features/doc_text.h"
#include "features/files.h"
#include "features/pdf.h"
#include "features/settings.h"
#include "features/xlsx.h"
#include "rules/fold.h"
#include "store/counter.h"
#include "core/banned.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- days ---- */

/* The local day (YYYYMMDD, Vietnam time) of an instant. */
static int32_t day_of(int64_t t)
{
	struct civil c;
	time_to_civil(t, VN_UTC_OFFSET, &c);
	return c.year * 10000 + c.month * 100 + c.day;
}

/* Days since 1970-01-01 of a YYYYMMDD day, and back. */
static int64_t day_number(int32_t ymd)
{
	return days_from_civil(ymd / 10000, ymd / 100 % 100, ymd % 100);
}

static int32_t day_ymd(int64_t days)
{
	struct civil c;
	time_to_civil(days * 86400, 0, &c);
	return c.year * 10000 + c.month * 100 + c.day;
}

/* The instant of local midnight starting day ymd. */
static int64_t day_start(int32_t ymd)
{
	return day_number(ymd) * 86400 - VN_UTC_OFFSET;
}

/* ---- texts ---- */

/* Lines trimmed, the empty ones dropped. */
static const char *lines_clean(struct arena *a, const char *s)
{
	char *out = arena_alloc(a, strlen(s) + 1), *o = out;
	while (*s) {
		const char *e = strchr(s, '\n'), *b = s, *end;
		end = e ? e : s + strlen(s);
		while (b < end && (*b == ' ' || *b == '\t'))
			b++;
		while (end > b && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end > b) {
			if (o > out)
				*o++ = '\n';
			memcpy(o, b, (size_t)(end - b));
			o += end - b;
		}
		if (!e)
			break;
		s = e + 1;
	}
	*o = '\0';
	return out;
}

static const char *const msg_bad_text =
	N_("This text contains characters that are not allowed: type it again.");

int doc_out_check(struct arena *a, const struct doc_out_form *f, struct doc_out *d,
		  void (*err)(void *ctx, const char *field, const char *msgid), void *ctx)
{
	const struct doc_type *t = NULL;
	const char *type = f->type ? f->type : "", *s;
	int bad = 0, rc;

	if (*type >= '0' && *type <= '9' && strlen(type) <= 2)
		t = doc_type((int)strtol(type, NULL, 10));
	else
		t = doc_type_by_key(type);
	if (!t) {
		err(ctx, "type", N_("Choose the type of document."));
		bad++;
	} else {
		d->type = t->code;
	}
	rc = text_clean(a, f->summary, 0, DOC_OUT_SUMMARY_MAX, &s);
	if (rc || !*s) {
		err(ctx, "summary",
		    rc == TEXT_BAD    ? msg_bad_text
		    : rc == TEXT_LONG ? N_("The summary (trích yếu) is too long: at most 1000 characters.")
				      : N_("Enter the summary (trích yếu) of the document."));
		bad++;
	} else {
		d->summary = s;
	}
	rc = text_clean(a, f->recipients, 1, DOC_OUT_RECIPIENTS_MAX, &s);
	if (rc) {
		err(ctx, "recipients",
		    rc == TEXT_BAD ? msg_bad_text
				   : N_("The list of recipients is too long: at most 2000 characters."));
		bad++;
	} else {
		d->recipients = lines_clean(a, s);
	}
	d->urgency = f->urgency && *f->urgency ? doc_urgency_from_name(f->urgency) : DOC_URGENCY_NORMAL;
	if (!d->urgency) {
		err(ctx, "urgency", N_("Choose the urgency: normal, urgent, very urgent or flash."));
		bad++;
	}
	d->secrecy = f->secrecy && *f->secrecy ? doc_secrecy_from_name(f->secrecy) : DOC_SECRECY_NONE;
	if (!d->secrecy) {
		err(ctx, "secrecy", N_("Choose the secrecy: normal, confidential, secret or top secret."));
		bad++;
	}
	return bad;
}

int doc_out_note_check(struct arena *a, const char *in, int required, const char **out, const char **why)
{
	int rc = text_clean(a, in, 1, DOC_OUT_NOTE_MAX, out);
	*why = rc == TEXT_BAD	    ? msg_bad_text
	       : rc == TEXT_LONG    ? N_("The text is too long: at most 2000 characters.")
	       : required && !**out ? N_("Enter the reason.")
				    : NULL;
	return *why ? -1 : 0;
}

/* The folded words a document is found by: its summary and its symbol (malloc'd). */
static char *search_text(const char *summary, const char *symbol)
{
	struct buf b = BUF_INIT;
	char *out;
	buf_adds(&b, summary ? summary : "");
	buf_addch(&b, ' ');
	buf_adds(&b, symbol ? symbol : "");
	out = xmalloc(b.len + 1);
	if (fold_text(b.ptr, out, b.len + 1) < 0)
		out[0] = '\0';
	buf_release(&b);
	return out;
}

/* ---- storage ---- */

static const char *col(struct arena *a, struct db_stmt *st, int i);

static int finish(struct db_stmt *st, int rc)
{
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : 0;
}

static int event_add(struct db *db, int64_t doc, int64_t at, int64_t account, const char *name,
		     const char *action, int from, int to, const char *note)
{
	int64_t id;
	int rc = counter_next(db, "id", "doc_outgoing_events", "", &id);
	if (rc)
		return rc;
	if (!account)
		return db_exec(
			db,
			"INSERT INTO doc_outgoing_events (id, doc_id, at, account_id, actor_name, action, "
			"from_status, to_status, note) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?)",
			"iiissiis", id, doc, at, name ? name : "", action, (int64_t)from, (int64_t)to,
			note ? note : "");
	return db_exec(
		db,
		"INSERT INTO doc_outgoing_events (id, doc_id, at, account_id, actor_name, action, from_status, "
		"to_status, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		"iiiissiis", id, doc, at, account, name ? name : "", action, (int64_t)from, (int64_t)to,
		note ? note : "");
}

static int file_add(struct db *db, int64_t doc, int version, const struct doc_out_file *f, int64_t now)
{
	int rc = db_exec(
		db,
		"INSERT INTO doc_outgoing_files (doc_id, version, sha, name, mime, size, uploaded_by, "
		"uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		"iisssiii", doc, (int64_t)version, f->sha, f->name, f->mime, f->size, f->uploaded_by, now);
	return rc ? rc : doc_text_request(db, f->sha, f->mime, now);
}

static int recipients_set(struct db *db, int64_t doc, const int64_t *units, size_t n, int replace)
{
	int rc = replace ? db_exec(db, "DELETE FROM doc_outgoing_recipients WHERE doc_id = ?", "i", doc) : 0;
	for (size_t i = 0; !rc && i < n; i++) {
		int dup = 0;
		for (size_t k = 0; k < i; k++)
			dup |= units[k] == units[i];
		if (!dup)
			rc = db_exec(db,
				     "INSERT INTO doc_outgoing_recipients (doc_id, unit_id) VALUES (?, ?)",
				     "ii", doc, units[i]);
	}
	return rc;
}

int doc_out_create(struct db *db, struct doc_out *d, const struct doc_out_file *file, const char *actor_name,
		   int64_t now)
{
	char *search = NULL;
	int rc = counter_next(db, "id", "doc_outgoing", "", &d->id);
	if (rc)
		return rc;
	search = search_text(d->summary, "");
	rc = db_exec(
		db,
		"INSERT INTO doc_outgoing (id, agency_id, unit_id, type, summary, recipients, urgency, secrecy, "
		"status, search_text, drafter_id, file_version, file_sha, file_name, file_mime, file_size, "
		"created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, 1, ?, ?, ?, ?, ?, ?)",
		"iiiissiisisssiii", d->id, d->agency_id, d->unit_id, (int64_t)d->type, d->summary,
		d->recipients ? d->recipients : "", (int64_t)d->urgency, (int64_t)d->secrecy, search,
		d->drafter_id, file->sha, file->name, file->mime, file->size, now, now);
	free(search);
	if (!rc)
		rc = file_add(db, d->id, 1, file, now);
	if (!rc)
		rc = recipients_set(db, d->id, d->recipient_units, d->n_recipient_units, 0);
	if (!rc)
		rc = event_add(db, d->id, now, d->drafter_id, actor_name, "create", DOC_OUT_DRAFT,
			       DOC_OUT_DRAFT, "");
	d->status = DOC_OUT_DRAFT;
	return rc;
}

int doc_out_update(struct db *db, const struct doc_out *d, const struct doc_out_file *file, int64_t account,
		   const char *actor_name, int64_t now)
{
	struct db_stmt *st;
	int status = 0, version = 0;
	char *search;
	int rc = db_query(db, &st, "SELECT status, file_version FROM doc_outgoing WHERE id = ?", "i", d->id);
	if (rc == DB_ROW) {
		status = (int)db_col_int(st, 0);
		version = (int)db_col_int(st, 1);
	}
	if ((rc = finish(st, rc)))
		return rc;
	if (!status)
		return DOC_OUT_ENOTFOUND;
	if (status >= DOC_OUT_SIGNED)
		return DOC_OUT_EFIXED;
	if (status != DOC_OUT_DRAFT)
		return DOC_OUT_ESTATUS;
	search = search_text(d->summary, "");
	rc = db_exec(
		db,
		"UPDATE doc_outgoing SET type = ?, summary = ?, recipients = ?, urgency = ?, secrecy = ?, "
		"search_text = ?, updated_at = ? WHERE id = ? AND status = 1",
		"issiisii", (int64_t)d->type, d->summary, d->recipients ? d->recipients : "",
		(int64_t)d->urgency, (int64_t)d->secrecy, search, now, d->id);
	free(search);
	if (rc)
		return rc;
	if (db_changes(db) != 1)
		return DOC_OUT_ESTATUS; /* another took it first */
	if (file) {
		rc = db_exec(
			db,
			"UPDATE doc_outgoing SET file_version = ?, file_sha = ?, file_name = ?, file_mime = ?, "
			"file_size = ? WHERE id = ?",
			"isssii", (int64_t)version + 1, file->sha, file->name, file->mime, file->size, d->id);
		if (!rc)
			rc = file_add(db, d->id, version + 1, file, now);
		if (rc)
			return rc;
	}
	rc = recipients_set(db, d->id, d->recipient_units, d->n_recipient_units, 1);
	if (!rc)
		rc = event_add(db, d->id, now, account, actor_name, "edit", DOC_OUT_DRAFT, DOC_OUT_DRAFT, "");
	if (!rc && file) {
		/* the version the new file became, in the note */
		char v[16];
		snprintf(v, sizeof(v), "%d", version + 1);
		rc = event_add(db, d->id, now, account, actor_name, "file", DOC_OUT_DRAFT, DOC_OUT_DRAFT, v);
	}
	return rc;
}

/* ---- signing ---- */

static int starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* A kind of unit that governs: its documents are the People's Committee's (Ủy ban nhân dân). */
static int governing(const char *kind)
{
	static const char *const kinds[] = { "city", "province", "district", "ward", "commune" };
	for (size_t i = 0; kind && i < N_ELEMS(kinds); i++)
		if (!strcmp(kind, kinds[i]))
			return 1;
	return 0;
}

void doc_out_title(const char *position, char *out, size_t n)
{
	/* the words that start the name of the body a title belongs to */
	static const char *const body[] = { "UBND",   "HĐND",	"Ủy",	"ỦY",	 "Uỷ",	  "ban",  "Hội",
					    "phường", "Phường", "quận", "Quận",	 "xã",	  "Xã",	  "huyện",
					    "Huyện",  "thị",	"Thị",	"thành", "Thành", "tỉnh", "Tỉnh" };
	const char *p = position ? position : "";
	size_t len = 0, words = 0;

	if (!n)
		return;
	out[0] = '\0';
	while (*p) {
		const char *w, *e;
		size_t wl;
		int stop = 0;
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		w = p;
		e = strchr(w, ' ');
		wl = e ? (size_t)(e - w) : strlen(w);
		for (size_t i = 0; words && i < N_ELEMS(body); i++)
			stop |= wl == strlen(body[i]) && !memcmp(w, body[i], wl);
		if (stop)
			break;
		if (len + (len ? 1 : 0) + wl + 1 > n)
			break;
		if (len)
			out[len++] = ' ';
		memcpy(out + len, w, wl);
		len += wl;
		out[len] = '\0';
		words++;
		p = w + wl;
	}
}

int doc_out_notation(const char *agency_kind, const char *signer_position, const char *delegator_position,
		     char *title, size_t tn, char *notation, size_t nn)
{
	static const struct delegation any = { 0 };
	char holder[128];
	struct signing s = { 0 };
	int deputy, acting;

	if (nn)
		notation[0] = '\0';
	doc_out_title(signer_position, title, tn);
	if (!tn || !*title)
		return -1;
	deputy = starts_with(title, "Phó ");
	acting = starts_with(title, "Quyền ");
	s.mode = signing_mode(delegator_position ? &any : NULL, deputy, acting);
	if (s.mode == SIGN_TUQ)
		doc_out_title(delegator_position, holder, sizeof(holder));
	else
		snprintf(holder, sizeof(holder), "%s", title);
	/* the head's own title: "Phó Chủ tịch" acts for the "Chủ tịch" */
	for (size_t i = 0; i < 2; i++) {
		static const char *const prefixes[] = { "Phó ", "Quyền " };
		size_t k = strlen(prefixes[i]);
		if (starts_with(holder, prefixes[i]))
			memmove(holder, holder + k, strlen(holder + k) + 1);
	}
	if (!*holder && governing(agency_kind))
		snprintf(holder, sizeof(holder), "Chủ tịch");
	/* Decree 30/2020 appendix I: the committee's documents are signed TM. Ủy ban nhân dân, but TUQ. */
	s.collective = governing(agency_kind) && s.mode != SIGN_TUQ ? "Ủy ban nhân dân" : NULL;
	s.holder_title = holder;
	s.signer_title = title;
	return signing_notation(&s, notation, nn);
}

int doc_out_notation_by_order(const char *agency_kind, const char *signer_position, char *title, size_t tn,
			      char *notation, size_t nn)
{
	char head[128];
	struct signing s = { 0 };

	if (nn)
		notation[0] = '\0';
	doc_out_title(signer_position, title, tn);
	/* by order of the head of a People's Committee: its chairman (Decree 30/2020 appendix I) */
	if (!tn || !*title || !governing(agency_kind))
		return -1;
	s.mode = SIGN_TL;
	s.holder_title = "Chủ tịch";
	s.signer_title = title;
	/* the deputy of the head given the order signs for him: "KT. Chánh Văn phòng" */
	if (starts_with(title, "Phó ")) {
		snprintf(head, sizeof(head), "%s", title + strlen("Phó "));
		if (*head >= 'a' && *head <= 'z')
			*head = (char)(*head - 'a' + 'A');
		s.order_title = head;
	}
	return signing_notation(&s, notation, nn);
}

/* ---- signing by order ---- */

int doc_sign_order_find(struct db *db, int64_t unit, int type, int64_t *id)
{
	struct db_stmt *st;
	int rc = db_query(
		db, &st,
		"SELECT id FROM doc_sign_orders WHERE unit_id = ? AND type = ? AND revoked_at IS NULL", "ii",
		unit, (int64_t)type);
	*id = rc == DB_ROW ? db_col_int(st, 0) : 0;
	return finish(st, rc);
}

int doc_sign_order_add(struct db *db, int64_t agency, int64_t unit, int type, const char *basis, int64_t by,
		       int64_t now, int64_t *id)
{
	int rc = doc_sign_order_find(db, unit, type, id);
	if (rc || *id)
		return rc ? rc : DOC_OUT_EEXISTS;
	if ((rc = counter_next(db, "id", "doc_sign_orders", "", id)))
		return rc;
	rc = db_exec(
		db,
		"INSERT INTO doc_sign_orders (id, agency_id, unit_id, type, basis, created_by, created_at) "
		"VALUES (?, ?, ?, ?, ?, ?, ?)",
		"iiiisii", *id, agency, unit, (int64_t)type, basis, by, now);
	/* two at once: the unique index holds, the second is told it exists */
	return rc == DB_CONSTRAINT ? DOC_OUT_EEXISTS : rc;
}

int doc_sign_order_revoke(struct db *db, int64_t agency, int64_t id, int64_t by, int64_t now)
{
	int rc = db_exec(
		db,
		"UPDATE doc_sign_orders SET revoked_by = ?, revoked_at = ? WHERE id = ? AND agency_id = ? "
		"AND revoked_at IS NULL",
		"iiii", by, now, id, agency);
	if (rc)
		return rc;
	return db_changes(db) == 1 ? 0 : DOC_OUT_ENOTFOUND;
}

#define ORDER_SELECT                                                                          \
	"SELECT o.id, o.agency_id, o.unit_id, o.type, u.name, o.basis, cb.full_name, "        \
	"COALESCE(rb.full_name, ''), o.created_by, o.created_at, COALESCE(o.revoked_by, 0), " \
	"COALESCE(o.revoked_at, 0) FROM doc_sign_orders o JOIN units u ON u.id = o.unit_id "  \
	"JOIN accounts cb ON cb.id = o.created_by LEFT JOIN accounts rb ON rb.id = o.revoked_by "

static void order_row(struct db_stmt *st, struct arena *a, struct doc_sign_order *o)
{
	o->id = db_col_int(st, 0);
	o->agency_id = db_col_int(st, 1);
	o->unit_id = db_col_int(st, 2);
	o->type = (int)db_col_int(st, 3);
	o->unit_name = col(a, st, 4);
	o->basis = col(a, st, 5);
	o->created_by_name = col(a, st, 6);
	o->revoked_by_name = col(a, st, 7);
	o->created_by = db_col_int(st, 8);
	o->created_at = db_col_int(st, 9);
	o->revoked_by = db_col_int(st, 10);
	o->revoked_at = db_col_int(st, 11);
}

int doc_sign_order_get(struct db *db, struct arena *a, int64_t id, struct doc_sign_order *out)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, ORDER_SELECT "WHERE o.id = ?", "i", id);
	memset(out, 0, sizeof(*out));
	if (rc == DB_ROW)
		order_row(st, a, out);
	else if (!rc)
		return DOC_OUT_ENOTFOUND;
	return finish(st, rc);
}

int doc_sign_order_list(struct db *db, struct arena *a, int64_t agency, struct doc_sign_order **out,
			size_t *n)
{
	struct db_stmt *st;
	size_t cap = 8;
	int rc = db_query(db, &st,
			  ORDER_SELECT "WHERE o.agency_id = ? ORDER BY CASE WHEN o.revoked_at IS NULL THEN 0 "
				       "ELSE 1 END, u.name, o.type, o.id DESC",
			  "i", agency);
	*n = 0;
	*out = arena_alloc(a, cap * sizeof(**out));
	for (; rc == DB_ROW; rc = db_step(st)) {
		if (*n == cap) {
			struct doc_sign_order *more = arena_alloc(a, 2 * cap * sizeof(*more));
			memcpy(more, *out, cap * sizeof(*more));
			*out = more;
			cap *= 2;
		}
		order_row(st, a, &(*out)[(*n)++]);
	}
	return finish(st, rc);
}

/* ---- the workflow ---- */

/* What a step needs to know of the document. */
struct basics {
	int status, type;
	int64_t agency, unit, signed_at;
	char agency_kind[16], agency_short[32], unit_short[32];
	char *summary; /* malloc'd */
	size_t recipient_lines;
	int64_t recipient_units;
};

static int basics_load(struct db *db, int64_t id, struct basics *b)
{
	struct db_stmt *st;
	int rc;
	memset(b, 0, sizeof(*b));
	rc = db_query(
		db, &st,
		"SELECT d.status, d.type, d.agency_id, d.unit_id, d.signed_at, a.kind, a.short_name, "
		"u.short_name, d.summary, d.recipients, (SELECT COUNT(*) FROM doc_outgoing_recipients r "
		"WHERE r.doc_id = d.id) FROM doc_outgoing d JOIN units a ON a.id = d.agency_id "
		"JOIN units u ON u.id = d.unit_id WHERE d.id = ?",
		"i", id);
	if (rc == DB_ROW) {
		const char *rcpt = db_col_text(st, 9);
		b->status = (int)db_col_int(st, 0);
		b->type = (int)db_col_int(st, 1);
		b->agency = db_col_int(st, 2);
		b->unit = db_col_int(st, 3);
		b->signed_at = db_col_int(st, 4);
		snprintf(b->agency_kind, sizeof(b->agency_kind), "%s", db_col_text(st, 5));
		snprintf(b->agency_short, sizeof(b->agency_short), "%s", db_col_text(st, 6));
		snprintf(b->unit_short, sizeof(b->unit_short), "%s", db_col_text(st, 7));
		b->summary = xstrdup(db_col_text(st, 8));
		for (const char *p = rcpt; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "")
			b->recipient_lines++;
		b->recipient_units = db_col_int(st, 10);
	}
	if ((rc = finish(st, rc)))
		return rc;
	return b->status ? 0 : DOC_OUT_ENOTFOUND;
}

/* Move the document from `from` to `to` if it is still in `from`: 0, DOC_OUT_ESTATUS, or <0. */
static int move(struct db *db, int64_t id, int from, int to, int64_t now)
{
	int rc = db_exec(db, "UPDATE doc_outgoing SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
			 "iiii", (int64_t)to, now, id, (int64_t)from);
	if (rc)
		return rc;
	return db_changes(db) == 1 ? 0 : DOC_OUT_ESTATUS;
}

int doc_out_issue_days(struct db *db, int64_t signed_at, int64_t now, int32_t allowed[2])
{
	const struct calendar *c = calendar_current(db);
	int32_t signed_day = day_of(signed_at), today = day_of(now), next;
	int64_t d;
	if (!c)
		return DB_ERROR;
	/* the next working day (features/calendar.h: holidays, make-up days) */
	d = day_number(signed_day) + 1;
	for (int k = 0; k < 60 && !cal_is_working_day(c, (int32_t)d); k++)
		d++;
	next = day_ymd(d);
	allowed[0] = signed_day <= today ? signed_day : 0;
	allowed[1] = next <= today ? next : 0;
	return 0;
}

static int setting_on(struct db *db, const char *key)
{
	char *v = settings_get(db, key);
	int on = v && (!strcmp(v, "1") || !strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes"));
	free(v);
	return on;
}

/*
 * Number a signed document: Decree 30/2020 art. 15: numbers run from 01 on 1 January to 31
 * December, per agency; the counter row is taken in this transaction, so a number is never
 * skipped nor given twice.
 */
static int issue(struct db *db, int64_t id, const struct basics *b, int32_t day, int64_t by, const char *name,
		 int copies, int64_t now, struct doc_out_done *done)
{
	char scope[24], period[8], *search;
	int64_t n;
	int rc;

	/* take the row first: a second issuer waits here, then finds it issued */
	rc = db_exec(db, "UPDATE doc_outgoing SET updated_at = ? WHERE id = ? AND status = ?", "iii", now, id,
		     (int64_t)DOC_OUT_SIGNED);
	if (rc)
		return rc;
	if (db_changes(db) != 1)
		return DOC_OUT_ESTATUS;
	snprintf(scope, sizeof(scope), "%lld", (long long)b->agency);
	snprintf(period, sizeof(period), "%d", day / 10000);
	if ((rc = counter_next(db, "doc_out", scope, period, &n)))
		return rc;
	/* a Công văn drafted at the agency itself names no unit: "05/UBND" */
	if (b->type == DOC_TYPE_CONG_VAN && b->unit == b->agency)
		rc = doc_symbol(n, DOC_TYPE_THU_CONG, b->agency_short, NULL, done->symbol,
				sizeof(done->symbol));
	else
		rc = doc_symbol(n, b->type, b->agency_short, b->unit_short, done->symbol,
				sizeof(done->symbol));
	if (rc)
		return DOC_OUT_ESYMBOL;
	if (copies <= 0)
		copies = (int)(b->recipient_lines + (size_t)b->recipient_units) + 2;
	if (copies > DOC_OUT_COPIES_MAX)
		copies = DOC_OUT_COPIES_MAX;
	search = search_text(b->summary, done->symbol);
	if (by)
		rc = db_exec(
			db,
			"UPDATE doc_outgoing SET status = 5, number = ?, number_year = ?, symbol = ?, issued_day = ?, "
			"issued_at = ?, issued_by = ?, copies = ?, search_text = ?, updated_at = ? WHERE id = ?",
			"iisiiiisii", n, (int64_t)(day / 10000), done->symbol, (int64_t)day, now, by,
			(int64_t)copies, search, now, id);
	else
		rc = db_exec(
			db,
			"UPDATE doc_outgoing SET status = 5, number = ?, number_year = ?, symbol = ?, issued_day = ?, "
			"issued_at = ?, issued_by = NULL, copies = ?, search_text = ?, updated_at = ? WHERE id = ?",
			"iisiiisii", n, (int64_t)(day / 10000), done->symbol, (int64_t)day, now,
			(int64_t)copies, search, now, id);
	free(search);
	if (rc)
		return rc;
	rc = doc_stats_add(db, b->agency, b->unit, day_start(day) + 12 * 3600, DOC_STAT_OUT, b->type, 1);
	if (!rc)
		rc = event_add(db, id, now, by, name, "issue", DOC_OUT_SIGNED, DOC_OUT_ISSUED, done->symbol);
	done->numbered = 1;
	done->number = n;
	done->issue_day = day;
	done->status = DOC_OUT_ISSUED;
	return rc;
}

/* The signer's name and position, and the position of whoever delegated the power (or none). */
static int signer_load(struct db *db, int64_t account, int64_t delegation, char *name, size_t nn,
		       char *position, size_t pn, char *delegator, size_t dn, int *by_delegation)
{
	struct db_stmt *st;
	int64_t from = 0;
	int rc = db_query(db, &st, "SELECT full_name, position FROM accounts WHERE id = ?", "i", account);
	name[0] = position[0] = delegator[0] = '\0';
	*by_delegation = 0;
	if (rc == DB_ROW) {
		snprintf(name, nn, "%s", db_col_text(st, 0));
		snprintf(position, pn, "%s", db_col_text(st, 1));
	}
	if ((rc = finish(st, rc)))
		return rc;
	if (!delegation)
		return 0;
	rc = db_query(
		db, &st,
		"SELECT a.position FROM delegations d JOIN accounts a ON a.id = d.from_account WHERE d.id = ?",
		"i", delegation);
	if (rc == DB_ROW) {
		snprintf(delegator, dn, "%s", db_col_text(st, 0));
		*by_delegation = 1;
		from = 1;
	}
	rc = finish(st, rc);
	return rc ? rc : from ? 0 : DOC_OUT_ESIGNER;
}

static int sign(struct db *db, int64_t id, const struct basics *b, const struct doc_out_step *step,
		int64_t now, struct doc_out_done *done)
{
	char name[304], position[128], delegator[128], title[128];
	int by_delegation, rc;
	int64_t order = 0;

	rc = signer_load(db, step->account, step->order ? 0 : step->delegation, name, sizeof(name), position,
			 sizeof(position), delegator, sizeof(delegator), &by_delegation);
	if (rc)
		return rc;
	if (step->order) {
		/*
		 * by order: the order must still be in force for this unit and type, and stays so until
		 * the commit (the UPDATE locks its row on PostgreSQL: a revocation waits, or has won)
		 */
		rc = db_exec(
			db,
			"UPDATE doc_sign_orders SET id = id WHERE id = ? AND unit_id = ? AND type = ? AND "
			"revoked_at IS NULL",
			"iii", step->order, b->unit, (int64_t)b->type);
		if (rc)
			return rc;
		if (db_changes(db) != 1)
			return DOC_OUT_ENOORDER;
		order = step->order;
		if (doc_out_notation_by_order(b->agency_kind, position, title, sizeof(title), done->notation,
					      sizeof(done->notation)))
			return DOC_OUT_ESIGNER;
	} else if (doc_out_notation(b->agency_kind, position, by_delegation ? delegator : NULL, title,
				    sizeof(title), done->notation, sizeof(done->notation)))
		return DOC_OUT_ESIGNER;
	/* the file signed is fixed: its SHA-256 kept, every later change refused */
	rc = db_exec(db,
		     "UPDATE doc_outgoing SET status = ?, signer_id = ?, signer_name = ?, signer_title = ?, "
		     "sign_notation = ?, sign_delegation = ?, sign_order_id = ?, signed_at = ?, "
		     "signed_sha = file_sha, updated_at = ? WHERE id = ? AND status = ?",
		     "iisssiiiiii", (int64_t)DOC_OUT_SIGNED, step->account, name, title, done->notation,
		     by_delegation ? step->delegation : (int64_t)0, order, now, now, id, (int64_t)b->status);
	if (rc)
		return rc;
	if (db_changes(db) != 1)
		return DOC_OUT_ESTATUS;
	done->status = DOC_OUT_SIGNED;
	rc = event_add(db, id, now, step->account, step->name, "sign", b->status, DOC_OUT_SIGNED, "");
	/* numbered by the system at once when so configured, dated the signing day */
	if (!rc && setting_on(db, DOC_OUT_AUTO_NUMBER))
		rc = issue(db, id, b, day_of(now), 0, "", 0, now, done);
	return rc;
}

int doc_out_apply(struct db *db, int64_t id, const struct doc_out_step *step, int64_t now,
		  struct doc_out_done *done)
{
	struct basics b;
	int next, rc;

	memset(done, 0, sizeof(*done));
	rc = basics_load(db, id, &b);
	if (rc)
		goto out;
	done->from_status = b.status;
	done->status = b.status;
	next = doc_out_next_status(b.status, step->action);
	/* the head of the drafting unit signs by order what he reviews, without sending it up */
	if (step->action == DOC_OUT_SIGN && step->order && b.status == DOC_OUT_REVIEW)
		next = DOC_OUT_SIGNED;
	if (!next) {
		rc = DOC_OUT_ESTATUS;
		goto out;
	}
	switch (step->action) {
	case DOC_OUT_SUBMIT:
	case DOC_OUT_COMMENT:
	case DOC_OUT_RETURN:
	case DOC_OUT_FORWARD:
		rc = move(db, id, b.status, next, now);
		if (!rc)
			rc = event_add(db, id, now, step->account, step->name,
				       doc_out_action_name(step->action), b.status, next, step->note);
		done->status = next;
		break;
	case DOC_OUT_SIGN: rc = sign(db, id, &b, step, now, done); break;
	case DOC_OUT_ISSUE: {
		int32_t day = step->issue_day ? step->issue_day : day_of(now);
		if ((rc = doc_out_issue_days(db, b.signed_at, now, done->allowed)))
			break;
		if (!day || (day != done->allowed[0] && day != done->allowed[1])) {
			rc = DOC_OUT_EDAY;
			break;
		}
		rc = issue(db, id, &b, day, step->account, step->name, step->copies, now, done);
		break;
	}
	case DOC_OUT_WITHDRAW:
		rc = db_exec(
			db,
			"UPDATE doc_outgoing SET status = ?, withdrawn_at = ?, withdrawn_by = ?, withdraw_reason = ?, "
			"updated_at = ? WHERE id = ? AND status = ?",
			"iiisiii", (int64_t)DOC_OUT_WITHDRAWN, now, step->account,
			step->note ? step->note : "", now, id, (int64_t)DOC_OUT_ISSUED);
		if (!rc && db_changes(db) != 1)
			rc = DOC_OUT_ESTATUS;
		/* the number stays taken: the counter never goes back */
		if (!rc)
			rc = doc_stats_add(db, b.agency, b.unit, now, DOC_STAT_OUT_WITHDRAWN, b.type, 1);
		if (!rc)
			rc = event_add(db, id, now, step->account, step->name, "withdraw", DOC_OUT_ISSUED,
				       DOC_OUT_WITHDRAWN, step->note);
		done->status = DOC_OUT_WITHDRAWN;
		break;
	default: rc = DOC_OUT_ESTATUS;
	}
out:
	free(b.summary);
	return rc;
}

/* ---- reading ---- */

#define DOC_COLS                                                                                                  \
	"d.id, d.agency_id, d.unit_id, d.type, d.urgency, d.secrecy, d.status, d.summary, d.recipients, "         \
	"d.drafter_id, d.file_version, d.file_sha, d.file_name, d.file_mime, d.file_size, "                       \
	"COALESCE(d.signer_id, 0), d.signer_name, d.signer_title, d.sign_notation, d.sign_delegation, "           \
	"d.signed_at, d.signed_sha, COALESCE(d.number, 0), COALESCE(d.number_year, 0), d.symbol, d.issued_day, "  \
	"d.issued_at, COALESCE(d.issued_by, 0), d.copies, d.withdrawn_at, COALESCE(d.withdrawn_by, 0), "          \
	"d.withdraw_reason, d.created_at, d.updated_at, dr.full_name, a.name, a.short_name, a.agency_code, "      \
	"a.kind, u.name, u.short_name, COALESCE(ib.full_name, ''), COALESCE(wb.full_name, ''), d.sign_order_id, " \
	"COALESCE((SELECT o.id FROM doc_sign_orders o WHERE o.unit_id = d.unit_id AND o.type = d.type AND "       \
	"o.revoked_at IS NULL), 0)"
#define DOC_FROM                                                                                            \
	" FROM doc_outgoing d JOIN accounts dr ON dr.id = d.drafter_id JOIN units a ON a.id = d.agency_id " \
	"JOIN units u ON u.id = d.unit_id LEFT JOIN accounts ib ON ib.id = d.issued_by "                    \
	"LEFT JOIN accounts wb ON wb.id = d.withdrawn_by"

static const char *col(struct arena *a, struct db_stmt *st, int i)
{
	const char *s = db_col_text(st, i);
	return arena_strdup(a, s ? s : "");
}

static void doc_row(struct db_stmt *st, struct arena *a, struct doc_out *d)
{
	int i = 0;
	memset(d, 0, sizeof(*d));
	d->id = db_col_int(st, i++);
	d->agency_id = db_col_int(st, i++);
	d->unit_id = db_col_int(st, i++);
	d->type = (int)db_col_int(st, i++);
	d->urgency = (int)db_col_int(st, i++);
	d->secrecy = (int)db_col_int(st, i++);
	d->status = (int)db_col_int(st, i++);
	d->summary = col(a, st, i++);
	d->recipients = col(a, st, i++);
	d->drafter_id = db_col_int(st, i++);
	d->file.version = (int)db_col_int(st, i++);
	d->file.sha = col(a, st, i++);
	d->file.name = col(a, st, i++);
	d->file.mime = col(a, st, i++);
	d->file.size = db_col_int(st, i++);
	d->signer_id = db_col_int(st, i++);
	d->signer_name = col(a, st, i++);
	d->signer_title = col(a, st, i++);
	d->sign_notation = col(a, st, i++);
	d->sign_delegation = db_col_int(st, i++);
	d->signed_at = db_col_int(st, i++);
	d->signed_sha = col(a, st, i++);
	d->number = db_col_int(st, i++);
	d->number_year = (int)db_col_int(st, i++);
	d->symbol = col(a, st, i++);
	d->issued_day = (int32_t)db_col_int(st, i++);
	d->issued_at = db_col_int(st, i++);
	d->issued_by = db_col_int(st, i++);
	d->copies = (int)db_col_int(st, i++);
	d->withdrawn_at = db_col_int(st, i++);
	d->withdrawn_by = db_col_int(st, i++);
	d->withdraw_reason = col(a, st, i++);
	d->created_at = db_col_int(st, i++);
	d->updated_at = db_col_int(st, i++);
	d->drafter_name = col(a, st, i++);
	d->agency_name = col(a, st, i++);
	d->agency_short = col(a, st, i++);
	d->agency_code = col(a, st, i++);
	d->agency_kind = col(a, st, i++);
	d->unit_name = col(a, st, i++);
	d->unit_short = col(a, st, i++);
	d->issued_by_name = col(a, st, i++);
	d->withdrawn_by_name = col(a, st, i++);
	d->sign_order = db_col_int(st, i++);
	d->order_open = db_col_int(st, i++);
	d->recipient_unit_names = NULL;
}

static int recipients_load(struct db *db, struct arena *a, struct doc_out *d)
{
	struct db_stmt *st;
	size_t n = 0, cap = 8;
	int64_t *ids = arena_alloc(a, cap * sizeof(*ids));
	const char **names = arena_alloc(a, cap * sizeof(*names));
	int rc = db_query(
		db, &st,
		"SELECT r.unit_id, u.name FROM doc_outgoing_recipients r JOIN units u ON u.id = r.unit_id "
		"WHERE r.doc_id = ? ORDER BY r.unit_id",
		"i", d->id);
	for (; rc == DB_ROW; rc = db_step(st)) {
		if (n == cap) {
			int64_t *ni = arena_alloc(a, 2 * cap * sizeof(*ni));
			const char **nn = arena_alloc(a, 2 * cap * sizeof(*nn));
			memcpy(ni, ids, n * sizeof(*ids));
			memcpy(nn, names, n * sizeof(*names));
			ids = ni;
			names = nn;
			cap *= 2;
		}
		ids[n] = db_col_int(st, 0);
		names[n++] = col(a, st, 1);
	}
	d->recipient_units = ids;
	d->recipient_unit_names = names;
	d->n_recipient_units = n;
	return rc < 0 ? rc : 0;
}

static int history_load(struct db *db, struct arena *a, struct doc_out *d)
{
	struct db_stmt *st;
	size_t n = 0;
	int rc;

	d->files = arena_calloc(a, (size_t)d->file.version + 1, sizeof(*d->files));
	rc = db_query(
		db, &st,
		"SELECT f.version, f.sha, f.name, f.mime, f.size, f.uploaded_by, a.full_name, f.uploaded_at "
		"FROM doc_outgoing_files f JOIN accounts a ON a.id = f.uploaded_by WHERE f.doc_id = ? "
		"ORDER BY f.version",
		"i", d->id);
	for (; rc == DB_ROW; rc = db_step(st)) {
		struct doc_out_file *f = &d->files[n];
		if (n > (size_t)d->file.version)
			continue;
		f->version = (int)db_col_int(st, 0);
		f->sha = col(a, st, 1);
		f->name = col(a, st, 2);
		f->mime = col(a, st, 3);
		f->size = db_col_int(st, 4);
		f->uploaded_by = db_col_int(st, 5);
		f->uploaded_by_name = col(a, st, 6);
		f->uploaded_at = db_col_int(st, 7);
		n++;
	}
	if (rc < 0)
		return rc;
	d->nfiles = n;
	rc = db_query(db, &st, "SELECT COUNT(*) FROM doc_outgoing_events WHERE doc_id = ?", "i", d->id);
	n = rc == DB_ROW ? (size_t)db_col_int(st, 0) : 0;
	if ((rc = finish(st, rc)))
		return rc;
	d->events = arena_calloc(a, n + 1, sizeof(*d->events));
	d->nevents = 0;
	rc = db_query(
		db, &st,
		"SELECT id, at, COALESCE(account_id, 0), actor_name, action, note, from_status, to_status "
		"FROM doc_outgoing_events WHERE doc_id = ? ORDER BY id",
		"i", d->id);
	for (; rc == DB_ROW && d->nevents < n; rc = db_step(st)) {
		struct doc_out_event *e = &d->events[d->nevents++];
		e->id = db_col_int(st, 0);
		e->at = db_col_int(st, 1);
		e->account_id = db_col_int(st, 2);
		e->actor_name = col(a, st, 3);
		e->action = col(a, st, 4);
		e->note = col(a, st, 5);
		e->from_status = (int)db_col_int(st, 6);
		e->to_status = (int)db_col_int(st, 7);
	}
	return finish(st, rc);
}

int doc_out_load(struct db *db, struct arena *a, int64_t id, unsigned flags, struct doc_out *out)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT " DOC_COLS DOC_FROM " WHERE d.id = ?", "i", id);
	int found = rc == DB_ROW;
	if (found)
		doc_row(st, a, out);
	if ((rc = finish(st, rc)))
		return rc;
	if (!found)
		return DOC_OUT_ENOTFOUND;
	if ((rc = recipients_load(db, a, out)))
		return rc;
	return flags & DOC_OUT_LOAD_HISTORY ? history_load(db, a, out) : 0;
}

int doc_out_load_issued(struct db *db, struct arena *a, int64_t id, struct doc_out *out)
{
	int rc = doc_out_load(db, a, id, 0, out);
	if (rc)
		return rc;
	return out->status == DOC_OUT_ISSUED || out->status == DOC_OUT_WITHDRAWN ? 0 : DOC_OUT_ENOTFOUND;
}

int doc_out_involved(struct db *db, int64_t id, int64_t account)
{
	struct db_stmt *st;
	int rc = db_query(db, &st,
			  "SELECT 1 FROM doc_outgoing_events WHERE doc_id = ? AND account_id = ? LIMIT 1",
			  "ii", id, account);
	int yes = rc == DB_ROW;
	rc = finish(st, rc);
	return rc < 0 ? rc : yes;
}

/* 1 when x is in the sorted v[0..n). */
static int has_id(const int64_t *v, size_t n, int64_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] == x)
			return 1;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int doc_out_visible(const struct doc_out *d, const struct doc_out_viewer *v, int involved)
{
	if (!d || !v || !v->account)
		return 0;
	if (d->drafter_id == v->account || involved)
		return 1;
	if (has_id(v->sign, v->nsign, d->agency_id) || has_id(v->clerk, v->nclerk, d->agency_id))
		return 1;
	if (d->status >= DOC_OUT_REVIEW && has_id(v->review, v->nreview, d->unit_id))
		return 1;
	/* a secret document (độ mật) only to those it is for */
	return d->secrecy == DOC_SECRECY_NONE && has_id(v->own, v->nown, d->unit_id);
}

static const char *const queue_names[] = { "all", "mine", "review", "sign", "number", "issued" };

const char *doc_out_queue_name(int q)
{
	return q >= 0 && q < DOC_OUT_Q_COUNT ? queue_names[q] : NULL;
}

int doc_out_queue_from_name(const char *name)
{
	for (int i = 0; name && i < DOC_OUT_Q_COUNT; i++)
		if (!strcmp(name, queue_names[i]))
			return i;
	return -1;
}

/* The words of a folded query (at most 8 of at most 100 bytes), in the arena. */
static size_t query_words(struct arena *a, const char *q, const char **words, size_t max)
{
	size_t n = 0;
	char *copy;
	if (!q || !*q)
		return 0;
	copy = arena_strdup(a, q);
	for (char *p = copy; *p && n < max;) {
		char *e = strchr(p, ' ');
		if (e)
			*e = '\0';
		if (*p && strlen(p) <= 100)
			words[n++] = p;
		if (!e)
			break;
		p = e + 1;
	}
	return n;
}

/* An SQL text with its integer and text parameters in order. */
struct sqlq {
	struct buf sql;
	char kinds[512]; /* 'i' or 's' per parameter; more makes the query fail (DB_ERROR) */
	int64_t ints[512];
	const char *texts[512];
	size_t n;
};

static void q_int(struct sqlq *q, int64_t v)
{
	if (q->n < N_ELEMS(q->kinds) - 1) {
		q->kinds[q->n] = 'i';
		q->ints[q->n++] = v;
	}
	buf_adds(&q->sql, "?");
}

static void q_text(struct sqlq *q, const char *s)
{
	if (q->n < N_ELEMS(q->kinds) - 1) {
		q->kinds[q->n] = 's';
		q->texts[q->n++] = s;
	}
	buf_adds(&q->sql, "?");
}

/* "(?, ?, ?)" of the ids, "(0)" for none (no unit has the id 0). */
static void q_ids(struct sqlq *q, const int64_t *v, size_t n)
{
	buf_adds(&q->sql, "(");
	if (!n)
		buf_adds(&q->sql, "0");
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_adds(&q->sql, ", ");
		q_int(q, v[i]);
	}
	buf_adds(&q->sql, ")");
}

static struct db_stmt *q_prepare(struct db *db, struct sqlq *q)
{
	struct db_stmt *st;
	if (buf_err(&q->sql) || q->n >= N_ELEMS(q->kinds) - 1 || !(st = db_prepare(db, q->sql.ptr)))
		return NULL;
	for (size_t i = 0; i < q->n; i++) {
		int rc = q->kinds[i] == 'i' ? db_bind_int(st, (int)i + 1, q->ints[i])
					    : db_bind_text(st, (int)i + 1, q->texts[i], strlen(q->texts[i]));
		if (rc)
			return NULL;
	}
	return st;
}

/* The agencies whose documents v sees all of: where he signs or is a records clerk (sorted, arena). */
static size_t sign_or_clerk(struct arena *a, const struct doc_out_viewer *v, int64_t **out)
{
	size_t n = 0;
	*out = arena_alloc(a, (v->nsign + v->nclerk + 1) * sizeof(**out));
	for (size_t i = 0; i < v->nsign; i++)
		(*out)[n++] = v->sign[i];
	for (size_t i = 0; i < v->nclerk; i++)
		if (!has_id(v->sign, v->nsign, v->clerk[i]))
			(*out)[n++] = v->clerk[i];
	return n;
}

/* The WHERE clause of what v may see and the queue, filters and words. */
static void where_sql(struct arena *a, struct sqlq *q, const struct doc_out_query *dq, int queue)
{
	const struct doc_out_viewer *v = dq->viewer;
	const char *words[8];
	size_t nwords = query_words(a, dq->words, words, N_ELEMS(words));
	int64_t *all;
	size_t nall = sign_or_clerk(a, v, &all);

	buf_adds(&q->sql, " WHERE (d.drafter_id = ");
	q_int(q, v->account);
	buf_adds(&q->sql, " OR d.agency_id IN ");
	q_ids(q, all, nall);
	buf_adds(&q->sql, " OR (d.status >= 2 AND d.unit_id IN ");
	q_ids(q, v->review, v->nreview);
	buf_adds(&q->sql, ") OR (d.secrecy = 1 AND d.unit_id IN ");
	q_ids(q, v->own, v->nown);
	buf_adds(&q->sql, ") OR EXISTS (SELECT 1 FROM doc_outgoing_events e WHERE e.doc_id = d.id AND "
			  "e.account_id = ");
	q_int(q, v->account);
	buf_adds(&q->sql, "))");
	switch (queue) {
	case DOC_OUT_Q_MINE:
		buf_adds(&q->sql, " AND d.drafter_id = ");
		q_int(q, v->account);
		break;
	case DOC_OUT_Q_REVIEW:
		buf_adds(&q->sql, " AND d.status = 2 AND d.unit_id IN ");
		q_ids(q, v->review, v->nreview);
		break;
	case DOC_OUT_Q_SIGN:
		buf_adds(&q->sql, " AND ((d.status = 3 AND d.agency_id IN ");
		q_ids(q, v->sign, v->nsign);
		/* by order: what the working rules let the head of the drafting unit sign himself */
		buf_adds(&q->sql, ") OR (d.status IN (2, 3) AND d.unit_id IN ");
		q_ids(q, v->order, v->norder);
		buf_adds(&q->sql,
			 " AND EXISTS (SELECT 1 FROM doc_sign_orders o WHERE o.unit_id = d.unit_id AND "
			 "o.type = d.type AND o.revoked_at IS NULL)))");
		break;
	case DOC_OUT_Q_NUMBER:
		buf_adds(&q->sql, " AND d.status = 4 AND d.agency_id IN ");
		q_ids(q, v->clerk, v->nclerk);
		break;
	case DOC_OUT_Q_ISSUED: buf_adds(&q->sql, " AND d.status >= 5"); break;
	default: break;
	}
	if (dq->type) {
		buf_adds(&q->sql, " AND d.type = ");
		q_int(q, dq->type);
	}
	if (dq->status) {
		buf_adds(&q->sql, " AND d.status = ");
		q_int(q, dq->status);
	}
	if (dq->unit) {
		buf_adds(&q->sql, " AND d.unit_id = ");
		q_int(q, dq->unit);
	}
	if (dq->from || dq->to) {
		int32_t from = dq->from ? dq->from : 19700101, to = dq->to ? dq->to : 29991231;
		buf_adds(&q->sql, " AND ((d.issued_day > 0 AND d.issued_day >= ");
		q_int(q, from);
		buf_adds(&q->sql, " AND d.issued_day <= ");
		q_int(q, to);
		buf_adds(&q->sql, ") OR (d.issued_day = 0 AND d.created_at >= ");
		q_int(q, day_start(from));
		buf_adds(&q->sql, " AND d.created_at < ");
		q_int(q, day_start(day_ymd(day_number(to) + 1)));
		buf_adds(&q->sql, "))");
	}
	/* folded text has only [a-z0-9] words and single spaces: no LIKE wildcard can be in it */
	for (size_t i = 0; i < nwords; i++) {
		const char *pat = arena_printf(a, "%%%s%%", words[i]);
		buf_adds(&q->sql, " AND (d.search_text LIKE ");
		q_text(q, pat);
		buf_adds(&q->sql,
			 " OR EXISTS (SELECT 1 FROM doc_texts t WHERE t.sha = d.file_sha AND t.folded LIKE ");
		q_text(q, pat);
		buf_adds(&q->sql, "))");
	}
}

static int count_where(struct db *db, struct arena *a, const struct doc_out_query *dq, int queue,
		       size_t *total)
{
	struct sqlq q;
	struct db_stmt *st;
	int rc;
	memset(&q, 0, sizeof(q));
	buf_init(&q.sql, 64 << 10);
	buf_adds(&q.sql, "SELECT COUNT(*) FROM doc_outgoing d");
	where_sql(a, &q, dq, queue);
	st = q_prepare(db, &q);
	buf_release(&q.sql);
	if (!st)
		return DB_ERROR;
	rc = db_step(st);
	*total = rc == DB_ROW ? (size_t)db_col_int(st, 0) : 0;
	return finish(st, rc);
}

int doc_out_list(struct db *db, struct arena *a, const struct doc_out_query *dq, struct doc_out **out,
		 size_t *n, size_t *total)
{
	struct sqlq q;
	struct db_stmt *st;
	size_t cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = count_where(db, a, dq, dq->queue, total)))
		return rc;
	if (!dq->limit || !*total)
		return 0;
	memset(&q, 0, sizeof(q));
	buf_init(&q.sql, 64 << 10);
	buf_adds(&q.sql, "SELECT " DOC_COLS DOC_FROM);
	where_sql(a, &q, dq, dq->queue);
	buf_adds(&q.sql, dq->queue == DOC_OUT_Q_ISSUED
				 ? " ORDER BY d.issued_day DESC, d.number DESC, d.id DESC"
				 : " ORDER BY d.updated_at DESC, d.id DESC");
	buf_adds(&q.sql, " LIMIT ");
	q_int(&q, (int64_t)dq->limit);
	buf_adds(&q.sql, " OFFSET ");
	q_int(&q, (int64_t)dq->offset);
	st = q_prepare(db, &q);
	buf_release(&q.sql);
	if (!st)
		return DB_ERROR;
	*out = arena_calloc(a, dq->limit, sizeof(**out));
	while ((rc = db_step(st)) == DB_ROW && cnt < dq->limit)
		doc_row(st, a, &(*out)[cnt++]);
	if ((rc = finish(st, rc)))
		return rc;
	*n = cnt;
	return 0;
}

int doc_out_queue_counts(struct db *db, const struct doc_out_viewer *v, int64_t counts[DOC_OUT_Q_COUNT])
{
	struct arena a;
	struct doc_out_query dq = { 0 };
	int rc = 0;
	arena_init(&a);
	dq.viewer = v;
	for (int i = 0; !rc && i < DOC_OUT_Q_COUNT; i++) {
		size_t t = 0;
		rc = count_where(db, &a, &dq, i, &t);
		counts[i] = (int64_t)t;
	}
	arena_release(&a);
	return rc;
}

/* ---- the outgoing register ---- */

const char *const doc_out_register_heads[DOC_OUT_REG_COLS] = {
	"Số, ký hiệu văn bản",
	"Ngày tháng văn bản",
	"Tên loại và trích yếu nội dung",
	"Người ký",
	"Nơi nhận văn bản",
	"Đơn vị, người nhận bản lưu",
	"Số lượng bản",
	"Ngày chuyển",
	"Ký nhận",
	"Ghi chú",
};

static int cmp_doc_id(const void *x, const void *y)
{
	const struct doc_out *a = *(const struct doc_out *const *)x, *b = *(const struct doc_out *const *)y;
	return (a->id > b->id) - (a->id < b->id);
}

int doc_out_register_list(struct db *db, struct arena *a, int64_t agency, int32_t from, int32_t to,
			  struct doc_out **out, size_t *n, int *more)
{
	struct db_stmt *st;
	struct doc_out *list, **by_id;
	size_t cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	*more = 0;
	list = arena_calloc(a, DOC_OUT_REGISTER_MAX + 1, sizeof(*list));
	rc = db_query(db, &st,
		      "SELECT " DOC_COLS DOC_FROM
		      " WHERE d.agency_id = ? AND d.status >= 5 AND d.issued_day >= ? AND "
		      "d.issued_day <= ? ORDER BY d.number_year, d.number",
		      "iii", agency, (int64_t)from, (int64_t)to);
	for (; rc == DB_ROW; rc = db_step(st)) {
		if (cnt == DOC_OUT_REGISTER_MAX) {
			*more = 1;
			break;
		}
		doc_row(st, a, &list[cnt++]);
	}
	if ((rc = finish(st, rc)))
		return rc;
	/* the units each was sent to, in one query, matched by id */
	by_id = arena_alloc(a, (cnt + 1) * sizeof(*by_id));
	for (size_t i = 0; i < cnt; i++) {
		by_id[i] = &list[i];
		list[i].recipient_units = arena_calloc(a, 1, sizeof(int64_t));
		list[i].recipient_unit_names = arena_calloc(a, 1, sizeof(char *));
	}
	qsort(by_id, cnt, sizeof(*by_id), cmp_doc_id);
	rc = db_query(
		db, &st,
		"SELECT r.doc_id, r.unit_id, u.name FROM doc_outgoing_recipients r JOIN units u ON u.id = r.unit_id "
		"JOIN doc_outgoing d ON d.id = r.doc_id WHERE d.agency_id = ? AND d.status >= 5 AND "
		"d.issued_day >= ? AND d.issued_day <= ? ORDER BY r.doc_id, r.unit_id",
		"iii", agency, (int64_t)from, (int64_t)to);
	for (; rc == DB_ROW; rc = db_step(st)) {
		struct doc_out key = { .id = db_col_int(st, 0) }, *kp = &key, **hit;
		struct doc_out *d;
		hit = bsearch(&kp, by_id, cnt, sizeof(*by_id), cmp_doc_id);
		if (!hit)
			continue;
		d = *hit;
		/* grow by one: a few units a document */
		{
			int64_t *ids = arena_alloc(a, (d->n_recipient_units + 1) * sizeof(*ids));
			const char **names = arena_alloc(a, (d->n_recipient_units + 1) * sizeof(*names));
			memcpy(ids, d->recipient_units, d->n_recipient_units * sizeof(*ids));
			memcpy(names, d->recipient_unit_names, d->n_recipient_units * sizeof(*names));
			ids[d->n_recipient_units] = db_col_int(st, 1);
			names[d->n_recipient_units] = col(a, st, 2);
			d->recipient_units = ids;
			d->recipient_unit_names = names;
			d->n_recipient_units++;
		}
	}
	if ((rc = finish(st, rc)))
		return rc;
	*out = list;
	*n = cnt;
	return 0;
}

static const char *ymd_text(struct arena *a, int32_t ymd)
{
	return ymd ? arena_printf(a, "%02d/%02d/%04d", ymd % 100, ymd / 100 % 100, ymd / 10000) : "";
}

void doc_out_register_cells(struct arena *a, const struct doc_out *d, const char *sep,
			    const char *cells[DOC_OUT_REG_COLS])
{
	const struct doc_type *t = doc_type(d->type);
	struct buf b = BUF_INIT;
	const char *note = "";

	cells[DOC_OUT_REG_SYMBOL] = d->symbol ? d->symbol : "";
	cells[DOC_OUT_REG_DATE] = ymd_text(a, d->issued_day);
	cells[DOC_OUT_REG_SUMMARY] =
		arena_printf(a, "%s: %s", t ? t->name : "", d->summary ? d->summary : "");
	cells[DOC_OUT_REG_SIGNER] = d->signer_name ? d->signer_name : "";
	/* the recipients as the document writes them; the motcua units when it writes none */
	for (const char *p = d->recipients ? d->recipients : ""; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (b.len)
			buf_adds(&b, sep);
		buf_add(&b, p, len);
		p += len + (e ? 1 : 0);
	}
	for (size_t i = 0; !(d->recipients && *d->recipients) && i < d->n_recipient_units; i++) {
		const char *name = d->recipient_unit_names ? d->recipient_unit_names[i] : "";
		if (!name || !*name)
			continue;
		if (b.len)
			buf_adds(&b, sep);
		buf_adds(&b, name);
	}
	cells[DOC_OUT_REG_TO] = arena_strdup(a, b.ptr);
	buf_release(&b);
	/* Decree 30/2020 appendix I: a copy is kept by the records office and one by the drafting unit */
	cells[DOC_OUT_REG_KEPT] =
		d->unit_id == d->agency_id ? "Văn thư" : arena_printf(a, "Văn thư;%s%s", sep, d->unit_name);
	cells[DOC_OUT_REG_COPIES] = d->copies > 0 ? arena_printf(a, "%d", d->copies) : "";
	cells[DOC_OUT_REG_SENT] = ymd_text(a, d->issued_day);
	cells[DOC_OUT_REG_RECEIVED] = "";
	if (d->status == DOC_OUT_WITHDRAWN)
		note = arena_printf(a, "Đã thu hồi ngày %s: %s", ymd_text(a, day_of(d->withdrawn_at)),
				    d->withdraw_reason ? d->withdraw_reason : "");
	if (d->urgency > DOC_URGENCY_NORMAL && doc_urgency_label(d->urgency))
		note = arena_printf(a, "%s%s%s", note, *note ? sep : "", doc_urgency_label(d->urgency));
	if (d->secrecy > DOC_SECRECY_NONE && doc_secrecy_label(d->secrecy))
		note = arena_printf(a, "%s%s%s", note, *note ? sep : "", doc_secrecy_label(d->secrecy));
	cells[DOC_OUT_REG_NOTE] = note;
}

static const char *str(const char *s)
{
	return s ? s : "";
}

/* "Từ ngày 01/11/2026 đến ngày 30/11/2026" */
static void period_text(char *out, size_t n, int32_t from, int32_t to)
{
	snprintf(out, n, "Từ ngày %02d/%02d/%04d đến ngày %02d/%02d/%04d", from % 100, from / 100 % 100,
		 from / 10000, to % 100, to / 100 % 100, to / 10000);
}

#define REG_W	   PDF_A4_H /* A4 landscape */
#define REG_H	   PDF_A4_W
#define REG_MARGIN (12 * PDF_MM)
#define REG_SZ	   8.0
#define REG_PAD	   2.5

/* The register to draw, and its page numbers ("Trang 2/5" in the bottom margin). */
struct reg {
	const struct doc_out *list;
	size_t n;
	const struct doc_out_register_site *s;
	int32_t from, to;
	struct pdf_pages pages;
};

static void reg_draw(struct pdf *p, void *arg)
{
	static const char *const numbers[DOC_OUT_REG_COLS] = { "(1)", "(2)", "(3)", "(4)", "(5)",
							       "(6)", "(7)", "(8)", "(9)", "(10)" };
	/* shares of the width left after the fixed columns */
	static const double weights[DOC_OUT_REG_COLS] = { 0, 0, 5, 1.6, 3, 1.6, 0, 0, 1.2, 1.6 };
	struct reg *r = arg;
	const struct doc_out *list = r->list;
	size_t n = r->n;
	const struct doc_out_register_site *s = r->s;
	int32_t from = r->from, to = r->to;
	const char *head[2 * DOC_OUT_REG_COLS];
	struct pdf_col cols[DOC_OUT_REG_COLS];
	struct pdf_table t = { cols, DOC_OUT_REG_COLS, 0, REG_SZ, REG_SZ, REG_PAD, head, 2 };
	double w = p->right - p->left, date_w, sym_w;
	char period[96];
	struct arena a;

	arena_init(&a);
	p->on_page = pdf_page_number;
	p->on_page_arg = &r->pages;
	pdf_page_number(p, &r->pages);
	date_w = pdf_text_width(p, "00/00/0000", REG_SZ, 0) + 2 * REG_PAD + 2;
	sym_w = pdf_text_width(p, "0000/LĐTBXH-UBND", REG_SZ, 0) + 2 * REG_PAD + 2;
	for (size_t i = 0; i < DOC_OUT_REG_COLS; i++) {
		head[i] = doc_out_register_heads[i];
		head[DOC_OUT_REG_COLS + i] = numbers[i];
		cols[i].flags = 0;
		cols[i].width = 0;
	}
	cols[DOC_OUT_REG_SYMBOL].width = sym_w;
	cols[DOC_OUT_REG_DATE].width = date_w;
	cols[DOC_OUT_REG_SENT].width = date_w;
	cols[DOC_OUT_REG_COPIES].width = pdf_text_width(p, "lượng bản", REG_SZ, PDF_BOLD) + 2 * REG_PAD + 2;
	cols[DOC_OUT_REG_DATE].flags = cols[DOC_OUT_REG_SENT].flags = cols[DOC_OUT_REG_COPIES].flags =
		PDF_CENTER;
	pdf_table_share(cols, DOC_OUT_REG_COLS, weights, w);

	/* the agency top left, the register's name and period centred */
	if (*str(s->parent))
		p->y += pdf_text_at(p, p->left, p->y, w * 0.4, s->parent, 10, PDF_CENTER);
	p->y += pdf_text_at(p, p->left, p->y, w * 0.4, str(s->agency), 10, PDF_CENTER | PDF_BOLD);
	pdf_line(p, p->left + w * 0.4 / 3, p->y + 2, p->left + w * 0.4 * 2 / 3, p->y + 2, 0.6);
	p->y += 10;
	pdf_para(p, 0, "SỔ ĐĂNG KÝ VĂN BẢN ĐI", 14, PDF_BOLD | PDF_CENTER);
	period_text(period, sizeof(period), from, to);
	pdf_para(p, 0, period, 10, PDF_ITALIC | PDF_CENTER);
	p->y += 8;
	pdf_table_head(p, &t);
	for (size_t i = 0; i < n; i++) {
		const char *cells[DOC_OUT_REG_COLS];
		doc_out_register_cells(&a, &list[i], "\n", cells);
		pdf_table_row(p, &t, cells);
	}
	if (!n) {
		const char *empty[DOC_OUT_REG_COLS] = { "", "", "Không có văn bản đi trong kỳ" };
		for (size_t i = 3; i < DOC_OUT_REG_COLS; i++)
			empty[i] = "";
		pdf_table_row(p, &t, empty);
	}
	arena_release(&a);
}

int doc_out_register_pdf(const struct doc_out *list, size_t n, const struct doc_out_register_site *s,
			 int32_t from, int32_t to, struct buf *out)
{
	struct reg r = { list, n, s, from, to, { 0, REG_SZ } };
	if ((n && !list) || !s || !out)
		return -1;
	/* a first pass counts the pages, for "Trang n/N" */
	return pdf_draw_counted(out, REG_W, REG_H, REG_MARGIN, "Sổ đăng ký văn bản đi", str(s->agency),
				&r.pages, reg_draw, &r);
}

int doc_out_register_xlsx(const struct doc_out *list, size_t n, const struct doc_out_register_site *s,
			  int32_t from, int32_t to, struct buf *out)
{
	static const double widths[DOC_OUT_REG_COLS] = { 16, 12, 50, 20, 32, 22, 9, 12, 12, 22 };
	char path[4096], period[96];
	lxw_workbook *wb;
	lxw_worksheet *ws;
	struct xlsx_register_formats f;
	lxw_error err = LXW_NO_ERROR;
	struct arena a;
	struct buf agency = BUF_INIT;
	const lxw_row_t first_row = 5;
	int rc = -1;

	if ((n && !list) || !s || !out)
		return -1;
	wb = xlsx_open("motcua-docout", path, sizeof(path));
	if (!wb) {
		log_error("event=doc_out_register_xlsx_tmp_failed errno=%d", errno);
		return -1;
	}
	arena_init(&a);
	ws = workbook_add_worksheet(wb, "Sổ văn bản đi");
	if (!ws) {
		xlsx_abandon(wb, path);
		goto out;
	}
	xlsx_register_formats(wb, &f);
	for (lxw_col_t c = 0; c < DOC_OUT_REG_COLS; c++)
		worksheet_set_column(ws, c, c, widths[c], NULL);
	if (*str(s->parent)) {
		buf_adds(&agency, s->parent);
		buf_adds(&agency, " - ");
	}
	buf_adds(&agency, str(s->agency));
	period_text(period, sizeof(period), from, to);
	xlsx_keep_err(&err, worksheet_merge_range(ws, 0, 0, 0, DOC_OUT_REG_COLS - 1, "SỔ ĐĂNG KÝ VĂN BẢN ĐI",
						  f.title));
	xlsx_keep_err(&err, worksheet_merge_range(ws, 1, 0, 1, DOC_OUT_REG_COLS - 1, agency.ptr, f.sub));
	xlsx_keep_err(&err, worksheet_merge_range(ws, 2, 0, 2, DOC_OUT_REG_COLS - 1, period, f.sub));
	worksheet_set_row(ws, 4, 45, NULL);
	for (lxw_col_t c = 0; c < DOC_OUT_REG_COLS; c++)
		xlsx_keep_err(&err, worksheet_write_string(ws, 4, c, doc_out_register_heads[c], f.head));
	for (size_t i = 0; i < n; i++) {
		const char *cells[DOC_OUT_REG_COLS];
		doc_out_register_cells(&a, &list[i], "\n", cells);
		/* every cell a string, so that "01/KH-UBND" and dates stay as written */
		for (lxw_col_t c = 0; c < DOC_OUT_REG_COLS; c++)
			xlsx_keep_err(&err,
				      worksheet_write_string(ws, first_row + (lxw_row_t)i, c, cells[c],
							     c == DOC_OUT_REG_DATE || c == DOC_OUT_REG_SENT ||
									     c == DOC_OUT_REG_COPIES
								     ? f.center
								     : f.cell));
	}
	xlsx_register_print(ws, 4, first_row);
	if (err != LXW_NO_ERROR) {
		log_error("event=doc_out_register_xlsx_failed error=%d", (int)err);
		xlsx_abandon(wb, path);
	} else if ((rc = xlsx_finish(wb, path, out))) {
		log_error("event=doc_out_register_xlsx_close_failed");
	}
out:
	arena_release(&a);
	buf_release(&agency);
	return rc;
}

/* ---- the demo ---- */

enum demo_state {
	DEMO_ISSUED = 0,
	DEMO_WITHDRAWN,
	DEMO_DRAFT,
	DEMO_REVIEW,
	DEMO_APPROVAL,
	DEMO_SIGNED,
};

#define DEMO_RECIPIENTS_WARDS                                                                                                                     \
	"Như trên;\nThường trực Quận ủy;\nThường trực HĐND quận;\nChủ tịch, các PCT UBND quận;\nUBND các phường;\n" \
	"Lưu: VT, TP."
#define DEMO_RECIPIENTS_CITY \
	"Sở Tư pháp thành phố Hà Nội;\nThường trực Quận ủy;\nChủ tịch UBND quận;\nLưu: VT, TP."
#define DEMO_RECIPIENTS_DEPTS \
	"Chủ tịch, các PCT UBND quận;\nCác phòng, ban, đơn vị thuộc quận;\nUBND các phường;\nLưu: VT, TP."

static const struct demo_doc {
	int type;
	const char *summary;
	const char *recipients;
	int to_wards; /* sent to the eleven wards (motcua units) too */
	int state;    /* enum demo_state */
	int by_head;  /* drafted by the head of the department rather than the specialist */
	int returned; /* returned once by the reviewer, then a second file */
	int urgency;  /* enum doc_urgency */
	int ward;     /* a document of Phường Nhân Chính */
} demo_docs[] = {
	{ 10, "Tuyên truyền, phổ biến, giáo dục pháp luật trên địa bàn quận Thanh Xuân năm 2027",
	  DEMO_RECIPIENTS_WARDS, 1, DEMO_ISSUED, 0, 1, 1, 0 },
	{ 2, "Về việc kiện toàn Hội đồng phối hợp phổ biến, giáo dục pháp luật quận Thanh Xuân",
	  "Như Điều 3;\nSở Tư pháp thành phố Hà Nội;\nThường trực Quận ủy;\nLưu: VT, TP.", 0, DEMO_ISSUED, 1,
	  0, 1, 0 },
	{ 18, "V/v rà soát, cập nhật dữ liệu hộ tịch trên Hệ thống thông tin đăng ký và quản lý hộ tịch",
	  "UBND các phường;\nLưu: VT, TP.", 1, DEMO_ISSUED, 0, 0, 2, 0 },
	{ 7,
	  "Kết luận của Phó Chủ tịch UBND quận tại buổi làm việc với Phòng Tư pháp về công tác tư pháp năm 2026",
	  DEMO_RECIPIENTS_DEPTS, 1, DEMO_ISSUED, 0, 0, 1, 0 },
	{ 10,
	  "Tổ chức các hoạt động hưởng ứng Ngày Pháp luật nước Cộng hòa xã hội chủ nghĩa Việt Nam năm 2026",
	  DEMO_RECIPIENTS_WARDS, 1, DEMO_ISSUED, 0, 0, 1, 0 },
	{ 2, "Về việc công nhận hòa giải viên ở cơ sở phường Khương Trung",
	  "Như Điều 3;\nUBND phường Khương Trung;\nLưu: VT, TP.", 0, DEMO_ISSUED, 0, 0, 1, 0 },
	{ 14, "Kết quả thực hiện công tác hòa giải ở cơ sở năm 2026", DEMO_RECIPIENTS_CITY, 0, DEMO_ISSUED, 1,
	  0, 1, 0 },
	{ 18, "V/v đôn đốc thực hiện chứng thực bản sao điện tử từ bản chính",
	  "UBND các phường;\nLưu: VT, TP.", 1, DEMO_ISSUED, 0, 1, 1, 0 },
	{ 2, "Về việc công bố danh mục thủ tục hành chính lĩnh vực hộ tịch thực hiện tại UBND các phường",
	  "Như Điều 3;\nVăn phòng UBND thành phố Hà Nội;\nLưu: VT, TP.", 1, DEMO_ISSUED, 0, 0, 1, 0 },
	{ 10, "Kiểm tra công tác hộ tịch, chứng thực tại UBND các phường năm 2026", DEMO_RECIPIENTS_WARDS, 1,
	  DEMO_ISSUED, 0, 0, 1, 0 },
	{ 18, "V/v góp ý dự thảo Nghị quyết của HĐND Thành phố về chính sách hỗ trợ hòa giải ở cơ sở",
	  "Sở Tư pháp thành phố Hà Nội;\nLưu: VT, TP.", 0, DEMO_ISSUED, 1, 0, 2, 0 },
	{ 23, "Dự Hội nghị tổng kết công tác tư pháp năm 2026", DEMO_RECIPIENTS_DEPTS, 1, DEMO_ISSUED, 0, 0,
	  1, 0 },
	{ 2, "Về việc thành lập Đoàn kiểm tra công tác tư pháp năm 2026",
	  "Như Điều 3;\nChủ tịch UBND quận;\nLưu: VT, TP.", 0, DEMO_ISSUED, 0, 0, 1, 0 },
	{ 7, "Lịch tiếp công dân định kỳ của lãnh đạo UBND quận tháng 12 năm 2026", DEMO_RECIPIENTS_DEPTS, 1,
	  DEMO_WITHDRAWN, 0, 0, 1, 0 },
	{ 14, "Tình hình thi hành pháp luật về xử lý vi phạm hành chính năm 2026", DEMO_RECIPIENTS_CITY, 0,
	  DEMO_ISSUED, 0, 0, 1, 0 },
	{ 18, "V/v báo cáo kết quả công tác tư pháp 11 tháng năm 2026", "UBND các phường;\nLưu: VT, TP.", 1,
	  DEMO_ISSUED, 0, 0, 3, 0 },
	{ 16, "Đề nghị phê duyệt kinh phí tổ chức Hội thi hòa giải viên giỏi quận Thanh Xuân năm 2026",
	  "Chủ tịch UBND quận;\nPhòng Tài chính - Kế hoạch;\nLưu: VT, TP.", 0, DEMO_ISSUED, 1, 0, 1, 0 },
	{ 2,
	  "Về việc khen thưởng tập thể, cá nhân có thành tích xuất sắc trong công tác hòa giải ở cơ sở năm 2026",
	  "Như Điều 3;\nPhòng Nội vụ;\nLưu: VT, TP.", 0, DEMO_ISSUED, 0, 1, 1, 0 },
	{ 9, "Công tác tư pháp năm 2027", DEMO_RECIPIENTS_WARDS, 1, DEMO_ISSUED, 1, 0, 1, 0 },
	{ 18, "V/v tăng cường công tác kiểm tra, rà soát văn bản quy phạm pháp luật",
	  "UBND các phường;\nLưu: VT, TP.", 1, DEMO_ISSUED, 0, 0, 1, 0 },
	{ 8, "Thực hiện đăng ký khai sinh, khai tử trực tuyến theo quy trình liên thông",
	  "UBND các phường;\nLưu: VT, TP.", 1, DEMO_ISSUED, 0, 0, 1, 0 },
	{ 10, "Theo dõi tình hình thi hành pháp luật về xử lý vi phạm hành chính năm 2027",
	  DEMO_RECIPIENTS_WARDS, 1, DEMO_ISSUED, 0, 0, 1, 0 },
	{ 14, "Công tác kiểm soát thủ tục hành chính quý IV năm 2026", DEMO_RECIPIENTS_CITY, 0, DEMO_ISSUED,
	  0, 0, 1, 0 },
	{ 2, "Về việc phê duyệt danh sách báo cáo viên pháp luật quận Thanh Xuân năm 2026",
	  "Như Điều 3;\nBan Tuyên giáo Quận ủy;\nLưu: VT, TP.", 0, DEMO_ISSUED, 0, 0, 1, 0 },
	{ 18, "V/v triển khai Luật Hộ tịch sửa đổi và các văn bản hướng dẫn thi hành",
	  "UBND các phường;\nLưu: VT, TP.", 1, DEMO_ISSUED, 0, 0, 1, 0 },
	{ 7, "Kết quả kiểm tra công tác chứng thực tại UBND phường Thượng Đình",
	  "UBND phường Thượng Đình;\nLưu: VT, TP.", 0, DEMO_ISSUED, 0, 0, 1, 0 },
	{ 14, "Kết quả công tác tư pháp năm 2026 và phương hướng, nhiệm vụ năm 2027", DEMO_RECIPIENTS_CITY, 0,
	  DEMO_ISSUED, 1, 0, 1, 0 },
	{ 10, "Tổ chức Ngày hội Đại đoàn kết toàn dân tộc năm 2026 tại các khu dân cư",
	  "Ban Công tác Mặt trận các khu dân cư;\nLưu: VT.", 0, DEMO_ISSUED, 0, 0, 1, 1 },
	{ 14, "Kết quả công tác hộ tịch, chứng thực 11 tháng năm 2026",
	  "Phòng Tư pháp quận Thanh Xuân;\nLưu: VT.", 0, DEMO_ISSUED, 0, 0, 1, 1 },
	/* still moving */
	{ 14, "Kết quả tự kiểm tra văn bản quy phạm pháp luật năm 2026", DEMO_RECIPIENTS_CITY, 0, DEMO_SIGNED,
	  0, 0, 1, 0 },
	{ 2, "Về việc ban hành Quy chế phối hợp trong công tác đăng ký, quản lý hộ tịch trên địa bàn quận",
	  "Như Điều 3;\nSở Tư pháp thành phố Hà Nội;\nLưu: VT, TP.", 1, DEMO_APPROVAL, 1, 0, 1, 0 },
	{ 18, "V/v cung cấp thông tin phục vụ tổng kết 5 năm thi hành Luật Tiếp cận thông tin",
	  "Các phòng, ban, đơn vị thuộc quận;\nLưu: VT, TP.", 0, DEMO_REVIEW, 0, 0, 1, 0 },
	{ 10, "Tổ chức Hội thi tìm hiểu pháp luật về đất đai năm 2027", DEMO_RECIPIENTS_WARDS, 1, DEMO_DRAFT,
	  0, 0, 1, 0 },
};

/* Append s to a PDF string literal, escaped, Vietnamese letters without their marks. */
static void pdf_literal(struct buf *b, const char *s)
{
	char *folded = xmalloc(strlen(s) + 1);
	if (fold_text(s, folded, strlen(s) + 1) < 0)
		folded[0] = '\0';
	buf_addch(b, '(');
	for (const char *p = folded; *p; p++) {
		if (*p == '(' || *p == ')' || *p == '\\')
			buf_addch(b, '\\');
		buf_addch(b, *p);
	}
	buf_addch(b, ')');
	free(folded);
}

/* The text lines of a demo file, wrapped at about 80 characters. */
static void demo_lines(const struct demo_doc *dd, int version, struct buf *stream)
{
	const struct doc_type *t = doc_type(dd->type);
	const char *s = dd->summary;
	char line[128];

	buf_adds(stream, "BT /F1 12 Tf 15 TL 72 770 Td ");
	pdf_literal(stream, dd->ward ? "UBND phuong Nhan Chinh" : "UBND quan Thanh Xuan");
	buf_adds(stream, " Tj T* T* ");
	pdf_literal(stream, t ? t->name : "");
	buf_adds(stream, " Tj T* ");
	while (*s) {
		size_t len = strlen(s), cut = len;
		if (len > 80) {
			cut = 80;
			while (cut > 40 && s[cut] != ' ')
				cut--;
		}
		snprintf(line, sizeof(line), "%.*s", (int)cut, s);
		pdf_literal(stream, line);
		buf_adds(stream, " Tj T* ");
		s += cut;
		while (*s == ' ')
			s++;
	}
	buf_adds(stream, "T* ");
	pdf_literal(stream, version > 1 ? "Du thao lan 2 - du lieu demo motcua" : "Du lieu demo motcua");
	buf_adds(stream, " Tj ET");
}

/* A one-page PDF of demo document i, file version `version`, with its cross-reference table. */
static void demo_pdf(size_t i, int version, struct buf *out)
{
	static const char *const objs[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
		"/Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	};
	struct buf stream = BUF_INIT;
	size_t off[5], xref;

	demo_lines(&demo_docs[i], version, &stream);
	buf_adds(out, "%PDF-1.4\n");
	for (size_t k = 0; k < N_ELEMS(objs); k++) {
		off[k] = out->len;
		buf_addf(out, "%zu 0 obj\n%s\nendobj\n", k + 1, objs[k]);
	}
	off[4] = out->len;
	buf_addf(out, "5 0 obj\n<< /Length %zu >>\nstream\n%s\nendstream\nendobj\n", stream.len, stream.ptr);
	xref = out->len;
	buf_adds(out, "xref\n0 6\n0000000000 65535 f \n");
	for (size_t k = 0; k < 5; k++)
		buf_addf(out, "%010zu 00000 n \n", off[k]);
	buf_addf(out, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
	buf_release(&stream);
}

int doc_outgoing_demo_files(const char *data_dir)
{
	for (size_t i = 0; i < N_ELEMS(demo_docs); i++)
		for (int v = 1; v <= (demo_docs[i].returned ? 2 : 1); v++) {
			struct buf pdf = BUF_INIT;
			char sha[65];
			int rc;
			demo_pdf(i, v, &pdf);
			rc = files_store_bytes(data_dir, pdf.ptr, pdf.len, sha);
			buf_release(&pdf);
			if (rc)
				return -1;
		}
	return 0;
}

/* The demo file's description (its SHA-256 as files_store_bytes names it), in the arena. */
static void demo_file(struct arena *a, size_t i, int version, int64_t by, struct doc_out_file *f)
{
	struct buf pdf = BUF_INIT;
	unsigned char h[crypto_hash_sha256_BYTES];
	char *sha = arena_alloc(a, 65);
	demo_pdf(i, version, &pdf);
	crypto_hash_sha256(h, (const unsigned char *)pdf.ptr, pdf.len);
	sodium_bin2hex(sha, 65, h, sizeof(h));
	memset(f, 0, sizeof(*f));
	f->sha = sha;
	f->name = version > 1 ? arena_printf(a, "du-thao-%zu-lan-2.pdf", i + 1)
			      : arena_printf(a, "du-thao-%zu.pdf", i + 1);
	f->mime = "application/pdf";
	f->size = (int64_t)pdf.len;
	f->uploaded_by = by;
	buf_release(&pdf);
}

struct demo_people {
	int64_t specialist, head, leader, clerk, ward_specialist, ward_chair;
	const char *specialist_name, *head_name, *leader_name, *clerk_name, *ward_specialist_name,
		*ward_chair_name;
	int64_t district, dept, ward, wards[11];
};

static int demo_account(struct db *db, struct arena *a, const char *username, int64_t *id, const char **name)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT id, full_name FROM accounts WHERE username = ?", "s", username);
	*id = 0;
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		*name = col(a, st, 1);
	}
	return finish(st, rc);
}

static int64_t unit_by_code(struct db *db, const char *code)
{
	struct db_stmt *st;
	int64_t id = 0;
	int rc = db_query(db, &st, "SELECT id FROM units WHERE agency_code = ?", "s", code);
	if (rc == DB_ROW)
		id = db_col_int(st, 0);
	rc = finish(st, rc);
	return rc < 0 ? rc : id;
}

/* The instant of minute m of local day ymd. */
static int64_t at_minute(int32_t ymd, int m)
{
	return day_start(ymd) + (int64_t)m * 60;
}

static int demo_step(struct db *db, int64_t id, int action, int64_t account, const char *name,
		     const char *note, int64_t now)
{
	struct doc_out_step s = { 0 };
	struct doc_out_done done;
	int rc;
	s.action = action;
	s.account = account;
	s.name = name;
	s.note = note;
	rc = doc_out_apply(db, id, &s, now, &done);
	if (rc > 0) {
		log_error("event=doc_out_demo_step doc=%lld action=%d rc=%d", (long long)id, action, rc);
		return DB_ERROR;
	}
	return rc;
}

/* One demo document through its life: made on day c, signed on day s, issued on day i. */
static int demo_one(struct db *db, struct arena *a, const struct demo_people *pp, size_t k, int32_t c,
		    int32_t s, int32_t iday, int minute)
{
	const struct demo_doc *dd = &demo_docs[k];
	struct doc_out d = { 0 };
	struct doc_out_file f;
	struct doc_out_step st = { 0 };
	struct doc_out_done done;
	int64_t drafter = dd->ward ? pp->ward_specialist : dd->by_head ? pp->head : pp->specialist;
	const char *drafter_name = dd->ward	 ? pp->ward_specialist_name
				   : dd->by_head ? pp->head_name
						 : pp->specialist_name;
	int64_t reviewer = dd->ward ? pp->ward_chair : pp->head,
		signer = dd->ward ? pp->ward_chair : pp->leader;
	const char *reviewer_name = dd->ward ? pp->ward_chair_name : pp->head_name;
	const char *signer_name = dd->ward ? pp->ward_chair_name : pp->leader_name;
	int rc;

	d.agency_id = dd->ward ? pp->ward : pp->district;
	d.unit_id = dd->ward ? pp->ward : pp->dept;
	d.type = dd->type;
	d.summary = dd->summary;
	d.recipients = dd->recipients;
	d.urgency = dd->urgency;
	d.secrecy = DOC_SECRECY_NONE;
	d.drafter_id = drafter;
	if (dd->to_wards) {
		d.recipient_units = pp->wards;
		d.n_recipient_units = N_ELEMS(pp->wards);
	}
	demo_file(a, k, 1, drafter, &f);
	if ((rc = doc_out_create(db, &d, &f, drafter_name, at_minute(c, 8 * 60 + minute))))
		return rc;
	if (dd->state == DEMO_DRAFT)
		return 0;
	if ((rc = demo_step(db, d.id, DOC_OUT_SUBMIT, drafter, drafter_name, "",
			    at_minute(c, 9 * 60 + minute))))
		return rc;
	if (dd->returned) {
		rc = demo_step(db, d.id, DOC_OUT_COMMENT, reviewer, reviewer_name,
			       "Đề nghị bổ sung căn cứ pháp lý và thời gian thực hiện cụ thể.",
			       at_minute(c, 10 * 60 + minute));
		if (!rc)
			rc = demo_step(db, d.id, DOC_OUT_RETURN, reviewer, reviewer_name,
				       "Chỉnh sửa theo ý kiến góp ý, bổ sung nơi nhận.",
				       at_minute(c, 10 * 60 + 10 + minute));
		if (!rc) {
			demo_file(a, k, 2, drafter, &f);
			rc = doc_out_update(db, &d, &f, drafter, drafter_name,
					    at_minute(c, 13 * 60 + 30 + minute));
		}
		if (!rc)
			rc = demo_step(db, d.id, DOC_OUT_SUBMIT, drafter, drafter_name, "",
				       at_minute(c, 14 * 60 + minute));
		if (rc)
			return rc;
	}
	if (dd->state == DEMO_REVIEW)
		return 0;
	if ((rc = demo_step(db, d.id, DOC_OUT_FORWARD, reviewer, reviewer_name,
			    "Kính trình lãnh đạo xem xét, ký ban hành.", at_minute(s, 8 * 60 + 30 + minute))))
		return rc;
	if (dd->state == DEMO_APPROVAL)
		return 0;
	st.action = DOC_OUT_SIGN;
	st.account = signer;
	st.name = signer_name;
	rc = doc_out_apply(db, d.id, &st, at_minute(s, 10 * 60 + minute), &done);
	if (rc)
		return rc > 0 ? DB_ERROR : rc;
	if (dd->state == DEMO_SIGNED || done.numbered)
		return 0;
	st.action = DOC_OUT_ISSUE;
	st.account = dd->ward ? 0 : pp->clerk;
	st.name = dd->ward ? "" : pp->clerk_name;
	st.issue_day = iday;
	/* numbers follow the order of issue: one minute apart at least */
	rc = doc_out_apply(db, d.id, &st, at_minute(iday, 15 * 60 + (int)k), &done);
	if (rc)
		return rc > 0 ? DB_ERROR : rc;
	if (dd->state == DEMO_WITHDRAWN)
		rc = demo_step(db, d.id, DOC_OUT_WITHDRAW, pp->clerk, pp->clerk_name,
			       "Thay đổi lịch tiếp công dân; sẽ ban hành thông báo thay thế.",
			       at_minute(iday, 16 * 60 + 30 + (int)k));
	return rc;
}

int doc_outgoing_demo(struct db *db, int64_t now)
{
	struct demo_people pp = { 0 };
	const struct calendar *cal;
	struct arena a;
	struct db_stmt *st;
	int32_t days[40];
	size_t ndays = 0, issued = 0;
	int64_t d;
	int rc, any;

	rc = db_query(db, &st, "SELECT 1 FROM doc_outgoing LIMIT 1", "");
	any = rc == DB_ROW;
	if ((rc = finish(st, rc)) || any)
		return rc;
	arena_init(&a);
	if ((rc = demo_account(db, &a, "chuyenvien", &pp.specialist, &pp.specialist_name)) ||
	    (rc = demo_account(db, &a, "truongphong", &pp.head, &pp.head_name)) ||
	    (rc = demo_account(db, &a, "lanhdao", &pp.leader, &pp.leader_name)) ||
	    (rc = demo_account(db, &a, "vanthu", &pp.clerk, &pp.clerk_name)) ||
	    (rc = demo_account(db, &a, "tuphap.nhanchinh", &pp.ward_specialist, &pp.ward_specialist_name)) ||
	    (rc = demo_account(db, &a, "chutich.nhanchinh", &pp.ward_chair, &pp.ward_chair_name)))
		goto out;
	pp.district = unit_by_code(db, "000.00.15.H26");
	pp.dept = unit_by_code(db, "002.15.00.H26");
	pp.ward = unit_by_code(db, "000.01.15.H26");
	for (size_t i = 0; i < N_ELEMS(pp.wards); i++) {
		char code[16];
		snprintf(code, sizeof(code), "000.%02zu.15.H26", i + 1);
		pp.wards[i] = unit_by_code(db, code);
		if (pp.wards[i] <= 0)
			goto out;
	}
	if (!pp.specialist || !pp.head || !pp.leader || !pp.clerk || !pp.ward_specialist || !pp.ward_chair ||
	    pp.district <= 0 || pp.dept <= 0 || pp.ward <= 0)
		goto out;
	/* the working days before today, oldest first */
	if (!(cal = calendar_current(db))) {
		rc = DB_ERROR;
		goto out;
	}
	d = day_number(day_of(now)) - 1;
	while (ndays < N_ELEMS(days)) {
		if (cal_is_working_day(cal, (int32_t)d))
			days[N_ELEMS(days) - 1 - ndays++] = day_ymd(d);
		d--;
	}
	for (size_t k = 0; !rc && k < N_ELEMS(demo_docs); k++) {
		const struct demo_doc *dd = &demo_docs[k];
		int minute = (int)(k % 4) * 12;
		/* the issued ones one or two a working day over the last five weeks; the others lately */
		size_t i = dd->state <= DEMO_WITHDRAWN ? 12 + issued++ * 26 / 30 : N_ELEMS(days) - 1;
		int32_t made = days[i - 2], signed_day = k % 2 ? days[i - 1] : days[i];
		if (dd->state > DEMO_WITHDRAWN)
			made = days[i - 1], signed_day = days[i];
		rc = demo_one(db, &a, &pp, k, made, signed_day, days[i], minute);
	}
	/* the head of Phòng Tư pháp signs its công văn by order of the chairman */
	if (!rc) {
		int64_t order;
		rc = doc_sign_order_add(db, pp.district, pp.dept, DOC_TYPE_CONG_VAN,
					"Quy chế làm việc của UBND quận (dữ liệu mẫu)", pp.leader,
					day_start(days[0]) + 8 * 3600, &order);
	}
	if (!rc)
		rc = audit_append(db, "cli", "doc_out.demo", "demo",
				  arena_printf(&a, "{\"documents\":%zu}", N_ELEMS(demo_docs)));
out:
	arena_release(&a);
	return rc;
}
