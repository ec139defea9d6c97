//! What a call costs: 1, 10 and 100 calls in flight at once to one server
//! that answers at once, with a private reply queue and with direct
//! reply-to, timed until every caller has its answer.
use std::sync::Arc;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use queues_rpc::{Client, ReplyTo, declare_request_queue, delete_queue, serve};

async fn echo(request: Vec<u8>) -> Vec<u8> {
    request
}

fn calls(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let connection = runtime
        .block_on(support_broker::connect("rpc-bench"))
        .unwrap_or_else(|error| panic!("{error}"));
    let queue = support_broker::unique_name("rpc-bench");
    runtime
        .block_on(declare_request_queue(&connection, &queue))
        .unwrap();
    let server = runtime
        .block_on(serve(&connection, &queue, 100, echo))
        .unwrap();
    let mut group = c.benchmark_group("queues-rpc/calls");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(200));
    group.measurement_time(Duration::from_secs(1));
    for (series, mode) in [
        ("private-queue", ReplyTo::PrivateQueue),
        ("direct-reply-to", ReplyTo::Direct),
    ] {
        let client = Arc::new(
            runtime
                .block_on(Client::new(&connection, &queue, mode))
                .unwrap(),
        );
        for in_flight in [1usize, 10, 100] {
            group.bench_with_input(
                BenchmarkId::new(series, in_flight),
                &in_flight,
                |b, &in_flight| {
                    b.iter(|| {
                        runtime.block_on(async {
                            let callers: Vec<_> = (0..in_flight)
                                .map(|i| {
                                    let client = Arc::clone(&client);
                                    tokio::spawn(async move {
                                        let request = i.to_string().into_bytes();
                                        let answer = client
                                            .call(&request, Duration::from_secs(10))
                                            .await
                                            .expect("an answer");
                                        assert_eq!(answer, request);
                                    })
                                })
                                .collect();
                            for caller in callers {
                                caller.await.expect("a caller panicked");
                            }
                        })
                    })
                },
            );
        }
        let client = Arc::into_inner(client).expect("every caller has finished");
        runtime.block_on(client.close()).unwrap();
    }
    group.finish();
    runtime.block_on(server.stop()).unwrap();
    runtime.block_on(delete_queue(&connection, &queue)).unwrap();
}

criterion_group!(benches, calls);
criterion_main!(benches);
