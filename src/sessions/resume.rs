//! Resuming a session from a remember-me cookie: the token is checked,
//! rotated, and a fresh session starts on the same device. A reused old
//! validator means the cookie was copied: the device is signed out for good.

use crate::sessions::BrowserSession;
use subtle::ConstantTimeEq;

use super::activity::ActivityLog;
use super::remember::{RememberToken, RACE_GRACE_SECONDS};
use super::{ClientInfo, Lifetimes, SessionError, SignedIn};
use crate::clock::Clock;
use crate::domain::{ActivityKind, DeviceId, UserId};
use crate::store::{Db, Store, StoreError};

/// What presenting a remember cookie led to.
#[derive(Debug)]
pub enum Resumed {
    /// A fresh session was started; the browser must get this rotated token,
    /// which expires when the one it replaces did (`lasts` from now).
    SignedIn {
        /// The rotated token.
        token: RememberToken,
        /// Until the token expires: its cookie's `Max-Age`.
        lasts: std::time::Duration,
    },
    /// Unknown, malformed or expired: the cookie should be cleared.
    Rejected,
    /// A known selector with a wrong validator: a copy of an old cookie. The
    /// device was signed out; the cookie should be cleared.
    TheftSuspected,
    /// The validator was rotated seconds ago by a parallel request of the same
    /// browser: this request stays anonymous and the cookie is left alone.
    Raced,
}

/// The remember-me tokens: one per remembered device, stored hashed, rotated
/// at every use. A token lives `lifetimes.remembered` from the sign-in with
/// the password that made it: using it rotates it but never extends it, so
/// even a device in daily use gives the password again that often (ASVS
/// 3.3.2).
#[derive(Clone, Debug)]
pub struct RememberTokens {
    store: Store,
    clock: Clock,
    lifetimes: Lifetimes,
}

impl RememberTokens {
    /// The tokens in `store`, on `clock`, living `lifetimes.remembered`.
    pub fn new(store: Store, clock: Clock, lifetimes: Lifetimes) -> Self {
        Self {
            store,
            clock,
            lifetimes,
        }
    }

    /// A new token for `device` (replacing any it had), valid for the
    /// remember period, written on `db` (the sign-in's transaction).
    pub(crate) async fn issue(
        &self,
        db: Db<'_>,
        device: DeviceId,
    ) -> Result<RememberToken, StoreError> {
        let token = RememberToken::generate(None);
        let expires_at = self.clock.seconds() + self.lifetimes.remembered_seconds();
        db.put_remember_token(device, &token.selector, &token.validator_hash(), expires_at)
            .await?;
        Ok(token)
    }

    /// Signs a browser with no live session back in from its remember cookie: a
    /// fresh session (new id) on the same device, and a rotated validator.
    /// A validator presented again after it was rotated signs its device
    /// out; `on_theft` runs in that transaction (to queue a notice).
    pub async fn resume(
        &self,
        session: &BrowserSession,
        token: &RememberToken,
        client: &ClientInfo,
        on_theft: impl AsyncFnOnce(Db<'_>, UserId) -> Result<(), StoreError>,
    ) -> Result<Resumed, SessionError> {
        if !self.lifetimes.remembers() {
            // Turned off since this cookie was issued.
            return Ok(Resumed::Rejected);
        }
        let Some(row) = self.store.db().find_remember_token(&token.selector).await? else {
            return Ok(Resumed::Rejected);
        };
        let now = self.clock.seconds();
        if row.expires_at <= now {
            self.store
                .db()
                .delete_remember_token(&token.selector)
                .await?;
            return Ok(Resumed::Rejected);
        }
        let presented = token.validator_hash();
        if !bool::from(row.validator_hash.as_slice().ct_eq(&presented)) {
            let just_rotated = row.previous.as_ref().is_some_and(|(previous, at)| {
                now - at <= RACE_GRACE_SECONDS && bool::from(previous.as_slice().ct_eq(&presented))
            });
            if just_rotated {
                return Ok(Resumed::Raced);
            }
            let tx = self.store.begin().await?;
            let db = tx.db();
            db.delete_device_by_id(row.device).await?;
            on_theft(db, row.user).await?;
            ActivityLog::new(db, self.clock.clone())
                .record(row.user, ActivityKind::RememberTheftSignal, client)
                .await?;
            tx.commit().await?;
            tracing::warn!(
                user = row.user.0,
                device = row.device.0,
                "an old remember-me validator was presented again: device signed out"
            );
            return Ok(Resumed::TheftSuspected);
        }
        let rotated = RememberToken::generate(Some(token.selector.clone()));
        // Not extended: the rotated validator expires with the token.
        let expires_at = row.expires_at;
        let new_hash = rotated.validator_hash();
        let (selector, device) = (&token.selector, row.device);
        let tx = self.store.begin().await?;
        let db = tx.db();
        // A locked account is not resumed, whatever its cookies.
        if db.lock_reason_held(row.user).await?.is_some() {
            db.delete_device_by_id(device).await?;
            tx.commit().await?;
            return Ok(Resumed::Rejected);
        }
        let won = db
            .rotate_remember_token(selector, &presented, &new_hash, now, expires_at)
            .await?;
        if !won {
            return Ok(Resumed::Raced);
        }
        db.touch_device(device, now).await?;
        ActivityLog::new(db, self.clock.clone())
            .record(row.user, ActivityKind::SignedInRemembered, client)
            .await?;
        tx.commit().await?;
        let record = SignedIn {
            user: row.user,
            device: row.device,
            at: now,
            seen: now,
            remember: true,
            confirmed: None,
        };
        super::start(session, record).await?;
        Ok(Resumed::SignedIn {
            token: rotated,
            lasts: std::time::Duration::from_secs((expires_at - now).max(0).unsigned_abs()),
        })
    }
}
