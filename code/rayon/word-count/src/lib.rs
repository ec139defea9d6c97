//! Counting words: how often each word occurs in a text. Every version here
//! gives the same counts; they differ in where the partial counts live while
//! the threads work. One map per thread, merged at the end (channels,
//! rayon's `fold` and `reduce`), one map shared by all of them behind a lock
//! (`Mutex<HashMap>`), or one map split into many locked shards (`DashMap`).
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::sync::Mutex;
use std::thread;

use dashmap::DashMap;
use rayon::prelude::*;

/// How often each word occurs. The words borrow from the text, so counting
/// allocates only the map.
pub type Counts<'a> = HashMap<&'a str, u64>;

/// A text of `words` words in lines of twelve, drawn from a vocabulary of
/// `vocabulary` made-up words with a skewed distribution (a few words are
/// very common and most are rare, as in real text). The same arguments
/// always give the same text.
pub fn text(words: usize, vocabulary: usize, seed: u64) -> String {
    let vocabulary: Vec<String> = (0..vocabulary.max(1) as u64).map(word).collect();
    let mut state = seed;
    let mut out = String::with_capacity(words * 7);
    for i in 0..words {
        state = splitmix(state);
        // The square of a uniform number in [0, 1) falls near 0 far more
        // often than near 1: low-numbered words are the common ones.
        let u = (state >> 11) as f64 / (1u64 << 53) as f64;
        let index = ((u * u) * vocabulary.len() as f64) as usize;
        out.push_str(&vocabulary[index.min(vocabulary.len() - 1)]);
        out.push(if i % 12 == 11 { '\n' } else { ' ' });
    }
    out
}

/// Made-up word number `n`: two to seven letters, different for every `n`.
fn word(n: u64) -> String {
    let mut letters = Vec::new();
    let mut rest = n;
    loop {
        letters.push(b'a' + (rest % 26) as u8);
        rest /= 26;
        if rest == 0 {
            break;
        }
    }
    letters.push(b"aeiou"[(n % 5) as usize]);
    String::from_utf8(letters).expect("ASCII letters")
}

/// One step of SplitMix64 (Steele, Lea and Flood, 2014): a fast, good
/// enough stream of pseudo-random numbers for making up a text.
fn splitmix(state: u64) -> u64 {
    let mut z = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Cuts `text` into about `pieces` pieces of similar length, each ending at
/// the end of a line, so that no word is cut in two.
pub fn pieces(text: &str, pieces: usize) -> Vec<&str> {
    let target = text.len().div_ceil(pieces.max(1)).max(1);
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let cut = if rest.len() <= target {
            rest.len()
        } else {
            // The end of the line that holds byte `target`. A cut just after
            // a newline is always between two characters.
            match rest.as_bytes()[target..].iter().position(|&b| b == b'\n') {
                Some(at) => target + at + 1,
                None => rest.len(),
            }
        };
        let (piece, tail) = rest.split_at(cut);
        out.push(piece);
        rest = tail;
    }
    out
}

// ANCHOR: sequential
/// One thread, one map.
pub fn sequential(text: &str) -> Counts<'_> {
    let mut counts = Counts::new();
    for word in text.split_ascii_whitespace() {
        *counts.entry(word).or_default() += 1;
    }
    counts
}
// ANCHOR_END: sequential

/// Adds `from`'s counts into `into`.
pub fn merge<'a>(mut into: Counts<'a>, from: Counts<'a>) -> Counts<'a> {
    if into.len() < from.len() {
        return merge(from, into);
    }
    for (word, n) in from {
        *into.entry(word).or_default() += n;
    }
    into
}

// ANCHOR: channels
/// The CSP way: the text is cut into pieces that go to `workers` threads
/// over a channel; each counts its pieces into a map of its own and sends
/// the map back when the pieces run out, and the caller merges the maps.
pub fn channels(text: &str, workers: usize) -> Counts<'_> {
    let (jobs, queue) = crossbeam_channel::bounded::<&str>(2 * workers);
    let (results, maps) = crossbeam_channel::bounded::<Counts<'_>>(workers);
    thread::scope(|scope| {
        for _ in 0..workers {
            let (queue, results) = (queue.clone(), results.clone());
            scope.spawn(move || {
                let mut mine = Counts::new();
                for piece in queue {
                    for word in piece.split_ascii_whitespace() {
                        *mine.entry(word).or_default() += 1;
                    }
                }
                results
                    .send(mine)
                    .expect("the caller is waiting for the maps");
            });
        }
        drop((queue, results));
        for piece in pieces(text, 64 * workers) {
            jobs.send(piece).expect("the workers are running");
        }
        drop(jobs);
        maps.iter().fold(Counts::new(), merge)
    })
}
// ANCHOR_END: channels

// ANCHOR: fold_reduce
/// Map-reduce with rayon: `fold` gives every task its own map, so counting
/// touches nothing shared, and `reduce` merges the maps in pairs.
pub fn fold_reduce(text: &str) -> Counts<'_> {
    text.par_lines()
        .fold(Counts::new, |mut counts, line| {
            for word in line.split_ascii_whitespace() {
                *counts.entry(word).or_default() += 1;
            }
            counts
        })
        .reduce(Counts::new, merge)
}
// ANCHOR_END: fold_reduce

// ANCHOR: par_bridge
/// The same fold and reduce over an ordinary, sequential iterator of lines:
/// `par_bridge` lets rayon's threads pull items from it one at a time.
pub fn bridged(text: &str) -> Counts<'_> {
    text.lines()
        .par_bridge()
        .fold(Counts::new, |mut counts, line| {
            for word in line.split_ascii_whitespace() {
                *counts.entry(word).or_default() += 1;
            }
            counts
        })
        .reduce(Counts::new, merge)
}
// ANCHOR_END: par_bridge

// ANCHOR: dashmap
/// One shared map, split into shards with a lock each (`DashMap`): two
/// threads wait for each other only when their words fall in the same
/// shard.
pub fn sharded(text: &str) -> Counts<'_> {
    let counts: DashMap<&str, u64> = DashMap::new();
    text.par_lines().for_each(|line| {
        for word in line.split_ascii_whitespace() {
            *counts.entry(word).or_default() += 1;
        }
    });
    counts.into_iter().collect()
}
// ANCHOR_END: dashmap

// ANCHOR: mutex
/// One shared map behind one lock, taken for every word: correct, and every
/// thread queues for the same lock.
pub fn mutex(text: &str) -> Counts<'_> {
    let counts = Mutex::new(Counts::new());
    text.par_lines().for_each(|line| {
        for word in line.split_ascii_whitespace() {
            *counts
                .lock()
                .expect("no thread panics holding the lock")
                .entry(word)
                .or_default() += 1;
        }
    });
    counts
        .into_inner()
        .expect("no thread panicked holding the lock")
}
// ANCHOR_END: mutex

/// A rayon pool of exactly `workers` threads, for `pool.install(|| ...)`.
pub fn pool(workers: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .expect("the operating system refused to start the pool's threads")
}

/// Every version, by the names the CLI and the benches use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    Sequential,
    Channels,
    FoldReduce,
    ParBridge,
    DashMap,
    Mutex,
}

impl Strategy {
    pub const ALL: [Strategy; 6] = [
        Strategy::Sequential,
        Strategy::Channels,
        Strategy::FoldReduce,
        Strategy::ParBridge,
        Strategy::DashMap,
        Strategy::Mutex,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Strategy::Sequential => "sequential",
            Strategy::Channels => "channels",
            Strategy::FoldReduce => "fold-reduce",
            Strategy::ParBridge => "par-bridge",
            Strategy::DashMap => "dashmap",
            Strategy::Mutex => "mutex-hashmap",
        }
    }

    /// Counts the words of `text`: the channel version with `workers`
    /// threads of its own, the rayon versions on `pool`.
    pub fn count<'a>(self, text: &'a str, workers: usize, pool: &rayon::ThreadPool) -> Counts<'a> {
        match self {
            Strategy::Sequential => sequential(text),
            Strategy::Channels => channels(text, workers),
            Strategy::FoldReduce => pool.install(|| fold_reduce(text)),
            Strategy::ParBridge => pool.install(|| bridged(text)),
            Strategy::DashMap => pool.install(|| sharded(text)),
            Strategy::Mutex => pool.install(|| mutex(text)),
        }
    }
}

/// The `n` most common words, most common first (ties in alphabetical
/// order), for printing.
pub fn top<'a>(counts: &Counts<'a>, n: usize) -> Vec<(&'a str, u64)> {
    let mut all: Vec<(&str, u64)> = counts.iter().map(|(&w, &c)| (w, c)).collect();
    all.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    all.truncate(n);
    all
}
