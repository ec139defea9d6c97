use std::time::Duration;

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use queues_celery::backend::FileBackend;
use queues_celery::{
    Job, Setup, amqp_url, client_app, fresh_queue, run_batch, spawn_worker, wire, worker_app,
};

/// A Rust client sends a batch of `add` tasks to a Rust worker in the same
/// process through RabbitMQ and waits for every result: the time per batch,
/// for batches of 1, 10 and 100, with the worker's prefetch at 1 and at 16.
fn round_trip(c: &mut Criterion) {
    let url = amqp_url();
    if let Err(line) = wire::check_broker(&url) {
        panic!("{line}");
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let mut group = c.benchmark_group("queues-celery/round-trip");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    for prefetch in [1u16, 16] {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let setup = Setup {
            url: url.clone(),
            queue: fresh_queue("bench"),
            prefetch,
            results: FileBackend::new(folder.path()),
        };
        let (worker, client) = rt.block_on(async {
            let worker = worker_app(&setup).await.expect("a worker");
            let client = client_app(&setup).await.expect("a client");
            (spawn_worker(worker, setup.queue.clone()), client)
        });
        for batch in [1u64, 10, 100] {
            let jobs: Vec<Job> = (0..batch as i64).map(|i| Job::Add(i, 1)).collect();
            group.throughput(Throughput::Elements(batch));
            group.bench_with_input(
                BenchmarkId::new(format!("prefetch-{prefetch}"), batch),
                &jobs,
                |b, jobs| {
                    b.iter(|| {
                        rt.block_on(run_batch(
                            &client,
                            &setup.results,
                            jobs,
                            Duration::from_secs(30),
                        ))
                        .expect("every result")
                    })
                },
            );
        }
        rt.block_on(async {
            client.close().await.expect("close the client");
            worker.stop().await.expect("stop the worker");
            wire::delete_queue(&url, &setup.queue)
                .await
                .expect("delete the queue");
        });
    }
    group.finish();
}

criterion_group!(benches, round_trip);
criterion_main!(benches);
