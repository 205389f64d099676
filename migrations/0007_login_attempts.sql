-- Login attempts are counted before the password is checked (issue 4: throttling
-- must hold against many attempts sent at once), and uncounted when it was right:
-- each pre-counted row carries the attempt's random id so that exactly its rows go.
ALTER TABLE login_failures ADD COLUMN attempt TEXT;
CREATE INDEX login_failures_attempt ON login_failures (attempt);
