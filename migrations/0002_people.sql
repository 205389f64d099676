-- People and power: the organisation tree, accounts, roles, sessions, login throttling.
-- Ids are taken from the counters table by the application (portable: no
-- AUTOINCREMENT or SERIAL), see src/features/org.c and accounts.c.

-- Units of any depth: city → district → ward → department; the 2025 two-level
-- model (province → commune) uses the same rows with other kinds.
CREATE TABLE units (
	id INTEGER PRIMARY KEY,
	parent_id INTEGER REFERENCES units (id),
	kind TEXT NOT NULL CHECK (kind IN ('province', 'city', 'district', 'ward', 'commune',
					   'department', 'onestop')),
	agency_code TEXT NOT NULL UNIQUE,   -- QCVN 102:2016, e.g. 000.00.00.H26
	name TEXT NOT NULL,
	short_name TEXT NOT NULL,           -- in document symbols: UBND, VP, TP
	tax_code TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT '',
	active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	created_at TEXT NOT NULL
);
CREATE INDEX units_parent ON units (parent_id);

-- Staff (username) and citizens (email or phone, citizen ID); Argon2id hashes.
CREATE TABLE accounts (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('staff', 'citizen')),
	username TEXT UNIQUE,
	email TEXT,
	phone TEXT,
	full_name TEXT NOT NULL,
	position TEXT NOT NULL DEFAULT '',
	unit_id INTEGER REFERENCES units (id),
	citizen_id TEXT UNIQUE,
	password_hash TEXT NOT NULL,
	active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	created_at TEXT NOT NULL
);

CREATE TABLE account_roles (
	account_id INTEGER NOT NULL REFERENCES accounts (id),
	role TEXT NOT NULL,
	PRIMARY KEY (account_id, role)
);

-- Sessions live in the database so every motcua process knows them. The token
-- itself is never stored: only its BLAKE2b-256 hash (hex).
CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts (id),
	csrf TEXT NOT NULL,
	created_at BIGINT NOT NULL,         -- seconds since the epoch (BIGINT: past 2038 on PostgreSQL)
	last_seen BIGINT NOT NULL,
	ended_at BIGINT                     -- logout or expiry noticed
);
CREATE INDEX sessions_account ON sessions (account_id);

-- Failed logins per key (hashed user name, hashed address), for throttling across processes.
CREATE TABLE login_failures (
	key TEXT NOT NULL,
	at BIGINT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);
