/* edxml.c: edXML messages of the national document-exchange hub, built and read with libxml2. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/i18n.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "features/edxml.h"
#include "rules/document.h"
#include "core/banned.h"

/*
 * The layout (docs/edxml.md): a root <edXML> in the edXML namespace holding the envelope
 * (edXML:edXMLEnvelope: edXMLHeader with MessageHeader and TraceHeaderList, edXMLBody with
 * the manifest of files) and, beside it, <AttachmentEncoded> with each file in base64: the
 * layout of the hub's SDK. Reading is lenient where senders differ (the root may be the
 * envelope itself; the attachments' elements may be in no namespace; dates with '/' or '-')
 * and strict on what a document needs.
 */

/* ---- reasons (msgids: po/vi.po has them) ---- */

#define WHY_TOO_BIG	   N_("the edXML message is too large")
#define WHY_NOT_XML	   N_("the edXML message is not well-formed XML")
#define WHY_DOCTYPE	   N_("a DOCTYPE or entity declaration is not accepted in an edXML message")
#define WHY_NOT_EDXML	   N_("this is not an edXML message")
#define WHY_NO_HEADER	   N_("the edXML message has no message header")
#define WHY_FROM_ID	   N_("the sender's organ id is missing or invalid")
#define WHY_FROM_NAME	   N_("the sender's name is missing")
#define WHY_NO_TO	   N_("the edXML message has no recipient")
#define WHY_TOO_MANY_TO	   N_("the edXML message has too many recipients")
#define WHY_TO_ID	   N_("a recipient's organ id is missing or invalid")
#define WHY_TO_NAME	   N_("a recipient's name is missing")
#define WHY_DOC_ID	   N_("the document id is missing")
#define WHY_NUMBER	   N_("the document number is missing")
#define WHY_NOTATION	   N_("the document notation is missing")
#define WHY_PLACE	   N_("the place of issue is missing")
#define WHY_DATE	   N_("the date of issue is missing or invalid")
#define WHY_TYPE	   N_("the document type is missing or unknown")
#define WHY_SUBJECT	   N_("the summary (subject) is missing")
#define WHY_SIGNER	   N_("the signer's name is missing")
#define WHY_POSITION	   N_("the signer's position is missing")
#define WHY_DUE		   N_("the due date is invalid")
#define WHY_PRIORITY	   N_("the priority is invalid")
#define WHY_STEERING	   N_("the steering type is invalid")
#define WHY_TEXT	   N_("a field of the edXML message is too long or holds characters that are not allowed")
#define WHY_SECRET	   N_("a secret document cannot be sent through the document exchange")
#define WHY_TOO_MANY_FILES N_("the edXML message has too many files")
#define WHY_FILE_META	   N_("an attached file has no name or content type")
#define WHY_FILE_NAME	   N_("an attached file's name is not allowed")
#define WHY_FILE_BIG	   N_("an attached file is too large")
#define WHY_FILES_BIG	   N_("the attached files are too large together")
#define WHY_FILE_B64	   N_("an attached file's content is not valid base64")
#define WHY_FILE_SHA	   N_("an attached file's SHA-256 does not match its content")
#define WHY_NO_STATUS	   N_("the edXML message holds no status")
#define WHY_STATUS_DOC	   N_("the status names no document")
#define WHY_STATUS_CODE	   N_("the status code is missing or unknown")
#define WHY_STATUS_TIME	   N_("the time of the status is missing or invalid")

/* ---- checks ---- */

/*
 * 1 when s[0..n) is valid UTF-8 of characters XML 1.0 allows (no C0 control but tab and, with
 * `lines`, line breaks; no U+FFFE/U+FFFF) and no DEL or C1 control.
 */
static int text_valid(const char *s, size_t n, int lines)
{
	while (n) {
		long cp = utf8_next(&s, &n);
		if (cp < 0 || (cp < 0x20 && cp != '\t' && !(lines && (cp == '\n' || cp == '\r'))) ||
		    (cp >= 0x7f && cp <= 0x9f) || cp == 0xfffe || cp == 0xffff)
			return 0;
	}
	return 1;
}

static int present(const char *s)
{
	return s && *s;
}

/* An optional text: absent, or at most max bytes of allowed characters. */
static int opt_ok(const char *s, size_t max, int lines)
{
	size_t n;
	if (!s)
		return 1;
	n = strlen(s);
	return n <= max && text_valid(s, n, lines);
}

/* An organ id: "000.00.15.H26" (QCVN 102), or another system's code: [A-Za-z0-9._-]. */
static int organ_id_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (!n || n > EDXML_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr("._-", s[i])))
			return 0;
	return 1;
}

static int ymd_ok(int32_t d)
{
	int y = d / 10000, m = d / 100 % 100, day = d % 100;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || day < 1 || day > mdays[m - 1])
		return 0;
	return !(m == 2 && day == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)));
}

/* A file name as kept and shown: no path, no control character. */
static int file_name_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (!n || n > EDXML_FILE_NAME_MAX || !text_valid(s, n, 0) || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	return !strpbrk(s, "/\\");
}

/* A content type "type/subtype" of token characters (RFC 2045), parameters not taken. */
static int mime_ok(const char *s)
{
	static const char tok[] = "!#$%&'*+-.^_`|~";
	size_t n = s ? strlen(s) : 0;
	int slash = 0;
	if (!n || n > 127)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '/') {
			if (slash++ || i == 0 || i == n - 1)
				return 0;
		} else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			     strchr(tok, c))) {
			return 0;
		}
	}
	return slash == 1;
}

static int organ_ok(const struct edxml_organ *o)
{
	return opt_ok(o->name, EDXML_NAME_MAX, 0) && opt_ok(o->in_charge, EDXML_NAME_MAX, 0);
}

const char *edxml_check(const struct edxml_doc *d, const struct edxml_file *files, size_t n)
{
	size_t total = 0;

	if (!organ_id_ok(d->from.id))
		return WHY_FROM_ID;
	if (!present(d->from.name))
		return WHY_FROM_NAME;
	if (!d->nto || !d->to)
		return WHY_NO_TO;
	if (d->nto > EDXML_TO_MAX || d->nplaces > EDXML_TO_MAX)
		return WHY_TOO_MANY_TO;
	for (size_t i = 0; i < d->nto; i++) {
		if (!organ_id_ok(d->to[i].id))
			return WHY_TO_ID;
		if (!present(d->to[i].name))
			return WHY_TO_NAME;
		if (!organ_ok(&d->to[i]))
			return WHY_TEXT;
	}
	if (d->document_id && !*d->document_id)
		return WHY_DOC_ID;
	if (!present(d->code_number))
		return WHY_NUMBER;
	if (!present(d->code_notation))
		return WHY_NOTATION;
	if (!present(d->place))
		return WHY_PLACE;
	if (!ymd_ok(d->date))
		return WHY_DATE;
	if (!doc_type(d->type))
		return WHY_TYPE;
	if (!present(d->subject))
		return WHY_SUBJECT;
	if (!present(d->signer_name))
		return WHY_SIGNER;
	if (!present(d->signer_position))
		return WHY_POSITION;
	if (d->due_date && !ymd_ok(d->due_date))
		return WHY_DUE;
	if (d->urgency < 0 || d->urgency > DOC_URGENCY_FLASH)
		return WHY_PRIORITY;
	if (d->steering < 0 || d->steering > 9)
		return WHY_STEERING;
	if (d->secrecy > DOC_SECRECY_NONE)
		return WHY_SECRET;
	if (!organ_ok(&d->from) || !opt_ok(d->document_id, EDXML_NAME_MAX, 0) ||
	    !opt_ok(d->code_number, EDXML_ID_MAX, 0) || !opt_ok(d->code_notation, EDXML_ID_MAX, 0) ||
	    !opt_ok(d->place, EDXML_NAME_MAX, 0) || !opt_ok(d->subject, EDXML_SUBJECT_MAX, 1) ||
	    !opt_ok(d->content, EDXML_CONTENT_MAX, 1) || !opt_ok(d->signer_competence, EDXML_NAME_MAX, 0) ||
	    !opt_ok(d->signer_position, EDXML_NAME_MAX, 0) || !opt_ok(d->signer_name, EDXML_NAME_MAX, 0) ||
	    d->pages < 0 || d->pages > 1000000 || d->sent_at < 0)
		return WHY_TEXT;
	for (size_t i = 0; i < d->nplaces; i++)
		if (!present(d->to_places[i]) || !opt_ok(d->to_places[i], EDXML_NAME_MAX, 0))
			return WHY_TEXT;
	if (n > EDXML_FILES_MAX)
		return WHY_TOO_MANY_FILES;
	for (size_t i = 0; i < n; i++) {
		if (!present(files[i].name) || !present(files[i].mime))
			return WHY_FILE_META;
		if (!file_name_ok(files[i].name) || !mime_ok(files[i].mime))
			return WHY_FILE_NAME;
		if (!opt_ok(files[i].description, EDXML_NAME_MAX, 1))
			return WHY_TEXT;
		if (files[i].len > EDXML_FILE_MAX || (files[i].len && !files[i].data))
			return WHY_FILE_BIG;
		total += files[i].len;
		if (total > EDXML_FILES_TOTAL)
			return WHY_FILES_BIG;
	}
	return NULL;
}

/* ---- dates ---- */

/* "2026/11/18" into out (11 bytes). */
static void fmt_ymd(int32_t d, char *out, size_t n)
{
	snprintf(out, n, "%04d/%02d/%02d", (int)(d / 10000), (int)(d / 100 % 100), (int)(d % 100));
}

/* "2026/11/18 14:05:09" in Vietnam time (the hub's Timestamp) into out (20 bytes). */
static void fmt_time(int64_t t, char *out, size_t n)
{
	struct civil c;
	time_to_civil(t, VN_UTC_OFFSET, &c);
	snprintf(out, n, "%04d/%02d/%02d %02d:%02d:%02d", c.year, c.month, c.day, c.hour, c.min, c.sec);
}

/* `n` digits at s into *v: 1, or 0 when they are not all digits. */
static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

/*
 * A date "yyyy/mm/dd" or "yyyy-mm-dd" at s; *rest gets what follows. YYYYMMDD, or 0 when it
 * is not one.
 */
static int32_t scan_ymd(const char *s, const char **rest)
{
	int y, m, d;
	if (strlen(s) < 10 || (s[4] != '/' && s[4] != '-') || s[7] != s[4] || !digits(s, 4, &y) ||
	    !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
		return 0;
	*rest = s + 10;
	return ymd_ok(y * 10000 + m * 100 + d) ? y * 10000 + m * 100 + d : 0;
}

/* A date alone, or with a time of day after it (some senders write one): YYYYMMDD or 0. */
static int32_t parse_date(const char *s)
{
	const char *rest;
	int32_t d = scan_ymd(s, &rest);
	if (!d || (*rest && *rest != ' ' && *rest != 'T'))
		return 0;
	return d;
}

/*
 * A time "yyyy/mm/dd hh:mm:ss" (or '-' and 'T'), fractions of a second ignored, in Vietnam
 * time unless it ends with "Z" or "+hh:mm"/"-hh:mm". Seconds since the epoch, or -1.
 */
static int64_t parse_time(const char *s)
{
	struct civil c = { 0 };
	const char *p;
	int32_t d = scan_ymd(s, &p);
	int offset = VN_UTC_OFFSET, oh, om;

	if (!d || (*p != ' ' && *p != 'T') || strlen(p) < 9 || p[3] != ':' || p[6] != ':' ||
	    !digits(p + 1, 2, &c.hour) || !digits(p + 4, 2, &c.min) || !digits(p + 7, 2, &c.sec) ||
	    c.hour > 23 || c.min > 59 || c.sec > 60)
		return -1;
	p += 9;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (*p == 'Z') {
		offset = 0;
		p++;
	} else if ((*p == '+' || *p == '-') && strlen(p) >= 6 && p[3] == ':' && digits(p + 1, 2, &oh) &&
		   digits(p + 4, 2, &om) && oh <= 14 && om <= 59) {
		offset = (*p == '-' ? -1 : 1) * (oh * 3600 + om * 60);
		p += 6;
	}
	if (*p)
		return -1;
	c.year = d / 10000;
	c.month = d / 100 % 100;
	c.day = d % 100;
	return time_from_civil(&c, offset);
}

/* ---- building ---- */

struct out {
	struct buf *b;
	int failed;
};

static int write_out(void *ctx, const char *p, int len)
{
	struct out *o = ctx;
	if (buf_add(o->b, p, (size_t)len)) {
		o->failed = 1;
		return -1;
	}
	return len;
}

static int close_out(void *ctx)
{
	(void)ctx;
	return 0;
}

/* A writer appending to o->b; NULL on failure. */
static xmlTextWriterPtr writer_new(struct out *o)
{
	xmlOutputBufferPtr ob = xmlOutputBufferCreateIO(write_out, close_out, o, NULL);
	xmlTextWriterPtr w;
	if (!ob)
		return NULL;
	w = xmlNewTextWriter(ob);
	if (!w) {
		xmlOutputBufferClose(ob);
		return NULL;
	}
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	return w;
}

#define X(s) BAD_CAST(s)

/* <edXML:name>text</edXML:name>; nothing when text is NULL and !always. Returns rc < 0 on error. */
static int el(xmlTextWriterPtr w, const char *name, const char *text)
{
	char qname[64];
	snprintf(qname, sizeof(qname), "edXML:%s", name);
	return xmlTextWriterWriteElement(w, X(qname), X(text ? text : ""));
}

static int el_opt(xmlTextWriterPtr w, const char *name, const char *text)
{
	return present(text) ? el(w, name, text) : 0;
}

static int start(xmlTextWriterPtr w, const char *name)
{
	char qname[64];
	snprintf(qname, sizeof(qname), "edXML:%s", name);
	return xmlTextWriterStartElement(w, X(qname));
}

static int organ(xmlTextWriterPtr w, const char *name, const struct edxml_organ *o)
{
	int bad = start(w, name) < 0;
	bad |= el(w, "OrganId", o->id) < 0;
	bad |= el_opt(w, "OrganizationInCharge", o->in_charge) < 0;
	bad |= el(w, "OrganName", o->name) < 0;
	bad |= xmlTextWriterEndElement(w) < 0;
	return bad ? -1 : 0;
}

/* The root and the envelope's opening, up to <edXML:edXMLHeader>. */
static int open_envelope(xmlTextWriterPtr w, int motcua_ns)
{
	int bad = xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
	bad |= xmlTextWriterStartElement(w, X("edXML")) < 0;
	bad |= xmlTextWriterWriteAttribute(w, X("xmlns"), X(EDXML_NS)) < 0;
	if (motcua_ns)
		bad |= xmlTextWriterWriteAttribute(w, X("xmlns:mc"), X(EDXML_MOTCUA_NS)) < 0;
	bad |= xmlTextWriterStartElement(w, X("edXML:edXMLEnvelope")) < 0;
	bad |= xmlTextWriterWriteAttribute(w, X("xmlns:edXML"), X(EDXML_NS)) < 0;
	bad |= start(w, "edXMLHeader") < 0;
	return bad ? -1 : 0;
}

/* Base64 of p[0..n) as the element's text, in pieces (no line breaks). */
static int write_base64(xmlTextWriterPtr w, const unsigned char *p, size_t n)
{
	enum {
		CHUNK = 12 * 1024
	};
	char enc[sodium_base64_ENCODED_LEN(CHUNK, sodium_base64_VARIANT_ORIGINAL)];
	for (size_t at = 0; at < n; at += CHUNK) {
		size_t k = n - at < CHUNK ? n - at : CHUNK;
		sodium_bin2base64(enc, sizeof(enc), p + at, k, sodium_base64_VARIANT_ORIGINAL);
		/* base64's alphabet needs no escaping: written as it is */
		if (xmlTextWriterWriteRaw(w, X(enc)) < 0)
			return -1;
	}
	return 0;
}

static void sha256_hex(const unsigned char *p, size_t n, char hex[65])
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, p, n);
	sodium_bin2hex(hex, 65, digest, sizeof(digest));
}

int edxml_build(const struct edxml_doc *d, const struct edxml_file *files, size_t n, struct buf *out)
{
	const struct doc_type *t;
	size_t start_len = out->len;
	struct out o = { out, 0 };
	xmlTextWriterPtr w = NULL;
	char date[16], due[16], stamp[24], num[16], *docid = NULL;
	int bad = 0;

	if (edxml_check(d, files, n) || sodium_init() < 0)
		return -1;
	t = doc_type(d->type);
	fmt_ymd(d->date, date, sizeof(date));
	if (!d->document_id) {
		size_t len = strlen(d->from.id) + strlen(d->code_number) + strlen(d->code_notation) + 16;
		docid = malloc(len);
		if (!docid)
			return -1;
		snprintf(docid, len, "%s,%s,%s/%s", d->from.id, date, d->code_number, d->code_notation);
	}
	w = writer_new(&o);
	if (!w) {
		free(docid);
		return -1;
	}
	bad |= open_envelope(w, n > 0);
	bad |= start(w, "MessageHeader") < 0;
	bad |= organ(w, "From", &d->from);
	for (size_t i = 0; i < d->nto; i++)
		bad |= organ(w, "To", &d->to[i]);
	bad |= el(w, "DocumentId", d->document_id ? d->document_id : docid) < 0;
	bad |= start(w, "Code") < 0;
	bad |= el(w, "CodeNumber", d->code_number) < 0;
	bad |= el(w, "CodeNotation", d->code_notation) < 0;
	bad |= xmlTextWriterEndElement(w) < 0;
	bad |= start(w, "PromulgationInfo") < 0;
	bad |= el(w, "Place", d->place) < 0;
	bad |= el(w, "PromulgationDate", date) < 0;
	bad |= xmlTextWriterEndElement(w) < 0;
	/* Type: Decree 30/2020 art. 7's number (Công văn 18, as the hub's SDK has it) */
	snprintf(num, sizeof(num), "%d", t->code);
	bad |= start(w, "DocumentType") < 0;
	bad |= el(w, "Type", num) < 0;
	bad |= el(w, "TypeDetail", "0") < 0;
	bad |= el(w, "TypeName", t->name) < 0;
	bad |= xmlTextWriterEndElement(w) < 0;
	bad |= el(w, "Subject", d->subject) < 0;
	bad |= el_opt(w, "Content", d->content) < 0;
	bad |= start(w, "SignerInfo") < 0;
	bad |= el(w, "Competence", d->signer_competence ? d->signer_competence : "") < 0;
	bad |= el(w, "Position", d->signer_position) < 0;
	bad |= el(w, "FullName", d->signer_name) < 0;
	bad |= xmlTextWriterEndElement(w) < 0;
	if (d->due_date) {
		fmt_ymd(d->due_date, due, sizeof(due));
		bad |= el(w, "DueDate", due) < 0;
	}
	if (d->nplaces) {
		bad |= start(w, "ToPlaces") < 0;
		for (size_t i = 0; i < d->nplaces; i++)
			bad |= el(w, "Place", d->to_places[i]) < 0;
		bad |= xmlTextWriterEndElement(w) < 0;
	}
	/* Priority: 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc */
	snprintf(num, sizeof(num), "%d", d->urgency > DOC_URGENCY_NORMAL ? d->urgency - 1 : 0);
	bad |= start(w, "OtherInfo") < 0;
	bad |= el(w, "Priority", num) < 0;
	if (d->pages) {
		snprintf(num, sizeof(num), "%d", d->pages);
		bad |= el(w, "PageAmount", num) < 0;
	}
	bad |= xmlTextWriterEndElement(w) < 0;
	snprintf(num, sizeof(num), "%d", d->steering);
	bad |= el(w, "SteeringType", num) < 0;
	bad |= xmlTextWriterEndElement(w) < 0; /* MessageHeader */
	if (d->sent_at) {
		fmt_time(d->sent_at, stamp, sizeof(stamp));
		bad |= start(w, "TraceHeaderList") < 0;
		bad |= start(w, "TraceHeader") < 0;
		bad |= el(w, "OrganId", d->from.id) < 0;
		bad |= el(w, "Timestamp", stamp) < 0;
		bad |= xmlTextWriterEndElement(w) < 0;
		bad |= xmlTextWriterEndElement(w) < 0;
	}
	bad |= xmlTextWriterEndElement(w) < 0; /* edXMLHeader */
	bad |= start(w, "edXMLBody") < 0;
	bad |= start(w, "edXMLManifest") < 0;
	bad |= xmlTextWriterWriteAttribute(w, X("version"), X("1.0")) < 0;
	for (size_t i = 0; i < n; i++) {
		char cid[32];
		snprintf(cid, sizeof(cid), "cid:%zu", i + 1);
		bad |= start(w, "Reference") < 0;
		bad |= el(w, "ContentId", cid) < 0;
		bad |= el(w, "ContentType", files[i].mime) < 0;
		bad |= el_opt(w, "Description", files[i].description) < 0;
		bad |= el(w, "AttachmentName", files[i].name) < 0;
		bad |= xmlTextWriterEndElement(w) < 0;
	}
	bad |= xmlTextWriterEndElement(w) < 0; /* edXMLManifest */
	bad |= xmlTextWriterEndElement(w) < 0; /* edXMLBody */
	bad |= xmlTextWriterEndElement(w) < 0; /* edXMLEnvelope */
	if (n) {
		bad |= xmlTextWriterStartElement(w, X("AttachmentEncoded")) < 0;
		for (size_t i = 0; i < n && !bad; i++) {
			char cid[32], sha[65];
			snprintf(cid, sizeof(cid), "%zu", i + 1);
			sha256_hex(files[i].data, files[i].len, sha);
			bad |= xmlTextWriterStartElement(w, X("Attachment")) < 0;
			/* not in QCVN 102: the receiver checks the bytes arrived whole */
			bad |= xmlTextWriterWriteAttribute(w, X("mc:sha256"), X(sha)) < 0;
			bad |= xmlTextWriterWriteElement(w, X("ContentType"), X(files[i].mime)) < 0;
			bad |= xmlTextWriterWriteElement(w, X("ContentId"), X(cid)) < 0;
			if (present(files[i].description))
				bad |= xmlTextWriterWriteElement(w, X("Description"),
								 X(files[i].description)) < 0;
			bad |= xmlTextWriterWriteElement(w, X("AttachmentName"), X(files[i].name)) < 0;
			bad |= xmlTextWriterStartElement(w, X("ContentTransferEncoded")) < 0;
			bad |= xmlTextWriterWriteString(w, X("")) < 0; /* closes the start tag */
			bad |= write_base64(w, files[i].data, files[i].len);
			bad |= xmlTextWriterEndElement(w) < 0;
			bad |= xmlTextWriterEndElement(w) < 0;
		}
		bad |= xmlTextWriterEndElement(w) < 0;
	}
	bad |= xmlTextWriterEndDocument(w) < 0;
	xmlFreeTextWriter(w);
	free(docid);
	if (bad || o.failed || buf_err(out)) {
		buf_setlen(out, start_len);
		out->toobig = 0;
		return -1;
	}
	return 0;
}

int edxml_status_code_valid(int c)
{
	return (c >= EDXML_ST_ARRIVED && c <= EDXML_ST_DONE) || c == EDXML_ST_RECALL_ASKED ||
	       c == EDXML_ST_RECALL_AGREED || c == EDXML_ST_RECALL_REFUSED;
}

/* Why a status cannot be built or was refused: NULL when it is whole. */
static const char *status_check(const struct edxml_status *s)
{
	if (!present(s->document_id) || !opt_ok(s->document_id, EDXML_NAME_MAX, 0))
		return WHY_STATUS_DOC;
	if (!organ_id_ok(s->from.id))
		return WHY_FROM_ID;
	if (!present(s->from.name))
		return WHY_FROM_NAME;
	if (!edxml_status_code_valid(s->status))
		return WHY_STATUS_CODE;
	if (s->at <= 0)
		return WHY_STATUS_TIME;
	if ((s->sender_id && *s->sender_id && !organ_id_ok(s->sender_id)) || (s->date && !ymd_ok(s->date)) ||
	    !opt_ok(s->code, EDXML_ID_MAX * 2, 0) || !organ_ok(&s->from) ||
	    !opt_ok(s->description, EDXML_CONTENT_MAX, 1) || !opt_ok(s->department, EDXML_NAME_MAX, 0) ||
	    !opt_ok(s->staff, EDXML_NAME_MAX, 0) || !opt_ok(s->email, EDXML_NAME_MAX, 0) ||
	    !opt_ok(s->mobile, EDXML_NAME_MAX, 0))
		return WHY_TEXT;
	return NULL;
}

int edxml_status_build(const struct edxml_status *s, struct buf *out)
{
	size_t start_len = out->len;
	struct out o = { out, 0 };
	xmlTextWriterPtr w;
	char code[8], stamp[24], date[16];
	int bad = 0;

	if (status_check(s))
		return -1;
	w = writer_new(&o);
	if (!w)
		return -1;
	bad |= open_envelope(w, 0);
	bad |= start(w, "Status") < 0;
	bad |= start(w, "ResponseFor") < 0;
	bad |= el_opt(w, "OrganId", s->sender_id) < 0;
	bad |= el_opt(w, "Code", s->code) < 0;
	if (s->date) {
		fmt_ymd(s->date, date, sizeof(date));
		bad |= el(w, "PromulgationDate", date) < 0;
	}
	bad |= el(w, "DocumentId", s->document_id) < 0;
	bad |= xmlTextWriterEndElement(w) < 0;
	bad |= organ(w, "From", &s->from);
	snprintf(code, sizeof(code), "%02d", s->status);
	bad |= el(w, "StatusCode", code) < 0;
	bad |= el_opt(w, "Description", s->description) < 0;
	fmt_time(s->at, stamp, sizeof(stamp));
	bad |= el(w, "Timestamp", stamp) < 0;
	if (present(s->department) || present(s->staff) || present(s->email) || present(s->mobile)) {
		bad |= start(w, "StaffInfo") < 0;
		bad |= el_opt(w, "Department", s->department) < 0;
		bad |= el_opt(w, "Staff", s->staff) < 0;
		bad |= el_opt(w, "Email", s->email) < 0;
		bad |= el_opt(w, "Mobile", s->mobile) < 0;
		bad |= xmlTextWriterEndElement(w) < 0;
	}
	bad |= xmlTextWriterEndDocument(w) < 0; /* closes Status, the header, the envelope, the root */
	xmlFreeTextWriter(w);
	if (bad || o.failed || buf_err(out)) {
		buf_setlen(out, start_len);
		out->toobig = 0;
		return -1;
	}
	return 0;
}

/* ---- reading ---- */

/* An element of the edXML namespace, or of none (senders differ), called `name`. */
static int is(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name) &&
	       (!n->ns || !n->ns->href || !strcmp((const char *)n->ns->href, EDXML_NS));
}

/* The first child element `name` of parent, or NULL. */
static xmlNode *child(const xmlNode *parent, const char *name)
{
	if (!parent)
		return NULL;
	for (xmlNode *c = parent->children; c; c = c->next)
		if (is(c, name))
			return c;
	return NULL;
}

enum field_result {
	F_ABSENT = 0, /* no element, or an empty one */
	F_OK = 1,
	F_BAD = -1, /* too long or characters not allowed */
};

/*
 * The text of child `name` of parent, spaces at its ends cut, into *out (arena); NULL when
 * absent or empty.
 */
static int field(struct arena *a, const xmlNode *parent, const char *name, size_t max, int lines,
		 const char **out)
{
	xmlNode *n = child(parent, name);
	xmlChar *v;
	const char *s, *e;
	int rc;

	*out = NULL;
	if (!n)
		return F_ABSENT;
	v = xmlNodeGetContent(n);
	if (!v)
		return F_ABSENT;
	s = (const char *)v;
	e = s + strlen(s);
	while (s < e && strchr(" \t\r\n", *s))
		s++;
	while (e > s && strchr(" \t\r\n", e[-1]))
		e--;
	if (s == e) {
		rc = F_ABSENT;
	} else if ((size_t)(e - s) > max || !text_valid(s, (size_t)(e - s), lines)) {
		rc = F_BAD;
	} else {
		*out = arena_strndup(a, s, (size_t)(e - s));
		rc = F_OK;
	}
	xmlFree(v);
	return rc;
}

/* A small number field: 1 read (*v), 0 absent, -1 not a number in [0, max]. */
static int number(struct arena *a, const xmlNode *parent, const char *name, int max, int *v)
{
	const char *s;
	int rc = field(a, parent, name, 12, 0, &s);
	long x = 0;
	if (rc != F_OK)
		return rc;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		x = x * 10 + (*p - '0');
		if (x > max)
			return -1;
	}
	*v = (int)x;
	return 1;
}

/* An organ (From, To): NULL or the reason. */
static const char *read_organ(struct arena *a, const xmlNode *n, struct edxml_organ *o, const char *why_id,
			      const char *why_name)
{
	memset(o, 0, sizeof(*o));
	if (field(a, n, "OrganId", EDXML_ID_MAX, 0, &o->id) != F_OK || !organ_id_ok(o->id))
		return why_id;
	switch (field(a, n, "OrganName", EDXML_NAME_MAX, 0, &o->name)) {
	case F_ABSENT: return why_name;
	case F_BAD: return WHY_TEXT;
	}
	if (field(a, n, "OrganizationInCharge", EDXML_NAME_MAX, 0, &o->in_charge) == F_BAD)
		return WHY_TEXT;
	return NULL;
}

/*
 * Parse the bytes as an edXML message: refused before parsing when too big or holding a
 * DOCTYPE (no entity can then be declared: only XML's own five and character references
 * remain, so nothing expands and nothing is loaded); the document and its envelope
 * (edXML:edXMLEnvelope, as the root or under <edXML>) into *docp / *envp.
 */
static const char *open_message(const char *xml, size_t len, xmlDocPtr *docp, xmlNode **rootp, xmlNode **envp)
{
	xmlDocPtr doc;
	xmlNode *root, *env;

	*docp = NULL;
	if (!len || len > EDXML_MAX)
		return len ? WHY_TOO_BIG : WHY_NOT_XML;
	if (memchr(xml, '\0', len))
		return WHY_NOT_XML;
	if (memmem(xml, len, "<!DOCTYPE", 9) || memmem(xml, len, "<!ENTITY", 8))
		return WHY_DOCTYPE;
	xmlInitParser();
	/*
	 * UTF-8 forced (a declared UTF-16 or UTF-7 could hide a DOCTYPE from the scan above); no
	 * network; big text nodes allowed (a file's base64 passes libxml2's 10 MB default): safe
	 * with no DTD, and the size is bounded above.
	 */
	doc = xmlReadMemory(xml, (int)len, NULL, "UTF-8",
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE |
				    XML_PARSE_NOCDATA);
	if (!doc)
		return WHY_NOT_XML;
	*docp = doc;
	if (doc->intSubset || doc->extSubset)
		return WHY_DOCTYPE;
	root = xmlDocGetRootElement(doc);
	env = is(root, "edXMLEnvelope") ? root : is(root, "edXML") ? child(root, "edXMLEnvelope") : NULL;
	if (!env)
		return WHY_NOT_EDXML;
	*rootp = root;
	*envp = env;
	return NULL;
}

/* The document's fields from MessageHeader: NULL or the reason. */
static const char *read_header(struct arena *a, const xmlNode *mh, struct edxml_doc *d)
{
	const char *s;
	xmlNode *n, *code, *prom, *type, *signer, *other, *places;
	struct edxml_organ *to;
	const char **pl;
	size_t k;
	int v, rc;

	if ((s = read_organ(a, child(mh, "From"), &d->from, WHY_FROM_ID, WHY_FROM_NAME)))
		return s;
	k = 0;
	for (n = mh->children; n; n = n->next)
		k += is(n, "To");
	if (!k)
		return WHY_NO_TO;
	if (k > EDXML_TO_MAX)
		return WHY_TOO_MANY_TO;
	to = arena_calloc(a, k, sizeof(*to));
	d->nto = 0;
	for (n = mh->children; n; n = n->next)
		if (is(n, "To") && (s = read_organ(a, n, &to[d->nto++], WHY_TO_ID, WHY_TO_NAME)))
			return s;
	d->to = to;

	if ((rc = field(a, mh, "DocumentId", EDXML_NAME_MAX, 0, &d->document_id)) != F_OK)
		return rc == F_BAD ? WHY_TEXT : WHY_DOC_ID;
	code = child(mh, "Code");
	if ((rc = field(a, code, "CodeNumber", EDXML_ID_MAX, 0, &d->code_number)) != F_OK)
		return rc == F_BAD ? WHY_TEXT : WHY_NUMBER;
	if ((rc = field(a, code, "CodeNotation", EDXML_ID_MAX, 0, &d->code_notation)) != F_OK)
		return rc == F_BAD ? WHY_TEXT : WHY_NOTATION;
	prom = child(mh, "PromulgationInfo");
	if ((rc = field(a, prom, "Place", EDXML_NAME_MAX, 0, &d->place)) != F_OK)
		return rc == F_BAD ? WHY_TEXT : WHY_PLACE;
	if (field(a, prom, "PromulgationDate", 40, 0, &s) != F_OK || !(d->date = parse_date(s)))
		return WHY_DATE;

	/* the type by its name first (senders number types differently), else by its number */
	type = child(mh, "DocumentType");
	if (field(a, type, "TypeName", EDXML_NAME_MAX, 0, &d->type_name) == F_BAD)
		return WHY_TEXT;
	if (d->type_name && doc_type_by_name(d->type_name))
		d->type = doc_type_by_name(d->type_name)->code;
	else if (number(a, type, "Type", DOC_TYPE_COUNT, &v) == 1 && doc_type(v))
		d->type = v;
	else
		return WHY_TYPE;

	if ((rc = field(a, mh, "Subject", EDXML_SUBJECT_MAX, 1, &d->subject)) != F_OK)
		return rc == F_BAD ? WHY_TEXT : WHY_SUBJECT;
	if (field(a, mh, "Content", EDXML_CONTENT_MAX, 1, &d->content) == F_BAD)
		return WHY_TEXT;
	signer = child(mh, "SignerInfo");
	if ((rc = field(a, signer, "FullName", EDXML_NAME_MAX, 0, &d->signer_name)) != F_OK)
		return rc == F_BAD ? WHY_TEXT : WHY_SIGNER;
	if ((rc = field(a, signer, "Position", EDXML_NAME_MAX, 0, &d->signer_position)) != F_OK)
		return rc == F_BAD ? WHY_TEXT : WHY_POSITION;
	if (field(a, signer, "Competence", EDXML_NAME_MAX, 0, &d->signer_competence) == F_BAD)
		return WHY_TEXT;
	if ((rc = field(a, mh, "DueDate", 40, 0, &s)) == F_BAD ||
	    (rc == F_OK && !(d->due_date = parse_date(s))))
		return WHY_DUE;

	places = child(mh, "ToPlaces");
	k = 0;
	for (n = places ? places->children : NULL; n; n = n->next)
		k += is(n, "Place");
	if (k > EDXML_TO_MAX)
		return WHY_TOO_MANY_TO;
	pl = arena_calloc(a, k ? k : 1, sizeof(*pl));
	d->nplaces = 0;
	for (n = places ? places->children : NULL; n; n = n->next) {
		xmlChar *t;
		size_t len;
		if (!is(n, "Place"))
			continue;
		t = xmlNodeGetContent(n);
		len = t ? strlen((const char *)t) : 0;
		if (len > EDXML_NAME_MAX || !text_valid((const char *)t, len, 0)) {
			xmlFree(t);
			return WHY_TEXT;
		}
		if (len)
			pl[d->nplaces++] = arena_strndup(a, (const char *)t, len);
		xmlFree(t);
	}
	d->to_places = pl;

	/* Priority 0 thường … 3 hỏa tốc, 4 hỏa tốc hẹn giờ (a flash with a time: hỏa tốc here) */
	other = child(mh, "OtherInfo");
	d->urgency = DOC_URGENCY_NORMAL;
	if ((rc = number(a, other, "Priority", 4, &v)) < 0)
		return WHY_PRIORITY;
	if (rc == 1)
		d->urgency = v >= 3 ? DOC_URGENCY_FLASH : DOC_URGENCY_NORMAL + v;
	if ((rc = number(a, other, "PageAmount", 1000000, &v)) < 0)
		return WHY_TEXT;
	d->pages = rc == 1 ? v : 0;
	if ((rc = number(a, mh, "SteeringType", 9, &v)) < 0)
		return WHY_STEERING;
	d->steering = rc == 1 ? v : 0;
	return NULL;
}

/* Decode a file's base64 text into the arena: NULL or the reason. */
static const char *decode(struct arena *a, const char *b64, size_t n, struct edxml_file *f, size_t *total)
{
	size_t chars = 0, max, len = 0;
	unsigned char *bin;
	const char *end = NULL;

	for (size_t i = 0; i < n; i++)
		chars += b64[i] != ' ' && b64[i] != '\t' && b64[i] != '\r' && b64[i] != '\n';
	/* the bytes are 3/4 of the characters, less the padding: refused before allocating */
	max = chars / 4 * 3 + 3;
	if (chars / 4 * 3 > (size_t)EDXML_FILE_MAX + 2)
		return WHY_FILE_BIG;
	bin = arena_alloc(a, max);
	if (sodium_base642bin(bin, max, b64, n, " \t\r\n", &len, &end, sodium_base64_VARIANT_ORIGINAL) ||
	    (end && end != b64 + n))
		return WHY_FILE_B64;
	if (len > EDXML_FILE_MAX)
		return WHY_FILE_BIG;
	*total += len;
	if (*total > EDXML_FILES_TOTAL)
		return WHY_FILES_BIG;
	f->data = bin;
	f->len = len;
	return NULL;
}

/* The manifest's Reference for content id `cid` ("1" matches "cid:1"), or NULL. */
static xmlNode *reference(const xmlNode *manifest, const char *cid)
{
	for (xmlNode *r = manifest ? manifest->children : NULL; r; r = r->next) {
		xmlNode *c = child(r, "ContentId");
		xmlChar *v;
		const char *id;
		int same;
		if (!is(r, "Reference") || !c || !(v = xmlNodeGetContent(c)))
			continue;
		id = (const char *)v;
		id += strspn(id, " \t\r\n");
		if (!strncmp(id, "cid:", 4))
			id += 4;
		same = !strncmp(id, cid, strlen(cid)) &&
		       !id[strlen(cid) + strspn(id + strlen(cid), " \t\r\n")];
		xmlFree(v);
		if (same)
			return r;
	}
	return NULL;
}

/* The files under <AttachmentEncoded>: NULL or the reason. */
static const char *read_files(struct arena *a, const xmlNode *root, const xmlNode *env,
			      struct edxml_file **files, size_t *nfiles)
{
	const xmlNode *manifest = child(child(env, "edXMLBody"), "edXMLManifest");
	struct edxml_file *f;
	size_t k = 0, total = 0;
	xmlNode *n;

	for (xmlNode *enc = root->children; enc; enc = enc->next)
		if (is(enc, "AttachmentEncoded"))
			for (n = enc->children; n; n = n->next)
				k += is(n, "Attachment");
	if (k > EDXML_FILES_MAX)
		return WHY_TOO_MANY_FILES;
	/* the manifest is searched once per file: it may not be longer than the files allowed */
	k = 0;
	for (n = manifest ? manifest->children : NULL; n; n = n->next)
		k += is(n, "Reference");
	if (k > EDXML_FILES_MAX)
		return WHY_TOO_MANY_FILES;
	f = arena_calloc(a, k ? k : 1, sizeof(*f));
	*files = f;
	*nfiles = 0;
	for (xmlNode *enc = root->children; enc; enc = enc->next) {
		if (!is(enc, "AttachmentEncoded"))
			continue;
		for (n = enc->children; n; n = n->next) {
			struct edxml_file *file = &f[*nfiles];
			const xmlNode *ref = NULL, *body;
			const char *cid, *why;
			xmlChar *b64, *sha;

			if (!is(n, "Attachment"))
				continue;
			if (field(a, n, "ContentId", 300, 0, &cid) == F_OK)
				ref = reference(manifest, !strncmp(cid, "cid:", 4) ? cid + 4 : cid);
			/* the name and type on the attachment, else in the manifest */
			if (field(a, n, "AttachmentName", EDXML_FILE_NAME_MAX, 0, &file->name) == F_ABSENT &&
			    ref)
				field(a, ref, "AttachmentName", EDXML_FILE_NAME_MAX, 0, &file->name);
			if (field(a, n, "ContentType", 127, 0, &file->mime) == F_ABSENT && ref)
				field(a, ref, "ContentType", 127, 0, &file->mime);
			if (field(a, n, "Description", EDXML_NAME_MAX, 1, &file->description) == F_ABSENT &&
			    ref)
				field(a, ref, "Description", EDXML_NAME_MAX, 1, &file->description);
			if (!file->name || !file->mime)
				return WHY_FILE_META;
			/* a type with parameters ("application/pdf; name=…") is taken for its type */
			file->mime = arena_strndup(a, file->mime, strcspn(file->mime, "; \t"));
			if (!file_name_ok(file->name) || !mime_ok(file->mime))
				return WHY_FILE_NAME;
			body = child(n, "ContentTransferEncoded");
			b64 = body ? xmlNodeGetContent(body) : NULL;
			why = decode(a, b64 ? (const char *)b64 : "", b64 ? strlen((const char *)b64) : 0,
				     file, &total);
			xmlFree(b64);
			if (why)
				return why;
			sha256_hex(file->data, file->len, file->sha256);
			sha = xmlGetNsProp(n, X("sha256"), X(EDXML_MOTCUA_NS));
			if (sha) {
				char given[65];
				int same = strlen((const char *)sha) == 64;
				for (int i = 0; same && i < 64; i++)
					given[i] =
						(char)(sha[i] >= 'A' && sha[i] <= 'F' ? sha[i] + 32 : sha[i]);
				same = same && !sodium_memcmp(given, file->sha256, 64);
				xmlFree(sha);
				if (!same)
					return WHY_FILE_SHA;
				file->checked = 1;
			}
			(*nfiles)++;
		}
	}
	return NULL;
}

int edxml_parse(const char *xml, size_t len, struct arena *a, struct edxml_doc *d, struct edxml_file **files,
		size_t *n, const char **why)
{
	xmlDocPtr doc = NULL;
	xmlNode *root = NULL, *env = NULL, *mh;
	const char *w;

	memset(d, 0, sizeof(*d));
	*files = NULL;
	*n = 0;
	if (sodium_init() < 0) {
		*why = WHY_NOT_XML;
		return -1;
	}
	w = open_message(xml, len, &doc, &root, &env);
	if (!w) {
		mh = child(child(env, "edXMLHeader"), "MessageHeader");
		w = mh ? read_header(a, mh, d) : WHY_NO_HEADER;
	}
	if (!w)
		w = read_files(a, root, env, files, n);
	xmlFreeDoc(doc);
	if (w) {
		memset(d, 0, sizeof(*d));
		*files = NULL;
		*n = 0;
		*why = w;
		return -1;
	}
	*why = NULL;
	return 0;
}

int edxml_status_parse(const char *xml, size_t len, struct arena *a, struct edxml_status *s, const char **why)
{
	xmlDocPtr doc = NULL;
	xmlNode *root = NULL, *env = NULL, *st = NULL, *rf, *staff;
	const char *w, *v;
	int code = 0;

	memset(s, 0, sizeof(*s));
	w = open_message(xml, len, &doc, &root, &env);
	if (!w && !(st = child(child(env, "edXMLHeader"), "Status")))
		w = WHY_NO_STATUS;
	if (!w) {
		rf = child(st, "ResponseFor");
		if (field(a, rf, "DocumentId", EDXML_NAME_MAX, 0, &s->document_id) != F_OK)
			w = WHY_STATUS_DOC;
		else if (field(a, rf, "OrganId", EDXML_ID_MAX, 0, &s->sender_id) == F_BAD ||
			 field(a, rf, "Code", EDXML_ID_MAX * 2, 0, &s->code) == F_BAD)
			w = WHY_TEXT;
		else if (field(a, rf, "PromulgationDate", 40, 0, &v) == F_OK && !(s->date = parse_date(v)))
			w = WHY_DATE;
	}
	if (!w)
		w = read_organ(a, child(st, "From"), &s->from, WHY_FROM_ID, WHY_FROM_NAME);
	if (!w && (number(a, st, "StatusCode", 99, &code) != 1 || !edxml_status_code_valid(code)))
		w = WHY_STATUS_CODE;
	s->status = code;
	if (!w && (field(a, st, "Timestamp", 60, 0, &v) != F_OK || (s->at = parse_time(v)) <= 0))
		w = WHY_STATUS_TIME;
	if (!w) {
		staff = child(st, "StaffInfo");
		if (field(a, st, "Description", EDXML_CONTENT_MAX, 1, &s->description) == F_BAD ||
		    field(a, staff, "Department", EDXML_NAME_MAX, 0, &s->department) == F_BAD ||
		    field(a, staff, "Staff", EDXML_NAME_MAX, 0, &s->staff) == F_BAD ||
		    field(a, staff, "Email", EDXML_NAME_MAX, 0, &s->email) == F_BAD ||
		    field(a, staff, "Mobile", EDXML_NAME_MAX, 0, &s->mobile) == F_BAD)
			w = WHY_TEXT;
	}
	if (!w && s->sender_id && !organ_id_ok(s->sender_id))
		w = WHY_TEXT;
	xmlFreeDoc(doc);
	if (w) {
		memset(s, 0, sizeof(*s));
		*why = w;
		return -1;
	}
	*why = NULL;
	return 0;
}
