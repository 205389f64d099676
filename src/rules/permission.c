/* permission.c: the permission table, delegations (Decree 30/2020/NĐ-CP art. 13) and signing notations. */
#include <assert.h>
#include <string.h>
#include "core/i18n.h"
#include "core/utf8.h"
#include "rules/permission.h"
#include "core/banned.h"

/* Where a grant must be for an action (see the table in permission.h). */
enum reach {
	REACH_UNIT = 1,	   /* at the object's unit itself */
	REACH_DESCENDANTS, /* at the object's unit or, reaching descendants, at an ancestor */
	REACH_OWNER,	   /* the role anywhere, on the actor's own records */
};

#define MAX_WHO 2

struct action_def {
	const char *name;
	const char *label;
	int delegable;
	struct {
		int role; /* enum role; 0 ends the list */
		int reach;
	} who[MAX_WHO];
};

static const struct action_def actions[] = {
	{ "unit.manage", N_("Manage units"), 0, { { ROLE_ADMIN, REACH_DESCENDANTS } } },
	{ "user.read", N_("See users"), 0, { { ROLE_ADMIN, REACH_DESCENDANTS } } },
	{ "user.manage", N_("Manage users"), 0, { { ROLE_ADMIN, REACH_DESCENDANTS } } },
	{ "role.grant", N_("Grant and revoke roles"), 0, { { ROLE_ADMIN, REACH_DESCENDANTS } } },
	{ "audit.read", N_("Read the audit log"), 0, { { ROLE_ADMIN, REACH_DESCENDANTS } } },
	/* the catalogue is shared by the units below: managed at a governing unit (web/access.c
	   req_can_at_top) */
	{ "procedure.manage", N_("Manage the procedure catalogue"), 0, { { ROLE_ADMIN, REACH_DESCENDANTS } } },
	/* a holder delegates his own power, at his own unit */
	{ "delegation.create", N_("Delegate a power"), 0, { { ROLE_LEADER, REACH_UNIT } } },
	{ "delegation.revoke",
	  N_("Revoke a delegation"),
	  0,
	  { { ROLE_LEADER, REACH_UNIT }, { ROLE_ADMIN, REACH_DESCENDANTS } } },
	{ "delegation.read",
	  N_("See delegations"),
	  0,
	  { { ROLE_LEADER, REACH_UNIT }, { ROLE_ADMIN, REACH_DESCENDANTS } } },
	{ "dossier.receive", N_("Receive dossiers"), 0, { { ROLE_ONESTOP_CLERK, REACH_UNIT } } },
	{ "dossier.process", N_("Process dossiers"), 0, { { ROLE_SPECIALIST, REACH_UNIT } } },
	{ "dossier.approve", N_("Approve dossiers"), 1, { { ROLE_LEADER, REACH_UNIT } } },
	{ "document.register", N_("Register documents"), 0, { { ROLE_RECORDS_CLERK, REACH_UNIT } } },
	{ "document.sign", N_("Sign documents"), 1, { { ROLE_LEADER, REACH_UNIT } } },
	{ "document.number", N_("Number documents"), 0, { { ROLE_RECORDS_CLERK, REACH_UNIT } } },
	/* a leader distributes incoming documents (bút phê): the agency's, or his department's */
	{ "document.assign", N_("Assign incoming documents"), 0, { { ROLE_LEADER, REACH_UNIT } } },
	{ "document.draft",
	  N_("Draft documents"),
	  0,
	  { { ROLE_SPECIALIST, REACH_UNIT }, { ROLE_LEADER, REACH_UNIT } } },
	/* the head of the drafting department reviews before the agency's leader signs */
	{ "document.review", N_("Review draft documents"), 0, { { ROLE_LEADER, REACH_UNIT } } },
	/* Decree 23/2015/NĐ-CP: the commune chairman signs certifications, and may delegate it */
	{ "certification.sign", N_("Sign certifications"), 1, { { ROLE_LEADER, REACH_UNIT } } },
	{ "receipt.issue",
	  N_("Issue receipts"),
	  0,
	  { { ROLE_COLLECTOR, REACH_UNIT }, { ROLE_ONESTOP_CLERK, REACH_UNIT } } },
	{ "news.edit", N_("Edit news"), 0, { { ROLE_EDITOR, REACH_UNIT } } },
	{ "news.publish", N_("Publish news"), 0, { { ROLE_LEADER, REACH_UNIT } } },
	{ "citizen.self", N_("Use one's own records"), 0, { { ROLE_CITIZEN, REACH_OWNER } } },
};

#define NACTIONS (sizeof(actions) / sizeof(actions[0]))

static const char *const role_names[ROLE_COUNT] = {
	[ROLE_ADMIN] = "admin",
	[ROLE_LEADER] = "leader",
	[ROLE_SPECIALIST] = "specialist",
	[ROLE_ONESTOP_CLERK] = "onestop_clerk",
	[ROLE_RECORDS_CLERK] = "records_clerk",
	[ROLE_EDITOR] = "editor",
	[ROLE_COLLECTOR] = "collector",
	[ROLE_CITIZEN] = "citizen",
};

const char *permission_role_name(int role)
{
	if (role <= 0 || role >= ROLE_COUNT)
		return NULL;
	return role_names[role];
}

static const char *const role_labels[ROLE_COUNT] = {
	[ROLE_ADMIN] = N_("System administrator"),  [ROLE_LEADER] = N_("Leader"),
	[ROLE_SPECIALIST] = N_("Specialist"),	    [ROLE_ONESTOP_CLERK] = N_("One-stop clerk"),
	[ROLE_RECORDS_CLERK] = N_("Records clerk"), [ROLE_EDITOR] = N_("Portal editor"),
	[ROLE_COLLECTOR] = N_("Fee collector"),	    [ROLE_CITIZEN] = N_("Citizen"),
};

const char *permission_role_label(int role)
{
	if (role <= 0 || role >= ROLE_COUNT)
		return NULL;
	return role_labels[role];
}

int permission_role_from_name(const char *name)
{
	if (!name)
		return 0;
	for (int r = 1; r < ROLE_COUNT; r++)
		if (!strcmp(name, role_names[r]))
			return r;
	return 0;
}

const char *permission_action(size_t i)
{
	return i < NACTIONS ? actions[i].name : NULL;
}

static const struct action_def *find_action(const char *action)
{
	if (!action)
		return NULL;
	for (size_t i = 0; i < NACTIONS; i++)
		if (!strcmp(actions[i].name, action))
			return &actions[i];
	return NULL;
}

int permission_known(const char *action)
{
	return find_action(action) != NULL;
}

int permission_delegable(const char *action)
{
	const struct action_def *def = find_action(action);

	return def && def->delegable;
}

const char *permission_label(const char *action)
{
	const struct action_def *def = find_action(action);

	return def ? def->label : NULL;
}

/* Does grant g put the object o within reach? */
static int grant_reaches(const struct grant *g, int reach, const struct object *o, int64_t account_id)
{
	if (reach == REACH_OWNER)
		return o->owner_account != 0 && o->owner_account == account_id;
	if (o->depth == 0 || g->unit_id <= 0)
		return 0;
	if (g->unit_id == o->unit_path[0])
		return 1;
	if (reach != REACH_DESCENDANTS || !g->reaches_descendants)
		return 0;
	for (size_t i = 1; i < o->depth; i++)
		if (g->unit_id == o->unit_path[i])
			return 1;
	return 0;
}

static int allowed_by_grants(const struct actor *a, const struct action_def *def, const struct object *o)
{
	for (size_t i = 0; i < a->ngrants; i++) {
		const struct grant *g = &a->grants[i];
		for (size_t w = 0; w < MAX_WHO && def->who[w].role; w++)
			if (g->role == def->who[w].role &&
			    grant_reaches(g, def->who[w].reach, o, a->account_id))
				return 1;
	}
	return 0;
}

int delegation_active(const struct delegation *d, int64_t now)
{
	if (!d || d->from_is_delegate || d->from_account == d->to_account)
		return 0;
	if (now < d->valid_from || now >= d->valid_to)
		return 0;
	/* revocation works at once: from the second it is recorded */
	if (d->revoked_at != 0 && d->revoked_at <= now)
		return 0;
	return 1;
}

int can(const struct actor *a, const char *action, const struct object *o, int64_t now,
	const struct delegation **via)
{
	const struct action_def *def = find_action(action);

	if (via)
		*via = NULL;
	if (!a || !def || !o || (o->depth && !o->unit_path))
		return 0;
	if (a->ngrants && !a->grants)
		return 0;
	if (allowed_by_grants(a, def, o))
		return 1;
	if (!def->delegable || o->depth == 0 || (a->ndelegations && !a->delegations))
		return 0;
	for (size_t i = 0; i < a->ndelegations; i++) {
		const struct delegation *d = &a->delegations[i];
		if (d->to_account != a->account_id || !d->power || strcmp(d->power, action))
			continue;
		if (d->unit_id != o->unit_path[0] || !delegation_active(d, now))
			continue;
		if (via)
			*via = d;
		return 1;
	}
	return 0;
}

static int blank(const char *s)
{
	if (!s)
		return 1;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

/* Does the actor hold the power at `unit_id` by a grant of his own at that very unit? */
static int holds_by_grant(const struct actor *a, const struct action_def *def, int64_t unit_id)
{
	struct object at = { &unit_id, 1, 0 };

	if (a->ngrants && !a->grants)
		return 0;
	return allowed_by_grants(a, def, &at);
}

int delegation_validate(const struct delegation *d, const struct actor *delegator, int64_t now,
			const char **reason_msgid)
{
	const char *reason = NULL;
	const struct action_def *def;

	assert(d && delegator);
	def = find_action(d->power);
	if (!def) {
		reason = N_("This power is unknown.");
		goto out;
	}
	if (!def->delegable) {
		reason = N_("This power cannot be delegated.");
		goto out;
	}
	if (d->to_account <= 0) {
		reason = N_("Choose the official who receives the delegation.");
		goto out;
	}
	if (d->to_account == d->from_account || d->to_account == delegator->account_id) {
		reason = N_("A power cannot be delegated to its own holder.");
		goto out;
	}
	if (blank(d->decision_no)) {
		reason = N_("Give the number of the written delegation decision.");
		goto out;
	}
	if (blank(d->decision_date)) {
		reason = N_("Give the date of the written delegation decision.");
		goto out;
	}
	if (d->valid_to <= d->valid_from) {
		reason = N_("A delegation must end after it starts.");
		goto out;
	}
	/* to > from, so the difference fits in 64 unsigned bits whatever the values */
	if ((uint64_t)d->valid_to - (uint64_t)d->valid_from > (uint64_t)DELEGATION_MAX_SECONDS) {
		reason = N_("A delegation may last one year at most.");
		goto out;
	}
	if (d->valid_to <= now) {
		reason = N_("This delegation would already have ended.");
		goto out;
	}
	/* Decree 30/2020/NĐ-CP art. 13: the delegate may not delegate it further */
	if (d->from_is_delegate) {
		reason = N_("A power held by delegation cannot be delegated further.");
		goto out;
	}
	if (d->from_account != delegator->account_id || !holds_by_grant(delegator, def, d->unit_id)) {
		struct object at = { &d->unit_id, 1, 0 };
		const struct delegation *via = NULL;
		if (d->from_account == delegator->account_id && can(delegator, d->power, &at, now, &via) &&
		    via)
			reason = N_("A power held by delegation cannot be delegated further.");
		else
			reason = N_("The delegator does not hold this power at this unit.");
		goto out;
	}
out:
	if (reason_msgid)
		*reason_msgid = reason;
	return reason ? -1 : 0;
}

int signing_mode(const struct delegation *via, int is_deputy, int is_acting)
{
	if (via)
		return SIGN_TUQ;
	if (is_acting)
		return SIGN_Q;
	return is_deputy ? SIGN_KT : SIGN_HEAD;
}

/*
 * The upper case of a Vietnamese letter, without a table: the blocks that
 * hold the Vietnamese alphabet pair their letters in a fixed pattern.
 */
static long vietnamese_upper(long c)
{
	if (c >= 'a' && c <= 'z')
		return c - 0x20;
	/* Latin-1: à á â ã è é ê ì í ò ó ô õ ù ú ý (U+00F7 is the division sign) */
	if (c >= 0xe0 && c <= 0xfe && c != 0xf7)
		return c - 0x20;
	/* Latin Extended-A, upper even and lower odd: ă U+0103, đ U+0111, ĩ U+0129, ũ U+0169 */
	if (((c >= 0x100 && c <= 0x12f) || (c >= 0x14a && c <= 0x177)) && (c & 1))
		return c - 1;
	/* ơ U+01A1, ư U+01B0 */
	if (c == 0x1a1 || c == 0x1b0)
		return c - 1;
	/* Latin Extended Additional, the letters with tone marks: ạ U+1EA1 … ỹ U+1EF9 */
	if (c >= 0x1ea0 && c <= 0x1ef9 && (c & 1))
		return c - 1;
	return c;
}

static size_t utf8_put(unsigned char *p, long cp)
{
	if (cp < 0x80) {
		p[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		p[0] = (unsigned char)(0xc0 | cp >> 6);
		p[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		p[0] = (unsigned char)(0xe0 | cp >> 12);
		p[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		p[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	p[0] = (unsigned char)(0xf0 | cp >> 18);
	p[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	p[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	p[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Append the upper case of s to out at *used (capacity n, NUL kept); -1 when bad or full. */
static int append_upper(char *out, size_t n, size_t *used, const char *s)
{
	size_t len = strlen(s);

	while (len) {
		unsigned char enc[4];
		size_t out_len;
		long cp = utf8_next(&s, &len);
		if (cp < 0)
			return -1;
		out_len = utf8_put(enc, vietnamese_upper(cp));
		if (n - *used <= out_len)
			return -1;
		memcpy(out + *used, enc, out_len);
		*used += out_len;
		out[*used] = '\0';
	}
	return 0;
}

static int append_raw(char *out, size_t n, size_t *used, const char *s)
{
	size_t len = strlen(s);

	if (n - *used <= len)
		return -1;
	memcpy(out + *used, s, len + 1);
	*used += len;
	return 0;
}

int signing_upper(const char *s, char *out, size_t n)
{
	size_t used = 0;

	if (!out || n == 0)
		return -1;
	out[0] = '\0';
	if (!s || append_upper(out, n, &used, s) < 0) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

/* A prefix ("KT. ") and a title in upper case, on a line of its own after the first. */
static int append_line(char *out, size_t n, size_t *used, const char *prefix, const char *title)
{
	if (*used && append_raw(out, n, used, "\n") < 0)
		return -1;
	if (prefix && append_raw(out, n, used, prefix) < 0)
		return -1;
	return append_upper(out, n, used, title);
}

int signing_notation(const struct signing *s, char *out, size_t n)
{
	const char *holder, *signer;
	size_t used = 0;
	int rc = -1;

	if (!out || n == 0)
		return -1;
	out[0] = '\0';
	if (!s)
		goto out;
	holder = blank(s->holder_title) ? NULL : s->holder_title;
	signer = blank(s->signer_title) ? NULL : s->signer_title;
	if (s->collective) {
		/* TM.: the head or his deputy signs for the collective; TL. and TUQ. are the head's own */
		if (blank(s->collective) || s->mode == SIGN_TL || s->mode == SIGN_TUQ)
			goto out;
		if (append_line(out, n, &used, "TM. ", s->collective) < 0)
			goto out;
	}
	switch (s->mode) {
	case SIGN_HEAD:
		if (!signer || append_line(out, n, &used, NULL, signer) < 0)
			goto out;
		break;
	case SIGN_KT:
	case SIGN_TL:
	case SIGN_TUQ:
		if (!holder || !signer)
			goto out;
		if (append_line(out, n, &used,
				s->mode == SIGN_KT   ? "KT. "
				: s->mode == SIGN_TL ? "TL. "
						     : "TUQ. ",
				holder) < 0)
			goto out;
		/* Decree 30/2020 art. 13: the head given the order may leave it to his deputy, who signs KT.
		 */
		if (s->mode == SIGN_TL && s->order_title &&
		    (blank(s->order_title) || append_line(out, n, &used, "KT. ", s->order_title) < 0))
			goto out;
		if (append_line(out, n, &used, NULL, signer) < 0)
			goto out;
		break;
	case SIGN_Q:
		if (!holder || append_line(out, n, &used, "Q. ", holder) < 0)
			goto out;
		break;
	default: goto out;
	}
	rc = 0;
out:
	if (rc)
		out[0] = '\0';
	return rc;
}
