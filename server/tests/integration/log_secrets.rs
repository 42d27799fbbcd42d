//! The log, read as a thief of it would: a full flow at debug level (sign-in,
//! remember-me, a mailed link, an authenticator with its recovery codes, a
//! password change, deletion) leaves no password, hash, token, link, TOTP
//! secret or recovery code in it.

use latchkey::factors::TotpSecret;
use reqwest::StatusCode;

use crate::harness::open_database;
use crate::process::{runtime_and_database, server, set_cookie, Running, PASSWORD};

/// Every `token=` value in the outbox's mails.
async fn mailed_tokens(url: &str) -> Vec<String> {
    let db = open_database(url).await;
    let bodies: Vec<String> =
        sqlx::query_scalar("SELECT text_body FROM latchkey_outbox ORDER BY id")
            .fetch_all(&db)
            .await
            .unwrap();
    db.close().await;
    bodies
        .iter()
        .flat_map(|body| body.split("token=").skip(1))
        .map(|rest| rest.chars().take_while(char::is_ascii_hexdigit).collect())
        .collect()
}

#[test]
fn a_full_flow_at_debug_level_never_logs_a_secret() {
    let _turn = crate::harness::exclusive_turn();
    let dir = tempfile::tempdir().unwrap();
    let (runtime, url) = runtime_and_database(dir.path());
    let mut command = server(dir.path(), &url);
    command
        .env("RUST_LOG", "debug")
        .env("LATCHKEY_SECRET_KEY", "ab".repeat(32));
    let running = Running::start(command);
    let new_password = "a second secret passphrase";
    let guess = "somebody's wrong guess 1234";
    let secrets = runtime.block_on(async {
        let mut secrets = vec![
            PASSWORD.to_string(),
            new_password.to_string(),
            guess.to_string(),
        ];
        let browser = running.client();
        let form = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>()
        };
        let post = |client: &reqwest::Client, function: &str, pairs: Vec<(String, String)>| {
            client
                .post(running.url(&format!("/api/{function}")))
                .form(&pairs)
                .send()
        };
        let response = post(
            &browser,
            "register",
            form(&[
                ("username", "logged"),
                ("email", "logged@example.test"),
                ("password", PASSWORD),
            ]),
        )
        .await
        .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        secrets.extend(set_cookie(&response, "latchkey_session"));
        post(&browser, "logout", vec![]).await.unwrap();
        let response = post(
            &browser,
            "login",
            form(&[
                ("username", "logged"),
                ("password", PASSWORD),
                ("remember", "on"),
            ]),
        )
        .await
        .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        secrets.extend(set_cookie(&response, "latchkey_session"));
        let remember = set_cookie(&response, "latchkey_remember").expect("a remember cookie");
        secrets.extend(remember.split('.').map(str::to_string));

        // A fresh browser resumes from the remember cookie (the validator rotates).
        let fresh = running.client();
        let response = fresh
            .post(running.url("/api/current_user"))
            .header(
                reqwest::header::COOKIE,
                format!("latchkey_remember={remember}"),
            )
            .form(&[("", ""); 0])
            .send()
            .await
            .unwrap();
        assert!(response.text().await.unwrap().contains("logged"));

        let bad = post(
            &running.client(),
            "login",
            form(&[("username", "logged"), ("password", guess)]),
        )
        .await
        .unwrap();
        assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
        let response = post(
            &browser,
            "change_password",
            form(&[
                ("current_password", PASSWORD),
                ("new_password", new_password),
            ]),
        )
        .await
        .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        secrets.extend(set_cookie(&response, "latchkey_session"));

        // A mailed link, used: the verification mailed again (the password
        // change voided the one mailed at registration).
        let resent = post(&browser, "resend_verification", vec![]).await.unwrap();
        assert_eq!(resent.status(), StatusCode::OK);
        let links = mailed_tokens(&url).await;
        assert_eq!(links.len(), 2, "both verification links");
        let verified = post(&browser, "verify_email", form(&[("token", &links[1])]))
            .await
            .unwrap();
        assert_eq!(verified.status(), StatusCode::OK);
        secrets.extend(links);

        // An authenticator (sudo mode from the password change), its first
        // code, and its recovery codes, one of them used to sign in.
        assert_eq!(
            post(&browser, "begin_totp", vec![]).await.unwrap().status(),
            StatusCode::OK
        );
        let security = running.url("/api/security_status");
        let status = |client: reqwest::Client| {
            let url = security.clone();
            async move {
                let answer = client.post(url).send().await.unwrap();
                answer.json::<serde_json::Value>().await.unwrap()
            }
        };
        let shown = status(browser.clone()).await["totp"]["Enrolling"]["secret"]
            .as_str()
            .expect("a secret to type")
            .to_string();
        let secret = TotpSecret::from_display(&shown).unwrap();
        let now = latchkey::clock::Clock::system().now().seconds();
        let first = crate::second_factor::code(&secret, now);
        let on = post(&browser, "confirm_totp", form(&[("code", &first)]))
            .await
            .unwrap();
        assert_eq!(on.status(), StatusCode::OK);
        let codes: Vec<String> =
            serde_json::from_value(status(browser.clone()).await["fresh_codes"].clone()).unwrap();
        assert_eq!(codes.len(), 10);
        secrets.push(shown.replace(' ', ""));
        secrets.extend(
            shown
                .split(' ')
                .filter(|part| part.len() >= 8)
                .map(str::to_string),
        );
        secrets.extend(codes.iter().cloned());
        secrets.extend(codes.iter().map(|c| c.replace('-', "")));
        post(&browser, "logout", vec![]).await.unwrap();
        let pending = post(
            &browser,
            "login",
            form(&[("username", "logged"), ("password", new_password)]),
        )
        .await
        .unwrap();
        assert_eq!(pending.status(), StatusCode::OK);
        let passed = post(&browser, "verify_factor", form(&[("code", &codes[0])]))
            .await
            .unwrap();
        assert_eq!(passed.status(), StatusCode::OK);
        secrets.extend(set_cookie(&passed, "latchkey_session"));

        let db = open_database(&url).await;
        let sealed: Vec<u8> = sqlx::query_scalar("SELECT secret FROM latchkey_totp")
            .fetch_one(&db)
            .await
            .unwrap();
        secrets.push(hex_of(&sealed));
        let code_hashes: Vec<Vec<u8>> =
            sqlx::query_scalar("SELECT code_hash FROM latchkey_recovery_codes")
                .fetch_all(&db)
                .await
                .unwrap();
        secrets.extend(code_hashes.iter().map(|h| hex_of(h)));
        let hash: String = sqlx::query_scalar("SELECT password_hash FROM latchkey_users")
            .fetch_one(&db)
            .await
            .unwrap();
        let stored: Vec<Vec<u8>> =
            sqlx::query_scalar("SELECT validator_hash FROM latchkey_remember_tokens")
                .fetch_all(&db)
                .await
                .unwrap();
        secrets.push(hash.clone());
        // The hash's salt and digest, each on its own.
        secrets.extend(hash.rsplit('$').take(2).map(str::to_string));
        secrets.extend(stored.iter().map(|b| hex_of(b)));
        db.close().await;

        let response = post(
            &browser,
            "delete_account",
            form(&[
                ("username", "logged"),
                ("password", new_password),
                ("code", &codes[1]),
            ]),
        )
        .await
        .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        secrets
    });
    running.signal("-TERM");
    let (_, log) = running.wait();

    assert!(log.contains("listening on"), "the log was captured");
    assert!(
        log.contains("account deleted"),
        "debug-level events were captured"
    );
    for secret in &secrets {
        assert!(secret.len() >= 8, "a real secret: {secret:?}");
        assert!(
            !log.contains(secret.as_str()),
            "the log holds a secret: {secret:?}"
        );
    }
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
