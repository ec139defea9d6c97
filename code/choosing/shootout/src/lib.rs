//! TODO: the idea of this example in one paragraph.
#![forbid(unsafe_code)]

// ANCHOR: idea
/// Adds up the numbers from 1 to `n`.
pub fn sum_to(n: u64) -> u64 {
    (1..=n).sum()
}
// ANCHOR_END: idea
