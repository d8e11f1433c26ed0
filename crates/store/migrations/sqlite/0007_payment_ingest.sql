-- Payments, second slice (SQLite): payment notifications ingested once per
-- (provider, txn_id) with their reconciliation outcome and manual resolution,
-- receipts for paid bills with a yearly number sequence, per-bank column
-- mappings of statement files, and bills' virtual account and linked dossier.
-- See store::payment::{ingest, reconcile, exception, statement, report} and
-- shared/domain/payments.md §5.

CREATE TABLE payment_notifications (
    id            INTEGER PRIMARY KEY,
    provider      TEXT NOT NULL,
    txn_id        TEXT NOT NULL,
    reference     TEXT,
    bin           TEXT,
    account       TEXT NOT NULL,
    virtual_account TEXT,
    amount        BIGINT NOT NULL,
    direction     TEXT NOT NULL,
    content       TEXT NOT NULL DEFAULT '',
    occurred_at   BIGINT NOT NULL,
    received_at   BIGINT NOT NULL,
    raw           TEXT NOT NULL,
    account_id    INTEGER REFERENCES payment_accounts(id),
    unit_id       INTEGER REFERENCES units(id),
    outcome       TEXT NOT NULL,
    bill_id       INTEGER REFERENCES bills(id),
    expected      BIGINT,
    resolved_at   BIGINT,
    resolved_by   INTEGER REFERENCES users(id),
    resolution    TEXT,
    reason        TEXT,
    UNIQUE (provider, txn_id)
);
CREATE INDEX payment_notifications_account ON payment_notifications(account);
CREATE INDEX payment_notifications_reference ON payment_notifications(reference);
CREATE INDEX payment_notifications_day ON payment_notifications(account_id, occurred_at);
CREATE INDEX payment_notifications_exceptions ON payment_notifications(unit_id, resolved_at, outcome);

CREATE INDEX payment_accounts_account ON payment_accounts(account);

ALTER TABLE bills ADD COLUMN virtual_account TEXT;
ALTER TABLE bills ADD COLUMN dossier_code TEXT;
CREATE UNIQUE INDEX bills_virtual_account ON bills(virtual_account);
CREATE INDEX bills_account_due ON bills(account_id, due_date);

CREATE TABLE receipts (
    id              INTEGER PRIMARY KEY,
    bill_id         INTEGER NOT NULL UNIQUE REFERENCES bills(id),
    notification_id INTEGER REFERENCES payment_notifications(id),
    number          TEXT NOT NULL UNIQUE,
    amount          BIGINT NOT NULL,
    issued_at       BIGINT NOT NULL,
    verify_key      TEXT NOT NULL
);

CREATE TABLE receipt_numbering (
    year      INTEGER PRIMARY KEY,
    last_seq  BIGINT NOT NULL
);

CREATE TABLE payment_statement_mappings (
    bin         TEXT PRIMARY KEY,
    mapping     TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);
