/* permission.h: who may do what where: roles granted at units, delegations (ủy quyền, TUQ.), signing
 * notations. */
#ifndef RULES_PERMISSION_H
#define RULES_PERMISSION_H

#include <stddef.h>
#include <stdint.h>

/*
 * Pure rules: no I/O, no database, no clock. The caller loads the actor's
 * grants and the delegations made to him, the object's unit ancestry and
 * owner, and passes `now` (seconds since the epoch); every handler asks
 * can() before it acts, and nothing is allowed that the table below does
 * not allow.
 */

/*
 * Roles. The names are those stored in account_roles (features/accounts.c),
 * plus "collector" and "citizen". Numbering starts at 1: 0 is no role.
 */
enum role {
	ROLE_ADMIN = 1,	    /* "admin": quản trị hệ thống */
	ROLE_LEADER,	    /* "leader": lãnh đạo (chủ tịch, phó chủ tịch): approves, signs */
	ROLE_SPECIALIST,    /* "specialist": chuyên viên: works dossiers, drafts */
	ROLE_ONESTOP_CLERK, /* "onestop_clerk": công chức một cửa: intake and return at the counter */
	ROLE_RECORDS_CLERK, /* "records_clerk": văn thư: registers documents, gives numbers */
	ROLE_EDITOR,	    /* "editor": biên tập viên of the portal */
	ROLE_COLLECTOR,	    /* "collector": thu phí, lệ phí: issues e-receipts */
	ROLE_CITIZEN,	    /* "citizen": công dân: his own records only */
	ROLE_COUNT
};

/* "admin" for ROLE_ADMIN…; NULL for a number that is no role. */
const char *permission_role_name(int role);
/* The role's name for people as an English message id ("System administrator"), NULL for no role. */
const char *permission_role_label(int role);
/* The role called `name`, or 0 when there is none (exact, case-sensitive). */
int permission_role_from_name(const char *name);

/*
 * A role held at a unit. With reaches_descendants set it also counts at the
 * units below, for the actions whose scope allows that (see the table).
 * A citizen's grant has no unit (unit_id 0).
 */
struct grant {
	int role; /* enum role */
	int64_t unit_id;
	int reaches_descendants;
};

/*
 * A delegation (ủy quyền) of one power, by the official who holds it, to a
 * named official, for a window of time and one unit, on a written decision
 * (Decree 30/2020/NĐ-CP art. 13). Strings belong to the caller.
 *
 * It is honoured from valid_from (inclusive) to valid_to (exclusive), to the
 * second, until revoked: revoked_at (0 when not revoked) stops it from that
 * second on. from_is_delegate is set by whoever records it when the delegator
 * held the power only through a delegation himself: such a delegation is
 * never honoured (a TUQ. cannot be passed on).
 *
 * NEEDSWORK: can() sees the delegation, not the delegator's current grants;
 * whoever revokes the delegator's role at the unit must revoke his
 * delegations of it in the same transaction.
 */
struct delegation {
	int64_t id;
	int64_t from_account; /* the holder: người ủy quyền */
	int64_t to_account;   /* the delegate: người được ủy quyền */
	const char *power;    /* an action name, e.g. "certification.sign" */
	int64_t unit_id;      /* scope: the delegator's unit */
	int64_t valid_from;   /* seconds, [valid_from, valid_to) */
	int64_t valid_to;
	int64_t revoked_at;	   /* 0 = not revoked */
	const char *decision_no;   /* số văn bản ủy quyền, e.g. "15/QĐ-UBND" */
	const char *decision_date; /* its date as written, e.g. "2024-03-01" */
	int from_is_delegate;
};

/* Who is asking: an account with its grants and the delegations made to it. */
struct actor {
	int64_t account_id;
	const struct grant *grants;
	size_t ngrants;
	const struct delegation *delegations;
	size_t ndelegations;
};

/*
 * What is acted on. unit_path is the unit of the object first (the unit
 * managed, the unit of the user, dossier or document), then its parent, up
 * to the root; owner_account is the citizen account the record belongs to
 * (0 when none).
 */
struct object {
	const int64_t *unit_path;
	size_t depth;
	int64_t owner_account;
};

/*
 * The actions, the roles that may do them and where the grant must be:
 *
 *   action               roles                       scope
 *   unit.manage          admin                       descendants
 *   user.read            admin                       descendants
 *   user.manage          admin                       descendants
 *   role.grant           admin                       descendants
 *   audit.read           admin                       descendants
 *   procedure.manage     admin                       descendants
 *   delegation.create    leader                      unit
 *   delegation.revoke    leader                      unit
 *                        admin                       descendants
 *   delegation.read      leader                      unit
 *                        admin                       descendants
 *   dossier.receive      onestop_clerk               unit
 *   dossier.process      specialist                  unit
 *   dossier.approve      leader                      unit    delegable
 *   document.register    records_clerk               unit
 *   document.sign        leader                      unit    delegable
 *   document.number      records_clerk               unit
 *   document.assign      leader                      unit
 *   document.draft       specialist, leader          unit
 *   document.review      leader                      unit
 *   certification.sign   leader                      unit    delegable
 *   receipt.issue        collector, onestop_clerk    unit
 *   news.edit            editor                      unit
 *   news.publish         leader                      unit
 *   citizen.self         citizen                     owner
 *
 * Scopes:
 *   unit         a grant at the object's unit itself (unit_path[0]): the
 *                ward chairman signs for his ward, not the district's;
 *   descendants  a grant at the object's unit, or at one of its ancestors
 *                when the grant reaches_descendants: a district admin
 *                manages the wards' users, a ward admin only his ward's;
 *   owner        the role, anywhere, and the object's owner_account is the
 *                actor's own account: a citizen sees his own dossiers only.
 *
 * Delegable powers are those of the head of a unit that Decree 30/2020 art.
 * 13 lets him delegate in writing (the ward chairman delegates signing
 * certifications (chứng thực, Decree 23/2015/NĐ-CP; Decree 45/2020/NĐ-CP
 * for electronic copies) to the Tư pháp - Hộ tịch official); a delegation
 * counts only at the unit it names.
 */

/*
 * May `a` do `action` on `o` at `now`? Deny by default: 0 for an unknown
 * action, a NULL argument, an object without units (unless the scope is
 * owner), or nothing in the table that allows it. 1 when a grant of the
 * actor allows it (*via set to NULL), or when an active delegation to this
 * actor for exactly this (delegable) power and the object's unit does
 * (*via set to it, so that the caller prints "TUQ." and cites the decision).
 * via may be NULL; when not, *via is always written.
 */
int can(const struct actor *a, const char *action, const struct object *o, int64_t now,
	const struct delegation **via);

/*
 * Whether a delegation is active at `now`: inside [valid_from, valid_to),
 * not revoked at or before `now`, delegator and delegate distinct, and not
 * made by someone who held the power by delegation. 1 or 0.
 */
int delegation_active(const struct delegation *d, int64_t now);

/* The longest delegation: a year, a leap year included. */
#define DELEGATION_MAX_SECONDS ((int64_t)366 * 24 * 60 * 60)

/*
 * Check a delegation before it is recorded, made by `delegator` (his own
 * grants and the delegations made to him) at `now`:
 *   - the power is a known action and is delegable;
 *   - a delegate is named and is not the delegator himself;
 *   - the written decision has a number and a date (not blank);
 *   - valid_to > valid_from, at most DELEGATION_MAX_SECONDS long, and
 *     valid_to > now (it does not end in the past);
 *   - the delegator is d->from_account and holds the power at d->unit_id by
 *     a grant of his own at that very unit; a power held only through a
 *     delegation cannot be passed on (Decree 30/2020 art. 13), nor can a
 *     delegation marked from_is_delegate be recorded.
 * Returns 0 when it may be recorded; otherwise -1 with *reason_msgid (when
 * not NULL) an English message id to translate with _().
 */
int delegation_validate(const struct delegation *d, const struct actor *delegator, int64_t now,
			const char **reason_msgid);

/* The i-th action of the table (0, 1, …), NULL past the last: to list them. */
const char *permission_action(size_t i);
/* Whether `action` is in the table (1 or 0), and whether it is delegable (1 or 0). */
int permission_known(const char *action);
int permission_delegable(const char *action);
/* The action's description as an English message id ("Sign certifications"), NULL when unknown. */
const char *permission_label(const char *action);

/*
 * Signing notations (thẩm quyền ký, Decree 30/2020/NĐ-CP art. 13 and
 * Appendix I): how the signer's authority is written above his signature.
 */
enum sign_mode {
	SIGN_HEAD = 0, /* the head signs in his own name: his title only */
	SIGN_KT,       /* ký thay: a deputy for the head */
	SIGN_TL,       /* thừa lệnh: by order of the head, under the agency's rules */
	SIGN_TUQ,      /* thừa ủy quyền: by a written, time-limited delegation */
	SIGN_Q,	       /* quyền: the acting head */
};

struct signing {
	int mode;		  /* enum sign_mode */
	const char *collective;	  /* "Ủy ban nhân dân" to sign on its behalf (TM.), or NULL */
	const char *holder_title; /* the head's title, whose power is used: "Chủ tịch" */
	const char *signer_title; /* the signer's own title: "Phó Chủ tịch" */
	/* SIGN_TL by the deputy of the unit head the order was given to: that head's title
	   ("Chánh Văn phòng"), written "KT. …" between the two; NULL otherwise */
	const char *order_title;
};

/*
 * The mode that follows from how the power is held: SIGN_TUQ when can()
 * answered through a delegation (via not NULL), else SIGN_Q for an acting
 * head, SIGN_KT for a deputy, SIGN_HEAD for the head. SIGN_TL is never
 * implied: the caller asks for it.
 */
int signing_mode(const struct delegation *via, int is_deputy, int is_acting);

/*
 * The title block above the signature, one line each, titles in Vietnamese
 * upper case (the name is the caller's to print under the signature):
 *
 *   SIGN_HEAD                  "CHỦ TỊCH"                         (signer_title)
 *   SIGN_KT                    "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
 *   SIGN_TL                    "TL. CHỦ TỊCH\nCHÁNH VĂN PHÒNG"
 *   SIGN_TL + order_title      "TL. CHỦ TỊCH\nKT. CHÁNH VĂN PHÒNG\nPHÓ CHÁNH VĂN PHÒNG"
 *   SIGN_TUQ                   "TUQ. CHỦ TỊCH\nTRƯỞNG PHÒNG TƯ PHÁP"
 *   SIGN_Q                     "Q. CHỦ TỊCH"                      (holder_title)
 *   collective + SIGN_HEAD     "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
 *   collective + SIGN_KT       "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
 *   collective + SIGN_Q        "TM. ỦY BAN NHÂN DÂN\nQ. CHỦ TỊCH"
 *
 * TL. and TUQ. belong to the head's own powers, not to a collective's: with
 * a collective they are refused. Writes a NUL-terminated string to out
 * (capacity n). Returns 0; -1 when a title the mode needs is missing or
 * empty, the mode is unknown or refused, a text is not valid UTF-8, or out
 * is too small (out is then "" when n > 0).
 */
int signing_notation(const struct signing *s, char *out, size_t n);

/*
 * Vietnamese upper case of UTF-8 text: a-z, the Latin-1 letters (à á â ã è
 * é ê ì í ò ó ô õ ù ú ý), ă đ ĩ ũ ơ ư and the letters with tone marks
 * U+1EA0-U+1EF9 (ạ ả ấ … ỹ); everything else, combining marks included, is
 * copied as is, so decomposed text works too. Writes at most n bytes with
 * the NUL. Returns 0, or -1 when `s` is not valid UTF-8 or out is too
 * small (out is then "" when n > 0).
 */
int signing_upper(const char *s, char *out, size_t n);

#endif
