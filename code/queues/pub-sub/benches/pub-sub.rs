//! What a copy per subscriber costs: 500 messages through a fan-out exchange
//! to 1, 2, 4 and 8 subscribers, each on a connection of its own. The
//! exchange, the subscribers' connections, queues, bindings and consumers are
//! all set up before the clock starts; the clock runs from the first publish
//! to the moment the last subscriber holds its last message.
use std::time::{Duration, Instant};

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use lapin::{Connection, ExchangeKind};
use queues_pub_sub::{Subscriber, declare_exchange, message, publish};

const MESSAGES: u64 = 500;

async fn connect(name: &str) -> Connection {
    support_broker::connect(name)
        .await
        .unwrap_or_else(|error| panic!("{error}"))
}

// ANCHOR: timed
/// `iters` runs of `messages` through `exchange` to `subscribers`, timed
/// from the first publish to the last subscriber's last message. The
/// publisher's wait for confirms runs on, outside the clock.
async fn timed_runs(
    publisher: &lapin::Channel,
    exchange: &str,
    subscribers: &mut Vec<Subscriber>,
    messages: &[(u64, String)],
    iters: u64,
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let receiving: Vec<_> = subscribers
            .drain(..)
            .map(|mut subscriber| {
                let count = messages.len();
                tokio::spawn(async move {
                    let got = subscriber.receive(count).await;
                    (subscriber, got)
                })
            })
            .collect();
        let (channel, name, all) = (publisher.clone(), exchange.to_string(), messages.to_vec());
        let started = Instant::now();
        let publishing = tokio::spawn(async move { publish(&channel, &name, &all).await });
        for task in receiving {
            let (subscriber, got) = task.await.expect("a subscriber panicked");
            assert_eq!(got.expect("deliveries").len(), messages.len());
            subscribers.push(subscriber);
        }
        total += started.elapsed();
        let unroutable = publishing.await.expect("the publisher panicked");
        assert_eq!(unroutable.expect("confirms"), 0);
    }
    total
}
// ANCHOR_END: timed

fn fan_out(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let messages: Vec<_> = (0..MESSAGES).map(|id| message(id, &["news"])).collect();
    let mut group = c.benchmark_group("queues-pub-sub/fan-out");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    group.throughput(Throughput::Elements(MESSAGES));
    for count in [1usize, 2, 4, 8] {
        // Set-up, outside the clock: one connection for the publisher and
        // one per subscriber, the exchange, the queues, bindings, consumers.
        let (publisher_connection, publisher, exchange, mut subscribers, connections) = runtime
            .block_on(async {
                let publisher_connection = connect("pub-sub-bench publisher").await;
                let publisher = publisher_connection.create_channel().await.unwrap();
                let exchange = support_broker::unique_name("pub-sub-bench");
                declare_exchange(&publisher, &exchange, ExchangeKind::Fanout)
                    .await
                    .unwrap();
                let (mut subscribers, mut connections) = (Vec::new(), Vec::new());
                for _ in 0..count {
                    let connection = connect("pub-sub-bench subscriber").await;
                    subscribers.push(Subscriber::bind(&connection, &exchange, "").await.unwrap());
                    connections.push(connection);
                }
                (
                    publisher_connection,
                    publisher,
                    exchange,
                    subscribers,
                    connections,
                )
            });
        group.bench_function(BenchmarkId::new("fanout", count), |b| {
            b.iter_custom(|iters| {
                runtime.block_on(timed_runs(
                    &publisher,
                    &exchange,
                    &mut subscribers,
                    &messages,
                    iters,
                ))
            })
        });
        runtime.block_on(async {
            for subscriber in &subscribers {
                subscriber.close().await.unwrap();
            }
            publisher
                .exchange_delete(exchange.as_str().into(), Default::default())
                .await
                .unwrap();
            for connection in connections.iter().chain([&publisher_connection]) {
                support_broker::close(connection).await;
            }
        });
    }
    group.finish();
}

criterion_group!(benches, fan_out);
criterion_main!(benches);
