//! Proving who is there with a passkey: signing in alone (the browser
//! names the account), a sign-in's second step, and sudo mode.
//!
//! Each ceremony is two requests: `begin_*` keeps webauthn-rs's state in
//! the session and answers the browser's options as JSON; `finish_*` takes
//! the state back (once) with the browser's answer. The challenge is also
//! spent in the database, so one answer works once even when several
//! requests bring it at the same moment (the session alone would let each
//! of them read the state before any wrote its removal).

use crate::sessions::BrowserSession;
use webauthn_rs::prelude::Passkey;

use super::check::{CheckError, ProofError};
use super::sign_in::SignedInBy;
use super::{Auth, Factor, SignInError, SignInOutcome, SigningIn};
use crate::domain::{PasskeyId, UserId};
use crate::factors::passkeys::{
    parse_passkey, passkey_json, request_json, Ceremony, CeremonyState, PublicKeyCredential,
    Purpose, CEREMONY_SECONDS,
};
use crate::sessions::{self, ClientInfo, Via};
use crate::store::{Db, StoreError};
use crate::throttle::KnownBrowser;

/// The session's ceremony under way (one at a time: a new one replaces it).
const CEREMONY_KEY: &str = "passkey_ceremony";

impl SigningIn<'_> {
    /// Starts a sign-in with a passkey alone: the options for
    /// `navigator.credentials.get()` (any passkey of this site's).
    pub async fn begin_passkey(&self, session: &BrowserSession) -> Result<String, SignInError> {
        let (options, state) = self
            .relying_party()?
            .webauthn()
            .start_discoverable_authentication()
            .map_err(|_| SignInError::PasskeyRefused)?;
        let (json, challenge) = request_json(options);
        let state = CeremonyState::Discover(state);
        self.hold_ceremony(session, Purpose::SignIn, None, challenge, state)
            .await?;
        Ok(json)
    }

    /// Signs in whoever the passkey belongs to, as a password and a second
    /// factor would: a passkey is both.
    pub async fn finish_passkey(
        &self,
        session: &BrowserSession,
        credential: &str,
        remember: bool,
        client: &ClientInfo,
        browser: Option<&KnownBrowser>,
    ) -> Result<SignInOutcome, SignInError> {
        let ceremony = self.take_ceremony(session, Purpose::SignIn).await?;
        let user = match self.check_passkey(ceremony, credential).await {
            Err(ProofError::PasskeyRefused) => {
                super::count_sign_in("passkey", "failure");
                return Err(SignInError::PasskeyRefused);
            }
            other => other?,
        };
        self.sign_in_proven(session, user, Via::Passkey, remember, None, client, browser)
            .await
    }

    /// Starts a sign-in's second step with a passkey: the options for
    /// `navigator.credentials.get()`, naming the account's passkeys.
    pub async fn begin_passkey_factor(
        &self,
        session: &BrowserSession,
    ) -> Result<String, SignInError> {
        let pending = sessions::pending(session, self.clock.seconds())
            .await?
            .ok_or(SignInError::SignInExpired)?;
        Ok(self
            .begin_known(session, Purpose::Factor, pending.user)
            .await?)
    }

    /// The second step of a sign-in, with a passkey.
    pub async fn finish_passkey_factor(
        &self,
        session: &BrowserSession,
        credential: &str,
        client: &ClientInfo,
        browser: Option<&KnownBrowser>,
    ) -> Result<SignInOutcome, SignInError> {
        let pending = sessions::pending(session, self.clock.seconds())
            .await?
            .ok_or(SignInError::SignInExpired)?;
        let ceremony = self.take_ceremony(session, Purpose::Factor).await?;
        if ceremony.user != Some(pending.user) {
            return Err(SignInError::PasskeyExpired);
        }
        let user = self.check_passkey(ceremony, credential).await?;
        sessions::clear_pending(session).await?;
        let factor = Some(Factor::Passkey);
        self.sign_in_proven(
            session,
            user,
            pending.via,
            pending.remember,
            factor,
            client,
            browser,
        )
        .await
    }
}

impl Auth {
    /// Starts an authentication with one of `user`'s passkeys.
    pub(super) async fn begin_known(
        &self,
        session: &BrowserSession,
        purpose: Purpose,
        user: UserId,
    ) -> Result<String, ProofError> {
        let relying_party = self.relying_party()?;
        let keys: Vec<Passkey> = self
            .stored_passkeys(user)
            .await?
            .into_iter()
            .map(|(_, key)| key)
            .collect();
        if keys.is_empty() {
            return Err(ProofError::NoPasskey);
        }
        let (options, state) = relying_party
            .webauthn()
            .start_passkey_authentication(&keys)
            .map_err(|_| ProofError::PasskeyRefused)?;
        let (json, challenge) = request_json(options);
        let state = CeremonyState::Authenticate(state);
        self.hold_ceremony(session, purpose, Some(user), challenge, state)
            .await?;
        Ok(json)
    }

    /// Checks the browser's answer to `ceremony`: whose passkey it is, its
    /// signature over this ceremony's challenge, with the user verified;
    /// then spends the challenge and notes the passkey's use. Answers whose
    /// it is.
    pub(super) async fn check_passkey(
        &self,
        ceremony: Ceremony,
        credential: &str,
    ) -> Result<UserId, ProofError> {
        let webauthn = self.relying_party()?.webauthn();
        let answer: PublicKeyCredential =
            serde_json::from_str(credential).map_err(|_| ProofError::PasskeyRefused)?;
        let row = self
            .store
            .db()
            .passkey_by_credential(answer.get_credential_id())
            .await?
            .ok_or(ProofError::PasskeyRefused)?;
        let mut passkey = parse_passkey(&row.passkey).ok_or(ProofError::PasskeyRefused)?;
        let result = match ceremony.state {
            CeremonyState::Discover(state) => {
                // The browser names the account by its handle: it must be
                // the passkey's owner's.
                let (handle, _) = webauthn
                    .identify_discoverable_authentication(&answer)
                    .map_err(|_| ProofError::PasskeyRefused)?;
                let owner = self
                    .store
                    .db()
                    .user_by_webauthn_handle(handle.as_bytes())
                    .await?;
                if owner != Some(row.user) {
                    return Err(ProofError::PasskeyRefused);
                }
                webauthn.finish_discoverable_authentication_v2(&answer, state, &passkey)
            }
            CeremonyState::Authenticate(state) if ceremony.user == Some(row.user) => {
                webauthn.finish_passkey_authentication(&answer, &state)
            }
            _ => return Err(ProofError::PasskeyRefused),
        }
        .map_err(|_| ProofError::PasskeyRefused)?;
        let now = self.clock.seconds();
        let expires = ceremony.started + CEREMONY_SECONDS;
        if !self
            .store
            .db()
            .spend_challenge(&ceremony.challenge, expires, now)
            .await?
        {
            return Err(ProofError::PasskeyRefused);
        }
        passkey.update_credential(&result);
        self.store
            .db()
            .passkey_used(row.id, &passkey_json(&passkey), now)
            .await?;
        Ok(row.user)
    }

    /// Signs in `user`, whose proof was checked outside the transaction.
    #[allow(clippy::too_many_arguments)]
    async fn sign_in_proven(
        &self,
        session: &BrowserSession,
        user: UserId,
        via: Via,
        remember: bool,
        factor: Option<Factor>,
        client: &ClientInfo,
        browser: Option<&KnownBrowser>,
    ) -> Result<SignInOutcome, SignInError> {
        let by = SignedInBy {
            via,
            remember,
            browser,
            client,
            factor,
        };
        let who = async |db: Db<'_>, _| {
            db.find_current_user(user)
                .await?
                .ok_or(SignInError::PasskeyRefused)
        };
        self.sign_in_as(session, by, who).await
    }

    /// `user`'s passkeys as webauthn-rs reads them (a row it cannot read
    /// is left out).
    pub(super) async fn stored_passkeys(
        &self,
        user: UserId,
    ) -> Result<Vec<(PasskeyId, Passkey)>, StoreError> {
        Ok(self
            .store
            .db()
            .passkeys(user)
            .await?
            .into_iter()
            .filter_map(|row| parse_passkey(&row.passkey).map(|key| (row.id, key)))
            .collect())
    }

    pub(super) async fn hold_ceremony(
        &self,
        session: &BrowserSession,
        purpose: Purpose,
        user: Option<UserId>,
        challenge: Vec<u8>,
        state: CeremonyState,
    ) -> Result<(), CheckError> {
        let ceremony = Ceremony {
            purpose,
            user,
            started: self.clock.seconds(),
            challenge,
            state,
        };
        session.insert(CEREMONY_KEY, ceremony).await?;
        Ok(())
    }

    /// Takes this session's ceremony, if it is for `purpose` and still live.
    pub(super) async fn take_ceremony(
        &self,
        session: &BrowserSession,
        purpose: Purpose,
    ) -> Result<Ceremony, CheckError> {
        // Read before removed: a session without one is left untouched.
        let ceremony = session
            .get::<Ceremony>(CEREMONY_KEY)
            .await?
            .ok_or(CheckError::PasskeyExpired)?;
        session.remove_value(CEREMONY_KEY).await?;
        if ceremony.purpose != purpose || !ceremony.is_live(self.clock.seconds()) {
            return Err(CheckError::PasskeyExpired);
        }
        Ok(ceremony)
    }
}
