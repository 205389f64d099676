-- The text of the documents' files (issue 9 §3), one row per stored file (by its SHA-256): asked
-- for in the transaction that stores the file (features/doc_text.c doc_text_request), read by the
-- text thread (PDF text layer with pdftotext, scans by Tesseract with its Vietnamese data), and
-- searched through `folded` by the document lists. The same file registered twice is read once.
CREATE TABLE doc_texts (
	sha TEXT PRIMARY KEY,               -- the file in DATA/files (features/files.h)
	mime TEXT NOT NULL,                 -- its type when asked for: "application/pdf", "image/png", …
	-- enum doc_text_state: 1 pending, 2 done, 3 failed (given up), 4 none (a type nothing is read from)
	state INTEGER NOT NULL CHECK (state IN (1, 2, 3, 4)),
	method TEXT NOT NULL DEFAULT '' CHECK (method IN ('', 'pdf', 'ocr')),
	text TEXT,                          -- done: the text as found (UTF-8, at most 1 MiB)
	folded TEXT,                        -- done: rules/fold.h of text (lower-case ASCII words), for LIKE
	error TEXT,                         -- the last failed attempt's reason
	attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	requested_at BIGINT NOT NULL,
	-- pending: when it is due (after a failure, the back-off); while a worker holds it, its lease's end
	next_at BIGINT NOT NULL,
	done_at BIGINT                      -- done or failed: when
);
-- The worker's look: pending files due by now. Done ones stay out of it however many there are.
CREATE INDEX doc_texts_due ON doc_texts (next_at) WHERE state = 1;
