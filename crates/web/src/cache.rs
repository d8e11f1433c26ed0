//! Short-lived caches of records that every request reads and that rarely
//! change: the unit chains behind authorization, and a center's services
//! behind every ticket. Each entry lives for a fixed time; a change made
//! through this instance clears the cache at once, and other instances see
//! it when their entries expire (seconds, see [`Caches`]).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Entries kept at most before the cache starts afresh (a bound, not an LRU).
const MAX_ENTRIES: usize = 10_000;

/// A map whose entries expire `ttl` after they were stored.
#[derive(Debug)]
pub struct TtlCache<K, V> {
    ttl: Duration,
    map: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Eq + Hash + Clone, V: Clone> TtlCache<K, V> {
    /// An empty cache; a zero `ttl` caches nothing.
    pub fn new(ttl: Duration) -> Self {
        TtlCache { ttl, map: Mutex::new(HashMap::new()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, (Instant, V)>> {
        // A panic while holding the lock leaves a consistent map: keep using it.
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The fresh value for `key`, if any.
    pub fn get(&self, key: &K) -> Option<V> {
        let map = self.lock();
        map.get(key).filter(|(at, _)| at.elapsed() < self.ttl).map(|(_, v)| v.clone())
    }

    /// Stores `value` for `key`.
    pub fn put(&self, key: K, value: V) {
        if self.ttl.is_zero() {
            return;
        }
        let mut map = self.lock();
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(key, (Instant::now(), value));
    }

    /// Forgets everything (after a change made through this instance).
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// The cached value, or `load`'s, stored for next time.
    pub async fn get_or_load<E, F>(&self, key: K, load: F) -> Result<V, E>
    where
        F: Future<Output = Result<V, E>>,
    {
        if let Some(v) = self.get(&key) {
            return Ok(v);
        }
        let v = load.await?;
        self.put(key, v.clone());
        Ok(v)
    }
}

/// A center with its services and counters, as issuing a ticket and calling
/// the next one read them.
#[derive(Debug, Clone)]
pub struct CenterConfig {
    /// The center.
    pub center: store::queue::Center,
    /// Its services, active or not.
    pub services: Vec<store::queue::Service>,
    /// Its counters, active or not.
    pub counters: Vec<store::queue::Counter>,
}

impl CenterConfig {
    /// A counter of this center by id.
    pub fn counter(&self, id: i64) -> Option<&store::queue::Counter> {
        self.counters.iter().find(|k| k.id == id)
    }

    /// A service of this center by id.
    pub fn service(&self, id: i64) -> Option<&store::queue::Service> {
        self.services.iter().find(|s| s.id == id)
    }
}

/// API tokens verified lately, each with the principal it stands for.
///
/// Kiosks, display boards and integrations send a bearer token with every
/// request; verifying it reads the token and the user's grants. An entry is
/// used only while the credentials epoch ([`store::token::auth_epoch`], moved
/// by triggers on every revocation, disabled user and grant change, whoever
/// makes it) is the one it was loaded under; [`Bearers::watch`] polls the epoch
/// every [`EPOCH_POLL`], so a revoked token is refused by every instance
/// within that time.
#[derive(Debug)]
pub struct Bearers {
    entries: TtlCache<String, (i64, crate::auth::Principal)>,
    /// The epoch last read; [`UNKNOWN_EPOCH`] until read (nothing is cached then).
    epoch: AtomicI64,
}

/// How often the credentials epoch is read.
pub const EPOCH_POLL: Duration = Duration::from_secs(1);

/// The epoch before it has been read, or after a failed read.
const UNKNOWN_EPOCH: i64 = -1;

impl Bearers {
    fn new(ttl: Duration) -> Bearers {
        Bearers { entries: TtlCache::new(ttl), epoch: AtomicI64::new(UNKNOWN_EPOCH) }
    }

    /// The principal of the token with this digest, if verified under the current epoch.
    pub fn get(&self, digest: &str) -> Option<crate::auth::Principal> {
        let epoch = self.epoch.load(Ordering::Acquire);
        match self.entries.get(&digest.to_string()) {
            Some((at, p)) if at == epoch && epoch != UNKNOWN_EPOCH => Some(p),
            _ => None,
        }
    }

    /// The epoch to remember with a principal about to be loaded (read it
    /// before loading, so that a change during the load invalidates the entry).
    pub fn epoch(&self) -> i64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// Remembers a principal loaded under `epoch`.
    pub fn put(&self, digest: String, epoch: i64, principal: crate::auth::Principal) {
        if epoch != UNKNOWN_EPOCH {
            self.entries.put(digest, (epoch, principal));
        }
    }

    /// Polls the epoch until the caches are dropped.
    pub fn watch(caches: &Arc<Caches>, db: store::Db) {
        let weak = Arc::downgrade(caches);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(EPOCH_POLL);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let Some(caches) = weak.upgrade() else { return };
                let now = store::token::auth_epoch(&db).await.unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "credentials epoch not read; verifying every token");
                    UNKNOWN_EPOCH
                });
                if caches.bearers.epoch.swap(now, Ordering::AcqRel) != now {
                    caches.bearers.entries.clear();
                }
            }
        });
    }
}

/// The caches of one instance.
#[derive(Debug)]
pub struct Caches {
    /// `store::unit::covering_units` by unit id (60 s): grants are checked on every request.
    pub covering: TtlCache<i64, Arc<Vec<i64>>>,
    /// Centers and their services by center code (5 s).
    pub centers: TtlCache<String, Arc<CenterConfig>>,
    /// The code of each counter's center, by counter id (5 s).
    pub counter_centers: TtlCache<i64, String>,
    /// Verified API tokens (60 s, and only under the current credentials epoch).
    pub bearers: Bearers,
}

impl Default for Caches {
    fn default() -> Self {
        Caches {
            covering: TtlCache::new(Duration::from_secs(60)),
            centers: TtlCache::new(Duration::from_secs(5)),
            counter_centers: TtlCache::new(Duration::from_secs(5)),
            bearers: Bearers::new(Duration::from_secs(60)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn entries_expire_and_clear() {
        let c: TtlCache<&str, i32> = TtlCache::new(Duration::from_millis(50));
        let loaded = c.get_or_load("a", async { Ok::<_, ()>(1) }).await.unwrap();
        assert_eq!(loaded, 1);
        // A second load is not run while the entry is fresh.
        assert_eq!(c.get_or_load("a", async { Ok::<_, ()>(2) }).await.unwrap(), 1);
        c.clear();
        assert_eq!(c.get(&"a"), None);
        c.put("b", 3);
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(c.get(&"b"), None, "expired");
        let off: TtlCache<&str, i32> = TtlCache::new(Duration::ZERO);
        off.put("x", 1);
        assert_eq!(off.get(&"x"), None, "a zero ttl caches nothing");
    }
}
