//! Typed channels between processes with `ipc-channel`.
//!
//! Pipes carry bytes; whatever structure they have, both ends must agree on
//! by convention. `ipc-channel` carries Rust values: an `IpcSender<Request>`
//! in one process and an `IpcReceiver<Request>` in another, with serde doing
//! the encoding, so a wrong message is a compile error, not a parse error.
//!
//! Two processes do not share a channel at birth, so they meet through an
//! `IpcOneShotServer`: the parent opens one, passes its name to the child on
//! the command line, and the child connects and sends back its channel ends.
//! From then on the parent sends [`Request`]s and receives [`Response`]s, and
//! a [`Request::Shutdown`] (or simply dropping the sender) ends the worker.
#![forbid(unsafe_code)]

use std::fmt;
use std::io;
use std::path::Path;
use std::process::{self, Child, Command, ExitStatus};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use ipc_channel::ipc::{self, IpcOneShotServer, IpcReceiver, IpcSender};
use ipc_channel::{IpcError, TryRecvError};
use processes_pipes::wait_or_kill;
use serde::{Deserialize, Serialize};

pub use processes_pipes::children_of;

// ANCHOR: messages
/// What the parent asks of the worker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request {
    /// Add up the numbers in `from..to`.
    Sum { from: u64, to: u64 },
    /// Count the words of a text.
    CountWords(String),
    /// Answer with `Bye` and exit.
    Shutdown,
}

/// What the worker answers, one response per request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Response {
    Sum(u64),
    Words(u64),
    /// The last response: how many requests the worker served before this one.
    Bye {
        served: u64,
    },
}
// ANCHOR_END: messages

// ANCHOR: hello
/// The one message that goes through the one-shot server.
#[derive(Serialize, Deserialize)]
pub enum Hello {
    /// From the worker: its process id and the two channel ends the parent
    /// needs, a sender for requests and a receiver for responses. The worker
    /// keeps the other two ends.
    Ready {
        pid: u32,
        requests: IpcSender<Request>,
        responses: IpcReceiver<Response>,
    },
    /// From the parent to its own server, only to wake up the thread blocked
    /// in `accept` when the worker never connected.
    NoShow,
}
// ANCHOR_END: hello

/// The answer to every request but `Shutdown`, in whichever process calls it.
pub fn answer(request: &Request) -> Response {
    match request {
        Request::Sum { from, to } => Response::Sum((*from..*to).fold(0, u64::wrapping_add)),
        Request::CountWords(text) => Response::Words(text.split_whitespace().count() as u64),
        Request::Shutdown => Response::Bye { served: 0 },
    }
}

// ANCHOR: serve
/// The worker's side: make two channels, send the parent their far ends
/// through the server named `server`, then answer requests until told to
/// shut down or until the parent hangs up. Returns the requests served.
pub fn serve(server: String) -> Result<u64, IpcError> {
    let (requests, incoming) = ipc::channel::<Request>()?;
    let (outgoing, responses) = ipc::channel::<Response>()?;
    let hello = IpcSender::<Hello>::connect(server)?;
    hello.send(Hello::Ready {
        pid: process::id(),
        requests,
        responses,
    })?;
    let mut served = 0;
    loop {
        match incoming.recv() {
            Ok(Request::Shutdown) => {
                outgoing.send(Response::Bye { served })?;
                return Ok(served);
            }
            Ok(request) => {
                outgoing.send(answer(&request))?;
                served += 1;
            }
            // Every sender is gone: the parent dropped its end (or died).
            Err(IpcError::Disconnected) => return Ok(served),
            Err(e) => return Err(e),
        }
    }
}
// ANCHOR_END: serve

/// Everything that can go wrong on the parent's side.
#[derive(Debug)]
pub enum Error {
    Io(io::Error),
    Ipc(IpcError),
    /// The worker exited, or ran out of time, before it connected.
    NoShow,
    /// No response within the patience the worker was started with.
    Timeout,
    /// A response that does not fit the request.
    Unexpected(Response),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => write!(f, "{e}"),
            Error::Ipc(e) => write!(f, "{e}"),
            Error::NoShow => write!(f, "the worker never connected"),
            Error::Timeout => write!(f, "the worker did not answer in time"),
            Error::Unexpected(r) => write!(f, "unexpected response {r:?}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

impl From<IpcError> for Error {
    fn from(e: IpcError) -> Self {
        Error::Ipc(e)
    }
}

/// The parent's handle on one worker process. Dropping it kills the worker if
/// it still runs, and always reaps it.
pub struct Worker {
    child: Child,
    pid: u32,
    requests: Option<IpcSender<Request>>,
    responses: IpcReceiver<Response>,
    patience: Duration,
}

impl Worker {
    // ANCHOR: spawn
    /// Starts `program worker --server NAME` and waits up to `patience` for it
    /// to connect. `patience` also bounds every later wait for a response.
    pub fn spawn(program: &Path, patience: Duration) -> Result<Worker, Error> {
        let (server, name) = IpcOneShotServer::<Hello>::new()?;
        let mut child = Command::new(program)
            .args(["worker", "--server", &name])
            .spawn()?;
        match accept_or_kill(server, &name, &mut child, patience)? {
            Hello::Ready {
                pid,
                requests,
                responses,
            } => Ok(Worker {
                child,
                pid,
                requests: Some(requests),
                responses,
                patience,
            }),
            Hello::NoShow => unreachable!("only the parent sends NoShow"),
        }
    }
    // ANCHOR_END: spawn

    /// The process id the worker reported in its `Hello`.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// The process id the parent got from `spawn`: the same, if the `Hello`
    /// came from the child it started.
    pub fn child_id(&self) -> u32 {
        self.child.id()
    }

    // ANCHOR: call
    /// One round trip: send a request, wait for its response.
    pub fn call(&self, request: Request) -> Result<Response, Error> {
        let requests = self.requests.as_ref().expect("open until hang_up");
        requests.send(request)?;
        match self.responses.try_recv_timeout(self.patience) {
            Ok(response) => Ok(response),
            Err(TryRecvError::Empty) => Err(Error::Timeout),
            // `Disconnected` here means the worker died mid-request.
            Err(TryRecvError::IpcError(e)) => Err(Error::Ipc(e)),
        }
    }
    // ANCHOR_END: call

    // ANCHOR: shutdown
    /// Asks the worker to stop, takes its `Bye`, and reaps it. Returns how
    /// many requests it served and how it exited.
    pub fn shutdown(mut self) -> Result<(u64, ExitStatus), Error> {
        let served = match self.call(Request::Shutdown)? {
            Response::Bye { served } => served,
            other => return Err(Error::Unexpected(other)),
        };
        let status = wait_or_kill(&mut self.child, self.patience)?.ok_or(Error::Timeout)?;
        Ok((served, status))
    }
    // ANCHOR_END: shutdown

    /// Drops the request sender without a word and waits for the worker to
    /// notice and exit by itself.
    pub fn hang_up(mut self) -> Result<ExitStatus, Error> {
        drop(self.requests.take());
        wait_or_kill(&mut self.child, self.patience)?.ok_or(Error::Timeout)
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

// ANCHOR: accept_or_kill
/// `server.accept()` blocks until somebody connects, for ever if the child
/// dies first. So it runs on a thread of its own, and this thread watches the
/// child: if the child exits, or `patience` runs out, before the `Hello`
/// arrives, it kills and reaps the child and connects to its own server to
/// let the accepting thread return.
fn accept_or_kill(
    server: IpcOneShotServer<Hello>,
    name: &str,
    child: &mut Child,
    patience: Duration,
) -> Result<Hello, Error> {
    let (done, accepted) = mpsc::channel();
    let acceptor = thread::spawn(move || {
        let _ = done.send(server.accept().map(|(_, hello)| hello));
    });
    let deadline = Instant::now() + patience;
    loop {
        if let Ok(result) = accepted.recv_timeout(Duration::from_millis(2)) {
            acceptor.join().expect("the acceptor thread panicked");
            return Ok(result?);
        }
        if child.try_wait()?.is_some() || Instant::now() >= deadline {
            let _ = child.kill();
            child.wait()?;
            if let Ok(me) = IpcSender::<Hello>::connect(name.to_string()) {
                let _ = me.send(Hello::NoShow);
            }
            acceptor.join().expect("the acceptor thread panicked");
            return Err(Error::NoShow);
        }
    }
}
// ANCHOR_END: accept_or_kill

/// A deterministic text of `words` words for the word-count requests.
pub fn text_of(words: u64) -> String {
    const WORDS: [&str; 8] = [
        "pipes",
        "carry",
        "bytes",
        "channels",
        "carry",
        "values",
        "between",
        "processes",
    ];
    let mut text = String::new();
    for i in 0..words {
        if i > 0 {
            text.push(if i % 7 == 0 { '\n' } else { ' ' });
        }
        text.push_str(WORDS[i as usize % WORDS.len()]);
    }
    text
}

/// A text of about `bytes` bytes, for payload-size benchmarks.
pub fn text_of_bytes(bytes: usize) -> String {
    let mut text = text_of((bytes / 6).max(1) as u64);
    text.truncate(bytes);
    text
}

/// The requests the command-line run sends: `count` sums and `count` word
/// counts, interleaved.
pub fn requests(count: u64) -> Vec<Request> {
    (0..count)
        .flat_map(|i| {
            [
                Request::Sum {
                    from: i,
                    to: i + 1 + i % 1_000,
                },
                Request::CountWords(text_of(i % 100)),
            ]
        })
        .collect()
}
