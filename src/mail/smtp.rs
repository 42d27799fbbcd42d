//! Sending one mail over SMTP with lettre.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::Error as SmtpError;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::MailError;
use crate::store::QueuedMail;

/// How long one SMTP conversation may take before it counts as failed.
const TIMEOUT: Duration = Duration::from_secs(20);

/// An SMTP server and the address mail comes from.
#[derive(Clone)]
pub struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// How an attempt to send went.
#[derive(Debug)]
pub enum Sent {
    /// The server took it.
    Yes,
    /// It failed for now (the server was down, busy, or said try later).
    Later(String),
    /// It can never be sent as it is (a bad address, a permanent refusal).
    Never(String),
}

impl std::fmt::Debug for SmtpSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The transport holds the password.
        f.debug_struct("SmtpSender")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl SmtpSender {
    /// The server `url` names, sending as `from` (`Name <address>`).
    ///
    /// - `smtps://user:pass@host[:465]`: TLS from the first byte.
    /// - `smtp://user:pass@host[:587]`: STARTTLS, required (lettre's plain
    ///   `smtp://` would send the password in clear; here that needs
    ///   `?tls=none`, and only to a server on this machine).
    /// - `?tls=opportunistic`: STARTTLS when the server offers it.
    ///
    /// Call it inside a Tokio runtime: the connection pool runs there.
    pub fn from_url(url: &str, from: &str) -> Result<Self, MailError> {
        let (builder, from) = Self::check(url, from)?;
        let transport = builder.timeout(Some(TIMEOUT)).build();
        Ok(Self { transport, from })
    }

    /// Whether [`SmtpSender::from_url`] would accept `url` and `from`, without
    /// starting anything (for reading the configuration).
    #[allow(clippy::type_complexity)]
    pub fn check(
        url: &str,
        from: &str,
    ) -> Result<(lettre::transport::smtp::AsyncSmtpTransportBuilder, Mailbox), MailError> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| MailError::Config(format!("the sender address {from:?}: {e}")))?;
        let url = secure_by_default(url)?;
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
            .map_err(|e| MailError::Config(format!("LATCHKEY_SMTP_URL: {e}")))?;
        Ok((builder, from))
    }

    /// Sends `mail`.
    pub async fn send(&self, mail: &QueuedMail) -> Sent {
        let to: Mailbox = match mail.to.parse() {
            Ok(to) => to,
            Err(e) => return Sent::Never(format!("the address {:?}: {e}", mail.to)),
        };
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                mail.html.clone(),
            ));
        let message = match message {
            Ok(message) => message,
            Err(e) => return Sent::Never(format!("the message: {e}")),
        };
        match self.transport.send(message).await {
            Ok(_) => Sent::Yes,
            Err(e) if e.is_permanent() => Sent::Never(describe(&e)),
            Err(e) => Sent::Later(describe(&e)),
        }
    }
}

/// An error's text without the server's whole answer (which may be long).
fn describe(error: &SmtpError) -> String {
    let text = error.to_string();
    text.chars().take(300).collect()
}

/// `url` with STARTTLS required when it names none; `tls=none` refused but
/// for a server on this machine (and then dropped: lettre's plain default).
fn secure_by_default(url: &str) -> Result<String, MailError> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut pairs: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    let tls = pairs
        .iter()
        .find_map(|pair| pair.strip_prefix("tls="))
        .map(str::to_string);
    if !base.starts_with("smtp://") {
        return Ok(url.to_string());
    }
    match tls.as_deref() {
        None => pairs.push("tls=required"),
        Some("none") => {
            if !on_this_machine(base) {
                return Err(MailError::Config(
                    "LATCHKEY_SMTP_URL: tls=none sends the password and every mail in clear; \
                     it is only allowed for a server on this machine (127.0.0.1, ::1, localhost)"
                        .into(),
                ));
            }
            pairs.retain(|pair| !pair.starts_with("tls="));
        }
        Some(_) => {}
    }
    Ok(if pairs.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", pairs.join("&"))
    })
}

/// Whether `smtp://[user:pass@]host[:port]` names this machine.
fn on_this_machine(base: &str) -> bool {
    let rest = base.trim_start_matches("smtp://");
    let host_port = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    let host_port = host_port.split('/').next().unwrap_or_default();
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    matches!(host, "127.0.0.1" | "::1" | "localhost")
}

#[cfg(test)]
mod url_tests {
    use super::*;

    #[test]
    fn plain_smtp_gets_starttls_required_and_clear_text_only_stays_local() {
        assert_eq!(
            secure_by_default("smtp://u:p@mail.example.com:587").unwrap(),
            "smtp://u:p@mail.example.com:587?tls=required"
        );
        assert_eq!(
            secure_by_default("smtp://mail.example.com?tls=opportunistic").unwrap(),
            "smtp://mail.example.com?tls=opportunistic"
        );
        assert_eq!(
            secure_by_default("smtp://127.0.0.1:2525?tls=none").unwrap(),
            "smtp://127.0.0.1:2525"
        );
        assert_eq!(
            secure_by_default("smtp://u:p@[::1]:25?tls=none").unwrap(),
            "smtp://u:p@[::1]:25"
        );
        for remote in [
            "smtp://mail.example.com?tls=none",
            "smtp://127.0.0.1.evil.example?tls=none",
            "smtp://localhost@mail.example.com?tls=none",
        ] {
            assert!(secure_by_default(remote).is_err(), "{remote}");
        }
        assert_eq!(
            secure_by_default("smtps://u:p@mail.example.com").unwrap(),
            "smtps://u:p@mail.example.com"
        );
    }

    #[test]
    fn a_bad_url_or_sender_is_a_clear_error() {
        let bad = SmtpSender::from_url("smtp://mail.example.com", "not an address").unwrap_err();
        assert!(bad.to_string().contains("sender address"), "{bad}");
        let bad = SmtpSender::from_url("ftp://mail.example.com", "a@example.com").unwrap_err();
        assert!(bad.to_string().contains("LATCHKEY_SMTP_URL"), "{bad}");
    }
}
