/*
 * document.h: the rules of official documents (văn bản hành chính, Decree 30/2020/NĐ-CP),
 * without I/O: the 29 types and their abbreviations, urgency and confidentiality, the number
 * and symbol of an outgoing document, the workflows of incoming and outgoing documents.
 */
#ifndef RULES_DOCUMENT_H
#define RULES_DOCUMENT_H

#include <stddef.h>
#include <stdint.h>

/*
 * The types of Decree 30/2020 art. 7 with their abbreviations (appendix III), in the decree's
 * order; their codes are the table's (1 = Nghị quyết … 29 = Thư công) and are stored.
 */
enum {
	DOC_TYPE_COUNT = 29
};
#define DOC_TYPE_CONG_VAN 18 /* Công văn: no abbreviation, its symbol names the drafting unit */
#define DOC_TYPE_THU_CONG 29 /* Thư công: no abbreviation */

struct doc_type {
	int code;	  /* 1..29 */
	const char *key;  /* "quyet-dinh": for URLs and the API */
	const char *name; /* "Quyết định" */
	const char *abbr; /* "QĐ"; "" for Công văn and Thư công */
};

/* The type of `code` (1..29), NULL when there is none. */
const struct doc_type *doc_type(int code);
/* The type called `key` ("ke-hoach") or named `name` ("Kế hoạch", exact), NULL when none. */
const struct doc_type *doc_type_by_key(const char *key);
const struct doc_type *doc_type_by_name(const char *name);

/* Urgency (độ khẩn) and confidentiality (độ mật): stored as these numbers. */
enum doc_urgency {
	DOC_URGENCY_NORMAL = 1,	 /* "thuong": Thường */
	DOC_URGENCY_URGENT,	 /* "khan": Khẩn */
	DOC_URGENCY_VERY_URGENT, /* "thuong-khan": Thượng khẩn */
	DOC_URGENCY_FLASH,	 /* "hoa-toc": Hỏa tốc */
};
enum doc_secrecy {
	DOC_SECRECY_NONE = 1,	  /* "thuong": Thường (not secret) */
	DOC_SECRECY_CONFIDENTIAL, /* "mat": Mật */
	DOC_SECRECY_SECRET,	  /* "toi-mat": Tối mật */
	DOC_SECRECY_TOP_SECRET,	  /* "tuyet-mat": Tuyệt mật */
};
/* "khan" …, and the Vietnamese word ("Khẩn"); NULL out of range. From a name: 0 when unknown. */
const char *doc_urgency_name(int u);
const char *doc_urgency_label(int u);
int doc_urgency_from_name(const char *name);
const char *doc_secrecy_name(int s);
const char *doc_secrecy_label(int s);
int doc_secrecy_from_name(const char *name);

/*
 * A document's number as written: at least two digits, "01" … "09", "10", "147". n from 1;
 * out needs 21 bytes. Returns 0, -1 when n < 1 or out is too small.
 */
int doc_number_text(int64_t n, char *out, size_t size);

/*
 * The number and symbol of an outgoing document (Decree 30/2020 appendix I, II.3):
 *   typed document:  "147/KH-UBND"    number / type abbreviation - agency's short name
 *   Công văn:        "123/UBND-VP"    number / agency's short name - drafting unit's short name
 *   Thư công:        "05/UBND"        number / agency's short name
 * agency is the issuing agency's short name ("UBND"), unit the drafting unit's ("VP"; needed
 * for a Công văn only, may be NULL otherwise). Writes at most `size` bytes with the NUL.
 * Returns 0; -1 for an unknown type, n < 1, a missing short name, a short name that is not
 * 1..20 bytes of letters (Vietnamese ones and lower case allowed, as in "LĐTBXH" and "TTr"),
 * digits, '&' or '.', or out too small.
 */
int doc_symbol(int64_t n, int type, const char *agency, const char *unit, char *out, size_t size);

/* 1 when s is a usable short name in a symbol (see doc_symbol). */
int doc_short_name_valid(const char *s);

/*
 * An incoming document's number and symbol as the sender wrote it ("147/KH-UBND",
 * "2345/BTC-TCT", "05/2021/TT-BTC"): 1..60 bytes of valid UTF-8, no control character, starts
 * with a digit and holds a '/'. 1 when it looks right, 0 when not. A missing number
 * (e.g. a letter without one) is stored as "" and not checked by this.
 */
int doc_incoming_symbol_valid(const char *s);

/* ---- workflows ---- */

/* An incoming document (văn bản đến). */
enum doc_in_status {
	DOC_IN_REGISTERED = 1, /* "registered": entered by the records clerk, waiting for a leader */
	DOC_IN_ASSIGNED,       /* "assigned": a leader gave it to a lead and others (bút phê) */
	DOC_IN_DONE,	       /* "done": the lead finished it (a reply linked when there is one) */
	DOC_IN_FILED,	       /* "filed": for information only, closed without handling */
};
/* What each recipient of an assignment does with it. */
enum doc_recipient_role {
	DOC_RCPT_LEAD = 1,   /* "lead": chủ trì: handles it */
	DOC_RCPT_COORDINATE, /* "coordinate": phối hợp */
	DOC_RCPT_INFORM,     /* "inform": để biết */
};
enum doc_recipient_state {
	DOC_RCPT_UNREAD = 1, /* "unread" */
	DOC_RCPT_READ,	     /* "read" */
	DOC_RCPT_WORKING,    /* "in_progress" */
	DOC_RCPT_DONE,	     /* "done" */
};

/* An outgoing document (văn bản đi). */
enum doc_out_status {
	DOC_OUT_DRAFT = 1, /* "draft": the specialist writes it */
	DOC_OUT_REVIEW,	   /* "review": submitted, reviewers comment, return or pass it to a leader */
	DOC_OUT_APPROVAL,  /* "approval": waiting for the leader's signature */
	DOC_OUT_SIGNED,	   /* "signed": signed, its file fixed, waiting for its number */
	DOC_OUT_ISSUED,	   /* "issued": numbered and sent (ban hành) */
	DOC_OUT_WITHDRAWN, /* "withdrawn": thu hồi after issue: keeps its number, marked withdrawn */
};
enum doc_out_action {
	DOC_OUT_SUBMIT = 1, /* "submit": draft → review (the drafter) */
	DOC_OUT_COMMENT,    /* "comment": a reviewer's note, status unchanged */
	DOC_OUT_RETURN,	    /* "return": review/approval → draft, with the reason */
	DOC_OUT_FORWARD,    /* "forward": review → approval (a reviewer passes it to the leader) */
	DOC_OUT_SIGN,	    /* "sign": approval → signed (document.sign; notation from the power) */
	DOC_OUT_ISSUE,	    /* "issue": signed → issued, the number taken (document.number) */
	DOC_OUT_WITHDRAW,   /* "withdraw": issued → withdrawn, with the reason */
};

const char *doc_in_status_name(int s);
const char *doc_in_status_label(int s);
const char *doc_recipient_role_name(int r);
const char *doc_recipient_role_label(int r);
int doc_recipient_role_from_name(const char *name);
const char *doc_recipient_state_name(int s);
const char *doc_recipient_state_label(int s);
int doc_recipient_state_from_name(const char *name);
const char *doc_out_status_name(int s);
const char *doc_out_status_label(int s);
int doc_out_action_from_name(const char *name);
const char *doc_out_action_name(int a);
/* The status after `action` on an outgoing document in `status`; 0 when not allowed then. */
int doc_out_next_status(int status, int action);

#endif
