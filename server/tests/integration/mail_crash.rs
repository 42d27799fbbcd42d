//! The outbox across a crash: mail queued by acknowledged requests survives
//! a SIGKILL of the real binary, and goes out once after the restart.

use std::collections::HashMap;
use std::time::Duration;

use crate::process::{register_until_killed, runtime_and_database, server, Running};
use crate::smtp::{header, SmtpServer};

#[test]
fn every_acknowledged_mail_is_delivered_once_after_a_sigkill() {
    let _turn = crate::harness::exclusive_turn();
    let dir = tempfile::tempdir().unwrap();
    let (runtime, url) = runtime_and_database(dir.path());
    // No SMTP yet: every mail waits in the outbox when the server dies.
    let running = Running::start(server(dir.path(), &url));
    let names = register_until_killed(&runtime, &running, "mailed", |name| {
        format!("{name}@example.test")
    });
    let (exit, _) = running.wait();
    assert!(!exit.success(), "it was killed");

    // Restarted with an SMTP server: the outbox drains.
    let smtp = SmtpServer::start();
    let mut command = server(dir.path(), &url);
    command.env("LATCHKEY_SMTP_URL", smtp.url());
    let restarted = Running::start(command);
    runtime.block_on(async {
        let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM latchkey_outbox")
            .fetch_one(&crate::harness::open_database(&url).await)
            .await
            .unwrap();
        assert!(queued >= names.len() as i64, "{queued} queued");
        smtp.wait_for(queued as usize).await;
        // A moment more, to catch any mail sent twice.
        tokio::time::sleep(Duration::from_millis(500)).await;
    });
    let mut per_address: HashMap<String, usize> = HashMap::new();
    for mail in smtp.received() {
        *per_address.entry(header(&mail, "To").unwrap()).or_default() += 1;
    }
    for name in &names {
        assert_eq!(
            per_address.get(&format!("{name}@example.test")),
            Some(&1),
            "{name}'s mail was acknowledged: once, not lost, not twice"
        );
    }
    assert!(per_address.values().all(|n| *n == 1), "{per_address:?}");
    restarted.signal("-TERM");
    restarted.wait();
}
