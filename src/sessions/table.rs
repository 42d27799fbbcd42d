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
        let now = self.clock.now();
        self.store.delete_expired_sessions(now).await?;
        // No session signed out before this could still come back.
        self.store
            .forget_signed_out_sessions(now - self.lifetimes.absolute)
            .await?;
        self.store
            .delete_unused_devices(now, now - TOUCH_EVERY)
            .await
    }

    /// Why the session `id`, which a browser's cookie still names but which
    /// no longer signs anyone in, ended, as far as the database still knows:
    /// `None` once the sweep has forgotten it (or it never was).
    pub async fn why_ended(&self, id: &str) -> Result<Option<LoginReason>, StoreError> {
        let end = self.store.session_end(id, self.clock.now()).await?;
        Ok(end.map(|end| match end {
            SessionEnd::SignedOutElsewhere => LoginReason::SignedOutElsewhere,
            SessionEnd::Expired { expires_at, data } => {
                let signed_in_at = serde_json::from_str::<HashMap<String, Value>>(&data)
                    .ok()
                    .and_then(|mut data| data.remove(SIGNED_IN_KEY))
                    .and_then(|record| serde_json::from_value::<SignedIn>(record).ok())
                    .map(|record| record.at);
                match signed_in_at {
                    Some(at) if expires_at >= at + self.lifetimes.absolute => LoginReason::TooOld {
                        hours: (self.lifetimes.absolute / 3600).max(1),
                    },
                    _ => LoginReason::Idle {
                        minutes: (self.lifetimes.idle / 60).max(1),
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
            Some(record) => {
                (record.seen + self.lifetimes.idle).min(record.at + self.lifetimes.absolute)
            }
            None => self.clock.now() + self.lifetimes.idle,
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
            .update_session(encoded.write())
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let now = self.clock.now();
        let Some(row) = self
            .store
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
            .delete_session(&id.to_string())
            .await
            .map_err(backend)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Username;
    use crate::store::{NewDevice, NewUser, SignedOut};

    async fn table(dir: &tempfile::TempDir, clock: &Clock) -> (SessionTable, Store) {
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let store = Store::connect(&url).await.unwrap();
        let lifetimes = Lifetimes {
            idle: 100,
            absolute: 1_000,
            remembered: 10_000,
        };
        (
            SessionTable::new(store.clone(), clock.clone(), lifetimes),
            store,
        )
    }

    fn record(data: &[(&str, Value)]) -> Record {
        Record {
            id: Id::default(),
            data: data
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            // The system clock's date, far from the manual clock's: never used.
            expiry_date: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[tokio::test]
    async fn a_sign_in_round_trips_with_its_user_and_lives_by_the_core_clock() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Clock::manual(5_000);
        let (table, store) = table(&dir, &clock).await;
        let username = Username::parse("alice").unwrap();
        let new_user = NewUser {
            username: &username,
            password_hash: "x",
            now: 1,
        };
        let user = store.insert_user(new_user).await.unwrap();
        let new_device = NewDevice {
            user,
            user_agent: "test",
            ip: "::1",
            remembered: false,
            now: 1,
        };
        let device = store.insert_device(new_device).await.unwrap();
        let signed_in = SignedIn {
            user,
            device,
            at: 5_000,
            seen: 5_000,
            remember: false,
            confirmed: None,
        };
        let mut created = record(&[(SIGNED_IN_KEY, serde_json::to_value(signed_in).unwrap())]);
        table.create(&mut created).await.unwrap();

        let loaded = table.load(&created.id).await.unwrap().unwrap();
        assert_eq!(loaded.data[SIGNED_IN_KEY], created.data[SIGNED_IN_KEY]);
        let me: crate::domain::CurrentUser =
            serde_json::from_value(loaded.data[LOADED_USER_KEY].clone()).unwrap();
        assert_eq!((me.id, me.username.as_str()), (user, "alice"));
        assert_eq!(loaded.expiry_date.unix_timestamp(), 5_100, "idle lifetime");

        // Written back, the loaded user is left out: it is always read fresh.
        table.save(&loaded).await.unwrap();
        let stored = store
            .load_session(&created.id.to_string(), 5_000)
            .await
            .unwrap()
            .unwrap();
        assert!(!stored.data.contains(LOADED_USER_KEY), "{}", stored.data);

        clock.advance(100);
        assert!(table.load(&created.id).await.unwrap().is_none());
        table.delete_expired().await.unwrap();
        assert_eq!(store.count_sessions(user).await.unwrap(), 0);
        assert!(
            !store.delete_device(user, device).await.unwrap(),
            "its device was swept too"
        );
    }

    #[tokio::test]
    async fn a_busy_session_ends_at_its_absolute_lifetime() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Clock::manual(5_000);
        let (table, _) = table(&dir, &clock).await;
        let signed_in = SignedIn {
            user: UserId(1),
            device: DeviceId(1),
            at: 4_000,
            seen: 4_990,
            remember: false,
            confirmed: None,
        };
        let encoded = table
            .encode(&record(&[(
                SIGNED_IN_KEY,
                serde_json::to_value(signed_in).unwrap(),
            )]))
            .unwrap();
        assert_eq!(encoded.expires_at, 5_000);
        assert_eq!(encoded.owner, Some((UserId(1), DeviceId(1))));
        let anonymous = table.encode(&record(&[("flash", Value::Null)])).unwrap();
        assert_eq!((anonymous.expires_at, anonymous.owner), (5_100, None));
    }

    #[tokio::test]
    async fn a_colliding_id_is_replaced_by_a_fresh_one() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Clock::manual(5_000);
        let (table, _) = table(&dir, &clock).await;
        let mut first = record(&[("flash", Value::from(1))]);
        table.create(&mut first).await.unwrap();
        let mut second = record(&[("flash", Value::from(2))]);
        second.id = first.id;
        table.create(&mut second).await.unwrap();
        assert_ne!(second.id, first.id);
        let first_again = table.load(&first.id).await.unwrap().unwrap();
        assert_eq!(first_again.data["flash"], Value::from(1));
    }

    /// A signed-in session of a new user, signed in at `at` and last seen at
    /// `seen`; answers its id, the user and the device.
    async fn signed_in_session(
        (table, store): (&SessionTable, &Store),
        name: &str,
        at: i64,
        seen: i64,
    ) -> (Id, UserId, DeviceId) {
        let username = Username::parse(name).unwrap();
        let user = store
            .insert_user(NewUser {
                username: &username,
                password_hash: "x",
                now: at,
            })
            .await
            .unwrap();
        let device = store
            .insert_device(NewDevice {
                user,
                user_agent: "t",
                ip: "::1",
                remembered: false,
                now: at,
            })
            .await
            .unwrap();
        let signed_in = SignedIn {
            user,
            device,
            at,
            seen,
            remember: false,
            confirmed: None,
        };
        let mut created = record(&[(SIGNED_IN_KEY, serde_json::to_value(signed_in).unwrap())]);
        table.create(&mut created).await.unwrap();
        (created.id, user, device)
    }

    #[tokio::test]
    async fn an_ended_session_says_whether_it_idled_aged_or_was_signed_out_until_swept() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Clock::manual(5_000);
        let (table, store) = table(&dir, &clock).await;
        // Idle 100 s, absolute 1,000 s (each reads as at least 1 minute/hour).
        let db = (&table, &store);
        let (idle, _, _) = signed_in_session(db, "idle", 5_000, 5_000).await;
        let (old, _, _) = signed_in_session(db, "old", 4_050, 4_990).await;
        let (revoked, user, device) = signed_in_session(db, "revoked", 5_000, 5_000).await;
        let (kept, _, _) = signed_in_session(db, "kept", 5_000, 5_000).await;
        assert_eq!(
            table.why_ended(&idle.to_string()).await.unwrap(),
            None,
            "still live"
        );

        store
            .note_signed_out(user, SignedOut::Device(device), 5_000)
            .await
            .unwrap();
        assert!(store.delete_device(user, device).await.unwrap());
        clock.advance(101);
        let why = |id: Id| {
            let table = table.clone();
            async move { table.why_ended(&id.to_string()).await.unwrap() }
        };
        assert_eq!(why(idle).await, Some(LoginReason::Idle { minutes: 1 }));
        assert_eq!(why(old).await, Some(LoginReason::TooOld { hours: 1 }));
        assert_eq!(why(revoked).await, Some(LoginReason::SignedOutElsewhere));
        assert_eq!(
            why(kept).await,
            Some(LoginReason::Idle { minutes: 1 }),
            "not signed out"
        );
        assert_eq!(why(Id::default()).await, None, "never a session");

        // Once no session signed out then could still be alive, it is forgotten.
        clock.advance(1_000);
        table.delete_expired().await.unwrap();
        for id in [idle, old, revoked] {
            assert_eq!(why(id).await, None);
        }
    }
}
