use criterion::{Criterion, criterion_group, criterion_main};
use std::path::Path;
use std::time::Duration;
use testing_faults::{Order, fetch_resuming, start_cutting_proxy, start_server, supervise};

// How long recovery from each injected fault takes. The supervisor records
// the time from SIGKILL to the restarted worker's first ack (a new process
// started, the unacknowledged jobs resent); the stream, cut after every 2,000
// bytes, is read whole by reconnecting, so its time per connection is the
// cost of one cut and resume.
fn recovery(c: &mut Criterion) {
    let mut group = c.benchmark_group("testing-faults/recovery");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(300));
    let exe = Path::new(env!("CARGO_BIN_EXE_testing-faults"));
    group.bench_function("sigkill-restart", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    supervise(exe, Order::WriteFirst, 2, Some(0))
                        .unwrap()
                        .recovery[0]
                })
                .sum()
        })
    });
    let server = start_server(1_000).unwrap();
    let cutting = start_cutting_proxy(server, 2_000).unwrap();
    let whole = start_cutting_proxy(server, usize::MAX).unwrap();
    group.bench_function("stream-whole", |b| {
        b.iter(|| fetch_resuming(whole, 1).unwrap())
    });
    group.bench_function("stream-cut-every-2000-bytes", |b| {
        b.iter(|| fetch_resuming(cutting, 1_000).unwrap())
    });
    group.finish();
}

criterion_group!(benches, recovery);
criterion_main!(benches);
