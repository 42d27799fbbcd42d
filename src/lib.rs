//! Latchkey core: the account-and-session domain, usable by any axum app.
//!
//! `domain` is pure and compiles for wasm too, so the client shares its types and
//! rules. Everything that touches a database, a hash or a session lives behind the
//! `server` feature, gated here once.

pub mod domain;
#[cfg(feature = "server")]
pub mod factors;

#[cfg(feature = "server")]
pub mod accounts;
#[cfg(feature = "server")]
pub mod auth;
#[cfg(feature = "server")]
pub mod clock;
#[cfg(feature = "server")]
pub mod cookies;
#[cfg(feature = "server")]
pub mod keys;
#[cfg(feature = "server")]
pub mod mail;
#[cfg(feature = "server")]
pub mod password;
#[cfg(feature = "server")]
pub mod sessions;
#[cfg(feature = "server")]
pub mod store;
#[cfg(feature = "server")]
pub mod strength;
#[cfg(feature = "server")]
pub mod throttle;
#[cfg(feature = "server")]
pub mod web;
