//! The browser check: the built book loaded page by page in headless Chromium
//! (code/support/browser/check.mjs, a Node.js program), as a reader sees it.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::workspace::{Result, Workspace};

fn on_path(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
}

/// Chromium: `$CHROMIUM`, or Debian's package, installed here when we are root
/// on a Debian-like machine (as on CI), or one line saying how to get it.
fn chromium() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Ok(PathBuf::from(path));
    }
    let debian = PathBuf::from("/usr/bin/chromium");
    if debian.is_file() {
        return Ok(debian);
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.starts_with(b"0\n"));
    if root && on_path("apt-get") {
        eprintln!("browser check: installing Debian's chromium package (once)");
        let installed = Command::new("apt-get")
            .args(["install", "-y", "-q", "chromium"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .is_ok_and(|s| s.success());
        if installed && debian.is_file() {
            return Ok(debian);
        }
    }
    Err("Chromium not found: install it (Debian: apt-get install chromium) or set CHROMIUM=/path/to/chrome".into())
}

/// `node_modules` for the check, installed from its lock file when missing or stale.
fn node_modules(dir: &Path) -> Result<()> {
    let modules = dir.join("node_modules");
    let lock = dir.join("package-lock.json");
    let stale = match (
        modules.join(".package-lock.json").metadata(),
        lock.metadata(),
    ) {
        (Ok(installed), Ok(wanted)) => installed.modified().ok() < wanted.modified().ok(),
        _ => true,
    };
    if !stale {
        return Ok(());
    }
    let ok = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(dir)
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        Ok(())
    } else {
        Err("npm ci failed in code/support/browser (is the npm registry reachable?)".into())
    }
}

/// Loads the pages of the built book under `chapters` (every page when empty) in
/// Chromium; with `pdf`, also prints the whole book to target/browser/.
pub(crate) fn check(ws: &Workspace, chapters: &[String], pdf: bool) -> Result<()> {
    if !on_path("node") || !on_path("npm") {
        return Err(
            "Node.js not found: the browser check needs node and npm (Debian: apt-get install nodejs npm)".into(),
        );
    }
    let chromium = chromium()?;
    let dir = ws.root.join("code").join("support").join("browser");
    node_modules(&dir)?;
    let out = ws.target.join("browser");
    let mut node = Command::new("node");
    node.arg(dir.join("check.mjs"))
        .arg("--html")
        .arg(ws.target.join("book").join("html"))
        .arg("--out")
        .arg(&out)
        .env("CHROMIUM", chromium);
    if !chapters.is_empty() {
        node.arg("--only").arg(chapters.join(","));
    }
    if pdf {
        node.arg("--pdf")
            .arg(out.join("concurrency-is-for-speed.pdf"));
    }
    let status = node
        .current_dir(&ws.root)
        .status()
        .map_err(|e| format!("cannot run node: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("the browser check found problems (listed above)".into())
    }
}

/// Does this line only mark where a listing starts or ends?
fn is_anchor_line(line: &str) -> bool {
    let text = line.trim_start();
    let comment = text
        .strip_prefix("//")
        .or_else(|| text.strip_prefix('#'))
        .or_else(|| text.strip_prefix('%'));
    comment.is_some_and(|rest| {
        let rest = rest.trim_start_matches(['/', '!', '%', ' ']);
        rest.starts_with("ANCHOR:") || rest.starts_with("ANCHOR_END:")
    })
}

/// `book archive`: the workspace's code as target/browser/concurrency-is-for-speed-code.tar.gz,
/// the files git tracks, with the book's anchor comments taken out.
pub(crate) fn archive(ws: &Workspace) -> Result<PathBuf> {
    let name = "concurrency-is-for-speed-code";
    let staging = ws.target.join("code-archive");
    let _ = std::fs::remove_dir_all(&staging);
    let listed = Command::new("git")
        .args(["ls-files", "-z", "--", "code", "Cargo.toml", "Cargo.lock"])
        .args(["rust-toolchain.toml", "LICENSE", "README.md"])
        .current_dir(&ws.root)
        .output()
        .map_err(|e| format!("cannot run git ls-files: {e}"))?;
    if !listed.status.success() {
        return Err("git ls-files failed: the archive is made from a git checkout".into());
    }
    let mut count = 0;
    for path in listed.stdout.split(|b| *b == 0).filter(|p| !p.is_empty()) {
        let path = String::from_utf8_lossy(path).into_owned();
        let from = ws.root.join(&path);
        let to = staging.join(name).join(&path);
        std::fs::create_dir_all(to.parent().expect("a file has a folder"))
            .map_err(|e| format!("cannot create {}: {e}", to.display()))?;
        match std::fs::read_to_string(&from) {
            Ok(text) => {
                let mut kept: String = text
                    .lines()
                    .filter(|line| !is_anchor_line(line))
                    .collect::<Vec<_>>()
                    .join("\n");
                if text.ends_with('\n') {
                    kept.push('\n');
                }
                std::fs::write(&to, kept)
            }
            Err(_) => std::fs::copy(&from, &to).map(|_| ()),
        }
        .map_err(|e| format!("cannot copy {path}: {e}"))?;
        count += 1;
    }
    let out = ws.target.join("browser");
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let tarball = out.join(format!("{name}.tar.gz"));
    let ok = Command::new("tar")
        .arg("czf")
        .arg(&tarball)
        .arg("-C")
        .arg(&staging)
        .arg(name)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        return Err("tar failed to write the code archive".into());
    }
    eprintln!("archive: {count} files in {}", tarball.display());
    Ok(tarball)
}

#[cfg(test)]
mod tests {
    use super::is_anchor_line;

    #[test]
    fn anchor_comments_are_recognised_in_rust_python_and_erlang() {
        assert!(is_anchor_line("    // ANCHOR: stage"));
        assert!(is_anchor_line("// ANCHOR_END: stage"));
        assert!(is_anchor_line("# ANCHOR: knock"));
        assert!(is_anchor_line("%% ANCHOR: node"));
        assert!(!is_anchor_line("let anchor = \"ANCHOR: x\";"));
        assert!(!is_anchor_line("// an ANCHOR: inside prose is kept"));
    }
}
