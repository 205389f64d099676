/* test_procedure.c: the rules of a procedure in the catalogue (rules/procedure.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "rules/procedure.h"
#include "core/banned.h"

#define SHA "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* The errors procedure_check reported. */
struct errors {
	int n;
	const char *field[64];
	const char *msgid[64];
};

static void collect(void *ctx, const char *field, const char *msgid)
{
	struct errors *e = ctx;

	assert_non_null(field);
	assert_non_null(msgid);
	assert_true(msgid[0] != '\0');
	/* kept as given: the field names and messages are static (ASan would see a stale one) */
	if (e->n < 64) {
		e->field[e->n] = field;
		e->msgid[e->n] = msgid;
	}
	e->n++;
}

static int check(const struct procedure *p, struct errors *e)
{
	int n;

	memset(e, 0, sizeof(*e));
	n = procedure_check(p, collect, e);
	assert_int_equal(n, e->n);
	/* the count is the same without a callback */
	assert_int_equal(procedure_check(p, NULL, NULL), n);
	return n;
}

static void expect_valid(const struct procedure *p)
{
	struct errors e;

	if (check(p, &e) != 0)
		fail_msg("%d errors, the first %s: %s", e.n, e.field[0], e.msgid[0]);
}

/* Exactly one error, on `field`, and with `msgid` when given. */
#define expect_one(p, field, msgid) expect_one_at(p, field, msgid, __LINE__)
static void expect_one_at(const struct procedure *p, const char *field, const char *msgid, int line)
{
	struct errors e;

	check(p, &e);
	if (e.n != 1 || strcmp(e.field[0], field) || (msgid && strcmp(e.msgid[0], msgid))) {
		for (int i = 0; i < e.n && i < 64; i++)
			print_message("# line %d: error %d: %s: %s\n", line, i, e.field[i], e.msgid[i]);
		fail_msg("line %d: %d errors, want one on \"%s\"", line, e.n, field);
	}
}

/* Chứng thực bản sao từ bản chính (2.000815), at the ward, the same day. */
static void certification(struct procedure *p)
{
	memset(p, 0, sizeof(*p));
	p->code = "2.000815";
	p->name =
		"Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt "
		"Nam cấp hoặc chứng nhận";
	p->field = "Chứng thực";
	p->level = PROC_WARD;
	p->inter_level = 0;
	p->receive_level = PROC_WARD;
	p->decide_level = PROC_WARD;
	p->receiving = "Bộ phận Một cửa UBND phường";
	p->deciding = "Chủ tịch UBND phường";
	p->time_amount = 0;
	p->time_unit = PROC_DAYS;
	p->time_note = "Trong ngày; sau 15 giờ thì trả trong ngày làm việc tiếp theo";
	p->fees[0] = (struct fee_line){
		.name = "Phí chứng thực bản sao từ bản chính",
		.per = FEE_PER_PAGE,
		.tiers = { { 1, 2, 2000 }, { 3, 0, 1000 } },
		.ntiers = 2,
		.max = 200000,
	};
	p->nfees = 1;
	p->fee_note = "";
	p->documents[0] =
		(struct proc_document){ "Bản chính giấy tờ, văn bản", PROC_DOC_ORIGINAL, 1, "", "" };
	p->documents[1] = (struct proc_document){ "Bản sao cần chứng thực", PROC_DOC_COPY, 1, "", "" };
	p->ndocuments = 2;
	p->result = "Bản sao được chứng thực từ bản chính";
	p->legal_basis = "Nghị định số 23/2015/NĐ-CP\nThông tư số 226/2016/TT-BTC";
	p->conditions = "";
	p->online = PROC_ONLINE_PARTIAL;
	p->steps[0] =
		(struct proc_step){ "Tiếp nhận hồ sơ", "Bộ phận Một cửa", "onestop_clerk", PROC_WARD, 1 };
	p->steps[1] = (struct proc_step){ "Đối chiếu, chứng thực", "Công chức Tư pháp - Hộ tịch",
					  "specialist", PROC_WARD, 4 };
	p->steps[2] = (struct proc_step){ "Ký chứng thực", "Chủ tịch UBND phường", "leader", PROC_WARD, 2 };
	p->steps[3] = (struct proc_step){ "Trả kết quả", "Bộ phận Một cửa", "onestop_clerk", PROC_WARD, 1 };
	p->nsteps = 4;
}

/* A district procedure of 5 working days whose steps add up to 40 hours. */
static void district(struct procedure *p)
{
	memset(p, 0, sizeof(*p));
	p->code = "1.001612";
	p->name = "Đăng ký thành lập hộ kinh doanh";
	p->field = "Thành lập và hoạt động của hộ kinh doanh";
	p->level = PROC_DISTRICT;
	p->receive_level = PROC_DISTRICT;
	p->decide_level = PROC_DISTRICT;
	p->receiving = "Bộ phận Một cửa UBND quận";
	p->deciding = "Phòng Tài chính - Kế hoạch";
	p->time_amount = 5;
	p->time_unit = PROC_DAYS;
	p->time_note = "";
	p->fees[0] = (struct fee_line){
		.name = "Lệ phí đăng ký hộ kinh doanh", .kind = 1, .per = FEE_PER_DOSSIER, .amount = 100000
	};
	p->nfees = 1;
	p->fee_note = "Miễn lệ phí khi đăng ký qua mạng";
	p->documents[0] = (struct proc_document){ "Giấy đề nghị đăng ký hộ kinh doanh", PROC_DOC_ORIGINAL, 1,
						  "Mẫu giấy đề nghị", SHA };
	p->documents[1] = (struct proc_document){ "Bản sao giấy tờ pháp lý của cá nhân",
						  PROC_DOC_CERTIFIED_COPY, 2, "", "" };
	p->ndocuments = 2;
	p->result = "Giấy chứng nhận đăng ký hộ kinh doanh";
	p->legal_basis = "Nghị định số 01/2021/NĐ-CP";
	p->conditions = "Ngành, nghề đăng ký kinh doanh không bị cấm;\r\nTên hộ kinh doanh đúng quy định.";
	p->online = PROC_ONLINE_FULL;
	p->steps[0] =
		(struct proc_step){ "Tiếp nhận hồ sơ", "Bộ phận Một cửa", "onestop_clerk", PROC_DISTRICT, 4 };
	p->steps[1] =
		(struct proc_step){ "Thẩm định hồ sơ", "Chuyên viên phòng", "specialist", PROC_DISTRICT, 24 };
	p->steps[2] = (struct proc_step){ "Lãnh đạo phòng duyệt", "Trưởng phòng", "", PROC_DISTRICT, 4 };
	p->steps[3] =
		(struct proc_step){ "Ký giấy chứng nhận", "Lãnh đạo UBND quận", "leader", PROC_DISTRICT, 4 };
	p->steps[4] =
		(struct proc_step){ "Trả kết quả", "Bộ phận Một cửa", "onestop_clerk", PROC_DISTRICT, 4 };
	p->nsteps = 5;
}

/* Received at the ward, decided at the district (liên thông), in 3 working days. */
static void inter_level(struct procedure *p)
{
	district(p);
	p->code = "TX-LT-01";
	p->name = "Thủ tục liên thông phường – quận";
	p->inter_level = 1;
	p->receive_level = PROC_WARD;
	p->decide_level = PROC_DISTRICT;
	p->level = PROC_DISTRICT;
	p->receiving = "Bộ phận Một cửa UBND phường";
	p->deciding = "Chủ tịch UBND quận";
	p->time_amount = 3;
	p->steps[0] = (struct proc_step){ "Tiếp nhận hồ sơ", "Bộ phận Một cửa UBND phường", "onestop_clerk",
					  PROC_WARD, 4 };
	p->steps[1] =
		(struct proc_step){ "Chuyển hồ sơ lên quận", "Công chức phường", "specialist", PROC_WARD, 4 };
	p->steps[2] = (struct proc_step){ "Thẩm định", "Chuyên viên quận", "specialist", PROC_DISTRICT, 8 };
	p->steps[3] = (struct proc_step){ "Phê duyệt", "Chủ tịch UBND quận", "leader", PROC_DISTRICT, 4 };
	p->steps[4] = (struct proc_step){ "Trả kết quả tại phường", "Bộ phận Một cửa UBND phường",
					  "onestop_clerk", PROC_WARD, 4 };
	p->nsteps = 5;
}

static void test_valid(void **state)
{
	struct procedure p;

	certification(&p);
	expect_valid(&p);
	assert_int_equal(procedure_hours(&p), 0);
	/* same day: up to one working day in all, less is fine */
	p.steps[1].hours = 3;
	expect_valid(&p);
	p.steps[1].hours = 0;
	expect_valid(&p);
	p.nsteps = 1;
	p.steps[0].hours = 0;
	expect_valid(&p);
	/* same day counted in hours */
	certification(&p);
	p.time_unit = PROC_HOURS;
	expect_valid(&p);

	district(&p);
	expect_valid(&p);
	assert_int_equal(procedure_hours(&p), 40);
	/* the same time in hours */
	p.time_unit = PROC_HOURS;
	p.time_amount = 40;
	expect_valid(&p);

	inter_level(&p);
	expect_valid(&p);
	assert_int_equal(procedure_hours(&p), 24);

	/* the largest times */
	district(&p);
	p.time_amount = 365;
	p.steps[1].hours = 2920 - 16;
	expect_valid(&p);
	p.time_unit = PROC_HOURS;
	p.time_amount = 2920;
	expect_valid(&p);
	p.nsteps = 1;
	p.steps[0].hours = 2920;
	expect_valid(&p);

	/* the most fees, documents and steps */
	certification(&p);
	for (size_t i = 1; i < PROC_MAX_FEES; i++)
		p.fees[i] = p.fees[0];
	p.nfees = PROC_MAX_FEES;
	for (size_t i = 0; i < PROC_MAX_DOCUMENTS; i++)
		p.documents[i] = (struct proc_document){ "Giấy tờ", PROC_DOC_COPY, 99, NULL, NULL };
	p.ndocuments = PROC_MAX_DOCUMENTS;
	for (size_t i = 0; i < PROC_MAX_STEPS; i++)
		p.steps[i] = (struct proc_step){ "Bước", "Bộ phận", "", PROC_WARD, 0 };
	p.nsteps = PROC_MAX_STEPS;
	expect_valid(&p);
	/* no fees, no documents */
	p.nfees = 0;
	p.ndocuments = 0;
	expect_valid(&p);
}

static void test_code_and_name(void **state)
{
	struct procedure p;
	char name[2048];

	certification(&p);
	p.code = "";
	expect_one(&p, "code", "Enter the code of the procedure.");
	p.code = "x";
	expect_one(&p, "code", NULL);
	p.code = "2.000 815";
	expect_one(&p, "code", NULL);
	p.code = "2.000815-TX";
	expect_valid(&p);

	certification(&p);
	p.name = "";
	expect_one(&p, "name", "Enter the name of the procedure.");
	p.name = "  \t ";
	expect_one(&p, "name", "Enter the name of the procedure.");
	p.name = "Chứng thực\nbản sao";
	expect_one(&p, "name", "This text must be on one line.");
	p.name = "Chứng thực\x01";
	expect_one(&p, "name", "The text contains characters that are not allowed.");
	p.name = "Chứng thực\x7f";
	expect_one(&p, "name", "The text contains characters that are not allowed.");
	p.name = "Chứng thực\xc2\x85"; /* U+0085, a C1 control */
	expect_one(&p, "name", "The text contains characters that are not allowed.");
	p.name = "Chứng th\xe1\xbb";
	expect_one(&p, "name", "The text contains characters that are not allowed.");
	/* 500 characters, not bytes: "ệ" is three bytes */
	name[0] = '\0';
	for (int i = 0; i < 500; i++)
		memcpy(name + 3 * i, "ệ", 4);
	p.name = name;
	assert_int_equal(strlen(name), 1500);
	expect_valid(&p);
	memcpy(name + 1500, "a", 2);
	expect_one(&p, "name", "The name of the procedure may have at most 500 characters.");
	p.name = "A";
	expect_valid(&p);
}

static void test_texts(void **state)
{
	struct procedure p;

	certification(&p);
	p.field = "";
	expect_one(&p, "field", "Choose the field of the procedure.");
	certification(&p);
	p.receiving = "";
	expect_one(&p, "receiving", "Enter the units that receive the dossier.");
	certification(&p);
	p.deciding = " ";
	expect_one(&p, "deciding", "Enter who decides.");
	certification(&p);
	p.result = "\n";
	expect_one(&p, "result", "Enter what the citizen receives.");
	certification(&p);
	p.legal_basis = "";
	expect_one(&p, "legal_basis", "Enter the legal basis.");
	/* NULL counts as empty */
	certification(&p);
	p.legal_basis = NULL;
	expect_one(&p, "legal_basis", "Enter the legal basis.");

	/* line breaks: in result, legal_basis, conditions and the time's note only */
	certification(&p);
	p.result = "Bản sao\r\nđược chứng thực";
	p.legal_basis = "Nghị định 23/2015/NĐ-CP\r\nThông tư 226/2016/TT-BTC\n";
	p.conditions = "Không\nCó";
	p.time_note = "Trong ngày\nSau 15 giờ: ngày hôm sau";
	expect_valid(&p);
	p.legal_basis = "Nghị định\rThông tư"; /* a lone CR */
	expect_one(&p, "legal_basis", "The text contains characters that are not allowed.");
	certification(&p);
	p.conditions = "Điều kiện\tmột";
	expect_one(&p, "conditions", "The text contains characters that are not allowed.");
	certification(&p);
	p.conditions = "\xff";
	expect_one(&p, "conditions", "The text contains characters that are not allowed.");
	certification(&p);
	p.field = "Chứng\nthực";
	expect_one(&p, "field", "This text must be on one line.");
	certification(&p);
	p.receiving = "Bộ phận\x1b[31m";
	expect_one(&p, "receiving", "The text contains characters that are not allowed.");
	certification(&p);
	p.deciding = "Chủ tịch\r\nUBND";
	expect_one(&p, "deciding", "This text must be on one line.");
	certification(&p);
	p.fee_note = "Miễn phí\nkhi đúng hạn";
	expect_one(&p, "fee_note", "This text must be on one line.");
	certification(&p);
	p.time_note = "Trong ngày\x02";
	expect_one(&p, "time", "The text contains characters that are not allowed.");
}

static void test_levels(void **state)
{
	struct procedure p;

	certification(&p);
	p.level = 0;
	expect_one(&p, "level", "Choose the level of the procedure: city, district or ward.");
	p.level = PROC_WARD + 1;
	expect_one(&p, "level", NULL);
	certification(&p);
	p.receive_level = 0;
	expect_one(&p, "receive_level", "Choose the level that receives the dossier.");
	certification(&p);
	p.decide_level = 9;
	expect_one(&p, "decide_level", "Choose the level that decides.");
	/* the procedure's level is the deciding level */
	certification(&p);
	p.level = PROC_DISTRICT;
	expect_one(&p, "level", "The level of the procedure must be the level that decides it.");

	/* inter-level exactly when received and decided at different levels */
	certification(&p);
	p.inter_level = 1;
	expect_one(&p, "inter_level",
		   "An inter-level procedure is received at one level and decided at another.");
	inter_level(&p);
	p.inter_level = 0;
	expect_one(
		&p, "inter_level",
		"The dossier is received at one level and decided at another: mark the procedure as inter-level.");
	/* received at the district, decided at the city */
	inter_level(&p);
	p.receive_level = PROC_DISTRICT;
	p.decide_level = PROC_CITY;
	p.level = PROC_CITY;
	expect_valid(&p);
	/* the level is the deciding one, not the receiving one */
	inter_level(&p);
	p.level = PROC_WARD;
	expect_one(&p, "level", "The level of the procedure must be the level that decides it.");
}

static void test_time(void **state)
{
	struct procedure p;

	district(&p);
	p.time_amount = -1;
	expect_one(&p, "time", "The processing time must be between 0 (the same day) and 365 working days.");
	p.time_amount = 366;
	expect_one(&p, "time", "The processing time must be between 0 (the same day) and 365 working days.");
	p.time_unit = PROC_HOURS;
	p.time_amount = 2921;
	expect_one(&p, "time",
		   "The processing time must be between 0 (the same day) and 2,920 working hours.");
	p.time_amount = -8;
	expect_one(&p, "time",
		   "The processing time must be between 0 (the same day) and 2,920 working hours.");
	p.time_amount = 40;
	p.time_unit = 0;
	expect_one(&p, "time", "Give the processing time in working days or in working hours.");
	p.time_unit = PROC_HOURS + 1;
	expect_one(&p, "time", "Give the processing time in working days or in working hours.");
}

static void test_fees(void **state)
{
	struct procedure p;

	certification(&p);
	p.fees[1] = p.fees[0];
	p.fees[1].tiers[1].from = 2; /* overlaps the first range */
	p.nfees = 2;
	expect_one(&p, "fees[1]", "Page ranges must be in order and must not overlap.");
	p.fees[1] = p.fees[0];
	p.fees[1].amount = -1;
	expect_one(&p, "fees[1]", "An amount must be between 0 and 1,000,000,000,000 VND.");
	p.fees[1] = p.fees[0];
	p.fees[1].name = "";
	expect_one(&p, "fees[1]", "Give the fee a name.");
	p.fees[1].name = "  ";
	expect_one(&p, "fees[1]", "Give the fee a name.");
	p.fees[1].name = "Phí\x01";
	expect_one(&p, "fees[1]", "The text contains characters that are not allowed.");
	p.fees[1].name = "Phí\nchứng thực";
	expect_one(&p, "fees[1]", "This text must be on one line.");
	certification(&p);
	for (size_t i = 1; i < PROC_MAX_FEES; i++)
		p.fees[i] = p.fees[0];
	p.nfees = PROC_MAX_FEES + 1;
	expect_one(&p, "fees", "A procedure may have at most 16 fee lines.");
}

static void test_documents(void **state)
{
	struct procedure p;

	district(&p);
	p.documents[1].name = "";
	expect_one(&p, "documents[1]", "Enter the name of the document.");
	district(&p);
	p.documents[1].name = "Bản\x01 sao";
	expect_one(&p, "documents[1]", "The text contains characters that are not allowed.");
	district(&p);
	p.documents[0].kind = 0;
	expect_one(&p, "documents[0]",
		   "Choose whether the document is an original, a certified copy or a copy.");
	p.documents[0].kind = PROC_DOC_COPY + 1;
	expect_one(&p, "documents[0]", NULL);
	district(&p);
	p.documents[1].count = 0;
	expect_one(&p, "documents[1]", "The number of copies of a document must be between 1 and 99.");
	p.documents[1].count = 100;
	expect_one(&p, "documents[1]", "The number of copies of a document must be between 1 and 99.");
	p.documents[1].count = 99;
	expect_valid(&p);
	/* the form: a stored file (64 lowercase hex digits) with a title */
	district(&p);
	p.documents[0].form_file = "../../etc/passwd";
	expect_one(&p, "documents[0]", "The form file is not one the system keeps: upload it again.");
	p.documents[0].form_file = "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef";
	expect_one(&p, "documents[0]", "The form file is not one the system keeps: upload it again.");
	p.documents[0].form_file = SHA "0";
	expect_one(&p, "documents[0]", "The form file is not one the system keeps: upload it again.");
	p.documents[0].form_file = SHA;
	p.documents[0].form_name = "";
	expect_one(&p, "documents[0]", "Give the form a title.");
	p.documents[0].form_name = "Mẫu\nđơn";
	expect_one(&p, "documents[0]", "This text must be on one line.");
	p.documents[0].form_name = NULL;
	p.documents[0].form_file = NULL;
	expect_valid(&p);
	district(&p);
	for (size_t i = 0; i < PROC_MAX_DOCUMENTS; i++)
		p.documents[i] = p.documents[1];
	p.ndocuments = PROC_MAX_DOCUMENTS + 1;
	expect_one(&p, "documents", "A procedure may have at most 40 documents.");
}

static void test_online(void **state)
{
	struct procedure p;

	certification(&p);
	p.online = 0;
	expect_one(&p, "online", "Choose how much of the procedure can be done online.");
	p.online = PROC_ONLINE_NONE + 1;
	expect_one(&p, "online", NULL);
	p.online = PROC_ONLINE_NONE;
	expect_valid(&p);
}

static void test_steps(void **state)
{
	struct procedure p;

	certification(&p);
	p.nsteps = 0;
	expect_one(&p, "steps", "Add at least one step of the internal process.");
	district(&p);
	for (size_t i = 5; i < PROC_MAX_STEPS; i++)
		p.steps[i] = (struct proc_step){ "Bước", "Bộ phận", "", PROC_DISTRICT, 0 };
	p.nsteps = PROC_MAX_STEPS + 1;
	expect_one(&p, "steps", "The internal process may have at most 20 steps.");

	district(&p);
	p.steps[2].name = "";
	expect_one(&p, "steps[2]", "Enter the name of the step.");
	district(&p);
	p.steps[2].name = "Duyệt\x01";
	expect_one(&p, "steps[2]", "The text contains characters that are not allowed.");
	district(&p);
	p.steps[3].responsible = "";
	expect_one(&p, "steps[3]", "Enter who does the step.");
	district(&p);
	p.steps[0].level = 0;
	expect_one(&p, "steps[0]", "Choose the level where the step is done.");
	district(&p);
	p.steps[4].role = "mayor";
	expect_one(&p, "steps[4]", "Choose the role that does the step from the list, or none.");
	p.steps[4].role = "citizen";
	expect_one(&p, "steps[4]", "Choose the role that does the step from the list, or none.");
	p.steps[4].role = "Leader";
	expect_one(&p, "steps[4]", "Choose the role that does the step from the list, or none.");
	p.steps[4].role = "records_clerk";
	expect_valid(&p);
	p.steps[4].role = NULL;
	expect_valid(&p);

	/* a step's own time is wrong: the sum is not reported as well */
	district(&p);
	p.steps[1].hours = -1;
	expect_one(&p, "steps[1]", "The time of a step must be between 0 and 2,920 working hours.");
	p.steps[1].hours = 2921;
	expect_one(&p, "steps[1]", "The time of a step must be between 0 and 2,920 working hours.");
	p.steps[1].hours = INT64_MAX;
	expect_one(&p, "steps[1]", "The time of a step must be between 0 and 2,920 working hours.");
}

static void test_allotment(void **state)
{
	struct procedure p;

	/* 39 or 41 hours for 5 days */
	district(&p);
	p.steps[1].hours = 23;
	expect_one(&p, "steps",
		   "The allotted times of the steps must add up to the statutory processing time.");
	p.steps[1].hours = 25;
	expect_one(&p, "steps",
		   "The allotted times of the steps must add up to the statutory processing time.");
	/* 40 hours for 4 days */
	district(&p);
	p.time_amount = 4;
	expect_one(&p, "steps",
		   "The allotted times of the steps must add up to the statutory processing time.");
	/* counted in hours */
	district(&p);
	p.time_unit = PROC_HOURS;
	expect_one(&p, "steps",
		   "The allotted times of the steps must add up to the statutory processing time.");
	/* same day: more than one working day */
	certification(&p);
	p.steps[1].hours = 5;
	expect_one(&p, "steps",
		   "The steps of a same-day procedure must take at most one working day (8 hours) in all.");
	/* a wrong time is reported once, not as a wrong sum as well */
	district(&p);
	p.time_amount = 400;
	expect_one(&p, "time", NULL);
	district(&p);
	p.time_unit = 0;
	expect_one(&p, "time", NULL);
}

static void test_many_errors(void **state)
{
	struct procedure p;
	struct errors e;
	static const char *const want[] = {
		"code",	   "name",	   "field",  "receive_level", "receiving", "deciding", "time",
		"fees[0]", "documents[1]", "result", "legal_basis",   "online",	   "steps[0]",
	};

	certification(&p);
	p.code = "?";
	p.name = "";
	p.field = "";
	p.receive_level = 0;
	p.receiving = "";
	p.deciding = "";
	p.time_unit = 0;
	p.fees[0].max = -1;
	p.documents[1].count = 0;
	p.result = "";
	p.legal_basis = "";
	p.online = 0;
	p.steps[0].name = "";
	assert_int_equal(check(&p, &e), (int)(sizeof(want) / sizeof(want[0])));
	/* in the order of the document's fields */
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_string_equal(e.field[i], want[i]);
	/* an empty procedure is all errors, and nothing crashes */
	memset(&p, 0, sizeof(p));
	assert_true(check(&p, &e) >= 10);
}

static void test_code_valid(void **state)
{
	static const char *const good[] = {
		"1.001193",	   "2.000815", "1.009994", "2.000815.H26", "2.000815-TX",
		"1.001612.H26-TX", "TX-01",    "abc1",	   "A1.b-2",	   "12345678901234567890123456789012",
	};
	static const char *const bad[] = {
		"",	      "2.",	     "ab",	  "123456789012345678901234567890123",
		".123",	      "-abc",	     "2.000 815", "2.000815/TX",
		"2_000815",   "mã01",	     " 2.000815", "2.000815 ",
		"2.000815\n", "2.000815;--", "2.000815-", "2..000815",
		"2.-000815",  "export",	     "them",	  "abc",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!procedure_code_valid(good[i]))
			fail_msg("\"%s\" refused", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (procedure_code_valid(bad[i]))
			fail_msg("\"%s\" accepted", bad[i]);
	assert_false(procedure_code_valid(NULL));
}

static void test_hours(void **state)
{
	struct procedure p;

	memset(&p, 0, sizeof(p));
	p.time_unit = PROC_DAYS;
	p.time_amount = 5;
	assert_int_equal(procedure_hours(&p), 40);
	p.time_amount = 0;
	assert_int_equal(procedure_hours(&p), 0);
	p.time_amount = 365;
	assert_int_equal(procedure_hours(&p), 2920);
	p.time_unit = PROC_HOURS;
	p.time_amount = 6;
	assert_int_equal(procedure_hours(&p), 6);
	/* nothing sensible to say */
	p.time_amount = -1;
	assert_int_equal(procedure_hours(&p), -1);
	p.time_unit = 0;
	p.time_amount = 5;
	assert_int_equal(procedure_hours(&p), -1);
	p.time_unit = PROC_DAYS;
	p.time_amount = INT64_MAX;
	assert_int_equal(procedure_hours(&p), -1);
	p.time_amount = INT64_MAX / 8;
	assert_int_equal(procedure_hours(&p), INT64_MAX / 8 * 8);
}

static void test_names(void **state)
{
	static const struct {
		const char *(*name)(int);
		int (*from)(const char *);
		const char *(*label)(int);
		const char *names[4];
		const char *labels[4];
	} sets[] = {
		{ proc_level_name,
		  proc_level_from_name,
		  proc_level_label,
		  { NULL, "city", "district", "ward" },
		  { NULL, "City level", "District level", "Ward level" } },
		{ proc_online_name,
		  proc_online_from_name,
		  proc_online_label,
		  { NULL, "full", "partial", "none" },
		  { NULL, "Fully online", "Partly online", "Not online" } },
		{ proc_doc_kind_name,
		  proc_doc_kind_from_name,
		  proc_doc_kind_label,
		  { NULL, "original", "certified_copy", "copy" },
		  { NULL, "Original", "Certified copy", "Copy" } },
		{ proc_time_unit_name,
		  proc_time_unit_from_name,
		  NULL,
		  { NULL, "day", "hour", NULL },
		  { NULL } },
	};

	for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
		for (int v = 1; v <= 3; v++) {
			if (!sets[s].names[v]) {
				assert_null(sets[s].name(v));
				continue;
			}
			assert_string_equal(sets[s].name(v), sets[s].names[v]);
			assert_int_equal(sets[s].from(sets[s].names[v]), v);
			if (sets[s].label)
				assert_string_equal(sets[s].label(v), sets[s].labels[v]);
		}
		assert_null(sets[s].name(0));
		assert_null(sets[s].name(-1));
		assert_null(sets[s].name(4));
		assert_int_equal(sets[s].from(""), 0);
		assert_int_equal(sets[s].from("unknown"), 0);
		assert_int_equal(sets[s].from(NULL), 0);
		if (sets[s].label) {
			assert_null(sets[s].label(0));
			assert_null(sets[s].label(4));
		}
	}
	/* exact, case-sensitive */
	assert_int_equal(proc_level_from_name("Ward"), 0);
	assert_int_equal(proc_doc_kind_from_name("certified copy"), 0);
	assert_string_equal(proc_level_name(PROC_CITY), "city");
	assert_string_equal(proc_online_name(PROC_ONLINE_FULL), "full");
	assert_string_equal(proc_time_unit_name(PROC_HOURS), "hour");
	assert_string_equal(proc_doc_kind_name(PROC_DOC_CERTIFIED_COPY), "certified_copy");
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),	    cmocka_unit_test(test_code_and_name),
		cmocka_unit_test(test_texts),	    cmocka_unit_test(test_levels),
		cmocka_unit_test(test_time),	    cmocka_unit_test(test_fees),
		cmocka_unit_test(test_documents),   cmocka_unit_test(test_online),
		cmocka_unit_test(test_steps),	    cmocka_unit_test(test_allotment),
		cmocka_unit_test(test_many_errors), cmocka_unit_test(test_code_valid),
		cmocka_unit_test(test_hours),	    cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests_name("procedure", tests, NULL, NULL) ? 1 : 0;
}
