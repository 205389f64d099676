-- The incoming documents' lists ask, per document, whether one of the user's units is among its
-- recipients (r.doc_id = d.id AND r.unit_id IN (…)). With one index per column SQLite, without
-- statistics, walked all of a unit's rows for every document (bench_documents: 6 s for a clerk's
-- page at 100,000 documents); one index on both answers it at once, on PostgreSQL too.
CREATE INDEX doc_in_recipients_doc_unit ON doc_in_recipients (doc_id, unit_id);
DROP INDEX doc_in_recipients_doc;
