//! What a copy per subscriber costs: 200 messages through a fan-out exchange
//! to 1, 2, 4 and 8 subscribers, timed from declaring the exchange to the
//! last subscriber holding every message (cleanup included).
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use lapin::ExchangeKind;
use queues_pub_sub::{message, run};

const MESSAGES: u64 = 200;

fn fan_out(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let connection = runtime
        .block_on(support_broker::connect("pub-sub-bench"))
        .unwrap_or_else(|error| panic!("{error}"));
    let messages: Vec<_> = (0..MESSAGES).map(|id| message(id, &["news"])).collect();
    let mut group = c.benchmark_group("queues-pub-sub/fan-out");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(200));
    group.measurement_time(Duration::from_secs(1));
    for subscribers in [1usize, 2, 4, 8] {
        let bindings = vec![""; subscribers];
        group.bench_with_input(
            BenchmarkId::new("fanout", subscribers),
            &bindings,
            |b, bindings| {
                b.iter(|| {
                    let report = runtime
                        .block_on(run(&connection, ExchangeKind::Fanout, bindings, &messages))
                        .unwrap_or_else(|error| panic!("{error}"));
                    assert!(
                        report
                            .subscribers
                            .iter()
                            .all(|(_, got)| got.len() == messages.len())
                    );
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, fan_out);
criterion_main!(benches);
