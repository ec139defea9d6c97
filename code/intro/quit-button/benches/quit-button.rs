use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use intro_quit_button::{
    QuitButton, Worker, count_primes_cooperatively, count_primes_never_checking, run_then_quit,
};

/// The job: primes below this number. The worker that never checks behaves as
/// if it looked at the button once per job, so its point sits at this x.
const LIMIT: u64 = 2_000_000;
/// The worker has run this long when quit is pressed.
const QUIT_AFTER: Duration = Duration::from_millis(1);

/// Time from pressing quit to the worker's join returning, against how many
/// numbers the worker checks between looks at the button.
fn time_to_quit(c: &mut Criterion) {
    let mut group = c.benchmark_group("intro-quit-button/time-to-quit");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(300));
    let workers = [1u64, 100, 10_000, 1_000_000]
        .map(|check_every| {
            (
                "cooperative",
                check_every,
                Worker::Cooperative { check_every },
            )
        })
        .into_iter()
        .chain([("never-checks", LIMIT, Worker::NeverChecks)]);
    for (name, x, worker) in workers {
        group.bench_with_input(BenchmarkId::new(name, x), &worker, |b, &worker| {
            // Only the quit is timed, not the start nor the run before it.
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| run_then_quit(worker, LIMIT, QUIT_AFTER).time_to_quit)
                    .sum()
            })
        });
    }
    group.finish();
}

/// The other side of the trade: the time of the whole job (primes below
/// `JOB`, never quit) against how often the worker looks at the button.
fn checking_cost(c: &mut Criterion) {
    const JOB: u64 = 200_000;
    let button = QuitButton::new();
    let mut group = c.benchmark_group("intro-quit-button/checking-cost");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    for check_every in [1u64, 100, 10_000, 1_000_000] {
        group.bench_with_input(
            BenchmarkId::new("cooperative", check_every),
            &check_every,
            |b, &every| b.iter(|| count_primes_cooperatively(black_box(JOB), every, &button)),
        );
    }
    group.bench_with_input(BenchmarkId::new("never-checks", JOB), &JOB, |b, &job| {
        b.iter(|| count_primes_never_checking(black_box(job), &button))
    });
    group.finish();
}

criterion_group!(benches, time_to_quit, checking_cost);
criterion_main!(benches);
