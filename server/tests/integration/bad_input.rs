//! A generated matrix of malformed requests against every server function and
//! page, anonymous and signed in: missing, extra, empty and huge fields,
//! invalid UTF-8, NUL and control characters, SQL- and HTML-looking text,
//! wrong content types, JSON for a form, and forged, truncated and oversized
//! cookies. Every answer is below 500 (a 4xx with a message, or a normal
//! page), the server stays up, and no rejected request changes a row.
//!
//! "No row" means the account data: users, devices, remember tokens and
//! sessions. The `activity` and `login_throttle` tables record failed password
//! checks by design, so they are left out of the comparison.

use reqwest::header::{CONTENT_TYPE, COOKIE};
use reqwest::{Client, StatusCode};

use crate::harness::clock_at;
use crate::harness::{on_postgres, unique_name, TestApp, PASSWORD};
use crate::server_functions::FUNCTIONS;

/// Hostile values, percent-encoded as they go on the wire.
fn hostile_values() -> Vec<(&'static str, String)> {
    vec![
        ("empty", String::new()),
        ("nul", "a%00b".into()),
        ("control", "%01%1B%5B31m%0D%0Ax%7F".into()),
        ("invalid utf-8", "%FF%FE%C3%28".into()),
        (
            "sql",
            "%27%20OR%20%271%27%3D%271%27%3B%20DROP%20TABLE%20users%3B%20--".into(),
        ),
        ("html", "%3Cscript%3Ealert(1)%3C%2Fscript%3E".into()),
        ("long", "x".repeat(60_000)),
        ("unicode", "%E2%80%AEevil%CC%81%F0%9F%A6%80".into()),
        ("negative", "-1".into()),
        ("huge number", "99999999999999999999999999".into()),
    ]
}

/// A form body with `fields` set to `value`, except `omit`, plus `extra`.
fn form(fields: &[&str], value: &str, omit: Option<&str>, extra: bool) -> String {
    let mut pairs: Vec<String> = fields
        .iter()
        .filter(|f| Some(**f) != omit)
        .map(|f| format!("{f}={value}"))
        .collect();
    if extra {
        pairs.push("unexpected_field=1".into());
    }
    pairs.join("&")
}

struct Case {
    what: String,
    method: reqwest::Method,
    path: String,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    cookie: Option<String>,
}

fn post(
    what: String,
    function: &str,
    content_type: &'static str,
    body: impl Into<Vec<u8>>,
) -> Case {
    Case {
        what,
        method: reqwest::Method::POST,
        path: format!("/api/{function}"),
        content_type: Some(content_type),
        body: body.into(),
        cookie: None,
    }
}

const FORM: &str = "application/x-www-form-urlencoded";

fn server_function_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (function, fields) in FUNCTIONS {
        let name = |what: &str| format!("{function}: {what}");
        cases.push(post(name("no body"), function, FORM, ""));
        cases.push(post(
            name("extra field"),
            function,
            FORM,
            form(fields, "abc", None, true),
        ));
        for field in *fields {
            cases.push(post(
                name(&format!("missing {field}")),
                function,
                FORM,
                form(fields, "abcdefghijklmnop", Some(field), false),
            ));
            cases.push(post(
                name(&format!("{field} twice")),
                function,
                FORM,
                format!("{}&{field}=again", form(fields, "abc", None, false)),
            ));
        }
        for (what, value) in hostile_values() {
            cases.push(post(
                name(what),
                function,
                FORM,
                form(fields, &value, None, false),
            ));
        }
        let mut raw = form(fields, "", None, false).into_bytes();
        raw.extend_from_slice(b"\xff\xfe\x00raw");
        cases.push(post(name("raw invalid bytes"), function, FORM, raw));
        cases.push(post(
            name("10 MB"),
            function,
            FORM,
            form(
                &["username", "password"],
                &"a".repeat(10 << 20),
                None,
                false,
            ),
        ));
        cases.push(post(
            name("json"),
            function,
            "application/json",
            r#"{"username":"a","password":"b"}"#,
        ));
        cases.push(post(
            name("json array"),
            function,
            "application/json",
            "[1,2,3]",
        ));
        cases.push(post(
            name("text"),
            function,
            "text/plain",
            "username=a&password=b",
        ));
        cases.push(post(
            name("multipart"),
            function,
            "multipart/form-data; boundary=x",
            "--x\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\na\r\n--x--\r\n",
        ));
        cases.push(post(
            name("xml"),
            function,
            "application/xml",
            "<username>a</username>",
        ));
    }
    cases
}

fn page_cases() -> Vec<Case> {
    let paths = [
        "/users/%00",
        "/users/%FF%FE",
        "/users/%3Cscript%3E",
        "/users/'%20OR%201=1--",
        "/users/a%2Fb",
        "/users/..%2F..%2Fetc%2Fpasswd",
        "/settings/confirm?next=javascript:alert(1)",
        "/settings/confirm?next=%00",
        "/login?next=%FF",
        "/login?next=//evil.example",
        "/login?__err=%FF&__path=%00",
        "/login?__err=not%20json&__path=/api/login",
        "/register?%FF=%FE",
        "/settings/profile?x=%00",
        "/settings/devices",
        "/settings/activity",
        "/settings/username",
        "/settings/delete",
        "/settings/email",
        "/verify?token=%00",
        "/reset/confirm?token=%FF%FE",
        "/login/email/confirm?token=%3Cscript%3E",
        "/settings/email/confirm?token=' OR 1=1--",
        "/settings/email/undo?token=",
        "/%FF",
        "/pkg/%00",
        "/api/no_such_function",
        "/api/login",
        "/api/register?username=a&password=b",
    ];
    let long = format!("/users/{}", "a".repeat(8_000));
    paths
        .iter()
        .map(|p| p.to_string())
        .chain([long])
        .map(|path| Case {
            what: format!("GET {}", &path[..path.len().min(60)]),
            method: reqwest::Method::GET,
            path,
            content_type: None,
            body: Vec::new(),
            cookie: None,
        })
        .collect()
}

/// Cookies a forger or a broken client might send.
fn cookie_variants(real: &str) -> Vec<(&'static str, String)> {
    let (name, value) = real.split_once('=').unwrap_or(("latchkey_session", ""));
    vec![
        ("forged session", format!("{name}=AAAAAAAAAAAAAAAAAAAAAA")),
        (
            "truncated session",
            format!("{name}={}", &value[..value.len() / 2]),
        ),
        ("oversized session", format!("{name}={}", "A".repeat(7_000))),
        ("garbage session", format!("{name}=%FF%00;;;==")),
        ("two sessions", format!("{real}; {name}=AAAA")),
        (
            "forged remember",
            format!("latchkey_remember={}.{}", "0".repeat(32), "0".repeat(64)),
        ),
        ("garbage remember", "latchkey_remember=..%FF".to_string()),
        (
            "oversized remember",
            format!("latchkey_remember={}", "a".repeat(7_000)),
        ),
    ]
}

/// The account data, as one string to compare before and after.
async fn fingerprint(app: &TestApp) -> String {
    let pool = app.database().await;
    let mut all = String::new();
    let queries = if on_postgres() {
        [
            "SELECT string_agg(id || username || display_name || bio || location || password_hash, '|' ORDER BY id) FROM latchkey_users",
            "SELECT string_agg(id || '.' || user_id || ip || last_active_at || remembered, '|' ORDER BY id) FROM latchkey_devices",
            "SELECT string_agg(selector || encode(validator_hash, 'hex'), '|' ORDER BY selector) FROM latchkey_remember_tokens",
            "SELECT string_agg(id || data, '|' ORDER BY id) FROM latchkey_sessions",
        ]
    } else {
        [
            "SELECT group_concat(id || username || display_name || bio || location || password_hash, '|') FROM latchkey_users",
            "SELECT group_concat(id || '.' || user_id || ip || last_active_at || remembered, '|') FROM latchkey_devices",
            "SELECT group_concat(selector || hex(validator_hash), '|') FROM latchkey_remember_tokens",
            "SELECT group_concat(id || data, '|') FROM latchkey_sessions",
        ]
    };
    for query in queries {
        let part: Option<String> = sqlx::query_scalar(query).fetch_one(&pool).await.unwrap();
        all.push_str(&part.unwrap_or_default());
        all.push('\n');
    }
    pool.close().await;
    all
}

async fn run(app: &TestApp, client: &Client, cases: Vec<Case>) -> usize {
    let mut sent = 0;
    for case in cases {
        let before = fingerprint(app).await;
        let mut request = client.request(case.method.clone(), app.url(&case.path));
        if let Some(content_type) = case.content_type {
            request = request.header(CONTENT_TYPE, content_type);
        }
        if let Some(cookie) = &case.cookie {
            request = request.header(COOKIE, cookie);
        }
        let response = request.body(case.body).send().await;
        let response = match response {
            Ok(response) => response,
            Err(e) => panic!("{}: no answer: {e}", case.what),
        };
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        assert!(status.as_u16() < 500, "{}: {status} {body:.200}", case.what);
        if status.is_client_error() {
            assert!(
                !body.trim().is_empty(),
                "{}: {status} without a message",
                case.what
            );
            assert_eq!(
                fingerprint(app).await,
                before,
                "{}: a rejected request changed rows",
                case.what
            );
        }
        sent += 1;
        if sent % 50 == 0 {
            assert_eq!(
                app.get("/healthz").await.status(),
                StatusCode::OK,
                "the server is up after {sent}"
            );
        }
    }
    sent
}

#[tokio::test]
async fn five_hundred_malformed_requests_get_no_5xx_and_change_no_row() {
    // A clock that stands still: sessions are never "touched", so any row
    // change is the request's doing.
    let app = TestApp::start_with_clock(&[], clock_at(1_800_000_000)).await;
    let name = unique_name("target");
    app.register(&name, PASSWORD).await;
    let cookie = app.session_cookie().expect("signed in");
    let mut sent = 0;

    // Anonymous, with the page's Origin.
    sent += run(&app, &app.stranger(), server_function_cases()).await;
    sent += run(&app, &app.stranger(), page_cases()).await;

    // Signed in (never logging out or deleting, so the session stays).
    let signed_in: Vec<Case> = server_function_cases()
        .into_iter()
        .filter(|c| !c.path.ends_with("/logout") && !c.path.ends_with("/delete_account"))
        .map(|mut c| {
            c.cookie = Some(cookie.clone());
            c
        })
        .collect();
    sent += run(&app, &app.stranger(), signed_in).await;

    // Forged, truncated and oversized cookies on a page and a function.
    let mut cookie_cases = Vec::new();
    for (what, bad) in cookie_variants(&cookie) {
        for (path, method) in [
            ("/settings/devices", reqwest::Method::GET),
            ("/api/current_user", reqwest::Method::POST),
        ] {
            cookie_cases.push(Case {
                what: format!("{what} on {path}"),
                method,
                path: path.to_string(),
                content_type: Some(FORM),
                body: Vec::new(),
                cookie: Some(bad.clone()),
            });
        }
    }
    sent += run(&app, &app.stranger(), cookie_cases).await;

    assert!(sent >= 500, "only {sent} requests");
    // (Some hostile values are valid: a 26-digit username is a fine new name.)
    assert!(
        app.current_username().await.is_some(),
        "{name} is still signed in"
    );
    eprintln!("{sent} malformed requests, none answered 5xx");
}
