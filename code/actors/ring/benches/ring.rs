//! One group, one table: the same ring on tokio, ractor and Erlang. One
//! criterion iteration is one hop: each sample sends the token as many hops
//! as criterion asks for, around a ring built before the clock starts, and
//! reports the time the ring itself measured. Erlang's time comes from inside
//! its VM, so its start-up is never counted.
use std::time::Duration;

use actors_ring::{ErlangRing, Flavor, Trip, ractor_ring, runtime, tokio_ring};
use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};

fn ring(c: &mut Criterion) {
    let mut group = c.benchmark_group("actors-ring/hop");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    let cores = support_kit::cores().to_string();
    for n in [100usize, 10_000] {
        let check = move |trip: Trip, hops: u64| {
            assert_eq!(
                trip.last as u64,
                hops % n as u64,
                "the token stopped at the wrong actor"
            );
            trip.elapsed
        };
        for (name, flavor) in [
            ("tokio-1-thread", Flavor::CurrentThread),
            ("tokio-multi-thread", Flavor::MultiThread),
        ] {
            let rt = runtime(flavor);
            group.bench_with_input(BenchmarkId::new(name, n), &n, |b, &n| {
                b.iter_custom(|hops| check(rt.block_on(tokio_ring(n, hops)), hops))
            });
        }
        for (name, flavor) in [
            ("ractor-1-thread", Flavor::CurrentThread),
            ("ractor-multi-thread", Flavor::MultiThread),
        ] {
            let rt = runtime(flavor);
            group.bench_with_input(BenchmarkId::new(name, n), &n, |b, &n| {
                b.iter_custom(|hops| check(rt.block_on(ractor_ring(n, hops)), hops))
            });
        }
        for (name, flags) in [
            ("erlang-1-scheduler", vec!["+S", "1"]),
            ("erlang-multi-scheduler", vec!["+S", cores.as_str()]),
        ] {
            let mut erlang = match ErlangRing::start(&flags) {
                Ok(erlang) => erlang,
                Err(why) => {
                    eprintln!("actors-ring: skipping {name}: {why}");
                    continue;
                }
            };
            group.bench_with_input(BenchmarkId::new(name, n), &n, |b, &n| {
                b.iter_custom(|hops| check(erlang.trip(n, hops), hops))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, ring);
criterion_main!(benches);
