//! Each benchmark times a fixed number of messages through a real RabbitMQ
//! (AMQP_URL), so the tables read as time per run; criterion's own report
//! also shows messages per second.
use std::time::{Duration, Instant};

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use lapin::{Channel, Connection};
use queues_throughput::{
    Confirms, Consumers, Durability, consume_on, declare_durable_queue, publish, publisher, purge,
};
use tokio::runtime::Runtime;

/// Messages per publishing run.
const PUBLISHED: u64 = 200;
/// Messages per run of the prefetch comparison (no work per message).
const PREFETCH_MESSAGES: u64 = 2000;
/// Messages per draining run with 1 ms of waiting each.
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

/// Opens one connection per consumer, outside every clock.
fn connections(runtime: &Runtime, count: usize) -> Vec<Connection> {
    (0..count)
        .map(|_| {
            runtime
                .block_on(support_broker::connect("queues-throughput bench consumer"))
                .unwrap_or_else(|error| panic!("{error}"))
        })
        .collect()
}

// ANCHOR: prefetch_bench
/// `iters` runs of `messages` published (fire and forget) to `queue` and
/// received by consumers that were started before the clock, each on a
/// connection of its own. The clock runs from the first publish to the
/// last ack.
async fn publish_and_drain(
    publisher: &Channel,
    queue: &str,
    consumers: &mut Consumers,
    messages: u64,
    iters: u64,
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let started = Instant::now();
        publish(
            publisher,
            queue,
            0..messages,
            Durability::Transient,
            Confirms::Off,
        )
        .await
        .unwrap();
        let consumed = consumers.take(messages).await;
        total += started.elapsed();
        assert_eq!(consumed.all_sorted().len() as u64, messages);
    }
    total
}
// ANCHOR_END: prefetch_bench

fn prefetch(c: &mut Criterion) {
    let (runtime, connection) = setup();
    let queue = support_broker::unique_name("throughput-bench");
    let admin = runtime.block_on(connection.create_channel()).unwrap();
    runtime
        .block_on(declare_durable_queue(&admin, &queue))
        .unwrap();
    let mut group = c.benchmark_group("queues-throughput/prefetch");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(20);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_millis(2500));
    group.throughput(Throughput::Elements(PREFETCH_MESSAGES));
    for consumers in [1, 2, 4] {
        let own = connections(&runtime, consumers);
        let own: Vec<&Connection> = own.iter().collect();
        for prefetch in [1u16, 100, 1000] {
            let series = if consumers == 1 {
                "1-consumer".to_string()
            } else {
                format!("{consumers}-consumers")
            };
            let mut running = runtime
                .block_on(Consumers::start(&own, &queue, prefetch, Duration::ZERO))
                .unwrap();
            let publisher = runtime.block_on(connection.create_channel()).unwrap();
            group.bench_function(BenchmarkId::new(series, prefetch), |b| {
                b.iter_custom(|iters| {
                    runtime.block_on(publish_and_drain(
                        &publisher,
                        &queue,
                        &mut running,
                        PREFETCH_MESSAGES,
                        iters,
                    ))
                })
            });
            runtime.block_on(async {
                running.stop().await.unwrap();
                publisher.close(200, "done".into()).await.unwrap();
            });
        }
        for connection in own {
            runtime.block_on(support_broker::close(connection));
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
    group.throughput(Throughput::Elements(DRAINED_WITH_WORK));
    let wait = Duration::from_millis(1);
    for consumers in [1, 2, 4] {
        let own = connections(&runtime, consumers);
        let own: Vec<&Connection> = own.iter().collect();
        for (series, prefetch) in [("wait-1ms-prefetch-64", 64), ("wait-1ms-prefetch-1", 1)] {
            group.bench_function(BenchmarkId::new(series, consumers), |b| {
                b.iter_custom(|iters| {
                    runtime.block_on(async {
                        let channel = publisher(&connection, Confirms::EveryBatch(100))
                            .await
                            .unwrap();
                        let mut total = Duration::ZERO;
                        for _ in 0..iters {
                            // The backlog is in the queue before the clock starts;
                            // starting the consumers is inside it.
                            publish(
                                &channel,
                                &queue,
                                0..DRAINED_WITH_WORK,
                                Durability::Transient,
                                Confirms::EveryBatch(100),
                            )
                            .await
                            .unwrap();
                            let started = Instant::now();
                            consume_on(&own, &queue, DRAINED_WITH_WORK, prefetch, wait)
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
        for connection in own {
            runtime.block_on(support_broker::close(connection));
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

criterion_group!(benches, publishing, prefetch, consuming);
criterion_main!(benches);
