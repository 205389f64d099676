/*
 * bench_write.c: the write path every numbered record takes: a transaction
 * that takes the next number from a counter row and inserts the row using it
 * (synchronous=FULL on SQLite). Prints transactions per second and the p99
 * latency for a database URL.
 *   bench_write URL [THREADS] [SECONDS]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/timefmt.h"
#include "core/xalloc.h"
#include "store/counter.h"
#include "store/db.h"
#include "store/migrate.h"

#define MAX_SAMPLES (1 << 20)

struct worker {
	const char *url;
	int64_t deadline_us;
	long done;
	long busy;
	int64_t *lat;
	long nlat;
	int failed;
	pthread_t th;
};

static void *run(void *arg)
{
	struct worker *w = arg;
	char *err = NULL;
	struct db *db = db_open(w->url, &err);
	if (!db) {
		fprintf(stderr, "bench_write: %s\n", err);
		free(err);
		w->failed = 1;
		return NULL;
	}
	while (time_mono_us() < w->deadline_us) {
		int64_t t0 = time_mono_us(), n = 0;
		int rc = db_begin(db);
		if (!rc)
			rc = counter_next(db, "bench", "H26", "2026", &n);
		if (!rc)
			rc = db_exec(db, "INSERT INTO bench_rows (number, payload) VALUES (?, ?)", "is", n,
				     "Hồ sơ chứng thực bản sao từ bản chính");
		if (!rc)
			rc = db_commit(db);
		if (rc) {
			db_rollback(db);
			if (rc == DB_BUSY) {
				w->busy++;
				continue;
			}
			fprintf(stderr, "bench_write: %s\n", db_errmsg(db));
			w->failed = 1;
			break;
		}
		w->done++;
		if (w->nlat < MAX_SAMPLES)
			w->lat[w->nlat++] = time_mono_us() - t0;
	}
	db_close(db);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	const char *url;
	int threads = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 4;
	int secs = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 5;
	struct worker *w;
	struct db *db;
	char *err = NULL;
	long total = 0, busy = 0, nlat = 0;
	int64_t *all;
	int applied;

	if (argc < 2 || threads < 1 || secs < 1) {
		fprintf(stderr, "usage: bench_write URL [THREADS] [SECONDS]\n");
		return 2;
	}
	url = argv[1];
	db = db_open(url, &err);
	if (!db || migrate_run(db, &applied, &err) ||
	    db_exec_script(
		    db,
		    "CREATE TABLE IF NOT EXISTS bench_rows (number INTEGER PRIMARY KEY, payload TEXT NOT NULL)")) {
		fprintf(stderr, "bench_write: %s\n", err ? err : db ? db_errmsg(db) : "cannot open");
		return 1;
	}
	db_close(db);
	w = xcalloc((size_t)threads, sizeof(*w));
	for (int i = 0; i < threads; i++) {
		w[i].url = url;
		w[i].deadline_us = time_mono_us() + (int64_t)secs * 1000000;
		w[i].lat = xmalloc(sizeof(int64_t) * MAX_SAMPLES);
		pthread_create(&w[i].th, NULL, run, &w[i]);
	}
	for (int i = 0; i < threads; i++) {
		pthread_join(w[i].th, NULL);
		if (w[i].failed)
			return 1;
		total += w[i].done;
		busy += w[i].busy;
		nlat += w[i].nlat;
	}
	all = xmalloc(sizeof(int64_t) * (size_t)(nlat ? nlat : 1));
	nlat = 0;
	for (int i = 0; i < threads; i++) {
		memcpy(all + nlat, w[i].lat, sizeof(int64_t) * (size_t)w[i].nlat);
		nlat += w[i].nlat;
		free(w[i].lat);
	}
	qsort(all, (size_t)nlat, sizeof(*all), cmp);
	printf("%s %d threads: %.0f tx/s, p50 %.2f ms, p99 %.2f ms, %ld retries on busy\n",
	       strncmp(url, "postgres", 8) ? "sqlite" : "postgres", threads, (double)total / secs,
	       nlat ? all[nlat / 2] / 1000.0 : 0, nlat ? all[nlat * 99 / 100] / 1000.0 : 0, busy);
	free(all);
	free(w);
	return 0;
}
