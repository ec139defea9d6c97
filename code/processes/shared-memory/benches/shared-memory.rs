use std::path::Path;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use processes_shared_memory::{Link, Transport};

/// Bytes moved per iteration, whatever the message size.
const VOLUME: usize = 1 << 20;

/// One iteration moves 1 MiB from this process to a worker process in
/// messages of the given size and waits for the worker to acknowledge the
/// last one. Each worker is started once per series and point, not per
/// iteration, so only the transfer is timed.
fn ipc_throughput(c: &mut Criterion) {
    let exe = Path::new(env!("CARGO_BIN_EXE_processes-shared-memory"));
    let mut group = c.benchmark_group("processes-shared-memory/ipc-throughput");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    for bytes in [64usize, 1_024, 65_536, 1_048_576] {
        for transport in Transport::ALL {
            let batch = (VOLUME / bytes) as u64;
            let mut link = Link::open(exe, transport, bytes, batch, false).expect("worker starts");
            group.bench_with_input(BenchmarkId::new(transport.name(), bytes), &bytes, |b, _| {
                b.iter(|| link.send_batch().expect("the worker receives"))
            });
            let report = link.finish().expect("the worker reports");
            assert_eq!(report.received, link.sent(), "{transport}");
            assert_eq!(report.out_of_order + report.corrupt, 0, "{transport}");
        }
    }
    group.finish();
}

criterion_group!(benches, ipc_throughput);
criterion_main!(benches);
