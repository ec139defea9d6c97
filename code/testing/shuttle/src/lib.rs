//! Three lock bugs, a lock-ordering deadlock, a lost update and a ready flag raised one step early, written once
//! and compiled twice:
//! [`real`] runs them on operating-system threads (`std::sync`, `std::thread`), [`model`] on shuttle's
//! controlled threads (`shuttle::sync`, `shuttle::thread`), where a randomised scheduler (uniform random or
//! PCT) explores many interleavings and hands back a failing schedule that replays.
//!
//! Both modules hold the same source text (`src/scenarios.rs`, pulled in with `include!`), so a stress test
//! on real threads and a shuttle test run exactly the same code. Each scenario comes as [`Version::Broken`]
//! and [`Version::Fixed`].
#![forbid(unsafe_code)]

pub mod hunt;

/// Which version of a scenario to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    /// The buggy code: opposite lock orders, a read and a write in two critical sections, or a ready flag
    /// raised one entry early.
    Broken,
    /// The repaired code: one global lock order, one critical section, or the flag raised with the last entry.
    Fixed,
}

/// The starting balance of each of the two accounts in [`real::transfers`] and [`model::transfers`].
pub const OPENING_BALANCE: i64 = 100;

// ANCHOR: modules
/// The scenarios on real operating-system threads: `std::sync::{Arc, Mutex}` and `std::thread`.
///
/// [`real::transfers`] with [`Version::Broken`] can hang forever (a deadlock); run it under a watchdog.
/// [`real::count`] with [`Version::Broken`] can return less than `threads * increments`.
pub mod real {
    use std::{sync, thread};
    include!("scenarios.rs");
}

/// The same scenarios on shuttle's threads: `shuttle::sync::{Arc, Mutex}` and `shuttle::thread`.
///
/// Call these only inside a shuttle test (`shuttle::check_random`, `shuttle::check_pct`,
/// `shuttle::replay`, or [`hunt`]); outside one they panic. Shuttle reports the broken transfer's deadlock
/// itself, by panicking with the schedule that reached it.
pub mod model {
    use shuttle::{sync, thread};
    include!("scenarios.rs");
}
// ANCHOR_END: modules
