/* accounts.c: accounts, Argon2id password hashes, roles, login throttling. */
#include <assert.h>
#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/timefmt.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "features/accounts.h"
#include "features/authz.h"
#include "rules/contact.h"
#include "store/counter.h"
#include "core/banned.h"

/* Hashed once for unknown user names, so a failed login costs the same either way. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy_hash(void)
{
	if (crypto_pwhash_str(dummy_hash, "not a real password", 19, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE))
		dummy_hash[0] = '\0';
}

static int hash_password(const char *password, char out[crypto_pwhash_STRBYTES])
{
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE))
		return -1; /* out of memory */
	return 0;
}

int account_create_staff(struct db *db, const char *username, const char *full_name, const char *position,
			 int64_t unit_id, const char *password, const char *const *roles, int64_t *id)
{
	char hash[crypto_pwhash_STRBYTES], now[40];
	int rc;

	if (hash_password(password, hash))
		return DB_ERROR;
	rc = counter_next(db, "id", "accounts", "", id);
	if (rc)
		return rc;
	time_iso8601_utc(now, sizeof(now), time_now_us());
	rc = db_exec(db,
		     "INSERT INTO accounts (id, kind, username, full_name, position, unit_id, password_hash, "
		     "created_at) VALUES (?, 'staff', ?, ?, ?, ?, ?, ?)",
		     "isssiss", *id, username, full_name, position ? position : "", unit_id, hash, now);
	/* each role at the account's unit; an admin's reaches the units below */
	for (int i = 0; !rc && roles && roles[i]; i++) {
		int64_t grant;
		rc = grant_add(db, *id, roles[i], unit_id, !strcmp(roles[i], "admin"), "cli",
			       time_now_us() / 1000000, &grant);
		if (rc == 1)
			rc = 0; /* the same role twice */
	}
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

static int id_of(struct db *db, const char *username, int64_t *id)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT id FROM accounts WHERE username = ?", "s", username);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return 1;
	*id = db_col_int(st, 0);
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : 0;
}

static int end_sessions(struct db *db, int64_t id, int64_t now)
{
	return db_exec(db, "UPDATE sessions SET ended_at = ? WHERE account_id = ? AND ended_at IS NULL", "ii",
		       now, id);
}

int account_set_password(struct db *db, const char *username, const char *password, int64_t now, int64_t *id)
{
	char hash[crypto_pwhash_STRBYTES];
	int rc = id_of(db, username, id);
	if (rc)
		return rc;
	if (hash_password(password, hash))
		return DB_ERROR;
	rc = db_exec(db, "UPDATE accounts SET password_hash = ? WHERE id = ?", "si", hash, *id);
	sodium_memzero(hash, sizeof(hash));
	return rc ? rc : end_sessions(db, *id, now);
}

int account_disable(struct db *db, const char *username, int64_t now, int64_t *id)
{
	int rc = id_of(db, username, id);
	if (rc)
		return rc;
	rc = db_exec(db, "UPDATE accounts SET active = 0 WHERE id = ?", "i", *id);
	return rc ? rc : end_sessions(db, *id, now);
}

static const char *null_if_empty(const char *s)
{
	return s && *s ? s : NULL;
}

int account_create_citizen(struct db *db, const struct citizen_reg *r, int64_t *id)
{
	const char *email = null_if_empty(r->email), *phone = null_if_empty(r->phone);
	char hash[crypto_pwhash_STRBYTES], now[40];
	struct db_stmt *st;
	int rc, taken;

	assert(email || phone);
	if (hash_password(r->password, hash))
		return DB_ERROR;
	/*
	 * The id first: its counter row stays locked until the transaction ends,
	 * so concurrent registrations take turns and the check below sees every
	 * committed one (email and phone have no unique index to do it).
	 */
	rc = counter_next(db, "id", "accounts", "", id);
	if (rc)
		goto out;
	rc = db_query(db, &st,
		      "SELECT 1 FROM accounts WHERE citizen_id = ? OR email = ? OR phone = ? "
		      "OR username IN (?, ?, ?)",
		      "ssssss", r->citizen_id, email, phone, r->citizen_id, email, phone);
	taken = rc == DB_ROW;
	while (rc == DB_ROW)
		rc = db_step(st);
	if (rc < 0)
		goto out;
	if (taken) {
		rc = DB_CONSTRAINT;
		goto out;
	}
	time_iso8601_utc(now, sizeof(now), time_now_us());
	rc = db_exec(db,
		     "INSERT INTO accounts (id, kind, email, phone, full_name, citizen_id, password_hash, "
		     "created_at) VALUES (?, 'citizen', ?, ?, ?, ?, ?, ?)",
		     "issssss", *id, email, phone, r->full_name, r->citizen_id, hash, now);
out:
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

void account_login_name(const char *typed, char *out, size_t n)
{
	char phone[CONTACT_PHONE_LEN + 1], digits[16];
	size_t len, nd = 0, i;

	assert(n > 0);
	while (*typed == ' ' || *typed == '\t')
		typed++;
	len = strlen(typed);
	while (len && (typed[len - 1] == ' ' || typed[len - 1] == '\t'))
		len--;
	if (len <= CONTACT_PHONE_MAX_INPUT) {
		char copy[CONTACT_PHONE_MAX_INPUT + 1];
		memcpy(copy, typed, len);
		copy[len] = '\0';
		if (!contact_phone_check(copy, phone, NULL)) {
			snprintf(out, n, "%s", phone);
			return;
		}
	}
	/* a citizen ID number, perhaps typed in groups: 001 099 012 345 */
	for (i = 0; i < len && nd < sizeof(digits) - 1; i++) {
		if (typed[i] >= '0' && typed[i] <= '9')
			digits[nd++] = typed[i];
		else if (typed[i] != ' ' && typed[i] != '.')
			break;
	}
	if (i == len && nd == 12) {
		digits[nd] = '\0';
		snprintf(out, n, "%s", digits);
		return;
	}
	snprintf(out, n, "%.*s", (int)len, typed);
	if (memchr(typed, '@', len))
		for (char *p = out; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
}

int account_resolve(struct db *db, const char *name, int64_t *id)
{
	struct db_stmt *st;
	int rc = db_query(
		db, &st,
		"SELECT id FROM accounts WHERE active = 1 AND (username = ? OR email = ? OR phone = ? OR "
		"citizen_id = ?) ORDER BY CASE WHEN username = ? THEN 0 ELSE 1 END, id",
		"sssss", name, name, name, name, name);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return 1;
	*id = db_col_int(st, 0);
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : 0;
}

int account_login(struct db *db, const char *username, const char *password, int64_t *id)
{
	struct db_stmt *st;
	char hash[crypto_pwhash_STRBYTES] = "", name[CONTACT_EMAIL_MAX + 1];
	int64_t found = 0;
	int rc;

	account_login_name(username, name, sizeof(name));
	/* a user name wins over a citizen's contact that happens to read the same */
	rc = db_query(
		db, &st,
		"SELECT id, password_hash FROM accounts WHERE active = 1 AND (username = ? OR email = ? "
		"OR phone = ? OR citizen_id = ?) ORDER BY CASE WHEN username = ? THEN 0 ELSE 1 END, id",
		"sssss", name, name, name, name, name);
	if (rc < 0)
		return rc;
	if (rc == DB_ROW) {
		found = db_col_int(st, 0);
		snprintf(hash, sizeof(hash), "%s", db_col_text(st, 1));
		while (rc == DB_ROW)
			rc = db_step(st);
	}
	if (!found) {
		/* once for all threads: a half-written hash would answer faster */
		pthread_once(&dummy_once, make_dummy_hash);
		if (!dummy_hash[0])
			return DB_ERROR;
		/* the same work as for a real account; the answer does not matter */
		int same_cost = crypto_pwhash_str_verify(dummy_hash, password, strlen(password));
		(void)same_cost;
		return 1;
	}
	if (crypto_pwhash_str_verify(hash, password, strlen(password)))
		return 1;
	*id = found;
	return 0;
}

/* Copy s into out (size n), cut at a character boundary so the copy stays valid UTF-8. */
static void copy_utf8(char *out, size_t n, const char *s)
{
	size_t len = strlen(s);
	if (len >= n)
		len = utf8_cut(s, n - 1);
	memcpy(out, s, len);
	out[len] = '\0';
}

int account_load(struct db *db, int64_t id, struct account *out)
{
	struct db_stmt *st;
	int rc = db_query(db, &st,
			  "SELECT a.id, a.kind, COALESCE(a.username, ''), a.full_name, a.position, "
			  "COALESCE(a.unit_id, 0), COALESCE(u.name, ''), a.active, COALESCE(a.email, ''), "
			  "COALESCE(a.phone, ''), COALESCE(a.citizen_id, '') "
			  "FROM accounts a LEFT JOIN units u ON u.id = a.unit_id WHERE a.id = ?",
			  "i", id);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return 1;
	memset(out, 0, sizeof(*out));
	out->id = db_col_int(st, 0);
	copy_utf8(out->kind, sizeof(out->kind), db_col_text(st, 1));
	copy_utf8(out->username, sizeof(out->username), db_col_text(st, 2));
	copy_utf8(out->full_name, sizeof(out->full_name), db_col_text(st, 3));
	copy_utf8(out->position, sizeof(out->position), db_col_text(st, 4));
	out->unit_id = db_col_int(st, 5);
	copy_utf8(out->unit_name, sizeof(out->unit_name), db_col_text(st, 6));
	out->active = (int)db_col_int(st, 7);
	copy_utf8(out->email, sizeof(out->email), db_col_text(st, 8));
	copy_utf8(out->phone, sizeof(out->phone), db_col_text(st, 9));
	copy_utf8(out->citizen_id, sizeof(out->citizen_id), db_col_text(st, 10));
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : 0;
}

/* What each role does is decided by the permission layer; these are the names. */
const char *const account_roles[] = {
	"admin",	 /* quản trị hệ thống */
	"leader",	 /* lãnh đạo: approves, signs, assigns */
	"specialist",	 /* chuyên viên: works dossiers and drafts */
	"onestop_clerk", /* công chức một cửa: intake and return at the counter */
	"records_clerk", /* văn thư: registers documents, issues numbers */
	"editor",	 /* biên tập viên: portal news */
	"collector",	 /* thu phí, lệ phí: issues e-receipts */
	NULL,
};

int account_role_valid(const char *role)
{
	for (int i = 0; account_roles[i]; i++)
		if (!strcmp(role, account_roles[i]))
			return 1;
	return 0;
}

int account_has_role(struct db *db, int64_t id, const char *role)
{
	struct db_stmt *st;
	int rc = db_query(
		db, &st, "SELECT 1 FROM role_grants WHERE account_id = ? AND role = ? AND revoked_at IS NULL",
		"is", id, role);
	int has = rc == DB_ROW;
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : has;
}

/* The key a failure is counted under: a hash, so no user name or address is stored. */
static void throttle_key(char out[65], const char *kind, const char *value)
{
	unsigned char h[32];
	crypto_generichash_state s;
	char low[256];
	size_t n = 0;
	for (; value[n] && n < sizeof(low) - 1; n++)
		low[n] = (char)tolower((unsigned char)value[n]);
	low[n] = '\0';
	crypto_generichash_init(&s, NULL, 0, sizeof(h));
	crypto_generichash_update(&s, (const unsigned char *)kind, strlen(kind) + 1);
	crypto_generichash_update(&s, (const unsigned char *)low, n);
	crypto_generichash_final(&s, h, sizeof(h));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

static int64_t failures(struct db *db, const char *key, int64_t since)
{
	struct db_stmt *st;
	int64_t n;
	int rc = db_query(db, &st, "SELECT COUNT(*) FROM login_failures WHERE key = ? AND at > ?", "si", key,
			  since);
	if (rc != DB_ROW)
		return rc < 0 ? rc : 0;
	n = db_col_int(st, 0);
	while (rc == DB_ROW)
		rc = db_step(st);
	return n;
}

int login_throttled(struct db *db, const char *username, const char *addr, int64_t now)
{
	char ku[65], ka[65];
	int64_t nu, na;
	throttle_key(ku, "user", username);
	throttle_key(ka, "addr", addr);
	nu = failures(db, ku, now - LOGIN_WINDOW);
	na = failures(db, ka, now - LOGIN_WINDOW);
	if (nu < 0 || na < 0)
		return (int)(nu < 0 ? nu : na);
	return nu >= LOGIN_MAX_PER_USER || na >= LOGIN_MAX_PER_ADDR;
}

int login_failed(struct db *db, const char *username, const char *addr, int64_t now)
{
	char ku[65], ka[65];
	int rc;
	throttle_key(ku, "user", username);
	throttle_key(ka, "addr", addr);
	rc = db_exec(db, "INSERT INTO login_failures (key, at) VALUES (?, ?)", "si", ku, now);
	if (!rc)
		rc = db_exec(db, "INSERT INTO login_failures (key, at) VALUES (?, ?)", "si", ka, now);
	/* old failures go; nothing needs them after the window */
	if (!rc)
		rc = db_exec(db, "DELETE FROM login_failures WHERE at < ?", "i", now - LOGIN_WINDOW);
	return rc;
}

int register_throttled(struct db *db, const char *addr, int64_t now)
{
	char key[65];
	int64_t n;
	throttle_key(key, "register", addr);
	n = failures(db, key, now - LOGIN_WINDOW);
	if (n < 0)
		return (int)n;
	if (n >= REGISTER_MAX_PER_ADDR)
		return 1;
	return db_exec(db, "INSERT INTO login_failures (key, at) VALUES (?, ?)", "si", key, now);
}

int login_succeeded(struct db *db, const char *username, int64_t now)
{
	char ku[65];
	(void)now;
	throttle_key(ku, "user", username);
	return db_exec(db, "DELETE FROM login_failures WHERE key = ?", "s", ku);
}

/* ---- staff administration ---- */

int account_set_password_id(struct db *db, int64_t id, const char *password, int64_t now)
{
	char hash[crypto_pwhash_STRBYTES];
	int rc;
	if (hash_password(password, hash))
		return DB_ERROR;
	rc = db_exec(db, "UPDATE accounts SET password_hash = ? WHERE id = ?", "si", hash, id);
	sodium_memzero(hash, sizeof(hash));
	if (rc)
		return rc;
	if (!db_changes(db))
		return 1;
	return end_sessions(db, id, now);
}

int account_check_password(struct db *db, int64_t id, const char *password)
{
	char hash[crypto_pwhash_STRBYTES] = "";
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT password_hash FROM accounts WHERE id = ? AND active = 1", "i", id);
	int found = rc == DB_ROW;
	if (found)
		snprintf(hash, sizeof(hash), "%s", db_col_text(st, 0));
	while (rc == DB_ROW)
		rc = db_step(st);
	if (rc < 0)
		return rc;
	if (!found) {
		pthread_once(&dummy_once, make_dummy_hash);
		if (!dummy_hash[0])
			return DB_ERROR;
		int same_cost = crypto_pwhash_str_verify(dummy_hash, password, strlen(password));
		(void)same_cost;
		return 1;
	}
	return crypto_pwhash_str_verify(hash, password, strlen(password)) ? 1 : 0;
}

int account_update_staff(struct db *db, int64_t id, const struct staff_details *d)
{
	int rc = db_exec(db,
			 "UPDATE accounts SET full_name = ?, position = ?, email = ?, phone = ?, unit_id = ? "
			 "WHERE id = ? AND kind = 'staff'",
			 "ssssii", d->full_name, d->position ? d->position : "", null_if_empty(d->email),
			 null_if_empty(d->phone), d->unit_id, id);
	if (rc)
		return rc;
	return db_changes(db) ? 0 : 1;
}

int account_enable(struct db *db, int64_t id)
{
	int rc = db_exec(db, "UPDATE accounts SET active = 1 WHERE id = ?", "i", id);
	if (rc)
		return rc;
	return db_changes(db) ? 0 : 1;
}

int account_name_taken(struct db *db, const char *name, int64_t except)
{
	struct db_stmt *st;
	int rc = db_query(db, &st,
			  "SELECT 1 FROM accounts WHERE id <> ? AND (username = ? OR email = ? OR phone = ? "
			  "OR citizen_id = ?)",
			  "issss", except, name, name, name, name);
	int taken = rc == DB_ROW;
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : taken;
}

static int in_sorted(const int64_t *v, size_t n, int64_t x)
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

/* Vietnamese upper case into the arena; the text as it is when it cannot be folded. */
static const char *folded(struct arena *a, const char *s)
{
	size_t n = strlen(s) * 2 + 8; /* a lower-case letter never takes more than twice its bytes */
	char *out = arena_alloc(a, n);
	if (signing_upper(s, out, n))
		return s;
	return out;
}

static int by_username(const void *a, const void *b)
{
	const struct staff_row *x = a, *y = b;
	int c = strcmp(x->username, y->username);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

int account_staff_list(struct db *db, struct arena *a, const struct staff_filter *f, struct staff_row **rows,
		       size_t *n, size_t *total)
{
	struct staff_row *all;
	const char *q = f->q && *f->q ? folded(a, f->q) : NULL;
	size_t cap = 64, count = 0;
	struct db_stmt *st;
	int rc;

	*rows = NULL;
	*n = *total = 0;
	all = arena_alloc(a, cap * sizeof(*all));
	rc = db_query(
		db, &st,
		"SELECT a.id, COALESCE(a.username, ''), a.full_name, a.position, a.unit_id, u.name, a.active "
		"FROM accounts a JOIN units u ON u.id = a.unit_id WHERE a.kind = 'staff' ORDER BY a.id",
		"");
	while (rc == DB_ROW) {
		struct staff_row r;
		r.id = db_col_int(st, 0);
		r.unit_id = db_col_int(st, 4);
		r.active = (int)db_col_int(st, 6);
		if (!in_sorted(f->units, f->nunits, r.unit_id) || (f->active >= 0 && r.active != f->active) ||
		    (f->within && !unit_tree_within(f->tree, r.unit_id, f->within))) {
			rc = db_step(st);
			continue;
		}
		r.username = arena_strdup(a, db_col_text(st, 1));
		r.full_name = arena_strdup(a, db_col_text(st, 2));
		if (q && !strstr(folded(a, r.username), q) && !strstr(folded(a, r.full_name), q)) {
			rc = db_step(st);
			continue;
		}
		r.position = arena_strdup(a, db_col_text(st, 3));
		r.unit_name = arena_strdup(a, db_col_text(st, 5));
		if (count == cap) {
			struct staff_row *more = arena_alloc(a, st_mult(cap, 2 * sizeof(*more)));
			memcpy(more, all, cap * sizeof(*more));
			all = more;
			cap *= 2;
		}
		all[count++] = r;
		rc = db_step(st);
	}
	if (rc < 0)
		return rc;
	qsort(all, count, sizeof(*all), by_username);
	*total = count;
	if (f->offset < count) {
		*rows = all + f->offset;
		*n = count - f->offset < f->limit ? count - f->offset : f->limit;
	}
	return 0;
}

int account_grants(struct db *db, struct arena *a, int64_t account_id, struct grant_row **rows, size_t *n)
{
	struct grant_row *out;
	size_t cap = 16;
	struct db_stmt *st;
	int rc;

	*n = 0;
	out = arena_alloc(a, cap * sizeof(*out));
	rc = db_query(
		db, &st,
		"SELECT g.id, g.account_id, g.role, g.unit_id, g.reaches_descendants, g.granted_by, "
		"g.granted_at, COALESCE(g.revoked_by, ''), COALESCE(g.revoked_at, 0), "
		"COALESCE(a.username, ''), a.full_name, COALESCE(a.unit_id, 0), u.name "
		"FROM role_grants g JOIN accounts a ON a.id = g.account_id JOIN units u ON u.id = g.unit_id "
		"WHERE a.kind = 'staff' AND (? = 0 OR g.account_id = ?) ORDER BY g.id",
		"ii", account_id, account_id);
	while (rc == DB_ROW) {
		struct grant_row *r;
		if (*n == cap) {
			struct grant_row *more = arena_alloc(a, st_mult(cap, 2 * sizeof(*more)));
			memcpy(more, out, cap * sizeof(*more));
			out = more;
			cap *= 2;
		}
		r = &out[(*n)++];
		memset(r, 0, sizeof(*r));
		r->g.id = db_col_int(st, 0);
		r->g.account_id = db_col_int(st, 1);
		copy_utf8(r->g.role, sizeof(r->g.role), db_col_text(st, 2));
		r->g.unit_id = db_col_int(st, 3);
		r->g.reaches_descendants = (int)db_col_int(st, 4);
		copy_utf8(r->g.granted_by, sizeof(r->g.granted_by), db_col_text(st, 5));
		r->g.granted_at = db_col_int(st, 6);
		copy_utf8(r->g.revoked_by, sizeof(r->g.revoked_by), db_col_text(st, 7));
		r->g.revoked_at = db_col_int(st, 8);
		r->holder_username = arena_strdup(a, db_col_text(st, 9));
		r->holder_name = arena_strdup(a, db_col_text(st, 10));
		r->holder_unit = db_col_int(st, 11);
		r->unit_name = arena_strdup(a, db_col_text(st, 12));
		rc = db_step(st);
	}
	*rows = out;
	return rc < 0 ? rc : 0;
}

int login_attempt_begin(struct db *db, const char *username, const char *addr, int64_t now,
			char attempt[LOGIN_ATTEMPT_LEN + 1])
{
	unsigned char raw[LOGIN_ATTEMPT_LEN / 2];
	char ku[65], ka[65];
	int64_t lock;
	int rc;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(attempt, LOGIN_ATTEMPT_LEN + 1, raw, sizeof(raw));
	throttle_key(ku, "user", username);
	throttle_key(ka, "addr", addr);
	rc = db_begin(db);
	/* the row lock orders the check-and-count of every process (SQLite's write lock already does) */
	if (!rc)
		rc = counter_next(db, "lock", "login", "", &lock);
	if (!rc) {
		rc = login_throttled(db, username, addr, now);
		if (rc == 1) {
			rc = db_commit(db);
			return rc ? rc : 1;
		}
	}
	if (!rc)
		rc = db_exec(db, "INSERT INTO login_failures (key, at, attempt) VALUES (?, ?, ?)", "sis", ku,
			     now, attempt);
	if (!rc)
		rc = db_exec(db, "INSERT INTO login_failures (key, at, attempt) VALUES (?, ?, ?)", "sis", ka,
			     now, attempt);
	if (!rc)
		rc = db_exec(db, "DELETE FROM login_failures WHERE at < ?", "i", now - LOGIN_WINDOW);
	if (!rc)
		rc = db_commit(db);
	if (rc)
		db_rollback(db);
	return rc;
}

int login_attempt_succeeded(struct db *db, const char *attempt, const char *username, int64_t now)
{
	int rc = db_exec(db, "DELETE FROM login_failures WHERE attempt = ?", "s", attempt);
	return rc ? rc : login_succeeded(db, username, now);
}
