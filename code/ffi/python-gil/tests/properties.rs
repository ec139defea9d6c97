//! Real CPython against the built extension: the counts agree everywhere,
//! and the deadlock hangs where it should and only there.
use std::time::Duration;

use ffi_python_gil::{Ending, Harness, WAYS, count_primes, run_deadlock};

/// The primes below `below` by a sieve: a second opinion, not trial division.
fn sieve(below: u32) -> u32 {
    let below = below as usize;
    let mut composite = vec![false; below.max(2)];
    let mut count = 0;
    for n in 2..below {
        if !composite[n] {
            count += 1;
            (n * n..below).step_by(n).for_each(|m| composite[m] = true);
        }
    }
    count
}

#[test]
fn trial_division_counts_what_a_sieve_counts() {
    for below in [0, 1, 2, 3, 4, 10, 100, 1_000, 7_919, 7_920, 50_000] {
        assert_eq!(count_primes(below), sieve(below), "below {below}");
    }
    assert_eq!(count_primes(100), 25);
}

#[test]
fn python_and_rust_agree_every_way() {
    let mut python = Harness::start().unwrap_or_else(|e| panic!("{e}"));
    for below in [2, 3, 100, 10_007] {
        let expected = u64::from(count_primes(below));
        for way in WAYS {
            for tasks in [1, 2] {
                let run = python
                    .run(way, tasks, below)
                    .unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(
                    run.counts,
                    vec![expected; tasks],
                    "{way} x{tasks} below {below}"
                );
            }
        }
    }
}

#[test]
fn waiting_for_the_rust_lock_while_holding_the_gil_hangs() {
    let ending =
        run_deadlock("holding-gil", Duration::from_secs(3)).unwrap_or_else(|e| panic!("{e}"));
    let Ending::Hung(printed) = ending else {
        panic!("expected a hang, got {ending:?}");
    };
    // It got as far as the meeting point, and no further.
    assert!(printed.contains("holds the Rust lock"), "{printed:?}");
    assert!(!printed.contains("both updates done"), "{printed:?}");
}

#[test]
fn letting_go_of_the_gil_before_waiting_finishes() {
    let ending =
        run_deadlock("detached", Duration::from_secs(60)).unwrap_or_else(|e| panic!("{e}"));
    let Ending::Finished(printed) = ending else {
        panic!("expected the run to finish, got {ending:?}");
    };
    assert!(printed.contains("holds the Rust lock"), "{printed:?}");
    assert!(
        printed.contains("both updates done: total 2"),
        "{printed:?}"
    );
}

/// Python watches, from a second thread, whether it ever runs while the Rust
/// count is under way. The switch interval is made so long that CPython
/// never takes the GIL away from a thread: the main thread runs only when
/// the worker gives the GIL up by itself, and in the Rust call only `detach`
/// does. No timing decides the answer.
const WATCH_PY: &str = r#"
import sys, threading, time
import ffi_python_gil as ext
count = {"held": ext.count_primes_held, "released": ext.count_primes_released}[sys.argv[1]]
sys.setswitchinterval(1000.0)
inside = False
def work():
    global inside
    inside = True
    count(1_000_000)
    inside = False
worker = threading.Thread(target=work)
worker.start()
seen = 0
while worker.is_alive():
    seen += inside
    time.sleep(0.0005)
worker.join()
print(seen)
"#;

/// How many times the main Python thread looked and found the worker inside `way`'s Rust call.
fn python_ran_during(way: &str) -> u64 {
    let dir = ffi_python_gil::extension_dir().unwrap_or_else(|e| panic!("{e}"));
    let out = support_kit::python::command(WATCH_PY, &[way], Some(&dir))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    text.trim()
        .parse()
        .unwrap_or_else(|_| panic!("the watching script printed {text:?}"))
}

#[test]
fn only_the_releasing_count_lets_another_python_thread_run() {
    assert_eq!(python_ran_during("held"), 0);
    assert!(python_ran_during("released") > 0);
}
