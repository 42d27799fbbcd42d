//! The database: connection, migrations and every query the core runs, on
//! SQLite (the embedded default) or PostgreSQL (chosen by `DATABASE_URL`).
//!
//! Every query is written once, with numbered `$n` parameters, which both
//! PostgreSQL and sqlx's SQLite driver bind by number: no SQL is rewritten at
//! run time. Every query is a method of [`Db`], which says where it runs: a
//! store's pool or one open [`Tx`]; `on_pool!` runs it there, with each
//! backend's native types.

/// Runs `$body` with `$pool` bound to the executor of `$db` (a [`Db`]): its
/// open transaction if it is one, else its store's pool, whichever backend.
macro_rules! on_pool {
    ($db:expr, $pool:ident, $body:expr) => {
        match $db.0 {
            $crate::store::transaction::On::Tx(tx) => {
                let mut open = tx.open.lock().await;
                match &mut *open {
                    $crate::store::transaction::Open::Sqlite(tx) => {
                        let $pool = &mut **tx;
                        $body
                    }
                    $crate::store::transaction::Open::Postgres(tx) => {
                        let $pool = &mut **tx;
                        $body
                    }
                }
            }
            $crate::store::transaction::On::Pool(store) => match &store.pool {
                $crate::store::Pool::Sqlite($pool) => $body,
                $crate::store::Pool::Postgres($pool) => $body,
            },
        }
    };
}

/// Runs the statement `$query` on the store's executor (see [`on_pool!`])
/// and answers how many rows it changed: the one place the two backends'
/// results are made to agree.
macro_rules! execute {
    ($store:expr, $query:expr) => {
        on_pool!(
            $store,
            pool,
            $query.execute(pool).await.map(|done| done.rows_affected())
        )
    };
}

mod activity;
mod admin;
mod backend;
mod devices;
mod email;
mod email_tokens;
mod factors;
mod keys;
mod migrate;
mod outbox;
mod passkeys;
mod readers;
mod remember;
mod sessions;
mod signed_out;
mod throttle;
mod transaction;
mod users;

#[cfg(test)]
mod error_tests;
#[cfg(test)]
mod migration_tests;
#[cfg(test)]
mod sessions_tests;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

pub(crate) use admin::SearchBy;
pub(crate) use devices::{DeviceRow, NewDevice};
pub(crate) use email::AddressOwner;
pub(crate) use email_tokens::{NewEmailToken, TakenToken};
pub use outbox::{NewMail, QueuedMail};
pub(crate) use sessions::{Created, SessionWrite};
pub(crate) use signed_out::{SessionEnd, SignedOut};
pub use transaction::{Db, Tx};
pub(crate) use users::NewUser;

/// A database failure. Its text may hold SQL, so it is logged, never shown.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed a query.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration recorded as applied was changed since.
    #[error(transparent)]
    Migration(#[from] migrate::MigrationError),
    /// A read on the in-place path failed (see [`readers`]).
    #[error("database error: {0}")]
    Read(#[from] rusqlite::Error),
    /// The database takes no writes.
    #[error("the database is read-only")]
    ReadOnly,
    /// The database file's folder could not be created.
    #[error("cannot create the database folder {path}: {source}")]
    Folder {
        /// The folder.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

impl StoreError {
    /// Whether the database is unreachable, busy past its timeout, read-only
    /// or out of space: a passing condition to answer with 503, not a bug.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(e)) => {
                let code = e.code().unwrap_or_default();
                // SQLSTATEs are five characters; SQLite's codes have at most four digits.
                if code.len() == 5 {
                    // PostgreSQL's SQLSTATE: connection exceptions, shutdown,
                    // insufficient resources, a read-only transaction.
                    return code.starts_with("08")
                        || code.starts_with("57P")
                        || code.starts_with("53")
                        || code == "25006";
                }
                // SQLite's primary result codes: BUSY, LOCKED, READONLY,
                // IOERR, FULL, CANTOPEN.
                let primary = code.parse::<i64>().ok().map(|code| code & 0xff);
                matches!(primary, Some(5 | 6 | 8 | 10 | 13 | 14))
            }
            StoreError::Database(
                sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_),
            )
            | StoreError::ReadOnly => true,
            StoreError::Read(e) => readers::is_unavailable(e),
            _ => false,
        }
    }

    /// Whether SQLite answered BUSY or LOCKED.
    fn is_sqlite_busy(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(e)) => {
                let code = e.code().unwrap_or_default();
                code.len() < 5 && matches!(code.parse::<i64>().ok().map(|c| c & 0xff), Some(5 | 6))
            }
            _ => false,
        }
    }

    /// Whether the failure is a unique-constraint violation.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}

/// The connection pool of one backend.
#[derive(Clone, Debug)]
pub enum Pool {
    /// The embedded default.
    Sqlite(SqlitePool),
    /// For several app servers on one database.
    Postgres(PgPool),
}

/// The connection pool and the queries over it.
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
    /// On a SQLite file, the in-place path for the reads on every request.
    readers: Option<Arc<readers::Readers>>,
}

impl Store {
    /// Whether this is PostgreSQL, which several app servers may share.
    pub fn is_postgres(&self) -> bool {
        self.backend() == backend::Backend::Postgres
    }

    /// Which backend this store is on.
    fn backend(&self) -> backend::Backend {
        match self.pool {
            Pool::Sqlite(_) => backend::Backend::Sqlite,
            Pool::Postgres(_) => backend::Backend::Postgres,
        }
    }

    /// Opens the database at `url` (`sqlite://...`, created if needed, or
    /// `postgres://...`) and runs that backend's migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::connect_postgres(url).await
        } else {
            Self::connect_sqlite(url).await
        }
    }

    async fn connect_postgres(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await?;
        Self::from_pool(Pool::Postgres(pool)).await
    }

    /// A store over a pool the host app already has: runs Latchkey's
    /// migrations on it, and on a SQLite file opens the in-place readers
    /// (see [`readers`]). The pool should enforce foreign keys (sqlx's
    /// SQLite default) and, for SQLite, be in WAL mode.
    ///
    /// Latchkey's migrations are recorded in `latchkey_migrations`, so a
    /// host's own sqlx migrations (in `_sqlx_migrations`) run beside them
    /// untouched (see [`migrate`]).
    pub async fn from_pool(pool: Pool) -> Result<Self, StoreError> {
        let readers = match &pool {
            Pool::Sqlite(pool) => {
                let options = pool.connect_options();
                let file = options.get_filename();
                // An in-memory database is private to its sqlx connections.
                let in_memory = file.as_os_str().is_empty()
                    || file.to_string_lossy().contains(":memory:")
                    || file.to_string_lossy().contains("mode=memory");
                (!in_memory).then(|| Arc::new(readers::Readers::new(file)))
            }
            Pool::Postgres(_) => None,
        };
        let store = Self { pool, readers };
        store.migrate().await?;
        Ok(store)
    }

    /// SQLite runs in WAL mode with a busy timeout, so readers never block the
    /// writer and concurrent writers wait instead of failing with "database is locked".
    async fn connect_sqlite(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let file = options.get_filename().to_path_buf();
        if let Some(folder) = file.parent() {
            create_folder(folder)?;
        }
        // Servers opening a new database at the same moment can be answered
        // "database is locked" at once, the busy timeout notwithstanding (one
        // in fifteen four-server starts did, likely the race to switch the
        // new file to WAL): such a start is tried again shortly.
        let mut tries = 0;
        loop {
            let opened = async {
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect_with(options.clone())
                    .await?;
                Self::from_pool(Pool::Sqlite(pool)).await
            }
            .await;
            match opened {
                Err(e) if e.is_sqlite_busy() && tries < 20 => {
                    tries += 1;
                    tokio::time::sleep(Duration::from_millis(25 * tries)).await;
                }
                other => return other,
            }
        }
    }

    /// The pool, for the session store that shares this database.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Answers when the database answers and would take a write. On SQLite it
    /// briefly takes the write lock and lets it go; on PostgreSQL it asks
    /// whether the server is read-only (a standby, or read-only by setting).
    pub async fn ping(&self) -> Result<(), StoreError> {
        match &self.pool {
            Pool::Sqlite(pool) => {
                sqlx::query("SELECT 1").execute(pool).await?;
                let probe = pool.begin_with("BEGIN IMMEDIATE").await?;
                probe.rollback().await?;
            }
            Pool::Postgres(pool) => {
                let read_only: String = sqlx::query_scalar("SHOW transaction_read_only")
                    .fetch_one(pool)
                    .await?;
                if read_only == "on" {
                    return Err(StoreError::ReadOnly);
                }
            }
        }
        Ok(())
    }
}

fn create_folder(folder: &Path) -> Result<(), StoreError> {
    if folder.as_os_str().is_empty() || folder.exists() {
        return Ok(());
    }
    std::fs::create_dir_all(folder).map_err(|source| StoreError::Folder {
        path: folder.display().to_string(),
        source,
    })
}
