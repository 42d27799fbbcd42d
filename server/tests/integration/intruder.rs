//! Someone who phished the password, and the owner taking the account back.
//! Every recovery (a reset, a password change, a lock, a factor change, an
//! undo) voids the links the account was sent before, so a move to the
//! intruder's address asked for earlier cannot be confirmed afterwards; the
//! owner's way back (the undo link) survives what the intruder does; and an
//! undo removes the ways in the intruder added.

use latchkey::clock::Clock;
use reqwest::StatusCode;

use crate::harness::{unique_name, TestApp, PASSWORD};
use crate::second_factor::enrol;
use crate::smtp::{confirmed_user, mailed_token, SmtpServer};

const CONFIRM: &str = "/settings/email/confirm?token=";
const UNDO: &str = "/settings/email/undo?token=";
const RESET: &str = "/reset/confirm?token=";
const NEW_PASSWORD: &str = "an entirely new passphrase";

async fn use_link(app: &TestApp, function: &str, token: &str) -> StatusCode {
    app.stranger_with_cookies()
        .post(app.url(&format!("/api/{function}")))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
        .status()
}

/// The move's link does nothing, and `name`'s account still has `owners`.
async fn assert_move_void(app: &TestApp, move_link: &str, name: &str, owners: &str) {
    assert_eq!(
        use_link(app, "confirm_email_change", move_link).await,
        StatusCode::NOT_FOUND,
        "the move asked for before is void"
    );
    assert_eq!(address_of(app, name).await, owners);
}

/// The address of `name`'s account now.
async fn address_of(app: &TestApp, name: &str) -> String {
    let id = app.user_id(name).await;
    let pool = app.database().await;
    let email: String = sqlx::query_scalar("SELECT email FROM latchkey_users WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    email
}

/// The app's browser changes the password (from the one registered).
async fn change_password(app: &TestApp) {
    let form = [
        ("current_password", PASSWORD),
        ("new_password", NEW_PASSWORD),
    ];
    let changed = app.post("change_password", &form).await;
    assert_eq!(changed.status(), StatusCode::OK);
}

/// The intruder, signed in with the password (and so in sudo mode), asks to
/// move the account to their own address: the link mailed there. Mail 2 is
/// the owner's notice, mail 3 the link.
async fn move_asked_by_intruder(
    smtp: &SmtpServer,
    app: &TestApp,
    name: &str,
) -> (reqwest::Client, String, String) {
    let intruder = app.second_browser(name, "Intruder").await;
    let theirs = format!("{}@example.test", unique_name("intruder"));
    let asked = intruder
        .post(app.url("/api/change_email"))
        .form(&[("email", theirs.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::OK);
    let token = mailed_token(smtp, 3, &theirs, CONFIRM).await;
    (intruder, theirs, token)
}

#[tokio::test]
async fn a_reset_voids_a_move_the_intruder_asked_for_before() {
    let smtp = SmtpServer::start();
    let (app, name, owners) = confirmed_user(&smtp, None).await;
    let (_, _, move_link) = move_asked_by_intruder(&smtp, &app, &name).await;

    // The owner, told of the move, resets the password by mail.
    app.stranger()
        .post(app.url("/api/request_password_reset"))
        .form(&[("email", owners.as_str())])
        .send()
        .await
        .unwrap();
    let reset = mailed_token(&smtp, 4, &owners, RESET).await;
    let done = app
        .stranger_with_cookies()
        .post(app.url("/api/reset_password"))
        .form(&[("token", reset.as_str()), ("new_password", NEW_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::OK);

    assert_eq!(
        use_link(&app, "confirm_email_change", &move_link).await,
        StatusCode::NOT_FOUND,
        "the move asked for before the reset is void"
    );
    assert_eq!(address_of(&app, &name).await, owners);
}

#[tokio::test]
async fn a_password_change_voids_a_move_asked_for_before() {
    let smtp = SmtpServer::start();
    let (app, name, owners) = confirmed_user(&smtp, None).await;
    let (_, _, move_link) = move_asked_by_intruder(&smtp, &app, &name).await;
    change_password(&app).await;
    assert_move_void(&app, &move_link, &name, &owners).await;
}

#[tokio::test]
async fn setting_up_a_second_factor_voids_a_move_asked_for_before() {
    let smtp = SmtpServer::start();
    let (app, name, owners) = confirmed_user(&smtp, None).await;
    let (_, _, move_link) = move_asked_by_intruder(&smtp, &app, &name).await;
    enrol(&app, &Clock::system()).await;
    assert_move_void(&app, &move_link, &name, &owners).await;
}

/// The intruder moves the account, changes the password and sets up an
/// authenticator of their own. The owner's undo link still works, and the
/// undo takes the authenticator (and its recovery codes) away with it.
#[tokio::test]
async fn the_way_back_outlives_the_intruders_changes_and_removes_their_factors() {
    let smtp = SmtpServer::start();
    let (app, name, owners) = confirmed_user(&smtp, None).await;
    // Here the app's own browser is the intruder's: signed in with the
    // password, in sudo mode.
    let theirs = format!("{}@example.test", unique_name("intruder"));
    let asked = app.post("change_email", &[("email", &theirs)]).await;
    assert_eq!(asked.status(), StatusCode::OK);
    let move_link = mailed_token(&smtp, 3, &theirs, CONFIRM).await;
    assert_eq!(
        use_link(&app, "confirm_email_change", &move_link).await,
        StatusCode::OK
    );
    let undo = mailed_token(&smtp, 4, &owners, UNDO).await;
    change_password(&app).await;
    enrol(&app, &Clock::system()).await;
    let id = app.user_id(&name).await;
    let factors = "SELECT (SELECT COUNT(*) FROM latchkey_totp WHERE user_id = $1)
                        + (SELECT COUNT(*) FROM latchkey_recovery_codes WHERE user_id = $1)";
    assert_eq!(app.count(factors, Some(id)).await, 1 + 10);

    assert_eq!(
        use_link(&app, "undo_email_change", &undo).await,
        StatusCode::OK,
        "the owner's way back survives the intruder's password and factor changes"
    );
    assert_eq!(address_of(&app, &name).await, owners);
    assert_eq!(
        app.count(factors, Some(id)).await,
        0,
        "the authenticator and codes made since the move are gone"
    );
    assert_eq!(app.current_username().await, None, "the intruder is out");
}
