/*
 * doc_exchange.c: documents exchanged between agencies as edXML: the delivery recorded on issue and
 * made after the commit, the inbox, the statuses back, the statuses taken from outside, the outbox.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/i18n.h"
#include "core/log.h"
#include "features/audit.h"
#include "features/authz.h"
#include "features/doc_exchange.h"
#include "features/doc_outgoing.h"
#include "features/files.h"
#include "features/org.h"
#include "rules/document.h"
#include "store/counter.h"
#include "core/banned.h"

/* The status messages' descriptions: for the other agency's people, in Vietnamese whatever the UI language.
 */
#define DESC_ARRIVED "Văn bản điện tử đã đến, chờ văn thư vào sổ"

static int finish(struct db_stmt *st, int rc)
{
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : 0;
}

static const char *col(struct arena *a, struct db_stmt *st, int i)
{
	const char *s = db_col_text(st, i);
	return arena_strdup(a, s ? s : "");
}

static int cmp_id(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return a < b ? -1 : a > b;
}

/* ---- labels ---- */

static const char *const state_names[] = { NULL, "arrived", "registered", "refused" };

const char *doc_inbox_state_name(int state)
{
	return state >= DOC_INBOX_ARRIVED && state <= DOC_INBOX_REFUSED ? state_names[state] : NULL;
}

int doc_inbox_state_from_name(const char *name)
{
	for (int s = DOC_INBOX_ARRIVED; name && s <= DOC_INBOX_REFUSED; s++)
		if (!strcmp(name, state_names[s]))
			return s;
	return 0;
}

const char *doc_inbox_state_label(int state)
{
	switch (state) {
	case DOC_INBOX_ARRIVED: return N_("Waiting to be registered");
	case DOC_INBOX_REGISTERED: return N_("Registered");
	case DOC_INBOX_REFUSED: return N_("Refused");
	default: return "";
	}
}

const char *doc_exchange_status_label(int code)
{
	switch (code) {
	case EDXML_ST_ARRIVED: return N_("Arrived, not registered yet");
	case EDXML_ST_REFUSED: return N_("Refused");
	case EDXML_ST_ACCEPTED: return N_("Registered");
	case EDXML_ST_ASSIGNED: return N_("Assigned");
	case EDXML_ST_IN_PROGRESS: return N_("Being handled");
	case EDXML_ST_DONE: return N_("Handled");
	case EDXML_ST_RECALL_ASKED: return N_("Asked back by the sender");
	case EDXML_ST_RECALL_AGREED: return N_("Given back");
	case EDXML_ST_RECALL_REFUSED: return N_("Not given back");
	default: return NULL;
	}
}

/* ---- organs ---- */

/* "UBND quận Thanh Xuân" for a governing unit named "Quận Thanh Xuân"; other units as named. */
static const char *organ_name(struct arena *a, const char *kind, const char *name)
{
	char *s;
	if (!unit_kind_level(kind) || !*name)
		return arena_strdup(a, name);
	s = arena_printf(a, "UBND %s", name);
	if (s[5] >= 'A' && s[5] <= 'Z')
		s[5] = (char)(s[5] - 'A' + 'a');
	return s;
}

int doc_exchange_organ(struct db *db, struct arena *a, int64_t unit, struct edxml_organ *out)
{
	struct unit u, p;
	int rc = org_unit_load(db, a, unit, &u);
	memset(out, 0, sizeof(*out));
	if (rc)
		return rc < 0 ? rc : DOC_EX_NOT_FOUND;
	out->id = u.agency_code;
	out->name = organ_name(a, u.kind, u.name);
	if (u.parent_id) {
		rc = org_unit_load(db, a, u.parent_id, &p);
		if (rc < 0)
			return rc;
		if (!rc)
			out->in_charge = organ_name(a, p.kind, p.name);
	}
	return 0;
}

const char *doc_exchange_place(struct arena *a, const char *agency_name)
{
	static const char *const prefixes[] = { "Thành phố ", "Thị xã ", "Thị trấn ", "Quận ",
						"Huyện ",     "Phường ", "Xã ",	      "Tỉnh ",
						"thành phố ", "thị xã ", "thị trấn ", "quận ",
						"huyện ",     "phường ", "xã ",	      "tỉnh " };
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);
		if (!strncmp(agency_name, prefixes[i], n) && agency_name[n])
			return arena_strdup(a, agency_name + n);
	}
	return arena_strdup(a, agency_name);
}

/* The unit with agency code `code`: its id, and whether it is an active governing unit (an agency). */
static int unit_by_code(struct db *db, const char *code, int64_t *id, int *agency)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT id, kind, active FROM units WHERE agency_code = ?", "s", code);
	*id = 0;
	*agency = 0;
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		*agency = unit_kind_level(db_col_text(st, 1)) && db_col_int(st, 2) == 1;
	}
	return finish(st, rc);
}

/* ---- building ---- */

/* The notation's lines of authority (all but the title, the last one) on one line. */
static const char *competence_of(struct arena *a, const char *notation)
{
	const char *last = strrchr(notation, '\n');
	size_t n, k = 0;
	char *s;
	if (!last)
		return "";
	n = (size_t)(last - notation);
	s = arena_alloc(a, 2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		if (notation[i] == '\n') {
			s[k++] = ',';
			s[k++] = ' ';
		} else if (notation[i] != '\r') {
			s[k++] = notation[i];
		}
	}
	s[k] = '\0';
	return s;
}

/* The non-empty lines of text into an arena array (at most max). */
static size_t lines_of(struct arena *a, const char *text, const char ***out, size_t max)
{
	size_t n = 0, cap = 1;
	const char **v;
	for (const char *p = text; *p; p++)
		cap += *p == '\n';
	v = arena_calloc(a, cap, sizeof(*v));
	for (const char *p = text; *p && n < max;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		while (len && (p[len - 1] == '\r' || p[len - 1] == ' '))
			len--;
		if (len)
			v[n++] = arena_strndup(a, p, len);
		p = e ? e + 1 : p + strlen(p);
	}
	*out = v;
	return n;
}

/* The whole file at path (at most max bytes) into out: 0, 1 when larger, -1 with errno. */
static int read_file(const char *path, size_t max, struct buf *out)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = -1;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		goto out;
	if ((uint64_t)st.st_size > max) {
		rc = 1;
		goto out;
	}
	if (buf_grow(out, (size_t)st.st_size + 1))
		goto out;
	for (;;) {
		char chunk[65536];
		ssize_t r = read(fd, chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto out;
		if (r == 0)
			break;
		if (out->len + (size_t)r > max) {
			rc = 1;
			goto out;
		}
		if (buf_add(out, chunk, (size_t)r))
			goto out;
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

/*
 * The message's header (all but the file) of issued outgoing document `out_id` into *e, the
 * document into *d. *agencies and *n the recipient agencies of this system (sorted); with
 * `deliver`, nothing more is done when there is none (0, *n 0, e->nto 0). DOC_EX_NOT_FOUND,
 * DOC_EX_REFUSED with *why (no recipient, edxml_check: a secret document), or <0.
 */
static int build_header(struct db *db, struct arena *a, int64_t out_id, int deliver, struct doc_out *d,
			struct edxml_doc *e, int64_t **agencies, size_t *n, const char **why)
{
	struct unit_tree t;
	struct edxml_organ *to;
	const char *slash, **places;
	int64_t *ags;
	size_t nag = 0, nto = 0;
	int rc;

	*why = NULL;
	*agencies = NULL;
	*n = 0;
	memset(e, 0, sizeof(*e));
	if ((rc = doc_out_load_issued(db, a, out_id, d)))
		return rc < 0 ? rc : DOC_EX_NOT_FOUND;
	if ((rc = unit_tree_load(db, a, &t)))
		return rc;
	/* To: the agencies of the recipient units, each once, not the issuing agency itself */
	ags = arena_calloc(a, d->n_recipient_units + 1, sizeof(*ags));
	to = arena_calloc(a, d->n_recipient_units + 1, sizeof(*to));
	for (size_t i = 0; i < d->n_recipient_units; i++) {
		int64_t ag = unit_tree_agency(&t, d->recipient_units[i]);
		long k = ag ? unit_tree_find(&t, ag) : -1;
		int seen = 0;
		if (k < 0 || !t.active[k] || ag == d->agency_id)
			continue;
		for (size_t j = 0; j < nag; j++)
			seen |= ags[j] == ag;
		if (!seen)
			ags[nag++] = ag;
	}
	qsort(ags, nag, sizeof(*ags), cmp_id);
	*agencies = ags;
	*n = nag;
	if (deliver && !nag)
		return 0;
	for (size_t i = 0; i < nag; i++)
		if ((rc = doc_exchange_organ(db, a, ags[i], &to[nto])) < 0)
			return rc;
		else if (!rc)
			nto++;
	/* for an export, a document to units of its own agency names them */
	for (size_t i = 0; !nag && i < d->n_recipient_units; i++)
		if (d->recipient_units[i] != d->agency_id) {
			if ((rc = doc_exchange_organ(db, a, d->recipient_units[i], &to[nto])) < 0)
				return rc;
			if (!rc)
				nto++;
		}
	if (!nto) {
		*why = N_("the document names no recipient unit of this system");
		return DOC_EX_REFUSED;
	}
	if ((rc = doc_exchange_organ(db, a, d->agency_id, &e->from)))
		return rc < 0 ? rc : DOC_EX_NOT_FOUND;
	e->to = to;
	e->nto = nto;
	/* "147/KH-UBND": number 147, notation KH-UBND */
	slash = strchr(d->symbol, '/');
	if (slash) {
		e->code_number = arena_strndup(a, d->symbol, (size_t)(slash - d->symbol));
		e->code_notation = slash + 1;
	} else {
		e->code_number = arena_printf(a, "%02lld", (long long)d->number);
		e->code_notation = d->symbol;
	}
	e->place = doc_exchange_place(a, d->agency_name);
	e->date = d->issued_day;
	e->type = d->type;
	e->subject = d->summary;
	e->signer_competence = competence_of(a, d->sign_notation);
	e->signer_position = d->signer_title;
	e->signer_name = d->signer_name;
	e->urgency = d->urgency;
	e->secrecy = d->secrecy;
	e->nplaces = lines_of(a, d->recipients, &places, EDXML_TO_MAX);
	e->to_places = places;
	e->sent_at = d->issued_at;
	/* a secret document is refused before its file is even read */
	if ((*why = edxml_check(e, NULL, 0)))
		return DOC_EX_REFUSED;
	return 0;
}

/* doc_exchange_build; with `deliver`, nothing is built (0, *n 0) when no agency of this system is a
 * recipient. */
static int build(struct db *db, struct arena *a, const char *data_dir, int64_t out_id, int deliver,
		 struct buf *xml, int64_t **agencies, size_t *n, const char **why)
{
	struct doc_out d;
	struct edxml_doc e;
	struct edxml_file f;
	struct buf file = BUF_INIT;
	const char *sha;
	char path[512];
	int64_t *ags = NULL;
	size_t nag = 0;
	int rc;

	memset(&f, 0, sizeof(f));
	rc = build_header(db, a, out_id, deliver, &d, &e, &ags, &nag, why);
	if (agencies)
		*agencies = ags;
	if (n)
		*n = nag;
	if (rc || (deliver && !nag))
		return rc;
	sha = *d.signed_sha ? d.signed_sha : d.file.sha;
	buf_init(&file, EDXML_FILE_MAX + 1);
	if (files_path(data_dir, sha, path, sizeof(path)) || (rc = read_file(path, EDXML_FILE_MAX, &file))) {
		int saved = errno;
		buf_release(&file);
		if (rc > 0) {
			*why = N_("an attached file is too large");
			return DOC_EX_REFUSED;
		}
		log_error("event=doc_exchange_build out=%lld msg=\"file not read\" err=\"%s\"",
			  (long long)out_id, strerror(saved));
		*why = N_("the signed file could not be read from the file store");
		errno = saved;
		return DOC_EX_IO;
	}
	f.name = d.file.name;
	f.mime = d.file.mime;
	f.data = (const unsigned char *)file.ptr;
	f.len = file.len;
	if ((*why = edxml_check(&e, &f, 1))) {
		rc = DOC_EX_REFUSED;
	} else if (edxml_build(&e, &f, 1, xml)) {
		*why = N_("the edXML message is too large");
		rc = DOC_EX_REFUSED;
	}
	buf_release(&file);
	return rc;
}

int doc_exchange_build(struct db *db, struct arena *a, const char *data_dir, int64_t out_id, struct buf *xml,
		       int64_t **agencies, size_t *n, const char **why)
{
	return build(db, a, data_dir, out_id, 0, xml, agencies, n, why);
}

/* ---- deliveries ---- */

/* The delays before the attempts after the first (seconds): a minute, 5, 15, an hour. */
static const int64_t retry_after[DOC_EX_DELIVERY_ATTEMPTS - 1] = { 60, 300, 900, 3600 };

int doc_exchange_queue(struct db *db, struct arena *a, int64_t out_id, int64_t now, int64_t **agencies,
		       size_t *n, const char **why)
{
	struct doc_out d;
	struct edxml_doc e;
	int rc = build_header(db, a, out_id, 1, &d, &e, agencies, n, why);
	if (rc == DOC_EX_REFUSED) /* not sent (a secret document): nothing recorded */
		return 0;
	*why = NULL;
	if (rc || !*n)
		return rc;
	return db_exec(
		db,
		"INSERT INTO doc_exchange_deliveries (out_doc_id, state, agencies, attempts, next_at, "
		"lease_owner, lease_until, created_at, sent_at, error) VALUES (?, 1, ?, 0, ?, '', 0, ?, 0, "
		"'')",
		"iiii", out_id, (int64_t)*n, now, now);
}

int doc_exchange_delivery_get(struct db *db, struct arena *a, int64_t out_id,
			      struct doc_exchange_delivery *out)
{
	struct db_stmt *st;
	int rc = db_query(
		db, &st,
		"SELECT state, agencies, attempts, next_at, created_at, sent_at, error, lease_until FROM "
		"doc_exchange_deliveries WHERE out_doc_id = ?",
		"i", out_id);
	int found = rc == DB_ROW;
	memset(out, 0, sizeof(*out));
	if (found) {
		out->state = (int)db_col_int(st, 0);
		out->agencies = (int)db_col_int(st, 1);
		out->attempts = (int)db_col_int(st, 2);
		out->next_at = db_col_int(st, 3);
		out->created_at = db_col_int(st, 4);
		out->sent_at = db_col_int(st, 5);
		out->error = col(a, st, 6);
		out->lease_until = db_col_int(st, 7);
	}
	if ((rc = finish(st, rc)))
		return rc;
	return found ? 0 : DOC_EX_NOT_FOUND;
}

static int msg_keep(const char *data_dir, struct doc_exchange_msg *m);

/* A new lease owner: 32 random hex digits. */
static void lease_owner(char out[33])
{
	unsigned char r[16];
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(out, 33, r, sizeof(r));
}

/*
 * Attempt `attempt` of job `out_id` (held by `owner`) failed for `why`: waiting again after its
 * delay, or failed for good after the last attempt or when `final`; the audit chain has the
 * failure. In its own transaction. 0 or <0.
 */
static int delivery_failed(struct db *db, int64_t out_id, const char *owner, int attempt, const char *why,
			   int final, int64_t now)
{
	int give_up = final || attempt >= DOC_EX_DELIVERY_ATTEMPTS;
	int64_t next =
		now + retry_after[attempt >= 1 && attempt <= DOC_EX_DELIVERY_ATTEMPTS - 1 ? attempt - 1 : 0];
	char object[48];
	int rc;

	log_warn("event=doc_exchange_delivery out=%lld attempt=%d final=%d why=\"%s\"", (long long)out_id,
		 attempt, give_up, why);
	if ((rc = db_begin(db)))
		return rc;
	rc = db_exec(
		db,
		"UPDATE doc_exchange_deliveries SET state = ?, error = ?, next_at = ?, lease_until = 0 WHERE "
		"out_doc_id = ? AND state = 1 AND lease_owner = ?",
		"isiis", (int64_t)(give_up ? DOC_DELIVERY_FAILED : DOC_DELIVERY_WAITING), why,
		give_up ? now : next, out_id, owner);
	if (!rc && db_changes(db) == 1 && give_up) {
		json_t *detail = json_pack("{s:s,s:i}", "why", why, "attempts", attempt);
		char *text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(detail);
		snprintf(object, sizeof(object), "doc_out:%lld", (long long)out_id);
		rc = text ? audit_append(db, "system", "document.exchange.failed", object, text) : DB_ERROR;
		free(text);
	}
	if (rc || (rc = db_commit(db)))
		db_rollback(db);
	return rc;
}

/*
 * Deliver job `out_id`, due at `now`: claim it (a guarded UPDATE taking the lease: 0 when another
 * server has it or it is no longer due), build and read back its message and keep it in the store
 * outside any transaction, then in one transaction mark it sent (guarded by the lease again) and
 * put the message into each recipient agency's inbox. 1 when delivered or given up, 0 when not
 * ours or tried again later, <0 on a database error.
 */
static int deliver_one(struct db *db, const char *data_dir, int64_t out_id, int64_t now)
{
	struct arena a;
	struct buf xml = BUF_INIT;
	struct doc_exchange_msg m;
	struct db_stmt *st;
	const char *why = NULL;
	char owner[33], object[48];
	int64_t *ags = NULL, *inbox;
	size_t n = 0;
	int rc, attempt = 0, status = 0, final = 0;
	json_t *to, *entries, *detail;
	char *text;

	lease_owner(owner);
	if ((rc = db_begin(db)))
		return rc;
	rc = db_exec(
		db,
		"UPDATE doc_exchange_deliveries SET attempts = attempts + 1, lease_owner = ?, lease_until = ? "
		"WHERE out_doc_id = ? AND state = 1 AND next_at <= ? AND lease_until <= ?",
		"siiii", owner, now + DOC_EX_LEASE, out_id, now, now);
	if (!rc && db_changes(db) != 1) {
		db_rollback(db);
		return 0;
	}
	if (!rc) {
		rc = db_query(
			db, &st,
			"SELECT d.attempts, o.status FROM doc_exchange_deliveries d JOIN doc_outgoing o ON "
			"o.id = d.out_doc_id WHERE d.out_doc_id = ?",
			"i", out_id);
		if (rc == DB_ROW) {
			attempt = (int)db_col_int(st, 0);
			status = (int)db_col_int(st, 1);
		}
		rc = finish(st, rc);
	}
	if (rc || (rc = db_commit(db))) {
		db_rollback(db);
		return rc;
	}

	arena_init(&a);
	buf_init(&xml, EDXML_MAX);
	if (status != DOC_OUT_ISSUED) {
		why = N_("the document was withdrawn before it was sent");
		final = 1;
		goto failed;
	}
	rc = build(db, &a, data_dir, out_id, 1, &xml, &ags, &n, &why);
	if (rc < 0)
		goto out;
	if (rc == DOC_EX_IO)
		goto failed;
	if (rc) { /* refused (too large, no longer complete): the same next time */
		if (!why)
			why = N_("the document cannot be sent electronically");
		final = 1;
		goto failed;
	}
	if (n && doc_exchange_parse(&a, xml.ptr, xml.len, &m, &why)) {
		log_error("event=doc_exchange_delivery out=%lld msg=\"own message refused\" why=\"%s\"",
			  (long long)out_id, why);
		final = 1;
		goto failed;
	}
	/* the files and the message on disk before the transaction, which only names them */
	if (n && msg_keep(data_dir, &m)) {
		log_error("event=doc_exchange_delivery out=%lld msg=\"message not kept\" err=\"%s\"",
			  (long long)out_id, strerror(errno));
		why = N_("the message could not be written to the file store");
		goto failed;
	}

	inbox = arena_calloc(&a, n + 1, sizeof(*inbox));
	if ((rc = db_begin(db)))
		goto out;
	rc = db_exec(
		db,
		"UPDATE doc_exchange_deliveries SET state = 2, sent_at = ?, error = '', lease_until = 0 WHERE "
		"out_doc_id = ? AND state = 1 AND lease_owner = ?",
		"iis", now, out_id, owner);
	if (!rc && db_changes(db) != 1) {
		/* the lease ran out and another server took it: it delivers */
		db_rollback(db);
		rc = 0;
		goto out;
	}
	for (size_t i = 0; !rc && i < n; i++) {
		rc = doc_exchange_receive(db, data_dir, &m, ags[i], 0, now, &inbox[i], &why);
		if (rc == DOC_EX_DUPLICATE) { /* it had it already (imported by hand) */
			inbox[i] = 0;
			rc = 0;
		}
	}
	if (!rc) {
		to = json_array();
		entries = json_array();
		for (size_t i = 0; i < n; i++) {
			json_array_append_new(to, json_integer(ags[i]));
			json_array_append_new(entries, inbox[i] ? json_integer(inbox[i]) : json_null());
		}
		detail = json_pack("{s:o,s:o,s:i,s:s}", "agencies", to, "inbox", entries, "attempt", attempt,
				   "message_sha256", n ? m.sha : "");
		text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		json_decref(detail);
		snprintf(object, sizeof(object), "doc_out:%lld", (long long)out_id);
		rc = text ? audit_append(db, "system", "document.exchange.delivered", object, text)
			  : DB_ERROR;
		free(text);
	}
	if (!rc && !(rc = db_commit(db))) {
		log_info("event=doc_exchange_delivery out=%lld agencies=%zu attempt=%d msg=delivered",
			 (long long)out_id, n, attempt);
		rc = 1;
		goto out;
	}
	if (rc == DOC_EX_IO) {
		why = N_("the message could not be written to the file store");
	} else if (rc == DOC_EX_REFUSED) {
		final = 1; /* not addressed to a recipient: the same next time */
	} else {
		log_error("event=doc_exchange_delivery out=%lld rc=%d msg=\"database error\" err=\"%s\"",
			  (long long)out_id, rc, db_errmsg(db));
		why = N_("the database did not answer");
	}
	db_rollback(db);
failed:
	rc = delivery_failed(db, out_id, owner, attempt, why, final, now);
	if (!rc)
		rc = final || attempt >= DOC_EX_DELIVERY_ATTEMPTS;
out:
	buf_release(&xml);
	arena_release(&a);
	return rc;
}

int doc_exchange_deliver_due(struct db *db, const char *data_dir, int64_t now, int max)
{
	struct db_stmt *st;
	int64_t ids[64];
	size_t n = 0;
	int rc, done = 0;

	if (max < 1 || max > (int)(sizeof(ids) / sizeof(ids[0])))
		max = (int)(sizeof(ids) / sizeof(ids[0]));
	rc = db_query(db, &st,
		      "SELECT out_doc_id FROM doc_exchange_deliveries WHERE state = 1 AND next_at <= ? AND "
		      "lease_until <= ? ORDER BY next_at, out_doc_id LIMIT ?",
		      "iii", now, now, (int64_t)max);
	for (; rc == DB_ROW; rc = db_step(st))
		if (n < (size_t)max)
			ids[n++] = db_col_int(st, 0);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if ((rc = deliver_one(db, data_dir, ids[i], now)) < 0)
			return rc;
		done += rc;
	}
	return done;
}

/* ---- receiving ---- */

int doc_exchange_parse(struct arena *a, const char *xml, size_t len, struct doc_exchange_msg *m,
		       const char **why)
{
	memset(m, 0, sizeof(*m));
	*why = NULL;
	if (edxml_parse(xml, len, a, &m->doc, &m->files, &m->nfiles, why))
		return DOC_EX_REFUSED;
	m->xml = xml;
	m->len = len;
	return 0;
}

int doc_exchange_addressees(struct db *db, struct arena *a, const struct doc_exchange_msg *m, int64_t **ids,
			    size_t *n)
{
	*ids = arena_calloc(a, m->doc.nto + 1, sizeof(**ids));
	*n = 0;
	for (size_t i = 0; i < m->doc.nto; i++) {
		int64_t id;
		int agency, rc, seen = 0;
		if ((rc = unit_by_code(db, m->doc.to[i].id, &id, &agency)))
			return rc;
		for (size_t k = 0; k < *n; k++)
			seen |= (*ids)[k] == id;
		if (agency && !seen)
			(*ids)[(*n)++] = id;
	}
	qsort(*ids, *n, sizeof(**ids), cmp_id);
	return 0;
}

/* Keep bytes in the store unless a file of that digest is there already. 0 or -1 with errno. */
static int keep(const char *data_dir, const void *data, size_t len, const char *known, char sha[65])
{
	char path[512];
	struct stat st;
	if (known && *known && !files_path(data_dir, known, path, sizeof(path)) && !stat(path, &st) &&
	    S_ISREG(st.st_mode) && (uint64_t)st.st_size == len) {
		snprintf(sha, 65, "%s", known);
		return 0;
	}
	return files_store_bytes(data_dir, data, len, sha);
}

/*
 * The content type a received file is kept and served with: the sender's when it is one of the
 * documents' types, else application/octet-stream (a file from outside is never served as a page).
 */
static const char *kept_mime(const char *mime)
{
	static const char *const ok[] = {
		"application/pdf",
		"image/jpeg",
		"image/png",
		"image/tiff",
		"application/msword",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"application/vnd.ms-excel",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"application/vnd.oasis.opendocument.text",
		"application/vnd.oasis.opendocument.spreadsheet",
		"application/zip",
	};
	for (size_t i = 0; mime && i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcmp(mime, ok[i]))
			return ok[i];
	return "application/octet-stream";
}

/* The message's files, then the message itself, into the store: m->sha and each file's sha256 set. 0 or -1
 * (errno). */
static int msg_keep(const char *data_dir, struct doc_exchange_msg *m)
{
	for (size_t i = 0; i < m->nfiles; i++) {
		char sha[65];
		struct edxml_file *f = &m->files[i];
		if (keep(data_dir, f->data, f->len, f->sha256, sha))
			return -1;
		snprintf(f->sha256, sizeof(f->sha256), "%s", sha);
	}
	if (files_store_bytes(data_dir, m->xml, m->len, m->sha)) {
		m->sha[0] = '\0';
		return -1;
	}
	return 0;
}

static const char *signer_text(struct arena *a, const struct edxml_doc *d)
{
	const char *c = d->signer_competence && *d->signer_competence ? d->signer_competence : NULL;
	return c ? arena_printf(a, "%s, %s %s", c, d->signer_position, d->signer_name)
		 : arena_printf(a, "%s %s", d->signer_position, d->signer_name);
}

int doc_exchange_receive(struct db *db, const char *data_dir, struct doc_exchange_msg *m, int64_t agency,
			 int64_t by, int64_t now, int64_t *id, const char **why)
{
	const struct edxml_doc *d = &m->doc;
	struct arena a;
	struct db_stmt *st;
	const char *code = NULL, *dup_key;
	int64_t sender_unit = 0;
	int rc, addressed = 0, sender_agency = 0;

	*id = 0;
	*why = NULL;
	arena_init(&a);
	rc = db_query(db, &st, "SELECT agency_code FROM units WHERE id = ?", "i", agency);
	if (rc == DB_ROW)
		code = col(&a, st, 0);
	if ((rc = finish(st, rc)))
		goto out;
	for (size_t i = 0; code && i < d->nto; i++)
		addressed |= !strcmp(d->to[i].id, code);
	if (!addressed) {
		*why = N_("the edXML message is not addressed to this agency");
		rc = DOC_EX_REFUSED;
		goto out;
	}
	/* the same message from the same sender, not refused, is there already */
	dup_key = arena_printf(&a, "%s|%s", d->from.id, d->document_id);
	rc = db_query(db, &st, "SELECT id FROM doc_exchange_inbox WHERE agency_id = ? AND dup_key = ?", "is",
		      agency, dup_key);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	if ((rc = finish(st, rc)))
		goto out;
	if (*id) {
		rc = DOC_EX_DUPLICATE;
		goto out;
	}
	/* the files, then the message, on disk before the rows naming them commit */
	if (!m->sha[0] && msg_keep(data_dir, m)) {
		rc = DOC_EX_IO;
		goto out;
	}
	if ((rc = unit_by_code(db, d->from.id, &sender_unit, &sender_agency)))
		goto out;
	if ((rc = counter_next(db, "id", "doc_exchange_inbox", "", id)))
		goto out;
	rc = db_exec(
		db,
		"INSERT INTO doc_exchange_inbox (id, agency_id, message_sha, message_size, document_id, sender_id, "
		"sender_name, sender_unit_id, code, doc_date, type, subject, signer, due_date, urgency, pages, "
		"nfiles, received_at, received_by, state, last_status, dup_key) VALUES (?, ?, ?, ?, ?, ?, ?, "
		"NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), 1, 0, ?)",
		"iisisssisiissiiiiiis", *id, agency, m->sha, (int64_t)m->len, d->document_id, d->from.id,
		d->from.name, sender_agency ? sender_unit : (int64_t)0,
		arena_printf(&a, "%s/%s", d->code_number, d->code_notation), (int64_t)d->date,
		(int64_t)d->type, d->subject, signer_text(&a, d), (int64_t)d->due_date,
		(int64_t)(d->urgency >= DOC_URGENCY_NORMAL ? d->urgency : DOC_URGENCY_NORMAL),
		(int64_t)(d->pages > 0 ? d->pages : 0), (int64_t)m->nfiles, now, by, dup_key);
	for (size_t i = 0; !rc && i < m->nfiles; i++) {
		const struct edxml_file *f = &m->files[i];
		rc = db_exec(
			db,
			"INSERT INTO doc_exchange_inbox_files (inbox_id, k, sha, name, mime, size, description) "
			"VALUES (?, ?, ?, ?, ?, ?, ?)",
			"iisssis", *id, (int64_t)(i + 1), f->sha256, f->name, kept_mime(f->mime),
			(int64_t)f->len, f->description ? f->description : "");
	}
	if (!rc)
		rc = doc_exchange_status_emit(db, *id, EDXML_ST_ARRIVED, DESC_ARRIVED, 0, NULL, NULL, now);
out:
	arena_release(&a);
	return rc;
}

/* ---- the inbox ---- */

#define INBOX_COLS                                                                                                \
	"i.id, i.agency_id, u.name, i.message_sha, i.message_size, i.document_id, i.sender_id, i.sender_name, "   \
	"COALESCE(i.sender_unit_id, 0), i.code, i.doc_date, i.type, i.subject, i.signer, i.due_date, i.urgency, " \
	"i.pages, i.nfiles, i.received_at, COALESCE(i.received_by, 0), COALESCE(rb.full_name, ''), i.state, "     \
	"COALESCE(i.doc_in_id, 0), i.reason, COALESCE(i.acted_by, 0), i.acted_at, COALESCE(ab.full_name, ''), "   \
	"i.last_status"
#define INBOX_FROM                                                                                        \
	" FROM doc_exchange_inbox i JOIN units u ON u.id = i.agency_id LEFT JOIN accounts rb ON rb.id = " \
	"i.received_by LEFT JOIN accounts ab ON ab.id = i.acted_by"

static void inbox_row(struct arena *a, struct db_stmt *st, struct doc_inbox *e)
{
	int k = 0;
	memset(e, 0, sizeof(*e));
	e->id = db_col_int(st, k++);
	e->agency_id = db_col_int(st, k++);
	e->agency_name = col(a, st, k++);
	e->message_sha = col(a, st, k++);
	e->message_size = db_col_int(st, k++);
	e->document_id = col(a, st, k++);
	e->sender_id = col(a, st, k++);
	e->sender_name = col(a, st, k++);
	e->sender_unit_id = db_col_int(st, k++);
	e->code = col(a, st, k++);
	e->doc_date = (int32_t)db_col_int(st, k++);
	e->type = (int)db_col_int(st, k++);
	e->subject = col(a, st, k++);
	e->signer = col(a, st, k++);
	e->due_date = (int32_t)db_col_int(st, k++);
	e->urgency = (int)db_col_int(st, k++);
	e->pages = (int)db_col_int(st, k++);
	e->nfiles = (int)db_col_int(st, k++);
	e->received_at = db_col_int(st, k++);
	e->received_by = db_col_int(st, k++);
	e->received_by_name = col(a, st, k++);
	e->state = (int)db_col_int(st, k++);
	e->doc_in_id = db_col_int(st, k++);
	e->reason = col(a, st, k++);
	e->acted_by = db_col_int(st, k++);
	e->acted_at = db_col_int(st, k++);
	e->acted_by_name = col(a, st, k++);
	e->last_status = (int)db_col_int(st, k++);
}

/* The entry without its files: 0, DOC_EX_NOT_FOUND, or <0. */
static int inbox_get(struct db *db, struct arena *a, int64_t id, struct doc_inbox *out)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT " INBOX_COLS INBOX_FROM " WHERE i.id = ?", "i", id);
	int found = rc == DB_ROW;
	if (found)
		inbox_row(a, st, out);
	if ((rc = finish(st, rc)))
		return rc;
	return found ? 0 : DOC_EX_NOT_FOUND;
}

int doc_exchange_inbox_load(struct db *db, struct arena *a, int64_t id, struct doc_inbox *out)
{
	struct db_stmt *st;
	size_t n = 0;
	int rc = inbox_get(db, a, id, out);
	if (rc)
		return rc;
	out->files = arena_calloc(a, (size_t)out->nfiles + 1, sizeof(*out->files));
	rc = db_query(
		db, &st,
		"SELECT k, sha, name, mime, size, description FROM doc_exchange_inbox_files WHERE inbox_id = ? "
		"ORDER BY k",
		"i", id);
	for (; rc == DB_ROW; rc = db_step(st)) {
		struct doc_inbox_file *f = &out->files[n];
		if (n >= (size_t)out->nfiles)
			continue;
		f->k = (int)db_col_int(st, 0);
		f->sha = col(a, st, 1);
		f->name = col(a, st, 2);
		f->mime = col(a, st, 3);
		f->size = db_col_int(st, 4);
		f->description = col(a, st, 5);
		n++;
	}
	out->nfiles = (int)n;
	return rc < 0 ? rc : 0;
}

/* " WHERE i.agency_id IN (?, …) [AND i.state = ?]" and its binding. */
static void inbox_where(struct buf *sql, const struct doc_inbox_query *q)
{
	buf_adds(sql, " WHERE i.agency_id IN (");
	for (size_t i = 0; i < q->nagencies; i++)
		buf_adds(sql, i ? ", ?" : "?");
	buf_adds(sql, ")");
	if (q->state)
		buf_adds(sql, " AND i.state = ?");
}

static int inbox_bind(struct db_stmt *st, const struct doc_inbox_query *q, int *k)
{
	int b = 0;
	for (size_t i = 0; i < q->nagencies; i++)
		b |= db_bind_int(st, (*k)++, q->agencies[i]);
	if (q->state)
		b |= db_bind_int(st, (*k)++, q->state);
	return b ? DB_ERROR : 0;
}

int doc_exchange_inbox_list(struct db *db, struct arena *a, const struct doc_inbox_query *q,
			    struct doc_inbox **out, size_t *n, int64_t *total)
{
	struct buf sql = BUF_INIT;
	struct db_stmt *st;
	int rc, k = 1;

	*out = NULL;
	*n = 0;
	*total = 0;
	if (!q->nagencies)
		return 0;
	buf_init(&sql, 1 << 16);
	buf_adds(&sql, "SELECT COUNT(*) FROM doc_exchange_inbox i");
	inbox_where(&sql, q);
	if (buf_err(&sql) || !(st = db_prepare(db, sql.ptr)) || inbox_bind(st, q, &k)) {
		rc = DB_ERROR;
		goto out;
	}
	rc = db_step(st);
	if (rc == DB_ROW)
		*total = db_col_int(st, 0);
	if ((rc = finish(st, rc)) || q->limit <= 0)
		goto out;
	buf_reset(&sql);
	buf_adds(&sql, "SELECT " INBOX_COLS INBOX_FROM);
	inbox_where(&sql, q);
	buf_adds(&sql, " ORDER BY i.received_at DESC, i.id DESC LIMIT ? OFFSET ?");
	k = 1;
	if (buf_err(&sql) || !(st = db_prepare(db, sql.ptr)) || inbox_bind(st, q, &k) ||
	    db_bind_int(st, k++, q->limit) || db_bind_int(st, k++, q->offset)) {
		rc = DB_ERROR;
		goto out;
	}
	*out = arena_calloc(a, (size_t)q->limit, sizeof(**out));
	for (rc = db_step(st); rc == DB_ROW; rc = db_step(st))
		if (*n < (size_t)q->limit)
			inbox_row(a, st, &(*out)[(*n)++]);
	rc = rc < 0 ? rc : 0;
out:
	buf_release(&sql);
	return rc;
}

/* A row of the incoming document's history (the same table as features/doc_incoming.c's). */
static int in_event(struct db *db, int64_t doc, int64_t by, const char *action, json_t *detail, int64_t now)
{
	char *text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	int64_t id;
	int rc;
	json_decref(detail);
	if (!text)
		return DB_ERROR;
	if ((rc = counter_next(db, "id", "doc_in_events", "", &id)) == 0)
		rc = db_exec(db,
			     "INSERT INTO doc_in_events (id, doc_id, at, account_id, action, detail) "
			     "VALUES (?, ?, ?, NULLIF(?, 0), ?, ?)",
			     "iiiiss", id, doc, now, by, action, text);
	free(text);
	return rc;
}

int doc_exchange_inbox_registered(struct db *db, int64_t id, int64_t doc_in_id, int64_t arrival_no,
				  int64_t by, const char *department, const char *staff, int64_t now)
{
	struct arena a;
	struct doc_inbox e;
	char desc[96];
	int rc;

	arena_init(&a);
	rc = db_exec(
		db,
		"UPDATE doc_exchange_inbox SET state = 2, doc_in_id = ?, acted_by = NULLIF(?, 0), acted_at = ? "
		"WHERE id = ? AND state = 1",
		"iiii", doc_in_id, by, now, id);
	if (!rc && db_changes(db) != 1)
		rc = DOC_EX_STATE;
	if (!rc)
		rc = inbox_get(db, &a, id, &e);
	if (!rc)
		rc = in_event(db, doc_in_id, by, "edxml",
			      json_pack("{s:I,s:s,s:s,s:s,s:I,s:i}", "inbox", (json_int_t)id, "from",
					e.sender_name, "organ", e.sender_id, "document_id", e.document_id,
					"received_at", (json_int_t)e.received_at, "files", e.nfiles),
			      now);
	snprintf(desc, sizeof(desc), "Đã vào sổ văn bản đến, số đến %lld", (long long)arrival_no);
	if (!rc)
		rc = doc_exchange_status_emit(db, id, EDXML_ST_ACCEPTED, desc, by, department, staff, now);
	arena_release(&a);
	return rc;
}

int doc_exchange_inbox_refuse(struct db *db, int64_t id, const char *reason, int64_t by,
			      const char *department, const char *staff, int64_t now)
{
	int rc = db_exec(
		db,
		"UPDATE doc_exchange_inbox SET state = 3, reason = ?, dup_key = NULL, acted_by = NULLIF(?, 0), "
		"acted_at = ? WHERE id = ? AND state = 1",
		"siii", reason, by, now, id);
	if (!rc && db_changes(db) != 1)
		rc = DOC_EX_STATE;
	if (!rc)
		rc = doc_exchange_status_emit(db, id, EDXML_ST_REFUSED, reason, by, department, staff, now);
	return rc;
}

int doc_exchange_in_progress(struct db *db, int64_t doc_in_id, int status, const char *description,
			     int64_t by, const char *department, const char *staff, int64_t now, int *sent)
{
	struct db_stmt *st;
	int64_t id = 0, last = 0;
	int rc = db_query(db, &st,
			  "SELECT id, last_status FROM doc_exchange_inbox WHERE doc_in_id = ? AND state = 2",
			  "i", doc_in_id);
	if (sent)
		*sent = 0;
	if (rc == DB_ROW) {
		id = db_col_int(st, 0);
		last = db_col_int(st, 1);
	}
	if ((rc = finish(st, rc)))
		return rc;
	/* once each, in order: a later status makes an earlier one moot */
	if (!id || last >= status)
		return 0;
	rc = doc_exchange_status_emit(db, id, status, description, by, department, staff, now);
	if (!rc && sent)
		*sent = 1;
	return rc;
}

int doc_exchange_status_emit(struct db *db, int64_t id, int status, const char *description, int64_t by,
			     const char *department, const char *staff, int64_t now)
{
	struct arena a;
	struct doc_inbox e;
	struct edxml_status s;
	struct buf xml = BUF_INIT;
	const char *why = NULL;
	int rc, here = 0;

	arena_init(&a);
	buf_init(&xml, 1 << 20);
	memset(&s, 0, sizeof(s));
	if ((rc = inbox_get(db, &a, id, &e)))
		goto out;
	if ((rc = doc_exchange_organ(db, &a, e.agency_id, &s.from)))
		goto out;
	s.document_id = e.document_id;
	s.sender_id = e.sender_id;
	s.code = e.code;
	s.date = e.doc_date;
	s.status = status;
	s.description = description && *description ? description : NULL;
	s.at = now;
	s.department = department && *department ? department : NULL;
	s.staff = staff && *staff ? staff : NULL;
	if (edxml_status_build(&s, &xml)) {
		log_error("event=doc_exchange_status inbox=%lld status=%d msg=\"not built\"", (long long)id,
			  status);
		rc = DB_ERROR;
		goto out;
	}
	/* an agency of this system takes it at once, by the path a status from outside takes */
	if (e.sender_unit_id) {
		rc = doc_exchange_status_receive(db, xml.ptr, xml.len, now, NULL, &why);
		if (rc < 0)
			goto out;
		here = rc == 0;
	}
	if (!here) {
		int64_t oid;
		if ((rc = counter_next(db, "id", "doc_exchange_outbox", "", &oid)))
			goto out;
		rc = db_exec(
			db,
			"INSERT INTO doc_exchange_outbox (id, inbox_id, to_organ, status, message, created_at, "
			"sent_at) VALUES (?, ?, ?, ?, ?, ?, NULL)",
			"iisisi", oid, id, e.sender_id, (int64_t)status, xml.ptr, now);
		if (rc)
			goto out;
	}
	rc = db_exec(db, "UPDATE doc_exchange_inbox SET last_status = ? WHERE id = ?", "ii", (int64_t)status,
		     id);
	if (!rc && e.doc_in_id)
		rc = in_event(db, e.doc_in_id, by, "exchange",
			      json_pack("{s:i,s:s,s:s,s:b}", "status", status, "to", e.sender_name,
					"description", description ? description : "", "hub", !here),
			      now);
out:
	buf_release(&xml);
	arena_release(&a);
	return rc;
}

/* ---- the sender's side ---- */

/* "000.00.15.H26,2026/11/18,147/KH-UBND" → its three parts (arena); 0 or -1. */
static int document_id_split(struct arena *a, const char *id, const char **organ, int32_t *date,
			     const char **code)
{
	const char *c1 = strchr(id, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
	int y, m, d;
	char sep1, sep2, end;
	if (!c2 || c1 == id || !c2[1])
		return -1;
	if (sscanf(c1 + 1, "%4d%c%2d%c%2d%c", &y, &sep1, &m, &sep2, &d, &end) != 6 || end != ',' ||
	    (sep1 != '/' && sep1 != '-') || sep2 != sep1 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	*organ = arena_strndup(a, id, (size_t)(c1 - id));
	*date = y * 10000 + m * 100 + d;
	*code = arena_strdup(a, c2 + 1);
	return 0;
}

/* 1 when a recipient unit of outgoing document `doc` belongs to the agency of `unit`, 0 when none, <0. */
static int sent_to(struct db *db, struct arena *a, int64_t doc, int64_t unit)
{
	struct unit_tree t;
	struct db_stmt *st;
	int64_t agency;
	int rc, yes = 0;
	if ((rc = unit_tree_load(db, a, &t)))
		return rc;
	agency = unit_tree_agency(&t, unit);
	rc = db_query(db, &st, "SELECT unit_id FROM doc_outgoing_recipients WHERE doc_id = ?", "i", doc);
	for (; rc == DB_ROW; rc = db_step(st))
		yes |= agency && unit_tree_agency(&t, db_col_int(st, 0)) == agency;
	return rc < 0 ? rc : yes;
}

int doc_exchange_status_find(struct db *db, struct arena *a, const char *xml, size_t len,
			     struct doc_exchange_status_in *in, const char **why)
{
	struct db_stmt *st;
	const char *organ = NULL, *code = NULL;
	int32_t date = 0;
	int rc, is_agency = 0, rcpt_agency = 0;

	memset(in, 0, sizeof(*in));
	*why = NULL;
	if (edxml_status_parse(xml, len, a, &in->s, why))
		return DOC_EX_REFUSED;
	if (document_id_split(a, in->s.document_id, &organ, &date, &code)) {
		organ = NULL;
		code = NULL;
		date = 0;
	}
	if (in->s.sender_id && *in->s.sender_id)
		organ = in->s.sender_id;
	if (in->s.code && *in->s.code)
		code = in->s.code;
	if (in->s.date)
		date = in->s.date;
	if (!organ || !code || !date)
		return DOC_EX_NOT_FOUND;
	if ((rc = unit_by_code(db, organ, &in->agency, &is_agency)))
		return rc;
	if (!is_agency)
		return DOC_EX_NOT_FOUND;
	rc = db_query(
		db, &st,
		"SELECT id FROM doc_outgoing WHERE agency_id = ? AND symbol = ? AND issued_day = ? AND status IN "
		"(5, 6)",
		"isi", in->agency, code, (int64_t)date);
	if (rc == DB_ROW)
		in->out_doc = db_col_int(st, 0);
	if ((rc = finish(st, rc)))
		return rc;
	if (!in->out_doc)
		return DOC_EX_NOT_FOUND;
	if ((rc = unit_by_code(db, in->s.from.id, &in->rcpt, &rcpt_agency)))
		return rc;
	/* an agency of this system reports only on a document sent to it */
	if (in->rcpt && (rc = sent_to(db, a, in->out_doc, in->rcpt)) <= 0) {
		in->out_doc = 0;
		return rc < 0 ? rc : DOC_EX_NOT_FOUND;
	}
	return 0;
}

int doc_exchange_status_record(struct db *db, struct arena *a, const struct doc_exchange_status_in *in,
			       const char *xml, size_t len, int64_t now, int64_t *id)
{
	const struct edxml_status *s = &in->s;
	struct db_stmt *st;
	const char *staff = s->staff && s->department ? arena_printf(a, "%s, %s", s->staff, s->department)
			    : s->staff		      ? s->staff
			    : s->department	      ? s->department
						      : "";
	int rc;

	*id = 0;
	/* the same report twice (a connector that sends again after a lost answer) is kept once */
	rc = db_query(
		db, &st,
		"SELECT id FROM doc_exchange_status WHERE out_doc_id = ? AND organ_id = ? AND status = ? AND "
		"at = ?",
		"isii", in->out_doc, s->from.id, (int64_t)s->status, s->at);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	if ((rc = finish(st, rc)))
		return rc;
	if (*id)
		return DOC_EX_DUPLICATE;
	if ((rc = counter_next(db, "id", "doc_exchange_status", "", id)))
		return rc;
	return db_exec(
		db,
		"INSERT INTO doc_exchange_status (id, out_doc_id, agency_id, organ_id, organ_name, status, "
		"description, staff, at, received_at, message) VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, ?)",
		"iiississiis", *id, in->out_doc, in->rcpt, s->from.id, s->from.name, (int64_t)s->status,
		s->description ? s->description : "", staff, s->at, now, arena_strndup(a, xml, len));
}

int doc_exchange_status_receive(struct db *db, const char *xml, size_t len, int64_t now, int64_t *out_doc,
				const char **why)
{
	struct arena a;
	struct doc_exchange_status_in in;
	int64_t id;
	int rc;

	arena_init(&a);
	if (out_doc)
		*out_doc = 0;
	rc = doc_exchange_status_find(db, &a, xml, len, &in, why);
	if (!rc)
		rc = doc_exchange_status_record(db, &a, &in, xml, len, now, &id);
	if (rc == DOC_EX_DUPLICATE)
		rc = 0;
	if (!rc && out_doc)
		*out_doc = in.out_doc;
	arena_release(&a);
	return rc;
}

int doc_exchange_statuses(struct db *db, struct arena *a, int64_t out_id,
			  struct doc_exchange_status_row **out, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 8;
	int rc = db_query(
		db, &st,
		"SELECT id, COALESCE(agency_id, 0), organ_id, organ_name, status, description, staff, at, "
		"received_at FROM doc_exchange_status WHERE out_doc_id = ? ORDER BY id",
		"i", out_id);
	*n = 0;
	*out = arena_alloc(a, cap * sizeof(**out));
	for (; rc == DB_ROW; rc = db_step(st)) {
		struct doc_exchange_status_row *r;
		if (*n == cap) {
			struct doc_exchange_status_row *bigger = arena_alloc(a, 2 * cap * sizeof(*bigger));
			memcpy(bigger, *out, cap * sizeof(*bigger));
			*out = bigger;
			cap *= 2;
		}
		r = &(*out)[(*n)++];
		r->id = db_col_int(st, 0);
		r->agency_id = db_col_int(st, 1);
		r->organ_id = col(a, st, 2);
		r->organ_name = col(a, st, 3);
		r->status = (int)db_col_int(st, 4);
		r->description = col(a, st, 5);
		r->staff = col(a, st, 6);
		r->at = db_col_int(st, 7);
		r->received_at = db_col_int(st, 8);
	}
	return rc < 0 ? rc : 0;
}

/* ---- the outbox for the national hub's connector ---- */

#define OUTBOX_COLS                                                                                  \
	"o.id, o.inbox_id, i.agency_id, o.to_organ, i.document_id, i.code, o.status, o.created_at, " \
	"COALESCE(o.sent_at, 0)"
#define OUTBOX_FROM " FROM doc_exchange_outbox o JOIN doc_exchange_inbox i ON i.id = o.inbox_id"

static void outbox_row(struct arena *a, struct db_stmt *st, struct doc_outbox_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = db_col_int(st, 0);
	r->inbox_id = db_col_int(st, 1);
	r->agency_id = db_col_int(st, 2);
	r->to_organ = col(a, st, 3);
	r->document_id = col(a, st, 4);
	r->code = col(a, st, 5);
	r->status = (int)db_col_int(st, 6);
	r->created_at = db_col_int(st, 7);
	r->sent_at = db_col_int(st, 8);
	r->message = NULL;
}

int doc_exchange_outbox_list(struct db *db, struct arena *a, const int64_t *agencies, size_t nagencies,
			     int64_t after, int limit, struct doc_outbox_row **out, size_t *n)
{
	struct buf sql = BUF_INIT;
	struct db_stmt *st;
	int rc, k = 1, b = 0;

	*out = NULL;
	*n = 0;
	if (!nagencies || limit < 1)
		return 0;
	buf_init(&sql, 1 << 16);
	buf_adds(&sql, "SELECT " OUTBOX_COLS OUTBOX_FROM
		       " WHERE o.sent_at IS NULL AND o.id > ? AND i.agency_id IN (");
	for (size_t i = 0; i < nagencies; i++)
		buf_adds(&sql, i ? ", ?" : "?");
	buf_adds(&sql, ") ORDER BY o.id LIMIT ?");
	if (buf_err(&sql) || !(st = db_prepare(db, sql.ptr))) {
		rc = DB_ERROR;
		goto out;
	}
	b |= db_bind_int(st, k++, after);
	for (size_t i = 0; i < nagencies; i++)
		b |= db_bind_int(st, k++, agencies[i]);
	b |= db_bind_int(st, k++, limit);
	if (b) {
		rc = DB_ERROR;
		goto out;
	}
	*out = arena_calloc(a, (size_t)limit, sizeof(**out));
	for (rc = db_step(st); rc == DB_ROW; rc = db_step(st))
		if (*n < (size_t)limit)
			outbox_row(a, st, &(*out)[(*n)++]);
	rc = rc < 0 ? rc : 0;
out:
	buf_release(&sql);
	return rc;
}

int doc_exchange_outbox_get(struct db *db, struct arena *a, int64_t id, struct doc_outbox_row *out)
{
	struct db_stmt *st;
	int rc =
		db_query(db, &st, "SELECT " OUTBOX_COLS ", o.message" OUTBOX_FROM " WHERE o.id = ?", "i", id);
	int found = rc == DB_ROW;
	if (found) {
		outbox_row(a, st, out);
		out->message = col(a, st, 9);
	}
	if ((rc = finish(st, rc)))
		return rc;
	return found ? 0 : DOC_EX_NOT_FOUND;
}

int doc_exchange_outbox_sent(struct db *db, int64_t id, int64_t now, int64_t *sent_at)
{
	struct db_stmt *st;
	int rc = db_exec(db, "UPDATE doc_exchange_outbox SET sent_at = ? WHERE id = ? AND sent_at IS NULL",
			 "ii", now, id);
	int first = !rc && db_changes(db) == 1, found;
	*sent_at = 0;
	if (rc)
		return rc;
	rc = db_query(db, &st, "SELECT COALESCE(sent_at, 0) FROM doc_exchange_outbox WHERE id = ?", "i", id);
	found = rc == DB_ROW;
	if (found)
		*sent_at = db_col_int(st, 0);
	if ((rc = finish(st, rc)))
		return rc;
	if (!found)
		return DOC_EX_NOT_FOUND;
	return first ? 0 : DOC_EX_STATE;
}
