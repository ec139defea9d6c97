use threads_python::{PythonThreads, rust_cpu, rust_fetch_add, rust_io, spin};

fn python() -> PythonThreads {
    PythonThreads::start().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn python_and_rust_run_the_same_spin_loop() {
    // The same steps give the same number on both sides, so the CPU rows
    // compare the same work.
    let mut py = python();
    for threads in [1, 2, 4] {
        let (_, rust) = rust_cpu(threads, 10_000);
        let expected = (0..threads).map(|i| spin(10_000 / threads, i)).sum::<u64>() & 0xFFFF_FFFF;
        assert_eq!(rust, expected);
        let (_, python) = py.cpu(threads, 10_000).expect("python runs");
        assert_eq!(python, expected, "{threads} threads");
    }
}

#[test]
fn every_wait_is_done_on_both_sides() {
    let mut py = python();
    for threads in [1, 2, 4] {
        assert_eq!(py.io(threads, 8, 1).expect("python runs").1, 8);
        assert_eq!(rust_io(threads, 8, 1).1, 8);
    }
}

#[test]
fn the_switch_interval_is_cpythons_default() {
    assert_eq!(python().switch_interval().expect("python runs"), "0.005");
}

#[test]
fn python_plus_equals_never_gains_and_one_thread_never_loses() {
    let mut py = python();
    assert_eq!(py.add(1, 100_000, true).expect("runs"), 100_000);
    for call in [false, true] {
        assert!(py.add(2, 100_000, call).expect("runs") <= 200_000);
    }
}

#[test]
fn python_plus_equals_with_a_call_loses_updates() {
    // A switch must land between the load and the store at least once in
    // ten runs of two threads × a million: in practice it does in every run.
    let mut py = python();
    let short = (0..10)
        .filter(|_| py.add(2, 1_000_000, true).expect("runs") < 2_000_000)
        .count();
    assert!(short > 0, "no update lost in 10 runs");
}

#[test]
fn fetch_add_loses_nothing() {
    for _ in 0..10 {
        assert_eq!(rust_fetch_add(2, 100_000), 200_000);
    }
}
