-- Notifications (SQLite): one row per message and channel, recording what
-- was said and to whom (the recipient MASKED; the real address travels only
-- in the job payload of the `notify.email` / `notify.sms` job that sends it)
-- and how delivery went. Status: queued → sent | failed (out of attempts) |
-- skipped (channel not configured). See store::notify and web::notify.

CREATE TABLE notifications (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER REFERENCES units(id),
    kind         TEXT NOT NULL,
    channel      TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    recipient    TEXT NOT NULL,
    lang         TEXT NOT NULL DEFAULT 'vi',
    subject      TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed', 'skipped')),
    attempts     BIGINT NOT NULL DEFAULT 0,
    provider_id  TEXT,
    last_error   TEXT,
    job_id       INTEGER REFERENCES jobs(id),
    dedupe_key   TEXT UNIQUE,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    sent_at      BIGINT
);
CREATE INDEX notifications_unit ON notifications(unit_id, id);
