//! Mechanism (b): a chapter shows the real output of its example. `capture`
//! writes it; `check` re-runs the example and compares the two with every
//! number blanked out, so the code and the book cannot drift apart.
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::provenance::Provenance;
use crate::workspace::{Example, OutputSpec, Result, Workspace, read, verdict, write};

const LIMIT: Duration = Duration::from_secs(120);
const FOOTER: &str = "# captured on ";

fn output_path(ws: &Workspace, ex: &Example, spec: &OutputSpec) -> PathBuf {
    ws.generated_dir(&ex.chapter)
        .join(format!("{}.txt", spec.name))
}

fn command_line(ex: &Example, spec: &OutputSpec) -> String {
    let mut line = format!("$ cargo run --release -p {}", ex.package);
    if !spec.args.is_empty() {
        line.push_str(" --");
        for arg in &spec.args {
            line.push(' ');
            line.push_str(arg);
        }
    }
    line
}

/// Runs the example's release binary (built beforehand by the script) and returns its stdout.
fn run(ws: &Workspace, ex: &Example, spec: &OutputSpec) -> Result<String> {
    let binary = ws
        .target
        .join("release")
        .join(ex.binary.as_deref().unwrap_or(&ex.package));
    if !binary.exists() {
        return Err(format!(
            "{} is not built: run `cargo build --release -p {}` first",
            binary.display(),
            ex.package
        ));
    }
    let started = Instant::now();
    let mut child = Command::new(&binary)
        .args(&spec.args)
        .current_dir(&ws.root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let mut stdout = child.stdout.take().ok_or("no stdout pipe")?;
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).map(|_| text)
    });
    let mut stderr = child.stderr.take().ok_or("no stderr pipe")?;
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "{}: still running after {} s, killed",
                spec.name,
                LIMIT.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = reader
        .join()
        .map_err(|_| "reader thread panicked")?
        .map_err(|e| e.to_string())?;
    let errors = err_reader.join().unwrap_or_default();
    if !status.success() {
        let last = errors.lines().last().unwrap_or("(no message)");
        return Err(format!(
            "{} exited with {status}: {last}",
            command_line(ex, spec)
        ));
    }
    Ok(text)
}

pub(crate) fn capture(ws: &Workspace, packages: &[String]) -> Result<()> {
    let provenance = Provenance::here(&ws.root);
    for ex in ws.select(packages)? {
        let provenance =
            provenance
                .for_package(&ws.root, &ex.dir)
                .with_services(crate::services::versions(
                    &ws.root,
                    &ex.needs.iter().cloned().collect(),
                ));
        for spec in &ex.outputs {
            let path = output_path(ws, ex, spec);
            println!("capture: {}", command_line(ex, spec));
            let stdout = run(ws, ex, spec)?;
            let text = format!(
                "{}\n{}{FOOTER}{}\n",
                command_line(ex, spec),
                ensure_newline(&stdout),
                provenance.line()
            );
            write(&path, &text)?;
            println!("capture:   → {}", ws.relative(&path).display());
        }
    }
    Ok(())
}

fn ensure_newline(text: &str) -> String {
    if text.is_empty() || text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    }
}

/// Re-runs the selected examples' captured commands (all when `packages` is empty).
pub(crate) fn check(ws: &Workspace, packages: &[String]) -> Result<()> {
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut expected_files = Vec::new();
    let selected = ws.select(packages)?;
    for ex in &selected {
        for spec in &ex.outputs {
            checked += 1;
            let path = output_path(ws, ex, spec);
            expected_files.push(path.clone());
            let shown = match read(&path) {
                Ok(text) => text,
                Err(_) => {
                    problems.push(format!(
                        "{}: no captured output; run scripts/measure -p {}",
                        ws.relative(&path).display(),
                        ex.package
                    ));
                    continue;
                }
            };
            let mut lines = shown.lines();
            let header = lines.next().unwrap_or_default();
            if header != command_line(ex, spec) {
                problems.push(format!(
                    "{}: captured with `{header}`, but Cargo.toml now says `{}`; run scripts/measure -p {}",
                    ws.relative(&path).display(),
                    command_line(ex, spec),
                    ex.package
                ));
                continue;
            }
            let body: Vec<&str> = lines.filter(|l| !l.starts_with(FOOTER)).collect();
            println!("check-outputs: {}", command_line(ex, spec));
            let fresh = match run(ws, ex, spec) {
                Ok(text) => text,
                Err(e) => {
                    problems.push(e);
                    continue;
                }
            };
            if let Some(diff) = first_difference(&body.join("\n"), &fresh) {
                problems.push(format!(
                    "{}: the example's output no longer has the shape the book shows ({diff}); run scripts/measure -p {}",
                    ws.relative(&path).display(),
                    ex.package
                ));
            }
        }
    }
    for chapter in selected
        .iter()
        .map(|e| e.chapter.clone())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let dir = ws.generated_dir(&chapter);
        for file in crate::workspace::files_under(&dir, &[".txt"]) {
            let owned_elsewhere = ws.examples.iter().any(|e| {
                e.chapter == chapter
                    && !selected.iter().any(|s| s.package == e.package)
                    && e.outputs.iter().any(|o| output_path(ws, e, o) == file)
            });
            if !expected_files.contains(&file) && !owned_elsewhere {
                problems.push(format!(
                    "{}: no example captures this output any more; delete it",
                    ws.relative(&file).display()
                ));
            }
        }
    }
    verdict("captured outputs", checked, &problems)
}

/// Where two outputs differ once numbers are blanked out, if they do.
pub(crate) fn first_difference(shown: &str, fresh: &str) -> Option<String> {
    let a: Vec<String> = shape(shown);
    let b: Vec<String> = shape(fresh);
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        if x != y {
            return Some(format!(
                "line {}: book has `{x}`, example now prints `{y}`",
                i + 1
            ));
        }
    }
    (a.len() != b.len())
        .then(|| format!("book has {} lines, example now prints {}", a.len(), b.len()))
}

/// The shape of an output: numbers become `#`, time units become `<t>`,
/// runs of spaces and of table rule characters shrink to one.
pub(crate) fn shape(text: &str) -> Vec<String> {
    text.lines()
        .map(shape_line)
        .filter(|l| !l.is_empty())
        .collect()
}

fn shape_line(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // A bound such as `>400` ("not found in 400 runs") is a number like
        // `337`: which one a run prints is data, not shape.
        if matches!(c, '>' | '<' | '≥' | '≤')
            && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())
        {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            while i < chars.len()
                && (chars[i].is_ascii_digit()
                    || ((chars[i] == '.' || chars[i] == ',')
                        && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())))
            {
                i += 1;
            }
            out.push('#');
            let mut j = i;
            while j < chars.len() && chars[j] == ' ' {
                j += 1;
            }
            let word: String = chars[j..]
                .iter()
                .take_while(|c| c.is_alphabetic())
                .collect();
            if matches!(word.as_str(), "ns" | "µs" | "us" | "ms" | "s") {
                out.push_str(" <t>");
                i = j + word.chars().count();
            }
        } else if c.is_whitespace() {
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            out.push(' ');
        } else if matches!(c, '-' | '=' | '─' | '━') && chars.get(i + 1) == Some(&c) {
            while i < chars.len() && chars[i] == c {
                i += 1;
            }
            out.push(c);
        } else {
            out.push(c);
            i += 1;
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_units_do_not_count_but_words_do() {
        assert_eq!(
            shape_line("threads   1000   12.5 ms  1.9×"),
            "threads # # <t> #×"
        );
        assert_eq!(shape_line("threads 7 980 µs 2.0×"), "threads # # <t> #×");
        assert_eq!(shape_line("|-----|----:|"), "|-|-:|");
        assert_eq!(shape_line("found room 1,234,567"), "found room #");
        assert_eq!(shape_line("3 s"), shape_line("250 ms"));
        assert_ne!(shape_line("found 3 rooms"), shape_line("lost 3 rooms"));
        assert_eq!(shape_line("none  >400  337"), shape_line("none  12  >400"));
        assert_eq!(shape_line("a -> b"), "a -> b");
    }

    #[test]
    fn a_changed_word_is_reported_with_its_line() {
        let diff = first_difference("a 1\nb 2", "a 5\nc 2").unwrap();
        assert!(diff.starts_with("line 2"), "{diff}");
        assert!(first_difference("a 1\nb 2\n", "a 9\nb 22").is_none());
        assert!(first_difference("a 1", "a 1\nb 2").is_some());
    }
}
