use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;

use crate::AppState;

/// `GET /healthz`: 200 when the database answers within a second, else 503.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    let ping =
        tokio::time::timeout(Duration::from_secs(1), state.auth.accounts().store().ping()).await;
    match ping {
        Ok(Ok(())) => (StatusCode::OK, "ok"),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
        Err(_) => {
            tracing::warn!("health check: the database timed out");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
