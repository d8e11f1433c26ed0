-- Payment pages (SQLite): what the cashier's screens need on top of bills.
-- Bills get the payer's own contact (phone, e-mail: told first when the bill
-- is paid, before a linked dossier's applicant), a search key of the payer's
-- name (lowercase, no diacritics, computed in Rust), and the batch and row
-- they were created from. `bill_batches` records an uploaded CSV/XLSX of
-- bills: its rows (JSON), and the progress of the `payment.batch` job that
-- creates them in chunks (`next_row` is the resume point, advanced in the
-- same transaction as the chunk's bills, so a rerun never bills twice).

CREATE TABLE bill_batches (
    id             INTEGER PRIMARY KEY,
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    account_id     INTEGER NOT NULL REFERENCES payment_accounts(id),
    kind           TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    total_rows     BIGINT NOT NULL,
    next_row       BIGINT NOT NULL DEFAULT 0,
    created_count  BIGINT NOT NULL DEFAULT 0,
    failed_count   BIGINT NOT NULL DEFAULT 0,
    status         TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    errors         TEXT NOT NULL DEFAULT '[]',
    input          TEXT NOT NULL,
    created_by     INTEGER REFERENCES users(id),
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    finished_at    BIGINT
);
CREATE INDEX bill_batches_unit ON bill_batches(unit_id, id);

ALTER TABLE bills ADD COLUMN payer_phone TEXT;
ALTER TABLE bills ADD COLUMN payer_email TEXT;
ALTER TABLE bills ADD COLUMN payer_key TEXT NOT NULL DEFAULT '';
ALTER TABLE bills ADD COLUMN batch_id INTEGER REFERENCES bill_batches(id);
ALTER TABLE bills ADD COLUMN batch_row BIGINT;
CREATE UNIQUE INDEX bills_batch_row ON bills(batch_id, batch_row);
CREATE INDEX bills_unit_id ON bills(unit_id, id);
-- The bill page lists the notifications that concern the bill.
CREATE INDEX payment_notifications_bill ON payment_notifications(bill_id);
