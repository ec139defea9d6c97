//! Processes share nothing unless they ask for it. Here they ask: several
//! real processes (this program, started again as workers) map the same file
//! into memory and count in it. With `fetch_add` every increment lands; with a
//! load followed by a store, increments from different processes overwrite
//! each other and are lost. Then the same mapping carries messages, as a ring
//! of bytes, and races a pipe and a Unix domain socket.
//!
//! All the `unsafe` is in [`shared`] and in `sys`; this file has none.
#![deny(unsafe_code)]

pub mod shared;
mod sys;

pub use sys::cpu_time;

pub use processes_pipes::{children_left, children_of};
use std::fmt;
use std::io::{self, BufReader, Read, Write};
use std::os::fd::AsFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use shared::{FIRST_FREE_WORD, RingReader, RingWriter, SharedFile, Side};

/// The first argument that turns this program into a worker.
pub const WORKER_ARG: &str = "__worker";

/// How long any wait may go without progress before it is an error: a
/// safety net against a peer that hangs, never reached in a healthy run.
pub const PATIENCE: Duration = Duration::from_secs(30);

// ANCHOR: increment
/// How a worker adds one to the shared counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `fetch_add`: read, add and write as one indivisible step.
    Atomic,
    /// A load, then a store of the value plus one: two steps, each atomic by
    /// itself, with a gap between them where another process can write.
    LoadStore,
}

/// Adds one to `counter` `times` times.
pub fn increment(counter: &AtomicU64, method: Method, times: u64) {
    match method {
        Method::Atomic => {
            for _ in 0..times {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        }
        Method::LoadStore => {
            for _ in 0..times {
                let seen = counter.load(Ordering::Relaxed);
                // Another process may store here, between our load and our
                // store; our store then wipes out its increment.
                counter.store(seen + 1, Ordering::Relaxed);
            }
        }
    }
}
// ANCHOR_END: increment

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::Atomic => "fetch_add",
            Method::LoadStore => "load + store",
        }
    }

    fn arg(self) -> &'static str {
        match self {
            Method::Atomic => "atomic",
            Method::LoadStore => "load-store",
        }
    }

    fn from_arg(arg: &str) -> Option<Method> {
        [Method::Atomic, Method::LoadStore]
            .into_iter()
            .find(|m| m.arg() == arg)
    }
}

const COUNTER: usize = FIRST_FREE_WORD;
const READY: usize = FIRST_FREE_WORD + 1;
const ACKS: usize = FIRST_FREE_WORD + 2;
const WORDS: usize = FIRST_FREE_WORD + 3;

// ANCHOR: count-parent
/// Starts `processes` copies of `exe` as workers that each add one to a
/// counter in a shared file `increments` times, waits for all of them, and
/// returns the counter. Exact with [`Method::Atomic`]; at most
/// `processes × increments` with [`Method::LoadStore`], usually less.
pub fn count_in_processes(
    exe: &Path,
    method: Method,
    processes: u64,
    increments: u64,
) -> io::Result<u64> {
    let dir = memory_dir()?;
    let path = dir.path().join("counter");
    let file = SharedFile::create(&path, WORDS, 0)?;
    let workers: Vec<Child> = (0..processes)
        .map(|_| {
            Command::new(exe)
                .arg(WORKER_ARG)
                .arg("count")
                .arg(&path)
                .args([
                    method.arg(),
                    &increments.to_string(),
                    &processes.to_string(),
                ])
                .stdin(Stdio::null())
                .spawn()
        })
        .collect::<io::Result<_>>()?;
    for mut worker in workers {
        let status = wait_with_patience(&mut worker)?;
        if !status.success() {
            return Err(io::Error::other(format!("a worker failed: {status}")));
        }
    }
    Ok(file.word(COUNTER).load(Ordering::Acquire))
}
// ANCHOR_END: count-parent

// ANCHOR: count-worker
/// A counting worker: maps the file named on its command line, waits until
/// all its siblings have mapped it too, so that they really run at the same
/// time, and counts.
fn count_worker(path: &Path, method: Method, increments: u64, processes: u64) -> io::Result<()> {
    let file = SharedFile::open(path)?;
    file.word(READY).fetch_add(1, Ordering::AcqRel);
    // This file holds no ring, so any bell will do for the start line.
    file.wake(Side::Reader);
    file.wait_until(
        Side::Reader,
        &mut || Ok(file.word(READY).load(Ordering::Acquire) >= processes),
        &mut patience(parent_alive()),
    )?;
    increment(file.word(COUNTER), method, increments);
    Ok(())
}
// ANCHOR_END: count-worker

/// A fresh directory for the shared files, in `/dev/shm` where there is one:
/// a file system in memory, so the pages never go to a disk. Elsewhere the
/// usual temporary directory serves; the kernel then writes the shared pages
/// back to disk from time to time, which works but costs time.
pub fn memory_dir() -> io::Result<tempfile::TempDir> {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::Builder::new()
            .prefix("processes-shared-memory-")
            .tempdir_in(shm)
    {
        return Ok(dir);
    }
    tempfile::tempdir()
}

/// Waits for `child` to exit, for at most [`PATIENCE`]; kills it after that.
fn wait_with_patience(child: &mut Child) -> io::Result<std::process::ExitStatus> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::ErrorKind::TimedOut.into());
        }
        thread::sleep(Duration::from_millis(1));
    }
}

/// The check a sleeping wait runs each time a nap ends without a wake-up:
/// an error once the peer is gone, or once [`PATIENCE`] has passed since the
/// first nap. Making one costs nothing until it is first called, so a
/// transfer that never sleeps long never reads the clock.
fn patience(mut peer_alive: impl FnMut() -> io::Result<()>) -> impl FnMut() -> io::Result<()> {
    let mut started = None;
    move || {
        let started = *started.get_or_insert_with(Instant::now);
        peer_alive()?;
        if started.elapsed() > PATIENCE {
            return Err(io::ErrorKind::TimedOut.into());
        }
        Ok(())
    }
}

/// For a worker: an error once the process that started it is gone.
fn parent_alive() -> impl FnMut() -> io::Result<()> {
    let parent = std::os::unix::process::parent_id();
    move || {
        if std::os::unix::process::parent_id() == parent {
            Ok(())
        } else {
            Err(io::Error::other("the parent process is gone"))
        }
    }
}

// ANCHOR: transport
/// Three ways to move bytes from one process to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// The worker's stdin: the kernel copies every byte in and out of a
    /// 64 KiB pipe buffer.
    Pipe,
    /// A Unix domain socket: also copied through the kernel, with a larger buffer.
    UnixSocket,
    /// A ring in a shared file: the sender copies into the shared pages, the
    /// receiver copies out, with no system call per message while both keep
    /// up (a side that has to wait sleeps on a futex, as a pipe's would).
    SharedMemory,
}
// ANCHOR_END: transport

impl Transport {
    pub const ALL: [Transport; 3] = [
        Transport::Pipe,
        Transport::UnixSocket,
        Transport::SharedMemory,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Transport::Pipe => "pipe",
            Transport::UnixSocket => "unix-socket",
            Transport::SharedMemory => "shared-memory",
        }
    }

    fn from_name(name: &str) -> Option<Transport> {
        Transport::ALL.into_iter().find(|t| t.name() == name)
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Bytes in the shared-memory ring: 256 KiB, four times a pipe's default
/// 64 KiB buffer.
pub const RING_BYTES: usize = 256 * 1024;

/// The smallest message: its sequence number.
pub const MIN_MESSAGE: usize = 8;

// ANCHOR: message
/// A message of `bytes` bytes: the body is a fixed pattern, and
/// [`stamp`] writes the message's sequence number over its first and last
/// eight bytes, so a message that is lost, repeated, reordered or torn
/// apart is noticed.
pub fn template(bytes: usize) -> Vec<u8> {
    assert!(bytes >= MIN_MESSAGE);
    (0..bytes).map(|i| (i % 251) as u8).collect()
}

pub fn stamp(message: &mut [u8], seq: u64) {
    let n = message.len();
    message[..8].copy_from_slice(&seq.to_le_bytes());
    if n >= 16 {
        message[n - 8..].copy_from_slice(&seq.to_le_bytes());
    }
}

/// What the receiver found wrong with a message, if anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    Intact,
    OutOfOrder,
    Corrupt,
}

/// Checks a received message against the sequence number it should carry.
/// `body` also checks every byte between the stamps.
pub fn check(message: &[u8], expected: u64, body: bool) -> Check {
    let n = message.len();
    let seq_at = |at: usize| u64::from_le_bytes(message[at..at + 8].try_into().expect("8 bytes"));
    let (first, last, between) = if n >= 16 {
        (seq_at(0), seq_at(n - 8), 8..n - 8)
    } else {
        (seq_at(0), seq_at(0), 8..n)
    };
    let body_ok = || between.clone().all(|i| message[i] == (i % 251) as u8);
    if first != last || (body && !body_ok()) {
        Check::Corrupt
    } else if first != expected {
        Check::OutOfOrder
    } else {
        Check::Intact
    }
}
// ANCHOR_END: message

/// What the receiving process counted, sent back when the link is closed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub received: u64,
    pub out_of_order: u64,
    pub corrupt: u64,
    /// CPU time the worker spent from its first wait for a message to the
    /// end of the stream, in microseconds: receiving, checking, and waiting,
    /// if its way of waiting costs CPU.
    pub cpu_us: u64,
}

impl Report {
    fn line(&self) -> String {
        format!(
            "received {} out-of-order {} corrupt {} cpu-us {}",
            self.received, self.out_of_order, self.corrupt, self.cpu_us
        )
    }

    fn parse(text: &str) -> Option<Report> {
        let line = text.lines().rev().find(|l| l.starts_with("received "))?;
        let numbers: Vec<u64> = line
            .split_whitespace()
            .skip(1)
            .step_by(2)
            .map(|n| n.parse().ok())
            .collect::<Option<_>>()?;
        match numbers[..] {
            [received, out_of_order, corrupt, cpu_us] => Some(Report {
                received,
                out_of_order,
                corrupt,
                cpu_us,
            }),
            _ => None,
        }
    }
}

enum Sender {
    Pipe(std::process::ChildStdin),
    Socket(UnixStream),
    Ring(RingWriter),
}

// ANCHOR: link
/// A worker process and a one-way stream of messages to it. The worker
/// acknowledges every `batch` messages, so the sender knows they arrived.
pub struct Link {
    transport: Transport,
    child: Child,
    sender: Option<Sender>,
    /// The worker's stdout: acknowledgements (pipe) and its final report.
    replies: ChildStdout,
    message: Vec<u8>,
    batch: u64,
    sent: u64,
    batches: u64,
    _dir: tempfile::TempDir,
}
// ANCHOR_END: link

impl Link {
    /// Starts `exe` as a receiving worker and connects to it. `body` makes the
    /// worker check every byte of every message, not just the stamps.
    pub fn open(
        exe: &Path,
        transport: Transport,
        message_bytes: usize,
        batch: u64,
        body: bool,
    ) -> io::Result<Link> {
        if message_bytes < MIN_MESSAGE || batch == 0 {
            return Err(io::ErrorKind::InvalidInput.into());
        }
        let dir = memory_dir()?;
        let path = dir.path().join(match transport {
            Transport::Pipe => "unused",
            Transport::UnixSocket => "link.sock",
            Transport::SharedMemory => "ring",
        });
        let mut command = Command::new(exe);
        command
            .arg(WORKER_ARG)
            .arg("receive")
            .args([
                transport.name(),
                &message_bytes.to_string(),
                &batch.to_string(),
                if body { "body" } else { "stamps" },
            ])
            .arg(&path)
            .stdout(Stdio::piped());
        let (child, sender) = match transport {
            Transport::Pipe => {
                let mut child = command.stdin(Stdio::piped()).spawn()?;
                let stdin = child.stdin.take().expect("stdin is piped");
                (child, Sender::Pipe(stdin))
            }
            Transport::UnixSocket => {
                let listener = UnixListener::bind(&path)?;
                let mut child = command.stdin(Stdio::null()).spawn()?;
                match accept(&listener, &mut child) {
                    Ok(stream) => (child, Sender::Socket(stream)),
                    Err(err) => {
                        let _ = child.kill();
                        let _ = child.wait();
                        return Err(err);
                    }
                }
            }
            Transport::SharedMemory => {
                let file = SharedFile::create(&path, WORDS, RING_BYTES)?;
                let ring = RingWriter::new(file)?;
                let child = command.stdin(Stdio::null()).spawn()?;
                (child, Sender::Ring(ring))
            }
        };
        let mut child = child;
        let replies = child.stdout.take().expect("stdout is piped");
        Ok(Link {
            transport,
            child,
            sender: Some(sender),
            replies,
            message: template(message_bytes),
            batch,
            sent: 0,
            batches: 0,
            _dir: dir,
        })
    }

    pub fn transport(&self) -> Transport {
        self.transport
    }

    // ANCHOR: send
    /// Sends one batch of messages and waits for the worker to acknowledge it.
    pub fn send_batch(&mut self) -> io::Result<()> {
        let Link {
            child,
            sender,
            replies,
            message,
            ..
        } = self;
        let sender = sender.as_mut().ok_or(io::ErrorKind::NotConnected)?;
        for _ in 0..self.batch {
            stamp(message, self.sent);
            match sender {
                Sender::Pipe(pipe) => pipe.write_all(message)?,
                Sender::Socket(socket) => socket.write_all(message)?,
                Sender::Ring(ring) => ring.write_all(message, &mut patience(child_alive(child)))?,
            }
            self.sent += 1;
        }
        self.batches += 1;
        match sender {
            Sender::Pipe(_) => read_ack(replies)?,
            Sender::Socket(socket) => read_ack(socket)?,
            Sender::Ring(ring) => {
                let acks = ring.file().word(ACKS);
                ring.file().wait_until(
                    Side::Writer,
                    &mut || Ok(acks.load(Ordering::Acquire) >= self.batches),
                    &mut patience(child_alive(child)),
                )?
            }
        }
        Ok(())
    }
    // ANCHOR_END: send

    /// Messages sent so far.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// Tells the worker the stream is over, waits for it to exit, and
    /// returns what it counted.
    pub fn finish(&mut self) -> io::Result<Report> {
        match self.sender.take() {
            Some(Sender::Pipe(pipe)) => drop(pipe), // end of file for the worker
            Some(Sender::Socket(socket)) => socket.shutdown(std::net::Shutdown::Write)?,
            Some(Sender::Ring(ring)) => ring.close(),
            None => return Err(io::ErrorKind::NotConnected.into()),
        }
        let mut text = String::new();
        self.replies.read_to_string(&mut text)?;
        let status = wait_with_patience(&mut self.child)?;
        if !status.success() {
            return Err(io::Error::other(format!("the worker failed: {status}")));
        }
        Report::parse(&text).ok_or_else(|| io::Error::other(format!("no report in {text:?}")))
    }
}

impl Drop for Link {
    /// A link that was not finished stops its worker: no process outlives it.
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

fn accept(listener: &UnixListener, child: &mut Child) -> io::Result<UnixStream> {
    listener.set_nonblocking(true)?;
    let deadline = Instant::now() + PATIENCE;
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false)?;
                stream.set_read_timeout(Some(PATIENCE))?;
                return Ok(stream);
            }
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                if let Some(status) = child.try_wait()? {
                    return Err(io::Error::other(format!("the worker exited: {status}")));
                }
                if Instant::now() > deadline {
                    return Err(io::ErrorKind::TimedOut.into());
                }
                thread::sleep(Duration::from_micros(200));
            }
            Err(err) => return Err(err),
        }
    }
}

fn child_alive(child: &mut Child) -> impl FnMut() -> io::Result<()> + '_ {
    move || match child.try_wait()? {
        None => Ok(()),
        Some(status) => Err(io::Error::other(format!("the worker exited: {status}"))),
    }
}

const ACK: u8 = b'+';

fn read_ack(from: &mut impl Read) -> io::Result<()> {
    let mut byte = [0];
    from.read_exact(&mut byte)?;
    if byte[0] == ACK {
        Ok(())
    } else {
        Err(io::Error::other("not an acknowledgement"))
    }
}

// ANCHOR: receive
/// The receiving worker's loop, the same for every transport: read a
/// message, check it, acknowledge every `batch` messages, and report the
/// counts when the stream ends.
fn receive(
    mut read: impl FnMut(&mut [u8]) -> io::Result<bool>,
    mut ack: impl FnMut() -> io::Result<()>,
    message_bytes: usize,
    batch: u64,
    body: bool,
) -> io::Result<Report> {
    let mut message = vec![0; message_bytes];
    let mut report = Report::default();
    let cpu_before = cpu_time();
    while read(&mut message)? {
        match check(&message, report.received, body) {
            Check::Intact => {}
            Check::OutOfOrder => report.out_of_order += 1,
            Check::Corrupt => report.corrupt += 1,
        }
        report.received += 1;
        if report.received.is_multiple_of(batch) {
            ack()?;
        }
    }
    report.cpu_us = (cpu_time() - cpu_before).as_micros() as u64;
    Ok(report)
}
// ANCHOR_END: receive

/// Reads exactly `buf.len()` bytes; `false` at a clean end of the stream.
fn read_message(from: &mut impl Read, buf: &mut [u8]) -> io::Result<bool> {
    let mut filled = 0;
    while filled < buf.len() {
        match from.read(&mut buf[filled..]) {
            Ok(0) if filled == 0 => return Ok(false),
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => filled += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(true)
}

fn receive_worker(
    transport: Transport,
    message_bytes: usize,
    batch: u64,
    body: bool,
    path: &Path,
) -> io::Result<()> {
    let stdout = io::stdout();
    let report = match transport {
        Transport::Pipe => {
            // Our own handle on stdin, read through a buffer as large as the
            // socket's, so the two kernel transports are read the same way.
            let stdin = std::fs::File::from(io::stdin().as_fd().try_clone_to_owned()?);
            let mut input = BufReader::with_capacity(64 * 1024, stdin);
            let mut out = stdout.lock();
            receive(
                |buf| read_message(&mut input, buf),
                || {
                    out.write_all(&[ACK])?;
                    out.flush()
                },
                message_bytes,
                batch,
                body,
            )?
        }
        Transport::UnixSocket => {
            let socket = UnixStream::connect(path)?;
            let mut input = BufReader::with_capacity(64 * 1024, socket.try_clone()?);
            let mut out = socket;
            receive(
                |buf| read_message(&mut input, buf),
                || out.write_all(&[ACK]),
                message_bytes,
                batch,
                body,
            )?
        }
        Transport::SharedMemory => {
            let mut ring = RingReader::new(SharedFile::open(path)?)?;
            // A second mapping of the same file for the acknowledgements:
            // the same pages, but not borrowed by the ring.
            let control = SharedFile::open(path)?;
            let mut alive = parent_alive();
            receive(
                |buf| ring.read_exact(buf, &mut patience(&mut alive)),
                || {
                    control.word(ACKS).fetch_add(1, Ordering::Release);
                    control.wake(Side::Writer);
                    Ok(())
                },
                message_bytes,
                batch,
                body,
            )?
        }
    };
    let mut out = stdout.lock();
    writeln!(out, "{}", report.line())?;
    out.flush()
}

/// If this process was started as a worker (its first argument is
/// [`WORKER_ARG`]), does the work and exits; otherwise returns at once.
/// Called first thing in `main`.
pub fn run_as_worker_if_asked() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) != Some(WORKER_ARG) {
        return;
    }
    let outcome = match args[1..].iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["count", path, method, increments, processes] => {
            match (
                Method::from_arg(method),
                increments.parse(),
                processes.parse(),
            ) {
                (Some(method), Ok(increments), Ok(processes)) => {
                    count_worker(Path::new(path), method, increments, processes)
                }
                _ => Err(io::ErrorKind::InvalidInput.into()),
            }
        }
        ["receive", transport, bytes, batch, checks, path] => {
            match (
                Transport::from_name(transport),
                bytes.parse(),
                batch.parse(),
            ) {
                (Some(transport), Ok(bytes), Ok(batch)) if bytes >= MIN_MESSAGE && batch > 0 => {
                    receive_worker(transport, bytes, batch, checks == "body", Path::new(path))
                }
                _ => Err(io::ErrorKind::InvalidInput.into()),
            }
        }
        _ => Err(io::ErrorKind::InvalidInput.into()),
    };
    match outcome {
        Ok(()) => std::process::exit(0),
        Err(err) => {
            eprintln!("worker {}: {err}", std::process::id());
            std::process::exit(1);
        }
    }
}

/// The path of the running program, to start it again as a worker.
pub fn this_program() -> io::Result<PathBuf> {
    std::env::current_exe()
}
