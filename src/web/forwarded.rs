//! The client's address behind load balancers and proxies.
//!
//! Behind a balancer every connection comes from the balancer, so the
//! per-address limits and the device list would see one address for everyone.
//! With `LATCHKEY_TRUSTED_PROXIES=N`, the app trusts the last N entries of
//! `X-Forwarded-For`, the ones its own proxies appended, and takes the client's
//! address from the earliest of those: the address the outermost trusted
//! proxy saw. Entries to its left were written by the client and are ignored,
//! so a forged header cannot pick the address. With N = 0 (the default) the
//! header is ignored entirely: without proxies, anyone could send it.

use std::net::{IpAddr, SocketAddr};

use super::ClientAddress;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// How many proxies in front of the app append to `X-Forwarded-For`.
#[derive(Debug, Clone, Copy)]
pub(super) struct TrustedProxies(pub usize);

/// Records the client's address for everything after it
/// ([`ClientAddress`]): the connection's, or behind trusted
/// proxies the one they forwarded. A request whose header has fewer entries
/// than there are trusted proxies did not come through them all; it keeps the
/// connection's address.
pub(super) async fn record_client_address(
    State(proxies): State<TrustedProxies>,
    mut request: Request,
    next: Next,
) -> Response {
    let forwarded = (proxies.0 > 0)
        .then(|| forwarded_client(&request, proxies.0))
        .flatten();
    let connection = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    if let Some(ip) = forwarded.or(connection) {
        request.extensions_mut().insert(ClientAddress(ip));
    }
    next.run(request).await
}

/// The address the outermost of `proxies` trusted proxies saw, if the
/// request came through them all.
fn forwarded_client(request: &Request, proxies: usize) -> Option<IpAddr> {
    let entries: Vec<&str> = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    let first_trusted = entries.len().checked_sub(proxies)?;
    parse(entries[first_trusted])
}

/// An address as proxies write it: bare, or with a port (`[v6]:port`, `v4:port`).
fn parse(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|addr| addr.ip()))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn entries_parse_bare_or_with_a_port_and_nothing_else() {
        assert_eq!(parse("203.0.113.9"), "203.0.113.9".parse().ok());
        assert_eq!(parse("203.0.113.9:4711"), "203.0.113.9".parse().ok());
        assert_eq!(parse("2001:db8::1"), "2001:db8::1".parse().ok());
        assert_eq!(parse("[2001:db8::1]:443"), "2001:db8::1".parse().ok());
        assert_eq!(parse("unknown"), None);
        assert_eq!(parse(""), None);
    }
}
