-- SQLite only: the statistics tables kept in the order of their keys (WITHOUT ROWID), so
-- the dashboard's range reads (a unit's days, a unit's months) find the counters in the
-- key's own b-tree instead of looking up each row a second time by rowid. PostgreSQL
-- reads the same ranges from its indexes and needs no change.

CREATE TABLE dossier_stats_new (
	unit_id BIGINT NOT NULL,
	procedure_code TEXT NOT NULL,
	channel INTEGER NOT NULL,
	day INTEGER NOT NULL,
	submitted INTEGER NOT NULL DEFAULT 0,
	received INTEGER NOT NULL DEFAULT 0,
	finished INTEGER NOT NULL DEFAULT 0,
	early INTEGER NOT NULL DEFAULT 0,
	on_time INTEGER NOT NULL DEFAULT 0,
	late INTEGER NOT NULL DEFAULT 0,
	refused INTEGER NOT NULL DEFAULT 0,
	withdrawn INTEGER NOT NULL DEFAULT 0,
	returned INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (unit_id, day, procedure_code, channel)
) WITHOUT ROWID;
INSERT INTO dossier_stats_new SELECT unit_id, procedure_code, channel, day, submitted, received,
	finished, early, on_time, late, refused, withdrawn, returned FROM dossier_stats;
DROP TABLE dossier_stats;
ALTER TABLE dossier_stats_new RENAME TO dossier_stats;

CREATE TABLE dossier_pending_new (
	unit_id BIGINT NOT NULL,
	procedure_code TEXT NOT NULL,
	channel INTEGER NOT NULL,
	pending INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (unit_id, procedure_code, channel)
) WITHOUT ROWID;
INSERT INTO dossier_pending_new SELECT unit_id, procedure_code, channel, pending FROM dossier_pending;
DROP TABLE dossier_pending;
ALTER TABLE dossier_pending_new RENAME TO dossier_pending;

CREATE TABLE dossier_stats_unit_day_new (
	unit_id BIGINT NOT NULL,
	day INTEGER NOT NULL,
	channel INTEGER NOT NULL,
	submitted INTEGER NOT NULL DEFAULT 0,
	received INTEGER NOT NULL DEFAULT 0,
	finished INTEGER NOT NULL DEFAULT 0,
	early INTEGER NOT NULL DEFAULT 0,
	on_time INTEGER NOT NULL DEFAULT 0,
	late INTEGER NOT NULL DEFAULT 0,
	refused INTEGER NOT NULL DEFAULT 0,
	withdrawn INTEGER NOT NULL DEFAULT 0,
	returned INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (unit_id, day, channel)
) WITHOUT ROWID;
INSERT INTO dossier_stats_unit_day_new SELECT unit_id, day, channel, submitted, received, finished,
	early, on_time, late, refused, withdrawn, returned FROM dossier_stats_unit_day;
DROP TABLE dossier_stats_unit_day;
ALTER TABLE dossier_stats_unit_day_new RENAME TO dossier_stats_unit_day;

CREATE TABLE dossier_stats_month_new (
	unit_id BIGINT NOT NULL,
	month INTEGER NOT NULL,
	procedure_code TEXT NOT NULL,
	channel INTEGER NOT NULL,
	submitted INTEGER NOT NULL DEFAULT 0,
	received INTEGER NOT NULL DEFAULT 0,
	finished INTEGER NOT NULL DEFAULT 0,
	early INTEGER NOT NULL DEFAULT 0,
	on_time INTEGER NOT NULL DEFAULT 0,
	late INTEGER NOT NULL DEFAULT 0,
	refused INTEGER NOT NULL DEFAULT 0,
	withdrawn INTEGER NOT NULL DEFAULT 0,
	returned INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (unit_id, month, procedure_code, channel)
) WITHOUT ROWID;
INSERT INTO dossier_stats_month_new SELECT unit_id, month, procedure_code, channel, submitted, received,
	finished, early, on_time, late, refused, withdrawn, returned FROM dossier_stats_month;
DROP TABLE dossier_stats_month;
ALTER TABLE dossier_stats_month_new RENAME TO dossier_stats_month;
