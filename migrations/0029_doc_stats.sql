-- The e-office's figures (features/doc_stats.h): counts per agency, local day (YYYYMMDD, UTC+7),
-- kind (enum doc_stat_kind) and document type (1..29, Decree 30/2020), written in the
-- transaction that moves the document.
CREATE TABLE doc_stats (
	agency_id INTEGER NOT NULL REFERENCES units (id),
	day INTEGER NOT NULL,
	kind INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 6),
	type INTEGER NOT NULL CHECK (type BETWEEN 1 AND 29),
	n BIGINT NOT NULL,
	PRIMARY KEY (agency_id, day, kind, type)
);
