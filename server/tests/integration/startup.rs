//! Start-up that cannot go on stops with a message an operator can act on,
//! naming what is wrong and never a secret.

use crate::process::server;

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
