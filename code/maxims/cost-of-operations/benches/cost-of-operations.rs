use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use maxims_cost_of_operations::{Lab, Op};

/// One benchmark per operation, all timed by the same `Lab::time` the
/// command line uses. `iter_custom` hands it the number of repetitions and
/// takes back the elapsed time, which also suits the contended mutex: two
/// threads share the repetitions, and the time per repetition is the wall
/// time divided by the total number of locks.
fn ops(c: &mut Criterion) {
    let lab = Lab::new(2).expect("the lab starts");
    let mut group = c.benchmark_group("maxims-cost-of-operations/ops");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    for op in Op::ALL {
        group.bench_function(op.id(), |b| {
            b.iter_custom(|times| lab.time(op, times).expect("the operation runs"))
        });
    }
    group.finish();
}

criterion_group!(benches, ops);
criterion_main!(benches);
