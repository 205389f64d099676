-- Signing by order (ký thừa lệnh, Decree 30/2020/NĐ-CP art. 13(4)): the head of an agency may let
-- the head of its office or of some of its departments sign some types of document "TL.", as the
-- agency's working rules (quy chế làm việc) say. One row per department and type; an order that
-- ends is revoked, never deleted (features/doc_outgoing.h doc_sign_order_*).
CREATE TABLE doc_sign_orders (
	id BIGINT PRIMARY KEY,
	agency_id BIGINT NOT NULL REFERENCES units (id),
	unit_id BIGINT NOT NULL REFERENCES units (id),     -- the department whose head signs by order
	type INTEGER NOT NULL CHECK (type BETWEEN 1 AND 29), -- rules/document.h
	basis TEXT NOT NULL,                                -- the rules that say so
	created_by BIGINT NOT NULL REFERENCES accounts (id),
	created_at BIGINT NOT NULL,
	revoked_by BIGINT REFERENCES accounts (id),
	revoked_at BIGINT
);
CREATE UNIQUE INDEX doc_sign_orders_in_force ON doc_sign_orders (unit_id, type) WHERE revoked_at IS NULL;
CREATE INDEX doc_sign_orders_agency ON doc_sign_orders (agency_id, id);

-- the order a document was signed under (TL.), 0 when none (as sign_delegation for TUQ.)
ALTER TABLE doc_outgoing ADD COLUMN sign_order_id BIGINT NOT NULL DEFAULT 0;
