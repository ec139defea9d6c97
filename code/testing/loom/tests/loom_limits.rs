//! Two things loom 0.7.3 does not catch, pinned so that a loom upgrade that changes either shows up here
//! (and the chapter gets updated). Neither is a bug in the ring's correct version.

use std::collections::BTreeSet;
use std::sync::atomic::Ordering::{Relaxed, Release};
use std::sync::{Arc, Mutex};

use testing_loom::Orders;
use testing_loom::check::{self, Model};

// ANCHOR: load-buffering
/// With `head` Relaxed, the C11 model allows the consumer's read of a slot to return the value the
/// producer writes *after* seeing the consumer hand the slot back (load buffering). loom does not
/// explore load buffering (its README says so), so it passes this broken ring.
#[test]
fn loom_passes_the_relaxed_head_ring_it_cannot_break() {
    for model in Model::ALL {
        let run = check::explore(model, Orders::RelaxedHead, None);
        assert_eq!(
            run.failure, None,
            "loom now finds load buffering: update the chapter"
        );
    }
}
// ANCHOR_END: load-buffering

// ANCHOR: issue-392
/// loom issue #392: when a freshly spawned thread's first operation is a load, loom may stop exploring
/// that thread's interleavings. Here the spawned thread loads and then stores 1; the main thread's load
/// can legally see 0 or 1, but loom runs one execution and sees only one of them.
#[test]
fn loom_misses_an_interleaving_when_the_spawned_thread_starts_with_a_load() {
    let seen = Arc::new(Mutex::new(BTreeSet::new()));
    let executions = Arc::new(Mutex::new(0));
    let (seen_in, executions_in) = (Arc::clone(&seen), Arc::clone(&executions));
    loom::model(move || {
        *executions_in.lock().unwrap() += 1;
        let flag = loom::sync::Arc::new(loom::sync::atomic::AtomicU64::new(0));
        let theirs = loom::sync::Arc::clone(&flag);
        let spawned = loom::thread::spawn(move || {
            let _first = theirs.load(Relaxed);
            theirs.store(1, Release);
        });
        let value = flag.load(Relaxed);
        spawned.join().unwrap();
        seen_in.lock().unwrap().insert(value);
    });
    let seen = seen.lock().unwrap();
    assert_eq!(
        *executions.lock().unwrap(),
        1,
        "loom explored more: issue #392 may be fixed"
    );
    assert_eq!(
        seen.len(),
        1,
        "loom now sees both values: update the chapter"
    );
}
// ANCHOR_END: issue-392
