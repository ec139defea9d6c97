use choosing_shootout::{
    Answer, CELLS, Kit, Needs, PASSWORD_LENGTH, Problem, Strategy, cells_of, chain_hex, expected,
    find,
};

procspawn::enable_test_support!();

/// How many times the counter test runs every counter cell.
const COUNTER_REPEATS: u32 = 4;

#[test]
fn every_problem_has_cells_to_compare() {
    for problem in Problem::ALL {
        // A pipeline has no sequential function in any chapter.
        let sequential = find(problem, Strategy::Sequential).is_some();
        assert_eq!(sequential, problem != Problem::Shoemaker, "{problem:?}");
        assert!(cells_of(problem).len() >= 2, "{problem:?}");
    }
    for (i, a) in CELLS.iter().enumerate() {
        for b in &CELLS[i + 1..] {
            assert!(
                (a.problem, a.strategy) != (b.problem, b.strategy),
                "{a:?} twice"
            );
        }
    }
}

// ANCHOR: same_answer
/// Every filled cell gives the answer the problem's definition gives (the
/// room marked, the password hashed, every door, tasks × increments, every
/// order through every stage in order), which is the sequential answer
/// where there is a sequential cell. It needs python3 with the built
/// extension and a RabbitMQ, and fails naming whichever is missing.
#[test]
fn every_strategy_gives_the_same_answer_on_every_problem() {
    let cores = support_kit::cores().max(2);
    let mut kit = Kit::new(cores, Needs::ALL).unwrap_or_else(|e| panic!("{e}"));
    for problem in Problem::ALL {
        for size in [problem.test_size(), problem.test_size() + 7] {
            let want = expected(problem, size, cores);
            if let Some(sequential) = kit.solve(problem, Strategy::Sequential, size) {
                let sequential = sequential.expect("the sequential run");
                assert_eq!(sequential, want, "{problem:?} at {size}");
            }
            for cell in cells_of(problem) {
                let answer = kit
                    .solve(problem, cell.strategy, size)
                    .expect("a filled cell runs")
                    .expect("no cell fails");
                assert_eq!(answer, want, "{problem:?} {:?} at {size}", cell.strategy);
            }
        }
    }
}
// ANCHOR_END: same_answer

#[test]
fn empty_cells_are_empty() {
    let mut kit = Kit::new(2, Needs::NONE).expect("a kit without services");
    for problem in Problem::ALL {
        for strategy in Strategy::ALL {
            if find(problem, strategy).is_none() {
                assert!(kit.solve(problem, strategy, problem.test_size()).is_none());
            }
        }
    }
    // A kit asked for neither service runs neither cell; a kit that was
    // asked for one and could not start it fails instead (tests/cli.rs).
    let size = Problem::FullyLoaded.test_size();
    assert!(
        kit.solve(Problem::FullyLoaded, Strategy::PythonRust, size)
            .is_none()
    );
    let size = Problem::DoorKnock.test_size();
    assert!(
        kit.solve(Problem::DoorKnock, Strategy::Broker, size)
            .is_none()
    );
}

/// The counter at a size where the tasks really run at the same time (see
/// `Problem::test_size`), several times over. Put in a cell's place, a
/// load-then-store counter failed this test in 20 runs of 20: on scoped
/// threads, as tokio tasks reading and writing under two locks, and as an
/// actor asked for the count and then told the count plus one. Tokio tasks
/// with no lock and no `.await` between load and store run a quarter of a
/// millisecond each at this size; on a busy two-core machine the runtime's
/// second worker sometimes never runs in that time, and about one test run
/// in three missed them.
#[test]
fn every_counter_cell_loses_nothing_while_its_tasks_overlap() {
    let cores = support_kit::cores().max(2);
    let mut kit = Kit::new(cores, Needs::NONE).expect("a kit without services");
    let size = Problem::Counter.test_size();
    let want = expected(Problem::Counter, size, cores);
    for round in 1..=COUNTER_REPEATS {
        for cell in cells_of(Problem::Counter) {
            let answer = kit.solve(Problem::Counter, cell.strategy, size);
            let answer = answer.expect("a filled cell").expect("no cell fails");
            assert_eq!(answer, want, "{:?}, round {round}", cell.strategy);
        }
    }
}

/// The password at the edges of every parallel strategy's split: the first
/// and last candidates; either side of the threads' first CHUNK (a shared
/// cursor hands out CHUNK candidates at a time); the first block the
/// channels' dispatcher sends only after a report comes back (it keeps
/// `BLOCKS_PER_WORKER` blocks per worker out); rayon's halves and quarters
/// (`find_any` splits a range at its middle, and again, one split per thread);
/// and the start of the last, shorter chunk.
#[test]
fn every_crypto_crack_cell_finds_the_password_wherever_it_is() {
    let cores = support_kit::cores().max(2);
    let mut kit = Kit::new(cores, Needs::NONE).expect("a kit without services");
    let total = intro_crypto_crack::candidates(PASSWORD_LENGTH);
    let chunk = intro_crypto_crack::CHUNK;
    let block = csp_fan_out_fan_in::DEFAULT_BLOCK;
    let refill = (csp_fan_out_fan_in::BLOCKS_PER_WORKER * cores) as u64 * block;
    let places = [
        0,
        chunk - 1,
        chunk,
        refill - 1,
        refill,
        total / 4,
        total / 2 - 1,
        total / 2,
        total / 4 * 3,
        (total - 1) / chunk * chunk,
        total - 1,
    ];
    for index in places {
        let want = expected(Problem::CryptoCrack, index, cores);
        for cell in cells_of(Problem::CryptoCrack) {
            let answer = kit.solve(Problem::CryptoCrack, cell.strategy, index);
            let answer = answer.expect("a filled cell").expect("no cell fails");
            assert_eq!(answer, want, "{:?}, password number {index}", cell.strategy);
        }
    }
}

/// The marked room first, last, either side of a fixed-pool chunk
/// (`intro_building_search::CHUNK` rooms at a time), in the last chunk, and
/// either side of rayon's middle and first-quarter splits, and in its last
/// quarter.
#[test]
fn every_building_search_cell_finds_the_room_wherever_it_is() {
    let cores = support_kit::cores().max(2);
    let chunk = intro_building_search::CHUNK;
    for rooms in [Problem::BuildingSearch.test_size(), 10 * chunk + 7] {
        let places = [
            0,
            chunk - 1,
            chunk,
            rooms / 4 - 1,
            rooms / 4,
            rooms / 2 - 1,
            rooms / 2,
            rooms / 4 * 3,
            (rooms - 1) / chunk * chunk,
            rooms - 1,
        ];
        for marked in places {
            for cell in cells_of(Problem::BuildingSearch) {
                let answer = Kit::search_building(cell.strategy, rooms, marked, cores);
                let want = Answer::Room(Some(marked));
                assert_eq!(
                    answer, want,
                    "{:?}, room {marked} of {rooms}",
                    cell.strategy
                );
            }
        }
    }
}

/// The fully loaded digests the cells are held to, against digests that
/// Python's `hashlib` computed by the same definition (seed as eight
/// little-endian bytes, then hash the digest again): a slip in the
/// definition shared by every cell, or in the hash itself, fails here.
#[test]
fn fully_loaded_digests_follow_the_definition() {
    let cases = [
        (
            0,
            1,
            "af5570f5a1810b7af78caf4bc70a660f0df51e42baf91d4de5b2328de0e83dfc",
        ),
        (
            1,
            3,
            "15fd3320f4611971707753b2301156845e32cd712ecca1008c034f07c1de17cd",
        ),
        (
            0,
            500,
            "44f95db81ec2fe63c03e5629d562bd78e354137e763e47f0df2dbc3c84da1726",
        ),
        (
            1,
            500,
            "76d4837c2473a52ebf394c3b0796e3816cf56c5449a5188cce8a203dfd731d2b",
        ),
    ];
    for (seed, rounds, hex) in cases {
        assert_eq!(chain_hex(seed, rounds), hex, "seed {seed}, {rounds} rounds");
    }
    let want = expected(Problem::FullyLoaded, 500, 2);
    assert_eq!(
        want,
        Answer::Digests(vec![cases[2].2.into(), cases[3].2.into()])
    );
}

/// The memory column's watcher sees a child process this process starts
/// while the work runs, and reads its peak. (That it sees no child where
/// none is started cannot be tested here: the other tests in this binary
/// start the Python harness and pool workers at the same time.)
#[test]
fn the_children_watcher_sees_a_child_and_reads_its_peak() {
    use std::process::Command;
    let (status, peak) = choosing_shootout::with_children_peak(|| {
        let mut child = Command::new("sleep")
            .arg("0.05")
            .spawn()
            .expect("sleep runs");
        let pid = child.id();
        let seen = (0..200).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(1));
            choosing_shootout::child_pids().contains(&pid)
        });
        (seen, child.wait().expect("sleep ends"))
    });
    assert!(status.0, "child_pids never listed the child");
    assert!(status.1.success());
    assert!(peak.is_some_and(|kib| kib > 0), "{peak:?}");
}
