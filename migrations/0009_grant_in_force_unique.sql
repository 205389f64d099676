-- One grant in force per account, role and unit (issue 4): concurrent grants on
-- PostgreSQL could otherwise leave two, and revoking one left the role working.
CREATE UNIQUE INDEX role_grants_in_force ON role_grants (account_id, role, unit_id) WHERE revoked_at IS NULL;
