//! Transactions: a [`Store`] whose every query runs in one open transaction,
//! which [`on_pool!`] picks as its executor.

use std::sync::Arc;

use super::{Pool, Store, StoreError};

/// An open transaction of one backend.
#[derive(Debug)]
pub(crate) enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Store {
    /// Runs `work` on a store whose every query is in one transaction,
    /// committed when `work` succeeds and rolled back when it fails (or
    /// panics, or its future is dropped). On SQLite the transaction takes
    /// the write lock at once (`BEGIN IMMEDIATE`), so two of them queue
    /// instead of failing to upgrade. Inside a transaction, it is reused.
    pub async fn transaction<T, E, F, Fut>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(Store) -> Fut,
        Fut: std::future::Future<Output = Result<T, E>>,
        E: From<StoreError>,
    {
        if self.tx.is_some() {
            return work(self.clone()).await;
        }
        let inner = self.begin().await?;
        let value = work(inner.clone()).await?;
        inner.commit().await?;
        Ok(value)
    }

    /// A store whose queries all run in a new transaction, until
    /// [`Store::commit`]; dropped uncommitted, it rolls back.
    pub(super) async fn begin(&self) -> Result<Store, StoreError> {
        let tx = match &self.pool {
            Pool::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        };
        Ok(Store {
            pool: self.pool.clone(),
            // Reads must see the transaction's own writes.
            readers: None,
            tx: Some(Arc::new(tokio::sync::Mutex::new(Some(tx)))),
        })
    }

    /// Commits the transaction [`Store::begin`] opened.
    pub(super) async fn commit(&self) -> Result<(), StoreError> {
        let open = match &self.tx {
            Some(open) => open.lock().await.take(),
            None => None,
        };
        match open {
            Some(Tx::Sqlite(tx)) => tx.commit().await?,
            Some(Tx::Postgres(tx)) => tx.commit().await?,
            None => return Err(sqlx::Error::PoolClosed.into()),
        }
        Ok(())
    }
}
