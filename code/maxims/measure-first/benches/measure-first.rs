use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use maxims_measure_first::{Method, Problem};

/// Every method answers the same 30,000 queries against the same 50,000
/// unsorted numbers (the command line's defaults), so the speed-up column
/// compares methods on one problem.
fn lookup(c: &mut Criterion) {
    let problem = Problem::generate(30_000, 50_000, 1);
    let mut group = c.benchmark_group("maxims-measure-first/lookup");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    let methods = [
        Method::LinearScan,
        Method::LinearScanThreads(2),
        Method::LinearScanThreads(4),
        Method::SortedBinarySearch,
        Method::HashSet,
        Method::HashSetThreads(2),
        Method::HashSetThreads(4),
    ];
    for method in methods {
        let id = BenchmarkId::new(method.name(), method.workers());
        group.bench_function(id, |b| b.iter(|| method.hits(black_box(&problem))));
    }
    group.finish();
}

criterion_group!(benches, lookup);
criterion_main!(benches);
