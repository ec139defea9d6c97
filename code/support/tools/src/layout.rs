//! The workspace's shape: a crate's folder, package name and chapter agree,
//! every chapter has its opening and results pages, and every example crate
//! has a page of its own that shows it.
use std::path::{Component, Path, PathBuf};

use crate::includes::find_includes;
use crate::workspace::{Result, Workspace, verdict};

/// `a/b/../c` → `a/c`, without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

pub(crate) fn check(ws: &Workspace) -> Result<()> {
    let mut problems = Vec::new();
    let book = ws.root.join("book");
    let includes = find_includes(&book)?;
    for ex in &ws.examples {
        let relative = ws.relative(&ex.dir).to_path_buf();
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().to_string())
            .collect();
        match parts.as_slice() {
            [code, chapter, example] if code == "code" => {
                if chapter != &ex.chapter {
                    problems.push(format!(
                        "{}: lives in code/{chapter}/ but its Cargo.toml says chapter = \"{}\"",
                        ex.package, ex.chapter
                    ));
                }
                let expected = format!("{chapter}-{example}");
                if ex.package != expected {
                    problems.push(format!(
                        "{}: the crate in {} must be named {expected}",
                        ex.package,
                        relative.display()
                    ));
                }
            }
            _ => problems.push(format!(
                "{}: an example crate belongs in code/<chapter>/<example>/, not {}",
                ex.package,
                relative.display()
            )),
        }
        let shown = includes.iter().any(|inc| {
            inc.page.parent() == Some(book.join(&ex.chapter).as_path())
                && normalise(&inc.target).starts_with(&ex.dir)
        });
        if !shown {
            problems.push(format!(
                "{}: no page in book/{}/ includes its code (every example has a page that shows it)",
                ex.package, ex.chapter
            ));
        }
    }
    for chapter in crate::select::chapters(ws) {
        for page in ["index.md", "results.md"] {
            if !book.join(&chapter).join(page).is_file() {
                problems.push(format!(
                    "book/{chapter}/{page}: missing (scripts/new-chapter makes it)"
                ));
            }
        }
    }
    verdict("layout", ws.examples.len(), &problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_resolves_parent_folders() {
        assert_eq!(
            normalise(Path::new("/w/book/csp/../../code/csp/pipeline/src/lib.rs")),
            PathBuf::from("/w/code/csp/pipeline/src/lib.rs")
        );
        assert_eq!(normalise(Path::new("a/./b")), PathBuf::from("a/b"));
    }
}
