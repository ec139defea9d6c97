//! The C library's one function, and the safe Rust wrappers that hand it a
//! Rust closure. All the crate's `unsafe` is in this module.
#![allow(unsafe_code)]

use std::ffi::{c_int, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;

// ANCHOR: extern
/// What the C library calls: a plain function pointer and the `void *` it was
/// given, passed back untouched.
type ItemFn = extern "C" fn(ctx: *mut c_void, thread: u32, item: u64) -> c_int;

unsafe extern "C" {
    /// Starts `threads` POSIX threads; thread t calls `f(ctx, t, i)` for every
    /// i below `items`, stopping if `f` returns non-zero. Joins them all
    /// before it returns: 0, the first non-zero return, or -1.
    fn run_on_threads(threads: u32, items: u64, f: ItemFn, ctx: *mut c_void) -> c_int;
}
// ANCHOR_END: extern

/// The code a guarded callback returns when the Rust closure panicked.
const PANICKED: c_int = 1;

/// How a run of C threads calling back into Rust can fail.
#[derive(Debug, PartialEq, Eq)]
pub enum CallbackError {
    /// A closure panicked; the panic was caught before it reached C.
    Panicked(String),
    /// The C library could not start its threads.
    NoThreads,
}

// ANCHOR: context
/// What the `void *` points at: the closure, and room to keep a panic's
/// message until the call returns.
struct Context<'a, F> {
    f: &'a F,
    panic: Mutex<Option<String>>,
}

extern "C" fn guarded<F: Fn(u32, u64) + Sync>(ctx: *mut c_void, thread: u32, item: u64) -> c_int {
    // SAFETY: `ctx` is the `&Context<F>` that `on_c_threads` passed to
    // run_on_threads, with this same F. It is alive: run_on_threads joins every
    // thread before it returns, and `on_c_threads` keeps the context until
    // then. It is shared by several threads at once, which is sound because
    // F: Sync (so &F may be used from any thread) and the panic slot is a Mutex.
    let ctx = unsafe { &*ctx.cast::<Context<'_, F>>() };
    // A panic must not unwind into the C frames below: catch it here and turn
    // it into an error code the C library understands.
    match catch_unwind(AssertUnwindSafe(|| (ctx.f)(thread, item))) {
        Ok(()) => 0,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic with no message".to_string());
            let mut slot = ctx.panic.lock().unwrap_or_else(|p| p.into_inner());
            slot.get_or_insert(message);
            PANICKED
        }
    }
}

// ANCHOR_END: context

// ANCHOR: on_c_threads
/// Runs `f(thread, item)` on `threads` threads that the C library starts, each
/// for `items` items. A panic in `f` stops that thread and comes back as
/// `Err(Panicked)`; the other threads run to their end.
pub fn on_c_threads<F: Fn(u32, u64) + Sync>(
    threads: u32,
    items: u64,
    f: &F,
) -> Result<(), CallbackError> {
    let ctx = Context {
        f,
        panic: Mutex::new(None),
    };
    let ctx_ptr = (&raw const ctx).cast_mut().cast::<c_void>();
    // SAFETY: `guarded::<F>` reads `ctx_ptr` as a `&Context<F>`, which it is;
    // `ctx` outlives the call, and run_on_threads uses the pointer only until
    // it returns (it joins its threads first). The callback never unwinds.
    let rc = unsafe { run_on_threads(threads, items, guarded::<F>, ctx_ptr) };
    match rc {
        0 => Ok(()),
        -1 => Err(CallbackError::NoThreads),
        _ => {
            let message = ctx.panic.into_inner().unwrap_or_else(|p| p.into_inner());
            Err(CallbackError::Panicked(message.unwrap_or_default()))
        }
    }
}
// ANCHOR_END: on_c_threads

// ANCHOR: unguarded
/// The same callback without `catch_unwind`. A panic in `f` tries to unwind
/// out of an `extern "C"` function, and since Rust 1.81 that aborts the
/// process ("panic in a function that cannot unwind").
extern "C" fn unguarded<F: Fn(u32, u64) + Sync>(ctx: *mut c_void, thread: u32, item: u64) -> c_int {
    // SAFETY: as in `guarded`: a live `&Context<F>`, shared soundly as F: Sync.
    let ctx = unsafe { &*ctx.cast::<Context<'_, F>>() };
    (ctx.f)(thread, item);
    0
}
// ANCHOR_END: unguarded

/// [`on_c_threads`] with the unguarded callback: as fast, and a panic in `f`
/// aborts the whole process instead of coming back as an error.
pub fn on_c_threads_unguarded<F: Fn(u32, u64) + Sync>(
    threads: u32,
    items: u64,
    f: &F,
) -> Result<(), CallbackError> {
    let ctx = Context {
        f,
        panic: Mutex::new(None),
    };
    let ctx_ptr = (&raw const ctx).cast_mut().cast::<c_void>();
    // SAFETY: as in `on_c_threads`, with `unguarded::<F>` reading the same
    // context. A panic in `f` does not unwind into C: it aborts the process
    // at the `extern "C"` boundary, which is defined behaviour.
    let rc = unsafe { run_on_threads(threads, items, unguarded::<F>, ctx_ptr) };
    if rc == 0 {
        Ok(())
    } else {
        Err(CallbackError::NoThreads)
    }
}
