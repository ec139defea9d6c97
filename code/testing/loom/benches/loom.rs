use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::time::Duration;
use testing_loom::Orders;
use testing_loom::check::{self, Model};

fn bound_name(bound: Option<usize>) -> String {
    bound.map_or("unbounded".to_string(), |b| format!("p{b}"))
}

// How long loom takes to exhaust the fixed ring's wrap-around model, per preemption bound.
fn prove(c: &mut Criterion) {
    let mut group = c.benchmark_group("testing-loom/prove");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    for bound in [Some(1), Some(2), Some(3), None] {
        group.bench_function(BenchmarkId::new("wrap-around", bound_name(bound)), |b| {
            b.iter(|| {
                let run = check::explore(Model::WrapAround, Orders::ReleaseAcquire, bound);
                assert!(run.failure.is_none());
            })
        });
    }
    group.finish();
}

// How long loom takes to find the relaxed tail, with no preemption bound, in each model.
fn find(c: &mut Criterion) {
    // The failures are expected; keep criterion's output readable.
    std::panic::set_hook(Box::new(|_| {}));
    let mut group = c.benchmark_group("testing-loom/find");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    for model in Model::ALL {
        group.bench_function(BenchmarkId::new("relaxed-tail", model.name()), |b| {
            b.iter(|| {
                let run = check::explore(model, Orders::RelaxedTail, None);
                assert!(run.failure.is_some());
            })
        });
    }
    group.finish();
    let _ = std::panic::take_hook();
}

criterion_group!(benches, prove, find);
criterion_main!(benches);
