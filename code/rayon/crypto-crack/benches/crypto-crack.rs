use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use rayon_crypto_crack::{Strategy, pool, sha256};

/// "zzzz" is the last of the 456,976 four-letter candidates, so every run
/// hashes all of them: rayon's find_any beside the Introduction's sequential
/// loop and atomic cursor and the CSP chapter's channel pool and prefilled
/// queue, on the same target, in one group.
fn workers(c: &mut Criterion) {
    let target = sha256(b"zzzz");
    let mut group = c.benchmark_group("rayon-crypto-crack/workers");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_millis(1_500));
    let single = pool(1);
    group.bench_function(BenchmarkId::new("sequential", 1), |b| {
        b.iter(|| Strategy::Sequential.crack(black_box(&target), 4, 1, &single))
    });
    for workers in [1, 2, 4] {
        let pool = pool(workers);
        for strategy in &Strategy::ALL[1..] {
            group.bench_with_input(
                BenchmarkId::new(strategy.name(), workers),
                &workers,
                |b, &w| b.iter(|| strategy.crack(black_box(&target), 4, w, &pool)),
            );
        }
    }
    group.finish();
}

criterion_group!(benches, workers);
criterion_main!(benches);
