//! A lock racing sign-ins: the sign-in reads the lock holding the user's row,
//! so once both are done a locked account has no session (ASVS 5.0 7.4.2).

use reqwest::StatusCode;

use crate::admin::{act, registered, registered_admin, user_id};
use crate::harness::{unique_name, TestApp, PASSWORD};

/// A lock and five sign-ins at once (as many as the account's throttle lets
/// through together), thirty times, the lock landing at a different moment
/// each round: once all are done the account is locked and
/// has no device (so no session) left. On PostgreSQL a sign-in that read
/// "unlocked" just before the lock committed used to keep the device it made.
#[tokio::test]
async fn a_lock_racing_sign_ins_leaves_no_session() {
    let app = TestApp::start().await;
    let admin_name = unique_name("admin");
    let admin = registered_admin(&app, &admin_name).await;
    let name = unique_name("racer");
    registered(&app, &name).await;
    let id = user_id(&admin, &app, &name).await;
    let user = app.user_id(&name).await;
    for round in 0..30u64 {
        let mut sign_ins = tokio::task::JoinSet::new();
        for _ in 0..5 {
            let (browser, url, name) = (
                app.stranger_with_cookies(),
                app.url("/api/login"),
                name.clone(),
            );
            sign_ins.spawn(async move {
                let form = [("username", name.as_str()), ("password", PASSWORD)];
                browser.post(url).form(&form).send().await.unwrap().status()
            });
        }
        tokio::time::sleep(std::time::Duration::from_millis(7 * (round % 12))).await;
        assert_eq!(
            act(&admin, &app, &id, "lock", "Racing").await,
            StatusCode::OK
        );
        let statuses = sign_ins.join_all().await;
        assert!(
            statuses
                .iter()
                .all(|s| *s == StatusCode::OK || *s == StatusCode::FORBIDDEN),
            "{statuses:?}"
        );
        let devices = app
            .count(
                "SELECT COUNT(*) FROM latchkey_devices WHERE user_id = $1",
                Some(user),
            )
            .await;
        assert_eq!(
            devices, 0,
            "round {round}: a device outlived the lock ({statuses:?})"
        );
        assert_eq!(act(&admin, &app, &id, "unlock", "").await, StatusCode::OK);
    }
}
