/*
 * test_receipt_xml.c: a receipt as a signed XML document (features/receipt_xml.h): the
 * demo key pair, the fields a reader finds, the signature checked by us and by xmlsec1, what
 * makes it fail, and many threads signing at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <xmlsec/crypto.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>
#include "core/buf.h"
#include "core/timefmt.h"
#include "features/receipt_xml.h"
#include "core/banned.h"

#define XMLSEC1	  "/usr/bin/xmlsec1"
#define UNIT_NAME "Ủy ban nhân dân phường Nhân Chính"
#define DS_NS	  "http://www.w3.org/2000/09/xmldsig#"
/* 2026-03-02 09:15:00 in Vietnam (02:15 UTC) */
#define ISSUED_AT  1772417700
#define THREADS	   16
#define PER_THREAD 20

static char dir[256];		     /* a fresh temporary folder for the run */
static char key_a[300], cert_a[300]; /* the unit's key pair */
static char key_b[300], cert_b[300]; /* another unit's */
static char key_c[300], cert_c[300]; /* a third, first used by many threads at once */

static void path(char *out, size_t n, const char *name)
{
	int len = snprintf(out, n, "%s/%s", dir, name);
	assert_true(len > 0 && (size_t)len < n);
}

static int setup(void **state)
{
	(void)state;
	if (receipt_xml_init())
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/motcua-receipt-xml-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(key_a, sizeof(key_a), "%s/key.pem", dir);
	snprintf(cert_a, sizeof(cert_a), "%s/cert.pem", dir);
	snprintf(key_b, sizeof(key_b), "%s/other-key.pem", dir);
	snprintf(cert_b, sizeof(cert_b), "%s/other-cert.pem", dir);
	if (receipt_keygen(key_a, cert_a, UNIT_NAME, 365) ||
	    receipt_keygen(key_b, cert_b, "Phường Kim Giang", 30))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];
	(void)state;
	receipt_xml_shutdown();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? -1 : 0;
}

/* A receipt as the lead's code fills it, with Vietnamese text and characters XML escapes. */
static void fill(struct receipt *r, int64_t number)
{
	memset(r, 0, sizeof(*r));
	r->id = number;
	r->book_id = 1;
	r->template_code = "01BLP0-001";
	r->series = "AA-26E";
	r->year = 2026;
	r->number = number;
	snprintf(r->number_text, sizeof(r->number_text), "%07lld", (long long)number);
	r->lookup = "K7Q2M9X4B8TZ";
	r->dossier_id = 12;
	r->dossier_code = "000.01.15.H26-260302-0007";
	r->payer.name = "Nguyễn Văn An";
	r->payer.address = "Số 5 ngõ 12 phố Vũ Trọng Phụng, phường Nhân Chính, quận Thanh Xuân, Hà Nội";
	r->payer.id_no = "001085012345";
	r->nlines = 2;
	r->lines[0].name = "Phí thẩm định hồ sơ <đất đai> & nhà ở";
	r->lines[0].quantity = 1;
	r->lines[0].unit_amount = 46000;
	r->lines[0].amount = 46000;
	r->lines[1].name = "Lệ phí chứng thực bản sao";
	r->lines[1].quantity = 2;
	r->lines[1].unit_amount = 2000;
	r->lines[1].amount = 4000;
	r->total = 50000;
	r->amount_in_words = "Năm mươi nghìn đồng";
	r->method = RM_CASH;
	r->status = RST_ISSUED;
	r->collector_account = 7;
	r->collector_name = "Trần Thị Thu";
	r->unit_id = 3;
	r->unit_name = UNIT_NAME;
	r->unit_tax_code = "0101234567";
	r->unit_address = "Số 2 phố Hoàng Đạo Thúy, phường Nhân Chính, quận Thanh Xuân, Hà Nội";
	r->issued_at = ISSUED_AT;
}

static void sign(const struct receipt *r, const char *key, const char *cert, struct buf *out, char *code)
{
	buf_init(out, 1 << 20);
	assert_int_equal(receipt_xml_sign(r, key, cert, out, code), 0);
	assert_true(out->len > 0);
}

static void write_file(const char *file, const char *p, size_t len)
{
	FILE *f = fopen(file, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Replace the first `from` in b by `to`; the test fails when `from` is not there. */
static void replace(struct buf *b, const char *from, const char *to)
{
	char *at = strstr(b->ptr, from);
	struct buf n = BUF_INIT;
	assert_non_null(at);
	buf_add(&n, b->ptr, (size_t)(at - b->ptr));
	buf_adds(&n, to);
	buf_adds(&n, at + strlen(from));
	assert_false(buf_err(&n));
	buf_release(b);
	*b = n;
}

/* The text of the one node at an XPath (prefix ds for XMLDSig); a copy to free, NULL when none. */
static char *xp(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;
	char *s = NULL;
	assert_non_null(ctx);
	xmlXPathRegisterNs(ctx, BAD_CAST "ds", BAD_CAST DS_NS);
	o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	assert_non_null(o);
	if (o->nodesetval && o->nodesetval->nodeNr == 1)
		s = (char *)xmlNodeGetContent(o->nodesetval->nodeTab[0]);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return s;
}

/* How many nodes an XPath selects. */
static int xp_count(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;
	int n;
	assert_non_null(ctx);
	o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	assert_non_null(o);
	n = o->nodesetval ? o->nodesetval->nodeNr : 0;
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return n;
}

static void assert_xp(xmlDocPtr doc, const char *expr, const char *want)
{
	char *got = xp(doc, expr);
	if (!got)
		fail_msg("%s: not found", expr);
	if (strcmp(got, want))
		fail_msg("%s: \"%s\", want \"%s\"", expr, got, want);
	xmlFree(got);
}

static void assert_code(const char *code)
{
	size_t i;
	assert_int_equal(strlen(code), 10);
	for (i = 0; i < 10; i++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", code[i]));
}

static void keygen_makes_a_self_signed_pair(void **state)
{
	char key[300], cert[300], bad[300];
	struct stat st;
	FILE *f;
	X509 *x;
	EVP_PKEY *pub, *priv;
	char cn[200], o[200], c[8];
	time_t now = time(NULL);
	int days;
	(void)state;

	/* the pair made in setup: a private key only its owner reads */
	assert_int_equal(stat(key_a, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	f = fopen(cert_a, "r");
	assert_non_null(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(x);
	f = fopen(key_a, "r");
	assert_non_null(f);
	priv = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(priv);

	assert_int_equal(X509_get_version(x), X509_VERSION_3);
	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof(cn));
	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_organizationName, o, sizeof(o));
	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_countryName, c, sizeof(c));
	assert_string_equal(cn, UNIT_NAME);
	assert_string_equal(o, UNIT_NAME);
	assert_string_equal(c, "VN");
	assert_int_equal(X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)), 0);
	assert_int_equal(X509_get_signature_nid(x), NID_sha256WithRSAEncryption);
	pub = X509_get_pubkey(x);
	assert_non_null(pub);
	assert_true(EVP_PKEY_is_a(pub, "RSA"));
	assert_int_equal(EVP_PKEY_get_bits(pub), 2048);
	assert_int_equal(X509_verify(x, pub), 1); /* self-signed */
	assert_int_equal(X509_check_private_key(x, priv), 1);
	assert_true(X509_cmp_time(X509_get0_notBefore(x), &now) <= 0);
	assert_int_equal(ASN1_TIME_diff(&days, &(int){ 0 }, X509_get0_notBefore(x), X509_get0_notAfter(x)),
			 1);
	assert_int_equal(days, 365);
	EVP_PKEY_free(pub);
	EVP_PKEY_free(priv);
	X509_free(x);

	/* the caller makes the folders: a missing one fails and leaves nothing */
	path(key, sizeof(key), "missing/key.pem");
	path(cert, sizeof(cert), "missing/cert.pem");
	assert_int_equal(receipt_keygen(key, cert, UNIT_NAME, 365), -1);
	assert_int_equal(stat(key, &st), -1);
	/* the certificate's folder missing: the key is not left behind either */
	path(key, sizeof(key), "lone-key.pem");
	assert_int_equal(receipt_keygen(key, cert, UNIT_NAME, 365), -1);
	assert_int_equal(stat(key, &st), -1);
	/* nonsense arguments */
	path(bad, sizeof(bad), "k.pem");
	assert_int_equal(receipt_keygen(bad, cert_b, "", 365), -1);
	assert_int_equal(receipt_keygen(bad, cert_b, UNIT_NAME, 0), -1);
}

static void document_carries_the_receipt(void **state)
{
	struct receipt r;
	struct buf out;
	char code[11];
	xmlDocPtr doc;
	char *s;
	(void)state;

	fill(&r, 42);
	sign(&r, key_a, cert_a, &out, code);
	assert_code(code);
	assert_true(!strncmp(out.ptr, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 38));
	/* escaped by libxml2, not written raw */
	assert_non_null(strstr(out.ptr, "Phí thẩm định hồ sơ &lt;đất đai&gt; &amp; nhà ở"));
	/* diacritics kept as UTF-8, not as character references */
	assert_non_null(strstr(out.ptr, "<Ten>Nguyễn Văn An</Ten>"));

	doc = xmlReadMemory(out.ptr, (int)out.len, NULL, NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	assert_xp(doc, "/BLai/DLBLai/@Id", "DLBLai");
	assert_xp(doc, "/BLai/DLBLai/TTChung/KHMSBLai", "01BLP0-001");
	assert_xp(doc, "/BLai/DLBLai/TTChung/KHBLai", "AA-26E");
	assert_xp(doc, "/BLai/DLBLai/TTChung/SBLai", "0000042");
	assert_xp(doc, "/BLai/DLBLai/TTChung/Nam", "2026");
	assert_xp(doc, "/BLai/DLBLai/TTChung/TDLap", "2026-03-02T09:15:00+07:00");
	assert_xp(doc, "/BLai/DLBLai/TTChung/MTCuu", "K7Q2M9X4B8TZ");
	assert_xp(doc, "/BLai/DLBLai/TTChung/HTTToan", "Tiền mặt");
	assert_xp(doc, "/BLai/DLBLai/NDBLai/DVThu/Ten", UNIT_NAME);
	assert_xp(doc, "/BLai/DLBLai/NDBLai/DVThu/MST", "0101234567");
	assert_xp(doc, "/BLai/DLBLai/NDBLai/DVThu/DChi",
		  "Số 2 phố Hoàng Đạo Thúy, phường Nhân Chính, quận Thanh Xuân, Hà Nội");
	assert_xp(doc, "/BLai/DLBLai/NDBLai/NNop/Ten", "Nguyễn Văn An");
	assert_xp(doc, "/BLai/DLBLai/NDBLai/NNop/DChi",
		  "Số 5 ngõ 12 phố Vũ Trọng Phụng, phường Nhân Chính, quận Thanh Xuân, Hà Nội");
	assert_xp(doc, "/BLai/DLBLai/NDBLai/NNop/CCCDan", "001085012345");
	assert_null(xp(doc, "/BLai/DLBLai/NDBLai/NNop/MST")); /* none given: left out */
	assert_int_equal(xp_count(doc, "/BLai/DLBLai/NDBLai/DSKThu/KThu"), 2);
	assert_xp(doc, "/BLai/DLBLai/NDBLai/DSKThu/KThu[1]/Ten", "Phí thẩm định hồ sơ <đất đai> & nhà ở");
	assert_xp(doc, "/BLai/DLBLai/NDBLai/DSKThu/KThu[1]/ThTien", "46000");
	assert_xp(doc, "/BLai/DLBLai/NDBLai/DSKThu/KThu[2]/STT", "2");
	assert_xp(doc, "/BLai/DLBLai/NDBLai/DSKThu/KThu[2]/Ten", "Lệ phí chứng thực bản sao");
	assert_xp(doc, "/BLai/DLBLai/NDBLai/DSKThu/KThu[2]/SLuong", "2");
	assert_xp(doc, "/BLai/DLBLai/NDBLai/DSKThu/KThu[2]/DGia", "2000");
	assert_xp(doc, "/BLai/DLBLai/NDBLai/DSKThu/KThu[2]/ThTien", "4000");
	assert_xp(doc, "/BLai/DLBLai/NDBLai/TToan/TgTTTBSo", "50000");
	assert_xp(doc, "/BLai/DLBLai/NDBLai/TToan/TgTTTBChu", "Năm mươi nghìn đồng");
	assert_xp(doc, "/BLai/DLBLai/NDBLai/MHSo", "000.01.15.H26-260302-0007");
	assert_xp(doc, "/BLai/DLBLai/NDBLai/NThu/Ten", "Trần Thị Thu");
	assert_null(xp(doc, "//TTBLLQuan")); /* replaces nothing */
	/* the signature: over #DLBLai, RSA-SHA256, SHA-256, exclusive C14N, the certificate */
	assert_xp(doc, "/BLai/DSCKS/DVThu/ds:Signature/ds:SignedInfo/ds:Reference/@URI", "#DLBLai");
	assert_xp(doc, "//ds:SignatureMethod/@Algorithm",
		  "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
	assert_xp(doc, "//ds:DigestMethod/@Algorithm", "http://www.w3.org/2001/04/xmlenc#sha256");
	assert_xp(doc, "//ds:CanonicalizationMethod/@Algorithm", "http://www.w3.org/2001/10/xml-exc-c14n#");
	s = xp(doc, "//ds:KeyInfo/ds:X509Data/ds:X509Certificate");
	assert_non_null(s);
	assert_true(strlen(s) > 500);
	xmlFree(s);
	xmlFreeDoc(doc);
	buf_release(&out);
}

static void verify_accepts_the_signed_document(void **state)
{
	struct receipt r;
	struct buf out;
	char code[11], again[11];
	(void)state;

	fill(&r, 44);
	sign(&r, key_a, cert_a, &out, code);
	assert_int_equal(receipt_xml_verify(out.ptr, out.len, cert_a, again), 1);
	assert_string_equal(again, code);
	assert_int_equal(receipt_xml_verify(out.ptr, out.len, cert_a, NULL), 1);
	buf_release(&out);
}

static void verify_rejects_an_altered_amount(void **state)
{
	struct receipt r;
	struct buf out;
	char code[11], again[11];
	(void)state;

	fill(&r, 45);
	sign(&r, key_a, cert_a, &out, code);
	replace(&out, "<TgTTTBSo>50000</TgTTTBSo>", "<TgTTTBSo>60000</TgTTTBSo>");
	assert_int_equal(receipt_xml_verify(out.ptr, out.len, cert_a, again), 0);
	assert_string_equal(again, code); /* still the document's code, shown beside "invalid" */
	buf_release(&out);

	/* a payer's name, a single letter */
	sign(&r, key_a, cert_a, &out, code);
	replace(&out, "Nguyễn Văn An", "Nguyễn Văn Ân");
	assert_int_equal(receipt_xml_verify(out.ptr, out.len, cert_a, NULL), 0);
	buf_release(&out);
}

static void verify_rejects_another_key(void **state)
{
	struct receipt r;
	struct buf out;
	(void)state;

	fill(&r, 46);
	/* signed by the unit, checked against another unit's certificate */
	sign(&r, key_a, cert_a, &out, NULL);
	assert_int_equal(receipt_xml_verify(out.ptr, out.len, cert_b, NULL), 0);
	buf_release(&out);
	/* signed by someone else, who put their own certificate in KeyInfo: not trusted */
	sign(&r, key_b, cert_b, &out, NULL);
	assert_int_equal(receipt_xml_verify(out.ptr, out.len, cert_b, NULL), 1);
	assert_int_equal(receipt_xml_verify(out.ptr, out.len, cert_a, NULL), 0);
	buf_release(&out);
}

static void verify_rejects_a_missing_signature(void **state)
{
	struct receipt r;
	struct buf out, bare = BUF_INIT;
	char *from, *to;
	char code[11];
	(void)state;

	fill(&r, 47);
	sign(&r, key_a, cert_a, &out, NULL);
	from = strstr(out.ptr, "<Signature");
	to = strstr(out.ptr, "</Signature>");
	assert_non_null(from);
	assert_non_null(to);
	buf_add(&bare, out.ptr, (size_t)(from - out.ptr));
	buf_adds(&bare, to + strlen("</Signature>"));
	assert_null(strstr(bare.ptr, "Signature"));
	assert_int_equal(receipt_xml_verify(bare.ptr, bare.len, cert_a, code), 0);
	assert_string_equal(code, "");
	/* nothing at all, and something that is not XML */
	assert_int_equal(receipt_xml_verify("", 0, cert_a, NULL), 0);
	assert_int_equal(receipt_xml_verify("<BLai>", 6, cert_a, NULL), 0);
	buf_release(&bare);
	buf_release(&out);
}

/*
 * Signature wrapping: the signed DLBLai moved aside (where its digest still matches) and a
 * forged one put where readers look. xmlsec alone resolves #DLBLai to the moved element.
 */
static void verify_rejects_a_moved_data_element(void **state)
{
	struct receipt r;
	struct buf out, forged = BUF_INIT;
	char *a, *b, *dscks, *orig;
	size_t n;
	(void)state;

	fill(&r, 48);
	sign(&r, key_a, cert_a, &out, NULL);
	a = strstr(out.ptr, "<DLBLai Id=\"DLBLai\">");
	b = strstr(out.ptr, "</DLBLai>");
	dscks = strstr(out.ptr, "<DSCKS>");
	assert_true(a && b && dscks && a < b && b < dscks);
	b += strlen("</DLBLai>");
	orig = strndup(a, (size_t)(b - a));
	n = (size_t)(b - a);
	buf_add(&forged, out.ptr, (size_t)(a - out.ptr));
	buf_adds(&forged, "<DLBLai Id=\"DLBLai-forged\">");
	buf_add(&forged, a + strlen("<DLBLai Id=\"DLBLai\">"), n - strlen("<DLBLai Id=\"DLBLai\">"));
	buf_add(&forged, b, (size_t)(dscks - b) + strlen("<DSCKS>"));
	buf_adds(&forged, orig);
	buf_adds(&forged, dscks + strlen("<DSCKS>"));
	replace(&forged, "<TgTTTBSo>50000</TgTTTBSo>", "<TgTTTBSo>5000</TgTTTBSo>");
	assert_int_equal(receipt_xml_verify(forged.ptr, forged.len, cert_a, NULL), 0);

	/* a second element claiming the id, through xml:id */
	buf_reset(&forged);
	buf_add(&forged, out.ptr, out.len);
	replace(&forged, "<NThu>", "<NThu xml:id=\"DLBLai\">");
	assert_int_equal(receipt_xml_verify(forged.ptr, forged.len, cert_a, NULL), 0);
	free(orig);
	buf_release(&forged);
	buf_release(&out);
}

static int xmlsec1_verify(const char *file, const char *cert, const char *opts);

/*
 * Sign a stored document's Signature again with the unit's own key, after an edit of the
 * text (what a careless tool holding the key could produce): xmlsec itself accepts the result.
 */
static void resign(struct buf *b, const char *key_path)
{
	xmlDocPtr doc = xmlReadMemory(b->ptr, (int)b->len, NULL, NULL, XML_PARSE_NONET);
	xmlNodePtr sig, data;
	xmlSecDSigCtxPtr dsig;
	xmlChar *mem;
	int size;

	assert_non_null(doc);
	data = xmlSecFindNode(xmlDocGetRootElement(doc), BAD_CAST "DLBLai", NULL);
	assert_non_null(data);
	assert_non_null(xmlAddID(NULL, doc, BAD_CAST "DLBLai", xmlHasProp(data, BAD_CAST "Id")));
	sig = xmlSecFindNode(xmlDocGetRootElement(doc), xmlSecNodeSignature, xmlSecDSigNs);
	assert_non_null(sig);
	dsig = xmlSecDSigCtxCreate(NULL);
	assert_non_null(dsig);
	dsig->signKey = xmlSecCryptoAppKeyLoad(key_path, xmlSecKeyDataFormatPem, NULL, NULL, NULL);
	assert_non_null(dsig->signKey);
	assert_int_equal(xmlSecDSigCtxSign(dsig, sig), 0);
	xmlSecDSigCtxDestroy(dsig);
	xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
	buf_reset(b);
	buf_add(b, mem, (size_t)size);
	xmlFree(mem);
	xmlFreeDoc(doc);
}

/* Signed by the unit's key, but not over the whole DLBLai, or not with our algorithms. */
static void verify_rejects_another_reference_or_algorithm(void **state)
{
	struct receipt r;
	struct buf out;
	char file[300];
	(void)state;

	fill(&r, 55);
	/* the signature covers only the totals */
	sign(&r, key_a, cert_a, &out, NULL);
	replace(&out, "<TToan>", "<TToan xml:id=\"part\">");
	replace(&out, "<Reference URI=\"#DLBLai\">", "<Reference URI=\"#part\">");
	resign(&out, key_a);
	if (!access(XMLSEC1, X_OK)) {
		/* a valid signature as such... */
		path(file, sizeof(file), "partial.xml");
		write_file(file, out.ptr, out.len);
		assert_int_equal(xmlsec1_verify(file, cert_a, ""), 0);
	}
	/* ...but not a receipt's */
	assert_int_equal(receipt_xml_verify(out.ptr, out.len, cert_a, NULL), 0);
	buf_release(&out);

	/* SHA-1 where we sign with SHA-256 */
	sign(&r, key_a, cert_a, &out, NULL);
	replace(&out, "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
		"http://www.w3.org/2000/09/xmldsig#rsa-sha1");
	resign(&out, key_a);
	assert_int_equal(receipt_xml_verify(out.ptr, out.len, cert_a, NULL), 0);
	buf_release(&out);

	/* signed again with no edit: valid, so the edits above are what fails */
	sign(&r, key_a, cert_a, &out, NULL);
	resign(&out, key_a);
	assert_int_equal(receipt_xml_verify(out.ptr, out.len, cert_a, NULL), 1);
	buf_release(&out);
}

/* Exit status of xmlsec1 --verify on a file with the unit's certificate, and options. */
static int xmlsec1_verify(const char *file, const char *cert, const char *opts)
{
	char cmd[1200];
	int rc;
	snprintf(cmd, sizeof(cmd),
		 XMLSEC1 " --verify %s--pubkey-cert-pem '%s' --id-attr:Id DLBLai '%s' >/dev/null 2>&1", opts,
		 cert, file);
	rc = system(cmd);
	assert_true(rc != -1 && WIFEXITED(rc));
	return WEXITSTATUS(rc);
}

/* The command docs/receipt-xml.md gives, and its stricter form ignoring KeyInfo's certificate. */
static void xmlsec1_cli_checks_the_file(void **state)
{
	static const char *const opts[] = { "", "--enabled-key-data rsa " };
	struct receipt r;
	struct buf out;
	char good[300], bad[300], other[300];
	size_t i;
	(void)state;

	if (access(XMLSEC1, X_OK)) {
		print_message("# skip: " XMLSEC1 " is not installed (apt-get install xmlsec1)\n");
		skip();
	}
	fill(&r, 49);
	sign(&r, key_b, cert_b, &out, NULL);
	path(other, sizeof(other), "other-unit.xml");
	write_file(other, out.ptr, out.len);
	buf_release(&out);
	sign(&r, key_a, cert_a, &out, NULL);
	path(good, sizeof(good), "receipt.xml");
	write_file(good, out.ptr, out.len);
	replace(&out, "<TgTTTBSo>50000</TgTTTBSo>", "<TgTTTBSo>50001</TgTTTBSo>");
	path(bad, sizeof(bad), "altered.xml");
	write_file(bad, out.ptr, out.len);
	for (i = 0; i < 2; i++) {
		assert_int_equal(xmlsec1_verify(good, cert_a, opts[i]), 0);
		assert_int_not_equal(xmlsec1_verify(bad, cert_a, opts[i]), 0);
		assert_int_not_equal(xmlsec1_verify(good, cert_b, opts[i]), 0);
		/* signed by another key, carrying its own certificate */
		assert_int_not_equal(xmlsec1_verify(other, cert_a, opts[i]), 0);
	}
	buf_release(&out);
}

static void status_is_not_signed(void **state)
{
	struct receipt r;
	struct buf issued, cancelled;
	(void)state;

	/* RSA PKCS#1 v1.5 is deterministic: the same data gives the same document */
	fill(&r, 50);
	sign(&r, key_a, cert_a, &issued, NULL);
	r.status = RST_CANCELLED;
	r.cancelled_at = ISSUED_AT + 3600;
	r.cancel_reason = "Ghi sai tên người nộp";
	r.replaced_by_id = 51;
	r.replaced_by_number = "0000051";
	sign(&r, key_a, cert_a, &cancelled, NULL);
	assert_int_equal(cancelled.len, issued.len);
	assert_memory_equal(cancelled.ptr, issued.ptr, issued.len);
	assert_null(strstr(issued.ptr, "Ghi sai"));
	buf_release(&issued);
	buf_release(&cancelled);
}

static void replacement_names_the_replaced_receipt(void **state)
{
	struct receipt r;
	struct buf out;
	xmlDocPtr doc;
	(void)state;

	fill(&r, 51);
	r.replaces_id = 50;
	r.replaces_number = "0000050";
	sign(&r, key_a, cert_a, &out, NULL);
	assert_int_equal(receipt_xml_verify(out.ptr, out.len, cert_a, NULL), 1);
	doc = xmlReadMemory(out.ptr, (int)out.len, NULL, NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	assert_xp(doc, "/BLai/DLBLai/TTChung/TTBLLQuan/TCBLai", "1");
	assert_xp(doc, "/BLai/DLBLai/TTChung/TTBLLQuan/KHMSBLCLQuan", "01BLP0-001");
	assert_xp(doc, "/BLai/DLBLai/TTChung/TTBLLQuan/KHBLCLQuan", "AA-26E");
	assert_xp(doc, "/BLai/DLBLai/TTChung/TTBLLQuan/SBLCLQuan", "0000050");
	xmlFreeDoc(doc);
	buf_release(&out);

	/* from last year's book: its series comes with the number */
	r.replaces_number = "AA-25E 0000931";
	sign(&r, key_a, cert_a, &out, NULL);
	doc = xmlReadMemory(out.ptr, (int)out.len, NULL, NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	assert_xp(doc, "/BLai/DLBLai/TTChung/TTBLLQuan/KHBLCLQuan", "AA-25E");
	assert_xp(doc, "/BLai/DLBLai/TTChung/TTBLLQuan/SBLCLQuan", "0000931");
	xmlFreeDoc(doc);
	buf_release(&out);
}

static void errors(void **state)
{
	struct receipt r;
	struct buf out;
	char missing[300], code[11] = "x";
	(void)state;

	fill(&r, 52);
	buf_init(&out, 1 << 20);
	path(missing, sizeof(missing), "no-such-key.pem");
	assert_int_equal(receipt_xml_sign(&r, missing, cert_a, &out, code), -1);
	/* a key with another unit's certificate */
	assert_int_equal(receipt_xml_sign(&r, key_a, cert_b, &out, code), -1);
	/* data XML cannot hold: invalid UTF-8, a control character */
	r.payer.name = "Nguy\xe1\xbb";
	assert_int_equal(receipt_xml_sign(&r, key_a, cert_a, &out, code), -1);
	r.payer.name = "Nguyễn\x01";
	assert_int_equal(receipt_xml_sign(&r, key_a, cert_a, &out, code), -1);
	fill(&r, 0);
	assert_int_equal(receipt_xml_sign(&r, key_a, cert_a, &out, code), -1);
	assert_int_equal(out.len, 0);
	/* no certificate to check against */
	fill(&r, 52);
	sign(&r, key_a, cert_a, &out, code);
	path(missing, sizeof(missing), "no-such-cert.pem");
	assert_int_equal(receipt_xml_verify(out.ptr, out.len, missing, code), -1);
	buf_release(&out);
}

/* A new key pair written over the old: the next signature uses it (no restart). */
static void new_key_takes_effect(void **state)
{
	struct receipt r;
	struct buf before, after;
	char key[300], cert[300];
	(void)state;

	path(key, sizeof(key), "rotated-key.pem");
	path(cert, sizeof(cert), "rotated-cert.pem");
	assert_int_equal(receipt_keygen(key, cert, UNIT_NAME, 365), 0);
	fill(&r, 53);
	sign(&r, key, cert, &before, NULL);
	assert_int_equal(receipt_xml_verify(before.ptr, before.len, cert, NULL), 1);
	assert_int_equal(receipt_keygen(key, cert, UNIT_NAME, 365), 0);
	sign(&r, key, cert, &after, NULL);
	assert_int_equal(receipt_xml_verify(after.ptr, after.len, cert, NULL), 1);
	/* receipts signed before are checked against the certificate they were signed with */
	assert_int_equal(receipt_xml_verify(before.ptr, before.len, cert, NULL), 0);
	buf_release(&before);
	buf_release(&after);
}

struct worker {
	pthread_t thread;
	int index;
	int signed_ok, verified, same_code;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct receipt r;
	struct buf out;
	char code[11], again[11];
	int i;

	for (i = 0; i < PER_THREAD; i++) {
		/* odd threads sign for a unit whose key none has loaded yet: two keys at once */
		const char *key = w->index & 1 ? key_c : key_a, *cert = w->index & 1 ? cert_c : cert_a;
		fill(&r, 1000 + w->index * PER_THREAD + i);
		buf_init(&out, 1 << 20);
		if (receipt_xml_sign(&r, key, cert, &out, code) == 0) {
			w->signed_ok++;
			if (receipt_xml_verify(out.ptr, out.len, cert, again) == 1)
				w->verified++;
			if (!strcmp(code, again))
				w->same_code++;
		}
		buf_release(&out);
	}
	return NULL;
}

static void many_threads_sign_at_once(void **state)
{
	struct worker w[THREADS];
	int i;
	(void)state;

	path(key_c, sizeof(key_c), "third-key.pem");
	path(cert_c, sizeof(cert_c), "third-cert.pem");
	assert_int_equal(receipt_keygen(key_c, cert_c, "Phường Hạ Đình", 365), 0);
	for (i = 0; i < THREADS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].index = i;
		assert_int_equal(pthread_create(&w[i].thread, NULL, work, &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_join(w[i].thread, NULL), 0);
	for (i = 0; i < THREADS; i++) {
		assert_int_equal(w[i].signed_ok, PER_THREAD);
		assert_int_equal(w[i].verified, PER_THREAD);
		assert_int_equal(w[i].same_code, PER_THREAD);
	}
}

static void sign_rate(void **state)
{
	struct receipt r;
	struct buf out;
	int64_t t0, us;
	int i, n = 50;
	(void)state;

	fill(&r, 60);
	sign(&r, key_a, cert_a, &out, NULL); /* key loaded and cached */
	buf_release(&out);
	t0 = time_mono_us();
	for (i = 0; i < n; i++) {
		sign(&r, key_a, cert_a, &out, NULL);
		buf_release(&out);
	}
	us = time_mono_us() - t0;
	print_message("# sign: %.0f per second (one thread, %d signatures, %.2f ms each)\n",
		      n * 1e6 / (double)(us ? us : 1), n, us / 1000.0 / n);
	t0 = time_mono_us();
	sign(&r, key_a, cert_a, &out, NULL);
	for (i = 0; i < n; i++)
		assert_int_equal(receipt_xml_verify(out.ptr, out.len, cert_a, NULL), 1);
	us = time_mono_us() - t0;
	print_message("# verify: %.0f per second\n", n * 1e6 / (double)(us ? us : 1));
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keygen_makes_a_self_signed_pair),
		cmocka_unit_test(document_carries_the_receipt),
		cmocka_unit_test(verify_accepts_the_signed_document),
		cmocka_unit_test(verify_rejects_an_altered_amount),
		cmocka_unit_test(verify_rejects_another_key),
		cmocka_unit_test(verify_rejects_a_missing_signature),
		cmocka_unit_test(verify_rejects_a_moved_data_element),
		cmocka_unit_test(xmlsec1_cli_checks_the_file),
		cmocka_unit_test(verify_rejects_another_reference_or_algorithm),
		cmocka_unit_test(status_is_not_signed),
		cmocka_unit_test(replacement_names_the_replaced_receipt),
		cmocka_unit_test(errors),
		cmocka_unit_test(new_key_takes_effect),
		cmocka_unit_test(many_threads_sign_at_once),
		cmocka_unit_test(sign_rate),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("receipt_xml", tests, setup, teardown) ? 1 : 0;
}
