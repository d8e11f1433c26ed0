-- The queue of public service centers (SQLite): centers, services, counters,
-- work profiles, ticket numbering, appointments, visits, their append-only
-- event log and satisfaction ratings. See domain::queue and shared/domain/queue.md.

CREATE TABLE queue_centers (
    id              INTEGER PRIMARY KEY,
    unit_id         INTEGER NOT NULL REFERENCES units(id),
    code            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    priority_rule   TEXT NOT NULL DEFAULT 'interleaved',
    priority_every  INTEGER NOT NULL DEFAULT 3,
    numbering       TEXT NOT NULL DEFAULT 'daily',
    checkin_early_min INTEGER NOT NULL DEFAULT 30,
    checkin_late_min  INTEGER NOT NULL DEFAULT 15,
    created_at      INTEGER NOT NULL
);
CREATE INDEX queue_centers_unit ON queue_centers(unit_id);

CREATE TABLE queue_services (
    id              INTEGER PRIMARY KEY,
    center_id       INTEGER NOT NULL REFERENCES queue_centers(id),
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,
    field           TEXT NOT NULL,
    prefix          TEXT NOT NULL,
    target_wait_min INTEGER NOT NULL,
    position        INTEGER NOT NULL DEFAULT 0,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    UNIQUE (center_id, code),
    UNIQUE (center_id, prefix)
);

CREATE TABLE queue_counters (
    id            INTEGER PRIMARY KEY,
    center_id     INTEGER NOT NULL REFERENCES queue_centers(id),
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    call_order    TEXT NOT NULL DEFAULT 'service_order',
    -- The priority rule's memory: normal calls since the last preferred one.
    normal_streak INTEGER NOT NULL DEFAULT 0,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    UNIQUE (center_id, code)
);

-- Work profiles: the services a counter serves, in order.
CREATE TABLE queue_profiles (
    counter_id INTEGER NOT NULL REFERENCES queue_counters(id),
    service_id INTEGER NOT NULL REFERENCES queue_services(id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (counter_id, service_id)
);
CREATE INDEX queue_profiles_service ON queue_profiles(service_id);

-- The last sequence number drawn per service and sequence key (a local
-- date, or 'all' when numbering continues across days).
CREATE TABLE queue_numbering (
    service_id INTEGER NOT NULL REFERENCES queue_services(id),
    day_key    TEXT NOT NULL,
    last_seq   INTEGER NOT NULL,
    PRIMARY KEY (service_id, day_key)
);

-- Appointment slots: capacity per service and start time.
CREATE TABLE queue_slots (
    id          INTEGER PRIMARY KEY,
    service_id  INTEGER NOT NULL REFERENCES queue_services(id),
    starts_at   INTEGER NOT NULL,
    minutes     INTEGER NOT NULL,
    capacity    INTEGER NOT NULL,
    booked      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (service_id, starts_at)
);

CREATE TABLE queue_appointments (
    id          INTEGER PRIMARY KEY,
    slot_id     INTEGER NOT NULL REFERENCES queue_slots(id),
    service_id  INTEGER NOT NULL REFERENCES queue_services(id),
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL DEFAULT '',
    phone       TEXT,
    citizen_id  TEXT,
    status      TEXT NOT NULL DEFAULT 'booked',
    visit_id    INTEGER,
    created_at  INTEGER NOT NULL
);
CREATE INDEX queue_appointments_slot ON queue_appointments(slot_id);

-- One row per ticket: the current state of a visit. Its history is queue_events.
CREATE TABLE queue_visits (
    id                INTEGER PRIMARY KEY,
    center_id         INTEGER NOT NULL REFERENCES queue_centers(id),
    -- The service the ticket was issued for: its number's sequence.
    issue_service_id  INTEGER NOT NULL REFERENCES queue_services(id),
    -- The service it waits for or is served in now (changes on transfer).
    service_id        INTEGER NOT NULL REFERENCES queue_services(id),
    day_key           TEXT NOT NULL,
    seq               INTEGER NOT NULL,
    number            TEXT NOT NULL,
    local_day         TEXT NOT NULL,
    state             TEXT NOT NULL,
    priority          TEXT,
    appointment_id    INTEGER REFERENCES queue_appointments(id),
    -- The CCCD digits, when scanned; shown masked in public views.
    citizen_id        TEXT,
    created_at        INTEGER NOT NULL,
    -- Queue-entry time; kept across transfers for fairness.
    queued_at         INTEGER NOT NULL,
    -- The counter handling it, or the counter it was transferred to while waiting.
    counter_id        INTEGER REFERENCES queue_counters(id),
    -- Set while waiting for one counter only (a transfer to a counter).
    target_counter_id INTEGER REFERENCES queue_counters(id),
    officer_id        INTEGER,
    called_at         INTEGER,
    started_at        INTEGER,
    ended_at          INTEGER,
    recalls           INTEGER NOT NULL DEFAULT 0,
    UNIQUE (issue_service_id, day_key, seq)
);
CREATE INDEX queue_visits_waiting ON queue_visits(center_id, state, queued_at);
CREATE INDEX queue_visits_counter ON queue_visits(counter_id, state);
CREATE INDEX queue_visits_created ON queue_visits(center_id, created_at);

-- The append-only log of every change to a visit: the source of truth for statistics.
CREATE TABLE queue_events (
    id          INTEGER PRIMARY KEY,
    visit_id    INTEGER NOT NULL REFERENCES queue_visits(id),
    center_id   INTEGER NOT NULL REFERENCES queue_centers(id),
    at          INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    service_id  INTEGER NOT NULL,
    counter_id  INTEGER,
    officer_id  INTEGER,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX queue_events_visit ON queue_events(visit_id, id);
CREATE INDEX queue_events_center ON queue_events(center_id, at);

CREATE TABLE queue_ratings (
    id          INTEGER PRIMARY KEY,
    visit_id    INTEGER NOT NULL UNIQUE REFERENCES queue_visits(id),
    score       INTEGER NOT NULL,
    counter_id  INTEGER,
    officer_id  INTEGER,
    comment     TEXT NOT NULL DEFAULT '',
    at          INTEGER NOT NULL
);

-- The event log is append-only, like the audit log.
CREATE TRIGGER queue_events_no_update BEFORE UPDATE ON queue_events
BEGIN SELECT RAISE(ABORT, 'queue_events is append-only'); END;
CREATE TRIGGER queue_events_no_delete BEFORE DELETE ON queue_events
BEGIN SELECT RAISE(ABORT, 'queue_events is append-only'); END;
