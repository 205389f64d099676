/* pdf.c: printed pages (cairo + pango): wrapped text, flowing paragraphs, tables that break across pages. */
#include "features/pdf.h"

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <glib.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/xalloc.h"
#include "core/banned.h"

/*
 * Vietnamese administrative documents are set in Times New Roman (Decree
 * 30/2020/NĐ-CP, appendix I). Liberation Serif has its metrics; DejaVu Serif
 * (Debian's fonts-dejavu-core, always installed) is the fallback, condensed
 * to come near Times' width. All have the Vietnamese letters precomposed.
 */
#define PDF_FAMILY "Times New Roman,Liberation Serif,DejaVu Serif,serif"

/* Thickness of table rules, in points. */
#define PDF_RULE 0.5

/* Slack for comparing positions computed in floating point. */
#define PDF_EPS 0.01

/*
 * One font map for the process, made on first use and kept: pango's font
 * maps are not thread-safe, so documents are drawn one at a time under this
 * lock (printing forms is rare; the lock is held from pdf_open to pdf_close).
 */
static pthread_mutex_t pdf_lock = PTHREAD_MUTEX_INITIALIZER;
static PangoFontMap *pdf_fontmap;

/*
 * At exit, give back the font map and what cairo and fontconfig cached.
 * Nothing would be lost without it, but fontconfig keeps its patterns'
 * pointers as offsets, which LeakSanitizer cannot follow: it would report
 * them as leaks in every program that drew a form. The lock is taken and
 * kept, so that a thread still drawing finishes first and none starts after.
 * This file is the process's only user of cairo and fontconfig: the reset
 * of cairo's caches needs every cairo object gone.
 */
static void release_fonts(void)
{
	pthread_mutex_lock(&pdf_lock);
	if (!pdf_fontmap)
		return;
	g_object_unref(pdf_fontmap);
	pdf_fontmap = NULL;
	cairo_debug_reset_static_data();
	FcFini();
}

/* One line of a laid-out text: where to draw it relative to the line's top-left. */
struct pdf_line {
	PangoLayoutLine *line;
	double x;    /* the line's left edge in the box (alignment) */
	double h;    /* the line's height */
	double base; /* its baseline below the line's top */
};

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int len)
{
	struct buf *b = closure;

	return buf_add(b, data, len) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

static void release(struct pdf *p)
{
	if (p->cr)
		cairo_destroy(p->cr);
	if (p->surface)
		cairo_surface_destroy(p->surface);
	if (p->pango)
		g_object_unref(p->pango);
	if (p->font)
		pango_font_description_free(p->font);
	p->cr = NULL;
	p->surface = NULL;
	p->pango = NULL;
	p->font = NULL;
}

int pdf_open(struct pdf *p, struct buf *out, double width, double height, double top, double right,
	     double bottom, double left)
{
	cairo_font_options_t *fo = NULL;

	memset(p, 0, sizeof(*p));
	pthread_mutex_lock(&pdf_lock);
	if (!pdf_fontmap) {
		static int registered;

		pdf_fontmap = pango_cairo_font_map_new();
		if (!registered++)
			atexit(release_fonts);
	}
	p->out = out;
	p->out_start = out ? out->len : 0;
	if (out)
		p->surface = cairo_pdf_surface_create_for_stream(write_out, out, width, height);
	else
		p->surface = cairo_pdf_surface_create_for_stream(NULL, NULL, width, height);
	if (cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS)
		goto fail;
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "motcua");
	p->cr = cairo_create(p->surface);
	if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS)
		goto fail;

	/* Metrics unhinted and glyphs unrounded: a PDF has no pixels to snap to. */
	p->pango = pango_font_map_create_context(pdf_fontmap);
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(p->pango, fo);
	cairo_font_options_destroy(fo);
	pango_cairo_context_set_resolution(p->pango, 72.0);
	pango_context_set_round_glyph_positions(p->pango, FALSE);
	pango_context_set_language(p->pango, pango_language_from_string("vi"));
	pango_cairo_update_context(p->cr, p->pango);

	p->font = pango_font_description_new();
	pango_font_description_set_family(p->font, PDF_FAMILY);
	pango_font_description_set_stretch(p->font, PANGO_STRETCH_CONDENSED);

	cairo_set_source_rgb(p->cr, 0, 0, 0);
	cairo_set_line_width(p->cr, PDF_RULE);
	p->width = width;
	p->height = height;
	p->left = left;
	p->right = width - right;
	p->top = top;
	p->bottom = height - bottom;
	p->y = top;
	p->page_start = top;
	p->table_top = top;
	p->page = 1;
	return 0;
fail:
	release(p);
	if (out)
		buf_setlen(out, p->out_start);
	pthread_mutex_unlock(&pdf_lock);
	return -1;
}

void pdf_set_info(struct pdf *p, const char *title, const char *author)
{
	if (title && g_utf8_validate(title, -1, NULL))
		cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, title);
	if (author && g_utf8_validate(author, -1, NULL))
		cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_AUTHOR, author);
}

int pdf_close(struct pdf *p)
{
	int rc = 0;

	if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS)
		rc = -1;
	cairo_destroy(p->cr);
	p->cr = NULL;
	cairo_surface_finish(p->surface);
	if (cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS)
		rc = -1;
	release(p);
	if (rc && p->out)
		buf_setlen(p->out, p->out_start);
	pthread_mutex_unlock(&pdf_lock);
	return rc;
}

void pdf_new_page(struct pdf *p)
{
	cairo_show_page(p->cr);
	p->page++;
	p->y = p->top;
	if (p->on_page)
		p->on_page(p, p->on_page_arg);
	p->page_start = p->y;
	p->table_top = p->y;
}

int pdf_ensure(struct pdf *p, double h)
{
	if (p->y + h <= p->bottom + PDF_EPS || p->y <= p->page_start + PDF_EPS)
		return 0;
	pdf_new_page(p);
	return 1;
}

void pdf_escape(struct buf *b, const char *s)
{
	const char *q, *end;

	if (!s)
		return;
	q = s;
	end = s + strlen(s);
	while (q < end) {
		gunichar ch = g_utf8_get_char_validated(q, end - q);
		const char *next;

		if (ch == (gunichar)-1 || ch == (gunichar)-2) {
			buf_adds(b, "\xef\xbf\xbd"); /* U+FFFD */
			q++;
			continue;
		}
		next = g_utf8_next_char(q);
		switch (ch) {
		case '&': buf_adds(b, "&amp;"); break;
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		case '\'': buf_adds(b, "&#39;"); break;
		default:
			/* markup takes no control characters, and a form has no use for them */
			if ((ch < 0x20 && ch != '\n' && ch != '\t') || (ch >= 0x7f && ch < 0xa0) ||
			    ch == 0xfffe || ch == 0xffff)
				break;
			buf_add(b, q, (size_t)(next - q));
		}
		q = next;
	}
}

void pdf_vmarkupf(struct buf *b, const char *fmt, va_list ap)
{
	const char *f;

	for (f = fmt; *f; f++) {
		if (*f != '%') {
			buf_addch(b, *f);
			continue;
		}
		f++;
		if (*f == 's')
			pdf_escape(b, va_arg(ap, const char *));
		else if (*f == '%')
			buf_addch(b, '%');
		else
			BUG("pdf_markupf takes only %s and %%");
	}
}

void pdf_markupf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pdf_vmarkupf(b, fmt, ap);
	va_end(ap);
}

/* Lay out text in a box `width` wide (unwrapped when width <= 0). The caller unrefs it. */
static PangoLayout *layout_new(struct pdf *p, const char *text, double width, double size, int flags)
{
	PangoLayout *l = pango_layout_new(p->pango);
	PangoFontDescription *fd = pango_font_description_copy_static(p->font);
	struct buf m = BUF_INIT;

	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	if (flags & PDF_BOLD)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	if (flags & PDF_ITALIC)
		pango_font_description_set_style(fd, PANGO_STYLE_ITALIC);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (width > 0) {
		pango_layout_set_width(l, pango_units_from_double(width));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	}
	if (flags & PDF_CENTER)
		pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
	else if (flags & PDF_RIGHT)
		pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
	if (flags & PDF_JUSTIFY)
		pango_layout_set_justify(l, TRUE);
	if (flags & PDF_MARKUP) {
		pango_layout_set_markup(l, text ? text : "", -1);
	} else {
		pdf_escape(&m, text);
		pango_layout_set_markup(l, m.ptr, -1);
		buf_release(&m);
	}
	return l;
}

/* The lines of a layout, in order; *n of them. The caller frees the array (the lines belong to the layout).
 */
static struct pdf_line *layout_lines(PangoLayout *l, size_t *n)
{
	PangoLayoutIter *it = pango_layout_get_iter(l);
	size_t cap = (size_t)pango_layout_get_line_count(l), i = 0;
	struct pdf_line *v = xcalloc(cap ? cap : 1, sizeof(*v));

	do {
		PangoRectangle log;
		int y0, y1;

		if (i == cap)
			break;
		pango_layout_iter_get_line_extents(it, NULL, &log);
		pango_layout_iter_get_line_yrange(it, &y0, &y1);
		v[i].line = pango_layout_iter_get_line_readonly(it);
		v[i].x = pango_units_to_double(log.x);
		v[i].h = pango_units_to_double(y1 - y0);
		v[i].base = pango_units_to_double(pango_layout_iter_get_baseline(it) - y0);
		i++;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	*n = i;
	return v;
}

static void draw_line(struct pdf *p, const struct pdf_line *ln, double x, double y)
{
	cairo_move_to(p->cr, x + ln->x, y + ln->base);
	pango_cairo_show_layout_line(p->cr, ln->line);
}

double pdf_text_height(struct pdf *p, const char *text, double width, double size, int flags)
{
	PangoLayout *l = layout_new(p, text, width, size, flags);
	PangoRectangle log;

	pango_layout_get_extents(l, NULL, &log);
	g_object_unref(l);
	return pango_units_to_double(log.height);
}

double pdf_text_width(struct pdf *p, const char *text, double size, int flags)
{
	PangoLayout *l = layout_new(p, text, -1, size, flags & ~(PDF_CENTER | PDF_RIGHT | PDF_JUSTIFY));
	PangoRectangle log;

	pango_layout_get_extents(l, NULL, &log);
	g_object_unref(l);
	return pango_units_to_double(log.width);
}

double pdf_fit(struct pdf *p, const char *text, double width, double size, double min, int flags)
{
	while (size > min && pdf_text_width(p, text, size, flags) > width)
		size -= 0.25;
	return size < min ? min : size;
}

double pdf_text_at(struct pdf *p, double x, double y, double width, const char *text, double size, int flags)
{
	PangoLayout *l = layout_new(p, text, width, size, flags);
	PangoRectangle log;

	pango_layout_get_extents(l, NULL, &log);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
	g_object_unref(l);
	return pango_units_to_double(log.height);
}

void pdf_para(struct pdf *p, double indent, const char *text, double size, int flags)
{
	double x = p->left + indent;
	PangoLayout *l = layout_new(p, text, p->right - x, size, flags);
	size_t n, i;
	struct pdf_line *v = layout_lines(l, &n);

	for (i = 0; i < n; i++) {
		if (p->y + v[i].h > p->bottom + PDF_EPS && p->y > p->page_start + PDF_EPS)
			pdf_new_page(p);
		draw_line(p, &v[i], x, p->y);
		p->y += v[i].h;
	}
	free(v);
	g_object_unref(l);
}

void pdf_line(struct pdf *p, double x0, double y0, double x1, double y1, double w)
{
	cairo_save(p->cr);
	cairo_set_line_width(p->cr, w);
	cairo_move_to(p->cr, x0, y0);
	cairo_line_to(p->cr, x1, y1);
	cairo_stroke(p->cr);
	cairo_restore(p->cr);
}

int pdf_qr(struct pdf *p, double x, double y, double size, const char *text)
{
	QRcode *qr = text ? QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) : NULL;
	double m;
	int r, c, n;

	if (!qr)
		return -1;
	n = qr->width;
	m = size / (n + 8);
	/* one path filled once: abutting modules show no seams */
	for (r = 0; r < n; r++) {
		for (c = 0; c < n;) {
			int start;

			if (!(qr->data[r * n + c] & 1)) {
				c++;
				continue;
			}
			start = c;
			while (c < n && (qr->data[r * n + c] & 1))
				c++;
			cairo_rectangle(p->cr, x + (4 + start) * m, y + (4 + r) * m, (c - start) * m, m);
		}
	}
	cairo_fill(p->cr);
	QRcode_free(qr);
	return 0;
}

/* A cell being drawn: its lines, the first not yet drawn, and how far this slice goes. */
struct pdf_cell {
	PangoLayout *layout;
	struct pdf_line *lines;
	size_t n, next, take;
	double total; /* height of all its lines */
};

static double table_x(struct pdf *p, const struct pdf_table *t)
{
	return t->x > 0 ? t->x : p->left;
}

/* Free what the cells hold (not the array). */
static void cells_clear(struct pdf_cell *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(c[i].lines);
		if (c[i].layout)
			g_object_unref(c[i].layout);
		memset(&c[i], 0, sizeof(c[i]));
	}
}

/* Lay out one row's cells; the height of its tallest cell (without padding). */
static double cells_layout(struct pdf *p, const struct pdf_table *t, const char *const *cells, int head,
			   struct pdf_cell *c)
{
	double tallest = 0;
	size_t i, k;

	for (i = 0; i < t->ncols; i++) {
		int flags = head ? (PDF_BOLD | PDF_CENTER | PDF_MIDDLE) : t->cols[i].flags;
		double w = t->cols[i].width - 2 * t->pad;

		c[i].layout = layout_new(p, cells[i] ? cells[i] : "", w, head ? t->head_size : t->size,
					 flags & ~PDF_MIDDLE);
		c[i].lines = layout_lines(c[i].layout, &c[i].n);
		c[i].next = 0;
		c[i].total = 0;
		for (k = 0; k < c[i].n; k++)
			c[i].total += c[i].lines[k].h;
		if (c[i].total > tallest)
			tallest = c[i].total;
	}
	return tallest;
}

/* Draw the slice [next, take) of each cell in a band `inner` tall (plus padding) at y; y moves below. */
static void cells_draw(struct pdf *p, const struct pdf_table *t, struct pdf_cell *c, double inner, int head)
{
	double x = table_x(p, t), h = inner + 2 * t->pad;
	size_t i, k;

	for (i = 0; i < t->ncols; i++) {
		int flags = head ? PDF_MIDDLE : t->cols[i].flags;
		double y = p->y + t->pad;

		cairo_rectangle(p->cr, x, p->y, t->cols[i].width, h);
		cairo_stroke(p->cr);
		if ((flags & PDF_MIDDLE) && c[i].next == 0 && c[i].take == c[i].n)
			y += (inner - c[i].total) / 2;
		for (k = c[i].next; k < c[i].take; k++) {
			draw_line(p, &c[i].lines[k], x + t->pad, y);
			y += c[i].lines[k].h;
		}
		c[i].next = c[i].take;
		x += t->cols[i].width;
	}
	p->y += h;
}

static void head_draw(struct pdf *p, const struct pdf_table *t)
{
	struct pdf_cell *c = xcalloc(t->ncols ? t->ncols : 1, sizeof(*c));
	size_t r, i;

	for (r = 0; r < t->nhead; r++) {
		double tallest = cells_layout(p, t, t->head + r * t->ncols, 1, c);

		for (i = 0; i < t->ncols; i++)
			c[i].take = c[i].n;
		cells_draw(p, t, c, tallest, 1);
		cells_clear(c, t->ncols);
	}
	free(c);
	p->table_top = p->y;
}

static double head_height(struct pdf *p, const struct pdf_table *t)
{
	double h = 0;
	size_t r, i;

	for (r = 0; r < t->nhead; r++) {
		double tallest = 0;

		for (i = 0; i < t->ncols; i++) {
			double ch = pdf_text_height(p, t->head[r * t->ncols + i],
						    t->cols[i].width - 2 * t->pad, t->head_size,
						    PDF_BOLD | PDF_CENTER);
			if (ch > tallest)
				tallest = ch;
		}
		h += tallest + 2 * t->pad;
	}
	return h;
}

void pdf_table_head(struct pdf *p, const struct pdf_table *t)
{
	/* the header and at least two lines of the first row together */
	pdf_ensure(p, head_height(p, t) + 2 * t->size * 1.3 + 2 * t->pad);
	head_draw(p, t);
}

static void page_with_head(struct pdf *p, const struct pdf_table *t)
{
	pdf_new_page(p);
	head_draw(p, t);
}

void pdf_table_row(struct pdf *p, const struct pdf_table *t, const char *const *cells)
{
	struct pdf_cell *c = xcalloc(t->ncols ? t->ncols : 1, sizeof(*c));
	double full = cells_layout(p, t, cells, 0, c) + 2 * t->pad;
	size_t i;

	/* a row that fits on a page is never split: it moves to the next page whole */
	if (p->y + full > p->bottom + PDF_EPS && p->y > p->table_top + PDF_EPS &&
	    full <= p->bottom - p->top - head_height(p, t))
		page_with_head(p, t);
	for (;;) {
		double avail = p->bottom - p->y - 2 * t->pad, slice = 0;
		int stuck = 0, done = 1;

		for (i = 0; i < t->ncols; i++) {
			double used = 0;
			size_t k = c[i].next;

			while (k < c[i].n && used + c[i].lines[k].h <= avail + PDF_EPS)
				used += c[i].lines[k++].h;
			if (k == c[i].next && k < c[i].n)
				stuck = 1;
			c[i].take = k;
			if (used > slice)
				slice = used;
		}
		if (stuck && p->y > p->table_top + PDF_EPS) {
			page_with_head(p, t);
			continue;
		}
		if (stuck) {
			/* a single line taller than a whole page: nothing better to do than to draw it */
			for (i = 0; i < t->ncols; i++) {
				if (c[i].take == c[i].next && c[i].take < c[i].n) {
					if (c[i].lines[c[i].take].h > slice)
						slice = c[i].lines[c[i].take].h;
					c[i].take++;
				}
			}
		}
		cells_draw(p, t, c, slice, 0);
		for (i = 0; i < t->ncols; i++)
			if (c[i].next < c[i].n)
				done = 0;
		if (done)
			break;
		page_with_head(p, t);
	}
	cells_clear(c, t->ncols);
	free(c);
}

void pdf_table_share(struct pdf_col *cols, size_t ncols, const double *weights, double width)
{
	double fixed = 0, sum = 0;
	for (size_t i = 0; i < ncols; i++) {
		fixed += cols[i].width;
		sum += weights[i];
	}
	for (size_t i = 0; i < ncols; i++)
		if (weights[i] > 0)
			cols[i].width = (width - fixed) * weights[i] / sum;
}

void pdf_page_number(struct pdf *p, void *arg)
{
	const struct pdf_pages *pg = arg;
	char s[32];
	if (pg->total > 0)
		snprintf(s, sizeof(s), "Trang %d/%d", p->page, pg->total);
	else
		snprintf(s, sizeof(s), "Trang %d", p->page);
	pdf_text_at(p, p->left, p->bottom + 8, p->right - p->left, s, pg->size, PDF_CENTER);
}

int pdf_draw_counted(struct buf *out, double width, double height, double margin, const char *title,
		     const char *author, struct pdf_pages *pages, void (*draw)(struct pdf *p, void *arg),
		     void *arg)
{
	struct pdf p;
	pages->total = 0;
	if (pdf_open(&p, NULL, width, height, margin, margin, margin, margin))
		return -1;
	draw(&p, arg);
	pages->total = p.page;
	if (pdf_close(&p))
		return -1;
	if (pdf_open(&p, out, width, height, margin, margin, margin, margin))
		return -1;
	pdf_set_info(&p, title, author);
	draw(&p, arg);
	return pdf_close(&p);
}
