//! Second factors' use cases: setting up an authenticator app (TOTP) with
//! recovery codes, removing it, renewing the codes (all in sudo mode), and
//! checking a code, at a sign-in's second step or for sudo mode.

use crate::sessions::BrowserSession;

use super::check::CodeError;
use super::{Auth, FactorError, Factors, Me, Sudo};
use crate::domain::{ActivityKind, SecurityStatus, TotpState, UserId, LATELY};
use crate::factors::{qr_svg, recovery, SecretBox, TotpSecret};
use crate::mail::templates;
use crate::sessions::ClientInfo;
use crate::store::{Db, SignedOut, StoreError};
use crate::throttle::{DAILY_KEY_PREFIX, DAY_SECONDS, MAX_CODE_FAILURES_PER_DAY};

/// Recovery codes made by this session, shown once.
pub(super) const FRESH_CODES_KEY: &str = "fresh_recovery_codes";
/// The issuer authenticator apps show beside the account.
const ISSUER: &str = "Latchkey";

/// Which second factor a code was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Factor {
    /// A code from the authenticator app.
    Totp,
    /// One of the recovery codes.
    RecoveryCode,
    /// A passkey.
    Passkey,
}

impl Factor {
    pub(super) fn activity(self) -> ActivityKind {
        match self {
            Self::Totp => ActivityKind::SecondFactorTotp,
            Self::RecoveryCode => ActivityKind::SecondFactorRecoveryCode,
            Self::Passkey => ActivityKind::SecondFactorPasskey,
        }
    }
}

/// The sealing context of a user's secret: a row copied to another account
/// does not open there.
fn context(user: UserId) -> Vec<u8> {
    format!("totp:{}", user.0).into_bytes()
}

/// The throttle key of a user's second-factor checks.
fn throttle_key(user: UserId) -> String {
    format!("factor:{}", user.0)
}

/// The key of `user`'s daily cap on wrong codes.
fn daily_key(user: UserId) -> String {
    format!("{DAILY_KEY_PREFIX}factor:{}", user.0)
}

impl Auth {
    /// These use cases, sealing authenticator secrets in `secrets`; without
    /// one, setting up an authenticator is refused.
    pub fn with_secret_box(mut self, secrets: SecretBox) -> Self {
        self.secrets = Some(secrets);
        self
    }

    fn secrets(&self) -> Result<&SecretBox, CodeError> {
        self.secrets.as_ref().ok_or(CodeError::FactorsUnavailable)
    }

    /// Whether `user` has a second factor: a confirmed authenticator, or a
    /// passkey.
    pub(super) async fn has_second_factor(
        &self,
        db: Db<'_>,
        user: UserId,
    ) -> Result<bool, StoreError> {
        db.has_second_factor(user).await
    }
}

impl Factors<'_> {
    /// `me`'s second factors. An enrolment under way shows its secret only
    /// in sudo mode; fresh recovery codes are shown once.
    pub async fn security_status(
        &self,
        session: &BrowserSession,
        me: &Me,
    ) -> Result<SecurityStatus, FactorError> {
        let user = me.user.id;
        let row = self.store.db().totp(user).await?;
        let totp_since = row.as_ref().and_then(|row| row.confirmed_at);
        let totp = match row {
            None => TotpState::Off,
            Some(row) if row.confirmed_at.is_some() => TotpState::On,
            // The secret under way shows only in sudo mode.
            Some(row) if self.secrets.is_some() && self.sudo_active(me) => {
                let secret = self.open_secret(user, &row.sealed)?;
                let uri = secret.uri(ISSUER, &me.user.username);
                TotpState::Enrolling {
                    secret: secret.display(),
                    qr_svg: qr_svg(&uri).unwrap_or_default(),
                }
            }
            Some(_) => TotpState::Off,
        };
        let left = self.store.db().recovery_codes_left(user).await?;
        let fresh = session.remove::<Vec<String>>(FRESH_CODES_KEY).await?;
        Ok(SecurityStatus {
            totp_since: totp_since.map(crate::domain::UnixTime::from_seconds),
            lately_since: self.clock.now().before(LATELY),
            totp,
            recovery_codes_left: u32::try_from(left).unwrap_or(0),
            fresh_codes: fresh,
            available: self.secrets.is_some(),
            passkeys: self.passkey_summaries(user).await?,
            passkeys_unavailable: self.passkeys_unavailable(),
            has_password: self.has_password(self.store.db(), user).await?,
        })
    }

    /// Starts setting up an authenticator app (sudo mode): a new secret,
    /// not yet in force, shown by [`Self::security_status`].
    pub async fn begin_totp(&self, me: &Me, sudo: &Sudo) -> Result<(), FactorError> {
        sudo.covers(me)?;
        let secrets = self.secrets()?;
        let user = me.user.id;
        let sealed = secrets.seal(TotpSecret::generate().as_bytes(), &context(user));
        match self
            .store
            .db()
            .put_unconfirmed_totp(user, &sealed, self.clock.seconds())
            .await?
        {
            true => Ok(()),
            false => Err(FactorError::FactorAlreadyOn),
        }
    }

    /// Switches the authenticator on with its first code (sudo mode), and
    /// makes ten recovery codes, shown once on the security page.
    pub async fn confirm_totp(
        &self,
        session: &BrowserSession,
        me: &Me,
        sudo: &Sudo,
        code: &str,
        client: &ClientInfo,
    ) -> Result<(), FactorError> {
        sudo.covers(me)?;
        let user = me.user.id;
        // Guessing the first code is throttled as guessing any code is.
        let key = self.reserve_factor_check(user).await?;
        let (codes, hashes) = self.new_recovery_codes().await?;
        let now = self.clock.seconds();
        let tx = self.store.begin().await?;
        let db = tx.db();
        let row = db.totp(user).await?.ok_or(FactorError::WrongCode)?;
        if row.confirmed_at.is_some() {
            return Err(FactorError::FactorAlreadyOn);
        }
        let secret = self.open_secret(user, &row.sealed)?;
        let step = secret
            .matching_step(code, now, row.last_step)
            .ok_or(FactorError::WrongCode)?;
        if !db.use_totp_step(user, step, Some(now)).await? {
            return Err(FactorError::WrongCode);
        }
        db.replace_recovery_codes(user, &hashes, now).await?;
        self.factor_changed(db, me, ActivityKind::TotpEnabled, client, now)
            .await?;
        tx.commit().await?;
        self.factor_check_passed(key).await?;
        self.mail.wake();
        session.insert(FRESH_CODES_KEY, codes).await?;
        Ok(())
    }

    /// Removes the authenticator (sudo mode), and the recovery codes unless
    /// a passkey remains.
    pub async fn disable_totp(
        &self,
        me: &Me,
        sudo: &Sudo,
        client: &ClientInfo,
    ) -> Result<(), FactorError> {
        sudo.covers(me)?;
        let now = self.clock.seconds();
        let tx = self.store.begin().await?;
        let db = tx.db();
        if !db.delete_totp(me.user.id).await? {
            return Err(FactorError::FactorOff);
        }
        self.factor_removed(db, me, ActivityKind::TotpDisabled, client, now)
            .await?;
        tx.commit().await?;
        self.mail.wake();
        Ok(())
    }

    /// Replaces the recovery codes with ten new ones (sudo mode), shown once.
    pub async fn renew_recovery_codes(
        &self,
        session: &BrowserSession,
        me: &Me,
        sudo: &Sudo,
        client: &ClientInfo,
    ) -> Result<(), FactorError> {
        sudo.covers(me)?;
        let (codes, hashes) = self.new_recovery_codes().await?;
        let now = self.clock.seconds();
        let tx = self.store.begin().await?;
        let db = tx.db();
        if !self.has_second_factor(db, me.user.id).await? {
            return Err(FactorError::FactorOff);
        }
        db.replace_recovery_codes(me.user.id, &hashes, now).await?;
        self.factor_changed(db, me, ActivityKind::RecoveryCodesRenewed, client, now)
            .await?;
        tx.commit().await?;
        self.mail.wake();
        session.insert(FRESH_CODES_KEY, codes).await?;
        Ok(())
    }
}

impl Auth {
    /// After one of `me`'s second factors went (inside its transaction):
    /// the recovery codes go with the last one; then the record and notice.
    pub(super) async fn factor_removed(
        &self,
        db: Db<'_>,
        me: &Me,
        kind: ActivityKind,
        client: &ClientInfo,
        now: i64,
    ) -> Result<(), StoreError> {
        if !self.has_second_factor(db, me.user.id).await? {
            db.delete_recovery_codes(me.user.id).await?;
        }
        self.factor_changed(db, me, kind, client, now).await
    }

    /// Records a change of `me`'s factors, voids the links outstanding,
    /// signs every other device out, and mails its notice.
    pub(super) async fn factor_changed(
        &self,
        db: Db<'_>,
        me: &Me,
        kind: ActivityKind,
        client: &ClientInfo,
        now: i64,
    ) -> Result<(), StoreError> {
        self.record_on(db, me, kind, client).await?;
        super::change_email::void_outstanding_links(db, me.user.id, now).await?;
        // ASVS 7.4.3: whoever else holds a session of this account (a
        // stolen one included) gives the new set of factors to come back.
        db.note_signed_out(me.user.id, SignedOut::AllBut(me.at.device), now)
            .await?;
        db.delete_other_devices(me.user.id, Some(me.at.device))
            .await?;
        self.notice_factor_changed(db, me.user.id, kind, now).await
    }

    /// "Your sign-in settings changed" (what: `kind`), to `user`'s confirmed
    /// address, whoever made the change.
    pub(super) async fn notice_factor_changed(
        &self,
        db: Db<'_>,
        user: UserId,
        kind: ActivityKind,
        now: i64,
    ) -> Result<(), StoreError> {
        let settings = self.links.to("/settings/security");
        self.notify(db, user, now, false, |owner| {
            templates::factor_changed(&owner.email, &owner.username, kind.describe(), &settings)
        })
        .await?;
        Ok(())
    }

    /// Counts a code check against `user`'s throttle and daily cap
    /// (refused while either is locked); answers what to clear when the code
    /// is right ([`Self::factor_check_passed`]).
    async fn reserve_factor_check(&self, user: UserId) -> Result<UserId, CodeError> {
        let throttle = self.accounts.throttle();
        // The hourly throttle first, so that the day counts only checks that
        // run (past the cap, an hourly count too many changes nothing).
        throttle
            .reserve(&throttle_key(user))
            .await?
            .map_err(CodeError::Throttled)?;
        throttle
            .reserve_capped(&daily_key(user), MAX_CODE_FAILURES_PER_DAY, DAY_SECONDS)
            .await?
            .map_err(CodeError::Throttled)?;
        Ok(user)
    }

    /// A right code: `user`'s failures are forgiven.
    async fn factor_check_passed(&self, user: UserId) -> Result<(), StoreError> {
        let throttle = self.accounts.throttle();
        throttle.succeeded(&throttle_key(user)).await?;
        throttle.succeeded(&daily_key(user)).await?;
        Ok(())
    }

    fn open_secret(&self, user: UserId, sealed: &[u8]) -> Result<TotpSecret, CodeError> {
        self.secrets()?
            .open(sealed, &context(user))
            .map(TotpSecret::from_bytes)
            .ok_or(CodeError::FactorsUnavailable)
    }

    /// Checks a second-factor code of `user`'s, once: an authenticator code
    /// for a step not used before, or an unused recovery code. Checks are
    /// throttled per account, as passwords are; a wrong code is recorded.
    pub(super) async fn check_factor(
        &self,
        user: UserId,
        code: &str,
        client: &ClientInfo,
    ) -> Result<Factor, CodeError> {
        let key = self.reserve_factor_check(user).await?;
        let now = self.clock.seconds();
        let passed = if recovery::looks_like_code(code) {
            match self.matching_recovery_code(user, code).await? {
                Some(stored) => self
                    .store
                    .db()
                    .use_recovery_code(user, &stored.hash, now)
                    .await?
                    .then_some(Factor::RecoveryCode),
                None => None,
            }
        } else {
            match self.store.db().totp(user).await? {
                Some(row) if row.confirmed_at.is_some() => {
                    let secret = self.open_secret(user, &row.sealed)?;
                    match secret.matching_step(code, now, row.last_step) {
                        Some(step) => self
                            .store
                            .db()
                            .use_totp_step(user, step, None)
                            .await?
                            .then_some(Factor::Totp),
                        None => None,
                    }
                }
                _ => None,
            }
        };
        match passed {
            Some(factor) => {
                self.factor_check_passed(key).await?;
                Ok(factor)
            }
            None => {
                super::count_sign_in("second_step", "failure");
                self.sessions
                    .activity()
                    .record(user, ActivityKind::SecondFactorFailed, client)
                    .await?;
                Err(CodeError::WrongCode)
            }
        }
    }
}
