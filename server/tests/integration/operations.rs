//! What an operator watches: `/metrics` in Prometheus's text format on its
//! own address, its counters moving with sign-ins; and JSON logs whose
//! request lines carry the request's id.

use std::collections::HashMap;

use reqwest::StatusCode;

use crate::harness::{unique_name, TestApp, PASSWORD};
use crate::process::{runtime_and_database, server, Running};
use crate::smtp::free_port;

/// Parses Prometheus's text format: every sample line is
/// `name{label="value",…} number`, every other line a `#` comment. Panics
/// on anything else, so a malformed exposition fails the test.
fn parse(text: &str) -> HashMap<String, f64> {
    let mut samples = HashMap::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        if let Some(comment) = line.strip_prefix("# ") {
            assert!(
                comment.starts_with("TYPE ") || comment.starts_with("HELP "),
                "{line}"
            );
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("{line}"));
        let name_end = series.find('{').unwrap_or(series.len());
        let name = &series[..name_end];
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
            "{line}"
        );
        if name_end < series.len() {
            assert!(series.ends_with('}'), "{line}");
            let labels = &series[name_end + 1..series.len() - 1];
            for pair in labels.split("\",").filter(|p| !p.is_empty()) {
                let (key, value) = pair.split_once("=\"").unwrap_or_else(|| panic!("{line}"));
                assert!(
                    key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                    "{line}"
                );
                assert!(!value.contains('\n'), "{line}");
            }
        }
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("{line}"));
        samples.insert(series.to_string(), value);
    }
    samples
}

async fn scrape(port: u16) -> HashMap<String, f64> {
    let answer = reqwest::get(format!("http://127.0.0.1:{port}/metrics"))
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    let kind = answer.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    parse(&answer.text().await.unwrap())
}

fn sample(samples: &HashMap<String, f64>, series: &str) -> f64 {
    samples.get(series).copied().unwrap_or(0.0)
}

#[tokio::test]
async fn metrics_are_served_apart_and_move_with_sign_ins() {
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let app = TestApp::start_with(&[("LATCHKEY_METRICS_ADDR", &addr)]).await;
    let name = unique_name("metered");
    app.register(&name, PASSWORD).await;
    app.log_out().await;
    let success = r#"latchkey_sign_ins_total{method="password",outcome="success"}"#;
    let failure = r#"latchkey_sign_ins_total{method="password",outcome="failure"}"#;
    let logins = r#"latchkey_request_duration_seconds_count{route="/api/login",method="POST"}"#;
    let before = scrape(port).await;

    assert_eq!(app.log_in(&name, PASSWORD).await.status(), StatusCode::OK);
    assert_eq!(
        app.log_in(&name, "not the password at all").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let after = scrape(port).await;
    assert_eq!(sample(&after, success) - sample(&before, success), 1.0);
    assert_eq!(sample(&after, failure) - sample(&before, failure), 1.0);
    assert_eq!(sample(&after, logins) - sample(&before, logins), 2.0);
    assert!(
        sample(&after, "latchkey_sessions") >= 1.0,
        "the signed-in session"
    );
    assert!(after.contains_key("latchkey_outbox_unsent"));
    assert!(after.contains_key("latchkey_hash_wait_seconds_count"));
    // Not on the site's own address.
    let site = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(site.status(), StatusCode::NOT_FOUND);
    // A made-up server function is counted as "other", not as a new route.
    app.client
        .post(app.url("/api/made_up_123"))
        .send()
        .await
        .unwrap();
    let labels = scrape(port).await;
    assert!(!labels.keys().any(|k| k.contains("made_up_123")));
}

/// Runs `act` on a server process that logs JSON with `vars` set, stops
/// it, and answers what `act` answered, the whole log and its JSON lines.
fn with_json_logs<T>(
    vars: &[(&str, &str)],
    act: impl AsyncFnOnce(&Running) -> T,
) -> (T, String, Vec<serde_json::Value>) {
    let _turn = crate::harness::exclusive_turn();
    let dir = tempfile::tempdir().unwrap();
    let (runtime, url) = runtime_and_database(dir.path());
    let mut command = server(dir.path(), &url);
    command
        .env("LATCHKEY_LOG_FORMAT", "json")
        .envs(vars.iter().copied());
    let running = Running::start(command);
    let answer = runtime.block_on(act(&running));
    running.signal("-TERM");
    let (_, log) = running.wait();
    let lines = log
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}")))
        .collect();
    (answer, log, lines)
}

#[test]
fn json_logs_carry_each_requests_id() {
    let (id, log, lines) =
        with_json_logs(&[("RUST_LOG", "info,tower_http=debug")], async |running| {
            let answer = running
                .client()
                .get(running.url("/healthz"))
                .send()
                .await
                .unwrap();
            let id = answer.headers()["x-request-id"]
                .to_str()
                .unwrap()
                .to_string();
            let given = running
                .client()
                .get(running.url("/"))
                .header("x-request-id", "from-the-proxy-42")
                .send()
                .await
                .unwrap();
            assert_eq!(
                given.headers()["x-request-id"],
                "from-the-proxy-42",
                "a proxy's id is kept"
            );
            id
        });
    assert!(lines.len() >= 3, "{log}");
    for wanted in [id.as_str(), "from-the-proxy-42"] {
        assert!(
            lines.iter().any(|l| l["span"]["request_id"] == wanted),
            "no line with request id {wanted}: {log}"
        );
    }
    assert!(lines.iter().any(|l| l["fields"]["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("listening on"))));
}

/// Refusals are logged as security events, each in its request's span: an
/// admin function called by a plain user (with who asked), and log-ins
/// past the per-address limit, sent at once.
#[test]
fn refused_authorization_and_throttled_attempts_are_logged() {
    let vars = [("LATCHKEY_LOGINS_PER_IP_PER_MINUTE", "2")];
    let ((), log, lines) = with_json_logs(&vars, async |running| {
        let browser = running.client();
        let form = [
            ("username", "plain"),
            ("email", "plain@example.test"),
            ("password", PASSWORD),
        ];
        let made = browser.post(running.url("/api/register")).form(&form);
        assert_eq!(made.send().await.unwrap().status(), StatusCode::OK);
        let admin = browser
            .post(running.url("/api/admin_users"))
            .form(&[("query", "")]);
        assert_eq!(admin.send().await.unwrap().status(), StatusCode::FORBIDDEN);
        let mut guesses = tokio::task::JoinSet::new();
        for _ in 0..6 {
            let request = running
                .client()
                .post(running.url("/api/login"))
                .form(&[("username", "plain"), ("password", "a wrong guess here")]);
            guesses.spawn(async move { request.send().await.unwrap().status() });
        }
        let statuses = guesses.join_all().await;
        assert!(
            statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
            "{statuses:?}"
        );
    });
    // The request's own span, among the line's spans.
    let request = |line: &serde_json::Value| {
        let spans = line["spans"].as_array().cloned().unwrap_or_default();
        spans.into_iter().find(|s| s.get("request_id").is_some())
    };
    let logged = |message: &str, path: &str| {
        lines.iter().find(|l| {
            l["fields"]["message"].as_str() == Some(message)
                && request(l).is_some_and(|span| span["path"] == path)
        })
    };
    let refused = logged(
        "an admin function was refused to a non-admin",
        "/api/admin_users",
    )
    .unwrap_or_else(|| panic!("no refusal logged: {log}"));
    assert!(refused["fields"]["user"].is_number(), "{refused}");
    let span = request(refused).unwrap_or_default();
    assert!(span["request_id"].is_string(), "{refused}");
    assert_eq!(span["method"], "POST", "{refused}");
    // In UTC, said so (ASVS 5.0 16.2.2).
    let at = refused["timestamp"].as_str().unwrap_or_default();
    assert!(at.ends_with('Z') && at.contains('T'), "{refused}");
    assert!(
        logged("refused: not allowed (403)", "/api/admin_users").is_some(),
        "{log}"
    );
    assert!(
        logged("refused: too many attempts (429)", "/api/login").is_some(),
        "{log}"
    );
}

/// A flood of made-up HTTP methods, sent at once, adds one `other` label and
/// nothing else: a client cannot grow the label set (and so the memory the
/// metrics take) without bound.
#[tokio::test]
async fn made_up_methods_are_counted_as_other() {
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let app = TestApp::start_with(&[("LATCHKEY_METRICS_ADDR", &addr)]).await;
    let before = scrape(port).await.len();
    let mut flood = tokio::task::JoinSet::new();
    for i in 0..200 {
        let client = app.stranger();
        let method = reqwest::Method::from_bytes(format!("MADEUP{i}X").as_bytes()).unwrap();
        let url = app.url(if i % 2 == 0 { "/" } else { "/api/login" });
        flood.spawn(async move { client.request(method, url).send().await.unwrap().status() });
    }
    let answers = flood.join_all().await;
    assert!(answers.iter().all(|s| !s.is_server_error()), "{answers:?}");
    let after = scrape(port).await;
    assert!(
        !after.keys().any(|k| k.contains("MADEUP")),
        "a made-up method became a label"
    );
    assert!(
        after.keys().any(|k| k.contains(r#"method="other""#)),
        "made-up methods are counted as other"
    );
    // One series per (route, method) for the histogram's buckets, sum and
    // count, and per (route, status): a handful, not 200.
    assert!(
        after.len() < before + 60,
        "{} new series",
        after.len() - before
    );
}

/// A client's `x-request-id` that could forge fields in a text log line
/// (spaces, `=`, quotes, a line break) or that is too long is replaced by a
/// new id; a safe one is kept.
#[test]
fn an_unsafe_request_id_is_replaced() {
    let _turn = crate::harness::exclusive_turn();
    let dir = tempfile::tempdir().unwrap();
    let (runtime, url) = runtime_and_database(dir.path());
    let running = Running::start(server(dir.path(), &url));
    let forged = r#"x" user=admin level=ERROR msg="forged"#;
    let long = "a".repeat(65);
    let answers = runtime.block_on(async {
        let mut answers = Vec::new();
        for given in [forged, long.as_str(), "proxy-7f3a_9.1:2"] {
            let answer = running
                .client()
                .get(running.url("/healthz"))
                .header("x-request-id", given)
                .send()
                .await
                .unwrap();
            answers.push(
                answer.headers()["x-request-id"]
                    .to_str()
                    .unwrap()
                    .to_string(),
            );
        }
        answers
    });
    running.signal("-TERM");
    let (_, log) = running.wait();
    assert_ne!(answers[0], forged);
    assert_eq!(answers[0].len(), 36, "a new UUID: {}", answers[0]);
    assert_ne!(answers[1], long);
    assert_eq!(answers[2], "proxy-7f3a_9.1:2", "a safe id is kept");
    assert!(!log.contains("user=admin"), "{log}");
}
