/*
 * bench_dossiers.c: the one-stop shop at scale (issue 6, "Benchmarks"; budgets in DESIGN.md: 1,000
 * intakes a second with synchronous=FULL, lookup by code p99 < 5 ms and the dashboard < 50 ms at
 * 1,000,000 dossiers, flat as the data grows). Makes a fresh database with the demo's units and
 * catalogue, then:
 *   - durable intake: dossier_create in a transaction of its own, from 2 threads each with its own
 *     connection, for INTAKE_SECONDS (default 5) or 3,000 intakes a thread: intakes a second, p50 and
 *     p99;
 *   - for each SIZE in turn: dossiers generated up to it (dossier_generate: the model's own
 *     intake and actions, 1,000 to a transaction), timed; then lookup by code of 2,000 random
 *     dossiers (dossier_lookup, as /tra-cuu: the code and the phone's last 4 digits; and
 *     dossier_load, as the staff page), the dashboard's reads (dossier_stats_load, as
 *     GET /api/v1/stats/dossiers: a ward this month, the district and its 11 wards this month and
 *     over a year), p50 and p99 each; and the durable intake again. On PostgreSQL the load is
 *     followed by VACUUM ANALYZE, which autovacuum would do in time after such a load.
 *   bench_dossiers DB SIZE...
 * DB is a new SQLite file (refused when it exists, unless BENCH_REUSE is set: then the dossiers it
 * holds count towards the sizes) or a PostgreSQL URL of an empty database (or one made before).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "core/arena.h"
#include "core/timefmt.h"
#include "core/xalloc.h"
#include "features/dossier_demo.h"
#include "features/dossier_stats.h"
#include "features/dossiers.h"
#include "features/org.h"
#include "features/procedures.h"
#include "store/db.h"
#include "store/migrate.h"

#define LOOKUPS	     2000
#define WARMUP	     200
#define DASH_RUNS    50
#define THREADS	     2
#define MAX_AGENCIES 32
#define MAX_SAMPLES  (1 << 20)
/* intakes of one thread in one run at most: a day has 9,999 codes per agency, and each run takes today's */
#define MAX_INTAKES 3000

static const char *url;

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

static struct db *open_or_die(void)
{
	char *err = NULL;
	struct db *db = db_open(url, &err);
	if (!db) {
		fprintf(stderr, "bench_dossiers: %s\n", err ? err : "cannot open the database");
		exit(1);
	}
	return db;
}

/* ---- durable intake from two threads ---- */

struct agency {
	int64_t id;
	int district;
};
static struct agency agencies[MAX_AGENCIES];
static size_t nagencies;

/* What the counter receives: a ward's common procedures, the district's. */
static const char *const ward_procs[] = { "2.000815", "1.001193", "1.004873", "2.000884" };
static const char *const district_procs[] = { "1.001612", "2.000720" };

struct worker {
	int index;
	int64_t deadline_us;
	long done, busy;
	int64_t *lat;
	long nlat;
	int failed;
	pthread_t th;
};

static void *intake(void *arg)
{
	struct worker *w = arg;
	struct db *db = open_or_die();
	struct arena a;
	arena_init(&a);
	for (long i = 0; i < MAX_INTAKES && time_mono_us() < w->deadline_us; i++) {
		const struct agency *ag = &agencies[(size_t)(w->index + THREADS * i) % nagencies];
		struct dossier_intake in;
		char code[DOSSIER_CODE_MAX], id_no[16], phone[16];
		const char *why = NULL;
		int64_t t0 = time_mono_us(), id;
		int rc;
		memset(&in, 0, sizeof(in));
		in.procedure_code = ag->district ? district_procs[i % 2] : ward_procs[i % 4];
		in.unit_id = ag->id;
		in.channel = DCH_COUNTER;
		snprintf(id_no, sizeof(id_no), "001090%06ld", (i * THREADS + w->index) % 1000000);
		snprintf(phone, sizeof(phone), "0912%06ld", (i * 7 + w->index) % 1000000);
		in.applicant = (struct dossier_person){ "Nguyễn Văn Bình",
							id_no,
							"1990-05-12",
							phone,
							"",
							"Số 5 ngõ 12 Quan Nhân, phường Nhân Chính" };
		for (size_t k = 0; k < DOSSIER_MAX_DOCS; k++)
			in.provided[k] = 1;
		in.actor_name = "Hoàng Thị Mai";
		rc = db_begin(db);
		if (!rc) {
			rc = dossier_create(db, &a, &in, time_now_us() / 1000000, code, &id, &why);
			if (rc > 0) {
				fprintf(stderr, "bench_dossiers: intake refused: %s\n", why ? why : "?");
				rc = DB_ERROR;
			}
		}
		if (!rc)
			rc = db_commit(db);
		arena_reset(&a);
		if (rc) {
			db_rollback(db);
			if (rc == DB_BUSY) {
				w->busy++;
				continue;
			}
			fprintf(stderr, "bench_dossiers: intake: %s\n", db_errmsg(db));
			w->failed = 1;
			break;
		}
		w->done++;
		if (w->nlat < MAX_SAMPLES)
			w->lat[w->nlat++] = time_mono_us() - t0;
	}
	arena_release(&a);
	db_close(db);
	return NULL;
}

static int intake_run(const char *label, int seconds)
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
		w[i].lat = xmalloc(sizeof(int64_t) * MAX_SAMPLES);
		pthread_create(&w[i].th, NULL, intake, &w[i]);
	}
	all = xmalloc(sizeof(int64_t) * MAX_SAMPLES * THREADS);
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
	printf("  intake %-24s %d threads, %ld in %.1f s: %6.0f intakes/s  p50 %6.2f ms  p99 %6.2f ms%s  "
	       "(target: 1,000/s)\n",
	       label, THREADS, done, s, (double)done / s, pct_ms(all, (size_t)nall, 50),
	       pct_ms(all, (size_t)nall, 99), busy ? "  (busy retries)" : "");
	fflush(stdout);
	free(all);
	return failed;
}

/* ---- lookups ---- */

static int64_t count_dossiers(struct db *db)
{
	struct db_stmt *st;
	int64_t n = 0;
	int rc = db_query(db, &st, "SELECT COUNT(*) FROM dossiers", "");
	if (rc == DB_ROW)
		n = db_col_int(st, 0);
	db_release_statements(db);
	return n;
}

static int lookups(struct db *db)
{
	char(*codes)[DOSSIER_CODE_MAX] = xmalloc(sizeof(*codes) * (LOOKUPS + WARMUP));
	char(*checks)[8] = xmalloc(sizeof(*checks) * (LOOKUPS + WARMUP));
	int64_t *lat = xmalloc(sizeof(int64_t) * LOOKUPS), lo = 0, hi = 0;
	unsigned long long r = 0x9E3779B97F4A7C15ULL;
	struct dossier *d = xmalloc(sizeof(*d));
	struct arena a;
	struct db_stmt *st;
	size_t n = 0;
	int rc;

	arena_init(&a);
	rc = db_query(db, &st, "SELECT MIN(id), MAX(id) FROM dossiers", "");
	if (rc == DB_ROW) {
		lo = db_col_int(st, 0);
		hi = db_col_int(st, 1);
	}
	db_release_statements(db);
	while (n < LOOKUPS + WARMUP && hi >= lo) {
		int64_t id;
		r ^= r << 13;
		r ^= r >> 7;
		r ^= r << 17;
		id = lo + (int64_t)(r % (unsigned long long)(hi - lo + 1));
		rc = db_query(db, &st, "SELECT code, check_phone FROM dossiers WHERE id = ?", "i", id);
		if (rc == DB_ROW) {
			snprintf(codes[n], DOSSIER_CODE_MAX, "%s", db_col_text(st, 0));
			snprintf(checks[n], sizeof(checks[n]), "%s", db_col_text(st, 1));
			n++;
		}
		db_release_statements(db);
	}
	/* the public lookup: the code and the last 4 digits, then the dossier */
	for (size_t i = 0; i < n; i++) {
		int64_t t0 = time_mono_us();
		if (dossier_lookup(db, &a, codes[i], checks[i], d)) {
			fprintf(stderr, "bench_dossiers: lookup of %s failed\n", codes[i]);
			return 1;
		}
		if (i >= WARMUP)
			lat[i - WARMUP] = time_mono_us() - t0;
		arena_reset(&a);
	}
	qsort(lat, LOOKUPS, sizeof(*lat), cmp);
	printf("  lookup by code (dossier_lookup, %d random)%*s p50 %6.3f ms  p99 %6.3f ms  (target: p99 < 5 ms)\n",
	       LOOKUPS, 11, "", pct_ms(lat, LOOKUPS, 50), pct_ms(lat, LOOKUPS, 99));
	/* the staff page's load, in another order */
	for (size_t i = 0; i < n; i++) {
		size_t k = (i * 7919) % n;
		int64_t t0 = time_mono_us();
		if (dossier_load(db, &a, codes[k], d)) {
			fprintf(stderr, "bench_dossiers: load of %s failed\n", codes[k]);
			return 1;
		}
		if (i >= WARMUP)
			lat[i - WARMUP] = time_mono_us() - t0;
		arena_reset(&a);
	}
	qsort(lat, LOOKUPS, sizeof(*lat), cmp);
	printf("  load by code (dossier_load, %d random)%*s p50 %6.3f ms  p99 %6.3f ms\n", LOOKUPS, 15, "",
	       pct_ms(lat, LOOKUPS, 50), pct_ms(lat, LOOKUPS, 99));
	fflush(stdout);
	free(codes);
	free(checks);
	free(lat);
	free(d);
	arena_release(&a);
	return 0;
}

/* ---- the dashboard ---- */

static int32_t ymd_of(int64_t t)
{
	struct civil c;
	time_to_civil(t, VN_UTC_OFFSET, &c);
	return c.year * 10000 + c.month * 100 + c.day;
}

static int dashboard(struct db *db, const char *what, const int64_t *units, size_t nunits, int32_t from,
		     int32_t to)
{
	int64_t lat[DASH_RUNS];
	struct arena a;
	struct dossier_stats s;
	struct dossier_stats_query q = { units, nunits, from, to, NULL, time_now_us() / 1000000 };
	arena_init(&a);
	for (int i = -5; i < DASH_RUNS; i++) {
		int64_t t0 = time_mono_us();
		if (dossier_stats_load(db, &a, &q, &s)) {
			fprintf(stderr, "bench_dossiers: dossier_stats_load: %s\n", db_errmsg(db));
			return 1;
		}
		if (i >= 0)
			lat[i] = time_mono_us() - t0;
		if (i < DASH_RUNS - 1)
			arena_reset(&a);
	}
	qsort(lat, DASH_RUNS, sizeof(*lat), cmp);
	printf("  dashboard %-38s p50 %6.3f ms  p99 %6.3f ms  (%lld received, %zu procedures; target: < 50 ms)\n",
	       what, pct_ms(lat, DASH_RUNS, 50), pct_ms(lat, DASH_RUNS, 99), (long long)s.total.received,
	       s.nprocs);
	fflush(stdout);
	arena_release(&a);
	return 0;
}

static int dashboards(struct db *db)
{
	int64_t now = time_now_us() / 1000000, units[MAX_AGENCIES], ward = 0;
	int32_t today = ymd_of(now), month = today / 100 * 100 + 1, year = ymd_of(now - 364 * 86400);
	size_t n = 0;
	/* the district first, then its wards; the first ward alone */
	for (size_t i = 0; i < nagencies; i++)
		if (agencies[i].district)
			units[n++] = agencies[i].id;
	for (size_t i = 0; i < nagencies; i++) {
		if (agencies[i].district)
			continue;
		units[n++] = agencies[i].id;
		ward = ward ? ward : agencies[i].id;
	}
	return dashboard(db, "a ward, this month", &ward, 1, month, today) ||
	       dashboard(db, "district + 11 wards, this month", units, n, month, today) ||
	       dashboard(db, "district + 11 wards, 365 days", units, n, year, today);
}

int main(int argc, char **argv)
{
	struct db *db;
	struct db_stmt *st;
	char *err = NULL;
	int applied, rc, seconds = 5;
	const char *env = getenv("INTAKE_SECONDS");

	if (argc < 3) {
		fprintf(stderr, "usage: bench_dossiers DB SIZE...\n");
		return 2;
	}
	url = argv[1];
	if (env && atoi(env) > 0)
		seconds = atoi(env);
	if (!db_url_is_pg(url) && !getenv("BENCH_REUSE")) {
		struct stat sb;
		if (!stat(url, &sb)) {
			fprintf(stderr, "bench_dossiers: %s exists: give a new file\n", url);
			return 2;
		}
	}
	db = open_or_die();
	if (migrate_run(db, &applied, &err)) {
		fprintf(stderr, "bench_dossiers: %s\n", err);
		return 1;
	}
	/* the demo's units and catalogue (no staff: the generator's officials are made up) */
	if (db_begin(db) || org_demo(db) || procedure_demo(db, time_now_us() / 1000000) || db_commit(db)) {
		fprintf(stderr, "bench_dossiers: demo data: %s\n", db_errmsg(db));
		return 1;
	}
	for (rc = db_query(
		     db, &st,
		     "SELECT id, kind FROM units WHERE kind IN ('district', 'ward') AND (agency_code = "
		     "'000.00.15.H26' OR parent_id = (SELECT id FROM units WHERE agency_code = '000.00.15.H26')) "
		     "ORDER BY id",
		     "");
	     rc == DB_ROW && nagencies < MAX_AGENCIES; rc = db_step(st)) {
		agencies[nagencies].id = db_col_int(st, 0);
		agencies[nagencies++].district = !strcmp(db_col_text(st, 1), "district");
	}
	db_release_statements(db);
	printf("%s: intake, lookup and dashboard (the demo district and its 11 wards; synchronous=%s):\n",
	       db_backend(db), db_url_is_pg(url) ? "on, fsync on" : "FULL");
	fflush(stdout);
	{
		char label[64];
		snprintf(label, sizeof(label), "at %lld dossiers", (long long)count_dossiers(db));
		if (intake_run(label, seconds))
			return 1;
	}
	for (int i = 2; i < argc; i++) {
		int64_t size = strtoll(argv[i], NULL, 10), have = count_dossiers(db), t0 = time_mono_us();
		double s;
		char label[64];
		if (size > have) {
			if (dossier_generate(db, size - have, time_now_us() / 1000000, NULL)) {
				fprintf(stderr, "bench_dossiers: generating: %s\n", db_errmsg(db));
				return 1;
			}
			s = (double)(time_mono_us() - t0) / 1e6;
			printf("  generated %lld dossiers up to %lld in %.1f s (%.0f a second, each received and "
			       "worked through the model)\n",
			       (long long)(size - have), (long long)size, s, (double)(size - have) / s);
			/* what autovacuum does in time after a load this fast: the visibility map makes the
			 * overdue count an index-only scan, the statistics the plans */
			if (db_url_is_pg(url) && db_exec_script(db, "VACUUM ANALYZE")) {
				fprintf(stderr, "bench_dossiers: vacuum: %s\n", db_errmsg(db));
				return 1;
			}
			if (db_url_is_pg(url))
				printf("  then VACUUM ANALYZE, as autovacuum would in time\n");
		}
		printf(" at %lld dossiers:\n", (long long)count_dossiers(db));
		fflush(stdout);
		if (lookups(db) || dashboards(db))
			return 1;
		snprintf(label, sizeof(label), "at %lld dossiers", (long long)count_dossiers(db));
		if (intake_run(label, seconds))
			return 1;
	}
	db_close(db);
	return 0;
}
