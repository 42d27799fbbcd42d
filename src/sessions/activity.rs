//! The security events a user can review on their activity page.

use super::devices::browser_and_os;
use super::ClientInfo;
use crate::clock::Clock;
use crate::domain::{Activity, ActivityKind, UserId, Username};
use crate::store::{Db, StoreError};

/// How many events the activity page shows.
pub const ACTIVITY_SHOWN: i64 = 100;

/// Each user's log of security events.
#[derive(Clone, Debug)]
pub struct ActivityLog<'a> {
    db: Db<'a>,
    clock: Clock,
}

impl<'a> ActivityLog<'a> {
    /// The log on `db` (a pool, or a transaction whose change it records),
    /// timed by `clock`.
    pub fn new(db: Db<'a>, clock: Clock) -> Self {
        Self { db, clock }
    }

    /// Records an event in `user`'s activity, from `client`, now.
    pub async fn record(
        &self,
        user: UserId,
        kind: ActivityKind,
        client: &ClientInfo,
    ) -> Result<(), StoreError> {
        let now = self.clock.seconds();
        self.db
            .insert_activity(user, kind.code(), &client.ip, &client.user_agent, now)
            .await?;
        Ok(())
    }

    /// Records a failed sign-in against the account named `username`, if there
    /// is one. (The visitor's answer is the same either way.)
    pub async fn record_failed_sign_in(
        &self,
        username: &str,
        client: &ClientInfo,
    ) -> Result<(), StoreError> {
        let Ok(name) = Username::parse(username) else {
            return Ok(());
        };
        if let Some(user) = self.db.find_user_id(&name.key()).await? {
            self.record(user, ActivityKind::SignInFailed, client)
                .await?;
        }
        Ok(())
    }

    /// `user`'s latest events, newest first.
    pub async fn list(&self, user: UserId) -> Result<Vec<Activity>, StoreError> {
        let rows = self.db.list_activity(user, ACTIVITY_SHOWN).await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let kind = ActivityKind::from_code(&row.kind)?;
                let (browser, os) = browser_and_os(&row.user_agent);
                Some(Activity {
                    kind,
                    at: crate::domain::UnixTime::from_seconds(row.at),
                    ip: row.ip,
                    browser,
                    os,
                })
            })
            .collect())
    }
}
