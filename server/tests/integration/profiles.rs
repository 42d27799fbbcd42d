use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::{location, unique_name, TestApp, PASSWORD};

fn edit<'a>(username: &'a str, display_name: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("username", username),
        ("display_name", display_name),
        ("bio", "Hello there"),
        ("location", "Lisbon"),
    ]
}

#[tokio::test]
async fn a_user_edits_their_own_profile_and_everyone_sees_it() {
    let app = TestApp::start().await;
    let name = unique_name("owner");
    app.register(&name, PASSWORD).await;
    let response = app.post("update_profile", &edit(&name, "Ada L.")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(location(&response), Some(format!("/users/{name}")));

    let public = app
        .stranger()
        .get(app.url(&format!("/users/{name}")))
        .send()
        .await
        .unwrap();
    let html = public.text().await.unwrap();
    assert!(html.contains("Ada L.") && html.contains("Hello there") && html.contains("Lisbon"));
    // The nav greets by the new display name at once.
    assert!(app
        .get("/")
        .await
        .text()
        .await
        .unwrap()
        .contains("Hello, Ada L."));
}

#[tokio::test]
async fn editing_another_users_profile_is_403_and_changes_nothing() {
    let app = TestApp::start().await;
    let victim = unique_name("victim");
    app.register(&victim, PASSWORD).await;
    app.post("update_profile", &edit(&victim, "The Real One"))
        .await;
    app.log_out().await;

    let attacker = unique_name("attacker");
    app.register(&attacker, PASSWORD).await;
    let response = app.post("update_profile", &edit(&victim, "pwned")).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({"Forbidden": "You can only edit your own profile."})
    );

    let profile: Value = app
        .post("profile", &[("username", &victim)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(profile["display_name"], "The Real One");
}

#[tokio::test]
async fn editing_a_profile_needs_a_session() {
    let app = TestApp::start().await;
    let response = app.post("update_profile", &edit("anyone", "x")).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.text().await.unwrap(), "\"NotLoggedIn\"");
}

#[tokio::test]
async fn invalid_profile_fields_are_reported_and_nothing_is_saved() {
    let app = TestApp::start().await;
    let name = unique_name("typo");
    app.register(&name, PASSWORD).await;
    let long = "n".repeat(51);
    let response = app
        .post(
            "update_profile",
            &[
                ("username", &name),
                ("display_name", &long),
                ("bio", ""),
                ("location", "a\u{0}b"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let profile: Value = app
        .post("profile", &[("username", &name)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(profile["display_name"], "");
}

#[tokio::test]
async fn profile_text_is_shown_as_text_never_as_html() {
    let app = TestApp::start().await;
    let name = unique_name("xss");
    app.register(&name, PASSWORD).await;
    app.post(
        "update_profile",
        &edit(&name, "</title><script>alert(1)</script>"),
    )
    .await;
    let html = app
        .get(&format!("/users/{name}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains("<script>alert(1)</script>"), "{html}");
    assert!(
        !html.contains("</title><script>"),
        "the page title must not end early"
    );
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
            || html.contains("&lt;script>alert(1)&lt;/script>")
    );
}

/// A display name shows in the nav and page titles: one that reverses the
/// text around it, or hides what it is, would let one user pass as another.
#[tokio::test]
async fn display_names_that_reorder_or_hide_text_are_refused_and_change_nothing() {
    let app = TestApp::start().await;
    let name = unique_name("mimic");
    app.register(&name, PASSWORD).await;
    app.post("update_profile", &edit(&name, "Ada")).await;
    for deceptive in ["\u{202E}nimda", "ad\u{200B}min", "\u{3164}"] {
        let response = app.post("update_profile", &edit(&name, deceptive)).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{deceptive:?}"
        );
        let body = response.text().await.unwrap();
        assert!(
            body.contains("DisplayName") && body.contains("text-direction"),
            "{body}"
        );
    }
    let profile: Value = app
        .post("profile", &[("username", &name)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(profile["display_name"], "Ada");
}

/// Field-level authorization (ASVS 5.0 8.2.3): a profile edit that also
/// names the account's other fields changes only the profile, and the
/// public profile shows no field but the profile's.
#[tokio::test]
async fn a_profile_edit_cannot_reach_the_accounts_other_fields() {
    let app = TestApp::start().await;
    let name = unique_name("bopla");
    app.register(&name, PASSWORD).await;
    let mut form = edit(&name, "Mallory");
    form.extend([
        ("role", "admin"),
        ("email", "other@example.test"),
        ("email_verified_at", "1"),
        ("password_hash", "x"),
        ("id", "1"),
    ]);
    let answer = app.post("update_profile", &form).await;
    // Refused as malformed or the extra fields ignored: either way, nothing
    // but the profile may change.
    assert!(answer.status().is_success() || answer.status().is_client_error());
    let id = app.user_id(&name).await;
    let admins = "SELECT COUNT(*) FROM latchkey_users WHERE role = 'admin'";
    assert_eq!(app.count(admins, None).await, 0);
    let other = "SELECT COUNT(*) FROM latchkey_users WHERE email_key LIKE 'other@%' OR email_verified_at IS NOT NULL";
    assert_eq!(app.count(other, None).await, 0);
    assert_eq!(app.user_id(&name).await, id);
    // Still signs in with its own password.
    let again = app.second_browser(&name, "Another browser").await;
    drop(again);

    let public: Value = app
        .stranger()
        .post(app.url("/api/profile"))
        .form(&[("username", name.as_str())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut fields: Vec<&str> = public
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort();
    assert!(!public.to_string().contains("example.test"), "{public}");
    assert!(
        fields
            .iter()
            .all(|f| ["bio", "display_name", "joined_at", "location", "username"].contains(f)),
        "{fields:?}"
    );
}
