//! A real SMTP server for the mail tests: Debian's aiosmtpd (installed by
//! `make test`), on a free port, keeping what it receives in a maildir.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The Python that has aiosmtpd (Debian's, whatever else is on `PATH`).
fn python() -> String {
    std::env::var("LATCHKEY_TEST_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into())
}

/// A port nothing listens on (yet).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A running aiosmtpd, stopped when dropped.
pub struct SmtpServer {
    child: Child,
    maildir: PathBuf,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl SmtpServer {
    /// Starts on a free port.
    pub fn start() -> Self {
        Self::start_on(free_port())
    }

    /// Starts on `port` and waits until it accepts connections.
    pub fn start_on(port: u16) -> Self {
        Self::launch(port, &["aiosmtpd.handlers.Mailbox"], &[])
    }

    /// A slow one: each message is accepted `seconds` after its DATA.
    pub fn start_slow(seconds: f64) -> Self {
        Self::launch(
            free_port(),
            &["slow_smtp.SlowMailbox"],
            &[seconds.to_string()],
        )
    }

    fn launch(port: u16, handler: &[&str], extra: &[String]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let maildir = dir.path().join("maildir");
        let here = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/integration");
        let child = Command::new(python())
            .env("PYTHONPATH", here)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .arg("-c")
            .args(handler)
            .arg(&maildir)
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts (make test installs python3-aiosmtpd)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            child,
            maildir,
            port,
            _dir: dir,
        }
    }

    /// The URL the app sends through (no TLS: a server on this machine).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.port)
    }

    /// Every message received so far, as raw RFC 5322 text.
    pub fn received(&self) -> Vec<String> {
        read_all(&self.maildir.join("new"))
    }
}

fn read_all(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect()
}

/// A header's value in a raw message (unfolded, first occurrence).
pub fn header(message: &str, name: &str) -> Option<String> {
    let prefix = format!("{}:", name.to_ascii_lowercase());
    for line in message.lines() {
        if line.is_empty() {
            return None;
        }
        if line.to_ascii_lowercase().starts_with(&prefix) {
            return Some(line[prefix.len()..].trim().to_string());
        }
    }
    None
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SmtpServer {
    /// Waits (up to 20 s) until `count` messages have arrived; answers them all.
    pub async fn wait_for(&self, count: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {count} mails arrived",
                received.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The messages sent to `to` so far.
    pub fn to(&self, to: &str) -> Vec<String> {
        self.received()
            .into_iter()
            .filter(|m| header(m, "To").as_deref() == Some(to))
            .collect()
    }
}

/// A message's body with quoted-printable soft breaks and escapes undone
/// (lettre encodes long lines that way).
pub fn body(message: &str) -> String {
    let raw = message.split_once("\n\n").map_or(message, |(_, body)| body);
    let joined = raw.replace("=\r\n", "").replace("=\n", "");
    let mut out = Vec::new();
    let bytes = joined.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(byte) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The token of the first `/verify?token=` link in a message, if any.
pub fn verify_token(message: &str) -> Option<String> {
    link_token(message, "/verify?token=")
}

/// The token of the first link that starts `path` (ending in `token=`).
pub fn link_token(message: &str, path: &str) -> Option<String> {
    let body = body(message);
    let start = body.find(path)? + path.len();
    Some(
        body[start..]
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect(),
    )
}

/// An app that sends mail through `smtp` (with `vars` and `clock`, if
/// given), and a user whose address is confirmed: the app, their name, their
/// address. Their confirmation is the first mail.
pub async fn confirmed_user_with(
    smtp: &SmtpServer,
    vars: &[(&str, &str)],
    clock: Option<latchkey::clock::Clock>,
) -> (crate::harness::TestApp, String, String) {
    use crate::harness::{unique_name, TestApp, PASSWORD};
    let url = smtp.url();
    let mut all = vec![("LATCHKEY_SMTP_URL", url.as_str())];
    all.extend_from_slice(vars);
    let app = match clock {
        Some(clock) => TestApp::start_with_clock(&all, clock).await,
        None => TestApp::start_with(&all).await,
    };
    let name = unique_name("mailed");
    app.register(&name, PASSWORD).await;
    let token = verify_token(&smtp.wait_for(1).await[0]).expect("a confirmation link");
    let verified = app.post("verify_email", &[("token", &token)]).await;
    assert_eq!(verified.status(), reqwest::StatusCode::OK);
    let address = format!("{name}@example.test");
    (app, name, address)
}

/// [`confirmed_user_with`] and no other settings.
pub async fn confirmed_user(
    smtp: &SmtpServer,
    clock: Option<latchkey::clock::Clock>,
) -> (crate::harness::TestApp, String, String) {
    confirmed_user_with(smtp, &[], clock).await
}

/// The token of the one link to `path` among the mails sent to `to`.
pub async fn mailed_token(smtp: &SmtpServer, count: usize, to: &str, path: &str) -> String {
    smtp.wait_for(count).await;
    let tokens: Vec<String> = smtp
        .to(to)
        .iter()
        .filter_map(|m| link_token(m, path))
        .collect();
    assert_eq!(tokens.len(), 1, "one {path} link to {to}");
    tokens[0].clone()
}
