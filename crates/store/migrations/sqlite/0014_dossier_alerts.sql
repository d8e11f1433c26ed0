-- Dossier notifications and alerts (SQLite).
-- users.email: where staff alerts go (optional; a user without one is not
-- e-mailed). dossier_contacts: the e-mail an online applicant gave (the
-- phone is on the dossier). dossier_alerts: the ledger of due-soon / overdue
-- alerts, one row per dossier and kind, so an alert is raised once.
-- See store::dossier::{online, alert} and web::notify::dossier.

ALTER TABLE users ADD COLUMN email TEXT;

CREATE TABLE dossier_contacts (
    dossier_id  INTEGER PRIMARY KEY REFERENCES dossiers(id),
    email       TEXT NOT NULL
);

CREATE TABLE dossier_alerts (
    dossier_id  INTEGER NOT NULL REFERENCES dossiers(id),
    kind        TEXT NOT NULL CHECK (kind IN ('due_soon', 'overdue')),
    due_at      INTEGER NOT NULL,
    raised_at   INTEGER NOT NULL,
    recipients  INTEGER NOT NULL,
    PRIMARY KEY (dossier_id, kind)
);
