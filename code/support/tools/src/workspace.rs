//! What the tools know about the workspace, read from `cargo metadata`.
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use serde_json::Value;

pub(crate) type Result<T> = std::result::Result<T, String>;

/// One example crate that belongs to a chapter.
#[derive(Debug, Clone)]
pub(crate) struct Example {
    pub(crate) package: String,
    pub(crate) chapter: String,
    pub(crate) binary: Option<String>,
    pub(crate) outputs: Vec<OutputSpec>,
    pub(crate) charts: BTreeMap<String, ChartSpec>,
    /// Services the crate talks to (`needs = ["rabbitmq", "python"]`).
    pub(crate) needs: Vec<String>,
    /// The folder holding its Cargo.toml.
    pub(crate) dir: PathBuf,
}

/// A helper crate under `code/support/`.
#[derive(Debug, Clone)]
pub(crate) struct Support {
    pub(crate) package: String,
    pub(crate) needs: Vec<String>,
}

/// A command whose output a chapter shows.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OutputSpec {
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) args: Vec<String>,
}

/// How to draw one benchmark group.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChartSpec {
    pub(crate) title: Option<String>,
    pub(crate) x_label: Option<String>,
    pub(crate) baseline: Option<String>,
    #[serde(default)]
    pub(crate) log_x: bool,
    #[serde(default)]
    pub(crate) log_y: bool,
    /// Predicted values to draw beside a measured series, as `[x, y]` pairs,
    /// keyed by the series (function id) they predict.
    #[serde(default)]
    pub(crate) predicted: BTreeMap<String, Vec<[f64; 2]>>,
}

#[derive(Debug)]
pub(crate) struct Workspace {
    pub(crate) root: PathBuf,
    pub(crate) target: PathBuf,
    pub(crate) examples: Vec<Example>,
    pub(crate) support: Vec<Support>,
}

impl Workspace {
    pub(crate) fn load() -> Result<Workspace> {
        let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args([
                "metadata",
                "--format-version",
                "1",
                "--no-deps",
                "--offline",
            ])
            .output()
            .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "cargo metadata failed: {}",
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
            ));
        }
        let meta: Value = serde_json::from_slice(&out.stdout)
            .map_err(|e| format!("cargo metadata printed bad JSON: {e}"))?;
        let root = PathBuf::from(
            meta["workspace_root"]
                .as_str()
                .ok_or("cargo metadata has no workspace_root")?,
        );
        let target = PathBuf::from(
            meta["target_directory"]
                .as_str()
                .ok_or("cargo metadata has no target_directory")?,
        );
        let mut examples = Vec::new();
        let mut support = Vec::new();
        for package in meta["packages"]
            .as_array()
            .ok_or("cargo metadata has no packages")?
        {
            let name = package["name"].as_str().unwrap_or_default().to_string();
            let book = &package["metadata"]["book"];
            let needs: Vec<String> = match &book["needs"] {
                Value::Null => Vec::new(),
                v => serde_json::from_value(v.clone()).map_err(|e| {
                    format!("{name}: [package.metadata.book] needs must be a list of names: {e}")
                })?,
            };
            for need in &needs {
                if !crate::services::SERVICES.iter().any(|(s, _)| s == need) {
                    let known: Vec<&str> =
                        crate::services::SERVICES.iter().map(|(s, _)| *s).collect();
                    return Err(format!(
                        "{name}: needs \"{need}\", which the scripts do not know (known: {})",
                        known.join(", ")
                    ));
                }
            }
            let dir = PathBuf::from(package["manifest_path"].as_str().unwrap_or_default())
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            if book["role"].as_str() == Some("support") {
                support.push(Support {
                    package: name,
                    needs,
                });
                continue;
            }
            let chapter = book["chapter"]
                .as_str()
                .ok_or_else(|| {
                    format!("{name}: Cargo.toml needs [package.metadata.book] chapter = \"...\"")
                })?
                .to_string();
            if !name.starts_with(&format!("{chapter}-")) {
                return Err(format!(
                    "{name}: an example of chapter '{chapter}' must be named '{chapter}-<example>'"
                ));
            }
            let binary = package["targets"]
                .as_array()
                .into_iter()
                .flatten()
                .find_map(|t| {
                    let is_bin = t["kind"]
                        .as_array()
                        .is_some_and(|k| k.iter().any(|k| k == "bin"));
                    is_bin.then(|| t["name"].as_str().unwrap_or_default().to_string())
                });
            let outputs: Vec<OutputSpec> = match &book["output"] {
                Value::Null => Vec::new(),
                v => serde_json::from_value(v.clone())
                    .map_err(|e| format!("{name}: bad [[package.metadata.book.output]]: {e}"))?,
            };
            let charts: BTreeMap<String, ChartSpec> = match &book["charts"] {
                Value::Null => BTreeMap::new(),
                v => serde_json::from_value(v.clone())
                    .map_err(|e| format!("{name}: bad [package.metadata.book.charts]: {e}"))?,
            };
            for group in charts.keys() {
                if !group.starts_with(&format!("{name}/")) {
                    return Err(format!(
                        "{name}: chart '{group}' must name a group that starts with '{name}/'"
                    ));
                }
            }
            if !outputs.is_empty() && binary.is_none() {
                return Err(format!("{name}: has outputs to capture but no binary"));
            }
            examples.push(Example {
                package: name,
                chapter,
                binary,
                outputs,
                charts,
                needs,
                dir,
            });
        }
        examples.sort_by(|a, b| a.package.cmp(&b.package));
        support.sort_by(|a, b| a.package.cmp(&b.package));
        let mut seen = BTreeMap::new();
        for ex in &examples {
            for out in &ex.outputs {
                if let Some(other) =
                    seen.insert((ex.chapter.clone(), out.name.clone()), ex.package.clone())
                {
                    return Err(format!(
                        "output name '{}' is used by both {other} and {}",
                        out.name, ex.package
                    ));
                }
            }
        }
        Ok(Workspace {
            root,
            target,
            examples,
            support,
        })
    }

    pub(crate) fn generated_dir(&self, chapter: &str) -> PathBuf {
        self.root.join("book").join(chapter).join("generated")
    }

    pub(crate) fn select<'a>(&'a self, packages: &[String]) -> Result<Vec<&'a Example>> {
        for p in packages {
            if !self.examples.iter().any(|e| &e.package == p) {
                return Err(format!(
                    "no example package named '{p}' (see `cargo metadata`)"
                ));
            }
        }
        Ok(self
            .examples
            .iter()
            .filter(|e| packages.is_empty() || packages.contains(&e.package))
            .collect())
    }

    pub(crate) fn relative<'a>(&self, path: &'a Path) -> &'a Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }
}

/// Every file under `dir` (recursively) whose name ends with one of `extensions`.
pub(crate) fn files_under(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            if path.is_dir() {
                if name != "target" && !name.starts_with('.') {
                    stack.push(path);
                }
            } else if extensions.iter().any(|ext| name.ends_with(ext)) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

pub(crate) fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

pub(crate) fn write(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Reports every problem found, then fails once, so a contributor sees them all.
pub(crate) fn verdict(what: &str, checked: usize, problems: &[String]) -> Result<()> {
    for p in problems {
        eprintln!("  ✗ {p}");
    }
    if problems.is_empty() {
        println!("{what}: {checked} checked, all good");
        Ok(())
    } else {
        Err(format!(
            "{what}: {} problem(s) in {checked} checked (listed above)",
            problems.len()
        ))
    }
}

/// `a/b/../c` → `a/c`, without touching the file system.
pub(crate) fn normalise(path: &Path) -> PathBuf {
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

/// Text made safe inside HTML or SVG, attributes included.
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
