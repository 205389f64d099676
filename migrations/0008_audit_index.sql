-- The audit browser (issue 4) filters by the actor's unit, by actor and by object;
-- newest first within each.
CREATE INDEX audit_log_unit ON audit_log (unit, seq);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_object ON audit_log (object, seq);
