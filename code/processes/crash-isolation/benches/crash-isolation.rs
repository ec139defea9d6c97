use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use processes_crash_isolation::{Config, Fault, plan, spawn_and_answer, supervise};

/// What a crash costs, one series with four bars. `fresh-worker` starts a fresh worker, sends it one
/// small job and waits for the result: the least a restart can cost.
/// `one-job-...` supervises one job on one worker; when the job's first
/// attempt panics or aborts, the supervisor must notice, reap, restart and
/// re-send, so the difference from `one-job-healthy` is the crash's price.
fn restart(c: &mut Criterion) {
    let program = Path::new(env!("CARGO_BIN_EXE_processes-crash-isolation"));
    let mut group = c.benchmark_group("processes-crash-isolation/restart");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(2));
    let job = plan(1, 100, &[], 0).remove(0);
    group.bench_function(BenchmarkId::new("cost", "fresh-worker"), |b| {
        b.iter(|| black_box(spawn_and_answer(program, &job).expect("an answer")))
    });
    let config = Config {
        workers: 1,
        deadline: Duration::from_secs(30),
        max_attempts: 3,
    };
    for (name, faults) in [
        ("one-job-healthy", vec![]),
        ("one-job-panic", vec![Fault::Panic]),
        ("one-job-abort", vec![Fault::Abort]),
    ] {
        let jobs = plan(1, 100, &faults, 0);
        group.bench_function(BenchmarkId::new("cost", name), |b| {
            b.iter(|| {
                let summary = supervise(program, jobs.clone(), &config).expect("a summary");
                assert_eq!(summary.results.len(), 1);
                black_box(summary)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, restart);
criterion_main!(benches);
