//! A batch of `add` tasks, Rust client to a Rust worker in the same process,
//! both on Redis (broker and results), with each result backend.
use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use queues_celery_redis::{Backend, Namespace, add, redis_url, rust_app, rust_worker_app};

fn round_trip(c: &mut Criterion) {
    let url = redis_url();
    if let Err(line) = queues_celery_redis::connect(&url) {
        panic!("{line}");
    }
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let mut group = c.benchmark_group("queues-celery-redis/round-trip");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    for (name, backend) in [
        ("celery-rs", Backend::CeleryRs),
        ("python-format", Backend::Python),
    ] {
        for batch in [1usize, 16] {
            let space = Namespace::fresh(&url, "bench");
            let (worker, client) = runtime.block_on(async {
                let worker = rust_worker_app(&url, &space.prefix, &space.queue_key(), backend, 0)
                    .await
                    .expect("a worker");
                let client = rust_app(
                    "bench-client",
                    &url,
                    &space.prefix,
                    &space.queue_key(),
                    backend,
                    0,
                )
                .await
                .expect("a client");
                (worker, client)
            });
            let consuming = {
                let (worker, queue) = (worker.clone(), space.queue_key());
                runtime.spawn(async move { worker.consume_from(&[queue.as_str()]).await })
            };
            group.bench_with_input(BenchmarkId::new(name, batch), &batch, |b, &batch| {
                b.iter(|| {
                    runtime.block_on(async {
                        let mut sent = Vec::with_capacity(batch);
                        for i in 0..batch as i64 {
                            sent.push(client.send_task(add::new(i, 1)).await.expect("sent"));
                        }
                        for (i, result) in sent.into_iter().enumerate() {
                            let sum: i64 = result
                                .get(Some(Duration::from_secs(30)))
                                .await
                                .expect("a result");
                            assert_eq!(sum, i as i64 + 1);
                            black_box(sum);
                        }
                    })
                })
            });
            consuming.abort();
            runtime.block_on(async {
                let _ = client.close().await;
                let _ = worker.close().await;
            });
        }
    }
    group.finish();
}

criterion_group!(benches, round_trip);
criterion_main!(benches);
