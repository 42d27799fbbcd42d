//! The `outbox` table: mail written with the change that causes it, sent
//! later by a worker (see [`crate::mail`]).

use super::{Db, Store, StoreError};

/// A mail as it is queued.
#[derive(Debug, Clone, Copy)]
pub struct NewMail<'a> {
    /// The address it goes to.
    pub to: &'a str,
    /// Its subject line.
    pub subject: &'a str,
    /// The plain-text body.
    pub text: &'a str,
    /// The HTML body.
    pub html: &'a str,
}

/// A queued mail as a worker claims it, or as the development mailbox lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueuedMail {
    /// Its row.
    pub id: i64,
    /// The address it goes to.
    #[sqlx(rename = "recipient")]
    pub to: String,
    /// Its subject line.
    pub subject: String,
    /// The plain-text body.
    #[sqlx(rename = "text_body")]
    pub text: String,
    /// The HTML body.
    #[sqlx(rename = "html_body")]
    pub html: String,
    /// When it was queued (Unix seconds).
    pub created_at: i64,
    /// Failed attempts so far.
    pub attempts: i64,
    /// When it was sent, if it was.
    pub sent_at: Option<i64>,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
}

const COLUMNS: &str =
    "id, recipient, subject, text_body, html_body, created_at, attempts, sent_at, last_error";

impl Db<'_> {
    /// Queues `mail`, due at once. In a [`Tx`](super::Tx) it is written
    /// with the change that causes it, or not at all.
    pub(crate) async fn queue_mail(&self, mail: NewMail<'_>, now: i64) -> Result<(), StoreError> {
        execute!(
            self,
            sqlx::query(
                "INSERT INTO latchkey_outbox
                     (recipient, subject, text_body, html_body, created_at, next_attempt_at)
                 VALUES ($1, $2, $3, $4, $5, $5)"
            )
            .bind(mail.to)
            .bind(mail.subject)
            .bind(mail.text)
            .bind(mail.html)
            .bind(now)
        )?;
        Ok(())
    }

    /// Claims up to `limit` mails due at `now`, oldest first, for `lease`
    /// seconds: no other worker (on any app server) claims them until the
    /// lease runs out, which it does only if this worker stops before saying
    /// how the sending went.
    pub(crate) async fn claim_mail(
        &self,
        now: i64,
        lease: i64,
        limit: i64,
    ) -> Result<Vec<QueuedMail>, StoreError> {
        // PostgreSQL: rows another worker is claiming are skipped, not waited
        // for. SQLite has one writer at a time, so the statement is the lock.
        let lock = self.backend().skip_held_rows();
        let sql = format!(
            "UPDATE latchkey_outbox SET next_attempt_at = $1
             WHERE id IN (
                 SELECT id FROM latchkey_outbox
                 WHERE sent_at IS NULL AND next_attempt_at <= $2
                 ORDER BY id LIMIT $3{lock}
             )
             RETURNING {COLUMNS}"
        );
        let mut rows: Vec<QueuedMail> = on_pool!(
            self,
            pool,
            sqlx::query_as(&sql)
                .bind(now + lease)
                .bind(now)
                .bind(limit)
                .fetch_all(pool)
                .await
        )?;
        rows.sort_by_key(|row| row.id);
        Ok(rows)
    }

    /// Records that mail `id` was sent at `now`.
    pub(crate) async fn mail_sent(&self, id: i64, now: i64) -> Result<(), StoreError> {
        execute!(
            self,
            sqlx::query("UPDATE latchkey_outbox SET sent_at = $1, last_error = NULL WHERE id = $2")
                .bind(now)
                .bind(id)
        )?;
        Ok(())
    }

    /// Records a failed attempt at mail `id`, to be tried again at `retry_at`.
    pub(crate) async fn mail_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: i64,
    ) -> Result<(), StoreError> {
        execute!(
            self,
            sqlx::query(
                "UPDATE latchkey_outbox
                 SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2
                 WHERE id = $3"
            )
            .bind(error)
            .bind(retry_at)
            .bind(id)
        )?;
        Ok(())
    }
}

impl Store {
    /// The newest `limit` mails, sent or not (the development mailbox).
    pub async fn recent_mail(&self, limit: i64) -> Result<Vec<QueuedMail>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM latchkey_outbox ORDER BY id DESC LIMIT $1");
        let rows: Vec<QueuedMail> = on_pool!(
            self.db(),
            pool,
            sqlx::query_as(&sql).bind(limit).fetch_all(pool).await
        )?;
        Ok(rows)
    }

    /// How many mails wait to be sent.
    pub async fn unsent_mail(&self) -> Result<i64, StoreError> {
        Ok(on_pool!(
            self.db(),
            pool,
            sqlx::query_scalar("SELECT COUNT(*) FROM latchkey_outbox WHERE sent_at IS NULL")
                .fetch_one(pool)
                .await
        )?)
    }
}
