//! The `listings` mdBook preprocessor: every listing included from the code
//! gets a caption that says where it lives (its file, linked to the lines on
//! the repository, and its anchor) and which package runs it.
//!
//! mdBook runs it before its own `links` preprocessor, so the page still holds
//! the `{{#include ...}}` line and the caption can name what it includes.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::workspace::{escape, normalise};

/// Where the captions link to: `git-repository-url` in book.toml, on `main`.
fn repository_url(root: &Path) -> Option<String> {
    let toml = std::fs::read_to_string(root.join("book.toml")).ok()?;
    toml.lines().find_map(|line| {
        let value = line.trim().strip_prefix("git-repository-url")?;
        let value = value.trim().strip_prefix('=')?.trim().trim_matches('"');
        Some(value.trim_end_matches('/').to_string())
    })
}

/// `{{#include PATH}}` or `{{#include PATH:ANCHOR}}` alone on a line.
fn parse_include(line: &str) -> Option<(&str, Option<&str>)> {
    let inner = line
        .trim()
        .strip_prefix("{{#include ")?
        .strip_suffix("}}")?
        .trim();
    match inner.rsplit_once(':') {
        Some((path, anchor)) if !anchor.is_empty() && !anchor.contains('/') => {
            Some((path, Some(anchor)))
        }
        _ => Some((inner, None)),
    }
}

/// The lines an anchor covers, 1-based and inclusive, as GitHub numbers them.
fn anchor_lines(source: &str, anchor: &str) -> Option<(usize, usize)> {
    let is_marker = |line: &str, kind: &str| {
        line.split_once(kind)
            .is_some_and(|(_, rest)| rest.trim() == anchor)
    };
    let lines: Vec<&str> = source.lines().collect();
    let start = lines.iter().position(|l| is_marker(l, "ANCHOR:"))?;
    let end = start
        + lines[start..]
            .iter()
            .position(|l| is_marker(l, "ANCHOR_END:"))?;
    (end > start + 1).then_some((start + 2, end))
}

/// The package that owns `code/<chapter>/<example>/...`, if it is an example.
fn package_of(repo_path: &Path) -> Option<String> {
    let mut parts = repo_path.components().map(|c| c.as_os_str().to_str());
    let (Some(Some("code")), Some(Some(chapter)), Some(Some(example))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    (chapter != "support").then(|| format!("{chapter}-{example}"))
}

/// The caption for one included listing, or None when it is not from `code/`.
fn caption(
    root: &Path,
    repo: &str,
    page: &Path,
    path: &str,
    anchor: Option<&str>,
) -> Option<String> {
    let page_dir = Path::new("book").join(page).parent()?.to_path_buf();
    let repo_path = normalise(&page_dir.join(path));
    if !repo_path.starts_with("code") {
        return None;
    }
    let shown = repo_path.to_string_lossy().replace('\\', "/");
    let mut link = format!("{repo}/blob/main/{shown}");
    if let Some(anchor) = anchor {
        let source = std::fs::read_to_string(root.join(&repo_path)).ok()?;
        if let Some((first, last)) = anchor_lines(&source, anchor) {
            link.push_str(&format!("#L{first}-L{last}"));
        }
    }
    let mut html = format!(
        "<p class=\"listing-caption\"><a href=\"{}\"><code>{}</code></a>",
        escape(&link),
        escape(&shown)
    );
    if let Some(anchor) = anchor {
        html.push_str(&format!(" · <code>{}</code>", escape(anchor)));
    }
    if let Some(package) = package_of(&repo_path) {
        html.push_str(&format!(
            " · <code>cargo run --release -p {}</code>",
            escape(&package)
        ));
    }
    html.push_str("</p>");
    Some(html)
}

/// The name after `marker` (`ANCHOR:` or `ANCHOR_END:`) on a line, as mdBook
/// reads it: letters, digits, `_` and `-`.
fn marker_name<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    let rest = line.split_once(marker)?.1.trim_start();
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// An anchored listing that starts inside a block (a part of a longer
/// function) with its common indentation removed, or None when it has none.
/// The lines are those mdBook's own include would show: every line between
/// the anchor's markers, less the lines that carry any marker.
fn dedented_anchor(root: &Path, page: &Path, path: &str, anchor: &str) -> Option<String> {
    let page_dir = Path::new("book").join(page).parent()?.to_path_buf();
    let source = std::fs::read_to_string(root.join(normalise(&page_dir.join(path)))).ok()?;
    let mut kept = Vec::new();
    let mut inside = false;
    for line in source.lines() {
        if !inside {
            inside = marker_name(line, "ANCHOR:") == Some(anchor);
        } else if let Some(name) = marker_name(line, "ANCHOR_END:") {
            if name == anchor {
                break;
            }
        } else if marker_name(line, "ANCHOR:").is_none() {
            kept.push(line);
        }
    }
    let indent = kept
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start_matches(' ').len())
        .min()?;
    (indent > 0).then(|| {
        kept.iter()
            .map(|line| line.get(indent..).unwrap_or("").trim_end())
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// `![alt](path.svg)` alone on a line: a chart to draw inline.
fn parse_chart(line: &str) -> Option<(&str, &str)> {
    let (alt, rest) = line.trim().strip_prefix("![")?.split_once("](")?;
    let path = rest.strip_suffix(')')?;
    path.ends_with(".svg").then_some((alt, path))
}

/// A chart's SVG, inlined so the page's theme can colour its text and lines
/// (an `<img>` cannot see the theme), labelled with the page's alt text.
fn inline_chart(root: &Path, page: &Path, alt: &str, path: &str) -> Option<String> {
    let file = root.join("book").join(page).parent()?.join(path);
    let svg = std::fs::read_to_string(file).ok()?;
    let (open, rest) = svg.trim().split_once('>')?;
    let open = open.strip_prefix("<svg ")?;
    let kept: Vec<&str> = open
        .split("\" ")
        .filter(|attribute| {
            let name = attribute.trim().split('=').next().unwrap_or("");
            !matches!(name, "role" | "aria-label" | "class")
        })
        .collect();
    let mut attributes = kept.join("\" ").trim().to_string();
    if !attributes.ends_with('"') {
        attributes.push('"');
    }
    let body: String = rest
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    Some(format!(
        "<svg class=\"chart\" role=\"img\" aria-label=\"{}\" {attributes}>{body}",
        escape(alt)
    ))
}

/// A page with a caption above every fenced block that is one `{{#include}}` from `code/`,
/// and every chart drawn inline.
pub(crate) fn caption_page(root: &Path, repo: &str, page: &Path, content: &str) -> String {
    let lines: Vec<&str> = content.lines().collect();
    let mut out = String::with_capacity(content.len() + 1024);
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let is_single_include =
            line.starts_with("```") && lines.get(i + 2).is_some_and(|l| l.trim_end() == "```");
        if is_single_include
            && let Some((path, anchor)) = lines.get(i + 1).and_then(|l| parse_include(l))
            && let Some(html) = caption(root, repo, page, path, anchor)
        {
            if !out.is_empty() && !out.ends_with("\n\n") {
                out.push('\n');
            }
            out.push_str(&html);
            out.push_str("\n\n");
            if let Some(anchor) = anchor
                && let Some(text) = dedented_anchor(root, page, path, anchor)
            {
                out.push_str(line);
                out.push('\n');
                out.push_str(&text);
                out.push('\n');
                i += 2;
                continue;
            }
        }
        if let Some((alt, path)) = parse_chart(line)
            && let Some(svg) = inline_chart(root, page, alt, path)
        {
            if !out.is_empty() && !out.ends_with("\n\n") {
                out.push('\n');
            }
            out.push_str(&svg);
            out.push_str("\n\n");
            i += 1;
            continue;
        }
        out.push_str(line);
        out.push('\n');
        i += 1;
    }
    if !content.ends_with('\n') {
        out.pop();
    }
    out
}

/// Adds captions to every chapter in mdBook's JSON book, wherever it nests them.
fn walk(root: &Path, repo: &str, value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(chapter)) = map.get_mut("Chapter") {
                let page = chapter
                    .get("source_path")
                    .or_else(|| chapter.get("path"))
                    .and_then(Value::as_str)
                    .map(PathBuf::from);
                if let (Some(page), Some(Value::String(content))) =
                    (page, chapter.get_mut("content"))
                {
                    *content = caption_page(root, repo, &page, content);
                }
            }
            for child in map.values_mut() {
                walk(root, repo, child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| walk(root, repo, item)),
        _ => {}
    }
}

/// `book-tools listings [supports RENDERER]`, the mdBook preprocessor protocol.
pub(crate) fn preprocess(root: &Path, supports: Option<&str>) -> Result<(), String> {
    if supports.is_some() {
        return Ok(()); // captions are HTML, and every renderer this book uses takes it
    }
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| format!("listings: cannot read mdBook's input: {e}"))?;
    let parsed: Value = serde_json::from_str(&input)
        .map_err(|e| format!("listings: mdBook's input is not JSON: {e}"))?;
    let Value::Array(mut pair) = parsed else {
        return Err("listings: mdBook's input is not [context, book]".into());
    };
    if pair.len() != 2 {
        return Err("listings: mdBook's input is not [context, book]".into());
    }
    let mut book = pair.pop().expect("two items");
    let repo = repository_url(root).ok_or("listings: book.toml has no git-repository-url")?;
    walk(root, &repo, &mut book);
    serde_json::to_writer(std::io::stdout().lock(), &book)
        .map_err(|e| format!("listings: cannot write the book: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_are_parsed_with_and_without_anchors() {
        assert_eq!(
            parse_include("{{#include ../../code/a/b/src/lib.rs:stage}}"),
            Some(("../../code/a/b/src/lib.rs", Some("stage")))
        );
        assert_eq!(
            parse_include("{{#include ../../code/a/b/ring.erl}}"),
            Some(("../../code/a/b/ring.erl", None))
        );
        assert_eq!(parse_include("let x = 1;"), None);
    }

    #[test]
    fn anchors_cover_the_lines_between_their_markers() {
        let source = "a\n// ANCHOR: two\nb\nc\n// ANCHOR_END: two\n// ANCHOR: twofold\nd\n// ANCHOR_END: twofold\n";
        assert_eq!(anchor_lines(source, "two"), Some((3, 4)));
        assert_eq!(anchor_lines(source, "twofold"), Some((7, 7)));
        assert_eq!(anchor_lines(source, "three"), None);
    }

    #[test]
    fn a_part_inside_a_function_is_shown_without_its_indentation() {
        let root = std::env::temp_dir().join(format!("listings-dedent-{}", std::process::id()));
        let source = root.join("code/csp/pipeline/src");
        std::fs::create_dir_all(&source).unwrap();
        std::fs::write(
            source.join("lib.rs"),
            "fn run() {\n    // ANCHOR: run-loop\n    loop {\n        // ANCHOR: inner\n\n        step();\n        // ANCHOR_END: inner\n    }\n    // ANCHOR_END: run-loop\n}\n// ANCHOR: whole\nfn whole() {}\n// ANCHOR_END: whole\n",
        )
        .unwrap();
        let page = "```rust,ignore\n{{#include ../../code/csp/pipeline/src/lib.rs:run-loop}}\n```\n\
                    ```rust,ignore\n{{#include ../../code/csp/pipeline/src/lib.rs:whole}}\n```\n";
        let out = caption_page(&root, "https://e.org/r", Path::new("csp/p.md"), page);
        std::fs::remove_dir_all(&root).unwrap();
        assert!(
            out.contains("```rust,ignore\nloop {\n\n    step();\n}\n```"),
            "{out}"
        );
        assert!(out.contains("{{#include ../../code/csp/pipeline/src/lib.rs:whole}}"));
        assert!(!out.contains(":run-loop}}"));
    }

    #[test]
    fn packages_come_from_example_folders_only() {
        assert_eq!(
            package_of(Path::new("code/csp/pipeline/src/lib.rs")).as_deref(),
            Some("csp-pipeline")
        );
        assert_eq!(package_of(Path::new("code/support/kit/src/lib.rs")), None);
        assert_eq!(
            normalise(Path::new("book/csp/../../code/x")),
            PathBuf::from("code/x")
        );
    }

    #[test]
    fn a_caption_goes_above_each_included_listing_and_nothing_else_changes() {
        let root = std::env::temp_dir().join(format!("listings-test-{}", std::process::id()));
        let source = root.join("code/csp/pipeline/src");
        std::fs::create_dir_all(&source).unwrap();
        std::fs::write(
            source.join("lib.rs"),
            "//! x\n// ANCHOR: stage\nfn stage() {}\n// ANCHOR_END: stage\n",
        )
        .unwrap();
        let page = "Text.\n```rust,ignore\n{{#include ../../code/csp/pipeline/src/lib.rs:stage}}\n```\n\n\
                    ```text\n{{#include generated/out.txt}}\n```\n";
        let out = caption_page(
            &root,
            "https://example.org/r",
            Path::new("csp/pipeline.md"),
            page,
        );
        std::fs::remove_dir_all(&root).unwrap();
        let expected = "Text.\n\n<p class=\"listing-caption\">\
            <a href=\"https://example.org/r/blob/main/code/csp/pipeline/src/lib.rs#L3-L3\">\
            <code>code/csp/pipeline/src/lib.rs</code></a> · <code>stage</code> · \
            <code>cargo run --release -p csp-pipeline</code></p>\n\n";
        assert!(out.starts_with(expected), "{out}");
        assert_eq!(
            out.strip_prefix(expected).unwrap(),
            &page["Text.\n".len()..]
        );
    }
}
