//! Amdahl's law, measured: a job of a fixed number of work units, of which a
//! chosen fraction must run on one thread and the rest is shared among
//! workers. The serial part takes the same time whatever the number of
//! workers, so it caps the speed-up; Amdahl's formula says by how much.
#![forbid(unsafe_code)]

use std::ops::Range;
use std::thread;

/// The largest number of workers [`run`] accepts.
pub const MAX_WORKERS: usize = 256;

/// Rounds of arithmetic in one unit of work; chosen so that a unit takes tens
/// of microseconds on a current CPU.
pub const ROUNDS_PER_UNIT: u32 = 10_000;

// ANCHOR: unit
/// One unit of work: a fixed number of rounds of xorshift arithmetic, each
/// round depending on the one before, so the CPU cannot skip or overlap them.
/// The result depends only on `index`, whichever thread computes it.
pub fn unit(index: u64) -> u64 {
    let mut x = index.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    for _ in 0..ROUNDS_PER_UNIT {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x
}
// ANCHOR_END: unit

// ANCHOR: prediction
/// Amdahl's law: the speed-up of a job whose fraction `serial` (0 to 1) runs
/// on one thread while the rest is divided perfectly among `workers`, each on
/// a core of its own.
pub fn amdahl_prediction(serial: f64, workers: usize) -> f64 {
    1.0 / (serial + (1.0 - serial) / workers as f64)
}
// ANCHOR_END: prediction

/// How many of `total` units belong to the serial part: `serial` × `total`,
/// rounded to the nearest unit.
pub fn serial_units(total: u64, serial: f64) -> u64 {
    assert!((0.0..=1.0).contains(&serial), "a fraction is 0 to 1");
    ((total as f64 * serial).round() as u64).min(total)
}

/// The units `worker` (0-based) of `workers` does when `units` are dealt out
/// in contiguous ranges whose sizes differ by at most one.
pub fn share(units: u64, workers: usize, worker: usize) -> Range<u64> {
    let (units, workers) = (units as u128, workers as u128);
    let start = units * worker as u128 / workers;
    let end = units * (worker as u128 + 1) / workers;
    start as u64..end as u64
}

/// What a run did: how many units ran on the serial thread, how many each
/// worker ran, and the wrapping sum of every unit's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tally {
    pub serial_units: u64,
    pub worker_units: Vec<u64>,
    pub checksum: u64,
}

impl Tally {
    /// Every unit done, serial and parallel.
    pub fn units(&self) -> u64 {
        self.serial_units + self.worker_units.iter().sum::<u64>()
    }
}

// ANCHOR: one_thread
/// The whole job on the calling thread: the baseline every speed-up is
/// measured against.
pub fn one_thread(total: u64) -> Tally {
    let checksum = (0..total).fold(0u64, |sum, i| sum.wrapping_add(unit(i)));
    Tally {
        serial_units: total,
        worker_units: Vec::new(),
        checksum,
    }
}
// ANCHOR_END: one_thread

// ANCHOR: run
/// The job with a serial part and a parallel part: first `serial` × `total`
/// units on the calling thread alone, then the rest split evenly among
/// `workers` scoped threads.
pub fn run(total: u64, serial: f64, workers: usize) -> Tally {
    assert!((1..=MAX_WORKERS).contains(&workers));
    let serial_units = serial_units(total, serial);
    let mut checksum = 0u64;
    for i in 0..serial_units {
        checksum = checksum.wrapping_add(unit(i));
    }
    let parallel = total - serial_units;
    let results: Vec<(u64, u64)> = thread::scope(|scope| {
        let crew: Vec<_> = (0..workers)
            .map(|w| {
                let mine = share(parallel, workers, w);
                scope.spawn(move || {
                    let done = mine.end - mine.start;
                    let sum = mine.fold(0u64, |s, i| s.wrapping_add(unit(serial_units + i)));
                    (done, sum)
                })
            })
            .collect();
        crew.into_iter()
            .map(|w| w.join().expect("a worker panicked"))
            .collect()
    });
    Tally {
        serial_units,
        worker_units: results.iter().map(|&(done, _)| done).collect(),
        checksum: results
            .iter()
            .fold(checksum, |sum, &(_, part)| sum.wrapping_add(part)),
    }
}
// ANCHOR_END: run
