/*
 * bench_documents.c: the e-office at scale (issue 9; DESIGN.md budgets: dashboards under 50 ms,
 * and the one-stop shop's 1,000 durable intakes a second as the yardstick for a write). Makes a
 * fresh database with the demo's units and four staff accounts (a records clerk, a specialist, a
 * head of department and the chairman), then, through the features' own functions:
 *   - the figures (doc_stats): a year of the seed district's documents (8,512 received, 7,018
 *     issued: 296 Kế hoạch, 3,349 Quyết định, 1,939 Công văn, 720 Thông báo, 498 Báo cáo and 216
 *     others; by its 12 departments; most received ones assigned to a lead department, nearly half
 *     with a deadline, most finished on time) written with doc_stats_add over the last 365 days,
 *     then the statistics page's reads timed, p50 and p99: doc_stats_load_departments of the
 *     district over the 365 days, and all the page reads (the unit tree, doc_stats_load of the
 *     district and its 11 wards, the departments); again at ten times the seed, and at each
 *     further scale of STATS_SCALES (default "1 10");
 *   - durable registration of incoming documents: the clerk's form checked (doc_in_check),
 *     doc_in_register (the arrival number from the counter, the row, its history, the figures)
 *     and the audit row, each in a write transaction of its own as the web layer does
 *     (synchronous=FULL on SQLite, fsync on PostgreSQL as bench/run.sh starts it), from 2 threads
 *     with their own connections (the clerks of the district and its wards), for WRITE_SECONDS
 *     (default 3) or 3,000 a thread: registrations a second, p50 and p99, and the arrival
 *     numbers checked gapless;
 *   - durable issue of outgoing documents: 2 x 1,000 drafts made, submitted, forwarded and signed
 *     beforehand (doc_out_create, doc_out_apply), then doc_out_apply(issue) and the audit row,
 *     each in a transaction of its own, from 2 threads, for WRITE_SECONDS or until all are
 *     issued: issues a second, p50 and p99, the numbers checked gapless;
 *   - for each SIZE in turn: incoming documents written straight into the tables up to it (as
 *     the district and its 11 wards would have registered and handled them over the years: the
 *     rows and recipients the features write, ids and arrival numbers from their counters, but no
 *     history rows nor figures), then what /van-ban/den reads (doc_in_list), p50 and p99: for
 *     the district's records clerk the page (its 20 rows with the count, and the four tabs'
 *     counts, each part timed too) and a search of two words through the API; for the head of a
 *     department the page; then the durable registration again. On PostgreSQL each load is followed by VACUUM
 * ANALYZE, as autovacuum would in time. A query that took over 5 s once is not run again at a later size.
 *   bench_documents DB [SIZE...]
 * DB is a new SQLite file or a PostgreSQL URL of an empty database.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <jansson.h>
#include "core/arena.h"
#include "core/timefmt.h"
#include "core/xalloc.h"
#include "features/accounts.h"
#include "features/audit.h"
#include "features/authz.h"
#include "features/doc_incoming.h"
#include "features/doc_outgoing.h"
#include "features/doc_stats.h"
#include "features/org.h"
#include "features/schedule.h"
#include "rules/document.h"
#include "rules/fold.h"
#include "store/counter.h"
#include "store/db.h"
#include "store/migrate.h"

#define THREADS	     2
#define MAX_WRITES   3000 /* registrations or issues of one thread in one run at most */
#define MAX_ISSUES   1000 /* documents signed beforehand for each issuing thread */
#define MAX_AGENCIES 12	  /* the district and its 11 wards */
#define MAX_DEPS     16
/* A read is timed STATS_RUNS (LIST_RUNS) times at most, MIN_RUNS (LIST_MIN) at least, and
 * otherwise for about MEASURE_US, after WARMUP calls (the list: one, unless it is slow) */
#define STATS_RUNS 200
#define MIN_RUNS   5
#define LIST_RUNS  50
#define LIST_MIN   3
#define MEASURE_US 2000000
#define WARMUP	   5
#define PAGE_SIZE  20 /* web/pages_doc_incoming.c */
#define PASSWORD   "Bench-Documents-2026"

static const char *url;
static int64_t district, vp, tp, clerk, specialist, dept_head, chairman;
static int64_t agencies[MAX_AGENCIES];
static size_t nagencies;
static int64_t deps[MAX_DEPS]; /* the district's departments, in the tree's order */
static size_t ndeps;
static int register_round;

static int cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* p-th percentile (0..100) of n sorted microsecond samples, in milliseconds. */
static double pct_ms(const int64_t *v, size_t n, int p)
{
	size_t i = n * (size_t)p / 100;
	return n ? (double)v[i < n ? i : n - 1] / 1000.0 : 0.0;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* An index drawn by the weights w[0..n-1]. */
static size_t pick(uint64_t *s, const int *w, size_t n)
{
	int total = 0, r;
	for (size_t i = 0; i < n; i++)
		total += w[i];
	r = (int)(rnd(s) % (uint64_t)total);
	for (size_t i = 0; i < n; i++) {
		if (r < w[i])
			return i;
		r -= w[i];
	}
	return n - 1;
}

static struct db *open_or_die(void)
{
	char *err = NULL;
	struct db *db = db_open(url, &err);
	if (!db) {
		fprintf(stderr, "bench_documents: %s\n", err ? err : "cannot open the database");
		exit(1);
	}
	return db;
}

static int64_t count_of(struct db *db, const char *sql)
{
	struct db_stmt *st;
	int64_t n = 0;
	if (db_query(db, &st, sql, "") == DB_ROW)
		n = db_col_int(st, 0);
	db_release_statements(db);
	return n;
}

/* The audit row the web layer writes with the change (req_audit_json). */
static int audit(struct db *db, int64_t account, int64_t unit, const char *action, const char *object,
		 json_t *detail)
{
	char actor[32], *text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	int rc;
	json_decref(detail);
	if (!text)
		return DB_ERROR;
	snprintf(actor, sizeof(actor), "account:%lld", (long long)account);
	rc = audit_append_by(db, actor, unit, "", action, object, text);
	free(text);
	return rc;
}

/* What senders and summaries look like (the seed's district, Hà Nội). */
static const char *const senders[] = {
	"UBND thành phố Hà Nội",
	"Văn phòng UBND thành phố Hà Nội",
	"Sở Nội vụ thành phố Hà Nội",
	"Sở Tài chính thành phố Hà Nội",
	"Sở Tài nguyên và Môi trường thành phố Hà Nội",
	"Sở Xây dựng thành phố Hà Nội",
	"Sở Giáo dục và Đào tạo thành phố Hà Nội",
	"Sở Y tế thành phố Hà Nội",
	"Sở Lao động - Thương binh và Xã hội thành phố Hà Nội",
	"Công an quận Thanh Xuân",
	"Quận ủy Thanh Xuân",
	"HĐND quận Thanh Xuân",
	"Chi cục Thuế quận Thanh Xuân",
	"Bảo hiểm xã hội quận Thanh Xuân",
	"Ban Chỉ huy Quân sự quận Thanh Xuân",
	"Ủy ban Mặt trận Tổ quốc Việt Nam quận Thanh Xuân",
};
#define NSENDERS (sizeof(senders) / sizeof(senders[0]))
static const char *const topics[] = {
	"phòng cháy, chữa cháy mùa hanh khô",
	"cải cách hành chính và chuyển đổi số",
	"thu ngân sách nhà nước",
	"quản lý trật tự xây dựng đô thị",
	"tuyển sinh vào lớp 1 và lớp 6",
	"phòng, chống dịch bệnh mùa hè",
	"bảo đảm trật tự an toàn giao thông",
	"chi trả trợ cấp cho người có công",
	"tổng điều tra kinh tế",
	"vệ sinh an toàn thực phẩm dịp Tết",
	"giải quyết đơn thư khiếu nại, tố cáo",
	"tiếp công dân định kỳ",
	"bồi thường, hỗ trợ giải phóng mặt bằng",
	"kiểm tra công tác văn thư, lưu trữ",
	"thi đua, khen thưởng năm",
	"diễn tập khu vực phòng thủ",
};
#define NTOPICS (sizeof(topics) / sizeof(topics[0]))
static const char *const abbrevs[] = { "UBND",	  "VP",	 "SNV", "STC",	"STNMT", "SXD",	 "SGDĐT", "SYT",
				       "SLĐTBXH", "CAQ", "QU",	"HĐND", "CCT",	 "BHXH", "BCHQS", "MTTQ" };

/* The types the district receives (codes, rules/document.h) and how many of 8,512 a year. */
static const int in_types[] = { DOC_TYPE_CONG_VAN, 2, 10, 7, 23, 14, 8, 3, 16 };
static const int in_counts[] = { 3400, 1280, 1020, 850, 850, 430, 340, 170, 172 };
/* The seed's issued ones: 296 Kế hoạch, 3,349 Quyết định, 1,939 Công văn, 720 Thông báo,
 * 498 Báo cáo, and 216 of other types */
static const int out_types[] = { 10, 2, DOC_TYPE_CONG_VAN, 7, 14, 16, 23, 9, 8, 3 };
static const int out_counts[] = { 296, 3349, 1939, 720, 498, 80, 60, 40, 20, 16 };
#define NIN  (sizeof(in_types) / sizeof(in_types[0]))
#define NOUT (sizeof(out_types) / sizeof(out_types[0]))
/*
 * Which unit drafts an outgoing document, and which leads an incoming one: [0] the agency
 * itself, then the departments as org_demo makes them (Văn phòng, Tư pháp, Quản lý đô thị, Tài
 * chính - Kế hoạch, Văn hóa và Thông tin, Nội vụ, Tài nguyên và Môi trường, Kinh tế, Lao động -
 * Thương binh và Xã hội, Giáo dục và Đào tạo, Y tế, Thanh tra, the one-stop section).
 */
static const int draft_weights[MAX_DEPS + 1] = { 2, 24, 7, 12, 9, 4, 8, 11, 5, 7, 6, 3, 2, 0 };
static const int lead_weights[MAX_DEPS + 1] = { 3, 10, 7, 14, 10, 5, 8, 12, 6, 9, 7, 4, 5, 0 };

/* ---- durable writes from two threads ---- */

struct worker {
	int index;
	int64_t deadline_us;
	long done, busy;
	int64_t *lat;
	long nlat;
	int failed;
	const int64_t *ids; /* issue: the signed documents, this thread's at index + THREADS * i */
	size_t nids;
	pthread_t th;
};

static void form_err(void *ctx, const char *field, const char *msgid)
{
	(void)ctx;
	fprintf(stderr, "bench_documents: the form was refused: %s: %s\n", field, msgid);
}

/* One registration as the clerk's form sends it, in a transaction of its own. */
static int register_one(struct db *db, struct arena *a, int64_t agency, long serial, uint64_t *r)
{
	struct doc_in_form f;
	struct doc_in d;
	char symbol[64], type[8], summary[256], date[16];
	int32_t today = schedule_day_of(time_now_us() / 1000000);
	size_t s = rnd(r) % NSENDERS, t = pick(r, in_counts, NIN);
	int rc;

	memset(&f, 0, sizeof(f));
	memset(&d, 0, sizeof(d));
	/* unique: the duplicate check finds nothing, as for a document not seen before */
	snprintf(symbol, sizeof(symbol), "%ld/%s-%s", serial,
		 in_types[t] == DOC_TYPE_CONG_VAN ? abbrevs[s] : doc_type(in_types[t])->abbr, abbrevs[s]);
	snprintf(type, sizeof(type), "%d", in_types[t]);
	snprintf(summary, sizeof(summary), "Về việc %s năm %d", topics[rnd(r) % NTOPICS], today / 10000);
	snprintf(date, sizeof(date), "%02d/%02d/%04d", today % 100, today / 100 % 100, today / 10000);
	f.sender = senders[s];
	f.symbol = symbol;
	f.doc_date = date;
	f.type = type;
	f.summary = summary;
	f.urgency = rnd(r) % 10 ? "" : "khan";
	if (doc_in_check(a, &f, time_now_us() / 1000000, &d, form_err, NULL))
		return DB_ERROR;
	d.file_sha = d.file_name = d.file_mime = "";
	d.agency_id = agency;
	rc = db_begin(db);
	if (!rc && (rc = doc_in_register(db, &d, clerk, time_now_us() / 1000000, NULL)) > 0) {
		fprintf(stderr, "bench_documents: registration refused (%d)\n", rc);
		rc = DB_ERROR;
	}
	if (!rc)
		rc = audit(db, clerk, vp, "document.incoming.register",
			   arena_printf(a, "doc_in:%lld", (long long)d.id),
			   json_pack("{s:I,s:I,s:s,s:s,s:s,s:i,s:s,s:s}", "agency", (json_int_t)d.agency_id,
				     "arrival_no", (json_int_t)d.arrival_no, "sender", d.sender, "symbol",
				     d.symbol, "summary", d.summary, "type", d.type, "secrecy",
				     doc_secrecy_name(d.secrecy), "file_sha", d.file_sha));
	if (!rc)
		rc = db_commit(db);
	if (rc)
		db_rollback(db);
	return rc;
}

static void *registrar(void *arg)
{
	struct worker *w = arg;
	struct db *db = open_or_die();
	struct arena a;
	uint64_t r = 0x9E3779B97F4A7C15ULL + (uint64_t)w->index;
	arena_init(&a);
	for (long i = 0; i < MAX_WRITES && time_mono_us() < w->deadline_us; i++) {
		/* the clerks of the district and of its wards, each at his own counter */
		int64_t agency = agencies[(size_t)(w->index + THREADS * i) % nagencies], t0 = time_mono_us();
		int rc = register_one(db, &a, agency,
				      (long)register_round * 100000 + i * THREADS + w->index + 1, &r);
		arena_reset(&a);
		if (rc == DB_BUSY) {
			w->busy++;
			continue;
		}
		if (rc) {
			fprintf(stderr, "bench_documents: register: %s\n", db_errmsg(db));
			w->failed = 1;
			break;
		}
		w->done++;
		w->lat[w->nlat++] = time_mono_us() - t0;
	}
	arena_release(&a);
	db_close(db);
	return NULL;
}

static void *issuer(void *arg)
{
	struct worker *w = arg;
	struct db *db = open_or_die();
	struct arena a;
	arena_init(&a);
	for (size_t i = (size_t)w->index; i < w->nids && time_mono_us() < w->deadline_us; i += THREADS) {
		struct doc_out_step step = { 0 };
		struct doc_out_done done;
		int64_t t0 = time_mono_us();
		int rc;
		step.action = DOC_OUT_ISSUE;
		step.account = clerk;
		step.name = "Lê Thị Văn";
		rc = db_begin(db);
		if (!rc && (rc = doc_out_apply(db, w->ids[i], &step, time_now_us() / 1000000, &done)) > 0) {
			fprintf(stderr, "bench_documents: issue refused (%d)\n", rc);
			rc = DB_ERROR;
		}
		if (!rc)
			rc = audit(db, clerk, vp, "document.outgoing.issue",
				   arena_printf(&a, "doc_out:%lld", (long long)w->ids[i]),
				   json_pack("{s:s,s:s,s:s,s:I,s:s}", "from", "signed", "to", "issued",
					     "note", "", "number", (json_int_t)done.number, "symbol",
					     done.symbol));
		if (!rc)
			rc = db_commit(db);
		arena_reset(&a);
		if (rc) {
			db_rollback(db);
			if (rc == DB_BUSY) {
				w->busy++;
				i -= THREADS; /* the same document again */
				continue;
			}
			fprintf(stderr, "bench_documents: issue: %s\n", db_errmsg(db));
			w->failed = 1;
			break;
		}
		w->done++;
		w->lat[w->nlat++] = time_mono_us() - t0;
	}
	arena_release(&a);
	db_close(db);
	return NULL;
}

/* Run fn from THREADS threads and print a line: "<what> <label> …/s p50 p99". */
static int write_run(void *(*fn)(void *), const char *what, const char *label, int seconds,
		     const int64_t *ids, size_t nids)
{
	struct worker w[THREADS];
	int64_t start = time_mono_us(), *all;
	long done = 0, busy = 0, nall = 0;
	double s;
	int failed = 0;
	for (int i = 0; i < THREADS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].index = i;
		w[i].deadline_us = start + (int64_t)seconds * 1000000;
		w[i].lat = xmalloc(sizeof(int64_t) * MAX_WRITES);
		w[i].ids = ids;
		w[i].nids = nids;
		pthread_create(&w[i].th, NULL, fn, &w[i]);
	}
	all = xmalloc(sizeof(int64_t) * MAX_WRITES * THREADS);
	for (int i = 0; i < THREADS; i++) {
		pthread_join(w[i].th, NULL);
		done += w[i].done;
		busy += w[i].busy;
		failed |= w[i].failed;
		memcpy(all + nall, w[i].lat, sizeof(int64_t) * (size_t)w[i].nlat);
		nall += w[i].nlat;
		free(w[i].lat);
	}
	s = (double)(time_mono_us() - start) / 1e6;
	qsort(all, (size_t)nall, sizeof(*all), cmp);
	printf("  %s %-20s %d threads, %ld in %.1f s: %6.0f a second  p50 %6.2f ms  p99 %6.2f ms%s\n", what,
	       label, THREADS, done, s, (double)done / s, pct_ms(all, (size_t)nall, 50),
	       pct_ms(all, (size_t)nall, 99), busy ? "  (busy retries)" : "");
	fflush(stdout);
	free(all);
	return failed;
}

/* Every (agency, year) of the incoming documents numbered 1..N without a gap or a repeat. */
static const char *arrival_check(struct db *db)
{
	struct db_stmt *st;
	int ok = 1;
	int rc = db_query(
		db, &st,
		"SELECT COUNT(*), COUNT(DISTINCT arrival_no), MAX(arrival_no) FROM doc_incoming GROUP BY "
		"agency_id, arrival_year",
		"");
	for (; rc == DB_ROW; rc = db_step(st))
		ok &= db_col_int(st, 0) == db_col_int(st, 1) && db_col_int(st, 0) == db_col_int(st, 2);
	db_release_statements(db);
	return rc == DB_DONE && ok ? "(arrival numbers gapless)" : "(ARRIVAL NUMBERS NOT GAPLESS)";
}

static int register_run(struct db *db, const char *label, int seconds)
{
	register_round++;
	if (write_run(registrar, "register", label, seconds, NULL, 0))
		return 1;
	printf("    %s\n", arrival_check(db));
	return 0;
}

/* ---- the outgoing documents to issue, signed beforehand ---- */

static int issue_bench(struct db *db, int seconds)
{
	size_t n = (size_t)MAX_ISSUES * THREADS;
	int64_t *ids = xmalloc(sizeof(*ids) * n), t0 = time_mono_us(), now = time_now_us() / 1000000;
	struct arena a;
	struct db_stmt *st;
	uint64_t r = 0x243F6A8885A308D3ULL;
	int64_t count = 0;
	int rc = 0, failed, gapless = 0;
	char check[96] = "(numbers not read)";

	arena_init(&a);
	for (size_t i = 0; !rc && i < n; i++) {
		struct doc_out d = { 0 };
		struct doc_out_file f = { 0 };
		struct doc_out_step step = { 0 };
		struct doc_out_done done;
		unsigned char h[crypto_hash_sha256_BYTES];
		char *sha = arena_alloc(&a, 65), name[32];
		size_t t = pick(&r, out_counts, NOUT);
		if (i % 500 == 0 && (rc = db_begin(db)))
			break;
		snprintf(name, sizeof(name), "du-thao-%zu.pdf", i + 1);
		crypto_hash_sha256(h, (const unsigned char *)name, strlen(name));
		sodium_bin2hex(sha, 65, h, sizeof(h));
		d.agency_id = district;
		d.unit_id = vp;
		d.type = out_types[t];
		d.summary = arena_printf(&a, "Về việc %s năm %d", topics[rnd(&r) % NTOPICS],
					 schedule_day_of(now) / 10000);
		d.recipients = "UBND các phường thuộc quận\nCác phòng, ban thuộc UBND quận";
		d.urgency = DOC_URGENCY_NORMAL;
		d.secrecy = DOC_SECRECY_NONE;
		d.drafter_id = specialist;
		f.sha = sha;
		f.name = name;
		f.mime = "application/pdf";
		f.size = 48213;
		f.uploaded_by = specialist;
		rc = doc_out_create(db, &d, &f, "Nguyễn Văn An", now);
		step.action = DOC_OUT_SUBMIT;
		step.account = specialist;
		step.name = "Nguyễn Văn An";
		if (!rc)
			rc = doc_out_apply(db, d.id, &step, now, &done);
		step.action = DOC_OUT_FORWARD;
		step.account = dept_head;
		step.name = "Trần Thị Bích";
		if (!rc)
			rc = doc_out_apply(db, d.id, &step, now, &done);
		step.action = DOC_OUT_SIGN;
		step.account = chairman;
		step.name = "Phạm Văn Chính";
		if (!rc)
			rc = doc_out_apply(db, d.id, &step, now, &done);
		ids[i] = d.id;
		if (!rc && (i % 500 == 499 || i == n - 1))
			rc = db_commit(db);
		arena_reset(&a);
	}
	arena_release(&a);
	if (rc) {
		fprintf(stderr, "bench_documents: signing the drafts (%d): %s\n", rc, db_errmsg(db));
		free(ids);
		return 1;
	}
	printf("  %zu drafts made, submitted, forwarded and signed in %.1f s (500 to a transaction)\n", n,
	       (double)(time_mono_us() - t0) / 1e6);
	failed = write_run(issuer, "issue   ", "(doc_out_apply)", seconds, ids, n);
	if (db_query(db, &st,
		     "SELECT COUNT(*), COUNT(DISTINCT number), MAX(number) FROM doc_outgoing WHERE agency_id = ? "
		     "AND status = 5",
		     "i", district) == DB_ROW) {
		count = db_col_int(st, 0);
		gapless = count == db_col_int(st, 1) && count == db_col_int(st, 2);
		snprintf(check, sizeof(check), "(numbers 1..%lld, %lld issued: %s)",
			 (long long)db_col_int(st, 2), (long long)count, gapless ? "gapless" : "NOT GAPLESS");
	}
	db_release_statements(db);
	printf("    %s\n", check);
	free(ids);
	return failed || !gapless;
}

/* ---- the figures ---- */

#define NDAYS  365
#define NUNITS (MAX_DEPS + 1)
#define NTYPES 30
static int32_t *cells; /* [day][unit][kind][type]: unit 0 the agency itself, k the department deps[k - 1] */

static int32_t *cell(int day, size_t unit, int kind, int type)
{
	return &cells[(((size_t)day * NUNITS + unit) * DOC_STAT_KIND_COUNT + (size_t)kind) * NTYPES +
		      (size_t)type];
}

/* A unit drawn by the weights, as an index into cells' units (only departments that exist). */
static size_t pick_unit(uint64_t *r, const int *weights)
{
	int w[NUNITS];
	for (size_t i = 0; i < NUNITS; i++)
		w[i] = i <= ndeps ? weights[i] : 0;
	return pick(r, w, NUNITS);
}

/*
 * One year of the seed district's documents, as doc_stats would count them over the 365 days:
 * each issued one by its drafting unit on its day (a few withdrawn weeks later), each received
 * one at the agency on its arrival day, most assigned a day later to a lead department (nearly
 * half with a deadline, most of those finished on time).
 */
static void stats_year(uint64_t *r)
{
	for (size_t t = 0; t < NOUT; t++)
		for (int k = 0; k < out_counts[t]; k++) {
			int day = (int)(rnd(r) % NDAYS), back = day + 7 + (int)(rnd(r) % 40);
			size_t unit = pick_unit(r, draft_weights);
			(*cell(day, unit, DOC_STAT_OUT, out_types[t]))++;
			if (rnd(r) % 1000 < 3 && back < NDAYS)
				(*cell(back, unit, DOC_STAT_OUT_WITHDRAWN, out_types[t]))++;
		}
	for (size_t t = 0; t < NIN; t++)
		for (int k = 0; k < in_counts[t]; k++) {
			int day = (int)(rnd(r) % NDAYS), at = day + (int)(rnd(r) % 2), end;
			size_t unit;
			(*cell(day, 0, DOC_STAT_IN, in_types[t]))++;
			if (rnd(r) % 100 >= 90 || at >= NDAYS)
				continue;
			unit = pick_unit(r, lead_weights);
			(*cell(at, unit, DOC_STAT_IN_LEAD, in_types[t]))++;
			if (rnd(r) % 100 >= 45)
				continue;
			(*cell(at, unit, DOC_STAT_IN_ASSIGNED, in_types[t]))++;
			end = at + 2 + (int)(rnd(r) % 18);
			if (end < NDAYS)
				(*cell(end, unit, rnd(r) % 100 < 88 ? DOC_STAT_IN_ON_TIME : DOC_STAT_IN_LATE,
				       in_types[t]))++;
		}
}

/* Write the cells with doc_stats_add, 5,000 to a transaction: the rows written, or <0. */
static long stats_write(struct db *db, int32_t day0)
{
	long calls = 0;
	int rc = 0;
	for (int day = 0; !rc && day < NDAYS; day++) {
		int64_t at = schedule_instant(schedule_day_add(day0, day), 12 * 60);
		for (size_t u = 0; !rc && u <= ndeps; u++)
			for (int k = 1; !rc && k < DOC_STAT_KIND_COUNT; k++)
				for (int t = 1; !rc && t < NTYPES; t++) {
					int32_t *n = cell(day, u, k, t);
					if (!*n)
						continue;
					if (calls % 5000 == 0 && (rc = db_begin(db)))
						break;
					rc = doc_stats_add(db, district, u ? deps[u - 1] : district, at, k, t,
							   *n);
					*n = 0;
					if (!rc && ++calls % 5000 == 0)
						rc = db_commit(db);
				}
	}
	if (!rc && db_in_transaction(db))
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return calls;
}

static int stats_time(struct db *db, int scale, int32_t from, int32_t to)
{
	int64_t lat[STATS_RUNS], page[STATS_RUNS], units[MAX_AGENCIES], start;
	int nlat = 0, npage = 0;
	struct arena a, ta;
	struct unit_tree t;
	struct doc_stats_row *rows = NULL, *all = NULL;
	size_t n = 0, nall = 0;
	int rc;

	arena_init(&a);
	arena_init(&ta);
	if ((rc = unit_tree_load(db, &ta, &t)))
		goto out;
	for (size_t i = 0; i < nagencies; i++)
		units[i] = agencies[i];
	start = time_mono_us();
	for (int i = -WARMUP; i < STATS_RUNS && (i < MIN_RUNS || time_mono_us() - start < MEASURE_US); i++) {
		int64_t t0 = time_mono_us();
		arena_reset(&a);
		if ((rc = doc_stats_load_departments(db, &a, &t, district, from, to, &rows, &n)))
			goto out;
		if (i >= 0)
			lat[nlat++] = time_mono_us() - t0;
	}
	/* the page: the tree (once per request), the district with its wards, its departments */
	start = time_mono_us();
	for (int i = -WARMUP; i < STATS_RUNS && (i < MIN_RUNS || time_mono_us() - start < MEASURE_US); i++) {
		struct unit_tree pt;
		struct doc_stats_query q = { units, nagencies, from, to };
		int64_t t0 = time_mono_us();
		arena_reset(&a);
		if ((rc = unit_tree_load(db, &a, &pt)) ||
		    (rc = doc_stats_load(db, &a, &pt, &q, &all, &nall)) ||
		    (rc = doc_stats_load_departments(db, &a, &pt, district, from, to, &rows, &n)))
			goto out;
		if (i >= 0)
			page[npage++] = time_mono_us() - t0;
	}
	qsort(lat, (size_t)nlat, sizeof(*lat), cmp);
	qsort(page, (size_t)npage, sizeof(*page), cmp);
	printf("  figures at %dx the seed: the district over 365 days: %lld received, %lld issued, %lld "
	       "assigned as lead (%zu departments; %lld rows in doc_stats)\n",
	       scale, (long long)rows[n - 1].n[DOC_STAT_IN][0], (long long)rows[n - 1].n[DOC_STAT_OUT][0],
	       (long long)rows[n - 1].n[DOC_STAT_IN_LEAD][0], n - 2,
	       (long long)count_of(db, "SELECT COUNT(*) FROM doc_stats"));
	printf("    departments (doc_stats_load_departments, %3d calls)               p50 %6.2f ms  p99 %6.2f ms  "
	       "(target: < 50 ms)\n",
	       nlat, pct_ms(lat, (size_t)nlat, 50), pct_ms(lat, (size_t)nlat, 99));
	printf("    the page's reads (tree, district + 11 wards, departments; %3d) p50 %6.2f ms  p99 %6.2f ms  "
	       "(target: < 50 ms)\n",
	       npage, pct_ms(page, (size_t)npage, 50), pct_ms(page, (size_t)npage, 99));
	fflush(stdout);
	/* the totals add up: the departments' split is the agency's row of doc_stats_load */
	if (rows[n - 1].n[DOC_STAT_IN][0] != all[0].n[DOC_STAT_IN][0] ||
	    rows[n - 1].n[DOC_STAT_OUT][0] != all[0].n[DOC_STAT_OUT][0]) {
		fprintf(stderr, "bench_documents: the departments do not add up to the district\n");
		rc = DB_ERROR;
	}
out:
	if (rc)
		fprintf(stderr, "bench_documents: figures: %s\n", db_errmsg(db));
	arena_release(&a);
	arena_release(&ta);
	return rc;
}

static int stats_bench(struct db *db, const char *scales)
{
	int32_t to = schedule_day_of(time_now_us() / 1000000), from = schedule_day_add(to, -(NDAYS - 1));
	uint64_t r = 0x13198A2E03707344ULL;
	int have = 0;
	cells = xcalloc((size_t)NDAYS * NUNITS * DOC_STAT_KIND_COUNT * NTYPES, sizeof(*cells));
	for (const char *p = scales; *p;) {
		char *end;
		long scale = strtol(p, &end, 10);
		int64_t t0 = time_mono_us();
		long rows;
		if (end == p)
			break;
		p = end;
		if (scale <= have)
			continue;
		for (; have < scale; have++)
			stats_year(&r);
		if ((rows = stats_write(db, from)) < 0) {
			fprintf(stderr, "bench_documents: doc_stats_add: %s\n", db_errmsg(db));
			return 1;
		}
		printf("  the year's figures brought to %ldx the seed by %ld doc_stats_add calls in %.1f s%s\n",
		       scale, rows, (double)(time_mono_us() - t0) / 1e6,
		       db_url_is_pg(url) ? ", then VACUUM ANALYZE" : "");
		if (db_url_is_pg(url) && db_exec_script(db, "VACUUM ANALYZE doc_stats")) {
			fprintf(stderr, "bench_documents: vacuum: %s\n", db_errmsg(db));
			return 1;
		}
		if (stats_time(db, (int)scale, from, to))
			return 1;
	}
	free(cells);
	return 0;
}

/* ---- the incoming list at scale ---- */

/* Reserve n numbers of a counter (as n calls of counter_next would take): the first. */
static int counter_block(struct db *db, const char *name, const char *scope, const char *period, int64_t n,
			 int64_t *first)
{
	struct db_stmt *st;
	int rc = db_query(
		db, &st,
		"INSERT INTO counters (name, scope, period, value) VALUES (?, ?, ?, ?) "
		"ON CONFLICT (name, scope, period) DO UPDATE SET value = counters.value + excluded.value "
		"RETURNING value",
		"sssi", name, scope, period, n);
	if (rc == DB_ROW)
		*first = db_col_int(st, 0) - n + 1;
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc == DB_DONE ? 0 : rc < 0 ? rc : DB_ERROR;
}

#define DOC_ROWS   40 /* rows of one INSERT */
#define DOC_NCOLS  23
#define RCPT_NCOLS 8

static struct db_stmt *insert_many(struct db *db, const char *prefix, int ncols, int nrows)
{
	char sql[16384];
	size_t len = (size_t)snprintf(sql, sizeof(sql), "%s VALUES ", prefix);
	for (int i = 0; i < nrows; i++) {
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s(", i ? ", " : "");
		for (int c = 0; c < ncols; c++)
			len += (size_t)snprintf(sql + len, sizeof(sql) - len, c ? ", ?" : "?");
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, ")");
	}
	return len < sizeof(sql) ? db_prepare(db, sql) : NULL;
}

struct gen_doc {
	int64_t at;
	int agency; /* index into agencies */
};

static int gen_cmp(const void *a, const void *b)
{
	const struct gen_doc *x = a, *y = b;
	return (x->at > y->at) - (x->at < y->at);
}

static char *fold_copy(struct arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	char *out = arena_alloc(a, n);
	if (fold_text(s, out, n) < 0)
		out[0] = '\0';
	return out;
}

/*
 * Add n incoming documents before now, spread over the years as the district (its 8,512 a year)
 * and its 11 wards (some 1,700 a year each: a guess, the seed gives the district's only) receive
 * them, with what handling leaves on them: older than a month mostly done (some filed, a few
 * still open), newer ones registered or assigned; a lead department (for a ward its one-stop
 * section, the only unit it has here), sometimes one coordinating and one informed. Ids and
 * arrival numbers are taken from their counters in blocks. 0 or <0.
 */
static int list_fill(struct db *db, int64_t n)
{
	static const int agency_weights[MAX_AGENCIES] = { 8512, 1700, 1700, 1700, 1700, 1700,
							  1700, 1700, 1700, 1700, 1700, 1700 };
	int64_t now = time_now_us() / 1000000, span = n * 365 * 86400 / (8512 + 11 * 1700), id0 = 0, rid = 0,
		nr = 0;
	struct gen_doc *g = xmalloc(sizeof(*g) * (size_t)n);
	int64_t(*blocks)[2] = NULL; /* per agency and year from the first: [next number, count] */
	int64_t *rcpt_units = xmalloc(sizeof(int64_t) * (size_t)n * 3);
	int *rcpt_role = xmalloc(sizeof(int) * (size_t)n * 3);
	size_t *rcpt_of = xmalloc(sizeof(size_t) * ((size_t)n + 1));
	int32_t year0 = schedule_day_of(now - span) / 10000, years = schedule_day_of(now) / 10000 - year0 + 1;
	uint64_t r = 0xA4093822299F31D0ULL ^ (uint64_t)n;
	int64_t onestop[MAX_AGENCIES];
	struct arena a;
	struct db_stmt *st;
	int rc = 0;

	arena_init(&a);
	/* each ward's one-stop section leads what the ward receives (it has no department) */
	for (size_t k = 0; k < nagencies; k++) {
		onestop[k] = agencies[k];
		if (db_query(db, &st, "SELECT MIN(id) FROM units WHERE parent_id = ? AND kind = 'onestop'",
			     "i", agencies[k]) == DB_ROW &&
		    !db_col_is_null(st, 0))
			onestop[k] = db_col_int(st, 0);
		db_release_statements(db);
	}
	for (int64_t i = 0; i < n; i++) {
		g[i].at = now - 3600 - (int64_t)(rnd(&r) % (uint64_t)span);
		g[i].agency = (int)pick(&r, agency_weights, nagencies);
	}
	qsort(g, (size_t)n, sizeof(*g), gen_cmp);
	/* who gets each: decided now, so that the id blocks are known */
	rcpt_of[0] = 0;
	for (int64_t i = 0; i < n; i++) {
		int64_t age = now - g[i].at;
		size_t k = rcpt_of[i];
		int assigned = age > 30 * 86400 ? rnd(&r) % 100 >= 8 : rnd(&r) % 100 >= 15;
		if (assigned) {
			if (g[i].agency == 0) {
				size_t u = pick_unit(&r, lead_weights), v;
				rcpt_units[k] = u ? deps[u - 1] : deps[0];
				rcpt_role[k++] = DOC_RCPT_LEAD;
				if (rnd(&r) % 100 < 30) {
					v = 1 + rnd(&r) % ndeps;
					if (deps[v - 1] != rcpt_units[k - 1]) {
						rcpt_units[k] = deps[v - 1];
						rcpt_role[k++] = DOC_RCPT_COORDINATE;
					}
				}
				if (rnd(&r) % 100 < 20 && deps[0] != rcpt_units[k - 1] &&
				    deps[0] != rcpt_units[rcpt_of[i]]) {
					rcpt_units[k] = deps[0];
					rcpt_role[k++] = DOC_RCPT_INFORM;
				}
			} else {
				rcpt_units[k] = onestop[g[i].agency];
				rcpt_role[k++] = DOC_RCPT_LEAD;
			}
		}
		rcpt_of[i + 1] = k;
	}
	nr = (int64_t)rcpt_of[n];
	blocks = xcalloc((size_t)years * nagencies, sizeof(*blocks));
	for (int64_t i = 0; i < n; i++)
		blocks[(size_t)(schedule_day_of(g[i].at) / 10000 - year0) * nagencies + (size_t)g[i].agency]
		      [1]++;
	if ((rc = db_begin(db)) || (rc = counter_block(db, "id", "doc_incoming", "", n, &id0)) ||
	    (nr && (rc = counter_block(db, "id", "doc_in_recipients", "", nr, &rid))))
		goto out;
	for (int y = 0; !rc && y < years; y++)
		for (size_t k = 0; !rc && k < nagencies; k++) {
			int64_t *b = blocks[(size_t)y * nagencies + k];
			char scope[24], period[16];
			if (!b[1])
				continue;
			snprintf(scope, sizeof(scope), "%lld", (long long)agencies[k]);
			snprintf(period, sizeof(period), "%d", year0 + y);
			rc = counter_block(db, "doc_in_arrival", scope, period, b[1], &b[0]);
		}
	if (rc || (rc = db_commit(db)))
		goto out;
	for (int64_t i0 = 0; !rc && i0 < n; i0 += DOC_ROWS) {
		int m = (int)(n - i0 < DOC_ROWS ? n - i0 : DOC_ROWS), c = 1, nrc = 0;
		struct db_stmt *ins, *rins = NULL;
		if (i0 % 2000 == 0 && (rc = db_begin(db)))
			break;
		ins = insert_many(
			db,
			"INSERT INTO doc_incoming (id, agency_id, arrival_year, arrival_no, arrived_at, sender, "
			"sender_key, symbol, doc_date, type, summary, urgency, secrecy, reply_due, status, due, "
			"assigned_at, done_at, search, dup_key, registered_by, created_at, lead_unit_id)",
			DOC_NCOLS, m);
		if (!ins) {
			rc = DB_ERROR;
			break;
		}
		for (int64_t i = i0; i < i0 + m; i++) {
			int64_t at = g[i].at, age = now - at, assigned_at = 0, done_at = 0, *b;
			int32_t day = schedule_day_of(at), due = 0, reply_due = 0;
			size_t s = rnd(&r) % NSENDERS, t = pick(&r, in_counts, NIN);
			const char *sender = senders[s], *symbol, *summary, *search;
			int32_t doc_date = schedule_day_add(day, -(int)(rnd(&r) % 4));
			int status = DOC_IN_REGISTERED, b_ = 0;
			b = blocks[(size_t)(day / 10000 - year0) * nagencies + (size_t)g[i].agency];
			symbol = arena_printf(&a, "%lld/%s-%s", (long long)(i % 100000 + 1),
					      in_types[t] == DOC_TYPE_CONG_VAN ? abbrevs[s]
									       : doc_type(in_types[t])->abbr,
					      abbrevs[s]);
			summary =
				arena_printf(&a, "Về việc %s năm %d", topics[rnd(&r) % NTOPICS], day / 10000);
			search = fold_copy(&a, arena_printf(&a, "%s %s %s", summary, sender, symbol));
			if (rnd(&r) % 100 < 20)
				reply_due = schedule_day_add(day, 10);
			if (rcpt_of[i + 1] > rcpt_of[i]) {
				status = DOC_IN_ASSIGNED;
				assigned_at = at + 1800;
				if (rnd(&r) % 100 < 45)
					due = schedule_day_add(day, 10);
				/* a month on, nearly all done; a few weeks on, half of them */
				if ((age > 30 * 86400 && rnd(&r) % 100 < 93) ||
				    (age > 10 * 86400 && rnd(&r) % 2)) {
					status = DOC_IN_DONE;
					done_at = at + (int64_t)(2 + rnd(&r) % 12) * 86400;
					done_at = done_at < now ? done_at : now;
				}
			} else if (age > 30 * 86400) {
				status = DOC_IN_FILED;
				done_at = at + 86400;
			}
			b_ |= db_bind_int(ins, c++, id0 + i);
			b_ |= db_bind_int(ins, c++, agencies[g[i].agency]);
			b_ |= db_bind_int(ins, c++, day / 10000);
			b_ |= db_bind_int(ins, c++, b[0]++);
			b_ |= db_bind_int(ins, c++, at);
			b_ |= db_bind_text(ins, c++, sender, strlen(sender));
			b_ |= db_bind_text(ins, c++, fold_copy(&a, sender), strlen(fold_copy(&a, sender)));
			b_ |= db_bind_text(ins, c++, symbol, strlen(symbol));
			b_ |= db_bind_int(ins, c++, doc_date);
			b_ |= db_bind_int(ins, c++, in_types[t]);
			b_ |= db_bind_text(ins, c++, summary, strlen(summary));
			b_ |= db_bind_int(ins, c++,
					  rnd(&r) % 100 < 85 ? DOC_URGENCY_NORMAL
							     : 2 + (int64_t)(rnd(&r) % 3));
			b_ |= db_bind_int(ins, c++, rnd(&r) % 100 < 97 ? DOC_SECRECY_NONE : 2);
			b_ |= db_bind_int(ins, c++, reply_due);
			b_ |= db_bind_int(ins, c++, status);
			b_ |= db_bind_int(ins, c++, due);
			b_ |= db_bind_int(ins, c++, assigned_at);
			b_ |= db_bind_int(ins, c++, done_at);
			b_ |= db_bind_text(ins, c++, search, strlen(search));
			{
				const char *dup = arena_printf(&a, "%s|%s|%d", fold_copy(&a, sender),
							       fold_copy(&a, symbol), (int)doc_date);
				b_ |= db_bind_text(ins, c++, dup, strlen(dup));
			}
			b_ |= db_bind_int(ins, c++, clerk);
			b_ |= db_bind_int(ins, c++, at);
			b_ |= db_bind_int(ins, c++, rcpt_of[i + 1] > rcpt_of[i] ? rcpt_units[rcpt_of[i]] : 0);
			if (b_) {
				rc = DB_ERROR;
				break;
			}
			/* the recipients: the lead's state follows the document's */
			for (size_t k = rcpt_of[i]; k < rcpt_of[i + 1]; k++, nrc++) {
				int state = status == DOC_IN_DONE ? DOC_RCPT_DONE : 1 + (int)(rnd(&r) % 3);
				int rc_ = 0;
				if (rcpt_role[k] == DOC_RCPT_INFORM)
					state = rnd(&r) % 2 ? DOC_RCPT_READ : DOC_RCPT_UNREAD;
				if (!rins) {
					rins = insert_many(
						db,
						"INSERT INTO doc_in_recipients (id, doc_id, unit_id, role, state, "
						"assigned_at, read_at, done_at)",
						RCPT_NCOLS, (int)(rcpt_of[i0 + m] - rcpt_of[i0]));
					if (!rins) {
						rc = DB_ERROR;
						break;
					}
				}
				rc_ |= db_bind_int(rins, nrc * RCPT_NCOLS + 1, rid + (int64_t)k);
				rc_ |= db_bind_int(rins, nrc * RCPT_NCOLS + 2, id0 + i);
				rc_ |= db_bind_int(rins, nrc * RCPT_NCOLS + 3, rcpt_units[k]);
				rc_ |= db_bind_int(rins, nrc * RCPT_NCOLS + 4, rcpt_role[k]);
				rc_ |= db_bind_int(rins, nrc * RCPT_NCOLS + 5, state);
				rc_ |= db_bind_int(rins, nrc * RCPT_NCOLS + 6, assigned_at);
				rc_ |= db_bind_int(rins, nrc * RCPT_NCOLS + 7,
						   state > DOC_RCPT_UNREAD ? assigned_at + 3600 : 0);
				rc_ |= db_bind_int(rins, nrc * RCPT_NCOLS + 8,
						   state == DOC_RCPT_DONE ? done_at : 0);
				if (rc_) {
					rc = DB_ERROR;
					break;
				}
			}
			if (rc)
				break;
		}
		arena_reset(&a);
		if (!rc && (rc = db_step(ins)) == DB_DONE)
			rc = 0;
		if (!rc && rins && (rc = db_step(rins)) == DB_DONE)
			rc = 0;
		db_release_statements(db);
		if (!rc && ((i0 + m) % 2000 == 0 || i0 + m == n))
			rc = db_commit(db);
	}
out:
	if (rc)
		db_rollback(db);
	arena_release(&a);
	free(g);
	free(blocks);
	free(rcpt_units);
	free(rcpt_role);
	free(rcpt_of);
	return rc;
}

/*
 * What /van-ban/den reads for a viewer: the page of 20 (doc_in_list, with its count) and, on
 * the page (not through the API), the four tabs' counts. Each part is timed; a part that took
 * longer than SLOW_US once is not run again at the later sizes, so that a query that grows
 * with the square of the documents does not hold the run for hours.
 */
enum {
	PART_PAGE,
	PART_TO_READ,
	PART_TO_HANDLE,
	PART_OVERDUE,
	PART_UNIT,
	NPARTS
};
static const char *const part_names[NPARTS] = { "page of 20", "to read", "to handle", "overdue", "unit" };
static const int part_queues[NPARTS] = { -1, DOC_IN_Q_TO_READ, DOC_IN_Q_TO_HANDLE, DOC_IN_Q_OVERDUE,
					 DOC_IN_Q_UNIT };
#define SLOW_US	  5000000
#define NMEASURES 3
static int64_t slow_us[NMEASURES][NPARTS], slow_size[NMEASURES][NPARTS];

static int list_time(struct db *db, int m, const char *what, const struct doc_in_query *q, int tabs,
		     int64_t size)
{
	int64_t lat[NPARTS + 1][LIST_RUNS], total = 0, start = time_mono_us();
	struct arena a;
	int rc = 0, nlat = 0, nparts = tabs ? NPARTS : 1, skipped = 0;
	char parts[512];
	size_t len = 0;

	memset(lat, 0, sizeof(lat));
	arena_init(&a);
	for (int i = -1; !rc && i < LIST_RUNS && (i < LIST_MIN || time_mono_us() - start < MEASURE_US); i++) {
		int64_t sum = 0;
		for (int p = 0; !rc && p < nparts; p++) {
			struct doc_in_query pq = *q;
			struct doc_in *docs;
			size_t n;
			int64_t t0 = time_mono_us(), count, us;
			if (slow_us[m][p] && slow_size[m][p] < size) {
				skipped = 1;
				continue;
			}
			if (p) {
				pq.queue = part_queues[p];
				pq.limit = 0;
			}
			arena_reset(&a);
			rc = doc_in_list(db, &a, &pq, &docs, &n, p ? &count : &total);
			us = time_mono_us() - t0;
			if (us > SLOW_US && !slow_us[m][p]) {
				slow_us[m][p] = us;
				slow_size[m][p] = size;
			}
			lat[p + 1][nlat] = us;
			sum += us;
		}
		lat[0][nlat] = sum;
		/* the first call warms the cache, unless it is slow enough to count as it is */
		if (i >= 0 || sum > 300000)
			nlat++;
		if (sum > SLOW_US)
			break;
	}
	arena_release(&a);
	if (rc) {
		fprintf(stderr, "bench_documents: doc_in_list: %s\n", db_errmsg(db));
		return rc;
	}
	for (int p = 0; p <= nparts; p++)
		qsort(lat[p], (size_t)nlat, sizeof(int64_t), cmp);
	printf("    %-50s p50 %8.2f ms  p99 %8.2f ms  (%d call%s; %lld found)\n", what,
	       pct_ms(lat[0], (size_t)nlat, 50), pct_ms(lat[0], (size_t)nlat, 99), nlat, nlat == 1 ? "" : "s",
	       (long long)total);
	for (int p = 0; tabs && p < nparts; p++) {
		if (slow_us[m][p] && slow_size[m][p] < size)
			len += (size_t)snprintf(parts + len, sizeof(parts) - len,
						"%s%s: skipped (%.1f s at %lld)", p ? ", " : "",
						part_names[p], (double)slow_us[m][p] / 1e6,
						(long long)slow_size[m][p]);
		else
			len += (size_t)snprintf(parts + len, sizeof(parts) - len, "%s%s %.2f", p ? ", " : "",
						part_names[p], pct_ms(lat[p + 1], (size_t)nlat, 50));
		if (len >= sizeof(parts))
			break;
	}
	if (tabs)
		printf("      p50 of each part, ms: %s%s\n", parts,
		       skipped ? " (the sum without the skipped)" : "");
	fflush(stdout);
	return 0;
}

static int list_bench(struct db *db, int64_t size)
{
	/* who_load's viewers: the district's records clerk (at its office), the head of Phòng Tư pháp */
	int64_t clerk_all[1] = { district }, clerk_units[1] = { vp }, head_units[1] = { tp };
	struct doc_in_viewer vc = { clerk, clerk_all, 1, clerk_units, 1, NULL, 0 };
	struct doc_in_viewer vh = { dept_head, NULL, 0, head_units, 1, head_units, 1 };
	struct doc_in_query q = { 0 };
	q.today = schedule_day_of(time_now_us() / 1000000);
	q.limit = PAGE_SIZE;
	q.v = &vc;
	q.queue = DOC_IN_Q_ALL;
	if (list_time(db, 0, "records clerk: the page (all, page 1, 4 tabs)", &q, 1, size))
		return 1;
	q.q = "phong chay";
	if (list_time(db, 1, "records clerk: API search \"phòng cháy\", page 1", &q, 0, size))
		return 1;
	q.q = NULL;
	q.v = &vh;
	return list_time(db, 2, "head of a department: the page (all, page 1, 4 tabs)", &q, 1, size);
}

/* ---- setup ---- */

static int staff(struct db *db, const char *username, const char *name, const char *position, int64_t unit,
		 int64_t *id)
{
	return account_create_staff(db, username, name, position, unit, PASSWORD, NULL, id);
}

int main(int argc, char **argv)
{
	struct db *db;
	struct db_stmt *st;
	char *err = NULL, label[64];
	const char *env = getenv("WRITE_SECONDS"), *scales = getenv("STATS_SCALES");
	int applied, rc, seconds = 3;
	struct arena a;
	struct unit_tree t;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_documents DB [SIZE...]\n");
		return 2;
	}
	url = argv[1];
	if (env && atoi(env) > 0)
		seconds = atoi(env);
	if (!db_url_is_pg(url)) {
		struct stat sb;
		if (!stat(url, &sb)) {
			fprintf(stderr, "bench_documents: %s exists: give a new file\n", url);
			return 2;
		}
	}
	if (sodium_init() < 0)
		return 1;
	db = open_or_die();
	if (migrate_run(db, &applied, &err)) {
		fprintf(stderr, "bench_documents: %s\n", err);
		return 1;
	}
	if ((rc = db_begin(db)) || (rc = org_demo(db)))
		goto fail;
	district = org_unit_by_code(db, "000.00.15.H26");
	vp = org_unit_by_code(db, "001.15.00.H26");
	tp = org_unit_by_code(db, "002.15.00.H26");
	if ((rc = staff(db, "bench.vanthu", "Lê Thị Văn", "Văn thư UBND quận", vp, &clerk)) ||
	    (rc = staff(db, "bench.chuyenvien", "Nguyễn Văn An", "Chuyên viên Văn phòng", vp, &specialist)) ||
	    (rc = staff(db, "bench.truongphong", "Trần Thị Bích", "Trưởng phòng Tư pháp", tp, &dept_head)) ||
	    (rc = staff(db, "bench.chutich", "Phạm Văn Chính", "Chủ tịch UBND quận Thanh Xuân", district,
			&chairman)) ||
	    (rc = db_commit(db)))
		goto fail;
	/* the district and its 11 wards; its departments (and one-stop section) in the tree's order */
	agencies[nagencies++] = district;
	for (rc = db_query(db, &st, "SELECT id FROM units WHERE kind = 'ward' AND parent_id = ? ORDER BY id",
			   "i", district);
	     rc == DB_ROW && nagencies < MAX_AGENCIES; rc = db_step(st))
		agencies[nagencies++] = db_col_int(st, 0);
	db_release_statements(db);
	arena_init(&a);
	if ((rc = unit_tree_load(db, &a, &t)))
		goto fail;
	for (size_t i = 0; i < t.n && ndeps < MAX_DEPS; i++)
		if (t.parent[i] == district && !t.level[i])
			deps[ndeps++] = t.id[i];
	arena_release(&a);
	if (ndeps < 12 || deps[0] != vp) {
		fprintf(stderr, "bench_documents: the demo's departments are not as expected\n");
		return 1;
	}
	printf("%s: the e-office (the demo district, its %zu departments and 11 wards; synchronous=%s):\n",
	       db_backend(db), ndeps, db_url_is_pg(url) ? "on, fsync on" : "FULL");
	fflush(stdout);

	if (stats_bench(db, scales && *scales ? scales : "1 10"))
		return 1;
	if (register_run(db, "at 0 documents", seconds) || issue_bench(db, seconds))
		return 1;
	for (int i = 2; i < argc; i++) {
		int64_t size = strtoll(argv[i], NULL, 10),
			have = count_of(db, "SELECT COUNT(*) FROM doc_incoming"), t0 = time_mono_us();
		if (size > have) {
			if (list_fill(db, size - have)) {
				fprintf(stderr, "bench_documents: filling: %s\n", db_errmsg(db));
				return 1;
			}
			printf("  %lld incoming documents written up to %lld in %.1f s (%lld recipient rows in all)%s\n",
			       (long long)(size - have), (long long)size, (double)(time_mono_us() - t0) / 1e6,
			       (long long)count_of(db, "SELECT COUNT(*) FROM doc_in_recipients"),
			       db_url_is_pg(url) ? ", then VACUUM ANALYZE" : "");
			if (db_url_is_pg(url) && db_exec_script(db, "VACUUM ANALYZE")) {
				fprintf(stderr, "bench_documents: vacuum: %s\n", db_errmsg(db));
				return 1;
			}
		}
		have = count_of(db, "SELECT COUNT(*) FROM doc_incoming");
		printf("  the incoming list (/van-ban/den, doc_in_list) at %lld documents:\n",
		       (long long)have);
		fflush(stdout);
		if (list_bench(db, have))
			return 1;
		snprintf(label, sizeof(label), "at %lld documents", (long long)have);
		if (register_run(db, label, seconds))
			return 1;
	}
	db_close(db);
	return 0;
fail:
	fprintf(stderr, "bench_documents: cannot prepare the database (%d): %s\n", rc, db_errmsg(db));
	return 1;
}
