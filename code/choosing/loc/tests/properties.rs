use std::path::Path;

use choosing_loc::{
    Listing, LocError, SOLUTIONS, Syntax, count_anchored, count_block, count_function, default_root,
};

const RUST: &str = include_str!("fixtures/listing.rs.txt");
const PYTHON: &str = include_str!("fixtures/listing.py.txt");

#[test]
fn blank_lines_comments_and_nested_markers_do_not_count() {
    // fn line, let a, let b (trailing comment), let c (after a block), a + b + c, }.
    assert_eq!(count_anchored(RUST, "outer", Syntax::Slashes), Ok(6));
}

#[test]
fn a_nested_anchor_counts_only_its_own_lines() {
    assert_eq!(count_anchored(RUST, "inner", Syntax::Slashes), Ok(2));
}

#[test]
fn python_comments_start_with_a_hash() {
    assert_eq!(count_anchored(PYTHON, "ways", Syntax::Hash), Ok(2));
}

#[test]
fn a_missing_or_unclosed_anchor_is_an_error() {
    assert_eq!(
        count_anchored(RUST, "nowhere", Syntax::Slashes),
        Err(LocError::NoStart {
            anchor: "nowhere".into()
        })
    );
    assert_eq!(
        count_anchored(RUST, "unclosed", Syntax::Slashes),
        Err(LocError::NoEnd {
            anchor: "unclosed".into()
        })
    );
    // A name that only starts like an anchor's is not that anchor.
    assert!(count_anchored(RUST, "out", Syntax::Slashes).is_err());
}

#[test]
fn a_function_counts_from_its_head_to_its_closing_brace() {
    assert_eq!(count_function(RUST, "first", Syntax::Slashes), Ok(3));
    assert_eq!(count_function(RUST, "second", Syntax::Slashes), Ok(2));
    assert_eq!(count_function(RUST, "outer", Syntax::Slashes), Ok(6));
    assert!(count_function(RUST, "firs", Syntax::Slashes).is_err());
    // An attribute just above the head counts with it: #[inline], fn, match,
    // the arm's three code lines, the other arm, two closing braces.
    assert_eq!(count_function(RUST, "pick", Syntax::Slashes), Ok(9));
}

#[test]
fn a_block_counts_from_its_head_to_the_end_of_its_block() {
    // A match arm: its head, `1`, its closing brace; the comment does not count.
    assert_eq!(count_block(RUST, "0 =>", Syntax::Slashes), Ok(3));
    // `} else {` continues the block; the brace alone closes it.
    assert_eq!(count_block(RUST, "if n < 0", Syntax::Slashes), Ok(5));
    // A head that closes itself is one line; a derive above it is another.
    assert_eq!(
        count_block(RUST, "impl std::error::Error for Marker", Syntax::Slashes),
        Ok(1)
    );
    assert_eq!(
        count_block(RUST, "pub struct Marker", Syntax::Slashes),
        Ok(2)
    );
    assert_eq!(
        count_block(RUST, "nowhere", Syntax::Slashes),
        Err(LocError::NoStart {
            anchor: "block:nowhere".into()
        })
    );
}

#[test]
fn a_python_file_is_counted_with_hash_comments() {
    assert_eq!(Syntax::for_path(Path::new("fully.py")), Syntax::Hash);
    assert_eq!(Syntax::for_path(Path::new("lib.rs")), Syntax::Slashes);
    // Through the path the real count takes: the extension picks the syntax.
    // The branch ends at `else:`, not at a comment written at the margin.
    let count = |selector: &str| {
        Listing::parse(&format!(
            "choosing-loc:tests/fixtures/branches.py:{selector}"
        ))
        .unwrap()
        .count(&default_root())
    };
    assert_eq!(count("block:elif name == \"two\":"), Ok(3));
    assert_eq!(count("block:if name == \"one\":"), Ok(2));
}

#[test]
fn the_python_rust_solution_counts_python_as_python() {
    let root = default_root();
    let solution = SOLUTIONS
        .iter()
        .find(|s| s.strategy == "python-rust")
        .expect("a python-rust row");
    let python: Vec<Listing> = solution
        .listings()
        .into_iter()
        .filter(|l| l.file.ends_with(".py"))
        .collect();
    assert!(!python.is_empty());
    for listing in python {
        let text = std::fs::read_to_string(listing.path(&root).unwrap()).unwrap();
        let head = listing.selector.strip_prefix("block:").expect("a branch");
        assert_eq!(listing.count(&root), count_block(&text, head, Syntax::Hash));
    }
}

#[test]
fn every_solution_the_chapter_counts_exists_and_has_code() {
    let root = default_root();
    for solution in SOLUTIONS {
        for listing in solution.listings() {
            let lines = listing
                .count(&root)
                .unwrap_or_else(|e| panic!("{listing:?}: {e}"));
            assert!(lines > 0, "{listing:?} is empty");
        }
        // A row without listings must say why.
        assert!(
            !solution.listings.is_empty() || !solution.note.is_empty(),
            "{} {} has no listing and no note",
            solution.problem,
            solution.strategy
        );
    }
}

#[test]
fn a_listing_is_package_file_anchor() {
    assert!(Listing::parse("a-b:src/lib.rs:x").is_ok());
    // The selector keeps its own colons.
    let block = Listing::parse("a-b:src/lib.rs:block:A::B =>").unwrap();
    assert_eq!(block.selector, "block:A::B =>");
    for bad in ["a-b:src/lib.rs", "a-b::x", ":f:x", "a-b:src/lib.rs:"] {
        assert!(Listing::parse(bad).is_err(), "{bad}");
    }
    let stray = Listing::parse("nochapter:src/lib.rs:x").unwrap();
    assert!(matches!(
        stray.count(&default_root()),
        Err(LocError::BadPackage { .. })
    ));
}

/// The count of one row of the table, `None` for a row without listings.
fn lines(problem: &str, strategy: &str) -> Option<usize> {
    let solution = SOLUTIONS
        .iter()
        .find(|s| s.problem == problem && s.strategy == strategy)
        .unwrap_or_else(|| panic!("no row {problem} {strategy}"));
    solution.count(&default_root()).unwrap()
}

// Every sentence of book/choosing/loc.md that compares counts, checked
// against the counts themselves, so that a changed listing breaks this test
// rather than the page.
#[test]
fn the_comparisons_the_page_makes_hold() {
    // "rayon's solution is the sequential loop with `par_iter` in it, and
    // exactly as long" (building search, fully loaded).
    for problem in ["building-search", "fully-loaded"] {
        assert_eq!(
            lines(problem, "rayon"),
            lines(problem, "sequential"),
            "{problem}"
        );
    }
    // "On the crack, rayon's is the shorter."
    assert!(lines("crypto-crack", "rayon") < lines("crypto-crack", "sequential"));
    // "Wherever rayon solves a problem, its solution is the shortest of the
    // parallel ones, and every hand-made pool is at least three times as long."
    for problem in ["building-search", "crypto-crack", "fully-loaded"] {
        let rayon = lines(problem, "rayon").unwrap();
        for other in SOLUTIONS.iter().filter(|s| s.problem == problem) {
            if matches!(other.strategy, "sequential" | "rayon") {
                continue;
            }
            let count = lines(problem, other.strategy).unwrap();
            assert!(count > rayon, "{problem} {}", other.strategy);
            if matches!(other.strategy, "threads" | "channels" | "processes") {
                assert!(count >= 3 * rayon, "{problem} {}", other.strategy);
            }
        }
    }
    // "The actor counter is the longest counter, over twice the threads'."
    let actors = lines("counter", "actors").unwrap();
    for other in ["threads", "async"] {
        assert!(actors > lines("counter", other).unwrap(), "{other}");
    }
    assert!(actors > 2 * lines("counter", "threads").unwrap());
    // "The broker's door knock is the longest solution in the table, longer
    // than the other three door knocks together."
    let broker = lines("door-knock", "broker").unwrap();
    for other in SOLUTIONS.iter().filter(|s| s.strategy != "broker") {
        let count = lines(other.problem, other.strategy).unwrap_or(0);
        assert!(broker > count, "{} {}", other.problem, other.strategy);
    }
    let others: usize = ["sequential", "threads", "async"]
        .iter()
        .map(|s| lines("door-knock", s).unwrap())
        .sum();
    assert!(broker > others);
    // "The async counter is shorter than the threads'."
    assert!(lines("counter", "async") < lines("counter", "threads"));
    // "The actors' shop is longer than the channels' pipeline."
    assert!(lines("shoemaker", "actors") > lines("shoemaker", "channels"));
    // "The counter's sequential cell has no listing of its own."
    assert_eq!(lines("counter", "sequential"), None);
}

/// `BuildingSearch` as the tables write it: `building-search`.
fn kebab(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

// The rows follow the shootout's cells: the same problem × strategy pairs,
// in the same order. Read from the shootout's source, so that this crate
// need not build the shootout (and its Python, RabbitMQ and process pools).
#[test]
fn the_rows_are_the_shootouts_cells() {
    let source =
        std::fs::read_to_string(default_root().join("code/choosing/shootout/src/lib.rs")).unwrap();
    let start = source
        .find("pub const CELLS")
        .expect("CELLS in the shootout");
    let end = start + source[start..].find("\n];").expect("the end of CELLS");
    let compact: String = source[start..end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let cells: Vec<(String, String)> = compact
        .split("cell(")
        .skip(1)
        .map(|call| {
            let mut parts = call.split(',');
            let problem = kebab(parts.next().unwrap_or_default());
            let strategy = kebab(parts.next().unwrap_or_default());
            (problem, strategy)
        })
        .collect();
    let rows: Vec<(String, String)> = SOLUTIONS
        .iter()
        .map(|s| (s.problem.to_string(), s.strategy.to_string()))
        .collect();
    assert!(!cells.is_empty());
    assert_eq!(
        rows, cells,
        "choosing-loc's SOLUTIONS must list choosing-shootout's CELLS, in order"
    );
}
