//! The real binary, as an operator runs it: start-up, graceful and violent
//! shutdown, and what it writes to its log.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::ORIGIN;

use crate::harness::{fresh_database, on_postgres};

pub(crate) const PASSWORD: &str = "correct horse battery staple";

/// The server binary, in `dir`, on `database_url`.
pub(crate) fn server(dir: &Path, database_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", database_url)
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "info")
        .env("LATCHKEY_LOGINS_PER_IP_PER_MINUTE", "100000")
        .env("LATCHKEY_REGISTRATIONS_PER_IP_PER_HOUR", "100000")
        .env("LATCHKEY_MAILED_LINKS_PER_IP_PER_HOUR", "100000")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// A runtime for the async parts, and a fresh database in `dir` (a file
/// `data/app.db` on SQLite, so its creation can be seen).
pub(crate) fn runtime_and_database(dir: &Path) -> (tokio::runtime::Runtime, String) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let url = if on_postgres() {
        runtime.block_on(fresh_database(dir))
    } else {
        format!("sqlite://{}", dir.join("data/app.db").display())
    };
    (runtime, url)
}

/// A running server process, its address, and everything it has logged.
pub(crate) struct Running {
    child: Child,
    pub(crate) address: String,
    log: Arc<Mutex<String>>,
    readers: Vec<std::thread::JoinHandle<()>>,
}

impl Running {
    pub(crate) fn start(mut command: Command) -> Self {
        let mut child = command.spawn().expect("the server starts");
        let log = Arc::new(Mutex::new(String::new()));
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        // Read up to the "listening on" line, then keep collecting in the background.
        let mut address = None;
        let mut line = String::new();
        while address.is_none() {
            line.clear();
            if stdout.read_line(&mut line).expect("read the log") == 0 {
                panic!(
                    "the server exited before listening: {}",
                    log.lock().unwrap()
                );
            }
            log.lock().unwrap().push_str(&line);
            // The address ends the line, or (in JSON) its string.
            address = line
                .split("listening on ")
                .nth(1)
                .and_then(|a| a.split(['"', ' ', '\n']).next())
                .map(|a| a.trim().to_string());
        }
        let stderr = child.stderr.take().expect("stderr");
        let readers = vec![collect(stdout, log.clone()), collect(stderr, log.clone())];
        Self {
            child,
            address: address.unwrap_or_default(),
            log,
            readers,
        }
    }

    pub(crate) fn client(&self) -> reqwest::Client {
        browser(&self.address)
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub(crate) fn signal(&self, signal: &str) {
        let sent = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(sent.success());
    }

    /// Waits for the process to end; returns its exit status and full log.
    pub(crate) fn wait(mut self) -> (std::process::ExitStatus, String) {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let exit = loop {
            if let Some(exit) = self.child.try_wait().expect("try_wait") {
                break exit;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the server did not stop within 10 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
        let log = self.log.lock().unwrap().clone();
        (exit, log)
    }
}

/// A browser on the page at `origin`: its own cookies, the page's `Origin`.
pub(crate) fn browser(origin: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(ORIGIN, origin.parse().expect("an origin"));
    reqwest::Client::builder()
        .default_headers(headers)
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

fn collect(
    mut from: impl Read + Send + 'static,
    into: Arc<Mutex<String>>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buffer = [0u8; 8192];
        while let Ok(n) = from.read(&mut buffer) {
            if n == 0 {
                break;
            }
            into.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buffer[..n]));
        }
    })
}

#[test]
fn the_server_creates_its_database_serves_and_stops_cleanly_on_sigterm() {
    let _turn = crate::harness::exclusive_turn();
    let dir = tempfile::tempdir().unwrap();
    let (runtime, url) = runtime_and_database(dir.path());
    let running = Running::start(server(dir.path(), &url));
    assert!(
        on_postgres() || dir.path().join("data/app.db").exists(),
        "data/ and the database are created"
    );
    let status = runtime.block_on(async {
        let health = reqwest::get(running.url("/healthz")).await.unwrap();
        health.status()
    });
    assert_eq!(status, 200);

    running.signal("-TERM");
    let (exit, _) = running.wait();
    assert!(exit.success(), "graceful shutdown exits 0, got {exit:?}");
}

/// The `name=value` of a cookie the response set.
pub(crate) fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .and_then(|c| c.split(';').next())
        .and_then(|pair| pair.split_once('=').map(|(_, v)| v.to_string()))
        .filter(|v| !v.is_empty())
}
