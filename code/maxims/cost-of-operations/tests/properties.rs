//! Each operation does its job, whatever the scheduling of the threads.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use maxims_cost_of_operations::{
    Echo, Lab, Op, atomic_add, channel_send_receive, contended, mutex_add, nanos_per_op,
    order_of_magnitude, round_trip, spawn_process, spawn_task, spawn_thread,
};

#[test]
fn atomic_and_mutex_adds_count_every_step() {
    let atomic = AtomicU64::new(0);
    let mutex = Mutex::new(0);
    for _ in 0..1_000 {
        atomic_add(&atomic);
        mutex_add(&mutex);
    }
    assert_eq!(atomic.load(Ordering::Relaxed), 1_000);
    assert_eq!(*mutex.lock().unwrap(), 1_000);
}

#[test]
fn contended_adds_are_all_counted_for_any_split() {
    for threads in [1, 2, 3, 8] {
        for total in [0, 1, 7, 1_000, 10_001] {
            let mutex = Mutex::new(0);
            contended(threads, total, || mutex_add(&mutex));
            assert_eq!(*mutex.lock().unwrap(), total, "{threads} threads");
            let atomic = AtomicU64::new(0);
            contended(threads, total, || atomic_add(&atomic));
            assert_eq!(atomic.load(Ordering::Relaxed), total, "{threads} threads");
        }
    }
}

#[test]
fn messages_arrive_in_order() {
    let (tx, rx) = mpsc::channel();
    for value in 0..100 {
        assert_eq!(channel_send_receive(&tx, &rx, value), value);
    }
    let echo = Echo::start().unwrap();
    for value in 0..100 {
        assert_eq!(round_trip(&echo, value), value);
    }
    // Dropping the echo ends and joins its thread.
    drop(echo);
}

#[test]
fn threads_and_tasks_return_their_values() {
    for value in [0, 7, u64::MAX] {
        assert_eq!(spawn_thread(value).unwrap(), value);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    for value in [0, 7, u64::MAX] {
        assert_eq!(runtime.block_on(spawn_task(value)), value);
    }
}

#[test]
fn the_child_process_exits_successfully() {
    let status = spawn_process().expect("`true` is installed");
    assert!(status.success());
}

#[test]
fn the_lab_runs_every_operation() {
    let lab = Lab::new(2).unwrap();
    for op in Op::ALL {
        let times = if op == Op::Process { 3 } else { 50 };
        lab.time(op, times).unwrap();
        lab.time(op, 0).unwrap();
    }
}

#[test]
fn every_operation_has_a_distinct_short_id() {
    let mut ids: Vec<&str> = Op::ALL.iter().map(|op| op.id()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), Op::ALL.len());
}

#[test]
fn a_quick_measurement_gives_a_positive_cost() {
    let lab = Lab::new(2).unwrap();
    for op in [Op::AtomicAdd, Op::Thread] {
        let nanos = nanos_per_op(&lab, op, Duration::from_millis(20), 2).unwrap();
        assert!(nanos > 0.0 && nanos.is_finite(), "{op:?}: {nanos}");
    }
}

#[test]
fn orders_of_magnitude_are_powers_of_ten_below() {
    assert_eq!(order_of_magnitude(1.0), 0);
    assert_eq!(order_of_magnitude(9.9), 0);
    assert_eq!(order_of_magnitude(37.2), 1);
    assert_eq!(order_of_magnitude(1_000.0), 3);
    assert_eq!(order_of_magnitude(2_500_000.0), 6);
    assert_eq!(order_of_magnitude(0.5), -1);
}
