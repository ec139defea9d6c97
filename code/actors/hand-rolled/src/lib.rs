//! The counter as an actor, built from nothing but tokio: a task that owns
//! the count, a bounded mailbox it reads one message at a time, and a handle
//! that anyone may clone to send it messages. `tell` sends and moves on;
//! `ask` sends a message that carries a oneshot channel and waits for the
//! reply on it. The actor ends by itself when the last handle is dropped,
//! because its mailbox then reports that no sender is left.
//!
//! For comparison the same counter is kept three more ways: an atomic, a
//! mutex, and an actor that is asked (and answers) after every increment.
#![forbid(unsafe_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

// ANCHOR: message
/// What the counter actor understands. `Increment` is a *tell*: nobody waits
/// for an answer. `Get` is an *ask*: it carries the channel for its reply.
#[derive(Debug)]
pub enum Message {
    Increment { by: u64 },
    Get { reply: oneshot::Sender<u64> },
}
// ANCHOR_END: message

// ANCHOR: actor
/// The actor's state and its mailbox. Only the actor's own task ever touches
/// `count`, so it is a plain `u64`: no lock, no atomic.
struct Counter {
    mailbox: mpsc::Receiver<Message>,
    count: u64,
}

impl Counter {
    /// One message at a time, until every handle is gone; then the final count.
    async fn run(mut self) -> u64 {
        while let Some(message) = self.mailbox.recv().await {
            match message {
                Message::Increment { by } => self.count += by,
                Message::Get { reply } => {
                    // The asker may have given up waiting; that is its business.
                    let _ = reply.send(self.count);
                }
            }
        }
        self.count
    }
}
// ANCHOR_END: actor

// ANCHOR: handle
/// The only way to reach the actor. Cloning a handle clones the mailbox's
/// sender; the actor lives while at least one handle does.
#[derive(Clone, Debug)]
pub struct CounterHandle {
    mailbox: mpsc::Sender<Message>,
}

impl CounterHandle {
    /// Starts a counter actor on the current tokio runtime with a mailbox of
    /// `capacity` messages. The join handle yields the final count once every
    /// `CounterHandle` has been dropped.
    pub fn spawn(capacity: usize) -> (CounterHandle, JoinHandle<u64>) {
        let (sender, mailbox) = mpsc::channel(capacity);
        let actor = Counter { mailbox, count: 0 };
        let task = tokio::spawn(actor.run());
        (CounterHandle { mailbox: sender }, task)
    }

    /// Tell: queue an increment and return. Waits only while the mailbox is full.
    pub async fn increment(&self, by: u64) {
        self.mailbox
            .send(Message::Increment { by })
            .await
            .expect("the counter actor outlives its handles");
    }

    /// Ask: queue a request carrying a reply channel, then wait for the reply.
    pub async fn get(&self) -> u64 {
        let (reply, answer) = oneshot::channel();
        self.mailbox
            .send(Message::Get { reply })
            .await
            .expect("the counter actor outlives its handles");
        answer.await.expect("the counter actor always replies")
    }
}
// ANCHOR_END: handle

/// How the tasks share the counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// One `AtomicU64`, `fetch_add` from every task.
    Atomic,
    /// One `u64` behind a `std::sync::Mutex`.
    Mutex,
    /// The counter actor, told each increment.
    ActorTell,
    /// The counter actor, asked for the count after each increment, so each
    /// task waits for the actor before sending the next.
    ActorAsk,
}

impl Strategy {
    pub const ALL: [Strategy; 4] = [
        Strategy::Atomic,
        Strategy::Mutex,
        Strategy::ActorTell,
        Strategy::ActorAsk,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Strategy::Atomic => "atomic",
            Strategy::Mutex => "mutex",
            Strategy::ActorTell => "actor-tell",
            Strategy::ActorAsk => "actor-ask",
        }
    }
}

// ANCHOR: count-shared
/// `tasks` tokio tasks each add 1 to a shared counter `increments` times;
/// returns the final count, which must be `tasks * increments`. For the
/// actors, the final count is the one the actor returns as it ends, which
/// proves it ended: every handle, including the tasks' clones, was dropped.
pub async fn count(strategy: Strategy, tasks: u64, increments: u64, capacity: usize) -> u64 {
    match strategy {
        Strategy::Atomic => {
            let counter = Arc::new(AtomicU64::new(0));
            let workers: Vec<_> = (0..tasks)
                .map(|_| {
                    let counter = Arc::clone(&counter);
                    tokio::spawn(async move {
                        for _ in 0..increments {
                            counter.fetch_add(1, Ordering::Relaxed);
                        }
                    })
                })
                .collect();
            join_all(workers).await;
            counter.load(Ordering::Relaxed)
        }
        Strategy::Mutex => {
            let counter = Arc::new(std::sync::Mutex::new(0u64));
            let workers: Vec<_> = (0..tasks)
                .map(|_| {
                    let counter = Arc::clone(&counter);
                    tokio::spawn(async move {
                        for _ in 0..increments {
                            *counter.lock().expect("no task panics holding it") += 1;
                        }
                    })
                })
                .collect();
            join_all(workers).await;
            *counter.lock().expect("no task panics holding it")
        }
        // ANCHOR_END: count-shared
        // ANCHOR: count-actor
        Strategy::ActorTell | Strategy::ActorAsk => {
            let (handle, actor) = CounterHandle::spawn(capacity);
            let ask = strategy == Strategy::ActorAsk;
            let workers: Vec<_> = (0..tasks)
                .map(|_| {
                    let handle = handle.clone();
                    tokio::spawn(async move {
                        for _ in 0..increments {
                            handle.increment(1).await;
                            if ask {
                                handle.get().await;
                            }
                        }
                    })
                })
                .collect();
            drop(handle); // only the workers' clones keep the actor alive now
            join_all(workers).await;
            actor.await.expect("the counter actor does not panic")
        }
    }
}
// ANCHOR_END: count-actor

async fn join_all(workers: Vec<JoinHandle<()>>) {
    for worker in workers {
        worker.await.expect("a worker panicked");
    }
}

/// A recorder's mailbox, and the task that returns what it recorded.
pub type Recorder = (mpsc::Sender<(u32, u64)>, JoinHandle<Vec<(u32, u64)>>);

// ANCHOR: recorder
/// A second actor, for the ordering promise: it records every `(sender,
/// sequence number)` pair in the order its mailbox delivered them.
pub fn spawn_recorder(capacity: usize) -> Recorder {
    let (sender, mut mailbox) = mpsc::channel(capacity);
    let task = tokio::spawn(async move {
        let mut seen = Vec::new();
        while let Some(pair) = mailbox.recv().await {
            seen.push(pair);
        }
        seen
    });
    (sender, task)
}
// ANCHOR_END: recorder

/// Builds the runtime the CLI and the benchmarks use: tokio's multi-thread
/// scheduler with one worker per core.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}
