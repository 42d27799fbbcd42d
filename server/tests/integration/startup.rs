//! Start-up that cannot go on stops with a message an operator can act on,
//! naming what is wrong and never a secret.

use reqwest::StatusCode;

use crate::harness::open_database;
use crate::process::{runtime_and_database, server, Running};

#[test]
fn a_bad_setting_stops_start_up_with_a_message_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let output = server(dir.path(), "sqlite://unused.db")
        .env("LATCHKEY_SECURE_COOKIES", "maybe")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("LATCHKEY_SECURE_COOKIES"), "{stderr}");
    assert!(stderr.contains("true or false"), "{stderr}");
}

/// A database that cannot be reached stops start-up with a message naming
/// the variable and the address, never the password in it.
#[test]
fn an_unreachable_database_is_named_without_its_password() {
    let dir = tempfile::tempdir().unwrap();
    let output = server(
        dir.path(),
        "postgres://app:hunter2-secret@127.0.0.1:1/latchkey",
    )
    .output()
    .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("DATABASE_URL"), "{stderr}");
    assert!(
        stderr.contains("postgres://app:***@127.0.0.1:1/latchkey"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2-secret"), "{stderr}");
}

/// The server as the README's production section starts it: no
/// `LEPTOS_ENV`. It says it runs as production, serves no mailbox, and
/// keeps no sealing key in the database (so no authenticator is offered).
#[test]
fn a_server_started_without_leptos_env_runs_as_production() {
    let _turn = crate::harness::exclusive_turn();
    let dir = tempfile::tempdir().unwrap();
    let (runtime, url) = runtime_and_database(dir.path());
    let running = Running::start(server(dir.path(), &url));
    let (mailbox, keys) = runtime.block_on(async {
        let mailbox = reqwest::get(running.url("/dev/mailbox")).await.unwrap();
        let db = open_database(&url).await;
        let keys: Vec<String> = sqlx::query_scalar("SELECT name FROM latchkey_keys")
            .fetch_all(&db)
            .await
            .unwrap();
        (mailbox.status(), keys)
    });
    running.signal("-TERM");
    let (_, log) = running.wait();
    assert_eq!(mailbox, StatusCode::NOT_FOUND, "no mailbox in production");
    assert!(
        !keys.iter().any(|k| k.contains("development")),
        "no development key in the database: {keys:?}"
    );
    assert_eq!(log.matches("mode: production").count(), 1, "{log}");
    assert!(log.contains("LATCHKEY_SECRET_KEY is unset"), "{log}");
}

/// Development is what `make run` asks for, and it says so.
#[test]
fn development_asked_for_on_loopback_serves_the_mailbox_and_says_so() {
    let _turn = crate::harness::exclusive_turn();
    let dir = tempfile::tempdir().unwrap();
    let (runtime, url) = runtime_and_database(dir.path());
    let mut command = server(dir.path(), &url);
    command.env("LEPTOS_ENV", "DEV");
    let running = Running::start(command);
    let mailbox = runtime.block_on(async {
        reqwest::get(running.url("/dev/mailbox"))
            .await
            .unwrap()
            .status()
    });
    running.signal("-TERM");
    let (_, log) = running.wait();
    assert_eq!(mailbox, StatusCode::OK);
    assert_eq!(log.matches("mode: development").count(), 1, "{log}");
}

/// Development on a server others can reach is refused at start-up, with
/// the reason: bound to every address, or published on https.
#[test]
fn development_on_a_reachable_server_is_refused_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    for (key, value) in [
        ("LEPTOS_SITE_ADDR", "0.0.0.0:0"),
        ("LATCHKEY_PUBLIC_ORIGIN", "https://login.example"),
    ] {
        let output = server(dir.path(), "sqlite://unused.db")
            .env("LEPTOS_ENV", "DEV")
            .env("LATCHKEY_SECURE_COOKIES", "true")
            .env(key, value)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{key}={value} must not start");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("LEPTOS_ENV"), "{stderr}");
        assert!(stderr.contains(value), "{stderr}");
        assert!(!dir.path().join("unused.db").exists(), "nothing was opened");
    }
}

/// A site published on https with cookies that are not `Secure` would
/// send the session over plain http: refused.
#[test]
fn an_https_site_without_secure_cookies_is_refused_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let output = server(dir.path(), "sqlite://unused.db")
        .env("LATCHKEY_PUBLIC_ORIGIN", "https://login.example")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("LATCHKEY_SECURE_COOKIES=true"), "{stderr}");
}
