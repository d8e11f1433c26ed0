-- Indexes for the queue's hot paths, so that their cost does not grow with
-- the backlog or the history:
--   - the head of a service's waiting line (call-next, people ahead);
--   - the tickets transferred to one counter;
--   - a service's recently served tickets (the average service time behind
--     the estimated wait).
CREATE INDEX queue_visits_service_waiting ON queue_visits(service_id, state, queued_at, id);
CREATE INDEX queue_visits_target_waiting ON queue_visits(target_counter_id, state, queued_at, id);
CREATE INDEX queue_visits_service_ended ON queue_visits(service_id, state, ended_at);
