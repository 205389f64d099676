/* doc_text.c: the documents' files' own text (pdftotext) or, for scans, Tesseract's reading, in a thread. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "core/buf.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "features/doc_text.h"
#include "features/files.h"
#include "rules/fold.h"
#include "store/worker.h"
#include "core/banned.h"

/*
 * Why programs and not the libraries in-process: the files come from outside (scans, other
 * agencies' PDFs) and PDF and image parsers crash or loop on broken input; in a child process
 * a crash fails one attempt instead of the server, a wall-clock limit can end it (a library
 * call cannot be interrupted), its memory is capped, and it runs niced on one core
 * (OMP_THREAD_LIMIT=1) so that requests keep the machine. The cost, a process per step, is
 * nothing beside the seconds an OCR takes.
 */

#define ERROR_MAX      400		   /* bytes of a reason kept in doc_texts.error */
#define TAIL_MAX       2048		   /* the end of a program's stderr, for the reason */
#define PAGE_OUT_MAX   (256 * 1024)	   /* Tesseract's text of one page */
#define PAGE_TEXT_MIN  16		   /* letters and digits under which a PDF page counts as a scan */
#define OCR_DPI	       300		   /* pages rendered for Tesseract */
#define RENDER_W_MAX   5000		   /* pixels: an oversize page is recognised on its top-left part */
#define RENDER_H_MAX   7000		   /* (A3 at 300 dpi fits: 3508 × 4961) */
#define TEXT_TIMEOUT   60		   /* seconds for pdftotext on one file */
#define RENDER_TIMEOUT 60		   /* seconds for pdftoppm on one page */
#define OCR_TIMEOUT    180		   /* seconds for Tesseract on one page or image */
#define CHILD_MEM_MAX  ((rlim_t)2 << 30)   /* address space of one program */
#define CHILD_FILE_MAX ((rlim_t)256 << 20) /* the largest file a program may write (a render) */
#define CHILD_NICE     10
#define CANDIDATES     8 /* pending files looked at per round */

/* The worker thread. Stopping kills the program in hand and gives its file back. */
static int text_pass(void *arg, struct db *db);
static struct worker worker = WORKER_INIT("doc_text", text_pass, DOC_TEXT_POLL);

static int64_t now_s(void)
{
	return time_now_us() / 1000000;
}

/* ---- text: valid UTF-8 without control characters ---- */

/*
 * Append s[0..n) to b as clean text: invalid bytes and control characters dropped (NUL too:
 * PostgreSQL refuses it in text), a form feed or vertical tab made a line break, CR dropped,
 * more than two line breaks in a row cut to two, trailing spaces of a line dropped. Stops at a
 * character boundary when b is full (its toobig set).
 */
static void add_clean(struct buf *b, const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	while (p < end) {
		uint32_t cp;
		int len = utf8_decode(p, (size_t)(end - p), &cp);
		if (len < 0) {
			p++;
			continue;
		}
		if (cp == '\f' || cp == '\v')
			cp = '\n';
		if (cp == '\n') {
			while (b->len && (b->ptr[b->len - 1] == ' ' || b->ptr[b->len - 1] == '\t'))
				b->len--;
			b->ptr[b->len] = '\0';
			if (b->len >= 2 && b->ptr[b->len - 1] == '\n' && b->ptr[b->len - 2] == '\n') {
				p += len;
				continue;
			}
			p += len;
			/* a page break (form feed) or a vertical tab is kept as the line break it stands for
			 */
			if (b->len && buf_addch(b, '\n'))
				return;
			continue;
		} else if ((cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp <= 0x9f)) {
			p += len;
			continue;
		}
		if (buf_add(b, p, (size_t)len))
			return;
		p += len;
	}
}

/* Letters and digits (ASCII, and any non-ASCII character) in s[0..n): does a page have text? */
static size_t count_letters(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		k += (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0xc2;
	}
	return k;
}

/* Cut trailing blank lines and spaces. */
static void trim_end(struct buf *b)
{
	while (b->len && strchr(" \t\n", b->ptr[b->len - 1]))
		b->len--;
	b->ptr[b->len] = '\0';
}

/* A reason for the record: printable, one line, at most ERROR_MAX bytes. */
static void set_reason(char *err, size_t errn, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_reason(char *err, size_t errn, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errn, fmt, ap);
	va_end(ap);
	for (char *p = err; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
}

/* ---- running a program ---- */

enum run_rc {
	RUN_OK = 0,	  /* exited 0, or its output reached the limit and it was ended there */
	RUN_FAILED = -1,  /* could not run, failed, crashed or ran out of time: the reason in err */
	RUN_STOPPED = -2, /* the worker is stopping: ended, no outcome */
};

/* The last non-empty line of a program's stderr into out. */
static void last_line(const char *tail, size_t n, char *out, size_t outn)
{
	size_t end = n, start;
	while (end && (tail[end - 1] == '\n' || tail[end - 1] == '\r' || tail[end - 1] == ' '))
		end--;
	start = end;
	while (start && tail[start - 1] != '\n')
		start--;
	snprintf(out, outn, "%.*s", (int)(end - start), tail + start);
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
}

static const char *const child_env[] = {
	"PATH=/usr/local/bin:/usr/bin:/bin",
	"LC_ALL=C.UTF-8",
	"OMP_THREAD_LIMIT=1", /* Tesseract: one core, the other is the server's */
	NULL,
};

/*
 * Run argv (argv[0] found in PATH) with no input, its stdout into `out` (up to out->max: the
 * program is ended there, and that is no failure), until the monotonic time `deadline` (µs).
 * The program runs in its own process group, niced, its memory and output files capped, with
 * the default signal dispositions and no blocked signal (the server blocks some in its
 * threads) and no descriptor but 0-2.
 */
static int run(const char *const argv[], int64_t deadline, struct buf *out, char *err, size_t errn)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	char tail[TAIL_MAX], line[ERROR_MAX];
	size_t tail_len = 0;
	int cut = 0, stopped = 0, late = 0, status = 0, reaped = 0, rc;
	pid_t pid = -1;

	if (pipe2(outp, O_CLOEXEC) || pipe2(errp, O_CLOEXEC)) {
		set_reason(err, errn, "cannot make a pipe: %s", strerror(errno));
		rc = RUN_FAILED;
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	/* the server's sockets and database files stay out of the child */
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	rc = posix_spawnp(&pid, argv[0], &fa, &at, (char *const *)argv, (char *const *)child_env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(outp[1]);
	close(errp[1]);
	outp[1] = errp[1] = -1;
	if (rc) {
		set_reason(err, errn, "cannot run %s: %s", argv[0], strerror(rc));
		pid = -1;
		rc = RUN_FAILED;
		goto out;
	}
	/*
	 * Limits on the running child (glibc's posix_spawn returns once it has exec'd: the program
	 * is still loading its libraries, long before it reads the file). The wall clock below is
	 * the limit that always holds.
	 */
	{
		struct rlimit mem = { CHILD_MEM_MAX, CHILD_MEM_MAX },
			      fsz = { CHILD_FILE_MAX, CHILD_FILE_MAX };
		prlimit(pid, RLIMIT_AS, &mem, NULL);
		prlimit(pid, RLIMIT_FSIZE, &fsz, NULL);
		setpriority(PRIO_PROCESS, (id_t)pid, CHILD_NICE);
	}

	while (outp[0] >= 0 || errp[0] >= 0) {
		struct pollfd pf[2];
		int nf = 0, wait_ms;
		int64_t left = deadline - time_mono_us();
		if (worker_stopping(&worker)) {
			stopped = 1;
			break;
		}
		if (left <= 0) {
			late = 1;
			break;
		}
		/* a look at worker_stopping() at least five times a second */
		wait_ms = left / 1000 < 200 ? (int)(left / 1000) + 1 : 200;
		if (outp[0] >= 0)
			pf[nf++] = (struct pollfd){ .fd = outp[0], .events = POLLIN };
		if (errp[0] >= 0)
			pf[nf++] = (struct pollfd){ .fd = errp[0], .events = POLLIN };
		if (poll(pf, (nfds_t)nf, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			set_reason(err, errn, "poll: %s", strerror(errno));
			late = 1;
			break;
		}
		for (int i = 0; i < nf; i++) {
			char chunk[16384];
			ssize_t r;
			if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			r = read(pf[i].fd, chunk, sizeof(chunk));
			if (r < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (r <= 0) {
				close(pf[i].fd);
				if (pf[i].fd == outp[0])
					outp[0] = -1;
				else
					errp[0] = -1;
				continue;
			}
			if (pf[i].fd == outp[0]) {
				size_t room = out->max - out->len;
				buf_add(out, chunk, (size_t)r < room ? (size_t)r : room);
				if ((size_t)r > room)
					cut = 1;
			} else {
				/* keep the end: a parser's last word says why it gave up */
				if ((size_t)r >= sizeof(tail)) {
					memcpy(tail, chunk + r - sizeof(tail), sizeof(tail));
					tail_len = sizeof(tail);
				} else {
					size_t keep = tail_len + (size_t)r > sizeof(tail)
							      ? sizeof(tail) - (size_t)r
							      : tail_len;
					memmove(tail, tail + tail_len - keep, keep);
					memcpy(tail + keep, chunk, (size_t)r);
					tail_len = keep + (size_t)r;
				}
			}
		}
		if (cut)
			break;
	}
	if (cut || stopped || late)
		kill(-pid, SIGKILL);
	/* reap it; a program that closed its output but goes on is ended at the deadline */
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid) {
			reaped = 1;
			break;
		}
		if (w < 0 && errno != EINTR)
			break;
		if (!cut && !stopped && !late && (worker_stopping(&worker) || time_mono_us() >= deadline)) {
			stopped = worker_stopping(&worker);
			late = !stopped;
			kill(-pid, SIGKILL);
		}
		usleep(5000);
	}
	pid = -1;
	if (stopped) {
		set_reason(err, errn, "stopped");
		rc = RUN_STOPPED;
	} else if (late) {
		set_reason(err, errn, "%s: no result in time", argv[0]);
		rc = RUN_FAILED;
	} else if (cut) {
		rc = RUN_OK;
	} else if (!reaped) {
		set_reason(err, errn, "%s: its end could not be seen", argv[0]);
		rc = RUN_FAILED;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		rc = RUN_OK;
	} else {
		last_line(tail, tail_len, line, sizeof(line));
		if (WIFEXITED(status))
			set_reason(err, errn, "%s: exit status %d%s%s", argv[0], WEXITSTATUS(status),
				   *line ? ": " : "", line);
		else
			set_reason(err, errn, "%s: killed by signal %d%s", argv[0],
				   WIFSIGNALED(status) ? WTERMSIG(status) : 0,
				   WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? " (out of memory?)"
										      : "");
		rc = RUN_FAILED;
	}
out:
	if (outp[0] >= 0)
		close(outp[0]);
	if (errp[0] >= 0)
		close(errp[0]);
	if (outp[1] >= 0)
		close(outp[1]);
	if (errp[1] >= 0)
		close(errp[1]);
	return rc;
}

/* The end of a step: `seconds` from now, never past the file's own deadline. */
static int64_t step_deadline(int64_t file_deadline, int seconds)
{
	int64_t t = time_mono_us() + (int64_t)seconds * 1000000;
	return t < file_deadline ? t : file_deadline;
}

/* ---- reading one file ---- */

enum kind {
	KIND_NONE,
	KIND_PDF,
	KIND_IMAGE,
};

/* What is read from a content type ("application/pdf", "image/png; …"). */
static enum kind mime_kind(const char *mime)
{
	static const struct {
		const char *type;
		enum kind kind;
	} types[] = {
		{ "application/pdf", KIND_PDF },
		{ "image/jpeg", KIND_IMAGE },
		{ "image/png", KIND_IMAGE },
		{ "image/tiff", KIND_IMAGE },
	};
	size_t n;
	if (!mime)
		return KIND_NONE;
	n = strcspn(mime, "; \t");
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strlen(types[i].type) == n && !strncasecmp(mime, types[i].type, n))
			return types[i].kind;
	return KIND_NONE;
}

struct reading {
	const char *path;    /* the stored file */
	int64_t deadline;    /* monotonic µs: the whole file's budget */
	struct buf text;     /* the clean text, up to DOC_TEXT_MAX */
	int ocr;	     /* some of it came from Tesseract */
	char tmp[PATH_MAX];  /* a private folder for page renders, "" until made */
	char err[ERROR_MAX]; /* why it failed */
};

/* Tesseract's text of the image at `path` (clean) into out. */
static int ocr_image(struct reading *r, const char *path, int dpi, struct buf *out)
{
	char dpis[16];
	const char *argv[] = { "tesseract", path, "stdout", "-l", "vie", NULL, NULL, NULL };
	struct buf raw;
	int rc;

	if (dpi) {
		snprintf(dpis, sizeof(dpis), "%d", dpi);
		argv[5] = "--dpi";
		argv[6] = dpis;
	}
	buf_init(&raw, PAGE_OUT_MAX);
	rc = run(argv, step_deadline(r->deadline, OCR_TIMEOUT), &raw, r->err, sizeof(r->err));
	if (rc == RUN_OK)
		add_clean(out, raw.ptr, raw.len);
	buf_release(&raw);
	return rc;
}

/* Render page `page` (1-based) of the PDF at 300 dpi and recognise it, into out. */
static int ocr_pdf_page(struct reading *r, int page, struct buf *out)
{
	char pg[16], w[16], h[16], dpi[16], root[PATH_MAX + 8], png[PATH_MAX + 16];
	const char *argv[] = { "pdftoppm", "-r", dpi, "-gray", "-png", "-singlefile", "-f", pg,	 "-l",
			       pg,	   "-W", w,   "-H",    h,      r->path,	      root, NULL };
	struct buf none;
	int rc;

	if (!r->tmp[0]) {
		const char *base = getenv("TMPDIR");
		snprintf(r->tmp, sizeof(r->tmp), "%s/motcua-text-XXXXXX", base && *base ? base : "/tmp");
		if (!mkdtemp(r->tmp)) {
			set_reason(r->err, sizeof(r->err), "cannot make a folder for page images: %s",
				   strerror(errno));
			r->tmp[0] = '\0';
			return RUN_FAILED;
		}
	}
	snprintf(pg, sizeof(pg), "%d", page);
	snprintf(w, sizeof(w), "%d", RENDER_W_MAX);
	snprintf(h, sizeof(h), "%d", RENDER_H_MAX);
	snprintf(dpi, sizeof(dpi), "%d", OCR_DPI);
	snprintf(root, sizeof(root), "%s/page", r->tmp);
	snprintf(png, sizeof(png), "%s/page.png", r->tmp);
	buf_init(&none, 4096);
	rc = run(argv, step_deadline(r->deadline, RENDER_TIMEOUT), &none, r->err, sizeof(r->err));
	buf_release(&none);
	if (rc == RUN_OK)
		rc = ocr_image(r, png, OCR_DPI, out);
	unlink(png);
	return rc;
}

/*
 * A PDF: its text layer page by page (pdftotext ends each page with a form feed); a page with
 * (almost) no text is a scan: rendered and recognised, up to DOC_TEXT_OCR_PAGES pages, and the
 * longer of the two readings kept.
 */
static int read_pdf(struct reading *r)
{
	const char *argv[] = { "pdftotext", "-enc", "UTF-8", "-eol", "unix", r->path, "-", NULL };
	struct buf raw, page;
	size_t at = 0;
	int rc, budget = DOC_TEXT_OCR_PAGES, cut;

	buf_init(&raw, DOC_TEXT_MAX);
	buf_init(&page, PAGE_OUT_MAX);
	rc = run(argv, step_deadline(r->deadline, TEXT_TIMEOUT), &raw, r->err, sizeof(r->err));
	if (rc != RUN_OK)
		goto out;
	cut = raw.len == raw.max;
	for (int n = 1; at < raw.len && !buf_err(&r->text); n++) {
		const char *ff = memchr(raw.ptr + at, '\f', raw.len - at);
		size_t len = ff ? (size_t)(ff - (raw.ptr + at)) : raw.len - at;
		size_t letters = count_letters(raw.ptr + at, len);
		/* the last piece of a cut output is a page's beginning, not a page without text */
		int whole = ff || !cut;

		buf_reset(&page);
		if (whole && letters < PAGE_TEXT_MIN && budget > 0) {
			budget--;
			rc = ocr_pdf_page(r, n, &page);
			if (rc != RUN_OK) {
				if (rc == RUN_FAILED) {
					char why[ERROR_MAX];
					snprintf(why, sizeof(why), "%s", r->err);
					set_reason(r->err, sizeof(r->err), "page %d: %s", n, why);
				}
				goto out;
			}
		}
		if (page.len && count_letters(page.ptr, page.len) > letters) {
			r->ocr = 1;
			add_clean(&r->text, page.ptr, page.len);
		} else {
			add_clean(&r->text, raw.ptr + at, len);
		}
		if (r->text.len && r->text.ptr[r->text.len - 1] != '\n')
			buf_addch(&r->text, '\n');
		buf_addch(&r->text, '\n');
		at += len + (ff ? 1 : 0);
	}
	rc = RUN_OK;
out:
	buf_release(&raw);
	buf_release(&page);
	return rc;
}

/* Read the stored file `sha` of type `mime` into r->text: RUN_OK, RUN_FAILED (r->err), RUN_STOPPED. */
static int read_file(const char *data_dir, const char *sha, const char *mime, struct reading *r)
{
	char path[PATH_MAX], abs[PATH_MAX + 4];
	struct stat st;
	int rc;

	if (files_path(data_dir, sha, path, sizeof(path))) {
		set_reason(r->err, sizeof(r->err), "not a stored file name");
		return RUN_FAILED;
	}
	/* a relative data folder starting with '-' would read as an option */
	snprintf(abs, sizeof(abs), "%s%s", path[0] == '/' ? "" : "./", path);
	errno = 0;
	if (stat(abs, &st) || !S_ISREG(st.st_mode)) {
		set_reason(r->err, sizeof(r->err), "the stored file cannot be read: %s",
			   errno ? strerror(errno) : "not a file");
		return RUN_FAILED;
	}
	r->path = abs;
	switch (mime_kind(mime)) {
	case KIND_PDF: rc = read_pdf(r); break;
	case KIND_IMAGE:
		rc = ocr_image(r, abs, 0, &r->text);
		r->ocr = 1;
		break;
	default:
		set_reason(r->err, sizeof(r->err), "nothing is read from type %s", mime);
		rc = RUN_FAILED;
		break;
	}
	if (r->tmp[0]) {
		rmdir(r->tmp);
		r->tmp[0] = '\0';
	}
	r->path = NULL;
	trim_end(&r->text);
	return rc;
}

/* ---- the table ---- */

static int sha_ok(const char *sha)
{
	size_t n = 0;
	if (!sha)
		return 0;
	for (; sha[n]; n++)
		if (!((sha[n] >= '0' && sha[n] <= '9') || (sha[n] >= 'a' && sha[n] <= 'f')))
			return 0;
	return n == 64;
}

int doc_text_request(struct db *db, const char *sha, const char *mime, int64_t now)
{
	int state;
	if (!sha_ok(sha) || !mime || !*mime || strlen(mime) > 127) {
		log_warn("event=doc_text msg=\"not asked for: bad file name or type\"");
		return DB_ERROR;
	}
	assert(db_in_transaction(db));
	state = mime_kind(mime) == KIND_NONE ? DOC_TEXT_NONE : DOC_TEXT_PENDING;
	/* the same file stored for another document (or again) keeps its row: read once */
	return db_exec(db,
		       "INSERT INTO doc_texts (sha, mime, state, method, attempts, requested_at, next_at)"
		       " VALUES (?, ?, ?, '', 0, ?, ?) ON CONFLICT (sha) DO NOTHING",
		       "ssiii", sha, mime, (int64_t)state, now, now);
}

int doc_text_get(struct db *db, struct arena *a, const char *sha, int *state, const char **text,
		 const char **method)
{
	struct db_stmt *st;
	int rc, s;

	if (state)
		*state = 0;
	if (text)
		*text = NULL;
	if (method)
		*method = NULL;
	if (!sha_ok(sha))
		return 1;
	rc = db_query(db, &st, "SELECT state, method, text FROM doc_texts WHERE sha = ?", "s", sha);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return 1;
	s = (int)db_col_int(st, 0);
	if (state)
		*state = s;
	if (method)
		*method = arena_strdup(a, db_col_text(st, 1));
	if (text && s == DOC_TEXT_DONE)
		*text = arena_strdup(a, db_col_is_null(st, 2) ? "" : db_col_text(st, 2));
	while ((rc = db_step(st)) == DB_ROW)
		;
	return rc < 0 ? rc : 0;
}

/* Seconds to wait after the n-th failed attempt: DOC_TEXT_BACKOFF × 4^(n-1). */
static int64_t backoff(int attempts)
{
	int64_t wait = DOC_TEXT_BACKOFF;
	for (int i = 1; i < attempts && wait < 86400; i++)
		wait *= 4;
	return wait;
}

/*
 * A file is claimed with a compare-and-set that counts the attempt and moves next_at to the
 * lease's end, so that of several workers (threads or processes on one database) one only reads
 * it; its outcome is recorded only while the claim holds (sha, lease): worker_update_one().
 */
#define HOLDS " WHERE sha = ? AND state = 1 AND next_at = ?"

/* Claim, read and record one file: 1 worked (done, failed or retried later), 0 someone else's, <0 error. */
static int work_one(struct db *db, const char *data_dir, const char *sha, int64_t seen, int64_t now)
{
	struct reading r = { 0 };
	struct db_stmt *st;
	char mime[128], q[ERROR_MAX * 2 + 8];
	char *folded = NULL;
	int64_t lease = now + DOC_TEXT_LEASE, started = time_mono_us();
	int attempts, res, rc;

	/* the claim */
	rc = worker_update_one(db,
			       "UPDATE doc_texts SET next_at = ?, attempts = attempts + 1"
			       " WHERE sha = ? AND state = 1 AND next_at = ? AND next_at <= ?",
			       "isii", lease, sha, seen, now);
	if (rc <= 0)
		return rc;
	rc = db_query(db, &st, "SELECT mime, attempts FROM doc_texts WHERE sha = ?", "s", sha);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERROR;
	snprintf(mime, sizeof(mime), "%s", db_col_text(st, 0));
	attempts = (int)db_col_int(st, 1);
	while ((rc = db_step(st)) == DB_ROW)
		;
	if (rc < 0)
		return rc;

	buf_init(&r.text, DOC_TEXT_MAX);
	if (attempts > DOC_TEXT_MAX_ATTEMPTS) {
		/* the last attempt was claimed and never recorded: its worker died on it */
		set_reason(r.err, sizeof(r.err), "no outcome recorded for the last attempt");
		attempts--;
		rc = worker_update_one(
			db,
			"UPDATE doc_texts SET state = 3, attempts = attempts - 1, error = ?, done_at = ?" HOLDS,
			"sisi", r.err, now, sha, lease);
		res = RUN_FAILED;
		goto logged;
	}
	r.deadline = time_mono_us() + (int64_t)DOC_TEXT_BUDGET * 1000000;
	res = read_file(data_dir, sha, mime, &r);
	if (res == RUN_OK) {
		size_t n = r.text.len + 1;
		folded = xmalloc(n);
		if (fold_text(r.text.ptr, folded, n) < 0)
			folded[0] = '\0'; /* cannot happen: the text is clean UTF-8 */
		rc = worker_update_one(
			db,
			"UPDATE doc_texts SET state = 2, method = ?, text = ?, folded = ?, error = NULL,"
			" done_at = ?" HOLDS,
			"sssisi", r.ocr ? "ocr" : "pdf", r.text.ptr, folded, now, sha, lease);
	} else if (res == RUN_STOPPED) {
		/* given back as it was: due at once on the next start, this attempt not counted */
		rc = worker_update_one(db, "UPDATE doc_texts SET next_at = ?, attempts = attempts - 1" HOLDS,
				       "isi", now, sha, lease);
	} else if (attempts >= DOC_TEXT_MAX_ATTEMPTS) {
		rc = worker_update_one(db, "UPDATE doc_texts SET state = 3, error = ?, done_at = ?" HOLDS,
				       "sisi", r.err, now, sha, lease);
	} else {
		rc = worker_update_one(db, "UPDATE doc_texts SET next_at = ?, error = ?" HOLDS, "issi",
				       now + backoff(attempts), r.err, sha, lease);
	}
logged:
	if (rc < 0) {
		log_error("event=doc_text sha=%.16s msg=\"cannot record the attempt\" error=%s", sha,
			  log_quote(q, sizeof(q), db_errmsg(db)));
		goto out;
	}
	if (rc == 0)
		log_warn("event=doc_text sha=%.16s msg=\"the claim ran out before the attempt was recorded\"",
			 sha);
	else if (res == RUN_OK)
		log_info("event=doc_text sha=%.16s state=done method=%s bytes=%zu ms=%lld", sha,
			 r.ocr ? "ocr" : "pdf", r.text.len, (long long)((time_mono_us() - started) / 1000));
	else if (res == RUN_STOPPED)
		log_info("event=doc_text sha=%.16s state=pending msg=\"left for the next start\"", sha);
	else if (attempts >= DOC_TEXT_MAX_ATTEMPTS)
		log_warn("event=doc_text sha=%.16s state=failed attempts=%d error=%s", sha, attempts,
			 log_quote(q, sizeof(q), r.err));
	else
		log_warn("event=doc_text sha=%.16s state=pending attempts=%d retry_in=%llds error=%s", sha,
			 attempts, (long long)backoff(attempts), log_quote(q, sizeof(q), r.err));
	rc = 1;
out:
	free(folded);
	buf_release(&r.text);
	return rc;
}

/*
 * Work the oldest due file; with `live` the claim takes the clock at the time it is made
 * (the thread), else `now` (tests). 1 one worked, 0 none due (or all taken by others), <0 error.
 */
static int run_round(struct db *db, const char *data_dir, int64_t now, int live)
{
	char shas[CANDIDATES][65];
	int64_t seen[CANDIDATES];
	struct db_stmt *st;
	int n = 0, rc;

	rc = db_query(db, &st,
		      "SELECT sha, next_at FROM doc_texts WHERE state = 1 AND next_at <= ?"
		      " ORDER BY requested_at, sha LIMIT 8", /* CANDIDATES */
		      "i", now);
	for (; rc == DB_ROW; rc = db_step(st)) {
		if (n < CANDIDATES) {
			snprintf(shas[n], sizeof(shas[n]), "%s", db_col_text(st, 0));
			seen[n] = db_col_int(st, 1);
			n++;
		}
	}
	if (rc < 0)
		return rc;
	for (int i = 0; i < n && !worker_stopping(&worker); i++) {
		int64_t t = live && now_s() > now ? now_s() : now;
		rc = work_one(db, data_dir, shas[i], seen[i], t);
		if (rc)
			return rc;
	}
	return 0;
}

int doc_text_run_one(struct db *db, const char *data_dir, int64_t now)
{
	return run_round(db, data_dir, now, 0);
}

/* ---- the worker thread ---- */

static char *worker_data_dir; /* the thread's: a copy, owned */
static int tools_checked;     /* the thread's: check_tools() ran since the start */

/* Say once at start what will not work: a missing program or Tesseract without Vietnamese. */
static void check_tools(void)
{
	static const char *const probes[][3] = {
		{ "pdftotext", "-v", NULL },
		{ "pdftoppm", "-v", NULL },
	};
	const char *langs[] = { "tesseract", "--list-langs", NULL };
	char err[ERROR_MAX], q[ERROR_MAX * 2 + 8];
	struct buf out;

	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		buf_init(&out, 4096);
		if (run((const char *const *)probes[i], time_mono_us() + 10 * 1000000, &out, err,
			sizeof(err)) == RUN_FAILED)
			log_error(
				"event=doc_text msg=\"PDF text cannot be read (Debian poppler-utils)\" error=%s",
				log_quote(q, sizeof(q), err));
		buf_release(&out);
	}
	buf_init(&out, 64 * 1024);
	if (run(langs, time_mono_us() + 10 * 1000000, &out, err, sizeof(err)) == RUN_FAILED)
		log_error("event=doc_text msg=\"scans cannot be read (Debian tesseract-ocr)\" error=%s",
			  log_quote(q, sizeof(q), err));
	else if (!strstr(out.ptr, "\nvie\n") && strncmp(out.ptr, "vie\n", 4))
		log_error("event=doc_text msg=\"Tesseract has no Vietnamese: scans cannot be read (Debian "
			  "tesseract-ocr-vie)\"");
	buf_release(&out);
}

/* One file at most, then at once the next pass: more may be waiting. */
static int text_pass(void *arg, struct db *db)
{
	int rc;

	if (!tools_checked) {
		check_tools();
		tools_checked = 1;
	}
	rc = run_round(db, arg, now_s(), 1);
	return rc < 0 ? rc : rc > 0 ? 0 : DOC_TEXT_POLL;
}

int doc_text_start(const char *db_url, const char *data_dir)
{
	if (!db_url || !data_dir || !*data_dir) {
		log_error("event=config msg=\"the text worker needs a database and a data folder\"");
		return -1;
	}
	if (worker_data_dir)
		BUG("doc_text_start called twice");
	worker_data_dir = xstrdup(data_dir);
	tools_checked = 0;
	if (worker_start(&worker, db_url, worker_data_dir)) {
		free(worker_data_dir);
		worker_data_dir = NULL;
		return -1;
	}
	log_info("event=doc_text msg=\"text worker started\"");
	return 0;
}

void doc_text_wake(void)
{
	worker_wake(&worker);
}

void doc_text_stop(void)
{
	if (!worker_stop(&worker))
		return;
	free(worker_data_dir);
	worker_data_dir = NULL;
	log_info("event=doc_text msg=\"text worker stopped\"");
}
