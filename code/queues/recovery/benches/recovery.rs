//! What one trip round the reconnect loop costs when the broker is up: open
//! a connection, a channel, set the prefetch and start consuming, then close
//! it all again, the steps `consume_resiliently` repeats after every loss.
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use lapin::options::{BasicConsumeOptions, BasicQosOptions};
use lapin::types::FieldTable;

fn reconnect(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let mut group = c.benchmark_group("queues-recovery/reconnect");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(2));
    let (admin, queue) = runtime.block_on(async {
        let admin = support_broker::connect("recovery-bench admin")
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        let channel = admin.create_channel().await.unwrap();
        let queue = support_broker::unique_name("recovery-bench");
        support_broker::declare_queue(&channel, &queue, FieldTable::default())
            .await
            .unwrap();
        (admin, queue)
    });
    let url = support_broker::amqp_url();
    group.bench_function(BenchmarkId::new("connect-and-consume", 1), |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let started = Instant::now();
                    let connection = support_broker::connect_to(&url, "recovery-bench")
                        .await
                        .unwrap();
                    let channel = connection.create_channel().await.unwrap();
                    channel
                        .basic_qos(10, BasicQosOptions::default())
                        .await
                        .unwrap();
                    let _consumer = channel
                        .basic_consume(
                            queue.as_str().into(),
                            "".into(),
                            BasicConsumeOptions::default(),
                            FieldTable::default(),
                        )
                        .await
                        .unwrap();
                    total += started.elapsed();
                    support_broker::close(&connection).await;
                }
                total
            })
        })
    });
    group.finish();
    runtime.block_on(async {
        let channel = admin.create_channel().await.unwrap();
        support_broker::delete_queues(&channel, &[queue])
            .await
            .unwrap();
        support_broker::close(&admin).await;
    });
}

criterion_group!(benches, reconnect);
criterion_main!(benches);
