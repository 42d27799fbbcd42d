//! The cross-site request check. A state-changing request (any method but
//! GET, HEAD and OPTIONS; every server function is a POST) is served only when
//! the browser says it comes from this site: its `Origin` is the site's own
//! (or a configured trusted one), or, without `Origin`, `Sec-Fetch-Site` says
//! `same-origin`. Everything else gets 403 before it reaches a session or a
//! handler ([`super::Kit`] applies it). `SameSite=Lax` cookies already stop most forged requests; this
//! also stops same-site ones (a sibling subdomain) and old browsers.

use std::sync::Arc;

use http::{header, HeaderMap, Method};

/// Which origins may send state-changing requests.
#[derive(Debug, Clone)]
pub struct Origins {
    scheme: &'static str,
    trusted: Arc<[String]>,
    public: Option<Arc<str>>,
}

impl Origins {
    /// The site's own origin is `public` when given, else the request's
    /// `Host` with this scheme (`https` when cookies are secure); `trusted`
    /// are accepted as well. A name the attacker controls can point at the
    /// server (DNS rebinding), and its pages then send that name as `Host`
    /// and `Origin` alike: only a configured public origin tells them apart.
    pub fn new(https: bool, trusted: &[String], public: Option<&str>) -> Self {
        Self {
            scheme: if https { "https" } else { "http" },
            trusted: trusted.into(),
            public: public.map(Into::into),
        }
    }

    /// Whether a request with these headers and method may go on.
    pub fn allows(&self, method: &Method, headers: &HeaderMap) -> bool {
        if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
            return true;
        }
        match headers.get(header::ORIGIN).map(|v| v.to_str()) {
            Some(Ok(origin)) => self.is_ours(origin, headers),
            Some(Err(_)) => false,
            None => headers
                .get("sec-fetch-site")
                .is_some_and(|v| v.as_bytes() == b"same-origin"),
        }
    }

    fn is_ours(&self, origin: &str, headers: &HeaderMap) -> bool {
        let origin = origin.trim_end_matches('/').to_ascii_lowercase();
        if let Some(public) = &self.public {
            return **public == *origin || self.trusted.contains(&origin);
        }
        let own = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(|host| format!("{}://{}", self.scheme, host.to_ascii_lowercase()));
        own.as_deref() == Some(origin.as_str()) || self.trusted.contains(&origin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn plain() -> Origins {
        Origins::new(false, &[], None)
    }

    #[test]
    fn reads_pass_whatever_their_origin() {
        let h = headers(&[("host", "app.test"), ("origin", "https://evil.test")]);
        assert!(plain().allows(&Method::GET, &h));
        assert!(plain().allows(&Method::HEAD, &h));
    }

    #[test]
    fn a_post_from_the_site_itself_passes() {
        let h = headers(&[
            ("host", "app.test:3000"),
            ("origin", "http://app.test:3000"),
        ]);
        assert!(plain().allows(&Method::POST, &h));
        let h = headers(&[
            ("host", "APP.test:3000"),
            ("origin", "http://app.TEST:3000"),
        ]);
        assert!(plain().allows(&Method::POST, &h), "host names ignore case");
    }

    #[test]
    fn a_post_from_elsewhere_or_nowhere_is_refused() {
        for pairs in [
            &[("host", "app.test"), ("origin", "http://evil.test")][..],
            &[("host", "app.test"), ("origin", "null")],
            &[("host", "app.test"), ("origin", "https://app.test")], // scheme differs
            &[
                ("host", "app.test"),
                ("origin", "http://app.test.evil.test"),
            ],
            &[("host", "app.test"), ("sec-fetch-site", "cross-site")],
            &[("host", "app.test"), ("sec-fetch-site", "same-site")],
            &[("host", "app.test")],
            &[("origin", "http://app.test")], // no Host to compare with
        ] {
            assert!(!plain().allows(&Method::POST, &headers(pairs)), "{pairs:?}");
        }
        let h = headers(&[("host", "app.test"), ("origin", "http://evil.test")]);
        assert!(!plain().allows(&Method::DELETE, &h));
    }

    #[test]
    fn without_an_origin_sec_fetch_site_decides() {
        let h = headers(&[("host", "app.test"), ("sec-fetch-site", "same-origin")]);
        assert!(plain().allows(&Method::POST, &h));
    }

    #[test]
    fn over_https_the_origin_must_be_https_and_trusted_origins_pass() {
        let https = Origins::new(true, &["https://www.app.test".to_string()], None);
        let own = headers(&[("host", "app.test"), ("origin", "https://app.test")]);
        assert!(https.allows(&Method::POST, &own));
        let trusted = headers(&[
            ("host", "internal:8080"),
            ("origin", "https://www.app.test"),
        ]);
        assert!(https.allows(&Method::POST, &trusted));
        let plain_http = headers(&[("host", "app.test"), ("origin", "http://app.test")]);
        assert!(!https.allows(&Method::POST, &plain_http));
    }

    #[test]
    fn with_a_public_origin_the_host_header_decides_nothing() {
        let public = Origins::new(
            true,
            &["https://www.app.test".to_string()],
            Some("https://app.test"),
        );
        // A rebound name: Host and Origin agree, and are not the site.
        let rebound = headers(&[("host", "evil.test"), ("origin", "https://evil.test")]);
        let by_host = Origins::new(true, &[], None);
        assert!(
            by_host.allows(&Method::POST, &rebound),
            "what Host alone allows"
        );
        assert!(!public.allows(&Method::POST, &rebound));
        for origin in ["https://app.test", "https://www.app.test"] {
            let h = headers(&[("host", "10.0.0.7:3000"), ("origin", origin)]);
            assert!(public.allows(&Method::POST, &h), "{origin}");
        }
    }
}
