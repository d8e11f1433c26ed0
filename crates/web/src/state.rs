//! What every handler shares: the database, the settings of the web layer,
//! the installation secret and the metrics handle.

use std::sync::Arc;

use domain::auth::LockoutPolicy;
use metrics_exporter_prometheus::PrometheusHandle;
use store::Db;

/// Settings of the web layer, from the configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Always mark cookies `Secure` (set when served over HTTPS). Without it,
    /// cookies are still `Secure` on requests that arrive with
    /// `X-Forwarded-Proto: https` from a proxy.
    pub secure_cookies: bool,
    /// How long a login session lasts, in seconds.
    pub session_ttl_secs: i64,
    /// Failed-login lockout.
    pub lockout: LockoutPolicy,
    /// The public address of the site, for links in QR codes and messages.
    pub public_url: String,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            session_ttl_secs: 12 * 3600,
            lockout: LockoutPolicy::default(),
            public_url: "http://127.0.0.1:8080".into(),
        }
    }
}

/// The application state given to every handler.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Web settings.
    pub config: Arc<WebConfig>,
    /// The installation secret that signs CSRF tokens.
    pub secret: Arc<str>,
    /// Renders the Prometheus metrics.
    pub metrics: PrometheusHandle,
    /// Live events to and from the other instances.
    pub bus: store::bus::Bus,
    /// Ticket issuance, committed in batches at busy times.
    pub issuer: store::queue::Issuer,
    /// Call-next, committed in batches at busy times.
    pub caller: store::queue::Caller,
    /// Payment notifications, committed in batches (group commit).
    pub ingester: store::payment::ingest::Ingester,
    /// Short-lived caches of rarely changing records.
    pub caches: Arc<crate::cache::Caches>,
}

impl AppState {
    /// Builds the state: reads the installation secret and installs the
    /// process-wide metrics recorder (once per process).
    pub async fn new(db: Db, config: WebConfig) -> Result<AppState, store::Error> {
        let secret = store::settings::secret(&db).await?;
        let bus = store::bus::Bus::start(&db).await?;
        let issuer = store::queue::Issuer::start(db.clone());
        let caller = store::queue::Caller::start(db.clone());
        let ingester = store::payment::ingest::Ingester::start(db.clone());
        let metrics = crate::ops::metrics_handle();
        let caches = Arc::default();
        crate::cache::Bearers::watch(&caches, db.clone());
        Ok(AppState {
            db,
            config: Arc::new(config),
            secret: secret.into(),
            metrics,
            bus,
            issuer,
            caller,
            ingester,
            caches,
        })
    }
}
