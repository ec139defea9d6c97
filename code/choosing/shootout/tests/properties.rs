use choosing_shootout::{CELLS, Kit, Problem, Strategy, cells_of, expected, find};

procspawn::enable_test_support!();

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
/// where there is a sequential cell.
#[test]
fn every_strategy_gives_the_same_answer_on_every_problem() {
    let cores = support_kit::cores().max(2);
    let mut kit = Kit::new(cores, true).expect("python3 and the built extension");
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
    let mut kit = Kit::new(2, false).expect("a kit without python");
    for problem in Problem::ALL {
        for strategy in Strategy::ALL {
            if find(problem, strategy).is_none() {
                assert!(kit.solve(problem, strategy, problem.test_size()).is_none());
            }
        }
    }
    // Without the harness, the Python cell is skipped rather than failed.
    let size = Problem::FullyLoaded.test_size();
    assert!(
        kit.solve(Problem::FullyLoaded, Strategy::PythonRust, size)
            .is_none()
    );
}
