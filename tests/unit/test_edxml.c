/*
 * test_edxml.c: edXML messages (features/edxml.c): a document with every field, Vietnamese
 * text and two files comes back the same from its message; each required field missing is
 * refused with its reason, on building and on reading; a file changed on the way is refused;
 * a DOCTYPE, entities and XInclude do nothing; limits hold; status messages come back the same.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/arena.h"
#include "core/buf.h"
#include "features/edxml.h"
#include "rules/document.h"
#include "core/banned.h"

#define SUBJECT                                                                                                                   \
	"Về việc triển khai Kế hoạch số 147/KH-UBND ngày 18/11/2026 của UBND quận Thanh Xuân về cải cách " \
	"hành chính năm 2027 & \"chuyển đổi số\" <giai đoạn 1>"

static const struct edxml_organ recipients[] = {
	{ "000.01.15.H26", "UBND phường Nhân Chính", "UBND quận Thanh Xuân" },
	{ "002.15.00.H26", "Phòng Tư pháp quận Thanh Xuân", NULL },
};
static const char *const places[] = { "Như trên", "Lưu: VT, VP." };

static unsigned char pdf_bytes[3000];
static unsigned char bin_bytes[256 * 3];

static void fill_files(struct edxml_file f[2])
{
	memset(f, 0, 2 * sizeof(*f));
	for (size_t i = 0; i < sizeof(pdf_bytes); i++)
		pdf_bytes[i] = (unsigned char)("%PDF-1.7 Kế hoạch "[i % 19]);
	for (size_t i = 0; i < sizeof(bin_bytes); i++)
		bin_bytes[i] = (unsigned char)i; /* every byte value, NUL included */
	f[0].name = "Kế hoạch 147-KH-UBND.pdf";
	f[0].mime = "application/pdf";
	f[0].description = "Văn bản chính (đã ký số)";
	f[0].data = pdf_bytes;
	f[0].len = sizeof(pdf_bytes);
	f[1].name = "Phụ lục I - Danh mục nhiệm vụ.docx";
	f[1].mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
	f[1].data = bin_bytes;
	f[1].len = sizeof(bin_bytes);
}

static void fill_doc(struct edxml_doc *d)
{
	memset(d, 0, sizeof(*d));
	d->from.id = "000.00.15.H26";
	d->from.name = "Ủy ban nhân dân quận Thanh Xuân";
	d->from.in_charge = "Ủy ban nhân dân thành phố Hà Nội";
	d->to = recipients;
	d->nto = 2;
	d->code_number = "147";
	d->code_notation = "KH-UBND";
	d->place = "Thanh Xuân";
	d->date = 20261118;
	d->type = 10; /* Kế hoạch */
	d->subject = SUBJECT;
	d->content =
		"Giao Phòng Nội vụ chủ trì, phối hợp với các phòng, ban liên quan.\nBáo cáo trước 30/11.";
	d->signer_competence = "KT. CHỦ TỊCH";
	d->signer_position = "Phó Chủ tịch";
	d->signer_name = "Nguyễn Thị Hương";
	d->due_date = 20261130;
	d->urgency = DOC_URGENCY_VERY_URGENT;
	d->secrecy = DOC_SECRECY_NONE;
	d->steering = 1;
	d->to_places = places;
	d->nplaces = 2;
	d->pages = 4;
	d->sent_at = 1795050000; /* 19/11/2026 08:00:00 +0700 */
}

static void build_ok(const struct edxml_doc *d, const struct edxml_file *f, size_t n, struct buf *out)
{
	const char *why = edxml_check(d, f, n);
	if (why)
		fail_msg("refused: %s", why);
	assert_int_equal(edxml_build(d, f, n, out), 0);
}

static void expect_parse_fails(const char *xml, size_t len, const char *reason)
{
	struct arena a = ARENA_INIT;
	struct edxml_doc d;
	struct edxml_file *f = (void *)1;
	const char *why = NULL;
	size_t n = 99;

	assert_int_equal(edxml_parse(xml, len, &a, &d, &f, &n, &why), -1);
	assert_non_null(why);
	if (strcmp(why, reason))
		fail_msg("refused for \"%s\", expected \"%s\"", why, reason);
	assert_null(f);
	assert_int_equal(n, 0);
	assert_null(d.subject);
	arena_release(&a);
}

static void opt_equal(const char *got, const char *want)
{
	if (!want || !*want)
		assert_null(got);
	else
		assert_string_equal(got, want);
}

/* ---- a document and its files ---- */

static void round_trip(void **state)
{
	struct buf out = BUF_INIT;
	struct arena a = ARENA_INIT;
	struct edxml_doc d, got;
	struct edxml_file f[2], *gf;
	const char *why;
	size_t n;
	(void)state;

	fill_doc(&d);
	fill_files(f);
	build_ok(&d, f, 2, &out);
	assert_non_null(strstr(out.ptr, "<edXML xmlns=\"" EDXML_NS "\""));
	assert_non_null(strstr(out.ptr, "<edXML:edXMLEnvelope xmlns:edXML=\"" EDXML_NS "\">"));
	assert_non_null(strstr(out.ptr, "<edXML:CodeNumber>147</edXML:CodeNumber>"));
	assert_non_null(strstr(out.ptr, "<edXML:PromulgationDate>2026/11/18</edXML:PromulgationDate>"));
	assert_non_null(strstr(out.ptr, "<edXML:Priority>2</edXML:Priority>"));
	/* the reserved characters escaped, Vietnamese kept as UTF-8 */
	assert_non_null(strstr(out.ptr, "năm 2027 &amp; &quot;chuyển đổi số&quot; &lt;giai đoạn 1&gt;"));

	assert_int_equal(edxml_parse(out.ptr, out.len, &a, &got, &gf, &n, &why), 0);
	assert_null(why);
	assert_string_equal(got.from.id, d.from.id);
	assert_string_equal(got.from.name, d.from.name);
	assert_string_equal(got.from.in_charge, d.from.in_charge);
	assert_int_equal(got.nto, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_string_equal(got.to[i].id, recipients[i].id);
		assert_string_equal(got.to[i].name, recipients[i].name);
		opt_equal(got.to[i].in_charge, recipients[i].in_charge);
	}
	/* made from the others, as QCVN 102 forms it */
	assert_string_equal(got.document_id, "000.00.15.H26,2026/11/18,147/KH-UBND");
	assert_string_equal(got.code_number, "147");
	assert_string_equal(got.code_notation, "KH-UBND");
	assert_string_equal(got.place, "Thanh Xuân");
	assert_int_equal(got.date, 20261118);
	assert_int_equal(got.type, 10);
	assert_string_equal(got.type_name, "Kế hoạch");
	assert_string_equal(got.subject, SUBJECT);
	assert_string_equal(got.content, d.content);
	assert_string_equal(got.signer_competence, "KT. CHỦ TỊCH");
	assert_string_equal(got.signer_position, "Phó Chủ tịch");
	assert_string_equal(got.signer_name, "Nguyễn Thị Hương");
	assert_int_equal(got.due_date, 20261130);
	assert_int_equal(got.urgency, DOC_URGENCY_VERY_URGENT);
	assert_int_equal(got.secrecy, 0);
	assert_int_equal(got.steering, 1);
	assert_int_equal(got.nplaces, 2);
	assert_string_equal(got.to_places[0], "Như trên");
	assert_string_equal(got.to_places[1], "Lưu: VT, VP.");
	assert_int_equal(got.pages, 4);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_string_equal(gf[i].name, f[i].name);
		assert_string_equal(gf[i].mime, f[i].mime);
		opt_equal(gf[i].description, f[i].description);
		assert_int_equal(gf[i].len, f[i].len);
		assert_memory_equal(gf[i].data, f[i].data, f[i].len);
		assert_int_equal(gf[i].checked, 1);
		assert_int_equal(strlen(gf[i].sha256), 64);
	}
	/* the digests are of the bytes: two files, two lowercase hex digests */
	assert_string_not_equal(gf[0].sha256, gf[1].sha256);
	assert_int_equal(strspn(gf[0].sha256, "0123456789abcdef"), 64);

	/* every urgency, a given document id, no files, no optional field */
	for (int u = DOC_URGENCY_NORMAL; u <= DOC_URGENCY_FLASH; u++) {
		struct edxml_doc m;
		fill_doc(&m);
		m.urgency = u;
		m.document_id = "000.00.15.H26,2026/11/18,147/KH-UBND#2";
		m.from.in_charge = NULL;
		m.content = NULL;
		m.signer_competence = "";
		m.due_date = 0;
		m.nplaces = 0;
		m.pages = 0;
		m.sent_at = 0;
		m.steering = 0;
		m.type = DOC_TYPE_CONG_VAN;
		buf_reset(&out);
		build_ok(&m, NULL, 0, &out);
		assert_null(strstr(out.ptr, "AttachmentEncoded"));
		assert_int_equal(edxml_parse(out.ptr, out.len, &a, &got, &gf, &n, &why), 0);
		assert_int_equal(got.urgency, u);
		assert_string_equal(got.document_id, m.document_id);
		assert_int_equal(got.type, DOC_TYPE_CONG_VAN);
		assert_string_equal(got.type_name, "Công văn");
		assert_null(got.from.in_charge);
		assert_null(got.content);
		assert_null(got.signer_competence);
		assert_int_equal(got.due_date, 0);
		assert_int_equal(got.nplaces, 0);
		assert_int_equal(got.pages, 0);
		assert_int_equal(got.steering, 0);
		assert_int_equal(n, 0);
	}
	buf_release(&out);
	arena_release(&a);
}

/* A message another system wrote: the envelope as root, '-' dates, no digests, names in the manifest. */
static void other_senders(void **state)
{
	static const char xml[] =
		"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		"<edXMLEnvelope xmlns=\"" EDXML_NS "\"><edXMLHeader><MessageHeader>"
		"<From><OrganId>000.00.00.G22</OrganId><OrganName>Văn phòng Chính phủ</OrganName></From>"
		"<To><OrganId>000.00.15.H26</OrganId><OrganName>UBND quận Thanh Xuân</OrganName></To>"
		"<DocumentId>000.00.00.G22,2026/11/18,7816/VPCP-TTĐT</DocumentId>"
		"<Code><CodeNumber>7816</CodeNumber><CodeNotation>VPCP-TTĐT</CodeNotation></Code>"
		"<PromulgationInfo><Place>Hà Nội</Place><PromulgationDate>2026-11-18</PromulgationDate>"
		"</PromulgationInfo>"
		"<DocumentType><Type>2</Type><TypeDetail>0</TypeDetail><TypeName>Thông báo</TypeName></DocumentType>"
		"<Subject>Kết luận của Thủ tướng</Subject>"
		"<SignerInfo><Competence>KT. BỘ TRƯỞNG, CHỦ NHIỆM</Competence><Position>Phó Chủ nhiệm</Position>"
		"<FullName>Trần Văn Sơn</FullName></SignerInfo>"
		"<OtherInfo><Priority>4</Priority></OtherInfo>"
		"</MessageHeader></edXMLHeader>"
		"<edXMLBody><edXMLManifest><Reference><ContentId>cid:abc</ContentId>"
		"<ContentType>application/pdf; name=tb.pdf</ContentType><AttachmentName>tb.pdf</AttachmentName>"
		"</Reference></edXMLManifest></edXMLBody></edXMLEnvelope>";
	static const char xml2_head[] = "<edXML xmlns=\"" EDXML_NS
					"\"><edXML:edXMLEnvelope xmlns:edXML=\"" EDXML_NS "\">";
	struct arena a = ARENA_INIT;
	struct buf msg = BUF_INIT;
	struct edxml_doc d;
	struct edxml_file *f;
	const char *why, *env;
	size_t n;
	(void)state;

	assert_int_equal(edxml_parse(xml, sizeof(xml) - 1, &a, &d, &f, &n, &why), 0);
	assert_int_equal(d.date, 20261118);
	/* the type by its name: the sender's own numbering (2) is not Decree 30's */
	assert_int_equal(d.type, 7);
	assert_int_equal(d.urgency, DOC_URGENCY_FLASH); /* 4: hỏa tốc hẹn giờ */
	assert_string_equal(d.code_notation, "VPCP-TTĐT");
	assert_int_equal(n, 0);

	/* the same wrapped in <edXML> with the file outside, without a digest: taken, not checked */
	env = strstr(xml, "<edXMLHeader>");
	buf_adds(&msg, xml2_head);
	buf_add(&msg, env, strlen(env) - strlen("</edXMLEnvelope>"));
	buf_adds(&msg, "</edXML:edXMLEnvelope><AttachmentEncoded><Attachment><ContentId>abc</ContentId>"
		       "<ContentTransferEncoded>\n  JVBERi0xLjQK\n</ContentTransferEncoded></Attachment>"
		       "</AttachmentEncoded></edXML>");
	assert_int_equal(edxml_parse(msg.ptr, msg.len, &a, &d, &f, &n, &why), 0);
	assert_int_equal(n, 1);
	assert_string_equal(f[0].name, "tb.pdf");
	assert_string_equal(f[0].mime, "application/pdf");
	assert_int_equal(f[0].len, 9);
	assert_memory_equal(f[0].data, "%PDF-1.4\n", 9);
	assert_int_equal(f[0].checked, 0);
	/* printf '%%PDF-1.4\n' | sha256sum */
	assert_string_equal(f[0].sha256, "e5c62df5dab5c87b6a015ef3d43597074d1eec433b15f51aec63b8582d0e4ab4");
	buf_release(&msg);
	arena_release(&a);
}

/* ---- required fields ---- */

/* Cut the first text from `from` to the end of `to` (both included) out of xml. */
static void cut(struct buf *xml, const char *from, const char *to)
{
	char *s = strstr(xml->ptr, from), *e;
	assert_non_null(s);
	e = strstr(s, to);
	assert_non_null(e);
	e += strlen(to);
	memmove(s, e, (size_t)(xml->ptr + xml->len - e) + 1);
	xml->len -= (size_t)(e - s);
}

static void required_fields(void **state)
{
	static const struct {
		const char *from, *to; /* cut from the message */
		const char *reason;
	} cuts[] = {
		{ "<edXML:OrganId>000.00.15.H26", "</edXML:OrganId>",
		  "the sender's organ id is missing or invalid" },
		{ "<edXML:OrganName>Ủy ban", "</edXML:OrganName>", "the sender's name is missing" },
		{ "<edXML:To>", "</edXML:To>", NULL }, /* once: one recipient is left */
		{ "<edXML:To>", "</edXML:To>", "the edXML message has no recipient" },
		{ "<edXML:DocumentId>", "</edXML:DocumentId>", "the document id is missing" },
		{ "<edXML:CodeNumber>", "</edXML:CodeNumber>", "the document number is missing" },
		{ "<edXML:CodeNotation>", "</edXML:CodeNotation>", "the document notation is missing" },
		{ "<edXML:Place>Thanh", "</edXML:Place>", "the place of issue is missing" },
		{ "<edXML:PromulgationDate>", "</edXML:PromulgationDate>",
		  "the date of issue is missing or invalid" },
		{ "<edXML:DocumentType>", "</edXML:DocumentType>",
		  "the document type is missing or unknown" },
		{ "<edXML:Subject>", "</edXML:Subject>", "the summary (subject) is missing" },
		{ "<edXML:FullName>", "</edXML:FullName>", "the signer's name is missing" },
		{ "<edXML:Position>", "</edXML:Position>", "the signer's position is missing" },
		{ "<edXML:MessageHeader>", "</edXML:MessageHeader>",
		  "the edXML message has no message header" },
	};
	struct buf good = BUF_INIT, xml = BUF_INIT;
	struct edxml_doc d;
	struct edxml_file f[2];
	(void)state;

	fill_doc(&d);
	fill_files(f);
	build_ok(&d, f, 2, &good);

	/* reading: each cut alone from the whole message (the To cuts one after the other) */
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		if (!cuts[i].reason)
			continue;
		buf_reset(&xml);
		buf_add(&xml, good.ptr, good.len);
		if (i > 0 && !cuts[i - 1].reason)
			cut(&xml, cuts[i - 1].from, cuts[i - 1].to);
		cut(&xml, cuts[i].from, cuts[i].to);
		expect_parse_fails(xml.ptr, xml.len, cuts[i].reason);
	}
	/* an empty element is missing too, and a date that is not one is refused */
	buf_reset(&xml);
	buf_add(&xml, good.ptr, good.len);
	cut(&xml, "Nguyễn Thị Hương", "Hương");
	expect_parse_fails(xml.ptr, xml.len, "the signer's name is missing");
	{
		char *p;
		buf_reset(&xml);
		buf_add(&xml, good.ptr, good.len);
		p = strstr(xml.ptr, "2026/11/18</edXML:PromulgationDate>");
		memcpy(p, "2026/02/30", 10);
		expect_parse_fails(xml.ptr, xml.len, "the date of issue is missing or invalid");
		buf_reset(&xml);
		buf_add(&xml, good.ptr, good.len);
		p = strstr(xml.ptr, "<edXML:OrganId>000.00.15.H26");
		memcpy(p + strlen("<edXML:OrganId>"), "000 00", 6);
		expect_parse_fails(xml.ptr, xml.len, "the sender's organ id is missing or invalid");
		buf_reset(&xml);
		buf_add(&xml, good.ptr, good.len);
		p = strstr(xml.ptr, "<edXML:Priority>2");
		p[strlen("<edXML:Priority>")] = '7';
		expect_parse_fails(xml.ptr, xml.len, "the priority is invalid");
	}

	/* building: each required field missing is refused with its reason */
#define REFUSED(field, value, reason)                               \
	do {                                                        \
		struct buf b = BUF_INIT;                            \
		fill_doc(&d);                                       \
		d.field = value;                                    \
		assert_string_equal(edxml_check(&d, f, 2), reason); \
		assert_int_equal(edxml_build(&d, f, 2, &b), -1);    \
		assert_int_equal(b.len, 0);                         \
		buf_release(&b);                                    \
	} while (0)
	REFUSED(from.id, NULL, "the sender's organ id is missing or invalid");
	REFUSED(from.id, "000.00.15.H26/../x", "the sender's organ id is missing or invalid");
	REFUSED(from.name, "", "the sender's name is missing");
	REFUSED(nto, 0, "the edXML message has no recipient");
	REFUSED(nto, EDXML_TO_MAX + 1, "the edXML message has too many recipients");
	REFUSED(document_id, "", "the document id is missing");
	REFUSED(code_number, NULL, "the document number is missing");
	REFUSED(code_notation, "", "the document notation is missing");
	REFUSED(place, NULL, "the place of issue is missing");
	REFUSED(date, 0, "the date of issue is missing or invalid");
	REFUSED(date, 20261332, "the date of issue is missing or invalid");
	REFUSED(type, 0, "the document type is missing or unknown");
	REFUSED(type, 30, "the document type is missing or unknown");
	REFUSED(subject, "", "the summary (subject) is missing");
	REFUSED(signer_name, NULL, "the signer's name is missing");
	REFUSED(signer_position, "", "the signer's position is missing");
	REFUSED(due_date, 20260231, "the due date is invalid");
	REFUSED(urgency, 5, "the priority is invalid");
	REFUSED(steering, 10, "the steering type is invalid");
	REFUSED(secrecy, DOC_SECRECY_CONFIDENTIAL,
		"a secret document cannot be sent through the document exchange");
	REFUSED(subject, "trích yếu\001",
		"a field of the edXML message is too long or holds characters that are not allowed");
	REFUSED(place, "H\xe0 N\xf4i",
		"a field of the edXML message is too long or holds characters that are not allowed");
#undef REFUSED
	{
		struct edxml_organ bad_to[1] = { { "000.01.15.H26", "", NULL } };
		fill_doc(&d);
		d.to = bad_to;
		d.nto = 1;
		assert_string_equal(edxml_check(&d, NULL, 0), "a recipient's name is missing");
		bad_to[0].name = "UBND phường";
		bad_to[0].id = "";
		assert_string_equal(edxml_check(&d, NULL, 0), "a recipient's organ id is missing or invalid");
	}
	/* files: name, type, size, count */
	fill_doc(&d);
	fill_files(f);
	f[1].name = "../../etc/passwd";
	assert_string_equal(edxml_check(&d, f, 2), "an attached file's name is not allowed");
	fill_files(f);
	f[1].mime = "application/pdf\r\nX-Evil: 1";
	assert_string_equal(edxml_check(&d, f, 2), "an attached file's name is not allowed");
	fill_files(f);
	f[0].mime = NULL;
	assert_string_equal(edxml_check(&d, f, 2), "an attached file has no name or content type");
	fill_files(f);
	f[0].len = EDXML_FILE_MAX + 1; /* not read: refused on its size */
	assert_string_equal(edxml_check(&d, f, 2), "an attached file is too large");
	fill_files(f);
	assert_string_equal(edxml_check(&d, f, EDXML_FILES_MAX + 1), "the edXML message has too many files");
	buf_release(&good);
	buf_release(&xml);
}

/* ---- files changed on the way ---- */

static void tampered_file(void **state)
{
	struct buf good = BUF_INIT, xml = BUF_INIT;
	struct arena a = ARENA_INIT;
	struct edxml_doc d;
	struct edxml_file f[2], *gf;
	const char *why;
	char *p;
	size_t n;
	(void)state;

	fill_doc(&d);
	fill_files(f);
	build_ok(&d, f, 2, &good);

	/* one base64 character of the second file changed: still valid base64, other bytes */
	buf_add(&xml, good.ptr, good.len);
	p = strstr(strstr(xml.ptr, "AttachmentName>Phụ lục"), "<ContentTransferEncoded>");
	p += strlen("<ContentTransferEncoded>") + 10;
	*p = *p == 'A' ? 'B' : 'A';
	expect_parse_fails(xml.ptr, xml.len, "an attached file's SHA-256 does not match its content");

	/* the digest changed instead */
	buf_reset(&xml);
	buf_add(&xml, good.ptr, good.len);
	p = strstr(xml.ptr, "mc:sha256=\"") + strlen("mc:sha256=\"");
	*p = *p == '0' ? '1' : '0';
	expect_parse_fails(xml.ptr, xml.len, "an attached file's SHA-256 does not match its content");

	/* the base64 broken */
	buf_reset(&xml);
	buf_add(&xml, good.ptr, good.len);
	p = strstr(xml.ptr, "<ContentTransferEncoded>") + strlen("<ContentTransferEncoded>") + 4;
	*p = '*';
	expect_parse_fails(xml.ptr, xml.len, "an attached file's content is not valid base64");

	/* the file's bytes cut short */
	buf_reset(&xml);
	buf_add(&xml, good.ptr, good.len);
	p = strstr(xml.ptr, "<ContentTransferEncoded>") + strlen("<ContentTransferEncoded>");
	memmove(p, p + 8, strlen(p + 8) + 1);
	xml.len -= 8;
	expect_parse_fails(xml.ptr, xml.len, "an attached file's SHA-256 does not match its content");

	/* untouched: read, checked */
	assert_int_equal(edxml_parse(good.ptr, good.len, &a, &d, &gf, &n, &why), 0);
	assert_int_equal(n, 2);
	assert_true(gf[0].checked && gf[1].checked);
	buf_release(&good);
	buf_release(&xml);
	arena_release(&a);
}

/* ---- hostile XML ---- */

static void entities_and_dtds(void **state)
{
	static const char xxe[] = "<?xml version=\"1.0\"?>\n"
				  "<!DOCTYPE edXML [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
				  "<edXML xmlns=\"" EDXML_NS "\"><x>&xxe;</x></edXML>";
	static const char laughs[] =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
		"<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
		"<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
		"<edXML xmlns=\"" EDXML_NS "\">&lol3;</edXML>";
	static const char external_dtd[] = "<?xml version=\"1.0\"?>\n"
					   "<!DOCTYPE edXML SYSTEM \"http://127.0.0.1:9/edxml.dtd\">\n"
					   "<edXML xmlns=\"" EDXML_NS "\"/>";
	static const char undeclared[] = "<edXML xmlns=\"" EDXML_NS
					 "\"><edXMLEnvelope>&xxe;</edXMLEnvelope></edXML>";
	/* "<!DOCTYPE" in UTF-16: the scan for it cannot see it, UTF-8 is forced */
	static const char utf16[] = "\xff\xfe<\0!\0D\0O\0C\0T\0Y\0P\0E\0 \0x\0>\0<\0x\0/\0>\0";
	static const char utf7[] = "<?xml version=\"1.0\" encoding=\"UTF-7\"?>+ADw-+ACE-DOCTYPE x+AD4-<x/>";
	struct buf good = BUF_INIT, xml = BUF_INIT;
	struct arena a = ARENA_INIT;
	struct edxml_doc d;
	struct edxml_file f[2], *gf;
	const char *why;
	size_t n;
	(void)state;

	expect_parse_fails(xxe, sizeof(xxe) - 1,
			   "a DOCTYPE or entity declaration is not accepted in an edXML message");
	expect_parse_fails(laughs, sizeof(laughs) - 1,
			   "a DOCTYPE or entity declaration is not accepted in an edXML message");
	expect_parse_fails(external_dtd, sizeof(external_dtd) - 1,
			   "a DOCTYPE or entity declaration is not accepted in an edXML message");
	expect_parse_fails(undeclared, sizeof(undeclared) - 1, "the edXML message is not well-formed XML");
	expect_parse_fails(utf16, sizeof(utf16) - 1, "the edXML message is not well-formed XML");
	expect_parse_fails(utf7, sizeof(utf7) - 1, "the edXML message is not well-formed XML");
	expect_parse_fails("<html><body>hello</body></html>", 31, "this is not an edXML message");
	expect_parse_fails("not xml at all", 14, "the edXML message is not well-formed XML");
	expect_parse_fails("", 0, "the edXML message is not well-formed XML");

	/* an XInclude in a field is text to us: nothing is fetched, the element's text is all there is */
	fill_doc(&d);
	fill_files(f);
	build_ok(&d, f, 0, &good);
	buf_add(&xml, good.ptr, (size_t)(strstr(good.ptr, "<edXML:Content>") - good.ptr));
	buf_adds(&xml, "<edXML:Content xmlns:xi=\"http://www.w3.org/2001/XInclude\">Nội dung"
		       "<xi:include href=\"file:///etc/passwd\" parse=\"text\"/></edXML:Content>");
	buf_adds(&xml, strstr(good.ptr, "</edXML:Content>") + strlen("</edXML:Content>"));
	assert_int_equal(edxml_parse(xml.ptr, xml.len, &a, &d, &gf, &n, &why), 0);
	assert_string_equal(d.content, "Nội dung");
	buf_release(&good);
	buf_release(&xml);
	arena_release(&a);
}

/* ---- limits ---- */

static void limits(void **state)
{
	struct buf xml = BUF_INIT;
	struct buf big;
	char *huge;
	(void)state;

	/* a message past EDXML_MAX is refused before it is read */
	huge = malloc((size_t)EDXML_MAX + 1);
	assert_non_null(huge);
	memset(huge, ' ', (size_t)EDXML_MAX + 1);
	expect_parse_fails(huge, (size_t)EDXML_MAX + 1, "the edXML message is too large");
	free(huge);

	/* a file whose base64 decodes past EDXML_FILE_MAX */
	buf_init(&big, (size_t)EDXML_MAX);
	{
		struct edxml_doc d;
		struct edxml_file f[2];
		struct buf good = BUF_INIT;
		const char *tail;
		size_t chars = (size_t)EDXML_FILE_MAX / 3 * 4 + 8;
		fill_doc(&d);
		fill_files(f);
		build_ok(&d, f, 1, &good);
		tail = strstr(good.ptr, "<ContentTransferEncoded>") + strlen("<ContentTransferEncoded>");
		buf_add(&big, good.ptr, (size_t)(tail - good.ptr));
		assert_int_equal(buf_grow(&big, chars), 0);
		memset(big.ptr + big.len, 'A', chars);
		big.len += chars;
		big.ptr[big.len] = '\0';
		buf_adds(&big, strstr(tail, "</ContentTransferEncoded>"));
		assert_int_equal(buf_err(&big), 0);
		expect_parse_fails(big.ptr, big.len, "an attached file is too large");
		buf_release(&good);
	}
	buf_release(&big);

	/* more recipients than EDXML_TO_MAX */
	{
		struct edxml_doc d;
		struct buf good = BUF_INIT;
		const char *to;
		fill_doc(&d);
		build_ok(&d, NULL, 0, &good);
		to = strstr(good.ptr, "<edXML:To>");
		buf_add(&xml, good.ptr, (size_t)(to - good.ptr));
		for (int i = 0; i <= EDXML_TO_MAX; i++)
			buf_adds(&xml, "<edXML:To><edXML:OrganId>000.01.15.H26</edXML:OrganId>"
				       "<edXML:OrganName>UBND phường</edXML:OrganName></edXML:To>");
		buf_adds(&xml, to);
		expect_parse_fails(xml.ptr, xml.len, "the edXML message has too many recipients");
		buf_release(&good);
	}
	/* a text field too long */
	{
		struct edxml_doc d;
		struct buf good = BUF_INIT;
		const char *subj;
		fill_doc(&d);
		build_ok(&d, NULL, 0, &good);
		buf_reset(&xml);
		subj = strstr(good.ptr, "<edXML:Subject>") + strlen("<edXML:Subject>");
		buf_add(&xml, good.ptr, (size_t)(subj - good.ptr));
		for (int i = 0; i < EDXML_SUBJECT_MAX; i++)
			buf_addch(&xml, 'x');
		buf_adds(&xml, subj);
		expect_parse_fails(
			xml.ptr, xml.len,
			"a field of the edXML message is too long or holds characters that are not allowed");
		buf_release(&good);
	}
	buf_release(&xml);
}

/* ---- status messages ---- */

static void status_round_trip(void **state)
{
	static const int codes[] = { EDXML_ST_ARRIVED,	    EDXML_ST_REFUSED,	    EDXML_ST_ACCEPTED,
				     EDXML_ST_ASSIGNED,	    EDXML_ST_IN_PROGRESS,   EDXML_ST_DONE,
				     EDXML_ST_RECALL_ASKED, EDXML_ST_RECALL_AGREED, EDXML_ST_RECALL_REFUSED };
	struct buf xml = BUF_INIT;
	struct arena a = ARENA_INIT;
	struct edxml_status s, got;
	const char *why;
	(void)state;

	memset(&s, 0, sizeof(s));
	s.document_id = "000.00.15.H26,2026/11/18,147/KH-UBND";
	s.sender_id = "000.00.15.H26";
	s.code = "147/KH-UBND";
	s.date = 20261118;
	s.from.id = "000.01.15.H26";
	s.from.name = "UBND phường Nhân Chính";
	s.from.in_charge = "UBND quận Thanh Xuân";
	s.description = "Văn thư đã vào sổ văn bản đến số 1234";
	s.at = 1795050045; /* 19/11/2026 08:00:45 +0700 */
	s.department = "Văn phòng HĐND và UBND phường";
	s.staff = "Lê Thu Trang";
	s.email = "vanthu.nhanchinh@example.vn";
	s.mobile = "0912000001";
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		s.status = codes[i];
		buf_reset(&xml);
		assert_int_equal(edxml_status_build(&s, &xml), 0);
		assert_int_equal(edxml_status_parse(xml.ptr, xml.len, &a, &got, &why), 0);
		assert_int_equal(got.status, codes[i]);
		assert_string_equal(got.document_id, s.document_id);
		assert_string_equal(got.sender_id, s.sender_id);
		assert_string_equal(got.code, s.code);
		assert_int_equal(got.date, s.date);
		assert_string_equal(got.from.id, s.from.id);
		assert_string_equal(got.from.name, s.from.name);
		assert_string_equal(got.from.in_charge, s.from.in_charge);
		assert_string_equal(got.description, s.description);
		assert_int_equal(got.at, s.at);
		assert_string_equal(got.department, s.department);
		assert_string_equal(got.staff, s.staff);
		assert_string_equal(got.email, s.email);
		assert_string_equal(got.mobile, s.mobile);
	}
	/* the code as the hub writes it, two digits; the time in Vietnam time */
	assert_non_null(strstr(xml.ptr, "<edXML:StatusCode>16</edXML:StatusCode>"));
	assert_non_null(strstr(xml.ptr, "<edXML:Timestamp>2026/11/19 08:00:45</edXML:Timestamp>"));
	s.status = EDXML_ST_ACCEPTED;
	buf_reset(&xml);
	assert_int_equal(edxml_status_build(&s, &xml), 0);
	assert_non_null(strstr(xml.ptr, "<edXML:StatusCode>03</edXML:StatusCode>"));

	/* a bare status: only what is required */
	{
		struct edxml_status m = { 0 };
		m.document_id = s.document_id;
		m.from = (struct edxml_organ){ "000.01.15.H26", "UBND phường Nhân Chính", NULL };
		m.status = EDXML_ST_DONE;
		m.at = s.at;
		buf_reset(&xml);
		assert_int_equal(edxml_status_build(&m, &xml), 0);
		assert_null(strstr(xml.ptr, "StaffInfo"));
		assert_int_equal(edxml_status_parse(xml.ptr, xml.len, &a, &got, &why), 0);
		assert_int_equal(got.status, EDXML_ST_DONE);
		assert_null(got.staff);
		assert_null(got.sender_id);
		assert_int_equal(got.date, 0);
		/* not built without what it needs */
		m.status = 7;
		assert_int_equal(edxml_status_build(&m, &xml), -1);
		m.status = EDXML_ST_DONE;
		m.at = 0;
		assert_int_equal(edxml_status_build(&m, &xml), -1);
		m.at = s.at;
		m.document_id = "";
		assert_int_equal(edxml_status_build(&m, &xml), -1);
	}

	/* refused on reading: an unknown code, no document, no time, a document message */
	{
		struct buf bad = BUF_INIT;
		char *p;
		s.status = EDXML_ST_ASSIGNED;
		buf_reset(&xml);
		assert_int_equal(edxml_status_build(&s, &xml), 0);
		buf_add(&bad, xml.ptr, xml.len);
		p = strstr(bad.ptr, "<edXML:StatusCode>04");
		p[strlen("<edXML:StatusCode>") + 1] = '7';
		assert_int_equal(edxml_status_parse(bad.ptr, bad.len, &a, &got, &why), -1);
		assert_string_equal(why, "the status code is missing or unknown");
		buf_reset(&bad);
		buf_add(&bad, xml.ptr, xml.len);
		cut(&bad, "<edXML:DocumentId>", "</edXML:DocumentId>");
		assert_int_equal(edxml_status_parse(bad.ptr, bad.len, &a, &got, &why), -1);
		assert_string_equal(why, "the status names no document");
		buf_reset(&bad);
		buf_add(&bad, xml.ptr, xml.len);
		cut(&bad, "<edXML:Timestamp>", "</edXML:Timestamp>");
		assert_int_equal(edxml_status_parse(bad.ptr, bad.len, &a, &got, &why), -1);
		assert_string_equal(why, "the time of the status is missing or invalid");
		buf_release(&bad);
	}
	{
		struct edxml_doc d;
		fill_doc(&d);
		buf_reset(&xml);
		build_ok(&d, NULL, 0, &xml);
		assert_int_equal(edxml_status_parse(xml.ptr, xml.len, &a, &got, &why), -1);
		assert_string_equal(why, "the edXML message holds no status");
	}
	/* times from other systems: ISO with a zone, with '-' and 'T' */
	{
		static const char *const stamps[] = { "2026-11-19T01:00:45Z", "2026-11-19T08:00:45.250+07:00",
						      "2026-11-19 08:00:45" };
		for (size_t i = 0; i < 3; i++) {
			struct buf m = BUF_INIT;
			char *p;
			buf_add(&m, xml.ptr, 0);
			s.status = EDXML_ST_ARRIVED;
			assert_int_equal(edxml_status_build(&s, &m), 0);
			p = strstr(m.ptr, "<edXML:Timestamp>") + strlen("<edXML:Timestamp>");
			buf_reset(&xml);
			buf_add(&xml, m.ptr, (size_t)(p - m.ptr));
			buf_adds(&xml, stamps[i]);
			buf_adds(&xml, strstr(p, "</edXML:Timestamp>"));
			assert_int_equal(edxml_status_parse(xml.ptr, xml.len, &a, &got, &why), 0);
			assert_int_equal(got.at, 1795050045);
			buf_release(&m);
		}
	}
	buf_release(&xml);
	arena_release(&a);
}

/* ---- the examples of docs/edxml.md are read as they are written there ---- */

/* The n-th ```xml block of the file into out. */
static void xml_block(const char *text, int nth, struct buf *out)
{
	const char *p = text, *e;
	for (int i = 0; i <= nth; i++) {
		p = strstr(p, "```xml\n");
		assert_non_null(p);
		p += 7;
	}
	e = strstr(p, "```");
	assert_non_null(e);
	buf_add(out, p, (size_t)(e - p));
}

static void docs_examples(void **state)
{
	struct buf md = BUF_INIT, xml = BUF_INIT;
	struct arena a = ARENA_INIT;
	struct edxml_doc d;
	struct edxml_file *f;
	struct edxml_status s;
	const char *why;
	char chunk[4096];
	size_t n;
	FILE *fp = fopen(SOURCE_ROOT "/docs/edxml.md", "r");
	(void)state;

	assert_non_null(fp);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&md, chunk, n);
	fclose(fp);
	xml_block(md.ptr, 0, &xml);
	assert_int_equal(edxml_parse(xml.ptr, xml.len, &a, &d, &f, &n, &why), 0);
	assert_string_equal(d.document_id, "000.00.15.H26,2026/11/18,147/KH-UBND");
	assert_int_equal(d.nto, 2);
	assert_int_equal(d.type, 10);
	assert_int_equal(d.urgency, DOC_URGENCY_URGENT);
	assert_int_equal(n, 1);
	assert_int_equal(f[0].checked, 1);
	buf_reset(&xml);
	xml_block(md.ptr, 1, &xml);
	assert_int_equal(edxml_status_parse(xml.ptr, xml.len, &a, &s, &why), 0);
	assert_int_equal(s.status, EDXML_ST_ACCEPTED);
	assert_string_equal(s.staff, "Lê Thu Trang");
	buf_release(&md);
	buf_release(&xml);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),	     cmocka_unit_test(other_senders),
		cmocka_unit_test(required_fields),   cmocka_unit_test(tampered_file),
		cmocka_unit_test(entities_and_dtds), cmocka_unit_test(limits),
		cmocka_unit_test(status_round_trip), cmocka_unit_test(docs_examples),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
