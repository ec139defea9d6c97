use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

use choosing_loc::{SOLUTIONS, Syntax, count_anchored, default_root};

// What the measured column costs: reading and counting every listing the
// chapter's tables use, and counting one listing already in memory.
fn count(c: &mut Criterion) {
    let mut group = c.benchmark_group("choosing-loc/count");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(1))
        .warm_up_time(Duration::from_millis(300));
    let root = default_root();
    let listings: usize = SOLUTIONS.iter().map(|s| s.listings.len()).sum();
    group.bench_with_input(
        BenchmarkId::new("every-solution-from-disk", listings),
        &root,
        |b, root| {
            b.iter(|| {
                SOLUTIONS
                    .iter()
                    .map(|s| s.count(black_box(root)).ok().flatten().unwrap_or(0))
                    .sum::<usize>()
            })
        },
    );
    let text =
        std::fs::read_to_string(root.join("code/choosing/loc/src/lib.rs")).unwrap_or_default();
    group.bench_with_input(
        BenchmarkId::new("one-listing-in-memory", 1),
        &text,
        |b, text| b.iter(|| count_anchored(black_box(text), "count", Syntax::Slashes)),
    );
    group.finish();
}

criterion_group!(benches, count);
criterion_main!(benches);
