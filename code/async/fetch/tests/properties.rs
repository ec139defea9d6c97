use async_fetch::{Server, Stats, body_of};
use std::time::Duration;

const PAGES: usize = 40;

fn expected() -> Vec<String> {
    (0..PAGES).map(body_of).collect()
}

/// Every page was requested exactly once.
fn assert_each_page_once(stats: &Stats) {
    let once: Vec<(usize, usize)> = (0..PAGES).map(|n| (n, 1)).collect();
    assert_eq!(stats.hits.clone().into_iter().collect::<Vec<_>>(), once);
}

fn server() -> Server {
    Server::start(Duration::from_millis(15)).expect("a local port")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sequential_fetches_every_page_once_one_at_a_time() {
    let server = server();
    let bodies = async_fetch::sequential(&async_fetch::client(), &server.url(), PAGES)
        .await
        .unwrap();
    assert_eq!(bodies, expected());
    let stats = server.take_stats();
    assert_each_page_once(&stats);
    assert_eq!(stats.max_in_flight, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_all_fetches_every_page_once_and_overlaps_them() {
    let server = server();
    let bodies = async_fetch::join_all(&async_fetch::client(), &server.url(), PAGES)
        .await
        .unwrap();
    assert_eq!(bodies, expected());
    let stats = server.take_stats();
    assert_each_page_once(&stats);
    assert!(stats.max_in_flight > 1, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buffer_unordered_never_has_more_than_k_in_flight() {
    let server = server();
    let client = async_fetch::client();
    for k in [1, 3, 8] {
        let arrived = std::sync::atomic::AtomicUsize::new(0);
        let count = || {
            arrived.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        };
        let bodies = async_fetch::buffer_unordered(&client, &server.url(), PAGES, k, count)
            .await
            .unwrap();
        assert_eq!(bodies, expected());
        assert_eq!(arrived.into_inner(), PAGES, "on_page runs once per page");
        let stats = server.take_stats();
        assert_each_page_once(&stats);
        assert!(stats.max_in_flight <= k, "k = {k}: {stats:?}");
        if k > 1 {
            assert!(
                stats.max_in_flight > 1,
                "k = {k}: the waits should overlap: {stats:?}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_set_never_has_more_than_k_in_flight() {
    let server = server();
    let client = async_fetch::client();
    for k in [1, 3, 8, PAGES * 2] {
        let bodies = async_fetch::join_set(&client, &server.url(), PAGES, k)
            .await
            .unwrap();
        assert_eq!(bodies, expected());
        let stats = server.take_stats();
        assert_each_page_once(&stats);
        assert!(stats.max_in_flight <= k, "k = {k}: {stats:?}");
        if k > 1 {
            assert!(
                stats.max_in_flight > 1,
                "k = {k}: the spawned requests should overlap: {stats:?}"
            );
        }
    }
}

#[test]
fn a_missing_page_is_an_error_not_a_wrong_body() {
    let server = server();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let url = format!("{}/nothing-here", server.url());
    let result = runtime.block_on(async_fetch::sequential(&async_fetch::client(), &url, 1));
    assert!(result.is_err());
}

#[test]
fn the_server_shuts_down_when_dropped() {
    let server = server();
    let url = server.url();
    drop(server);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    assert!(
        runtime
            .block_on(async_fetch::sequential(&async_fetch::client(), &url, 1))
            .is_err()
    );
}
