//! Development or production: which the server runs as, chosen so that the
//! development doors (the mailbox that shows every live link, the sealing
//! key kept beside what it seals) open only when asked for, and never on a
//! server the world can reach.

use std::net::SocketAddr;

use super::{ConfigError, Var};

/// What the server runs as (`LEPTOS_ENV`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `LEPTOS_ENV=DEV`, which `make run` sets: `/dev/mailbox` is served and,
    /// without `LATCHKEY_SECRET_KEY`, a sealing key is kept in the database.
    Development,
    /// The default: neither of those.
    Production,
}

impl Mode {
    /// The mode `env` asks for, refused when development is asked for on a
    /// server that others can reach: bound to an address other than
    /// loopback, or published on https.
    pub(super) fn choose(
        env: Var,
        site_addr: SocketAddr,
        public_origin: Option<&str>,
    ) -> Result<Self, ConfigError> {
        let wanted = env.value.trim();
        if wanted.eq_ignore_ascii_case("prod") || wanted.eq_ignore_ascii_case("production") {
            return Ok(Self::Production);
        }
        if !(wanted.eq_ignore_ascii_case("dev") || wanted.eq_ignore_ascii_case("development")) {
            return Err(env.invalid("DEV or PROD"));
        }
        let refuse = |why: String| ConfigError {
            key: env.key,
            value: env.value.clone(),
            problem: format!(
                "development mode shows every mailed link at /dev/mailbox, so it is only for \
                 this machine; {why}. Unset LEPTOS_ENV for production"
            ),
        };
        if !site_addr.ip().is_loopback() {
            return Err(refuse(format!(
                "LEPTOS_SITE_ADDR is {site_addr}, not a loopback address"
            )));
        }
        if let Some(origin) = public_origin.filter(|o| o.starts_with("https://")) {
            return Err(refuse(format!("LATCHKEY_PUBLIC_ORIGIN is {origin}")));
        }
        Ok(Self::Development)
    }

    /// Whether the development doors are open.
    pub fn is_development(self) -> bool {
        self == Self::Development
    }

    /// Leptos's name for it.
    pub(super) fn leptos_env(self) -> leptos::config::Env {
        match self {
            Self::Development => leptos::config::Env::DEV,
            Self::Production => leptos::config::Env::PROD,
        }
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Development => "development",
            Self::Production => "production",
        })
    }
}

/// Cookies must be `Secure` on a site published on https: a cookie without
/// it would also go out over plain http, where anyone on the path reads it.
pub(super) fn check_secure_cookies(
    secure_cookies: bool,
    public_origin: Option<&str>,
) -> Result<(), ConfigError> {
    match public_origin {
        Some(origin) if origin.starts_with("https://") && !secure_cookies => Err(ConfigError {
            key: "LATCHKEY_SECURE_COOKIES",
            value: "false".into(),
            problem: format!(
                "LATCHKEY_PUBLIC_ORIGIN is {origin}, so cookies must be Secure: set \
                 LATCHKEY_SECURE_COOKIES=true"
            ),
        }),
        _ => Ok(()),
    }
}

impl super::Config {
    /// The one line start-up logs to say what this server runs as.
    pub fn mode_line(&self) -> String {
        match self.mode {
            Mode::Development => format!(
                "mode: development (LEPTOS_ENV=DEV, on {}): /dev/mailbox shows every mail \
                 queued, links included; never expose this server",
                self.leptos.site_addr
            ),
            Mode::Production => "mode: production: no development mailbox and no key kept \
                                 in the database (LEPTOS_ENV=DEV turns them on, on loopback only)"
                .into(),
        }
    }

    /// What a production start lacks that a careful deployment has; each is
    /// logged as a warning (what makes the server unsafe is refused instead).
    pub fn production_warnings(&self) -> Vec<&'static str> {
        if self.mode.is_development() {
            return Vec::new();
        }
        let mut warnings = Vec::new();
        if self.secret_key.is_none() {
            warnings.push(
                "LATCHKEY_SECRET_KEY is unset: authenticator apps are not offered \
                 (set it to 64 hex digits: openssl rand -hex 32)",
            );
        }
        if self.public_origin.is_none() {
            warnings.push(
                "LATCHKEY_PUBLIC_ORIGIN is unset: links in mail point at the address the server \
                 listens on, and passkeys are off",
            );
        }
        if !self.secure_cookies {
            warnings.push(
                "LATCHKEY_SECURE_COOKIES is off: cookies also travel over plain http; turn it on \
                 behind https",
            );
        }
        if self.pepper.is_none() {
            warnings.push(
                "LATCHKEY_PASSWORD_PEPPER is unset: a stolen database can be guessed against \
                 offline (set 32 or more random bytes; hashes are redone at each next log-in)",
            );
        }
        if self.smtp.is_none() {
            warnings.push(
                "LATCHKEY_SMTP_URL is unset: mail waits in the outbox and nobody receives it",
            );
        }
        // Neither an authenticator nor a passkey can be set up, and the rule
        // asks for one of them.
        if self.secret_key.is_none()
            && self.public_origin.is_none()
            && self.second_factor_rule.covers_admins()
        {
            warnings.push(
                "LATCHKEY_REQUIRE_SECOND_FACTOR asks for a second factor that nobody can set up \
                 here (no LATCHKEY_SECRET_KEY, no LATCHKEY_PUBLIC_ORIGIN for passkeys): the \
                 admin console stays shut",
            );
        }
        warnings
    }
}
