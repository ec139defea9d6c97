use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Duration;
use testing_async::{failing_attempt, retry_drifting, retry_on_schedule};

const EVERY: Duration = Duration::from_millis(20);
const ATTEMPT: Duration = Duration::from_millis(6);
const DEADLINE: Duration = Duration::from_millis(100);

// What a test of the retry loop costs in real time: the same schedule on the
// real clock and on a paused one, each on a fresh current-thread runtime.
fn clock(c: &mut Criterion) {
    let mut group = c.benchmark_group("testing-async/clock");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_millis(300));
    for paused in [false, true] {
        let name = if paused { "paused" } else { "real" };
        group.bench_function(format!("interval/{name}"), |b| {
            b.iter(|| {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_time()
                    .start_paused(paused)
                    .build()
                    .unwrap();
                rt.block_on(retry_on_schedule(EVERY, DEADLINE, || {
                    failing_attempt(ATTEMPT)
                }))
            })
        });
        group.bench_function(format!("sleep-after/{name}"), |b| {
            b.iter(|| {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_time()
                    .start_paused(paused)
                    .build()
                    .unwrap();
                rt.block_on(retry_drifting(EVERY, DEADLINE, || failing_attempt(ATTEMPT)))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, clock);
criterion_main!(benches);
