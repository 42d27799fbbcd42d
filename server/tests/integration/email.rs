//! Email identity end to end, through a real SMTP server: the address given
//! at registration, its single-use link, a taken address that nobody can
//! tell is taken, and asking for the link again.

use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::{clock_at, secs};
use crate::harness::{unique_name, TestApp, PASSWORD};
use crate::smtp::{body, header, verify_token, SmtpServer};

async fn app_with_mail(smtp: &SmtpServer) -> TestApp {
    TestApp::start_with(&[("LATCHKEY_SMTP_URL", &smtp.url())]).await
}

async fn email_status(client: &reqwest::Client, app: &TestApp) -> Value {
    let me: Value = client
        .post(app.url("/api/current_user"))
        .header("origin", &app.origin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    me["email"].clone()
}

async fn verify(app: &TestApp, token: &str) -> StatusCode {
    app.stranger()
        .post(app.url("/api/verify_email"))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn registering_mails_a_link_that_confirms_the_address_once() {
    let smtp = SmtpServer::start();
    let app = app_with_mail(&smtp).await;
    let name = unique_name("mail");
    let address = format!("{name}@example.test");
    assert_eq!(app.register(&name, PASSWORD).await.status(), StatusCode::OK);
    assert_eq!(email_status(&app.client, &app).await, "Unverified");

    let mail = smtp.wait_for(1).await.remove(0);
    assert_eq!(header(&mail, "To").as_deref(), Some(address.as_str()));
    assert_eq!(
        header(&mail, "Subject").as_deref(),
        Some("Confirm your email address")
    );
    let token = verify_token(&mail).expect("a link in the mail");
    assert_eq!(token.len(), 64, "256 random bits");
    assert!(!body(&mail).contains(PASSWORD), "no secret but the link");

    // A forged or altered token does nothing; the real one works once.
    let mut forged = token.clone();
    forged.replace_range(..1, if token.starts_with('0') { "1" } else { "0" });
    assert_eq!(verify(&app, &forged).await, StatusCode::NOT_FOUND);
    assert_eq!(verify(&app, "").await, StatusCode::NOT_FOUND);
    assert_eq!(verify(&app, &token).await, StatusCode::OK);
    assert_eq!(email_status(&app.client, &app).await, "Verified");
    assert_eq!(
        verify(&app, &token).await,
        StatusCode::NOT_FOUND,
        "single use"
    );
    // Only a 32-byte hash was ever stored, never the token.
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("SELECT token_hash FROM latchkey_email_tokens")
        .fetch_all(&app.database().await)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].len(), 32);
    assert!(!String::from_utf8_lossy(&stored[0]).contains(&token[..16]));
}

#[tokio::test]
async fn one_link_sent_twenty_times_at_once_confirms_once() {
    let smtp = SmtpServer::start();
    let app = app_with_mail(&smtp).await;
    app.register(&unique_name("race"), PASSWORD).await;
    let token = verify_token(&smtp.wait_for(1).await[0]).unwrap();
    let mut attempts = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (client, url, token) = (app.stranger(), app.url("/api/verify_email"), token.clone());
        attempts.spawn(async move {
            let form = [("token", token)];
            client.post(url).form(&form).send().await.unwrap().status()
        });
    }
    let statuses = attempts.join_all().await;
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(ok, 1, "{statuses:?}");
    assert!(statuses
        .iter()
        .all(|s| *s == StatusCode::OK || *s == StatusCode::NOT_FOUND));
}

#[tokio::test]
async fn a_link_older_than_a_day_is_refused() {
    let smtp = SmtpServer::start();
    let clock = clock_at(1_800_000_000);
    let app = TestApp::start_with_clock(&[("LATCHKEY_SMTP_URL", &smtp.url())], clock.clone()).await;
    app.register(&unique_name("old"), PASSWORD).await;
    let token = verify_token(&smtp.wait_for(1).await[0]).unwrap();
    clock.advance(secs(24 * 60 * 60));
    assert_eq!(verify(&app, &token).await, StatusCode::NOT_FOUND);
}

/// Registering with an address another account has verified looks exactly
/// like registering with a new one; the address's owner is told, and the new
/// account never gets a link for it.
#[tokio::test]
async fn a_taken_address_answers_the_same_and_only_its_owner_hears_of_it() {
    let smtp = SmtpServer::start();
    let app = app_with_mail(&smtp).await;
    let owner = unique_name("owner");
    let address = format!("{owner}@example.test");
    app.register(&owner, PASSWORD).await;
    let token = verify_token(&smtp.wait_for(1).await[0]).unwrap();
    assert_eq!(verify(&app, &token).await, StatusCode::OK);

    let register = |name: String, email: String| {
        let client = app.stranger_with_cookies();
        let url = app.url("/api/register");
        async move {
            let response = client
                .post(url)
                .form(&[
                    ("username", name.as_str()),
                    ("email", &email),
                    ("password", PASSWORD),
                ])
                .send()
                .await
                .unwrap();
            let status = response.status();
            let location = response.headers().get("location").cloned();
            (client, status, location)
        }
    };
    let fresh = unique_name("fresh");
    let (fresh_client, fresh_status, _) =
        register(fresh.clone(), format!("{fresh}@example.test")).await;
    let intruder = unique_name("intruder");
    let (intruder_client, taken_status, taken_location) =
        register(intruder.clone(), address.to_uppercase()).await;
    assert_eq!(
        (fresh_status, taken_status),
        (StatusCode::OK, StatusCode::OK)
    );
    assert_eq!(
        taken_location.unwrap().to_str().unwrap(),
        format!("/users/{intruder}")
    );
    assert_eq!(email_status(&fresh_client, &app).await, "Unverified");
    assert_eq!(email_status(&intruder_client, &app).await, "Unverified");

    // Owner: the confirmation, then the notice. Fresh: its link. Nothing
    // went to the intruder's typing of the address but the notice.
    let mails = smtp.wait_for(3).await;
    let to_owner = smtp.to(&address);
    assert_eq!(to_owner.len(), 2, "{mails:?}");
    let notice = to_owner
        .iter()
        .find(|m| header(m, "Subject").unwrap().starts_with("Someone tried"))
        .expect("a notice to the owner");
    assert!(
        verify_token(notice).is_none(),
        "a notice carries no link to use"
    );
    assert!(smtp.to(&address.to_uppercase()).is_empty());
    assert_eq!(smtp.to(&format!("{fresh}@example.test")).len(), 1);

    // Asking again changes nothing for the intruder: still only notices.
    let again = intruder_client
        .post(app.url("/api/resend_verification"))
        .header("origin", &app.origin)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    let mails = smtp.wait_for(4).await;
    assert!(
        mails.iter().filter_map(|m| verify_token(m)).count() == 2,
        "no link for the intruder"
    );
}

#[tokio::test]
async fn the_link_can_be_sent_again_three_times_an_hour_not_more() {
    let smtp = SmtpServer::start();
    let app = app_with_mail(&smtp).await;
    app.register(&unique_name("again"), PASSWORD).await;
    for expected in [
        StatusCode::OK,
        StatusCode::OK,
        StatusCode::TOO_MANY_REQUESTS,
    ] {
        let response = app.post("resend_verification", &[]).await;
        assert_eq!(response.status(), expected);
    }
    let mails = smtp.wait_for(3).await;
    let tokens: Vec<String> = mails.iter().filter_map(|m| verify_token(m)).collect();
    assert_eq!(tokens.len(), 3);
    // Each link is its own; any of them confirms the address.
    assert_eq!(verify(&app, &tokens[1]).await, StatusCode::OK);
    assert_eq!(
        app.post("resend_verification", &[]).await.status(),
        StatusCode::BAD_REQUEST,
        "already confirmed"
    );
}

/// The hourly limit holds when the requests come all at once.
#[tokio::test]
async fn ten_resends_at_once_send_no_more_than_the_hourly_three() {
    let smtp = SmtpServer::start();
    let app = app_with_mail(&smtp).await;
    app.register(&unique_name("burst"), PASSWORD).await;
    let mut sends = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let (client, url, origin) = (
            app.client.clone(),
            app.url("/api/resend_verification"),
            app.origin.clone(),
        );
        sends.spawn(async move {
            let response = client.post(url).header("origin", origin).send().await;
            response.unwrap().status()
        });
    }
    let statuses = sends.join_all().await;
    let sent = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(
        sent, 2,
        "the registration's link and two more: {statuses:?}"
    );
    smtp.wait_for(3).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(smtp.received().len(), 3);
}

/// `LATCHKEY_VERIFIED_EMAIL_FOR=profile`: an account publishes nothing on
/// its profile until its address is confirmed (off by default).
#[tokio::test]
async fn where_configured_an_unconfirmed_account_cannot_edit_its_profile() {
    let smtp = SmtpServer::start();
    let app = TestApp::start_with(&[
        ("LATCHKEY_SMTP_URL", &smtp.url()),
        ("LATCHKEY_VERIFIED_EMAIL_FOR", "reset,email-sign-in,profile"),
    ])
    .await;
    let name = unique_name("publisher");
    app.register(&name, PASSWORD).await;
    let edit = |display: &'static str| {
        let name = name.clone();
        let app = &app;
        async move {
            let form = [
                ("username", name.as_str()),
                ("display_name", display),
                ("bio", "buy now"),
                ("location", ""),
            ];
            app.post("update_profile", &form).await
        }
    };
    let refused = edit("Spam").await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("Confirm your email address first"));
    let token = verify_token(&smtp.wait_for(1).await[0]).unwrap();
    assert_eq!(verify(&app, &token).await, StatusCode::OK);
    assert_eq!(edit("Real").await.status(), StatusCode::OK);
    // The default leaves the profile open: `profiles::*` edit the profiles
    // of accounts that never confirm their address.
}
