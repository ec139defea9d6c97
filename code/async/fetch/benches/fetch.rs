use async_fetch::Server;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::time::Duration;

const PAGES: usize = 32;
const LATENCY: Duration = Duration::from_millis(10);

// Group names start with the package name; scripts/measure turns each group
// into book/async/generated/<group>.md (a table) and .svg (a chart).
fn strategy(c: &mut Criterion) {
    let server = Server::start(LATENCY).expect("a local port");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (client, base) = (async_fetch::client(), server.url());
    let mut group = c.benchmark_group("async-fetch/strategy");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    group.bench_function(BenchmarkId::new("sequential", PAGES), |b| {
        b.iter(|| {
            runtime
                .block_on(async_fetch::sequential(&client, &base, PAGES))
                .unwrap()
        })
    });
    group.bench_function(BenchmarkId::new("join_all", PAGES), |b| {
        b.iter(|| {
            runtime
                .block_on(async_fetch::join_all(&client, &base, PAGES))
                .unwrap()
        })
    });
    group.bench_function(BenchmarkId::new("buffer_unordered(8)", PAGES), |b| {
        b.iter(|| {
            runtime
                .block_on(async_fetch::buffer_unordered(
                    &client,
                    &base,
                    PAGES,
                    8,
                    || (),
                ))
                .unwrap()
        })
    });
    group.bench_function(BenchmarkId::new("JoinSet(8)", PAGES), |b| {
        b.iter(|| {
            runtime
                .block_on(async_fetch::join_set(&client, &base, PAGES, 8))
                .unwrap()
        })
    });
    group.finish();
}

fn against_k(c: &mut Criterion) {
    let server = Server::start(LATENCY).expect("a local port");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (client, base) = (async_fetch::client(), server.url());
    let mut group = c.benchmark_group("async-fetch/k");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for k in [1, 2, 4, 8, 16, 32] {
        group.bench_with_input(BenchmarkId::new("buffer_unordered", k), &k, |b, &k| {
            b.iter(|| {
                runtime
                    .block_on(async_fetch::buffer_unordered(
                        &client,
                        &base,
                        PAGES,
                        k,
                        || (),
                    ))
                    .unwrap()
            })
        });
        group.bench_with_input(BenchmarkId::new("JoinSet", k), &k, |b, &k| {
            b.iter(|| {
                runtime
                    .block_on(async_fetch::join_set(&client, &base, PAGES, k))
                    .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, strategy, against_k);
criterion_main!(benches);
