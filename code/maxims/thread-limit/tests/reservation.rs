//! Alone in its own test binary, so that no other test starts or stops
//! threads while it reads the address space.

use maxims_thread_limit::{DEFAULT_STACK, address_space_bytes, spawn_parked_threads};

#[test]
#[cfg(target_os = "linux")]
fn parked_threads_reserve_their_stacks() {
    // 100 threads with 2 MiB stacks reserve at least 200 MiB of address
    // space, whatever they touch. Only reservation is asserted: how much is
    // resident is up to the OS.
    let before = address_space_bytes().unwrap();
    let mut parked = spawn_parked_threads(100, DEFAULT_STACK).unwrap();
    let after = address_space_bytes().unwrap();
    assert_eq!(parked.release(), 100);
    assert!(
        after >= before + 100 * DEFAULT_STACK as u64,
        "{before} -> {after}"
    );
}
