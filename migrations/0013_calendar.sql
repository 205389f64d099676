-- The working-time calendar (features/calendar.c): the days it names, as an
-- admin edits them. A year is stored whole the first time it is needed, with
-- the law's days off (rules/calendar.h cal_year_defaults), so that an admin
-- edits concrete rows; a day not named here follows its weekday.
CREATE TABLE calendar_years (
	year INTEGER PRIMARY KEY,
	set_by TEXT NOT NULL,               -- 'rules' when stored with the defaults, or who reset it ('account:12')
	set_at BIGINT NOT NULL
);

CREATE TABLE calendar_days (
	date INTEGER PRIMARY KEY,           -- days since 1970-01-01 in Vietnam time (UTC+7)
	kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')), -- a day off, or a working rest day (làm bù)
	name TEXT NOT NULL,                 -- 'Tết Nguyên đán', 'Nghỉ bù Quốc khánh', 'Làm bù'
	set_by TEXT NOT NULL,               -- 'rules' (the law's defaults) or the admin ('account:12')
	set_at BIGINT NOT NULL
);
