use std::hint::black_box;
use std::path::Path;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use processes_ipc_channel::{Request, Response, Worker, answer, text_of_bytes};

/// One word-count request and its response, by the size of the text: to a
/// worker process over ipc-channel, and to a thread in this process over a
/// std channel with the same types and the same `answer` function. The
/// difference is what crossing the process boundary costs: encoding, a copy
/// through the kernel, decoding, and waking another process.
fn round_trip(c: &mut Criterion) {
    let program = Path::new(env!("CARGO_BIN_EXE_processes-ipc-channel"));
    let worker = Worker::spawn(program, Duration::from_secs(30)).expect("start a worker");

    let (to_thread, thread_requests) = mpsc::channel::<Request>();
    let (thread_responses, from_thread) = mpsc::channel::<Response>();
    let server = thread::spawn(move || {
        for request in thread_requests {
            if thread_responses.send(answer(&request)).is_err() {
                break;
            }
        }
    });

    let mut group = c.benchmark_group("processes-ipc-channel/round-trip");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    for bytes in [16usize, 1_024, 65_536, 1_048_576] {
        let text = text_of_bytes(bytes);
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_with_input(BenchmarkId::new("process", bytes), &text, |b, text| {
            b.iter(|| {
                let request = Request::CountWords(text.clone());
                black_box(worker.call(request).expect("a response"))
            })
        });
        group.bench_with_input(BenchmarkId::new("thread", bytes), &text, |b, text| {
            b.iter(|| {
                to_thread
                    .send(Request::CountWords(text.clone()))
                    .expect("send");
                black_box(from_thread.recv().expect("a response"))
            })
        });
    }
    group.finish();
    drop(to_thread);
    server.join().expect("the thread ends");
    worker.shutdown().expect("the worker exits");
}

criterion_group!(benches, round_trip);
criterion_main!(benches);
