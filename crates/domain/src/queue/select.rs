//! Call-next: which waiting ticket a counter calls next.
//!
//! The rule is a pure function of the counter's work profile, the waiting
//! tickets and the priority rule's state (queue.md §6 rule 2). It follows
//! queue.md §2 "Call-next rule":
//!
//! 1. A counter sees the tickets of the services in its work profile, plus
//!    the tickets transferred to it by name; a ticket transferred to another
//!    counter is not its to call (queue.md §2 "Transfer keeping time").
//! 2. Tickets are *preferred* (a priority category, or a checked-in
//!    appointment) or *normal*. When both kinds wait, the [`PriorityRule`]
//!    decides which kind is called: strict, or one call in every N.
//! 3. Within a kind, tickets transferred to this counter come first, then
//!    the profile's order: by the position of the service in the profile
//!    ([`CallOrder::ServiceOrder`]) or longest wait across all its services
//!    ([`CallOrder::LongestWait`], Qmatic's "max waiting time"); ties go to
//!    the earlier queue-entry time, then the lower ticket id. A transferred
//!    ticket keeps its original queue-entry time, so it keeps its place.

use serde::{Deserialize, Serialize};

use super::{Priority, PriorityRule};

/// How a counter orders the tickets of its services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallOrder {
    /// The first service in the profile with a waiting ticket, oldest ticket first.
    #[default]
    ServiceOrder,
    /// The longest-waiting ticket across the profile's services.
    LongestWait,
}

impl CallOrder {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CallOrder::ServiceOrder => "service_order",
            CallOrder::LongestWait => "longest_wait",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<CallOrder> {
        match s {
            "service_order" => Some(CallOrder::ServiceOrder),
            "longest_wait" => Some(CallOrder::LongestWait),
            _ => None,
        }
    }
}

/// A waiting ticket, as the selection sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Ticket (visit) id.
    pub id: i64,
    /// The service it waits for.
    pub service_id: i64,
    /// Its priority category, if any.
    pub priority: Option<Priority>,
    /// Whether it comes from a checked-in appointment.
    pub appointment: bool,
    /// When it entered the queue (UTC ms); kept across transfers.
    pub queued_at_ms: i64,
    /// The counter it was transferred to, if it waits for one counter only.
    pub counter_id: Option<i64>,
}

impl Candidate {
    /// Whether the ticket goes ahead of walk-ins by the priority rule.
    pub fn preferred(&self) -> bool {
        self.priority.is_some() || self.appointment
    }
}

/// A counter's work profile: the services it serves, in order, and how it orders them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkProfile {
    /// The counter.
    pub counter_id: i64,
    /// Service ids, first served first under [`CallOrder::ServiceOrder`].
    pub services: Vec<i64>,
    /// The ordering.
    pub order: CallOrder,
}

impl WorkProfile {
    /// Whether this counter may call the ticket.
    pub fn serves(&self, c: &Candidate) -> bool {
        match c.counter_id {
            Some(k) => k == self.counter_id,
            None => self.services.contains(&c.service_id),
        }
    }

    fn sort_key(&self, c: &Candidate) -> (bool, usize, i64, i64) {
        let rank = match self.order {
            CallOrder::ServiceOrder => self.services.iter().position(|s| *s == c.service_id).unwrap_or(usize::MAX),
            CallOrder::LongestWait => 0,
        };
        // `false` sorts first: tickets transferred to this counter lead.
        (c.counter_id.is_none(), rank, c.queued_at_ms, c.id)
    }
}

/// The priority rule's memory at one counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RuleState {
    /// Normal tickets this counter has called since its last preferred one.
    pub normal_streak: u32,
}

impl RuleState {
    /// The state after a call.
    pub fn after(self, pick: Pick) -> RuleState {
        if pick.preferred {
            RuleState { normal_streak: 0 }
        } else {
            RuleState { normal_streak: self.normal_streak.saturating_add(1) }
        }
    }
}

/// The ticket chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pick {
    /// Ticket id.
    pub id: i64,
    /// Whether it was a preferred (priority or appointment) ticket.
    pub preferred: bool,
}

/// Chooses the next ticket for a counter, or `None` when nobody waits for it.
pub fn select_next(profile: &WorkProfile, rule: PriorityRule, state: RuleState, waiting: &[Candidate]) -> Option<Pick> {
    let best = |preferred: bool| {
        waiting.iter().filter(|c| c.preferred() == preferred && profile.serves(c)).min_by_key(|c| profile.sort_key(c))
    };
    let chosen = match (best(true), best(false)) {
        (None, None) => return None,
        (Some(p), None) => p,
        (None, Some(n)) => n,
        (Some(p), Some(n)) => {
            if rule.prefers_priority(state) {
                p
            } else {
                n
            }
        }
    };
    Some(Pick { id: chosen.id, preferred: chosen.preferred() })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn t(id: i64, service: i64, prio: bool, at: i64) -> Candidate {
        Candidate {
            id,
            service_id: service,
            priority: prio.then_some(Priority::NguoiCaoTuoi),
            appointment: false,
            queued_at_ms: at,
            counter_id: None,
        }
    }

    fn profile(services: &[i64], order: CallOrder) -> WorkProfile {
        WorkProfile { counter_id: 1, services: services.to_vec(), order }
    }

    #[test]
    fn nobody_waiting_means_no_call() {
        let p = profile(&[1], CallOrder::ServiceOrder);
        assert_eq!(select_next(&p, PriorityRule::Strict, RuleState::default(), &[]), None);
        assert_eq!(select_next(&p, PriorityRule::Strict, RuleState::default(), &[t(1, 2, false, 0)]), None);
    }

    #[test]
    fn service_order_follows_the_profile_then_arrival() {
        let p = profile(&[20, 10], CallOrder::ServiceOrder);
        let w = [t(1, 10, false, 100), t(2, 20, false, 500), t(3, 20, false, 300)];
        assert_eq!(select_next(&p, PriorityRule::Strict, RuleState::default(), &w).unwrap().id, 3);
        let p = profile(&[20, 10], CallOrder::LongestWait);
        assert_eq!(select_next(&p, PriorityRule::Strict, RuleState::default(), &w).unwrap().id, 1);
    }

    #[test]
    fn strict_priority_always_goes_first() {
        let p = profile(&[1], CallOrder::ServiceOrder);
        let w = [t(1, 1, false, 0), t(2, 1, true, 1000)];
        for streak in [0, 1, 5] {
            let pick = select_next(&p, PriorityRule::Strict, RuleState { normal_streak: streak }, &w).unwrap();
            assert_eq!(pick, Pick { id: 2, preferred: true });
        }
    }

    #[test]
    fn interleaved_priority_takes_one_call_in_n() {
        let p = profile(&[1], CallOrder::ServiceOrder);
        let rule = PriorityRule::Interleaved { every: 3 };
        let mut waiting: Vec<Candidate> =
            (0..20).map(|i| t(i, 1, false, i)).chain((100..110).map(|i| t(i, 1, true, i))).collect();
        let mut state = RuleState::default();
        let mut kinds = String::new();
        for _ in 0..9 {
            let pick = select_next(&p, rule, state, &waiting).unwrap();
            kinds.push(if pick.preferred { 'P' } else { 'N' });
            state = state.after(pick);
            waiting.retain(|c| c.id != pick.id);
        }
        assert_eq!(kinds, "NNPNNPNNP");
    }

    #[test]
    fn appointments_count_as_preferred() {
        let p = profile(&[1], CallOrder::ServiceOrder);
        let mut appt = t(2, 1, false, 1000);
        appt.appointment = true;
        let pick = select_next(&p, PriorityRule::Strict, RuleState::default(), &[t(1, 1, false, 0), appt]).unwrap();
        assert_eq!(pick, Pick { id: 2, preferred: true });
    }

    #[test]
    fn transferred_tickets_go_to_their_counter_only_and_first() {
        let mut to_me = t(5, 99, false, 10_000);
        to_me.counter_id = Some(1);
        let mut to_other = t(6, 1, false, 0);
        to_other.counter_id = Some(2);
        let p = profile(&[1], CallOrder::ServiceOrder);
        let w = [t(1, 1, false, 5), to_me.clone(), to_other];
        assert_eq!(select_next(&p, PriorityRule::Strict, RuleState::default(), &w).unwrap().id, 5);
        let w2: Vec<_> = w.iter().filter(|c| c.id != 5).cloned().collect();
        assert_eq!(select_next(&p, PriorityRule::Strict, RuleState::default(), &w2).unwrap().id, 1);
    }

    fn candidate() -> impl Strategy<Value = Candidate> {
        (0i64..1000, 1i64..5, any::<bool>(), any::<bool>(), 0i64..10_000, prop::option::of(1i64..4)).prop_map(
            |(id, service_id, prio, appointment, at, counter)| Candidate {
                id,
                service_id,
                priority: prio.then_some(Priority::PhuNuMangThai),
                appointment,
                queued_at_ms: at,
                counter_id: counter.filter(|_| id % 4 == 0),
            },
        )
    }

    fn unique(mut v: Vec<Candidate>) -> Vec<Candidate> {
        v.sort_by_key(|c| c.id);
        v.dedup_by_key(|c| c.id);
        v
    }

    fn rule() -> impl Strategy<Value = PriorityRule> {
        prop_oneof![Just(PriorityRule::Strict), (1u32..6).prop_map(|every| PriorityRule::Interleaved { every })]
    }

    proptest! {
        #[test]
        fn picks_an_eligible_ticket_iff_one_exists(
            waiting in prop::collection::vec(candidate(), 0..40).prop_map(unique),
            services in prop::collection::vec(1i64..5, 0..4),
            longest in any::<bool>(),
            rule in rule(),
            streak in 0u32..10,
        ) {
            let order = if longest { CallOrder::LongestWait } else { CallOrder::ServiceOrder };
            let p = WorkProfile { counter_id: 1, services, order };
            let state = RuleState { normal_streak: streak };
            let eligible: Vec<&Candidate> = waiting.iter().filter(|c| p.serves(c)).collect();
            match select_next(&p, rule, state, &waiting) {
                None => prop_assert!(eligible.is_empty()),
                Some(pick) => {
                    let c = eligible.iter().find(|c| c.id == pick.id);
                    prop_assert!(c.is_some(), "the pick is eligible");
                    let c = c.unwrap();
                    prop_assert_eq!(pick.preferred, c.preferred());
                    // The chosen kind follows the rule.
                    let any_pref = eligible.iter().any(|c| c.preferred());
                    let any_norm = eligible.iter().any(|c| !c.preferred());
                    if any_pref && any_norm {
                        prop_assert_eq!(pick.preferred, rule.prefers_priority(state));
                    }
                    // Nobody of the same kind ranks ahead of it.
                    for o in eligible.iter().filter(|o| o.preferred() == c.preferred()) {
                        prop_assert!(p.sort_key(c) <= p.sort_key(o));
                    }
                    // Under longest-wait, no same-kind untransferred ticket waited longer.
                    if longest && c.counter_id.is_none() {
                        for o in eligible.iter().filter(|o| o.preferred() == c.preferred() && o.counter_id.is_none()) {
                            prop_assert!(c.queued_at_ms <= o.queued_at_ms);
                        }
                    }
                }
            }
        }

        #[test]
        fn draining_calls_every_eligible_ticket_exactly_once(
            waiting in prop::collection::vec(candidate(), 0..40).prop_map(unique),
            rule in rule(),
        ) {
            let p = WorkProfile { counter_id: 1, services: vec![1, 2, 3, 4], order: CallOrder::ServiceOrder };
            let expected: Vec<i64> = waiting.iter().filter(|c| p.serves(c)).map(|c| c.id).collect();
            let mut left = waiting.clone();
            let mut state = RuleState::default();
            let mut called = Vec::new();
            while let Some(pick) = select_next(&p, rule, state, &left) {
                called.push(pick.id);
                state = state.after(pick);
                left.retain(|c| c.id != pick.id);
            }
            called.sort_unstable();
            prop_assert_eq!(called, expected);
        }

        #[test]
        fn interleaving_never_lets_a_priority_ticket_wait_more_than_n_minus_1_normal_calls(
            every in 1u32..6,
            normals in 1usize..30,
            prios in 1usize..10,
        ) {
            let p = WorkProfile { counter_id: 1, services: vec![1], order: CallOrder::ServiceOrder };
            let rule = PriorityRule::Interleaved { every };
            let mut left: Vec<Candidate> = (0..normals).map(|i| t(i as i64, 1, false, 0))
                .chain((0..prios).map(|i| t(1000 + i as i64, 1, true, 0))).collect();
            let mut state = RuleState::default();
            let mut streak = 0u32;
            while let Some(pick) = select_next(&p, rule, state, &left) {
                let prio_waiting = left.iter().any(|c| c.preferred());
                if pick.preferred { streak = 0 } else if prio_waiting { streak += 1 }
                prop_assert!(streak < every, "at most every-1 normal calls while a priority ticket waits");
                state = state.after(pick);
                left.retain(|c| c.id != pick.id);
            }
        }
    }
}
