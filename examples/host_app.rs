//! Latchkey's core inside another axum app: the host's own SQLite pool,
//! Latchkey's session store, and three JSON routes. `make test` builds it;
//! run it with `cargo run --example host_app --features server`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use latchkey::accounts::Accounts;
use latchkey::auth::{Auth, AuthError, SignInOutcome};
use latchkey::clock::Clock;
use latchkey::domain::{CurrentUser, EmailAddress, NewPassword, PasswordAttempt, Username};
use latchkey::password::{HashCost, PasswordHasher};
use latchkey::sessions::{ClientInfo, Lifetimes, SessionPolicy};
use latchkey::store::{Pool, Store};
use latchkey::throttle::KnownBrowsers;
use serde::Deserialize;
use sqlx::sqlite::SqlitePoolOptions;
use tower_sessions::{Session, SessionManagerLayer};

#[derive(Deserialize)]
struct Credentials {
    username: String,
    password: String,
    /// Asked for at registration only.
    #[serde(default)]
    email: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // The host's pool; Latchkey runs its migrations on it beside the host's.
    let pool = SqlitePoolOptions::new()
        .connect("sqlite://host_app.db?mode=rwc")
        .await?;
    let store = Store::from_pool(Pool::Sqlite(pool)).await?;
    let hasher = PasswordHasher::new(HashCost::default(), 2)?;
    let clock = Clock::system();
    let accounts = Accounts::new(store.clone(), hasher, clock.clone());
    // Signs the cookie that exempts a browser its owner used from lockouts
    // strangers cause; the key is made once and kept in the database.
    let browsers = KnownBrowsers::load(&store, false).await?;
    let sessions = SessionPolicy::new(store, clock.clone(), Lifetimes::default());
    let layer = SessionManagerLayer::new(sessions.table()).with_secure(false);
    // Every use case (register, log in, change password ...) is a method of Auth.
    let auth = Arc::new(Auth::new(accounts, sessions, browsers));
    let app = Router::new()
        .route("/register", post(register))
        .route("/login", post(log_in))
        .route("/me", get(me))
        .layer(layer)
        .with_state(auth);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3100").await?;
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).await?;
    Ok(())
}

async fn register(
    State(auth): State<Arc<Auth>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    session: Session,
    Form(form): Form<Credentials>,
) -> Result<Json<CurrentUser>, (StatusCode, String)> {
    let username = Username::parse(&form.username).map_err(bad)?;
    let email = EmailAddress::parse(&form.email).map_err(bad)?;
    let password = NewPassword::parse(&form.password).map_err(bad)?;
    let client = client(&headers, peer);
    let user = auth
        .register(&session, &username, &email, &password, &client)
        .await;
    Ok(Json(user.map_err(refused)?))
}

async fn log_in(
    State(auth): State<Arc<Auth>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    session: Session,
    Form(form): Form<Credentials>,
) -> Result<impl IntoResponse, (StatusCode, String)> {
    let attempt = PasswordAttempt::parse(&form.password).map_err(bad)?;
    let client = client(&headers, peer);
    let remember = false;
    let cookies = headers.get(COOKIE).and_then(|v| v.to_str().ok());
    let browser = auth.recognise_browser(cookies);
    let outcome = auth
        .log_in(
            &session,
            &form.username,
            &attempt,
            remember,
            &client,
            browser.as_ref(),
        )
        .await
        .map_err(refused)?;
    // This example has no page for a second factor's code.
    let SignInOutcome::SignedIn(signed_in) = outcome else {
        let why = "this account signs in with a second factor too".to_string();
        return Err((StatusCode::UNAUTHORIZED, why));
    };
    Ok((
        [(SET_COOKIE, signed_in.known_browser.to_string())],
        Json(signed_in.user),
    ))
}

async fn me(
    State(auth): State<Arc<Auth>>,
    session: Session,
) -> Result<Json<Option<CurrentUser>>, (StatusCode, String)> {
    let me = auth.current_user(&session).await.map_err(refused)?;
    Ok(Json(me.map(|me| me.user)))
}

fn client(headers: &HeaderMap, peer: SocketAddr) -> ClientInfo {
    let agent = headers.get("user-agent").and_then(|v| v.to_str().ok());
    ClientInfo::new(agent, Some(peer.ip()))
}

fn bad(error: impl std::fmt::Display) -> (StatusCode, String) {
    (StatusCode::UNPROCESSABLE_ENTITY, error.to_string())
}

fn refused(error: AuthError) -> (StatusCode, String) {
    let status = match error {
        AuthError::InvalidCredentials => StatusCode::UNAUTHORIZED,
        AuthError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
        AuthError::UsernameTaken => StatusCode::CONFLICT,
        AuthError::WeakPassword(_) => StatusCode::UNPROCESSABLE_ENTITY,
        _ if error.is_unavailable() => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    (status, error.to_string())
}
