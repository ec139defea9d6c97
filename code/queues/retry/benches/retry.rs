//! A job that fails 0, 1 or 2 times and then succeeds, timed from its
//! publish to its ack, when each failure requeues it at once and when each
//! failure sends it through the back-off levels (100 ms, then 400 ms). The
//! clock includes opening the consumer's channel; the queues are declared
//! once per policy, outside it.
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use queues_retry::{LEVELS, Outcome, Policy, RetryPath, consume, publish_jobs};

fn until_done(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let mut group = c.benchmark_group("queues-retry/until-done");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(2));
    let connection = runtime.block_on(async {
        support_broker::connect("retry-bench")
            .await
            .unwrap_or_else(|error| panic!("{error}"))
    });
    for (name, policy) in [("requeue", Policy::Requeue), ("back-off", Policy::BackOff)] {
        let (channel, path) = runtime.block_on(async {
            let channel = connection.create_channel().await.unwrap();
            let path = RetryPath::declare(&channel, "retry-bench", &LEVELS, 4)
                .await
                .unwrap();
            (channel, path)
        });
        for fails in [0u32, 1, 2] {
            group.bench_function(BenchmarkId::new(name, fails), |b| {
                b.iter_custom(|iters| {
                    runtime.block_on(async {
                        let mut total = Duration::ZERO;
                        for id in 0..iters {
                            let started = Instant::now();
                            publish_jobs(&channel, &path, &[(id, fails)]).await.unwrap();
                            let limit = Duration::from_secs(10);
                            let events =
                                consume(&connection, &path, policy, 1, limit).await.unwrap();
                            total += started.elapsed();
                            assert_eq!(events.len() as u32, fails + 1);
                            assert_eq!(events.last().unwrap().outcome, Outcome::Done);
                        }
                        total
                    })
                })
            });
        }
        runtime.block_on(async { path.delete(&channel).await.unwrap() });
    }
    group.finish();
    runtime.block_on(support_broker::close(&connection));
}

criterion_group!(benches, until_done);
criterion_main!(benches);
