-- Roles granted at units (issue 4), replacing account_roles: a role is held at
-- a unit and, when reaches_descendants is set, at the units below it. Grants are
-- never deleted: a revocation is recorded (who, when), so "who could sign on
-- 12/03?" has an answer.
CREATE TABLE role_grants (
	id INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts (id),
	role TEXT NOT NULL,
	unit_id INTEGER NOT NULL REFERENCES units (id),
	reaches_descendants INTEGER NOT NULL DEFAULT 0 CHECK (reaches_descendants IN (0, 1)),
	granted_by TEXT NOT NULL,            -- 'account:N' or 'cli'
	granted_at BIGINT NOT NULL,          -- seconds since the epoch
	revoked_by TEXT,
	revoked_at BIGINT
);
CREATE INDEX role_grants_account ON role_grants (account_id);
CREATE INDEX role_grants_unit ON role_grants (unit_id);

-- The roles held so far, each at its holder's unit (an admin's reaching the units below).
INSERT INTO role_grants (id, account_id, role, unit_id, reaches_descendants, granted_by, granted_at)
SELECT ROW_NUMBER() OVER (ORDER BY r.account_id, r.role), r.account_id, r.role, a.unit_id,
       CASE WHEN r.role = 'admin' THEN 1 ELSE 0 END, 'migration', 0
FROM account_roles r JOIN accounts a ON a.id = r.account_id
WHERE a.unit_id IS NOT NULL;
INSERT INTO counters (name, scope, period, value)
SELECT 'id', 'role_grants', '', COUNT(*) FROM role_grants;
DROP TABLE account_roles;

-- Delegations (ủy quyền, Decree 30/2020/NĐ-CP art. 13): one power of its holder,
-- at one unit, to a named official, for [valid_from, valid_to), on a written
-- decision. Revocation is recorded, never a deletion.
CREATE TABLE delegations (
	id INTEGER PRIMARY KEY,
	from_account INTEGER NOT NULL REFERENCES accounts (id),
	to_account INTEGER NOT NULL REFERENCES accounts (id),
	power TEXT NOT NULL,                 -- an action of the permission table, e.g. certification.sign
	unit_id INTEGER NOT NULL REFERENCES units (id),
	valid_from BIGINT NOT NULL,
	valid_to BIGINT NOT NULL,
	decision_no TEXT NOT NULL,           -- e.g. 15/QĐ-UBND
	decision_date TEXT NOT NULL,         -- YYYY-MM-DD
	note TEXT NOT NULL DEFAULT '',
	created_by TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	revoked_by TEXT,
	revoked_at BIGINT,
	revoke_reason TEXT,
	CHECK (valid_to > valid_from),
	CHECK (from_account <> to_account)
);
CREATE INDEX delegations_to ON delegations (to_account);
CREATE INDEX delegations_from ON delegations (from_account);
CREATE INDEX delegations_unit ON delegations (unit_id);
