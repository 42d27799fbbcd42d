//! Notices mailed to a confirmed address, through a real SMTP server:
//! password changed (by the owner or by a reset link), a device the account
//! has not used before (only when asked for), and a copied "Remember me"
//! cookie. Each is queued with the change it reports.

use std::time::Duration;

use reqwest::StatusCode;

use crate::harness::PASSWORD;
use crate::harness::{clock_at, secs};
use crate::remember_me::{present, remember_pair};
use crate::smtp::{confirmed_user, header, mailed_token, SmtpServer};

const NEW: &str = "a fresh passphrase nobody knows";

fn subjects(smtp: &SmtpServer, to: &str) -> Vec<String> {
    let mut subjects: Vec<String> = smtp
        .to(to)
        .iter()
        .filter_map(|m| header(m, "Subject"))
        .collect();
    subjects.sort();
    subjects
}

/// Waits for `count` mails, then a little longer to see that no more come.
async fn settle(smtp: &SmtpServer, count: usize) {
    smtp.wait_for(count).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(smtp.received().len(), count, "no more than {count} mails");
}

#[tokio::test]
async fn changing_or_resetting_the_password_mails_the_owner() {
    let smtp = SmtpServer::start();
    let (app, _, address) = confirmed_user(&smtp, None).await;
    let changed = app
        .post(
            "change_password",
            &[("current_password", PASSWORD), ("new_password", NEW)],
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    settle(&smtp, 2).await;
    assert!(subjects(&smtp, &address).contains(&"Your password was changed".to_string()));

    app.stranger()
        .post(app.url("/api/request_password_reset"))
        .form(&[("email", address.as_str())])
        .send()
        .await
        .unwrap();
    let token = mailed_token(&smtp, 3, &address, "/reset/confirm?token=").await;
    let reset = app
        .stranger_with_cookies()
        .post(app.url("/api/reset_password"))
        .form(&[("token", token.as_str()), ("new_password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), StatusCode::OK);
    settle(&smtp, 4).await;
    let notices = subjects(&smtp, &address)
        .into_iter()
        .filter(|s| s == "Your password was changed")
        .count();
    assert_eq!(notices, 2);
}

#[tokio::test]
async fn a_new_device_is_mailed_about_only_when_asked_and_only_once_per_browser() {
    let smtp = SmtpServer::start();
    let (app, name, address) = confirmed_user(&smtp, None).await;
    // Off by default.
    let laptop = app.stranger_with_cookies();
    let log_in = |client: reqwest::Client| {
        let url = app.url("/api/login");
        let name = name.clone();
        async move {
            let form = [("username", name.as_str()), ("password", PASSWORD)];
            client.post(url).form(&form).send().await.unwrap().status()
        }
    };
    assert_eq!(log_in(laptop.clone()).await, StatusCode::OK);
    settle(&smtp, 1).await;

    let on = app.post("set_new_device_notices", &[("on", "on")]).await;
    assert_eq!(on.status(), StatusCode::OK);
    let phone = app.stranger_with_cookies();
    let phone_ua = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    let answer = phone
        .post(app.url("/api/login"))
        .header("user-agent", phone_ua)
        .form(&[("username", name.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    settle(&smtp, 2).await;
    let mail = smtp
        .to(&address)
        .into_iter()
        .find(|m| header(m, "Subject").as_deref() == Some("A new device signed in to your account"))
        .expect("a new-device notice");
    assert!(
        crate::smtp::body(&mail).contains("Firefox 133 on Linux"),
        "{mail}"
    );

    // The laptop signed in before, and keeps its known-browser cookie.
    assert_eq!(log_in(laptop).await, StatusCode::OK);
    // The phone again: known now.
    assert_eq!(log_in(phone).await, StatusCode::OK);
    settle(&smtp, 2).await;

    let off = app.post("set_new_device_notices", &[]).await;
    assert_eq!(off.status(), StatusCode::OK);
    assert_eq!(log_in(app.stranger_with_cookies()).await, StatusCode::OK);
    settle(&smtp, 2).await;
}

#[tokio::test]
async fn a_copied_remember_me_cookie_is_mailed_about() {
    let smtp = SmtpServer::start();
    let clock = clock_at(1_800_000_000);
    let (app, name, address) = confirmed_user(&smtp, Some(clock.clone())).await;
    app.log_out().await;
    let stolen = remember_pair(&app.log_in_remembered(&name).await).expect("a cookie");
    present(&app, &stolen).await;
    clock.advance(secs(5 * 60));
    let (user, _) = present(&app, &stolen).await;
    assert_eq!(user, None);
    settle(&smtp, 2).await;
    assert!(subjects(&smtp, &address).contains(&"A copied sign-in cookie was used".to_string()));
}
