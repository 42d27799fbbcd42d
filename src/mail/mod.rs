//! Mail, delivered the way real systems do it: a use case writes its mail to
//! the outbox in the same transaction as the change that causes it (so a
//! crash never loses an acknowledged mail), and a [`MailWorker`] on each app
//! server claims due mail, sends it over SMTP and marks it sent, retrying
//! with back-off. Workers on several servers never claim the same mail (on
//! PostgreSQL, `FOR UPDATE SKIP LOCKED`), so each mail goes once.
//!
//! With no SMTP server configured, mail stays in the outbox, where the
//! development mailbox (`/dev/mailbox`) shows it.

mod smtp;
pub mod templates;
mod worker;

#[cfg(test)]
mod tests;

pub use smtp::SmtpSender;
pub use worker::{MailWaker, MailWorker, RETRY_LIMIT};

use crate::domain::UnixTime;
use crate::store::{Db, NewMail, StoreError};

/// A mail to send: plain text, and the same in simple HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// The address it goes to.
    pub to: String,
    /// Its subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body.
    pub html: String,
}

impl Mail {
    /// Queues this mail on `db`: in a [`Tx`](crate::store::Tx), it is
    /// written with the change that causes it, or not at all.
    pub async fn queue_on(&self, db: Db<'_>, at: UnixTime) -> Result<(), StoreError> {
        db.queue_mail(
            NewMail {
                to: &self.to,
                subject: &self.subject,
                text: &self.text,
                html: &self.html,
            },
            at.seconds(),
        )
        .await
    }
}

/// Why mail could not be set up or sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// `LATCHKEY_SMTP_URL` or the sender address is unusable.
    #[error("{0}")]
    Config(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}
