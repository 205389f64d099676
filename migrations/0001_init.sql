-- Gapless counters: receipt numbers, document numbers, arrival numbers and the
-- daily dossier sequence are taken from a row here, updated in the same
-- transaction as the row that uses the number (DESIGN.md "Storage").
CREATE TABLE counters (
	name TEXT NOT NULL,        -- what is counted, e.g. 'dossier'
	scope TEXT NOT NULL,       -- the unit, book or agency the sequence belongs to
	period TEXT NOT NULL,      -- '2026', '261126', or '' when it never restarts
	value BIGINT NOT NULL DEFAULT 0 CHECK (value >= 0), -- BIGINT: 64-bit on PostgreSQL too
	PRIMARY KEY (name, scope, period)
);

-- Settings of the site (the unit named on the portal, contact details in the footer),
-- written by `motcua demo` and later by the admin pages; flags and environment override them.
CREATE TABLE settings (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
