/*
 * pages_doc_outgoing.c: outgoing documents (văn bản đi): the queues, filters and search
 * (/van-ban/di), drafting (/van-ban/di/them), a document with its versions, comments, history and
 * the steps the user may take now (/van-ban/di/{id}), its file, the outgoing register
 * (/van-ban/di/so) as page, PDF and XLSX, and the same under /api/v1/documents/outgoing. The
 * workflow, numbers and symbols are features/doc_outgoing.h.
 *
 * Who sees what: the drafter, those the document went to (an event of theirs on it), the
 * agency's leaders (document.sign at the agency) and records clerks (document.number or
 * document.register at the agency or one of its departments), the reviewers of the drafting
 * unit once it is submitted; and, unless it is secret, the people of the drafting unit. A
 * document the user may not see is answered 404, as if it were not there.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/i18n.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "features/doc_outgoing.h"
#include "features/doc_text.h"
#include "features/files.h"
#include "features/org.h"
#include "features/schedule.h"
#include "rules/document.h"
#include "rules/fold.h"
#include "store/db.h"
#include "web/app.h"
#include "web/doc_common.h"
#include "web/doc_exchange_pages.h"
#include "core/banned.h"

#define BASE	     "/van-ban/di"
#define API_BASE     "/api/v1/documents/outgoing"
#define PAGE_SIZE    20
#define API_PAGE_MAX 100

#define MIME_PDF  "application/pdf"
#define MIME_DOCX "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define MIME_ODT  "application/vnd.oasis.opendocument.text"

/* ---- messages ---- */

static const char *msg_not_found(void)
{
	return _("There is no such outgoing document.");
}

static const char *msg_no_draft(void)
{
	return _("Only specialists and leaders draft outgoing documents.");
}

static const char *msg_fixed(void)
{
	return _("This document has been signed: its file is fixed and can no longer be changed.");
}

static const char *msg_not_draft(void)
{
	return _("Only a draft can be changed: the document has been submitted. Ask for it to be returned "
		 "first.");
}

static const char *msg_fix(void)
{
	return _("Please correct the fields marked below.");
}

/* ---- small helpers ---- */

static int32_t today(const struct request *req)
{
	return schedule_day_of(req_now(req));
}

static void errs_add(void *ctx, const char *field, const char *msgid)
{
	json_t *errors = ctx;
	if (!json_object_get(errors, field))
		json_object_set_new(errors, field, json_string(_(msgid)));
}

static void api_invalid(struct request *req, json_t *errors, const char *message)
{
	resp_json(req, 422,
		  json_pack("{s:{s:s,s:s,s:O}}", "error", "code", "invalid", "message", message, "fields",
			    errors));
}

/* ---- who the user is for outgoing documents ---- */

struct who {
	struct doc_out_viewer v;
	int64_t *draft; /* units where he drafts, sorted */
	size_t ndraft;
	int64_t *number; /* agencies whose documents he numbers (records clerk), sorted */
	size_t nnumber;
	int64_t *registers; /* agencies whose register he keeps or reads: clerks and leaders */
	size_t nregisters;
};

/* The agencies whose records clerk a grant at these units makes (sorted, unique), in the request's arena. */
static size_t clerk_agencies(struct request *req, const struct unit_tree *t, const int64_t *u, size_t n,
			     int64_t **out)
{
	size_t k = 0;
	*out = arena_alloc(&req->arena, (n + 1) * sizeof(**out));
	for (size_t i = 0; i < n; i++) {
		int64_t a = unit_tree_clerk_agency(t, u[i]);
		if (a)
			(*out)[k++] = a;
	}
	return ids_sort_unique(*out, k);
}

/* The viewer of the logged-in user. 0, or 1 after answering (403 to citizens, 503). */
static int who_load(struct request *req, struct who *w)
{
	const struct unit_tree *t;
	int64_t *sign, *num, *reg, *review, *draft, *clerk_units, *own;
	size_t nsign, nnum, nreg, nreview, ndraft, nown = 0;

	memset(w, 0, sizeof(*w));
	if (req_staff_only(req))
		return 1;
	if (!(t = req_units(req)))
		return 1;
	if (req_scope(req, DOC_OUT_PERM_SIGN, &sign, &nsign) ||
	    req_scope(req, DOC_OUT_PERM_NUMBER, &num, &nnum) ||
	    req_scope(req, DOC_OUT_PERM_REGISTER, &reg, &nreg) ||
	    req_scope(req, DOC_OUT_PERM_REVIEW, &review, &nreview) ||
	    req_scope(req, DOC_OUT_PERM_DRAFT, &draft, &ndraft))
		return 1;
	w->v.account = req_user(req)->id;
	w->v.sign = sign;
	w->v.nsign = nsign;
	w->v.review = review;
	w->v.nreview = nreview;
	/* a records clerk sits in the agency's office: his grant there (or at the agency) counts for it */
	clerk_units = arena_alloc(&req->arena, (nnum + nreg + 1) * sizeof(*clerk_units));
	memcpy(clerk_units, num, nnum * sizeof(*num));
	if (nreg)
		memcpy(clerk_units + nnum, reg, nreg * sizeof(*reg));
	w->v.nclerk = clerk_agencies(req, t, clerk_units, nnum + nreg, (int64_t **)&w->v.clerk);
	w->nnumber = clerk_agencies(req, t, num, nnum, &w->number);
	own = arena_alloc(&req->arena, (ndraft + 2) * sizeof(*own));
	for (size_t i = 0; i < ndraft; i++)
		own[nown++] = draft[i];
	if (req_user(req)->unit_id)
		own[nown++] = req_user(req)->unit_id;
	w->v.own = own;
	w->v.nown = ids_sort_unique(own, nown);
	w->draft = draft;
	w->ndraft = ndraft;
	/* the departments he leads, where he may sign by order: those where he signs, not as the agency's */
	{
		int64_t *order = arena_alloc(&req->arena, (nsign + 1) * sizeof(*order));
		size_t n = 0;
		for (size_t i = 0; i < nsign; i++) {
			int64_t ag = unit_tree_agency(t, sign[i]);
			if (ag && ag != sign[i] && !ids_contain(sign, nsign, ag))
				order[n++] = sign[i];
		}
		w->v.order = order;
		w->v.norder = n;
	}
	{
		int64_t *all = arena_alloc(&req->arena, (w->v.nclerk + nsign + 1) * sizeof(*all));
		size_t n = 0;
		for (size_t i = 0; i < w->v.nclerk; i++)
			all[n++] = w->v.clerk[i];
		for (size_t i = 0; i < nsign; i++) {
			long k = unit_tree_find(t, sign[i]);
			if (k >= 0 && t->level[k])
				all[n++] = sign[i];
		}
		w->registers = all;
		w->nregisters = ids_sort_unique(all, n);
	}
	return 0;
}

/*
 * Document `id` if the user may see it (with its history when asked). 0; 1 after answering
 * (404 when there is none or he may not see it, 503).
 */
static int doc_open(struct request *req, struct db *db, const struct who *w, int64_t id, unsigned flags,
		    struct doc_out *d)
{
	int rc, involved;
	if (!db) {
		resp_unavailable(req);
		return 1;
	}
	rc = id ? doc_out_load(db, &req->arena, id, flags, d) : DOC_OUT_ENOTFOUND;
	if (rc < 0) {
		resp_unavailable(req);
		return 1;
	}
	involved = rc ? 0 : doc_out_involved(db, id, w->v.account);
	if (involved < 0) {
		resp_unavailable(req);
		return 1;
	}
	if (rc || !doc_out_visible(d, &w->v, involved)) {
		resp_error(req, 404, "not_found", msg_not_found());
		return 1;
	}
	return 0;
}

/* ---- what the user may do with a document now ---- */

#define MAY_EDIT (1u << 15)

/*
 * May the user sign d by order (TL.)? A leader of its drafting unit, a department, by his own
 * grant (a power held by delegation is not passed on), when an order is in force for the unit and
 * the document's type; a leader of the agency signs in his own right instead.
 */
static int by_order(struct request *req, const struct doc_out *d)
{
	const struct delegation *via = NULL;
	if (!d->order_open || d->unit_id == d->agency_id ||
	    req_can(req, DOC_OUT_PERM_SIGN, d->agency_id, 0, NULL) == 1)
		return 0;
	return req_can(req, DOC_OUT_PERM_SIGN, d->unit_id, 0, &via) == 1 && !via;
}

static unsigned may_do(struct request *req, const struct who *w, const struct doc_out *d)
{
	int me = d->drafter_id == w->v.account;
	int review = req_can(req, DOC_OUT_PERM_REVIEW, d->unit_id, 0, NULL) == 1;
	int sign = req_can(req, DOC_OUT_PERM_SIGN, d->agency_id, 0, NULL) == 1;
	int order = (d->status == DOC_OUT_REVIEW || d->status == DOC_OUT_APPROVAL) && by_order(req, d);
	int clerk = ids_contain(w->number, w->nnumber, d->agency_id) &&
		    req_scope_allows(req, DOC_OUT_PERM_NUMBER);
	unsigned m = 0;

	switch (d->status) {
	case DOC_OUT_DRAFT:
		if (me)
			m |= 1u << DOC_OUT_SUBMIT;
		if (me || req_can(req, DOC_OUT_PERM_DRAFT, d->unit_id, 0, NULL) == 1)
			m |= MAY_EDIT;
		break;
	case DOC_OUT_REVIEW:
		if (review)
			m |= 1u << DOC_OUT_COMMENT | 1u << DOC_OUT_RETURN | 1u << DOC_OUT_FORWARD;
		if (sign)
			m |= 1u << DOC_OUT_COMMENT;
		if (order)
			m |= 1u << DOC_OUT_SIGN;
		break;
	case DOC_OUT_APPROVAL:
		if (sign || order)
			m |= 1u << DOC_OUT_COMMENT | 1u << DOC_OUT_RETURN | 1u << DOC_OUT_SIGN;
		if (review)
			m |= 1u << DOC_OUT_COMMENT;
		break;
	case DOC_OUT_SIGNED:
		if (clerk)
			m |= 1u << DOC_OUT_ISSUE;
		break;
	case DOC_OUT_ISSUED:
		if (clerk || sign)
			m |= 1u << DOC_OUT_WITHDRAW;
		break;
	default: break;
	}
	return m;
}

/* Why `action` is refused to someone who may see the document (403). */
static const char *msg_refused(int action, int status)
{
	switch (action) {
	case DOC_OUT_SUBMIT: return _("Only the drafter submits a draft.");
	case DOC_OUT_FORWARD: return _("Only the leaders of the drafting unit review its drafts.");
	case DOC_OUT_RETURN:
	case DOC_OUT_COMMENT:
		return status == DOC_OUT_APPROVAL
			       ? _("Only the leaders of the agency and of the drafting unit comment on a document "
				   "awaiting signature; only the signer returns it.")
			       : _("Only the leaders of the drafting unit review its drafts.");
	case DOC_OUT_SIGN:
		return _(
			"Only a leader of the agency signs its documents, or the leader of the drafting unit by "
			"order for the types the agency's working rules give him.");
	case DOC_OUT_ISSUE: return _("Only the records clerks of the agency number and issue its documents.");
	case DOC_OUT_WITHDRAW:
		return _(
			"Only the records clerks and the leaders of the agency withdraw an issued document.");
	default: return _("You do not have permission to do this.");
	}
}

static const char *const action_labels[] = {
	NULL,
	N_("Submit for review"),
	N_("Add a comment"),
	N_("Return for changes"),
	N_("Forward for signature"),
	N_("Sign the document"),
	N_("Number and issue"),
	N_("Withdraw the document"),
};

/* ---- a document as JSON ---- */

static json_t *lines_json(const char *s)
{
	json_t *a = json_array();
	while (s && *s) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len)
			json_array_append_new(a, json_stringn(s, len));
		s += len + (e ? 1 : 0);
	}
	return a;
}

static const char *file_url(struct request *req, const struct doc_out *d, int version, int api)
{
	return arena_printf(&req->arena, "%s/%lld/%s?version=%d", api ? API_BASE : BASE, (long long)d->id,
			    api ? "file" : "tep", version);
}

static json_t *file_json(struct request *req, const struct doc_out *d, const struct doc_out_file *f, int api)
{
	json_t *o = json_pack("{s:i,s:s,s:s,s:I,s:s,s:s}", "version", f->version, "name", f->name, "mime",
			      f->mime, "size", (json_int_t)f->size, "sha256", f->sha, "url",
			      file_url(req, d, f->version, api));
	if (f->uploaded_at) {
		json_object_set_new(o, "uploaded_at", dossier_iso(f->uploaded_at));
		json_object_set_new(o, "uploaded_by",
				    json_pack("{s:I,s:s}", "id", (json_int_t)f->uploaded_by, "name",
					      f->uploaded_by_name ? f->uploaded_by_name : ""));
	}
	return o;
}

static json_t *person(int64_t id, const char *name)
{
	return id ? json_pack("{s:I,s:s}", "id", (json_int_t)id, "name", name ? name : "") : json_null();
}

static json_t *actions_json(unsigned m)
{
	json_t *a = json_array();
	for (int i = DOC_OUT_SUBMIT; i <= DOC_OUT_WITHDRAW; i++)
		if (m & 1u << i)
			json_array_append_new(a, json_string(doc_out_action_name(i)));
	return a;
}

/* The document as the API gives it; with `full` its files, history and the steps open to the user. */
static json_t *doc_json(struct request *req, const struct doc_out *d, int full, unsigned may, int api)
{
	json_t *o = json_object(), *units = json_array();
	char num[24];

	json_object_set_new(o, "id", json_integer(d->id));
	json_object_set_new(o, "agency",
			    json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)d->agency_id, "name",
				      d->agency_name, "agency_code", d->agency_code, "short_name",
				      d->agency_short));
	json_object_set_new(o, "unit",
			    json_pack("{s:I,s:s,s:s}", "id", (json_int_t)d->unit_id, "name", d->unit_name,
				      "short_name", d->unit_short));
	json_object_set_new(o, "type", doc_type_json(d->type));
	json_object_set_new(o, "summary", json_string(d->summary));
	json_object_set_new(o, "recipients", lines_json(d->recipients));
	for (size_t i = 0; i < d->n_recipient_units; i++)
		json_array_append_new(units,
				      json_pack("{s:I,s:s}", "id", (json_int_t)d->recipient_units[i], "name",
						d->recipient_unit_names ? d->recipient_unit_names[i] : ""));
	json_object_set_new(o, "recipient_units", units);
	json_object_set_new(o, "urgency", json_string(doc_urgency_name(d->urgency)));
	json_object_set_new(o, "secrecy", json_string(doc_secrecy_name(d->secrecy)));
	json_object_set_new(o, "status", json_string(doc_out_status_name(d->status)));
	json_object_set_new(o, "drafter", person(d->drafter_id, d->drafter_name));
	json_object_set_new(o, "file", file_json(req, d, &d->file, api));
	if (d->signed_at)
		json_object_set_new(o, "signed",
				    json_pack("{s:o,s:s,s:s,s:o,s:s,s:b,s:b}", "by",
					      person(d->signer_id, d->signer_name), "title", d->signer_title,
					      "notation", d->sign_notation, "at", dossier_iso(d->signed_at),
					      "sha256", d->signed_sha, "by_delegation",
					      d->sign_delegation != 0, "by_order", d->sign_order != 0));
	else
		json_object_set_new(o, "signed", json_null());
	if (d->number) {
		doc_number_text(d->number, num, sizeof(num));
		json_object_set_new(o, "number", json_integer(d->number));
		json_object_set_new(o, "number_text", json_string(num));
		json_object_set_new(o, "symbol", json_string(d->symbol));
		json_object_set_new(o, "issue_date", doc_date_json(req, d->issued_day));
		json_object_set_new(o, "issued_at", dossier_iso(d->issued_at));
		json_object_set_new(o, "issued_by", person(d->issued_by, d->issued_by_name));
		json_object_set_new(o, "copies", json_integer(d->copies));
	} else {
		json_object_set_new(o, "number", json_null());
		json_object_set_new(o, "symbol", json_null());
		json_object_set_new(o, "issue_date", json_null());
	}
	if (d->status == DOC_OUT_WITHDRAWN)
		json_object_set_new(o, "withdrawn",
				    json_pack("{s:o,s:o,s:s}", "at", dossier_iso(d->withdrawn_at), "by",
					      person(d->withdrawn_by, d->withdrawn_by_name), "reason",
					      d->withdraw_reason));
	else
		json_object_set_new(o, "withdrawn", json_null());
	json_object_set_new(o, "created_at", dossier_iso(d->created_at));
	json_object_set_new(o, "updated_at", dossier_iso(d->updated_at));
	if (full) {
		json_t *files = json_array(), *events = json_array();
		for (size_t i = 0; i < d->nfiles; i++)
			json_array_append_new(files, file_json(req, d, &d->files[i], api));
		for (size_t i = 0; i < d->nevents; i++) {
			const struct doc_out_event *e = &d->events[i];
			json_array_append_new(events,
					      json_pack("{s:I,s:o,s:s,s:o,s:s,s:s,s:s}", "id",
							(json_int_t)e->id, "at", dossier_iso(e->at), "action",
							e->action, "by", person(e->account_id, e->actor_name),
							"from", doc_out_status_name(e->from_status), "to",
							doc_out_status_name(e->to_status), "note", e->note));
		}
		json_object_set_new(o, "files", files);
		json_object_set_new(o, "events", events);
		json_object_set_new(o, "actions", actions_json(may));
		json_object_set_new(o, "editable", json_boolean(may & MAY_EDIT));
	}
	return o;
}

/* ---- the body file: PDF, DOCX or ODT, by its content ---- */

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

static int read_at(int fd, void *b, size_t n, off_t at)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, (char *)b + got, n - got, at + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/*
 * A word-processing document in a ZIP container: ODT when its first entry is "mimetype",
 * stored, holding "application/vnd.oasis.opendocument.text" (ODF 1.2 part 3 §3.3); DOCX
 * when its central directory names "[Content_Types].xml" and "word/document.xml" (ECMA-376
 * part 2). NULL for anything else.
 */
static const char *zip_doc_type(const char *path)
{
	static const char odt[] = MIME_ODT;
	unsigned char head[30 + 8 + sizeof(odt)], *tail = NULL, *cd = NULL;
	const char *type = NULL;
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	off_t size, from;
	size_t tlen;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) || (size = sb.st_size) < 22 || size > (off_t)DOC_OUT_FILE_MAX)
		goto out;
	if (read_at(fd, head, 4, 0) || memcmp(head, "PK\3\4", 4))
		goto out;
	if (size >= (off_t)sizeof(head) && !read_at(fd, head, sizeof(head), 0) && le16(head + 8) == 0 &&
	    le16(head + 26) == 8 && le16(head + 28) == 0 && !memcmp(head + 30, "mimetype", 8) &&
	    le32(head + 18) == sizeof(odt) - 1 && !memcmp(head + 38, odt, sizeof(odt) - 1)) {
		type = MIME_ODT;
		goto out;
	}
	/* the end of central directory record: in the last 22 bytes plus a comment of up to 64 KB */
	tlen = (size_t)(size < 22 + 65535 ? size : 22 + 65535);
	from = size - (off_t)tlen;
	tail = malloc(tlen);
	if (!tail || read_at(fd, tail, tlen, from))
		goto out;
	for (size_t i = tlen - 22 + 1; i-- > 0;) {
		uint32_t cd_size, cd_off, entries, seen_types = 0, seen_doc = 0;
		if (memcmp(tail + i, "PK\5\6", 4))
			continue;
		entries = le16(tail + i + 10);
		cd_size = le32(tail + i + 12);
		cd_off = le32(tail + i + 16);
		if ((off_t)cd_off + (off_t)cd_size > from + (off_t)i || !cd_size || cd_size > (16u << 20))
			break;
		cd = malloc(cd_size);
		if (!cd || read_at(fd, cd, cd_size, (off_t)cd_off))
			break;
		for (uint32_t k = 0, p = 0; k < entries && p + 46 <= cd_size; k++) {
			uint32_t nl = le16(cd + p + 28), xl = le16(cd + p + 30), cl = le16(cd + p + 32);
			const char *name = (const char *)cd + p + 46;
			if (memcmp(cd + p, "PK\1\2", 4) || p + 46 + nl > cd_size)
				break;
			seen_types |= nl == 19 && !memcmp(name, "[Content_Types].xml", 19);
			seen_doc |= nl == 17 && !memcmp(name, "word/document.xml", 17);
			p += 46 + nl + xl + cl;
		}
		if (seen_types && seen_doc)
			type = MIME_DOCX;
		break;
	}
out:
	free(cd);
	free(tail);
	close(fd);
	return type;
}

/* The body file's type by its content: a PDF (libmagic agreeing), DOCX or ODT; NULL for anything else. */
static const char *body_type(const char *path)
{
	const char *t = upload_doc_type(path);
	if (t)
		return !strcmp(t, MIME_PDF) ? t : NULL;
	return zip_doc_type(path);
}

static const struct upload *first_file(const struct request *req, const char *field)
{
	for (const struct upload *u = req->files; u; u = u->next)
		if (!strcmp(u->field, field))
			return u;
	return NULL;
}

/* Check an uploaded body file into *f (its type, size and name). 0; 1 with an error on "file". */
static int file_check(struct request *req, const struct upload *u, struct doc_out_file *f, json_t *errors)
{
	const char *type;
	memset(f, 0, sizeof(*f));
	if (!u->size) {
		errs_add(errors, "file", N_("The file is empty."));
		return 1;
	}
	if (u->size > DOC_OUT_FILE_MAX) {
		errs_add(errors, "file", N_("The file may be at most 20 MB."));
		return 1;
	}
	if (!(type = body_type(u->path))) {
		errs_add(
			errors, "file",
			N_("The file must be a PDF, DOCX or ODT document (its content is checked, not its name)."));
		return 1;
	}
	f->mime = type;
	f->size = (int64_t)u->size;
	f->uploaded_by = req_user(req)->id;
	if (u->filename && *u->filename)
		f->name = upload_file_name(req, u->filename, type, 0);
	else
		f->name = !strcmp(type, MIME_PDF)    ? "van-ban.pdf"
			  : !strcmp(type, MIME_DOCX) ? "van-ban.docx"
						     : "van-ban.odt";
	return 0;
}

/* Keep a checked file in the store (features/files.h), f->sha set. 0; 1 with an error on "file". */
static int file_keep(struct request *req, const struct upload *u, struct doc_out_file *f, json_t *errors)
{
	char *sha = arena_alloc(&req->arena, 65);
	/* on disk, fsynced, before the row naming it commits */
	if (files_store(the_app->cfg.data, u->path, sha)) {
		log_error("event=files_store msg=\"outgoing document file not kept\" err=\"%s\" id=%s",
			  strerror(errno), req->id);
		errs_add(errors, "file", N_("The file could not be saved. Please try again shortly."));
		return 1;
	}
	f->sha = sha;
	return 0;
}

/* ---- lists ---- */

struct list_args {
	struct doc_out_query q;
	const char *queue_s, *type_s, *status_s, *unit_s, *from_s, *to_s, *q_s;
	int64_t page;
};

/* A query's words folded as the stored text is (rules/fold.h). */
static const char *fold_arg(struct request *req, const char *s)
{
	size_t n = strlen(s) + 1;
	char *out = arena_alloc(&req->arena, n);
	return fold_text(s, out, n) < 0 ? "" : out;
}

/* The list's arguments from the query string: 0, or 400 with *msg. */
static int list_args(struct request *req, const struct who *w, struct list_args *a, int limit,
		     const char **msg)
{
	const char *page_s;
	memset(a, 0, sizeof(*a));
	a->q.viewer = &w->v;
	a->queue_s = input_trim(req, req_query(req, "queue"));
	a->type_s = input_trim(req, req_query(req, "type"));
	a->status_s = input_trim(req, req_query(req, "status"));
	a->unit_s = input_trim(req, req_query(req, "unit"));
	a->from_s = input_trim(req, req_query(req, "from"));
	a->to_s = input_trim(req, req_query(req, "to"));
	a->q_s = input_trim(req, req_query(req, "q"));
	page_s = input_trim(req, req_query(req, "page"));
	a->page = *page_s ? input_id(page_s) : 1;
	a->q.queue = *a->queue_s ? doc_out_queue_from_name(a->queue_s) : DOC_OUT_Q_ALL;
	if (a->q.queue < 0) {
		*msg = _("There is no such queue.");
		return 400;
	}
	if (*a->type_s) {
		const struct doc_type *t = doc_type_by_key(a->type_s);
		if (!t && a->type_s[0] >= '1' && a->type_s[0] <= '9' && strlen(a->type_s) <= 2)
			t = doc_type((int)input_id(a->type_s));
		if (!t) {
			*msg = _("There is no such type of document.");
			return 400;
		}
		a->q.type = t->code;
	}
	if (*a->status_s) {
		for (int s = DOC_OUT_DRAFT; s <= DOC_OUT_WITHDRAWN; s++)
			if (!strcmp(a->status_s, doc_out_status_name(s)))
				a->q.status = s;
		if (!a->q.status) {
			*msg = _("There is no such status.");
			return 400;
		}
	}
	if (*a->unit_s && !(a->q.unit = input_id(a->unit_s))) {
		*msg = _("There is no such unit.");
		return 400;
	}
	if ((*a->from_s && !(a->q.from = schedule_date_parse(a->from_s))) ||
	    (*a->to_s && !(a->q.to = schedule_date_parse(a->to_s))) ||
	    (a->q.from && a->q.to && a->q.to < a->q.from)) {
		*msg = _(
			"Give the period as dates, such as 2026-11-01 to 2026-11-30, the second not before the first.");
		return 400;
	}
	if (a->page < 1 || a->page > 100000) {
		*msg = _("There is no such page.");
		return 400;
	}
	if (strlen(a->q_s) > 200) {
		*msg = _("The search text is too long: at most 200 characters.");
		return 400;
	}
	a->q.words = fold_arg(req, a->q_s);
	a->q.limit = (size_t)limit;
	a->q.offset = (size_t)(a->page - 1) * (size_t)limit;
	return 0;
}

/* The list's address with its arguments, for another queue or page. */
static const char *list_url(struct request *req, const struct list_args *a, int queue, int64_t page)
{
	struct buf b = BUF_INIT;
	const char *out;
	buf_addf(&b, BASE "?queue=%s", doc_out_queue_name(queue));
	if (*a->type_s)
		buf_addf(&b, "&type=%s", input_url_encode(req, a->type_s));
	if (*a->status_s)
		buf_addf(&b, "&status=%s", input_url_encode(req, a->status_s));
	if (*a->unit_s)
		buf_addf(&b, "&unit=%s", input_url_encode(req, a->unit_s));
	if (*a->from_s)
		buf_addf(&b, "&from=%s", input_url_encode(req, a->from_s));
	if (*a->to_s)
		buf_addf(&b, "&to=%s", input_url_encode(req, a->to_s));
	if (*a->q_s)
		buf_addf(&b, "&q=%s", input_url_encode(req, a->q_s));
	if (page > 1)
		buf_addf(&b, "&page=%lld", (long long)page);
	out = arena_strdup(&req->arena, b.ptr);
	buf_release(&b);
	return out;
}

int api_doc_out_list(struct request *req)
{
	struct db *db = db_thread();
	struct who w;
	struct list_args a;
	struct doc_out *list;
	size_t n, total;
	const char *msg = NULL, *per = req_query(req, "per_page");
	int64_t limit = per && *per ? input_id(per) : PAGE_SIZE;
	json_t *docs;
	int rc;

	if (who_load(req, &w))
		return 0;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	if (limit < 1 || limit > API_PAGE_MAX) {
		resp_error(req, 400, "bad_request", _("per_page is a number from 1 to 100."));
		return 0;
	}
	if ((rc = list_args(req, &w, &a, (int)limit, &msg))) {
		resp_error(req, rc, "bad_request", msg);
		return 0;
	}
	if (doc_out_list(db, &req->arena, &a.q, &list, &n, &total)) {
		resp_unavailable(req);
		return 0;
	}
	docs = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(docs, doc_json(req, &list[i], 0, 0, 1));
	resp_header_static(req, "Cache-Control", "no-store");
	resp_json(req, 200,
		  json_pack("{s:s,s:I,s:I,s:I,s:o}", "queue", doc_out_queue_name(a.q.queue), "page",
			    (json_int_t)a.page, "per_page", (json_int_t)limit, "total", (json_int_t)total,
			    "documents", docs));
	return 0;
}

static const char *const queue_labels[DOC_OUT_Q_COUNT] = {
	N_("All"),	 N_("My drafts"),	 N_("Waiting for my review"), N_("Waiting for my signature"),
	N_("To number"), N_("Issued documents"),
};

/* A row of the list as the page shows it. */
static json_t *row_view(struct request *req, const struct doc_out *d)
{
	const struct doc_type *t = doc_type(d->type);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(d->id));
	json_object_set_new(o, "href",
			    json_string(arena_printf(&req->arena, BASE "/%lld", (long long)d->id)));
	doc_set_text(o, "symbol", d->symbol);
	json_object_set_new(o, "type", json_string(t ? t->name : ""));
	json_object_set_new(o, "summary", json_string(d->summary));
	json_object_set_new(o, "unit", json_string(d->unit_name));
	json_object_set_new(o, "status", json_string(doc_out_status_name(d->status)));
	json_object_set_new(o, "status_label", json_string(_(doc_out_status_label(d->status))));
	json_object_set_new(o, "date",
			    json_string(d->issued_day ? doc_date_vn(req, d->issued_day)
						      : doc_date_vn(req, schedule_day_of(d->created_at))));
	if (d->urgency > DOC_URGENCY_NORMAL)
		json_object_set_new(o, "urgency", json_string(doc_urgency_label(d->urgency)));
	if (d->secrecy > DOC_SECRECY_NONE)
		json_object_set_new(o, "secrecy", json_string(doc_secrecy_label(d->secrecy)));
	return o;
}

/* The types to choose from, `chosen` selected (0: none), with an empty first choice when `any`. */
static json_t *type_options(int chosen, const char *any)
{
	json_t *a = json_array();
	if (any)
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", "", "label", any, "selected",
						   !chosen));
	for (int i = 1; i <= DOC_TYPE_COUNT; i++) {
		const struct doc_type *t = doc_type(i);
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", t->key, "label", t->name,
						   "selected", i == chosen));
	}
	return a;
}

/* The units the user's documents come from: his drafting units and those of the agencies he sees. */
static json_t *unit_filter_options(struct request *req, struct db *db, const struct who *w, int64_t chosen)
{
	const struct unit_tree *t = req_units(req);
	json_t *a = json_array();
	json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", "", "label", _("All units"), "selected",
					   !chosen));
	for (size_t i = 0; t && i < t->n; i++) {
		int64_t id = t->id[i], ag = unit_tree_agency(t, id);
		struct unit u;
		if (!ids_contain(w->v.own, w->v.nown, id) && !ids_contain(w->v.review, w->v.nreview, id) &&
		    !ids_contain(w->registers, w->nregisters, ag))
			continue;
		if (org_unit_load(db, &req->arena, id, &u) || !strcmp(u.kind, "onestop"))
			continue;
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value",
						   arena_printf(&req->arena, "%lld", (long long)id), "label",
						   u.name, "selected", id == chosen));
	}
	return a;
}

int page_doc_out_list(struct request *req)
{
	struct db *db = db_thread();
	struct who w;
	struct list_args a;
	struct doc_out *list = NULL;
	size_t n = 0, total = 0;
	int64_t counts[DOC_OUT_Q_COUNT] = { 0 };
	const char *msg = NULL;
	json_t *ctx, *rows, *tabs, *statuses;
	int rc;

	if (who_load(req, &w))
		return 0;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	rc = list_args(req, &w, &a, PAGE_SIZE, &msg);
	if (rc) {
		/* show the page without the bad filter */
		memset(&a.q, 0, sizeof(a.q));
		a.q.viewer = &w.v;
		a.q.limit = PAGE_SIZE;
		a.page = 1;
		a.type_s = a.status_s = a.unit_s = a.from_s = a.to_s = a.q_s = "";
		a.queue_s = "";
	}
	if (doc_out_queue_counts(db, &w.v, counts) ||
	    doc_out_list(db, &req->arena, &a.q, &list, &n, &total)) {
		resp_unavailable(req);
		return 0;
	}
	ctx = page_context(req, _("Outgoing documents"));
	resp_header_static(req, "Cache-Control", "no-store");
	if (msg)
		json_object_set_new(ctx, "error", json_string(msg));
	tabs = json_array();
	for (int q = 0; q < DOC_OUT_Q_COUNT; q++) {
		int shown = q == DOC_OUT_Q_ALL || q == DOC_OUT_Q_ISSUED || q == a.q.queue ||
			    (q == DOC_OUT_Q_MINE && (w.ndraft || counts[q])) ||
			    (q == DOC_OUT_Q_REVIEW && w.v.nreview) || (q == DOC_OUT_Q_SIGN && w.v.nsign) ||
			    (q == DOC_OUT_Q_NUMBER && w.nnumber);
		json_t *tab;
		if (!shown)
			continue;
		tab = json_pack("{s:s,s:s,s:b}", "href", list_url(req, &a, q, 1), "label", _(queue_labels[q]),
				"current", q == a.q.queue);
		if (q != DOC_OUT_Q_ALL && q != DOC_OUT_Q_ISSUED && counts[q])
			json_object_set_new(tab, "count", json_integer(counts[q]));
		json_array_append_new(tabs, tab);
	}
	json_object_set_new(ctx, "tabs", tabs);
	json_object_set_new(ctx, "queue", json_string(doc_out_queue_name(a.q.queue)));
	json_object_set_new(ctx, "types", type_options(a.q.type, _("All types")));
	statuses = json_array();
	json_array_append_new(statuses, json_pack("{s:s,s:s,s:b}", "value", "", "label", _("All statuses"),
						  "selected", !a.q.status));
	for (int s = DOC_OUT_DRAFT; s <= DOC_OUT_WITHDRAWN; s++)
		json_array_append_new(statuses,
				      json_pack("{s:s,s:s,s:b}", "value", doc_out_status_name(s), "label",
						_(doc_out_status_label(s)), "selected", s == a.q.status));
	json_object_set_new(ctx, "statuses", statuses);
	json_object_set_new(ctx, "units", unit_filter_options(req, db, &w, a.q.unit));
	json_object_set_new(ctx, "from", json_string(a.q.from ? doc_date_iso(req, a.q.from) : ""));
	json_object_set_new(ctx, "to", json_string(a.q.to ? doc_date_iso(req, a.q.to) : ""));
	json_object_set_new(ctx, "q", json_string(a.q_s));
	json_object_set_new(ctx, "total", json_integer((json_int_t)total));
	rows = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(rows, row_view(req, &list[i]));
	json_object_set_new(ctx, "rows", rows);
	json_object_set_new(ctx, "has_rows", json_boolean(n > 0));
	if (a.page > 1)
		json_object_set_new(ctx, "prev", json_string(list_url(req, &a, a.q.queue, a.page - 1)));
	if ((size_t)a.page * PAGE_SIZE < total)
		json_object_set_new(ctx, "next", json_string(list_url(req, &a, a.q.queue, a.page + 1)));
	json_object_set_new(ctx, "can_draft", json_boolean(w.ndraft > 0));
	json_object_set_new(ctx, "can_register", json_boolean(w.nregisters > 0));
	json_object_set_new(ctx, "can_orders",
			    json_boolean(w.nregisters > 0 || w.v.nreview > 0 || w.v.nsign > 0));
	page_render(req, rc ? rc : 200, "doc_out_list", ctx);
	return 0;
}

/* ---- drafting ---- */

/* A draft as typed in the form or sent to the API. */
struct draft_in {
	struct doc_out_form f;
	const char *unit_s;   /* the drafting unit: id or agency code ("" = his own) */
	const char **units_s; /* recipient units: ids or agency codes */
	size_t nunits;
	const struct upload *file; /* may be NULL for an edit */
};

/* A unit named by id or agency code, 0 when none. */
static int64_t unit_arg(struct request *req, struct db *db, const char *s)
{
	int64_t id = input_id(s);
	if (!id && s && *s && strlen(s) <= 40) {
		char *code = arena_strdup(&req->arena, s);
		for (char *c = code; *c; c++)
			if (*c >= 'a' && *c <= 'z')
				*c = (char)(*c - 'a' + 'A');
		id = org_unit_by_code(db, code);
	}
	return id > 0 ? id : 0;
}

/*
 * The recipient units: active units of the tree, not one-stop sections, at most
 * DOC_OUT_RECIPIENT_UNITS_MAX; into d (arena). 0, or 1 with an error on "recipient_units".
 */
static int units_take(struct request *req, struct db *db, const struct draft_in *in, struct doc_out *d,
		      json_t *errors)
{
	const struct unit_tree *t = req_units(req);
	int64_t *ids = arena_alloc(&req->arena, (in->nunits + 1) * sizeof(*ids));
	size_t n = 0;
	if (in->nunits > DOC_OUT_RECIPIENT_UNITS_MAX) {
		errs_add(errors, "recipient_units", N_("Choose at most 200 recipient units."));
		return 1;
	}
	for (size_t i = 0; i < in->nunits; i++) {
		int64_t id;
		long k;
		struct unit u;
		if (!in->units_s[i] || !*in->units_s[i])
			continue;
		id = unit_arg(req, db, in->units_s[i]);
		k = id && t ? unit_tree_find(t, id) : -1;
		if (k < 0 || !t->active[k] || org_unit_load(db, &req->arena, id, &u) ||
		    !strcmp(u.kind, "onestop")) {
			errs_add(errors, "recipient_units", N_("Choose the recipient units from the list."));
			return 1;
		}
		ids[n++] = id;
	}
	d->recipient_units = ids;
	d->n_recipient_units = ids_sort_unique(ids, n);
	return 0;
}

/* The units one may send to: agencies and departments, active, by the tree's order. */
static json_t *recipient_options(struct request *req, struct db *db, const int64_t *chosen, size_t nchosen)
{
	const struct unit_tree *t = req_units(req);
	json_t *a = json_array();
	for (size_t i = 0; t && i < t->n; i++) {
		struct unit u;
		int sel = 0;
		if (!t->active[i] || org_unit_load(db, &req->arena, t->id[i], &u) ||
		    !strcmp(u.kind, "onestop"))
			continue;
		for (size_t k = 0; k < nchosen; k++)
			sel |= chosen[k] == t->id[i];
		json_array_append_new(a, json_pack("{s:I,s:s,s:b}", "id", (json_int_t)t->id[i], "name",
						   u.name, "selected", sel));
	}
	return a;
}

static json_t *level_options(int urgency, int chosen)
{
	json_t *a = json_array();
	for (int i = 1; i <= 4; i++)
		json_array_append_new(a,
				      json_pack("{s:s,s:s,s:b}", "value",
						urgency ? doc_urgency_name(i) : doc_secrecy_name(i), "label",
						urgency ? doc_urgency_label(i) : doc_secrecy_label(i),
						"selected", i == chosen));
	return a;
}

/* The draft form's values from a document (an edit) or from what was typed. */
static json_t *form_values(struct request *req, struct db *db, const struct doc_out *d, const int64_t *units,
			   size_t nunits)
{
	json_t *f = json_object();
	json_object_set_new(f, "types", type_options(d ? d->type : 0, _("Choose the type")));
	json_object_set_new(f, "summary", json_string(d && d->summary ? d->summary : ""));
	json_object_set_new(f, "recipients", json_string(d && d->recipients ? d->recipients : ""));
	json_object_set_new(f, "urgencies", level_options(1, d && d->urgency ? d->urgency : 1));
	json_object_set_new(f, "secrecies", level_options(0, d && d->secrecy ? d->secrecy : 1));
	json_object_set_new(f, "recipient_units", recipient_options(req, db, units, nunits));
	return f;
}

/* The fields of the form as posted, into in (recipient units from every value of the field). */
static void draft_from_form(struct request *req, struct draft_in *in)
{
	size_t n = 0;
	memset(in, 0, sizeof(*in));
	in->f.type = req_form(req, "type");
	in->f.summary = req_form(req, "summary");
	in->f.recipients = req_form(req, "recipients");
	in->f.urgency = req_form(req, "urgency");
	in->f.secrecy = req_form(req, "secrecy");
	in->unit_s = input_trim(req, req_form(req, "unit"));
	for (const struct kv *kv = req->form.head; kv; kv = kv->next)
		n += !strcmp(kv->key, "recipient_units");
	in->units_s = arena_alloc(&req->arena, (n + 1) * sizeof(*in->units_s));
	for (const struct kv *kv = req->form.head; kv; kv = kv->next)
		if (!strcmp(kv->key, "recipient_units"))
			in->units_s[in->nunits++] = kv->val;
	in->file = first_file(req, "file");
}

/* What was typed, as the form shows it again. */
static json_t *form_again(struct request *req, struct db *db, const struct draft_in *in,
			  const struct doc_out *d)
{
	struct doc_out typed = { 0 };
	const struct doc_type *t = doc_type_by_key(in->f.type ? in->f.type : "");
	typed.type = t ? t->code : 0;
	typed.summary = input_trim(req, in->f.summary);
	typed.recipients = input_trim(req, in->f.recipients);
	typed.urgency = doc_urgency_from_name(in->f.urgency ? in->f.urgency : "");
	typed.secrecy = doc_secrecy_from_name(in->f.secrecy ? in->f.secrecy : "");
	return form_values(req, db, &typed, d ? d->recipient_units : NULL, d ? d->n_recipient_units : 0);
}

/* The drafting units to choose from, `chosen` selected. */
static json_t *draft_unit_options(struct request *req, struct db *db, const struct who *w, int64_t chosen)
{
	json_t *a = json_array();
	for (size_t i = 0; i < w->ndraft; i++) {
		struct unit u;
		if (org_unit_load(db, &req->arena, w->draft[i], &u) || !u.active)
			continue;
		json_array_append_new(a, json_pack("{s:I,s:s,s:b}", "id", (json_int_t)u.id, "name", u.name,
						   "selected", u.id == chosen));
	}
	return a;
}

/* The unit the user drafts in by default: his own when he drafts there, else the first. */
static int64_t default_unit(struct request *req, const struct who *w)
{
	int64_t own = req_user(req)->unit_id;
	return ids_contain(w->draft, w->ndraft, own) ? own : w->ndraft ? w->draft[0] : 0;
}

static void new_render(struct request *req, struct db *db, const struct who *w, int status, json_t *form,
		       json_t *errors, int64_t unit, const char *error)
{
	json_t *ctx = page_context(req, _("Draft an outgoing document"));
	resp_header_static(req, "Cache-Control", "no-store");
	json_object_set_new(ctx, "csrf", json_string(req_csrf(req)));
	json_object_set_new(ctx, "units", draft_unit_options(req, db, w, unit));
	json_object_set_new(ctx, "many_units", json_boolean(w->ndraft > 1));
	json_object_set_new(ctx, "form", form);
	json_object_set_new(ctx, "errors", errors ? errors : json_object());
	doc_set_text(ctx, "error", error);
	page_render(req, status, "doc_out_form", ctx);
}

int page_doc_out_new(struct request *req)
{
	struct db *db = db_thread();
	struct who w;
	if (who_load(req, &w))
		return 0;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	if (!w.ndraft) {
		resp_error(req, 403, "forbidden", msg_no_draft());
		return 0;
	}
	new_render(req, db, &w, 200, form_values(req, db, NULL, NULL, 0), NULL, default_unit(req, &w), NULL);
	return 0;
}

/* The audit detail of a draft's fields. */
static json_t *draft_audit(const struct doc_out *d)
{
	json_t *units = json_array();
	for (size_t i = 0; i < d->n_recipient_units; i++)
		json_array_append_new(units, json_integer(d->recipient_units[i]));
	return json_pack("{s:I,s:I,s:i,s:s,s:s,s:s,s:s,s:o}", "agency", (json_int_t)d->agency_id, "unit",
			 (json_int_t)d->unit_id, "type", d->type, "summary", d->summary, "recipients",
			 d->recipients ? d->recipients : "", "urgency", doc_urgency_name(d->urgency),
			 "secrecy", doc_secrecy_name(d->secrecy), "recipient_units", units);
}

/* Check everything, keep the file, record the draft. 201 with *id; 403 with *msg; 422 (errors); 503. */
static int create_do(struct request *req, struct db *db, const struct who *w, struct draft_in *in,
		     json_t *errors, int64_t *id, int64_t *unit_out, const char **msg)
{
	const struct unit_tree *t = req_units(req);
	struct doc_out d = { 0 };
	struct doc_out_file f;
	json_t *detail;
	int rc;

	*msg = NULL;
	if (!t)
		return 503;
	d.unit_id = *in->unit_s ? unit_arg(req, db, in->unit_s) : default_unit(req, w);
	*unit_out = d.unit_id;
	if (!ids_contain(w->draft, w->ndraft, d.unit_id)) {
		*msg = _("You do not draft documents in this unit.");
		return 403;
	}
	d.agency_id = unit_tree_agency(t, d.unit_id);
	if (!d.agency_id)
		errs_add(errors, "unit", N_("This unit belongs to no agency that issues documents."));
	doc_out_check(&req->arena, &in->f, &d, errs_add, errors);
	units_take(req, db, in, &d, errors);
	if (!in->file)
		errs_add(errors, "file", N_("Attach the document's file: a PDF, DOCX or ODT document."));
	else
		file_check(req, in->file, &f, errors);
	if (json_object_size(errors)) {
		*msg = msg_fix();
		return 422;
	}
	if (file_keep(req, in->file, &f, errors)) {
		*msg = msg_fix();
		return 422;
	}
	d.drafter_id = req_user(req)->id;
	if (db_begin(db))
		return 503;
	rc = doc_out_create(db, &d, &f, req_user(req)->full_name, req_now(req));
	if (!rc) {
		detail = draft_audit(&d);
		json_object_set_new(detail, "file_sha", json_string(f.sha));
		rc = req_audit_json(req, db, "document.outgoing.create",
				    arena_printf(&req->arena, "doc_out:%lld", (long long)d.id), detail);
	}
	if (rc || db_commit(db)) {
		db_rollback(db);
		return 503;
	}
	doc_text_wake();
	*id = d.id;
	return 201;
}

int page_doc_out_create(struct request *req)
{
	struct db *db = db_thread();
	struct who w;
	struct draft_in in;
	json_t *errors;
	const char *msg;
	int64_t id = 0, unit = 0;
	int status;

	if (who_load(req, &w))
		return 0;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	if (!w.ndraft) {
		resp_error(req, 403, "forbidden", msg_no_draft());
		return 0;
	}
	draft_from_form(req, &in);
	errors = json_object();
	status = create_do(req, db, &w, &in, errors, &id, &unit, &msg);
	if (status == 201) {
		json_decref(errors);
		resp_redirect(req, arena_printf(&req->arena, BASE "/%lld?msg=created", (long long)id));
	} else if (status == 503) {
		json_decref(errors);
		resp_unavailable(req);
	} else if (status == 403) {
		json_decref(errors);
		resp_error(req, 403, "forbidden", msg);
	} else {
		new_render(req, db, &w, status, form_again(req, db, &in, NULL), errors, unit, msg);
	}
	return 0;
}

/* A draft from a JSON object: 0, or -1 when a field has the wrong shape. */
static int draft_from_json(struct request *req, const json_t *o, struct draft_in *in)
{
	const json_t *r = json_object_get(o, "recipients"), *u = json_object_get(o, "recipient_units"), *v;
	int bad = 0;
	size_t i;
	in->f.type = doc_json_text(req, o, "type", &bad);
	in->f.summary = doc_json_text(req, o, "summary", &bad);
	in->f.urgency = doc_json_text(req, o, "urgency", &bad);
	in->f.secrecy = doc_json_text(req, o, "secrecy", &bad);
	in->unit_s = doc_json_text(req, o, "unit", &bad);
	if (!in->unit_s)
		in->unit_s = "";
	/* recipients: lines in one string, or an array of strings */
	if (json_is_array(r)) {
		struct buf b = BUF_INIT;
		json_array_foreach(r, i, v)
		{
			if (!json_is_string(v))
				bad = 1;
			else
				buf_addf(&b, "%s%s", b.len ? "\n" : "", json_string_value(v));
		}
		in->f.recipients = arena_strdup(&req->arena, b.ptr);
		buf_release(&b);
	} else if (r && !json_is_null(r)) {
		in->f.recipients = doc_json_text(req, o, "recipients", &bad);
	}
	if (u && !json_is_null(u)) {
		if (!json_is_array(u))
			return -1;
		in->units_s = arena_alloc(&req->arena, (json_array_size(u) + 1) * sizeof(*in->units_s));
		json_array_foreach(u, i, v)
		{
			if (json_is_string(v))
				in->units_s[in->nunits++] = json_string_value(v);
			else if (json_is_integer(v))
				in->units_s[in->nunits++] =
					arena_printf(&req->arena, "%lld", (long long)json_integer_value(v));
			else
				bad = 1;
		}
	}
	return bad ? -1 : 0;
}

int api_doc_out_create(struct request *req)
{
	struct db *db = db_thread();
	struct who w;
	struct draft_in in;
	json_t *meta = NULL, *errors = json_object();
	const json_t *body = req->json;
	const char *msg;
	int64_t id = 0, unit = 0;
	int status;

	memset(&in, 0, sizeof(in));
	if (who_load(req, &w))
		goto done;
	if (!db) {
		resp_unavailable(req);
		goto done;
	}
	if (!w.ndraft) {
		resp_error(req, 403, "forbidden", msg_no_draft());
		goto done;
	}
	/* multipart: the fields as JSON in the part "metadata", the file in the part "file" */
	if (!body && req_form(req, "metadata"))
		body = meta = json_loads(req_form(req, "metadata"), JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(body) || draft_from_json(req, body, &in)) {
		resp_error(
			req, 400, "bad_request",
			_("Send the draft as multipart/form-data with its fields as JSON in the part \"metadata\" "
			  "and the document in the part \"file\": type, summary and urgency as strings, "
			  "recipients as lines, recipient_units as ids or agency codes."));
		goto done;
	}
	in.file = first_file(req, "file");
	status = create_do(req, db, &w, &in, errors, &id, &unit, &msg);
	if (status == 201) {
		struct doc_out d;
		if (doc_out_load(db, &req->arena, id, DOC_OUT_LOAD_HISTORY, &d)) {
			resp_unavailable(req);
			goto done;
		}
		resp_header(req, "Location", arena_printf(&req->arena, API_BASE "/%lld", (long long)id));
		resp_json(req, 201, doc_json(req, &d, 1, may_do(req, &w, &d), 1));
	} else if (status == 503) {
		resp_unavailable(req);
	} else if (status == 403) {
		resp_error(req, 403, "forbidden", msg);
	} else {
		api_invalid(req, errors, msg);
	}
done:
	json_decref(meta);
	json_decref(errors);
	return 0;
}

/* ---- one document ---- */

int api_doc_out_get(struct request *req)
{
	struct db *db = db_thread();
	struct who w;
	struct doc_out d;
	json_t *j;
	if (who_load(req, &w) || doc_open(req, db, &w, req_param_id(req), DOC_OUT_LOAD_HISTORY, &d))
		return 0;
	resp_header_static(req, "Cache-Control", "no-store");
	j = doc_json(req, &d, 1, may_do(req, &w, &d), 1);
	json_object_set_new(j, "exchange", doc_exchange_out_json(req, db, &d));
	resp_json(req, 200, j);
	return 0;
}

int doc_out_open_seen(struct request *req, struct db *db, int64_t id, struct doc_out *d)
{
	struct who w;
	return who_load(req, &w) || doc_open(req, db, &w, id, 0, d);
}

/* GET …/tep, …/file: the current file, or ?version=N of the kept ones. */
static int serve_file(struct request *req)
{
	struct db *db = db_thread();
	struct who w;
	struct doc_out d;
	const struct doc_out_file *f = NULL;
	const char *v = req_query(req, "version");
	int64_t version;
	char path[512];
	int rc;

	if (who_load(req, &w) || doc_open(req, db, &w, req_param_id(req), DOC_OUT_LOAD_HISTORY, &d))
		return 0;
	version = v && *v ? input_id(v) : d.file.version;
	for (size_t i = 0; i < d.nfiles; i++)
		if (d.files[i].version == version)
			f = &d.files[i];
	if (!f || files_path(the_app->cfg.data, f->sha, path, sizeof(path))) {
		resp_error(req, 404, "not_found", _("This document has no such file."));
		return 0;
	}
	buf_reset(&req->out);
	rc = file_read_whole(path, req->out.max - 1 < DOC_OUT_FILE_MAX ? req->out.max - 1 : DOC_OUT_FILE_MAX,
			     &req->out);
	if (rc) {
		int missing = rc < 0 && errno == ENOENT;
		buf_reset(&req->out);
		log_error("event=doc_out_file id=%lld version=%lld msg=%s", (long long)d.id,
			  (long long)version, rc > 0 ? "\"too large\"" : strerror(errno));
		resp_error(req, missing ? 404 : 500, missing ? "not_found" : "internal",
			   missing ? _("This document has no such file.")
				   : _("Internal server error, please try again later."));
		return 0;
	}
	resp_header(req, "Content-Disposition", download_disposition(req, f->name));
	resp_header_static(req, "Cache-Control", "no-store");
	resp_header(req, "X-Content-SHA256", f->sha);
	req->status = 200;
	req->content_type_out = *f->mime ? f->mime : "application/octet-stream";
	return 0;
}

int page_doc_out_file(struct request *req)
{
	return serve_file(req);
}

int api_doc_out_file(struct request *req)
{
	return serve_file(req);
}

static const char *event_label(struct request *req, const struct doc_out_event *e)
{
	static const struct {
		const char *action, *label;
	} labels[] = {
		{ "create", N_("Drafted") },
		{ "edit", N_("Edited") },
		{ "submit", N_("Submitted for review") },
		{ "comment", N_("Commented") },
		{ "return", N_("Returned for changes") },
		{ "forward", N_("Forwarded for signature") },
		{ "sign", N_("Signed") },
		{ "issue", N_("Numbered and issued") },
		{ "withdraw", N_("Withdrawn after issue") },
	};
	if (!strcmp(e->action, "file"))
		return arena_printf(&req->arena, _("New file: version %s"), e->note);
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (!strcmp(e->action, labels[i].action))
			return _(labels[i].label);
	return e->action;
}

static const char *notice_of(const char *msg)
{
	static const struct {
		const char *name, *text;
	} notices[] = {
		{ "created", N_("The draft has been saved.") },
		{ "updated", N_("The draft has been changed.") },
		{ "submit", N_("The draft has been submitted for review.") },
		{ "comment", N_("Your comment has been added.") },
		{ "return", N_("The document has been returned to its drafter.") },
		{ "forward", N_("The document has been forwarded for signature.") },
		{ "sign", N_("The document has been signed: its file is now fixed.") },
		{ "issue", N_("The document has been numbered and issued.") },
		{ "withdraw", N_("The document has been withdrawn. It keeps its number.") },
	};
	for (size_t i = 0; msg && i < sizeof(notices) / sizeof(notices[0]); i++)
		if (!strcmp(msg, notices[i].name))
			return _(notices[i].text);
	return NULL;
}

static const char *text_state_label(int state)
{
	switch (state) {
	case DOC_TEXT_PENDING: return _("The text of the file is being read.");
	case DOC_TEXT_DONE: return _("The text of the file has been read: it is found by the search.");
	case DOC_TEXT_FAILED: return _("The text of the file could not be read.");
	case DOC_TEXT_NONE: return _("No text is read from this kind of file.");
	default: return NULL;
	}
}

/* What the page says of a refused step or edit. */
struct view_msg {
	int status;
	const char *error;
	int action;	   /* the step refused, its form open with its error */
	const char *typed; /* its note as typed */
	const char *action_error;
	json_t *edit_form, *edit_errors; /* stolen */
};

/* The document's page. */
static void view_render(struct request *req, struct db *db, const struct who *w, const struct doc_out *d,
			struct view_msg *m)
{
	const struct doc_type *t = doc_type(d->type);
	unsigned may = may_do(req, w, d);
	json_t *ctx = page_context(req, _("Outgoing document")), *v = doc_json(req, d, 1, may, 0);
	json_t *files = json_array(), *history = json_array(), *comments = json_array(),
	       *actions = json_array();
	int32_t allowed[2] = { 0, 0 };
	int state = 0;
	const char *text = NULL, *method = NULL;

	resp_header_static(req, "Cache-Control", "no-store");
	json_object_set_new(ctx, "csrf", json_string(req_csrf(req)));
	json_object_set_new(v, "type_name", json_string(t ? t->name : ""));
	json_object_set_new(v, "status_label", json_string(_(doc_out_status_label(d->status))));
	json_object_set_new(v, "urgency_label", json_string(doc_urgency_label(d->urgency)));
	json_object_set_new(v, "secrecy_label", json_string(doc_secrecy_label(d->secrecy)));
	json_object_set_new(v, "urgent", json_boolean(d->urgency > DOC_URGENCY_NORMAL));
	json_object_set_new(v, "secret", json_boolean(d->secrecy > DOC_SECRECY_NONE));
	json_object_set_new(v, "created_text", json_string(dossier_when_text(req, d->created_at)));
	json_object_set_new(v, "file_href", json_string(file_url(req, d, d->file.version, 0)));
	if (d->signed_at)
		json_object_set_new(v, "signed_text", json_string(dossier_when_text(req, d->signed_at)));
	if (d->issued_day)
		json_object_set_new(v, "issue_date_text", json_string(doc_date_vn(req, d->issued_day)));
	if (d->withdrawn_at)
		json_object_set_new(v, "withdrawn_text",
				    json_string(dossier_when_text(req, d->withdrawn_at)));
	for (size_t i = d->nfiles; i-- > 0;) {
		const struct doc_out_file *f = &d->files[i];
		json_array_append_new(files,
				      json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:b}", "version", f->version,
						"name", f->name, "href", file_url(req, d, f->version, 0),
						"sha256", f->sha, "by", f->uploaded_by_name, "at",
						dossier_when_text(req, f->uploaded_at), "current",
						f->version == d->file.version));
	}
	json_object_set_new(ctx, "files", files);
	for (size_t i = 0; i < d->nevents; i++) {
		const struct doc_out_event *e = &d->events[i];
		json_t *o = json_pack("{s:s,s:s,s:s}", "at", dossier_when_text(req, e->at), "label",
				      event_label(req, e), "by",
				      *e->actor_name ? e->actor_name : _("the system"));
		if (e->from_status != e->to_status)
			json_object_set_new(o, "to", json_string(_(doc_out_status_label(e->to_status))));
		if (strcmp(e->action, "file") && strcmp(e->action, "issue"))
			doc_set_text(o, "note", e->note);
		json_array_append_new(history, o);
		if (!strcmp(e->action, "comment") || (!strcmp(e->action, "return") && *e->note))
			json_array_append_new(comments, json_pack("{s:s,s:s,s:s,s:b}", "at",
								  dossier_when_text(req, e->at), "by",
								  e->actor_name, "note", e->note, "returned",
								  !strcmp(e->action, "return")));
	}
	json_object_set_new(ctx, "history", history);
	json_object_set_new(ctx, "comments", comments);
	json_object_set_new(ctx, "has_comments", json_boolean(json_array_size(comments) > 0));
	if ((may & 1u << DOC_OUT_ISSUE) && doc_out_issue_days(db, d->signed_at, req_now(req), allowed)) {
		json_decref(ctx);
		json_decref(v);
		resp_unavailable(req);
		return;
	}
	for (int a = DOC_OUT_SUBMIT; a <= DOC_OUT_WITHDRAW; a++) {
		json_t *o;
		if (!(may & 1u << a))
			continue;
		o = json_pack("{s:s,s:s,s:b,s:b}", "name", doc_out_action_name(a), "label",
			      _(action_labels[a]), "may_note", a != DOC_OUT_ISSUE && a != DOC_OUT_SIGN,
			      "needs_note",
			      a == DOC_OUT_RETURN || a == DOC_OUT_WITHDRAW || a == DOC_OUT_COMMENT);
		if (a == DOC_OUT_ISSUE) {
			int32_t def = allowed[0] == today(req) || allowed[1] == today(req) ? today(req)
				      : allowed[1]					   ? allowed[1]
											   : allowed[0];
			json_object_set_new(o, "issue", json_true());
			json_object_set_new(o, "issue_date", json_string(def ? doc_date_iso(req, def) : ""));
			json_object_set_new(
				o, "issue_hint",
				json_string(arena_printf(
					&req->arena, _("The signing day (%s) or the next working day (%s)."),
					doc_date_vn(req, schedule_day_of(d->signed_at)),
					allowed[1] ? doc_date_vn(req, allowed[1]) : _("not yet come"))));
		}
		if (a == DOC_OUT_SIGN)
			json_object_set_new(o, "sign", json_true());
		if (m && m->action == a) {
			json_object_set_new(o, "open", json_true());
			doc_set_text(o, "action_error", m->action_error);
			doc_set_text(o, "typed", m->typed);
		}
		json_array_append_new(actions, o);
	}
	json_object_set_new(ctx, "actions", actions);
	json_object_set_new(ctx, "has_actions", json_boolean(json_array_size(actions) > 0));
	if (may & MAY_EDIT) {
		json_t *form = m && m->edit_form
				       ? m->edit_form
				       : form_values(req, db, d, d->recipient_units, d->n_recipient_units);
		if (m)
			m->edit_form = NULL;
		json_object_set_new(ctx, "edit", form);
		json_object_set_new(ctx, "edit_open", json_boolean(m && m->edit_errors));
		json_object_set_new(ctx, "errors", m && m->edit_errors ? m->edit_errors : json_object());
		if (m)
			m->edit_errors = NULL;
	}
	if (doc_text_get(db, &req->arena, d->file.sha, &state, &text, &method) == 0) {
		doc_set_text(ctx, "text_state", text_state_label(state));
		if (state == DOC_TEXT_DONE && text && *text)
			json_object_set_new(ctx, "text",
					    json_string(strlen(text) > 3000
								? arena_printf(&req->arena, "%.3000s…", text)
								: text));
	}
	json_object_set_new(ctx, "d", v);
	doc_set_text(ctx, "notice", notice_of(req_query(req, "msg")));
	if (m)
		doc_set_text(ctx, "error", m->error);
	if (m) {
		json_decref(m->edit_form);
		json_decref(m->edit_errors);
	}
	doc_exchange_out_context(req, db, d, ctx);
	page_render(req, m && m->status ? m->status : 200, "doc_out_view", ctx);
}

int page_doc_out_view(struct request *req)
{
	struct db *db = db_thread();
	struct who w;
	struct doc_out d;
	if (who_load(req, &w) || doc_open(req, db, &w, req_param_id(req), DOC_OUT_LOAD_HISTORY, &d))
		return 0;
	view_render(req, db, &w, &d, NULL);
	return 0;
}

/* POST /van-ban/di/{id}: change a draft's fields, and its file when one is sent. */
int page_doc_out_update(struct request *req)
{
	struct db *db = db_thread();
	struct who w;
	struct doc_out d, e;
	struct draft_in in;
	struct doc_out_file f, *fp = NULL;
	struct view_msg m = { 0 };
	json_t *errors, *detail, *changes;
	unsigned may;
	int rc;

	if (who_load(req, &w) || doc_open(req, db, &w, req_param_id(req), DOC_OUT_LOAD_HISTORY, &d))
		return 0;
	/* the file signed is fixed: nothing of a signed document changes */
	if (d.status != DOC_OUT_DRAFT) {
		m.status = 409;
		m.error = d.status >= DOC_OUT_SIGNED ? msg_fixed() : msg_not_draft();
		view_render(req, db, &w, &d, &m);
		return 0;
	}
	may = may_do(req, &w, &d);
	if (!(may & MAY_EDIT)) {
		resp_error(req, 403, "forbidden",
			   _("Only the drafter and the drafting unit change a draft."));
		return 0;
	}
	draft_from_form(req, &in);
	e = d;
	errors = json_object();
	doc_out_check(&req->arena, &in.f, &e, errs_add, errors);
	units_take(req, db, &in, &e, errors);
	if (in.file && in.file->size && !file_check(req, in.file, &f, errors))
		fp = &f;
	if (fp && !json_object_size(errors) && file_keep(req, in.file, &f, errors))
		fp = NULL;
	if (json_object_size(errors)) {
		m.status = 422;
		m.error = msg_fix();
		m.edit_form = form_again(req, db, &in, &e);
		m.edit_errors = errors;
		view_render(req, db, &w, &d, &m);
		return 0;
	}
	json_decref(errors);
	if (db_begin(db)) {
		resp_unavailable(req);
		return 0;
	}
	rc = doc_out_update(db, &e, fp, w.v.account, req_user(req)->full_name, req_now(req));
	if (rc > 0) {
		db_rollback(db);
		if (doc_out_load(db, &req->arena, d.id, DOC_OUT_LOAD_HISTORY, &d)) {
			resp_unavailable(req);
			return 0;
		}
		m.status = 409;
		m.error = rc == DOC_OUT_EFIXED ? msg_fixed() : msg_not_draft();
		view_render(req, db, &w, &d, &m);
		return 0;
	}
	if (!rc) {
		detail = draft_audit(&e);
		changes = json_object();
		if (strcmp(d.summary, e.summary))
			json_object_set_new(changes, "summary",
					    json_pack("{s:s,s:s}", "from", d.summary, "to", e.summary));
		if (d.type != e.type)
			json_object_set_new(changes, "type",
					    json_pack("{s:i,s:i}", "from", d.type, "to", e.type));
		json_object_set_new(detail, "changes", changes);
		if (fp) {
			json_object_set_new(detail, "file_sha", json_string(fp->sha));
			json_object_set_new(detail, "file_version", json_integer(d.file.version + 1));
		}
		rc = req_audit_json(req, db, "document.outgoing.update",
				    arena_printf(&req->arena, "doc_out:%lld", (long long)d.id), detail);
	}
	if (rc || db_commit(db)) {
		db_rollback(db);
		resp_unavailable(req);
		return 0;
	}
	if (fp)
		doc_text_wake();
	resp_redirect(req, arena_printf(&req->arena, BASE "/%lld?msg=updated", (long long)d.id));
	return 0;
}

/* ---- the steps ---- */

struct act_in {
	int action;
	const char *action_s, *note, *issue_date, *copies;
};

/*
 * Take a step on d for the user. 200 with *done; otherwise the status with *msg (and *field
 * for a field's error): 400 (no such action), 403, 409, 422, 503.
 */
static int act_do(struct request *req, struct db *db, const struct who *w, const struct doc_out *d,
		  const struct act_in *in, struct doc_out_done *done, const char **msg, const char **field)
{
	struct doc_out_step step = { 0 };
	const struct delegation *via = NULL;
	const char *note = "", *why;
	json_t *detail;
	unsigned may;
	int rc;

	*msg = *field = NULL;
	memset(done, 0, sizeof(*done));
	if (!in->action) {
		*msg = _("There is no such action.");
		return 400;
	}
	if (!doc_out_next_status(d->status, in->action) &&
	    !(in->action == DOC_OUT_SIGN && d->status == DOC_OUT_REVIEW && by_order(req, d))) {
		*msg = arena_printf(&req->arena, _("This cannot be done now: the document is %s."),
				    _(doc_out_status_label(d->status)));
		return 409;
	}
	may = may_do(req, w, d);
	if (!(may & 1u << in->action)) {
		*msg = msg_refused(in->action, d->status);
		return 403;
	}
	if (doc_out_note_check(&req->arena, in->note,
			       in->action == DOC_OUT_RETURN || in->action == DOC_OUT_WITHDRAW ||
				       in->action == DOC_OUT_COMMENT,
			       &note, &why)) {
		*field = "note";
		*msg = in->action == DOC_OUT_COMMENT && !strcmp(why, "Enter the reason.")
			       ? _("Write the comment.")
			       : _(why);
		return 422;
	}
	step.action = in->action;
	step.account = w->v.account;
	step.name = req_user(req)->full_name;
	step.note = note;
	if (in->action == DOC_OUT_SIGN) {
		if (by_order(req, d))
			step.order = d->order_open;
		else if (req_can(req, DOC_OUT_PERM_SIGN, d->agency_id, 0, &via) != 1) {
			*msg = msg_refused(in->action, d->status);
			return 403;
		}
		step.delegation = via ? via->id : 0;
	}
	if (in->action == DOC_OUT_ISSUE) {
		const char *s = input_trim(req, in->issue_date), *c = input_trim(req, in->copies);
		if (*s && !(step.issue_day = schedule_date_parse(s))) {
			*field = "issue_date";
			*msg = _("Enter the issue date as dd/mm/yyyy.");
			return 422;
		}
		if (*c && ((step.copies = (int)input_id(c)) < 1 || step.copies > DOC_OUT_COPIES_MAX)) {
			*field = "copies";
			*msg = _("Enter the number of copies: 1 to 9999.");
			return 422;
		}
	}
	if (db_begin(db))
		return 503;
	rc = doc_out_apply(db, d->id, &step, req_now(req), done);
	if (rc > 0) {
		db_rollback(db);
		switch (rc) {
		case DOC_OUT_EDAY:
			*field = "issue_date";
			*msg = arena_printf(
				&req->arena,
				_("The issue date must be the signing day (%s) or the next working day (%s), and not "
				  "after today."),
				doc_date_vn(req, schedule_day_of(d->signed_at)),
				done->allowed[1] ? doc_date_vn(req, done->allowed[1]) : _("not yet come"));
			return 422;
		case DOC_OUT_ESYMBOL:
			*msg = _(
				"The short name of the agency or of the drafting unit cannot go into a symbol: ask the "
				"administrator to correct it.");
			return 422;
		case DOC_OUT_ESIGNER:
			*msg = _("Your position is not recorded, so no signing notation can be made: ask the "
				 "administrator to enter it.");
			return 422;
		case DOC_OUT_ENOORDER:
			*msg = _(
				"The order to sign this type of document was revoked a moment ago: send it to the "
				"agency's leaders for signature.");
			return 409;
		case DOC_OUT_ENOTFOUND: *msg = msg_not_found(); return 404;
		default:
			*msg = _("Someone else has just moved this document on: look at it again.");
			return 409;
		}
	}
	if (!rc) {
		detail = json_pack("{s:s,s:s,s:s}", "from", doc_out_status_name(done->from_status), "to",
				   doc_out_status_name(done->status), "note", note);
		if (in->action == DOC_OUT_SIGN) {
			json_object_set_new(detail, "notation", json_string(done->notation));
			json_object_set_new(detail, "file_sha", json_string(d->file.sha));
			if (via)
				json_object_set_new(detail, "delegation", json_integer(via->id));
			if (step.order)
				json_object_set_new(detail, "sign_order", json_integer(step.order));
		}
		if (done->numbered) {
			json_object_set_new(detail, "number", json_integer(done->number));
			json_object_set_new(detail, "symbol", json_string(done->symbol));
			json_object_set_new(detail, "issue_date", doc_date_json(req, done->issue_day));
		}
		rc = req_audit_json(req, db,
				    arena_printf(&req->arena, "document.outgoing.%s",
						 doc_out_action_name(in->action)),
				    arena_printf(&req->arena, "doc_out:%lld", (long long)d->id), detail);
	}
	/* issued: its delivery to the recipient agencies of this system recorded (pages_doc_exchange.c) */
	if (!rc && done->numbered)
		rc = doc_exchange_issued(req, db, d->id);
	if (rc || db_commit(db)) {
		db_rollback(db);
		return 503;
	}
	if (done->numbered)
		doc_exchange_wake(); /* delivered after the commit, by the background pass */
	return 200;
}

int page_doc_out_act(struct request *req)
{
	struct db *db = db_thread();
	struct who w;
	struct doc_out d;
	struct act_in in = { 0 };
	struct doc_out_done done;
	struct view_msg m = { 0 };
	const char *msg, *field;
	int status;

	if (who_load(req, &w) || doc_open(req, db, &w, req_param_id(req), DOC_OUT_LOAD_HISTORY, &d))
		return 0;
	in.action_s = input_trim(req, req_form(req, "action"));
	in.action = doc_out_action_from_name(in.action_s);
	in.note = req_form(req, "note");
	in.issue_date = req_form(req, "issue_date");
	in.copies = req_form(req, "copies");
	status = act_do(req, db, &w, &d, &in, &done, &msg, &field);
	if (status == 200) {
		resp_redirect(req,
			      arena_printf(&req->arena, BASE "/%lld?msg=%s", (long long)d.id, in.action_s));
		return 0;
	}
	if (status == 503) {
		resp_unavailable(req);
		return 0;
	}
	if (status == 400 || status == 404) {
		resp_error(req, status, status == 400 ? "bad_request" : "not_found", msg);
		return 0;
	}
	if (doc_out_load(db, &req->arena, d.id, DOC_OUT_LOAD_HISTORY, &d)) {
		resp_unavailable(req);
		return 0;
	}
	m.status = status;
	m.error = msg;
	m.action = field ? in.action : 0;
	m.action_error = field ? msg : NULL;
	m.typed = input_trim(req, in.note);
	view_render(req, db, &w, &d, &m);
	return 0;
}

int api_doc_out_act(struct request *req)
{
	struct db *db = db_thread();
	struct who w;
	struct doc_out d;
	struct act_in in = { 0 };
	struct doc_out_done done;
	const char *msg, *field;
	int status, bad = 0;
	const char *keys[] = { "note", "reason", "comment" };

	if (who_load(req, &w) || doc_open(req, db, &w, req_param_id(req), DOC_OUT_LOAD_HISTORY, &d))
		return 0;
	if (!json_is_object(req->json)) {
		resp_error(
			req, 400, "bad_request",
			_("Send the step as a JSON object: {\"action\": \"submit\"}, with \"note\" for a comment or a "
			  "reason, \"issue_date\" and \"copies\" to issue."));
		return 0;
	}
	in.action_s = doc_json_text(req, req->json, "action", &bad);
	in.action = doc_out_action_from_name(in.action_s ? in.action_s : "");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) && !in.note; i++)
		in.note = doc_json_text(req, req->json, keys[i], &bad);
	in.issue_date = doc_json_text(req, req->json, "issue_date", &bad);
	in.copies = doc_json_text(req, req->json, "copies", &bad);
	if (bad) {
		resp_error(req, 400, "bad_request",
			   _("The fields of a step are strings (copies may be an integer)."));
		return 0;
	}
	status = act_do(req, db, &w, &d, &in, &done, &msg, &field);
	if (status == 200) {
		if (doc_out_load(db, &req->arena, d.id, DOC_OUT_LOAD_HISTORY, &d)) {
			resp_unavailable(req);
			return 0;
		}
		resp_json(req, 200, doc_json(req, &d, 1, may_do(req, &w, &d), 1));
	} else if (status == 503) {
		resp_unavailable(req);
	} else if (status == 422 && field) {
		json_t *errors = json_object();
		json_object_set_new(errors, field, json_string(msg));
		api_invalid(req, errors, msg);
		json_decref(errors);
	} else {
		resp_error(req, status,
			   status == 400   ? "bad_request"
			   : status == 403 ? "forbidden"
			   : status == 404 ? "not_found"
			   : status == 409 ? "conflict"
					   : "invalid",
			   msg);
	}
	return 0;
}

/* ---- the outgoing register ---- */

#define REGISTERS_AT_ONCE 2 /* registers drawn as PDF or XLSX at the same time by this process */
static atomic_int registers_drawing;

struct reg_args {
	int64_t agency;
	int32_t from, to;
	int format; /* 0 json/page, 1 pdf, 2 xlsx */
	const char *from_s, *to_s;
};

/*
 * The register asked: ?unit= (an agency whose clerk or leader the user is; by default his
 * own, else the first), ?from= and ?to= (this year so far by default), ?format=. 0; 1 after
 * answering (403, 400).
 */
static int reg_args(struct request *req, struct db *db, const struct who *w, struct reg_args *a, int api)
{
	const char *unit_s = input_trim(req, req_query(req, "unit")),
		   *fmt = input_trim(req, req_query(req, "format"));
	const struct unit_tree *t = req_units(req);
	int64_t own;

	memset(a, 0, sizeof(*a));
	if (!w->nregisters) {
		resp_error(
			req, 403, "forbidden",
			_("Only the records clerks and the leaders of an agency read its outgoing register."));
		return 1;
	}
	own = t ? unit_tree_agency(t, req_user(req)->unit_id) : 0;
	a->agency = *unit_s					    ? unit_arg(req, db, unit_s)
		    : ids_contain(w->registers, w->nregisters, own) ? own
								    : w->registers[0];
	if (*unit_s && t && a->agency && unit_tree_find(t, a->agency) >= 0)
		a->agency = unit_tree_agency(t, a->agency);
	if (!ids_contain(w->registers, w->nregisters, a->agency)) {
		resp_error(
			req, 403, "forbidden",
			_("Only the records clerks and the leaders of an agency read its outgoing register."));
		return 1;
	}
	a->from_s = input_trim(req, req_query(req, "from"));
	a->to_s = input_trim(req, req_query(req, "to"));
	a->from = *a->from_s ? schedule_date_parse(a->from_s) : today(req) / 10000 * 10000 + 101;
	a->to = *a->to_s ? schedule_date_parse(a->to_s) : today(req);
	if (!a->from || !a->to || a->to < a->from ||
	    schedule_days(a->to) - schedule_days(a->from) > 366 + 365) {
		resp_error(
			req, 400, "bad_request",
			_("Give the period as from=YYYY-MM-DD&to=YYYY-MM-DD, the second not before the first, at most "
			  "two years."));
		return 1;
	}
	a->format = doc_register_format(fmt, api);
	if (a->format < 0) {
		resp_error(req, 400, "bad_request",
			   api ? _("The format is json, pdf or xlsx.") : _("The format is pdf or xlsx."));
		return 1;
	}
	return 0;
}

/* "ỦY BAN NHÂN DÂN QUẬN THANH XUÂN" for the agency, and its parent's name, in capitals. */
static void reg_site(struct request *req, struct db *db, int64_t agency, struct doc_out_register_site *s)
{
	struct unit u, p;
	char up[512];
	s->parent = s->agency = "";
	if (org_unit_load(db, &req->arena, agency, &u))
		return;
	if (!signing_upper(arena_printf(&req->arena, "Ủy ban nhân dân %s", u.name), up, sizeof(up)))
		s->agency = arena_strdup(&req->arena, up);
	if (u.parent_id && !org_unit_load(db, &req->arena, u.parent_id, &p) &&
	    !signing_upper(arena_printf(&req->arena, "Ủy ban nhân dân %s", p.name), up, sizeof(up)))
		s->parent = arena_strdup(&req->arena, up);
}

static json_t *reg_row_json(struct request *req, const struct doc_out *d)
{
	const char *cells[DOC_OUT_REG_COLS];
	json_t *c = json_array(), *o;
	doc_out_register_cells(&req->arena, d, "\n", cells);
	for (int i = 0; i < DOC_OUT_REG_COLS; i++)
		json_array_append_new(c, json_string(cells[i]));
	o = json_pack("{s:I,s:I,s:s,s:o,s:o,s:s,s:s,s:o,s:o,s:s,s:i,s:o,s:s,s:b,s:o}", "id",
		      (json_int_t)d->id, "number", (json_int_t)d->number, "symbol", d->symbol, "date",
		      doc_date_json(req, d->issued_day), "type", doc_type_json(d->type), "summary",
		      d->summary, "signer", d->signer_name, "recipients", lines_json(cells[DOC_OUT_REG_TO]),
		      "kept_by", lines_json(cells[DOC_OUT_REG_KEPT]), "copies_text",
		      cells[DOC_OUT_REG_COPIES], "copies", d->copies, "sent",
		      doc_date_json(req, d->issued_day), "note", cells[DOC_OUT_REG_NOTE], "withdrawn",
		      d->status == DOC_OUT_WITHDRAWN, "cells", c);
	return o;
}

static int reg_serve(struct request *req, int api)
{
	struct db *db = db_thread();
	struct who w;
	struct reg_args a;
	struct doc_out *list;
	struct doc_out_register_site site;
	size_t n;
	int more, rc;

	if (who_load(req, &w))
		return 0;
	if (!db) {
		resp_unavailable(req);
		return 0;
	}
	if (reg_args(req, db, &w, &a, api))
		return 0;
	if (doc_out_register_list(db, &req->arena, a.agency, a.from, a.to, &list, &n, &more)) {
		resp_unavailable(req);
		return 0;
	}
	if (more) {
		resp_error(
			req, 422, "too_many",
			arena_printf(
				&req->arena,
				_("More than %d documents were issued in this period: choose a shorter one."),
				DOC_OUT_REGISTER_MAX));
		return 0;
	}
	reg_site(req, db, a.agency, &site);
	resp_header_static(req, "Cache-Control", "no-store");
	if (a.format) {
		if (atomic_fetch_add(&registers_drawing, 1) >= REGISTERS_AT_ONCE) {
			atomic_fetch_sub(&registers_drawing, 1);
			resp_header_static(req, "Retry-After", "10");
			resp_error(req, 429, "busy",
				   _("Other registers are being drawn: try again in a few seconds."));
			return 0;
		}
		buf_reset(&req->out);
		rc = a.format == DOC_REGISTER_XLSX
			     ? doc_out_register_xlsx(list, n, &site, a.from, a.to, &req->out)
			     : doc_out_register_pdf(list, n, &site, a.from, a.to, &req->out);
		atomic_fetch_sub(&registers_drawing, 1);
		doc_register_send(req, rc, "so-van-ban-di", a.format, a.from, a.to);
		return 0;
	}
	if (api) {
		json_t *cols = json_array(), *rows = json_array();
		for (int i = 0; i < DOC_OUT_REG_COLS; i++)
			json_array_append_new(cols, json_string(doc_out_register_heads[i]));
		for (size_t i = 0; i < n; i++)
			json_array_append_new(rows, reg_row_json(req, &list[i]));
		resp_json(req, 200,
			  json_pack("{s:{s:I,s:s},s:s,s:s,s:o,s:o}", "agency", "id", (json_int_t)a.agency,
				    "name", site.agency, "from", doc_date_iso(req, a.from), "to",
				    doc_date_iso(req, a.to), "columns", cols, "documents", rows));
		return 0;
	}
	{
		json_t *ctx = page_context(req, _("Outgoing register")), *heads = json_array(),
		       *rows = json_array(), *units = json_array();
		const char *q = arena_printf(&req->arena, "unit=%lld&from=%s&to=%s", (long long)a.agency,
					     doc_date_iso(req, a.from), doc_date_iso(req, a.to));
		for (int i = 0; i < DOC_OUT_REG_COLS; i++)
			json_array_append_new(heads,
					      json_pack("{s:s,s:s}", "label", doc_out_register_heads[i], "n",
							arena_printf(&req->arena, "(%d)", i + 1)));
		for (size_t i = 0; i < n; i++) {
			const char *cells[DOC_OUT_REG_COLS];
			json_t *c = json_array();
			doc_out_register_cells(&req->arena, &list[i], "\n", cells);
			for (int k = 0; k < DOC_OUT_REG_COLS; k++)
				json_array_append_new(c, json_string(cells[k]));
			json_array_append_new(
				rows,
				json_pack("{s:o,s:s,s:b}", "cells", c, "href",
					  arena_printf(&req->arena, BASE "/%lld", (long long)list[i].id),
					  "withdrawn", list[i].status == DOC_OUT_WITHDRAWN));
		}
		for (size_t i = 0; i < w.nregisters; i++) {
			struct unit u;
			if (org_unit_load(db, &req->arena, w.registers[i], &u))
				continue;
			json_array_append_new(units, json_pack("{s:I,s:s,s:b}", "id", (json_int_t)u.id,
							       "name", u.name, "selected", u.id == a.agency));
		}
		json_object_set_new(ctx, "heads", heads);
		json_object_set_new(ctx, "rows", rows);
		json_object_set_new(ctx, "has_rows", json_boolean(n > 0));
		json_object_set_new(ctx, "units", units);
		json_object_set_new(ctx, "many_units", json_boolean(w.nregisters > 1));
		json_object_set_new(ctx, "agency", json_string(site.agency));
		doc_register_links(req, ctx, BASE, API_BASE, q, a.from, a.to);
		page_render(req, 200, "doc_out_register", ctx);
	}
	return 0;
}

int page_doc_out_register(struct request *req)
{
	return reg_serve(req, 0);
}

int api_doc_out_register(struct request *req)
{
	return reg_serve(req, 1);
}

/* ---- the e-office's home (pages_documents.c) ---- */

json_t *doc_out_home_queues(struct request *req)
{
	struct db *db = db_thread();
	struct who w;
	int64_t counts[DOC_OUT_Q_COUNT];
	json_t *list;
	int shown[DOC_OUT_Q_COUNT];

	if (who_load(req, &w))
		return NULL;
	if (!db || doc_out_queue_counts(db, &w.v, counts)) {
		resp_unavailable(req);
		return NULL;
	}
	/* the queues of his work: those of his powers, and any that holds a document of his */
	shown[DOC_OUT_Q_MINE] = w.ndraft || counts[DOC_OUT_Q_MINE];
	shown[DOC_OUT_Q_REVIEW] = w.v.nreview > 0;
	shown[DOC_OUT_Q_SIGN] = w.v.nsign > 0;
	shown[DOC_OUT_Q_NUMBER] = w.nnumber > 0;
	list = json_array();
	for (int q = DOC_OUT_Q_MINE; q <= DOC_OUT_Q_NUMBER; q++)
		if (shown[q])
			json_array_append_new(
				list, json_pack("{s:s,s:s,s:I,s:b}", "label", _(queue_labels[q]), "href",
						arena_printf(&req->arena, "/van-ban/di?queue=%s",
							     doc_out_queue_name(q)),
						"count", (json_int_t)counts[q], "urgent", 0));
	return list;
}
