use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use intro_eight_questions::{Echo, scoped_spawn_and_join, spawn_and_join};

/// The cost of starting a task and getting its result, three ways.
fn start_and_finish(c: &mut Criterion) {
    let mut group = c.benchmark_group("intro-eight-questions/start-and-finish");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    group.bench_function("thread-spawn-join", |b| {
        b.iter(|| spawn_and_join(black_box(41)))
    });
    group.bench_function("scoped-thread", |b| {
        b.iter(|| scoped_spawn_and_join(black_box(41)))
    });
    let echo = Echo::start();
    group.bench_function("channel-round-trip", |b| b.iter(|| echo.ask(black_box(41))));
    echo.stop();
    group.finish();
}

criterion_group!(benches, start_and_finish);
criterion_main!(benches);
