//! The host app of `examples/host_app.rs`, served on a random port over a
//! real SQLite file, driven over HTTP: the kit's session layer, remember-me
//! resume, cross-site check, extractor and refusals, as a host gets them.
#![cfg(feature = "web")]

#[path = "../examples/host_app.rs"]
mod host_app;

use std::net::SocketAddr;

use latchkey::store::Store;
use reqwest::header::{COOKIE, ORIGIN, SET_COOKIE};
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;

struct Host {
    base: String,
    _dir: tempfile::TempDir,
}

async fn serve() -> Host {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("host.db").display());
    let app = host_app::app(Store::connect(&url).await.unwrap())
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Host { base, _dir: dir }
}

impl Host {
    /// A browser: it keeps cookies, and its posts say where they come from.
    fn browser(&self) -> Client {
        Client::builder().cookie_store(true).build().unwrap()
    }

    async fn post(&self, client: &Client, path: &str, form: &[(&str, &str)]) -> Response {
        let url = format!("{}{path}", self.base);
        let request = client.post(url).header(ORIGIN, &self.base).form(form);
        request.send().await.unwrap()
    }

    async fn get(&self, client: &Client, path: &str) -> Response {
        let url = format!("{}{path}", self.base);
        client.get(url).send().await.unwrap()
    }
}

fn set_cookie(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

const PASSWORD: &str = "correct horse battery staple";

async fn json(response: Response) -> Value {
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_host_registers_logs_in_guards_a_page_and_lists_devices() {
    let host = serve().await;
    let browser = host.browser();
    let me = host.get(&browser, "/me").await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED, "guarded");
    assert!(json(me).await["error"].is_string());

    let weak = [("username", "ada"), ("email", "ada@example.com")];
    let weak = host
        .post(
            &browser,
            "/register",
            &[weak[0], weak[1], ("password", "ada")],
        )
        .await;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(weak).await["field"], "password");

    let form = [
        ("username", "ada"),
        ("email", "ada@example.com"),
        ("password", PASSWORD),
    ];
    let registered = host.post(&browser, "/register", &form).await;
    assert_eq!(registered.status(), StatusCode::OK);
    assert_eq!(json(registered).await["username"], "ada");
    let me = host.get(&browser, "/me").await;
    assert_eq!(json(me).await["username"], "ada", "registering signs in");

    let out = host.post(&browser, "/logout", &[]).await;
    assert_eq!(out.status(), StatusCode::OK);
    let me = host.get(&browser, "/me").await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED, "logged out");

    let wrong = [("username", "ada"), ("password", "not the password")];
    let wrong = host.post(&browser, "/login", &wrong).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let right = [("username", "ada"), ("password", PASSWORD)];
    let right = host.post(&browser, "/login", &right).await;
    assert_eq!(right.status(), StatusCode::OK);
    assert!(
        set_cookie(&right, "latchkey_browser").is_some(),
        "known browser"
    );
    assert!(
        set_cookie(&right, "latchkey_remember").is_none(),
        "not asked"
    );

    let devices = json(host.get(&browser, "/devices").await).await;
    let devices = devices.as_array().unwrap();
    let current: Vec<_> = devices.iter().filter(|d| d["current"] == true).collect();
    assert_eq!(current.len(), 1, "{devices:?}");
    assert_eq!(current[0]["ip"], "127.0.0.1");
}

#[tokio::test]
async fn a_remembered_browser_is_signed_back_in_and_its_token_rotates() {
    let host = serve().await;
    let browser = host.browser();
    let form = [
        ("username", "grace"),
        ("email", "grace@example.com"),
        ("password", PASSWORD),
    ];
    host.post(&browser, "/register", &form).await;
    let remembered = [
        ("username", "grace"),
        ("password", PASSWORD),
        ("remember", "true"),
    ];
    let logged_in = host.post(&browser, "/login", &remembered).await;
    let cookie = set_cookie(&logged_in, "latchkey_remember").expect("remember cookie");
    let pair = cookie.split(';').next().unwrap().to_string();

    // The browser restarted: no session, only the remember cookie.
    let restarted = Client::new();
    let url = format!("{}/me", host.base);
    let me = restarted
        .get(&url)
        .header(COOKIE, &pair)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let rotated = set_cookie(&me, "latchkey_remember").expect("rotated");
    assert_ne!(rotated.split(';').next().unwrap(), pair, "a new token");
    assert!(
        set_cookie(&me, "latchkey_session").is_some(),
        "a new session"
    );
    assert_eq!(json(me).await["username"], "grace");
}

#[tokio::test]
async fn posts_from_another_site_are_refused_before_any_session() {
    let host = serve().await;
    let browser = host.browser();
    let form = [
        ("username", "mallory"),
        ("email", "m@example.com"),
        ("password", PASSWORD),
    ];
    let url = format!("{}/register", host.base);
    let forged = browser.post(&url).header(ORIGIN, "http://evil.test");
    let forged = forged.form(&form).send().await.unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(set_cookie(&forged, "latchkey_session").is_none());
    // Neither was the account made: it can be registered now.
    let made = host.post(&browser, "/register", &form).await;
    assert_eq!(made.status(), StatusCode::OK);
}
