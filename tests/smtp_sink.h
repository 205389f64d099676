/*
 * smtp_sink.h: a local SMTP server for the mail tests (tests/smtp_sink.py on
 * Debian's python3-aiosmtpd), header-only so that unit and HTTP tests share it.
 * Each message it accepts becomes DIR/N.eml (as received) and DIR/N.json (as
 * Python's email package decodes it).
 */
#ifndef TESTS_SMTP_SINK_H
#define TESTS_SMTP_SINK_H

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SOURCE_ROOT
#error "SOURCE_ROOT must name the source tree"
#endif

struct smtp_sink {
	pid_t pid;
	unsigned port;
	char dir[64];
	char url[64]; /* "smtp://127.0.0.1:PORT" */
};

/* A loopback port nothing listens on (bound, then closed). */
static inline unsigned sink_free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned port = 0;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
	    !getsockname(fd, (struct sockaddr *)&a, &len))
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static inline void sink_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Start the sink in a new temporary folder and wait until it listens (10 s at most). 0 or -1. */
static inline int sink_start(struct smtp_sink *s)
{
	char port[16], ready[96];

	memset(s, 0, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "/tmp/motcua-smtp-XXXXXX");
	if (!mkdtemp(s->dir))
		return -1;
	s->port = sink_free_port();
	snprintf(port, sizeof(port), "%u", s->port);
	snprintf(s->url, sizeof(s->url), "smtp://127.0.0.1:%u", s->port);
	snprintf(ready, sizeof(ready), "%s/ready", s->dir);
	s->pid = fork();
	if (s->pid < 0)
		return -1;
	if (s->pid == 0) {
		execl("/usr/bin/python3", "python3", SOURCE_ROOT "/tests/smtp_sink.py", port, s->dir,
		      (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		int status;
		if (!access(ready, F_OK))
			return 0;
		if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
			fprintf(stderr, "# the SMTP sink exited at start (status %d)\n", status);
			s->pid = 0;
			return -1;
		}
		sink_sleep_ms(50);
	}
	fprintf(stderr, "# the SMTP sink did not start in 10 s\n");
	return -1;
}

/* Messages received so far. */
static inline int sink_count(const struct smtp_sink *s)
{
	char path[96];
	int n = 0;
	for (;;) {
		snprintf(path, sizeof(path), "%s/%d.json", s->dir, n + 1);
		if (access(path, F_OK))
			return n;
		n++;
	}
}

/* Wait until at least `n` messages came (timeout_ms at most); the count then. */
static inline int sink_wait(const struct smtp_sink *s, int n, int timeout_ms)
{
	int have;
	for (int waited = 0; (have = sink_count(s)) < n && waited < timeout_ms; waited += 50)
		sink_sleep_ms(50);
	return have;
}

/* Message `n` (from 1) as decoded by the sink; NULL when there is none. The caller json_decref()s it. */
static inline json_t *sink_message(const struct smtp_sink *s, int n)
{
	char path[96];
	json_error_t e;
	snprintf(path, sizeof(path), "%s/%d.json", s->dir, n);
	return json_load_file(path, 0, &e);
}

/* Message `n` as received (raw bytes) into a malloc'd NUL-terminated string; NULL when none. */
static inline char *sink_raw(const struct smtp_sink *s, int n)
{
	char path[96], *data = NULL;
	long len;
	FILE *f;
	snprintf(path, sizeof(path), "%s/%d.eml", s->dir, n);
	if (!(f = fopen(path, "rb")))
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (len = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET) &&
	    (data = malloc((size_t)len + 1))) {
		if (fread(data, 1, (size_t)len, f) != (size_t)len) {
			free(data);
			data = NULL;
		} else {
			data[len] = '\0';
		}
	}
	fclose(f);
	return data;
}

/* Stop the sink and remove its folder. */
static inline void sink_stop(struct smtp_sink *s)
{
	char cmd[128];
	if (s->pid > 0) {
		int status, reaped = 0;
		kill(s->pid, SIGTERM);
		for (int i = 0; i < 100 && !reaped; i++) {
			reaped = waitpid(s->pid, &status, WNOHANG) == s->pid;
			if (!reaped)
				sink_sleep_ms(50);
		}
		if (!reaped) {
			kill(s->pid, SIGKILL);
			waitpid(s->pid, &status, 0);
		}
		s->pid = 0;
	}
	if (s->dir[0] && !strncmp(s->dir, "/tmp/motcua-smtp-", 17)) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "# cannot remove %s\n", s->dir);
	}
	s->dir[0] = '\0';
}

#endif
