//! Where the two backends differ, in one place. Every query is one text for
//! both; the few words that differ (how a transaction holds the rows it
//! reads, a queue's claim, the schema's catalogue) come from here.

/// Which database a store is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Backend {
    /// The embedded default: one writer at a time, and a transaction opened
    /// with `BEGIN IMMEDIATE` holds the write lock from its first statement.
    Sqlite,
    /// Several app servers at once: a transaction holds only the rows it locks.
    Postgres,
}

impl Backend {
    /// Whether a transaction must lock the rows it reads before it writes
    /// (PostgreSQL); on SQLite it already holds the whole database.
    pub(super) fn locks_rows(self) -> bool {
        self == Backend::Postgres
    }

    /// The clause that ends a SELECT whose rows the transaction holds until
    /// it ends.
    pub(super) fn hold_rows(self) -> &'static str {
        match self {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        }
    }

    /// The same for a queue's claim: rows another worker holds are skipped,
    /// not waited for (SQLite's single writer makes the statement the lock).
    pub(super) fn skip_held_rows(self) -> &'static str {
        match self {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        }
    }

    /// The statement that takes migrations' lock for the transaction, where
    /// `BEGIN IMMEDIATE` did not already.
    pub(super) fn migration_lock(self) -> Option<&'static str> {
        match self {
            Backend::Postgres => Some("SELECT pg_advisory_xact_lock($1)"),
            Backend::Sqlite => None,
        }
    }

    /// This backend's migrations (each folder is one backend's schema).
    pub(super) fn migrator(self) -> sqlx::migrate::Migrator {
        match self {
            Backend::Sqlite => sqlx::migrate!("src/store/migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("src/store/migrations/postgres"),
        }
    }

    /// The schema a database with no Latchkey in it starts from.
    pub(super) fn baseline_schema(self) -> &'static str {
        match self {
            Backend::Sqlite => include_str!("baseline/sqlite.sql"),
            Backend::Postgres => include_str!("baseline/postgres.sql"),
        }
    }

    /// How many tables named `_sqlx_migrations` the database has.
    pub(super) fn count_sqlx_migrations_table(self) -> &'static str {
        match self {
            Backend::Sqlite => {
                "SELECT COUNT(*) FROM sqlite_master
                 WHERE type = 'table' AND name = '_sqlx_migrations'"
            }
            Backend::Postgres => {
                "SELECT COUNT(*) FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'"
            }
        }
    }
}
