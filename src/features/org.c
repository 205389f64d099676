/* org.c: units of the organisation tree. */
#include <stdio.h>
#include <string.h>
#include "core/timefmt.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "features/org.h"
#include "core/i18n.h"
#include "store/counter.h"
#include "core/banned.h"

const char *const org_unit_kinds[] = {
	"city", "province", "district", "ward", "commune", "department", "onestop", NULL,
};

static const char *const kind_labels[] = {
	N_("City"),
	N_("Province"),
	N_("District"),
	N_("Ward"),
	N_("Commune"),
	N_("Specialised department"),
	N_("One-stop section"),
};

_Static_assert(sizeof(kind_labels) / sizeof(kind_labels[0]) + 1 ==
		       sizeof(org_unit_kinds) / sizeof(org_unit_kinds[0]),
	       "a label for each kind");

static long kind_index(const char *kind)
{
	for (long i = 0; kind && org_unit_kinds[i]; i++)
		if (!strcmp(kind, org_unit_kinds[i]))
			return i;
	return -1;
}

int org_unit_kind_valid(const char *kind)
{
	return kind_index(kind) >= 0;
}

const char *org_unit_kind_label(const char *kind)
{
	long i = kind_index(kind);
	return i < 0 ? NULL : kind_labels[i];
}

const char *org_unit_field_name(unsigned field)
{
	switch (field) {
	case UNIT_F_PARENT: return "parent_id";
	case UNIT_F_KIND: return "kind";
	case UNIT_F_AGENCY_CODE: return "agency_code";
	case UNIT_F_NAME: return "name";
	case UNIT_F_SHORT_NAME: return "short_name";
	case UNIT_F_TAX_CODE: return "tax_code";
	case UNIT_F_ADDRESS: return "address";
	case UNIT_F_ACTIVE: return "active";
	case UNIT_F_OFFICE: return "office";
	}
	return NULL;
}

/* Valid UTF-8 without control characters (C0, DEL, C1). */
static int text_ok(const char *s)
{
	size_t n = strlen(s);
	while (n) {
		long c = utf8_next(&s, &n);
		if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
			return 0;
	}
	return 1;
}

/* A letter of Vietnamese or another Latin script (ă, đ, ơ, ư and the tone-marked ones), or a digit. */
static int symbol_char(long c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= 0xc0 && c <= 0x24f && c != 0xd7 && c != 0xf7) || (c >= 0x1e00 && c <= 0x1eff);
}

static int symbol_ok(const char *s)
{
	size_t n = strlen(s);
	while (n) {
		long c = utf8_next(&s, &n);
		if (c < 0 || !symbol_char(c))
			return 0;
	}
	return 1;
}

static int digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* QCVN 102:2016: "000.00.15.H26". */
static int agency_code_ok(const char *s)
{
	return strlen(s) == UNIT_AGENCY_CODE_LEN && digits(s, 3) && s[3] == '.' && digits(s + 4, 2) &&
	       s[6] == '.' && digits(s + 7, 2) && s[9] == '.' && s[10] >= 'A' && s[10] <= 'Z' &&
	       digits(s + 11, 2);
}

/* Mã số thuế: 10 digits, or 10 digits "-" 3 digits for a dependent unit. */
static int tax_code_ok(const char *s)
{
	size_t n = strlen(s);
	return (n == 10 && digits(s, 10)) || (n == 14 && digits(s, 10) && s[10] == '-' && digits(s + 11, 3));
}

int org_unit_check(const struct unit *u, unsigned which,
		   void (*err)(void *ctx, const char *field, const char *msgid), void *ctx)
{
	const char *name = u->name ? u->name : "", *short_name = u->short_name ? u->short_name : "";
	const char *code = u->agency_code ? u->agency_code : "", *tax = u->tax_code ? u->tax_code : "";
	const char *address = u->address ? u->address : "";
	int bad = 0;
#define BAD(field, msgid)               \
	do {                            \
		err(ctx, field, msgid); \
		bad++;                  \
	} while (0)
	if (which & UNIT_F_NAME) {
		if (!*name)
			BAD("name", N_("Enter the name of the unit."));
		else if (strlen(name) > UNIT_NAME_MAX)
			BAD("name", N_("The name of the unit is too long: shorten it."));
		else if (!text_ok(name))
			BAD("name", N_("The name contains characters that are not allowed."));
	}
	if (which & UNIT_F_SHORT_NAME) {
		if (!*short_name)
			BAD("short_name",
			    N_("Enter the short name used in document symbols (for example UBND, VP, TP)."));
		else if (strlen(short_name) > UNIT_SHORT_NAME_MAX)
			BAD("short_name", N_("The short name is too long: shorten it."));
		else if (!symbol_ok(short_name))
			BAD("short_name",
			    N_("The short name may hold only letters and digits, without spaces "
			       "or punctuation."));
	}
	if (which & UNIT_F_AGENCY_CODE) {
		if (!*code)
			BAD("agency_code", N_("Enter the agency code."));
		else if (!agency_code_ok(code))
			BAD("agency_code", N_("The agency code has the form 000.00.15.H26 (QCVN 102:2016)."));
	}
	if ((which & UNIT_F_KIND) && !org_unit_kind_valid(u->kind))
		BAD("kind", N_("Choose the kind of unit."));
	if ((which & (UNIT_F_OFFICE | UNIT_F_KIND)) && u->office &&
	    (!u->kind || strcmp(u->kind, "department")))
		BAD("office", N_("Only a department can be the agency's office."));
	if ((which & UNIT_F_TAX_CODE) && *tax && !tax_code_ok(tax))
		BAD("tax_code",
		    N_("A tax code has 10 digits, or 10 digits, a hyphen and 3 digits (0101234567-001)."));
	if (which & UNIT_F_ADDRESS) {
		if (strlen(address) > UNIT_ADDRESS_MAX)
			BAD("address", N_("The address is too long: shorten it."));
		else if (!text_ok(address))
			BAD("address", N_("The address contains characters that are not allowed."));
	}
#undef BAD
	return bad;
}

int org_unit_create(struct db *db, const struct unit *u, int64_t *id)
{
	char now[40];
	struct db_stmt *st;
	int rc = counter_next(db, "id", "units", "", id);
	if (rc)
		return rc;
	time_iso8601_utc(now, sizeof(now), time_now_us());
	st = db_prepare(db,
			"INSERT INTO units (id, parent_id, kind, agency_code, name, short_name, tax_code, "
			"address, created_at, office) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return DB_ERROR;
	rc = db_bind_int(st, 1, *id);
	/* a root has no parent: NULL, not 0, for the foreign key */
	rc = rc ? rc : u->parent_id ? db_bind_int(st, 2, u->parent_id) : db_bind_null(st, 2);
	rc = rc ? rc : db_bind_text(st, 3, u->kind, strlen(u->kind));
	rc = rc ? rc : db_bind_text(st, 4, u->agency_code, strlen(u->agency_code));
	rc = rc ? rc : db_bind_text(st, 5, u->name, strlen(u->name));
	rc = rc ? rc : db_bind_text(st, 6, u->short_name, strlen(u->short_name));
	rc = rc ? rc
		: db_bind_text(st, 7, u->tax_code ? u->tax_code : "", u->tax_code ? strlen(u->tax_code) : 0);
	rc = rc ? rc : db_bind_text(st, 8, u->address ? u->address : "", u->address ? strlen(u->address) : 0);
	rc = rc ? rc : db_bind_text(st, 9, now, strlen(now));
	rc = rc ? rc : db_bind_int(st, 10, u->office ? 1 : 0);
	return rc ? rc : db_step(st);
}

#define UNIT_COLUMNS "id, parent_id, kind, agency_code, name, short_name, tax_code, address, active, office"

static const char *dup_col(struct arena *a, struct db_stmt *st, int i)
{
	return arena_strdup(a, db_col_text(st, i) ? db_col_text(st, i) : "");
}

static void unit_from_row(struct arena *a, struct db_stmt *st, struct unit *u)
{
	u->id = db_col_int(st, 0);
	u->parent_id = db_col_is_null(st, 1) ? 0 : db_col_int(st, 1);
	u->kind = dup_col(a, st, 2);
	u->agency_code = dup_col(a, st, 3);
	u->name = dup_col(a, st, 4);
	u->short_name = dup_col(a, st, 5);
	u->tax_code = dup_col(a, st, 6);
	u->address = dup_col(a, st, 7);
	u->active = db_col_int(st, 8) == 1;
	u->office = db_col_int(st, 9) == 1;
}

int org_unit_load(struct db *db, struct arena *a, int64_t id, struct unit *out)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT " UNIT_COLUMNS " FROM units WHERE id = ?", "i", id);
	int found = rc == DB_ROW;
	memset(out, 0, sizeof(*out));
	if (found)
		unit_from_row(a, st, out);
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : !found;
}

int org_unit_list(struct db *db, struct arena *a, struct unit **out, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 64;
	int rc;

	*n = 0;
	*out = arena_alloc(a, cap * sizeof(**out));
	rc = db_query(db, &st, "SELECT " UNIT_COLUMNS " FROM units ORDER BY id", "");
	while (rc == DB_ROW) {
		if (*n == cap) {
			struct unit *bigger = arena_alloc(a, st_mult(cap, 2 * sizeof(*bigger)));
			memcpy(bigger, *out, cap * sizeof(*bigger));
			*out = bigger;
			cap *= 2;
		}
		unit_from_row(a, st, &(*out)[(*n)++]);
		rc = db_step(st);
	}
	return rc < 0 ? rc : 0;
}

int org_unit_update(struct db *db, const struct unit *u)
{
	struct db_stmt *st = db_prepare(
		db, "UPDATE units SET parent_id = ?, kind = ?, agency_code = ?, name = ?, "
		    "short_name = ?, tax_code = ?, address = ?, active = ?, office = ? WHERE id = ?");
	const char *tax = u->tax_code ? u->tax_code : "", *address = u->address ? u->address : "";
	int rc;
	if (!st)
		return DB_ERROR;
	rc = u->parent_id ? db_bind_int(st, 1, u->parent_id) : db_bind_null(st, 1);
	rc = rc ? rc : db_bind_text(st, 2, u->kind, strlen(u->kind));
	rc = rc ? rc : db_bind_text(st, 3, u->agency_code, strlen(u->agency_code));
	rc = rc ? rc : db_bind_text(st, 4, u->name, strlen(u->name));
	rc = rc ? rc : db_bind_text(st, 5, u->short_name, strlen(u->short_name));
	rc = rc ? rc : db_bind_text(st, 6, tax, strlen(tax));
	rc = rc ? rc : db_bind_text(st, 7, address, strlen(address));
	rc = rc ? rc : db_bind_int(st, 8, u->active ? 1 : 0);
	rc = rc ? rc : db_bind_int(st, 9, u->office ? 1 : 0);
	rc = rc ? rc : db_bind_int(st, 10, u->id);
	rc = rc ? rc : db_step(st);
	if (rc)
		return rc;
	return db_changes(db) == 1 ? 0 : 1;
}

int org_tree_lock(struct db *db)
{
	int64_t version;
	return counter_next(db, "version", "units", "", &version);
}

/* The count `sql` gives for `id`. */
static int count_of(struct db *db, const char *sql, int64_t id, int64_t *out)
{
	struct db_stmt *st;
	int rc = db_query(db, &st, sql, "i", id);
	*out = rc == DB_ROW ? db_col_int(st, 0) : 0;
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : 0;
}

int org_unit_usage(struct db *db, int64_t id, struct unit_usage *out)
{
	int rc;
	memset(out, 0, sizeof(*out));
	rc = count_of(db, "SELECT COUNT(*) FROM units WHERE parent_id = ?", id, &out->children);
	rc = rc ? rc
		: count_of(db, "SELECT COUNT(*) FROM units WHERE parent_id = ? AND active = 1", id,
			   &out->active_children);
	rc = rc ? rc : count_of(db, "SELECT COUNT(*) FROM accounts WHERE unit_id = ?", id, &out->accounts);
	rc = rc ? rc
		: count_of(db, "SELECT COUNT(*) FROM accounts WHERE unit_id = ? AND active = 1", id,
			   &out->active_accounts);
	rc = rc ? rc : count_of(db, "SELECT COUNT(*) FROM role_grants WHERE unit_id = ?", id, &out->grants);
	rc = rc ? rc
		: count_of(db, "SELECT COUNT(*) FROM delegations WHERE unit_id = ?", id, &out->delegations);
	return rc;
}

int org_unit_in_use(const struct unit_usage *u)
{
	return u->children || u->accounts || u->grants || u->delegations;
}

int org_unit_delete(struct db *db, int64_t id)
{
	struct unit_usage use;
	int rc = org_unit_usage(db, id, &use);
	if (rc)
		return rc;
	if (org_unit_in_use(&use))
		return 2;
	if ((rc = db_exec(db, "DELETE FROM units WHERE id = ?", "i", id)))
		return rc;
	return db_changes(db) == 1 ? 0 : 1;
}

int64_t org_unit_by_code(struct db *db, const char *agency_code)
{
	struct db_stmt *st;
	int64_t id;
	int rc = db_query(db, &st, "SELECT id FROM units WHERE agency_code = ?", "s", agency_code);
	if (rc < 0)
		return rc;
	id = rc == DB_ROW ? db_col_int(st, 0) : 0;
	while (rc == DB_ROW)
		rc = db_step(st);
	return id;
}

/* Quận Thanh Xuân's 11 wards (DESIGN.md, from the seed report's district). */
static const char *const wards[] = {
	"Nhân Chính", "Thượng Đình", "Khương Trung",   "Khương Mai",	 "Thanh Xuân Trung", "Phương Liệt",
	"Hạ Đình",    "Khương Đình", "Thanh Xuân Bắc", "Thanh Xuân Nam", "Kim Giang",
};

static const struct {
	const char *name;
	const char *short_name;
} departments[] = {
	{ "Văn phòng HĐND và UBND quận", "VP" },
	{ "Phòng Tư pháp", "TP" },
	{ "Phòng Quản lý đô thị", "QLĐT" },
	{ "Phòng Tài chính - Kế hoạch", "TCKH" },
	{ "Phòng Văn hóa và Thông tin", "VHTT" },
	{ "Phòng Nội vụ", "NV" },
	{ "Phòng Tài nguyên và Môi trường", "TNMT" },
	{ "Phòng Kinh tế", "KT" },
	{ "Phòng Lao động - Thương binh và Xã hội", "LĐTBXH" },
	{ "Phòng Giáo dục và Đào tạo", "GDĐT" },
	{ "Phòng Y tế", "YT" },
	{ "Thanh tra quận", "TTr" },
};

int org_demo(struct db *db)
{
	struct unit u = { 0 };
	int64_t city = 0, district = 0, id = 0;
	char code[32], name[160];
	int rc;

	if ((rc = (int)org_unit_by_code(db, "000.00.00.H26")) != 0)
		return rc < 0 ? rc : 0;
	u.kind = "city";
	u.agency_code = "000.00.00.H26";
	u.name = "Thành phố Hà Nội";
	u.short_name = "UBND";
	if ((rc = org_unit_create(db, &u, &city)))
		return rc;
	u.parent_id = city;
	u.kind = "district";
	u.agency_code = "000.00.15.H26";
	u.name = "Quận Thanh Xuân";
	u.short_name = "UBND";
	if ((rc = org_unit_create(db, &u, &district)))
		return rc;
	for (size_t i = 0; i < sizeof(departments) / sizeof(departments[0]); i++) {
		u.parent_id = district;
		u.kind = "department";
		snprintf(code, sizeof(code), "%03zu.15.00.H26", i + 1);
		u.agency_code = code;
		u.name = departments[i].name;
		u.short_name = departments[i].short_name;
		u.office = i == 0; /* Văn phòng HĐND và UBND quận: the district's records clerks */
		if ((rc = org_unit_create(db, &u, &id)))
			return rc;
	}
	u.office = 0;
	u.parent_id = district;
	u.kind = "onestop";
	u.agency_code = "100.15.00.H26";
	u.name = "Bộ phận Tiếp nhận và Trả kết quả quận Thanh Xuân";
	u.short_name = "BPMC";
	if ((rc = org_unit_create(db, &u, &id)))
		return rc;
	for (size_t i = 0; i < sizeof(wards) / sizeof(wards[0]); i++) {
		int64_t ward = 0;
		u.parent_id = district;
		u.kind = "ward";
		snprintf(code, sizeof(code), "000.%02zu.15.H26", i + 1);
		snprintf(name, sizeof(name), "Phường %s", wards[i]);
		u.agency_code = code;
		u.name = name;
		u.short_name = "UBND";
		if ((rc = org_unit_create(db, &u, &ward)))
			return rc;
		u.parent_id = ward;
		u.kind = "onestop";
		snprintf(code, sizeof(code), "100.%02zu.15.H26", i + 1);
		snprintf(name, sizeof(name), "Bộ phận Một cửa phường %s", wards[i]);
		u.short_name = "BPMC";
		if ((rc = org_unit_create(db, &u, &id)))
			return rc;
	}
	return 0;
}
