//! Every test runs on tokio's paused clock: time stands still until every
//! task is waiting, then jumps to the next timer. The interleavings are
//! therefore the same on every run, and the tests take no real time.
use async_cancellation::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[tokio::test(start_paused = true)]
async fn a_timeout_drops_the_job_and_a_quick_job_finishes() {
    let dropped = AtomicUsize::new(0);
    assert_eq!(with_timeout(ms(50), ms(20), &dropped).await, None);
    assert_eq!(
        dropped.load(Ordering::SeqCst),
        1,
        "the cut-short job was dropped"
    );
    assert_eq!(with_timeout(ms(10), ms(20), &dropped).await, Some("done"));
    assert_eq!(
        dropped.load(Ordering::SeqCst),
        1,
        "a finished job is not counted"
    );
}

#[tokio::test(start_paused = true)]
async fn a_send_that_loses_the_select_loses_its_item() {
    let (received, done) = pass_through(forward_lossy, 100, ms(1), ms(3)).await;
    assert_eq!(done.taken, 100);
    assert!(done.beats > 0);
    assert!(
        received.len() < 100,
        "some items should be lost: {received:?}"
    );
    assert_eq!(
        done.taken - received.len(),
        done.beats,
        "each heartbeat that won cost one item"
    );
    // What arrived arrived in order, and what is missing was simply dropped.
    assert!(received.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(
        done.taken - received.len(),
        (0..100).filter(|i| !received.contains(i)).count()
    );
}

#[tokio::test(start_paused = true)]
async fn reserve_then_send_loses_nothing() {
    let (received, done) = pass_through(forward_reserved, 100, ms(1), ms(3)).await;
    assert!(done.beats > 0, "the heartbeat did win some selects");
    assert_eq!(received, (0..100).collect::<Vec<u64>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_forwarders_pass_everything_when_nothing_interrupts() {
    // A heartbeat far longer than the run never fires after its first tick.
    // An interval's first tick is ready at once, so it may win the first
    // select and cost the lossy forwarder item 0; after that, nothing.
    let hour = Duration::from_secs(3600);
    let (received, _) = pass_through(forward_lossy, 1_000, hour, Duration::ZERO).await;
    assert!(1_000 - received.len() <= 1, "{}", received.len());
    let everything: Vec<u64> = (0..1_000).collect();
    let (received, _) = pass_through(forward_reserved, 1_000, hour, Duration::ZERO).await;
    assert_eq!(received, everything);
    let (received, _) = pass_through(forward_plain, 1_000, hour, Duration::ZERO).await;
    assert_eq!(received, everything);
}

#[tokio::test(start_paused = true)]
async fn graceful_shutdown_finishes_every_job_it_accepted() {
    for limit in [1, 7, 50] {
        let (done, took) = shut_down_after(serve, 1_000, ms(20), limit, ms(50)).await;
        assert!(done.accepted > 0);
        assert!(done.accepted < 1_000, "the cancel stopped the intake");
        assert_eq!(done.processed, done.accepted, "limit {limit}");
        // 50 ms = two rounds of 20 ms and a third round started at 40 ms.
        assert_eq!(done.accepted, 3 * limit, "limit {limit}");
        assert_eq!(took, ms(10), "the third round ends at 60 ms");
    }
}

#[tokio::test(start_paused = true)]
async fn abrupt_shutdown_loses_the_jobs_in_flight() {
    let (done, took) = shut_down_after(serve_abrupt, 1_000, ms(20), 7, ms(50)).await;
    assert_eq!(done.accepted, 21);
    assert_eq!(done.processed, 14, "the third round was aborted");
    assert_eq!(took, Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_server_whose_queue_runs_dry_still_finishes_everything() {
    let (done, _) = shut_down_after(serve, 5, ms(20), 3, ms(1_000)).await;
    assert_eq!(
        done,
        Shutdown {
            accepted: 5,
            processed: 5
        }
    );
}

#[tokio::test(start_paused = true)]
async fn the_cancel_waits_until_the_server_has_started_work() {
    // A server that gets going late (here it sleeps 100 ms first, as one
    // starved of CPU might) still takes its first round before the cancel,
    // and the cancel comes 50 ms after that: three rounds of 7.
    let late = |jobs, limit, token| async move {
        tokio::time::sleep(ms(100)).await;
        serve(jobs, limit, token).await
    };
    let (done, took) = shut_down_after(late, 1_000, ms(20), 7, ms(50)).await;
    assert_eq!(
        done,
        Shutdown {
            accepted: 21,
            processed: 21
        }
    );
    assert_eq!(took, ms(10));
}
