//! The workspace's shape: a crate's folder, package name and chapter agree,
//! every chapter has its opening and results pages, and every example crate
//! has a page of its own that shows it.

use crate::includes::find_includes;
use crate::workspace::{Result, Workspace, normalise, verdict};

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
    use std::path::{Path, PathBuf};

    #[test]
    fn normalise_resolves_parent_folders() {
        assert_eq!(
            normalise(Path::new("/w/book/csp/../../code/csp/pipeline/src/lib.rs")),
            PathBuf::from("/w/code/csp/pipeline/src/lib.rs")
        );
        assert_eq!(normalise(Path::new("a/./b")), PathBuf::from("a/b"));
    }

    /// A throw-away workspace with one example crate in `dir`, named
    /// `package`, in `chapter`; book/ch has its opening and results pages.
    struct Scratch {
        ws: Workspace,
    }

    impl Scratch {
        fn new(name: &str, dir: &str, package: &str, chapter: &str) -> Scratch {
            let root = std::env::temp_dir()
                .join(format!("book-tools-layout-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&root);
            let s = Scratch {
                ws: Workspace {
                    target: root.join("target"),
                    examples: vec![crate::workspace::Example {
                        package: package.into(),
                        chapter: chapter.into(),
                        binary: None,
                        outputs: Vec::new(),
                        charts: std::collections::BTreeMap::new(),
                        needs: Vec::new(),
                        dir: root.join(dir),
                    }],
                    support: Vec::new(),
                    root,
                },
            };
            s.page("ch/index.md", "# Chapter\n");
            s.page("ch/results.md", "# Results\n");
            s
        }

        fn page(&self, path: &str, text: &str) {
            crate::workspace::write(&self.ws.root.join("book").join(path), text).unwrap();
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.ws.root);
        }
    }

    const SHOWN: &str = "{{#include ../../code/ch/pkg/src/lib.rs:anchor}}\n";

    #[test]
    fn a_crate_in_its_place_with_a_page_passes() {
        let s = Scratch::new("good", "code/ch/pkg", "ch-pkg", "ch");
        s.page("ch/pkg.md", SHOWN);
        check(&s.ws).unwrap();
    }

    #[test]
    fn a_crate_no_page_of_its_chapter_shows_fails() {
        let s = Scratch::new("unshown", "code/ch/pkg", "ch-pkg", "ch");
        assert!(check(&s.ws).is_err(), "no page at all");
        // Another chapter's page showing it does not count.
        s.page("other/pkg.md", SHOWN);
        assert!(check(&s.ws).is_err(), "shown only by another chapter");
        // Nor does a page of its chapter that shows another crate.
        s.page("ch/pkg.md", "{{#include ../../code/ch/other/src/lib.rs}}\n");
        assert!(check(&s.ws).is_err(), "its chapter shows another crate");
    }

    #[test]
    fn folder_package_name_and_chapter_must_agree() {
        let misnamed = Scratch::new("misnamed", "code/ch/pkg", "ch-package", "ch");
        misnamed.page("ch/pkg.md", SHOWN);
        assert!(check(&misnamed.ws).is_err(), "named unlike its folder");
        let moved = Scratch::new("moved", "code/other/pkg", "other-pkg", "ch");
        moved.page(
            "ch/pkg.md",
            "{{#include ../../code/other/pkg/src/lib.rs}}\n",
        );
        assert!(check(&moved.ws).is_err(), "in another chapter's folder");
        let shallow = Scratch::new("shallow", "code/pkg", "ch-pkg", "ch");
        shallow.page("ch/pkg.md", "{{#include ../../code/pkg/src/lib.rs}}\n");
        assert!(check(&shallow.ws).is_err(), "not under code/<chapter>/");
        let elsewhere = Scratch::new("elsewhere", "examples/ch/pkg", "ch-pkg", "ch");
        elsewhere.page(
            "ch/pkg.md",
            "{{#include ../../examples/ch/pkg/src/lib.rs}}\n",
        );
        assert!(check(&elsewhere.ws).is_err(), "not under code/");
    }

    #[test]
    fn a_chapter_without_its_results_page_fails() {
        let s = Scratch::new("no-results", "code/ch/pkg", "ch-pkg", "ch");
        s.page("ch/pkg.md", SHOWN);
        std::fs::remove_file(s.ws.root.join("book/ch/results.md")).unwrap();
        assert!(check(&s.ws).is_err());
    }
}
