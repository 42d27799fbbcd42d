use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Field, FieldError};

/// An email address as its owner typed it: surrounding spaces dropped, the
/// domain lowercased (domains ignore case), the local part kept as typed
/// (a few servers tell `Ann` from `ann`). Two accounts never share an
/// address in any case: see [`EmailAddress::key`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// The longest address SMTP carries (RFC 5321: a 254-character path).
    pub const MAX_LEN: usize = 254;

    /// Parses an address typed in a form. It checks the shape every mail
    /// system agrees on (one `@`, a local part, a domain with a dot, no
    /// spaces or controls); only a mail that arrives proves the rest.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let error = |message: &str| Err(FieldError::new(Field::Email, message));
        let address = raw.trim();
        if address.is_empty() {
            return error("Enter your email address.");
        }
        if address.len() > Self::MAX_LEN {
            return error("Email addresses are at most 254 characters long.");
        }
        if address.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"')
        }) {
            return error("An email address has no spaces, quotes, commas or angle brackets.");
        }
        let Some((local, domain)) = address.rsplit_once('@') else {
            return error("An email address has an '@', as in name@example.com.");
        };
        let labels_ok = domain
            .split('.')
            .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
        if local.is_empty() || local.len() > 64 || local.contains('@') {
            return error("Enter the part before the '@', as in name@example.com.");
        }
        if !domain.contains('.') || !labels_ok {
            return error("Enter a domain after the '@', as in name@example.com.");
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }

    /// The address as kept.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The lowercase form that uniqueness and look-ups use.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_local_part_lowercases_the_domain_and_compares_in_any_case() {
        let ann = EmailAddress::parse("  Ann.Lee+news@Example.COM ").unwrap();
        assert_eq!(ann.as_str(), "Ann.Lee+news@example.com");
        assert_eq!(ann.key(), "ann.lee+news@example.com");
        assert_eq!(
            EmailAddress::parse("ann.lee+NEWS@example.com")
                .unwrap()
                .key(),
            ann.key()
        );
        assert_eq!(
            EmailAddress::parse("josé@exämple.org").unwrap().as_str(),
            "josé@exämple.org"
        );
    }

    #[test]
    fn refuses_what_no_mail_system_takes_with_a_reason() {
        for bad in [
            "",
            "   ",
            "no-at-sign",
            "@example.com",
            "ann@",
            "ann@localhost",
            "ann@example..com",
            "ann@-example.com",
            "a b@example.com",
            "ann@example.com\r\nBcc: x@evil.test",
            "\"ann\"@example.com",
            "ann@example.com, bob@example.com",
            "<ann@example.com>",
        ] {
            let error = EmailAddress::parse(bad).unwrap_err();
            assert_eq!(error.field, Field::Email, "{bad:?}");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(EmailAddress::parse(&long).is_err());
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert!(EmailAddress::parse(&long_local).is_err());
    }
}
