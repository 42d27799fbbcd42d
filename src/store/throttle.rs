use super::{Db, StoreError};

/// A key's throttle record after one more attempt.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub(crate) struct Attempts {
    /// Attempts in the window so far, this one counted.
    pub(crate) failures: i64,
    /// When the window started (Unix seconds).
    pub(crate) window_start: i64,
    /// Until when the key is locked (Unix seconds; past: not locked).
    pub(crate) locked_until: i64,
}

impl Db<'_> {
    /// Counts one more attempt on `key`, in a window of `window` seconds that
    /// starts at the first one. Atomic: it takes `key`'s row.
    pub(crate) async fn count_throttle_attempt(
        &self,
        key: &str,
        now: i64,
        window: i64,
    ) -> Result<Attempts, StoreError> {
        Ok(on_pool!(
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
                 RETURNING failures, window_start, locked_until",
            )
            .bind(key)
            .bind(now)
            .bind(window)
            .fetch_one(pool)
            .await
        )?)
    }

    /// Counts one more request of `bucket` from `address` in the window that
    /// starts at `window`; answers the requests in it so far. Atomic (one
    /// statement), so parallel requests on any app server each count.
    pub(crate) async fn count_address_hit(
        &self,
        bucket: &str,
        address: &str,
        window: i64,
    ) -> Result<i64, StoreError> {
        Ok(on_pool!(
            self,
            pool,
            sqlx::query_scalar(
                "INSERT INTO latchkey_address_hits (bucket, address, window_start, hits)
                 VALUES ($1, $2, $3, 1)
                 ON CONFLICT (bucket, address) DO UPDATE SET
                 hits = CASE WHEN latchkey_address_hits.window_start = $3
                        THEN latchkey_address_hits.hits + 1 ELSE 1 END,
                 window_start = $3
                 RETURNING hits",
            )
            .bind(bucket)
            .bind(address)
            .bind(window)
            .fetch_one(pool)
            .await
        )?)
    }

    /// Forgets the address counts of windows that began before `before`.
    pub(crate) async fn forget_address_hits(&self, before: i64) -> Result<u64, StoreError> {
        Ok(execute!(
            self,
            sqlx::query("DELETE FROM latchkey_address_hits WHERE window_start < $1").bind(before)
        )?)
    }

    /// Locks `key` until `until`, unless it is already locked for longer.
    pub(crate) async fn lock_throttle(&self, key: &str, until: i64) -> Result<(), StoreError> {
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
    pub(crate) async fn clear_throttle(&self, key: &str) -> Result<(), StoreError> {
        execute!(
            self,
            sqlx::query("DELETE FROM latchkey_login_throttle WHERE key = $1").bind(key)
        )?;
        Ok(())
    }

    /// Deletes records whose window and lock are both over (`window`, or
    /// `long_window` for keys starting with `long_prefix`); returns how many.
    pub(crate) async fn purge_throttles(
        &self,
        now: i64,
        window: i64,
        (long_prefix, long_window): (&str, i64),
    ) -> Result<u64, StoreError> {
        let done = execute!(
            self,
            sqlx::query(
                "DELETE
                 FROM latchkey_login_throttle
                 WHERE locked_until <= $2
                   AND window_start <= CASE WHEN key LIKE $3 THEN $4 ELSE $1 END"
            )
            .bind(now - window)
            .bind(now)
            .bind(format!("{long_prefix}%"))
            .bind(now - long_window)
        )?;
        Ok(done)
    }
}
