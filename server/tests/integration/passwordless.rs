//! An account that signs in with passkeys alone: the password can go once
//! a passkey exists, and then the last passkey cannot.

use latchkey::clock::Clock;
use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::{current_username, location, unique_name, TestApp, PASSWORD};
use crate::passkeys::{passkey_sign_in, status, with_passkey, ORIGIN};
use crate::second_factor::call;
use software_passkey::Authenticator;

#[tokio::test]
async fn without_a_password_passkeys_sign_in_and_the_last_one_cannot_go() {
    let app = TestApp::start_at(ORIGIN, Clock::system()).await;
    let bare = unique_name("bare");
    app.register(&bare, PASSWORD).await;
    let refused = call(&app.client, &app, "remove_password", &[]).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "no passkey yet");
    app.log_out().await;

    let mut device = Authenticator::new(ORIGIN);
    let name = with_passkey(&app, &mut device).await;
    let removed = call(&app.client, &app, "remove_password", &[]).await;
    assert_eq!(removed.status(), StatusCode::OK);
    assert_eq!(status(&app.client, &app).await["has_password"], false);
    let asks: Value = call(&app.client, &app, "sudo_asks", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(asks["password"], false);
    // The old password, or none, is a wrong password like any other.
    let browser = app.stranger_with_cookies();
    for password in [PASSWORD, ""] {
        let form = [("username", name.as_str()), ("password", password)];
        let status = call(&browser, &app, "login", &form).await.status();
        assert!(status.is_client_error(), "{status}");
    }
    assert_eq!(current_username(&browser, &app.base, None).await, None);
    assert_eq!(passkey_sign_in(&app, &browser, &mut device).await, 200);

    // The last passkey is the last way in: it stays.
    let id = status(&app.client, &app).await["passkeys"][0]["id"].to_string();
    let remove = [("id", id.as_str())];
    let refused = call(&app.client, &app, "remove_passkey", &remove).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        status(&app.client, &app).await["passkeys"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // A password set again (in sudo mode, with no current one) lets it go.
    let form = [
        ("current_password", ""),
        ("new_password", "a brand new passphrase here"),
    ];
    let set = call(&app.client, &app, "change_password", &form).await;
    assert_eq!(set.status(), StatusCode::OK);
    assert_eq!(
        call(&app.client, &app, "remove_passkey", &remove)
            .await
            .status(),
        StatusCode::OK
    );
    let form = [
        ("username", name.as_str()),
        ("password", "a brand new passphrase here"),
    ];
    let signed_in = call(&app.stranger_with_cookies(), &app, "login", &form).await;
    assert_eq!(location(&signed_in).as_deref(), Some("/"));
}
