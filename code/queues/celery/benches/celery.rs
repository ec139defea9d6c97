use std::time::Duration;

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use queues_celery::backend::FileBackend;
use queues_celery::{
    Acks, Job, Setup, amqp_url, client_app, fresh_queue, run_batch, spawn_gated_worker,
    spawn_worker, wire, worker_app,
};

/// One worker set-up the benchmark compares.
#[derive(Clone, Copy)]
struct Series {
    name: &'static str,
    prefetch: u16,
    acks: Acks,
    gated: bool,
}

const SERIES: [Series; 4] = [
    Series {
        name: "late-1",
        prefetch: 1,
        acks: Acks::Late,
        gated: false,
    },
    Series {
        name: "late-16",
        prefetch: 16,
        acks: Acks::Late,
        gated: false,
    },
    Series {
        name: "early-16",
        prefetch: 16,
        acks: Acks::Early,
        gated: false,
    },
    Series {
        name: "gated-late-16",
        prefetch: 16,
        acks: Acks::Late,
        gated: true,
    },
];

/// A bare celery-rs worker, or one behind the gate.
enum Worker {
    Bare(queues_celery::RunningWorker),
    Gated(queues_celery::RunningGatedWorker),
}

/// A Rust client sends a batch of `add` tasks to a Rust worker in the same
/// process through RabbitMQ and waits for every result: the time per batch,
/// for batches of 1, 10 and 100, for each [`Series`]. Every worker runs for
/// the whole group, and the series take turns at each batch size, so a slow
/// spell of the machine does not land on one series only.
fn round_trip(c: &mut Criterion) {
    let url = amqp_url();
    if let Err(line) = wire::check_broker(&url) {
        panic!("{line}");
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let folder = tempfile::tempdir().expect("a temporary folder");
    let mut running = Vec::new();
    for series in SERIES {
        let setup = Setup {
            url: url.clone(),
            queue: fresh_queue("bench"),
            prefetch: series.prefetch,
            acks: series.acks,
            results: FileBackend::new(folder.path()),
        };
        let started = rt.block_on(async {
            let client = client_app(&setup).await.expect("a client");
            let worker = if series.gated {
                Worker::Gated(spawn_gated_worker(&setup).await.expect("a gated worker"))
            } else {
                let worker = worker_app(&setup).await.expect("a worker");
                Worker::Bare(spawn_worker(worker, setup.queue.clone()))
            };
            (client, worker)
        });
        running.push((series, setup, started));
    }
    let mut group = c.benchmark_group("queues-celery/round-trip");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    for batch in [1u64, 10, 100] {
        let jobs: Vec<Job> = (0..batch as i64).map(|i| Job::Add(i, 1)).collect();
        group.throughput(Throughput::Elements(batch));
        for (series, setup, (client, _)) in &running {
            group.bench_with_input(BenchmarkId::new(series.name, batch), &jobs, |b, jobs| {
                b.iter(|| {
                    rt.block_on(run_batch(
                        client,
                        &setup.results,
                        jobs,
                        Duration::from_secs(30),
                    ))
                    .expect("every result")
                })
            });
        }
    }
    group.finish();
    rt.block_on(async {
        for (_, setup, (client, worker)) in running {
            client.close().await.expect("close the client");
            match worker {
                Worker::Bare(bare) => bare.stop().await.expect("stop the worker"),
                Worker::Gated(gated) => drop(gated.stop().await.expect("stop the gated worker")),
            }
            for queue in [
                setup.queue.clone(),
                queues_celery::gate::checked_queue(&setup.queue),
                queues_celery::gate::dead_queue(&setup.queue),
            ] {
                wire::delete_queue(&url, &queue)
                    .await
                    .expect("delete a queue");
            }
        }
    });
}

criterion_group!(benches, round_trip);
criterion_main!(benches);
