//! Latchkey's migrations, recorded in a table of their own,
//! `latchkey_migrations`, so that a host app's sqlx migrations (in sqlx's
//! `_sqlx_migrations`) run beside them and neither sees the other's versions.
//!
//! Each migration runs in one transaction with its record. Two app servers
//! starting at once take turns: SQLite's `BEGIN IMMEDIATE`, PostgreSQL's
//! transaction-scoped advisory lock. A database migrated before this table
//! existed has Latchkey's versions in `_sqlx_migrations`; each one whose
//! version and checksum are ours is moved across instead of being run again.
//!
//! A database with none of Latchkey in it gets the schema of `baseline/` in
//! one step, and migrations up to [`BASELINE_VERSION`] are recorded as
//! applied: the first migrations created unprefixed tables (`users`), which
//! would collide with a host's own.

use sqlx::migrate::{Migration, Migrator};

use super::{Db, Store, StoreError};

/// The last migration that `baseline/` already contains.
const BASELINE_VERSION: i64 = 7;

/// Any number, the same on every server: the advisory lock's key.
const LOCK_KEY: i64 = 0x6c61_7463_686b_6579; // "latchkey"

/// Why migrating stopped.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    /// A migration recorded as applied differs from the one in this build.
    #[error("Latchkey migration {0} was changed after it was applied")]
    Changed(i64),
}

impl Store {
    /// Applies every Latchkey migration this database lacks.
    pub(super) async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = self.db().backend().migrator();
        // PostgreSQL's CREATE TABLE IF NOT EXISTS races with itself: under the lock.
        let step = self.begin().await?;
        step.db().lock().await?;
        execute!(
            step.db(),
            sqlx::query(
                "CREATE TABLE IF NOT EXISTS latchkey_migrations (
                     version     BIGINT PRIMARY KEY,
                     description TEXT   NOT NULL,
                     checksum    TEXT   NOT NULL
                 )"
            )
        )?;
        step.db().baseline(&migrator).await?;
        step.commit().await?;
        for migration in migrator_steps(&migrator) {
            let step = self.begin().await?;
            step.db().apply(migration).await?;
            step.commit().await?;
        }
        Ok(())
    }
}

impl Db<'_> {
    /// Inside the first step's transaction: a database with no Latchkey
    /// migration recorded here or in sqlx's table gets the baseline schema.
    async fn baseline(&self, migrator: &Migrator) -> Result<(), StoreError> {
        let recorded: i64 = on_pool!(
            self,
            pool,
            sqlx::query_scalar("SELECT COUNT(*) FROM latchkey_migrations")
                .fetch_one(pool)
                .await
        )?;
        if recorded > 0 || self.sqlx_recorded_ours(migrator).await? {
            return Ok(());
        }
        let schema = self.backend().baseline_schema();
        on_pool!(
            self,
            pool,
            sqlx::Executor::execute(pool, schema)
                .await
                .map(|done| done.rows_affected())
        )?;
        let covered = migrator_steps(migrator).filter(|m| m.version <= BASELINE_VERSION);
        for migration in covered {
            self.record(migration).await?;
        }
        Ok(())
    }

    /// Whether sqlx's table holds any migration of ours (a database made
    /// before `latchkey_migrations`).
    async fn sqlx_recorded_ours(&self, migrator: &Migrator) -> Result<bool, StoreError> {
        if !self.sqlx_table_exists().await? {
            return Ok(false);
        }
        for migration in migrator_steps(migrator) {
            let found: i64 = on_pool!(
                self,
                pool,
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM _sqlx_migrations WHERE version = $1 AND checksum = $2"
                )
                .bind(migration.version)
                .bind(migration.checksum.as_ref())
                .fetch_one(pool)
                .await
            )?;
            if found > 0 {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Inside a transaction: runs `migration` unless it is recorded, or
    /// adopts it from sqlx's table.
    async fn apply(&self, migration: &Migration) -> Result<(), StoreError> {
        self.lock().await?;
        let checksum = hex::encode(&migration.checksum);
        let recorded: Option<String> = on_pool!(
            self,
            pool,
            sqlx::query_scalar("SELECT checksum FROM latchkey_migrations WHERE version = $1")
                .bind(migration.version)
                .fetch_optional(pool)
                .await
        )?;
        match recorded {
            Some(recorded) if recorded == checksum => return Ok(()),
            Some(_) => return Err(MigrationError::Changed(migration.version).into()),
            None => {}
        }
        if !self.adopt(migration).await? {
            on_pool!(
                self,
                pool,
                sqlx::Executor::execute(pool, migration.sql.as_ref())
                    .await
                    .map(|done| done.rows_affected())
            )?;
        }
        self.record(migration).await
    }

    /// Records `migration` as applied.
    async fn record(&self, migration: &Migration) -> Result<(), StoreError> {
        execute!(
            self,
            sqlx::query(
                "INSERT INTO latchkey_migrations (version, description, checksum)
                 VALUES ($1, $2, $3)"
            )
            .bind(migration.version)
            .bind(migration.description.as_ref())
            .bind(hex::encode(&migration.checksum))
        )?;
        Ok(())
    }

    /// Inside a transaction: waits for any other server's migration step to
    /// end (SQLite's `BEGIN IMMEDIATE` already did).
    async fn lock(&self) -> Result<(), StoreError> {
        if let Some(lock) = self.backend().migration_lock() {
            execute!(self, sqlx::query(lock).bind(LOCK_KEY))?;
        }
        Ok(())
    }

    /// Whether sqlx's table says `migration` (this very version and checksum)
    /// was applied; if so its row there is removed, since it is ours.
    async fn adopt(&self, migration: &Migration) -> Result<bool, StoreError> {
        if !self.sqlx_table_exists().await? {
            return Ok(false);
        }
        let adopted = execute!(
            self,
            sqlx::query(
                "DELETE FROM _sqlx_migrations
                 WHERE version = $1 AND checksum = $2 AND success"
            )
            .bind(migration.version)
            .bind(migration.checksum.as_ref())
        )?;
        Ok(adopted == 1)
    }

    /// Whether this database has sqlx's migrations table.
    async fn sqlx_table_exists(&self) -> Result<bool, StoreError> {
        let exists = self.backend().count_sqlx_migrations_table();
        let tables: i64 = on_pool!(self, pool, sqlx::query_scalar(exists).fetch_one(pool).await)?;
        Ok(tables > 0)
    }
}

fn migrator_steps(migrator: &Migrator) -> impl Iterator<Item = &Migration> {
    migrator
        .iter()
        .filter(|migration| migration.migration_type.is_up_migration())
}
