//! A C library called from Rust threads. One function keeps its place in a
//! static variable, as `strtok` does, and gives wrong answers as soon as two
//! threads use it; a lock held for a whole scan, a per-thread cursor, or a
//! reentrant `_r` function that keeps the place in the caller's hands fixes it.
//! Only the last two let the threads run at the same time.
//!
//! All the `unsafe` is in [`c`]; this file has none.
#![deny(unsafe_code)]

pub mod c;

use std::ffi::{CStr, CString};
use std::sync::Mutex;

/// What a scan of one text adds up to: how many words, and the sum of their
/// hashes. A scan that lost its place gets one or both wrong.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub words: u64,
    pub sum: u64,
}

impl Tally {
    fn add(&mut self, word: &[u8], rounds: u32) {
        self.words += 1;
        self.sum = self.sum.wrapping_add(c::hash(word, rounds));
    }
}

/// The four ways to scan a text with the C library.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scanner {
    /// `next_word`, the static cursor, with no protection: broken on threads.
    Shared,
    /// `next_word` with a Rust lock held for the whole scan of a text.
    Locked,
    /// `next_word_tls`, a cursor per thread.
    ThreadLocal,
    /// `next_word_r`, the place kept by the caller.
    Reentrant,
}

pub const SCANNERS: [Scanner; 4] = [
    Scanner::Shared,
    Scanner::Locked,
    Scanner::ThreadLocal,
    Scanner::Reentrant,
];

impl Scanner {
    pub fn name(self) -> &'static str {
        match self {
            Scanner::Shared => "shared",
            Scanner::Locked => "locked",
            Scanner::ThreadLocal => "thread-local",
            Scanner::Reentrant => "reentrant",
        }
    }
}

// ANCHOR: scan
/// Scans `text` with the shared cursor. Correct on one thread; on several,
/// any other thread's call can move the cursor between two of these.
pub fn scan_shared(text: &'static CStr, rounds: u32) -> Tally {
    let mut tally = Tally::default();
    let mut word = c::shared_first(text);
    while let Some(w) = word {
        tally.add(w, rounds);
        word = c::shared_next();
    }
    tally
}

/// The lock stands for the C library's one cursor: whoever holds it owns the
/// cursor for a whole scan, from the first word to the last.
static CURSOR: Mutex<()> = Mutex::new(());

pub fn scan_locked(text: &'static CStr, rounds: u32) -> Tally {
    let _cursor = CURSOR
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    scan_shared(text, rounds)
}

pub fn scan_thread_local(text: &'static CStr, rounds: u32) -> Tally {
    let mut tally = Tally::default();
    let mut word = c::tls_first(text);
    while let Some(w) = word {
        tally.add(w, rounds);
        word = c::tls_next();
    }
    tally
}

pub fn scan_reentrant(text: &CStr, rounds: u32) -> Tally {
    let mut tally = Tally::default();
    for w in c::Words::new(text) {
        tally.add(w, rounds);
    }
    tally
}
// ANCHOR_END: scan

/// The same scan in plain Rust, as the answer the others are checked against.
pub fn scan_expected(text: &CStr, rounds: u32) -> Tally {
    let mut tally = Tally::default();
    for w in text
        .to_bytes()
        .split(|&b| b == b' ')
        .filter(|w| !w.is_empty())
    {
        tally.words += 1;
        tally.sum = tally.sum.wrapping_add(fnv1a(w, rounds));
    }
    tally
}

/// FNV-1a in Rust, the same function as the C library's `word_hash`.
pub fn fnv1a(word: &[u8], rounds: u32) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for _ in 0..rounds {
        for &b in word {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

pub fn scan(scanner: Scanner, text: &'static CStr, rounds: u32) -> Tally {
    match scanner {
        Scanner::Shared => scan_shared(text, rounds),
        Scanner::Locked => scan_locked(text, rounds),
        Scanner::ThreadLocal => scan_thread_local(text, rounds),
        Scanner::Reentrant => scan_reentrant(text, rounds),
    }
}

// ANCHOR: run
/// Scans every text, split among `threads` threads (thread `t` takes texts
/// `t`, `t + threads`, ...). Returns the tallies in the texts' order.
pub fn scan_all(
    scanner: Scanner,
    texts: &'static [CString],
    threads: usize,
    rounds: u32,
) -> Vec<Tally> {
    let mut tallies = vec![Tally::default(); texts.len()];
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    (t..texts.len())
                        .step_by(threads)
                        .map(|i| (i, scan(scanner, &texts[i], rounds)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            for (i, tally) in handle.join().expect("a scanning thread panicked") {
                tallies[i] = tally;
            }
        }
    });
    tallies
}
// ANCHOR_END: run

/// How many of `tallies` differ from the right answer for their text.
pub fn wrong(texts: &[CString], tallies: &[Tally], rounds: u32) -> usize {
    texts
        .iter()
        .zip(tallies)
        .filter(|(text, tally)| scan_expected(text, rounds) != **tally)
        .count()
}

/// `texts` texts of `words` words each, made of short lower-case words from a
/// fixed pseudo-random sequence, so every run scans the same corpus. Leaked on
/// purpose: the shared cursor may point into any of them until the program
/// ends, so they must live that long.
pub fn corpus(texts: usize, words: usize) -> &'static [CString] {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let all: Vec<CString> = (0..texts)
        .map(|_| {
            let mut text = String::new();
            for i in 0..words {
                if i > 0 {
                    text.push(' ');
                }
                let len = 2 + next() % 7;
                for _ in 0..len {
                    text.push(char::from(b'a' + (next() % 26) as u8));
                }
            }
            CString::new(text).expect("no NUL in a word")
        })
        .collect();
    Box::leak(all.into_boxed_slice())
}
