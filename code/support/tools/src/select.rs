//! What `test` and `measure` run on: the whole book, a chapter, or a package.
use std::collections::BTreeSet;

use crate::workspace::{Example, Workspace};

/// The chapters and packages one run covers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Selection {
    /// True when nothing was named: every crate, support crates included.
    pub(crate) everything: bool,
    /// The chapters whose pages, claims and data are checked.
    pub(crate) chapters: Vec<String>,
    /// The example packages built, tested and measured.
    pub(crate) packages: Vec<String>,
}

/// Chapters in book order: the folders under book/ that SUMMARY.md links to,
/// plus any chapter an example names.
pub(crate) fn chapters(ws: &Workspace) -> Vec<String> {
    let summary =
        std::fs::read_to_string(ws.root.join("book").join("SUMMARY.md")).unwrap_or_default();
    let mut found: Vec<String> = Vec::new();
    for line in summary.lines() {
        let Some(start) = line.find("](") else {
            continue;
        };
        let link = &line[start + 2..];
        if let Some((chapter, _)) = link.split_once('/')
            && !found.iter().any(|c| c == chapter)
        {
            found.push(chapter.to_string());
        }
    }
    for ex in &ws.examples {
        if !found.contains(&ex.chapter) {
            found.push(ex.chapter.clone());
        }
    }
    found
}

impl Selection {
    /// Resolves names (chapters or packages); an unknown name is a usage error
    /// whose one line names what exists.
    pub(crate) fn resolve(ws: &Workspace, names: &[String]) -> Result<Selection, String> {
        let all_chapters = chapters(ws);
        if names.is_empty() {
            return Ok(Selection {
                everything: true,
                chapters: all_chapters,
                packages: ws.examples.iter().map(|e| e.package.clone()).collect(),
            });
        }
        let mut chapters: Vec<String> = Vec::new();
        let mut packages: Vec<String> = Vec::new();
        for name in names {
            let in_chapter: Vec<&Example> =
                ws.examples.iter().filter(|e| &e.chapter == name).collect();
            if all_chapters.contains(name) {
                push_new(&mut chapters, name);
                for ex in in_chapter {
                    push_new(&mut packages, &ex.package);
                }
            } else if let Some(ex) = ws.examples.iter().find(|e| &e.package == name) {
                push_new(&mut chapters, &ex.chapter);
                push_new(&mut packages, &ex.package);
            } else {
                return Err(format!(
                    "'{name}' is neither a chapter ({}) nor an example package (`scripts/test --list` shows them)",
                    all_chapters.join(", ")
                ));
            }
        }
        Ok(Selection {
            everything: false,
            chapters,
            packages,
        })
    }

    /// The services the selected crates declare they need.
    pub(crate) fn needs(&self, ws: &Workspace) -> BTreeSet<String> {
        let mut needs: BTreeSet<String> = ws
            .examples
            .iter()
            .filter(|e| self.packages.contains(&e.package))
            .flat_map(|e| e.needs.iter().cloned())
            .collect();
        if self.everything {
            needs.extend(ws.support.iter().flat_map(|s| s.needs.iter().cloned()));
        }
        needs
    }

    /// `cargo` arguments that pick the selected crates. A chapter run also
    /// builds the snippets crate, which compiles the book's inline Rust.
    pub(crate) fn cargo_args(&self) -> Vec<String> {
        if self.everything {
            return vec!["--workspace".into()];
        }
        let mut args = Vec::new();
        for p in self
            .packages
            .iter()
            .map(String::as_str)
            .chain(["support-snippets"])
        {
            args.push("-p".into());
            args.push(p.to_string());
        }
        args
    }

    pub(crate) fn describe(&self) -> String {
        if self.everything {
            "the whole book".into()
        } else {
            format!(
                "chapter{} {} ({} package{})",
                if self.chapters.len() == 1 { "" } else { "s" },
                self.chapters.join(", "),
                self.packages.len(),
                if self.packages.len() == 1 { "" } else { "s" }
            )
        }
    }
}

fn push_new(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|i| i == item) {
        list.push(item.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::Support;
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    fn example(package: &str, chapter: &str, needs: &[&str]) -> Example {
        Example {
            package: package.into(),
            chapter: chapter.into(),
            binary: None,
            outputs: Vec::new(),
            charts: BTreeMap::new(),
            needs: needs.iter().map(|n| n.to_string()).collect(),
            dir: PathBuf::new(),
        }
    }

    fn workspace() -> Workspace {
        Workspace {
            root: PathBuf::from("/nonexistent"),
            target: PathBuf::from("/nonexistent/target"),
            examples: vec![
                example("csp-pipeline", "csp", &[]),
                example("csp-select", "csp", &[]),
                example("queues-rpc", "queues", &["rabbitmq"]),
                example("queues-celery", "queues", &["rabbitmq", "celery"]),
            ],
            support: vec![Support {
                package: "support-broker".into(),
                needs: vec!["rabbitmq".into()],
            }],
        }
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_chapter_selects_its_packages_and_needs_nothing_else() {
        let ws = workspace();
        let sel = Selection::resolve(&ws, &names(&["csp"])).unwrap();
        assert_eq!(sel.packages, names(&["csp-pipeline", "csp-select"]));
        assert_eq!(sel.chapters, names(&["csp"]));
        assert!(sel.needs(&ws).is_empty());
        assert!(!sel.cargo_args().contains(&"--workspace".to_string()));
        assert_eq!(sel.describe(), "chapter csp (2 packages)");
    }

    #[test]
    fn chapters_follow_the_summary_then_the_examples() {
        let root = std::env::temp_dir().join(format!("book-tools-select-{}", std::process::id()));
        let summary = "# Summary\n\n[Preface](README.md)\n\n- [CSP](csp/index.md)\n  - [Pipeline](csp/pipeline.md)\n- [Intro](intro/index.md)\n";
        crate::workspace::write(&root.join("book/SUMMARY.md"), summary).unwrap();
        let ws = Workspace {
            root: root.clone(),
            ..workspace()
        };
        let found = chapters(&ws);
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(found, names(&["csp", "intro", "queues"]));
    }

    #[test]
    fn a_package_selects_itself_and_its_chapter() {
        let ws = workspace();
        let sel = Selection::resolve(&ws, &names(&["queues-celery"])).unwrap();
        assert_eq!(sel.packages, names(&["queues-celery"]));
        assert_eq!(sel.chapters, names(&["queues"]));
        let needs: Vec<String> = sel.needs(&ws).into_iter().collect();
        assert_eq!(needs, names(&["celery", "rabbitmq"]));
    }

    #[test]
    fn nothing_named_means_everything_with_support_needs() {
        let ws = workspace();
        let sel = Selection::resolve(&ws, &[]).unwrap();
        assert!(sel.everything);
        assert_eq!(sel.packages.len(), 4);
        assert_eq!(sel.cargo_args(), names(&["--workspace"]));
        assert!(sel.needs(&ws).contains("rabbitmq"));
    }

    #[test]
    fn an_unknown_name_lists_the_chapters() {
        let ws = workspace();
        let err = Selection::resolve(&ws, &names(&["csp", "nope"])).unwrap_err();
        assert!(err.contains("'nope'"), "{err}");
        assert!(err.contains("csp, queues"), "{err}");
    }
}
