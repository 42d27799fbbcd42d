//! Which database errors are outages (503) and which are bugs.

use std::borrow::Cow;

use super::*;

/// A PostgreSQL error carrying only its SQLSTATE, as the server sends it.
#[derive(Debug)]
struct Sqlstate(&'static str);

impl std::fmt::Display for Sqlstate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SQLSTATE {}", self.0)
    }
}

impl std::error::Error for Sqlstate {}

impl sqlx::error::DatabaseError for Sqlstate {
    fn message(&self) -> &str {
        self.0
    }
    fn code(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(self.0))
    }
    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }
    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }
    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }
    fn kind(&self) -> sqlx::error::ErrorKind {
        sqlx::error::ErrorKind::Other
    }
}

fn postgres(code: &'static str) -> StoreError {
    StoreError::Database(sqlx::Error::Database(Box::new(Sqlstate(code))))
}

#[test]
fn postgres_outages_are_unavailable_and_its_refusals_are_bugs() {
    // Connection failure, admin shutdown, too many connections, read-only.
    for code in ["08006", "57P01", "53300", "25006"] {
        assert!(postgres(code).is_unavailable(), "{code}");
    }
    // Unique violation, syntax error, undefined table.
    for code in ["23505", "42601", "42P01"] {
        assert!(!postgres(code).is_unavailable(), "{code}");
    }
    assert!(StoreError::Database(sqlx::Error::PoolTimedOut).is_unavailable());
    assert!(!StoreError::Database(sqlx::Error::RowNotFound).is_unavailable());
}

/// SQLite's own codes, from a real database: a write to a read-only file
/// (READONLY) is an outage, a duplicate name (CONSTRAINT) is not.
#[tokio::test]
async fn sqlite_read_only_is_unavailable_and_a_constraint_is_a_bug() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let store = Store::connect(&url).await.unwrap();
    let insert =
        "INSERT INTO latchkey_users (username, username_key, password_hash, created_at, updated_at)
         VALUES ('a', 'a', 'h', 1, 1)";
    let Pool::Sqlite(pool) = store.pool() else {
        unreachable!()
    };
    sqlx::query(insert).execute(pool).await.unwrap();
    let duplicate = StoreError::from(sqlx::query(insert).execute(pool).await.unwrap_err());
    assert!(
        duplicate.is_unique_violation() && !duplicate.is_unavailable(),
        "{duplicate}"
    );

    let options = SqliteConnectOptions::from_str(&url)
        .unwrap()
        .read_only(true);
    let read_only = SqlitePoolOptions::new()
        .connect_with(options)
        .await
        .unwrap();
    let refused = StoreError::from(sqlx::query(insert).execute(&read_only).await.unwrap_err());
    assert!(refused.is_unavailable(), "{refused}");
}
