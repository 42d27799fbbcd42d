//! Log-in state on a tower-sessions [`Session`]: the cookie carries only the
//! session's random id; who is signed in, since when, and flash messages stay
//! server-side. Lifetimes are enforced here, on the core's one clock.

mod activity;
mod browser;
mod devices;
mod lifetimes;
mod pending;
mod remember;
mod resume;
mod sudo;
mod table;
mod via;

use serde::{Deserialize, Serialize};
use tower_sessions::Expiry;

use crate::clock::Clock;
use crate::cookies::Jar;
use crate::domain::{ActivityKind, CurrentUser, DeviceId, Flash, UnixTime, UserId};
use crate::store::{Db, NewDevice, Store, StoreError};
pub use activity::ActivityLog;
pub use browser::BrowserSession;
pub use devices::DeviceList;
pub(crate) use lifetimes::judge;
pub use lifetimes::{Lifetimes, Verdict};
pub(crate) use pending::Pending;
pub use pending::PENDING_SECONDS;
pub(crate) use pending::{clear_pending, hold_pending, pending};

/// The session cookie's name over plain HTTP.
pub const SESSION_COOKIE: &str = Jar::Session.name(false);
/// The session cookie's name over HTTPS: the `__Host-` prefix makes browsers
/// insist on `Secure`, `Path=/` and no `Domain`.
pub const SECURE_SESSION_COOKIE: &str = Jar::Session.name(true);

/// The session cookie's name: `__Host-` prefixed when served over HTTPS
/// (`secure`), which makes browsers insist on `Secure`, `Path=/` and no `Domain`.
pub fn session_cookie_name(secure: bool) -> &'static str {
    Jar::Session.name(secure)
}

/// The session id a request's `Cookie` header carries, under either name.
pub fn session_id(cookie_header: &str) -> Option<String> {
    [SESSION_COOKIE, SECURE_SESSION_COOKIE]
        .into_iter()
        .find_map(|name| crate::cookies::read(cookie_header, name))
}
pub use remember::{RememberCookie, RememberToken, RACE_GRACE_SECONDS};
pub use resume::{RememberTokens, Resumed};
pub use sudo::SUDO_SECONDS;
pub use table::SessionTable;
use table::LOADED_USER_KEY;
pub use via::Via;

const SIGNED_IN_KEY: &str = "auth";
const FLASH_KEY: &str = "flash";

/// The session store or the database failed.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The session failed.
    #[error("session: {0}")]
    Session(#[from] tower_sessions::session::Error),
    /// The session store failed.
    #[error("session store: {0}")]
    SessionStore(#[from] tower_sessions::session_store::Error),
    /// The devices table failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where a sign-in comes from, as the device list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientInfo {
    /// The User-Agent header.
    pub user_agent: String,
    /// The client's address.
    pub ip: String,
}

impl ClientInfo {
    /// Longest User-Agent kept; longer ones are cut.
    pub const MAX_USER_AGENT: usize = 512;

    /// "Firefox 133 on Linux, from 192.0.2.7": for a notice of a new sign-in.
    pub fn describe(&self) -> String {
        let (browser, os) = devices::browser_and_os(&self.user_agent);
        format!("{browser} on {os}, from {}", self.ip)
    }

    /// From a request's User-Agent header and peer address, either possibly missing.
    pub fn new(user_agent: Option<&str>, ip: Option<std::net::IpAddr>) -> Self {
        Self {
            user_agent: user_agent
                .unwrap_or_default()
                .chars()
                .take(Self::MAX_USER_AGENT)
                .collect(),
            ip: ip.map_or_else(|| "unknown".to_string(), |ip| ip.to_string()),
        }
    }
}

/// Who a live session belongs to, and which of their devices it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedInAs {
    /// The user.
    pub user: UserId,
    /// This browser's device.
    pub device: DeviceId,
}

/// What a signed-in session records about its sign-in (Unix seconds). The
/// ids are stored as plain numbers (the newtypes serialize transparently).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SignedIn {
    /// Who.
    pub user: UserId,
    /// Which of their devices this browser is.
    pub device: DeviceId,
    /// When they signed in.
    pub at: i64,
    /// When the session was last used (updated at most once a minute).
    pub seen: i64,
    /// Whether they ticked "Remember me".
    pub remember: bool,
    /// When they last gave their password on this session (sign-in or a
    /// confirmation); sensitive actions need it within [`SUDO_SECONDS`]. A
    /// session resumed by "Remember me" has none.
    #[serde(default)]
    pub confirmed: Option<i64>,
}

/// Signs users in and out, and decides whether a session is still alive: within
/// its lifetimes, and its device not signed out. The device list, the
/// activity log and the remember-me tokens are services of their own
/// ([`DeviceList`], [`ActivityLog`], [`RememberTokens`]).
#[derive(Clone, Debug)]
pub struct SessionPolicy {
    store: Store,
    clock: Clock,
    lifetimes: Lifetimes,
}

impl SessionPolicy {
    /// A policy over `store`'s devices and sessions, on `clock`, with these lifetimes.
    pub fn new(store: Store, clock: Clock, lifetimes: Lifetimes) -> Self {
        Self {
            store,
            clock,
            lifetimes,
        }
    }

    /// The session store of this policy's database, for the session layer.
    pub fn table(&self) -> SessionTable {
        SessionTable::new(self.store.clone(), self.clock.clone(), self.lifetimes)
    }

    /// The lifetimes in force.
    pub fn lifetimes(&self) -> Lifetimes {
        self.lifetimes
    }

    /// The clock the lifetimes are judged on.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The activity log on this policy's store.
    pub fn activity(&self) -> ActivityLog<'_> {
        self.activity_on(self.store.db())
    }

    /// The activity log on `db` (a transaction whose change it records).
    pub(crate) fn activity_on<'a>(&self, db: Db<'a>) -> ActivityLog<'a> {
        ActivityLog::new(db, self.clock.clone())
    }

    /// The device list on this policy's store.
    pub fn devices(&self) -> DeviceList {
        DeviceList::new(self.store.clone(), self.clock.clone())
    }

    /// The remember-me tokens on this policy's store.
    pub fn tokens(&self) -> RememberTokens {
        RememberTokens::new(self.store.clone(), self.clock.clone(), self.lifetimes)
    }

    /// In the transaction of `db`: signs `user` in on a new device in place
    /// of this browser's `previous` one (see [`previous`]), which is
    /// forgotten. With "Remember me" turned off (a zero period), nothing is
    /// remembered.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn replace_device(
        &self,
        db: Db<'_>,
        previous: Option<SignedIn>,
        user: UserId,
        via: Via,
        how: &str,
        remember: bool,
        client: &ClientInfo,
    ) -> Result<(SignedIn, Option<RememberToken>), SessionError> {
        let remember = remember && self.lifetimes.remembers();
        // A browser signing in again replaces its previous device.
        if let Some(previous) = previous {
            forget(db, previous).await?;
        }
        self.new_device(db, user, via, how, remember, client).await
    }

    /// Records on `db` a new device of `user` signed in now by `via`, with
    /// its activity row and, with `remember`, its token; returns the sign-in
    /// to start.
    pub(crate) async fn new_device(
        &self,
        db: Db<'_>,
        user: UserId,
        via: Via,
        how: &str,
        remember: bool,
        client: &ClientInfo,
    ) -> Result<(SignedIn, Option<RememberToken>), SessionError> {
        let now = self.clock.seconds();
        let new_device = NewDevice {
            user,
            user_agent: &client.user_agent,
            ip: &client.ip,
            remembered: remember,
            signed_in_with: how,
            now,
        };
        let device = db.insert_device(new_device).await?;
        self.activity_on(db)
            .record(user, via.activity(), client)
            .await?;
        let token = match remember {
            true => Some(self.tokens().issue(db, device).await?),
            false => None,
        };
        let record = SignedIn {
            user,
            device,
            at: now,
            seen: now,
            remember,
            // A password or a passkey counts for sudo mode; a link does not.
            confirmed: matches!(via, Via::Password | Via::Passkey).then_some(now),
        };
        Ok((record, token))
    }

    /// Who this session belongs to, if it is still alive. A session past its
    /// idle or absolute lifetime, or whose device was signed out, is deleted and
    /// answers `None`, whatever the browser's cookie says.
    pub async fn signed_in(
        &self,
        session: &BrowserSession,
    ) -> Result<Option<SignedInAs>, SessionError> {
        Ok(self.signed_in_user(session).await?.map(|(at, _, _)| at))
    }

    /// [`Self::signed_in`], with the user's signed-in view from the same
    /// query that checks the device (one query per signed-in request), and
    /// when the password (or a passkey) was last given on this session.
    pub async fn signed_in_user(
        &self,
        session: &BrowserSession,
    ) -> Result<Option<(SignedInAs, CurrentUser, Option<UnixTime>)>, SessionError> {
        let Some(mut record) = session.get::<SignedIn>(SIGNED_IN_KEY).await? else {
            return Ok(None);
        };
        let now = self.clock.seconds();
        let (user, device) = (record.user, record.device);
        let live = match judge(&record, now, self.lifetimes) {
            Verdict::Live { touch } => self
                .user_of(session, device, user)
                .await?
                .map(|me| (touch, me)),
            Verdict::Expired => None,
        };
        let Some((touch, me)) = live else {
            // The session is over. A remembered device stays listed (its
            // token may start a new session); any other device goes with it.
            if !record.remember {
                self.store.db().delete_device(user, device).await?;
            }
            session.flush().await?;
            return Ok(None);
        };
        if touch {
            record.seen = now;
            session.insert(SIGNED_IN_KEY, record).await?;
            self.store.db().touch_device(device, now).await?;
        }
        let confirmed = record.confirmed.map(UnixTime::from_seconds);
        Ok(Some((SignedInAs { user, device }, me, confirmed)))
    }

    /// Logs out: deletes the session and its device, so a replayed cookie is
    /// anonymous. Answers whether anyone was signed in.
    pub async fn log_out(
        &self,
        session: &BrowserSession,
        client: &ClientInfo,
    ) -> Result<bool, SessionError> {
        let signed_in = session.get::<SignedIn>(SIGNED_IN_KEY).await?;
        if let Some(record) = signed_in {
            let tx = self.store.begin().await?;
            self.activity_on(tx.db())
                .record(record.user, ActivityKind::SignedOut, client)
                .await?;
            forget(tx.db(), record).await?;
            tx.commit().await?;
        }
        session.flush().await?;
        Ok(signed_in.is_some())
    }

    /// The signed-in user of a live session. A session loaded from the table
    /// brought its user in the same read, and its row stands only while its
    /// device does (the foreign keys cascade); one written during this request
    /// asks the database.
    async fn user_of(
        &self,
        session: &BrowserSession,
        device: DeviceId,
        user: UserId,
    ) -> Result<Option<CurrentUser>, SessionError> {
        match session.get::<CurrentUser>(LOADED_USER_KEY).await? {
            Some(me) if me.id == user => Ok(Some(me)),
            _ => Ok(self.store.db().live_device_user(device, user).await?),
        }
    }
}

/// Puts a new sign-in on `session` under a new id (an id planted before it is
/// worthless after it: no fixation), and writes it at once, so that its
/// device is never without its session. The session cookie dies with the browser.
/// The sign-in this browser's session holds, live or not: the device a new
/// sign-in replaces.
pub(crate) async fn previous(session: &BrowserSession) -> Result<Option<SignedIn>, SessionError> {
    Ok(session.get::<SignedIn>(SIGNED_IN_KEY).await?)
}

pub(crate) async fn start(session: &BrowserSession, record: SignedIn) -> Result<(), SessionError> {
    session.cycle_id().await?;
    session.remove_value(LOADED_USER_KEY).await?;
    session.insert(SIGNED_IN_KEY, record).await?;
    session.set_expiry(Some(Expiry::OnSessionEnd));
    session.save().await?;
    Ok(())
}

/// Stores a message for the next page this browser shows.
pub async fn push_flash(session: &BrowserSession, flash: Flash) -> Result<(), SessionError> {
    session.insert(FLASH_KEY, flash).await?;
    Ok(())
}

/// Takes the pending message, if any, so it shows once. A session left holding
/// nothing is deleted rather than kept as an empty row.
pub async fn take_flash(session: &BrowserSession) -> Result<Option<Flash>, SessionError> {
    // `remove` marks a session modified even when the key is absent; look first
    // so that pages without a flash never write to the store.
    if session.get_value(FLASH_KEY).await?.is_none() {
        return Ok(None);
    }
    let flash = session.remove::<Flash>(FLASH_KEY).await?;
    // (`Session::is_empty` is false for any session loaded from the store, so
    // it cannot tell; a session holds only these two keys.)
    if session.get_value(SIGNED_IN_KEY).await?.is_none() {
        session.flush().await?;
    }
    Ok(flash)
}

/// Deletes a sign-in's device, and so its sessions and token.
async fn forget(db: Db<'_>, record: SignedIn) -> Result<(), SessionError> {
    db.delete_device(record.user, record.device).await?;
    Ok(())
}
