//! Changing the account's address end to end, through a real SMTP server:
//! the change waits for the new address's link; the old address is told and
//! can take the account back for 7 days; a taken address answers the same.

use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::harness::{clock_at, secs};
use crate::harness::{current_username, location, unique_name, TestApp, PASSWORD};
use crate::smtp::{confirmed_user, header, link_token, mailed_token, verify_token, SmtpServer};

const CONFIRM: &str = "/settings/email/confirm?token=";
const UNDO: &str = "/settings/email/undo?token=";

async fn settings(client: &Client, app: &TestApp) -> Value {
    client
        .post(app.url("/api/email_settings"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn use_link(app: &TestApp, function: &str, token: &str) -> reqwest::Response {
    app.stranger_with_cookies()
        .post(app.url(&format!("/api/{function}")))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_address_changes_when_the_new_one_confirms_and_the_old_one_can_take_it_back() {
    let smtp = SmtpServer::start();
    let (app, name, old) = confirmed_user(&smtp, None).await;
    let new = format!("{}@example.test", unique_name("moved"));
    let laptop = app.second_browser(&name, "Laptop").await;

    let asked = app.post("change_email", &[("email", &new)]).await;
    assert_eq!(asked.status(), StatusCode::OK);
    let token = mailed_token(&smtp, 3, &new, CONFIRM).await;
    // Nothing changes until the new address confirms; the current one is
    // told at once that a move was asked for.
    assert_eq!(settings(&app.client, &app).await["email"], old.as_str());
    let to_old = smtp.to(&old);
    assert_eq!(to_old.len(), 2, "the first confirmation, and the notice");
    let asked = to_old
        .iter()
        .find(|m| {
            header(m, "Subject").as_deref()
                == Some("Someone asked to move your account to another email address")
        })
        .expect("the notice of the request");
    assert!(crate::smtp::body(asked).contains(&new));
    assert!(link_token(asked, CONFIRM).is_none(), "no link to confirm");

    assert_eq!(
        use_link(&app, "confirm_email_change", &token)
            .await
            .status(),
        StatusCode::OK
    );
    let now = settings(&app.client, &app).await;
    assert_eq!(
        (now["email"].as_str(), now["status"].as_str()),
        (Some(new.as_str()), Some("Verified"))
    );
    assert_eq!(
        use_link(&app, "confirm_email_change", &token)
            .await
            .status(),
        StatusCode::NOT_FOUND,
        "once"
    );
    let undo = mailed_token(&smtp, 4, &old, UNDO).await;
    let notice = smtp
        .to(&old)
        .into_iter()
        .find(|m| link_token(m, UNDO).is_some())
        .unwrap();
    assert_eq!(
        header(&notice, "Subject").as_deref(),
        Some("Your email address was changed")
    );
    assert!(crate::smtp::body(&notice).contains(&new));

    // Whoever changed it asks for a sign-in link at the new address...
    app.stranger()
        .post(app.url("/api/request_sign_in_link"))
        .form(&[("email", new.as_str())])
        .send()
        .await
        .unwrap();
    let sign_in = mailed_token(&smtp, 5, &new, "/login/email/confirm?token=").await;
    // ...and to move the account on again, still signed in.
    let third = format!("{}@example.test", unique_name("third"));
    app.post("change_email", &[("email", &third)]).await;
    let move_on = mailed_token(&smtp, 7, &third, CONFIRM).await;

    // ...and the owner takes the address back from the old one.
    let undone = use_link(&app, "undo_email_change", &undo).await;
    assert_eq!(undone.status(), StatusCode::OK);
    assert_eq!(location(&undone).as_deref(), Some("/reset"));
    assert_eq!(
        app.current_username().await,
        None,
        "every device is signed out"
    );
    assert_eq!(current_username(&laptop, &app.base, None).await, None);
    assert_eq!(
        use_link(&app, "sign_in_with_link", &sign_in).await.status(),
        StatusCode::NOT_FOUND,
        "links the account was sent before stop working"
    );
    assert_eq!(
        use_link(&app, "confirm_email_change", &move_on)
            .await
            .status(),
        StatusCode::NOT_FOUND,
        "nor does a change asked for before"
    );
    assert_eq!(
        use_link(&app, "undo_email_change", &undo).await.status(),
        StatusCode::NOT_FOUND
    );
    app.log_in(&name, PASSWORD).await;
    let back = settings(&app.client, &app).await;
    assert_eq!(
        (back["email"].as_str(), back["status"].as_str()),
        (Some(old.as_str()), Some("Verified"))
    );
    let activity = app.post("activity", &[]).await.text().await.unwrap();
    assert!(
        activity.contains("EmailChanged") && activity.contains("EmailChangeUndone"),
        "{activity}"
    );
}

#[tokio::test]
async fn the_undo_link_lasts_seven_days() {
    let smtp = SmtpServer::start();
    let clock = clock_at(1_800_000_000);
    let (app, name, old) = confirmed_user(&smtp, Some(clock.clone())).await;
    let new = format!("{}@example.test", unique_name("later"));
    app.post("change_email", &[("email", &new)]).await;
    let token = mailed_token(&smtp, 3, &new, CONFIRM).await;
    use_link(&app, "confirm_email_change", &token).await;
    let undo = mailed_token(&smtp, 4, &old, UNDO).await;
    clock.advance(secs(7 * 24 * 60 * 60));
    assert_eq!(
        use_link(&app, "undo_email_change", &undo).await.status(),
        StatusCode::NOT_FOUND
    );
    app.log_in(&name, PASSWORD).await;
    assert_eq!(settings(&app.client, &app).await["email"], new.as_str());
}

/// A signed-in visitor cannot learn that an address is another account's:
/// the answer is the same, its owner is told, and no link goes out.
#[tokio::test]
async fn a_taken_address_answers_the_same_and_its_owner_is_told() {
    let smtp = SmtpServer::start();
    let (app, _, taken) = confirmed_user(&smtp, None).await;
    let name = unique_name("grabby");
    let grabby = app.stranger_with_cookies();
    let registered = grabby
        .post(app.url("/api/register"))
        .form(&[
            ("username", name.as_str()),
            ("email", &format!("{name}@example.test")),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), StatusCode::OK);
    smtp.wait_for(2).await;

    let ask = |email: String| {
        let (client, url) = (grabby.clone(), app.url("/api/change_email"));
        async move {
            let response = client
                .post(url)
                .form(&[("email", email)])
                .send()
                .await
                .unwrap();
            let status = response.status();
            let body = response.text().await.unwrap();
            (status, body)
        }
    };
    let free = ask(format!("{}@example.test", unique_name("free"))).await;
    let stolen = ask(taken.to_uppercase()).await;
    assert_eq!(free.0, StatusCode::OK);
    assert_eq!(stolen.0, free.0);
    smtp.wait_for(4).await;
    let to_owner = smtp.to(&taken);
    assert_eq!(to_owner.len(), 2, "the confirmation and a notice");
    assert!(to_owner.iter().all(|m| link_token(m, CONFIRM).is_none()));
    assert!(smtp.to(&taken.to_uppercase()).is_empty());
}

#[tokio::test]
async fn changing_the_address_needs_sudo_mode_and_a_different_valid_address() {
    let smtp = SmtpServer::start();
    let (app, _, address) = confirmed_user(&smtp, None).await;
    let same = app
        .post("change_email", &[("email", &address.to_uppercase())])
        .await;
    assert_eq!(same.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bad = app
        .post("change_email", &[("email", "not an address")])
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Signed in by a mailed link: no password given, so no sudo mode.
    app.stranger()
        .post(app.url("/api/request_sign_in_link"))
        .form(&[("email", address.as_str())])
        .send()
        .await
        .unwrap();
    let token = mailed_token(&smtp, 2, &address, "/login/email/confirm?token=").await;
    let browser = app.stranger_with_cookies();
    let signed_in = browser
        .post(app.url("/api/sign_in_with_link"))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::OK);
    let refused = browser
        .post(app.url("/api/change_email"))
        .form(&[("email", "elsewhere@example.test")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(refused.text().await.unwrap().contains("ConfirmPassword"));
}

/// An account made before addresses were asked for gives one the same way;
/// there is no old address to tell.
#[tokio::test]
async fn an_account_without_an_address_can_give_one() {
    let smtp = SmtpServer::start();
    let app = TestApp::start_with(&[("LATCHKEY_SMTP_URL", &smtp.url())]).await;
    let name = unique_name("early");
    app.register(&name, PASSWORD).await;
    assert!(verify_token(&smtp.wait_for(1).await[0]).is_some());
    sqlx::query("UPDATE latchkey_users SET email = NULL, email_key = NULL")
        .execute(&app.database().await)
        .await
        .unwrap();
    assert_eq!(settings(&app.client, &app).await["status"], "Missing");
    let address = format!("{name}@example.test");
    let asked = app.post("change_email", &[("email", &address)]).await;
    assert_eq!(asked.status(), StatusCode::OK);
    smtp.wait_for(2).await;
    let confirm = smtp
        .to(&address)
        .iter()
        .find_map(|m| link_token(m, CONFIRM))
        .expect("a confirmation link");
    assert_eq!(
        use_link(&app, "confirm_email_change", &confirm)
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(settings(&app.client, &app).await["status"], "Verified");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        smtp.received().len(),
        2,
        "no undo notice: there was no old address"
    );
}

/// The hourly limit holds when the requests come at once.
#[tokio::test]
async fn twenty_changes_asked_at_once_mail_three_links() {
    let smtp = SmtpServer::start();
    let (app, _, _) = confirmed_user(&smtp, None).await;
    let mut asks = tokio::task::JoinSet::new();
    for n in 0..20 {
        let (client, url) = (app.client.clone(), app.url("/api/change_email"));
        asks.spawn(async move {
            let form = [("email", format!("new-{n}@example.test"))];
            client.post(url).form(&form).send().await.unwrap().status()
        });
    }
    let statuses = asks.join_all().await;
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let throttled = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((ok, throttled), (3, 17), "{statuses:?}");
    // The confirmation, then a link and a notice to the current address
    // for each change allowed.
    smtp.wait_for(1 + 3 * 2).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(smtp.received().len(), 1 + 3 * 2);
}
