/* dossier_forms.h: the printed forms of the one-stop shop (Circular 01/2018/TT-VPCP art. 9) as PDF and XLSX.
 */
#ifndef FEATURES_DOSSIER_FORMS_H
#define FEATURES_DOSSIER_FORMS_H

#include <stddef.h>
#include <stdint.h>
#include "core/buf.h"
#include "features/dossiers.h"

/* What every form prints besides the dossier: the agency, the place, the lookup address. */
struct form_site {
	const char *parent_agency; /* "UBND QUẬN THANH XUÂN", or "" */
	const char *agency;	   /* "UBND PHƯỜNG NHÂN CHÍNH" */
	const char *office;	   /* "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ" */
	const char *place;	   /* "Hà Nội" (the "…, ngày … tháng … năm …" line) */
	const char *lookup_url;	   /* "http://host/tra-cuu?ma=" — the QR code opens it + the code */
	const char *staff_name;	   /* who prints it (signs the slip), or "" */
};

/*
 * Forms of Circular 01/2018, A5 portrait, with correct Vietnamese text:
 *   1  Giấy tiếp nhận hồ sơ và hẹn trả kết quả (with a QR code of the lookup)
 *   2  Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (the papers asked: the note of
 *      the last DA_SUPPLEMENT event)
 *   3  Phiếu từ chối tiếp nhận giải quyết hồ sơ (the reasons: the note of the
 *      last DA_REFUSE event)
 *   4  Phiếu xin lỗi và hẹn lại ngày trả kết quả (apology_reason, apology_due_at)
 *   5  Phiếu kiểm soát quá trình giải quyết hồ sơ (each step: unit, times, verdict)
 * `now` is the date printed. Appends the PDF to out; 0, or -1 on error (an
 * unknown form, a form that does not apply: 1 before receipt, 2 without a
 * supplement request, 3 without a refusal, 4 without an apology; out is then
 * left as it was).
 */
int dossier_form_pdf(int form, const struct dossier *d, const struct form_site *s, int64_t now,
		     struct buf *out);

/*
 * Form 06, Sổ theo dõi hồ sơ: the dossiers received in [from, to) (the
 * caller's list, in order), A4 landscape, one row a dossier: number, code,
 * procedure, applicant, received, due, transferred, finished, returned,
 * verdict, signature column. As PDF, and as an XLSX workbook (text cells,
 * so codes like 2.000815 stay text). 0, or -1 on error.
 */
int dossier_book_pdf(const struct dossier *const *list, size_t n, const struct form_site *s, int64_t from,
		     int64_t to, struct buf *out);
int dossier_book_xlsx(const struct dossier *const *list, size_t n, const struct form_site *s, int64_t from,
		      int64_t to, struct buf *out);

#endif
