//! Pipes: a parent process and a worker process that talk in lines of JSON.
//!
//! The worker is the same binary, started again with the hidden argument
//! `worker`. The parent writes one [`Job`] per line into the worker's stdin;
//! the worker writes one [`Answer`] per line to its stdout. Nothing is shared:
//! every byte crosses a pipe, a kernel buffer of 64 KiB on Linux.
//!
//! That buffer is where the classic bug lives. [`wait_then_read`] waits for the
//! worker to exit before reading its output: fine while the output fits in the
//! pipe, stuck forever once it does not, because the worker blocks in `write`
//! and never exits. [`read_then_wait`] reads first and waits second.
#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// The capacity of a new pipe on Linux, unless the system was tuned.
pub const PIPE_BUFFER: u64 = 64 * 1024;

// ANCHOR: messages
/// One job for the worker: find the primes in `from..to`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub id: u64,
    pub from: u64,
    pub to: u64,
}

/// The worker's answer to the job with the same `id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub id: u64,
    pub primes: Vec<u64>,
}
// ANCHOR_END: messages

/// Whether `n` is prime, by trial division: slow enough to be work, simple
/// enough to check.
pub fn is_prime(n: u64) -> bool {
    if n < 4 {
        return n >= 2;
    }
    if n.is_multiple_of(2) || n.is_multiple_of(3) {
        return false;
    }
    let mut d = 5;
    while d * d <= n {
        if n.is_multiple_of(d) || n.is_multiple_of(d + 2) {
            return false;
        }
        d += 6;
    }
    true
}

/// Does one job, in whichever process calls it.
pub fn solve(job: &Job) -> Answer {
    Answer {
        id: job.id,
        primes: (job.from..job.to).filter(|&n| is_prime(n)).collect(),
    }
}

// ANCHOR: serve
/// The worker's whole life: read a job per line from `input`, write its answer
/// as one line to `output`, until the input ends. Returns the jobs served.
/// Each answer is flushed at once, so a parent waiting for it gets it now.
pub fn serve(input: impl BufRead, mut output: impl Write) -> io::Result<u64> {
    let mut served = 0;
    for (index, line) in input.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let job: Job = serde_json::from_str(&line).map_err(|e| {
            let message = format!("line {} is not a job: {e}", index + 1);
            io::Error::new(io::ErrorKind::InvalidData, message)
        })?;
        serde_json::to_writer(&mut output, &solve(&job))?;
        output.write_all(b"\n")?;
        output.flush()?;
        served += 1;
    }
    Ok(served)
}
// ANCHOR_END: serve

// ANCHOR: spawn
/// Starts `program worker` with pipes on its stdin and stdout. `program` is
/// this very binary: `main` passes `std::env::current_exe()`, tests and
/// benchmarks pass the path cargo gives them.
pub fn spawn_worker(program: &Path) -> io::Result<Child> {
    Command::new(program)
        .arg("worker")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
}
// ANCHOR_END: spawn

// ANCHOR: feed
/// Writes every job into the worker's stdin from a thread of its own, then
/// closes the pipe (by dropping it) so the worker sees the end of its input.
/// The parent's own thread is free to wait or to read in the meantime.
fn feed(stdin: ChildStdin, jobs: Vec<Job>) -> JoinHandle<io::Result<()>> {
    thread::spawn(move || {
        let mut stdin = BufWriter::new(stdin);
        for job in &jobs {
            serde_json::to_writer(&mut stdin, job)?;
            stdin.write_all(b"\n")?;
        }
        stdin.flush()
    })
}
// ANCHOR_END: feed

/// Reads answers, one per line, until the worker closes its stdout. Returns
/// them with the number of bytes that came through the pipe.
fn read_answers(stdout: ChildStdout) -> io::Result<(Vec<Answer>, u64)> {
    let (mut answers, mut bytes) = (Vec::new(), 0);
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        bytes += line.len() as u64 + 1;
        answers.push(serde_json::from_str(&line)?);
    }
    Ok((answers, bytes))
}

/// What happened to one batch of jobs.
#[derive(Debug)]
pub enum Outcome {
    /// The worker exited and all of its output was read.
    Finished {
        answers: Vec<Answer>,
        /// Bytes the worker wrote to its stdout.
        bytes: u64,
        status: ExitStatus,
    },
    /// The worker was still running when the parent's patience ran out, so
    /// the parent killed it and reaped it.
    Stuck { waited: Duration },
}

impl Outcome {
    /// The answers, if the batch finished.
    pub fn answers(&self) -> Option<&[Answer]> {
        match self {
            Outcome::Finished { answers, .. } => Some(answers),
            Outcome::Stuck { .. } => None,
        }
    }
}

// ANCHOR: wait_or_kill
/// `child.wait()` with a deadline: polls until the child exits or `patience`
/// runs out; then kills it (SIGKILL) and reaps it, and returns `None`. A
/// plain `wait()` in its place would block for ever.
pub fn wait_or_kill(child: &mut Child, patience: Duration) -> io::Result<Option<ExitStatus>> {
    let deadline = Instant::now() + patience;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline {
            child.kill()?;
            child.wait()?;
            return Ok(None);
        }
        thread::sleep(Duration::from_millis(1));
    }
}
// ANCHOR_END: wait_or_kill

// ANCHOR: wait_then_read
/// The bug: wait for the worker to exit, then read what it wrote. While its
/// output fits in the pipe this works. Once it does not, the worker blocks in
/// `write` waiting for a reader, the parent blocks waiting for an exit, and
/// neither ever moves. `patience` stands in for "for ever".
pub fn wait_then_read(program: &Path, jobs: &[Job], patience: Duration) -> io::Result<Outcome> {
    let mut child = spawn_worker(program)?;
    let feeder = feed(child.stdin.take().expect("piped"), jobs.to_vec());
    let Some(status) = wait_or_kill(&mut child, patience)? else {
        // The killed worker's stdin is closed, so the feeder ends too (with
        // "broken pipe", which is expected here).
        let _ = feeder.join().expect("the feeder thread panicked");
        return Ok(Outcome::Stuck { waited: patience });
    };
    let (answers, bytes) = read_answers(child.stdout.take().expect("piped"))?;
    feeder.join().expect("the feeder thread panicked")?;
    Ok(Outcome::Finished {
        answers,
        bytes,
        status,
    })
}
// ANCHOR_END: wait_then_read

// ANCHOR: read_then_wait
/// The fix: read the worker's stdout to its end first, then wait. The end of
/// the output comes when the worker closes its stdout, which it does by
/// exiting, so the `wait` that follows returns at once.
pub fn read_then_wait(program: &Path, jobs: &[Job]) -> io::Result<Outcome> {
    let mut child = spawn_worker(program)?;
    let feeder = feed(child.stdin.take().expect("piped"), jobs.to_vec());
    let read = read_answers(child.stdout.take().expect("piped"));
    // Reap the child even if reading failed: dropping our end of its stdout
    // made its next write fail, so it is on its way out.
    let status = child.wait()?;
    let fed = feeder.join().expect("the feeder thread panicked");
    let (answers, bytes) = read?;
    fed?;
    Ok(Outcome::Finished {
        answers,
        bytes,
        status,
    })
}
// ANCHOR_END: read_then_wait

// ANCHOR: worker-ask
/// A long-lived worker process for many exchanges. Dropping it kills the
/// process if it still runs and always reaps it, so no zombie or orphan is
/// left behind even when the caller bails out early.
pub struct Worker {
    child: Child,
    stdin: Option<BufWriter<ChildStdin>>,
    stdout: BufReader<ChildStdout>,
    line: String,
}

impl Worker {
    pub fn spawn(program: &Path) -> io::Result<Worker> {
        let mut child = spawn_worker(program)?;
        let stdin = child.stdin.take().map(BufWriter::new);
        let stdout = BufReader::new(child.stdout.take().expect("piped"));
        Ok(Worker {
            child,
            stdin,
            stdout,
            line: String::new(),
        })
    }

    /// The worker's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// One round trip: one job out, its answer back.
    pub fn ask(&mut self, job: &Job) -> io::Result<Answer> {
        let stdin = self.stdin.as_mut().expect("open until finish");
        write_line(stdin, job)?;
        stdin.flush()?;
        read_line(&mut self.stdout, &mut self.line)
    }
    // ANCHOR_END: worker-ask

    // ANCHOR: worker-stream
    /// Many jobs in flight at once: a scoped thread writes them while this
    /// thread reads the answers, so whichever pipe fills up, someone is
    /// draining it.
    pub fn stream(&mut self, jobs: &[Job]) -> io::Result<Vec<Answer>> {
        let stdin = self.stdin.as_mut().expect("open until finish");
        let (stdout, line, child) = (&mut self.stdout, &mut self.line, &mut self.child);
        thread::scope(|scope| {
            let writer = scope.spawn(move || -> io::Result<()> {
                for job in jobs {
                    write_line(stdin, job)?;
                }
                stdin.flush()
            });
            let answers: io::Result<Vec<Answer>> =
                jobs.iter().map(|_| read_line(stdout, line)).collect();
            if answers.is_err() {
                // Nobody reads the worker's output any more, so the writer
                // could wait for ever on a full stdin: end the worker first.
                let _ = child.kill();
            }
            writer.join().expect("the writer thread panicked")?;
            answers
        })
    }
    // ANCHOR_END: worker-stream

    // ANCHOR: worker-finish
    /// Closes the worker's stdin, so its input ends and it exits, and reaps it.
    pub fn finish(mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        self.child.wait()
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
// ANCHOR_END: worker-finish

fn write_line(out: &mut impl Write, job: &Job) -> io::Result<()> {
    serde_json::to_writer(&mut *out, job)?;
    out.write_all(b"\n")
}

fn read_line(input: &mut impl BufRead, line: &mut String) -> io::Result<Answer> {
    line.clear();
    if input.read_line(line)? == 0 {
        let message = "the worker closed its stdout";
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, message));
    }
    Ok(serde_json::from_str(line)?)
}

/// `count` jobs that cover `0..count * width` in blocks of `width` numbers.
pub fn jobs(count: u64, width: u64) -> Vec<Job> {
    (0..count)
        .map(|id| Job {
            id,
            from: id * width,
            to: (id + 1) * width,
        })
        .collect()
}

/// The bytes one answer takes on the pipe: its JSON and a newline.
pub fn answer_bytes(answer: &Answer) -> u64 {
    serde_json::to_string(answer).map_or(0, |json| json.len() as u64 + 1)
}

/// The fewest jobs of `width` numbers (as [`jobs`] makes them) whose answers
/// add up to at least `bytes` bytes of output. Returns them with that size.
pub fn jobs_for_output(bytes: u64, width: u64) -> (Vec<Job>, u64) {
    let mut total = 0;
    let mut count = 0;
    while total < bytes {
        let job = Job {
            id: count,
            from: count * width,
            to: (count + 1) * width,
        };
        total += answer_bytes(&solve(&job));
        count += 1;
    }
    (jobs(count, width), total)
}

// ANCHOR: check
/// Checks that `answers` answer every job exactly once, and correctly.
pub fn check(jobs: &[Job], answers: &[Answer]) -> Result<(), String> {
    let mut by_id = BTreeMap::new();
    for answer in answers {
        if by_id.insert(answer.id, answer).is_some() {
            return Err(format!("job {} was answered twice", answer.id));
        }
    }
    for job in jobs {
        match by_id.remove(&job.id) {
            None => return Err(format!("job {} was never answered", job.id)),
            Some(answer) if *answer != solve(job) => {
                return Err(format!("job {} got a wrong answer", job.id));
            }
            Some(_) => {}
        }
    }
    match by_id.keys().next() {
        Some(id) => Err(format!("answer {id} matches no job")),
        None => Ok(()),
    }
}
// ANCHOR_END: check

// ANCHOR: children_of
/// The processes whose parent is `pid`, read from `/proc/*/stat` (Linux).
/// Zombies count: a child that exited but was never waited for is listed
/// until its parent reaps it.
pub fn children_of(pid: u32) -> Vec<u32> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut children = Vec::new();
    for entry in entries.flatten() {
        let Some(child) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue; // not a process directory
        };
        // The process may have gone since the directory was listed.
        let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (name) state ppid ...": the name may hold spaces and
        // parentheses, so the fields are counted after the last ')'.
        let parent = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|ppid| ppid.parse::<u32>().ok());
        if parent == Some(pid) {
            children.push(child);
        }
    }
    children.sort_unstable();
    children
}
// ANCHOR_END: children_of

/// This process's children, after waiting up to `patience` for any that are
/// being reaped right now to go away; the list is whatever is left then.
pub fn children_left(patience: std::time::Duration) -> Vec<u32> {
    let deadline = std::time::Instant::now() + patience;
    loop {
        let children = children_of(std::process::id());
        if children.is_empty() || std::time::Instant::now() >= deadline {
            return children;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
