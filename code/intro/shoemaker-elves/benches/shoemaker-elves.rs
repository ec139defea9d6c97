use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use intro_shoemaker_elves::{COSTS, workshop};

// Group names start with the package name; scripts/measure turns each group
// into book/intro/generated/<group>.md (a table) and .svg (a chart).
//
// 100 shoes through cut (1 ms), stitch (4 ms), sole (2 ms) and polish (1 ms).
// The parameter is the layout: elves at cut-stitch-sole-polish. One elf at
// stitch lets 250 shoes a second through, so 1-1-1-1 needs about 400 ms; an
// elf added elsewhere changes nothing, one added at stitch halves the time.
fn elves(c: &mut Criterion) {
    let mut group = c.benchmark_group("intro-shoemaker-elves/elves");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(4));
    let layouts = [
        [1, 1, 1, 1],
        [2, 1, 1, 1],
        [1, 1, 1, 2],
        [1, 2, 1, 1],
        [1, 4, 2, 1],
        [2, 8, 4, 2],
    ];
    for elves in layouts {
        let pipeline = workshop(COSTS, elves);
        group.bench_with_input(
            BenchmarkId::new("layout", pipeline.layout()),
            &pipeline,
            |b, pipeline| b.iter(|| pipeline.run(100)),
        );
    }
    group.finish();
}

criterion_group!(benches, elves);
criterion_main!(benches);
