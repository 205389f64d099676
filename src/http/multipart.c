/* multipart.c: a streaming multipart/form-data parser (RFC 7578, RFC 2046 section 5.1). */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/types.h>
#include "http/multipart.h"
#include "http/parse.h"
#include "core/arena.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "core/banned.h"

#define MP_BOUNDARY_MAX 70   /* RFC 2046 section 5.1.1 */
#define MP_HEADER_MAX	8192 /* bytes in one part's header block, CRLFs included */
#define MP_CTYPE_MAX	1024 /* bytes of the request's Content-Type looked at */
#define MP_OPEN_TRIES	16

/*
 * The body is read as a stream of states. The data states (preamble, part
 * body) look for the delimiter "CRLF--boundary" and hold back the bytes that
 * may be its start; the others go one byte at a time and are short.
 */
enum mp_state {
	MP_S_PREAMBLE,	/* before the first delimiter: ignored */
	MP_S_DELIM,	/* just after a delimiter: "--", padding or CRLF follows */
	MP_S_CLOSE,	/* "-" after a delimiter: the second "-" must follow */
	MP_S_PAD,	/* transport padding (spaces, tabs) before the CRLF */
	MP_S_PAD_CR,	/* CR ending the delimiter line */
	MP_S_HEADER,	/* a part's header lines */
	MP_S_HEADER_CR, /* CR ending a header line */
	MP_S_BODY,	/* a part's content */
	MP_S_EPILOGUE,	/* after the close delimiter: ignored */
};

/* A spool file; `up` comes first so the public list links these. */
struct mp_file {
	struct upload up;
	int fd;
};

struct multipart {
	struct arena *a;
	struct multipart_limits lim;
	const char *spool_dir;
	char delim[4 + MP_BOUNDARY_MAX]; /* "\r\n--" boundary */
	size_t dlen;
	size_t match; /* bytes of delim matched, held back from the data */
	enum mp_state state;
	int err;      /* sticky: the first error */
	int finished; /* multipart_finish() returned MP_OK */
	int freed;
	size_t total;
	size_t nparts;

	/* the header block of the current part */
	char *line;
	size_t line_len;
	size_t hdr_len;
	int has_cd;
	const char *name;
	const char *filename;
	const char *ctype;

	/* the text field being read: arena memory reused from field to field */
	char *fbuf;
	size_t flen;
	size_t fcap;

	struct mp_file *cur;  /* the file being written, or NULL for a text field */
	struct upload *files; /* every spool file created, in order */
	struct upload **files_tail;
	struct kvlist fields;
};

/* A slice of header text, consumed from the front. */
struct slice {
	const char *p;
	size_t len;
};

static void sl_skip(struct slice *s, size_t n)
{
	s->p += n;
	s->len -= n;
}

static void sl_skip_ows(struct slice *s)
{
	while (s->len && (s->p[0] == ' ' || s->p[0] == '\t'))
		sl_skip(s, 1);
}

static int sl_eat(struct slice *s, char c)
{
	if (!s->len || s->p[0] != c)
		return 0;
	sl_skip(s, 1);
	return 1;
}

/* RFC 9110 tchar */
static int is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return 1;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int is_ctl(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

/* Take a non-empty token from the front of `s`. */
static int sl_token(struct slice *s, struct slice *tok)
{
	size_t n = 0;

	while (n < s->len && is_tchar((unsigned char)s->p[n]))
		n++;
	if (!n)
		return -1;
	tok->p = s->p;
	tok->len = n;
	sl_skip(s, n);
	return 0;
}

/* Case-insensitive comparison of a slice with a lowercase ASCII literal. */
static int sl_ieq(struct slice s, const char *lit)
{
	size_t i;

	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (!lit[i] || c != (unsigned char)lit[i])
			return 0;
	}
	return lit[i] == '\0';
}

/*
 * Take a quoted-string from the front of `s` (which starts with '"'). The
 * unescaped length goes to *n and, when `dst` is given, the bytes that fit
 * in `cap` to dst. Strictly (RFC 9110) a backslash escapes any byte. The
 * lenient form, for Content-Disposition, unescapes only \" and \\: browsers
 * do not escape backslashes, and an old client's "C:\dir\file.txt" must keep
 * them so the base name can be found.
 */
static int sl_quoted(struct slice *s, int lenient, char *dst, size_t cap, size_t *n)
{
	size_t i = 1;

	*n = 0;
	while (i < s->len) {
		unsigned char c = (unsigned char)s->p[i];

		if (c == '"') {
			sl_skip(s, i + 1);
			return 0;
		}
		if (c == '\\' && i + 1 < s->len) {
			unsigned char e = (unsigned char)s->p[i + 1];

			if (!lenient || e == '"' || e == '\\') {
				c = e;
				i++;
			}
		} else if (c == '\\' && !lenient) {
			return -1;
		}
		if (is_ctl(c))
			return -1;
		if (dst && *n < cap)
			dst[*n] = (char)c;
		(*n)++;
		i++;
	}
	return -1;
}

/* RFC 2046 bchars */
static int is_bchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return 1;
	return c && strchr("'()+_,-./:=? ", c) != NULL;
}

/*
 * Find the boundary in a Content-Type header value:
 * multipart/form-data; boundary=value, the value a token or quoted-string.
 */
static int mp_boundary(const char *ct, char *out, size_t *outlen)
{
	struct slice s = { ct, strnlen(ct, MP_CTYPE_MAX + 1) }, type, sub, pname;
	int found = 0;
	size_t i, n;

	if (s.len > MP_CTYPE_MAX)
		return -1;
	sl_skip_ows(&s);
	if (sl_token(&s, &type) < 0 || !sl_eat(&s, '/') || sl_token(&s, &sub) < 0)
		return -1;
	if (!sl_ieq(type, "multipart") || !sl_ieq(sub, "form-data"))
		return -1;
	for (;;) {
		int is_boundary;

		sl_skip_ows(&s);
		if (!s.len)
			break;
		if (!sl_eat(&s, ';'))
			return -1;
		sl_skip_ows(&s);
		if (!s.len)
			break;
		if (sl_token(&s, &pname) < 0)
			return -1;
		sl_skip_ows(&s);
		if (!sl_eat(&s, '='))
			return -1;
		sl_skip_ows(&s);
		is_boundary = sl_ieq(pname, "boundary");
		if (is_boundary && found)
			return -1; /* two boundaries: trust neither */
		if (s.len && s.p[0] == '"') {
			if (sl_quoted(&s, 0, is_boundary ? out : NULL, MP_BOUNDARY_MAX, &n) < 0)
				return -1;
		} else {
			/* lenient: some clients send "boundary==_part" unquoted */
			for (n = 0; n < s.len && s.p[n] != ';' && s.p[n] != ' ' && s.p[n] != '\t'; n++)
				;
			if (is_boundary && n <= MP_BOUNDARY_MAX)
				memcpy(out, s.p, n);
			sl_skip(&s, n);
		}
		if (is_boundary) {
			found = 1;
			*outlen = n;
		}
	}
	if (!found || !*outlen || *outlen > MP_BOUNDARY_MAX || out[*outlen - 1] == ' ')
		return -1;
	for (i = 0; i < *outlen; i++)
		if (!is_bchar((unsigned char)out[i]))
			return -1;
	return 0;
}

struct multipart *multipart_new(const char *content_type, const char *spool_dir,
				const struct multipart_limits *lim, struct arena *a, int *err)
{
	struct multipart *mp = NULL;
	char boundary[MP_BOUNDARY_MAX];
	size_t blen = 0;
	int rc = MP_OK;

	assert(spool_dir && lim && a);
	if (!content_type || mp_boundary(content_type, boundary, &blen) < 0) {
		rc = MP_EBOUNDARY;
		goto out;
	}
	mp = arena_calloc(a, 1, sizeof(*mp));
	mp->a = a;
	mp->lim = *lim;
	mp->spool_dir = arena_strdup(a, spool_dir);
	memcpy(mp->delim, "\r\n--", 4);
	memcpy(mp->delim + 4, boundary, blen);
	mp->dlen = 4 + blen;
	/* the body may open with "--boundary": act as if a CRLF came first */
	mp->match = 2;
	mp->state = MP_S_PREAMBLE;
	mp->line = arena_alloc(a, MP_HEADER_MAX);
	mp->files_tail = &mp->files;
	kvlist_init(&mp->fields);
out:
	if (err)
		*err = rc;
	return mp;
}

static int mp_random(void *p, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = getrandom((char *)p + got, n - got, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

/* Create the spool file for the current part: a fresh random name, never an existing file. */
static int mp_file_open(struct multipart *mp, const char *filename)
{
	static const char hexdig[] = "0123456789abcdef";
	unsigned char rnd[16];
	char hex[2 * sizeof(rnd) + 1];
	struct mp_file *f;
	int tries;

	for (tries = 0; tries < MP_OPEN_TRIES; tries++) {
		char *path;
		size_t i;
		int fd;

		if (mp_random(rnd, sizeof(rnd)) < 0)
			return MP_EIO;
		for (i = 0; i < sizeof(rnd); i++) {
			hex[2 * i] = hexdig[rnd[i] >> 4];
			hex[2 * i + 1] = hexdig[rnd[i] & 15];
		}
		hex[2 * sizeof(rnd)] = '\0';
		path = arena_printf(mp->a, "%s/upload-%s", mp->spool_dir, hex);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			if (errno == EEXIST || errno == EINTR)
				continue;
			return MP_EIO;
		}
		f = arena_calloc(mp->a, 1, sizeof(*f));
		f->fd = fd;
		f->up.field = mp->name;
		f->up.filename = filename;
		f->up.content_type = mp->ctype ? mp->ctype : "application/octet-stream";
		f->up.path = path;
		f->up.size = 0;
		f->up.next = NULL;
		*mp->files_tail = &f->up;
		mp->files_tail = &f->up.next;
		mp->cur = f;
		return MP_OK;
	}
	return MP_EIO;
}

/* The client's file name without any directory, Unix or Windows; "." and ".." become "". */
static const char *mp_basename(const char *name)
{
	const char *p, *base = name;

	for (p = name; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	if (!strcmp(base, ".") || !strcmp(base, ".."))
		return "";
	return base;
}

/* Content-Disposition: form-data; name="field"; filename="file.txt" */
static int mp_disposition(struct multipart *mp, struct slice s)
{
	struct slice type, pname;

	if (sl_token(&s, &type) < 0 || !sl_ieq(type, "form-data"))
		return MP_ESYNTAX;
	for (;;) {
		const char **dst = NULL;
		char *val;
		size_t n;

		sl_skip_ows(&s);
		if (!s.len)
			break;
		if (!sl_eat(&s, ';'))
			return MP_ESYNTAX;
		sl_skip_ows(&s);
		if (!s.len)
			break;
		if (sl_token(&s, &pname) < 0)
			return MP_ESYNTAX;
		sl_skip_ows(&s);
		if (!sl_eat(&s, '='))
			return MP_ESYNTAX;
		sl_skip_ows(&s);
		if (s.len && s.p[0] == '"') {
			struct slice probe = s;

			if (sl_quoted(&probe, 1, NULL, 0, &n) < 0)
				return MP_ESYNTAX;
			val = arena_alloc(mp->a, st_add(n, 1));
			sl_quoted(&s, 1, val, n, &n);
			val[n] = '\0';
		} else {
			size_t end, len;

			for (end = 0; end < s.len && s.p[end] != ';' && s.p[end] != '"'; end++)
				;
			for (len = end; len && (s.p[len - 1] == ' ' || s.p[len - 1] == '\t'); len--)
				;
			if (!len)
				return MP_ESYNTAX;
			val = arena_strndup(mp->a, s.p, len);
			sl_skip(&s, end);
		}
		/* RFC 7578 4.2: filename* is not to be used; it is ignored like any other */
		if (sl_ieq(pname, "name"))
			dst = &mp->name;
		else if (sl_ieq(pname, "filename"))
			dst = &mp->filename;
		if (dst) {
			if (*dst)
				return MP_ESYNTAX;
			*dst = val;
		}
	}
	return MP_OK;
}

static int mp_header_line(struct multipart *mp)
{
	struct slice s = { mp->line, mp->line_len }, name;
	size_t i;

	/* no obs-fold, no space before the colon (RFC 9112 5.1 and 5.2) */
	if (sl_token(&s, &name) < 0 || !sl_eat(&s, ':'))
		return MP_ESYNTAX;
	sl_skip_ows(&s);
	while (s.len && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t'))
		s.len--;
	for (i = 0; i < s.len; i++)
		if (is_ctl((unsigned char)s.p[i]))
			return MP_ESYNTAX;
	/* names, file names and types reach the application: all must be UTF-8 */
	if (!utf8_valid(s.p, s.len))
		return MP_EUTF8;
	if (sl_ieq(name, "content-disposition")) {
		if (mp->has_cd)
			return MP_ESYNTAX;
		mp->has_cd = 1;
		return mp_disposition(mp, s);
	}
	if (sl_ieq(name, "content-type")) {
		if (mp->ctype || !s.len)
			return MP_ESYNTAX;
		mp->ctype = arena_strndup(mp->a, s.p, s.len);
	}
	return MP_OK;
}

/* The header block has ended: check it and get ready for the content. */
static int mp_part_begin(struct multipart *mp)
{
	if (!mp->has_cd || !mp->name)
		return MP_ESYNTAX;
	mp->flen = 0;
	mp->cur = NULL;
	if (mp->filename)
		return mp_file_open(mp, mp_basename(mp->filename));
	return MP_OK;
}

/* Text fields: UTF-8, no control bytes but tab, CR and LF (a textarea sends CRLF). */
static int mp_text_valid(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f)
			return 0;
	}
	return utf8_valid(s, n);
}

static int mp_part_end(struct multipart *mp)
{
	struct mp_file *f = mp->cur;
	int rc = MP_OK;

	if (f) {
		/* the data is on disk before the request is acted on */
		if (fsync(f->fd) < 0)
			rc = MP_EIO;
		if (close(f->fd) < 0 && rc == MP_OK)
			rc = MP_EIO;
		f->fd = -1;
		mp->cur = NULL;
		goto out;
	}
	if (!mp_text_valid(mp->fbuf, mp->flen)) {
		rc = MP_EUTF8;
		goto out;
	}
	kvlist_add(&mp->fields, mp->a, mp->name, arena_strndup(mp->a, mp->flen ? mp->fbuf : "", mp->flen),
		   mp->flen);
out:
	return rc;
}

static int mp_field_add(struct multipart *mp, const char *p, size_t n)
{
	size_t need;

	if (n > mp->lim.max_field - mp->flen)
		return MP_ETOOBIG;
	need = mp->flen + n;
	if (need > mp->fcap) {
		size_t cap = mp->fcap ? mp->fcap : 256;
		char *nb;

		while (cap < need)
			cap = st_mult(cap, 2);
		if (cap > mp->lim.max_field)
			cap = mp->lim.max_field;
		nb = arena_alloc(mp->a, cap);
		if (mp->flen)
			memcpy(nb, mp->fbuf, mp->flen);
		mp->fbuf = nb;
		mp->fcap = cap;
	}
	memcpy(mp->fbuf + mp->flen, p, n);
	mp->flen = need;
	return MP_OK;
}

static int mp_file_write(struct multipart *mp, const char *p, size_t n)
{
	struct mp_file *f = mp->cur;

	if (n > mp->lim.max_file - f->up.size)
		return MP_ETOOBIG;
	while (n) {
		ssize_t w = write(f->fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return MP_EIO;
		}
		p += w;
		n -= (size_t)w;
		f->up.size += (size_t)w;
	}
	return MP_OK;
}

/* Content bytes: the preamble's are dropped, a part's are kept. */
static int mp_emit(struct multipart *mp, const char *p, size_t n)
{
	if (!n || mp->state != MP_S_BODY)
		return MP_OK;
	if (mp->cur)
		return mp_file_write(mp, p, n);
	return mp_field_add(mp, p, n);
}

/*
 * Read data up to the next delimiter, which may be split across calls. Only
 * delim[0] is a CR (boundaries hold no CR), so after a failed partial match
 * the held-back bytes are all data and the search restarts at the current
 * byte.
 */
static int mp_scan(struct multipart *mp, const char *data, size_t len, size_t *pos)
{
	size_t i = *pos;
	int rc = MP_OK;

	while (i < len) {
		if (!mp->match) {
			const char *cr = memchr(data + i, '\r', len - i);
			size_t end = cr ? (size_t)(cr - data) : len;

			rc = mp_emit(mp, data + i, end - i);
			if (rc < 0)
				goto out;
			i = end;
			if (!cr)
				break;
			mp->match = 1;
			i++;
			continue;
		}
		if (data[i] == mp->delim[mp->match]) {
			i++;
			if (++mp->match == mp->dlen) {
				mp->match = 0;
				if (mp->state == MP_S_BODY) {
					rc = mp_part_end(mp);
					if (rc < 0)
						goto out;
				}
				mp->state = MP_S_DELIM;
				break;
			}
			continue;
		}
		rc = mp_emit(mp, mp->delim, mp->match);
		if (rc < 0)
			goto out;
		mp->match = 0;
	}
out:
	*pos = i;
	return rc;
}

static int mp_header_byte(struct multipart *mp, unsigned char c)
{
	int rc;

	if (++mp->hdr_len > MP_HEADER_MAX)
		return MP_ETOOBIG;
	if (mp->state == MP_S_HEADER) {
		if (c == '\r')
			mp->state = MP_S_HEADER_CR;
		else if (c == '\n')
			return MP_ESYNTAX;
		else
			mp->line[mp->line_len++] = (char)c;
		return MP_OK;
	}
	if (c != '\n')
		return MP_ESYNTAX;
	mp->state = MP_S_HEADER;
	if (mp->line_len) {
		rc = mp_header_line(mp);
		mp->line_len = 0;
		return rc;
	}
	rc = mp_part_begin(mp);
	if (rc < 0)
		return rc;
	mp->state = MP_S_BODY;
	mp->match = 0;
	return MP_OK;
}

/* One byte in a state between the data states. */
static int mp_step(struct multipart *mp, unsigned char c)
{
	switch (mp->state) {
	case MP_S_DELIM:
	case MP_S_PAD:
		if (c == '-' && mp->state == MP_S_DELIM)
			mp->state = MP_S_CLOSE;
		else if (c == ' ' || c == '\t')
			mp->state = MP_S_PAD;
		else if (c == '\r')
			mp->state = MP_S_PAD_CR;
		else
			return MP_ESYNTAX;
		return MP_OK;
	case MP_S_CLOSE:
		if (c != '-')
			return MP_ESYNTAX;
		mp->state = MP_S_EPILOGUE;
		return MP_OK;
	case MP_S_PAD_CR:
		if (c != '\n')
			return MP_ESYNTAX;
		if (mp->nparts >= mp->lim.max_parts)
			return MP_ETOOBIG;
		mp->nparts++;
		mp->line_len = 0;
		mp->hdr_len = 0;
		mp->has_cd = 0;
		mp->name = NULL;
		mp->filename = NULL;
		mp->ctype = NULL;
		mp->state = MP_S_HEADER;
		return MP_OK;
	case MP_S_HEADER:
	case MP_S_HEADER_CR: return mp_header_byte(mp, c);
	case MP_S_PREAMBLE:
	case MP_S_BODY:
	case MP_S_EPILOGUE: break;
	}
	BUG("multipart: byte step in a data state");
}

int multipart_feed(struct multipart *mp, const char *data, size_t len)
{
	size_t i = 0;
	int rc = MP_OK;

	if (mp->freed)
		BUG("multipart_feed after multipart_free");
	if (mp->err)
		return mp->err;
	if (len > mp->lim.max_total - mp->total) {
		rc = MP_ETOOBIG;
		goto out;
	}
	mp->total += len;
	while (i < len && rc == MP_OK) {
		switch (mp->state) {
		case MP_S_PREAMBLE:
		case MP_S_BODY: rc = mp_scan(mp, data, len, &i); break;
		case MP_S_EPILOGUE: i = len; break;
		default: rc = mp_step(mp, (unsigned char)data[i++]); break;
		}
	}
out:
	if (rc < 0)
		mp->err = rc;
	return rc;
}

int multipart_finish(struct multipart *mp, struct kvlist *fields, struct upload **files)
{
	int rc = mp->err;

	if (fields)
		kvlist_init(fields);
	if (files)
		*files = NULL;
	if (rc == MP_OK && mp->state != MP_S_EPILOGUE)
		rc = MP_ETRUNC;
	if (rc < 0) {
		mp->err = rc;
		goto out;
	}
	mp->finished = 1;
	if (fields)
		*fields = mp->fields;
	if (files)
		*files = mp->files;
out:
	return rc;
}

void multipart_free(struct multipart *mp, int keep)
{
	struct upload *u;

	if (!mp || mp->freed)
		return;
	mp->freed = 1;
	for (u = mp->files; u; u = u->next) {
		struct mp_file *f = (struct mp_file *)u;

		if (f->fd >= 0) {
			close(f->fd);
			f->fd = -1;
		}
		/* files nobody was handed never stay behind */
		if (!keep || !mp->finished)
			unlink(u->path);
	}
}

const char *multipart_strerror(int err)
{
	switch (err) {
	case MP_OK: return "success";
	case MP_ESYNTAX: return "malformed multipart body";
	case MP_ETOOBIG: return "multipart body over a size limit";
	case MP_ETRUNC: return "multipart body ended early";
	case MP_EIO: return "upload could not be saved";
	case MP_EUTF8: return "form field is not valid UTF-8 text";
	case MP_EBOUNDARY: return "no usable multipart boundary";
	}
	return "unknown multipart error";
}
