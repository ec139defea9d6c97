//! A crawler that waits on a real HTTP server. The server (axum, on
//! 127.0.0.1 and a port the OS picks) sleeps a fixed latency before it answers
//! each page and counts what it served; the client (reqwest) fetches `n` pages
//! four ways: one after another, all at once with `join_all`, at most `k` at a
//! time with `buffer_unordered`, and at most `k` at a time as spawned tasks in
//! a `JoinSet`. The waits overlap, so time falls with `k` far past the number
//! of cores.
#![forbid(unsafe_code)]

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use futures::stream::{self, StreamExt};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinSet;

/// What the server saw: requests per page and the most it served at once.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    /// How many times each page number was requested.
    pub hits: BTreeMap<usize, usize>,
    /// The largest number of requests in progress at one instant.
    pub max_in_flight: usize,
}

#[derive(Default)]
struct Counters {
    hits: Mutex<BTreeMap<usize, usize>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

/// The body of page `n`, so that a client's result can be checked.
pub fn body_of(page: usize) -> String {
    format!("page {page}: {}", "knock ".repeat(page % 7 + 1).trim_end())
}

// ANCHOR: server
async fn page(
    State((counters, latency)): State<(Arc<Counters>, Duration)>,
    Path(n): Path<usize>,
) -> String {
    let now = counters.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    counters.max_in_flight.fetch_max(now, Ordering::SeqCst);
    *counters.hits.lock().unwrap().entry(n).or_default() += 1;
    tokio::time::sleep(latency).await; // the slow database behind the page
    counters.in_flight.fetch_sub(1, Ordering::SeqCst);
    body_of(n)
}
// ANCHOR_END: server

/// A local HTTP server on its own thread and its own single-threaded tokio
/// runtime. Dropping it shuts it down.
pub struct Server {
    addr: SocketAddr,
    counters: Arc<Counters>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Starts a server whose every page takes `latency` to answer.
    pub fn start(latency: Duration) -> std::io::Result<Server> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let counters = Arc::new(Counters::default());
        let app = Router::new()
            .route("/page/{n}", get(page))
            .with_state((counters.clone(), latency));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let thread = std::thread::spawn(move || {
            runtime.block_on(async move {
                let listener =
                    tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
                axum::serve(listener, app)
                    .with_graceful_shutdown(async move { stopped.await.unwrap_or(()) })
                    .await
                    .expect("the server runs until it is stopped");
            });
        });
        Ok(Server {
            addr,
            counters,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The base URL, such as `http://127.0.0.1:40123`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// What the server has seen since it started or since the last call.
    pub fn take_stats(&self) -> Stats {
        let hits = std::mem::take(&mut *self.counters.hits.lock().unwrap());
        let max_in_flight = self.counters.max_in_flight.swap(0, Ordering::SeqCst);
        Stats {
            hits,
            max_in_flight,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A client whose connection pool keeps enough idle connections for any `k`.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(usize::MAX)
        .build()
        .expect("a plain-HTTP client needs no TLS setup")
}

// ANCHOR: get_page
/// Fetches one page and returns its number with its body.
pub async fn get_page(
    client: &reqwest::Client,
    base: &str,
    n: usize,
) -> reqwest::Result<(usize, String)> {
    let response = client.get(format!("{base}/page/{n}")).send().await?;
    Ok((n, response.error_for_status()?.text().await?))
}
// ANCHOR_END: get_page

fn in_page_order(mut pages: Vec<(usize, String)>) -> Vec<String> {
    pages.sort_by_key(|(n, _)| *n);
    pages.into_iter().map(|(_, body)| body).collect()
}

// ANCHOR: sequential
/// One page after another: each request waits for the one before.
pub async fn sequential(
    client: &reqwest::Client,
    base: &str,
    pages: usize,
) -> reqwest::Result<Vec<String>> {
    let mut bodies = Vec::with_capacity(pages);
    for n in 0..pages {
        bodies.push(get_page(client, base, n).await?.1);
    }
    Ok(bodies)
}
// ANCHOR_END: sequential

// ANCHOR: join_all
/// Every request at once, all polled by the calling task.
pub async fn join_all(
    client: &reqwest::Client,
    base: &str,
    pages: usize,
) -> reqwest::Result<Vec<String>> {
    let requests = (0..pages).map(|n| get_page(client, base, n));
    let results = futures::future::join_all(requests).await;
    let pages = results.into_iter().collect::<reqwest::Result<Vec<_>>>()?;
    Ok(in_page_order(pages))
}
// ANCHOR_END: join_all

// ANCHOR: buffer_unordered
/// At most `k` requests in flight; `on_page` runs as each page arrives.
pub async fn buffer_unordered(
    client: &reqwest::Client,
    base: &str,
    pages: usize,
    k: usize,
    on_page: impl Fn(),
) -> reqwest::Result<Vec<String>> {
    let mut arrivals = stream::iter(0..pages)
        .map(|n| get_page(client, base, n))
        .buffer_unordered(k);
    let mut bodies = Vec::with_capacity(pages);
    while let Some(page) = arrivals.next().await {
        bodies.push(page?);
        on_page();
    }
    Ok(in_page_order(bodies))
}
// ANCHOR_END: buffer_unordered

// ANCHOR: join_set
/// At most `k` spawned tasks at a time: start `k`, then one more as each ends.
pub async fn join_set(
    client: &reqwest::Client,
    base: &str,
    pages: usize,
    k: usize,
) -> reqwest::Result<Vec<String>> {
    let mut tasks = JoinSet::new();
    let mut next = 0..pages;
    let mut bodies = Vec::with_capacity(pages);
    loop {
        while tasks.len() < k {
            let Some(n) = next.next() else { break };
            let (client, base) = (client.clone(), base.to_string()); // 'static: owned copies
            tasks.spawn(async move { get_page(&client, &base, n).await });
        }
        let Some(done) = tasks.join_next().await else {
            break;
        };
        bodies.push(done.expect("a fetch task panicked")?);
    }
    Ok(in_page_order(bodies))
}
// ANCHOR_END: join_set
