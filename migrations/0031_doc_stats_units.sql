-- The e-office's figures per unit of an agency (features/doc_stats.h): doc_stats gets the unit
-- that counts (the agency itself, or one of its departments), in the key after the day so that
-- an agency's period is still one range of the key. The rows written before count for the
-- agency itself. Kind 7 (an incoming document assigned as lead, with or without a deadline) is
-- new. The checks are named as PostgreSQL names them on a table called doc_stats, so that a later
-- migration widening the kinds finds doc_stats_kind_check (the key keeps doc_stats_units_pkey).
CREATE TABLE doc_stats_units (
	agency_id BIGINT NOT NULL REFERENCES units (id),
	day INTEGER NOT NULL,
	unit_id BIGINT NOT NULL REFERENCES units (id),
	kind INTEGER NOT NULL CONSTRAINT doc_stats_kind_check CHECK (kind BETWEEN 1 AND 7),
	type INTEGER NOT NULL CONSTRAINT doc_stats_type_check CHECK (type BETWEEN 1 AND 29),
	n BIGINT NOT NULL,
	PRIMARY KEY (agency_id, day, unit_id, kind, type)
);
INSERT INTO doc_stats_units (agency_id, day, unit_id, kind, type, n)
	SELECT agency_id, day, agency_id, kind, type, n FROM doc_stats;
DROP TABLE doc_stats;
ALTER TABLE doc_stats_units RENAME TO doc_stats;

-- The unit an assignment's lead counted for when it was made, so that its finishing (on time,
-- late) counts there too even when the lead person has moved since; 0 for the documents assigned
-- before this migration, whose assignment counted for the agency itself.
ALTER TABLE doc_incoming ADD COLUMN lead_unit_id BIGINT NOT NULL DEFAULT 0;
