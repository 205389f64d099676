/* log.h: one line per event, key=value, to stderr. */
#ifndef CORE_LOG_H
#define CORE_LOG_H

enum log_level {
	LOG_ERROR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3
};

/* Set from configuration; messages above it are dropped. */
extern enum log_level log_level;

/* "error", "warn", "info", "debug" → level; -1 when unknown. */
int log_level_parse(const char *s);

/*
 * Log an event: `fmt` gives the key=value pairs after the fixed
 * "time=… level=…" prefix, e.g. log_msg(LOG_INFO, "event=start listen=%s", addr).
 * Values with spaces must be quoted by the caller with log_quote().
 */
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Log a line whose key=value part is already formatted (`kv`, `n` bytes, no
 * newline): the fast path for the access log, with no printf.
 */
void log_kv(enum log_level lvl, const char *kv, size_t n);

/*
 * Quote a value for a key=value line into `out` (size n): wraps it in double
 * quotes when it holds a space, quote or '=', escapes quotes, backslashes and
 * control bytes. Returns out.
 */
char *log_quote(char *out, unsigned n, const char *s);

/*
 * Batch info and debug lines in memory and write them from a background
 * thread at least every 100 ms (or when 64 KiB are waiting), so a busy server
 * does not make a write() per request. Errors and warnings are written at once,
 * after whatever is waiting. log_async_stop() writes everything and stops the
 * thread; without log_async_start() every line is written at once.
 */
void log_async_start(void);
void log_async_stop(void);

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
