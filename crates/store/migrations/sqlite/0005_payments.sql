-- Payments, first slice (SQLite): the accounts a unit receives transfers on,
-- and bills, each with a unique payment code carried in VietQR field 62.08
-- and the dynamic VietQR payload built for it. Amounts are integer đồng; fee
-- lines are JSON text decoded in Rust. See store::payment and
-- shared/domain/payments.md.

CREATE TABLE payment_accounts (
    id              INTEGER PRIMARY KEY,
    unit_id         INTEGER NOT NULL REFERENCES units(id),
    bin             TEXT NOT NULL,
    account         TEXT NOT NULL,
    holder          TEXT NOT NULL,
    virtual_prefix  TEXT,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      INTEGER NOT NULL
);
CREATE INDEX payment_accounts_unit ON payment_accounts(unit_id);

CREATE TABLE bills (
    id            INTEGER PRIMARY KEY,
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    account_id    INTEGER NOT NULL REFERENCES payment_accounts(id),
    kind          TEXT NOT NULL,
    payer_name    TEXT NOT NULL,
    payer_ref     TEXT NOT NULL DEFAULT '',
    description   TEXT NOT NULL DEFAULT '',
    amount        BIGINT NOT NULL,
    lines         TEXT NOT NULL DEFAULT '[]',
    payment_code  TEXT NOT NULL UNIQUE,
    qr_payload    TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'open',
    due_date      TEXT,
    created_at    BIGINT NOT NULL,
    paid_at       BIGINT
);
CREATE INDEX bills_unit_status ON bills(unit_id, status);
-- payment_code is looked up through its UNIQUE index.
