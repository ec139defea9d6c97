//! Building search: one room among millions is marked, and checking a room
//! costs real CPU work. Three ways to search: one searcher walking every
//! corridor (`sequential`), searchers that split the remaining corridor in two
//! at each fork until there are enough of them (`split_at_each_fork`), and a
//! fixed crew that keeps taking the next block of rooms from a shared counter
//! (`fixed_pool`). All of them stop as soon as one searcher finds the room.
#![forbid(unsafe_code)]

use std::hint::black_box;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::{self, Scope};

/// The largest building the searches accept. It keeps every room number, and
/// the shared cursor of [`fixed_pool`] even after it runs past the last room,
/// far from `u64::MAX`.
pub const MAX_ROOMS: u64 = 1 << 48;

/// How many rooms a searcher takes at a time: the block size of
/// [`fixed_pool`], and how often every searcher looks up to see whether
/// someone else has already found the room.
pub const CHUNK: u64 = 4_096;

/// How many times the mixing step runs to make one room's door code.
pub const MIX_ROUNDS: u32 = 6;

// ANCHOR: door_code
/// The code painted on a room's door: a few rounds of a 64-bit mixing
/// function of the room number. Each round is a bijection on `u64`, so two
/// rooms never share a code, and the only way to find the room with a given
/// code is to compute codes until one matches: pure CPU work, no memory.
///
/// One round is one step of the SplitMix64 generator (Steele, Lea and Flood,
/// "Fast splittable pseudorandom number generators", OOPSLA 2014) applied to
/// the room number: add its increment, then mix with its output function. The
/// three constants are the ones Sebastiano Vigna's `splitmix64.c` uses.
pub fn door_code(room: u64) -> u64 {
    let mut x = room;
    for _ in 0..MIX_ROUNDS {
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        x ^= x >> 31;
    }
    x
}

/// The test every strategy applies to a room: is this the marked one?
pub fn is_marked(room: u64, target_code: u64) -> bool {
    door_code(room) == target_code
}
// ANCHOR_END: door_code

// ANCHOR: uneven
/// How many times as long a room in the slow part of an uneven building
/// takes to check as any other room.
pub const HEAVY: u32 = 7;

/// The test of an uneven building of `rooms` rooms: the first quarter of its
/// rooms are full of filing cabinets, and each takes HEAVY times as long to
/// check. The answer is the one [`is_marked`] gives; only the cost differs.
pub fn is_marked_uneven(room: u64, target_code: u64, rooms: u64) -> bool {
    let looks = if room < rooms / 4 { HEAVY } else { 1 };
    // black_box keeps the optimiser from computing the code only once.
    (0..looks).fold(false, |marked, _| {
        marked | is_marked(black_box(room), target_code)
    })
}
// ANCHOR_END: uneven

// ANCHOR: sequential
/// One searcher checks rooms `0..rooms` in order and stops at the first
/// room for which `check` says yes.
pub fn sequential(rooms: u64, check: impl Fn(u64) -> bool) -> Option<u64> {
    (0..rooms).find(|&room| check(room))
}
// ANCHOR_END: sequential

// ANCHOR: scan
/// Checks `rooms` in order, CHUNK at a time, and gives up between chunks once
/// `found` says another searcher has succeeded. The searcher that succeeds
/// raises the flag.
fn scan(rooms: Range<u64>, found: &AtomicBool, check: &impl Fn(u64) -> bool) -> Option<u64> {
    let mut start = rooms.start;
    while start < rooms.end {
        if found.load(Ordering::Relaxed) {
            return None;
        }
        let end = rooms.end.min(start.saturating_add(CHUNK));
        if let Some(room) = (start..end).find(|&room| check(room)) {
            found.store(true, Ordering::Relaxed);
            return Some(room);
        }
        start = end;
    }
    None
}
// ANCHOR_END: scan

// ANCHOR: split_at_each_fork
/// At each fork in the corridor the searcher sends a new searcher down one
/// branch and walks the other itself, until `workers` searchers exist. Each
/// branch gets a share of the rooms proportional to the searchers it will
/// hold, so counts that are not powers of two stay balanced. If `check`
/// accepts several rooms, any of them may come back.
pub fn split_at_each_fork(
    rooms: u64,
    workers: usize,
    check: impl Fn(u64) -> bool + Sync,
) -> Option<u64> {
    assert!(rooms <= MAX_ROOMS && workers >= 1);
    let found = AtomicBool::new(false);
    thread::scope(|scope| fork(scope, 0..rooms, workers, &found, &check))
}

fn fork<'scope, F>(
    scope: &'scope Scope<'scope, '_>,
    rooms: Range<u64>,
    searchers: usize,
    found: &'scope AtomicBool,
    check: &'scope F,
) -> Option<u64>
where
    F: Fn(u64) -> bool + Sync,
{
    if searchers == 1 {
        return scan(rooms, found, check);
    }
    let mine = searchers / 2;
    let theirs = searchers - mine;
    let len = rooms.end - rooms.start;
    let middle = rooms.start + (u128::from(len) * mine as u128 / searchers as u128) as u64;
    let other = scope.spawn(move || fork(scope, middle..rooms.end, theirs, found, check));
    let here = fork(scope, rooms.start..middle, mine, found, check);
    let there = other.join().expect("a searcher panicked");
    here.or(there)
}
// ANCHOR_END: split_at_each_fork

// ANCHOR: fixed_pool
/// Exactly `workers` searchers; each one repeatedly takes the next `chunk`
/// rooms from a shared cursor until the building is exhausted or someone has
/// found the room. If `check` accepts several rooms, any of them may come
/// back; with door codes only one room can match.
pub fn fixed_pool_with_chunk(
    rooms: u64,
    workers: usize,
    chunk: u64,
    check: impl Fn(u64) -> bool + Sync,
) -> Option<u64> {
    assert!(rooms <= MAX_ROOMS && workers >= 1 && (1..=MAX_ROOMS).contains(&chunk));
    let cursor = AtomicU64::new(0);
    let found = AtomicBool::new(false);
    let searcher = || {
        while !found.load(Ordering::Relaxed) {
            let start = cursor.fetch_add(chunk, Ordering::Relaxed);
            if start >= rooms {
                break;
            }
            let end = rooms.min(start + chunk);
            if let Some(room) = (start..end).find(|&room| check(room)) {
                found.store(true, Ordering::Relaxed);
                return Some(room);
            }
        }
        None
    };
    thread::scope(|scope| {
        let crew: Vec<_> = (0..workers).map(|_| scope.spawn(searcher)).collect();
        // Each searcher's answer comes back when it is joined.
        let finds = crew
            .into_iter()
            .filter_map(|s| s.join().expect("a searcher panicked"));
        finds.min()
    })
}
// ANCHOR_END: fixed_pool

/// [`fixed_pool_with_chunk`] with the book's block size, [`CHUNK`] rooms.
pub fn fixed_pool(rooms: u64, workers: usize, check: impl Fn(u64) -> bool + Sync) -> Option<u64> {
    fixed_pool_with_chunk(rooms, workers, CHUNK, check)
}

/// The three ways to search, by the names the CLI and the benches use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    Sequential,
    SplitAtEachFork,
    FixedPool,
}

impl Strategy {
    pub const ALL: [Strategy; 3] = [
        Strategy::Sequential,
        Strategy::SplitAtEachFork,
        Strategy::FixedPool,
    ];

    /// The name used in tables, on the command line and as a bench id.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Sequential => "sequential",
            Strategy::SplitAtEachFork => "split-at-each-fork",
            Strategy::FixedPool => "fixed-pool",
        }
    }

    /// Searches `0..rooms` for the room whose door carries `target_code`.
    /// `Sequential` ignores `workers`.
    pub fn search(self, rooms: u64, workers: usize, target_code: u64) -> Option<u64> {
        let check = |room| is_marked(room, target_code);
        match self {
            Strategy::Sequential => sequential(rooms, check),
            Strategy::SplitAtEachFork => split_at_each_fork(rooms, workers, check),
            Strategy::FixedPool => fixed_pool(rooms, workers, check),
        }
    }
}
