//! N real processes × K increments of one counter in a shared file.

use std::path::Path;

use processes_shared_memory::{Method, count_in_processes};

fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_processes-shared-memory"))
}

#[test]
fn fetch_add_counts_every_increment_of_every_process() {
    for (processes, increments) in [(1, 1_000), (2, 100_000), (4, 50_000), (8, 10_000)] {
        let counted = count_in_processes(exe(), Method::Atomic, processes, increments).unwrap();
        assert_eq!(
            counted,
            processes * increments,
            "{processes} × {increments}"
        );
    }
}

#[test]
fn load_then_store_never_counts_more_than_was_added() {
    // Lost updates are likely but not certain (the processes might happen to
    // take turns), so the test asserts only what must hold in every
    // interleaving: a store writes a value someone loaded, plus one, so the
    // counter can fall short but never overshoot.
    for (processes, increments) in [(1, 1_000), (2, 200_000), (4, 100_000)] {
        let expected = processes * increments;
        let counted = count_in_processes(exe(), Method::LoadStore, processes, increments).unwrap();
        assert!(counted <= expected, "{counted} > {expected}");
        assert!(counted >= 1);
        if processes == 1 {
            assert_eq!(counted, expected, "one process alone loses nothing");
        }
        println!(
            "{processes} × {increments}: counted {counted}, lost {}",
            expected - counted
        );
    }
}
