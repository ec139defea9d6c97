//! Crypto crack: given the SHA-256 digest of a short lower-case password,
//! find the password by hashing every candidate until one matches. Each
//! candidate costs one hash and nothing else, so the work is pure CPU and
//! splits evenly among workers; the number of cores, not the number of
//! workers, decides how fast it goes.
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;

use sha2::{Digest as _, Sha256};

/// The letters a password may use.
pub const ALPHABET: &[u8; 26] = b"abcdefghijklmnopqrstuvwxyz";

/// The longest password the search accepts: 26^6 is about 309 million
/// candidates, several seconds of hashing even on many cores.
pub const MAX_LENGTH: usize = 6;

/// How many candidates a worker takes from the shared cursor at a time.
pub const CHUNK: u64 = 1_024;

/// A SHA-256 digest.
pub type Digest = [u8; 32];

/// The SHA-256 digest of `bytes`.
pub fn sha256(bytes: &[u8]) -> Digest {
    Sha256::digest(bytes).into()
}

/// How many passwords of `length` letters exist: 26^length.
pub fn candidates(length: usize) -> u64 {
    ALPHABET.len().pow(length as u32) as u64
}

// ANCHOR: candidate
/// Writes candidate number `index` into `password`, read as a number in base
/// 26 with `a` = 0 and the most significant letter first: with four letters,
/// 0 is `aaaa`, 1 is `aaab`, 26 is `aaba` and 456,975 is `zzzz`.
pub fn write_candidate(mut index: u64, password: &mut [u8]) {
    for letter in password.iter_mut().rev() {
        *letter = ALPHABET[(index % 26) as usize];
        index /= 26;
    }
}
// ANCHOR_END: candidate

/// Candidate number `index` among passwords of `length` letters.
pub fn candidate(index: u64, length: usize) -> String {
    let mut password = vec![0; length];
    write_candidate(index, &mut password);
    String::from_utf8(password).expect("the alphabet is ASCII")
}

/// What a search found, and how many hashes it computed on the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub password: Option<String>,
    pub tried: u64,
}

// ANCHOR: sequential
/// Hashes every password of `length` letters in order until one has the
/// `target` digest.
pub fn crack_sequential(target: &Digest, length: usize) -> Outcome {
    assert!(length <= MAX_LENGTH);
    let mut guess = vec![0; length];
    for index in 0..candidates(length) {
        write_candidate(index, &mut guess);
        if sha256(&guess) == *target {
            let password = Some(candidate(index, length));
            return Outcome {
                password,
                tried: index + 1,
            };
        }
    }
    Outcome {
        password: None,
        tried: candidates(length),
    }
}
// ANCHOR_END: sequential

// ANCHOR: crack
/// The same search with `workers` threads. Each one takes the next CHUNK
/// candidates from a shared cursor, hashes them, and comes back for more
/// until the candidates run out or someone raises the `found` flag.
pub fn crack(target: &Digest, length: usize, workers: usize) -> Outcome {
    assert!(length <= MAX_LENGTH && workers >= 1);
    let total = candidates(length);
    let cursor = AtomicU64::new(0);
    let found = AtomicBool::new(false);
    let worker = || {
        let mut guess = vec![0; length];
        let mut tried = 0;
        while !found.load(Ordering::Relaxed) {
            let start = cursor.fetch_add(CHUNK, Ordering::Relaxed);
            if start >= total {
                break;
            }
            for index in start..total.min(start + CHUNK) {
                write_candidate(index, &mut guess);
                tried += 1;
                if sha256(&guess) == *target {
                    found.store(true, Ordering::Relaxed);
                    return (Some(index), tried);
                }
            }
        }
        (None, tried)
    };
    let results: Vec<(Option<u64>, u64)> = thread::scope(|scope| {
        let crew: Vec<_> = (0..workers).map(|_| scope.spawn(worker)).collect();
        crew.into_iter()
            .map(|w| w.join().expect("a worker panicked"))
            .collect()
    });
    let index = results.iter().find_map(|&(index, _)| index);
    Outcome {
        password: index.map(|index| candidate(index, length)),
        tried: results.iter().map(|&(_, tried)| tried).sum(),
    }
}
// ANCHOR_END: crack

/// A digest as 64 lower-case hex digits.
pub fn to_hex(digest: &Digest) -> String {
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Reads a digest written as 64 hex digits (either case).
pub fn parse_digest(hex: &str) -> Result<Digest, String> {
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("a SHA-256 digest is 64 hex digits".to_string());
    }
    let mut digest = [0; 32];
    for (i, byte) in digest.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|e| e.to_string())?;
    }
    Ok(digest)
}

/// Checks that `password` could be a candidate: 1 to MAX_LENGTH letters a-z.
pub fn parse_password(password: &str) -> Result<String, String> {
    let letters_only = password.bytes().all(|b| b.is_ascii_lowercase());
    if password.is_empty() || password.len() > MAX_LENGTH || !letters_only {
        return Err(format!("a password is 1 to {MAX_LENGTH} letters a-z"));
    }
    Ok(password.to_string())
}
