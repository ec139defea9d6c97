use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::time::Duration;
use testing_shuttle::Version;
use testing_shuttle::hunt::{self, Bug, Search, Size};

const SIZE: Size = Size {
    threads: 2,
    rounds: 3,
    entries: 10,
};
const PCT: Search = Search::Pct { depth: 2 };

// What one explored interleaving costs: the fixed counter once under shuttle (one execution of each
// scheduler) against the same code once on real threads.
fn one_execution(c: &mut Criterion) {
    hunt::silence_panics();
    let mut group = c.benchmark_group("testing-shuttle/one-execution");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    for search in [Search::Random, PCT] {
        group.bench_function(
            BenchmarkId::new("fixed-counter", format!("shuttle-{}", search.name())),
            |b| {
                b.iter(|| {
                    let failed = hunt::iterations_to_find(
                        Bug::LostUpdate,
                        Version::Fixed,
                        SIZE,
                        search,
                        1,
                        1,
                    );
                    assert_eq!(failed, None);
                })
            },
        );
    }
    group.bench_function(BenchmarkId::new("fixed-counter", "std-threads"), |b| {
        b.iter(|| {
            let total = testing_shuttle::real::count(Version::Fixed, SIZE.threads, SIZE.rounds);
            assert_eq!(total, (SIZE.threads * SIZE.rounds) as u64);
        })
    });
    group.finish();
}

// Wall time to find each bug, over seeds 0..10 in a row (each seed stops at its first failure).
fn find(c: &mut Criterion) {
    hunt::silence_panics();
    let mut group = c.benchmark_group("testing-shuttle/find-10-seeds");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    for bug in Bug::ALL {
        for search in [Search::Random, PCT] {
            if (bug, search) == (Bug::EarlyFlag, Search::Random) {
                // At least one of seeds 0..10 needs more than 10,000 executions: the captured table tells that story.
                continue;
            }
            group.bench_function(BenchmarkId::new(bug.name(), search.name()), |b| {
                b.iter(|| {
                    let tally = hunt::survey(bug, SIZE, search, 10, 10_000);
                    assert_eq!(tally.found, 10);
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, one_execution, find);
criterion_main!(benches);
