-- Deliveries of issued outgoing documents to the other agencies of this system (issue 9 §4;
-- features/doc_exchange.h, docs/edxml.md "Sending"). The transaction that issues a document only
-- records its job here; a background pass (features/reminders.c) builds the edXML message and puts
-- it into each recipient agency's inbox after the commit, one document per transaction. A server
-- claims a job by a guarded UPDATE that takes its lease (lease_owner, lease_until), so two servers
-- never deliver the same document; a failed attempt is tried again later (next_at), and after the
-- last one the job is failed with the reason. Nothing is deleted.
CREATE TABLE doc_exchange_deliveries (
	out_doc_id BIGINT PRIMARY KEY REFERENCES doc_outgoing (id),
	state INTEGER NOT NULL DEFAULT 1 CHECK (state BETWEEN 1 AND 3), -- 1 waiting, 2 sent, 3 failed
	agencies INTEGER NOT NULL,                          -- recipient agencies of this system
	attempts INTEGER NOT NULL DEFAULT 0,                -- attempts begun
	next_at BIGINT NOT NULL,                            -- waiting: not tried before this time
	lease_owner TEXT NOT NULL DEFAULT '',               -- who holds the attempt in hand (random)
	lease_until BIGINT NOT NULL DEFAULT 0,              -- ... until then: after, anyone may take it
	created_at BIGINT NOT NULL,                         -- when the document was issued
	sent_at BIGINT NOT NULL DEFAULT 0,                  -- when it was delivered, 0 before
	error TEXT NOT NULL DEFAULT ''                      -- why the last attempt failed (an English msgid)
);
CREATE INDEX doc_exchange_deliveries_due ON doc_exchange_deliveries (state, next_at);
