//! Queue statistics, computed from the visit event log (queue.md §3, and
//! §6 rule 7: "reports compute waiting and transaction times from events,
//! never from stored aggregates alone").
//!
//! [`summarize`] folds each visit's events into a [`VisitSummary`];
//! [`Stats::compute`] aggregates any set of summaries (a center, a service,
//! a counter, an officer, a day or an hour: group them with [`group_by`]);
//! [`idle_ms`] measures each counter's idle time between its transactions.
//!
//! Definitions (queue.md §3):
//! - *waiting time* = first call − creation. A transfer keeps the creation
//!   time, so a transferred visit's wait runs from its first arrival.
//! - *service (transaction) time* = start → finished, parked, no-show or
//!   transferred, summed over the visit's transactions.
//! - *outcome*: served when the last ending event is `finished`, no-show when
//!   it is `no_show`; after a recall, the last call counts.
//! - *service level*: the share of called visits whose wait was within the
//!   service's target; its complement is the share "beyond target".

use std::collections::BTreeMap;

use serde::Serialize;

use super::visit::EventKind;

/// One event of a visit's log, as statistics need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The visit.
    pub visit_id: i64,
    /// When (UTC ms).
    pub at_ms: i64,
    /// What happened.
    pub kind: EventKind,
    /// The visit's service after the event.
    pub service_id: i64,
    /// The counter acting, if any.
    pub counter_id: Option<i64>,
    /// The officer acting, if any.
    pub officer_id: Option<i64>,
}

/// How a visit ended, so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Served.
    Served,
    /// Did not come when called.
    NoShow,
    /// Not ended yet (waiting, called, serving or parked).
    Open,
}

/// One visit, folded from its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisitSummary {
    /// The visit.
    pub visit_id: i64,
    /// The service it was issued for.
    pub service_id: i64,
    /// Created (UTC ms).
    pub created_ms: i64,
    /// First called (UTC ms).
    pub first_call_ms: Option<i64>,
    /// The counter of the last call.
    pub counter_id: Option<i64>,
    /// The officer of the last call or start.
    pub officer_id: Option<i64>,
    /// Total transaction time (ms).
    pub service_ms: i64,
    /// How it ended.
    pub outcome: Outcome,
}

impl VisitSummary {
    /// Waiting time (ms), once called.
    pub fn wait_ms(&self) -> Option<i64> {
        self.first_call_ms.map(|c| (c - self.created_ms).max(0))
    }
}

/// Folds an event list (any order, any visits) into one summary per visit,
/// ordered by visit id. Events of one visit are taken in time order; equal
/// times keep their order in the list.
pub fn summarize(events: &[Event]) -> Vec<VisitSummary> {
    let mut by_visit: BTreeMap<i64, Vec<&Event>> = BTreeMap::new();
    for e in events {
        by_visit.entry(e.visit_id).or_default().push(e);
    }
    by_visit
        .into_iter()
        .map(|(visit_id, mut evs)| {
            evs.sort_by_key(|e| e.at_ms);
            let first = evs[0];
            let mut s = VisitSummary {
                visit_id,
                service_id: first.service_id,
                created_ms: first.at_ms,
                first_call_ms: None,
                counter_id: None,
                officer_id: None,
                service_ms: 0,
                outcome: Outcome::Open,
            };
            let mut started: Option<i64> = None;
            for e in evs {
                match e.kind {
                    EventKind::Issued => {
                        s.created_ms = e.at_ms;
                        s.service_id = e.service_id;
                    }
                    EventKind::Called | EventKind::Recalled => {
                        s.first_call_ms.get_or_insert(e.at_ms);
                        s.counter_id = e.counter_id.or(s.counter_id);
                        s.officer_id = e.officer_id.or(s.officer_id);
                        s.outcome = Outcome::Open;
                    }
                    EventKind::Started => {
                        started = Some(e.at_ms);
                        s.officer_id = e.officer_id.or(s.officer_id);
                    }
                    EventKind::Finished | EventKind::NoShow | EventKind::Parked | EventKind::Transferred => {
                        if let Some(t) = started.take() {
                            s.service_ms += (e.at_ms - t).max(0);
                        }
                        s.outcome = match e.kind {
                            EventKind::Finished => Outcome::Served,
                            EventKind::NoShow => Outcome::NoShow,
                            _ => Outcome::Open,
                        };
                    }
                    EventKind::Unparked => {}
                }
            }
            s
        })
        .collect()
}

/// Aggregates over a set of visits.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stats {
    /// Visits created.
    pub arrived: u64,
    /// Visits served.
    pub served: u64,
    /// Visits ended as no-shows.
    pub no_show: u64,
    /// Visits not ended yet.
    pub open: u64,
    /// Visits called at least once.
    pub called: u64,
    /// Average waiting time of called visits (ms).
    pub avg_wait_ms: i64,
    /// Longest waiting time (ms).
    pub max_wait_ms: i64,
    /// Average transaction time of served visits (ms).
    pub avg_service_ms: i64,
    /// Called visits that waited beyond their service's target.
    pub over_target: u64,
    /// `over_target` as a percentage of called visits.
    pub over_target_pct: f64,
    /// The service level: called within target, as a percentage of called visits.
    pub service_level_pct: f64,
}

impl Stats {
    /// Aggregates `visits`; `target_ms` gives a service's waiting target.
    pub fn compute(visits: &[VisitSummary], target_ms: impl Fn(i64) -> Option<i64>) -> Stats {
        let mut st = Stats { arrived: visits.len() as u64, ..Stats::default() };
        let (mut wait_sum, mut service_sum) = (0i64, 0i64);
        for v in visits {
            match v.outcome {
                Outcome::Served => {
                    st.served += 1;
                    service_sum += v.service_ms;
                }
                Outcome::NoShow => st.no_show += 1,
                Outcome::Open => st.open += 1,
            }
            if let Some(w) = v.wait_ms() {
                st.called += 1;
                wait_sum += w;
                st.max_wait_ms = st.max_wait_ms.max(w);
                if target_ms(v.service_id).is_some_and(|t| w > t) {
                    st.over_target += 1;
                }
            }
        }
        if st.called > 0 {
            st.avg_wait_ms = wait_sum / st.called as i64;
            st.over_target_pct = 100.0 * st.over_target as f64 / st.called as f64;
            st.service_level_pct = 100.0 - st.over_target_pct;
        }
        if st.served > 0 {
            st.avg_service_ms = service_sum / st.served as i64;
        }
        st
    }
}

/// Groups summaries by a key (service, counter, officer, local day or hour);
/// visits whose key is `None` are left out.
pub fn group_by<K: Ord>(
    visits: &[VisitSummary],
    key: impl Fn(&VisitSummary) -> Option<K>,
) -> BTreeMap<K, Vec<VisitSummary>> {
    let mut out: BTreeMap<K, Vec<VisitSummary>> = BTreeMap::new();
    for v in visits {
        if let Some(k) = key(v) {
            out.entry(k).or_default().push(v.clone());
        }
    }
    out
}

/// Each counter's idle time (ms): the gaps between the end of one of its
/// transactions (finished, no-show, parked, transferred) and its next call
/// (queue.md §3 "Idle time"). A gap longer than `max_gap_ms` is a break or
/// the counter being closed, not idling, and is not counted.
pub fn idle_ms(events: &[Event], max_gap_ms: i64) -> BTreeMap<i64, i64> {
    let mut by_counter: BTreeMap<i64, Vec<&Event>> = BTreeMap::new();
    for e in events {
        if let Some(c) = e.counter_id {
            by_counter.entry(c).or_default().push(e);
        }
    }
    by_counter
        .into_iter()
        .map(|(counter, mut evs)| {
            evs.sort_by_key(|e| e.at_ms);
            let mut idle = 0;
            let mut free_since: Option<i64> = None;
            for e in evs {
                match e.kind {
                    EventKind::Called => {
                        if let Some(f) = free_since.take() {
                            let gap = e.at_ms - f;
                            if (0..=max_gap_ms).contains(&gap) {
                                idle += gap;
                            }
                        }
                    }
                    EventKind::Finished | EventKind::NoShow | EventKind::Parked | EventKind::Transferred => {
                        free_since = Some(e.at_ms);
                    }
                    _ => {}
                }
            }
            (counter, idle)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn ev(visit_id: i64, at_min: i64, kind: EventKind, counter: Option<i64>) -> Event {
        Event { visit_id, at_ms: at_min * MIN, kind, service_id: 1, counter_id: counter, officer_id: counter }
    }

    fn day() -> Vec<Event> {
        use EventKind::*;
        vec![
            // Visit 1: waits 10, served 5 at counter 7.
            ev(1, 0, Issued, None),
            ev(1, 10, Called, Some(7)),
            ev(1, 11, Started, Some(7)),
            ev(1, 16, Finished, Some(7)),
            // Visit 2: waits 20 (over a 15-minute target), recalled, no-show.
            ev(2, 1, Issued, None),
            ev(2, 21, Called, Some(7)),
            ev(2, 23, Recalled, Some(7)),
            ev(2, 25, NoShow, Some(7)),
            // Visit 3: transferred after 2 minutes of service, keeps its creation time.
            ev(3, 2, Issued, None),
            ev(3, 4, Called, Some(8)),
            ev(3, 5, Started, Some(8)),
            ev(3, 7, Transferred, Some(8)),
            ev(3, 30, Called, Some(7)),
            ev(3, 30, Started, Some(7)),
            ev(3, 34, Finished, Some(7)),
            // Visit 4: still waiting.
            ev(4, 40, Issued, None),
        ]
    }

    #[test]
    fn summaries_follow_the_definitions() {
        let s = summarize(&day());
        assert_eq!(s.len(), 4);
        assert_eq!((s[0].wait_ms(), s[0].service_ms, s[0].outcome), (Some(10 * MIN), 5 * MIN, Outcome::Served));
        assert_eq!((s[1].wait_ms(), s[1].outcome), (Some(20 * MIN), Outcome::NoShow));
        assert_eq!((s[2].wait_ms(), s[2].service_ms, s[2].counter_id), (Some(2 * MIN), 6 * MIN, Some(7)));
        assert_eq!((s[3].wait_ms(), s[3].outcome), (None, Outcome::Open));
    }

    #[test]
    fn stats_aggregate_the_summaries() {
        let st = Stats::compute(&summarize(&day()), |_| Some(15 * MIN));
        assert_eq!((st.arrived, st.served, st.no_show, st.open, st.called), (4, 2, 1, 1, 3));
        assert_eq!(st.avg_wait_ms, (10 + 20 + 2) * MIN / 3);
        assert_eq!(st.max_wait_ms, 20 * MIN);
        assert_eq!(st.avg_service_ms, (5 + 6) * MIN / 2);
        assert_eq!(st.over_target, 1);
        assert!((st.over_target_pct - 100.0 / 3.0).abs() < 1e-9);
        assert!((st.service_level_pct + st.over_target_pct - 100.0).abs() < 1e-9);
        assert_eq!(Stats::compute(&[], |_| None), Stats::default());
    }

    #[test]
    fn visits_group_by_counter() {
        let groups = group_by(&summarize(&day()), |v| v.counter_id);
        assert_eq!(groups.keys().copied().collect::<Vec<_>>(), vec![7]);
        assert_eq!(groups[&7].len(), 3);
    }

    fn random_day() -> impl proptest::strategy::Strategy<Value = Vec<Event>> {
        use super::super::visit::{Action, VisitState, next_state};
        use proptest::prelude::*;
        let visit = (0i64..600, prop::collection::vec((0usize..8, 0i64..20, 1i64..4), 0..12));
        prop::collection::vec(visit, 0..20).prop_map(|visits| {
            let mut events = Vec::new();
            for (id, (start, steps)) in visits.into_iter().enumerate() {
                let id = id as i64;
                let mut at = start;
                let mut state = VisitState::Waiting;
                events.push(ev(id, at, EventKind::Issued, None));
                for (a, dt, counter) in steps {
                    let action = Action::ALL[a];
                    if let Ok(next) = next_state(state, action) {
                        at += dt;
                        state = next;
                        events.push(ev(id, at, action.event_kind(), Some(counter)));
                    }
                }
            }
            events
        })
    }

    proptest::proptest! {
        #[test]
        fn stats_are_consistent_on_any_valid_history(events in random_day(), target in 0i64..30) {
            let visits = summarize(&events);
            let st = Stats::compute(&visits, |_| Some(target * MIN));
            let ids: std::collections::BTreeSet<i64> = events.iter().map(|e| e.visit_id).collect();
            proptest::prop_assert_eq!(st.arrived as usize, ids.len());
            proptest::prop_assert_eq!(st.served + st.no_show + st.open, st.arrived);
            proptest::prop_assert!(st.called <= st.arrived && st.over_target <= st.called);
            proptest::prop_assert!(st.avg_wait_ms <= st.max_wait_ms && st.avg_wait_ms >= 0);
            if st.called > 0 {
                proptest::prop_assert!((st.over_target_pct + st.service_level_pct - 100.0).abs() < 1e-9);
            }
            let none = Stats::compute(&visits, |_| None);
            proptest::prop_assert_eq!(none.over_target, 0);
            for idle in idle_ms(&events, i64::MAX).values() {
                proptest::prop_assert!(*idle >= 0);
            }
        }
    }

    #[test]
    fn idle_time_runs_from_an_end_to_the_next_call() {
        let idle = idle_ms(&day(), 60 * MIN);
        // Counter 7: finished at 16, called at 21 (5); no-show at 25, called at 30 (5).
        assert_eq!(idle[&7], 10 * MIN);
        assert_eq!(idle[&8], 0);
        assert_eq!(idle_ms(&day(), 4 * MIN)[&7], 0, "long gaps are breaks");
    }
}
