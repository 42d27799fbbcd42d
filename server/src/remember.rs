//! Signs a browser back in from its remember-me cookie when it has no live
//! session, before the page or server function asks who is signed in.

use axum::extract::{Request, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use latchkey::auth::AuthError;
use latchkey::sessions::{ClientInfo, Resumed};
use tower_sessions::cookie::Cookie;
use tower_sessions::Session;

use crate::AppState;

/// The middleware: resumes, then passes the rotated (or cleared) cookie on,
/// unless the handler set one itself (logging in or out).
pub async fn resume_remembered(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let presented = request
        .headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|header| state.remember.read(header));
    let session = request.extensions().get::<Session>().cloned();
    let (Some(presented), Some(session)) = (presented, session) else {
        return next.run(request).await;
    };
    let client = latchkey::web::client_of(request.headers(), request.extensions());
    let set_cookie = match resume(&state, &session, &presented, &client).await {
        Ok(set_cookie) => set_cookie,
        Err(e) => {
            tracing::error!(error = %e, "could not resume a remembered session");
            None
        }
    };
    let mut response = next.run(request).await;
    let handler_set_it = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .any(|v| v.to_str().is_ok_and(|v| state.remember.is_set_by(v)));
    if let (false, Some(value)) = (
        handler_set_it,
        set_cookie.and_then(|c| HeaderValue::from_str(&c.to_string()).ok()),
    ) {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

async fn resume(
    state: &AppState,
    session: &Session,
    presented: &str,
    client: &ClientInfo,
) -> Result<Option<Cookie<'static>>, AuthError> {
    Ok(match state.auth.resume(session, presented, client).await? {
        Some(Resumed::SignedIn {
            token,
            seconds_left,
        }) => Some(state.remember.set_rotated(&token, seconds_left)),
        Some(Resumed::Rejected | Resumed::TheftSuspected) => Some(state.remember.clear()),
        Some(Resumed::Raced) | None => None,
    })
}
