/* template.c: mustache templates parsed once to a flat node list, rendered from jansson values. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "web/template.h"
#include "core/xalloc.h"
#include "core/banned.h"

/*
 * Parsing runs in passes over a token list: lexing (text cut at line ends,
 * tags read with the current delimiters), the standalone-line rule,
 * matching of open and close tags, the whitespace rules of inheritance,
 * then emission of nodes. A node with a body (section, parent, block) is
 * followed by its body and records the index just past it.
 *
 * Rendering walks the nodes with the context stack, the indentation of
 * enclosing standalone partials and the chain of block overrides all
 * kept on the C stack: it allocates nothing but output.
 *
 * Indentation: a MARK node stands at the start of every template line that
 * has output; it writes the indentation of the enclosing standalone
 * partials, parents and reindented blocks. Data is never indented.
 */

#define TMPL_MAX_SIZE	     ((size_t)4 << 20) /* bytes of template source */
#define TMPL_MAX_NAME	     256	       /* bytes of a tag name */
#define TMPL_MAX_NEST	     64		       /* sections open at once in a template */
#define TMPL_MAX_DEPTH	     64		       /* partial, parent and override expansions */
#define TMPL_MAX_RENDER_NEST 1024	       /* render recursion of any kind */
#ifndef TMPL_MAX_STEPS
#define TMPL_MAX_STEPS ((unsigned long)1 << 22) /* nodes visited by one render */
#endif
#define NONE UINT32_MAX

enum node_type {
	NODE_TEXT,
	NODE_MARK,
	NODE_VAR,
	NODE_SECTION,
	NODE_INVERTED,
	NODE_PARTIAL,
	NODE_PARENT,
	NODE_BLOCK,
};

enum node_flags {
	NODE_ESCAPE = 1 << 0,	  /* var: HTML-escape the value */
	NODE_DYNAMIC = 1 << 1,	  /* partial, parent: the name is looked up in the context */
	NODE_STANDALONE = 1 << 2, /* partial, parent: indent its lines with off/len */
	NODE_REINDENT = 1 << 3,	  /* block: indent the lines of an override with off/len */
	NODE_SKIP_FIRST = 1 << 4, /* block: the first line of an override is already indented */
};

/*
 * `name` is a pool offset: a NUL-terminated string for partials, parents
 * and blocks; `nseg` NUL-terminated segments of a dotted name for
 * variables, sections and dynamic names (0 segments: the name ".").
 * `off`/`len` is text for TEXT and an indentation for the others.
 */
struct node {
	unsigned char type;
	unsigned char flags;
	uint16_t nseg;
	uint32_t name;
	uint32_t off;
	uint32_t len;
	uint32_t end;
};

struct tmpl {
	char *name;
	size_t name_len;
	char *pool;
	struct node *nodes;
	uint32_t nnodes;
};

struct tmpl_set {
	struct tmpl **slot;
	size_t cap; /* 0 or a power of two, at most half full */
	size_t count;
	tmpl_translate_fn tr;
	void *tr_ctx;
};

/* ---- parsing ---- */

enum tok_type {
	TOK_TEXT,
	TOK_VAR,
	TOK_RAW,
	TOK_SECTION,
	TOK_INVERTED,
	TOK_CLOSE,
	TOK_PARTIAL,
	TOK_PARENT,
	TOK_BLOCK,
	TOK_COMMENT,
	TOK_DELIM,
};

struct tok {
	unsigned char type;
	unsigned char bol;	  /* first token of its line */
	unsigned char blank;	  /* text of blanks and at most a line ending */
	unsigned char dead;	  /* text dropped by a standalone rule */
	unsigned char standalone; /* tag whose line (or pair of lines) renders nothing itself */
	unsigned char dynamic;	  /* name written {{>*name}} */
	unsigned char lclear;	  /* only blank text before it on its line */
	unsigned char rclear;	  /* only blank text after it on its line */
	unsigned char flags;	  /* block: NODE_REINDENT, NODE_SKIP_FIRST */
	uint32_t off, len;	  /* text, or the name of a tag */
	uint32_t ind, ind_len;	  /* indentation of a partial, parent or block */
	uint32_t intr, intr_len;  /* argument block: intrinsic indentation */
	uint32_t line;
	uint32_t lfirst, llast; /* first and last token of its line */
	uint32_t match;		/* open tag <-> its close tag */
	uint32_t up;		/* innermost enclosing open tag */
};

struct parser {
	const char *name;
	const char *src;
	size_t len;
	tmpl_translate_fn tr;
	void *tr_ctx;
	struct tok *tok;
	uint32_t ntok, atok;
	struct node *node;
	uint32_t nnode, anode;
	struct buf pool;
	struct buf err;
};

static int parse_error(struct parser *p, uint32_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int parse_error(struct parser *p, uint32_t line, const char *fmt, ...)
{
	va_list ap;

	if (p->err.len)
		return -1;
	buf_addf(&p->err, "%s:%lu: ", p->name, (unsigned long)line);
	va_start(ap, fmt);
	buf_vaddf(&p->err, fmt, ap);
	va_end(ap);
	return -1;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Blanks, then nothing, "\n" or "\r\n". */
static int is_blank(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == len)
		return 1;
	if (s[i] == '\n')
		return i + 1 == len;
	return s[i] == '\r' && i + 2 == len && s[i + 1] == '\n';
}

static int is_eol(const char *s, size_t len)
{
	return (len == 1 && s[0] == '\n') || (len == 2 && s[0] == '\r' && s[1] == '\n');
}

static uint32_t lead_blanks(const char *s, size_t len)
{
	uint32_t i = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* Index of `pat` in s[from..len), or SIZE_MAX. */
static size_t find(const char *s, size_t len, size_t from, const char *pat, size_t plen)
{
	while (from < len && plen <= len - from) {
		const char *c = memchr(s + from, pat[0], len - from - plen + 1);
		if (!c)
			break;
		from = (size_t)(c - s);
		if (!memcmp(c, pat, plen))
			return from;
		from++;
	}
	return SIZE_MAX;
}

static void trim(const char *s, size_t *a, size_t *b)
{
	while (*a < *b && is_space(s[*a]))
		(*a)++;
	while (*b > *a && is_space(s[*b - 1]))
		(*b)--;
}

static struct tok *tok_add(struct parser *p, int type, uint32_t line, int bol)
{
	struct tok *t;

	if (p->ntok == p->atok) {
		p->atok = p->atok ? (uint32_t)st_mult(p->atok, 2) : 64;
		p->tok = xrealloc(p->tok, st_mult(p->atok, sizeof(*p->tok)));
	}
	t = &p->tok[p->ntok++];
	memset(t, 0, sizeof(*t));
	t->type = (unsigned char)type;
	t->line = line;
	t->bol = (unsigned char)bol;
	t->match = NONE;
	t->up = NONE;
	return t;
}

/* The {{=<% %>=}} tag: content is s[a..b) without the braces. */
static int parse_delims(struct parser *p, size_t a, size_t b, uint32_t line, const char **otag, size_t *olen,
			const char **ctag, size_t *clen)
{
	const char *s = p->src;
	size_t m, n, i;

	if (b - a < 2 || s[b - 1] != '=')
		return parse_error(p, line, "bad delimiter tag");
	a++;
	b--;
	trim(s, &a, &b);
	for (m = a; m < b && !is_space(s[m]); m++)
		;
	for (n = m; n < b && is_space(s[n]); n++)
		;
	if (m == a || n == b)
		return parse_error(p, line, "bad delimiter tag");
	for (i = a; i < b; i++)
		if (s[i] == '=' || (i >= n && is_space(s[i])))
			return parse_error(p, line, "bad delimiter tag");
	*otag = s + a;
	*olen = m - a;
	*ctag = s + n;
	*clen = b - n;
	return 0;
}

/* A tag name: no blanks, no NUL; dotted names have no empty segment. */
static int check_name(struct parser *p, int type, size_t a, size_t b, uint32_t line)
{
	const char *s = p->src;
	int dotted = type == TOK_VAR || type == TOK_RAW || type == TOK_SECTION || type == TOK_INVERTED;
	size_t i;

	if (a == b)
		return parse_error(p, line, "empty tag name");
	if (b - a > TMPL_MAX_NAME)
		return parse_error(p, line, "tag name too long");
	for (i = a; i < b; i++)
		if (is_space(s[i]) || !s[i])
			return parse_error(p, line, "bad tag name \"%.*s\"", (int)(b - a), s + a);
	if (!dotted || (b - a == 1 && s[a] == '.'))
		return 0;
	for (i = a; i < b; i++)
		if (s[i] == '.' && (i == a || i == b - 1 || s[i + 1] == '.'))
			return parse_error(p, line, "bad name \"%.*s\"", (int)(b - a), s + a);
	return 0;
}

static int lex(struct parser *p)
{
	const char *src = p->src;
	size_t len = p->len, pos = 0;
	const char *otag = "{{", *ctag = "}}";
	size_t olen = 2, clen = 2;
	uint32_t line = 1;
	int bol = 1;

	while (pos < len) {
		size_t open = find(src, len, pos, otag, olen);
		size_t stop = open == SIZE_MAX ? len : open;
		size_t start, a, b, k, next, i;
		uint32_t tline;
		int type;
		struct tok *t;

		while (pos < stop) {
			const char *nl = memchr(src + pos, '\n', stop - pos);
			size_t end = nl ? (size_t)(nl - src) + 1 : stop;

			t = tok_add(p, TOK_TEXT, line, bol);
			t->off = (uint32_t)pos;
			t->len = (uint32_t)(end - pos);
			t->blank = (unsigned char)is_blank(src + pos, end - pos);
			bol = nl != NULL;
			line += nl != NULL;
			pos = end;
		}
		if (open == SIZE_MAX)
			break;
		tline = line;
		start = open + olen;
		if (start < len && src[start] == '{') {
			/* {{{name}}}: the tag ends at "}" and the closing delimiter */
			size_t from = start + 1;

			for (;;) {
				k = find(src, len, from, ctag, clen);
				if (k == SIZE_MAX || (k >= start + 2 && src[k - 1] == '}'))
					break;
				from = k + 1;
			}
			if (k == SIZE_MAX)
				return parse_error(p, tline, "unclosed tag");
			type = TOK_RAW;
			a = start + 1;
			b = k - 1;
		} else if (start < len && src[start] == '=') {
			/* {{=<% %>=}}: the new delimiters may contain the old closing one */
			const char *eq = memchr(src + start + 1, '=', len - start - 1);

			if (!eq)
				return parse_error(p, tline, "bad delimiter tag");
			k = (size_t)(eq - src) + 1;
			while (k < len && is_space(src[k]))
				k++;
			if (clen > len - k || memcmp(src + k, ctag, clen))
				return parse_error(p, tline, "bad delimiter tag");
			type = TOK_DELIM;
			a = start + 1;
			b = (size_t)(eq - src) + 1;
		} else {
			k = find(src, len, start, ctag, clen);
			if (k == SIZE_MAX)
				return parse_error(p, tline, "unclosed tag");
			a = start;
			b = k;
			if (a == b)
				return parse_error(p, tline, "empty tag");
			switch (src[a]) {
			case '#': type = TOK_SECTION; break;
			case '^': type = TOK_INVERTED; break;
			case '/': type = TOK_CLOSE; break;
			case '>': type = TOK_PARTIAL; break;
			case '<': type = TOK_PARENT; break;
			case '$': type = TOK_BLOCK; break;
			case '&': type = TOK_RAW; break;
			case '!': type = TOK_COMMENT; break;
			default: type = TOK_VAR; break;
			}
			if (type != TOK_VAR)
				a++;
		}
		next = k + clen;
		for (i = open; i < next; i++)
			line += src[i] == '\n';

		t = tok_add(p, type, tline, bol);
		bol = 0;
		pos = next;
		if (type == TOK_COMMENT)
			continue;
		if (type == TOK_DELIM) {
			if (parse_delims(p, a - 1, b, tline, &otag, &olen, &ctag, &clen) < 0)
				return -1;
			continue;
		}
		trim(src, &a, &b);
		if ((type == TOK_PARTIAL || type == TOK_PARENT || type == TOK_CLOSE) && a < b &&
		    src[a] == '*') {
			t->dynamic = 1;
			a++;
			trim(src, &a, &b);
		}
		if (check_name(p, t->dynamic ? TOK_VAR : type, a, b, tline) < 0)
			return -1;
		t->off = (uint32_t)a;
		t->len = (uint32_t)(b - a);
	}
	return 0;
}

/*
 * Group tokens into lines and apply the standalone rule: a line holding
 * one tag other than an interpolation, and otherwise only blanks, renders
 * nothing of its own: its blanks and line ending go, and its leading
 * blanks become the indentation of a partial, parent or block.
 */
static void mark_lines(struct parser *p)
{
	uint32_t a = 0, b, i;

	while (a < p->ntok) {
		uint32_t ntags = 0, tag = NONE;
		int blank = 1, clear = 1;

		for (b = a; b + 1 < p->ntok && !p->tok[b + 1].bol; b++)
			;
		for (i = a; i <= b; i++) {
			struct tok *t = &p->tok[i];

			t->lfirst = a;
			t->llast = b;
			t->lclear = (unsigned char)clear;
			if (t->type != TOK_TEXT) {
				ntags++;
				tag = i;
				clear = 0;
			} else if (!t->blank) {
				blank = 0;
				clear = 0;
			}
		}
		clear = 1;
		for (i = b + 1; i-- > a;) {
			struct tok *t = &p->tok[i];

			t->rclear = (unsigned char)clear;
			if (t->type != TOK_TEXT || !t->blank)
				clear = 0;
		}
		if (ntags == 1 && blank && p->tok[tag].type != TOK_VAR && p->tok[tag].type != TOK_RAW) {
			p->tok[tag].standalone = 1;
			if (tag > a) {
				p->tok[tag].ind = p->tok[a].off;
				p->tok[tag].ind_len = p->tok[a].len;
			}
			for (i = a; i <= b; i++)
				if (i != tag)
					p->tok[i].dead = 1;
		}
		a = b + 1;
	}
}

static int is_open(int type)
{
	return type == TOK_SECTION || type == TOK_INVERTED || type == TOK_PARENT || type == TOK_BLOCK;
}

static int match_tags(struct parser *p)
{
	uint32_t stack[TMPL_MAX_NEST];
	uint32_t depth = 0, i;

	for (i = 0; i < p->ntok; i++) {
		struct tok *t = &p->tok[i];

		t->up = depth ? stack[depth - 1] : NONE;
		if (is_open(t->type)) {
			if (depth == TMPL_MAX_NEST)
				return parse_error(p, t->line, "sections nested too deeply");
			stack[depth++] = i;
		} else if (t->type == TOK_CLOSE) {
			struct tok *o;

			if (!depth)
				return parse_error(p, t->line, "unexpected close tag \"%.*s\"", (int)t->len,
						   p->src + t->off);
			o = &p->tok[stack[depth - 1]];
			if (o->dynamic != t->dynamic || o->len != t->len ||
			    memcmp(p->src + o->off, p->src + t->off, t->len))
				return parse_error(
					p, t->line,
					"close tag \"%s%.*s\" does not match \"%s%.*s\" (line %lu)",
					t->dynamic ? "*" : "", (int)t->len, p->src + t->off,
					o->dynamic ? "*" : "", (int)o->len, p->src + o->off,
					(unsigned long)o->line);
			o->match = i;
			t->match = stack[--depth];
			t->up = depth ? stack[depth - 1] : NONE;
		}
	}
	if (depth) {
		struct tok *o = &p->tok[stack[depth - 1]];
		return parse_error(p, o->line, "unclosed section \"%s%.*s\"", o->dynamic ? "*" : "",
				   (int)o->len, p->src + o->off);
	}
	return 0;
}

static void tok_kill(struct parser *p, uint32_t from, uint32_t to)
{
	for (; from < to; from++)
		p->tok[from].dead = 1;
}

/* Leading blanks of the line after token i's line, as a source span. */
static void next_line_blanks(struct parser *p, uint32_t i, uint32_t *off, uint32_t *len)
{
	uint32_t n = p->tok[i].llast + 1;

	*off = 0;
	*len = 0;
	if (n < p->ntok && p->tok[n].type == TOK_TEXT) {
		*off = p->tok[n].off;
		*len = lead_blanks(p->src + p->tok[n].off, p->tok[n].len);
	}
}

/* Leading blanks before token i on its line. */
static void line_blanks(struct parser *p, uint32_t i, uint32_t *off, uint32_t *len)
{
	uint32_t f = p->tok[i].lfirst;

	*off = 0;
	*len = 0;
	if (f < i && p->tok[f].type == TOK_TEXT) {
		*off = p->tok[f].off;
		*len = lead_blanks(p->src + p->tok[f].off, p->tok[f].len);
	}
}

/*
 * Whitespace rules of inheritance (mustache spec, ~inheritance and its
 * whitespace notes):
 * - a parent whose open tag starts its line and whose close tag ends its
 *   line is standalone as a pair, like a standalone partial;
 * - an argument block (a block directly inside a parent) is a small
 *   template of its own: a line ending right after its open tag belongs to
 *   the tag, blanks before its close tag belong to the tag, and the
 *   indentation of its first line (intrinsic indentation) is removed from
 *   every line;
 * - a parameter block (any other block) standalone as a pair indents the
 *   lines of an overriding argument with the intrinsic indentation of its
 *   default content when its open tag is alone on its line, else with the
 *   blanks before its open tag, which stay in place for the first line.
 */
static void inherit_rules(struct parser *p)
{
	uint32_t i;

	for (i = 0; i < p->ntok; i++) {
		struct tok *t = &p->tok[i];
		struct tok *c;

		if (t->type != TOK_PARENT && t->type != TOK_BLOCK)
			continue;
		c = &p->tok[t->match];
		if (t->type == TOK_PARENT) {
			if (t->lclear && c->rclear) {
				t->standalone = 1;
				line_blanks(p, i, &t->ind, &t->ind_len);
				tok_kill(p, t->lfirst, i);
				tok_kill(p, t->match + 1, c->llast + 1);
			}
		} else if (t->up != NONE && p->tok[t->up].type == TOK_PARENT) {
			if (t->rclear) {
				tok_kill(p, i + 1, t->llast + 1);
				next_line_blanks(p, i, &t->intr, &t->intr_len);
			}
			if (c->lclear) {
				tok_kill(p, c->lfirst, t->match);
				c->standalone = 1;
			}
		} else if (t->lclear && c->rclear) {
			t->flags = NODE_REINDENT;
			if (t->standalone) {
				next_line_blanks(p, i, &t->ind, &t->ind_len);
			} else {
				t->flags |= NODE_SKIP_FIRST;
				line_blanks(p, i, &t->ind, &t->ind_len);
			}
		} else if (!t->standalone) {
			t->flags = NODE_SKIP_FIRST;
		}
	}
}

static struct node *node_add(struct parser *p, int type)
{
	struct node *n;

	if (p->nnode == p->anode) {
		if (p->anode >= NONE / 2)
			BUG("template node count overflow");
		p->anode = p->anode ? p->anode * 2 : 64;
		p->node = xrealloc(p->node, st_mult(p->anode, sizeof(*p->node)));
	}
	n = &p->node[p->nnode++];
	memset(n, 0, sizeof(*n));
	n->type = (unsigned char)type;
	return n;
}

static uint32_t pool_add(struct parser *p, const char *s, size_t len)
{
	uint32_t off = (uint32_t)p->pool.len;

	buf_add(&p->pool, s, len);
	buf_addch(&p->pool, '\0');
	return off;
}

/* A dotted name as NUL-terminated segments (validated by check_name). */
static void pool_name(struct parser *p, const struct tok *t, struct node *n)
{
	const char *s = p->src + t->off;
	uint32_t i, start = 0;

	if (t->len == 1 && s[0] == '.')
		return;
	n->name = (uint32_t)p->pool.len;
	for (i = 0; i <= t->len; i++) {
		if (i == t->len || s[i] == '.') {
			pool_add(p, s + start, i - start);
			n->nseg++;
			start = i + 1;
		}
	}
}

static void strip_prefix(const char *src, uint32_t pre, uint32_t pre_len, uint32_t *off, uint32_t *len)
{
	if (pre_len && *len >= pre_len && !memcmp(src + *off, src + pre, pre_len)) {
		*off += pre_len;
		*len -= pre_len;
	}
}

/*
 * {{#_}}text{{/_}} with a translator: the translation replaces the section
 * as literal text. Returns 1 when done, 0 when the body is not plain text.
 */
static int translate(struct parser *p, uint32_t i, uint32_t pre, uint32_t pre_len)
{
	const struct tok *o = &p->tok[i];
	struct buf msgid = BUF_INIT;
	const char *s;
	uint32_t j, first = NONE;
	struct node *n;

	for (j = i + 1; j < o->match; j++)
		if (p->tok[j].type != TOK_TEXT)
			return 0;
	for (j = i + 1; j < o->match; j++) {
		const struct tok *t = &p->tok[j];
		uint32_t off = t->off, len = t->len;

		if (t->dead)
			continue;
		if (first == NONE)
			first = j;
		if (t->bol)
			strip_prefix(p->src, pre, pre_len, &off, &len);
		buf_add(&msgid, p->src + off, len);
	}
	if (msgid.len && !buf_err(&msgid)) {
		s = p->tr(msgid.ptr, p->tr_ctx);
		if (!s)
			s = msgid.ptr;
		if (*s) {
			if (o->standalone && p->tok[first].bol)
				node_add(p, NODE_MARK);
			n = node_add(p, NODE_TEXT);
			n->len = (uint32_t)strlen(s);
			n->off = pool_add(p, s, n->len);
		}
	}
	buf_release(&msgid);
	return 1;
}

static int emit(struct parser *p)
{
	struct {
		uint32_t tok, node, pre, pre_len;
	} st[TMPL_MAX_NEST];
	uint32_t depth = 0, pre = 0, pre_len = 0, i;
	int need_mark = 0;

	for (i = 0; i < p->ntok; i++) {
		const struct tok *t = &p->tok[i];
		uint32_t off = t->off, len = t->len;
		struct node *n;
		int type = -1;

		if (t->bol)
			need_mark = 1;
		if (depth && p->tok[st[depth - 1].tok].type == TOK_PARENT) {
			/* inside a parent only argument blocks count */
			if (t->type == TOK_CLOSE) {
				p->node[st[--depth].node].end = p->nnode;
				pre = st[depth].pre;
				pre_len = st[depth].pre_len;
				need_mark = 0;
			} else if (t->type == TOK_BLOCK) {
				n = node_add(p, NODE_BLOCK);
				n->name = pool_add(p, p->src + off, len);
				st[depth].tok = i;
				st[depth].node = p->nnode - 1;
				st[depth].pre = pre;
				st[depth++].pre_len = pre_len;
				if (t->intr_len) {
					pre = t->intr;
					pre_len = t->intr_len;
				}
				need_mark = 1;
			} else if (is_open(t->type)) {
				i = t->match;
			}
			continue;
		}
		if (t->dead)
			continue;
		if (t->type == TOK_TEXT && t->bol)
			strip_prefix(p->src, pre, pre_len, &off, &len);
		/*
		 * The indentation goes where the line starts, even when that is
		 * inside a section that closes on this line, as if prepended to
		 * the source line. Blank lines are not indented.
		 */
		if (need_mark) {
			need_mark = 0;
			if (!t->standalone && !(t->type == TOK_TEXT && is_eol(p->src + off, len)))
				node_add(p, NODE_MARK);
		}
		if (t->type == TOK_CLOSE) {
			/* match_tags checked it: this closes st[depth - 1] */
			p->node[st[--depth].node].end = p->nnode;
			pre = st[depth].pre;
			pre_len = st[depth].pre_len;
			continue;
		}
		if (t->type == TOK_COMMENT || t->type == TOK_DELIM)
			continue;
		switch (t->type) {
		case TOK_TEXT:
			if (len) {
				n = node_add(p, NODE_TEXT);
				n->off = off;
				n->len = len;
			}
			break;
		case TOK_VAR:
		case TOK_RAW:
			n = node_add(p, NODE_VAR);
			n->flags = t->type == TOK_VAR ? NODE_ESCAPE : 0;
			pool_name(p, t, n);
			break;
		case TOK_SECTION:
			if (p->tr && t->len == 1 && p->src[t->off] == '_' && translate(p, i, pre, pre_len)) {
				i = t->match;
				break;
			}
			type = NODE_SECTION;
			break;
		case TOK_INVERTED: type = NODE_INVERTED; break;
		case TOK_PARTIAL:
		case TOK_PARENT:
		case TOK_BLOCK:
			n = node_add(p, t->type == TOK_PARTIAL	? NODE_PARTIAL
					: t->type == TOK_PARENT ? NODE_PARENT
								: NODE_BLOCK);
			if (t->dynamic) {
				n->flags |= NODE_DYNAMIC;
				pool_name(p, t, n);
			} else {
				n->name = pool_add(p, p->src + off, len);
			}
			if (t->type == TOK_BLOCK)
				n->flags |= t->flags;
			else if (t->standalone)
				n->flags |= NODE_STANDALONE;
			if (n->flags & (NODE_STANDALONE | NODE_REINDENT)) {
				n->off = t->ind;
				n->len = t->ind_len;
				strip_prefix(p->src, pre, pre_len, &n->off, &n->len);
			}
			if (t->type != TOK_PARTIAL) {
				st[depth].tok = i;
				st[depth].node = p->nnode - 1;
				st[depth].pre = pre;
				st[depth++].pre_len = pre_len;
			}
			break;
		}
		if (type >= 0) {
			n = node_add(p, type);
			pool_name(p, t, n);
			st[depth].tok = i;
			st[depth].node = p->nnode - 1;
			st[depth].pre = pre;
			st[depth++].pre_len = pre_len;
		}
	}
	return 0;
}

static void tmpl_free(struct tmpl *t)
{
	if (!t)
		return;
	free(t->name);
	free(t->pool);
	free(t->nodes);
	free(t);
}

static int parse(const struct tmpl_set *set, const char *name, const char *src, size_t len, struct tmpl **out,
		 char **err)
{
	struct parser p;
	struct tmpl *t = NULL;
	int ret = -1;

	memset(&p, 0, sizeof(p));
	p.name = name;
	p.src = src;
	p.len = len;
	p.tr = set->tr;
	p.tr_ctx = set->tr_ctx;
	buf_init(&p.pool, UINT32_MAX - 1);
	buf_init(&p.err, 0);

	if (len > TMPL_MAX_SIZE) {
		parse_error(&p, 1, "template too large");
		goto out;
	}
	if (lex(&p) < 0 || match_tags(&p) < 0)
		goto out;
	mark_lines(&p);
	inherit_rules(&p);
	/* text nodes point into a copy of the source at the start of the pool */
	buf_add(&p.pool, src, len);
	buf_addch(&p.pool, '\0');
	if (emit(&p) < 0)
		goto out;
	if (buf_err(&p.pool)) {
		parse_error(&p, 1, "template too large");
		goto out;
	}
	t = xcalloc(1, sizeof(*t));
	t->name = xstrdup(name);
	t->name_len = strlen(name);
	t->pool = buf_detach(&p.pool, NULL);
	t->nodes = p.node;
	t->nnodes = p.nnode;
	p.node = NULL;
	*out = t;
	ret = 0;
out:
	if (ret < 0 && err)
		*err = buf_detach(&p.err, NULL);
	free(p.tok);
	free(p.node);
	buf_release(&p.pool);
	buf_release(&p.err);
	return ret;
}

/* ---- the set ---- */

static uint64_t name_hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static struct tmpl **set_slot(const struct tmpl_set *set, const char *name, size_t len)
{
	size_t mask = set->cap - 1;
	size_t i = (size_t)name_hash(name, len) & mask;

	for (;; i = (i + 1) & mask) {
		struct tmpl *t = set->slot[i];

		if (!t || (t->name_len == len && !memcmp(t->name, name, len)))
			return &set->slot[i];
	}
}

static const struct tmpl *set_find(const struct tmpl_set *set, const char *name, size_t len)
{
	if (!set->cap)
		return NULL;
	return *set_slot(set, name, len);
}

struct tmpl_set *tmpl_set_new(tmpl_translate_fn tr, void *tr_ctx)
{
	struct tmpl_set *set = xcalloc(1, sizeof(*set));

	set->tr = tr;
	set->tr_ctx = tr_ctx;
	return set;
}

void tmpl_set_free(struct tmpl_set *set)
{
	size_t i;

	if (!set)
		return;
	for (i = 0; i < set->cap; i++)
		tmpl_free(set->slot[i]);
	free(set->slot);
	free(set);
}

static void set_grow(struct tmpl_set *set)
{
	struct tmpl **old = set->slot;
	size_t oldcap = set->cap, i;

	set->cap = oldcap ? st_mult(oldcap, 2) : 16;
	set->slot = xcalloc(set->cap, sizeof(*set->slot));
	for (i = 0; i < oldcap; i++)
		if (old[i])
			*set_slot(set, old[i]->name, old[i]->name_len) = old[i];
	free(old);
}

int tmpl_set_add(struct tmpl_set *set, const char *name, const char *src, size_t len, char **err)
{
	struct tmpl *t = NULL;
	struct tmpl **slot;

	if (err)
		*err = NULL;
	if (parse(set, name, src, len, &t, err) < 0)
		return -1;
	if (st_mult(set->count + 1, 2) > set->cap)
		set_grow(set);
	slot = set_slot(set, t->name, t->name_len);
	if (*slot)
		tmpl_free(*slot);
	else
		set->count++;
	*slot = t;
	return 0;
}

int tmpl_set_has(const struct tmpl_set *set, const char *name)
{
	return set_find(set, name, strlen(name)) != NULL;
}

/* ---- rendering ---- */

struct ctx_frame {
	json_t *v;
	const struct ctx_frame *up;
};

struct indent {
	const char *s;
	size_t len;
	const struct indent *up;
};

/* The parents being rendered: their argument blocks override blocks. */
struct scope {
	const struct tmpl *t;
	uint32_t parent;
	const struct scope *up;
};

struct render {
	const struct tmpl_set *set;
	struct buf *out;
	unsigned long steps;
	int depth;
	int nest;
	int skip_mark;
};

/* buf_add with the common case, room already there, inline. */
static inline void out_add(struct buf *b, const char *s, size_t len)
{
	if (!b->toobig && len < b->alloc - b->len && len <= b->max - b->len) {
		memcpy(b->ptr + b->len, s, len);
		b->len += len;
		b->ptr[b->len] = '\0';
	} else {
		buf_add(b, s, len);
	}
}

/* Bytes that HTML text and attributes need escaped. */
static const unsigned char html_special[256] = {
	['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1,
};

void html_escape(struct buf *out, const char *s, size_t len)
{
	size_t i, start = 0;

	for (i = 0; i < len; i++) {
		const char *rep;

		if (!html_special[(unsigned char)s[i]])
			continue;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		default: rep = "&#39;"; break;
		}
		out_add(out, s + start, i - start);
		out_add(out, rep, strlen(rep));
		start = i + 1;
	}
	out_add(out, s + start, len - start);
}

static void put_indent(struct buf *out, const struct indent *ind)
{
	if (!ind)
		return;
	put_indent(out, ind->up);
	out_add(out, ind->s, ind->len);
}

/* Reals in the shortest form that reads back the same: 1.21, 85, 0.1. */
static void put_real(struct buf *out, double d)
{
	char s[40];
	int prec;

	for (prec = 15; prec < 17; prec++) {
		snprintf(s, sizeof(s), "%.*g", prec, d);
		if (strtod(s, NULL) == d)
			break;
	}
	if (prec == 17)
		snprintf(s, sizeof(s), "%.17g", d);
	out_add(out, s, strlen(s));
}

static void put_integer(struct buf *out, json_int_t v)
{
	char s[24];
	char *p = s + sizeof(s);
	/* through unsigned, so that the most negative value works too */
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	out_add(out, p, (size_t)(s + sizeof(s) - p));
}

static void put_value(struct buf *out, json_t *v, int escape)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (escape)
			html_escape(out, json_string_value(v), json_string_length(v));
		else
			out_add(out, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER: put_integer(out, json_integer_value(v)); break;
	case JSON_REAL: put_real(out, json_real_value(v)); break;
	case JSON_TRUE: out_add(out, "true", 4); break;
	case JSON_FALSE: out_add(out, "false", 5); break;
	default:
		/* null, objects and arrays render as nothing */
		break;
	}
}

/*
 * Dotted names: the first segment is looked up from the top of the context
 * stack down; the others only inside what it found.
 */
static json_t *lookup(const struct tmpl *t, const struct node *n, const struct ctx_frame *c)
{
	const char *seg = t->pool + n->name;
	json_t *v = NULL;
	unsigned k;

	if (!n->nseg)
		return c ? c->v : NULL;
	for (; c; c = c->up)
		if (json_is_object(c->v) && (v = json_object_get(c->v, seg)))
			break;
	for (k = 1; v && k < n->nseg; k++) {
		seg += strlen(seg) + 1;
		v = json_is_object(v) ? json_object_get(v, seg) : NULL;
	}
	return v;
}

/* false, null, missing and [] are falsey; everything else, "" and 0 too, is truthy */
static int truthy(const json_t *v)
{
	return v && !json_is_null(v) && !json_is_false(v) && !(json_is_array(v) && !json_array_size(v));
}

static const struct tmpl *find_partial(const struct render *r, const struct tmpl *t, const struct node *n,
				       const struct ctx_frame *ctx)
{
	const char *name = t->pool + n->name;
	json_t *v;

	if (!(n->flags & NODE_DYNAMIC))
		return set_find(r->set, name, strlen(name));
	v = lookup(t, n, ctx);
	if (!json_is_string(v))
		return NULL;
	return set_find(r->set, json_string_value(v), json_string_length(v));
}

static int render_range(struct render *r, const struct tmpl *t, uint32_t i, uint32_t end,
			const struct ctx_frame *ctx, const struct indent *ind, const struct scope *sc);

/* Render a nested range, unless too deep: then that branch renders nothing. */
static int render_nested(struct render *r, const struct tmpl *t, uint32_t i, uint32_t end,
			 const struct ctx_frame *ctx, const struct indent *ind, const struct scope *sc,
			 int expansion)
{
	int ret;

	if (r->nest >= TMPL_MAX_RENDER_NEST || (expansion && r->depth >= TMPL_MAX_DEPTH))
		return 0;
	r->nest++;
	r->depth += expansion;
	ret = render_range(r, t, i, end, ctx, ind, sc);
	r->depth -= expansion;
	r->nest--;
	return ret;
}

static int render_section(struct render *r, const struct tmpl *t, uint32_t i, const struct ctx_frame *ctx,
			  const struct indent *ind, const struct scope *sc)
{
	const struct node *n = &t->nodes[i];
	json_t *v = lookup(t, n, ctx);
	struct ctx_frame f = { v, ctx };
	size_t k;

	if (n->type == NODE_INVERTED)
		return truthy(v) ? 0 : render_nested(r, t, i + 1, n->end, ctx, ind, sc, 0);
	if (!truthy(v))
		return 0;
	if (!json_is_array(v))
		return render_nested(r, t, i + 1, n->end, &f, ind, sc, 0);
	for (k = 0; k < json_array_size(v); k++) {
		f.v = json_array_get(v, k);
		if (render_nested(r, t, i + 1, n->end, &f, ind, sc, 0) < 0)
			return -1;
	}
	return 0;
}

static int render_partial(struct render *r, const struct tmpl *t, uint32_t i, const struct ctx_frame *ctx,
			  const struct indent *ind, const struct scope *sc)
{
	const struct node *n = &t->nodes[i];
	const struct tmpl *pt = find_partial(r, t, n, ctx);
	struct indent in = { t->pool + n->off, n->len, ind };
	struct scope s = { t, i, sc };

	if (!pt)
		return 0;
	/* a partial that is not standalone is not indented at all */
	if (!(n->flags & NODE_STANDALONE))
		ind = NULL;
	else if (n->len)
		ind = &in;
	return render_nested(r, pt, 0, pt->nnodes, ctx, ind, n->type == NODE_PARENT ? &s : sc, 1);
}

/* The outermost argument block named like block node i overrides it. */
static int render_block(struct render *r, const struct tmpl *t, uint32_t i, const struct ctx_frame *ctx,
			const struct indent *ind, const struct scope *sc)
{
	const struct node *n = &t->nodes[i];
	const char *name = t->pool + n->name;
	const struct tmpl *ot = NULL;
	uint32_t oi = 0, j;
	const struct scope *s;
	struct indent in = { t->pool + n->off, n->len, ind };
	int ret;

	for (s = sc; s; s = s->up) {
		const struct node *pn = &s->t->nodes[s->parent];

		for (j = s->parent + 1; j < pn->end; j = s->t->nodes[j].end) {
			r->steps++;
			if (!strcmp(s->t->pool + s->t->nodes[j].name, name)) {
				ot = s->t;
				oi = j;
				break;
			}
		}
	}
	if (!ot)
		return render_nested(r, t, i + 1, n->end, ctx, ind, sc, 0);
	if ((n->flags & NODE_REINDENT) && n->len)
		ind = &in;
	r->skip_mark = !!(n->flags & NODE_SKIP_FIRST);
	ret = render_nested(r, ot, oi + 1, ot->nodes[oi].end, ctx, ind, sc, 1);
	r->skip_mark = 0;
	return ret;
}

static int render_range(struct render *r, const struct tmpl *t, uint32_t i, uint32_t end,
			const struct ctx_frame *ctx, const struct indent *ind, const struct scope *sc)
{
	while (i < end) {
		const struct node *n = &t->nodes[i];
		int ret = 0;

		if (++r->steps > TMPL_MAX_STEPS || buf_err(r->out))
			return -1;
		switch (n->type) {
		case NODE_TEXT:
			out_add(r->out, t->pool + n->off, n->len);
			r->skip_mark = 0;
			break;
		case NODE_MARK:
			if (r->skip_mark)
				r->skip_mark = 0;
			else
				put_indent(r->out, ind);
			break;
		case NODE_VAR: {
			json_t *v = lookup(t, n, ctx);

			if (v)
				put_value(r->out, v, n->flags & NODE_ESCAPE);
			r->skip_mark = 0;
			break;
		}
		case NODE_SECTION:
		case NODE_INVERTED: ret = render_section(r, t, i, ctx, ind, sc); break;
		case NODE_PARTIAL:
		case NODE_PARENT: ret = render_partial(r, t, i, ctx, ind, sc); break;
		case NODE_BLOCK: ret = render_block(r, t, i, ctx, ind, sc); break;
		}
		if (ret < 0)
			return -1;
		i = n->end > i ? n->end : i + 1;
	}
	return 0;
}

int tmpl_render(const struct tmpl_set *set, const char *name, json_t *ctx, struct buf *out)
{
	const struct tmpl *t = set_find(set, name, strlen(name));
	struct ctx_frame root = { ctx, NULL };
	struct render r;

	if (!t)
		return -1;
	memset(&r, 0, sizeof(r));
	r.set = set;
	r.out = out;
	if (render_range(&r, t, 0, t->nnodes, &root, NULL, NULL) < 0 || buf_err(out))
		return -1;
	return 0;
}
