//! Every version counts every word exactly once: the same map as the
//! sequential loop, for every text, pool size and worker count.

use rayon_word_count::{Counts, Strategy, merge, pieces, pool, sequential, text, top};

#[test]
fn the_sequential_count_is_right_on_a_text_written_by_hand() {
    let text = "the cat saw the dog\nthe dog  ran\n\nand the cat sat\n";
    let counts = sequential(text);
    let expected: Counts = [
        ("the", 4),
        ("cat", 2),
        ("dog", 2),
        ("saw", 1),
        ("ran", 1),
        ("and", 1),
        ("sat", 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(counts, expected);
    assert_eq!(top(&counts, 3), vec![("the", 4), ("cat", 2), ("dog", 2)]);
}

#[test]
fn every_version_gives_the_sequential_counts() {
    let texts = [
        text(50_000, 300, 1),
        text(7, 3, 2),
        text(1, 1, 3),
        String::new(),
        "no newline at the end".to_string(),
        "  spaces\n\n\n  and   blank lines \n".to_string(),
    ];
    for text in &texts {
        let expected = sequential(text);
        let total: u64 = expected.values().sum();
        assert_eq!(total as usize, text.split_ascii_whitespace().count());
        for workers in [1, 2, 3, 8] {
            let pool = pool(workers);
            for strategy in Strategy::ALL {
                assert_eq!(
                    strategy.count(text, workers, &pool),
                    expected,
                    "{} with {workers} workers",
                    strategy.name()
                );
            }
        }
    }
}

#[test]
fn pieces_cover_the_text_exactly_and_end_at_line_ends() {
    let text = text(10_000, 100, 7);
    for n in [1, 2, 3, 64, 1_000, 100_000] {
        let cut = pieces(&text, n);
        assert_eq!(cut.concat(), text, "{n} pieces");
        for piece in &cut[..cut.len() - 1] {
            assert!(piece.ends_with('\n'), "{n} pieces: a piece ends mid-line");
        }
        assert!(cut.iter().all(|p| !p.is_empty()));
    }
    assert!(pieces("", 4).is_empty());
    assert_eq!(
        pieces("one line, no newline", 4),
        vec!["one line, no newline"]
    );
}

#[test]
fn merging_adds_counts_in_either_order() {
    let a: Counts = [("x", 2), ("y", 1)].into_iter().collect();
    let b: Counts = [("y", 5), ("z", 1), ("w", 1)].into_iter().collect();
    let expected: Counts = [("x", 2), ("y", 6), ("z", 1), ("w", 1)]
        .into_iter()
        .collect();
    assert_eq!(merge(a.clone(), b.clone()), expected);
    assert_eq!(merge(b, a), expected);
}

#[test]
fn the_text_is_the_same_every_time_and_skewed() {
    assert_eq!(text(1_000, 50, 9), text(1_000, 50, 9));
    assert_ne!(text(1_000, 50, 9), text(1_000, 50, 10));
    let text = text(100_000, 1_000, 9);
    let counts = sequential(&text);
    let common = top(&counts, 1)[0].1;
    // The most common word is far more common than the average word.
    assert!(common > 10 * (100_000 / counts.len() as u64), "{common}");
}
