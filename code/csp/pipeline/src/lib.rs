//! Pipelines and back-pressure: three threads (generate, transform, sink)
//! joined by two channels, where the transform is slow. The buffer size of the
//! channels decides what the fast generator does while it waits: a bounded
//! channel makes it wait (back-pressure, so the items in flight stay few), an
//! unbounded one lets it race ahead (so the queue, and the memory, grow).
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};

/// The threads of the pipeline: generate, transform and sink.
pub const STAGES: usize = 3;

// ANCHOR: buffer
/// How many items a channel between two stages may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Buffer {
    /// `bounded(n)`: a send waits while `n` items are queued. With `n = 0`
    /// nothing is queued at all: each send waits for a receive (a rendezvous).
    Bounded(usize),
    /// `unbounded()`: a send never waits, and the queue grows as needed.
    Unbounded,
}

impl Buffer {
    /// A channel with this buffer.
    pub fn channel<T>(self) -> (Sender<T>, Receiver<T>) {
        match self {
            Buffer::Bounded(capacity) => bounded(capacity),
            Buffer::Unbounded => unbounded(),
        }
    }
}
// ANCHOR_END: buffer

// ANCHOR: limit
impl Buffer {
    /// The most items that can be in flight at once (made by the generator,
    /// not yet taken by the sink), or `None` if nothing limits them. Each of
    /// the two channels holds at most its capacity, and each of the three
    /// stages holds at most one item of its own: the one it is about to send,
    /// is working on, or has just received.
    pub fn in_flight_limit(self) -> Option<usize> {
        match self {
            Buffer::Bounded(capacity) => Some(2 * capacity + STAGES),
            Buffer::Unbounded => None,
        }
    }
}
// ANCHOR_END: limit

impl std::fmt::Display for Buffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Buffer::Bounded(capacity) => write!(f, "bounded({capacity})"),
            Buffer::Unbounded => f.write_str("unbounded"),
        }
    }
}

/// The buffers the book compares, from a rendezvous to no limit at all.
pub const BUFFERS: [Buffer; 5] = [
    Buffer::Bounded(0),
    Buffer::Bounded(1),
    Buffer::Bounded(16),
    Buffer::Bounded(1024),
    Buffer::Unbounded,
];

// ANCHOR: in_flight
/// Counts the items between the generator and the sink, and remembers the
/// most there ever were: the memory the pipeline needs, in items.
#[derive(Debug, Default)]
pub struct InFlight {
    now: AtomicUsize,
    peak: AtomicUsize,
}

impl InFlight {
    /// The generator made an item.
    pub fn enter(&self) {
        // Every change is a read-modify-write of the one counter, so even
        // Relaxed operations see each other: the count is exact.
        let now = self.now.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak.fetch_max(now, Ordering::Relaxed);
    }

    /// The sink took an item.
    pub fn leave(&self) {
        self.now.fetch_sub(1, Ordering::Relaxed);
    }

    /// The most items that were in flight at once.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }

    /// The items in flight right now.
    pub fn now(&self) -> usize {
        self.now.load(Ordering::Relaxed)
    }
}
// ANCHOR_END: in_flight

// ANCHOR: work
/// The slow stage's work: a fixed CPU cost of `rounds` steps of a xorshift
/// random-number generator, seeded with the item. No sleeping: the transform
/// keeps a core busy, as real work (parsing, compressing) would.
pub fn work(item: u64, rounds: u32) -> u64 {
    let mut x = item.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for _ in 0..rounds {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x
}
// ANCHOR_END: work

/// What one run of the pipeline did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// The items as the sink received them, in its order.
    pub received: Vec<u64>,
    /// The wrapping sum of the transform's results, to check its work.
    pub checksum: u64,
    /// The most items in flight at once.
    pub peak_in_flight: usize,
    /// From the first thread's start to the last item's arrival.
    pub elapsed: Duration,
}

/// Pushes the items `0..items` through generate → transform → sink, each a
/// thread, joined by two channels with the given buffer; the transform does
/// `rounds` steps of [`work`] per item.
pub fn run(items: u64, buffer: Buffer, rounds: u32) -> Run {
    run_with(items, buffer, &InFlight::default(), |item| {
        work(item, rounds)
    })
}

// ANCHOR: pipeline
/// The pipeline with any transform, counting in `in_flight`. The tests pass a
/// transform that stalls until the generator has got as far as it can.
pub fn run_with<F>(items: u64, buffer: Buffer, in_flight: &InFlight, transform: F) -> Run
where
    F: Fn(u64) -> u64 + Send,
{
    let (to_transform, from_generate) = buffer.channel::<u64>();
    let (to_sink, from_transform) = buffer.channel::<(u64, u64)>();
    let start = Instant::now();
    let (received, checksum) = thread::scope(|s| {
        // Generate: as fast as the channel lets it.
        s.spawn(move || {
            for item in 0..items {
                in_flight.enter();
                to_transform.send(item).expect("the transform is running");
            }
            // `to_transform` is dropped here: the transform's loop will end.
        });
        // Transform: the slow stage.
        s.spawn(move || {
            for item in from_generate {
                let result = transform(item);
                to_sink.send((item, result)).expect("the sink is running");
            }
        });
        // Sink: collects what arrives, in order of arrival.
        let sink = s.spawn(move || {
            let mut received = Vec::with_capacity(items as usize);
            let mut checksum = 0u64;
            for (item, result) in from_transform {
                in_flight.leave();
                received.push(item);
                checksum = checksum.wrapping_add(result);
            }
            (received, checksum)
        });
        sink.join().expect("the sink panicked")
    });
    Run {
        received,
        checksum,
        peak_in_flight: in_flight.peak(),
        elapsed: start.elapsed(),
    }
}
// ANCHOR_END: pipeline

/// The checksum a correct run must produce, computed without threads.
pub fn expected_checksum(items: u64, rounds: u32) -> u64 {
    (0..items).fold(0u64, |sum, item| sum.wrapping_add(work(item, rounds)))
}
