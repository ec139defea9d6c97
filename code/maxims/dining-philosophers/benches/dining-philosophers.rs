use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use maxims_dining_philosophers::{Pace, Strategy, Until, dine};

/// Each philosopher eats this many meals; the table serves five times as many.
const MEALS: u64 = 200;

const PACE: Pace = Pace {
    think: Duration::from_micros(100),
    reach: Duration::from_micros(100),
    eat: Duration::from_micros(100),
    backoff: Duration::from_micros(200),
};

/// The time to serve 5 × 200 meals with each of the three fixes.
fn meals(c: &mut Criterion) {
    let mut group = c.benchmark_group("maxims-dining-philosophers/meals");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(4));
    for strategy in [
        Strategy::Ordered,
        Strategy::Waiter,
        Strategy::TryLockBackoff,
    ] {
        group.bench_function(strategy.name(), |b| {
            b.iter(|| dine(strategy, PACE, Until::Meals(MEALS), Duration::from_secs(5)))
        });
    }
    group.finish();
}

criterion_group!(benches, meals);
criterion_main!(benches);
