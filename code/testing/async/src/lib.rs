//! Testing async code without waiting and without luck. Paused time: a retry
//! loop meant to try every 100 ms drifts, because it sleeps 100 ms *after*
//! each attempt; with tokio's clock paused, a test sees the exact instants
//! and fails at once, where real time would need tolerances and seconds.
//! Cancellation: a future can be dropped at any `.await`; a harness polls a
//! future n times, drops it, and checks an invariant, for every n. It finds
//! a transfer that loses an item when dropped between taking and putting.
#![forbid(unsafe_code)]

use std::future::Future;
use std::pin::pin;
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};
use std::time::Duration;
use tokio::time::{Instant, MissedTickBehavior};

// ANCHOR: retry
/// Calls `attempt` until it succeeds or `deadline` has passed since the
/// start, meaning to start an attempt every `every`. Broken: it sleeps
/// `every` after each attempt, so the attempts drift by the attempt's length.
pub async fn retry_drifting<F: Future<Output = bool>>(
    every: Duration,
    deadline: Duration,
    mut attempt: impl FnMut() -> F,
) -> Vec<Duration> {
    let start = Instant::now();
    let mut started = Vec::new();
    while start.elapsed() < deadline {
        started.push(start.elapsed());
        if attempt().await {
            break;
        }
        tokio::time::sleep(every).await;
    }
    started
}

/// The fix: an `interval` ticks on a fixed schedule from the start, however
/// long each attempt took (`Delay`: a late tick moves the schedule on rather
/// than firing a burst to catch up).
pub async fn retry_on_schedule<F: Future<Output = bool>>(
    every: Duration,
    deadline: Duration,
    mut attempt: impl FnMut() -> F,
) -> Vec<Duration> {
    let start = Instant::now();
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut started = Vec::new();
    loop {
        ticks.tick().await;
        if start.elapsed() >= deadline {
            break;
        }
        started.push(start.elapsed());
        if attempt().await {
            break;
        }
    }
    started
}
// ANCHOR_END: retry

/// An attempt that takes `length` (a request to a server that is down) and
/// fails.
pub async fn failing_attempt(length: Duration) -> bool {
    tokio::time::sleep(length).await;
    false
}

// ANCHOR: shelf-step
/// Stands for one I/O wait: returns `Pending` once (asking to be polled
/// again at once), then `Ready`. Every `.await` on it is a point at which the
/// caller's future can be dropped.
pub async fn io_step() {
    let mut waited = false;
    std::future::poll_fn(|cx| {
        if waited {
            Poll::Ready(())
        } else {
            waited = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await
}
// ANCHOR_END: shelf-step

// ANCHOR: shelf-store
/// A store of items behind an async interface (think of a table in a
/// database): each operation waits for I/O, then acts.
#[derive(Debug, Default)]
pub struct Shelf {
    items: Mutex<Vec<u32>>,
}

impl Shelf {
    /// A shelf holding `items`.
    pub fn holding(items: impl IntoIterator<Item = u32>) -> Self {
        Shelf {
            items: Mutex::new(items.into_iter().collect()),
        }
    }

    /// The items on the shelf now, sorted.
    pub fn items(&self) -> Vec<u32> {
        let mut items = self.items.lock().unwrap().clone();
        items.sort_unstable();
        items
    }

    /// Takes one item off, after an I/O wait.
    pub async fn take(&self) -> Option<u32> {
        io_step().await;
        self.items.lock().unwrap().pop()
    }

    /// Puts one item on, after an I/O wait.
    pub async fn put(&self, item: u32) {
        io_step().await;
        self.items.lock().unwrap().push(item);
    }

    /// Waits (I/O) for room for one item and returns it: filling the slot
    /// then needs no `.await`. (These shelves have no limit: no room is counted.)
    pub async fn reserve(&self) -> Slot<'_> {
        io_step().await;
        Slot { shelf: self }
    }
}
// ANCHOR_END: shelf-store

// ANCHOR: shelf-slot
/// Room for one item on a shelf, already secured.
pub struct Slot<'a> {
    shelf: &'a Shelf,
}

impl Slot<'_> {
    /// Puts the item in the reserved room, at once.
    pub fn fill(self, item: u32) {
        self.shelf.items.lock().unwrap().push(item);
    }
}
// ANCHOR_END: shelf-slot

// ANCHOR: transfer
/// Moves every item from `from` to `to`. Broken: dropped while awaiting
/// `put`, the item it took is in neither place.
pub async fn move_all_lossy(from: &Shelf, to: &Shelf) {
    while let Some(item) = from.take().await {
        to.put(item).await; // a drop here loses `item`
    }
}

/// The fix: reserve the room first, then take, then fill the slot with no
/// `.await` between taking and filling. A drop at any `.await` leaves the
/// item on one shelf or the other.
pub async fn move_all(from: &Shelf, to: &Shelf) {
    loop {
        let slot = to.reserve().await;
        let Some(item) = from.take().await else { break };
        slot.fill(item);
    }
}
// ANCHOR_END: transfer

// ANCHOR: harness-poll
/// Polls `future` at most `polls` times with a waker that does nothing, then
/// drops it. True if it finished within those polls. Each `Pending` is an
/// `.await` where a `select!`, a timeout or an aborted task could drop it.
/// (A future waiting on real I/O or a timer would need a runtime to make
/// progress between polls; the shelf's waits are ready when polled again.)
pub fn poll_then_drop(future: impl Future, polls: usize) -> bool {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    (0..polls).any(|_| future.as_mut().poll(&mut cx).is_ready())
}
// ANCHOR_END: harness-poll

// ANCHOR: harness-report

/// What was on the shelves after the transfer was dropped after `polls`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AfterDrop {
    /// Polls before the drop.
    pub polls: usize,
    /// Whether the transfer had finished by then.
    pub finished: bool,
    /// Items still on the source shelf.
    pub left: usize,
    /// Items on the destination shelf.
    pub moved: usize,
    /// Items on neither shelf.
    pub lost: usize,
}

/// Which transfer to test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transfer {
    /// [`move_all_lossy`].
    Lossy,
    /// [`move_all`].
    Reserved,
}
// ANCHOR_END: harness-report

// ANCHOR: harness-sweep
/// Drops a transfer of `items` items after 0 polls, 1 poll, 2 polls... until
/// one run finishes, each on fresh shelves, and reports what each drop left.
pub fn drop_at_every_await(transfer: Transfer, items: u32) -> Vec<AfterDrop> {
    let mut reports = Vec::new();
    for polls in 0.. {
        let (from, to) = (Shelf::holding(0..items), Shelf::default());
        let finished = match transfer {
            Transfer::Lossy => poll_then_drop(move_all_lossy(&from, &to), polls),
            Transfer::Reserved => poll_then_drop(move_all(&from, &to), polls),
        };
        let (left, moved) = (from.items(), to.items());
        let mut both: Vec<u32> = left.iter().chain(&moved).copied().collect();
        both.sort_unstable();
        both.dedup();
        let lost = items as usize - both.len();
        reports.push(AfterDrop {
            polls,
            finished,
            left: left.len(),
            moved: moved.len(),
            lost,
        });
        if finished {
            break;
        }
    }
    reports
}
// ANCHOR_END: harness-sweep
