/* procedure.c: the rules a procedure (thủ tục hành chính) must follow before the catalogue publishes it. */
#include <string.h>
#include "core/i18n.h"
#include "core/utf8.h"
#include "rules/permission.h"
#include "rules/procedure.h"
#include "core/banned.h"

#define NAME_MAX_CHARS	 500
#define TIME_MAX_DAYS	 365
#define HOURS_PER_DAY	 8 /* a working day is 8 working hours */
#define TIME_MAX_HOURS	 (TIME_MAX_DAYS * HOURS_PER_DAY)
#define CODE_MIN	 3
#define CODE_MAX	 32
#define DOC_COUNT_MAX	 99
#define SHA256_HEX_CHARS 64

#define MSG_TEXT     N_("The text contains characters that are not allowed.")
#define MSG_ONE_LINE N_("This text must be on one line.")

/*
 * The field names of the items, as static strings: a caller may keep the
 * `field` it is given (an import's list of errors does) without copying it.
 */
static const char *const fee_fields[] = { "fees[0]",  "fees[1]",  "fees[2]",  "fees[3]",
					  "fees[4]",  "fees[5]",  "fees[6]",  "fees[7]",
					  "fees[8]",  "fees[9]",  "fees[10]", "fees[11]",
					  "fees[12]", "fees[13]", "fees[14]", "fees[15]" };
static const char *const document_fields[] = {
	"documents[0]",	 "documents[1]",  "documents[2]",  "documents[3]",  "documents[4]",  "documents[5]",
	"documents[6]",	 "documents[7]",  "documents[8]",  "documents[9]",  "documents[10]", "documents[11]",
	"documents[12]", "documents[13]", "documents[14]", "documents[15]", "documents[16]", "documents[17]",
	"documents[18]", "documents[19]", "documents[20]", "documents[21]", "documents[22]", "documents[23]",
	"documents[24]", "documents[25]", "documents[26]", "documents[27]", "documents[28]", "documents[29]",
	"documents[30]", "documents[31]", "documents[32]", "documents[33]", "documents[34]", "documents[35]",
	"documents[36]", "documents[37]", "documents[38]", "documents[39]"
};
static const char *const step_fields[] = { "steps[0]",	"steps[1]",  "steps[2]",  "steps[3]",  "steps[4]",
					   "steps[5]",	"steps[6]",  "steps[7]",  "steps[8]",  "steps[9]",
					   "steps[10]", "steps[11]", "steps[12]", "steps[13]", "steps[14]",
					   "steps[15]", "steps[16]", "steps[17]", "steps[18]", "steps[19]" };

_Static_assert(sizeof(fee_fields) / sizeof(fee_fields[0]) == PROC_MAX_FEES, "a name per fee line");
_Static_assert(sizeof(document_fields) / sizeof(document_fields[0]) == PROC_MAX_DOCUMENTS,
	       "a name per document");
_Static_assert(sizeof(step_fields) / sizeof(step_fields[0]) == PROC_MAX_STEPS, "a name per step");
/* the messages say 16 fee lines, 40 documents, 20 steps, 500 characters */
_Static_assert(PROC_MAX_FEES == 16 && PROC_MAX_DOCUMENTS == 40 && PROC_MAX_STEPS == 20,
	       "update the messages");

struct names {
	const char *name;  /* as the JSON document spells it */
	const char *label; /* for people, an English message id */
};

static const struct names levels[] = {
	[PROC_CITY] = { "city", N_("City level") },
	[PROC_DISTRICT] = { "district", N_("District level") },
	[PROC_WARD] = { "ward", N_("Ward level") },
};

static const struct names onlines[] = {
	[PROC_ONLINE_FULL] = { "full", N_("Fully online") },
	[PROC_ONLINE_PARTIAL] = { "partial", N_("Partly online") },
	[PROC_ONLINE_NONE] = { "none", N_("Not online") },
};

static const struct names time_units[] = {
	[PROC_DAYS] = { "day", NULL },
	[PROC_HOURS] = { "hour", NULL },
};

static const struct names doc_kinds[] = {
	[PROC_DOC_ORIGINAL] = { "original", N_("Original") },
	[PROC_DOC_CERTIFIED_COPY] = { "certified_copy", N_("Certified copy") },
	[PROC_DOC_COPY] = { "copy", N_("Copy") },
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Entry 0 of each table is empty: enums start at 1. */
static const struct names *lookup(const struct names *t, int n, int v)
{
	return v >= 1 && v < n ? &t[v] : NULL;
}

static int from_name(const struct names *t, int n, const char *name)
{
	if (!name)
		return 0;
	for (int v = 1; v < n; v++)
		if (!strcmp(t[v].name, name))
			return v;
	return 0;
}

const char *proc_level_name(int level)
{
	const struct names *e = lookup(levels, COUNT(levels), level);
	return e ? e->name : NULL;
}

int proc_level_from_name(const char *name)
{
	return from_name(levels, COUNT(levels), name);
}

const char *proc_level_label(int level)
{
	const struct names *e = lookup(levels, COUNT(levels), level);
	return e ? e->label : NULL;
}

const char *proc_online_name(int online)
{
	const struct names *e = lookup(onlines, COUNT(onlines), online);
	return e ? e->name : NULL;
}

int proc_online_from_name(const char *name)
{
	return from_name(onlines, COUNT(onlines), name);
}

const char *proc_online_label(int online)
{
	const struct names *e = lookup(onlines, COUNT(onlines), online);
	return e ? e->label : NULL;
}

const char *proc_time_unit_name(int unit)
{
	const struct names *e = lookup(time_units, COUNT(time_units), unit);
	return e ? e->name : NULL;
}

int proc_time_unit_from_name(const char *name)
{
	return from_name(time_units, COUNT(time_units), name);
}

const char *proc_doc_kind_name(int kind)
{
	const struct names *e = lookup(doc_kinds, COUNT(doc_kinds), kind);
	return e ? e->name : NULL;
}

int proc_doc_kind_from_name(const char *name)
{
	return from_name(doc_kinds, COUNT(doc_kinds), name);
}

const char *proc_doc_kind_label(int kind)
{
	const struct names *e = lookup(doc_kinds, COUNT(doc_kinds), kind);
	return e ? e->label : NULL;
}

static int is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/*
 * Every form the header names (1.001193, 2.000815.H26, 2.000815-TX, a
 * local code) is 3–32 characters of A–Z a–z 0–9 '.' '-' starting with a
 * letter or digit, so that one test covers them all.
 */
int procedure_code_valid(const char *code)
{
	size_t n;

	if (!code)
		return 0;
	n = strlen(code);
	/* starts and ends with a letter or digit, no two separators in a row ("2.000815-" is a typo) */
	if (n < CODE_MIN || n > CODE_MAX || !is_alnum(code[0]) || !is_alnum(code[n - 1]))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!is_alnum(code[i]) && ((code[i] != '.' && code[i] != '-') || !is_alnum(code[i - 1])))
			return 0;
	/* a code has a number in it: words ("export", "them") are the catalogue's own paths */
	return strpbrk(code, "0123456789") != NULL;
}

int64_t procedure_hours(const struct procedure *p)
{
	if (p->time_amount < 0)
		return -1;
	switch (p->time_unit) {
	case PROC_DAYS:
		if (p->time_amount > INT64_MAX / HOURS_PER_DAY)
			return -1;
		return p->time_amount * HOURS_PER_DAY;
	case PROC_HOURS: return p->time_amount;
	}
	return -1;
}

/* The errors of one check, counted. */
struct check {
	void (*err)(void *ctx, const char *field, const char *msgid);
	void *ctx;
	int n;
};

static void report(struct check *c, const char *field, const char *msgid)
{
	c->n++;
	if (c->err)
		c->err(c->ctx, field, msgid);
}

static const char *str(const char *s)
{
	return s ? s : "";
}

/* Empty, or nothing but spaces and line breaks: nothing a clerk could read. */
static int blank(const char *s)
{
	for (s = str(s); *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

enum text_flags {
	TEXT_LINES = 1 << 0, /* line breaks allowed: "\n", or "\r\n" as a browser's textarea sends */
};

/*
 * The message for text that is not valid UTF-8 or holds a control
 * character (C0, DEL, C1), or NULL when it is fine. A tab is a control
 * character too: it would not show in the printed catalogue.
 */
static const char *text_problem(const char *s, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)str(s);
	size_t len = strlen((const char *)p);

	if (!utf8_valid((const char *)p, len))
		return MSG_TEXT;
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '\n' || (p[i] == '\r' && p[i + 1] == '\n')) {
			if (!(flags & TEXT_LINES))
				return MSG_ONE_LINE;
			continue;
		}
		/* C1 controls U+0080..U+009F are 0xc2 0x80..0x9f in UTF-8 */
		if (p[i] < 0x20 || p[i] == 0x7f || (p[i] == 0xc2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f))
			return MSG_TEXT;
	}
	return NULL;
}

/* A text field: reported when it is blank and `required`, or badly written. 1 when reported. */
static int check_text(struct check *c, const char *field, const char *s, unsigned flags, const char *required)
{
	const char *why;

	if (required && blank(s)) {
		report(c, field, required);
		return 1;
	}
	why = text_problem(s, flags);
	if (why) {
		report(c, field, why);
		return 1;
	}
	return 0;
}

static int sha256_hex(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == SHA256_HEX_CHARS;
}

static void check_levels(struct check *c, const struct procedure *p)
{
	int known = 1;

	if (!proc_level_name(p->level)) {
		report(c, "level", N_("Choose the level of the procedure: city, district or ward."));
		known = 0;
	}
	if (!proc_level_name(p->receive_level)) {
		report(c, "receive_level", N_("Choose the level that receives the dossier."));
		known = 0;
	}
	if (!proc_level_name(p->decide_level)) {
		report(c, "decide_level", N_("Choose the level that decides."));
		known = 0;
	}
	if (!known)
		return;
	/* liên thông: received at one level, decided at another */
	if (p->receive_level != p->decide_level && !p->inter_level)
		report(c, "inter_level",
		       N_("The dossier is received at one level and decided at another: mark the procedure as inter-level."));
	else if (p->receive_level == p->decide_level && p->inter_level)
		report(c, "inter_level",
		       N_("An inter-level procedure is received at one level and decided at another."));
	if (p->level != p->decide_level)
		report(c, "level", N_("The level of the procedure must be the level that decides it."));
}

/* 1 when the time is valid. */
static int check_time(struct check *c, const struct procedure *p)
{
	int ok = 1;

	if (p->time_unit == PROC_DAYS) {
		if (p->time_amount < 0 || p->time_amount > TIME_MAX_DAYS) {
			report(c, "time",
			       N_("The processing time must be between 0 (the same day) and 365 working days."));
			ok = 0;
		}
	} else if (p->time_unit == PROC_HOURS) {
		if (p->time_amount < 0 || p->time_amount > TIME_MAX_HOURS) {
			report(c, "time",
			       N_("The processing time must be between 0 (the same day) and 2,920 working hours."));
			ok = 0;
		}
	} else {
		report(c, "time", N_("Give the processing time in working days or in working hours."));
		ok = 0;
	}
	check_text(c, "time", p->time_note, TEXT_LINES, NULL);
	return ok;
}

static void check_fees(struct check *c, const struct procedure *p)
{
	size_t n = p->nfees;

	if (n > PROC_MAX_FEES) {
		report(c, "fees", N_("A procedure may have at most 16 fee lines."));
		n = PROC_MAX_FEES;
	}
	for (size_t i = 0; i < n; i++) {
		const char *why;

		const char *field = fee_fields[i];
		if (fee_line_check(&p->fees[i], &why) < 0)
			report(c, field, why);
		else
			check_text(c, field, p->fees[i].name, 0, N_("Give the fee a name."));
	}
	check_text(c, "fee_note", p->fee_note, 0, NULL);
}

static void check_documents(struct check *c, const struct procedure *p)
{
	size_t n = p->ndocuments;

	if (n > PROC_MAX_DOCUMENTS) {
		report(c, "documents", N_("A procedure may have at most 40 documents."));
		n = PROC_MAX_DOCUMENTS;
	}
	for (size_t i = 0; i < n; i++) {
		const struct proc_document *d = &p->documents[i];
		const char *form_file = str(d->form_file);

		const char *field = document_fields[i];
		if (check_text(c, field, d->name, 0, N_("Enter the name of the document.")))
			continue;
		if (!proc_doc_kind_name(d->kind))
			report(c, field,
			       N_("Choose whether the document is an original, a certified copy or a copy."));
		else if (d->count < 1 || d->count > DOC_COUNT_MAX)
			report(c, field, N_("The number of copies of a document must be between 1 and 99."));
		else if (*form_file && !sha256_hex(form_file))
			report(c, field, N_("The form file is not one the system keeps: upload it again."));
		else if (*form_file)
			check_text(c, field, d->form_name, 0, N_("Give the form a title."));
		else
			check_text(c, field, d->form_name, 0, NULL);
	}
}

/* 1 when every step's own time is valid, so that they can be added up. */
static int check_steps(struct check *c, const struct procedure *p)
{
	size_t n = p->nsteps;
	int ok = 1;

	if (n == 0) {
		report(c, "steps", N_("Add at least one step of the internal process."));
		return 0;
	}
	if (n > PROC_MAX_STEPS) {
		report(c, "steps", N_("The internal process may have at most 20 steps."));
		n = PROC_MAX_STEPS;
		ok = 0;
	}
	for (size_t i = 0; i < n; i++) {
		const struct proc_step *s = &p->steps[i];
		int role;

		const char *field = step_fields[i];
		if (s->hours < 0 || s->hours > TIME_MAX_HOURS) {
			report(c, field, N_("The time of a step must be between 0 and 2,920 working hours."));
			ok = 0;
		}
		if (check_text(c, field, s->name, 0, N_("Enter the name of the step.")))
			continue;
		if (check_text(c, field, s->responsible, 0, N_("Enter who does the step.")))
			continue;
		if (!proc_level_name(s->level)) {
			report(c, field, N_("Choose the level where the step is done."));
			continue;
		}
		role = *str(s->role) ? permission_role_from_name(s->role) : 0;
		if (*str(s->role) && (!role || role == ROLE_CITIZEN))
			report(c, field, N_("Choose the role that does the step from the list, or none."));
	}
	return ok;
}

/*
 * The internal process divides the statutory time among its steps, so the
 * allotments add up to it; a same-day procedure has one working day at most.
 */
static void check_allotment(struct check *c, const struct procedure *p)
{
	int64_t sum = 0, hours = procedure_hours(p);

	/* each step is at most TIME_MAX_HOURS and there are at most PROC_MAX_STEPS: no overflow */
	for (size_t i = 0; i < p->nsteps; i++)
		sum += p->steps[i].hours;
	if (p->time_amount == 0) {
		if (sum > HOURS_PER_DAY)
			report(c, "steps",
			       N_("The steps of a same-day procedure must take at most one working day (8 hours) in all."));
	} else if (sum != hours) {
		report(c, "steps",
		       N_("The allotted times of the steps must add up to the statutory processing time."));
	}
}

int procedure_check(const struct procedure *p, void (*err)(void *ctx, const char *field, const char *msgid),
		    void *ctx)
{
	struct check c = { err, ctx, 0 };
	int time_ok, steps_ok;

	if (blank(p->code))
		report(&c, "code", N_("Enter the code of the procedure."));
	else if (!procedure_code_valid(p->code))
		report(&c, "code",
		       N_("The code must be a national code such as 2.000815, or a local code of 3 to 32 letters, digits, dots and hyphens."));
	if (!check_text(&c, "name", p->name, 0, N_("Enter the name of the procedure.")) &&
	    utf8_chars(p->name) > NAME_MAX_CHARS)
		report(&c, "name", N_("The name of the procedure may have at most 500 characters."));
	check_text(&c, "field", p->field, 0, N_("Choose the field of the procedure."));
	check_levels(&c, p);
	check_text(&c, "receiving", p->receiving, 0, N_("Enter the units that receive the dossier."));
	check_text(&c, "deciding", p->deciding, 0, N_("Enter who decides."));
	time_ok = check_time(&c, p);
	check_fees(&c, p);
	check_documents(&c, p);
	check_text(&c, "result", p->result, TEXT_LINES, N_("Enter what the citizen receives."));
	check_text(&c, "legal_basis", p->legal_basis, TEXT_LINES, N_("Enter the legal basis."));
	check_text(&c, "conditions", p->conditions, TEXT_LINES, NULL);
	if (!proc_online_name(p->online))
		report(&c, "online", N_("Choose how much of the procedure can be done online."));
	steps_ok = check_steps(&c, p);
	if (time_ok && steps_ok)
		check_allotment(&c, p);
	return c.n;
}
