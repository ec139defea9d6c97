//! Checked claims: a sentence that compares, ranks or quantifies measured
//! results carries `<!-- claim: A < B -->` in its paragraph, and this module
//! checks each claim against the committed data with an explicit noise rule
//! (the 95 % intervals of criterion's medians). It also refuses paragraphs
//! that read as comparisons but carry no claim.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::data::{Point, load_all};
use crate::workspace::{Result, Workspace, files_under, read, verdict};

/// One side of a comparison: a benchmark, a ratio of two, or a constant.
#[derive(Debug, Clone, PartialEq)]
enum Term {
    Bench(String),
    Ratio(String, String),
    Nanos(f64),
    Number(f64),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Less,
    LessEq,
    Greater,
    GreaterEq,
    Same,
}

#[derive(Debug, Clone, PartialEq)]
enum Claim {
    Compare(Term, Op, Term),
    Within(Term, f64, f64),
}

/// A value known only to lie in an interval (criterion's 95 % interval of the median).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Interval {
    low: f64,
    high: f64,
}

fn quantity(text: &str) -> Option<f64> {
    let text = text.trim();
    for (unit, scale) in [
        ("ns", 1.0),
        ("µs", 1e3),
        ("us", 1e3),
        ("ms", 1e6),
        ("s", 1e9),
    ] {
        if let Some(number) = text.strip_suffix(unit) {
            return number.trim().parse::<f64>().ok().map(|n| n * scale);
        }
    }
    None
}

fn term(text: &str) -> std::result::Result<Term, String> {
    let text = text.trim();
    if let Some((a, b)) = text.split_once(" / ") {
        return Ok(Term::Ratio(a.trim().into(), b.trim().into()));
    }
    if let Some(ns) = quantity(text) {
        return Ok(Term::Nanos(ns));
    }
    if let Ok(n) = text.parse::<f64>() {
        return Ok(Term::Number(n));
    }
    if text.is_empty() || text.contains(char::is_whitespace) || !text.contains('/') {
        return Err(format!(
            "'{text}' is neither a benchmark id (group/function/parameter), a ratio 'A / B', a number nor a time like 15ms"
        ));
    }
    Ok(Term::Bench(text.into()))
}

fn parse(text: &str) -> std::result::Result<Claim, String> {
    let text = text.trim();
    if let Some((left, range)) = text.split_once(" in ") {
        let range = range.trim();
        let inner = range
            .strip_prefix('[')
            .and_then(|r| r.strip_suffix(']'))
            .ok_or_else(|| format!("'{range}' should be a range like [0.9, 1.1]"))?;
        let (lo, hi) = inner
            .split_once(',')
            .ok_or_else(|| format!("'{range}' should be a range like [0.9, 1.1]"))?;
        let lo: f64 = lo
            .trim()
            .parse()
            .map_err(|_| format!("bad number '{lo}'"))?;
        let hi: f64 = hi
            .trim()
            .parse()
            .map_err(|_| format!("bad number '{hi}'"))?;
        return Ok(Claim::Within(term(left)?, lo, hi));
    }
    for (symbol, op) in [
        (">=", Op::GreaterEq),
        ("<=", Op::LessEq),
        ("<", Op::Less),
        (">", Op::Greater),
        ("~", Op::Same),
    ] {
        if let Some((left, right)) = text.split_once(&format!(" {symbol} ")) {
            let (left, right) = (term(left)?, term(right)?);
            if matches!(left, Term::Nanos(_) | Term::Number(_)) {
                return Err(format!("put the benchmark on the left in '{text}'"));
            }
            if op == Op::Same && !matches!((&left, &right), (Term::Bench(_), Term::Bench(_))) {
                return Err(format!("'~' compares two benchmarks, in '{text}'"));
            }
            return Ok(Claim::Compare(left, op, right));
        }
    }
    Err(format!(
        "'{text}' has no operator: use <, >, <=, >=, ~ (spaces around it) or 'in [lo, hi]'"
    ))
}

fn interval(
    term: &Term,
    points: &BTreeMap<String, Point>,
) -> std::result::Result<Interval, String> {
    let bench = |id: &str| {
        points
            .get(id)
            .map(|p| Interval {
                low: p.median_ci95_low_ns,
                high: p.median_ci95_high_ns,
            })
            .ok_or_else(|| format!("no measured benchmark '{id}'"))
    };
    match term {
        Term::Bench(id) => bench(id),
        Term::Ratio(a, b) => {
            let (a, b) = (bench(a)?, bench(b)?);
            Ok(Interval {
                low: a.low / b.high,
                high: a.high / b.low,
            })
        }
        Term::Nanos(v) | Term::Number(v) => Ok(Interval { low: *v, high: *v }),
    }
}

fn show(term: &Term, i: Interval) -> String {
    match term {
        Term::Ratio(..) | Term::Number(_) => format!("[{:.3}, {:.3}]", i.low, i.high),
        _ => format!(
            "[{}, {}]",
            support_kit::human_nanos(i.low),
            support_kit::human_nanos(i.high)
        ),
    }
}

/// Checks one claim; the error says what the data shows instead.
fn holds(claim: &Claim, points: &BTreeMap<String, Point>) -> std::result::Result<(), String> {
    match claim {
        Claim::Within(left, lo, hi) => {
            let a = interval(left, points)?;
            if a.low >= *lo && a.high <= *hi {
                Ok(())
            } else {
                Err(format!(
                    "the interval {} is not inside [{lo}, {hi}]",
                    show(left, a)
                ))
            }
        }
        Claim::Compare(left, op, right) => {
            let (a, b) = (interval(left, points)?, interval(right, points)?);
            let ok = match op {
                Op::Less => a.high < b.low,
                Op::LessEq => a.high <= b.low,
                Op::Greater => a.low > b.high,
                Op::GreaterEq => a.low >= b.high,
                Op::Same => a.low <= b.high && b.low <= a.high,
            };
            if ok {
                return Ok(());
            }
            let overlap = a.low <= b.high && b.low <= a.high;
            let advice = if *op == Op::Same {
                "the intervals do not overlap: the results differ"
            } else if overlap {
                "the intervals overlap: call the results indistinguishable (~)"
            } else {
                "the data says the opposite"
            };
            Err(format!("{} vs {}: {advice}", show(left, a), show(right, b)))
        }
    }
}

/// One claim comment found in a page.
#[derive(Debug)]
struct Found {
    page: PathBuf,
    line: usize,
    text: String,
}

const CLAIM: &str = "<!-- claim:";
/// Stands for a claim comment that does not close on its own line.
const UNCLOSED: &str = "(a claim comment that does not end with --> on the same line)";
const NO_CLAIM: &str = "<!-- no-claim:";

fn claims_in(page: &Path, text: &str) -> Vec<Found> {
    let mut found = Vec::new();
    let mut fenced = false;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
        }
        if fenced {
            continue;
        }
        let mut rest = line;
        while let Some(start) = rest.find(CLAIM) {
            let after = &rest[start + CLAIM.len()..];
            let Some(end) = after.find("-->") else {
                found.push(Found {
                    page: page.to_path_buf(),
                    line: index + 1,
                    text: UNCLOSED.to_string(),
                });
                break;
            };
            for one in after[..end].split(';').filter(|c| !c.trim().is_empty()) {
                found.push(Found {
                    page: page.to_path_buf(),
                    line: index + 1,
                    text: one.trim().to_string(),
                });
            }
            rest = &after[end..];
        }
    }
    found
}

/// Prose paragraphs of a page, with their first line number: fenced code,
/// tables, headings and include-only lines are not prose.
fn paragraphs(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    let mut fenced = false;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        let prose = !fenced
            && !trimmed.is_empty()
            && !trimmed.starts_with('|')
            && !trimmed.starts_with('#')
            && !trimmed.starts_with("{{#");
        if prose {
            if current.is_empty() {
                start = index + 1;
            }
            current.push_str(line);
            current.push('\n');
        } else if !current.is_empty() {
            out.push((start, std::mem::take(&mut current)));
        }
    }
    if !current.is_empty() {
        out.push((start, current));
    }
    out
}

/// The comparative phrase a paragraph uses, if any.
fn comparative(paragraph: &str) -> Option<String> {
    let lower = paragraph.to_lowercase();
    let chars: Vec<char> = lower.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c == '×' {
            let before = chars[..i].iter().rev().find(|c| **c != ' ');
            if before.is_some_and(char::is_ascii_digit) {
                return Some("a ratio like 2×".into());
            }
        }
    }
    const PHRASES: [&str; 20] = [
        "faster than",
        "slower than",
        "quicker than",
        "cheaper than",
        "costlier than",
        "as fast as",
        "as slow as",
        "times as fast",
        "times as slow",
        "times as long",
        "twice as",
        "times faster",
        "times slower",
        "% faster",
        "% slower",
        "% more",
        "% less",
        "indistinguishable",
        "fastest",
        "slowest",
    ];
    PHRASES
        .iter()
        .find(|p| lower.contains(*p))
        .map(|p| format!("\"{p}\""))
}

/// The chapter pages: every markdown file under book/ that is not generated.
fn pages(ws: &Workspace, chapters: &[String]) -> Vec<PathBuf> {
    files_under(&ws.root.join("book"), &[".md"])
        .into_iter()
        .filter(|p| !p.components().any(|c| c.as_os_str() == "generated"))
        .filter(|p| {
            chapters.is_empty()
                || chapters
                    .iter()
                    .any(|ch| p.strip_prefix(ws.root.join("book").join(ch)).is_ok())
        })
        .collect()
}

fn measured_points(ws: &Workspace) -> Result<BTreeMap<String, Point>> {
    let mut points = BTreeMap::new();
    for (_, data) in load_all(ws)? {
        for p in data.benchmarks {
            points.insert(p.id.clone(), p);
        }
    }
    Ok(points)
}

/// `check-claims`: every claim in the selected chapters (all when empty)
/// holds, and no comparative paragraph lacks one. With `report_only`, the
/// claims that fail are listed and written to `target/book-tools/flipped-claims.txt`
/// but the run succeeds (what `measure` does after a re-measure).
pub(crate) fn check(ws: &Workspace, chapters: &[String], report_only: bool) -> Result<()> {
    let points = measured_points(ws)?;
    let mut problems = Vec::new();
    let mut checked = 0;
    for page in pages(ws, chapters) {
        let text = read(&page)?;
        let at = ws.relative(&page).display().to_string();
        for found in claims_in(&page, &text) {
            checked += 1;
            let verdict = if found.text == UNCLOSED {
                Err("put the whole claim on one line".to_string())
            } else {
                parse(&found.text).and_then(|claim| holds(&claim, &points))
            };
            if let Err(why) = verdict {
                problems.push(format!(
                    "{}:{}: claim `{}`: {why}",
                    ws.relative(&found.page).display(),
                    found.line,
                    found.text
                ));
            }
        }
        if report_only {
            continue;
        }
        for (line, paragraph) in paragraphs(&text) {
            if paragraph.contains(CLAIM) || paragraph.contains(NO_CLAIM) {
                continue;
            }
            if let Some(phrase) = comparative(&paragraph) {
                problems.push(format!(
                    "{at}:{line}: a comparative paragraph ({phrase}) with no <!-- claim: ... --> (or <!-- no-claim: why -->)"
                ));
            }
        }
    }
    if report_only {
        let file = ws.target.join("book-tools").join("flipped-claims.txt");
        crate::workspace::write(&file, &problems.join("\n"))?;
        if problems.is_empty() {
            println!("claims: {checked} checked; the new data supports every one");
        } else {
            println!(
                "claims: {} of {checked} no longer hold on the new data (listed in {}); rewrite those sentences:",
                problems.len(),
                ws.relative(&file).display()
            );
            for p in &problems {
                println!("  ✗ {p}");
            }
        }
        return Ok(());
    }
    verdict("claims", checked, &problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(id: &str, low: f64, high: f64) -> (String, Point) {
        (
            id.to_string(),
            Point {
                id: id.into(),
                function: "f".into(),
                parameter: None,
                median_ns: (low + high) / 2.0,
                mean_ns: (low + high) / 2.0,
                median_ci95_low_ns: low,
                median_ci95_high_ns: high,
            },
        )
    }

    fn data() -> BTreeMap<String, Point> {
        [
            point("g/fast", 10.0, 12.0),
            point("g/slow", 30.0, 33.0),
            point("g/near-fast", 11.5, 13.0),
        ]
        .into_iter()
        .collect()
    }

    fn check(text: &str) -> std::result::Result<(), String> {
        parse(text).and_then(|c| holds(&c, &data()))
    }

    #[test]
    fn ordering_needs_separate_intervals() {
        assert!(check("g/fast < g/slow").is_ok());
        assert!(check("g/slow > g/fast").is_ok());
        assert!(check("g/slow < g/fast").is_err());
        let overlap = check("g/fast < g/near-fast").unwrap_err();
        assert!(overlap.contains("indistinguishable"), "{overlap}");
        let opposite = check("g/slow < g/fast").unwrap_err();
        assert!(
            opposite.contains("the data says the opposite"),
            "{opposite}"
        );
    }

    #[test]
    fn strict_and_non_strict_orderings_differ_at_the_boundary() {
        // g/slow's interval starts at 30 ns exactly.
        assert!(check("g/slow > 30ns").is_err());
        assert!(check("g/slow >= 30ns").is_ok());
        assert!(check("g/fast < 12ns").is_err());
        assert!(check("g/fast <= 12ns").is_ok());
    }

    #[test]
    fn indistinguishable_means_overlapping() {
        assert!(check("g/fast ~ g/near-fast").is_ok());
        assert!(check("g/fast ~ g/slow").is_err());
    }

    #[test]
    fn ratios_hold_at_the_unfavourable_ends() {
        // slow/fast lies in [30/12, 33/10] = [2.5, 3.3].
        assert!(check("g/slow / g/fast >= 2.5").is_ok());
        assert!(check("g/slow / g/fast >= 2.6").is_err());
        assert!(check("g/slow / g/fast <= 3.3").is_ok());
        let err = check("g/slow / g/fast <= 3.0").unwrap_err();
        assert!(
            err.contains("[2.500, 3.300]"),
            "the error shows the ratio's interval: {err}"
        );
        let err = check("g/slow < 20ns").unwrap_err();
        assert!(
            err.contains("[30.0 ns, 33.0 ns]"),
            "times are shown with units: {err}"
        );
        assert!(check("g/slow / g/fast in [2.4, 3.4]").is_ok());
        assert!(check("g/slow / g/fast in [2.6, 3.4]").is_err());
    }

    #[test]
    fn quantities_take_units() {
        assert!(check("g/slow < 34ns").is_ok());
        assert!(check("g/slow < 0.033us").is_err());
        assert!(check("g/fast > 9ns").is_ok());
        assert!(check("g/fast < 1ms").is_ok());
        assert_eq!(quantity("1.5 ms"), Some(1.5e6));
        assert_eq!(quantity("2s"), Some(2e9));
        assert_eq!(quantity("3µs"), Some(3e3));
    }

    #[test]
    fn bad_claims_say_why() {
        assert!(
            check("g/fast < g/missing")
                .unwrap_err()
                .contains("no measured")
        );
        assert!(check("g/fast g/slow").unwrap_err().contains("no operator"));
        assert!(check("5ms > g/fast").unwrap_err().contains("on the left"));
        assert!(check("g/fast ~ 5ms").is_err());
        assert!(check("fast < g/slow").unwrap_err().contains("neither"));
        assert!(term("g/a b").is_err(), "an id has no spaces");
        assert!(term("").is_err());
    }

    #[test]
    fn claims_are_found_in_comments_and_split_on_semicolons() {
        let page = Path::new("p.md");
        let text = "Intro.\nA is faster. <!-- claim: g/fast < g/slow; g/fast ~ g/near-fast -->\n```text\nan example <!-- claim: g/x < g/y -->\n```\n";
        let found = claims_in(page, text);
        assert_eq!(
            found.len(),
            2,
            "the claim inside the code block is an example, not a claim"
        );
        assert_eq!(found[0].line, 2);
        assert_eq!(found[1].text, "g/fast ~ g/near-fast");
    }

    #[test]
    fn a_claim_split_over_lines_is_refused() {
        let found = claims_in(
            Path::new("p.md"),
            "Title\nText <!-- claim: g/fast <\n g/slow -->\n",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text, UNCLOSED);
        assert_eq!(found[0].line, 2, "lines count from 1");
    }

    #[test]
    fn comparative_paragraphs_are_recognised() {
        assert!(comparative("Channels are 30% slower here.").is_some());
        assert!(comparative("The pool runs 1.9× as fast.").is_some());
        assert!(comparative("It is the fastest of the three.").is_some());
        assert!(comparative("N threads × K increments").is_none());
        assert!(comparative("as many times as it likes").is_none());
        assert!(comparative("twice as fast").is_some());
        assert!(comparative("A channel carries messages.").is_none());
        assert!(
            comparative("Each of the 4 threads counts to 1000.").is_none(),
            "digits alone are not a ratio"
        );
    }

    #[test]
    fn paragraphs_skip_code_tables_and_headings() {
        let text = "# Faster than light\n\nProse one\nstill one.\n\n```rust\nfaster than\n```\n| a | faster than |\n\nTwo.\n";
        let found = paragraphs(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].0, 3);
        assert!(found[0].1.contains("still one"));
        assert_eq!(found[1].1, "Two.\n");
    }
}

#[cfg(test)]
mod page_tests {
    use super::*;
    use crate::data::GroupData;
    use crate::provenance::Provenance;
    use crate::workspace::{Example, write};

    /// A throw-away book: chapter `ch` with measured data for `pkg/g/fast` and
    /// `pkg/g/slow`, and chapter `other` with no examples.
    struct Book {
        ws: Workspace,
    }

    impl Book {
        fn new(name: &str) -> Book {
            let root = std::env::temp_dir()
                .join(format!("book-tools-claims-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&root);
            let ws = Workspace {
                target: root.join("target"),
                examples: vec![Example {
                    package: "pkg".into(),
                    chapter: "ch".into(),
                    binary: None,
                    outputs: Vec::new(),
                    charts: BTreeMap::new(),
                    needs: Vec::new(),
                    dir: root.join("code/ch/pkg"),
                }],
                support: Vec::new(),
                root,
            };
            let point = |id: &str, low: f64, high: f64| Point {
                id: id.into(),
                function: "f".into(),
                parameter: None,
                median_ns: (low + high) / 2.0,
                mean_ns: (low + high) / 2.0,
                median_ci95_low_ns: low,
                median_ci95_high_ns: high,
            };
            let data = GroupData {
                group: "pkg/g".into(),
                package: "pkg".into(),
                provenance: Provenance {
                    cpu: "cpu".into(),
                    cores: 1,
                    os: "os".into(),
                    rustc: "rustc".into(),
                    commit: "c".into(),
                    date: "d".into(),
                    virtualization: None,
                    services: BTreeMap::new(),
                },
                benchmarks: vec![
                    point("pkg/g/fast", 10.0, 12.0),
                    point("pkg/g/slow", 30.0, 33.0),
                ],
            };
            let file = ws.generated_dir("ch").join("data").join("pkg-g.json");
            write(&file, &serde_json::to_string(&data).unwrap()).unwrap();
            Book { ws }
        }

        fn page(&self, path: &str, text: &str) {
            write(&self.ws.root.join("book").join(path), text).unwrap();
        }

        fn check(&self, chapters: &[&str]) -> Result<()> {
            let chapters: Vec<String> = chapters.iter().map(|c| c.to_string()).collect();
            check(&self.ws, &chapters, false)
        }
    }

    impl Drop for Book {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.ws.root);
        }
    }

    const GOOD: &str = "# Results\n\nThe fast one is faster than the slow one. <!-- claim: pkg/g/fast < pkg/g/slow -->\n\nIt was slower than this before. <!-- no-claim: history, not a measurement -->\n";

    #[test]
    fn claims_that_hold_pass_and_their_paragraphs_count_as_claimed() {
        let book = Book::new("good");
        book.page("ch/results.md", GOOD);
        book.check(&[]).unwrap();
        book.check(&["ch"]).unwrap();
    }

    #[test]
    fn a_claim_the_data_contradicts_fails() {
        let book = Book::new("contradicted");
        book.page(
            "ch/results.md",
            "Slow wins. <!-- claim: pkg/g/slow < pkg/g/fast -->\n",
        );
        assert!(book.check(&[]).is_err());
    }

    #[test]
    fn a_comparative_paragraph_without_a_claim_fails() {
        let book = Book::new("unclaimed");
        book.page(
            "ch/results.md",
            &format!("{GOOD}\nChannels are faster than locks.\n"),
        );
        assert!(book.check(&[]).is_err());
    }

    #[test]
    fn a_claim_split_over_lines_fails() {
        let book = Book::new("split");
        book.page(
            "ch/results.md",
            "Fast. <!-- claim: pkg/g/fast <\npkg/g/slow -->\n",
        );
        assert!(book.check(&[]).is_err());
    }

    #[test]
    fn generated_pages_are_skipped_and_chapters_select_pages() {
        let book = Book::new("select");
        book.page("ch/results.md", GOOD);
        book.page(
            "ch/generated/table.md",
            "Slower than anything. <!-- claim: pkg/g/slow < pkg/g/fast -->\n",
        );
        book.check(&[]).unwrap();
        book.page("other/index.md", "Faster than light.\n");
        assert!(book.check(&[]).is_err(), "every chapter when none is named");
        book.check(&["ch"]).unwrap();
        assert!(book.check(&["other"]).is_err());
    }

    #[test]
    fn report_only_lists_what_flipped_and_succeeds() {
        let book = Book::new("report");
        book.page(
            "ch/results.md",
            "Slow wins. <!-- claim: pkg/g/slow < pkg/g/fast -->\n\nFaster than light.\n",
        );
        check(&book.ws, &[], true).unwrap();
        let listed = read(&book.ws.target.join("book-tools/flipped-claims.txt")).unwrap();
        assert_eq!(
            listed.lines().count(),
            1,
            "claims only, not phrasing: {listed}"
        );
        assert!(listed.contains("pkg/g/slow < pkg/g/fast"), "{listed}");
    }
}
