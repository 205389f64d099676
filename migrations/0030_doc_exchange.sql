-- The exchange of documents between agencies (issue 9 §4; features/doc_exchange.h, docs/edxml.md):
-- edXML messages (QCVN 102:2016) that arrive in an agency's electronic inbox, from another agency
-- of this system (delivered when the sender issues the document) or from outside (the API), the
-- status messages that go back, and those waiting for a connector to the national hub. Nothing
-- is deleted. Ids from counter_next("id", "<table>").

-- An agency's electronic inbox (văn bản điện tử đến): one row per message and receiving agency.
CREATE TABLE doc_exchange_inbox (
	id BIGINT PRIMARY KEY,
	agency_id BIGINT NOT NULL REFERENCES units (id),   -- the receiving agency
	message_sha TEXT NOT NULL,                         -- the edXML as received, in the file store
	message_size BIGINT NOT NULL,
	-- the message's key fields, for the list and the registration form
	document_id TEXT NOT NULL,                         -- DocumentId: the key status messages name
	sender_id TEXT NOT NULL,                           -- From/OrganId: "000.00.15.H26"
	sender_name TEXT NOT NULL,                         -- From/OrganName
	sender_unit_id BIGINT REFERENCES units (id),       -- when From is an agency of this system
	code TEXT NOT NULL,                                -- số, ký hiệu: "147/KH-UBND"
	doc_date INTEGER NOT NULL,                         -- PromulgationDate, YYYYMMDD
	type INTEGER NOT NULL CHECK (type BETWEEN 1 AND 29),
	subject TEXT NOT NULL,                             -- trích yếu
	signer TEXT NOT NULL DEFAULT '',                   -- "KT. CHỦ TỊCH, Phó Chủ tịch Nguyễn Văn A"
	due_date INTEGER NOT NULL DEFAULT 0,               -- DueDate, YYYYMMDD, 0 for none
	urgency INTEGER NOT NULL DEFAULT 1 CHECK (urgency BETWEEN 1 AND 4),
	pages INTEGER NOT NULL DEFAULT 0,
	nfiles INTEGER NOT NULL DEFAULT 0,
	received_at BIGINT NOT NULL,
	received_by BIGINT REFERENCES accounts (id),       -- who posted it; NULL: delivered by the system
	state INTEGER NOT NULL DEFAULT 1 CHECK (state BETWEEN 1 AND 3), -- 1 arrived, 2 registered, 3 refused
	doc_in_id BIGINT REFERENCES doc_incoming (id),     -- registered as this incoming document
	reason TEXT NOT NULL DEFAULT '',                   -- why it was refused
	acted_by BIGINT REFERENCES accounts (id),          -- who registered or refused it
	acted_at BIGINT NOT NULL DEFAULT 0,
	last_status INTEGER NOT NULL DEFAULT 0,            -- the last status code sent back
	-- sender id and DocumentId while not refused: the same message twice is refused (409); a
	-- refused one may come again
	dup_key TEXT,
	UNIQUE (agency_id, dup_key)
);
CREATE INDEX doc_exchange_inbox_agency ON doc_exchange_inbox (agency_id, state, received_at);
CREATE INDEX doc_exchange_inbox_doc ON doc_exchange_inbox (doc_in_id);

-- Its attached files, kept in the file store when the message arrived (the first is the
-- incoming document's file once registered).
CREATE TABLE doc_exchange_inbox_files (
	inbox_id BIGINT NOT NULL REFERENCES doc_exchange_inbox (id),
	k INTEGER NOT NULL,                                -- 1, 2, … in the message's order
	sha TEXT NOT NULL,
	name TEXT NOT NULL,
	mime TEXT NOT NULL,
	size BIGINT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (inbox_id, k)
);

-- Status messages received by the sender about its outgoing documents: from another agency of
-- this system, or from outside.
CREATE TABLE doc_exchange_status (
	id BIGINT PRIMARY KEY,
	out_doc_id BIGINT NOT NULL REFERENCES doc_outgoing (id),
	agency_id BIGINT REFERENCES units (id),            -- the recipient when it is an agency here
	organ_id TEXT NOT NULL,                            -- the recipient's organ id (From of the status)
	organ_name TEXT NOT NULL,
	status INTEGER NOT NULL,                           -- StatusCode: 1 arrived … 6 done (enum edxml_status_code)
	description TEXT NOT NULL DEFAULT '',
	staff TEXT NOT NULL DEFAULT '',                    -- StaffInfo: "Lê Thu Trang, Văn phòng"
	at BIGINT NOT NULL,                                -- its Timestamp
	received_at BIGINT NOT NULL,
	message TEXT NOT NULL                              -- the status edXML as received
);
CREATE INDEX doc_exchange_status_doc ON doc_exchange_status (out_doc_id, id);

-- Status messages for senders outside this system, waiting for the connector to the national
-- hub, which sends them in id order and sets sent_at (docs/edxml.md).
CREATE TABLE doc_exchange_outbox (
	id BIGINT PRIMARY KEY,
	inbox_id BIGINT NOT NULL REFERENCES doc_exchange_inbox (id),
	to_organ TEXT NOT NULL,                            -- the sender's organ id
	status INTEGER NOT NULL,
	message TEXT NOT NULL,                             -- the status edXML
	created_at BIGINT NOT NULL,
	sent_at BIGINT                                     -- NULL until sent
);
CREATE INDEX doc_exchange_outbox_unsent ON doc_exchange_outbox (id) WHERE sent_at IS NULL;
CREATE INDEX doc_exchange_outbox_inbox ON doc_exchange_outbox (inbox_id);
