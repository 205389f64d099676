-- Online payments of dossier fees (issue 7 §6): one row per attempt, kept. The provider
-- confirms or fails it by a signed callback; a confirmed payment issues the receipt once.
CREATE TABLE payments (
	id BIGINT PRIMARY KEY,
	dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
	provider TEXT NOT NULL,                 -- 'sandbox'
	amount BIGINT NOT NULL CHECK (amount > 0),
	status INTEGER NOT NULL,                -- 1 pending, 2 paid, 3 failed
	provider_ref TEXT NOT NULL DEFAULT '',
	receipt_id BIGINT REFERENCES receipts (id),
	created_by BIGINT REFERENCES accounts (id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX payments_dossier ON payments (dossier_id);
