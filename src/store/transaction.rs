//! Where a query runs: [`Db`], a store's pool or one open [`Tx`].
//!
//! A transaction is a value: [`Store::begin`] opens one, every query made
//! through [`Tx::db`] runs in it, and [`Tx::commit`] consumes it, so no query
//! can reach a transaction once it is over (that does not compile). Dropped
//! uncommitted (an early `?`, a panic, a dropped future), it rolls back.

use super::backend::Backend;
use super::{Pool, Store, StoreError};

/// An open transaction of one backend. Its queries go through [`Tx::db`].
///
/// Queries run on it until it is committed:
///
/// ```no_run
/// # async fn queue(store: latchkey::store::Store, mail: latchkey::mail::Mail,
/// #     at: latchkey::domain::UnixTime) -> Result<(), latchkey::store::StoreError> {
/// let tx = store.begin().await?;
/// mail.queue_on(tx.db(), at).await?;
/// tx.commit().await?;
/// # Ok(()) }
/// ```
///
/// and not after: `commit` takes the transaction, which every [`Db`] made
/// from it borrows.
///
/// ```compile_fail,E0505
/// # async fn queue(store: latchkey::store::Store, mail: latchkey::mail::Mail,
/// #     at: latchkey::domain::UnixTime) -> Result<(), latchkey::store::StoreError> {
/// let tx = store.begin().await?;
/// let db = tx.db();
/// tx.commit().await?;
/// mail.queue_on(db, at).await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Tx {
    /// Locked for each query: a use case's queries run one at a time.
    pub(super) open: tokio::sync::Mutex<Open>,
    backend: Backend,
}

#[derive(Debug)]
pub(super) enum Open {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// What a query runs on: a store's pool (each query on its own) or an open
/// transaction. Every query of the core is a method of this type.
#[derive(Clone, Copy, Debug)]
pub struct Db<'a>(pub(super) On<'a>);

#[derive(Clone, Copy, Debug)]
pub(super) enum On<'a> {
    Pool(&'a Store),
    Tx(&'a Tx),
}

impl Store {
    /// Opens a transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so two of them queue instead of failing to
    /// upgrade a read lock.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let open = match &self.pool {
            Pool::Sqlite(pool) => Open::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(pool) => Open::Postgres(pool.begin().await?),
        };
        Ok(Tx {
            open: tokio::sync::Mutex::new(open),
            backend: self.backend(),
        })
    }

    /// Queries on the pool, each on its own.
    pub fn db(&self) -> Db<'_> {
        Db(On::Pool(self))
    }
}

impl Db<'_> {
    /// Which backend the queries run on (for the few words that differ:
    /// [`Backend`]).
    pub(super) fn backend(&self) -> Backend {
        match self.0 {
            On::Pool(store) => store.backend(),
            On::Tx(tx) => tx.backend,
        }
    }

    /// The in-place readers of a SQLite file, outside a transaction (whose
    /// reads must see its own writes).
    pub(super) fn readers(&self) -> Option<&super::readers::Readers> {
        match self.0 {
            On::Pool(store) => store.readers.as_deref(),
            On::Tx(_) => None,
        }
    }
}

impl Tx {
    /// Queries in this transaction.
    pub fn db(&self) -> Db<'_> {
        Db(On::Tx(self))
    }

    /// Commits the transaction.
    pub async fn commit(self) -> Result<(), StoreError> {
        match self.open.into_inner() {
            Open::Sqlite(tx) => tx.commit().await?,
            Open::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}
