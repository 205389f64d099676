-- Citizens' ratings of returned dossiers (issue 8 §3, SIPAS): one per dossier, kept as given,
-- never changed or deleted. Five factors, each answered on five levels: 1 very dissatisfied,
-- 2 dissatisfied, 3 neutral, 4 satisfied, 5 very satisfied. The index (the share of answers 4
-- or 5) is read from these rows when asked (features/satisfaction.h): there is at most one a
-- returned dossier, so no roll-up is kept.
CREATE TABLE satisfaction_ratings (
	dossier_id BIGINT PRIMARY KEY REFERENCES dossiers (id),  -- one rating per dossier
	unit_id BIGINT NOT NULL REFERENCES units (id),           -- the receiving agency
	procedure_code TEXT NOT NULL,
	via INTEGER NOT NULL CHECK (via IN (1, 2, 3)),           -- 1 the link, 2 the kiosk, 3 the API
	rated_at BIGINT NOT NULL,
	day INTEGER NOT NULL,                                    -- rated_at's local day, YYYYMMDD
	f_access INTEGER NOT NULL CHECK (f_access BETWEEN 1 AND 5),       -- tiếp cận dịch vụ
	f_procedure INTEGER NOT NULL CHECK (f_procedure BETWEEN 1 AND 5), -- thủ tục hành chính
	f_officials INTEGER NOT NULL CHECK (f_officials BETWEEN 1 AND 5), -- công chức giải quyết
	f_result INTEGER NOT NULL CHECK (f_result BETWEEN 1 AND 5),       -- kết quả giải quyết
	f_feedback INTEGER NOT NULL CHECK (f_feedback BETWEEN 1 AND 5),   -- tiếp nhận, xử lý góp ý
	comment TEXT NOT NULL DEFAULT ''                         -- at most 1000 characters; never public
);
-- the index of a period (and of the agencies in it)
CREATE INDEX satisfaction_ratings_day ON satisfaction_ratings (day, unit_id);
