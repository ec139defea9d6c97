use std::time::Duration;

use actors_bank::{orders, run_bank, run_locked_bank};
use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};

const ACCOUNTS: usize = 100;
const TRANSFERS: usize = 20_000;
const TASKS: usize = 64;

fn transfers(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let orders = orders(1, TRANSFERS, ACCOUNTS, 500);
    let mut group = c.benchmark_group("actors-bank/transfers");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(2));
    group.bench_function(BenchmarkId::from_parameter("accounts-as-actors"), |b| {
        b.iter(|| runtime.block_on(run_bank(ACCOUNTS, 1_000, &orders, TASKS)))
    });
    group.bench_function(BenchmarkId::from_parameter("one-mutex"), |b| {
        b.iter(|| runtime.block_on(run_locked_bank(ACCOUNTS, 1_000, &orders, TASKS)))
    });
    group.finish();
}

criterion_group!(benches, transfers);
criterion_main!(benches);
