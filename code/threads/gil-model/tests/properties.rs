use std::sync::atomic::AtomicU64;
use std::time::Duration;

use support_kit::testing::within;
use threads_gil_model::{Interpreter, SWITCH_INTERVAL, cpu_bound, io_bound};

const SHORT: Duration = Duration::from_millis(1);

#[test]
fn with_the_gil_at_most_one_thread_runs_bytecode_and_all_work_is_done() {
    for threads in [1, 2, 4] {
        let gil = within(Duration::from_secs(60), move || {
            let gil = Interpreter::new(Some(SHORT));
            cpu_bound(&gil, threads, 20_000);
            io_bound(&gil, threads, 8, SHORT);
            gil
        });
        let report = gil.report();
        assert_eq!(report.most_running, 1, "{threads} threads: {report:?}");
        assert_eq!(report.slices, 20_000 + 8 * 10, "{report:?}");
        assert_eq!(report.waits, 8, "{report:?}");
    }
}

#[test]
fn a_waiting_thread_forces_a_switch() {
    // Two CPU-bound threads, each far longer than the interval: the one
    // that waits must ask, and the holder must let go.
    let report = within(Duration::from_secs(60), || {
        let gil = Interpreter::new(Some(SHORT));
        cpu_bound(&gil, 2, 20_000);
        gil.report()
    });
    assert!(report.forced_switches >= 1, "{report:?}");
    assert_eq!(report.most_running, 1);
}

#[test]
fn without_the_gil_all_work_is_done_too() {
    let free = Interpreter::new(None);
    cpu_bound(&free, 4, 20_000);
    io_bound(&free, 4, 8, SHORT);
    let report = free.report();
    assert_eq!((report.slices, report.waits), (20_000 + 80, 8));
    assert_eq!(report.forced_switches, 0);
}

#[test]
fn plus_equals_with_nothing_between_load_and_store_loses_nothing_under_the_gil() {
    // Only a run in which the GIL changed hands could lose an update, so
    // the test counts those runs and needs five of them; every run, with or
    // without a switch, must count exactly. A switch point between the load
    // and the store makes this fail.
    let mut switched = 0;
    for _ in 0..50 {
        let (counter, report) = within(Duration::from_secs(60), || {
            let gil = Interpreter::new(Some(SHORT));
            let counter = AtomicU64::new(0);
            gil.run(2, |_| gil.add_plain(&counter, 3_000_000));
            (counter.into_inner(), gil.report())
        });
        assert_eq!(counter, 6_000_000, "{report:?}");
        switched += u32::from(report.forced_switches >= 1);
        if switched == 5 {
            break;
        }
    }
    assert_eq!(switched, 5, "too few runs in which the GIL changed hands");
}

#[test]
fn plus_equals_with_a_switch_point_between_can_lose_updates_and_never_gains() {
    // Whether a switch lands between a load and its store is up to timing,
    // so this runs until it happens (it takes one or two runs: the second
    // thread forces a switch after one interval).
    let lost = within(Duration::from_secs(60), || {
        for _ in 0..100 {
            let gil = Interpreter::new(Some(SWITCH_INTERVAL));
            let counter = AtomicU64::new(0);
            gil.run(2, |_| gil.add_with_call(&counter, 5_000_000));
            let total = counter.into_inner();
            assert!(total <= 10_000_000);
            if total < 10_000_000 {
                return true;
            }
        }
        false
    });
    assert!(lost, "no update lost in 100 runs");
}
