//! `bench-seed DB COUNT SAMPLE COOKIES`: adds users, each with one device and
//! one signed-in session, to a Latchkey SQLite database until it holds COUNT
//! users, then writes SAMPLE of those sessions' cookies (chosen at random,
//! one `name=value` per line) to the file COOKIES.
//!
//! Rows go straight into the tables, in one transaction: a million accounts
//! through the API would be a million argon2 hashes. Nothing about Latchkey's
//! session format is guessed: the database must already hold one real
//! signed-in session (the benchmark registers a user first), and each new
//! session is a copy of it with its own id, user and device. The copied
//! password hash means every seeded user has that user's password.

use std::collections::HashSet;
use std::io::Write;

use anyhow::{bail, Context};
use rand::seq::index::sample;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};
use tower_sessions::session::Id;

/// The key Latchkey keeps its sign-in record under, and that record's fields naming the account.
const SIGNED_IN_KEY: &str = "auth";
const COOKIE: &str = "latchkey_session";

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, db, count, sample_size, cookies] = args.as_slice() else {
        bail!("usage: bench-seed DB COUNT SAMPLE COOKIES");
    };
    let count: usize = count.parse().context("COUNT")?;
    let sample_size: usize = sample_size.parse().context("SAMPLE")?;

    let mut db = Connection::open(db).with_context(|| format!("opening {db}"))?;
    db.busy_timeout(std::time::Duration::from_secs(30))?;
    let template = template(&db)?;
    let existing: usize = db.query_row("SELECT count(*) FROM latchkey_users", [], |r| r.get(0))?;
    let mut ids = Vec::with_capacity(count.saturating_sub(existing));

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    let tx = db.transaction()?;
    {
        let mut user = tx.prepare(
            "INSERT INTO latchkey_users (username, username_key, password_hash, created_at, updated_at)
             VALUES (?1, ?1, ?2, ?3, ?3)",
        )?;
        let mut device = tx.prepare(
            "INSERT INTO latchkey_devices (user_id, user_agent, ip, remembered, signed_in_at, last_active_at)
             VALUES (?, 'bench-seed', '127.0.0.1', 0, ?, ?)",
        )?;
        let mut session = tx.prepare(
            "INSERT INTO latchkey_sessions (id, user_id, device_id, data, expires_at)
             VALUES (?, ?, ?, ?, ?)",
        )?;
        for n in existing..count {
            let user_id =
                user.insert(params![format!("seed{n:07}"), template.hash, template.at])?;
            let id = Id::default();
            let device_id = device.insert(params![user_id, template.at, template.at])?;
            let mut data = template.data.clone();
            let signed_in = data
                .get_mut(SIGNED_IN_KEY)
                .and_then(Value::as_object_mut)
                .context("the template session has no sign-in record")?;
            signed_in.insert("user".into(), user_id.into());
            signed_in.insert("device".into(), device_id.into());
            // Used just now, as far as the idle lifetime is concerned.
            signed_in.insert("seen".into(), now.into());
            session.execute(params![
                id.to_string(),
                user_id,
                device_id,
                serde_json::to_string(&data)?,
                template.expires_at
            ])?;
            ids.push(id);
        }
    }
    tx.commit()?;
    db.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;")?;

    let mut out = std::fs::File::create(cookies).with_context(|| format!("creating {cookies}"))?;
    let mut rng = rand::thread_rng();
    let chosen: HashSet<usize> = sample(&mut rng, ids.len(), sample_size.min(ids.len()))
        .into_iter()
        .collect();
    for i in chosen {
        writeln!(out, "{COOKIE}={}", ids[i])?;
    }
    eprintln!(
        "seeded {} users, devices and sessions ({} in all)",
        ids.len(),
        count
    );
    Ok(())
}

/// The one real signed-in session to copy, with its user's password hash.
struct Template {
    data: Map<String, Value>,
    expires_at: i64,
    hash: String,
    at: i64,
}

fn template(db: &Connection) -> anyhow::Result<Template> {
    let mut rows = db.prepare("SELECT data, expires_at FROM latchkey_sessions")?;
    let mut rows = rows.query([])?;
    while let Some(row) = rows.next()? {
        let data: Map<String, Value> = serde_json::from_str(&row.get::<_, String>(0)?)?;
        let Some(signed_in) = data.get(SIGNED_IN_KEY) else {
            continue;
        };
        let user = signed_in["user"]
            .as_i64()
            .context("a sign-in record without a user")?;
        let at = signed_in["at"]
            .as_i64()
            .context("a sign-in record without a time")?;
        let hash: Option<String> = db
            .query_row(
                "SELECT password_hash FROM latchkey_users WHERE id = ?",
                [user],
                |r| r.get(0),
            )
            .optional()?;
        // The template's own expiry (its idle lifetime) is far enough for a
        // run; every copy is "seen" now, so each lives as long.
        let expires_at: i64 = row.get(1)?;
        if let Some(hash) = hash {
            return Ok(Template {
                data,
                expires_at,
                hash,
                at,
            });
        }
    }
    bail!("no signed-in session to copy: register a user first")
}
