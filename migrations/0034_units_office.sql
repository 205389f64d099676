-- The office (văn phòng) of an agency: the department where the records clerks who keep the
-- agency's documents work (Decree 30/2020/NĐ-CP: văn thư cơ quan). A records clerk's grant there
-- (or at the agency itself) counts for the agency; at another department it does not
-- (features/authz.h unit_tree_clerk_agency). In an existing database the offices are the
-- departments named VP and those where a records clerk's grant is in force, so that no clerk
-- loses what he keeps today; an administrator clears the mark where it is wrong.
ALTER TABLE units ADD COLUMN office INTEGER NOT NULL DEFAULT 0 CHECK (office IN (0, 1));
UPDATE units SET office = 1
	WHERE kind = 'department' AND (short_name = 'VP' OR id IN
		(SELECT unit_id FROM role_grants WHERE role = 'records_clerk' AND revoked_at IS NULL));
