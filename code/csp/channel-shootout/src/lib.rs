//! The channel shootout: four channel implementations doing the same two jobs.
//! *Ping-pong* bounces one message between two threads (two tasks for tokio)
//! over a pair of channels and times the round trip: the latency of a send
//! that wakes a sleeping receiver. *Throughput* pushes a fixed number of
//! messages from 1 or more producers into one consumer through a bounded
//! channel and times the lot.
//!
//! Every kind gets a bounded channel, since all four support one: capacity 1
//! for ping-pong (only one message is ever in flight) and [`CAPACITY`] for
//! throughput. The code for the three blocking channels differs only in the
//! names of the constructor; tokio's differs by `.await`.
#![forbid(unsafe_code)]

use std::ops::Range;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use tokio::runtime::Runtime;

/// The capacity of every throughput channel.
pub const CAPACITY: usize = 1_024;

/// The four contestants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `std::sync::mpsc::sync_channel`, between threads.
    Std,
    /// `crossbeam_channel::bounded`, between threads.
    Crossbeam,
    /// `flume::bounded`, between threads.
    Flume,
    /// `tokio::sync::mpsc::channel`, between async tasks.
    Tokio,
}

impl Kind {
    /// Every kind, in the order the tables show them.
    pub const ALL: [Kind; 4] = [Kind::Std, Kind::Crossbeam, Kind::Flume, Kind::Tokio];

    /// The short name used in tables and benchmark ids.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Std => "std",
            Kind::Crossbeam => "crossbeam",
            Kind::Flume => "flume",
            Kind::Tokio => "tokio",
        }
    }
}

/// The tokio runtime the async contestant runs on: the default multi-thread
/// runtime, one worker thread per core. Build it once and reuse it, so that no
/// measurement includes starting a runtime.
pub fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .build()
        .expect("a tokio runtime starts")
}

/// What a consumer received: how many messages and their sum, so that a test
/// can tell that each one arrived exactly once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Received {
    pub count: u64,
    pub sum: u64,
}

impl Received {
    fn add(&mut self, value: u64) {
        self.count += 1;
        self.sum += value;
    }
}

/// The messages `1..=messages` dealt out to `producers` as contiguous ranges
/// whose sizes differ by at most one.
pub fn shares(messages: u64, producers: usize) -> Vec<Range<u64>> {
    let producers = producers as u64;
    (0..producers)
        .map(|p| 1 + messages * p / producers..1 + messages * (p + 1) / producers)
        .collect()
}

/// Bounces a counter `rounds` times between two threads or tasks over a
/// channel of `kind`; the echo side adds one each time. Returns the counter,
/// which must equal `rounds`, and the time the rounds took.
pub fn ping_pong(kind: Kind, rounds: u64, runtime: &Runtime) -> (u64, Duration) {
    match kind {
        Kind::Std => ping_pong_std(rounds),
        Kind::Crossbeam => ping_pong_crossbeam(rounds),
        Kind::Flume => ping_pong_flume(rounds),
        Kind::Tokio => ping_pong_tokio(rounds, runtime),
    }
}

/// Sends the messages `1..=messages` from `producers` threads or tasks into
/// one consumer over a channel of `kind` with capacity [`CAPACITY`]. Returns
/// what the consumer received and the time from the first spawn to the last
/// message received.
pub fn throughput(
    kind: Kind,
    producers: usize,
    messages: u64,
    runtime: &Runtime,
) -> (Received, Duration) {
    assert!(producers >= 1);
    match kind {
        Kind::Std => throughput_std(producers, messages),
        Kind::Crossbeam => throughput_crossbeam(producers, messages),
        Kind::Flume => throughput_flume(producers, messages),
        Kind::Tokio => throughput_tokio(producers, messages, runtime),
    }
}

// ANCHOR: ping_pong_std
fn ping_pong_std(rounds: u64) -> (u64, Duration) {
    let (to_echo, echo_in) = mpsc::sync_channel::<u64>(1);
    let (echo_out, back) = mpsc::sync_channel::<u64>(1);
    thread::scope(|scope| {
        scope.spawn(move || {
            for ball in echo_in {
                if echo_out.send(ball + 1).is_err() {
                    break;
                }
            }
        });
        let start = Instant::now();
        let mut ball = 0;
        for _ in 0..rounds {
            to_echo.send(ball).expect("the echo thread is alive");
            ball = back.recv().expect("the echo thread is alive");
        }
        let elapsed = start.elapsed();
        drop(to_echo); // ends the echo thread's loop, or the scope never ends
        (ball, elapsed)
    })
}
// ANCHOR_END: ping_pong_std

fn ping_pong_crossbeam(rounds: u64) -> (u64, Duration) {
    let (to_echo, echo_in) = crossbeam_channel::bounded::<u64>(1);
    let (echo_out, back) = crossbeam_channel::bounded::<u64>(1);
    thread::scope(|scope| {
        scope.spawn(move || {
            for ball in echo_in {
                if echo_out.send(ball + 1).is_err() {
                    break;
                }
            }
        });
        let start = Instant::now();
        let mut ball = 0;
        for _ in 0..rounds {
            to_echo.send(ball).expect("the echo thread is alive");
            ball = back.recv().expect("the echo thread is alive");
        }
        let elapsed = start.elapsed();
        drop(to_echo);
        (ball, elapsed)
    })
}

fn ping_pong_flume(rounds: u64) -> (u64, Duration) {
    let (to_echo, echo_in) = flume::bounded::<u64>(1);
    let (echo_out, back) = flume::bounded::<u64>(1);
    thread::scope(|scope| {
        scope.spawn(move || {
            for ball in echo_in {
                if echo_out.send(ball + 1).is_err() {
                    break;
                }
            }
        });
        let start = Instant::now();
        let mut ball = 0;
        for _ in 0..rounds {
            to_echo.send(ball).expect("the echo thread is alive");
            ball = back.recv().expect("the echo thread is alive");
        }
        let elapsed = start.elapsed();
        drop(to_echo);
        (ball, elapsed)
    })
}

// ANCHOR: ping_pong_tokio
fn ping_pong_tokio(rounds: u64, runtime: &Runtime) -> (u64, Duration) {
    let (to_echo, mut echo_in) = tokio::sync::mpsc::channel::<u64>(1);
    let (echo_out, mut back) = tokio::sync::mpsc::channel::<u64>(1);
    runtime.block_on(async move {
        let echo = tokio::spawn(async move {
            while let Some(ball) = echo_in.recv().await {
                if echo_out.send(ball + 1).await.is_err() {
                    break;
                }
            }
        });
        let ping = tokio::spawn(async move {
            let start = Instant::now();
            let mut ball = 0;
            for _ in 0..rounds {
                to_echo.send(ball).await.expect("the echo task is alive");
                ball = back.recv().await.expect("the echo task is alive");
            }
            (ball, start.elapsed()) // to_echo is dropped here: the echo task ends
        });
        let result = ping.await.expect("the ping task ran to the end");
        echo.await.expect("the echo task ran to the end");
        result
    })
}
// ANCHOR_END: ping_pong_tokio

// ANCHOR: throughput_crossbeam
fn throughput_crossbeam(producers: usize, messages: u64) -> (Received, Duration) {
    let start = Instant::now();
    let (sender, receiver) = crossbeam_channel::bounded::<u64>(CAPACITY);
    thread::scope(|scope| {
        for share in shares(messages, producers) {
            let sender = sender.clone();
            scope.spawn(move || {
                for value in share {
                    sender.send(value).expect("the consumer is alive");
                }
            });
        }
        drop(sender); // the producers hold the only senders now
        let mut received = Received::default();
        for value in receiver {
            received.add(value);
        }
        (received, start.elapsed())
    })
}
// ANCHOR_END: throughput_crossbeam

fn throughput_std(producers: usize, messages: u64) -> (Received, Duration) {
    let start = Instant::now();
    let (sender, receiver) = mpsc::sync_channel::<u64>(CAPACITY);
    thread::scope(|scope| {
        for share in shares(messages, producers) {
            let sender = sender.clone();
            scope.spawn(move || {
                for value in share {
                    sender.send(value).expect("the consumer is alive");
                }
            });
        }
        drop(sender);
        let mut received = Received::default();
        for value in receiver {
            received.add(value);
        }
        (received, start.elapsed())
    })
}

fn throughput_flume(producers: usize, messages: u64) -> (Received, Duration) {
    let start = Instant::now();
    let (sender, receiver) = flume::bounded::<u64>(CAPACITY);
    thread::scope(|scope| {
        for share in shares(messages, producers) {
            let sender = sender.clone();
            scope.spawn(move || {
                for value in share {
                    sender.send(value).expect("the consumer is alive");
                }
            });
        }
        drop(sender);
        let mut received = Received::default();
        for value in receiver {
            received.add(value);
        }
        (received, start.elapsed())
    })
}

// ANCHOR: throughput_tokio
fn throughput_tokio(producers: usize, messages: u64, runtime: &Runtime) -> (Received, Duration) {
    let start = Instant::now();
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<u64>(CAPACITY);
    runtime.block_on(async move {
        for share in shares(messages, producers) {
            let sender = sender.clone();
            tokio::spawn(async move {
                for value in share {
                    sender.send(value).await.expect("the consumer is alive");
                }
            });
        }
        drop(sender);
        let consumer = tokio::spawn(async move {
            let mut received = Received::default();
            while let Some(value) = receiver.recv().await {
                received.add(value);
            }
            (received, start.elapsed())
        });
        consumer.await.expect("the consumer ran to the end")
    })
}
// ANCHOR_END: throughput_tokio
