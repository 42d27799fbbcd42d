//! `/dev/mailbox` (only with `LEPTOS_ENV=DEV`): the outbox's newest mail, so
//! that with no SMTP server configured (the `make run` default) a newcomer
//! can still read each mail and follow its link. Phoenix's Swoosh mailbox is
//! the model.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use latchkey::mail::templates::escape;
use latchkey::store::{QueuedMail, Store};

/// The page: newest first, at most 50.
pub async fn dev_mailbox(State(store): State<Store>) -> Response {
    match store.recent_mail(50).await {
        Ok(mails) => Html(page(&mails)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot read the outbox");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "The outbox cannot be read.",
            )
                .into_response()
        }
    }
}

fn page(mails: &[QueuedMail]) -> String {
    let mut html = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Mailbox (development)</title></head><body><main>\
         <h1>Mailbox (development)</h1>\
         <p>Mail the app has queued, newest first. With <code>LATCHKEY_SMTP_URL</code> set it \
         is also sent; this page exists only with <code>LEPTOS_ENV=DEV</code>.</p>",
    );
    if mails.is_empty() {
        html.push_str("<p>No mail yet.</p>");
    }
    for mail in mails {
        let status = match (mail.sent_at, &mail.last_error) {
            (Some(_), _) => "sent".to_string(),
            (None, Some(error)) => {
                format!("not sent ({} attempts): {}", mail.attempts, escape(error))
            }
            (None, None) => "not sent".to_string(),
        };
        html.push_str(&format!(
            "<article><h2>{}</h2><p>To {} · queued at {} (Unix time) · {}</p><pre>{}</pre></article>",
            escape(&mail.subject),
            escape(&mail.to),
            mail.created_at,
            status,
            linkify(&escape(&mail.text)),
        ));
    }
    html.push_str("</main></body></html>");
    html
}

/// Escaped `text` with each http(s) address made a link.
fn linkify(escaped: &str) -> String {
    escaped
        .split_inclusive(char::is_whitespace)
        .map(|piece| {
            let word = piece.trim_end();
            let trimmed = word.trim_end_matches(['.', ',', ')']);
            if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
                let rest = &piece[trimmed.len()..];
                format!("<a href=\"{trimmed}\">{trimmed}</a>{rest}")
            } else {
                piece.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_clickable_and_nothing_else_is_markup() {
        assert_eq!(
            linkify(&escape("Open https://x.test/v?t=a&b=1. <b>")),
            "Open <a href=\"https://x.test/v?t=a&amp;b=1\">https://x.test/v?t=a&amp;b=1</a>. &lt;b&gt;"
        );
        assert_eq!(
            linkify(&escape("javascript:alert(1)")),
            "javascript:alert(1)"
        );
    }
}
