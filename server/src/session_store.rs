//! The session store on the same database as everything else: tower-sessions'
//! SQLite or PostgreSQL store, chosen by the store's backend, behind one type.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use latchkey::store::{Pool, Store};
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion};
use tower_sessions::SessionStore;
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// Whichever session store the backend calls for. On SQLite, the load that
/// every request with a cookie makes reads the store's row in place, on the
/// request's thread (see `latchkey::store`'s readers); the rest is the store's.
#[derive(Debug, Clone)]
pub struct Sessions {
    inner: Arc<dyn SessionStore>,
    store: Store,
}

impl Sessions {
    /// Creates the sessions table if needed, starts the hourly sweep of
    /// expired rows, and returns the store.
    pub async fn open(store: &Store) -> anyhow::Result<Self> {
        let inner: Arc<dyn SessionStore> = match store.pool() {
            Pool::Sqlite(pool) => {
                let sessions = SqliteStore::new(pool.clone());
                sessions
                    .migrate()
                    .await
                    .context("creating the sessions table")?;
                sweep(sessions.clone());
                Arc::new(sessions)
            }
            Pool::Postgres(pool) => {
                let sessions = PostgresStore::new(pool.clone());
                sessions
                    .migrate()
                    .await
                    .context("creating the sessions table")?;
                sweep(sessions.clone());
                Arc::new(sessions)
            }
        };
        Ok(Self {
            inner,
            store: store.clone(),
        })
    }

    /// The store itself, for the policy that deletes the sessions of signed-out devices.
    pub fn shared(&self) -> Arc<dyn SessionStore> {
        self.inner.clone()
    }
}

fn sweep(store: impl ExpiredDeletion + Clone + 'static) {
    tokio::spawn(async move {
        if let Err(e) = store
            .continuously_delete_expired(Duration::from_secs(60 * 60))
            .await
        {
            tracing::error!(error = %e, "expired-session cleanup stopped");
        }
    });
}

#[async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        self.inner.create(record).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.inner.save(record).await
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let Some(read) = self.store.session_data(&id.to_string()) else {
            return self.inner.load(id).await;
        };
        let Some(data) = read.map_err(|e| session_store::Error::Backend(e.to_string()))? else {
            return Ok(None);
        };
        // Encoded by tower-sessions' SQLite store; the expiry it filters on is the record's.
        let record: Record = rmp_serde::from_slice(&data)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok((record.expiry_date > OffsetDateTime::now_utc()).then_some(record))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.inner.delete(id).await
    }
}
