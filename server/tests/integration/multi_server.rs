//! Several app servers on one database: what one server does to a session,
//! every other server sees at its next request (no per-process cache).

use reqwest::header::ORIGIN;
use reqwest::StatusCode;

use crate::process::{runtime_and_database, server, set_cookie, Running, PASSWORD};

/// POSTs a form to `server` as its own page would, with exactly `cookie`;
/// returns the status, the new session cookie if one was set, and the body.
async fn call(
    server: &Running,
    function: &str,
    cookie: Option<&str>,
    form: &[(&str, &str)],
) -> (StatusCode, Option<String>, String) {
    call_from(server, &server.address, function, cookie, form).await
}

/// [`call`] from a page at `origin`.
async fn call_from(
    server: &Running,
    origin: &str,
    function: &str,
    cookie: Option<&str>,
    form: &[(&str, &str)],
) -> (StatusCode, Option<String>, String) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut request = client
        .post(server.url(&format!("/api/{function}")))
        .header(ORIGIN, origin)
        .form(form);
    if let Some(cookie) = cookie {
        request = request.header(reqwest::header::COOKIE, cookie);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let session =
        set_cookie(&response, "latchkey_session").map(|v| format!("latchkey_session={v}"));
    (status, session, response.text().await.unwrap())
}

/// `command` with a key to seal authenticator secrets (a production server
/// offers authenticators only with one).
fn keyed(mut command: std::process::Command) -> std::process::Command {
    command.env("LATCHKEY_SECRET_KEY", "5a".repeat(32));
    command
}

/// Sets up an authenticator for the session `cookie` on `server`: the
/// session's cookie afterwards.
async fn with_authenticator(server: &Running, cookie: &str) -> String {
    let (begun, _, body) = call(server, "begin_totp", Some(cookie), &[]).await;
    assert_eq!(begun, StatusCode::OK, "{body}");
    let (_, _, status) = call(server, "security_status", Some(cookie), &[]).await;
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    let shown = status["totp"]["Enrolling"]["secret"].as_str().unwrap();
    let secret = latchkey::factors::TotpSecret::from_display(shown).unwrap();
    let code =
        crate::second_factor::code(&secret, latchkey::clock::Clock::system().now().seconds());
    let (on, cycled, body) = call(server, "confirm_totp", Some(cookie), &[("code", &code)]).await;
    assert_eq!(on, StatusCode::OK, "{body}");
    cycled.unwrap_or_else(|| cookie.to_string())
}

#[test]
fn two_app_servers_on_one_database_share_sign_ins_and_revocations_at_once() {
    let _turn = crate::harness::exclusive_turn();
    let dir = tempfile::tempdir().unwrap();
    let (runtime, url) = runtime_and_database(dir.path());
    let a = Running::start(server(dir.path(), &url));
    let b = Running::start(server(dir.path(), &url));
    runtime.block_on(async {
        // Signed in through A, known on B.
        let form = [
            ("username", "shared"),
            ("email", "shared@example.test"),
            ("password", PASSWORD),
        ];
        let (status, first, _) = call(&a, "register", None, &form).await;
        assert_eq!(status, StatusCode::OK);
        let first = first.expect("a session cookie");
        let (_, _, who) = call(&b, "current_user", Some(&first), &[]).await;
        assert!(
            who.contains("\"username\":\"shared\""),
            "B knows the session: {who}"
        );

        // Logged out through B: A refuses the old cookie at its next request.
        let (status, _, _) = call(&b, "logout", Some(&first), &[]).await;
        assert_eq!(status, StatusCode::OK);
        let (_, _, who) = call(&a, "current_user", Some(&first), &[]).await;
        assert_eq!(who, "null", "A no longer accepts the logged-out session");

        // A device signed in on A, revoked from B: A refuses it at once.
        let (status, laptop, body) = call(&a, "login", None, &form).await;
        let laptop = laptop.unwrap_or_else(|| panic!("no session cookie: {status} {body}"));
        let (status, phone, body) = call(&b, "login", None, &form).await;
        let phone = phone.unwrap_or_else(|| panic!("no session cookie: {status} {body}"));
        let (status, _, _) = call(&b, "revoke_other_devices", Some(&phone), &[]).await;
        assert_eq!(status, StatusCode::OK);
        let (_, _, who) = call(&a, "current_user", Some(&laptop), &[]).await;
        assert_eq!(who, "null", "A refuses the device B signed out");
        let (_, _, who) = call(&a, "current_user", Some(&phone), &[]).await;
        assert!(
            who.contains("shared"),
            "and still knows the one that stayed"
        );
    });
    for running in [a, b] {
        running.signal("-TERM");
        running.wait();
    }
}

/// A code pending on one server is finished on another: the "password
/// given" state lives in the shared session store, and both servers open
/// the secret with the configured key.
#[test]
fn a_sign_in_started_on_one_server_takes_its_code_on_another() {
    use latchkey::factors::TotpSecret;

    let _turn = crate::harness::exclusive_turn();
    let dir = tempfile::tempdir().unwrap();
    let (runtime, url) = runtime_and_database(dir.path());
    let key = "7".repeat(64);
    let start = || {
        let mut command = server(dir.path(), &url);
        command.env("LATCHKEY_SECRET_KEY", &key);
        Running::start(command)
    };
    let (a, b) = (start(), start());
    let code = |secret: &TotpSecret, ahead: i64| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        format!("{:06}", secret.code_at_step(now / 30 + ahead))
    };
    runtime.block_on(async {
        let form = [
            ("username", "twofactor"),
            ("email", "twofactor@example.test"),
            ("password", PASSWORD),
        ];
        let (_, cookie, _) = call(&a, "register", None, &form).await;
        let cookie = cookie.expect("signed in");
        call(&a, "begin_totp", Some(&cookie), &[]).await;
        let (_, _, status) = call(&b, "security_status", Some(&cookie), &[]).await;
        let status: serde_json::Value = serde_json::from_str(&status).unwrap();
        let secret = status["totp"]["Enrolling"]["secret"]
            .as_str()
            .expect("B opens A's secret");
        let secret = TotpSecret::from_display(secret).unwrap();
        let (confirmed, _, _) = call(
            &b,
            "confirm_totp",
            Some(&cookie),
            &[("code", &code(&secret, 0))],
        )
        .await;
        assert_eq!(confirmed, StatusCode::OK);

        // The password through A; the code through B.
        let form = [("username", "twofactor"), ("password", PASSWORD)];
        let (status, pending, _) = call(&a, "login", None, &form).await;
        assert_eq!(status, StatusCode::OK);
        let pending = pending.expect("a pending session");
        let (_, _, who) = call(&b, "current_user", Some(&pending), &[]).await;
        assert_eq!(who, "null", "pending is signed in nowhere");
        let (status, signed_in, _) = call(
            &b,
            "verify_factor",
            Some(&pending),
            &[("code", &code(&secret, 1))],
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let signed_in = signed_in.expect("a new session id");
        let (_, _, who) = call(&a, "current_user", Some(&signed_in), &[]).await;
        assert!(who.contains("\"username\":\"twofactor\""), "{who}");
    });
    for server in [a, b] {
        server.signal("-TERM");
        server.wait();
    }
}

/// A passkey ceremony begun on one server is finished on another: its
/// state is in the shared session store.
#[test]
fn a_passkey_ceremony_begun_on_one_server_finishes_on_another() {
    use software_passkey::Authenticator;

    const SITE: &str = "http://localhost";
    let _turn = crate::harness::exclusive_turn();
    let dir = tempfile::tempdir().unwrap();
    let (runtime, url) = runtime_and_database(dir.path());
    let start = || {
        let mut command = server(dir.path(), &url);
        command.env("LATCHKEY_PUBLIC_ORIGIN", SITE);
        Running::start(command)
    };
    let (a, b) = (start(), start());
    runtime.block_on(async {
        let mut device = Authenticator::new(SITE);
        let form = [
            ("username", "keyholder"),
            ("email", "keyholder@example.test"),
            ("password", PASSWORD),
        ];
        let (_, cookie, _) = call_from(&a, SITE, "register", None, &form).await;
        let cookie = cookie.expect("signed in");
        let (_, _, options) =
            call_from(&a, SITE, "passkey_registration_options", Some(&cookie), &[]).await;
        let created = device.create(&serde_json::from_str::<String>(&options).unwrap());
        let form = [("name", "Phone"), ("credential", created.as_str())];
        let (added, _, body) = call_from(&b, SITE, "add_passkey", Some(&cookie), &form).await;
        assert_eq!(added, StatusCode::OK, "{body}");

        // A new browser asks A, and answers B.
        let (_, asked, options) = call_from(&a, SITE, "passkey_sign_in_options", None, &[]).await;
        let asked = asked.expect("a session for the ceremony");
        let answer = device.get(0, &serde_json::from_str::<String>(&options).unwrap());
        let form = [("credential", answer.as_str())];
        let (status, signed_in, body) =
            call_from(&b, SITE, "passkey_sign_in", Some(&asked), &form).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let signed_in = signed_in.expect("a new session id");
        let (_, _, who) = call_from(&a, SITE, "current_user", Some(&signed_in), &[]).await;
        assert!(who.contains("keyholder"), "{who}");
    });
    for running in [a, b] {
        running.signal("-TERM");
        running.wait();
    }
}

/// A lock made through one server ends the user's session on another at
/// its next request.
#[test]
fn a_lock_through_one_server_ends_the_session_on_another() {
    let _turn = crate::harness::exclusive_turn();
    let dir = tempfile::tempdir().unwrap();
    let (runtime, url) = runtime_and_database(dir.path());
    let (a, b) = (
        Running::start(keyed(server(dir.path(), &url))),
        Running::start(keyed(server(dir.path(), &url))),
    );
    runtime.block_on(async {
        let mut cookies = Vec::new();
        for name in ["the-admin", "the-user"] {
            let email = format!("{name}@example.test");
            let form = [
                ("username", name),
                ("email", &email),
                ("password", PASSWORD),
            ];
            cookies.push(
                call(&a, "register", None, &form)
                    .await
                    .1
                    .expect("signed in"),
            );
        }
        let (admin, user) = (cookies[0].clone(), cookies[1].clone());
        let granted = server(dir.path(), &url)
            .args(["admin", "grant", "the-admin"])
            .output()
            .unwrap();
        assert!(granted.status.success());
        // The console asks admins for a second factor.
        let admin = with_authenticator(&a, &admin).await;
        let (_, _, who) = call(&b, "current_user", Some(&user), &[]).await;
        assert!(who.contains("the-user"), "{who}");

        let (_, _, page) = call(&a, "admin_users", Some(&admin), &[("query", "the-user")]).await;
        let page: serde_json::Value = serde_json::from_str(&page).unwrap();
        let id = page["users"][0]["id"].to_string();
        let form = [("id", id.as_str()), ("action", "lock"), ("reason", "abuse")];
        let (locked, _, body) = call(&a, "admin_act", Some(&admin), &form).await;
        assert_eq!(locked, StatusCode::OK, "{body}");
        let (_, _, who) = call(&b, "current_user", Some(&user), &[]).await;
        assert_eq!(who, "null", "B ends the locked user's session at once");
    });
    for running in [a, b] {
        running.signal("-TERM");
        running.wait();
    }
}

/// The per-address limits are one allowance for all the app servers on a
/// PostgreSQL database: twenty "forgot password" requests from one address
/// at once, half to each server, get five through between them (in each
/// server's memory they got five each). SQLite serves one app server, whose
/// memory holds them.
#[test]
fn per_address_limits_hold_across_two_app_servers() {
    if !crate::harness::on_postgres() {
        return;
    }
    let _turn = crate::harness::exclusive_turn();
    let dir = tempfile::tempdir().unwrap();
    let (runtime, url) = runtime_and_database(dir.path());
    let start = || {
        let mut command = server(dir.path(), &url);
        command.env("LATCHKEY_MAILED_LINKS_PER_IP_PER_HOUR", "5");
        Running::start(command)
    };
    let (a, b) = (start(), start());
    let statuses = runtime.block_on(async {
        let mut requests = tokio::task::JoinSet::new();
        for n in 0..20 {
            let target = if n % 2 == 0 { a.url("") } else { b.url("") };
            let form = [("email", format!("nobody{n}@example.test"))];
            requests.spawn(async move {
                reqwest::Client::new()
                    .post(format!("{target}/api/request_password_reset"))
                    .header(ORIGIN, target)
                    .form(&form)
                    .send()
                    .await
                    .unwrap()
                    .status()
            });
        }
        requests.join_all().await
    });
    let through = statuses.iter().filter(|s| s.is_success()).count();
    assert_eq!(through, 5, "{statuses:?}");
}
