/*
 * receipt_pdf.h: a receipt as the collector prints it and the payer keeps it: A5 portrait,
 * Vietnamese text (cairo + pango, features/pdf.h), a QR code to its public verification page.
 */
#ifndef MOTCUA_FEATURES_RECEIPT_PDF_H
#define MOTCUA_FEATURES_RECEIPT_PDF_H

#include "core/buf.h"
#include "features/receipts.h"

/*
 * Append the PDF of `r` to out. verify_url is the public page's full address
 * (https://…/bien-lai/{lookup}), printed and in the QR code. A cancelled receipt says so in
 * large letters with the reason; a replacement names the number it replaces and the replaced
 * one its replacement. 0 or -1.
 */
int receipt_pdf(const struct receipt *r, const char *verify_url, struct buf *out);

#endif
