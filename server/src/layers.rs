//! The layers around every request: tracing, security headers, body limit, and
//! the status of server-function errors that never reached our code.

use app::api::ApiError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, Extensions, HeaderMap, HeaderName, HeaderValue, StatusCode, Version};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::Config;

/// Largest request body accepted; larger ones get 413.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Wraps the router in the layers every request passes through (outermost
/// first: request id, tracing, compression, caching, security headers, body
/// limit, error status); the kit's (client address, cross-site check,
/// sessions) are inside them.
pub fn around(router: Router, config: &Config) -> Router {
    let mut router = router
        .layer(middleware::from_fn(framework_error_status))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES));
    for (name, value) in security_headers(config) {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    router = router.layer(middleware::from_fn(no_store_dynamic));
    // Pages and JSON answers compressed when the browser takes brotli or
    // gzip (the built wasm, JS and CSS are served precompressed instead).
    // No page carries a secret that a reflected guess could be compared
    // with (no CSRF token: the Origin check stands in for one), so BREACH
    // has nothing to find.
    // Only pages and JSON: the wasm, JS and CSS are the build's own files
    // (precompressed by `make release`; compressing a debug wasm again at
    // every request would cost more than it saves).
    let dynamic = |_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions| {
        headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html") || t.starts_with("application/json"))
    };
    let compress = CompressionLayer::new()
        .br(true)
        .gzip(true)
        .compress_when(DefaultPredicate::new().and(dynamic));
    router
        .layer(compress)
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        // Outermost: every request gets an id (a proxy's `x-request-id` is
        // kept when it has a safe shape), its log lines carry it, and so
        // does the response.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(middleware::from_fn(drop_unsafe_request_id))
}

/// The kit's answer to a state-changing request from another site, in the
/// shape the app's client reads.
pub fn cross_site_refused() -> Response {
    let error = ApiError::Forbidden(
        "This request came from another site, so it was refused. Reload the page and try again."
            .into(),
    );
    (StatusCode::FORBIDDEN, axum::Json(error)).into_response()
}

/// Pages and JSON answers are someone's (the signed-in user is serialized
/// into every page): no browser or proxy keeps a copy (ASVS 5.0 14.3.2).
/// The build's files keep their own caching.
async fn no_store_dynamic(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let dynamic = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html") || t.starts_with("application/json"));
    if dynamic && !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Longest `x-request-id` kept from a client or proxy.
const MAX_REQUEST_ID: usize = 64;

/// Whether a given request id may go into a log line as it is: letters,
/// digits, `-`, `_`, `.` and `:`, at most [`MAX_REQUEST_ID`] of them. Anything
/// else (spaces, quotes, `=`, a line break) could forge fields in a text log.
fn safe_request_id(id: &[u8]) -> bool {
    (1..=MAX_REQUEST_ID).contains(&id.len())
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Removes an `x-request-id` of any other shape (or several of them), so
/// that the request gets a new one.
async fn drop_unsafe_request_id(mut request: Request, next: Next) -> Response {
    let ids = request.headers().get_all("x-request-id");
    let mut given = ids.iter();
    let keep = match (given.next(), given.next()) {
        (Some(id), None) => safe_request_id(id.as_bytes()),
        (None, _) => true,
        _ => false,
    };
    if !keep {
        request.headers_mut().remove("x-request-id");
    }
    next.run(request).await
}

/// The span of one request: its method, path (never the query, which may
/// hold a link's token) and id.
fn request_span(request: &Request) -> tracing::Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %id,
    )
}

fn security_headers(config: &Config) -> Vec<(HeaderName, HeaderValue)> {
    let mut headers = vec![
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        // Pages send their own policy with a nonce; everything else (JSON,
        // static files) may load nothing and be framed by no one.
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ),
    ];
    if config.secure_cookies {
        headers.push((
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        ));
    }
    headers
}

/// A bare 405 gets a message. And two kinds of 500 are not ours to own:
/// - Server functions answer 500 for errors raised before their body runs (a
///   missing or undecodable argument). Those are the client's fault: give the
///   status that the error itself names.
/// - The session layer answers a bare, empty 500 when it cannot save a session,
///   which only happens when the database is unavailable: say 503, with a
///   message and `Retry-After`, like every other database outage.
async fn framework_error_status(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() == StatusCode::METHOD_NOT_ALLOWED
        && !response.headers().contains_key(header::CONTENT_TYPE)
    {
        // A server function called with GET: say what it takes.
        let error = ApiError::BadRequest("This address takes a POST of a form.".into());
        return (StatusCode::METHOD_NOT_ALLOWED, axum::Json(error)).into_response();
    }
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    if !response.headers().contains_key("serverfnerror") {
        if response.headers().contains_key(header::CONTENT_TYPE) {
            return response;
        }
        let mut unavailable = (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(ApiError::Unavailable),
        )
            .into_response();
        unavailable.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(latchkey::web::UNAVAILABLE_RETRY_SECONDS),
        );
        return unavailable;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<ApiError>(&bytes) {
        parts.status = error.status();
    }
    Response::from_parts(parts, Body::from(bytes))
}
