//! One typed configuration, read once at start-up from the environment.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use latchkey::auth::VerifiedFor;
use latchkey::domain::SecondFactorRule;
use latchkey::factors::SecretBox;
use latchkey::mail::SmtpSender;
use latchkey::password::{HashCost, Pepper};
use latchkey::sessions::Lifetimes;
use leptos::config::LeptosOptions;

/// A variable that is set but unusable; start-up stops with this message.
#[derive(Debug, thiserror::Error)]
#[error("{key}: {problem} (got {value:?})")]
pub struct ConfigError {
    /// The variable's name.
    pub key: &'static str,
    /// The value it had.
    pub value: String,
    /// What was expected.
    pub problem: String,
}

/// Where Leptos looks for `name` (the built file names): beside the running
/// binary, or `name` itself when it is an absolute path.
fn beside_binary(name: &str) -> std::path::PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(name)))
        .unwrap_or_else(|| name.into())
}

/// Everything the server needs to start. See the README for each variable.
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: where the data lives.
    pub database_url: String,
    /// `LATCHKEY_SECURE_COOKIES`: the site is served over HTTPS, so cookies are
    /// `Secure` and the session cookie gets the `__Host-` prefix.
    pub secure_cookies: bool,
    /// `LEPTOS_ENV`: production unless `DEV` is asked for (on loopback only).
    pub mode: Mode,
    /// `LATCHKEY_HASH_MEMORY_KIB`, `..._ITERATIONS`, `..._PARALLELISM`: argon2id cost.
    pub hash_cost: HashCost,
    /// `LATCHKEY_HASH_CONCURRENCY`: hashes computed at once; the rest wait.
    pub hash_concurrency: usize,
    /// `LATCHKEY_PASSWORD_PEPPER`: a secret of 32 bytes or more mixed into
    /// every password hash, kept out of the database.
    pub pepper: Option<Pepper>,
    /// `LATCHKEY_SESSION_IDLE_MINUTES`, `LATCHKEY_SESSION_MAX_HOURS`,
    /// `LATCHKEY_REMEMBER_DAYS`: how long sessions live.
    pub lifetimes: Lifetimes,
    /// `LATCHKEY_LOGINS_PER_IP_PER_MINUTE`: log-in attempts one address may make.
    pub logins_per_ip_per_minute: NonZeroU32,
    /// `LATCHKEY_REGISTRATIONS_PER_IP_PER_HOUR`: accounts one address may create.
    pub registrations_per_ip_per_hour: NonZeroU32,
    /// `LATCHKEY_STRENGTH_CHECKS_PER_IP_PER_MINUTE`: strength meter requests one
    /// address may make.
    pub strength_checks_per_ip_per_minute: NonZeroU32,
    /// `LATCHKEY_MAILED_LINKS_PER_IP_PER_HOUR`: "forgot password", sign-in
    /// link and resend requests one address may make.
    pub mailed_links_per_ip_per_hour: NonZeroU32,
    /// `LATCHKEY_TRUSTED_PROXIES`: how many proxies (load balancers) in front
    /// of the app append to `X-Forwarded-For`; the client's address is read
    /// from there. 0, the default, ignores the header.
    pub trusted_proxies: usize,
    /// `LATCHKEY_TRUSTED_ORIGINS`: origins besides the request's own (scheme and
    /// `Host`) whose state-changing requests are accepted, for deployments where
    /// a proxy changes the host or scheme. Each is `scheme://host[:port]`.
    pub trusted_origins: Vec<String>,
    /// `LATCHKEY_PUBLIC_ORIGIN`: the site's own origin (`https://example.com`).
    /// When set, a POST's `Origin` is compared with it rather than with the
    /// request's `Host`, which anyone who points a name at the server (DNS
    /// rebinding) chooses.
    pub public_origin: Option<String>,
    /// `LATCHKEY_SMTP_URL` and `LATCHKEY_MAIL_FROM`: where mail goes out, and
    /// as whom. Unset, mail stays in the outbox (see `/dev/mailbox`).
    pub smtp: Option<SmtpSettings>,
    /// `LATCHKEY_VERIFIED_EMAIL_FOR`: which use cases need a confirmed
    /// address (`reset`, `email-sign-in`, `profile`; the first two unless set).
    pub verified_for: VerifiedFor,
    /// `LATCHKEY_REQUIRE_SECOND_FACTOR`: who must set up a second factor
    /// (`none`, `admins`, `everyone`; `admins` unless set).
    pub second_factor_rule: SecondFactorRule,
    /// `LATCHKEY_METRICS_ADDR`: where `/metrics` (Prometheus's text format)
    /// is served, apart from the site; unset, nowhere.
    pub metrics_addr: Option<SocketAddr>,
    /// `LATCHKEY_SECRET_KEY`: 64 hex digits (32 bytes) that seal
    /// authenticator secrets. Unset, a development server keeps a key in the
    /// database (and says so); a production one offers no authenticator.
    pub secret_key: Option<SecretBox>,
    /// Leptos's own settings (`LEPTOS_SITE_ADDR`, `LEPTOS_SITE_ROOT`, ...).
    pub leptos: LeptosOptions,
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads the configuration from any key-value source (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |key: &'static str, default: &str| Var {
            key,
            value: lookup(key).unwrap_or_else(|| default.into()),
        };
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let minimum = HashCost::OWASP_MINIMUM;
        let hash_cost = HashCost {
            memory_kib: get("LATCHKEY_HASH_MEMORY_KIB", &minimum.memory_kib.to_string())
                .at_least(minimum.memory_kib)?,
            iterations: get("LATCHKEY_HASH_ITERATIONS", &minimum.iterations.to_string())
                .at_least(minimum.iterations)?,
            parallelism: get(
                "LATCHKEY_HASH_PARALLELISM",
                &minimum.parallelism.to_string(),
            )
            .at_least(minimum.parallelism)?,
        };
        let site_addr: SocketAddr =
            get("LEPTOS_SITE_ADDR", "127.0.0.1:3000").parse("an address such as 127.0.0.1:3000")?;
        let public_origin = get("LATCHKEY_PUBLIC_ORIGIN", "").origin()?;
        let secure_cookies = get("LATCHKEY_SECURE_COOKIES", "false").flag()?;
        mode::check_secure_cookies(secure_cookies, public_origin.as_deref())?;
        // Production unless development is asked for: a server started
        // without LEPTOS_ENV must not show anyone the mail it sends.
        let mode = Mode::choose(
            get("LEPTOS_ENV", "PROD"),
            site_addr,
            public_origin.as_deref(),
        )?;
        // `make release` and the other site builds name the wasm, JS and CSS
        // after their contents (`hash-files` in Cargo.toml) and list the names
        // in a file beside the server binary; pages must then link those names.
        let hash_file = get("LEPTOS_HASH_FILE_NAME", "hash.txt");
        let hash_path = beside_binary(&hash_file.value);
        let hash_files = match lookup("LEPTOS_HASH_FILES") {
            Some(_) => get("LEPTOS_HASH_FILES", "").flag()?,
            None => hash_path.exists(),
        };
        if hash_files && !hash_path.exists() {
            return Err(ConfigError {
                key: "LEPTOS_HASH_FILE_NAME",
                value: hash_path.display().to_string(),
                problem: "LEPTOS_HASH_FILES is on but the list of built file names is missing; \
                          build the site first (make release)"
                    .into(),
            });
        }
        let leptos = LeptosOptions::builder()
            .output_name(get("LEPTOS_OUTPUT_NAME", "latchkey").value)
            .site_root(get("LEPTOS_SITE_ROOT", "target/site").value)
            .site_pkg_dir(get("LEPTOS_SITE_PKG_DIR", "pkg").value)
            .site_addr(site_addr)
            .reload_port(get("LEPTOS_RELOAD_PORT", "3001").parse("a port number")?)
            .hash_files(hash_files)
            .hash_file(hash_file.value.as_str().into())
            .env(mode.leptos_env())
            .build();
        // Whole minutes, hours or days as a span (an absurd count saturates).
        let span =
            |count: i64, unit: u64| Duration::from_secs(count.unsigned_abs().saturating_mul(unit));
        let lifetimes = Lifetimes {
            idle: span(
                get("LATCHKEY_SESSION_IDLE_MINUTES", "30").at_least(1i64)?,
                60,
            ),
            absolute: span(
                get("LATCHKEY_SESSION_MAX_HOURS", "12").at_least(1i64)?,
                60 * 60,
            ),
            // 0 turns "Remember me" off.
            remembered: span(
                get("LATCHKEY_REMEMBER_DAYS", "30").at_least(0i64)?,
                24 * 60 * 60,
            ),
        };
        Ok(Self {
            lifetimes,
            database_url: get("DATABASE_URL", "sqlite://data/latchkey.db").database_url()?,
            secure_cookies,
            mode,
            hash_cost,
            hash_concurrency: get("LATCHKEY_HASH_CONCURRENCY", &cores.to_string()).at_least(1)?,
            trusted_origins: get("LATCHKEY_TRUSTED_ORIGINS", "").origins()?,
            public_origin,
            smtp: smtp_sender(
                get("LATCHKEY_SMTP_URL", ""),
                get("LATCHKEY_MAIL_FROM", "Latchkey <noreply@localhost>"),
            )?,
            pepper: get("LATCHKEY_PASSWORD_PEPPER", "").pepper()?,
            logins_per_ip_per_minute: get("LATCHKEY_LOGINS_PER_IP_PER_MINUTE", "20")
                .parse("a whole number of at least 1")?,
            registrations_per_ip_per_hour: get("LATCHKEY_REGISTRATIONS_PER_IP_PER_HOUR", "20")
                .parse("a whole number of at least 1")?,
            strength_checks_per_ip_per_minute: get(
                "LATCHKEY_STRENGTH_CHECKS_PER_IP_PER_MINUTE",
                "60",
            )
            .parse("a whole number of at least 1")?,
            mailed_links_per_ip_per_hour: get("LATCHKEY_MAILED_LINKS_PER_IP_PER_HOUR", "10")
                .parse("a whole number of at least 1")?,
            trusted_proxies: get("LATCHKEY_TRUSTED_PROXIES", "0").parse("a whole number")?,
            verified_for: get("LATCHKEY_VERIFIED_EMAIL_FOR", "reset,email-sign-in")
                .verified_for()?,
            second_factor_rule: get("LATCHKEY_REQUIRE_SECOND_FACTOR", "admins")
                .second_factor_rule()?,
            secret_key: get("LATCHKEY_SECRET_KEY", "").secret_key()?,
            metrics_addr: get("LATCHKEY_METRICS_ADDR", "")
                .optional("an address such as 127.0.0.1:9100")?,
            leptos,
        })
    }
}

/// Where mail goes out, checked (the sender is made in the runtime, by
/// [`SmtpSettings::sender`]).
#[derive(Clone)]
pub struct SmtpSettings {
    url: String,
    from: String,
}

impl SmtpSettings {
    /// The sender these settings name.
    pub fn sender(&self) -> Result<SmtpSender, latchkey::mail::MailError> {
        SmtpSender::from_url(&self.url, &self.from)
    }
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("url", &redacted(&self.url))
            .field("from", &self.from)
            .finish()
    }
}

/// The SMTP settings `url` and `from` make; `None` when `url` is empty.
fn smtp_sender(url: Var, from: Var) -> Result<Option<SmtpSettings>, ConfigError> {
    let trimmed = url.value.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    SmtpSender::check(trimmed, &from.value)
        .map(|_| {
            Some(SmtpSettings {
                url: trimmed.to_string(),
                from: from.value.clone(),
            })
        })
        .map_err(|e| {
            let (key, value) = if e.to_string().contains("sender address") {
                (from.key, from.value.clone())
            } else {
                (url.key, redacted(&url.value))
            };
            ConfigError {
                key,
                value,
                problem: e.to_string(),
            }
        })
}

/// `url` fit for a log line or an error message: a password in it (as
/// `user:password@` or a `password=` parameter) is replaced by `***`.
pub fn redacted(url: &str) -> String {
    let mut out = url.to_string();
    if let Some(scheme_end) = out.find("://") {
        let authority_start = scheme_end + 3;
        let authority_end = out[authority_start..]
            .find(['/', '?'])
            .map_or(out.len(), |i| authority_start + i);
        if let Some(at) = out[authority_start..authority_end].rfind('@') {
            let userinfo = authority_start..authority_start + at;
            if let Some(colon) = out[userinfo.clone()].find(':') {
                out.replace_range(userinfo.start + colon + 1..userinfo.end, "***");
            }
        }
    }
    if let Some(query) = out.find('?') {
        let (base, params) = out.split_at(query + 1);
        let params: Vec<String> = params
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) if name.eq_ignore_ascii_case("password") => format!("{name}=***"),
                _ => pair.to_string(),
            })
            .collect();
        out = format!("{base}{}", params.join("&"));
    }
    out
}

mod mode;
#[cfg(test)]
mod tests;
mod var;

pub use mode::Mode;
use var::Var;
