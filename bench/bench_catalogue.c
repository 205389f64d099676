/*
 * bench_catalogue.c: the catalogue search (issue 5, "Performance": with
 * 5,000 procedures a search answers in under 5 ms at p99; timed as a page of
 * /thu-tuc reads: the field list for its filter, then the list). Makes a fresh
 * database (migrations), saves and publishes COUNT generated procedures in
 * one transaction (procedure_save + procedure_publish, as an import does),
 * then runs procedure_list for a set of queries, ITERATIONS times each, as
 * the page /thu-tuc does (the search text folded, 20 rows and the counts),
 * and prints p50 and p99 per query and over all of them; then the time of
 * the first search after a publish (whatever the search keeps between
 * calls is then out of date).
 *   bench_catalogue DB [COUNT] [ITERATIONS]
 * DB is a new SQLite file (refused when it exists) or a PostgreSQL URL of an
 * empty database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "core/arena.h"
#include "core/xalloc.h"
#include "features/procedures.h"
#include "rules/fold.h"
#include "rules/procedure.h"
#include "store/db.h"
#include "store/migrate.h"

#define PAGE_SIZE     20
#define AFTER_PUBLISH 20 /* searches timed right after a publish */

/* ---- generated procedures: names from the words real ones use ---- */

static const char *const fields[] = {
	"Chứng thực",
	"Hộ tịch",
	"Đất đai",
	"Xây dựng",
	"Thành lập và hoạt động của hộ kinh doanh",
	"Lao động - Thương binh và Xã hội",
	"Bảo trợ xã hội",
	"Người có công",
	"Giáo dục và Đào tạo",
	"Y tế",
	"Văn hóa",
	"Tài nguyên và Môi trường",
	"Nội vụ",
	"Thi đua - Khen thưởng",
	"Tôn giáo",
	"Giao thông vận tải",
	"Nông nghiệp",
	"Lưu thông hàng hóa trong nước",
	"An toàn thực phẩm",
	"Phòng, chống tệ nạn xã hội",
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static const char *const verbs[] = {
	"Cấp",	       "Cấp lại",	   "Cấp đổi",	 "Điều chỉnh",	     "Gia hạn",	   "Đăng ký",
	"Đăng ký lại", "Đăng ký thay đổi", "Thu hồi",	 "Chứng thực",	     "Xác nhận",   "Thẩm định",
	"Phê duyệt",   "Công nhận",	   "Giải quyết", "Chuyển đổi",	     "Hủy bỏ",	   "Cho phép",
	"Thông báo",   "Tiếp nhận",	   "Trích lục",	 "Sửa đổi, bổ sung", "Chấm dứt",   "Tạm ngừng",
	"Đề nghị",     "Hỗ trợ",	   "Xét duyệt",	 "Cấp bản sao",	     "Đính chính", "Ghi vào sổ",
};
static const char *const objects[] = {
	"giấy phép xây dựng",
	"giấy chứng nhận quyền sử dụng đất",
	"giấy chứng nhận đăng ký hộ kinh doanh",
	"khai sinh",
	"kết hôn",
	"khai tử",
	"bản sao từ bản chính giấy tờ, văn bản",
	"chữ ký trong các giấy tờ, văn bản",
	"hợp đồng, giao dịch liên quan đến tài sản là động sản",
	"giấy phép kinh doanh dịch vụ karaoke",
	"trợ cấp xã hội hằng tháng",
	"hỗ trợ chi phí mai táng",
	"thay đổi, cải chính, bổ sung thông tin hộ tịch",
	"giám hộ",
	"nhận cha, mẹ, con",
	"xác nhận tình trạng hôn nhân",
	"giấy phép bán lẻ sản phẩm thuốc lá",
	"giấy phép bán lẻ rượu",
	"giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
	"kế hoạch bảo vệ môi trường",
	"phương án sử dụng đất",
	"danh hiệu gia đình văn hóa",
	"danh hiệu tổ dân phố văn hóa",
	"giấy khen của Chủ tịch UBND",
	"hoạt động tín ngưỡng",
	"sinh hoạt tôn giáo tập trung",
	"thành lập nhóm trẻ, lớp mẫu giáo độc lập",
	"cho phép trường tiểu học hoạt động giáo dục",
	"chế độ ưu đãi người có công với cách mạng",
	"mua bảo hiểm y tế cho người cao tuổi",
	"đăng ký tạm trú",
	"cấp phép đào đường",
	"sử dụng tạm thời một phần lòng đường, hè phố",
	"chuyển mục đích sử dụng đất",
	"tách thửa, hợp thửa đất",
	"đăng ký biến động quyền sử dụng đất",
	"xóa đăng ký thế chấp",
	"cấp số nhà",
	"phân loại hộ nghèo, hộ cận nghèo",
	"người khuyết tật",
};
static const char *const qualifiers[] = {
	"",
	"",
	"",
	"nhà ở riêng lẻ",
	"có yếu tố nước ngoài",
	"cho người khuyết tật",
	"trên địa bàn quận",
	"lưu động",
	"đối với hộ gia đình, cá nhân",
	"trường hợp bị mất, hỏng",
	"cho người cao tuổi",
	"đối với công trình có thời hạn",
	"cho trẻ em dưới 6 tuổi",
	"theo yêu cầu",
	"kết hợp",
	"tại nơi cư trú",
};
static const char *const doc_names[] = {
	"Tờ khai theo mẫu",
	"Đơn đề nghị",
	"Bản chính giấy tờ cần chứng thực",
	"Căn cước công dân",
	"Giấy chứng nhận quyền sử dụng đất",
	"Bản vẽ thiết kế",
	"Giấy ủy quyền",
	"Giấy xác nhận của cơ quan có thẩm quyền",
	"Sơ đồ vị trí",
	"Hợp đồng thuê địa điểm",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static unsigned long long rng = 0x9E3779B97F4A7C15ULL;

static unsigned pick(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static void step(struct procedure *p, const char *name, const char *who, const char *role, int level,
		 int64_t hours)
{
	struct proc_step *s = &p->steps[p->nsteps++];
	s->name = name;
	s->responsible = who;
	s->role = role;
	s->level = level;
	s->hours = hours;
}

/* The i-th generated procedure, its strings in the arena. */
static void generate(struct arena *a, size_t i, struct procedure *p)
{
	unsigned r = pick(100);
	const char *q = qualifiers[pick(N(qualifiers))];
	int64_t hours;

	memset(p, 0, sizeof(*p));
	p->code = arena_printf(a, "%zu.%06zu", 1 + i % 3, 100000 + i);
	p->name = arena_printf(a, "%s %s%s%s", verbs[pick(N(verbs))], objects[pick(N(objects))],
			       *q ? " " : "", q);
	p->field = fields[pick(NFIELDS)];
	/* about the seed's shares: 60% district, 30% ward, 10% city; one in ten inter-level */
	p->level = r < 60 ? PROC_DISTRICT : r < 90 ? PROC_WARD : PROC_CITY;
	p->receive_level = p->decide_level = p->level;
	if (pick(10) == 0 && p->level != PROC_WARD) {
		p->inter_level = 1;
		p->receive_level = p->level == PROC_CITY ? PROC_DISTRICT : PROC_WARD;
	}
	p->receiving = p->receive_level == PROC_WARD ? "Bộ phận Một cửa UBND phường"
						     : "Bộ phận Tiếp nhận và Trả kết quả UBND quận";
	p->deciding = p->level == PROC_WARD	  ? "Chủ tịch UBND phường"
		      : p->level == PROC_DISTRICT ? "Chủ tịch UBND quận"
						  : "Giám đốc Sở";
	switch (pick(4)) {
	case 0:
		p->time_amount = 0;
		p->time_unit = PROC_DAYS;
		p->time_note = "Trong ngày; sau 15 giờ thì trả trong ngày làm việc tiếp theo";
		break;
	case 1:
		p->time_amount = 4 + pick(5) * 4;
		p->time_unit = PROC_HOURS;
		p->time_note = "";
		break;
	default:
		p->time_amount = 1 + pick(30);
		p->time_unit = PROC_DAYS;
		p->time_note = "";
	}
	switch (pick(3)) {
	case 0: /* per page with steps and a cap, as chứng thực bản sao */
		p->fees[0] = (struct fee_line){ .name = "Phí chứng thực",
						.kind = 0,
						.per = FEE_PER_PAGE,
						.tiers = { { 1, 2, 2000 }, { 3, 0, 1000 } },
						.ntiers = 2,
						.max = 200000 };
		p->nfees = 1;
		break;
	case 1:
		p->fees[0] = (struct fee_line){
			.name = "Lệ phí", .kind = 1, .per = FEE_PER_DOSSIER, .amount = 10000 * (1 + pick(20))
		};
		p->nfees = 1;
		break;
	default: p->fee_note = "Miễn lệ phí";
	}
	if (!p->fee_note)
		p->fee_note = "";
	p->ndocuments = 1 + pick(5);
	for (size_t d = 0; d < p->ndocuments; d++) {
		p->documents[d].name = doc_names[(i + d) % N(doc_names)];
		p->documents[d].kind = 1 + (int)pick(3);
		p->documents[d].count = 1 + (int)pick(2);
	}
	p->result = "Văn bản chấp thuận của cơ quan có thẩm quyền";
	p->legal_basis = "Luật Hộ tịch năm 2014\nNghị định số 23/2015/NĐ-CP";
	p->conditions = pick(2) ? "" : "Người yêu cầu có hộ khẩu thường trú trên địa bàn";
	p->online = 1 + (int)pick(3);
	/* the internal process adds up to the statutory time (a same-day one to at most a working day) */
	hours = procedure_hours(p);
	if (hours == 0) {
		step(p, "Tiếp nhận hồ sơ", "Bộ phận Một cửa", "onestop_clerk", p->receive_level, 2);
		step(p, "Giải quyết hồ sơ", "Công chức chuyên môn", "specialist", p->level, 4);
		step(p, "Trả kết quả", "Bộ phận Một cửa", "onestop_clerk", p->receive_level, 2);
	} else if (hours < 8) {
		step(p, "Tiếp nhận hồ sơ", "Bộ phận Một cửa", "onestop_clerk", p->receive_level, 1);
		step(p, "Giải quyết hồ sơ", "Công chức chuyên môn", "specialist", p->level, hours - 1);
	} else {
		step(p, "Tiếp nhận hồ sơ", "Bộ phận Một cửa", "onestop_clerk", p->receive_level, 4);
		step(p, "Thẩm định, trình ký", "Công chức chuyên môn", "specialist", p->level, hours - 8);
		step(p, "Ký, trả kết quả", p->deciding, "leader", p->level, 4);
	}
}

static void report_error(void *ctx, const char *field, const char *msgid)
{
	const struct procedure *p = ctx;
	fprintf(stderr, "bench_catalogue: generated %s: %s: %s\n", p->code, field, msgid);
}

/* ---- timing ---- */

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Spaces after s (UTF-8) to fill `width` characters. */
static int pad(const char *s, int width)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n < width ? width - n : 0;
}

static int cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

struct bench_query {
	const char *what; /* printed */
	const char *q;	  /* as typed */
	int level, inter_level, online;
	const char *field;
	size_t page;
};

static const struct bench_query queries[] = {
	{ "one word \"chứng\"", "chứng", 0, 0, 0, NULL, 1 },
	{ "two words \"cap giay\"", "cap giay", 0, 0, 0, NULL, 1 },
	{ "tones \"đăng ký kinh doanh\"", "đăng ký kinh doanh", 0, 0, 0, NULL, 1 },
	{ "capitals \"CHỨNG THỰC BẢN SAO\"", "CHỨNG THỰC BẢN SAO", 0, 0, 0, NULL, 1 },
	{ "level ward", "", PROC_WARD, 0, 0, NULL, 1 },
	{ "field Hộ tịch + \"khai sinh\"", "khai sinh", 0, 0, 0, "Hộ tịch", 1 },
	{ "district + fully online", "", PROC_DISTRICT, 0, PROC_ONLINE_FULL, NULL, 1 },
	{ "inter-level + \"giấy\"", "giấy", 0, 1, 0, NULL, 1 },
	{ "all, page 10", "", 0, 0, 0, NULL, 10 },
	{ "\"giấy phép\", page 10", "giấy phép", 0, 0, 0, NULL, 10 },
	{ "no match \"xyzkhong\"", "xyzkhong", 0, 0, 0, NULL, 1 },
};
#define NQUERIES (sizeof(queries) / sizeof(queries[0]))

int main(int argc, char **argv)
{
	const char *url;
	long count = argc > 2 ? strtol(argv[2], NULL, 10) : 5000;
	long iters = argc > 3 ? strtol(argv[3], NULL, 10) : 500;
	struct db *db;
	struct arena a;
	struct procedure *p = xmalloc(sizeof(*p));
	char *err = NULL;
	int applied, rc, pg;
	int64_t t0, *lat, *all;
	long nall = 0;

	if (argc < 2 || count < 1 || iters < 1) {
		fprintf(stderr, "usage: bench_catalogue DB [COUNT] [ITERATIONS]\n");
		return 2;
	}
	url = argv[1];
	pg = db_url_is_pg(url);
	if (!pg) {
		struct stat st;
		if (!stat(url, &st)) {
			fprintf(stderr, "bench_catalogue: %s exists: give a new file\n", url);
			return 2;
		}
	}
	db = db_open(url, &err);
	if (!db || migrate_run(db, &applied, &err)) {
		fprintf(stderr, "bench_catalogue: %s\n", err ? err : "cannot open the database");
		return 1;
	}
	arena_init(&a);

	/* the catalogue: fields, then every procedure saved and published, in one transaction */
	t0 = now_ns();
	rc = db_begin(db);
	for (size_t i = 0; !rc && i < NFIELDS; i++) {
		int64_t id;
		rc = procedure_field_add(db, fields[i], 1767225600, &id);
	}
	for (long i = 0; !rc && i < count; i++) {
		int64_t version = 0;
		generate(&a, (size_t)i, p);
		if (procedure_check(p, report_error, p)) {
			rc = -1;
			break;
		}
		rc = procedure_save(db, p, "bench", 1767225600, &version);
		if (!rc)
			rc = procedure_publish(db, p->code, version, 1767225600);
		if (i % 256 == 255)
			arena_reset(&a);
	}
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		fprintf(stderr, "bench_catalogue: loading failed (%d): %s\n", rc, db_errmsg(db));
		db_rollback(db);
		return 1;
	}
	arena_reset(&a);
	printf("%s: %ld procedures saved and published in %.1f s; procedure_list, %ld runs per query:\n",
	       db_backend(db), count, (double)(now_ns() - t0) / 1e9, iters);

	lat = xmalloc(sizeof(int64_t) * (size_t)(iters > AFTER_PUBLISH ? iters : AFTER_PUBLISH));
	all = xmalloc(sizeof(int64_t) * (size_t)iters * NQUERIES);
	for (size_t k = 0; k < NQUERIES; k++) {
		const struct bench_query *bq = &queries[k];
		size_t matched = 0;
		/* a few runs first: statements prepared, pages in the cache */
		for (long it = -10; it < iters; it++) {
			char folded[256];
			struct proc_query q = { 0 };
			struct proc_row *rows;
			struct proc_counts counts;
			struct proc_field *fl;
			size_t n, nfl;
			int64_t s = now_ns();
			if (fold_text(bq->q, folded, sizeof(folded)) < 0)
				return 1;
			q.q = folded;
			q.level = bq->level;
			q.inter_level = bq->inter_level;
			q.online = bq->online;
			q.field = bq->field;
			q.offset = (bq->page - 1) * PAGE_SIZE;
			q.limit = PAGE_SIZE;
			/* what a page of /thu-tuc reads: the fields for the filter, then the list */
			if (procedure_fields(db, &a, &fl, &nfl)) {
				fprintf(stderr, "bench_catalogue: procedure_fields: %s\n", db_errmsg(db));
				return 1;
			}
			if (procedure_list(db, &a, &q, &rows, &n, &counts)) {
				fprintf(stderr, "bench_catalogue: procedure_list: %s\n", db_errmsg(db));
				return 1;
			}
			if (it >= 0) {
				lat[it] = now_ns() - s;
				all[nall++] = lat[it];
			}
			matched = counts.total;
			arena_reset(&a);
		}
		qsort(lat, (size_t)iters, sizeof(*lat), cmp);
		printf("  %s%*s %5zu found  p50 %6.3f ms  p99 %6.3f ms\n", bq->what, pad(bq->what, 36), "",
		       matched, lat[iters / 2] / 1e6, lat[iters * 99 / 100] / 1e6);
	}
	qsort(all, (size_t)nall, sizeof(*all), cmp);
	printf("  %-36s %11s  p50 %6.3f ms  p99 %6.3f ms  (target: p99 < 5 ms)\n", "all queries", "",
	       all[nall / 2] / 1e6, all[nall * 99 / 100] / 1e6);

	/*
	 * The first search after the catalogue changed: a new version of one
	 * procedure published (its own transaction), then one search, timed.
	 */
	for (int k = 0; k < AFTER_PUBLISH; k++) {
		char folded[64];
		struct proc_query q = { 0 };
		struct proc_row *rows;
		struct proc_counts counts;
		size_t n;
		int64_t version = 0, s;
		generate(&a, (size_t)(k * 37) % (size_t)count, p);
		p->name = arena_printf(&a, "%s (sửa đổi lần %d)", p->name, k + 1);
		rc = db_begin(db);
		if (!rc)
			rc = procedure_save(db, p, "bench", 1767225600 + k, &version);
		if (!rc)
			rc = procedure_publish(db, p->code, version, 1767225600 + k);
		if (!rc)
			rc = db_commit(db);
		if (rc) {
			fprintf(stderr, "bench_catalogue: publishing failed: %s\n", db_errmsg(db));
			db_rollback(db);
			return 1;
		}
		fold_text("chứng", folded, sizeof(folded));
		q.q = folded;
		q.limit = PAGE_SIZE;
		s = now_ns();
		if (procedure_list(db, &a, &q, &rows, &n, &counts))
			return 1;
		lat[k] = now_ns() - s;
		arena_reset(&a);
	}
	qsort(lat, AFTER_PUBLISH, sizeof(*lat), cmp);
	printf("  first search after a publish%*s %11s  p50 %6.3f ms  max %6.3f ms  (%d publishes)\n", 8, "",
	       "", lat[AFTER_PUBLISH / 2] / 1e6, lat[AFTER_PUBLISH - 1] / 1e6, AFTER_PUBLISH);
	free(lat);
	free(all);
	free(p);
	arena_release(&a);
	db_close(db);
	return 0;
}
