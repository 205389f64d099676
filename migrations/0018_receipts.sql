-- Electronic fee receipts (issue 7; Circular 303/2016/TT-BTC, Decree 123/2020/NĐ-CP).
-- A book belongs to a collecting unit: template symbol (mẫu số), series (ký hiệu) and year;
-- its receipts are numbered 1 … 9,999,999 within the year from the counter
-- ('receipt', book id, year) taken in the transaction that writes the receipt.
-- A receipt is never updated except to record its cancellation (status, cancelled_*,
-- replaced_by_id), never deleted; `xml` is the signed document as issued.
CREATE TABLE receipt_books (
	id BIGINT PRIMARY KEY,
	unit_id BIGINT NOT NULL REFERENCES units (id),
	template_code TEXT NOT NULL,
	series TEXT NOT NULL,
	year INTEGER NOT NULL,
	active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	created_by TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	UNIQUE (unit_id, template_code, series, year)
);

CREATE TABLE receipts (
	id BIGINT PRIMARY KEY,
	book_id BIGINT NOT NULL REFERENCES receipt_books (id),
	year INTEGER NOT NULL,
	number INTEGER NOT NULL CHECK (number >= 1 AND number <= 9999999),
	lookup TEXT NOT NULL UNIQUE,
	dossier_id BIGINT REFERENCES dossiers (id),
	payer_name TEXT NOT NULL,
	payer_address TEXT NOT NULL,
	payer_tax_code TEXT NOT NULL DEFAULT '',
	payer_id_no TEXT NOT NULL DEFAULT '',
	total BIGINT NOT NULL CHECK (total > 0),
	amount_in_words TEXT NOT NULL,
	method INTEGER NOT NULL,
	status INTEGER NOT NULL,
	collector_account BIGINT REFERENCES accounts (id),
	collector_name TEXT NOT NULL,
	unit_id BIGINT NOT NULL REFERENCES units (id),
	unit_name TEXT NOT NULL,
	unit_tax_code TEXT NOT NULL,
	unit_address TEXT NOT NULL,
	issued_at BIGINT NOT NULL,
	cancelled_at BIGINT NOT NULL DEFAULT 0,
	cancel_reason TEXT NOT NULL DEFAULT '',
	cancelled_by TEXT NOT NULL DEFAULT '',
	replaces_id BIGINT REFERENCES receipts (id),
	replaced_by_id BIGINT REFERENCES receipts (id),
	xml TEXT NOT NULL,
	verify_code TEXT NOT NULL,
	UNIQUE (book_id, year, number)
);
CREATE INDEX receipts_unit_issued ON receipts (unit_id, issued_at);
CREATE INDEX receipts_dossier ON receipts (dossier_id);
-- one standing receipt per dossier, and a receipt replaced once, whatever two transactions do
CREATE UNIQUE INDEX receipts_dossier_standing ON receipts (dossier_id) WHERE status = 1 AND dossier_id IS NOT NULL;
CREATE UNIQUE INDEX receipts_replaces ON receipts (replaces_id) WHERE replaces_id IS NOT NULL;

CREATE TABLE receipt_lines (
	receipt_id BIGINT NOT NULL REFERENCES receipts (id),
	idx INTEGER NOT NULL,
	name TEXT NOT NULL,
	quantity BIGINT NOT NULL,
	unit_amount BIGINT NOT NULL,
	amount BIGINT NOT NULL,
	PRIMARY KEY (receipt_id, idx)
);
