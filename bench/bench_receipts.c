/*
 * bench_receipts.c: electronic receipts issued a second, durably (issue 7, "Benchmark"). Makes a
 * fresh database with the demo's units, a receipt book and a signing key for the district's
 * one-stop office, then for SECONDS (default 5) THREADS threads each with its own connection
 * issue standalone receipts, each in a transaction of its own (the number from the book's
 * counter, the XML signed with RSA-2048, the rows written; synchronous=FULL on SQLite, fsync on
 * PostgreSQL as bench/run.sh starts it): receipts a second, p50 and p99, and the numbers checked
 * gapless at the end.
 *   bench_receipts DB [THREADS]
 * DB is a new SQLite file or a PostgreSQL URL of an empty database.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/arena.h"
#include "core/timefmt.h"
#include "features/org.h"
#include "features/receipt_xml.h"
#include "features/receipts.h"
#include "store/db.h"
#include "store/migrate.h"

#define MAX_THREADS 16
#define MAX_SAMPLES 200000
#define OFFICE	    "100.15.00.H26"

static const char *url;
static char keys[256];
static int64_t book;

static struct db *open_or_die(void)
{
	char *err = NULL;
	struct db *db = db_open(url, &err);
	if (!db) {
		fprintf(stderr, "bench_receipts: %s\n", err ? err : "cannot open the database");
		exit(1);
	}
	return db;
}

static int cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

struct worker {
	int64_t deadline_us;
	long done;
	int64_t *lat;
	int failed;
	pthread_t th;
};

static void *issuer(void *arg)
{
	struct worker *w = arg;
	struct db *db = open_or_die();
	struct arena a;
	arena_init(&a);
	while (time_mono_us() < w->deadline_us && w->done < MAX_SAMPLES) {
		struct receipt_issue in;
		struct receipt r;
		const char *why = NULL;
		int64_t t0 = time_mono_us();
		int rc;
		memset(&in, 0, sizeof(in));
		in.book_id = book;
		in.payer.name = "Nguyễn Văn Bình";
		in.payer.address = "Số 5 ngõ 12 Quan Nhân, phường Nhân Chính, quận Thanh Xuân";
		in.nlines = 2;
		in.lines[0] = (struct receipt_line){ .name = "Lệ phí chứng thực bản sao", .quantity = 3, .unit_amount = 2000 };
		in.lines[1] = (struct receipt_line){ .name = "Phí cung cấp thông tin", .quantity = 1, .unit_amount = 50000 };
		in.method = RM_CASH;
		in.collector_name = "Bùi Thị Thu";
		in.keys_dir = keys;
		rc = db_begin(db);
		if (!rc && (rc = receipt_issue(db, &a, &in, time_now_us() / 1000000, &r, &why)) > 0) {
			fprintf(stderr, "bench_receipts: refused: %s\n", why ? why : "?");
			rc = DB_ERROR;
		}
		if (!rc)
			rc = db_commit(db);
		arena_reset(&a);
		if (rc) {
			db_rollback(db);
			if (rc == DB_BUSY)
				continue;
			fprintf(stderr, "bench_receipts: %s\n", db_errmsg(db));
			w->failed = 1;
			break;
		}
		w->lat[w->done++] = time_mono_us() - t0;
	}
	arena_release(&a);
	db_close(db);
	return NULL;
}

int main(int argc, char **argv)
{
	struct worker w[MAX_THREADS];
	int threads = argc > 2 ? atoi(argv[2]) : 2, seconds = getenv("SECONDS_RUN") ? atoi(getenv("SECONDS_RUN")) : 5;
	int64_t *all, total = 0, t0, max = 0, count = 0;
	struct db *db;
	char *err = NULL;
	const char *why;
	int applied = 0;
	struct db_stmt *st;

	if (argc < 2 || threads < 1 || threads > MAX_THREADS) {
		fprintf(stderr, "usage: bench_receipts DB [THREADS]\n");
		return 2;
	}
	url = argv[1];
	if (!db_url_is_pg(url) && !access(url, F_OK)) {
		fprintf(stderr, "bench_receipts: %s exists: give a new file\n", url);
		return 2;
	}
	if (receipt_xml_init())
		return 1;
	db = open_or_die();
	if (migrate_run(db, &applied, &err) || db_begin(db) || org_demo(db) || db_commit(db)) {
		fprintf(stderr, "bench_receipts: cannot prepare the database: %s\n", err ? err : db_errmsg(db));
		return 1;
	}
	snprintf(keys, sizeof(keys), "/tmp/motcua-bench-keys-%d", (int)getpid());
	if (receipt_demo_key(keys, OFFICE, "Bộ phận Tiếp nhận và Trả kết quả quận Thanh Xuân") < 0) {
		fprintf(stderr, "bench_receipts: cannot make the signing key\n");
		return 1;
	}
	{
		struct civil c;
		char series[8];
		time_to_civil(time_now_us() / 1000000, VN_UTC_OFFSET, &c);
		snprintf(series, sizeof(series), "AA-%02dE", c.year % 100);
		if (db_begin(db) ||
		    receipt_book_create(db, org_unit_by_code(db, OFFICE), "01BLP0-001", series, c.year, "bench",
					time_now_us() / 1000000, &book, &why) ||
		    db_commit(db)) {
			fprintf(stderr, "bench_receipts: cannot open the book\n");
			return 1;
		}
	}
	t0 = time_mono_us();
	for (int i = 0; i < threads; i++) {
		w[i] = (struct worker){ .deadline_us = t0 + (int64_t)seconds * 1000000,
					.lat = calloc(MAX_SAMPLES, sizeof(int64_t)) };
		pthread_create(&w[i].th, NULL, issuer, &w[i]);
	}
	for (int i = 0; i < threads; i++) {
		pthread_join(w[i].th, NULL);
		total += w[i].done;
		if (w[i].failed)
			return 1;
	}
	t0 = time_mono_us() - t0;
	all = calloc((size_t)total + 1, sizeof(*all));
	for (int i = 0, k = 0; i < threads; i++)
		for (long j = 0; j < w[i].done; j++)
			all[k++] = w[i].lat[j];
	qsort(all, (size_t)total, sizeof(*all), cmp);
	if (db_query(db, &st, "SELECT COUNT(DISTINCT number), MAX(number) FROM receipts WHERE book_id = ?", "i", book) ==
	    DB_ROW) {
		count = db_col_int(st, 0);
		max = db_col_int(st, 1);
	}
	db_release_statements(db);
	printf("%s: %d threads, %lld receipts in %.1f s: %6.0f receipts/s  p50 %6.2f ms  p99 %6.2f ms  "
	       "(numbers 1..%lld, %lld distinct: %s)\n",
	       db_url_is_pg(url) ? "postgres" : "sqlite", threads, (long long)total, (double)t0 / 1e6,
	       (double)total * 1e6 / (double)t0, total ? (double)all[total / 2] / 1000.0 : 0.0,
	       total ? (double)all[(size_t)total * 99 / 100] / 1000.0 : 0.0, (long long)max, (long long)count,
	       count == total && max == total ? "gapless" : "NOT GAPLESS");
	{
		char path[512];
		snprintf(path, sizeof(path), "%s/" OFFICE ".key.pem", keys);
		unlink(path);
		snprintf(path, sizeof(path), "%s/" OFFICE ".crt.pem", keys);
		unlink(path);
		rmdir(keys);
	}
	db_close(db);
	receipt_xml_shutdown();
	return count == total && max == total ? 0 : 1;
}
