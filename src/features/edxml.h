/*
 * edxml.h: edXML messages of the national document-exchange hub (Trục liên thông văn bản quốc
 * gia; QCVN 102:2016/BTTTT, the hub's SDK layout): a document with its metadata and files, and
 * the status messages that answer it. Pure: builds and parses bytes, no database, no network.
 * docs/edxml.md describes the structure with an example.
 */
#ifndef FEATURES_EDXML_H
#define FEATURES_EDXML_H

#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "core/buf.h"

/* The edXML namespace of QCVN 102:2016, and ours for what the standard has no place for. */
#define EDXML_NS	"http://www.mic.gov.vn/TBT/QCVN_102_2016"
#define EDXML_MOTCUA_NS "urn:motcua:edxml:1"

/* Limits: a message past them is refused (parse) or not made (build). */
#define EDXML_MAX	    (84u << 20) /* bytes of one message: the files in base64 and the header */
#define EDXML_FILE_MAX	    (30u << 20) /* bytes of one attached file */
#define EDXML_FILES_TOTAL   (60u << 20) /* bytes of all the files of one message */
#define EDXML_FILES_MAX	    20		/* files in one message */
#define EDXML_TO_MAX	    200		/* recipients (To) and places (ToPlaces) */
#define EDXML_ID_MAX	    64		/* an organ id: "000.00.15.H26" */
#define EDXML_NAME_MAX	    500		/* names, places, positions (bytes) */
#define EDXML_SUBJECT_MAX   2000	/* the summary (trích yếu) */
#define EDXML_CONTENT_MAX   20000	/* the optional Content */
#define EDXML_FILE_NAME_MAX 255

/* An organ (cơ quan): its QCVN 102 id (mã định danh, "000.00.15.H26") and name. */
struct edxml_organ {
	const char *id;	       /* OrganId: 1..EDXML_ID_MAX of [A-Za-z0-9._-] */
	const char *name;      /* OrganName: "UBND quận Thanh Xuân" */
	const char *in_charge; /* OrganizationInCharge (the governing body), NULL/"" for none */
};

/*
 * A document as exchanged. Dates are YYYYMMDD (Vietnam's calendar), 0 for none. On parse every
 * string is in the arena, NULL when absent.
 */
struct edxml_doc {
	struct edxml_organ from;      /* required */
	const struct edxml_organ *to; /* required: 1..EDXML_TO_MAX */
	size_t nto;
	/*
	 * DocumentId: "<from id>,<yyyy/mm/dd>,<number>/<notation>" as QCVN 102 makes it; build
	 * makes it from the others when NULL; required on parse (the key status messages name).
	 */
	const char *document_id;
	const char *code_number;       /* CodeNumber: "147" (required) */
	const char *code_notation;     /* CodeNotation: "KH-UBND" (required) */
	const char *place;	       /* PromulgationInfo/Place: "Hà Nội" (required) */
	int32_t date;		       /* PromulgationInfo/PromulgationDate (required) */
	int type;		       /* 1..29 of rules/document.h (DocumentType/Type; required) */
	const char *type_name;	       /* TypeName as received; build writes doc_type(type)->name */
	const char *subject;	       /* Subject: trích yếu (required) */
	const char *content;	       /* Content: optional */
	const char *signer_competence; /* SignerInfo/Competence: "KT. CHỦ TỊCH", "" when he signs himself */
	const char *signer_position;   /* SignerInfo/Position: "Phó Chủ tịch" (required) */
	const char *signer_name;       /* SignerInfo/FullName (required) */
	int32_t due_date;	       /* DueDate: answer by, 0 for none */
	int urgency;		       /* enum doc_urgency (OtherInfo/Priority); 0 counts as normal */
	/*
	 * enum doc_secrecy; 0 counts as not secret. Only a document that is not secret is built:
	 * the Law on Protection of State Secrets (29/2018/QH14, art. 5) forbids sending state
	 * secrets over networks like the hub. Not written in the message; parse gives 0.
	 */
	int secrecy;
	int steering; /* SteeringType: 0 none, 1 a steering document (chỉ đạo), … 0..9 */
	const char *const *to_places; /* ToPlaces/Place: "Nơi nhận" as written, optional */
	size_t nplaces;
	int pages;	 /* OtherInfo/PageAmount, 0 unknown */
	int64_t sent_at; /* TraceHeader/Timestamp: when it left (seconds), 0 for none */
};

/* One attached file. */
struct edxml_file {
	const char *name;	   /* AttachmentName: "147-KH-UBND.pdf" (required, no '/' or control) */
	const char *mime;	   /* ContentType: "application/pdf" (required) */
	const char *description;   /* Description, optional */
	const unsigned char *data; /* the bytes; on parse decoded from base64, in the arena */
	size_t len;
	/*
	 * The bytes' SHA-256 (lowercase hex): build computes and writes it (our attribute
	 * mc:sha256); parse checks it when the sender wrote one and refuses a mismatch, and
	 * always gives the digest of the bytes received.
	 */
	char sha256[65];
	int checked; /* parse: 1 when the sender's digest was there and matched */
};

/*
 * Why a document or its files cannot be exchanged: NULL when they can be built, else an
 * English message (a msgid with its Vietnamese in po/vi.po: show it with _()).
 */
const char *edxml_check(const struct edxml_doc *d, const struct edxml_file *files, size_t n);

/*
 * The edXML message of d and its n files (n may be 0), appended to out. 0, or -1 when
 * edxml_check refuses it or out's limit is passed (out is then cut back to what it held).
 */
int edxml_build(const struct edxml_doc *d, const struct edxml_file *files, size_t n, struct buf *out);

/*
 * Read an edXML message of len bytes: the document into *d and its files into *files (an
 * arena array of *n), everything allocated in a. 0, or -1 with *why an English message (a
 * msgid, see edxml_check) naming what is wrong: not XML, not edXML, a required field missing
 * or bad, a file whose digest does not match, a limit passed. A DOCTYPE (entities, external
 * DTDs) is refused before parsing and nothing is ever loaded from the network or disk.
 */
int edxml_parse(const char *xml, size_t len, struct arena *a, struct edxml_doc *d, struct edxml_file **files,
		size_t *n, const char **why);

/* ---- status messages (thông điệp trạng thái) ---- */

/* StatusCode values of the hub. */
enum edxml_status_code {
	EDXML_ST_ARRIVED = 1,	     /* 01: reached the receiving system, not yet registered */
	EDXML_ST_REFUSED = 2,	     /* 02: refused (wrong recipient, unreadable …) */
	EDXML_ST_ACCEPTED = 3,	     /* 03: registered by the records clerk (vào sổ) */
	EDXML_ST_ASSIGNED = 4,	     /* 04: a leader assigned it (phân công) */
	EDXML_ST_IN_PROGRESS = 5,    /* 05: being handled */
	EDXML_ST_DONE = 6,	     /* 06: handled completely */
	EDXML_ST_RECALL_ASKED = 13,  /* 13: the sender asks for it back */
	EDXML_ST_RECALL_AGREED = 15, /* 15: given back */
	EDXML_ST_RECALL_REFUSED = 16 /* 16: not given back */
};
/* 1 when c is one of enum edxml_status_code. */
int edxml_status_code_valid(int c);

/* A status: who says what about which document. Strings as in struct edxml_doc. */
struct edxml_status {
	/* ResponseFor: the document it is about */
	const char *document_id; /* its DocumentId (required) */
	const char *sender_id;	 /* ResponseFor/OrganId: who sent it, optional */
	const char *code;	 /* ResponseFor/Code: "147/KH-UBND", optional */
	int32_t date;		 /* ResponseFor/PromulgationDate, 0 for none */
	struct edxml_organ from; /* who reports (required: id and name) */
	int status;		 /* enum edxml_status_code (required) */
	const char *description; /* Description: optional text */
	int64_t at;		 /* Timestamp (required, seconds) */
	/* StaffInfo: who did it, optional */
	const char *department, *staff, *email, *mobile;
};

/* The status message of s appended to out: 0, or -1 (*s incomplete or bad, or out's limit). */
int edxml_status_build(const struct edxml_status *s, struct buf *out);
/* Read a status message (same rules as edxml_parse): 0, or -1 with *why. */
int edxml_status_parse(const char *xml, size_t len, struct arena *a, struct edxml_status *s,
		       const char **why);

#endif
