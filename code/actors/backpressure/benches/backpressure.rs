use std::time::Duration;

use actors_backpressure::{Load, MAILBOXES, run, runtime};
use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};

fn mailbox(c: &mut Criterion) {
    let runtime = runtime();
    let load = Load {
        messages: 20_000,
        payload_bytes: 1_024,
        produce_rounds: 1_000,
        handle_rounds: 5_000,
    };
    let mut group = c.benchmark_group("actors-backpressure/mailbox");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(2));
    for mailbox in MAILBOXES {
        group.bench_function(BenchmarkId::from_parameter(mailbox.name()), |b| {
            b.iter(|| runtime.block_on(run(mailbox, load)))
        });
    }
    group.finish();
}

criterion_group!(benches, mailbox);
criterion_main!(benches);
