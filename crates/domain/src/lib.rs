//! Pure rules of Xã Số: the types that carry the rules of each area and the
//! state machines built on them.
//!
//! Nothing here performs I/O: no HTTP, no SQL, no clock reads unless a caller
//! passes the time in. `store` persists these types and `web` renders them,
//! so a rule lives in exactly one place and every layer that names an area
//! (`unit`, `auth`, ...) finds it here under the same name.

pub mod auth;
pub mod dossier;
pub mod market;
pub mod notify;
pub mod payment;
pub mod person;
pub mod queue;
pub mod report766;
pub mod text;
pub mod time;
pub mod unit;
