use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use async_from_scratch::{
    Knock, Sleep, TimerThread, crunch, crunches, four_joined, four_spawned, knock_from_scratch,
    knock_on_tokio, run_all, runtime,
};
use support_kit::testing::within;

const LIMIT: Duration = Duration::from_secs(60);

/// Counts each door's answers: every door in 0..n exactly once.
fn assert_once_each(n: usize, answered: impl IntoIterator<Item = usize>) {
    let mut seen = vec![0u32; n];
    for door in answered {
        seen[door] += 1;
    }
    for (door, count) in seen.iter().enumerate() {
        assert_eq!(*count, 1, "door {door} answered {count} times");
    }
}

#[test]
fn every_knock_completes_exactly_once_on_the_hand_made_executor() {
    within(LIMIT, || {
        for by_hand in [false, true] {
            for (doors, wait_ms) in [(1, 0), (1, 5), (50, 1), (2_000, 10)] {
                let run = knock_from_scratch(doors, Duration::from_millis(wait_ms), by_hand);
                assert_eq!(run.outputs.len(), doors);
                assert_once_each(doors, run.outputs.iter().map(|&(id, _)| id));
                // Task i knocks on door i.
                assert!(run.outputs.iter().all(|&(id, door)| id == door));
                // Each task is polled at least once; one that waits is polled
                // again after its wake, and (one wake per alarm) not more.
                assert!(
                    run.polls >= doors as u64 && run.polls <= 2 * doors as u64,
                    "{run:?}"
                );
            }
        }
    });
}

/// A future that is Pending `pendings` times, waking itself each time, then
/// Ready; it records every poll after Ready, which must never happen.
struct Wakeful {
    pendings: u32,
    polls_after_ready: Arc<AtomicU32>,
    done: bool,
    extra_wakes: u32,
}

impl Future for Wakeful {
    type Output = u32;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        if self.done {
            self.polls_after_ready.fetch_add(1, Ordering::SeqCst);
            return Poll::Ready(0);
        }
        if self.pendings == 0 {
            self.done = true;
            // Wake once more on the way out: the executor must ignore it.
            for _ in 0..self.extra_wakes {
                cx.waker().wake_by_ref();
            }
            return Poll::Ready(7);
        }
        self.pendings -= 1;
        // Wake twice: a duplicate wake must not cause a double completion.
        cx.waker().wake_by_ref();
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[test]
fn duplicate_and_late_wakes_never_poll_a_finished_task() {
    within(LIMIT, || {
        let after = Arc::new(AtomicU32::new(0));
        let futures: Vec<_> = (0..100)
            .map(|i| Wakeful {
                pendings: i % 5,
                polls_after_ready: after.clone(),
                done: false,
                extra_wakes: 1,
            })
            .collect();
        let run = run_all(futures);
        assert_eq!(run.outputs.len(), 100);
        assert_once_each(100, run.outputs.iter().map(|&(id, _)| id));
        assert!(run.outputs.iter().all(|&(_, v)| v == 7));
        assert_eq!(
            after.load(Ordering::SeqCst),
            0,
            "a finished task was polled"
        );
        assert!(
            run.stale_wakes > 0,
            "the test's extra wakes reached the queue"
        );
    });
}

#[test]
fn a_sleep_does_not_finish_early() {
    within(LIMIT, || {
        let timers = TimerThread::start();
        let timer = timers.handle();
        let start = std::time::Instant::now();
        let run = run_all(vec![Sleep::new(&timer, Duration::from_millis(30))]);
        assert_eq!(run.outputs.len(), 1);
        assert!(start.elapsed() >= Duration::from_millis(30));
    });
}

#[test]
#[should_panic(expected = "polled after it returned Ready")]
fn the_hand_written_knock_refuses_a_poll_after_ready() {
    let timers = TimerThread::start();
    let mut knock = Knock::Start {
        timer: timers.handle(),
        door: 3,
        wait: Duration::ZERO,
    };
    let waker = std::task::Waker::noop();
    let mut cx = Context::from_waker(waker);
    assert_eq!(Pin::new(&mut knock).poll(&mut cx), Poll::Ready(3));
    let _ = Pin::new(&mut knock).poll(&mut cx);
}

#[test]
fn every_knock_completes_exactly_once_on_tokio() {
    for workers in [None, Some(2)] {
        let rt = runtime(workers);
        for doors in [1, 100, 5_000] {
            let answered = rt.block_on(knock_on_tokio(doors, Duration::from_millis(5)));
            assert_eq!(answered.len(), doors);
            assert_once_each(doors, answered);
        }
    }
}

#[test]
fn joined_and_spawned_futures_compute_the_same_answers_once_each() {
    let rt = runtime(Some(2));
    let before = crunches();
    let joined = rt.block_on(four_joined(1_000));
    let spawned = rt.block_on(four_spawned(1_000));
    let expected = [1, 2, 3, 4].map(|seed| crunch(seed, 1_000));
    assert_eq!(joined, expected);
    assert_eq!(spawned, expected);
    // Only this test crunches; eight futures ran, each once.
    assert_eq!(crunches() - before, 8);
}
