use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use csp_channel_shootout::{Kind, ping_pong, runtime, throughput};

/// Messages per throughput run: each measurement is the time for all of them.
const MESSAGES: u64 = 100_000;

/// One round trip: criterion asks for `iters` of them and gets the time the
/// rounds took, without the spawn of the echo thread or task.
fn ping_pong_group(c: &mut Criterion) {
    let runtime = runtime();
    let mut group = c.benchmark_group("csp-channel-shootout/ping-pong");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    for kind in Kind::ALL {
        group.bench_function(kind.name(), |b| {
            b.iter_custom(|iters| {
                let (ball, time) = ping_pong(kind, iters, &runtime);
                assert_eq!(ball, iters);
                time
            })
        });
    }
    group.finish();
}

/// 100,000 messages from 1 or 4 producers into one consumer.
fn throughput_group(c: &mut Criterion) {
    let runtime = runtime();
    let mut group = c.benchmark_group("csp-channel-shootout/throughput");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_millis(1_500));
    for producers in [1, 4] {
        for kind in Kind::ALL {
            group.bench_with_input(
                BenchmarkId::new(kind.name(), producers),
                &producers,
                |b, &p| {
                    b.iter_custom(|iters| {
                        (0..iters)
                            .map(|_| {
                                let (received, time) = throughput(kind, p, MESSAGES, &runtime);
                                assert_eq!(received.count, MESSAGES);
                                time
                            })
                            .sum()
                    })
                },
            );
        }
    }
    group.finish();
}

criterion_group!(benches, ping_pong_group, throughput_group);
criterion_main!(benches);
