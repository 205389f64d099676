/* cccd.h: the 12-digit personal identification number on the citizen ID card (số định danh cá nhân, CCCD). */
#ifndef RULES_CCCD_H
#define RULES_CCCD_H

enum cccd_sex {
	CCCD_MALE = 1,
	CCCD_FEMALE = 2,
};

/* What the number tells about its holder. */
struct cccd_info {
	char province_code[4];	   /* "001": where the birth was registered */
	const char *province_name; /* "Hà Nội" (UTF-8, static) */
	int sex;		   /* enum cccd_sex */
	int birth_year;		   /* in full: 1985 */
};

/*
 * Check the personal identification number `id` (NUL-terminated, exactly
 * as typed: the caller trims spaces) against its structure (Decree
 * 137/2015/NĐ-CP art. 7; Circular 07/2016/TT-BCA, now Circular 59/2021/TT-BCA):
 *
 *   digits 1-3   the code of the province or city where the birth was
 *                registered, from the official list of 63 codes;
 *   digit 4      century of birth and sex: 0/1 the 20th century (1900-1999),
 *                2/3 the 21st, 4/5 the 22nd, 6/7 the 23rd, 8/9 the 24th;
 *                even for a man, odd for a woman;
 *   digits 5-6   the last two digits of the year of birth;
 *   digits 7-12  a serial number (any digits).
 *
 * A birth year after `current_year` (the caller's clock: rules do no I/O) is
 * refused. No check digit exists, so a typo in the serial cannot be caught.
 *
 * Returns 0 and fills *out (when not NULL); otherwise -1, *out zeroed, with
 * *reason_msgid (when not NULL) an English message id to translate with _().
 */
int cccd_check(const char *id, int current_year, struct cccd_info *out, const char **reason_msgid);

/* Whether the number's birth year is `year` (e.g. the date of birth typed on the same form): 1 or 0. */
int cccd_matches_birth_year(const struct cccd_info *info, int year);

/* The name of the province `code` ("079"), or NULL when it is not on the list. */
const char *cccd_province_name(const char *code);

#endif
