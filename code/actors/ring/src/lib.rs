//! The token ring: N actors in a circle, each knowing only the next one. A
//! token goes in with a count of hops; each actor passes it on with one hop
//! fewer, and the actor that receives it at zero reports where it stopped.
//! It measures one thing, the cost of a message from one actor to another,
//! because the work per hop is nothing at all.
//!
//! The same ring is built three ways: hand-rolled on tokio, with ractor, and
//! in Erlang (`erlang/ring.erl`), which runs as a child process. Every version
//! times the same span: from the token going in to its report coming back.
//! Building the ring, tearing it down and starting the Erlang VM are outside
//! the clock.
#![forbid(unsafe_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use ractor::{Actor, ActorProcessingErr, ActorRef};
use tokio::sync::mpsc;

/// What one trip of the token measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Trip {
    /// From the token going in to the report of where it stopped.
    pub elapsed: Duration,
    /// The index of the actor that received the token with no hops left:
    /// after `hops` hops from actor 0 it must be `hops % n`.
    pub last: usize,
}

// ANCHOR: tokio_node
/// What a ring actor on tokio receives.
#[derive(Debug)]
enum Token {
    Hops(u64),
    Stop,
}

/// One actor: pass the token on with one hop fewer, or report where it stopped.
async fn node(
    index: usize,
    mut mailbox: mpsc::UnboundedReceiver<Token>,
    next: mpsc::UnboundedSender<Token>,
    done: mpsc::UnboundedSender<usize>,
) {
    while let Some(token) = mailbox.recv().await {
        match token {
            Token::Hops(0) => done.send(index).expect("the ring's owner waits"),
            Token::Hops(left) => {
                // The next actor may already have stopped during teardown.
                let _ = next.send(Token::Hops(left - 1));
            }
            Token::Stop => break,
        }
    }
}
// ANCHOR_END: tokio_node

// ANCHOR: tokio_ring
/// Builds a ring of `n` tokio actors on the current runtime, sends a token
/// in for `hops` hops, and times its trip; then stops every actor.
pub async fn tokio_ring(n: usize, hops: u64) -> Trip {
    assert!(n > 0, "a ring needs an actor");
    let (senders, mailboxes): (Vec<_>, Vec<_>) = (0..n).map(|_| mpsc::unbounded_channel()).unzip();
    let (done, mut reports) = mpsc::unbounded_channel();
    let actors: Vec<_> = mailboxes
        .into_iter()
        .enumerate()
        .map(|(index, mailbox)| {
            let next = senders[(index + 1) % n].clone();
            tokio::spawn(node(index, mailbox, next, done.clone()))
        })
        .collect();

    // One untimed lap first, so that every actor has run once and the clock
    // sees only hops around a ring that is up and running.
    senders[0]
        .send(Token::Hops(n as u64))
        .expect("actor 0 is running");
    reports.recv().await.expect("the settling lap comes back");

    let start = Instant::now();
    senders[0]
        .send(Token::Hops(hops))
        .expect("actor 0 is running");
    let last = reports.recv().await.expect("the token comes back");
    let elapsed = start.elapsed();

    // Every actor holds a sender to the next, so the ring keeps itself alive:
    // dropping our senders is not enough. Each one is told to stop.
    for sender in &senders {
        sender
            .send(Token::Stop)
            .expect("every actor is still running");
    }
    for actor in actors {
        actor.await.expect("a ring actor panicked");
    }
    Trip { elapsed, last }
}
// ANCHOR_END: tokio_ring

// ANCHOR: ractor_node-state
/// A ring actor in ractor: the framework owns the loop and the mailbox; the
/// actor says what its state is and how it handles one message.
struct Node;

enum NodeMsg {
    Next(ActorRef<NodeMsg>),
    Hops(u64),
}

struct NodeState {
    index: usize,
    next: Option<ActorRef<NodeMsg>>,
    done: mpsc::UnboundedSender<usize>,
}

impl Actor for Node {
    type Msg = NodeMsg;
    type State = NodeState;
    type Arguments = (usize, mpsc::UnboundedSender<usize>);

    async fn pre_start(
        &self,
        _myself: ActorRef<NodeMsg>,
        (index, done): Self::Arguments,
    ) -> Result<NodeState, ActorProcessingErr> {
        Ok(NodeState {
            index,
            next: None,
            done,
        })
    }
    // ANCHOR_END: ractor_node-state

    // ANCHOR: ractor_node-handle
    async fn handle(
        &self,
        _myself: ActorRef<NodeMsg>,
        message: NodeMsg,
        state: &mut NodeState,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            NodeMsg::Next(next) => state.next = Some(next),
            NodeMsg::Hops(0) => state.done.send(state.index)?,
            NodeMsg::Hops(left) => {
                let next = state
                    .next
                    .as_ref()
                    .ok_or("a token before the ring was closed")?;
                next.cast(NodeMsg::Hops(left - 1))?;
            }
        }
        Ok(())
    }
}
// ANCHOR_END: ractor_node-handle

/// The ring with ractor actors: the same trip, timed the same way.
pub async fn ractor_ring(n: usize, hops: u64) -> Trip {
    assert!(n > 0, "a ring needs an actor");
    let (done, mut reports) = mpsc::unbounded_channel();
    let mut actors = Vec::with_capacity(n);
    for index in 0..n {
        let (actor, ended) = Actor::spawn(None, Node, (index, done.clone()))
            .await
            .expect("a ring actor starts");
        actors.push((actor, ended));
    }
    for index in 0..n {
        let next = actors[(index + 1) % n].0.clone();
        actors[index].0.cast(NodeMsg::Next(next)).expect("running");
    }

    // The untimed settling lap, as on tokio.
    actors[0]
        .0
        .cast(NodeMsg::Hops(n as u64))
        .expect("actor 0 is running");
    reports.recv().await.expect("the settling lap comes back");

    let start = Instant::now();
    actors[0]
        .0
        .cast(NodeMsg::Hops(hops))
        .expect("actor 0 is running");
    let last = reports.recv().await.expect("the token comes back");
    let elapsed = start.elapsed();

    for (actor, _) in &actors {
        actor.stop(None);
    }
    for (_, ended) in actors {
        ended.await.expect("a ring actor's task ends");
    }
    Trip { elapsed, last }
}

/// Which runtime the Rust rings run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// tokio's current-thread scheduler: one thread runs every actor.
    CurrentThread,
    /// tokio's multi-thread scheduler, one worker per core.
    MultiThread,
}

pub fn runtime(flavor: Flavor) -> tokio::runtime::Runtime {
    match flavor {
        Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread(),
        Flavor::MultiThread => tokio::runtime::Builder::new_multi_thread(),
    }
    .enable_all()
    .build()
    .expect("a tokio runtime")
}

/// The Erlang program, built into this binary so it runs from anywhere.
pub const RING_ERL: &str = include_str!("../erlang/ring.erl");

/// How to install Erlang, for the one line a reader sees when `erl` is missing.
pub const GET_ERLANG: &str = "erl not found: install Erlang/OTP (Debian: sudo apt-get install erlang-base erlang-dev; macOS: brew install erlang)";

// ANCHOR: erlang-child
/// The Erlang ring as a child process: `ring.erl` compiled with `erlc` into a
/// temporary folder, then `erl -noshell -run ring serve`, which reads one
/// "N HOPS" request per line and answers "NANOSECONDS LAST", timed inside the
/// VM with `erlang:monotonic_time`.
pub struct ErlangRing {
    child: Child,
    requests: Option<ChildStdin>,
    answers: BufReader<ChildStdout>,
    _beam_dir: tempfile::TempDir,
}
// ANCHOR_END: erlang-child

// ANCHOR: erlang-start
impl ErlangRing {
    /// Compiles and starts the ring server. `vm_flags` go to `erl`, such as
    /// `["+S", "1"]` for a single scheduler thread.
    pub fn start(vm_flags: &[&str]) -> Result<ErlangRing, String> {
        let dir = tempfile::tempdir().map_err(|e| format!("no temporary folder: {e}"))?;
        let source: PathBuf = dir.path().join("ring.erl");
        std::fs::write(&source, RING_ERL).map_err(|e| format!("cannot write ring.erl: {e}"))?;
        let compiled = Command::new("erlc")
            .arg("-o")
            .arg(dir.path())
            .arg(&source)
            .status()
            .map_err(|_| GET_ERLANG.to_string())?;
        if !compiled.success() {
            return Err("erlc could not compile ring.erl".into());
        }
        let mut child = Command::new("erl")
            .args(vm_flags)
            .args(["-noshell", "-pa"])
            .arg(dir.path())
            .args(["-run", "ring", "serve"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|_| GET_ERLANG.to_string())?;
        let requests = child.stdin.take().expect("piped");
        let answers = BufReader::new(child.stdout.take().expect("piped"));
        Ok(ErlangRing {
            child,
            requests: Some(requests),
            answers,
            _beam_dir: dir,
        })
    }
    // ANCHOR_END: erlang-start

    // ANCHOR: erlang-trip
    /// One trip of the token around a fresh ring of `n` Erlang processes.
    pub fn trip(&mut self, n: usize, hops: u64) -> Trip {
        let requests = self.requests.as_mut().expect("open until dropped");
        writeln!(requests, "{n} {hops}").expect("the Erlang ring is running");
        requests.flush().expect("the Erlang ring is running");
        let mut line = String::new();
        self.answers
            .read_line(&mut line)
            .expect("the Erlang ring answers");
        let mut words = line.split_whitespace().map(|w| w.parse::<u64>());
        match (words.next(), words.next()) {
            (Some(Ok(nanos)), Some(Ok(last))) => Trip {
                elapsed: Duration::from_nanos(nanos),
                last: last as usize,
            },
            _ => panic!("the Erlang ring answered {line:?}"),
        }
    }
}

impl Drop for ErlangRing {
    fn drop(&mut self) {
        // Closing its standard input makes the server halt; the kill makes
        // sure of it. Then the child is reaped.
        drop(self.requests.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
// ANCHOR_END: erlang-trip

/// The version of Erlang/OTP that `erl` runs, such as "25".
pub fn erlang_release() -> Option<String> {
    let out = Command::new("erl")
        .args([
            "-noshell",
            "-eval",
            "io:format(\"~s\", [erlang:system_info(otp_release)]), halt().",
        ])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}
