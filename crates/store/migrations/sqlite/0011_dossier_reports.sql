-- Dossier reports (SQLite): one covering index for the report aggregates
-- (store::dossier::report). Every report reads the dossiers of a unit
-- subtree received in a period, so the range is (unit_id, received_at) and
-- the other columns the aggregate reads follow it: the query is answered
-- from the index alone, in received order, without touching the table rows
-- (which carry the applicant's data and are several times wider).
CREATE INDEX dossiers_report ON dossiers(
    unit_id, received_at, channel, status, finished_at, returned_at, ended_at, updated_at,
    due_at, due_without_extension_at, timeliness, supplement_count, has_e_result, result_type,
    paused_minutes, procedure_id, procedure_code, field
);
-- Bills linked to a dossier (item 3.6: dossiers paid online).
CREATE INDEX bills_dossier_code ON bills(dossier_code) WHERE dossier_code IS NOT NULL;
