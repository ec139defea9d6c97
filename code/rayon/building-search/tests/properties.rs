//! rayon's searches give the answers the Introduction's searchers give, for
//! every pool size, however the work is stolen.

use rayon_building_search::{
    LUCKY_SHIFT, Strategy, any_lucky, door_code, first_lucky, is_lucky, is_marked,
    is_marked_uneven, pool, sequential,
};

#[test]
fn every_strategy_finds_the_marked_room_wherever_it_is() {
    let rooms = 200_000;
    for workers in [1, 2, 3, 4, 8] {
        let pool = pool(workers);
        for marked in [0, 1, 4_095, 4_096, 99_999, 100_000, rooms - 1] {
            let target = door_code(marked);
            for strategy in Strategy::ALL {
                let found = strategy.search(rooms, workers, &pool, |r| is_marked(r, target));
                assert_eq!(
                    found,
                    Some(marked),
                    "{} with {workers} workers",
                    strategy.name()
                );
            }
        }
    }
}

#[test]
fn no_strategy_finds_a_room_that_is_not_there() {
    let rooms = 100_000;
    let target = door_code(rooms); // the room just past the last one
    for workers in [1, 2, 5] {
        let pool = pool(workers);
        for strategy in Strategy::ALL {
            let found = strategy.search(rooms, workers, &pool, |r| is_marked(r, target));
            assert_eq!(found, None, "{}", strategy.name());
        }
    }
}

#[test]
fn every_room_is_checked_exactly_once_when_none_is_marked() {
    use std::sync::atomic::{AtomicU64, Ordering};
    let rooms = 50_000;
    for workers in [1, 2, 4] {
        let pool = pool(workers);
        for strategy in [
            Strategy::RayonFindAny,
            Strategy::RayonFindAnyChunked,
            Strategy::RayonJoin,
        ] {
            let checks = AtomicU64::new(0);
            let sum = AtomicU64::new(0);
            let found = strategy.search(rooms, workers, &pool, |room| {
                checks.fetch_add(1, Ordering::Relaxed);
                sum.fetch_add(room, Ordering::Relaxed);
                false
            });
            assert_eq!(found, None);
            // Every room, none twice: the count and the sum of room numbers.
            assert_eq!(checks.into_inner(), rooms, "{}", strategy.name());
            assert_eq!(
                sum.into_inner(),
                rooms * (rooms - 1) / 2,
                "{}",
                strategy.name()
            );
        }
    }
}

#[test]
fn the_uneven_building_has_the_same_answer_as_the_even_one() {
    let rooms = 40_000;
    let pool = pool(2);
    for marked in [3, rooms / 4 - 1, rooms / 4, rooms - 1] {
        let target = door_code(marked);
        for strategy in Strategy::ALL {
            let found = strategy.search(rooms, 2, &pool, |r| is_marked_uneven(r, target, rooms));
            assert_eq!(found, Some(marked), "{}", strategy.name());
        }
    }
}

#[test]
fn find_first_agrees_with_the_sequential_search_and_find_any_returns_a_lucky_room() {
    // About one room in two million is lucky: a few million rooms hold a few.
    let rooms = 8_000_000;
    let threshold = u64::MAX >> LUCKY_SHIFT;
    let expected = sequential(rooms, |r| is_lucky(r, threshold));
    let first = expected.expect("the test building holds a lucky room");
    let lucky_count = (0..rooms).filter(|&r| is_lucky(r, threshold)).count();
    assert!(
        lucky_count >= 2,
        "the test needs several lucky rooms, found {lucky_count}"
    );
    for workers in [1, 2, 4] {
        let pool = pool(workers);
        for _ in 0..3 {
            assert_eq!(pool.install(|| first_lucky(rooms, threshold)), expected);
            let any = pool
                .install(|| any_lucky(rooms, threshold))
                .expect("there is one");
            assert!(
                is_lucky(any, threshold) && any < rooms,
                "{any} is not lucky"
            );
            assert!(any >= first);
        }
    }
    // With no lucky room both give None.
    assert_eq!(first_lucky(first, threshold), None);
    assert_eq!(any_lucky(first, threshold), None);
}
