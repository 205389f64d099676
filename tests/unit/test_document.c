/*
 * test_document.c: the rules of official documents (rules/document.h, Decree 30/2020/NĐ-CP): the
 * 29 types in the decree's order with their abbreviations (Công văn and Thư công without one), by
 * code, key and name; the number with its leading zero; the symbol of every type
 * ("147/KH-UBND", the Công văn's "123/UBND-TP", the Thư công's "05/UBND"); the short names a
 * symbol takes; urgency and secrecy by number, name and Vietnamese word; the symbols of incoming
 * documents; and the workflow of an outgoing document, every action from every status. Also the
 * signing notation an outgoing document gets from its signer's position (features/doc_outgoing.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "features/doc_outgoing.h"
#include "rules/document.h"
#include "core/banned.h"

/* Decree 30/2020 art. 7 and appendix III, in that order. */
static const struct {
	const char *name, *abbr, *key;
} decree[DOC_TYPE_COUNT] = {
	{ "Nghị quyết", "NQ", "nghi-quyet" },
	{ "Quyết định", "QĐ", "quyet-dinh" },
	{ "Chỉ thị", "CT", "chi-thi" },
	{ "Quy chế", "QC", "quy-che" },
	{ "Quy định", "QyĐ", "quy-dinh" },
	{ "Thông cáo", "TC", "thong-cao" },
	{ "Thông báo", "TB", "thong-bao" },
	{ "Hướng dẫn", "HD", "huong-dan" },
	{ "Chương trình", "CTr", "chuong-trinh" },
	{ "Kế hoạch", "KH", "ke-hoach" },
	{ "Phương án", "PA", "phuong-an" },
	{ "Đề án", "ĐA", "de-an" },
	{ "Dự án", "DA", "du-an" },
	{ "Báo cáo", "BC", "bao-cao" },
	{ "Biên bản", "BB", "bien-ban" },
	{ "Tờ trình", "TTr", "to-trinh" },
	{ "Hợp đồng", "HĐ", "hop-dong" },
	{ "Công văn", "", "cong-van" },
	{ "Công điện", "CĐ", "cong-dien" },
	{ "Bản ghi nhớ", "BGN", "ban-ghi-nho" },
	{ "Bản thỏa thuận", "BTT", "ban-thoa-thuan" },
	{ "Giấy ủy quyền", "GUQ", "giay-uy-quyen" },
	{ "Giấy mời", "GM", "giay-moi" },
	{ "Giấy giới thiệu", "GGT", "giay-gioi-thieu" },
	{ "Giấy nghỉ phép", "GNP", "giay-nghi-phep" },
	{ "Phiếu gửi", "PG", "phieu-gui" },
	{ "Phiếu chuyển", "PC", "phieu-chuyen" },
	{ "Phiếu báo", "PB", "phieu-bao" },
	{ "Thư công", "", "thu-cong" },
};

static void types(void **state)
{
	(void)state;
	for (int i = 0; i < DOC_TYPE_COUNT; i++) {
		const struct doc_type *t = doc_type(i + 1);
		assert_non_null(t);
		assert_int_equal(t->code, i + 1);
		assert_string_equal(t->name, decree[i].name);
		assert_string_equal(t->abbr, decree[i].abbr);
		assert_string_equal(t->key, decree[i].key);
		assert_ptr_equal(doc_type_by_key(decree[i].key), t);
		assert_ptr_equal(doc_type_by_name(decree[i].name), t);
	}
	assert_int_equal(DOC_TYPE_CONG_VAN, 18);
	assert_int_equal(DOC_TYPE_THU_CONG, 29);
	assert_null(doc_type(0));
	assert_null(doc_type(30));
	assert_null(doc_type(-1));
	assert_null(doc_type_by_key("Ke-hoach"));
	assert_null(doc_type_by_key(""));
	assert_null(doc_type_by_key(NULL));
	/* names are exact: no folding, no other case */
	assert_null(doc_type_by_name("Ke hoach"));
	assert_null(doc_type_by_name("kế hoạch"));
	assert_null(doc_type_by_name(NULL));
}

static void numbers(void **state)
{
	char s[24];
	(void)state;
	/* Decree 30/2020: a leading zero under 10 */
	assert_int_equal(doc_number_text(1, s, sizeof(s)), 0);
	assert_string_equal(s, "01");
	assert_int_equal(doc_number_text(9, s, sizeof(s)), 0);
	assert_string_equal(s, "09");
	assert_int_equal(doc_number_text(10, s, sizeof(s)), 0);
	assert_string_equal(s, "10");
	assert_int_equal(doc_number_text(147, s, sizeof(s)), 0);
	assert_string_equal(s, "147");
	assert_int_equal(doc_number_text(7018, s, sizeof(s)), 0);
	assert_string_equal(s, "7018");
	assert_int_equal(doc_number_text(INT64_MAX, s, sizeof(s)), 0);
	assert_string_equal(s, "9223372036854775807");
	assert_int_equal(doc_number_text(0, s, sizeof(s)), -1);
	assert_string_equal(s, "");
	assert_int_equal(doc_number_text(-3, s, sizeof(s)), -1);
	/* too small: "01" needs 3 bytes */
	assert_int_equal(doc_number_text(1, s, 2), -1);
	assert_string_equal(s, "");
	assert_int_equal(doc_number_text(1, s, 3), 0);
	assert_string_equal(s, "01");
}

static void symbols(void **state)
{
	char s[64], want[64];
	(void)state;
	/* every type: "NN/ABBR-UBND"; Công văn "NN/UBND-TP"; Thư công "NN/UBND" */
	for (int i = 0; i < DOC_TYPE_COUNT; i++) {
		int code = i + 1;
		assert_int_equal(doc_symbol(147, code, "UBND", "TP", s, sizeof(s)), 0);
		if (code == DOC_TYPE_CONG_VAN)
			snprintf(want, sizeof(want), "147/UBND-TP");
		else if (code == DOC_TYPE_THU_CONG)
			snprintf(want, sizeof(want), "147/UBND");
		else
			snprintf(want, sizeof(want), "147/%s-UBND", decree[i].abbr);
		assert_string_equal(s, want);
		/* the drafting unit matters to a Công văn only */
		if (code != DOC_TYPE_CONG_VAN) {
			assert_int_equal(doc_symbol(5, code, "UBND", NULL, s, sizeof(s)), 0);
			assert_memory_equal(s, "05/", 3);
		}
	}
	assert_int_equal(doc_symbol(147, 10, "UBND", NULL, s, sizeof(s)), 0);
	assert_string_equal(s, "147/KH-UBND");
	assert_int_equal(doc_symbol(1, 2, "UBND", NULL, s, sizeof(s)), 0);
	assert_string_equal(s, "01/QĐ-UBND");
	assert_int_equal(doc_symbol(123, DOC_TYPE_CONG_VAN, "UBND", "VP", s, sizeof(s)), 0);
	assert_string_equal(s, "123/UBND-VP");
	assert_int_equal(doc_symbol(8, DOC_TYPE_CONG_VAN, "UBND", "LĐTBXH", s, sizeof(s)), 0);
	assert_string_equal(s, "08/UBND-LĐTBXH");
	/* Thanh tra quận's short name has a small letter, as the decree's own TTr */
	assert_int_equal(doc_symbol(12, DOC_TYPE_CONG_VAN, "UBND", "TTr", s, sizeof(s)), 0);
	assert_string_equal(s, "12/UBND-TTr");
	assert_int_equal(doc_symbol(3, 5, "HĐND", NULL, s, sizeof(s)), 0);
	assert_string_equal(s, "03/QyĐ-HĐND");
	/* refused: no unit for a Công văn, a bad short name, no such type, no number, no room */
	assert_int_equal(doc_symbol(1, DOC_TYPE_CONG_VAN, "UBND", NULL, s, sizeof(s)), -1);
	assert_string_equal(s, "");
	assert_int_equal(doc_symbol(1, DOC_TYPE_CONG_VAN, "UBND", "", s, sizeof(s)), -1);
	assert_int_equal(doc_symbol(1, 10, "UB ND", NULL, s, sizeof(s)), -1);
	assert_int_equal(doc_symbol(1, 10, "UBND/X", NULL, s, sizeof(s)), -1);
	assert_int_equal(doc_symbol(1, 10, "UBND-X", NULL, s, sizeof(s)), -1);
	assert_int_equal(doc_symbol(1, 10, NULL, NULL, s, sizeof(s)), -1);
	assert_int_equal(doc_symbol(1, 0, "UBND", NULL, s, sizeof(s)), -1);
	assert_int_equal(doc_symbol(1, 30, "UBND", NULL, s, sizeof(s)), -1);
	assert_int_equal(doc_symbol(0, 10, "UBND", NULL, s, sizeof(s)), -1);
	assert_int_equal(doc_symbol(147, 10, "UBND", NULL, s, 11), -1);
	assert_string_equal(s, "");
	assert_int_equal(doc_symbol(147, 10, "UBND", NULL, s, 12), 0);
	assert_string_equal(s, "147/KH-UBND");
}

static void short_names(void **state)
{
	(void)state;
	assert_true(doc_short_name_valid("UBND"));
	assert_true(doc_short_name_valid("VP"));
	assert_true(doc_short_name_valid("TP"));
	assert_true(doc_short_name_valid("QLĐT"));
	assert_true(doc_short_name_valid("LĐTBXH"));
	assert_true(doc_short_name_valid("TTr"));
	assert_true(doc_short_name_valid("UBND.TX"));
	assert_true(doc_short_name_valid("GD&ĐT"));
	assert_true(doc_short_name_valid("BCĐ389"));
	assert_true(doc_short_name_valid("12345678901234567890"));
	assert_false(doc_short_name_valid("123456789012345678901"));
	assert_false(doc_short_name_valid(""));
	assert_false(doc_short_name_valid(NULL));
	assert_false(doc_short_name_valid("UB ND"));
	assert_false(doc_short_name_valid("UB-ND"));
	assert_false(doc_short_name_valid("UB/ND"));
	assert_false(doc_short_name_valid("UBND\n"));
	assert_false(doc_short_name_valid("A×B"));
	assert_false(doc_short_name_valid("\xC4"));	/* a lead byte alone */
	assert_false(doc_short_name_valid("\xC3\x28")); /* not a continuation */
}

static void levels(void **state)
{
	static const char *const un[] = { "thuong", "khan", "thuong-khan", "hoa-toc" };
	static const char *const ul[] = { "Thường", "Khẩn", "Thượng khẩn", "Hỏa tốc" };
	static const char *const sn[] = { "thuong", "mat", "toi-mat", "tuyet-mat" };
	static const char *const sl[] = { "Thường", "Mật", "Tối mật", "Tuyệt mật" };
	(void)state;
	for (int i = 0; i < 4; i++) {
		assert_string_equal(doc_urgency_name(i + 1), un[i]);
		assert_string_equal(doc_urgency_label(i + 1), ul[i]);
		assert_int_equal(doc_urgency_from_name(un[i]), i + 1);
		assert_string_equal(doc_secrecy_name(i + 1), sn[i]);
		assert_string_equal(doc_secrecy_label(i + 1), sl[i]);
		assert_int_equal(doc_secrecy_from_name(sn[i]), i + 1);
	}
	assert_int_equal(DOC_URGENCY_NORMAL, 1);
	assert_int_equal(DOC_URGENCY_FLASH, 4);
	assert_int_equal(DOC_SECRECY_NONE, 1);
	assert_int_equal(DOC_SECRECY_TOP_SECRET, 4);
	assert_null(doc_urgency_name(0));
	assert_null(doc_urgency_name(5));
	assert_null(doc_secrecy_label(0));
	assert_null(doc_secrecy_label(5));
	assert_int_equal(doc_urgency_from_name("Khẩn"), 0);
	assert_int_equal(doc_urgency_from_name(""), 0);
	assert_int_equal(doc_urgency_from_name(NULL), 0);
	assert_int_equal(doc_secrecy_from_name("khan"), 0);
}

static void incoming_symbols(void **state)
{
	(void)state;
	assert_true(doc_incoming_symbol_valid("147/KH-UBND"));
	assert_true(doc_incoming_symbol_valid("2345/BTC-TCT"));
	assert_true(doc_incoming_symbol_valid("05/2021/TT-BTC"));
	assert_true(doc_incoming_symbol_valid("30/2020/NĐ-CP"));
	assert_false(doc_incoming_symbol_valid("KH-UBND"));
	assert_false(doc_incoming_symbol_valid("147"));
	assert_false(doc_incoming_symbol_valid("/KH"));
	assert_false(doc_incoming_symbol_valid(""));
	assert_false(doc_incoming_symbol_valid(NULL));
	assert_false(doc_incoming_symbol_valid("147/KH\n-UBND"));
	assert_false(doc_incoming_symbol_valid("147/KH-\xC3"));
	{
		/* at most 60 bytes */
		char s[64];
		memset(s, '7', sizeof(s));
		s[1] = '/';
		s[60] = '\0';
		assert_true(doc_incoming_symbol_valid(s));
		s[60] = '7';
		s[61] = '\0';
		assert_false(doc_incoming_symbol_valid(s));
	}
}

/* Every action from every status of an outgoing document, as the workflow allows them. */
static void workflow(void **state)
{
	/* expected[status][action]: the next status, 0 when refused */
	static const int expected[7][8] = {
		[DOC_OUT_DRAFT] = { [DOC_OUT_SUBMIT] = DOC_OUT_REVIEW },
		[DOC_OUT_REVIEW] = { [DOC_OUT_COMMENT] = DOC_OUT_REVIEW,
				     [DOC_OUT_RETURN] = DOC_OUT_DRAFT,
				     [DOC_OUT_FORWARD] = DOC_OUT_APPROVAL },
		[DOC_OUT_APPROVAL] = { [DOC_OUT_COMMENT] = DOC_OUT_APPROVAL,
				       [DOC_OUT_RETURN] = DOC_OUT_DRAFT,
				       [DOC_OUT_SIGN] = DOC_OUT_SIGNED },
		[DOC_OUT_SIGNED] = { [DOC_OUT_ISSUE] = DOC_OUT_ISSUED },
		[DOC_OUT_ISSUED] = { [DOC_OUT_WITHDRAW] = DOC_OUT_WITHDRAWN },
		[DOC_OUT_WITHDRAWN] = { 0 },
	};
	static const char *const statuses[] = { NULL,	  "draft",  "review",	"approval",
						"signed", "issued", "withdrawn" };
	static const char *const actions[] = { NULL,	  "submit", "comment", "return",
					       "forward", "sign",   "issue",   "withdraw" };
	(void)state;
	for (int s = 0; s <= 7; s++)
		for (int a = 0; a <= 8; a++) {
			int want = s >= 1 && s <= 6 && a >= 1 && a <= 7 ? expected[s][a] : 0;
			if (doc_out_next_status(s, a) != want)
				fail_msg("status %d, action %d: %d, not %d", s, a, doc_out_next_status(s, a),
					 want);
		}
	for (int s = 1; s <= 6; s++) {
		assert_string_equal(doc_out_status_name(s), statuses[s]);
		assert_non_null(doc_out_status_label(s));
	}
	assert_null(doc_out_status_name(0));
	assert_null(doc_out_status_name(7));
	for (int a = 1; a <= 7; a++) {
		assert_string_equal(doc_out_action_name(a), actions[a]);
		assert_int_equal(doc_out_action_from_name(actions[a]), a);
	}
	assert_int_equal(doc_out_action_from_name("delete"), 0);
	assert_int_equal(doc_out_action_from_name("Sign"), 0);
	assert_int_equal(doc_out_action_from_name(NULL), 0);
	assert_null(doc_out_action_name(8));
	/* nothing goes back once issued: a number is never given twice */
	for (int a = 1; a <= 7; a++) {
		assert_true(doc_out_next_status(DOC_OUT_ISSUED, a) == 0 || a == DOC_OUT_WITHDRAW);
		assert_int_equal(doc_out_next_status(DOC_OUT_WITHDRAWN, a), 0);
	}
}

static void incoming_names(void **state)
{
	(void)state;
	assert_string_equal(doc_in_status_name(DOC_IN_REGISTERED), "registered");
	assert_string_equal(doc_in_status_name(DOC_IN_FILED), "filed");
	assert_null(doc_in_status_name(0));
	assert_int_equal(doc_recipient_role_from_name("lead"), DOC_RCPT_LEAD);
	assert_int_equal(doc_recipient_role_from_name("inform"), DOC_RCPT_INFORM);
	assert_string_equal(doc_recipient_role_name(DOC_RCPT_COORDINATE), "coordinate");
	assert_int_equal(doc_recipient_state_from_name("in_progress"), DOC_RCPT_WORKING);
	assert_string_equal(doc_recipient_state_name(DOC_RCPT_DONE), "done");
	assert_int_equal(doc_recipient_state_from_name("working"), 0);
}

/* The title above a signature, and the notation (features/doc_outgoing.h). */
static void notations(void **state)
{
	char title[128], n[256];
	(void)state;
	doc_out_title("Phó Chủ tịch UBND quận", title, sizeof(title));
	assert_string_equal(title, "Phó Chủ tịch");
	doc_out_title("Chủ tịch UBND phường Nhân Chính", title, sizeof(title));
	assert_string_equal(title, "Chủ tịch");
	doc_out_title("Phó Chủ tịch Thường trực Ủy ban nhân dân quận", title, sizeof(title));
	assert_string_equal(title, "Phó Chủ tịch Thường trực");
	doc_out_title("Trưởng phòng Tư pháp", title, sizeof(title));
	assert_string_equal(title, "Trưởng phòng Tư pháp");
	doc_out_title("  Chủ tịch   UBND", title, sizeof(title));
	assert_string_equal(title, "Chủ tịch");
	doc_out_title("", title, sizeof(title));
	assert_string_equal(title, "");

	/* a deputy chairman of a People's Committee */
	assert_int_equal(doc_out_notation("district", "Phó Chủ tịch UBND quận", NULL, title, sizeof(title), n,
					  sizeof(n)),
			 0);
	assert_string_equal(n, "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH");
	assert_string_equal(title, "Phó Chủ tịch");
	/* the chairman */
	assert_int_equal(doc_out_notation("ward", "Chủ tịch UBND phường Nhân Chính", NULL, title,
					  sizeof(title), n, sizeof(n)),
			 0);
	assert_string_equal(n, "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH");
	/* an acting chairman */
	assert_int_equal(doc_out_notation("ward", "Quyền Chủ tịch UBND phường", NULL, title, sizeof(title), n,
					  sizeof(n)),
			 0);
	assert_string_equal(n, "TM. ỦY BAN NHÂN DÂN\nQ. CHỦ TỊCH");
	/* by a delegation of the chairman: TUQ., never with TM. */
	assert_int_equal(doc_out_notation("ward", "Công chức Tư pháp - Hộ tịch",
					  "Chủ tịch UBND phường Nhân Chính", title, sizeof(title), n,
					  sizeof(n)),
			 0);
	assert_string_equal(n, "TUQ. CHỦ TỊCH\nCÔNG CHỨC TƯ PHÁP - HỘ TỊCH");
	assert_string_equal(title, "Công chức Tư pháp - Hộ tịch");
	/* a delegation from a deputy still acts for the head's title */
	assert_int_equal(doc_out_notation("district", "Trưởng phòng Tư pháp", "Phó Chủ tịch UBND quận", title,
					  sizeof(title), n, sizeof(n)),
			 0);
	assert_string_equal(n, "TUQ. CHỦ TỊCH\nTRƯỞNG PHÒNG TƯ PHÁP");
	/* a department signs in its own name */
	assert_int_equal(doc_out_notation("department", "Phó Trưởng phòng Tư pháp", NULL, title,
					  sizeof(title), n, sizeof(n)),
			 0);
	assert_string_equal(n, "KT. TRƯỞNG PHÒNG TƯ PHÁP\nPHÓ TRƯỞNG PHÒNG TƯ PHÁP");
	/* no position: no notation */
	assert_int_equal(doc_out_notation("district", "", NULL, title, sizeof(title), n, sizeof(n)), -1);
	assert_string_equal(n, "");

	/* by order of the chairman (TL.), not on behalf of the committee: the head of a department */
	assert_int_equal(doc_out_notation_by_order("district", "Trưởng phòng Tư pháp", title, sizeof(title),
						   n, sizeof(n)),
			 0);
	assert_string_equal(n, "TL. CHỦ TỊCH\nTRƯỞNG PHÒNG TƯ PHÁP");
	assert_string_equal(title, "Trưởng phòng Tư pháp");
	/* and his deputy, for him */
	assert_int_equal(doc_out_notation_by_order("ward", "Phó Chánh Văn phòng", title, sizeof(title), n,
						   sizeof(n)),
			 0);
	assert_string_equal(n, "TL. CHỦ TỊCH\nKT. CHÁNH VĂN PHÒNG\nPHÓ CHÁNH VĂN PHÒNG");
	/* only for a People's Committee's chairman; never without a title */
	assert_int_equal(doc_out_notation_by_order("department", "Trưởng phòng Tư pháp", title, sizeof(title),
						   n, sizeof(n)),
			 -1);
	assert_int_equal(doc_out_notation_by_order("district", " ", title, sizeof(title), n, sizeof(n)), -1);
	assert_string_equal(n, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(types),     cmocka_unit_test(numbers),
		cmocka_unit_test(symbols),   cmocka_unit_test(short_names),
		cmocka_unit_test(levels),    cmocka_unit_test(incoming_symbols),
		cmocka_unit_test(workflow),  cmocka_unit_test(incoming_names),
		cmocka_unit_test(notations),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
