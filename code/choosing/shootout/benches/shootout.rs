use std::time::{Duration, Instant};

use choosing_shootout::{Kit, Needs, Problem, cells_of, expected, wrong_answer};
use criterion::{BenchmarkId, Criterion, SamplingMode};

/// One group per problem, one function per strategy, at the problem's bench
/// size. The Python harness, the broker's connections and the tokio runtime
/// start once, outside the timing; the process pool starts inside every run, as its chapter's
/// function does. Every run's answer is checked against the one the
/// problem's definition gives, computed before any timing; the check runs
/// after the clock stops, and a wrong answer stops the bench.
fn shootout(c: &mut Criterion, kit: &mut Kit) {
    for problem in Problem::ALL {
        let size = problem.bench_size();
        let want = expected(problem, size, kit.cores);
        let mut group = c.benchmark_group(format!("choosing-shootout/{}", problem.name()));
        group.sampling_mode(SamplingMode::Flat);
        group.sample_size(10);
        group.warm_up_time(Duration::from_millis(300));
        group.measurement_time(Duration::from_secs(1));
        for cell in cells_of(problem) {
            let id = BenchmarkId::new(cell.strategy.name(), size);
            group.bench_function(id, |b| {
                b.iter_custom(|iters| {
                    let mut took = Duration::ZERO;
                    for _ in 0..iters {
                        let start = Instant::now();
                        let answer = kit.solve(problem, cell.strategy, size);
                        took += start.elapsed();
                        let answer = answer.expect("a filled cell");
                        if let Some(complaint) = wrong_answer(cell, size, &answer, &want) {
                            panic!("{complaint}");
                        }
                    }
                    took
                })
            });
        }
        group.finish();
    }
}

fn main() {
    // First: a worker process of the process pool is this program again.
    procspawn::init();
    let mut kit = Kit::new(support_kit::cores(), Needs::ALL).unwrap_or_else(|e| panic!("{e}"));
    let mut c = Criterion::default().configure_from_args();
    shootout(&mut c, &mut kit);
    c.final_summary();
}
