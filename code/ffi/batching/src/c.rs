//! The C library's two functions and their safe wrappers. All the crate's
//! `unsafe` is in this module.
#![allow(unsafe_code)]

// ANCHOR: extern
unsafe extern "C" {
    /// One item per call. Takes and returns plain numbers: nothing a caller
    /// could get wrong, so it is declared `safe` and called like Rust.
    safe fn mix_one(x: u64) -> u64;
    /// A batch per call: reads `n` items at `xs`.
    fn mix_sum(xs: *const u64, n: usize) -> u64;
}
// ANCHOR_END: extern

/// One crossing into C per item.
pub fn one(x: u64) -> u64 {
    mix_one(x)
}

/// One crossing into C for the whole slice.
pub fn sum(xs: &[u64]) -> u64 {
    // SAFETY: mix_sum reads exactly `n` u64s at `xs` and keeps no pointer; the
    // slice holds that many, aligned, and is borrowed for the whole call.
    unsafe { mix_sum(xs.as_ptr(), xs.len()) }
}
