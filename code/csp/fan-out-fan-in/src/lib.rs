//! Fan-out, fan-in: the Introduction's password crack, with the shared atomic
//! cursor replaced by channels. A dispatcher (the calling thread) cuts the
//! candidates into blocks and sends them over one job channel to a pool of
//! workers (fan-out); every worker sends a report per block back over one
//! result channel (fan-in). Nothing is shared but the two channels: the
//! dispatcher alone decides what is handed out and when to stop.
//!
//! The candidates and the hash are the Introduction's own
//! ([`intro_crypto_crack`]), so the two versions do exactly the same hashing
//! and differ only in how the work is handed out.
#![forbid(unsafe_code)]

use std::ops::Range;
use std::thread;

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};
use intro_crypto_crack::write_candidate;
pub use intro_crypto_crack::{
    Digest, MAX_LENGTH, Outcome, candidate, candidates, crack as crack_atomic_cursor,
    crack_sequential, sha256,
};

/// The block size the Introduction's threads take from their shared cursor,
/// and the default here: 1,024 hashes per message.
pub const DEFAULT_BLOCK: u64 = intro_crypto_crack::CHUNK;

/// Blocks handed out per worker and not yet reported: one being hashed and
/// one waiting in the job channel, so no worker waits for the dispatcher.
pub const BLOCKS_PER_WORKER: usize = 2;

// ANCHOR: messages
/// What a worker tells the dispatcher after each block it hashed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Report {
    /// The block held the password: candidate number `index`.
    Found { index: u64 },
    /// The block is done and did not hold it.
    Done,
    /// The worker panicked: the block in its hands will never be reported.
    Lost,
}

/// Sends [`Report::Lost`] when dropped during a panic. Each worker holds one,
/// so a worker that dies still tells the dispatcher, which would otherwise
/// wait for that block's report forever.
struct LostOnPanic(Sender<Report>);

impl Drop for LostOnPanic {
    fn drop(&mut self) {
        if thread::panicking() {
            let _ = self.0.send(Report::Lost); // nobody listening: already over
        }
    }
}
// ANCHOR_END: messages

// ANCHOR: worker
/// One worker: takes blocks of candidate numbers from `jobs` until the job
/// channel is closed and empty, hashes each block, and reports on `reports`.
/// It stops early when a report cannot be sent, because the dispatcher has
/// stopped listening. Returns how many hashes it computed.
fn worker<H: Fn(&[u8]) -> Digest>(
    target: &Digest,
    length: usize,
    hash: &H,
    jobs: Receiver<Range<u64>>,
    reports: Sender<Report>,
) -> u64 {
    let _lost_on_panic = LostOnPanic(reports.clone());
    let mut guess = vec![0; length];
    let mut tried = 0;
    for block in jobs {
        let mut report = Report::Done;
        for index in block {
            write_candidate(index, &mut guess);
            tried += 1;
            if hash(&guess) == *target {
                report = Report::Found { index };
                break;
            }
        }
        if reports.send(report).is_err() {
            break; // the dispatcher has its answer and hung up
        }
    }
    tried
}
// ANCHOR_END: worker

/// What the channel pool found, with the bookkeeping the tests check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolOutcome {
    /// The password, if one of the candidates has the target digest.
    pub password: Option<String>,
    /// Hashes computed by all workers together.
    pub tried: u64,
    /// Blocks the dispatcher sent into the job channel.
    pub blocks_sent: u64,
    /// Reports the dispatcher received before it stopped listening.
    pub reports_received: u64,
    /// Hashes computed by each worker, in spawn order; one entry per worker,
    /// each taken from that worker's `join`.
    pub per_worker: Vec<u64>,
}

/// A worker panicked. Its block was never searched to the end, so no answer,
/// not even "the password is not there", can be trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkerPanicked {
    /// How many workers' `join` returned `Err`.
    pub workers: usize,
}

impl std::fmt::Display for WorkerPanicked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} worker(s) panicked; the search is incomplete",
            self.workers
        )
    }
}

impl std::error::Error for WorkerPanicked {}

/// Joins every worker and adds up their hash counts, or reports how many of
/// them panicked.
fn join_all(crew: Vec<thread::ScopedJoinHandle<'_, u64>>) -> Result<Vec<u64>, WorkerPanicked> {
    let joined: Vec<thread::Result<u64>> = crew.into_iter().map(|w| w.join()).collect();
    let panicked = joined.iter().filter(|result| result.is_err()).count();
    if panicked > 0 {
        return Err(WorkerPanicked { workers: panicked });
    }
    Ok(joined
        .into_iter()
        .map(|result| result.unwrap_or(0))
        .collect())
}

impl PoolOutcome {
    /// The same search result in the Introduction's shape.
    pub fn outcome(&self) -> Outcome {
        Outcome {
            password: self.password.clone(),
            tried: self.tried,
        }
    }
}

// ANCHOR: pool-spawn
/// Cracks `target` among the passwords of `length` letters with `workers`
/// threads fed over a job channel in blocks of `block` candidates.
pub fn crack_pool(
    target: &Digest,
    length: usize,
    workers: usize,
    block: u64,
) -> Result<PoolOutcome, WorkerPanicked> {
    crack_pool_with(target, length, workers, block, &sha256)
}

/// [`crack_pool`] with the hash function as a parameter, so that a test can
/// hand it one that panics.
pub fn crack_pool_with<H: Fn(&[u8]) -> Digest + Sync>(
    target: &Digest,
    length: usize,
    workers: usize,
    block: u64,
    hash: &H,
) -> Result<PoolOutcome, WorkerPanicked> {
    assert!(length <= MAX_LENGTH && workers >= 1 && block >= 1);
    let total = candidates(length);
    let depth = BLOCKS_PER_WORKER * workers;
    let (job_sender, job_receiver) = bounded::<Range<u64>>(depth);
    let (report_sender, report_receiver) = unbounded::<Report>();

    thread::scope(|scope| {
        // Fan-out: every worker gets a clone of the job receiver and of the
        // report sender. The originals are dropped, so the workers hold the
        // only report senders and the dispatcher the only job sender.
        let crew: Vec<_> = (0..workers)
            .map(|_| {
                let jobs = job_receiver.clone();
                let reports = report_sender.clone();
                scope.spawn(move || worker(target, length, hash, jobs, reports))
            })
            .collect();
        drop((job_receiver, report_sender));
        // ANCHOR_END: pool-spawn

        // ANCHOR: pool-dispatch
        // The dispatcher keeps `depth` blocks out at a time and sends a new
        // one for each report that comes back, so the job channel never
        // fills and a send never waits.
        let mut blocks = (0..total)
            .step_by(block as usize)
            .map(|start| start..total.min(start + block));
        let (mut out, mut blocks_sent, mut reports_received) = (0, 0, 0);
        for range in blocks.by_ref().take(depth) {
            if job_sender.send(range).is_err() {
                break; // every worker is gone: `join` below says why
            }
            out += 1;
            blocks_sent += 1;
        }
        // Fan-in: one report per block, from whichever worker finished it.
        let mut found = None;
        while out > 0 {
            let Ok(report) = report_receiver.recv() else {
                break; // every worker is gone: `join` below says why
            };
            out -= 1;
            reports_received += 1;
            match report {
                Report::Found { index } => {
                    found = Some(index);
                    break; // stop sending: the search is over
                }
                Report::Lost => break, // `join` below turns this into an `Err`
                Report::Done => {}
            }
            if let Some(range) = blocks.next() {
                if job_sender.send(range).is_err() {
                    break;
                }
                out += 1;
                blocks_sent += 1;
            }
        }
        // ANCHOR_END: pool-dispatch
        // ANCHOR: pool-stop
        // Closing both channels stops the workers. Blocks still queued are
        // not lost: a worker that asks gets one, hashes it, finds nobody to
        // report to, and returns. A worker with an empty queue sees the job
        // channel end. Then every worker is joined.
        drop((job_sender, report_receiver));
        let per_worker = join_all(crew)?;
        Ok(PoolOutcome {
            password: found.map(|index| candidate(index, length)),
            tried: per_worker.iter().sum(),
            blocks_sent,
            reports_received,
            per_worker,
        })
    })
}
// ANCHOR_END: pool-stop

// ANCHOR: finder
/// A worker for the prefilled queue: takes blocks until the queue is empty,
/// and speaks only when it finds the password. Returns its hash count.
fn finder<H: Fn(&[u8]) -> Digest>(
    target: &Digest,
    length: usize,
    hash: &H,
    jobs: Receiver<Range<u64>>,
    found: Sender<u64>,
) -> u64 {
    let mut guess = vec![0; length];
    let mut tried = 0;
    for block in jobs {
        for index in block {
            write_candidate(index, &mut guess);
            tried += 1;
            if hash(&guess) == *target {
                let _ = found.send(index); // nobody listening means it is over
                return tried;
            }
        }
    }
    tried
}
// ANCHOR_END: finder

// ANCHOR: prefilled-fill
/// Cracks `target` with `workers` threads that pull blocks from a job queue
/// filled before they start. No dispatcher runs during the search: the
/// calling thread waits for one message, a find, or for the found channel to
/// close when every worker has run out of blocks.
pub fn crack_prefilled(
    target: &Digest,
    length: usize,
    workers: usize,
    block: u64,
) -> Result<PoolOutcome, WorkerPanicked> {
    crack_prefilled_with(target, length, workers, block, &sha256)
}

/// [`crack_prefilled`] with the hash function as a parameter, for tests.
pub fn crack_prefilled_with<H: Fn(&[u8]) -> Digest + Sync>(
    target: &Digest,
    length: usize,
    workers: usize,
    block: u64,
    hash: &H,
) -> Result<PoolOutcome, WorkerPanicked> {
    assert!(length <= MAX_LENGTH && workers >= 1 && block >= 1);
    let total = candidates(length);
    let (job_sender, job_receiver) = unbounded::<Range<u64>>();
    let mut blocks_sent = 0;
    for start in (0..total).step_by(block as usize) {
        job_sender
            .send(start..total.min(start + block))
            .expect("we hold the receiver");
        blocks_sent += 1;
    }
    drop(job_sender); // the queue is complete: an empty queue now means "done"
    let (found_sender, found_receiver) = bounded::<u64>(workers);
    // ANCHOR_END: prefilled-fill

    // ANCHOR: prefilled-search
    thread::scope(|scope| {
        let crew: Vec<_> = (0..workers)
            .map(|_| {
                let jobs = job_receiver.clone();
                let found = found_sender.clone();
                scope.spawn(move || finder(target, length, hash, jobs, found))
            })
            .collect();
        drop(found_sender);

        // Blocks until a worker finds it, or until every worker has returned
        // and dropped its sender: then `recv` fails and there is no password.
        let found = found_receiver.recv().ok();
        if found.is_some() {
            // Cancel by emptying the queue: each worker finishes the block in
            // its hands, finds nothing left, and its loop ends.
            for _ in job_receiver.try_iter() {}
        }
        let per_worker = join_all(crew)?;
        Ok(PoolOutcome {
            password: found.map(|index| candidate(index, length)),
            tried: per_worker.iter().sum(),
            blocks_sent,
            reports_received: u64::from(found.is_some()),
            per_worker,
        })
    })
}
// ANCHOR_END: prefilled-search

/// The number of blocks of `block` candidates needed to cover `total`.
pub fn blocks_for(total: u64, block: u64) -> u64 {
    total.div_ceil(block)
}
