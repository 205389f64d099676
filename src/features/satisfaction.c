/* satisfaction.c: ratings of returned dossiers (SIPAS), their keys, and the index read from them. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/i18n.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "features/satisfaction.h"
#include "features/settings.h"
#include "rules/dossier.h"
#include "core/banned.h"

#define SECRET_SETTING "satisfaction_secret"
#define SECRET_BYTES   32
#define KEY_CONTEXT    "motcua-sipas:"
#define MONTHS_MAX     120 /* a period of at most ten years */

static const struct {
	const char *name, *label, *hint;
} factors[SF_COUNT] = {
	{ "access", N_("Access to the service"),
	  N_("The place, the guidance and the equipment; how easy it was to find out what to do") },
	{ "procedure", N_("The administrative procedure"),
	  N_("The papers asked for, the fees and the time limit: published, and as the law says") },
	{ "officials", N_("The officials who handled it"),
	  N_("The manner, the guidance and the competence of the officials who received and handled the dossier") },
	{ "result", N_("The result"),
	  N_("The result is lawful, complete, correct, and handed over on time") },
	{ "feedback", N_("Handling of comments and feedback"),
	  N_("How comments, requests and complaints are received, handled and answered") },
};

static const struct {
	const char *name, *label;
} levels[SATISFACTION_LEVELS] = {
	{ "very_dissatisfied", N_("Very dissatisfied") },
	{ "dissatisfied", N_("Dissatisfied") },
	{ "neutral", N_("Neutral") },
	{ "satisfied", N_("Satisfied") },
	{ "very_satisfied", N_("Very satisfied") },
};

const char *satisfaction_factor_name(int factor)
{
	return factor >= 0 && factor < SF_COUNT ? factors[factor].name : NULL;
}

const char *satisfaction_factor_label(int factor)
{
	return factor >= 0 && factor < SF_COUNT ? factors[factor].label : NULL;
}

const char *satisfaction_factor_hint(int factor)
{
	return factor >= 0 && factor < SF_COUNT ? factors[factor].hint : NULL;
}

int satisfaction_factor_from_name(const char *name)
{
	for (int f = 0; name && f < SF_COUNT; f++)
		if (!strcmp(name, factors[f].name))
			return f;
	return -1;
}

const char *satisfaction_level_name(int level)
{
	return level >= 1 && level <= SATISFACTION_LEVELS ? levels[level - 1].name : NULL;
}

const char *satisfaction_level_label(int level)
{
	return level >= 1 && level <= SATISFACTION_LEVELS ? levels[level - 1].label : NULL;
}

const char *satisfaction_via_name(int via)
{
	switch (via) {
	case SV_LINK: return "link";
	case SV_KIOSK: return "kiosk";
	case SV_API: return "api";
	}
	return NULL;
}

int satisfaction_level_parse(const char *s)
{
	if (!s || s[0] < '1' || s[0] > '0' + SATISFACTION_LEVELS || s[1])
		return 0;
	return s[0] - '0';
}

/* ---- comments ---- */

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int satisfaction_comment_check(struct arena *a, const char *in, const char **out, const char **why)
{
	const char *s = in ? in : "", *e;
	char *copy, *o;

	*out = "";
	while (*s && is_space(*s))
		s++;
	e = s + strlen(s);
	while (e > s && is_space(e[-1]))
		e--;
	if (!utf8_valid(s, (size_t)(e - s)) || memchr(s, '\0', (size_t)(e - s))) {
		*why = N_("The comment is not valid text.");
		return -1;
	}
	copy = o = arena_alloc(a, (size_t)(e - s) + 1);
	for (const char *p = s; p < e; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\r') {
			/* CR LF and a lone CR are one line break */
			*o++ = '\n';
			if (p + 1 < e && p[1] == '\n')
				p++;
			continue;
		}
		/* control characters (C0 but tab and line feed, DEL, C1: U+0080..U+009F as C2 80..C2 9F) */
		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f ||
		    (c == 0xc2 && p + 1 < e && (unsigned char)p[1] >= 0x80 && (unsigned char)p[1] <= 0x9f)) {
			*why = N_("The comment may not contain control characters.");
			return -1;
		}
		*o++ = (char)c;
	}
	*o = '\0';
	if (utf8_chars(copy) > SATISFACTION_COMMENT_MAX) {
		*why = N_("The comment is too long: at most 1000 characters.");
		return -1;
	}
	*out = copy;
	return 0;
}

/* ---- keys ---- */

/* The database's secret for rating keys, made on first use. 0 or a negative enum db_rc. */
static int secret_load(struct db *db, unsigned char key[SECRET_BYTES])
{
	char *hex = settings_get(db, SECRET_SETTING);
	size_t len = 0;
	int rc = 0;

	if (!hex) {
		unsigned char fresh[SECRET_BYTES];
		char fresh_hex[2 * SECRET_BYTES + 1], now[40];
		int own = !db_in_transaction(db);
		randombytes_buf(fresh, sizeof(fresh));
		sodium_bin2hex(fresh_hex, sizeof(fresh_hex), fresh, sizeof(fresh));
		time_iso8601_utc(now, sizeof(now), time_now_us());
		if (own)
			rc = db_begin(db);
		/* DO NOTHING: of two processes making it at once, the first one stored is everyone's */
		if (!rc)
			rc = db_exec(db,
				     "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) "
				     "ON CONFLICT (key) DO NOTHING",
				     "sss", SECRET_SETTING, fresh_hex, now);
		if (own) {
			if (!rc)
				rc = db_commit(db);
			if (rc)
				db_rollback(db);
		}
		sodium_memzero(fresh, sizeof(fresh));
		sodium_memzero(fresh_hex, sizeof(fresh_hex));
		if (rc)
			return rc < 0 ? rc : DB_ERROR;
		hex = settings_get(db, SECRET_SETTING);
		if (!hex)
			return DB_ERROR;
	}
	if (sodium_hex2bin(key, SECRET_BYTES, hex, strlen(hex), NULL, &len, NULL) || len != SECRET_BYTES)
		rc = DB_ERROR;
	sodium_memzero(hex, strlen(hex));
	free(hex);
	return rc;
}

int satisfaction_key(struct db *db, const char *code, char out[SATISFACTION_KEY_LEN + 1])
{
	unsigned char secret[SECRET_BYTES], mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	int rc;

	out[0] = '\0';
	if ((rc = secret_load(db, secret)))
		return rc;
	crypto_auth_hmacsha256_init(&st, secret, sizeof(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)KEY_CONTEXT, strlen(KEY_CONTEXT));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)code, strlen(code));
	crypto_auth_hmacsha256_final(&st, mac);
	/* 16 bytes make 22 characters of base64url without padding (and its NUL) */
	sodium_bin2base64(out, SATISFACTION_KEY_LEN + 1, mac, 16, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(&st, sizeof(st));
	return 0;
}

int satisfaction_key_ok(struct db *db, const char *code, const char *key)
{
	char want[SATISFACTION_KEY_LEN + 1];
	int rc;
	if (!code || !key || strlen(key) != SATISFACTION_KEY_LEN)
		return 0;
	if ((rc = satisfaction_key(db, code, want)))
		return rc;
	rc = !sodium_memcmp(want, key, SATISFACTION_KEY_LEN);
	sodium_memzero(want, sizeof(want));
	return rc;
}

int32_t satisfaction_day(int64_t t)
{
	struct civil c;
	time_to_civil(t, VN_UTC_OFFSET, &c);
	return c.year * 10000 + c.month * 100 + c.day;
}

/* ---- rating ---- */

static int finish(struct db_stmt *st, int rc)
{
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc;
}

static const char *dup_col(struct arena *a, struct db_stmt *st, int i)
{
	const char *s = db_col_text(st, i);
	return arena_strdup(a, s ? s : "");
}

int satisfaction_dossier(struct db *db, struct arena *a, const char *code, struct satisfaction_dossier *out)
{
	struct db_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!code || !dossier_code_valid(code))
		return SAT_NOT_FOUND;
	rc = db_query(
		db, &st,
		"SELECT d.id, d.code, d.procedure_code, d.procedure_name, d.receiving_unit, u.name, d.status, "
		"d.returned_at, r.rated_at FROM dossiers d JOIN units u ON u.id = d.receiving_unit "
		"LEFT JOIN satisfaction_ratings r ON r.dossier_id = d.id WHERE d.code = ?",
		"s", code);
	if (rc == DB_ROW) {
		out->id = db_col_int(st, 0);
		out->code = dup_col(a, st, 1);
		out->procedure_code = dup_col(a, st, 2);
		out->procedure_name = dup_col(a, st, 3);
		out->unit_id = db_col_int(st, 4);
		out->unit_name = dup_col(a, st, 5);
		out->status = (int)db_col_int(st, 6);
		out->returned_at = db_col_int(st, 7);
		out->rated_at = db_col_is_null(st, 8) ? 0 : db_col_int(st, 8);
	}
	if ((rc = finish(st, rc)) < 0)
		return rc;
	return out->id ? SAT_OK : SAT_NOT_FOUND;
}

int satisfaction_rate(struct db *db, const char *code, const struct satisfaction_rating *r, int64_t now)
{
	struct db_stmt *st;
	int64_t id = 0, unit = 0, rated = 0;
	int status = 0, rc;
	char proc[64] = "";
	const char *comment = r->comment ? r->comment : "";

	for (int f = 0; f < SF_COUNT; f++)
		if (r->levels[f] < 1 || r->levels[f] > SATISFACTION_LEVELS)
			return SAT_INVALID;
	if (!satisfaction_via_name(r->via))
		return SAT_INVALID;
	if (utf8_chars(comment) > SATISFACTION_COMMENT_MAX)
		return SAT_INVALID;
	if (!code || !dossier_code_valid(code))
		return SAT_NOT_FOUND;

	rc = db_query(db, &st,
		      "SELECT d.id, d.status, d.receiving_unit, d.procedure_code, r.rated_at FROM dossiers d "
		      "LEFT JOIN satisfaction_ratings r ON r.dossier_id = d.id WHERE d.code = ?",
		      "s", code);
	if (rc == DB_ROW) {
		const char *p = db_col_text(st, 3);
		id = db_col_int(st, 0);
		status = (int)db_col_int(st, 1);
		unit = db_col_int(st, 2);
		snprintf(proc, sizeof(proc), "%s", p ? p : "");
		rated = !db_col_is_null(st, 4);
	}
	if ((rc = finish(st, rc)) < 0)
		return rc;
	if (!id)
		return SAT_NOT_FOUND;
	if (rated)
		return SAT_ALREADY;
	if (status != DS_RETURNED)
		return SAT_NOT_RETURNED;
	rc = db_exec(
		db,
		"INSERT INTO satisfaction_ratings (dossier_id, unit_id, procedure_code, via, rated_at, day, "
		"f_access, f_procedure, f_officials, f_result, f_feedback, comment) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		"iisiiiiiiiis", id, unit, proc, (int64_t)r->via, now, (int64_t)satisfaction_day(now),
		(int64_t)r->levels[SF_ACCESS], (int64_t)r->levels[SF_PROCEDURE],
		(int64_t)r->levels[SF_OFFICIALS], (int64_t)r->levels[SF_RESULT],
		(int64_t)r->levels[SF_FEEDBACK], comment);
	/* a rating that got in first, between the read and the write */
	if (rc == DB_CONSTRAINT)
		return SAT_ALREADY;
	return rc;
}

/* ---- the index ---- */

int satisfaction_permille(int64_t part, int64_t whole)
{
	if (whole <= 0)
		return -1;
	/* rounded half up: (2 · 1000 · part + whole) / (2 · whole) */
	return (int)((2000 * part + whole) / (2 * whole));
}

int64_t satisfaction_satisfied(const struct satisfaction_tally *t, int factor)
{
	int64_t n = 0;
	for (int f = 0; f < SF_COUNT; f++)
		if (factor < 0 || f == factor)
			n += t->answers[f][SL_SATISFIED - 1] + t->answers[f][SL_VERY_SATISFIED - 1];
	return n;
}

int satisfaction_index(const struct satisfaction_tally *t, int factor)
{
	return satisfaction_permille(satisfaction_satisfied(t, factor),
				     factor < 0 ? t->ratings * SF_COUNT : t->ratings);
}

void satisfaction_tally_add(struct satisfaction_tally *t, const int lv[SF_COUNT], int64_t n)
{
	t->ratings += n;
	for (int f = 0; f < SF_COUNT; f++)
		if (lv[f] >= 1 && lv[f] <= SATISFACTION_LEVELS)
			t->answers[f][lv[f] - 1] += n;
}

/* YYYYMMDD is a real date (1900..2199). */
static int day_valid(int32_t ymd)
{
	int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
	struct civil c;
	if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	/* round trip: 31 February is not a date */
	time_to_civil(days_from_civil(y, m, d) * 86400, 0, &c);
	return c.year == y && c.month == m && c.day == d;
}

static int ids_have(const int64_t *v, size_t n, int64_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] == x)
			return 1;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Growable arrays of rows in the arena (a new block when full; the old one stays in the arena). */
static void *grow(struct arena *a, void *v, size_t n, size_t *cap, size_t size)
{
	void *bigger;
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 16;
	bigger = arena_calloc(a, *cap, size);
	if (n)
		memcpy(bigger, v, n * size);
	return bigger;
}

static int cmp_unit(const void *a, const void *b)
{
	int64_t x = ((const struct satisfaction_unit_row *)a)->unit_id;
	int64_t y = ((const struct satisfaction_unit_row *)b)->unit_id;
	return (x > y) - (x < y);
}

static int cmp_proc(const void *a, const void *b)
{
	return strcmp(((const struct satisfaction_proc_row *)a)->code,
		      ((const struct satisfaction_proc_row *)b)->code);
}

/* The procedures' names as their dossiers were received (one per code). */
static int read_names(struct db *db, struct arena *a, const struct satisfaction_query *q,
		      struct satisfaction_stats *out)
{
	struct db_stmt *st;
	int rc = db_query(db, &st,
			  "SELECT r.procedure_code, MAX(d.procedure_name) FROM satisfaction_ratings r "
			  "JOIN dossiers d ON d.id = r.dossier_id WHERE r.day >= ? AND r.day <= ? "
			  "GROUP BY r.procedure_code",
			  "ii", (int64_t)q->from, (int64_t)q->to);
	for (; rc == DB_ROW; rc = db_step(st)) {
		const char *code = db_col_text(st, 0), *name = db_col_text(st, 1);
		for (size_t i = 0; code && name && i < out->nprocs; i++)
			if (!strcmp(out->procs[i].code, code))
				out->procs[i].name = arena_strdup(a, name);
	}
	return rc < 0 ? rc : 0;
}

int satisfaction_stats_load(struct db *db, struct arena *a, const struct satisfaction_query *q,
			    struct satisfaction_stats *out)
{
	struct db_stmt *st;
	size_t ucap = 0, pcap = 0;
	int32_t first, last;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!day_valid(q->from) || !day_valid(q->to) || q->from > q->to)
		return -1;
	first = q->from / 100;
	last = q->to / 100;
	if ((last / 100 - first / 100) * 12 + (last % 100 - first % 100) + 1 > MONTHS_MAX)
		return -1;
	/* every month of the period */
	out->months = arena_calloc(a, MONTHS_MAX, sizeof(*out->months));
	for (int32_t m = first;; m = m % 100 == 12 ? (m / 100 + 1) * 100 + 1 : m + 1) {
		out->months[out->nmonths++].month = m;
		if (m == last)
			break;
	}

	/* identical ratings come as one row with their count */
	rc = db_query(
		db, &st,
		"SELECT unit_id, procedure_code, day / 100, f_access, f_procedure, f_officials, f_result, "
		"f_feedback, COUNT(*) FROM satisfaction_ratings WHERE day >= ? AND day <= ? "
		"GROUP BY unit_id, procedure_code, day / 100, f_access, f_procedure, f_officials, f_result, "
		"f_feedback",
		"ii", (int64_t)q->from, (int64_t)q->to);
	for (; rc == DB_ROW; rc = db_step(st)) {
		int64_t unit = db_col_int(st, 0), n = db_col_int(st, 8);
		const char *code = db_col_text(st, 1);
		int32_t month = (int32_t)db_col_int(st, 2);
		int lv[SF_COUNT];
		size_t i;

		if (q->units && !ids_have(q->units, q->nunits, unit))
			continue;
		for (int f = 0; f < SF_COUNT; f++)
			lv[f] = (int)db_col_int(st, 3 + f);
		satisfaction_tally_add(&out->total, lv, n);

		for (i = 0; i < out->nunits && out->units[i].unit_id != unit; i++)
			;
		if (i == out->nunits) {
			out->units = grow(a, out->units, out->nunits, &ucap, sizeof(*out->units));
			out->units[out->nunits++].unit_id = unit;
		}
		satisfaction_tally_add(&out->units[i].t, lv, n);

		code = code ? code : "";
		for (i = 0; i < out->nprocs && strcmp(out->procs[i].code, code); i++)
			;
		if (i == out->nprocs) {
			out->procs = grow(a, out->procs, out->nprocs, &pcap, sizeof(*out->procs));
			out->procs[out->nprocs].code = arena_strdup(a, code);
			out->procs[out->nprocs++].name = "";
		}
		satisfaction_tally_add(&out->procs[i].t, lv, n);

		for (i = 0; i < out->nmonths; i++)
			if (out->months[i].month == month)
				satisfaction_tally_add(&out->months[i].t, lv, n);
	}
	if ((rc = finish(st, rc)) < 0)
		return rc;
	if (out->nunits)
		qsort(out->units, out->nunits, sizeof(*out->units), cmp_unit);
	if (out->nprocs) {
		qsort(out->procs, out->nprocs, sizeof(*out->procs), cmp_proc);
		if ((rc = read_names(db, a, q, out)))
			return rc;
	}
	return 0;
}
