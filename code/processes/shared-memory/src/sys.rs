//! The two system calls this crate makes directly: a futex, so that a side
//! of the ring that has to wait sleeps in the kernel instead of spinning, and
//! `getrusage`, so that the CLI can show the CPU time a transfer costs next to
//! its wall time. Both go through the `libc` crate, so both need `unsafe`.
#![allow(unsafe_code)]

use std::sync::atomic::AtomicU32;
use std::time::Duration;

// ANCHOR: futex
/// Sleeps while `word` still holds `expected`, for at most `nap`. Returns
/// `true` if the nap ran out, `false` if the sleep ended for another reason:
/// a wake-up, a signal, or a word that had already changed.
#[cfg(target_os = "linux")]
pub fn futex_wait(word: &AtomicU32, expected: u32, nap: Duration) -> bool {
    let timeout = libc::timespec {
        tv_sec: nap.as_secs() as libc::time_t,
        tv_nsec: nap.subsec_nanos() as libc::c_long,
    };
    // SAFETY: FUTEX_WAIT reads the four bytes at `word.as_ptr()`, which are a
    // live, 4-aligned AtomicU32 for the whole call (we hold a reference to
    // it), and it reads `timeout`, which lives on our stack until the call
    // returns. No FUTEX_PRIVATE_FLAG: the word sits in a shared mapping and is
    // woken from another process, so the kernel must key it by the file page,
    // not by this process's address space. The kernel writes no user memory.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT,
            expected,
            &timeout as *const libc::timespec,
        )
    };
    rc == -1 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ETIMEDOUT)
}

/// Wakes every process and thread sleeping in [`futex_wait`] on `word`.
#[cfg(target_os = "linux")]
pub fn futex_wake(word: &AtomicU32) {
    // SAFETY: FUTEX_WAKE only uses the address to find the sleepers keyed by
    // it; it neither reads nor writes user memory. The address is a live
    // AtomicU32 that we hold a reference to.
    unsafe {
        libc::syscall(libc::SYS_futex, word.as_ptr(), libc::FUTEX_WAKE, i32::MAX);
    }
}
// ANCHOR_END: futex

/// Without a futex (this book's examples run on Linux), a short sleep stands
/// in for it: correct, because every waiter re-checks its condition after
/// each nap, only slower to notice.
#[cfg(not(target_os = "linux"))]
pub fn futex_wait(_word: &AtomicU32, _expected: u32, nap: Duration) -> bool {
    std::thread::sleep(nap.min(Duration::from_micros(50)));
    true
}

#[cfg(not(target_os = "linux"))]
pub fn futex_wake(_word: &AtomicU32) {}

/// CPU time this process has used so far, in user and kernel mode together.
pub fn cpu_time() -> Duration {
    // SAFETY: `rusage` is a C struct of integers, for which all zero bytes
    // are a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes one `rusage` through the pointer, which points
    // at one that we own and that outlives the call.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    assert_eq!(rc, 0, "getrusage(RUSAGE_SELF) cannot fail");
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}
