-- Incoming documents (văn bản đến, Decree 30/2020/NĐ-CP art. 20-24; features/doc_incoming.h):
-- registered by an agency's records clerk with an arrival number consecutive within the year
-- at the agency (counter "doc_in_arrival", scope the agency id, period the arrival year in
-- UTC+7, taken in the transaction that writes the row), assigned by a leader (bút phê) to a
-- lead and to units or people that coordinate or only need to know, handled and finished.
-- Nothing is deleted: a document filed for information keeps its row. Ids from
-- counter_next("id", "<table>").
CREATE TABLE doc_incoming (
	id INTEGER PRIMARY KEY,
	agency_id INTEGER NOT NULL REFERENCES units (id),  -- the receiving agency (ward, district…)
	arrival_year INTEGER NOT NULL,                     -- the year of arrived_at in UTC+7
	arrival_no INTEGER NOT NULL CHECK (arrival_no > 0), -- số đến
	arrived_at BIGINT NOT NULL,                        -- ngày, giờ đến
	sender TEXT NOT NULL,                              -- tác giả: the sending agency as written
	sender_unit_id INTEGER REFERENCES units (id),      -- when it is a motcua unit, else NULL
	sender_key TEXT NOT NULL,                          -- sender folded (rules/fold.h), for the filter
	symbol TEXT NOT NULL,                              -- số, ký hiệu: "147/KH-UBND", '' for none
	doc_date INTEGER NOT NULL,                         -- the document's date, YYYYMMDD
	type INTEGER NOT NULL CHECK (type BETWEEN 1 AND 29),
	summary TEXT NOT NULL,                             -- trích yếu nội dung
	urgency INTEGER NOT NULL CHECK (urgency BETWEEN 1 AND 4),
	secrecy INTEGER NOT NULL CHECK (secrecy BETWEEN 1 AND 4),
	reply_due INTEGER NOT NULL DEFAULT 0,              -- the reply it asks for by, YYYYMMDD; 0 none
	pages INTEGER NOT NULL DEFAULT 0 CHECK (pages >= 0),
	copies INTEGER NOT NULL DEFAULT 0 CHECK (copies >= 0),
	notes TEXT NOT NULL DEFAULT '',
	file_sha TEXT NOT NULL DEFAULT '',                 -- features/files.h; '' when no scan
	file_name TEXT NOT NULL DEFAULT '',
	file_mime TEXT NOT NULL DEFAULT '',
	file_size BIGINT NOT NULL DEFAULT 0,
	status INTEGER NOT NULL CHECK (status BETWEEN 1 AND 4), -- enum doc_in_status
	due INTEGER NOT NULL DEFAULT 0,                    -- handling deadline set by the assignment, YYYYMMDD
	instructions TEXT NOT NULL DEFAULT '',             -- ý kiến chỉ đạo
	assigned_by INTEGER REFERENCES accounts (id),
	assigned_at BIGINT NOT NULL DEFAULT 0,
	done_at BIGINT NOT NULL DEFAULT 0,                 -- finished by its lead, or filed
	reply_out_id BIGINT NOT NULL DEFAULT 0,            -- the outgoing document that answers it
	search TEXT NOT NULL,                              -- summary, sender, symbol folded (rules/fold.h)
	dup_key TEXT,                                      -- sender|symbol|date folded; NULL without a symbol
	registered_by INTEGER REFERENCES accounts (id),    -- NULL when made by the system (demo, exchange)
	created_at BIGINT NOT NULL,
	UNIQUE (agency_id, arrival_year, arrival_no),
	UNIQUE (agency_id, dup_key)
);
CREATE INDEX doc_incoming_arrived ON doc_incoming (agency_id, arrived_at);
CREATE INDEX doc_incoming_file ON doc_incoming (file_sha);

-- Who got it: a unit of the agency or a person, as lead (chủ trì), coordinating (phối hợp)
-- or for information (để biết); a row forwarded within a unit points to the unit's row.
CREATE TABLE doc_in_recipients (
	id INTEGER PRIMARY KEY,
	doc_id INTEGER NOT NULL REFERENCES doc_incoming (id),
	parent_id INTEGER REFERENCES doc_in_recipients (id),
	unit_id INTEGER REFERENCES units (id),
	account_id INTEGER REFERENCES accounts (id),
	role INTEGER NOT NULL CHECK (role BETWEEN 1 AND 3),  -- enum doc_recipient_role
	state INTEGER NOT NULL CHECK (state BETWEEN 1 AND 4), -- enum doc_recipient_state
	note TEXT NOT NULL DEFAULT '',                      -- the forwarding leader's note
	assigned_by INTEGER REFERENCES accounts (id),
	assigned_at BIGINT NOT NULL,
	read_at BIGINT NOT NULL DEFAULT 0,
	started_at BIGINT NOT NULL DEFAULT 0,
	done_at BIGINT NOT NULL DEFAULT 0,
	acted_by INTEGER REFERENCES accounts (id),          -- who changed the state last
	reply_out_id BIGINT NOT NULL DEFAULT 0,
	due_reminded_at BIGINT NOT NULL DEFAULT 0,          -- the "due tomorrow" email queued
	late_reminded_at BIGINT NOT NULL DEFAULT 0,         -- the "overdue" email queued
	CHECK ((unit_id IS NULL AND account_id IS NOT NULL) OR (unit_id IS NOT NULL AND account_id IS NULL))
);
CREATE INDEX doc_in_recipients_doc ON doc_in_recipients (doc_id);
CREATE INDEX doc_in_recipients_account ON doc_in_recipients (account_id);
CREATE INDEX doc_in_recipients_unit ON doc_in_recipients (unit_id);

-- The document's history as its page shows it (the audit chain has the same, signed).
CREATE TABLE doc_in_events (
	id INTEGER PRIMARY KEY,
	doc_id INTEGER NOT NULL REFERENCES doc_incoming (id),
	at BIGINT NOT NULL,
	account_id INTEGER REFERENCES accounts (id),        -- NULL: the system
	action TEXT NOT NULL,                               -- register, assign, forward, read, start, done, file
	detail TEXT NOT NULL DEFAULT ''                     -- what it said: recipients, note, reply
);
CREATE INDEX doc_in_events_doc ON doc_in_events (doc_id);
