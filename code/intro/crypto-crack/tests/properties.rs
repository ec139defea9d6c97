//! Properties of the crack that hold for every worker count and every
//! scheduling of the threads.

use intro_crypto_crack::{
    Outcome, candidate, candidates, crack, crack_sequential, parse_digest, sha256, to_hex,
};

#[test]
fn candidates_count_up_in_base_26() {
    assert_eq!(candidate(0, 4), "aaaa");
    assert_eq!(candidate(1, 4), "aaab");
    assert_eq!(candidate(26, 4), "aaba");
    assert_eq!(candidate(candidates(4) - 1, 4), "zzzz");
    assert_eq!(candidates(4), 456_976);
    // Every candidate of three letters is distinct and in alphabetical order.
    let all: Vec<String> = (0..candidates(3)).map(|i| candidate(i, 3)).collect();
    assert!(all.windows(2).all(|pair| pair[0] < pair[1]));
}

#[test]
fn sha256_matches_a_known_digest() {
    let digest = sha256(b"abc");
    let known = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    assert_eq!(to_hex(&digest), known);
    assert_eq!(parse_digest(known), Ok(digest));
    assert_eq!(parse_digest(&known.to_uppercase()), Ok(digest));
    assert!(parse_digest("abc").is_err());
    assert!(parse_digest(&known.replace('a', "g")).is_err());
}

#[test]
fn sequential_finds_known_passwords_after_the_right_number_of_hashes() {
    for password in ["a", "z", "ab", "zz", "cat", "aaa", "zzz"] {
        let outcome = crack_sequential(&sha256(password.as_bytes()), password.len());
        assert_eq!(outcome.password.as_deref(), Some(password));
        let index = (0..candidates(password.len()))
            .find(|&i| candidate(i, password.len()) == password)
            .unwrap();
        assert_eq!(outcome.tried, index + 1, "{password}");
    }
}

#[test]
fn every_worker_count_cracks_known_passwords() {
    for password in ["a", "q", "zz", "aaa", "dog", "mmm", "zzz"] {
        let target = sha256(password.as_bytes());
        let index = (0..candidates(password.len()))
            .find(|&i| candidate(i, password.len()) == password)
            .unwrap();
        for workers in 1..=8 {
            let outcome = crack(&target, password.len(), workers);
            assert_eq!(
                outcome.password.as_deref(),
                Some(password),
                "{workers} workers"
            );
            // Blocks are handed out in order and a worker finishes the block it
            // holds, so every candidate before the password was hashed, by
            // someone; and no candidate is hashed twice.
            assert!(
                outcome.tried > index && outcome.tried <= candidates(password.len()),
                "{password}, {workers} workers: {} hashes",
                outcome.tried
            );
        }
    }
}

#[test]
fn sequential_and_parallel_agree_for_every_three_letter_start_and_end() {
    for index in [0, 1, 1_023, 1_024, 1_025, 9_000, candidates(3) - 1] {
        let password = candidate(index, 3);
        let target = sha256(password.as_bytes());
        let expected = crack_sequential(&target, 3).password;
        for workers in 1..=8 {
            assert_eq!(crack(&target, 3, workers).password, expected, "{password}");
        }
    }
}

#[test]
fn a_digest_with_no_preimage_of_that_length_is_not_cracked_and_every_candidate_is_tried_once() {
    // "abcd" has four letters, so no three-letter password has its digest.
    let target = sha256(b"abcd");
    let all = candidates(3);
    assert_eq!(
        crack_sequential(&target, 3),
        Outcome {
            password: None,
            tried: all
        }
    );
    for workers in 1..=8 {
        assert_eq!(
            crack(&target, 3, workers),
            Outcome {
                password: None,
                tried: all
            }
        );
    }
    // Digits are not in the alphabet: no candidate of any length matches.
    let target = sha256(b"123");
    for workers in [1, 3, 8] {
        assert_eq!(crack(&target, 3, workers).password, None);
    }
}

#[test]
fn the_last_candidate_is_found_after_hashing_every_candidate() {
    let target = sha256(b"zzz");
    for workers in 1..=8 {
        let outcome = crack(&target, 3, workers);
        assert_eq!(outcome.password.as_deref(), Some("zzz"));
        assert_eq!(outcome.tried, candidates(3), "{workers} workers");
    }
}

#[test]
fn more_workers_than_chunks_still_work() {
    let target = sha256(b"b");
    for workers in [30, 100] {
        assert_eq!(crack(&target, 1, workers).password.as_deref(), Some("b"));
    }
}

#[test]
fn passwords_of_one_to_max_length_letters_are_accepted() {
    use intro_crypto_crack::{MAX_LENGTH, parse_password};
    for length in 1..=MAX_LENGTH {
        let password = "q".repeat(length);
        assert_eq!(parse_password(&password), Ok(password.clone()));
    }
    for bad in ["", "abcdefg", "Abc", "ab1", "ab c", "é"] {
        assert!(parse_password(bad).is_err(), "{bad:?}");
    }
}
