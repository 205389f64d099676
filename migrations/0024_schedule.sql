-- The leaders' weekly work schedule (issue 8 §4, lịch công tác tuần): entries of an agency (a
-- ward, the district), published on the portal by week (features/schedule.h). Never deleted:
-- a cancelled entry keeps its row, its reason and who cancelled it. Each change is also in the
-- audit chain (schedule.create, schedule.update, schedule.cancel).
CREATE TABLE schedule_entries (
	id BIGINT PRIMARY KEY,                          -- from the counter ('id', 'schedule_entries')
	unit_id BIGINT NOT NULL REFERENCES units (id),  -- whose schedule
	starts_at BIGINT NOT NULL,                      -- seconds since the epoch
	ends_at BIGINT NOT NULL DEFAULT 0,              -- 0: no end time given
	place TEXT NOT NULL DEFAULT '',                 -- địa điểm
	meeting_url TEXT NOT NULL DEFAULT '',           -- https:// link of an online meeting
	chair TEXT NOT NULL,                            -- chủ trì: name and position
	participants TEXT NOT NULL DEFAULT '',          -- thành phần
	content TEXT NOT NULL,                          -- nội dung
	prepared_by TEXT NOT NULL DEFAULT '',           -- đơn vị chuẩn bị
	status INTEGER NOT NULL DEFAULT 1 CHECK (status IN (1, 2)),  -- 1 scheduled, 2 cancelled
	cancel_reason TEXT NOT NULL DEFAULT '',
	cancelled_by TEXT NOT NULL DEFAULT '',
	cancelled_at BIGINT NOT NULL DEFAULT 0,
	created_by TEXT NOT NULL,                       -- audit actor: "account:3", "cli"
	created_at BIGINT NOT NULL,
	updated_by TEXT NOT NULL,
	updated_at BIGINT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,             -- one more at each change (stale forms refused)
	CHECK (ends_at = 0 OR ends_at > starts_at),
	CHECK (place <> '' OR meeting_url <> '')
);
-- a week of one unit, and a week of all units
CREATE INDEX schedule_entries_unit_week ON schedule_entries (unit_id, starts_at);
CREATE INDEX schedule_entries_week ON schedule_entries (starts_at);
