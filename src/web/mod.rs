//! What Latchkey reads from an HTTP request, in one place for the server's
//! layers and the app's server functions alike (neither imports the other
//! for it), and, with the `web` feature, the host kit: [`Kit`], the layers
//! and extractors any axum app runs the core with.

use std::net::IpAddr;

use crate::sessions::ClientInfo;

#[cfg(feature = "web")]
mod answers;
mod extract;
#[cfg(feature = "web")]
mod forwarded;
#[cfg(feature = "web")]
mod kit;
#[cfg(feature = "web")]
mod origins;
#[cfg(feature = "web")]
mod refusal;
#[cfg(feature = "web")]
mod visit;

#[cfg(feature = "web")]
pub use answers::status_of;
#[cfg(feature = "web")]
pub use extract::{Browser, Client, SignedIn};
#[cfg(feature = "web")]
pub use kit::{CrossSiteAnswer, Kit, KitError, SetCookies};
#[cfg(feature = "web")]
pub use origins::Origins;
pub use refusal::{Answer, Refusal};
#[cfg(feature = "web")]
pub use visit::Visit;

/// The client's address, as the server's first layer decides it: the
/// connection's, or behind trusted proxies the one they forwarded. Put in
/// the request's extensions; everything else reads it from there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

/// Seconds a client is asked to wait (`Retry-After`) while the database is
/// unavailable.
pub const UNAVAILABLE_RETRY_SECONDS: u64 = 5;

/// The request's client address, if the server's layer recorded one.
pub fn client_address(extensions: &http::Extensions) -> Option<IpAddr> {
    extensions.get::<ClientAddress>().map(|address| address.0)
}

/// The browser and address of a request head, for the device list and activity.
pub fn client_of(headers: &http::HeaderMap, extensions: &http::Extensions) -> ClientInfo {
    let user_agent = headers
        .get(http::header::USER_AGENT)
        .and_then(|value| value.to_str().ok());
    ClientInfo::new(user_agent, client_address(extensions))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_is_the_user_agent_and_the_recorded_address() {
        let mut request = http::Request::builder()
            .header(http::header::USER_AGENT, "Firefox")
            .body(())
            .unwrap();
        assert_eq!(
            client_of(request.headers(), request.extensions()).ip,
            "unknown"
        );
        let address: IpAddr = "203.0.113.9".parse().unwrap();
        request.extensions_mut().insert(ClientAddress(address));
        let client = client_of(request.headers(), request.extensions());
        assert_eq!(
            (client.user_agent.as_str(), client.ip.as_str()),
            ("Firefox", "203.0.113.9")
        );
    }
}
