//! Properties every strategy must have, whatever the number of searchers and
//! however the threads happen to be scheduled.

use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;

use intro_building_search::{
    CHUNK, Strategy, door_code, fixed_pool, fixed_pool_with_chunk, is_marked, is_marked_uneven,
    sequential, split_at_each_fork,
};

/// A prime, so that no worker count from 2 to 8 and no chunk size divides it.
const ROOMS: u64 = 3 * CHUNK + 1_009;

/// Rooms worth testing in a building of `rooms`: both ends, the middle,
/// chunk edges and a spread of pseudo-random ones.
fn interesting_rooms(rooms: u64) -> Vec<u64> {
    let mut marked = vec![0, 1, rooms / 2, rooms - 2, rooms - 1];
    marked.extend(
        [CHUNK - 1, CHUNK, CHUNK + 1]
            .into_iter()
            .filter(|&r| r < rooms),
    );
    let mut x = 12_345_u64;
    for _ in 0..8 {
        x = door_code(x);
        marked.push(x % rooms);
    }
    marked
}

#[test]
fn door_codes_are_distinct() {
    let mut codes: Vec<u64> = (0..100_000).map(door_code).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), 100_000);
}

#[test]
fn sequential_finds_exactly_the_marked_room() {
    for marked in interesting_rooms(ROOMS) {
        let target = door_code(marked);
        assert_eq!(
            sequential(ROOMS, |room| is_marked(room, target)),
            Some(marked)
        );
    }
}

#[test]
fn every_strategy_finds_the_same_room_as_sequential() {
    for marked in interesting_rooms(ROOMS) {
        let target = door_code(marked);
        let expected = Strategy::Sequential.search(ROOMS, 1, target);
        for workers in 1..=8 {
            for strategy in Strategy::ALL {
                let found = strategy.search(ROOMS, workers, target);
                assert_eq!(
                    found,
                    expected,
                    "{} with {workers} workers",
                    strategy.name()
                );
            }
        }
    }
}

#[test]
fn small_buildings_and_more_searchers_than_rooms() {
    for rooms in [1, 2, 3, 7] {
        for marked in 0..rooms {
            let target = door_code(marked);
            for workers in [1, 2, 3, 8, 16] {
                for strategy in Strategy::ALL {
                    let found = strategy.search(rooms, workers, target);
                    assert_eq!(found, Some(marked), "{} rooms, {workers} workers", rooms);
                }
            }
        }
    }
}

#[test]
fn no_room_is_found_when_no_door_matches() {
    // door_code is a bijection, so the code of a room outside the building
    // belongs to no room inside it.
    let target = door_code(ROOMS);
    for workers in 1..=8 {
        for strategy in Strategy::ALL {
            assert_eq!(
                strategy.search(ROOMS, workers, target),
                None,
                "{}",
                strategy.name()
            );
        }
    }
}

/// A check as the strategies receive it, and a search run with one.
type Check<'a> = &'a (dyn Fn(u64) -> bool + Sync);
type Search<'a> = &'a dyn Fn(Check) -> Option<u64>;

/// Runs `search` with a check that counts how often each room is checked.
fn visits(
    rooms: u64,
    marked: Option<u64>,
    search: impl Fn(Check) -> Option<u64>,
) -> (Option<u64>, Vec<u32>) {
    let counts: Vec<AtomicU32> = (0..rooms).map(|_| AtomicU32::new(0)).collect();
    let check = |room: u64| {
        counts[room as usize].fetch_add(1, Ordering::Relaxed);
        Some(room) == marked
    };
    let found = search(&check);
    (
        found,
        counts.into_iter().map(AtomicU32::into_inner).collect(),
    )
}

#[test]
fn without_a_marked_room_every_room_is_checked_exactly_once() {
    for workers in 1..=8 {
        let (found, counts) = visits(ROOMS, None, |check| {
            split_at_each_fork(ROOMS, workers, check)
        });
        assert_eq!(found, None);
        assert!(
            counts.iter().all(|&c| c == 1),
            "split-at-each-fork, {workers} workers"
        );
        for chunk in [1, 7, CHUNK, ROOMS, 2 * ROOMS] {
            let (found, counts) = visits(ROOMS, None, |check| {
                fixed_pool_with_chunk(ROOMS, workers, chunk, check)
            });
            assert_eq!(found, None);
            assert!(
                counts.iter().all(|&c| c == 1),
                "fixed-pool, {workers} workers, chunk {chunk}"
            );
        }
    }
}

#[test]
fn with_a_marked_room_no_room_is_checked_twice_and_the_marked_one_is_checked() {
    for marked in interesting_rooms(ROOMS) {
        for workers in 1..=8 {
            let searches: [(&str, Search); 3] = [
                ("sequential", &|check| sequential(ROOMS, check)),
                ("split-at-each-fork", &|check| {
                    split_at_each_fork(ROOMS, workers, check)
                }),
                ("fixed-pool", &|check| fixed_pool(ROOMS, workers, check)),
            ];
            for (name, search) in searches {
                let (found, counts) = visits(ROOMS, Some(marked), search);
                assert_eq!(found, Some(marked), "{name}, {workers} workers");
                assert!(counts.iter().all(|&c| c <= 1), "{name}, {workers} workers");
                assert_eq!(counts[marked as usize], 1, "{name}, {workers} workers");
            }
        }
    }
}

#[test]
fn sequential_stops_at_the_marked_room() {
    for marked in interesting_rooms(ROOMS) {
        let (_, counts) = visits(ROOMS, Some(marked), |check| sequential(ROOMS, check));
        let checked: u64 = counts.iter().map(|&c| u64::from(c)).sum();
        assert_eq!(checked, marked + 1);
    }
}

#[test]
fn searchers_stop_once_the_room_is_found() {
    // 2^48 rooms would take weeks to walk; these searches return only because
    // every searcher gives up once it sees that room 0 has been found.
    let rooms = intro_building_search::MAX_ROOMS;
    let target = door_code(0);
    for workers in 1..=8 {
        assert_eq!(
            split_at_each_fork(rooms, workers, |room| is_marked(room, target)),
            Some(0)
        );
        assert_eq!(
            fixed_pool(rooms, workers, |room| is_marked(room, target)),
            Some(0)
        );
    }
}

#[test]
fn the_uneven_building_has_the_same_answers_at_a_different_cost() {
    let target = door_code(ROOMS / 8); // a room in the slow quarter
    for room in 0..ROOMS {
        assert_eq!(
            is_marked_uneven(room, target, ROOMS),
            is_marked(room, target),
            "room {room}"
        );
    }
    for marked in interesting_rooms(ROOMS) {
        let target = door_code(marked);
        let check = |room| is_marked_uneven(room, target, ROOMS);
        for workers in [1, 2, 3, 8] {
            assert_eq!(split_at_each_fork(ROOMS, workers, check), Some(marked));
            assert_eq!(fixed_pool(ROOMS, workers, check), Some(marked));
        }
    }
}

#[test]
fn door_codes_are_six_rounds_of_splitmix64() {
    // One SplitMix64 step, written out from the reference: from state 0 its
    // first output is 0xe220a8397b1dcdaf (Vigna's splitmix64.c).
    fn round(x: u64) -> u64 {
        let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    assert_eq!(round(0), 0xe220_a839_7b1d_cdaf);
    for room in [0, 1, 2, 1_234, ROOMS, intro_building_search::MAX_ROOMS - 1] {
        let expected = (0..intro_building_search::MIX_ROUNDS).fold(room, |x, _| round(x));
        assert_eq!(door_code(room), expected, "room {room}");
    }
}

#[test]
fn strategies_have_the_names_the_cli_and_benches_use() {
    let names: Vec<&str> = Strategy::ALL.iter().map(|s| s.name()).collect();
    assert_eq!(names, ["sequential", "split-at-each-fork", "fixed-pool"]);
}

#[test]
fn split_at_each_fork_gives_every_searcher_an_equal_share() {
    use std::collections::HashMap;
    use std::sync::Mutex;
    for workers in 1..=8 {
        let by_thread: Mutex<HashMap<thread::ThreadId, u64>> = Mutex::new(HashMap::new());
        let found = split_at_each_fork(ROOMS, workers, |_| {
            *by_thread
                .lock()
                .unwrap()
                .entry(thread::current().id())
                .or_default() += 1;
            false
        });
        assert_eq!(found, None);
        let shares: Vec<u64> = by_thread.into_inner().unwrap().into_values().collect();
        assert_eq!(shares.len(), workers, "one share per searcher: {shares:?}");
        assert_eq!(shares.iter().sum::<u64>(), ROOMS);
        let (least, most) = (shares.iter().min().unwrap(), shares.iter().max().unwrap());
        // Rounding at each fork can move a room or so per level.
        assert!(most - least <= 4, "{workers} workers: {shares:?}");
    }
}

#[test]
fn the_fixed_pool_crew_takes_blocks_while_one_searcher_is_busy() {
    use std::sync::atomic::AtomicBool;
    use std::time::{Duration, Instant};
    // Room 0's check waits until some other searcher has checked a room: the
    // other searcher must be able to take the next block meanwhile.
    for chunk in [1, 7, CHUNK] {
        let other_checked = AtomicBool::new(false);
        let holder: std::sync::Mutex<Option<thread::ThreadId>> = std::sync::Mutex::new(None);
        let found = fixed_pool_with_chunk(ROOMS, 2, chunk, |room| {
            if room == 0 {
                *holder.lock().unwrap() = Some(thread::current().id());
                let deadline = Instant::now() + Duration::from_secs(20);
                while !other_checked.load(Ordering::SeqCst) {
                    assert!(
                        Instant::now() < deadline,
                        "chunk {chunk}: no other searcher took a block"
                    );
                    thread::yield_now();
                }
            } else if *holder.lock().unwrap() != Some(thread::current().id()) {
                other_checked.store(true, Ordering::SeqCst);
            }
            false
        });
        assert_eq!(found, None);
        assert!(other_checked.load(Ordering::SeqCst));
    }
}
