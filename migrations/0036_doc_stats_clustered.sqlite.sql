-- SQLite only: the e-office's figures kept in the order of their key (WITHOUT ROWID), as
-- dossier_stats is (0017), so that an agency's period is read from the key's own b-tree instead
-- of looking up each row a second time by rowid (bench_documents: the figures' page at ten times
-- the seed's year). PostgreSQL reads the same range from its index and needs no change.
CREATE TABLE doc_stats_new (
	agency_id BIGINT NOT NULL REFERENCES units (id),
	day INTEGER NOT NULL,
	unit_id BIGINT NOT NULL REFERENCES units (id),
	kind INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 7),
	type INTEGER NOT NULL CHECK (type BETWEEN 1 AND 29),
	n BIGINT NOT NULL,
	PRIMARY KEY (agency_id, day, unit_id, kind, type)
) WITHOUT ROWID;
INSERT INTO doc_stats_new (agency_id, day, unit_id, kind, type, n)
	SELECT agency_id, day, unit_id, kind, type, n FROM doc_stats;
DROP TABLE doc_stats;
ALTER TABLE doc_stats_new RENAME TO doc_stats;
