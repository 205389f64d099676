/*
 * doc_text.h: the text of the documents' files, for search and for the document's page: taken
 * from a PDF's own text (poppler) and, for a scan without text, recognised by Tesseract with
 * its Vietnamese data, in a background thread: registering a document never waits for it.
 * Files are the content-addressed ones of features/files.h; a text is kept per SHA-256.
 */
#ifndef FEATURES_DOC_TEXT_H
#define FEATURES_DOC_TEXT_H

#include <stdint.h>
#include "core/arena.h"
#include "store/db.h"

enum doc_text_state {
	DOC_TEXT_PENDING = 1, /* asked for, not done yet */
	DOC_TEXT_DONE,	      /* text found (maybe empty: a blank page) */
	DOC_TEXT_FAILED,      /* gave up after retries; the reason kept */
	DOC_TEXT_NONE,	      /* a type nothing is read from */
};

/*
 * Table doc_texts (migrations/0028_doc_texts.sql), read by the document lists' search:
 *   sha TEXT PRIMARY KEY, mime TEXT, state INTEGER, method TEXT ('pdf' | 'ocr' | ''),
 *   text TEXT (as found), folded TEXT (rules/fold.h: lower case without tones, for LIKE),
 *   error TEXT, attempts INTEGER, requested_at BIGINT, next_at BIGINT (the worker's: due time,
 *   back-off, lease), done_at BIGINT.
 * method 'ocr' when any of the text was recognised by Tesseract (a scan, or a PDF with scanned
 * pages), 'pdf' when all of it is the PDF's own text layer.
 */

/* The worker's rules (the test and the pages may show them). */
#define DOC_TEXT_MAX	      (1024 * 1024) /* bytes of text kept per file: the rest is cut */
#define DOC_TEXT_OCR_PAGES    20	    /* pages of one PDF recognised at most */
#define DOC_TEXT_MAX_ATTEMPTS 3		    /* attempts before a file is marked failed */
#define DOC_TEXT_BACKOFF      300	    /* seconds after the first failure; ×4 after each next one */
#define DOC_TEXT_BUDGET	      (30 * 60)	    /* seconds one file may take, all its programs together */
#define DOC_TEXT_LEASE	      (DOC_TEXT_BUDGET + 300) /* a claim not recorded by then is retried */
#define DOC_TEXT_POLL	      5			      /* seconds between looks without a doc_text_wake() */

/*
 * Ask for the text of the stored file `sha` (its content type `mime`) inside the caller's
 * write transaction: a pending row unless there is one already (the same file registered twice
 * is read once). 0, or a negative enum db_rc. doc_text_wake() after the commit.
 */
int doc_text_request(struct db *db, const char *sha, const char *mime, int64_t now);

/*
 * The worker: one thread with its own connection (db_url) reading the files under data_dir.
 * doc_text_start returns 0 or -1 (reason logged); doc_text_wake makes it look now;
 * doc_text_stop ends it: the program working on the file in hand is killed and the file given
 * back (pending, that attempt not counted) for the next start. Without a wake it looks every
 * DOC_TEXT_POLL seconds (other processes' requests). The reading is done by programs
 * (pdftotext, pdftoppm, tesseract) run in their own processes, niced, with a time and memory
 * limit: a hostile or broken file can make them fail, not the server.
 */
int doc_text_start(const char *db_url, const char *data_dir);
void doc_text_wake(void);
void doc_text_stop(void);

/* Work the oldest pending file now, in the caller's thread: 1 one done, 0 none pending, <0 error. */
int doc_text_run_one(struct db *db, const char *data_dir, int64_t now);

/* The state and text of `sha` (text NULL unless done): 0, 1 when there is no row, <0 error. */
int doc_text_get(struct db *db, struct arena *a, const char *sha, int *state, const char **text,
		 const char **method);

#endif
