/* dossier_demo.c: the demo's dossiers and the benchmarks' generator, made through the model (dossiers.h). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/arena.h"
#include "core/timefmt.h"
#include "core/xalloc.h"
#include "features/audit.h"
#include "features/calendar.h"
#include "features/dossier_demo.h"
#include "features/dossiers.h"
#include "features/files.h"
#include "features/procedures.h"
#include "rules/calendar.h"
#include "rules/dossier.h"
#include "rules/procedure.h"
#include "core/banned.h"

#define DISTRICT_CODE "000.00.15.H26" /* Quận Thanh Xuân (org_demo) */
#define MAX_AGENCIES  32
#define HOUR	      3600
#define DAY	      86400
#define BATCH	      1000 /* dossiers per transaction of the generator */

/* ---- a deterministic random stream (xorshift64*) ---- */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t x = r->s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* 0 … n-1 (0 when n is 0). */
static uint32_t pick(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)((rng_next(r) >> 32) % n) : 0;
}

/* lo … hi. */
static int64_t span(struct rng *r, int64_t lo, int64_t hi)
{
	return hi <= lo ? lo : lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static int chance(struct rng *r, unsigned per_mille)
{
	return pick(r, 1000) < per_mille;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- people ---- */

/* Family names, about as common as they are (of a thousand). */
static const struct {
	const char *name;
	unsigned weight;
} families[] = {
	{ "Nguyễn", 380 }, { "Trần", 110 }, { "Lê", 95 },    { "Phạm", 70 }, { "Hoàng", 50 }, { "Phan", 40 },
	{ "Vũ", 39 },	   { "Đặng", 21 },  { "Bùi", 20 },   { "Đỗ", 16 },   { "Ngô", 13 },   { "Hồ", 10 },
	{ "Dương", 10 },   { "Đinh", 8 },   { "Đào", 8 },    { "Trịnh", 7 }, { "Lý", 5 },     { "Lương", 5 },
	{ "Mai", 4 },	   { "Hà", 4 },	    { "Lưu", 3 },    { "Tạ", 3 },    { "Cao", 3 },    { "Chu", 3 },
	{ "Phùng", 3 },	   { "Kiều", 2 },   { "Nghiêm", 2 }, { "Quách", 2 }, { "Tô", 2 },     { "Triệu", 2 },
	{ "Vương", 2 },	   { "Lại", 2 },    { "Khúc", 1 },   { "Doãn", 1 },
};
static const char *const middle_m[] = { "Văn",	"Văn",	 "Văn",	  "Văn",  "Đức",  "Minh", "Quang",
					"Hữu",	"Xuân",	 "Thành", "Mạnh", "Ngọc", "Tuấn", "Đình",
					"Công", "Trọng", "Hoàng", "Anh",  "Gia",  "Duy",  "Quốc",
					"Tiến", "Bảo",	 "Thanh", "Việt" };
static const char *const middle_f[] = { "Thị",	"Thị",	  "Thị",  "Thị",  "Thu",  "Ngọc", "Thanh",
					"Minh", "Phương", "Thùy", "Hồng", "Mai",  "Diệu", "Bích",
					"Kim",	"Khánh",  "Hải",  "Lan",  "Hoài", "Bảo",  "Quỳnh",
					"Thảo", "Hương",  "Thúy", "Vân" };
static const char *const second_f[] = {
	"Thu", "Minh", "Thanh", "Hồng", "Ngọc", "Phương", "Hải", "Kim", "Lan"
};
static const char *const given_m[] = {
	"Anh",	 "Bình",  "Cường", "Dũng",  "Đức",   "Hải",  "Hiếu", "Hoàng", "Hùng", "Huy",
	"Khánh", "Long",  "Minh",  "Nam",   "Phong", "Phúc", "Quân", "Quang", "Sơn",  "Thắng",
	"Thành", "Trung", "Tuấn",  "Tùng",  "Việt",  "Vinh", "Hưng", "Kiên",  "Lâm",  "Đạt",
	"Toàn",	 "Tâm",	  "Hiệp",  "Nghĩa", "Thịnh", "Khoa", "Bách", "Duy",   "Tú",   "Phương"
};
static const char *const given_f[] = { "Anh",	"Chi",	 "Dung",   "Giang", "Hà",   "Hạnh", "Hằng",  "Hiền",
				       "Hoa",	"Hương", "Huyền",  "Lan",   "Linh", "Loan", "Mai",   "Ngọc",
				       "Nhung", "Oanh",	 "Phương", "Quỳnh", "Thảo", "Thủy", "Trang", "Trinh",
				       "Uyên",	"Vân",	 "Yến",	   "Hòa",   "Nga",  "Thư",  "Ly",    "Ngân",
				       "Diệp",	"Hậu",	 "Tâm",	   "Nhàn",  "Lệ",   "Thoa" };
/* Mobile prefixes of Viettel, VinaPhone, MobiFone and Vietnamobile since 2018. */
static const char *const mobile[] = { "086", "096", "097", "098", "032", "033", "034", "035",
				      "036", "037", "038", "039", "088", "091", "094", "081",
				      "082", "083", "084", "085", "089", "090", "093", "070",
				      "076", "077", "078", "079", "092", "056", "058" };
/* The wards of Quận Thanh Xuân as org_demo numbers them (000.01.15.H26 …), with streets in each. */
static const struct {
	const char *ward;
	const char *streets[3];
} places[] = {
	{ "Nhân Chính", { "Quan Nhân", "Hoàng Đạo Thúy", "Lê Văn Lương" } },
	{ "Thượng Đình", { "Nguyễn Trãi", "Thượng Đình", "Vương Thừa Vũ" } },
	{ "Khương Trung", { "Khương Trung", "Vương Thừa Vũ", "Hoàng Văn Thái" } },
	{ "Khương Mai", { "Khương Mai", "Trường Chinh", "Lê Trọng Tấn" } },
	{ "Thanh Xuân Trung", { "Nguyễn Tuân", "Vũ Trọng Phụng", "Quan Nhân" } },
	{ "Phương Liệt", { "Phương Liệt", "Trường Chinh", "Nguyễn Văn Trỗi" } },
	{ "Hạ Đình", { "Hạ Đình", "Nguyễn Xiển", "Nguyễn Trãi" } },
	{ "Khương Đình", { "Khương Đình", "Khương Hạ", "Nguyễn Trãi" } },
	{ "Thanh Xuân Bắc", { "Nguyễn Quý Đức", "Nguyễn Huy Tưởng", "Vũ Hữu" } },
	{ "Thanh Xuân Nam", { "Nguyễn Trãi", "Cù Chính Lan", "Phùng Khoang" } },
	{ "Kim Giang", { "Kim Giang", "Hoàng Đạo Thành", "Nguyễn Xiển" } },
};

/* A made-up person with his strings in the arena. */
static void person_make(struct rng *r, struct arena *a, int place, int year_now, struct dossier_person *p)
{
	unsigned total = 0, w;
	const char *family = families[0].name, *middle, *given;
	int female = (int)pick(r, 2);
	int year = (int)span(r, year_now - 80, year_now - 18), month = (int)span(r, 1, 12),
	    day = (int)span(r, 1, 28);
	char id[16], phone[16];

	for (size_t i = 0; i < N(families); i++)
		total += families[i].weight;
	w = pick(r, total);
	for (size_t i = 0; i < N(families); i++) {
		if (w < families[i].weight) {
			family = families[i].name;
			break;
		}
		w -= families[i].weight;
	}
	middle = female ? middle_f[pick(r, N(middle_f))] : middle_m[pick(r, N(middle_m))];
	do
		given = female ? given_f[pick(r, N(given_f))] : given_m[pick(r, N(given_m))];
	while (!strcmp(given, middle));
	if (female && !strcmp(middle, "Thị") && chance(r, 250)) {
		const char *second = second_f[pick(r, N(second_f))];
		p->name = strcmp(second, given) ? arena_printf(a, "%s Thị %s %s", family, second, given)
						: arena_printf(a, "%s Thị %s", family, given);
	} else {
		p->name = arena_printf(a, "%s %s %s", family, middle, given);
	}
	/* Circular 59/2021/TT-BCA: 001 Hà Nội, century and sex (0/1 the 1900s, 2/3 the 2000s; odd for a
	 * woman), the year's last two digits, a serial of six */
	snprintf(id, sizeof(id), "001%d%02d%06u", (year >= 2000 ? 2 : 0) + female, year % 100,
		 (unsigned)pick(r, 1000000));
	p->id_no = arena_strdup(a, id);
	p->birth = arena_printf(a, "%04d-%02d-%02d", year, month, day);
	snprintf(phone, sizeof(phone), "%s%07u", mobile[pick(r, N(mobile))], (unsigned)pick(r, 10000000));
	p->phone = arena_strdup(a, phone);
	p->email = "";
	if (place < 0 || (size_t)place >= N(places))
		place = (int)pick(r, N(places));
	p->address = pick(r, 3) ? arena_printf(a, "Số %u ngõ %u %s, phường %s, quận Thanh Xuân, Hà Nội",
					       (unsigned)span(r, 1, 120), (unsigned)span(r, 2, 300),
					       places[place].streets[pick(r, 3)], places[place].ward)
				: arena_printf(a, "Số %u %s, phường %s, quận Thanh Xuân, Hà Nội",
					       (unsigned)span(r, 1, 400), places[place].streets[pick(r, 3)],
					       places[place].ward);
}

/* ---- notes ---- */

static const char *const refusals[] = {
	"Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan tiếp nhận; đã hướng dẫn công dân nộp tại cơ quan có "
	"thẩm quyền.",
	"Người nộp không có quyền yêu cầu thực hiện thủ tục này theo quy định.",
	"Giấy tờ đính kèm không đúng thành phần hồ sơ theo quy định; đề nghị nộp lại hồ sơ đầy đủ.",
};
static const char *const supplements[] = {
	"Bổ sung bản sao Giấy chứng nhận kết hôn của cha, mẹ.",
	"Bổ sung giấy tờ chứng minh nơi cư trú.",
	"Bản chụp Căn cước công dân bị mờ; đề nghị nộp lại bản rõ nét.",
	"Bổ sung văn bản ủy quyền có chứng thực.",
	"Bổ sung tờ khai có đầy đủ chữ ký của người yêu cầu.",
};
static const char *const withdrawals[] = {
	"Công dân có đơn xin rút hồ sơ để bổ sung giấy tờ.",
	"Công dân đề nghị rút hồ sơ, không tiếp tục giải quyết.",
};
static const char *const rejections[] = {
	"Không đủ điều kiện theo quy định: người yêu cầu không cư trú trên địa bàn.",
	"Kết quả xác minh không phù hợp với nội dung đề nghị.",
};
static const char *const apologies[] = {
	"Cần xác minh thông tin tại nơi cư trú trước đây của người yêu cầu.",
	"Phải lấy ý kiến của cơ quan có liên quan trước khi giải quyết.",
};

/* ---- the catalogue and the units as the demo uses them ---- */

/* How often a procedure is asked for, of a thousand-ish (others: 3). */
static const struct {
	const char *code;
	unsigned weight;
} popular[] = {
	{ "2.000815", 60 }, { "2.000884", 25 }, { "1.001193", 24 }, { "1.004873", 20 }, { "2.000635", 12 },
	{ "1.000894", 10 }, { "1.000656", 8 },	{ "2.001035", 8 },  { "1.001612", 16 }, { "2.000720", 10 },
	{ "1.001570", 5 },  { "1.001266", 5 },	{ "2.000575", 5 },  { "2.000992", 6 },	{ "2.001008", 4 },
	{ "1.009994", 8 },  { "1.001731", 4 },	{ "1.010407", 3 },  { "1.001776", 4 },
};

struct demo_proc {
	const char *code;
	int receive_level, online;
	int has_fee;
	size_t ndocs, nsteps;
	size_t decide; /* the step that decides: the last leader's */
	const char *role[DOSSIER_MAX_STEPS];
	int level[DOSSIER_MAX_STEPS];
	const char *result;
	unsigned weight;
};

struct staff {
	int64_t account; /* 0: a made-up official without an account */
	const char *name;
	int64_t unit_id; /* the account's unit */
};

struct agency {
	int64_t id;
	const char *code;
	int level; /* enum proc_level */
	int place; /* index in places[], -1 for the district */
	struct staff clerk, spec, leader, collector;
	size_t *procs; /* indices into gen.procs received here */
	size_t nprocs;
	unsigned weights;
};

struct gen {
	struct db *db;
	struct arena keep; /* the catalogue and the units */
	struct arena a;	   /* one dossier's */
	const struct calendar *cal;
	struct rng r;
	struct demo_proc *procs;
	size_t nprocs;
	struct agency ag[MAX_AGENCIES];
	size_t nag;
	size_t district; /* its index in ag */
	char scan_sha[65];
	int64_t bound; /* nothing happens at or after it */
	int year;
	struct dossier *d;
	int64_t made, cut;
};

/* The demo's scan: a one-page PDF written out with its cross-reference table. */
static size_t sample_scan(char *out, size_t n)
{
	static const char *const objs[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
		"/Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	};
	static const char stream[] = "BT /F1 16 Tf 72 760 Td (Ban chup minh hoa - du lieu demo motcua) Tj ET";
	size_t off[6], len = 0, xref;
	len += (size_t)snprintf(out + len, n - len, "%%PDF-1.4\n");
	for (size_t i = 0; i < N(objs); i++) {
		off[i] = len;
		len += (size_t)snprintf(out + len, n - len, "%zu 0 obj\n%s\nendobj\n", i + 1, objs[i]);
	}
	off[4] = len;
	len += (size_t)snprintf(out + len, n - len,
				"5 0 obj\n<< /Length %zu >>\nstream\n%s\nendstream\nendobj\n",
				sizeof(stream) - 1, stream);
	xref = len;
	len += (size_t)snprintf(out + len, n - len, "xref\n0 6\n0000000000 65535 f \n");
	for (size_t i = 0; i < 5; i++)
		len += (size_t)snprintf(out + len, n - len, "%010zu 00000 n \n", off[i]);
	len += (size_t)snprintf(out + len, n - len,
				"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
	return len < n ? len : n - 1;
}

int dossier_demo_files(const char *data_dir)
{
	char pdf[2048], sha[65];
	size_t len = sample_scan(pdf, sizeof(pdf));
	return files_store_bytes(data_dir, pdf, len, sha);
}

static void scan_sha(char out[65])
{
	char pdf[2048];
	unsigned char h[crypto_hash_sha256_BYTES];
	size_t len = sample_scan(pdf, sizeof(pdf));
	crypto_hash_sha256(h, (const unsigned char *)pdf, len);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

static int finish(struct db_stmt *st, int rc)
{
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : 0;
}

/* The published procedures received at a ward or a district that can be worked (two steps or more). */
static int load_catalogue(struct gen *g)
{
	struct db_stmt *st;
	const char **codes;
	size_t n = 0, cap = 64;
	int rc;

	codes = arena_alloc(&g->keep, cap * sizeof(*codes));
	for (rc = db_query(g->db, &st,
			   "SELECT code FROM procedures WHERE published_version IS NOT NULL ORDER BY code",
			   "");
	     rc == DB_ROW; rc = db_step(st)) {
		if (n == cap) {
			const char **more = arena_alloc(&g->keep, 2 * cap * sizeof(*more));
			memcpy(more, codes, cap * sizeof(*more));
			codes = more;
			cap *= 2;
		}
		codes[n++] = arena_strdup(&g->keep, db_col_text(st, 0));
	}
	if ((rc = finish(st, rc)))
		return rc;
	g->procs = arena_calloc(&g->keep, n + 1, sizeof(*g->procs));
	for (size_t i = 0; i < n; i++) {
		struct proc_version v;
		struct demo_proc *dp = &g->procs[g->nprocs];
		const struct procedure *p = &v.p;
		if ((rc = procedure_load(g->db, &g->keep, codes[i], 0, &v)) < 0)
			return rc;
		if (rc || p->nsteps < 2 ||
		    (p->receive_level != PROC_WARD && p->receive_level != PROC_DISTRICT))
			continue;
		dp->code = p->code;
		dp->receive_level = p->receive_level;
		dp->online = p->online;
		dp->has_fee = p->nfees > 0;
		dp->ndocs = p->ndocuments;
		dp->nsteps = p->nsteps < DOSSIER_MAX_STEPS ? p->nsteps : DOSSIER_MAX_STEPS;
		dp->decide = dp->nsteps - 2 ? dp->nsteps - 2 : 1;
		for (size_t k = 0; k < dp->nsteps; k++) {
			dp->role[k] = p->steps[k].role;
			dp->level[k] = p->steps[k].level ? p->steps[k].level : p->receive_level;
			if (k >= 1 && !strcmp(p->steps[k].role, "leader"))
				dp->decide = k;
		}
		dp->result = p->result;
		dp->weight = 3;
		for (size_t k = 0; k < N(popular); k++)
			if (!strcmp(popular[k].code, p->code))
				dp->weight = popular[k].weight;
		g->nprocs++;
	}
	return 0;
}

/* A demo account's id and name by its user name; *s unchanged when there is none. */
static int staff_account(struct gen *g, const char *username, struct staff *s)
{
	struct db_stmt *st;
	int rc = db_query(g->db, &st,
			  "SELECT id, full_name, unit_id FROM accounts WHERE username = ? AND active = 1",
			  "s", username);
	if (rc == DB_ROW) {
		s->account = db_col_int(st, 0);
		s->name = arena_strdup(&g->keep, db_col_text(st, 1));
		s->unit_id = db_col_int(st, 2);
	}
	return finish(st, rc);
}

static void staff_made_up(struct gen *g, struct rng *r, struct staff *s)
{
	struct dossier_person p;
	person_make(r, &g->keep, -1, g->year, &p);
	s->account = 0;
	s->name = p.name;
	s->unit_id = 0;
}

/* The district and its wards, with their officials and the procedures each receives. */
static int load_agencies(struct gen *g)
{
	struct db_stmt *st;
	int64_t district = 0;
	int rc;

	for (rc = db_query(
		     g->db, &st,
		     "SELECT u.id, u.agency_code, u.kind FROM units u WHERE u.active = 1 AND (u.agency_code = ? "
		     "OR (u.kind = 'ward' AND u.parent_id = (SELECT id FROM units WHERE agency_code = ?))) "
		     "ORDER BY u.id",
		     "ss", DISTRICT_CODE, DISTRICT_CODE);
	     rc == DB_ROW && g->nag < MAX_AGENCIES; rc = db_step(st)) {
		struct agency *ag = &g->ag[g->nag++];
		const char *code = db_col_text(st, 1);
		unsigned n;
		ag->id = db_col_int(st, 0);
		ag->code = arena_strdup(&g->keep, code ? code : "");
		ag->level = !strcmp(db_col_text(st, 2), "district") ? PROC_DISTRICT : PROC_WARD;
		ag->place = -1;
		if (ag->level == PROC_DISTRICT)
			district = ag->id;
		else if (sscanf(ag->code, "000.%2u.15.H26", &n) == 1 && n >= 1 && n <= N(places))
			ag->place = (int)n - 1;
	}
	if ((rc = finish(st, rc)))
		return rc;
	if (!district)
		return DB_ERROR; /* no demo district: motcua demo makes it */
	for (size_t i = 0; i < g->nag; i++) {
		struct agency *ag = &g->ag[i];
		struct rng r = { 0x5EEDULL + 7919 * (uint64_t)i };
		if (ag->id == district)
			g->district = i;
		staff_made_up(g, &r, &ag->clerk);
		staff_made_up(g, &r, &ag->spec);
		staff_made_up(g, &r, &ag->leader);
		ag->collector = ag->clerk;
		if (!strcmp(ag->code, "000.01.15.H26") &&
		    ((rc = staff_account(g, "motcua.nhanchinh", &ag->clerk)) ||
		     (rc = staff_account(g, "tuphap.nhanchinh", &ag->spec)) ||
		     (rc = staff_account(g, "chutich.nhanchinh", &ag->leader))))
			return rc;
		if (ag->id == district && ((rc = staff_account(g, "motcua", &ag->clerk)) ||
					   (rc = staff_account(g, "chuyenvien", &ag->spec)) ||
					   (rc = staff_account(g, "lanhdao", &ag->leader)) ||
					   (rc = staff_account(g, "thuphi", &ag->collector))))
			return rc;
		if (ag->collector.account == 0)
			ag->collector = ag->clerk;
		ag->procs = arena_calloc(&g->keep, g->nprocs + 1, sizeof(*ag->procs));
		for (size_t k = 0; k < g->nprocs; k++) {
			if (g->procs[k].receive_level != ag->level)
				continue;
			ag->procs[ag->nprocs++] = k;
			ag->weights += g->procs[k].weight;
		}
	}
	return 0;
}

static int gen_init(struct gen *g, struct db *db, int64_t bound, uint64_t seed)
{
	struct civil c;
	int rc;
	memset(g, 0, sizeof(*g));
	g->db = db;
	arena_init(&g->keep);
	arena_init(&g->a);
	g->r.s = seed;
	g->bound = bound;
	time_to_civil(bound, VN_UTC_OFFSET, &c);
	g->year = c.year;
	scan_sha(g->scan_sha);
	g->d = xmalloc(sizeof(*g->d));
	if (!(g->cal = calendar_current(db)))
		return DB_ERROR;
	if ((rc = load_catalogue(g)) || (rc = load_agencies(g)))
		return rc;
	return g->nprocs ? 0 : DB_ERROR;
}

static void gen_release(struct gen *g)
{
	free(g->d);
	arena_release(&g->a);
	arena_release(&g->keep);
}

static const struct demo_proc *proc_by_code(const struct gen *g, const char *code)
{
	for (size_t i = 0; i < g->nprocs; i++)
		if (!strcmp(g->procs[i].code, code))
			return &g->procs[i];
	return NULL;
}

static struct agency *agency_by_code(struct gen *g, const char *code)
{
	for (size_t i = 0; i < g->nag; i++)
		if (!strcmp(g->ag[i].code, code))
			return &g->ag[i];
	return NULL;
}

static const struct demo_proc *proc_random(struct gen *g, const struct agency *ag)
{
	unsigned w = pick(&g->r, ag->weights);
	for (size_t i = 0; i < ag->nprocs; i++) {
		const struct demo_proc *p = &g->procs[ag->procs[i]];
		if (w < p->weight)
			return p;
		w -= p->weight;
	}
	return ag->nprocs ? &g->procs[ag->procs[0]] : NULL;
}

/* ---- time ---- */

/* Local midnight of the day of t. */
static int64_t midnight(int64_t t)
{
	struct civil c;
	time_to_civil(t, VN_UTC_OFFSET, &c);
	c.hour = c.min = c.sec = 0;
	return time_from_civil(&c, VN_UTC_OFFSET);
}

/* `work` working seconds after t (the calendar's working time). */
static int64_t after(const struct gen *g, int64_t t, int64_t work)
{
	int64_t v = cal_add(g->cal, t, work);
	return v > 0 ? v : t + work;
}

/* A working instant on the working day `back` days (or more, to reach one) before the bound's day. */
static int64_t working_day_instant(struct gen *g, int back)
{
	int64_t day = midnight(g->bound) - (int64_t)back * DAY;
	for (int i = 0; i < 30; i++, day -= DAY) {
		struct civil c;
		time_to_civil(day, VN_UTC_OFFSET, &c);
		if (cal_is_working_day(g->cal, cal_date(c.year, c.month, c.day)))
			return after(g, day, span(&g->r, 0, 7 * HOUR + 45 * 60));
	}
	return day + 9 * HOUR;
}

/* ---- one dossier's life ---- */

enum demo_end {
	END_NEW = 1,	    /* online, waiting for the counter */
	END_SUPPLEMENT_NEW, /* online, papers asked before receipt */
	END_REFUSED,	    /* online, refused (form 03) */
	END_WITHDRAWN_NEW,  /* online, withdrawn before receipt */
	END_RECEIVED,	    /* received, not yet started */
	END_PROCESSING,	    /* at a step: `stop` forwards done after the start */
	END_SUPPLEMENT,	    /* papers asked during processing */
	END_AWAITING_FEE,   /* waiting for the fee */
	END_WITHDRAWN,	    /* withdrawn during processing */
	END_RESULT_READY,   /* decided, not collected */
	END_RETURNED,	    /* returned */
};

enum plan_flags {
	PF_REJECT = 1 << 0,	    /* the decision is no */
	PF_SUPPLEMENT = 1 << 1,	    /* papers asked during processing, then supplied */
	PF_PRE_SUPPLEMENT = 1 << 2, /* online: papers asked before receipt, then supplied */
	PF_FEE = 1 << 3,	    /* processing waits for the fee */
	PF_APOLOGY = 1 << 4,	    /* form 04 (the dossier then ends late) */
	PF_ASSIGN = 1 << 5,	    /* the current step given to the ward's official */
	PF_REPRESENTATIVE = 1 << 6, /* submitted by someone on the applicant's behalf */
};

struct plan {
	int channel;
	int end;     /* enum demo_end */
	int verdict; /* aimed at: DV_EARLY, DV_ON_TIME or DV_LATE */
	unsigned flags;
	size_t stop; /* END_PROCESSING */
	int64_t at;  /* submission (online) or receipt */
};

/* Who does the work of `role` at `level` for a dossier received by ag. */
static const struct staff *staff_for(const struct gen *g, const struct agency *ag, const char *role,
				     int level)
{
	const struct agency *at = level == PROC_DISTRICT && ag->level != PROC_DISTRICT ? &g->ag[g->district]
										       : ag;
	if (!role || !strcmp(role, "onestop_clerk"))
		return &at->clerk;
	if (!strcmp(role, "leader"))
		return &at->leader;
	if (!strcmp(role, "collector"))
		return &at->collector;
	return &at->spec;
}

struct life {
	struct gen *g;
	const struct agency *ag;
	const struct demo_proc *p;
	int64_t t; /* the last action's instant */
};

/*
 * Apply `action` at `at` (at least a minute after the last action) by `who`
 * (NULL: the applicant). 0 when done; 1 when the life stops here (the
 * instant is at or past the bound, or the model refused: counted in
 * g->cut); negative on a database error.
 */
static int act(struct life *l, int action, int64_t at, const struct staff *who, const char *note,
	       const char *result, int64_t new_due, int64_t assignee)
{
	struct gen *g = l->g;
	struct dossier_act a = { 0 };
	const char *why = NULL;
	int rc;
	if (at < l->t + 60)
		at = l->t + 60;
	if (at >= g->bound)
		return 1;
	a.action = action;
	a.note = note ? note : "";
	a.result = result;
	a.new_due = new_due;
	a.assignee = assignee;
	a.actor_account = who ? who->account : 0;
	a.actor_name = who ? who->name : g->d->applicant.name;
	rc = dossier_apply(g->db, &g->a, g->d, &a, at, &why);
	if (rc < 0)
		return rc;
	if (rc) {
		g->cut++;
		return 1;
	}
	l->t = at;
	return 0;
}

/* The instant of the decision aimed at `verdict` against `due`, after l->t. */
static int64_t decide_at(struct life *l, int verdict, int64_t due)
{
	struct gen *g = l->g;
	int64_t day0 = midnight(due), base = l->t + 60 > day0 ? l->t + 60 : day0, w;
	/* early: on a working day before the due day; else on time if there is time left; else late */
	if (verdict == DV_EARLY && (w = cal_between(g->cal, l->t, day0)) > 2 * HOUR)
		return after(g, l->t, span(&g->r, HOUR / 2, w - HOUR));
	if (verdict != DV_LATE && (w = cal_between(g->cal, base, due)) > 60)
		return after(g, base, span(&g->r, 0, w - 60));
	return after(g, due > l->t ? due : l->t, span(&g->r, HOUR / 2, 40 * HOUR));
}

/*
 * The instant of the next piece of routine work: some minutes after the
 * last, within a quarter of the working time left before the due instant
 * (a same-day procedure is done the same day), at most `max`.
 */
static int64_t soon(struct life *l, int64_t max)
{
	int64_t w = cal_between(l->g->cal, l->t, l->g->d->due_at) / 4;
	w = w < 5 * 60 ? 5 * 60 : w > max ? max : w;
	return after(l->g, l->t, span(&l->g->r, 2 * 60, w));
}

/* Make one dossier and take it through its life as planned. 0, or a negative enum db_rc. */
static int live(struct gen *g, const struct agency *ag, const struct demo_proc *p, const struct plan *pl)
{
	struct life l = { g, ag, p, pl->at };
	struct dossier_intake in;
	struct dossier *d = g->d;
	char code[DOSSIER_CODE_MAX];
	const char *why = NULL;
	int64_t id, t0, w, big_t;
	size_t n, stop;
	int rc, verdict = pl->verdict, online = pl->channel == DCH_ONLINE;

	if (pl->at >= g->bound)
		return 0;
	arena_reset(&g->a);
	memset(&in, 0, sizeof(in));
	in.procedure_code = p->code;
	in.unit_id = ag->id;
	in.channel = pl->channel;
	person_make(&g->r, &g->a, ag->place, g->year, &in.applicant);
	if (pl->flags & PF_REPRESENTATIVE) {
		person_make(&g->r, &g->a, ag->place, g->year, &in.representative);
		in.representative.birth = "";
	}
	if (dossier_person_check(&in.applicant, "applicant", 1, &g->a, pl->at, NULL, NULL) ||
	    (in.representative.name &&
	     dossier_person_check(&in.representative, "representative", 0, &g->a, pl->at, NULL, NULL))) {
		g->cut++;
		return 0;
	}
	for (size_t i = 0; i < p->ndocs && i < DOSSIER_MAX_DOCS; i++) {
		in.provided[i] = 1;
		if (online) {
			in.file_sha[i] = g->scan_sha;
			in.file_name[i] = arena_printf(&g->a, "ban-chup-%zu.pdf", i + 1);
			in.file_mime[i] = "application/pdf";
		}
	}
	if (p->has_fee) {
		in.pages = (int)span(&g->r, 1, 8);
		in.copies = (int)span(&g->r, 1, 3);
	}
	in.note = online && chance(&g->r, 150) ? "Đề nghị trả kết quả qua dịch vụ bưu chính công ích." : "";
	in.actor_account = online ? 0 : ag->clerk.account;
	in.actor_name = online ? in.applicant.name : ag->clerk.name;
	rc = dossier_create(g->db, &g->a, &in, pl->at, code, &id, &why);
	if (rc < 0)
		return rc;
	if (rc) {
		g->cut++;
		return 0;
	}
	g->made++;
	if ((rc = dossier_load(g->db, &g->a, code, d)))
		return rc < 0 ? rc : DB_ERROR;

#define DO(...)                                  \
	do {                                     \
		if ((rc = act(&l, __VA_ARGS__))) \
			return rc < 0 ? rc : 0;  \
	} while (0)

	if (online) {
		if (pl->end == END_NEW)
			return 0;
		if (pl->end == END_WITHDRAWN_NEW) {
			DO(DA_WITHDRAW, l.t + span(&g->r, HOUR, 3 * DAY), NULL,
			   withdrawals[pick(&g->r, N(withdrawals))], NULL, 0, 0);
			return 0;
		}
		if (pl->end == END_REFUSED) {
			DO(DA_REFUSE, after(g, l.t, span(&g->r, HOUR / 2, 10 * HOUR)), &ag->clerk,
			   refusals[pick(&g->r, N(refusals))], NULL, 0, 0);
			return 0;
		}
		if (pl->end == END_SUPPLEMENT_NEW || (pl->flags & PF_PRE_SUPPLEMENT)) {
			DO(DA_SUPPLEMENT, after(g, l.t, span(&g->r, HOUR / 2, 8 * HOUR)), &ag->clerk,
			   supplements[pick(&g->r, N(supplements))], NULL, 0, 0);
			if (pl->end == END_SUPPLEMENT_NEW)
				return 0;
			DO(DA_SUPPLIED, l.t + span(&g->r, 6 * HOUR, 4 * DAY), NULL, "", NULL, 0, 0);
		}
		DO(DA_RECEIVE, after(g, l.t, span(&g->r, 10 * 60, 6 * HOUR)), &ag->clerk, "", NULL, 0, 0);
	}
	if (pl->end == END_RECEIVED) {
		if ((pl->flags & PF_ASSIGN) && ag->spec.account && ag->spec.unit_id == d->current_unit)
			DO(DA_ASSIGN, after(g, l.t, span(&g->r, 5 * 60, HOUR)), &ag->leader, "", NULL, 0,
			   ag->spec.account);
		return 0;
	}
	DO(DA_START, soon(&l, 2 * HOUR), staff_for(g, ag, p->role[0], p->level[0]), "", NULL, 0, 0);
	if ((pl->flags & PF_ASSIGN) && ag->spec.account && ag->spec.unit_id == d->current_unit)
		DO(DA_ASSIGN, after(g, l.t, span(&g->r, 5 * 60, HOUR)), &ag->leader, "", NULL, 0,
		   ag->spec.account);
	if (pl->end == END_WITHDRAWN) {
		DO(DA_WITHDRAW, after(g, l.t, span(&g->r, HOUR, 16 * HOUR)), &ag->clerk,
		   withdrawals[pick(&g->r, N(withdrawals))], NULL, 0, 0);
		return 0;
	}
	if (pl->end == END_SUPPLEMENT || (pl->flags & PF_SUPPLEMENT)) {
		DO(DA_SUPPLEMENT, after(g, l.t, span(&g->r, HOUR, 8 * HOUR)),
		   staff_for(g, ag, p->role[d->step], p->level[d->step]),
		   supplements[pick(&g->r, N(supplements))], NULL, 0, 0);
		if (pl->end == END_SUPPLEMENT)
			return 0;
		DO(DA_SUPPLIED, after(g, l.t, span(&g->r, 4 * HOUR, 40 * HOUR)), &ag->clerk, "", NULL, 0, 0);
	}
	if ((pl->end == END_AWAITING_FEE || (pl->flags & PF_FEE)) && d->fee_due > 0) {
		DO(DA_REQUEST_FEE, soon(&l, 3 * HOUR), staff_for(g, ag, p->role[d->step], p->level[d->step]),
		   "", NULL, 0, 0);
		if (pl->end == END_AWAITING_FEE)
			return 0;
		DO(DA_FEE_PAID, soon(&l, 8 * HOUR), &ag->collector, "", NULL, 0, 0);
	}
	if ((pl->flags & PF_APOLOGY) && cal_between(g->cal, l.t + 30 * 60, d->due_at) >= 9 * HOUR) {
		/*
		 * form 04 at least a working day ahead, the new appointment in working hours and at most
		 * the statutory time (a working day at least) later; the dossier then ends after its first
		 * appointment
		 */
		int64_t most = (d->hours > 8 ? d->hours : 8) * HOUR, k = span(&g->r, most / 2, most);
		int64_t new_due = after(g, d->due_at, k);
		if (cal_between(g->cal, new_due - 60, new_due) != 60)
			new_due = after(g, d->due_at, k - 10 * 60); /* not at the start of a period */
		DO(DA_APOLOGIZE, after(g, l.t, 30 * 60),
		   staff_for(g, ag, p->role[d->step], p->level[d->step]),
		   apologies[pick(&g->r, N(apologies))], NULL, new_due, 0);
		verdict = DV_LATE;
	}
	big_t = verdict == DV_LATE && d->apology_at
			? after(g, d->first_due_at, span(&g->r, HOUR / 2, 12 * HOUR))
			: decide_at(&l, verdict, d->first_due_at);
	n = p->decide > (size_t)d->step ? p->decide - (size_t)d->step : 0;
	stop = pl->end == END_PROCESSING ? (pl->stop < n ? pl->stop : n) : n;
	t0 = l.t;
	w = cal_between(g->cal, t0, big_t);
	for (size_t k = 1; k <= stop; k++) {
		size_t s = (size_t)d->step;
		DO(DA_FORWARD, after(g, t0, w * (int64_t)k / (int64_t)(n + 1)),
		   staff_for(g, ag, p->role[s], p->level[s]),
		   chance(&g->r, 200) ? "Hồ sơ hợp lệ, chuyển bước tiếp theo." : "", NULL, 0, 0);
	}
	if (pl->end == END_PROCESSING)
		return 0;
	if (pl->flags & PF_REJECT)
		DO(DA_REJECT, big_t, staff_for(g, ag, "leader", p->level[d->step]),
		   rejections[pick(&g->r, N(rejections))],
		   "Văn bản trả lời không giải quyết hồ sơ, nêu rõ lý do.", 0, 0);
	else
		DO(DA_APPROVE, big_t, staff_for(g, ag, "leader", p->level[d->step]), "", p->result, 0, 0);
	if (pl->end == END_RESULT_READY)
		return 0;
	DO(DA_RETURN, after(g, l.t, span(&g->r, 10 * 60, 16 * HOUR)), &ag->clerk, "", NULL, 0, 0);
#undef DO
	return 0;
}

/* A plan drawn at random, as real offices see them: most received at the counter and returned. */
static void plan_random(struct gen *g, const struct demo_proc *p, struct plan *pl)
{
	struct rng *r = &g->r;
	unsigned u;
	memset(pl, 0, sizeof(*pl));
	pl->channel = DCH_COUNTER;
	if (p->online != PROC_ONLINE_NONE && chance(r, 300))
		pl->channel = DCH_ONLINE;
	else if (chance(r, 30))
		pl->channel = DCH_POST;
	pl->end = END_RETURNED;
	u = pick(r, 1000);
	if (pl->channel == DCH_ONLINE && u < 40) {
		pl->end = END_REFUSED;
	} else if (pl->channel == DCH_ONLINE && u < 55) {
		pl->end = END_WITHDRAWN_NEW;
	} else {
		u = pick(r, 1000);
		if (u < 15) {
			pl->end = END_WITHDRAWN;
		} else if (u < 23) {
			pl->end = END_PROCESSING; /* forgotten somewhere: overdue one day */
			pl->stop = pick(r, (uint32_t)p->decide);
		} else if (u < 55) {
			pl->end = END_RESULT_READY; /* never collected */
		}
	}
	if (pl->channel == DCH_ONLINE && chance(r, 60))
		pl->flags |= PF_PRE_SUPPLEMENT;
	if (chance(r, 70))
		pl->flags |= PF_SUPPLEMENT;
	if (p->has_fee && chance(r, 400))
		pl->flags |= PF_FEE;
	if (chance(r, 12))
		pl->flags |= PF_APOLOGY;
	if (chance(r, 30))
		pl->flags |= PF_REJECT;
	if (chance(r, 80))
		pl->flags |= PF_REPRESENTATIVE;
	if (chance(r, 300))
		pl->flags |= PF_ASSIGN;
	u = pick(r, 100);
	pl->verdict = u < 62 ? DV_EARLY : u < 90 ? DV_ON_TIME : DV_LATE;
}

/* ---- the demo ---- */

/* Dossiers the demo makes as written, so that each status is there to be seen (NC: Phường Nhân Chính). */
#define NC "000.01.15.H26"
#define QD DISTRICT_CODE
static const struct scene {
	const char *agency, *proc;
	int channel, end, verdict;
	unsigned flags;
	int back; /* days before the demo's day */
	size_t stop;
} scenes[] = {
	/* online, before receipt */
	{ NC, "1.001193", DCH_ONLINE, END_NEW, 0, 0, 1, 0 },
	{ NC, "1.004873", DCH_ONLINE, END_NEW, 0, 0, 1, 0 },
	{ NC, "2.000635", DCH_ONLINE, END_NEW, 0, PF_REPRESENTATIVE, 2, 0 },
	{ NC, "1.000656", DCH_ONLINE, END_SUPPLEMENT_NEW, 0, 0, 3, 0 },
	{ NC, "1.001193", DCH_ONLINE, END_REFUSED, 0, 0, 12, 0 },
	{ NC, "1.004873", DCH_ONLINE, END_WITHDRAWN_NEW, 0, 0, 9, 0 },
	/* received and being worked */
	{ NC, "1.001022", DCH_COUNTER, END_RECEIVED, 0, 0, 1, 0 },
	{ NC, "1.004837", DCH_COUNTER, END_RECEIVED, 0, PF_ASSIGN, 1, 0 },
	{ NC, "1.004859", DCH_POST, END_RECEIVED, 0, 0, 2, 0 },
	{ NC, "1.001022", DCH_COUNTER, END_PROCESSING, 0, 0, 2, 0 },
	{ NC, "1.004884", DCH_COUNTER, END_PROCESSING, 0, PF_ASSIGN, 3, 1 },
	{ NC, "1.001653", DCH_COUNTER, END_PROCESSING, 0, 0, 3, 1 },
	{ NC, "1.004873", DCH_COUNTER, END_PROCESSING, 0, 0, 12, 1 }, /* forgotten: overdue */
	{ NC, "1.004837", DCH_COUNTER, END_SUPPLEMENT, 0, 0, 3, 0 },
	{ NC, "1.001022", DCH_ONLINE, END_SUPPLEMENT, 0, 0, 5, 0 },
	{ NC, "2.001035", DCH_COUNTER, END_AWAITING_FEE, 0, 0, 1, 0 },
	{ NC, "1.004873", DCH_COUNTER, END_WITHDRAWN, 0, 0, 6, 0 },
	{ NC, "1.004884", DCH_COUNTER, END_PROCESSING, 0, PF_APOLOGY, 2, 1 }, /* form 04, new appointment
										 ahead */
	/* decided */
	{ NC, "1.004837", DCH_COUNTER, END_RESULT_READY, DV_EARLY, 0, 6, 0 },
	{ NC, "1.000894", DCH_ONLINE, END_RESULT_READY, DV_ON_TIME, 0, 5, 0 },
	{ NC, "2.000815", DCH_COUNTER, END_RETURNED, DV_EARLY, PF_FEE, 20, 0 },
	{ NC, "1.001022", DCH_COUNTER, END_RETURNED, DV_EARLY, PF_REPRESENTATIVE, 25, 0 },
	{ NC, "1.004873", DCH_ONLINE, END_RETURNED, DV_EARLY, 0, 30, 0 },
	{ NC, "1.004859", DCH_COUNTER, END_RETURNED, DV_EARLY, 0, 40, 0 },
	{ NC, "2.001035", DCH_COUNTER, END_RETURNED, DV_EARLY, PF_FEE, 15, 0 },
	{ NC, "1.004746", DCH_COUNTER, END_RETURNED, DV_EARLY, 0, 45, 0 },
	{ NC, "1.001193", DCH_COUNTER, END_RETURNED, DV_ON_TIME, 0, 8, 0 },
	{ NC, "2.000635", DCH_ONLINE, END_RETURNED, DV_ON_TIME, 0, 18, 0 },
	{ NC, "1.004837", DCH_COUNTER, END_RETURNED, DV_ON_TIME, 0, 35, 0 },
	{ NC, "1.001193", DCH_ONLINE, END_RETURNED, DV_ON_TIME, PF_PRE_SUPPLEMENT, 20, 0 },
	{ NC, "1.004884", DCH_COUNTER, END_RETURNED, DV_LATE, 0, 50, 0 },
	{ NC, "1.001022", DCH_COUNTER, END_RETURNED, DV_LATE, PF_SUPPLEMENT, 28, 0 },
	{ NC, "1.005461", DCH_POST, END_RETURNED, DV_LATE, 0, 55, 0 },
	{ NC, "1.001653", DCH_COUNTER, END_RETURNED, DV_LATE, PF_APOLOGY, 30, 0 },
	{ NC, "1.004746", DCH_COUNTER, END_RETURNED, DV_ON_TIME, PF_REJECT, 33, 0 },
	/* inter-level: received at the ward, decided at the district */
	{ NC, "1.001731", DCH_COUNTER, END_RETURNED, DV_ON_TIME, 0, 30, 0 },
	{ NC, "1.001731", DCH_COUNTER, END_PROCESSING, 0, 0, 2, 1 }, /* at the district now */
	{ NC, "1.010407", DCH_COUNTER, END_RESULT_READY, DV_EARLY, 0, 15, 0 },
	{ NC, "1.001776", DCH_COUNTER, END_PROCESSING, 0, 0, 6, 2 },
	{ NC, "1.001776", DCH_COUNTER, END_RETURNED, DV_EARLY, 0, 58, 0 },
	{ "000.03.15.H26", "1.001731", DCH_COUNTER, END_RETURNED, DV_LATE, 0, 40, 0 },
	{ "000.07.15.H26", "1.010407", DCH_COUNTER, END_PROCESSING, 0, 0, 4, 2 },
	/* the district */
	{ QD, "1.001612", DCH_ONLINE, END_NEW, 0, 0, 1, 0 },
	{ QD, "2.000720", DCH_ONLINE, END_REFUSED, 0, 0, 10, 0 },
	{ QD, "1.001612", DCH_COUNTER, END_RECEIVED, 0, 0, 1, 0 },
	{ QD, "1.009994", DCH_COUNTER, END_PROCESSING, 0, 0, 5, 1 },
	{ QD, "1.001570", DCH_COUNTER, END_SUPPLEMENT, 0, 0, 2, 0 },
	{ QD, "1.001266", DCH_COUNTER, END_RESULT_READY, DV_ON_TIME, 0, 7, 0 },
	{ QD, "2.000575", DCH_ONLINE, END_RETURNED, DV_EARLY, 0, 20, 0 },
	{ QD, "1.009994", DCH_COUNTER, END_RETURNED, DV_LATE, PF_APOLOGY, 45, 0 },
	{ QD, "2.001008", DCH_COUNTER, END_RETURNED, DV_EARLY, PF_FEE, 25, 0 },
	{ QD, "1.001612", DCH_POST, END_RETURNED, DV_ON_TIME, 0, 14, 0 },
	{ QD, "2.000720", DCH_COUNTER, END_WITHDRAWN, 0, 0, 9, 0 },
};
#undef NC
#undef QD

/* Random dossiers per agency besides the scenes: the district, then the wards (Nhân Chính first). */
#define DEMO_DISTRICT_MORE 18
#define DEMO_NC_MORE	   8
#define DEMO_WARD_MORE	   12

int dossier_demo(struct db *db, int64_t now)
{
	struct gen g;
	struct db_stmt *st;
	int rc, any;

	rc = db_query(db, &st, "SELECT 1 FROM dossiers", "");
	any = rc == DB_ROW;
	if ((rc = finish(st, rc)) || any)
		return rc;
	/* nothing on the demo's day itself: everything before its midnight */
	if ((rc = gen_init(&g, db, midnight(now), 0x6D6F74637561ULL /* "motcua" */))) {
		gen_release(&g);
		return rc;
	}
	for (size_t i = 0; !rc && i < N(scenes); i++) {
		const struct scene *sc = &scenes[i];
		struct agency *ag = agency_by_code(&g, sc->agency);
		const struct demo_proc *p = proc_by_code(&g, sc->proc);
		struct plan pl = { sc->channel, sc->end, sc->verdict, sc->flags, sc->stop, 0 };
		if (!ag || !p)
			continue; /* a catalogue or a tree changed since the demo was written */
		pl.at = sc->channel == DCH_ONLINE ? midnight(g.bound) - (int64_t)sc->back * DAY +
							    span(&g.r, 6 * HOUR, 23 * HOUR)
						  : working_day_instant(&g, sc->back);
		rc = live(&g, ag, p, &pl);
	}
	for (size_t i = 0; !rc && i < g.nag; i++) {
		struct agency *ag = &g.ag[i];
		int more = i == g.district			? DEMO_DISTRICT_MORE
			   : !strcmp(ag->code, "000.01.15.H26") ? DEMO_NC_MORE
								: DEMO_WARD_MORE;
		for (int k = 0; !rc && k < more; k++) {
			const struct demo_proc *p = proc_random(&g, ag);
			struct plan pl;
			int back = (int)span(&g.r, 1, 60);
			if (!p)
				break;
			plan_random(&g, p, &pl);
			pl.at = pl.channel == DCH_ONLINE ? midnight(g.bound) - (int64_t)back * DAY +
								   span(&g.r, 6 * HOUR, 23 * HOUR)
							 : working_day_instant(&g, back);
			rc = live(&g, ag, p, &pl);
		}
	}
	if (!rc && g.made) {
		char detail[64];
		snprintf(detail, sizeof(detail), "{\"dossiers\":%lld}", (long long)g.made);
		rc = audit_append(db, "cli", "dossier.demo", "demo", detail);
	}
	gen_release(&g);
	return rc;
}

/* ---- the generator ---- */

int dossier_generate(struct db *db, int64_t n, int64_t now, FILE *progress)
{
	struct gen g;
	struct civil c;
	int64_t days = n / 800, start, work, t, done = 0, started_us = time_mono_us();
	int rc;

	if (n <= 0)
		return 0;
	if ((rc = gen_init(&g, db, now, 0x67656E6572617465ULL /* "generate" */ ^ (uint64_t)n))) {
		gen_release(&g);
		return rc;
	}
	days = days < 60 ? 60 : days;
	start = now - days * DAY;
	/* the calendar covers last year on (features/calendar.h): earlier holidays would be unknown */
	time_to_civil(now, VN_UTC_OFFSET, &c);
	{
		struct civil jan = { c.year - 1, 1, 1, 0, 0, 0, 0 };
		int64_t floor = time_from_civil(&jan, VN_UTC_OFFSET);
		start = start < floor ? floor : start;
	}
	work = cal_between(g.cal, start, now);
	t = after(&g, start, 0);
	while (!rc && done < n) {
		int64_t batch = n - done < BATCH ? n - done : BATCH;
		if ((rc = db_begin(db)))
			break;
		for (int64_t i = 0; !rc && i < batch; i++, done++) {
			/* an even share of the working time per dossier, the agency by the district's quarter
			 */
			struct agency *ag =
				pick(&g.r, 4) == 0
					? &g.ag[g.district]
					: &g.ag[(g.district + 1 + pick(&g.r, (uint32_t)g.nag - 1)) % g.nag];
			const struct demo_proc *p = proc_random(&g, ag);
			struct plan pl;
			int64_t at = work * done / n, next = work * (done + 1) / n;
			if (!p)
				continue;
			plan_random(&g, p, &pl);
			pl.at = t;
			if (pl.channel == DCH_ONLINE)
				pl.at -= span(&g.r, 0, 14 * HOUR); /* the evening before, as often as not */
			rc = live(&g, ag, p, &pl);
			t = after(&g, t, next - at);
		}
		if (!rc)
			rc = db_commit(db);
		if (rc) {
			db_rollback(db);
			break;
		}
		if (progress) {
			double s = (double)(time_mono_us() - started_us) / 1e6;
			fprintf(progress, "generate: %lld of %lld dossiers, %.0f s, %.0f a second\n",
				(long long)done, (long long)n, s, s > 0 ? (double)done / s : 0.0);
			fflush(progress);
		}
	}
	if (!rc && g.made) {
		/* one entry for the run: what was added, by whom */
		char detail[64];
		snprintf(detail, sizeof(detail), "{\"dossiers\":%lld}", (long long)g.made);
		if (!(rc = db_begin(db)) &&
		    !(rc = audit_append(db, "cli", "dossier.generate", "generate", detail)))
			rc = db_commit(db);
		if (rc)
			db_rollback(db);
	}
	if (progress && !rc && g.cut)
		fprintf(progress, "generate: %lld lives stopped early by the model's rules\n",
			(long long)g.cut);
	gen_release(&g);
	return rc;
}
