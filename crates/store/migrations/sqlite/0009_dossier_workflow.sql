-- One-stop dossiers (SQLite), second slice: the workflow across departments.
-- Steps (per-step deadlines from the procedure's step template), stop-the-clock
-- pauses (supplement, fee), extensions (Mẫu 04), attached files, and the
-- columns the Decision 766 report reads from each dossier. Instants are UTC
-- milliseconds. See store::dossier and shared/domain/one-stop-dossiers.md.

-- Denormalised from the procedure version at receipt, so reports need no join.
ALTER TABLE dossiers ADD COLUMN field TEXT NOT NULL DEFAULT '';
ALTER TABLE dossiers ADD COLUMN time_unit TEXT NOT NULL DEFAULT 'working_days';
ALTER TABLE dossiers ADD COLUMN time_amount INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN result_type TEXT NOT NULL DEFAULT 'paper';
-- Due dates: printed on the receipt; moved by pauses only; due_at is the one in force.
ALTER TABLE dossiers ADD COLUMN original_due_at INTEGER;
ALTER TABLE dossiers ADD COLUMN due_without_extension_at INTEGER;
-- Supplement requests since receipt (766: more than one makes the dossier late).
ALTER TABLE dossiers ADD COLUMN supplement_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN extension_count INTEGER NOT NULL DEFAULT 0;
-- Working minutes the clock stood still (closed pauses that stop it).
ALTER TABLE dossiers ADD COLUMN paused_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN current_step INTEGER;
ALTER TABLE dossiers ADD COLUMN assignee_id INTEGER REFERENCES users(id);
ALTER TABLE dossiers ADD COLUMN result_channel TEXT CHECK (result_channel IN ('counter', 'post', 'electronic'));
ALTER TABLE dossiers ADD COLUMN has_e_result BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE dossiers ADD COLUMN timeliness TEXT CHECK (timeliness IN ('early', 'on_time', 'late'));
ALTER TABLE dossiers ADD COLUMN ended_at INTEGER;
ALTER TABLE dossiers ADD COLUMN rating INTEGER CHECK (rating BETWEEN 1 AND 5);
ALTER TABLE dossiers ADD COLUMN rated_at INTEGER;
-- Bumped by every change: a transition applies only to the state it was decided on.
ALTER TABLE dossiers ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN updated_at INTEGER;

UPDATE dossiers SET
    field = COALESCE((SELECT p.field FROM procedures p WHERE p.id = dossiers.procedure_id), ''),
    time_unit = COALESCE((SELECT p.time_unit FROM procedures p WHERE p.id = dossiers.procedure_id), 'working_days'),
    time_amount = COALESCE((SELECT p.time_value FROM procedures p WHERE p.id = dossiers.procedure_id), 0),
    result_type = COALESCE((SELECT p.result_type FROM procedures p WHERE p.id = dossiers.procedure_id), 'paper'),
    original_due_at = due_at,
    due_without_extension_at = due_at,
    updated_at = created_at;

CREATE INDEX dossiers_assignee_status_due ON dossiers(assignee_id, status, due_at);
CREATE INDEX dossiers_status_due ON dossiers(status, due_at);
CREATE INDEX dossiers_unit_received ON dossiers(unit_id, received_at);

-- The form an event issued (receipt, supplement_request, refusal, apology,
-- stop_notice) and its details (JSON text), for the PDF generated later.
ALTER TABLE dossier_events ADD COLUMN form TEXT;
ALTER TABLE dossier_events ADD COLUMN details TEXT;

-- One row per step a dossier went through (a step sent back to runs again as a new row).
CREATE TABLE dossier_steps (
    id              INTEGER PRIMARY KEY,
    dossier_id      INTEGER NOT NULL REFERENCES dossiers(id),
    seq             INTEGER NOT NULL,
    template_step   INTEGER,
    department      TEXT NOT NULL,
    assignee_id     INTEGER REFERENCES users(id),
    budget_minutes  INTEGER,
    started_at      INTEGER NOT NULL,
    due_at          INTEGER,
    finished_at     INTEGER,
    outcome         TEXT,
    UNIQUE (dossier_id, seq)
);
CREATE INDEX dossier_steps_assignee ON dossier_steps(assignee_id, finished_at);

-- Stop-the-clock intervals; to_at is NULL while the dossier waits.
CREATE TABLE dossier_pauses (
    id              INTEGER PRIMARY KEY,
    dossier_id      INTEGER NOT NULL REFERENCES dossiers(id),
    reason          TEXT NOT NULL CHECK (reason IN ('supplement', 'fee')),
    from_status     INTEGER NOT NULL,
    from_at         INTEGER NOT NULL,
    to_at           INTEGER,
    paused_minutes  INTEGER,
    note            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dossier_pauses_dossier ON dossier_pauses(dossier_id, id);
CREATE UNIQUE INDEX dossier_pauses_one_open ON dossier_pauses(dossier_id) WHERE to_at IS NULL;

-- Apologies and new dates (Mẫu 04).
CREATE TABLE dossier_extensions (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers(id),
    old_due     INTEGER NOT NULL,
    new_due     INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    at          INTEGER NOT NULL,
    by_user     INTEGER REFERENCES users(id)
);
CREATE INDEX dossier_extensions_dossier ON dossier_extensions(dossier_id, id);

-- Attached files: the dossier's components and its electronic result.
CREATE TABLE dossier_files (
    id           INTEGER PRIMARY KEY,
    dossier_id   INTEGER NOT NULL REFERENCES dossiers(id),
    purpose      TEXT NOT NULL CHECK (purpose IN ('component', 'result')),
    component    TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    mime         TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    content      BLOB NOT NULL,
    uploaded_at  INTEGER NOT NULL,
    uploaded_by  INTEGER REFERENCES users(id)
);
CREATE INDEX dossier_files_dossier ON dossier_files(dossier_id, id);
