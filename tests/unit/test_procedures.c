/*
 * test_procedures.c: the procedure catalogue in the database
 * (features/procedures.c): the JSON document, versions and publishing (a
 * dossier keeps its version), the catalogue search with Vietnamese folding,
 * filters, paging and counts, imports that refuse bad rows and change
 * nothing, exports that import back unchanged, and the demo catalogue. Runs
 * on SQLite, or on PostgreSQL with MOTCUA_TEST_BACKEND=pg (tests/run.sh
 * runs it both ways).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/arena.h"
#include "core/buf.h"
#include "features/procedures.h"
#include "rules/fee.h"
#include "rules/procedure.h"
#include "store/db.h"
#include "store/migrate.h"
#include "testdb.h"
#include "core/banned.h"

#define NOW ((int64_t)1795000000) /* 2026-11-18, a fixed clock */

struct fixture {
	char dir[64];
	char path[320];
	int pg;
	struct db *db;
	struct arena arena;
};

/* A fresh, migrated database into fx (the fixture's, or a second one for round trips). */
static int open_fresh(const char *name, struct fixture *fx)
{
	char *err = NULL;
	int applied = 0;

	if (testdb_fresh(name, fx->dir, fx->path, sizeof(fx->path), &fx->pg))
		return -1;
	arena_init(&fx->arena);
	fx->db = db_open(fx->path, &err);
	if (!fx->db || migrate_run(fx->db, &applied, &err)) {
		fprintf(stderr, "# %s\n", err ? err : "cannot open the database");
		free(err);
		return -1;
	}
	return 0;
}

static void close_fresh(struct fixture *fx)
{
	arena_release(&fx->arena);
	db_close(fx->db);
	testdb_remove(fx->dir, fx->path, fx->pg);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	*state = fx;
	return open_fresh("procedures", fx);
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	if (!fx)
		return 0;
	close_fresh(fx);
	free(fx);
	return 0;
}

static int64_t scalar(struct db *db, const char *sql)
{
	struct db_stmt *st;
	int64_t v;
	int rc = db_query(db, &st, sql, NULL);

	if (rc != DB_ROW)
		fail_msg("\"%s\" gave %d: %s", sql, rc, db_errmsg(db));
	v = db_col_int(st, 0);
	while ((rc = db_step(st)) == DB_ROW)
		;
	assert_int_equal(rc, DB_DONE);
	return v;
}

/* ---- documents ---- */

/* The chứng thực document as procedure_to_json writes it (keys in order). */
static const char certify_doc[] =
	"{\"code\":\"2.000815\",\"name\":\"Chứng thực bản sao từ bản chính\",\"field\":\"Chứng thực\","
	"\"level\":\"ward\",\"inter_level\":false,\"receive_level\":\"ward\",\"decide_level\":\"ward\","
	"\"receiving\":\"Bộ phận Một cửa UBND phường\",\"deciding\":\"Chủ tịch UBND phường\","
	"\"time\":{\"amount\":0,\"unit\":\"day\",\"note\":\"Trong ngày; sau 15 giờ thì ngày làm việc tiếp theo\"},"
	"\"fees\":[{\"name\":\"Phí chứng thực\",\"kind\":\"fee\",\"per\":\"page\",\"amount\":2000,"
	"\"tiers\":[{\"from\":1,\"to\":2,\"amount\":2000},{\"from\":3,\"to\":null,\"amount\":1000}],"
	"\"min\":null,\"max\":200000}],\"fee_note\":\"\","
	"\"documents\":[{\"name\":\"Bản chính\",\"kind\":\"original\",\"count\":1,\"form\":null},"
	"{\"name\":\"Tờ khai\",\"kind\":\"copy\",\"count\":2,\"form\":{\"name\":\"Mẫu tờ khai\",\"file\":"
	"\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}}],"
	"\"result\":\"Bản sao được chứng thực\",\"legal_basis\":\"Nghị định 23/2015/NĐ-CP\\nThông tư 226/2016/TT-BTC\","
	"\"conditions\":\"\",\"online\":\"partial\","
	"\"steps\":[{\"name\":\"Tiếp nhận\",\"responsible\":\"Bộ phận Một cửa\",\"role\":\"onestop_clerk\","
	"\"level\":\"ward\",\"hours\":1},{\"name\":\"Ký chứng thực\",\"responsible\":\"Chủ tịch UBND phường\","
	"\"role\":\"leader\",\"level\":\"ward\",\"hours\":3}]}";

/* The procedure of a document; fails the test when it has shape or rule errors. */
static void parse_ok(struct arena *a, const char *text, struct procedure *p)
{
	json_error_t jerr;
	json_t *doc = json_loads(text, 0, &jerr);

	if (!doc)
		fail_msg("bad test JSON: %s", jerr.text);
	assert_int_equal(procedure_from_json(doc, a, p, NULL, NULL), 0);
	json_decref(doc);
	assert_int_equal(procedure_check(p, NULL, NULL), 0);
}

/* The shape errors, "field:msgid;" each. */
static void collect(void *ctx, const char *field, const char *msgid)
{
	struct buf *b = ctx;
	buf_addf(b, "%s:%s;", field, msgid);
}

static void test_json_round_trip(void **state)
{
	struct fixture *fx = *state;
	struct procedure p;
	struct buf errs = BUF_INIT;
	json_t *doc, *bad;
	char *text;
	json_error_t jerr;

	parse_ok(&fx->arena, certify_doc, &p);
	assert_string_equal(p.code, "2.000815");
	assert_int_equal(p.level, PROC_WARD);
	assert_int_equal(p.fees[0].ntiers, 2);
	assert_int_equal(p.fees[0].tiers[1].to, 0);
	assert_int_equal(p.fees[0].max, 200000);
	assert_int_equal(p.documents[1].kind, PROC_DOC_COPY);
	assert_string_equal(p.documents[1].form_name, "Mẫu tờ khai");
	assert_non_null(strchr(p.legal_basis, '\n'));
	/* 3 pages: 2 × 2.000 + 1.000; 300 pages: capped at 200.000 per copy */
	assert_int_equal(fee_total(p.fees, p.nfees, 3, 1), 5000);
	assert_int_equal(fee_total(p.fees, p.nfees, 300, 2), 400000);

	doc = procedure_to_json(&p);
	text = json_dumps(doc, JSON_COMPACT);
	assert_string_equal(text, certify_doc);
	free(text);
	json_decref(doc);

	/* shape errors by the field names procedure_check uses */
	bad = json_loads(
		"{\"code\":7,\"name\":\"X\",\"level\":\"province\",\"time\":{\"amount\":\"two\",\"unit\":\"day\"},"
		"\"fees\":[{\"name\":\"Lệ phí\",\"kind\":\"fee\",\"per\":\"page\",\"amount\":1,\"tiers\":{}}],"
		"\"documents\":[{\"kind\":\"original\"}],\"inter_level\":\"no\",\"steps\":\"none\"}",
		0, &jerr);
	assert_non_null(bad);
	assert_true(procedure_from_json(bad, &fx->arena, &p, collect, &errs) >= 9);
	print_message("# %s\n", errs.ptr);
	assert_non_null(strstr(errs.ptr, "code:This must be text."));
	assert_non_null(strstr(errs.ptr, "field:This information is missing."));
	assert_non_null(strstr(errs.ptr, "level:This value is not one of the allowed names."));
	assert_non_null(strstr(errs.ptr, "time:This must be a whole number."));
	assert_non_null(strstr(errs.ptr, "fees[0]:This must be a list."));
	assert_non_null(strstr(errs.ptr, "documents[0]:This information is missing."));
	assert_non_null(strstr(errs.ptr, "inter_level:This must be true or false."));
	assert_non_null(strstr(errs.ptr, "steps:This must be a list."));
	assert_non_null(strstr(errs.ptr, "result:This information is missing."));
	json_decref(bad);
	buf_release(&errs);

	/* not a document at all: one error */
	bad = json_loads("[1]", 0, &jerr);
	assert_int_equal(procedure_from_json(bad, &fx->arena, &p, NULL, NULL), 1);
	json_decref(bad);
}

/* ---- versions ---- */

static void add_field(struct db *db, const char *name)
{
	int64_t id;
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(procedure_field_add(db, name, NOW, &id), 0);
	assert_int_equal(db_commit(db), 0);
}

static int64_t save(struct db *db, const struct procedure *p)
{
	int64_t version = 0;
	int rc = db_begin(db);
	if (!rc)
		rc = procedure_save(db, p, "account:1", NOW, &version);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		fail_msg("save gave %d: %s", rc, db_errmsg(db));
	}
	return version;
}

static int publish(struct db *db, const char *code, int64_t version)
{
	int rc = db_begin(db);
	if (!rc)
		rc = procedure_publish(db, code, version, NOW + version);
	if (rc < 0 || db_commit(db)) {
		db_rollback(db);
		fail_msg("publish gave %d: %s", rc, db_errmsg(db));
	}
	return rc;
}

static int unpublish(struct db *db, const char *code)
{
	int rc = db_begin(db);
	if (!rc)
		rc = procedure_unpublish(db, code, NOW);
	if (rc < 0 || db_commit(db)) {
		db_rollback(db);
		fail_msg("unpublish gave %d: %s", rc, db_errmsg(db));
	}
	return rc;
}

/* The catalogue's codes for q (everything when q is NULL), joined by spaces. */
static const char *codes(struct fixture *fx, const struct proc_query *q, struct proc_counts *c)
{
	struct proc_query all = { 0 };
	struct proc_counts ignored;
	struct proc_row *rows;
	struct buf b = BUF_INIT;
	const char *out;
	size_t n;
	int rc;

	if (!q) {
		all.limit = 1000;
		q = &all;
	}
	rc = procedure_list(fx->db, &fx->arena, q, &rows, &n, c ? c : &ignored);
	if (rc)
		fail_msg("procedure_list gave %d: %s", rc, db_errmsg(fx->db));
	for (size_t i = 0; i < n; i++)
		buf_addf(&b, "%s%s", i ? " " : "", rows[i].code);
	out = arena_strdup(&fx->arena, b.ptr);
	buf_release(&b);
	return out;
}

static void test_versions(void **state)
{
	struct fixture *fx = *state;
	struct procedure p;
	struct proc_version v;
	struct proc_row *rows;
	struct proc_counts c;
	struct proc_query q = { 0 };
	int64_t id;
	size_t n;
	int rc;

	parse_ok(&fx->arena, certify_doc, &p);
	/* the field must be in the managed list: nothing written otherwise */
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(procedure_save(fx->db, &p, "account:1", NOW, &id), DB_CONSTRAINT);
	assert_int_equal(db_rollback(fx->db), 0);
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM procedures"), 0);
	add_field(fx->db, "Chứng thực");

	assert_int_equal(save(fx->db, &p), 1);
	/* a draft is not in the catalogue and has no published version */
	assert_string_equal(codes(fx, NULL, &c), "");
	assert_int_equal(c.total, 0);
	assert_int_equal(procedure_load(fx->db, &fx->arena, "2.000815", 0, &v), 1);
	assert_int_equal(procedure_load(fx->db, &fx->arena, "2.000815", -1, &v), 0);
	assert_int_equal(v.status, PROC_DRAFT);
	/* a draft is replaced in place */
	p.name = "Chứng thực bản sao từ bản chính giấy tờ, văn bản";
	assert_int_equal(save(fx->db, &p), 1);
	assert_int_equal(publish(fx->db, "2.000815", 1), 0);
	assert_string_equal(codes(fx, NULL, &c), "2.000815");
	assert_int_equal(c.total, 1);
	assert_int_equal(c.ward, 1);

	/* a dossier is received under version 1 */
	assert_int_equal(procedure_load(fx->db, &fx->arena, "2.000815", 0, &v), 0);
	assert_int_equal(v.version, 1);
	assert_int_equal(v.status, PROC_PUBLISHED);
	assert_int_equal(v.published, 1);
	assert_string_equal(v.created_by, "account:1");
	id = v.procedure_id;

	/* editing a published version makes version 2, a draft; the catalogue still shows 1 */
	p.name = "Chứng thực bản sao (mức phí mới)";
	p.fees[0].max = 150000;
	assert_int_equal(save(fx->db, &p), 2);
	assert_int_equal(procedure_load(fx->db, &fx->arena, "2.000815", 0, &v), 0);
	assert_int_equal(v.version, 1);
	assert_int_equal(v.latest, 2);
	assert_string_equal(v.p.name, "Chứng thực bản sao từ bản chính giấy tờ, văn bản");
	procedure_list(fx->db, &fx->arena, &(struct proc_query){ .limit = 10 }, &rows, &n, &c);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].name, "Chứng thực bản sao từ bản chính giấy tờ, văn bản");
	assert_int_equal(rows[0].version, 1);

	/* publishing 2 retires 1; the dossier still loads version 1 as it was */
	assert_int_equal(publish(fx->db, "2.000815", 2), 0);
	procedure_list(fx->db, &fx->arena, &(struct proc_query){ .limit = 10 }, &rows, &n, &c);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].name, "Chứng thực bản sao (mức phí mới)");
	assert_int_equal(rows[0].version, 2);
	assert_int_equal(procedure_load_id(fx->db, &fx->arena, id, 1, &v), 0);
	assert_int_equal(v.status, PROC_RETIRED);
	assert_int_equal(v.published, 2);
	assert_string_equal(v.p.name, "Chứng thực bản sao từ bản chính giấy tờ, văn bản");
	assert_int_equal(v.p.fees[0].max, 200000);
	assert_int_equal(fee_total(v.p.fees, v.p.nfees, 300, 1), 200000);
	assert_int_equal(procedure_load_id(fx->db, &fx->arena, id, 0, &v), 0);
	assert_int_equal(v.version, 2);
	assert_int_equal(v.p.fees[0].max, 150000);
	assert_int_equal(procedure_load_id(fx->db, &fx->arena, id, 9, &v), 1);
	assert_int_equal(procedure_load_id(fx->db, &fx->arena, id + 100, 0, &v), 1);
	assert_int_equal(procedure_load(fx->db, &fx->arena, "9.999999", -1, &v), 1);
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM procedure_versions WHERE status = 'published'"),
			 1);

	/* unpublish: out of the catalogue, the version retired; again: 1 */
	assert_int_equal(unpublish(fx->db, "2.000815"), 0);
	assert_string_equal(codes(fx, NULL, &c), "");
	assert_int_equal(c.total, 0);
	assert_int_equal(procedure_load(fx->db, &fx->arena, "2.000815", 0, &v), 1);
	assert_int_equal(procedure_load(fx->db, &fx->arena, "2.000815", -1, &v), 0);
	assert_int_equal(v.status, PROC_RETIRED);
	assert_int_equal(v.published, 0);
	assert_int_equal(unpublish(fx->db, "2.000815"), 1);
	assert_int_equal(unpublish(fx->db, "9.999999"), 1);
	assert_int_equal(publish(fx->db, "2.000815", 7), 1);
	assert_int_equal(publish(fx->db, "9.999999", 1), 1);
	/* the admin list still sees it, retired */
	q.all_versions = 1;
	q.limit = 10;
	rc = procedure_list(fx->db, &fx->arena, &q, &rows, &n, &c);
	assert_int_equal(rc, 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].status, PROC_RETIRED);
	/* a retired version can be published again; the next edit is version 3 */
	assert_int_equal(publish(fx->db, "2.000815", 1), 0);
	assert_string_equal(codes(fx, NULL, NULL), "2.000815");
	assert_int_equal(save(fx->db, &p), 3);
	assert_int_equal(scalar(fx->db, "SELECT latest_version FROM procedures"), 3);
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM procedure_versions"), 3);
}

/* ---- the demo catalogue ---- */

static void load_demo(struct db *db)
{
	int rc = db_begin(db);
	if (!rc)
		rc = procedure_demo(db, NOW);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		fail_msg("procedure_demo gave %d: %s", rc, db_errmsg(db));
	}
}

static void report_check(void *ctx, const char *field, const char *msgid)
{
	print_message("# %s: %s: %s\n", (const char *)ctx, field, msgid);
}

static void test_demo(void **state)
{
	struct fixture *fx = *state;
	struct proc_query q = { .limit = 1000 };
	struct proc_row *rows;
	struct proc_counts c;
	struct proc_field *fields;
	size_t n, nfields, inter = 0;

	load_demo(fx->db);
	assert_int_equal(procedure_list(fx->db, &fx->arena, &q, &rows, &n, &c), 0);
	print_message("# demo: %zu procedures, %zu district, %zu ward, %zu inter-level\n", c.total,
		      c.district, c.ward, c.inter_level);
	assert_true(n >= 25);
	assert_int_equal(n, c.total);
	assert_true(c.ward >= 10);
	assert_true(c.district >= 5);
	assert_true(c.inter_level >= 3);
	for (size_t i = 0; i < n; i++) {
		struct proc_version v;
		assert_int_equal(procedure_load(fx->db, &fx->arena, rows[i].code, 0, &v), 0);
		assert_int_equal(v.version, 1);
		if (procedure_check(&v.p, report_check, (void *)rows[i].code))
			fail_msg("demo procedure %s does not pass procedure_check", rows[i].code);
		/* received at the ward and decided at the district */
		if (v.p.inter_level) {
			assert_int_equal(v.p.receive_level, PROC_WARD);
			assert_int_equal(v.p.decide_level, PROC_DISTRICT);
			inter++;
		}
		/* ordered by level (district before ward), then code */
		if (i > 0) {
			assert_true(rows[i - 1].level <= rows[i].level);
			if (rows[i - 1].level == rows[i].level)
				assert_true(strcmp(rows[i - 1].code, rows[i].code) < 0);
		}
	}
	assert_int_equal(inter, c.inter_level);
	/* the procedures the issue names */
	assert_non_null(strstr(codes(fx, NULL, NULL), "2.000815"));
	assert_non_null(strstr(codes(fx, NULL, NULL), "1.001193"));
	assert_non_null(strstr(codes(fx, NULL, NULL), "1.001612"));
	assert_non_null(strstr(codes(fx, NULL, NULL), "1.009994"));
	{
		struct proc_version v;
		assert_int_equal(procedure_load(fx->db, &fx->arena, "2.000815", 0, &v), 0);
		assert_int_equal(v.p.time_amount, 0);
		assert_int_equal(fee_total(v.p.fees, v.p.nfees, 1, 1), 2000);
		assert_int_equal(fee_total(v.p.fees, v.p.nfees, 2, 1), 4000);
		assert_int_equal(fee_total(v.p.fees, v.p.nfees, 10, 1), 12000);
		assert_int_equal(fee_total(v.p.fees, v.p.nfees, 500, 3), 600000);
	}

	/* idempotent: a second run adds nothing and changes nothing */
	load_demo(fx->db);
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM procedures"), (int64_t)n);
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM procedure_versions"), (int64_t)n);
	assert_int_equal(scalar(fx->db, "SELECT MAX(latest_version) FROM procedures"), 1);
	assert_int_equal(procedure_fields(fx->db, &fx->arena, &fields, &nfields), 0);
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM procedure_fields"), (int64_t)nfields);
	/* fields by name as people read them: Đất đai among the d's */
	for (size_t i = 0; i < nfields; i++)
		print_message("# field %s: %zu\n", fields[i].name, fields[i].procedures);
	assert_string_equal(fields[0].name, "Bảo trợ xã hội");
	assert_string_equal(fields[2].name, "Đất đai");
}

/* ---- search ---- */

static void test_search(void **state)
{
	struct fixture *fx = *state;
	struct proc_query q = { .limit = 100 };
	struct proc_counts c, all;
	struct proc_row *rows;
	const char *a, *b;
	size_t n;

	load_demo(fx->db);
	codes(fx, NULL, &all);

	/* tones and case do not matter */
	q.q = "chung thuc";
	a = codes(fx, &q, &c);
	print_message("# chung thuc: %s\n", a);
	assert_true(c.total >= 5);
	assert_non_null(strstr(a, "2.000815"));
	assert_non_null(strstr(a, "2.000884"));
	q.q = "CHỨNG THỰC";
	assert_string_equal(codes(fx, &q, NULL), a);
	q.q = "chứng thực";
	assert_string_equal(codes(fx, &q, NULL), a);
	/* decomposed (NFD): u + U+031B horn + U+0301 acute … */
	q.q = "Chu\xcc\x9b\xcc\x81ng thu\xcc\x9b\xcc\xa3\x63";
	assert_string_equal(codes(fx, &q, NULL), a);

	/* words of another script or symbols fold to nothing: nothing is found, not everything */
	q.q = "Да ★";
	assert_string_equal(codes(fx, &q, &c), "");
	assert_int_equal(c.total, 0);

	/* several words: each must appear */
	q.q = "chứng thực bản sao";
	b = codes(fx, &q, &c);
	assert_string_equal(b, "2.000815");
	q.q = "sao chứng thực"; /* in any order */
	assert_string_equal(codes(fx, &q, NULL), "2.000815");

	/* đ matches d */
	q.q = "dang ky khai sinh";
	a = codes(fx, &q, NULL);
	assert_non_null(strstr(a, "1.001193"));
	assert_non_null(strstr(a, "1.004884"));
	q.q = "đăng ký khai sinh";
	assert_string_equal(codes(fx, &q, NULL), a);
	q.q = "ĐĂNG KÝ KHAI SINH";
	assert_string_equal(codes(fx, &q, NULL), a);
	/* the code, and the field, are searched too */
	q.q = "1.001612";
	assert_string_equal(codes(fx, &q, NULL), "1.001612");
	q.q = "hộ kinh doanh";
	codes(fx, &q, &c);
	assert_int_equal(c.total, 5);
	assert_int_equal(c.district, 5);
	/* nothing found; punctuation and % are not wildcards */
	q.q = "khong co thu tuc nay";
	assert_string_equal(codes(fx, &q, &c), "");
	assert_int_equal(c.total, 0);
	q.q = "%";
	codes(fx, &q, &c);
	assert_int_equal(c.total, 0);
	q.q = "\xff\xfe";
	codes(fx, &q, &c);
	assert_int_equal(c.total, 0);

	/* filters */
	memset(&q, 0, sizeof(q));
	q.limit = 100;
	q.field = "Hộ tịch";
	a = codes(fx, &q, &c);
	assert_int_equal(c.total, 11);
	assert_int_equal(c.ward, 11);
	assert_non_null(strstr(a, "1.000894"));
	q.field = "Không có lĩnh vực này";
	assert_string_equal(codes(fx, &q, &c), "");
	q.field = NULL;
	q.level = PROC_DISTRICT;
	codes(fx, &q, &c);
	/* the level counts ignore the level filter; total and inter_level follow it */
	assert_int_equal(c.ward, all.ward);
	assert_int_equal(c.district, all.district);
	assert_int_equal(c.total, all.district);
	assert_int_equal(c.inter_level, all.inter_level);
	q.level = PROC_WARD;
	codes(fx, &q, &c);
	assert_int_equal(c.total, all.ward);
	assert_int_equal(c.inter_level, 0);
	q.level = 0;
	q.inter_level = 1;
	a = codes(fx, &q, &c);
	assert_string_equal(a, "1.001731 1.001776 1.010407");
	assert_int_equal(c.total, 3);
	assert_int_equal(c.district, 3);
	assert_int_equal(c.ward, 0);
	q.inter_level = 0;
	q.online = PROC_ONLINE_FULL;
	procedure_list(fx->db, &fx->arena, &q, &rows, &n, &c);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(rows[i].online, PROC_ONLINE_FULL);
	assert_true(c.total < all.total);
	/* words and filters together */
	q.q = "dang ky";
	q.online = 0;
	q.level = PROC_DISTRICT;
	a = codes(fx, &q, &c);
	assert_non_null(strstr(a, "1.001612"));
	assert_null(strstr(a, "1.001193"));

	/* paging: pages of 5 cover the list once, in order */
	{
		struct buf joined = BUF_INIT;
		memset(&q, 0, sizeof(q));
		q.limit = 5;
		for (q.offset = 0; q.offset < all.total + 5; q.offset += 5) {
			assert_int_equal(procedure_list(fx->db, &fx->arena, &q, &rows, &n, &c), 0);
			assert_int_equal(c.total, all.total);
			assert_true(n <= 5);
			if (q.offset >= all.total)
				assert_int_equal(n, 0);
			for (size_t i = 0; i < n; i++)
				buf_addf(&joined, "%s%s", joined.len ? " " : "", rows[i].code);
		}
		assert_string_equal(joined.ptr, codes(fx, NULL, NULL));
		buf_release(&joined);
		/* counts only */
		q.limit = 0;
		q.offset = 0;
		assert_int_equal(procedure_list(fx->db, &fx->arena, &q, &rows, &n, &c), 0);
		assert_int_equal(n, 0);
		assert_int_equal(c.total, all.total);
	}
}

/* codes() and its counts as one text, for comparing two ways of listing. */
static const char *listing(struct fixture *fx, const struct proc_query *q)
{
	struct proc_counts c;
	const char *codes_ = codes(fx, q, &c);
	return arena_printf(&fx->arena, "%zu %zu %zu %zu %zu: %s", c.total, c.city, c.district, c.ward,
			    c.inter_level, codes_);
}

/*
 * The public catalogue is searched in memory while its version token stays
 * the same, and in SQL when there is none: both give the same answers, and
 * two databases in one process do not see each other's catalogue.
 */
static void test_cache_agrees(void **state)
{
	struct fixture *fx = *state, other = { 0 };
	static const struct proc_query queries[] = {
		{ .limit = 100 },
		{ .q = "chứng thực", .limit = 100 },
		{ .q = "dang ky", .level = PROC_WARD, .limit = 4, .offset = 2 },
		{ .q = "ho tro", .inter_level = 1, .limit = 100 },
		{ .field = "Hộ tịch", .online = PROC_ONLINE_FULL, .limit = 100 },
		{ .q = "giay", .level = PROC_DISTRICT, .limit = 3 },
		{ .level = PROC_CITY, .limit = 10 },
		{ .q = "khong co", .limit = 10 },
		{ .limit = 5, .offset = 25 },
		{ .limit = 0 },
	};
	const char *cached[sizeof(queries) / sizeof(queries[0])];

	load_demo(fx->db);
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
		cached[i] = listing(fx, &queries[i]);
	assert_int_equal(db_exec(fx->db, "DELETE FROM settings WHERE key = 'catalogue_version'", NULL), 0);
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		const char *sql = listing(fx, &queries[i]);
		print_message("# %s\n", sql);
		assert_string_equal(sql, cached[i]);
	}

	/*
	 * Single changes are patched into the catalogue in memory: a procedure
	 * taken out, one put back, a new version with another name, a new code
	 * (sorted into its place); then the answers are again those of SQL.
	 */
	{
		struct procedure p;
		const char *before = listing(fx, &queries[0]);
		const char *after[sizeof(queries) / sizeof(queries[0])];
		struct proc_query q = { .q = "chung thuc ban sao moi", .limit = 10 };

		assert_int_equal(publish(fx->db, "1.001193", 1), 0); /* already published: no change */
		assert_string_equal(listing(fx, &queries[0]), before);
		assert_int_equal(unpublish(fx->db, "1.001193"), 0);
		assert_null(strstr(codes(fx, NULL, NULL), "1.001193"));
		assert_int_equal(publish(fx->db, "1.001193", 1), 0);
		assert_string_equal(listing(fx, &queries[0]), before);
		parse_ok(&fx->arena, certify_doc, &p);
		p.name = "Chứng thực bản sao mới";
		assert_int_equal(save(fx->db, &p), 2);
		assert_string_equal(codes(fx, &q, NULL), "");
		assert_int_equal(publish(fx->db, "2.000815", 2), 0);
		assert_string_equal(codes(fx, &q, NULL), "2.000815");
		p.code = "1.000001";
		p.name = "Thủ tục thử nghiệm đứng đầu cấp phường";
		assert_int_equal(save(fx->db, &p), 1);
		assert_int_equal(publish(fx->db, "1.000001", 1), 0);
		q.q = NULL;
		q.level = PROC_WARD;
		q.limit = 1;
		assert_string_equal(codes(fx, &q, NULL), "1.000001");
		for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
			after[i] = listing(fx, &queries[i]);
		assert_int_equal(
			db_exec(fx->db, "DELETE FROM settings WHERE key = 'catalogue_version'", NULL), 0);
		for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
			assert_string_equal(listing(fx, &queries[i]), after[i]);
	}

	/* a second database: its own catalogue, then each follows its own changes */
	assert_int_equal(open_fresh("procedures3", &other), 0);
	load_demo(other.db);
	assert_int_equal(unpublish(other.db, "1.001193"), 0);
	assert_int_equal(publish(fx->db, "1.001193", 1), 0); /* already published: nothing changes */
	assert_non_null(strstr(codes(fx, NULL, NULL), "1.001193"));
	assert_null(strstr(codes(&other, NULL, NULL), "1.001193"));
	assert_non_null(strstr(codes(fx, NULL, NULL), "1.001193"));
	assert_int_equal(unpublish(fx->db, "2.000815"), 0);
	assert_null(strstr(codes(fx, NULL, NULL), "2.000815"));
	assert_non_null(strstr(codes(&other, NULL, NULL), "2.000815"));
	close_fresh(&other);
}

static void test_fields(void **state)
{
	struct fixture *fx = *state;
	struct proc_query q = { .limit = 100 };
	struct proc_counts c;
	struct proc_version v;
	int64_t id, other;

	load_demo(fx->db);
	id = scalar(fx->db, "SELECT id FROM procedure_fields WHERE name = 'Hộ tịch'");
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(procedure_field_add(fx->db, "Hộ tịch", NOW, &other), DB_CONSTRAINT);
	assert_int_equal(procedure_field_update(fx->db, id, "Chứng thực", -1), DB_CONSTRAINT);
	assert_int_equal(procedure_field_update(fx->db, id + 1000, "Mới", -1), 1);
	/* a rename: loads, lists and the search follow it */
	assert_int_equal(procedure_field_update(fx->db, id, "Hộ tịch - Quốc tịch", 0), 0);
	assert_int_equal(db_commit(fx->db), 0);
	q.q = "quoc tich";
	codes(fx, &q, &c);
	assert_int_equal(c.total, 11);
	q.q = NULL;
	q.field = "Hộ tịch - Quốc tịch";
	codes(fx, &q, &c);
	assert_int_equal(c.total, 11);
	assert_int_equal(procedure_load(fx->db, &fx->arena, "1.001193", 0, &v), 0);
	assert_string_equal(v.p.field, "Hộ tịch - Quốc tịch");
	assert_int_equal(
		scalar(fx->db, "SELECT active FROM procedure_fields WHERE name = 'Hộ tịch - Quốc tịch'"), 0);
}

/*
 * The published version read for intake (procedure_load_published, its
 * document parsed once per process) is the one procedure_load gives, and
 * follows publishing, unpublishing and a field's rename at once.
 */
static void test_load_published(void **state)
{
	struct fixture *fx = *state;
	struct procedure p;
	struct proc_version v, w;
	int64_t fid;

	parse_ok(&fx->arena, certify_doc, &p);
	add_field(fx->db, "Chứng thực");
	assert_int_equal(save(fx->db, &p), 1);
	/* a draft only: nothing published */
	assert_int_equal(procedure_load_published(fx->db, &fx->arena, "2.000815", &v), 1);
	assert_int_equal(procedure_load_published(fx->db, &fx->arena, "9.999999", &v), 1);
	assert_int_equal(publish(fx->db, "2.000815", 1), 0);
	for (int round = 0; round < 2; round++) { /* parsed, then shared */
		assert_int_equal(procedure_load_published(fx->db, &fx->arena, "2.000815", &v), 0);
		assert_int_equal(procedure_load(fx->db, &fx->arena, "2.000815", 0, &w), 0);
		assert_int_equal(v.version, 1);
		assert_int_equal(v.status, PROC_PUBLISHED);
		assert_int_equal(v.procedure_id, w.procedure_id);
		assert_int_equal(v.created_at, w.created_at);
		assert_string_equal(v.created_by, w.created_by);
		assert_string_equal(v.p.name, w.p.name);
		assert_string_equal(v.p.field, "Chứng thực");
		assert_int_equal(v.p.nsteps, w.p.nsteps);
		assert_int_equal(v.p.ndocuments, w.p.ndocuments);
		assert_int_equal(procedure_hours(&v.p), procedure_hours(&w.p));
	}
	/* version 2 with another name: the new one at once */
	p.name = "Chứng thực bản sao điện tử từ bản chính";
	assert_int_equal(save(fx->db, &p), 2);
	assert_int_equal(procedure_load_published(fx->db, &fx->arena, "2.000815", &v), 0);
	assert_int_equal(v.version, 1);
	assert_int_equal(publish(fx->db, "2.000815", 2), 0);
	assert_int_equal(procedure_load_published(fx->db, &fx->arena, "2.000815", &v), 0);
	assert_int_equal(v.version, 2);
	assert_string_equal(v.p.name, "Chứng thực bản sao điện tử từ bản chính");
	/* the field renamed */
	fid = scalar(fx->db, "SELECT id FROM procedure_fields WHERE name = 'Chứng thực'");
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(procedure_field_update(fx->db, fid, "Chứng thực điện tử", -1), 0);
	assert_int_equal(db_commit(fx->db), 0);
	assert_int_equal(procedure_load_published(fx->db, &fx->arena, "2.000815", &v), 0);
	assert_string_equal(v.p.field, "Chứng thực điện tử");
	/* out of the catalogue */
	assert_int_equal(unpublish(fx->db, "2.000815"), 0);
	assert_int_equal(procedure_load_published(fx->db, &fx->arena, "2.000815", &v), 1);
}

/* ---- import and export ---- */

/* A document text with some changes: "code", "field", and the hours of the first step. */
static char *variant(struct fixture *fx, const char *code, const char *field, int64_t hours)
{
	json_error_t jerr;
	json_t *doc = json_loads(certify_doc, 0, &jerr);
	char *s, *out;

	json_object_set_new(doc, "code", json_string(code));
	json_object_set_new(doc, "field", json_string(field));
	json_object_set_new(json_array_get(json_object_get(doc, "steps"), 0), "hours", json_integer(hours));
	s = json_dumps(doc, JSON_COMPACT);
	out = arena_strdup(&fx->arena, s);
	free(s);
	json_decref(doc);
	return out;
}

/* The errors as "# line field msgid [detail]" lines (TAP comments when printed). */
static const char *error_lines(struct fixture *fx, const struct proc_import_error *e, size_t n)
{
	struct buf b = BUF_INIT;
	const char *out;

	for (size_t i = 0; i < n; i++)
		buf_addf(&b, "# %zu %s %s [%s]\n", e[i].line, e[i].field, e[i].msgid, e[i].detail);
	out = arena_strdup(&fx->arena, b.ptr);
	buf_release(&b);
	return out;
}

static void test_import_json(void **state)
{
	struct fixture *fx = *state;
	struct proc_import_error *errs;
	struct buf text = BUF_INIT;
	size_t imported = 99, nerrs;
	const char *lines;
	int rc;

	add_field(fx->db, "Chứng thực");
	/* the blank form the documents name was uploaded as one */
	assert_int_equal(procedure_form_register(
				 fx->db, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
				 "to-khai.pdf", 100, "test", NOW),
			 0);
	/* line 1 good, 2 a wrong code, 3 steps not adding up, 4 an unknown field, 5 line 1's code again */
	buf_addf(&text, "[%s,\n%s,\n%s,\n%s,\n%s]", variant(fx, "2.000815", "Chứng thực", 1),
		 variant(fx, "2 000815!", "Chứng thực", 1), variant(fx, "2.000884", "Chứng thực", 9),
		 variant(fx, "2.001035", "Không có", 1), variant(fx, "2.000815", "Chứng thực", 1));
	rc = procedure_import_json(fx->db, &fx->arena, text.ptr, text.len, "import", NOW, 1, &imported, &errs,
				   &nerrs);
	lines = error_lines(fx, errs, nerrs);
	print_message("%s", lines);
	assert_int_equal(rc, 1);
	assert_int_equal(imported, 0);
	assert_int_equal(nerrs, 4);
	assert_int_equal(errs[0].line, 2);
	assert_string_equal(errs[0].field, "code");
	assert_int_equal(errs[1].line, 3);
	assert_string_equal(errs[1].field, "steps");
	assert_string_equal(
		errs[1].msgid,
		"The steps of a same-day procedure must take at most one working day (8 hours) in all.");
	assert_int_equal(errs[2].line, 4);
	assert_string_equal(errs[2].field, "field");
	assert_string_equal(errs[2].detail, "Không có");
	assert_int_equal(errs[3].line, 5);
	assert_string_equal(errs[3].msgid, "This code appears more than once in the file.");
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM procedures"), 0);

	/* a blank form that was never uploaded as one (a file of the store, or none) */
	buf_reset(&text);
	{
		char *doc = (char *)variant(fx, "2.000884", "Chứng thực", 1);
		char *at = strstr(doc, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
		assert_non_null(at);
		memcpy(at, "fedcba9876543210", 16);
		buf_addf(&text, "[%s]", doc);
	}
	rc = procedure_import_json(fx->db, &fx->arena, text.ptr, text.len, "import", NOW, 1, &imported, &errs,
				   &nerrs);
	assert_int_equal(rc, 1);
	assert_int_equal(nerrs, 1);
	assert_string_equal(errs[0].field, "documents[1]");
	assert_string_equal(
		errs[0].msgid,
		"This blank form file is not among the uploaded blank forms: upload it on the procedure's page.");
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM procedures"), 0);

	/* a field no longer in use takes no new procedures, by import either */
	add_field(fx->db, "Lĩnh vực cũ");
	assert_int_equal(db_exec(fx->db, "UPDATE procedure_fields SET active = 0 WHERE name = ?", "s",
				 "Lĩnh vực cũ"),
			 0);
	buf_reset(&text);
	buf_addf(&text, "[%s]", variant(fx, "2.000884", "Lĩnh vực cũ", 1));
	rc = procedure_import_json(fx->db, &fx->arena, text.ptr, text.len, "import", NOW, 1, &imported, &errs,
				   &nerrs);
	assert_int_equal(rc, 1);
	assert_int_equal(nerrs, 1);
	assert_string_equal(errs[0].field, "field");
	assert_string_equal(errs[0].msgid,
			    "This field is no longer in use: choose another field from the list.");
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM procedures"), 0);

	/* whole-file errors */
	rc = procedure_import_json(fx->db, &fx->arena, "{\"a\":1}", 7, "import", NOW, 1, &imported, &errs,
				   &nerrs);
	assert_int_equal(rc, 1);
	assert_int_equal(nerrs, 1);
	assert_string_equal(errs[0].msgid, "The file must be a JSON array of procedures.");
	rc = procedure_import_json(fx->db, &fx->arena, "[1,\n", 4, "import", NOW, 1, &imported, &errs,
				   &nerrs);
	assert_int_equal(rc, 1);
	assert_string_equal(errs[0].msgid, "The JSON data is not valid.");
	rc = procedure_import_json(fx->db, &fx->arena, "[]", 2, "import", NOW, 1, &imported, &errs, &nerrs);
	assert_int_equal(rc, 1);
	rc = procedure_import_json(fx->db, &fx->arena, "[1, {}]", 7, "import", NOW, 1, &imported, &errs,
				   &nerrs);
	assert_int_equal(rc, 1);
	assert_int_equal(errs[0].line, 1);
	assert_string_equal(errs[0].msgid, "A procedure must be a JSON object.");
	assert_int_equal(errs[nerrs - 1].line, 2);
	{
		/* 10,001 rows: refused with one error */
		struct buf big = BUF_INIT;
		buf_addch(&big, '[');
		for (int i = 0; i <= 10000; i++)
			buf_adds(&big, i ? ",{}" : "{}");
		buf_addch(&big, ']');
		rc = procedure_import_json(fx->db, &fx->arena, big.ptr, big.len, "import", NOW, 1, &imported,
					   &errs, &nerrs);
		assert_int_equal(rc, 1);
		assert_int_equal(nerrs, 1);
		assert_string_equal(errs[0].msgid, "The file has more than 10,000 procedures.");
		buf_release(&big);
	}
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM procedures"), 0);

	/* the good rows alone: written and published in one go */
	buf_reset(&text);
	buf_addf(&text, "[%s,%s]", variant(fx, "2.000815", "Chứng thực", 1),
		 variant(fx, "2.000884", "Chứng thực", 2));
	rc = procedure_import_json(fx->db, &fx->arena, text.ptr, text.len, "import", NOW, 1, &imported, &errs,
				   &nerrs);
	assert_int_equal(rc, 0);
	assert_int_equal(nerrs, 0);
	assert_int_equal(imported, 2);
	assert_string_equal(codes(fx, NULL, NULL), "2.000815 2.000884");
	/* the same file again makes no new version; a changed row does, as a draft without publish */
	rc = procedure_import_json(fx->db, &fx->arena, text.ptr, text.len, "import", NOW, 1, &imported, &errs,
				   &nerrs);
	assert_int_equal(rc, 0);
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM procedure_versions"), 2);
	buf_reset(&text);
	buf_addf(&text, "[%s]", variant(fx, "2.000884", "Chứng thực", 3));
	rc = procedure_import_json(fx->db, &fx->arena, text.ptr, text.len, "import", NOW, 0, &imported, &errs,
				   &nerrs);
	assert_int_equal(rc, 0);
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM procedure_versions WHERE status = 'draft'"), 1);
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM procedure_versions WHERE status = 'published'"),
			 2);
	/* inside the caller's transaction (audited with it): rolled back with it */
	buf_reset(&text);
	buf_addf(&text, "[%s]", variant(fx, "2.001035", "Chứng thực", 1));
	assert_int_equal(db_begin(fx->db), 0);
	rc = procedure_import_json(fx->db, &fx->arena, text.ptr, text.len, "import", NOW, 1, &imported, &errs,
				   &nerrs);
	assert_int_equal(rc, 0);
	assert_int_equal(imported, 1);
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM procedures"), 3);
	/* the catalogue read inside it sees it; after the rollback it is gone again */
	assert_string_equal(codes(fx, NULL, NULL), "2.000815 2.000884 2.001035");
	assert_int_equal(db_rollback(fx->db), 0);
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM procedures"), 2);
	assert_string_equal(codes(fx, NULL, NULL), "2.000815 2.000884");
	buf_release(&text);
}

/* The CSV header procedure_export_csv writes. */
#define CSV_HEADER                                                                                               \
	"code,name,field,level,inter_level,receive_level,decide_level,receiving,deciding,time_amount,time_unit," \
	"time_note,online,result,legal_basis,conditions,fee_note,fees,documents,steps\r\n"

#define CSV_STEPS                                                                                               \
	"\"[{\"\"name\"\":\"\"Tiếp nhận\"\",\"\"responsible\"\":\"\"Một cửa\"\",\"\"role\"\":\"\"\"\"," \
	"\"\"level\"\":\"\"ward\"\",\"\"hours\"\":4}]\""

static void test_import_csv(void **state)
{
	struct fixture *fx = *state;
	struct proc_import_error *errs;
	struct proc_version v;
	size_t imported, nerrs;
	const char *lines;
	int rc;
	/* line 1 header; 2–3 a good row whose legal basis has a line break inside quotes; 4 an unknown
	 * field; 5 steps not adding up and a bad level; 6 a stray quote; 7 too few columns; 8 line 2's
	 * code again; then a blank line */
	static const char csv[] = CSV_HEADER
		"1.001193,Đăng ký khai sinh,Hộ tịch,ward,false,ward,ward,Một cửa phường,Chủ tịch UBND phường,0,day,"
		",full,Giấy khai sinh,\"Luật Hộ tịch\nNghị định 123/2015/NĐ-CP\",,,[],[]," CSV_STEPS "\r\n"
		"1.000894,Đăng ký kết hôn,Hôn nhân,ward,false,ward,ward,Một cửa phường,Chủ tịch,0,day,"
		",partial,Giấy chứng nhận kết hôn,Luật Hộ tịch,,,,," CSV_STEPS "\r\n"
		"1.000656,Đăng ký khai tử,Hộ tịch,xa,,,,Một cửa phường,Chủ tịch,3,day,"
		",full,Trích lục khai tử,Luật Hộ tịch,,,,," CSV_STEPS "\r\n"
		"1.001022,Nhận \"cha\" mẹ con,Hộ tịch,ward,,,,Một cửa,Chủ tịch,3,day,,full,x,y,,,,,\r\n"
		"1.004837,Đăng ký giám hộ,Hộ tịch\r\n"
		"1.001193,Đăng ký khai sinh,Hộ tịch,ward,false,ward,ward,Một cửa phường,Chủ tịch UBND phường,0,day,"
		",full,Giấy khai sinh,Luật Hộ tịch,,,[],[]," CSV_STEPS "\r\n"
		"\r\n";
	static const char unclosed[] = CSV_HEADER "1.001193,\"Đăng ký\n\n";

	add_field(fx->db, "Hộ tịch");
	rc = procedure_import_csv(fx->db, &fx->arena, csv, strlen(csv), "import", NOW, 1, &imported, &errs,
				  &nerrs);
	lines = error_lines(fx, errs, nerrs);
	print_message("%s", lines);
	assert_int_equal(rc, 1);
	assert_int_equal(imported, 0);
	assert_non_null(
		strstr(lines, "# 4 field This field (lĩnh vực) is not in the list of fields. [Hôn nhân]\n"));
	assert_non_null(strstr(lines, "# 5 level This value is not one of the allowed names."));
	assert_non_null(strstr(lines, "# 5 steps The allotted times of the steps must add up"));
	assert_non_null(strstr(lines, "# 6  A quote mark inside a value must be in a quoted value"));
	assert_non_null(strstr(lines, "# 7  This row does not have as many columns as the header row."));
	assert_non_null(strstr(lines, "# 8 code This code appears more than once in the file."));
	assert_int_equal(errs[0].line, 4); /* none on the good row, lines 2–3 */
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM procedures"), 0);

	/* the header: unknown and missing columns are errors on line 1 */
	rc = procedure_import_csv(fx->db, &fx->arena, "code,nom\r\n1.001193,x\r\n", 22, "import", NOW, 1,
				  &imported, &errs, &nerrs);
	lines = error_lines(fx, errs, nerrs);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(lines, "# 1  The header row has a column that is not known. [nom]\n"));
	assert_non_null(strstr(lines, "# 1  The header row lacks a column. [steps]\n"));
	/* an unclosed quote */
	rc = procedure_import_csv(fx->db, &fx->arena, unclosed, strlen(unclosed), "import", NOW, 1, &imported,
				  &errs, &nerrs);
	assert_int_equal(rc, 1);
	assert_int_equal(errs[0].line, 2);
	assert_string_equal(errs[0].msgid, "A quoted value is not closed: a quote mark is missing.");
	rc = procedure_import_csv(fx->db, &fx->arena, "code\xff", 5, "import", NOW, 1, &imported, &errs,
				  &nerrs);
	assert_int_equal(rc, 1);
	assert_string_equal(errs[0].msgid, "The file is not valid UTF-8 text.");

	/* the good row alone (with a byte order mark, LF line ends): imported, the line break kept */
	{
		struct buf one = BUF_INIT;
		const char *row = strstr(csv, "\r\n") + 2;
		const char *end = strstr(strstr(row, "NĐ-CP"), "\r\n") + 2;
		buf_adds(&one, "\xef\xbb\xbf");
		buf_adds(&one, CSV_HEADER);
		buf_add(&one, row, (size_t)(end - row));
		rc = procedure_import_csv(fx->db, &fx->arena, one.ptr, one.len, "import", NOW, 1, &imported,
					  &errs, &nerrs);
		print_message("%s", error_lines(fx, errs, nerrs));
		assert_int_equal(rc, 0);
		assert_int_equal(imported, 1);
		buf_release(&one);
	}
	assert_int_equal(procedure_load(fx->db, &fx->arena, "1.001193", 0, &v), 0);
	assert_string_equal(v.p.legal_basis, "Luật Hộ tịch\nNghị định 123/2015/NĐ-CP");
	assert_string_equal(v.p.receiving, "Một cửa phường");
	assert_int_equal(v.p.nsteps, 1);
	assert_string_equal(v.created_by, "import");
}

/* Export, import into a fresh database, export again: the same bytes. */
static void round_trip(struct fixture *fx, int csv)
{
	struct fixture other = { 0 };
	struct proc_field *fields;
	struct proc_import_error *errs;
	struct buf first = BUF_INIT, second = BUF_INIT;
	size_t nfields, imported, nerrs;
	int rc;

	load_demo(fx->db);
	/* the demo's texts have quote marks, commas and line breaks */
	assert_int_equal(csv ? procedure_export_csv(fx->db, &fx->arena, 0, &first)
			     : procedure_export_json(fx->db, &fx->arena, 0, &first),
			 0);
	assert_true(first.len > 10000);
	assert_int_equal(open_fresh("procedures2", &other), 0);
	assert_int_equal(procedure_fields(fx->db, &fx->arena, &fields, &nfields), 0);
	for (size_t i = 0; i < nfields; i++)
		add_field(other.db, fields[i].name);
	rc = csv ? procedure_import_csv(other.db, &other.arena, first.ptr, first.len, "import", NOW, 1,
					&imported, &errs, &nerrs)
		 : procedure_import_json(other.db, &other.arena, first.ptr, first.len, "import", NOW, 1,
					 &imported, &errs, &nerrs);
	if (rc)
		fail_msg("import gave %d: %s", rc, error_lines(fx, errs, nerrs));
	assert_int_equal(imported, (size_t)scalar(fx->db, "SELECT COUNT(*) FROM procedures"));
	assert_int_equal(csv ? procedure_export_csv(other.db, &other.arena, 0, &second)
			     : procedure_export_json(other.db, &other.arena, 0, &second),
			 0);
	assert_int_equal(first.len, second.len);
	assert_memory_equal(first.ptr, second.ptr, first.len);
	close_fresh(&other);
	buf_release(&first);
	buf_release(&second);
}

static void test_csv_round_trip(void **state)
{
	struct fixture *fx = *state;
	struct buf out = BUF_INIT;

	round_trip(fx, 1);
	assert_int_equal(procedure_export_csv(fx->db, &fx->arena, 0, &out), 0);
	assert_memory_equal(out.ptr, CSV_HEADER, strlen(CSV_HEADER));
	/* the legal basis' line breaks are inside quotes; rows end with CRLF */
	assert_non_null(strstr(out.ptr, "\"Luật Hộ tịch số 60/2014/QH13\nNghị định số 123/2015/NĐ-CP"));
	buf_release(&out);
}

/* Texts a spreadsheet would run as formulas are escaped in the CSV and come back exactly on import. */
static void test_csv_formulas(void **state)
{
	struct fixture *fx = *state;
	struct fixture other = { 0 };
	struct buf out = BUF_INIT;
	struct procedure p;
	struct proc_version v;
	struct proc_import_error *errs;
	size_t imported, nerrs;
	int rc;

	parse_ok(&fx->arena, certify_doc, &p);
	p.field = "Chứng thực";
	p.conditions = "=HYPERLINK(\"http://x.example/\",\"Bấm vào đây\")";
	p.fee_note = "'@SUM(A1)";
	p.result = "-Bản sao được chứng thực";
	for (size_t i = 0; i < p.ndocuments; i++)
		p.documents[i].form_file = p.documents[i].form_name = ""; /* no file to carry over */
	add_field(fx->db, "Chứng thực");
	save(fx->db, &p);
	assert_int_equal(procedure_export_csv(fx->db, &fx->arena, 1, &out), 0);
	/* what Excel sees: text, not a formula */
	assert_non_null(strstr(out.ptr, ",\"'=HYPERLINK(\"\"http://x.example/\"\",\"\"Bấm vào đây\"\")\","));
	assert_non_null(strstr(out.ptr, ",''@SUM(A1),"));
	assert_non_null(strstr(out.ptr, ",'-Bản sao được chứng thực,"));
	assert_null(strstr(out.ptr, ",=HYPERLINK"));
	/* and back again, exactly */
	assert_int_equal(open_fresh("procedures3", &other), 0);
	add_field(other.db, "Chứng thực");
	rc = procedure_import_csv(other.db, &other.arena, out.ptr, out.len, "import", NOW, 1, &imported,
				  &errs, &nerrs);
	if (rc)
		fail_msg("import gave %d: %s", rc, error_lines(fx, errs, nerrs));
	assert_int_equal(procedure_load(other.db, &other.arena, p.code, -1, &v), 0);
	assert_string_equal(v.p.conditions, p.conditions);
	assert_string_equal(v.p.fee_note, p.fee_note);
	assert_string_equal(v.p.result, p.result);
	close_fresh(&other);
	buf_release(&out);
}

static void test_json_export_round_trip(void **state)
{
	struct fixture *fx = *state;
	struct buf out = BUF_INIT;
	struct procedure p;
	json_error_t jerr;
	json_t *arr;

	round_trip(fx, 0);
	/* all=1 takes drafts too: a new draft of 2.000815 appears only there */
	parse_ok(&fx->arena, certify_doc, &p);
	p.field = "Chứng thực";
	save(fx->db, &p);
	assert_int_equal(procedure_export_json(fx->db, &fx->arena, 1, &out), 0);
	arr = json_loads(out.ptr, 0, &jerr);
	assert_non_null(arr);
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *d = json_array_get(arr, i);
		if (!strcmp(json_string_value(json_object_get(d, "code")), "2.000815"))
			assert_string_equal(json_string_value(json_object_get(d, "name")),
					    "Chứng thực bản sao từ bản chính");
	}
	json_decref(arr);
	buf_release(&out);
}

/* A field renamed, the catalogue exported and imported back: no procedure gets a new version. */
static void test_reimport_after_rename(void **state)
{
	struct fixture *fx = *state;
	struct proc_import_error *errs;
	struct buf out = BUF_INIT;
	size_t imported = 0, nerrs = 0;
	int64_t versions, field;

	load_demo(fx->db);
	versions = scalar(fx->db, "SELECT COUNT(*) FROM procedure_versions");
	field = scalar(fx->db, "SELECT id FROM procedure_fields WHERE name = 'Chứng thực'");
	assert_int_equal(db_begin(fx->db), 0);
	assert_int_equal(procedure_field_update(fx->db, field, "Chứng thực bản sao, chữ ký", -1), 0);
	assert_int_equal(db_commit(fx->db), 0);
	assert_int_equal(procedure_export_json(fx->db, &fx->arena, 1, &out), 0);
	assert_int_equal(procedure_import_json(fx->db, &fx->arena, out.ptr, out.len, "import", NOW + 60, 0,
					       &imported, &errs, &nerrs),
			 0);
	assert_int_equal(nerrs, 0);
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM procedure_versions"), versions);
	assert_int_equal(scalar(fx->db, "SELECT COUNT(*) FROM procedure_versions WHERE status = 'draft'"), 0);
	buf_release(&out);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_json_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reimport_after_rename, setup, teardown),
		cmocka_unit_test_setup_teardown(test_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_demo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cache_agrees, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_published, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_formulas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_export_round_trip, setup, teardown),
	};
	return cmocka_run_group_tests_name("procedures", tests, NULL, NULL) ? 1 : 0;
}
