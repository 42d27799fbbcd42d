//! Roles, locks, the admin's user list and the audit log.

use super::{Db, Store, StoreError};
use crate::domain::{AdminAction, AdminUserRow, AuditEntry, Role, UserId};

/// Where a search starts and ends: every key from `prefix` up to the next
/// prefix, a range an index serves on both databases (a `LIKE 'p%'` is
/// served by PostgreSQL's only with a pattern operator class).
pub fn prefix_range(prefix: &str) -> (String, String) {
    // U+10FFFF sorts after every character a key can hold.
    (prefix.to_string(), format!("{prefix}\u{10FFFF}"))
}

/// A user as the admin's list shows them.
#[derive(sqlx::FromRow)]
struct ListRow {
    id: i64,
    username: String,
    email: Option<String>,
    role: String,
    created_at: i64,
    locked_at: Option<i64>,
}

impl From<ListRow> for AdminUserRow {
    fn from(row: ListRow) -> Self {
        AdminUserRow {
            id: UserId(row.id),
            username: row.username,
            email: row.email,
            role: Role::from_code(&row.role).unwrap_or(Role::User),
            created_at: crate::domain::UnixTime::from_seconds(row.created_at),
            locked: row.locked_at.is_some(),
        }
    }
}

/// A list row after the key a search pages by.
#[derive(sqlx::FromRow)]
struct KeyedRow {
    search_key: String,
    #[sqlx(flatten)]
    row: ListRow,
}

/// A list row, then the display name and bio.
#[derive(sqlx::FromRow)]
struct DetailRow {
    #[sqlx(flatten)]
    row: ListRow,
    display_name: String,
    bio: String,
}

/// Which key a search pages by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchBy {
    /// The lower-cased username.
    Username,
    /// The lower-cased address.
    Email,
}

impl Db<'_> {
    /// `user`'s role (`None` if there is no such user).
    pub(crate) async fn role(&self, user: UserId) -> Result<Option<Role>, StoreError> {
        let role: Option<String> = on_pool!(
            self,
            pool,
            sqlx::query_scalar("SELECT role FROM latchkey_users WHERE id = $1")
                .bind(user.0)
                .fetch_optional(pool)
                .await
        )?;
        Ok(role.map(|r| Role::from_code(&r).unwrap_or(Role::User)))
    }

    /// Sets `user`'s role; answers whether it changed.
    pub(crate) async fn set_role(&self, user: UserId, role: Role) -> Result<bool, StoreError> {
        let changed = execute!(
            self,
            sqlx::query("UPDATE latchkey_users SET role = $1 WHERE id = $2 AND role <> $1")
                .bind(role.code())
                .bind(user.0)
        )?;
        Ok(changed > 0)
    }

    /// The admins, by name.
    pub(crate) async fn admins(&self) -> Result<Vec<(UserId, String)>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Admin {
            id: i64,
            username: String,
        }
        let rows: Vec<Admin> = on_pool!(
            self,
            pool,
            sqlx::query_as(
                "SELECT id, username FROM latchkey_users WHERE role = 'admin'
                 ORDER BY username_key"
            )
            .fetch_all(pool)
            .await
        )?;
        Ok(rows
            .into_iter()
            .map(|row| (UserId(row.id), row.username))
            .collect())
    }

    /// Holds every admin's row until the transaction ends (PostgreSQL; on
    /// SQLite the transaction already holds the write lock), so two admins
    /// demoting each other at once are one after the other, and the second
    /// sees the first's change.
    pub(crate) async fn lock_admins(&self) -> Result<(), StoreError> {
        let backend = self.backend();
        if backend.locks_rows() {
            let sql = format!(
                "SELECT id FROM latchkey_users WHERE role = 'admin'{}",
                backend.hold_rows()
            );
            execute!(self, sqlx::query(&sql))?;
        }
        Ok(())
    }

    /// How many admins can act (not locked).
    pub(crate) async fn active_admin_count(&self) -> Result<i64, StoreError> {
        Ok(on_pool!(
            self,
            pool,
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM latchkey_users WHERE role = 'admin' AND locked_at IS NULL"
            )
            .fetch_one(pool)
            .await
        )?)
    }

    /// Locks `user` with `reason`; answers whether it was unlocked.
    pub(crate) async fn lock_account(
        &self,
        user: UserId,
        reason: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let changed = execute!(
            self,
            sqlx::query(
                "UPDATE latchkey_users SET locked_at = $1, locked_reason = $2
                 WHERE id = $3 AND locked_at IS NULL"
            )
            .bind(now)
            .bind(reason)
            .bind(user.0)
        )?;
        Ok(changed > 0)
    }

    /// Unlocks `user`; answers whether it was locked.
    pub(crate) async fn unlock_account(&self, user: UserId) -> Result<bool, StoreError> {
        let changed = execute!(
            self,
            sqlx::query(
                "UPDATE latchkey_users SET locked_at = NULL, locked_reason = NULL
                 WHERE id = $1 AND locked_at IS NOT NULL"
            )
            .bind(user.0)
        )?;
        Ok(changed > 0)
    }

    /// Why `user` is locked: `None` if not locked (or no such user).
    pub(crate) async fn lock_reason(&self, user: UserId) -> Result<Option<String>, StoreError> {
        self.read_lock(user, "").await
    }

    /// [`Store::lock_reason`], holding `user`'s row until the transaction
    /// ends: a lock committed meanwhile is seen (it waits for the row), and
    /// a lock that comes after waits for this transaction, then deletes the
    /// device it made. SQLite's `BEGIN IMMEDIATE` already orders the two.
    pub(crate) async fn lock_reason_held(
        &self,
        user: UserId,
    ) -> Result<Option<String>, StoreError> {
        self.read_lock(user, self.backend().hold_rows()).await
    }

    async fn read_lock(&self, user: UserId, hold: &str) -> Result<Option<String>, StoreError> {
        let sql =
            format!("SELECT locked_at, locked_reason FROM latchkey_users WHERE id = $1{hold}");
        #[derive(sqlx::FromRow)]
        struct Lock {
            locked_at: Option<i64>,
            locked_reason: Option<String>,
        }
        let row: Option<Lock> = on_pool!(
            self,
            pool,
            sqlx::query_as(&sql).bind(user.0).fetch_optional(pool).await
        )?;
        Ok(row
            .filter(|row| row.locked_at.is_some())
            .map(|row| row.locked_reason.unwrap_or_default()))
    }

    /// A page of users whose key (`by`) starts with `prefix`, after the
    /// key `after`, in key order: a keyset page, as fast on the millionth
    /// user as on the first.
    pub(crate) async fn search_users(
        &self,
        by: SearchBy,
        prefix: &str,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<(String, AdminUserRow)>, StoreError> {
        let (lo, hi) = prefix_range(prefix);
        let key = match by {
            SearchBy::Username => "username_key",
            SearchBy::Email => "email_key",
        };
        let sql = format!(
            "SELECT {key} AS search_key, id, username, email, role, created_at, locked_at
             FROM latchkey_users
             WHERE {key} >= $1 AND {key} < $2 AND {key} > $3
             ORDER BY {key} LIMIT $4"
        );
        let rows: Vec<KeyedRow> = on_pool!(
            self,
            pool,
            sqlx::query_as(&sql)
                .bind(&lo)
                .bind(&hi)
                .bind(after.unwrap_or(""))
                .bind(limit)
                .fetch_all(pool)
                .await
        )?;
        Ok(rows
            .into_iter()
            .map(|keyed| (keyed.search_key, keyed.row.into()))
            .collect())
    }

    /// One user's row of the list, with their display name and bio.
    pub(crate) async fn admin_user(
        &self,
        user: UserId,
    ) -> Result<Option<(AdminUserRow, String, String)>, StoreError> {
        let row: Option<DetailRow> = on_pool!(
            self,
            pool,
            sqlx::query_as(
                "SELECT id, username, email, role, created_at, locked_at, display_name, bio
                 FROM latchkey_users WHERE id = $1"
            )
            .bind(user.0)
            .fetch_optional(pool)
            .await
        )?;
        Ok(row.map(|detail| (detail.row.into(), detail.display_name, detail.bio)))
    }

    /// When `user` last signed in, any way.
    pub(crate) async fn last_sign_in(&self, user: UserId) -> Result<Option<i64>, StoreError> {
        Ok(on_pool!(
            self,
            pool,
            sqlx::query_scalar(
                "SELECT MAX(at) FROM latchkey_activity WHERE user_id = $1 AND kind IN
                 ('sign_in_password', 'sign_in_remembered', 'sign_in_email_link', 'sign_in_passkey')"
            )
            .bind(user.0)
            .fetch_one(pool)
            .await
        )?)
    }

    /// Records what an admin (`None`: the command line) did to `target`.
    pub(crate) async fn audit(
        &self,
        by: Option<(UserId, &str)>,
        action: AdminAction,
        target: (UserId, &str),
        reason: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        execute!(
            self,
            sqlx::query(
                "INSERT INTO latchkey_admin_audit
                     (at, admin_id, admin_name, action, target_id, target_name, reason)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)"
            )
            .bind(now)
            .bind(by.map(|(id, _)| id.0))
            .bind(by.map_or("command line", |(_, name)| name))
            .bind(action.code())
            .bind(target.0 .0)
            .bind(target.1)
            .bind(reason)
        )?;
        Ok(())
    }

    /// The audit log, newest first: `limit` entries before row `before`.
    pub(crate) async fn audit_log(
        &self,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<(i64, AuditEntry)>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Entry {
            id: i64,
            at: i64,
            admin_name: String,
            action: String,
            target_name: String,
            reason: Option<String>,
        }
        let rows: Vec<Entry> = on_pool!(
            self,
            pool,
            sqlx::query_as(
                "SELECT id, at, admin_name, action, target_name, reason FROM latchkey_admin_audit
                 WHERE id < $1 ORDER BY id DESC LIMIT $2"
            )
            .bind(before.unwrap_or(i64::MAX))
            .bind(limit)
            .fetch_all(pool)
            .await
        )?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let entry = AuditEntry {
                    at: crate::domain::UnixTime::from_seconds(row.at),
                    by: row.admin_name,
                    action: AdminAction::from_code(&row.action)?,
                    target: row.target_name,
                    reason: row.reason,
                };
                Some((row.id, entry))
            })
            .collect())
    }
}

impl Store {
    /// Live sessions (signed in or not), for the metrics.
    pub async fn live_sessions(&self, now: i64) -> Result<i64, StoreError> {
        Ok(on_pool!(
            self.db(),
            pool,
            sqlx::query_scalar("SELECT COUNT(*) FROM latchkey_sessions WHERE expires_at > $1")
                .bind(now)
                .fetch_one(pool)
                .await
        )?)
    }
}
