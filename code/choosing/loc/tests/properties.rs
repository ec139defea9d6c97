use choosing_loc::{
    Listing, LocError, SOLUTIONS, Syntax, count_anchored, count_function, default_root,
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
    }
}

#[test]
fn a_listing_is_package_file_anchor() {
    assert!(Listing::parse("a-b:src/lib.rs:x").is_ok());
    for bad in ["a-b:src/lib.rs", "a-b::x", ":f:x", "a:b:c:d"] {
        assert!(Listing::parse(bad).is_err(), "{bad}");
    }
    let stray = Listing::parse("nochapter:src/lib.rs:x").unwrap();
    assert!(matches!(
        stray.count(&default_root()),
        Err(LocError::BadPackage { .. })
    ));
}
