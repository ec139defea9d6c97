//! Crash isolation: the real reason to reach for processes in Rust.
//!
//! A supervisor runs N worker processes (this binary, started again as
//! `worker`) and hands each one job at a time over its stdin; the worker sends
//! back JSON lines on its stdout: a progress report half-way, then the result.
//! Some jobs carry sabotage: the worker panics, aborts, or hangs until the
//! supervisor's deadline passes and it is killed.
//!
//! Whatever kills a worker, the supervisor hears the same thing: end of file
//! on the worker's stdout. It then reaps the worker, reads from its exit
//! status how it died, starts a new one in its slot, and puts the job the
//! dead worker held back at the front of the queue. A job counts as done only
//! when its result line arrives, and results are kept by job id, so the
//! half-done first attempt of a crashed job leaves no trace.
#![forbid(unsafe_code)]

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

pub use processes_pipes::children_of;

// ANCHOR: messages
/// How a sabotaged job brings its worker down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Fault {
    /// `panic!`: the worker unwinds and exits with code 101.
    Panic,
    /// `std::process::abort()`: the worker dies of SIGABRT at once.
    Abort,
    /// The worker stops making progress; the supervisor's deadline passes
    /// and it kills the worker with `Child::kill` (SIGKILL).
    Hang,
}

/// Crash on each of the first `attempts` attempts at a job. One attempt is a
/// passing glitch; `u32::MAX` is a poison job that crashes every time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sabotage {
    pub fault: Fault,
    pub attempts: u32,
}

/// Supervisor to worker: add up the Collatz steps of the numbers in `from..to`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub id: u64,
    pub from: u64,
    pub to: u64,
    /// 1 the first time the job is sent, 2 the second, and so on.
    pub attempt: u32,
    pub sabotage: Option<Sabotage>,
}

/// Worker to supervisor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Report {
    /// Half of the numbers are done (the sabotage strikes after this).
    Progress { id: u64, done: u64 },
    /// The job is finished: this is the only message that completes it.
    Done { id: u64, value: u64 },
}
// ANCHOR_END: messages

impl Job {
    /// The fault that strikes on this attempt, if any.
    pub fn fault_now(&self) -> Option<Fault> {
        self.sabotage
            .filter(|s| self.attempt <= s.attempts)
            .map(|s| s.fault)
    }
}

/// Steps the Collatz map takes to bring `n` down to 1.
pub fn collatz_steps(mut n: u64) -> u64 {
    let mut steps = 0;
    while n > 1 {
        n = if n.is_multiple_of(2) {
            n / 2
        } else {
            3 * n + 1
        };
        steps += 1;
    }
    steps
}

/// A job's result, computed in whichever process calls it.
pub fn work(from: u64, to: u64) -> u64 {
    (from.max(1)..to).map(collatz_steps).sum()
}

// ANCHOR: worker
/// The worker's whole life: one job per line in, progress and result lines
/// out, until its stdin ends.
pub fn serve(input: impl BufRead, mut output: impl Write) -> io::Result<u64> {
    let mut lines = input.lines();
    let mut served = 0;
    while let Some(line) = lines.next() {
        let job: Job = serde_json::from_str(&line?)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("not a job: {e}")))?;
        let half = job.from + (job.to - job.from) / 2;
        let partial = work(job.from, half);
        send(
            &mut output,
            &Report::Progress {
                id: job.id,
                done: half - job.from,
            },
        )?;
        match job.fault_now() {
            Some(Fault::Panic) => panic!("job {} told this worker to panic", job.id),
            Some(Fault::Abort) => std::process::abort(),
            Some(Fault::Hang) => {
                // Stuck: no progress, no answer. It only notices its
                // supervisor is gone when its stdin ends.
                for _ in lines.by_ref() {}
                return Ok(served);
            }
            None => {}
        }
        let value = partial + work(half, job.to);
        send(&mut output, &Report::Done { id: job.id, value })?;
        served += 1;
    }
    Ok(served)
}
// ANCHOR_END: worker

fn send(output: &mut impl Write, report: &Report) -> io::Result<()> {
    serde_json::to_writer(&mut *output, report)?;
    output.write_all(b"\n")?;
    output.flush()
}

/// How a worker process ended, from its exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Death {
    /// It exited with this code (101 is Rust's code for a panic).
    Code(i32),
    /// A signal ended it (6 is SIGABRT, 9 is SIGKILL).
    Signal(i32),
}

// ANCHOR: death
impl Death {
    /// On Unix an exit status holds either an exit code or the signal that
    /// ended the process; `ExitStatusExt::signal` reads the second.
    pub fn of(status: ExitStatus) -> Death {
        match (status.code(), status.signal()) {
            (Some(code), _) => Death::Code(code),
            (None, Some(signal)) => Death::Signal(signal),
            (None, None) => Death::Code(-1),
        }
    }

    /// The fault this death looks like, as the supervisor can tell it apart.
    pub fn looks_like(self) -> Option<Fault> {
        match self {
            Death::Code(101) => Some(Fault::Panic),
            Death::Signal(6) => Some(Fault::Abort),
            Death::Signal(9) => Some(Fault::Hang),
            _ => None,
        }
    }
}
// ANCHOR_END: death

impl fmt::Display for Death {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Death::Code(code) => write!(f, "exit code {code}"),
            Death::Signal(6) => write!(f, "signal 6 (SIGABRT)"),
            Death::Signal(9) => write!(f, "signal 9 (SIGKILL)"),
            Death::Signal(signal) => write!(f, "signal {signal}"),
        }
    }
}

/// One worker that died without being asked to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crash {
    /// The slot the worker ran in, 0..workers.
    pub slot: usize,
    /// The job it held, with the attempt that crashed, if it held one.
    pub job: Option<(u64, u32)>,
    /// The fault the job carried for that attempt, if any.
    pub injected: Option<Fault>,
    pub death: Death,
    /// Whether the supervisor killed it (for missing its deadline, or for
    /// writing something that is not a report).
    pub killed_by_supervisor: bool,
    /// The first two lines the worker wrote to its stderr (for a panic: where
    /// and why).
    pub last_words: String,
}

/// How the supervisor runs.
#[derive(Clone, Debug)]
pub struct Config {
    pub workers: usize,
    /// A worker whose job has not finished this long after it was sent is
    /// killed, and the job goes back in the queue.
    pub deadline: Duration,
    /// A job whose worker crashed this many times is given up.
    pub max_attempts: u32,
}

/// What happened, in full.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Job id to result, each job at most once.
    pub results: BTreeMap<u64, u64>,
    pub crashes: Vec<Crash>,
    pub restarts: u64,
    /// Jobs sent to workers, re-sent ones included.
    pub attempts: u64,
    /// Jobs dropped after `max_attempts` crashes.
    pub gave_up: Vec<u64>,
    /// Result lines for jobs that already had a result (ignored).
    pub duplicates: u64,
    /// Numbers a crashed attempt had already worked through (its progress),
    /// which had to be done again.
    pub redone: u64,
    /// Worker processes started, restarts included.
    pub spawned: u64,
}

/// What a worker's stdout reader thread tells the supervisor.
enum Event {
    Report(usize, Report),
    /// A line that is not a report: the worker is broken.
    Garbled(usize),
    /// End of file: the worker closed its stdout, which means it exited.
    Closed(usize),
}

/// One worker process and what the supervisor knows about it.
struct Slot {
    child: Child,
    /// Dropped (closed) to tell an idle worker there is no more work.
    stdin: Option<ChildStdin>,
    /// The job it holds and when it was sent.
    job: Option<(Job, Instant)>,
    progress: u64,
    /// The supervisor has killed it; it gets no more jobs.
    killed: bool,
    reader: Option<JoinHandle<()>>,
    stderr: Option<JoinHandle<String>>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

// ANCHOR: spawn
/// Starts a worker in slot `index`, with a thread that turns its stdout into
/// events for the supervisor and one that keeps what it writes to stderr.
fn spawn_slot(program: &Path, index: usize, events: &Sender<Event>) -> io::Result<Slot> {
    let mut child = Command::new(program)
        .arg("worker")
        // A panic's backtrace, if the caller's environment asks for one, can
        // take longer to print than a job's deadline: keep panics short.
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().expect("piped");
    let events = events.clone();
    let reader = thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let event = match serde_json::from_str(&line) {
                Ok(report) => Event::Report(index, report),
                Err(_) => Event::Garbled(index),
            };
            let _ = events.send(event);
        }
        let _ = events.send(Event::Closed(index));
    });
    let mut stderr = child.stderr.take().expect("piped");
    let stderr = thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stderr.read_to_end(&mut bytes);
        let text = String::from_utf8_lossy(&bytes);
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        lines[..lines.len().min(2)].join(" ")
    });
    Ok(Slot {
        stdin: child.stdin.take(),
        child,
        job: None,
        progress: 0,
        killed: false,
        reader: Some(reader),
        stderr: Some(stderr),
    })
}
// ANCHOR_END: spawn

/// The supervisor's state between events.
struct Supervisor<'a> {
    program: &'a Path,
    config: &'a Config,
    events: Sender<Event>,
    slots: Vec<Slot>,
    queue: VecDeque<Job>,
    summary: Summary,
}

impl Supervisor<'_> {
    // ANCHOR: dispatch
    /// Gives the worker in `index` the next job, or, when the queue is empty,
    /// closes its stdin so it exits. A failed write is not an error here: the
    /// worker is dead, its end-of-file event is on the way, and the job will
    /// be re-queued then.
    fn dispatch(&mut self, index: usize) {
        let slot = &mut self.slots[index];
        let Some(job) = self.queue.pop_front() else {
            drop(slot.stdin.take());
            return;
        };
        if let Some(stdin) = slot.stdin.as_mut() {
            let _ = serde_json::to_writer(&mut *stdin, &job)
                .map_err(io::Error::from)
                .and_then(|()| stdin.write_all(b"\n"));
        }
        slot.job = Some((job, Instant::now()));
        slot.progress = 0;
        self.summary.attempts += 1;
    }
    // ANCHOR_END: dispatch

    // ANCHOR: closed
    /// The worker in `index` closed its stdout: it has exited. Reap it; if it
    /// was not retiring, record the crash, put its job back at the front of
    /// the queue (or give it up), and start a new worker in its place.
    /// Returns whether the slot is now empty for good.
    fn closed(&mut self, index: usize) -> io::Result<bool> {
        let slot = &mut self.slots[index];
        let status = slot.child.wait()?;
        if let Some(reader) = slot.reader.take() {
            reader.join().expect("the reader thread panicked");
        }
        let last_words = slot
            .stderr
            .take()
            .map(|h| h.join().expect("the stderr thread panicked"))
            .unwrap_or_default();
        let retiring = slot.stdin.is_none() && slot.job.is_none();
        if retiring && status.success() {
            return Ok(true);
        }
        let job = slot.job.take().map(|(job, _)| job);
        self.summary.crashes.push(Crash {
            slot: index,
            job: job.as_ref().map(|j| (j.id, j.attempt)),
            injected: job.as_ref().and_then(Job::fault_now),
            death: Death::of(status),
            killed_by_supervisor: slot.killed,
            last_words,
        });
        if let Some(mut job) = job {
            self.summary.redone += slot.progress;
            if job.attempt >= self.config.max_attempts {
                self.summary.gave_up.push(job.id);
            } else {
                job.attempt += 1;
                self.queue.push_front(job);
            }
        }
        self.slots[index] = spawn_slot(self.program, index, &self.events)?;
        self.summary.spawned += 1;
        self.summary.restarts += 1;
        self.dispatch(index);
        Ok(false)
    }
    // ANCHOR_END: closed

    /// Kills every worker whose job is past its deadline; returns how long
    /// until the next deadline.
    fn enforce_deadlines(&mut self) -> Duration {
        let mut next = self.config.deadline;
        for slot in &mut self.slots {
            let Some((_, sent)) = &slot.job else { continue };
            if slot.killed {
                continue;
            }
            let age = sent.elapsed();
            if age >= self.config.deadline {
                // SIGKILL cannot be caught or ignored: the process is gone,
                // whatever it was doing. No thread can be stopped like this.
                let _ = slot.child.kill();
                slot.killed = true;
            } else {
                next = next.min(self.config.deadline - age);
            }
        }
        next
    }
}

// ANCHOR: supervise-wait
/// Runs `jobs` on `config.workers` worker processes started from `program`
/// and returns what happened. Every job ends up either in the results
/// (exactly once) or, after `config.max_attempts` crashes, in `gave_up`.
pub fn supervise(program: &Path, jobs: Vec<Job>, config: &Config) -> io::Result<Summary> {
    assert!(config.workers >= 1 && config.max_attempts >= 1);
    let (events, inbox): (Sender<Event>, Receiver<Event>) = mpsc::channel();
    let mut slots = Vec::with_capacity(config.workers);
    for index in 0..config.workers {
        slots.push(spawn_slot(program, index, &events)?);
    }
    let mut sup = Supervisor {
        program,
        config,
        events,
        slots,
        queue: jobs.into(),
        summary: Summary::default(),
    };
    sup.summary.spawned = config.workers as u64;
    for index in 0..config.workers {
        sup.dispatch(index);
    }
    // Each slot's worker runs until it is told to retire; a crash replaces
    // it. So the loop ends when every slot's worker has retired and exited.
    let mut retired = 0;
    while retired < config.workers {
        let wait = sup.enforce_deadlines();
        let event = match inbox.recv_timeout(wait) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => unreachable!("the supervisor holds a sender"),
        };
        // ANCHOR_END: supervise-wait
        // ANCHOR: supervise-events
        match event {
            Event::Report(index, Report::Progress { id, done }) => {
                let slot = &mut sup.slots[index];
                if slot.job.as_ref().is_some_and(|(job, _)| job.id == id) {
                    slot.progress = done;
                }
            }
            Event::Report(index, Report::Done { id, value }) => {
                // The first result for an id is kept; a second is counted
                // and ignored, never written over the first.
                match sup.summary.results.entry(id) {
                    Entry::Occupied(_) => sup.summary.duplicates += 1,
                    Entry::Vacant(slot) => {
                        slot.insert(value);
                    }
                }
                let slot = &mut sup.slots[index];
                slot.job = None;
                // A worker being killed gets no new job: it would die with it.
                if !slot.killed {
                    sup.dispatch(index);
                }
            }
            Event::Garbled(index) => {
                let slot = &mut sup.slots[index];
                let _ = slot.child.kill();
                slot.killed = true;
            }
            Event::Closed(index) => {
                if sup.closed(index)? {
                    retired += 1;
                }
            }
        }
    }
    Ok(sup.summary)
}
// ANCHOR_END: supervise-events

/// `count` jobs of `width` numbers each; the faults in `faults` are spread
/// evenly over them, one per job, each striking on the first attempt only,
/// and the first `poison` of them strike on every attempt.
pub fn plan(count: u64, width: u64, faults: &[Fault], poison: usize) -> Vec<Job> {
    let mut jobs: Vec<Job> = (0..count)
        .map(|id| Job {
            id,
            from: id * width,
            to: (id + 1) * width,
            attempt: 1,
            sabotage: None,
        })
        .collect();
    let n = faults.len() as u64;
    assert!(n <= count, "more faults than jobs");
    for (i, &fault) in faults.iter().enumerate() {
        // Spread over the whole run: the i-th fault lands in the middle of
        // the i-th of n equal stretches of jobs.
        let at = ((2 * i as u64 + 1) * count / (2 * n)) as usize;
        jobs[at].sabotage = Some(Sabotage {
            fault,
            attempts: if i < poison { u32::MAX } else { 1 },
        });
    }
    jobs
}

/// The faults to inject: `panics` panics, `aborts` aborts and `hangs` hangs,
/// interleaved so each kind is spread over the run.
pub fn faults(panics: usize, aborts: usize, hangs: usize) -> Vec<Fault> {
    let mut all = Vec::with_capacity(panics + aborts + hangs);
    for i in 0..panics.max(aborts).max(hangs) {
        for (kind, n) in [
            (Fault::Panic, panics),
            (Fault::Abort, aborts),
            (Fault::Hang, hangs),
        ] {
            if i < n {
                all.push(kind);
            }
        }
    }
    all
}

/// An order-independent checksum of results: the sum of `id × 1,000,003 +
/// value`, wrapping.
pub fn checksum<'a>(results: impl IntoIterator<Item = (&'a u64, &'a u64)>) -> u64 {
    results.into_iter().fold(0u64, |sum, (&id, &value)| {
        sum.wrapping_add(id.wrapping_mul(1_000_003).wrapping_add(value))
    })
}

/// The results the jobs should have, computed here in one process.
pub fn expected(jobs: &[Job]) -> BTreeMap<u64, u64> {
    jobs.iter().map(|j| (j.id, work(j.from, j.to))).collect()
}

/// A fresh worker's first answer: start it, send one job, read until its
/// result, close its stdin and reap it. What one restart costs, at least.
pub fn spawn_and_answer(program: &Path, job: &Job) -> io::Result<u64> {
    let mut child = Command::new(program)
        .arg("worker")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut stdin = child.stdin.take().expect("piped");
    let result = (|| {
        serde_json::to_writer(&mut stdin, job)?;
        stdin.write_all(b"\n")?;
        drop(stdin);
        let stdout = BufReader::new(child.stdout.take().expect("piped"));
        for line in stdout.lines() {
            if let Report::Done { value, .. } = serde_json::from_str(&line?)? {
                return Ok(value);
            }
        }
        Err(io::Error::new(io::ErrorKind::UnexpectedEof, "no result"))
    })();
    child.wait()?;
    result
}
