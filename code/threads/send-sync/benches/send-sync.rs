use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use threads_send_sync::{arc_clone_drop, mutex_add, rc_clone_drop, refcell_add};

/// The price of thread safety on one thread: the Send/Sync type against the
/// one the compiler refuses to share.
fn price(c: &mut Criterion) {
    let mut group = c.benchmark_group("threads-send-sync/price");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    let rc = Rc::new(7u64);
    group.bench_function("Rc clone + drop", |b| b.iter(|| rc_clone_drop(&rc)));
    let arc = Arc::new(7u64);
    group.bench_function("Arc clone + drop", |b| b.iter(|| arc_clone_drop(&arc)));
    let cell = RefCell::new(0u64);
    group.bench_function("RefCell borrow_mut", |b| b.iter(|| refcell_add(&cell)));
    let mutex = Mutex::new(0u64);
    group.bench_function("Mutex lock", |b| b.iter(|| mutex_add(&mutex)));
    group.finish();
}

criterion_group!(benches, price);
criterion_main!(benches);
