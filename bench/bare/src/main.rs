//! `bench-bare PORT PAGE_FILE JSON_FILE`: answers every GET with the bytes of
//! PAGE_FILE (as HTML) and every POST with the bytes of JSON_FILE (as JSON),
//! with no session and no database: the ceiling Latchkey is compared with.

use axum::http::header::CONTENT_TYPE;
use axum::routing::any;
use axum::Router;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, port, page, json] = args.as_slice() else {
        eprintln!("usage: bench-bare PORT PAGE_FILE JSON_FILE");
        std::process::exit(2);
    };
    let page: &'static [u8] = std::fs::read(page).expect("read PAGE_FILE").leak();
    let json: &'static [u8] = std::fs::read(json).expect("read JSON_FILE").leak();
    let app = Router::new().fallback(any(move |method: axum::http::Method| async move {
        if method == axum::http::Method::POST {
            ([(CONTENT_TYPE, "application/json")], json)
        } else {
            ([(CONTENT_TYPE, "text/html; charset=utf-8")], page)
        }
    }));
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}"))
        .await
        .expect("bind");
    axum::serve(listener, app).await.expect("serve");
}
