/* document.c: the rules of official documents (rules/document.h). */
#include <stdio.h>
#include <string.h>
#include "core/i18n.h"
#include "core/utf8.h"
#include "rules/document.h"
#include "core/banned.h"

/* Decree 30/2020/NĐ-CP art. 7 and appendix III, in that order. */
static const struct doc_type types[DOC_TYPE_COUNT] = {
	{ 1, "nghi-quyet", "Nghị quyết", "NQ" },
	{ 2, "quyet-dinh", "Quyết định", "QĐ" },
	{ 3, "chi-thi", "Chỉ thị", "CT" },
	{ 4, "quy-che", "Quy chế", "QC" },
	{ 5, "quy-dinh", "Quy định", "QyĐ" },
	{ 6, "thong-cao", "Thông cáo", "TC" },
	{ 7, "thong-bao", "Thông báo", "TB" },
	{ 8, "huong-dan", "Hướng dẫn", "HD" },
	{ 9, "chuong-trinh", "Chương trình", "CTr" },
	{ 10, "ke-hoach", "Kế hoạch", "KH" },
	{ 11, "phuong-an", "Phương án", "PA" },
	{ 12, "de-an", "Đề án", "ĐA" },
	{ 13, "du-an", "Dự án", "DA" },
	{ 14, "bao-cao", "Báo cáo", "BC" },
	{ 15, "bien-ban", "Biên bản", "BB" },
	{ 16, "to-trinh", "Tờ trình", "TTr" },
	{ 17, "hop-dong", "Hợp đồng", "HĐ" },
	{ 18, "cong-van", "Công văn", "" },
	{ 19, "cong-dien", "Công điện", "CĐ" },
	{ 20, "ban-ghi-nho", "Bản ghi nhớ", "BGN" },
	{ 21, "ban-thoa-thuan", "Bản thỏa thuận", "BTT" },
	{ 22, "giay-uy-quyen", "Giấy ủy quyền", "GUQ" },
	{ 23, "giay-moi", "Giấy mời", "GM" },
	{ 24, "giay-gioi-thieu", "Giấy giới thiệu", "GGT" },
	{ 25, "giay-nghi-phep", "Giấy nghỉ phép", "GNP" },
	{ 26, "phieu-gui", "Phiếu gửi", "PG" },
	{ 27, "phieu-chuyen", "Phiếu chuyển", "PC" },
	{ 28, "phieu-bao", "Phiếu báo", "PB" },
	{ 29, "thu-cong", "Thư công", "" },
};

const struct doc_type *doc_type(int code)
{
	return code >= 1 && code <= DOC_TYPE_COUNT ? &types[code - 1] : NULL;
}

const struct doc_type *doc_type_by_key(const char *key)
{
	for (size_t i = 0; key && i < DOC_TYPE_COUNT; i++)
		if (!strcmp(types[i].key, key))
			return &types[i];
	return NULL;
}

const struct doc_type *doc_type_by_name(const char *name)
{
	for (size_t i = 0; name && i < DOC_TYPE_COUNT; i++)
		if (!strcmp(types[i].name, name))
			return &types[i];
	return NULL;
}

/* A name from a table indexed from 1, NULL out of range. */
#define PICK(table, i) ((i) >= 1 && (size_t)(i) < sizeof(table) / sizeof(table[0]) ? table[i] : NULL)

static int find(const char *const *table, size_t n, const char *name)
{
	for (size_t i = 1; name && i < n; i++)
		if (table[i] && !strcmp(table[i], name))
			return (int)i;
	return 0;
}
#define FIND(table, name) find(table, sizeof(table) / sizeof(table[0]), name)

static const char *const urgency_names[] = { NULL, "thuong", "khan", "thuong-khan", "hoa-toc" };
static const char *const urgency_labels[] = { NULL, "Thường", "Khẩn", "Thượng khẩn", "Hỏa tốc" };
static const char *const secrecy_names[] = { NULL, "thuong", "mat", "toi-mat", "tuyet-mat" };
static const char *const secrecy_labels[] = { NULL, "Thường", "Mật", "Tối mật", "Tuyệt mật" };

const char *doc_urgency_name(int u)
{
	return PICK(urgency_names, u);
}

const char *doc_urgency_label(int u)
{
	return PICK(urgency_labels, u);
}

int doc_urgency_from_name(const char *name)
{
	return FIND(urgency_names, name);
}

const char *doc_secrecy_name(int s)
{
	return PICK(secrecy_names, s);
}

const char *doc_secrecy_label(int s)
{
	return PICK(secrecy_labels, s);
}

int doc_secrecy_from_name(const char *name)
{
	return FIND(secrecy_names, name);
}

int doc_number_text(int64_t n, char *out, size_t size)
{
	int len;
	if (n < 1) {
		if (size)
			*out = '\0';
		return -1;
	}
	len = snprintf(out, size, "%02lld", (long long)n);
	if (len < 0 || (size_t)len >= size) {
		if (size)
			*out = '\0';
		return -1;
	}
	return 0;
}

int doc_short_name_valid(const char *s)
{
	size_t len = s ? strlen(s) : 0;
	if (len < 1 || len > 20)
		return 0;
	while (len) {
		long c = utf8_next(&s, &len);
		/*
		 * ASCII letters and digits, '&', '.' ("TTr", Thanh tra); a Latin letter of
		 * U+00C0..U+024F (not × ÷) or U+1E00..U+1EFF, as org_unit_check allows in a unit's
		 * short name: "LĐTBXH".
		 */
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '&' || c == '.' || (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) ||
		      (c >= 0x1E00 && c <= 0x1EFF)))
			return 0;
	}
	return 1;
}

int doc_symbol(int64_t n, int type, const char *agency, const char *unit, char *out, size_t size)
{
	const struct doc_type *t = doc_type(type);
	char num[24];
	int len;
	if (size)
		*out = '\0';
	if (!t || doc_number_text(n, num, sizeof(num)) || !doc_short_name_valid(agency))
		return -1;
	if (type == DOC_TYPE_CONG_VAN) {
		if (!doc_short_name_valid(unit))
			return -1;
		len = snprintf(out, size, "%s/%s-%s", num, agency, unit);
	} else if (!*t->abbr) {
		len = snprintf(out, size, "%s/%s", num, agency);
	} else {
		len = snprintf(out, size, "%s/%s-%s", num, t->abbr, agency);
	}
	if (len < 0 || (size_t)len >= size) {
		if (size)
			*out = '\0';
		return -1;
	}
	return 0;
}

/* 1 when s is valid UTF-8 without control characters (C0, DEL, C1), of at most max bytes. */
static int clean_utf8(const char *s, size_t max)
{
	size_t len = strlen(s);
	if (len > max)
		return 0;
	while (len) {
		long c = utf8_next(&s, &len);
		if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
			return 0;
	}
	return 1;
}

int doc_incoming_symbol_valid(const char *s)
{
	return s && *s >= '0' && *s <= '9' && strchr(s, '/') && clean_utf8(s, 60);
}

/* ---- workflows ---- */

static const char *const in_status_names[] = { NULL, "registered", "assigned", "done", "filed" };
static const char *const in_status_labels[] = { NULL, N_("Registered"), N_("Assigned"), N_("Done"),
						N_("Filed") };
static const char *const rcpt_role_names[] = { NULL, "lead", "coordinate", "inform" };
static const char *const rcpt_role_labels[] = { NULL, N_("Lead"), N_("Coordinates"), N_("For information") };
static const char *const rcpt_state_names[] = { NULL, "unread", "read", "in_progress", "done" };
static const char *const rcpt_state_labels[] = { NULL, N_("Unread"), N_("Read"), N_("In progress"),
						 N_("Done") };
static const char *const out_status_names[] = { NULL,	  "draft",  "review",	"approval",
						"signed", "issued", "withdrawn" };
/* their own msgids: "Issued" and "Withdrawn" are a receipt's and a dossier's in Vietnamese */
static const char *const out_status_labels[] = {
	NULL,
	N_("Being drafted"),
	N_("In review"),
	N_("Awaiting signature"),
	N_("Signed, awaiting its number"),
	N_("Issued and sent"),
	N_("Withdrawn after issue"),
};
static const char *const out_action_names[] = { NULL,	   "submit", "comment", "return",
						"forward", "sign",   "issue",	"withdraw" };

const char *doc_in_status_name(int s)
{
	return PICK(in_status_names, s);
}

const char *doc_in_status_label(int s)
{
	return PICK(in_status_labels, s);
}

const char *doc_recipient_role_name(int r)
{
	return PICK(rcpt_role_names, r);
}

const char *doc_recipient_role_label(int r)
{
	return PICK(rcpt_role_labels, r);
}

int doc_recipient_role_from_name(const char *name)
{
	return FIND(rcpt_role_names, name);
}

const char *doc_recipient_state_name(int s)
{
	return PICK(rcpt_state_names, s);
}

const char *doc_recipient_state_label(int s)
{
	return PICK(rcpt_state_labels, s);
}

int doc_recipient_state_from_name(const char *name)
{
	return FIND(rcpt_state_names, name);
}

const char *doc_out_status_name(int s)
{
	return PICK(out_status_names, s);
}

const char *doc_out_status_label(int s)
{
	return PICK(out_status_labels, s);
}

int doc_out_action_from_name(const char *name)
{
	return FIND(out_action_names, name);
}

const char *doc_out_action_name(int a)
{
	return PICK(out_action_names, a);
}

int doc_out_next_status(int status, int action)
{
	switch (action) {
	case DOC_OUT_SUBMIT: return status == DOC_OUT_DRAFT ? DOC_OUT_REVIEW : 0;
	case DOC_OUT_COMMENT: return status == DOC_OUT_REVIEW || status == DOC_OUT_APPROVAL ? status : 0;
	case DOC_OUT_RETURN:
		return status == DOC_OUT_REVIEW || status == DOC_OUT_APPROVAL ? DOC_OUT_DRAFT : 0;
	case DOC_OUT_FORWARD: return status == DOC_OUT_REVIEW ? DOC_OUT_APPROVAL : 0;
	case DOC_OUT_SIGN: return status == DOC_OUT_APPROVAL ? DOC_OUT_SIGNED : 0;
	case DOC_OUT_ISSUE: return status == DOC_OUT_SIGNED ? DOC_OUT_ISSUED : 0;
	case DOC_OUT_WITHDRAW: return status == DOC_OUT_ISSUED ? DOC_OUT_WITHDRAWN : 0;
	default: return 0;
	}
}
