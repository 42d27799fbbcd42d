//! A throwaway PostgreSQL server for a test suite (the core's and the
//! server's integration suite), started on first use: `initdb`
//! in a temporary directory, `pg_ctl` on a free port, one fresh database per
//! app. It runs as the `postgres` user when the tests run as root (the server
//! refuses root), and a watchdog stops it and deletes its files when this test
//! process ends.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use sqlx::Connection;

struct Server {
    port: u16,
    dir: PathBuf,
}

static SERVER: OnceLock<Server> = OnceLock::new();

/// The URL of a new, empty database on the suite's server.
pub async fn fresh_database() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let server = SERVER.get_or_init(start);
    let name = format!(
        "t{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = sqlx::PgConnection::connect(&server.url("postgres"))
        .await
        .expect("connect to the test PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create a test database");
    admin.close().await.ok();
    server.url(&name)
}

/// Stops the server (as an outage would) and starts it again on the same port.
pub fn stop() {
    let server = SERVER.get_or_init(start);
    pg_ctl(&server.dir, &["-m", "fast", "stop"]);
}

/// Starts the server again after [`stop`].
pub fn restart() {
    let server = SERVER.get_or_init(start);
    pg_ctl(&server.dir, &["-o", &server.options(), "-w", "start"]);
}

impl Server {
    fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    fn options(&self) -> String {
        format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=300",
            self.port,
            self.dir.display()
        )
    }
}

fn start() -> Server {
    let dir = tempfile::Builder::new()
        .prefix("latchkey-pg-")
        .tempdir()
        .expect("a temporary directory")
        .keep();
    if running_as_root() {
        let owned = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&dir)
            .status()
            .expect("chown");
        assert!(owned.success(), "chown the PostgreSQL directory");
    }
    let data = dir.join("data");
    let initdb = as_postgres("initdb")
        .args([
            "--auth=trust",
            "--username=postgres",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
            "-D",
        ])
        .arg(&data)
        .stdout(Stdio::null())
        .status()
        .expect("run initdb (PostgreSQL's binaries must be on PATH)");
    assert!(initdb.success(), "initdb failed");
    let server = Server {
        port: free_port(),
        dir,
    };
    pg_ctl(&server.dir, &["-o", &server.options(), "-w", "start"]);
    watch(&server.dir);
    server
}

fn pg_ctl(dir: &Path, args: &[&str]) {
    let status = as_postgres("pg_ctl")
        .arg("-D")
        .arg(dir.join("data"))
        .arg("-l")
        .arg(dir.join("log"))
        .args(args)
        .stdout(Stdio::null())
        .status()
        .expect("run pg_ctl");
    assert!(
        status.success(),
        "pg_ctl {args:?} failed; see {}",
        dir.join("log").display()
    );
}

/// When this process ends, stop the server and delete its files.
fn watch(dir: &Path) {
    let data = dir.join("data");
    let stop = if running_as_root() {
        format!(
            "runuser -u postgres -- pg_ctl -D '{}' -m immediate stop",
            data.display()
        )
    } else {
        format!("pg_ctl -D '{}' -m immediate stop", data.display())
    };
    // The shell starts the watchdog in the background and exits at once, so
    // the watchdog outlives this process, as it must.
    let script = format!(
        "(while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop}; rm -rf '{dir}') \
         </dev/null >/dev/null 2>&1 &",
        pid = std::process::id(),
        dir = dir.display()
    );
    let started = Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("start the PostgreSQL watchdog");
    assert!(started.success(), "the PostgreSQL watchdog did not start");
}

fn as_postgres(program: &str) -> Command {
    if running_as_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--", program]);
        command
    } else {
        Command::new(program)
    }
}

fn running_as_root() -> bool {
    static ROOT: OnceLock<bool> = OnceLock::new();
    *ROOT.get_or_init(|| {
        Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}
