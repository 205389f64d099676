-- Email to citizens (issue 6): every message is written to this outbox in the
-- transaction of what it tells of, then sent by the server's mail thread
-- (features/mail.c) and kept as the record of what was sent, when, or why not.
CREATE TABLE mail_outbox (
	id INTEGER PRIMARY KEY,             -- from counter_next("id", "mail_outbox")
	kind TEXT NOT NULL,                 -- why: "dossier.received", "dossier.supplement", …
	ref TEXT,                           -- what about: a dossier code
	to_addr TEXT NOT NULL,              -- one address (personal data: never logged)
	subject TEXT NOT NULL,
	body TEXT NOT NULL,                 -- UTF-8 plain text
	status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	-- queued: when it is due; while a sender holds it, the end of that sender's lease
	next_at BIGINT NOT NULL,
	last_error TEXT,                    -- the last failed attempt's error
	created_at BIGINT NOT NULL,
	sent_at BIGINT
);
-- The sender's look: queued messages due by now, oldest first. Sent and failed
-- messages stay out of it however many there are.
CREATE INDEX mail_outbox_due ON mail_outbox (next_at, id) WHERE status = 'queued';
-- The messages about one dossier.
CREATE INDEX mail_outbox_ref ON mail_outbox (ref);
