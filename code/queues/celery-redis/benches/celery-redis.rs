//! A batch of `add` tasks, Rust client to a Rust worker in the same process,
//! both on Redis (broker and results), with each result backend. The client
//! reads each result every millisecond until it is there: celery-rs's own
//! `get` sleeps 200 ms between looks, which would hide everything else.
use std::hint::black_box;
use std::time::Duration;

use celery::backend::{RedisBackend, ResultBackend};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use queues_celery_redis::{
    Backend, Namespace, PythonRedisBackend, add, redis_url, rust_app, rust_worker_app,
};

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
            let reader: Box<dyn ResultBackend> = match backend {
                Backend::CeleryRs => Box::new(
                    RedisBackend::new(&url)
                        .expect("a backend")
                        .with_key_prefix(format!("{}celery-task-meta", space.prefix)),
                ),
                Backend::Python => {
                    Box::new(PythonRedisBackend::new(&url, &space.prefix).expect("a backend"))
                }
            };
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
                            let sum = loop {
                                match reader.get_task_meta(&result.task_id).await.expect("a read") {
                                    Some(meta) if meta.status.is_ready() => break meta.result,
                                    _ => tokio::time::sleep(Duration::from_millis(1)).await,
                                }
                            };
                            assert_eq!(sum, Some((i as i64 + 1).into()));
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
