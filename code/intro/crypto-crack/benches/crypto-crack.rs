use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use intro_crypto_crack::{crack, crack_sequential, sha256};

/// The target is "zzzz", the last of the 456,976 four-letter candidates, so
/// every run hashes all of them and the times compare the hashing alone.
fn workers(c: &mut Criterion) {
    let target = sha256(b"zzzz");
    let mut group = c.benchmark_group("intro-crypto-crack/workers");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    group.bench_function(BenchmarkId::new("sequential", 1), |b| {
        b.iter(|| crack_sequential(black_box(&target), 4))
    });
    // 16 is past the core count of most laptops: the plateau.
    for workers in [1, 2, 3, 4, 8, 16] {
        group.bench_with_input(BenchmarkId::new("threads", workers), &workers, |b, &w| {
            b.iter(|| crack(black_box(&target), 4, w))
        });
    }
    group.finish();
}

criterion_group!(benches, workers);
criterion_main!(benches);
