-- The audit log (DESIGN.md "Storage", issue 4 §5): one row per state-changing action,
-- appended by features/audit.c inside the transaction of the change it records.
-- seq is the row's key and a gapless number from the counter ('audit', '', ''), taken in
-- that same transaction, never autoincrement: a rolled-back change leaves no hole, so a
-- hole means a deleted row. hash = BLAKE2b-256 over the row's fields and prev_hash (the
-- previous row's hash, 64 zeros for the first), both lowercase hex; the encoding is in
-- features/audit.h. `motcua audit verify` walks the chain.
--
-- Append-only: motcua has no code that updates or deletes these rows. Triggers refusing
-- UPDATE and DELETE differ by dialect and would belong in per-backend migrations; they
-- are not here, and anyone with write access to the database can still change rows: the
-- chain is what detects that.
CREATE TABLE audit_log (
	seq INTEGER PRIMARY KEY CHECK (seq >= 1),
	at TEXT NOT NULL,          -- UTC, ISO-8601 with microseconds: 2026-11-26T17:04:01.123456Z
	actor TEXT NOT NULL,       -- 'user:12', 'system', 'cli'
	unit TEXT NOT NULL DEFAULT '',   -- the actor's unit id, '' when none
	client TEXT NOT NULL DEFAULT '', -- keyed hash of the client address, never the address
	action TEXT NOT NULL,      -- 'unit.create', 'session.login_failed'
	object TEXT NOT NULL,      -- 'unit:5', or '' when the action has none
	detail TEXT NOT NULL,      -- a JSON object, '{}' when there is nothing more to say
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
