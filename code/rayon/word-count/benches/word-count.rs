use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use rayon_word_count::{Strategy, pool, text};

/// The CLI's default text: two million words from a vocabulary of ten
/// thousand, every version with one thread per core.
fn strategy(c: &mut Criterion) {
    let text = text(2_000_000, 10_000, 42);
    let workers = support_kit::cores();
    let pool = pool(workers);
    let mut group = c.benchmark_group("rayon-word-count/strategy");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_millis(2_000));
    for strategy in Strategy::ALL {
        group.bench_function(strategy.name(), |b| {
            b.iter(|| strategy.count(&text, workers, &pool))
        });
    }
    group.finish();
}

criterion_group!(benches, strategy);
criterion_main!(benches);
