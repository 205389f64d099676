/* cccd.c: structure of the personal identification number (Decree 137/2015/NĐ-CP art. 7). */
#include <assert.h>
#include <string.h>
#include "core/i18n.h"
#include "rules/cccd.h"
#include "core/banned.h"

#define CCCD_DIGITS 12

struct province {
	const char *code;
	const char *name;
};

/*
 * Province codes of the place of birth registration (Circular 07/2016/TT-BCA,
 * now Circular 59/2021/TT-BCA), sorted by code. The names are those of the
 * 63 provinces the codes were given to: numbers already issued keep their
 * code whatever later mergers of provinces do.
 */
static const struct province provinces[] = {
	{ "001", "Hà Nội" },
	{ "002", "Hà Giang" },
	{ "004", "Cao Bằng" },
	{ "006", "Bắc Kạn" },
	{ "008", "Tuyên Quang" },
	{ "010", "Lào Cai" },
	{ "011", "Điện Biên" },
	{ "012", "Lai Châu" },
	{ "014", "Sơn La" },
	{ "015", "Yên Bái" },
	{ "017", "Hòa Bình" },
	{ "019", "Thái Nguyên" },
	{ "020", "Lạng Sơn" },
	{ "022", "Quảng Ninh" },
	{ "024", "Bắc Giang" },
	{ "025", "Phú Thọ" },
	{ "026", "Vĩnh Phúc" },
	{ "027", "Bắc Ninh" },
	{ "030", "Hải Dương" },
	{ "031", "Hải Phòng" },
	{ "033", "Hưng Yên" },
	{ "034", "Thái Bình" },
	{ "035", "Hà Nam" },
	{ "036", "Nam Định" },
	{ "037", "Ninh Bình" },
	{ "038", "Thanh Hóa" },
	{ "040", "Nghệ An" },
	{ "042", "Hà Tĩnh" },
	{ "044", "Quảng Bình" },
	{ "045", "Quảng Trị" },
	{ "046", "Thừa Thiên Huế" },
	{ "048", "Đà Nẵng" },
	{ "049", "Quảng Nam" },
	{ "051", "Quảng Ngãi" },
	{ "052", "Bình Định" },
	{ "054", "Phú Yên" },
	{ "056", "Khánh Hòa" },
	{ "058", "Ninh Thuận" },
	{ "060", "Bình Thuận" },
	{ "062", "Kon Tum" },
	{ "064", "Gia Lai" },
	{ "066", "Đắk Lắk" },
	{ "067", "Đắk Nông" },
	{ "068", "Lâm Đồng" },
	{ "070", "Bình Phước" },
	{ "072", "Tây Ninh" },
	{ "074", "Bình Dương" },
	{ "075", "Đồng Nai" },
	{ "077", "Bà Rịa - Vũng Tàu" },
	{ "079", "Hồ Chí Minh" },
	{ "080", "Long An" },
	{ "082", "Tiền Giang" },
	{ "083", "Bến Tre" },
	{ "084", "Trà Vinh" },
	{ "086", "Vĩnh Long" },
	{ "087", "Đồng Tháp" },
	{ "089", "An Giang" },
	{ "091", "Kiên Giang" },
	{ "092", "Cần Thơ" },
	{ "093", "Hậu Giang" },
	{ "094", "Sóc Trăng" },
	{ "095", "Bạc Liêu" },
	{ "096", "Cà Mau" },
};

const char *cccd_province_name(const char *code)
{
	for (size_t i = 0; i < sizeof(provinces) / sizeof(provinces[0]); i++)
		if (!strcmp(provinces[i].code, code))
			return provinces[i].name;
	return NULL;
}

int cccd_check(const char *id, int current_year, struct cccd_info *out, const char **reason_msgid)
{
	const char *reason = NULL;
	struct cccd_info info;
	char code[4];
	int century;

	assert(id);
	memset(&info, 0, sizeof(info));
	for (size_t i = 0; i < CCCD_DIGITS; i++) {
		if (id[i] < '0' || id[i] > '9') {
			reason = N_("The citizen ID number must have exactly 12 digits.");
			goto out;
		}
	}
	if (id[CCCD_DIGITS] != '\0') {
		reason = N_("The citizen ID number must have exactly 12 digits.");
		goto out;
	}
	memcpy(code, id, 3);
	code[3] = '\0';
	info.province_name = cccd_province_name(code);
	if (!info.province_name) {
		reason = N_("The first three digits are not a province code.");
		goto out;
	}
	memcpy(info.province_code, code, sizeof(code));
	/* Circular 07/2016/TT-BCA art. 7: the century code, even for men, odd for women */
	century = id[3] - '0';
	info.sex = century % 2 ? CCCD_FEMALE : CCCD_MALE;
	info.birth_year = 1900 + century / 2 * 100 + (id[4] - '0') * 10 + (id[5] - '0');
	if (info.birth_year > current_year) {
		reason = N_("The birth year in the citizen ID number is in the future.");
		goto out;
	}
out:
	if (reason)
		memset(&info, 0, sizeof(info));
	if (out)
		*out = info;
	if (reason_msgid)
		*reason_msgid = reason;
	return reason ? -1 : 0;
}

int cccd_matches_birth_year(const struct cccd_info *info, int year)
{
	return info->birth_year != 0 && info->birth_year == year;
}
