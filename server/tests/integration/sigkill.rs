//! The real binary killed with SIGKILL mid-burst: every registration it
//! acknowledged survives, and so does every mail those registrations queued,
//! which goes out once after the restart.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;

use crate::process::{browser, runtime_and_database, server, Running, PASSWORD};
use crate::smtp::{header, SmtpServer};

/// Registers accounts from four browsers at once, each with the address
/// `email` gives its name, until at least 24 are acknowledged; then kills
/// the server with SIGKILL mid-burst. Answers the acknowledged names.
fn register_until_killed(
    runtime: &tokio::runtime::Runtime,
    running: &Running,
    prefix: &'static str,
    email: fn(&str) -> String,
) -> Vec<String> {
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    runtime.block_on(async {
        let mut workers = Vec::new();
        for worker in 0..4 {
            let (origin, acknowledged) = (running.address.clone(), acknowledged.clone());
            workers.push(tokio::spawn(async move {
                for n in 0.. {
                    let name = format!("{prefix}-{worker}-{n}");
                    // A new browser per account: each registration signs in.
                    let sent = browser(&origin)
                        .post(format!("{origin}/api/register"))
                        .form(&[
                            ("username", name.as_str()),
                            ("email", &email(&name)),
                            ("password", PASSWORD),
                        ])
                        .send()
                        .await;
                    match sent {
                        Ok(response) if response.status() == StatusCode::OK => {
                            acknowledged.lock().unwrap().push(name)
                        }
                        Ok(response) => panic!("{name}: {}", response.status()),
                        // The server was killed under us.
                        Err(_) => break,
                    }
                }
            }));
        }
        // Kill it mid-burst, once a good number have been acknowledged.
        while acknowledged.lock().unwrap().len() < 24 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        running.signal("-KILL");
        for worker in workers {
            worker.await.unwrap();
        }
    });
    let names = acknowledged.lock().unwrap().clone();
    assert!(names.len() >= 24);
    names
}

#[test]
fn every_acknowledged_registration_survives_a_sigkill() {
    let _turn = crate::harness::exclusive_turn();
    let dir = tempfile::tempdir().unwrap();
    let (runtime, url) = runtime_and_database(dir.path());
    let running = Running::start(server(dir.path(), &url));
    let names = register_until_killed(&runtime, &running, "burst", |_| "e@example.test".into());
    let (exit, _) = running.wait();
    assert!(!exit.success(), "it was killed");

    let restarted = Running::start(server(dir.path(), &url));
    runtime.block_on(async {
        for name in &names {
            let response = restarted
                .client()
                .post(restarted.url("/api/login"))
                .form(&[("username", name.as_str()), ("password", PASSWORD)])
                .send()
                .await
                .unwrap();
            assert_eq!(
                response.status(),
                StatusCode::OK,
                "{name} was acknowledged but is lost"
            );
        }
    });
    restarted.signal("-TERM");
    restarted.wait();
}

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
