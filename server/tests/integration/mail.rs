//! The outbox and its worker, through a real SMTP server and both databases:
//! mail is written with its change or not at all, goes out once, waits out
//! an SMTP outage, and two app servers never send the same mail twice.

use std::collections::HashSet;
use std::time::Duration;

use latchkey::clock::Clock;
use latchkey::domain::UnixTime;
use latchkey::mail::{Mail, MailWorker, SmtpSender};
use latchkey::store::Store;

use crate::harness::{clock_at, secs};
use crate::harness::{fresh_database, TestApp};
use crate::smtp::{free_port, header, SmtpServer};

const FROM: &str = "Latchkey <noreply@latchkey.test>";

fn mail(n: usize) -> Mail {
    Mail {
        to: format!("user{n}@example.test"),
        subject: format!("Message {n}"),
        text: format!("Hello {n}."),
        html: format!("<p>Hello {n}.</p>"),
    }
}

fn worker(store: &Store, clock: &Clock, url: &str) -> MailWorker {
    let sender = SmtpSender::from_url(url, FROM).expect("the SMTP URL");
    MailWorker::new(
        store.clone(),
        clock.clone(),
        sender,
        Duration::from_secs(3600),
    )
}

async fn queue(store: &Store, clock: &Clock, mails: impl IntoIterator<Item = Mail>) {
    let now = clock.now();
    let mails: Vec<Mail> = mails.into_iter().collect();
    let tx = store.begin().await.unwrap();
    for m in &mails {
        m.queue_on(tx.db(), now).await.unwrap();
    }
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn queued_mail_goes_out_once_through_a_real_smtp_server() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&fresh_database(dir.path()).await)
        .await
        .unwrap();
    let clock = clock_at(1_800_000_000);
    let smtp = SmtpServer::start();
    queue(&store, &clock, (0..3).map(mail)).await;
    assert_eq!(store.unsent_mail().await.unwrap(), 3);

    let worker = worker(&store, &clock, &smtp.url());
    assert_eq!(worker.send_due().await.unwrap(), 3);
    assert_eq!(worker.send_due().await.unwrap(), 0, "nothing is sent twice");
    assert_eq!(store.unsent_mail().await.unwrap(), 0);

    let received = smtp.received();
    assert_eq!(received.len(), 3);
    let message = received
        .iter()
        .find(|m| header(m, "Subject").as_deref() == Some("Message 1"))
        .expect("message 1 arrived");
    assert_eq!(header(message, "To").as_deref(), Some("user1@example.test"));
    assert!(header(message, "From")
        .unwrap()
        .contains("noreply@latchkey.test"));
    assert!(
        header(message, "Content-Type")
            .unwrap()
            .starts_with("multipart/alternative"),
        "plain text and HTML"
    );
}

#[tokio::test]
async fn a_change_that_rolls_back_queues_no_mail() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&fresh_database(dir.path()).await)
        .await
        .unwrap();
    let tx = store.begin().await.unwrap();
    mail(1)
        .queue_on(tx.db(), UnixTime::from_seconds(1))
        .await
        .unwrap();
    // The change fails after its mail was queued: dropped, it rolls back.
    drop(tx);
    assert_eq!(store.unsent_mail().await.unwrap(), 0);
}

#[tokio::test]
async fn mail_waits_out_an_smtp_outage_with_back_off_and_goes_when_it_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&fresh_database(dir.path()).await)
        .await
        .unwrap();
    let clock = clock_at(1_800_000_000);
    let port = free_port();
    let url = format!("smtp://127.0.0.1:{port}?tls=none");
    queue(&store, &clock, [mail(7)]).await;
    let worker = worker(&store, &clock, &url);

    // Nothing listens: the attempt fails and is put off, not lost.
    assert_eq!(worker.send_due().await.unwrap(), 1);
    let queued = store.recent_mail(10).await.unwrap();
    assert_eq!((queued[0].attempts, queued[0].sent_at), (1, None));
    assert!(queued[0].last_error.is_some());
    clock.advance(secs(29));
    assert_eq!(
        worker.send_due().await.unwrap(),
        0,
        "not before the back-off"
    );

    let smtp = SmtpServer::start_on(port);
    clock.advance(secs(1));
    assert_eq!(worker.send_due().await.unwrap(), 1);
    assert_eq!(store.unsent_mail().await.unwrap(), 0);
    assert_eq!(smtp.received().len(), 1);
}

#[tokio::test]
async fn two_app_servers_send_each_mail_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(dir.path()).await;
    let (one, two) = (
        Store::connect(&url).await.unwrap(),
        Store::connect(&url).await.unwrap(),
    );
    let clock = clock_at(1_800_000_000);
    let smtp = SmtpServer::start();
    const MAILS: usize = 60;
    queue(&one, &clock, (0..MAILS).map(mail)).await;

    // Both workers at once, each in its own task, until the outbox is empty.
    let drain = |store: Store| {
        let worker = worker(&store, &clock, &smtp.url());
        tokio::spawn(async move {
            let mut claimed = 0;
            loop {
                let n = worker.send_due().await.unwrap();
                if n == 0 {
                    return claimed;
                }
                claimed += n;
            }
        })
    };
    let (a, b) = (drain(one.clone()), drain(two));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    assert_eq!(a + b, MAILS, "every mail claimed once between them");
    assert!(a > 0 && b > 0, "both servers worked: {a} and {b}");
    assert_eq!(one.unsent_mail().await.unwrap(), 0);

    let subjects = subjects(&smtp);
    assert_eq!(subjects.len(), MAILS, "no mail sent twice");
    assert_eq!(subjects.iter().collect::<HashSet<_>>().len(), MAILS);
}

/// On a slow SMTP server (each DATA answered after half a second) while the
/// clock runs some 40 s of lease time per mail, two workers still send each
/// mail once: each claim's lease starts with its own conversation. Claimed
/// twenty at a time, the batch outlived its five-minute lease and the other
/// worker sent its tail again.
#[tokio::test]
async fn on_a_slow_smtp_server_two_workers_send_each_mail_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(dir.path()).await;
    let (one, two) = (
        Store::connect(&url).await.unwrap(),
        Store::connect(&url).await.unwrap(),
    );
    let clock = clock_at(1_800_000_000);
    let smtp = SmtpServer::start_slow(0.5);
    const MAILS: usize = 12;
    queue(&one, &clock, (0..MAILS).map(mail)).await;
    let ticking = {
        let clock = clock.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(50)).await;
                clock.advance(secs(4));
            }
        })
    };
    let drain = |store: Store| {
        let worker = worker(&store, &clock, &smtp.url());
        tokio::spawn(async move {
            let deadline = std::time::Instant::now() + Duration::from_secs(60);
            while store.unsent_mail().await.unwrap() > 0 {
                assert!(std::time::Instant::now() < deadline, "the outbox drains");
                if worker.send_due().await.unwrap() == 0 {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        })
    };
    let (a, b) = (drain(one.clone()), drain(two));
    a.await.unwrap();
    b.await.unwrap();
    ticking.abort();
    let subjects = subjects(&smtp);
    assert_eq!(
        subjects.iter().collect::<HashSet<_>>().len(),
        MAILS,
        "every mail"
    );
    assert_eq!(subjects.len(), MAILS, "none twice: {subjects:?}");
}

/// The subject of every mail `smtp` received.
fn subjects(smtp: &SmtpServer) -> Vec<String> {
    smtp.received()
        .iter()
        .filter_map(|m| header(m, "Subject"))
        .collect()
}

/// Queues `n` on the app's own database, as a use case would.
async fn queue_on_app(app: &TestApp, n: usize) {
    let store = Store::connect(&app.config.database_url).await.unwrap();
    queue(&store, &Clock::system(), [mail(n)]).await;
}

#[tokio::test]
async fn an_app_server_with_smtp_configured_sends_what_is_queued() {
    let smtp = SmtpServer::start();
    let app = TestApp::start_with(&[("LATCHKEY_SMTP_URL", &smtp.url())]).await;
    queue_on_app(&app, 5).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while smtp.received().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the worker sent nothing"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        header(&smtp.received()[0], "Subject").as_deref(),
        Some("Message 5")
    );
}

#[tokio::test]
async fn without_smtp_the_development_mailbox_shows_the_mail_with_its_link() {
    let app = TestApp::start().await;
    let store = Store::connect(&app.config.database_url).await.unwrap();
    let link = Mail {
        text: "Open http://127.0.0.1/verify?token=a&b to <confirm>.".into(),
        ..mail(9)
    };
    queue(&store, &Clock::system(), [link]).await;
    let page = app.get("/dev/mailbox").await;
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Message 9") && html.contains("user9@example.test"),
        "{html}"
    );
    assert!(
        html.contains(r#"<a href="http://127.0.0.1/verify?token=a&amp;b">"#),
        "{html}"
    );
    assert!(
        html.contains("&lt;confirm&gt;"),
        "nothing in a mail is markup"
    );

    // One app at a time (the harness's turn): this one goes first.
    drop(app);
    let prod = TestApp::start_with(&[("LEPTOS_ENV", "PROD")]).await;
    assert_eq!(
        prod.get("/dev/mailbox").await.status(),
        reqwest::StatusCode::NOT_FOUND
    );
}
