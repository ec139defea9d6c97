use std::time::Duration;

use actors_pizzeria::{DRIVERS, OVENS, as_pipeline, run, runtime, shop};
use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};

const PIZZAS: u64 = 100;

fn ovens(c: &mut Criterion) {
    let runtime = runtime();
    let mut group = c.benchmark_group("actors-pizzeria/ovens");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(2));
    for ovens in OVENS {
        let roles = shop(ovens, DRIVERS);
        group.bench_with_input(BenchmarkId::new("actors", ovens), &roles, |b, roles| {
            b.iter(|| runtime.block_on(run(roles, PIZZAS)))
        });
        let pipeline = as_pipeline(&roles);
        group.bench_with_input(
            BenchmarkId::new("csp-pipeline", ovens),
            &pipeline,
            |b, pipeline| b.iter(|| pipeline.run(PIZZAS)),
        );
    }
    group.finish();
}

criterion_group!(benches, ovens);
criterion_main!(benches);
