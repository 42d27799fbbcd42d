//! The loop that sends the outbox's due mail.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use super::smtp::{Sent, SmtpSender};
use super::MailError;
use crate::clock::Clock;
use crate::store::Store;

/// Failed attempts after which a mail is left unsent (with its last error).
pub const RETRY_LIMIT: i64 = 12;
/// How long a claim lasts: longer than any one SMTP conversation (each of
/// its commands times out after 20 s), so a mail is claimed again only when
/// the worker that held it stopped.
const LEASE: i64 = 5 * 60;
/// Mails claimed at once: one, so that each lease starts when its mail's
/// conversation does. A batch claimed together outlived its lease on a slow
/// server (20 mails at 20 s each), and another worker sent the rest again.
const BATCH: i64 = 1;
/// Mails sent in one go before the worker looks at the clock and its wake-ups.
const ROUND: usize = 50;

/// The wait before attempt `failures + 1`: 30 s, doubling, at most 6 hours.
pub(crate) fn back_off(failures: i64) -> i64 {
    let doubled = 30i64.saturating_mul(1i64 << failures.clamp(0, 20));
    doubled.min(6 * 60 * 60)
}

/// Wakes a [`MailWorker`] so that mail just committed goes out at once
/// rather than at its next look; without a worker (no SMTP), it does nothing.
#[derive(Clone, Debug, Default)]
pub struct MailWaker(Option<Arc<Notify>>);

impl MailWaker {
    /// Wakes the worker, if there is one.
    pub fn wake(&self) {
        if let Some(wake) = &self.0 {
            wake.notify_one();
        }
    }
}

/// Sends due mail from one database through one SMTP server. Run one per
/// app server; they share the work.
#[derive(Clone, Debug)]
pub struct MailWorker {
    store: Store,
    clock: Clock,
    sender: SmtpSender,
    wake: Arc<Notify>,
    poll: Duration,
}

impl MailWorker {
    /// A worker that looks for due mail every `poll`, or sooner when woken.
    pub fn new(store: Store, clock: Clock, sender: SmtpSender, poll: Duration) -> Self {
        Self {
            store,
            clock,
            sender,
            wake: Arc::new(Notify::new()),
            poll,
        }
    }

    /// Wakes the worker at once (after a transaction that queued mail).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// A handle that wakes this worker, for the use cases that queue mail.
    pub fn waker(&self) -> MailWaker {
        MailWaker(Some(self.wake.clone()))
    }

    /// Sends due mail until the task is dropped.
    pub async fn run(self) {
        loop {
            match self.send_due().await {
                // A full round: there may be more.
                Ok(sent) if sent == ROUND => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not read the outbox"),
            }
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(self.poll) => {}
            }
        }
    }

    /// Claims due mail one at a time and tries each once, up to a round of
    /// [`ROUND`]; answers how many it claimed.
    pub async fn send_due(&self) -> Result<usize, MailError> {
        let mut claimed = 0;
        while claimed < ROUND {
            let batch = self
                .store
                .db()
                .claim_mail(self.clock.seconds(), LEASE, BATCH)
                .await?;
            if batch.is_empty() {
                break;
            }
            claimed += batch.len();
            for mail in &batch {
                self.send_one(mail).await?;
            }
        }
        Ok(claimed)
    }

    /// Tries `mail` once, and records how it went.
    async fn send_one(&self, mail: &crate::store::QueuedMail) -> Result<(), MailError> {
        match self.sender.send(mail).await {
            Sent::Yes => {
                self.store
                    .db()
                    .mail_sent(mail.id, self.clock.seconds())
                    .await?
            }
            Sent::Later(error) if mail.attempts + 1 < RETRY_LIMIT => {
                tracing::warn!(mail = mail.id, %error, "mail not sent; will retry");
                let retry_at = self.clock.seconds() + back_off(mail.attempts);
                self.store
                    .db()
                    .mail_failed(mail.id, &error, retry_at)
                    .await?;
            }
            Sent::Later(error) | Sent::Never(error) => {
                tracing::error!(mail = mail.id, %error, "mail given up");
                self.store
                    .db()
                    .mail_failed(mail.id, &error, i64::MAX)
                    .await?;
            }
        }
        Ok(())
    }
}
