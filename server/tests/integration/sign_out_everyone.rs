//! `server admin sign-out-everyone` (ASVS 5.0 7.4.5, "for all users"): every
//! account is signed out of every device at once, remembered ones included,
//! and can sign in again.

use crate::admin::{admin_command, registered};
use crate::harness::{current_username, unique_name, TestApp, PASSWORD};
use crate::second_factor::call;

#[tokio::test]
async fn the_command_line_signs_every_account_out_of_every_device() {
    let app = TestApp::start().await;
    let (one, two) = (unique_name("one"), unique_name("two"));
    let first = registered(&app, &one).await;
    registered(&app, &two).await;
    // A second, remembered browser of the second account.
    let remembered = app.stranger_with_cookies();
    let form = [
        ("username", two.as_str()),
        ("password", PASSWORD),
        ("remember", "on"),
    ];
    call(&remembered, &app, "login", &form).await;
    assert_eq!(
        current_username(&remembered, &app.base, None)
            .await
            .as_deref(),
        Some(two.as_str())
    );
    let devices = "SELECT COUNT(*) FROM latchkey_devices";
    assert_eq!(app.count(devices, None).await, 3);

    let (said, ok) = admin_command(&app, &["sign-out-everyone"]);
    assert!(ok, "{said}");
    assert_eq!(said, "signed out 3 devices of every account");
    assert_eq!(app.count(devices, None).await, 0);
    assert_eq!(current_username(&first, &app.base, None).await, None);
    // Its remember-me cookie went with its device.
    assert_eq!(current_username(&remembered, &app.base, None).await, None);
    let again = call(
        &first,
        &app,
        "login",
        &[("username", &one), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(again.status(), reqwest::StatusCode::OK);
    assert_eq!(
        current_username(&first, &app.base, None).await.as_deref(),
        Some(one.as_str())
    );
}
