/* log.c: key=value log lines. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/log.h"
#include "core/timefmt.h"
#include "core/banned.h"

enum log_level log_level = LOG_INFO;

#define ASYNC_MAX (64 * 1024)

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	int running;
	int stopping;
	size_t len;
	char buf[ASYNC_MAX];
} async = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER };

static void write_all(const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(2, p, n);
		if (w <= 0)
			return; /* nowhere to report it */
		p += w;
		n -= (size_t)w;
	}
}

/* With the lock held: write what is waiting. */
static void flush_locked(void)
{
	if (async.len) {
		write_all(async.buf, async.len);
		async.len = 0;
	}
}

static void *async_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&async.lock);
	while (!async.stopping) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&async.wake, &async.lock, &ts);
		flush_locked();
	}
	flush_locked();
	pthread_mutex_unlock(&async.lock);
	return NULL;
}

void log_async_start(void)
{
	pthread_mutex_lock(&async.lock);
	if (!async.running) {
		async.stopping = 0;
		if (!pthread_create(&async.thread, NULL, async_main, NULL))
			async.running = 1;
	}
	pthread_mutex_unlock(&async.lock);
}

void log_async_stop(void)
{
	pthread_mutex_lock(&async.lock);
	if (!async.running) {
		pthread_mutex_unlock(&async.lock);
		return;
	}
	async.stopping = 1;
	pthread_cond_signal(&async.wake);
	pthread_mutex_unlock(&async.lock);
	pthread_join(async.thread, NULL);
	async.running = 0;
}

static void emit(enum log_level lvl, const char *line, size_t n)
{
	pthread_mutex_lock(&async.lock);
	if (!async.running || lvl <= LOG_WARN) {
		flush_locked();
		write_all(line, n);
	} else {
		if (async.len + n > sizeof(async.buf))
			flush_locked();
		memcpy(async.buf + async.len, line, n);
		async.len += n;
	}
	pthread_mutex_unlock(&async.lock);
}

static const char *const level_names[] = { "error", "warn", "info", "debug" };

int log_level_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, level_names[i]))
			return i;
	return -1;
}

/* "time=2026-11-26T17:04:01.123456Z level=info " into out (at least 64 bytes); its length. */
static size_t prefix(char *out, enum log_level lvl)
{
	static __thread int64_t cached_sec = -1;
	static __thread char cached[24]; /* "2026-11-26T17:04:01." */
	int64_t us = time_now_us();
	int64_t sec = us / 1000000;
	unsigned frac = (unsigned)(us % 1000000);
	size_t n = 0, l;

	if (sec != cached_sec) {
		char iso[40];
		time_iso8601_utc(iso, sizeof(iso), us);
		memcpy(cached, iso, 20);
		cached_sec = sec;
	}
	memcpy(out, "time=", 5);
	n = 5;
	memcpy(out + n, cached, 20);
	n += 20;
	for (int i = 5; i >= 0; i--) {
		out[n + (size_t)i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	n += 6;
	memcpy(out + n, "Z level=", 8);
	n += 8;
	l = strlen(level_names[lvl]);
	memcpy(out + n, level_names[lvl], l);
	n += l;
	out[n++] = ' ';
	return n;
}

void log_kv(enum log_level lvl, const char *kv, size_t n)
{
	char line[4096];
	size_t p;
	if (lvl > log_level)
		return;
	p = prefix(line, lvl);
	if (n > sizeof(line) - p - 1)
		n = sizeof(line) - p - 1;
	memcpy(line + p, kv, n);
	line[p + n] = '\n';
	emit(lvl, line, p + n + 1);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	char line[4096];
	int n;
	va_list ap;

	if (lvl > log_level)
		return;
	n = (int)prefix(line, lvl);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	/* whole lines only, so lines from threads never interleave */
	n = (int)strlen(line);
	line[n++] = '\n';
	emit(lvl, line, (size_t)n);
}

char *log_quote(char *out, unsigned n, const char *s)
{
	unsigned o = 0;
	int quote = !*s || strpbrk(s, " \"=\\") != NULL;
	if (n < 3) {
		if (n)
			out[0] = '\0';
		return out;
	}
	if (quote)
		out[o++] = '"';
	for (; *s && o + 5 < n; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			o += (unsigned)snprintf(out + o, n - o, "\\x%02x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	if (quote)
		out[o++] = '"';
	out[o] = '\0';
	return out;
}
