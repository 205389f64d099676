-- Statistics rolled up as dossiers move (issue 6, "flat as the data grows"): a year of a district
-- and its wards is some 370,000 rows of dossier_stats (unit x day x procedure x channel); the
-- dashboard reads these instead: per unit and day without the procedure (the daily series and
-- the totals), and per unit and month with it (the procedures of the whole months of a period).

CREATE TABLE dossier_stats_unit_day (
	unit_id BIGINT NOT NULL,
	day INTEGER NOT NULL,                   -- YYYYMMDD, local
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
);

CREATE TABLE dossier_stats_month (
	unit_id BIGINT NOT NULL,
	month INTEGER NOT NULL,                 -- YYYYMM, local
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
);

INSERT INTO dossier_stats_unit_day (unit_id, day, channel, submitted, received, finished, early, on_time,
	late, refused, withdrawn, returned)
SELECT unit_id, day, channel, SUM(submitted), SUM(received), SUM(finished), SUM(early), SUM(on_time),
	SUM(late), SUM(refused), SUM(withdrawn), SUM(returned)
FROM dossier_stats GROUP BY unit_id, day, channel;

INSERT INTO dossier_stats_month (unit_id, month, procedure_code, channel, submitted, received, finished,
	early, on_time, late, refused, withdrawn, returned)
SELECT unit_id, day / 100, procedure_code, channel, SUM(submitted), SUM(received), SUM(finished),
	SUM(early), SUM(on_time), SUM(late), SUM(refused), SUM(withdrawn), SUM(returned)
FROM dossier_stats GROUP BY unit_id, day / 100, procedure_code, channel;
