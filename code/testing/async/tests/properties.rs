use std::time::Duration;
use testing_async::{
    Shelf, Transfer, drop_at_every_await, failing_attempt, move_all, move_all_lossy,
    poll_then_drop, retry_drifting, retry_on_schedule,
};
use tokio::time::Instant;

const EVERY: Duration = Duration::from_millis(100);
const ATTEMPT: Duration = Duration::from_millis(30);
const DEADLINE: Duration = Duration::from_millis(500);

fn ms(list: &[u64]) -> Vec<Duration> {
    list.iter().map(|&m| Duration::from_millis(m)).collect()
}

// ANCHOR: paused
// With the clock paused, tokio jumps to the next timer whenever every task
// waits, so the test takes no real time and the instants are exact.
#[tokio::test(start_paused = true)]
async fn the_interval_starts_an_attempt_exactly_every_100_ms() {
    let started = retry_on_schedule(EVERY, DEADLINE, || failing_attempt(ATTEMPT)).await;
    assert_eq!(started, ms(&[0, 100, 200, 300, 400]));
}

// The drift, pinned down: each attempt starts 130 ms after the last.
#[tokio::test(start_paused = true)]
async fn sleeping_after_each_attempt_drifts_by_the_attempts_length() {
    let started = retry_drifting(EVERY, DEADLINE, || failing_attempt(ATTEMPT)).await;
    assert_eq!(started, ms(&[0, 130, 260, 390]));
}
// ANCHOR_END: paused

// ANCHOR: boundary
// Written after cargo-mutants reported that `<` in the loop condition could be
// `<=` with no test failing: attempts of 25 ms put the fifth start exactly on
// the deadline, where the two differ. A start at the deadline is too late.
#[tokio::test(start_paused = true)]
async fn no_attempt_starts_at_the_deadline() {
    let started = retry_drifting(EVERY, DEADLINE, || {
        failing_attempt(Duration::from_millis(25))
    })
    .await;
    assert_eq!(started, ms(&[0, 125, 250, 375]));
}
// ANCHOR_END: boundary

// The whole schedule passes on the virtual clock: the loop ends at the
// first tick at or past the deadline. (What it saves in real time is the
// benchmark's business, not a test's.)
#[tokio::test(start_paused = true)]
async fn the_schedule_ends_at_the_deadline_on_the_virtual_clock() {
    let virtual_start = Instant::now();
    retry_on_schedule(EVERY, DEADLINE, || failing_attempt(ATTEMPT)).await;
    assert_eq!(virtual_start.elapsed(), DEADLINE);
}

// ANCHOR: advance
// Driving the clock by hand: advance 99 ms at a time and count the attempts
// the spawned loop has started.
#[tokio::test(start_paused = true)]
async fn advance_moves_the_clock_step_by_step() {
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = count.clone();
    let task = tokio::spawn(async move {
        retry_on_schedule(EVERY, DEADLINE, move || {
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            failing_attempt(ATTEMPT)
        })
        .await
    });
    let mut counts = Vec::new();
    for _ in 0..5 {
        tokio::task::yield_now().await;
        counts.push(count.load(std::sync::atomic::Ordering::SeqCst));
        tokio::time::advance(EVERY).await;
    }
    assert_eq!(counts, [1, 2, 3, 4, 5]);
    assert_eq!(task.await.unwrap().len(), 5);
}
// ANCHOR_END: advance

// Uncancelled, both transfers move everything.
#[test]
fn both_transfers_move_every_item_when_left_to_finish() {
    for lossy in [true, false] {
        let (from, to) = (Shelf::holding(0..10), Shelf::default());
        let finished = if lossy {
            poll_then_drop(move_all_lossy(&from, &to), 1_000)
        } else {
            poll_then_drop(move_all(&from, &to), 1_000)
        };
        assert!(finished);
        assert_eq!(
            (from.items(), to.items()),
            (vec![], (0..10).collect::<Vec<_>>())
        );
    }
}

// ANCHOR: sweep
// The harness finds the bug: some drop point loses an item, and never more
// than one (only one item is ever in flight).
#[test]
fn dropping_the_lossy_transfer_at_some_await_loses_an_item() {
    let reports = drop_at_every_await(Transfer::Lossy, 3);
    assert!(reports.iter().any(|r| r.lost == 1), "{reports:?}");
    assert!(reports.iter().all(|r| r.lost <= 1));
}

// The fix holds at every drop point: every item is on exactly one shelf.
#[test]
fn dropping_the_reserved_transfer_anywhere_loses_nothing() {
    for items in 0..6 {
        let reports = drop_at_every_await(Transfer::Reserved, items);
        assert!(reports.last().unwrap().finished);
        for r in &reports {
            assert_eq!((r.lost, r.left + r.moved), (0, items as usize), "{r:?}");
        }
    }
}
// ANCHOR_END: sweep
