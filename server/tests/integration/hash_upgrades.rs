//! Stored hashes follow the configuration: raise the argon2 cost or add a
//! pepper, restart, and each user's hash is redone at their next log-in.

use reqwest::StatusCode;

use crate::harness::{fresh_database, unique_name, TestApp, PASSWORD};

const PEPPER: &str = "an operator's secret of at least thirty-two bytes";

async fn stored_hash(app: &TestApp, name: &str) -> String {
    let pool = app.database().await;
    let hash = sqlx::query_scalar("SELECT password_hash FROM latchkey_users WHERE username = $1")
        .bind(name)
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    hash
}

#[tokio::test]
async fn raising_the_cost_and_adding_a_pepper_upgrade_hashes_at_the_next_log_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_database(dir.path()).await;
    let name = unique_name("upgrade");
    let before = {
        let app = TestApp::start_with(&[("DATABASE_URL", &db)]).await;
        app.register(&name, PASSWORD).await;
        stored_hash(&app, &name).await
    };
    assert!(
        before.starts_with("$argon2id$v=19$m=19456,t=2,p=1,data=bmZrYw$"),
        "{before}"
    );

    let stronger = [
        ("DATABASE_URL", db.as_str()),
        ("LATCHKEY_HASH_MEMORY_KIB", "24576"),
        ("LATCHKEY_HASH_ITERATIONS", "3"),
        ("LATCHKEY_PASSWORD_PEPPER", PEPPER),
    ];
    {
        let app = TestApp::start_with(&stronger).await;
        assert_eq!(app.log_in(&name, PASSWORD).await.status(), StatusCode::OK);
        let after = stored_hash(&app, &name).await;
        assert!(
            after.starts_with("$argon2id$v=19$m=24576,t=3,p=1,keyid="),
            "upgraded and peppered: {after}"
        );
        assert!(!after.contains(PEPPER));
    }
    // The upgraded hash keeps working, and a wrong password still fails.
    let app = TestApp::start_with(&stronger).await;
    assert_eq!(
        app.log_in(&name, "not the password at all").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.log_in(&name, PASSWORD).await.status(), StatusCode::OK);
}

const COMPOSED: &str = "Cr\u{e8}me br\u{fb}l\u{e9}e au caramel sal\u{e9}";
const DECOMPOSED: &str = "Cre\u{300}me bru\u{302}le\u{301}e au caramel sale\u{301}";

#[tokio::test]
async fn a_password_typed_in_another_unicode_form_signs_in() {
    let app = TestApp::start().await;
    let name = unique_name("creme");
    assert_eq!(app.register(&name, COMPOSED).await.status(), StatusCode::OK);
    app.log_out().await;
    assert_eq!(app.log_in(&name, DECOMPOSED).await.status(), StatusCode::OK);
    app.log_out().await;
    let other = unique_name("creme");
    assert_eq!(
        app.register(&other, DECOMPOSED).await.status(),
        StatusCode::OK
    );
    app.log_out().await;
    assert_eq!(app.log_in(&other, COMPOSED).await.status(), StatusCode::OK);
    app.log_out().await;
    assert_eq!(
        app.log_in(&other, "Creme brulee au caramel sale")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

/// The hash an earlier Latchkey stored: of the password as typed, unmarked.
fn hash_as_typed(password: &str) -> String {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let salt = SaltString::encode_b64(b"sixteen byte salt").unwrap();
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn hashes_from_before_normalisation_sign_in_either_form_and_are_redone() {
    let app = TestApp::start().await;
    let (typed, composed) = (unique_name("legacy"), unique_name("legacy"));
    app.register(&typed, PASSWORD).await;
    app.log_out().await;
    app.register(&composed, PASSWORD).await;
    app.log_out().await;
    let pool = app.database().await;
    for (name, password) in [(&typed, DECOMPOSED), (&composed, COMPOSED)] {
        sqlx::query("UPDATE latchkey_users SET password_hash = $1 WHERE username = $2")
            .bind(hash_as_typed(password))
            .bind(name)
            .execute(&pool)
            .await
            .unwrap();
    }
    pool.close().await;
    // Registered decomposed, before: typed the same way, it still works.
    assert_eq!(
        app.log_in(&typed, DECOMPOSED).await.status(),
        StatusCode::OK
    );
    app.log_out().await;
    // Registered composed, before: typed decomposed, it now works.
    assert_eq!(
        app.log_in(&composed, DECOMPOSED).await.status(),
        StatusCode::OK
    );
    app.log_out().await;
    for name in [&typed, &composed] {
        let hash = stored_hash(&app, name).await;
        assert!(hash.contains(",data=bmZrYw$"), "redone, normalised: {hash}");
        // And the redone hash takes both forms.
        for form in [COMPOSED, DECOMPOSED] {
            assert_eq!(app.log_in(name, form).await.status(), StatusCode::OK);
            app.log_out().await;
        }
    }
}
