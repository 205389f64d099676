-- The public procedure catalogue (issue 5). A procedure is its code; what it says
-- is a version: a draft until published, never changed once published (a dossier
-- keeps the version it was received under), retired when a newer one is published
-- or the procedure is taken out of the catalogue.

-- Fields (lĩnh vực), a managed list.
CREATE TABLE procedure_fields (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	created_at BIGINT NOT NULL
);

CREATE TABLE procedures (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,          -- national 2.000815, or a local variant
	latest_version INTEGER NOT NULL,
	published_version INTEGER,          -- NULL: not in the public catalogue
	created_at BIGINT NOT NULL
);

CREATE TABLE procedure_versions (
	procedure_id INTEGER NOT NULL REFERENCES procedures (id),
	version INTEGER NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
	-- what lists, filters and search need, from the document
	code TEXT NOT NULL,                 -- procedures.code again: the list's order, from its index
	name TEXT NOT NULL,
	search_text TEXT NOT NULL,          -- code, name and field folded (rules/fold.h): "chung thuc ban sao"
	field_id INTEGER NOT NULL REFERENCES procedure_fields (id),
	level TEXT NOT NULL CHECK (level IN ('city', 'district', 'ward')),
	inter_level INTEGER NOT NULL CHECK (inter_level IN (0, 1)),
	online TEXT NOT NULL CHECK (online IN ('full', 'partial', 'none')),
	time_amount INTEGER NOT NULL CHECK (time_amount >= 0),
	time_unit TEXT NOT NULL CHECK (time_unit IN ('day', 'hour')),
	doc TEXT NOT NULL,                  -- the whole version as its JSON document (features/procedures.h)
	created_by TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	published_at BIGINT,
	PRIMARY KEY (procedure_id, version)
);
-- What a list reads (procedure_list: the admin list's search and counts, and the
-- public catalogue that is kept in memory), without touching the stored documents.
CREATE INDEX procedure_versions_list ON procedure_versions
	(status, level, code, inter_level, online, field_id, search_text, procedure_id, version);
CREATE INDEX procedure_versions_field ON procedure_versions (field_id);
