-- Indexes for the queue's hot paths, so that their cost does not grow with
-- the backlog or the history:
--   - the head of each class of a service's waiting line (call-next reads
--     the oldest normal and the oldest preferred ticket of each service; the
--     predicates match the query's terms so both backends use them);
--   - the tickets transferred to one counter;
--   - the people ahead of a new ticket in its service;
--   - a service's recently served tickets (the average service time behind
--     the estimated wait).
CREATE INDEX queue_visits_normal_head ON queue_visits(service_id, queued_at, id)
    WHERE state = 'waiting' AND target_counter_id IS NULL AND priority IS NULL AND appointment_id IS NULL;
CREATE INDEX queue_visits_preferred_head ON queue_visits(service_id, queued_at, id)
    WHERE state = 'waiting' AND target_counter_id IS NULL AND (priority IS NOT NULL OR appointment_id IS NOT NULL);
CREATE INDEX queue_visits_target_waiting ON queue_visits(target_counter_id, state, queued_at, id);
CREATE INDEX queue_visits_service_waiting ON queue_visits(service_id, state, id);
CREATE INDEX queue_visits_service_ended ON queue_visits(service_id, state, ended_at);
