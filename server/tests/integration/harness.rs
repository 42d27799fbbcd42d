use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use latchkey::clock::Clock;
use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::{HeaderMap, ACCEPT, COOKIE, ORIGIN, REFERER};
use reqwest::{redirect, Client, Response, StatusCode, Url};
use serde_json::Value;
use server::Config;

pub const PASSWORD: &str = "correct horse battery staple";

/// One app at a time in this process. Leptos keeps process-wide state (route
/// ids, the route generator's dry render), and with several app instances in
/// one process a page render now and then stalls for good. A deployment runs one
/// instance per process, where hammering with concurrent renders never stalls
/// (see the foundation issue's note), so the tests take turns instead.
static ONE_APP_AT_A_TIME: LazyLock<Arc<tokio::sync::Mutex<()>>> = LazyLock::new(Default::default);

/// This test's turn, for tests that run the server binary instead of a
/// [`TestApp`]: they share the PostgreSQL server that the outage test stops
/// and starts, so they must not run while it does.
pub fn exclusive_turn() -> tokio::sync::OwnedMutexGuard<()> {
    ONE_APP_AT_A_TIME.clone().blocking_lock_owned()
}

/// One running app with its own database, and a browser-like client for it.
pub struct TestApp {
    pub base: String,
    /// What the app's pages' `Origin` is (https behind a TLS proxy).
    pub origin: String,
    pub client: Client,
    pub jar: Arc<Jar>,
    pub config: Config,
    _dir: tempfile::TempDir,
    _turn: tokio::sync::OwnedMutexGuard<()>,
}

impl TestApp {
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// Starts the app with extra configuration variables.
    pub async fn start_with(vars: &[(&str, &str)]) -> Self {
        Self::start_with_clock(vars, Clock::system()).await
    }

    /// Starts the app on a clock the test moves.
    pub async fn start_with_clock(vars: &[(&str, &str)], clock: Clock) -> Self {
        Self::launch(vars, clock, None).await
    }

    /// Starts the app as the site at `origin` (its `LATCHKEY_PUBLIC_ORIGIN`,
    /// and the `Origin` its client's requests carry), as passkeys need: a
    /// browser refuses them for an IP address.
    pub async fn start_at(origin: &str, clock: Clock) -> Self {
        Self::launch(&[], clock, Some(origin)).await
    }

    async fn launch(vars: &[(&str, &str)], clock: Clock, origin: Option<&str>) -> Self {
        let turn = ONE_APP_AT_A_TIME.clone().lock_owned().await;
        let dir = tempfile::tempdir().expect("temp dir");
        let mut map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if !map.contains_key("DATABASE_URL") {
            map.insert("DATABASE_URL".into(), fresh_database(dir.path()).await);
        }
        if let Some(origin) = origin {
            map.insert("LATCHKEY_PUBLIC_ORIGIN".into(), origin.into());
        }
        map.entry("LATCHKEY_HASH_CONCURRENCY".into())
            .or_insert("2".into());
        // As `make run` serves: the mailbox and the key kept in the database
        // are on. The production default has its own tests (`startup.rs`).
        map.entry("LEPTOS_ENV".into()).or_insert("DEV".into());
        // Every test client comes from 127.0.0.1; tests of the per-address
        // limits set their own.
        for limit in [
            "LATCHKEY_LOGINS_PER_IP_PER_MINUTE",
            "LATCHKEY_REGISTRATIONS_PER_IP_PER_HOUR",
            "LATCHKEY_STRENGTH_CHECKS_PER_IP_PER_MINUTE",
            "LATCHKEY_MAILED_LINKS_PER_IP_PER_HOUR",
        ] {
            map.entry(limit.into()).or_insert("100000".into());
        }
        let config = Config::from_lookup(|k| map.get(k).cloned()).expect("test configuration");
        let router = server::build_with_clock(&config, clock)
            .await
            .expect("app builds");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind port 0");
        let base = format!("http://{}", listener.local_addr().expect("local addr"));
        tokio::spawn(async move {
            let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
            axum::serve(listener, service).await.expect("server runs");
        });
        let jar = Arc::new(Jar::default());
        // With secure cookies the app stands behind a TLS proxy: pages are https.
        let origin = match origin {
            Some(origin) => origin.to_string(),
            None if config.secure_cookies => base.replace("http://", "https://"),
            None => base.clone(),
        };
        Self {
            client: client(&origin, Some(jar.clone())),
            origin,
            base,
            jar,
            config,
            _dir: dir,
            _turn: turn,
        }
    }

    /// Another browser with its own cookies, signed in as `username`.
    pub async fn second_browser(&self, username: &str, user_agent: &str) -> Client {
        let browser = builder(&self.origin)
            .cookie_store(true)
            .user_agent(user_agent)
            .build()
            .expect("http client");
        let response = browser
            .post(self.url("/api/login"))
            .form(&[("username", username), ("password", PASSWORD)])
            .send()
            .await
            .expect("request");
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "the second browser signs in"
        );
        browser
    }

    /// A second, cookie-less browser on the same app.
    pub fn stranger(&self) -> Client {
        client(&self.origin, None)
    }

    /// A new browser that keeps its own cookies.
    pub fn stranger_with_cookies(&self) -> Client {
        client(&self.origin, Some(Arc::new(Jar::default())))
    }

    /// A browser with its own cookies in `jar`.
    pub fn browser_with(&self, jar: Arc<Jar>) -> Client {
        client(&self.origin, Some(jar))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The session cookie this client holds, as `name=value`.
    pub fn session_cookie(&self) -> Option<String> {
        let url: Url = self.base.parse().expect("base url");
        let header = self.jar.cookies(&url)?;
        let name = latchkey::sessions::session_cookie_name(self.config.secure_cookies);
        header
            .to_str()
            .ok()?
            .split("; ")
            .find(|c| c.starts_with(&format!("{name}=")))
            .map(str::to_string)
    }

    /// POSTs a form to a server function, as the hydrated app does.
    pub async fn post(&self, function: &str, form: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(&format!("/api/{function}")))
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// POSTs a form the way a browser without JavaScript does.
    pub async fn post_html(
        &self,
        function: &str,
        form: &[(&str, &str)],
        referer: &str,
    ) -> Response {
        self.client
            .post(self.url(&format!("/api/{function}")))
            .header(ACCEPT, "text/html,application/xhtml+xml")
            .header(REFERER, self.url(referer))
            .form(form)
            .send()
            .await
            .expect("request")
    }

    pub async fn register(&self, username: &str, password: &str) -> Response {
        self.post(
            "register",
            &[
                ("username", username),
                ("email", &format!("{username}@example.test")),
                ("password", password),
            ],
        )
        .await
    }

    pub async fn log_in(&self, username: &str, password: &str) -> Response {
        self.post("login", &[("username", username), ("password", password)])
            .await
    }

    /// Logs in with "Remember me" ticked.
    pub async fn log_in_remembered(&self, username: &str) -> Response {
        let form = [
            ("username", username),
            ("password", PASSWORD),
            ("remember", "on"),
        ];
        self.post("login", &form).await
    }

    pub async fn log_out(&self) -> Response {
        self.post("logout", &[]).await
    }

    /// The signed-in username, or `None`.
    pub async fn current_username(&self) -> Option<String> {
        current_username(&self.client, &self.base, None).await
    }

    /// Runs a `SELECT COUNT(*) ...` (with one integer parameter, if given)
    /// on the app's database file, as an operator would.
    pub async fn count(&self, sql: &str, param: Option<i64>) -> i64 {
        let pool = self.database().await;
        let mut query = sqlx::query_scalar::<_, i64>(sql);
        if let Some(param) = param {
            query = query.bind(param);
        }
        let count = query.fetch_one(&pool).await.expect(sql);
        pool.close().await;
        count
    }

    /// The id of the user with this exact name.
    pub async fn user_id(&self, username: &str) -> i64 {
        let pool = self.database().await;
        let id = sqlx::query_scalar("SELECT id FROM latchkey_users WHERE username = $1")
            .bind(username)
            .fetch_one(&pool)
            .await
            .expect("the user exists");
        pool.close().await;
        id
    }

    /// The app's database, SQLite or PostgreSQL, as an operator opens it.
    pub async fn database(&self) -> sqlx::AnyPool {
        open_database(&self.config.database_url).await
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }
}

/// What `current_user` answers for a request with exactly this Cookie header.
pub async fn current_username(client: &Client, base: &str, cookie: Option<&str>) -> Option<String> {
    let no_fields: [(&str, &str); 0] = [];
    let mut request = client
        .post(format!("{base}/api/current_user"))
        .form(&no_fields);
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    let response = request.send().await.expect("request");
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "current_user must answer 200"
    );
    let body: Value = response.json().await.expect("json");
    body.get("username")
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn client(origin: &str, jar: Option<Arc<Jar>>) -> Client {
    let mut builder = builder(origin);
    if let Some(jar) = jar {
        builder = builder.cookie_provider(jar);
    }
    builder.build().expect("http client")
}

/// A client that behaves like a browser on the app's own pages: it sends the
/// page's `Origin` with every request (as browsers do with POSTs) and never
/// follows redirects. A hung request fails its test with the URL instead of
/// stalling the suite.
pub fn builder(origin: &str) -> reqwest::ClientBuilder {
    let mut headers = HeaderMap::new();
    headers.insert(
        ORIGIN,
        reqwest::header::HeaderValue::from_str(origin).expect("an origin"),
    );
    Client::builder()
        .default_headers(headers)
        .redirect(redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(20))
}

/// Every `Set-Cookie` header of a response.
pub fn set_cookies(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .collect()
}

/// A response's `Location` header.
pub fn location(response: &Response) -> Option<String> {
    response
        .headers()
        .get(reqwest::header::LOCATION)?
        .to_str()
        .ok()
        .map(str::to_string)
}

/// Where the page at `path` sends a browser carrying only `cookie` (a
/// `Cookie` header value), when it redirects.
pub async fn redirect_with_cookie(app: &TestApp, path: &str, cookie: &str) -> Option<String> {
    let response = app
        .stranger()
        .get(app.url(path))
        .header(reqwest::header::COOKIE, cookie)
        .send()
        .await
        .unwrap();
    location(&response)
}

/// A fresh valid username for a test.
/// A movable clock standing at `seconds` after the epoch.
pub fn clock_at(seconds: i64) -> Clock {
    Clock::manual(latchkey::domain::UnixTime::from_seconds(seconds))
}

/// A count of seconds as a span, for [`Clock::advance`].
pub fn secs(seconds: i64) -> std::time::Duration {
    std::time::Duration::from_secs(seconds.unsigned_abs())
}

pub fn unique_name(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!("{prefix}-{:03}", N.fetch_add(1, Ordering::Relaxed))
}

/// Whether this run of the suite is on PostgreSQL (`LATCHKEY_TEST_DATABASE=postgres`,
/// as `make test`'s second run sets) rather than SQLite.
pub fn on_postgres() -> bool {
    std::env::var("LATCHKEY_TEST_DATABASE").is_ok_and(|v| v == "postgres")
}

/// A new, empty database for one app: a file in `dir`, or a fresh database on
/// the suite's throwaway PostgreSQL server.
pub async fn fresh_database(dir: &std::path::Path) -> String {
    if on_postgres() {
        throwaway_postgres::fresh_database().await
    } else {
        format!("sqlite://{}", dir.join("test.db").display())
    }
}

/// Opens any app database from the test side.
pub async fn open_database(url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::pool::PoolOptions::<sqlx::Any>::new()
        .max_connections(1)
        .connect(url)
        .await
        .expect("open the test database")
}
