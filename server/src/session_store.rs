//! The session store on the same database as everything else: tower-sessions'
//! SQLite or PostgreSQL store, chosen by the store's backend, behind one type.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use latchkey::store::{Pool, Store};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion};
use tower_sessions::SessionStore;
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// Whichever session store the backend calls for.
#[derive(Debug, Clone)]
pub struct Sessions(Arc<dyn SessionStore>);

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
        Ok(Self(inner))
    }

    /// The store itself, for the policy that deletes the sessions of signed-out devices.
    pub fn shared(&self) -> Arc<dyn SessionStore> {
        self.0.clone()
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
        self.0.create(record).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.0.save(record).await
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        self.0.load(id).await
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.0.delete(id).await
    }
}
