use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use csp_prime_sieve::{daisy_chain, sequential_sieve};

/// The first 100, 300 and 1,000 primes: the chain's messages grow with the
/// square of the count, the sieve's work only a little faster than the count.
fn primes(c: &mut Criterion) {
    let mut group = c.benchmark_group("csp-prime-sieve/primes");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(200));
    group.measurement_time(Duration::from_secs(1));
    for count in [100usize, 300, 1_000] {
        group.bench_with_input(BenchmarkId::new("daisy-chain", count), &count, |b, &n| {
            b.iter(|| daisy_chain(black_box(n), 0).expect("threads start"))
        });
        group.bench_with_input(
            BenchmarkId::new("sequential-sieve", count),
            &count,
            |b, &n| b.iter(|| sequential_sieve(black_box(n))),
        );
    }
    group.finish();
}

criterion_group!(benches, primes);
criterion_main!(benches);
