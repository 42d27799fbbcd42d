//! Mailed links under a flood: asking for an address nobody holds reads,
//! and writes nothing.

use super::*;

/// While another connection holds SQLite's one writer, a "forgot password"
/// or sign-in link request for an address nobody holds is answered: it
/// takes no write lock (it used to open a transaction of its own, wait for
/// the writer and fail at the busy timeout), so a flood of them leaves the
/// writer to everyone else.
#[tokio::test]
async fn asking_for_an_address_nobody_holds_takes_no_write_lock() {
    if on_postgres() {
        return; // SQLite's one writer; PostgreSQL has no such lock
    }
    let f = fixture().await;
    let pool = sqlx::SqlitePool::connect(&f.url).await.unwrap();
    let mut writer = pool.acquire().await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut *writer)
        .await
        .unwrap();
    let nobody = EmailAddress::parse("nobody-at-all@example.test").unwrap();
    let reset = f.auth.passwords().request_reset(&nobody).await;
    let link = f.auth.sign_in().request_link(&nobody).await;
    sqlx::query("ROLLBACK").execute(&mut *writer).await.unwrap();
    assert!(reset.is_ok(), "{reset:?}");
    assert!(link.is_ok(), "{link:?}");
}
