//! The thread primitives of Rust's standard library, one small function each:
//! spawn and join, `thread::scope` for borrowing, names and stack sizes, what
//! `join` returns when a thread panics, and `OnceLock`/`LazyLock`, which run
//! an initialiser exactly once however many threads race for it.
#![forbid(unsafe_code)]

use std::any::Any;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Barrier, LazyLock, OnceLock};
use std::thread;

// ANCHOR: spawn
/// Sums `numbers` on `parts` threads. `thread::spawn` needs a `'static`
/// closure, because the new thread may outlive this function: each thread
/// gets an `Arc` of the data (a reference count, not a copy) and a range.
pub fn sum_spawned(numbers: Arc<Vec<u64>>, parts: usize) -> u64 {
    let chunk = numbers.len().div_ceil(parts).max(1);
    let handles: Vec<thread::JoinHandle<u64>> = (0..parts)
        .map(|p| {
            let numbers = Arc::clone(&numbers);
            thread::spawn(move || {
                let start = (p * chunk).min(numbers.len());
                let end = (start + chunk).min(numbers.len());
                numbers[start..end].iter().sum()
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().expect("a summing thread panicked"))
        .sum()
}
// ANCHOR_END: spawn

// ANCHOR: scope
/// The same sum with `thread::scope`: every thread started in the scope is
/// joined before `scope` returns, so the threads may borrow `numbers`
/// (a plain slice) and no `Arc` is needed.
pub fn sum_scoped(numbers: &[u64], parts: usize) -> u64 {
    let chunk = numbers.len().div_ceil(parts).max(1);
    thread::scope(|s| {
        let handles: Vec<_> = numbers
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().sum::<u64>()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}
// ANCHOR_END: scope

// ANCHOR: builder
/// Starts a thread with a name and a stack size of our choosing, and
/// returns what the thread saw of itself: its name, and how deep a
/// recursion of `depth` frames went (to show the stack is usable).
pub fn named_with_stack(name: &str, stack_bytes: usize, depth: u32) -> (Option<String>, u32) {
    thread::Builder::new()
        .name(name.to_owned())
        .stack_size(stack_bytes)
        .spawn(move || {
            let me = thread::current().name().map(str::to_owned);
            (me, recurse(depth))
        })
        .expect("the OS refused to start a thread")
        .join()
        .expect("the named thread panicked")
}

/// Goes `depth` calls deep, each frame holding a small buffer, and counts
/// the frames on the way back. The call goes through `black_box` so that the
/// compiler cannot turn the recursion into a loop.
fn recurse(depth: u32) -> u32 {
    let frame = [depth as u8; 256];
    std::hint::black_box(&frame);
    if depth == 0 {
        0
    } else {
        1 + std::hint::black_box(recurse as fn(u32) -> u32)(depth - 1)
    }
}
// ANCHOR_END: builder

// ANCHOR: panic
/// Starts a thread that panics and returns what `join` gave back: the
/// panic's payload, which for `panic!` with a message is a `&str` or a
/// `String`. The panic ends only that thread; this one carries on.
pub fn join_a_panicking_thread(message: &'static str) -> Result<(), String> {
    let handle = thread::Builder::new()
        .name("doomed".into())
        .spawn(move || panic!("{}", message))
        .expect("the OS refused to start a thread");
    handle.join().map_err(payload_text)
}

/// The text of a panic payload, if it has one.
pub fn payload_text(payload: Box<dyn Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(text) => *text,
        Err(payload) => match payload.downcast::<&'static str>() {
            Ok(text) => (*text).to_owned(),
            Err(_) => "(a panic without a message)".to_owned(),
        },
    }
}
// ANCHOR_END: panic

// ANCHOR: scope-panic
/// In a scope, a thread that panicked and was not joined by hand makes
/// `thread::scope` itself panic once all threads have ended. Returns the
/// message of that second panic, caught here.
pub fn scope_with_a_panicking_thread() -> String {
    let caught = std::panic::catch_unwind(|| {
        thread::scope(|s| {
            s.spawn(|| panic!("one scoped thread fails"));
            s.spawn(|| 2 + 2);
        })
    });
    payload_text(caught.expect_err("the scope must pass the panic on"))
}
// ANCHOR_END: scope-panic

// ANCHOR: poison
/// A thread takes a std `Mutex`, starts an update and panics before it is
/// done. The lock is released as the guard drops during unwinding, and marked
/// poisoned: every later `lock()` returns `Err`, which still holds the guard.
/// Returns whether it was poisoned and the value the next locker found.
pub fn std_mutex_after_a_panic() -> (bool, u64) {
    let total = std::sync::Mutex::new(0u64);
    let _ = thread::scope(|s| {
        s.spawn(|| {
            let mut total = total.lock().unwrap();
            *total += 1;
            panic!("half-way through an update");
        })
        .join()
    });
    let poisoned = total.is_poisoned();
    let value = match total.lock() {
        Ok(total) => *total,
        Err(poison) => *poison.into_inner(), // look anyway, knowing the risk
    };
    (poisoned, value)
}

/// The same with `parking_lot::Mutex`, which has no poisoning: the lock is
/// simply released, and the next `lock()` returns the guard.
pub fn parking_lot_mutex_after_a_panic() -> u64 {
    let total = parking_lot::Mutex::new(0u64);
    let _ = thread::scope(|s| {
        s.spawn(|| {
            let mut total = total.lock();
            *total += 1;
            panic!("half-way through an update");
        })
        .join()
    });
    *total.lock()
}
// ANCHOR_END: poison

// ANCHOR: once
/// How many times each initialiser below has run.
pub static CONFIG_BUILDS: AtomicUsize = AtomicUsize::new(0);
pub static TABLE_BUILDS: AtomicUsize = AtomicUsize::new(0);

/// Set at run time by whichever thread gets there first.
static CONFIG: OnceLock<String> = OnceLock::new();

/// Built on first use; the closure is part of the static's declaration.
pub static SQUARES: LazyLock<Vec<u64>> = LazyLock::new(|| {
    TABLE_BUILDS.fetch_add(1, Relaxed);
    (0..1_000).map(|i| i * i).collect()
});

/// Every caller gets the same `&'static str`; the closure runs once, and
/// callers that arrive while it runs wait for it instead of running their own.
pub fn config() -> &'static str {
    CONFIG.get_or_init(|| {
        CONFIG_BUILDS.fetch_add(1, Relaxed);
        format!("built by {}", thread::current().name().unwrap_or("?"))
    })
}
// ANCHOR_END: once

// ANCHOR: race
/// `threads` threads wait at a barrier, then all ask for the config and the
/// table at once. Returns the addresses they saw (all equal if there is one
/// value) and the sum of the table as each saw it.
pub fn race_for_init(threads: usize) -> Vec<(usize, u64)> {
    let start = Barrier::new(threads);
    thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let start = &start;
                thread::Builder::new()
                    .name(format!("racer-{i}"))
                    .spawn_scoped(s, move || {
                        start.wait();
                        let address = config().as_ptr() as usize;
                        (address, SQUARES.iter().sum::<u64>())
                    })
                    .expect("the OS refused to start a thread")
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}
// ANCHOR_END: race

/// Spawns `threads` threads with the given stack size (`None`: the
/// default) that do nothing, and joins them. The benchmark times it.
pub fn spawn_join(threads: usize, stack: Option<usize>) {
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let builder = thread::Builder::new();
            let builder = match stack {
                Some(bytes) => builder.stack_size(bytes),
                None => builder,
            };
            builder
                .spawn(|| std::hint::black_box(1))
                .expect("the OS refused to start a thread")
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

/// The same with scoped threads (default stack).
pub fn scope_join(threads: usize) {
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| std::hint::black_box(1));
        }
    });
}
