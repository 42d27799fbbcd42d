use super::{Store, StoreError};

impl Store {
    /// Until when `key` is locked (Unix seconds), if it has failures on record.
    pub async fn throttle_locked_until(&self, key: &str) -> Result<Option<i64>, StoreError> {
        Ok(on_pool!(
            self,
            pool,
            sqlx::query_scalar("SELECT locked_until FROM latchkey_login_throttle WHERE key = $1")
                .bind(key)
                .fetch_optional(pool)
                .await
        )?)
    }

    /// Counts one more failure for `key`, in a window of `window` seconds that
    /// starts at the first failure; returns the failures in the window and when
    /// it started. Atomic, so concurrent failures are all counted.
    pub async fn count_throttle_failure(
        &self,
        key: &str,
        now: i64,
        window: i64,
    ) -> Result<(i64, i64), StoreError> {
        let row: (i64, i64) = on_pool!(
            self,
            pool,
            sqlx::query_as(
                "INSERT INTO latchkey_login_throttle (key, failures, window_start, locked_until)
                 VALUES ($1, 1, $2, 0)
                 ON CONFLICT (key) DO UPDATE SET
                 failures = CASE WHEN $2 - latchkey_login_throttle.window_start >= $3
                 THEN 1 ELSE latchkey_login_throttle.failures + 1 END,
                 window_start = CASE WHEN $2 - latchkey_login_throttle.window_start >= $3
                 THEN $2 ELSE latchkey_login_throttle.window_start END
                 RETURNING failures, window_start",
            )
            .bind(key)
            .bind(now)
            .bind(window)
            .fetch_one(pool)
            .await
        )?;
        Ok(row)
    }

    /// Locks `key` until `until`, unless it is already locked for longer.
    pub async fn lock_throttle(&self, key: &str, until: i64) -> Result<(), StoreError> {
        execute!(
            self,
            sqlx::query(
                "UPDATE latchkey_login_throttle
                 SET locked_until = CASE WHEN locked_until > $1 THEN locked_until ELSE $1 END
                 WHERE key = $2"
            )
            .bind(until)
            .bind(key)
        )?;
        Ok(())
    }

    /// Forgets `key`'s failures (after a success).
    pub async fn clear_throttle(&self, key: &str) -> Result<(), StoreError> {
        execute!(
            self,
            sqlx::query("DELETE FROM latchkey_login_throttle WHERE key = $1").bind(key)
        )?;
        Ok(())
    }

    /// Deletes records whose window and lock are both over; returns how many.
    pub async fn purge_throttles(&self, now: i64, window: i64) -> Result<u64, StoreError> {
        let done = execute!(
            self,
            sqlx::query(
                "DELETE
                 FROM latchkey_login_throttle
                 WHERE window_start <= $1 AND locked_until <= $2"
            )
            .bind(now - window)
            .bind(now)
        )?;
        Ok(done)
    }
}
