-- Dossier speed (PostgreSQL): what keeps the processor's list and the
-- reports fast on a million dossiers (store::dossier::{list, report}).
--
-- 1. The list, most urgent first, per unit: (unit_id, due_at IS NULL,
--    due_at, id) gives each unit's dossiers in the list's order (the list
--    merges a page from each unit of the scope), and the same without
--    unit_id for an unrestricted list. dossier_unit_counts holds each
--    unit's number of dossiers (kept by a trigger) so a page's total needs
--    no COUNT(*) over the scope.
-- 2. The reports: dossier_rollup holds, per unit, local day of receipt,
--    local day of finish (-1 if not finished), procedure and field, the
--    report's counts of those dossiers as they stand now (the view
--    dossier_rollup_rows says how one dossier counts; triggers take back its
--    row before every update and delete and add it after every update, add
--    each INSERT statement's new dossiers in one grouped pass, and do the
--    same around component files). A report over a period sums the rollup,
--    then recounts live the few dossiers whose state could read differently
--    at the period's end: those with a timestamp at or after it
--    (report_horizon, indexed).
-- The covering index of 0011 is no longer read by any report: dropped, it
-- costs every write.

DROP INDEX IF EXISTS dossiers_report;

CREATE INDEX dossiers_unit_due_order ON dossiers(unit_id, (due_at IS NULL), due_at, id);
CREATE INDEX dossiers_due_order ON dossiers((due_at IS NULL), due_at, id);

CREATE TABLE dossier_unit_counts (
    unit_id  BIGINT PRIMARY KEY,
    n        BIGINT NOT NULL
);
INSERT INTO dossier_unit_counts (unit_id, n) SELECT unit_id, COUNT(*) FROM dossiers GROUP BY unit_id;

CREATE FUNCTION dossiers_unit_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE dossier_unit_counts SET n = n - 1 WHERE unit_id = OLD.unit_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO dossier_unit_counts (unit_id, n) VALUES (NEW.unit_id, 1)
        ON CONFLICT (unit_id) DO UPDATE SET n = dossier_unit_counts.n + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER dossiers_unit_count_change AFTER DELETE ON dossiers
    FOR EACH ROW EXECUTE FUNCTION dossiers_unit_count();
CREATE TRIGGER dossiers_unit_count_move AFTER UPDATE OF unit_id ON dossiers
    FOR EACH ROW WHEN (OLD.unit_id <> NEW.unit_id) EXECUTE FUNCTION dossiers_unit_count();

-- The latest instant that can change how a dossier counts in a report
-- whose period ends after it (finish, end, return, due dates, a pending
-- supplement request's time); 0 when none is set.
ALTER TABLE dossiers ADD COLUMN report_horizon BIGINT GENERATED ALWAYS AS (GREATEST(coalesce(finished_at, 0), coalesce(ended_at, 0), coalesce(returned_at, 0), coalesce(due_at, 0), coalesce(due_without_extension_at, 0), CASE WHEN status = 5 THEN coalesce(updated_at, 0) ELSE 0 END)) STORED;
CREATE INDEX dossiers_unit_horizon ON dossiers(unit_id, report_horizon, received_at);

-- How one dossier counts, as it stands now (a report period ending after its report_horizon).
CREATE VIEW dossier_rollup_rows AS
SELECT d.id, d.unit_id, (d.received_at + 25200000) / 86400000 AS rday,
    CASE WHEN d.finished_at IS NOT NULL THEN (d.finished_at + 25200000) / 86400000 ELSE -1 END AS fday,
    d.procedure_id, d.procedure_code, d.field,
    1 AS received,
    CASE WHEN d.channel = 2 THEN 1 ELSE 0 END AS online,
    CASE WHEN d.finished_at IS NOT NULL AND d.timeliness = 'early' THEN 1 ELSE 0 END AS early,
    CASE WHEN d.finished_at IS NOT NULL AND COALESCE(d.timeliness, 'on_time') = 'on_time' THEN 1 ELSE 0 END AS on_time,
    CASE WHEN d.finished_at IS NOT NULL AND d.timeliness = 'late' THEN 1 ELSE 0 END AS late,
    CASE WHEN d.finished_at IS NULL AND d.ended_at IS NOT NULL THEN 1 ELSE 0 END AS ended,
    CASE WHEN d.finished_at IS NULL AND d.ended_at IS NULL AND d.due_at IS NULL THEN 1 ELSE 0 END AS open_on_time,
    CASE WHEN d.finished_at IS NULL AND d.ended_at IS NULL AND d.due_at IS NOT NULL THEN 1 ELSE 0 END AS open_overdue,
    CASE WHEN d.finished_at IS NOT NULL THEN 1 ELSE 0 END AS fin,
    CASE WHEN d.finished_at IS NOT NULL THEN CASE WHEN (((d.received_at) + 25200000) % 86400000) / 60000 < 420 THEN 0 WHEN (((d.received_at) + 25200000) % 86400000) / 60000 < 690 THEN (((d.received_at) + 25200000) % 86400000) / 60000 - 420 WHEN (((d.received_at) + 25200000) % 86400000) / 60000 < 810 THEN 270 WHEN (((d.received_at) + 25200000) % 86400000) / 60000 < 1020 THEN (((d.received_at) + 25200000) % 86400000) / 60000 - 540 ELSE 480 END ELSE 0 END AS fin_rec_minutes,
    CASE WHEN d.finished_at IS NOT NULL THEN CASE WHEN (((d.finished_at) + 25200000) % 86400000) / 60000 < 420 THEN 0 WHEN (((d.finished_at) + 25200000) % 86400000) / 60000 < 690 THEN (((d.finished_at) + 25200000) % 86400000) / 60000 - 420 WHEN (((d.finished_at) + 25200000) % 86400000) / 60000 < 810 THEN 270 WHEN (((d.finished_at) + 25200000) % 86400000) / 60000 < 1020 THEN (((d.finished_at) + 25200000) % 86400000) / 60000 - 540 ELSE 480 END ELSE 0 END AS fin_fin_minutes,
    CASE WHEN d.finished_at IS NOT NULL THEN d.paused_minutes ELSE 0 END AS fin_paused,
    CASE WHEN COALESCE(d.finished_at, d.returned_at, d.ended_at, CASE WHEN d.status = 5 THEN d.updated_at END) IS NOT NULL AND d.supplement_count <= 1 AND (d.due_without_extension_at IS NULL OR COALESCE(d.finished_at, d.returned_at, d.ended_at, CASE WHEN d.status = 5 THEN d.updated_at END) <= d.due_without_extension_at) THEN 1 ELSE 0 END AS v_on_time,
    CASE WHEN COALESCE(d.finished_at, d.returned_at, d.ended_at, CASE WHEN d.status = 5 THEN d.updated_at END) IS NOT NULL AND NOT (d.supplement_count <= 1 AND (d.due_without_extension_at IS NULL OR COALESCE(d.finished_at, d.returned_at, d.ended_at, CASE WHEN d.status = 5 THEN d.updated_at END) <= d.due_without_extension_at)) THEN 1 ELSE 0 END AS v_late,
    CASE WHEN COALESCE(d.finished_at, d.returned_at, d.ended_at, CASE WHEN d.status = 5 THEN d.updated_at END) IS NULL AND d.supplement_count <= 1 AND d.due_without_extension_at IS NULL THEN 1 ELSE 0 END AS v_pending_ok,
    CASE WHEN COALESCE(d.finished_at, d.returned_at, d.ended_at, CASE WHEN d.status = 5 THEN d.updated_at END) IS NULL AND NOT (d.supplement_count <= 1 AND d.due_without_extension_at IS NULL) THEN 1 ELSE 0 END AS v_pending_late,
    CASE WHEN d.channel = 2 AND (d.result_type = 'electronic' OR d.has_e_result) THEN 1 ELSE 0 END AS online_766,
    CASE WHEN d.finished_at IS NOT NULL AND d.result_type IN ('paper', 'paper_and_electronic') THEN 1 ELSE 0 END AS paper_done,
    CASE WHEN d.finished_at IS NOT NULL AND d.result_type IN ('paper', 'paper_and_electronic') AND d.has_e_result THEN 1 ELSE 0 END AS paper_e_result,
    CASE WHEN d.rating IS NOT NULL AND d.rating <= 2 THEN 1 ELSE 0 END AS disliked,
    CASE WHEN (d.result_type = 'electronic' OR d.has_e_result) AND EXISTS (SELECT 1 FROM dossier_files f WHERE f.dossier_id = d.id AND f.purpose = 'component') THEN 1 ELSE 0 END AS digitised
FROM dossiers d;

CREATE TABLE dossier_rollup (
    unit_id         BIGINT NOT NULL,
    rday            BIGINT NOT NULL,
    fday            BIGINT NOT NULL,
    procedure_id    BIGINT NOT NULL,
    procedure_code  TEXT NOT NULL,
    field           TEXT NOT NULL,
    received BIGINT NOT NULL DEFAULT 0,
    online BIGINT NOT NULL DEFAULT 0,
    early BIGINT NOT NULL DEFAULT 0,
    on_time BIGINT NOT NULL DEFAULT 0,
    late BIGINT NOT NULL DEFAULT 0,
    ended BIGINT NOT NULL DEFAULT 0,
    open_on_time BIGINT NOT NULL DEFAULT 0,
    open_overdue BIGINT NOT NULL DEFAULT 0,
    fin BIGINT NOT NULL DEFAULT 0,
    fin_rec_minutes BIGINT NOT NULL DEFAULT 0,
    fin_fin_minutes BIGINT NOT NULL DEFAULT 0,
    fin_paused BIGINT NOT NULL DEFAULT 0,
    v_on_time BIGINT NOT NULL DEFAULT 0,
    v_late BIGINT NOT NULL DEFAULT 0,
    v_pending_ok BIGINT NOT NULL DEFAULT 0,
    v_pending_late BIGINT NOT NULL DEFAULT 0,
    online_766 BIGINT NOT NULL DEFAULT 0,
    paper_done BIGINT NOT NULL DEFAULT 0,
    paper_e_result BIGINT NOT NULL DEFAULT 0,
    disliked BIGINT NOT NULL DEFAULT 0,
    digitised BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, rday, fday, procedure_id, procedure_code, field)
);

INSERT INTO dossier_rollup (unit_id, rday, fday, procedure_id, procedure_code, field, received, online, early, on_time, late, ended, open_on_time, open_overdue, fin, fin_rec_minutes, fin_fin_minutes, fin_paused, v_on_time, v_late, v_pending_ok, v_pending_late, online_766, paper_done, paper_e_result, disliked, digitised)
SELECT unit_id, rday, fday, procedure_id, procedure_code, field, SUM(received), SUM(online), SUM(early), SUM(on_time), SUM(late), SUM(ended), SUM(open_on_time), SUM(open_overdue), SUM(fin), SUM(fin_rec_minutes), SUM(fin_fin_minutes), SUM(fin_paused), SUM(v_on_time), SUM(v_late), SUM(v_pending_ok), SUM(v_pending_late), SUM(online_766), SUM(paper_done), SUM(paper_e_result), SUM(disliked), SUM(digitised)
FROM dossier_rollup_rows GROUP BY unit_id, rday, fday, procedure_id, procedure_code, field;

-- Adds (delta 1) or takes back (delta -1) dossier did's row of the rollup.
CREATE FUNCTION dossier_rollup_apply(did BIGINT, delta BIGINT) RETURNS void LANGUAGE sql AS $$
INSERT INTO dossier_rollup (unit_id, rday, fday, procedure_id, procedure_code, field, received, online, early, on_time, late, ended, open_on_time, open_overdue, fin, fin_rec_minutes, fin_fin_minutes, fin_paused, v_on_time, v_late, v_pending_ok, v_pending_late, online_766, paper_done, paper_e_result, disliked, digitised)
    SELECT unit_id, rday, fday, procedure_id, procedure_code, field, delta * received, delta * online, delta * early, delta * on_time, delta * late, delta * ended, delta * open_on_time, delta * open_overdue, delta * fin, delta * fin_rec_minutes, delta * fin_fin_minutes, delta * fin_paused, delta * v_on_time, delta * v_late, delta * v_pending_ok, delta * v_pending_late, delta * online_766, delta * paper_done, delta * paper_e_result, delta * disliked, delta * digitised FROM dossier_rollup_rows WHERE id = did
    ON CONFLICT (unit_id, rday, fday, procedure_id, procedure_code, field) DO UPDATE SET
        received = dossier_rollup.received + excluded.received,
        online = dossier_rollup.online + excluded.online,
        early = dossier_rollup.early + excluded.early,
        on_time = dossier_rollup.on_time + excluded.on_time,
        late = dossier_rollup.late + excluded.late,
        ended = dossier_rollup.ended + excluded.ended,
        open_on_time = dossier_rollup.open_on_time + excluded.open_on_time,
        open_overdue = dossier_rollup.open_overdue + excluded.open_overdue,
        fin = dossier_rollup.fin + excluded.fin,
        fin_rec_minutes = dossier_rollup.fin_rec_minutes + excluded.fin_rec_minutes,
        fin_fin_minutes = dossier_rollup.fin_fin_minutes + excluded.fin_fin_minutes,
        fin_paused = dossier_rollup.fin_paused + excluded.fin_paused,
        v_on_time = dossier_rollup.v_on_time + excluded.v_on_time,
        v_late = dossier_rollup.v_late + excluded.v_late,
        v_pending_ok = dossier_rollup.v_pending_ok + excluded.v_pending_ok,
        v_pending_late = dossier_rollup.v_pending_late + excluded.v_pending_late,
        online_766 = dossier_rollup.online_766 + excluded.online_766,
        paper_done = dossier_rollup.paper_done + excluded.paper_done,
        paper_e_result = dossier_rollup.paper_e_result + excluded.paper_e_result,
        disliked = dossier_rollup.disliked + excluded.disliked,
        digitised = dossier_rollup.digitised + excluded.digitised;

$$;
CREATE FUNCTION dossiers_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_WHEN = 'BEFORE' THEN
        PERFORM dossier_rollup_apply(OLD.id, -1);
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    PERFORM dossier_rollup_apply(NEW.id, 1);
    RETURN NULL;
END $$;
CREATE TRIGGER dossiers_rollup_old BEFORE UPDATE OR DELETE ON dossiers
    FOR EACH ROW EXECUTE FUNCTION dossiers_rollup();
CREATE TRIGGER dossiers_rollup_new AFTER UPDATE ON dossiers
    FOR EACH ROW EXECUTE FUNCTION dossiers_rollup();

-- New dossiers (intake one at a time, the generator and the legacy import
-- by hundreds): one statement-level pass per INSERT, grouped, so a bulk
-- insert touches each rollup row once rather than once per dossier.
CREATE FUNCTION dossiers_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO dossier_rollup (unit_id, rday, fday, procedure_id, procedure_code, field, received, online, early, on_time, late, ended, open_on_time, open_overdue, fin, fin_rec_minutes, fin_fin_minutes, fin_paused, v_on_time, v_late, v_pending_ok, v_pending_late, online_766, paper_done, paper_e_result, disliked, digitised)
    SELECT unit_id, rday, fday, procedure_id, procedure_code, field, SUM(received), SUM(online), SUM(early), SUM(on_time), SUM(late), SUM(ended), SUM(open_on_time), SUM(open_overdue), SUM(fin), SUM(fin_rec_minutes), SUM(fin_fin_minutes), SUM(fin_paused), SUM(v_on_time), SUM(v_late), SUM(v_pending_ok), SUM(v_pending_late), SUM(online_766), SUM(paper_done), SUM(paper_e_result), SUM(disliked), SUM(digitised)
    FROM dossier_rollup_rows WHERE id IN (SELECT id FROM new_rows) GROUP BY unit_id, rday, fday, procedure_id, procedure_code, field
    ON CONFLICT (unit_id, rday, fday, procedure_id, procedure_code, field) DO UPDATE SET
        received = dossier_rollup.received + excluded.received,
        online = dossier_rollup.online + excluded.online,
        early = dossier_rollup.early + excluded.early,
        on_time = dossier_rollup.on_time + excluded.on_time,
        late = dossier_rollup.late + excluded.late,
        ended = dossier_rollup.ended + excluded.ended,
        open_on_time = dossier_rollup.open_on_time + excluded.open_on_time,
        open_overdue = dossier_rollup.open_overdue + excluded.open_overdue,
        fin = dossier_rollup.fin + excluded.fin,
        fin_rec_minutes = dossier_rollup.fin_rec_minutes + excluded.fin_rec_minutes,
        fin_fin_minutes = dossier_rollup.fin_fin_minutes + excluded.fin_fin_minutes,
        fin_paused = dossier_rollup.fin_paused + excluded.fin_paused,
        v_on_time = dossier_rollup.v_on_time + excluded.v_on_time,
        v_late = dossier_rollup.v_late + excluded.v_late,
        v_pending_ok = dossier_rollup.v_pending_ok + excluded.v_pending_ok,
        v_pending_late = dossier_rollup.v_pending_late + excluded.v_pending_late,
        online_766 = dossier_rollup.online_766 + excluded.online_766,
        paper_done = dossier_rollup.paper_done + excluded.paper_done,
        paper_e_result = dossier_rollup.paper_e_result + excluded.paper_e_result,
        disliked = dossier_rollup.disliked + excluded.disliked,
        digitised = dossier_rollup.digitised + excluded.digitised;
    INSERT INTO dossier_unit_counts (unit_id, n) SELECT unit_id, COUNT(*) FROM new_rows GROUP BY unit_id
    ON CONFLICT (unit_id) DO UPDATE SET n = dossier_unit_counts.n + excluded.n;
    RETURN NULL;
END $$;
CREATE TRIGGER dossiers_inserted AFTER INSERT ON dossiers
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dossiers_inserted();

-- A component file can make its dossier digitised (4.2): recount the dossier around it.
CREATE FUNCTION dossier_files_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    did BIGINT := CASE WHEN TG_OP = 'DELETE' THEN OLD.dossier_id ELSE NEW.dossier_id END;
BEGIN
    IF TG_WHEN = 'BEFORE' THEN
        PERFORM dossier_rollup_apply(did, -1);
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    PERFORM dossier_rollup_apply(did, 1);
    RETURN NULL;
END $$;
CREATE TRIGGER dossier_files_rollup_old BEFORE INSERT OR DELETE ON dossier_files
    FOR EACH ROW EXECUTE FUNCTION dossier_files_rollup();
CREATE TRIGGER dossier_files_rollup_new AFTER INSERT OR DELETE ON dossier_files
    FOR EACH ROW EXECUTE FUNCTION dossier_files_rollup();
