//! Work queue and publishing across hosts made with network namespaces, at
//! 0, 1, 5 and 20 ms of one-way delay. Needs root, iproute2 and RabbitMQ.
use std::path::Path;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use queues_many_hosts::{
    Forwarder, Network, RemotePublisher, Workers, declare_queue, purge, round_trip,
};
use support_broker::{amqp_url, broker_address};

const EXE: &str = env!("CARGO_BIN_EXE_queues-many-hosts");
const DELAYS_MS: [u64; 4] = [0, 1, 5, 20];
/// Messages per work-queue run, shared by two worker hosts.
const MESSAGES: u64 = 20;
/// Persistent messages per publishing run.
const PUBLISHED: u64 = 10;

fn across_hosts(c: &mut Criterion) {
    let network = Network::create(&["w1", "w2", "p1"]).unwrap_or_else(|why| panic!("{why}"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let url = amqp_url();
    let _forwarder = runtime
        .block_on(Forwarder::start(&network, &broker_address(&url)))
        .unwrap();
    let connection = runtime
        .block_on(support_broker::connect("queues-many-hosts bench"))
        .unwrap_or_else(|error| panic!("{error}"));
    let channel = runtime.block_on(connection.create_channel()).unwrap();
    let queue = support_broker::unique_name("many-hosts-bench");
    runtime.block_on(declare_queue(&channel, &queue)).unwrap();
    let (workers, publisher_host) = network.hosts().split_at(2);

    let mut group = c.benchmark_group("queues-many-hosts/work-queue");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    for prefetch in [1u16, 50] {
        let mut workers = Workers::start(workers, Path::new(EXE), &url, &queue, prefetch).unwrap();
        for delay in DELAYS_MS {
            network.set_delay(delay).unwrap();
            group.bench_function(
                BenchmarkId::new(format!("prefetch-{prefetch}"), delay),
                |b| {
                    b.iter_custom(|iters| {
                        runtime.block_on(async {
                            let mut total = Duration::ZERO;
                            for _ in 0..iters {
                                let (elapsed, done) =
                                    round_trip(&channel, &queue, &mut workers, MESSAGES)
                                        .await
                                        .unwrap();
                                assert_eq!(done.all_sorted().len() as u64, MESSAGES);
                                total += elapsed;
                            }
                            total
                        })
                    })
                },
            );
        }
        drop(workers);
    }
    group.finish();

    let mut group = c.benchmark_group("queues-many-hosts/publish");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    let mut publisher =
        RemotePublisher::start(&publisher_host[0], Path::new(EXE), &url, &queue).unwrap();
    for (series, batch) in [("confirm-each", 1), ("confirm-once", PUBLISHED)] {
        for delay in DELAYS_MS {
            network.set_delay(delay).unwrap();
            group.bench_function(BenchmarkId::new(series, delay), |b| {
                b.iter_custom(|iters| {
                    runtime.block_on(async {
                        let mut total = Duration::ZERO;
                        for _ in 0..iters {
                            let run = publisher.publish(PUBLISHED, batch).await.unwrap();
                            assert_eq!(run.acked, PUBLISHED);
                            total += run.elapsed;
                            purge(&channel, &queue).await.unwrap();
                        }
                        total
                    })
                })
            });
        }
    }
    group.finish();
    drop(publisher);
    runtime.block_on(async {
        support_broker::delete_queues(&channel, &[queue])
            .await
            .unwrap();
        support_broker::close(&connection).await;
    });
}

criterion_group!(benches, across_hosts);
criterion_main!(benches);
