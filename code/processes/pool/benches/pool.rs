use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkGroup, BenchmarkId, Criterion, SamplingMode, measurement::WallTime};
use processes_pool::{
    EchoThread, exec_self_and_wait, payload, pool_map, pool_map_chunked, pool_round_trip,
    pool_task_join, procspawn_spawn_join, rayon_map, sequential_map, tasks, thread_spawn_join,
    work, work_batch,
};
use procspawn::Pool;

/// Tasks in every map of the task-size group.
const TASKS: u64 = 16;

fn quick(group: &mut BenchmarkGroup<'_, WallTime>) {
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(200));
    group.measurement_time(Duration::from_millis(700));
}

/// Start something that does nothing and wait for it to finish.
fn startup(c: &mut Criterion, pool: &Pool) {
    let mut group = c.benchmark_group("processes-pool/startup");
    quick(&mut group);
    group.bench_function("thread", |b| b.iter(thread_spawn_join));
    group.bench_function("exec-self", |b| {
        b.iter(|| exec_self_and_wait().expect("the bench can start itself"))
    });
    group.bench_function("procspawn", |b| {
        b.iter(|| procspawn_spawn_join().expect("the process answers"))
    });
    group.bench_function("pool-task", |b| {
        b.iter(|| pool_task_join(pool).expect("the worker answers"))
    });
    group.finish();
}

/// One payload there and back: moved to a thread, or serialised to a worker.
fn payload_size(c: &mut Criterion, pool: &Pool) {
    let mut group = c.benchmark_group("processes-pool/payload");
    quick(&mut group);
    let echo = EchoThread::start();
    for bytes in [8usize, 1_024, 65_536, 1_048_576] {
        let data = payload(bytes);
        group.bench_with_input(BenchmarkId::new("thread", bytes), &data, |b, data| {
            b.iter_batched(
                || data.clone(),
                |data| echo.round_trip(data),
                criterion::BatchSize::LargeInput,
            )
        });
        group.bench_with_input(BenchmarkId::new("pool", bytes), &data, |b, data| {
            b.iter_batched(
                || data.clone(),
                |data| pool_round_trip(pool, data).expect("the worker answers"),
                criterion::BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

/// Sixteen tasks of growing size: where does the pool start to pay?
fn task_size(c: &mut Criterion, pool: &Pool) {
    let mut group = c.benchmark_group("processes-pool/task-size");
    quick(&mut group);
    let workers = pool.size();
    for steps in [100u64, 10_000, 100_000, 1_000_000] {
        let items = tasks(TASKS, steps);
        group.bench_with_input(BenchmarkId::new("sequential", steps), &items, |b, items| {
            b.iter(|| sequential_map(black_box(items.clone()), work))
        });
        group.bench_with_input(BenchmarkId::new("pool", steps), &items, |b, items| {
            b.iter(|| pool_map(pool, black_box(items.clone()), work))
        });
        group.bench_with_input(
            BenchmarkId::new("pool-chunked", steps),
            &items,
            |b, items| {
                b.iter(|| pool_map_chunked(pool, black_box(items.clone()), workers, work_batch))
            },
        );
        group.bench_with_input(BenchmarkId::new("rayon", steps), &items, |b, items| {
            b.iter(|| rayon_map(black_box(items.clone()), work))
        });
    }
    group.finish();
}

fn main() {
    // First: a worker process is this bench program started again.
    processes_pool::init();
    let mut c = Criterion::default().configure_from_args();
    let pool = Pool::new(support_kit::cores()).expect("the pool starts");
    startup(&mut c, &pool);
    payload_size(&mut c, &pool);
    task_size(&mut c, &pool);
    drop(pool);
    c.final_summary();
}
