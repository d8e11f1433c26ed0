-- One-stop dossiers (SQLite), first slice: intake with codes and due dates.
-- The code <agency e-ID>-<yyMMdd>-<NNNN> draws its sequence from
-- dossier_numbering (one row per agency and local day, bumped by an upsert
-- in the receipt transaction). Statuses and channels are the DVCQG codes.
-- Instants are UTC milliseconds. See store::dossier and
-- shared/domain/one-stop-dossiers.md.

CREATE TABLE dossier_numbering (
    agency    TEXT NOT NULL,
    day       TEXT NOT NULL,
    last_seq  INTEGER NOT NULL,
    PRIMARY KEY (agency, day)
);

CREATE TABLE dossiers (
    id                  INTEGER PRIMARY KEY,
    code                TEXT NOT NULL UNIQUE,
    unit_id             INTEGER NOT NULL REFERENCES units(id),
    agency              TEXT NOT NULL,
    procedure_id        INTEGER NOT NULL REFERENCES procedures(id),
    procedure_code      TEXT NOT NULL,
    procedure_version   INTEGER NOT NULL,
    channel             INTEGER NOT NULL CHECK (channel BETWEEN 1 AND 3),
    status              INTEGER NOT NULL CHECK (status BETWEEN 1 AND 10),
    applicant_name      TEXT NOT NULL,
    applicant_id_number TEXT,
    applicant_phone     TEXT,
    applicant_address   TEXT,
    received_at         INTEGER NOT NULL,
    due_at              INTEGER,
    finished_at         INTEGER,
    returned_at         INTEGER,
    created_at          INTEGER NOT NULL
);
CREATE INDEX dossiers_unit_status_due ON dossiers(unit_id, status, due_at);

-- A dossier's history, append-only.
CREATE TABLE dossier_events (
    id           INTEGER PRIMARY KEY,
    dossier_id   INTEGER NOT NULL REFERENCES dossiers(id),
    at           INTEGER NOT NULL,
    action       TEXT NOT NULL,
    from_status  INTEGER,
    to_status    INTEGER NOT NULL,
    actor_id     INTEGER,
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dossier_events_dossier ON dossier_events(dossier_id, id);

CREATE TRIGGER dossier_events_no_update BEFORE UPDATE ON dossier_events
BEGIN SELECT RAISE(ABORT, 'dossier_events is append-only'); END;
CREATE TRIGGER dossier_events_no_delete BEFORE DELETE ON dossier_events
BEGIN SELECT RAISE(ABORT, 'dossier_events is append-only'); END;
