//! What crossing a language boundary costs, and how batching pays it once per
//! batch instead of once per item: Rust calling a C function, and Python
//! calling a Rust extension (PyO3), with the same small piece of work on each
//! item, over batch sizes from 1 to 10,000.
//!
//! The crate builds as an `rlib` (for the tests, benches and CLI) and as a
//! `cdylib`: the module `ffi_batching` that CPython imports. All the `unsafe`
//! is in [`c`]; this file has none.
#![deny(unsafe_code)]

pub mod c;

use pyo3::prelude::*;
use std::path::PathBuf;
use std::time::Duration;
use support_kit::python::{self, PythonChild};

/// The Python harness, run as `python3 -c BATCHING_PY <items>`.
pub const BATCHING_PY: &str = include_str!("../python/batching.py");

/// The batch sizes every table and chart uses.
pub const BATCHES: [usize; 5] = [1, 10, 100, 1_000, 10_000];

/// The work on one item: SplitMix64's finalizer, the same as `mix` in
/// csrc/mix.c.
pub fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The answer every way must reach: the sum (mod 2^64) of the mixed items.
pub fn expected(items: &[u64]) -> u64 {
    items.iter().fold(0u64, |acc, &x| acc.wrapping_add(mix(x)))
}

// ANCHOR: rust_to_c
/// One call into C per item.
pub fn c_per_item(items: &[u64]) -> u64 {
    items
        .iter()
        .fold(0u64, |acc, &x| acc.wrapping_add(c::one(x)))
}

/// One call into C per `batch` items.
pub fn c_per_batch(items: &[u64], batch: usize) -> u64 {
    items
        .chunks(batch)
        .fold(0u64, |acc, chunk| acc.wrapping_add(c::sum(chunk)))
}
// ANCHOR_END: rust_to_c

// ANCHOR: python_to_rust
/// Called from Python once per item.
#[pyfunction]
fn mix_one(x: u64) -> u64 {
    mix(x)
}

/// Called from Python once per list: PyO3 turns the list into a `Vec<u64>`
/// (checking and converting each element), then the loop runs in Rust.
#[pyfunction]
fn mix_sum(items: Vec<u64>) -> u64 {
    expected(&items)
}

#[pymodule]
fn ffi_batching(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(mix_one, m)?)?;
    m.add_function(wrap_pyfunction!(mix_sum, m)?)?;
    Ok(())
}
// ANCHOR_END: python_to_rust

/// The folder that holds the built extension as `ffi_batching.so`.
pub fn extension_dir() -> Result<PathBuf, String> {
    python::extension_dir("ffi_batching", "ffi_batching")
}

/// `python/batching.py` running with the extension importable, over the
/// items `0..items`.
pub struct Harness {
    child: PythonChild,
}

/// How Python calls the extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PyWay {
    /// `mix_one(x)` for every item.
    PerItem,
    /// `mix_sum(list)` for every list of `batch` items.
    PerBatch(usize),
}

impl Harness {
    pub fn start(items: usize) -> Result<Harness, String> {
        let dir = extension_dir()?;
        let child = PythonChild::start(BATCHING_PY, &[&items.to_string()], Some(&dir))?;
        Ok(Harness { child })
    }

    /// `reps` passes over the items, timed by Python itself: the time of all
    /// of them, and the last pass's sum (mod 2^64).
    pub fn run(&mut self, way: PyWay, reps: u64) -> Result<(Duration, u64), String> {
        let request = match way {
            PyWay::PerItem => format!("one 1 {reps}"),
            PyWay::PerBatch(batch) => format!("batch {batch} {reps}"),
        };
        let reply = self.child.request(&request)?;
        let bad = || format!("batching.py answered {reply:?}");
        let mut words = reply.split_whitespace().map(str::parse::<u64>);
        match (words.next(), words.next(), words.next()) {
            (Some(Ok(nanos)), Some(Ok(sum)), None) => Ok((Duration::from_nanos(nanos), sum)),
            _ => Err(bad()),
        }
    }

    pub fn version(&mut self) -> Result<String, String> {
        self.child.request("version")
    }
}
