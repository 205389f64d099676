-- The office (văn phòng) of an agency: the department where the records clerks who keep the
-- agency's documents work (Decree 30/2020/NĐ-CP: văn thư cơ quan). A records clerk's grant there
-- (or at the agency itself) counts for the agency; at another department it does not
-- (features/authz.h unit_tree_clerk_agency). Existing offices are known by their symbol, VP.
ALTER TABLE units ADD COLUMN office INTEGER NOT NULL DEFAULT 0 CHECK (office IN (0, 1));
UPDATE units SET office = 1 WHERE kind = 'department' AND short_name = 'VP';
