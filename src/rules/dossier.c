/* dossier.c: a dossier's codes, lifecycle table and on-time verdicts. */
#include <stdio.h>
#include <string.h>
#include "core/i18n.h"
#include "core/timefmt.h"
#include "rules/dossier.h"
#include "core/banned.h"

static const char *const receive_[] = { DOSSIER_PERM_RECEIVE, NULL };
static const char *const process_[] = { DOSSIER_PERM_PROCESS, DOSSIER_PERM_APPROVE, NULL };
static const char *const approve_[] = { DOSSIER_PERM_APPROVE, NULL };
static const char *const desk_[] = { DOSSIER_PERM_RECEIVE, DOSSIER_PERM_PROCESS, NULL };
static const char *const citizen_[] = { DOSSIER_PERM_OWNER, DOSSIER_PERM_RECEIVE, NULL };
static const char *const supplied_[] = { DOSSIER_PERM_RECEIVE, DOSSIER_PERM_PROCESS, DOSSIER_PERM_OWNER,
					 NULL };
static const char *const fee_[] = { DOSSIER_PERM_RECEIVE, "receipt.issue", NULL };
static const char *const staff_[] = { DOSSIER_PERM_RECEIVE, DOSSIER_PERM_PROCESS, DOSSIER_PERM_APPROVE,
				      NULL };

/* received: 0 before receipt only, 1 after only, -1 either way */
static const struct transition {
	int from;
	int action;
	int received;
	int to;
	const char *const *perms;
} table[] = {
	{ DS_NEW, DA_RECEIVE, -1, DS_RECEIVED, receive_ },
	{ DS_NEW, DA_REFUSE, -1, DS_REFUSED, receive_ },
	{ DS_NEW, DA_SUPPLEMENT, 0, DS_SUPPLEMENT, receive_ },
	{ DS_NEW, DA_WITHDRAW, -1, DS_WITHDRAWN, citizen_ },
	{ DS_SUPPLEMENT, DA_SUPPLIED, 0, DS_NEW, supplied_ },
	/* online, the citizen uploads the papers himself: they are back, the clock restarts */
	{ DS_SUPPLEMENT, DA_SUPPLIED, 1, DS_PROCESSING, supplied_ },
	{ DS_SUPPLEMENT, DA_REFUSE, 0, DS_REFUSED, receive_ },
	{ DS_SUPPLEMENT, DA_WITHDRAW, -1, DS_WITHDRAWN, citizen_ },
	{ DS_RECEIVED, DA_START, -1, DS_PROCESSING, desk_ },
	{ DS_RECEIVED, DA_ASSIGN, -1, DS_RECEIVED, staff_ },
	{ DS_RECEIVED, DA_APOLOGIZE, -1, DS_RECEIVED, desk_ },
	{ DS_RECEIVED, DA_WITHDRAW, -1, DS_WITHDRAWN, citizen_ },
	{ DS_PROCESSING, DA_FORWARD, -1, DS_PROCESSING, staff_ },
	{ DS_PROCESSING, DA_SUPPLEMENT, 1, DS_SUPPLEMENT, process_ },
	{ DS_PROCESSING, DA_REQUEST_FEE, -1, DS_AWAITING_FEE, process_ },
	{ DS_PROCESSING, DA_APPROVE, -1, DS_RESULT_READY, approve_ },
	{ DS_PROCESSING, DA_REJECT, -1, DS_RESULT_READY, approve_ },
	{ DS_PROCESSING, DA_ASSIGN, -1, DS_PROCESSING, staff_ },
	{ DS_PROCESSING, DA_APOLOGIZE, -1, DS_PROCESSING, desk_ },
	{ DS_PROCESSING, DA_WITHDRAW, -1, DS_WITHDRAWN, citizen_ },
	{ DS_AWAITING_FEE, DA_FEE_PAID, -1, DS_PROCESSING, fee_ },
	{ DS_AWAITING_FEE, DA_APOLOGIZE, -1, DS_AWAITING_FEE, desk_ },
	{ DS_AWAITING_FEE, DA_WITHDRAW, -1, DS_WITHDRAWN, citizen_ },
	{ DS_RESULT_READY, DA_RETURN, -1, DS_RETURNED, receive_ },
};

static int matches(const struct transition *t, int status, int received)
{
	return t->from == status && (t->received < 0 || t->received == (received != 0));
}

int dossier_next(int status, int action, int received, const char *const **perms)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (matches(&table[i], status, received) && table[i].action == action) {
			if (perms)
				*perms = table[i].perms;
			return table[i].to;
		}
	}
	if (perms)
		*perms = NULL;
	return 0;
}

size_t dossier_actions(int status, int received, int *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (matches(&table[i], status, received) && n < max)
			out[n++] = table[i].action;
	return n;
}

static const struct {
	const char *name;
	const char *label;
} statuses[DS_STATUS_COUNT] = {
	[DS_NEW] = { "new", N_("Submitted online, not yet received") },
	[DS_RECEIVED] = { "received", N_("Received") },
	[DS_PROCESSING] = { "processing", N_("Being processed") },
	[DS_SUPPLEMENT] = { "supplement", N_("Waiting for more papers") },
	[DS_AWAITING_FEE] = { "awaiting_fee", N_("Waiting for the fee") },
	[DS_RESULT_READY] = { "result_ready", N_("Result ready to collect") },
	[DS_RETURNED] = { "returned", N_("Result returned") },
	[DS_REFUSED] = { "refused", N_("Refused") },
	[DS_WITHDRAWN] = { "withdrawn", N_("Withdrawn") },
};

static const struct {
	const char *name;
	const char *label;
} actions[DA_ACTION_COUNT] = {
	[DA_RECEIVE] = { "receive", N_("Receive") },
	[DA_REFUSE] = { "refuse", N_("Refuse") },
	[DA_SUPPLEMENT] = { "request_supplement", N_("Ask for more papers") },
	[DA_SUPPLIED] = { "supplied", N_("Papers supplied") },
	[DA_START] = { "start", N_("Start processing") },
	[DA_FORWARD] = { "forward", N_("Step done, pass on") },
	[DA_REQUEST_FEE] = { "request_fee", N_("Ask for the fee") },
	[DA_FEE_PAID] = { "fee_paid", N_("Fee paid") },
	[DA_APPROVE] = { "approve", N_("Approve") },
	[DA_REJECT] = { "reject", N_("Reject") },
	[DA_RETURN] = { "return", N_("Return the result") },
	[DA_WITHDRAW] = { "withdraw", N_("Withdraw") },
	[DA_APOLOGIZE] = { "apologize", N_("Apologise and set a new date") },
	[DA_ASSIGN] = { "assign", N_("Assign") },
};

const char *dossier_status_name(int status)
{
	return status > 0 && status < DS_STATUS_COUNT ? statuses[status].name : NULL;
}

int dossier_status_from_name(const char *name)
{
	for (int i = 1; name && i < DS_STATUS_COUNT; i++)
		if (!strcmp(statuses[i].name, name))
			return i;
	return 0;
}

const char *dossier_status_label(int status)
{
	return status > 0 && status < DS_STATUS_COUNT ? statuses[status].label : NULL;
}

int dossier_status_final(int status)
{
	return status == DS_RETURNED || status == DS_REFUSED || status == DS_WITHDRAWN;
}

const char *dossier_action_name(int action)
{
	return action > 0 && action < DA_ACTION_COUNT ? actions[action].name : NULL;
}

int dossier_action_from_name(const char *name)
{
	for (int i = 1; name && i < DA_ACTION_COUNT; i++)
		if (!strcmp(actions[i].name, name))
			return i;
	return 0;
}

const char *dossier_action_label(int action)
{
	return action > 0 && action < DA_ACTION_COUNT ? actions[action].label : NULL;
}

static int64_t local_day(int64_t t)
{
	int64_t l = t + VN_UTC_OFFSET;
	return l >= 0 ? l / 86400 : -((-l + 86399) / 86400);
}

int dossier_verdict(int64_t finished, int64_t due)
{
	if (due <= 0 || finished <= 0)
		return DV_NONE;
	if (finished > due)
		return DV_LATE;
	return local_day(finished) < local_day(due) ? DV_EARLY : DV_ON_TIME;
}

const char *dossier_verdict_name(int verdict)
{
	switch (verdict) {
	case DV_EARLY: return "early";
	case DV_ON_TIME: return "on_time";
	case DV_LATE: return "late";
	default: return NULL;
	}
}

const char *dossier_verdict_label(int verdict)
{
	switch (verdict) {
	case DV_EARLY: return N_("Early");
	case DV_ON_TIME: return N_("On time");
	case DV_LATE: return N_("Late");
	default: return NULL;
	}
}

static int agency_valid(const char *a, size_t n)
{
	if (n < 1 || n > 40)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = a[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.'))
			return 0;
	}
	return 1;
}

int dossier_code(char *out, size_t n, const char *agency, int64_t when, int64_t seq)
{
	struct civil c;
	int w;
	if (!out || n < DOSSIER_CODE_MAX || !agency || !agency_valid(agency, strlen(agency)) || seq < 1 ||
	    seq > 9999)
		return -1;
	time_to_civil(when, VN_UTC_OFFSET, &c);
	w = snprintf(out, n, "%s-%02d%02d%02d-%04d", agency, c.year % 100, c.month, c.day, (int)seq);
	return w > 0 && (size_t)w < n ? 0 : -1;
}

int dossier_code_valid(const char *code)
{
	size_t n;
	const char *dash;
	if (!code)
		return 0;
	n = strlen(code);
	if (n < 13)
		return 0;
	/* the last 12 characters: -YYMMDD-NNNN */
	dash = code + n - 12;
	if (dash[0] != '-' || dash[7] != '-')
		return 0;
	for (int i = 1; i < 12; i++)
		if (i != 7 && (dash[i] < '0' || dash[i] > '9'))
			return 0;
	if (!strncmp(dash + 8, "0000", 4))
		return 0;
	return agency_valid(code, (size_t)(dash - code));
}

static const struct {
	const char *name;
	const char *label;
} channels[] = {
	[DCH_COUNTER] = { "counter", N_("At the counter") },
	[DCH_ONLINE] = { "online", N_("Online") },
	[DCH_POST] = { "post", N_("By post") },
};

const char *dossier_channel_name(int ch)
{
	return ch >= DCH_COUNTER && ch <= DCH_POST ? channels[ch].name : NULL;
}

int dossier_channel_from_name(const char *name)
{
	for (int i = DCH_COUNTER; name && i <= DCH_POST; i++)
		if (!strcmp(channels[i].name, name))
			return i;
	return 0;
}

const char *dossier_channel_label(int ch)
{
	return ch >= DCH_COUNTER && ch <= DCH_POST ? channels[ch].label : NULL;
}

int dossier_fee_collectable(int status)
{
	switch (status) {
	case DS_RECEIVED:
	case DS_PROCESSING:
	case DS_SUPPLEMENT:
	case DS_AWAITING_FEE:
	case DS_RESULT_READY:
	case DS_RETURNED: return 1;
	default: return 0;
	}
}
