//! Latchkey's own secrets, shared by every app server on one database.

use super::{Db, StoreError};

impl Db<'_> {
    /// The secret named `name`: `candidate` if no server has made it yet
    /// (it is stored, and any server starting at the same time gets the same
    /// one back), else the one made before.
    pub(crate) async fn secret(&self, name: &str, candidate: &[u8]) -> Result<Vec<u8>, StoreError> {
        execute!(
            self,
            sqlx::query(
                "INSERT INTO latchkey_keys (name, secret) VALUES ($1, $2)
                 ON CONFLICT (name) DO NOTHING"
            )
            .bind(name)
            .bind(candidate)
        )?;
        let secret: Vec<u8> = on_pool!(
            self,
            pool,
            sqlx::query_scalar("SELECT secret FROM latchkey_keys WHERE name = $1")
                .bind(name)
                .fetch_one(pool)
                .await
        )?;
        Ok(secret)
    }
}
