-- Outgoing documents (issue 9 §2, văn bản đi; features/doc_outgoing.h): drafted in a unit,
-- reviewed, signed by the agency's leader (the file fixed then, its SHA-256 kept), numbered by
-- the agency's records clerk (Decree 30/2020: numbers from 01 on 1 January, per agency and year,
-- from the counter ('doc_out', agency id, year) in the transaction that issues). Nothing is
-- deleted: every file version stays, a withdrawn document keeps its number. Each change is also
-- in the audit chain (doc_out.*).
CREATE TABLE doc_outgoing (
	id BIGINT PRIMARY KEY,                            -- from the counter ('id', 'doc_outgoing')
	agency_id BIGINT NOT NULL REFERENCES units (id),  -- the issuing agency (unit_tree_agency)
	unit_id BIGINT NOT NULL REFERENCES units (id),    -- the drafting unit (đơn vị soạn thảo)
	type INTEGER NOT NULL CHECK (type BETWEEN 1 AND 29),        -- rules/document.h
	summary TEXT NOT NULL,                            -- trích yếu
	recipients TEXT NOT NULL DEFAULT '',              -- nơi nhận as written, one a line
	urgency INTEGER NOT NULL DEFAULT 1 CHECK (urgency BETWEEN 1 AND 4),
	secrecy INTEGER NOT NULL DEFAULT 1 CHECK (secrecy BETWEEN 1 AND 4),
	status INTEGER NOT NULL DEFAULT 1 CHECK (status BETWEEN 1 AND 6),  -- enum doc_out_status
	search_text TEXT NOT NULL DEFAULT '',             -- summary and symbol folded (rules/fold.h)
	drafter_id BIGINT NOT NULL REFERENCES accounts (id),
	-- the current file (the last of doc_outgoing_files)
	file_version INTEGER NOT NULL DEFAULT 1,
	file_sha TEXT NOT NULL,
	file_name TEXT NOT NULL,
	file_mime TEXT NOT NULL,
	file_size BIGINT NOT NULL,
	-- signing (ký ban hành): the file is fixed from then on
	signer_id BIGINT REFERENCES accounts (id),
	signer_name TEXT NOT NULL DEFAULT '',
	signer_title TEXT NOT NULL DEFAULT '',            -- "Phó Chủ tịch"
	sign_notation TEXT NOT NULL DEFAULT '',           -- "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\n…"
	sign_delegation BIGINT NOT NULL DEFAULT 0,        -- the delegation used (TUQ.), 0 when none
	signed_at BIGINT NOT NULL DEFAULT 0,
	signed_sha TEXT NOT NULL DEFAULT '',              -- SHA-256 of the file signed
	-- issuing (ban hành): number and symbol
	number BIGINT,                                    -- NULL until issued
	number_year INTEGER,                              -- the year of the issue date
	symbol TEXT NOT NULL DEFAULT '',                  -- "147/KH-UBND", "123/UBND-TP"
	issued_day INTEGER NOT NULL DEFAULT 0,            -- YYYYMMDD (Vietnam time), 0 until issued
	issued_at BIGINT NOT NULL DEFAULT 0,
	issued_by BIGINT REFERENCES accounts (id),        -- NULL: numbered by the system at signing
	copies INTEGER NOT NULL DEFAULT 0,                -- số lượng bản
	-- withdrawal (thu hồi)
	withdrawn_at BIGINT NOT NULL DEFAULT 0,
	withdrawn_by BIGINT REFERENCES accounts (id),
	withdraw_reason TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (agency_id, number_year, number),
	CHECK ((number IS NULL) = (status < 5)),
	CHECK (status < 4 OR signed_sha <> '')
);
CREATE INDEX doc_outgoing_agency ON doc_outgoing (agency_id, status, created_at);
CREATE INDEX doc_outgoing_unit ON doc_outgoing (unit_id, status);
CREATE INDEX doc_outgoing_drafter ON doc_outgoing (drafter_id);
CREATE INDEX doc_outgoing_issued ON doc_outgoing (agency_id, issued_day);

-- Every file a document had, version 1 the first; kept after a replacement.
CREATE TABLE doc_outgoing_files (
	doc_id BIGINT NOT NULL REFERENCES doc_outgoing (id),
	version INTEGER NOT NULL,
	sha TEXT NOT NULL,
	name TEXT NOT NULL,
	mime TEXT NOT NULL,
	size BIGINT NOT NULL,
	uploaded_by BIGINT NOT NULL REFERENCES accounts (id),
	uploaded_at BIGINT NOT NULL,
	PRIMARY KEY (doc_id, version)
);

-- The motcua units a document is sent to (for the exchange between agencies), besides the
-- recipients written as text.
CREATE TABLE doc_outgoing_recipients (
	doc_id BIGINT NOT NULL REFERENCES doc_outgoing (id),
	unit_id BIGINT NOT NULL REFERENCES units (id),
	PRIMARY KEY (doc_id, unit_id)
);
CREATE INDEX doc_outgoing_recipients_unit ON doc_outgoing_recipients (unit_id);

-- What happened to a document: made, edited, submitted, commented, returned, forwarded, signed,
-- issued, withdrawn; by whom (the name as it was), with the note or reason.
CREATE TABLE doc_outgoing_events (
	id BIGINT PRIMARY KEY,                            -- from the counter ('id', 'doc_outgoing_events')
	doc_id BIGINT NOT NULL REFERENCES doc_outgoing (id),
	at BIGINT NOT NULL,
	account_id BIGINT REFERENCES accounts (id),       -- NULL: the system
	actor_name TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,                             -- "create", "edit", "submit", … "withdraw"
	from_status INTEGER NOT NULL,
	to_status INTEGER NOT NULL,
	note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX doc_outgoing_events_doc ON doc_outgoing_events (doc_id, id);
CREATE INDEX doc_outgoing_events_account ON doc_outgoing_events (account_id, doc_id);
