-- How many tickets wait in each service, kept by triggers on every change of
-- queue_visits (issue, call, transfer, park, unpark, delete), so that what a
-- new ticket's holder is told ("N people ahead") and the board's waiting
-- counts cost one row read instead of a count over the whole line.
--
-- The triggers run once per statement over its transition tables, so a
-- batch of issues or calls touches each service's row once, in service id
-- order (concurrent batches then take the rows in the same order).
CREATE TABLE queue_waiting (
    service_id BIGINT PRIMARY KEY REFERENCES queue_services(id),
    n          BIGINT NOT NULL DEFAULT 0
);
INSERT INTO queue_waiting (service_id, n)
SELECT s.id, (SELECT COUNT(*) FROM queue_visits v WHERE v.service_id = s.id AND v.state = 'waiting')
FROM queue_services s;

CREATE FUNCTION queue_waiting_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO queue_waiting (service_id, n)
        SELECT service_id, COUNT(*) FROM new_rows WHERE state = 'waiting' GROUP BY service_id ORDER BY service_id
        ON CONFLICT (service_id) DO UPDATE SET n = queue_waiting.n + excluded.n;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO queue_waiting (service_id, n)
        SELECT service_id, SUM(d) FROM (
            SELECT service_id, -1 AS d FROM old_rows WHERE state = 'waiting'
            UNION ALL
            SELECT service_id, 1 AS d FROM new_rows WHERE state = 'waiting'
        ) AS moves GROUP BY service_id HAVING SUM(d) <> 0 ORDER BY service_id
        ON CONFLICT (service_id) DO UPDATE SET n = queue_waiting.n + excluded.n;
    ELSE
        INSERT INTO queue_waiting (service_id, n)
        SELECT service_id, -COUNT(*) FROM old_rows WHERE state = 'waiting' GROUP BY service_id ORDER BY service_id
        ON CONFLICT (service_id) DO UPDATE SET n = queue_waiting.n + excluded.n;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER queue_waiting_insert AFTER INSERT ON queue_visits
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION queue_waiting_count();
CREATE TRIGGER queue_waiting_update AFTER UPDATE ON queue_visits
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION queue_waiting_count();
CREATE TRIGGER queue_waiting_delete AFTER DELETE ON queue_visits
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION queue_waiting_count();
