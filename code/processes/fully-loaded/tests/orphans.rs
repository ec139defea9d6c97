//! The process pool leaves no process behind. Alone in its own test program,
//! so the only children this process has are the ones started here.

use std::time::{Duration, Instant};

use processes_fully_loaded::{Strategy, run, tasks};
use processes_pool::children_of;

procspawn::enable_test_support!();

#[test]
fn the_pool_leaves_no_process_behind() {
    let me = std::process::id();
    for workers in [1, 3] {
        run(Strategy::ProcessPool, &tasks(3, 100), workers).unwrap();
        // The pool was shut down inside `run`; give the reaping a moment.
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut left = children_of(me);
        while !left.is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
            left = children_of(me);
        }
        assert!(left.is_empty(), "children left behind: {left:?}");
    }
}
