//! Stopping async work: a future stops when it is dropped, at whichever
//! `.await` it was waiting on. A timeout drops it, `select!` drops every
//! branch that did not win, and a `CancellationToken` asks a whole group of
//! tasks to wind down. Dropping at the wrong moment loses data: a `send` that
//! loses a `select!` takes its message with it, and `reserve` is the fix. A
//! graceful shutdown stops taking work and finishes what it took.
#![forbid(unsafe_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

// ANCHOR: timeout
/// Counts, on drop, the jobs that never reached their end.
struct Unfinished<'a>(Option<&'a AtomicUsize>);

impl Drop for Unfinished<'_> {
    fn drop(&mut self) {
        if let Some(count) = self.0 {
            count.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// A job that takes `length`; `dropped` counts it if it is cut short.
pub async fn slow_job(length: Duration, dropped: &AtomicUsize) -> &'static str {
    let mut watch = Unfinished(Some(dropped));
    tokio::time::sleep(length).await; // a timeout drops the future here
    watch.0 = None; // reached the end: nothing to count
    "done"
}

/// Runs the job, but gives up after `limit`.
pub async fn with_timeout(
    length: Duration,
    limit: Duration,
    dropped: &AtomicUsize,
) -> Option<&'static str> {
    tokio::time::timeout(limit, slow_job(length, dropped))
        .await
        .ok()
}
// ANCHOR_END: timeout

/// What a forwarder did: items it passed on and heartbeats it sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Forwarded {
    /// Items taken from the input.
    pub taken: usize,
    /// Heartbeats that won a `select!`.
    pub beats: usize,
}

// ANCHOR: lossy
/// Passes items from `input` to `output`, beating a heartbeat while it waits
/// for room. Broken: when the heartbeat wins, the `send` future is dropped,
/// and the item that was moved into it is dropped with it.
pub async fn forward_lossy(
    mut input: mpsc::Receiver<u64>,
    output: mpsc::Sender<u64>,
    beat: Duration,
) -> Forwarded {
    let mut heartbeat = tokio::time::interval(beat);
    let mut done = Forwarded { taken: 0, beats: 0 };
    while let Some(item) = input.recv().await {
        done.taken += 1;
        tokio::select! {
            sent = output.send(item) => if sent.is_err() { break },
            _ = heartbeat.tick() => done.beats += 1, // `item` is gone
        }
    }
    done
}
// ANCHOR_END: lossy

// ANCHOR: reserve
/// The same forwarder, cancel-safe: wait for room with `reserve`, which holds
/// no item, and only then hand the item over with the permit.
pub async fn forward_reserved(
    mut input: mpsc::Receiver<u64>,
    output: mpsc::Sender<u64>,
    beat: Duration,
) -> Forwarded {
    let mut heartbeat = tokio::time::interval(beat);
    let mut done = Forwarded { taken: 0, beats: 0 };
    'items: while let Some(item) = input.recv().await {
        done.taken += 1;
        loop {
            tokio::select! {
                permit = output.reserve() => match permit {
                    Ok(permit) => { permit.send(item); break }
                    Err(_) => break 'items, // the receiver is gone
                },
                _ = heartbeat.tick() => done.beats += 1, // `item` is still ours
            }
        }
    }
    done
}
// ANCHOR_END: reserve

/// Sends `0..items` through a forwarder to a consumer that takes `pause` per
/// item, and returns what the consumer received with the forwarder's counts.
pub async fn pass_through<F, Fut>(
    forward: F,
    items: u64,
    beat: Duration,
    pause: Duration,
) -> (Vec<u64>, Forwarded)
where
    F: FnOnce(mpsc::Receiver<u64>, mpsc::Sender<u64>, Duration) -> Fut,
    Fut: Future<Output = Forwarded> + Send + 'static,
{
    let (to_forwarder, input) = mpsc::channel(16);
    let (output, mut from_forwarder) = mpsc::channel(1);
    let forwarder = tokio::spawn(forward(input, output, beat));
    tokio::spawn(async move {
        for i in 0..items {
            to_forwarder
                .send(i)
                .await
                .expect("the forwarder reads until we stop");
        }
    });
    let mut received = Vec::new();
    while let Some(item) = from_forwarder.recv().await {
        received.push(item);
        if !pause.is_zero() {
            tokio::time::sleep(pause).await; // a slow consumer keeps the output full
        }
    }
    (
        received,
        forwarder.await.expect("the forwarder never panics"),
    )
}

/// What a shutdown saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shutdown {
    /// Jobs taken from the queue and started.
    pub accepted: usize,
    /// Jobs that ran to their end.
    pub processed: usize,
}

// ANCHOR: graceful
/// Takes jobs (each a duration of work) and runs at most `limit` at a time
/// until `token` is cancelled; then takes no more and waits for every job
/// it took.
pub async fn serve(
    mut jobs: mpsc::Receiver<Duration>,
    limit: usize,
    token: CancellationToken,
) -> Shutdown {
    let tracker = TaskTracker::new();
    let slots = Arc::new(Semaphore::new(limit));
    let processed = Arc::new(AtomicUsize::new(0));
    let mut accepted = 0;
    loop {
        let slot = tokio::select! {
            biased; // check the token first, so no job is taken after it fires
            _ = token.cancelled() => break,
            slot = slots.clone().acquire_owned() => slot.expect("never closed"),
        };
        let job = tokio::select! {
            biased;
            _ = token.cancelled() => break,
            job = jobs.recv() => match job { Some(job) => job, None => break },
        };
        accepted += 1;
        let processed = processed.clone();
        tracker.spawn(async move {
            tokio::time::sleep(job).await; // the work
            processed.fetch_add(1, Ordering::SeqCst);
            drop(slot); // room for the next job
        });
    }
    tracker.close();
    tracker.wait().await; // every job accepted runs to its end
    Shutdown {
        accepted,
        processed: processed.load(Ordering::SeqCst),
    }
}
// ANCHOR_END: graceful

// ANCHOR: abrupt
/// Broken shutdown: the same server, but its jobs live in a `JoinSet`, and
/// returning drops the set, which aborts every job still running.
pub async fn serve_abrupt(
    mut jobs: mpsc::Receiver<Duration>,
    limit: usize,
    token: CancellationToken,
) -> Shutdown {
    let mut running = JoinSet::new();
    let processed = Arc::new(AtomicUsize::new(0));
    let mut accepted = 0;
    loop {
        if running.len() == limit {
            tokio::select! {
                biased;
                _ = token.cancelled() => break,
                _ = running.join_next() => {} // a free slot
            }
        }
        let job = tokio::select! {
            biased;
            _ = token.cancelled() => break,
            job = jobs.recv() => match job { Some(job) => job, None => break },
        };
        accepted += 1;
        let processed = processed.clone();
        running.spawn(async move {
            tokio::time::sleep(job).await;
            processed.fetch_add(1, Ordering::SeqCst);
        });
    }
    drop(running); // aborts the jobs in flight
    Shutdown {
        accepted,
        processed: processed.load(Ordering::SeqCst),
    }
}
// ANCHOR_END: abrupt

/// Fills a queue with `queued` jobs of `job` each, runs a server with room
/// for `limit` at a time, waits until the server has taken its first `limit`
/// jobs (or all of them), and cancels it `after` that. Returns what the
/// server did and the time from the cancel to its return.
pub async fn shut_down_after<F, Fut>(
    server: F,
    queued: usize,
    job: Duration,
    limit: usize,
    after: Duration,
) -> (Shutdown, Duration)
where
    F: FnOnce(mpsc::Receiver<Duration>, usize, CancellationToken) -> Fut,
    Fut: Future<Output = Shutdown> + Send + 'static,
{
    let (tx, rx) = mpsc::channel(queued.max(1));
    for _ in 0..queued {
        tx.send(job)
            .await
            .expect("the queue has room for every job");
    }
    let token = CancellationToken::new();
    let server = tokio::spawn(server(rx, limit, token.clone()));
    // Each job the server takes frees a place in the queue, so waiting for
    // `started` free places waits, without polling, until it has taken that
    // many. A server starved of CPU for a while still starts work before the
    // cancel, and the clock for `after` starts only then.
    let started = limit.min(queued);
    if started > 0 {
        let places = tx.reserve_many(started).await;
        drop(places.expect("the server holds the queue until it returns"));
    }
    tokio::time::sleep(after).await;
    let cancelled = tokio::time::Instant::now();
    token.cancel();
    let shutdown = server.await.expect("the server never panics");
    (shutdown, cancelled.elapsed())
}

/// A forwarder with no heartbeat and no `select!`: the baseline for the cost
/// of one.
pub async fn forward_plain(
    mut input: mpsc::Receiver<u64>,
    output: mpsc::Sender<u64>,
    _beat: Duration,
) -> Forwarded {
    let mut done = Forwarded { taken: 0, beats: 0 };
    while let Some(item) = input.recv().await {
        done.taken += 1;
        if output.send(item).await.is_err() {
            break;
        }
    }
    done
}
