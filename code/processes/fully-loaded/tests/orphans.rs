//! The process pool leaves no process behind. Alone in its own test program,
//! so the only children this process has are the ones started here.

use std::time::Duration;

use processes_fully_loaded::{Strategy, run, tasks};
use support_kit::testing::children_left;

procspawn::enable_test_support!();

#[test]
fn the_pool_leaves_no_process_behind() {
    for workers in [1, 3] {
        run(Strategy::ProcessPool, &tasks(3, 100), workers).unwrap();
        // The pool was shut down inside `run`; give the reaping a moment.
        let left = children_left(Duration::from_secs(10));
        assert!(left.is_empty(), "children left behind: {left:?}");
    }
}
