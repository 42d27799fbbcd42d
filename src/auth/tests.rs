//! The use cases on a real SQLite file (or, with
//! `LATCHKEY_TEST_DATABASE=postgres`, a fresh database on a throwaway
//! PostgreSQL server), with real tower-sessions sessions over Latchkey's
//! session table: each "browser" is a session id, and each "request" loads
//! it afresh, as the session layer does.

use std::sync::Arc;

use super::*;
use crate::domain::{EmailAddress, NewPassword, PasswordAttempt, Username};
use crate::password::{HashCost, PasswordHasher};
use crate::sessions::{Lifetimes, SessionTable};
use crate::throttle;

const PW: &str = "correct horse battery";
const NEW_PW: &str = "a brand new passphrase";

struct Fixture {
    auth: Auth,
    clock: Clock,
    table: Arc<SessionTable>,
    url: String,
    _dir: tempfile::TempDir,
}

/// Whether this run of the suite is on PostgreSQL.
fn on_postgres() -> bool {
    std::env::var("LATCHKEY_TEST_DATABASE").is_ok_and(|db| db == "postgres")
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let url = if on_postgres() {
        throwaway_postgres::fresh_database().await
    } else {
        format!("sqlite://{}", dir.path().join("auth.db").display())
    };
    let store = Store::connect(&url).await.unwrap();
    let clock = Clock::manual(crate::domain::UnixTime::from_seconds(1_800_000_000));
    let hasher = PasswordHasher::new(HashCost::default(), 2).unwrap();
    let accounts = Accounts::new(store.clone(), hasher, clock.clone());
    let browsers = KnownBrowsers::load(&store, false).await.unwrap();
    let sessions = SessionPolicy::new(store, clock.clone(), Lifetimes::default());
    let table = Arc::new(sessions.table());
    Fixture {
        auth: Auth::new(accounts, sessions, browsers),
        clock,
        table,
        url,
        _dir: dir,
    }
}

fn client() -> ClientInfo {
    ClientInfo::new(Some("test"), None)
}

impl Fixture {
    /// A browser with no cookie yet.
    fn browser(&self) -> BrowserSession {
        tower_sessions::Session::new(None, self.table.clone(), None).into()
    }

    /// The next request of a browser whose cookie holds `session`'s id.
    fn again(&self, session: &BrowserSession) -> BrowserSession {
        tower_sessions::Session::new(session.id(), self.table.clone(), None).into()
    }

    async fn me(&self, session: &BrowserSession) -> Option<Me> {
        self.auth.current_user(&self.again(session)).await.unwrap()
    }

    async fn registered(&self, name: &str) -> (BrowserSession, Me) {
        let session = self.browser();
        let username = Username::parse(name).unwrap();
        let password = NewPassword::parse(PW).unwrap();
        let email = EmailAddress::parse(&format!("{name}@example.test")).unwrap();
        self.auth
            .account()
            .register(&session, &username, &email, &password, &client())
            .await
            .unwrap();
        let me = self.me(&session).await.unwrap();
        (session, me)
    }

    async fn logged_in(&self, name: &str, password: &str) -> Result<BrowserSession, SignInError> {
        let session = self.browser();
        let attempt = PasswordAttempt::parse(password).unwrap();
        self.auth
            .sign_in()
            .log_in(&session, name, &attempt, false, &client(), None)
            .await?;
        Ok(session)
    }

    async fn kinds(&self, me: &Me) -> Vec<ActivityKind> {
        let activity = self.auth.devices().activity(me).await.unwrap();
        activity.into_iter().map(|a| a.kind).collect()
    }

    /// Makes every activity insert fail, as a crash or a full disk would.
    async fn break_activity(&self) {
        match self.auth.store.pool() {
            crate::store::Pool::Sqlite(pool) => sqlx::raw_sql(
                "CREATE TRIGGER no_activity BEFORE INSERT ON latchkey_activity
                 BEGIN SELECT RAISE(ABORT, 'the disk is full'); END",
            )
            .execute(pool)
            .await
            .map(drop),
            crate::store::Pool::Postgres(pool) => sqlx::raw_sql(
                "CREATE FUNCTION no_activity() RETURNS trigger LANGUAGE plpgsql AS
                 $$ BEGIN RAISE EXCEPTION 'the disk is full'; END $$;
                 CREATE TRIGGER no_activity BEFORE INSERT ON latchkey_activity
                 FOR EACH ROW EXECUTE FUNCTION no_activity();",
            )
            .execute(pool)
            .await
            .map(drop),
        }
        .unwrap();
    }
}

fn attempt(password: &str) -> PasswordAttempt {
    PasswordAttempt::parse(password).unwrap()
}

#[tokio::test]
async fn registering_signs_the_browser_in() {
    let f = fixture().await;
    let (_, me) = f.registered("ada").await;
    assert_eq!(me.user.username, "ada");
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_shown_in_the_owners_activity() {
    let f = fixture().await;
    let (_, me) = f.registered("ada").await;
    let refused = f.logged_in("ada", "not the password").await;
    assert!(matches!(refused, Err(SignInError::InvalidCredentials)));
    assert_eq!(f.kinds(&me).await[0], ActivityKind::SignInFailed);
}

#[tokio::test]
async fn a_password_change_signs_the_others_out_and_renews_this_session() {
    let f = fixture().await;
    let (laptop, me) = f.registered("ada").await;
    let phone = f.logged_in("ada", PW).await.unwrap();
    let old_id = laptop.id();

    let new = NewPassword::parse(NEW_PW).unwrap();
    let others = f
        .auth
        .passwords()
        .change(&laptop, &me, Some(&attempt(PW)), None, &new, &client())
        .await
        .unwrap();
    assert_eq!(others, 1);
    assert_ne!(laptop.id(), old_id, "a new session id");
    assert!(
        f.me(&laptop).await.is_some(),
        "this browser stays signed in"
    );
    let old_cookie = tower_sessions::Session::new(old_id, f.table.clone(), None).into();
    assert!(f.auth.current_user(&old_cookie).await.unwrap().is_none());
    assert!(f.me(&phone).await.is_none(), "the other device is out");
    assert!(f.auth.sudo_active(&f.me(&laptop).await.unwrap()));
    assert_eq!(f.kinds(&me).await[0], ActivityKind::PasswordChanged);
    assert!(f.logged_in("ada", NEW_PW).await.is_ok());
    assert!(f.logged_in("ada", PW).await.is_err());
}

/// The change, the sign-out of the others and the activity row are one
/// transaction: when the last write fails, the first two are undone.
#[tokio::test]
async fn a_password_change_that_fails_midway_changes_nothing() {
    let f = fixture().await;
    let (laptop, me) = f.registered("ada").await;
    let phone = f.logged_in("ada", PW).await.unwrap();
    f.break_activity().await;

    let new = NewPassword::parse(NEW_PW).unwrap();
    let failed = f
        .auth
        .passwords()
        .change(&laptop, &me, Some(&attempt(PW)), None, &new, &client())
        .await;
    assert!(
        matches!(failed, Err(PasswordError::Failed(Failure::Store(_)))),
        "{failed:?}"
    );
    assert!(f.me(&phone).await.is_some(), "the other device is still in");
    // (Checked without signing in, which would write activity too.)
    let old = f.auth.accounts().authenticate("ada", &attempt(PW)).await;
    assert!(old.is_ok(), "the old password still works: {old:?}");
}

#[tokio::test]
async fn a_wrong_current_password_changes_nothing() {
    let f = fixture().await;
    let (laptop, me) = f.registered("ada").await;
    let phone = f.logged_in("ada", PW).await.unwrap();
    let new = NewPassword::parse(NEW_PW).unwrap();
    let refused = f
        .auth
        .passwords()
        .change(
            &laptop,
            &me,
            Some(&attempt("not the password")),
            None,
            &new,
            &client(),
        )
        .await;
    assert!(matches!(refused, Err(PasswordError::WrongPassword)));
    assert!(f.me(&phone).await.is_some());
    assert!(f.logged_in("ada", PW).await.is_ok());
}

#[tokio::test]
async fn signing_a_device_out_needs_sudo_and_refuses_this_one_and_others_devices() {
    let f = fixture().await;
    let (laptop, me) = f.registered("ada").await;
    let phone = f.logged_in("ada", PW).await.unwrap();
    let phone_device = f.me(&phone).await.unwrap().at.device;
    let (bobs_browser, bob) = f.registered("bob").await;

    let sudo = f.auth.sudo(&f.me(&laptop).await.unwrap()).unwrap();
    let this = f
        .auth
        .devices()
        .revoke(&me, &sudo, me.at.device, &client())
        .await;
    assert!(matches!(this, Err(DeviceError::ThisDevice)));
    let theirs = f
        .auth
        .devices()
        .revoke(&me, &sudo, bob.at.device, &client())
        .await;
    assert!(matches!(theirs, Err(DeviceError::NotYourDevice)));
    // Bob's proof is Bob's: it signs none of Ada's devices out.
    let bobs = f.auth.sudo(&f.me(&bobs_browser).await.unwrap()).unwrap();
    let borrowed = f
        .auth
        .devices()
        .revoke(&me, &bobs, phone_device, &client())
        .await;
    assert!(matches!(borrowed, Err(DeviceError::ConfirmPassword)));

    // Ten minutes after the sign-in, its password no longer counts.
    f.clock.advance_seconds(crate::sessions::SUDO_SECONDS);
    let stale = f.again(&laptop);
    let me = f.auth.current_user(&stale).await.unwrap().unwrap();
    let unconfirmed = f.auth.sudo(&f.me(&stale).await.unwrap());
    assert!(matches!(unconfirmed, Err(SudoError::ConfirmPassword)));
    assert!(f.me(&phone).await.is_some());

    f.auth
        .sudo_mode()
        .confirm_password(&stale, &me, &attempt(PW), None, &client())
        .await
        .unwrap();
    stale.save().await.unwrap(); // as the session layer does at the end of a request
    let sudo = f.auth.sudo(&f.me(&stale).await.unwrap()).unwrap();
    f.auth
        .devices()
        .revoke(&me, &sudo, phone_device, &client())
        .await
        .unwrap();
    assert!(f.me(&phone).await.is_none());
    assert!(f.me(&stale).await.is_some());
    assert_eq!(f.kinds(&me).await[0], ActivityKind::DeviceRevoked);
}

#[tokio::test]
async fn a_rename_that_fails_midway_keeps_the_old_name() {
    let f = fixture().await;
    let (laptop, me) = f.registered("ada").await;
    f.break_activity().await;
    let new_name = Username::parse("lovelace").unwrap();
    let sudo = f.auth.sudo(&f.me(&laptop).await.unwrap()).unwrap();
    let failed = f
        .auth
        .account()
        .change_username(&me, &sudo, &new_name, &client())
        .await;
    assert!(failed.is_err());
    assert_eq!(
        f.auth.account().profile("ada").await.unwrap().username,
        "ada"
    );
    assert!(matches!(
        f.auth.account().profile("lovelace").await,
        Err(AccountError::NotFound)
    ));
}

#[tokio::test]
async fn deleting_an_account_needs_its_password_then_leaves_nothing_signed_in() {
    let f = fixture().await;
    let (laptop, me) = f.registered("ada").await;
    let phone = f.logged_in("ada", PW).await.unwrap();
    // Another name typed out, or none: refused before the password.
    for typed in ["bob", "", "a"] {
        let refused = f
            .auth
            .account()
            .delete_account(&laptop, &me, typed, Some(&attempt(PW)), None, &client())
            .await;
        assert!(matches!(refused, Err(AccountError::NotYourUsername(ref own)) if own == "ada"));
    }
    let refused = f
        .auth
        .account()
        .delete_account(
            &laptop,
            &me,
            "ADA",
            Some(&attempt("not the password")),
            None,
            &client(),
        )
        .await;
    assert!(matches!(refused, Err(AccountError::WrongPassword)));
    assert!(f.me(&phone).await.is_some());

    f.auth
        .account()
        .delete_account(&laptop, &me, "ada", Some(&attempt(PW)), None, &client())
        .await
        .unwrap();
    assert!(f.me(&laptop).await.is_none());
    assert!(f.me(&phone).await.is_none());
    assert!(matches!(
        f.auth.account().profile("ada").await,
        Err(AccountError::NotFound)
    ));
}

/// The account, its first device and the activity row are one transaction:
/// a registration that fails midway leaves the name free.
#[tokio::test]
async fn a_registration_that_fails_midway_creates_nothing() {
    let f = fixture().await;
    f.break_activity().await;
    let session = f.browser();
    let username = Username::parse("ada").unwrap();
    let password = NewPassword::parse(PW).unwrap();
    let email = EmailAddress::parse("ada@example.test").unwrap();
    let failed = f
        .auth
        .account()
        .register(&session, &username, &email, &password, &client())
        .await;
    assert!(failed.is_err());
    assert!(matches!(
        f.auth.account().profile("ada").await,
        Err(AccountError::NotFound)
    ));
    assert!(f.auth.current_user(&session).await.unwrap().is_none());
}

/// Confirming the password issues a new session id: a copy of the cookie
/// taken before gains nothing (it is signed out).
#[tokio::test]
async fn confirming_the_password_renews_the_session_id() {
    let f = fixture().await;
    let (laptop, _) = f.registered("ada").await;
    f.clock.advance_seconds(crate::sessions::SUDO_SECONDS);
    let browser = f.again(&laptop);
    let me = f.auth.current_user(&browser).await.unwrap().unwrap();
    let copied = browser.id();
    f.auth
        .sudo_mode()
        .confirm_password(&browser, &me, &attempt(PW), None, &client())
        .await
        .unwrap();
    browser.save().await.unwrap();
    assert_ne!(browser.id(), copied);
    assert!(f.auth.sudo_active(&f.me(&browser).await.unwrap()));
    let copy = tower_sessions::Session::new(copied, f.table.clone(), None).into();
    assert!(f.auth.current_user(&copy).await.unwrap().is_none());
}

mod admin;
mod email;
mod factors;
mod known_browsers;
mod mailed_links;
mod passkeys;
mod sessions;
