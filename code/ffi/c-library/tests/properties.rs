//! The fixed scanners give the right answer for every text on any number of
//! threads. No test here touches the unprotected shared cursor, which would
//! disturb the locked scanner (tests in one file run on parallel threads);
//! those live in tests/interleave.rs.
use ffi_c_library::{Scanner, c, corpus, fnv1a, scan_all, scan_expected, scan_reentrant, wrong};
use std::ffi::CString;

#[test]
fn the_c_hash_is_the_rust_hash() {
    for word in [&b""[..], b"a", b"strtok", b"reentrant"] {
        for rounds in [1, 3] {
            assert_eq!(c::hash(word, rounds), fnv1a(word, rounds));
        }
    }
}

#[test]
fn the_reentrant_scan_finds_every_word_whatever_the_spaces() {
    let text = CString::new("  one two   three ").unwrap();
    let words: Vec<&[u8]> = c::Words::new(&text).collect();
    assert_eq!(words, [&b"one"[..], b"two", b"three"]);
    assert_eq!(c::Words::new(&CString::new("   ").unwrap()).count(), 0);
    assert_eq!(c::Words::new(&CString::new("").unwrap()).count(), 0);
    assert_eq!(scan_reentrant(&text, 2), scan_expected(&text, 2));
}

#[test]
fn two_reentrant_scans_interleave_on_one_thread() {
    let a = CString::new("alpha beta gamma").unwrap();
    let b = CString::new("one two three").unwrap();
    let (mut wa, mut wb) = (c::Words::new(&a), c::Words::new(&b));
    let mut got = Vec::new();
    for _ in 0..3 {
        got.push(wa.next().unwrap());
        got.push(wb.next().unwrap());
    }
    assert_eq!(
        got,
        [&b"alpha"[..], b"one", b"beta", b"two", b"gamma", b"three"]
    );
}

#[test]
fn the_fixed_scanners_are_right_on_every_thread_count() {
    let texts = corpus(48, 500);
    for scanner in [Scanner::Locked, Scanner::ThreadLocal, Scanner::Reentrant] {
        for threads in [1, 2, 4, 8] {
            // Several passes, to give a lost place many chances to show.
            for _ in 0..5 {
                let tallies = scan_all(scanner, texts, threads, 1);
                assert_eq!(
                    wrong(texts, &tallies, 1),
                    0,
                    "{scanner:?} on {threads} threads"
                );
                assert!(
                    tallies.iter().all(|t| t.words == 500),
                    "{scanner:?} on {threads} threads"
                );
            }
        }
    }
}
