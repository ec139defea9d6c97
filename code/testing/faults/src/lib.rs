//! Fault injection reduced to two tools. A supervisor that kills its worker
//! process with SIGKILL at a point it chooses, restarts it and resends what
//! was not acknowledged: it shows that a worker that acks before it writes
//! loses a job, and one that writes before it acks loses none (and may do a
//! job twice). A proxy that cuts a TCP connection after a chosen number of
//! bytes: it shows that a client that takes end-of-stream for the end of the
//! data silently keeps half of it, and one that resumes does not.
#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::fs::{self, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

// ANCHOR: worker-loop
/// In which order a worker acknowledges a job and writes its result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Order {
    /// Ack, then write: a kill between the two loses the job.
    AckFirst,
    /// Write, then ack: a kill between the two makes the job run twice.
    WriteFirst,
}

/// The worker process: reads job ids from stdin, one a line; for each, writes
/// the id to `results` and prints `ack <id>` in the given order. At job
/// `pause_at`, between the two steps, it prints `paused <id>` and waits to be
/// killed: the injected fault.
pub fn worker(order: Order, results: &Path, pause_at: Option<u32>) -> io::Result<()> {
    let mut file = OpenOptions::new().create(true).append(true).open(results)?;
    let mut out = io::stdout().lock();
    for line in io::stdin().lock().lines() {
        let id: u32 = line?
            .trim()
            .parse()
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        match order {
            Order::AckFirst => {
                ack(&mut out, id)?;
                fault_point(&mut out, id, pause_at)?;
                writeln!(file, "{id}")?;
            }
            Order::WriteFirst => {
                writeln!(file, "{id}")?;
                fault_point(&mut out, id, pause_at)?;
                ack(&mut out, id)?;
            }
        }
    }
    Ok(())
}
// ANCHOR_END: worker-loop

// ANCHOR: worker-fault
fn ack(out: &mut impl Write, id: u32) -> io::Result<()> {
    writeln!(out, "ack {id}")?;
    out.flush()
}

/// Where the harness injects its fault: at job `pause_at`, say so and wait
/// for the SIGKILL that the supervisor sends when it reads the line.
fn fault_point(out: &mut impl Write, id: u32, pause_at: Option<u32>) -> io::Result<()> {
    if pause_at == Some(id) {
        writeln!(out, "paused {id}")?;
        out.flush()?;
        loop {
            thread::park(); // until SIGKILL
        }
    }
    Ok(())
}
// ANCHOR_END: worker-fault

/// A running worker process and the lines it prints.
struct Worker {
    child: Child,
    stdin: ChildStdin,
    lines: io::Lines<BufReader<std::process::ChildStdout>>,
}

impl Worker {
    fn start(
        exe: &Path,
        order: Order,
        results: &Path,
        pause_at: Option<u32>,
    ) -> io::Result<Worker> {
        let mut command = Command::new(exe);
        command
            .arg("worker")
            .arg("--order")
            .arg(order_name(order))
            .arg("--results")
            .arg(results);
        if let Some(id) = pause_at {
            command.arg("--pause-at").arg(id.to_string());
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let stdin = child.stdin.take().expect("piped stdin");
        let lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        Ok(Worker {
            child,
            stdin,
            lines,
        })
    }
}

/// The name the worker's `--order` takes.
pub fn order_name(order: Order) -> &'static str {
    match order {
        Order::AckFirst => "ack-first",
        Order::WriteFirst => "write-first",
    }
}

/// What a supervised run ended with, counted from the results file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Jobs the supervisor saw acknowledged (all of them, at the end).
    pub acked: usize,
    /// Jobs with no result written.
    pub lost: Vec<u32>,
    /// Jobs whose result was written more than once.
    pub duplicated: Vec<u32>,
    /// Workers killed.
    pub kills: usize,
    /// From each kill to the restarted worker's first ack.
    pub recovery: Vec<Duration>,
}

// ANCHOR: supervisor-start
/// Runs jobs `0..jobs` on a worker process (`exe worker ...`). If `kill_at`
/// names a job, the worker pauses there and the supervisor kills it with
/// SIGKILL, starts a new one, and sends it every job not yet acknowledged.
pub fn supervise(exe: &Path, order: Order, jobs: u32, kill_at: Option<u32>) -> io::Result<Outcome> {
    let results = scratch_file()?;
    let mut acked = vec![false; jobs as usize];
    let (mut kills, mut recovery) = (0, Vec::new());
    let mut pause_at = kill_at;
    let mut killed_at: Option<Instant> = None;
    while acked.contains(&false) {
        let mut worker = Worker::start(exe, order, &results, pause_at.take())?;
        let mut heard = false;
        for id in (0..jobs).filter(|&id| !acked[id as usize]) {
            writeln!(worker.stdin, "{id}")?;
        }
        drop(worker.stdin); // end of input: the worker exits after the last job
        // ANCHOR_END: supervisor-start
        // ANCHOR: supervisor-listen
        while let Some(line) = worker.lines.next().transpose()? {
            if let Some(id) = line.strip_prefix("ack ") {
                acked[id
                    .parse::<usize>()
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?] = true;
                heard = true;
                if let Some(at) = killed_at.take() {
                    recovery.push(at.elapsed());
                }
            } else if line.starts_with("paused ") {
                worker.child.kill()?; // SIGKILL: no cleanup, no last words
                killed_at = Some(Instant::now());
                kills += 1;
                heard = true;
                break;
            }
        }
        let status = worker.child.wait()?;
        if !heard {
            return Err(io::Error::other(format!(
                "the worker ended ({status}) without acknowledging a job"
            )));
        }
    }
    // ANCHOR_END: supervisor-listen
    // ANCHOR: supervisor-count
    let mut written: BTreeMap<u32, usize> = (0..jobs).map(|id| (id, 0)).collect();
    for line in fs::read_to_string(&results)?.lines() {
        *written
            .entry(
                line.parse()
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?,
            )
            .or_default() += 1;
    }
    fs::remove_file(&results)?;
    Ok(Outcome {
        acked: acked.len(),
        lost: written
            .iter()
            .filter(|&(_, &n)| n == 0)
            .map(|(&id, _)| id)
            .collect(),
        duplicated: written
            .iter()
            .filter(|&(_, &n)| n > 1)
            .map(|(&id, _)| id)
            .collect(),
        kills,
        recovery,
    })
}
// ANCHOR_END: supervisor-count

/// A fresh, empty file in the temporary directory for one run's results.
/// Emptied on creation: a run killed before it removed its file may have
/// left one at the same path (process ids are reused), and its lines would
/// count as duplicates here.
fn scratch_file() -> io::Result<PathBuf> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let path = std::env::temp_dir().join(format!("testing-faults-{}-{n}.txt", std::process::id()));
    fs::File::create(&path)?;
    Ok(path)
}

// ANCHOR: server
/// A server that streams `items` numbered lines: a client sends
/// `from <k>`, and gets `item k`, `item k+1`, ... then `end`.
pub fn start_server(items: u32) -> io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || serve(stream, items));
        }
    });
    Ok(addr)
}

fn serve(stream: TcpStream, items: u32) -> io::Result<()> {
    let mut request = String::new();
    BufReader::new(&stream).read_line(&mut request)?;
    let from: u32 = request
        .trim()
        .strip_prefix("from ")
        .and_then(|k| k.parse().ok())
        .unwrap_or(items);
    let mut out = io::BufWriter::new(&stream);
    for k in from..items {
        writeln!(out, "item {k}")?;
    }
    writeln!(out, "end")?;
    out.flush()
}
// ANCHOR_END: server

// ANCHOR: proxy
/// A proxy in front of `upstream` that cuts every connection once it has
/// passed `cut_after` bytes from the server to the client: it shuts both
/// sockets down, as a dropped link or a restarted load balancer would.
pub fn start_cutting_proxy(upstream: SocketAddr, cut_after: usize) -> io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    thread::spawn(move || {
        for client in listener.incoming().flatten() {
            thread::spawn(move || relay(client, upstream, cut_after));
        }
    });
    Ok(addr)
}

fn relay(client: TcpStream, upstream: SocketAddr, cut_after: usize) -> io::Result<()> {
    let server = TcpStream::connect(upstream)?;
    let (mut client_in, mut server_out) = (client.try_clone()?, server.try_clone()?);
    thread::spawn(move || io::copy(&mut client_in, &mut server_out)); // requests pass untouched
    let mut passed = 0;
    let mut buf = [0u8; 64];
    let mut from_server = &server;
    let mut to_client = &client;
    while passed < cut_after {
        let n = io::Read::read(&mut from_server, &mut buf)?;
        if n == 0 {
            break;
        }
        let n = n.min(cut_after - passed);
        to_client.write_all(&buf[..n])?;
        passed += n;
    }
    let _ = client.shutdown(Shutdown::Both); // the cut
    let _ = server.shutdown(Shutdown::Both);
    Ok(())
}
// ANCHOR_END: proxy

// ANCHOR: clients-once
/// Reads the stream once and trusts end-of-stream: a cut looks like the end.
pub fn fetch_once(addr: SocketAddr) -> io::Result<Vec<u32>> {
    let mut stream = TcpStream::connect(addr)?;
    writeln!(stream, "from 0")?;
    let mut items = Vec::new();
    for line in BufReader::new(stream).lines() {
        if let Some(k) = line?.strip_prefix("item ").and_then(|k| k.parse().ok()) {
            items.push(k);
        }
    }
    Ok(items)
}
// ANCHOR_END: clients-once

// ANCHOR: clients-fetched
/// What a resuming fetch got, and how many connections it took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fetched {
    /// Items received, in order.
    pub items: Vec<u32>,
    /// Connections opened.
    pub connections: u32,
}
// ANCHOR_END: clients-fetched

// ANCHOR: clients-resuming
/// Reads until the server's `end` line, reconnecting after a cut and asking
/// for the items from the first one it does not have yet. A line without its
/// newline was cut short and is not trusted.
pub fn fetch_resuming(addr: SocketAddr, max_connections: u32) -> io::Result<Fetched> {
    let mut items: Vec<u32> = Vec::new();
    for connections in 1..=max_connections {
        let mut stream = TcpStream::connect(addr)?;
        writeln!(stream, "from {}", items.len())?;
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        while reader.read_line(&mut line)? > 0 && line.ends_with('\n') {
            if line == "end\n" {
                return Ok(Fetched { items, connections });
            }
            match line
                .trim_end()
                .strip_prefix("item ")
                .and_then(|k| k.parse::<u32>().ok())
            {
                Some(k) if k as usize == items.len() => items.push(k),
                _ => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("unexpected {line:?}"),
                    ));
                }
            }
            line.clear();
        }
    }
    Err(io::Error::new(
        io::ErrorKind::ConnectionAborted,
        format!("no end after {max_connections} connections"),
    ))
}
// ANCHOR_END: clients-resuming

#[cfg(test)]
mod tests {
    use super::*;

    // A results file left behind by an earlier process with the same id must
    // not leak its lines into a new run (they would count as duplicates).
    #[test]
    fn a_scratch_file_starts_empty_even_over_a_leftover() {
        let first = scratch_file().unwrap();
        let name = first.file_name().unwrap().to_string_lossy().into_owned();
        let (stem, n) = name.trim_end_matches(".txt").rsplit_once('-').unwrap();
        let next = n.parse::<u64>().unwrap() + 1;
        let leftover = first.with_file_name(format!("{stem}-{next}.txt"));
        fs::write(&leftover, "0\n0\n").unwrap();
        let second = scratch_file().unwrap();
        assert_eq!(second, leftover);
        assert_eq!(fs::read_to_string(&second).unwrap(), "");
        fs::remove_file(first).unwrap();
        fs::remove_file(second).unwrap();
    }
}
