//! Mechanism (a): every `{{#include}}` names a file that exists and an anchor
//! that exists, no include uses line numbers, and every anchor in the code is
//! shown by some chapter. mdBook itself exits 0 on all of these.
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::workspace::{Result, Workspace, files_under, read, verdict};

/// One `{{#include path[:anchor]}}` found in a page.
#[derive(Debug)]
pub(crate) struct Include {
    pub(crate) page: PathBuf,
    pub(crate) line: usize,
    pub(crate) target: PathBuf,
    pub(crate) selector: Option<String>,
}

/// Finds every include directive in the book's pages.
pub(crate) fn find_includes(book: &Path) -> Result<Vec<Include>> {
    let mut found = Vec::new();
    for page in files_under(book, &[".md"]) {
        let text = read(&page)?;
        for (index, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some(start) = rest.find("{{#") {
                let after = &rest[start + 3..];
                let Some(end) = after.find("}}") else { break };
                let directive = after[..end].trim();
                rest = &after[end + 2..];
                let Some((kind, arg)) = directive.split_once(char::is_whitespace) else {
                    continue;
                };
                if !matches!(kind, "include" | "rustdoc_include") {
                    continue;
                }
                let arg = arg.trim();
                let (path, selector) = match arg.split_once(':') {
                    Some((p, s)) => (p, Some(s.to_string())),
                    None => (arg, None),
                };
                let target = page.parent().unwrap_or(book).join(path);
                found.push(Include {
                    page: page.clone(),
                    line: index + 1,
                    target,
                    selector,
                });
            }
        }
    }
    Ok(found)
}

/// The anchor names a source file declares in its comment lines.
fn anchors_in(text: &str) -> Vec<String> {
    text.lines()
        .filter(|line| {
            let start = line.trim_start();
            ["//", "#", "/*", "--", "<!--", ";"]
                .iter()
                .any(|c| start.starts_with(c))
        })
        .filter_map(|line| {
            let at = line.find("ANCHOR:")?;
            let name: String = line[at + "ANCHOR:".len()..]
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            (!name.is_empty()).then_some(name)
        })
        .collect()
}

fn has_anchor_end(text: &str, name: &str) -> bool {
    text.lines().any(|line| {
        line.find("ANCHOR_END:").is_some_and(|at| {
            let rest = line[at + "ANCHOR_END:".len()..].trim_start();
            rest.starts_with(name)
                && !rest[name.len()..]
                    .starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '-')
        })
    })
}

/// Checks the pages, code and generated files of the selected chapters (all
/// when `chapters` is empty). Every page's includes count as uses, so an
/// anchor shown by another chapter is not reported.
pub(crate) fn check(ws: &Workspace, chapters: &[String]) -> Result<()> {
    let book = ws.root.join("book");
    let in_scope = |path: &Path, under: &Path| {
        chapters.is_empty()
            || chapters
                .iter()
                .any(|ch| path.strip_prefix(under.join(ch)).is_ok())
    };
    let includes = find_includes(&book)?;
    let mut problems = Vec::new();
    let mut used: BTreeSet<(PathBuf, String)> = BTreeSet::new();
    for inc in &includes {
        let report = in_scope(&inc.page, &book);
        let mut problems_here = Vec::new();
        let problems = if report {
            &mut problems
        } else {
            &mut problems_here
        };
        let at = format!("{}:{}", ws.relative(&inc.page).display(), inc.line);
        let Ok(target) = inc.target.canonicalize() else {
            problems.push(format!(
                "{at}: included file {} does not exist",
                inc.target.display()
            ));
            continue;
        };
        let Some(selector) = &inc.selector else {
            continue;
        };
        if selector.starts_with(|c: char| c.is_ascii_digit()) || selector.starts_with(':') {
            problems.push(format!(
                "{at}: includes by line number ({selector}); use an ANCHOR instead"
            ));
            continue;
        }
        let text = read(&target)?;
        if !anchors_in(&text).iter().any(|a| a == selector) {
            problems.push(format!(
                "{at}: anchor '{selector}' not found in {}",
                ws.relative(&target).display()
            ));
        } else if !has_anchor_end(&text, selector) {
            problems.push(format!(
                "{at}: anchor '{selector}' has no ANCHOR_END in {}",
                ws.relative(&target).display()
            ));
        }
        used.insert((target, selector.clone()));
    }
    let mut anchors = 0;
    for file in files_under(
        &ws.root.join("code"),
        &[".rs", ".toml", ".py", ".c", ".h", ".sh"],
    ) {
        if !in_scope(&file, &ws.root.join("code")) {
            continue;
        }
        let text = read(&file)?;
        let canonical = file.canonicalize().unwrap_or(file.clone());
        for anchor in anchors_in(&text) {
            anchors += 1;
            if !used.contains(&(canonical.clone(), anchor.clone())) {
                problems.push(format!(
                    "{}: anchor '{anchor}' is not included by any chapter (show it or remove it)",
                    ws.relative(&file).display()
                ));
            }
        }
    }
    let generated: Vec<PathBuf> = files_under(&book, &[".txt", ".md", ".svg"])
        .into_iter()
        .filter(|f| f.components().any(|c| c.as_os_str() == "generated"))
        .filter(|f| in_scope(f, &book))
        .collect();
    let included: BTreeSet<PathBuf> = includes
        .iter()
        .filter_map(|i| i.target.canonicalize().ok())
        .collect();
    let pages: Vec<String> = files_under(&book, &[".md"])
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    for file in &generated {
        let canonical = file.canonicalize().unwrap_or(file.clone());
        let name = file
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let shown = included.contains(&canonical)
            || pages
                .iter()
                .any(|p| p.contains(&format!("generated/{name})")));
        if !shown {
            problems.push(format!(
                "{}: generated but shown by no chapter",
                ws.relative(file).display()
            ));
        }
    }
    verdict(
        "includes and anchors",
        includes.len() + anchors + generated.len(),
        &problems,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_found_with_their_ends() {
        let text = "// ANCHOR: spawn\nlet x = 1;\n// ANCHOR_END: spawn\n# ANCHOR: other-one\n";
        assert_eq!(anchors_in(text), ["spawn", "other-one"]);
        assert!(has_anchor_end(text, "spawn"));
        assert!(!has_anchor_end(text, "other-one"));
        assert!(!has_anchor_end("// ANCHOR_END: spawned", "spawn"));
    }
}
