//! tower-sessions' [`SessionStore`] over Latchkey's own `sessions` table.
//!
//! Each row carries the session's user and device as columns (taken from its
//! sign-in record when it is written), so the database ends a session when
//! its device or account goes, and the read that loads a session also brings
//! its signed-in user. That user is handed to [`super::SessionPolicy`] inside
//! the loaded record, under a key that is never written back.

use std::collections::HashMap;

use async_trait::async_trait;
use serde_json::Value;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, Error};
use tower_sessions::SessionStore;

use super::lifetimes::TOUCH_EVERY;
use super::{Lifetimes, SignedIn, SIGNED_IN_KEY};
use crate::clock::Clock;
use crate::domain::{DeviceId, LoginReason, UserId};
use crate::store::{Created, SessionEnd, SessionWrite, Store, StoreError};

/// Where a loaded session carries its signed-in user (read-only, in memory).
pub(super) const LOADED_USER_KEY: &str = "auth.user";

/// The session store: Latchkey's `sessions` table, on the core's clock.
#[derive(Debug, Clone)]
pub struct SessionTable {
    store: Store,
    clock: Clock,
    lifetimes: Lifetimes,
}

impl SessionTable {
    /// Sessions in `store`'s database, judged on `clock`. A signed-in
    /// session's row expires when its idle or absolute lifetime ends; an
    /// anonymous one (a flash message) after the idle lifetime.
    pub fn new(store: Store, clock: Clock, lifetimes: Lifetimes) -> Self {
        Self {
            store,
            clock,
            lifetimes,
        }
    }

    /// Deletes expired sessions, and the devices that were signed in only by
    /// them (a remembered device stays: its token starts new sessions).
    pub async fn delete_expired(&self) -> Result<(), StoreError> {
        let now = self.clock.seconds();
        self.store.db().delete_expired_sessions(now).await?;
        // No session signed out before this could still come back.
        self.store
            .db()
            .forget_signed_out_sessions(now - self.lifetimes.absolute_seconds())
            .await?;
        self.store
            .db()
            .delete_unused_devices(now, now - TOUCH_EVERY)
            .await
    }

    /// Why the session `id`, which a browser's cookie still names but which
    /// no longer signs anyone in, ended, as far as the database still knows:
    /// `None` once the sweep has forgotten it (or it never was).
    pub async fn why_ended(&self, id: &str) -> Result<Option<LoginReason>, StoreError> {
        let end = self
            .store
            .db()
            .session_end(id, self.clock.seconds())
            .await?;
        Ok(end.map(|end| match end {
            SessionEnd::SignedOutElsewhere => LoginReason::SignedOutElsewhere,
            SessionEnd::Expired { expires_at, data } => {
                let signed_in_at = serde_json::from_str::<HashMap<String, Value>>(&data)
                    .ok()
                    .and_then(|mut data| data.remove(SIGNED_IN_KEY))
                    .and_then(|record| serde_json::from_value::<SignedIn>(record).ok())
                    .map(|record| record.at);
                match signed_in_at {
                    Some(at) if expires_at >= at + self.lifetimes.absolute_seconds() => {
                        LoginReason::TooOld {
                            hours: (self.lifetimes.absolute_seconds() / 3600).max(1),
                        }
                    }
                    _ => LoginReason::Idle {
                        minutes: (self.lifetimes.idle_seconds() / 60).max(1),
                    },
                }
            }
        }))
    }

    fn encode(&self, record: &Record) -> session_store::Result<Encoded> {
        let signed_in = record
            .data
            .get(SIGNED_IN_KEY)
            .cloned()
            .map(serde_json::from_value::<SignedIn>)
            .transpose()
            .map_err(|e| Error::Encode(e.to_string()))?;
        // Every expiry is on the core's clock; the record's own date (from the
        // system clock, for the cookie crate's sake) is not used.
        let expires_at = match &signed_in {
            Some(record) => (record.seen + self.lifetimes.idle_seconds())
                .min(record.at + self.lifetimes.absolute_seconds()),
            None => self.clock.seconds() + self.lifetimes.idle_seconds(),
        };
        let data: HashMap<&String, &Value> = record
            .data
            .iter()
            .filter(|(key, _)| key.as_str() != LOADED_USER_KEY)
            .collect();
        Ok(Encoded {
            id: record.id.to_string(),
            data: serde_json::to_string(&data).map_err(|e| Error::Encode(e.to_string()))?,
            owner: signed_in.map(|record| (record.user, record.device)),
            expires_at,
        })
    }
}

struct Encoded {
    id: String,
    data: String,
    owner: Option<(UserId, DeviceId)>,
    expires_at: i64,
}

impl Encoded {
    fn write(&self) -> SessionWrite<'_> {
        SessionWrite {
            id: &self.id,
            data: &self.data,
            owner: self.owner,
            expires_at: self.expires_at,
        }
    }
}

fn backend(error: StoreError) -> Error {
    Error::Backend(error.to_string())
}

#[async_trait]
impl SessionStore for SessionTable {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            let encoded = self.encode(record)?;
            match self
                .store
                .db()
                .create_session(encoded.write())
                .await
                .map_err(backend)?
            {
                Created::Written | Created::OwnerGone => return Ok(()),
                Created::IdTaken => record.id = Id::default(),
            }
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let encoded = self.encode(record)?;
        self.store
            .db()
            .update_session(encoded.write())
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let now = self.clock.seconds();
        let Some(row) = self
            .store
            .db()
            .load_session(&id.to_string(), now)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let mut data: HashMap<String, Value> =
            serde_json::from_str(&row.data).map_err(|e| Error::Decode(e.to_string()))?;
        if let Some(user) = row.user {
            let user = serde_json::to_value(user).map_err(|e| Error::Decode(e.to_string()))?;
            data.insert(LOADED_USER_KEY.to_string(), user);
        }
        let expiry_date = OffsetDateTime::from_unix_timestamp(row.expires_at)
            .map_err(|e| Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.store
            .db()
            .delete_session(&id.to_string())
            .await
            .map_err(backend)
    }
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;
