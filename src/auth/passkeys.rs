//! Passkeys' use cases that change an account: adding, naming and removing
//! passkeys, and removing the password (all in sudo mode). Proving who is
//! there with one is in `passkey_proof`.

use crate::sessions::BrowserSession;
use webauthn_rs::prelude::CredentialID;

use super::check::CheckError;
use super::factors::FRESH_CODES_KEY;
use super::{Auth, FactorError, Factors, Me, Sudo};
use crate::domain::{ActivityKind, PasskeyId, PasskeyName, PasskeySummary, UserId};
use crate::factors::passkeys::{
    creation_json, handle_uuid, new_handle, passkey_json, CeremonyState, Purpose,
    RegisterPublicKeyCredential,
};
use crate::factors::RelyingParty;
use crate::password::NO_PASSWORD;
use crate::sessions::ClientInfo;
use crate::store::{Db, StoreError};

impl Auth {
    /// These use cases, with passkeys for `relying_party`, or without them
    /// for the reason given.
    pub fn with_relying_party(mut self, relying_party: Result<RelyingParty, String>) -> Self {
        self.relying_party = relying_party;
        self
    }

    pub(super) fn relying_party(&self) -> Result<&RelyingParty, CheckError> {
        self.relying_party
            .as_ref()
            .map_err(|why| CheckError::PasskeysUnavailable(why.clone()))
    }

    /// Why this server offers no passkeys, if it does not.
    pub fn passkeys_unavailable(&self) -> Option<String> {
        self.relying_party.as_ref().err().cloned()
    }

    /// `user`'s passkeys, for their list.
    pub(super) async fn passkey_summaries(
        &self,
        user: UserId,
    ) -> Result<Vec<PasskeySummary>, StoreError> {
        Ok(self
            .store
            .db()
            .passkeys(user)
            .await?
            .into_iter()
            .map(|row| PasskeySummary {
                id: row.id,
                name: row.name,
                created_at: crate::domain::UnixTime::from_seconds(row.created_at),
                last_used_at: row.last_used_at.map(crate::domain::UnixTime::from_seconds),
            })
            .collect())
    }
}

impl Factors<'_> {
    /// Starts adding a passkey to `me`'s account (sudo mode): the options
    /// for `navigator.credentials.create()`, as JSON.
    pub async fn begin_passkey_registration(
        &self,
        session: &BrowserSession,
        me: &Me,
        sudo: &Sudo,
    ) -> Result<String, FactorError> {
        sudo.covers(me)?;
        let relying_party = self.relying_party()?;
        let user = me.user.id;
        let handle = self
            .store
            .db()
            .ensure_webauthn_handle(user, &new_handle())
            .await?;
        let handle = handle_uuid(&handle).ok_or(FactorError::PasskeyRefused)?;
        let known: Vec<CredentialID> = self
            .stored_passkeys(user)
            .await?
            .iter()
            .map(|(_, key)| key.cred_id().clone())
            .collect();
        let name = me.user.username.as_str();
        let (options, state) = relying_party
            .webauthn()
            .start_passkey_registration(handle, name, name, Some(known))
            .map_err(|_| FactorError::PasskeyRefused)?;
        let (json, challenge) = creation_json(options);
        let state = CeremonyState::Register(state);
        self.hold_ceremony(session, Purpose::Register, Some(user), challenge, state)
            .await?;
        Ok(json)
    }

    /// Adds the passkey the browser made (sudo mode), under `name`. The
    /// account's first second factor comes with ten recovery codes, shown
    /// once on the security page.
    pub async fn finish_passkey_registration(
        &self,
        session: &BrowserSession,
        me: &Me,
        sudo: &Sudo,
        name: &PasskeyName,
        credential: &str,
        client: &ClientInfo,
    ) -> Result<(), FactorError> {
        sudo.covers(me)?;
        let relying_party = self.relying_party()?;
        let user = me.user.id;
        let ceremony = self.take_ceremony(session, Purpose::Register).await?;
        if ceremony.user != Some(user) {
            return Err(FactorError::PasskeyExpired);
        }
        let CeremonyState::Register(state) = ceremony.state else {
            return Err(FactorError::PasskeyExpired);
        };
        let answer: RegisterPublicKeyCredential =
            serde_json::from_str(credential).map_err(|_| FactorError::PasskeyRefused)?;
        let passkey = relying_party
            .webauthn()
            .finish_passkey_registration(&answer, &state)
            .map_err(|_| FactorError::PasskeyRefused)?;
        // The account's first second factor brings recovery codes, hashed
        // before the transaction (which checks again that it is the first).
        let fresh = match self.has_second_factor(self.store.db(), user).await? {
            false => Some(self.new_recovery_codes().await?),
            true => None,
        };
        let now = self.clock.seconds();
        let tx = self.store.begin().await?;
        let db = tx.db();
        let first = !self.has_second_factor(db, user).await?;
        let credential_id: &[u8] = passkey.cred_id().as_ref();
        let json = passkey_json(&passkey);
        if !db
            .add_passkey(user, credential_id, name.as_str(), &json, now)
            .await?
        {
            return Err(FactorError::PasskeyExists);
        }
        let codes = match (first, fresh) {
            (true, Some((codes, hashes))) => {
                db.replace_recovery_codes(user, &hashes, now).await?;
                Some(codes)
            }
            // Its other factor went meanwhile: add it again.
            (true, None) => return Err(FactorError::PasskeyExpired),
            (false, _) => None,
        };
        self.factor_changed(db, me, ActivityKind::PasskeyAdded, client, now)
            .await?;
        tx.commit().await?;
        self.mail.wake();
        if let Some(codes) = codes {
            session.insert(FRESH_CODES_KEY, codes).await?;
        }
        Ok(())
    }

    /// Renames one of `me`'s passkeys (sudo mode).
    pub async fn rename_passkey(
        &self,
        me: &Me,
        sudo: &Sudo,
        id: PasskeyId,
        name: &PasskeyName,
    ) -> Result<(), FactorError> {
        sudo.covers(me)?;
        match self
            .store
            .db()
            .rename_passkey(me.user.id, id, name.as_str())
            .await?
        {
            true => Ok(()),
            false => Err(FactorError::NotYourPasskey),
        }
    }

    /// Removes one of `me`'s passkeys (sudo mode). Not the account's last
    /// way to sign in; with the last second factor go the recovery codes.
    pub async fn remove_passkey(
        &self,
        me: &Me,
        sudo: &Sudo,
        id: PasskeyId,
        client: &ClientInfo,
    ) -> Result<(), FactorError> {
        sudo.covers(me)?;
        let user = me.user.id;
        let now = self.clock.seconds();
        let tx = self.store.begin().await?;
        let db = tx.db();
        if !db.delete_passkey(user, id).await? {
            return Err(FactorError::NotYourPasskey);
        }
        let passkeys_left = db.passkey_count(user).await?;
        if passkeys_left == 0 && !self.has_password(db, user).await? {
            return Err(FactorError::LastSignInMethod);
        }
        self.factor_removed(db, me, ActivityKind::PasskeyRemoved, client, now)
            .await?;
        tx.commit().await?;
        self.mail.wake();
        Ok(())
    }

    /// Removes `me`'s password (sudo mode): the account then signs in with
    /// its passkeys alone, and a password can be set again later (or by a
    /// mailed reset link). Refused without a passkey.
    pub async fn remove_password(
        &self,
        me: &Me,
        sudo: &Sudo,
        client: &ClientInfo,
    ) -> Result<(), FactorError> {
        sudo.covers(me)?;
        let user = me.user.id;
        let now = self.clock.seconds();
        let tx = self.store.begin().await?;
        let db = tx.db();
        if !self.has_password(db, user).await? {
            return Err(FactorError::NoPassword);
        }
        if db.passkey_count(user).await? == 0 {
            return Err(FactorError::LastSignInMethod);
        }
        db.update_password_hash(user, NO_PASSWORD, now).await?;
        self.factor_changed(db, me, ActivityKind::PasswordRemoved, client, now)
            .await?;
        tx.commit().await?;
        self.mail.wake();
        Ok(())
    }
}

impl Auth {
    /// Whether `user` can sign in with a password.
    pub(super) async fn has_password(&self, db: Db<'_>, user: UserId) -> Result<bool, StoreError> {
        Ok(db
            .find_password_hash(user)
            .await?
            .is_some_and(|hash| hash != NO_PASSWORD))
    }
}
