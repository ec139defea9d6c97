//! What a solution costs in code, counted rather than typed: the non-blank,
//! non-comment lines of the anchored listings the book shows for each
//! strategy on each recurring problem. The solutions are named by package,
//! file and anchor, so a chapter that changes its listing changes the count.
#![forbid(unsafe_code)]

use std::fmt;
use std::path::{Path, PathBuf};

/// How a file writes its comments: `//` and `/* */` (Rust, C), or `#` (Python).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Slashes,
    Hash,
}

impl Syntax {
    /// The syntax a file's extension implies: `#` for Python, `//` otherwise.
    pub fn for_path(path: &Path) -> Syntax {
        match path.extension().and_then(|e| e.to_str()) {
            Some("py") => Syntax::Hash,
            _ => Syntax::Slashes,
        }
    }
}

/// Why a listing could not be counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocError {
    NoStart { anchor: String },
    NoEnd { anchor: String },
    Unreadable { path: PathBuf, reason: String },
    BadPackage { package: String },
}

impl fmt::Display for LocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LocError::NoStart { anchor } => write!(f, "anchor '{anchor}' not found"),
            LocError::NoEnd { anchor } => write!(f, "anchor '{anchor}' is never closed"),
            LocError::Unreadable { path, reason } => {
                write!(f, "cannot read {}: {reason}", path.display())
            }
            LocError::BadPackage { package } => write!(
                f,
                "package '{package}' is not <chapter>-<example> with a folder under code/"
            ),
        }
    }
}

impl std::error::Error for LocError {}

// ANCHOR: marker
/// The anchor name on a marker line (`kind` is the start or the end
/// keyword), if this line is a comment that carries one.
fn marker<'a>(line: &'a str, kind: &str) -> Option<&'a str> {
    let trimmed = line.trim_start();
    if !(trimmed.starts_with("//") || trimmed.starts_with('#') || trimmed.starts_with("/*")) {
        return None;
    }
    let rest = trimmed[trimmed.find(kind)? + kind.len()..].trim_start();
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}
// ANCHOR_END: marker

// ANCHOR: is_code
/// Whether a line holds code, given the comment syntax and whether a block
/// comment is open (which this updates).
fn is_code(line: &str, syntax: Syntax, in_block: &mut bool) -> bool {
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return false;
    }
    match syntax {
        Syntax::Hash => !trimmed.starts_with('#'),
        Syntax::Slashes => {
            if *in_block {
                let Some(close) = trimmed.find("*/") else {
                    return false;
                };
                *in_block = false;
                return !trimmed[close + 2..].trim().is_empty();
            }
            if trimmed.starts_with("//") {
                return false;
            }
            if let Some(body) = trimmed.strip_prefix("/*") {
                match body.find("*/") {
                    None => *in_block = true,
                    Some(close) => return !body[close + 2..].trim().is_empty(),
                }
                return false;
            }
            true
        }
    }
}
// ANCHOR_END: is_code

// ANCHOR: function
/// Counts the lines of code of the function `name`: from its `fn` line to
/// the closing brace at the same indent, for a listing that holds several
/// functions under one anchor.
pub fn count_function(text: &str, name: &str, syntax: Syntax) -> Result<usize, LocError> {
    let missing = || LocError::NoStart {
        anchor: format!("fn:{name}"),
    };
    let is_head = |line: &str| {
        let words: Vec<&str> = line.split_whitespace().collect();
        words.iter().position(|w| *w == "fn").is_some_and(|at| {
            words.get(at + 1).is_some_and(|next| {
                next.strip_prefix(name)
                    .is_some_and(|rest| rest.starts_with(['(', '<']))
            })
        })
    };
    let mut lines = text.lines().skip_while(|line| !is_head(line));
    let head = lines.next().ok_or_else(missing)?;
    let indent = head.len() - head.trim_start().len();
    let close = format!("{}}}", " ".repeat(indent));
    let (mut count, mut in_block) = (1, false);
    for line in lines {
        if is_code(line, syntax, &mut in_block) {
            count += 1;
        }
        if line.trim_end() == close {
            return Ok(count);
        }
    }
    Err(LocError::NoEnd {
        anchor: format!("fn:{name}"),
    })
}
// ANCHOR_END: function

// ANCHOR: count
const START: &str = "ANCHOR:";
const END: &str = "ANCHOR_END:";

/// Counts the lines of code between the first start marker named `anchor`
/// and its end marker, as mdBook would include them: blank lines, comment
/// lines and the marker lines of anchors nested inside do not count.
pub fn count_anchored(text: &str, anchor: &str, syntax: Syntax) -> Result<usize, LocError> {
    let mut lines = text.lines();
    if !lines
        .by_ref()
        .any(|line| marker(line, START) == Some(anchor))
    {
        return Err(LocError::NoStart {
            anchor: anchor.into(),
        });
    }
    let mut in_block = false;
    let mut count = 0;
    for line in lines {
        if marker(line, END) == Some(anchor) {
            return Ok(count);
        }
        if is_code(line, syntax, &mut in_block) {
            count += 1;
        }
    }
    Err(LocError::NoEnd {
        anchor: anchor.into(),
    })
}
// ANCHOR_END: count

/// One listing: a file of a package, and the anchor around the code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing {
    pub package: String,
    pub file: String,
    pub anchor: String,
}

impl Listing {
    /// Parses `package:file:anchor`.
    pub fn parse(spec: &str) -> Result<Listing, String> {
        let parts: Vec<&str> = spec.split(':').collect();
        match parts[..] {
            [package, file, anchor]
                if !package.is_empty() && !file.is_empty() && !anchor.is_empty() =>
            {
                Ok(Listing {
                    package: package.into(),
                    file: file.into(),
                    anchor: anchor.into(),
                })
            }
            _ => Err(format!("'{spec}' is not package:file:anchor")),
        }
    }

    /// The file's path under the workspace `root`: package `ch-ex` lives in
    /// `code/ch/ex`.
    pub fn path(&self, root: &Path) -> Result<PathBuf, LocError> {
        let bad = || LocError::BadPackage {
            package: self.package.clone(),
        };
        let (chapter, example) = self.package.split_once('-').ok_or_else(bad)?;
        let dir = root.join("code").join(chapter).join(example);
        if !dir.join("Cargo.toml").is_file() {
            return Err(bad());
        }
        Ok(dir.join(&self.file))
    }

    /// The listing's lines of code, read from the workspace at `root`.
    pub fn count(&self, root: &Path) -> Result<usize, LocError> {
        let path = self.path(root)?;
        let text = std::fs::read_to_string(&path).map_err(|e| LocError::Unreadable {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        let at = format!("{}:{}:{}", self.package, self.file, self.anchor);
        let syntax = Syntax::for_path(&path);
        let counted = match self.anchor.strip_prefix("fn:") {
            Some(name) => count_function(&text, name, syntax),
            None => count_anchored(&text, &self.anchor, syntax),
        };
        counted.map_err(|e| match e {
            LocError::NoStart { .. } => LocError::NoStart { anchor: at },
            LocError::NoEnd { .. } => LocError::NoEnd { anchor: at },
            other => other,
        })
    }
}

// ANCHOR: solutions
/// One strategy's solution to one recurring problem: the listings the book
/// shows for it, added up.
pub struct Solution {
    pub problem: &'static str,
    pub strategy: &'static str,
    pub package: &'static str,
    pub file: &'static str,
    pub anchors: &'static [&'static str],
}

/// A solution whose listings are anchors (or `fn:name` items) of `src/lib.rs`.
const fn s(
    problem: &'static str,
    strategy: &'static str,
    package: &'static str,
    anchors: &'static [&'static str],
) -> Solution {
    Solution {
        problem,
        strategy,
        package,
        file: "src/lib.rs",
        anchors,
    }
}
// ANCHOR_END: solutions

/// The solutions the chapter compares, problem by problem, one for each cell
/// of the shootout (crate choosing-shootout) that a chapter fills.
pub const SOLUTIONS: &[Solution] = &[
    s(
        "building-search",
        "sequential",
        "intro-building-search",
        &["sequential"],
    ),
    s(
        "building-search",
        "threads",
        "intro-building-search",
        &["fixed_pool"],
    ),
    s(
        "building-search",
        "rayon",
        "rayon-building-search",
        &["find_any"],
    ),
    s(
        "crypto-crack",
        "sequential",
        "intro-crypto-crack",
        &["sequential"],
    ),
    s("crypto-crack", "threads", "intro-crypto-crack", &["crack"]),
    s("crypto-crack", "rayon", "rayon-crypto-crack", &["find_any"]),
    s(
        "crypto-crack",
        "channels",
        "csp-fan-out-fan-in",
        &["worker", "pool"],
    ),
    s(
        "door-knock",
        "sequential",
        "intro-door-knock",
        &["sequential"],
    ),
    s("door-knock", "threads", "intro-door-knock", &["threads"]),
    s("door-knock", "async", "async-door-knock", &["tasks"]),
    s("counter", "sequential", "threads-counters", &["atomic"]),
    s("counter", "threads", "threads-counters", &["atomic"]),
    s(
        "counter",
        "actors",
        "actors-hand-rolled",
        &["message", "actor", "handle"],
    ),
    s("counter", "async", "async-blocking", &["std_mutex"]),
    s(
        "fully-loaded",
        "sequential",
        "processes-fully-loaded",
        &["fn:sequential"],
    ),
    s(
        "fully-loaded",
        "threads",
        "processes-fully-loaded",
        &["fn:threads"],
    ),
    s(
        "fully-loaded",
        "rayon",
        "processes-fully-loaded",
        &["fn:rayon"],
    ),
    s(
        "fully-loaded",
        "processes",
        "processes-fully-loaded",
        &["fn:process_pool"],
    ),
    Solution {
        problem: "fully-loaded",
        strategy: "python-rust",
        package: "ffi-fully-loaded",
        file: "python/fully.py",
        anchors: &["ways"],
    },
    s(
        "shoemaker",
        "channels",
        "intro-shoemaker-elves",
        &["run", "elf"],
    ),
    s(
        "shoemaker",
        "actors",
        "actors-pizzeria",
        &["worker", "open"],
    ),
];

/// The problems, in the order the chapter shows them.
pub fn problems() -> Vec<&'static str> {
    let mut seen: Vec<&'static str> = Vec::new();
    for solution in SOLUTIONS {
        if !seen.contains(&solution.problem) {
            seen.push(solution.problem);
        }
    }
    seen
}

impl Solution {
    /// The solution's listings.
    pub fn listings(&self) -> Vec<Listing> {
        self.anchors
            .iter()
            .map(|anchor| Listing {
                package: self.package.into(),
                file: self.file.into(),
                anchor: (*anchor).into(),
            })
            .collect()
    }

    /// Lines of code in all its listings together.
    pub fn count(&self, root: &Path) -> Result<usize, LocError> {
        self.listings().iter().map(|l| l.count(root)).sum()
    }
}

/// The workspace this crate was built in, the default root.
pub fn default_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..")
}
