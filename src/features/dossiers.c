/* dossiers.c: dossiers in the database: intake, the lifecycle's actions, statistics, queues and lookup. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "core/i18n.h"
#include "core/timefmt.h"
#include "features/authz.h"
#include "features/calendar.h"
#include "features/dossiers.h"
#include "features/mail.h"
#include "features/org.h"
#include "features/procedures.h"
#include "features/satisfaction.h"
#include "rules/cccd.h"
#include "rules/contact.h"
#include "rules/fee.h"
#include "store/counter.h"
#include "core/banned.h"

/* A step's or a same-day procedure's cut-off: received after 15:00 counts from the next working day. */
#define CUTOFF_MIN (15 * 60)

static int finish(struct db_stmt *st, int rc)
{
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : 0;
}

static const char *dup_col(struct arena *a, struct db_stmt *st, int i)
{
	const char *s = db_col_text(st, i);
	return arena_strdup(a, s ? s : "");
}

/* ---- checking people ---- */

static int text_ok(const char *s, size_t max, int newlines)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++)
		if ((*p < 0x20 && !(newlines && (*p == '\n' || *p == '\r' || *p == '\t'))) || *p == 0x7f)
			return 0;
	return n <= max;
}

static int date_parse(const char *s, int *y, int *m, int *d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	*y = (int)strtol(s, NULL, 10);
	*m = (int)strtol(s + 5, NULL, 10);
	*d = (int)strtol(s + 8, NULL, 10);
	if (*m < 1 || *m > 12 || *d < 1)
		return -1;
	int leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
	return *d <= mdays[*m - 1] + (*m == 2 && leap) ? 0 : -1;
}

int dossier_person_check(struct dossier_person *p, const char *prefix, int required, struct arena *a,
			 int64_t now, dossier_err_fn err, void *ctx)
{
	int errors = 0;
	const char *why = NULL;
	char field[64];
	struct civil today;
	struct cccd_info info;
	int have_info = 0;

#define ERR(f, m)                                                   \
	do {                                                        \
		snprintf(field, sizeof(field), "%s.%s", prefix, f); \
		if (err)                                            \
			err(ctx, arena_strdup(a, field), m);        \
		errors++;                                           \
	} while (0)

	time_to_civil(now, VN_UTC_OFFSET, &today);
	if (!p->name)
		p->name = "";
	if (!p->id_no)
		p->id_no = "";
	if (!p->birth)
		p->birth = "";
	if (!p->phone)
		p->phone = "";
	if (!p->email)
		p->email = "";
	if (!p->address)
		p->address = "";
	{
		char *out = arena_alloc(a, CONTACT_NAME_MAX_BYTES + 1);
		if (!*p->name)
			ERR("name", N_("Enter the full name."));
		else if (contact_name_check(p->name, out, CONTACT_NAME_MAX_BYTES + 1, &why))
			ERR("name", why);
		else
			p->name = out;
	}
	if (!*p->id_no) {
		if (required)
			ERR("id_no", N_("Enter the 12-digit personal identification number."));
	} else if (cccd_check(p->id_no, today.year, &info, &why)) {
		ERR("id_no", why);
	} else {
		have_info = 1;
	}
	if (*p->birth) {
		int y, m, d;
		if (date_parse(p->birth, &y, &m, &d))
			ERR("birth", N_("Enter the date of birth as dd/mm/yyyy."));
		else if (y < 1900 ||
			 y * 10000 + m * 100 + d > today.year * 10000 + today.month * 100 + today.day)
			ERR("birth", N_("The date of birth cannot be in the future or before 1900."));
		else if (have_info && !cccd_matches_birth_year(&info, y))
			ERR("birth", N_("The year of birth does not match the identification number."));
	}
	if (!*p->phone) {
		if (required)
			ERR("phone", N_("Enter a mobile phone number."));
	} else {
		char *out = arena_alloc(a, CONTACT_PHONE_LEN + 1);
		if (contact_phone_check(p->phone, out, &why))
			ERR("phone", why);
		else
			p->phone = out;
	}
	if (*p->email) {
		char *out = arena_alloc(a, CONTACT_EMAIL_MAX + 1);
		if (contact_email_check(p->email, out, &why))
			ERR("email", why);
		else
			p->email = out;
	}
	if (!text_ok(p->address, 500, 0))
		ERR("address", N_("The address is too long or holds characters that are not allowed."));
#undef ERR
	return errors;
}

/* ---- units and levels ---- */

/* The level of government a unit acts at: a department or one-stop office acts at its parent's. */
static int unit_level(struct db *db, struct arena *a, int64_t id, struct unit *out)
{
	struct unit u;
	int64_t at = id;
	for (int depth = 0; depth < 8 && at; depth++) {
		int rc = org_unit_load(db, a, at, &u);
		if (rc)
			return rc < 0 ? rc : 0;
		if (depth == 0 && out)
			*out = u;
		int l = unit_kind_level(u.kind);
		if (l)
			return l;
		at = u.parent_id;
	}
	return 0;
}

/* The agency (governing unit) at or above `id` into *out: its id, 0 when none, or a negative rc. */
static int64_t agency_of(struct db *db, struct arena *a, int64_t id, struct unit *out)
{
	int64_t at = id;
	for (int depth = 0; depth < 16 && at; depth++) {
		int rc = org_unit_load(db, a, at, out);
		if (rc)
			return rc < 0 ? rc : 0;
		if (unit_kind_level(out->kind))
			return at;
		at = out->parent_id;
	}
	return 0;
}

/* The unit of `level` that handles a step of dossier d: up from the current unit, or back to the receiving
 * one. */
static int64_t unit_for_level(struct db *db, struct arena *a, const struct dossier *d, int level)
{
	int64_t at = d->current_unit;
	struct unit u;
	if (unit_level(db, a, d->receiving_unit, NULL) == level)
		return d->receiving_unit;
	for (int depth = 0; depth < 8 && at; depth++) {
		if (org_unit_load(db, a, at, &u))
			return 0;
		if (unit_kind_level(u.kind) == level)
			return at;
		at = u.parent_id;
	}
	return 0;
}

static const char *unit_name(struct db *db, struct arena *a, int64_t id)
{
	struct unit u;
	return id && !org_unit_load(db, a, id, &u) ? u.name : "";
}

/* ---- statistics ---- */

static int64_t local_yyyymmdd(int64_t t)
{
	struct civil c;
	time_to_civil(t, VN_UTC_OFFSET, &c);
	return (int64_t)c.year * 10000 + c.month * 100 + c.day;
}

/* Add 1 to one column of the day's statistics (the column from a fixed list, never input). */
static int stats_add(struct db *db, const struct dossier *d, const char *column, int64_t at)
{
	static const char *const columns[] = { "submitted", "received", "finished",  "early",	"on_time",
					       "late",	    "refused",	"withdrawn", "returned" };
	size_t i;
	for (i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
		if (!strcmp(columns[i], column))
			break;
	if (i == sizeof(columns) / sizeof(columns[0]))
		return DB_ERROR;
	{
		/* the day's row, and its rollups: the unit's day (no procedure) and the procedure's month */
		static const char *const types[] = { "isii", "iii", "iisi" };
		char s0[320], s1[320], s2[320];
		const char *const sqls[] = { s0, s1, s2 };
		int64_t day = local_yyyymmdd(at);
		snprintf(
			s0, sizeof(s0),
			"INSERT INTO dossier_stats (unit_id, procedure_code, channel, day, %s) VALUES (?, ?, ?, ?, 1) "
			"ON CONFLICT (unit_id, day, procedure_code, channel) DO UPDATE SET %s = dossier_stats.%s + 1",
			columns[i], columns[i], columns[i]);
		snprintf(
			s1, sizeof(s1),
			"INSERT INTO dossier_stats_unit_day (unit_id, day, channel, %s) VALUES (?, ?, ?, 1) ON "
			"CONFLICT (unit_id, day, channel) DO UPDATE SET %s = dossier_stats_unit_day.%s + 1",
			columns[i], columns[i], columns[i]);
		snprintf(
			s2, sizeof(s2),
			"INSERT INTO dossier_stats_month (unit_id, month, procedure_code, channel, %s) VALUES (?, ?, "
			"?, ?, 1) ON CONFLICT (unit_id, month, procedure_code, channel) DO UPDATE SET %s = "
			"dossier_stats_month.%s + 1",
			columns[i], columns[i], columns[i]);
		/* one round trip for the three on PostgreSQL */
		return db_exec_group(db, 3, sqls, types, d->receiving_unit, d->procedure_code,
				     (int64_t)d->channel, day, d->receiving_unit, day, (int64_t)d->channel,
				     d->receiving_unit, day / 100, d->procedure_code, (int64_t)d->channel);
	}
}

static int pending_add(struct db *db, const struct dossier *d, int64_t delta)
{
	return db_exec(
		db,
		"INSERT INTO dossier_pending (unit_id, procedure_code, channel, pending) VALUES (?, ?, ?, ?) "
		"ON CONFLICT (unit_id, procedure_code, channel) DO UPDATE SET pending = "
		"dossier_pending.pending + excluded.pending",
		"isii", d->receiving_unit, d->procedure_code, (int64_t)d->channel, delta);
}

/* ---- mail ---- */

static void fmt_when(char *out, size_t n, int64_t t)
{
	char date[32], time[16];
	time_fmt_time_vn(time, sizeof(time), t);
	time_fmt_date_vn(date, sizeof(date), t);
	snprintf(out, n, "%s ngày %s", time, date);
}

static const char *site_url;

void dossier_set_site_url(const char *url)
{
	site_url = url && *url ? url : NULL;
}

/* The citizen's email for `action` (0 = receipt), queued in the transaction; 0 when none is due. */
static int notify(struct db *db, const struct dossier *d, int action, const char *note, int64_t now)
{
	char subject[200], body[4000], when[64], key[SATISFACTION_KEY_LEN + 1], link[600];
	const char *kind;
	int rc;
	if (!d->applicant.email || !*d->applicant.email)
		return 0;
	switch (action) {
	case DA_RECEIVE:
		kind = "dossier.received";
		fmt_when(when, sizeof(when), d->due_at);
		snprintf(subject, sizeof(subject), "Hồ sơ %s đã được tiếp nhận", d->code);
		snprintf(body, sizeof(body),
			 "Kính gửi %s,\n\nHồ sơ %s (%s) đã được %s tiếp nhận.\nNgày hẹn trả kết quả: "
			 "%s.\n\nTra cứu tình trạng hồ sơ tại mục Tra cứu hồ sơ của cổng dịch vụ công với mã "
			 "hồ sơ và 4 số cuối điện thoại.\n",
			 d->applicant.name, d->code, d->procedure_name, d->receiving_unit_name, when);
		break;
	case DA_SUPPLEMENT:
		kind = "dossier.supplement";
		snprintf(subject, sizeof(subject), "Hồ sơ %s cần bổ sung, hoàn thiện", d->code);
		snprintf(body, sizeof(body),
			 "Kính gửi %s,\n\nHồ sơ %s (%s) cần được bổ sung, hoàn thiện:\n\n%s\n\nThời hạn giải "
			 "quyết được tính lại từ đầu khi nhận đủ giấy tờ.\n",
			 d->applicant.name, d->code, d->procedure_name, note ? note : "");
		break;
	case DA_REFUSE:
		kind = "dossier.refused";
		snprintf(subject, sizeof(subject), "Hồ sơ %s không được tiếp nhận", d->code);
		snprintf(body, sizeof(body),
			 "Kính gửi %s,\n\nHồ sơ %s (%s) không được tiếp nhận. Lý do:\n\n%s\n",
			 d->applicant.name, d->code, d->procedure_name, note ? note : "");
		break;
	case DA_APPROVE:
	case DA_REJECT:
		kind = "dossier.result_ready";
		snprintf(subject, sizeof(subject), "Hồ sơ %s đã có kết quả", d->code);
		snprintf(body, sizeof(body),
			 "Kính gửi %s,\n\nHồ sơ %s (%s) đã có kết quả. Mời ông/bà đến %s để nhận kết quả "
			 "(mang theo giấy tiếp nhận hồ sơ và giấy tờ tùy thân).\n",
			 d->applicant.name, d->code, d->procedure_name, d->receiving_unit_name);
		break;
	case DA_RETURN:
		/* the rating (SIPAS) asked for once the citizen has the result: one rating per dossier */
		kind = "dossier.returned";
		if (site_url) {
			if ((rc = satisfaction_key(db, d->code, key)))
				return rc;
			snprintf(link, sizeof(link), "%s/danh-gia/%s?k=%s", site_url, d->code, key);
		} else {
			snprintf(link, sizeof(link), "mục Tra cứu hồ sơ của cổng dịch vụ công (mã hồ sơ %s)",
				 d->code);
		}
		snprintf(subject, sizeof(subject), "Hồ sơ %s đã trả kết quả – mời đánh giá mức độ hài lòng",
			 d->code);
		snprintf(body, sizeof(body),
			 "Kính gửi %s,\n\nHồ sơ %s (%s) đã được %s trả kết quả.\n\nMời ông/bà dành một "
			 "phút đánh giá mức độ hài lòng về việc giải quyết hồ sơ này (5 tiêu chí: tiếp cận "
			 "dịch vụ, thủ tục hành chính, công chức, kết quả, tiếp nhận và xử lý góp ý) tại:\n\n"
			 "%s\n\nMỗi hồ sơ được đánh giá một lần. Ý kiến của ông/bà giúp cơ quan phục vụ "
			 "tốt hơn.\n",
			 d->applicant.name, d->code, d->procedure_name, d->receiving_unit_name, link);
		break;
	default: return 0;
	}
	return mail_enqueue(db, d->applicant.email, subject, body, kind, d->code, now) < 0 ? DB_ERROR : 0;
}

/* ---- writing ---- */

static int event_add(struct db *db, struct dossier *d, int64_t now, int64_t actor, const char *actor_name,
		     int action, int from, int to, const char *note, int public_)
{
	int64_t seq = (int64_t)d->nevents + 1;
	int rc =
		db_exec(db,
			"INSERT INTO dossier_events (dossier_id, seq, at, actor_account, actor_name, action, "
			"status_from, status_to, note, public) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			"iiiisiiisi", d->id, seq, now, actor, actor_name ? actor_name : "", (int64_t)action,
			(int64_t)from, (int64_t)to, note ? note : "", (int64_t)public_);
	if (rc)
		return rc;
	if (d->nevents < DOSSIER_MAX_EVENTS) {
		struct dossier_event *e = &d->events[d->nevents];
		e->at = now;
		e->actor_name = actor_name ? actor_name : "";
		e->action = action;
		e->status_from = from;
		e->status_to = to;
		e->note = note ? note : "";
		e->public_ = public_;
	}
	d->nevents++;
	return 0;
}

static int step_save(struct db *db, int64_t dossier_id, const struct dossier_step *s)
{
	return db_exec(db,
		       "UPDATE dossier_steps SET unit_id = ?, started_at = ?, due_at = ?, finished_at = ?, "
		       "by_account = ?, by_name = ?, verdict = ? WHERE dossier_id = ? AND idx = ?",
		       "iiiiisiii", s->unit_id, s->started_at, s->due_at, s->finished_at, s->by_account,
		       s->by_name ? s->by_name : "", (int64_t)s->verdict, dossier_id, (int64_t)s->idx);
}

static int dossier_save(struct db *db, const struct dossier *d, int64_t now)
{
	return db_exec(
		db,
		"UPDATE dossiers SET current_unit = ?, assignee = NULLIF(?, 0), status = ?, outcome = ?, step = ?, "
		"nevents = ?, received_at = ?, due_at = ?, first_due_at = ?, transfer_due_at = ?, "
		"finished_at = ?, returned_at = ?, paused_at = ?, apology_at = ?, apology_due_at = ?, "
		"apology_reason = ?, verdict = ?, fee_paid = ?, result_text = ?, updated_at = ? WHERE id = ?",
		"iiiiiiiiiiiiiiisiisii", d->current_unit, d->assignee, (int64_t)d->status,
		(int64_t)d->outcome, (int64_t)d->step, (int64_t)d->nevents, d->received_at, d->due_at,
		d->first_due_at, d->transfer_due_at, d->finished_at, d->returned_at, d->paused_at,
		d->apology_at, d->apology_due_at, d->apology_reason ? d->apology_reason : "",
		(int64_t)d->verdict, (int64_t)d->fee_paid, d->result_text ? d->result_text : "", now, d->id);
}

/* The due instant of `hours` working hours from `from`; 0 hours: the day's end with the 15:00 cut-off. */
static int64_t due_after(const struct calendar *cal, int64_t from, int64_t hours)
{
	return hours > 0 ? cal_add(cal, from, hours * 3600) : cal_day_end(cal, from, CUTOFF_MIN);
}

/* Start step i at `now` at `unit`. */
static void step_start(const struct calendar *cal, struct dossier *d, size_t i, int64_t unit, int64_t now)
{
	struct dossier_step *s = &d->steps[i];
	s->unit_id = unit;
	s->started_at = now;
	s->due_at = due_after(cal, now, s->hours);
	s->finished_at = 0;
	s->verdict = DV_NONE;
}

static void step_finish(struct dossier_step *s, int64_t now, int64_t by, const char *by_name)
{
	s->finished_at = now;
	s->by_account = by;
	s->by_name = by_name ? by_name : "";
	s->verdict = dossier_verdict(now, s->due_at);
}

/* Receipt: the appointment, the transfer deadline, the first step. */
static void mark_received(const struct calendar *cal, struct dossier *d, int64_t now)
{
	d->received_at = now;
	d->due_at = due_after(cal, now, d->hours);
	d->first_due_at = d->due_at;
	d->transfer_due_at = cal_day_end(cal, now, CUTOFF_MIN);
	d->step = 0;
	if (d->nsteps) {
		step_start(cal, d, 0, d->receiving_unit, now);
		/* the receiving step must hand over by the transfer deadline */
		if (d->steps[0].due_at > d->transfer_due_at || d->steps[0].hours == 0)
			d->steps[0].due_at = d->transfer_due_at;
	}
}

/* A statement of `n` value tuples `tuple` ("(?, ?)") after `head`; NULL on error. */
static struct db_stmt *prepare_rows(struct db *db, const char *head, const char *tuple, size_t n)
{
	struct buf sql;
	struct db_stmt *st;
	buf_init(&sql, 4096);
	buf_adds(&sql, head);
	for (size_t i = 0; i < n; i++) {
		buf_adds(&sql, i ? ", " : " ");
		buf_adds(&sql, tuple);
	}
	st = buf_err(&sql) ? NULL : db_prepare(db, sql.ptr);
	buf_release(&sql);
	return st;
}

static int bind_str(struct db_stmt *st, int i, const char *s)
{
	return db_bind_text(st, i, s ? s : "", s ? strlen(s) : 0);
}

/* Run an insert of several rows: 0 or a negative enum db_rc. */
static int run_rows(struct db_stmt *st, int bind_rc)
{
	int rc;
	if (bind_rc)
		return DB_ERROR;
	rc = db_step(st);
	return rc == DB_DONE ? 0 : rc < 0 ? rc : DB_ERROR;
}

/* A new dossier's steps, one statement for them all (a round trip each counts on PostgreSQL). */
static int insert_steps(struct db *db, const struct dossier *d)
{
	struct db_stmt *st;
	int b = 0, k = 1;
	if (!d->nsteps)
		return 0;
	st = prepare_rows(
		db,
		"INSERT INTO dossier_steps (dossier_id, idx, name, responsible, role, level, unit_id, "
		"hours, started_at, due_at, by_name) VALUES",
		"(?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?, ?, '')", d->nsteps);
	if (!st)
		return DB_ERROR;
	for (size_t i = 0; i < d->nsteps; i++) {
		const struct dossier_step *s = &d->steps[i];
		b |= db_bind_int(st, k++, d->id);
		b |= db_bind_int(st, k++, (int64_t)i);
		b |= bind_str(st, k++, s->name);
		b |= bind_str(st, k++, s->responsible);
		b |= bind_str(st, k++, s->role);
		b |= db_bind_int(st, k++, s->level);
		b |= db_bind_int(st, k++, s->unit_id);
		b |= db_bind_int(st, k++, s->hours);
		b |= db_bind_int(st, k++, s->started_at);
		b |= db_bind_int(st, k++, s->due_at);
	}
	return run_rows(st, b);
}

/* A new dossier's documents, one statement for them all. */
static int insert_docs(struct db *db, const struct dossier *d)
{
	struct db_stmt *st;
	int b = 0, k = 1;
	if (!d->ndocs)
		return 0;
	st = prepare_rows(db,
			  "INSERT INTO dossier_docs (dossier_id, idx, name, kind, count, provided, file_sha, "
			  "file_name, file_mime) VALUES",
			  "(?, ?, ?, ?, ?, ?, ?, ?, ?)", d->ndocs);
	if (!st)
		return DB_ERROR;
	for (size_t i = 0; i < d->ndocs; i++) {
		const struct dossier_doc *doc = &d->docs[i];
		b |= db_bind_int(st, k++, d->id);
		b |= db_bind_int(st, k++, (int64_t)i);
		b |= bind_str(st, k++, doc->name);
		b |= db_bind_int(st, k++, doc->kind);
		b |= db_bind_int(st, k++, doc->count);
		b |= db_bind_int(st, k++, doc->provided);
		b |= bind_str(st, k++, doc->file_sha);
		b |= bind_str(st, k++, doc->file_name);
		b |= bind_str(st, k++, doc->file_mime);
	}
	return run_rows(st, b);
}

int dossier_create(struct db *db, struct arena *a, const struct dossier_intake *in, int64_t now,
		   char code[DOSSIER_CODE_MAX], int64_t *id, const char **why)
{
	struct proc_version pv;
	const struct procedure *p;
	struct unit unit;
	struct dossier *d;
	const struct calendar *cal;
	char period[16];
	struct civil c;
	int64_t seq;
	int rc, level;
	int64_t agency;
	int received = in->channel != DCH_ONLINE;

	*why = NULL;
	if (!in->procedure_code || (rc = procedure_load_published(db, a, in->procedure_code, &pv)) == 1) {
		*why = N_("This procedure is not in the public catalogue.");
		return DOSSIER_NOT_FOUND;
	}
	if (rc)
		return rc;
	p = &pv.p;
	agency = agency_of(db, a, in->unit_id, &unit);
	if (agency < 0)
		return (int)agency;
	level = agency ? unit_kind_level(unit.kind) : 0;
	if (!level || !unit.active) {
		*why = N_("The receiving unit does not exist or is no longer active.");
		return DOSSIER_NOT_FOUND;
	}
	if (level != p->receive_level) {
		*why = N_("This procedure is not received at this level of government.");
		return DOSSIER_INVALID;
	}
	if (in->channel == DCH_ONLINE && p->online == PROC_ONLINE_NONE) {
		*why = N_("This procedure cannot be submitted online.");
		return DOSSIER_INVALID;
	}
	if (!unit.agency_code || !*unit.agency_code) {
		*why = N_("The receiving unit has no agency code: dossier codes cannot be given.");
		return DOSSIER_INVALID;
	}
	if (in->pages < 0 || in->copies < 0 || in->pages > FEE_COUNT_MAX || in->copies > FEE_COUNT_MAX) {
		*why = N_("The number of pages or copies is not valid.");
		return DOSSIER_INVALID;
	}
	if (in->note && !text_ok(in->note, 2000, 1)) {
		*why = N_("The note is too long or holds characters that are not allowed.");
		return DOSSIER_INVALID;
	}
	for (size_t i = 0; i < p->ndocuments; i++) {
		int has_file = in->file_sha[i] && *in->file_sha[i];
		if (in->channel == DCH_ONLINE ? !has_file : !in->provided[i]) {
			*why = in->channel == DCH_ONLINE
				       ? N_("Attach a file for every required document.")
				       : N_("Every required document must be received: tick each one, or ask for the missing papers instead.");
			return DOSSIER_INVALID;
		}
	}
	if (!(cal = calendar_current(db)))
		return DB_ERROR;

	d = arena_calloc(a, 1, sizeof(*d));
	time_to_civil(now, VN_UTC_OFFSET, &c);
	snprintf(period, sizeof(period), "%02d%02d%02d", c.year % 100, c.month, c.day);
	if ((rc = counter_next(db, "dossier", unit.agency_code, period, &seq)))
		return rc;
	if (dossier_code(code, DOSSIER_CODE_MAX, unit.agency_code, now, seq)) {
		*why = N_("The unit has received 9,999 dossiers today: no code is left for today.");
		return DOSSIER_INVALID;
	}
	if ((rc = counter_next(db, "id", "dossiers", "", id)))
		return rc;

	d->id = *id;
	d->code = arena_strdup(a, code);
	d->procedure_code = p->code;
	d->procedure_version = pv.version;
	d->procedure_name = p->name;
	d->applicant = in->applicant;
	if (in->representative.name && *in->representative.name)
		d->representative = in->representative;
	else
		d->representative = (struct dossier_person){ "", "", "", "", "", "" };
	d->channel = in->channel;
	d->owner_account = in->owner_account;
	d->receiving_unit = d->current_unit = agency;
	d->receiving_unit_name = unit.name;
	d->receiving_agency = unit.agency_code;
	d->status = received ? DS_RECEIVED : DS_NEW;
	d->submitted_at = now;
	d->hours = procedure_hours(p);
	d->pages = in->pages ? in->pages : 1;
	d->copies = in->copies ? in->copies : 1;
	d->fee_due = fee_total(p->fees, p->nfees, d->pages, d->copies);
	if (d->fee_due < 0) {
		*why = N_("The fee for so many pages or copies cannot be computed: check the numbers.");
		return DOSSIER_INVALID;
	}
	d->note = in->note ? in->note : "";
	d->nsteps = p->nsteps;
	for (size_t i = 0; i < p->nsteps; i++) {
		struct dossier_step *s = &d->steps[i];
		s->idx = (int)i;
		s->name = p->steps[i].name;
		s->responsible = p->steps[i].responsible;
		s->role = p->steps[i].role;
		s->level = p->steps[i].level;
		s->hours = p->steps[i].hours;
		s->by_name = "";
	}
	if (received)
		mark_received(cal, d, now);

	{
		const char *ph = d->applicant.phone, *idn = d->applicant.id_no;
		size_t lp = strlen(ph), li = strlen(idn);
		const struct dossier_person *r = &d->representative;
		/* the intake event is seq 1: the row is written whole, once */
		d->nevents = 0;
		rc = db_exec(
			db,
			"INSERT INTO dossiers (id, code, procedure_id, procedure_code, procedure_version, "
			"procedure_name, a_name, a_id_no, a_birth, a_phone, a_email, a_address, r_name, "
			"r_id_no, r_phone, r_email, r_address, check_phone, check_id, channel, "
			"owner_account, receiving_unit, current_unit, status, nevents, submitted_at, "
			"received_at, due_at, first_due_at, transfer_due_at, hours, fee_due, pages, copies, "
			"note, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
			"NULLIF(?, 0), ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			"isisissssssssssssssiiiiiiiiiiiiiisi", d->id, d->code, pv.procedure_id,
			d->procedure_code, d->procedure_version, d->procedure_name, d->applicant.name,
			d->applicant.id_no, d->applicant.birth, d->applicant.phone, d->applicant.email,
			d->applicant.address, r->name, r->id_no ? r->id_no : "", r->phone ? r->phone : "",
			r->email ? r->email : "", r->address ? r->address : "", lp >= 4 ? ph + lp - 4 : "",
			li >= 4 ? idn + li - 4 : "", (int64_t)d->channel, d->owner_account, d->receiving_unit,
			d->current_unit, (int64_t)d->status, now, d->received_at, d->due_at, d->first_due_at,
			d->transfer_due_at, d->hours, d->fee_due, (int64_t)d->pages, (int64_t)d->copies,
			d->note, now);
	}
	if (rc)
		return rc;
	d->ndocs = p->ndocuments;
	for (size_t i = 0; i < p->ndocuments; i++) {
		struct dossier_doc *doc = &d->docs[i];
		doc->idx = (int)i;
		doc->name = p->documents[i].name;
		doc->kind = p->documents[i].kind;
		doc->count = p->documents[i].count;
		doc->provided = in->provided[i] || (in->file_sha[i] && *in->file_sha[i]);
		doc->file_sha = in->file_sha[i] ? in->file_sha[i] : "";
		doc->file_name = in->file_name[i] ? in->file_name[i] : "";
		doc->file_mime = in->file_mime[i] ? in->file_mime[i] : "";
	}
	if (!rc)
		rc = insert_steps(db, d);
	if (!rc)
		rc = insert_docs(db, d);
	if (rc)
		return rc;
	if ((rc = event_add(db, d, now, in->actor_account, in->actor_name, 0, 0, d->status,
			    received ? "" : d->note, 1)))
		return rc;
	if (received) {
		if ((rc = stats_add(db, d, "received", now)) || (rc = pending_add(db, d, 1)) ||
		    (rc = notify(db, d, DA_RECEIVE, NULL, now)))
			return rc;
	} else if ((rc = stats_add(db, d, "submitted", now))) {
		return rc;
	}
	return DOSSIER_OK;
}

/* ---- reading ---- */

#define DOSSIER_COLUMNS                                                                                      \
	"d.id, d.code, d.procedure_code, d.procedure_version, d.procedure_name, d.a_name, d.a_id_no, "       \
	"d.a_birth, d.a_phone, d.a_email, d.a_address, d.r_name, d.r_id_no, d.r_phone, d.r_email, "          \
	"d.r_address, d.channel, COALESCE(d.owner_account, 0), d.receiving_unit, d.current_unit, "           \
	"COALESCE(d.assignee, 0), d.status, d.outcome, d.step, d.submitted_at, d.received_at, d.due_at, "    \
	"d.first_due_at, d.transfer_due_at, d.finished_at, d.returned_at, d.paused_at, d.apology_at, "       \
	"d.apology_due_at, d.apology_reason, d.verdict, d.hours, d.fee_due, d.fee_paid, d.pages, d.copies, " \
	"d.result_text, d.result_file, d.note, d.nevents, COALESCE(a.full_name, '')"

static void read_row(struct db_stmt *st, struct arena *a, struct dossier *d)
{
	int i = 0;
	d->id = db_col_int(st, i++);
	d->code = dup_col(a, st, i++);
	d->procedure_code = dup_col(a, st, i++);
	d->procedure_version = db_col_int(st, i++);
	d->procedure_name = dup_col(a, st, i++);
	d->applicant.name = dup_col(a, st, i++);
	d->applicant.id_no = dup_col(a, st, i++);
	d->applicant.birth = dup_col(a, st, i++);
	d->applicant.phone = dup_col(a, st, i++);
	d->applicant.email = dup_col(a, st, i++);
	d->applicant.address = dup_col(a, st, i++);
	d->representative.name = dup_col(a, st, i++);
	d->representative.id_no = dup_col(a, st, i++);
	d->representative.phone = dup_col(a, st, i++);
	d->representative.email = dup_col(a, st, i++);
	d->representative.address = dup_col(a, st, i++);
	d->representative.birth = "";
	d->channel = (int)db_col_int(st, i++);
	d->owner_account = db_col_int(st, i++);
	d->receiving_unit = db_col_int(st, i++);
	d->current_unit = db_col_int(st, i++);
	d->assignee = db_col_int(st, i++);
	d->status = (int)db_col_int(st, i++);
	d->outcome = (int)db_col_int(st, i++);
	d->step = (int)db_col_int(st, i++);
	d->submitted_at = db_col_int(st, i++);
	d->received_at = db_col_int(st, i++);
	d->due_at = db_col_int(st, i++);
	d->first_due_at = db_col_int(st, i++);
	d->transfer_due_at = db_col_int(st, i++);
	d->finished_at = db_col_int(st, i++);
	d->returned_at = db_col_int(st, i++);
	d->paused_at = db_col_int(st, i++);
	d->apology_at = db_col_int(st, i++);
	d->apology_due_at = db_col_int(st, i++);
	d->apology_reason = dup_col(a, st, i++);
	d->verdict = (int)db_col_int(st, i++);
	d->hours = db_col_int(st, i++);
	d->fee_due = db_col_int(st, i++);
	d->fee_paid = (int)db_col_int(st, i++);
	d->pages = (int)db_col_int(st, i++);
	d->copies = (int)db_col_int(st, i++);
	d->result_text = dup_col(a, st, i++);
	d->result_file_sha = dup_col(a, st, i++);
	d->note = dup_col(a, st, i++);
	d->nevents = (size_t)db_col_int(st, i++);
	d->assignee_name = dup_col(a, st, i++);
}

static int load_parts(struct db *db, struct arena *a, struct dossier *d)
{
	struct db_stmt *st;
	size_t total_events = d->nevents;
	struct unit u;
	int rc;

	rc = db_query(
		db, &st,
		"SELECT idx, name, responsible, role, level, COALESCE(unit_id, 0), hours, started_at, "
		"due_at, finished_at, COALESCE(by_account, 0), by_name, verdict FROM dossier_steps WHERE "
		"dossier_id = ? ORDER BY idx",
		"i", d->id);
	d->nsteps = 0;
	for (; rc == DB_ROW && d->nsteps < DOSSIER_MAX_STEPS; rc = db_step(st)) {
		struct dossier_step *s = &d->steps[d->nsteps++];
		s->idx = (int)db_col_int(st, 0);
		s->name = dup_col(a, st, 1);
		s->responsible = dup_col(a, st, 2);
		s->role = dup_col(a, st, 3);
		s->level = (int)db_col_int(st, 4);
		s->unit_id = db_col_int(st, 5);
		s->hours = db_col_int(st, 6);
		s->started_at = db_col_int(st, 7);
		s->due_at = db_col_int(st, 8);
		s->finished_at = db_col_int(st, 9);
		s->by_account = db_col_int(st, 10);
		s->by_name = dup_col(a, st, 11);
		s->verdict = (int)db_col_int(st, 12);
	}
	if ((rc = finish(st, rc)))
		return rc;
	rc = db_query(
		db, &st,
		"SELECT idx, name, kind, count, provided, file_sha, file_name, file_mime FROM dossier_docs "
		"WHERE dossier_id = ? ORDER BY idx",
		"i", d->id);
	d->ndocs = 0;
	for (; rc == DB_ROW && d->ndocs < DOSSIER_MAX_DOCS; rc = db_step(st)) {
		struct dossier_doc *doc = &d->docs[d->ndocs++];
		doc->idx = (int)db_col_int(st, 0);
		doc->name = dup_col(a, st, 1);
		doc->kind = (int)db_col_int(st, 2);
		doc->count = (int)db_col_int(st, 3);
		doc->provided = (int)db_col_int(st, 4);
		doc->file_sha = dup_col(a, st, 5);
		doc->file_name = dup_col(a, st, 6);
		doc->file_mime = dup_col(a, st, 7);
	}
	if ((rc = finish(st, rc)))
		return rc;
	/* the timeline: its last DOSSIER_MAX_EVENTS events */
	rc = db_query(
		db, &st,
		"SELECT at, actor_name, action, status_from, status_to, note, public FROM dossier_events "
		"WHERE dossier_id = ? AND seq > ? ORDER BY seq",
		"ii", d->id,
		(int64_t)(total_events > DOSSIER_MAX_EVENTS ? total_events - DOSSIER_MAX_EVENTS : 0));
	d->nevents = 0;
	for (; rc == DB_ROW && d->nevents < DOSSIER_MAX_EVENTS; rc = db_step(st)) {
		struct dossier_event *e = &d->events[d->nevents++];
		e->at = db_col_int(st, 0);
		e->actor_name = dup_col(a, st, 1);
		e->action = (int)db_col_int(st, 2);
		e->status_from = (int)db_col_int(st, 3);
		e->status_to = (int)db_col_int(st, 4);
		e->note = dup_col(a, st, 5);
		e->public_ = (int)db_col_int(st, 6);
	}
	if ((rc = finish(st, rc)))
		return rc;
	/* a timeline longer than the window keeps counting from its true length */
	if (total_events > d->nevents)
		d->nevents = total_events; /* NEEDSWORK: only the last DOSSIER_MAX_EVENTS are loaded */
	if (!org_unit_load(db, a, d->receiving_unit, &u)) {
		d->receiving_unit_name = u.name;
		d->receiving_agency = u.agency_code;
	} else {
		d->receiving_unit_name = d->receiving_agency = "";
	}
	d->current_unit_name = unit_name(db, a, d->current_unit);
	return 0;
}

int dossier_load(struct db *db, struct arena *a, const char *code, struct dossier *out)
{
	struct db_stmt *st;
	int rc;
	memset(out, 0, sizeof(*out));
	if (!dossier_code_valid(code))
		return DOSSIER_NOT_FOUND;
	rc = db_query(db, &st,
		      "SELECT " DOSSIER_COLUMNS
		      " FROM dossiers d LEFT JOIN accounts a ON a.id = d.assignee WHERE d.code = ?",
		      "s", code);
	if (rc == DB_ROW)
		read_row(st, a, out);
	if ((rc = finish(st, rc)) < 0)
		return rc;
	if (!out->id)
		return DOSSIER_NOT_FOUND;
	return load_parts(db, a, out);
}

int dossier_load_for_update(struct db *db, struct arena *a, const char *code, struct dossier *out)
{
	int rc;
	if (!dossier_code_valid(code))
		return DOSSIER_NOT_FOUND;
	/* a write on the row first: PostgreSQL locks it until the transaction ends (SQLite's is whole) */
	rc = db_exec(db, "UPDATE dossiers SET updated_at = updated_at WHERE code = ?", "s", code);
	if (rc)
		return rc;
	return dossier_load(db, a, code, out);
}

int dossier_lookup(struct db *db, struct arena *a, const char *code, const char *check, struct dossier *out)
{
	struct db_stmt *st;
	int rc, match = 0;
	if (!dossier_code_valid(code) || !check || strlen(check) != 4)
		return DOSSIER_NOT_FOUND;
	for (int i = 0; i < 4; i++)
		if (check[i] < '0' || check[i] > '9')
			return DOSSIER_NOT_FOUND;
	rc = db_query(db, &st, "SELECT check_phone, check_id FROM dossiers WHERE code = ?", "s", code);
	if (rc == DB_ROW) {
		const char *p = db_col_text(st, 0), *i = db_col_text(st, 1);
		/* both compared, so the time taken does not tell which matched */
		int mp = p && strlen(p) == 4 && !memcmp(p, check, 4);
		int mi = i && strlen(i) == 4 && !memcmp(i, check, 4);
		match = mp | mi;
	}
	if ((rc = finish(st, rc)) < 0)
		return rc;
	if (!match)
		return DOSSIER_NOT_FOUND;
	return dossier_load(db, a, code, out);
}

/* ---- the lifecycle ---- */

static const char *role_perm(const char *role)
{
	if (!role || !*role)
		return NULL;
	if (!strcmp(role, "onestop_clerk"))
		return DOSSIER_PERM_RECEIVE;
	if (!strcmp(role, "specialist"))
		return DOSSIER_PERM_PROCESS;
	if (!strcmp(role, "leader"))
		return DOSSIER_PERM_APPROVE;
	if (!strcmp(role, "collector"))
		return "receipt.issue";
	return NULL;
}

int dossier_decision_step(const struct dossier *d)
{
	for (size_t i = d->nsteps; i-- > 0;)
		if (d->steps[i].role && !strcmp(d->steps[i].role, "leader"))
			return (int)i;
	/* a process without a leader's step: its last step, or the one before the return */
	return d->nsteps > 1 ? (int)d->nsteps - 2 : 0;
}

int dossier_possible(const struct dossier *d, int action)
{
	if (!dossier_next(d->status, action, d->received_at != 0, NULL))
		return 0;
	if (d->status == DS_PROCESSING && d->nsteps) {
		int decision = dossier_decision_step(d);
		/* the decision is taken at its step, by its level; the step itself is not "passed on" */
		if ((action == DA_APPROVE || action == DA_REJECT) && d->step != decision)
			return 0;
		if (action == DA_FORWARD && d->step == decision)
			return 0;
	}
	return 1;
}

size_t dossier_perms(const struct dossier *d, int action, const char **out, size_t max)
{
	const char *const *perms = NULL;
	size_t n = 0;
	if (max < 2 || !dossier_possible(d, action) ||
	    !dossier_next(d->status, action, d->received_at != 0, &perms) || !perms) {
		if (max)
			out[0] = NULL;
		return 0;
	}
	if (action == DA_FORWARD && (size_t)d->step < d->nsteps) {
		const char *p = role_perm(d->steps[d->step].role);
		if (p) {
			out[0] = p;
			out[1] = NULL;
			return 1;
		}
	}
	for (; perms[n] && n + 1 < max; n++)
		out[n] = perms[n];
	out[n] = NULL;
	return n;
}

static int reasons_ok(const char *note)
{
	if (!note)
		return 0;
	for (const char *p = note; *p; p++)
		if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t')
			return text_ok(note, 4000, 1);
	return 0;
}

/* Pass the dossier from its current step to step `next`, moving it between levels when the step says so. */
static int move_to_step(struct db *db, struct arena *a, const struct calendar *cal, struct dossier *d,
			size_t next, int64_t now, const char **why)
{
	struct dossier_step *s = &d->steps[next];
	int64_t unit = d->current_unit;
	int cur_level = unit_level(db, a, d->current_unit, NULL);
	if (cur_level < 0)
		return cur_level;
	if (s->level && s->level != cur_level) {
		unit = unit_for_level(db, a, d, s->level);
		if (!unit) {
			*why = N_("No unit of the level this step needs was found above the receiving unit.");
			return DOSSIER_INVALID;
		}
	}
	if (unit != d->current_unit) {
		d->current_unit = unit;
		d->assignee = 0;
	}
	d->step = (int)next;
	step_start(cal, d, next, unit, now);
	return 0;
}

int dossier_apply(struct db *db, struct arena *a, struct dossier *d, const struct dossier_act *act,
		  int64_t now, const char **why)
{
	const struct calendar *cal;
	int from = d->status, to, rc;
	int public_ = 1;
	const char *note = act->note ? act->note : "";
	char buf[400];
	int64_t prev_unit = d->current_unit;

	*why = NULL;
	to = dossier_next(d->status, act->action, d->received_at != 0, NULL);
	if (!to || !dossier_possible(d, act->action))
		return DOSSIER_STATE;
	if (!text_ok(note, 4000, 1)) {
		*why = N_("The note is too long or holds characters that are not allowed.");
		return DOSSIER_INVALID;
	}
	if (!(cal = calendar_current(db)))
		return DB_ERROR;

	switch (act->action) {
	case DA_RECEIVE: mark_received(cal, d, now); break;
	case DA_REFUSE:
	case DA_REJECT:
	case DA_SUPPLEMENT:
		if (!reasons_ok(act->note)) {
			*why = act->action == DA_SUPPLEMENT ? N_("List every paper the citizen must supply.")
							    : N_("Give the reasons.");
			return DOSSIER_INVALID;
		}
		if (act->action == DA_SUPPLEMENT && d->received_at)
			d->paused_at = now;
		if (act->action == DA_REJECT)
			goto decide;
		break;
	case DA_SUPPLIED:
		if (d->received_at) {
			/* the deadline restarts from zero (Decree 61/2018 art. 19) */
			d->paused_at = 0;
			d->due_at = due_after(cal, now, d->hours);
			d->first_due_at = d->due_at;
			if ((size_t)d->step < d->nsteps)
				step_start(cal, d, (size_t)d->step, d->current_unit, now);
		}
		break;
	case DA_START:
	case DA_FORWARD:
		if ((size_t)d->step + 1 >= d->nsteps) {
			*why = N_("This is the last step: approve or reject the dossier instead.");
			return DOSSIER_INVALID;
		}
		step_finish(&d->steps[d->step], now, act->actor_account, act->actor_name);
		if ((rc = step_save(db, d->id, &d->steps[d->step])))
			return rc;
		if ((rc = move_to_step(db, a, cal, d, (size_t)d->step + 1, now, why)))
			return rc;
		break;
	case DA_REQUEST_FEE:
		if (d->fee_due <= 0 || d->fee_paid) {
			*why = N_("No fee is due for this dossier.");
			return DOSSIER_INVALID;
		}
		break;
	case DA_FEE_PAID: d->fee_paid = 1; break;
	case DA_APPROVE:
	decide:
		d->outcome = act->action;
		d->result_text = act->result && *act->result ? act->result : note;
		if (!text_ok(d->result_text, 4000, 1)) {
			*why = N_("The result text is too long or holds characters that are not allowed.");
			return DOSSIER_INVALID;
		}
		d->finished_at = now;
		d->verdict = dossier_verdict(now, d->first_due_at);
		if ((size_t)d->step < d->nsteps) {
			step_finish(&d->steps[d->step], now, act->actor_account, act->actor_name);
			if ((rc = step_save(db, d->id, &d->steps[d->step])))
				return rc;
		}
		/* the result goes back to the counter that received it: the last step when it is the return
		 */
		d->current_unit = d->receiving_unit;
		d->assignee = 0;
		if ((size_t)d->step + 1 < d->nsteps) {
			d->step = (int)d->nsteps - 1;
			step_start(cal, d, (size_t)d->step, d->receiving_unit, now);
		}
		break;
	case DA_RETURN:
		d->returned_at = now;
		if ((size_t)d->step < d->nsteps && !d->steps[d->step].finished_at &&
		    d->steps[d->step].started_at) {
			step_finish(&d->steps[d->step], now, act->actor_account, act->actor_name);
			if ((rc = step_save(db, d->id, &d->steps[d->step])))
				return rc;
		}
		break;
	case DA_WITHDRAW: break;
	case DA_APOLOGIZE:
		if (d->apology_at) {
			*why = N_("Form 04 was given once already: a dossier gets it only once.");
			return DOSSIER_INVALID;
		}
		if (!reasons_ok(act->note)) {
			*why = N_("Give the reason for the delay.");
			return DOSSIER_INVALID;
		}
		if (cal_between(cal, now, d->due_at) < 8 * 3600) {
			*why = N_("Form 04 must be given at least one working day before the appointment.");
			return DOSSIER_INVALID;
		}
		if (act->new_due <= d->due_at) {
			*why = N_("The new appointment must be later than the current one.");
			return DOSSIER_INVALID;
		}
		/* within working time (a period's start, inside, or its end), and at most the statutory time
		 * again */
		if (cal_between(cal, act->new_due - 60, act->new_due) != 60 &&
		    cal_between(cal, act->new_due, act->new_due + 60) != 60) {
			*why = N_("The new appointment must be in working hours.");
			return DOSSIER_INVALID;
		}
		if (act->new_due > cal_add(cal, d->due_at, (d->hours > 8 ? d->hours : 8) * 3600)) {
			*why = N_(
				"The new appointment may put the result off by at most the statutory time again.");
			return DOSSIER_INVALID;
		}
		d->apology_at = now;
		d->apology_due_at = act->new_due;
		d->apology_reason = arena_strdup(a, note);
		d->due_at = act->new_due; /* the verdict still counts against first_due_at */
		break;
	case DA_ASSIGN: {
		struct db_stmt *st;
		int ok = 0;
		/* an active official of the agency or one of its sections who works dossiers there */
		rc = db_query(
			db, &st,
			"SELECT a.full_name FROM accounts a JOIN units u ON u.id = a.unit_id WHERE a.id = ? AND "
			"a.kind = 'staff' AND a.active = 1 AND (u.id = ? OR (u.parent_id = ? AND u.kind NOT IN "
			"('province', 'city', 'district', 'ward', 'commune'))) AND EXISTS (SELECT 1 FROM "
			"role_grants g WHERE g.account_id = a.id AND g.unit_id = a.unit_id AND g.revoked_at IS "
			"NULL AND g.role IN ('onestop_clerk', 'specialist', 'leader', 'collector'))",
			"iii", act->assignee, d->current_unit, d->current_unit);
		if (rc == DB_ROW) {
			ok = 1;
			snprintf(buf, sizeof(buf), "%s", db_col_text(st, 0));
		}
		if ((rc = finish(st, rc)))
			return rc;
		if (!ok) {
			*why = N_("Choose an active official of the unit that holds the dossier.");
			return DOSSIER_INVALID;
		}
		d->assignee = act->assignee;
		d->assignee_name = arena_strdup(a, buf);
		public_ = 0;
		if (!*note)
			note = d->assignee_name;
		break;
	}
	default: return DOSSIER_STATE;
	}

	d->status = to;
	if (d->current_unit != prev_unit)
		d->current_unit_name = unit_name(db, a, d->current_unit);
	if (d->current_unit != prev_unit && !*note) {
		snprintf(buf, sizeof(buf), "%s → %s", unit_name(db, a, prev_unit),
			 unit_name(db, a, d->current_unit));
		note = arena_strdup(a, buf);
	}
	if ((rc = event_add(db, d, now, act->actor_account, act->actor_name, act->action, from, to, note,
			    public_)))
		return rc;
	if ((rc = dossier_save(db, d, now)))
		return rc;
	/* the step in hand: started, restarted or finished by this action */
	if ((size_t)d->step < d->nsteps && d->steps[d->step].started_at &&
	    (rc = step_save(db, d->id, &d->steps[d->step])))
		return rc;
	/* statistics, kept as dossiers move */
	switch (act->action) {
	case DA_RECEIVE:
		if ((rc = stats_add(db, d, "received", now)) || (rc = pending_add(db, d, 1)))
			return rc;
		break;
	case DA_REFUSE:
		if ((rc = stats_add(db, d, "refused", now)))
			return rc;
		break;
	case DA_WITHDRAW:
		if ((rc = stats_add(db, d, "withdrawn", now)) ||
		    (d->received_at && (rc = pending_add(db, d, -1))))
			return rc;
		break;
	case DA_APPROVE:
	case DA_REJECT:
		if ((rc = stats_add(db, d, "finished", now)) || (rc = pending_add(db, d, -1)) ||
		    (d->verdict && (rc = stats_add(db, d, dossier_verdict_name(d->verdict), now))))
			return rc;
		break;
	case DA_RETURN:
		if ((rc = stats_add(db, d, "returned", now)))
			return rc;
		break;
	default: break;
	}
	return notify(db, d, act->action, note, now);
}

int dossier_doc_attach(struct db *db, struct dossier *d, size_t idx, const char *sha, const char *name,
		       const char *mime)
{
	int rc;
	if (idx >= d->ndocs || !sha || strlen(sha) != 64)
		return DOSSIER_INVALID;
	rc = db_exec(db,
		     "UPDATE dossier_docs SET provided = 1, file_sha = ?, file_name = ?, file_mime = ? "
		     "WHERE dossier_id = ? AND idx = ?",
		     "sssii", sha, name ? name : "", mime ? mime : "", d->id, (int64_t)idx);
	if (rc)
		return rc;
	d->docs[idx].provided = 1;
	d->docs[idx].file_sha = sha;
	d->docs[idx].file_name = name ? name : "";
	d->docs[idx].file_mime = mime ? mime : "";
	return 0;
}

/* ---- queues ---- */

static const char *const queue_names[DQ_COUNT] = { "all", "todo", "today", "overdue", "waiting", "returned" };

const char *dossier_queue_name(int q)
{
	return q >= 0 && q < DQ_COUNT ? queue_names[q] : NULL;
}

int dossier_queue_from_name(const char *name)
{
	for (int i = 0; name && i < DQ_COUNT; i++)
		if (!strcmp(queue_names[i], name))
			return i;
	return -1;
}

/* The WHERE clause of a query (static parts only) with its values bound in order by bind_query. */
static void query_sql(const struct dossier_query *q, struct buf *sql)
{
	buf_adds(sql, " WHERE 1 = 1");
	if (q->units) {
		buf_adds(sql, " AND d.current_unit IN (");
		for (size_t i = 0; i < q->nunits; i++)
			buf_adds(sql, i ? ", ?" : "?");
		if (!q->nunits)
			buf_adds(sql, "NULL");
		buf_adds(sql, ")");
	}
	if (q->assignee)
		buf_adds(sql, " AND d.assignee = ?");
	if (q->owner_account)
		buf_adds(sql, " AND d.owner_account = ?");
	switch (q->queue) {
	case DQ_TODO: buf_adds(sql, " AND d.status IN (1, 2, 3, 5, 6)"); break;
	case DQ_TODAY:
		buf_adds(sql, " AND d.status IN (1, 2, 3, 5, 6) AND d.due_at > 0 AND d.due_at <= ?");
		break;
	case DQ_OVERDUE: buf_adds(sql, " AND d.status IN (2, 3, 5) AND d.due_at > 0 AND d.due_at < ?"); break;
	case DQ_WAITING: buf_adds(sql, " AND d.status = 4"); break;
	case DQ_RETURNED: buf_adds(sql, " AND d.status = 7"); break;
	default: break;
	}
	if (q->status)
		buf_adds(sql, " AND d.status = ?");
	if (q->procedure_code)
		buf_adds(sql, " AND d.procedure_code = ?");
	if (q->code_prefix)
		buf_adds(sql, " AND d.code LIKE ?");
}

static void bind_query(struct db_stmt *st, const struct dossier_query *q, struct arena *a, int *i)
{
	for (size_t k = 0; q->units && k < q->nunits; k++)
		db_bind_int(st, (*i)++, q->units[k]);
	if (q->assignee)
		db_bind_int(st, (*i)++, q->assignee);
	if (q->owner_account)
		db_bind_int(st, (*i)++, q->owner_account);
	if (q->queue == DQ_TODAY)
		db_bind_int(st, (*i)++, q->today_end);
	else if (q->queue == DQ_OVERDUE)
		db_bind_int(st, (*i)++, q->now);
	if (q->status)
		db_bind_int(st, (*i)++, q->status);
	if (q->procedure_code)
		db_bind_text(st, (*i)++, q->procedure_code, strlen(q->procedure_code));
	if (q->code_prefix) {
		/* a code holds no LIKE wildcard (dossier_code_valid's alphabet has none): only its prefix */
		char *pat = arena_printf(a, "%s%%", q->code_prefix);
		db_bind_text(st, (*i)++, pat, strlen(pat));
	}
}

int dossier_list(struct db *db, struct arena *a, const struct dossier_query *q, struct dossier_row **rows,
		 size_t *n, int64_t *total)
{
	struct buf sql;
	struct db_stmt *st;
	int rc, i = 1;
	*rows = NULL;
	*n = 0;
	*total = 0;
	if (q->code_prefix)
		for (const char *p = q->code_prefix; *p; p++)
			if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
			      (*p >= 'a' && *p <= 'z') || *p == '.' || *p == '-'))
				return 0;
	buf_init(&sql, 64 * 1024);
	buf_adds(&sql, "SELECT COUNT(*) FROM dossiers d");
	query_sql(q, &sql);
	st = db_prepare(db, sql.ptr);
	if (!st) {
		buf_release(&sql);
		return DB_ERROR;
	}
	bind_query(st, q, a, &i);
	rc = db_step(st);
	if (rc == DB_ROW)
		*total = db_col_int(st, 0);
	if ((rc = finish(st, rc))) {
		buf_release(&sql);
		return rc;
	}
	buf_reset(&sql);
	buf_adds(&sql, "SELECT d.code, d.procedure_code, d.procedure_name, d.a_name, d.channel, d.status, "
		       "d.verdict, d.current_unit, COALESCE(d.assignee, 0), d.submitted_at, d.received_at, "
		       "d.due_at, d.finished_at, d.returned_at FROM dossiers d");
	query_sql(q, &sql);
	buf_adds(&sql, q->queue == DQ_TODO || q->queue == DQ_TODAY || q->queue == DQ_OVERDUE
			       ? " ORDER BY d.due_at = 0, d.due_at, d.id LIMIT ? OFFSET ?"
			       : " ORDER BY d.id DESC LIMIT ? OFFSET ?");
	st = db_prepare(db, sql.ptr);
	buf_release(&sql);
	if (!st)
		return DB_ERROR;
	i = 1;
	bind_query(st, q, a, &i);
	db_bind_int(st, i++, (int64_t)q->limit);
	db_bind_int(st, i++, (int64_t)q->offset);
	*rows = arena_calloc(a, q->limit ? q->limit : 1, sizeof(**rows));
	for (rc = db_step(st); rc == DB_ROW && *n < q->limit; rc = db_step(st)) {
		struct dossier_row *r = &(*rows)[(*n)++];
		r->code = dup_col(a, st, 0);
		r->procedure_code = dup_col(a, st, 1);
		r->procedure_name = dup_col(a, st, 2);
		r->applicant_name = dup_col(a, st, 3);
		r->channel = (int)db_col_int(st, 4);
		r->status = (int)db_col_int(st, 5);
		r->verdict = (int)db_col_int(st, 6);
		r->current_unit = db_col_int(st, 7);
		r->assignee = db_col_int(st, 8);
		r->submitted_at = db_col_int(st, 9);
		r->received_at = db_col_int(st, 10);
		r->due_at = db_col_int(st, 11);
		r->finished_at = db_col_int(st, 12);
		r->returned_at = db_col_int(st, 13);
	}
	return finish(st, rc);
}
