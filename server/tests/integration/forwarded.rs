//! Behind load balancers: the client's address comes from `X-Forwarded-For`,
//! but only from the entries the trusted proxies wrote, and only when told
//! there are proxies.

use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::{unique_name, TestApp, PASSWORD};

/// Signs in as `name` with this `X-Forwarded-For`, then answers the address
/// the device list shows for this browser.
async fn address_seen(app: &TestApp, name: &str, forwarded_for: &str) -> String {
    let response = app
        .client
        .post(app.url("/api/login"))
        .header("X-Forwarded-For", forwarded_for)
        .form(&[("username", name), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let list: Value = app
        .client
        .post(app.url("/api/devices"))
        .form(&[("", ""); 0])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let this = list
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["current"] == true)
        .cloned()
        .unwrap();
    this["ip"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn behind_one_proxy_the_address_it_saw_is_used_and_forged_entries_are_not() {
    let app = TestApp::start_with(&[("LATCHKEY_TRUSTED_PROXIES", "1")]).await;
    let name = unique_name("proxied");
    app.register(&name, PASSWORD).await;
    // The client wrote the first entry; the balancer appended the second.
    let seen = address_seen(&app, &name, "198.51.100.66, 203.0.113.9").await;
    assert_eq!(seen, "203.0.113.9");
    // Behind two proxies, the outer one's view is second from the right.
    drop(app);
    let app = TestApp::start_with(&[("LATCHKEY_TRUSTED_PROXIES", "2")]).await;
    app.register(&name, PASSWORD).await;
    let seen = address_seen(&app, &name, "198.51.100.66, 203.0.113.9, 10.0.0.2").await;
    assert_eq!(seen, "203.0.113.9");
    // Fewer entries than proxies: not through them all, the peer's address stays.
    let seen = address_seen(&app, &name, "203.0.113.9").await;
    assert_eq!(seen, "127.0.0.1");
}

#[tokio::test]
async fn without_trusted_proxies_the_header_is_ignored() {
    let app = TestApp::start().await;
    let name = unique_name("direct");
    app.register(&name, PASSWORD).await;
    let seen = address_seen(&app, &name, "203.0.113.9").await;
    assert_eq!(seen, "127.0.0.1");
}

#[tokio::test]
async fn per_address_limits_count_each_forwarded_client_on_its_own() {
    let app = TestApp::start_with(&[
        ("LATCHKEY_TRUSTED_PROXIES", "1"),
        ("LATCHKEY_LOGINS_PER_IP_PER_MINUTE", "2"),
    ])
    .await;
    let attempt = |client_ip: &'static str| {
        app.client
            .post(app.url("/api/login"))
            .header("X-Forwarded-For", client_ip)
            .form(&[
                ("username", "nobody-here"),
                ("password", "not the password"),
            ])
            .send()
    };
    for _ in 0..2 {
        assert_eq!(
            attempt("203.0.113.1").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        attempt("203.0.113.1").await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another client behind the same balancer still has its own budget.
    assert_eq!(
        attempt("203.0.113.2").await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
}
