//! The mailed links' use cases through the fixture: each link comes from
//! the outbox as a mail would bring it, works once, and does what it says.

use super::*;
use crate::auth::EmailError;
use crate::domain::EmailStatus;

/// The token of the newest link to `path` mailed to `to`.
async fn mailed(f: &Fixture, to: &str, path: &str) -> String {
    let select = "SELECT text_body FROM latchkey_outbox WHERE recipient LIKE $1 ORDER BY id DESC";
    let to_them = format!("%{to}%");
    let bodies: Vec<String> = match f.auth.store.pool() {
        crate::store::Pool::Sqlite(pool) => {
            let query = sqlx::query_scalar(select).bind(to_them);
            query.fetch_all(pool).await
        }
        crate::store::Pool::Postgres(pool) => {
            let query = sqlx::query_scalar(select).bind(to_them);
            query.fetch_all(pool).await
        }
    }
    .unwrap();
    let marker = format!("{path}?token=");
    bodies
        .iter()
        .find_map(|body| {
            let (_, rest) = body.split_once(&marker)?;
            Some(rest.chars().take_while(char::is_ascii_hexdigit).collect())
        })
        .unwrap_or_else(|| panic!("no {marker} link to {to}"))
}

/// `name` registered, with the address confirmed by its link.
async fn confirmed(f: &Fixture, name: &str) -> (BrowserSession, Me) {
    let (laptop, _) = f.registered(name).await;
    let token = mailed(f, &format!("{name}@"), "/verify").await;
    f.auth.email().verify(&token).await.unwrap();
    let me = f.me(&laptop).await.unwrap();
    (laptop, me)
}

#[tokio::test]
async fn the_confirmation_link_confirms_the_address_once() {
    let f = fixture().await;
    let (laptop, me) = f.registered("ada").await;
    assert_eq!(me.user.email, EmailStatus::Unverified);
    f.auth.email().resend(&me).await.unwrap();
    let token = mailed(&f, "ada@", "/verify").await;
    f.auth.email().verify(&token).await.unwrap();
    assert!(matches!(
        f.auth.email().verify(&token).await,
        Err(EmailError::LinkInvalid)
    ));
    let me = f.me(&laptop).await.unwrap();
    assert_eq!(me.user.email, EmailStatus::Verified);
    assert!(matches!(
        f.auth.email().resend(&me).await,
        Err(EmailError::AlreadyVerified)
    ));
    let settings = f.auth.account().email_settings(&me).await.unwrap();
    assert_eq!(settings.email.as_deref(), Some("ada@example.test"));
    f.auth
        .account()
        .set_new_device_notices(&me, true)
        .await
        .unwrap();
    assert!(
        f.auth
            .account()
            .email_settings(&me)
            .await
            .unwrap()
            .new_device_notices
    );
}

#[tokio::test]
async fn a_new_address_waits_for_its_link_and_the_old_one_can_take_the_account_back() {
    let f = fixture().await;
    let (laptop, me) = confirmed(&f, "ada").await;
    let sudo = f.auth.sudo(&f.me(&laptop).await.unwrap()).unwrap();
    let new = EmailAddress::parse("ada.new@example.test").unwrap();
    f.auth
        .email()
        .request_change(&me, &sudo, &new)
        .await
        .unwrap();
    let unchanged = f.auth.account().email_settings(&me).await.unwrap();
    assert_eq!(unchanged.email.as_deref(), Some("ada@example.test"));

    let confirm = mailed(&f, "ada.new@", "/settings/email/confirm").await;
    let moved = f
        .auth
        .email()
        .confirm_change(&confirm, &client())
        .await
        .unwrap();
    assert_eq!(moved.as_str(), "ada.new@example.test");
    let settings = f.auth.account().email_settings(&me).await.unwrap();
    assert_eq!(settings.email.as_deref(), Some("ada.new@example.test"));

    // The old address takes it back, and every device is signed out.
    let undo = mailed(&f, "ada@example", "/settings/email/undo").await;
    let back = f.auth.email().undo_change(&undo, &client()).await.unwrap();
    assert_eq!(back.as_str(), "ada@example.test");
    assert!(f.me(&laptop).await.is_none());
    assert!(matches!(
        f.auth.email().undo_change(&undo, &client()).await,
        Err(EmailError::LinkInvalid)
    ));
}

#[tokio::test]
async fn a_reset_link_says_what_the_account_trusts_then_sets_the_password_once() {
    let f = fixture().await;
    let (laptop, _) = confirmed(&f, "ada").await;
    let address = EmailAddress::parse("ada@example.test").unwrap();
    f.auth.passwords().request_reset(&address).await.unwrap();
    let token = mailed(&f, "ada@", "/reset/confirm").await;
    let trusted = f
        .auth
        .passwords()
        .trusted_by_reset_link(&token)
        .await
        .unwrap();
    assert!(trusted.is_empty(), "{trusted:?}");

    let browser = f.browser();
    let new = NewPassword::parse(NEW_PW).unwrap();
    let signed_in = f
        .auth
        .passwords()
        .reset(&browser, &token, &new, &client())
        .await
        .unwrap();
    assert_eq!(signed_in.map(|user| user.username), Some("ada".into()));
    browser.save().await.unwrap();
    assert!(f.me(&browser).await.is_some());
    assert!(f.me(&laptop).await.is_none(), "every other device is out");
    assert!(f.logged_in("ada", PW).await.is_err());
    assert!(f.logged_in("ada", NEW_PW).await.is_ok());
    assert!(matches!(
        f.auth.passwords().trusted_by_reset_link(&token).await,
        Err(PasswordError::LinkInvalid)
    ));
    assert!(matches!(
        f.auth
            .passwords()
            .reset(&f.browser(), &token, &new, &client())
            .await,
        Err(PasswordError::LinkInvalid)
    ));
}

#[tokio::test]
async fn a_sign_in_link_signs_in_the_browser_that_follows_it_once() {
    let f = fixture().await;
    confirmed(&f, "ada").await;
    let address = EmailAddress::parse("ada@example.test").unwrap();
    f.auth.sign_in().request_link(&address).await.unwrap();
    let token = mailed(&f, "ada@", "/login/email/confirm").await;
    let phone = f.browser();
    let outcome = f
        .auth
        .sign_in()
        .with_link(&phone, &token, false, &client(), None)
        .await
        .unwrap();
    assert!(outcome.signed_in().is_some());
    phone.save().await.unwrap();
    assert!(f.me(&phone).await.is_some());
    // A link opens no sudo mode.
    let me = f.me(&phone).await.unwrap();
    assert!(matches!(f.auth.sudo(&me), Err(SudoError::ConfirmPassword)));
    assert!(matches!(
        f.auth
            .sign_in()
            .with_link(&f.browser(), &token, false, &client(), None)
            .await,
        Err(SignInError::LinkInvalid)
    ));
}
