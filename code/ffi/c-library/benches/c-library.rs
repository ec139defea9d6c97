use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ffi_c_library::{Scanner, corpus, scan_all};
use std::time::Duration;

// 64 texts of 2,000 words, split among 1, 2 or 4 threads. The shared scanner is
// left out: its answers are wrong, so its speed means nothing.
fn threads(c: &mut Criterion) {
    let texts = corpus(64, 2_000);
    let mut group = c.benchmark_group("ffi-c-library/threads");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(3));
    for scanner in [Scanner::Locked, Scanner::ThreadLocal, Scanner::Reentrant] {
        for threads in [1usize, 2, 4] {
            group.bench_with_input(
                BenchmarkId::new(scanner.name(), threads),
                &threads,
                |b, &t| b.iter(|| scan_all(scanner, texts, t, 4)),
            );
        }
    }
    group.finish();
}

criterion_group!(benches, threads);
criterion_main!(benches);
