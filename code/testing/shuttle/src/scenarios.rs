// This file is compiled twice, inside `real` (with `sync` and `thread` from std) and inside `model` (from
// shuttle): see lib.rs. It must only name `sync::…` and `thread::…`, never `std::sync` directly.
use crate::{Version, OPENING_BALANCE};
use sync::{Arc, Mutex};

// ANCHOR: transfer
/// Two accounts, each behind its own lock.
#[derive(Debug)]
pub struct Bank {
    accounts: [Mutex<i64>; 2],
}

impl Bank {
    /// Two accounts holding [`OPENING_BALANCE`] each.
    pub fn new() -> Self {
        Bank {
            accounts: [Mutex::new(OPENING_BALANCE), Mutex::new(OPENING_BALANCE)],
        }
    }

    /// Moves `amount` from account `from` to account `to` (0 or 1), holding both locks.
    pub fn transfer(&self, from: usize, to: usize, amount: i64, version: Version) {
        let (mut source, mut target) = match version {
            // Broken: lock the source first. Two opposite transfers each hold one lock and wait
            // for the other's: a deadlock.
            Version::Broken => {
                let source = self.accounts[from].lock().unwrap();
                let target = self.accounts[to].lock().unwrap();
                (source, target)
            }
            // Fixed: every thread locks the lower-numbered account first, so no cycle of waits can form.
            Version::Fixed => {
                let low = self.accounts[from.min(to)].lock().unwrap();
                let high = self.accounts[from.max(to)].lock().unwrap();
                if from < to { (low, high) } else { (high, low) }
            }
        };
        *source -= amount;
        *target += amount;
    }
}
// ANCHOR_END: transfer

impl Bank {
    /// The two balances, read one lock at a time (call it when no transfer is running).
    pub fn balances(&self) -> [i64; 2] {
        [
            *self.accounts[0].lock().unwrap(),
            *self.accounts[1].lock().unwrap(),
        ]
    }
}

impl Default for Bank {
    fn default() -> Self {
        Bank::new()
    }
}

// ANCHOR: transfers
/// Two threads transfer in opposite directions, `rounds` times each: one moves 1 from account 0 to
/// account 1, the other moves 2 from account 1 to account 0. Returns the final balances, which must be
/// `[OPENING_BALANCE + rounds, OPENING_BALANCE - rounds]`. With [`Version::Broken`] this may never return.
pub fn transfers(version: Version, rounds: usize) -> [i64; 2] {
    let bank = Arc::new(Bank::new());
    let directions = [(0, 1, 1), (1, 0, 2)];
    let workers: Vec<_> = directions
        .into_iter()
        .map(|(from, to, amount)| {
            let bank = Arc::clone(&bank);
            thread::spawn(move || {
                for _ in 0..rounds {
                    bank.transfer(from, to, amount, version);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    bank.balances()
}
// ANCHOR_END: transfers

// ANCHOR: increment
/// Adds one to the counter. Broken: reads under the lock, releases it, then writes under the lock
/// again, so another thread's increment can land in the gap and be overwritten.
pub fn increment(counter: &Mutex<u64>, version: Version) {
    match version {
        Version::Broken => {
            let seen = *counter.lock().unwrap();
            *counter.lock().unwrap() = seen + 1;
        }
        Version::Fixed => *counter.lock().unwrap() += 1,
    }
}

/// `threads` threads each call [`increment`] `increments` times; returns the final count, which should be
/// `threads * increments`. With [`Version::Broken`] it can be less (never more).
pub fn count(version: Version, threads: usize, increments: usize) -> u64 {
    let counter = Arc::new(Mutex::new(0));
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..increments {
                    increment(&counter, version);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    *counter.lock().unwrap()
}
// ANCHOR_END: increment

// ANCHOR: early-flag
/// How far a table has been filled, and whether it has been announced as ready.
#[derive(Debug, Default)]
pub struct Fill {
    /// Entries written so far.
    pub filled: usize,
    /// Whether readers may use the table.
    pub ready: bool,
}

/// A filler thread writes `entries` entries, one per critical section so that readers are never held up
/// for long, and raises `ready` when the table is complete. Broken: it raises `ready` one entry early.
/// Meanwhile this thread looks once; returns how many entries it saw if it saw `ready`.
pub fn fill_and_peek(version: Version, entries: usize) -> Option<usize> {
    let announce_at = match version {
        Version::Broken => entries - 1,
        Version::Fixed => entries,
    };
    let table = Arc::new(Mutex::new(Fill::default()));
    let filler = {
        let table = Arc::clone(&table);
        thread::spawn(move || {
            for _ in 0..entries {
                let mut fill = table.lock().unwrap();
                fill.filled += 1;
                if fill.filled == announce_at {
                    fill.ready = true;
                }
            }
        })
    };
    let seen = {
        let fill = table.lock().unwrap();
        fill.ready.then_some(fill.filled)
    };
    filler.join().unwrap();
    seen
}
// ANCHOR_END: early-flag
