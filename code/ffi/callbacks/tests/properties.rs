use ffi_callbacks::{CallbackError, Runner, expected_sum, mixed_sum, on_c_threads};
use std::collections::HashSet;
use std::sync::{Barrier, Mutex};
use std::thread::ThreadId;
use std::time::Duration;

#[test]
fn every_item_is_visited_once_by_its_own_thread() {
    let seen = Mutex::new(Vec::new());
    on_c_threads(4, 100, &|thread, item| {
        seen.lock().unwrap().push((thread, item))
    })
    .unwrap();
    let mut seen = seen.into_inner().unwrap();
    seen.sort_unstable();
    let all: Vec<(u32, u64)> = (0..4).flat_map(|t| (0..100).map(move |i| (t, i))).collect();
    assert_eq!(seen, all);
}

#[test]
fn the_callbacks_run_on_threads_rust_did_not_start() {
    let caller = std::thread::current().id();
    let ids: Mutex<HashSet<ThreadId>> = Mutex::default();
    on_c_threads(3, 10, &|_, _| {
        ids.lock().unwrap().insert(std::thread::current().id());
    })
    .unwrap();
    let ids = ids.into_inner().unwrap();
    assert_eq!(ids.len(), 3);
    assert!(!ids.contains(&caller));
}

#[test]
fn the_c_threads_run_at_the_same_time() {
    // Every thread waits at a barrier on its first item: this finishes only if
    // all four are running at once (run one after another, it would hang).
    support_kit::testing::within(Duration::from_secs(20), || {
        let barrier = Barrier::new(4);
        on_c_threads(4, 2, &|_, item| {
            if item == 0 {
                barrier.wait();
            }
        })
        .unwrap();
    });
}

#[test]
fn the_sum_is_right_on_every_runner_and_thread_count() {
    for runner in [
        Runner::CThreads,
        Runner::CThreadsUnguarded,
        Runner::RustThreads,
    ] {
        for threads in [1, 2, 3, 4, 8] {
            assert_eq!(
                mixed_sum(runner, threads, 10_000, 2),
                expected_sum(threads, 10_000, 2),
                "{runner:?} on {threads} threads"
            );
        }
    }
}

// ANCHOR: caught
#[test]
fn a_panic_in_the_callback_comes_back_as_an_error() {
    let visited = Mutex::new(0u64);
    let outcome = on_c_threads(2, 10, &|thread, item| {
        if thread == 1 && item == 3 {
            panic!("item 3 on thread 1 went wrong");
        }
        *visited.lock().unwrap() += 1;
    });
    let expected = CallbackError::Panicked("item 3 on thread 1 went wrong".to_string());
    assert_eq!(outcome, Err(expected));
    // Thread 0 did all ten; thread 1 stopped at the panic, after three.
    assert_eq!(visited.into_inner().unwrap(), 10 + 3);
}
// ANCHOR_END: caught
