//! The errors of forms posted without JavaScript travel in the URL: the
//! server function redirects back to the form with `__path` and `__err` (the
//! error, serialized) in the query, and the page shows it. Unchecked, any
//! link could make the real log-in page show an attacker's words (an error's
//! free text: "Your account is suspended, call ..."). So each redirect that
//! carries an error is signed (`__sig`, HMAC under a key in the database),
//! and a page asked for with an error that is not ours is sent to the same
//! address without it.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use latchkey::keys::Signer;
use url::Url;

/// The key's name in `latchkey_keys`.
pub const KEY_NAME: &str = "form_errors";

const PATH: &str = "__path";
const ERROR: &str = "__err";
const SIGNATURE: &str = "__sig";
/// The one field given back to a refused form: what was typed as the
/// username at log-in or registration (a password never).
const KEPT: &str = "username";
/// The forms whose username is given back.
const KEEPS_USERNAME: [&str; 2] = ["/api/login", "/api/register"];
/// The longest username given back; anything longer was no username.
const KEPT_MAX_CHARS: usize = 64;

/// The middleware: refuses unsigned errors in page addresses, signs the
/// errors our redirects carry.
pub async fn sign_form_errors(
    State(signer): State<Signer>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() == Method::GET {
        if let Some(query) = request.uri().query() {
            if let Some(clean) = unsigned_error_removed(&signer, request.uri().path(), query) {
                tracing::warn!(
                    path = request.uri().path(),
                    "dropped an unsigned form error"
                );
                return (StatusCode::SEE_OTHER, [(header::LOCATION, clean)]).into_response();
            }
        }
    }
    let (request, typed) = match typed_username(request).await {
        Ok(read) => read,
        Err(too_large) => return too_large,
    };
    let mut response = next.run(request).await;
    let signed = response
        .headers()
        .get(header::LOCATION)
        .and_then(|location| location.to_str().ok())
        .and_then(|location| signed_location(&signer, location, typed.as_deref()))
        .and_then(|location| HeaderValue::from_str(&location).ok());
    if let Some(location) = signed {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// The username a no-JavaScript log-in or registration form sent, to give
/// back with its error (the form is drawn anew, and would be empty), and the
/// request to pass on, its body intact.
async fn typed_username(request: Request) -> Result<(Request, Option<String>), Response> {
    let no_js_form = request.method() == Method::POST
        && KEEPS_USERNAME.contains(&request.uri().path())
        && request
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
    if !no_js_form {
        return Ok((request, None));
    }
    let (parts, body) = request.into_parts();
    // The body limit layer outside this one bounds it: past the limit, this
    // is its answer.
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Err(StatusCode::PAYLOAD_TOO_LARGE.into_response());
    };
    let typed = url::form_urlencoded::parse(&bytes)
        .find(|(key, _)| key == KEPT)
        .map(|(_, value)| value.trim().to_string())
        .filter(|value| !value.is_empty() && value.chars().count() <= KEPT_MAX_CHARS);
    Ok((
        Request::from_parts(parts, axum::body::Body::from(bytes)),
        typed,
    ))
}

/// `location` with its error signed, if it carries one. The framework adds
/// the error to the form's address, which may carry the last failure's
/// error already: only the newest (the last) is kept, so a repeated failure
/// does not grow the address.
fn signed_location(signer: &Signer, location: &str, typed: Option<&str>) -> Option<String> {
    let mut url = Url::parse(location).ok()?;
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let newest = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let (from, error) = (newest(PATH)?, newest(ERROR)?);
    let signature = signer.sign(&[&from, &error]);
    let kept = pairs.iter().filter(|(key, _)| {
        ![PATH, ERROR, SIGNATURE].contains(&key.as_str()) && (typed.is_none() || key != KEPT)
    });
    let mut query = url.query_pairs_mut();
    query.clear().extend_pairs(kept);
    if let Some(typed) = typed {
        query.append_pair(KEPT, typed);
    }
    query
        .append_pair(PATH, &from)
        .append_pair(ERROR, &error)
        .append_pair(SIGNATURE, &signature);
    drop(query);
    Some(url.into())
}

/// Where to send a request for `path?query` whose error we did not sign:
/// the same address without the error; `None` when there is no error or it
/// is ours.
fn unsigned_error_removed(signer: &Signer, path: &str, query: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if value(PATH).is_none() && value(ERROR).is_none() && value(SIGNATURE).is_none() {
        return None;
    }
    if let (Some(from), Some(error), Some(signature)) =
        (value(PATH), value(ERROR), value(SIGNATURE))
    {
        let once = |name: &str| pairs.iter().filter(|(k, _)| k == name).count() == 1;
        if once(PATH) && once(ERROR) && signer.verify(&[from, error], signature) {
            return None;
        }
    }
    let kept: Vec<&(String, String)> = pairs
        .iter()
        .filter(|(key, _)| ![PATH, ERROR, SIGNATURE].contains(&key.as_str()))
        .collect();
    if kept.is_empty() {
        return Some(path.to_string());
    }
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish();
    Some(format!("{path}?{query}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use latchkey::store::Store;

    async fn signer() -> (Signer, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("k.db").display());
        let store = Store::connect(&url).await.unwrap();
        (Signer::load(&store, KEY_NAME).await.unwrap(), dir)
    }

    #[tokio::test]
    async fn a_signed_error_passes_and_anything_else_is_removed() {
        let (signer, _dir) = signer().await;
        let location =
            "http://app.test/login?next=%2Fsettings&__path=%2Fapi%2Flogin&__err=eyJ4Ijp9";
        let signed = signed_location(&signer, location, None).unwrap();
        let query = signed.split_once('?').unwrap().1;
        assert_eq!(unsigned_error_removed(&signer, "/login", query), None);

        let forged = query.replace("eyJ4Ijp9", "eyJ5Ijp9");
        assert_eq!(
            unsigned_error_removed(&signer, "/login", &forged).as_deref(),
            Some("/login?next=%2Fsettings")
        );
        assert_eq!(
            unsigned_error_removed(&signer, "/login", "__path=%2Fapi%2Flogin&__err=eyJ4Ijp9")
                .as_deref(),
            Some("/login")
        );
        // A second __err beside a signed pair is not let through.
        let doubled = format!("{query}&__err=eyJ5Ijp9");
        assert!(unsigned_error_removed(&signer, "/login", &doubled).is_some());
        assert_eq!(unsigned_error_removed(&signer, "/login", "next=%2F"), None);
        assert_eq!(
            signed_location(&signer, "http://app.test/login?next=%2F", None),
            None
        );
    }
}
