//! `GET /metrics` in Prometheus's text format, on its own address
//! (`LATCHKEY_METRICS_ADDR`, off by default), never on the site's.
//!
//! Counters and histograms are recorded through the `metrics` facade where
//! things happen (the core counts sign-ins and hash waits; the server fns
//! count refusals; [`track`] times every request by route). The gauges that
//! are counts in the database (live sessions, unsent mail) are read at each
//! scrape, so they are never stale.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use anyhow::Context;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use latchkey::clock::Clock;
use latchkey::store::Store;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// Seconds: the buckets of every latency histogram.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

static RECORDER: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's one recorder (installed the first time; later apps in the
/// same process, as in the tests, share it).
fn recorder() -> anyhow::Result<PrometheusHandle> {
    if let Some(handle) = RECORDER.get() {
        return Ok(handle.clone());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets(BUCKETS)
        .context("the metrics buckets")?
        .install_recorder()
        .context("cannot install the metrics recorder")?;
    Ok(RECORDER.get_or_init(|| handle).clone())
}

#[derive(Clone)]
struct Scrape {
    handle: PrometheusHandle,
    store: Store,
    clock: Clock,
}

/// Serves `/metrics` on `addr` until the process ends.
pub async fn serve(addr: SocketAddr, store: Store, clock: Clock) -> anyhow::Result<()> {
    let handle = recorder()?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("LATCHKEY_METRICS_ADDR: cannot listen on {addr}"))?;
    tracing::info!("metrics on http://{addr}/metrics");
    let app = Router::new()
        .route("/metrics", get(scrape))
        .with_state(Scrape {
            handle,
            store,
            clock,
        });
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "the metrics server stopped");
        }
    });
    Ok(())
}

async fn scrape(State(scrape): State<Scrape>) -> Response {
    match scrape
        .store
        .live_sessions(scrape.clock.now().seconds())
        .await
    {
        Ok(n) => metrics::gauge!("latchkey_sessions").set(n as f64),
        Err(e) => database_error("sessions gauge", &e),
    }
    match scrape.store.unsent_mail().await {
        Ok(n) => metrics::gauge!("latchkey_outbox_unsent").set(n as f64),
        Err(e) => database_error("outbox gauge", &e),
    }
    scrape.handle.run_upkeep();
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        scrape.handle.render(),
    )
        .into_response()
}

fn database_error(what: &str, error: &dyn std::error::Error) {
    metrics::counter!("latchkey_database_errors_total").increment(1);
    tracing::warn!(error = %error, "{what}: the database failed");
}

/// The routes requests are counted under: each page's pattern, each server
/// function's path, and "other" for anything else (so a stranger's made-up
/// paths cannot grow the label set).
#[derive(Clone)]
pub struct Routes(Arc<HashSet<String>>);

impl Routes {
    /// The server functions the app registers.
    pub fn of_server_functions() -> Self {
        Self(Arc::new(
            leptos::server_fn::axum::server_fn_paths()
                .map(|(path, _)| path.to_string())
                .collect(),
        ))
    }
}

/// A method as a label: the standard ones by name, anything a client made
/// up as `other`, so that no client can grow the label set.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

/// Times each request and counts it by route, method and status class.
pub async fn track(State(routes): State<Routes>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let route = match request.extensions().get::<MatchedPath>() {
        Some(_) if routes.0.contains(path) => path.to_string(),
        Some(matched) if !matched.as_str().starts_with("/api/") => matched.as_str().to_string(),
        _ => "other".to_string(),
    };
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = format!("{}xx", response.status().as_u16() / 100);
    metrics::histogram!("latchkey_request_duration_seconds", "route" => route.clone(), "method" => method)
        .record(started.elapsed().as_secs_f64());
    metrics::counter!("latchkey_responses_total", "route" => route, "status" => status)
        .increment(1);
    response
}
