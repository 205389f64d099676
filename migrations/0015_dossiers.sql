-- The one-stop shop (issue 6): dossiers from intake to result (Decree 61/2018/NĐ-CP,
-- Circular 01/2018/TT-VPCP). A dossier is never deleted: refused and withdrawn ones stay,
-- with their timeline. Times are seconds since the epoch, 0 when not yet.

CREATE TABLE dossiers (
	id BIGINT PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,              -- 000.01.15.H26-261126-0001 (art. 19)
	procedure_id INTEGER NOT NULL REFERENCES procedures (id),
	procedure_code TEXT NOT NULL,
	procedure_version INTEGER NOT NULL,     -- the version it was received under
	procedure_name TEXT NOT NULL,
	-- the applicant and who submits for him (name '' when nobody)
	a_name TEXT NOT NULL,
	a_id_no TEXT NOT NULL,
	a_birth TEXT NOT NULL,
	a_phone TEXT NOT NULL,
	a_email TEXT NOT NULL,
	a_address TEXT NOT NULL,
	r_name TEXT NOT NULL,
	r_id_no TEXT NOT NULL,
	r_phone TEXT NOT NULL,
	r_email TEXT NOT NULL,
	r_address TEXT NOT NULL,
	-- what the public lookup accepts with the code: the last 4 digits of the phone and the ID
	check_phone TEXT NOT NULL,
	check_id TEXT NOT NULL,
	channel INTEGER NOT NULL CHECK (channel IN (1, 2, 3)),
	owner_account BIGINT,                   -- the citizen's account when submitted online
	receiving_unit BIGINT NOT NULL REFERENCES units (id),
	current_unit BIGINT NOT NULL REFERENCES units (id),
	assignee BIGINT REFERENCES accounts (id),
	status INTEGER NOT NULL,                -- enum dossier_status (rules/dossier.h)
	outcome INTEGER NOT NULL DEFAULT 0,     -- DA_APPROVE or DA_REJECT once decided
	step INTEGER NOT NULL DEFAULT 0,        -- the current step of dossier_steps
	nevents INTEGER NOT NULL DEFAULT 0,     -- the last seq of dossier_events
	submitted_at BIGINT NOT NULL,
	received_at BIGINT NOT NULL DEFAULT 0,
	due_at BIGINT NOT NULL DEFAULT 0,       -- the appointment now (moved by form 04 and supplements)
	first_due_at BIGINT NOT NULL DEFAULT 0, -- what on-time verdicts count against
	transfer_due_at BIGINT NOT NULL DEFAULT 0,
	finished_at BIGINT NOT NULL DEFAULT 0,  -- decided (approved or rejected)
	returned_at BIGINT NOT NULL DEFAULT 0,
	paused_at BIGINT NOT NULL DEFAULT 0,    -- supplement asked during processing
	apology_at BIGINT NOT NULL DEFAULT 0,   -- form 04
	apology_due_at BIGINT NOT NULL DEFAULT 0,
	apology_reason TEXT NOT NULL DEFAULT '',
	verdict INTEGER NOT NULL DEFAULT 0,
	hours INTEGER NOT NULL,                 -- statutory working hours (0 = the same day)
	fee_due BIGINT NOT NULL DEFAULT 0,
	fee_paid INTEGER NOT NULL DEFAULT 0 CHECK (fee_paid IN (0, 1)),
	pages INTEGER NOT NULL DEFAULT 0,
	copies INTEGER NOT NULL DEFAULT 0,
	result_text TEXT NOT NULL DEFAULT '',
	result_file TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	updated_at BIGINT NOT NULL
);
-- work queues: a unit's dossiers by status and due instant
CREATE INDEX dossiers_queue ON dossiers (current_unit, status, due_at);
CREATE INDEX dossiers_assignee ON dossiers (assignee, status, due_at);
-- open dossiers of a receiving unit by due instant (pending, overdue)
CREATE INDEX dossiers_open ON dossiers (receiving_unit, status, due_at);
CREATE INDEX dossiers_owner ON dossiers (owner_account, submitted_at);
-- the tracking book (form 06): what a unit received in a period
CREATE INDEX dossiers_received ON dossiers (receiving_unit, received_at);

-- The steps of the internal process, copied from the procedure version at receipt.
CREATE TABLE dossier_steps (
	dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
	idx INTEGER NOT NULL,
	name TEXT NOT NULL,
	responsible TEXT NOT NULL,
	role TEXT NOT NULL,
	level INTEGER NOT NULL,
	unit_id BIGINT,
	hours INTEGER NOT NULL,
	started_at BIGINT NOT NULL DEFAULT 0,
	due_at BIGINT NOT NULL DEFAULT 0,
	finished_at BIGINT NOT NULL DEFAULT 0,
	by_account BIGINT,
	by_name TEXT NOT NULL DEFAULT '',
	verdict INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (dossier_id, idx)
);

-- The required documents and what the dossier has of each.
CREATE TABLE dossier_docs (
	dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
	idx INTEGER NOT NULL,
	name TEXT NOT NULL,
	kind INTEGER NOT NULL,
	count INTEGER NOT NULL,
	provided INTEGER NOT NULL DEFAULT 0 CHECK (provided IN (0, 1)),
	file_sha TEXT NOT NULL DEFAULT '',
	file_name TEXT NOT NULL DEFAULT '',
	file_mime TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (dossier_id, idx)
);

-- The timeline: who, when, what, status before → after, note; public rows show on /tra-cuu.
CREATE TABLE dossier_events (
	dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
	seq INTEGER NOT NULL,
	at BIGINT NOT NULL,
	actor_account BIGINT,
	actor_name TEXT NOT NULL,
	action INTEGER NOT NULL,
	status_from INTEGER NOT NULL,
	status_to INTEGER NOT NULL,
	note TEXT NOT NULL,
	public INTEGER NOT NULL CHECK (public IN (0, 1)),
	PRIMARY KEY (dossier_id, seq)
);

-- Statistics kept as dossiers move, never recomputed by scanning: per receiving unit,
-- procedure, channel and local day (YYYYMMDD).
CREATE TABLE dossier_stats (
	unit_id BIGINT NOT NULL,
	procedure_code TEXT NOT NULL,
	channel INTEGER NOT NULL,
	day INTEGER NOT NULL,
	submitted INTEGER NOT NULL DEFAULT 0,   -- online submissions
	received INTEGER NOT NULL DEFAULT 0,
	finished INTEGER NOT NULL DEFAULT 0,
	early INTEGER NOT NULL DEFAULT 0,
	on_time INTEGER NOT NULL DEFAULT 0,
	late INTEGER NOT NULL DEFAULT 0,
	refused INTEGER NOT NULL DEFAULT 0,
	withdrawn INTEGER NOT NULL DEFAULT 0,
	returned INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (unit_id, day, procedure_code, channel)
);

-- Dossiers received and not yet decided, per unit, procedure and channel.
CREATE TABLE dossier_pending (
	unit_id BIGINT NOT NULL,
	procedure_code TEXT NOT NULL,
	channel INTEGER NOT NULL,
	pending INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (unit_id, procedure_code, channel)
);
