//! The Introduction's building search, written with rayon. The room test, the
//! building and the hand-made searchers all come from `intro-building-search`;
//! this crate adds only the ways rayon searches: one call to `find_any` on a
//! parallel range, and a recursive split with `rayon::join`, the same shape as
//! the Introduction's split at each fork with rayon's pool doing the forking.
#![forbid(unsafe_code)]

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

pub use intro_building_search::{
    CHUNK, HEAVY, door_code, fixed_pool, is_marked, is_marked_uneven, sequential,
    split_at_each_fork,
};

// ANCHOR: find_any
/// Searches rooms `0..rooms` in parallel and returns a room `check` accepts,
/// if there is one. rayon splits the range among its threads, and every
/// thread stops soon after any of them finds a match. If several rooms
/// match, any of them may come back.
pub fn find_any(rooms: u64, check: impl Fn(u64) -> bool + Sync) -> Option<u64> {
    (0..rooms).into_par_iter().find_any(|&room| check(room))
}
// ANCHOR_END: find_any

// ANCHOR: find_any_chunked
/// [`find_any`] with tasks of at most CHUNK rooms. `with_max_len` needs an
/// indexed iterator, which a range of `usize` is and a range of `u64` is
/// not, hence the conversions. Small tasks let an idle thread take over
/// part of the slow quarter of an uneven building.
pub fn find_any_chunked(rooms: u64, check: impl Fn(u64) -> bool + Sync) -> Option<u64> {
    let rooms = usize::try_from(rooms).expect("a building fits in memory's index range");
    (0..rooms)
        .into_par_iter()
        .with_max_len(CHUNK as usize)
        .find_any(|&room| check(room as u64))
        .map(|room| room as u64)
}
// ANCHOR_END: find_any_chunked

// ANCHOR: join
/// The Introduction's split at each fork, with `rayon::join` instead of a
/// thread per fork: split the corridor in two until a piece is CHUNK rooms,
/// and let rayon decide which halves another thread steals.
pub fn split_with_join(rooms: u64, check: impl Fn(u64) -> bool + Sync) -> Option<u64> {
    let found = AtomicBool::new(false);
    search_half(0..rooms, &found, &check)
}

fn search_half(
    rooms: Range<u64>,
    found: &AtomicBool,
    check: &(impl Fn(u64) -> bool + Sync),
) -> Option<u64> {
    if found.load(Ordering::Relaxed) {
        return None;
    }
    if rooms.end - rooms.start <= CHUNK {
        let room = rooms.into_iter().find(|&room| check(room));
        if room.is_some() {
            found.store(true, Ordering::Relaxed);
        }
        return room;
    }
    let middle = rooms.start + (rooms.end - rooms.start) / 2;
    let (left, right) = rayon::join(
        || search_half(rooms.start..middle, found, check),
        || search_half(middle..rooms.end, found, check),
    );
    left.or(right)
}
// ANCHOR_END: join

// ANCHOR: pool
/// A rayon pool of exactly `workers` threads. The searches above run on
/// whichever pool calls them: `pool.install(|| find_any(..))` runs it on this
/// one, and a call from outside any pool runs on the global pool, which has
/// one thread per core.
pub fn pool(workers: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .expect("the operating system refused to start the pool's threads")
}
// ANCHOR_END: pool

/// A lucky room's door code is below `u64::MAX >> LUCKY_SHIFT`: about one
/// room in two million is lucky, so the default building has about ten.
pub const LUCKY_SHIFT: u32 = 21;

// ANCHOR: first_or_any
/// A room is "lucky" when its door code is below `threshold`: about
/// `rooms * threshold / 2^64` rooms of a building are, spread at random.
pub fn is_lucky(room: u64, threshold: u64) -> bool {
    door_code(room) < threshold
}

/// The lowest-numbered lucky room: the same answer as a sequential search,
/// found in parallel. Work to the right of a find is abandoned; work to its
/// left must go on, in case an earlier room is lucky too.
pub fn first_lucky(rooms: u64, threshold: u64) -> Option<u64> {
    (0..rooms)
        .into_par_iter()
        .find_first(|&room| is_lucky(room, threshold))
}

/// Any lucky room: whichever thread finds one first wins, and everyone
/// stops.
pub fn any_lucky(rooms: u64, threshold: u64) -> Option<u64> {
    (0..rooms)
        .into_par_iter()
        .find_any(|&room| is_lucky(room, threshold))
}
// ANCHOR_END: first_or_any

/// Every way this crate and the Introduction's search a building, by the
/// names the CLI and the benches use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    Sequential,
    SplitAtEachFork,
    FixedPool,
    RayonFindAny,
    RayonFindAnyChunked,
    RayonJoin,
}

impl Strategy {
    pub const ALL: [Strategy; 6] = [
        Strategy::Sequential,
        Strategy::SplitAtEachFork,
        Strategy::FixedPool,
        Strategy::RayonFindAny,
        Strategy::RayonFindAnyChunked,
        Strategy::RayonJoin,
    ];

    /// The name used in tables and as a bench id.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Sequential => "sequential",
            Strategy::SplitAtEachFork => "split-at-each-fork",
            Strategy::FixedPool => "fixed-pool",
            Strategy::RayonFindAny => "rayon-find-any",
            Strategy::RayonFindAnyChunked => "rayon-find-any-chunked",
            Strategy::RayonJoin => "rayon-join",
        }
    }

    /// Searches `0..rooms` with `check`. The Introduction's searchers start
    /// `workers` threads of their own; rayon's run on `pool`, which should
    /// have `workers` threads. `Sequential` uses neither.
    pub fn search(
        self,
        rooms: u64,
        workers: usize,
        pool: &rayon::ThreadPool,
        check: impl Fn(u64) -> bool + Sync,
    ) -> Option<u64> {
        match self {
            Strategy::Sequential => sequential(rooms, check),
            Strategy::SplitAtEachFork => split_at_each_fork(rooms, workers, check),
            Strategy::FixedPool => fixed_pool(rooms, workers, check),
            Strategy::RayonFindAny => pool.install(|| find_any(rooms, &check)),
            Strategy::RayonFindAnyChunked => pool.install(|| find_any_chunked(rooms, &check)),
            Strategy::RayonJoin => pool.install(|| split_with_join(rooms, &check)),
        }
    }
}
