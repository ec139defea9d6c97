//! `Send` and `Sync`: the two marker traits through which the compiler
//! refuses to share data between threads unsafely. The listings that do not
//! compile live in tests/compile-fail/; this file holds the versions that do,
//! one fix for each refusal, and the single-thread price of each fix.
#![forbid(unsafe_code)]

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

// ANCHOR: arc
/// `Arc` counts its references with atomic operations, so it is `Send` (and
/// `Sync`) whenever what it holds is: a clone can go to another thread.
pub fn arc_to_thread(names: Vec<&'static str>) -> (usize, usize) {
    let names = Arc::new(names);
    let copy = Arc::clone(&names);
    let handle = thread::spawn(move || copy.len());
    (names.len(), handle.join().expect("the thread panicked"))
}
// ANCHOR_END: arc

// ANCHOR: mutex
/// A `Mutex` is `Sync` (for `Send` contents): threads may share `&Mutex`,
/// because each borrow of the inside goes through the lock. In a scope the
/// threads can borrow it; no `Arc` is needed.
pub fn mutex_shared(writers: usize) -> Vec<String> {
    let log = Mutex::new(Vec::new());
    thread::scope(|s| {
        for i in 0..writers {
            let log = &log;
            s.spawn(move || {
                let line = format!("from thread {i}");
                // A panic here could only leave a whole Vec behind (a push
                // does not stop half-way), so a poisoned lock is still usable.
                log.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(line);
            });
        }
    });
    let mut lines = log.into_inner().unwrap_or_else(PoisonError::into_inner);
    lines.sort();
    lines
}
// ANCHOR_END: mutex

// ANCHOR: lock-in-thread
/// The guard stays on the thread that locked: each thread takes the lock
/// itself, for just as long as it needs it.
pub fn lock_in_each_thread(threads: usize) -> u64 {
    let total = Mutex::new(0u64);
    thread::scope(|s| {
        for _ in 0..threads {
            // An addition cannot be left half-done, so poison is ignored.
            s.spawn(|| *total.lock().unwrap_or_else(PoisonError::into_inner) += 1);
        }
    });
    total.into_inner().unwrap_or_else(PoisonError::into_inner)
}
// ANCHOR_END: lock-in-thread

// ANCHOR: scoped
/// Two fixes for a borrow given to `thread::spawn`: move the data into the
/// thread (it is then the thread's own), or borrow it inside `thread::scope`,
/// which joins every thread before it returns.
pub fn sum_moved(scores: Vec<i32>) -> i32 {
    thread::spawn(move || scores.iter().sum())
        .join()
        .expect("the thread panicked")
}

pub fn sum_scoped(scores: &[i32]) -> i32 {
    thread::scope(|s| s.spawn(|| scores.iter().sum()).join()).expect("the thread panicked")
}
// ANCHOR_END: scoped

// ANCHOR: bounds
/// The bounds `thread::spawn` puts on its closure, spelled out: a function
/// with the same bounds accepts exactly what `spawn` accepts.
pub fn could_spawn<F, T>(f: F) -> F
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    f
}

/// Compile-time checks: these calls compile only because the types are
/// `Send` or `Sync`.
pub fn assert_send<T: Send>() {}
pub fn assert_sync<T: Sync>() {}

pub fn checked_at_compile_time() {
    assert_send::<Arc<Vec<u8>>>();
    assert_sync::<Arc<Vec<u8>>>();
    assert_sync::<Mutex<RefCell<u8>>>(); // Mutex makes a Send type Sync
    assert_send::<RefCell<u8>>(); // a RefCell may move; it may not be shared
}
// ANCHOR_END: bounds

/// What the thread-safe versions cost when there is only one thread: an `Rc`
/// clone and drop against an `Arc` one, a `RefCell` borrow against a `Mutex`
/// lock. The benchmark times these.
pub fn rc_clone_drop(rc: &Rc<u64>) -> u64 {
    let copy = Rc::clone(std::hint::black_box(rc));
    *copy
}

pub fn arc_clone_drop(arc: &Arc<u64>) -> u64 {
    let copy = Arc::clone(std::hint::black_box(arc));
    *copy
}

pub fn refcell_add(cell: &RefCell<u64>) {
    *std::hint::black_box(cell).borrow_mut() += 1;
}

pub fn mutex_add(mutex: &Mutex<u64>) {
    *std::hint::black_box(mutex)
        .lock()
        .unwrap_or_else(PoisonError::into_inner) += 1;
}
