use super::{Db, StoreError};
use crate::domain::{CurrentUser, EmailStatus, Profile, ProfileUpdate, UserId, Username};

/// A user about to be inserted.
pub struct NewUser<'a> {
    /// The name as typed.
    pub username: &'a Username,
    /// The PHC string of the password's hash.
    pub password_hash: &'a str,
    /// Unix seconds.
    pub now: i64,
}

/// A user's signed-in view, as a query reads it (see [`current_user`]).
#[derive(sqlx::FromRow)]
pub(super) struct UserRow {
    pub(super) id: i64,
    pub(super) username: String,
    pub(super) display_name: String,
    pub(super) has_email: bool,
    pub(super) email_verified: bool,
}

impl From<UserRow> for CurrentUser {
    fn from(row: UserRow) -> Self {
        let email = (row.has_email, row.email_verified);
        current_user(row.id, row.username, row.display_name, email)
    }
}

#[derive(sqlx::FromRow)]
struct CredentialsRow {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: String,
}

#[derive(sqlx::FromRow)]
struct ProfileRow {
    id: i64,
    username: String,
    display_name: String,
    bio: String,
    location: String,
}

impl Db<'_> {
    /// Inserts a user; a name taken in any case fails with a unique violation.
    pub(crate) async fn insert_user(&self, user: NewUser<'_>) -> Result<UserId, StoreError> {
        let id: i64 = on_pool!(
            self,
            pool,
            sqlx::query_scalar(
                "INSERT INTO latchkey_users (username, username_key,
                 password_hash, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5)
                 RETURNING id",
            )
            .bind(user.username.as_str())
            .bind(user.username.key())
            .bind(user.password_hash)
            .bind(user.now)
            .bind(user.now)
            .fetch_one(pool)
            .await
        )?;
        Ok(UserId(id))
    }

    /// The id and password hash of the account with this name (any case).
    pub(crate) async fn find_credentials(
        &self,
        key: &str,
    ) -> Result<Option<(CurrentUser, String)>, StoreError> {
        let row: Option<CredentialsRow> = on_pool!(
            self,
            pool,
            sqlx::query_as(
                "SELECT id, username, display_name, password_hash,
                        email_key IS NOT NULL AS has_email,
                        email_verified_at IS NOT NULL AS email_verified
                 FROM latchkey_users
                 WHERE username_key = $1",
            )
            .bind(key)
            .fetch_optional(pool)
            .await
        )?;
        Ok(row.map(|row| (row.user.into(), row.password_hash)))
    }

    /// A user's password hash.
    pub(crate) async fn find_password_hash(
        &self,
        id: UserId,
    ) -> Result<Option<String>, StoreError> {
        Ok(on_pool!(
            self,
            pool,
            sqlx::query_scalar("SELECT password_hash FROM latchkey_users WHERE id = $1")
                .bind(id.0)
                .fetch_optional(pool)
                .await
        )?)
    }

    /// The signed-in view of a user, if the user still exists.
    pub(crate) async fn find_current_user(
        &self,
        id: UserId,
    ) -> Result<Option<CurrentUser>, StoreError> {
        let row: Option<UserRow> = on_pool!(
            self,
            pool,
            sqlx::query_as(
                "SELECT id, username, display_name,
                        email_key IS NOT NULL AS has_email,
                        email_verified_at IS NOT NULL AS email_verified
                 FROM latchkey_users WHERE id = $1"
            )
            .bind(id.0)
            .fetch_optional(pool)
            .await
        )?;
        Ok(row.map(CurrentUser::from))
    }

    /// The public profile of the user with this name (any case).
    pub(crate) async fn find_profile(
        &self,
        key: &str,
    ) -> Result<Option<(UserId, Profile)>, StoreError> {
        let row: Option<ProfileRow> = on_pool!(
            self,
            pool,
            sqlx::query_as(
                "SELECT id, username, display_name, bio, location
                 FROM latchkey_users
                 WHERE username_key = $1",
            )
            .bind(key)
            .fetch_optional(pool)
            .await
        )?;
        Ok(row.map(|row| {
            let profile = Profile {
                username: row.username,
                display_name: row.display_name,
                bio: row.bio,
                location: row.location,
            };
            (UserId(row.id), profile)
        }))
    }

    /// Replaces a user's editable profile fields.
    pub(crate) async fn update_profile(
        &self,
        id: UserId,
        update: &ProfileUpdate,
        now: i64,
    ) -> Result<(), StoreError> {
        execute!(
            self,
            sqlx::query(
                "UPDATE latchkey_users
                 SET display_name = $1, bio = $2, location = $3, updated_at = $4
                 WHERE id = $5",
            )
            .bind(update.display_name.as_str())
            .bind(update.bio.as_str())
            .bind(update.location.as_str())
            .bind(now)
            .bind(id.0)
        )?;
        Ok(())
    }

    /// Replaces a user's password hash (after a rehash or a password change).
    pub(crate) async fn update_password_hash(
        &self,
        id: UserId,
        hash: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        execute!(
            self,
            sqlx::query(
                "UPDATE latchkey_users SET password_hash = $1, updated_at = $2 WHERE id = $3"
            )
            .bind(hash)
            .bind(now)
            .bind(id.0)
        )?;
        Ok(())
    }

    /// Renames a user; a name taken by another account (in any case) fails with
    /// a unique violation, and the old name is free at once. False when nothing
    /// changed: no such user, or the name is already exactly this.
    pub(crate) async fn rename_user(
        &self,
        id: UserId,
        username: &Username,
        now: i64,
    ) -> Result<bool, StoreError> {
        let changed = execute!(
            self,
            sqlx::query(
                "UPDATE latchkey_users SET username = $1, username_key = $2, updated_at = $3
                 WHERE id = $4 AND username <> $5"
            )
            .bind(username.as_str())
            .bind(username.key())
            .bind(now)
            .bind(id.0)
            .bind(username.as_str())
        )?;
        Ok(changed == 1)
    }

    /// Deletes a user and, by cascade, their devices, remember tokens and
    /// activity. False when there was no such user.
    pub(crate) async fn delete_user(&self, id: UserId) -> Result<bool, StoreError> {
        let done = execute!(
            self,
            sqlx::query("DELETE FROM latchkey_users WHERE id = $1").bind(id.0)
        )?;
        Ok(done == 1)
    }
}

pub(super) fn current_user(
    id: i64,
    username: String,
    display_name: String,
    email: (bool, bool),
) -> CurrentUser {
    let display_name = if display_name.is_empty() {
        username.clone()
    } else {
        display_name
    };
    let email = match email {
        (false, _) => EmailStatus::Missing,
        (true, false) => EmailStatus::Unverified,
        (true, true) => EmailStatus::Verified,
    };
    CurrentUser {
        id: UserId(id),
        username,
        display_name,
        email,
        second_factor_needed: false,
    }
}
