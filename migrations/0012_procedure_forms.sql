-- Blank forms (mẫu đơn, tờ khai) uploaded for the catalogue. The file store also
-- keeps what citizens upload (scans of their papers): a procedure's download
-- serves only a file registered here as a blank form.
CREATE TABLE procedure_forms (
	sha TEXT PRIMARY KEY,               -- SHA-256 of the content, hex (features/files.h)
	name TEXT NOT NULL,                 -- the file's name as uploaded
	bytes BIGINT NOT NULL,
	uploaded_by TEXT NOT NULL,
	uploaded_at BIGINT NOT NULL
);
