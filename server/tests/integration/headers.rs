//! Security headers: a nonce-based Content-Security-Policy on every page that
//! matches every script the page carries, the other headers everywhere, HSTS
//! over HTTPS, and 413 for bodies over the limit.

use reqwest::StatusCode;

use crate::harness::{unique_name, TestApp, PASSWORD};

/// The nonce in a page's policy.
fn nonce_of(policy: &str) -> String {
    let start = policy.find("'nonce-").expect("a nonce in the policy") + "'nonce-".len();
    policy[start..].split('\'').next().unwrap().to_string()
}

#[tokio::test]
async fn every_page_script_carries_this_responses_nonce_and_nothing_inline_else_runs() {
    let app = TestApp::start().await;
    app.register(&unique_name("csp"), PASSWORD).await;
    let mut nonces = Vec::new();
    for path in ["/", "/login", "/settings/devices", "/no/such/page"] {
        let response = app.get(path).await;
        let policy = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        for directive in [
            "default-src 'self'",
            "style-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(policy.contains(directive), "{path}: {policy}");
        }
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        let nonce = nonce_of(&policy);
        assert!(nonce.len() >= 16, "a nonce of 96 bits or more: {nonce}");
        let html = response.text().await.unwrap();
        let scripts = html.matches("<script").count();
        assert!(scripts >= 1, "{path} hydrates with at least one script");
        let nonced = html.matches(&format!(r#"nonce="{nonce}""#)).count();
        assert!(
            nonced >= scripts,
            "{path}: {scripts} scripts but {nonced} carry the nonce"
        );
        nonces.push(nonce);
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 4, "a fresh nonce per response");
}

#[tokio::test]
async fn api_answers_may_load_nothing_and_every_answer_has_the_basic_headers() {
    let app = TestApp::start().await;
    for response in [
        app.post("current_user", &[]).await,
        app.get("/healthz").await,
        app.get("/favicon.svg").await,
        app.get("/").await,
    ] {
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], "same-origin");
        assert_eq!(headers["x-frame-options"], "DENY");
        let policy = headers["content-security-policy"].to_str().unwrap();
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert!(!headers.contains_key("strict-transport-security"));
    }
    let json = app.post("current_user", &[]).await;
    assert_eq!(
        json.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
}

/// A page carries its user (serialized for hydration) and a JSON answer its
/// data: neither may be kept by the browser or a proxy.
#[tokio::test]
async fn pages_and_answers_are_never_stored() {
    let app = TestApp::start().await;
    app.register(&unique_name("nostore"), PASSWORD).await;
    for response in [
        app.get("/settings/devices").await,
        app.get("/").await,
        app.get("/no/such/page").await,
        app.post("current_user", &[]).await,
        app.post("devices", &[]).await,
    ] {
        let url = response.url().to_string();
        assert_eq!(response.headers()["cache-control"], "no-store", "{url}");
    }
    // (The build's files keep theirs: `the_built_files_are_revalidated_...`.)
}

#[tokio::test]
async fn over_https_browsers_are_told_to_stay_on_https() {
    let app = TestApp::start_with(&[("LATCHKEY_SECURE_COOKIES", "true")]).await;
    let response = app.get("/").await;
    let hsts = response.headers()["strict-transport-security"]
        .to_str()
        .unwrap();
    assert!(hsts.starts_with("max-age=63072000"), "{hsts}");
}

#[tokio::test]
async fn an_oversized_body_gets_413_and_changes_nothing() {
    let app = TestApp::start().await;
    let huge = "a".repeat(10 * 1024 * 1024);
    let response = app.register(&unique_name("huge"), &huge).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM latchkey_users", None).await,
        0
    );
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
}

/// Pages go compressed to browsers that take it, and plain to the rest.
#[tokio::test]
async fn pages_are_compressed_for_browsers_that_accept_it() {
    let app = TestApp::start().await;
    let plain = app.get("/login").await;
    assert_eq!(plain.headers().get("content-encoding"), None);
    let plain = plain.bytes().await.unwrap();
    for encoding in ["br", "gzip"] {
        let response = app
            .stranger()
            .get(app.url("/login"))
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["content-encoding"].to_str().unwrap(),
            encoding
        );
        let packed = response.bytes().await.unwrap();
        assert!(
            packed.len() * 2 < plain.len(),
            "{encoding}: {} of {} bytes",
            packed.len(),
            plain.len()
        );
    }
}

/// Built without hashed names, the files keep their names across builds:
/// browsers revalidate them, and a revalidation of an unchanged file is a 304
/// with no body.
#[tokio::test]
async fn the_built_files_are_revalidated_before_use_and_cost_nothing_unchanged() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    std::fs::write(
        site.path().join("pkg/latchkey.css"),
        "body { color: black }",
    )
    .unwrap();
    let root = site.path().to_str().unwrap();
    let app =
        TestApp::start_with(&[("LEPTOS_SITE_ROOT", root), ("LEPTOS_HASH_FILES", "false")]).await;
    let response = app.get("/pkg/latchkey.css").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-cache");
    assert!(
        response.headers().get("set-cookie").is_none(),
        "no session for a file"
    );
    let modified = response.headers()["last-modified"]
        .to_str()
        .unwrap()
        .to_string();
    let again = app
        .stranger()
        .get(app.url("/pkg/latchkey.css"))
        .header("if-modified-since", modified)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(
        app.get("/pkg/missing.js").await.status(),
        StatusCode::NOT_FOUND
    );
}

/// A site build names each file after its contents and lists the names beside
/// the binary: pages link those names, and a browser keeps the files a year
/// without asking again. A missing file is never cached.
#[tokio::test]
async fn hashed_built_files_are_linked_by_the_pages_and_kept_for_a_year() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    for name in [
        "latchkey.Css1.css",
        "latchkey.Js22.js",
        "latchkey.Wasm333.wasm",
    ] {
        std::fs::write(site.path().join("pkg").join(name), "built").unwrap();
    }
    let list = site.path().join("hash.txt");
    std::fs::write(&list, "js: Js22\nwasm: Wasm333\ncss: Css1\n").unwrap();
    let app = TestApp::start_with(&[
        ("LEPTOS_SITE_ROOT", site.path().to_str().unwrap()),
        ("LEPTOS_HASH_FILE_NAME", list.to_str().unwrap()),
    ])
    .await;
    let page = app.get("/login").await.text().await.unwrap();
    for linked in [
        "/pkg/latchkey.Css1.css",
        "/pkg/latchkey.Js22.js",
        "/pkg/latchkey.Wasm333.wasm",
    ] {
        assert!(page.contains(linked), "the page links {linked}");
    }
    assert!(
        !page.contains("/pkg/latchkey.css"),
        "no unhashed name is linked"
    );
    let response = app.get("/pkg/latchkey.Wasm333.wasm").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let missing = app.get("/pkg/latchkey.Old4444.wasm").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(missing.headers()["cache-control"], "no-cache");
}

/// ASVS 5.0 14.3.1: log-out and deletion tell the browser to forget the
/// site's cache and storage; the cookies are each ended by name (log-out
/// keeps the known-browser cookie; a deletion ends it too).
#[tokio::test]
async fn log_out_and_deletion_clear_the_site_data() {
    let app = crate::harness::TestApp::start().await;
    let name = crate::harness::unique_name("clear");
    app.register(&name, crate::harness::PASSWORD).await;
    let out = app.log_out().await;
    assert_eq!(
        out.headers()
            .get("clear-site-data")
            .and_then(|v| v.to_str().ok()),
        Some(r#""cache", "storage""#)
    );
    app.log_in(&name, crate::harness::PASSWORD).await;
    let deleted = app
        .post(
            "delete_account",
            &[("username", &name), ("password", crate::harness::PASSWORD)],
        )
        .await;
    assert_eq!(deleted.status(), reqwest::StatusCode::OK);
    assert_eq!(
        deleted
            .headers()
            .get("clear-site-data")
            .and_then(|v| v.to_str().ok()),
        Some(r#""cache", "storage""#)
    );
    let ended: Vec<String> = crate::harness::set_cookies(deleted.headers())
        .into_iter()
        .filter(|c| c.contains("Max-Age=0"))
        .collect();
    for name in ["latchkey_remember=", "latchkey_browser="] {
        assert!(
            ended.iter().any(|c| c.starts_with(name)),
            "{name} {ended:?}"
        );
    }
}
