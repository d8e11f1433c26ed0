-- Chợ 4.0 markets (SQLite): markets of a unit, the merchants who hold stalls,
-- stalls with the merchant's receiving account (bank or e-wallet BIN and
-- account, from which the static VietQR is computed), their onboarding status
-- and monthly fee, and the monthly stall-fee bills issued through `bills`.
-- See store::market and shared/domain/payments.md §7.

CREATE TABLE markets (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    name        TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    manager     TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    UNIQUE (unit_id, name)
);

CREATE TABLE merchants (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    name        TEXT NOT NULL,
    phone       TEXT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX merchants_unit ON merchants(unit_id);

CREATE TABLE stalls (
    id           INTEGER PRIMARY KEY,
    market_id    INTEGER NOT NULL REFERENCES markets(id),
    label        TEXT NOT NULL,
    category     TEXT NOT NULL DEFAULT '',
    merchant_id  INTEGER REFERENCES merchants(id),
    method       TEXT NOT NULL DEFAULT 'none',
    bin          TEXT,
    account      TEXT,
    holder       TEXT,
    monthly_fee  BIGINT NOT NULL DEFAULT 0,
    feed_linked  BOOLEAN NOT NULL DEFAULT FALSE,
    status       TEXT NOT NULL DEFAULT 'cash_only',
    status_at    BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    UNIQUE (market_id, label)
);
CREATE INDEX stalls_account ON stalls(account);
CREATE INDEX stalls_merchant ON stalls(merchant_id);

-- One stall-fee bill per stall and month (YYYY-MM, UTC+7). The row is
-- claimed before the bill is created, so a second run never bills twice.
CREATE TABLE stall_fee_bills (
    stall_id    INTEGER NOT NULL REFERENCES stalls(id),
    month       TEXT NOT NULL,
    bill_id     INTEGER REFERENCES bills(id),
    claimed_at  BIGINT NOT NULL,
    PRIMARY KEY (stall_id, month)
);
CREATE INDEX stall_fee_bills_month ON stall_fee_bills(month);
