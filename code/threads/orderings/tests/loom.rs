//! loom runs each model once for every interleaving of its threads and, for
//! every load, every value the memory model lets it return. The protocols
//! are the library's own, with loom's atomic plugged in.
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::Ordering;

use loom::sync::Arc;
use loom::sync::atomic::AtomicU64;
use threads_orderings::{Atomic, Mailbox, Orders, StoreBuffer};

struct LoomU64(AtomicU64);

impl Atomic for LoomU64 {
    fn new(value: u64) -> Self {
        LoomU64(AtomicU64::new(value))
    }
    fn load(&self, order: Ordering) -> u64 {
        self.0.load(order)
    }
    fn store(&self, value: u64, order: Ordering) {
        self.0.store(value, order)
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

// ANCHOR: loom-mailbox
/// One execution: a sender thread sends 42 while this thread looks once.
/// Whatever it sees, a raised flag must come with the letter.
fn flag_means_letter(orders: Orders) {
    let mailbox = Arc::new(Mailbox::<LoomU64>::default());
    let sender = {
        let mailbox = Arc::clone(&mailbox);
        loom::thread::spawn(move || mailbox.send(42, orders))
    };
    if let Some(letter) = mailbox.receive(orders) {
        assert_eq!(letter, 42, "saw the flag, read a stale letter");
    }
    sender.join().unwrap();
}

#[test]
fn loom_finds_the_stale_letter_under_relaxed() {
    let found = catch_unwind(AssertUnwindSafe(|| {
        loom::model(|| flag_means_letter(Orders::Relaxed));
    }));
    let panic = found.expect_err("loom must find the stale read");
    let message = panic_message(&*panic);
    assert!(
        message.contains("saw the flag, read a stale letter"),
        "loom failed for another reason: {message}"
    );
}

#[test]
fn loom_accepts_release_acquire() {
    loom::model(|| flag_means_letter(Orders::ReleaseAcquire));
}
// ANCHOR_END: loom-mailbox

#[test]
fn loom_accepts_seqcst_message_passing() {
    loom::model(|| flag_means_letter(Orders::SeqCst));
}

/// Every outcome of one store-buffer execution that loom can produce.
fn store_buffer_outcomes(orders: Orders) -> Vec<(u64, u64)> {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = std::sync::Arc::clone(&seen);
    loom::model(move || {
        let pair = Arc::new(StoreBuffer::<LoomU64>::default());
        let left = {
            let pair = Arc::clone(&pair);
            loom::thread::spawn(move || pair.left(orders))
        };
        let r = pair.right(orders);
        let l = left.join().unwrap();
        let mut seen = record.lock().unwrap();
        if !seen.contains(&(l, r)) {
            seen.push((l, r));
        }
    });
    let mut seen = seen.lock().unwrap().clone();
    seen.sort();
    seen
}

// ANCHOR: loom-store-buffer
#[test]
fn loom_finds_both_zero_under_release_acquire() {
    let outcomes = store_buffer_outcomes(Orders::ReleaseAcquire);
    assert!(outcomes.contains(&(0, 0)), "{outcomes:?}");
    assert_eq!(outcomes.len(), 4, "every outcome is legal: {outcomes:?}");
}
// ANCHOR_END: loom-store-buffer

/// loom's documentation says it treats `SeqCst` loads and stores as
/// `AcqRel`, so it reports the both-zero outcome that `SeqCst` forbids: a
/// false alarm, checked here so that the page's account stays true.
#[test]
fn loom_also_reports_both_zero_under_seqcst_a_known_false_alarm() {
    let outcomes = store_buffer_outcomes(Orders::SeqCst);
    assert!(outcomes.contains(&(0, 0)), "{outcomes:?}");
}
