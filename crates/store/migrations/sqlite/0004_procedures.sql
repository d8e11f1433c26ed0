-- The procedure catalogue (SQLite): administrative procedures (TTHC) by
-- national code, versioned over [valid_from, valid_to]. Fee lines, document
-- components and the step template are JSON text, decoded in Rust (no JSON
-- operators in SQL). See store::procedure and shared/domain/one-stop-dossiers.md.

CREATE TABLE procedures (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL,
    version       INTEGER NOT NULL,
    valid_from    TEXT NOT NULL,
    valid_to      TEXT,
    name          TEXT NOT NULL,
    search_key    TEXT NOT NULL,
    field         TEXT NOT NULL,
    level         TEXT NOT NULL,
    agency        TEXT NOT NULL,
    time_value    INTEGER,
    time_unit     TEXT NOT NULL,
    online_level  TEXT NOT NULL,
    result_type   TEXT NOT NULL,
    fees          TEXT NOT NULL DEFAULT '[]',
    documents     TEXT NOT NULL DEFAULT '[]',
    steps         TEXT NOT NULL DEFAULT '[]',
    created_at    INTEGER NOT NULL,
    UNIQUE (code, version)
);
CREATE INDEX procedures_search_key ON procedures(search_key);
CREATE INDEX procedures_code_from ON procedures(code, valid_from);
