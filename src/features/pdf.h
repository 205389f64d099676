/* pdf.h: printed pages (cairo + pango): wrapped text, flowing paragraphs, tables that break across pages. */
#ifndef FEATURES_PDF_H
#define FEATURES_PDF_H

#include <stdarg.h>
#include <stddef.h>
#include <cairo.h>
#include <pango/pango.h>
#include "core/buf.h"

/* Paper in points (1/72 inch): ISO 216. */
#define PDF_A4_W 595.28
#define PDF_A4_H 841.89
#define PDF_A5_W 419.53
#define PDF_A5_H 595.28
#define PDF_MM	 (72.0 / 25.4)

/* How a piece of text is set. */
enum pdf_flags {
	PDF_BOLD = 1 << 0,
	PDF_ITALIC = 1 << 1,
	PDF_CENTER = 1 << 2,
	PDF_RIGHT = 1 << 3,
	PDF_JUSTIFY = 1 << 4,
	PDF_MARKUP = 1 << 5, /* the text is pango markup (made with pdf_markupf), not plain text */
	PDF_MIDDLE = 1 << 6, /* a table cell centred vertically */
};

/*
 * A document being drawn: one cairo PDF surface and a pango context on the
 * process's font map. `y` is where the next block goes; [top, bottom] and
 * [left, right] bound the text area (points from the paper's top-left).
 */
struct pdf {
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoContext *pango;
	PangoFontDescription *font;
	struct buf *out; /* NULL: draw for nothing (to count pages) */
	size_t out_start;
	double width, height;
	double left, right, top, bottom;
	double y;
	int page; /* 1, 2, … */
	/* Called right after each new page starts (running header, page number), or NULL. */
	void (*on_page)(struct pdf *p, void *arg);
	void *on_page_arg;
	double page_start; /* y where this page's content starts (after on_page) */
	double table_top;  /* y where the current page's table body starts (below its header) */
};

/*
 * Start a document of width × height points appending to `out` (or to
 * nothing when out is NULL) with margins in points, the text area within.
 * Documents are drawn one at a time in the process (the font map is not
 * thread-safe): pdf_open waits for the previous pdf_close. 0, or -1 (then
 * nothing is held and out is unchanged).
 */
int pdf_open(struct pdf *p, struct buf *out, double width, double height, double top, double right,
	     double bottom, double left);
/* Set the PDF's title and author metadata (UTF-8). */
void pdf_set_info(struct pdf *p, const char *title, const char *author);
/*
 * Finish the document and release everything. 0, or -1 when drawing or
 * writing failed (out too small): then out is cut back to what it held
 * before pdf_open.
 */
int pdf_close(struct pdf *p);

/* End the page and start another: y goes back to top, on_page is called. */
void pdf_new_page(struct pdf *p);
/* Start a new page when less than h points remain below y (not on a page still empty); 1 when it did. */
int pdf_ensure(struct pdf *p, double h);

/* The height of text set in a box `width` wide (wrapped at words, or inside a word too long for a line). */
double pdf_text_height(struct pdf *p, const char *text, double width, double size, int flags);
/* The width of text set on one line, unwrapped. */
double pdf_text_width(struct pdf *p, const char *text, double size, int flags);
/* The largest size from `size` down to `min` (steps of 0.25) at which text fits on one line of width. */
double pdf_fit(struct pdf *p, const char *text, double width, double size, double min, int flags);
/* Draw text in a box at (x, y), `width` wide, wrapped; its height. No page break: the caller made room. */
double pdf_text_at(struct pdf *p, double x, double y, double width, const char *text, double size, int flags);
/*
 * Set a paragraph at y across the text area less `indent` on the left,
 * line by line, starting new pages as needed; y moves below it.
 */
void pdf_para(struct pdf *p, double indent, const char *text, double size, int flags);

/* A rule from (x0, y0) to (x1, y1), `w` points thick. */
void pdf_line(struct pdf *p, double x0, double y0, double x1, double y1, double w);

/*
 * A QR code of text (byte mode, error correction level M) in a square `size`
 * points wide at (x, y), its quiet zone of 4 modules inside the square. 0, or
 * -1 when the text cannot be encoded (too long): nothing is drawn.
 */
int pdf_qr(struct pdf *p, double x, double y, double size, const char *text);

/*
 * Append pango markup: fmt is copied as is (it is markup), each %s argument
 * escaped (see pdf_escape); "%%" is a percent sign. Only %s is supported.
 */
void pdf_markupf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pdf_vmarkupf(struct buf *b, const char *fmt, va_list ap);
/*
 * Append s escaped for markup: & < > " ' as entities, invalid UTF-8 as
 * U+FFFD, control characters other than newline and tab dropped (a NULL s
 * appends nothing).
 */
void pdf_escape(struct buf *b, const char *s);

/* A table column: its width in points and how its cells are set (PDF_CENTER …). */
struct pdf_col {
	double width;
	int flags;
};

/*
 * A table at x (0: the text area's left edge). The `nhead` rows of `head`
 * (ncols cells each, plain text) are drawn bold and centred at the top of
 * the table and again on each page it continues on.
 */
struct pdf_table {
	const struct pdf_col *cols;
	size_t ncols;
	double x;
	double size, head_size; /* font sizes of the body and the header */
	double pad;		/* inner margin of a cell */
	const char *const *head;
	size_t nhead;
};

/* Draw the table's header at y (on a new page when the header and one line do not fit). */
void pdf_table_head(struct pdf *p, const struct pdf_table *t);
/*
 * Draw one row of ncols cells (plain text, or markup when the column has
 * PDF_MARKUP): the row is as tall as its tallest cell; a row that does not
 * fit goes to the next page (header repeated), and a row taller than a
 * whole page is split between pages line by line.
 */
void pdf_table_row(struct pdf *p, const struct pdf_table *t, const char *const *cells);

/*
 * Give the columns of weight > 0 their share of what `width` leaves after the fixed widths of
 * the others (weights[i] 0: cols[i].width is already set and kept).
 */
void pdf_table_share(struct pdf_col *cols, size_t ncols, const double *weights, double width);

/* ---- a register (sổ đăng ký): a long table numbered "Trang n/N" ---- */

/* The pages of a document drawn twice (pdf_draw_counted). */
struct pdf_pages {
	int total;   /* 0 on the counting pass */
	double size; /* font size of the page number */
};

/*
 * An on_page callback, arg a struct pdf_pages: "Trang n/N" (or "Trang n" while the total is not
 * known) centred in the bottom margin.
 */
void pdf_page_number(struct pdf *p, void *arg);

/*
 * Draw a document of width × height points with all margins `margin` twice with draw(p, arg):
 * first for nothing to count its pages into pages->total, then appending to out with its title
 * and author. draw sets pdf_page_number with `pages` as its on_page. 0, or -1 (out unchanged).
 */
int pdf_draw_counted(struct buf *out, double width, double height, double margin, const char *title,
		     const char *author, struct pdf_pages *pages, void (*draw)(struct pdf *p, void *arg),
		     void *arg);

#endif
