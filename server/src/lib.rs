//! Latchkey's axum server: configuration, database, layers and router. `main.rs`
//! only reads the configuration and serves what [`build`] returns, so the
//! integration tests run exactly this app on a random port.

pub mod cli;
pub mod config;
mod form_errors;
mod health;
mod layers;
mod mailbox;
mod metrics;

use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use app::{shell, App};
use axum::body::Body;
use axum::extract::{FromRef, Request, State};
use axum::handler::HandlerWithoutStateExt;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use latchkey::accounts::Accounts;
use latchkey::auth::{Auth, Links};
use latchkey::clock::Clock;
use latchkey::keys::Signer;
use latchkey::mail::{MailWaker, MailWorker};
use latchkey::password::PasswordHasher;
use latchkey::sessions::{RememberCookie, SessionPolicy, SessionTable};
use latchkey::store::Store;
use latchkey::throttle::{AccountThrottle, AddressLimits, AddressQuotas, KnownBrowsers};
use latchkey::web::Kit;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

pub use config::Config;

/// What every handler can reach. axum clones the state for each extractor and
/// middleware, and the context clones each service again: behind one `Arc`
/// (and an `Arc` per service) each of those is a single counter increment.
/// Cloned field by field, the services' pools, hashers and options took 28%
/// of the CPU of a `current_user` request under load.
#[derive(Clone)]
pub struct AppState(Arc<Services>);

/// The services themselves.
pub struct Services {
    leptos_options: LeptosOptions,
    auth: Arc<Auth>,
    remember: RememberCookie,
    limits: AddressLimits,
}

impl Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

impl AppState {
    /// Hands the core's services to server functions and pages; called once per
    /// request, so the identity cache is the request's own.
    fn provide(&self) {
        provide_context(app::api::RequestIdentity::default());
        provide_context(self.auth.clone());
        provide_context(self.remember);
        provide_context(self.limits.clone());
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Opens the database, runs migrations and assembles the router with its layers.
pub async fn build(config: &Config) -> anyhow::Result<Router> {
    build_with_clock(config, Clock::system()).await
}

/// [`build`] on a given clock, so tests can move time instead of waiting.
pub async fn build_with_clock(config: &Config, clock: Clock) -> anyhow::Result<Router> {
    tracing::info!("{}", config.mode_line());
    for warning in config.production_warnings() {
        tracing::warn!("{warning}");
    }
    let (store, accounts, browsers) = open(config, &clock).await?;
    let form_signer = Signer::load(&store, form_errors::KEY_NAME)
        .await
        .context("cannot read or make the form error key")?;
    // Mail goes out from every app server that has SMTP configured; without
    // it, mail waits in the outbox (and the development mailbox shows it).
    let mut mail_waker = MailWaker::default();
    if let Some(smtp) = &config.smtp {
        let sender = smtp.sender().context("LATCHKEY_SMTP_URL")?;
        let poll = Duration::from_secs(5);
        let worker = MailWorker::new(store.clone(), clock.clone(), sender, poll);
        mail_waker = worker.waker();
        tokio::spawn(worker.run());
    }
    let mailbox = store.clone();
    if let Some(addr) = config.metrics_addr {
        metrics::serve(addr, store.clone(), clock.clone()).await?;
    }
    let secrets = factor_secrets(config, &store).await?;
    // Links in mail point at the configured public origin, never at a
    // request's Host; unset, at the address the server listens on.
    let origin = config
        .public_origin
        .clone()
        .unwrap_or_else(|| format!("http://{}", config.leptos.site_addr));
    let links = Links::new(&origin);
    // Passkeys belong to the same origin's host name.
    let relying_party = latchkey::factors::RelyingParty::new(&origin);
    if let Err(why) = &relying_party {
        tracing::warn!("passkeys are off: {why}");
    }
    // In the database on PostgreSQL, so that several app servers share them.
    let limits = AddressLimits::for_store(
        &store,
        &clock,
        AddressQuotas {
            logins_per_minute: config.logins_per_ip_per_minute,
            registrations_per_hour: config.registrations_per_ip_per_hour,
            strength_checks_per_minute: config.strength_checks_per_ip_per_minute,
            mailed_links_per_hour: config.mailed_links_per_ip_per_hour,
        },
    );
    let sessions = SessionPolicy::new(store, clock.clone(), config.lifetimes);
    tokio::spawn(sweep(
        sessions.table(),
        accounts.throttle().clone(),
        limits.clone(),
    ));
    let mut auth = Auth::new(accounts, sessions, browsers)
        .with_links(links)
        .with_mail_waker(mail_waker)
        .with_verified_for(config.verified_for)
        .with_second_factor_rule(config.second_factor_rule)
        .with_relying_party(relying_party);
    if let Some(secrets) = secrets {
        auth = auth.with_secret_box(secrets);
    }
    // The host kit, as any axum app would use it: sessions, remember-me
    // resume, the cross-site check and the client's address.
    let kit = Kit::new(Arc::new(auth), config.secure_cookies)
        .public_origin(config.public_origin.as_deref(), &config.trusted_origins)
        .trusted_proxies(config.trusted_proxies)
        .cross_site_answer(Arc::new(layers::cross_site_refused));
    let state = AppState(Arc::new(Services {
        leptos_options: config.leptos.clone(),
        auth: kit.auth().clone(),
        remember: kit.remember_cookie(),
        limits,
    }));
    let routes = generate_route_list(App);
    let context = {
        let state = state.clone();
        move || state.provide()
    };
    let mut router = Router::new();
    if config.mode.is_development() {
        router = router.route(
            "/dev/mailbox",
            get(mailbox::dev_mailbox).with_state(mailbox),
        );
    }
    let router = router
        .route("/healthz", get(health::healthz))
        .route("/api/{*name}", post(server_fn).get(server_fn))
        .leptos_routes_with_context(&state, routes, context, {
            let options = config.leptos.clone();
            move || shell(options.clone())
        });
    // Remember-me resume on pages and server functions only: static files
    // (added below) never start a session.
    let router = kit
        .resume(router)
        // Timed by route (pages and server functions).
        .route_layer(axum::middleware::from_fn_with_state(
            metrics::Routes::of_server_functions(),
            metrics::track,
        ))
        .nest_service("/pkg", built_files(config))
        // Static files, else the 404 page, rendered with the app's context
        // so that a signed-in visitor stays signed in there.
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(
            {
                let state = state.clone();
                move || state.provide()
            },
            shell,
        ));
    let router = kit
        .around(router)
        .layer(axum::middleware::from_fn_with_state(
            form_signer,
            form_errors::sign_form_errors,
        ))
        .with_state(state);
    Ok(layers::around(router, config))
}

/// The database (migrated), the accounts over it and the known-browser
/// key: what the server and `server admin` both start from.
pub(crate) async fn open(
    config: &Config,
    clock: &Clock,
) -> anyhow::Result<(Store, Accounts, KnownBrowsers)> {
    let store = Store::connect(&config.database_url)
        .await
        .with_context(|| {
            let url = config::redacted(&config.database_url);
            format!("DATABASE_URL: cannot open {url}")
        })?;
    let hasher = PasswordHasher::with_pepper(
        config.hash_cost,
        config.hash_concurrency,
        config.pepper.clone(),
    )?;
    let accounts = Accounts::new(store.clone(), hasher, clock.clone());
    let browsers = KnownBrowsers::load(&store, config.secure_cookies)
        .await
        .context("cannot read or make the known-browser cookie key")?;
    Ok((store, accounts, browsers))
}

/// The build's wasm, JS and CSS (precompressed by `make release`).
///
/// A site build names each file after its contents (`latchkey.<hash>.wasm`):
/// a name is never reused for other bytes, so a browser may keep a file for a
/// year without asking again (`immutable`), and a deploy changes the names the
/// pages link. Without hashed names (`LEPTOS_HASH_FILES=false`) a browser must
/// ask whether its copy changed before using it (`no-cache`) and is answered
/// `304` when it did not: a copy kept by guesswork would be the old wasm under
/// the new pages. (Leptos's own file handler passes only `Accept-Encoding` on,
/// so it could never answer `304`.)
fn built_files(config: &Config) -> Router {
    let options = &config.leptos;
    let dir = format!("{}/{}", options.site_root, options.site_pkg_dir);
    let files = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .not_found_service(no_such_file.into_service());
    let hashed = options.hash_files;
    Router::new()
        .fallback_service(files)
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            move |response: &axum::response::Response| {
                Some(HeaderValue::from_static(
                    if hashed && response.status().is_success() {
                        "public, max-age=31536000, immutable"
                    } else {
                        "no-cache"
                    },
                ))
            },
        ))
}

async fn no_such_file() -> (StatusCode, &'static str) {
    (StatusCode::NOT_FOUND, "There is no such file.")
}

async fn server_fn(State(state): State<AppState>, request: Request<Body>) -> impl IntoResponse {
    handle_server_fns_with_context(move || state.provide(), request).await
}

/// Hourly: deletes expired sessions (and the devices only they signed in),
/// and forgets throttle records that no longer lock anything.
async fn sweep(sessions: SessionTable, throttle: AccountThrottle, limits: AddressLimits) {
    let mut every_hour = tokio::time::interval(Duration::from_secs(60 * 60));
    loop {
        every_hour.tick().await;
        if let Err(e) = sessions.delete_expired().await {
            tracing::warn!(error = %e, "could not delete expired sessions");
        }
        if let Err(e) = limits.forget_idle().await {
            tracing::warn!(error = %e, "could not forget old address counts");
        }
        if let Err(e) = throttle.purge().await {
            tracing::warn!(error = %e, "could not purge old throttle records");
        }
    }
}

/// Resolves at SIGTERM or Ctrl-C, so in-flight requests finish before exit.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

/// The key that seals authenticator secrets: `LATCHKEY_SECRET_KEY`; unset,
/// a development server makes one and keeps it in the database (which
/// protects nothing from a thief of the database, so it says so), and a
/// production server offers no authenticator.
async fn factor_secrets(
    config: &Config,
    store: &Store,
) -> anyhow::Result<Option<latchkey::factors::SecretBox>> {
    if let Some(key) = &config.secret_key {
        return Ok(Some(key.clone()));
    }
    if !config.mode.is_development() {
        return Ok(None);
    }
    tracing::warn!(
        "LATCHKEY_SECRET_KEY is unset: authenticator secrets are sealed with a development key \
         kept in the database; set it (openssl rand -hex 32) before real use"
    );
    let key = latchkey::factors::SecretBox::kept_in(store, "totp-development")
        .await
        .context("cannot read or make the development secret key")?;
    Ok(Some(key))
}
