-- The portal's visitor statistics (issue 8 §2; src/features/visitors.c, docs/visitors.md).
-- Page views are counted in memory and added here every 2 seconds; the pages read only these
-- roll-ups, so a year of 10 million page views is some 365 rows of visitor_days and, for the
-- top pages, one row per path of visitor_pages_year (months and days only for the ends of a
-- period that cut a year or a month).

-- The visitors of the last half hour: a keyed hash of the day, the address and the User-Agent
-- (never the address itself), and their last request. A row goes once its visit is over (30
-- minutes without a request), so no hash is kept longer. `added`: the visits the last write
-- began (read back by the write itself, RETURNING).
CREATE TABLE visitor_seen (
	hash TEXT PRIMARY KEY,
	last_seen BIGINT NOT NULL,
	added INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX visitor_seen_last ON visitor_seen (last_seen);

-- Visits (counted on the day they begin) and page views per day.
CREATE TABLE visitor_days (
	day INTEGER PRIMARY KEY,                 -- YYYYMMDD, Asia/Ho_Chi_Minh
	visits BIGINT NOT NULL DEFAULT 0,
	views BIGINT NOT NULL DEFAULT 0
);

-- Page views per path: per day, per month and per year, for long periods.
CREATE TABLE visitor_pages (
	day INTEGER NOT NULL,                    -- YYYYMMDD
	path TEXT NOT NULL,
	views BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (day, path)
);
CREATE TABLE visitor_pages_month (
	month INTEGER NOT NULL,                  -- YYYYMM
	path TEXT NOT NULL,
	views BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (month, path)
);
CREATE TABLE visitor_pages_year (
	year INTEGER NOT NULL,                   -- YYYY
	path TEXT NOT NULL,
	views BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (year, path)
);
