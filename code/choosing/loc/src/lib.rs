//! What a solution costs in code, counted rather than typed: the non-blank,
//! non-comment lines of the listings that make up each strategy's solution
//! to each recurring problem. A listing is named by package, file and a
//! selector (an anchor, `fn:name` or `block:head`), so a chapter that changes
//! its code changes the count. [`Solution`] states which code a count takes in.
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
/// Counts the lines of code of one item found by its first line rather than
/// by an anchor, for code no page cuts out on its own: a function among
/// several under one anchor, one arm of a `match`, one branch of a Python
/// `if`. The item runs from its head to the end of its block: the closing
/// brace at the head's indent, or for Python the last line indented deeper
/// than the head. Attribute lines just above the head (`#[...]`, `@...`)
/// count with it, and a head that closes itself (`...;` or `{}`) is one line.
fn count_item(
    text: &str,
    is_head: impl Fn(&str) -> bool,
    syntax: Syntax,
) -> Option<Result<usize, ()>> {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines.iter().position(|line| is_head(line))?;
    let attribute = if syntax == Syntax::Hash { "@" } else { "#[" };
    let above = lines[..at].iter().rev();
    let attributes = above.take_while(|l| l.trim_start().starts_with(attribute));
    let mut count = attributes.count() + 1;
    let head = lines[at].trim_end();
    let indent = |line: &str| line.len() - line.trim_start().len();
    if syntax == Syntax::Slashes && (head.ends_with(';') || head.ends_with("{}")) {
        return Some(Ok(count));
    }
    let mut in_block = false;
    for &line in &lines[at + 1..] {
        let code = is_code(line, syntax, &mut in_block);
        let trimmed = line.trim();
        if syntax == Syntax::Hash && code && indent(line) <= indent(head) {
            return Some(Ok(count)); // a Python block ends where its indent does
        }
        count += usize::from(code);
        let closes = trimmed.starts_with('}') && !trimmed.ends_with('{');
        if syntax == Syntax::Slashes && closes && indent(line) == indent(head) {
            return Some(Ok(count));
        }
    }
    Some(if syntax == Syntax::Hash {
        Ok(count)
    } else {
        Err(())
    })
}
// ANCHOR_END: function

/// `fn:name`: the function `name`, from its `fn` line to its closing brace.
pub fn count_function(text: &str, name: &str, syntax: Syntax) -> Result<usize, LocError> {
    let is_head = |line: &str| {
        let words: Vec<&str> = line.split_whitespace().collect();
        words.iter().position(|w| *w == "fn").is_some_and(|at| {
            words.get(at + 1).is_some_and(|next| {
                next.strip_prefix(name)
                    .is_some_and(|rest| rest.starts_with(['(', '<']))
            })
        })
    };
    item_result(count_item(text, is_head, syntax), format!("fn:{name}"))
}

/// `block:head`: the block whose first line starts (after its indent) with
/// `head`, such as a `match` arm or an `elif` branch.
pub fn count_block(text: &str, head: &str, syntax: Syntax) -> Result<usize, LocError> {
    let is_head = |line: &str| line.trim_start().starts_with(head);
    item_result(count_item(text, is_head, syntax), format!("block:{head}"))
}

fn item_result(found: Option<Result<usize, ()>>, anchor: String) -> Result<usize, LocError> {
    match found {
        None => Err(LocError::NoStart { anchor }),
        Some(Err(())) => Err(LocError::NoEnd { anchor }),
        Some(Ok(count)) => Ok(count),
    }
}

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

/// One listing: a file of a package, and what to count in it: an anchor's
/// name, `fn:name` or `block:head`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing {
    pub package: String,
    pub file: String,
    pub selector: String,
}

impl Listing {
    /// Parses `package:file:selector`; the selector may hold colons itself.
    pub fn parse(spec: &str) -> Result<Listing, String> {
        let parts: Vec<&str> = spec.splitn(3, ':').collect();
        match parts[..] {
            [package, file, selector]
                if !package.is_empty() && !file.is_empty() && !selector.is_empty() =>
            {
                Ok(Listing {
                    package: package.into(),
                    file: file.into(),
                    selector: selector.into(),
                })
            }
            _ => Err(format!("'{spec}' is not package:file:selector")),
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
        self.count_in(&read(&path)?, &path)
    }

    /// The listing's lines of code in `text`, the contents of `path`.
    fn count_in(&self, text: &str, path: &Path) -> Result<usize, LocError> {
        let at = format!("{}:{}:{}", self.package, self.file, self.selector);
        let syntax = Syntax::for_path(path);
        let selector = self.selector.as_str();
        let counted = if let Some(name) = selector.strip_prefix("fn:") {
            count_function(text, name, syntax)
        } else if let Some(head) = selector.strip_prefix("block:") {
            count_block(text, head, syntax)
        } else {
            count_anchored(text, selector, syntax)
        };
        counted.map_err(|e| match e {
            LocError::NoStart { .. } => LocError::NoStart { anchor: at },
            LocError::NoEnd { .. } => LocError::NoEnd { anchor: at },
            other => other,
        })
    }

    /// The listing as `--listing` names it.
    pub fn label(&self) -> String {
        format!("{}:{}:{}", self.package, self.file, self.selector)
    }
}

/// The text of the file at `path`.
fn read(path: &Path) -> Result<String, LocError> {
    std::fs::read_to_string(path).map_err(|e| LocError::Unreadable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// Listings as a table shows them: each package once, then its file where
/// that is not `src/lib.rs`, then the selectors joined with `+`.
pub fn describe(listings: &[Listing]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut last: Option<(&str, &str)> = None;
    for listing in listings {
        let here = (listing.package.as_str(), listing.file.as_str());
        if last == Some(here) {
            parts
                .last_mut()
                .expect("a part per package")
                .push_str(" + ");
        } else {
            let file = match here.1 {
                "src/lib.rs" => String::new(),
                file => format!(" {file}"),
            };
            parts.push(format!("{}{file}: ", here.0));
        }
        parts
            .last_mut()
            .expect("pushed above")
            .push_str(&listing.selector);
        last = Some(here);
    }
    parts.join("; ")
}

// ANCHOR: solutions
/// One strategy's solution to one recurring problem. Its count is the code a
/// reader writes to solve the problem that way: the function the shootout
/// calls and the workers, messages, actors, handles and error types it
/// defines, down to the driver that starts the tasks and gathers their
/// results. Left out: what every strategy of the problem shares (the
/// problem's own functions and answer types), items kept only for tests or
/// for a chapter's measurements, the harness, the CLI, and the libraries and
/// runtimes a strategy leans on. Bookkeeping written inside a counted
/// function stays in, and the solution's note names it.
pub struct Solution {
    pub problem: &'static str,
    pub strategy: &'static str,
    /// `package:file:selector` for each listing, added up; none where no
    /// chapter wrote a listing for this cell.
    pub listings: &'static [&'static str],
    /// What sets this count apart from its neighbours, or why it is missing.
    pub note: &'static str,
}
// ANCHOR_END: solutions

/// The solutions the chapter compares, problem by problem, one for each cell
/// of the shootout (crate choosing-shootout), in the same order.
pub const SOLUTIONS: &[Solution] = &[
    Solution {
        problem: "building-search",
        strategy: "sequential",
        listings: &["intro-building-search:src/lib.rs:sequential"],
        note: "",
    },
    Solution {
        problem: "building-search",
        strategy: "threads",
        listings: &[
            "intro-building-search:src/lib.rs:fixed_pool",
            "intro-building-search:src/lib.rs:fn:fixed_pool",
        ],
        note: "",
    },
    Solution {
        problem: "building-search",
        strategy: "rayon",
        listings: &["rayon-building-search:src/lib.rs:find_any"],
        note: "",
    },
    Solution {
        problem: "crypto-crack",
        strategy: "sequential",
        listings: &["intro-crypto-crack:src/lib.rs:sequential"],
        note: "also counts its tries",
    },
    Solution {
        problem: "crypto-crack",
        strategy: "threads",
        listings: &["intro-crypto-crack:src/lib.rs:crack"],
        note: "also counts its tries",
    },
    Solution {
        problem: "crypto-crack",
        strategy: "rayon",
        listings: &["rayon-crypto-crack:src/lib.rs:find_any"],
        note: "",
    },
    Solution {
        problem: "crypto-crack",
        strategy: "channels",
        listings: &[
            "csp-fan-out-fan-in:src/lib.rs:messages",
            "csp-fan-out-fan-in:src/lib.rs:worker",
            "csp-fan-out-fan-in:src/lib.rs:pool-spawn",
            "csp-fan-out-fan-in:src/lib.rs:pool-dispatch",
            "csp-fan-out-fan-in:src/lib.rs:pool-stop",
            "csp-fan-out-fan-in:src/lib.rs:fn:join_all",
            "csp-fan-out-fan-in:src/lib.rs:block:pub struct WorkerPanicked",
            "csp-fan-out-fan-in:src/lib.rs:block:impl std::fmt::Display for WorkerPanicked",
            "csp-fan-out-fan-in:src/lib.rs:block:impl std::error::Error for WorkerPanicked",
        ],
        note: "also counts its tries; reports a lost worker",
    },
    Solution {
        problem: "door-knock",
        strategy: "sequential",
        listings: &["intro-door-knock:src/lib.rs:sequential"],
        note: "",
    },
    Solution {
        problem: "door-knock",
        strategy: "threads",
        listings: &["intro-door-knock:src/lib.rs:threads"],
        note: "",
    },
    Solution {
        problem: "door-knock",
        strategy: "async",
        listings: &["async-door-knock:src/lib.rs:tasks"],
        note: "",
    },
    Solution {
        problem: "door-knock",
        strategy: "broker",
        listings: &[
            "queues-work-queue:src/lib.rs:task",
            "queues-work-queue:src/lib.rs:fn:kind",
            "queues-work-queue:src/lib.rs:block:pub enum Prefetch",
            "queues-work-queue:src/lib.rs:block:pub struct Queues",
            "queues-work-queue:src/lib.rs:block:impl Queues",
            "queues-work-queue:src/lib.rs:block:pub struct WorkerReport",
            "queues-work-queue:src/lib.rs:block:enum Settled",
            "queues-work-queue:src/lib.rs:dead-letter-order",
            "queues-work-queue:src/lib.rs:dead-letter-copy",
            "queues-work-queue:src/lib.rs:worker-subscribe",
            "queues-work-queue:src/lib.rs:worker-loop",
            "queues-work-queue:src/lib.rs:run",
            "queues-work-queue:src/lib.rs:fn:run_on",
            "queues-work-queue:src/lib.rs:fn:message_properties",
        ],
        note: "also dead-letters what it cannot parse",
    },
    Solution {
        problem: "counter",
        strategy: "sequential",
        listings: &[],
        note: "no listing: the cell runs the threads' sharded counter on one thread",
    },
    Solution {
        problem: "counter",
        strategy: "threads",
        listings: &[
            "threads-counters:src/lib.rs:fn:sharded",
            "threads-counters:src/lib.rs:fn:sharded_padded",
            "threads-counters:src/lib.rs:fn:add_racy",
            "threads-counters:src/lib.rs:together",
        ],
        note: "",
    },
    Solution {
        problem: "counter",
        strategy: "actors",
        listings: &[
            "actors-hand-rolled:src/lib.rs:message",
            "actors-hand-rolled:src/lib.rs:actor",
            "actors-hand-rolled:src/lib.rs:handle",
            "actors-hand-rolled:src/lib.rs:block:Strategy::ActorTell | Strategy::ActorAsk",
            "actors-hand-rolled:src/lib.rs:fn:join_all",
        ],
        note: "also answers an ask",
    },
    Solution {
        problem: "counter",
        strategy: "async",
        listings: &[
            "actors-hand-rolled:src/lib.rs:block:Strategy::Atomic => {",
            "actors-hand-rolled:src/lib.rs:fn:join_all",
        ],
        note: "",
    },
    Solution {
        problem: "fully-loaded",
        strategy: "sequential",
        listings: &["processes-fully-loaded:src/lib.rs:fn:sequential"],
        note: "",
    },
    Solution {
        problem: "fully-loaded",
        strategy: "threads",
        listings: &["processes-fully-loaded:src/lib.rs:fn:threads"],
        note: "",
    },
    Solution {
        problem: "fully-loaded",
        strategy: "rayon",
        listings: &["processes-fully-loaded:src/lib.rs:fn:rayon"],
        note: "",
    },
    Solution {
        problem: "fully-loaded",
        strategy: "processes",
        listings: &[
            "processes-fully-loaded:src/lib.rs:fn:process_pool",
            "processes-pool:src/lib.rs:pool_map",
        ],
        note: "also times its start",
    },
    // ANCHOR: python_rust
    Solution {
        problem: "fully-loaded",
        strategy: "python-rust",
        listings: &[
            "ffi-fully-loaded:python/fully.py:block:elif way == \"rust-rayon\":",
            "ffi-fully-loaded:src/lib.rs:fn:chains_hex_rayon",
        ],
        note: "",
    },
    // ANCHOR_END: python_rust
    Solution {
        problem: "shoemaker",
        strategy: "channels",
        listings: &[
            "intro-shoemaker-elves:src/lib.rs:run",
            "intro-shoemaker-elves:src/lib.rs:elf",
        ],
        note: "also times each elf",
    },
    Solution {
        problem: "shoemaker",
        strategy: "actors",
        listings: &[
            "actors-pizzeria:src/lib.rs:worker",
            "actors-pizzeria:src/lib.rs:open-build",
            "actors-pizzeria:src/lib.rs:open-orders",
            "actors-pizzeria:src/lib.rs:handwork",
        ],
        note: "",
    },
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
        self.listings
            .iter()
            .map(|spec| Listing::parse(spec).expect("SOLUTIONS holds well-formed listings"))
            .collect()
    }

    /// Lines of code in all its listings together; `None` for a cell no
    /// chapter wrote a listing for.
    pub fn count(&self, root: &Path) -> Result<Option<usize>, LocError> {
        if self.listings.is_empty() {
            return Ok(None);
        }
        // Each file is read once, however many of its listings a solution has.
        let mut files: Vec<(PathBuf, String)> = Vec::new();
        let mut total = 0;
        for listing in self.listings() {
            let path = listing.path(root)?;
            let text = match files.iter().find(|(p, _)| *p == path) {
                Some((_, text)) => text,
                None => {
                    files.push((path.clone(), read(&path)?));
                    &files.last().expect("pushed").1
                }
            };
            total += listing.count_in(text, &path)?;
        }
        Ok(Some(total))
    }
}

/// The workspace this crate was built in, the default root.
pub fn default_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..")
}
