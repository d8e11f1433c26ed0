//! Short-lived caches of records that every request reads and that rarely
//! change: the unit chains behind authorization, and a center's services
//! behind every ticket. Each entry lives for a fixed time; a change made
//! through this instance clears the cache at once, and other instances see
//! it when their entries expire (seconds, see [`Caches`]).

use std::collections::HashMap;
use std::hash::Hash;
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

/// A center with its services, as issuing a ticket reads them.
#[derive(Debug, Clone)]
pub struct CenterConfig {
    /// The center.
    pub center: store::queue::Center,
    /// Its services, active or not.
    pub services: Vec<store::queue::Service>,
}

/// The caches of one instance.
#[derive(Debug)]
pub struct Caches {
    /// `store::unit::covering_units` by unit id (60 s): grants are checked on every request.
    pub covering: TtlCache<i64, Arc<Vec<i64>>>,
    /// Centers and their services by center code (5 s).
    pub centers: TtlCache<String, Arc<CenterConfig>>,
}

impl Default for Caches {
    fn default() -> Self {
        Caches { covering: TtlCache::new(Duration::from_secs(60)), centers: TtlCache::new(Duration::from_secs(5)) }
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
