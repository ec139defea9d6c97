//! `new-chapter` and `new-example`: a chapter or an example crate in the
//! book's shape, from the templates in `templates/`, that passes
//! `scripts/test <chapter>` as soon as it is written (an example once it is measured).

use crate::workspace::{Workspace, write};

const CHAPTER_INDEX: &str = include_str!("../templates/chapter/index.md.tmpl");
const CHAPTER_RESULTS: &str = include_str!("../templates/chapter/results.md.tmpl");
const EXAMPLE_FILES: [(&str, &str); 6] = [
    (
        "Cargo.toml",
        include_str!("../templates/example/Cargo.toml.tmpl"),
    ),
    (
        "src/lib.rs",
        include_str!("../templates/example/lib.rs.tmpl"),
    ),
    (
        "src/main.rs",
        include_str!("../templates/example/main.rs.tmpl"),
    ),
    (
        "tests/properties.rs",
        include_str!("../templates/example/properties.rs.tmpl"),
    ),
    (
        "tests/cli.rs",
        include_str!("../templates/example/cli.rs.tmpl"),
    ),
    (
        "benches/{{name}}.rs",
        include_str!("../templates/example/bench.rs.tmpl"),
    ),
];
const EXAMPLE_PAGE: &str = include_str!("../templates/example/page.md.tmpl");

/// A lower-case name like `door-knock`.
fn valid_name(word: &str) -> bool {
    let mut parts = word.split('-');
    let first_ok = parts.next().is_some_and(|p| {
        p.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && p.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    });
    first_ok
        && parts.all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    let mut text = template.to_string();
    for (key, value) in pairs {
        text = text.replace(&format!("{{{{{key}}}}}"), value);
    }
    text
}

/// Adds `entry` to SUMMARY.md: in place of a draft `- [Title]()` line, or
/// else before the closing rule that precedes the appendix.
fn add_to_summary(summary: &str, title: &str, entry: &str) -> String {
    let draft = format!("- [{title}]()");
    if summary.lines().any(|l| l.trim() == draft) {
        return summary
            .lines()
            .map(|l| {
                if l.trim() == draft {
                    entry.to_string()
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n";
    }
    match summary.rfind("\n---") {
        // Keep the blank line before the rule: `---` right under a list item would underline it.
        Some(at) => format!("{}\n{entry}\n{}", summary[..at].trim_end(), &summary[at..]),
        None => format!("{}\n{entry}\n", summary.trim_end()),
    }
}

/// Adds a page to a chapter's entry in SUMMARY.md, before its results page.
fn add_page_to_summary(summary: &str, chapter: &str, entry: &str) -> Option<String> {
    let results = format!("({chapter}/results.md)");
    let mut lines: Vec<String> = summary.lines().map(str::to_string).collect();
    let at = lines.iter().position(|l| l.contains(&results))?;
    lines.insert(at, entry.to_string());
    Some(lines.join("\n") + "\n")
}

pub(crate) fn new_chapter(ws: &Workspace, name: &str, title: &str) -> Result<(), String> {
    if !valid_name(name) || name == "support" {
        return Err(format!(
            "'{name}' is not a chapter name like 'rayon' or 'message-queues'"
        ));
    }
    if title.trim().is_empty() {
        return Err("the chapter needs a title, like \"Data Parallelism\"".into());
    }
    let dir = ws.root.join("book").join(name);
    if dir.exists() {
        return Err(format!("book/{name} already exists"));
    }
    let summary_path = ws.root.join("book").join("SUMMARY.md");
    let summary = std::fs::read_to_string(&summary_path)
        .map_err(|e| format!("cannot read book/SUMMARY.md: {e}"))?;
    let pairs = [("title", title), ("chapter", name)];
    write(&dir.join("index.md"), &fill(CHAPTER_INDEX, &pairs))?;
    write(&dir.join("results.md"), &fill(CHAPTER_RESULTS, &pairs))?;
    let entry = format!("- [{title}]({name}/index.md)\n  - [Measured results]({name}/results.md)");
    write(&summary_path, &add_to_summary(&summary, title, &entry))?;
    println!(
        "new-chapter: wrote book/{name}/index.md, book/{name}/results.md and the SUMMARY entry"
    );
    println!("Next: scripts/new-example {name} <example>, then scripts/test {name}");
    Ok(())
}

pub(crate) fn new_example(ws: &Workspace, chapter: &str, name: &str) -> Result<(), String> {
    for word in [chapter, name] {
        if !valid_name(word) {
            return Err(format!(
                "'{word}' is not a lower-case name like 'door-knock'"
            ));
        }
    }
    if chapter == "support" {
        return Err("'support' holds helper crates, not examples".into());
    }
    if !ws
        .root
        .join("book")
        .join(chapter)
        .join("index.md")
        .is_file()
    {
        return Err(format!(
            "there is no chapter '{chapter}' yet: scripts/new-chapter {chapter} \"Its Title\" makes one"
        ));
    }
    let dir = ws.root.join("code").join(chapter).join(name);
    if dir.exists() {
        return Err(format!("code/{chapter}/{name} already exists"));
    }
    let package = format!("{chapter}-{name}");
    let krate = package.replace('-', "_");
    let pairs = [
        ("package", package.as_str()),
        ("crate", krate.as_str()),
        ("chapter", chapter),
        ("name", name),
    ];
    for (path, template) in EXAMPLE_FILES {
        write(&dir.join(fill(path, &pairs)), &fill(template, &pairs))?;
    }
    let page = ws
        .root
        .join("book")
        .join(chapter)
        .join(format!("{name}.md"));
    write(&page, &fill(EXAMPLE_PAGE, &pairs))?;
    let summary_path = ws.root.join("book").join("SUMMARY.md");
    let summary = std::fs::read_to_string(&summary_path)
        .map_err(|e| format!("cannot read book/SUMMARY.md: {e}"))?;
    let entry = format!("  - [TODO: {name}]({chapter}/{name}.md)");
    if let Some(updated) = add_page_to_summary(&summary, chapter, &entry) {
        write(&summary_path, &updated)?;
    }
    // The new member must be in Cargo.lock, or the next `--locked` build (this
    // tool's own, in every script) refuses to run. Its dependencies are already
    // locked for the workspace, so this needs no network.
    let locked = std::process::Command::new("cargo")
        .args(["update", "--workspace", "--offline", "--quiet"])
        .current_dir(&ws.root)
        .status()
        .map_err(|e| format!("cannot run cargo to add {package} to Cargo.lock: {e}"))?;
    if !locked.success() {
        return Err(format!(
            "created code/{chapter}/{name}, but cargo could not add {package} to Cargo.lock"
        ));
    }
    // A long package name can push the template's lines past rustfmt's width;
    // format the new crate so `scripts/test` passes at once.
    let formatted = std::process::Command::new("cargo")
        .args(["fmt", "-p", &package])
        .current_dir(&ws.root)
        .status()
        .map_err(|e| format!("cannot run cargo fmt on {package}: {e}"))?;
    if !formatted.success() {
        return Err(format!(
            "created code/{chapter}/{name}, but cargo fmt failed on it"
        ));
    }
    println!(
        "new-example: created code/{chapter}/{name} (package {package}) and book/{chapter}/{name}.md"
    );
    println!(
        "Next:\n  cargo run -p {package} -- --help\n  scripts/measure -p {package}\n  scripts/test {package}"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_lower_case_words_joined_by_dashes() {
        assert!(valid_name("door-knock"));
        assert!(valid_name("rayon"));
        assert!(valid_name("ffi2"));
        assert!(!valid_name("Door"));
        assert!(!valid_name("door--knock"));
        assert!(!valid_name("-door"));
        assert!(!valid_name("2door"));
        assert!(!valid_name(""));
    }

    #[test]
    fn templates_are_filled_everywhere() {
        assert_eq!(
            fill("{{a}}-{{b}}/{{a}}", &[("a", "x"), ("b", "y")]),
            "x-y/x"
        );
    }

    #[test]
    fn a_draft_summary_entry_is_replaced() {
        let summary = "# Summary\n\n- [Intro](intro/index.md)\n- [Data Parallelism]()\n- [Actors]()\n\n---\n\n[Appendix](a.md)\n";
        let out = add_to_summary(
            summary,
            "Data Parallelism",
            "- [Data Parallelism](rayon/index.md)",
        );
        assert!(
            out.contains("- [Data Parallelism](rayon/index.md)\n- [Actors]()"),
            "{out}"
        );
        assert!(!out.contains("[Data Parallelism]()"));
    }

    #[test]
    fn a_new_title_goes_before_the_appendix() {
        let summary = "# Summary\n\n- [Intro](intro/index.md)\n\n---\n\n[Appendix](a.md)\n";
        let out = add_to_summary(summary, "New", "- [New](new/index.md)");
        assert!(out.contains("(new/index.md)\n\n---"), "{out}");
        let new_at = out.find("[New]").unwrap();
        assert!(new_at < out.find("---").unwrap(), "{out}");
        assert!(out.find("[Intro]").unwrap() < new_at);
    }

    #[test]
    fn an_example_page_goes_before_the_results() {
        let summary = "- [CSP](csp/index.md)\n  - [Pipe](csp/pipe.md)\n  - [Measured results](csp/results.md)\n";
        let out = add_page_to_summary(summary, "csp", "  - [New](csp/new.md)").unwrap();
        assert!(
            out.contains("(csp/pipe.md)\n  - [New](csp/new.md)\n  - [Measured results]"),
            "{out}"
        );
        assert!(add_page_to_summary(summary, "nope", "x").is_none());
    }
}
