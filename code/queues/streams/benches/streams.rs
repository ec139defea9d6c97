//! Consuming the same 2,000 messages with manual acks and a prefetch of 100,
//! from a stream and from a classic queue, timed from `basic.consume` to the
//! last ack. The stream is filled once and every iteration reads it again
//! from `first`; the classic queue is refilled before each iteration,
//! outside the clock, because reading it empties it.
use std::time::{Duration, Instant};

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use queues_streams::{Offset, Reader, declare_classic, declare_stream, publish};

const MESSAGES: u64 = 2_000;

fn consume(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let mut group = c.benchmark_group("queues-streams/consume");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(2));
    group.throughput(Throughput::Elements(MESSAGES));
    let connection = runtime.block_on(async {
        support_broker::connect("streams-bench")
            .await
            .unwrap_or_else(|error| panic!("{error}"))
    });
    let channel = runtime.block_on(connection.create_channel()).unwrap();
    let stream = support_broker::unique_name("streams-bench-stream");
    let classic = support_broker::unique_name("streams-bench-classic");
    runtime.block_on(async {
        declare_stream(&channel, &stream).await.unwrap();
        declare_classic(&channel, &classic).await.unwrap();
        publish(&channel, &stream, 0, MESSAGES).await.unwrap();
    });
    let count = MESSAGES as usize;
    group.bench_function(BenchmarkId::new("stream", MESSAGES), |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let started = Instant::now();
                    let mut reader = Reader::attach(&connection, &stream, Some(Offset::First), 100)
                        .await
                        .unwrap();
                    let got = reader.read(count, Duration::from_secs(10)).await.unwrap();
                    total += started.elapsed();
                    assert_eq!(got.len(), count);
                    reader.close().await.unwrap();
                }
                total
            })
        })
    });
    group.bench_function(BenchmarkId::new("classic", MESSAGES), |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    publish(&channel, &classic, 0, MESSAGES).await.unwrap();
                    let started = Instant::now();
                    let mut reader = Reader::attach(&connection, &classic, None, 100)
                        .await
                        .unwrap();
                    let got = reader.read(count, Duration::from_secs(10)).await.unwrap();
                    total += started.elapsed();
                    assert_eq!(got.len(), count);
                    reader.close().await.unwrap();
                }
                total
            })
        })
    });
    group.finish();
    runtime.block_on(async {
        support_broker::delete_queues(&channel, &[stream, classic])
            .await
            .unwrap();
        support_broker::close(&connection).await;
    });
}

criterion_group!(benches, consume);
criterion_main!(benches);
