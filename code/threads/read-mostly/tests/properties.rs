use std::sync::{Mutex, RwLock};
use std::time::Duration;

use arc_swap::ArcSwap;
use support_kit::testing::within;
use threads_read_mostly::{Config, ReadersFirst, Shared, starve, workload};

#[test]
fn a_config_checks_against_its_version() {
    let mut config = Config::new(3);
    assert_eq!(config.check(), Some(3));
    config.set(4);
    assert_eq!(config.check(), Some(4));
    assert_ne!(Config::new(4), Config::new(5));
}

fn never_torn<S: Shared>() {
    for threads in [1, 2, 4] {
        let shared = S::new(Config::new(0));
        let outcome = workload(&shared, threads, 400_000, 10);
        assert_eq!(outcome.torn, 0, "{} tore a read", S::NAME);
        assert_eq!(outcome.reads + outcome.writes, 400_000 / threads * threads);
        assert_eq!(outcome.writes, 400_000 / threads / 10 * threads);
        let last = shared.read().expect("the final config is whole");
        assert!(last >= 1 && last <= outcome.writes, "{last}");
    }
}

#[test]
fn readers_always_see_a_whole_snapshot() {
    never_torn::<Mutex<Config>>();
    never_torn::<RwLock<Config>>();
    never_torn::<ArcSwap<Config>>();
}

#[test]
fn a_writer_gets_in_under_std_rwlock_while_readers_keep_reading() {
    // On Linux, std's RwLock makes new readers wait once a writer waits, so
    // the writer gets in while the readers are still at it, not only after
    // they stop. The deadline only catches a hang.
    let s = within(Duration::from_secs(30), || {
        starve(
            &RwLock::new(0u64),
            2,
            Duration::from_micros(200),
            Duration::from_millis(200),
        )
    });
    assert!(s.writes_while_reading >= 1 && s.reads >= 1, "{s:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_waiting_writer_keeps_new_readers_out_of_std_rwlock() {
    // One read lock is held throughout; a writer queues behind it. Once the
    // writer waits, a new reader is refused even though only readers hold
    // the lock: writers first. A readers-first lock would let the reader in
    // for ever, and the deadline would fail the test.
    let lock = std::sync::Arc::new(RwLock::new(0u64));
    let held = lock.read().unwrap();
    let writer = {
        let lock = std::sync::Arc::clone(&lock);
        std::thread::spawn(move || *lock.write().unwrap() += 1)
    };
    let lock_for_check = std::sync::Arc::clone(&lock);
    within(Duration::from_secs(30), move || {
        while lock_for_check.try_read().is_ok() {
            std::thread::yield_now();
        }
    });
    drop(held);
    writer.join().unwrap();
    assert_eq!(*lock.read().unwrap(), 1);
}

#[test]
fn the_readers_first_lock_excludes_readers_while_writing() {
    let lock = ReadersFirst::default();
    let s = within(Duration::from_secs(30), move || {
        starve(
            &lock,
            2,
            Duration::from_micros(50),
            Duration::from_millis(100),
        )
    });
    // The writer always gets in once the readers stop, if not before.
    assert!(s.writes >= 1, "{s:?}");
}
