//! Overload: a producer that makes messages faster than an actor can handle
//! them. Where the surplus goes depends on the mailbox:
//!
//! - **unbounded**: the producer never waits; the surplus waits in the
//!   mailbox, which grows, and so do memory and every message's wait;
//! - **bounded**: a full mailbox makes the producer wait (back-pressure): it
//!   slows to the actor's pace, and memory and waits stay small;
//! - **dropping**: a bounded mailbox the producer never waits on: a message
//!   that finds it full is thrown away and counted (load shedding).
#![forbid(unsafe_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

/// How the actor's mailbox treats a producer that is ahead of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mailbox {
    Unbounded,
    Bounded(usize),
    Dropping(usize),
}

impl Mailbox {
    pub fn name(self) -> String {
        match self {
            Mailbox::Unbounded => "unbounded".into(),
            Mailbox::Bounded(n) => format!("bounded({n})"),
            Mailbox::Dropping(n) => format!("dropping({n})"),
        }
    }

    /// Parses what `name` prints.
    pub fn parse(text: &str) -> Option<Mailbox> {
        if text == "unbounded" {
            return Some(Mailbox::Unbounded);
        }
        let (kind, rest) = text.split_once('(')?;
        let n: usize = rest.strip_suffix(')')?.parse().ok().filter(|&n| n > 0)?;
        match kind {
            "bounded" => Some(Mailbox::Bounded(n)),
            "dropping" => Some(Mailbox::Dropping(n)),
            _ => None,
        }
    }
}

/// The three mailboxes the book compares, with a capacity of 64.
pub const MAILBOXES: [Mailbox; 3] = [
    Mailbox::Unbounded,
    Mailbox::Bounded(64),
    Mailbox::Dropping(64),
];

/// One message: a payload, and when it was sent.
struct Message {
    payload: Vec<u8>,
    sent: Instant,
}

/// The load: how many messages, how big, and what each side spends on one.
#[derive(Clone, Copy, Debug)]
pub struct Load {
    pub messages: u64,
    pub payload_bytes: usize,
    /// xorshift steps the producer spends making each message.
    pub produce_rounds: u32,
    /// xorshift steps the actor spends handling each message.
    pub handle_rounds: u32,
}

/// A fixed amount of CPU work: `rounds` steps of xorshift64.
pub fn work(seed: u64, rounds: u32) -> u64 {
    let mut x = seed | 1;
    for _ in 0..rounds {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x
}

/// What a run measured.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub handled: u64,
    pub dropped: u64,
    /// The most messages waiting in the mailbox at once (see `queued` below).
    pub peak_queued: i64,
    /// How long each handled message waited in the mailbox, sorted.
    pub waits: Vec<Duration>,
    /// From the first send to the actor handling the last message.
    pub elapsed: Duration,
    /// How long the producer took to send (or drop) every message.
    pub producer: Duration,
    /// A checksum of the work, so the compiler cannot skip it.
    pub checksum: u64,
}

impl Report {
    /// The `q`-quantile (0.0..=1.0) of the waits.
    pub fn wait_quantile(&self, q: f64) -> Duration {
        if self.waits.is_empty() {
            return Duration::ZERO;
        }
        let index = ((self.waits.len() - 1) as f64 * q).round() as usize;
        self.waits[index]
    }
}

enum Sender {
    Unbounded(mpsc::UnboundedSender<Message>),
    Bounded(mpsc::Sender<Message>),
}

enum Receiver {
    Unbounded(mpsc::UnboundedReceiver<Message>),
    Bounded(mpsc::Receiver<Message>),
}

impl Receiver {
    async fn recv(&mut self) -> Option<Message> {
        match self {
            Receiver::Unbounded(r) => r.recv().await,
            Receiver::Bounded(r) => r.recv().await,
        }
    }
}

// ANCHOR: send
impl Sender {
    /// Sends one message the way the mailbox says; false if it was dropped.
    /// The producer is a plain thread, so a full bounded mailbox blocks it.
    fn send(&self, message: Message, mailbox: Mailbox) -> bool {
        match (self, mailbox) {
            // Never waits: the message joins the queue, however long it is.
            (Sender::Unbounded(s), _) => s.send(message).is_ok(),
            // Never waits either: a full mailbox refuses the message.
            (Sender::Bounded(s), Mailbox::Dropping(_)) => s.try_send(message).is_ok(),
            // Waits while the mailbox is full: back-pressure.
            (Sender::Bounded(s), _) => s.blocking_send(message).is_ok(),
        }
    }
}
// ANCHOR_END: send

// ANCHOR: run-actor
/// A producer thread sends `load.messages` messages to an actor task through
/// `mailbox`; the actor handles them one at a time. `queued` counts messages
/// sent and not yet received: +1 after a send returns, -1 after a receive, so
/// it can read one above the true count for a moment.
pub async fn run(mailbox: Mailbox, load: Load) -> Report {
    let (sender, mut receiver) = match mailbox {
        Mailbox::Unbounded => {
            let (s, r) = mpsc::unbounded_channel();
            (Sender::Unbounded(s), Receiver::Unbounded(r))
        }
        Mailbox::Bounded(n) | Mailbox::Dropping(n) => {
            let (s, r) = mpsc::channel(n);
            (Sender::Bounded(s), Receiver::Bounded(r))
        }
    };
    let queued = Arc::new(AtomicI64::new(0));
    let peak = Arc::new(AtomicI64::new(0));
    let start = Instant::now();

    let actor = {
        let queued = Arc::clone(&queued);
        tokio::spawn(async move {
            let (mut handled, mut checksum, mut waits) = (0u64, 0u64, Vec::new());
            while let Some(message) = receiver.recv().await {
                queued.fetch_sub(1, Ordering::Relaxed);
                waits.push(message.sent.elapsed());
                let seed = message.payload.iter().map(|&b| u64::from(b)).sum::<u64>() + handled;
                checksum ^= work(seed, load.handle_rounds);
                handled += 1;
            }
            (handled, checksum, waits, start.elapsed())
        })
    };
    // ANCHOR_END: run-actor

    // ANCHOR: run-producer
    let producer = {
        let (queued, peak) = (Arc::clone(&queued), Arc::clone(&peak));
        // A thread, not a task: a task that never waits would keep its worker
        // thread to itself, and the actor it wakes could sit behind it.
        tokio::task::spawn_blocking(move || {
            let mut dropped = 0;
            for i in 0..load.messages {
                let fill = work(i, load.produce_rounds) as u8;
                let message = Message {
                    payload: vec![fill; load.payload_bytes],
                    sent: Instant::now(),
                };
                if sender.send(message, mailbox) {
                    let now = queued.fetch_add(1, Ordering::Relaxed) + 1;
                    peak.fetch_max(now, Ordering::Relaxed);
                } else {
                    dropped += 1;
                }
            }
            (dropped, start.elapsed())
            // `sender` is dropped here: the actor's loop ends once it has
            // handled what is queued.
        })
    };

    let (dropped, producer) = producer.await.expect("the producer panicked");
    let (handled, checksum, mut waits, elapsed) = actor.await.expect("the actor panicked");
    waits.sort_unstable();
    Report {
        handled,
        dropped,
        peak_queued: peak.load(Ordering::Relaxed),
        waits,
        elapsed,
        producer,
        checksum,
    }
}
// ANCHOR_END: run-producer

/// The highest resident memory of this process so far (`VmHWM` in
/// `/proc/self/status`, Linux only), in KiB.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The multi-thread runtime the CLI and the benchmark use.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}
