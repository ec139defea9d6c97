//! Each operation does its job, whatever the scheduling of the threads.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use maxims_cost_of_operations::{
    Lab, Op, Waiting, atomic_add, channel_send_receive, contended, mutex_add, nanos_per_op,
    nanos_per_rep, order_of_magnitude, relay, spawn_process, spawn_task, spawn_task_elsewhere,
    spawn_thread,
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
            contended(threads, total, |_| mutex_add(&mutex));
            assert_eq!(*mutex.lock().unwrap(), total, "{threads} threads");
            let atomic = AtomicU64::new(0);
            contended(threads, total, |_| atomic_add(&atomic));
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
}

#[test]
fn each_thread_gets_its_own_index_and_an_even_share() {
    for threads in [1, 2, 3, 8] {
        for total in [0, 1, 7, 1_000, 10_001] {
            let per_thread: Vec<AtomicU64> = (0..threads).map(|_| AtomicU64::new(0)).collect();
            contended(threads, total, |i| atomic_add(&per_thread[i]));
            let counts: Vec<u64> = per_thread
                .iter()
                .map(|c| c.load(Ordering::Relaxed))
                .collect();
            assert_eq!(counts.iter().sum::<u64>(), total, "{threads} threads");
            let (min, max) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
            assert!(max - min <= 1, "{threads} threads, {total}: {counts:?}");
        }
    }
}

#[test]
fn a_relay_makes_the_hops_asked_for_busy_or_asleep() {
    // The partner answers every value with value + 1 (the relay asserts it),
    // and makes one hop of every round trip.
    for waiting in [Waiting::Spin, Waiting::Sleep] {
        for hops in [0, 1, 2, 3, 10, 1_001] {
            let (elapsed, partner_hops) = relay(waiting, hops);
            assert_eq!(partner_hops, hops.div_ceil(2), "{waiting:?}, {hops} hops");
            if hops == 0 {
                assert_eq!(elapsed, Duration::ZERO);
            }
        }
    }
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
        assert_eq!(spawn_task_elsewhere(&runtime, value), value);
    }
}

#[test]
fn a_task_spawned_from_a_task_stays_on_its_worker_and_one_from_outside_does_not() {
    // What the two task rows claim to measure. tokio runs a task spawned
    // from a worker on that same worker when the spawner waits for it (the
    // LIFO slot); a task spawned from a plain thread runs on a worker.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    for _ in 0..20 {
        let (spawner, runner) = runtime.block_on(async {
            tokio::spawn(async {
                let spawner = std::thread::current().id();
                let runner = tokio::spawn(async { std::thread::current().id() })
                    .await
                    .unwrap();
                (spawner, runner)
            })
            .await
            .unwrap()
        });
        assert_eq!(spawner, runner);
    }
    let here = std::thread::current().id();
    let there = runtime.block_on(runtime.spawn(async { std::thread::current().id() }));
    assert_ne!(there.unwrap(), here);
}

#[test]
fn the_child_process_exits_successfully() {
    let status = spawn_process().expect("`true` is installed");
    assert!(status.success());
}

#[test]
fn the_lab_runs_every_operation_and_each_counter_step_counts() {
    let lab = Lab::new(2).unwrap();
    for op in Op::ALL {
        let times = if op == Op::Process { 3 } else { 50 };
        let before = lab.counts();
        lab.time(op, times).unwrap();
        lab.time(op, 0).unwrap();
        let after = lab.counts();
        let grew: Vec<u64> = after.iter().zip(before).map(|(a, b)| a - b).collect();
        // [one counter, mutex, one-line counters, padded counters]
        let expected = match op {
            Op::AtomicAdd | Op::AtomicAddContended => [times, 0, 0, 0],
            Op::Mutex | Op::MutexContended => [0, times, 0, 0],
            Op::FalseSharing => [0, 0, times, 0],
            Op::CachePadded => [0, 0, 0, times],
            _ => [0; 4],
        };
        assert_eq!(grew, expected, "{op:?}");
    }
}

#[test]
fn the_lab_keeps_at_most_one_line_of_contenders() {
    let lab = Lab::new(64).unwrap();
    lab.time(Op::FalseSharing, 100).unwrap();
    lab.time(Op::CachePadded, 100).unwrap();
    assert_eq!(lab.counts()[2..], [100, 100]);
}

#[test]
fn every_operation_has_a_distinct_short_id() {
    let mut ids: Vec<&str> = Op::ALL.iter().map(|op| op.id()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), Op::ALL.len());
}

#[test]
fn the_measurement_divides_by_the_repetitions_and_keeps_the_median_batch() {
    // A fake operation that costs exactly 250 ns a repetition, on a fake
    // clock: whatever the budget, the answer is 250.
    for (budget_ms, batches) in [(1, 1), (20, 3), (300, 5)] {
        let budget = Duration::from_millis(budget_ms);
        let fake = |times: u64| Ok(Duration::from_nanos(250 * times));
        let nanos = nanos_per_rep(fake, budget, batches).unwrap();
        assert!((nanos - 250.0).abs() < 1e-6, "{nanos}");
    }
    // Calibration at 1 µs a repetition doubles the count 20 times, until a
    // run fills a tenth of the 10 s budget (2^20 µs). The five batches after
    // it cost 100, 900, 300, 5000 and 200 ns a repetition: the median is
    // 300, which is neither the mean, the first, the last nor an extreme.
    let mut calls = 0;
    let calibrated_then_noisy = |times: u64| {
        calls += 1;
        let per_rep = if calls <= 21 {
            1_000
        } else {
            [100, 900, 300, 5_000, 200][(calls - 22) % 5]
        };
        Ok(Duration::from_nanos(per_rep * times))
    };
    let budget = Duration::from_secs(10);
    let median = nanos_per_rep(calibrated_then_noisy, budget, 5).unwrap();
    assert!((median - 300.0).abs() < 1e-6, "{median}");
    // An error from the operation is passed on, not swallowed.
    let failing = |_| Err(std::io::Error::other("no such program"));
    assert!(nanos_per_rep(failing, budget, 3).is_err());
}

#[test]
fn a_quick_measurement_of_the_lab_runs() {
    let lab = Lab::new(2).unwrap();
    for op in [Op::AtomicAdd, Op::ContextSwitch] {
        let nanos = nanos_per_op(&lab, op, Duration::from_millis(20), 2).unwrap();
        assert!(nanos.is_finite(), "{op:?}: {nanos}");
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
