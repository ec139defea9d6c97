//! Each benchmark times a fixed number of messages through a real RabbitMQ
//! (AMQP_URL), so the tables read as time per run; criterion's own report
//! also shows messages per second.
use std::time::{Duration, Instant};

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use lapin::Connection;
use queues_throughput::{
    Confirms, Durability, consume, declare_durable_queue, publish, publisher, purge,
};
use tokio::runtime::Runtime;

/// Messages per publishing run.
const PUBLISHED: u64 = 200;
/// Messages per draining run without work, and with 1 ms of waiting each.
const DRAINED: u64 = 500;
const DRAINED_WITH_WORK: u64 = 100;

fn setup() -> (Runtime, Connection) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let connection = runtime
        .block_on(support_broker::connect("queues-throughput bench"))
        .unwrap_or_else(|error| panic!("{error}"));
    (runtime, connection)
}

fn publishing(c: &mut Criterion) {
    let (runtime, connection) = setup();
    let queue = support_broker::unique_name("throughput-bench");
    let admin = runtime.block_on(connection.create_channel()).unwrap();
    runtime
        .block_on(declare_durable_queue(&admin, &queue))
        .unwrap();

    let mut group = c.benchmark_group("queues-throughput/publish");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(100));
    group.measurement_time(Duration::from_millis(400));
    group.throughput(Throughput::Elements(PUBLISHED));
    for batch in [1, 10, 100, PUBLISHED] {
        for (series, durability, confirms) in [
            ("transient", Durability::Transient, Confirms::Off),
            ("persistent", Durability::Persistent, Confirms::Off),
            (
                "transient-confirmed",
                Durability::Transient,
                Confirms::EveryBatch(batch),
            ),
            (
                "persistent-confirmed",
                Durability::Persistent,
                Confirms::EveryBatch(batch),
            ),
        ] {
            group.bench_function(BenchmarkId::new(series, batch), |b| {
                b.iter_custom(|iters| {
                    runtime.block_on(async {
                        let channel = publisher(&connection, confirms).await.unwrap();
                        let mut total = Duration::ZERO;
                        for _ in 0..iters {
                            let started = Instant::now();
                            let report =
                                publish(&channel, &queue, 0..PUBLISHED, durability, confirms)
                                    .await
                                    .unwrap();
                            total += started.elapsed();
                            assert_eq!(report.nacked, 0);
                            purge(&admin, &queue).await.unwrap();
                        }
                        channel.close(200, "done".into()).await.unwrap();
                        total
                    })
                })
            });
        }
    }
    group.finish();
    runtime.block_on(async {
        support_broker::delete_queues(&admin, &[queue])
            .await
            .unwrap();
        support_broker::close(&connection).await;
    });
}

fn consuming(c: &mut Criterion) {
    let (runtime, connection) = setup();
    let queue = support_broker::unique_name("throughput-bench");
    let admin = runtime.block_on(connection.create_channel()).unwrap();
    runtime
        .block_on(declare_durable_queue(&admin, &queue))
        .unwrap();

    let mut group = c.benchmark_group("queues-throughput/consumers");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(100));
    group.measurement_time(Duration::from_millis(400));
    let no_work = Duration::ZERO;
    let wait = Duration::from_millis(1);
    for (series, messages, prefetch, work) in [
        ("no-work-prefetch-64", DRAINED, 64, no_work),
        ("wait-1ms-prefetch-64", DRAINED_WITH_WORK, 64, wait),
        ("wait-1ms-prefetch-1", DRAINED_WITH_WORK, 1, wait),
    ] {
        group.throughput(Throughput::Elements(messages));
        for consumers in [1, 2, 4] {
            group.bench_function(BenchmarkId::new(series, consumers), |b| {
                b.iter_custom(|iters| {
                    runtime.block_on(async {
                        let channel = publisher(&connection, Confirms::EveryBatch(100))
                            .await
                            .unwrap();
                        let mut total = Duration::ZERO;
                        for _ in 0..iters {
                            publish(
                                &channel,
                                &queue,
                                0..messages,
                                Durability::Transient,
                                Confirms::EveryBatch(100),
                            )
                            .await
                            .unwrap();
                            let started = Instant::now();
                            consume(&connection, &queue, consumers, messages, prefetch, work)
                                .await
                                .unwrap();
                            total += started.elapsed();
                        }
                        channel.close(200, "done".into()).await.unwrap();
                        total
                    })
                })
            });
        }
    }
    group.finish();
    runtime.block_on(async {
        support_broker::delete_queues(&admin, &[queue])
            .await
            .unwrap();
        support_broker::close(&connection).await;
    });
}

criterion_group!(benches, publishing, consuming);
criterion_main!(benches);
