-- Foundation: settings, administrative units, accounts, sessions, tokens,
-- login failures, the audit log and background jobs (SQLite).
-- Instants are INTEGER UTC milliseconds; legal dates are TEXT YYYY-MM-DD.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE units (
    id         INTEGER PRIMARY KEY,
    code       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    parent_id  INTEGER REFERENCES units(id),
    valid_from TEXT    NOT NULL,
    valid_to   TEXT,
    note       TEXT    NOT NULL DEFAULT '',
    search_key TEXT    NOT NULL,
    UNIQUE (code, valid_from)
);
CREATE INDEX units_parent ON units(parent_id);
CREATE INDEX units_search ON units(search_key);

CREATE TABLE unit_successors (
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    successor_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (unit_id, successor_id)
);
CREATE INDEX unit_successors_successor ON unit_successors(successor_id);

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    username            TEXT    NOT NULL UNIQUE,
    display_name        TEXT    NOT NULL,
    password_hash       TEXT    NOT NULL,
    active              BOOLEAN NOT NULL DEFAULT TRUE,
    created_at          INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL
);

CREATE TABLE grants (
    id      INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    role    TEXT    NOT NULL,
    unit_id INTEGER REFERENCES units(id)
);
CREATE UNIQUE INDEX grants_unique ON grants(user_id, role, COALESCE(unit_id, 0));

CREATE TABLE sessions (
    id_hash    TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    client     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER,
    UNIQUE (user_id, name)
);

CREATE TABLE login_failures (
    login           TEXT    PRIMARY KEY,
    failures        INTEGER NOT NULL,
    window_start    INTEGER NOT NULL,
    locked_until    INTEGER
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor_id    INTEGER,
    actor_name  TEXT    NOT NULL,
    unit_id     INTEGER,
    action      TEXT    NOT NULL,
    object_type TEXT    NOT NULL,
    object_id   TEXT    NOT NULL,
    before      TEXT,
    after       TEXT,
    request_id  TEXT    NOT NULL DEFAULT '',
    client_addr TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit_log(at);
CREATE INDEX audit_object ON audit_log(object_type, object_id);
CREATE INDEX audit_actor ON audit_log(actor_id, at);

-- The audit log is append-only: the product never edits or deletes a row.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'queued',
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at       INTEGER NOT NULL,
    locked_by    TEXT,
    locked_at    INTEGER,
    last_error   TEXT,
    created_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    dedupe_key   TEXT UNIQUE
);
CREATE INDEX jobs_due ON jobs(status, run_at);
