//! Latchkey inside another axum app, through the host kit: register, log
//! in, log out, a guarded page and the devices list, as JSON. `make test`
//! builds it and `tests/host_app.rs` drives it over HTTP; run it with
//! `cargo run --example host_app --features web`.

use axum::routing::{get, post};
use axum::{Form, Json, Router};
use latchkey::domain::{CurrentUser, Device, EmailAddress, NewPassword, PasswordAttempt, Username};
use latchkey::store::Store;
use latchkey::web::{Kit, Refusal, SetCookies, SignedIn, Visit};
use serde::Deserialize;

#[derive(Deserialize)]
struct Credentials {
    username: String,
    password: String,
    #[serde(default)]
    email: String, // asked for at registration only
    #[serde(default)]
    remember: bool,
}

/// The host's routes with the kit around them. Over plain HTTP here: say
/// `true` behind HTTPS, and give the site's public origin.
pub async fn app(store: Store) -> anyhow::Result<Router> {
    let kit = Kit::standard(store, false).await?;
    let routes = Router::new()
        .route("/register", post(register))
        .route("/login", post(log_in))
        .route("/logout", post(log_out))
        .route("/me", get(me))
        .route("/devices", get(devices));
    Ok(kit.apply(routes))
}

async fn register(
    visit: Visit,
    Form(form): Form<Credentials>,
) -> Result<Json<CurrentUser>, Refusal> {
    let username = Username::parse(&form.username)?;
    let email = EmailAddress::parse(&form.email)?;
    let password = NewPassword::parse(&form.password)?;
    Ok(Json(visit.register(&username, &email, &password).await?))
}

async fn log_in(
    visit: Visit,
    Form(form): Form<Credentials>,
) -> Result<(SetCookies, Json<CurrentUser>), Refusal> {
    let password = PasswordAttempt::parse(&form.password)?;
    let (cookies, outcome) = visit
        .log_in(&form.username, &password, form.remember)
        .await?;
    // This host has no page for a second factor's code.
    let signed_in = outcome.signed_in().ok_or(Refusal::NotSignedIn)?;
    Ok((cookies, Json(signed_in.user)))
}

async fn log_out(visit: Visit) -> Result<SetCookies, Refusal> {
    Ok(visit.log_out().await?)
}

/// A guarded page: 401 for anyone not signed in.
async fn me(SignedIn(me): SignedIn) -> Json<CurrentUser> {
    Json(me.user)
}

async fn devices(visit: Visit, SignedIn(me): SignedIn) -> Result<Json<Vec<Device>>, Refusal> {
    Ok(Json(visit.kit.auth().devices().list(&me).await?))
}

#[allow(dead_code)] // the test serves app() itself
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let app = app(Store::connect("sqlite://host_app.db?mode=rwc").await?).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3100").await?;
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    Ok(axum::serve(listener, app).await?)
}
