//! One configuration variable, read and checked: each check names the
//! variable and what was expected when the value will not do.

use std::str::FromStr;

use latchkey::auth::VerifiedFor;
use latchkey::domain::SecondFactorRule;
use latchkey::factors::SecretBox;
use latchkey::password::Pepper;

use super::ConfigError;

pub(super) struct Var {
    pub(super) key: &'static str,
    pub(super) value: String,
}

impl Var {
    pub(super) fn invalid(self, expected: &str) -> ConfigError {
        ConfigError {
            key: self.key,
            value: self.value,
            problem: format!("expected {expected}"),
        }
    }

    pub(super) fn secret_key(self) -> Result<Option<SecretBox>, ConfigError> {
        if self.value.trim().is_empty() {
            return Ok(None);
        }
        match SecretBox::from_hex(&self.value) {
            Some(key) => Ok(Some(key)),
            None => Err(ConfigError {
                key: self.key,
                value: "(hidden)".into(),
                problem: "expected 64 hex digits (32 random bytes: openssl rand -hex 32)".into(),
            }),
        }
    }

    pub(super) fn verified_for(self) -> Result<VerifiedFor, ConfigError> {
        VerifiedFor::parse(&self.value).map_err(|problem| ConfigError {
            key: self.key,
            value: self.value,
            problem,
        })
    }

    pub(super) fn second_factor_rule(self) -> Result<SecondFactorRule, ConfigError> {
        SecondFactorRule::parse(&self.value).map_err(|problem| ConfigError {
            key: self.key,
            value: self.value,
            problem,
        })
    }

    pub(super) fn parse<T: FromStr>(self, expected: &str) -> Result<T, ConfigError> {
        self.value
            .trim()
            .parse()
            .map_err(|_| self.invalid(expected))
    }

    /// Empty: `None`; else the value parsed.
    pub(super) fn optional<T: FromStr>(self, expected: &str) -> Result<Option<T>, ConfigError> {
        match self.value.trim().is_empty() {
            true => Ok(None),
            false => self.parse(expected).map(Some),
        }
    }

    pub(super) fn flag(self) -> Result<bool, ConfigError> {
        match self.value.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" | "" => Ok(false),
            _ => Err(self.invalid("true or false")),
        }
    }

    pub(super) fn at_least<T: FromStr + PartialOrd + std::fmt::Display + Copy>(
        self,
        min: T,
    ) -> Result<T, ConfigError> {
        let expected = format!("a whole number of at least {min}");
        let key = self.key;
        let value = self.value.clone();
        let n: T = self.parse(&expected)?;
        if n < min {
            return Err(ConfigError {
                key,
                value,
                problem: expected,
            });
        }
        Ok(n)
    }

    pub(super) fn pepper(self) -> Result<Option<Pepper>, ConfigError> {
        if self.value.is_empty() {
            return Ok(None);
        }
        match Pepper::new(self.value.as_bytes()) {
            Some(pepper) => Ok(Some(pepper)),
            // Never echo a secret, not even a bad one.
            None => Err(ConfigError {
                key: self.key,
                value: format!("<{} bytes>", self.value.len()),
                problem: format!("expected a secret of at least {} bytes", Pepper::MIN_LEN),
            }),
        }
    }

    pub(super) fn origins(self) -> Result<Vec<String>, ConfigError> {
        self.origins_or("comma-separated origins such as https://example.com")
    }

    pub(super) fn origins_or(self, expected: &str) -> Result<Vec<String>, ConfigError> {
        let mut origins = Vec::new();
        for origin in self
            .value
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
        {
            let origin = origin.trim_end_matches('/');
            let (scheme, host) = origin.split_once("://").unwrap_or_default();
            let well_formed = matches!(scheme, "http" | "https")
                && !host.is_empty()
                && !host.contains(['/', '?', '#', ' ']);
            if !well_formed {
                return Err(self.invalid(expected));
            }
            origins.push(origin.to_ascii_lowercase());
        }
        Ok(origins)
    }

    pub(super) fn origin(self) -> Result<Option<String>, ConfigError> {
        let expected = "one origin such as https://example.com";
        if self.value.contains(',') {
            return Err(self.invalid(expected));
        }
        Ok(self.origins_or(expected)?.pop())
    }

    pub(super) fn database_url(self) -> Result<String, ConfigError> {
        let known = ["sqlite:", "postgres://", "postgresql://"];
        if known.iter().any(|scheme| self.value.starts_with(scheme)) {
            Ok(self.value)
        } else {
            Err(self.invalid("a sqlite:// or postgres:// URL"))
        }
    }
}
