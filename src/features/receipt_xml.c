/*
 * receipt_xml.c: a receipt as a signed XML document (features/receipt_xml.h; the structure is in
 * docs/receipt-xml.md): built with libxml2's tree API, signed and checked with XMLDSig by
 * libxmlsec1 over OpenSSL, and the demo key pair made with OpenSSL's EVP API.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/valid.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <xmlsec/base64.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/templates.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/openssl/evp.h>
#include "core/log.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "features/receipt_xml.h"
#include "core/banned.h"

/* The signed element's id: the Reference is "#DLBLai" and nothing else. */
#define DATA_ID	  "DLBLai"
#define DATA_NAME "DLBLai"
/* Version of this document's structure (docs/receipt-xml.md), in TTChung/PBan. */
#define FORMAT_VERSION "1.0"
/* A stored document larger than this is not one of ours (20 lines make about 10 KB). */
#define XML_MAX (1 << 20)
/* Signing and verification keys kept at most (one per collecting unit in practice). */
#define KEY_CACHE_MAX 64
/* RFC 4648 base32, for the verification code. */
static const char base32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static int initialised;

/*
 * Keys, loaded once per file and kept: parsing a PEM key costs far more than a signature.
 * An entry is reloaded when its file changes (a new `motcua receipts keygen`). Users get
 * their own copy with xmlSecKeyDuplicate (the EVP_PKEY inside is shared by reference and
 * OpenSSL allows concurrent signing with it).
 */
struct file_id {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
};

struct key_entry {
	char *key_path;	 /* NULL: the public key of cert_path, for verification */
	char *cert_path; /* the unit's certificate */
	struct file_id kid, cid;
	xmlSecKeyPtr key; /* the RSA key alone: duplicating it only takes a reference */
	xmlChar *cert;	  /* signing: the certificate's DER in base64, for KeyInfo/X509Certificate */
	struct key_entry *next;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct key_entry *cache;
static size_t cache_n;

/* xmlsec reports every failed check as an error; a tampered document is not our error. */
static void xmlsec_error(const char *file, int line, const char *func, const char *object,
			 const char *subject, int reason, const char *msg)
{
	char q[4][256];
	(void)file, (void)line;
	if (log_level < LOG_DEBUG)
		return;
	log_msg(LOG_DEBUG, "event=xmlsec func=%s object=%s subject=%s reason=%d msg=%s",
		log_quote(q[0], sizeof(q[0]), func ? func : ""),
		log_quote(q[1], sizeof(q[1]), object ? object : ""),
		log_quote(q[2], sizeof(q[2]), subject ? subject : ""), reason,
		log_quote(q[3], sizeof(q[3]), msg ? msg : ""));
}

int receipt_xml_init(void)
{
	if (initialised)
		return 0;
	xmlInitParser();
	LIBXML_TEST_VERSION;
	if (xmlSecInit() < 0) {
		log_error("event=receipt_xml_init error=\"xmlsec init failed\"");
		return -1;
	}
	if (xmlSecCheckVersion() != 1) {
		log_error("event=receipt_xml_init error=\"xmlsec version mismatch\"");
		goto fail_xmlsec;
	}
	if (xmlSecCryptoAppInit(NULL) < 0) {
		log_error("event=receipt_xml_init error=\"xmlsec crypto app init failed\"");
		goto fail_xmlsec;
	}
	if (xmlSecCryptoInit() < 0) {
		log_error("event=receipt_xml_init error=\"xmlsec-openssl init failed\"");
		xmlSecCryptoAppShutdown();
		goto fail_xmlsec;
	}
	xmlSecErrorsSetCallback(xmlsec_error);
	initialised = 1;
	return 0;
fail_xmlsec:
	xmlSecShutdown();
	return -1;
}

static void entry_free(struct key_entry *e)
{
	xmlSecKeyDestroy(e->key);
	xmlFree(e->cert);
	free(e->key_path);
	free(e->cert_path);
	free(e);
}

/* With cache_lock held. */
static void cache_clear_locked(void)
{
	struct key_entry *e, *next;
	for (e = cache; e; e = next) {
		next = e->next;
		entry_free(e);
	}
	cache = NULL;
	cache_n = 0;
}

void receipt_xml_shutdown(void)
{
	if (!initialised)
		return;
	pthread_mutex_lock(&cache_lock);
	cache_clear_locked();
	pthread_mutex_unlock(&cache_lock);
	xmlSecCryptoShutdown();
	xmlSecCryptoAppShutdown();
	xmlSecShutdown();
	xmlCleanupParser();
	initialised = 0;
}

/* ---- keys ---- */

static int file_id_get(const char *path, struct file_id *id)
{
	struct stat st;
	if (!path || stat(path, &st))
		return -1;
	memset(id, 0, sizeof(*id));
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	id->size = st.st_size;
	id->mtime = st.st_mtim;
	id->ctime = st.st_ctim;
	return 0;
}

static int file_id_eq(const struct file_id *a, const struct file_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
	       a->ctime.tv_sec == b->ctime.tv_sec && a->ctime.tv_nsec == b->ctime.tv_nsec;
}

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Never prompt on a terminal for a passphrase: the key must be unencrypted. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf, (void)size, (void)rwflag, (void)u;
	return -1;
}

static X509 *cert_read(const char *path)
{
	FILE *f = fopen(path, "re");
	X509 *x;
	if (!f)
		return NULL;
	x = PEM_read_X509(f, NULL, no_password, NULL);
	fclose(f);
	return x;
}

/* An xmlsec key holding pkey (adopted: freed with the key, or here on failure). */
static xmlSecKeyPtr key_adopt(EVP_PKEY *pkey)
{
	xmlSecKeyDataPtr data;
	xmlSecKeyPtr key;
	if (!pkey)
		return NULL;
	data = xmlSecOpenSSLEvpKeyAdopt(pkey);
	if (!data) {
		EVP_PKEY_free(pkey);
		return NULL;
	}
	key = xmlSecKeyCreate();
	if (!key || xmlSecKeySetValue(key, data) < 0) {
		xmlSecKeyDataDestroy(data);
		if (key)
			xmlSecKeyDestroy(key);
		return NULL;
	}
	return key;
}

/* The certificate as X509Certificate holds it: DER in base64, lines of 64 like xmlsec's. */
static xmlChar *cert_base64(X509 *cert)
{
	unsigned char *der = NULL;
	int n = i2d_X509(cert, &der);
	xmlChar *b64;
	if (n <= 0)
		return NULL;
	b64 = xmlSecBase64Encode(der, (xmlSecSize)n, 64);
	OPENSSL_free(der);
	return b64;
}

/*
 * The unit's signing key, checked to be an RSA key of at least 2048 bits matching the
 * certificate, and the certificate for KeyInfo in *cert; or with key_path NULL the
 * certificate's public key alone.
 */
static xmlSecKeyPtr key_load(const char *key_path, const char *cert_path, xmlChar **cert_b64)
{
	X509 *cert = NULL;
	EVP_PKEY *pkey = NULL;
	xmlSecKeyPtr key = NULL;
	FILE *f = NULL;
	char q[PATH_MAX + 8];

	*cert_b64 = NULL;
	cert = cert_read(cert_path);
	if (!cert) {
		log_warn("event=receipt_key error=\"cannot read certificate\" path=%s",
			 log_quote(q, sizeof(q), cert_path));
		goto out;
	}
	if (!key_path) {
		key = key_adopt(X509_get_pubkey(cert));
		goto out;
	}
	f = fopen(key_path, "re");
	if (f)
		pkey = PEM_read_PrivateKey(f, NULL, no_password, NULL);
	if (!pkey) {
		log_warn("event=receipt_key error=\"cannot read private key\" path=%s",
			 log_quote(q, sizeof(q), key_path));
		goto out;
	}
	if (!EVP_PKEY_is_a(pkey, "RSA") || EVP_PKEY_get_bits(pkey) < 2048 ||
	    X509_check_private_key(cert, pkey) != 1) {
		log_warn(
			"event=receipt_key error=\"key is not RSA 2048 or does not match the certificate\" path=%s",
			log_quote(q, sizeof(q), key_path));
		goto out;
	}
	*cert_b64 = cert_base64(cert);
	if (!*cert_b64)
		goto out;
	key = key_adopt(pkey);
	pkey = NULL;
	if (!key) {
		xmlFree(*cert_b64);
		*cert_b64 = NULL;
	}
out:
	if (f)
		fclose(f);
	EVP_PKEY_free(pkey);
	X509_free(cert);
	return key;
}

static struct key_entry *cache_find(const char *key_path, const char *cert_path, const struct file_id *kid,
				    const struct file_id *cid)
{
	struct key_entry *e;
	for (e = cache; e; e = e->next)
		if (str_eq(e->key_path, key_path) && !strcmp(e->cert_path, cert_path) &&
		    file_id_eq(&e->kid, kid) && file_id_eq(&e->cid, cid))
			return e;
	return NULL;
}

/* With cache_lock held: the caller's own key and certificate text from an entry. */
static xmlSecKeyPtr entry_copy(const struct key_entry *e, xmlChar **cert)
{
	xmlSecKeyPtr key = xmlSecKeyDuplicate(e->key);
	if (key && cert) {
		*cert = e->cert ? xmlStrdup(e->cert) : NULL;
		if (e->cert && !*cert) {
			xmlSecKeyDestroy(key);
			key = NULL;
		}
	}
	return key;
}

/*
 * A copy of the key for key_path / cert_path (key_path NULL: the certificate's public key),
 * and when cert is not NULL the certificate's base64 (to xmlFree). NULL when unreadable.
 */
static xmlSecKeyPtr key_get(const char *key_path, const char *cert_path, xmlChar **cert)
{
	struct file_id kid = { 0 }, cid;
	struct key_entry *e, **pp;
	xmlSecKeyPtr loaded, key = NULL;
	xmlChar *loaded_cert;

	if (cert)
		*cert = NULL;
	if (!cert_path || file_id_get(cert_path, &cid) || (key_path && file_id_get(key_path, &kid)))
		return NULL;
	pthread_mutex_lock(&cache_lock);
	e = cache_find(key_path, cert_path, &kid, &cid);
	if (e)
		key = entry_copy(e, cert);
	pthread_mutex_unlock(&cache_lock);
	if (e)
		return key;

	/* Loaded outside the lock; if another thread got there first, its copy wins. */
	loaded = key_load(key_path, cert_path, &loaded_cert);
	if (!loaded)
		return NULL;
	pthread_mutex_lock(&cache_lock);
	e = cache_find(key_path, cert_path, &kid, &cid);
	if (e) {
		xmlSecKeyDestroy(loaded);
		xmlFree(loaded_cert);
	} else {
		/* the same files as they were before a change: dropped */
		for (pp = &cache; *pp;) {
			e = *pp;
			if (str_eq(e->key_path, key_path) && !strcmp(e->cert_path, cert_path)) {
				*pp = e->next;
				entry_free(e);
				cache_n--;
			} else {
				pp = &e->next;
			}
		}
		if (cache_n >= KEY_CACHE_MAX)
			cache_clear_locked(); /* more files than units: start over rather than grow */
		e = xcalloc(1, sizeof(*e));
		e->key_path = key_path ? xstrdup(key_path) : NULL;
		e->cert_path = xstrdup(cert_path);
		e->kid = kid;
		e->cid = cid;
		e->key = loaded;
		e->cert = loaded_cert;
		e->next = cache;
		cache = e;
		cache_n++;
	}
	key = entry_copy(e, cert);
	pthread_mutex_unlock(&cache_lock);
	return key;
}

/* ---- the document ---- */

struct builder {
	xmlDocPtr doc;
	int err; /* sticky: a value that cannot go into XML */
};

/* XML 1.0 text: valid UTF-8 and no control character but tab, line feed and carriage return. */
static int text_ok(const char *s)
{
	const unsigned char *p;
	if (!xmlCheckUTF8((const xmlChar *)s))
		return 0;
	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
			return 0;
	return 1;
}

/* A child element with text (escaped by libxml2); NULL text gives an empty element. */
static xmlNodePtr add(struct builder *b, xmlNodePtr parent, const char *name, const char *text)
{
	xmlNodePtr n;
	if (text && !text_ok(text)) {
		b->err = 1;
		text = NULL;
	}
	n = xmlNewTextChild(parent, NULL, BAD_CAST name, BAD_CAST text);
	if (!n)
		b->err = 1;
	return n;
}

/* An optional element: left out when text is NULL or empty. */
static void add_opt(struct builder *b, xmlNodePtr parent, const char *name, const char *text)
{
	if (text && *text)
		add(b, parent, name, text);
}

static void add_int(struct builder *b, xmlNodePtr parent, const char *name, int64_t v)
{
	char s[24];
	snprintf(s, sizeof(s), "%" PRId64, v);
	add(b, parent, name, s);
}

/* The words of TTChung/HTTToan (hình thức thanh toán), in the document's language. */
static const char *method_text(int method)
{
	switch (method) {
	case RM_CASH: return "Tiền mặt";
	case RM_TRANSFER: return "Chuyển khoản";
	case RM_ONLINE: return "Thanh toán trực tuyến";
	}
	return NULL;
}

/*
 * The replaced receipt's series and number from r->replaces_number ("0000001" in the same
 * book, or "AA-26E 0000001" / "AA-26E-0000001" with its series): the trailing digits are the
 * number, what comes before them less separators is the series, the receipt's own otherwise.
 */
static void add_replaced(struct builder *b, xmlNodePtr parent, const struct receipt *r)
{
	const char *s = r->replaces_number ? r->replaces_number : "";
	size_t len = strlen(s), num = len, pre;
	char *series;
	xmlNodePtr rel = add(b, parent, "TTBLLQuan", NULL);

	while (num > 0 && s[num - 1] >= '0' && s[num - 1] <= '9')
		num--;
	pre = num;
	while (pre > 0 && (s[pre - 1] == ' ' || s[pre - 1] == '-' || s[pre - 1] == '/' || s[pre - 1] == '#'))
		pre--;
	add(b, rel, "TCBLai", "1"); /* tính chất: 1 = thay thế (replacement) */
	add(b, rel, "KHMSBLCLQuan", r->template_code);
	if (num == len || pre == 0) {
		/* no trailing digits, or no series before them */
		add(b, rel, "KHBLCLQuan", r->series);
		add(b, rel, "SBLCLQuan", s);
		return;
	}
	series = xstrndup(s, pre);
	add(b, rel, "KHBLCLQuan", series);
	add(b, rel, "SBLCLQuan", s + num);
	free(series);
}

/* Indentation, added before signing (after it, whitespace inside DLBLai is signed data). */
static void indent(xmlNodePtr node, int depth)
{
	xmlNodePtr c, next;
	char ws[2 + 2 * 16];
	int i, n = depth < 15 ? depth + 1 : 16;

	for (c = node->children; c; c = c->next)
		if (c->type != XML_ELEMENT_NODE)
			return; /* text content: leave as is */
	if (!node->children)
		return;
	ws[0] = '\n';
	for (i = 0; i < 2 * n; i++)
		ws[1 + i] = ' ';
	ws[1 + 2 * n] = '\0';
	for (c = node->children; c; c = next) {
		next = c->next;
		indent(c, depth + 1);
		xmlAddPrevSibling(c, xmlNewDocText(node->doc, BAD_CAST ws));
	}
	ws[1 + 2 * (n - 1)] = '\0';
	xmlAddChild(node, xmlNewDocText(node->doc, BAD_CAST ws));
}

/* The receipt's data as an unsigned document: BLai with DLBLai and an empty DSCKS/DVThu, unindented. */
static xmlDocPtr receipt_doc(const struct receipt *r, xmlNodePtr *dvthu)
{
	struct builder b = { xmlNewDoc(BAD_CAST "1.0"), 0 };
	xmlNodePtr root, data, tt, nd, n, lines;
	struct civil c;
	char s[40];
	size_t i;

	if (!b.doc)
		return NULL;
	if (r->number < 1 || r->number > RECEIPT_NUMBER_MAX || r->nlines > RECEIPT_MAX_LINES ||
	    !method_text(r->method)) {
		xmlFreeDoc(b.doc);
		return NULL;
	}
	root = xmlNewDocNode(b.doc, NULL, BAD_CAST "BLai", NULL);
	xmlDocSetRootElement(b.doc, root);
	data = add(&b, root, "DLBLai", NULL);
	if (!data || !xmlNewProp(data, BAD_CAST "Id", BAD_CAST DATA_ID)) {
		xmlFreeDoc(b.doc);
		return NULL;
	}

	/* Thông tin chung: template, series, number, time (Decree 123/2020 art. 10 and 32). */
	tt = add(&b, data, "TTChung", NULL);
	add(&b, tt, "PBan", FORMAT_VERSION);
	add(&b, tt, "THBLai", "Biên lai thu phí, lệ phí");
	add(&b, tt, "KHMSBLai", r->template_code);
	add(&b, tt, "KHBLai", r->series);
	snprintf(s, sizeof(s), "%07" PRId64, r->number);
	add(&b, tt, "SBLai", s);
	add_int(&b, tt, "Nam", r->year);
	time_to_civil(r->issued_at, VN_UTC_OFFSET, &c);
	snprintf(s, sizeof(s), "%04d-%02d-%02dT%02d:%02d:%02d+07:00", c.year, c.month, c.day, c.hour, c.min,
		 c.sec);
	add(&b, tt, "TDLap", s);
	add(&b, tt, "MTCuu", r->lookup);
	add(&b, tt, "DVTTe", "VND");
	add(&b, tt, "HTTToan", method_text(r->method));
	if (r->replaces_id)
		add_replaced(&b, tt, r);

	/* Nội dung: the collecting unit, the payer, the lines, the total. */
	nd = add(&b, data, "NDBLai", NULL);
	n = add(&b, nd, "DVThu", NULL);
	add(&b, n, "Ten", r->unit_name);
	add_opt(&b, n, "MST", r->unit_tax_code);
	add_opt(&b, n, "DChi", r->unit_address);
	n = add(&b, nd, "NNop", NULL);
	add(&b, n, "Ten", r->payer.name);
	add_opt(&b, n, "DChi", r->payer.address);
	add_opt(&b, n, "MST", r->payer.tax_code);
	add_opt(&b, n, "CCCDan", r->payer.id_no);
	lines = add(&b, nd, "DSKThu", NULL);
	for (i = 0; i < r->nlines; i++) {
		const struct receipt_line *l = &r->lines[i];
		n = add(&b, lines, "KThu", NULL);
		add_int(&b, n, "STT", (int64_t)i + 1);
		add(&b, n, "Ten", l->name);
		add_int(&b, n, "SLuong", l->quantity);
		add_int(&b, n, "DGia", l->unit_amount);
		add_int(&b, n, "ThTien", l->amount);
	}
	n = add(&b, nd, "TToan", NULL);
	add_int(&b, n, "TgTTTBSo", r->total);
	add(&b, n, "TgTTTBChu", r->amount_in_words);
	add_opt(&b, nd, "MHSo", r->dossier_code);
	n = add(&b, nd, "NThu", NULL);
	add(&b, n, "Ten", r->collector_name);

	/* Danh sách chữ ký số: the collecting unit's signature goes in DVThu. */
	n = add(&b, root, "DSCKS", NULL);
	*dvthu = add(&b, n, "DVThu", NULL);
	if (b.err) {
		xmlFreeDoc(b.doc);
		return NULL;
	}
	return b.doc;
}

/* Register DLBLai's Id as an ID; NULL when the attribute is missing or its value is taken. */
static xmlAttrPtr register_id(xmlDocPtr doc, xmlNodePtr data)
{
	xmlAttrPtr attr = xmlHasProp(data, BAD_CAST "Id");
	xmlChar *v;
	int ok;
	if (!attr || attr->ns)
		return NULL;
	v = xmlNodeListGetString(doc, attr->children, 1);
	ok = v && xmlStrEqual(v, BAD_CAST DATA_ID) && xmlAddID(NULL, doc, v, attr);
	xmlFree(v);
	return ok ? attr : NULL;
}

/* The next element sibling from n (n included), skipping text, comments and the like. */
static xmlNodePtr elem(xmlNodePtr n)
{
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

static int named(xmlNodePtr n, const char *name, const char *ns)
{
	if (!n || n->type != XML_ELEMENT_NODE || !xmlStrEqual(n->name, BAD_CAST name))
		return 0;
	return ns ? n->ns && xmlStrEqual(n->ns->href, BAD_CAST ns) : !n->ns;
}

/*
 * The Signature of a stored document, when the document has our shape: BLai holding DLBLai
 * (Id="DLBLai", registered as the document's only ID of that value) then DSCKS/DVThu holding
 * one Signature of SignedInfo, SignatureValue and KeyInfo (no Object: no Manifest, nothing
 * else to follow). NULL otherwise.
 */
static xmlNodePtr receipt_signature(xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), data, dscks, dvthu, sig, c;
	xmlAttrPtr id;

	if (!named(root, "BLai", NULL))
		return NULL;
	data = elem(root->children);
	dscks = data ? elem(data->next) : NULL;
	if (!named(data, "DLBLai", NULL) || !named(dscks, "DSCKS", NULL) || elem(dscks->next))
		return NULL;
	dvthu = elem(dscks->children);
	if (!named(dvthu, "DVThu", NULL) || elem(dvthu->next))
		return NULL;
	sig = elem(dvthu->children);
	if (!named(sig, "Signature", (const char *)xmlSecDSigNs) || elem(sig->next))
		return NULL;
	c = elem(sig->children);
	if (!named(c, "SignedInfo", (const char *)xmlSecDSigNs))
		return NULL;
	c = elem(c->next);
	if (!named(c, "SignatureValue", (const char *)xmlSecDSigNs))
		return NULL;
	c = elem(c->next);
	if (c && (!named(c, "KeyInfo", (const char *)xmlSecDSigNs) || elem(c->next)))
		return NULL;
	/* An xml:id="DLBLai" elsewhere (registered by the parser) makes this fail. */
	id = register_id(doc, data);
	if (!id || xmlGetID(doc, BAD_CAST DATA_ID) != id)
		return NULL;
	return sig;
}

/* The short code: 10 base32 characters from SHA-256 of the signature's bytes. */
static int code_of(xmlNodePtr sig, char *code)
{
	xmlNodePtr sv = xmlSecFindChild(sig, xmlSecNodeSignatureValue, xmlSecDSigNs);
	xmlChar *b64 = sv ? xmlNodeGetContent(sv) : NULL;
	unsigned char *raw = NULL, md[32];
	xmlSecSize n = 0;
	uint64_t bits;
	int i, ret = -1;

	code[0] = '\0';
	if (!b64)
		return -1;
	raw = xmalloc((size_t)xmlStrlen(b64) + 1);
	if (xmlSecBase64Decode_ex(b64, raw, (xmlSecSize)xmlStrlen(b64) + 1, &n) < 0 || n == 0)
		goto out;
	if (EVP_Digest(raw, n, md, NULL, EVP_sha256(), NULL) != 1)
		goto out;
	bits = 0;
	for (i = 0; i < 8; i++)
		bits = bits << 8 | md[i];
	for (i = 0; i < 10; i++)
		code[i] = base32[(bits >> (59 - 5 * i)) & 31];
	code[10] = '\0';
	ret = 0;
out:
	free(raw);
	xmlFree(b64);
	return ret;
}

int receipt_xml_sign(const struct receipt *r, const char *key_path, const char *cert_path, struct buf *out,
		     char *verify_code)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr dvthu = NULL, sig, ref, ki, x509, certnode;
	xmlSecDSigCtxPtr dsig = NULL;
	xmlSecKeyPtr key = NULL;
	xmlChar *mem = NULL, *cert = NULL;
	int size = 0, ret = -1;
	char code[11];

	if (!initialised)
		BUG("receipt_xml_sign before receipt_xml_init");
	if (!r || !key_path || !cert_path)
		goto out;
	key = key_get(key_path, cert_path, &cert);
	if (!key || !cert)
		goto out;
	doc = receipt_doc(r, &dvthu);
	if (!doc) {
		log_warn("event=receipt_sign error=\"receipt data cannot be written as XML\" number=%" PRId64,
			 r->number);
		goto out;
	}
	if (!register_id(doc, elem(xmlDocGetRootElement(doc)->children)))
		goto out;

	/* SignedInfo: exclusive C14N, RSA-SHA256; one Reference to #DLBLai, SHA-256. */
	sig = xmlSecTmplSignatureCreate(doc, xmlSecTransformExclC14NId, xmlSecTransformRsaSha256Id, NULL);
	if (!sig)
		goto out;
	xmlAddChild(dvthu, sig);
	ref = xmlSecTmplSignatureAddReference(sig, xmlSecTransformSha256Id, NULL, BAD_CAST "#" DATA_ID, NULL);
	if (!ref || !xmlSecTmplReferenceAddTransform(ref, xmlSecTransformEnvelopedId) ||
	    !xmlSecTmplReferenceAddTransform(ref, xmlSecTransformExclC14NId))
		goto out;
	ki = xmlSecTmplSignatureEnsureKeyInfo(sig, NULL);
	if (!ki)
		goto out;
	indent(xmlDocGetRootElement(doc), 0); /* the Signature keeps xmlsec's own line breaks */

	dsig = xmlSecDSigCtxCreate(NULL);
	if (!dsig)
		goto out;
	dsig->signKey = key; /* the context frees it */
	key = NULL;
	if (xmlSecDSigCtxSign(dsig, sig) < 0 || dsig->status != xmlSecDSigStatusSucceeded) {
		log_warn("event=receipt_sign error=\"xmlsec signing failed\" number=%" PRId64, r->number);
		goto out;
	}
	/*
	 * KeyInfo is outside SignedInfo: the certificate is written after signing, from the text
	 * kept with the key (an xmlsec key carrying it would copy the X509 for every signature).
	 */
	x509 = xmlSecTmplKeyInfoAddX509Data(ki);
	certnode = x509 ? xmlSecTmplX509DataAddCertificate(x509) : NULL;
	if (!certnode)
		goto out;
	xmlNodeAddContent(certnode, cert);
	if (code_of(sig, code))
		goto out;
	xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
	if (!mem || size <= 0 || buf_add(out, mem, (size_t)size))
		goto out;
	if (verify_code)
		memcpy(verify_code, code, sizeof(code));
	ret = 0;
out:
	xmlFree(mem);
	xmlFree(cert);
	if (dsig)
		xmlSecDSigCtxDestroy(dsig);
	if (key)
		xmlSecKeyDestroy(key);
	if (doc)
		xmlFreeDoc(doc);
	return ret;
}

/* Only what we sign with: a stored document cannot choose weaker or riskier algorithms. */
static int restrict_algorithms(xmlSecDSigCtxPtr dsig)
{
	if (xmlSecDSigCtxEnableSignatureTransform(dsig, xmlSecTransformExclC14NId) < 0 ||
	    xmlSecDSigCtxEnableSignatureTransform(dsig, xmlSecTransformRsaSha256Id) < 0 ||
	    xmlSecDSigCtxEnableReferenceTransform(dsig, xmlSecTransformEnvelopedId) < 0 ||
	    xmlSecDSigCtxEnableReferenceTransform(dsig, xmlSecTransformExclC14NId) < 0 ||
	    xmlSecDSigCtxEnableReferenceTransform(dsig, xmlSecTransformSha256Id) < 0)
		return -1;
	dsig->enabledReferenceUris = xmlSecTransformUriTypeSameDocument;
	dsig->flags |= XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS;
	return 0;
}

int receipt_xml_verify(const char *xml, size_t len, const char *cert_path, char *verify_code)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr sig;
	xmlSecDSigCtxPtr dsig = NULL;
	xmlSecDSigReferenceCtxPtr ref;
	xmlSecKeyPtr key = NULL;
	char code[11] = "";
	int ret = -1;

	if (!initialised)
		BUG("receipt_xml_verify before receipt_xml_init");
	if (verify_code)
		verify_code[0] = '\0';
	/* The unit's certificate, never one the document carries in KeyInfo. */
	key = key_get(NULL, cert_path, NULL);
	if (!key)
		goto out;
	ret = 0;
	if (!xml || len == 0 || len > XML_MAX)
		goto out;
	/* No network, no DTD loading, no entity expansion; and no DOCTYPE at all below. */
	doc = xmlReadMemory(xml, (int)len, NULL, NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc || doc->intSubset || doc->extSubset)
		goto out;
	sig = receipt_signature(doc);
	if (!sig)
		goto out;
	if (code_of(sig, code))
		goto out;

	dsig = xmlSecDSigCtxCreate(NULL);
	if (!dsig || restrict_algorithms(dsig))
		goto out;
	dsig->signKey = key;
	key = NULL;
	if (xmlSecDSigCtxVerify(dsig, sig) < 0 || dsig->status != xmlSecDSigStatusSucceeded)
		goto out;
	/* Exactly one Reference, to the whole DLBLai element. */
	if (xmlSecPtrListGetSize(&dsig->signedInfoReferences) != 1)
		goto out;
	ref = xmlSecPtrListGetItem(&dsig->signedInfoReferences, 0);
	if (!ref || ref->status != xmlSecDSigStatusSucceeded || !xmlStrEqual(ref->uri, BAD_CAST "#" DATA_ID))
		goto out;
	ret = 1;
out:
	if (verify_code && ret >= 0)
		memcpy(verify_code, code, sizeof(code));
	if (dsig)
		xmlSecDSigCtxDestroy(dsig);
	if (key)
		xmlSecKeyDestroy(key);
	if (doc)
		xmlFreeDoc(doc);
	return ret;
}

/* ---- keygen ---- */

/* At most 64 characters (X.520 ub-common-name / ub-organization-name), cut at a character. */
static char *x520_name(const char *s)
{
	return xstrndup(s, utf8_prefix(s, 64));
}

static X509 *self_signed(EVP_PKEY *pkey, const char *unit_name, int days)
{
	X509 *x = X509_new();
	X509_NAME *name;
	X509_EXTENSION *ext;
	X509V3_CTX ctx;
	BIGNUM *bn = NULL;
	unsigned char serial[16];
	char *cn = x520_name(unit_name);
	static const struct {
		int nid;
		const char *value;
	} exts[] = {
		{ NID_basic_constraints, "critical,CA:FALSE" },
		{ NID_key_usage, "critical,digitalSignature,nonRepudiation" },
		{ NID_subject_key_identifier, "hash" },
	};
	size_t i;
	int ok = 0;

	if (!x || RAND_bytes(serial, sizeof(serial)) != 1)
		goto out;
	serial[0] = (serial[0] & 0x7f) | 0x40; /* positive, 16 bytes */
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)))
		goto out;
	if (!X509_set_version(x, X509_VERSION_3) || !X509_gmtime_adj(X509_getm_notBefore(x), 0) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), (long)days * 86400) || !X509_set_pubkey(x, pkey))
		goto out;
	name = X509_get_subject_name(x);
	if (!X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, (const unsigned char *)"VN", -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0) ||
	    !X509_set_issuer_name(x, name))
		goto out;
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	for (i = 0; i < ARRAY_SIZE(exts); i++) {
		ext = X509V3_EXT_conf_nid(NULL, &ctx, exts[i].nid, exts[i].value);
		if (!ext)
			goto out;
		ok = X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
		if (!ok)
			goto out;
	}
	ok = X509_sign(x, pkey, EVP_sha256()) > 0;
out:
	BN_free(bn);
	free(cn);
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/*
 * Write a PEM file beside `path` and return the temporary's name (renamed by the caller once
 * both files are written), or NULL. The temporary is made 0600 by mkstemp.
 */
static char *pem_write(const char *path, mode_t mode, EVP_PKEY *pkey, X509 *cert)
{
	size_t n = st_add(strlen(path), sizeof(".XXXXXX"));
	char *tmp = xmalloc(n);
	FILE *f = NULL;
	int fd, ok;

	snprintf(tmp, n, "%s.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		free(tmp);
		return NULL;
	}
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		goto fail;
	}
	ok = fchmod(fd, mode) == 0;
	if (ok && pkey)
		ok = PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL, NULL) == 1;
	if (ok && cert)
		ok = PEM_write_X509(f, cert) == 1;
	ok = ok && fflush(f) == 0 && fsync(fd) == 0;
	if (fclose(f) != 0 || !ok)
		goto fail;
	return tmp;
fail:
	unlink(tmp);
	free(tmp);
	return NULL;
}

int receipt_keygen(const char *key_path, const char *cert_path, const char *unit_name, int days)
{
	EVP_PKEY *pkey = NULL;
	X509 *cert = NULL;
	char *ktmp = NULL, *ctmp = NULL;
	int ret = -1;

	if (!key_path || !cert_path || !unit_name || !*unit_name || !xmlCheckUTF8(BAD_CAST unit_name) ||
	    days < 1 || days > 36500)
		return -1;
	pkey = EVP_RSA_gen(2048);
	if (!pkey)
		goto out;
	cert = self_signed(pkey, unit_name, days);
	if (!cert)
		goto out;
	ktmp = pem_write(key_path, 0600, pkey, NULL);
	ctmp = ktmp ? pem_write(cert_path, 0644, NULL, cert) : NULL;
	if (!ctmp)
		goto out;
	if (rename(ktmp, key_path))
		goto out;
	free(ktmp);
	ktmp = NULL;
	if (rename(ctmp, cert_path))
		goto out;
	ret = 0;
out:
	if (ret) {
		char q[2][PATH_MAX + 8];
		log_warn("event=receipt_keygen error=\"cannot make or write the key pair\" key=%s cert=%s",
			 log_quote(q[0], sizeof(q[0]), key_path), log_quote(q[1], sizeof(q[1]), cert_path));
	}
	if (ktmp) {
		unlink(ktmp);
		free(ktmp);
	}
	if (ctmp) {
		if (ret)
			unlink(ctmp);
		free(ctmp);
	}
	EVP_PKEY_free(pkey);
	X509_free(cert);
	return ret;
}

/* The bytes from "<DLBLai" to the end of "</DLBLai>" in text, or NULL. */
static const char *data_part(const char *text, size_t *len)
{
	const char *a = strstr(text, "<" DATA_NAME " "), *b = a ? strstr(a, "</" DATA_NAME ">") : NULL;
	if (!a || !b || strstr(b + 1, "<" DATA_NAME " "))
		return NULL;
	*len = (size_t)(b - a) + strlen("</" DATA_NAME ">");
	return a;
}

int receipt_xml_matches(const char *xml, const struct receipt *r)
{
	xmlDocPtr doc;
	xmlNodePtr dvthu = NULL;
	xmlChar *mem = NULL;
	const char *stored, *built, *pi;
	size_t ls = 0, lb = 0;
	int size = 0, same = 0;

	if (!xml || !r)
		return 0;
	/* nothing a signature ignores: no comment, no processing instruction past the declaration */
	if (strstr(xml, "<!--") || ((pi = strstr(xml, "<?")) && (pi != xml || strstr(xml + 2, "<?"))))
		return 0;
	if (!(stored = data_part(xml, &ls)) || !(doc = receipt_doc(r, &dvthu)))
		return 0;
	indent(xmlDocGetRootElement(doc), 0);
	xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
	if (mem && size > 0 && (built = data_part((const char *)mem, &lb)))
		same = ls == lb && !memcmp(stored, built, ls);
	xmlFree(mem);
	xmlFreeDoc(doc);
	return same;
}
