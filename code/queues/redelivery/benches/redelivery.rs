use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use queues_redelivery::{Config, Plan, supervise};

/// What a crash costs: 8 jobs of 10 ms done by consumer processes, with 0, 2,
/// 4 and 8 of them killed along the way. Each kill costs a new process, a new
/// connection, and the part of the job that must be done again. The time
/// includes publishing, the queues' setup and teardown, and every process.
fn kills(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let mut group = c.benchmark_group("queues-redelivery/kills");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(200));
    group.measurement_time(Duration::from_secs(2));
    for kills in [0, 2, 4, 8] {
        let config = Config {
            program: PathBuf::from(env!("CARGO_BIN_EXE_queues-redelivery")),
            jobs: 8,
            malformed: Vec::new(),
            cost: Duration::from_millis(10),
            plan: Plan::every_other(kills),
            auto_ack: false,
        };
        group.bench_with_input(BenchmarkId::new("sigkill", kills), &config, |b, config| {
            b.iter_custom(|iterations| {
                let start = Instant::now();
                for _ in 0..iterations {
                    let report = runtime
                        .block_on(supervise(config))
                        .unwrap_or_else(|error| panic!("{error}"));
                    assert_eq!(report.records.len(), config.jobs);
                }
                start.elapsed()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, kills);
criterion_main!(benches);
