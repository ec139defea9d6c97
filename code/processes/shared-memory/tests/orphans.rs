//! No worker outlives the code that started it. Alone in its own test
//! program, so the only children this process has are the ones started here.

use std::path::Path;
use std::time::Duration;

use processes_shared_memory::{Link, Method, Transport, count_in_processes};
use support_kit::testing::children_left;

#[test]
fn no_child_process_is_left_behind() {
    let exe = Path::new(env!("CARGO_BIN_EXE_processes-shared-memory"));
    for method in [Method::Atomic, Method::LoadStore] {
        count_in_processes(exe, method, 4, 10_000).unwrap();
    }
    for transport in Transport::ALL {
        // Finished properly: the worker exits and is waited for.
        let mut link = Link::open(exe, transport, 256, 8, true).unwrap();
        link.send_batch().unwrap();
        link.finish().unwrap();
        // Dropped half-way: the worker is killed and waited for.
        let mut link = Link::open(exe, transport, 256, 8, true).unwrap();
        link.send_batch().unwrap();
        drop(link);
    }
    let left = children_left(Duration::from_secs(10));
    assert!(left.is_empty(), "children left behind: {left:?}");
}
