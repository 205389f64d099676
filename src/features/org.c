/* org.c: units of the organisation tree. */
#include <stdio.h>
#include <string.h>
#include "core/timefmt.h"
#include "features/org.h"
#include "store/counter.h"
#include "core/banned.h"

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
			"address, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
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
	return rc ? rc : db_step(st);
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
		if ((rc = org_unit_create(db, &u, &id)))
			return rc;
	}
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
