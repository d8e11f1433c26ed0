-- How many tickets wait in each service, kept by triggers on every change of
-- queue_visits (issue, call, transfer, park, unpark, delete), so that what a
-- new ticket's holder is told ("N people ahead") and the board's waiting
-- counts cost one row read instead of a count over the whole line.
CREATE TABLE queue_waiting (
    service_id INTEGER PRIMARY KEY REFERENCES queue_services(id),
    n          INTEGER NOT NULL DEFAULT 0
);
INSERT INTO queue_waiting (service_id, n)
SELECT s.id, (SELECT COUNT(*) FROM queue_visits v WHERE v.service_id = s.id AND v.state = 'waiting')
FROM queue_services s;

CREATE TRIGGER queue_waiting_insert AFTER INSERT ON queue_visits WHEN NEW.state = 'waiting' BEGIN
    INSERT INTO queue_waiting (service_id, n) VALUES (NEW.service_id, 1)
    ON CONFLICT (service_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER queue_waiting_leave AFTER UPDATE OF state, service_id ON queue_visits
WHEN OLD.state = 'waiting' AND (NEW.state <> 'waiting' OR NEW.service_id <> OLD.service_id) BEGIN
    UPDATE queue_waiting SET n = n - 1 WHERE service_id = OLD.service_id;
END;
CREATE TRIGGER queue_waiting_enter AFTER UPDATE OF state, service_id ON queue_visits
WHEN NEW.state = 'waiting' AND (OLD.state <> 'waiting' OR NEW.service_id <> OLD.service_id) BEGIN
    INSERT INTO queue_waiting (service_id, n) VALUES (NEW.service_id, 1)
    ON CONFLICT (service_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER queue_waiting_delete AFTER DELETE ON queue_visits WHEN OLD.state = 'waiting' BEGIN
    UPDATE queue_waiting SET n = n - 1 WHERE service_id = OLD.service_id;
END;
