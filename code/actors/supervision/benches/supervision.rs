use std::time::Duration;

use actors_supervision::{Config, Strategy, jobs, quiet_poison_panics, spread, supervise};
use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};

const JOBS: u64 = 2_000;

fn restarts(c: &mut Criterion) {
    quiet_poison_panics();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let mut group = c.benchmark_group("actors-supervision/restarts");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    for strategy in Strategy::ALL {
        for poisoned in [0u64, 20, 200] {
            let config = Config {
                workers: 4,
                strategy,
                max_restarts: 1_000,
                period: Duration::from_secs(3_600),
            };
            let poison = spread(JOBS, poisoned);
            group.bench_with_input(
                BenchmarkId::new(strategy.name(), poisoned),
                &poison,
                |b, poison| b.iter(|| runtime.block_on(supervise(config, jobs(JOBS, poison)))),
            );
        }
    }
    group.finish();
}

criterion_group!(benches, restarts);
criterion_main!(benches);
