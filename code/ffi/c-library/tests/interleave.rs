//! Interleavings forced with a barrier, so each test takes the same path every
//! run. The shared cursor is one per process, and tests in this file run on
//! parallel threads, so each test holds ONE_AT_A_TIME while it runs.
use ffi_c_library::{Scanner, c, corpus, scan_all, wrong};
use std::ffi::CStr;
use std::sync::{Barrier, Mutex};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
static A: &CStr = c"alpha beta gamma";
static B: &CStr = c"one two three";

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner())
}

/// Thread A starts a scan of A and reads one word; then thread B starts a scan
/// of B; then A asks for its next word. `first` and `next` are the scanner.
fn a_then_b_then_a(
    first: fn(&'static CStr) -> Option<&'static [u8]>,
    next: fn() -> Option<&'static [u8]>,
) -> Vec<&'static [u8]> {
    let barrier = Barrier::new(2);
    std::thread::scope(|s| {
        let a = s.spawn(|| {
            let w1 = first(A).unwrap();
            barrier.wait(); // A has read its first word
            barrier.wait(); // B has started its scan
            let w2 = next().unwrap();
            vec![w1, w2]
        });
        s.spawn(|| {
            barrier.wait();
            first(B).unwrap();
            barrier.wait();
        });
        a.join().unwrap()
    })
}

// ANCHOR: interleave
#[test]
fn the_shared_cursor_hands_thread_a_a_word_of_thread_bs_text() {
    let _serial = one_at_a_time();
    let words = a_then_b_then_a(c::shared_first, c::shared_next);
    // A asked for the word after "alpha" and got the word after "one".
    assert_eq!(words, [&b"alpha"[..], b"two"]);
}

#[test]
fn a_cursor_per_thread_keeps_each_threads_place() {
    let _serial = one_at_a_time();
    let words = a_then_b_then_a(c::tls_first, c::tls_next);
    assert_eq!(words, [&b"alpha"[..], b"beta"]);
}

#[test]
fn but_one_thread_still_cannot_interleave_two_scans_with_it() {
    let _serial = one_at_a_time();
    assert_eq!(c::tls_first(A), Some(&b"alpha"[..]));
    assert_eq!(c::tls_first(B), Some(&b"one"[..]));
    assert_eq!(c::tls_next(), Some(&b"two"[..])); // not "beta"
}
// ANCHOR_END: interleave

#[test]
fn the_shared_cursor_is_right_on_one_thread() {
    let _serial = one_at_a_time();
    let texts = corpus(16, 300);
    let tallies = scan_all(Scanner::Shared, texts, 1, 1);
    assert_eq!(wrong(texts, &tallies, 1), 0);
}
