//! The C library's functions, and the safe Rust wrappers around them. All the
//! crate's `unsafe` is in this module.
#![allow(unsafe_code)]

use std::ffi::{CStr, c_char};

// ANCHOR: extern
unsafe extern "C" {
    /// strtok's shape: `text` starts a scan, NULL continues the last one.
    /// The place is kept in one static cursor for the whole process.
    fn next_word(text: *const c_char, len: *mut usize) -> *const c_char;
    /// strtok_r's shape: the place is kept in `*save`, which the caller owns.
    fn next_word_r(text: *const c_char, len: *mut usize, save: *mut *const c_char)
    -> *const c_char;
    /// The place is kept in a `_Thread_local` cursor, one per thread.
    fn next_word_tls(text: *const c_char, len: *mut usize) -> *const c_char;
    /// FNV-1a over `len` bytes at `word`, `rounds` times. Pure: reentrant.
    fn word_hash(word: *const c_char, len: usize, rounds: u32) -> u64;
}
// ANCHOR_END: extern

/// Turns what the C functions return (a start and a length) into a slice.
///
/// # Safety
/// `word` is NULL, or it points at `len` readable bytes that stay unchanged
/// for `'a`.
unsafe fn word_slice<'a>(word: *const c_char, len: usize) -> Option<&'a [u8]> {
    if word.is_null() {
        None
    } else {
        // SAFETY: the caller promises `len` bytes at `word`, alive for 'a.
        Some(unsafe { std::slice::from_raw_parts(word.cast::<u8>(), len) })
    }
}

/// The hash of one word, computed by the C library.
pub fn hash(word: &[u8], rounds: u32) -> u64 {
    // SAFETY: word_hash reads exactly `len` bytes at `word` and keeps no
    // pointer; the slice holds that many, borrowed for the whole call.
    unsafe { word_hash(word.as_ptr().cast(), word.len(), rounds) }
}

// ANCHOR: reentrant
/// The words of `text`, scanned by `next_word_r`: the place lives in this
/// iterator, so any number of scans may run at once, on any threads.
pub struct Words<'a> {
    text: &'a CStr,
    save: *const c_char,
    started: bool,
}

impl<'a> Words<'a> {
    pub fn new(text: &'a CStr) -> Self {
        Words {
            text,
            save: std::ptr::null(),
            started: false,
        }
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let start = if self.started {
            std::ptr::null()
        } else {
            self.text.as_ptr()
        };
        self.started = true;
        let mut len = 0;
        // SAFETY: `start` is NULL only after a first call, which set `save` to
        // a place inside `self.text` (at worst its terminating NUL); the scan
        // stops at that NUL, so the C code reads only `self.text`, which is
        // borrowed for 'a and cannot change while it is borrowed.
        let word = unsafe { next_word_r(start, &mut len, &mut self.save) };
        // SAFETY: a word returned by the scan lies inside `self.text`.
        unsafe { word_slice(word, len) }
    }
}
// ANCHOR_END: reentrant

// ANCHOR: shared
/// Starts a scan with the process-wide cursor, like `strtok(text, " ")`.
/// The text must be `'static`: the cursor may still point into it long after
/// this call, from any thread.
pub fn shared_first(text: &'static CStr) -> Option<&'static [u8]> {
    let mut len = 0;
    // SAFETY: `text` is NUL-terminated and lives for the rest of the program.
    let word = unsafe { next_word(text.as_ptr(), &mut len) };
    // SAFETY: the word lies inside `text`, which is 'static and immutable.
    unsafe { word_slice(word, len) }
}

/// Continues whichever scan last moved the process-wide cursor, like
/// `strtok(NULL, " ")`. Memory-safe, because every text the cursor can point
/// into came through `shared_first` and so is `'static`; but nothing says the
/// scan it continues is the caller's.
pub fn shared_next() -> Option<&'static [u8]> {
    let mut len = 0;
    // SAFETY: the cursor is NULL or points into a text given to `shared_first`
    // (the only caller that starts a scan with it), all 'static and
    // NUL-terminated, so the C code reads only inside one of them. The cursor
    // itself is an atomic in the C code, stored with release and loaded with
    // acquire: a text another thread started is visible here as it was
    // written (its bytes happen before this read), so calls from several
    // threads do not race on memory; they only take each other's places.
    let word = unsafe { next_word(std::ptr::null(), &mut len) };
    // SAFETY: the word lies inside one of those 'static texts.
    unsafe { word_slice(word, len) }
}
// ANCHOR_END: shared

// ANCHOR: tls
/// Starts a scan with this thread's cursor (a `_Thread_local` in the C code).
pub fn tls_first(text: &'static CStr) -> Option<&'static [u8]> {
    let mut len = 0;
    // SAFETY: as for `shared_first`: a 'static, NUL-terminated text.
    let word = unsafe { next_word_tls(text.as_ptr(), &mut len) };
    // SAFETY: the word lies inside `text`.
    unsafe { word_slice(word, len) }
}

/// Continues the scan this thread started last.
pub fn tls_next() -> Option<&'static [u8]> {
    let mut len = 0;
    // SAFETY: this thread's cursor is NULL or points into a 'static text that
    // this thread gave to `tls_first`; no other thread can move it.
    let word = unsafe { next_word_tls(std::ptr::null(), &mut len) };
    // SAFETY: the word lies inside that 'static text.
    unsafe { word_slice(word, len) }
}
// ANCHOR_END: tls
