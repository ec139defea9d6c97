use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use async_door_knock::{
    kib_field, knock_with_tasks, knock_with_threads, task_footprint, thread_footprint, thread_limit,
};
use support_kit::testing::within;

const LIMIT: Duration = Duration::from_secs(120);

/// The footprint test reads the whole process's resident set, which the
/// other tests that start waiters grow and shrink. Each of them holds this
/// lock, so they run one at a time and the footprint sees only its own.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn alone() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

fn assert_once_each(n: usize, answered: Vec<usize>) {
    assert_eq!(answered.len(), n);
    let mut seen = vec![0u32; n];
    for door in answered {
        seen[door] += 1;
    }
    for (door, count) in seen.iter().enumerate() {
        assert_eq!(*count, 1, "door {door} answered {count} times");
    }
}

#[test]
fn every_task_knock_is_answered_once() {
    let _alone = alone();
    let rt = tokio::runtime::Runtime::new().unwrap();
    for n in [1, 100, 20_000] {
        let answered = rt.block_on(async {
            support_kit::testing::within_async(LIMIT, knock_with_tasks(n, Duration::from_millis(5)))
                .await
        });
        assert_once_each(n, answered);
    }
}

#[test]
fn every_thread_knock_is_answered_once() {
    let _alone = alone();
    within(LIMIT, || {
        for n in [1, 100, 1_000] {
            assert_once_each(n, knock_with_threads(n, Duration::from_millis(5)).unwrap());
        }
    });
}

#[test]
fn footprints_count_every_waiter_and_threads_hold_more_than_tasks() {
    let _alone = alone();
    within(LIMIT, || {
        let tasks = task_footprint(2_000, Duration::from_millis(1));
        let threads = thread_footprint(2_000, Duration::from_millis(1)).unwrap();
        assert_eq!((tasks.waiters, threads.waiters), (2_000, 2_000));
        // A property, not a timing: each thread touches at least a page of
        // its own stack, which 2,000 tasks together cannot match per head.
        assert!(threads.resident_each() >= 4096.0, "{threads:?}");
        assert!(
            threads.resident_each() > tasks.resident_each(),
            "{tasks:?} {threads:?}"
        );
    });
}

#[test]
fn status_fields_parse() {
    let status = "Name:\tx\nVmRSS:\t    1234 kB\nKernelStack:     16 kB\n";
    assert_eq!(kib_field(status, "VmRSS:"), Some(1234 * 1024));
    assert_eq!(kib_field(status, "KernelStack:"), Some(16 * 1024));
    assert_eq!(kib_field(status, "VmSwap:"), None);
}

#[test]
fn the_thread_limit_is_found_on_linux() {
    let (n, why) = thread_limit().expect("Linux has /proc/sys");
    assert!(n > 100 && !why.is_empty());
}
