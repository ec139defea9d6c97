use std::time::Duration;

use actors_ring::{ErlangRing, Flavor, ractor_ring, runtime, tokio_ring};
use support_kit::testing::within;

const LIMIT: Duration = Duration::from_secs(120);
const CASES: [(usize, u64); 7] = [
    (1, 0),
    (1, 5),
    (2, 3),
    (7, 0),
    (7, 6),
    (10, 95),
    (1_000, 12_345),
];

#[test]
fn the_token_makes_exactly_the_hops_asked_for_and_every_tokio_actor_ends() {
    for flavor in [Flavor::CurrentThread, Flavor::MultiThread] {
        let rt = runtime(flavor);
        for (n, hops) in CASES {
            // tokio_ring returns only after joining every actor's task.
            let trip = rt.block_on(async {
                support_kit::testing::within_async(LIMIT, tokio_ring(n, hops)).await
            });
            assert_eq!(
                trip.last as u64,
                hops % n as u64,
                "{flavor:?}, {n} actors, {hops} hops"
            );
        }
    }
}

#[test]
fn the_ractor_ring_makes_exactly_the_hops_asked_for_and_stops() {
    for flavor in [Flavor::CurrentThread, Flavor::MultiThread] {
        let rt = runtime(flavor);
        for (n, hops) in CASES {
            let trip = rt.block_on(async {
                support_kit::testing::within_async(LIMIT, ractor_ring(n, hops)).await
            });
            assert_eq!(
                trip.last as u64,
                hops % n as u64,
                "{flavor:?}, {n} actors, {hops} hops"
            );
        }
    }
}

#[test]
fn the_erlang_ring_makes_exactly_the_hops_asked_for() {
    within(LIMIT, || {
        for flags in [vec!["+S", "1"], vec![]] {
            let mut erlang = ErlangRing::start(&flags).unwrap_or_else(|e| panic!("{e}"));
            for (n, hops) in CASES {
                let trip = erlang.trip(n, hops);
                assert_eq!(
                    trip.last as u64,
                    hops % n as u64,
                    "{flags:?}, {n} processes, {hops} hops"
                );
            }
        }
    });
}
