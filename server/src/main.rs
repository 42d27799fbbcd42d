use anyhow::Context;
use server::{build, shutdown_signal, Config};
use tracing_subscriber::EnvFilter;

// glibc's malloc and free took a fifth of the CPU of an SSR page under load
// (perf, see bench/README.md); mimalloc is made for many small, short-lived
// allocations across threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // A missing .env file is normal; only the environment then applies.
    let _ = dotenvy::dotenv();
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    // LATCHKEY_LOG_FORMAT: readable lines (the default), or one JSON object
    // a line, with the request's span (and its id) on each.
    match std::env::var("LATCHKEY_LOG_FORMAT")
        .unwrap_or_default()
        .as_str()
    {
        "json" => tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            // Every span: a line logged inside a server function's own span
            // still carries its request's method, path and id.
            .with_span_list(true)
            .with_env_filter(filter)
            .init(),
        "" | "text" => tracing_subscriber::fmt().with_env_filter(filter).init(),
        other => anyhow::bail!("LATCHKEY_LOG_FORMAT: {other:?} is not text or json"),
    }

    let config = Config::from_env().context("invalid configuration")?;
    // `server admin …`: the operator's commands, then exit.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(("admin", rest)) = args.split_first().map(|(a, r)| (a.as_str(), r)) {
        let (said, ok) = server::cli::admin(&config, rest).await?;
        println!("{said}");
        std::process::exit(if ok { 0 } else { 1 });
    }
    let router = build(&config).await?;
    let addr = config.leptos.site_addr;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("LEPTOS_SITE_ADDR: cannot listen on {addr}"))?;
    let bound = listener.local_addr().context("reading the bound address")?;
    tracing::info!("listening on http://{bound}");
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("server error")?;
    Ok(())
}
