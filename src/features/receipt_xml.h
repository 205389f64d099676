/*
 * receipt_xml.h: a receipt as the XML document it is signed and kept as (Decree 123/2020/NĐ-CP
 * art. 33: the receipt's data and the collecting unit's XML digital signature over it;
 * structure in docs/receipt-xml.md), signed and checked with XMLDSig (libxmlsec1 over OpenSSL)
 * with the collecting unit's X.509 certificate and key (PEM files).
 */
#ifndef MOTCUA_FEATURES_RECEIPT_XML_H
#define MOTCUA_FEATURES_RECEIPT_XML_H

#include <stddef.h>
#include "core/buf.h"
#include "features/receipts.h"

/* Once at start, before any thread signs (libxml2, xmlsec, OpenSSL). 0 or -1. */
int receipt_xml_init(void);
/* At exit. */
void receipt_xml_shutdown(void);

/*
 * The receipt's data and its signature: builds the XML of `r` (every field a receipt carries;
 * r->xml and r->verify_code are not read), signs it with the key and certificate at key_path /
 * cert_path (PEM) and appends the signed document to `out`; `verify_code` (at least 11 bytes)
 * gets the short code printed on the receipt (10 characters from the signature's digest).
 * Thread-safe. 0, or -1 (a missing or unreadable key, a signing error).
 */
int receipt_xml_sign(const struct receipt *r, const char *key_path, const char *cert_path, struct buf *out,
		     char *verify_code);

/*
 * Check a stored signed document against the certificate at cert_path (the unit's, not one the
 * document carries): 1 when the signature is valid and covers the data, 0 when not (altered,
 * another key, no signature), -1 on an error reading the certificate. `verify_code` (if not
 * NULL, 11 bytes) gets the short code of the document. Thread-safe.
 */
int receipt_xml_verify(const char *xml, size_t len, const char *cert_path, char *verify_code);

/*
 * 1 when the stored document's data (its DLBLai element, byte for byte) is what `r` — the
 * database's row — would be signed as, and the document holds no comment or processing
 * instruction (which a signature ignores); 0 otherwise. With receipt_xml_verify, what a page
 * shows from the row is what was signed.
 */
int receipt_xml_matches(const char *xml, const struct receipt *r);

/*
 * A demo key pair and self-signed certificate for the collecting unit (`motcua receipts
 * keygen`): RSA 2048, SHA-256, valid `days`, subject CN = unit_name, O = unit_name, C = VN.
 * Writes key_path (mode 0600) and cert_path. 0 or -1.
 */
int receipt_keygen(const char *key_path, const char *cert_path, const char *unit_name, int days);

#endif
