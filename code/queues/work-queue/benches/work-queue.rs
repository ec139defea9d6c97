use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use queues_work_queue::{Prefetch, alternating_tasks, connect_consumers, run};

/// 16 tasks, even ids 15 ms and odd ids 1 ms, shared by 1, 2 and 4 consumers
/// with prefetch 1 and with no prefetch limit. The time is from the first
/// publish to the last ack; queue setup and teardown are not counted.
fn prefetch(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let tasks = alternating_tasks(16, 15, 1);
    let producer = runtime
        .block_on(support_broker::connect("work-queue-bench"))
        .unwrap_or_else(|error| panic!("{error}"));
    let mut group = c.benchmark_group("queues-work-queue/prefetch");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(200));
    group.measurement_time(Duration::from_secs(1));
    for consumers in [1, 2, 4] {
        let connections = runtime
            .block_on(connect_consumers(consumers))
            .unwrap_or_else(|error| panic!("{error}"));
        for (series, setting) in [
            ("prefetch-1", Prefetch::Limit(1)),
            ("unlimited", Prefetch::Unlimited),
        ] {
            group.bench_with_input(
                BenchmarkId::new(series, consumers),
                &setting,
                |b, &setting| {
                    b.iter_custom(|iterations| {
                        let mut total = Duration::ZERO;
                        for _ in 0..iterations {
                            let report = runtime
                                .block_on(run(&producer, &connections, setting, &tasks, &[]))
                                .expect("a run");
                            total += report.elapsed;
                        }
                        total
                    })
                },
            );
        }
        for connection in &connections {
            runtime.block_on(support_broker::close(connection));
        }
    }
    group.finish();
    runtime.block_on(support_broker::close(&producer));
}

criterion_group!(benches, prefetch);
criterion_main!(benches);
